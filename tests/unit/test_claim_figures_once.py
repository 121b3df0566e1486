"""Issue 18: a claim's figures are read once per check, however many stages need them.

The workers read the claim's figures where its quotes matched (`disagree.compare.claim_figures`)
and the judge checks them against the quotes, twice beside a failed quote (`verify.judge`):
before, a misquoted claim's text was read five times and a verified one's three.
"""

from __future__ import annotations

import collections
from dataclasses import replace
from pathlib import Path

import pytest
from support import claims_yaml, write_project

from briefing import Settings, check, load_project
from briefing.models import Status
from briefing.verify import figures

SOURCE = ("Some preamble text here. The committee approved 24 new schools in the northern districts last "
          "spring. Other words follow, and the report said 42 clinics opened in the south.\n") * 3
CLAIM = "The committee approved 42 new schools and 7 clinics."


@pytest.mark.parametrize(("quote", "status"), [
    pytest.param("The committee approved 42 new schools in the northern districts last spring",
                 Status.MISQUOTED, id="misquoted (was 5)"),
    pytest.param("The committee approved 24 new schools in the northern districts last spring",
                 Status.FIGURE_MISMATCH, id="verified, figures unbacked (was 3)"),
])
def test_a_claims_figures_are_read_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, quote: str,
                                        status: Status) -> None:
    reads: collections.Counter[str] = collections.Counter()
    read = figures._read

    def counting(text: str) -> tuple[tuple[figures.Raw, ...], tuple[figures.Token, ...]]:
        reads[text] += 1
        return read(text)

    # Every reading of figures and tokens (`find_figures`, `find_tokens`, `read_stated`) goes
    # through `_read` by its module name.
    monkeypatch.setattr(figures, "_read", counting)
    write_project(tmp_path, claims_yaml([("c1", CLAIM, "s1", quote)]), {"s1.txt": SOURCE})
    settings = replace(Settings(), workers=1)
    report = check(load_project(tmp_path / "claims.yaml", tmp_path / "sources", settings), settings)
    (result,) = report.claims
    assert result.status is status
    assert reads[CLAIM] == 1
    # What was read once still decides: "42" and "7" are backed by no verified quote.
    if status is Status.FIGURE_MISMATCH:
        assert [f.text for f in result.unbacked_figures] == ["42", "7"]
