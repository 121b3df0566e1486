"""`sources.lock`: the bytes, extractor and extracted text of every source, pinned (I/O at the edges).

Issue 4, "Pinned sources": a briefing must be reproducible, so `briefing lock` records for each
source the SHA-256 of its bytes, the extractor that read it (and its version) and the SHA-256 of
the extracted text. `check` then reports every source whose bytes differ from the lock as its
own error, since a quote that now verifies against an edited source is exactly what a reviewer
needs to see. No lock file means no pinning.

The file is JSON with sorted keys, two-space indents and no timestamps, so the same sources
always give the same bytes, and a change reads well in a diff. `parse_lock`, `snapshot` and
`compare` are pure; `load_lock`, `read_files` and `write_lock` do the I/O.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from briefing import __version__
from briefing.diagnostics import (
    LOCK_INVALID,
    SOURCE_CHANGED,
    SOURCE_REMOVED,
    SOURCE_TEXT_CHANGED,
    SOURCE_UNLOCKED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.files import write_atomic
from briefing.models import Source
from briefing.sources import SourceFile, load_source, reader_for, scan_sources

LOCK_NAME = "sources.lock"
LOCK_VERSION = 1
_ACCEPT = "review the change, then accept it with `briefing lock` or `briefing check --update-lock`"


@dataclass(frozen=True)
class LockEntry:
    """One source as pinned: `text_sha256` is "" when its text could not be read."""

    file: str  # the file's name in the sources folder
    sha256: str  # of the file's bytes
    kind: str  # "text", "html", "pdf", "docx"
    extractor: str  # e.g. "pypdf 5.1.0"
    text_sha256: str = ""  # of the extracted text, UTF-8
    sidecar: str = ""  # the metadata file's name, when there is one
    sidecar_sha256: str = ""


@dataclass(frozen=True)
class Lock:
    entries: dict[str, LockEntry]  # by source id


@dataclass(frozen=True)
class LockState:
    """A project's lock as read (`locked`, None when there is none) beside its sources now."""

    path: Path
    locked: Lock | None
    current: Lock
    problems: tuple[Diagnostic, ...] = ()  # a lock file that could not be read

    def diagnostics(self, sources_dir: str) -> list[Diagnostic]:
        if self.locked is None:
            return list(self.problems)
        return [*self.problems, *compare(self.locked, self.current, str(self.path), sources_dir)]


@dataclass(frozen=True)
class FileBytes:
    """Hashes of what is on disk now, for sources whose text was not read (and sidecars)."""

    sha256: dict[Path, str]


def extractor(kind: str) -> str:
    """The library that turns a kind of file into text, with its version."""
    python = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    if kind == "pdf":
        import pypdf

        return f"pypdf {pypdf.__version__}"
    if kind == "html":
        return f"html.parser ({python})"
    if kind == "docx":
        return f"zipfile + xml.etree ({python})"
    return f"UTF-8 text (briefing {__version__})"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file read in blocks (a too-large source is still pinned); "" if unreadable."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def read_files(files: Mapping[str, SourceFile], sources: Mapping[str, Source]) -> FileBytes:
    """Hash what `snapshot` cannot take from a loaded Source: unread sources and every sidecar."""
    paths = [f.path for i, f in files.items() if i not in sources or not sources[i].sha256]
    paths += [f.sidecar for f in files.values() if f.sidecar is not None]
    return FileBytes({path: file_sha256(path) for path in paths})


def snapshot(files: Mapping[str, SourceFile], sources: Mapping[str, Source], on_disk: FileBytes,
             text_hashes: Mapping[str, str] | None = None) -> Lock:
    """The lock the sources folder gives now; `text_hashes`, by source id, are the texts'
    `text_sha256` where the sources come without their text (issue 19: hashed by the workers)."""
    entries: dict[str, LockEntry] = {}
    for source_id, file in sorted(files.items()):
        reader = reader_for(file.path)
        kind = getattr(reader, "KIND", "") if reader is not None else ""
        source = sources.get(source_id)
        entries[source_id] = LockEntry(
            file=file.path.name,
            sha256=source.sha256 if source is not None and source.sha256 else on_disk.sha256.get(file.path, ""),
            kind=kind,
            extractor=extractor(kind),
            text_sha256=("" if source is None else text_hashes[source_id] if text_hashes is not None
                         else text_sha256(source.text)),
            sidecar=file.sidecar.name if file.sidecar is not None else "",
            sidecar_sha256=on_disk.sha256.get(file.sidecar, "") if file.sidecar is not None else "",
        )
    return Lock(entries)


def format_lock(lock: Lock) -> str:
    """The lock file's text: deterministic (sorted keys, no timestamps)."""
    sources: dict[str, dict[str, object]] = {}
    for source_id, entry in sorted(lock.entries.items()):
        item: dict[str, object] = {"file": entry.file, "sha256": entry.sha256, "kind": entry.kind,
                "extractor": entry.extractor, "text_sha256": entry.text_sha256 or None}
        if entry.sidecar:
            item["sidecar"] = {"file": entry.sidecar, "sha256": entry.sidecar_sha256}
        sources[source_id] = item
    document = {"lock_version": LOCK_VERSION, "sources": sources}
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_lock(text: str, path: str) -> tuple[Lock | None, list[Diagnostic]]:
    """Read a lock file's text; a damaged one is one `lock.invalid` error, never a raise."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [_invalid(path, f"not valid JSON: {error.msg}", error.lineno, error.colno)]
    if not isinstance(document, dict) or document.get("lock_version") != LOCK_VERSION:
        return None, [_invalid(path, f"not a version {LOCK_VERSION} sources lock")]
    sources = document.get("sources")
    if not isinstance(sources, dict):
        return None, [_invalid(path, "'sources' must be an object of source ids")]
    entries: dict[str, LockEntry] = {}
    for source_id, item in sources.items():
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("file", "sha256")):
            return None, [_invalid(path, f"the entry for '{source_id}' needs 'file' and 'sha256'")]
        given = item.get("sidecar")
        sidecar = given if isinstance(given, dict) else {}
        entries[str(source_id)] = LockEntry(
            file=item["file"], sha256=item["sha256"], kind=str(item.get("kind") or ""),
            extractor=str(item.get("extractor") or ""), text_sha256=str(item.get("text_sha256") or ""),
            sidecar=str(sidecar.get("file") or ""), sidecar_sha256=str(sidecar.get("sha256") or ""))
    return Lock(entries), []


def _invalid(path: str, reason: str, line: int = 1, col: int = 1) -> Diagnostic:
    return Diagnostic(LOCK_INVALID, f"{_name(path)}: {reason}", Location(path, line, col),
                      "write it again with `briefing lock` (after checking the sources are the right ones)")


def load_lock(path: Path) -> tuple[Lock | None, list[Diagnostic]]:
    """The lock at `path`; (None, []) when there is none (no pinning)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, []
    except OSError as error:
        return None, [_invalid(str(path), f"cannot read it: {error.strerror or error}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, [_invalid(str(path), "not UTF-8 text")]
    return parse_lock(text, str(path))


def load_lock_state(path: Path, files: Mapping[str, SourceFile], sources: Mapping[str, Source],
                    text_hashes: Mapping[str, str] | None = None) -> LockState:
    """Read the lock at `path` and take the snapshot of the sources to compare it with."""
    locked, problems = load_lock(path)
    return LockState(path, locked, snapshot(files, sources, read_files(files, sources), text_hashes),
                     tuple(problems))


def load_snapshot(sources_dir: Path) -> tuple[Lock | None, list[Diagnostic]]:
    """Read every source in the folder and pin it; None when the folder cannot be used.

    A source whose text cannot be read is still pinned by its bytes; its problems come back
    as warnings, since pinning it is still right.
    """
    listing = scan_sources(sources_dir)
    if any(d.severity is Severity.ERROR for d in listing.diagnostics):
        return None, list(listing.diagnostics)
    diagnostics = list(listing.diagnostics)
    sources: dict[str, Source] = {}
    for source_id, file in listing.files.items():
        source, problems = load_source(file)
        if source is not None:
            sources[source_id] = source
        diagnostics += [replace(d, severity=Severity.WARNING) for d in problems]
    return snapshot(listing.files, sources, read_files(listing.files, sources)), diagnostics


def write_lock(path: Path, lock: Lock) -> None:
    """Write the lock atomically: a reader sees the old lock or the new one, never half of one."""
    write_atomic(path, format_lock(lock))


@dataclass(frozen=True)
class Change:
    """One difference between the lock and the sources folder."""

    source_id: str
    what: str  # "changed", "added", "removed", "metadata", "text"


def changes(locked: Lock, current: Lock) -> list[Change]:
    """What differs, by source id: bytes, presence, sidecar, or only the extracted text."""
    found: list[Change] = []
    for source_id in sorted(set(locked.entries) | set(current.entries)):
        old, new = locked.entries.get(source_id), current.entries.get(source_id)
        if old is None:
            found.append(Change(source_id, "added"))
        elif new is None:
            found.append(Change(source_id, "removed"))
        elif old.sha256 != new.sha256 or old.file != new.file:
            found.append(Change(source_id, "changed"))
        elif (old.sidecar, old.sidecar_sha256) != (new.sidecar, new.sidecar_sha256):
            found.append(Change(source_id, "metadata"))
        elif old.text_sha256 != new.text_sha256:
            found.append(Change(source_id, "text"))
    return found


def compare(locked: Lock, current: Lock, lock_path: str, sources_dir: str) -> list[Diagnostic]:
    """Every way the sources differ from the lock: errors, but for text a new extractor reads differently."""
    folder = Path(sources_dir)
    diagnostics: list[Diagnostic] = []
    for change in changes(locked, current):
        old, new = locked.entries.get(change.source_id), current.entries.get(change.source_id)
        entry = new or old
        assert entry is not None
        where = Location(str(folder / entry.file), 1)
        lock_name = _name(lock_path)
        if change.what == "added":
            diagnostics.append(Diagnostic(
                SOURCE_UNLOCKED, f"source '{change.source_id}' ({entry.file}) is not in {lock_name}",
                where, _ACCEPT))
        elif change.what == "removed":
            diagnostics.append(Diagnostic(
                SOURCE_REMOVED, f"source '{change.source_id}' ({entry.file}) is in {lock_name} "
                "but no longer in the sources folder", Location(lock_path, 1), _ACCEPT))
        elif change.what == "changed":
            assert old is not None and new is not None
            renamed = f", and is now {new.file}" if old.file != new.file else ""
            diagnostics.append(Diagnostic(
                SOURCE_CHANGED, f"source '{change.source_id}' changed since {lock_name}: SHA-256 "
                f"{_short(new.sha256)}, locked as {_short(old.sha256)}{renamed}", where, _ACCEPT))
        elif change.what == "metadata":
            assert old is not None and new is not None
            sidecar = new.sidecar or old.sidecar
            diagnostics.append(Diagnostic(
                SOURCE_CHANGED, f"source '{change.source_id}': its metadata file {sidecar} "
                f"{'changed' if old.sidecar and new.sidecar else 'was added' if new.sidecar else 'was removed'}"
                f" since {lock_name}", where, _ACCEPT))
        else:
            assert old is not None and new is not None
            how = (f" (extractor {old.extractor} then, {new.extractor} now)"
                   if old.extractor != new.extractor else "")
            diagnostics.append(Diagnostic(
                SOURCE_TEXT_CHANGED, f"source '{change.source_id}': same bytes as in {lock_name}, "
                f"but its text is extracted differently{how}", where,
                "check its quotes still mean what they did; `briefing lock` records the new text",
                Severity.WARNING))
    return diagnostics


def describe_changes(found: list[Change], locked: Lock | None, current: Lock) -> list[str]:
    """One line per change, for `lock` and `check --update-lock` to say what they accepted."""
    words = {"added": "added", "removed": "removed", "changed": "changed",
             "metadata": "metadata changed", "text": "text extracted differently"}
    lines = []
    for change in found:
        entry = current.entries.get(change.source_id) or (locked.entries.get(change.source_id) if locked else None)
        name = f" ({entry.file})" if entry is not None else ""
        lines.append(f"  {words[change.what]}: '{change.source_id}'{name}")
    return lines


def _short(sha: str) -> str:
    return sha[:12] if sha else "unknown"


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
