"""Reads a built PDF, DOCX or HTML back and proves it prints what was verified (pure: bytes in).

Issue 3, "Print what was verified, and prove it": every footnote present, each on the page of
its call (a note that slipped to the next page is a warning, a missing one an error), and every
printed quote equal to its verified quote under the checker's folds. The same pass also looks
for anything a claim could have smuggled in: embedded files, images, scripts, non-web links.
Findings are Diagnostics, never exceptions.
"""

from __future__ import annotations

import base64
import collections
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

from briefing.diagnostics import (
    BUILD_CAUTION_MISSING,
    BUILD_DRAFT_STAMP_MISSING,
    BUILD_FOOTNOTE_EXTRA,
    BUILD_FOOTNOTE_MISSING,
    BUILD_FOOTNOTE_MOVED,
    BUILD_MARKING_MISSING,
    BUILD_QUOTE_ALTERED,
    BUILD_UNREADABLE,
    BUILD_UNSAFE_CONTENT,
    Diagnostic,
    Location,
    Severity,
)
from briefing.house import Logo
from briefing.render import pdfcontent
from briefing.render.attachments import Attachment, check_attached, read_attachments
from briefing.render.document import CAUTION, DocImage, NoteRecord
from briefing.render.inlines import CLOSE_QUOTE, OPEN_QUOTE, is_web_url
from briefing.text import fold

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DRAFT_MARK = "DRAFT"

# Where a PDF line may break without a space: after (or before) a dash or a slash. The
# extracted text then has a line break there that the quote does not.
_BREAKABLE = "-/"


def _note_location(note: NoteRecord, claims_path: str) -> Location:
    return Location(claims_path, note.citation.line, note.citation.col)


def _describe(note: NoteRecord) -> str:
    return f"footnote {note.number} (claim '{note.claim_id}', source '{note.citation.source}')"


def quote_pattern(quote: str) -> re.Pattern[str]:
    """The folded quote in its marks, tolerant only of line breaks the layout may add."""
    return _layout_pattern(OPEN_QUOTE + quote.strip() + CLOSE_QUOTE)


def _layout_pattern(printed: str) -> re.Pattern[str]:
    folded = fold(printed)
    parts: list[str] = []
    for char in folded:
        if char == " ":
            parts.append(r"\s+")
        elif char in _BREAKABLE:
            parts.append(r"\s?" + re.escape(char) + r"\s?")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts))


def quote_printed(text: str, note: NoteRecord) -> bool:
    return _quote_in(fold(text), note)


def _quote_in(folded: str, note: NoteRecord) -> bool:
    """Is the note's quote in `folded` (printed text, folded)?"""
    return quote_pattern(note.citation.quote).search(folded) is not None


def _caution_in(folded: str, note: NoteRecord) -> bool:
    """Does the note say what the quote's edits and elisions may turn (issue 15 §4)?"""
    if not note.caution:
        return True
    return _layout_pattern(f"{CAUTION} {note.caution.strip()}").search(folded) is not None


def _note_findings(folded: str, note: NoteRecord, output: str, claims_path: str) -> list[Diagnostic]:
    """The printed note's quote, and its caution, as the check verified them, in the printed
    text folded once (issue 18)."""
    found: list[Diagnostic] = []
    if not _quote_in(folded, note):
        found.append(_altered(note, output, claims_path))
    if not _caution_in(folded, note):
        found.append(_error(BUILD_CAUTION_MISSING, f"{output}: {_describe(note)} does not say what the "
                            "author inserted or omitted", _note_location(note, claims_path),
                            "the note must print its caution line as the check gave it; a template or "
                            "filter is dropping it"))
    return found


def _expected(notes: Sequence[NoteRecord], footnotes: int | None) -> int:
    """How many footnotes the document has: `footnotes` when the builder counted them (a prose
    document's own notes count too), else one per distinct note number."""
    return footnotes if footnotes is not None else len({note.number for note in notes})


def _error(code: str, message: str, location: Location | None = None, hint: str = "") -> Diagnostic:
    return Diagnostic(code, message, location, hint, Severity.ERROR)


def _altered(note: NoteRecord, output: str, claims_path: str) -> Diagnostic:
    return _error(BUILD_QUOTE_ALTERED,
                  f"{output}: {_describe(note)} does not print its quote as verified",
                  _note_location(note, claims_path),
                  "the quote must reach the page character for character (under the checker's "
                  "folds); a template or filter is rewriting it")


def _missing(note: NoteRecord, output: str, claims_path: str) -> Diagnostic:
    return _error(BUILD_FOOTNOTE_MISSING, f"{output}: {_describe(note)} is missing",
                  _note_location(note, claims_path))


# --- PDF ------------------------------------------------------------------------


def check_pdf(data: bytes, notes: Sequence[NoteRecord], *, draft: bool, output: str,
              claims_path: str, attachments: Sequence[Attachment] = (), logo: Logo | None = None,
              marking: str = "", footnotes: int | None = None,
              images: Sequence[DocImage] | None = (),
              progress: Callable[[int, int], None] | None = None,
              beside: Callable[[Callable[[], Any], Callable[[], Any]], tuple[Any, Any]] | None = None,
              ) -> list[Diagnostic]:
    """`attachments` are the files the PDF must embed (its evidence, issue 17 §3), and the
    only ones it may; `logo` and the prose document's `images` the only images it may draw
    (issue 16; `images=None`: images are not looked at, as by the audit, which has neither),
    `marking` what every page must show; `footnotes` the number of notes when the
    author's document holds notes of its own, or several quotes share one. `progress` is told
    after each page is read (pages read, pages in all); `beside(job, other)`, when given, runs
    `job` in another process while `other` runs here (the engine's `run_beside`): half the
    pages are then read there."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        named = reader.named_destinations
        destinations = {str(name): reader.get_destination_page_number(dest) for name, dest in named.items()}
        embedded = read_attachments(reader)
        tops = {str(name): float(dest.top) for name, dest in named.items()
                if str(name).startswith("fn-") and dest.top is not None}
        numbers = collections.Counter(note.number for note in notes)
        shared = sorted(n for n, count in numbers.items() if count > 1)
        # Issue 19: each page's text is extracted once; a page holding a note of several
        # quotes keeps the baseline of each run of it from that one pass.
        placed = {destinations.get(f"fn-{n}") for n in shared}
        read = _read_pages(reader, placed, progress, beside)
        pages = [text for text, _, _, _ in read]
        regions = {n: _note_region([runs for _, _, _, runs in read], destinations, tops, n) for n in shared}
    except Exception as error:  # pypdf raises many kinds on a damaged file
        return [_error(BUILD_UNREADABLE, f"{output}: cannot read the PDF back: {error}")]
    findings = _pdf_notes(pages, destinations, notes, output, claims_path, regions)
    extra = sum(1 for name in destinations if name.startswith("fn-")) - _expected(notes, footnotes)
    if extra > 0:
        findings.append(_error(BUILD_FOOTNOTE_EXTRA,
                               f"{output}: {extra} more footnotes than citations"))
    if draft:
        unstamped = [i + 1 for i, text in enumerate(pages) if DRAFT_MARK not in text]
        if unstamped:
            findings.append(_error(BUILD_DRAFT_STAMP_MISSING,
                                   f"{output}: page(s) {_pages(unstamped)} lack the DRAFT stamp"))
    findings += check_attached(embedded, attachments, output)
    if marking:
        # Issue 16: the marking in every page's header and footer (twice on each page).
        pattern = _layout_pattern(marking)
        unmarked = [i + 1 for i, text in enumerate(pages) if len(pattern.findall(fold(text))) < 2]
        if unmarked:
            findings.append(_error(BUILD_MARKING_MISSING, f"{output}: page(s) {_pages(unmarked)} lack the "
                                   f"marking {marking!r} in the header and footer",
                                   hint="keep `string(marking)` in the @top-center and @bottom-center "
                                   "page boxes of briefing.css"))
    findings += _pdf_smuggled(reader, [(inline, drawn) for _, inline, drawn, _ in read], output, logo, images)
    return findings


def join_folded(first: str, second: str) -> str:
    """`fold(a + " " + b)` from `fold(a)` and `fold(b)`: the space between them, and any that
    ends one or starts the other, fold to one space (a space composes with nothing, so no
    other fold reaches across it)."""
    return first.removesuffix(" ") + " " + second.removeprefix(" ")


def _note_region(runs: Sequence[Sequence[tuple[str, float | None]] | None],
                 destinations: Mapping[str, int | None], tops: Mapping[str, float],
                 number: int) -> tuple[str, bool] | None:
    """The text of footnote `number` on its page, folded: from the top of the note down to the
    top of the next note on that page (issue 16: a note holding several quotes must hold each
    of them, not merely share a page with it); and whether it is the page's last note (it may
    run on to the next page). None when its place is unknown. `runs` are each page's text runs
    with their baselines, as `_read_page` kept them."""
    name = f"fn-{number}"
    index, top = destinations.get(name), tops.get(name)
    if index is None or top is None or runs[index] is None:
        return None
    below = [tops[other] for other, page in destinations.items()
             if other in tops and page == index and tops[other] < top]
    bottom = max(below, default=float("-inf"))
    parts: list[str] = []
    for text, baseline in runs[index] or ():
        if baseline is None:
            parts.append(" ")  # the separators pypdf emits between runs carry no position
        elif bottom < baseline <= top:
            parts.append(text)
    return fold("".join(parts)), not below


def _pdf_notes(pages: Sequence[str], destinations: Mapping[str, int | None], notes: Sequence[NoteRecord], output: str,
               claims_path: str,
               regions: Mapping[int, tuple[str, bool] | None] | None = None) -> list[Diagnostic]:
    """Each note found on its page (or the next), its quote and caution as verified, its call
    on the same page. Each page is folded once, however many notes it holds (issue 18).
    A note holding several quotes (`regions`) is read in its own part of the page."""
    folded: dict[int, str] = {}

    def page(number: int) -> str:
        if number not in folded:
            folded[number] = fold(pages[number])
        return folded[number]

    findings: list[Diagnostic] = []
    moved: set[int] = set()  # a note of several quotes moves once: one warning, not one a quote
    for note in notes:
        note_page = destinations.get(f"fn-{note.number}")
        call_page = destinations.get(f"fnref-{note.number}")
        if note_page is None:
            findings.append(_missing(note, output, claims_path))
            continue
        after = page(note_page + 1) if note_page + 1 < len(pages) else ""
        region = (regions or {}).get(note.number)
        if region is not None:
            own, last = region
            findings += _note_findings(join_folded(own, after) if last else own, note, output, claims_path)
        else:
            findings += _note_findings(join_folded(page(note_page), after), note, output, claims_path)
        if call_page is not None and call_page != note_page and note.number not in moved:
            moved.add(note.number)
            findings.append(Diagnostic(
                BUILD_FOOTNOTE_MOVED,
                f"{output}: {_describe(note)} is on page {note_page + 1}, its call on page "
                f"{call_page + 1}", _note_location(note, claims_path),
                "a very long note or many notes on one page; shorten the quote or split the claim",
                Severity.WARNING))
    return findings


def _pages(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (", ..." if len(numbers) > 10 else "")


# Fewer pages than this are read back in one process: a second one would save too little.
SPLIT_PAGES = 8

_Read = tuple[str, bool, frozenset[str], list[tuple[str, float | None]] | None]


def _read_pages(reader: Any, placed: set[int | None], progress: Callable[[int, int], None] | None,
                beside: Callable[[Callable[[], Any], Callable[[], Any]], tuple[Any, Any]] | None = None,
                ) -> list[_Read]:
    """Every page read by `_read_page` (with its runs' baselines on the pages in `placed`).

    With `beside`, the later half is read in another process while this one reads the first
    (issue 19: the pages are independent, and each half takes as long); a half that process
    could not read is read here, so the answer never depends on where it was read."""
    total = len(reader.pages)
    tell = progress or (lambda done, total: None)
    if beside is None or total < SPLIT_PAGES:
        read = []
        for index, page in enumerate(reader.pages):
            read.append(_read_page(page, index in placed))
            tell(index + 1, total)
        return read
    half = (total + 1) // 2

    def later() -> list[_Read]:
        return [_read_page(reader.pages[index], index in placed) for index in range(half, total)]

    def earlier() -> list[_Read]:
        read = []
        for index in range(half):
            read.append(_read_page(reader.pages[index], index in placed))
            tell(min(2 * (index + 1), total - 1), total)  # (the other half goes at the same pace)
        return read

    theirs, ours = beside(later, earlier)
    tell(total, total)
    return [*ours, *theirs]


def _read_page(page: Any, positioned: bool = False) -> tuple[str, bool, frozenset[str],
                                                              list[tuple[str, float | None]] | None]:
    """The page's text, whether its content draws an inline image, the XObjects it draws
    (`Do`), and, when `positioned`, each run of its text with its baseline (None for the
    blank separators pypdf emits between runs), from one parse of its content stream and one
    text extraction (issue 19: pypdf's `page.images` parsed every page a second time, and a
    page with a note of several quotes had its text extracted again for each such note).

    The page is given its content as a parsed-on-demand ContentStream, built as pypdf's text
    extraction builds it ("bytes"); extraction takes a ContentStream as it is, so the operators
    it parses are the ones looked through for images afterwards."""
    from pypdf.generic import ArrayObject, ContentStream, NameObject, StreamObject

    raw = page.get("/Contents")
    contents = raw.get_object() if raw is not None else None
    content = None
    if isinstance(contents, (ArrayObject, StreamObject)):
        content = ContentStream(contents, page.pdf, "bytes")
        parsed = pdfcontent.operations(content.get_data())
        if parsed is not None:
            # Read as pypdf would read it, only faster (issue 19); set where pypdf keeps what it
            # parsed, so extraction takes it as it is and the stream's bytes stay as they were.
            content._operations = parsed
        page[NameObject("/Contents")] = content
    runs: list[tuple[str, float | None]] | None = [] if positioned else None

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        # The baseline where the run is drawn, taken now: pypdf goes on to change the matrices.
        baseline = tm[4] * cm[1] + tm[5] * cm[3] + cm[5] if text.strip() else None
        runs.append((text, baseline))  # type: ignore[union-attr]

    text = page.extract_text(visitor_text=visit if positioned else None) or ""
    # Parsed already when the page has text; parsed here (once) when it has none.
    inline, drawn = False, set()
    for operands, operator in content.operations if content is not None else ():
        if operator == b"INLINE IMAGE":
            inline = True
        elif operator == b"Do" and operands:
            drawn.add(str(operands[0]))
    return text, inline, frozenset(drawn), runs


def _named_images(xobject: Any, seen: list[Any], drawn: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """The size (width, height) of each image XObject the /Resources of a page (or form) name,
    directly or inside a form they name; on the page, only those its content draws (`drawn`:
    WeasyPrint names every image of the document in each page's resources). Found as pypdf's
    `page.images` finds them, with no content stream parsed again (a form's images all count)."""
    from pypdf.generic import DictionaryObject, NullObject, StreamObject

    reference = getattr(xobject, "indirect_reference", None)
    if reference in seen:  # a form that names itself, or one seen already
        return []
    seen.append(reference)
    resources = xobject.get("/Resources", NullObject()).get_object()
    if not isinstance(resources, DictionaryObject) or "/XObject" not in resources:
        return []
    named = resources["/XObject"].get_object()
    if not isinstance(named, DictionaryObject):
        return []
    found: list[tuple[int, int]] = []
    for entry in (named[name].get_object() for name in named if drawn is None or str(name) in drawn):
        if not isinstance(entry, StreamObject):
            continue
        if entry.get("/Subtype", "") == "/Image":
            found.append((int(entry.get("/Width", 0)), int(entry.get("/Height", 0))))
        else:
            found += _named_images(entry, seen)
    return found


LOGO_PAGE = 1  # the title block, or the cover, holds the logo (issue 16)
_IMAGE_HINT = ("only the logo the `logo:` option names (once, on page 1) and the images briefing.md shows may "
               "appear; claims, quotes and "
               "sources cannot add images, and a template that adds one is refused")


def _foreign_images(page: Any, drawing: tuple[bool, frozenset[str]], number: int, logo: Logo | None,
                    allowed: frozenset[tuple[int, int]]) -> bool:
    """Does the page draw an image other than the logo (page 1, once) and the document's own?"""
    inline, drawn = drawing
    images = _named_images(page, [], drawn)
    if logo is not None and number == LOGO_PAGE and (logo.width, logo.height) in images:
        images.remove((logo.width, logo.height))
    return inline or any(size not in allowed for size in images)


def _pdf_smuggled(reader: Any, drawing: Sequence[tuple[bool, frozenset[str]]], output: str,
                  logo: Logo | None = None, own: Sequence[DocImage] | None = ()) -> list[Diagnostic]:
    """Images, and links that are not http(s): none may be in a briefing, but the logo, once,
    where the title block places it, and the prose document's `own` images (issue 16), each
    known by its size in pixels (embedded files: `attachments.check_attached`).
    An image is one the page's content draws, named in its resources or inline; both were
    found when its text was read."""
    findings: list[Diagnostic] = []
    allowed = frozenset((image.width, image.height) for image in own or ())
    for number, page in enumerate(reader.pages, 1):
        if own is not None and _foreign_images(page, drawing[number - 1], number, logo, allowed):
            findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: page {number} has an image",
                                   hint=_IMAGE_HINT))
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            subtype = annotation.get("/Subtype")
            action = annotation.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if subtype == "/FileAttachment":
                findings.append(_error(BUILD_UNSAFE_CONTENT,
                                       f"{output}: page {number} has a file attachment"))
            elif uri is not None and not is_web_url(str(uri)):
                findings.append(_error(BUILD_UNSAFE_CONTENT,
                                       f"{output}: page {number} links to {str(uri)!r}"))
    return findings


# --- DOCX -----------------------------------------------------------------------


def _docx_text(element: ElementTree.Element) -> str:
    parts: list[str] = []
    for node in element.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
            parts.append(" ")
    return "".join(parts)


def check_docx(data: bytes, notes: Sequence[NoteRecord], *, draft: bool, output: str,
               claims_path: str, logo: Logo | None = None, marking: str = "",
               footnotes: int | None = None, images: Sequence[DocImage] = ()) -> list[Diagnostic]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            names = docx.namelist()
            document = ElementTree.fromstring(docx.read("word/document.xml"))
            footnotes_xml = docx.read("word/footnotes.xml") if "word/footnotes.xml" in names else b""
            headers = [docx.read(n).decode("utf-8", "replace") for n in names
                       if n.startswith("word/header")]
            footers = [docx.read(n).decode("utf-8", "replace") for n in names
                       if n.startswith("word/footer")]
            # The prose document's own images are embedded as they are (issue 16).
            own = {image.data for image in images}
            media = {n: docx.read(n) for n in names
                     if (n.startswith("word/media/") and docx.read(n) not in own) or n.startswith("word/embeddings/")}
            # Links live in the relationships of each part (document, footnotes, ...).
            rels = " ".join(docx.read(n).decode("utf-8", "replace") for n in names
                            if n.endswith(".rels"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as error:
        return [_error(BUILD_UNREADABLE, f"{output}: cannot read the DOCX back: {error}")]
    bodies: dict[str, str] = {}
    if footnotes_xml:
        for footnote in ElementTree.fromstring(footnotes_xml).iter(f"{W}footnote"):
            if footnote.get(f"{W}type") in (None, "normal"):
                bodies[footnote.get(f"{W}id", "")] = _docx_text(footnote)
    calls = [ref.get(f"{W}id", "") for ref in document.iter(f"{W}footnoteReference")]
    findings: list[Diagnostic] = []
    for note in notes:  # a note holding several quotes is read for each (issue 16)
        body = bodies.get(calls[note.number - 1]) if note.number <= len(calls) else None
        if body is None:
            findings.append(_missing(note, output, claims_path))
        else:
            findings += _note_findings(fold(body), note, output, claims_path)
    expected = _expected(notes, footnotes)
    if len(calls) > expected:
        findings.append(_error(BUILD_FOOTNOTE_EXTRA,
                               f"{output}: {len(calls) - expected} more footnotes than citations"))
    if draft and not any(DRAFT_MARK in header for header in headers):
        findings.append(_error(BUILD_DRAFT_STAMP_MISSING, f"{output}: no DRAFT page header"))
    if marking and not (any(_has_text(marking, part) for part in headers)
                        and any(_has_text(marking, part) for part in footers)):
        findings.append(_error(BUILD_MARKING_MISSING, f"{output}: the marking {marking!r} is not in "
                               "the page header and footer"))
    # Only the logo's own bytes, once (issue 16): pandoc copies it from the reference's header.
    extra = sorted(n for n, blob in media.items() if logo is None or blob != logo.data)
    if len(media) - len(extra) > 1:
        extra.append(sorted(n for n in media if n not in extra)[1])
    if extra:
        findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: embeds {extra}", hint=_IMAGE_HINT))
    for target in re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels):
        if not is_web_url(target.replace("&amp;", "&")):
            findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: links to {target!r}"))
    return findings


def _has_text(text: str, part_xml: str) -> bool:
    """Is `text` printed in this header or footer part (its runs' text joined)?"""
    try:
        root = ElementTree.fromstring(part_xml)
    except ElementTree.ParseError:
        return False
    return fold(text) in fold(_docx_text(root))


# --- HTML -----------------------------------------------------------------------

# Elements that load or run something; none may appear in the body of a briefing.
_ACTIVE = frozenset({"img", "script", "style", "link", "iframe", "object", "embed", "svg",
                     "video", "audio", "source", "form", "input", "meta", "base", "picture"})


class _Reader(HTMLParser):
    def __init__(self, images: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.own_images = images  # the data: URIs of the prose document's own images (issue 16)
        self.in_main = 0
        self.notes: dict[str, list[str]] = {}
        self.calls: list[str] = []
        self.active: list[str] = []
        self.links: list[str] = []
        self.body_classes: list[str] = []
        self.banners: list[str] = []  # the text of each .marking-banner (issue 16)
        self.images: list[str] = []  # the src of each <img> outside <main> (the logo's only)
        self._banner: list[str] | None = None
        self._note: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "body":
            self.body_classes = found.get("class", "").split()
        if tag == "main":
            self.in_main += 1
        if "marking-banner" in found.get("class", "").split() and not self.in_main:
            self._banner = []
        if tag in ("img", "image", "picture", "source") and not self.in_main:
            self.images.append(found.get("src", "") or found.get("srcset", "") or found.get("href", ""))
        if not self.in_main:
            return
        if tag in _ACTIVE and not (tag == "img" and found.get("src") in self.own_images):
            self.active.append(tag)
        if any(k.startswith("on") for k in found) or "style" in found:
            self.active.append(f"{tag}[{' '.join(k for k in found if k.startswith('on') or k == 'style')}]")
        if tag == "a":
            href = found.get("href", "")
            if "footnote-ref" in found.get("class", "").split():
                self.calls.append(href.removeprefix("#"))
            elif not href.startswith("#") and not is_web_url(href):
                self.links.append(href)
        if self._note is not None:
            self._depth += 1
        elif tag == "li" and re.fullmatch(r"fn\d+", found.get("id", "")):
            self._note, self._depth = found["id"], 1
            self.notes[self._note] = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main -= 1
        if self._banner is not None and tag == "p":
            self.banners.append("".join(self._banner).strip())
            self._banner = None
        if self._note is not None:
            self._depth -= 1
            if self._depth == 0:
                self._note = None

    def handle_data(self, data: str) -> None:
        if self._banner is not None:
            self._banner.append(data)
        if self._note is not None:
            self.notes[self._note].append(data)


def check_html(data: bytes, notes: Sequence[NoteRecord], *, draft: bool, output: str,
               claims_path: str, logo: Logo | None = None, marking: str = "",
               footnotes: int | None = None, images: Sequence[DocImage] = ()) -> list[Diagnostic]:
    reader = _Reader(frozenset(image.uri for image in images))
    reader.feed(data.decode("utf-8", "replace"))
    reader.close()
    findings: list[Diagnostic] = []
    for note in notes:  # a note holding several quotes is read for each (issue 16)
        target = reader.calls[note.number - 1] if note.number <= len(reader.calls) else None
        body = reader.notes.get(target or "")
        if body is None:
            findings.append(_missing(note, output, claims_path))
        else:
            findings += _note_findings(fold("".join(body)), note, output, claims_path)
    expected = _expected(notes, footnotes)
    if len(reader.calls) > expected:
        findings.append(_error(BUILD_FOOTNOTE_EXTRA,
                               f"{output}: {len(reader.calls) - expected} more footnotes than citations"))
    if draft and "draft" not in reader.body_classes:
        findings.append(_error(BUILD_DRAFT_STAMP_MISSING, f"{output}: the page is not marked DRAFT"))
    # Issue 16: outside the body, the template may show the logo, once; no other image.
    shown_logo = False
    for src in reader.images:
        if not shown_logo and logo is not None and _data_uri_bytes(src) == logo.data:
            shown_logo = True
            continue
        findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: the page has an image that is not the logo "
                               f"({src[:40]!r})", hint=_IMAGE_HINT))
    if marking and fold(marking) not in [fold(banner) for banner in reader.banners]:
        findings.append(_error(BUILD_MARKING_MISSING, f"{output}: no banner shows the marking {marking!r}"))
    for tag in reader.active:
        findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: the body has <{tag}>"))
    for href in reader.links:
        findings.append(_error(BUILD_UNSAFE_CONTENT, f"{output}: the body links to {href!r}"))
    return findings


def _data_uri_bytes(src: str) -> bytes | None:
    """The bytes a `data:...;base64,` URI holds (None for anything else)."""
    head, comma, body = src.partition(",")
    if not comma or not head.startswith("data:") or not head.endswith(";base64"):
        return None
    try:
        return base64.b64decode(body, validate=True)
    except ValueError:
        return None


CHECKERS = {"pdf": check_pdf, "docx": check_docx, "html": check_html}
