"""The PDF is tagged (issue 16): a structure tree with headings and paragraphs, marked content
and the document's language, so screen readers and accessibility checkers can read it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from support import copy_example

from briefing.cli import main
from briefing.document.read import parse_markdown


def _roles(node: Any, found: Counter[str]) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        if "/S" in node:
            found[str(node["/S"])] += 1
        if "/K" in node:
            _roles(node["/K"], found)
    elif isinstance(node, list):
        for child in node:
            _roles(child, found)


def test_the_built_pdf_is_tagged_with_headings_paragraphs_and_its_language(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "p")
    assert main(["build", str(project), "--format", "pdf", "--no-cache", "-o", str(tmp_path / "b.pdf")]) == 0
    root = PdfReader(tmp_path / "b.pdf").trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "en"
    roles: Counter[str] = Counter()
    _roles(root["/StructTreeRoot"], roles)
    assert roles["/Document"] == 1
    # The title and the example's section headings; at least every paragraph of its prose.
    ast = parse_markdown((project / "briefing.md").read_text(encoding="utf-8"))
    headings = sum(1 for block in ast["blocks"] if block["t"] == "Header")
    paragraphs = sum(1 for block in ast["blocks"] if block["t"] == "Para")
    assert roles["/H1"] >= headings >= 7 and roles["/P"] >= paragraphs >= 15
