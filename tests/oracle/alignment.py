"""Oracle, frozen (tests/oracle/__init__.py): Aligning a folded quote on a folded text with edlib, snapped to word boundaries and scored (pure)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import edlib

SNAP_LIMIT = 32  # farthest a passage end moves to reach a word boundary
# The whole-text alignment runs a chunk at a time, the first small: a chunk's equally close
# alignments are all listed, and weighing one costs a Python call (issue 15 §6).
FIRST_EVERYWHERE_CHUNK = 1 << 12
EVERYWHERE_CHUNK = 1 << 15
MAX_TIES = 4096  # equally close alignments weighed for their word boundaries, in all


class Hit(NamedTuple):
    """An alignment of the quote: folded [start, end), its edits, and its ends inside words."""

    distance: int
    misfit: int  # 0, 1 or 2 ends that cut a word: of equally close passages, whole words win
    start: int
    end: int

    def better_than(self, other: Hit | None) -> bool:
        return other is None or (self.distance, self.misfit) < (other.distance, other.misfit)


def similarity(distance: int, length: int) -> float:
    return max(0.0, 1.0 - distance / length)


def search_everywhere(q: str, text: str, best: Hit | None, floor: int = 0) -> Hit | None:
    """Align on the whole text, looking only for something closer than `best`.

    No passage has fewer than `floor` edits (what the windows proved), so one that close on
    word boundaries ends the search.
    """
    if best is not None and best.distance == 0:
        return best
    found = _align_everywhere(_project(q), projected(text), best, floor, lambda s, e: misfit(text, s, e))
    if found is None:
        return best
    # The projection merges all non-ASCII characters; align the real text around its find.
    pad = len(q) // 2 + 20
    hit = align(q, text, found.start - pad, found.end + pad)
    return hit if hit is not None and hit.better_than(best) else best


def _align_everywhere(q: bytes, text: bytes, best: Hit | None, floor: int,
                      misfit: Callable[[int, int], int]) -> Hit | None:
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
    own: Hit | None = None
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
                hit = Hit(distance, misfit(start, end), start, end)
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
def projected(text: str) -> bytes:
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


def align(q: str, text: str, lo: int, hi: int, bound: int = -1) -> Hit | None:
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
    start, end = min(locations, key=lambda loc: (misfit(text, *loc), abs(loc[1] - loc[0] - len(q))))
    return Hit(result["editDistance"], misfit(text, start, end), start, end)


def misfit(text: str, start: int, end: int) -> int:
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


def snap(text: str, q: str, start: int, end: int) -> tuple[int, int]:
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
