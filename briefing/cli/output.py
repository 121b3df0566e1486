"""Where a report goes: stdout, an -o file (atomically), GitHub's job summary, stderr (prints and writes)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from briefing.cli.exits import unusable
from briefing.cli.options import display, stderr_colour, use_colour
from briefing.diagnostics import Diagnostic, Severity
from briefing.files import write_atomic
from briefing.models import Report
from briefing.report.formats import BY_NAME, Shown
from briefing.report.json_report import ClaimsAhead
from briefing.report.text import format_diagnostic


def step_summary(markdown: str) -> bool:
    """Append to $GITHUB_STEP_SUMMARY when GitHub set it; say whether it was written."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return False
    try:
        with open(path, "a", encoding="utf-8") as file:
            file.write(markdown)
    except OSError as error:
        click.echo(f"warning: cannot write the job summary to {path}: {error.strerror or error}", err=True)
        return False
    return True


def render_report(report: Report, output_format: str, verbose: bool, to_file: bool,
                  ahead: ClaimsAhead | None = None) -> str | bytes:
    """The report in its format; the job summary first, for a format that writes one to the
    terminal's run. `ahead`: a JSON report's claims built as they were judged."""
    chosen = BY_NAME[output_format]
    written = not to_file and chosen.summary is not None and step_summary(chosen.summary(report))
    return chosen.report(report, Shown(colour=not to_file and use_colour(), verbose=verbose,
                                       summary_written=written, ahead=ahead))


def print_report(text: str | bytes) -> None:
    """The report on stdout: bytes (UTF-8) to its binary buffer as they are, or decoded where it
    has none (a `StringIO` of a caller running `main` in-process)."""
    if isinstance(text, bytes) and not hasattr(sys.stdout, "buffer"):
        text = text.decode("utf-8")
    click.echo(text, nl=False)


def write_output(output: Path, text: str | bytes) -> None:
    try:
        write_atomic(output, text)
    except OSError as error:
        unusable(f"error: cannot write {display(output)}: {(error.strerror or str(error)).lower()}")


def print_unusable(diagnostics: Sequence[Diagnostic], output_format: str, claims_path: str = "claims.yaml",
                   output: Path | None = None) -> None:
    """Unusable input: the problems on stderr, and in the chosen format on stdout or in -o."""
    chosen = BY_NAME[output_format]
    written = (output is None and chosen.summary_errors is not None
               and step_summary(chosen.summary_errors(diagnostics)))
    document = chosen.errors(diagnostics, Shown(summary_written=written, claims_path=claims_path))
    if output is not None and document:
        write_output(output, document)
    elif document:
        click.echo(document, nl=False)
    colour = stderr_colour()
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    for d in diagnostics:
        click.echo(format_diagnostic(d, colour), err=True)
    click.echo(f"{len(errors)} error{'' if len(errors) == 1 else 's'}: nothing was checked", err=True)
