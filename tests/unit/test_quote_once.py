"""Issue 18: each quote is parsed and folded once per check, however it fails.

Matching, the edge check, the nearest passage, its word diff and the search elsewhere all take
the one `ParsedQuote`; before, a misquoted quote was folded five times and a quote found nowhere
seven. The folds of source passages are separate and not counted here.
"""

from __future__ import annotations

import collections
import pickle
from dataclasses import replace
from pathlib import Path

import pytest
from support import claims_yaml, write_project

import briefing.text
from briefing import Settings, check, load_project
from briefing.models import Status
from briefing.verify.quote import ParsedQuote

SOURCE = ("Some preamble text here. The committee approved 24 new schools in the northern districts last "
          "spring. Other words follow, and the report said 42 clinics opened in the south.\n") * 3
OTHER = "A second source: the committee approved 42 new schools in the northern districts last spring.\n"


def _folds_of_quote(monkeypatch: pytest.MonkeyPatch, root: Path, quote: str, workers: int
                    ) -> tuple[Status, collections.Counter[str]]:
    """Check a one-claim project, counting the folds of the quote's text or of a part of it."""
    folds: collections.Counter[str] = collections.Counter()
    fold_with = briefing.text.fold_with

    def counting(text: str, enabled: frozenset[str] = briefing.text._ALL) -> str:
        if text.strip() and text.strip() in quote:
            folds[text] += 1
        return fold_with(text, enabled)

    # Every fold goes through `fold_with` (`fold` calls it by its module name).
    monkeypatch.setattr(briefing.text, "fold_with", counting)
    write_project(root, claims_yaml([("c1", "The committee approved 42 new schools.", "s1", quote)]),
                  {"s1.txt": SOURCE, "s2.txt": OTHER})
    settings = replace(Settings(), workers=workers)
    report = check(load_project(root / "claims.yaml", root / "sources", settings), settings)
    return report.claims[0].citations[0].status, folds


@pytest.mark.parametrize(("quote", "status", "texts"), [
    pytest.param("The committee approved 42 new schools in the northern districts last spring",
                 Status.MISQUOTED, 1, id="misquoted (was 5)"),
    pytest.param("Entirely different words about zebras and their migrations over the plains",
                 Status.NOT_FOUND, 1, id="found nowhere (was 7)"),
    pytest.param("The committee approved 24 new schools in the northern districts last spring",
                 Status.VERIFIED, 1, id="verified"),
    # The whole quote, and each part as written once (the parts are explained one by one).
    pytest.param("The committee approved 42 new schools [...] the report said 42 clinics opened",
                 Status.MISQUOTED, 3, id="elided misquote (was 8)"),
])
def test_a_quote_is_folded_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, quote: str, status: Status,
                                texts: int) -> None:
    found, folds = _folds_of_quote(monkeypatch, tmp_path, quote, workers=1)
    assert found is status
    assert len(folds) == texts
    assert dict(folds) == dict.fromkeys(folds, 1)


def test_a_parsed_quote_travels_to_another_worker_folded() -> None:
    # The failed quotes go from one worker to the others pickled: what was derived goes along.
    quote = ParsedQuote("The \u201ccommittee\u201d approved [...] 42 schools")
    assert quote.needle == 'The "committee" approved [...] 42 schools'
    copy = pickle.loads(pickle.dumps(quote))
    assert "needle" in vars(copy)
    assert copy.needle == quote.needle
    assert copy.elided == ['The "committee" approved', "42 schools"]
