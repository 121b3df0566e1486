"""The passage of a source most like a failed quote, to explain the failure (pure).

Fuzzy matching only ever explains a failure; it never passes a quote (issue #2, "Results").
Aligning a quote on a whole 10 MB source takes 50-100 ms, so the search looks for exact
pieces of the quote with `str.find` (a scan of 10 MB takes 2-5 ms) and aligns the quote
(edlib, infix mode) only on windows around where they occur. Every occurrence of a rare piece
is aligned, and the pieces are disjoint, so a passage holding none of k pieces searched so far
needs at least k edits: once the best window is that close nothing unseen can beat it and the
search stops, for a quote with one changed word usually after one scan. Boilerplate that
repeats through a document makes every short piece common; then the quote is cut into halves,
thirds, ... (a passage within k - 1 edits holds one of k parts whole). When the windows stay
poor (below `nearest_window_min_similarity`) the whole document is aligned instead.

Many failed quotes of one large source (`nearest_passages`) share their scans: the pieces of
all of them are found in one Aho-Corasick pass over the text (0.1-0.2 s for 10 MB and thousands
of pieces), and each quote's search then runs on those alone, as far as they prove anything.
The first pass finds a few disjoint pieces of each quote, as many as settle one with up to five
edits; a second finds every piece the search may want for the quotes still open; a quote that
even these leave open scans the text for itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

import ahocorasick_rs
import edlib

from briefing.models import Nearest
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText, fold
from briefing.verify.diff import word_changes

ANCHOR_LENGTH = 16  # long enough to be rare in prose, short enough that most survive an edit
MIN_ANCHOR_LENGTH = 6
MAX_HITS = 16  # an anchor found more often is common: aligning on its first hits proves nothing
QUICK_SCANS = 1  # rare anchors tried before the halves of the quote (measured best)
MAX_SCANS = 16  # rare anchors tried in all; each costs one scan of the text
PIGEONHOLES = (2, 3, 4, 6)  # how many parts to cut the quote into, in turn (2 first)
MAX_PART_HITS = 1024  # every hit is aligned; one that cannot beat the best costs about 10 us
SNAP_LIMIT = 32  # farthest a passage end moves to reach a word boundary
MIN_BATCH = 4  # fewer failed quotes in a source are searched one by one...
MIN_BATCH_TEXT = 100_000  # ...and so are all those of a smaller source (measured)
BATCH_CHUNK = 1 << 20  # the batch scans this much at a time, dropping pieces found to be common
# The whole-text alignment runs a chunk at a time, the first small: a chunk's equally close
# alignments are all listed, and weighing one costs a Python call (issue 15 §6).
FIRST_EVERYWHERE_CHUNK = 1 << 12
EVERYWHERE_CHUNK = 1 << 15
MAX_TIES = 4096  # equally close alignments weighed for their word boundaries, in all
SEED_LENGTH = 8  # about a word and a half: rare enough to tell sources apart, short enough to survive edits


class _Hit(NamedTuple):
    """An alignment of the quote: folded [start, end), its edits, and its ends inside words."""

    distance: int
    misfit: int  # 0, 1 or 2 ends that cut a word: of equally close passages, whole words win
    start: int
    end: int

    def better_than(self, other: _Hit | None) -> bool:
        return other is None or (self.distance, self.misfit) < (other.distance, other.misfit)


def nearest_passage(quote: str, folded: NormalisedText,
                    settings: Settings = DEFAULT_SETTINGS) -> Nearest | None:
    """The passage of `folded` closest to `quote` by edit distance, or None if either is empty
    or the quote is longer than `settings.nearest_max_quote_chars`."""
    return _nearest(quote, folded, settings, {})


def nearest_passages(quotes: Sequence[str], folded: NormalisedText,
                     settings: Settings = DEFAULT_SETTINGS) -> list[Nearest | None]:
    """`nearest_passage` of each quote (or an equally close passage), sharing the scans of the text."""
    if len(quotes) < MIN_BATCH or len(folded.text) < MIN_BATCH_TEXT:
        return [nearest_passage(quote, folded, settings) for quote in quotes]
    folded_quotes = [fold(quote).strip() for quote in quotes]
    found: dict[int, Nearest | None] = {}
    known: dict[str, list[int]] = {}
    for every in (False, True):
        pending = [i for i in range(len(quotes)) if i not in found]
        if not pending:
            break
        wanted = {piece: None for i in pending for piece in _pieces(folded_quotes[i], every) if piece not in known}
        known.update(_find_pieces(folded.text, wanted))
        for i in pending:
            try:
                found[i] = _nearest(quotes[i], folded, settings, known, may_scan=False)
            except _Unsettled:
                pass
    return [found[i] if i in found else _nearest(quote, folded, settings, known)
            for i, quote in enumerate(quotes)]


class _Unsettled(Exception):
    """The pieces found so far do not prove any passage the nearest."""


def _nearest(quote: str, folded: NormalisedText, settings: Settings,
             known: Mapping[str, list[int]], may_scan: bool = True) -> Nearest | None:
    if len(quote) > settings.nearest_max_quote_chars:  # aligning it would take minutes
        return None
    q, text = fold(quote).strip(), folded.text
    if not q or not text or text.isspace():  # (text.strip() would copy a whole source)
        return None
    search = _Search(q, text, known, may_scan)
    best = search.run()
    if not may_scan and not search.settled():
        raise _Unsettled(q)
    if (best is None or _similarity(best.distance, len(q)) < settings.nearest_window_min_similarity) \
            and searches_everywhere(len(q), len(text), settings):
        best = _search_everywhere(q, text, best, max(search.floor, _absent(q, text)))
    if best is None:
        return None
    start, end = _snap(text, q, best.start, best.end)
    distance = _distance(q, text[start:end])
    span = folded.original_span(start, end)
    passage = folded.original[span.start:span.end]
    return Nearest(span=span, passage=passage, distance=distance,
                   similarity=_similarity(distance, len(q)), changes=word_changes(quote, passage))


def searches_everywhere(quote_length: int, text_length: int, settings: Settings = DEFAULT_SETTINGS) -> bool:
    """Whether a quote this long may be aligned on the whole text, when no window is close."""
    return quote_length * text_length <= settings.nearest_max_cells


def _absent(q: str, text: str) -> int:
    """Edits any alignment of a short q needs for its characters that the text lacks (each is
    substituted or deleted): a figure in a source without digits is settled by these scans."""
    if len(q) >= 2 * MIN_ANCHOR_LENGTH:  # (a scan per character; longer quotes have pieces)
        return 0
    lacks = {c for c in set(q) if c not in text}
    return sum(c in lacks for c in q)


def seeds(quote: str) -> list[str]:
    """Exact pieces of a quote (folded) that a source with a passage close to it most likely
    shares: its SEED_LENGTH-character pieces, in two tilings, the second shifted by half. Which
    other sources may hold a misattributed quote is told by these (issue 15 §7); a quote
    shorter than one piece has none, as too short to tell a source by."""
    return list(dict.fromkeys(piece for _, piece in _anchors(fold(quote).strip(), SEED_LENGTH)))


def _similarity(distance: int, length: int) -> float:
    return max(0.0, 1.0 - distance / length)


def _anchor_lengths(m: int) -> tuple[int, int]:
    """The lengths of the anchors of a quote of m characters: long ones, then short ones."""
    return (ANCHOR_LENGTH, ANCHOR_LENGTH // 2) if m >= 3 * ANCHOR_LENGTH else (m // 3, m // 6)


def _anchors(q: str, length: int) -> list[tuple[int, str]]:
    """Pieces of the quote as (offset in quote, piece): two tilings, the second shifted by half.

    Within a tiling the pieces are disjoint and come ends first, then spread inward; the
    shifted tiling gives a second chance at rare text that the first cut across an edit.
    """
    m = len(q)
    count = m // length if length >= MIN_ANCHOR_LENGTH else 0
    if count == 0:
        return []
    spare = m - count * length
    tiling = [k * length + (spare * k // (count - 1) if count > 1 else 0) for k in range(count)]
    shifted = [o + length // 2 for o in tiling if o + length // 2 + length <= m]
    offsets: list[int] = []
    for offs in (tiling, shifted):
        lo, hi = 0, len(offs) - 1
        while lo <= hi:  # 0, n-1, 1, n-2, ...: the first two anchors cover both ends of the quote
            offsets.append(offs[lo])
            if hi != lo:
                offsets.append(offs[hi])
            lo, hi = lo + 1, hi - 1
    return [(o, q[o:o + length]) for o in dict.fromkeys(offsets)]


def _cut(m: int, k: int) -> list[tuple[int, int]]:
    """The quote [0, m) cut into k parts [start, end) of equal length (to a character)."""
    return [(n * m // k, (n + 1) * m // k) for n in range(k)]


def _pieces(q: str, every: bool) -> list[str]:
    """The pieces of q that `_Search.run` looks for (save q itself, when too short to cut).

    Unless `every`, only disjoint ones that settle q with up to max(PIGEONHOLES) - 1 edits if
    they are rare: long anchors of the first tiling and, if it has fewer, the parts of q.
    """
    m = len(q)
    long, short = _anchor_lengths(m)
    tiling = _anchors(q, long)[:m // max(long, 1)]  # the first tiling: disjoint pieces
    anchors = _anchors(q, long) + _anchors(q, short) if every else tiling[:max(PIGEONHOLES)]
    parts = [q[a:b] for k in PIGEONHOLES if (every or k > len(anchors)) and m // k >= MIN_ANCHOR_LENGTH
             for a, b in _cut(m, k)]
    return [piece for _, piece in anchors] + parts


def _disjoint(intervals: list[tuple[int, int]]) -> int:
    """Most pairwise disjoint intervals [start, end) among these (greedy by end)."""
    count, free_from = 0, -1
    for start, end in sorted(intervals, key=lambda iv: iv[1]):
        if start >= free_from:
            count, free_from = count + 1, end
    return count


def _find_all(text: str, piece: str, limit: int) -> list[int]:
    """Where piece occurs, stopping after limit + 1 hits (so more than limit means "common")."""
    hits: list[int] = []
    i = text.find(piece)
    while i != -1 and len(hits) <= limit:
        hits.append(i)
        i = text.find(piece, i + 1)
    return hits


def _find_pieces(text: str, pieces: Iterable[str]) -> dict[str, list[int]]:
    """Where each piece occurs, as `_find_all(text, piece, MAX_HITS)` gives it, in one pass for all.

    The text is scanned a chunk at a time, the first ones small. A piece found more than
    MAX_HITS times is common: its further matches are skipped, and once they are many (more
    than there are pieces, about what a new automaton costs) the automaton is built without it.
    """
    hits: dict[str, list[int]] = {piece: [] for piece in pieces if piece}
    # Bytes scan faster, and then offsets are the same.
    ascii_bytes = text.encode("ascii") if text.isascii() else None
    live = [piece for piece in hits if piece.isascii() or ascii_bytes is None]
    overlap = max(map(len, live), default=1) - 1  # a piece across a cut is found in the first chunk
    find, lo, chunk = None, 0, BATCH_CHUNK // 16
    while lo < len(text) and live:
        if find is None:
            find = _matcher(live, text, ascii_bytes)
        skipped = 0
        for p, start, _ in find(lo, lo + chunk + overlap):
            found = hits[live[p]]
            if start < chunk and len(found) <= MAX_HITS:  # (one starting past the chunk: next time)
                found.append(lo + start)
            else:
                skipped += 1
        if skipped > len(live):
            live, find = [piece for piece in live if len(hits[piece]) <= MAX_HITS], None
        lo, chunk = lo + chunk, min(2 * chunk, BATCH_CHUNK)
    return hits


def _matcher(live: list[str], text: str, ascii_bytes: bytes | None) -> Callable[[int, int], list[tuple[int, int, int]]]:
    """find(lo, hi): every (piece of `live`, start, end) in text[lo:hi], overlapping, with
    offsets from lo; scanned in `ascii_bytes` (the text's own bytes) when they are given."""
    if ascii_bytes is None:
        automaton = ahocorasick_rs.AhoCorasick(live)
        return lambda lo, hi: automaton.find_matches_as_indexes(text[lo:hi], overlapping=True)
    data = ascii_bytes
    bytes_automaton = ahocorasick_rs.BytesAhoCorasick([piece.encode("ascii") for piece in live])
    return lambda lo, hi: bytes_automaton.find_matches_as_indexes(data[lo:hi], overlapping=True)


class _Search:
    """One quote's search: windows aligned so far, the best alignment, and what it proves.

    `known` holds pieces already searched for (`_find_pieces`): looking them up costs no scan.
    Unless `may_scan`, the search does without any other piece (and may end unsettled).
    """

    def __init__(self, q: str, text: str, known: Mapping[str, list[int]], may_scan: bool = True) -> None:
        self.q, self.text, self.known, self.may_scan = q, text, known, may_scan
        self.pad = len(q) // 2 + 20
        self.done: set[int] = set()
        self.best: _Hit | None = None
        self.floor = 0  # edits any passage not yet aligned needs, at least
        self.rare: list[tuple[int, int]] = []  # quote ranges whose every occurrence was aligned
        self.found: list[tuple[int, int]] = []  # quote ranges that occur somewhere
        self.scans = 0
        self._occurs: bool | None = None

    def run(self) -> _Hit | None:
        m = len(self.q)
        long, short = _anchor_lengths(m)
        if m < 2 * MIN_ANCHOR_LENGTH:
            self.parts(1)  # too short to cut: its exact occurrences, then the whole text
            return self.best
        # Cheapest first: one rare anchor settles most quotes; the halves of the quote
        # settle any quote with one edit; the rest is for quotes with several.
        if not (self.anchors(long, QUICK_SCANS) or self.parts(2) or self.anchors(long, MAX_SCANS)
                or self.anchors(short, MAX_SCANS)):
            any(self.parts(k) for k in PIGEONHOLES[1:])
        return self.best

    def visit(self, start: int) -> None:
        """Align on the window around a passage thought to begin at folded `start`."""
        bucket = start // (self.pad // 2)  # a window covers passages starting near its own
        if bucket in self.done or self.best is not None and self.best.distance == self.best.misfit == 0:
            return
        self.done.add(bucket)
        # Only a better alignment matters; telling edlib so lets it give up early.
        bound = -1 if self.best is None else self.best.distance - (self.best.misfit == 0)
        hit = _align(self.q, self.text, start - self.pad, start + len(self.q) + self.pad, bound)
        if hit is not None and hit.better_than(self.best):
            self.best = hit

    def find(self, piece: str, limit: int) -> list[int] | None:
        """`_find_all` for this text: from the known pieces if they tell enough, else a scan (or None)."""
        hits = self.known.get(piece)  # every occurrence, or the first MAX_HITS + 1
        if hits is None or len(hits) > MAX_HITS and limit > MAX_HITS:
            return _find_all(self.text, piece, limit) if self.may_scan else None
        return hits[:limit + 1]

    def settled(self) -> bool:
        """Whether no passage can beat the best one (closer, or as close and on word boundaries)."""
        best = self.best
        if best is None:
            return False
        if best.distance < self.floor or best.distance == self.floor and best.misfit == 0:
            return True
        if best.distance == 1 and best.misfit == 0:  # a failed quote is nowhere verbatim; make sure
            if self._occurs is None:
                hits = self.find(self.q, 0)
                self._occurs = hits is None or bool(hits)  # (not known: it may occur)
            return not self._occurs
        return False

    def anchors(self, length: int, max_scans: int) -> bool:
        """Align around every hit of each rare piece of the quote; True once settled."""
        if length < MIN_ANCHOR_LENGTH:
            return False
        for offset, piece in _anchors(self.q, length):
            end = offset + length
            if any(a <= offset and end <= b for a, b in self.found + self.rare):
                continue  # inside a piece that occurs (no rarer) or was searched in full
            free = piece in self.known  # found already: costs no scan
            if not free and self.scans >= max_scans:
                return self.scans >= MAX_SCANS
            hits = self.find(piece, MAX_HITS)
            if hits is None:
                continue
            if hits:
                self.found.append((offset, end))
            if len(hits) > MAX_HITS:
                continue
            self.scans += not free
            self.rare.append((offset, end))
            for i in hits:
                self.visit(i - offset)
            # A passage not yet aligned holds none of the rare pieces, so it needs at least
            # one edit for each of them that is disjoint from the others.
            self.floor = max(self.floor, _disjoint(self.rare))
            if self.settled():
                return True
        return False

    def parts(self, k: int) -> bool:
        """Cut the quote into k parts and align on every occurrence of each; True once settled.

        A passage within k - 1 edits holds one part whole. Long parts are rare even in
        boilerplate that repeats through a document, where short anchors are all common.
        """
        m = len(self.q)
        if k > 1 and m // k < MIN_ANCHOR_LENGTH:
            return False
        complete = True
        for offset, end in _cut(m, k):
            if any(a <= offset and end <= b for a, b in self.rare):
                continue  # already aligned on all its occurrences
            hits = self.find(self.q[offset:end], MAX_PART_HITS)
            complete &= hits is not None and len(hits) <= MAX_PART_HITS
            for i in (hits or [])[:MAX_PART_HITS]:
                self.visit(i - offset)
                if self.best is not None and self.best.distance <= 1 and self.settled():
                    return True  # one edit away, in boilerplate that repeats: no need to see every copy
        if complete:
            self.floor = max(self.floor, k)
        return self.settled()


def _search_everywhere(q: str, text: str, best: _Hit | None, floor: int = 0) -> _Hit | None:
    """Align on the whole text, looking only for something closer than `best`.

    No passage has fewer than `floor` edits (what the windows proved), so one that close on
    word boundaries ends the search.
    """
    if best is not None and best.distance == 0:
        return best
    found = _align_everywhere(_project(q), _projected(text), best, floor, lambda s, e: _misfit(text, s, e))
    if found is None:
        return best
    # The projection merges all non-ASCII characters; align the real text around its find.
    pad = len(q) // 2 + 20
    hit = _align(q, text, found.start - pad, found.end + pad)
    return hit if hit is not None and hit.better_than(best) else best


def _align_everywhere(q: bytes, text: bytes, best: _Hit | None, floor: int,
                      misfit: Callable[[int, int], int]) -> _Hit | None:
    """The first of the closest infix alignments of q in text with the fewest ends inside words
    (None when none beats `best`), aligned a chunk at a time (issue 15 §6).

    On the whole text at once edlib lists every end of an equally close alignment: for a short
    quote unlike anything in a 10 MB one-line source, millions of them (1.5 GB, and one Python
    call each to weigh). A chunk lists at most its own length; the chunks overlap by the longest
    passage an alignment can span (the quote's length plus as many insertions), so every
    passage is whole in the chunk that holds its end. Only a closer alignment is asked for
    once one on word boundaries is found, or once MAX_TIES equal ones were weighed.
    """
    reach = 2 * len(q)
    chunk_max = max(EVERYWHERE_CHUNK, 8 * reach)
    own: _Hit | None = None
    weighed, lo, chunk = 0, 0, FIRST_EVERYWHERE_CHUNK
    while lo < len(text):
        rival = own or best
        if rival is not None and (rival.distance < floor or rival.distance == floor and rival.misfit == 0):
            break  # nothing unseen can beat it
        ties = own is not None and own.misfit > 0 and weighed < MAX_TIES
        k = -1 if rival is None else rival.distance - (not ties)
        if k < 0 and rival is not None:
            break
        base, hi = max(0, lo - reach), min(len(text), lo + chunk)
        result = edlib.align(q, text[base:hi], mode="HW", task="locations", k=k)
        distance = result["editDistance"]
        if distance >= 0 and (rival is None or distance <= rival.distance):
            for start, end in result["locations"]:
                start, end = base + start, base + end + 1
                if lo > 0 and end <= lo:
                    continue  # the previous chunk's: its passage is whole there
                hit = _Hit(distance, misfit(start, end), start, end)
                weighed += 1
                if hit.better_than(own) and (best is None or hit.distance < best.distance):
                    own = hit
                if own is not None and (own.misfit == 0 or weighed >= MAX_TIES):
                    break
        lo, chunk = hi, min(2 * chunk, chunk_max)
    return own


def _project(text: str) -> bytes:
    # One byte per character, so offsets agree with the text's; "?" stands for non-ASCII.
    return text.encode("ascii", "replace")


@functools.lru_cache(maxsize=2)
def _projected(text: str) -> bytes:
    return _project(text)


def _edlib(q: str, target: str, mode: str, task: str, k: int = -1) -> dict[str, Any]:
    # edlib ships no type hints; align() documents its answer as a dict ("editDistance", ...).
    aligned: dict[str, Any]
    try:
        aligned = edlib.align(q, target, mode=mode, task=task, k=k)
    except ValueError:
        # edlib allows 256 symbols; characters absent from q all mismatch, so they may share one.
        symbols = {c: i for i, c in enumerate(dict.fromkeys(q), start=1) if i < 256}
        aligned = edlib.align(bytes(symbols.get(c, 0) for c in q), bytes(symbols.get(c, 0) for c in target),
                              mode=mode, task=task, k=k)
    return aligned


def _align(q: str, text: str, lo: int, hi: int, bound: int = -1) -> _Hit | None:
    """Best infix alignment of q in text[lo:hi] (None if over `bound` edits, unless that is -1).

    Of equally close passages, the one on word boundaries, then the one nearest q's length, wins.
    """
    lo, hi = max(0, lo), min(len(text), hi)
    if lo >= hi:
        return None
    result = _edlib(q, text[lo:hi], "HW", "locations", bound)
    if result["editDistance"] < 0 or not result["locations"]:
        return None
    locations = [(lo + s, lo + e + 1) for s, e in result["locations"] if s is not None]
    if not locations:  # edlib found only ends: the passage is empty (everything deleted)
        return None
    start, end = min(locations, key=lambda loc: (_misfit(text, *loc), abs(loc[1] - loc[0] - len(q))))
    return _Hit(result["editDistance"], _misfit(text, start, end), start, end)


def _misfit(text: str, start: int, end: int) -> int:
    return _inside_word(text, start) + _inside_word(text, end)


def _distance(q: str, passage: str) -> int:
    if not passage:
        return len(q)
    return int(_edlib(q, passage, "NW", "distance")["editDistance"])


def edit_distance(q: str, passage: str) -> int:
    """Edits between a folded quote and a folded passage, as `Nearest.distance` counts them."""
    return _distance(q, passage)


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _inside_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and _is_word(text[i - 1]) and _is_word(text[i])


def _boundaries(text: str, i: int, low: int, high: int) -> list[int]:
    """Word boundaries around offset i: the one before, then the one after (within SNAP_LIMIT)."""
    if not _inside_word(text, i):
        return [i]
    found = []
    before = i
    while before > max(low, i - SNAP_LIMIT) and _inside_word(text, before):
        before -= 1
    if not _inside_word(text, before):
        found.append(before)
    after = i
    while after < min(high, i + SNAP_LIMIT) and _inside_word(text, after):
        after += 1
    if not _inside_word(text, after):
        found.append(after)
    return found or [i]  # no boundary near (say, Chinese text): leave it


def _snap(text: str, q: str, start: int, end: int) -> tuple[int, int]:
    """Move each end of [start, end) to a word boundary, so the passage reads naturally.

    Of the boundaries before and after each end, the pair that keeps the passage closest
    to the quote wins (ties go to the wider passage): a quote that begins "nforces" is
    nearest to "forces", not to the "Armenian forces" the alignment may have touched.
    """
    pairs = [(s, e) for s in _boundaries(text, start, 0, end) for e in _boundaries(text, end, start, len(text))
             if s < e]
    if len(pairs) > 1:
        start, end = min(pairs, key=lambda p: (_distance(q, text[p[0]:p[1]]), p[0] - p[1]))
    elif pairs:
        start, end = pairs[0]
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
