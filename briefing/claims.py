"""Parses claims.yaml into a Briefing with LINE:COL for every problem; only load_claims reads a file."""

from __future__ import annotations

import difflib
import gc
import os
import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.config import DEFAULT_SETTINGS, Settings
from briefing.models import Briefing, Citation, Claim, Diagnostic, Location, Section, line_at, line_starts

# Safe loading only: we compose the node tree (never construct Python objects) and read
# each scalar's raw text, so `date: 2013-12-12`, `id: no` and `quote: 63` stay strings.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TOP_KEYS = ("title", "subtitle", "author", "date", "summary", "sections")
SECTION_KEYS = ("heading", "claims")
CLAIM_KEYS = ("id", "text", "source", "quote", "citations", "exempt_figures")
CITATION_KEYS = ("source", "quote")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

_NULL = "tag:yaml.org,2002:null"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
# Characters YAML refuses (outside its printable set); found here so the position is exact.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Anchors and aliases sit where a node starts: at a line's start or after an indicator (and
# perhaps a tag); only a file with such a spot pays for a second pass over the YAML events.
_MAYBE_ANCHOR = re.compile(r"(?:^|[:?,\[{-])[ \t]*(?:![^\s]*[ \t]+)?[&*][^\s,\[\]{}]", re.MULTILINE)
_TOP = "the claims file"  # the owner of top-level keys, as messages name it
_ALIAS_MESSAGE = "YAML aliases and anchors are not allowed in claims files"
_MAX_REPEATS = 20  # anchors or control characters reported one by one (anchors then summed up)
_HINTS = {  # what to write when a key is missing (or, for lists, empty)
    "sections": "add at least one section with 'heading' and 'claims'",
    "claims": "add at least one claim with 'id', 'text', 'source' and 'quote'",
    "citations": "add at least one '{source: ..., quote: ...}' item, or use 'source' and 'quote'",
    "title": "add 'title: \"...\"' at the top of the file",
    "heading": "add 'heading: \"...\"' to the section",
    "id": "add 'id: a-short-name' (letters, digits, '.', '_' and '-')",
    "text": "add 'text: \"...\"' with the sentence as it will appear in the briefing",
    "source": "add 'source: SOURCE-ID' (a file name in sources/ without its extension)",
    "quote": "add 'quote: \"...\"' with the exact words from the source",
}
_SYNTAX_HINTS = (  # (words in PyYAML's or libyaml's problem or context, what to do)
    ("mapping values are not allowed", "put text that contains ': ' in double quotes"),
    ("quoted scalar", "close the quotation mark; inside double quotes write \\\" for a quote character"),
    ("expected ':'", "each line needs 'key: value' at the right indentation; quote text that runs on"),
    ("block mapping", "each line needs 'key: value' at the right indentation; quote text that runs on"),
    ("cannot start any token", "put text that starts with a special character (@, `, %, |, >) in quotes"),
)

Result = tuple[Briefing | None, tuple[Diagnostic, ...]]
Fields = dict[str, tuple[ScalarNode, Node]]


def load_claims(path: str | os.PathLike[str], settings: Settings = DEFAULT_SETTINGS) -> Result:
    """Read the claims file at `path` (shown as given in every location) and parse it."""
    shown = os.fspath(path)
    limit = settings.claims_max_bytes
    try:
        if os.path.isdir(path):
            return None, (Diagnostic("claims.unreadable", f"claims path is a directory, not a file: {shown}",
                                     None, "pass the YAML file itself, e.g. --claims DIR/claims.yaml"),)
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = b"" if size > limit else file.read(limit + 1)  # a pipe reports size 0
    except (FileNotFoundError, NotADirectoryError):
        return None, (Diagnostic("claims.missing", f"claims file not found: {shown}", None,
                                 "check the path, or pass the file with --claims FILE"),)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        return None, (Diagnostic("claims.unreadable", f"cannot read claims file {shown}: {reason}", None,
                                 "check that the file exists and that you may read it"),)
    if size > limit:
        return None, (_too_large(size, limit, shown),)
    return parse_claims(data, shown, settings)


def parse_claims(data: bytes | str, path: str, settings: Settings = DEFAULT_SETTINGS) -> Result:
    """Parse claims YAML; the Briefing is None when any error was found, and every error is listed."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > settings.claims_max_bytes:
        return None, (_too_large(size, settings.claims_max_bytes, path),)
    text, problems = _decode(data, path)
    if text is None:
        return None, problems
    # Composing builds hundreds of thousands of nodes and no cycles; the cyclic collector
    # would rescan them over and over (measured: 10,000 claims in 0.24 s instead of 0.45 s).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_text(text, path)
    finally:
        if collecting:
            gc.enable()


def _parse_text(text: str, path: str) -> Result:
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        return None, (_syntax(exc, text, path),)
    except yaml.YAMLError as exc:  # a reader error _CONTROL missed: no reliable mark
        return None, (Diagnostic("claims.syntax", str(exc).splitlines()[0].lower(), Location(path, 1, 1),
                                 "save the file as plain UTF-8 text"),)
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL and not root.value):
        return None, (Diagnostic("claims.empty", "claims file is empty", Location(path, 1, 1),
                                 "start with 'title:' and a 'sections:' list (see the README)"),)
    walker = _Walker(path, text)
    if _MAYBE_ANCHOR.search(text):
        walker.anchors(text)
    briefing = walker.briefing(root)
    diagnostics = tuple(sorted(walker.diagnostics, key=lambda d: (d.location.line, d.location.col)
                               if d.location else (0, 0)))
    return (None if diagnostics else briefing), diagnostics


def _too_large(size: int, limit: int, path: str) -> Diagnostic:
    message = f"claims file is {size:,} bytes, more than the limit of {limit:,} bytes"
    return Diagnostic("claims.too-large", message, Location(path, 1, 1), "check that this is the claims file")


def _decode(data: bytes | str, path: str) -> tuple[str | None, tuple[Diagnostic, ...]]:
    """Bytes to text without a BOM, or the diagnostics that say why that is impossible."""
    binary = ("claims.binary", "claims file contains a NUL byte: it looks binary, not YAML")
    binary_hint = "pass the YAML claims file, not a binary file"
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, (Diagnostic("claims.encoding", "claims file is UTF-16, not UTF-8",
                                     Location(path, 1, 1), "save the file as UTF-8"),)
        if (nul := data.find(b"\x00")) != -1:
            return None, (Diagnostic(*binary, _byte_location(data, nul, path), binary_hint),)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, (Diagnostic("claims.encoding", f"claims file is not valid UTF-8 (byte "
                                     f"0x{data[exc.start]:02x})", _byte_location(data, exc.start, path),
                                     "save the file as UTF-8"),)
    else:
        text = data.removeprefix("\ufeff")
        if "\x00" in text:
            return None, (Diagnostic(*binary, _char_location(text, text.index("\x00"), path), binary_hint),)
    problems = tuple(
        Diagnostic("claims.control-char", f"control character U+{ord(m.group()):04X} is not allowed in YAML",
                   _char_location(text, m.start(), path),
                   "delete it (it is usually invisible, pasted in from a PDF or a web page)")
        for m, _ in zip(_CONTROL.finditer(text), range(_MAX_REPEATS)))
    return (None, problems) if problems else (text, ())


def _byte_location(data: bytes, offset: int, path: str) -> Location:
    start = data.rfind(b"\n", 0, offset) + 1
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        start = 3
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    return Location(path, data.count(b"\n", 0, offset) + 1, column)


def _char_location(text: str, offset: int, path: str) -> Location:
    return Location(path, text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset))


def _syntax(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """A YAML error at the mark of the problem, worded for people who do not know YAML."""
    mark = exc.problem_mark or exc.context_mark
    index = min(mark.index, len(text)) if mark is not None else 0
    location = _char_location(text, index, path)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "") if exc.problem else ""
    if "alias" in problem:
        return Diagnostic("claims.alias", _ALIAS_MESSAGE, location, "write the value out in full")
    if text[index:index + 1] == "\t" or "tab" in problem:
        return Diagnostic("claims.syntax", "tabs are not allowed in YAML indentation", location,
                          "indent with spaces, not tabs")
    if "single document" in context:
        return Diagnostic("claims.syntax", "claims file holds more than one YAML document", location,
                          "keep one document: remove the second '---'")
    message = problem
    context_line = _char_location(text, exc.context_mark.index, path).line if exc.context_mark else 0
    if context and context_line != location.line:
        message += f" ({context} at line {context_line})"
    hint = next((hint for needle, hint in _SYNTAX_HINTS if needle in f"{problem} {context}"),
                "check the indentation and quoting on this line and the one above")
    return Diagnostic("claims.syntax", message, location, hint)


def _kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return "empty" if node.tag == _NULL else "a number" if node.tag in _NUMBER_TAGS else "text"
    return "a mapping" if isinstance(node, MappingNode) else "a list"


def _empty(node: Node) -> bool:
    """A YAML null (`key:` with nothing after it, `~`) or an empty list."""
    if isinstance(node, ScalarNode):
        return node.tag == _NULL
    return isinstance(node, SequenceNode) and not node.value


def _peek(node: MappingNode, key: str) -> str:
    """A mapping's scalar value for `key` before validation, to name it in messages."""
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key and isinstance(value, ScalarNode):
            return value.value.strip()
    return ""


class _Walker:
    """Walks the composed node tree once, collecting every problem with its position."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        self.ids: dict[str, int] = {}
        self.seen: set[int] = set()  # an alias is the same node object again: visit each once
        # YAML also breaks lines at U+0085/U+2028/U+2029; editors do not, so count "\n" only.
        self.starts = line_starts(text) if re.search("[\x85\u2028\u2029]", text) else None

    def location(self, node: Node | yaml.Event) -> Location:
        mark = node.start_mark
        if self.starts is None:
            return Location(self.path, mark.line + 1, mark.column + 1)
        line = line_at(self.starts, mark.index)
        return Location(self.path, line, mark.index - self.starts[line - 1] + 1)

    def error(self, code: str, message: str, node: Node, hint: str) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.location(node), hint))

    def anchors(self, text: str) -> None:
        """Report anchors and aliases from the event stream, which (unlike nodes) still names them."""
        count, rest = 0, None
        for event in yaml.parse(text, Loader=_LOADER):
            name = getattr(event, "anchor", None)
            if not name:
                continue
            count += 1
            if count <= _MAX_REPEATS:
                sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
                self.diagnostics.append(Diagnostic("claims.alias", _ALIAS_MESSAGE, self.location(event),
                                                   f"remove '{sign}{name}' and write the value out in full"))
            elif rest is None:
                rest = self.location(event)
        if rest is not None:
            message = f"{count - _MAX_REPEATS} more YAML aliases and anchors, not shown"
            hint = "remove every '&name' and '*name'"
            self.diagnostics.append(Diagnostic("claims.alias", message, rest, hint))

    def fresh(self, node: Node) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def fields(self, node: MappingNode, allowed: tuple[str, ...], owner: str) -> Fields:
        found: Fields = {}
        where = "at the top level" if owner == _TOP else f"in {owner}"
        for key_node, value in node.value:
            key = key_node.value
            if not isinstance(key_node, ScalarNode):
                self.error("claims.type", f"keys must be text, not {_kind(key_node)}", key_node,
                           "write each key as a plain word followed by ':'")
            elif key in found:
                first = self.location(found[key][0]).line
                self.error("claims.duplicate-key", f"duplicate key '{key}' {where} (first used at line "
                           f"{first})", key_node, f"remove one of the two '{key}' lines")
            elif key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                self.error("claims.unknown-key", f"unknown key '{key}' {where}", key_node,
                           f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}")
            else:
                found[key] = (key_node, value)
        return found

    def text(self, fields: Fields, key: str, owner: str, mapping: Node | None = None,
             empty_code: str = "claims.empty-value") -> str | None:
        """A string field's raw text; with `mapping` it is required (missing or empty is an error)."""
        if key not in fields:
            if mapping is not None:
                self.error("claims.missing-key", f"{owner} has no '{key}'", mapping,
                           _HINTS[key])
            return None
        value = fields[key][1]
        if not isinstance(value, ScalarNode):
            of = "" if owner == _TOP else f" of {owner}"
            hint = (f"write {key}: \"...\" as one piece of text"
                    if key != "quote" or isinstance(value, MappingNode)
                    else "for several quotes use a 'citations' list of {source, quote} items")
            self.error("claims.type", f"'{key}'{of} must be text, not {_kind(value)}", value, hint)
            return None
        # Only the newline a block scalar (| or >) ends with, and other trailing space, goes.
        result = "" if value.tag == _NULL else value.value.rstrip()
        if mapping is not None and not result:
            self.error(empty_code, f"{owner} has an empty '{key}'", value,
                       "copy the exact words from the source" if key == "quote" else f"fill in '{key}'")
            return None
        return result

    def items(self, fields: Fields, key: str, owner: str, mapping: Node) -> list[Node] | None:
        """A required non-empty list field's items."""
        if key not in fields:
            self.error("claims.missing-key", f"{owner} has no '{key}'", mapping, _HINTS[key])
            return None
        key_node, value = fields[key]
        if _empty(value):
            self.error("claims.empty-list", f"{owner} has an empty '{key}' list", key_node,
                       _HINTS[key])
            return None
        if not isinstance(value, SequenceNode):
            of = "" if owner == _TOP else f" of {owner}"
            self.error("claims.type", f"'{key}'{of} must be a list, not {_kind(value)}", value,
                       f"write each item of '{key}' on its own line starting with '- '")
            return None
        return value.value if self.fresh(value) else None

    def mapping(self, node: Node, label: str, needs: str) -> bool:
        if isinstance(node, MappingNode):
            return self.fresh(node)
        self.error("claims.type", f"{label} must be a mapping with {needs}, not {_kind(node)}", node,
                   f"write {label} as 'key: value' lines with {needs}")
        return False

    def briefing(self, root: Node) -> Briefing | None:
        if not isinstance(root, MappingNode):
            self.error("claims.not-a-mapping",
                       f"claims file must be a mapping with 'title' and 'sections', not {_kind(root)}", root,
                       "start the file with 'title: \"...\"' and a 'sections:' list, no '- ' before them")
            return None
        fields = self.fields(root, TOP_KEYS, _TOP)
        title = self.text(fields, "title", _TOP, root)
        optional = {key: self.text(fields, key, _TOP) or "" for key in TOP_KEYS[1:5]}
        items = self.items(fields, "sections", _TOP, root)
        sections = [self.section(node, n) for n, node in enumerate(items or (), 1)]
        if title is None or items is None or None in sections:
            return None
        return Briefing(self.path, title, tuple(sections), **optional)  # type: ignore[arg-type]

    def section(self, node: Node, number: int) -> Section | None:
        if not self.mapping(node, f"section {number}", "'heading' and 'claims'"):
            return None
        peeked = _peek(node, "heading")
        owner = f"section '{peeked}'" if peeked else f"section {number}"
        fields = self.fields(node, SECTION_KEYS, owner)
        heading = self.text(fields, "heading", owner, node)
        items = self.items(fields, "claims", owner, node)
        claims = [self.claim(item, n, owner) for n, item in enumerate(items or (), 1)]
        if heading is None or items is None or None in claims:
            return None
        line = self.location(fields["heading"][1]).line
        return Section(heading, tuple(claims), line)  # type: ignore[arg-type]

    def claim(self, node: Node, number: int, section: str) -> Claim | None:
        if not self.mapping(node, f"claim {number} of {section}", "'id', 'text', 'source' and 'quote'"):
            return None
        peeked = _peek(node, "id")
        owner = f"claim '{peeked}'" if peeked else f"claim {number} of {section}"
        fields = self.fields(node, CLAIM_KEYS, owner)
        claim_id = self.text(fields, "id", owner, node)
        if claim_id is not None:
            self.check_id(claim_id, fields["id"][1])
        text = self.text(fields, "text", owner, node)
        citations = self.citations(fields, owner, node)
        exempt = self.exempt(fields, owner)
        if claim_id is None or text is None or citations is None or exempt is None:
            return None
        where = self.location(node.value[0][0])  # the first key, also inside a flow mapping's braces
        return Claim(claim_id, text, citations, where.line, where.col, exempt,
                     self.location(fields["text"][1]).line)

    def check_id(self, claim_id: str, node: Node) -> None:
        if not ID_PATTERN.fullmatch(claim_id):
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", claim_id).strip("-._")
            self.error("claims.bad-id", f"claim id '{claim_id}' may only use letters, digits, '.', '_' "
                       "and '-', starting with a letter or digit", node,
                       f"try '{slug}'" if slug else "use an id such as 'death-toll'")
        if claim_id in self.ids:
            self.error("claims.duplicate-id", f"duplicate claim id '{claim_id}' (first used at line "
                       f"{self.ids[claim_id]})", node, "give each claim its own id")
        else:
            self.ids[claim_id] = self.location(node).line

    def citations(self, fields: Fields, owner: str, node: MappingNode) -> tuple[Citation, ...] | None:
        single = "source" in fields or "quote" in fields
        if "citations" not in fields:
            if single:
                citation = self.citation(fields, owner, node)
                return None if citation is None else (citation,)
            self.error("claims.missing-key", f"{owner} has no 'source' and 'quote', nor 'citations'", node,
                       "add 'source: SOURCE-ID' and 'quote: \"exact words\"', or a 'citations' list")
            return None
        if single:
            self.error("claims.both-forms", f"{owner} has both 'citations' and 'source'/'quote'",
                       fields["citations"][0], "keep one form: move 'source' and 'quote' into 'citations'")
            self.citation(fields, owner, node)
        items = self.items(fields, "citations", owner, node)
        found = []
        for n, item in enumerate(items or (), 1):
            label = f"citation {n} of {owner}"
            if self.mapping(item, label, "'source' and 'quote'"):
                found.append(self.citation(self.fields(item, CITATION_KEYS, label), label, item))
            else:
                found.append(None)
        if single or items is None or None in found:
            return None
        return tuple(found)  # type: ignore[arg-type]

    def citation(self, fields: Fields, owner: str, node: Node) -> Citation | None:
        source = self.text(fields, "source", owner, node)
        quote = self.text(fields, "quote", owner, node, empty_code="claims.empty-quote")
        if source is None or quote is None:
            return None
        where = self.location(fields["quote"][1])
        return Citation(source, quote, where.line, where.col)

    def exempt(self, fields: Fields, owner: str) -> tuple[str, ...] | None:
        """Figures the author states on their own authority: a list of text, possibly empty."""
        if "exempt_figures" not in fields or _empty(fields["exempt_figures"][1]):
            return ()
        value = fields["exempt_figures"][1]
        hint = "write exempt_figures: [\"five\"]"
        if not isinstance(value, SequenceNode):
            self.error("claims.type", f"'exempt_figures' of {owner} must be a list, not {_kind(value)}",
                       value, hint)
            return None
        figures = []
        for item in value.value:
            if not isinstance(item, ScalarNode):
                self.error("claims.type", f"each item of 'exempt_figures' of {owner} must be text, "
                           f"not {_kind(item)}", item, hint)
            elif item.tag == _NULL or not item.value.strip():
                self.error("claims.empty-value", f"{owner} has an empty item in 'exempt_figures'", item,
                           "remove the empty item")
            else:
                figures.append(item.value.strip())
        return tuple(figures) if len(figures) == len(value.value) else None
