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

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from briefing.disagree.compare import quantities
from briefing.models import (
    SHORT_SHA,
    Briefing,
    Citation,
    CitationResult,
    ClaimResult,
    Report,
    Source,
    SourceMeta,
    Status,
)
from briefing.verify.edits import brief as brief_alteration
from briefing.verify.pins import passage_link, pin_cite

# pandoc-types version of pandoc 3.x; its JSON reader needs the same major.minor.
PANDOC_API_VERSION = (1, 23, 1)

OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"

Node = dict[str, Any]
Inlines = list[Node]

# Only ASCII layout whitespace separates words; NBSP and friends stay inside a word, as typed.
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
_WEB_URL_BAD = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


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
class Document:
    ast: dict[str, Any]
    notes: tuple[NoteRecord, ...]
    title: str
    draft: bool
    # The build's timestamp: the verification statement's date, and the files' creation
    # date in their metadata (SOURCE_DATE_EPOCH makes it reproducible, issue 6).
    created: datetime | None = None


# --- inline helpers -----------------------------------------------------------


def text(value: str) -> Inlines:
    """Plain text as Str/Space nodes: never parsed, so markup characters stay characters."""
    nodes: Inlines = []
    for i, word in enumerate(_LAYOUT_SPACE.split(value.strip(" \t\r\n"))):
        if i:
            nodes.append({"t": "Space"})
        if word:
            nodes.append({"t": "Str", "c": word})
    return nodes


_OPENS_AFTER = " \t\r\n([{\u2014\u2013/-"
_DOUBLE = re.compile(r'"')
_SINGLE = re.compile(r"'")


def typographic(value: str) -> str:
    """The author's own prose with curly quotes and apostrophes; nothing else changes.

    Only for claim text, headings, title and summary: the author's words, which `check`
    reads for figures only, and quote marks are equal under its folds. Verified quotes
    and source metadata are never passed through this (they print as written).
    """
    def curl(match: re.Match[str], opening: str, closing: str) -> str:
        start = match.start()
        before = value[start - 1] if start else " "
        after = value[start + 1:start + 2]
        if closing == "\u2019" and after.isdigit():
            return closing  # elision: ’90s
        return opening if before in _OPENS_AFTER else closing

    value = _DOUBLE.sub(lambda m: curl(m, "\u201c", "\u201d"), value)
    return _SINGLE.sub(lambda m: curl(m, "\u2018", "\u2019"), value)


def _attr(identifier: str = "", classes: Iterable[str] = ()) -> list[Any]:
    return [identifier, list(classes), []]


def _span(inlines: Inlines, *classes: str) -> Node:
    return {"t": "Span", "c": [_attr("", classes), inlines]}


def _para(inlines: Inlines) -> Node:
    return {"t": "Para", "c": inlines}


def _header(level: int, identifier: str, inlines: Inlines) -> Node:
    return {"t": "Header", "c": [level, _attr(identifier), inlines]}


def _div(blocks: list[Node], *classes: str) -> Node:
    return {"t": "Div", "c": [_attr("", classes), blocks]}


def is_web_url(url: str) -> bool:
    """Only http(s) URLs become links; anything else (file:, javascript:, ...) stays text."""
    if not url or _WEB_URL_BAD.search(url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _url(url: str, target: str = "") -> Inlines:
    """The URL as written; as a link (to `target`, e.g. the passage, when given) if it is http(s)."""
    if is_web_url(url):
        href = target if target and is_web_url(target) else url
        return [{"t": "Link", "c": [_attr("", ["url"]), [{"t": "Str", "c": url}], [href, ""]]}]
    return text(url)


def quoted(quote: str) -> Inlines:
    """The quote between typographic marks, its own characters untouched."""
    inner = text(quote)
    if not inner:
        return [{"t": "Str", "c": OPEN_QUOTE + CLOSE_QUOTE}]
    first, last = inner[0], inner[-1]
    inner[0] = {"t": "Str", "c": OPEN_QUOTE + first["c"]}
    if len(inner) == 1:
        inner[0] = {"t": "Str", "c": inner[0]["c"] + CLOSE_QUOTE}
    else:
        inner[-1] = {"t": "Str", "c": last["c"] + CLOSE_QUOTE}
    return inner


def _label(status: Status | None) -> str:
    return "not checked" if status is None else status.value.replace("_", " ")


def _unverified_mark(status: Status | None) -> Node:
    return _span([{"t": "Strong", "c": text(f"[UNVERIFIED: {_label(status)}]")}], "unverified")


# --- source descriptions ------------------------------------------------------


def describe_source(source_id: str, meta: SourceMeta) -> Inlines:
    """Author, title, publisher, date (those known; the usual citation order), else the id."""
    parts: list[Inlines] = [
        text(meta.author),
        [{"t": "Emph", "c": text(meta.title)}] if meta.title.strip() else [],
        text(meta.publisher),
        text(meta.date),
    ]
    described = _comma_list(parts)
    return described or [{"t": "Emph", "c": text(source_id)}]


def _comma_list(parts: list[Inlines]) -> Inlines:
    out: Inlines = []
    for part in (p for p in parts if p):
        if out:
            out.append({"t": "Str", "c": ","})
            out.append({"t": "Space"})
        out.extend(part)
    return _glue(out)


def _glue(nodes: Inlines) -> Inlines:
    """Merge a lone punctuation Str into the word before it (`title` `,` -> `title,`)."""
    out: Inlines = []
    for node in nodes:
        if (node["t"] == "Str" and out and out[-1]["t"] == "Str"
                and node["c"] in (",", ".", ";", ":")):
            out[-1] = {"t": "Str", "c": out[-1]["c"] + node["c"]}
        else:
            out.append(node)
    return out


def _end_sentence(nodes: Inlines) -> Inlines:
    """Close a description with a full stop, unless it already ends with one."""
    last = nodes[-1] if nodes else None
    while last is not None and last["t"] in ("Emph", "Strong") and last["c"]:
        last = last["c"][-1]
    if not nodes or (last is not None and last["t"] == "Str" and last["c"][-1:] in ".?!"):
        return nodes
    if nodes[-1]["t"] == "Str":
        return [*nodes[:-1], {"t": "Str", "c": nodes[-1]["c"] + "."}]
    return [*nodes, {"t": "Str", "c": "."}]


def note_content(source_id: str, source: Source | None, quote: str,
                 status: Status, draft: bool, found: CitationResult | None = None) -> Inlines:
    """Source, pin cite and link (for a verified quote, `found`), then the quote on its own line.

    Issue 4: a PDF quote's note cites its page(s) ("p. 12", "pp. 12–13") and links to
    `url#page=N`; a web source's note links to the passage with a text fragment.
    """
    meta = source.meta if source else SourceMeta()
    verified = found if found is not None and found.status is Status.VERIFIED else None
    described = describe_source(source_id, meta)
    if verified is not None and verified.pages:
        # A no-break space keeps "p." with its number; an en dash joins a page range.
        labels = source.page_labels if source else ()
        pin = pin_cite(verified.pages, dash="\u2013", labels=labels).replace(" ", "\u00a0", 1)
        described = _glue([*described, {"t": "Str", "c": ","}, {"t": "Space"}, *text(pin)])
    inlines = _end_sentence(described)
    if source and source.meta.url.strip():
        url = source.meta.url.strip()
        target = ""
        if verified is not None and is_web_url(url):
            target = passage_link(url, source, verified.spans, verified.pages)
        inlines += [{"t": "Space"}, *_url(url, target)]
    if draft and status is not Status.VERIFIED:
        inlines += [{"t": "Space"}, _unverified_mark(status)]
    # The quote starts its own line: after a URL, a following mark would read as part of it.
    inlines += [{"t": "LineBreak"}, *quoted(quote)]
    return inlines


# --- the document -------------------------------------------------------------


def build_document(briefing: Briefing, report: Report, *, draft: bool, now: datetime,
                   version: str, api_version: tuple[int, ...] = PANDOC_API_VERSION) -> Document:
    """The whole briefing as a pandoc AST, plus the list of notes the read-back checks."""
    results = {r.claim.id: r for r in report.claims}
    sources = {s.id: s for s in report.sources}
    notes: list[NoteRecord] = []
    blocks: list[Node] = []

    unverified = [c for c in briefing.claims if not _ok(results.get(c.id))]
    if draft:
        blocks.append(_div([_para(text(
            f"Draft: {_count(len(unverified), 'claim')} not verified "
            "and marked [UNVERIFIED] below. Do not circulate."))], "draft-notice"))
    if briefing.summary.strip():
        paragraphs = [p for p in re.split(r"\n[ \t]*\n", briefing.summary) if p.strip()]
        blocks.append(_div([_header(2, "summary", text("Summary")),
                            *(_para(text(typographic(p))) for p in paragraphs)], "summary"))

    for number, section in enumerate(briefing.sections, 1):
        blocks.append(_header(1, f"section-{number}", text(typographic(section.heading))))
        for claim in section.claims:
            result = results.get(claim.id)
            inlines: Inlines = []
            if draft and not _ok(result):
                inlines += [_unverified_mark(result.status if result else None), {"t": "Space"}]
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
                body += _alterations(found)
                if caution:
                    body += [{"t": "LineBreak"}, {"t": "Strong", "c": text(CAUTION)}, {"t": "Space"},
                             *text(caution)]
                inlines.append({"t": "Note", "c": [_para(body)]})
            blocks.append(_para(inlines))

    blocks += _disagreements(report)
    blocks += _sources_list(notes)
    blocks += _verification(briefing, report, notes, draft, now, version)
    meta = {key: {"t": "MetaInlines", "c": text(typographic(value))}
            for key, value in (("title", briefing.title), ("subtitle", briefing.subtitle),
                               ("author", briefing.author), ("date", briefing.date))
            if value.strip()}
    meta["lang"] = {"t": "MetaString", "c": "en"}
    ast = {"pandoc-api-version": list(api_version), "meta": meta, "blocks": blocks}
    return Document(ast, tuple(notes), typographic(briefing.title.strip()), draft, now)


def _alterations(found: CitationResult | None) -> Inlines:
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


def _disagreements(report: Report) -> list[Node]:
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
        _header(1, "disagreements", text("Appendix: where the sources disagree")),
        _para(text("Figures this briefing states that other sources give differently, as found by "
                   "the check. Each entry gives every source's value and the sentence stating it."))]
    for number, quantity in enumerate(found, 1):
        label = " \u00b7 ".join(dict.fromkeys(r.text for r in quantity.readings))
        items: list[list[Node]] = []
        for reading in quantity.readings:
            source = sources.get(reading.source)
            described = describe_source(reading.source, source.meta if source else SourceMeta())
            line = [{"t": "Strong", "c": text(reading.text)}, {"t": "Space"}, {"t": "Str", "c": "\u2014"},
                    {"t": "Space"}, *_glue([*described, {"t": "Str", "c": ","}]), {"t": "Space"},
                    *text(f"line {reading.line}:"), {"t": "LineBreak"}, *quoted(reading.passage)]
            items.append([{"t": "Plain", "c": line}])
        blocks += [_header(2, f"disagreement-{number}", text(label)), {"t": "BulletList", "c": items}]
    return blocks


def _ok(result: ClaimResult | None) -> bool:
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


def _sources_list(notes: list[NoteRecord]) -> list[Node]:
    items: list[list[Node]] = []
    for source_id, source in cited_sources(notes):
        if source is None:
            line: list[Node] = [{"t": "Emph", "c": text(source_id)}, {"t": "Space"},
                    *text("(not found in the sources folder).")]
            items.append([{"t": "Plain", "c": line}])
            continue
        line = _end_sentence(describe_source(source_id, source.meta))
        if source.meta.url.strip():
            line += [{"t": "Space"}, *_url(source.meta.url.strip())]
        if source.meta.accessed.strip():
            line += [{"t": "Space"}, *_end_sentence(text(f"Accessed {source.meta.accessed}"))]
        line += [{"t": "LineBreak"}, _span([
            *text(f"File {PurePath(source.path).name or source_id}, SHA-256"), {"t": "Space"},
            {"t": "Code", "c": [_attr(), (source.sha256 or "unknown")[:SHORT_SHA]]},
        ], "fingerprint")]
        items.append([{"t": "Plain", "c": line}])
    if not items:
        return []
    return [_header(1, "sources", text("Sources")),
            {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def when(now: datetime) -> str:
    """`23 November 2025 at 11:03 UTC`: unambiguous for readers of any locale."""
    zone = f" {now.tzname()}" if now.tzinfo is not None and now.tzname() else ""
    return f"{now.day} {now:%B %Y} at {now:%H:%M}{zone}"


def _verification(briefing: Briefing, report: Report, notes: list[NoteRecord], draft: bool,
                  now: datetime, version: str) -> list[Node]:
    results = {r.claim.id: r for r in report.claims}
    claims = briefing.claims
    ok_claims = sum(1 for c in claims if _ok(results.get(c.id)))
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
    return [_header(1, "verification", text("Verification")),
            _div([_para(text(statement))], "verification")]
