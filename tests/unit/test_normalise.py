"""The folds that define "verbatim" and the offset map back to the original text."""

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.text import FOLD_NAMES, WHITESPACE, fold, fold_with, folds_needed, normalise


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        pytest.param("a\n\n\tb", "a b", id="whitespace-run"),
        pytest.param("a\u00a0b", "a b", id="nbsp"),
        pytest.param("a\u202f\u2009b", "a b", id="narrow-and-thin-space"),
        pytest.param("\u201cWar crimes\u201d", '"War crimes"', id="curly-double"),
        pytest.param("Khojaly\u2019s", "Khojaly's", id="curly-apostrophe"),
        pytest.param("\u201elow\u201c", '"low"', id="low-double"),
        pytest.param("1992\u20131993", "1992-1993", id="en-dash"),
        pytest.param("a\u2014b\u2011c\u2010d\u2212e", "a-b-c-d-e", id="em-nb-hyphen-minus"),
        pytest.param("geno\u00adcide", "genocide", id="soft-hyphen"),
        pytest.param("\ufb01nal \ufb02ow e\ufb03cient", "final flow efficient", id="ligatures"),
        pytest.param("Khoja\u0301ly", "Khoj\u00e1ly", id="nfc"),
        pytest.param("a \u00ad b", "a b", id="soft-hyphen-between-spaces"),
        pytest.param("e\u00ad\u0301", "\u00e9", id="soft-hyphen-before-accent"),
        pytest.param("\ufb01\u0301", "f\u00ed", id="ligature-before-accent"),
    ],
)
def test_folds(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert normalise(text).text == folded


@pytest.mark.parametrize(
    ("text", "unchanged_because"),
    [
        pytest.param("Khojaly", "case and letters are significant", id="latin"),
        pytest.param("Kh\u043ejaly", "a Cyrillic o is not a Latin o", id="cyrillic-o"),
        pytest.param("\u039fIC", "a Greek Omicron is not a Latin O", id="greek-omicron"),
        pytest.param("63%", "digits and percent are significant", id="digits"),
        pytest.param("a\u200bb", "zero-width characters are reported, not ignored", id="zero-width"),
        pytest.param("\u00abOIC\u00bb", "guillemets are not curly quotes", id="guillemets"),
        pytest.param("1/2", "no compatibility folding beyond ligatures", id="slash"),
    ],
)
def test_what_is_not_folded(text: str, unchanged_because: str) -> None:
    assert fold(text) == text, unchanged_because


def test_quote_families_stay_apart() -> None:
    assert fold("\u2018x\u2019") == "'x'"
    assert fold("\u2018x\u2019") != fold('"x"')


def test_whitespace_list_is_complete() -> None:
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()} - {" "}
    assert every == set(WHITESPACE)


@pytest.mark.parametrize(
    ("quote", "passage", "needed"),
    [
        pytest.param("the same", "the same", (), id="none"),
        pytest.param("war crimes", "war\ncrimes", ("whitespace",), id="whitespace"),
        pytest.param('"genocide"', "\u201cgenocide\u201d", ("quotes",), id="quotes"),
        pytest.param("1992-1993", "1992\u20131993", ("dashes",), id="dashes"),
        pytest.param("genocide", "geno\u00adcide", ("soft-hyphen",), id="soft-hyphen"),
        pytest.param("final", "\ufb01nal", ("ligatures",), id="ligatures"),
        pytest.param("Khoj\u00e1ly", "Khoja\u0301ly", ("nfc",), id="nfc"),
        pytest.param('"a" - b', "\u201ca\u201d \u2014\nb", ("whitespace", "quotes", "dashes"), id="several"),
    ],
)
def test_folds_needed(quote: str, passage: str, needed: tuple[str, ...]) -> None:
    assert folds_needed(quote, passage) == needed


# Text drawn to hit every fold: spaces, quotes, dashes, soft hyphens, ligatures, accents.
_interesting = st.sampled_from(
    list(" \n\t\u00a0\u2009'\"\u2018\u2019\u201c\u201d-\u2013\u2014\u2212\u00ad\ufb01\ufb03e\u0301\u0327\u1100\u1161")
)
texts = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), _interesting), max_size=60).map("".join)


def _folds_needed_by_definition(quote: str, passage: str) -> tuple[str, ...]:
    """Fold f is needed when every other fold is not enough (what folds_needed shortcuts for ASCII)."""
    quote, passage = quote.strip(), passage.strip()
    if quote == passage or fold(quote).strip() != fold(passage).strip():
        return ()
    every = frozenset(FOLD_NAMES)
    return tuple(f for f in FOLD_NAMES
                 if fold_with(quote, every - {f}).strip() != fold_with(passage, every - {f}).strip())


_ascii = st.text(st.sampled_from(list("ab.-'\" \t\n\r\x0b\x0c\x1c\x1f")), max_size=12)


@given(_ascii, _ascii, st.booleans())
def test_folds_needed_for_ascii_is_the_definition(quote: str, passage: str, related: bool) -> None:
    passage = " ".join(quote.split()) if related else passage
    assert folds_needed(quote, passage) == _folds_needed_by_definition(quote, passage)


# Issue 19: folds_needed tries a fold of the table only when either text holds one of its
# characters. Pairs that fold equal in every way the folds allow, each side drawn apart.
_EQUIVALENT = [("'", "\u2018\u2019"), ('"', "\u201c\u201d\u201e"), ("-", "\u2010\u2013\u2014\u2212"),
               ("fi", "\ufb01"), ("ffl", "\ufb04"), ("st", "\ufb05\ufb06"), ("", "\u00ad"), (" ", "\n\t\u00a0  "),
               ("\u00e9", "e\u0301"), ("\u00c5", "\u212b"), ("a", ""), ("b", ""), ("\u1100\u1161", "\uac00")]
_unit = st.sampled_from(_EQUIVALENT).flatmap(
    lambda forms: st.tuples(st.sampled_from([forms[0], *forms[1]]), st.sampled_from([forms[0], *forms[1]])))
_pairs = st.lists(_unit, min_size=1, max_size=20).map(lambda units: ("".join(q for q, _ in units),
                                                                      "".join(p for _, p in units)))


@given(_pairs)
def test_folds_needed_beyond_ascii_is_the_definition(pair: tuple[str, str]) -> None:
    quote, passage = pair
    assert folds_needed(quote, passage) == _folds_needed_by_definition(quote, passage)
    assert folds_needed(passage, quote) == _folds_needed_by_definition(passage, quote)


@pytest.mark.parametrize(("quote", "passage", "tried"), [
    pytest.param("Khoj\u00e1ly said", "Khoja\u0301ly\nsaid", 2, id="accent-and-newline-two-tried"),
    pytest.param("\u201cKhoj\u00e1ly\u201d", "\"Khoja\u0301ly\"", 3, id="accent-and-quotes-three-tried"),
    pytest.param("\ufb01ne \u2014 \u00ad", "fine - ", 5, id="every-table-fold-but-quotes"),
])
def test_folds_needed_tries_only_the_folds_the_texts_may_need(monkeypatch, quote, passage, tried) -> None:
    import briefing.text as text_module
    calls: list[frozenset[str]] = []
    real = text_module.fold_with

    def counting(value: str, enabled: frozenset[str] = frozenset(FOLD_NAMES)) -> str:
        calls.append(enabled)
        return real(value, enabled)

    expected = _folds_needed_by_definition(quote, passage)
    monkeypatch.setattr(text_module, "fold_with", counting)
    assert text_module.folds_needed(quote, passage) == expected
    assert len({c for c in calls if c != frozenset(FOLD_NAMES)}) == tried


@given(texts)
def test_fold_is_idempotent(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(texts)
def test_normalise_agrees_with_fold(text: str) -> None:
    assert normalise(text).text == fold(text)


@given(texts)
def test_offset_map_is_monotone_and_in_bounds(text: str) -> None:
    n = normalise(text)
    starts = [n.to_original(i) for i in range(len(n.text) + 1)]
    ends = [n.to_original_end(i) for i in range(len(n.text) + 1)]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= o <= len(text) for o in starts + ends)
    assert starts[-1] == len(text) and ends[0] == 0


@given(texts, st.data())
def test_span_maps_back_to_text_that_folds_the_same(text: str, data: st.DataObject) -> None:
    """The sound-map property: a folded slice maps to an original slice with the same fold."""
    n = normalise(text)
    if not n.text.strip():
        return
    start = data.draw(st.integers(0, len(n.text) - 1))
    end = data.draw(st.integers(start + 1, len(n.text)))
    piece = n.text[start:end].strip()
    if not piece:
        return
    span = n.original_span(start, end)
    assert piece in fold(text[span.start:span.end])


def test_offsets_point_at_the_real_line() -> None:
    text = "first  line\n\n\u201csecond\u201d line\nthi\u00adrd \ufb01ne line\n"
    n = normalise(text)
    for word, line in [("first", 1), ('"second"', 3), ("third", 4), ("fine", 4)]:
        at = n.text.index(word)
        span = n.original_span(at, at + len(word))
        assert text.count("\n", 0, span.start) + 1 == line
        assert fold(text[span.start:span.end]) == word


def test_the_offset_map_of_a_long_text_takes_four_bytes_an_offset() -> None:
    # Issue 19: a map holds two offsets for each space run, millions in 200 MB of man pages.
    from briefing.text import normalise
    folded = normalise("word   " * 1000)
    assert folded.to_original(len(folded.text) - 2) == 7 * 999 + 3  # the last word's "d"
    assert [getattr(m, "itemsize", None) for m in (folded.f_starts, folded.o_starts)] == [4, 4]
