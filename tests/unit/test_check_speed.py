"""Issue 19: shortcuts in checking each quote, each against the definition it stands for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.models import Source
from briefing.settings import DEFAULT_SETTINGS
from briefing.sources import text as text_reader
from briefing.verify import hyphenation, shape
from briefing.verify.elsewhere import OnePass
from briefing.verify.index import SourceIndex
from briefing.verify.match import MultiSearch
from briefing.verify.quote import split_elisions


def _too_short_by_definition(quote: str, limits=DEFAULT_SETTINGS) -> bool:
    return shape._short(" ".join(split_elisions(quote)).replace("[", "").replace("]", ""), limits)


_QUOTE_PIECES = st.sampled_from(["a", "bc", "word", "Word", "613", "1,613", " ", "...", "\u2026", "[...]", "[",
                                 "]", "\u00e9", "x\u0301", "_", "-", "'", ".", "\u4e00", "ab1", "abcd"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_QUOTE_PIECES, max_size=8).map("".join), st.integers(0, 6), st.integers(0, 4))
def test_too_short_is_the_definition(quote: str, letters: int, words: int) -> None:
    limits = replace(DEFAULT_SETTINGS, quote_min_letters=letters, quote_min_words=words)
    assert shape.too_short(quote, limits) == _too_short_by_definition(quote, limits)


@pytest.mark.parametrize(("quote", "short"), [
    pytest.param("613", True, id="a-number"),
    pytest.param("a b", False, id="two-words"),
    pytest.param("Khojaly", False, id="one-long-word"),
    pytest.param("[...] abc [...]", True, id="one-short-word-between-marks"),
    pytest.param("ab...cd", False, id="two-words-across-a-mark"),
    pytest.param("[T]he", True, id="brackets-join"),
])
def test_too_short_as_documented(quote: str, short: bool) -> None:
    assert shape.too_short(quote, DEFAULT_SETTINGS) is short
    assert _too_short_by_definition(quote) is short


_WORDS = st.sampled_from(["ab", "ba", "a", "b", " ", "abab", "\u00e9", "\u2019", "x y", "yx"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_WORDS, min_size=1, max_size=4).map("".join), min_size=1, max_size=12),
       st.lists(_WORDS, max_size=40).map("".join))
def test_a_dense_search_finds_what_the_other_finds(needles: list[str], text: str) -> None:
    """The DFA the elsewhere search builds for few failed quotes finds the same needles."""
    assert MultiSearch(needles, dense=True).present(text) == MultiSearch(needles).present(text)
    assert sorted(MultiSearch(needles, dense=True).matches(text)) == sorted(MultiSearch(needles).matches(text))
    # Given the text's UTF-8 (a squeezed source, issue 19), the same needles, all or some.
    data = text.encode("utf-8")
    assert MultiSearch(needles).present(data) == MultiSearch(needles).present(text)
    some = range(0, len(needles), 2)
    assert MultiSearch(needles).present(data, some) == MultiSearch(needles).present(text, some)


@pytest.mark.parametrize(("data", "code", "text"), [
    pytest.param("a\u2019b\r\nc".encode(), None, "a\u2019b\nc", id="crlf-in-wide-text"),
    pytest.param(b"\xef\xbb\xbfa\rb", None, "a\rb", id="bom-lone-cr-kept"),
    pytest.param("\u2019\n\x00x".encode(), "sources.binary", None, id="nul-after-wide-text"),
    pytest.param(b"\xff\x00", "sources.encoding", None, id="bad-utf8-before-nul"),
    pytest.param("caf\u00e9 \u4e00".encode(), None, "caf\u00e9 \u4e00", id="no-cr-no-nul"),
])
def test_the_text_reader_looks_for_nul_and_cr_in_the_bytes(data: bytes, code: str | None, text: str | None) -> None:
    source, problems = text_reader.parse(data, "s.txt", "s")
    assert [p.code for p in problems if p.code in ("sources.binary", "sources.encoding")] == ([code] if code else [])
    assert (source.text if source else None) == text
    if code == "sources.binary":
        assert problems[0].location.line == 2


def _breaks_by_definition(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in hyphenation._BREAK.finditer(text)
            if m.start() and hyphenation._LETTER.match(text, m.start() - 1)]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["-", "\u2010", "\u00ad", " ", "\t", "\n", "\f", "a", "\u00e9", "1", "_"]),
                max_size=30).map("".join))
def test_line_end_hyphens_are_found_as_by_the_definition(text: str) -> None:
    assert [m.span() for m in hyphenation.breaks(text)] == _breaks_by_definition(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.lists(_WORDS, min_size=1, max_size=3).map("".join), max_size=6), min_size=1, max_size=3),
       st.lists(_WORDS, max_size=30).map("".join), st.booleans())
def test_one_pass_answers_each_set_as_its_own_search(sets: list[list[str]], text: str, among: bool) -> None:
    """The failed quotes and the far quotes' seeds are looked for in one pass (issue 19)."""
    index = SourceIndex({"s": Source("s", "s.txt", "text", text)})
    one_pass = OnePass(sets)
    for k, needles in enumerate(sets):
        asked = list(range(0, len(needles), 2)) if among else None
        assert one_pass.present(k, index, "s", asked) == MultiSearch(needles).present(index.folded("s").text, asked)
