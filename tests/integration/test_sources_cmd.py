"""`briefing sources`: every source listed with kind, pages, size, hash, metadata and problems."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from support import INGEST

from briefing.cli import main


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    sources = tmp_path / "sources"
    sources.mkdir()
    for name in ("weasyprint.pdf", "article.html", "pandoc.docx", "scanned.pdf"):
        shutil.copy(INGEST / name, sources)
    (sources / "notes.md").write_text("---\ntitle: Notes\nauthor: Me\n---\nSome text.\n", encoding="utf-8")
    (sources / "weasyprint.yaml").write_text("url: https://example.org/c.pdf\ndate: 2024-01-02\n")
    (sources / "stray.xyz").write_text("?")
    return tmp_path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_text_table(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", str(folder)]) == 1  # scanned.pdf cannot be read
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "kind", "pages", "characters", "sha256", "title"]
    rows = {line.split()[0]: line.split() for line in lines[1:] if line and not line.startswith(" ")
            and line.split()[0] in {"article", "notes", "pandoc", "scanned", "weasyprint"}}
    weasy = folder / "sources" / "weasyprint.pdf"
    assert rows["weasyprint"][:3] == ["weasyprint", "pdf", "2"]
    assert rows["weasyprint"][4] == sha(weasy)[:12] and rows["weasyprint"][5:] == ["Committee", "report"]
    assert rows["notes"][:3] == ["notes", "text", "-"] and rows["notes"][5:] == ["Notes"]
    assert rows["scanned"][1:4] == ["pdf", "-", "-"]
    assert rows["scanned"][4] == sha(folder / "sources" / "scanned.pdf")[:12]  # hashed even unreadable
    text = "\n".join(lines)
    assert "    date 2024-01-02 · url https://example.org/c.pdf" in text
    assert "    author Me" in text
    assert "scanned.pdf:1:1: error: scanned: no text layer on any of its 1 page(s) (a scan?)" in text
    assert "stray.xyz: unknown kind of source; ignored" in text
    assert lines[-1] == f"5 sources in {folder / 'sources'}, 1 could not be read"


def test_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", str(folder), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False
    by_id = {s["id"]: s for s in document["sources"]}
    assert sorted(by_id) == ["article", "notes", "pandoc", "scanned", "weasyprint"]
    weasy = by_id["weasyprint"]
    assert weasy["kind"] == "pdf" and weasy["pages"] == 2 and weasy["readable"] is True
    assert weasy["sha256"] == sha(folder / "sources" / "weasyprint.pdf")
    assert weasy["meta"] == {"title": "Committee report", "publisher": None, "author": None,
                             "date": "2024-01-02", "url": "https://example.org/c.pdf", "accessed": None}
    assert weasy["characters"] > 500 and weasy["problems"] == []
    assert by_id["article"]["pages"] is None and by_id["article"]["kind"] == "html"
    scanned = by_id["scanned"]
    assert scanned["readable"] is False and scanned["characters"] is None
    assert [p["code"] for p in scanned["problems"]] == ["sources.no-text"]
    assert [d["code"] for d in document["diagnostics"]] == ["sources.unsupported"]


def test_all_readable_exits_0(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "sources" / "scanned.pdf").unlink()
    assert main(["sources", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("4 sources in ")


def test_no_sources_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # no empty table, no "0 sources"
    assert captured.err == (f"{tmp_path}/sources:1:1: error: sources folder not found: {tmp_path}/sources\n"
                            "    hint: create it, or point --sources at the folder holding the sources\n")
    assert main(["sources", str(tmp_path), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert json.loads(captured.out)["diagnostics"][0]["code"] == "sources.missing"
    assert "error: sources folder not found" in captured.err


def test_sources_option(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sources", "--sources", str(folder / "sources"), str(folder / "elsewhere")]) == 1
    assert "weasyprint" in capsys.readouterr().out
