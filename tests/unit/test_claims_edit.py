"""`fix --write` replaces a quote's scalar in place (issue 17 §4): every byte outside it is kept,
whatever the scalar's style, and the new scalar reads back as exactly the new value."""

from __future__ import annotations

import pytest
import yaml

from briefing.claims.edit import replace_scalars

NEW = 'it\'s "new" \\ text'


@pytest.mark.parametrize("text, position, expected", [
    pytest.param("a: 1\nquote: old text  # c\nb: 2\n", (2, 8), 'a: 1\nquote: "it\'s \\"new\\" \\\\ text"  # c\nb: 2\n',
                 id="plain"),
    pytest.param("quote: 'o''ld'\n", (1, 8), 'quote: "it\'s \\"new\\" \\\\ text"\n', id="single-quoted"),
    pytest.param("- {q: \"old\", s: x}\n", (1, 7), '- {q: "it\'s \\"new\\" \\\\ text", s: x}\n', id="flow-mapping"),
    pytest.param("quote: >-\n  old\n  text\nnext: 1\n", (1, 8), 'quote: "it\'s \\"new\\" \\\\ text"\nnext: 1\n',
                 id="folded-block"),
    pytest.param("quote: |\n  old\n\n# after\nnext: 1\n", (1, 8),
                 'quote: "it\'s \\"new\\" \\\\ text"\n\n# after\nnext: 1\n', id="literal-block-then-comment"),
    pytest.param("a: 1\r\nquote: \"old\"\r\nb: 2\r\n", (2, 8), 'a: 1\r\nquote: "it\'s \\"new\\" \\\\ text"\r\nb: 2\r\n',
                 id="crlf"),
])
def test_only_the_scalar_changes(text: str, position: tuple[int, int], expected: str) -> None:
    edited, missing = replace_scalars(text, {position: NEW})
    assert (edited, missing) == (expected, ())
    values = [v for v in _values(yaml.safe_load(edited))]
    assert NEW in values


def _values(node: object) -> list[object]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in _values(v)]
    if isinstance(node, list):
        return [x for v in node for x in _values(v)]
    return [node]


def test_a_position_with_no_scalar_is_reported_and_nothing_changes() -> None:
    assert replace_scalars("a: 1\n", {(1, 2): NEW}) == ("a: 1\n", ((1, 2),))
