"""Runs pandoc and WeasyPrint and writes output files atomically (the render stage's I/O).

Safety (issue 3, "Untrusted text cannot reach the machine"): the document reaches pandoc as a
JSON AST (`-f json`), so no reader extension such as `smart` or `raw_html` ever sees claim
text; pandoc runs with `--sandbox`; WeasyPrint gets a fetcher that serves only files inside the
templates folders and refuses every other URL (file:, http:, data:, ...).
"""

from __future__ import annotations

import functools
import json
import logging
import mimetypes
import os
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2

from briefing.render.document import Document
from briefing.render.refdoc import with_draft_header

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
PAGE_TEMPLATE = "briefing.html.j2"
STYLESHEET = "briefing.css"
PRINT_FONTS = "fonts.css"
LUA_FILTER = "footnotes.lua"
REFERENCE_DOCX = "reference.docx"
PANDOC_TIMEOUT = 300


class RenderError(Exception):
    """pandoc or WeasyPrint could not produce a file; the message says which and why."""


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


# --- pandoc -------------------------------------------------------------------


def _pandoc_path() -> str:
    import pypandoc  # pypandoc-binary carries pandoc in its wheel (issue 3)

    return pypandoc.get_pandoc_path()


def run_pandoc(args: Sequence[str], stdin: bytes = b"") -> bytes:
    """pandoc in its sandbox: readers and writers may read only files named on the command line."""
    command = [_pandoc_path(), "--sandbox", *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=PANDOC_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RenderError(f"pandoc could not run: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"pandoc failed (exit {done.returncode}): {message}")
    return done.stdout


@functools.cache
def pandoc_api_version() -> tuple[int, ...]:
    """The pandoc-types version this pandoc's JSON reader expects."""
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"]))
    return tuple(ast["pandoc-api-version"])


def _ast_bytes(document: Document) -> bytes:
    return json.dumps(document.ast, ensure_ascii=False).encode("utf-8")


def html_body(document: Document, templates: Templates, *, inline_notes: bool) -> str:
    """pandoc's HTML for the document body; with `inline_notes`, notes stay at their calls."""
    args = ["-f", "json", "-t", "html5", "--wrap=none"]
    if inline_notes:
        args += ["--lua-filter", str(templates.path(LUA_FILTER))]
    return run_pandoc(args, _ast_bytes(document)).decode("utf-8")


def render_page(document: Document, body: str, css: str, templates: Templates,
                version: str) -> str:
    """The standalone HTML page: jinja2 skeleton (autoescaped) around pandoc's body."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(r) for r in templates.roots]),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    meta = document.ast["meta"]
    try:
        return env.get_template(PAGE_TEMPLATE).render(
            title=document.title, subtitle=_meta_text(meta, "subtitle"),
            author=_meta_text(meta, "author"), date=_meta_text(meta, "date"),
            draft=document.draft, body=body, css=css, version=version)
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"{error.filename or PAGE_TEMPLATE}:{error.lineno}: {error.message}") from error
    except jinja2.TemplateError as error:
        raise RenderError(f"{templates.path(PAGE_TEMPLATE)}: {error}") from error


def _meta_text(meta: dict[str, Any], key: str) -> str:
    words = meta.get(key, {}).get("c", [])
    return "".join(" " if node["t"] == "Space" else node.get("c", "") for node in words)


def render_html(document: Document, templates: Templates, version: str) -> bytes:
    body = html_body(document, templates, inline_notes=False)
    return render_page(document, body, templates.read_text(STYLESHEET), templates,
                       version).encode("utf-8")


def render_docx(document: Document, templates: Templates) -> bytes:
    reference = templates.path(REFERENCE_DOCX)
    with tempfile.TemporaryDirectory(prefix="briefing-") as scratch:
        if document.draft:
            stamped = Path(scratch) / "reference-draft.docx"
            stamped.write_bytes(with_draft_header(reference.read_bytes()))
            reference = stamped
        return run_pandoc(["-f", "json", "-t", "docx", "--reference-doc", str(reference),
                           "-o", "-"], _ast_bytes(document))


# --- WeasyPrint -----------------------------------------------------------------


def allowed_file(url: str, roots: Sequence[Path]) -> Path | None:
    """The template file a URL names, or None: only `file:` URLs inside the template roots.

    A name missing from the user's folder is looked up in the package's, as templates are.
    Paths are resolved first, so `..` and symlinks cannot lead outside.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(url2pathname(parts.path)).resolve()
    for root in roots:
        if path.is_relative_to(root):
            relative = path.relative_to(root)
            for candidate_root in roots:
                candidate = (candidate_root / relative).resolve()
                if candidate.is_relative_to(candidate_root) and candidate.is_file():
                    return candidate
    return None


def _import_weasyprint() -> Any:
    # Imported here, not at the top: it costs about a second and only PDF needs it.
    with warnings.catch_warnings():
        # Without Debian's libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools and
        # warns that a future version will need the library; the PDF is the same. The
        # set-up installs the library where it can (issue 3).
        warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint


def template_fetcher(roots: Sequence[Path], refused: list[str]) -> Any:
    """A WeasyPrint URL fetcher serving only template files; every refusal is recorded."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = allowed_file(url, roots)
            if path is None:
                refused.append(url)
                raise ValueError(f"briefing refuses to fetch {url!r}: not a template file")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": content_type})

    return TemplateFetcher(allowed_protocols=("file",))


@dataclass
class PdfOutput:
    data: bytes
    refused: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def html_to_pdf(html: str, templates: Templates) -> PdfOutput:
    """Lay out the page with WeasyPrint; relative URLs resolve in the templates folder."""
    weasyprint = _import_weasyprint()
    output = PdfOutput(b"")
    roots = templates.roots
    base = (templates.path(STYLESHEET).parent.as_uri()) + "/"
    logger = logging.getLogger("weasyprint")
    handler = _Collect(output.messages)
    logger.addHandler(handler)
    try:
        page = weasyprint.HTML(string=html, base_url=base,
                               url_fetcher=template_fetcher(roots, output.refused))
        output.data = page.write_pdf()
    except Exception as error:  # WeasyPrint raises many kinds; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(error).__name__}: {error}") from error
    finally:
        logger.removeHandler(handler)
    return output


def render_pdf(document: Document, templates: Templates, version: str) -> PdfOutput:
    body = html_body(document, templates, inline_notes=True)
    css = templates.read_text(PRINT_FONTS) + "\n" + templates.read_text(STYLESHEET)
    return html_to_pdf(render_page(document, body, css, templates, version), templates)


# --- atomic files ---------------------------------------------------------------


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `path` (same filesystem, so replace is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); an output file gets the usual umask mode.
        os.chmod(name, 0o666 & ~_umask())
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def commit(staged: Path, path: Path) -> None:
    os.replace(staged, path)


def discard(staged: Path) -> None:
    staged.unlink(missing_ok=True)

