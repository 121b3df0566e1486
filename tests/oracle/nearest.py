"""Oracle, frozen (tests/oracle/__init__.py): The passage of a source most like a failed quote, to explain the failure (pure).

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

from collections.abc import Callable, Iterable, Mapping, Sequence

import ahocorasick_rs

from briefing.models import Nearest
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText
from briefing.verify.alignment import Hit, align, edit_distance, search_everywhere, similarity, snap
from briefing.verify.diff import word_changes
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
    return [found[i] if i in found else _nearest(quote, folded, settings, known)
            for i, quote in enumerate(asked)]


class _Unsettled(Exception):
    """The pieces found so far do not prove any passage the nearest."""


def _nearest(quote: ParsedQuote, folded: NormalisedText, settings: Settings,
             known: Mapping[str, list[int]], may_scan: bool = True) -> Nearest | None:
    if len(quote.raw) > settings.nearest_max_quote_chars:  # aligning it would take minutes
        return None
    q, text = quote.needle, folded.text
    if not q or not text or text.isspace():  # (text.strip() would copy a whole source)
        return None
    search = _Search(q, text, known, may_scan)
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
        bound = -1 if self.best is None else self.best.distance - (self.best.misfit == 0)
        hit = align(self.q, self.text, start - self.pad, start + len(self.q) + self.pad, bound)
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
            for i in hits:
                self.visit(i - offset)
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
            for i in (hits or [])[:MAX_PART_HITS]:
                self.visit(i - offset)
                if self.best is not None and self.best.distance <= 1 and self.settled():
                    return True  # one edit away, in boilerplate that repeats: no need to see every copy
        if complete:
            self.floor = max(self.floor, k)
        return self.settled()


