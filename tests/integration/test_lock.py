"""`briefing lock`, sources.lock and `check --update-lock`: pinned sources, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support import INGEST

from briefing.cli import main
from briefing.diagnostics import Severity
from briefing.sources.lock import (
    LOCK_NAME,
    Lock,
    LockEntry,
    compare,
    extractor,
    format_lock,
    parse_lock,
)

CLAIMS = """\
title: "Pinned"
sections:
  - heading: "One"
    claims:
      - id: records
        text: "Records are kept for 30 years."
        source: handmade
        quote: "records are kept for 30 years"
      - id: note
        text: "A note."
        source: notes
        quote: "the original wording"
"""


@pytest.fixture(autouse=True)
def _plain_output(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "sources").mkdir()
    shutil.copy(INGEST / "handmade.pdf", tmp_path / "sources")
    (tmp_path / "sources" / "notes.md").write_text("Here is the original wording.\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    return tmp_path


def lock_of(root: Path) -> dict:
    return json.loads((root / LOCK_NAME).read_text(encoding="utf-8"))


def test_lock_writes_every_source(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(project)]) == 0
    assert "2 sources pinned" in capsys.readouterr().err
    entries = lock_of(project)["sources"]
    assert sorted(entries) == ["handmade", "notes"]
    pdf = entries["handmade"]
    assert pdf["file"] == "handmade.pdf" and pdf["kind"] == "pdf"
    assert pdf["extractor"] == extractor("pdf") and pdf["extractor"].startswith("pypdf ")
    assert len(pdf["sha256"]) == 64 and len(pdf["text_sha256"]) == 64
    assert entries["notes"]["kind"] == "text"


def test_lock_is_deterministic_and_says_when_up_to_date(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(project)]) == 0
    first = (project / LOCK_NAME).read_bytes()
    capsys.readouterr()
    assert main(["lock", str(project)]) == 0
    assert capsys.readouterr().err.strip().endswith(f"{LOCK_NAME}: up to date")
    assert (project / LOCK_NAME).read_bytes() == first
    assert first.endswith(b"}\n") and json.loads(first) == json.loads(format_lock(parse_lock(first.decode(), "x")[0]))
    assert [p.name for p in project.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_no_lock_means_no_pinning(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project)]) == 0
    assert not (project / LOCK_NAME).exists()


def test_a_changed_source_fails_the_check_on_its_own(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(project)]) == 0
    (project / "sources" / "notes.md").write_text("Here is the original wording, edited.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(project), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert all(claim["ok"] for claim in report["claims"])  # the quote still verifies...
    (changed,) = [d for d in report["diagnostics"] if d["code"] == "source.changed"]
    assert changed["severity"] == "error"  # ...and that is exactly what a reviewer must see
    assert changed["message"].startswith("source 'notes' changed since sources.lock: SHA-256 ")
    assert changed["file"].endswith("notes.md")
    assert changed["hint"] == ("review the change, then accept it with `briefing lock` or "
                               "`briefing check --update-lock`")


def test_update_lock_accepts_the_change(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(project)]) == 0
    (project / "sources" / "notes.md").write_text("Here is the original wording, edited.\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(project), "--update-lock", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is True  # stdout holds only the report
    assert "  changed: 'notes' (notes.md)" in captured.err.splitlines()
    assert main(["check", str(project)]) == 0


def test_update_lock_creates_a_missing_lock(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project), "--update-lock"]) == 0
    assert sorted(lock_of(project)["sources"]) == ["handmade", "notes"]


@pytest.mark.parametrize(("change", "code", "message"), [
    ("add", "source.unlocked", "source 'extra' (extra.md) is not in sources.lock"),
    ("remove", "source.removed", "source 'spare' (spare.md) is in sources.lock but no longer in the sources folder"),
    ("sidecar", "source.changed", "source 'notes': its metadata file notes.yaml was added since sources.lock"),
], ids=["added", "removed", "sidecar"])
def test_every_difference_from_the_lock_is_an_error(project: Path, capsys: pytest.CaptureFixture[str],
                                                     change: str, code: str, message: str) -> None:
    (project / "sources" / "spare.md").write_text("spare\n", encoding="utf-8")
    assert main(["lock", str(project)]) == 0
    if change == "add":
        (project / "sources" / "extra.md").write_text("extra\n", encoding="utf-8")
    elif change == "remove":
        (project / "sources" / "spare.md").unlink()
    else:
        (project / "sources" / "notes.yaml").write_text("title: Notes\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(project), "--format", "json"]) == 1
    found = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == code]
    assert [d["message"] for d in found] == [message]


def test_a_damaged_lock_is_an_error_not_a_crash(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / LOCK_NAME).write_text("{not json", encoding="utf-8")
    assert main(["check", str(project), "--format", "json"]) == 1
    (invalid,) = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "lock.invalid"]
    assert invalid["message"].startswith("sources.lock: not valid JSON")
    assert main(["lock", str(project)]) == 0  # and `lock` simply replaces it
    assert main(["check", str(project)]) == 0


def test_an_unreadable_source_is_pinned_by_its_bytes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(INGEST / "scanned.pdf", project / "sources")
    assert main(["lock", str(project)]) == 0
    assert "warning: scanned: no text layer" in capsys.readouterr().err
    entry = lock_of(project)["sources"]["scanned"]
    assert entry["text_sha256"] is None and len(entry["sha256"]) == 64


def test_build_refuses_while_a_source_differs_from_the_lock(project: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(project)]) == 0
    (project / "sources" / "notes.md").write_text("Here is the original wording, edited.\n", encoding="utf-8")
    assert main(["build", str(project), "--format", "html", "-o", str(project / "out.html")]) == 1
    assert "source 'notes' changed since sources.lock" in capsys.readouterr().out
    assert not (project / "out.html").exists()


def test_lock_without_a_sources_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lock", str(tmp_path)]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert not (tmp_path / LOCK_NAME).exists()


# --- pure: compare and parse ------------------------------------------------------------------

ENTRY = LockEntry("a.pdf", "1" * 64, "pdf", "pypdf 1.0", "2" * 64)


def test_same_bytes_new_text_is_a_warning_naming_the_extractors() -> None:
    now = LockEntry("a.pdf", "1" * 64, "pdf", "pypdf 2.0", "3" * 64)
    (diagnostic,) = compare(Lock({"a": ENTRY}), Lock({"a": now}), "sources.lock", "sources")
    assert diagnostic.code == "source.text-changed" and diagnostic.severity is Severity.WARNING
    assert diagnostic.message == ("source 'a': same bytes as in sources.lock, but its text is extracted "
                                  "differently (extractor pypdf 1.0 then, pypdf 2.0 now)")


def test_an_unchanged_lock_compares_clean() -> None:
    assert compare(Lock({"a": ENTRY}), Lock({"a": ENTRY}), "sources.lock", "sources") == []


@pytest.mark.parametrize(("text", "reason"), [
    ("[]", "not a version 1 sources lock"),
    ('{"lock_version": 2, "sources": {}}', "not a version 1 sources lock"),
    ('{"lock_version": 1, "sources": []}', "'sources' must be an object of source ids"),
    ('{"lock_version": 1, "sources": {"a": {"file": "a.md"}}}', "the entry for 'a' needs 'file' and 'sha256'"),
])
def test_parse_lock_rejects_what_it_cannot_trust(text: str, reason: str) -> None:
    lock, (problem,) = parse_lock(text, "p/sources.lock")
    assert lock is None and problem.code == "lock.invalid"
    assert problem.message == f"sources.lock: {reason}"


def test_format_lock_round_trips() -> None:
    lock = Lock({"b": ENTRY, "a": LockEntry("a.md", "4" * 64, "text", "x", "", "a.yaml", "5" * 64)})
    text = format_lock(lock)
    assert text.index('"a"') < text.index('"b"')  # sorted, whatever the input order
    assert parse_lock(text, "sources.lock") == (lock, [])
