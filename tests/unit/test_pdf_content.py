"""Issue 19: the read-back parses WeasyPrint's content streams itself, into exactly what pypdf's
parser gives, and leaves every other stream to pypdf."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DecodedStreamObject

from briefing.render import pdfcontent


def _pypdf(data: bytes) -> list[tuple[Any, bytes]]:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return ContentStream(stream, None, "bytes").operations


def _same(ours: Any, theirs: Any) -> bool:
    """Equal, and of the same pypdf types all the way down (NumberObject is not FloatObject)."""
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, (list, tuple)):
        return len(ours) == len(theirs) and all(_same(a, b) for a, b in zip(ours, theirs, strict=True))
    if isinstance(ours, dict):
        return ours.keys() == theirs.keys() and all(_same(ours[k], theirs[k]) for k in ours)
    return bool(ours == theirs)


@pytest.mark.parametrize("data", [
    pytest.param(b"BT /F1 12 Tf 1 0 0 -1 20 100 Tm [<0012> 0 <0034> -250 <00560078>] TJ ET", id="a line of glyphs"),
    pytest.param(b"/P <</MCID 0>> BDC q 0.5 0 0 .5 -3.25 +4 cm Q EMC", id="marked content, signs and points"),
    pytest.param(b"/Artifact BMC 1 0 0 rg 0 0 10 10 re f EMC", id="an artifact"),
    pytest.param(b"[<01 2>[1 2]<>]TJ\n/F2 9.5 Tf T* 3 0 Td", id="odd hex digits, nested and empty, no spaces"),
    pytest.param(b"  \r\n q\tQ  \n", id="whitespace around"),
    pytest.param(b"/GS0 gs /Im1 Do 12 TL (x) Tj", id="a literal string: pypdf's"),
    pytest.param(b"q % a comment\nQ", id="a comment: pypdf's"),
    pytest.param(b"BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI", id="an inline image: pypdf's"),
    pytest.param(b"/F#231 12 Tf", id="an escaped name: pypdf's"),
    pytest.param(b"[true 1] TJ", id="a word in an array: pypdf's"),
    pytest.param(b"1 0 R 0 0 m", id="an indirect reference: pypdf's"),
    pytest.param(b"/P <</MCID [1]>> BDC", id="a dictionary holding an array: pypdf's"),
])
def test_operations_are_pypdfs(data: bytes) -> None:
    ours = pdfcontent.operations(data)
    assert ours is None or _same(ours, _pypdf(data))


@pytest.mark.parametrize(("data", "ours"), [
    pytest.param(b"BT [<0012> -250 <0034>] TJ ET", True, id="glyphs"),
    pytest.param(b"/P <</MCID 0>> BDC EMC", True, id="marked content"),
    pytest.param(b"(x) Tj", False, id="literal string"),
    pytest.param(b"q % c\nQ", False, id="comment"),
    pytest.param(b"BI /W 1 ID \x00 EI", False, id="inline image"),
    pytest.param(b"/F#231 Tf", False, id="escaped name"),
    pytest.param(b"[ <00> ", False, id="an array left open"),
    pytest.param(b"] TJ", False, id="an array never opened"),
    pytest.param(b"1 2", False, id="operands without an operator"),
    pytest.param(b"1 0 R", False, id="indirect reference"),
    pytest.param(b"<</Length 1>> stream\nx", False, id="a stream's dictionary"),
    pytest.param(b"q \x00 Q", False, id="a NUL between tokens"),
    pytest.param(b"", False, id="nothing"),
])
def test_what_is_left_to_pypdf(data: bytes, ours: bool) -> None:
    assert (pdfcontent.operations(data) is not None) is ours


@pytest.fixture(scope="session")
def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    paragraphs = "".join(f"<p>Paragraph {n}: “Quoted text”, AVAWAY kerning, <i>fi ligatures</i>, "
                         f"<a href='https://example.org/{n}'>a link</a> and 1,234.5 figures.</p>" for n in range(60))
    page = f"<h1>Title</h1>{paragraphs}<ul><li>one</li><li>two</li></ul><table><tr><td>cell</td></tr></table>"
    return bytes(HTML(string=page).write_pdf(pdf_tags=True, pdf_variant="pdf/ua-1"))


def test_every_page_weasyprint_writes_is_read_as_pypdf_reads_it(weasyprint_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(weasyprint_pdf))
    assert len(reader.pages) > 1
    for page in reader.pages:
        data = ContentStream(page["/Contents"].get_object(), reader, "bytes").get_data()
        ours = pdfcontent.operations(data)
        assert ours is not None  # read here, not left to pypdf
        assert _same(ours, _pypdf(data))
