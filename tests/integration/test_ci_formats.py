"""CI report formats (issue 5): GitHub annotations and job summary, SARIF 2.1.0, JUnit, -o and auto."""

from __future__ import annotations

import json
import os
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import ROOT, write_project

from briefing import files
from briefing.cli import main
from briefing.engine.cache import CACHE_NAME
from briefing.report import ci as ci_formats
from briefing.report.ci import Annotation, escape_data, escape_property, workflow_command

SCHEMAS = ROOT.parent / "shared" / "schemas"  # ../shared beside the checkout, when there
SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"

AZERNEWS = """\
---
title: "OIC Secretary General pays tribute"
---
As a result of the Khojaly genocide, 613 Azerbaijani civilians, including 63 children, 106 women,
and 70 elderly people were killed. Simultaneously, 487 civilians were seriously injured.
"""

CLAIMS = """\
title: "Test"
sections:
  - heading: "Casualties"
    claims:
      - id: toll
        text: "Azernews reports 612 civilians killed."
        source: azernews-2023
        quote: "613 Azerbaijani civilians, including 83 children"
      - id: injured
        text: "Azernews reports 487 injured."
        source: azernews-2023
        quote: "487 civilians were seriously injured"
      - id: women
        text: "Azernews reports 160 women killed."
        source: azernews-2023
        quote: "106 women"
"""

HINT = "hint: quote the passage that states it, fix the figure, or list it under exempt_figures if it is the author's own"
SUMMARY = "2 of 3 claims failed (1 misquoted, 1 figure_mismatch) · 3 quotes · 1 of 2 sources cited · 1 warning"
MISQUOTED = ("quote not found verbatim in 'azernews-2023'; a close passage exists%0A"
             "quote    “613 Azerbaijani civilians, including 83 children”%0A"
             "source   sources/azernews-2023.md:4: “613 Azerbaijani civilians, including 63 children” "
             "(98%25 similar)%0A"
             "differs  quote has “83” where the source has “63”")

GITHUB = f"""\
::error file=claims.yaml,line=8,col=16,title=claim 'toll' misquoted::{MISQUOTED}
::error file=claims.yaml,line=6,col=9,title=claim 'toll' figure_mismatch::“612” in the text is still not backed once the quotes match their sources%0Atext     “Azernews reports 612 civilians killed.”%0A{HINT}
::error file=claims.yaml,line=14,col=9,title=claim 'women' figure_mismatch::“160” in the text is not in any verified quote%0Atext     “Azernews reports 160 women killed.”%0A{HINT}
::warning file=sources/unused.md,line=1,col=1,title=source.unused::source 'unused' is never cited%0Ahint: cite it or move it out of the sources folder
claims.yaml:8:16: error: claim 'toll' misquoted: quote not found verbatim in 'azernews-2023'; a close passage exists
    quote    “613 Azerbaijani civilians, including 83 children”
    source   sources/azernews-2023.md:4: “613 Azerbaijani civilians, including 63 children” (98% similar)
    differs  quote has “83” where the source has “63”
claims.yaml:6:9: error: claim 'toll' also: “612” in the text is still not backed once the quotes match their sources
    text     “Azernews reports 612 civilians killed.”
    {HINT}

claims.yaml:14:9: error: claim 'women' figure_mismatch: “160” in the text is not in any verified quote
    text     “Azernews reports 160 women killed.”
    {HINT}

sources/unused.md:1:1: warning: source 'unused' is never cited
    hint: cite it or move it out of the sources folder

{SUMMARY}
"""

JUNIT = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="briefing" tests="3" failures="2" errors="0" skipped="0">
  <testsuite name="claims.yaml" tests="3" failures="2" errors="0" skipped="0">
    <testcase classname="claims.yaml" name="toll" file="claims.yaml" line="5">
      <failure message="claim 'toll' misquoted: quote not found verbatim in 'azernews-2023'; a close passage exists" type="misquoted">claim 'toll' misquoted: quote not found verbatim in 'azernews-2023'; a close passage exists
quote    “613 Azerbaijani civilians, including 83 children”
source   sources/azernews-2023.md:4: “613 Azerbaijani civilians, including 63 children” (98% similar)
differs  quote has “83” where the source has “63”

claim 'toll' figure_mismatch: “612” in the text is still not backed once the quotes match their sources
text     “Azernews reports 612 civilians killed.”
{HINT}</failure>
    </testcase>
    <testcase classname="claims.yaml" name="injured" file="claims.yaml" line="9" />
    <testcase classname="claims.yaml" name="women" file="claims.yaml" line="13">
      <failure message="claim 'women' figure_mismatch: “160” in the text is not in any verified quote" type="figure_mismatch">claim 'women' figure_mismatch: “160” in the text is not in any verified quote
text     “Azernews reports 160 women killed.”
{HINT}</failure>
    </testcase>
    <system-out>sources/unused.md:1:1: warning: source 'unused' is never cited
    hint: cite it or move it out of the sources folder
{SUMMARY}</system-out>
  </testsuite>
</testsuites>
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small project above, as the working directory, with no CI variables set."""
    write_project(tmp_path, CLAIMS, {"azernews-2023.md": AZERNEWS, "unused.md": "Nothing cited here.\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- GitHub -------------------------------------------------------------------


def test_github_format_exact_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(capsys, "--format", "github") == (1, GITHUB, "")


@pytest.mark.parametrize(("text", "data", "prop"), [
    pytest.param("plain", "plain", "plain", id="plain"),
    pytest.param("100%", "100%25", "100%25", id="percent"),
    pytest.param("a\nb", "a%0Ab", "a%0Ab", id="newline"),
    pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
    pytest.param("a: b, c", "a: b, c", "a%3A b%2C c", id="colon-comma"),
    pytest.param("%0A", "%250A", "%250A", id="already-escaped-looking"),
    pytest.param("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax", id="command-in-text"),
])
def test_escaping_follows_actions_toolkit(text: str, data: str, prop: str) -> None:
    assert (escape_data(text), escape_property(text)) == (data, prop)


def test_a_hostile_quote_cannot_start_a_second_command() -> None:
    annotation = Annotation("error", "claim 'x', the: title", "line one\n::warning::fake\r\n100%", "briefing/misquoted",
                            "dir,with:odd/claims.yaml", 3, 5)
    line = workflow_command(annotation)
    assert line == ("::error file=dir%2Cwith%3Aodd/claims.yaml,line=3,col=5,title=claim 'x'%2C the%3A title"
                    "::line one%0A::warning::fake%0D%0A100%25")
    assert "\n" not in line and "\r" not in line


def _many_failures(root: Path, count: int) -> None:
    claims = "".join(f"""\
      - id: c{n}
        text: "A claim."
        source: azernews-2023
        quote: "not in the source {n}"
""" for n in range(count))
    (root / "claims.yaml").write_text(CLAIMS.split("      - id: toll")[0] + claims, encoding="utf-8")


def test_only_ten_error_annotations_and_the_summary_has_all(project: Path, capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _many_failures(project, 13)
    summary = project / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = check(capsys)  # --format auto picks github under GitHub Actions
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert [line.split(",")[1] for line in errors] == [f"line={8 + 4 * n}" for n in range(10)]
    assert ("note: GitHub shows 10 error annotations per step; 3 more errors are in the job summary "
            "and the report below") in out.splitlines()
    assert sum(line.startswith("::warning ") for line in out.splitlines()) == 1
    assert out.count(": error: claim 'c") == 13  # the plain report below has every failure
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("earlier step\n### briefing check: failed\n\n13 of 13 claims failed (13 not_found)")
    rows = [line for line in markdown.splitlines() if line.startswith("| error |")]
    assert len(rows) == 13
    assert rows[12] == ("| error | claims.yaml:56:16 | claim 'c12' not_found: quote not found in 'azernews-2023' | "
                        "quote    “not in the source 12” |")


def test_step_summary_escapes_markdown_and_html() -> None:
    annotation = Annotation("error", "claim 'x' misquoted", "first | line\n<script>alert(1)</script> & more",
                            "briefing/misquoted", "claims.yaml", 2, 3)
    assert ci_formats._table([annotation])[2] == (
        "| error | claims.yaml:2:3 | claim 'x' misquoted: first \\| line | "
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more |")


def test_github_without_step_summary_says_where_the_rest_are(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _many_failures(project, 11)
    _, out, _ = check(capsys, "--format", "github")
    assert "note: GitHub shows 10 error annotations per step; 1 more error are in the report below" in out


def test_unusable_input_is_annotated(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "claims.yaml").write_text("title: T\nsectoins: []\n", encoding="utf-8")
    code, out, err = check(capsys, "--format", "github")
    assert code == 2
    assert out.splitlines() == [
        ("::error file=claims.yaml,line=1,col=1,title=claims.missing-key::the claims file has no 'sections'%0A"
         "hint: add at least one section with 'heading' and 'claims'"),
        ("::error file=claims.yaml,line=2,col=1,title=claims.unknown-key::unknown key 'sectoins' at the top "
         "level%0Ahint: did you mean 'sections'?")]
    assert err.endswith("2 errors: nothing was checked\n")


# --- auto -------------------------------------------------------------------


@pytest.mark.parametrize(("environment", "expected"), [
    pytest.param({}, "text", id="terminal"),
    pytest.param({"GITHUB_ACTIONS": "true"}, "github", id="github-actions"),
    pytest.param({"GITHUB_ACTIONS": "false"}, "text", id="not-github"),
])
def test_auto_picks_github_only_under_actions(project: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch, environment: dict, expected: str) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    _, out, _ = check(capsys)
    assert out.startswith("::error ") is (expected == "github")
    assert out.endswith(SUMMARY + "\n")


# --- SARIF ------------------------------------------------------------------


def _sarif_validator():
    jsonschema = pytest.importorskip("jsonschema")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the official SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (../shared beside the checkout)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def test_sarif_is_valid_against_the_official_schema(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "--format", "sarif")
    assert code == 1
    document = json.loads(out)
    errors = sorted(_sarif_validator().iter_errors(document), key=str)
    assert errors == [], "\n".join(e.message for e in errors)


def test_sarif_results(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = check(capsys, "--format", "sarif")
    run = json.loads(out)["runs"][0]
    assert run["tool"]["driver"]["name"] == "briefing"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rules == ["briefing/misquoted", "briefing/not_found", "briefing/unknown_source",
                     "briefing/unreadable_source", "briefing/figure_mismatch", "briefing/source.unused"]
    summary = [(r["ruleId"], r["ruleIndex"], r["level"],
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]) for r in run["results"]]
    assert summary == [
        ("briefing/misquoted", 0, "error", "claims.yaml", {"startLine": 8, "startColumn": 16}),
        ("briefing/figure_mismatch", 4, "error", "claims.yaml", {"startLine": 6, "startColumn": 9}),
        ("briefing/figure_mismatch", 4, "error", "claims.yaml", {"startLine": 14, "startColumn": 9}),
        ("briefing/source.unused", 5, "warning", "sources/unused.md", {"startLine": 1, "startColumn": 1}),
    ]
    assert run["results"][0]["message"]["text"].splitlines()[-1] == "differs  quote has “83” where the source has “63”"


def test_sarif_fingerprints_are_stable_when_lines_move(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def fingerprints() -> list[str]:
        _, out, _ = check(capsys, "--format", "sarif")
        return [r["partialFingerprints"]["briefing/v1"] for r in json.loads(out)["runs"][0]["results"]]

    before = fingerprints()
    assert len(set(before)) == len(before)
    claims = (project / "claims.yaml").read_text(encoding="utf-8")
    (project / "claims.yaml").write_text("# a comment that moves every line\n\n" + claims, encoding="utf-8")
    assert fingerprints() == before


def test_sarif_for_unusable_input_is_valid(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "claims.yaml").write_text("title: [T]\nsections: []\n", encoding="utf-8")
    code, out, _ = check(capsys, "--format", "sarif")
    assert code == 2
    document = json.loads(out)
    assert list(_sarif_validator().iter_errors(document)) == []
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["briefing/claims.type",
                                                                       "briefing/claims.empty-list"]


# --- JUnit ------------------------------------------------------------------


def test_junit_exact_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "--format", "junit")
    assert (code, out) == (1, JUNIT)
    suite = ET.fromstring(out.encode("utf-8")).find("testsuite")
    assert suite is not None
    assert [case.get("name") for case in suite.iter("testcase")] == ["toll", "injured", "women"]


def test_junit_drops_characters_xml_cannot_hold() -> None:
    assert ci_formats._xml_text("a\x0cb\x00c\ud800d") == "a\ufffdb\ufffdc\ufffdd"


def test_junit_for_unusable_input(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "claims.yaml").write_text("title: T\n", encoding="utf-8")
    code, out, _ = check(capsys, "--format", "junit")
    assert code == 2
    error = ET.fromstring(out.encode("utf-8")).find("testsuite/testcase/error")
    assert error is not None and error.get("message") == "1 error: nothing was checked"
    assert error.text == ("claims.yaml:1:1: error: the claims file has no 'sections'\n"
                          "    hint: add at least one section with 'heading' and 'claims'")


# --- -o FILE ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "args", "starts"), [
    pytest.param("report.sarif", (), "{", id="sarif-by-suffix"),
    pytest.param("report.json", (), '{"schema_version":1,', id="json-by-suffix"),
    pytest.param("report.xml", (), "<?xml", id="junit-by-suffix"),
    pytest.param("report.txt", (), "claims.yaml:8:16: error:", id="text-otherwise"),
    pytest.param("report.log", ("--format", "github"), "::error ", id="explicit-format"),
])
def test_output_file_gets_the_report_and_the_terminal_the_summary(
        project: Path, capsys: pytest.CaptureFixture[str], name: str, args: tuple[str, ...], starts: str) -> None:
    code, out, err = check(capsys, "-o", name, *args)
    assert (code, out, err) == (1, SUMMARY + "\n", "")
    assert (project / name).read_text(encoding="utf-8").startswith(starts)
    assert [p.name for p in project.iterdir() if p.name.startswith(".") and p.name != CACHE_NAME] == []  # no temporary file left


def test_output_file_is_replaced_atomically(project: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    target = project / "report.sarif"
    target.write_text("previous report", encoding="utf-8")
    target.chmod(0o640)
    replaced: list[tuple[str, str]] = []
    real_replace = os.replace

    def spy(source: str, destination: str) -> None:
        assert Path(source).parent == target.parent  # same folder, so the rename is atomic
        assert target.read_text(encoding="utf-8") == "previous report"  # untouched until the rename
        replaced.append((Path(source).name, Path(destination).name))
        real_replace(source, destination)

    monkeypatch.setattr(files.os, "replace", spy)
    check(capsys, "-o", str(target))
    assert len(replaced) == 1 and replaced[0][1] == "report.sarif"
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert target.stat().st_mode & 0o777 == 0o640


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")

    def broken(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError):
        files.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_unwritable_output_exits_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "-o", "no/such/folder/report.sarif")
    assert code == 2
    assert err == "error: cannot write no/such/folder/report.sarif: no such file or directory\n"


def test_text_format_is_unchanged_by_the_new_formats(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, text, _ = check(capsys, "--format", "text")
    assert GITHUB.split("\n", 4)[4] == text


def test_every_format_for_a_passing_project(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "claims.yaml").write_text(textwrap.dedent("""\
        title: T
        sections:
          - heading: H
            claims:
              - id: ok
                text: "487 injured."
                source: azernews-2023
                quote: "487 civilians were seriously injured"
        """), encoding="utf-8")
    (project / "sources" / "unused.md").unlink()
    for output_format in ("github", "sarif", "junit"):
        code, out, _ = check(capsys, "--format", output_format)
        assert code == 0, out
    _, out, _ = check(capsys, "--format", "github")
    assert out == "1 of 1 claims verified · 1 quote · 1 of 1 sources cited · 0 warnings\n"


@pytest.mark.parametrize(("path", "uri"), [
    pytest.param("claims.yaml", "claims.yaml", id="relative"),
    pytest.param("my briefing/claims.yaml", "my%20briefing/claims.yaml", id="space"),
    pytest.param("/srv/brief/claims.yaml", "file:///srv/brief/claims.yaml", id="absolute"),
])
def test_sarif_uris(path: str, uri: str) -> None:
    assert ci_formats._uri(path) == uri
