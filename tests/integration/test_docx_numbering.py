"""DOCX footnotes are numbered through the whole document (issue 16: LibreOffice restarted them
at every heading, giving two note 7s on one page, because pandoc's default reference document
restarts them at each section)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from support import copy_example

from briefing.cli import main
from briefing.render import write


def _restarts(document_xml: str) -> list[str]:
    return re.findall(r'<w:numRestart w:val="([A-Za-z]+)"', document_xml)


def test_the_shipped_reference_document_numbers_footnotes_continuously() -> None:
    with zipfile.ZipFile(write.PACKAGE_TEMPLATES / "reference.docx") as docx:
        assert _restarts(docx.read("word/document.xml").decode()) == ["continuous"]


def test_a_built_docx_numbers_its_footnotes_through_every_heading(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "p")
    assert main(["build", str(project), "--format", "docx", "--no-cache", "-o", str(tmp_path / "b.docx")]) == 0
    with zipfile.ZipFile(io.BytesIO((tmp_path / "b.docx").read_bytes())) as docx:
        document = docx.read("word/document.xml").decode()
    assert "eachSect" not in document and "eachPage" not in document
    assert _restarts(document) == ["continuous"]
    assert document.count("<w:sectPr") == 1  # one section: nothing else could restart the notes
