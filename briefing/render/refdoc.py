"""The Word reference document: A4 pages, page numbers, serif text, and a DRAFT header.

`a4_reference` and `with_draft_header` are pure (bytes in, bytes out). `write_reference_docx`
regenerates the shipped `briefing/templates/reference.docx` from pandoc's own default, so the
file in the package is reproducible: `python -m briefing.render.refdoc`.

The edits are text replacements on pandoc's known default parts rather than an XML round trip,
because Word is strict about element order and namespace prefixes; each edit asserts that its
anchor is there, so a changed default fails loudly instead of producing a broken file.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_FOOTER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
REL_HEADER = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
CT_FOOTER = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
CT_HEADER = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"

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

DRAFT_HEADER_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:jc w:val="right" /></w:pPr>'
    '<w:r><w:rPr><w:b /><w:color w:val="B3261E" /><w:sz w:val="18" /></w:rPr>'
    '<w:t xml:space="preserve">DRAFT \u2014 unverified claims marked</w:t></w:r></w:p></w:hdr>')

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


def with_draft_header(reference_docx: bytes) -> bytes:
    """The same reference document with "DRAFT" in the header of every page."""
    edits: dict[str, Edit] = {
        **_add_part("rIdBriefingDraft", REL_HEADER, "header-briefing-draft.xml", CT_HEADER),
        "word/document.xml": _replace_once(
            "<w:sectPr>", '<w:sectPr><w:headerReference w:type="default" r:id="rIdBriefingDraft" />'),
    }
    return rewrite_docx(reference_docx, edits, {"word/header-briefing-draft.xml": DRAFT_HEADER_XML})


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
