"""Parses claims.yaml into a Briefing with LINE:COL for every problem; only load_claims reads a file.

Structure is checked against the claims JSON Schema (`briefing/schema.py`), the same file
editors use; this module words each problem for people and builds the Briefing.
"""

from __future__ import annotations

import difflib
import gc
import os
import re
import unicodedata

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.config import DEFAULT_SETTINGS, Settings
from briefing.models import Briefing, Citation, Claim, Diagnostic, Location, Section, line_at, line_starts
from briefing.schema import Problem, claims_schema, entries, resolve, validate

# Safe loading only: we compose the node tree (never construct Python objects) and read
# each scalar's raw text, so `date: 2013-12-12`, `id: no` and `quote: 63` stay strings.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The keys each mapping may have, as the schema lists them (and in its order).
_SCHEMA = claims_schema()
TOP_KEYS = tuple(_SCHEMA["properties"])
SECTION_KEYS = tuple(_SCHEMA["definitions"]["section"]["properties"])
CLAIM_KEYS = tuple(_SCHEMA["definitions"]["claim"]["properties"])
CITATION_KEYS = tuple(_SCHEMA["definitions"]["citation"]["properties"])

_NULL = "tag:yaml.org,2002:null"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
# Characters YAML refuses (outside its printable set); found here so the position is exact.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Anchors and aliases sit where a node starts: at a line's start or after an indicator (and
# perhaps a tag); only a file with such a spot pays for a second pass over the YAML events.
_MAYBE_ANCHOR = re.compile(r"(?:^|[:?,\[{-])[ \t]*(?:![^\s]*[ \t]+)?[&*][^\s,\[\]{}]", re.MULTILINE)
# Bidi embeddings, overrides and isolates reorder how text shows (Trojan Source): refused in
# the fields the briefing prints; in `text` also any format character next to a digit
# ("6<ZWSP>13"). A quote keeps them: it then fails against its source, which names them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_READ_FIELDS = ("title", "summary", "heading", "text")
_TOP = "the claims file"  # the owner of top-level keys, as messages name it
_ALIAS_MESSAGE = "YAML aliases and anchors are not allowed in claims files"
# libyaml's composer recurses in C once per nesting level and overflows the C stack (SIGSEGV)
# at about 25,000 levels (issue 6); no claims file nests more than a handful.
MAX_DEPTH = 5000
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
    # A backslash starts an escape inside double quotes; these come before "quoted scalar".
    ("invalid Unicode character escape", "write the character itself; \\ud800 to \\udfff are halves of a "
     "pair, not characters"),
    ("unknown escape character", "inside double quotes write \\\\ for a backslash, or use single quotes"),
    ("expected hexdecimal number", "write \\x with 2 hex digits, \\u with 4 or \\U with 8, or write the "
     "character itself"),
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
            data = b"" if size > limit else _read_upto(file, size + 1, limit + 1)
            size = max(size, len(data))
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


def _read_upto(file, first: int, most: int) -> bytes:
    """The file's bytes, at most `most`: `first` (its size + 1) in one read, then in chunks, so
    a pipe (size 0) or a growing file is read without allocating `most` bytes up front."""
    chunks = [file.read(first)]
    total = len(chunks[0])
    while total < most and (chunk := file.read(min(1 << 20, most - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


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


def _too_deep(text: str, path: str) -> Diagnostic | None:
    """The first node nested deeper than MAX_DEPTH, found from the events before composing."""
    if (text.count("[") + text.count("{") < MAX_DEPTH // 2 and not re.search(r"(?m)^ {400}", text)
            and not re.search(r"(?:[-?:][ \t]+){50}", text)):
        return None  # cannot nest deeply: each level needs a bracket, an indent or an indicator
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return _deep_diagnostic(_char_location(text, min(event.start_mark.index, len(text)), path))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its wording
    return None


def _deep_diagnostic(location: Location) -> Diagnostic:
    return Diagnostic("claims.too-deep", f"claims file nests lists or mappings more than {MAX_DEPTH:,} deep",
                      location, "a claims file needs only a few levels: title, sections, claims, citations")


def _parse_text(text: str, path: str) -> Result:
    if (deep := _too_deep(text, path)) is not None:
        return None, (deep,)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except RecursionError:
        return None, (_deep_diagnostic(Location(path, 1, 1)),)
    except yaml.MarkedYAMLError as exc:
        return None, (_syntax(exc, text, path),)
    except yaml.YAMLError as exc:  # a reader error _CONTROL missed: no reliable mark
        return None, (Diagnostic("claims.syntax", str(exc).splitlines()[0].lower(), Location(path, 1, 1),
                                 "save the file as plain UTF-8 text"),)
    if root is None or (isinstance(root, ScalarNode) and root.tag == _NULL and not root.value):
        return None, (Diagnostic("claims.empty", "claims file is empty", Location(path, 1, 1),
                                 "start with 'title:' and a 'sections:' list (see the README)"),)
    reader = _Reader(path, text)
    if _MAYBE_ANCHOR.search(text):
        reader.anchors(text)
    for problem in validate(root):
        reader.word(problem)
    reader.duplicate_ids(root)
    reader.invisible_chars(root, text)
    diagnostics = tuple(sorted(reader.diagnostics, key=lambda d: (d.location.line, d.location.col)
                               if d.location else (0, 0)))
    return (None if diagnostics else reader.briefing(root)), diagnostics


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
    # A line ends at CR LF, a lone CR or LF, as YAML and editors count them.
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        start = 3
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    return Location(path, line, column)


def _char_location(text: str, offset: int, path: str) -> Location:
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset) + 1
    return Location(path, line, offset - start)


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


def _peek(node: MappingNode, key: str) -> str:
    """A mapping's scalar value for `key` before validation, to name it in messages."""
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key and isinstance(value, ScalarNode):
            return value.value.strip()
    return ""


def _label(path: tuple[str | int, ...], nodes: tuple[Node, ...]) -> str:
    """How messages name the mapping at `path`: the claims file, a section, a claim or a citation."""
    label = _TOP
    for depth in range(2, len(path) + 1, 2):
        kind, number, node = path[depth - 2], int(path[depth - 1]) + 1, nodes[depth]
        if kind == "sections":
            peeked = _peek(node, "heading") if isinstance(node, MappingNode) else ""
            label = f"section '{peeked}'" if peeked else f"section {number}"
        elif kind == "claims":
            peeked = _peek(node, "id") if isinstance(node, MappingNode) else ""
            label = f"claim '{peeked}'" if peeked else f"claim {number} of {label}"
        else:
            label = f"citation {number} of {label}"
    return label


def _needs(schema: dict) -> str:
    """The keys a mapping needs, for messages: its required keys, then the first form of a oneOf."""
    keys = list(schema.get("required", ()))
    for branch in schema.get("oneOf", ())[:1]:
        keys += resolve(branch, _SCHEMA).get("required", [])
    quoted = [f"'{key}'" for key in keys]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else "".join(quoted)


def _types(schema: dict) -> tuple[str, ...]:
    expected = schema.get("type", ())
    return (expected,) if isinstance(expected, str) else tuple(expected)


def _blank(node: Node) -> bool:
    return isinstance(node, ScalarNode) and (node.tag == _NULL or not node.value.strip())


def _fields(node: MappingNode) -> Fields:
    return {key: (key_node, value) for key, key_node, value in entries(node)}


def _text(node: Node) -> str:
    # Only the newline a block scalar (| or >) ends with, and other trailing space, goes.
    return "" if node.tag == _NULL else node.value.rstrip()


class _Reader:
    """Words schema problems with their positions, finds duplicate ids, and builds the Briefing."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
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

    # --- wording each schema problem ------------------------------------------

    def word(self, problem: Problem) -> None:
        """One schema problem as a diagnostic (or several, for a oneOf)."""
        if problem.keyword in ("key-type", "duplicate-key", "additionalProperties", "required", "oneOf"):
            self.mapping_problem(problem, _label(problem.path, problem.nodes))
        elif not problem.path:
            self.error("claims.not-a-mapping", f"claims file must be a mapping with {_needs(problem.schema)}, "
                       f"not {_kind(problem.node)}", problem.node,
                       "start the file with 'title: \"...\"' and a 'sections:' list, no '- ' before them")
        elif isinstance(problem.path[-1], int):
            self.item_problem(problem)
        else:
            self.field_problem(problem, _label(problem.path[:-1], problem.nodes[:-1]))

    def mapping_problem(self, problem: Problem, owner: str) -> None:
        key, node = problem.key, problem.node
        where = "at the top level" if owner == _TOP else f"in {owner}"
        if problem.keyword == "key-type":
            self.error("claims.type", f"keys must be text, not {_kind(problem.key_node)}", problem.key_node,
                       "write each key as a plain word followed by ':'")
        elif problem.keyword == "duplicate-key":
            first = next(k for k, _ in node.value if isinstance(k, ScalarNode) and k.value == key)
            self.error("claims.duplicate-key", f"duplicate key '{key}' {where} (first used at line "
                       f"{self.location(first).line})", problem.key_node, f"remove one of the two '{key}' lines")
        elif problem.keyword == "additionalProperties":
            allowed = tuple(problem.schema.get("properties", ()))
            close = difflib.get_close_matches(key, allowed, n=1)
            self.error("claims.unknown-key", f"unknown key '{key}' {where}", problem.key_node,
                       f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}")
        elif problem.keyword == "required":
            self.error("claims.missing-key", f"{owner} has no '{key}'", node, _HINTS.get(key, f"add '{key}'"))
        else:
            self.forms(problem, owner)

    def forms(self, problem: Problem, owner: str) -> None:
        """A oneOf of key sets (source and quote, or citations): neither, both, or one incomplete."""
        node = problem.node
        present = _fields(node)
        needs = [list(resolve(b, _SCHEMA).get("required", ())) for b in problem.schema["oneOf"]]
        applying = [keys for keys in needs if any(key in present for key in keys)]
        named = [" and ".join(f"'{key}'" for key in keys) for keys in needs]
        if not applying:
            self.error("claims.missing-key", f"{owner} has no {named[0]}, nor {', nor '.join(named[1:])}", node,
                       "add 'source: SOURCE-ID' and 'quote: \"exact words\"', or a 'citations' list")
            return
        if len(applying) > 1:
            later = next(key for key in applying[-1] if key in present)
            first = "/".join(f"'{key}'" for key in applying[0])
            self.error("claims.both-forms", f"{owner} has both '{later}' and {first}", present[later][0],
                       f"keep one form: move {' and '.join(repr(k) for k in applying[0])} into '{later}'")
        missing = [key for keys in applying for key in keys if key not in present]
        for key in missing:
            self.error("claims.missing-key", f"{owner} has no '{key}'", node, _HINTS.get(key, f"add '{key}'"))
        if len(applying) == 1 and not missing:  # never pass a file the schema refuses, even unworded
            self.error("claims.type", f"{owner} does not match the claims schema", node, "see the README")

    def field_problem(self, problem: Problem, owner: str) -> None:
        key, node, types = str(problem.path[-1]), problem.node, _types(problem.schema)
        of = "" if owner == _TOP else f" of {owner}"
        if "array" in types:
            if problem.keyword == "minItems" or (problem.keyword == "type" and _blank(node) and "null" not in types):
                self.error("claims.empty-list", f"{owner} has an empty '{key}' list", problem.key_node or node,
                           _HINTS.get(key, f"add at least one item to '{key}'"))
            else:
                hint = ("write exempt_figures: [\"five\"]" if "null" in types
                        else f"write each item of '{key}' on its own line starting with '- '")
                self.error("claims.type", f"'{key}'{of} must be a list, not {_kind(node)}", node, hint)
        elif problem.keyword == "type" and not isinstance(node, ScalarNode):
            hint = (f"write {key}: \"...\" as one piece of text" if key != "quote" or isinstance(node, MappingNode)
                    else "for several quotes use a 'citations' list of {source, quote} items")
            self.error("claims.type", f"'{key}'{of} must be text, not {_kind(node)}", node, hint)
        elif _blank(node):
            self.error("claims.empty-quote" if key == "quote" else "claims.empty-value",
                       f"{owner} has an empty '{key}'", node,
                       "copy the exact words from the source" if key == "quote" else f"fill in '{key}'")
        elif key == "id":
            claim_id = _text(node)
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", claim_id).strip("-._")
            self.error("claims.bad-id", f"claim id '{claim_id}' may only use letters, digits, '.', '_' "
                       "and '-', starting with a letter or digit", node,
                       f"try '{slug}'" if slug else "use an id such as 'death-toll'")
        else:
            self.error("claims.type", f"'{key}'{of} does not match the pattern {problem.schema.get('pattern')}",
                       node, f"fix '{key}'")

    def item_problem(self, problem: Problem) -> None:
        node, types = problem.node, _types(problem.schema)
        if "object" in types:
            label = _label(problem.path, problem.nodes)
            needs = _needs(problem.schema)
            self.error("claims.type", f"{label} must be a mapping with {needs}, not {_kind(node)}", node,
                       f"write {label} as 'key: value' lines with {needs}")
            return
        key, owner = str(problem.path[-2]), _label(problem.path[:-2], problem.nodes[:-2])
        hint = f"write {key}: [\"five\"]"
        if isinstance(node, ScalarNode):
            self.error("claims.empty-value", f"{owner} has an empty item in '{key}'", node, "remove the empty item")
        else:
            self.error("claims.type", f"each item of '{key}' of {owner} must be text, not {_kind(node)}", node, hint)

    # --- what the schema cannot say -------------------------------------------

    def duplicate_ids(self, root: Node) -> None:
        """Claim ids are unique across the file; each later use is reported with the first's line."""
        first: dict[str, int] = {}
        seen: set[int] = set()
        for section in self._items(root, "sections", seen):
            for claim in self._items(section, "claims", seen):
                node = _fields(claim).get("id", (None, None))[1] if isinstance(claim, MappingNode) else None
                if not isinstance(node, ScalarNode) or not _text(node):
                    continue
                claim_id = _text(node)
                if claim_id in first:
                    self.error("claims.duplicate-id", f"duplicate claim id '{claim_id}' (first used at line "
                               f"{first[claim_id]})", node, "give each claim its own id")
                else:
                    first[claim_id] = self.location(node).line

    def invisible_chars(self, root: Node, text: str) -> None:
        """Refuse characters that make a field show other than it reads (see _BIDI)."""
        if not isinstance(root, MappingNode):
            return
        seen: set[int] = set()
        nodes: list[tuple[str, Node]] = []
        fields = _fields(root)
        nodes += [(key, fields[key][1]) for key in ("title", "summary") if key in fields]
        for section in self._items(root, "sections", seen):
            if isinstance(section, MappingNode):
                nodes += [(key, value) for key, (_, value) in _fields(section).items() if key == "heading"]
            for claim in self._items(section, "claims", seen):
                if not isinstance(claim, MappingNode):
                    continue
                nodes += [(key, value) for key, (_, value) in _fields(claim).items() if key in _READ_FIELDS]
        for key, node in nodes:
            if not isinstance(node, ScalarNode):
                continue
            value = node.value
            bad = [m.start() for m in _BIDI.finditer(value)]
            if key == "text":
                bad += [i for i, c in enumerate(value) if unicodedata.category(c) == "Cf"
                        and (value[i - 1:i].isdigit() or value[i + 1:i + 2].isdigit())]
            for i in sorted(set(bad))[:_MAX_REPEATS]:
                c = value[i]
                raw = text.find(c, node.start_mark.index, node.end_mark.index)
                where = (_char_location(text, raw, self.path) if raw != -1 and self.starts is None
                         else self.location(node))
                name = unicodedata.name(c, "unnamed character")
                self.diagnostics.append(Diagnostic(
                    "claims.invisible-char", f"'{key}' holds the invisible character U+{ord(c):04X} {name}, "
                    "which changes how the text shows", where,
                    "delete it (it is usually pasted in from a PDF or a web page)"))

    @staticmethod
    def _items(node: Node, key: str, seen: set[int]) -> list[Node]:
        if not isinstance(node, MappingNode) or id(node) in seen:
            return []
        seen.add(id(node))
        value = _fields(node).get(key, (None, None))[1]
        if not isinstance(value, SequenceNode) or id(value) in seen:
            return []
        seen.add(id(value))
        return value.value

    # --- building (only for a file with no problems) ---------------------------

    def briefing(self, root: MappingNode) -> Briefing:
        fields = _fields(root)
        optional = {key: _text(fields[key][1]) if key in fields else "" for key in TOP_KEYS[1:5]}
        sections = tuple(self.section(node) for node in fields["sections"][1].value)
        return Briefing(self.path, _text(fields["title"][1]), sections, **optional)

    def section(self, node: MappingNode) -> Section:
        fields = _fields(node)
        claims = tuple(self.claim(item) for item in fields["claims"][1].value)
        return Section(_text(fields["heading"][1]), claims, self.location(fields["heading"][1]).line)

    def claim(self, node: MappingNode) -> Claim:
        fields = _fields(node)
        if "citations" in fields:
            citations = tuple(self.citation(_fields(item)) for item in fields["citations"][1].value)
        else:
            citations = (self.citation(fields),)
        exempt = fields.get("exempt_figures", (None, None))[1]
        figures = tuple(item.value.strip() for item in exempt.value) if isinstance(exempt, SequenceNode) else ()
        where = self.location(node.value[0][0])  # the first key, also inside a flow mapping's braces
        return Claim(_text(fields["id"][1]), _text(fields["text"][1]), citations, where.line, where.col,
                     figures, self.location(fields["text"][1]).line)

    def citation(self, fields: Fields) -> Citation:
        quote = fields["quote"][1]
        where = self.location(quote)
        return Citation(_text(fields["source"][1]), _text(quote), where.line, where.col)
