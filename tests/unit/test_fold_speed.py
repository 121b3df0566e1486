"""The cheaper fold (issue 19) equals the fold it replaced: same text, same offsets back.

The old `normalise` is kept here, and only here, as the oracle: it walked every space run in
Python and scanned every character of non-NFC text with the cluster regex.
"""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing import text as text_module
from briefing.text import _SAME_LENGTH, LIGATURES, SOFT_HYPHEN, NormalisedText, _clusters, fold, normalise

Edit = tuple[int, int, str]


def old_normalise(text: str) -> NormalisedText:
    if text.isascii():
        work = text
        for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f":
            if c in work:
                work = work.replace(c, " ")
        edits = _old_space_runs(work) if "  " in work else []
    else:
        work = text
        for c, replacement, _ in _SAME_LENGTH:
            if c in work:
                work = work.replace(c, replacement)
        edits = _old_length_changes(text, work)
    # The edits found are what changed; applying them is the same step as before (text._apply).
    result = text_module._apply(text, work, edits)
    if not result.text.isascii() and not unicodedata.is_normalized("NFC", result.text):
        folded = fold(text)
        return NormalisedText(text, folded, (0, len(folded)), (0, len(text)), (False, True))
    return result


def _old_space_runs(work: str) -> list[Edit]:
    edits: list[Edit] = []
    find, n = work.find, len(work)
    i = find("  ")
    while i != -1:
        j = i + 2
        while j < n and work[j] == " ":
            j += 1
        edits.append((i + 1, j, ""))
        i = find("  ", j)
    return edits


def _old_length_changes(text: str, work: str) -> list[Edit]:
    has_soft = SOFT_HYPHEN in work
    ligatures = [c for c in LIGATURES if c in work]
    edits: list[Edit] = []
    if has_soft or ligatures or not unicodedata.is_normalized("NFC", text):
        edits += [(m.start(), m.end(), fold(m.group())) for m in _clusters().finditer(work)]
    if has_soft:
        edits += [(m.start(), m.end(), " " if " " in m.group() else "")
                  for m in re.finditer("[ \u00ad]{2,}|\u00ad", work)]
    elif "  " in work:
        edits += _old_space_runs(work)
    for c in ligatures:
        i = work.find(c)
        while i != -1:
            edits.append((i, i + 1, LIGATURES[c]))
            i = work.find(c, i + 1)
    edits.sort()
    kept: list[Edit] = []
    for edit in edits:
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


# Runs of the characters the folds act on, among plain words: what real sources hold.
_PIECES = [" ", "  ", "    ", "\t", "\n", "\n\n  ", "\r\n", "\u00a0", "\u00ad", " \u00ad ", "\ufb01", "\ufb03",
           "\u0301", "\u0308\u0301", "e\u0301", "A\u030a", "\u1100\u1161", "\u2019", "\u201c", "\u2014",
           "\u3000", "\u00e9", "x", "word", "Caf", "\u0915\u093c", "\u05d0\u05b8", "\u212b", "\u0345"]
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=40).map("".join)


@settings(max_examples=400)
@given(texts, st.data())
def test_new_fold_equals_the_old_one(text: str, data: st.DataObject) -> None:
    new, old = normalise(text), old_normalise(text)
    assert new.text == old.text
    for _ in range(5):
        start = data.draw(st.integers(0, len(new.text)))
        end = data.draw(st.integers(start, len(new.text)))
        assert new.original_span(start, end) == old.original_span(start, end)
    every = range(len(new.text) + 1)
    assert [new.to_original(i) for i in every] == [old.to_original(i) for i in every]
    assert [new.to_original_end(i) for i in every] == [old.to_original_end(i) for i in every]


def test_the_mark_scan_finds_every_mark() -> None:
    """`_marks` is wider than the marks (every character beyond the BMP), never narrower."""
    marks = text_module._marks()
    assert all(marks.fullmatch(c) for c in text_module._mark_chars())


# Beyond the BMP: marks (musical stems, Brahmi), and characters that are none (an emoji).
_ASTRAL = ["\U0001d165", "\U0001d16e", "\U000110ba", "\U0001f600", "\U00020000", "e\u0301", "\u00ad", " ", "x"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_ASTRAL + _PIECES), max_size=30).map("".join))
def test_new_fold_equals_the_old_one_beyond_the_bmp(text: str) -> None:
    new, old = normalise(text), old_normalise(text)
    assert new.text == old.text
    every = range(len(new.text) + 1)
    assert [new.to_original(i) for i in every] == [old.to_original(i) for i in every]
    assert [new.to_original_end(i) for i in every] == [old.to_original_end(i) for i in every]
