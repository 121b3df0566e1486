"""CLI behaviour of `briefing build`: refusal, --draft, outputs, exit codes."""

from pathlib import Path

import pytest
from pypdf import PdfReader
from support import GOOD, KHOJALY, write_project

from briefing.cli import main


def test_build_writes_the_requested_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, GOOD, KHOJALY)
    assert main(["build", str(project), "--format", "html", "--format", "docx"]) == 0
    out = capsys.readouterr().out
    assert (project / "build" / "briefing.html").is_file()
    assert (project / "build" / "briefing.docx").is_file()
    assert "wrote " in out and "briefing.html" in out


def test_build_pdf_to_a_chosen_file(tmp_path: Path) -> None:
    project = write_project(tmp_path, GOOD, KHOJALY)
    target = tmp_path / "out" / "note.pdf"
    target.parent.mkdir()
    assert main(["build", str(project), "-o", str(target)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "613 Azerbaijani civilians, including 63 children" in " ".join(text.split())


def test_build_refuses_when_a_claim_fails_and_keeps_the_last_good_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, GOOD, KHOJALY)
    assert main(["build", str(project), "--format", "html"]) == 0
    good = (project / "build" / "briefing.html").read_bytes()
    write_project(tmp_path, GOOD.replace("including 63 children", "including 83 children"), KHOJALY)
    capsys.readouterr()
    assert main(["build", str(project), "--format", "html"]) == 1
    captured = capsys.readouterr()
    assert "claim 'toll' misquoted" in captured.out
    assert "1 of 2 claims failed the check; nothing was built" in captured.err
    assert (project / "build" / "briefing.html").read_bytes() == good


def test_build_refused_by_a_changed_source_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = write_project(tmp_path, GOOD, KHOJALY)
    assert main(["lock", str(project)]) == 0
    source = next((project / "sources").glob("*.md"))
    source.write_text(source.read_text(encoding="utf-8") + "\nA line added later.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(project), "--format", "html"]) == 1
    captured = capsys.readouterr()
    assert f"error: source '{source.stem}' changed since sources.lock" in captured.out
    assert "check failed: 1 error (2 of 2 claims verified)" in captured.out
    assert "every claim verified, but the check failed (source.changed); nothing was built" in captured.err
    assert not (project / "build" / "briefing.html").exists()


def test_draft_builds_and_marks_failures(tmp_path: Path) -> None:
    project = write_project(tmp_path, GOOD.replace("including 63 children", "including 83 children"), KHOJALY)
    assert main(["build", str(project), "--format", "html", "--draft"]) == 0
    html = (project / "build" / "briefing.html").read_text(encoding="utf-8")
    assert "DRAFT" in html and "misquoted" in html.lower()


def test_build_on_unusable_claims_exits_2(tmp_path: Path) -> None:
    project = write_project(tmp_path, "title: [unclosed\n", KHOJALY)
    assert main(["build", str(project), "--format", "html"]) == 2
    assert not (project / "build").exists()
