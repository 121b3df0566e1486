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
            for node in _walk(ast["blocks"]) if node.get("t") == "Cite"]


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for child in value.values():
            yield from _walk(child)
    elif isinstance(value, list):
        for child in value:
            yield from _walk(child)
