"""Pandoc AST pieces built from untrusted text: words as Str/Space, quotes, spans and links (pure)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from briefing.document.cites import ast_nodes
from briefing.models import Status

OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"

Node = dict[str, Any]
Inlines = list[Node]

# Only ASCII layout whitespace separates words; NBSP and friends stay inside a word, as typed.
_LAYOUT_SPACE = re.compile(r"[ \t\r\n]+")
_WEB_URL_BAD = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def text(value: str) -> Inlines:
    """Plain text as Str/Space nodes: never parsed, so markup characters stay characters."""
    nodes: Inlines = []
    for i, word in enumerate(_LAYOUT_SPACE.split(value.strip(" \t\r\n"))):
        if i:
            nodes.append({"t": "Space"})
        if word:
            nodes.append({"t": "Str", "c": word})
    return nodes


_OPENS_AFTER = " \t\r\n([{\u2014\u2013/-"
_DOUBLE = re.compile(r'"')
_SINGLE = re.compile(r"'")


def typographic(value: str) -> str:
    """The author's own prose with curly quotes and apostrophes; nothing else changes.

    Only for claim text, headings, title and summary: the author's words, which `check`
    reads for figures only, and quote marks are equal under its folds. Verified quotes
    and source metadata are never passed through this (they print as written).
    """
    def curl(match: re.Match[str], opening: str, closing: str) -> str:
        start = match.start()
        before = value[start - 1] if start else " "
        after = value[start + 1:start + 2]
        if closing == "\u2019" and after.isdigit():
            return closing  # elision: ’90s
        return opening if before in _OPENS_AFTER else closing

    value = _DOUBLE.sub(lambda m: curl(m, "\u201c", "\u201d"), value)
    return _SINGLE.sub(lambda m: curl(m, "\u2018", "\u2019"), value)


def attr(identifier: str = "", classes: Iterable[str] = ()) -> list[Any]:
    return [identifier, list(classes), []]


def span(inlines: Inlines, *classes: str) -> Node:
    return {"t": "Span", "c": [attr("", classes), inlines]}


def para(inlines: Inlines) -> Node:
    return {"t": "Para", "c": inlines}


def header(level: int, identifier: str, inlines: Inlines) -> Node:
    return {"t": "Header", "c": [level, attr(identifier), inlines]}


def div(blocks: list[Node], *classes: str) -> Node:
    return {"t": "Div", "c": [attr("", classes), blocks]}


def is_web_url(url: str) -> bool:
    """Only http(s) URLs become links; anything else (file:, javascript:, ...) stays text."""
    if not url or _WEB_URL_BAD.search(url):
        return False
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def url_inlines(url: str, target: str = "") -> Inlines:
    """The URL as written; as a link (to `target`, e.g. the passage, when given) if it is http(s)."""
    if is_web_url(url):
        href = target if target and is_web_url(target) else url
        return [{"t": "Link", "c": [attr("", ["url"]), [{"t": "Str", "c": url}], [href, ""]]}]
    return text(url)


def quoted(quote: str) -> Inlines:
    """The quote between typographic marks, its own characters untouched."""
    inner = text(quote)
    if not inner:
        return [{"t": "Str", "c": OPEN_QUOTE + CLOSE_QUOTE}]
    first, last = inner[0], inner[-1]
    inner[0] = {"t": "Str", "c": OPEN_QUOTE + first["c"]}
    if len(inner) == 1:
        inner[0] = {"t": "Str", "c": inner[0]["c"] + CLOSE_QUOTE}
    else:
        inner[-1] = {"t": "Str", "c": last["c"] + CLOSE_QUOTE}
    return inner


def status_label(status: Status | None) -> str:
    return "not checked" if status is None else status.value.replace("_", " ")


def unverified_mark(status: Status | None) -> Node:
    return span([{"t": "Strong", "c": text(f"[UNVERIFIED: {status_label(status)}]")}], "unverified")


def all_nodes(value: Any) -> list[Node]:
    """Every node of a pandoc AST value (a node, a list, the blocks), parents before children."""
    return list(ast_nodes(value))
