"""Issue 19: the claims file's fixed cost. The YAML events are read at most once, and a file
that can hold no control character is not walked for one; each shortcut is attacked below."""

from __future__ import annotations

import pytest
import yaml

from briefing.claims import checks, read
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
    assert checks._MAYBE_CONTROL.search(text)
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
