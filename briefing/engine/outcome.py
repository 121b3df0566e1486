"""What a run's report becomes before it is shown: `--strict` promotions, the disagreements
left out of a build without the appendix; and the collector tuned for a large run (no I/O)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import replace

from briefing.diagnostics import STRICT_CODES, Severity
from briefing.models import Report

__all__ = ["STRICT_CODES", "collect_less_often", "promoted", "strict", "without_disagreements"]


def strict(report: Report) -> Report:
    """The report with the STRICT_CODES warnings as errors, so the check fails on them."""
    return replace(report, diagnostics=tuple(
        replace(d, severity=Severity.ERROR) if d.code in STRICT_CODES else d for d in report.diagnostics))


def promoted(report: Report) -> int:
    """How many of the report's errors are warnings `strict` promoted."""
    return sum(d.code in STRICT_CODES and d.severity is Severity.ERROR for d in report.diagnostics)


def without_disagreements(report: Report) -> Report:
    """The report with no claim's disagreements (a build's appendix is drawn from them)."""
    return replace(report, claims=tuple(replace(c, disagreements=()) for c in report.claims))


@contextlib.contextmanager
def collect_less_often() -> Iterator[None]:
    """A large check makes millions of small objects that live until it ends, and the default
    collector walks them again and again (about 7% of `make bench`). Restored afterwards, for
    whoever called `main` in-process."""
    previous = gc.get_threshold()
    gc.set_threshold(10_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
