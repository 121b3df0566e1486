"""What a run's report becomes before it is shown: `--strict` promotions, the disagreements
left out of a build without the appendix; and the collector tuned for a large run (no I/O)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from dataclasses import replace

from briefing.disagree.compare import CODE as DISAGREEMENT
from briefing.models import Report, Severity
from briefing.verify.cautions import CODES as EDIT_CODES

# Warnings that `--strict` makes errors (issues 7, 15 §4): each says a verified quote may still mislead.
STRICT_CODES = (DISAGREEMENT, *EDIT_CODES)


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
