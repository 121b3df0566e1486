"""Lays out the HTML page as a PDF with WeasyPrint, fetching only template files (reads templates).

Safety (issue 3, "Untrusted text cannot reach the machine"): WeasyPrint gets a fetcher that
serves only files inside the templates folders, the logo's bytes at the one URL the page names
it by, and the prose document's own images (issue 16), and refuses every other URL (file:,
http:, data:, ...).

Accessibility (issue 16): every PDF is tagged; `pdf: standard` is WeasyPrint's PDF/UA-1 variant
(identified in its XMP metadata), `pdf: archival` its PDF/A-3b (an sRGB output intent, tagged too).
"""

from __future__ import annotations

import logging
import mimetypes
import re
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from briefing.render.attachments import Attachment, for_weasyprint
from briefing.render.document import Document
from briefing.render.furniture import PDF_LOGO_URL, PDF_VARIANTS
from briefing.render.write import PRINT_FONTS, STYLESHEET, RenderError, Templates, html_body, render_page, w3c_date


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


def preload() -> None:
    """Import WeasyPrint in a thread while the build does other work (issue 19: half a second
    or more, hidden behind the pandoc runs that come first, which wait on another process);
    `html_to_pdf` then finds it imported, or waits for the import to finish."""
    threading.Thread(target=_import_weasyprint, name="import weasyprint", daemon=True).start()


def template_fetcher(roots: Sequence[Path], refused: list[str],
                     served: Mapping[str, tuple[bytes, str]] | None = None) -> Any:
    """A WeasyPrint URL fetcher serving only template files, and `served` (URL -> bytes and
    content type: the logo and the prose document's own images, read and recognised by the
    build, issue 16); every refusal is recorded."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplateFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if served and url in served:
                data, mime = served[url]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
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


_LAYING_OUT = re.compile(r"Step 5 - Creating layout - Page (\d+)( \(up-to-date\))?")
_REPAGINATION = "Step 5 - Creating layout - Repagination"

# Told how many pages of how many a step has done; `total` is 0 while it is not known.
PageProgress = Callable[[str, int, int], None]


class _Progress(logging.Handler):
    """Turns WeasyPrint's progress log into short status texts ("laying out page 12"), and,
    for `pages`, into pages done of the total. WeasyPrint lays the pages out once without
    knowing how many there will be; when the document counts its pages ("page 3 of 70") it
    lays them out again, and then the total is known (issue 19: a bar on a terminal)."""

    def __init__(self, progress: Callable[[str], None], pages: PageProgress | None = None) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.pages = pages
        self.total = 0  # pages laid out by the first pass, once a second one starts
        self.seen = 0

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        page = _LAYING_OUT.fullmatch(message)
        try:
            if page:
                number = int(page.group(1))
                self.seen = max(self.seen, number)
                if self.pages is not None:
                    if self.total or not page.group(2):
                        self.pages("laying out", number, self.total)
                # A page WeasyPrint passes again unchanged ("Page 3 (up-to-date)") is not news.
                elif not page.group(2):
                    self.progress(f"laying out page {number}")
            elif message.startswith(_REPAGINATION):
                self.total = self.seen
            elif message.startswith("Step 6 "):
                self.progress("writing the PDF")
        except OSError:  # a status line that cannot be drawn must not stop the build
            pass


@contextmanager
def _progress_from(logger: logging.Logger, progress: Callable[[str], None] | None,
                   pages: PageProgress | None = None) -> Iterator[None]:
    """While the block runs, report WeasyPrint's progress (and only to `progress` and `pages`)."""
    if progress is None:
        yield
        return
    handler, level, propagate = _Progress(progress, pages), logger.level, logger.propagate
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
                progress: Callable[[str], None] | None = None, *, variant: str = PDF_VARIANTS["standard"],
                served: Mapping[str, tuple[bytes, str]] | None = None,
                attachments: Sequence[Attachment] = (), pages: PageProgress | None = None) -> PdfOutput:
    """Lay out the page with WeasyPrint; relative URLs resolve in the templates folder.

    `created` becomes the PDF's CreationDate and ModDate; without it the PDF has no dates,
    and identical input gives identical bytes (no /ID is written either). `progress` is told
    which page is being laid out (or `pages`, with the total once it is known). `variant` is
    WeasyPrint's pdf_variant (PDF/UA-1 or PDF/A-3b).
    `attachments` are embedded (issue 17 §3: the evidence; PDF/A-3 associated files).
    """
    weasyprint = _import_weasyprint()
    output = PdfOutput(b"")
    roots = templates.roots
    base = (templates.path(STYLESHEET).parent.as_uri()) + "/"
    logger = logging.getLogger("weasyprint")
    handler = _Collect(output.messages)
    logger.addHandler(handler)
    try:
        with _progress_from(logging.getLogger("weasyprint.progress"), progress, pages):
            page = weasyprint.HTML(string=html, base_url=base,
                                   url_fetcher=template_fetcher(roots, output.refused, served)).render()
            if created is not None:
                page.metadata.created = page.metadata.modified = w3c_date(created)
            output.data = page.write_pdf(pdf_tags=True, pdf_variant=variant,
                                         attachments=for_weasyprint(attachments, created))
    except Exception as error:  # WeasyPrint raises many kinds; the build reports one
        raise RenderError(f"WeasyPrint failed: {type(error).__name__}: {error}") from error
    finally:
        logger.removeHandler(handler)
    return output


def render_pdf(document: Document, templates: Templates, version: str,
               progress: Callable[[str], None] | None = None,
               attachments: Sequence[Attachment] = (), pages: PageProgress | None = None) -> PdfOutput:
    body = html_body(document, templates, inline_notes=True)
    css = templates.read_text(PRINT_FONTS) + "\n" + templates.read_text(STYLESHEET)
    logo = document.logo
    served = {image.uri: (image.data, image.media_type) for image in document.images}
    if logo is not None:
        served[PDF_LOGO_URL] = (logo.data, logo.mime)
    page = render_page(document, body, css, templates, version, logo_src=PDF_LOGO_URL if logo else "")
    return html_to_pdf(page, templates, document.created, progress,
                       variant=PDF_VARIANTS[document.house.pdf], served=served, attachments=attachments,
                       pages=pages)

