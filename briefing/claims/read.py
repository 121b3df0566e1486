"""Parses claims.yaml into a Briefing with LINE:COL for every problem; only load_claims reads a file.

This module reads and decodes the bytes, enforces the size and depth limits and words YAML
syntax errors. Structure is checked against the claims JSON Schema (`briefing/schema.py`), the
same file editors use; `claims_nodes.py` words each problem for people and builds the Briefing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from briefing.claims import checks
from briefing.claims.nodes import (
    ALIAS_MESSAGE,
    CITATION_KEYS,
    CLAIM_KEYS,
    LOADER,
    MAX_REPEATS,
    NULL_TAG,
    SECTION_KEYS,
    TOP_KEYS,
    ClaimsReader,
    char_location,
)
from briefing.claims.schema import claims_only_schema, validate
from briefing.collector import paused

# What both modules use lives in claims_nodes, which must not import this one (no cycle).
from briefing.diagnostics import (
    CLAIMS_ALIAS,
    CLAIMS_BAD_LOGO,
    CLAIMS_BINARY,
    CLAIMS_CONTROL_CHAR,
    CLAIMS_EMPTY,
    CLAIMS_ENCODING,
    CLAIMS_MISSING,
    CLAIMS_SYNTAX,
    CLAIMS_TOO_DEEP,
    CLAIMS_TOO_LARGE,
    CLAIMS_UNREADABLE,
    Diagnostic,
    Location,
)
from briefing.house import LOGO_HINT, load_logo
from briefing.models import Briefing, Section
from briefing.settings import DEFAULT_SETTINGS, Settings

# The key lists sit beside the node walk that checks them; callers import them from here.
__all__ = ["CITATION_KEYS", "CLAIM_KEYS", "MAX_DEPTH", "Result", "SECTION_KEYS", "TOP_KEYS", "load_claims",
           "parse_claims"]

# Characters YAML refuses (outside its printable set); found here so the position is exact.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Anchors and aliases sit where a node starts: at a line's start or after an indicator (and
# perhaps a tag); only a file with such a spot (outside a `key: "..."` line, `_QUOTED_LINE`)
# pays for a second pass over the YAML events.
_MAYBE_ANCHOR = re.compile(r"(?:^|[:?,\[{-])[ \t]*(?:![^\s]*[ \t]+)?[&*][^\s,\[\]{}]", re.MULTILINE)
# libyaml's composer recurses in C once per nesting level and overflows the C stack (SIGSEGV)
# at about 25,000 levels (issue 6), and PyYAML 6.0.4 stops at 1,000 with its own error; no
# claims file nests more than a handful. Below both, so every allowed PyYAML gives this error.
MAX_DEPTH = 500
# A line holding only a `key: "..."` pair (perhaps after "- "): its brackets cannot open a
# collection. Wherever such a line stands (in a block, in a flow collection, inside a block or
# quoted scalar), they are text inside a scalar; or, if a scalar open from an earlier line
# closes at its first quote, a bracket after that is a syntax error before it nests.
_QUOTED_LINE = re.compile(
    '[ \t]*(?:- +)?[A-Za-z_][A-Za-z0-9_]*: +"[^"\\\\\n\r\x85\u2028\u2029]*'
    '(?:\\\\[^\n\r\x85\u2028\u2029][^"\\\\\n\r\x85\u2028\u2029]*)*"[ \t]*\r?')
_BRACKET = re.compile(r"[\[{]")
_ANCHOR_SIGN = re.compile("[&*]")
_OTHER_LINE_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_INDICATORS = re.compile(r"(?:[-?:][ \t]+){50}")
_TWO_INDICATORS = re.compile(r"[-?:][ \t]+[-?:][ \t]")
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
# Given a claims file's sections as soon as they are built, before the file is checked (see
# `parse_claims`).
Early = Callable[[tuple[Section, ...]], None]


def load_claims(path: str | os.PathLike[str], settings: Settings = DEFAULT_SETTINGS, prose: bool = False,
                early: Early | None = None) -> Result:
    """Read the claims file at `path` (shown as given in every location) and parse it; with
    `prose` (the project has briefing.md) the title and each claim's text are optional.
    `early`: as `parse_claims`'s."""
    shown = os.fspath(path)
    limit = settings.claims_max_bytes
    try:
        if os.path.isdir(path):
            return None, (Diagnostic(CLAIMS_UNREADABLE, f"claims path is a directory, not a file: {shown}",
                                     None, "pass the YAML file itself, e.g. --claims DIR/claims.yaml"),)
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = b"" if size > limit else _read_upto(file, size + 1, limit + 1)
            size = max(size, len(data))
    except (FileNotFoundError, NotADirectoryError):
        return None, (Diagnostic(CLAIMS_MISSING, f"claims file not found: {shown}", None,
                                 "check the path, or pass the file with --claims FILE"),)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        return None, (Diagnostic(CLAIMS_UNREADABLE, f"cannot read claims file {shown}: {reason}", None,
                                 "check that the file exists and that you may read it"),)
    if size > limit:
        return None, (_too_large(size, limit, shown),)
    briefing, diagnostics = parse_claims(data, shown, settings, prose, early)
    if briefing is not None and briefing.house.logo:
        # The logo's bytes, read now so that `check` refuses what `build` would (issue 16).
        logo = load_logo(Path(shown).parent, briefing.house.logo)
        if isinstance(logo, str):
            return None, (*diagnostics, Diagnostic(CLAIMS_BAD_LOGO, logo, Location(shown, briefing.house.logo_line),
                                                   LOGO_HINT))
    return briefing, diagnostics


def _read_upto(file, first: int, most: int) -> bytes:
    """The file's bytes, at most `most`: `first` (its size + 1) in one read, then in chunks, so
    a pipe (size 0) or a growing file is read without allocating `most` bytes up front."""
    chunks = [file.read(first)]
    total = len(chunks[0])
    if total < first:  # a short read is the end (one more read would allocate a MB to find nothing)
        return chunks[0]
    while total < most and (chunk := file.read(min(1 << 20, most - total))):
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def parse_claims(data: bytes | str, path: str, settings: Settings = DEFAULT_SETTINGS, prose: bool = False,
                 early: Early | None = None) -> Result:
    """Parse claims YAML; the Briefing is None when any error was found, and every error is listed.

    `early` is given the claims' sections as soon as they are built from the composed file,
    before the schema and the other checks have looked at it (issue 19: a check starts its
    workers on the quotes while the file is checked here): only where the file holds no anchor
    or alias (which repeat a part of it) and the sections could be built. The caller drops what
    it started unless the Briefing returned holds these very sections (`is`); it does where
    the file has no problem.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > settings.claims_max_bytes:
        return None, (_too_large(size, settings.claims_max_bytes, path),)
    text, problems = _decode(data, path)
    if text is None:
        return None, problems
    with paused():  # (composing builds hundreds of thousands of nodes, and no cycles)
        return _parse_text(text, path, prose, early)


def _too_deep(text: str, path: str) -> tuple[Diagnostic | None, list[yaml.Event] | None]:
    """The first node nested deeper than MAX_DEPTH, found from the events before composing;
    and, when the events were read to the end, those that carry an anchor or alias, so that
    `checks.anchors` need not read them again (issue 19: 0.07 s of 10,000 claims)."""
    # Cannot nest deeply: each level needs a bracket, or about half a column of indentation, or
    # an indicator on the line ("- - - x"); under these bounds the depth stays under MAX_DEPTH.
    if (_flow_brackets(text) < MAX_DEPTH // 2 and not _indented(text, 100)
            and not _many_indicators(text)):
        return None, None
    depth = 0
    anchored: list[yaml.Event] = []
    try:
        for event in yaml.parse(text, Loader=LOADER):
            if getattr(event, "anchor", None):
                anchored.append(event)
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    assert event.start_mark is not None  # the parser marks every event
                    return _deep_diagnostic(char_location(text, min(event.start_mark.index, len(text)), path)), None
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):
            # PyYAML 6.0.4 on scans flow brackets ahead and stops at its own limit (1,000) before
            # the event at ours is seen: the error stands where it stopped, on the same line.
            # (Without a mark, the start of the file, as for a RecursionError in compose.)
            at = min(exc.problem_mark.index, len(text)) if exc.problem_mark is not None else 0
            return _deep_diagnostic(char_location(text, at, path)), None
        return None, None  # compose reports the syntax error with its wording
    except yaml.YAMLError:
        return None, None
    return None, anchored


def _flow_brackets(text: str) -> int:
    """At least the number of '[' and '{' that open a collection: those inside a double-quoted
    value that fills the rest of its line (`key: "..."`) cannot (issue 19: real-text quotes
    hold braces, and counting them sent 10,000 claims through the YAML events, 0.1 s)."""
    count = text.count("[") + text.count("{")
    if count < MAX_DEPTH // 2:
        return count
    return sum(text.count("[", start, end) + text.count("{", start, end)
               for start, end in _lines_outside_quoted(_BRACKET, text))


def _lines_outside_quoted(chars: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line holding a match of `chars`, but the lines `_QUOTED_LINE`
    holds whole; lines end at "\n" (a file with other line ends has one long line)."""
    at = 0
    while found := chars.search(text, at):
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        end = len(text) if end == -1 else end
        if not _QUOTED_LINE.fullmatch(text, start, end):
            yield start, end
        at = end + 1


def _may_hold_anchors(text: str) -> bool:
    """Whether `_MAYBE_ANCHOR` holds on a line not held whole by `_QUOTED_LINE` (its matches
    stay within a line, and hold an "&" or a "*"). Lines are cut at "\n" alone, so a file
    that breaks lines otherwise too (a lone CR, U+0085, U+2028, U+2029: YAML's other line
    breaks) may hold one wherever it holds an "&" or a "*" (a review found an alias missed)."""
    if _OTHER_LINE_BREAK.search(text):
        return _ANCHOR_SIGN.search(text) is not None
    return any(_MAYBE_ANCHOR.search(text, start, end) for start, end in _lines_outside_quoted(_ANCHOR_SIGN, text))


def _indented(text: str, columns: int) -> bool:
    """Whether a line starts with `columns` spaces (as `(?m)^ {columns}`, without a regex)."""
    spaces = " " * columns
    return text.startswith(spaces) or "\n" + spaces in text


def _many_indicators(text: str) -> bool:
    """Whether a line holds 50 indicators in a row ("- - - x"). Such a run starts where two do,
    and two in a row are rare: only there is the slower pattern tried (issue 19: 0.04 s)."""
    return any(_INDICATORS.match(text, pair.start()) for pair in _TWO_INDICATORS.finditer(text))


def _deep_diagnostic(location: Location) -> Diagnostic:
    return Diagnostic(CLAIMS_TOO_DEEP, f"claims file nests lists or mappings more than {MAX_DEPTH:,} deep",
                      location, "a claims file needs only a few levels: title, sections, claims, citations")


def _parse_text(text: str, path: str, prose: bool = False, early: Early | None = None) -> Result:
    deep, anchored = _too_deep(text, path)
    if deep is not None:
        return None, (deep,)
    try:
        root = yaml.compose(text, Loader=LOADER)
    except RecursionError:
        return None, (_deep_diagnostic(Location(path, 1, 1)),)
    except yaml.MarkedYAMLError as exc:
        return None, (_syntax(exc, text, path),)
    except yaml.YAMLError as exc:  # a reader error _CONTROL missed: no reliable mark
        return None, (Diagnostic(CLAIMS_SYNTAX, str(exc).splitlines()[0].lower(), Location(path, 1, 1),
                                 "save the file as plain UTF-8 text"),)
    if root is None or (isinstance(root, ScalarNode) and root.tag == NULL_TAG and not root.value):
        return None, (Diagnostic(CLAIMS_EMPTY, "claims file is empty", Location(path, 1, 1),
                                 "start with 'title:' and a 'sections:' list (see the README)"),)
    reader = ClaimsReader(path, text)
    sections = None
    if anchored is not None or _may_hold_anchors(text):
        checks.anchors(reader, text, anchored)
    elif early is not None and (sections := _sections_ahead(reader, root)) is not None:
        early(sections)
    for problem in validate(root, None if prose else claims_only_schema()):
        reader.word(problem)
    checks.duplicate_ids(reader, root)
    checks.names(reader, root)
    house = checks.house_options(reader, root)
    checks.invisible_chars(reader, root, text)
    checks.escaped_controls(reader, root, text)
    diagnostics = tuple(sorted(reader.diagnostics, key=lambda d: (d.location.line, d.location.col)
                               if d.location else (0, 0)))
    if diagnostics:
        return None, diagnostics
    assert isinstance(root, MappingNode)  # the schema wants a mapping at the top, and found no problem
    return reader.briefing(root, house, sections), diagnostics


def _sections_ahead(reader: ClaimsReader, root: Node) -> tuple[Section, ...] | None:
    """The sections as `ClaimsReader.briefing` builds them, before the file is checked; None
    where they cannot be built. (Never on a file that may hold an alias: a part repeated by
    aliases of aliases would be built as often as it is repeated.)"""
    try:
        return reader.sections(root)
    except Exception:  # noqa: BLE001 - a file the schema refuses may break the building any way;
        return None  # the checks word its problems, and the file is built only once it has none


def _too_large(size: int, limit: int, path: str) -> Diagnostic:
    message = f"claims file is {size:,} bytes, more than the limit of {limit:,} bytes"
    return Diagnostic(CLAIMS_TOO_LARGE, message, Location(path, 1, 1), "check that this is the claims file")


def _decode(data: bytes | str, path: str) -> tuple[str | None, tuple[Diagnostic, ...]]:
    """Bytes to text without a BOM, or the diagnostics that say why that is impossible."""
    binary = (CLAIMS_BINARY, "claims file contains a NUL byte: it looks binary, not YAML")
    binary_hint = "pass the YAML claims file, not a binary file"
    if isinstance(data, bytes):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return None, (Diagnostic(CLAIMS_ENCODING, "claims file is UTF-16, not UTF-8",
                                     Location(path, 1, 1), "save the file as UTF-8"),)
        if (nul := data.find(b"\x00")) != -1:
            return None, (Diagnostic(*binary, _byte_location(data, nul, path), binary_hint),)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, (Diagnostic(CLAIMS_ENCODING, f"claims file is not valid UTF-8 (byte "
                                     f"0x{data[exc.start]:02x})", _byte_location(data, exc.start, path),
                                     "save the file as UTF-8"),)
    else:
        text = data.removeprefix("\ufeff")
        if "\x00" in text:
            return None, (Diagnostic(*binary, char_location(text, text.index("\x00"), path), binary_hint),)
    problems = tuple(
        Diagnostic(CLAIMS_CONTROL_CHAR, f"control character U+{ord(m.group()):04X} is not allowed in YAML",
                   char_location(text, m.start(), path),
                   "delete it (it is usually invisible, pasted in from a PDF or a web page)")
        for m, _ in zip(_CONTROL.finditer(text), range(MAX_REPEATS)))
    return (None, problems) if problems else (text, ())


def _byte_location(data: bytes, offset: int, path: str) -> Location:
    # A line ends at CR LF, a lone CR or LF, as YAML and editors count them.
    start = max(data.rfind(b"\n", 0, offset), data.rfind(b"\r", 0, offset)) + 1
    if start == 0 and data.startswith(b"\xef\xbb\xbf"):
        start = 3
    column = len(data[start:offset].decode("utf-8", "replace")) + 1
    line = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset) + 1
    return Location(path, line, column)


def _syntax(exc: yaml.MarkedYAMLError, text: str, path: str) -> Diagnostic:
    """A YAML error at the mark of the problem, worded for people who do not know YAML."""
    mark = exc.problem_mark or exc.context_mark
    index = min(mark.index, len(text)) if mark is not None else 0
    location = char_location(text, index, path)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "") if exc.problem else ""
    if "alias" in problem:
        return Diagnostic(CLAIMS_ALIAS, ALIAS_MESSAGE, location, "write the value out in full")
    if text[index:index + 1] == "\t" or "tab" in problem:
        return Diagnostic(CLAIMS_SYNTAX, "tabs are not allowed in YAML indentation", location,
                          "indent with spaces, not tabs")
    if "single document" in context:
        return Diagnostic(CLAIMS_SYNTAX, "claims file holds more than one YAML document", location,
                          "keep one document: remove the second '---'")
    message = problem
    context_line = char_location(text, exc.context_mark.index, path).line if exc.context_mark else 0
    if context and context_line != location.line:
        message += f" ({context} at line {context_line})"
    hint = next((hint for needle, hint in _SYNTAX_HINTS if needle in f"{problem} {context}"),
                "check the indentation and quoting on this line and the one above")
    return Diagnostic(CLAIMS_SYNTAX, message, location, hint)
