"""The rule behind `briefing fix` (issue 17 §4), pure: what is set aside when a quote is compared
with its source, and why a quote is left."""

from __future__ import annotations

import pytest

from briefing.verify.repair import case_names, loosen, why_not


@pytest.mark.parametrize("a, b, same", [
    pytest.param("town’s", "town`s", True, id="apostrophes"),
    pytest.param("“a”", "``a''", True, id="tex-quotes"),
    pytest.param("a — b", "a -- b", True, id="spaced-dashes"),
    pytest.param("com-\nposed", "composed", True, id="line-end-hyphen"),
    pytest.param("a , b", "a,b", True, id="spacing"),
    pytest.param("The", "the", True, id="case"),
    pytest.param("a — b", "ab", False, id="a-spaced-dash-is-not-a-line-end-hyphen"),
    pytest.param("63", "83", False, id="digits-kept"),
    pytest.param("did not", "did", False, id="words-kept"),
    pytest.param("well-known", "wellknown", False, id="a-word's-own-hyphen-kept"),
])
def test_loosen_sets_aside_only_what_fix_may_repair(a: str, b: str, same: bool) -> None:
    assert (loosen(a).text == loosen(b).text) is same


def test_loosen_maps_each_character_to_its_original_offset() -> None:
    loose = loosen("A  b-\nc")
    assert loose.text == "abc" and loose.offsets == (0, 3, 6)


@pytest.mark.parametrize("quote, passage, reason", [
    pytest.param("Aliyev said 83", "Aliev said 63", "a figure differs: the quote has “83” where the source has “63”",
                 id="a-figure-before-a-name"),
    pytest.param("Aliyev did say", "Aliev did not say",
                 "a negation differs: the source has “not”, which the quote leaves out", id="a-negation-before-a-name"),
    pytest.param("Aliyev said", "Aliev said", "a name differs: the quote has “Aliyev” where the source has “Aliev”",
                 id="a-name"),
    pytest.param("it was red", "it was blue", "the words differ: the quote has “red” where the source has “blue”",
                 id="a-word"),
])
def test_why_not_names_the_weightiest_difference(quote: str, passage: str, reason: str) -> None:
    assert why_not(quote, passage) == reason


@pytest.mark.parametrize("quote, passage, refused", [
    pytest.param("the vote passed.", "The vote passed.", False, id="first-word"),
    pytest.param("It ended. the vote passed.", "It ended. The vote passed.", False, id="after-a-full-stop"),
    pytest.param("said the Minister", "said the minister", True, id="mid-sentence-capital-in-quote"),
    pytest.param("said the minister", "said the Minister", True, id="mid-sentence-capital-in-source"),
])
def test_case_only_at_a_sentence_start(quote: str, passage: str, refused: bool) -> None:
    assert bool(case_names(quote, passage)) is refused
