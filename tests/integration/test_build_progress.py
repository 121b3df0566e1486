"""Issue 19: `build` draws a bar of pages on a terminal (laid out, then read back), and nothing
in a pipe, a log or CI."""

from __future__ import annotations

import io
import logging
import re
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import GOOD, KHOJALY, write_project

from briefing.cli import main
from briefing.engine import progress
from briefing.render import pdf

CLEAR = "\r\x1b[K"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("calls", "drawn"), [
    pytest.param([("building pdf: laying out", 3, 0)], "building building pdf: laying out page 3",
                 id="total not known yet"),
    pytest.param([("pdf: reading it back", 6, 12)],
                 "building pdf: reading it back [############............] 6/12 pages", id="half read back"),
    pytest.param([("pdf: reading it back", 12, 12)],
                 "building pdf: reading it back [########################] 12/12 pages", id="all read back"),
])
def test_a_terminal_shows_pages_done_of_the_total(monkeypatch: pytest.MonkeyPatch,
                                                  calls: list[tuple[str, int, int]], drawn: str) -> None:
    monkeypatch.delenv("TERM", raising=False)
    stream = Terminal()
    with progress.Bar("building", stream) as bar:
        for call in calls:
            bar.pages(*call)
        assert stream.getvalue() == CLEAR + drawn
    assert stream.getvalue().endswith(CLEAR)  # cleared for what follows


@pytest.mark.parametrize("term", [None, "dumb"], ids=["a pipe", "TERM=dumb"])
def test_no_bar_in_a_pipe(monkeypatch: pytest.MonkeyPatch, term: str | None) -> None:
    stream: io.StringIO = io.StringIO() if term is None else Terminal()
    if term:
        monkeypatch.setenv("TERM", term)
    with progress.Bar("building", stream) as bar:
        bar.pages("pdf: reading it back", 3, 12)
        bar.pages("pdf: laying out", 3, 0)
    assert stream.getvalue() == ""


def _record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("weasyprint.progress", logging.INFO, "", 0, message, args, None)


LAYOUT = [("Step 5 - Creating layout - Page %d", 1), ("Step 5 - Creating layout - Page %d", 2),
          ("Step 5 - Creating layout - Repagination #%d", 1),
          ("Step 5 - Creating layout - Page %d (up-to-date)", 1), ("Step 5 - Creating layout - Page %d", 2),
          ("Step 6 - Creating PDF",)]


def test_weasyprints_log_gives_the_total_once_it_lays_the_pages_out_again() -> None:
    told: list[str] = []
    counted: list[tuple[str, int, int]] = []
    handler = pdf._Progress(told.append, lambda *call: counted.append(call))
    for record in LAYOUT:
        handler.emit(_record(*record))
    # The first pass cannot know how many pages there will be; the second can.
    assert counted == [("laying out", 1, 0), ("laying out", 2, 0), ("laying out", 1, 2), ("laying out", 2, 2)]
    assert told == ["writing the PDF"]


def test_without_a_page_listener_the_status_texts_are_as_before() -> None:
    told: list[str] = []
    handler = pdf._Progress(told.append)
    for record in LAYOUT:
        handler.emit(_record(*record))
    assert told == ["laying out page 1", "laying out page 2", "laying out page 2", "writing the PDF"]


def _build(tmp_path: Path, stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    project = write_project(tmp_path, GOOD, KHOJALY)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(["build", str(project), "--format", "pdf"]) == 0
    return stderr.getvalue(), len(PdfReader(project / "build" / "briefing.pdf").pages)


def test_build_on_a_terminal_draws_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown, pages = _build(tmp_path, Terminal(), monkeypatch)
    lines = [line for line in shown.split(CLEAR) if line]
    assert "building pdf: laying out page 1" in lines
    # (A one-page briefing is laid out once: its total is known only when read back.)
    assert f"building pdf: reading it back [########################] {pages}/{pages} pages" in lines
    assert all(re.fullmatch(r"building pdf: [A-Za-z ]+(…| page \d+| \[[#.]{24}\] \d+/\d+ pages)", line)
               for line in lines), lines
    assert shown.endswith(CLEAR)


def test_build_in_a_pipe_draws_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shown, _ = _build(tmp_path, io.StringIO(), monkeypatch)
    assert shown == ""
