"""Golden case: the example briefing's full report, text and JSON, diffed on failure."""

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden" / "example"


def _check(output_format: str) -> tuple[int, str]:
    env = dict(os.environ, NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "briefing", "check", ".", "--format", output_format, "-v"],
                          cwd=ROOT, capture_output=True, text=True, env=env, check=False)
    return done.returncode, done.stdout


def _compare(name: str, actual: str, request: pytest.FixtureRequest) -> None:
    path = GOLDEN / name
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


def test_example_briefing_text_report(request: pytest.FixtureRequest) -> None:
    code, out = _check("text")
    assert code == 0, out
    _compare("check.txt", out, request)


def test_example_briefing_json_report(request: pytest.FixtureRequest) -> None:
    code, out = _check("json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True and report["summary"]["failed"] == 0
    assert report["summary"]["claims"] >= 20
    _compare("check.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n", request)
