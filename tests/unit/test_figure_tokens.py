"""Issue 15 §2, §3, §6: figures read from the source text a quote matched, every number-like
token of a claim read or refused, numbered names declared once, and numbers of any length.

For each rule the wrong figure that must fail sits beside the right one that passes.
"""

from __future__ import annotations

import pytest

from briefing.engine.run import verify
from briefing.models import Briefing, Citation, Claim, Section, Source, Status
from briefing.verify.backing import check_figures, name_problem
from briefing.verify.figures import find_figures, find_tokens

# --- reading: magnitudes, currencies, units ---------------------------------------------------

READS = [
    # id, text, [(figure text, value, unit, measure)]
    ("dollar-M", "$9M", [("$9M", "9000000", "", "USD")]),
    ("megawatts-glued", "900MW", [("900MW", "900", "", "MW")]),
    ("iso-glued-before", "USD900", [("USD900", "900", "", "USD")]),
    ("iso-glued-million", "EUR7 million", [("EUR7 million", "7000000", "", "EUR")]),
    ("iso-spaced-before", "USD 900", [("USD 900", "900", "", "USD")]),
    ("iso-after", "900 USD", [("900", "900", "", "USD")]),
    ("rate", "900/day", [("900/day", "900", "", "/day")]),
    ("pound-m", "\u00a35m", [("\u00a35m", "5000000", "", "GBP")]),
    ("dollar-b", "$2b", [("$2b", "2000000000", "", "USD")]),
    ("dollar-B", "$5B", [("$5B", "5000000000", "", "USD")]),
    ("us-dollar-spaced", "US$ 9 million", [("US$ 9 million", "9000000", "", "USD")]),
    ("euro-after", "7 million \u20ac", [("7 million", "7000000", "", "EUR")]),
    ("k", "63k", [("63k", "63000", "", "")]),
    ("M", "9M users", [("9M", "9000000", "", "")]),
    ("mln", "2 mln", [("2 mln", "2000000", "", "")]),
    ("million-dollars", "9 million dollars", [("9 million", "9000000", "", "USD")]),
    ("words-dollars", "nine million dollars", [("nine million", "9000000", "", "USD")]),
    ("gigawatts-spaced", "0.9 GW", [("0.9", "0.9", "", "GW")]),
    ("megawatts-word", "900 megawatts", [("900", "900", "", "megawatts")]),
    ("km-per-hour", "50km/h", [("50km/h", "50", "", "km/h")]),
    ("degrees", "25\u00b0C", [("25\u00b0C", "25", "", "\u00b0C")]),
    ("per-mille", "5\u2030", [("5\u2030", "5", "per mille", "")]),
    ("per-mille-words", "5 per mille", [("5 per mille", "5", "per mille", "")]),
    ("pct", "5 pct", [("5 pct", "5", "percent", "")]),
    ("pc-glued", "5pc", [("5pc", "5", "percent", "")]),
    ("percentage-points", "5 percentage points", [("5 percentage points", "5", "percentage points", "")]),
    ("pp", "5pp", [("5pp", "5", "percentage points", "")]),
    ("pp-words", "five percentage points", [("five percentage points", "5", "percentage points", "")]),
    ("basis-points", "25 bps", [("25 bps", "25", "basis points", "")]),
    ("minus-before-currency", "fell (-$5)", [("-$5", "-5", "", "USD")]),
    ("minus-after-currency", "$-5", [("$-5", "-5", "", "USD")]),
    ("uncased-script-after", "2023\u5e74", [("2023", "2023", "", "")]),
    ("uncased-script-before", "\u7b2c5", [("5", "5", "", "")]),
    ("decade-kept", "the 1990s", [("1990s", "1990", "", "")]),
    ("pm-kept", "at 3pm", [("3pm", "3", "", "")]),
    ("capital-BP-no-unit", "5 BP stations", [("5", "5", "", "")]),
    ("pounds-not-read", "5 pounds", [("5", "5", "", "")]),
    ("exact-long-decimal", "1234567890123456789012345678901.5",
     [("1234567890123456789012345678901.5", "1234567890123456789012345678901.5", "", "")]),
    ("long-integer-exact", "9" * 4300, [("9" * 4300, "9" * 4300, "", "")]),
    ("figure-space-groups", "1\u2007613 died", [("1\u2007613", "1613", "", "")]),
    ("percent-points", "up 5% points", [("5% points", "5", "percentage points", "")]),
    ("per-cent-points", "up 5 per cent points", [("5 per cent points", "5", "percentage points", "")]),
    ("percent-point-hyphen", "a 5%-point rise", [("5%-point", "5", "percentage points", "")]),
    ("words-percent-points", "five percent points", [("five percent points", "5", "percentage points", "")]),
    ("percent-pointless", "5% pointless", [("5%", "5", "percent", "")]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in READS], ids=[c[0] for c in READS])
def test_read_by_value(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert [(f.text, f.value, f.unit, f.measure) for f in find_figures(text)] == expected
    assert find_tokens(text) == ()


# --- refused: tokens that are not read -------------------------------------------------------

TOKENS = [
    # id, text, [(token, reason)]
    ("x900", "a x900 zoom", [("x900", "name")]),
    ("g20", "the G20 summit", [("G20", "name")]),
    ("covid", "COVID-19 deaths", [("COVID-19", "name")]),
    ("5g", "5G networks", [("5G", "name")]),
    ("5g-compatible", "5G-compatible", [("5G", "name")]),
    ("3x3", "a 3x3 grid", [("3x3", "name")]),
    ("un-symbol", "A/RES/62/243.", [("A/RES/62/243", "name")]),
    ("oic-symbol", "(48/48-POL)", [("48/48-POL", "name")]),
    ("version", "1.2.3", [("1.2.3", "name")]),
    ("superscript", "630\u00b2 units", [("630\u00b2", "superscript")]),
    ("lone-superscript", "a total of \u00b2", [("\u00b2", "superscript")]),
    ("vulgar-fraction", "\u00bd of the vote", [("\u00bd", "fraction")]),
    ("mixed-fraction", "1\u00bd hours", [("1\u00bd", "fraction")]),
    ("fraction-slash", "1\u20442 of them", [("1\u20442", "fraction")]),
    ("roman", "the XLVIII session", [("XLVIII", "roman")]),
    ("roman-sentence-start", "The XLVIII session", [("XLVIII", "roman")]),
    ("unknown-suffix", "60fps", [("60fps", "suffix")]),
    ("m-without-currency", "5m people", [("5m", "ambiguous")]),
    ("too-long", "1" * 4301, [("1" * 4301, "too-long")]),
    # digits joined by a separator that is no part of one number as read: a decimal comma, ...
    ("decimal-comma", "2,5 per cent", [("2,5", "joined")]),
    ("decimal-comma-after-point", "1.613,5 died", [("1.613,5", "joined")]),
    ("bad-grouping", "1,6130 died", [("1,6130", "joined")]),
    ("grouped-then-decimal-comma", "1,613,5 died", [("1,613,5", "joined")]),
    ("swiss-apostrophe", "1'613 died", [("1'613", "joined")]),
    ("arabic-decimal", "\u0662\u066b\u0665 per cent", [("\u0662\u066b\u0665", "joined")]),
    ("arabic-thousands", "\u0661\u066c\u0666\u0661\u0663 died", [("\u0661\u066c\u0666\u0661\u0663", "joined")]),
    ("middle-dot", "2\u00b75 per cent", [("2\u00b75", "joined")]),
    ("after-a-code", "x2,5 per cent", [("x2", "name"), ("5", "joined")]),
    # numeral characters that are no digits the reader reads
    ("circled", "\u2460 item", [("\u2460", "numeral")]),
    ("circled-twelve", "it cost \u246b", [("\u246b", "numeral")]),
    ("dingbat", "it cost \u2776", [("\u2776", "numeral")]),
    ("parenthesized", "it cost \u247f", [("\u247f", "numeral")]),
    ("roman-character", "the \u216b session", [("\u216b", "numeral")]),
    ("cjk-zero-left", "\u4e8c\u3007\u4e8c\u3007\u5e74", []),
    # not number-like tokens of a sentence: names with Roman numerals, labels, abbreviations, URLs
    ("world-war-ii", "World War II began", []),
    ("louis-xiv", "Louis XIV", []),
    ("type-ii", "type II diabetes and phase III trials", []),
    ("list-label", "(II) You may", []),
    ("abbreviation", "a CD player in DC", []),
    ("url", "see https://example.org/2020/05/x", []),
    ("chemical", "CO\u2082 and km\u00b2", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in TOKENS], ids=[c[0] for c in TOKENS])
def test_tokens_not_read_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.text, t.reason) for t in find_tokens(text)] == expected
    assert all(text[t.start:t.end] == t.text for t in find_tokens(text))


# --- backing: the issue's tokens, each beside a quote that does not state it ---------------------

P = "percent"
ISSUE_TOKENS = [
    # id, claim, a quote that does not state it, a quote that does
    ("dollar-M", "The fund holds $9M.", "The fund holds 9 people.", "The fund holds $9,000,000."),
    ("dollar-M-words", "The fund holds $9M.", "The fund holds 9 million euros.", "9 million dollars"),
    ("megawatts", "The plant makes 900MW.", "The plant makes 900 kW.", "The plant makes 0.9 GW."),
    ("megawatts-words", "The plant makes 900MW.", "The plant employs 90 people.", "900 megawatts"),
    ("usd-glued", "It costs USD900.", "It costs 900 euros.", "It costs $900."),
    ("eur-million", "It costs EUR7 million.", "It costs 7 euros.", "It costs \u20ac7,000,000."),
    ("x900", "a x900 zoom", "a 900 zoom", "a x900 zoom lens"),
    ("per-day", "900/day arrive", "90/day arrive", "900 per day arrive"),
    ("pound-m", "\u00a35m was paid", "\u00a35 was paid", "5 million pounds was paid"),
    ("k", "63k people", "63 people", "63,000 people"),
    ("superscript", "630\u00b2 units", "630 units", "630\u00b2 units"),
    ("vulgar-fraction", "\u00bd of the vote", "half of the vote", "\u00bd of the vote"),
    ("roman", "the XLVIII session", "the 48th session", "the XLVIII session"),
    ("per-mille", "a rate of 5\u2030", "a rate of 5%", "a rate of 5 per mille"),
    ("pct", "up 5 pct", "up 5 points", "up 5%"),
    ("percentage-points", "up 5 percentage points", "up 5%", "up 5 pp"),
    ("percent-not-points", "up 5%", "up 5 percentage points", "up 5 per cent"),
    ("long-decimals", "1234567890123456789012345678901.5", "1234567890123456789012345678901.4",
     "1,234,567,890,123,456,789,012,345,678,901.5"),
    ("too-long", "1" * 4301, "1" * 4300, "1" * 4301),
    ("negative-currency", "It fell by -$5.", "It fell by $5.", "It fell by -5 dollars."),
    ("percent-points", "up 5% points", "up 5%", "up 5 percentage points"),
    ("per-cent-points", "up 5 per cent points", "up 5 per cent", "up 5pp"),
    ("circled", "It cost \u246b dollars.", "It cost 2 dollars.", "It cost \u246b dollars."),
    ("roman-character", "the \u216b session", "the 2 session", "the \u216b session"),
]


@pytest.mark.parametrize("claim, wrong, right", [c[1:] for c in ISSUE_TOKENS], ids=[c[0] for c in ISSUE_TOKENS])
def test_each_token_is_backed_only_by_a_quote_stating_it(claim: str, wrong: str, right: str) -> None:
    refused = check_figures(claim, [wrong])
    assert refused.unbacked or refused.unreadable
    backed = check_figures(claim, [right])
    assert (backed.unbacked, backed.unreadable) == ((), ())


# Hostile review (issue 15 §2, §3): a number the reader does not read whole backs no piece of it.
JOINED = [
    # id, quote, a claim stating a piece of its number, a claim stating it as written
    ("decimal-comma", "Inflation was 2,5 per cent.", "Inflation was 5 per cent.", "Inflation was 2,5 per cent."),
    ("decimal-comma-integer", "Inflation was 2,5 per cent.", "Inflation was 2 per cent.", "It was 2,5 per cent."),
    ("european", "Costs were 1.613,5 euros.", "Costs were 5 euros.", "Costs were 1.613,5 euros."),
    ("bad-grouping", "Some 1,6130 died.", "6130 died.", "Some 1,6130 died."),
    ("swiss", "Some 1'613 died.", "613 died.", "Some 1'613 died."),
    ("arabic-thousands", "\u0661\u066c\u0666\u0661\u0663 died", "613 died.",
     "\u0661\u066c\u0666\u0661\u0663 died"),
    ("arabic-decimal", "\u0662\u066b\u0665 per cent", "5 per cent", "\u0662\u066b\u0665 per cent"),
    ("middle-dot", "2\u00b75 per cent", "5 per cent", "2\u00b75 per cent"),
    ("figure-space", "Some 1\u2007613 died.", "613 died.", "1,613 died."),
    # A time, a ratio or a date in digits is one token: its pieces back nothing.
    ("time", "At 19:10 people came.", "10 people came.", "At 19:10 people came."),
    ("ratio", "It passed 3:1 in the end.", "1 voted against.", "It passed 3:1."),
    ("date-slashes", "Since the 9/11 attacks, security rose.", "11 attacks happened.", "After 9/11, it rose."),
    ("full-date", "Signed on 26/02/1992 in Baku.", "On 26 February it was signed.", "Signed on 26/02/1992."),
    ("fraction", "A 3/4 majority voted.", "4 voted.", "A 3/4 majority."),
]


@pytest.mark.parametrize("quote, wrong, right", [c[1:] for c in JOINED], ids=[c[0] for c in JOINED])
def test_digits_joined_by_a_separator_back_no_piece_of_the_number(quote: str, wrong: str, right: str) -> None:
    refused = check_figures(wrong, [quote])
    assert refused.unbacked or refused.unreadable
    backed = check_figures(right, [quote])
    assert (backed.unbacked, backed.unreadable) == ((), ())


def test_a_plain_figure_is_backed_by_the_same_value_with_a_currency_or_unit_not_a_percent() -> None:
    assert check_figures("900 arrived", ["900/day arrived"]).unbacked == ()
    assert check_figures("9 million", ["$9M"]).unbacked == ()
    assert [f.text for f in check_figures("9 million", ["9M percent"]).unbacked] == ["9 million"]
    assert [f.text for f in check_figures("20", ["20 pp"]).unbacked] == ["20"]


def test_exemptions_cover_tokens_by_their_text() -> None:
    result = check_figures("COVID-19 spread", [], exempt=("covid-19",))
    assert ([t.text for t in result.exempted], result.unreadable, result.unused_exemptions) == (
        ["COVID-19"], (), ())


# --- names ----------------------------------------------------------------------------------

NAMES = [
    # id, claim, quote, names, unbacked, unreadable, named
    ("declared-name-only-covers-itself", "G20 pledged 500 million", "The G20 met.", ["G20"],
     ["500 million"], [], ["G20"]),
    ("declared-name-and-its-number-beside", "G20 pledged 20 million", "The G20 met.", ["G20"],
     ["20 million"], [], ["G20"]),
    ("quote-holds-the-name", "G20 pledged", "The G20 met.", [], [], [], []),
    ("quote-lacks-the-name", "G20 pledged", "The group met.", [], [], ["G20"], []),
    ("quote-holds-a-longer-code", "G20 pledged", "The G200 met.", [], [], ["G20"], []),
    ("name-in-a-quote-backs-no-figure", "Windows 11 has 11 flaws", "Windows 11 shipped.", ["Windows 11"],
     ["11"], [], ["Windows 11"]),
    ("name-undeclared-backs-by-value", "Windows 11 has 11 flaws", "Windows 11 shipped.", [], [], [], []),
    ("spaced-name", "released under MPL 2.0", "released under the Mozilla licence", ["MPL 2.0"], [], [],
     ["MPL 2.0"]),
    ("name-does-not-cover-its-value", "MPL 2.0 costs 2 dollars", "MPL", ["MPL 2.0"], ["2"], [], ["MPL 2.0"]),
    ("name-on-its-edges", "G20 and G2 met", "", ["G2"], [], ["G20"], ["G2"]),
    ("name-not-inside-a-longer-number", "MPL 2.0 applies", "", ["MPL 2"], ["2.0"], [], []),
    ("name-case-and-spacing", "the apache  license 2.0 applies", "", ["Apache License 2.0"], [], [],
     ["Apache License 2.0"]),
    ("name-covid", "COVID-19 killed 613", "613 died", ["COVID-19"], [], [], ["COVID-19"]),
    ("version-name", "GPL version 2 or 3", "", ["GPL version 2"], ["3"], [], ["GPL version 2"]),
]


@pytest.mark.parametrize("claim, quote, names, unbacked, unreadable, named", [c[1:] for c in NAMES],
                         ids=[c[0] for c in NAMES])
def test_names(claim: str, quote: str, names: list[str], unbacked: list[str], unreadable: list[str],
               named: list[str]) -> None:
    result = check_figures(claim, [quote], names=names)
    assert [f.text for f in result.unbacked] == unbacked
    assert [t.text for t in result.unreadable] == unreadable
    assert list(result.named) == named


@pytest.mark.parametrize("name, problem", [
    pytest.param("G20", "", id="code"),
    pytest.param("COVID-19", "", id="covid"),
    pytest.param("MPL 2.0", "", id="mpl"),
    pytest.param("Apache License 2.0", "", id="apache"),
    pytest.param("GPL version 2", "", id="gpl-version"),
    pytest.param("Windows 11", "", id="windows"),
    pytest.param("500", "has no letter", id="number"),
    pytest.param("Fund of 500 million", "holds the amount \u201c500 million\u201d", id="amount"),
    pytest.param("G20 pledged 500 million", "holds the amount \u201c500 million\u201d", id="amount-in-name"),
    pytest.param("G20 pledged 500", "holds \u201c500\u201d after a lower-case word", id="count-in-name"),
    pytest.param("the 5 %", "has no capital letter", id="no-capital"),
    pytest.param("OIC", "has no digit", id="no-digit"),
    pytest.param("Fund 5%", "holds the amount \u201c5%\u201d", id="percent"),
])
def test_what_a_name_may_be(name: str, problem: str) -> None:
    assert name_problem(name).startswith(problem) if problem else name_problem(name) == ""


# --- §2: the figures of the source text a quote matched ---------------------------------------

SOURCE_TEXT = [
    # id, source, quote, a claim the source does not back, one it does
    ("space", "In round 1 613 civilians voted.", "round 1\u00a0613 civilians voted",
     "1,613 civilians voted.", "613 civilians voted in round 1."),
    ("thin-space", "In round 1 613 civilians voted.", "round 1\u2009613 civilians voted",
     "1,613 civilians voted.", "613 civilians voted in round 1."),
    ("line-break", "See Table 1\n613 deaths were recorded.", "Table 1\u00a0613 deaths were recorded",
     "1,613 deaths were recorded.", "Table 1 lists 613 deaths."),
    ("pdf-group", "Group 12\n500 people left.", "Group 12\u202f500 people left",
     "12,500 people left.", "500 people of Group 12 left."),
    ("typed-space-source-groups", "Some 1\u00a0613 civilians voted.", "Some 1 613 civilians voted",
     "613 civilians voted.", "1,613 civilians voted."),
    ("soft-hyphen", "Some 6\u00ad13 civilians voted.", "Some 613 civilians voted",
     "6 and 13 voted.", "613 civilians voted."),
]


def _judged(source_text: str, quote: str, claim_text: str):
    source = Source("s", "sources/s.md", "text", source_text)
    claim = Claim("c", claim_text, (Citation("s", quote, 7, 16),), 5)
    return verify(Briefing("claims.yaml", "T", (Section("S", (claim,)),)), {"s": source}).claims[0]


@pytest.mark.parametrize("source_text, quote, wrong, right", [c[1:] for c in SOURCE_TEXT],
                         ids=[c[0] for c in SOURCE_TEXT])
def test_figures_are_read_from_the_source_text_that_matched(source_text: str, quote: str, wrong: str,
                                                            right: str) -> None:
    refused = _judged(source_text, quote, wrong)
    assert refused.citations[0].status is Status.VERIFIED  # the quote matches under the folds ...
    assert refused.status is Status.FIGURE_MISMATCH  # ... but its figures are the source's
    assert _judged(source_text, quote, right).status is Status.VERIFIED


def test_a_misquoted_quote_is_corrected_from_its_source_passage() -> None:
    result = _judged("In round 1 613 civilians voted, and 20 abstained.",
                     "round 1\u00a0613 civilians voted, and 21 abstained", "1,613 civilians voted.")
    assert result.status is Status.MISQUOTED
    assert [f.text for f in result.unquoted_figures] == ["1,613"]  # the passage has 1 and 613
