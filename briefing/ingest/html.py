"""Reads `.html` / `.htm` sources: the text a browser shows, and the page's title (pure, no I/O).

Parser: the standard library's `html.parser` (tokeniser only). Extracting text needs tokens, not a
tree: block boundaries come from tags, entities are decoded with the HTML5 table, and
`<script>`/`<style>` are raw text, as in browsers. No dependency, PSF licence.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

from briefing.ingest.encodings import encoding_for_label
from briefing.models import Diagnostic, Location, Severity, Source, SourceMeta

SUFFIXES = frozenset({".html", ".htm"})
KIND = "html"

# Tags whose content a reader never sees (issue 4: "not its scripts, styles").
_HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "canvas", "object",
                     "audio", "video", "datalist"})
# Elements that start and end a block: a paragraph break ("\n\n") in the text. Every other tag
# (<i>, <a>, <tt>, <span>, <b>, unknown custom elements...) is inline and adds nothing, so
# it never splits a word or a sentence.
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp", "option", "optgroup",
})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
_COMMENT_CLOSE = re.compile(r"--\s*>")  # as the stdlib's _markupbase ends a comment
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; U+00A0 is text, as in browsers
_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


def parse(data: bytes, path: str, source_id: str) -> tuple[Source | None, list[Diagnostic]]:
    """Extract the page's visible text: blocks become paragraphs, inline markup joins seamlessly."""
    markup, diagnostics = _decode(data, path, source_id)
    if markup is None:
        return None, diagnostics
    if "\x00" in markup:
        return None, [Diagnostic(
            "sources.binary", f"{source_id}: looks binary (contains NUL bytes), not a web page",
            Location(path, markup[: markup.index("\x00")].count("\n") + 1),
            "save the page again from the browser (File > Save Page As)")]
    extractor = _TextExtractor()
    extractor.feed(_defuse(markup))
    extractor.close()
    text = extractor.text()
    if not text.strip():
        return None, [*diagnostics, Diagnostic(
            "sources.no-text", f"{source_id}: the page has no visible text",
            Location(path, 1),
            "if the page builds its text with JavaScript, save it after it has loaded, or print it to PDF")]
    meta = SourceMeta(title=extractor.title or extractor.og_title or extractor.h1,
                      author=extractor.author)
    return Source(source_id, path, KIND, text, meta), diagnostics


def _defuse(markup: str) -> str:
    """Escape every `<` after the page's last `>`: no tag can start there.

    Python's HTMLParser (before 3.13.4, gh-135462) rescans to the end of the page for each
    `<` it cannot close, so a hostile page of 1 MB of `</` or `<?` took minutes (issue 6). It
    already prints such a `<` as text, so escaping it changes nothing but the time.
    """
    last = markup.rfind(">")
    tail = markup[last + 1:]
    return markup[:last + 1] + tail.replace("<", "&lt;") if "<" in tail else markup


def _decode(data: bytes, path: str, source_id: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes to text as a browser would: BOM, then <meta charset>, then UTF-8, then Windows-1252.

    Only the WHATWG Encoding Standard's labels are honoured (issue 15 §6, `encodings.py`).
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_as(data[len(bom):], encoding, path, source_id)
    diagnostics: list[Diagnostic] = []
    declared = _CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii", "replace")
        where = Location(path, data.count(b"\n", 0, declared.start()) + 1)
        found = encoding_for_label(label)
        if found is not None and found[1] is not None:
            return _decode_as(data, found[1], path, source_id)
        if found is not None:  # the "replacement" encoding: a browser shows one U+FFFD
            return None, [Diagnostic(
                "sources.encoding",
                f"{source_id}: the page declares the encoding '{label}', which browsers refuse to "
                "decode (the WHATWG Encoding Standard reads it as one U+FFFD); no text to check",
                where, "save the page again as UTF-8")]
        # An unknown label is ignored, as browsers ignore it; say so, since the author meant one.
        diagnostics.append(Diagnostic(
            "sources.encoding",
            f"{source_id}: <meta charset> names '{label}', which is not an encoding browsers know "
            "(WHATWG Encoding Standard); read as UTF-8, or Windows-1252 where that fails",
            where, "declare one of the standard's labels, e.g. utf-8", Severity.WARNING))
    try:
        return data.decode("utf-8"), diagnostics
    except UnicodeDecodeError:
        # Undeclared and not UTF-8: browsers fall back to Windows-1252 for English pages.
        return data.decode("cp1252", "replace"), diagnostics


def _decode_as(data: bytes, encoding: str, path: str, source_id: str) -> tuple[str, list[Diagnostic]]:
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return data.decode(encoding, "replace"), [Diagnostic(
            "sources.encoding",
            f"{source_id}: bytes that are not valid {encoding} were replaced with U+FFFD",
            Location(path, line), "save the page again as UTF-8", Severity.WARNING)]


class _TextExtractor(HTMLParser):
    """Collects visible text as a browser lays it out, owing at most one break at a time.

    Content hidden by the `hidden` attribute or CSS is kept on purpose: a collapsed "read more"
    is still the page's text, and a quote from it must not be reported as not found.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._pending = 0  # newlines owed before the next text: 1 after <br>, 2 at a block edge
        self._skip_tag = ""  # the element whose content is being skipped, and how deep in it
        self._skip_depth = 0
        self._pre = 0
        self._pre_start = False
        self._svg = 0
        self._title: list[str] = []
        self._title_state = 0  # 0 before <title>, 1 inside, 2 after
        self._h1: list[str] = []
        self._h1_state = 0
        self.og_title = ""
        self.author = ""
        self._scanned: str | None = None
        self._last_close = -1

    # --- results -----------------------------------------------------------------------

    def text(self) -> str:
        return "".join(self._out).rstrip()

    @property
    def title(self) -> str:
        return _SPACE.sub(" ", "".join(self._title)).strip()

    @property
    def h1(self) -> str:
        return _SPACE.sub(" ", "".join(self._h1)).strip()

    # --- tokens ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            self._skip_depth += tag == self._skip_tag
            return
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag == "svg":
            self._svg += 1
        elif tag in _HIDDEN or (self._svg and tag in ("title", "desc")):
            self._skip_tag, self._skip_depth = tag, 1
        elif tag == "title":
            self._title_state = self._title_state or 1
        elif tag == "br":
            self._pending = min(self._pending + 1, 2)
        elif tag in _BLOCK:
            self._pending = 2
            if tag == "pre":
                self._pre += 1
                self._pre_start = True
            elif tag == "h1" and self._h1_state == 0:
                self._h1_state = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # `<div/>`: in HTML the slash means nothing, but the element is plainly empty.
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            elif tag in ("body", "html") and self._skip_tag not in ("script", "style"):
                self._skip_depth = 0  # an element left open never hides the rest of the page
            return
        if tag == "svg":
            self._svg = max(0, self._svg - 1)
        elif tag == "title":
            self._title_state = 2 if self._title_state else 0
        elif tag == "br":  # browsers read a stray `</br>` as `<br>`
            self._pending = min(self._pending + 1, 2)
        elif tag in _BLOCK:
            self._pending = 2
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag == "h1" and self._h1_state == 1:
                self._h1_state = 2

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._title_state == 1:
            self._title.append(data)
            return
        if self._h1_state == 1:
            self._h1.append(data)
        if self._pre:
            data = data.replace("\r\n", "\n").replace("\r", "\n")
            if self._pre_start and data.startswith("\n"):
                data = data[1:]  # a newline right after <pre> is not content (HTML spec)
            self._pre_start = False
            self._emit(data, collapse=False)
        else:
            self._emit(_SPACE.sub(" ", data), collapse=True)

    def parse_comment(self, i: int, report: int = 1) -> int:
        # An unclosed `<!--` made the stdlib search the rest of the page for `-->` once per
        # `<!--`: quadratic (see _defuse). Knowing where the last `-->` is ends that.
        if self._last_comment_end(self.rawdata) < i + 4:
            return -1
        return int(super().parse_comment(i, report))

    def _last_comment_end(self, rawdata: str) -> int:
        if rawdata is not self._scanned:
            self._scanned = rawdata
            self._last_close = max((m.start() for m in _COMMENT_CLOSE.finditer(rawdata)), default=-1)
        return self._last_close

    def parse_html_declaration(self, i: int) -> int:
        # HTML5: outside SVG/MathML, `<![...` (CDATA, Word's `<![if !supportLists]>`) is a bogus
        # comment ending at the next ">"; the stdlib's SGML-style scanner asserts on it instead.
        if self.rawdata.startswith("<![", i):
            end = self.rawdata.find(">", i + 3)
            return end + 1 if end >= 0 else -1
        return super().parse_html_declaration(i)

    # --- helpers -----------------------------------------------------------------------

    def _emit(self, chunk: str, collapse: bool) -> None:
        if collapse and (self._pending or not self._out or self._out[-1][-1] in " \n"):
            chunk = chunk.lstrip(" ")
        if not chunk:
            return
        if self._pending and self._out:
            # Breaks come only from `_pending`: spaces or a <pre>'s newlines before it go.
            while self._out and self._out[-1][-1] in " \n":
                self._out[-1] = self._out[-1].rstrip(" \n")
                if not self._out[-1]:
                    self._out.pop()
            if self._out:
                self._out.append("\n" * self._pending)
        self._pending = 0
        self._out.append(chunk)

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        content = _SPACE.sub(" ", attrs.get("content") or "").strip()
        if key == "og:title" and not self.og_title:
            self.og_title = content
        elif key == "author" and not self.author:
            self.author = content
