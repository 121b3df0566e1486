"""CLI behaviour of `briefing check`: exit codes, exact messages, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import AZERNEWS, GOOD, KHOJALY, RAJABOVA, write_project

from briefing.cli import main


def run(root: Path, *args: str) -> tuple[int, str, str]:
    completed = subprocess.run(
        [sys.executable, "-m", "briefing", "check", str(root), *args],
        capture_output=True, text=True, cwd=root, check=False)
    return completed.returncode, completed.stdout, completed.stderr


def test_all_verified_exits_0_with_summary(tmp_path: Path) -> None:
    code, out, err = run(write_project(tmp_path, GOOD, KHOJALY))
    assert code == 0, out + err
    assert out.strip().splitlines()[-1].startswith("2 of 2 claims verified · 2 quotes · 2 of 2 sources cited")
    assert err == ""


def test_the_collector_is_tuned_only_while_the_command_runs(tmp_path: Path) -> None:
    import gc

    before = gc.get_threshold()
    assert main(["check", str(write_project(tmp_path, GOOD, KHOJALY)), "--format", "json"]) == 0
    assert gc.get_threshold() == before


@pytest.mark.parametrize("output_format", ["text", "json", "github", "sarif", "junit"])
def test_unusable_input_is_told_on_stderr_in_every_format(tmp_path: Path, output_format: str) -> None:
    project = write_project(tmp_path, GOOD.replace("text:", "txet:", 1), KHOJALY)
    code, out, err = run(project, "--format", output_format)
    assert code == 2
    assert "error: unknown key 'txet' in claim 'toll'" in err and err.endswith("2 errors: nothing was checked\n")
    if output_format == "json":
        assert json.loads(out)["diagnostics"][0]["code"] == "claims.missing-key"
    elif output_format == "text":
        assert out == ""


def test_misquoted_figure_shows_nearest_passage_and_diff(tmp_path: Path) -> None:
    claims = GOOD.replace("including 63 children", "including 83 children").replace("63 of them", "83 of them")
    code, out, _ = run(write_project(tmp_path, claims, KHOJALY))
    assert code == 1
    assert "claims.yaml:8:16: error: claim 'toll' misquoted: quote not found verbatim in 'azernews-2023'" in out
    assert "sources/azernews-2023.md:5:" in out
    assert "quote has \u201c83\u201d where the source has \u201c63\u201d" in out
    assert "1 of 2 claims failed (1 misquoted)" in out
    # The text copied the quote's wrong 83: fixing the quote alone will not do, and the check says so.
    assert ("claims.yaml:6:9: error: claim 'toll' also: \u201c83\u201d in the text is still not backed once "
            "the quotes match their sources") in out


def test_a_misquote_under_a_right_text_is_the_only_error(tmp_path: Path) -> None:
    # The text says 63 as the source does; only the quote says 83. Fixing the quote fixes the
    # claim, so the figures the text shares with the source are not listed as unbacked.
    code, out, _ = run(write_project(tmp_path, GOOD.replace("including 63 children", "including 83 children"), KHOJALY))
    assert code == 1
    assert "claim 'toll' misquoted" in out and " also: " not in out


def test_an_insertion_in_a_failed_quote_backs_no_figure(tmp_path: Path) -> None:
    claims = GOOD.replace('text: "Azernews reports 613 civilians killed', 'text: "In 1992, Azernews reports 613 civilians killed') \
        .replace('"613 Azerbaijani civilians, including 63 children"',
                 '"613 Azerbaijani civilians [in 1992], including 83 children"')
    code, out, _ = run(write_project(tmp_path, claims, KHOJALY))
    assert code == 1
    assert "also: \u201c1992\u201d in the text is still not backed once the quotes match their sources" in out


def test_quote_in_another_source_is_named(tmp_path: Path) -> None:
    claims = GOOD.replace("source: rajabova-2013", "source: azernews-2023")
    code, out, _ = run(write_project(tmp_path, claims, KHOJALY))
    assert code == 1
    assert "the exact quote is in 'rajabova-2013'" in out


@pytest.mark.parametrize("source_id", ["../secret", "/etc/passwd", "sources/azernews-2023", "missing"])
def test_path_like_source_ids_are_unknown(tmp_path: Path, source_id: str) -> None:
    project = write_project(tmp_path / "p", GOOD.replace("source: rajabova-2013", f"source: '{source_id}'"), KHOJALY)
    (tmp_path / "secret.md").write_text("and 83 children, were killed", encoding="utf-8")
    code, out, _ = run(project, "--format", "json")
    assert code == 1
    report = json.loads(out)
    citation = report["claims"][1]["citations"][0]
    assert (citation["status"], citation["ok"]) == ("unknown_source", False)
    assert report["claims"][1]["status"] == "unknown_source"


def test_unknown_source_suggests_close_id(tmp_path: Path) -> None:
    code, out, _ = run(write_project(tmp_path, GOOD.replace("source: rajabova-2013", "source: rajabova-2031"), KHOJALY))
    assert code == 1
    assert "no source 'rajabova-2031' in the sources folder; did you mean 'rajabova-2013'?" in out


def test_figure_not_in_quote_is_figure_mismatch(tmp_path: Path) -> None:
    claims = GOOD.replace("Azernews reports 613 civilians killed", "Azernews reports 600 civilians killed")
    code, out, _ = run(write_project(tmp_path, claims, KHOJALY), "--format", "json")
    assert code == 1
    claim = json.loads(out)["claims"][0]
    assert claim["status"] == "figure_mismatch"
    assert claim["citations"][0]["status"] == "verified"
    assert [f["text"] for f in claim["figures"]["unbacked"]] == ["600"]


def test_exempt_figures_pass_and_are_listed(tmp_path: Path) -> None:
    claims = GOOD.replace('text: "Another article gives 83 children."',
                          'text: "One of two articles gives 83 children."\n'
                          '            exempt_figures: ["two"]')
    code, out, _ = run(write_project(tmp_path, claims, KHOJALY))
    assert code == 0, out
    assert "figures stated on the author's own authority (exempt_figures):\n  children: \u201ctwo\u201d" in out


def test_broken_claims_file_exits_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run(write_project(tmp_path, "title: [unclosed\nsections: []\n", KHOJALY))
    assert code == 2
    assert err.startswith("claims.yaml:")
    assert "Traceback" not in err + out
    assert err.strip().endswith("nothing was checked")


def test_many_claim_problems_reported_in_one_run(tmp_path: Path) -> None:
    claims = """\
        title: "T"
        sections:
          - heading: "H"
            claims:
              - id: a
                text: "x"
                source: azernews-2023
                quote: ""
              - id: a
                txt: "y"
                source: azernews-2023
                quote: "613"
        """
    code, _, err = run(write_project(tmp_path, claims, KHOJALY))
    assert code == 2
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) >= 3, err


def test_json_report_shape(tmp_path: Path) -> None:
    code, out, _ = run(write_project(tmp_path, GOOD, KHOJALY), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["summary"]["claims"] == 2
    assert report["summary"]["by_status"]["verified"] == 2
    claim = report["claims"][0]
    assert {"id", "ok", "status", "line", "citations"} <= set(claim)
    assert claim["line"] == 5
    match = claim["citations"][0]["matches"][0]
    assert match["line"] == 5
    assert claim["citations"][0]["folds"] == []


def test_unsupported_source_kind_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    project = write_project(tmp_path, GOOD, KHOJALY)
    (project / "sources" / "report.rtf").write_bytes(b"{\\rtf1}")
    code, out, _ = run(project)
    assert code == 0
    assert "sources/report.rtf:1:1: warning: report.rtf: unknown kind of source; ignored" in out


def test_unused_source_and_repeated_quote_warn(tmp_path: Path) -> None:
    claims = """\
        title: "T"
        sections:
          - heading: "H"
            claims:
              - id: a
                text: "Killed."
                source: rajabova-2013
                quote: "were killed"
        """
    sources = {"rajabova-2013.md": RAJABOVA + "They were killed.\n", "azernews-2023.md": AZERNEWS}
    code, out, _ = run(write_project(tmp_path, claims, sources))
    assert code == 0
    assert "claim 'a': the quote occurs 2 times in 'rajabova-2013' (first at line 1)" in out
    assert "source 'azernews-2023' is never cited" in out


def test_missing_sources_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "claims.yaml").write_text(textwrap.dedent(GOOD), encoding="utf-8")
    code, _, err = run(tmp_path)
    assert code == 2
    assert "sources folder not found" in err


def test_main_is_callable_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(write_project(tmp_path, GOOD, KHOJALY))]) == 0
    assert "2 of 2 claims verified" in capsys.readouterr().out
    assert main(["check", "--format", "yaml", str(tmp_path)]) == 2


def test_unreadable_source_fails_its_claims_and_the_rest_is_checked(tmp_path: Path) -> None:
    claims = GOOD.rstrip() + """
          - id: from-pdf
            text: "A report."
            source: report
            quote: "anything"
    """
    project = write_project(tmp_path, claims, KHOJALY)
    (project / "sources" / "report.pdf").write_bytes(b"%PDF-1.4\nthis is not a real pdf")
    code, out, _ = run(project)
    assert code == 1
    assert "claim 'from-pdf' unreadable_source: source 'report' could not be read: " in out
    assert "sources/report.pdf" in out and ": error: " in out
    assert "1 of 3 claims failed (1 unreadable_source)" in out
    assert "not found" not in out


def test_check_starts_without_the_renderer_the_review_page_or_the_audit() -> None:
    # Issue 19: jinja2, the renderer and the audit took 0.05 s of every check's start; `fix`,
    # `quote`, `init`, `show` and `sources`, the CI report formats, briefing.md's reader and
    # the HTML, PDF and DOCX readers 0.02 s more. The commands that need them still load them,
    # and are listed (below); the readers load with their first file (test_source_listing).
    probe = ("import sys; from briefing.cli import main; "
             "print(sorted(m for m in ('jinja2', 'briefing.render', 'briefing.engine.audit', "
             "'briefing.report.review_page', 'urllib.request', 'briefing.cli.fix', 'briefing.cli.quote', "
             "'briefing.scaffold', 'briefing.report.show', 'briefing.report.inventory', 'briefing.report.ci', "
             "'briefing.document.read', 'briefing.document.check', 'briefing.sources.html', "
             "'briefing.sources.pdf', 'briefing.sources.docx') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_lazily_loaded_commands_are_listed_and_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    assert all(f"  {name} " in listed for name in ("audit", "review", "fix", "quote"))
    assert main(["fix", "--help"]) == 0
    assert "Replace misquotes" in capsys.readouterr().out
    assert main(["quote", "--help"]) == 0
    assert "Capture a quote" in capsys.readouterr().out
    assert main(["audit", "--help"]) == 0
    assert "Re-verify a briefing PDF" in capsys.readouterr().out
    assert main(["review", "--help"]) == 0
    assert "reviewer's page" in capsys.readouterr().out


# --- the command ends at once once its output is flushed (issue 19) ---------------------------

def _many_claims(tmp_path: Path) -> Path:
    from support import claims_yaml
    text = "The mission counted the families of the district and found them well. " * 20
    claims = claims_yaml((f"c{i}", "The mission found them well.", "s", "counted the families of the district")
                         for i in range(2500))
    return write_project(tmp_path, claims, {"s.txt": text})


def test_a_large_report_through_a_pipe_is_written_whole(tmp_path: Path) -> None:
    code, out, err = run(_many_claims(tmp_path), "--format", "json")
    assert code == 0, err
    report = json.loads(out)  # (more than a pipe holds: 2 MB)
    assert len(out) > 1_000_000 and len(report["claims"]) == 2500 and report["summary"]["verified"] == 2500


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "briefing", "check", str(_many_claims(tmp_path)), "--format",
                                "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10) == b'{"schema_v'
    process.stdout.close()  # as `| head -c 10` does
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) in (0, 1)
    assert "Traceback" not in err and "Exception ignored" not in err and "Error" not in err
