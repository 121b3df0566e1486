"""Prints the package's import graph, folder to folder, as a Mermaid flowchart (reads files only).

`python scripts/import_graph.py` prints the block that docs/development.md holds between its
`import-graph` markers (`--update` rewrites it there); tests/unit/test_layers.py checks the two
agree and that the graph keeps the layers' rule (issue 18). A top-level module is its own node
(`models`, `cli`, ...); a folder is one node for all its modules (`verify`, `engine`, ...);
`briefing` is the package's
`__init__` (its version; the public API there imports lazily).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = ("briefing", *path.relative_to(package).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def node_of(module: str) -> str:
    """The graph node of a module: its folder below `briefing`, or the module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "briefing"


def imports(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each module's imports of other package modules, at any depth (a function's too)."""
    modules = {module_name(p, package): p for p in sorted(package.rglob("*.py"))}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.split(".")[0] == "briefing"}
            elif (isinstance(node, ast.ImportFrom) and node.level == 0
                  and (node.module or "").split(".")[0] == "briefing"):
                for alias in node.names:  # `from briefing.verify import match` names a module
                    sub = f"{node.module}.{alias.name}"
                    targets.add(sub if sub in modules else node.module)
        found[name] = targets - {name}
    return found


def folder_edges(package: Path = PACKAGE) -> set[tuple[str, str]]:
    return {(node_of(a), node_of(b)) for a, targets in imports(package).items() for b in targets
            if node_of(a) != node_of(b)}


def mermaid(edges: set[tuple[str, str]]) -> str:
    lines = ["```mermaid", "flowchart TD"]
    lines += [f"    {a} --> {b}" for a, b in sorted(edges)]
    return "\n".join(lines + ["```"]) + "\n"


DOC = PACKAGE.parent / "docs" / "development.md"
MARKERS = ("<!-- import-graph -->\n", "<!-- /import-graph -->")


def update(doc: Path = DOC) -> None:
    """Rewrite the graph between the markers of docs/development.md."""
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(MARKERS[0], 1)
    _, tail = rest.split(MARKERS[1], 1)
    doc.write_text(head + MARKERS[0] + mermaid(folder_edges()) + MARKERS[1] + tail, encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        sys.stdout.write(mermaid(folder_edges()))
