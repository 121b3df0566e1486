"""`briefing init`, `briefing show`, `briefing schema`, the pre-commit hook and the progress bar (issue 5)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT, copy_example

from briefing import scaffold as init
from briefing.claims.schema import claims_schema
from briefing.cli import main
from briefing.engine import progress
from briefing.engine.project import load_project

NEW_FILES = [".github/workflows/briefing.yml", "Makefile", "briefing.md", "claims.schema.json", "claims.yaml",
             "sources/example.md"]


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


# --- init -------------------------------------------------------------------


def test_init_creates_a_project_that_passes_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "new" / "briefing"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert files_under(target) == NEW_FILES
    assert f"created {target / 'claims.yaml'}" in out.splitlines()
    assert f"next steps:\n  cd {target}\n  briefing check" in out
    assert main(["check", str(target)]) == 0
    assert "1 of 1 claims verified · 1 quote · 1 of 1 sources cited · 0 warnings" in capsys.readouterr().out


def test_init_here_needs_no_cd(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "next steps:\n  briefing check" in capsys.readouterr().out


def test_init_project_passes_make_check(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    main(["init", str(tmp_path)])
    done = subprocess.run(["make", "check", f"BRIEFING={sys.executable} -m briefing"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 of 1 claims verified" in done.stdout


def test_init_claims_file_names_the_schema_editors_use(tmp_path: Path) -> None:
    main(["init", str(tmp_path)])
    first = (tmp_path / "claims.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=claims.schema.json"
    assert json.loads((tmp_path / "claims.schema.json").read_text(encoding="utf-8")) == claims_schema()


def test_init_workflow_runs_check(tmp_path: Path) -> None:
    main(["init", str(tmp_path)])
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "briefing.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["check"]["steps"]
    assert steps[-1] == {"name": "Check the claims", "run": "briefing check ."}
    assert workflow["jobs"]["check"]["env"] == {"BRIEFING_PACKAGE": "${{ vars.BRIEFING_PACKAGE }}"}


def test_init_copies_templates_only_when_asked(tmp_path: Path) -> None:
    main(["init", str(tmp_path / "plain")])
    assert not (tmp_path / "plain" / "templates").exists()
    main(["init", "--templates", str(tmp_path / "styled")])
    copied = [name for name in files_under(tmp_path / "styled") if name.startswith("templates/")]
    packaged = sorted(f"templates/{p.name}" for p in (ROOT / "briefing" / "templates").iterdir()
                      if p.is_file() and not p.name.startswith((".", "__")))
    assert copied == packaged
    assert "templates/briefing.css" in copied


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "claims.yaml").write_text("mine\n", encoding="utf-8")
    (tmp_path / "Makefile").write_text("all:\n", encoding="utf-8")
    assert main(["init"]) == 2
    assert capsys.readouterr().err == ("claims.yaml: error: already exists\n"
                                       "Makefile: error: already exists\n"
                                       "nothing was written: briefing init never replaces a file\n")
    assert files_under(tmp_path) == ["Makefile", "claims.yaml"]
    assert (tmp_path / "claims.yaml").read_text(encoding="utf-8") == "mine\n"


def test_init_into_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    assert main(["init", str(tmp_path)]) == 0
    assert files_under(tmp_path) == sorted([*NEW_FILES, "notes.txt"])


def test_write_plan_refuses_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    plan = init.plan(tmp_path)
    (tmp_path / "claims.yaml").write_text("raced\n", encoding="utf-8")
    with pytest.raises(FileExistsError):
        init.write_plan(plan)
    assert (tmp_path / "claims.yaml").read_text(encoding="utf-8") == "raced\n"


def test_schema_command_prints_the_packaged_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == claims_schema()


# --- show -------------------------------------------------------------------

SOURCE = """\
---
title: "A report"
---
Line one of the report.
Line two says 613 civilians, including 63 children, were killed.
Line three.
Line four: a long paragraph follows.
Line five.
Line six names the sixth part.
"""

CLAIMS = """\
title: T
sections:
  - heading: H
    claims:
      - id: toll
        text: "613 civilians were killed."
        source: report
        quote: "613 civilians, including 63 children"
      - id: wrong
        text: "83 children were killed."
        source: report
        quote: "613 civilians, including 83 children"
      - id: elided
        text: "Two lines."
        source: report
        quote: "Line one ... Line three."
        exempt_figures: ["Two"]
"""


@pytest.fixture
def shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "report.md").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def show(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["show", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_show_verified_claim_in_context(shown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert show(capsys, "toll") == (0, """\
claim 'toll' · verified · claims.yaml:5:9
  text     “613 civilians were killed.”

quote 1 of 1 · 'report' · verified · claims.yaml:8:16
  quote    “613 civilians, including 63 children”
  found    sources/report.md:5
    4 | Line one of the report.
  > 5 | Line two says 613 civilians, including 63 children, were killed.
    6 | Line three.
    7 | Line four: a long paragraph follows.
""", "")


def test_show_failed_claim_gives_nearest_passage_and_diff(shown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = show(capsys, "wrong")
    assert code == 1
    assert out == """\
claim 'wrong' · misquoted · claims.yaml:9:9
  text     “83 children were killed.”
  figures  “83” not in any verified quote

quote 1 of 1 · 'report' · misquoted · claims.yaml:12:16
  quote    “613 civilians, including 83 children”
  problem  quote not found verbatim in 'report'; a close passage exists
  nearest  sources/report.md:5 (97% similar)
  differs  quote has “83” where the source has “63”
    4 | Line one of the report.
  > 5 | Line two says 613 civilians, including 63 children, were killed.
    6 | Line three.
    7 | Line four: a long paragraph follows.
"""


def test_show_elided_quote_shows_each_part(shown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = show(capsys, "elided")
    assert code == 0
    assert "  part 1   sources/report.md:4\n" in out and "  part 2   sources/report.md:6\n" in out
    assert "  exempt   “Two”\n" in out


def test_show_unknown_claim_suggests(shown: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert show(capsys, "tol") == (2, "", "error: no claim 'tol' in claims.yaml\n    hint: did you mean 'toll'?\n")
    code, _, err = show(capsys, "zzzz")
    assert (code, err.splitlines()[-1]) == (2, "    hint: the claims are: toll, wrong, elided")


def test_show_takes_a_project_directory(shown: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shown.parent)
    code, out, _ = show(capsys, "toll", shown.name)
    assert code == 0 and out.startswith(f"claim 'toll' · verified · {shown.name}/claims.yaml:5:9")


def test_show_long_line_is_cut_around_the_passage(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "long.txt").write_text("x " * 300 + "the quoted words" + " y" * 300 + "\n",
                                                   encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(
        "title: T\nsections: [{heading: H, claims: [{id: a, text: t, source: long, quote: the quoted words}]}]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _, out, _ = show(capsys, "a")
    line = out.splitlines()[-1]
    assert line == "  > 1 | …" + "x " * 30 + "the quoted words" + " y" * 30 + "…"



def test_show_lists_editorial_changes_and_disagreements(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # The example briefing: an edited quote, and a figure the other sources give differently.
    # A copy, as the working directory: paths are shown relative to it (issue 18: tests never
    # depend on where pytest was started, and never write into the checkout).
    example = str(copy_example(tmp_path))
    monkeypatch.chdir(example)
    code, out, _ = show(capsys, "disagree-typography", example)
    assert code == 0
    assert ("  edited   “[T]he” for the source's “the”\n"
            "  edited   “byArmenia [sic]”: “byArmenia” as the source has it\n") in out
    code, out, _ = show(capsys, "figures-trend", example)
    assert code == 0
    assert out.splitlines()[-3:] == ["where the sources disagree",
                                     "  figure   “63 children” sources/trend-2020.md:25",
                                     "  other    “83 children” sources/rajabova-2013.md:29"]


def test_show_gives_the_pages_of_a_quote_in_a_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "report.pdf").write_bytes((ROOT / "tests/fixtures/ingest/weasyprint.pdf").read_bytes())
    (tmp_path / "claims.yaml").write_text(
        "title: T\nsections: [{heading: H, claims: [\n"
        "  {id: across, text: t, source: report, quote: 'workforce. Page two begins'},\n"
        "  {id: wrong, text: t, source: report, quote: 'Page three begins with this sentence'}]}]\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = show(capsys, "across")
    assert code == 0 and "  pages    pp. 1-2\n" in out
    code, out, _ = show(capsys, "wrong")
    assert code == 1 and "  nearest  sources/report.pdf:" in out and ", page 2 (" in out


# --- pre-commit ---------------------------------------------------------------


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert len(hooks) == 1
    hook = hooks[0]
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames")} == {
        "id": "briefing-check", "entry": "briefing check", "language": "python", "pass_filenames": False}
    files = re.compile(hook["files"])
    assert [bool(files.search(p)) for p in ("claims.yaml", "sources/a.md", "brief/sources/b.pdf",
                                           "README.md", "myclaims.yaml", "notsources/x")] == [
        True, True, True, False, False, False]


# --- progress -----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = progress.Bar("checking", stream)
    bar.sources(100, 100, 10, 10)
    bar.status("rendering")
    bar.close()
    assert stream.getvalue() == ""


def test_progress_draws_only_for_much_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    stream = Terminal()
    with progress.Bar("checking", stream) as bar:
        bar.sources(10, 10, 1000, 1000)  # 10 small sources: no bar
        assert stream.getvalue() == ""
        bar.sources(120, 120, 3_000_000, 3_000_000)
        assert stream.getvalue().endswith(
            "\r\x1b[Kchecking [########################] 120/120 sources · 3.0 of 3.0 MB")
    assert stream.getvalue().endswith("\r\x1b[K")  # the line is cleared for what follows


def test_load_project_reports_each_source(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    for n in range(3):
        (tmp_path / "sources" / f"s{n}.md").write_text("x" * (n + 1), encoding="utf-8")
    calls: list[tuple[int, int, int, int]] = []
    load_project(tmp_path / "claims.yaml", tmp_path / "sources", progress=lambda *a: calls.append(a))
    assert calls == [(1, 3, 1, 6), (2, 3, 3, 6), (3, 3, 6, 6)]
