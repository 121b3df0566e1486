"""Number-like tokens that are not read as figures: names and codes, and figures the check
cannot read (pure, no I/O).

Issue 15 §3: every number-like token of a claim is read or refused, never skipped. `figures`
reads what it can; these are the rest. A claim's token is backed when a verified quote holds
the same token as written, or when the briefing declares it (`names:`) or the claim exempts
it; otherwise it is an error (`figure.unreadable`).
"""

from __future__ import annotations

import re
import unicodedata

from briefing.diagnostics import FIGURE_UNREADABLE, FIGURE_UNUSED_NAME, Diagnostic, Location
from briefing.models import ClaimResult, Token
from briefing.verify.units import SUBSCRIPTS, SUPERSCRIPTS

# A code's extent: letters and digits, joined by single hyphens, dots or slashes ("COVID-19",
# "A/RES/62/243", "48/48-POL", "1.2.3").
_CODE = re.compile(r"(?<![^\W_])[^\W_]+(?:[-./\u2010\u2011][^\W_]+)*")
_PIECE = re.compile(r"[^\W_]+")
_CODE_PIECE = re.compile(r"[\dA-Z]")
# Vulgar fractions, and digits joined by the fraction slash ("1⁄2").
_FRACTIONS = "\u00bc\u00bd\u00be\u2150-\u215e\u2189"
_FRACTION = re.compile(rf"\d*[{_FRACTIONS}]|\d+\u2044\d+")
_FRACTION_CHAR = re.compile(f"[{_FRACTIONS}]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Superscript or subscript digits not after a letter ("km²" and "CO₂" are words): a lone "²".
_LONE_SCRIPT = re.compile(rf"(?<![^\W\d_])[{SUPERSCRIPTS}{SUBSCRIPTS}]+")
# A well-formed Roman numeral of two letters or more.
_ROMAN = re.compile(r"(?<![^\W_])(?=[MDCLXVI]{2})M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})"
                    r"(?:IX|IV|V?I{0,3})(?![^\W_])")
# Capitals that spell a Roman numeral but are read as abbreviations.
_NOT_ROMAN = frozenset("CD DC MD CV MC CM MI DI LI CC MM CI CLI MCI MIX DIV LIV DL XL".split())
# A Roman numeral stands where a number would after a function word ("the XLVIII session",
# "held its XLVIII") or with no word before it; after any other word it labels something
# ("World War II", "Louis XIV", "type II diabetes", "phase III").
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+$")
_CAPITAL_AFTER = re.compile(r"[ \t]+[A-Z]")
_FUNCTION_WORDS = frozenset("the a an in of at on by for from to with and or its their his her our this "
                            "that these those some all about over under nearly almost".split())
_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bwww\.)\S+|\S+@\S+\.\S+")

UNREADABLE, UNUSED_NAME = FIGURE_UNREADABLE, FIGURE_UNUSED_NAME

REASONS = {
    "name": "a name or code with a number in it, not a figure",
    "superscript": "a superscript or subscript number, which the check does not read",
    "fraction": "a vulgar fraction, which the check does not read",
    "roman": "a Roman numeral standing where a number would, which the check does not read",
    "suffix": "a number with a suffix the check does not read as a magnitude or unit",
    "ambiguous": "a number whose suffix may be a magnitude or a unit (\u201cm\u201d: million or metres?)",
    "too-long": "a number of more than 4,300 digits, which the check does not read",
    "numeral": "a numeral character the check does not read (\u201c\u2460\u201d, \u201c\u216b\u201d)",
    "joined": "digits joined by a separator the check does not read as one number (a decimal comma?)",
}
HINTS = {
    "name": "quote a passage that contains it, or declare it once under 'names:' in the claims file",
    "too-long": "shorten it, or quote a passage that prints it exactly",
}
_FIGURE_HINT = "write the figure out in digits or words the check reads, or quote a passage that prints it exactly"


def code_at(text: str, start: int, end: int) -> Token:
    """The code holding the digits at [start, end): the pieces joined by hyphens, dots or slashes
    around them that hold a digit or a capital ("COVID-19", "A/RES/62/243"), not a word after a
    hyphen ("5G-compatible" is the code "5G")."""
    low = max(0, start - 80)
    for m in _CODE.finditer(text, low, min(len(text), end + 80)):
        if m.start() <= start < m.end():
            break
    else:
        return Token(text[start:end], start, end, "name")
    pieces = [(p.start(), p.end()) for p in _PIECE.finditer(text, m.start(), m.end())]
    at = next(i for i, (a, b) in enumerate(pieces) if a <= start < b or start < a)
    first = last = at
    while first > 0 and _CODE_PIECE.search(text, *pieces[first - 1]):
        first -= 1
    while last + 1 < len(pieces) and _CODE_PIECE.search(text, *pieces[last + 1]):
        last += 1
    low, high = pieces[first][0], max(end, pieces[last][1])
    return Token(text[low:high], low, high, "name")


def url_spans(text: str) -> list[tuple[int, int]]:
    """URLs and e-mail addresses: their digits are neither figures nor names."""
    if "://" not in text and "www." not in text and "@" not in text:
        return []
    return [m.span() for m in _URL.finditer(text)]


def _numerals(text: str) -> list[Token]:
    """Runs of number characters that are not digits the reader reads, superscripts or
    fractions: "①", "❶", "⑴", "Ⅻ" (issue 15 §3: read or refused, never skipped). The CJK
    numerals (〇, Hangzhou) are left with the ideographs, which are not read either."""
    found: list[Token] = []
    for m in _NON_ASCII.finditer(text):
        start = None
        for i in range(m.start(), m.end() + 1):
            c = text[i] if i < m.end() else ""
            numeral = bool(c) and unicodedata.category(c) in ("No", "Nl") and not (
                c in SUPERSCRIPTS or c in SUBSCRIPTS or _FRACTION_CHAR.match(c) or "\u3000" <= c <= "\u303f")
            if numeral and start is None:
                start = i
            elif not numeral and start is not None:
                found.append(Token(text[start:i], start, i, "numeral"))
                start = None
    return found


def standalone(text: str) -> list[Token]:
    """Fractions, lone superscripts, other numeral characters and Roman numerals in figure
    position (see `_ROMAN`)."""
    found: list[Token] = [] if text.isascii() else _numerals(text)
    if any(c in text for c in "\u00bc\u00bd\u00be\u2044") or re.search(f"[{_FRACTIONS}]", text):
        found += [Token(m.group(), m.start(), m.end(), "fraction") for m in _FRACTION.finditer(text)]
    found += [Token(m.group(), m.start(), m.end(), "superscript") for m in _LONE_SCRIPT.finditer(text)]
    for m in _ROMAN.finditer(text):
        if m.group() in _NOT_ROMAN or text[m.start() - 1:m.start()] in ("(", "["):
            continue  # an abbreviation, or a list label: "(II)"
        if _CAPITAL_AFTER.match(text, m.end()):
            continue  # part of a name: "MMC Site", "XXX Corps"
        before = _WORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        if before is not None and before.group(1).lower() not in _FUNCTION_WORDS:
            continue  # a label: "World War II", "type II"
        found.append(Token(m.group(), m.start(), m.end(), "roman"))
    return found


def describe(token: Token) -> str:
    """Why a token is not read, for messages."""
    return REASONS[token.reason]


def hint(token: Token) -> str:
    return HINTS.get(token.reason, _FIGURE_HINT)


def shown(text: str, limit: int = 40) -> str:
    """A token as messages show it: a long one cut in the middle, with its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit // 2]}\u2026{text[-8:]} ({len(text):,} characters)"


def unreadable_errors(claims_path: str, result: ClaimResult) -> list[Diagnostic]:
    """An error for each token of the claim's text that nothing backs (issue 15 §3)."""
    claim = result.claim
    where = Location(claims_path, claim.text_line or claim.line, claim.col)
    return [Diagnostic(UNREADABLE, f"claim '{claim.id}': \u201c{shown(token.text)}\u201d is {describe(token)}, "
                       "and no verified quote states it as written", where, hint(token))
            for token in result.unreadable_figures]
