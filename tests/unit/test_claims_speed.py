"""Issue 19: the claims file's fixed cost. The YAML events are read at most once, and a file
that can hold no control character is not walked for one; each shortcut is attacked below."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.claims import checks, read, schema
from briefing.claims.nodes import LOADER
from briefing.claims.read import parse_claims

# Enough braces in quotes that the depth bound must read the events.
_BRACES = "".join(f'      - {{id: c{i}, text: "Says so.", source: s, quote: "a {{b}} c d"}}\n' for i in range(300))
_HEAD = 'title: "T"\nsections:\n  - heading: "H"\n    claims:\n'


def _codes(text: str) -> list[tuple[str, int, int, str]]:
    _, diagnostics = parse_claims(text, "claims.yaml")
    return [(d.code, d.location.line, d.location.col, d.message) for d in diagnostics if d.location]


def _count_parses(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = yaml.parse

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(yaml, "parse", counting)
    return calls


@pytest.mark.parametrize(("tail", "parses"), [
    pytest.param("", 1, id="many-braces-no-anchor"),
    pytest.param("      - &a {id: z, text: \"T.\", source: s, quote: \"one two three\"}\n", 1, id="many-braces-anchor"),
])
def test_the_events_are_read_once(monkeypatch, tail, parses) -> None:
    calls = _count_parses(monkeypatch)
    parse_claims(_HEAD + _BRACES + tail, "claims.yaml")
    assert len(calls) == parses


@pytest.mark.parametrize("braces", [pytest.param(_BRACES, id="events-read-for-depth"),
                                    pytest.param("", id="events-not-read-for-depth")])
@pytest.mark.parametrize("anchors", [1, 20, 21, 25])
def test_anchors_are_reported_the_same_whether_the_depth_pass_read_the_events(braces, anchors) -> None:
    tail = "".join(f"      - &a{i} {{id: z{i}, text: \"T.\", source: s, quote: \"one two three\"}}\n"
                   for i in range(anchors - 1)) + "      - *a0\n"
    found = [d for d in _codes(_HEAD + braces + tail) if d[0] == "claims.alias"]
    shown = min(anchors, 20)
    assert len(found) == shown + (anchors > 20)
    first_line = 5 + braces.count("\n")
    assert found[0][:2] == ("claims.alias", first_line)
    if anchors > 20:
        assert found[-1][3] == f"{anchors - 20} more YAML aliases and anchors, not shown"


def _double_quoted_escapes() -> list[tuple[str, str]]:
    """Every escape YAML has for each control character the values refuse."""
    cases = []
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]:
        if chr(code) in "\t\n\r":
            continue
        forms = [f"\\x{code:02x}", f"\\x{code:02X}", f"\\u{code:04x}", f"\\U{code:08X}"]
        forms += [f"\\{letter}" for letter, value in {"0": 0, "a": 7, "b": 8, "v": 11, "f": 12, "e": 27,
                                                      "N": 0x85}.items() if value == code]
        cases += [(f"U+{code:04X}-{form}", form) for form in forms]
    return cases


@pytest.mark.parametrize("escape", [e for _, e in _double_quoted_escapes()],
                         ids=[i for i, _ in _double_quoted_escapes()])
def test_every_escape_of_a_control_character_is_still_refused(escape) -> None:
    text = f'title: "a{escape}b"\nsections: []\n'
    value = yaml.compose(text, Loader=LOADER).value[0][1].value
    assert checks._CONTROL_VALUE.search(value)  # YAML does write a control character
    assert checks.may_hold_controls(text)
    assert any(code == "claims.control-char" for code, *_ in _codes(text))


@pytest.mark.parametrize("text", [
    pytest.param('title: "a\\tb \\u00e9 \\x41 \\\\ \\" \\/"\nsections: []\n', id="harmless-escapes"),
    pytest.param("title: plain text, no backslash\nsections: []\n", id="plain"),
])
def test_a_file_that_cannot_hold_a_control_is_not_walked(monkeypatch, text) -> None:
    walked: list[int] = []
    monkeypatch.setattr(checks, "scalar_text", lambda node: walked.append(1) or node.value)
    assert not [c for c, *_ in _codes(text) if c == "claims.control-char"]
    before = len(walked)
    checks.escaped_controls(read.ClaimsReader("claims.yaml", text), yaml.compose(text, Loader=LOADER), text)
    assert len(walked) == before


# --- the shortcuts of issue 19's fixed cost, against what they stand for ----------------------

_KEYS = ["title", "sections", "heading", "claims", "id", "text", "source", "quote", "citations",
         "exempt_figures", "names", "summary", "bogus"]
_SCALARS = st.one_of(st.sampled_from(["", " ", "~", "null", "12", "c-1", "a b", "x y z", "-bad", "\t"]),
                     st.text(max_size=6))
_TREES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)), max_leaves=25)


def _claims_like(draw_tree: object) -> str:
    return yaml.safe_dump(draw_tree, allow_unicode=True, default_flow_style=None)


_VALID = {"title": "T", "sections": [{"heading": "H", "claims": [
    {"id": "c1", "text": "Says.", "source": "s", "quote": "one two"},
    {"id": "c2", "text": "Says.", "citations": [{"source": "s", "quote": "q r"}]}]}]}


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TREES, st.dictionaries(st.sampled_from(["title", "sections", "names", "bogus"]), _TREES)),
       st.booleans())
def test_a_tree_passes_the_quick_schema_check_exactly_when_the_validator_finds_no_problem(tree, nest) -> None:
    if nest:  # also trees mostly right, wrong deep down
        tree = {**_VALID, "sections": [{"heading": "H", "claims": [_VALID["sections"][0]["claims"][0], tree]}]}
    root = yaml.compose(_claims_like(tree), Loader=LOADER)
    if root is None:
        return
    found = schema.Validator().validate(root)
    assert schema._passes(schema.claims_schema())(root) == (found == [])
    assert schema.validate(root) == found


def test_the_quick_schema_check_passes_the_example_shape_and_refuses_an_alias() -> None:
    assert schema._passes(schema.claims_schema())(yaml.compose(_claims_like(_VALID), Loader=LOADER))
    shared = "title: T\nsections:\n  - &s {heading: H, claims: [{id: a, text: T, source: s, quote: q}]}\n  - *s\n"
    assert not schema._passes(schema.claims_schema())(yaml.compose(shared, Loader=LOADER))


def _flow_starts(text: str) -> int:
    return sum(isinstance(e, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) and bool(e.flow_style)
               for e in yaml.parse(text, Loader=LOADER))


@pytest.mark.parametrize(("text", "counted"), [
    pytest.param('      quote: "a {b} [c] d"\n' * 300, 0, id="quoted-lines-skipped"),
    pytest.param('      - quote: "a {b} [c] d"  \n' * 300, 0, id="quoted-item-lines-skipped"),
    pytest.param('      quote: "a {b} [c] d"\r\n' * 300, 0, id="crlf-quoted-lines-skipped"),
    pytest.param('quote: "a {b} [c] d"\r' * 300, 600, id="cr-only-counted"),
    pytest.param('x: "a\\"{b" [c]\n' * 300, 600, id="text-after-the-quote-counted"),
    # (the scalar open from the line before closes at y's quote: a bracket then is a syntax error)
    pytest.param('x: "a\n  y: "[{" \n' * 300, 0, id="a-scalar-open-from-the-line-before"),
    pytest.param("x: [a, {b: c}]\n" * 300, 600, id="flow-counted"),
])
def test_brackets_counted_outside_quoted_lines(text, counted) -> None:
    assert read._flow_brackets(text) == counted


@settings(max_examples=300, deadline=None)
@given(_TREES, st.sampled_from([None, True, False]), st.sampled_from(['"', "'", None]))
def test_brackets_counted_are_never_fewer_than_the_collections_opened_in_flow(tree, flow, style) -> None:
    text = yaml.safe_dump(tree, default_flow_style=flow, default_style=style, allow_unicode=True, width=40)
    text = text * (1 + read.MAX_DEPTH // 2 // max(1, text.count("[") + text.count("{")))
    try:
        assert read._flow_brackets(text) >= _flow_starts(text)
    except yaml.YAMLError:  # (the repeated document may not parse)
        pass


@pytest.mark.parametrize(("text", "anchors"), [
    pytest.param('  quote: "see &a and *b"\n', False, id="in-a-quoted-line"),
    pytest.param("  quote: &a q\n", True, id="anchor"),
    pytest.param('  quote: &a "q"\n', True, id="anchor-before-a-quoted-value"),
    pytest.param("  - *a\n", True, id="alias-item"),
    pytest.param("  x: [a, *b]\n", True, id="alias-in-flow"),
    pytest.param("  x: a *b c\n", False, id="star-in-plain-text"),
])
def test_anchors_looked_for_outside_quoted_lines(text, anchors) -> None:
    assert read._may_hold_anchors(text) is anchors


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab "\\&*:-\n{}[]\u200bx0fu')), max_size=60))
def test_anchors_in_the_events_are_always_looked_for(text) -> None:
    try:
        anchored = [e for e in yaml.parse(text, Loader=LOADER) if getattr(e, "anchor", None)]
    except yaml.YAMLError:
        return
    assert not anchored or read._may_hold_anchors(text)


@pytest.mark.parametrize(("value", "controls", "format_chars"), [
    pytest.param(r"\\f and \\e", False, False, id="escaped-backslashes"),
    pytest.param(r"\\\f", True, False, id="odd-run-escapes"),
    pytest.param(r"\\\\f", False, False, id="even-run-does-not"),
    pytest.param(r"\\u200b", False, False, id="escaped-backslash-then-u"),
    pytest.param(r"\u200b", False, True, id="escaped-zero-width-space"),
    pytest.param(r"\xad", False, True, id="escaped-soft-hyphen"),
    pytest.param("\u202e", False, True, id="raw-bidi"),
    pytest.param("caf\u00e9", False, False, id="raw-letter"),
])
def test_escapes_read_as_yaml_reads_them(value, controls, format_chars) -> None:
    text = f'title: "{value}"\nsections: []\n'
    assert checks.may_hold_controls(text) is controls
    assert checks._may_hold_format_chars(text) is format_chars


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["\\", "\\\\", "f", "e", "u200b", "x0c", "xad", "u202e", "\u202e", "a", " ",
                                 "\u00e9", "N", "_", "0"]), max_size=12), st.sampled_from(['"', "'", ""]))
def test_a_value_holding_a_control_or_format_character_is_always_looked_at(parts, quote) -> None:
    text = f"title: {quote}{''.join(parts)}{quote}\n"
    try:
        value = yaml.compose(text, Loader=LOADER).value[0][1].value
    except (yaml.YAMLError, AttributeError, IndexError):
        return
    if checks._CONTROL_VALUE.search(value):
        assert checks.may_hold_controls(text)
    if any(unicodedata.category(c) == "Cf" for c in value):
        assert checks._may_hold_format_chars(text)
