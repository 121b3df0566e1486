"""Source loading: lists `sources/`, picks a reader by suffix, reads bytes (the I/O edge).

A new kind of source is one module with `SUFFIXES` and a pure
`parse(data, path, source_id) -> (Source | None, diagnostics)`; register it in READERS, with
the same suffixes (a test holds the two equal).
A sidecar `<id>.yaml` beside any source gives its metadata (`sidecar.py`); it is not a source.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from briefing.diagnostics import (
    SOURCES_CORRUPT,
    SOURCES_DUPLICATE_ID,
    SOURCES_MISSING,
    SOURCES_OUTSIDE,
    SOURCES_SIDECAR,
    SOURCES_TOO_LARGE,
    SOURCES_UNREADABLE,
    SOURCES_UNSUPPORTED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.sources import sidecar

# Each reader module by name, with the suffixes it takes (its `SUFFIXES`): a module is imported
# the first time a file of its kind is read, so a check of text sources starts without the
# HTML, PDF and DOCX readers and what they import (issue 19: 0.01 s of every start).
READERS: dict[str, frozenset[str]] = {
    "briefing.sources.text": frozenset({".md", ".markdown", ".txt"}),
    "briefing.sources.html": frozenset({".html", ".htm"}),
    "briefing.sources.pdf": frozenset({".pdf"}),
    "briefing.sources.docx": frozenset({".docx"}),
}
# Six short metadata fields never need more; a larger sidecar is ignored with a warning.
SIDECAR_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    id: str
    path: Path
    sidecar: Path | None = None  # sources/<id>.yaml, when there is one


@dataclass(frozen=True)
class SourceSet:
    """What `sources/` holds: readable files by id, plus what could not be used."""

    files: dict[str, SourceFile]
    diagnostics: tuple[Diagnostic, ...]


def reader_for(path: Path) -> ModuleType | None:
    """The reader module for the file's kind (imported now if need be), or None."""
    suffix = path.suffix.lower()
    name = next((name for name, suffixes in READERS.items() if suffix in suffixes), None)
    return None if name is None else importlib.import_module(name)


def scan_sources(directory: Path) -> SourceSet:
    """List the source files directly inside `directory`; reads no file contents."""
    diagnostics: list[Diagnostic] = []
    files: dict[str, SourceFile] = {}
    if not directory.is_dir():
        diagnostics.append(Diagnostic(
            SOURCES_MISSING, f"sources folder not found: {directory}",
            Location(str(directory), 1), "create it, or point --sources at the folder holding the sources"))
        return SourceSet(files, tuple(diagnostics))
    root = directory.resolve()
    sidecars: dict[str, Path] = {}
    try:
        entries = _entries(directory)
    except OSError as error:
        diagnostics.append(Diagnostic(
            SOURCES_MISSING, f"cannot list the sources folder {directory}: "
            f"{error.strerror or error}", Location(str(directory), 1), "check the folder's permissions"))
        return SourceSet(files, tuple(diagnostics))
    for entry in entries:
        # A link is followed by `Path`'s methods, as before (a looping one is no folder and no
        # file); an entry that is no link is known from the listing itself, without a stat.
        path, link = directory / entry.name, entry.is_symlink()
        if entry.name.startswith(".") or (path.is_dir() if link else entry.is_dir()):
            continue
        where = Location(str(path), 1)
        # A symlink may not lead out of sources/: nothing outside it is ever read. A file that
        # is no link is inside by where it was listed; resolving it would stat every folder
        # above it (issue 19: a quarter of a second for 10,000 sources).
        try:
            inside = not link or root in path.resolve(strict=True).parents
        except (OSError, RuntimeError):  # a dangling link or a loop (RuntimeError before 3.13)
            diagnostics.append(Diagnostic(
                SOURCES_UNSUPPORTED, f"{path.name}: a broken or looping link; ignored",
                where, "remove the link, or copy the file it meant into sources/", Severity.WARNING))
            continue
        if not inside:
            diagnostics.append(Diagnostic(
                SOURCES_OUTSIDE, f"{path.name} points outside the sources folder; ignored",
                where, "copy the file into sources/ instead of linking to it", Severity.WARNING))
            continue
        if not (path.is_file() if link else entry.is_file()):
            # A FIFO, socket or device would block or never end when read (issue 6).
            diagnostics.append(Diagnostic(
                SOURCES_UNSUPPORTED, f"{path.name}: not a regular file; ignored",
                where, "sources must be ordinary files", Severity.WARNING))
            continue
        if path.suffix.lower() in sidecar.SUFFIXES:
            if path.stem in sidecars:
                diagnostics.append(Diagnostic(
                    SOURCES_SIDECAR, f"two metadata files for '{path.stem}': "
                    f"{sidecars[path.stem].name} and {path.name}; {path.name} ignored",
                    where, "merge them into one", Severity.WARNING))
            else:
                sidecars[path.stem] = path
            continue
        if not any(path.suffix.lower() in suffixes for suffixes in READERS.values()):
            known = ", ".join(sorted(s for suffixes in READERS.values() for s in suffixes))
            diagnostics.append(Diagnostic(
                SOURCES_UNSUPPORTED, f"{path.name}: unknown kind of source; ignored",
                where, f"sources can be {known}", Severity.WARNING))
            continue
        source_id = path.stem
        if source_id in files:
            diagnostics.append(Diagnostic(
                SOURCES_DUPLICATE_ID,
                f"two files give the source id '{source_id}': {files[source_id].path.name} and {path.name}",
                where, "rename or remove one of them"))
            continue
        files[source_id] = SourceFile(source_id, path)
    for source_id, path in sidecars.items():
        if source_id in files:
            files[source_id] = replace(files[source_id], sidecar=path)
        else:
            diagnostics.append(Diagnostic(
                SOURCES_SIDECAR, f"{path.name}: metadata for a source '{source_id}' that is not there",
                Location(str(path), 1), "rename it to match its source's file name", Severity.WARNING))
    return SourceSet(files, tuple(diagnostics))


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    """The folder's entries in the order of their paths (as `sorted(directory.iterdir())`).

    `os.scandir` knows each entry's kind from the listing itself, without a stat per file.
    """
    with os.scandir(directory) as listing:
        return sorted(listing, key=lambda entry: os.path.normcase(entry.name))


def load_source(file: SourceFile, settings: Settings = DEFAULT_SETTINGS
                ) -> tuple[Source | None, tuple[Diagnostic, ...]]:
    """Read one source file and parse it with the reader for its kind.

    A file over `settings.source_max_bytes` is refused after a stat, before a byte is read,
    and at most that many bytes are ever read (a file may grow while it is read).
    """
    limit = settings.source_max_bytes
    try:
        data = _read_bounded(file.path, limit)
    except OSError as error:
        return None, (Diagnostic(
            SOURCES_UNREADABLE, f"cannot read {file.path.name}: {error.strerror or error}",
            Location(str(file.path), 1), "check the file's permissions"),)
    if data is None:
        return None, (_too_large(file, limit),)
    reader = reader_for(file.path)
    assert reader is not None  # scan_sources only lists files with a reader
    try:
        source, diagnostics = reader.parse(data, str(file.path), file.id)
    except Exception as error:  # noqa: BLE001 - a reader's bug costs its source, not the run
        # Issue 15 §6: readers report every problem they know of as a diagnostic; one they do
        # not know of (a bug) must still leave the other sources checked, and say what it was.
        return None, (_reader_failed(file, reader.KIND, error),)
    if source is not None:
        source = replace(source, sha256=hashlib.sha256(data).hexdigest())
        if file.sidecar is not None:
            fields, problems = _load_sidecar(file.sidecar)
            source = replace(source, meta=sidecar.apply_sidecar(source.meta, fields))
            diagnostics = [*diagnostics, *problems]
    return source, tuple(diagnostics)


def _read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes, or None when it holds more than `limit`; never blocks on a FIFO."""
    # O_NONBLOCK: a FIFO swapped in after scan_sources opens at once instead of hanging.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        if info.st_size > limit:
            return None
        # Read what stat promised (plus a byte, to see growth), never `read(limit + 1)`:
        # that allocates the whole limit up front for every file.
        pieces: list[bytes] = []
        total, want = 0, info.st_size + 1
        while piece := handle.read(min(max(want - total, 1 << 16), limit + 1 - total)):
            pieces.append(piece)
            total += len(piece)
            if total > limit:
                return None
    return b"".join(pieces)


def _reader_failed(file: SourceFile, kind: str, error: Exception) -> Diagnostic:
    detail = " ".join(str(error).split())[:200]
    return Diagnostic(
        SOURCES_CORRUPT,
        f"{file.id}: the {kind} reader failed on this file ({type(error).__name__}"
        f"{': ' + detail if detail else ''}); it was not read",
        Location(str(file.path), 1),
        "this is a bug in briefing: please report it, with the file if you may share it")


def _too_large(file: SourceFile, limit: int) -> Diagnostic:
    try:
        size = f"{file.path.stat().st_size:,} bytes"
    except OSError:
        size = "too large"
    return Diagnostic(
        SOURCES_TOO_LARGE,
        f"{file.id}: the file is {size}, more than the limit of {limit:,} bytes; not read",
        Location(str(file.path), 1),
        "check that this is the right file; quote from a smaller extract of it if it is")


def _load_sidecar(path: Path) -> tuple[dict[str, str], list[Diagnostic]]:
    try:
        data = _read_bounded(path, SIDECAR_MAX_BYTES)
    except OSError as error:
        return {}, [Diagnostic(
            SOURCES_SIDECAR, f"cannot read {path.name}: {error.strerror or error}",
            Location(str(path), 1), "check the file's permissions", Severity.WARNING)]
    if data is None:
        return {}, [Diagnostic(
            SOURCES_SIDECAR, f"{path.name}: more than {SIDECAR_MAX_BYTES:,} bytes, too large "
            "for a metadata file; ignored", Location(str(path), 1),
            "keep only title, publisher, author, date, url and accessed in it", Severity.WARNING)]
    return sidecar.parse_sidecar(data, str(path))
