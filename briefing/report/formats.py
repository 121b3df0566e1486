"""The one table of a check's report formats: name, the -o suffix that picks it, its renderers (pure)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType

from briefing.diagnostics import Diagnostic
from briefing.models import Report
from briefing.report.annotations import format_annotations
from briefing.report.json_report import ClaimsAhead, format_errors_json, json_report
from briefing.report.text import format_text


@dataclass(frozen=True)
class Shown:
    """How a report is shown: in colour, with every verified claim, beside GitHub's job summary;
    `claims_path` names the one test case of an unusable input's JUnit report; `ahead`, a
    JSON report's claims built as they were judged."""

    colour: bool = False
    verbose: bool = False
    summary_written: bool = False
    claims_path: str = "claims.yaml"
    ahead: ClaimsAhead | None = None


@dataclass(frozen=True)
class ReportFormat:
    """A `check --format`: the report, the document for unusable input ("" for none: the problems
    are on stderr alone), and the Markdown for $GITHUB_STEP_SUMMARY when the format writes one."""

    name: str
    suffix: str | None  # with --format auto, `-o FILE` with this suffix picks the format
    report: Callable[[Report, Shown], str | bytes]  # (bytes: UTF-8 already, as orjson writes JSON)
    errors: Callable[[Sequence[Diagnostic], Shown], str]
    summary: Callable[[Report], str] | None = None
    summary_errors: Callable[[Sequence[Diagnostic]], str] | None = None


def _ci() -> ModuleType:
    """The CI formats' module, imported when one is asked for: a check's text or JSON report
    starts without it and the XML and HTML modules it needs (issue 19)."""
    from briefing.report import ci

    return ci


REPORT_FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("text", None, lambda r, s: format_text(r, colour=s.colour, verbose=s.verbose),
                 lambda d, s: ""),
    ReportFormat("json", ".json", lambda r, s: json_report(r, s.ahead), lambda d, s: format_errors_json(d)),
    ReportFormat("github", None,
                 lambda r, s: _ci().format_github(r, summary_written=s.summary_written, verbose=s.verbose),
                 lambda d, s: _ci().format_github_errors(d, summary_written=s.summary_written),
                 lambda r: _ci().format_step_summary(r), lambda d: _ci().format_step_summary_errors(d)),
    ReportFormat("sarif", ".sarif", lambda r, s: _ci().format_sarif(r), lambda d, s: _ci().format_sarif_errors(d)),
    ReportFormat("junit", ".xml", lambda r, s: _ci().format_junit(r),
                 lambda d, s: _ci().format_junit_errors(d, s.claims_path)),
    # W3C Web Annotations of the matched quotes (issue 17 §2); unusable input has none to give.
    ReportFormat("annotations", ".jsonld", lambda r, s: format_annotations(r), lambda d, s: ""),
)
BY_NAME = {f.name: f for f in REPORT_FORMATS}
NAMES = tuple(BY_NAME)
SUFFIXES = {f.suffix: f.name for f in REPORT_FORMATS if f.suffix}


def format_for_suffix(suffix: str, default: str = "text") -> str:
    """The format an -o file's suffix picks (report.sarif is SARIF), case aside; else `default`."""
    return SUFFIXES.get(suffix.lower(), default)
