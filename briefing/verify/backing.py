"""Checks a claim's figures and number-like tokens against the text its quotes matched (pure, no I/O).

Issue 2: every figure a claim states must equal, by value, a figure of a verified quote.
Issue 15 §2: the quotes are the source text each verified quote matched, never the quote as
typed (`judge`). Issue 15 §3: every number-like token is read or refused; names are declared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from briefing.models import Figure, Token
from briefing.verify.figures import EXACT, Stated, find_figures, read_stated
from briefing.verify.units import factor

# Decisions, each pinned by tests/test_figures.py:
# - A claim figure is backed by a quote figure of the same value and unit (percent, percentage
#   points, per mille and basis points match only themselves). A currency or unit read with
#   either may differ only by being absent from one of them: "$9M" is backed by "9 million" and
#   "9 million dollars", not by "9 million euros"; "900MW" by "900" and "0.9 GW", not "900 kW".
# - Exemptions cover a claim figure with the same (value, unit) or the same written text
#   (case-insensitive), so `five` also covers `5`, and a token (`COVID-19`) by its text.
# - A token (`find_tokens`: "G20", "630²") is backed when a quote holds the same token, on its
#   edges (case aside when it has more than one letter), or when an exemption or a declared
#   name covers it; otherwise it is refused.
# - A declared name covers the figures and tokens that lie wholly inside an occurrence of it
#   (on its edges, case and spacing aside), in the claim and in the quotes alike: "G20" does
#   not cover "500 million" beside it, and "Windows 11" in a quote backs no "11".


@dataclass(frozen=True)
class FigureCheck:
    unbacked: tuple[Figure, ...]  # figures in the claim text found in none of the quotes
    exempted: tuple[Figure | Token, ...]  # figures and tokens in the claim text an exemption covers
    unused_exemptions: tuple[str, ...]  # exemption strings matching nothing in the text
    unreadable: tuple[Token, ...] = ()  # tokens of the text no quote, exemption or name covers
    named: tuple[str, ...] = ()  # declared names the text uses, as declared


@functools.lru_cache(maxsize=1024)
def _occurrence(name: str) -> re.Pattern[str]:
    """A name or token as it may occur: on its edges, any run of spaces for a space, case aside
    unless it has a single letter ("5G" is not "5g")."""
    body = r"\s+".join(re.escape(part) for part in name.split())
    flags = re.IGNORECASE if sum(c.isalpha() for c in name) > 1 else 0
    return re.compile(rf"(?<![^\W_])(?<![\d][.,]){body}(?![^\W_]|[.,]\d)", flags)


def name_spans(text: str, names: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of each occurrence of each declared name in `text`."""
    return [(m.start(), m.end(), name) for name in names for m in _occurrence(name).finditer(text)]


def _inside(start: int, end: int, spans: Sequence[tuple[int, int, str]]) -> str | None:
    return next((name for a, b, name in spans if a <= start and end <= b), None)


def _base(value: str, measure: str) -> tuple[str, str]:
    """(dimension, value in its base unit) of a value with a measure: 900 MW is ("W", "900000000")."""
    dimension, power = factor(measure)
    scaled = Decimal(value).scaleb(power, EXACT)
    return dimension, format(scaled.normalize(EXACT), "f") if scaled else "0"


class _Quotes:
    """What the quotes state: their figures by (value, unit) with the measures read with them,
    and by base value, and their text, for tokens."""

    def __init__(self, quotes: Sequence[str], names: Sequence[str]):
        self.texts = list(quotes)
        self.plain: dict[tuple[str, str], set[str]] = {}
        self.based: set[tuple[str, str, str]] = set()
        for quote in quotes:
            spans = name_spans(quote, names) if names else []
            for f in find_figures(quote):
                if spans and _inside(f.start, f.end, spans):
                    continue  # "Windows 11" backs no 11
                self.plain.setdefault((f.value, f.unit), set()).add(f.measure)
                if f.measure:
                    self.based.add((*_base(f.value, f.measure), f.unit))

    def back(self, figure: Figure) -> bool:
        measures = self.plain.get((figure.value, figure.unit))
        if measures is not None and (not figure.measure or "" in measures or figure.measure in measures):
            return True
        return bool(figure.measure) and (*_base(figure.value, figure.measure), figure.unit) in self.based

    def hold(self, token: Token) -> bool:
        pattern = _occurrence(token.text)
        return any(pattern.search(text) for text in self.texts)


def check_figures(claim_text: str, quotes: Sequence[str], exempt: Sequence[str] = (),
                  names: Sequence[str] = (), stated: Stated | None = None) -> FigureCheck:
    """Which figures and tokens of `claim_text` the quotes, exemptions and names do not cover;
    `stated` is what the text states, when already read (`read_stated`)."""
    stated = stated or read_stated(claim_text)
    figures, tokens = stated.figures, stated.tokens
    if not figures and not tokens:
        return FigureCheck((), (), tuple(exempt))
    spans = name_spans(claim_text, names) if names else []
    quoted = _Quotes(quotes, names)
    exemptions = [(e, {(f.value, f.unit) for f in find_figures(e)}, " ".join(e.split()).casefold())
                  for e in exempt]
    used: set[int] = set()
    named: dict[str, None] = {}
    unbacked: list[Figure] = []
    unreadable: list[Token] = []
    exempted: list[Figure | Token] = []
    items: list[Figure | Token] = [*figures, *tokens]
    for item in sorted(items, key=lambda x: x.start):
        name = _inside(item.start, item.end, spans) if spans else None
        if name is not None:
            named.setdefault(name, None)
            continue
        written = " ".join(item.text.split()).casefold()
        key = (item.value, item.unit) if isinstance(item, Figure) else None
        covering = [n for n, (_, keys, text) in enumerate(exemptions) if key in keys or text == written]
        if covering:
            used.update(covering)
            exempted.append(item)
        elif isinstance(item, Figure):
            if not quoted.back(item):
                unbacked.append(item)
        elif not quoted.hold(item):
            unreadable.append(item)
    unused = tuple(e for n, (e, _, _) in enumerate(exemptions) if n not in used)
    return FigureCheck(tuple(unbacked), tuple(exempted), unused, tuple(unreadable), tuple(named))


def name_problem(name: str) -> str:
    """Why a declared name cannot be one ("" when it can): it must hold a letter, a capital and a
    digit, and its numbers must identify, not count: each after a capitalised word or "version"
    ("MPL 2.0", "GPL version 2"), or glued into a code ("G20"), with no unit or magnitude."""
    if not any(c.isdigit() for c in name):
        return "has no digit: only names with numbers in them need declaring"
    if not any(c.isalpha() for c in name):
        return "has no letter: it is a figure, not a name (exempt it in the claim that states it)"
    if not any(c.isupper() for c in name):
        return "has no capital letter: a name is written with one (\u201cCOVID-19\u201d, \u201cWindows 11\u201d)"
    for figure in find_figures(name):
        if figure.unit or figure.measure or not figure.text.replace(",", "").replace(".", "").isdigit():
            return f"holds the amount \u201c{figure.text}\u201d: declare names, not figures"
        before = name[:figure.start].split()
        if not before or not (before[-1][:1].isupper() or before[-1].lower() in ("version", "v", "release")):
            return (f"holds \u201c{figure.text}\u201d after a lower-case word: a name's number follows a "
                    "capitalised word or \u201cversion\u201d (\u201cMPL 2.0\u201d, \u201cGPL version 2\u201d)")
    return ""
