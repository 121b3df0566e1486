"""Formats a Report, or the problems that stopped a check, as JSON (pure: returns strings)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

import orjson

from briefing import __version__
from briefing.collector import paused
from briefing.diagnostics import Diagnostic
from briefing.models import CitationResult, ClaimResult, Elsewhere, FigureReading, Report, Source, Status, WordChange
from briefing.report.text import SourceOf, labels_of, summarise
from briefing.verify.pins import page_of, pin_cite

JSON_SCHEMA_VERSION = 1


def format_json(report: Report) -> str:
    """The stable JSON report documented in the README (keys are only ever added), compact."""
    return json_report(report).decode("utf-8")


class ClaimsAhead:
    """The JSON of each claim, built and encoded as the check judges it (`engine.project.
    check_project`'s `judged`): while the workers still match, each result fresh in memory,
    rather than all at the end on one core (issue 19: 0.06 s of 10,000 claims to build, and
    0.02 s to encode). `json_report` takes a claim's JSON from here only if the report holds
    the very result it was built from."""

    def __init__(self, sources: Mapping[str, Source] | None = None) -> None:
        """`sources`: the project's, without their text (or given later: `for_sources`)."""
        self.sources: Mapping[str, Source] = sources or {}
        # Each claim's JSON by place: encoded, or as built where orjson refuses it (`encode`).
        self.built: dict[int, tuple[ClaimResult, bytes | dict]] = {}

    def for_sources(self, sources: Mapping[str, Source]) -> Callable[[int, ClaimResult], None]:
        """`judged`, for a project's sources once they are read."""
        self.sources = sources
        return self.judged

    def judged(self, place: int, result: ClaimResult) -> None:
        built = _claim_json(self.sources.get, result)
        try:
            self.built[place] = (result, orjson.dumps(built))
        except orjson.JSONEncodeError:  # (see `encode`)
            self.built[place] = (result, built)


def json_report(report: Report, ahead: ClaimsAhead | None = None) -> bytes:
    """`format_json`'s text as UTF-8, as it is written (issue 19: decoding 7 MB of it and
    encoding it again to print it took 0.02 s); each claim's JSON from `ahead` where it was
    built from the report's result."""
    built = ahead.built if ahead is not None else {}
    with paused():  # (10,000 claims build 300,000 objects, none in a cycle)
        claims: list[bytes | dict] = []
        for place, result in enumerate(report.claims):
            made = built.get(place)
            claims.append(made[1] if made is not None and made[0] is result else _claim_json(report.source, result))
        document = {
            "schema_version": JSON_SCHEMA_VERSION,
            "briefing_version": __version__,
            "ok": report.ok,
            "claims_file": report.claims_path,
            "sources_dir": report.sources_dir,
            # (a claim encoded ahead goes in as it is)
            "claims": [orjson.Fragment(claim) if isinstance(claim, bytes) else claim for claim in claims],
            "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
            "summary": summarise(report),
        }
        if report.document_path:  # issue 16: only a project with briefing.md has this key
            document["document"] = {
                "file": report.document_path,
                "own_figures": [{"text": f.text, "line": f.line, "col": f.col} for f in report.own_figures],
            }
        try:
            return orjson.dumps(document) + b"\n"
        except orjson.JSONEncodeError:  # (see `encode`: the claims encoded ahead, read back for it)
            document["claims"] = [orjson.loads(claim) if isinstance(claim, bytes) else claim for claim in claims]
            return encode(document) + b"\n"


def encode(value: object) -> bytes:
    """`value` as compact JSON in UTF-8, non-ASCII characters as they are: what
    `json.dumps(value, ensure_ascii=False, separators=(",", ":"))` gives, by orjson (issue 19:
    10,000 claims in 0.01 s where the standard library takes 0.07 s)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:  # a lone surrogate (orjson refuses it), or an integer past 64 bits
        # (A lone surrogate is written as the escape `json` writes for it with ensure_ascii.)
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def format_errors_json(diagnostics: Iterable[Diagnostic]) -> str:
    """Unusable input (exit 2): no claims were checked, only the problems are listed."""
    document = {
        "schema_version": JSON_SCHEMA_VERSION,
        "briefing_version": __version__,
        "ok": False,
        "claims": [],
        "diagnostics": [diagnostic_json(d) for d in diagnostics],
        "summary": None,
    }
    return encode(document).decode("utf-8") + "\n"


def diagnostic_json(d: Diagnostic) -> dict:
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "hint": d.hint,
        "file": d.location.path if d.location else None,
        "line": d.location.line if d.location else None,
        "col": d.location.col if d.location else None,
    }


def _claim_json(source_of: SourceOf, result: ClaimResult) -> dict:
    # (Tuples and the str-valued enums are written as the lists and texts they hold, by orjson
    # and by `json` alike: issue 19, 10,000 claims.)
    claim = result.claim
    return {
        "id": claim.id,
        "ok": result.status is Status.VERIFIED,
        "status": result.status,
        "line": claim.line,
        "col": claim.col,
        "text": claim.text,
        "citations": [_citation_json(source_of, c) for c in result.citations],
        "figures": {
            "unbacked": [{"text": f.text, "value": f.value, "unit": f.unit} for f in result.unbacked_figures],
            "exempted": result.exempted_figures,
            "named": result.named_figures,
            "unreadable": [{"text": t.text, "reason": t.reason} for t in result.unreadable_figures],
        },
        "disagreements": [{
            "citation": d.citation,
            "figure": _reading_json(d.figure),
            "others": [_reading_json(o) for o in d.others],
            "acknowledged": d.acknowledged,
        } for d in result.disagreements],
    }


def _reading_json(reading: FigureReading) -> dict:
    return {"source": reading.source, "text": reading.text, "value": reading.value, "unit": reading.unit,
            "line": reading.line, "start": reading.span.start, "end": reading.span.end,
            "passage": reading.passage}


def _elsewhere_json(elsewhere: Elsewhere) -> dict:
    near = elsewhere.nearest
    return {"source": elsewhere.source, "line": elsewhere.line, "page": elsewhere.page or None,
            "start": near.span.start, "end": near.span.end, "passage": near.passage,
            "similarity": round(near.similarity, 4), "distance": near.distance,
            "diff": _diff_json(near.changes)}


def _diff_json(changes: Iterable[WordChange]) -> list[dict]:
    return [{"kind": ch.kind, "quote": ch.quote, "source": ch.source, "notes": list(ch.notes)} for ch in changes]


def _citation_json(source_of: SourceOf, item: CitationResult) -> dict:
    near = item.nearest
    source_id, pages = item.citation.source, item.pages
    return {
        "source": source_id,
        "ok": item.status is Status.VERIFIED,
        "status": item.status,
        "quote": item.citation.quote,
        "line": item.citation.line,
        "col": item.citation.col,
        "matches": [{"line": line, "start": span.start, "end": span.end,
                     "page": _page(source_of, source_id, span.start) if pages else None}
                    for span, line in zip(item.spans, item.lines)],
        "pages": pages,
        "pin": (pin_cite(pages, labels=labels_of(source_of, source_id)) or None) if pages else None,
        "folds": item.folds,
        "occurrences": item.occurrences,
        "nearest": None if near is None else {
            "line": item.nearest_line,
            "page": item.nearest_page or None,
            "start": near.span.start,
            "end": near.span.end,
            "passage": near.passage,
            "similarity": round(near.similarity, 4),
            "distance": near.distance,
            "diff": _diff_json(near.changes),
        },
        "found_in": item.found_in,
        "elsewhere": None if item.elsewhere is None else _elsewhere_json(item.elsewhere),
        "alterations": [{"kind": a.kind, "quote": a.text, "source": a.source} for a in item.alterations],
        # What an edit or elision may turn, as the footnote states it (issue 15 §4).
        "cautions": [{"code": c.code, "statement": c.statement} for c in item.cautions],
        "problem": item.problem or None,
    }


def _page(source_of: SourceOf, source_id: str, offset: int) -> int | None:
    """The page of a PDF source holding `offset`; None for a source without pages."""
    source = source_of(source_id)
    return page_of(source.page_starts, offset) if source and source.page_starts else None

