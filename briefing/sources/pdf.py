"""Reads `.pdf` sources with pypdf: the text of each page and where each page starts (pure, no I/O).

Text is kept as the PDF gives it: a line-end hyphen stays, followed by "\\n" ("man‐\\nagement",
"well-\\nknown"), since only the matcher can tell which reading a quote needs (issue 4), and
ligatures stay as their own characters for the matcher's folds. Pages are joined by
PAGE_BREAK; `Source.page_starts[i]` is the offset where page i + 1 begins. Text no reader sees
is left out, and raised note marks and exponents are set apart from the numbers before them
(issue 15 §5: `pdf_ink`, `scripts`).
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from briefing.diagnostics import (
    SOURCES_CORRUPT,
    SOURCES_ENCRYPTED,
    SOURCES_HIDDEN_TEXT,
    SOURCES_NO_TEXT,
    SOURCES_NO_TEXT_PAGES,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import Source, SourceMeta
from briefing.sources import scripts

if TYPE_CHECKING:
    from pypdf import PdfReader

SUFFIXES = frozenset({".pdf"})
KIND = "pdf"
# A form feed between blank lines: whitespace to the matcher, unmistakable to a person.
PAGE_BREAK = "\n\f\n"
MAX_LABEL = 16  # characters in a printed page label ("xviii", "A-12", "Annex 3")


def parse(data: bytes, path: str, source_id: str) -> tuple[Source | None, list[Diagnostic]]:
    """Extract text page by page; a PDF that cannot be read yields None and one error, never a raise."""
    # pypdf takes a tenth of a second to import: only a project with PDF sources pays for it.
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    where = Location(path, 1)
    if b"%PDF-" not in data[:1024]:
        return None, [_corrupt(source_id, where, "not a PDF file (no %PDF- header)")]
    with _quiet_pypdf():
        # pypdf raises many kinds of exception on damaged files (PdfReadError, ValueError,
        # KeyError, RecursionError...); every one of them means the same thing here.
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                return None, [_encrypted(source_id, where)]
            pages = [_page_text(page, reader) for page in reader.pages]
            title = _title(reader)
            labels = _labels(reader)
        except (DependencyError, FileNotDecryptedError) as error:
            return None, [_encrypted(source_id, where, str(error))]
        except Exception as error:  # noqa: BLE001 - see above
            return None, [_corrupt(source_id, where, _reason(error))]
    texts = [text for text, _, _ in pages]
    if not any(texts):
        return None, [Diagnostic(
            SOURCES_NO_TEXT,
            f"{source_id}: no text layer on any of its {len(pages)} page(s) (a scan?)",
            where, "run OCR on it (e.g. ocrmypdf) and save the result in its place")]
    diagnostics: list[Diagnostic] = []
    scanned = [str(n) for n, (text, has_images, _) in enumerate(pages, 1) if not text and has_images]
    if scanned:
        diagnostics.append(Diagnostic(
            SOURCES_NO_TEXT_PAGES,
            f"{source_id}: page(s) {', '.join(scanned)} have images but no text; "
            "quotes from them cannot be checked",
            where, "run OCR on it (e.g. ocrmypdf) and save the result in its place", Severity.WARNING))
    diagnostics += _hidden_text(source_id, where, [unseen for _, _, unseen in pages])
    starts: list[int] = []
    offset = 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + len(PAGE_BREAK)
    source = Source(source_id, path, KIND, PAGE_BREAK.join(texts), SourceMeta(title=title),
                    page_starts=tuple(starts), page_labels=labels)
    return source, diagnostics


def _page_text(page: Any, reader: PdfReader) -> tuple[str, bool, frozenset[str]]:
    """One page's text (stripped, "\\n" line ends), whether the page draws any images, and why
    text was left out of it (issue 15 §5: text no reader sees; see `pdf_ink`)."""
    try:
        unseen = _judge_ink(page, reader)
    except Exception:  # noqa: BLE001 - damaged drawing: read as pypdf reads it, and say so
        unseen = frozenset({"unjudged"})
    text = scripts.resolve(page.extract_text() or "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    resources = page.get("/Resources")
    has_images = bool(resources and "/XObject" in resources.get_object())
    return text, has_images, unseen


def _judge_ink(page: Any, reader: PdfReader) -> frozenset[str]:
    """Put the page's operations, with unseen text blanked and raised text marked, where
    pypdf's extraction reads them; returns why text was blanked."""
    from pypdf.generic import ContentStream, NameObject

    from briefing.sources import pdf_ink

    contents = page.get("/Contents")
    resources = page.get("/Resources")
    if contents is None or resources is None:
        return frozenset()
    box = page.cropbox
    ink = pdf_ink.Ink((float(box.left), float(box.bottom), float(box.right), float(box.top)), reader)
    stream = ContentStream(contents.get_object(), reader, "bytes")
    stream.operations = ink.rewrite(stream.operations, resources.get_object())
    page[NameObject("/Contents")] = stream
    return frozenset(ink.hidden)


def _hidden_text(source_id: str, where: Location, unseen: list[frozenset[str]]) -> list[Diagnostic]:
    from briefing.sources import pdf_ink

    found: list[Diagnostic] = []
    pages = [str(n) for n, reasons in enumerate(unseen, 1) if reasons - {"unjudged"}]
    if pages:
        reasons = ", ".join(pdf_ink.REASONS[r] for r in pdf_ink.REASONS if any(r in u for u in unseen))
        found.append(Diagnostic(
            SOURCES_HIDDEN_TEXT,
            f"{source_id}: text no reader can see ({reasons}) on page(s) {', '.join(pages)} was "
            "left out; quotes from it are not found", where,
            "quote what the page shows; open the PDF in a viewer to see what is there", Severity.WARNING))
    unjudged = [str(n) for n, reasons in enumerate(unseen, 1) if "unjudged" in reasons]
    if unjudged:
        found.append(Diagnostic(
            SOURCES_HIDDEN_TEXT,
            f"{source_id}: the drawing of page(s) {', '.join(unjudged)} could not be read to leave "
            "out text no reader sees; all their text is read", where,
            "check quotes from those pages against the PDF in a viewer", Severity.WARNING))
    return found


def _labels(reader: PdfReader) -> tuple[str, ...]:
    """The printed page labels ("iv", "12"), when the PDF defines them; () when it does not
    (pypdf then numbers the pages from 1, which is what the pages are called anyway)."""
    try:
        root = reader.trailer["/Root"]  # a DictionaryObject (a dict) unless the file is damaged
        if not isinstance(root, dict) or "/PageLabels" not in root:
            return ()
        labels = tuple(" ".join(str(label).split()) for label in reader.page_labels)
    except Exception:  # noqa: BLE001 - a damaged label tree costs the labels, not the text
        return ()
    # A label is printed in footnotes and reports: anything but a short visible string (an
    # empty, huge or control-laden one, say from a hostile file) means the pages are numbered.
    readable = all(0 < len(label) <= MAX_LABEL and label.isprintable() for label in labels)
    return labels if readable and len(labels) == len(reader.pages) else ()


def _title(reader: PdfReader) -> str:
    info = reader.metadata
    title = info.title if info is not None else None
    return " ".join(str(title).split()) if title else ""


def _encrypted(source_id: str, where: Location, detail: str = "") -> Diagnostic:
    needs_crypto = "cryptography" in detail or "AES" in detail
    return Diagnostic(
        SOURCES_ENCRYPTED,
        f"{source_id}: encrypted PDF"
        + ("; reading its AES encryption needs the 'cryptography' package" if needs_crypto
           else "; it needs a password to open"),
        where,
        "pip install cryptography" if needs_crypto
        else "save an unencrypted copy (open it with the password, then print to PDF)")


def _corrupt(source_id: str, where: Location, reason: str) -> Diagnostic:
    return Diagnostic(SOURCES_CORRUPT, f"{source_id}: cannot read this PDF: {reason}", where,
                      "download or export the file again")


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs and warns about every repair it makes; the run's output is our diagnostics."""
    logger = logging.getLogger("pypdf")
    propagate, level = logger.propagate, logger.level
    logger.propagate = False
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.propagate = propagate
        logger.setLevel(level)
