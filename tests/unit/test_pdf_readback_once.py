"""Issue 19: the PDF read-back parses each page's content stream once.

Before, the text was read from one parse and the unsafe-content check's `page.images` parsed
every page again (about 40% of the read-back on a 70-page briefing). Images are now found in
the page's resources (no parse) and, for inline ones, in the operators the text was read from.
"""

from __future__ import annotations

import collections
import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    NameObject,
    NumberObject,
)
from support import pdf_gray_image, pdf_pages, pdf_stream

from briefing.render import readback

TEXT = b"BT /F1 12 Tf 20 100 Td (page %d) Tj ET"
INLINE = b"q 10 0 0 10 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q"


def _pdf(pages: int = 3, *, content: bytes | None = None, xobject: str = "") -> bytes:
    """`pages` pages of text; the first may draw `content` instead, or name an image XObject
    ("image"), a form holding one ("form"), or a form holding only text ("text form")."""
    def fill(writer: PdfWriter, number: int, resources: DictionaryObject) -> bytes:
        data = TEXT % number
        if number == 1 and content is not None:
            data = content
        if number == 1 and xobject:
            named = DictionaryObject()
            if xobject == "image":
                named[NameObject("/Im0")] = pdf_gray_image(writer)
            else:
                inner = DictionaryObject({NameObject("/Im0"): pdf_gray_image(writer)} if xobject == "form" else {})
                named[NameObject("/Fm0")] = writer._add_object(pdf_stream(
                    b"/Im0 Do" if xobject == "form" else b"",
                    Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                    BBox=ArrayObject([NumberObject(0)] * 2 + [NumberObject(1)] * 2),
                    Resources=DictionaryObject({NameObject("/XObject"): inner})))
            resources[NameObject("/XObject")] = named
            data += b" /" + (b"Im0" if xobject == "image" else b"Fm0") + b" Do"
        return data
    return pdf_pages(pages, fill)


def _check(data: bytes) -> list[str]:
    return [d.message for d in readback.check_pdf(data, [], draft=False, output="o.pdf", claims_path="c.yaml")]


def test_each_page_content_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: collections.Counter[bytes] = collections.Counter()
    parse = ContentStream._parse_content_stream

    def counting(self: ContentStream, stream: object) -> None:
        parsed[bytes(self._data)] += 1
        parse(self, stream)  # type: ignore[arg-type]

    monkeypatch.setattr(ContentStream, "_parse_content_stream", counting)
    assert _check(_pdf(3)) == []
    # Was 2 per page: the text's parse and `page.images`' parse.
    assert parsed == {TEXT % n: 1 for n in (1, 2, 3)}


@pytest.mark.parametrize(("content", "xobject", "found"), [
    pytest.param(None, "", [], id="text only"),
    pytest.param(None, "text form", [], id="a form without an image"),
    pytest.param(None, "image", ["o.pdf: page 1 has an image"], id="image XObject"),
    pytest.param(None, "form", ["o.pdf: page 1 has an image"], id="image inside a form"),
    pytest.param((TEXT % 1) + b" " + INLINE, "", ["o.pdf: page 1 has an image"], id="inline image beside text"),
    pytest.param(INLINE, "", ["o.pdf: page 1 has an image"], id="inline image on a page without text"),
    pytest.param(b"", "", [], id="empty page"),
])
def test_images_found_as_pypdf_finds_them(content: bytes | None, xobject: str, found: list[str]) -> None:
    data = _pdf(2, content=content, xobject=xobject)
    assert _check(data) == found
    # The same pages as pypdf's own `page.images` (which parses the content again) sees them.
    assert [bool(page.images) for page in PdfReader(io.BytesIO(data)).pages] == [bool(found), False]


def test_text_read_from_the_one_parse_is_the_text_pypdf_reads() -> None:
    data = _pdf(2, content=(TEXT % 1) + b" " + INLINE)
    ours = [readback._read_page(page)[0] for page in PdfReader(io.BytesIO(data)).pages]
    assert ours == [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages] == ["page 1", "page 2"]


def test_a_note_of_several_quotes_that_moves_is_reported_once() -> None:
    """Issue 16: a `[@a; @b]` note holds several quotes; when it falls on the page after its
    call, the build warns once for that footnote, not once for each quote it holds."""
    from briefing.models import Citation, Status
    from briefing.render.document import NoteRecord

    notes = [NoteRecord(1, claim, Citation("s", quote, line), Status.VERIFIED, None)
             for claim, quote, line in (("a", "first quote here", 3), ("b", "second quote here", 7))]
    pages = ["Text with its call.", "1. Source. \u201cfirst quote here\u201d \u201csecond quote here\u201d"]
    found = readback._pdf_notes(pages, {"fn-1": 1, "fnref-1": 0}, notes, "out.pdf", "claims.yaml")
    assert [(d.code, d.message) for d in found] == [
        ("build.footnote-moved", "out.pdf: footnote 1 (claim 'a', source 's') is on page 2, its call on page 1")]


# --- notes of several quotes read from the one extraction (issue 19) -----------------------

def _notes_pdf() -> bytes:
    """Page 1 prints note 1 (two quoted lines, baselines 150 and 135) above note 2 (baseline
    100); page 2 is plain text. The notes' destinations give their tops, as WeasyPrint's do."""
    from pypdf.generic import Fit

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica"),
                                                NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    lines = [(150, b"\x93alpha one\x94"), (135, b"\x93alpha two\x94"), (100, b"\x93beta\x94")]
    first = b" ".join(b"BT /F1 10 Tf 20 %d Td (%s) Tj ET" % (y, text) for y, text in lines)
    for data in (first, TEXT % 2):
        page = writer.add_blank_page(200, 200)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font})})
        page[NameObject("/Contents")] = writer._add_object(pdf_stream(data))
    writer.add_named_destination("fn-1", 0, Fit.xyz(top=160))
    writer.add_named_destination("fn-2", 0, Fit.xyz(top=110))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _note(number: int, quote: str) -> readback.NoteRecord:
    from briefing.models import Citation, Status

    return readback.NoteRecord(number, f"c{number}", Citation("s", quote, number), Status.VERIFIED, None)


@pytest.mark.parametrize(("notes", "found"), [
    pytest.param([(1, "alpha one"), (1, "alpha two"), (2, "beta")], [], id="each quote in its own note"),
    pytest.param([(1, "alpha one"), (1, "beta"), (2, "beta")], ["build.quote-altered: o.pdf: footnote 1 (claim 'c1', source 's') "
                                                            "does not print its quote as verified"],
                 id="a quote printed in the next note does not count"),
])
def test_notes_of_several_quotes_read_from_one_extraction(
        monkeypatch: pytest.MonkeyPatch, notes: list[tuple[int, str]], found: list[str]) -> None:
    from pypdf import PageObject

    extracted: list[object] = []
    extract = PageObject.extract_text

    def counting(self: PageObject, *args: object, **kwargs: object) -> str:
        extracted.append(self.indirect_reference)
        return extract(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PageObject, "extract_text", counting)
    diagnostics = readback.check_pdf(_notes_pdf(), [_note(n, q) for n, q in notes], draft=False,
                                     output="o.pdf", claims_path="c.yaml")
    assert [f"{d.code}: {d.message}" for d in diagnostics] == found
    # Was once more for each note of several quotes (3.5 s of the 4.5 s read-back of a 60-page prose briefing).
    assert len(extracted) == len(set(extracted)) == 2


# --- the pages read in two halves at once (issue 19) ----------------------------------------

SPLITS: list[int] = []


def _in_process(job: object, other: object) -> tuple[object, object]:
    """A `beside` that runs both here, the job last, to tell the split from the process."""
    ours = other()  # type: ignore[operator]
    theirs = job()  # type: ignore[operator]
    SPLITS.append(len(theirs))
    return theirs, ours


@pytest.mark.parametrize("beside", [
    pytest.param(None, id="one process"),
    pytest.param(_in_process, id="two halves, here"),
    pytest.param("run_beside", id="two halves, forked"),
])
@pytest.mark.parametrize("content", [None, INLINE], ids=["text", "an image on page 1"])
def test_the_pages_read_in_two_halves_give_the_same_answer(beside: object, content: bytes | None) -> None:
    from briefing.engine.parallel import run_beside

    data = _pdf(readback.SPLIT_PAGES + 3, content=content)
    told: list[tuple[int, int]] = []
    found = readback.check_pdf(data, [], draft=True, output="o.pdf", claims_path="c.yaml",
                               progress=lambda *call: told.append(call),
                               beside=run_beside if beside == "run_beside" else beside)  # type: ignore[arg-type]
    pages = readback.SPLIT_PAGES + 3
    # Every page lacks the DRAFT stamp; page 1 has the inline image when it draws one.
    expected = [f"o.pdf: page(s) {', '.join(map(str, range(1, 11)))}, ... lack the DRAFT stamp"]
    assert [d.message for d in found] == expected + (["o.pdf: page 1 has an image"] if content else [])
    assert told[-1] == (pages, pages)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    if beside is _in_process:
        assert SPLITS.pop() == pages // 2  # the later half was the job's
