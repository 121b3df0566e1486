"""Runs pandoc and WeasyPrint and writes output files atomically (the render stage's I/O).

Safety (issue 3, "Untrusted text cannot reach the machine"): the document reaches pandoc as a
JSON AST (`-f json`), so no reader extension such as `smart` or `raw_html` ever sees claim
text; pandoc runs with `--sandbox`; WeasyPrint gets a fetcher that serves only files inside the
templates folders and refuses every other URL (file:, http:, data:, ...).

Nothing lost (issue 6): each output is written to a fresh temporary name beside its target
(unique per process and call, so two builds never share one), synced, and moved into place
with `os.replace`; SIGTERM and SIGHUP raise like SIGINT while a build runs, so its cleanup
removes what it staged, and no signal can interrupt the moves themselves.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import logging
import mimetypes
import os
import re
import secrets
import signal
import subprocess
import tempfile
import threading
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2

from briefing.files import in_place, write_in_place, write_target
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


@functools.cache
def _pandoc_path() -> str:
    """The pandoc in pypandoc-binary's wheel (issue 3); pypandoc's own search only without it.

    pypandoc's search runs `pandoc --version` for every pandoc on PATH and in ~/bin and keeps
    the newest, so a stray pandoc could render the briefing instead of the one this package
    was tested with; the bundled binary is the documented one (issue 6, determinism).
    """
    import pypandoc

    bundled = Path(pypandoc.__file__).resolve().parent / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
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
        docx = run_pandoc(["-f", "json", "-t", "docx", "--reference-doc", str(reference),
                           "-o", "-"], _ast_bytes(document))
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


_LAYING_OUT = re.compile(r"Step 5 - Creating layout - Page (\d+)")


class _Progress(logging.Handler):
    """Turns WeasyPrint's progress log into short status texts ("laying out page 12")."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # A page WeasyPrint passes again unchanged ("Page 3 (up-to-date)") is not news.
        page = _LAYING_OUT.fullmatch(message)
        try:
            if page:
                self.progress(f"laying out page {page.group(1)}")
            elif message.startswith("Step 6 "):
                self.progress("writing the PDF")
        except OSError:  # a status line that cannot be drawn must not stop the build
            pass


@contextmanager
def _progress_from(logger: logging.Logger, progress: Callable[[str], None] | None) -> Iterator[None]:
    """While the block runs, report WeasyPrint's progress (and only to `progress`)."""
    if progress is None:
        yield
        return
    handler, level, propagate = _Progress(progress), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


def html_to_pdf(html: str, templates: Templates, created: datetime | None = None,
                progress: Callable[[str], None] | None = None) -> PdfOutput:
    """Lay out the page with WeasyPrint; relative URLs resolve in the templates folder.

    `created` becomes the PDF's CreationDate and ModDate; without it the PDF has no dates,
    and identical input gives identical bytes (no /ID is written either). `progress` is told
    which page is being laid out.
    """
    weasyprint = _import_weasyprint()
    output = PdfOutput(b"")
    roots = templates.roots
    base = (templates.path(STYLESHEET).parent.as_uri()) + "/"
    logger = logging.getLogger("weasyprint")
    handler = _Collect(output.messages)
    logger.addHandler(handler)
    try:
        with _progress_from(logging.getLogger("weasyprint.progress"), progress):
            page = weasyprint.HTML(string=html, base_url=base,
                                   url_fetcher=template_fetcher(roots, output.refused)).render()
            if created is not None:
                page.metadata.created = page.metadata.modified = w3c_date(created)
            output.data = page.write_pdf()
    except Exception as error:  # WeasyPrint raises many kinds; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(error).__name__}: {error}") from error
    finally:
        logger.removeHandler(handler)
    return output


def render_pdf(document: Document, templates: Templates, version: str,
               progress: Callable[[str], None] | None = None) -> PdfOutput:
    body = html_body(document, templates, inline_notes=True)
    css = templates.read_text(PRINT_FONTS) + "\n" + templates.read_text(STYLESHEET)
    return html_to_pdf(render_page(document, body, css, templates, version), templates,
                       document.created, progress)


# --- atomic files ---------------------------------------------------------------

_CHUNK = 1024 * 1024


def temp_path(path: Path) -> Path:
    """A fresh hidden name beside `path`: same filesystem (so os.replace is atomic), and unique
    per process and call, so concurrent builds into one folder never write the same file.

    For a device or a FIFO, which `commit` writes in place, in the temporary folder instead:
    a device's folder (/dev) is no place for a file (issue 15 §6)."""
    folder = Path(tempfile.gettempdir()) if in_place(path) else write_target(path).parent
    return folder / f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"


def write_new(path: Path, data: bytes) -> None:
    """Create `path` (which must not exist) holding `data`, synced to disk; on any failure or
    interruption nothing is left at `path`.

    The caller knows the name before the file exists, so an interruption at any point can be
    cleaned up by name. os.write in a loop, so a short write is resumed, not lost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # 0o666 less the umask: the mode an ordinary output file gets.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view[:_CHUNK])
                if written <= 0:
                    raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as error:
        path.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)
        raise


def commit(staged: Path, path: Path) -> None:
    """Move the staged file over `path`; into a device or FIFO, copy it there (a rename would
    put a regular file in its place: as root, over /dev/null)."""
    if in_place(path):
        write_in_place(path, staged.read_bytes())
        staged.unlink()
        return
    os.replace(staged, write_target(path))  # through a link, the file it leads to: the link stays


def sync_folder(folder: Path) -> None:
    """Make the moves into `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the files themselves are synced
    finally:
        os.close(fd)


def discard(staged: Path) -> None:
    staged.unlink(missing_ok=True)


# --- signals --------------------------------------------------------------------

# Signals that end a build. SIGINT already raises KeyboardInterrupt; SIGTERM (kill, systemd,
# CI cancel) and SIGHUP (terminal closed) would end the process at once, leaving staged files.
_ENDING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name))


class Interrupts:
    """Turns ending signals into exceptions, once; `held()` defers them over a critical step."""

    def __init__(self) -> None:
        self._held = False
        self._pending: int | None = None
        self._raised = False

    def handler(self, signum: int, _frame: object) -> None:
        if self._raised:
            return  # a second signal during the cleanup must not cut the cleanup short
        if self._held:
            self._pending = signum
            return
        self._raise(signum)

    def _raise(self, signum: int) -> None:
        self._raised = True
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)  # the status a shell reports for a killed process

    @contextmanager
    def held(self) -> Iterator[None]:
        """A signal arriving in the block acts when the block has finished."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            if self._pending is not None and not self._raised:
                self._raise(self._pending)


@contextmanager
def interrupts_raise() -> Iterator[Interrupts]:
    """While the block runs, an ending signal raises (once) so `finally`/`except` clean up.

    SIGINT raises KeyboardInterrupt as usual; SIGTERM and SIGHUP raise SystemExit(128 + n).
    Handlers someone else installed are left alone; off the main thread (where Python cannot
    set handlers) this changes nothing.
    """
    interrupts = Interrupts()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _ENDING:
            if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
                previous[signum] = signal.signal(signum, interrupts.handler)
    try:
        yield interrupts
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
