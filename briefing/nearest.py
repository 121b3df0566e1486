"""The passage of a source most like a failed quote, to explain the failure (pure).

Fuzzy matching only ever explains a failure; it never passes a quote (issue #2, "Results").
A whole-document alignment of a 10 MB source takes about 0.1 s, so the search first looks for
exact pieces of the quote ("anchors") with `str.find` and aligns the quote (edlib, infix mode)
only on windows around their hits. The anchors are disjoint pieces of the quote, so a passage
that holds none of the k anchors already searched needs at least k edits: once the best window
is that close, no unsearched passage can beat it and the search stops, usually after one scan
of the text. When the windows are poor the whole document is aligned instead.
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
MAX_HITS = 16  # an anchor found more often than this is common: its hits are kept for last
MAX_RARE_ANCHORS = 16  # each rare anchor costs one scan of the text (about 2 ms per 10 MB)
PIGEONHOLES = (2, 3, 4, 6)  # how many parts to cut the quote into, in turn
MAX_PIGEONHOLE_HITS = 64
SNAP_LIMIT = 32  # farthest a passage end moves to reach a word boundary

Hit = tuple[int, int, int]  # (edit distance, folded start, folded end)


def nearest_passage(quote: str, folded: NormalisedText,
                    settings: Settings = DEFAULT_SETTINGS) -> Nearest | None:
    """The passage of `folded` closest to `quote` by edit distance, or None if either is empty."""
    q, text = fold(quote).strip(), folded.text
    if not q or not text.strip():
        return None
    best = _search_windows(q, text)
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


def _anchor_lengths(m: int) -> list[int]:
    """Piece lengths to try, longest first: long pieces are rare, short ones survive edits."""
    first = ANCHOR_LENGTH if m >= 3 * ANCHOR_LENGTH else max(MIN_ANCHOR_LENGTH, m // 3)
    return list(dict.fromkeys([first, max(MIN_ANCHOR_LENGTH, first // 2)]))


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
    hits: list[int] = []
    i = text.find(piece)
    while i != -1 and len(hits) <= limit:
        hits.append(i)
        i = text.find(piece, i + 1)
    return hits


class _Windows:
    """Aligns the quote on windows of the text, each window once, keeping the best alignment."""

    def __init__(self, q: str, text: str) -> None:
        self.q, self.text = q, text
        self.pad = len(q) // 2 + 20
        self.done: set[int] = set()
        self.best: Hit | None = None
        self._occurs: bool | None = None

    def visit(self, start: int) -> None:
        """Align on the window around a passage thought to begin at folded `start`."""
        bucket = start // (self.pad // 2)  # a window covers passages starting near its own
        if bucket in self.done:
            return
        self.done.add(bucket)
        lo = max(0, start - self.pad)
        hit = _align(self.q, self.text[lo:start + len(self.q) + self.pad], lo)
        if hit is not None and (self.best is None or hit[0] < self.best[0]):
            self.best = hit

    def settled(self, bound: int) -> bool:
        """Whether no passage can beat the best one, given that unseen passages need `bound` edits."""
        if self.best is None:
            return False
        if self.best[0] <= bound:
            return True
        if self.best[0] == 1:  # a failed quote is nowhere verbatim; one scan makes sure
            if self._occurs is None:
                self._occurs = self.q in self.text
            return not self._occurs
        return False


def _search_windows(q: str, text: str) -> Hit | None:
    windows = _Windows(q, text)
    if not _search_anchors(q, text, windows):
        _search_pigeonholes(q, text, windows)
    return windows.best


def _search_anchors(q: str, text: str, windows: _Windows) -> bool:
    """Align around the hits of rare pieces of the quote; True once nothing can beat the best."""
    found: list[tuple[int, int]] = []  # pieces of the quote that occur: their parts do too
    rare: list[tuple[int, int]] = []
    for length in _anchor_lengths(len(q)):
        for offset, piece in _anchors(q, length):
            end = offset + length
            if any(a <= offset and end <= b for a, b in found):
                continue  # no rarer than a longer piece around it, already searched
            hits = _find_all(text, piece, MAX_HITS)
            if hits:
                found.append((offset, end))
            if len(hits) > MAX_HITS:
                continue  # common: aligning around its first hits proves nothing
            rare.append((offset, end))
            for i in hits:
                windows.visit(i - offset)
            # A passage not yet aligned holds none of the rare anchors, so it needs at least
            # one edit for each of them that is disjoint from the others.
            if windows.settled(_disjoint(rare)) or len(rare) >= MAX_RARE_ANCHORS:
                return True
    return False


def _search_pigeonholes(q: str, text: str, windows: _Windows) -> None:
    """Repetitive text: cut the quote into k parts; a passage within k - 1 edits holds one whole.

    Long parts are rare even in boilerplate that repeats through a document, and every
    occurrence of every part is aligned, so after k parts the best passage is the nearest
    of all those within k - 1 edits.
    """
    m = len(q)
    for k in PIGEONHOLES:
        if m // k < MIN_ANCHOR_LENGTH:
            return
        complete = True
        for n in range(k):
            offset = n * m // k
            hits = _find_all(text, q[offset:(n + 1) * m // k], MAX_PIGEONHOLE_HITS)
            complete &= len(hits) <= MAX_PIGEONHOLE_HITS
            for i in hits[:MAX_PIGEONHOLE_HITS]:
                windows.visit(i - offset)
            if windows.settled(0):
                return
        if complete and windows.settled(k):
            return


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


def _align(q: str, window: str, base: int) -> Hit | None:
    """Best infix alignment of q in window, as folded offsets; ties go to the passage of q's length."""
    if not window:
        return None
    result = _edlib(q, window, "HW", "locations")
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
