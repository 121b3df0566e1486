"""Reads the figures a text states in words (`forty-eighth`, `two dozen`, `a hundred`) (pure, no I/O).

The rules are the Decisions in `figures`: words match on word boundaries only; a lone "one",
"first" or "second" counts only where it states a number.
"""

from __future__ import annotations

import re

from briefing.verify import units
from briefing.verify.trie import trie_pattern

# Internally a figure is (start, end, value, unit, ordinal, measure): building a frozen dataclass
# per number costs more than finding it, and quotes only need (value, unit, measure).
Raw = tuple[int, int, str, str, bool, str]


_SEP = r"[\s\-\u2010\u2011]+"


def _lexicon() -> dict[str, tuple[str, int, bool]]:
    """Number word -> (kind, value, ordinal)."""
    lex: dict[str, tuple[str, int, bool]] = {}
    words = [
        ("unit", 0, "zero one two three four five six seven eight nine"),
        ("teen", 10, "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"),
        ("unit", 1, "first second third fourth fifth sixth seventh eighth ninth"),
        ("teen", 10, "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth "
                     "eighteenth nineteenth"),
    ]
    for kind, base, names in words:
        ordinal = names.endswith("th")
        for i, name in enumerate(names.split()):
            lex[name] = (kind, base + i, ordinal)
    tens = "twenty thirty forty fifty sixty seventy eighty ninety".split()
    for i, name in enumerate(tens, 2):
        lex[name] = ("tens", i * 10, False)
        lex[name[:-1] + "ieth"] = ("tens", i * 10, True)
    lex["hundred"], lex["hundredth"] = ("hundred", 100, False), ("hundred", 100, True)
    for power, name in enumerate(("thousand", "million", "billion", "trillion"), 1):
        lex[name] = ("scale", 1000**power, False)
        lex[name + "th"] = ("scale", 1000**power, True)
    lex["dozen"] = ("dozen", 12, False)
    return lex


_LEX = _lexicon()
_ALT = trie_pattern(_LEX)
_WORD_RUN = re.compile(rf"\b(?:{_ALT})\b(?:{_SEP}(?:and\s+)?(?:{_ALT})\b)*", re.IGNORECASE)
TOKEN = re.compile(r"[A-Za-z]+")
PERCENT_PATTERN = r"[ \u00a0\u2009\u202f]?%|\s+per[ \-\u2010\u2011]?cent\b|[ \u00a0]?pct\b|pc\b"
_PERCENT = re.compile(PERCENT_PATTERN, re.IGNORECASE)
# A percent followed by "points" is percentage points ("5% points", "5 per cent points"), not
# percent (issue 15 §3).
POINTS = re.compile(r"(?:[ \u00a0]|-|\u2010|\u2011)?points?\b", re.IGNORECASE)
_A_BEFORE = re.compile(r"\ba\s+$", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)" + _SEP + "$")
_WORD_AFTER = re.compile(r"['\u2019]s\b|" + _SEP + r"([^\W\d_]+)")
_ONE_BY = re.compile(r"\bone" + _SEP + "by" + _SEP + "$", re.IGNORECASE)

_ONE_PRONOUN_BEFORE = frozenset(
    "no the this that each any every which either neither another".split())
_ONE_PRONOUN_AFTER = frozenset(
    "of another by day who whom whose which that else sided off".split())
_AT_ONE = frozenset("point time stage moment".split())
_EVENT_NOUNS = frozenset(
    "anniversary anniversaries session sessions summit meeting conference congress convention "
    "assembly round term century edition reading plenary".split())


def _word_before(text: str, start: int) -> str:
    m = _WORD_BEFORE.search(text, max(0, start - 24), start)
    return m.group(1).lower() if m else ""


def _word_after(text: str, end: int) -> str:
    m = _WORD_AFTER.match(text, end)
    if not m:
        return ""
    return "'s" if m.group(1) is None else m.group(1).lower()


def _parse_words(tokens: list[tuple[str, int, int]], i: int) -> tuple[int, bool, int] | None:
    """Longest English number starting at tokens[i]: (value, ordinal, index after it)."""
    total, group, has_hundred = 0, None, False
    last, last_scale, j, end_j, ordinal = "", 10**18, i, i, False
    if tokens[i][0] == "a":  # "a hundred", "a million", "a dozen"
        group, last, j = 1, "unit", i + 1
    while j < len(tokens):
        word = tokens[j][0]
        if word == "and":
            following = _LEX.get(tokens[j + 1][0]) if j + 1 < len(tokens) else None
            if last in ("hundred", "scale") and following and following[0] in ("unit", "teen", "tens"):
                last, j = "and", j + 1
                continue
            break
        kind, value, is_ordinal = _LEX[word]
        after_hundred = last in ("hundred", "and") and group is not None and group % 100 == 0
        if kind in ("unit", "teen", "tens"):
            if group is None and last in ("", "scale", "and"):
                group = value
            elif kind == "unit" and last == "tens" and value > 0:
                assert group is not None  # a tens word ("twenty") always leaves a group open
                group += value
            elif after_hundred and value > 0:
                assert group is not None  # after_hundred says so
                group += value
            else:
                break
        elif kind == "hundred":
            if last not in ("unit", "teen") or has_hundred or not group:
                break
            group, has_hundred = group * 100, True
        elif kind == "scale":
            if not group or last == "and" or value >= last_scale:
                break
            total, group, last_scale, has_hundred = total + group * value, None, value, False
        else:  # dozen
            if last not in ("unit", "teen", "tens") or has_hundred or not group:
                break
            group *= 12
        last, j, end_j = kind, j + 1, j + 1
        if is_ordinal or kind == "dozen":
            ordinal = is_ordinal
            break
    if end_j == i or (tokens[i][0] == "a" and end_j == i + 1):
        return None
    return total + (group or 0), ordinal, end_j


def _counts(text: str, word: str, start: int, end: int) -> bool:
    """Whether a lone "one", "first" or "second" states a number here (see Decisions)."""
    after = _word_after(text, end)
    if word in ("first", "second"):
        return after in _EVENT_NOUNS
    before = _word_before(text, start)
    if before in _ONE_PRONOUN_BEFORE or after in _ONE_PRONOUN_AFTER or after == "'s":
        return False
    if before == "at" and after in _AT_ONE:
        return False
    return not (before == "by" and _ONE_BY.search(text, max(0, start - 24), start))


def word_figures(text: str) -> list[Raw]:
    out: list[Raw] = []
    for run in _WORD_RUN.finditer(text):
        base = run.start()
        tokens = [(t.group().lower(), base + t.start(), base + t.end()) for t in TOKEN.finditer(run.group())]
        a = _A_BEFORE.search(text, max(0, base - 8), base)
        if a and _LEX[tokens[0][0]][0] in ("hundred", "scale", "dozen"):
            tokens.insert(0, ("a", a.start(), a.start() + 1))
        i = 0
        while i < len(tokens):
            if tokens[i][0] == "and" or _LEX.get(tokens[i][0], ("",))[0] in ("hundred", "scale", "dozen"):
                i += 1  # a bare scale ("several hundred") is vague
                continue
            parsed = _parse_words(tokens, i)
            if parsed is None:
                i += 1
                continue
            value, ordinal, j = parsed
            start, end = tokens[i][1], tokens[j - 1][2]
            unit, measure = "", ""
            if not ordinal:
                percent = _PERCENT.match(text, end)
                if percent:
                    points = POINTS.match(text, percent.end())
                    unit, end = ("percentage points", points.end()) if points else ("percent", percent.end())
                # "five percentage points", "nine million dollars"
                elif (spaced := units.spaced(text, end)) is not None:
                    if spaced[0] == "strict":
                        unit, end = spaced[1], spaced[2]
                    else:
                        measure = spaced[1]
            lone = j == i + 1 and tokens[i][0] in ("one", "first", "second")
            if unit or not lone or _counts(text, tokens[i][0], start, end):
                out.append((start, end, str(value), unit, ordinal, measure))
            i = j
    return out


