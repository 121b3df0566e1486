"""Issue 18: the PDF read-back folds each page once, however many notes it holds.

Before, the text around each note (its page and the next) was folded once for its quote and
once more for its caution: six notes on two pages, with cautions, folded twelve times.
"""

from __future__ import annotations

import collections

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.diagnostics import BUILD_CAUTION_MISSING, BUILD_QUOTE_ALTERED
from briefing.models import Citation, Status
from briefing.render import readback
from briefing.render.document import CAUTION, NoteRecord
from briefing.render.inlines import CLOSE_QUOTE, OPEN_QUOTE
from briefing.text import fold


def _caution(number: int) -> str:
    return f"the elision in note {number} leaves out a number"


def _note(number: int, quote: str) -> NoteRecord:
    return NoteRecord(number, f"c{number}", Citation("s", quote, number), Status.VERIFIED, None, _caution(number))


def _printed(first: int, *quotes: str) -> str:
    return "\n".join(f"{n}. s: {OPEN_QUOTE}{q}{CLOSE_QUOTE}\n{CAUTION} {_caution(n)}"
                     for n, q in enumerate(quotes, first))


PAGES = [_printed(1, "alpha beta gamma", "delta epsilon", "zeta eta theta"),
         _printed(4, "iota kappa", "lambda mu nu", "xi \u201comicron\u201d"),
         "the last page"]
NOTES = [_note(n, q) for n, q in enumerate(
    ["alpha beta gamma", "delta epsilon", "zeta eta theta", "iota kappa", "lambda mu nu", "xi \"omicron\""], 1)]
DESTINATIONS = {f"fn-{n}": (n - 1) // 3 for n in range(1, 7)} | {f"fnref-{n}": (n - 1) // 3 for n in range(1, 7)}


def test_each_page_is_folded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    folded: collections.Counter[str] = collections.Counter()

    def counting(text: str) -> str:
        folded[text] += 1
        return fold(text)

    monkeypatch.setattr(readback, "fold", counting)
    assert readback._pdf_notes(PAGES, DESTINATIONS, NOTES, "o.pdf", "claims.yaml") == []
    # Pages 1 and 2 hold the notes, and page 3 follows page 2: each folded once (was 12 folds
    # of a page with the next). The quotes' and cautions' own folds are not counted.
    of_pages = {text: n for text, n in folded.items() if any(page in text for page in PAGES)}
    assert of_pages == {page: 1 for page in PAGES}


@pytest.mark.parametrize(("page", "code"), [
    pytest.param(PAGES[0].replace("delta epsilon", "delta epsilom"), BUILD_QUOTE_ALTERED, id="quote altered"),
    pytest.param(PAGES[0].replace(f"{CAUTION} {_caution(2)}", ""), BUILD_CAUTION_MISSING, id="caution dropped"),
])
def test_a_page_folded_once_still_finds_what_is_wrong(page: str, code: str) -> None:
    pages = [page, PAGES[1], PAGES[2]]
    found = readback._pdf_notes(pages, DESTINATIONS, NOTES, "o.pdf", "claims.yaml")
    assert [d.code for d in found] == [code]


# Characters that fold, compose or are spaces, around the space that joins two pages.
_TRICKY = st.text(alphabet=" \n\t\u00a0\u2028\u00ad\u0301e\ufb01-\u2014\u1100\u1161\u201cx", max_size=12)


@given(_TRICKY, _TRICKY)
def test_pages_folded_apart_join_as_folded_together(first: str, second: str) -> None:
    assert readback.join_folded(fold(first), fold(second)) == fold(first + " " + second)
