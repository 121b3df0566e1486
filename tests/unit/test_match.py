"""Exact matching: literal first, then elisions; folds reported; never fuzzy."""

import pytest

from briefing.text import normalise
from briefing.verify.match import find_quote, find_quotes
from briefing.verify.quote import split_elisions

SOURCE = (
    "As a result of the Khojaly genocide, 613 people were killed, including 63 children,\n"
    "106 women and 70 elderly people. 1,275 people were taken hostage.\n\n"
    "The OIC considers that the Khojaly atrocity was a result of the illegal occupation\n"
    "by Armenia of Azerbaijani territory.\n"
    "\u201cThe Secretary General referred to the Cairo Final Communiqu\u00e9\u201d \u2014 the OIC said.\n"
    "He said ... the words continue here [sic] and there.\n"
)


@pytest.mark.parametrize(
    ("quote", "passages", "folds"),
    [
        pytest.param("613 people were killed", ["613 people were killed"], (), id="plain"),
        pytest.param("including 63 children, 106 women", ["including 63 children,\n106 women"],
                     ("whitespace",), id="across-line"),
        pytest.param('"The Secretary General referred', ["\u201cThe Secretary General referred"],
                     ("quotes",), id="straight-for-curly"),
        pytest.param("Communiqu\u00e9\" - the OIC", ["Communiqu\u00e9\u201d \u2014 the OIC"],
                     ("quotes", "dashes"), id="dash-and-quote"),
        pytest.param("613 people were killed ... 1,275 people were taken hostage",
                     ["613 people were killed", "1,275 people were taken hostage"], (), id="elision"),
        pytest.param("the Khojaly genocide [...] 613 people", ["the Khojaly genocide", "613 people"], (),
                     id="bracket-elision"),
        pytest.param("the Khojaly genocide \u2026 613 people", ["the Khojaly genocide", "613 people"], (),
                     id="ellipsis-char"),
        pytest.param("He said ... the words", ["He said ... the words"], (), id="literal-dots-in-source"),
    ],
)
def test_verified(quote: str, passages: list[str], folds: tuple[str, ...]) -> None:
    match = find_quote(quote, normalise(SOURCE), 1500)
    assert match is not None
    assert [SOURCE[s.start:s.end] for s in match.spans] == passages
    assert match.folds == folds


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("613 people were killed, including 83 children", id="wrong-figure"),
        pytest.param("the khojaly genocide", id="case"),
        pytest.param("the Khojali genocide", id="spelling"),
        pytest.param("the Kh\u043ejaly genocide", id="cyrillic-look-alike"),
        pytest.param("1275 people were taken hostage", id="separator-is-punctuation"),
        pytest.param("1,275 people ... 613 people were killed", id="elision-out-of-order"),
        pytest.param("613 people were killed;", id="extra-punctuation"),
        pytest.param("   ", id="blank"),
    ],
)
def test_not_verified(quote: str) -> None:
    assert find_quote(quote, normalise(SOURCE), 1500) is None


def test_elision_gap_is_bounded() -> None:
    source = normalise("alpha beta " + "x " * 1000 + "gamma delta")
    assert find_quote("alpha beta ... gamma delta", source, 3000) is not None
    assert find_quote("alpha beta ... gamma delta", source, 1500) is None


def test_occurrences_counted() -> None:
    source = normalise("the OIC said. " * 3)
    match = find_quote("the OIC said", source, 1500)
    assert match is not None and match.occurrences == 3


def test_batch_and_single_agree() -> None:
    source = normalise(SOURCE)
    quotes = 8 * ["613 people", "63 children", "missing words", "the OIC said", "OIC", "Khojaly",
              "the Khojaly genocide ... 613 people", "including 63 children, 106 women", "O"]
    batch = find_quotes(quotes, source, 1500)
    assert batch == [find_quote(q, source, 1500) for q in quotes]
    # "O" is only ever the first letter of "OIC": on word edges it occurs nowhere (issue 15 §1).
    assert [m.occurrences if m else None for m in batch[:9]] == [1, 1, None, 1, 2, 2, 1, 1, None]


@pytest.mark.parametrize(
    ("quote", "parts"),
    [
        pytest.param("a ... b", ["a", "b"], id="dots"),
        pytest.param("a [\u2026] b \u2026 c", ["a", "b", "c"], id="mixed"),
        pytest.param("... a", ["a"], id="leading"),
        pytest.param("no elision", ["no elision"], id="none"),
    ],
)
def test_split_elisions(quote: str, parts: list[str]) -> None:
    assert split_elisions(quote) == parts


# "Any slice of a source verifies" no longer holds: a slice may cut a word or number (issue 15
# §1). Its successors, a slice between spaces verifies and a slice verifies exactly when some
# occurrence is on edges, are in test_edges.py.


def test_the_automaton_is_a_dfa_only_over_much_text_per_needle_and_finds_the_same() -> None:
    # Issue 19: the crate's own choice built a DFA for up to 100 needles whatever the text.
    import ahocorasick_rs

    from briefing.verify.match import DFA_MIN_BYTES_PER_NEEDLE, MultiSearch, automaton_kind
    assert automaton_kind(64, 100_000) is ahocorasick_rs.Implementation.ContiguousNFA
    assert automaton_kind(64, 64 * DFA_MIN_BYTES_PER_NEEDLE) is ahocorasick_rs.Implementation.DFA
    needles = ["the cat", "cat sat", "sat", "ça", "mat", "at"]
    for text in ("the cat sat on the mat " * 50, "ça, the cat sat on the mat " * 50):
        expected = sorted(MultiSearch(needles, dense=True).matches(text))
        assert sorted(MultiSearch(needles).matches(text)) == expected and expected
        assert MultiSearch(needles).present(text) == MultiSearch(needles, dense=True).present(text) != set()
