"""Word-level differences between a failed quote and its nearest passage (pure).

Both sides are folded first (issue #2, "What verbatim means"), so the changes shown are the
ones that matter: `83` vs `63`, `Khojali` vs `Khojaly`. A change between look-alike words
names the differing code points, since a Cyrillic `а` and a Latin `a` print the same.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from briefing.models import WordChange
from briefing.text import fold
from briefing.verify.quote import ParsedQuote, parsed

# More changes than this stop being readable; the closest ones are merged until it fits.
MAX_CHANGES = 8
# Words of a quote and its passage (after their common start and end) that difflib compares;
# beyond this they are shown as one change, so a long misquote is explained in bounded time.
MAX_DIFF_TOKENS = 2000
# Look-alike letters are looked for (character by character, quadratic) only in changes this short.
_MAX_NOTE_CHARS = 5000

# Characters that print as nothing; a word holding one is kept whole so its change is shown.
_INVISIBLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
              "\u3164\ufe00-\ufe0f\uffa0\ufeff\U000e0000-\U000e01ef")
_WORD_CHAR = rf"[\w\u0300-\u036f{_INVISIBLE}]"
# A word keeps inner punctuation (1,275; 48/48-POL; don't; 2.5) so a figure is one token;
# other punctuation stands alone, so "children," and "children" differ only by the comma.
_TOKEN = re.compile(rf"{_WORD_CHAR}+(?:[.,'\-/:]{_WORD_CHAR}+)*|\S")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _describe(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}"


def is_invisible(c: str) -> bool:
    """Prints as nothing, or changes only how its neighbours print: format and control
    characters, the Hangul fillers, and the marks that are selectors or joiners."""
    return (unicodedata.category(c) in ("Cf", "Cc")
            or c in "\u115f\u1160\u3164\uffa0\u034f\u17b4\u17b5\u180b\u180c\u180d\u180f"
            or 0xFE00 <= ord(c) <= 0xFE0F or 0xE0100 <= ord(c) <= 0xE01EF)


def _notes(quote: str, source: str) -> tuple[str, ...]:
    """Name look-alike letters swapped between the two sides, and any invisible character."""
    notes: list[str] = []
    # Two ASCII sides swap no look-alike letters: the character diff is skipped.
    compare = max(len(quote), len(source)) <= _MAX_NOTE_CHARS and not (quote.isascii() and source.isascii())
    matcher = difflib.SequenceMatcher(None, quote, source, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes() if compare else ():
        if op != "replace" or i2 - i1 != j2 - j1:
            continue
        for q, s in zip(quote[i1:i2], source[j1:j2]):
            if q != s and not (q.isascii() and s.isascii()) and not (is_invisible(q) or is_invisible(s)):
                notes.append(f"quote has {_describe(q)} where the source has {_describe(s)}")
    notes += [f"quote has invisible {_describe(c)}" for c in dict.fromkeys(quote) if is_invisible(c)]
    notes += [f"source has invisible {_describe(c)}" for c in dict.fromkeys(source) if is_invisible(c)]
    return tuple(dict.fromkeys(notes))


def _merge_closest(changes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Join the two changes with the fewest unchanged words between them, until few enough."""
    while len(changes) > MAX_CHANGES:
        gaps = [changes[k + 1][0] - changes[k][1] + changes[k + 1][2] - changes[k][3]
                for k in range(len(changes) - 1)]
        k = gaps.index(min(gaps))
        (i1, _, j1, _), (_, i2, _, j2) = changes[k], changes[k + 1]
        changes[k:k + 2] = [(i1, i2, j1, j2)]
    return changes


def word_changes(quote: str | ParsedQuote, passage: str) -> tuple[WordChange, ...]:
    """The word-level changes that turn the passage into the quote, on folded text."""
    q_text, s_text = parsed(quote).needle, fold(passage).strip()
    q_tokens, s_tokens = _tokens(q_text), _tokens(s_text)
    q_words_, s_words_ = [t[0] for t in q_tokens], [t[0] for t in s_tokens]
    # The common start and end are equal anyway; difflib is quadratic, so only the rest is
    # compared, and a rest too long to compare in bounded time is one change.
    shortest = min(len(q_words_), len(s_words_))
    head = 0
    while head < shortest and q_words_[head] == s_words_[head]:
        head += 1
    tail = 0
    while tail < shortest - head and q_words_[-1 - tail] == s_words_[-1 - tail]:
        tail += 1
    q_end, s_end = len(q_words_) - tail, len(s_words_) - tail
    if max(q_end, s_end) - head > MAX_DIFF_TOKENS:
        opcodes = [(head, q_end, head, s_end)]
    else:
        matcher = difflib.SequenceMatcher(None, q_words_[head:q_end], s_words_[head:s_end], autojunk=False)
        opcodes = [(head + i1, head + i2, head + j1, head + j2)
                   for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    changes = _merge_closest(opcodes)

    def words(text: str, tokens: list[tuple[str, int, int]], a: int, b: int) -> str:
        # The folded text itself, not tokens rejoined, so "children," keeps its comma in place.
        return text[tokens[a][1]:tokens[b - 1][2]] if b > a else ""

    result: list[WordChange] = []
    for i1, i2, j1, j2 in changes:
        q_words, s_words = words(q_text, q_tokens, i1, i2), words(s_text, s_tokens, j1, j2)
        kind = "replace" if q_words and s_words else "delete" if q_words else "insert"
        result.append(WordChange(kind, q_words, s_words, _notes(q_words, s_words)))
    return tuple(result)
