"""Edited quotes ([T]he, [sic], [words], emphasis added) and what an elision hides (issue 7)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import write_project

from briefing.cli import main
from briefing.diagnostics import Severity
from briefing.engine.outcome import strict
from briefing.engine.run import verify
from briefing.models import Alteration, Briefing, Citation, Claim, Section, Source
from briefing.render.document import build_document
from briefing.report.json_report import format_json
from briefing.report.text import format_text
from briefing.text import normalise
from briefing.verify.cautions import quote_warnings
from briefing.verify.edits import ELISION_FAR, hidden_words, parse_edits
from briefing.verify.match import find_quote

SOURCE = ("The resolution strongly condemns the mass atrocities committed byArmenia against the "
          "Azerbaijani civilian population. It recognized the genocide. He said it was not over. "
          "The campaign \u201cJustice for Khojaly\u201d was praised. the mayor spoke [sic] twice. "
          "The [bracketed] word is printed so.")


# --- reading the marks -------------------------------------------------------------


@pytest.mark.parametrize("quote, pieces, joints, alterations", [
    pytest.param("[T]he mass", ("the mass",), (), [("case", "[T]he", "the")], id="case"),
    pytest.param("byArmenia [sic] against", ("byArmenia against",), (),
                 [("sic", "byArmenia [sic]", "byArmenia")], id="sic"),
    pytest.param("He said [the war] was", ("He said ", " was"), ("insertion",),
                 [("insertion", "[the war]", "")], id="insertion"),
    pytest.param("[The OIC] recognized", (" recognized",), (), [("insertion", "[The OIC]", "")],
                 id="insertion at the start"),
    pytest.param("the genocide. (emphasis added)", ("the genocide. ",), (),
                 [("emphasis", "(emphasis added)", "")], id="emphasis, round brackets"),
    pytest.param("the genocide [emphasis added]", ("the genocide ",), (),
                 [("emphasis", "[emphasis added]", "")], id="emphasis, square brackets"),
    pytest.param("[T]he resolution [...] [the OIC] recognized", ("the resolution ", " recognized"),
                 ("elision",), [("case", "[T]he", "the"), ("insertion", "[the OIC]", "")],
                 id="an insertion beside an elision is an elision"),
])
def test_parse_edits(quote: str, pieces: tuple[str, ...], joints: tuple[str, ...],
                     alterations: list[tuple[str, str, str]]) -> None:
    edited = parse_edits(quote)
    assert edited is not None
    assert edited.pieces == pieces
    assert edited.joints == joints
    assert [(a.kind, a.text, a.source) for a in edited.alterations] == alterations


@pytest.mark.parametrize("quote", ["no marks at all", "only an elision ... here", "[...] leading",
                                   "[…] unicode elision"])
def test_quotes_without_editorial_marks_are_not_edited(quote: str) -> None:
    assert parse_edits(quote) is None


# --- matching ---------------------------------------------------------------------------


@pytest.mark.parametrize("quote, passages, alterations", [
    pytest.param("[T]he mass atrocities", ["the mass atrocities"], [("case", "[T]he", "the")],
                 id="capitalised for the start of a quote"),
    pytest.param("[t]he resolution strongly condemns", ["The resolution strongly condemns"],
                 [("case", "[t]he", "The")], id="lower-cased"),
    pytest.param("committed byArmenia [sic] against", ["committed byArmenia against"],
                 [("sic", "byArmenia [sic]", "byArmenia")], id="sic marks the source's own error"),
    pytest.param("He said [the war] was not over", ["He said", "was not over"],
                 [("insertion", "[the war]", "it")], id="insertion in place of a word"),
    pytest.param("[The OIC] recognized the genocide", ["recognized the genocide"],
                 [("insertion", "[The OIC]", "")], id="insertion at the start"),
    pytest.param("It recognized [officially] the genocide", ["It recognized", "the genocide"],
                 [("insertion", "[officially]", "")], id="pure insertion"),
    pytest.param("It recognized the genocide. (emphasis added)", ["It recognized the genocide."],
                 [("emphasis", "(emphasis added)", "")], id="emphasis added"),
    pytest.param("[t]he campaign \"Justice for Khojaly\" was praised [emphasis added]",
                 ["The campaign \u201cJustice for Khojaly\u201d was praised"],
                 [("case", "[t]he", "The"), ("emphasis", "[emphasis added]", "")],
                 id="two marks and the quotes fold"),
    pytest.param("[t]he resolution [...] the genocide", ["The resolution", "the genocide"],
                 [("case", "[t]he", "The")], id="an elision keeps its meaning"),
])
def test_alterations_verify_against_the_source(quote: str, passages: list[str],
                                               alterations: list[tuple[str, str, str]]) -> None:
    match = find_quote(quote, normalise(SOURCE), 1500)
    assert match is not None
    assert [SOURCE[s.start:s.end] for s in match.spans] == passages
    assert [(a.kind, a.text, a.source) for a in match.alterations] == alterations


@pytest.mark.parametrize("quote", [
    pytest.param("[T]he resolution strongly", id="the source must have the other case"),
    pytest.param("[t]he mass atrocities", id="the other case, lower"),
    pytest.param("committed by Armenia [sic] against", id="sic: the word must be as in the source"),
    pytest.param("civilian [people] recognized", id="an insertion may not stand in for a sentence end"),
    pytest.param("The resolution [said] civilian population", id="an insertion stands in for a few words"),
    pytest.param("He said [the war] was over", id="the text around an insertion still has to match"),
    pytest.param("(emphasis added) It recognized", id="emphasis only at the end"),
])
def test_alterations_that_do_not_hold_fail(quote: str) -> None:
    assert find_quote(quote, normalise(SOURCE), 1500) is None


@pytest.mark.parametrize("quote", ["the mayor spoke [sic] twice", "The [bracketed] word"])
def test_brackets_the_source_prints_match_literally(quote: str) -> None:
    match = find_quote(quote, normalise(SOURCE), 1500)
    assert match is not None and match.alterations == ()
    assert SOURCE[match.spans[0].start:match.spans[0].end] == quote


def test_the_fewest_replaced_words_win() -> None:
    source = "the big red house and the house"
    match = find_quote("the [small] house", normalise(source), 1500)
    assert match is not None
    assert match.alterations == (Alteration("insertion", "[small]", ""),)
    assert [source[s.start:s.end] for s in match.spans] == ["the", "house"]


# --- what an elision hides --------------------------------------------------------------


@pytest.mark.parametrize("text, words", [
    pytest.param("the town was not taken", ["not"], id="not"),
    pytest.param("they didn\u2019t sign", ["didn\u2019t"], id="contraction"),
    pytest.param("Never, except once, unless asked", ["Never", "except", "unless"], id="several"),
    pytest.param("only 63 children, but 83 others", ["only", "63", "but", "83"], id="numbers too"),
    pytest.param("however although though", ["however", "although", "though"], id="qualifiers"),
    pytest.param("dated 26 February 2021 | 19:10", ["26", "2021", "19:10"], id="a time as written"),
    pytest.param("Resolution No. 48 was adopted", ["48"], id="No. before a number is no negation"),
    pytest.param("a notable knot, nobodyish", [], id="whole words only"),
    pytest.param("nothing known, nobody came", ["nothing", "nobody"], id="negative pronouns (issue 15)"),
    pytest.param("no one came, none, nonentity, nothing; not notable", ["no one", "none", "nothing", "not"],
                 id="the longest qualifier wins, on word edges (issue 15)"),
    pytest.param("a lack of food, lacking, it failed\n to act", ["lack of", "lacking", "failed to"],
                 id="phrases across any white space (issue 15)"),
])
def test_hidden_words(text: str, words: list[str]) -> None:
    assert hidden_words(text) == words


def _check(quote: str, source_text: str) -> tuple[list[str], list[str]]:
    source = Source("s", "sources/s.md", "text", source_text)
    claim = Claim("c", "A claim.", (Citation("s", quote, 7, 16),), 5)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    report = verify(briefing, {"s": source})
    result = report.claims[0]
    assert result.ok, result
    warnings = quote_warnings("claims.yaml", result, {"s": source})
    return [d.code for d in warnings], [d.message for d in warnings]


@pytest.mark.parametrize("quote, source_text, codes, message", [
    pytest.param("The town ... was taken", "The town, it is said, was not ... was taken",
                 ["quote.elision-hides"],
                 "claim 'c', quote from 's': the omitted text (line 1) contains \u201cnot\u201d",
                 id="negation"),
    pytest.param("The town ... was taken", "The town, with its 63 houses, was taken",
                 ["quote.elision-hides"],
                 "claim 'c', quote from 's': the omitted text (line 1) contains \u201c63\u201d",
                 id="number"),
    pytest.param("The town ... was taken", "The town, on the hill, was taken", [], "", id="harmless"),
    pytest.param("The town [...] was taken", "The town " + "and the hill " * 30 + "was taken",
                 ["quote.elision-far"],
                 f"claim 'c', quote from 's': the kept parts are 391 characters apart (line 1; more "
                 f"than {ELISION_FAR})", id="far apart"),
    pytest.param("He said [the war] was over", "He said nothing but war was over", [
        "quote.insertion-hides"], "claim 'c', quote from 's': \u201c[the war]\u201d stands in for "
        "\u201cnothing but war\u201d, which contains \u201cnothing\u201d, \u201cbut\u201d",
        id="insertion hides a qualifier"),
])
def test_elision_and_insertion_warnings(quote: str, source_text: str, codes: list[str], message: str) -> None:
    found_codes, messages = _check(quote, source_text)
    assert found_codes == codes
    if message:
        assert messages[0] == message


# --- reports, footnotes and --strict ------------------------------------------------------


CLAIMS = """\
    title: "Edited"
    sections:
      - heading: "S"
        claims:
          - id: edited
            text: "The resolution condemns the atrocities."
            source: s
            quote: "[T]he mass atrocities committed byArmenia [sic] against"
          - id: elided
            text: "He said it was over."
            source: s
            quote: "He said it was ... over"
"""


def _report():
    source = Source("s", "sources/s.md", "text", SOURCE)
    claim = Claim("edited", "The resolution condemns the atrocities.",
                  (Citation("s", "[T]he mass atrocities committed byArmenia [sic] against", 8, 20),), 5)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    return briefing, verify(briefing, {"s": source})


def test_the_report_lists_each_alteration() -> None:
    _, report = _report()
    text = format_text(report)
    assert ("editorial changes in quotes (each checked against its source):\n"
            "  edited: \u201c[T]he\u201d for the source's \u201cthe\u201d\n"
            "  edited: \u201cbyArmenia [sic]\u201d: \u201cbyArmenia\u201d as the source has it") in text
    citation = json.loads(format_json(report))["claims"][0]["citations"][0]
    assert citation["alterations"] == [{"kind": "case", "quote": "[T]he", "source": "the"},
                                       {"kind": "sic", "quote": "byArmenia [sic]", "source": "byArmenia"}]


def test_the_footnote_names_the_alterations_briefly() -> None:
    from datetime import UTC, datetime
    briefing, report = _report()
    document = build_document(briefing, report, draft=False, now=datetime(2025, 1, 1, tzinfo=UTC),
                              version="1")
    note = next(b for b in document.ast["blocks"] if b["t"] == "Para")["c"][-1]
    words = [n.get("c") for n in note["c"][0]["c"][-1]["c"] if n["t"] == "Str"]
    assert " ".join(words) == "Edited: [T]he for \u201cthe\u201d; byArmenia [sic] as in the source."


def test_strict_makes_these_warnings_errors() -> None:
    _, report = _report()
    assert report.ok
    hidden = Source("s", "sources/s.md", "text", "He said it was not ... over")
    claim = Claim("c", "x", (Citation("s", "He said it was ... over", 3, 4),), 1)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    plain = verify(briefing, {"s": hidden})
    assert plain.ok and [d.severity for d in plain.diagnostics] == [Severity.WARNING]
    assert not strict(plain).ok
    assert [d.severity for d in strict(plain).diagnostics] == [Severity.ERROR]


def test_check_and_build_with_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_project(tmp_path, CLAIMS, {"s.md": SOURCE})
    assert main(["check", str(root), "--format", "text"]) == 0
    out = capsys.readouterr().out
    hidden = "claim 'elided', quote from 's': the omitted text (line 1) contains \u201cnot\u201d"
    assert f"warning: {hidden}" in out
    assert main(["check", str(root), "--format", "text", "--strict"]) == 1
    out = capsys.readouterr().out
    assert f"error: {hidden}" in out
    assert out.rstrip().endswith("check failed: 1 error (2 of 2 claims verified) \u00b7 2 quotes \u00b7 1 of 1 "
                                 "sources cited \u00b7 0 warnings")
    assert main(["build", str(root), "--strict", "--format", "html"]) == 1
    assert ("error: --strict: 1 warning count as errors; nothing was built (fix them, or build with "
            "--draft)") in capsys.readouterr().err
    assert not (root / "build").exists()


def test_an_insertion_backs_no_figure() -> None:
    source = Source("s", "sources/s.md", "text", "The union recognised it last year.")
    quote = "The union recognised it last year [2012]."
    claim = Claim("c", "The union recognised it in 2012.", (Citation("s", quote, 3),), 1)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    result = verify(briefing, {"s": source}).claims[0]
    assert result.citations[0].alterations == (Alteration("insertion", "[2012]", ""),)
    assert [f.text for f in result.unbacked_figures] == ["2012"]
