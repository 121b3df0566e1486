"""Line-end hyphens read both ways: "man-\\nagement" as "management" or as "man-agement" (pure).

Issue 4: a hyphen at a line end is ambiguous ("man-agement" is one word, "well-known" is not),
so a quote verifies under either reading of each line-end hyphen, and the match reports which
reading it used: fold `hyphen-joined` (hyphen and line break dropped) or `hyphen-kept` (only
the line break dropped). Readings are chosen per hyphen, so one quote may need both.

Only a source with a hyphen between letters at a line end pays for this, and only when a quote
was not found as the text stands. Its text is rewritten once with each such hyphen replaced
by a joint (a private-use character the source does not print) and the line break after it
removed, then folded as usual; a quote is searched with a pattern in which a joint may stand
between any two characters (joined) or for a hyphen (kept).
Hyphens between digits are never joined: "20-\\n30" is a range, and reading it as "2030" would
invent a figure. Every part begins and ends on an edge of the source's words and numbers, as
in `match` (issue 15 §1); a joint is not a letter, so it is an edge under either reading.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from briefing.models import Span
from briefing.text import FOLD_NAMES, NormalisedText, folds_needed, normalise
from briefing.verify.edges import on_edges
from briefing.verify.match import MultiSearch, QuoteMatch
from briefing.verify.quote import ParsedQuote, parsed

JOINED, KEPT = "hyphen-joined", "hyphen-kept"
HYPHEN_FOLDS = (JOINED, KEPT)
# Private-use characters: no fold touches them and no real quote contains them. A source's
# line-end hyphens are marked with the first of them that the source does not print itself.
_JOINTS = tuple(chr(c) for c in range(0xE000, 0xE100))
JOINT = _JOINTS[0]
# Hyphen-minus, U+2010 HYPHEN (WeasyPrint's `hyphens: auto`) and a soft hyphen a PDF printed,
# then the line break (one newline, or a page break "\n\f\n" between pages) and a letter. The
# letter before the hyphen is checked on each hit: a pattern that starts with a lookbehind
# is tried at every offset and runs about eight times slower.
_BREAK = re.compile(r"[-\u2010\u00ad][ \t]*\n(?:[ \t\f]*\n)?[ \t]*(?=[^\W\d_])")
_MINUS_BREAK = re.compile(_BREAK.pattern.replace("[-\\u2010\\u00ad]", "-", 1))
_LETTER = re.compile(r"[^\W\d_]")
_MAX_OCCURRENCES = 1000


@dataclass(frozen=True)
class HyphenatedText:
    """A source's text with line-end hyphens marked, folded, and mapped back to the original.

    `folded.original` is the rewritten text; `marks[i]` is the rewritten offset just after
    the i-th removed line break and `removed[i]` the characters removed up to and including it.
    """

    original: str
    folded: NormalisedText
    marks: tuple[int, ...]
    removed: tuple[int, ...]
    joint: str = JOINT  # the character that marks a line-end hyphen in `folded`

    def _to_original(self, offset: int) -> int:
        i = bisect.bisect_right(self.marks, offset) - 1
        return offset + (self.removed[i] if i >= 0 else 0)

    def original_span(self, start: int, end: int) -> Span:
        """Folded [start, end) as a span of the source's own text."""
        rewritten = self.folded.original_span(start, end)
        begin = self._to_original(rewritten.start)
        if rewritten.end <= rewritten.start:
            return Span(begin, begin)
        return Span(begin, self._to_original(rewritten.end - 1) + 1)


def has_breaks(text: str) -> bool:
    """Whether `text` has a line-end hyphen between letters: one `hyphenate` would read both ways."""
    return next(breaks(text), None) is not None


def breaks(text: str) -> Iterator[re.Match[str]]:
    """Each line-end hyphen between letters, with its line break."""
    # A text with no hyphen at all is told some thirty times faster than by the pattern; one with
    # only hyphen-minus is searched by a pattern that starts with it, which sre skips to three
    # times faster than to a class (issue 19: 1.1 s of 200 MB of real text).
    if "\u2010" in text or "\u00ad" in text:
        pattern = _BREAK
    elif "-" in text:
        pattern = _MINUS_BREAK
    else:
        return
    for match in pattern.finditer(text):
        if match.start() and _LETTER.match(text, match.start() - 1):
            yield match


def hyphenate(text: str) -> HyphenatedText | None:
    """The two-reading form of `text`, or None when it has no line-end hyphen between letters."""
    # A source that prints a private-use character itself gets another as its mark, so a
    # character it printed never reads as a line break.
    joint = next((j for j in _JOINTS if j not in text), None)
    if joint is None:
        return None
    pieces: list[str] = []
    marks: list[int] = []
    removed: list[int] = []
    position = length = total = 0
    for match in breaks(text):
        pieces.append(text[position:match.start()])
        pieces.append(joint)
        length += match.start() - position + 1
        total += match.end() - match.start() - 1
        marks.append(length)
        removed.append(total)
        position = match.end()
    if not marks:
        return None
    pieces.append(text[position:])
    return HyphenatedText(text, normalise("".join(pieces)), tuple(marks), tuple(removed), joint)


# From this many parts on, one Aho-Corasick pass over a squeezed source beats an `in` scan a part.
_ONE_PASS_MIN_PARTS = 8


def squeezed(text: str) -> str:
    """Folded text without its hyphens and spaces. Every reading of a source's line-end hyphens
    squeezes to the squeezed source (a line-end hyphen folds to "- ", or to " " when soft), so a
    quote can match under one of them only if each of its squeezed parts is in it."""
    return text.replace("-", "").replace(" ", "")


def squeezed_utf8(text: str) -> bytes:
    """`squeezed(text)` in UTF-8, squeezed as bytes: a source of wide characters takes a quarter
    of the memory its str copies did (issue 19: 60 MB at once for a source of 7 million). No
    other character's UTF-8 holds the byte of "-" or of " ", so exactly those go."""
    return text.encode("utf-8", "surrogatepass").replace(b"-", b"").replace(b" ", b"")


def may_match_across_breaks(quote: str | ParsedQuote, squeezed_source: bytes) -> bool:
    """Whether `find_hyphenated` could find `quote` in a source that squeezes to
    `squeezed_source` (`squeezed_utf8`)."""
    return which_may_match_across_breaks([quote], squeezed_source)[0]


def which_may_match_across_breaks(quotes: Sequence[str | ParsedQuote], squeezed_source: bytes) -> list[bool]:
    """`may_match_across_breaks` for each quote: their squeezed parts found in one pass when
    many (issue 19: a scan of the source for each part of each failed quote took 0.5 s of mix B)."""
    parts = [[squeezed(part) for part in parsed(quote).needle_parts] for quote in quotes]
    wanted = sorted({part for each in parts for part in each if part})
    if len(wanted) < _ONE_PASS_MIN_PARTS:
        present = {part for part in wanted if part.encode("utf-8", "surrogatepass") in squeezed_source}
    else:
        present = {wanted[i] for i in MultiSearch(wanted).present(squeezed_source)}
    present.add("")  # (a part of hyphens alone squeezes to nothing, which every text holds)
    return [bool(each) and all(part in present for part in each) for each in parts]


@functools.lru_cache(maxsize=256)
def _pattern(needle: str, joint: str) -> re.Pattern[str]:
    """The folded quote, with an optional joint between characters and a joint allowed for `-`."""
    items = [f"[-{joint}]" if c == "-" else re.escape(c) for c in needle]
    return re.compile(f"{joint}?".join(items))


def find_hyphenated(quote: str | ParsedQuote, source: HyphenatedText, max_gap: int) -> QuoteMatch | None:
    """Where `quote` occurs when line-end hyphens may be read either way, or None.

    Like `match.find_quote`: the whole quote first, then its elided parts in order, each
    within `max_gap` folded characters of the one before.
    """
    quote = parsed(quote)
    needle = quote.needle
    if not needle or source.joint in needle:
        return None
    pattern = _pattern(needle, source.joint)
    hits = islice(_hits(pattern, source.folded), _MAX_OCCURRENCES)
    first = next(hits, None)
    if first is not None:
        return _result([quote.raw], [needle], [first], source, 1 + sum(1 for _ in hits), elided=False)
    parts = quote.elided
    if not parts:
        return None
    patterns = [_pattern(p, source.joint) for p in parts]
    found: list[tuple[int, int]] | None = None
    count = 0
    for start in _hits(patterns[0], source.folded):
        if count >= _MAX_OCCURRENCES:
            break
        placed = _place_rest(patterns, parts, source.folded, start, max_gap)
        if placed is not None:
            found = found or placed
            count += 1
    if found is None:
        return None
    return _result(quote.parts, parts, found, source, count, elided=True)


def _hits(pattern: re.Pattern[str], folded: NormalisedText, start: int = 0,
          end: int | None = None) -> Iterator[tuple[int, int]]:
    """Each match of `pattern` in folded[start:end] on edges of words and numbers, overlapping
    ones included (a match cut at an edge may overlap one that is not)."""
    text = folded.text
    end = len(text) if end is None else min(end, len(text))
    hit = pattern.search(text, start, end)
    while hit is not None:
        if on_edges(folded, *hit.span()):
            yield hit.span()
        hit = pattern.search(text, hit.start() + 1, end)


def _place_rest(patterns: list[re.Pattern[str]], parts: list[str], folded: NormalisedText,
                first: tuple[int, int], max_gap: int) -> list[tuple[int, int]] | None:
    placed = [first]
    for pattern, part in zip(patterns[1:], parts[1:]):
        previous_end = placed[-1][1]
        # A part with joints is longer than the part itself: allow one joint per character.
        hit = next(_hits(pattern, folded, previous_end, previous_end + max_gap + 2 * len(part)), None)
        if hit is None or hit[0] - previous_end > max_gap:
            return None
        placed.append(hit)
    return placed


def readings(window: str, needle: str, joint: str = JOINT) -> list[str] | None:
    """The reading of each joint in a matched `window` of folded text, in order."""
    chosen: list[str] = []
    k = 0
    for char in window:
        if char == joint:
            # The character after a joint is a letter, so a `-` here can only be the hyphen kept.
            if k < len(needle) and needle[k] == "-":
                chosen.append(KEPT)
                k += 1
            else:
                chosen.append(JOINED)
        elif k < len(needle) and needle[k] == char:
            k += 1
        else:
            return None
    return chosen if k == len(needle) else None


def _result(quote_parts: list[str], needles: list[str], ranges: list[tuple[int, int]],
            source: HyphenatedText, count: int, elided: bool) -> QuoteMatch:
    folded = source.folded
    used: set[str] = set()
    for part, needle, (start, end) in zip(quote_parts, needles, ranges):
        chosen = readings(folded.text[start:end], needle, source.joint) or []
        used.update(chosen)
        # The passage as the chosen readings print it, for the ordinary folds it still needs.
        rewritten = folded.original_span(start, end)
        used.update(folds_needed(part, _as_read(source, rewritten, chosen)))
    spans = tuple(source.original_span(a, b) for a, b in ranges)
    folds = tuple(f for f in (*FOLD_NAMES, *HYPHEN_FOLDS) if f in used)
    return QuoteMatch(spans, folds, count, elided)


def _as_read(source: HyphenatedText, rewritten: Span, chosen: list[str]) -> str:
    """The rewritten passage with each joint as read: gone, or the source's own hyphen."""
    passage = source.folded.original[rewritten.start:rewritten.end]
    pieces: list[str] = []
    position = 0
    for reading in chosen:
        at = passage.find(source.joint, position)
        if at == -1:
            break
        hyphen = source.original[source._to_original(rewritten.start + at)]
        pieces += [passage[position:at], "" if reading == JOINED else hyphen]
        position = at + 1
    return "".join(pieces) + passage[position:]
