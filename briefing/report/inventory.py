"""`briefing sources`: every source with its kind, size, hash, metadata and problems.

`load_inventory` reads the sources folder (I/O); the `format_*` functions are pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from briefing import __version__
from briefing.diagnostics import Diagnostic, Severity
from briefing.models import META_FIELDS, SHORT_SHA, SourceMeta
from briefing.report.json_report import diagnostic_json
from briefing.report.text import format_diagnostic
from briefing.sources import load_source, reader_for, scan_sources
from briefing.sources.lock import file_sha256


@dataclass(frozen=True)
class SourceInfo:
    id: str
    path: str
    kind: str
    sha256: str  # of the file's bytes ("" when it could not be read at all)
    readable: bool  # whether its text was extracted
    pages: int | None = None  # PDFs only
    characters: int | None = None  # of the extracted text
    meta: SourceMeta = SourceMeta()
    problems: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True)
class Inventory:
    sources_dir: str
    sources: tuple[SourceInfo, ...]
    diagnostics: tuple[Diagnostic, ...]  # about the folder, not one source (unknown kinds, ...)

    @property
    def ok(self) -> bool:
        return all(s.readable for s in self.sources) and not any(
            d.severity is Severity.ERROR for d in self.diagnostics)


def load_inventory(sources_dir: Path) -> Inventory:
    """Read every source in the folder as `check` would, keeping each one's own problems."""
    listing = scan_sources(sources_dir)
    infos: list[SourceInfo] = []
    for source_id, file in listing.files.items():
        source, problems = load_source(file)
        reader = reader_for(file.path)
        kind = getattr(reader, "KIND", "")
        if source is None:
            infos.append(SourceInfo(source_id, str(file.path), kind, file_sha256(file.path), False,
                                    problems=tuple(problems)))
            continue
        infos.append(SourceInfo(
            source_id, str(file.path), source.kind, source.sha256, True,
            pages=len(source.page_starts) if source.page_starts else None,
            characters=len(source.text), meta=source.meta, problems=tuple(problems)))
    return Inventory(str(sources_dir), tuple(infos), listing.diagnostics)


def format_inventory_text(inventory: Inventory, colour: bool = False) -> str:
    """A table, one row per source; metadata and problems indented below their row."""
    header = ("id", "kind", "pages", "characters", "sha256", "title")
    rows = [(s.id, s.kind, _number(s.pages), _number(s.characters),
             s.sha256[:SHORT_SHA] or "unknown", s.meta.title or "-") for s in inventory.sources]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    right = {2, 3}  # numbers line up on the right

    def line(cells: tuple[str, ...]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join([*padded, cells[-1]]).rstrip()

    out = [line(header)]
    for info, row in zip(inventory.sources, rows):
        out.append(line(row))
        extra = [f"{key} {value}" for key in META_FIELDS[1:] if (value := getattr(info.meta, key))]
        if extra:
            out.append("    " + " · ".join(extra))
        out.extend("    " + format_diagnostic(d, colour).replace("\n", "\n    ") for d in info.problems)
    if inventory.diagnostics:
        out.append("")
        out.extend(format_diagnostic(d, colour) for d in inventory.diagnostics)
    unreadable = sum(not s.readable for s in inventory.sources)
    total = len(inventory.sources)
    out += ["", f"{total} source{'' if total == 1 else 's'} in {inventory.sources_dir}"
            + (f", {unreadable} could not be read" if unreadable else "")]
    return "\n".join(out) + "\n"


def format_inventory_json(inventory: Inventory) -> str:
    document = {
        "briefing_version": __version__,
        "ok": inventory.ok,
        "sources_dir": inventory.sources_dir,
        "sources": [{
            "id": s.id,
            "file": s.path,
            "kind": s.kind,
            "readable": s.readable,
            "pages": s.pages,
            "characters": s.characters,
            "sha256": s.sha256 or None,
            "meta": {key: getattr(s.meta, key) or None for key in META_FIELDS},
            "problems": [diagnostic_json(d) for d in s.problems],
        } for s in inventory.sources],
        "diagnostics": [diagnostic_json(d) for d in inventory.diagnostics],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
