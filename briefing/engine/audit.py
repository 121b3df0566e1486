"""Finds a received briefing's sources by hash and verifies its claims again (issue 17 §3; reads files).

The PDF's sources.lock gives each source's SHA-256: any file in the folder with that hash is
that source, whatever its name (a reviewer's copy may be called anything). A source no file
matches is missing, unless a file still has its name: then it changed, and its notes are
checked against it as it is, so the audit says which of them still hold.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from briefing.claims.read import parse_claims
from briefing.diagnostics import AUDIT_SOURCE_CHANGED, AUDIT_SOURCE_MISSING, Diagnostic, Location, Severity
from briefing.engine.run import verify
from briefing.models import Briefing, Report, Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.sources import SourceFile, load_source, reader_for
from briefing.sources.lock import Lock, LockEntry, file_sha256


@dataclass(frozen=True)
class Located:
    """Where each pinned source was found: `files` by source id, the ids no file is, and what
    was not as pinned."""

    files: dict[str, SourceFile]
    missing: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]


def folder_hashes(folder: Path) -> dict[str, list[Path]]:
    """SHA-256 of every regular file directly in `folder` (hidden ones too: a name proves nothing)."""
    found: dict[str, list[Path]] = {}
    try:
        paths = sorted(folder.iterdir())
    except OSError:
        return found
    for path in paths:
        if path.is_file():
            digest = file_sha256(path)
            if digest:
                found.setdefault(digest, []).append(path)
    return found


def locate(lock: Lock, folder: Path, lock_name: str) -> Located:
    """Match each entry of `lock` to a file of `folder` by its hash (pure but for the hashing)."""
    return match(lock, folder, folder_hashes(folder), lock_name)


def match(lock: Lock, folder: Path, hashes: Mapping[str, list[Path]], lock_name: str) -> Located:
    """`locate` given the folder's hashes: a file with the entry's name wins among equals."""
    files: dict[str, SourceFile] = {}
    missing: list[str] = []
    findings: list[Diagnostic] = []
    for source_id, entry in sorted(lock.entries.items()):
        same = hashes.get(entry.sha256, [])
        sidecar = _sidecar(entry, folder, hashes, lock_name, findings, source_id)
        if same:
            path = next((p for p in same if p.name == entry.file), same[0])
            files[source_id] = SourceFile(source_id, path, sidecar)
            continue
        named = folder / entry.file
        if named.is_file():
            findings.append(Diagnostic(
                AUDIT_SOURCE_CHANGED, f"source '{source_id}' changed: {named.name} has SHA-256 "
                f"{_short(file_sha256(named))}, the briefing was checked against {_short(entry.sha256)}",
                Location(str(named), 1), "its notes are checked against the file as it is now; "
                "ask the author for the version they quoted"))
            files[source_id] = SourceFile(source_id, named, sidecar)
        else:
            missing.append(source_id)
            findings.append(Diagnostic(
                AUDIT_SOURCE_MISSING, f"source '{source_id}' ({entry.file}) is missing: no file in "
                f"{folder} has its SHA-256 {_short(entry.sha256)}", Location(str(folder), 1),
                "put the source's file in the folder (any name), or name the folder with --sources"))
    return Located(files, tuple(missing), tuple(findings))


def _sidecar(entry: LockEntry, folder: Path, hashes: Mapping[str, list[Path]], lock_name: str,
             findings: list[Diagnostic], source_id: str) -> Path | None:
    """The metadata file pinned with the source, by its hash; a missing one is only a warning:
    metadata names the source in the Sources list, it never decides a quote."""
    if not entry.sidecar:
        return None
    same = hashes.get(entry.sidecar_sha256, [])
    if same:
        return next((p for p in same if p.name == entry.sidecar), same[0])
    findings.append(Diagnostic(
        AUDIT_SOURCE_CHANGED, f"source '{source_id}': no file in {folder} is its metadata file "
        f"{entry.sidecar} as pinned in {lock_name}", Location(str(folder / entry.sidecar), 1),
        "the quotes are still checked; the source's title or URL may differ from the PDF's",
        Severity.WARNING))
    return None


def load_located(located: Located, lock: Lock, settings: Settings = DEFAULT_SETTINGS
                 ) -> tuple[dict[str, Source], dict[str, str]]:
    """Read each located file with the reader its pinned name calls for (a renamed copy is
    still read as the kind it was); returns the sources and, for the rest, why not."""
    sources: dict[str, Source] = {}
    unreadable: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-audit-") as scratch:
        for source_id, file in located.files.items():
            pinned = Path(lock.entries[source_id].file)
            readable = file
            if reader_for(pinned) is None:
                unreadable[source_id] = f"the sources.lock names an unknown kind of file, {pinned.name}"
                continue
            if reader_for(file.path) is not reader_for(pinned):
                readable = replace(file, path=Path(scratch) / pinned.name)
                shutil.copyfile(file.path, readable.path)
            source, problems = load_source(readable, settings)
            if source is None:
                unreadable[source_id] = next((d.message for d in problems), "cannot be read")
                continue
            sources[source_id] = replace(source, path=str(file.path))
    for source_id in located.missing:
        unreadable[source_id] = "missing: no file has the SHA-256 the briefing was checked against"
    return sources, unreadable


def parse_embedded_claims(data: bytes, label: str,
                          prose: bool = False) -> tuple[Briefing | None, tuple[Diagnostic, ...]]:
    """The claims file a PDF embeds, parsed as `check` parses claims.yaml (beside a briefing.md
    when `prose`: a claim's text and the title are then optional); `label` names it."""
    return parse_claims(data, label, prose=prose)


def reverify(briefing: Briefing, lock: Lock, folder: Path, lock_name: str,
             settings: Settings = DEFAULT_SETTINGS) -> tuple[Report, tuple[Diagnostic, ...]]:
    """Verify the attached claims against the sources found in `folder`: the report, and how
    the sources differ from the lock."""
    located = locate(lock, folder, lock_name)
    sources, unreadable = load_located(located, lock, settings)
    report = verify(briefing, sources, str(folder), settings, unreadable)
    return report, located.diagnostics


def _short(sha: str) -> str:
    return sha[:12] if sha else "unknown"
