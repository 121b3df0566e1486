"""Exact matching of folded quotes, elided quotes included; never fuzzy (pure).

A quote is whole first: only when the literal quote is absent are elision marks read as
elisions, so a source that itself prints "..." still matches literally.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick_rs

from briefing.models import Span
from briefing.normalise import FOLD_NAMES, NormalisedText, fold, folds_needed

# "...", "…", "[...]" and "[…]" with the spaces around them.
ELISION = re.compile(r"\s*(?:\[(?:\.\.\.|…)\]|\.\.\.|…)\s*")

# Past this many quotes in one source, one Aho-Corasick pass (~100 MB/s) beats a str.find
# per quote (~6 GB/s each, but one full scan per quote to count repeats).
_BATCH_MIN_QUOTES = 64
# Counting stops here; "occurs 1,000+ times" says enough.
_MAX_OCCURRENCES = 1000


class MultiSearch:
    """Many needles found in one pass over a text (Aho-Corasick).

    ASCII text (most folded prose) is scanned as bytes, about a quarter faster than str.
    """

    def __init__(self, needles: Sequence[str]):
        self.needles = list(needles)
        self._as_str: ahocorasick_rs.AhoCorasick | None = None
        self._as_bytes: ahocorasick_rs.BytesAhoCorasick | None = None

    def matches(self, text: str) -> list[tuple[int, int]]:
        """(needle index, start offset) of every occurrence, overlapping ones included."""
        if text.isascii():
            if self._as_bytes is None:
                self._as_bytes = ahocorasick_rs.BytesAhoCorasick([n.encode() for n in self.needles])
            found = self._as_bytes.find_matches_as_indexes(text.encode("ascii"), overlapping=True)
        else:
            if self._as_str is None:
                self._as_str = ahocorasick_rs.AhoCorasick(self.needles)
            found = self._as_str.find_matches_as_indexes(text, overlapping=True)
        return [(index, start) for index, start, _ in found]

    def present(self, text: str) -> set[int]:
        """Indexes of the needles that occur in `text`."""
        return {index for index, _ in self.matches(text)}


@dataclass(frozen=True)
class QuoteMatch:
    spans: tuple[Span, ...]  # original-text span of each part (one part unless elided)
    folds: tuple[str, ...]  # folds the match needed, in FOLD_NAMES order
    occurrences: int  # how often the (first part of the) quote occurs in the source
    elided: bool = False


def prepare(quote: str) -> str:
    """The folded, stripped form a quote is searched as."""
    return fold(quote).strip()


def split_elisions(quote: str) -> list[str]:
    """Non-empty parts between elision marks (of a raw or a folded quote)."""
    return [part.strip() for part in ELISION.split(quote) if part.strip()]


def find_quote(quote: str, source: NormalisedText, max_gap: int) -> QuoteMatch | None:
    """Where `quote` occurs in `source`, or None."""
    return find_quotes([quote], source, max_gap)[0]


def find_quotes(quotes: Sequence[str], source: NormalisedText, max_gap: int) -> list[QuoteMatch | None]:
    """Match many quotes against one source; each quote's literal first occurrence and count."""
    needles = [prepare(q) for q in quotes]
    literal = _literal_hits(needles, source.text)
    results: list[QuoteMatch | None] = []
    for quote, needle, hit in zip(quotes, needles, literal):
        if hit is not None:
            start, count = hit
            results.append(_result(quote, source, [(start, start + len(needle))], count))
        else:
            results.append(_find_elided(quote, needle, source, max_gap))
    return results


def _literal_hits(needles: list[str], text: str) -> list[tuple[int, int] | None]:
    """(first offset, occurrences) per needle, or None when absent."""
    if len(needles) < _BATCH_MIN_QUOTES:
        return [_find_one(n, text) for n in needles]
    distinct = sorted({n for n in needles if n})
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    for index, start in MultiSearch(distinct).matches(text):
        needle = distinct[index]
        if needle not in first:
            first[needle] = start
        counts[needle] = counts.get(needle, 0) + 1
    return [(first[n], min(counts[n], _MAX_OCCURRENCES)) if n in first else None for n in needles]


def _find_one(needle: str, text: str) -> tuple[int, int] | None:
    if not needle:
        return None
    start = text.find(needle)
    if start == -1:
        return None
    count, i = 1, text.find(needle, start + 1)
    while i != -1 and count < _MAX_OCCURRENCES:
        count += 1
        i = text.find(needle, i + 1)
    return start, count


def _find_elided(quote: str, needle: str, source: NormalisedText, max_gap: int) -> QuoteMatch | None:
    parts = split_elisions(needle)
    if len(parts) < 2:
        return None
    text = source.text
    found: list[tuple[int, int]] | None = None
    count = 0
    start = text.find(parts[0])
    while start != -1 and count < _MAX_OCCURRENCES:
        placed = _place_rest(parts, text, start, max_gap)
        if placed is not None:
            found = found or placed
            count += 1
        start = text.find(parts[0], start + 1)
    if found is None:
        return None
    return _result(quote, source, found, count, elided=True)


def _place_rest(parts: list[str], text: str, start: int, max_gap: int) -> list[tuple[int, int]] | None:
    """Each later part at its earliest place after the previous one, within `max_gap`."""
    placed = [(start, start + len(parts[0]))]
    for part in parts[1:]:
        previous_end = placed[-1][1]
        at = text.find(part, previous_end, previous_end + max_gap + len(part))
        if at == -1:
            return None
        placed.append((at, at + len(part)))
    return placed


def _result(quote: str, source: NormalisedText, ranges: list[tuple[int, int]], count: int,
            elided: bool = False) -> QuoteMatch:
    spans = tuple(source.original_span(a, b) for a, b in ranges)
    quote_parts = split_elisions(quote) if elided else [quote]
    folds: set[str] = set()
    for part, span in zip(quote_parts, spans):
        folds.update(folds_needed(part, source.original[span.start:span.end]))
    ordered = tuple(f for f in FOLD_NAMES if f in folds)
    return QuoteMatch(spans, ordered, count, elided)
