"""A cited passage in its context, cut into pieces the review page marks, and a quote's
editorial marks (pure; issue 17 §1).

Every piece is a slice of the source's text (`Source.text`, the text the check matched, with the
spans the report gives), so the page shows exactly what was matched: joined, the pieces of a
passage are the source's text from the window's start to its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.models import Source, Span
from briefing.verify.sentences import sentence_ends

CONTEXT_SENTENCES = 2  # whole sentences shown before and after a passage (issue 17 §1: "a few")
LOOK_CHARS = 700  # at most this much context on each side, wherever the sentences end
# A PDF's page break (a form feed, as the reader joins pages) or a paragraph break (a blank line).
_BREAK = re.compile(r"\s*\f\s*|\n[ \t\u00a0\r]*\n\s*")


@dataclass(frozen=True)
class Piece:
    """A run of text and what it is: `context`, `match` (the quoted span), `elided` (source text a
    quote's `...` leaves out), `replaced` (source text a `[bracketed]` insertion stands in for),
    `nearest` (the passage closest to a failed quote), `paragraph` and `page` (a paragraph or a
    PDF's page break, shown as one); in a quote, `text`, `elision` (its `...`) or `edit` (its `[...]`)."""

    kind: str
    text: str


@dataclass(frozen=True)
class Passage:
    pieces: tuple[Piece, ...]
    cut_before: bool  # the source goes on before the window
    cut_after: bool


def passage(source: Source, spans: tuple[Span, ...], gaps: tuple[str, ...] = (), kind: str = "match") -> Passage:
    """The spans of `source` with the text between them and a few sentences either side."""
    text = source.text
    first, last = spans[0].start, spans[-1].end
    start, end = window_start(text, first), window_end(text, last)
    pieces = [Piece("context", text[start:first])]
    for number, span in enumerate(spans):
        if number:
            gap = gaps[number - 1] if number - 1 < len(gaps) else "elision"
            between = text[spans[number - 1].end:span.start]
            pieces.append(Piece("replaced" if gap == "insertion" else "elided", between))
        pieces.append(Piece(kind, text[span.start:span.end]))
    pieces.append(Piece("context", text[last:end]))
    return Passage(tuple(_paragraphs(p for p in pieces if p.text)), start > 0, end < len(text))


def window_start(text: str, offset: int) -> int:
    """Where the window before `offset` begins: CONTEXT_SENTENCES whole sentences back, at most
    LOOK_CHARS back (then at a word's start)."""
    low = max(0, offset - LOOK_CHARS)
    ends = [e for e in sentence_ends(text, low, offset) if e.end <= offset]
    if len(ends) > CONTEXT_SENTENCES:
        start = ends[-CONTEXT_SENTENCES - 1].end
    elif low == 0:
        start = 0
    else:
        space = text.find(" ", low, offset)
        start = space + 1 if space != -1 else low
    while start < offset and text[start].isspace():
        start += 1
    return start


def window_end(text: str, offset: int) -> int:
    """Where the window after `offset` ends: the end of the passage's sentence and of
    CONTEXT_SENTENCES more, at most LOOK_CHARS on (then at a word's end)."""
    high = min(len(text), offset + LOOK_CHARS)
    ends = sentence_ends(text, offset, high)
    if len(ends) > CONTEXT_SENTENCES:
        end = ends[CONTEXT_SENTENCES].end
    elif high == len(text):
        end = len(text)
    else:
        space = text.rfind(" ", offset, high)
        end = space if space != -1 else high
    while end > offset and text[end - 1].isspace():
        end -= 1
    return end


def _paragraphs(pieces) -> list[Piece]:
    """Paragraph and page breaks inside context and elided text as pieces of their own (the page shows a
    break); the matched text is never cut, so a highlight holds its whole span."""
    out: list[Piece] = []
    for piece in pieces:
        if piece.kind not in ("context", "elided"):
            out.append(piece)
            continue
        at = 0
        for found in _BREAK.finditer(piece.text):
            kind = "page" if "\f" in found.group() else "paragraph"
            out += [Piece(piece.kind, piece.text[at:found.start()]), Piece(kind, found.group())]
            at = found.end()
        out.append(Piece(piece.kind, piece.text[at:]))
    return [p for p in out if p.text]


# An elision (`...`, `…`, `[...]`) or a bracketed edit (`[T]he`, `[the OIC]`, `[sic]`), and
# `(emphasis added)` at the end: the marks `verify.edits` reads (issue 7).
_QUOTE_MARKS = re.compile(r"(?P<elision>\[(?:\.\.\.|…)\]|\.\.\.|…)|(?P<edit>\[[^\[\]]+\]|\(emphasis [a-z]+\)\s*$)",
                          re.IGNORECASE)


def quote_pieces(quote: str) -> tuple[Piece, ...]:
    """The quote as written, its elisions and bracketed edits as pieces of their own."""
    pieces: list[Piece] = []
    at = 0
    for mark in _QUOTE_MARKS.finditer(quote):
        pieces += [Piece("text", quote[at:mark.start()]), Piece(mark.lastgroup or "edit", mark.group())]
        at = mark.end()
    pieces.append(Piece("text", quote[at:]))
    return tuple(p for p in pieces if p.text)
