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
edits; a second finds every piece the search may want for the quotes still open; a third finds,
for the quotes still open, where they would scan the text (issue 19).

Every speed-up since issue 19 keeps each search's course, so its passage, distance and word
changes are the same as before for any input (tests/oracle keeps the search before, and
tests/unit/test_nearest_oracle.py compares): ASCII pieces are found in the text's one-byte
projection; hundreds of windows of a common part are ruled out a group at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

import ahocorasick_rs

from briefing.models import Nearest
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText
from briefing.verify.alignment import (
    Hit,
    align,
    edit_distance,
    projected,
    search_everywhere,
    similarity,
    snap,
    within,
)
from briefing.verify.diff import word_changes
from briefing.verify.match import automaton_kind
from briefing.verify.pieces import (
    MIN_ANCHOR_LENGTH,
    PIGEONHOLES,
    anchor_lengths,
    anchor_pieces,
    batch_pieces,
    cut,
    disjoint,
)
from briefing.verify.quote import ParsedQuote, parsed

MAX_HITS = 16  # an anchor found more often is common: aligning on its first hits proves nothing
QUICK_SCANS = 1  # rare anchors tried before the halves of the quote (measured best)
MAX_SCANS = 16  # rare anchors tried in all; each costs one scan of the text
MAX_PART_HITS = 1024  # every hit is aligned; one that cannot beat the best costs about 10 us
MIN_BATCH = 4  # fewer failed quotes in a source are searched one by one...
MIN_BATCH_TEXT = 100_000  # ...and so are all those of a smaller source (measured)
BATCH_CHUNK = 1 << 20  # the batch scans this much at a time, dropping pieces found to be common
_Piece = TypeVar("_Piece", str, bytes)
WINDOW_GROUP = 16  # windows ruled out by one alignment (measured: 8 to 32 are alike)
# Past this a window's alignment costs far more than the call, so groups save nothing, and a
# group that may beat the best would be aligned twice: such quotes align window by window.
GROUP_MAX_QUOTE = 2000
_SEPARATOR = "\0"  # sets windows apart; a quote holding it is aligned window by window



def nearest_passage(quote: str | ParsedQuote, folded: NormalisedText,
                    settings: Settings = DEFAULT_SETTINGS) -> Nearest | None:
    """The passage of `folded` closest to `quote` by edit distance, or None if either is empty
    or the quote is longer than `settings.nearest_max_quote_chars`."""
    return _nearest(parsed(quote), folded, settings, {})


def nearest_passages(quotes: Sequence[str | ParsedQuote], folded: NormalisedText,
                     settings: Settings = DEFAULT_SETTINGS) -> list[Nearest | None]:
    """`nearest_passage` of each quote (or an equally close passage), sharing the scans of the text."""
    asked = [parsed(quote) for quote in quotes]
    if len(quotes) < MIN_BATCH or len(folded.text) < MIN_BATCH_TEXT:
        return [nearest_passage(quote, folded, settings) for quote in asked]
    folded_quotes = [quote.needle for quote in asked]
    found: dict[int, Nearest | None] = {}
    known: dict[str, list[int]] = {}
    for every in (False, True):
        pending = [i for i in range(len(asked)) if i not in found]
        if not pending:
            break
        wanted = {piece: None for i in pending for piece in batch_pieces(folded_quotes[i], every) if piece not in known}
        known.update(_find_pieces(folded.text, wanted))
        for i in pending:
            try:
                found[i] = _nearest(asked[i], folded, settings, known, may_scan=False)
            except _Unsettled:
                pass
    # The quotes left scan for their common pieces (up to MAX_PART_HITS hits each) and for
    # themselves: one pass finds them all for every such quote (issue 19: a scan per piece and
    # quote took a third of mix B's nearest passages). Only where a scan looks changes: `known`
    # stays as it was, so what counts as a scan, and so the search's course, is the same.
    pending = [i for i in range(len(asked)) if i not in found]
    deep = _find_pieces(folded.text, {piece: None for i in pending for piece in _scanned(folded_quotes[i], known)},
                        MAX_PART_HITS) if pending else {}
    return [found[i] if i in found else _nearest(quote, folded, settings, known, deep=deep)
            for i, quote in enumerate(asked)]


def _scanned(q: str, known: Mapping[str, list[int]]) -> list[str]:
    """The pieces a search of q with `known` may still scan the text for: q itself, and the
    parts of q (`_Search.parts`, which wants up to MAX_PART_HITS hits) known only to be common."""
    parts = (q[a:b] for k in PIGEONHOLES if len(q) // k >= MIN_ANCHOR_LENGTH for a, b in cut(len(q), k))
    return [q, *(piece for piece in parts if len(known.get(piece, ())) > MAX_HITS)]


class _Unsettled(Exception):
    """The pieces found so far do not prove any passage the nearest."""


def _nearest(quote: ParsedQuote, folded: NormalisedText, settings: Settings,
             known: Mapping[str, list[int]], may_scan: bool = True,
             deep: Mapping[str, list[int]] | None = None) -> Nearest | None:
    if len(quote.raw) > settings.nearest_max_quote_chars:  # aligning it would take minutes
        return None
    q, text = quote.needle, folded.text
    if not q or not text or text.isspace():  # (text.strip() would copy a whole source)
        return None
    search = _Search(q, text, known, may_scan, deep or {})
    best = search.run()
    if not may_scan and not search.settled():
        raise _Unsettled(q)
    if (best is None or similarity(best.distance, len(q)) < settings.nearest_window_min_similarity) \
            and searches_everywhere(len(q), len(text), settings):
        best = search_everywhere(q, text, best, max(search.floor, _absent(q, text)))
    if best is None:
        return None
    start, end = snap(text, q, best.start, best.end)
    distance = edit_distance(q, text[start:end])
    span = folded.original_span(start, end)
    passage = folded.original[span.start:span.end]
    return Nearest(span=span, passage=passage, distance=distance,
                   similarity=similarity(distance, len(q)), changes=word_changes(quote, passage))


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




def _find_all(text: str, piece: str, limit: int) -> list[int]:
    """Where piece occurs, stopping after limit + 1 hits (so more than limit means "common")."""
    hits: list[int] = []
    i = text.find(piece)
    while i != -1 and len(hits) <= limit:
        hits.append(i)
        i = text.find(piece, i + 1)
    return hits


def _find_pieces(text: str, pieces: Iterable[str], cap: int = MAX_HITS) -> dict[str, list[int]]:
    """Where each piece occurs, as `_find_all(text, piece, cap)` gives it, in one pass for all.

    Pieces in plain ASCII (no "?") are looked for in the text's one-byte projection, where a
    match is a match in the text (bytes scan several times faster than a str, issue 19); any
    other piece in the text itself.
    """
    wanted = list(dict.fromkeys(piece for piece in pieces if piece))
    hits: dict[str, list[int]] = {}
    # (In ASCII text the projection is the text, and a piece that is not ASCII occurs nowhere.)
    plain = [piece for piece in wanted if piece.isascii() and ("?" not in piece or text.isascii())]
    if plain:
        data = projected(text)
        bytes_pieces = [piece.encode("ascii") for piece in plain]
        hits.update(zip(plain, _find_chunked(len(data), bytes_pieces, cap, lambda live: _bytes_matcher(live, data))))
    other = [piece for piece in wanted if piece not in hits]
    if text.isascii():
        hits.update((piece, []) for piece in other)
    elif other:
        hits.update(zip(other, _find_chunked(len(text), other, cap, lambda live: _str_matcher(live, text))))
    return {piece: hits[piece] for piece in wanted}


def _find_chunked(length: int, pieces: Sequence[_Piece], cap: int,
                  matcher: Callable[[list[_Piece]], Callable[[int, int], list[tuple[int, int, int]]]]
                  ) -> list[list[int]]:
    """The first cap + 1 starts of each piece (in order), scanned a chunk at a time, the first
    ones small. A piece found more than cap times is common: its further matches are skipped,
    and once they are many (more than there are pieces, about what a new automaton costs) the
    automaton is built without it."""
    hits: list[list[int]] = [[] for _ in pieces]
    live = [n for n in range(len(pieces)) if pieces[n]]
    overlap = max((len(pieces[n]) for n in live), default=1) - 1  # a piece across a cut is found in the first chunk
    find, lo, chunk = None, 0, BATCH_CHUNK // 16
    while lo < length and live:
        if find is None:
            find = matcher([pieces[n] for n in live])
        skipped = 0
        for p, start, _ in find(lo, lo + chunk + overlap):
            found = hits[live[p]]
            if start < chunk and len(found) <= cap:  # (one starting past the chunk: next time)
                found.append(lo + start)
            else:
                skipped += 1
        if skipped > len(live):
            live, find = [n for n in live if len(hits[n]) <= cap], None
        lo, chunk = lo + chunk, min(2 * chunk, BATCH_CHUNK)
    return hits


def _str_matcher(live: list[str], text: str) -> Callable[[int, int], list[tuple[int, int, int]]]:
    """find(lo, hi): every (piece of `live`, start, end) in text[lo:hi], overlapping, offsets from lo."""
    automaton = ahocorasick_rs.AhoCorasick(live, implementation=automaton_kind(len(live), len(text)))
    return lambda lo, hi: automaton.find_matches_as_indexes(text[lo:hi], overlapping=True)


def _bytes_matcher(live: list[bytes], data: bytes) -> Callable[[int, int], list[tuple[int, int, int]]]:
    """`_str_matcher` for bytes."""
    automaton = ahocorasick_rs.BytesAhoCorasick(live, implementation=automaton_kind(len(live), len(data)))
    return lambda lo, hi: automaton.find_matches_as_indexes(data[lo:hi], overlapping=True)


class _Search:
    """One quote's search: windows aligned so far, the best alignment, and what it proves.

    `known` holds pieces already searched for (`_find_pieces`): looking them up costs no scan.
    Unless `may_scan`, the search does without any other piece (and may end unsettled).
    """

    def __init__(self, q: str, text: str, known: Mapping[str, list[int]], may_scan: bool = True,
                 deep: Mapping[str, list[int]] | None = None) -> None:
        self.q, self.text, self.known, self.may_scan = q, text, known, may_scan
        self.deep = deep or {}  # pieces found up to MAX_PART_HITS + 1 times: a scan read from memory
        self.pad = len(q) // 2 + 20
        self.done: set[int] = set()
        self.best: Hit | None = None
        self.floor = 0  # edits any passage not yet aligned needs, at least
        self.rare: list[tuple[int, int]] = []  # quote ranges whose every occurrence was aligned
        self.found: list[tuple[int, int]] = []  # quote ranges that occur somewhere
        self.scans = 0
        self._occurs: bool | None = None

    def run(self) -> Hit | None:
        m = len(self.q)
        long, short = anchor_lengths(m)
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
        self.align_at(start)

    def visit_all(self, starts: Sequence[int], stop: Callable[[], bool] | None = None) -> bool:
        """`visit` each start in turn, and after each ask `stop` (True: stopped there).

        As the calls one by one would, but the windows after the first are aligned
        WINDOW_GROUP at a time (issue 19: a quote in boilerplate has hundreds): one alignment
        on all of them, each copied apart by a run of a character the quote lacks, tells
        whether any may beat the best; only a group where one may is aligned window by window.
        Between changes of the best nothing `stop` asks changes, so it is asked after the
        first visit and after each change.
        """
        if not starts:
            return False
        self.visit(starts[0])
        if stop is not None and stop():
            return True
        if self.exact():
            return False  # (every further visit does nothing)
        windows = []
        for start in starts[1:]:
            bucket = start // (self.pad // 2)
            if bucket not in self.done:
                self.done.add(bucket)
                windows.append(start)
        for at in range(0, len(windows), WINDOW_GROUP):
            group = windows[at:at + WINDOW_GROUP]
            if self.best is not None and not self.may_beat(group):
                continue
            for start in group:
                if self.exact():
                    return False
                before = self.best
                self.align_at(start)
                if self.best is not before and stop is not None and stop():
                    return True
        return False

    def exact(self) -> bool:
        return self.best is not None and self.best.distance == self.best.misfit == 0

    def may_beat(self, starts: Sequence[int]) -> bool:
        """Whether the window of any start may hold a passage that beats the best (False: none can).

        Every passage of every window is in the joined text, so when none there is within the
        bound, none in a window is. The windows are set apart by len(q) + 1 characters the quote
        lacks: a passage across that many needs more edits than any bound, so a passage of the
        joined text within it lies in one window (reaching at most into its ends).
        """
        bound = self.bound()
        if bound < 0 or _SEPARATOR in self.q or len(self.q) > GROUP_MAX_QUOTE:
            return True
        text, m, pad = self.text, len(self.q), self.pad
        gap = _SEPARATOR * (m + 1)
        joined = gap.join(text[max(0, start - pad):start + m + pad] for start in starts)
        return within(self.q, joined, bound)

    def bound(self) -> int:
        """Most edits a passage may need to beat the best (-1: any passage does)."""
        return -1 if self.best is None else self.best.distance - (self.best.misfit == 0)

    def align_at(self, start: int) -> None:
        """Align on the window around folded `start`; keep the passage if it beats the best."""
        hit = align(self.q, self.text, start - self.pad, start + len(self.q) + self.pad, self.bound())
        if hit is not None and hit.better_than(self.best):
            self.best = hit

    def find(self, piece: str, limit: int) -> list[int] | None:
        """`_find_all` for this text: from the known pieces if they tell enough, else a scan (or None)."""
        hits = self.known.get(piece)  # every occurrence, or the first MAX_HITS + 1
        if hits is None or len(hits) > MAX_HITS and limit > MAX_HITS:
            if not self.may_scan:
                return None
            deeper = self.deep.get(piece)
            return _find_all(self.text, piece, limit) if deeper is None or limit > MAX_PART_HITS else deeper[:limit + 1]
        return hits[:limit + 1]

    def one_edit_settled(self) -> bool:
        return self.best is not None and self.best.distance <= 1 and self.settled()

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
        for offset, piece in anchor_pieces(self.q, length):
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
            self.visit_all([i - offset for i in hits])
            # A passage not yet aligned holds none of the rare pieces, so it needs at least
            # one edit for each of them that is disjoint from the others.
            self.floor = max(self.floor, disjoint(self.rare))
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
        for offset, end in cut(m, k):
            if any(a <= offset and end <= b for a, b in self.rare):
                continue  # already aligned on all its occurrences
            hits = self.find(self.q[offset:end], MAX_PART_HITS)
            complete &= hits is not None and len(hits) <= MAX_PART_HITS
            # One edit away, in boilerplate that repeats: no need to see every copy.
            if self.visit_all([i - offset for i in (hits or [])[:MAX_PART_HITS]], self.one_edit_settled):
                return True
        if complete:
            self.floor = max(self.floor, k)
        return self.settled()


