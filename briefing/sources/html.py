"""Reads `.html` / `.htm` sources: the text a browser shows, and the page's title (pure, no I/O).

Parser: the standard library's `html.parser` (tokeniser only). Extracting text needs tokens, not a
tree: block boundaries come from tags, entities are decoded with the HTML5 table, and
`<script>`/`<style>` are raw text, as in browsers. No dependency, PSF licence.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Sequence
from html.parser import HTMLParser

from briefing.diagnostics import (
    SOURCES_BINARY,
    SOURCES_ENCODING,
    SOURCES_NO_TEXT,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import LineMap, Source, SourceMeta
from briefing.sources import scripts
from briefing.sources.encodings import encoding_for_label
from briefing.sources.html_hidden import Skipped, hides

SUFFIXES = frozenset({".html", ".htm"})
KIND = "html"

# Tags whose content a reader never sees (issue 4: "not its scripts, styles"), and deleted or
# struck-out text (issue 15 §5: the DOCX reader skips deletions too).
_HIDDEN = frozenset({"script", "style", "template", "noscript", "iframe", "canvas", "object",
                     "audio", "video", "datalist", "del", "s", "strike"})
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
# A line break written as a character reference: a space to every fold, and no line of the
# file, which the text's line map counts by the newlines it decodes (issue 15 §6).
_NEWLINE_REF = re.compile(r"&(?:#0*10(?![0-9]);?|#[xX]0*[aA](?![0-9a-fA-F]);?|NewLine;)")
_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)


def parse(data: bytes, path: str, source_id: str) -> tuple[Source | None, list[Diagnostic]]:
    """Extract the page's visible text: blocks become paragraphs, inline markup joins seamlessly."""
    markup, diagnostics = _decode(data, path, source_id)
    if markup is None:
        return None, diagnostics
    if "\x00" in markup:
        return None, [Diagnostic(
            SOURCES_BINARY, f"{source_id}: looks binary (contains NUL bytes), not a web page",
            Location(path, markup[: markup.index("\x00")].count("\n") + 1),
            "save the page again from the browser (File > Save Page As)")]
    extractor = _TextExtractor()
    extractor.feed(_defuse(_NEWLINE_REF.sub("&#32;", markup)))
    extractor.close()
    text = extractor.text()
    if not text.strip():
        return None, [*diagnostics, Diagnostic(
            SOURCES_NO_TEXT, f"{source_id}: the page has no visible text",
            Location(path, 1),
            "if the page builds its text with JavaScript, save it after it has loaded, or print it to PDF")]
    meta = SourceMeta(title=extractor.title or extractor.og_title or extractor.h1,
                      author=extractor.author)
    return Source(source_id, path, KIND, text, meta, line_map=extractor.line_map()), diagnostics


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
                SOURCES_ENCODING,
                f"{source_id}: the page declares the encoding '{label}', which browsers refuse to "
                "decode (the WHATWG Encoding Standard reads it as one U+FFFD); no text to check",
                where, "save the page again as UTF-8")]
        # An unknown label is ignored, as browsers ignore it; say so, since the author meant one.
        diagnostics.append(Diagnostic(
            SOURCES_ENCODING,
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
            SOURCES_ENCODING,
            f"{source_id}: bytes that are not valid {encoding} were replaced with U+FFFD",
            Location(path, line), "save the page again as UTF-8", Severity.WARNING)]


class _TextExtractor(HTMLParser):
    """Collects visible text as a browser lays it out, owing at most one break at a time, and
    the file line each stretch of it comes from (issue 15 §6: reports give file lines)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._length = 0  # characters in _out
        self._mark_offsets: list[int] = []  # from each offset on, the text is on the file line
        self._mark_lines: list[int] = []
        self._pending = 0  # newlines owed before the next text: 1 after <br>, 2 at a block edge
        self._skip: Skipped | None = None  # the element whose content is being skipped
        self._script: tuple[str, int, int] | None = None  # open sup/sub: tag, depth, first piece
        self._guard: scripts.Placed | None = None  # the last sup/sub, which text must not join
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
        self._end_script()
        return "".join(self._out).rstrip()

    def line_map(self) -> LineMap:
        return LineMap(tuple(self._mark_offsets), tuple(self._mark_lines))

    @property
    def title(self) -> str:
        return _SPACE.sub(" ", "".join(self._title)).strip()

    @property
    def h1(self) -> str:
        return _SPACE.sub(" ", "".join(self._h1)).strip()

    # --- tokens ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip is not None:
            if not self._skip.start(tag):
                return
            self._skip = None  # a tag that closes the skipped element is seen as usual
        if tag in _HIDDEN or (self._svg and tag in ("title", "desc")) or (
                tag == "title" and self._title_state) or (attrs and tag not in _VOID and hides(attrs)):
            # Not text: scripts and the like, deletions (as the DOCX reader skips them), content
            # hidden by `hidden` or an inline style, a second <title> (issue 15 §5).
            self._skip = Skipped(tag)
        elif tag == "meta":
            self._meta(dict(attrs))
        elif tag == "svg":
            self._svg += 1
        elif tag == "title":
            self._title_state = 1
        elif tag in ("sup", "sub"):
            self._start_script(tag)
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
        if self._skip is not None:
            ended = self._skip.end(tag)
            if ended != "closed-by":
                self._skip = None if ended == "closed" else self._skip
                return
            self._skip = None  # an ancestor's end tag closed it: that tag is read as usual
        if tag == "svg":
            self._svg = max(0, self._svg - 1)
        elif tag == "title":
            self._title_state = 2 if self._title_state else 0
        elif tag in ("sup", "sub"):
            self._end_script(tag)
        elif tag == "br":  # browsers read a stray `</br>` as `<br>`
            self._pending = min(self._pending + 1, 2)
        elif tag in _BLOCK:
            self._pending = 2
            if tag == "pre":
                self._pre = max(0, self._pre - 1)
            elif tag == "h1" and self._h1_state == 1:
                self._h1_state = 2

    def handle_data(self, data: str) -> None:
        if self._skip is not None:
            return
        if self._title_state == 1:
            self._title.append(data)
            return
        if self._h1_state == 1:
            self._h1.append(data)
        line = self.getpos()[0]  # where this run of text starts in the file
        if self._pre:
            data = data.replace("\r\n", "\n")
            if self._pre_start and data.startswith("\n"):
                data = data[1:]  # a newline right after <pre> is not content (HTML spec)
                line += 1
            self._pre_start = False
            breaks = [(m.end(), line + n) for n, m in enumerate(re.finditer("\n", data), 1)]
            self._emit(data.replace("\r", "\n"), False, line, breaks)
        elif "\n" in data:
            text, breaks = _collapse(data, line)
            self._emit(text, True, line, breaks)
        else:
            self._emit(_SPACE.sub(" ", data), True, line)
    def parse_comment(self, i: int, report: bool = True) -> int:
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

    def _emit(self, chunk: str, collapse: bool, line: int, breaks: Sequence[tuple[int, int]] = ()) -> None:
        """Append text from file line `line`; `breaks` are (offset in chunk, file line) where a
        newline of the file fell within it."""
        shift = 0
        if collapse and (self._pending or not self._out or self._out[-1][-1] in " \n"):
            shift = len(chunk) - len(chunk.lstrip(" "))
            chunk = chunk[shift:]
        if not chunk:
            return
        if self._pending and self._out:
            # Breaks come only from `_pending`: spaces or a <pre>'s newlines before it go.
            while self._out and self._out[-1][-1] in " \n":
                stripped = self._out[-1].rstrip(" \n")
                self._length -= len(self._out[-1]) - len(stripped)
                self._out[-1] = stripped
                if not stripped:
                    self._out.pop()
            if self._out:
                self._append("\n" * self._pending)
        elif self._guard is not None and scripts.joins(self._guard.text, chunk, self._guard.letters):
            self._append(" ")  # text right after a superscript must not join it (issue 15 §5)
        self._pending = 0
        self._guard = None
        lines = self._mark_lines
        if not lines or lines[-1] != line or self._mark_offsets[-1] > self._length:
            self._mark(self._length, line)
        for offset, at in breaks:
            self._mark(self._length + max(0, offset - shift), at)
        self._out.append(chunk)
        self._length += len(chunk)

    def _append(self, piece: str) -> None:
        self._out.append(piece)
        self._length += len(piece)

    def _mark(self, offset: int, line: int) -> None:
        """From `offset` on, the text comes from file `line` (a later mark at an offset wins)."""
        while self._mark_offsets and self._mark_offsets[-1] >= offset:
            self._mark_offsets.pop()
            self._mark_lines.pop()
        if not self._mark_lines or self._mark_lines[-1] != line:
            self._mark_offsets.append(offset)
            self._mark_lines.append(line)

    def _start_script(self, tag: str) -> None:
        if self._script is not None:  # nested: the outermost one is placed as a whole
            kind, depth, first = self._script
            self._script = (kind, depth + 1, first)
        else:
            self._script = (tag, 1, len(self._out))

    def _end_script(self, tag: str = "") -> None:
        """At the end of the outermost <sup>/<sub> (or of the page), set its text as
        `scripts.place` says, so it never joins the number or word before or after it."""
        if self._script is None:
            return
        kind, depth, first = self._script
        if tag and depth > 1:
            self._script = (kind, depth - 1, first)
            return
        self._script = None
        content = "".join(self._out[first:])
        if not content.strip() or "\n" in content:
            return  # nothing raised, or blocks inside it: leave it as it came
        del self._out[first:]
        self._length -= len(content)
        cut = bisect.bisect_right(self._mark_offsets, self._length)
        marks = [(o - self._length, n) for o, n in zip(self._mark_offsets[cut:], self._mark_lines[cut:])]
        del self._mark_offsets[cut:], self._mark_lines[cut:]
        before = "" if self._pending else "".join(self._out[-3:])[-16:]
        lead = content[: len(content) - len(content.lstrip(" "))]
        placed = scripts.place(kind, content.strip(" "), before + lead)
        extra = int(placed.space_before)  # same length otherwise: superscript digits are 1 for 1
        self._emit(lead + " " * extra + placed.text, True, self._line_at(self._length),
                   [(o + extra * (o >= len(lead)), n) for o, n in marks])
        if content.endswith(" "):
            self._append(" ")
        else:
            self._guard = placed

    def _line_at(self, offset: int) -> int:
        at = bisect.bisect_right(self._mark_offsets, offset) - 1
        return self._mark_lines[at] if at >= 0 else self.getpos()[0]

    def _meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("property") or attrs.get("name") or "").strip().lower()
        content = _SPACE.sub(" ", attrs.get("content") or "").strip()
        if key == "og:title" and not self.og_title:
            self.og_title = content
        elif key == "author" and not self.author:
            self.author = content


def _collapse(data: str, line: int) -> tuple[str, list[tuple[int, int]]]:
    """HTML whitespace runs as one space; and where each run that crosses lines of the file
    ends in the result, with the file line there (`data` starts on `line`)."""
    out: list[str] = []
    breaks: list[tuple[int, int]] = []
    at = length = 0
    for match in _LINE_BREAK.finditer(data):  # a run per line of the file, not per word
        piece = _SPACE.sub(" ", data[at:match.start()]) + " "
        out.append(piece)
        length += len(piece)
        line += data.count("\n", match.start(), match.end())
        breaks.append((length, line))
        at = match.end()
    out.append(_SPACE.sub(" ", data[at:]))
    return "".join(out), breaks


_LINE_BREAK = re.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*")
