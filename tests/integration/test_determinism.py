"""Deterministic output (issue 6): the same inputs give byte-identical reports and documents.

HTML and DOCX are identical byte for byte. The PDF is too: WeasyPrint writes no /ID, and its
only dates are the build's timestamp, which `SOURCE_DATE_EPOCH` fixes
(https://reproducible-builds.org/specs/source-date-epoch/). Runs in fresh interpreters with
different hash seeds, so an ordering that depends on set or dict hashing shows up here.
"""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import GOOD, KHOJALY, make_briefing, write_project

from briefing import render
from briefing.cli import main
from briefing.diagnostics import Severity
from briefing.models import Status

EPOCH = "1700000000"  # 14 November 2023 22:13:20 UTC
FORMATS = ("pdf", "docx", "html")


def run_briefing(root: Path, args: list[str], hash_seed: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environ = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environ.update(PYTHONHASHSEED=hash_seed, **env)
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=root, env=environ,
                          capture_output=True, check=False, timeout=120)


@pytest.mark.parametrize("fmt, marker", [("json", b'"misquoted"'), ("sarif", b'"2.1.0"'),
                                         ("junit", b"<testsuite"), ("annotations", b'"AnnotationCollection"')])
def test_check_reports_are_byte_identical_across_runs(tmp_path: Path, fmt: str, marker: bytes) -> None:
    root = write_project(tmp_path, GOOD.replace("including 63 children", "including 83 children"), KHOJALY)
    runs = [run_briefing(root, ["check", ".", "--format", fmt], seed) for seed in ("1", "2")]
    assert [r.returncode for r in runs] == [1, 1], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and marker in runs[0].stdout


def test_build_is_byte_identical_across_runs_and_folders(tmp_path: Path) -> None:
    root = write_project(tmp_path, GOOD, KHOJALY)
    outputs = []
    for seed, folder in (("1", "one"), ("2", "two")):
        args = ["build", ".", "-o", folder, *[a for f in FORMATS for a in ("--format", f)]]
        done = run_briefing(root, args, seed, SOURCE_DATE_EPOCH=EPOCH)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append({f: (root / folder / f"briefing.{f}").read_bytes() for f in FORMATS})
    for fmt in FORMATS:
        assert outputs[0][fmt] == outputs[1][fmt], fmt
    pdf = outputs[0]["pdf"]
    assert PdfReader(io.BytesIO(pdf)).metadata["/CreationDate"] == "D:20231114221320Z"
    assert PdfReader(io.BytesIO(pdf)).metadata["/ModDate"] == "D:20231114221320Z"
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "on 14 November 2023 at 22:13 UTC by briefing" in text
    with zipfile.ZipFile(io.BytesIO(outputs[0]["docx"])) as docx:
        core = docx.read("docProps/core.xml").decode()
        assert {info.date_time for info in docx.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z</dcterms:created>' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z</dcterms:modified>' in core
    assert b"on 14 November 2023 at 22:13 UTC by briefing" in outputs[0]["html"]


def test_in_process_builds_with_one_timestamp_are_identical(tmp_path: Path) -> None:
    briefing, report = make_briefing([("a", "Claim 613.", [("azernews-2023", "613 civilians", Status.VERIFIED)])])
    now = datetime(2025, 11, 23, 11, 3, 7, tzinfo=UTC)
    results = []
    told: list[str] = []
    for folder, progress in (("a", told.append), ("b", None)):  # being told what happens changes nothing
        outputs = {f: tmp_path / folder / f"briefing.{f}" for f in FORMATS}
        result = render.build(briefing, report, FORMATS, outputs, now=now, version="9.9.9", progress=progress)
        assert result.ok
        results.append({f: p.read_bytes() for f, p in outputs.items()})
    assert results[0] == results[1]
    steps = {"pdf": ["rendering", "laying out page 1", "writing the PDF", "reading it back"],
             "docx": ["rendering", "reading it back"], "html": ["rendering", "reading it back"]}
    pages = [t for t in told if t.startswith("pdf: laying out page ")]
    assert all(re.fullmatch(r"pdf: laying out page \d+\u2026", t) for t in pages)
    assert [t for t in told if t not in pages[1:]] == [f"{f}: {step}\u2026" for f in FORMATS for step in steps[f]]
    progress_log = logging.getLogger("weasyprint.progress")  # as it was: told or not, nothing else changes
    assert (progress_log.handlers, progress_log.level, progress_log.propagate) == ([], logging.NOTSET, True)
    assert PdfReader(io.BytesIO(results[0]["pdf"])).metadata["/CreationDate"] == "D:20251123110307Z"


@pytest.mark.parametrize("value, expected, warned", [
    ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC), False),
    (" 0 ", datetime(1970, 1, 1, tzinfo=UTC), False),
    ("yesterday", None, True),
    ("1e9", None, True),
    ("99999999999999999999", None, True),
], ids=["epoch", "zero-padded", "word", "float", "overflow"])
def test_source_date_epoch(value: str, expected: datetime | None, warned: bool) -> None:
    diagnostics: list = []
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = render.build_time(diagnostics, {"SOURCE_DATE_EPOCH": value})
    if expected is not None:
        assert stamp == expected
    else:
        assert before <= stamp <= datetime.now(UTC)
    assert [(d.code, d.severity) for d in diagnostics] == (
        [("build.source-date-epoch", Severity.WARNING)] if warned else [])


def test_cli_build_honours_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = write_project(tmp_path, GOOD, KHOJALY)
    assert main(["build", str(root), "--format", "html"]) == 0
    html = (root / "build" / "briefing.html").read_text(encoding="utf-8")
    assert "verified against 2 sources on 14 November 2023 at 22:13 UTC" in html
