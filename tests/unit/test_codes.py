"""Every diagnostic code the package emits is in the one table, `diagnostics.CODES` (issue 18)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from briefing import diagnostics
from briefing.diagnostics import CODES, STRICT_CODES, Severity

PACKAGE = Path(diagnostics.__file__).resolve().parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "diagnostics.py")
# The shape of a code: a stage, a dot, words joined by hyphens.
CODE_SHAPE = re.compile(r"^(claims|sources|source|lock|quote|figure|build|show|audit|review|document)\.[a-z]+(-[a-z]+)*$")
# Strings of that shape that are file names, not codes.
NOT_CODES = {"claims.yaml", "sources.lock", "review.html", "review.css", "review.js"}
# Calls that emit a Diagnostic whose code is not a name: the code comes from a table or a field
# that holds only the table's constants (each checked by the literal test below).
INDIRECT = {
    ("claims/nodes.py", "code"),  # a schema problem's code, from the constants in nodes.py
    ("claims/read.py", "*binary"),  # (CLAIMS_BINARY, message)
    ("verify/cautions.py", "caution.code"),  # one of cautions.CODES
    ("verify/shape.py", "item.code"),  # one of shape.CODES
    ("sources/metadata.py", "code"),  # SOURCES_SIDECAR or SOURCES_FRONT_MATTER, passed by the readers
    ("render/readback.py", "code"),  # `_error`, called with the BUILD_ constants
}
CONSTANTS = {name: value for name, value in vars(diagnostics).items()
             if name.isupper() and isinstance(value, str)}


def _relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _diagnostic_calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Diagnostic"]


def _module_name(path: Path) -> str:
    parts = ("briefing", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _aliases(tree: ast.Module, known: dict[str, dict[str, str]]) -> dict[str, str]:
    """Module-level names bound to a code: imported from diagnostics (or from a module that
    binds one), or assigned from one."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            source = CONSTANTS if node.module == "briefing.diagnostics" else known.get(node.module, {})
            for alias in node.names:
                if alias.name in source:
                    names[alias.asname or alias.name] = source[alias.name]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (zip(target.elts, node.value.elts) if isinstance(target, ast.Tuple)
                         and isinstance(node.value, ast.Tuple) else [(target, node.value)])
                for name, value in pairs:
                    if isinstance(name, ast.Name) and isinstance(value, ast.Name) and value.id in names:
                        names[name.id] = names[value.id]
    return names


def _all_aliases() -> dict[str, dict[str, str]]:
    """Each module's names for codes (two passes: a module may import another's)."""
    trees = {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in MODULES}
    known: dict[str, dict[str, str]] = {}
    for _ in range(2):
        known = {name: _aliases(tree, known) for name, tree in trees.items()}
    return known


def _emitted() -> list[tuple[str, int, str, str | None, ast.Call]]:
    """(module, line, the code argument as written, the code it names or None, the call)."""
    found = []
    known = _all_aliases()
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = known[_module_name(path)]
        for call in _diagnostic_calls(tree):
            argument = call.args[0] if call.args else next(k.value for k in call.keywords if k.arg == "code")
            written = ast.unparse(argument)
            found.append((_relative(path), call.lineno, written, names.get(written), call))
    return found


def test_every_diagnostic_names_a_code_of_the_table() -> None:
    unknown = [f"{module}:{line}: Diagnostic({written}, ...)" for module, line, written, code, _ in _emitted()
               if code is None and (module, written) not in INDIRECT]
    assert unknown == [], "use a constant of briefing.diagnostics (add the code to CODES)"
    assert {code for *_, code, _ in _emitted() if code} <= set(CODES)


def _literal_codes(text: str) -> list[tuple[int, str]]:
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and CODE_SHAPE.match(node.value) and node.value not in NOT_CODES]


def test_no_code_is_written_out_as_a_string() -> None:
    """A code spelt as a literal anywhere but the table would escape it (a new one, or a typo)."""
    literals = [f"{_relative(path)}:{line}: {code!r}" for path in MODULES
                for line, code in _literal_codes(path.read_text(encoding="utf-8"))]
    assert literals == []


@pytest.mark.parametrize("snippet, found", [
    pytest.param('Diagnostic("quote.made-up", "m")', [(1, "quote.made-up")], id="new-code-as-literal"),
    pytest.param('CODE = "figure.disagreement"', [(1, "figure.disagreement")], id="known-code-spelt-again"),
    pytest.param('open("claims.yaml")', [], id="a-file-name-is-not-a-code"),
    pytest.param('Diagnostic(QUOTE_REPEATED, "m")', [], id="the-constant"),
])
def test_the_literal_check_catches_a_code_spelt_out(snippet: str, found: list[tuple[int, str]]) -> None:
    """Attack the rule: a code written as a string is found, a constant or a file name is not."""
    assert _literal_codes(snippet) == found


def test_the_table_holds_each_constant_once_and_each_is_used() -> None:
    assert sorted(CONSTANTS[name] for name in CONSTANTS if CODE_SHAPE.match(CONSTANTS[name])) == sorted(CODES)
    text = "\n".join(path.read_text(encoding="utf-8") for path in MODULES)
    unused = [code for code in CODES if not re.search(rf"\b{code.upper().replace('.', '_').replace('-', '_')}\b", text)]
    assert unused == []


@pytest.mark.parametrize("module, line, written, code, call",
                         [pytest.param(*e, id=f"{e[0]}:{e[1]}") for e in _emitted() if e[3] is not None])
def test_a_diagnostic_has_a_severity_its_code_allows(module: str, line: int, written: str, code: str,
                                                      call: ast.Call) -> None:
    given = call.args[4] if len(call.args) > 4 else next((k.value for k in call.keywords if k.arg == "severity"),
                                                         None)
    if given is None:
        severity = Severity.ERROR
    elif isinstance(given, ast.Attribute) and given.attr in Severity.__members__:
        severity = Severity[given.attr]
    else:
        pytest.skip(f"severity computed: {ast.unparse(given)}")
    assert severity in CODES[code].severities, f"{module}:{line}"


def test_each_code_has_a_meaning_and_its_own_anchor() -> None:
    assert all(entry.meaning and entry.severities for entry in CODES.values())
    anchors = [entry.anchor for entry in CODES.values()]
    assert len(set(anchors)) == len(anchors)
    assert all(re.fullmatch(r"docs/results\.md#[a-z]+(-[a-z]+)+", a) for a in anchors)


def test_strict_promotes_exactly_the_warnings_that_say_a_verified_quote_may_mislead() -> None:
    """--strict: a figure other sources give differently, and what an edit may turn (issues 7, 15 §4);
    and a figure of briefing.md's prose that no claim sources (issue 16)."""
    assert STRICT_CODES == ("figure.disagreement", "quote.elision-hides", "quote.elision-far",
                            "quote.insertion-hides", "quote.insertion-adds", "quote.insertion-replaces",
                            "quote.elision-spans-sentences", "figure.unsourced")
    assert all(CODES[code].severities == (Severity.WARNING,) for code in STRICT_CODES)
