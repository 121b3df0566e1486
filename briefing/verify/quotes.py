"""One worker's share of the quotes, checked against its sources (pure and single-process: a
`Memo` in the `SourceIndex` may remember what is derived from each source).

`check_quotes` matches each source's quotes and explains those that fail; `search_elsewhere`
looks for the failed quotes of every worker in this share's sources. The engine runs them as
the two phases of its worker processes (`engine.run`).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from briefing.models import Citation, CitationResult, Nearest, Source, Status
from briefing.settings import Settings
from briefing.text import NormalisedText
from briefing.verify.elsewhere import Candidate, OnePass, near_elsewhere, seed_pieces
from briefing.verify.hyphenation import (
    HYPHEN_FOLDS,
    find_hyphenated,
    squeezed,
    squeezed_utf8,
    which_may_match_across_breaks,
)
from briefing.verify.index import SourceIndex
from briefing.verify.judge import Key
from briefing.verify.match import MultiSearch, find_quote, match_quotes
from briefing.verify.memo import Needles
from briefing.verify.nearest import nearest_passages, searches_everywhere
from briefing.verify.pins import page_of, pages_of
from briefing.verify.quote import ParsedQuote
from briefing.verify.shape import (
    TOO_SHORT,
    EdgeMiss,
    edge_miss,
    explain_cut,
    missed,
    refuse_pasted,
    too_short,
    too_short_as_edited,
    too_short_problem,
)

# What the first phase hands the parent: the failed quotes, and those far from anything in
# their own source with their source and the text explained (issue 15 §7). Each quote goes
# parsed, so no process folds it again (issue 18).
Failed = dict[Key, tuple[Citation, ParsedQuote]]
Far = dict[Key, tuple[str, ParsedQuote]]


# The failed quotes whose explanation `check_quotes` put off, by source: each one's key and
# result as matched. `explain_failed_quotes` explains them as `check_quotes` would have.
Unexplained = dict[str, list[tuple[Key, CitationResult]]]


def check_quotes(index: SourceIndex, by_source: Mapping[str, list[Key]], keyed: Mapping[Key, Citation],
                 settings: Settings, each: Callable[[dict[Key, CitationResult]], object] = lambda results: None,
                 put_off: Callable[[str, list[ParsedQuote]], bool] = lambda source_id, failed: False
                 ) -> tuple[dict[Key, CitationResult], Failed, Far, Unexplained]:
    """Match the quotes of each source of `index` and explain those that fail: the results, the
    failed quotes, and those far from anything in their source (with their source and the text
    explained: issue 15 §7). `each` is given each source's results as they are settled.

    A source's failed quotes are left unexplained where `put_off(source id, their quotes)`
    says so: they are returned apart, and their results (returned as matched) are not settled.
    """
    results: dict[Key, CitationResult] = {}
    far: Far = {}
    later: Unexplained = {}
    # Each quote is parsed (folded, split) once, here, and handed on (issue 18).
    quotes = {key: ParsedQuote(keyed[key].quote) for keys in by_source.values() for key in keys}
    for source_id, keys in by_source.items():
        matched = dict(zip(keys, _match_source(source_id, [keyed[k] for k in keys], [quotes[k] for k in keys],
                                               index, settings)))
        failed = [k for k, r in matched.items() if r.status is Status.NOT_FOUND and not r.code]
        results.update(matched)
        if failed and put_off(source_id, [quotes[k] for k in failed]):
            later[source_id] = [(k, matched[k]) for k in failed]
            unsettled = set(failed)
            each({k: r for k, r in matched.items() if k not in unsettled})
            continue
        explained, source_far = explain_failed_quotes(index, source_id,
                                                      [(k, matched[k], quotes[k]) for k in failed], settings)
        matched.update(explained)
        results.update(explained)
        far.update(source_far)
        each(matched)
    failed_quotes = {key: (r.citation, quotes[key]) for key, r in results.items()
                     if r.status in (Status.MISQUOTED, Status.NOT_FOUND) and r.code != TOO_SHORT}
    return results, failed_quotes, far, later


def explain_failed_quotes(index: SourceIndex, source_id: str,
                          failed: Sequence[tuple[Key, CitationResult, ParsedQuote]],
                          settings: Settings) -> tuple[dict[Key, CitationResult], Far]:
    """The failed quotes of one source explained (each key, its result as matched, its quote):
    their results, and those far from anything in the source (issue 15 §7)."""
    if not failed:
        return {}, {}
    keys = [key for key, _, _ in failed]
    explained, texts = _explain_failures(source_id, [result for _, result, _ in failed],
                                         [quote for _, _, quote in failed], index, settings)
    far = {keys[n]: (source_id, texts[n]) for n, result in enumerate(explained)
           if result.status is Status.NOT_FOUND and n in texts
           and len(texts[n].raw) <= settings.nearest_max_quote_chars}  # (else too long to explain)
    return dict(zip(keys, explained)), far


def search_elsewhere(failed: Failed, far: Far, index: SourceIndex,
                     settings: Settings) -> tuple[dict[Key, list[str]], dict[Key, list[Candidate]]]:
    """Where each failed quote is found exactly in the sources of `index`, and the passages
    here close to the quotes far from anything in their own (issue 15 §7)."""
    # Both look for needles in every source: one pass over each finds both sets (issue 19).
    exact = [needle for needle in _exact_needles(failed) if needle]
    one_pass = OnePass([exact, seed_pieces(far)])
    return _find_elsewhere(failed, index, (one_pass, 0)), near_elsewhere(far, index, settings, (one_pass, 1))


def route(keyed: Mapping[Key, Citation], sources: Mapping[str, Source], unreadable: Mapping[str, str]
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


def _match_source(source_id: str, citations: list[Citation], parsed: list[ParsedQuote], index: SourceIndex,
                  settings: Settings) -> list[CitationResult]:
    """One source searched once for all the quotes that cite it.

    A quote too short to show anything is not looked for, and one that copies a line-end
    hyphen of the source's layout is refused (issue 15 §1, §5).
    """
    short = [too_short(c.quote, settings) for c in citations]
    quotes = [ParsedQuote("") if s else p for p, s in zip(parsed, short)]
    matched = match_quotes(quotes, index.folded(source_id), settings.elision_max_gap)
    matches = matched.found
    # Only a quote not found as the text stands tries the other readings of line-end hyphens, and
    # only if it could match under one: the source is read that way only for such a quote.
    hyphens = index.has_line_end_hyphens(source_id)
    if None in matches and hyphens:
        missing = [i for i, (quote, match) in enumerate(zip(quotes, matches)) if match is None and quote.raw]
        may = which_may_match_across_breaks([quotes[i] for i in missing], squeezed_utf8(index.folded(source_id).text))
        for i in (i for i, maybe in zip(missing, may) if maybe):
            if (hyphenated := index.hyphenated(source_id)) is not None:
                matches[i] = find_hyphenated(quotes[i], hyphenated, settings.elision_max_gap)
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


def _explain_failures(source_id: str, failures: Sequence[CitationResult], parsed: Sequence[ParsedQuote],
                      index: SourceIndex, settings: Settings) -> tuple[list[CitationResult], dict[int, ParsedQuote]]:
    """Nearest passage and word diff: they explain a failure, they never pass a quote.

    All the failed quotes of one source are searched together (`nearest_passages`). Also the
    text explained, by failure: the quote, or its first elided part missing from the source
    (none for a quote whose parts are all there, out of order).
    """
    folded = index.folded(source_id)
    explained = list(failures)
    misses, wanted, out_of_order = _what_to_explain(parsed, folded, settings)
    for i in out_of_order:
        explained[i] = replace(failures[i], problem=(
            f"each elided part occurs in '{source_id}', but not in this order within "
            f"{settings.elision_max_gap} characters of each other"))
    explain = _parsed_for(wanted.values(), lambda quotes: nearest_passages(quotes, folded, settings))
    nearests = index.memo.nearest(index.sources[source_id], [q.raw for q in wanted.values()], settings, explain)
    _mark_missed(source_id, explained, misses, index)
    page_starts = index.sources[source_id].page_starts
    lines = iter(index.lines(source_id, [n.span.start for n in nearests if n]))
    for (i, asked), nearest in zip(wanted.items(), nearests):
        misquoted = nearest is not None and nearest.similarity >= settings.misquote_min_similarity
        explained[i] = replace(
            failures[i],
            status=Status.MISQUOTED if misquoted else Status.NOT_FOUND,
            nearest=nearest,
            nearest_line=next(lines) if nearest else 0,
            nearest_page=page_of(page_starts, nearest.span.start) if nearest and page_starts else 0,
            problem=failures[i].problem or ("" if misquoted else _bounded_search(
                source_id, asked, asked.raw != failures[i].citation.quote, folded, settings)),
        )
    return explained, wanted


def texts_to_explain(index: SourceIndex, source_id: str, parsed: Sequence[ParsedQuote],
                     settings: Settings) -> list[str]:
    """The texts whose nearest passages explaining these failed quotes of a source looks for
    (what a memo is asked for: `Memo.knows_nearest`)."""
    return [quote.raw for quote in _what_to_explain(parsed, index.folded(source_id), settings)[1].values()]


def _what_to_explain(parsed: Sequence[ParsedQuote], folded: NormalisedText, settings: Settings
                     ) -> tuple[dict[int, EdgeMiss], dict[int, ParsedQuote], list[int]]:
    """By failed quote: those found but for a word or number edge (elided or edited), the text
    to explain for the others, and those whose elided parts are all there, out of order."""
    wanted: dict[int, ParsedQuote] = {}
    misses: dict[int, EdgeMiss] = {}
    out_of_order: list[int] = []
    for i, quote in enumerate(parsed):
        miss = edge_miss(quote, folded, settings.elision_max_gap)
        if miss is not None:
            misses[i] = miss
            continue
        parts = quote.parsed_parts
        # For an elided quote, explain the first part that is not in the source at all.
        missing = [p for p in parts if len(parts) == 1 or find_quote(p, folded, settings.elision_max_gap) is None]
        if len(parts) > 1 and not missing:
            out_of_order.append(i)
        else:
            # The whole quote, or its part as written (the part of a quote with no elision
            # differs from it only by marks or spaces at its ends).
            wanted[i] = missing[0] if missing and missing[0].raw != quote.raw else quote
    return misses, wanted, out_of_order


def _parsed_for(quotes: Iterable[ParsedQuote], compute: Callable[[list[ParsedQuote]], list[Nearest | None]]
                ) -> Callable[[list[str]], list[Nearest | None]]:
    """`compute` as a memo calls it, on the texts of `quotes`, handed the quotes as parsed."""
    by_text = {quote.raw: quote for quote in quotes}
    return lambda texts: compute([by_text[text] for text in texts])


def _bounded_search(source_id: str, asked: ParsedQuote, part: bool, folded: NormalisedText, settings: Settings) -> str:
    """Why a long quote's failure may have no close passage: it was not aligned everywhere.

    `quote` is what was explained: the whole quote, or (`part`) its first missing elided part.
    The lengths named are the ones `nearest` tests: as written, then as folded.
    """
    what, quote = "the missing part" if part else "the quote", asked.raw
    if len(quote) > settings.nearest_max_quote_chars:
        return (f"quote not found in '{source_id}'; {what} is {len(quote):,} characters long, too long to look "
                f"for a close passage (the limit is {settings.nearest_max_quote_chars:,})")
    length = len(asked.needle)
    if searches_everywhere(length, len(folded.text), settings):
        return ""
    return (f"quote not found in '{source_id}'; {what} is {length:,} characters long, so it was compared only "
            f"with the passages that share exact pieces with it, not with the whole source")


def _exact_needles(failed: Failed) -> list[str]:
    """What `_find_elsewhere` looks for, by failed quote: its longest elided part ("" for none);
    a hit there is confirmed with the full matcher."""
    return [max(quote.needle_parts or [""], key=len) for _, quote in failed.values()]


def _find_elsewhere(failed: Failed, index: SourceIndex, one_pass: tuple[OnePass, int] | None = None
                    ) -> dict[Key, list[str]]:
    """Which of these sources hold each failed quote exactly: one pass over each source, and
    one more over a source with line-end hyphens, for every reading of them (issue 4).

    `one_pass`: a search shared with other needles, and the number of the set of the
    non-empty `_exact_needles` in it."""
    if not failed:
        return {}
    keys = list(failed)
    needles = _exact_needles(failed)
    wanted = [i for i, needle in enumerate(needles) if needle]
    if not wanted:
        return {}
    # A few failed quotes (what CI sees) over every source: a DFA scans them 3-4 times faster.
    shared_pass, k = one_pass or (OnePass([[needles[i] for i in wanted]]), 0)
    needles_asked = Needles.of([needles[i] for i in wanted])
    # Every reading of a source's line-end hyphens squeezes to one text (`squeezed`); so do the
    # needles. A hit there is confirmed with the hyphen-aware matcher.
    bare = [position for position, i in enumerate(wanted) if squeezed(needles[i])]
    bare_lookup: tuple[MultiSearch, Needles] | None = None  # (its search, its needles), when any
    if bare:
        bare_search = MultiSearch([squeezed(needles[wanted[p]]) for p in bare])
        bare_lookup = (bare_search, Needles.of(bare_search.needles))
    hits: dict[Key, list[str]] = {}
    squeezed_found: dict[tuple[str, str], set[int]] = {}  # by text: copies of a file are searched once
    for source_id in sorted(index.sources):
        source = index.sources[source_id]
        found = set()
        present = index.memo.present(source, "folded", needles_asked,
                                      functools.partial(shared_pass.present, k, index, source_id))
        for position in sorted(present):
            citation, quote = failed[keys[wanted[position]]]
            if source_id != citation.source and find_quote(quote, index.folded(source_id), 10**9):
                hits.setdefault(keys[wanted[position]], []).append(source_id)
                found.add(position)
        if bare_lookup is None or not index.has_line_end_hyphens(source_id):
            continue
        squeezed_present = index.memo.present(source, "squeezed", bare_lookup[1],
                                              functools.partial(_search_squeezed, bare_lookup[0], index, source_id,
                                                                squeezed_found))
        for position in sorted(bare[p] for p in squeezed_present):
            citation, quote = failed[keys[wanted[position]]]
            if position in found or source_id == citation.source:
                continue
            hyphenated = index.hyphenated(source_id)
            if hyphenated is not None and find_hyphenated(quote, hyphenated, 10**9):
                hits.setdefault(keys[wanted[position]], []).append(source_id)
    return hits


def _search_squeezed(search: MultiSearch, index: SourceIndex, source_id: str, found: dict[tuple[str, str], set[int]],
                     among: Sequence[int] | None) -> set[int]:
    """The needles of `search` (or those `among` them) in the source's folded text with every
    line-end hyphen reading squeezed out (see `squeezed`); `found` keeps the answers for all
    of them by text."""
    if among is not None:
        return search.present(squeezed_utf8(index.folded(source_id).text), among)
    text = index.text_key(source_id)
    if text not in found:
        found[text] = search.present(squeezed_utf8(index.folded(source_id).text))
    return set(found[text])


