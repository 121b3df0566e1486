"""Reads `.docx` sources: body paragraphs, table cells, then footnotes and endnotes (pure, no I/O).

Read with zipfile and ElementTree, not python-docx: python-docx does not read footnotes or
endnotes, and the text needs only a walk over WordprocessingML in document order.
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from briefing.diagnostics import SOURCES_CORRUPT, SOURCES_ENCRYPTED, SOURCES_NO_TEXT, Diagnostic, Location
from briefing.models import Source, SourceMeta
from briefing.sources.scripts import CLOSE, OPEN, resolve

SUFFIXES = frozenset({".docx"})
KIND = "docx"

# Transitional and Strict OOXML name the same elements in two namespaces.
_W = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
      "http://purl.oclc.org/ooxml/wordprocessingml/main")
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_DC = "{http://purl.org/dc/elements/1.1/}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The XML parts read (document, footnotes, endnotes, core properties) may unpack to this much
# in all; more is a zip bomb, not a document. ElementTree needs about 6 bytes of memory per
# byte of XML, so this bounds a DOCX at roughly 400 MB (issue 6). Sizes are the ones the
# archive declares; zipfile never inflates a member past its declared size (a lie is a CRC
# error), so a member cannot claim less than it unpacks to.
MAX_UNPACKED = 64 * 1024 * 1024
# Runs that are not on the page: deleted or moved-away revisions, field codes.
_SKIP = frozenset({"del", "moveFrom", "delText", "instrText", "delInstrText", "rPr", "pPr",
                   "sectPr", "tblPr", "trPr", "tcPr", "tblGrid", "footnoteRef", "endnoteRef",
                   "footnoteReference", "endnoteReference", "commentReference", "annotationRef"})
_CHARS = {"tab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-", "softHyphen": ""}


class _Unreadable(Exception):
    """The file is not a Word document this reader can open; the message says why."""


def parse(data: bytes, path: str, source_id: str) -> tuple[Source | None, list[Diagnostic]]:
    """Body text, then each footnote and endnote, one paragraph per "\\n\\n"."""
    where = Location(path, 1)
    if data.startswith(_OLE_MAGIC):
        # An OLE container: either a password-protected .docx or an old binary .doc.
        if "EncryptedPackage".encode("utf-16-le") in data:
            return None, [Diagnostic(
                SOURCES_ENCRYPTED, f"{source_id}: password-protected Word document", where,
                "save an unprotected copy (File > Info > Protect Document > remove the password)")]
        return None, [_corrupt(source_id, where, "this is an old Word 97-2003 .doc file, not .docx",
                               "open it in Word or LibreOffice and save it as .docx")]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            budget = [MAX_UNPACKED]
            body = list(_paragraphs(_part(archive, "word/document.xml", budget, required=True)))
            notes = [*_notes(_part(archive, "word/footnotes.xml", budget)),
                     *_notes(_part(archive, "word/endnotes.xml", budget))]
            core = _part(archive, "docProps/core.xml", budget)
    except (zipfile.BadZipFile, _Unreadable, ElementTree.ParseError, EOFError, OSError,
            NotImplementedError, RuntimeError, ValueError,  # RecursionError is a RuntimeError
            zlib.error, lzma.LZMAError, struct.error) as error:  # damaged compressed data
        return None, [_corrupt(source_id, where, str(error) or type(error).__name__)]
    paragraphs = [p for p in (*body, *notes) if p]
    if not paragraphs:
        return None, [Diagnostic(SOURCES_NO_TEXT, f"{source_id}: the document has no text", where,
                                 "check that this is the right file")]
    title = ""
    if core is not None:
        found = core.find(f"{_DC}title")
        title = " ".join((found.text or "").split()) if found is not None else ""
    return Source(source_id, path, KIND, "\n\n".join(paragraphs), SourceMeta(title=title)), []


def _part(archive: zipfile.ZipFile, name: str, budget: list[int],
          required: bool = False) -> ElementTree.Element | None:
    """Parse one XML part, charging its unpacked size to `budget` (bytes left for all parts)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise _Unreadable(f"not a Word document (no {name} inside)") from None
        return None
    if info.file_size > budget[0]:
        raise _Unreadable(f"{name} unpacks to {info.file_size:,} bytes, more than the "
                          f"{MAX_UNPACKED:,} bytes of text a Word document may hold here "
                          "(a zip bomb?)")
    budget[0] -= info.file_size
    xml = _read_member(archive, info)
    # OOXML never declares a DTD; refusing one shuts out entity-expansion bombs.
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise _Unreadable(f"{name} declares a DTD, which Word documents never do")
    return ElementTree.fromstring(xml)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, inflated a megabyte at a time.

    `archive.read` inflates a whole compressed block at once, and only then cuts it to the
    declared size: a member that understates its size would cost gigabytes before its CRC
    fails. Reading in small pieces stops at the declared size (zipfile's own cut-off).
    """
    pieces: list[bytes] = []
    with archive.open(info) as member:
        while piece := member.read(1024 * 1024):
            pieces.append(piece)
    return b"".join(pieces)


def _notes(root: ElementTree.Element | None) -> Iterator[str]:
    """Footnote or endnote text, skipping the separator lines Word stores as notes."""
    if root is None:
        return
    for note in root:
        if _local(note) in ("footnote", "endnote") and _attr(note, "type") in ("", "normal"):
            yield from (p.strip() for p in _paragraphs(note))


def _paragraphs(root: ElementTree.Element | None) -> Iterator[str]:
    """Each paragraph's text in document order; table cells and text boxes are paragraphs too."""
    if root is None:
        return
    for child in root:
        name = _local(child)
        if name == "p" and _in_w(child):
            parts: list[str] = []
            nested: list[ElementTree.Element] = []
            _runs(child, parts, nested)
            # A raised run (a note mark, an exponent) never glues onto the number before it:
            # "1992" and a raised "3" are not "19923" (issue 15 §5, as in HTML and PDF).
            yield resolve("".join(parts)).strip()
            for box in nested:
                yield from _paragraphs(box)
        elif name in _SKIP or (name == "Fallback" and child.tag.startswith(f"{{{_MC}}}")):
            continue  # mc:Fallback repeats mc:Choice (e.g. a text box) for older readers
        else:
            yield from _paragraphs(child)


def _runs(element: ElementTree.Element, parts: list[str], nested: list[ElementTree.Element]) -> None:
    """Text of one paragraph; text boxes inside it are set aside as paragraphs of their own."""
    for child in element:
        name = _local(child)
        if name in _SKIP or (name == "Fallback" and child.tag.startswith(f"{{{_MC}}}")):
            continue
        if name == "txbxContent":
            nested.append(child)
        elif name == "t" and _in_w(child):
            parts.append(child.text or "")
        elif name in _CHARS and _in_w(child):
            parts.append(_CHARS[name])
        elif name == "r" and _hidden(child):
            continue
        elif name == "r" and _raised(child):
            parts.append(OPEN)
            _runs(child, parts, nested)
            parts.append(CLOSE)
        else:
            _runs(child, parts, nested)


def _hidden(run: ElementTree.Element) -> bool:
    """A run formatted as hidden text (w:vanish) is not on the page."""
    for props in run:
        if _local(props) == "rPr":
            for prop in props:
                if _local(prop) == "vanish":
                    return _attr(prop, "val") not in ("0", "false", "off")
    return False


def _raised(run: ElementTree.Element) -> bool:
    """A run set as superscript (w:vertAlign), as a note mark or an exponent is."""
    return any(_local(prop) == "vertAlign" and _attr(prop, "val") == "superscript"
               for props in run if _local(props) == "rPr" for prop in props)


def _local(element: ElementTree.Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _in_w(element: ElementTree.Element) -> bool:
    return element.tag.startswith((f"{{{_W[0]}}}", f"{{{_W[1]}}}"))


def _attr(element: ElementTree.Element, name: str) -> str:
    for ns in _W:
        value = element.get(f"{{{ns}}}{name}")
        if value is not None:
            return value
    return ""


def _corrupt(source_id: str, where: Location, reason: str,
             hint: str = "download or export the file again") -> Diagnostic:
    return Diagnostic(SOURCES_CORRUPT, f"{source_id}: cannot read this Word document: {reason}",
                      where, hint)
