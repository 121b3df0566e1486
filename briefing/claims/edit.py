"""Replace scalars of a claims file in place, every other byte kept (pure: text in, text out;
issue 17 §4, `briefing fix --write`).

A round-trip YAML library (ruamel.yaml) keeps comments and order, but writes the whole document
again: long lines re-wrapped at its width, indents and quoting normalised. `fix` promises the
file is the same outside the quotes it replaces, so each replaced scalar is found by the
position the claims parser gave it (its LINE:COL, from PyYAML's composer, safe) and only its
characters are replaced, by a double-quoted scalar that reads back as exactly the new value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.verify.capture import yaml_string


def _scalars(node: Node | None) -> Iterator[ScalarNode]:
    if isinstance(node, ScalarNode):
        yield node
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def replace_scalars(text: str, values: Mapping[tuple[int, int], str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """`text` with the scalar that starts at each (line, col) (1-based, as in a Diagnostic)
    replaced by `values[line, col]`, double-quoted; and the positions where no scalar starts.

    Raises yaml.YAMLError when `text` is not YAML (the caller checked it just before)."""
    # The pure-Python composer: its marks count characters, as the text is indexed.
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    found = {(n.start_mark.line + 1, n.start_mark.column + 1): n for n in _scalars(root)}
    missing = tuple(position for position in values if position not in found)
    edits = sorted(((found[p].start_mark.index, found[p].end_mark.index, v) for p, v in values.items() if p in found),
                   reverse=True)
    for start, end, value in edits:
        region = text[start:end]
        kept = region[len(region.rstrip()):]  # a block scalar's region ends with its line breaks
        text = text[:start] + yaml_string(value) + kept + text[end:]
    return text, missing
