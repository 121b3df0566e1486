"""The suite's own rules (issue 18): every test file sits in the folder of its kind, and no test
module imports another (what tests share lives in support.py, claims_cases.py and conftest.py)."""

from __future__ import annotations

import ast

import pytest
from support import TESTS

FOLDERS = {"unit", "hostile", "integration", "golden"}
TEST_FILES = sorted(TESTS.rglob("test_*.py"))


def _imported(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_test_file_is_in_a_folder_of_its_kind() -> None:
    assert len(TEST_FILES) > 40
    misplaced = [p.relative_to(TESTS).as_posix() for p in TEST_FILES
                 if p.relative_to(TESTS).parts[0] not in FOLDERS]
    assert misplaced == []


@pytest.mark.parametrize("path", TEST_FILES, ids=[p.relative_to(TESTS).as_posix() for p in TEST_FILES])
def test_no_test_module_imports_another(path) -> None:
    stems = {p.stem for p in TEST_FILES}
    wrong = sorted(name for name in _imported(path)
                   if name.split(".")[-1] in stems | {"conftest"} or name == "tests" or name.startswith("tests."))
    assert wrong == []
