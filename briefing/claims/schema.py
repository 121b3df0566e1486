"""Validates a YAML node tree against the claims JSON Schema, keeping each problem's node (pure).

The schema (`briefing/schemas/claims.schema.json`, read from the package once) is the one
editors use, and `check` uses it too, so the two cannot disagree (issue 5). This is a
validator for the subset of JSON Schema (draft-07) that the schema uses: type, required,
properties, additionalProperties, items, minItems, minLength, pattern, oneOf, local $ref and
boolean schemas. It works on YAML nodes rather than plain data so that every problem keeps
its node, and so its line and column.

The instance is read the way `check` reads claims: every scalar is text as written, except
an empty value or `~`/`null`, which is null. Mapping keys that JSON cannot have (a key that
is not text, or the same key twice) are reported as problems of their own.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

SCHEMA_FILE = "schemas/claims.schema.json"
_NULL = "tag:yaml.org,2002:null"

Path = tuple[str | int, ...]
_KEY_PROBLEMS = ("key-type", "duplicate-key")


@cache
def claims_schema() -> dict[str, Any]:
    """The packaged schema (read once from the installed package)."""
    return json.loads(resources.files("briefing").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


@cache
def claims_only_schema() -> dict[str, Any]:
    """The schema of a project without briefing.md: the claims are the briefing, so it needs a
    title and each claim its text (issue 16: with briefing.md both are optional)."""
    schema = copy.deepcopy(claims_schema())
    schema["required"] = ["title", *schema["required"]]
    schema["definitions"]["claim"]["required"] = [*schema["definitions"]["claim"]["required"], "text"]
    return schema


@dataclass(frozen=True)
class Problem:
    """One way the instance breaks the schema.

    `nodes[i]` is the node at `path[:i]`, so `nodes[-1]` is the node at fault: the value for
    type, pattern, minLength and minItems; the mapping for required, oneOf and keys. `key`
    names the property concerned and `key_node` is its key in the mapping, when there is one.
    """

    keyword: str  # a JSON Schema keyword, or "key-type" / "duplicate-key"
    path: Path
    nodes: tuple[Node, ...]
    schema: dict[str, Any]  # the (sub)schema whose keyword failed
    key: str = ""
    key_node: Node | None = None

    @property
    def node(self) -> Node:
        return self.nodes[-1]


def json_type(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "object"
    if isinstance(node, SequenceNode):
        return "array"
    return "null" if node.tag == _NULL else "string"


def resolve(schema: Any, root: dict[str, Any]) -> Any:
    """Follow local `$ref`s (`#/definitions/name`)."""
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            if part:
                target = target[part]
        schema = target
    return schema


@cache
def _pattern(expression: str) -> re.Pattern[str]:
    return re.compile(expression)


def _type_ok(schema: dict[str, Any], node: Node) -> bool:
    expected = schema.get("type")
    if expected is None:
        return True
    return json_type(node) in ((expected,) if isinstance(expected, str) else expected)


def entries(node: MappingNode) -> Iterator[tuple[str, ScalarNode, Node]]:
    """(key, key node, value) for each text key, first occurrence only, in document order."""
    seen: set[str] = set()
    for key_node, value in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value not in seen:
            seen.add(key_node.value)
            yield key_node.value, key_node, value


class Validator:
    def __init__(self, schema: dict[str, Any] | None = None) -> None:
        self.root = schema if schema is not None else claims_schema()
        self.visited: set[int] = set()  # an alias is the same node again: visit it once
        self.problems: list[Problem] = []

    def validate(self, node: Node) -> list[Problem]:
        self._node(self.root, node, (), (node,))
        return self.problems

    def _add(self, keyword: str, path: Path, nodes: tuple[Node, ...], schema: dict[str, Any],
             key: str = "", key_node: Node | None = None) -> None:
        self.problems.append(Problem(keyword, path, nodes, schema, key, key_node))

    def _node(self, schema: Any, node: Node, path: Path, nodes: tuple[Node, ...],
              key: str = "", key_node: Node | None = None) -> None:
        schema = resolve(schema, self.root)
        if schema is True:
            return
        if schema is False:  # the property may not be there at all
            self._add("false", path, nodes, {}, key, key_node)
            return
        if not _type_ok(schema, node):
            self._add("type", path, nodes, schema, key, key_node)
            return
        if isinstance(node, ScalarNode):
            self._scalar(schema, node, path, nodes, key, key_node)
        elif id(node) not in self.visited:
            self.visited.add(id(node))
            if isinstance(node, MappingNode):
                self._mapping(schema, node, path, nodes)
            else:
                assert isinstance(node, SequenceNode)  # YAML composes scalars, mappings and sequences only
                self._sequence(schema, node, path, nodes, key, key_node)

    def _scalar(self, schema: dict[str, Any], node: ScalarNode, path: Path, nodes: tuple[Node, ...],
                key: str, key_node: Node | None) -> None:
        if json_type(node) != "string":
            return
        if "minLength" in schema and len(node.value) < schema["minLength"]:
            self._add("minLength", path, nodes, schema, key, key_node)
        if "pattern" in schema and not _pattern(schema["pattern"]).search(node.value):
            self._add("pattern", path, nodes, schema, key, key_node)

    def _sequence(self, schema: dict[str, Any], node: SequenceNode, path: Path, nodes: tuple[Node, ...],
                  key: str, key_node: Node | None) -> None:
        if len(node.value) < schema.get("minItems", 0):
            self._add("minItems", path, nodes, schema, key, key_node)
        if "items" in schema:
            for index, item in enumerate(node.value):
                self._node(schema["items"], item, (*path, index), (*nodes, item))

    def _mapping(self, schema: dict[str, Any], node: MappingNode, path: Path, nodes: tuple[Node, ...]) -> None:
        properties: dict[str, Any] = schema.get("properties", {})
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode):
                self._add("key-type", path, nodes, schema, key_node=key_node)
            elif key_node.value in seen:
                self._add("duplicate-key", path, nodes, schema, key_node.value, key_node)
            else:
                seen.add(key_node.value)
                if key_node.value not in properties and schema.get("additionalProperties") is False:
                    self._add("additionalProperties", path, nodes, schema, key_node.value, key_node)
        present = {key: (key_node, value) for key, key_node, value in entries(node)}
        for key in schema.get("required", ()):
            if key not in present:
                self._add("required", path, nodes, schema, key)
        if "oneOf" in schema and sum(self._matches(b, node, path, nodes, present) for b in schema["oneOf"]) != 1:
            self._add("oneOf", path, nodes, schema)
        for key, subschema in properties.items():
            if key in present:
                key_node, value = present[key]
                self._node(subschema, value, (*path, key), (*nodes, value), key, key_node)

    def _matches(self, branch: Any, node: Node, path: Path, nodes: tuple[Node, ...],
                 present: dict[str, tuple[ScalarNode, Node]]) -> bool:
        """Whether a oneOf branch holds (YAML key problems are reported once, by the main pass)."""
        branch = resolve(branch, self.root)
        if isinstance(branch, dict) and set(branch) <= {"required", "properties"} and all(
                isinstance(sub, bool) for sub in branch.get("properties", {}).values()):
            # The usual branch only says which keys go together: decide it without a second pass.
            return (all(key in present for key in branch.get("required", ()))
                    and not any(sub is False and key in present for key, sub in branch.get("properties", {}).items()))
        probe = Validator(self.root)
        probe._node(branch, node, path, nodes)
        return all(p.keyword in _KEY_PROBLEMS for p in probe.problems)


def validate(node: Node, schema: dict[str, Any] | None = None) -> list[Problem]:
    """Every problem of the node tree against the schema (the claims schema by default).

    A tree that passes `_Passes` has none; only one that may not is walked by `Validator`,
    which keeps every problem's path and nodes (issue 19: 0.1 s of 10,000 claims, mostly in
    building them for nodes that had no problem).
    """
    root = schema if schema is not None else claims_schema()
    if _passes(root)(node):
        return []
    return Validator(root).validate(node)


Check = Callable[[Node], bool]


_COMPILED: dict[int, _Passes] = {}


def _passes(root: dict[str, Any]) -> Check:
    """The compiled pass of a schema, compiled once per schema (the packaged one, and the
    claims-only one of issue 16, are each one object for the life of the process)."""
    compiled = _COMPILED.get(id(root))
    if compiled is None or compiled.root is not root:
        compiled = _COMPILED[id(root)] = _Passes(root)
    return compiled.tree


class _Passes:
    """Whether a tree certainly has no problem: True only where `Validator` finds none; False
    where it may find one, or where a node is met twice (an alias), or the schema uses what
    this does not decide (a oneOf branch other than "these keys go together")."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.compiled: dict[int, Check] = {}
        self.seen: set[int] = set()
        self.check = self._compile(root)

    def tree(self, node: Node) -> bool:
        self.seen = set()
        try:
            return self.check(node)
        finally:
            self.seen = set()

    def _compile(self, schema: Any) -> Check:
        schema = resolve(schema, self.root)
        if isinstance(schema, bool) or not isinstance(schema, dict):
            return (lambda node: True) if schema is True else (lambda node: False)
        if id(schema) in self.compiled:
            return self.compiled[id(schema)]
        holder: list[Check] = []
        self.compiled[id(schema)] = lambda node: holder[0](node)  # (a schema that refers to itself)
        holder.append(self._build(schema))
        self.compiled[id(schema)] = holder[0]
        return holder[0]

    def _build(self, schema: dict[str, Any]) -> Check:
        expected = schema.get("type")
        types = None if expected is None else {expected} if isinstance(expected, str) else set(expected)
        scalar = _scalar_check(schema, types)
        items = self._compile(schema["items"]) if "items" in schema else None
        min_items = schema.get("minItems", 0)
        properties = {key: self._compile(sub) for key, sub in schema.get("properties", {}).items()}
        closed = schema.get("additionalProperties") is False
        required = tuple(schema.get("required", ()))
        found = [_keys_go_together(resolve(b, self.root)) for b in schema.get("oneOf", ())]
        branches = [b for b in found if b is not None]
        one_of = "oneOf" in schema
        decided = len(branches) == len(found)
        array_ok = types is None or "array" in types
        object_ok = types is None or "object" in types

        def check(node: Node) -> bool:
            kind = node.__class__
            if kind is ScalarNode:
                return scalar(node)
            if id(node) in self.seen:
                return False
            self.seen.add(id(node))
            if kind is SequenceNode:
                return array_ok and len(node.value) >= min_items and (
                    items is None or all(items(item) for item in node.value))
            if kind is not MappingNode or not object_ok:
                return False
            keys: set[str] = set()
            for key_node, value in node.value:
                if key_node.__class__ is not ScalarNode or key_node.value in keys:
                    return False
                key = key_node.value
                keys.add(key)
                sub = properties.get(key)
                if sub is None:
                    if closed:
                        return False
                elif not sub(value):
                    return False
            if any(key not in keys for key in required):
                return False
            return not one_of or (decided and sum(
                keys >= needed and not keys & refused for needed, refused in branches) == 1)

        return check


def _scalar_check(schema: dict[str, Any], types: set[str] | None) -> Check:
    null_ok = types is None or "null" in types
    string_ok = types is None or "string" in types
    min_length = schema.get("minLength", 0)
    pattern = _pattern(schema["pattern"]) if "pattern" in schema else None
    # The schema's usual pattern, "\\S" (not blank), without a regex: `re`'s \s is str.isspace.
    not_blank = schema.get("pattern") == r"\S"

    def scalar(node: Node) -> bool:
        if node.tag == _NULL:
            return null_ok
        value = node.value
        if not string_ok or len(value) < min_length:
            return False
        if not_blank:
            return bool(value) and not value.isspace()
        return pattern is None or bool(pattern.search(value))
    return scalar


def _keys_go_together(branch: Any) -> tuple[frozenset[str], frozenset[str]] | None:
    """A oneOf branch that only says which keys go together: (keys it needs, keys it refuses),
    as `Validator._matches` decides it; None for any other branch."""
    if isinstance(branch, dict) and set(branch) <= {"required", "properties"} and all(
            isinstance(sub, bool) for sub in branch.get("properties", {}).values()):
        return (frozenset(branch.get("required", ())),
                frozenset(key for key, sub in branch.get("properties", {}).items() if sub is False))
    return None
