"""The Word reference document: A4 pages, page numbers, serif text; the house header and footer.

`a4_reference`, `with_furniture` and `with_draft_header` are pure (bytes in, bytes out). `write_reference_docx`
regenerates the shipped `briefing/templates/reference.docx` from pandoc's own default, so the
file in the package is reproducible: `python -m briefing.render.refdoc`.

The edits are text replacements on pandoc's known default parts rather than an XML round trip,
because Word is strict about element order and namespace prefixes; each edit asserts that its
anchor is there, so a changed default fails loudly instead of producing a broken file.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
REL_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"

# A4 in twentieths of a point; 25 mm margins (1417 twips), header/footer 12.5 mm from the edge.
A4_SECTION = ('<w:pgSz w:w="11906" w:h="16838" />'
              '<w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" '
              'w:header="709" w:footer="709" w:gutter="0" />')

FOOTER_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:jc w:val="right" /></w:pPr>'
    '<w:r><w:rPr><w:sz w:val="17" /></w:rPr><w:fldChar w:fldCharType="begin" /></w:r>'
    '<w:r><w:rPr><w:sz w:val="17" /></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
    '<w:r><w:rPr><w:sz w:val="17" /></w:rPr><w:fldChar w:fldCharType="separate" /></w:r>'
    '<w:r><w:rPr><w:sz w:val="17" /></w:rPr><w:t>1</w:t></w:r>'
    '<w:r><w:rPr><w:sz w:val="17" /></w:rPr><w:fldChar w:fldCharType="end" /></w:r>'
    '</w:p></w:ftr>')

FOOTNOTE_TEXT_STYLE = ('<w:pPr><w:spacing w:before="0" w:after="60" w:line="240" '
                       'w:lineRule="auto" /></w:pPr><w:rPr><w:sz w:val="18" />'
                       '<w:szCs w:val="18" /></w:rPr>')

Edit = Callable[[str], str]


def _replace_once(old: str, new: str) -> Edit:
    def edit(text: str) -> str:
        if text.count(old) < 1:
            raise ValueError(f"reference.docx: expected {old!r} in pandoc's default")
        return text.replace(old, new, 1)
    return edit


def _chain(*edits: Edit) -> Edit:
    def edit(text: str) -> str:
        for step in edits:
            text = step(text)
        return text
    return edit


def rewrite_docx(docx: bytes, edits: Mapping[str, Edit], added: Mapping[str, str]) -> bytes:
    """Copy a .docx, applying text edits to some parts and adding others."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = set(source.namelist())
        missing = set(edits) - names
        if missing:
            raise ValueError(f"reference.docx: missing parts {sorted(missing)}")
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)
        for name, text in added.items():
            if name not in names:
                target.writestr(name, text.encode("utf-8"))
    return out.getvalue()


def _add_part(rel_id: str, rel_type: str, target: str, content_type: str) -> dict[str, Edit]:
    return {
        "word/_rels/document.xml.rels": _replace_once(
            "</Relationships>",
            f'<Relationship Type="{rel_type}" Id="{rel_id}" Target="{target}" /></Relationships>'),
        "[Content_Types].xml": _replace_once(
            "</Types>", f'<Override PartName="/word/{target}" ContentType="{content_type}" /></Types>'),
    }


def a4_reference(default_docx: bytes) -> bytes:
    """pandoc's default reference.docx with A4 pages, a page-number footer, serif faces."""
    parts = _add_part("rIdBriefingFooter", REL_FOOTER, "footer-briefing.xml", CT_FOOTER)
    edits: dict[str, Edit] = {
        **parts,
        "word/document.xml": _chain(
            # Header/footer references come first in a sectPr; page size after footnotePr.
            _replace_once("<w:sectPr>",
                          '<w:sectPr><w:footerReference w:type="default" r:id="rIdBriefingFooter" />'),
            _replace_once("</w:footnotePr>", "</w:footnotePr>" + A4_SECTION),
            # Footnotes numbered through the whole document: pandoc's default restarts them at
            # each section, which LibreOffice applies at every heading (two note 7s on a page).
            _replace_once('<w:numRestart w:val="eachSect" />', '<w:numRestart w:val="continuous" />')),
        "word/styles.xml": _chain(
            _replace_once('<w:sz w:val="24" />\n        <w:szCs w:val="24" />',
                          '<w:sz w:val="22" />\n        <w:szCs w:val="22" />'),
            _replace_once('<w:next w:val="FootnoteText" />\n    <w:uiPriority w:val="9" />\n'
                          '    <w:unhideWhenUsed />\n    <w:qFormat />\n  </w:style>',
                          '<w:next w:val="FootnoteText" />\n    <w:uiPriority w:val="9" />\n'
                          '    <w:unhideWhenUsed />\n    <w:qFormat />\n'
                          f'    {FOOTNOTE_TEXT_STYLE}\n  </w:style>'),
            # The bibliography citeproc writes (issue 16): a hanging indent, as Chicago sets it.
            _replace_once('<w:next w:val="Bibliography" />\n    <w:qFormat />\n    <w:pPr />',
                          '<w:next w:val="Bibliography" />\n    <w:qFormat />\n'
                          '    <w:pPr><w:ind w:left="567" w:hanging="567" /></w:pPr>')),
        # Word's serif (Caladea on free systems) for headings and text instead of Aptos.
        "word/theme/theme1.xml": _chain(
            _replace_once('<a:latin typeface="Aptos Display"', '<a:latin typeface="Cambria"'),
            _replace_once('<a:latin typeface="Aptos"', '<a:latin typeface="Cambria"')),
    }
    return rewrite_docx(default_docx, edits, {"word/footer-briefing.xml": FOOTER_XML})


# --- the house header and footer (issue 16) ---------------------------------------------

DRAFT_TEXT = "DRAFT \u2014 unverified claims marked"
# Tab stops across an A4 text block (11906 twips less two 1417 margins): centre and right.
_TABS = '<w:tabs><w:tab w:val="center" w:pos="4536" /><w:tab w:val="right" w:pos="9072" /></w:tabs>'
_SMALL = '<w:sz w:val="17" />'
_EMU_PER_MM = 36000
LOGO_HEIGHT_MM, LOGO_MAX_WIDTH_MM = 14, 60


@dataclass(frozen=True)
class Furniture:
    """What the DOCX header and footer carry: the marking on every page, the reference in the
    footer, DRAFT for a draft build, and the logo in the first page's header."""

    marking: str = ""
    reference: str = ""
    draft: bool = False
    logo: bytes = b""
    logo_suffix: str = ".png"
    logo_size: tuple[int, int] = (1, 1)  # pixels: only the proportions matter
    logo_alt: str = "Logo"
    cover: bool = False  # a page break before the contents heading: the title alone on page 1


def _run(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}{_SMALL}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


_TAB = f'<w:r><w:rPr>{_SMALL}</w:rPr><w:tab /></w:r>'
_PAGE = (f'<w:r><w:rPr>{_SMALL}</w:rPr><w:fldChar w:fldCharType="begin" /></w:r>'
         f'<w:r><w:rPr>{_SMALL}</w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
         f'<w:r><w:rPr>{_SMALL}</w:rPr><w:fldChar w:fldCharType="separate" /></w:r>'
         f'<w:r><w:rPr>{_SMALL}</w:rPr><w:t>1</w:t></w:r>'
         f'<w:r><w:rPr>{_SMALL}</w:rPr><w:fldChar w:fldCharType="end" /></w:r>')


def _marking_line(furniture: Furniture, space_after: int = 0) -> str:
    """Marking centred, DRAFT at the right: one line under tab stops."""
    runs = _TAB + (_run(furniture.marking, "<w:b />") if furniture.marking else "") + _TAB
    if furniture.draft:
        runs += _run(DRAFT_TEXT, '<w:b /><w:color w:val="B3261E" />')
    spacing = f'<w:spacing w:after="{space_after}" />' if space_after else ""
    return f"<w:p><w:pPr>{_TABS}{spacing}</w:pPr>{runs}</w:p>"


def _logo_paragraph(furniture: Furniture) -> str:
    width_px, height_px = furniture.logo_size
    cy = LOGO_HEIGHT_MM * _EMU_PER_MM
    cx = min(round(cy * width_px / height_px), LOGO_MAX_WIDTH_MM * _EMU_PER_MM)
    alt = escape(furniture.logo_alt, {'"': "&quot;"})
    return (
        '<w:p><w:pPr><w:spacing w:after="120" /></w:pPr><w:r><w:drawing>'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}" />'
        f'<wp:docPr id="9001" name="Logo" descr="{alt}" />'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="9001" name="Logo" /><pic:cNvPicPr /></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdBriefingLogo" /><a:stretch><a:fillRect /></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0" /><a:ext cx="{cx}" cy="{cy}" /></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst /></a:prstGeom></pic:spPr></pic:pic>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


_PART_NS = (f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
            'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def header_xml(furniture: Furniture, *, first: bool = False) -> str:
    if first and furniture.logo:  # the logo, then the marking a line clear of the title
        return f"{_XML}<w:hdr {_PART_NS}>{_logo_paragraph(furniture)}{_marking_line(furniture, 360)}</w:hdr>"
    return f"{_XML}<w:hdr {_PART_NS}>{_marking_line(furniture)}</w:hdr>"


def footer_xml(furniture: Furniture) -> str:
    """Reference at the left, marking centred, page number at the right."""
    runs = (_run(f"Ref. {furniture.reference}") if furniture.reference else "") + _TAB
    runs += (_run(furniture.marking, "<w:b />") if furniture.marking else "") + _TAB + _PAGE
    return f"{_XML}<w:ftr {_PART_NS}><w:p><w:pPr>{_TABS}</w:pPr>{runs}</w:p></w:ftr>"


_SECT_PR = re.compile(r"<w:sectPr\b[^>]*>(?:(?!</w:sectPr>).)*</w:sectPr>", re.S)
_REFERENCE = re.compile(r"<w:(?:header|footer)Reference\b[^>]*/>")


def _section(furniture: Furniture) -> Edit:
    """The body's last sectPr with our header and footer in place of any it had."""
    refs = ('<w:headerReference w:type="default" r:id="rIdBriefingHeader" />'
            '<w:footerReference w:type="default" r:id="rIdBriefingFooterHouse" />')
    if furniture.logo:
        refs += ('<w:headerReference w:type="first" r:id="rIdBriefingHeaderFirst" />'
                 '<w:footerReference w:type="first" r:id="rIdBriefingFooterHouse" />')

    def edit(text: str) -> str:
        found = list(_SECT_PR.finditer(text))
        if not found:
            raise ValueError("reference.docx: expected a <w:sectPr> in word/document.xml")
        last = found[-1]
        section = _REFERENCE.sub("", last.group())
        opening = re.match(r"<w:sectPr\b[^>]*>", section)
        assert opening is not None
        section = opening.group() + refs + section[opening.end():]
        if furniture.logo and "<w:titlePg" not in section:
            # A first page of its own (the logo's); titlePg sits before docGrid where there is one.
            at = section.find("<w:docGrid")
            at = at if at != -1 else section.rindex("</w:sectPr>")
            section = section[:at] + "<w:titlePg />" + section[at:]
        return text[:last.start()] + section + text[last.end():]
    return edit


def with_furniture(reference_docx: bytes, furniture: Furniture) -> bytes:
    """The reference document with the house header and footer on every page (issue 16).

    pandoc copies the reference's headers and footers, with their images, into the output.
    """
    parts: dict[str, str] = {"word/header-briefing.xml": header_xml(furniture),
                             "word/footer-briefing-house.xml": footer_xml(furniture)}
    edits: dict[str, Edit] = {}
    added = [("rIdBriefingHeader", REL_HEADER, "header-briefing.xml", CT_HEADER),
             ("rIdBriefingFooterHouse", REL_FOOTER, "footer-briefing-house.xml", CT_FOOTER)]
    binary: dict[str, bytes] = {}
    if furniture.logo:
        media = f"media/briefing-logo{furniture.logo_suffix}"
        mime = "image/png" if furniture.logo_suffix == ".png" else "image/jpeg"
        parts["word/header-briefing-first.xml"] = header_xml(furniture, first=True)
        parts["word/_rels/header-briefing-first.xml.rels"] = (
            f'{_XML}<Relationships xmlns="{REL_PACKAGE}"><Relationship Id="rIdBriefingLogo" '
            f'Type="{REL_IMAGE}" Target="{media}" /></Relationships>')
        added.append(("rIdBriefingHeaderFirst", REL_HEADER, "header-briefing-first.xml", CT_HEADER))
        binary[f"word/{media}"] = furniture.logo
        edits["[Content_Types].xml"] = _replace_once(
            "</Types>", f'<Override PartName="/word/{media}" ContentType="{mime}" /></Types>')
    rels = "".join(f'<Relationship Type="{kind}" Id="{rel_id}" Target="{target}" />'
                   for rel_id, kind, target, _ in added)
    types = "".join(f'<Override PartName="/word/{target}" ContentType="{content}" />'
                    for _, _, target, content in added)
    edits["word/_rels/document.xml.rels"] = _replace_once("</Relationships>", rels + "</Relationships>")
    edits["[Content_Types].xml"] = _chain(edits.get("[Content_Types].xml", lambda t: t),
                                          _replace_once("</Types>", types + "</Types>"))
    edits["word/document.xml"] = _section(furniture)
    if furniture.cover:
        edits["word/styles.xml"] = _cover_page_break
    docx = rewrite_docx(reference_docx, edits, parts)
    return _add_binary(docx, binary) if binary else docx


def _cover_page_break(text: str) -> str:
    """The contents (or, without one, the first heading) starts a new page: the title alone on
    the cover. A page break before the TOC Heading style, which pandoc's --toc uses."""
    anchor = '<w:style w:type="paragraph" w:styleId="TOCHeading">'
    at = text.find(anchor)
    if at == -1:
        return text
    ppr = text.find("<w:pPr>", at)
    end = text.find("</w:style>", at)
    if ppr == -1 or ppr > end:
        return text
    return text[:ppr + len("<w:pPr>")] + "<w:pageBreakBefore />" + text[ppr + len("<w:pPr>"):]


def _add_binary(docx: bytes, members: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info.filename))
        for name, data in members.items():
            target.writestr(name, data)
    return out.getvalue()


def with_draft_header(reference_docx: bytes) -> bytes:
    """The same reference document with "DRAFT" in the header of every page."""
    return with_furniture(reference_docx, Furniture(draft=True))


def write_reference_docx(path: Path) -> None:
    """Regenerate the shipped reference.docx from the pandoc that pypandoc-binary carries."""
    import pypandoc

    default = subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        capture_output=True, check=True, timeout=60).stdout
    path.write_bytes(a4_reference(default))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        Path(__file__).resolve().parent.parent / "templates" / "reference.docx")
    write_reference_docx(target)
    print(target)
