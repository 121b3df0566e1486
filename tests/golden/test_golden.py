"""Golden cases (STYLE.md): each folder here is a project (claims.yaml, sources/) with the reports
`check` must print in expected/, diffed on failure and rewritten only by --update-golden.

Each case is copied to a temporary folder and checked there, so no run writes into the checkout
(the on-disk cache goes to the copy's .briefing-cache). The `example` case is the checkout's own
example: its claims.yaml and sources are symlinks to it, so the two never drift.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CASES = sorted(p.parent for p in Path(__file__).resolve().parent.glob("*/claims.yaml"))
FORMATS = {"text": "check.txt", "json": "check.json"}


def _check(case: Path, tmp_path: Path, output_format: str) -> tuple[int, str]:
    project = tmp_path / case.name
    shutil.copytree(case, project, ignore=shutil.ignore_patterns("expected"))  # follows the symlinks
    env = dict(os.environ, NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "briefing", "check", ".", "--format", output_format, "-v"],
                          cwd=project, capture_output=True, text=True, env=env, check=False)
    return done.returncode, done.stdout


def _compare(path: Path, actual: str, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not request.config.getoption("--update-golden"):
            pytest.fail(f"wrote missing golden file {path}: review it and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(path), "actual"))
        pytest.fail(f"output differs from the golden file (rerun with --update-golden if intended):\n{diff}")


def test_every_case_has_a_project_and_its_expected_reports() -> None:
    assert [case.name for case in CASES] == ["example"]
    for case in CASES:
        assert (case / "sources").is_dir(), case
        assert sorted(p.name for p in (case / "expected").iterdir()) == sorted(FORMATS.values()), case


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_text_report(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    code, out = _check(case, tmp_path, "text")
    assert code == 0, out
    _compare(case / "expected" / FORMATS["text"], out, request)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_json_report(case: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    code, out = _check(case, tmp_path, "json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["summary"]["failed"] == 0
    assert report["summary"]["claims"] >= 20
    _compare(case / "expected" / FORMATS["json"], json.dumps(report, indent=2, ensure_ascii=False) + "\n", request)
