"""`check` over briefing.md (issue 16): cites, uncited claims, the figures of citing sentences,
`figure.unsourced` and `.own`, and the claims-only layout unchanged."""

from __future__ import annotations

import contextlib
import io
import json
import textwrap
from pathlib import Path

import pytest
from support import ROOT, copy_example, write_project

from briefing.cli import main
from briefing.document.prose import document_cites
from briefing.document.read import parse_markdown
from briefing.engine.project import load_project

SOURCE = ("---\ntitle: \"Ministry statement\"\n---\n"
          "The ministry said 63 children were killed in 1992, and 106 women.\n"
          "Another report counted 487 injured people in the town.\n")
CLAIMS = """\
sections:
  - heading: "H"
    claims:
      - id: kids
        source: ministry
        quote: "63 children were killed in 1992"
      - id: injured
        source: ministry
        quote: "487 injured people"
"""
HEAD = "---\ntitle: \"A test briefing\"\n---\n\n"  # the prose below starts on line 5


def project(root: Path, prose: str, claims: str = CLAIMS) -> Path:
    write_project(root, claims, {"ministry.md": SOURCE})
    (root / "briefing.md").write_text(HEAD + textwrap.dedent(prose), encoding="utf-8")
    return root


def check(root: Path, *args: str) -> tuple[int, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", str(root), "--format", "json", "--no-cache", *args])
    return code, json.loads(out.getvalue())


def found(report: dict, *codes: str) -> list[tuple[str, str, int, int]]:
    """(code, file name, line, col) of the report's diagnostics with these codes."""
    return [(d["code"], Path(d["file"]).name, d["line"], d["col"]) for d in report["diagnostics"] if d["code"] in codes]


# --- where a cite may stand, and what it cites ------------------------------------------------


@pytest.mark.parametrize("prose", [
    pytest.param("The ministry counts 63 children [@kids] killed in 1992.\n", id="mid-sentence"),
    pytest.param("The ministry counts 63 children killed in 1992 [@kids].\n", id="end"),
    pytest.param("The ministry counts 63 children killed in 1992.[@kids]\n", id="after-the-full-stop"),
    pytest.param("In 1992, 63 children [@kids] were killed and 487 people injured [@injured].\n",
                 id="several-in-one-sentence"),
    pytest.param("In 1992, 63 children were killed and 487 people injured [@kids; @injured].\n", id="combined"),
    pytest.param("As @kids has it, 63 children were killed in 1992 and 487 people injured [@injured].\n",
                 id="in-text"),
])
def test_a_cite_anywhere_in_its_sentence_backs_its_figures(tmp_path: Path, prose: str) -> None:
    code, report = check(project(tmp_path, prose + "\nBoth figures are the ministry's [@injured].\n"))
    assert found(report, "document.figure-unbacked", "figure.unsourced", "document.unknown-claim") == []
    assert code == 0


@pytest.mark.parametrize("prose, expected", [
    pytest.param("In 1992, 63 children were killed [@kids]. 487 people were injured [@injured].\n",
                 [], id="each-sentence-its-own-cite"),
    # The cite stands in the first sentence: the second one's 487 is backed by nothing.
    pytest.param("In 1992, 63 children were killed [@kids; @injured]. 487 people were injured.\n",
                 [("figure.unsourced", "briefing.md", 5, 53)], id="the-next-sentence-is-not-cited"),
    # A cite backs the sentence it stands in, not the one before it.
    pytest.param("In 1992, 487 people were injured. [@kids] Then 63 children.\n",
                 [("figure.unsourced", "briefing.md", 5, 10), ("figure.unsourced", "briefing.md", 5, 4)],
                 id="a-cite-after-the-space-belongs-to-the-next"),
])
def test_a_cite_backs_the_sentence_that_carries_it(tmp_path: Path, prose: str, expected: list) -> None:
    code, report = check(project(tmp_path, prose))
    assert sorted(found(report, "figure.unsourced", "document.figure-unbacked")) == sorted(expected)
    assert code == 0 and report["document"]["file"] == str(tmp_path / "briefing.md")


# --- ids: unknown and uncited -----------------------------------------------------------------


@pytest.mark.parametrize("prose, line, col, hint", [
    pytest.param("Children died [@kids; @nope].\n", 5, 23, "add a claim with id 'nope' to", id="in-a-group"),
    pytest.param("Intro.\n\nChildren [@kdis] died.\n", 7, 11, "did you mean '@kids'?", id="misspelt"),
    pytest.param("A `[@nope]` code span, then [@nope] cited.\n", 5, 30, "add a claim", id="after-a-code-span"),
    pytest.param("- a list item\n- citing [@nope]\n", 6, 11, "add a claim", id="list-item"),
])
def test_an_unknown_id_is_an_error_at_its_line_and_column(tmp_path: Path, prose: str, line: int, col: int,
                                                          hint: str) -> None:
    code, report = check(project(tmp_path, prose + "\nSee [@kids; @injured].\n"))
    errors = [d for d in report["diagnostics"] if d["code"] == "document.unknown-claim"]
    assert [(Path(d["file"]).name, d["line"], d["col"]) for d in errors] == [("briefing.md", line, col)]
    assert errors[0]["message"].startswith("'@") and "is not a claim in" in errors[0]["message"]
    assert errors[0]["hint"].startswith(hint)
    assert code == 1


@pytest.mark.parametrize("prose", [
    pytest.param("Code: `[@nope]` and ``@nope``.\n", id="code-span"),
    pytest.param("```\n[@nope]\n```\n", id="fenced-code"),
    pytest.param("An address, someone@nope.example, and an escaped \\@nope.\n", id="address-and-escape"),
])
def test_code_and_addresses_are_not_cites(tmp_path: Path, prose: str) -> None:
    code, report = check(project(tmp_path, prose + "\nSee [@kids; @injured].\n"))
    assert found(report, "document.unknown-claim") == []
    assert code == 0


def test_a_claim_never_cited_is_a_warning_at_the_claim(tmp_path: Path) -> None:
    code, report = check(project(tmp_path, "In 1992, 63 children died [@kids].\n"))
    assert found(report, "document.uncited-claim") == [("document.uncited-claim", "claims.yaml", 7, 9)]
    warning = next(d for d in report["diagnostics"] if d["code"] == "document.uncited-claim")
    assert warning["severity"] == "warning" and "claim 'injured' is never cited in" in warning["message"]
    assert code == 0


# --- the figures of a citing sentence ---------------------------------------------------------


@pytest.mark.parametrize("prose, problems", [
    pytest.param("The ministry says 63 children died [@kids] in 1992.", [], id="right-figure-passes"),
    # The attack: the quote says 63, the sentence 83.
    pytest.param("The ministry says 83 children died [@kids] in 1992.",
                 [("document.figure-unbacked", "briefing.md", 5, 19)], id="wrong-figure-fails"),
    pytest.param("The ministry says 63 children died [@kids] in 1993.",
                 [("document.figure-unbacked", "briefing.md", 5, 47)], id="wrong-year-fails"),
    # Another claim's quote does not back it: only the claims the sentence cites do.
    pytest.param("In 1992, 63 children died and 487 were injured [@kids].",
                 [("document.figure-unbacked", "briefing.md", 5, 31)], id="figure-of-an-uncited-claim-fails"),
    pytest.param("In 1992, 63 children died and 487 were injured [@kids; @injured].", [],
                 id="figure-of-the-second-claim-passes"),
    pytest.param("Sixty-three children died [@kids] in 1992.", [], id="a-number-word-is-read-as-its-value"),
])
def test_a_citing_sentence_states_only_figures_its_claims_quotes_give(tmp_path: Path, prose: str,
                                                                      problems: list) -> None:
    code, report = check(project(tmp_path, prose + "\n\nAlso [@injured].\n"))
    assert found(report, "document.figure-unbacked", "figure.unsourced") == problems
    assert code == (1 if problems else 0)


def test_the_unbacked_figure_message_names_the_claim_and_the_figure(tmp_path: Path) -> None:
    _, report = check(project(tmp_path, "The ministry says 83 children died [@kids] in 1992.\n\nAlso [@injured].\n"))
    error = next(d for d in report["diagnostics"] if d["code"] == "document.figure-unbacked")
    assert error["message"] == "the sentence citing 'kids' states \u201c83\u201d, which none of its quotes gives"
    assert error["severity"] == "error"


def test_a_failed_quote_does_not_back_the_sentence(tmp_path: Path) -> None:
    claims = CLAIMS.replace('"63 children were killed in 1992"', '"83 children were killed in 1992"')
    code, report = check(project(tmp_path, "In 1992, 83 children died [@kids].\n\nAlso [@injured].\n", claims))
    assert [c["status"] for c in report["claims"]] == ["misquoted", "verified"]
    assert code == 1


# --- figures in sentences that cite nothing ---------------------------------------------------


@pytest.mark.parametrize("prose, line, col", [
    pytest.param("The review took 16 years.\n", 5, 17, id="paragraph"),
    pytest.param("# The 3 findings\n", 5, 7, id="heading"),
    pytest.param("- first\n- the 5 others\n", 6, 7, id="list-item"),
    pytest.param("> As 7 people said.\n", 5, 6, id="block-quote"),
    pytest.param("| a | b |\n|---|---|\n| x | 9 cases |\n", 7, 7, id="table-cell"),
    pytest.param("Text.^[A note with 12 items.]\n", 5, 20, id="note"),
])
def test_a_figure_in_a_sentence_citing_nothing_is_unsourced(tmp_path: Path, prose: str, line: int, col: int) -> None:
    code, report = check(project(tmp_path, prose + "\nSee [@kids; @injured].\n"))
    assert found(report, "figure.unsourced") == [("figure.unsourced", "briefing.md", line, col)]
    assert code == 0
    code, report = check(tmp_path, "--strict")
    assert [d["severity"] for d in report["diagnostics"] if d["code"] == "figure.unsourced"] == ["error"]
    assert code == 1


def test_the_summary_is_prose_and_its_figures_are_checked(tmp_path: Path) -> None:
    root = project(tmp_path, "See [@kids; @injured].\n")
    text = (root / "briefing.md").read_text(encoding="utf-8")
    (root / "briefing.md").write_text(text.replace("---\n\n", "summary: \"In all, 40 reports.\"\n---\n\n", 1),
                                      encoding="utf-8")
    _, report = check(root)
    assert found(report, "figure.unsourced") == [("figure.unsourced", "briefing.md", 3, 19)]


def test_own_figures_are_exempt_and_listed(tmp_path: Path) -> None:
    prose = "We have tracked this for [16 years]{.own}.\n\nIn 1992, [63 children]{.own} died [@kids; @injured].\n"
    code, report = check(project(tmp_path, prose))
    assert found(report, "figure.unsourced", "document.figure-unbacked") == []
    assert report["document"] == {"file": str(tmp_path / "briefing.md"), "own_figures": [
        {"text": "16 years", "line": 5, "col": 27}, {"text": "63 children", "line": 7, "col": 11}]}
    assert report["summary"]["exempted_figures"] == 2
    assert code == 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", str(tmp_path), "--no-cache"])
    assert (f"figures stated on the author's own authority ({{.own}} in {tmp_path / 'briefing.md'}):\n"
            f"  {tmp_path / 'briefing.md'}:5:27: \u201c16 years\u201d\n"
            f"  {tmp_path / 'briefing.md'}:7:11: \u201c63 children\u201d\n") in out.getvalue()


def test_a_span_of_another_class_exempts_nothing(tmp_path: Path) -> None:
    _, report = check(project(tmp_path, "We have tracked this for [16 years]{.mine}.\n\nSee [@kids; @injured].\n"))
    assert found(report, "figure.unsourced") == [("figure.unsourced", "briefing.md", 5, 27)]


def test_a_name_the_prose_uses_is_not_unused(tmp_path: Path) -> None:
    claims = 'names: ["G20"]\n' + CLAIMS
    code, report = check(project(tmp_path, "At the G20, 63 children [@kids] and 487 [@injured], in 1992.\n", claims))
    assert found(report, "figure.unused-name", "document.figure-unbacked") == []
    assert code == 0 and "document" in report


# --- the document as a whole ------------------------------------------------------------------


def test_metadata_fills_the_briefing_and_stays_available(tmp_path: Path) -> None:
    root = project(tmp_path, "See [@kids; @injured].\n")
    (root / "briefing.md").write_text(
        "---\ntitle: \"The *1992* toll\"\nsubtitle: Sub\nauthor: [A. Writer, B. Writer]\ndate: 2024-03-01\n"
        "summary: |\n  One.\n\n  Two.\ntoc: true\nmarking: OFFICIAL\n---\n\nSee [@kids; @injured].\n", encoding="utf-8")
    loaded = load_project(root / "claims.yaml", root / "sources")
    assert loaded.diagnostics == ()
    briefing = loaded.briefing
    assert (briefing.title, briefing.subtitle, briefing.author, briefing.date, briefing.summary) == (
        "The 1992 toll", "Sub", "A. Writer, B. Writer", "2024-03-01", "One.\n\nTwo.")
    assert loaded.document.metadata["toc"] is True and loaded.document.metadata["marking"] == "OFFICIAL"
    assert [c.text for c in briefing.claims] == ["", ""]


def test_the_house_options_of_the_metadata_win_over_the_claims_files(tmp_path: Path) -> None:
    root = project(tmp_path, "See [@kids; @injured].\n", claims="marking: SECRET\nreference: R-1\n" + CLAIMS)
    (root / "briefing.md").write_text("---\ntitle: T\nmarking: OFFICIAL\ntoc: true\npdf: archival\n---\n\n"
                                      "See [@kids; @injured].\n", encoding="utf-8")
    loaded = load_project(root / "claims.yaml", root / "sources")
    assert loaded.diagnostics == ()
    house = loaded.briefing.house
    # The document's options win; the claims file's stand where the document gives none.
    assert (house.marking, house.toc, house.pdf, house.reference) == ("OFFICIAL", True, "archival", "R-1")


@pytest.mark.parametrize("metadata, line, message", [
    pytest.param("toc: perhaps\n", 3, "'toc' must be true or false", id="toc-not-a-flag"),
    pytest.param("pdf: pdfx\n", 3, "'pdf' must be 'standard' or 'archival'", id="unknown-pdf-kind"),
    pytest.param("marking: OK\nlogo: ../outside.png\n", 4, "logo", id="logo-outside-the-project"),
    pytest.param("logo: missing.png\n", 3, "missing.png", id="logo-missing"),
])
def test_a_bad_house_option_in_the_metadata_is_an_error_at_its_line(tmp_path: Path, metadata: str, line: int,
                                                                     message: str) -> None:
    root = project(tmp_path, "See [@kids; @injured].\n")
    (root / "briefing.md").write_text(f"---\ntitle: T\n{metadata}---\n\nSee [@kids; @injured].\n", encoding="utf-8")
    exit_code, report = check(root)
    problems = [(d["code"], Path(d["file"]).name, d["line"]) for d in report["diagnostics"]]
    assert problems == [("document.metadata", "briefing.md", line)]
    assert message in report["diagnostics"][0]["message"]
    assert exit_code == 2


@pytest.mark.parametrize("content, code, line", [
    pytest.param(b"---\ntitle: ok\nx: [\n---\nText.\n", "document.syntax", 4, id="bad-yaml-metadata"),
    pytest.param("Caf\u00e9.\n".encode("latin-1"), "document.unreadable", 1, id="not-utf8"),
    pytest.param(b"---\ntitle: [a, b]\n---\nText.\n", "document.metadata", 2, id="title-not-text"),
    pytest.param(b"No metadata at all.\n", "document.metadata", 1, id="no-title-anywhere"),
    pytest.param(b"---\ntitle: T\n---\n" + b">" * 3000 + b" deep\n", "document.syntax", 1, id="nested-too-deep"),
    # Shows 613, would be checked as 6 and 13; and a bidi override that reorders what is shown.
    pytest.param("---\ntitle: T\n---\nSome 6\u200b13 died.\n".encode(), "document.invisible-char", 4,
                 id="invisible-in-a-figure"),
    pytest.param("---\ntitle: T\n---\n\nText \u202eright to left.\n".encode(), "document.invisible-char", 5,
                 id="bidi-override"),
])
def test_an_unusable_document_is_an_error_at_its_line(tmp_path: Path, content: bytes, code: str, line: int) -> None:
    project(tmp_path, "")
    (tmp_path / "briefing.md").write_bytes(content)
    exit_code, report = check(tmp_path)
    assert [(d["code"], Path(d["file"]).name, d["line"]) for d in report["diagnostics"]] == [(code, "briefing.md", line)]
    assert exit_code == 2


def test_without_briefing_md_the_claims_are_the_briefing(tmp_path: Path) -> None:
    write_project(tmp_path, CLAIMS, {"ministry.md": SOURCE})
    code, report = check(tmp_path)
    assert [d["code"] for d in report["diagnostics"]] == ["claims.missing-key"] * 3  # title, and each text
    assert code == 2
    claims = "title: T\n" + CLAIMS.replace("        source: ministry\n", "        text: \"Counted.\"\n"
                                           "        source: ministry\n")
    write_project(tmp_path, claims, {"ministry.md": SOURCE})
    code, report = check(tmp_path)
    assert code == 0 and "document" not in report


# --- the example in this repository -----------------------------------------------------------


def _example(root: Path, edit: tuple[str, str] | None = None) -> Path:
    copy_example(root)
    text = (ROOT / "briefing.md").read_text(encoding="utf-8")
    if edit is not None:
        assert edit[0] in text
        text = text.replace(edit[0], edit[1], 1)
    (root / "briefing.md").write_text(text, encoding="utf-8")
    return root


def test_the_example_prose_checks_clean_and_cites_every_claim(tmp_path: Path) -> None:
    code, report = check(_example(tmp_path))
    # The six intended warnings: where the outlets disagree (63 against 83 children, 487 injured
    # against 1,000 disabled); nothing about the prose.
    assert [d["code"] for d in report["diagnostics"]] == ["figure.disagreement"] * 6
    assert [f["text"] for f in report["document"]["own_figures"]] == ["Five", "Four", "five", "four"]
    assert code == 0
    # Notes mid-sentence, and several claims in one note.
    cites = document_cites(parse_markdown((tmp_path / "briefing.md").read_text(encoding="utf-8")))
    assert [g.ids for g in cites if len(g.ids) > 1] == [("cfm-48-resolution", "cfm-48-session-dates")]
    assert "paid tribute [@sg-taha-tribute-2023] to the victims" in (tmp_path / "briefing.md").read_text()


@pytest.mark.parametrize("edit, figure", [
    # As for a claim's text: a figure is backed by any quote of the claims the sentence cites, so
    # swapping the outlets' figures within one claim is not caught (which outlet said which is
    # the author's to get right; the disagreement is listed in the report).
    pytest.param(("Rajabova reports 83, and", "Rajabova reports 63, and"), None, id="swap-within-one-claim"),
    pytest.param(("around 2,500 remaining", "around 2,600 remaining"), "2,600", id="changed-figure"),
    pytest.param(("initiated in 2009 by", "initiated in 2008 by"), "2008", id="changed-year"),
])
def test_an_edit_to_the_example_prose_is_caught(tmp_path: Path, edit: tuple[str, str], figure: str | None) -> None:
    code, report = check(_example(tmp_path, edit))
    unbacked = [d["message"] for d in report["diagnostics"] if d["code"] == "document.figure-unbacked"]
    assert [m.split("\u201c")[1].split("\u201d")[0] for m in unbacked] == ([figure] if figure else [])
    assert code == (1 if figure else 0)


def test_build_refuses_a_document_that_cites_no_claim(tmp_path: Path) -> None:
    root = project(tmp_path, "In 1992, 63 children died [@kids; @injured; @nope].\n")
    out = tmp_path / "out" / "briefing.html"
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(["build", str(root), "--format", "html", "-o", str(out), "--no-cache"])
    assert code == 1 and not out.exists()
    assert "(document.unknown-claim); nothing was built" in err.getvalue()
