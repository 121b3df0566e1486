"""Reads `briefing.md` into pandoc's JSON AST (I/O: the file and the pandoc process).

The reader is pandoc's Markdown with the extensions that could make rendering read local
files or the network, or pass markup through unchecked, turned off: raw HTML, raw TeX and raw
attributes (issue 16; the claims' own text never reaches a Markdown reader at all, issue 3).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.diagnostics import (
    DOCUMENT_INVISIBLE_CHAR,
    DOCUMENT_SYNTAX,
    DOCUMENT_UNREADABLE,
    Diagnostic,
    Location,
)
from briefing.document.meta import plain_metadata
from briefing.document.positions import line_col
from briefing.pandoc import PandocError, run_pandoc
from briefing.verify.diff import is_invisible

MARKDOWN_READER = "markdown-raw_html-raw_tex-raw_attribute-tex_math_dollars"
# pandoc's words for where the metadata block starts ("at (line 3, column 1)") and where, counted
# from the line of its opening `---` and from column 0, its YAML reader stopped.
_BLOCK_PLACE = re.compile(r"metadata at \(line (\d+), column (\d+)\)")
_YAML_PLACE = re.compile(r"exception at line (\d+), column (\d+)")


@dataclass(frozen=True)
class ProseDocument:
    path: Path
    text: str  # the file's text, for positions (line:col) of what the AST holds
    ast: dict[str, Any]  # pandoc's JSON AST: {"pandoc-api-version", "meta", "blocks"}

    @property
    def metadata(self) -> dict[str, Any]:
        """The YAML metadata as plain values (text, booleans, lists, dicts): the options that
        the renderer, the citation style and the house furniture read (issue 16)."""
        return plain_metadata(self.ast.get("meta", {}))


def parse_markdown(text: str) -> dict[str, Any]:
    """pandoc's AST of `text` (raises briefing.pandoc.PandocError when pandoc fails)."""
    ast: dict[str, Any] = json.loads(run_pandoc(["-f", MARKDOWN_READER, "-t", "json"],
                                                text.encode("utf-8")))
    return ast


def read_document(path: Path) -> ProseDocument:
    """The document at `path` (raises OSError, UnicodeDecodeError or PandocError)."""
    text = path.read_bytes().decode("utf-8")
    return ProseDocument(path, text, parse_markdown(text))


# Limits (issue 6's rule for hostile input: refused with a message, never a traceback). pandoc's
# JSON nests about 3 levels per Markdown level, so 400 is some 130 levels of lists or quotes;
# Python's JSON reader and the walks over the AST recurse once per level.
MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 400
MAX_REPORTED = 20  # invisible characters reported one by one
# What the reader sees must be what is checked (Trojan Source, as in claims.yaml): bidi controls
# reorder the text anywhere; an invisible character beside a digit splits or joins a figure
# ("6<ZWSP>13" shows 613 and would be checked as 6 and 13).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_NEAR_DIGIT = re.compile(r"(?<=\d)[^\w\s]|[^\w\s](?=\d)")


def load_document(path: Path, max_bytes: int = MAX_BYTES) -> tuple[ProseDocument | None, tuple[Diagnostic, ...]]:
    """The document at `path`, or why it cannot be read: a diagnostic at its line, never raised."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, (Diagnostic(DOCUMENT_UNREADABLE, f"{shown} is {size:,} bytes, over the limit of "
                                     f"{max_bytes:,}", Location(shown, 1), "split the briefing, or shorten it"),)
        data = path.read_bytes()
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        return None, (Diagnostic(DOCUMENT_UNREADABLE, f"cannot read {shown}: {reason}", Location(shown, 1),
                                 "check that the file exists and that you may read it"),)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, (Diagnostic(DOCUMENT_UNREADABLE, f"{shown} is not UTF-8 (byte {error.start + 1})",
                                 Location(shown, line), "save the file as UTF-8 text"),)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, (Diagnostic(DOCUMENT_UNREADABLE, f"{shown} holds a NUL byte: not text",
                                 Location(shown, line), "save the file as UTF-8 text"),)
    hidden = _invisible(text, shown)
    if hidden:
        return None, hidden
    try:
        ast = parse_markdown(text)
    except PandocError as error:
        return None, (_syntax(str(error), shown),)
    except RecursionError:
        ast = {}
    if not ast or _too_deep(ast):
        return None, (Diagnostic(DOCUMENT_SYNTAX, f"{shown} nests lists, quotes or notes more than a hundred deep",
                                 Location(shown, 1), "a briefing needs only a few levels"),)
    return ProseDocument(path, text, ast), ()


def _invisible(text: str, shown: str) -> tuple[Diagnostic, ...]:
    """A diagnostic at each bidi control, and each invisible character beside a digit."""
    found = [m.start() for m in _BIDI.finditer(text)]
    found += [m.start() for m in _NEAR_DIGIT.finditer(text) if is_invisible(m.group())]
    return tuple(Diagnostic(DOCUMENT_INVISIBLE_CHAR, f"{shown} holds {_named(text[at])}, which changes how the "
                            "text shows", Location(shown, *line_col(text, at)),
                            "delete it (an editor that shows invisible characters helps)")
                 for at in sorted(set(found))[:MAX_REPORTED])


def _named(c: str) -> str:
    return f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')}"


def _too_deep(ast: dict[str, Any]) -> bool:
    """Does the AST nest deeper than MAX_DEPTH (found without recursing)?"""
    stack: list[tuple[Any, int]] = [(ast, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values() if isinstance(child, (dict, list)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))
    return False


def _syntax(message: str, shown: str) -> Diagnostic:
    """pandoc's error as a diagnostic at the line it names (its YAML metadata, in practice)."""
    block, inner = _BLOCK_PLACE.search(message), _YAML_PLACE.search(message)
    line, col = (int(block.group(1)), int(block.group(2))) if block else (1, 1)
    if block and inner:
        line, col = line + int(inner.group(1)), int(inner.group(2)) + 1
    words = " ".join((message[inner.end():].lstrip(" ,:") if inner else message).split())
    return Diagnostic(DOCUMENT_SYNTAX, f"{shown}: the YAML metadata is not valid: {words}"
                      if inner else f"pandoc cannot read {shown}: {words}", Location(shown, line, col),
                      "check the YAML metadata block between the --- lines at the top (quote text with ': ' in it)")
