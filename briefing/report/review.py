"""What the review page shows, as data: each claim beside its cited passages in context, its
status, warnings and disagreements, and a summary with every file's hash (pure; issue 17 §1).
`review_page` renders it as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from briefing import __version__
from briefing.diagnostics import FIGURE_DISAGREEMENT, Diagnostic, Severity
from briefing.models import Briefing, CitationResult, Claim, ClaimResult, Disagreement, Report, Source, Status
from briefing.report.passages import Passage, Piece, passage, quote_pieces
from briefing.report.reviewed import fingerprint
from briefing.report.text import change_text, citation_problem, did_you_mean, quoted, source_path, summarise
from briefing.verify.edits import describe as describe_alteration
from briefing.verify.figure_tokens import shown as shown_token
from briefing.verify.pins import page_label, passage_link, pin_cite

# What each fold of `text.FOLD_NAMES` made equal (issue 2; docs/verbatim.md).
FOLD_MEANINGS = {
    "nfc": "Unicode composition (NFC): an accented letter written as one character or as two",
    "whitespace": "white space: line breaks, tabs and runs of spaces count as one space",
    "quotes": "quotation marks: curly and straight quotes are equal",
    "dashes": "dashes: hyphen, en dash, em dash and minus are equal",
    "soft-hyphen": "soft hyphens, invisible in print, are ignored",
    "ligatures": "ligatures: “ﬁ” is read as “fi”",
}


@dataclass(frozen=True)
class CitationView:
    number: int
    source: str  # source id
    status: str
    ok: bool
    quote: tuple[Piece, ...]
    passage: Passage | None  # the matched passage (or, failed, the nearest) in context
    where: str  # "sources/x.md:12", the passage's first file line
    pages: str  # "p. 3", "pp. 3-4" or ""
    folds: tuple[tuple[str, str], ...]  # (fold, what it made equal)
    edits: tuple[str, ...]  # each editorial change, described
    problems: tuple[str, ...]  # why it failed, what differs, where else it is
    href: str  # the source: its URL (at the passage where the medium allows) or its file
    line: int  # of the `quote:` in the claims file


@dataclass(frozen=True)
class ClaimView:
    id: str
    text: str
    status: str
    ok: bool
    fingerprint: str
    line: int
    citations: tuple[CitationView, ...]
    problems: tuple[str, ...]  # figures not backed, figures that cannot be read
    warnings: tuple[str, ...]  # "code: message" of each warning at the claim's lines
    disagreements: tuple[str, ...]
    notes: tuple[str, ...]  # exempt figures and declared names

    @property
    def flagged(self) -> bool:
        """Shown by the warnings filter: a warning or a disagreement."""
        return bool(self.warnings or self.disagreements)


@dataclass(frozen=True)
class SectionView:
    heading: str
    claims: tuple[ClaimView, ...]


@dataclass(frozen=True)
class SourceRow:
    id: str
    kind: str
    path: str
    href: str
    sha256: str
    title: str
    cited: bool


@dataclass(frozen=True)
class ReviewView:
    title: str
    claims_path: str
    claims_sha256: str
    storage_key: str  # where the page keeps the ticks in the browser: one per project
    counts: tuple[tuple[str, int], ...]
    sections: tuple[SectionView, ...]
    sources: tuple[SourceRow, ...]
    other: tuple[tuple[str, str], ...]  # (severity, line) of each diagnostic of no claim (an unused source, ...)
    version: str = __version__

    @property
    def claims(self) -> tuple[ClaimView, ...]:
        return tuple(c for s in self.sections for c in s.claims)


def claim_sentence(claim_id: str, sentences: Mapping[str, str]) -> str | None:
    """The sentences of briefing.md that cite the claim (issue 16), shown (and fingerprinted)
    instead of its `text` where there are some; `sentences` comes from the prose document."""
    return sentences.get(claim_id)


def shown_text(claim: Claim, sentences: Mapping[str, str]) -> str:
    """The claim as the page shows it (and a tick vouches for): its sentence, else its text."""
    return claim_sentence(claim.id, sentences) or claim.text


def claim_fingerprints(report: Report, sentences: Mapping[str, str]) -> dict[str, str]:
    """Every claim's fingerprint now, by id: what `check --reviewed` compares the ticks with."""
    sources = {s.id: s for s in report.sources}
    return {r.claim.id: fingerprint(r.claim, shown_text(r.claim, sentences), sources) for r in report.claims}


def review_view(briefing: Briefing, report: Report, claims_sha256: str, file_hrefs: Mapping[str, str],
                sentences: Mapping[str, str] | None = None,
                unreadable: tuple[SourceRow, ...] = ()) -> ReviewView:
    """The page's data. `file_hrefs`: each source's file as a link relative to the page;
    `unreadable`: the source files whose text could not be read, hashed too."""
    sources = {s.id: s for s in report.sources}
    results = {r.claim.id: r for r in report.claims}
    by_line = _diagnostics_by_line(report)
    claimed: set[int] = set()
    sections = []
    for section in briefing.sections:
        views = []
        for claim in section.claims:
            result = results.get(claim.id)
            if result is None:
                continue
            lines = {claim.line, claim.text_line, *(c.line for c in claim.citations)}
            claimed |= lines
            text = shown_text(claim, sentences or {})
            # A disagreement's warning is shown as the claim's disagreement, with every source's passage.
            warnings = tuple(f"{d.code}: {d.message}" for line in sorted(lines) for d in by_line.get(line, ())
                             if d.severity is Severity.WARNING and d.code != FIGURE_DISAGREEMENT)
            views.append(_claim_view(report, result, text, fingerprint(claim, text, sources), warnings,
                                     sources, file_hrefs))
        sections.append(SectionView(section.heading, tuple(views)))
    other = tuple((d.severity.value, _diagnostic_line(d)) for d in report.diagnostics
                  if d.location is None or d.location.path != report.claims_path or d.location.line not in claimed)
    cited = {c.source for claim in briefing.claims for c in claim.citations}
    rows = tuple(SourceRow(s.id, s.kind, s.path, file_hrefs.get(s.id, ""), s.sha256, s.meta.title, s.id in cited)
                 for s in report.sources) + unreadable
    return ReviewView(briefing.title, report.claims_path, claims_sha256, f"briefing-review:{briefing.title}",
                      _counts(report), tuple(sections), rows, other)


def _counts(report: Report) -> tuple[tuple[str, int], ...]:
    summary = summarise(report)
    counts = [("claims", summary["claims"]), ("verified", summary["verified"]), ("failed", summary["failed"])]
    counts += [(status.replace("_", " "), n) for status, n in summary["by_status"].items()
               if n and status != Status.VERIFIED.value]
    counts += [("quotes", summary["citations"]), ("sources", summary["sources"]),
               ("warnings", summary["warnings"]), ("disagreements", summary["disagreements"])]
    return tuple(counts)


def _diagnostics_by_line(report: Report) -> dict[int, list[Diagnostic]]:
    found: dict[int, list[Diagnostic]] = {}
    for d in report.diagnostics:
        if d.location is not None and d.location.path == report.claims_path:
            found.setdefault(d.location.line, []).append(d)
    return found


def _diagnostic_line(d: Diagnostic) -> str:
    where = f"{d.location}: " if d.location else ""
    return f"{where}{d.severity.value}: {d.code}: {d.message}"


def _claim_view(report: Report, result: ClaimResult, text: str, digest: str, warnings: tuple[str, ...],
                sources: Mapping[str, Source], file_hrefs: Mapping[str, str]) -> ClaimView:
    claim = result.claim
    citations = tuple(_citation_view(report, number, item, sources.get(item.citation.source), file_hrefs)
                      for number, item in enumerate(result.citations, 1))
    problems = []
    if result.unbacked_figures:
        problems.append(f"{', '.join(quoted(f.text) for f in result.unbacked_figures)}: "
                        "in the text, not in any verified quote")
    if result.unreadable_figures:
        problems.append(f"{', '.join(quoted(shown_token(t.text)) for t in result.unreadable_figures)}: "
                        "cannot be read as figures, and no verified quote states them as written")
    notes = [f"exempt (the author's own): {quoted(f)}" for f in result.exempted_figures]
    notes += [f"a name, not a figure: {quoted(n)}" for n in result.named_figures]
    return ClaimView(claim.id, text, result.status.value, result.ok, digest, claim.line, citations,
                     tuple(problems), warnings, tuple(_disagreement(report, d) for d in result.disagreements),
                     tuple(notes))


def _disagreement(report: Report, disagreement: Disagreement) -> str:
    figure = disagreement.figure
    others = "; ".join(f"{quoted(o.text)} in {source_path(report, o.source)}:{o.line}" for o in disagreement.others)
    also = " (the claim quotes the others too)" if disagreement.acknowledged else ""
    where = f"{source_path(report, figure.source)}:{figure.line}"
    return f"{quoted(figure.text)} ({where}); other sources give {others}{also}"


def _citation_view(report: Report, number: int, item: CitationResult, source: Source | None,
                   file_hrefs: Mapping[str, str]) -> CitationView:
    cite = item.citation
    ok = item.status is Status.VERIFIED
    path = source_path(report, cite.source)
    shown: Passage | None = None
    where, pages, problems = "", "", []
    if source is not None and ok and item.spans:
        shown = passage(source, item.spans, item.gaps)
        where = f"{path}:{item.lines[0]}" if item.lines else path
        pages = pin_cite(item.pages, labels=source.page_labels) if item.pages else ""
    elif not ok:
        problems.append(citation_problem(item))
        near = item.nearest
        if near is not None and source is not None:
            shown = passage(source, (near.span,), kind="nearest")
            where = f"{path}:{item.nearest_line}"
            pages = f"p. {page_label(item.nearest_page, source.page_labels)}" if item.nearest_page else ""
            problems.append(f"nearest passage {near.similarity:.0%} similar")
            problems += [change_text(change, False) for change in near.changes]
        problems += [f"the exact quote is in '{other}' ({source_path(report, other)})" for other in item.found_in]
        if item.elsewhere is not None:
            problems.append(did_you_mean(report, item.elsewhere))
    if item.occurrences > 1:
        problems.append(f"the quote occurs {item.occurrences} times in its source; the first is shown")
    folds = tuple((name, FOLD_MEANINGS.get(name, name)) for name in item.folds)
    return CitationView(number, cite.source, item.status.value, ok, quote_pieces(cite.quote), shown, where, pages,
                        folds, tuple(describe_alteration(a) for a in item.alterations), tuple(problems),
                        _href(source, item, file_hrefs), cite.line)


def _href(source: Source | None, item: CitationResult, file_hrefs: Mapping[str, str]) -> str:
    """The source's web address when its metadata gives an http(s) one (never another scheme:
    the metadata is untrusted), at the passage where the medium allows; else its file."""
    if source is None:
        return ""
    url = source.meta.url.strip()
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return passage_link(url, source, item.spans, item.pages) if item.status is Status.VERIFIED else url
    href = file_hrefs.get(source.id, "")
    if href and source.kind == "pdf" and item.pages:
        return f"{href}#page={item.pages[0]}"
    return href
