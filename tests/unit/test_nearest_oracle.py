"""The fast nearest-passage search (issue 19) explains every failure exactly as the search before
it did: the same passage, distance, similarity and word changes, so the same status (misquoted
or not found at the 60% threshold). The search before is kept verbatim in tests/oracle."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import nearest as oracle

from briefing.models import Nearest
from briefing.settings import DEFAULT_SETTINGS
from briefing.text import normalise
from briefing.verify import nearest

# Words that repeat (common pieces, equally near passages), figures, non-ASCII letters (Latin,
# Cyrillic look-alikes, CJK, a decomposed accent), and "?" (what the one-byte projection writes
# for any non-ASCII character).
WORDS = ["the", "council", "adopted", "the", "resolution", "of", "r\u00e9solution", "\u043ef", "\u59d4\u5458\u4f1a",
         "e\u0301t\u00e9", "63", "83", "1,275", "2014", "what?", "?", "na\u00efve", "don't", "votes", "none",
         "committee", "met", "again", "\u2014", "k\u00f6ln"]

# The batch's constants made small, so that small texts take every branch: the batch path for any
# source, pieces across chunk ends, common anchors and parts, capped part hits.
SMALL = {"MIN_BATCH": 1, "MIN_BATCH_TEXT": 0, "BATCH_CHUNK": 64, "MAX_HITS": 2, "MAX_PART_HITS": 5}
BATCH_ALWAYS = {"MIN_BATCH": 1, "MIN_BATCH_TEXT": 0, "BATCH_CHUNK": 256}


@contextmanager
def both(constants: dict[str, int]) -> Iterator[None]:
    """The same constants in the fast search and in the oracle (those it has)."""
    with ExitStack() as stack:
        for module in (nearest, oracle):
            own = {name: value for name, value in constants.items() if hasattr(module, name)}
            if own:
                stack.enter_context(mock.patch.multiple(module, **own))
        yield


def _edit(rnd: random.Random, words: list[str]) -> list[str]:
    """One edit a person makes: a word or a digit changed, a word left out or added."""
    words = list(words)
    at = rnd.randrange(len(words))
    kind = rnd.choice(["word", "digit", "drop", "add"])
    if kind == "word":
        words[at] = rnd.choice(WORDS)
    elif kind == "digit":
        words[at] = "".join(str((int(c) + 1) % 10) if c.isdigit() else c for c in words[at]) + rnd.choice(["", "7"])
    elif kind == "drop" and len(words) > 1:
        del words[at]
    else:
        words.insert(at, rnd.choice(WORDS))
    return words


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A source of repeating words (a passage copied whole, sometimes, for ties) and quotes cut
    from it with 0 to 12 edits (near and far from the 60% threshold), or made up."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    if draw(st.booleans()):  # prose
        words = [rnd.choice(WORDS) for _ in range(draw(st.integers(1, 600)))]
        if draw(st.booleans()) and len(words) > 20:
            copied = words[:rnd.randint(5, 20)]
            words[rnd.randrange(len(words)):rnd.randrange(len(words))] = copied
    else:  # boilerplate: a few lines repeated with a number each, as in a changelog
        lines = [[rnd.choice(WORDS) for _ in range(rnd.randint(4, 12))] for _ in range(rnd.randint(1, 4))]
        words = [w for _ in range(draw(st.integers(1, 150))) for w in (*rnd.choice(lines), str(rnd.randrange(100)))]
    separators = draw(st.sampled_from([" ", " \n", "  ", ". "]))
    source = "".join(w + rnd.choice(separators) for w in words)
    quotes = []
    for _ in range(draw(st.integers(0, 8))):
        if draw(st.booleans()) or len(words) < 3:
            quote_words = [rnd.choice(WORDS) for _ in range(rnd.randint(1, 30))]
        else:
            start = rnd.randrange(len(words))
            quote_words = words[start:start + rnd.randint(2, 40)]
            for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3, 6, 12]))):
                quote_words = _edit(rnd, quote_words)
        quotes.append(" ".join(quote_words))
    return source, quotes


def _same(found: list[Nearest | None], expected: list[Nearest | None]) -> None:
    assert found == expected  # passage, span, distance, similarity and word changes alike


@pytest.mark.parametrize("constants", [SMALL, BATCH_ALWAYS, {}, {**SMALL, "GROUP_MAX_QUOTE": 0}],
                         ids=["small-constants", "batch-always", "as-set", "windows-one-by-one"])
@settings(max_examples=120, deadline=None)
@given(case=cases())
def test_fast_search_explains_as_the_oracle(constants: dict[str, int], case: tuple[str, list[str]]) -> None:
    source, quotes = case
    folded = normalise(source)
    with both(constants):
        _same(nearest.nearest_passages(quotes, folded), oracle.nearest_passages(quotes, folded))
        _same([nearest.nearest_passage(q, folded) for q in quotes], [oracle.nearest_passage(q, folded) for q in quotes])


@pytest.mark.parametrize("quotes_near", [0.0, 0.6], ids=["at-start", "near-threshold"])
def test_fast_search_in_a_large_source_as_the_oracle(quotes_near: float) -> None:
    # The constants as set: a source over MIN_BATCH_TEXT, chunked as a real one, with boilerplate
    # that repeats (common anchors and parts) between prose, and quotes one word off or (near
    # the threshold) many.
    rnd = random.Random(19)
    prose = [rnd.choice(WORDS) + rnd.choice(["", "s", "ed"]) for _ in range(16_000)]
    boiler = "Author: Behdad Esfahbod <behdad@example.org> Date: Thu"
    source = " ".join(w if n % 40 else f"{boiler} {rnd.randrange(10**6)} {w}" for n, w in enumerate(prose))
    words = source.split(" ")
    quotes = []
    for n in range(60):
        start = rnd.randrange(len(words) - 40)
        quote = words[start:start + rnd.randint(6, 40)]
        for _ in range(1 if n % 2 or not quotes_near else max(1, int(len(quote) * 0.35))):
            quote = _edit(rnd, quote)
        quotes.append(" ".join(quote))
    folded = normalise(source)
    assert len(folded.text) > nearest.MIN_BATCH_TEXT
    _same(nearest.nearest_passages(quotes, folded), oracle.nearest_passages(quotes, folded))
    statuses = [n is not None and n.similarity >= DEFAULT_SETTINGS.misquote_min_similarity
                for n in nearest.nearest_passages(quotes, folded)]
    assert quotes_near == 0.0 or not all(statuses)  # some fall under the threshold


def test_boilerplate_batches_as_the_oracle() -> None:
    # Many seeded batches in text made of a few lines repeated (every piece common, parts beyond
    # their cap), quotes with one to six edits: where the batch's last pass serves the scans.
    for seed in range(200):
        rnd = random.Random(seed)
        lines = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 12))) for _ in range(rnd.randint(1, 4))]
        source = " ".join(f"{rnd.choice(lines)} {rnd.randrange(100)}" for _ in range(rnd.randint(20, 200)))
        words = source.split()
        quotes = []
        for _ in range(6):
            start = rnd.randrange(len(words))
            quote = words[start:start + rnd.randint(3, 30)]
            for _ in range(rnd.choice([1, 2, 3, 6])):
                quote = _edit(rnd, quote)
            quotes.append(" ".join(quote))
        folded = normalise(source)
        with both(SMALL):
            _same(nearest.nearest_passages(quotes, folded), oracle.nearest_passages(quotes, folded))


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="ab?\u00e9\u59d4 ", max_size=300),
       pieces=st.lists(st.text(alphabet="ab?\u00e9\u59d4 ", min_size=0, max_size=6), max_size=12),
       cap=st.sampled_from([0, 1, 2, 16]), chunk=st.sampled_from([16, 64, 1 << 20]))
def test_one_pass_finds_what_a_scan_finds(text: str, pieces: list[str], cap: int, chunk: int) -> None:
    # Pieces with "?" or non-ASCII letters in text with or without them: the projection's "?"
    # stands for any non-ASCII character, and must never make a match that the text lacks.
    with mock.patch.object(nearest, "BATCH_CHUNK", chunk):
        found = nearest._find_pieces(text, pieces, cap)
    assert found == {piece: nearest._find_all(text, piece, cap) for piece in pieces if piece}
