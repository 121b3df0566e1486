"""Capture a quote from its source instead of retyping it: the passage that begins with some
words and ends with others, as the source has it (pure; issue 17 §4).

The words are looked for as `check` looks for a quote: in the folded text (`text.fold`: curly
quotes typed straight, dashes, spaces, ligatures) and only on the edges of the source's words
and numbers (`edges`), so "The mass" never begins inside "The massacre". Without last words the
passage runs to the end of the sentence the first words begin. Either end lies within
`Settings.elision_max_gap` characters of the start (1,500, the bound on an elision's gap: about
half a page), so "last words" that occur only pages later are not reached for.

Nothing is invented: the quote is the source's own text from the start to the end, with its
white space collapsed as a person pastes it. A word the source breaks at a line end
("com-⏎posed") is written whole, as `check` reads it; `check` refuses the layout copied. Before
it is offered, the quote is matched again exactly as `check` matches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from briefing.models import Nearest, Source, Span
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import LineIndex, NormalisedText, fold
from briefing.verify.edges import on_edges
from briefing.verify.hyphenation import find_hyphenated, hyphenate
from briefing.verify.match import find_quote
from briefing.verify.nearest import nearest_passage
from briefing.verify.pins import page_label, page_of
from briefing.verify.sentences import sentence_ends
from briefing.verify.shape import pasted_breaks

# Occurrences of the first words looked at, on edges or not (a hostile source may hold a short
# needle millions of times inside words; `match` stops at the same kind of bound).
MAX_PLACES = 100_000
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Place:
    """Where a passage (or a candidate start) lies: original offsets, file lines, PDF pages."""

    span: Span
    line: int
    end_line: int
    page: str = ""  # the page's printed label or number; "" for a source without pages
    end_page: str = ""


@dataclass(frozen=True)
class Capture:
    """What `capture` found. `status`: "found", "ambiguous" (several starts: `starts`),
    "not-found" (no first words: `nearest`), "no-end" (no last words within `bound` after the
    first words) or "unmatched" (the source's text would not verify as a quote: `reason`)."""

    status: str
    quote: str = ""
    place: Place | None = None
    starts: tuple[Place, ...] = ()
    nearest: Nearest | None = None
    nearest_place: Place | None = None
    joined: tuple[str, ...] = field(default=())  # words the source breaks at a line end, written whole
    reason: str = ""
    bound: int = 0


def collapse(text: str) -> str:
    """White space as a person pastes it: every run one space, none at the ends."""
    return _SPACES.sub(" ", text).strip()


def capture(source: Source, folded: NormalisedText, first: str, last: str | None = None,
            settings: Settings = DEFAULT_SETTINGS) -> Capture:
    """The passage of `source` (whose folded text is `folded`) that begins with `first` and ends
    with the first following `last` (or, without it, at the end of that sentence)."""
    bound = settings.elision_max_gap
    where = _Where(source)
    needle = fold(first).strip()
    starts = _places(folded, needle, 0, len(folded.text))
    if not starts:
        near = nearest_passage(first, folded, settings) if needle else None
        return Capture("not-found", nearest=near, nearest_place=where.place(near.span) if near else None, bound=bound)
    ends = [(start, _end(source, folded, start, len(needle), last, bound)) for start in starts]
    complete = [(start, end) for start, end in ends if end is not None]
    if len(complete) != 1:  # several passages ("ambiguous"), or none ends in time ("no-end")
        listed = [s for s, _ in complete] or starts
        return Capture("ambiguous" if complete else "no-end", bound=bound,
                       starts=tuple(where.place(folded.original_span(s, s + len(needle))) for s in listed))
    start, end = complete[0]
    span = Span(folded.to_original(start), end or 0)
    return _offer(source, folded, span, where, settings)


def offer_span(source: Source, folded: NormalisedText, span: Span, settings: Settings = DEFAULT_SETTINGS) -> Capture:
    """The source's text over the original `span` as a quote, as `capture` offers one (`briefing
    fix` replaces a misquote by it: issue 17 §4)."""
    return _offer(source, folded, span, _Where(source), settings)


def _places(folded: NormalisedText, needle: str, low: int, high: int) -> list[int]:
    """Folded offsets in [low, high) where `needle` occurs on the edges of words and numbers."""
    found: list[int] = []
    if not needle:
        return found
    text, at, looked = folded.text, folded.text.find(needle, low, high), 0
    while at != -1 and looked < MAX_PLACES:
        if on_edges(folded, at, at + len(needle)):
            found.append(at)
        looked += 1
        at = text.find(needle, at + 1, high)
    return found


def _end(source: Source, folded: NormalisedText, start: int, length: int, last: str | None,
         bound: int) -> int | None:
    """Original offset where the passage beginning at folded `start` ends, or None."""
    if last is None:
        return _sentence_end(source.text, folded.to_original_end(start + length), folded.to_original(start) + bound)
    needle = fold(last).strip()
    hits = _places(folded, needle, start + length, start + bound + 1)
    hits = [h for h in hits if h + len(needle) <= start + bound]
    return folded.to_original_end(hits[0] + len(needle)) if hits and needle else None


def _sentence_end(text: str, after: int, limit: int) -> int:
    """Where the sentence holding original offset `after` ends (its mark included), or `after`
    itself when no end is near enough: then the passage is the first words alone."""
    for end in sentence_ends(text, after, min(len(text), limit)):
        if end.end >= after:  # (first words that end their sentence: "... were killed.")
            if text[end.start] not in "\r\n":
                return end.end
            at = end.start  # a paragraph break: the passage ends before its white space
            while at > after and text[at - 1].isspace():
                at -= 1
            return at
    if len(text) <= limit:  # the text ends the passage's last sentence
        return len(text.rstrip())
    return after


def _offer(source: Source, folded: NormalisedText, span: Span, where: _Where, settings: Settings) -> Capture:
    """The passage as a quote, matched again exactly as `check` matches it before it is offered."""
    quote = collapse(source.text[span.start:span.end])
    match = find_quote(quote, folded, settings.elision_max_gap)
    if match is None:
        return Capture("unmatched", place=where.place(span), reason="the source's text here does not begin and "
                       "end on word edges as a quote must")
    joined: list[str] = []
    breaks = pasted_breaks(source.text, folded, match)
    if breaks:  # `check` refuses a line-end hyphen copied with its layout: write each word whole
        pieces, at = [], span.start
        for pasted in sorted(breaks, key=lambda p: p.start):
            pieces += [source.text[at:max(at, pasted.start)], pasted.word]
            at = max(at, pasted.end)
            joined.append(pasted.word)
        quote = collapse("".join(pieces) + source.text[at:span.end])
        hyphenated = hyphenate(source.text)
        if hyphenated is None or find_hyphenated(quote, hyphenated, settings.elision_max_gap) is None:
            return Capture("unmatched", place=where.place(span), reason="the passage crosses a word the source "
                           "breaks at a line end, and no reading of it matches")
    return Capture("found", quote=quote, place=where.place(span), joined=tuple(joined))


class _Where:
    """Lines and pages of original spans of one source."""

    def __init__(self, source: Source):
        self.source = source
        self.lines = LineIndex(source)

    def place(self, span: Span) -> Place:
        last = max(span.start, span.end - 1)
        first_line, end_line = self.lines.lines([span.start, last])
        starts, labels = self.source.page_starts, self.source.page_labels
        if not starts:
            return Place(span, first_line, end_line)
        return Place(span, first_line, end_line, page_label(page_of(starts, span.start), labels),
                     page_label(page_of(starts, last), labels))


# Characters a YAML double-quoted scalar cannot hold as they are (YAML 1.1's printable set), and
# those that print as nothing, which the entry shows escaped so the reader sees them.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e"
                     "\u2060-\u206f\ud800-\udfff\ufeff\ufff0-\uffff\n\t\\\\\"]")
_NAMED = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t"}


def yaml_string(text: str) -> str:
    """`text` as a YAML double-quoted scalar that reads back as exactly `text`."""
    def escape(m: re.Match[str]) -> str:
        c = m.group()
        return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
    return '"' + _UNSAFE.sub(escape, text) + '"'


def claim_entry(source_id: str, quote: str) -> str:
    """A citation to paste into a claim's `citations:` (or, less its dash, beside its `text:`)."""
    name = yaml_string(source_id) if _needs_quotes(source_id) else source_id
    return f"- source: {name}\n  quote: {yaml_string(quote)}\n"


def _needs_quotes(value: str) -> bool:
    return not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", value) or value.lower() in {"yes", "no", "true", "false",
                                                                                     "on", "off", "null", "y", "n"}
