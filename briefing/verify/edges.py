"""Where a quote may begin and end in its source: on word and number edges (pure).

Issue 15 §1. Matching finds a quote's text anywhere, so "613" sits inside "1,613", "lawful"
inside "unlawful" and "5 million" inside "2.5 million". A match counts only where each of its
parts begins and ends on an edge of the source: where the part begins (ends) with a letter or
digit, the source must not continue that word or number just outside it, with

- a letter, a digit or a combining mark (a mark right after a letter is part of its word);
- a digit after a separator that joins digits: `,` `.` `'` (1,613 · 2.5 · 1'613) and the
  spaces that group digits (U+00A0, U+202F, U+2009), read from the source's own characters,
  since the whitespace fold makes every space one " ";
- a letter after an apostrophe that joins letters ("can't", "O'Brien"), except a possessive
  "'s" after the quote's end ("Azerbaijan's" may be quoted "Azerbaijan");
- a letter or digit after a hyphen (not a dash) that joins it to the quote's letter or digit:
  "government protesters" is not what "anti-government protesters" says, nor "1994 war" what
  "1990-1994 war" says;
- a digit after a slash between digits ("9/11", "12/05/2020"): "11 attacks" is a piece of it.

A part that begins (ends) with such a separator ("in 2.", ".5 million") may not have a digit
(a letter, for the apostrophe) on the other side of it in the source. A hyphen between letters
at a line end ("man-⏎agement") is no edge either: the word may go on across it, so a part may
not begin or end there (the hyphenation matcher's joint, which stands for such a hyphen, is
read the same way). Invisible characters
(zero-width spaces, joiners, bidi controls) are looked through: they do not end a word.
Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Myanmar,
Tibetan) have no edges to check between letters: a quote may begin at any of their characters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from briefing.text import NormalisedText
from briefing.verify.diff import is_invisible

# Separators a number is written with: a quote may not begin or end between two of its digits.
# Besides , . ' (1,613 · 2.5 · 1'613): the Arabic decimal and thousands separators (٢٫٥ · ١٬٦١٣),
# the middle dot of a decimal (2·5), a colon (a time or a ratio: 19:10, 3:1) and the fraction
# and division slashes (3⁄4) (issue 15 §1: "10 the meeting began" is not what "19:10 the
# meeting began" says).
DIGIT_JOINERS = ",.'\u066b\u066c\u00b7:"
# Slashes between digits ("9/11", "3⁄4", "3∕4").
DIGIT_SLASHES = "/\u2044\u2215"
# Spaces that group digits (1 613, the figure space included); after the whitespace fold the
# source reads " " for them.
GROUPING_SPACES = "\u00a0\u202f\u2009\u2007"
_APOSTROPHE = "'"  # (the quotes fold makes U+2019 one too)
# Characters outside a part that end any word beside them; beside a digit, a space or `,` `.`
# may still group or separate digits, so that case is looked at closely.
PLAIN = frozenset(" ,.;:!?()[]\"")
# The private-use characters `hyphenation` marks a line-end hyphen with: they join a word.
_JOINT_RANGE = ("\ue000", "\ue0ff")
# The hyphens a line end may break a word at (after the dashes fold, each reads "-").
_BREAK_HYPHENS = "-\u2010"
# Hyphens that join the letters or digits beside them into one word or range ("government
# protesters" is not what "anti-government protesters" says): en and em dashes do not.
WORD_HYPHENS = "-\u2010\u2011"
# A part ending in one of these is looked at closely even before a space: a digit (1 613), a hyphen (a line end).
QUICK_NOT = frozenset("0123456789-")
# How many invisible characters are looked through for the character outside an edge.
_INVISIBLE_RUN = 8

# Blocks of scripts written without spaces between words (issue 15 §1: no edge between letters).
_UNSPACED = ((0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF),
             (0x2E80, 0x2FDF), (0x3040, 0x30FF), (0x3100, 0x31FF), (0x3400, 0x4DBF),
             (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x3FFFF))


def is_mark(c: str) -> bool:
    """A combining mark: it continues the word of the letter before it."""
    return unicodedata.category(c)[0] == "M"


def is_word(c: str) -> bool:
    """A letter, a digit or a combining mark: a character that a word or number is made of."""
    return c.isalnum() or (not c.isascii() and is_mark(c))


def _unspaced(c: str) -> bool:
    code = ord(c)
    return code >= 0x0E00 and any(low <= code <= high for low, high in _UNSPACED)


def _continues(outside: str, inside: str) -> bool:
    """Whether `outside`, just beside the quote's `inside` character, continues its word."""
    if outside.isascii() and inside.isascii():  # (most prose: no category look-up)
        return outside.isalnum() and inside.isalnum()
    if _JOINT_RANGE[0] <= outside <= _JOINT_RANGE[1]:
        return inside.isalnum()
    if is_mark(outside) or is_mark(inside):
        return is_word(outside) and is_word(inside)
    if not (outside.isalnum() and inside.isalnum()):
        return False
    if outside.isdigit() and inside.isdigit():
        return True
    return not (_unspaced(outside) or _unspaced(inside))


def _invisible(c: str) -> bool:
    return (c < " " or c == "\x7f") if c.isascii() else is_invisible(c)


def _before(text: str, i: int) -> int:
    """Offset of the visible character before offset i (-1 if none), looking through invisibles."""
    j, limit = i - 1, i - 1 - _INVISIBLE_RUN
    while j >= 0 and j > limit and _invisible(text[j]):
        j -= 1
    return j


def _after(text: str, i: int) -> int:
    """Offset of the visible character at or after offset i (len(text) if none)."""
    j, limit = i, i + _INVISIBLE_RUN
    while j < len(text) and j < limit and _invisible(text[j]):
        j += 1
    return j


def _joins_digits(source: NormalisedText, left: int, sep: int, right: int) -> bool:
    """Whether the folded character at `sep`, between digits at `left` and `right`, joins them."""
    c = source.text[sep]
    if c in DIGIT_JOINERS:
        return True
    if c != " ":
        return False
    # The fold made the source's spaces one " ": only one grouping space between the digits joins.
    between = source.original[source.to_original_end(left + 1):source.to_original(right)]
    return len(between) == 1 and between in GROUPING_SPACES


def _word_hyphen(source: NormalisedText, sep: int) -> bool:
    """Whether the folded "-" at `sep` is a hyphen in the source, not a dash (the dashes fold
    makes en and em dashes "-" too, and "Khojaly—the site" has an edge at its dash)."""
    return source.text[sep] == "-" and source.original[source.to_original(sep)] in WORD_HYPHENS


def _joined(source: NormalisedText, left: int, sep: int, right: int) -> bool:
    """Whether the separator at `sep` joins the characters at `left` and `right` into one token."""
    text = source.text
    if not (0 <= left and right < len(text)):
        return False
    a, b = text[left], text[right]
    if a.isalnum() and b.isalnum() and _word_hyphen(source, sep):
        return True  # "anti-government", "Co-operation", "1990-1994": one word or range
    if a.isdigit() and b.isdigit():
        return text[sep] in DIGIT_SLASHES or _joins_digits(source, left, sep, right)  # "9/11", "20/30"
    return text[sep] == _APOSTROPHE and a.isalpha() and b.isalpha()


def _line_end_break(source: NormalisedText, hyphen: int) -> bool:
    """Whether the folded "-" at `hyphen`, and the " " after it, are a hyphen between letters at
    a line end of the source ("man-⏎agement")."""
    text = source.text
    if not (0 < hyphen < len(text) - 2 and text[hyphen] == "-" and text[hyphen + 1] == " "
            and text[hyphen - 1].isalpha() and text[hyphen + 2].isalpha()):
        return False
    at = source.to_original(hyphen)
    return source.original[at] in _BREAK_HYPHENS and "\n" in source.original[at:source.to_original(hyphen + 2)]


def _soft_break(source: NormalisedText, space: int) -> bool:
    """Whether the folded " " at `space`, between two letters, stands for a soft hyphen at a
    line end of the source ("man\u00ad⏎agement"): printed there as a hyphen, folded away."""
    text = source.text
    if not (source.soft_hyphens and 0 < space < len(text) - 1 and text[space] == " "
            and text[space - 1].isalpha() and text[space + 1].isalpha()):
        return False
    between = source.original[source.to_original_end(space):source.to_original(space + 1)]
    return "\u00ad" in between and "\n" in between


def clean_start(source: NormalisedText, start: int) -> bool:
    """Whether a part beginning at folded offset `start` begins on an edge of the source."""
    text = source.text
    if start <= 0 or start >= len(text):
        return True
    first = text[start]
    p = _before(text, start)
    if p < 0:
        return True
    if is_word(first):
        if _continues(text[p], first):
            return False
        if text[p] == " " and p > 0 and (_line_end_break(source, p - 1) or _soft_break(source, p)):
            return False
        return not _joined(source, _before(text, p), p, start)
    if first == "-" and _line_end_break(source, start):  # "-⏎agement": the rest of a word broken at a line end
        return False
    if first in DIGIT_JOINERS or first in DIGIT_SLASHES or first == "-":  # ".5 million", ",613", "'s", "-known", "/11"
        nxt = _after(text, start + 1)
        return not _joined(source, p, start, nxt) if nxt < len(text) else True
    return not _JOINT_RANGE[0] <= first <= _JOINT_RANGE[1]


def clean_end(source: NormalisedText, end: int) -> bool:
    """Whether a part ending at folded offset `end` (exclusive) ends on an edge of the source."""
    text = source.text
    if end <= 0 or end >= len(text):
        return True
    last = end - 1
    n = _after(text, end)
    if n >= len(text):
        return True
    if is_word(text[last]):
        if _continues(text[n], text[last]) or _line_end_break(source, n) or _soft_break(source, n):
            return False
        following = _after(text, n + 1)
        if text[n] == _APOSTROPHE and _possessive(text, following):
            return True
        return not _joined(source, last, n, following)
    if text[last] in DIGIT_JOINERS or text[last] in DIGIT_SLASHES or (
            text[last] == "-" and not _line_end_break(source, last)):
        return not _joined(source, _before(text, last), last, n)  # "in 2." before "5"; "can'"; "well-"
    # "com-" before a line end, as the text stands or as the hyphenation matcher's joint
    return not (_line_end_break(source, last) or _JOINT_RANGE[0] <= text[last] <= _JOINT_RANGE[1])


def _possessive(text: str, at: int) -> bool:
    """An "s" ending a word at `at`: the "'s" of a possessive, which a quote may leave out."""
    return at < len(text) and text[at] in "sS" and (at + 1 >= len(text) or not is_word(text[at + 1]))


def on_edges(source: NormalisedText, start: int, end: int) -> bool:
    """Whether the folded range [start, end) begins and ends on edges of the source."""
    text = source.text
    # Most matches sit between spaces or punctuation that joins nothing: told without a call (a
    # space may still group digits, or follow a line-end hyphen, or stand for a soft one: those
    # are looked at closely).
    quick = not source.soft_hyphens
    return ((start == 0 or quick and text[start - 1] in PLAIN and text[start - 2] != "-" and not text[start].isdigit()
             or clean_start(source, start))
            and (end >= len(text) or quick and text[end] in PLAIN and text[end - 1] not in QUICK_NOT
                 or clean_end(source, end)))


@dataclass(frozen=True)
class Cut:
    """A part that begins or ends inside a word or number of the source."""

    side: str  # "starts" or "ends"
    start: int  # folded range of the whole word or number it cuts
    end: int

    def kind(self, text: str) -> str:
        return "word" if any(c.isalpha() for c in text[self.start:self.end]) else "number"


def cuts(source: NormalisedText, start: int, end: int) -> list[Cut]:
    """The edges of the folded range [start, end) that fall inside a word or number."""
    found: list[Cut] = []
    if not clean_start(source, start):
        found.append(Cut("starts", *token_around(source, start)))
    if not clean_end(source, end):
        found.append(Cut("ends", *token_around(source, end)))
    return found


def token_around(source: NormalisedText, at: int) -> tuple[int, int]:
    """The folded range of the word or number that the edge at offset `at` falls inside."""
    text = source.text
    low = at
    while low > 0:
        if _inside(source, low - 1):
            low -= 1
        else:
            break
    high = at
    while high < len(text):
        if _inside(source, high):
            high += 1
        else:
            break
    return low, high


def _inside(source: NormalisedText, i: int) -> bool:
    """Whether the character at i belongs to a word or number (a separator only between two of its characters)."""
    c = source.text[i]
    if is_word(c) or _invisible(c):
        return True
    if c == "-" and _line_end_break(source, i) or c == " " and i > 0 and _line_end_break(source, i - 1):
        return True
    return 0 < i < len(source.text) - 1 and _joined(source, i - 1, i, i + 1)
