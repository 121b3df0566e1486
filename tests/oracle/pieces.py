"""Oracle, frozen (tests/oracle/__init__.py): The exact pieces of a folded quote that the nearest-passage search looks for (pure)."""

from __future__ import annotations

from briefing.verify.quote import ParsedQuote, parsed

ANCHOR_LENGTH = 16  # long enough to be rare in prose, short enough that most survive an edit
MIN_ANCHOR_LENGTH = 6
PIGEONHOLES = (2, 3, 4, 6)  # how many parts to cut the quote into, in turn (2 first)
SEED_LENGTH = 8  # about a word and a half: rare enough to tell sources apart, short enough to survive edits


def seeds(quote: str | ParsedQuote) -> list[str]:
    """Exact pieces of a quote (folded) that a source with a passage close to it most likely
    shares: its SEED_LENGTH-character pieces, in two tilings, the second shifted by half. Which
    other sources may hold a misattributed quote is told by these (issue 15 §7); a quote
    shorter than one piece has none, as too short to tell a source by."""
    return list(dict.fromkeys(piece for _, piece in anchor_pieces(parsed(quote).needle, SEED_LENGTH)))


def anchor_lengths(m: int) -> tuple[int, int]:
    """The lengths of the anchors of a quote of m characters: long ones, then short ones."""
    return (ANCHOR_LENGTH, ANCHOR_LENGTH // 2) if m >= 3 * ANCHOR_LENGTH else (m // 3, m // 6)


def anchor_pieces(q: str, length: int) -> list[tuple[int, str]]:
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


def cut(m: int, k: int) -> list[tuple[int, int]]:
    """The quote [0, m) cut into k parts [start, end) of equal length (to a character)."""
    return [(n * m // k, (n + 1) * m // k) for n in range(k)]


def batch_pieces(q: str, every: bool) -> list[str]:
    """The pieces of q that `nearest._Search.run` looks for (save q itself, when too short to cut).

    Unless `every`, only disjoint ones that settle q with up to max(PIGEONHOLES) - 1 edits if
    they are rare: long anchors of the first tiling and, if it has fewer, the parts of q.
    """
    m = len(q)
    long, short = anchor_lengths(m)
    tiling = anchor_pieces(q, long)[:m // max(long, 1)]  # the first tiling: disjoint pieces
    chosen = anchor_pieces(q, long) + anchor_pieces(q, short) if every else tiling[:max(PIGEONHOLES)]
    parts = [q[a:b] for k in PIGEONHOLES if (every or k > len(chosen)) and m // k >= MIN_ANCHOR_LENGTH
             for a, b in cut(m, k)]
    return [piece for _, piece in chosen] + parts


def disjoint(intervals: list[tuple[int, int]]) -> int:
    """Most pairwise disjoint intervals [start, end) among these (greedy by end)."""
    count, free_from = 0, -1
    for start, end in sorted(intervals, key=lambda iv: iv[1]):
        if start >= free_from:
            count, free_from = count + 1, end
    return count
