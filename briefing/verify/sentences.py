"""Where a source's sentences end, so an elision that joins two sentences can be told (pure; issue 15 §4).

A sentence ends at `.`, `!`, `?` or `…` (and any closing quotation marks or brackets after it)
followed by white space and then a capital letter, a digit, an opening mark or the end of the
text; or at a paragraph break (a blank line). A full stop is not an end after an abbreviation
("Mr. Smith", "e.g. the", "U.S. forces", "J. Smith"), nor after "No.", "p.", "Art." or a
month's short name before a number ("No. 48", "Feb. 25"); a decimal point ("2.5") is never
followed by a space. A single line break is not an end: PDFs and plain text break lines
inside sentences. Deliberately simple: a missed end is an elision the check does not warn
about, a false end one it warns about needlessly; the lists below name the common cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations that end in a full stop mid-sentence (titles, Latin, "vs", "approx"), matched on
# the letters before the stop, lower-cased.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "messrs", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "cpt",
    "maj", "adm", "cmdr", "rev", "hon", "sen", "rep", "gov", "pres", "amb", "jr", "sr", "mt",
    "ft", "vs", "cf", "viz", "approx", "ca", "est", "dept", "univ", "govt", "min", "max",
})
# Abbreviations that are so only before a number: "No. 48", "p. 12", "Art. 5", "Feb. 25".
BEFORE_NUMBER = frozenset({
    "no", "nos", "nr", "p", "pp", "para", "paras", "art", "arts", "fig", "figs", "vol", "vols",
    "ch", "chap", "sec", "sect", "op", "cap", "tab", "ref", "res", "doc", "ed", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})

_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}"
_OPENERS = "\"'\u201c\u2018\u00ab\u2039([{\u201e"
_TERMINATOR = re.compile(rf"[.!?\u2026]+[{re.escape(_CLOSERS)}]*(?=\s)")
_PARAGRAPH = re.compile(r"\n[ \t\u00a0\r]*\n")
_NEXT = re.compile(rf"\s+[{re.escape(_OPENERS)}]*(.|$)", re.S)
_WORD_BEFORE = re.compile(r"([^\W\d_]+)$")


@dataclass(frozen=True)
class SentenceEnd:
    """A sentence end: its mark (or paragraph break) runs from `start` to `end` in the text."""

    start: int
    end: int


def sentence_ends(text: str, start: int, end: int) -> list[SentenceEnd]:
    """The sentence ends whose mark overlaps text[start:end], in order.

    The text after `end` is read to tell an end from an abbreviation, so the caller passes the
    whole text and the range it means.
    """
    found: list[SentenceEnd] = []
    scan_from = max(0, start - 8)  # a mark may begin a little before the range ("genocide.”")
    for mark in _TERMINATOR.finditer(text, scan_from, min(len(text), end + 1)):
        if mark.end() >= start and mark.start() < end and _ends_sentence(text, mark.start(), mark.end()):
            found.append(SentenceEnd(mark.start(), mark.end()))
    for mark in _PARAGRAPH.finditer(text, scan_from, min(len(text), end + 1)):
        if mark.end() >= start and mark.start() < end:
            found.append(SentenceEnd(mark.start(), mark.end()))
    return sorted(found, key=lambda e: e.start)


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Does the mark at text[start:end] end a sentence (rather than an abbreviation)?"""
    following = _NEXT.match(text, end)
    after = following.group(1) if following else ""
    if after.islower():
        return False  # "e.g. the", "approx. five": a lower-case word goes on with the sentence
    if text[start] != "." or text[start:end].startswith(".."):
        return True
    word = _WORD_BEFORE.search(text, max(0, start - 12), start)
    if word is None:
        return True  # after a digit or a closing mark: "in 1992. The army"
    letters = word.group(1)
    lowered = letters.lower()
    if lowered in ABBREVIATIONS:
        return False
    if lowered in BEFORE_NUMBER and after.isdigit():
        return False
    # An initial ("J. Smith") or the last letter of "U.S." / "e.g.": one letter after a space or a stop.
    if len(letters) == 1 and letters.isalpha():
        before = text[word.start() - 1:word.start()]
        return not (before in ("", ".") or before.isspace() or before in _OPENERS)
    return True
