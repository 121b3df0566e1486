"""Checks every claim against its sources and returns a Report (pure: no I/O of its own; a
`SourceCache` given to it may keep what is derived from each source on disk)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from briefing.engine.cache import NO_CACHE, Needles, SourceCache
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.verify.counts import Reading
from briefing.disagree.compare import CODE as DISAGREEMENT
from briefing.disagree.compare import ClaimFigure, claim_figures, disagreements, settle
from briefing.disagree.compare import warnings as disagreement_warnings
from briefing.verify.cautions import CODES as EDIT_CODES
from briefing.verify.cautions import caution_warnings, with_cautions
from briefing.verify.elsewhere import Candidate, closest, near_elsewhere
from briefing.verify.hyphenation import (
    HYPHEN_FOLDS,
    HyphenatedText,
    find_hyphenated,
    has_breaks,
    hyphenate,
    may_match_across_breaks,
    squeezed,
)
from briefing.verify.figure_tokens import UNUSED_NAME, shown, unreadable_errors
from briefing.verify.judge import Judge, Key
from briefing.verify.match import MultiSearch, find_quote, match_quotes, prepare, split_elisions
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
from briefing.verify.nearest import nearest_passages, searches_everywhere
from briefing.text import NormalisedText, normalise
from briefing.engine.parallel import cpu_count, run_two_phase
from briefing.verify.pins import page_of, pages_of
from briefing.disagree.scan import Candidates, candidates
from briefing.verify.shape import (
    TOO_SHORT,
    EdgeMiss,
    edge_miss,
    explain_cut,
    missed,
    refuse_pasted,
    shape_errors,
    too_short,
    too_short_as_edited,
    too_short_problem,
)


@dataclass
class SourceIndex:
    """Each source folded once (shared by content hash and kind)."""

    sources: Mapping[str, Source]
    cache: SourceCache = NO_CACHE
    _folded: dict[tuple[str, str], NormalisedText] = field(default_factory=dict)
    _hyphenated: dict[tuple[str, str], HyphenatedText | None] = field(default_factory=dict)
    _has_breaks: dict[tuple[str, str], bool] = field(default_factory=dict)

    def folded(self, source_id: str) -> NormalisedText:
        source = self.sources[source_id]
        key = _same_text(source)
        if key not in self._folded:
            self._folded[key] = normalise(source.text)
        return self._folded[key]

    def hyphenated(self, source_id: str) -> HyphenatedText | None:
        """The source read with line-end hyphens either way; None when it has none (issue 4)."""
        source = self.sources[source_id]
        key = _same_text(source)
        if key not in self._hyphenated:
            self._hyphenated[key] = hyphenate(source.text)
        return self._hyphenated[key]

    def has_line_end_hyphens(self, source_id: str) -> bool:
        """Whether `hyphenated` would be other than None, without building it when not known yet."""
        source = self.sources[source_id]
        key = _same_text(source)
        if key in self._hyphenated:
            return self._hyphenated[key] is not None
        if key not in self._has_breaks:  # (a pass over the whole text when it has none)
            self._has_breaks[key] = has_breaks(source.text)
        return self._has_breaks[key]

    def lines(self, source_id: str, offsets: Sequence[int]) -> list[int]:
        """File line of each offset: one counting pass over the text, in offset order."""
        source = self.sources[source_id]
        if source.line_map is not None:  # HTML: the file's lines, not the text's (issue 15 §6)
            return [source.line_map.line_of(o) for o in offsets]
        found: dict[int, int] = {}
        line, at = source.first_line, 0
        for offset in sorted(set(offsets)):
            line += source.text.count("\n", at, offset)
            found[offset], at = line, offset
        return [found[o] for o in offsets]


def _same_text(source: Source) -> tuple[str, str]:
    """Sources with this key have the same text: the same bytes read by the same reader (the
    same bytes as .txt and as .html are two texts)."""
    return (source.kind, source.sha256) if source.sha256 else ("id", source.id)


def verify(briefing: Briefing, sources: Mapping[str, Source], sources_dir: str = "",
           settings: Settings = DEFAULT_SETTINGS, unreadable: Mapping[str, str] | None = None,
           cache: SourceCache = NO_CACHE) -> Report:
    """Verify all claims; outcomes are data, never exceptions.

    `unreadable` maps the id of a source file whose text could not be read to the reason:
    its citations fail as such, never as "not found". Large source sets are worked by
    several processes (`parallel`), each folding and searching its share of the sources.
    With a `cache`, what a run derives from an unchanged source is not derived again.
    """
    keyed = {(claim.id, i): citation for claim in briefing.claims
             for i, citation in enumerate(claim.citations)}
    results, by_source = _route(keyed, sources, unreadable or {})
    groups = [_Group(ids, sources, {s: by_source[s] for s in ids if s in by_source}, keyed, briefing.claims,
                     settings, cache)
              for ids in _partition(sources, {s: len(keys) for s, keys in by_source.items()}, settings)]
    figures: list[ClaimFigure] = []

    def between(checked: list[tuple[dict[Key, Citation], dict[Key, tuple[str, str]], list[ClaimFigure]]]
                ) -> tuple[dict[Key, Citation], dict[Key, tuple[str, str]], list[Reading]]:
        # The figures claims state, read by each worker where its quotes matched (issue 7), in
        # briefing order whatever the split; each worker then looks for other values of them in
        # its own sources, beside the failed quotes (exact, and close for those far from
        # anything in their own source: issue 15 §7).
        order = {claim.id: i for i, claim in enumerate(briefing.claims)}
        figures.extend(sorted((f for _, _, found in checked for f in found),
                              key=lambda f: (order[f.claim], f.citation, f.reading.span.start)))
        failed = {key: citation for group_failed, _, _ in checked for key, citation in group_failed.items()}
        far = {key: wanted for _, group_far, _ in checked for key, wanted in group_far.items()}
        return failed, far, [f.reading for f in figures]

    judge = Judge(briefing.claims, results, sources, [name.text for name in briefing.names])
    _, seconds = run_two_phase(groups, between, lambda answer: judge.add(answer[0]))
    found_in: dict[Key, list[str]] = {}
    for _, hits, _, _ in seconds:
        for key, source_ids in hits.items():
            found_in.setdefault(key, []).extend(source_ids)
    # A quote exact in another source needs no close passage there to be told misattributed.
    close = {key: near for key, near in closest(near for _, _, near, _ in seconds).items() if key not in found_in}
    claims = judge.finish({key: tuple(sorted(source_ids)) for key, source_ids in found_in.items()}, close)
    # Where the sources disagree (issue 7): other sources' values for the figures claims state.
    found = disagreements(figures, settle([f.reading for f in figures], [c for _, _, _, c in seconds], sources),
                          claims, sources)
    claims = tuple(replace(c, disagreements=found[c.claim.id]) if c.claim.id in found else c for c in claims)
    # What each verified quote's elisions and insertions may turn (issues 7 and 15 §4).
    claims = tuple(with_cautions(c, sources) for c in claims)
    diagnostics = _warnings(briefing, claims, sources, settings)
    return Report(briefing.path, sources_dir, claims, diagnostics, tuple(sources.values()))


def _route(keyed: Mapping[Key, Citation], sources: Mapping[str, Source], unreadable: Mapping[str, str]
           ) -> tuple[dict[Key, CitationResult], dict[str, list[Key]]]:
    """Settle citations of unknown or unreadable sources; group the rest by source."""
    results: dict[Key, CitationResult] = {}
    by_source: dict[str, list[Key]] = {}
    for key, citation in keyed.items():
        if citation.source in sources:
            by_source.setdefault(citation.source, []).append(key)
        elif citation.source in unreadable:
            results[key] = CitationResult(citation, Status.UNREADABLE_SOURCE, problem=(
                f"source '{citation.source}' could not be read: {unreadable[citation.source]}"))
        else:
            results[key] = _unknown_source(citation, sources)
    return results, by_source


# In the split between workers a quote weighs as much as this many characters of source text:
# about what matching and explaining it costs beside reading, folding and scanning the text.
_QUOTE_WEIGHT = 4096


def _partition(sources: Mapping[str, Source], quotes: Mapping[str, int], settings: Settings) -> list[list[str]]:
    """Sources split into groups of about equal work (text size, and the quotes citing them,
    by source id), one group per worker."""
    total = sum(len(s.text) for s in sources.values())
    workers = settings.workers or (min(cpu_count(), 4) if total >= settings.parallel_min_bytes else 1)
    groups: list[list[str]] = [[] for _ in range(max(1, workers))]
    loads = [0] * len(groups)
    weight = {i: len(s.text) + 1 + _QUOTE_WEIGHT * quotes.get(i, 0) for i, s in sources.items()}
    for source_id in sorted(sources, key=lambda i: (-weight[i], i)):
        lightest = loads.index(min(loads))
        groups[lightest].append(source_id)
        loads[lightest] += weight[source_id]
    return [g for g in groups if g] or [[]]


class _Group:
    """One worker's share: its sources, folded once, and the quotes that cite them."""

    def __init__(self, source_ids: list[str], sources: Mapping[str, Source],
                 by_source: Mapping[str, list[Key]], keyed: Mapping[Key, Citation], claims: Sequence[Claim],
                 settings: Settings, cache: SourceCache):
        self.index = SourceIndex({i: sources[i] for i in source_ids}, cache)
        self.by_source = by_source
        self.keyed = keyed
        self.claims = claims
        self.settings = settings
        self.results: dict[Key, CitationResult] = {}

    def first(self) -> tuple[dict[Key, Citation], dict[Key, tuple[str, str]], list[ClaimFigure]]:
        """Match this group's quotes and explain those that fail; read the figures of the
        claims whose quotes matched here (issue 7). Between the phases the parent needs only
        the failed quotes, those far from anything in their source (with their source and the
        text explained: issue 15 §7) and the figures: the results wait for `second`, so the
        workers are not kept waiting while the parent unpickles them (0.4 s on the bench)."""
        results: dict[Key, CitationResult] = {}
        far: dict[Key, tuple[str, str]] = {}
        for source_id, keys in self.by_source.items():
            matched = _match_source(source_id, [self.keyed[k] for k in keys], self.index, self.settings)
            failed = [i for i, r in enumerate(matched) if r.status is Status.NOT_FOUND and not r.code]
            explained, texts = _explain_failures(source_id, [matched[i] for i in failed], self.index, self.settings)
            for n, (i, result) in enumerate(zip(failed, explained)):
                matched[i] = result
                if result.status is Status.NOT_FOUND and n in texts and (
                        len(texts[n]) <= self.settings.nearest_max_quote_chars):  # (else too long to explain)
                    far[keys[i]] = (source_id, texts[n])
            results.update(zip(keys, matched))
        cited_here = {claim_id for claim_id, _ in results}
        claims = [claim for claim in self.claims if claim.id in cited_here]
        self.results = results
        failed = {key: r.citation for key, r in results.items()
                  if r.status in (Status.MISQUOTED, Status.NOT_FOUND) and r.code != TOO_SHORT}
        return failed, far, claim_figures(claims, results, self.index.sources)

    def second(self, shared: tuple[Mapping[Key, Citation], Mapping[Key, tuple[str, str]], list[Reading]]
               ) -> tuple[dict[Key, CitationResult], dict[Key, list[str]], dict[Key, list[Candidate]],
                          list[Candidates]]:
        """This group's results from `first`, where each failed quote is found in this group's
        sources, the passages here close to the quotes far from anything in their own, and the
        passages here that may disagree with the figures."""
        failed, far, wanted = shared
        found = (self.results, _find_elsewhere(failed, self.index), near_elsewhere(far, self.index, self.settings),
                 candidates(wanted, self.index.sources, self.index.cache))
        self.index.cache.flush()
        return found


def _match_source(source_id: str, citations: list[Citation], index: SourceIndex,
                  settings: Settings) -> list[CitationResult]:
    """One source searched once for all the quotes that cite it.

    A quote too short to show anything is not looked for, and one that copies a line-end
    hyphen of the source's layout is refused (issue 15 §1, §5).
    """
    short = [too_short(c.quote, settings) for c in citations]
    quotes = ["" if s else c.quote for c, s in zip(citations, short)]
    matched = match_quotes(quotes, index.folded(source_id), settings.elision_max_gap)
    matches = matched.found
    # Only a quote not found as the text stands tries the other readings of line-end hyphens, and
    # only if it could match under one: the source is read that way only for such a quote.
    hyphens = index.has_line_end_hyphens(source_id)
    if None in matches and hyphens:
        squeezed_source = squeezed(index.folded(source_id).text)
        for i, (quote, match) in enumerate(zip(quotes, matches)):
            if match is None and quote and may_match_across_breaks(quote, squeezed_source) and (
                    hyphenated := index.hyphenated(source_id)) is not None:
                matches[i] = find_hyphenated(quote, hyphenated, settings.elision_max_gap)
    lines = iter(index.lines(source_id, [s.start for m in matches if m for s in m.spans]))
    source = index.sources[source_id]
    results = [CitationResult(c, Status.NOT_FOUND) if m is None else
               CitationResult(c, Status.VERIFIED, m.spans, tuple(next(lines) for _ in m.spans), m.folds,
                              m.occurrences, pages=pages_of(source.page_starts, m.spans),
                              alterations=m.alterations, gaps=m.gap_kinds)
               for c, m in zip(citations, matches)]
    misses: dict[int, EdgeMiss] = {}
    for i, (citation, match, cut) in enumerate(zip(citations, matches, matched.cut)):
        # Found as edited, the quote's own words are those outside its insertions.
        if short[i] or match is not None and match.alterations and too_short_as_edited(citation.quote, settings):
            results[i] = CitationResult(citation, Status.NOT_FOUND, problem=too_short_problem(citation.quote),
                                        code=TOO_SHORT)
        elif hyphens and match is not None and not set(match.folds) & set(HYPHEN_FOLDS):
            results[i] = refuse_pasted(source.text, index.folded(source_id), results[i], match, source.page_starts)
        elif match is None and cut is not None and (miss := explain_cut(index.folded(source_id), cut)):
            misses[i] = miss  # found only inside a word or number (issue 15 §1)
    _mark_missed(source_id, results, misses, index)
    return results


def _mark_missed(source_id: str, results: list[CitationResult], misses: Mapping[int, EdgeMiss],
                 index: SourceIndex) -> None:
    """Each quote found only inside a word or number: misquoted, with the whole of it (issue 15 §1)."""
    lines = index.lines(source_id, [miss.nearest.span.start for miss in misses.values()])
    for (i, miss), line in zip(misses.items(), lines):
        results[i] = missed(results[i], miss, line, index.sources[source_id].page_starts)


def _unknown_source(citation: Citation, sources: Mapping[str, Source]) -> CitationResult:
    # Ids are looked up, never opened as paths: "../x" is simply unknown.
    close = difflib.get_close_matches(citation.source, list(sources), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return CitationResult(citation, Status.UNKNOWN_SOURCE,
                          problem=f"no source '{citation.source}' in the sources folder{hint}")


def _explain_failures(source_id: str, failures: Sequence[CitationResult], index: SourceIndex,
                      settings: Settings) -> tuple[list[CitationResult], dict[int, str]]:
    """Nearest passage and word diff: they explain a failure, they never pass a quote.

    All the failed quotes of one source are searched together (`nearest_passages`). Also the
    text explained, by failure: the quote, or its first elided part missing from the source
    (none for a quote whose parts are all there, out of order).
    """
    folded = index.folded(source_id)
    explained = list(failures)
    wanted: dict[int, str] = {}  # the text to explain, by failure
    misses: dict[int, EdgeMiss] = {}  # elided or edited quotes found but for a word or number edge
    for i, result in enumerate(failures):
        miss = edge_miss(result.citation.quote, folded, settings.elision_max_gap)
        if miss is not None:
            misses[i] = miss
            continue
        parts = split_elisions(result.citation.quote)
        # For an elided quote, explain the first part that is not in the source at all.
        missing = [p for p in parts if len(parts) == 1 or find_quote(p, folded, settings.elision_max_gap) is None]
        if len(parts) > 1 and not missing:
            explained[i] = replace(result, problem=(
                f"each elided part occurs in '{source_id}', but not in this order within "
                f"{settings.elision_max_gap} characters of each other"))
        else:
            wanted[i] = missing[0] if missing else result.citation.quote
    nearests = index.cache.nearest(index.sources[source_id], list(wanted.values()), settings,
                                   lambda quotes: nearest_passages(quotes, folded, settings))
    _mark_missed(source_id, explained, misses, index)
    page_starts = index.sources[source_id].page_starts
    lines = iter(index.lines(source_id, [n.span.start for n in nearests if n]))
    for (i, text), nearest in zip(wanted.items(), nearests):
        misquoted = nearest is not None and nearest.similarity >= settings.misquote_min_similarity
        explained[i] = replace(
            failures[i],
            status=Status.MISQUOTED if misquoted else Status.NOT_FOUND,
            nearest=nearest,
            nearest_line=next(lines) if nearest else 0,
            nearest_page=page_of(page_starts, nearest.span.start) if nearest and page_starts else 0,
            problem=failures[i].problem or ("" if misquoted else _bounded_search(
                source_id, text, text != failures[i].citation.quote, folded, settings)),
        )
    return explained, wanted


def _bounded_search(source_id: str, quote: str, part: bool, folded: NormalisedText, settings: Settings) -> str:
    """Why a long quote's failure may have no close passage: it was not aligned everywhere.

    `quote` is what was explained: the whole quote, or (`part`) its first missing elided part.
    The lengths named are the ones `nearest` tests: as written, then as folded.
    """
    what = "the missing part" if part else "the quote"
    if len(quote) > settings.nearest_max_quote_chars:
        return (f"quote not found in '{source_id}'; {what} is {len(quote):,} characters long, too long to look "
                f"for a close passage (the limit is {settings.nearest_max_quote_chars:,})")
    length = len(prepare(quote))
    if searches_everywhere(length, len(folded.text), settings):
        return ""
    return (f"quote not found in '{source_id}'; {what} is {length:,} characters long, so it was compared only "
            f"with the passages that share exact pieces with it, not with the whole source")


def _find_elsewhere(failed: Mapping[Key, Citation], index: SourceIndex) -> dict[Key, list[str]]:
    """Which of these sources hold each failed quote exactly: one pass over each source, and
    one more over a source with line-end hyphens, for every reading of them (issue 4)."""
    if not failed:
        return {}
    keys = list(failed)
    # Search the longest elided part; a hit there is confirmed with the full matcher.
    needles = [max(split_elisions(prepare(failed[k].quote)) or [""], key=len) for k in keys]
    wanted = [i for i, needle in enumerate(needles) if needle]
    if not wanted:
        return {}
    search = MultiSearch([needles[i] for i in wanted])
    needles_asked = Needles.of(search.needles)
    # Every reading of a source's line-end hyphens squeezes to one text (`squeezed`); so do the
    # needles. A hit there is confirmed with the hyphen-aware matcher.
    bare = [position for position, i in enumerate(wanted) if squeezed(needles[i])]
    bare_search = MultiSearch([squeezed(needles[wanted[p]]) for p in bare]) if bare else None
    bare_asked = Needles.of(bare_search.needles) if bare_search is not None else None
    hits: dict[Key, list[str]] = {}
    for source_id in sorted(index.sources):
        source = index.sources[source_id]
        found = set()
        present = index.cache.present(source, "folded", needles_asked,
                                      lambda among: search.present(index.folded(source_id).text, among))
        for position in sorted(present):
            citation = failed[keys[wanted[position]]]
            if source_id != citation.source and find_quote(citation.quote, index.folded(source_id), 10**9):
                hits.setdefault(keys[wanted[position]], []).append(source_id)
                found.add(position)
        if bare_search is None or not index.has_line_end_hyphens(source_id):
            continue
        squeezed_present = index.cache.present(
            source, "squeezed", bare_asked, lambda among: bare_search.present(squeezed(index.folded(source_id).text),
                                                                             among))
        for position in sorted(bare[p] for p in squeezed_present):
            citation = failed[keys[wanted[position]]]
            if position in found or source_id == citation.source:
                continue
            hyphenated = index.hyphenated(source_id)
            if hyphenated is not None and find_hyphenated(citation.quote, hyphenated, 10**9):
                hits.setdefault(keys[wanted[position]], []).append(source_id)
    return hits


def _warnings(briefing: Briefing, claims: tuple[ClaimResult, ...],
              sources: Mapping[str, Source], settings: Settings) -> tuple[Diagnostic, ...]:
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
                f"claim '{result.claim.id}': exempt figure '{shown(exemption)}' does not appear in its text",
                Location(briefing.path, result.claim.line, result.claim.col),
                "remove it from exempt_figures, or write it in the text as listed", Severity.WARNING))
        warnings += shape_errors(briefing.path, result, settings)  # too short, a pasted hyphen (issue 15)
        warnings += unreadable_errors(briefing.path, result)
        warnings += caution_warnings(briefing.path, result)  # what an edit may turn (issues 7, 15 §4)
        warnings += disagreement_warnings(briefing.path, result)
    used = {name for result in claims for name in result.named_figures}
    for name in briefing.names:
        if name.text not in used:
            warnings.append(Diagnostic(
                UNUSED_NAME, f"name '{name.text}' in 'names' occurs in no claim's text",
                Location(briefing.path, name.line, name.col), "remove it from names, or write it as listed",
                Severity.WARNING))
    cited = {c.source for claim in briefing.claims for c in claim.citations}
    for source_id in sorted(set(sources) - cited):
        warnings.append(Diagnostic(
            "source.unused", f"source '{source_id}' is never cited",
            Location(sources[source_id].path, 1), "cite it or move it out of the sources folder",
            Severity.WARNING))
    return tuple(warnings)



# Warnings that `--strict` makes errors (issues 7, 15 §4): each says a verified quote may still mislead.
STRICT_CODES = (DISAGREEMENT, *EDIT_CODES)


def strict(report: Report) -> Report:
    """The report with the STRICT_CODES warnings as errors, so the check fails on them."""
    return replace(report, diagnostics=tuple(
        replace(d, severity=Severity.ERROR) if d.code in STRICT_CODES else d for d in report.diagnostics))
