"""What making mypy clean (issue 18) relied on, kept true by tests.

None of the errors mypy found was a reachable bug; where the fix states an invariant (an
assert) or rebinds a search (a partial instead of a lambda), these tests hold the code to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.models import Citation, Nearest, Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.verify.elsewhere import near_elsewhere
from briefing.verify.figures import find_figures
from briefing.verify.index import SourceIndex
from briefing.verify.memo import Hit, Needles
from briefing.verify.quote import ParsedQuote
from briefing.verify.quotes import _find_elsewhere

# --- figures: a tens word or a hundred always leaves a number group open ---------------------


@pytest.mark.parametrize("text, value", [
    ("twenty one", "21"),  # a unit after a tens word adds to its group
    ("three hundred and five", "305"),  # a unit after a hundred adds to its group
    ("a hundred and twenty five", "125"),
    ("two thousand and twenty four", "2024"),  # after a scale, a new group
    ("ninety nine thousand", "99000"),
], ids=["tens-unit", "hundred-and-unit", "a-hundred", "scale-and-tens-unit", "tens-unit-scale"])
def test_number_words_that_extend_a_group_read_whole(text: str, value: str) -> None:
    assert [(f.text, f.value) for f in find_figures(text)] == [(text, value)]


_NUMBER_WORDS = ["a", "and", "zero", "one", "five", "nine", "ten", "twelve", "twenty", "ninety", "hundred",
                 "thousand", "million", "dozen", "first", "fifth", "twentieth", "hundredth", "thousandth"]


@given(st.lists(st.sampled_from(_NUMBER_WORDS), min_size=1, max_size=8))
def test_any_run_of_number_words_reads_without_error(words: list[str]) -> None:
    # The reader's asserts (a group is open after "twenty" or "hundred") hold for every order.
    text = " ".join(words)
    for figure in find_figures(text):
        assert text[figure.start:figure.end] == figure.text
        assert figure.value.lstrip("-").replace(".", "").isdigit()


# --- the searches handed to a memo answer for their own source ------------------------------


class _KeepingMemo:
    """Answers at once, and keeps every search it was handed, as a memo that defers may."""

    def __init__(self) -> None:
        self.kept: list[tuple[str, str, Callable[[Sequence[int] | None], set[int]], set[int]]] = []

    def scan(self, source: Source, keys: frozenset[str], compute: Callable[[], Iterable[Hit]]) -> list[Hit]:
        return list(compute())

    def present(self, source: Source, kind: str, needles: Needles,
                search: Callable[[Sequence[int] | None], set[int]]) -> set[int]:
        found = search(None)
        self.kept.append((source.id, kind, search, found))
        return found

    def nearest(self, source: Source, quotes: Sequence[str], settings: Settings,
                compute: Callable[[list[str]], list[Nearest | None]], kind: str = "cited") -> list[Nearest | None]:
        return compute(list(quotes))

    def knows_nearest(self, source: Source, quotes: Sequence[str], settings: Settings, kind: str = "cited") -> bool:
        return False

    def flush(self) -> None:
        pass


def _sources(texts: dict[str, str]) -> dict[str, Source]:
    return {sid: Source(sid, f"sources/{sid}.txt", "text", text) for sid, text in texts.items()}


_TEXTS = {
    "a": "The harbour authority counted ninety ships in the spring.\n",
    "b": "Elsewhere the committee met on Tuesday and adjourned early.\n",
    "c": "The harbour authority counted ninety-\nfive ships in the spring of that year.\n",
}


def _assert_each_search_is_its_sources(memo: _KeepingMemo) -> None:
    assert memo.kept
    answers = {(sid, kind): first for sid, kind, _, first in memo.kept}
    # Called again after the whole pass, each search still answers for the source it came with.
    assert {(sid, kind): search(None) for sid, kind, search, _ in memo.kept} == answers


def test_elsewhere_seed_searches_are_bound_to_their_source() -> None:
    memo = _KeepingMemo()
    index = SourceIndex(_sources(_TEXTS), memo)
    far = {("claim", 1): ("b", ParsedQuote("The harbour authority counted ninety ships in the spring"))}
    near_elsewhere(far, index, DEFAULT_SETTINGS)
    _assert_each_search_is_its_sources(memo)
    assert {sid for sid, kind, _, found in memo.kept if kind == "seeds" and found} == {"a", "c"}


def test_found_elsewhere_searches_are_bound_to_their_source() -> None:
    memo = _KeepingMemo()
    index = SourceIndex(_sources(_TEXTS), memo)
    cited = [Citation("b", "counted ninety-five ships", 3), Citation("b", "counted ninety ships", 4)]
    failed = {("claim", n): (c, ParsedQuote(c.quote)) for n, c in enumerate(cited, 1)}
    hits = _find_elsewhere(failed, index)
    _assert_each_search_is_its_sources(memo)
    # The squeezed reading is asked of the hyphenated source alone, and finds "ninety-five" there.
    assert [(sid, bool(found)) for sid, kind, _, found in memo.kept if kind == "squeezed"] == [("c", True)]
    assert hits == {("claim", 1): ["c"], ("claim", 2): ["a"]}
