"""Issue 15 §7: a quote far from anything in its cited source but close to a passage of another
is named ("did you mean 'trend'?", with the diff), so a misattribution is told apart from a
fabrication. It explains a failure and never changes a verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import write_project

from briefing.cli import main
from briefing.engine import run as verify
from briefing.models import Briefing, Citation, Claim, Section, Source, Status, WordChange
from briefing.settings import DEFAULT_SETTINGS as DEFAULT
from briefing.settings import Settings
from briefing.verify import elsewhere, nearest

TREND = ("BAKU, Azerbaijan, Feb.26\n\nBy Nargiz Sadikhova - Trend:\n\n"
         "Secretary General of the Organization of Islamic Cooperation (OIC) Yousef bin Ahmad Al-Othaimeen has "
         "paid his sincere tribute to all who lost their lives in Khojaly atrocity, Trend reports.\n")
AZERNEWS = ("Secretary General of the Organization of Islamic Cooperation (OIC) Hissein Brahim Taha has paid\n"
            "tribute to the victims of the Khojaly massacre, committed 31 years ago.\n\n"
            "As a result of the Khojaly genocide, 613 Azerbaijani civilians, including 63 children, were killed.\n")
REPORT = "The ministers met in Cairo in 2013 and adopted the final communique of the summit.\n"
SOURCES = {"azernews": AZERNEWS, "trend": TREND, "report": REPORT}
MISATTRIBUTED = "Yousef bin Ahmad Al-Othaimeen has paid his sincere tribute to all who lost their lifes in Khojaly"


def _sources(texts: dict[str, str]) -> dict[str, Source]:
    return {i: Source(i, f"sources/{i}.txt", "text", text, sha256=f"{n:064x}")
            for n, (i, text) in enumerate(sorted(texts.items()), start=1)}


def _check(quote: str, cited: str = "azernews", texts: dict[str, str] | None = None,
           settings: Settings = DEFAULT):
    briefing = Briefing("claims.yaml", "T", (Section("H", (Claim("c", "A claim.", (Citation(cited, quote, 1),), 1),)),))
    return verify.verify(briefing, _sources(texts or SOURCES), settings=settings).claims[0].citations[0]


@pytest.mark.parametrize(("quote", "status", "named", "similarity"), [
    pytest.param(MISATTRIBUTED, Status.NOT_FOUND, "trend", 1 - 1 / len(MISATTRIBUTED),
                 id="misattributed-and-slightly-wrong"),
    pytest.param("the victims of the Khojaly massacre, committed 31 years ago, and then more", Status.MISQUOTED, None,
                 None, id="close-in-its-own-source-is-a-misquote-not-a-misattribution"),
    pytest.param("the minister declared that the moon is made entirely of green cheese", Status.NOT_FOUND, None, None,
                 id="fabricated"),
    pytest.param("Yousef bin Ahmad said the ministers of the summit had met in Cairo to adopt it", Status.NOT_FOUND,
                 None, None, id="fabricated-from-words-of-other-sources"),
    pytest.param("has paid his sincere tribute to all who lost their lives", Status.NOT_FOUND, None, None,
                 id="exact-elsewhere-is-found-in-instead"),
    pytest.param("lifes", Status.NOT_FOUND, None, None, id="too-short-to-tell-a-source-by"),
])
def test_a_quote_far_from_its_source_is_named_where_it_is_close(quote: str, status: Status, named: str | None,
                                                               similarity: float | None) -> None:
    result = _check(quote)
    assert result.status is status
    assert (result.elsewhere and result.elsewhere.source) == named
    if named is not None:
        assert result.elsewhere.nearest.similarity == pytest.approx(similarity, abs=1e-4)
        assert result.elsewhere.nearest.similarity >= Settings().misquote_min_similarity
        assert result.elsewhere.nearest.changes == (WordChange("replace", "lifes", "lives"),)
        assert result.elsewhere.line == 5
        assert TREND[result.elsewhere.nearest.span.start:result.elsewhere.nearest.span.end] == \
            result.elsewhere.nearest.passage


def test_exact_elsewhere_says_so_without_a_close_passage() -> None:
    result = _check("has paid his sincere tribute to all who lost their lives")
    assert (result.found_in, result.elsewhere) == (("trend",), None)


def test_close_is_the_misquote_threshold() -> None:
    # 99% similar: named at the default threshold, not when only a 99.5% similar passage would do.
    assert _check(MISATTRIBUTED).elsewhere is not None
    assert _check(MISATTRIBUTED, settings=Settings(misquote_min_similarity=0.995)).elsewhere is None


def test_its_own_source_is_never_the_elsewhere() -> None:
    result = _check(MISATTRIBUTED, cited="trend", texts={"trend": TREND.replace("lives", "homes and lives in"),
                                                          "azernews": AZERNEWS})
    assert result.status is Status.MISQUOTED and result.elsewhere is None


def test_the_closest_of_two_other_sources_is_named() -> None:
    texts = {**SOURCES, "echo": TREND.replace("sincere tribute", "tribute")}
    assert _check(MISATTRIBUTED, texts=texts).elsewhere.source == "trend"


def test_it_never_changes_a_verdict() -> None:
    briefing = Briefing("claims.yaml", "T", (Section("H", (
        Claim("c", "Trend says 2 things.", (Citation("azernews", MISATTRIBUTED, 1),), 1),)),))
    claim = verify.verify(briefing, _sources(SOURCES)).claims[0]
    assert claim.status is Status.NOT_FOUND and not claim.ok


# --- bounded, and the same however the sources are split -----------------------------------


def _many(count: int) -> dict[str, str]:
    """Sources that all share pieces of the quote, each a little closer than the one before."""
    base = "Yousef bin Ahmad Al-Othaimeen has paid his tribute to all who lost {} in Khojaly."
    return {"azernews": AZERNEWS, **{f"s{n:02d}": base.format("their " * (count - n) + "lives") for n in range(count)}}


def test_a_quote_is_aligned_in_few_other_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    aligned: list[str] = []
    real = elsewhere.nearest_passage

    def counted(quote: str, folded: object, settings: Settings) -> object:
        aligned.append(quote)
        return real(quote, folded, settings)
    monkeypatch.setattr(elsewhere, "nearest_passage", counted)
    result = _check(MISATTRIBUTED, texts=_many(12), settings=Settings(workers=1))
    assert result.status is Status.NOT_FOUND and result.elsewhere is not None
    assert len(aligned) == elsewhere.MAX_SOURCES


def test_copies_of_a_source_align_a_quote_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 19: real text holds copies of one file (the same bytes, so the same text key).
    from dataclasses import replace
    aligned: list[object] = []
    real = elsewhere.nearest_passage
    monkeypatch.setattr(elsewhere, "nearest_passage", lambda quote, folded, settings: aligned.append(quote)
                        or real(quote, folded, settings))
    sources = _sources({**SOURCES, "trend-copy": TREND})
    sources["trend-copy"] = replace(sources["trend-copy"], sha256=sources["trend"].sha256)
    briefing = Briefing("claims.yaml", "T", (Section("H", (Claim("c", "A claim.",
                                                                (Citation("azernews", MISATTRIBUTED, 1),), 1),)),))
    result = verify.verify(briefing, sources, settings=Settings(workers=1)).claims[0].citations[0]
    assert result.elsewhere is not None and result.elsewhere.source == "trend"  # (the first of two as close)
    assert len(aligned) == 1


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_the_same_whichever_worker_holds_which_source(workers: int) -> None:
    texts = _many(12)
    briefing = Briefing("claims.yaml", "T", (Section("H", tuple(
        Claim(f"c{n}", "A claim.", (Citation("azernews", MISATTRIBUTED.replace("lifes", word), 1),), 1)
        for n, word in enumerate(["lifes", "lives", "homes", "lifes and"]))),))
    alone = verify.verify(briefing, _sources(texts), settings=Settings(workers=1))
    assert any(c.citations[0].elsewhere for c in alone.claims)
    assert verify.verify(briefing, _sources(texts), settings=Settings(workers=workers)) == alone


# --- every report shows it ------------------------------------------------------------------

CLAIMS = f"""\
title: "T"
sections:
  - heading: "H"
    claims:
      - id: misattributed
        text: "Trend reports a tribute."
        source: azernews
        quote: "{MISATTRIBUTED}"
      - id: fabricated
        text: "Nobody said this."
        source: azernews
        quote: "the minister declared that the moon is made entirely of green cheese"
"""
NOTE = ("note     did you mean 'trend'? sources/trend.md:5 has “Yousef bin Ahmad Al-Othaimeen has paid his sincere "
        "tribute to all who lost their lives in Khojaly” (99% similar)")
DIFFERS = "differs  quote has “lifes” where the source has “lives”"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_project(tmp_path, CLAIMS, {f"{name}.md": text for name, text in SOURCES.items()})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(["check", ".", *args]) == 1
    return capsys.readouterr().out


def test_the_text_report_names_it_with_the_diff(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [line.strip() for line in _run(capsys, "--format", "text").splitlines()]
    at = lines.index(NOTE)
    assert lines[at - 2].endswith("claim 'misattributed' not_found: quote not found in 'azernews'")
    assert lines[at + 1] == DIFFERS
    assert sum(line.startswith("note     did you mean") for line in lines) == 1  # not for the fabricated one


def test_the_json_report_has_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = {c["id"]: c["citations"][0] for c in json.loads(_run(capsys, "--format", "json"))["claims"]}
    assert claims["fabricated"]["elsewhere"] is None
    found = claims["misattributed"]["elsewhere"]
    assert {k: v for k, v in found.items() if k not in ("start", "end", "passage")} == {
        "source": "trend", "line": 5, "page": None, "similarity": round(1 - 1 / len(MISATTRIBUTED), 4), "distance": 1,
        "diff": [{"kind": "replace", "quote": "lifes", "source": "lives", "notes": []}]}
    assert TREND[found["start"]:found["end"]] == found["passage"]


@pytest.mark.parametrize(("output_format", "note"), [
    pytest.param("github", NOTE.replace("%", "%25"), id="github"),
    pytest.param("sarif", NOTE, id="sarif"),
])
def test_ci_formats_have_it(project: Path, capsys: pytest.CaptureFixture[str], output_format: str, note: str) -> None:
    out = _run(capsys, "--format", output_format)
    text = out if output_format == "github" else json.dumps(json.loads(out), ensure_ascii=False)
    assert (note + ("%0A" if output_format == "github" else "\\n") + DIFFERS) in text


def test_show_has_it(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["show", "misattributed"]) == 1
    lines = capsys.readouterr().out.splitlines()
    at = lines.index("  " + NOTE)
    assert lines[at + 1] == "  " + DIFFERS


def test_the_same_without_the_cache_cold_and_warm(project: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    uncached = _run(capsys, "--format", "json", "--no-cache")
    cold = _run(capsys, "--format", "json")
    monkeypatch.setattr(elsewhere, "nearest_passage", lambda *a: pytest.fail("aligned again, not from the cache"))
    monkeypatch.setattr(nearest, "nearest_passage", lambda *a: pytest.fail("aligned again, not from the cache"))
    warm = _run(capsys, "--format", "json")
    assert uncached == cold == warm
    assert json.loads(warm)["claims"][0]["citations"][0]["elsewhere"]["source"] == "trend"


@pytest.mark.parametrize(("quote", "texts"), [
    pytest.param("Yousef bin Ahmad ... lifes in Khojaly atrocity", {**SOURCES, "azernews": AZERNEWS + "lifes in Khojaly "
                 "atrocity. Yousef bin Ahmad"}, id="elided-parts-out-of-order-in-its-own-source"),
    pytest.param(MISATTRIBUTED * 30, SOURCES, id="too-long-to-explain"),
])
def test_quotes_not_far_from_their_own_or_too_long_are_not_looked_for(quote: str, texts: dict[str, str]) -> None:
    result = _check(quote, texts=texts, settings=Settings(nearest_max_quote_chars=1000))
    assert result.status is Status.NOT_FOUND and result.elsewhere is None and result.problem
