"""Decide whether a misquote may be replaced by its source's exact text, and by which (pure;
issue 17 §4, `briefing fix`).

A quote is repaired only where what differs from its source is typography (quote marks,
apostrophes, dashes the checker does not fold: `` ` ``, `''`, `--`), spacing (a space before a
comma, none after it), a line-end hyphen pasted with the layout, or the case of a word at a
sentence start; and only where exactly one passage of the source reads the same once those are
set aside. A difference in a figure (any digit), a negation, or a name (a capitalised word; by
case alone only at a sentence start may it differ) is never repaired, and the reason is given.
The replacement is the source's own text as `verify.capture` offers it, matched again as
`check` matches a quote: nothing is invented.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from briefing.models import CitationResult, Source, Span, Status
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText
from briefing.verify.capture import Place, offer_span

# Typography set aside when comparing (beyond the checker's folds): every quote mark, prime,
# backtick and apostrophe is one mark; every dash one hyphen; TeX's `` and '' a double quote.
_MARKS = {**{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc"},
          **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
          **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}}
_TEX_QUOTES = re.compile(r"``|''|--+")
_NEGATIONS = frozenset({"not", "no", "never", "nor", "neither", "none", "nothing", "nobody", "nowhere",
                        "cannot", "without"})
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*|\d[\d.,]*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*$")


@dataclass(frozen=True)
class Repair:
    """A quote replaced by `quote`, the source's text at `place`; `what` says what differed."""

    quote: str
    place: Place
    what: str


@dataclass(frozen=True)
class Refusal:
    """Why a failing quote is left as it is (one line)."""

    reason: str


@dataclass(frozen=True)
class LooseText:
    """Text with typography, spacing, line-end hyphens and case set aside; `offsets[i]` is the
    original offset of `text[i]`."""

    text: str
    offsets: tuple[int, ...]


def loosen(text: str) -> LooseText:
    """`text` compared as `fix` compares it: what it may repair, set aside."""
    text = _TEX_QUOTES.sub(lambda m: '"' if m.group()[0] in "`'" else "-" + "\0" * (len(m.group()) - 1), text)
    out: list[str] = []
    offsets: list[int] = []
    at = 0
    while at < len(text):
        char = _MARKS.get(text[at], text[at])
        if char == "-" and 0 < at < len(text) - 1 and text[at + 1].isspace() and not text[at - 1].isspace():
            at += 1  # "com- posed", as pasted from "com-⏎posed": one word (a spaced dash is kept)
            continue
        if char.isspace() or char in "\0\u00ad":
            at += 1
            continue
        for piece in unicodedata.normalize("NFKC", char).casefold():
            out.append(piece)
            offsets.append(at)
        at += 1
    return LooseText("".join(out), tuple(offsets))


def occurrences(needle: str, haystack: str, limit: int = 2) -> list[int]:
    """Where `needle` occurs in `haystack` (at most `limit` places)."""
    found: list[int] = []
    at = haystack.find(needle) if needle else -1
    while at != -1 and len(found) < limit:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def words(text: str) -> list[str]:
    return _WORD.findall(_TEX_QUOTES.sub(" ", "".join(_MARKS.get(c, c) for c in text)))


def _negation(word: str) -> bool:
    lower = word.lower()
    return lower in _NEGATIONS or lower.endswith(("n't", "n\u2019t"))


def why_not(quote: str, passage: str) -> str:
    """What differs between a quote and its nearest passage that `fix` may not repair."""
    said, source = words(quote), words(passage)
    matcher = difflib.SequenceMatcher(None, [w.lower() for w in said], [w.lower() for w in source], autojunk=False)
    changed: list[tuple[list[str], list[str]]] = [(said[i1:i2], source[j1:j2])
                                                  for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal"]
    for ours, theirs in changed:
        if any(any(c.isdigit() for c in w) for w in ours + theirs):
            return f"a figure differs: {_pair(ours, theirs)}"
    for ours, theirs in changed:
        if any(_negation(w) for w in ours + theirs):
            return f"a negation differs: {_pair(ours, theirs)}"
    for ours, theirs in changed:
        if any(w[:1].isupper() for w in ours + theirs):
            return f"a name differs: {_pair(ours, theirs)}"
    if changed:
        return f"the words differ: {_pair(*changed[0])}"
    return "it differs from the source in more than typography, spacing, line-end hyphens or case"


def _pair(ours: list[str], theirs: list[str]) -> str:
    quote, source = " ".join(ours), " ".join(theirs)
    if not quote:
        return f"the source has \u201c{source}\u201d, which the quote leaves out"
    if not source:
        return f"the quote has \u201c{quote}\u201d, which the source does not"
    return f"the quote has \u201c{quote}\u201d where the source has \u201c{source}\u201d"


def case_names(quote: str, passage: str) -> str:
    """A word that differs only by case where it may be a name (capitalised, and not at the start
    of a sentence): the refusal, or "" when every case difference is at a sentence start."""
    said, source = _placed_words(quote), words(passage)
    if [w.lower() for w, _ in said] != [w.lower() for w in source]:
        return ""
    for (ours, at_start), theirs in zip(said, source, strict=True):
        if ours != theirs and (ours[:1].isupper() or theirs[:1].isupper()) and not at_start:
            return f"a name differs by case: {_pair([ours], [theirs])}"
    return ""


def _placed_words(text: str) -> list[tuple[str, bool]]:
    """The words of `text`, each with whether it starts a sentence (the first, or after . ! ?)."""
    plain = _TEX_QUOTES.sub(" ", "".join(_MARKS.get(c, c) for c in text))
    found: list[tuple[str, bool]] = []
    end = 0
    for match in _WORD.finditer(plain):
        found.append((match.group(), not found or any(c in ".!?" for c in plain[end:match.start()])))
        end = match.end()
    return found


def propose(result: CitationResult, source: Source, folded: NormalisedText,
            settings: Settings = DEFAULT_SETTINGS) -> Repair | Refusal | None:
    """The repair of a failed quote, or why there is none; None for a quote that needs none."""
    quote = result.citation.quote
    if result.status is Status.VERIFIED:
        return None
    if result.status not in (Status.MISQUOTED, Status.NOT_FOUND):
        return Refusal(f"its status is {result.status.value}: not a misquote")
    if "..." in quote or "\u2026" in quote or "[" in quote:
        return Refusal("it has an elision or an editorial mark; fix it by hand")
    loose_quote = loosen(quote).text
    loose_source = loosen(source.text)
    places = occurrences(loose_quote, loose_source.text)
    if not places:
        nearest = result.nearest
        if nearest is None:
            return Refusal("no passage of the source is near it")
        return Refusal(why_not(quote, nearest.passage))
    if len(places) > 1:
        return Refusal("more than one passage of the source reads the same once typography, spacing and case "
                       "are set aside; the nearest passage is ambiguous")
    first = places[0]
    span = Span(loose_source.offsets[first], loose_source.offsets[first + len(loose_quote) - 1] + 1)
    passage = source.text[span.start:span.end]
    named = case_names(quote, passage)
    if named:
        return Refusal(named)
    offered = offer_span(source, folded, span, settings)
    if offered.status != "found" or offered.place is None:
        return Refusal(offered.reason or "the source's text there would not verify as a quote")
    if offered.quote == quote:
        return None
    return Repair(offered.quote, offered.place, _what(quote, offered.quote, offered.joined))


def _what(old: str, new: str, joined: tuple[str, ...]) -> str:
    """Which kinds of difference the repair removes, for the report."""
    kinds: list[str] = []
    old_words, new_words = words(old), words(new)
    if joined:
        kinds.append("a line-end hyphen")
    pairs = zip(old_words, new_words) if len(old_words) == len(new_words) else iter(())
    if any(a != b and a.lower() == b.lower() for a, b in pairs):
        kinds.append("case")
    if re.sub(r"[\w\s-]", "", old) != re.sub(r"[\w\s-]", "", new):
        kinds.append("typography")
    if re.sub(r"[^\s]+", "w", old) != re.sub(r"[^\s]+", "w", new) and not joined:
        kinds.append("spacing")
    return ", ".join(kinds) or "typography"
