"""Shared pytest setup (issue 18): golden files rewritten only when asked, hypothesis profiles that
write nothing into the checkout, and an environment free of CI variables. The builders the tests
share live in support.py (tests import it; they never import each other)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (constants it found in the code, Unicode tables) in ./.hypothesis, the
# checkout: keep them in the temporary folder instead, one per user, kept between runs.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"briefing-tests-hypothesis-{os.getuid()}")

# No example database: hypothesis would otherwise write .hypothesis/ into the working directory
# (the checkout). A failing example is printed with its reproduction blob instead. No deadline:
# under xdist on a shared 2-core machine a slow example is load, not a bug; the tests that are
# about time have their own limits (support.time_limit). Example counts are each test's own.
settings.register_profile("dev", database=None, deadline=None, print_blob=True)
# CI: the same examples every run, so a red build is reproducible and never luck.
settings.register_profile("ci", parent=settings.get_profile("dev"), derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under GitHub Actions the default format is `github` and a step summary is written; no test
    depends on where the suite runs (the tests of those variables set them themselves)."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
