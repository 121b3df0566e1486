"""Command line: the only module that prints or picks exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from briefing import __version__, render
from briefing.models import Severity
from briefing.project import check_project, load_project
from briefing.render import DEFAULT_NAMES, FORMATS
from briefing.report import format_diagnostic, format_errors_json, format_json, format_text

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3


def _display(path: Path) -> str:
    """Paths as the user would type them: relative to the working directory when inside it."""
    text = os.path.normpath(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:
        return text
    return text if relative.startswith("..") else relative


def _use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli() -> None:
    """Citation-checked briefings: every quote verbatim, every figure backed."""


def _project_options(command):
    """DIRECTORY, --claims and --sources, shared by every command that reads a project."""
    command = click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
                           help="Folder of sources.  [default: DIRECTORY/sources]")(command)
    command = click.option("--claims", "claims_file", type=click.Path(dir_okay=False, path_type=Path),
                           help="Claims file.  [default: DIRECTORY/claims.yaml]")(command)
    return click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))(command)


def _load_and_check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
                    output_format: str = "text"):
    """Load and verify a project, or report why it is unusable and exit 2."""
    claims_path = Path(_display(claims_file or directory / "claims.yaml"))
    sources_path = Path(_display(sources_dir or directory / "sources"))
    project = load_project(claims_path, sources_path)
    if project.briefing is None or project.errors:
        _print_unusable(project.diagnostics, output_format)
        raise SystemExit(EXIT_UNUSABLE)
    return project, check_project(project)


@cli.command()
@_project_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every verified claim and where it matched.")
def check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          output_format: str, verbose: bool) -> None:
    """Prove every quote is verbatim in its source and every figure is backed.

    Exit status: 0 all claims verified, 1 a claim failed, 2 unusable input.
    """
    _, report = _load_and_check(directory, claims_file, sources_dir, output_format)
    if output_format == "json":
        click.echo(format_json(report), nl=False)
    else:
        click.echo(format_text(report, colour=_use_colour(), verbose=verbose), nl=False)
    raise SystemExit(EXIT_OK if report.ok else EXIT_FAILED)


@cli.command()
@_project_options
@click.option("--format", "formats", type=click.Choice(list(FORMATS)), multiple=True,
              help="Output format; repeat for several.  [default: pdf]")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (one format), or folder (several).  [default: DIRECTORY/build/]")
@click.option("--draft", is_flag=True,
              help="Build even when claims fail: mark them and stamp every page DRAFT.")
def build(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          formats: tuple[str, ...], output: Path | None, draft: bool) -> None:
    """Check the claims, then render the footnoted briefing.

    Refuses (exit 1, failures shown) when a claim fails, unless --draft. Each file
    is read back before it replaces the previous one: every footnote present and
    every printed quote equal to the verified quote.

    Exit status: 0 built, 1 refused or the read-back failed, 2 unusable input.
    """
    formats = tuple(dict.fromkeys(formats or ("pdf",)))
    outputs = _output_paths(directory, formats, output)
    project, report = _load_and_check(directory, claims_file, sources_dir)
    if not report.ok:
        click.echo(format_text(report, colour=_use_colour()), nl=False)
    result = render.build(project.briefing, report, formats, outputs,
                          templates_dir=directory / "templates", draft=draft)
    for diagnostic in result.diagnostics:
        click.echo(format_diagnostic(diagnostic, _use_colour()), err=True)
    for path in result.written:
        click.echo(f"wrote {_display(path)}")
    raise SystemExit(EXIT_OK if result.ok else EXIT_FAILED)


def _output_paths(directory: Path, formats: tuple[str, ...], output: Path | None) -> dict[str, Path]:
    if output is not None and len(formats) == 1 and not output.is_dir():
        return {formats[0]: output}
    folder = output if output is not None else directory / "build"
    return {fmt: folder / DEFAULT_NAMES[fmt] for fmt in formats}


def _print_unusable(diagnostics, output_format: str) -> None:
    if output_format == "json":
        click.echo(format_errors_json(diagnostics), nl=False)
        return
    colour = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    for d in diagnostics:
        click.echo(format_diagnostic(d, colour), err=True)
    click.echo(f"{len(errors)} error{'' if len(errors) == 1 else 's'}: nothing was checked", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    try:
        cli.main(args=argv, prog_name="briefing", standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_UNUSABLE
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug, not bad input: say so without a wall of traceback
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        click.echo(f"briefing: internal error: {type(error).__name__}: {error}\n"
                   "  set BRIEFING_DEBUG=1 to see the traceback, and please report it", err=True)
        return EXIT_INTERNAL
    return EXIT_OK
