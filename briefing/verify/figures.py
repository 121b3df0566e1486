"""Reads the figures a text states, and the number-like tokens it cannot read (pure, no I/O)."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Context, Decimal

from briefing.models import Figure, Token
from briefing.verify import units
from briefing.verify.figure_tokens import code_at, standalone, url_spans
from briefing.verify.number_words import PERCENT_PATTERN, POINTS, TOKEN, Raw, word_figures

# Decisions (spec: issue 2, "Figures": every number a claim's text states must equal, by value,
# a number in at least one of its verified quotes). Each is pinned by tests/test_figures.py
# or, for issue 15, tests/test_figure_tokens.py.
# - Digits: `1,275` = `1 275` (NBSP, thin, narrow NBSP or figure space between groups of three) = `1275`;
#   a plain space never joins groups ("in 1992 613 died" is two figures). `3.5`, `.5`, `-4`,
#   `−4` (U+2212), `–4` (an en dash typed for a minus), `+4`; a sign counts only after a space
#   or bracket, so `25-26` and `25–26` are 25 and 26.
# - Values are compared as Decimals: `1.50` = `1.5`, `600` != `613` (rounding never passes).
# - Percent: `%`, `percent`, `per cent`, `per-cent`; a percent matches only a percent and a
#   plain number only a plain number. Ordinals compare by value: `48th` = `forty-eighth` = 48.
# - Scales: `1.5 million` = `1,500,000`; `thousand`, `million`, `billion`, `trillion` after
#   digits or words, and `bn`/`mn` after digits. `a hundred`/`a thousand`/`a dozen` are figures;
#   `dozen` multiplies (two dozen = 24). Plurals are vague and never figures ("hundreds of",
#   "thousands of", "dozens of", "tens of thousands"), nor is a bare scale ("several hundred").
# - Codes are not figures: digits glued to a letter before them (`G20`, `A4`) or to a capital
#   after them that is no unit or magnitude (`5G`, `3D`), after a hyphen following a code word
#   (`COVID-19`, `F-16`: a single capital, or a capital past the first letter), inside a slashed
#   token with letters (`A/RES/62/243`), and dotted runs (`1.2.3`). They are names, not skipped
#   (issue 15 §3): `find_tokens` gives them, and a claim's must be in a quote or declared. The
#   digits of URLs and e-mail addresses are neither, and a letter of a script without case
#   is no code (`2023年`, `第5` are figures). Dates in words give their numbers (`26 February
#   1992` -> 26, 1992; `Feb.26` -> 26); years are figures like any other. Digits joined by `:`
#   or `/` (`19:10`, `3:1`, `9/11`, `26/02/1992`) are one token, never pieces.
# - Issue 15 §3, read by value (tables in `units`): magnitudes glued after digits (`63k`, `9M`,
#   `3bn`; `m`, `b`, `B`, `T` only after a currency: `£5m`); currencies before (`$9M`, `USD900`,
#   `EUR 7 million`) or after (`7 million euros`, `900 USD`), kept as the figure's `measure`;
#   units glued or spaced (`900MW`, `900 MW`, `900 megawatts`) as its measure; rates (`900/day`);
#   `1990s`, `3pm` keep their value. Percentage points (`pp`), per mille (`‰`) and basis points
#   (`bp`) are units apart from percent (`pct`, `5pc` are percent). Refused (`find_tokens`):
#   superscripts (`630²`), vulgar fractions (`½`), Roman numerals where a number would stand
#   (`XLVIII`), unknown glued suffixes (`60fps`), `5m` without a currency (million or metres?),
#   and numbers of more than MAX_DIGITS digits.
# - Words match on word boundaries only ("someone", "none", "often", "tension" hold none).
#   Fractions are not interpreted: "a third" is the ordinal 3, "half" is nothing.
# - "one" is a figure unless used as a pronoun or idiom: after no/the/this/that/each/any/every/
#   which/either/neither/another, before of/another/by/day/who/whom/whose/which/that/else/'s/
#   -sided/-off, "one by one", and "at one point/time/stage/moment". Inside a compound
#   ("twenty-one", "one hundred") or before a percent it is always a figure; digit `1` always is.
# - "first" and "second" alone are sequence words ("first time", "second-largest") and count
#   only before an event noun (anniversary, session, summit, ...); in compounds
#   ("twenty-first") and as digits (`1st`) they always count. Other ordinal words always count.
# - Values are exact Decimals of up to MAX_DIGITS digits (the default context's 28 digits
#   rounded 1234567890123456789012345678901.5 and .4 to one value).

_DIGITS = re.compile(  # the lookahead makes each position cheap to reject
    r"(?=[-\u2212\u2013+.\d])(?P<sign>(?<![^\s(\[{$\u20ac\u00a3\u00a5])[-\u2212\u2013+])?"
    r"(?:(?P<int>\d{1,3}(?P<sep>[,\u00a0\u2009\u202f\u2007])\d{3}(?:(?P=sep)\d{3})*(?!\d)|\d+)"
    r"(?:\.(?P<frac>\d+))?|(?<![^\s(\[{\-\u2212+])\.(?P<lone>\d+))"
    r"(?:(?P<ord>st|nd|rd|th)\b"
    r"|(?P<scale>(?:\s+(?:hundred|thousand|million|billion|trillion)\b)+|\s?(?:bn|mn|mln|bln|tn|trn)\b)?"
    rf"(?P<pct>{PERCENT_PATTERN})?)",
    re.IGNORECASE,
)
_SLASH_TOKEN = re.compile(r"\S*/\S*")

_SCALE_WORDS = {"hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12,
                "bn": 9, "mn": 6, "mln": 6, "bln": 9, "tn": 12, "trn": 12}  # powers of ten
# Numbers longer than this are refused, not read (issue 15 §6): Python's own limit for int().
MAX_DIGITS = 4300
# Exact for every number read: the default context rounds to 28 digits.
EXACT = Context(prec=2 * MAX_DIGITS + 64, Emax=10**6, Emin=-10**6)
# A rate or a unit with a slash: "900/day", "50km/h", ending the token.
_RATE = re.compile(r"(?P<unit>[^\W\d_]*)/(?P<per>[^\W\d_]+)(?![^\W_]|/)")
_FRACTION_SLASH = re.compile(r"\u2044\d+")
# Separators that join digits into a number this reader does not read whole: a comma that
# groups no thousands (a decimal comma), an apostrophe, the Arabic separators, a middle dot.
# Also ":" and "/" between digits: a time, a ratio or a date ("19:10", "3:1", "9/11",
# "26/02/1992") is one token, backed only where a quote prints it; its pieces back nothing.
_GLUE = ",'\u2019\u066b\u066c\u00b7\uff0c:/"
_GLUED_RUN = re.compile(rf"(?:[{_GLUE}]\d+)+")

def _canonical(value: Decimal) -> str:
    """Decimal as a plain string without exponent or trailing zeros: 1.50 -> "1.5", 1.5E6 -> "1500000"."""
    if value == 0:
        return "0"
    return format(value.normalize(EXACT), "f")


def _code_spans(text: str) -> list[tuple[int, int]]:
    """Slashed tokens holding a letter (A/RES/62/243, URLs): their digits are identifiers."""
    if "/" not in text:
        return []
    return [m.span() for m in _SLASH_TOKEN.finditer(text) if any(c.isalpha() for c in m.group())]


def _after_code_word(text: str, hyphen: int) -> bool:
    """Is the word before this hyphen a code (COVID, F, MiG) rather than a word (mid, Mid)?"""
    i = hyphen
    while i > 0 and text[i - 1].isalpha():
        i -= 1
    word = text[i:hyphen]
    if not word:
        return False
    return (len(word) == 1 and word.isupper()) or any(c.isupper() for c in word[1:])


def _ascii_digits(digits: str) -> str:
    return digits if digits.isascii() else "".join(str(unicodedata.decimal(c)) for c in digits)


def _value(sign: str, digits: str, frac: str | None, power: int) -> str:
    """The canonical decimal string: exact, and without int() (issue 15 §6)."""
    digits = _ascii_digits(digits)
    if not frac and not power:  # the common case, an integer: no Decimal
        digits = digits.lstrip("0") or "0"
        return f"-{digits}" if sign and digits != "0" else digits
    value = Decimal(f"{sign}{digits}.{_ascii_digits(frac)}" if frac else f"{sign}{digits}")
    return _canonical(value.scaleb(power, EXACT))


def _slashed(text: str, start: int, end: int) -> Token:
    """A slashed code as a token, without the brackets and stops around it."""
    word = text[start:end]
    low = start + len(word) - len(word.lstrip("([{\"'\u201c\u2018"))
    high = low + len(text[low:end].rstrip(")]}\"'\u201d\u2019.,;:!?"))
    return Token(text[low:high], low, high, "name")


def _code(text: str, m: re.Match[str], core_end: int, currency: str,
          codes: list[tuple[int, int]]) -> tuple[Token | None, re.Match[str] | None]:
    """The code the digits of `m` belong to (G20, COVID-19, 1.2.3, A/RES/62/243), else None
    and the rate they end in ("900/day"), if any."""
    start = m.start()
    prev = text[start - 1] if start else ""
    # A letter of a script without case (CJK, Arabic) is no code: "第5" is a figure.
    if (prev.isupper() or prev.islower()) and not currency or (
            prev in "-\u2010\u2011" and _after_code_word(text, start - 1)):
        return code_at(text, start, core_end), None
    if m.group("frac") and text[core_end:core_end + 1] == "." and text[core_end + 1:core_end + 2].isdigit():
        return code_at(text, start, core_end), None  # a dotted code such as 1.2.3 or 192.168.0.1
    if not codes or not any(a <= start < b for a, b in codes):
        return None, None
    rate = _RATE.match(text, core_end)
    if rate is not None and (rate.group("per") in units.RATES or f"{rate.group('unit')}/{rate.group('per')}"
                             in units.UNITS) and not (m.group("ord") or m.group("scale") or m.group("pct")) and (
            not prev or prev.isspace() or prev in "([{\"'\u201c\u2018" or currency):
        return None, rate
    a, b = next(span for span in codes if span[0] <= start < span[1])
    return _slashed(text, a, b), None


def _joined(text: str, start: int, core_end: int, floor: int) -> Token | None:
    """Digits glued to other digits by a separator that is no part of one number as read here
    ("2,5" and "1.613,5" with a decimal comma, "1,6130", "1'613", "٢٫٥"): one token, not two
    figures, or "2,5 per cent" would back "5 per cent" (issue 15 §2, §3)."""
    after = _GLUED_RUN.match(text, core_end)
    before = start >= 2 and text[start - 1] in _GLUE and text[start - 2].isdigit()
    if after is None and not before:
        return None
    low = start
    while low > floor and (text[low - 1].isdigit() or text[low - 1] in _GLUE and text[low - 2:low - 1].isdigit()):
        low -= 1
    while text[low] in _GLUE:  # (the digits before belong to a code already taken: "x2,5")
        low += 1
    high = after.end() if after is not None else core_end
    return Token(text[low:high], low, high, "joined")


def _digit_pass(text: str) -> tuple[list[Raw], list[Token]]:
    out: list[Raw] = []
    tokens: list[Token] = []
    codes = _code_spans(text)
    urls = url_spans(text)
    for m in _DIGITS.finditer(text):
        start, end = m.span()
        if tokens and start < tokens[-1].end or urls and any(a <= start < b for a, b in urls):
            continue  # inside a code already taken whole, or a URL
        sign, integer, separator, decimals, lone, ordinal, scale, pct = m.groups()
        frac = decimals or lone
        core_end = end - len(ordinal or "") - len(scale or "") - len(pct or "")
        if start >= 2 and text[start - 1] == "." and text[start - 2].isdigit():
            continue  # the rest of a dotted run
        currency, begin = units.currency_before(text, start)
        if currency and not sign and text[begin - 1:begin] in ("-", "\u2212") and (
                begin == 1 or text[begin - 2] in " \t\n([{"):
            sign, begin = text[begin - 1], begin - 1  # "-$5"
        code, rate = _code(text, m, core_end, currency, codes)
        digits = (integer.replace(separator, "") if separator else integer) if integer else "0"
        if code is None:
            code = _joined(text, start, core_end, tokens[-1].end if tokens else 0)
        if code is None and (slash := _FRACTION_SLASH.match(text, core_end)) is not None:
            code = Token(text[begin:slash.end()], begin, slash.end(), "fraction")  # "1⁄2"
        elif code is None and len(digits) + len(frac or "") > MAX_DIGITS:
            code = Token(text[begin:core_end], begin, core_end, "too-long")
        if code is not None:
            tokens.append(code)
            continue
        if ordinal and frac:  # "3.5th" is no ordinal
            ordinal, end = None, core_end
        power = sum(_SCALE_WORDS[w.lower()] for w in TOKEN.findall(scale or ""))
        unit, measure = ("percent" if pct else ""), currency
        if pct and (points := POINTS.match(text, end)) is not None:
            unit, end = "percentage points", points.end()  # "5% points"
        if rate is not None:
            measure, end = f"{currency or rate.group('unit')}/{rate.group('per')}", rate.end()
        elif not (ordinal or pct):
            suffix = None if scale else units.glued(text, core_end, currency)
            if suffix is not None and suffix[0] == "token":
                tokens.append(code_at(text, start, suffix[2]) if suffix[1] == "name"
                              else Token(text[begin:suffix[2]], begin, suffix[2], suffix[1]))
                continue
            power, unit, measure, end = _suffixed(text, suffix, power, unit, measure, end)
        # An en dash typed for a minus ("–5 degrees") is a sign where a sign may stand.
        sign = "-" if sign in ("-", "\u2212", "\u2013") else ""
        out.append((begin, end, _value(sign, digits, frac, power), unit, bool(ordinal), measure))
    return out, tokens


def _suffixed(text: str, suffix: tuple[str, str, int] | None, power: int, unit: str, measure: str,
              end: int) -> tuple[int, str, str, int]:
    """(power, unit, measure, end) once what is glued to a number (`units.glued`), then a unit
    one space after it, are read."""
    if suffix is not None:
        kind, payload, end = suffix
        if kind == "magnitude":
            power += int(payload)
        elif kind == "strict":
            unit = payload
        elif kind == "unit":
            measure = payload
    if suffix is None or suffix[0] == "magnitude":
        spaced = units.spaced(text, end, currency_only=bool(measure))
        if spaced is not None and spaced[0] == "strict":
            unit, end = spaced[1], spaced[2]
        elif spaced is not None and not measure:
            measure = spaced[1]
    return power, unit, measure, end


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> tuple[tuple[Raw, ...], tuple[Token, ...]]:
    """The figures of `text`, and the number-like tokens of its digits that are not figures."""
    digits, tokens = _digit_pass(text)
    words = word_figures(text)
    if words and (digits or tokens):  # a word figure overlapping digits is theirs: one sweep
        taken = sorted([(d[0], d[1]) for d in digits] + [(t.start, t.end) for t in tokens])
        starts = [a for a, _ in taken]
        reach = list(itertools.accumulate((b for _, b in taken), max))  # furthest end so far
        words = [w for w in words if not ((i := bisect.bisect_left(starts, w[1])) and reach[i - 1] > w[0])]
    return tuple(sorted(digits + words) if words and digits else digits or words), tuple(tokens)


def find_figures(text: str) -> tuple[Figure, ...]:
    """Every figure `text` states, in order of position (see Decisions above)."""
    return _figures(text, _read(text)[0])


def find_tokens(text: str) -> tuple[Token, ...]:
    """Every number-like token of `text` that is not read as a figure: codes and names ("G20"),
    and figures the check cannot read ("630²", "½", "XLVIII"), in order of position."""
    return _tokens(text, *_read(text))


@dataclass(frozen=True)
class Stated:
    """What a claim's text states: its figures (`find_figures`) and its number-like tokens
    (`find_tokens`), read once per claim and handed to every stage that needs them (issue 18)."""

    figures: tuple[Figure, ...]
    tokens: tuple[Token, ...]


def read_stated(text: str) -> Stated:
    """The figures and tokens of `text`, from one reading of it."""
    figures, tokens = _read(text)
    return Stated(_figures(text, figures), _tokens(text, figures, tokens))


def _figures(text: str, raw: tuple[Raw, ...]) -> tuple[Figure, ...]:
    return tuple(Figure(text[s:e], value, unit, s, e, ordinal, measure) for s, e, value, unit, ordinal, measure in raw)


def _tokens(text: str, figures: tuple[Raw, ...], tokens: tuple[Token, ...]) -> tuple[Token, ...]:
    found = list(tokens)
    for token in standalone(text):
        if not any(t.start < token.end and token.start < t.end for t in found) and not any(
                f[0] < token.end and token.start < f[1] for f in figures):
            found.append(token)
    return tuple(sorted(found, key=lambda t: t.start))
