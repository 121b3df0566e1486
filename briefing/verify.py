"""Checks every claim against its sources and returns a Report (pure: no I/O)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import ahocorasick_rs

from briefing.config import DEFAULT_SETTINGS, Settings
from briefing.figures import check_figures
from briefing.match import find_quote, find_quotes, prepare, split_elisions
from briefing.models import (
    Briefing,
    Citation,
    CitationResult,
    Claim,
    ClaimResult,
    Diagnostic,
    Location,
    Report,
    Severity,
    Source,
    Status,
)
from briefing.nearest import nearest_passages
from briefing.normalise import NormalisedText, normalise

# When citations fail for different reasons, the claim shows the one hardest to fix.
_FAILURE_ORDER = (Status.UNKNOWN_SOURCE, Status.UNREADABLE_SOURCE, Status.NOT_FOUND, Status.MISQUOTED)


@dataclass
class SourceIndex:
    """Each source folded once (shared by content hash)."""

    sources: Mapping[str, Source]
    _folded: dict[str, NormalisedText] = field(default_factory=dict)

    def folded(self, source_id: str) -> NormalisedText:
        source = self.sources[source_id]
        key = source.sha256 or source_id
        if key not in self._folded:
            self._folded[key] = normalise(source.text)
        return self._folded[key]

    def lines(self, source_id: str, offsets: Sequence[int]) -> list[int]:
        """File line of each offset: one counting pass over the text, in offset order."""
        source = self.sources[source_id]
        found: dict[int, int] = {}
        line, at = source.first_line, 0
        for offset in sorted(set(offsets)):
            line += source.text.count("\n", at, offset)
            found[offset], at = line, offset
        return [found[o] for o in offsets]


def verify(briefing: Briefing, sources: Mapping[str, Source], sources_dir: str = "",
           settings: Settings = DEFAULT_SETTINGS, unreadable: Mapping[str, str] | None = None) -> Report:
    """Verify all claims; outcomes are data, never exceptions.

    `unreadable` maps the id of a source file whose text could not be read to the reason:
    its citations fail as such, never as "not found".
    """
    index = SourceIndex(sources)
    keyed = {(claim.id, i): citation for claim in briefing.claims
             for i, citation in enumerate(claim.citations)}
    results = _match_all(keyed, index, settings, unreadable or {})
    failed = {key: r for key, r in results.items() if r.status is Status.NOT_FOUND}
    elsewhere = _find_elsewhere({k: r.citation for k, r in failed.items()}, index)
    by_source: dict[str, list[tuple[str, int]]] = {}
    for key, result in failed.items():
        by_source.setdefault(result.citation.source, []).append(key)
    for source_id, keys in by_source.items():
        explained = _explain_failures(source_id, [failed[k] for k in keys], index, settings,
                                      [elsewhere.get(k, ()) for k in keys])
        results.update(zip(keys, explained))
    claims = tuple(
        _judge_claim(claim, tuple(results[(claim.id, i)] for i in range(len(claim.citations))))
        for claim in briefing.claims
    )
    diagnostics = _warnings(briefing, claims, sources)
    return Report(briefing.path, sources_dir, claims, diagnostics, tuple(sources.values()))


def _match_all(keyed: Mapping[tuple[str, int], Citation], index: SourceIndex,
               settings: Settings, unreadable: Mapping[str, str]) -> dict[tuple[str, int], CitationResult]:
    """Each source is searched once for all the quotes that cite it."""
    by_source: dict[str, list[tuple[str, int]]] = {}
    results: dict[tuple[str, int], CitationResult] = {}
    for key, citation in keyed.items():
        if citation.source in index.sources:
            by_source.setdefault(citation.source, []).append(key)
        elif citation.source in unreadable:
            results[key] = CitationResult(citation, Status.UNREADABLE_SOURCE, problem=(
                f"source '{citation.source}' could not be read: {unreadable[citation.source]}"))
        else:
            results[key] = _unknown_source(citation, index)
    for source_id, keys in by_source.items():
        matches = find_quotes([keyed[k].quote for k in keys], index.folded(source_id),
                              settings.elision_max_gap)
        lines = iter(index.lines(source_id, [s.start for m in matches if m for s in m.spans]))
        for key, match in zip(keys, matches):
            citation = keyed[key]
            if match is None:
                results[key] = CitationResult(citation, Status.NOT_FOUND)
            else:
                results[key] = CitationResult(citation, Status.VERIFIED, match.spans,
                                              tuple(next(lines) for _ in match.spans),
                                              match.folds, match.occurrences)
    return {key: results[key] for key in keyed}


def _unknown_source(citation: Citation, index: SourceIndex) -> CitationResult:
    # Ids are looked up, never opened as paths: "../x" is simply unknown.
    close = difflib.get_close_matches(citation.source, list(index.sources), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return CitationResult(citation, Status.UNKNOWN_SOURCE,
                          problem=f"no source '{citation.source}' in the sources folder{hint}")


def _explain_failures(source_id: str, failures: Sequence[CitationResult], index: SourceIndex,
                      settings: Settings, found_in: Sequence[tuple[str, ...]]) -> list[CitationResult]:
    """Nearest passage and word diff: they explain a failure, they never pass a quote.

    All the failed quotes of one source are searched together (`nearest_passages`).
    """
    folded = index.folded(source_id)
    explained = list(failures)
    wanted: dict[int, str] = {}  # the text to explain, by failure
    for i, (result, where) in enumerate(zip(failures, found_in)):
        parts = split_elisions(result.citation.quote)
        # For an elided quote, explain the first part that is not in the source at all.
        missing = [p for p in parts if len(parts) == 1 or find_quote(p, folded, settings.elision_max_gap) is None]
        if len(parts) > 1 and not missing:
            explained[i] = replace(result, found_in=where, problem=(
                f"each elided part occurs in '{source_id}', but not in this order within "
                f"{settings.elision_max_gap} characters of each other"))
        else:
            wanted[i] = missing[0] if missing else result.citation.quote
    nearests = nearest_passages(list(wanted.values()), folded, settings)
    lines = iter(index.lines(source_id, [n.span.start for n in nearests if n]))
    for i, nearest in zip(wanted, nearests):
        misquoted = nearest is not None and nearest.similarity >= settings.misquote_min_similarity
        explained[i] = replace(
            failures[i],
            status=Status.MISQUOTED if misquoted else Status.NOT_FOUND,
            nearest=nearest,
            nearest_line=next(lines) if nearest else 0,
            found_in=found_in[i],
        )
    return explained


def _find_elsewhere(failed: Mapping[tuple[str, int], Citation],
                    index: SourceIndex) -> dict[tuple[str, int], tuple[str, ...]]:
    """Which other sources hold each failed quote exactly: one pass over each source."""
    if not failed:
        return {}
    keys = list(failed)
    # Search the longest elided part; a hit there is confirmed with the full matcher.
    needles = [max(split_elisions(prepare(failed[k].quote)) or [""], key=len) for k in keys]
    wanted = [i for i, needle in enumerate(needles) if needle]
    if not wanted:
        return {}
    automaton = ahocorasick_rs.AhoCorasick([needles[i] for i in wanted])
    hits: dict[tuple[str, int], list[str]] = {}
    for source_id in sorted(index.sources):
        folded = index.folded(source_id)
        seen = {wanted[p] for p, _, _ in automaton.find_matches_as_indexes(folded.text, overlapping=True)}
        for i in sorted(seen):
            citation = failed[keys[i]]
            if source_id != citation.source and find_quote(citation.quote, folded, 10**9):
                hits.setdefault(keys[i], []).append(source_id)
    return {k: tuple(v) for k, v in hits.items()}


def _judge_claim(claim: Claim, citations: tuple[CitationResult, ...]) -> ClaimResult:
    verified_quotes = [r.citation.quote for r in citations if r.status is Status.VERIFIED]
    figures = check_figures(claim.text, verified_quotes, claim.exempt_figures)
    failing = {r.status for r in citations} - {Status.VERIFIED}
    if failing:
        status = next(s for s in _FAILURE_ORDER if s in failing)
    elif figures.unbacked:
        status = Status.FIGURE_MISMATCH
    else:
        status = Status.VERIFIED
    return ClaimResult(claim, status, citations, figures.unbacked,
                       tuple(f.text for f in figures.exempted), figures.unused_exemptions)


def _warnings(briefing: Briefing, claims: tuple[ClaimResult, ...],
              sources: Mapping[str, Source]) -> tuple[Diagnostic, ...]:
    warnings: list[Diagnostic] = []
    for result in claims:
        for item in result.citations:
            if item.occurrences > 1:
                warnings.append(Diagnostic(
                    "quote.repeated",
                    f"claim '{result.claim.id}': the quote occurs {item.occurrences} times in "
                    f"'{item.citation.source}' (first at line {item.lines[0]})",
                    Location(briefing.path, item.citation.line, item.citation.col),
                    "quote more words if the briefing means one particular passage",
                    Severity.WARNING))
        for exemption in result.unused_exemptions:
            warnings.append(Diagnostic(
                "figure.unused-exemption",
                f"claim '{result.claim.id}': exempt figure '{exemption}' does not appear in its text",
                Location(briefing.path, result.claim.line, result.claim.col),
                "remove it from exempt_figures, or write it in the text as listed", Severity.WARNING))
    cited = {c.source for claim in briefing.claims for c in claim.citations}
    for source_id in sorted(set(sources) - cited):
        warnings.append(Diagnostic(
            "source.unused", f"source '{source_id}' is never cited",
            Location(sources[source_id].path, 1), "cite it or move it out of the sources folder",
            Severity.WARNING))
    return tuple(warnings)

