"""The passage of another source closest to a quote that is far from anything in its own
(issue 15 §7): a misattributed quote that is also slightly wrong, told apart from a made-up
one. Pure, but for what the `Memo` of the `SourceIndex` it is given remembers.

The search is bounded: a quote is aligned only in the MAX_SOURCES sources that share the most
of its exact pieces (`pieces.seeds`, found in one pass over each source for all such
quotes), and each alignment is the nearest-passage search's own. Each worker aligns in the top
MAX_SOURCES of its own sources and the parent keeps the top MAX_SOURCES of all (`closest`):
the global top is within each worker's, so the answer never depends on how the sources were
split between workers.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence

from briefing.models import Elsewhere, Nearest
from briefing.settings import Settings
from briefing.verify.index import SourceIndex
from briefing.verify.judge import Key
from briefing.verify.match import DENSE_MAX_NEEDLES, MultiSearch
from briefing.verify.memo import Needles
from briefing.verify.nearest import nearest_passage
from briefing.verify.pieces import seeds
from briefing.verify.pins import page_of
from briefing.verify.quote import ParsedQuote

MAX_SOURCES = 3
# Seeds looked for per quote, at most: `seeds` gives the ends first, then inward, so these
# spread over a long quote, and a 100,000-character one costs no more than a paragraph.
MAX_SEEDS = 64
# (pieces of the quote the source shares, source id, its passage when close enough to name)
Candidate = tuple[int, str, Elsewhere | None]


class OnePass:
    """Several sets of needles looked for in one pass over each source's folded text (issue 19:
    the failed quotes and the seeds of the far ones took a pass each, the UTF-8 encoding of
    every source twice). Set `k`'s answers are positions in set `k`, as its own search's. The
    first set's full search looks for every set; the others take their answers from it."""

    def __init__(self, sets: Sequence[Sequence[str]]):
        self.sets = [list(needles) for needles in sets]
        self.each = [MultiSearch(needles) for needles in self.sets]  # (for a few needles alone)
        unique = list(dict.fromkeys(needle for needles in sets for needle in needles))
        self.search = MultiSearch(unique, dense=len(unique) <= DENSE_MAX_NEEDLES)
        # combined needle -> (set, position in it) of each set holding it
        self.owners: list[list[tuple[int, int]]] = [[] for _ in unique]
        where = {needle: i for i, needle in enumerate(unique)}
        for k, needles in enumerate(self.sets):
            for position, needle in enumerate(needles):
                self.owners[where[needle]].append((k, position))
        # Each set's answer, by text (`SourceIndex.text_key`): copies of a file are searched once.
        self.found: dict[tuple[str, str], list[set[int]]] = {}

    def present(self, k: int, index: SourceIndex, source_id: str, among: Sequence[int] | None) -> set[int]:
        """Which needles of set `k` (or of those `among` them) the source's folded text holds."""
        if among is not None:
            return self.each[k].present(index.folded(source_id).text, among)
        text = index.text_key(source_id)
        if text not in self.found:
            if k:  # only the first set's full search is shared: a later set asked alone (its
                # own answer missing, the first's kept by a memo) is looked for alone
                return self.each[k].present(index.folded(source_id).text)
            answers: list[set[int]] = [set() for _ in self.sets]
            for combined in self.search.present(index.folded(source_id).text):
                for owner, position in self.owners[combined]:
                    answers[owner].add(position)
            self.found[text] = answers
        return self.found[text][k]


def seed_pieces(far: Mapping[Key, tuple[str, ParsedQuote]]) -> list[str]:
    """The seeds `near_elsewhere` looks for, each once."""
    return list(dict.fromkeys(piece for key in sorted(far) for piece in seeds(far[key][1])[:MAX_SEEDS]))


def near_elsewhere(far: Mapping[Key, tuple[str, ParsedQuote]], index: SourceIndex,
                   settings: Settings, one_pass: tuple[OnePass, int] | None = None) -> dict[Key, list[Candidate]]:
    """For each quote (key -> (cited source id, text to look for)), the sources of `index`
    other than its own that share the most of its seeds (MAX_SOURCES of them at most), each
    with its nearest passage when that is at least `misquote_min_similarity` similar.

    `one_pass`: a search shared with other needles, and the number of the set of `seed_pieces`
    in it."""
    keys = sorted(far)
    wanted = [seeds(far[key][1])[:MAX_SEEDS] for key in keys]
    pieces = seed_pieces(far)
    if not pieces:
        return {}
    asked = Needles.of(pieces)
    if one_pass is None:
        one_pass = (OnePass([pieces]), 0)
    shared_pass, k = one_pass
    position = {piece: i for i, piece in enumerate(pieces)}
    sharing: dict[int, list[tuple[int, str]]] = {}  # quote -> (seeds shared, source id)
    for source_id in sorted(index.sources):
        present = index.memo.present(index.sources[source_id], "seeds", asked,
                                      functools.partial(shared_pass.present, k, index, source_id))
        if not present:  # (most sources: no quote shares a seed there)
            continue
        for n, seeds_of_quote in enumerate(wanted):
            shared = sum(position[piece] in present for piece in seeds_of_quote)
            if shared and far[keys[n]][0] != source_id:
                sharing.setdefault(n, []).append((shared, source_id))
    aligned: dict[str, list[tuple[int, int]]] = {}  # source id -> (quote, seeds shared)
    for n, found in sharing.items():
        for shared, source_id in sorted(found, key=_rank)[:MAX_SOURCES]:
            aligned.setdefault(source_id, []).append((n, shared))
    answers: dict[Key, list[Candidate]] = {}
    # Copies of a file (the same text) give a quote the same passage: it is aligned once.
    done: dict[tuple[tuple[str, str], str], Nearest | None] = {}
    for source_id in sorted(aligned):
        for key, candidate in zip([keys[n] for n, _ in aligned[source_id]],
                                  _align(source_id, [(far[keys[n]][1], shared) for n, shared in aligned[source_id]],
                                         index, settings, done)):
            answers.setdefault(key, []).append(candidate)
    return answers


def _align(source_id: str, quotes: list[tuple[ParsedQuote, int]], index: SourceIndex,
           settings: Settings, done: dict[tuple[tuple[str, str], str], Nearest | None]) -> list[Candidate]:
    """Each quote's nearest passage in one source, one by one (so an answer never depends on
    which other quotes were aligned there), named when close enough; `done` keeps each by
    text and quote."""
    by_text = {quote.raw: quote for quote, _ in quotes}
    text_key = index.text_key(source_id)

    def nearest(text: str) -> Nearest | None:
        if (text_key, text) not in done:
            done[text_key, text] = nearest_passage(by_text[text], index.folded(source_id), settings)
        return done[text_key, text]
    # (Folded only for quotes the memo has no answer for: a source no quote cites may need no fold.)
    nearests = index.memo.nearest(index.sources[source_id], [quote.raw for quote, _ in quotes], settings,
                                   lambda texts: [nearest(text) for text in texts], kind="elsewhere")
    close = [n if n is not None and n.similarity >= settings.misquote_min_similarity else None for n in nearests]
    lines = iter(index.lines(source_id, [n.span.start for n in close if n is not None]))
    page_starts = index.sources[source_id].page_starts
    return [(shared, source_id, None if n is None else Elsewhere(
                source_id, n, next(lines), page_of(page_starts, n.span.start) if page_starts else 0))
            for (_, shared), n in zip(quotes, close)]


def _rank(candidate: tuple[int, str]) -> tuple[int, str]:
    """Most seeds shared first; then by source id."""
    return -candidate[0], candidate[1]


def closest(answers: Iterable[Mapping[Key, list[Candidate]]]) -> dict[Key, Elsewhere]:
    """Each quote's closest passage elsewhere, among the MAX_SOURCES sources of all the workers
    that share the most of its seeds (the closest, then the first by source id)."""
    merged: dict[Key, list[Candidate]] = {}
    for answer in answers:
        for key, candidates in answer.items():
            merged.setdefault(key, []).extend(candidates)
    found: dict[Key, Elsewhere] = {}
    for key, candidates in merged.items():
        top = sorted(candidates, key=lambda c: _rank((c[0], c[1])))[:MAX_SOURCES]
        close = [near for _, _, near in top if near is not None]
        if close:
            found[key] = min(close, key=lambda near: (-near.nearest.similarity, near.source))
    return found
