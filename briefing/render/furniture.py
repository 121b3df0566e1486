"""The house furniture for each format (issue 16): contents, logo, marking, embedded fonts (pure).

The options come from `Briefing.house` (`briefing.house.parse_house`); the logo's bytes from
`briefing.house.load_logo`, read once by the build. Here they become the page template's values
(HTML and PDF), the DOCX header and footer (`refdoc.Furniture`) and the pandoc arguments.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from briefing.house import Logo
from briefing.models import House
from briefing.render.refdoc import Furniture

DEFAULT_LOGO_ALT = "Logo"
CONTENTS_TITLE = "Contents"
# The URL the PDF's page names the logo by; the locked fetcher serves the logo's bytes there
# and nothing else outside the templates (render/pdf.py).
PDF_LOGO_URL = "file:///briefing-house/logo"
# pdf: standard -> PDF/UA-1 (tagged, identified as such); archival -> PDF/A-3b, still tagged.
PDF_VARIANTS = {"standard": "pdf/ua-1", "archival": "pdf/a-3b"}


@dataclass(frozen=True)
class Entry:
    """One line of the contents: a heading's id, its text, its level (1 or 2)."""

    id: str
    text: str
    level: int


def stringify(inlines: Iterable[Any]) -> str:
    """The plain text of pandoc inlines (as pandoc's `stringify`, for the few kinds headings hold)."""
    parts: list[str] = []
    for node in inlines:
        kind = node.get("t")
        if kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Str", "Code", "Math"):
            value = node["c"]
            parts.append(value if isinstance(value, str) else str(value[-1]))
        elif kind == "Quoted":
            parts.append("\u201c" + stringify(node["c"][1]) + "\u201d")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps", "Superscript", "Subscript"):
            parts.append(stringify(node["c"]))
        elif kind in ("Span", "Link", "Image", "Cite"):  # [attr or citations, inlines, ...]
            parts.append(stringify(node["c"][1]))
    return "".join(parts)


def contents(blocks: Iterable[Any], *, deepest: int = 2) -> tuple[Entry, ...]:
    """The headings of the document (top level and inside Divs) with an id, in order."""
    found: list[Entry] = []
    for block in blocks:
        kind = block.get("t")
        if kind == "Header":
            level, (identifier, _, _), inlines = block["c"]
            if identifier and level <= deepest:
                found.append(Entry(identifier, stringify(inlines).strip(), level))
        elif kind == "Div" and "summary" not in block["c"][0][1]:
            found += contents(block["c"][1], deepest=deepest)
    return tuple(found)


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


_FONT_URL = re.compile(r"url\(\s*(['\"]?)([A-Za-z0-9._-]+\.(?:ttf|otf|woff2?))\1\s*\)")
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def embed_fonts(css: str, read: Callable[[str], bytes]) -> str:
    """`url(Name.ttf)` in a fonts stylesheet as a data: URI, so the HTML page needs no other
    file (issue 16: "one self-contained file"). `read` gets a template file's bytes by name."""
    def inline(match: re.Match[str]) -> str:
        name = match.group(2)
        return f'url("{data_uri(_FONT_TYPES[PurePosixPath(name).suffix.lower()], read(name))}")'
    return _FONT_URL.sub(inline, css)


def page_values(house: House, logo: Logo | None, blocks: Iterable[Any], *, logo_src: str) -> dict[str, Any]:
    """The page template's house values: marking, reference, logo (by `logo_src`), cover, contents."""
    return {
        "marking": house.marking,
        "reference": house.reference,
        "logo_src": logo_src if logo is not None else "",
        "logo_alt": house.logo_alt or DEFAULT_LOGO_ALT,
        "cover": house.cover,
        "contents": contents(blocks) if house.toc else (),
        "contents_title": CONTENTS_TITLE,
    }


def docx_furniture(house: House, logo: Logo | None, *, draft: bool) -> Furniture:
    """The DOCX header and footer: the same marking and reference; the logo on the first page."""
    return Furniture(
        marking=house.marking, reference=house.reference, draft=draft,
        logo=logo.data if logo is not None else b"",
        logo_suffix=".png" if logo is None or logo.mime == "image/png" else ".jpeg",
        logo_size=(logo.width, logo.height) if logo is not None else (1, 1),
        logo_alt=house.logo_alt or DEFAULT_LOGO_ALT, cover=house.cover and house.toc)


def docx_arguments(house: House) -> list[str]:
    """pandoc's own table of contents: a TOC field Word fills in (and updates) on opening."""
    return ["--toc", "--toc-depth=2", "-M", f"toc-title={CONTENTS_TITLE}"] if house.toc else []


PAGE_BREAK = {"t": "RawBlock", "c": ["openxml", '<w:p><w:r><w:br w:type="page" /></w:r></w:p>']}


def docx_blocks(house: House, blocks: list[Any]) -> list[Any]:
    """With a cover, the body starts on a new page (after the contents, when there is one)."""
    return [PAGE_BREAK, *blocks] if house.cover else blocks
