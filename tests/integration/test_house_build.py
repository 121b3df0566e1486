"""The house furniture in each built format (issue 16), on the repository's example, which sets
a marking, a reference, a date, a logo and a table of contents; and the claims-only layout,
without options, as before."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NumberObject
from support import GOOD, KHOJALY, ROOT, browser_dom, browser_screenshot, copy_example, write_project

from briefing.claims.read import load_claims
from briefing.cli import main
from briefing.house import load_logo
from briefing.render.inlines import CLOSE_QUOTE, OPEN_QUOTE
from briefing.render.readback import quote_pattern
from briefing.text import fold

MARKING, REFERENCE, LOGO_ALT = "OFFICIAL", "PU-2025-014", "Policy Unit"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example built once in every format."""
    root = tmp_path_factory.mktemp("house")
    project = copy_example(root / "p")
    out = root / "out"
    assert main(["build", str(project), "--no-cache", "--format", "pdf", "--format", "docx", "--format", "html",
                 "-o", str(out)]) == 0
    return out


def _quotes() -> list[str]:
    briefing, _ = load_claims(ROOT / "claims.yaml")
    assert briefing is not None
    return [c.quote for claim in briefing.claims for c in claim.citations]


def _notes() -> dict[int, list[str]]:
    """The example's footnotes as its prose document numbers them: each note's quotes."""
    from datetime import UTC, datetime

    from briefing.engine.project import check_project, load_project
    from briefing.render.prose import build_prose_document

    project = load_project(ROOT / "claims.yaml", ROOT / "sources")
    assert project.briefing is not None and project.document is not None
    document, _ = build_prose_document(project.document.ast, project.briefing, check_project(project), draft=False,
                                       now=datetime(2024, 1, 1, tzinfo=UTC), version="1")
    notes: dict[int, list[str]] = {}
    for note in document.notes:
        notes.setdefault(note.number, []).append(note.citation.quote)
    return notes


def test_the_example_sets_the_house_options() -> None:
    briefing, _ = load_claims(ROOT / "claims.yaml")
    assert briefing is not None
    house = briefing.house
    assert (house.marking, house.reference, house.logo_alt, house.toc) == (MARKING, REFERENCE, LOGO_ALT, True)
    assert briefing.date and house.logo == "templates/logo.png"


# --- PDF ------------------------------------------------------------------------------------------


def _bands(page: Any, margin: float = 70) -> tuple[str, str]:
    """The text drawn in the page's top and bottom `margin` points: its header and footer."""
    top, bottom, height = [], [], float(page.mediabox.height)

    def text(value: str, cm: list[float], tm: list[float], *_: Any) -> None:
        y = cm[5] + tm[5] * cm[3] + tm[4] * cm[1]
        if y > height - margin:
            top.append(value)
        elif y < margin:
            bottom.append(value)

    page.extract_text(visitor_text=text)
    return "".join(top), "".join(bottom)


def test_pdf_every_page_has_the_marking_in_header_and_footer_and_the_reference(built: Path) -> None:
    pages = PdfReader(built / "briefing.pdf").pages
    assert len(pages) > 5
    for number, page in enumerate(pages, 1):
        header, footer = _bands(page)
        assert MARKING in header, (number, header)
        assert MARKING in footer and f"Ref. {REFERENCE}" in footer, (number, footer)


def test_pdf_contents_give_each_heading_its_page(built: Path) -> None:
    reader = PdfReader(built / "briefing.pdf")
    first = reader.pages[0].extract_text()
    pages = {str(name): reader.get_destination_page_number(dest) + 1 for name, dest in reader.named_destinations.items()}
    # The example is prose (briefing.md): its headings, the bibliography and the appendix.
    for heading, anchor in (("The OIC Secretary General", "the-oic-secretary-general"),
                            ("Where the sources disagree", "where-the-sources-disagree"),
                            ("Bibliography", "bibliography"), ("Appendix: verification", "verification")):
        listed = re.search(re.escape(heading) + r"[ .]*?(\d+)\s*$", first, re.M)
        assert listed is not None, heading
        assert int(listed.group(1)) == pages[anchor], heading


def test_pdf_page_one_shows_the_logo_once_and_no_other_page_an_image(built: Path) -> None:
    reader = PdfReader(built / "briefing.pdf")
    logo = load_logo(ROOT, "templates/logo.png")
    assert not isinstance(logo, str)
    # WeasyPrint names the logo in every page's resources (pypdf's page.images lists what is
    # named); the read-back, which passed, allowed it drawn on page 1 only (test_logo_readback).
    assert [(image.image.width, image.image.height) for image in reader.pages[0].images] == [
        (logo.width, logo.height)]
    assert "CONTENTS" in reader.pages[0].extract_text()


def _struct(reader: PdfReader) -> tuple[list[tuple[str, Any]], set[tuple[int, int]]]:
    """Every structure element (role, element) and every (page, MCID) the tree reaches."""
    pages = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    elements: list[tuple[str, Any]] = []
    reached: set[tuple[int, int]] = set()

    def walk(node: Any, page: int | None) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, NumberObject):
            assert page is not None
            reached.add((page, int(node)))
        elif isinstance(node, ArrayObject):
            for kid in node:
                walk(kid, page)
        elif isinstance(node, DictionaryObject):
            if "/Pg" in node:
                page = pages[node.raw_get("/Pg").idnum]
            if node.get("/Type") == "/MCR":
                reached.add((page, int(node["/MCID"])))  # type: ignore[arg-type]
                return
            if "/S" in node:
                elements.append((str(node["/S"]), node))
            if "/K" in node:
                walk(node["/K"], page)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], None)
    return elements, reached


def _text_by_mcid(page: Any) -> dict[int | None, str]:
    """The page's text, by the marked-content id it is drawn in (None: outside any)."""
    stack: list[int | None] = []
    found: dict[int | None, list[str]] = {}

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator == b"BDC":
            props = operands[1] if len(operands) > 1 else None
            stack.append(int(props["/MCID"]) if isinstance(props, DictionaryObject) and "/MCID" in props else None)
        elif operator == b"BMC":
            stack.append(None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, *_: Any) -> None:
        found.setdefault(next((m for m in reversed(stack) if m is not None), None), []).append(value)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: "".join(parts) for mcid, parts in found.items()}


def test_pdf_meets_the_pdf_ua_checks_weasyprint_can(built: Path) -> None:
    reader = PdfReader(built / "briefing.pdf")
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]) == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    assert reader.metadata is not None and reader.metadata.title.startswith("The OIC and the 1992 Khojaly events")
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xmp)
    assert "<dc:title>" in xmp
    elements, _ = _struct(reader)
    roles = [role for role, _ in elements]
    assert roles.count("/Document") == 1 and roles.count("/H1") >= 8 and roles.count("/H2") >= 2
    assert roles.count("/L") >= 2 and roles.count("/LI") >= 5  # the contents and the sources
    figures = [element for role, element in elements if role == "/Figure"]
    assert [str(figure["/Alt"]) for figure in figures] == [LOGO_ALT]


def test_pdf_every_footnote_is_reachable_from_the_structure_tree(built: Path) -> None:
    reader = PdfReader(built / "briefing.pdf")
    _, reached = _struct(reader)
    tagged, untagged = [], []
    for number, page in enumerate(reader.pages):
        texts = _text_by_mcid(page)
        tagged.append(fold("".join(t for m, t in texts.items() if (number, m) in reached)))
        untagged.append("".join(t for m, t in texts.items() if (number, m) not in reached))
    destinations = {str(name): reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    for number, quotes in _notes().items():
        page = destinations[f"fn-{number}"]
        text = tagged[page] + " " + (tagged[page + 1] if page + 1 < len(tagged) else "")
        for quote in quotes:
            assert quote_pattern(quote).search(text), f"note {number} is not in the structure tree"
    # The page furniture is an artifact, outside the tree: the marking is not read as text.
    assert all(MARKING in text for text in untagged)
    assert not any(MARKING in text for text in tagged[1:])


def test_pdf_archival_is_pdf_a_3b(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", GOOD.replace('title: "Test"', 'title: "Test"\n    pdf: archival'),
                            KHOJALY)
    assert main(["build", str(project), "--no-cache", "-o", str(tmp_path / "a.pdf")]) == 0
    reader = PdfReader(tmp_path / "a.pdf")
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"|<pdfaid:part>3</pdfaid:part>', xmp), xmp
    assert re.search(r'pdfaid:conformance="B"|<pdfaid:conformance>B</pdfaid:conformance>', xmp), xmp
    [intent] = root["/OutputIntents"]
    intent = intent.get_object()
    assert str(intent["/S"]) == "/GTS_PDFA1" and "/DestOutputProfile" in intent
    assert bool(root["/MarkInfo"]["/Marked"])  # still tagged
    assert "pdfuaid" not in xmp


# --- DOCX -----------------------------------------------------------------------------------------


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as docx:
        return {name: docx.read(name) for name in docx.namelist()}


def _visible(xml: bytes) -> str:
    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml.decode("utf-8")))


def test_docx_headers_and_footers_carry_the_marking_reference_and_logo(built: Path) -> None:
    parts = _parts(built / "briefing.docx")
    document = parts["word/document.xml"].decode("utf-8")
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    section = re.findall(r"<w:sectPr\b.*?</w:sectPr>", document, re.S)[-1]
    kinds = dict(re.findall(r'<w:(header|footer)Reference r:id="(\w+)" w:type="default"', section))
    first = dict(re.findall(r'<w:(header|footer)Reference r:id="(\w+)" w:type="first"', section))

    def part(rel_id: str) -> bytes:
        target = re.search(rf'Id="{rel_id}" Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rel_id}"', rels)
        assert target is not None, rel_id
        return parts["word/" + target.group(1)]

    assert _visible(part(kinds["header"])).strip() == MARKING
    assert _visible(part(kinds["footer"])) == f"Ref. {REFERENCE}{MARKING}1"
    assert "<w:titlePg" in section and MARKING in _visible(part(first["header"]))
    assert f'descr="{LOGO_ALT}"' in part(first["header"]).decode("utf-8")
    logo = load_logo(ROOT, "templates/logo.png")
    assert not isinstance(logo, str)
    assert [name for name, data in parts.items() if name.startswith("word/media/")] == ["word/media/briefing-logo.png"]
    assert parts["word/media/briefing-logo.png"] == logo.data


def test_docx_contents_is_a_field_word_updates(built: Path) -> None:
    document = _parts(built / "briefing.docx")["word/document.xml"].decode("utf-8")
    assert re.search(r'<w:fldChar w:fldCharType="begin" w:dirty="true" />\s*<w:instrText[^>]*>TOC \\o', document)
    assert "Table of Contents" in document or ">Contents<" in document


# --- HTML -----------------------------------------------------------------------------------------


class _Popups(HTMLParser):
    """The text of each note popup, the banner(s), the viewport, and every URL the page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.popups: dict[str, list[str]] = {}
        self.banners: list[str] = []
        self.viewport = ""
        self.loads: list[str] = []
        self._into: list[str] | None = None
        self._depth = 0

    _VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "wbr", "source"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "meta" and found.get("name") == "viewport":
            self.viewport = found.get("content", "")
        if tag in ("img", "script", "link", "source", "iframe") and ("src" in found or "href" in found):
            self.loads.append(found.get("src") or found.get("href", ""))
        if self._into is not None:
            self._depth += tag not in self._VOID
            return
        classes = found.get("class", "").split()
        if "note-popup" in classes:
            self._into, self._depth = self.popups.setdefault(found["id"], []), 1
        elif "marking-banner" in classes:
            self._into, self._depth = self.banners, 1
            self.banners.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._into is not None:
            self._depth -= 1
            if self._depth == 0:
                self._into = None

    def handle_data(self, data: str) -> None:
        if self._into is self.banners:
            self.banners[-1] += data
        elif self._into is not None:
            self._into.append(data)


def test_html_dom_banner_popups_viewport(built: Path) -> None:
    dom = _Popups()
    dom.feed(browser_dom(built / "briefing.html"))
    assert [banner.strip() for banner in dom.banners] == [MARKING, MARKING]
    assert dom.viewport == "width=device-width, initial-scale=1"
    notes = _notes()
    assert len(dom.popups) == len(notes)
    for number, quotes in notes.items():
        lines = [line.strip() for line in "".join(dom.popups[f"popup-fn{number}"]).splitlines()]
        # Each quote on its own line, between its marks, character for character as verified.
        for quote in quotes:
            assert OPEN_QUOTE + quote.strip() + CLOSE_QUOTE in lines, number


def test_html_is_one_self_contained_file(built: Path) -> None:
    page = (built / "briefing.html").read_text(encoding="utf-8")
    dom = _Popups()
    dom.feed(page)
    assert dom.loads and all(url.startswith("data:image/png;base64,") for url in dom.loads)
    fonts = [url for url in re.findall(r"url\(([^)]*)\)", page) if url]  # (one is a CSS comment's)
    assert len(fonts) == 4 and all(url.startswith('"data:font/ttf;base64,') for url in fonts)
    assert "<link" not in page and "@import" not in page


def _pixel(png: Path, x: int, y: int) -> tuple[int, ...]:
    from PIL import Image

    with Image.open(png) as image:
        return tuple(image.convert("RGB").getpixel((x, y)))  # type: ignore[arg-type]


@pytest.mark.parametrize("width, height", [pytest.param(1280, 900, id="desktop"), pytest.param(390, 844, id="phone")])
def test_html_screenshots_show_the_banner_and_fit_the_screen(built: Path, tmp_path: Path, width: int,
                                                               height: int) -> None:
    # A copy that turns red when the page is wider than the screen (sideways scrolling). The
    # screenshot, not --dump-dom, lays the page out at the asked width (headless windows are
    # at least 500 px wide).
    page = tmp_path / "page.html"
    html = (built / "briefing.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", "<script>if (document.documentElement.scrollWidth > innerWidth) "
                                            "document.documentElement.style.background = 'red';</script></body>"),
                    encoding="utf-8")
    shot = browser_screenshot(page, tmp_path / "shot.png", width=width, height=height)
    assert max(_pixel(shot, width // 2, 8)) < 60  # the dark marking banner at the top
    assert _pixel(shot, width - 2, height - 2) == (255, 255, 255)  # white: no sideways scrolling
    red = tmp_path / "red.html"  # the probe works: a page too wide for the screen turns red
    red.write_text(html.replace("</body>", '<div style="width:3000px">wide</div><script>if (document.documentElement'
                                           ".scrollWidth > innerWidth) document.documentElement.style.background = "
                                           "'red';</script></body>"), encoding="utf-8")
    assert _pixel(browser_screenshot(red, tmp_path / "red.png", width=width, height=height),
                  width - 2, height - 2) == (255, 0, 0)


# --- without options: the claims-only layout as before --------------------------------------------


def test_without_options_nothing_is_added(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", GOOD, KHOJALY)
    out = tmp_path / "out"
    assert main(["build", str(project), "--no-cache", "--format", "pdf", "--format", "docx", "--format", "html",
                 "-o", str(out)]) == 0
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert 'class="marking-banner' not in html and "<img" not in html and 'class="toc"' not in html
    assert 'class="reference"' not in html
    reader = PdfReader(out / "briefing.pdf")
    assert all(not page.images for page in reader.pages)
    assert all("Ref." not in page.extract_text() and "Contents" not in page.extract_text() for page in reader.pages)
    parts = _parts(out / "briefing.docx")
    assert not [name for name in parts if name.startswith("word/media/")]
    assert "TOC \\o" not in parts["word/document.xml"].decode("utf-8")


def test_another_image_is_still_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A template that adds a second image (here the logo again, as a template file) fails the build."""
    project = copy_example(tmp_path / "p")
    shutil.copy(ROOT / "briefing" / "templates" / "briefing.html.j2", project / "templates" / "briefing.html.j2")
    skeleton = (project / "templates" / "briefing.html.j2").read_text(encoding="utf-8")
    (project / "templates" / "briefing.html.j2").write_text(
        skeleton.replace("<main>", '<main>\n<img src="logo.png" alt="again">', 1), encoding="utf-8")
    assert main(["build", str(project), "--no-cache", "-o", str(tmp_path / "b.pdf")]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'b.pdf'}: page 1 has an image" in err
    assert "only the logo the `logo:` option names (once, on page 1) and the images briefing.md shows may appear" in err
    assert not (tmp_path / "b.pdf").exists()


def test_a_logo_outside_the_project_is_refused_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_example(tmp_path / "p")
    claims = (project / "claims.yaml").read_text(encoding="utf-8")
    line = claims.splitlines().index("logo: templates/logo.png") + 1
    (project / "claims.yaml").write_text(claims.replace("logo: templates/logo.png", "logo: ../logo.png"),
                                         encoding="utf-8")
    assert main(["check", str(project), "--no-cache"]) == 2
    out = capsys.readouterr()
    assert f"claims.yaml:{line}:7: error: logo '../logo.png' leads outside the project folder" in out.out + out.err


def test_cover_puts_the_title_alone_on_page_one_in_every_format(tmp_path: Path) -> None:
    options = 'title: "Test"\n    cover: true\n    toc: true\n    reference: "R-1"'
    project = write_project(tmp_path / "p", GOOD.replace('title: "Test"', options), KHOJALY)
    out = tmp_path / "out"
    assert main(["build", str(project), "--no-cache", "--format", "pdf", "--format", "docx", "--format", "html",
                 "-o", str(out)]) == 0
    pages = [page.extract_text() for page in PdfReader(out / "briefing.pdf").pages]
    assert "Test" in pages[0] and "Ref. R-1" in pages[0]
    assert "CONTENTS" not in pages[0] and "Casualties" not in pages[0]  # the contents start page 2
    assert "CONTENTS" in pages[1] and re.search(r"Casualties[ .]*3", pages[1])  # the body starts page 3
    assert "Azernews reports 613 civilians killed" in pages[2]
    parts = _parts(out / "briefing.docx")
    assert '<w:br w:type="page" />' in parts["word/document.xml"].decode("utf-8")
    styles = parts["word/styles.xml"].decode("utf-8")
    heading = styles[styles.index('w:styleId="TOCHeading"'):]
    assert "<w:pageBreakBefore />" in heading[:heading.index("</w:style>")]
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert '<header class="title-block cover">' in html
    nav = html[html.index('<nav class="toc"'):html.index("</nav>")]
    assert re.findall(r'href="#([\w-]+)"', nav) == ["section-1", "sources", "verification"]
