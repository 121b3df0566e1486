"""Source loading: lists `sources/`, picks a reader by suffix, reads bytes (the I/O edge).

A new kind of source is one module with `SUFFIXES` and a pure
`parse(data, path, source_id) -> (Source | None, diagnostics)`; register it in READERS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType

from briefing.ingest import text
from briefing.models import Diagnostic, Location, Severity, Source

READERS: tuple[ModuleType, ...] = (text,)
# Kinds people keep in sources/ that a later release reads (issue 4); warned about, not errors.
PLANNED_SUFFIXES = frozenset({".html", ".htm", ".pdf", ".docx"})


@dataclass(frozen=True)
class SourceFile:
    id: str
    path: Path


@dataclass(frozen=True)
class SourceSet:
    """What `sources/` holds: readable files by id, plus what could not be used."""

    files: dict[str, SourceFile]
    diagnostics: tuple[Diagnostic, ...]


def reader_for(path: Path) -> ModuleType | None:
    suffix = path.suffix.lower()
    return next((r for r in READERS if suffix in r.SUFFIXES), None)


def scan_sources(directory: Path) -> SourceSet:
    """List the source files directly inside `directory`; reads no file contents."""
    diagnostics: list[Diagnostic] = []
    files: dict[str, SourceFile] = {}
    if not directory.is_dir():
        diagnostics.append(Diagnostic(
            "sources.missing", f"sources folder not found: {directory}",
            Location(str(directory), 1), "create it, or point --sources at the folder holding the sources"))
        return SourceSet(files, tuple(diagnostics))
    root = directory.resolve()
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        where = Location(str(path), 1)
        # A symlink may not lead out of sources/: nothing outside it is ever read.
        if root not in path.resolve().parents:
            diagnostics.append(Diagnostic(
                "sources.outside", f"{path.name} points outside the sources folder; ignored",
                where, "copy the file into sources/ instead of linking to it", Severity.WARNING))
            continue
        if reader_for(path) is None:
            planned = path.suffix.lower() in PLANNED_SUFFIXES
            diagnostics.append(Diagnostic(
                "sources.unsupported",
                f"{path.suffix or 'files without a suffix'}: not supported yet; {path.name} was not checked"
                if planned else f"{path.name}: unknown kind of source; ignored",
                where, "save the text as .md or .txt to cite it now", Severity.WARNING))
            continue
        source_id = path.stem
        if source_id in files:
            diagnostics.append(Diagnostic(
                "sources.duplicate-id",
                f"two files give the source id '{source_id}': {files[source_id].path.name} and {path.name}",
                where, "rename or remove one of them"))
            continue
        files[source_id] = SourceFile(source_id, path)
    return SourceSet(files, tuple(diagnostics))


def load_source(file: SourceFile) -> tuple[Source | None, tuple[Diagnostic, ...]]:
    """Read one source file and parse it with the reader for its kind."""
    try:
        data = file.path.read_bytes()
    except OSError as error:
        return None, (Diagnostic(
            "sources.unreadable", f"cannot read {file.path.name}: {error.strerror or error}",
            Location(str(file.path), 1), "check the file's permissions"),)
    reader = reader_for(file.path)
    assert reader is not None  # scan_sources only lists files with a reader
    source, diagnostics = reader.parse(data, str(file.path), file.id)
    if source is not None:
        source = replace(source, sha256=hashlib.sha256(data).hexdigest())
    return source, tuple(diagnostics)
