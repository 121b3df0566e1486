"""What a figure counts, read from the words around it, and whether two figures count the same (pure).

Issue 7: for "where the sources disagree", two figures in different sources state the same
quantity only when each of these steps lets them through (`score`); every step can only say no.

1. The counted noun (`Reading.key`). The words right after the number ("63 children", "1,275
   innocent people"), a unit first ("600 metres underground"), the noun after "of the"
   ("88 of the 200 seats"), or for a bare number the noun a linking word ties it to ("the
   crowd at 25,000", "the death toll rose to 38"). Nouns compare by class (`lexicon.CLASSES`):
   "people", "civilians" and "residents" are persons; a subgroup beats the head ("70 elderly
   people" counts the elderly).
2. Values that can both be right are no disagreement: "about 600" and "613", "at least 150"
   and "212" (`_interval`). Values more than MAX_RATIO apart are a part and its whole.
3. Nothing that tells two quantities apart may clash: what happened to them (`lexicon.EVENTS`,
   from the figure's clause or the verb its list shares; "injured" and "disabled" are one
   class), quantifying words ("lost both parents" against "lost one parent", "85 new cases"),
   the time of the clause ("in March", "in 2021", "last year"), years in the sentence, the side
   a modifier names ("Ostrian soldiers"), names in the sentence, and names in the passage
   around it (two articles about different places share none).
4. The sentences must share enough content words, each read as its class: MIN_SCORE when both
   say the same thing happened, MIN_SCORE_UNSURE when one or neither says.

Not counts, never compared: ordinals ("48th session" names which, not how many), years (four
digits from 1800 to 2100 without a separator), durations ("31 years ago" depends on when each
source was written), days and times beside a month or a colon, identifiers after a label
("Paragraph 117", "No. 48"), ranges ("25-26", "between 400 and 750"), the whole a part is
counted out of ("of the 200 seats"), an earlier value ("up from 58 percent"), and numbers that
count nothing a reader can name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from briefing.models import Figure, Span
from briefing.verify.figure_context import SENTENCE_END, WORD, passage_names, sentence_words
from briefing.verify.lexicon import (
    APPROX,
    DATE_WORDS,
    DURATIONS,
    EVENT_CLASS,
    EVENT_VERBS,
    LINKING,
    NOUN_CLASS,
    NUMBER_WORDS,
    NUMERALS,
    PREVIOUS,
    QUANTIFIERS,
    STOP,
    TIME_MARKS,
    UNITS,
    VERBS,
    WEEKDAYS,
    stem,
)

# Share of content words two sentences must have in common (overlap coefficient: shared
# words over the smaller sentence's words, each word read as its event or noun class) to be
# about the same quantity, when both say the same thing happened to the counted things ...
MIN_SCORE = 0.2
# ... and when one of them, or neither, says what happened.
MIN_SCORE_UNSURE = 0.4
# Values further apart than this factor are a part and its whole ("56 of them were killed with
# particular cruelty" against "613 killed"), not two counts of one quantity.
MAX_RATIO = 5.0

_AFTER = re.compile(r"(?:[ \t]+|[ \t]*\n[ \t]*(?!\s))([^\W\d_][\w'\u2019.-]*)")
_OF_THE = re.compile(r"\s+of\s+(?:the|its|their|all)\s+(?:\d[\d,]*\s+|\d[\d,]*-\S+\s+)?"
                     r"([^\W\d_][\w'\u2019-]*)")
_YEAR = re.compile(r"(?<![\d,.])(1[89]\d\d|20\d\d)(?!\d|,\d)")
_CLAUSE_END = re.compile(r"[,;:()\u2014]|\s\u2013\s|\s(?:and|but|while|whereas|or)\s")
_HAS_NUMBER = re.compile(r"\d")
# A list item: a clause that starts (after "and" or "including") with a number.
_ITEM = re.compile(r"[,;\s]*(?:(?:and|or|including|of whom|among them)\s+)?(?:\d|(?:"
                   + "|".join(NUMBER_WORDS) + r")\b)", re.IGNORECASE)
# A month, weekday or "No." right before a number: a day or an identifier, not a count.
_DATE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(DATE_WORDS)) + r"|no|number)\.?\s*$", re.IGNORECASE)
# A capitalised word right before a number, one space between: "Paragraph 117".
_LABEL = re.compile(r"(?<![^\s(\[])([A-Z][^\W\d_]*) $")
_RANGE_AFTER = re.compile(r"\s*(?:to|and|or|-|\u2013)\s*\d")
_RANGE_BEFORE = re.compile(r"(?:\d\s*(?:-|\u2013)|\d\s+(?:to|and|or)|between|from)\s*$", re.IGNORECASE)


# --- readings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """A figure in a source, with what it counts and the words around it."""

    source: str
    span: Span  # the figure
    value: str
    unit: str
    key: str  # what it counts: a noun class, a unit, or a stemmed noun ("%" prefix for percents)
    noun: str  # the figure with its counted noun as written, e.g. "83 children"
    approx: str = ""  # "~", ">", "<" or "" (exact)
    events: frozenset[str] = frozenset()  # what happened to the counted things
    quals: frozenset[str] = frozenset()  # quantifying words in its clause
    times: frozenset[str] = frozenset()  # words putting it at another time
    sides: frozenset[str] = frozenset()  # capitalised modifiers of its noun ("Ostrian soldiers")
    years: frozenset[str] = frozenset()  # years in its sentence
    names: frozenset[str] = frozenset()  # capitalised words inside its sentence (weekdays aside)
    words: frozenset[str] = frozenset()  # its sentence's content words, as classes or stems
    sentence: Span = field(default=Span(0, 0))
    topic: frozenset[str] = frozenset()  # names in the passage around it


def noun_phrase(words: Sequence[str]) -> list[str]:
    """The counted noun phrase: the words after a number up to a stop word or a verb."""
    phrase: list[str] = []
    for word in words[:3]:
        clean, stops, verb, sentence_end = _role(word)
        if stops or (phrase and verb):
            break
        phrase.append(clean)
        if sentence_end:
            break
    while phrase and phrase[-1].lower() in EVENT_VERBS:  # "31 dead": no noun
        phrase.pop()
    return phrase


@functools.lru_cache(maxsize=65536)
def _role(word: str) -> tuple[str, bool, bool, bool]:
    """What a word does in a noun phrase, cached (it runs for every number): (the word without
    a sentence's full stop, whether the phrase stops before it, whether it does so unless the
    word comes first (a verb), whether the phrase stops after it (a full stop))."""
    abbreviation = word.count(".") > 1  # "U.S."
    clean = word if abbreviation else word.rstrip(".")
    lower = clean.lower()
    return (clean, lower in STOP or lower in VERBS or lower in NUMERALS or lower in TIME_MARKS,
            lower in EVENT_VERBS or lower.endswith("ed"), word.endswith(".") and not abbreviation)


def key_of(phrase: Sequence[str]) -> str:
    """What a phrase counts: a unit first, then a subgroup before persons, else its last noun."""
    return _head(phrase)[0]


def _head(phrase: Sequence[str]) -> tuple[str, int]:
    """(what the phrase counts, where its noun ends): "70 elderly people" counts the elderly and
    ends at "people"; "600 metres underground" counts metres and ends there."""
    nouns = [_noun(w) for w in phrase]
    if nouns[0][0] in UNITS:
        return nouns[0][0], 0
    named = [i for i, (_, noun_class, _) in enumerate(nouns) if noun_class]
    specific = [i for i in named if nouns[i][1] != "persons"]
    if named:
        return nouns[(specific or named)[0]][1], named[-1]  # type: ignore[return-value]
    # A count is of a plural: "Thirty fire engines fought" counts engines.
    plural = [i for i, (_, _, is_plural) in enumerate(nouns) if is_plural]
    last = plural[-1] if plural else len(phrase) - 1
    return nouns[last][0], last


@functools.lru_cache(maxsize=65536)
def _noun(word: str) -> tuple[str, str | None, bool]:
    """(stem, noun class, whether it is a plural), cached: it runs for every count."""
    stemmed = stem(word)
    return stemmed, NOUN_CLASS.get(stemmed), word.lower().endswith("s") and stemmed != word.lower()


def words_after(text: str, end: int) -> list[str]:
    """Up to three words after `end`, with only spaces (or one line break) between them."""
    words: list[str] = []
    position = end
    while len(words) < 3:
        m = _AFTER.match(text, position)
        if m is None:
            break
        words.append(m.group(1))
        position = m.end()
        if m.group(1).endswith(".") and m.group(1).count(".") == 1:
            break
    return words


def _words_before(text: str, start: int, count: int) -> list[str]:
    """Up to `count` words before `start` in the same clause, nearest last."""
    low = max(0, start - 12 * count)
    cut = low
    for m in _CLAUSE_END.finditer(text, low, start):
        cut = m.end()
    for m in SENTENCE_END.finditer(text, low, start):
        cut = max(cut, m.end())
    return WORD.findall(text, cut, start)[-count:]


def key_before(text: str, start: int) -> tuple[str, str] | None:
    """For a bare number, the noun it is linked to: (key, noun), e.g. "the crowd at 25,000"."""
    if any(w.lower() == "toll" for w in _words_before(text, start, 16)):  # "the death toll rose to 38"
        return "persons", "toll"
    before = _words_before(text, start, 8)
    if not before or before[-1].lower() not in LINKING:
        return None  # a bare number is linked to a noun only through "of", "at", "to", "was" ...
    for word in reversed(before[-5:]):
        lower = word.lower()
        if lower in LINKING:
            continue
        if lower in STOP or lower in VERBS or lower in EVENT_CLASS or lower in DATE_WORDS \
                or lower.endswith("ed") or word[:1].isupper():
            return None
        return NOUN_CLASS.get(stem(word)) or stem(word), word
    return None


def _skip(text: str, figure: Figure) -> bool:
    """Figures that are not counts: ordinals, years, days and times, identifiers, ranges, wholes
    and earlier values."""
    if figure.ordinal:
        return True
    if figure.text.isdigit() and len(figure.text) == 4 and 1800 <= int(figure.text) <= 2100:
        return True
    if text[figure.start - 1:figure.start] == ":" or text[figure.end:figure.end + 1] == ":":
        return True
    before = text[max(0, figure.start - 30):figure.start]
    words = WORD.findall(before)
    if _DATE_BEFORE.search(before):
        return True  # "February 26", "Feb. 25", "No. 48"
    after = words_after(text, figure.end)
    if after and after[0].lower().rstrip(".,") in DATE_WORDS:
        return True
    label = _LABEL.search(before)
    if label and label.group(1).lower() not in STOP and label.group(1).lower() not in NUMERALS:
        return True  # an identifier after a label: "Paragraph 117", "Resolution 242"
    lowered = " ".join(w.lower() for w in words[-2:])
    if any(lowered == p or lowered.endswith(" " + p) for p in PREVIOUS):
        return True
    if lowered in ("of the", "out of") or lowered.endswith(" of the"):
        return True  # the whole a part is counted out of: "88 of the 200 seats"
    return bool(_RANGE_AFTER.match(text, figure.end) or _RANGE_BEFORE.search(before))


def _approx(text: str, start: int) -> str:
    """How a figure is qualified: "~" (about), ">" (at least), "<" (up to), or "" (exact)."""
    before = " ".join(w.lower() for w in _words_before(text, start, 3))
    for kind, phrases in APPROX:
        if any(before == p or before.endswith(" " + p) for p in phrases):
            return kind
    return ""


def counted(text: str, start: int, end: int, percent: bool) -> tuple[str, str, int, list[str]] | None:
    """What the number at [start, end) counts: (key without "%", noun as written, where the noun
    ends, the noun phrase), or None when nothing says."""
    phrase = noun_phrase(words_after(text, end))
    if not phrase and (of := _OF_THE.match(text, end)) and noun_phrase([of.group(1)]):
        phrase = [of.group(1)]  # "88 of the 200 seats"
    if phrase:
        key, last = _head(phrase)
        noun_end = end
        for word in phrase[:last + 1]:
            noun_end = text.find(word, noun_end) + len(word)
        return key, text[start:noun_end], noun_end, phrase[:last + 1]
    if percent:  # "turnout was 63 percent": a bare percent, told apart by its sentence
        return "", text[start:end], end, []
    linked = key_before(text, start)
    if linked is None:
        return None
    return linked[0], f"{linked[1]} \u2026 {text[start:end]}", end, []


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of text[start:end], split at commas, semicolons, dashes and conjunctions."""
    marks = list(_CLAUSE_END.finditer(text, start, end))
    bounds = zip([start] + [m.end() for m in marks], [m.start() for m in marks] + [end])
    return [(a, b) for a, b in bounds if text[a:b].strip()]


def _list_events(text: str, tokens: list[tuple[int, str]], before: list[tuple[int, int]],
                 after: list[tuple[int, int]]) -> set[str]:
    """What happened to a figure in a list: the verb the list shares, after it or before it.

    "613 civilians, including 63 children, 106 women, and 70 elderly people were killed": the
    event of 63 is the list's "killed". List items (clauses that start with a number) and
    clauses without a number ("mostly women") are crossed; a clause with a number of its own is
    another statement, whose verb is its own.
    """
    def events(start: int, end: int) -> list[str]:
        return [EVENT_CLASS[w.lower()] for at, w in tokens if start <= at < end and w.lower() in EVENT_CLASS]

    for start, end in after:
        found = events(start, end)
        crossable = _ITEM.match(text, start, end) is not None or not _HAS_NUMBER.search(text, start, end)
        if not crossable:
            break
        if found:
            return {found[0]}
    for start, end in reversed(before):
        found = events(start, end)
        if found:
            return {found[-1]}
        if not _ITEM.match(text, start, end) and _HAS_NUMBER.search(text, start, end):
            break
    return set()


def read(source_id: str, text: str, figure: Figure) -> Reading | None:
    """What the figure at `figure.start` of `text` counts, or None when it is not a count."""
    if _skip(text, figure):
        return None
    found = counted(text, figure.start, figure.end, figure.unit == "percent")
    if found is None:
        return None
    key, noun, noun_end, phrase = found
    if figure.unit == "percent":
        key = "%" + ("" if key == "percent" else key)
    if key in DURATIONS:
        return None
    sentence, words = sentence_words(text, figure.start, figure.end)
    tokens = [(m.start(), m.group()) for m in WORD.finditer(text, sentence.start, sentence.end)]
    before = _segments(text, sentence.start, figure.start)
    own_start = before.pop()[0] if before and not _CLAUSE_END.search(text, before[-1][1], figure.start) \
        else figure.start
    clause = _CLAUSE_END.search(text, noun_end, sentence.end)
    scope_end = clause.start() if clause else sentence.end
    own = [w.lower() for at, w in tokens
           if own_start <= at < scope_end and not figure.start <= at < figure.end]
    events = {EVENT_CLASS[w] for w in own if w in EVENT_CLASS} or _list_events(
        text, tokens, before, _segments(text, scope_end, sentence.end))
    # Quantifying words: up to three words either side of the figure and its noun, in its clause.
    near_before = [w.lower() for at, w in tokens if own_start <= at < figure.start][-3:]
    near_after = [w.lower() for at, w in tokens if noun_end <= at < scope_end][:3]
    quals = (set(near_before) | set(near_after) | {w.lower() for w in phrase}) & QUANTIFIERS
    # Times: words and years putting it at another time, in its clause or the one before.
    around_start = before[-1][0] if before else own_start
    times = {w.lower() for at, w in tokens if around_start <= at < scope_end
             and (w.lower() in TIME_MARKS or w.lower() in DATE_WORDS and w.lower() not in WEEKDAYS)}
    times |= set(_YEAR.findall(text, around_start, scope_end))
    names = {w.lower() for at, w in tokens[1:] if w[:1].isupper() and w.lower() not in WEEKDAYS
             and w.lower() not in NUMERALS and w != "I"}
    return Reading(
        source_id, Span(figure.start, figure.end), figure.value, figure.unit, key,
        " ".join(noun.split()), _approx(text, figure.start), frozenset(events), frozenset(quals),
        frozenset(times), frozenset(w.lower() for w in phrase[:-1] if w[:1].isupper()),
        frozenset(_YEAR.findall(text, sentence.start, sentence.end)), frozenset(names),
        frozenset(words), sentence, passage_names(text, figure.start))


# --- comparing two readings ------------------------------------------------------------


def _interval(reading: Reading) -> tuple[float, float]:
    """The values a figure allows: "about 600" is 540 to 660, "over 20" is 20 and more."""
    value = float(reading.value)
    if reading.approx == "~":
        return value * 0.9, value * 1.1
    if reading.approx == ">":
        return value, float("inf")
    if reading.approx == "<":
        return (value * 0.9 if value > 0 else value), value
    return value, value


def score(a: Reading, b: Reading) -> float:
    """How surely `b` gives another value for `a`'s quantity: 0 when it does not."""
    if a.key != b.key or a.unit != b.unit or a.value == b.value:
        return 0.0
    (a_low, a_high), (b_low, b_high) = _interval(a), _interval(b)
    if a_low <= b_high and b_low <= a_high:
        return 0.0  # both can be right
    low, high = sorted((abs(float(a.value)), abs(float(b.value))))
    if low == 0 or high / low > MAX_RATIO:
        return 0.0  # a part and the whole, not two counts of one thing
    if a.quals != b.quals or a.times != b.times:
        return 0.0
    for mine, theirs in ((a.sides, b.sides), (a.years, b.years), (a.names, b.names), (a.topic, b.topic)):
        if mine and theirs and not mine & theirs:
            return 0.0
    if a.events and b.events and a.events != b.events:
        return 0.0
    smaller = min(len(a.words), len(b.words))
    overlap = len(a.words & b.words) / smaller if smaller else 0.0
    # Anchored: both say what happened, or both date it alike ("in 2022", "in March").
    anchored = bool(a.events and b.events) or bool(a.times and a.times == b.times)
    needed = MIN_SCORE if anchored else MIN_SCORE_UNSURE
    return overlap if overlap >= needed else 0.0
