"""Command line: the only module that prints or picks exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import click

from briefing import __version__, render
from briefing import scaffold as new_project
from briefing.diagnostics import SHOW_UNKNOWN_CLAIM, SOURCES_MISSING, Diagnostic, Severity
from briefing.engine.cache import CACHE_NAME, NO_CACHE, open_cache
from briefing.engine.outcome import collect_less_often, promoted, without_disagreements
from briefing.engine.outcome import strict as strict_report
from briefing.engine.progress import Bar
from briefing.engine.project import Project, check_project, load_project
from briefing.files import input_named, write_atomic
from briefing.models import Report
from briefing.render import DEFAULT_NAMES, FORMATS
from briefing.report import ci as ci_formats
from briefing.report.inventory import format_inventory_json, format_inventory_text, load_inventory
from briefing.report.json_report import format_errors_json, format_json
from briefing.report.show import format_show, suggest
from briefing.report.text import format_diagnostic, format_text, summary_line
from briefing.sources.lock import LOCK_NAME, Lock, changes, describe_changes, load_lock, load_snapshot, write_lock

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
STRICT_HELP = ("Fail on warnings that a verified quote may mislead: other sources give a figure "
               "differently, an elision hides a negation or a number, or its parts lie far apart.")
CHECK_FORMATS = ("auto", "text", "json", "github", "sarif", "junit")
# With -o and --format auto, the file's suffix picks the format (report.sarif is SARIF).
_SUFFIX_FORMATS = {".json": "json", ".sarif": "sarif", ".xml": "junit"}


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


def _paths(directory: Path, claims_file: Path | None, sources_dir: Path | None) -> tuple[Path, Path]:
    return (Path(_display(claims_file or directory / "claims.yaml")),
            Path(_display(sources_dir or directory / "sources")))


def _load(directory: Path, claims_file: Path | None, sources_dir: Path | None, bar: Bar,
          lock_path: Path | None = None) -> Project:
    claims_path, sources_path = _paths(directory, claims_file, sources_dir)
    return load_project(claims_path, sources_path, progress=bar.sources, lock_path=lock_path)


def _no_cache_option(command):
    return click.option("--no-cache", is_flag=True,
                        help=f"Neither read nor write DIRECTORY/{CACHE_NAME}, where what the check learns "
                             "of each source (its figures, the nearest passages) is kept by content "
                             "hash.")(command)


def _load_and_check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
                    output_format: str = "text", output: Path | None = None, update_lock: bool = False,
                    no_cache: bool = False):
    """Load and verify a project, or report why it is unusable and exit 2.

    DIRECTORY/sources.lock, when there is one, pins the sources; `update_lock` rewrites it
    from the sources as they are (creating it if need be) before they are checked. Unless
    `no_cache`, DIRECTORY/.briefing-cache keeps what each source yields for the next run.
    """
    lock_path = Path(_display(directory / LOCK_NAME))
    with Bar("checking") as bar:
        project = _load(directory, claims_file, sources_dir, bar,
                        lock_path if update_lock or lock_path.exists() else None)
        if project.briefing is None or project.errors:
            bar.close()
            _print_unusable(project.diagnostics, output_format, str(project.claims_path), output)
            raise SystemExit(EXIT_UNUSABLE)
        if update_lock and project.lock is not None:
            bar.close()
            _accept_lock(project.lock.path, project.lock.locked, project.lock.current)
            project = replace(project, lock=replace(project.lock, locked=project.lock.current, problems=()))
        if project.sources and bar.drawn:
            bar.status("verifying quotes and figures…")
        cache = NO_CACHE if no_cache else open_cache(directory / CACHE_NAME)
        report = check_project(project, cache=cache)
        cache.prune(project.sources.values())
        cache.close()
        return project, report


def _accept_lock(path: Path, locked: Lock | None, current: Lock) -> None:
    """Write the lock and say on stderr what it accepted (stdout may be a JSON report)."""
    found = changes(locked, current) if locked is not None else []
    if locked is not None and not found:
        click.echo(f"{_display(path)}: up to date", err=True)
        return
    try:
        write_lock(path, current)
    except OSError as error:
        click.echo(f"error: cannot write {_display(path)}: {(error.strerror or str(error)).lower()}", err=True)
        raise SystemExit(EXIT_UNUSABLE) from None
    count = len(current.entries)
    click.echo(f"wrote {_display(path)}: {count} source{'' if count == 1 else 's'} pinned", err=True)
    for line in describe_changes(found, locked, current):
        click.echo(line, err=True)


def _resolve_format(output_format: str, output: Path | None) -> str:
    """`auto`: by the -o file's suffix, else github under GitHub Actions, else text."""
    if output_format != "auto":
        return output_format
    if output is not None:
        return _SUFFIX_FORMATS.get(output.suffix.lower(), "text")
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _step_summary(markdown: str) -> bool:
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


def _render_report(report: Report, output_format: str, verbose: bool, to_file: bool) -> str:
    if output_format == "json":
        return format_json(report)
    if output_format == "sarif":
        return ci_formats.format_sarif(report)
    if output_format == "junit":
        return ci_formats.format_junit(report)
    if output_format == "github":
        written = not to_file and _step_summary(ci_formats.format_step_summary(report))
        return ci_formats.format_github(report, summary_written=written, verbose=verbose)
    return format_text(report, colour=not to_file and _use_colour(), verbose=verbose)


_PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"


def _refuse_inputs(directory: Path, claims_file: Path | None, sources_dir: Path | None,
                   outputs: Iterable[Path], given: bool) -> None:
    """Refuse an output path that is an input of the project, before anything is read or
    written (issue 15 §6: `check -o claims.yaml` replaced the claims file). A usage error: exit 2."""
    claims_path, sources_path = _paths(directory, claims_file, sources_dir)
    files = {"the claims file": claims_path, "the sources lock": directory / LOCK_NAME}
    if (directory / "briefing.md").exists():
        files["the project's briefing.md"] = directory / "briefing.md"
    folders = {"the templates folder": directory / "templates", "briefing's own templates": _PACKAGE_TEMPLATES}
    for output in outputs:
        what = input_named(output, files, folders, {"the sources folder": sources_path})
        if what is None:
            continue
        message = f"'{_display(output)}' is {what}, an input; choose another path (nothing was written)"
        context = click.get_current_context()
        if given:
            raise click.BadParameter(message, context, param_hint="'-o' / '--output'")
        raise click.UsageError(message, context)


def _write_output(output: Path, text: str) -> None:
    try:
        write_atomic(output, text)
    except OSError as error:
        click.echo(f"error: cannot write {_display(output)}: {(error.strerror or str(error)).lower()}",
                   err=True)
        raise SystemExit(EXIT_UNUSABLE) from None


@cli.command()
@_project_options
@click.option("--format", "output_format", type=click.Choice(CHECK_FORMATS), default="auto",
              metavar="FORMAT",
              help="text, json, github, sarif or junit.  [default: auto: by the suffix of -o "
                   "(.json, .sarif, .xml), else github when GITHUB_ACTIONS=true, else text]")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report to FILE (atomically; a device or FIFO in place; - for stdout); the "
                   "terminal still gets the summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every verified claim and where it matched.")
@click.option("--update-lock", is_flag=True,
              help="Accept the sources as they are: rewrite DIRECTORY/sources.lock first.")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@_no_cache_option
def check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          output_format: str, output: Path | None, verbose: bool, update_lock: bool, strict: bool,
          no_cache: bool) -> None:
    """Prove every quote is verbatim in its source and every figure is backed.

    With DIRECTORY/sources.lock (see `briefing lock`), a source whose bytes differ
    from the lock fails the check too.

    Exit status: 0 all claims verified, 1 a claim failed or a source differs from
    the lock, 2 unusable input.
    """
    if output is not None and str(output) == "-":
        output = None  # stdout, as without -o
    if output is not None:
        _refuse_inputs(directory, claims_file, sources_dir, [output], given=True)
    output_format = _resolve_format(output_format, output)
    _, report = _load_and_check(directory, claims_file, sources_dir, output_format, output, update_lock, no_cache)
    if strict:
        report = strict_report(report)
    text = _render_report(report, output_format, verbose, output is not None)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_output(output, text)
        click.echo(summary_line(report, _use_colour()))
    raise SystemExit(EXIT_OK if report.ok else EXIT_FAILED)


@cli.command()
@_project_options
@click.option("--format", "formats", type=click.Choice(list(FORMATS)), multiple=True,
              help="Output format; repeat for several.  [default: pdf]")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (one format), or folder (several).  [default: DIRECTORY/build/]")
@click.option("--draft", is_flag=True,
              help="Build even when claims fail: mark them and stamp every page DRAFT.")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--disagreements", is_flag=True,
              help="Add an appendix, \"Where the sources disagree\": each figure the sources give "
                   "differently, with every source's value and passage.")
@_no_cache_option
def build(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          formats: tuple[str, ...], output: Path | None, draft: bool, strict: bool,
          disagreements: bool, no_cache: bool) -> None:
    """Check the claims, then render the footnoted briefing.

    Refuses (exit 1, failures shown) when a claim fails, unless --draft. Each file
    is read back before it replaces the previous one: every footnote present and
    every printed quote equal to the verified quote.

    Exit status: 0 built, 1 refused or the read-back failed, 2 unusable input.
    """
    formats = tuple(dict.fromkeys(formats or ("pdf",)))
    if output is not None and str(output) == "-":
        # A build is read back from its file before it is kept: it needs a file, never stdout.
        raise click.BadParameter("build writes files and reads each back; name a file or folder, not '-' "
                                 "(nothing was written)", click.get_current_context(), param_hint="'-o' / '--output'")
    outputs = _output_paths(directory, formats, output)
    _refuse_inputs(directory, claims_file, sources_dir, outputs.values(), given=output is not None)
    project, report = _load_and_check(directory, claims_file, sources_dir, no_cache=no_cache)
    if strict:
        report = strict_report(report)
    if not report.ok:
        click.echo(format_text(report, colour=_use_colour()), nl=False)
    promotions = promoted(report)
    if strict and promotions and not draft:
        click.echo(f"error: --strict: {promotions} warning{'' if promotions == 1 else 's'} count as errors; "
                   "nothing was built (fix them, or build with --draft)", err=True)
        raise SystemExit(EXIT_FAILED)
    if not disagreements:  # the appendix is drawn from the report's disagreements
        report = without_disagreements(report)
    with Bar("building") as bar:
        result = render.build(project.briefing, report, formats, outputs,
                              templates_dir=directory / "templates", draft=draft, progress=bar.status)
    for diagnostic in result.diagnostics:
        click.echo(format_diagnostic(diagnostic, _use_colour()), err=True)
    for path in result.written:
        click.echo(f"wrote {_display(path)}")
    raise SystemExit(EXIT_OK if result.ok else EXIT_FAILED)


@cli.command()
@click.argument("claim_id")
@_project_options
def show(claim_id: str, directory: Path, claims_file: Path | None, sources_dir: Path | None) -> None:
    """Show a claim, each quote, and where it sits in its source.

    A verified quote is shown in the lines around it, numbered as in the source
    file. A failed one shows the nearest passage and what differs.

    Exit status: 0 the claim is verified, 1 it failed, 2 no such claim or unusable
    input.
    """
    with Bar("loading") as bar:
        project = _load(directory, claims_file, sources_dir, bar)
    if project.briefing is None or project.errors:
        _print_unusable(project.diagnostics, "text")
        raise SystemExit(EXIT_UNUSABLE)
    ids = [claim.id for claim in project.briefing.claims]
    if claim_id not in ids:
        colour = sys.stderr.isatty() and "NO_COLOR" not in os.environ
        diagnostic = Diagnostic(SHOW_UNKNOWN_CLAIM, f"no claim '{claim_id}' in {project.claims_path}", None,
                                suggest(claim_id, ids))
        click.echo(format_diagnostic(diagnostic, colour), err=True)
        raise SystemExit(EXIT_UNUSABLE)
    # Verify this claim alone: the sources are all loaded (so "the exact quote is in ..." still works).
    section = next(s for s in project.briefing.sections if any(c.id == claim_id for c in s.claims))
    claim = next(c for c in section.claims if c.id == claim_id)
    alone = replace(project.briefing, sections=(replace(section, claims=(claim,)),))
    report = check_project(replace(project, briefing=alone))
    result = report.claims[0]
    click.echo(format_show(report, result, project.sources, colour=_use_colour()), nl=False)
    raise SystemExit(EXIT_OK if result.ok else EXIT_FAILED)


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--templates", is_flag=True,
              help="Also copy the packaged templates into DIRECTORY/templates, to edit.")
def init(directory: Path, templates: bool) -> None:
    """Start a new briefing project in DIRECTORY (default: here).

    Creates claims.yaml (with an example claim and the schema line editors use),
    claims.schema.json, sources/ with one example source, a Makefile and a GitHub
    Actions workflow. Never overwrites a file. The new project passes `briefing
    check` at once.

    Exit status: 0 created, 2 a file is already there (nothing is written).
    """
    plan = new_project.plan(directory, templates=templates)
    existing = plan.existing()
    if existing:
        for name in existing:
            click.echo(f"{_display(directory / name)}: error: already exists", err=True)
        click.echo("nothing was written: briefing init never replaces a file", err=True)
        raise SystemExit(EXIT_UNUSABLE)
    try:
        written = new_project.write_plan(plan)
    except OSError as error:
        where = f" {_display(Path(error.filename))}" if error.filename else ""
        click.echo(f"error: cannot create{where}: {(error.strerror or str(error)).lower()}", err=True)
        raise SystemExit(EXIT_UNUSABLE) from None
    for path in written:
        click.echo(f"created {_display(path)}")
    here = directory.resolve() == Path.cwd().resolve()
    click.echo(new_project.NEXT_STEPS.format(cd="" if here else f"  cd {_display(directory)}\n"), nl=False)
    raise SystemExit(EXIT_OK)


@cli.command()
def schema() -> None:
    """Print the JSON Schema for claims.yaml: the one `check` validates against.

    Editors that use yaml-language-server read it through a first line such as
    `# yaml-language-server: $schema=claims.schema.json`.
    """
    click.echo(new_project.schema_text(), nl=False)


def _sources_option(command):
    return click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of sources.  [default: DIRECTORY/sources]")(command)


@cli.command("lock")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@_sources_option
def lock_command(directory: Path, sources_dir: Path | None) -> None:
    """Pin every source: write DIRECTORY/sources.lock.

    Records each source's SHA-256, its extractor and version, and the SHA-256 of
    its extracted text. `check` then fails on any source whose bytes differ from
    the lock; running `lock` again (or `check --update-lock`) accepts them. With
    no lock, sources are not pinned.

    Exit status: 0 written (or already up to date), 2 no usable sources folder or
    the lock cannot be written.
    """
    lock_path = Path(_display(directory / LOCK_NAME))
    folder = Path(_display(sources_dir or directory / "sources"))
    current, diagnostics = load_snapshot(folder)
    colour = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    for diagnostic in diagnostics:
        click.echo(format_diagnostic(diagnostic, colour), err=True)
    if current is None:
        click.echo("nothing was written", err=True)
        raise SystemExit(EXIT_UNUSABLE)
    locked, _ = load_lock(lock_path)  # a damaged lock is simply replaced
    _accept_lock(lock_path, locked, current)
    raise SystemExit(EXIT_OK)


@cli.command("sources")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@_sources_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text (a table) or json.  [default: text]")
def sources_command(directory: Path, sources_dir: Path | None, output_format: str) -> None:
    """List every source: kind, pages, size, hash, metadata and problems.

    One row per source: id, kind, pages (PDF), characters of text, SHA-256 of
    the bytes (as in the rendered Sources list) and title; other metadata and any
    problems below it. Each source is read as `check` reads it, so a file that
    cannot be read is listed with the reason.

    Exit status: 0 every source readable, 1 a source could not be read, 2 no
    sources folder.
    """
    inventory = load_inventory(Path(_display(sources_dir or directory / "sources")))
    missing = [d for d in inventory.diagnostics if d.code == SOURCES_MISSING]
    if output_format == "json":
        click.echo(format_inventory_json(inventory), nl=False)
    elif not missing:  # no folder, no table: only the error, below
        click.echo(format_inventory_text(inventory, _use_colour()), nl=False)
    for diagnostic in missing:  # on stderr in either format, as `check` gives it
        click.echo(format_diagnostic(diagnostic, _use_colour()), err=True)
    if missing:
        raise SystemExit(EXIT_UNUSABLE)
    raise SystemExit(EXIT_OK if inventory.ok else EXIT_FAILED)


def _output_paths(directory: Path, formats: tuple[str, ...], output: Path | None) -> dict[str, Path]:
    if output is not None and len(formats) == 1 and not output.is_dir():
        return {formats[0]: output}
    folder = output if output is not None else directory / "build"
    return {fmt: folder / DEFAULT_NAMES[fmt] for fmt in formats}


def _print_unusable(diagnostics: tuple[Diagnostic, ...], output_format: str, claims_path: str = "claims.yaml",
                    output: Path | None = None) -> None:
    """Unusable input: the problems on stderr, and in the chosen format on stdout or in -o."""
    document = ""
    if output_format == "json":
        document = format_errors_json(diagnostics)
    elif output_format == "sarif":
        document = ci_formats.format_sarif_errors(diagnostics)
    elif output_format == "junit":
        document = ci_formats.format_junit_errors(diagnostics, claims_path)
    elif output_format == "github":
        written = output is None and _step_summary(ci_formats.format_step_summary_errors(diagnostics))
        document = ci_formats.format_github_errors(diagnostics, summary_written=written)
    if output is not None and document:
        _write_output(output, document)
    elif document:
        click.echo(document, nl=False)
    colour = sys.stderr.isatty() and "NO_COLOR" not in os.environ
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    for d in diagnostics:
        click.echo(format_diagnostic(d, colour), err=True)
    click.echo(f"{len(errors)} error{'' if len(errors) == 1 else 's'}: nothing was checked", err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    try:
        with collect_less_often():
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
