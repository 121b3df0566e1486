"""The folds that define "verbatim", with a map from folded offsets back to the original, and
the one index from a source's offsets to its file lines (pure).

A quote is verified when it occurs in its source after these folds, applied to both sides
(issue #2): Unicode NFC; whitespace runs (newlines, tabs, NBSP...) become one space; curly and
straight quotes are equal (single and double families kept apart); dash variants are equal;
soft hyphens vanish; ligatures are expanded. Nothing else: case, letters, digits and punctuation
stay significant, and zero-width characters are kept so a hidden one is reported, not ignored.

Folding a 10 MB source must be fast, so the common case is chained `str.replace` (hundreds of
MB/s) for the same-length folds, and only length-changing spots (space runs, soft hyphens,
ligatures, non-NFC clusters) are visited one by one to build the offset map.
"""

from __future__ import annotations

import array
import bisect
import functools
import itertools
import operator
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from briefing.models import Source, Span

FOLD_NAMES = ("nfc", "whitespace", "quotes", "dashes", "soft-hyphen", "ligatures")

SINGLE_QUOTES = "\u2018\u2019\u201a\u201b"  # ‘ ’ ‚ ‛  -> '
DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f"  # “ ” „ ‟  -> "
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212"  # hyphen, nb hyphen, figure, en, em, minus -> -
SOFT_HYPHEN = "\u00ad"
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
             "\ufb05": "st", "\ufb06": "st"}
# Every character but " " that str.isspace() accepts (a test keeps this list complete).
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b)))
              + "\u2028\u2029\u202f\u205f\u3000")

_SAME_LENGTH = (
    [(c, "'", "quotes") for c in SINGLE_QUOTES]
    + [(c, '"', "quotes") for c in DOUBLE_QUOTES]
    + [(c, "-", "dashes") for c in DASHES]
    + [(c, " ", "whitespace") for c in WHITESPACE]
)


def _table(enabled: frozenset[str]) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(c): r for c, r, fold_name in _SAME_LENGTH if fold_name in enabled}
    if "soft-hyphen" in enabled:
        table[ord(SOFT_HYPHEN)] = None
    if "ligatures" in enabled:
        table.update({ord(c): r for c, r in LIGATURES.items()})
    return table


_ALL = frozenset(FOLD_NAMES)
# The characters each fold of the translation table changes. Such a fold changes nothing in a
# text whose NFC form holds none of them, so it cannot be what made two texts equal: folds_needed
# tries it only when it may be (issue 19: 163 µs for a non-ASCII quote, most of it trying them).
# (Whitespace also collapses runs of spaces, and NFC is no table: both are always tried.)
_FOLD_CHARS = {f: frozenset(map(chr, _table(_ALL).keys() - _table(_ALL - {f}).keys()))
               for f in FOLD_NAMES if f not in ("nfc", "whitespace")}
_SPACE_RUN = re.compile("  +")
_SPACE_RUN_SPLIT = re.compile("(  +)")  # a literal prefix: sre skips to it twice as fast as " {2,}"


@functools.lru_cache(maxsize=64)
def _cached_table(enabled: frozenset[str]) -> dict[int, str | None]:
    return _table(enabled)


def fold_with(text: str, enabled: frozenset[str] = _ALL) -> str:
    """The reference fold, with a chosen set of folds; short strings only (quotes, passages)."""
    if "nfc" in enabled:
        text = unicodedata.normalize("NFC", text)
    text = text.translate(_cached_table(enabled))
    if "nfc" in enabled:  # removing a soft hyphen or expanding a ligature can make text composable
        text = unicodedata.normalize("NFC", text)
    if "whitespace" in enabled:
        text = _SPACE_RUN.sub(" ", text)
    return text


def fold(text: str) -> str:
    """All folds; equal to `normalise(text).text`, and cheaper for short strings."""
    return fold_with(text, _ALL)


def folds_needed(quote: str, passage: str) -> tuple[str, ...]:
    """Which folds make `quote` equal `passage`: fold f is needed when every other fold is not enough."""
    quote, passage = quote.strip(), passage.strip()
    if quote == passage:
        return ()
    if quote.isascii() and passage.isascii():
        # Whitespace is the only fold that changes ASCII text (the bench: 0.35 s of 5,000 calls),
        # and there str.split() splits where it folds: at the characters it maps to spaces.
        return ("whitespace",) if " ".join(quote.split()) == " ".join(passage.split()) else ()
    if fold(quote).strip() != fold(passage).strip():
        return ()
    present = set(unicodedata.normalize("NFC", quote)) | set(unicodedata.normalize("NFC", passage))
    return tuple(f for f in FOLD_NAMES
                 if (f not in _FOLD_CHARS or not present.isdisjoint(_FOLD_CHARS[f]))
                 and fold_with(quote, _ALL - {f}).strip() != fold_with(passage, _ALL - {f}).strip())


@dataclass(frozen=True)
class NormalisedText:
    """Folded text plus a piecewise map back to the original.

    Segment i covers folded [f_starts[i], f_starts[i+1]) and original [o_starts[i], o_starts[i+1]).
    Linear segments map character for character; the others (a collapsed space run, an expanded
    ligature, a recomposed accent) map as a whole.
    """

    original: str
    text: str
    # Arrays for a long map (8 bytes an entry, where a tuple of ints takes about 36: issue 19,
    # the maps of 200 MB of man pages held 3.5 million segments).
    f_starts: Sequence[int] = (0,)
    o_starts: Sequence[int] = (0,)
    linear: Sequence[bool] = (True,)

    @functools.cached_property
    def soft_hyphens(self) -> bool:
        """Whether the original holds a soft hyphen (U+00AD): the fold drops them, so one at a
        line end leaves two words in the folded text where the source prints one broken in two."""
        return "\u00ad" in self.original

    def _segment(self, offset: int) -> int:
        return bisect.bisect_right(self.f_starts, offset) - 1

    def to_original(self, offset: int) -> int:
        """Original offset where the character at folded `offset` begins."""
        if offset >= len(self.text):
            return len(self.original)
        i = self._segment(offset)
        return self.o_starts[i] + (offset - self.f_starts[i] if self.linear[i] else 0)

    def to_original_end(self, offset: int) -> int:
        """Original offset just after the character before folded `offset`."""
        if offset <= 0:
            return 0
        i = self._segment(offset - 1)
        if self.linear[i]:
            return self.o_starts[i] + offset - self.f_starts[i]
        return self.o_starts[i + 1] if i + 1 < len(self.o_starts) else len(self.original)

    def original_span(self, start: int, end: int) -> Span:
        begin = self.to_original(start)
        return Span(begin, max(begin, self.to_original_end(end)))


def normalise(text: str) -> NormalisedText:
    """Fold a whole source once, keeping the offset map."""
    work = text
    if text.isascii():
        for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f":
            if c in work:
                work = work.replace(c, " ")
        return _collapse_spaces(text, work)
    for c, replacement, _ in _SAME_LENGTH:
        if c in work:
            work = work.replace(c, replacement)
    if SOFT_HYPHEN in work or any(c in work for c in LIGATURES) or not unicodedata.is_normalized("NFC", text):
        result = _apply(text, work, _length_changes(text, work))
    else:  # most non-ASCII sources: only space runs change length (issue 19)
        # The text is NFC, and stays so: it changed only by starters turned into ASCII starters
        # that compose with nothing (' " - and space), and space runs cut to one space, so no
        # two characters became neighbours (issue 19: the second check cost 0.2 s per 30 MB).
        return _collapse_spaces(text, work)
    # ASCII is always NFC; only text that kept other characters needs the (full-scan) check.
    if not result.text.isascii() and not unicodedata.is_normalized("NFC", result.text):
        # Pathological composition across our edit points: keep the text right, lose line detail.
        folded = fold(text)
        return NormalisedText(text, folded, (0, len(folded)), (0, len(text)), (False, True))
    return result


def _collapse_spaces(text: str, work: str) -> NormalisedText:
    """`work` with each space run cut to its first space, the map built by C loops over the runs
    alone (issue 19: walking them in Python took 1.4 s of man-page indentation). Segment k + 1
    starts just after run k, in the original and in the folded text; every segment is linear."""
    if "  " not in work:
        return NormalisedText(text, work)
    parts = _SPACE_RUN_SPLIT.split(work)  # text, run, text, run, ..., text
    words = parts[::2]
    # 4 bytes an offset where they fit (issue 19: the maps of 200 MB of real text took 54 MB).
    kind = "i" if len(text) < 2**31 and array.array("i").itemsize == 4 else "q"
    f_starts = array.array(kind, (0,))
    f_starts.extend(itertools.accumulate(map(operator.add, map(len, words), itertools.repeat(1))))
    f_starts.pop()
    o_starts = array.array(kind, (0,))
    o_starts.extend(array.array(kind, itertools.accumulate(map(len, parts)))[1::2])
    return NormalisedText(text, " ".join(words), f_starts, o_starts, _AllLinear(len(words)))


class _AllLinear(Sequence[bool]):
    """`linear` of a map whose segments are all linear, without a tuple of them."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length

    @overload
    def __getitem__(self, index: int) -> bool: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bool]: ...

    def __getitem__(self, index: int | slice) -> bool | Sequence[bool]:
        if isinstance(index, slice):
            return (True,) * len(range(self.length)[index])
        if not -self.length <= index < self.length:
            raise IndexError(index)
        return True


Edit = tuple[int, int, str]  # replace original [start, end) with the string


def _space_runs(work: str) -> list[Edit]:
    """Delete all but the first space of each run (the kept space maps linearly)."""
    return [(m.start() + 1, m.end(), "") for m in _SPACE_RUN.finditer(work)]


def _length_changes(text: str, work: str) -> list[Edit]:
    has_soft = SOFT_HYPHEN in work
    ligatures = [c for c in LIGATURES if c in work]
    edits: list[Edit] = []
    if has_soft or ligatures or not unicodedata.is_normalized("NFC", text):
        # A mark after a soft hyphen, ligature or base letter may compose: fold such clusters whole.
        edits += _cluster_edits(work)
    if has_soft:
        edits += [(m.start(), m.end(), " " if " " in m.group() else "")
                  for m in re.finditer("[ \u00ad]{2,}|\u00ad", work)]
    elif "  " in work:
        edits += _space_runs(work)
    for c in ligatures:
        i = work.find(c)
        while i != -1:
            edits.append((i, i + 1, LIGATURES[c]))
            i = work.find(c, i + 1)
    edits.sort()
    kept: list[Edit] = []
    for edit in edits:  # clusters were found first and win over an overlapping later edit
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


@functools.cache
def _clusters() -> re.Pattern[str]:
    """A non-space character followed by marks that may compose with it, soft hyphens between."""
    cls = "".join(re.escape(c) for c in sorted(_mark_chars()))
    soft = re.escape(SOFT_HYPHEN)
    return re.compile(f"[^\\s{soft}](?:{soft}*[{cls}])+")


@functools.cache
def _marks() -> re.Pattern[str]:
    """Every mark, and every character beyond the BMP: a class with characters there compiles to
    a list that sre tries one by one (4 MB/s), one within the BMP to a table (150 MB/s; issue
    19). A character found that is not a mark leaves its word to the cluster pattern, which finds
    nothing there."""
    bmp = "".join(re.escape(c) for c in sorted(_mark_chars()) if c <= "\uffff")
    return re.compile(f"[{bmp}\U00010000-\U0010ffff]")


@functools.cache
def _mark_chars() -> frozenset[str]:
    """Characters that may compose with the one before them."""
    marks = set()
    for cp in range(0x300, 0x1F000):
        c = chr(cp)
        if unicodedata.combining(c):
            marks.add(c)
        decomposition = unicodedata.decomposition(c).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            marks.add(chr(int(decomposition[1], 16)))  # can compose backwards (e.g. Hangul jamo)
    return frozenset(marks)


def _cluster_edits(work: str) -> list[Edit]:
    """The clusters of `work`, each folded whole. A cluster holds a mark and no space (the only
    whitespace left in `work`), so the cluster regex runs only over the words that hold a mark,
    found by a plain character-class scan: trying it at every character made non-NFC text fold 13
    times slower per byte (issue 19)."""
    edits: list[Edit] = []
    marks, clusters = _marks(), _clusters()
    found = marks.search(work)
    while found is not None:
        start = work.rfind(" ", 0, found.start()) + 1
        end = work.find(" ", found.start())
        end = len(work) if end == -1 else end
        edits += [(m.start(), m.end(), fold(m.group())) for m in clusters.finditer(work, start, end)]
        found = marks.search(work, end)
    return edits


def _apply(text: str, work: str, edits: list[Edit]) -> NormalisedText:
    if not edits:
        return NormalisedText(text, work)
    pieces: list[str] = []
    f_starts: list[int] = []
    o_starts: list[int] = []
    linear: list[bool] = []
    folded_len = 0
    position = 0
    for start, end, replacement in edits:
        if start > position:
            f_starts.append(folded_len)
            o_starts.append(position)
            linear.append(True)
            pieces.append(work[position:start])
            folded_len += start - position
        if replacement:  # a deletion needs no segment of its own
            # Replaced text maps as a whole: a recomposed cluster may even reorder its marks.
            f_starts.append(folded_len)
            o_starts.append(start)
            linear.append(False)
            pieces.append(replacement)
            folded_len += len(replacement)
        position = end
    f_starts.append(folded_len)
    o_starts.append(position)
    linear.append(True)
    pieces.append(work[position:])
    return NormalisedText(text, "".join(pieces), tuple(f_starts), tuple(o_starts), tuple(linear))


# --- where an offset is: the one line index (issue 18) ---------------------------------------


class LineIndex:
    """File lines of offsets into a source's text, for every report and stage (issue 18).

    A text laid out as its file (text, Markdown, PDF, DOCX) counts its newlines from
    `first_line`; an HTML page's `line_map` gives the file line of each offset (issue 15 §6).
    """

    def __init__(self, source: Source):
        self.text = source.text
        self.first = source.first_line
        self.line_map = source.line_map

    def line(self, offset: int) -> int:
        """File line (1-based) of a character offset into the text."""
        if self.line_map is not None:
            return self.line_map.line_of(offset)
        return self.first + self.text.count("\n", 0, max(0, offset))

    def lines(self, offsets: Sequence[int]) -> list[int]:
        """File line of each offset: one counting pass over the text, in offset order."""
        if self.line_map is not None:
            return [self.line_map.line_of(o) for o in offsets]
        found: dict[int, int] = {}
        line, at = self.first, 0
        for offset in sorted(set(offsets)):
            line += self.text.count("\n", at, offset)
            found[offset], at = line, offset
        return [found[o] for o in offsets]

    def text_line(self, offset: int) -> int:
        """The 0-based line of the text (not the file) that holds `offset`."""
        return self.text.count("\n", 0, offset)

    def shown_line(self, text_line: int, offset: int) -> int:
        """The file line of `text_line` of the text, which holds `offset` (no counting when the
        text is laid out as its file)."""
        return self.first + text_line if self.line_map is None else self.line(offset)


def line_starts(text: str) -> list[int]:
    """Offsets where each line begins; with `line_at` turns many offsets into lines quickly (a
    claims file's YAML marks)."""
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def line_at(starts: list[int], offset: int) -> int:
    """1-based line holding `offset`, given `line_starts` of the text."""
    return bisect.bisect_right(starts, offset)
