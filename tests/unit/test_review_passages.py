"""The review page's passages (issue 17 §1): the matched spans, the text an elision leaves out and
a few sentences either side, every piece a slice of the source's text; a quote's marks."""

from __future__ import annotations

import pytest

from briefing.models import Source, Span
from briefing.report.passages import CONTEXT_SENTENCES, LOOK_CHARS, Piece, passage, quote_pieces

TEXT = ("One. Two. Three. Four is here. The quoted words sit here, and more follows. "
        "Six. Seven. Eight. Nine.")


def source(text: str = TEXT) -> Source:
    return Source("s", "sources/s.md", "text", text)


def span_of(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words))


def test_the_pieces_are_the_source_text_of_the_window_with_two_sentences_either_side() -> None:
    span = span_of(TEXT, "quoted words")
    shown = passage(source(), (span,))
    assert CONTEXT_SENTENCES == 2
    assert "".join(p.text for p in shown.pieces) == (
        "Three. Four is here. The quoted words sit here, and more follows. Six. Seven.")
    assert [p for p in shown.pieces if p.kind == "match"] == [Piece("match", "quoted words")]
    assert shown.cut_before and shown.cut_after


def test_a_quote_that_ends_its_sentence_still_gets_two_sentences_after() -> None:
    span = span_of(TEXT, "and more follows.")
    shown = passage(source(), (span,))
    assert "".join(p.text for p in shown.pieces).endswith("and more follows. Six. Seven.")


def test_at_the_start_and_end_of_the_text_nothing_is_cut() -> None:
    text = "Only sentence with the words."
    shown = passage(source(text), (span_of(text, "the words"),))
    assert "".join(p.text for p in shown.pieces) == text
    assert not shown.cut_before and not shown.cut_after


@pytest.mark.parametrize(("gap", "kind"), [("elision", "elided"), ("insertion", "replaced")],
                         ids=["elision-greyed", "insertion-replaced"])
def test_the_text_between_parts_is_shown_as_what_the_quote_left_out(gap: str, kind: str) -> None:
    first, second = span_of(TEXT, "The quoted"), span_of(TEXT, "and more")
    shown = passage(source(), (first, second), (gap,))
    kinds = [(p.kind, p.text) for p in shown.pieces if p.kind != "context"]
    assert kinds == [("match", "The quoted"), (kind, " words sit here, "), ("match", "and more")]


def test_a_long_line_without_sentence_ends_is_cut_at_a_word_within_the_limit() -> None:
    text = "word " * 1000 + "target " + "word " * 1000
    shown = passage(source(text), (span_of(text, "target"),))
    joined = "".join(p.text for p in shown.pieces)
    assert len(joined) <= 2 * LOOK_CHARS + len("target")
    assert joined.startswith("word") and joined.endswith("word") and "target" in joined


@pytest.mark.parametrize(("text", "breaks"), [
    ("First para.\n\nSecond para has the words.\n\nThird para.", ["paragraph", "paragraph"]),
    ("Page one ends.\n\x0c\nPage two has the words.", ["page"]),
], ids=["paragraphs", "pdf-page"])
def test_paragraph_and_page_breaks_are_pieces_and_nothing_is_lost(text: str, breaks: list[str]) -> None:
    shown = passage(source(text), (span_of(text, "the words"),))
    assert [p.kind for p in shown.pieces if p.kind in ("paragraph", "page")] == breaks
    assert "".join(p.text for p in shown.pieces) == text


def test_a_match_across_a_paragraph_break_stays_one_highlight() -> None:
    text = "Before it.\n\nThe end of one\n\nand the start of another. After."
    span = span_of(text, "one\n\nand the")
    shown = passage(source(text), (span,))
    assert [p.text for p in shown.pieces if p.kind == "match"] == ["one\n\nand the"]


@pytest.mark.parametrize(("quote", "pieces"), [
    ("plain words", [("text", "plain words")]),
    ("said ... it had", [("text", "said "), ("elision", "..."), ("text", " it had")]),
    ("said … it [...] had", [("text", "said "), ("elision", "…"), ("text", " it "), ("elision", "[...]"),
                             ("text", " had")]),
    ("[T]he army [sic] and [the OIC] said", [("edit", "[T]"), ("text", "he army "), ("edit", "[sic]"),
                                             ("text", " and "), ("edit", "[the OIC]"), ("text", " said")]),
    ("it was so (emphasis added)", [("text", "it was so "), ("edit", "(emphasis added)")]),
], ids=["plain", "elision", "both-elisions", "edits", "emphasis"])
def test_quote_marks(quote: str, pieces: list[tuple[str, str]]) -> None:
    assert [(p.kind, p.text) for p in quote_pieces(quote)] == pieces
    assert "".join(p.text for p in quote_pieces(quote)) == quote
