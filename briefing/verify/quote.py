"""A quote parsed once: its folded needle, its elided parts and its editorial reading (pure).

Issue 18: a misquoted quote was folded five times in one check (matching, the edge check, the
nearest passage, its word diff, the search elsewhere). A `ParsedQuote` is made once per citation
and handed through matching, explanation and the search elsewhere; each part is worked out on
first use (most quotes verify and never need their elided parts or edits) and kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from briefing.text import fold
from briefing.verify.edits import EditedQuote, parse_edits

# "...", "…", "[...]" and "[…]" with the spaces around them.
_MARK = r"(?:\[(?:\.\.\.|…)\]|\.\.\.|…)"
ELISION = re.compile(rf"\s*{_MARK}\s*")
# An elision mark that opens or closes a quote (issue 15 §1).
_END_MARK = re.compile(rf"^\s*{_MARK}|{_MARK}\s*$")


def split_elisions(quote: str) -> list[str]:
    """Non-empty parts between elision marks (of a raw or a folded quote)."""
    return [part.strip() for part in ELISION.split(quote) if part.strip()]


def elided_parts(quote: str) -> list[str]:
    """The parts an elided quote is matched as: two or more, or one with a mark at an end
    (issue 15 §1: "[...] the mass atrocities"); [] when the quote is not elided."""
    parts = split_elisions(quote)
    return parts if len(parts) > 1 or parts and _END_MARK.search(quote) else []


@dataclass(frozen=True, eq=False)
class ParsedQuote:
    """One quote as written, with what the checks derive from it, each derived at most once."""

    raw: str

    @functools.cached_property
    def needle(self) -> str:
        """The folded, stripped form the quote is searched as."""
        return fold(self.raw).strip()

    @functools.cached_property
    def parts(self) -> list[str]:
        """The quote's text between elision marks, as written (`split_elisions`)."""
        return split_elisions(self.raw)

    @functools.cached_property
    def parsed_parts(self) -> list[ParsedQuote]:
        """Each part as written, parsed in turn (an elided quote's failure is explained by part)."""
        return [ParsedQuote(part) for part in self.parts]

    @functools.cached_property
    def needle_parts(self) -> list[str]:
        """The folded needle's parts between elision marks."""
        return split_elisions(self.needle)

    @functools.cached_property
    def elided(self) -> list[str]:
        """The folded parts an elided quote is matched as; [] when it is not elided."""
        return elided_parts(self.needle)

    @functools.cached_property
    def edits(self) -> EditedQuote | None:
        """The quote's editorial reading ([T]he, [sic], [words]), or None."""
        return parse_edits(self.raw)


def parsed(quote: str | ParsedQuote) -> ParsedQuote:
    """`quote` parsed, or as it is when it already was."""
    return quote if isinstance(quote, ParsedQuote) else ParsedQuote(quote)
