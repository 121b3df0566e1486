"""The package's layers (issue 18): each folder imports only the folders below it, no folder
imports a folder that imports it back, and docs/development.md draws the graph as it is."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("import_graph", module)
    spec.loader.exec_module(module)
    return module


graph = _script()

CORE = {"diagnostics", "models", "settings", "text", "house", "collector"}
# What each node may import (besides itself). The core never reaches the engine, the sources,
# the renderer, the reports or the command line; `briefing` is the package root (its version).
ALLOWED: dict[str, set[str]] = {
    "briefing": set(),
    "diagnostics": set(),
    "settings": set(),
    "models": {"diagnostics"},
    "text": {"models"},
    "house": {"models"},  # the house options (issue 16), shared by claims.yaml and briefing.md
    "files": set(),
    "collector": set(),  # the cyclic collector paused where a step builds many objects
    "pandoc": set(),  # runs the bundled pandoc: for the prose document's reader and the renderer
    "verify": CORE,
    "claims": CORE | {"verify"},  # a name's figures are read as the check reads them (backing)
    "sources": CORE | {"files", "briefing"},
    "disagree": CORE | {"verify"},
    # the prose document, briefing.md (issue 16): read by pandoc, its cites and sentences
    "document": CORE | {"verify", "pandoc"},
    "engine": CORE | {"verify", "disagree", "claims", "sources", "files", "document"},
    "report": CORE | {"verify", "disagree", "sources", "briefing"},
    "render": CORE | {"verify", "disagree", "files", "briefing", "pandoc", "document"},
    "scaffold": {"briefing"},
    "cli": CORE | {"engine", "report", "render", "sources", "scaffold", "files", "briefing", "document", "pandoc"},
    "__main__": {"cli"},
}


def test_every_node_is_in_the_table() -> None:
    nodes = {graph.node_of(m) for m in graph.imports()}
    assert nodes == set(ALLOWED)


def test_each_folder_imports_only_what_the_table_allows() -> None:
    wrong = sorted(f"{a} -> {b}" for a, b in graph.folder_edges() if b not in ALLOWED[a])
    assert wrong == []


def test_the_core_imports_no_engine_sources_render_report_or_cli() -> None:
    """Stated apart from the table: the rule the issue names (issue 18)."""
    upward = {"engine", "sources", "render", "report", "cli", "disagree", "claims"}
    found = sorted(f"{a} -> {b}" for a, b in graph.folder_edges() if a in CORE | {"verify"} and b in upward)
    assert found == []


def _cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one node (Tarjan)."""
    succ: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        succ.setdefault(a, []).append(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in succ.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted({n for e in edges for n in e}):
        if v not in index:
            visit(v)
    return found


def test_no_folders_import_each_other() -> None:
    assert _cycles(graph.folder_edges()) == []


@pytest.mark.parametrize("edges, expected", [
    pytest.param({("verify", "engine"), ("engine", "verify")}, [["engine", "verify"]], id="two-way"),
    pytest.param({("a", "b"), ("b", "c"), ("c", "a")}, [["a", "b", "c"]], id="round-three"),
    pytest.param({("engine", "verify"), ("cli", "engine")}, [], id="downward-only"),
])
def test_the_cycle_finder_finds_a_cycle(edges: set[tuple[str, str]], expected: list[list[str]]) -> None:
    """Attack the rule: an upward import that closes a loop is caught."""
    assert _cycles(edges) == expected


def test_an_upward_import_breaks_the_table(tmp_path: Path) -> None:
    """Attack the rule: a core module that imports the engine is refused."""
    package = tmp_path / "briefing"
    (package / "verify").mkdir(parents=True)
    (package / "engine").mkdir()
    (package / "__init__.py").write_text("")
    (package / "engine" / "__init__.py").write_text("")
    (package / "engine" / "cache.py").write_text("")
    (package / "verify" / "__init__.py").write_text("")
    (package / "verify" / "match.py").write_text("def f():\n    from briefing.engine import cache\n")
    edges = graph.folder_edges(package)
    assert edges == {("verify", "engine")}
    assert "engine" not in ALLOWED["verify"]


def test_docs_draw_the_graph_as_it_is() -> None:
    """docs/development.md holds the script's output between its markers; regenerate it with
    `python scripts/import_graph.py` when the imports change."""
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- import-graph -->\n(.*?)<!-- /import-graph -->", text, re.S)
    assert block is not None
    assert block.group(1) == graph.mermaid(graph.folder_edges())
