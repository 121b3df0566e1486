"""What `briefing quote` prints: a captured passage, its place and its claim entry, or why
there is none (pure; issue 17 §4). The finding is `verify.capture`'s."""

from __future__ import annotations

from briefing.models import Source
from briefing.text import normalise
from briefing.verify.capture import Capture, Place, capture, claim_entry, collapse

SHOWN_STARTS = 20  # an ambiguous start list longer than this says how many more
SNIPPET = 72  # characters of each listed start's line


def format_quote(source: Source, label: str, first: str, last: str | None) -> tuple[str, bool]:
    """The text to print for the passage of `source` from `first` to `last`, and whether it was found."""
    result = capture(source, normalise(source.text), first, last)
    if result.status == "found":
        return _found(source, result, label), True
    return _missed(result, source.text, label, first, last), False


def where(place: Place) -> str:
    """`line 12`, `lines 12-14`, with `page 3` / `pages 3-4` before them for a PDF."""
    lines = f"line {place.line}" if place.line == place.end_line else f"lines {place.line}-{place.end_line}"
    if not place.page:
        return lines
    pages = f"page {place.page}" if place.page == place.end_page else f"pages {place.page}-{place.end_page}"
    return f"{pages}, {lines}"


def _found(source: Source, result: Capture, label: str) -> str:
    assert result.place is not None
    out = [f"{label}, {where(result.place)}:\n\n", f"  {result.quote}\n\n"]
    if result.joined:
        out.append(f"(written whole, as `check` reads them: {', '.join(result.joined)}; the source breaks "
                   "them at a line end)\n\n")
    out.append(claim_entry(source.id, result.quote))
    return "".join(out)


def _line_from(text: str, start: int) -> str:
    """The source's text from `start` to its line's end (at most SNIPPET characters): which start is which."""
    end = text.find("\n", start, start + SNIPPET)
    line = collapse(text[start:end if end != -1 else start + SNIPPET])
    return line if end != -1 or start + SNIPPET >= len(text) else line + "…"


def _missed(result: Capture, text: str, label: str, first: str, last: str | None) -> str:
    if result.status == "not-found":
        out = [f"{label}: \"{first}\" not found (as whole words, after the folds `check` makes)"]
        if result.nearest is not None and result.nearest_place is not None:
            out.append(f"  nearest, {where(result.nearest_place)}: \"{collapse(result.nearest.passage)}\"")
    elif result.status in ("ambiguous", "no-end"):
        if result.status == "ambiguous":
            what = f"\"{first}\" ... \"{last}\"" if last else f"\"{first}\""
            out = [f"{label}: {what} begins {len(result.starts)} passages:"]
        else:
            out = [f"{label}: \"{last}\" not found within {result.bound:,} characters after \"{first}\", "
                   "which begins at:"]
        out += [f"  {where(place)}: {_line_from(text, place.span.start)}" for place in result.starts[:SHOWN_STARTS]]
        if len(result.starts) > SHOWN_STARTS:
            out.append(f"  ... and {len(result.starts) - SHOWN_STARTS} more")
        if result.status == "ambiguous":
            out.append("  hint: add words to FIRST (or give LAST words) so that one passage begins with them")
    else:
        assert result.place is not None
        out = [f"{label}, {where(result.place)}: {result.reason}"]
    return "\n".join(out) + "\n"
