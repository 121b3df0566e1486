"""Walks a claims file's YAML nodes: words schema problems with LINE:COL and builds the Briefing (pure).

`claims.py` reads, decodes and composes the file and hands the node tree here; the checks the
schema cannot make (duplicate ids, invisible characters, anchors and aliases) are in `checks`.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.claims.schema import Problem, claims_only_schema, resolve
from briefing.diagnostics import (
    CLAIMS_BAD_ID,
    CLAIMS_BOTH_FORMS,
    CLAIMS_DUPLICATE_KEY,
    CLAIMS_EMPTY_LIST,
    CLAIMS_EMPTY_QUOTE,
    CLAIMS_EMPTY_VALUE,
    CLAIMS_MISSING_KEY,
    CLAIMS_NOT_A_MAPPING,
    CLAIMS_TYPE,
    CLAIMS_UNKNOWN_KEY,
    Diagnostic,
    Location,
)
from briefing.models import Briefing, Citation, Claim, House, Name, Section
from briefing.text import line_at, line_starts

# Safe loading only: we compose the node tree (never construct Python objects) and read
# each scalar's raw text, so `date: 2013-12-12`, `id: no` and `quote: 63` stay strings.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The keys each mapping may have, as the schema lists them (and in its order).
_SCHEMA = claims_only_schema()
TOP_KEYS = tuple(_SCHEMA["properties"])
SECTION_KEYS = tuple(_SCHEMA["definitions"]["section"]["properties"])
CLAIM_KEYS = tuple(_SCHEMA["definitions"]["claim"]["properties"])
CITATION_KEYS = tuple(_SCHEMA["definitions"]["citation"]["properties"])

NULL_TAG = "tag:yaml.org,2002:null"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_TOP = "the claims file"  # the owner of top-level keys, as messages name it
ALIAS_MESSAGE = "YAML aliases and anchors are not allowed in claims files"
MAX_REPEATS = 20  # anchors or control characters reported one by one (anchors then summed up)
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

_LIST_HINTS = {"exempt_figures": 'write exempt_figures: ["five"]', "names": 'write names: ["G20", "MPL 2.0"]'}

Fields = dict[str, tuple[ScalarNode, Node]]


def char_location(text: str, offset: int, path: str) -> Location:
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset) + 1
    return Location(path, line, offset - start)


def _kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return "empty" if node.tag == NULL_TAG else "a number" if node.tag in _NUMBER_TAGS else "text"
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
    return isinstance(node, ScalarNode) and (node.tag == NULL_TAG or not node.value.strip())


def fields_of(node: MappingNode) -> Fields:
    """(key node, value) by text key, the first occurrence only, in document order (as `entries`)."""
    fields: Fields = {}
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value not in fields:
            fields[key_node.value] = (key_node, value)
    return fields


def scalar_text(node: Node) -> str:
    # Only the newline a block scalar (| or >) ends with, and other trailing space, goes.
    return "" if node.tag == NULL_TAG else node.value.rstrip()


class ClaimsReader:
    """Words schema problems with their positions, finds duplicate ids, and builds the Briefing."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.diagnostics: list[Diagnostic] = []
        # YAML also breaks lines at U+0085/U+2028/U+2029; editors do not, so count "\n" only.
        self.starts = line_starts(text) if re.search("[\x85\u2028\u2029]", text) else None

    def location(self, node: Node | yaml.Event) -> Location:
        mark = node.start_mark
        assert mark is not None  # the parser marks every event and node it makes
        if self.starts is None:
            return Location(self.path, mark.line + 1, mark.column + 1)
        line = line_at(self.starts, mark.index)
        return Location(self.path, line, mark.index - self.starts[line - 1] + 1)

    def error(self, code: str, message: str, node: Node, hint: str) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.location(node), hint))

    # --- wording each schema problem ------------------------------------------

    def word(self, problem: Problem) -> None:
        """One schema problem as a diagnostic (or several, for a oneOf)."""
        if problem.keyword in ("key-type", "duplicate-key", "additionalProperties", "required", "oneOf"):
            self.mapping_problem(problem, _label(problem.path, problem.nodes))
        elif not problem.path:
            self.error(CLAIMS_NOT_A_MAPPING, f"claims file must be a mapping with {_needs(problem.schema)}, "
                       f"not {_kind(problem.node)}", problem.node,
                       "start the file with 'title: \"...\"' and a 'sections:' list, no '- ' before them")
        elif isinstance(problem.path[-1], int):
            self.item_problem(problem)
        else:
            self.field_problem(problem, _label(problem.path[:-1], problem.nodes[:-1]))

    def mapping_problem(self, problem: Problem, owner: str) -> None:
        key, node = problem.key, problem.node
        where = "at the top level" if owner == _TOP else f"in {owner}"
        if problem.keyword in ("key-type", "duplicate-key", "additionalProperties"):
            assert problem.key_node is not None  # the validator names the key of each of these
            self.key_problem(problem.keyword, key, problem.key_node, node, problem.schema, where)
        elif problem.keyword == "required":
            self.error(CLAIMS_MISSING_KEY, f"{owner} has no '{key}'", node, _HINTS.get(key, f"add '{key}'"))
        else:
            self.forms(problem, owner)

    def key_problem(self, keyword: str, key: str, key_node: Node, mapping: Node, schema: dict[str, Any],
                    where: str) -> None:
        """A key that is not text, is there twice, or is not one the mapping may have."""
        if keyword == "key-type":
            self.error(CLAIMS_TYPE, f"keys must be text, not {_kind(key_node)}", key_node,
                       "write each key as a plain word followed by ':'")
        elif keyword == "duplicate-key":
            first = next(k for k, _ in mapping.value if isinstance(k, ScalarNode) and k.value == key)
            self.error(CLAIMS_DUPLICATE_KEY, f"duplicate key '{key}' {where} (first used at line "
                       f"{self.location(first).line})", key_node, f"remove one of the two '{key}' lines")
        else:
            allowed = tuple(schema.get("properties", ()))
            close = difflib.get_close_matches(key, allowed, n=1)
            self.error(CLAIMS_UNKNOWN_KEY, f"unknown key '{key}' {where}", key_node,
                       f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}")

    def forms(self, problem: Problem, owner: str) -> None:
        """A oneOf of key sets (source and quote, or citations): neither, both, or one incomplete."""
        node = problem.node
        assert isinstance(node, MappingNode)  # the validator checks oneOf on mappings only
        present = fields_of(node)
        needs = [list(resolve(b, _SCHEMA).get("required", ())) for b in problem.schema["oneOf"]]
        applying = [keys for keys in needs if any(key in present for key in keys)]
        named = [" and ".join(f"'{key}'" for key in keys) for keys in needs]
        if not applying:
            self.error(CLAIMS_MISSING_KEY, f"{owner} has no {named[0]}, nor {', nor '.join(named[1:])}", node,
                       "add 'source: SOURCE-ID' and 'quote: \"exact words\"', or a 'citations' list")
            return
        if len(applying) > 1:
            later = next(key for key in applying[-1] if key in present)
            first = "/".join(f"'{key}'" for key in applying[0])
            self.error(CLAIMS_BOTH_FORMS, f"{owner} has both '{later}' and {first}", present[later][0],
                       f"keep one form: move {' and '.join(repr(k) for k in applying[0])} into '{later}'")
        missing = [key for keys in applying for key in keys if key not in present]
        for key in missing:
            self.error(CLAIMS_MISSING_KEY, f"{owner} has no '{key}'", node, _HINTS.get(key, f"add '{key}'"))
        if len(applying) == 1 and not missing:  # never pass a file the schema refuses, even unworded
            self.error(CLAIMS_TYPE, f"{owner} does not match the claims schema", node, "see the README")

    def field_problem(self, problem: Problem, owner: str) -> None:
        key, node, types = str(problem.path[-1]), problem.node, _types(problem.schema)
        of = "" if owner == _TOP else f" of {owner}"
        if "array" in types:
            if problem.keyword == "minItems" or (problem.keyword == "type" and _blank(node) and "null" not in types):
                self.error(CLAIMS_EMPTY_LIST, f"{owner} has an empty '{key}' list", problem.key_node or node,
                           _HINTS.get(key, f"add at least one item to '{key}'"))
            else:
                hint = (_LIST_HINTS.get(key, "") or f"write each item of '{key}' on its own line starting with '- '")
                self.error(CLAIMS_TYPE, f"'{key}'{of} must be a list, not {_kind(node)}", node, hint)
        elif problem.keyword == "type" and not isinstance(node, ScalarNode):
            hint = (f"write {key}: \"...\" as one piece of text" if key != "quote" or isinstance(node, MappingNode)
                    else "for several quotes use a 'citations' list of {source, quote} items")
            self.error(CLAIMS_TYPE, f"'{key}'{of} must be text, not {_kind(node)}", node, hint)
        elif _blank(node):
            self.error(CLAIMS_EMPTY_QUOTE if key == "quote" else CLAIMS_EMPTY_VALUE,
                       f"{owner} has an empty '{key}'", node,
                       "copy the exact words from the source" if key == "quote" else f"fill in '{key}'")
        elif key == "id":
            claim_id = scalar_text(node)
            slug = re.sub(r"[^A-Za-z0-9._-]+", "-", claim_id).strip("-._")
            self.error(CLAIMS_BAD_ID, f"claim id '{claim_id}' may only use letters, digits, '.', '_' "
                       "and '-', starting with a letter or digit", node,
                       f"try '{slug}'" if slug else "use an id such as 'death-toll'")
        else:
            self.error(CLAIMS_TYPE, f"'{key}'{of} does not match the pattern {problem.schema.get('pattern')}",
                       node, f"fix '{key}'")

    def item_problem(self, problem: Problem) -> None:
        node, types = problem.node, _types(problem.schema)
        if "object" in types:
            label = _label(problem.path, problem.nodes)
            needs = _needs(problem.schema)
            self.error(CLAIMS_TYPE, f"{label} must be a mapping with {needs}, not {_kind(node)}", node,
                       f"write {label} as 'key: value' lines with {needs}")
            return
        key, owner = str(problem.path[-2]), _label(problem.path[:-2], problem.nodes[:-2])
        hint = _LIST_HINTS.get(key, f"write {key}: [\"five\"]")
        if isinstance(node, ScalarNode):
            self.error(CLAIMS_EMPTY_VALUE, f"{owner} has an empty item in '{key}'", node, "remove the empty item")
        else:
            self.error(CLAIMS_TYPE, f"each item of '{key}' of {owner} must be text, not {_kind(node)}", node, hint)

    # --- building (only for a file with no problems) ---------------------------

    def briefing(self, root: MappingNode, house: House | None = None,
                 sections: tuple[Section, ...] | None = None) -> Briefing:
        """The Briefing; `sections`, when given, are those `sections` built from the same root."""
        fields = fields_of(root)
        optional = {key: scalar_text(fields[key][1]) if key in fields else "" for key in TOP_KEYS[1:5]}
        if sections is None:
            sections = self.sections(root)
        declared = fields.get("names", (None, None))[1]
        names = tuple(Name(item.value.strip(), *self._line_col(item))
                      for item in declared.value) if isinstance(declared, SequenceNode) else ()
        title = scalar_text(fields["title"][1]) if "title" in fields else ""  # briefing.md may give it
        return Briefing(self.path, title, sections, **optional, names=names, house=house or House())

    def sections(self, root: Node) -> tuple[Section, ...]:
        assert isinstance(root, MappingNode)
        return tuple(self.section(node) for node in fields_of(root)["sections"][1].value)

    def _line_col(self, node: Node) -> tuple[int, int]:
        """`location(node)`'s line and column, without making a Location (issue 19: four a claim)."""
        if self.starts is None:
            mark = node.start_mark
            return mark.line + 1, mark.column + 1
        where = self.location(node)
        return where.line, where.col

    def section(self, node: MappingNode) -> Section:
        fields = fields_of(node)
        claims = tuple(self.claim(item) for item in fields["claims"][1].value)
        return Section(scalar_text(fields["heading"][1]), claims, self.location(fields["heading"][1]).line)

    def claim(self, node: MappingNode) -> Claim:
        fields = fields_of(node)
        if "citations" in fields:
            citations = tuple(self.citation(fields_of(item)) for item in fields["citations"][1].value)
        else:
            citations = (self.citation(fields),)
        exempt = fields.get("exempt_figures", (None, None))[1]
        figures = tuple(item.value.strip() for item in exempt.value) if isinstance(exempt, SequenceNode) else ()
        line, col = self._line_col(node.value[0][0])  # the first key, also inside a flow mapping's braces
        if "text" not in fields:  # a claim cited by briefing.md's prose needs none (issue 16)
            return Claim(scalar_text(fields["id"][1]), "", citations, line, col, figures)
        return Claim(scalar_text(fields["id"][1]), scalar_text(fields["text"][1]), citations, line, col,
                     figures, self._line_col(fields["text"][1])[0])

    def citation(self, fields: Fields) -> Citation:
        quote = fields["quote"][1]
        return Citation(scalar_text(fields["source"][1]), scalar_text(quote), *self._line_col(quote))
