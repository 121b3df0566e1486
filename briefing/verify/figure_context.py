"""The sentence and the passage around a figure, and its content words as compared (pure)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from briefing.models import Span
from briefing.verify.lexicon import DATE_WORDS, EVENT_CLASS, NOUN_CLASS, NUMERALS, STOP, stem

# How far either side of a figure its sentence is looked for.
REACH = 600
# Sources about different things share no names within this reach of their figures.
_PASSAGE_REACH = 1500

WORD = re.compile(r"[^\W\d_]+(?:['\u2019.-][^\W\d_]+)*")
# A capitalised word after a lower-case letter or a comma: a name, not a sentence's first word.
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][^\W\d_]+")
SENTENCE_END = re.compile(
    r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])|\n[ \t]*\n")
# A full stop after these is no sentence end: "Feb. 25", "No. 48", "U.S. states".
_ABBREVIATION = re.compile(r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|no|nos|mr|mrs|ms|"
                           r"dr|st|vs|art|para|p|pp|fig|vol)|\b[A-Za-z]\.[A-Za-z])\.$", re.IGNORECASE)


def sentence_ends(text: str, start: int, end: int) -> Iterable[re.Match[str]]:
    """Sentence ends in text[start:end], abbreviations aside."""
    for m in SENTENCE_END.finditer(text, start, end):
        if "\n\n" in m.group().replace(" ", "") or not (
                text[m.start()] == "." and _ABBREVIATION.search(text, max(0, m.start() - 6), m.start() + 1)):
            yield m


def _sentence(text: str, start: int, end: int) -> Span:
    """The sentence holding text[start:end], looked for at most REACH characters either side."""
    low = max(0, start - REACH)
    begin = low
    # Up to just past `start`: the look-ahead after a full stop needs the figure's first character.
    for m in sentence_ends(text, low, min(len(text), start + 2)):
        if m.end() <= start:
            begin = m.end()
    after = next(iter(sentence_ends(text, end, min(len(text), end + REACH))), None)
    return Span(begin, after.start() + 1 if after else min(len(text), end + REACH))


def passage_names(text: str, at: int) -> frozenset[str]:
    """What the passage around `at` is about: the names (capitalised words, not at a sentence's
    start) within _PASSAGE_REACH of it."""
    start, end = max(0, at - _PASSAGE_REACH), min(len(text), at + _PASSAGE_REACH)
    return frozenset(m.group().lower() for m in _NAME.finditer(text, start, end)
                     if m.group().lower() not in DATE_WORDS and m.group().lower() not in NUMERALS)


def sentence_words(text: str, start: int, end: int) -> tuple[Span, frozenset[str]]:
    """The sentence around text[start:end], and its content words as compared (`concept`)."""
    sentence = _sentence(text, start, end)
    words = frozenset(concept(w) for w in WORD.findall(text, sentence.start, sentence.end)
                      if len(w) > 1 and w.lower() not in STOP and w.lower() not in NUMERALS)
    return sentence, words


@functools.lru_cache(maxsize=65536)
def concept(word: str) -> str:
    """A word as compared between sentences: its event class, noun class, or stem."""
    lower = word.lower()
    if lower in EVENT_CLASS:
        return "!" + EVENT_CLASS[lower]
    stemmed = stem(word)
    return "#" + NOUN_CLASS[stemmed] if stemmed in NOUN_CLASS else stemmed
