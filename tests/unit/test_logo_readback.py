"""The read-back allows the logo and nothing else (issue 16): once, on page 1, at its own size;
any other image is still refused, with a message that says what may appear. The marking must
be on every page (PDF), in the header and footer (DOCX), in a banner (HTML)."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from pypdf.generic import DictionaryObject, NameObject
from support import pdf_gray_image, pdf_pages

from briefing.diagnostics import BUILD_MARKING_MISSING, BUILD_UNSAFE_CONTENT
from briefing.house import Logo
from briefing.render import readback

LOGO = Logo("logo.png", b"\x89PNG fake logo bytes", "image/png", 40, 16)
TEXT = b"BT /F1 12 Tf 20 100 Td (%s) Tj ET 0 0 m BT /F1 12 Tf 20 20 Td (%s) Tj ET"


def _pdf(images: dict[int, list[tuple[int, int, bool]]], pages: int = 2, text: bytes = b"OFFICIAL") -> bytes:
    """`pages` pages, each printing `text` twice (header and footer); `images[page]` lists
    (width, height, drawn) image XObjects its resources name, drawn by its content or not
    (WeasyPrint names every image of the document on every page)."""
    def fill(writer: object, number: int, resources: DictionaryObject) -> bytes:
        content = TEXT % (text, text)
        named = DictionaryObject()
        for index, (width, height, drawn) in enumerate(images.get(number, [])):
            named[NameObject(f"/Im{index}")] = pdf_gray_image(writer, width, height)
            if drawn:
                content += b" q 10 0 0 10 0 0 cm /Im%d Do Q" % index
        if named:
            resources[NameObject("/XObject")] = named
        return content
    return pdf_pages(pages, fill)


def _pdf_findings(data: bytes, logo: Logo | None = LOGO, marking: str = "") -> list[tuple[str, str]]:
    found = readback.check_pdf(data, [], draft=False, output="o.pdf", claims_path="c.yaml", logo=logo,
                               marking=marking)
    return [(d.code, d.message) for d in found]


@pytest.mark.parametrize("images, logo, found", [
    pytest.param({1: [(40, 16, True)]}, LOGO, [], id="the logo on page 1"),
    pytest.param({1: [(40, 16, True)]}, None, ["o.pdf: page 1 has an image"], id="no logo option"),
    pytest.param({2: [(40, 16, True)]}, LOGO, ["o.pdf: page 2 has an image"], id="logo-sized on page 2"),
    pytest.param({1: [(41, 16, True)]}, LOGO, ["o.pdf: page 1 has an image"], id="another size"),
    pytest.param({1: [(40, 16, True), (40, 16, True)]}, LOGO, ["o.pdf: page 1 has an image"], id="the logo twice"),
    pytest.param({1: [(40, 16, True), (3, 3, True)]}, LOGO, ["o.pdf: page 1 has an image"], id="logo and another"),
    pytest.param({1: [(40, 16, True)], 2: [(40, 16, False)]}, LOGO, [], id="named on page 2, not drawn"),
])
def test_only_the_logo_once_on_page_one(images: dict[int, list[tuple[int, int, bool]]], logo: Logo | None,
                                        found: list[str]) -> None:
    findings = _pdf_findings(_pdf(images), logo)
    assert findings == [(BUILD_UNSAFE_CONTENT, message) for message in found]


def test_a_refused_image_says_what_may_appear() -> None:
    [diagnostic] = readback.check_pdf(_pdf({2: [(3, 3, True)]}), [], draft=False, output="o.pdf",
                                      claims_path="c.yaml", logo=LOGO)
    assert diagnostic.hint.startswith("only the logo the `logo:` option names (once, on page 1) and the images briefing.md shows may appear")


@pytest.mark.parametrize("printed, found", [
    pytest.param(b"OFFICIAL", [], id="header and footer"),
    pytest.param(b"OFFICIAL-SENSITIVE", [], id="inside a longer word"),
    pytest.param(b"UNMARKED", ["o.pdf: page(s) 1, 2 lack the marking 'OFFICIAL' in the header and footer"],
                 id="dropped"),
])
def test_the_pdf_marking_on_every_page(printed: bytes, found: list[str]) -> None:
    data = _pdf({}, text=printed)
    assert _pdf_findings(data, None, "OFFICIAL") == [(BUILD_MARKING_MISSING, m) for m in found]


def _docx(media: dict[str, bytes], header: str = "OFFICIAL", footer: str = "OFFICIAL") -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as docx:
        docx.writestr("word/document.xml", f"<w:document {w}><w:body><w:p /></w:body></w:document>")
        docx.writestr("word/header-briefing.xml", f"<w:hdr {w}><w:p><w:r><w:t>{header}</w:t></w:r></w:p></w:hdr>")
        docx.writestr("word/footer-briefing.xml", f"<w:ftr {w}><w:p><w:r><w:t>{footer}</w:t></w:r></w:p></w:ftr>")
        for name, data in media.items():
            docx.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("media, header, found", [
    pytest.param({"word/media/briefing-logo.png": LOGO.data}, "OFFICIAL", [], id="the logo"),
    pytest.param({"word/media/briefing-logo.png": b"other bytes"}, "OFFICIAL",
                 [(BUILD_UNSAFE_CONTENT, "o.docx: embeds ['word/media/briefing-logo.png']")], id="other bytes"),
    pytest.param({"word/media/a.png": LOGO.data, "word/media/b.png": LOGO.data}, "OFFICIAL",
                 [(BUILD_UNSAFE_CONTENT, "o.docx: embeds ['word/media/b.png']")], id="the logo twice"),
    pytest.param({}, "", [(BUILD_MARKING_MISSING, "o.docx: the marking 'OFFICIAL' is not in the page header "
                           "and footer")], id="no marking in the header"),
])
def test_docx_only_the_logo_and_the_marking(media: dict[str, bytes], header: str,
                                            found: list[tuple[str, str]]) -> None:
    findings = readback.check_docx(_docx(media, header), [], draft=False, output="o.docx", claims_path="c.yaml",
                                   logo=LOGO, marking="OFFICIAL")
    assert [(d.code, d.message) for d in findings] == found


def _img(data: bytes) -> str:
    return f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}" alt="Logo">'


@pytest.mark.parametrize("page, found", [
    pytest.param(f"{_img(LOGO.data)}<main></main>", [], id="the logo"),
    pytest.param(f"{_img(b'other')}<main></main>", ["o.html: the page has an image that is not the logo "
                                                    "('data:image/png;base64,b3RoZXI=')"], id="another image"),
    pytest.param(f"{_img(LOGO.data)}{_img(LOGO.data)}<main></main>",
                 ["o.html: the page has an image that is not the logo ('data:image/png;base64,iVBORyBmYWtlIGxvZ2')"],
                 id="the logo twice"),
    pytest.param('<img src="file:///etc/logo.png"><main></main>',
                 ["o.html: the page has an image that is not the logo ('file:///etc/logo.png')"], id="a file"),
])
def test_html_only_the_logo_outside_the_body(page: str, found: list[str]) -> None:
    findings = readback.check_html(page.encode(), [], draft=False, output="o.html", claims_path="c.yaml", logo=LOGO)
    assert [(d.code, d.message) for d in findings] == [(BUILD_UNSAFE_CONTENT, m) for m in found]


@pytest.mark.parametrize("page, found", [
    pytest.param('<p class="marking-banner">OFFICIAL</p><main><p>x</p></main>', [], id="banner"),
    pytest.param('<main><p class="marking-banner">OFFICIAL</p></main>',
                 [(BUILD_MARKING_MISSING, "o.html: no banner shows the marking 'OFFICIAL'")], id="only in the body"),
    pytest.param('<p class="marking-banner">SECRET</p><main></main>',
                 [(BUILD_MARKING_MISSING, "o.html: no banner shows the marking 'OFFICIAL'")], id="another marking"),
])
def test_html_banner_shows_the_marking(page: str, found: list[tuple[str, str]]) -> None:
    findings = readback.check_html(page.encode(), [], draft=False, output="o.html", claims_path="c.yaml",
                                   marking="OFFICIAL")
    assert [(d.code, d.message) for d in findings] == found
