"""Exact matching of folded quotes, elided quotes included; never fuzzy (pure).

A quote is whole first: only when the literal quote is absent are elision marks read as
elisions, so a source that itself prints "..." still matches literally. Only then are editorial
marks read ([T]he, [sic], [words], emphasis added: see `edits`), so brackets a source prints
itself match as text too (issue 7).

Every part of a match begins and ends on an edge of the source's words and numbers (`edges`,
issue 15 §1): "613" is not found in "1,613", nor "lawful" in "unlawful". All occurrences are
looked at, and only those on edges are counted. An elision mark at the start or end of a quote
("… the massacre was …") says words were left out there: the text between is what is matched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import ahocorasick_rs

from briefing.models import Alteration, Span
from briefing.text import FOLD_NAMES, NormalisedText, folds_needed
from briefing.verify.edges import PLAIN, QUICK_NOT, on_edges
from briefing.verify.edits import INSERTION_MAX_GAP
from briefing.verify.quote import ParsedQuote, parsed, split_elisions

# A sentence ends inside the text an insertion would stand in for.
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s")

# Past this many quotes in one source, one Aho-Corasick pass (~100 MB/s) beats a str.find
# per quote (~6 GB/s each, but one full scan per quote to count repeats).
_BATCH_MIN_QUOTES = 64
# At most this many needles searched for over every source are built as a DFA (`MultiSearch`).
DENSE_MAX_NEEDLES = 256
# Counting stops here; "occurs 1,000+ times" says enough.
_MAX_OCCURRENCES = 1000
# Places of a quote's whole text looked at, on edges or not (issue 15 §1): in real text a
# quote's text is nowhere near this common, but a hostile source ("aaaa…" for "aaaa") may hold
# it millions of times inside words. Past it the search stops: the quote fails, never passes.
_MAX_PLACES = 100_000


# A DFA scans 3-4 times faster than an NFA (about 2 ms a MB against 7) but takes ten times
# longer to build, and longer per needle the more needles (64 quotes 4 ms, 300 quotes 40 ms,
# against 0.3 and 2 ms): it pays only over at least this much text per needle (issue 19,
# measured on real text). Below, an NFA; the crate's own choice builds a DFA up to 100 needles
# whatever the text, which took 0.04 s of 10,000 quotes over 10 MB.
DFA_MIN_BYTES_PER_NEEDLE = 32 * 1024


def automaton_kind(needles: int, text_size: int) -> ahocorasick_rs.Implementation:
    """The Aho-Corasick automaton that finds `needles` needles in `text_size` characters or
    bytes soonest, its building included (it finds the same matches either way)."""
    dense = text_size >= DFA_MIN_BYTES_PER_NEEDLE * needles
    return ahocorasick_rs.Implementation.DFA if dense else ahocorasick_rs.Implementation.ContiguousNFA


class MultiSearch:
    """Many needles found in one pass over a text (Aho-Corasick).

    ASCII text (most folded prose) is scanned as bytes, about a quarter faster than str.
    """

    def __init__(self, needles: Sequence[str], dense: bool = False):
        """`dense`: build the byte automaton as a DFA, which scans 3-4 times faster but takes
        longer to build and more memory the more needles (200 quotes: 0.05 s, 10 MB; 3,300:
        1.9 s, 320 MB): for few needles over much text (issue 19). Else the automaton is
        what the first text searched calls for (`automaton_kind`)."""
        self.needles = list(needles)
        self.dense = dense
        self._as_str: ahocorasick_rs.AhoCorasick | None = None
        self._as_bytes: ahocorasick_rs.BytesAhoCorasick | None = None

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """(needle index, start offset, end offset) of every occurrence, overlapping ones included."""
        if text.isascii():
            return self._bytes_search(len(text)).find_matches_as_indexes(text.encode("ascii"), overlapping=True)
        if self._as_str is None:
            self._as_str = ahocorasick_rs.AhoCorasick(self.needles, implementation=self._kind(len(text)))
        return self._as_str.find_matches_as_indexes(text, overlapping=True)

    def present(self, text: str | bytes, among: Sequence[int] | None = None) -> set[int]:
        """Indexes of the needles (or of those `among` them) that occur in `text` (a str, or
        its UTF-8 bytes).

        All are looked for in one scan of the UTF-8 bytes: with no offsets to map back, encoding
        costs less than what it saves (1.9 s against 1.4 s for 5,000 quotes over the bench's
        126 MB). A few are looked for one by one.
        """
        if among is not None:
            if isinstance(text, bytes):
                return {index for index in among if _utf8(self.needles[index]) in text}
            return {index for index in among if self.needles[index] in text}
        data = text if isinstance(text, bytes) else _utf8(text)
        return {index for index, _, _ in self._bytes_search(len(data)).find_matches_as_indexes(data, overlapping=True)}

    def _bytes_search(self, size: int) -> ahocorasick_rs.BytesAhoCorasick:
        """The byte automaton, built for a first text of `size` bytes."""
        if self._as_bytes is None:
            self._as_bytes = ahocorasick_rs.BytesAhoCorasick([_utf8(n) for n in self.needles],
                                                             implementation=self._kind(size))
        return self._as_bytes

    def _kind(self, size: int) -> ahocorasick_rs.Implementation:
        """The automaton for a first text of `size`: a DFA if `dense`, else `automaton_kind`'s."""
        return ahocorasick_rs.Implementation.DFA if self.dense else automaton_kind(len(self.needles), size)


def _utf8(text: str) -> bytes:
    # "surrogatepass": a lone surrogate (a YAML "\\ud800" escape) encodes like any other character.
    return text.encode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class QuoteMatch:
    spans: tuple[Span, ...]  # original-text span of each part (one part unless elided)
    folds: tuple[str, ...]  # folds the match needed, in FOLD_NAMES order
    occurrences: int  # how often the (first part of the) quote occurs in the source
    elided: bool = False
    alterations: tuple[Alteration, ...] = ()  # editorial marks the match read (issue 7)
    gaps: tuple[str, ...] = ()  # between consecutive spans: "elision" or "insertion"
    # Folded offsets of each part in the text searched, and the quote's text of each part.
    ranges: tuple[tuple[int, int], ...] = ()
    parts: tuple[str, ...] = ()

    @property
    def gap_kinds(self) -> tuple[str, ...]:
        """What lies between consecutive spans; every gap of a plain elided match is an elision."""
        return self.gaps or ("elision",) * (len(self.spans) - 1)


def prepare(quote: str | ParsedQuote) -> str:
    """The folded, stripped form a quote is searched as."""
    return parsed(quote).needle


def find_quote(quote: str | ParsedQuote, source: NormalisedText, max_gap: int, edges: bool = True) -> QuoteMatch | None:
    """Where `quote` occurs in `source`, or None. Without `edges`, a part may begin or end
    inside a word or number (only to explain a failure)."""
    return find_quotes([quote], source, max_gap, edges)[0]


def find_quotes(quotes: Sequence[str | ParsedQuote], source: NormalisedText, max_gap: int,
                edges: bool = True) -> list[QuoteMatch | None]:
    """Match many quotes against one source; each quote's literal first occurrence and count."""
    return match_quotes(quotes, source, max_gap, edges).found


@dataclass(frozen=True)
class Matched:
    """What `match_quotes` found: each quote's match, and for a quote not found, where it
    occurs as written but only inside a word or number (its first such place), to explain."""

    found: list[QuoteMatch | None]
    cut: list[QuoteMatch | None]


def match_quotes(quotes: Sequence[str | ParsedQuote], source: NormalisedText, max_gap: int,
                 edges: bool = True) -> Matched:
    """`find_quotes`, with the literal places cut at an edge that the same search met."""
    parsed_quotes = [parsed(q) for q in quotes]
    needles = [q.needle for q in parsed_quotes]
    literal = _literal_hits(needles, source, edges)
    found: list[QuoteMatch | None] = []
    cut: list[QuoteMatch | None] = []
    for quote, needle, (start, count, raw) in zip(parsed_quotes, needles, literal):
        if count:
            found.append(_result(quote.raw, source, [(start, start + len(needle))], count))
        else:
            # Literal first, then elisions, then editorial marks (issue 7): brackets a source
            # prints itself match as text.
            found.append(_find_elided(quote, source, max_gap, edges)
                         or _find_edited(quote, source, max_gap, edges))
        missed = found[-1] is None and raw >= 0
        cut.append(_result(quote.raw, source, [(raw, raw + len(needle))], 0) if missed else None)
    return Matched(found, cut)


def _literal_hits(needles: list[str], source: NormalisedText, edges: bool) -> list[tuple[int, int, int]]:
    """Per needle: its first offset and occurrences on edges (-1 and 0 when none), and its first
    offset as written (-1 when absent)."""
    if len(needles) < _BATCH_MIN_QUOTES:
        return [_find_one(n, source, edges) for n in needles]
    distinct = sorted({n for n in needles if n})
    lengths = [len(n) for n in distinct]
    first, counts, raw = [-1] * len(distinct), [0] * len(distinct), [-1] * len(distinct)
    text, size, quick = source.text, len(source.text), not source.soft_hyphens
    for index, start, _ in MultiSearch(distinct).matches(text):
        if raw[index] < 0:
            raw[index] = start
        if edges:
            end = start + lengths[index]
            # `on_edges`'s quick test, inlined: this runs once per hit, and repeated text has millions.
            if not (quick and (start == 0 or text[start - 1] in PLAIN and text[start - 2] != "-"
                               and not text[start].isdigit())
                    and (end >= size or text[end] in PLAIN and text[end - 1] not in QUICK_NOT)) \
                    and not on_edges(source, start, end):
                continue
        if not counts[index]:
            first[index] = start
        counts[index] += 1
    found = {n: (first[i], min(counts[i], _MAX_OCCURRENCES), raw[i]) for i, n in enumerate(distinct)}
    return [found.get(n, (-1, 0, -1)) for n in needles]


def _find_one(needle: str, source: NormalisedText, edges: bool) -> tuple[int, int, int]:
    if not needle:
        return -1, 0, -1
    text, first, count = source.text, -1, 0
    raw = i = text.find(needle)
    places = 0
    while i != -1 and count < _MAX_OCCURRENCES and places < _MAX_PLACES:
        places += 1
        if not edges or on_edges(source, i, i + len(needle)):
            first = i if count == 0 else first
            count += 1
        i = text.find(needle, i + 1)
    return first, count, raw


def _find_elided(quote: ParsedQuote, source: NormalisedText, max_gap: int,
                 edges: bool = True) -> QuoteMatch | None:
    parts = quote.elided
    if not parts:
        return None
    text = source.text
    found: list[tuple[int, int]] | None = None
    count = 0
    start = text.find(parts[0])
    while start != -1 and count < _MAX_OCCURRENCES:
        placed = _place_rest(parts, source, start, max_gap, edges=edges)
        if placed is not None:
            found = found or placed
            count += 1
        start = text.find(parts[0], start + 1)
    if found is None:
        return None
    return _result(quote.raw, source, found, count, elided=True)


def _find_edited(quote: ParsedQuote, source: NormalisedText, max_gap: int, edges: bool = True) -> QuoteMatch | None:
    """The quote read with its editorial marks ([T]he, [sic], [words], emphasis added)."""
    edited = quote.edits
    if edited is None:
        return None
    parts = [prepare(piece) for piece in edited.pieces]
    if not all(parts):
        return None
    text = source.text
    found: list[tuple[int, int]] | None = None
    count, best = 0, 0
    start = text.find(parts[0])
    while start != -1 and count < _MAX_OCCURRENCES:
        placed = _place_rest(parts, source, start, max_gap, edited.joints, edges)
        if placed is not None:
            # Where an insertion may stand for more or fewer words, the fewest replaced wins.
            replaced = sum(placed[i + 1][0] - placed[i][1] for i, joint in enumerate(edited.joints)
                           if joint == "insertion")
            if found is None or replaced < best:
                found, best = placed, replaced
            count += 1
        start = text.find(parts[0], start + 1)
    if found is None:
        return None
    match = _result(quote.raw, source, found, count, elided=len(parts) > 1, parts=list(edited.pieces))
    # What the source has where each insertion stands: the text between the parts around it.
    alterations = tuple(
        replace(a, source=" ".join(text[found[j][1]:found[j + 1][0]].split())) if j >= 0 else a
        for a, j in zip(edited.alterations, edited.at_joint))
    return replace(match, alterations=alterations, gaps=edited.joints)


def _place_rest(parts: list[str], source: NormalisedText, start: int, max_gap: int,
                joints: Sequence[str] = (), edges: bool = True) -> list[tuple[int, int]] | None:
    """Each later part at its earliest place after the previous one, within `max_gap`, every
    part on edges of the source's words and numbers unless not `edges` (issue 15 §1).

    After an inserted clarification the gap is at most INSERTION_MAX_GAP, and whole words.
    """
    text = source.text
    placed = [(start, start + len(parts[0]))]
    if edges and not on_edges(source, *placed[0]):
        return None
    for i, part in enumerate(parts[1:]):
        previous_end = placed[-1][1]
        insertion = i < len(joints) and joints[i] == "insertion"
        end = previous_end + (INSERTION_MAX_GAP if insertion else max_gap) + len(part)
        at = text.find(part, previous_end, end)
        while at != -1 and (insertion and not _whole_words(text, previous_end, at)
                            or edges and not on_edges(source, at, at + len(part))):
            at = text.find(part, at + 1, end)
        if at == -1:
            return None
        placed.append((at, at + len(part)))
    return placed


def _whole_words(text: str, start: int, end: int) -> bool:
    """Is text[start:end] (what an insertion stands in for) whole words within one sentence?"""
    if not text[start:end].strip():
        return True
    if _SENTENCE_END.search(text, start, end):
        return False
    return not (text[start - 1:start].isalnum() and text[start].isalnum()) and \
        not (text[end - 1].isalnum() and text[end:end + 1].isalnum())


def _result(quote: str, source: NormalisedText, ranges: list[tuple[int, int]], count: int,
            elided: bool = False, parts: list[str] | None = None) -> QuoteMatch:
    spans = tuple(source.original_span(a, b) for a, b in ranges)
    quote_parts = parts or (split_elisions(quote) if elided else [quote])
    folds: set[str] = set()
    for part, span in zip(quote_parts, spans):
        folds.update(folds_needed(part, source.original[span.start:span.end]))
    ordered = tuple(f for f in FOLD_NAMES if f in folds)
    return QuoteMatch(spans, ordered, count, elided, ranges=tuple(ranges), parts=tuple(quote_parts))
