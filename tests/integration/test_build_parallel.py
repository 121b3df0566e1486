"""Issue 19: beside a PDF, DOCX and HTML are rendered (by pandoc, in its own process) while
WeasyPrint lays the PDF out; the files and the findings are the same as one after another."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import make_briefing

from briefing import render
from briefing.models import Status
from briefing.render import write

NOW = datetime(2025, 11, 23, 11, 3, 7, tzinfo=UTC)


def _build(tmp_path: Path, formats: tuple[str, ...]) -> render.BuildResult:
    briefing, report = make_briefing([("a", "Claim 613.", [("azernews-2023", "613 civilians", Status.VERIFIED)])])
    outputs = {f: tmp_path / f"briefing.{f}" for f in formats}
    return render.build(briefing, report, formats, outputs, now=NOW, version="9.9.9")


@pytest.mark.parametrize(("formats", "elsewhere"), [
    pytest.param(("pdf", "docx", "html"), True, id="beside a PDF"),
    pytest.param(("docx", "html"), False, id="without a PDF"),
])
def test_docx_and_html_are_rendered_while_the_pdf_is_laid_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formats: tuple[str, ...], elsewhere: bool) -> None:
    threads: list[bool] = []
    for name in ("render_docx", "render_html"):
        original = getattr(write, name)

        def spy(*args: object, _original: object = original) -> bytes:
            threads.append(threading.current_thread() is not threading.main_thread())
            return _original(*args)  # type: ignore[operator,no-any-return]

        monkeypatch.setattr(write, name, spy)
    result = _build(tmp_path / "now", formats)
    assert result.ok, result.diagnostics
    assert threads == [elsewhere, elsewhere]
    monkeypatch.undo()
    # The same bytes as each rendered on its own.
    for fmt in formats:
        alone = _build(tmp_path / fmt, (fmt,))
        assert (tmp_path / fmt / f"briefing.{fmt}").read_bytes() == (tmp_path / "now" / f"briefing.{fmt}").read_bytes()
        assert alone.ok


def test_a_format_that_fails_beside_the_pdf_fails_the_build_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> bytes:
        raise write.RenderError("pandoc failed (exit 1): no")

    monkeypatch.setattr(write, "render_docx", broken)
    result = _build(tmp_path, ("pdf", "docx"))
    assert [(d.code, d.message) for d in result.diagnostics] == [("build.render-failed", "pandoc failed (exit 1): no")]
    assert result.written == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing staged is left behind
