"""Claims checks the schema cannot make: aliases, duplicate ids, names, invisible and control characters (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.claims.nodes import (
    ALIAS_MESSAGE,
    LOADER,
    MAX_REPEATS,
    NULL_TAG,
    ClaimsReader,
    char_location,
    fields_of,
    scalar_text,
)
from briefing.diagnostics import (
    CLAIMS_ALIAS,
    CLAIMS_BAD_NAME,
    CLAIMS_BAD_OPTION,
    CLAIMS_CONTROL_CHAR,
    CLAIMS_DUPLICATE_ID,
    CLAIMS_INVISIBLE_CHAR,
    Diagnostic,
)
from briefing.house import HOUSE_KEYS, parse_house
from briefing.models import House
from briefing.verify.backing import name_problem

# Bidi embeddings, overrides and isolates reorder how text shows (Trojan Source): refused in
# the fields the briefing prints; in `text` also any format character next to a digit
# ("6<ZWSP>13"). A quote keeps them: it then fails against its source, which names them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_READ_FIELDS = ("title", "summary", "heading", "text")
# Control characters a double-quoted value can hold only through an escape ("\0", "\x07",
# "\u001b"): the raw characters are refused with the file (`claims._CONTROL`). None can be
# printed, and a NUL reached the HTML as written (issue 15 §6); tab and line ends stay.
_CONTROL_VALUE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A value holds one only if the file holds it raw or an escape that may write one: a file with
# neither is not walked node by node (issue 19: 0.06 s of 10,000 claims). In a double-quoted
# scalar "\\\\" is one backslash, so "\\\\f" (as man pages quoted in JSON hold) is no escape:
# the escapes are looked for once backslash pairs are dropped (`_unpaired`). Outside double
# quotes there are no escapes, so this is wider than YAML, never narrower.
_MAYBE_ESCAPED_CONTROL = re.compile(r"\\[0abvfeN]|\\(?:x|u00|U000000)(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])")
# Likewise a value can hold a character other than ASCII only if the file holds one, or an
# escape that may write one (\x, \u, \U, \N, \_, \L, \P).
_MAYBE_ESCAPED_NOT_ASCII = re.compile(r"\\[xuUN_LP]")
_NAMED_ESCAPES = {0x00: "0", 0x07: "a", 0x08: "b", 0x0b: "v", 0x0c: "f", 0x1b: "e", 0x85: "N"}


def _escape_of(c: str) -> re.Pattern[str]:
    """A YAML escape that writes `c`, not itself escaped ("\\0" is a backslash and a zero)."""
    code = ord(c)
    forms = [f"x(?i:{code:02x})", f"u(?i:{code:04x})", f"U(?i:{code:08x})"]
    if code in _NAMED_ESCAPES:
        forms.append(_NAMED_ESCAPES[code])
    return re.compile(r"(?<!\\)(?:\\\\)*(\\(?:" + "|".join(forms) + "))")


def anchors(reader: ClaimsReader, text: str, events: Iterable[yaml.Event] | None = None) -> None:
    """Report anchors and aliases from the event stream, which (unlike nodes) still names them;
    `events`, when given, holds the stream's events that carry one, already read."""
    count, rest = 0, None
    for event in yaml.parse(text, Loader=LOADER) if events is None else events:
        name = getattr(event, "anchor", None)
        if not name:
            continue
        count += 1
        if count <= MAX_REPEATS:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            reader.diagnostics.append(Diagnostic(CLAIMS_ALIAS, ALIAS_MESSAGE, reader.location(event),
                                               f"remove '{sign}{name}' and write the value out in full"))
        elif rest is None:
            rest = reader.location(event)
    if rest is not None:
        message = f"{count - MAX_REPEATS} more YAML aliases and anchors, not shown"
        hint = "remove every '&name' and '*name'"
        reader.diagnostics.append(Diagnostic(CLAIMS_ALIAS, message, rest, hint))


def duplicate_ids(reader: ClaimsReader, root: Node) -> None:
    """Claim ids are unique across the file; each later use is reported with the first's line."""
    first: dict[str, Node] = {}  # (its line is worked out only for a duplicate: 10,000 claims have none)
    seen: set[int] = set()
    for section in _items(root, "sections", seen):
        for claim in _items(section, "claims", seen):
            node = _first_value(claim, "id") if isinstance(claim, MappingNode) else None
            if not isinstance(node, ScalarNode) or not (claim_id := scalar_text(node)):
                continue
            if claim_id in first:
                reader.error(CLAIMS_DUPLICATE_ID, f"duplicate claim id '{claim_id}' (first used at line "
                           f"{reader.location(first[claim_id]).line})", node, "give each claim its own id")
            else:
                first[claim_id] = node


def _first_value(mapping: MappingNode, key: str) -> Node | None:
    """The value of the first `key` of the mapping, as `fields_of` gives it, without the others."""
    return next((value for key_node, value in mapping.value
                 if isinstance(key_node, ScalarNode) and key_node.value == key), None)

def names(reader: ClaimsReader, root: Node) -> None:
    """Each declared name must be one (issue 15 §3): a name whose numbers identify, never an
    amount that would hide a figure of a claim (`backing.name_problem`)."""
    node = fields_of(root).get("names", (None, None))[1] if isinstance(root, MappingNode) else None
    if not isinstance(node, SequenceNode):
        return
    for item in node.value:
        if isinstance(item, ScalarNode) and item.tag != NULL_TAG and item.value.strip():
            problem = name_problem(item.value.strip())
            if problem:
                reader.error(CLAIMS_BAD_NAME, f"name '{item.value.strip()[:80]}' in 'names' {problem}", item,
                           "list only names with numbers in them, such as G20, COVID-19 or MPL 2.0")

def house_options(reader: ClaimsReader, root: Node) -> House:
    """The house options at the top of the file (issue 16), each bad value an error at its line."""
    fields = fields_of(root) if isinstance(root, MappingNode) else {}
    values = {key: scalar_text(node) for key, (_, node) in fields.items()
              if key in HOUSE_KEYS and isinstance(node, ScalarNode)}
    logo = fields.get("logo")
    house, problems = parse_house(values, reader.location(logo[1]).line if logo else 0)
    for problem in problems:
        reader.error(CLAIMS_BAD_OPTION, problem.message, fields[problem.key][1], problem.hint)
    return house


def invisible_chars(reader: ClaimsReader, root: Node, text: str) -> None:
    """Refuse characters that make a field show other than it reads (see _BIDI)."""
    if not isinstance(root, MappingNode) or not _may_hold_format_chars(text):
        return
    seen: set[int] = set()
    nodes: list[tuple[str, Node]] = []
    fields = fields_of(root)
    nodes += [(key, fields[key][1]) for key in ("title", "summary") if key in fields]
    for section in _items(root, "sections", seen):
        if isinstance(section, MappingNode):
            nodes += [(key, value) for key, (_, value) in fields_of(section).items() if key == "heading"]
        for claim in _items(section, "claims", seen):
            if not isinstance(claim, MappingNode):
                continue
            nodes += [(key, value) for key, (_, value) in fields_of(claim).items() if key in _READ_FIELDS]
    for key, node in nodes:
        if not isinstance(node, ScalarNode):
            continue
        value = node.value
        bad = [m.start() for m in _BIDI.finditer(value)]
        if key == "text":
            bad += [i for i, c in enumerate(value) if unicodedata.category(c) == "Cf"
                    and (value[i - 1:i].isdigit() or value[i + 1:i + 2].isdigit())]
        for i in sorted(set(bad))[:MAX_REPEATS]:
            c = value[i]
            raw = text.find(c, node.start_mark.index, node.end_mark.index)
            where = (char_location(text, raw, reader.path) if raw != -1 and reader.starts is None
                     else reader.location(node))
            name = unicodedata.name(c, "unnamed character")
            reader.diagnostics.append(Diagnostic(
                CLAIMS_INVISIBLE_CHAR, f"'{key}' holds the invisible character U+{ord(c):04X} {name}, "
                "which changes how the text shows", where,
                "delete it (it is usually pasted in from a PDF or a web page)"))

def _may_hold_format_chars(text: str) -> bool:
    """Whether a value may hold a format character (category Cf, the bidi controls among them):
    only if the file holds one raw or an escape that may write one (issue 19: the check looked
    at every character of every claim's text, 0.04 s of 10,000 claims)."""
    if _MAYBE_ESCAPED_NOT_ASCII.search(_unpaired(text)):
        return True
    return any(unicodedata.category(c) == "Cf" for c in set(re.findall("[^\x00-\x7f]", text)))


def _unpaired(text: str) -> str:
    """`text` without its backslash pairs: each run of backslashes keeps one if it was odd, so
    a backslash left starts an escape if the run was in a double-quoted scalar."""
    return text.replace("\\\\", "") if "\\" in text else text


def may_hold_controls(text: str) -> bool:
    """Whether a value of the file may hold a control character (see `_MAYBE_ESCAPED_CONTROL`)."""
    return bool(_CONTROL_VALUE.search(text) or _MAYBE_ESCAPED_CONTROL.search(_unpaired(text)))


def escaped_controls(reader: ClaimsReader, root: Node, text: str) -> None:
    """Refuse a control character in any value, as bidi controls are refused (issue 15 §6)."""
    if not may_hold_controls(text):
        return
    stack: list[tuple[str, Node]] = [("", root)]
    seen: set[int] = set()
    found = 0
    while stack and found < MAX_REPEATS:
        key, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value in reversed(node.value):
                stack += [(scalar_text(key_node) if isinstance(key_node, ScalarNode) else key, value),
                          ("", key_node)]
        elif isinstance(node, SequenceNode):
            stack += [(key, item) for item in reversed(node.value)]
        elif isinstance(node, ScalarNode) and (bad := _CONTROL_VALUE.search(node.value)):
            found += 1
            c = bad.group()
            escape = _escape_of(c).search(text, node.start_mark.index, node.end_mark.index)
            where = (char_location(text, escape.start(1), reader.path) if escape and reader.starts is None
                     else reader.location(node))
            written = f" (written as \"{escape.group(1)}\")" if escape else ""
            owner = f"'{key}'" if key else "a key"
            reader.diagnostics.append(Diagnostic(
                CLAIMS_CONTROL_CHAR, f"{owner} holds the control character U+{ord(c):04X}{written}, "
                "which cannot be printed", where, "delete it; write the character itself if one was meant"))

def _items(node: Node, key: str, seen: set[int]) -> list[Node]:
    if not isinstance(node, MappingNode) or id(node) in seen:
        return []
    seen.add(id(node))
    value = fields_of(node).get(key, (None, None))[1]
    if not isinstance(value, SequenceNode) or id(value) in seen:
        return []
    seen.add(id(value))
    return value.value
