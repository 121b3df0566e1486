"""What may stand before or after a number: currencies, magnitudes and units, read by value (pure).

Issue 15 §3: every number-like token in a claim is read or refused, never skipped. `figures`
looks each prefix and suffix up here; one that is not here is refused (`figures.Token`).
Each table says in a comment why it holds what it holds.
"""

from __future__ import annotations

import re
import unicodedata

# --- currencies --------------------------------------------------------------------------
# Symbols before a number ("$9M", "£5m", "€ 7"). A bare "$" is read as US dollars and a bare
# "¥" as yen (the commonest senses in English); "C$", "A$" ... are other currencies.
SYMBOLS = {
    "$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "CN¥": "CNY", "₹": "INR", "₽": "RUB",
    "₩": "KRW", "₺": "TRY", "₪": "ILS", "₦": "NGN", "₱": "PHP", "฿": "THB", "₴": "UAH", "₸": "KZT",
    "₼": "AZN", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD",
    "S$": "SGD", "R$": "BRL", "MX$": "MXN",
}
# ISO 4217 codes read before or after a number, glued or spaced ("USD900", "EUR7 million",
# "900 USD"); only these, so that a code such as "G20" or "MP3" stays a name.
CODES = frozenset("""
USD EUR GBP JPY CNY RMB CHF CAD AUD NZD HKD SGD INR RUB BRL MXN ZAR TRY KRW SEK NOK DKK PLN
CZK HUF ILS AED SAR QAR KWD EGP PKR IDR THB VND PHP MYR ARS CLP COP PEN AZN AMD GEL UAH KZT
NGN BGN RON ISK
""".split())
_CODE_ALIASES = {"RMB": "CNY"}
# Currency words after a number ("9 million dollars"). "pounds" alone may be a weight, and
# "rupees" several currencies: neither is read.
CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "us dollars": "USD", "u.s. dollars": "USD", "euro": "EUR",
    "euros": "EUR", "pounds sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
}

# --- magnitudes -----------------------------------------------------------------------------
# Glued (or, for the two-letter ones, spaced) after digits: "63k", "9M", "3bn", "2 mln".
MAGNITUDES = {"k": 3, "K": 3, "M": 6, "mn": 6, "mln": 6, "bn": 9, "bln": 9, "tn": 12, "trn": 12}
# Only after a currency, where they cannot be a unit or a code: "£5m", "$2b", "$5B", "$1T".
# Without one, "5m" may be 5 million or 5 metres, and is refused.
CURRENCY_MAGNITUDES = {"m": 6, "b": 9, "B": 9, "T": 12}

# --- units compared apart from plain numbers ---------------------------------------------------
# A figure with one of these matches only a figure with the same one (as percent always did):
# "5 percentage points" is not "5%", and neither is "5‰".
STRICT = {
    "%": "percent", "percent": "percent", "per cent": "percent", "per-cent": "percent",
    "pct": "percent", "pc": "percent",
    "percentage point": "percentage points", "percentage points": "percentage points",
    "pp": "percentage points", "p.p.": "percentage points",
    "‰": "per mille", "per mille": "per mille", "per mil": "per mille", "permille": "per mille",
    "‱": "basis points", "basis point": "basis points", "basis points": "basis points",
    "bp": "basis points", "bps": "basis points",
}
# "pc" only glued ("5pc", as British papers write it): spaced it may be a computer or a piece.
STRICT_GLUED_ONLY = frozenset({"pc", "%", "‰", "‱"})

# --- measurement units ----------------------------------------------------------------------------
# symbol or word -> (dimension, power of ten of its factor). Within a dimension values compare in
# the base unit: "900MW" = "0.9 GW" = "900 megawatts". A unit with no metric relative (mile,
# acre, °C) is its own dimension. Single letters count only glued to the digits ("5t", "100m"):
# spaced, "5 m" or "5 g" is too likely to be something else.
_METRIC = {
    "W": ("W", 0), "kW": ("W", 3), "MW": ("W", 6), "GW": ("W", 9), "TW": ("W", 12),
    "Wh": ("Wh", 0), "kWh": ("Wh", 3), "MWh": ("Wh", 6), "GWh": ("Wh", 9), "TWh": ("Wh", 12),
    "mm": ("m", -3), "cm": ("m", -2), "m": ("m", 0), "km": ("m", 3),
    "mg": ("g", -3), "g": ("g", 0), "kg": ("g", 3), "t": ("g", 6), "kt": ("g", 9), "Mt": ("g", 12),
    "m²": ("m²", 0), "m2": ("m²", 0), "km²": ("m²", 6), "km2": ("m²", 6), "ha": ("m²", 4),
    "ml": ("l", -3), "l": ("l", 0), "L": ("l", 0),
    "ms": ("s", -3), "sec": ("s", 0), "secs": ("s", 0),
    "kB": ("B", 3), "KB": ("B", 3), "MB": ("B", 6), "GB": ("B", 9), "TB": ("B", 12), "PB": ("B", 15),
    "Hz": ("Hz", 0), "kHz": ("Hz", 3), "MHz": ("Hz", 6), "GHz": ("Hz", 9),
    "V": ("V", 0), "kV": ("V", 3), "mV": ("V", -3),
}
# Minutes and hours are 60 and 3,600 seconds: not powers of ten, so their own dimensions.
_OWN = ("min", "mins", "h", "hr", "hrs", "mph", "kph", "km/h", "ft", "in", "yd", "mi", "lb", "lbs", "oz",
        "gal", "°C", "°F", "°", "x", "×", "kbps", "Mbps", "Gbps", "mAh")
_OWN_ALIASES = {"mins": "min", "hr": "h", "hrs": "h", "kph": "km/h", "lbs": "lb", "×": "x"}
UNITS: dict[str, tuple[str, int]] = {**_METRIC, **{u: (_OWN_ALIASES.get(u, u), 0) for u in _OWN}}
# Words after a number (spaced), case aside: the metric ones and a few others.
UNIT_WORDS: dict[str, tuple[str, int]] = {}
for _stem, _dimension, _power in (
        ("watt", "W", 0), ("kilowatt", "W", 3), ("megawatt", "W", 6), ("gigawatt", "W", 9),
        ("terawatt", "W", 12), ("kilowatt-hour", "Wh", 3), ("megawatt-hour", "Wh", 6),
        ("gigawatt-hour", "Wh", 9), ("terawatt-hour", "Wh", 12), ("millimetre", "m", -3),
        ("millimeter", "m", -3), ("centimetre", "m", -2), ("centimeter", "m", -2), ("metre", "m", 0),
        ("meter", "m", 0), ("kilometre", "m", 3), ("kilometer", "m", 3), ("milligram", "g", -3),
        ("gram", "g", 0), ("kilogram", "g", 3), ("tonne", "g", 6), ("hectare", "m²", 4),
        ("litre", "l", 0), ("liter", "l", 0), ("millilitre", "l", -3), ("milliliter", "l", -3),
        ("mile", "mi", 0), ("acre", "acre", 0)):
    UNIT_WORDS[_stem] = UNIT_WORDS[_stem + "s"] = (_dimension, _power)
# Symbols of more than one letter also count spaced ("900 MW", "10 km"); single letters and
# these two-letter words do not ("5 in", "5 mi" read as prose).
SPACED_SYMBOLS = frozenset(u for u in UNITS if len(u) > 1 and u not in ("in", "mi"))
# Rates after a slash ("900/day"): the number and what it is per.
RATES = frozenset("s sec min h hr hour day week wk month mo year yr km kg person capita head".split())

# --- suffixes that keep a plain number ------------------------------------------------------------
# "1990s" (a decade), "3pm", "10am": the number is read as it stands.
PLAIN_SUFFIXES = frozenset({"s", "am", "pm"})

SUPERSCRIPTS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
SUBSCRIPTS = "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"


def currency_code(code: str) -> str:
    """An ISO code as compared: RMB is CNY."""
    return _CODE_ALIASES.get(code, code)


def factor(measure: str) -> tuple[str, int]:
    """(dimension, power of ten) of a measure as `figures` records it (a unit symbol or a
    currency code); a currency is its own dimension."""
    return UNITS.get(measure) or UNIT_WORDS.get(measure) or (measure, 0)


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# After a number and one space: a strict unit, a currency word or code, a unit word or symbol.
# Words ignore case; symbols, codes and short forms do not ("900 MW" is megawatts, "5 BP" is no
# basis point).
_STRICT_SPACED = [s for s in STRICT if s not in STRICT_GLUED_ONLY]
_STRICT_WORDS = [s for s in _STRICT_SPACED if len(s) > 4]
SPACED = re.compile(
    r"[ \u00a0\u2009\u202f](?:(?P<strict>(?i:" + _alternation(_STRICT_WORDS) + r")|"
    + _alternation([s for s in _STRICT_SPACED if s not in _STRICT_WORDS]) + r")"
    + r"|(?P<word>(?i:" + _alternation(list(CURRENCY_WORDS) + list(UNIT_WORDS)) + r"))"
    + r"|(?P<symbol>" + _alternation(sorted(SPACED_SYMBOLS | CODES)) + r"))(?![^\W_])")


_SYMBOL_ENDS = frozenset(symbol[-1] for symbol in SYMBOLS)
_SPACE = " \u00a0\u202f"
# After the digits: letters (a unit, magnitude or code), a degree sign, or per mille.
_GLUED = re.compile(r"[^\W\d_]+|\u00b0[CF]?|[\u2030\u2031\u00d7]")


def currency_before(text: str, start: int) -> tuple[str, int]:
    """(ISO code, where it starts) of a currency glued or one space before `start`, else ("", start)."""
    at = start - 1 if start and text[start - 1] in _SPACE else start
    if not at:
        return "", start
    last = text[at - 1]
    if last in _SYMBOL_ENDS:
        for symbol in sorted((s for s in SYMBOLS if s[-1] == last), key=len, reverse=True):
            begin = at - len(symbol)
            if begin >= 0 and text.startswith(symbol, begin) and not text[begin - 1:begin].isalnum():
                return SYMBOLS[symbol], begin
    elif last.isupper() and at >= 3 and text[at - 3:at] in CODES and not text[at - 4:at - 3].isalnum():
        return currency_code(text[at - 3:at]), at - 3
    return "", start


def glued(text: str, at: int, currency: str) -> tuple[str, str, int] | None:
    """What is glued to the digits at `at`: ("magnitude", power, end), ("unit", measure, end),
    ("strict", unit, end), ("plain", "", end), ("token", reason, end); None for nothing."""
    m = _GLUED.match(text, at)
    if m is None:
        return None
    suffix, end = m.group(), m.end()
    if text[end:end + 1].isdigit():
        return "token", "name", end  # "3x3", "4K60"
    if currency and suffix in CURRENCY_MAGNITUDES:
        return "magnitude", str(CURRENCY_MAGNITUDES[suffix]), end
    if suffix in MAGNITUDES:
        return "magnitude", str(MAGNITUDES[suffix]), end
    if suffix in STRICT:
        return "strict", STRICT[suffix], end
    if suffix == "m" or suffix == "b":
        return "token", "ambiguous" if suffix == "m" else "suffix", end
    if suffix in UNITS:
        return "unit", suffix, end
    if suffix in CODES:
        return "unit", currency_code(suffix), end
    if suffix in PLAIN_SUFFIXES:
        return "plain", "", end
    if suffix in ("a", "p") and text.startswith(".m.", end):
        return "plain", "", end + 3
    if suffix[0] in SUPERSCRIPTS:
        return "token", "superscript", end
    if unicodedata.numeric(suffix[0], 0) or "\u2044" in suffix:
        return "token", "fraction", end
    if not (suffix[0].isupper() or suffix[0].islower()):
        return "plain", "", at  # a script without case: "2023年" is 2023
    return "token", "name" if suffix[0].isupper() else "suffix", end


def spaced(text: str, at: int, currency_only: bool = False) -> tuple[str, str, int] | None:
    """A unit one space after `at`: ("strict", unit, end) or ("unit", measure, end)."""
    m = SPACED.match(text, at)
    if m is None:
        if text[at:at + 1] in _SPACE and text[at + 1:at + 2] in _SYMBOL_ENDS and text[at + 1] in SYMBOLS:
            return "unit", SYMBOLS[text[at + 1]], at + 2  # "7 million €"
        return None
    strict, word, symbol = m.group("strict"), m.group("word"), m.group("symbol")
    if strict:
        return None if currency_only else ("strict", STRICT[strict.lower() if len(strict) > 4 else strict],
                                           m.end())
    if word:
        lower = word.lower()
        if lower in CURRENCY_WORDS:
            return "unit", CURRENCY_WORDS[lower], m.end()
        return None if currency_only else ("unit", lower, m.end())
    if symbol in CODES:
        return "unit", currency_code(symbol), m.end()
    return None if currency_only else ("unit", symbol, m.end())
