"""Word-level differences between a failed quote and its nearest passage."""

from __future__ import annotations

import pytest

from briefing.models import WordChange
from briefing.verify.diff import MAX_CHANGES, word_changes

CYRILLIC_A = "quote has U+0430 CYRILLIC SMALL LETTER A where the source has U+0061 LATIN SMALL LETTER A"


@pytest.mark.parametrize(
    ("quote", "passage", "expected"),
    [
        pytest.param("including 83 children, 106 women", "including 63 children, 106 women",
                     (WordChange("replace", "83", "63"),), id="figure"),
        pytest.param("victims of the Khojali massacre", "victims of the Khojaly massacre",
                     (WordChange("replace", "Khojali", "Khojaly"),), id="spelling"),
        pytest.param("1,275 people were kidnapped", "1,257 people were kidnapped",
                     (WordChange("replace", "1,275", "1,257"),), id="thousands-separator-kept-whole"),
        pytest.param("the Khojaly m\u0430ssacre", "the Khojaly massacre",
                     (WordChange("replace", "m\u0430ssacre", "massacre", (CYRILLIC_A,)),), id="cyrillic-lookalike"),
        pytest.param("Kh\u03bfjaly", "Khojaly",
                     (WordChange("replace", "Kh\u03bfjaly", "Khojaly", (
                         "quote has U+03BF GREEK SMALL LETTER OMICRON where the source has U+006F LATIN SMALL LETTER O",)),),
                     id="greek-lookalike"),
        pytest.param("the Kho\u200bjaly massacre", "the Khojaly massacre",
                     (WordChange("replace", "Kho\u200bjaly", "Khojaly",
                                 ("quote has invisible U+200B ZERO WIDTH SPACE",)),), id="invisible-in-quote"),
        pytest.param("the Khojaly massacre", "the Khoja\u200bly massacre",
                     (WordChange("replace", "Khojaly", "Khoja\u200bly",
                                 ("source has invisible U+200B ZERO WIDTH SPACE",)),), id="invisible-in-source"),
        pytest.param("the great Khojaly massacre", "the Khojaly massacre",
                     (WordChange("delete", "great", ""),), id="word-added-to-quote"),
        pytest.param("the massacre", "the Khojaly massacre",
                     (WordChange("insert", "", "Khojaly"),), id="word-left-out-of-quote"),
        pytest.param("63 children", "63 children,",
                     (WordChange("insert", "", ","),), id="punctuation-alone"),
        pytest.param("killed, and injured", "killed, injured and",
                     (WordChange("insert", "", "injured"), WordChange("delete", "injured", "")), id="words-swapped"),
        pytest.param("\u201csmart\u201d \u2013 quotes", '"smart"  - quotes', (), id="folds-are-no-change"),
        pytest.param("same words", "same words", (), id="identical"),
        pytest.param("", "some words", (WordChange("insert", "", "some words"),), id="empty-quote"),
        pytest.param("some words", "", (WordChange("delete", "some words", ""),), id="empty-passage"),
    ],
)
def test_word_changes(quote: str, passage: str, expected: tuple[WordChange, ...]) -> None:
    assert word_changes(quote, passage) == expected


def test_case_change_names_no_code_points() -> None:
    assert word_changes("The OIC", "the OIC") == (WordChange("replace", "The", "the"),)


def test_many_changes_are_merged_to_a_readable_few() -> None:
    quote = " ".join(f"w{i}" for i in range(40))
    passage = " ".join(f"w{i}" if i % 3 else f"x{i}" for i in range(40))
    changes = word_changes(quote, passage)
    assert len(changes) == MAX_CHANGES
    # Every changed word is still shown, in order.
    shown = " ".join(c.source for c in changes).split()
    assert [w for w in shown if w.startswith("x")] == [f"x{i}" for i in range(0, 40, 3)]
