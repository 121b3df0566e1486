"""briefing.md's sentences and cites with their places in the file (issue 16): pandoc's AST has
no positions, so `document.positions` finds them in the text; `document.prose` splits the prose."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.document.meta import front_matter_end, plain_metadata
from briefing.document.positions import CiteMark, align, cite_marks, line_col
from briefing.document.prose import citing_sentences, document_cites, sentences
from briefing.document.read import parse_markdown
from briefing.verify.figures import find_figures

ROOT = Path(__file__).resolve().parents[2]
# Every container and inline markup the positions must see through: emphasis, smart quotes and
# dashes, a link's address, an escaped space, code, block quotes, lists, notes inline and by
# reference, a table, the metadata's summary.
MARKUP = """\
---
title: T
summary: "It counts 5 things."
---
# Heading with *emph* and 12 items

Some "quoted 34" text -- with 'single 56' and a [link to 78](http://example.com/9/10) here.
A **bold 91** word, a space 16\\ years, and `code 99` then 23.

> Quoted block 45 with *nested 67 emphasis*.

1. An item with 88
2. Another^[A note with 77.] and 66.

| col 1 | col 2 |
|---|---|
| 11 | 22 |

Reference note[^n] here 33... and then 2.5 percent.

[^n]: The note says 44.
"""


@pytest.mark.parametrize("text, marks", [
    pytest.param("See [@a].", [CiteMark(("a",), (5,))], id="one"),
    pytest.param("See [see @a, p. 3; @b-2].", [CiteMark(("a", "b-2"), (9, 19))], id="group-with-locator"),
    pytest.param("[@a] and [@b]", [CiteMark(("a",), (1,)), CiteMark(("b",), (10,))], id="two"),
    pytest.param("As @a says.", [CiteMark(("a",), (3,))], id="in-text"),
    pytest.param("Ends [@a.].", [CiteMark(("a",), (6,))], id="trailing-punctuation-is-not-the-key"),
    pytest.param("`[@x]` then [@y]", [CiteMark(("y",), (13,))], id="code-span"),
    pytest.param("``a ` [@x]`` [@y]", [CiteMark(("y",), (14,))], id="double-backtick-span"),
    pytest.param("```\n[@x]\n```\n[@y]", [CiteMark(("y",), (14,))], id="fenced-block"),
    pytest.param("Text.\n\n    [@x]\n\n[@y]", [CiteMark(("y",), (18,))], id="indented-block"),
    pytest.param("- item\n\n    [@x] continues\n", [CiteMark(("x",), (13,))], id="list-continuation-is-prose"),
    pytest.param("mail a@b.com or \\@c", [], id="address-and-escape"),
])
def test_cite_marks_are_found_outside_code(text: str, marks: list[CiteMark]) -> None:
    assert cite_marks(text) == marks


def test_align_follows_the_ast_where_notes_are_out_of_file_order() -> None:
    # A reference note's text sits at the end of the file, but pandoc puts it at its call.
    text = "Called here[^1] then [@a].\n\n[^1]: A note citing [@n].\n"
    ast = parse_markdown(text)
    groups = [g.ids for g in document_cites(ast)]
    assert groups == [("n",), ("a",)]
    offsets = align(groups, cite_marks(text))
    assert [line_col(text, o[0]) for o in offsets] == [(3, 22), (1, 23)]


def test_align_falls_back_to_each_id_when_the_scan_groups_differently() -> None:
    # pandoc reads "[@a and @b]" as one cite whose suffix holds another: the scan as one group.
    groups = [("a",), ("b",)]
    assert align(groups, [CiteMark(("a", "b"), (1, 8))]) == [(1,), (8,)]


@pytest.mark.parametrize("prose, expected", [
    pytest.param("Some 63 children [@a] died. Then more.",
                 {"a": [("Some 63 children died.", 1)]}, id="mid-sentence"),
    pytest.param("Some 63 children died [@a]. Then more.",
                 {"a": [("Some 63 children died.", 1)]}, id="end"),
    pytest.param("Some 63 children died.[@a] Then more.",
                 {"a": [("Some 63 children died.", 1)]}, id="after-the-full-stop"),
    pytest.param("First.\nSome 63 [@a] children and 487 [@b] injured.",
                 {"a": [("Some 63 children and 487 injured.", 2)], "b": [("Some 63 children and 487 injured.", 2)]},
                 id="several-per-sentence"),
    pytest.param("Some 63 children died [@a; @b].\n\nAgain [@a].",
                 {"a": [("Some 63 children died.", 1), ("Again.", 3)], "b": [("Some 63 children died.", 1)]},
                 id="combined-and-repeated"),
    pytest.param("# Toll [@a]\n\n| x | y |\n|---|---|\n| 1 [@b] | 2 |\n",
                 {"a": [("Toll", 1)], "b": [("1", 5)]}, id="heading-and-table-cell"),
    pytest.param("A `[@x]` span. And [@a, p. 33] here.",
                 {"a": [("And here.", 1)]}, id="code-span-and-locator-left-out"),
])
def test_each_claim_s_citing_sentences(prose: str, expected: dict) -> None:
    assert citing_sentences(prose, parse_markdown(prose)) == expected


def test_sentences_keep_own_spans_and_blank_code() -> None:
    prose = "It took [16 years]{.own} and `v1.2` later.\n"
    (sentence,) = sentences(prose, parse_markdown(prose))
    assert sentence.own == ("16 years",) and sentence.own_at == (8,)
    assert sentence.text == "It took 16 years and v1.2 later."
    assert "1.2" not in sentence.checked  # code states no figure
    assert sentence.position(sentence.checked.index("16")) == (1, 10)


def test_metadata_is_plain_and_front_matter_is_skipped() -> None:
    text = "---\ntitle: \"The *2024* review\"\ntoc: true\nauthor: [A, B]\nmeta: {a: b}\n---\nBody.\n"
    assert plain_metadata(parse_markdown(text)["meta"]) == {
        "title": "The 2024 review", "toc": True, "author": ["A", "B"], "meta": {"a": "b"}}
    assert text[front_matter_end(text):] == "Body.\n"


@pytest.mark.parametrize("text", [
    pytest.param(MARKUP, id="markup"),
    pytest.param((ROOT / "briefing.md").read_text(encoding="utf-8"), id="the-example"),
])
def test_every_figure_of_the_prose_is_placed_where_the_file_has_it(text: str) -> None:
    """The positions the diagnostics give: each figure's line:col is where the file writes it."""
    found = []
    for sentence in sentences(text, parse_markdown(text)):
        for figure in find_figures(sentence.checked):
            at = sentence.file_offset(figure.start)
            assert at is not None, figure
            written = re.sub(r"\s+", " ", text[at:at + len(figure.text) + 2])
            found.append(figure.text)
            assert written.startswith(" ".join(figure.text.split())), (figure, sentence.position(figure.start))
    assert len(found) > (100 if text != MARKUP else 19)
    if text == MARKUP:
        assert "99" not in found and "9" not in found  # code, and a link's address, state nothing
