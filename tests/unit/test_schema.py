"""The claims JSON Schema: valid draft-07, shipped in the package, and in agreement with `check` (issue 5)."""

from __future__ import annotations

import json
import textwrap
from importlib import resources

import pytest
import yaml
from claims_cases import ERRORS, VALID
from support import ROOT
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.claims import read as claims
from briefing.claims.read import parse_claims
from briefing.claims.schema import claims_only_schema, claims_schema, validate

jsonschema = pytest.importorskip("jsonschema")

SCHEMA_PATH = ROOT / "briefing" / "schemas" / "claims.schema.json"
# Problems YAML has and JSON cannot: these files never reach the schema as JSON data.
_NOT_JSON = ("claims.syntax", "claims.alias", "claims.binary", "claims.encoding", "claims.control-char",
             "claims.empty", "claims.duplicate-key", "claims.too-large")


class NotJson(Exception):
    pass


def to_data(node: Node) -> object:
    """The instance as `check` reads it: every scalar is text as written; empty and ~ are null."""
    if isinstance(node, MappingNode):
        data = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode) or key.value in data:
                raise NotJson("a key JSON cannot hold")
            data[key.value] = to_data(value)
        return data
    if isinstance(node, SequenceNode):
        return [to_data(item) for item in node.value]
    return None if node.tag == "tag:yaml.org,2002:null" else node.value


def agreement(text: str | bytes, prose: bool = False) -> tuple[bool, bool] | None:
    """(the schema accepts it, check accepts its structure), or None when it is not JSON-shaped.

    Without `prose` the project has no briefing.md, and is held to the claims-only schema (a
    title and each claim's text required); with it, to the packaged schema (issue 16)."""
    _, diagnostics = parse_claims(text, "claims.yaml", prose=prose)
    if any(d.code in _NOT_JSON for d in diagnostics):
        return None
    try:
        data = to_data(yaml.compose(text, Loader=yaml.SafeLoader))
    except NotJson:
        return None
    structural = [d for d in diagnostics if d.code != "claims.duplicate-id"]  # uniqueness is not a schema rule
    schema = claims_schema() if prose else claims_only_schema()
    return jsonschema.Draft7Validator(schema).is_valid(data), not structural


def test_schema_is_valid_draft_07() -> None:
    jsonschema.Draft7Validator.check_schema(claims_schema())


def test_check_reads_the_schema_shipped_in_the_package() -> None:
    packaged = resources.files("briefing").joinpath("schemas/claims.schema.json").read_text(encoding="utf-8")
    assert json.loads(packaged) == json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == claims_schema()
    definitions = claims_schema()["definitions"]
    assert claims.TOP_KEYS == tuple(claims_schema()["properties"])
    assert claims.CLAIM_KEYS == tuple(definitions["claim"]["properties"])
    assert claims.CITATION_KEYS == tuple(definitions["citation"]["properties"])


def test_changing_the_schema_changes_what_check_refuses() -> None:
    schema = json.loads(json.dumps(claims_schema()))
    schema["required"].append("author")
    root = yaml.compose("title: T\nsections: [{heading: H, claims: [{id: a, text: t, source: s, quote: q}]}]\n",
                        Loader=yaml.SafeLoader)
    assert validate(root) == []
    assert [(p.keyword, p.key) for p in validate(root, schema)] == [("required", "author")]


def _table_cases() -> list[object]:
    """test_claims' cases that reach the schema as JSON (YAML-level problems never do)."""
    cases = [(p.id, p.values[0]) for p in ERRORS] + [("valid", VALID)]
    dedented = [(name, textwrap.dedent(text) if isinstance(text, str) else text) for name, text in cases]
    return [pytest.param(text, id=name) for name, text in dedented if agreement(text) is not None]


@pytest.mark.parametrize("prose", [False, True], ids=["claims-only", "with-briefing-md"])
@pytest.mark.parametrize("text", _table_cases())
def test_schema_and_check_agree_on_every_table_case(text: str | bytes, prose: bool) -> None:
    result = agreement(text, prose)
    assert result is not None
    schema_ok, check_ok = result
    assert schema_ok == check_ok


@pytest.mark.parametrize("text, prose, codes", [
    pytest.param("sections: [{heading: H, claims: [{id: a, text: t, source: s, quote: q}]}]\n", False,
                 ["claims.missing-key"], id="no-title-claims-only"),
    pytest.param("title: T\nsections: [{heading: H, claims: [{id: a, source: s, quote: q}]}]\n", False,
                 ["claims.missing-key"], id="no-text-claims-only"),
    pytest.param("sections: [{heading: H, claims: [{id: a, source: s, quote: q}]}]\n", True, [],
                 id="neither-with-briefing-md"),
])
def test_briefing_md_makes_title_and_text_optional(text: str, prose: bool, codes: list[str]) -> None:
    """Issue 16: with briefing.md, its metadata gives the title and its sentences say the claims."""
    briefing, diagnostics = parse_claims(text, "claims.yaml", prose=prose)
    assert [d.code for d in diagnostics] == codes
    assert (briefing is not None) == (not codes)
    if briefing is not None:
        assert (briefing.title, briefing.claims[0].text) == ("", "")


def _variants() -> list[str]:
    """The valid file with each line removed, and each value replaced by something of another shape."""
    lines = textwrap.dedent(VALID).splitlines(keepends=True)
    out = ["".join(lines[:n] + lines[n + 1:]) for n in range(len(lines))]
    for n, line in enumerate(lines):
        key, colon, _ = line.partition(": ")
        if colon and not line.strip().startswith("- {"):
            for value in ("''", "'  '", "~", "[]", "[x]", "{a: b}", "7", "-x", "a b"):
                out.append("".join(lines[:n] + [f"{key}: {value}\n"] + lines[n + 1:]))
    return out


@pytest.mark.parametrize("text", _variants())
def test_schema_and_check_agree_on_mutations(text: str) -> None:
    for prose in (False, True):
        result = agreement(text, prose)
        if result is not None:
            schema_ok, check_ok = result
            assert schema_ok == check_ok


def test_the_example_briefing_is_valid() -> None:
    text = (ROOT / "claims.yaml").read_text(encoding="utf-8")
    data = to_data(yaml.compose(text, Loader=yaml.SafeLoader))
    assert list(jsonschema.Draft7Validator(claims_schema()).iter_errors(data)) == []
