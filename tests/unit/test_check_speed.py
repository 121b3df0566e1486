"""Issue 19: shortcuts in checking each quote, each against the definition it stands for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.settings import DEFAULT_SETTINGS
from briefing.verify import shape
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
