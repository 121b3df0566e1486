"""Reads `briefing.md` into pandoc's JSON AST (I/O: the file and the pandoc process).

The reader is pandoc's Markdown with the extensions that could make rendering read local
files or the network, or pass markup through unchecked, turned off: raw HTML, raw TeX and raw
attributes (issue 16; the claims' own text never reaches a Markdown reader at all, issue 3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.pandoc import run_pandoc

DOCUMENT_NAME = "briefing.md"
MARKDOWN_READER = "markdown-raw_html-raw_tex-raw_attribute-tex_math_dollars"


@dataclass(frozen=True)
class ProseDocument:
    path: Path
    text: str  # the file's text, for positions (line:col) of what the AST holds
    ast: dict[str, Any]  # pandoc's JSON AST: {"pandoc-api-version", "meta", "blocks"}


def parse_markdown(text: str) -> dict[str, Any]:
    """pandoc's AST of `text` (raises briefing.pandoc.PandocError when pandoc fails)."""
    ast: dict[str, Any] = json.loads(run_pandoc(["-f", MARKDOWN_READER, "-t", "json"],
                                                text.encode("utf-8")))
    return ast


def read_document(path: Path) -> ProseDocument:
    """The document at `path` (raises OSError, UnicodeDecodeError or PandocError)."""
    text = path.read_bytes().decode("utf-8")
    return ProseDocument(path, text, parse_markdown(text))
