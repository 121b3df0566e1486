"""Runs pandoc: the document's HTML page and its DOCX, from the templates (reads templates, runs pandoc).

Safety (issue 3, "Untrusted text cannot reach the machine"): the document reaches pandoc as a
JSON AST (`-f json`), so no reader extension such as `smart` or `raw_html` ever sees claim
text; pandoc runs with `--sandbox`. WeasyPrint lays out the PDF (`pdf`); `staging` writes the
files.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from briefing import pandoc
from briefing.pandoc import PandocError
from briefing.pandoc import pandoc_api_version as pandoc_api_version  # the build asks write for it
from briefing.render import furniture
from briefing.render.document import Document
from briefing.render.refdoc import with_furniture

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGE_TEMPLATE = "briefing.html.j2"
STYLESHEET = "briefing.css"
PRINT_FONTS = "fonts.css"
LUA_FILTER = "footnotes.lua"
REFERENCE_DOCX = "reference.docx"
NOTES_SCRIPT = "notes.js"


class RenderError(PandocError):
    """pandoc or WeasyPrint could not produce a file; the message says which and why."""


def run_pandoc(args: Sequence[str], stdin: bytes = b"") -> bytes:
    """`briefing.pandoc.run_pandoc`, its failure a RenderError (the build's one failure kind)."""
    try:
        return pandoc.run_pandoc(args, stdin)
    except RenderError:
        raise
    except PandocError as error:
        raise RenderError(str(error)) from error


@dataclass(frozen=True)
class Templates:
    """Template lookup: a file in the project's templates/ folder wins over the package's."""

    user_dir: Path | None = None
    package_dir: Path = PACKAGE_TEMPLATES

    @property
    def roots(self) -> tuple[Path, ...]:
        dirs = (self.user_dir, self.package_dir) if self.user_dir else (self.package_dir,)
        return tuple(d.resolve() for d in dirs if d is not None and d.is_dir())

    def path(self, name: str) -> Path:
        for root in self.roots:
            candidate = root / name
            if candidate.is_file():
                return candidate
        raise RenderError(f"template '{name}' not found in {', '.join(map(str, self.roots))}")

    def read_text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")



def _ast_bytes(document: Document) -> bytes:
    return json.dumps(document.ast, ensure_ascii=False).encode("utf-8")


def apply_citeproc(document: Document, style: Path) -> Document:
    """The document with its notes' references and its bibliography formatted by pandoc's
    citeproc in the CSL `style` (issue 16). The style is named on the command line, as the
    sandbox asks; the references are in the document's metadata, so nothing else is read."""
    from briefing.render.csl import close_references, link_passages

    out = run_pandoc(["-f", "json", "-t", "json", "--citeproc", "--csl", str(style)],
                     _ast_bytes(document))
    return dataclasses.replace(document, ast=link_passages(close_references(json.loads(out))))


def html_body(document: Document, templates: Templates, *, inline_notes: bool) -> str:
    """pandoc's HTML for the document body; with `inline_notes`, notes stay at their calls."""
    args = ["-f", "json", "-t", "html5", "--wrap=none"]
    if inline_notes:
        args += ["--lua-filter", str(templates.path(LUA_FILTER))]
    return run_pandoc(args, _ast_bytes(document)).decode("utf-8")


def render_page(document: Document, body: str, css: str, templates: Templates,
                version: str, *, logo_src: str = "", script: str = "") -> str:
    """The standalone HTML page: jinja2 skeleton (autoescaped) around pandoc's body, with the
    house furniture (issue 16); the logo as `logo_src` names it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(r) for r in templates.roots]),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    meta = document.ast["meta"]
    try:
        return env.get_template(PAGE_TEMPLATE).render(
            title=document.title, subtitle=_meta_text(meta, "subtitle"),
            author=_meta_text(meta, "author"), date=_meta_text(meta, "date"),
            draft=document.draft, body=body, css=css, version=version, script=script,
            **furniture.page_values(document.house, document.logo, document.ast["blocks"], logo_src=logo_src))
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"{error.filename or PAGE_TEMPLATE}:{error.lineno}: {error.message}") from error
    except jinja2.TemplateError as error:
        raise RenderError(f"{templates.path(PAGE_TEMPLATE)}: {error}") from error


def _meta_text(meta: dict[str, Any], key: str) -> str:
    words = meta.get(key, {}).get("c", [])
    return "".join(" " if node["t"] == "Space" else node.get("c", "") for node in words)


def render_html(document: Document, templates: Templates, version: str) -> bytes:
    """One self-contained page (issue 16): fonts and logo as data: URIs, notes.js inline."""
    body = html_body(document, templates, inline_notes=False)
    fonts = furniture.embed_fonts(templates.read_text(PRINT_FONTS), lambda name: templates.path(name).read_bytes())
    logo = document.logo
    logo_src = furniture.data_uri(logo.mime, logo.data) if logo is not None else ""
    return render_page(document, body, fonts + "\n" + templates.read_text(STYLESHEET), templates, version,
                       logo_src=logo_src, script=templates.read_text(NOTES_SCRIPT)).encode("utf-8")


def render_docx(document: Document, templates: Templates) -> bytes:
    reference = templates.path(REFERENCE_DOCX)
    house = document.house
    ast = dict(document.ast, blocks=furniture.docx_blocks(house, document.ast["blocks"]))
    with tempfile.TemporaryDirectory(prefix="briefing-") as scratch:
        if document.draft or house.furnished:
            stamped = Path(scratch) / "reference-house.docx"
            stamped.write_bytes(with_furniture(
                reference.read_bytes(), furniture.docx_furniture(house, document.logo, draft=document.draft)))
            reference = stamped
        docx = run_pandoc(["-f", "json", "-t", "docx", "--reference-doc", str(reference),
                           *furniture.docx_arguments(house), "-o", "-"],
                          json.dumps(ast, ensure_ascii=False).encode("utf-8"))
    return stamp_docx(docx, document.created) if document.created else docx


_CORE_DATE = re.compile(r"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def stamp_docx(docx: bytes, created: datetime) -> bytes:
    """Date the DOCX by the build's timestamp: its created/modified properties, and every
    member of the zip (pandoc copies members of the reference document with their own dates).

    pandoc's sandbox writes 1970-01-01 as the created date (it may not read the clock); the
    build's time, from SOURCE_DATE_EPOCH when set, is both true and reproducible.
    """
    stamp = w3c_date(created)
    utc = created.astimezone(UTC)
    zip_time = max((utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second),
                   (1980, 1, 1, 0, 0, 0))  # the earliest time a zip can hold
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = _CORE_DATE.sub(lambda m: f"{m.group(1)}{stamp}{m.group(3)}",
                                      data.decode("utf-8")).encode("utf-8")
            member = zipfile.ZipInfo(info.filename, zip_time)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            target.writestr(member, data)
    return out.getvalue()


def w3c_date(moment: datetime) -> str:
    """`2025-11-23T11:03:00Z`: the form DOCX core properties and WeasyPrint's metadata take."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
