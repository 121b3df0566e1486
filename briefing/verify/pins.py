"""Where a verified quote sits for a reader: pin cites ("p. 12") and links to the passage (pure).

Issue 4, "Locations, pin cites and links". Pages are counted in the PDF's own page order (page 1
is the first page of the file, as `#page=N` counts them); a pin cite prints a page's label
instead ("p. iv", "p. 12") when the PDF defines labels, since that is what a reader finds
printed on the page.
"""

from __future__ import annotations

import bisect
import re
import string
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit, urlunsplit

from briefing.models import Source, Span

# Words taken from each end of a long passage for `#:~:text=start,end`: enough to be
# unambiguous in practice, few enough that the link stays short.
FRAGMENT_WORDS = 4
# Characters left as they are in a text directive; everything else is percent-encoded. The
# WICG spec requires `-`, `&` and `,` to be encoded (they are the directive's own syntax) and
# any other character may be; encoding all but these keeps the link safe in every context.
# https://wicg.github.io/scroll-to-text-fragment/#syntax
_FRAGMENT_SAFE = frozenset(string.ascii_letters + string.digits + "_.~")
_WORD_CHAR = re.compile(r"\w")
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def page_of(page_starts: Sequence[int], offset: int) -> int:
    """The 1-based page holding character `offset`, given where each page starts."""
    return max(1, bisect.bisect_right(page_starts, offset))


def pages_of(page_starts: Sequence[int], spans: Iterable[Span]) -> tuple[int, ...]:
    """Every page the spans touch, in order; () for a source without pages."""
    if not page_starts:
        return ()
    pages: set[int] = set()
    for span in spans:
        first = page_of(page_starts, span.start)
        last = page_of(page_starts, max(span.start, span.end - 1))
        pages.update(range(first, last + 1))
    return tuple(sorted(pages))


def page_label(page: int, labels: Sequence[str] = ()) -> str:
    """What a page is called: its printed label when the PDF has labels, else its number."""
    return labels[page - 1] if 0 < page <= len(labels) else str(page)


def pin_cite(pages: Sequence[int], dash: str = "-", labels: Sequence[str] = ()) -> str:
    """`p. 12`, `pp. 12-13`, or `pp. 3, 5-6` for an elided quote; "" without pages.

    `labels` are the PDF's printed page labels, if any ("pp. iv-v" for pages 4 and 5).
    """
    if not pages:
        return ""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    named = [[page_label(page, labels) for page in run] for run in runs]
    # A run of pages is a range when its labels count on ("iv-v", "11-12"), not "iv, 12".
    text = ", ".join(run[0] if len(run) == 1 else f"{run[0]}{dash}{run[-1]}" if _counts_on(run)
                     else ", ".join(run) for run in named)
    return f"{'p.' if len(pages) == 1 else 'pp.'} {text}"


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _counts_on(labels: Sequence[str]) -> bool:
    """Whether each page label is the one before plus one, in decimal or in roman numerals."""
    numbers = [_label_number(label) for label in labels]
    return all(a is not None and b is not None and a[0] == b[0] and b[1] == a[1] + 1
               for a, b in zip(numbers, numbers[1:]))


def _label_number(label: str) -> tuple[str, int] | None:
    """(style, value) of a decimal or roman page label ("12", "iv", "XII"); None for others."""
    if label.isdigit():
        return "decimal", int(label)
    lower = label.lower()
    if not lower or any(c not in _ROMAN for c in lower) or label not in (lower, label.upper()):
        return None
    values = [_ROMAN[c] for c in lower]
    total = sum(-v if v < following else v for v, following in zip(values, values[1:] + [0]))
    return ("roman" if label == lower else "ROMAN"), total


def encode_fragment_text(value: str) -> str:
    """Percent-encode one term of a text directive (UTF-8; `-`, `&`, `,` and spaces included)."""
    return "".join(c if c in _FRAGMENT_SAFE else "".join(f"%{b:02X}" for b in c.encode("utf-8"))
                   for c in value)


def text_directive(passage: str, words: int = FRAGMENT_WORDS) -> str:
    """`text=start,end` for a passage: a few words from each end, or the whole passage if short."""
    # HTML whitespace only: a no-break space is part of the page's text, as the reader keeps it.
    tokens = [t for t in _HTML_SPACE.split(passage) if t]
    if not tokens:
        return ""
    if len(tokens) <= 2 * words:
        return "text=" + encode_fragment_text(" ".join(tokens))
    return ("text=" + encode_fragment_text(" ".join(tokens[:words])) + ","
            + encode_fragment_text(" ".join(tokens[-words:])))


def whole_words(text: str, span: Span) -> Span:
    """`span` widened to word boundaries: a text fragment only matches whole words."""
    start, end = span.start, span.end
    while start > 0 and _WORD_CHAR.match(text[start - 1]) and _WORD_CHAR.match(text[start]):
        start -= 1
    while end < len(text) and end > 0 and _WORD_CHAR.match(text[end]) and _WORD_CHAR.match(text[end - 1]):
        end += 1
    return Span(start, end)


def passage_link(url: str, source: Source, spans: Sequence[Span], pages: Sequence[int]) -> str:
    """The URL that opens `url` at the passage, where the medium allows; else `url` itself.

    A PDF opens at its first page (`#page=N`, read by browsers' PDF viewers); a web page
    (HTML, or saved text with a web URL) scrolls to the passage with a text fragment. A Word
    file has no such address. The caller decides whether `url` may be a link at all.
    """
    if not spans:
        return url
    parts = urlsplit(url)
    if source.kind == "pdf":
        if not pages:
            return url
        return urlunsplit(parts._replace(fragment=f"page={pages[0]}"))
    if source.kind not in ("html", "text"):
        return url
    passage = whole_words(source.text, Span(spans[0].start, spans[-1].end))
    directive = text_directive(source.text[passage.start:passage.end])
    if not directive:
        return url
    # The directive follows the fragment delimiter `:~:`, after any fragment already there.
    base = url if parts.fragment or url.endswith("#") else url + "#"
    return f"{base}:~:{directive}"
