"""The passage of a source most like a failed quote, to explain the failure (pure).

Fuzzy matching only ever explains a failure; it never passes a quote (issue #2, "Results").
Aligning a quote on a whole 10 MB source takes 50-100 ms, so the search looks for exact
pieces of the quote with `str.find` (a scan of 10 MB takes 2-5 ms) and aligns the quote
(edlib, infix mode) only on windows around where they occur. The pieces are disjoint, so a
passage holding none of k pieces already searched in full needs at least k edits: once the
best window is that close, nothing unsearched can beat it and the search stops, for a quote
with one changed word usually after one scan. When the windows stay poor (below
`nearest_window_min_similarity`) the whole document is aligned instead.
"""

from __future__ import annotations

import functools

import edlib

from briefing.config import DEFAULT_SETTINGS, Settings
from briefing.diff import word_changes
from briefing.models import Nearest, Span
from briefing.normalise import NormalisedText, fold

ANCHOR_LENGTH = 16  # long enough to be rare in prose, short enough that most survive an edit
MIN_ANCHOR_LENGTH = 6
MAX_HITS = 16  # an anchor found more often is common: aligning on its first hits proves nothing
QUICK_SCANS = 2  # rare anchors tried before the halves of the quote are
MAX_SCANS = 16  # rare anchors tried in all; each costs one scan of the text
PIGEONHOLES = (2, 3, 4, 6)  # how many parts to cut the quote into, in turn (2 first)
MAX_PART_HITS = 1024  # every hit is aligned; one that cannot beat the best costs about 10 us
SNAP_LIMIT = 32  # farthest a passage end moves to reach a word boundary

Hit = tuple[int, int, int]  # (edit distance, folded start, folded end)


def nearest_passage(quote: str, folded: NormalisedText,
                    settings: Settings = DEFAULT_SETTINGS) -> Nearest | None:
    """The passage of `folded` closest to `quote` by edit distance, or None if either is empty."""
    q, text = fold(quote).strip(), folded.text
    if not q or not text.strip():
        return None
    best = _Search(q, text).run()
    if best is None or _similarity(best[0], len(q)) < settings.nearest_window_min_similarity:
        best = _search_everywhere(q, text, best)
    if best is None:
        return None
    start, end = _snap(text, best[1], best[2])
    distance = _distance(q, text[start:end])
    span = folded.original_span(start, end)
    passage = folded.original[span.start:span.end]
    return Nearest(span=span, passage=passage, distance=distance,
                   similarity=_similarity(distance, len(q)), changes=word_changes(quote, passage))


def _similarity(distance: int, length: int) -> float:
    return max(0.0, 1.0 - distance / length)


def _anchors(q: str, length: int) -> list[tuple[int, str]]:
    """Pieces of the quote as (offset in quote, piece): two tilings, the second shifted by half.

    Within a tiling the pieces are disjoint and come ends first, then spread inward; the
    shifted tiling gives a second chance at rare text that the first cut across an edit.
    """
    m = len(q)
    count = m // length
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


class _Search:
    """One quote's search: windows aligned so far, the best alignment, and what it proves."""

    def __init__(self, q: str, text: str) -> None:
        self.q, self.text = q, text
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
        long, short = (ANCHOR_LENGTH, ANCHOR_LENGTH // 2) if m >= 3 * ANCHOR_LENGTH else (m // 3, m // 6)
        # Cheapest first: a couple of rare anchors settle most quotes; the halves of the quote
        # settle any quote with one edit; the rest is for quotes with several.
        if not (self.anchors(long, QUICK_SCANS) or self.parts(2) or self.anchors(long, MAX_SCANS)
                or self.anchors(short, MAX_SCANS)):
            any(self.parts(k) for k in PIGEONHOLES[1:])
        return self.best

    def visit(self, start: int) -> None:
        """Align on the window around a passage thought to begin at folded `start`."""
        bucket = start // (self.pad // 2)  # a window covers passages starting near its own
        if bucket in self.done or self.best is not None and self.best[0] == 0:
            return
        self.done.add(bucket)
        lo = max(0, start - self.pad)
        # Only a better alignment matters; telling edlib so lets it give up early.
        bound = self.best[0] - 1 if self.best is not None else -1
        hit = _align(self.q, self.text[lo:start + len(self.q) + self.pad], lo, bound)
        if hit is not None:
            self.best = hit

    def settled(self) -> bool:
        """Whether no passage can beat the best one."""
        if self.best is None:
            return False
        if self.best[0] <= self.floor:
            return True
        if self.best[0] == 1:  # a failed quote is nowhere verbatim; one scan makes sure
            if self._occurs is None:
                self._occurs = self.q in self.text
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
            if self.scans >= max_scans:
                return self.scans >= MAX_SCANS
            hits = _find_all(self.text, piece, MAX_HITS)
            if hits:
                self.found.append((offset, end))
            if len(hits) > MAX_HITS:
                continue
            self.scans += 1
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
        if m // k < MIN_ANCHOR_LENGTH:
            return False
        complete = True
        for n in range(k):
            offset, end = n * m // k, (n + 1) * m // k
            if any(a <= offset and end <= b for a, b in self.rare):
                continue  # already aligned on all its occurrences
            hits = _find_all(self.text, self.q[offset:end], MAX_PART_HITS)
            complete &= len(hits) <= MAX_PART_HITS
            for i in hits[:MAX_PART_HITS]:
                self.visit(i - offset)
        if complete:
            self.floor = max(self.floor, k)
        return self.settled()


def _search_everywhere(q: str, text: str, best: Hit | None) -> Hit | None:
    """Align on the whole text, looking only for something better than `best`."""
    k = best[0] - 1 if best is not None else -1
    if k == -1 and best is not None:
        return best
    result = edlib.align(_project(q), _projected(text), mode="HW", task="locations", k=k)
    if result["editDistance"] < 0 or not result["locations"]:
        return best
    # The projection merges all non-ASCII characters; align the real text around its find.
    start, end = result["locations"][0]
    pad = len(q) // 2 + 20
    lo = max(0, start - pad)
    hit = _align(q, text[lo:end + 1 + pad], lo)
    if hit is None or best is not None and hit[0] >= best[0]:
        return best
    return hit


def _project(text: str) -> bytes:
    # One byte per character, so offsets agree with the text's; "?" stands for non-ASCII.
    return text.encode("ascii", "replace")


@functools.lru_cache(maxsize=2)
def _projected(text: str) -> bytes:
    return _project(text)


def _edlib(q: str, target: str, mode: str, task: str, k: int = -1) -> dict:
    try:
        return edlib.align(q, target, mode=mode, task=task, k=k)
    except ValueError:
        # edlib allows 256 symbols; characters absent from q all mismatch, so they may share one.
        symbols = {c: i for i, c in enumerate(dict.fromkeys(q), start=1) if i < 256}
        return edlib.align(bytes(symbols.get(c, 0) for c in q), bytes(symbols.get(c, 0) for c in target),
                           mode=mode, task=task, k=k)


def _align(q: str, window: str, base: int, bound: int = -1) -> Hit | None:
    """Best infix alignment of q in window (None if over `bound` edits, unless that is -1).

    Offsets are folded ones; among equally good passages the one nearest q's length wins.
    """
    if not window:
        return None
    result = _edlib(q, window, "HW", "locations", bound)
    if result["editDistance"] < 0 or not result["locations"]:
        return None
    start, end = min(result["locations"], key=lambda loc: abs(loc[1] + 1 - loc[0] - len(q)))
    if start is None:  # edlib found only an end: the passage is empty (everything deleted)
        return None
    return result["editDistance"], base + start, base + end + 1


def _distance(q: str, passage: str) -> int:
    if not passage:
        return len(q)
    return int(_edlib(q, passage, "NW", "distance")["editDistance"])


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words and trim spaces, so the passage reads naturally.

    An end with no word boundary within SNAP_LIMIT (say, Chinese text) stays where it is.
    """
    s = start
    while s > 0 and start - s < SNAP_LIMIT and s < len(text) and _is_word(text[s - 1]) and _is_word(text[s]):
        s -= 1
    if s == 0 or not (_is_word(text[s - 1]) and _is_word(text[s])):
        start = s
    e = end
    while e < len(text) and e - end < SNAP_LIMIT and e > 0 and _is_word(text[e - 1]) and _is_word(text[e]):
        e += 1
    if e == len(text) or not (_is_word(text[e - 1]) and _is_word(text[e])):
        end = e
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
