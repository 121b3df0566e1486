"""Builds the briefing as a pandoc JSON AST from a Briefing and its Report (pure: no I/O).

Untrusted text (claims, quotes, source metadata) enters the AST only as `Str`/`Space` nodes,
never as markdown or HTML to be parsed, so `<img src=...>`, `![x](/etc/passwd)` or `--` reach
the page as the characters they are (issue 3, "Untrusted text cannot reach the machine" and
"Print what was verified"). The only links are `http`/`https` source URLs.

One footnote per citation, not one per claim: each quote is checked against its own source, so
each note carries that source's details beside its quote, and the read-back can tie every
printed quote to exactly one verified citation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from briefing.disagree.compare import quantities
from briefing.house import Logo
from briefing.models import (
    SHORT_SHA,
    Briefing,
    Citation,
    CitationResult,
    Claim,
    ClaimResult,
    House,
    Report,
    Source,
    SourceMeta,
    Status,
)
from briefing.render.inlines import (
    Inlines,
    Node,
    attr,
    div,
    header,
    para,
    quoted,
    span,
    text,
    typographic,
    unverified_mark,
    url_inlines,
)
from briefing.render.notes import describe_source, end_sentence, glue, note_content
from briefing.verify.edits import brief as brief_alteration

# pandoc-types version of pandoc 3.x; its JSON reader needs the same major.minor.
PANDOC_API_VERSION = (1, 23, 1)


@dataclass(frozen=True)
class NoteRecord:
    """What footnote `number` (1-based, document order) must show: the read-back's key."""

    number: int
    claim_id: str
    citation: Citation
    status: Status
    source: Source | None
    # The line under the quote naming what its edits and elisions may turn ("" for none), which
    # the read-back also finds in the note (issue 15 §4).
    caution: str = ""


@dataclass(frozen=True)
class DocImage:
    """An image of the prose document, read from the project folder (issue 16): the one kind of
    image a briefing may hold. The AST names it by `uri` (a data: URI of its bytes), so no
    writer ever opens a file for it; the read-back allows it by its bytes and pixel size."""

    name: str  # as the Markdown wrote it, e.g. "figures/chart.png"
    data: bytes
    media_type: str
    width: int
    height: int

    @functools.cached_property  # built once: the page, the fetcher and the read-back all ask
    def uri(self) -> str:
        import base64

        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


@dataclass(frozen=True)
class Document:
    ast: dict[str, Any]
    notes: tuple[NoteRecord, ...]  # one per printed quote; a note may hold several (issue 16)
    title: str
    draft: bool
    # The build's timestamp: the verification statement's date, and the files' creation
    # date in their metadata (SOURCE_DATE_EPOCH makes it reproducible, issue 6).
    created: datetime | None = None
    # The house furniture (issue 16): set by the build, which reads the logo's bytes once.
    house: House = field(default_factory=House)
    logo: Logo | None = None
    # The prose document's own footnotes count too: every footnote, quoted or not.
    note_count: int | None = None
    images: tuple[DocImage, ...] = ()
    style: str = ""  # the CSL file citeproc formats the notes with ("" for none: claims-only)

    @property
    def footnotes(self) -> int:
        return self.note_count if self.note_count is not None else len({n.number for n in self.notes})


# --- the document -------------------------------------------------------------


def build_document(briefing: Briefing, report: Report, *, draft: bool, now: datetime,
                   version: str, api_version: tuple[int, ...] = PANDOC_API_VERSION) -> Document:
    """The whole briefing as a pandoc AST, plus the list of notes the read-back checks."""
    results = {r.claim.id: r for r in report.claims}
    sources = {s.id: s for s in report.sources}
    notes: list[NoteRecord] = []
    blocks: list[Node] = []

    unverified = [c for c in briefing.claims if not ok(results.get(c.id))]
    if draft:
        blocks.append(div([para(text(
            f"Draft: {_count(len(unverified), 'claim')} not verified "
            "and marked [UNVERIFIED] below. Do not circulate."))], "draft-notice"))
    if briefing.summary.strip():
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", briefing.summary) if p.strip()]
        blocks.append(div([header(2, "summary", text("Summary")),
                            *(para(text(typographic(p))) for p in paragraphs)], "summary"))

    for number, section in enumerate(briefing.sections, 1):
        blocks.append(header(1, f"section-{number}", text(typographic(section.heading))))
        for claim in section.claims:
            result = results.get(claim.id)
            inlines: Inlines = []
            if draft and not ok(result):
                inlines += [unverified_mark(result.status if result else None), {"t": "Space"}]
            inlines += text(typographic(claim.text))
            for i, citation in enumerate(claim.citations):
                status = _citation_status(result, i)
                source = sources.get(citation.source)
                found = result.citations[i] if result and i < len(result.citations) else None
                caution = caution_line(found)
                notes.append(NoteRecord(len(notes) + 1, claim.id, citation, status, source, caution))
                if i:
                    # Adjacent calls read "12"; a superscript comma makes them "1,2".
                    inlines.append({"t": "Superscript", "c": [{"t": "Str", "c": ","}]})
                body = note_content(citation.source, source, citation.quote, status, draft, found)
                body += alterations(found)
                if caution:
                    body += [{"t": "LineBreak"}, {"t": "Strong", "c": text(CAUTION)}, {"t": "Space"},
                             *text(caution)]
                inlines.append({"t": "Note", "c": [para(body)]})
            blocks.append(para(inlines))

    blocks += disagreements_appendix(report)
    blocks += _sources_list(notes)
    blocks += _verification(briefing, report, notes, draft, now, version)
    meta = {key: {"t": "MetaInlines", "c": text(typographic(value))}
            for key, value in (("title", briefing.title), ("subtitle", briefing.subtitle),
                               ("author", briefing.author), ("date", briefing.date))
            if value.strip()}
    meta["lang"] = {"t": "MetaString", "c": "en"}
    ast = {"pandoc-api-version": list(api_version), "meta": meta, "blocks": blocks}
    return Document(ast, tuple(notes), typographic(briefing.title.strip()), draft, now)


def alterations(found: CitationResult | None) -> Inlines:
    """A brief line under a quote naming its editorial changes, each checked (issue 7)."""
    if found is None or found.status is not Status.VERIFIED or not found.alterations:
        return []
    # An insertion with a caution is named on the caution line instead (issue 15 §4).
    cautioned = {c.insertion for c in found.cautions}
    listed = "; ".join(brief_alteration(a) for a in found.alterations
                       if not (a.kind == "insertion" and a.text in cautioned))
    return [{"t": "LineBreak"}, {"t": "Emph", "c": text(f"Edited: {listed}.")}] if listed else []


CAUTION = "Caution:"


def caution_line(found: CitationResult | None) -> str:
    """What a verified quote's edits and elisions may turn, for its note (issue 15 §4): "[not]
    inserted by the author; omitted: “nothing”." after "Caution:"; "" when nothing may."""
    if found is None or found.status is not Status.VERIFIED or not found.cautions:
        return ""
    return "; ".join(dict.fromkeys(c.statement for c in found.cautions)) + "."


def disagreements_appendix(report: Report) -> list[Node]:
    """Appendix, "Where the sources disagree": each quantity the check found the sources giving
    different values for, with every source's value and the sentence that states it (issue 7).

    Drawn from the report's disagreements, so it appears only when the report carries some
    (`briefing build --disagreements`). The sentences are the sources' own text as located by
    the check; they are not verified quotes and have no footnotes.
    """
    found = quantities(report.claims)
    if not found:
        return []
    sources = {s.id: s for s in report.sources}
    blocks: list[Node] = [
        header(1, "disagreements", text("Appendix: where the sources disagree")),
        para(text("Figures this briefing states that other sources give differently, as found by "
                   "the check. Each entry gives every source's value and the sentence stating it."))]
    for number, quantity in enumerate(found, 1):
        label = " \u00b7 ".join(dict.fromkeys(r.text for r in quantity.readings))
        items: list[list[Node]] = []
        for reading in quantity.readings:
            source = sources.get(reading.source)
            described = describe_source(reading.source, source.meta if source else SourceMeta())
            line = [{"t": "Strong", "c": text(reading.text)}, {"t": "Space"}, {"t": "Str", "c": "\u2014"},
                    {"t": "Space"}, *glue([*described, {"t": "Str", "c": ","}]), {"t": "Space"},
                    *text(f"line {reading.line}:"), {"t": "LineBreak"}, *quoted(reading.passage)]
            items.append([{"t": "Plain", "c": line}])
        blocks += [header(2, f"disagreement-{number}", text(label)), {"t": "BulletList", "c": items}]
    return blocks


def ok(result: ClaimResult | None) -> bool:
    return result is not None and result.ok


def _citation_status(result: ClaimResult | None, index: int) -> Status:
    if result is None or index >= len(result.citations):
        return Status.NOT_FOUND
    return result.citations[index].status


def cited_sources(notes: Iterable[NoteRecord]) -> list[tuple[str, Source | None]]:
    """Every cited source id once, in order of first citation."""
    seen: dict[str, Source | None] = {}
    for note in notes:
        seen.setdefault(note.citation.source, note.source)
    return list(seen.items())


def _sources_list(notes: Sequence[NoteRecord]) -> list[Node]:
    items: list[list[Node]] = []
    for source_id, source in cited_sources(notes):
        if source is None:
            line: list[Node] = [{"t": "Emph", "c": text(source_id)}, {"t": "Space"},
                    *text("(not found in the sources folder).")]
            items.append([{"t": "Plain", "c": line}])
            continue
        line = end_sentence(describe_source(source_id, source.meta))
        if source.meta.url.strip():
            line += [{"t": "Space"}, *url_inlines(source.meta.url.strip())]
        if source.meta.accessed.strip():
            line += [{"t": "Space"}, *end_sentence(text(f"Accessed {source.meta.accessed}"))]
        line += [{"t": "LineBreak"}, span([
            *text(f"File {PurePath(source.path).name or source_id}, SHA-256"), {"t": "Space"},
            {"t": "Code", "c": [attr(), (source.sha256 or "unknown")[:SHORT_SHA]]},
        ], "fingerprint")]
        items.append([{"t": "Plain", "c": line}])
    if not items:
        return []
    return [header(1, "sources", text("Sources")),
            {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def when(now: datetime) -> str:
    """`23 November 2025 at 11:03 UTC`: unambiguous for readers of any locale."""
    zone = f" {now.tzname()}" if now.tzinfo is not None and now.tzname() else ""
    return f"{now.day} {now:%B %Y} at {now:%H:%M}{zone}"


def _verification(briefing: Briefing, report: Report, notes: list[NoteRecord], draft: bool,
                  now: datetime, version: str) -> list[Node]:
    statement = verification_statement(briefing.claims, report, notes, draft, now, version)
    return [header(1, "verification", text("Verification")),
            div([para(text(statement))], "verification")]


def verification_statement(claims: Sequence[Claim], report: Report, notes: Sequence[NoteRecord],
                           draft: bool, now: datetime, version: str) -> str:
    """What was verified, against what, when and by which version: the document's closing word."""
    results = {r.claim.id: r for r in report.claims}
    ok_claims = sum(1 for c in claims if ok(results.get(c.id)))
    ok_quotes = sum(1 for n in notes if n.status is Status.VERIFIED)
    n_sources = sum(1 for _, source in cited_sources(notes) if source is not None)
    against = f"against {_count(n_sources, 'source')} on {when(now)} by briefing {version}"
    if ok_claims == len(claims) and ok_quotes == len(notes):
        statement = (f"All {_count(len(claims), 'claim')} and {_count(len(notes), 'quote')} in "
                     f"this briefing were verified {against}: every quote appears verbatim in "
                     "its source, and every figure in a claim is backed by its quotes.")
        cautioned = sum(1 for n in notes if n.caution)
        if cautioned:  # issue 15 §4: "verbatim" is not the whole story for these
            statement += (f" {_count(cautioned, 'note')} marked “{CAUTION[:-1]}” "
                          f"{'names' if cautioned == 1 else 'name'} words the author inserted or left out "
                          "that may change what a quote says.")
    else:
        statement = (f"{ok_claims} of {_count(len(claims), 'claim')} and {ok_quotes} of "
                     f"{_count(len(notes), 'quote')} were verified {against}. "
                     "Claims marked [UNVERIFIED] failed the check.")
        if not draft:
            statement += " This document is not fit to circulate."
    return statement
