"""Tables for figure extraction and figure checking (briefing.verify.figures)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.verify.backing import FigureCheck, check_figures
from briefing.verify.figures import find_figures

P = "percent"

# text -> [(value, unit, ordinal)] in order of position
EXTRACTION = [
    # an en dash typed for a minus is a sign where a sign may stand; between digits a range
    ("en-dash-minus", "It was \u20135 degrees", [("-5", "", False)]),
    ("en-dash-range", "on Feb. 25\u201326", [("25", "", False), ("26", "", False)]),
    # the seed articles
    ("seed-killed", "613 people were killed, including 63 children", [("613", "", False), ("63", "", False)]),
    ("seed-injured", "487 civilians were seriously injured", [("487", "", False)]),
    ("seed-disabled", "1,000 people were disabled", [("1000", "", False)]),
    ("seed-anniversary", "the 28th anniversary", [("28", "", True)]),
    ("seed-hostage", "1,275 people were taken hostage", [("1275", "", False)]),
    ("seed-missing", "150 went missing", [("150", "", False)]),
    ("seed-years", "twenty-six years", [("26", "", False)]),
    ("seed-families", "Eight families were exterminated", [("8", "", False)]),
    ("seed-date", "26 February 1992", [("26", "", False), ("1992", "", False)]),
    ("seed-feb-dot", "Feb.26", [("26", "", False)]),
    ("seed-session", "the 48th session", [("48", "", True)]),
    # digits, separators, decimals, signs
    ("plain", "in 2013", [("2013", "", False)]),
    ("comma-groups", "1,275,000", [("1275000", "", False)]),
    ("nbsp-groups", "1\u00a0275", [("1275", "", False)]),
    ("thin-space-groups", "1\u2009275", [("1275", "", False)]),
    ("narrow-nbsp-groups", "1\u202f275\u202f000", [("1275000", "", False)]),
    ("plain-space-not-groups", "in 1992 613 died", [("1992", "", False), ("613", "", False)]),
    # Issue 15 §3 (hostile review): digits joined by a comma that groups no thousands are one
    # token ("joined", tests/unit/test_figure_tokens.py), not the figures 1 and 2345.
    ("bad-grouping", "1,2345", []),
    ("decimal", "3.5 metres", [("3.5", "", False)]),
    ("trailing-zero", "1.50", [("1.5", "", False)]),
    ("lone-decimal", "about .5 of", [("0.5", "", False)]),
    ("grouped-decimal", "1,275.50", [("1275.5", "", False)]),
    ("hyphen-minus", "fell to -4", [("-4", "", False)]),
    ("minus-sign", "fell to \u22124", [("-4", "", False)]),
    ("bracket-minus", "(-4)", [("-4", "", False)]),
    ("plus", "rose +4", [("4", "", False)]),
    ("range-not-sign", "25-26", [("25", "", False), ("26", "", False)]),
    ("en-dash-range", "pages 25\u201326", [("25", "", False), ("26", "", False)]),
    ("iso-date", "2023-02-22", [("2023", "", False), ("2", "", False), ("22", "", False)]),
    ("time", "19:10", []),  # one token, never its pieces (find_tokens gives it)
    ("zero", "0 and zero", [("0", "", False), ("0", "", False)]),
    ("currency", "$5", [("5", "", False)]),
    ("sentence-end", "it was 1992.", [("1992", "", False)]),
    ("unit-glued", "10km", [("10", "", False)]),
    ("decade", "the 1990s and 1990's", [("1990", "", False), ("1990", "", False)]),
    # percentages
    ("percent-sign", "20%", [("20", P, False)]),
    ("percent-sign-nbsp", "20\u00a0%", [("20", P, False)]),
    ("percent-word", "20 percent", [("20", P, False)]),
    ("per-cent", "20 per cent", [("20", P, False)]),
    ("per-hyphen-cent", "20 per-cent", [("20", P, False)]),
    ("percent-decimal-negative", "-0.5%", [("-0.5", P, False)]),
    ("percent-words", "twenty per cent", [("20", P, False)]),
    ("percentage-points", "5 percentage points", [("5", "percentage points", False)]),
    # ordinals
    ("ordinal-1st", "1st", [("1", "", True)]),
    ("ordinal-2nd-3rd", "2nd and 3rd", [("2", "", True), ("3", "", True)]),
    ("ordinal-grouped", "1,000th", [("1000", "", True)]),
    ("ordinal-word", "the twenty-eighth anniversary", [("28", "", True)]),
    ("ordinal-word-forty-eighth", "forty-eighth", [("48", "", True)]),
    ("ordinal-third", "a third party", [("3", "", True)]),
    ("ordinal-tenth", "the tenth", [("10", "", True)]),
    ("ordinal-twentieth", "twentieth", [("20", "", True)]),
    ("ordinal-hundred-first", "one hundred and first", [("101", "", True)]),
    ("ordinal-twenty-first", "twenty-first century", [("21", "", True)]),
    ("first-time-not", "for the first time", []),
    ("second-largest-not", "the second-largest city", []),
    ("first-anniversary", "the first anniversary", [("1", "", True)]),
    ("second-session", "its second session", [("2", "", True)]),
    # number words
    ("word-eight", "eight", [("8", "", False)]),
    ("word-hyphen", "twenty-five", [("25", "", False)]),
    ("word-space", "twenty five", [("25", "", False)]),
    ("word-capital", "Twenty-Six", [("26", "", False)]),
    ("one-hundred", "one hundred", [("100", "", False)]),
    ("a-hundred", "a hundred people", [("100", "", False)]),
    ("a-thousand", "a thousand", [("1000", "", False)]),
    ("hundred-and", "one hundred and twenty", [("120", "", False)]),
    ("two-thousand", "two thousand", [("2000", "", False)]),
    ("thousand-and", "two thousand and five", [("2005", "", False)]),
    ("twelve-hundred", "twelve hundred", [("1200", "", False)]),
    ("compound-scales", "two million three hundred thousand", [("2300000", "", False)]),
    ("a-million", "a million", [("1000000", "", False)]),
    ("digits-million", "1.5 million", [("1500000", "", False)]),
    ("digits-3-million", "3 million people", [("3000000", "", False)]),
    ("digits-bn", "$1.5bn", [("1500000000", "", False)]),
    ("digits-thousand", "25 thousand", [("25000", "", False)]),
    ("a-dozen", "a dozen", [("12", "", False)]),
    ("two-dozen", "two dozen", [("24", "", False)]),
    ("list-not-summed", "five six", [("5", "", False), ("6", "", False)]),
    ("and-not-summed", "five and six", [("5", "", False), ("6", "", False)]),
    ("year-words-split", "nineteen ninety-two", [("19", "", False), ("92", "", False)]),
    ("fraction-not", "one-third", [("1", "", False), ("3", "", True)]),
    # vague quantities
    ("vague-thousands", "thousands of people", []),
    ("vague-hundreds", "hundreds of", []),
    ("vague-dozens", "dozens of", []),
    ("vague-millions", "millions of", []),
    ("vague-tens-of-thousands", "tens of thousands", []),
    ("vague-several-hundred", "several hundred", []),
    ("vague-a-few-thousand", "a few thousand", []),
    # words that merely contain numbers
    ("containing-words", "someone, none, often, tension, Tenerife, boneless, fortyish", []),
    ("armenia-azerbaijan", "Armenia-Azerbaijan", []),
    # "one" as a pronoun or idiom
    ("one-of-the", "one of the victims", []),
    ("one-another", "they fought one another", []),
    ("no-one", "no one", []),
    ("no-hyphen-one", "no-one", []),
    ("someone-anyone-everyone", "someone, anyone, everyone", []),
    ("ones", "one's home", []),
    ("the-one", "the one who stayed", []),
    ("this-one", "this one", []),
    ("that-one", "that one", []),
    ("each-one", "each one", []),
    ("any-one", "any one", []),
    ("every-one-of", "every one of them", []),
    ("one-by-one", "one by one", []),
    ("one-day", "one day", []),
    ("at-one-point", "at one point", []),
    ("at-one-time", "at one time", []),
    ("one-sided", "one-sided", []),
    ("sentence-start", "One of them", []),
    # "one" counting something
    ("one-child", "one child", [("1", "", False)]),
    ("one-parent", "lost one parent", [("1", "", False)]),
    ("one-year", "a one-year term", [("1", "", False)]),
    ("one-percent", "one per cent", [("1", P, False)]),
    ("one-alone", "one", [("1", "", False)]),
    ("twenty-one", "twenty-one", [("21", "", False)]),
    ("digit-one-pronoun-context", "the 1 of", [("1", "", False)]),
    # codes and identifiers
    ("g20", "the G20 summit", []),
    ("covid-19", "COVID-19", []),
    ("f-16", "an F-16", []),
    ("mid-decade", "mid-1990s", [("1990", "", False)]),
    ("un-symbol", "A/RES/62/243", []),
    ("oic-symbol", "48/48-POL", []),
    ("url", "https://example.org/2020/05/x", []),
    ("slash-numbers", "24/7", []),  # one token (find_tokens), never its pieces
    ("5g", "5G networks", []),
    ("version", "1.2.3", []),
    ("ip", "192.168.0.1", []),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in EXTRACTION], ids=[c[0] for c in EXTRACTION])
def test_find_figures(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert [(f.value, f.unit, f.ordinal) for f in find_figures(text)] == expected


@pytest.mark.parametrize(
    "text, written",
    [
        ("about 1,275 people", ["1,275"]),
        ("20 per cent", ["20 per cent"]),
        ("the 28th anniversary", ["28th"]),
        ("a hundred people", ["a hundred"]),
        ("-4 and \u22124", ["-4", "\u22124"]),
        ("1.5 million", ["1.5 million"]),
        ("one hundred and twenty", ["one hundred and twenty"]),
    ],
    ids=["grouped", "per-cent", "ordinal", "a-hundred", "signs", "scale", "hundred-and"],
)
def test_figure_text_and_offsets(text: str, written: list[str]) -> None:
    figures = find_figures(text)
    assert [f.text for f in figures] == written
    assert all(text[f.start:f.end] == f.text for f in figures)


SEED_QUOTE = ("613 people were killed, including 63 children, 106 women and 70 elderly; "
              "487 civilians were seriously injured and 1,275 people were taken hostage")

CHECKS = [
    # id, claim text, quotes, exempt, unbacked values, exempted values, unused exemptions
    ("backed", "613 people died, 63 of them children", [SEED_QUOTE], (), [], [], ()),
    ("backed-by-value", "one thousand two hundred and seventy-five hostages", [SEED_QUOTE], (), [], [], ()),
    ("backed-across-quotes", "613 killed and 150 missing", [SEED_QUOTE, "150 went missing"], (), [], [], ()),
    ("unbacked-83-vs-63", "613 people died, including 83 children", [SEED_QUOTE], (), ["83"], [], ()),
    ("rounding-600-vs-613", "about 600 people died", [SEED_QUOTE], (), ["600"], [], ()),
    ("no-quotes", "613 died", [], (), ["613"], [], ()),
    ("no-figures", "many people died", [SEED_QUOTE], (), [], [], ()),
    ("decimal-equal", "1.5 million", ["1,500,000 people"], (), [], [], ()),
    ("percent-vs-plain", "20% of them", ["20 of them"], (), ["20"], [], ()),
    ("plain-vs-percent", "20 of them", ["20 per cent of them"], (), ["20"], [], ()),
    ("percent-forms", "20 per cent", ["20%"], (), [], [], ()),
    ("ordinal-vs-cardinal", "the 28th anniversary", ["twenty-eight years ago"], (), [], [], ()),
    ("cardinal-vs-ordinal", "48 sessions", ["the forty-eighth session"], (), [], [], ()),
    ("sign-matters", "fell by -4", ["fell by 4"], (), ["-4"], [], ()),
    ("pronoun-one-needs-nothing", "one of the 613 victims", [SEED_QUOTE], (), [], [], ()),
    ("exemption-used", "five sources agree that 613 died", [SEED_QUOTE], ("five",), [], ["5"], ()),
    ("exemption-by-value", "5 sources agree", [], ("five",), [], ["5"], ()),
    ("exemption-unused", "613 died", [SEED_QUOTE], ("five",), [], [], ("five",)),
    ("exemption-no-figures", "many died", [], ("five",), [], [], ("five",)),
    ("exemption-by-text", "the first session", [], ("first",), [], ["1"], ()),
    ("exemption-percent-only", "20% and 20", [], ("20%",), ["20"], ["20"], ()),
    ("exemption-partial", "five sources, 83 children", [SEED_QUOTE], ("five", "seven"),
     ["83"], ["5"], ("seven",)),
]


@pytest.mark.parametrize("claim, quotes, exempt, unbacked, exempted, unused",
                         [c[1:] for c in CHECKS], ids=[c[0] for c in CHECKS])
def test_check_figures(claim: str, quotes: list[str], exempt: tuple[str, ...], unbacked: list[str],
                       exempted: list[str], unused: tuple[str, ...]) -> None:
    result = check_figures(claim, quotes, exempt)
    assert isinstance(result, FigureCheck)
    assert [f.value for f in result.unbacked] == unbacked
    assert [f.value for f in result.exempted] == exempted
    assert result.unused_exemptions == unused


def test_unbacked_figure_points_at_the_text() -> None:
    claim = "613 people died, including 83 children"
    (figure,) = check_figures(claim, [SEED_QUOTE]).unbacked
    assert (figure.text, claim[figure.start:figure.end]) == ("83", "83")


@given(n=st.integers(min_value=-10**15, max_value=10**15),
       sep=st.sampled_from([",", "\u00a0", "\u2009", "\u202f"]))
def test_grouped_integer_round_trips(n: int, sep: str) -> None:
    text = f"{n:,}".replace(",", sep)
    figures = find_figures(f"about {text} people")
    assert [(f.value, f.unit, f.text) for f in figures] == [(str(n), "", text)]
