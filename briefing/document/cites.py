"""Where the prose cites claims: pandoc `Cite` nodes, in document order (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CiteGroup:
    """One `[@a; @b]`: the claim ids it names, in order; one note in the rendered document."""

    ids: tuple[str, ...]
    node: dict[str, Any]  # the Cite node itself, to be replaced when rendering


def cite_groups(ast: dict[str, Any]) -> list[CiteGroup]:
    """Every Cite node of the document, in reading order (nested ones after their parent)."""
    return [CiteGroup(tuple(c["citationId"] for c in node["c"][0]), node)
            for node in ast_nodes(ast["blocks"]) if node.get("t") == "Cite"]


def ast_nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every node of a pandoc AST value (a node, a list, the blocks), in document order, parents
    before children; without recursion, so a document nested thousands deep cannot overflow."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "t" in item:
                yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
