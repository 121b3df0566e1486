"""The commands: check, build, show, init, schema, lock, sources, quote and review (click; prints)."""

from __future__ import annotations

import importlib
from dataclasses import replace
from pathlib import Path

import click

from briefing import __version__
from briefing.cli.exits import finish, unusable
from briefing.cli.options import (
    CHECK_FORMAT_HELP,
    CHECK_FORMATS,
    STRICT_HELP,
    display,
    no_cache_option,
    output_paths,
    project_options,
    project_paths,
    refuse_inputs,
    resolve_format,
    sources_option,
    stderr_colour,
    use_colour,
)
from briefing.cli.output import print_report, print_unusable, render_report, write_output
from briefing.collector import keep_till_the_end
from briefing.diagnostics import SHOW_UNKNOWN_CLAIM, SOURCES_MISSING, Diagnostic
from briefing.engine.cache import CACHE_NAME, NO_CACHE, SourceCache, open_cache
from briefing.engine.outcome import promoted, without_disagreements
from briefing.engine.outcome import strict as strict_report
from briefing.engine.parallel import cpu_count, run_beside
from briefing.engine.progress import Bar
from briefing.engine.project import Project, check_project, load_project
from briefing.report.json_report import ClaimsAhead
from briefing.report.text import format_diagnostic, format_text, summary_line
from briefing.settings import OUTPUT_FORMATS
from briefing.sources.lock import LOCK_NAME, Lock, changes, describe_changes, load_lock, load_snapshot, write_lock


class _Commands(click.Group):
    """The commands, those of the review page, the audit, `fix` and `quote` loaded only when asked
    for: `check` starts without jinja2, the renderer, the audit and the repairs (issue 19: 0.04 s
    of every start, then 0.01 s more). The other commands import what only they use when run."""

    LAZY = {"audit": "briefing.cli.audit:audit_command", "review": "briefing.cli.review:review_command",
            "fix": "briefing.cli.fix:fix_command", "quote": "briefing.cli.quote:quote_command"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            module, name = self.LAZY[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), name), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
def cli() -> None:
    """Citation-checked briefings: every quote verbatim, every figure backed."""


def _load(directory: Path, claims_file: Path | None, sources_dir: Path | None, bar: Bar,
          lock_path: Path | None = None, workers_cache: SourceCache | None = None) -> Project:
    """The project; with `workers_cache`, its sources read by the workers that check them
    (issue 19), which keep their text."""
    claims_path, sources_path = project_paths(directory, claims_file, sources_dir)
    return load_project(claims_path, sources_path, progress=bar.sources, lock_path=lock_path,
                        in_workers=workers_cache is not None,
                        cache=NO_CACHE if workers_cache is None else workers_cache)


def _load_and_check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
                    output_format: str = "text", output: Path | None = None, update_lock: bool = False,
                    no_cache: bool = False, snapshot: bool = False, keep_text: bool = True,
                    ahead: ClaimsAhead | None = None):
    """Load and verify a project, or report why it is unusable and exit 2.

    DIRECTORY/sources.lock, when there is one, pins the sources; `update_lock` rewrites it
    from the sources as they are (creating it if need be) before they are checked. Unless
    `no_cache`, DIRECTORY/.briefing-cache keeps what each source yields for the next run.
    With `snapshot`, the sources are hashed for a lock even where the project has none
    (`project.lock.current`: the evidence a PDF carries, issue 17 §3). Unless `keep_text`, the
    sources are read by the workers that check them, and neither the project nor the report
    holds their text (issue 19: what the report formats other than annotations need). There,
    `ahead` builds a JSON report's claims as they are judged.
    """
    lock_path = Path(display(directory / LOCK_NAME))
    cache = NO_CACHE if no_cache else open_cache(directory / CACHE_NAME)
    with Bar("checking") as bar:
        project = _load(directory, claims_file, sources_dir, bar,
                        lock_path if update_lock or snapshot or lock_path.exists() else None,
                        None if keep_text else cache)
        try:
            if project.briefing is None or project.errors:
                bar.close()
                print_unusable(project.diagnostics, output_format, str(project.claims_path), output)
                unusable()
            if update_lock and project.lock is not None:
                bar.close()
                _accept_lock(project.lock.path, project.lock.locked, project.lock.current)
                project = replace(project, lock=replace(project.lock, locked=project.lock.current, problems=()))
            if project.sources and bar.drawn:
                bar.status("verifying quotes and figures…")
        except BaseException:  # (unusable input, a lock not written, an interrupt: the workers
            if project.workers is not None:  # end now, and what they started is dropped)
                project.workers.pool.close(False)
            raise
        report = check_project(project, cache=cache,
                               judged=ahead.for_sources(project.sources) if ahead is not None else None)
        cache.prune(project.sources.values())
        cache.close()
        return project, report


def _accept_lock(path: Path, locked: Lock | None, current: Lock) -> None:
    """Write the lock and say on stderr what it accepted (stdout may be a JSON report)."""
    found = changes(locked, current) if locked is not None else []
    if locked is not None and not found:
        click.echo(f"{display(path)}: up to date", err=True)
        return
    try:
        write_lock(path, current)
    except OSError as error:
        unusable(f"error: cannot write {display(path)}: {(error.strerror or str(error)).lower()}")
    count = len(current.entries)
    click.echo(f"wrote {display(path)}: {count} source{'' if count == 1 else 's'} pinned", err=True)
    for line in describe_changes(found, locked, current):
        click.echo(line, err=True)


@cli.command()
@project_options
@click.option("--format", "output_format", type=click.Choice(CHECK_FORMATS), default="auto",
              metavar="FORMAT", help=CHECK_FORMAT_HELP)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write the report to FILE (atomically; a device or FIFO in place; - for stdout); the "
                   "terminal still gets the summary line.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every verified claim and where it matched.")
@click.option("--update-lock", is_flag=True,
              help="Accept the sources as they are: rewrite DIRECTORY/sources.lock first.")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--reviewed", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Ticks exported from the review page (briefing review): warn of each claim changed "
                   "since it was ticked, and of each not ticked yet.")
@no_cache_option
def check(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          output_format: str, output: Path | None, verbose: bool, update_lock: bool, strict: bool,
          reviewed: Path | None, no_cache: bool) -> None:
    """Prove every quote is verbatim in its source and every figure is backed.

    With DIRECTORY/sources.lock (see `briefing lock`), a source whose bytes differ
    from the lock fails the check too.

    Exit status: 0 all claims verified, 1 a claim failed or a source differs from
    the lock, 2 unusable input.
    """
    if output is not None and str(output) == "-":
        output = None  # stdout, as without -o
    if output is not None:
        refuse_inputs(directory, claims_file, sources_dir, [output], given=True)
    output_format = resolve_format(output_format, output)
    ticks = None
    if reviewed is not None:  # (the review page's module loads only for it)
        from briefing.cli.review import read_ticks, with_review
        ticks = read_ticks(reviewed)  # a bad file stops the run first
    ahead = ClaimsAhead() if output_format == "json" else None  # (its claims built as judged: issue 19)
    project, report = _load_and_check(directory, claims_file, sources_dir, output_format, output, update_lock,
                                      no_cache, keep_text=output_format == "annotations", ahead=ahead)
    if reviewed is not None and ticks is not None:
        report = with_review(report, project, ticks, reviewed)
    if strict:
        report = strict_report(report)
    text = render_report(report, output_format, verbose, output is not None, ahead)
    if output is None:
        print_report(text)
    else:
        write_output(output, text)
        click.echo(summary_line(report, use_colour()))
    keep_till_the_end(project, report, text)
    finish(report.ok)


@cli.command()
@project_options
@click.option("--format", "formats", type=click.Choice(list(OUTPUT_FORMATS)), multiple=True,
              help="Output format; repeat for several.  [default: pdf]")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (one format), or folder (several).  [default: DIRECTORY/build/]")
@click.option("--draft", is_flag=True,
              help="Build even when claims fail: mark them and stamp every page DRAFT.")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@click.option("--disagreements", is_flag=True,
              help="Add an appendix, \"Where the sources disagree\": each figure the sources give "
                   "differently, with every source's value and passage.")
@no_cache_option
def build(directory: Path, claims_file: Path | None, sources_dir: Path | None,
          formats: tuple[str, ...], output: Path | None, draft: bool, strict: bool,
          disagreements: bool, no_cache: bool) -> None:
    """Check the claims, then render the footnoted briefing.

    Refuses (exit 1, failures shown) when a claim fails, unless --draft. Each file
    is read back before it replaces the previous one: every footnote present and
    every printed quote equal to the verified quote.

    Exit status: 0 built, 1 refused or the read-back failed, 2 unusable input.
    """
    from briefing import render
    from briefing.cli.audit import evidence_of
    formats = tuple(dict.fromkeys(formats or ("pdf",)))
    if output is not None and str(output) == "-":
        # A build is read back from its file before it is kept: it needs a file, never stdout.
        raise click.BadParameter("build writes files and reads each back; name a file or folder, not '-' "
                                 "(nothing was written)", click.get_current_context(), param_hint="'-o' / '--output'")
    outputs = output_paths(directory, formats, output)
    refuse_inputs(directory, claims_file, sources_dir, outputs.values(), given=output is not None)
    project, report = _load_and_check(directory, claims_file, sources_dir, no_cache=no_cache,
                                      snapshot="pdf" in formats)
    if strict:
        report = strict_report(report)
    evidence = evidence_of(project, report) if "pdf" in formats else ()
    if not report.ok:
        click.echo(format_text(report, colour=use_colour()), nl=False)
    promotions = promoted(report)
    if strict and promotions and not draft:
        click.echo(f"error: --strict: {promotions} warning{'' if promotions == 1 else 's'} count as errors; "
                   "nothing was built (fix them, or build with --draft)", err=True)
        finish(False)
    if not disagreements:  # the appendix is drawn from the report's disagreements
        report = without_disagreements(report)
    prose = project.document  # briefing.md, read once by the check (issue 16)
    with Bar("building") as bar:
        result = render.build(project.briefing, report, formats, outputs,
                              templates_dir=directory / "templates", draft=draft, progress=bar.status,
                              attachments=evidence, prose=prose, pages=bar.pages,
                              beside=run_beside if cpu_count() > 1 else None)
    for diagnostic in result.diagnostics:
        click.echo(format_diagnostic(diagnostic, use_colour()), err=True)
    for path in result.written:
        click.echo(f"wrote {display(path)}")
    finish(result.ok)


@cli.command()
@click.argument("claim_id")
@project_options
def show(claim_id: str, directory: Path, claims_file: Path | None, sources_dir: Path | None) -> None:
    """Show a claim, each quote, and where it sits in its source.

    A verified quote is shown in the lines around it, numbered as in the source
    file. A failed one shows the nearest passage and what differs.

    Exit status: 0 the claim is verified, 1 it failed, 2 no such claim or unusable
    input.
    """
    from briefing.report.show import format_show, suggest

    with Bar("loading") as bar:
        project = _load(directory, claims_file, sources_dir, bar)
    if project.briefing is None or project.errors:
        print_unusable(project.diagnostics, "text")
        unusable()
    ids = [claim.id for claim in project.briefing.claims]
    if claim_id not in ids:
        diagnostic = Diagnostic(SHOW_UNKNOWN_CLAIM, f"no claim '{claim_id}' in {project.claims_path}", None,
                                suggest(claim_id, ids))
        click.echo(format_diagnostic(diagnostic, stderr_colour()), err=True)
        unusable()
    # Verify this claim alone: the sources are all loaded (so "the exact quote is in ..." still works).
    section = next(s for s in project.briefing.sections if any(c.id == claim_id for c in s.claims))
    claim = next(c for c in section.claims if c.id == claim_id)
    alone = replace(project.briefing, sections=(replace(section, claims=(claim,)),))
    report = check_project(replace(project, briefing=alone, document=None))  # the claim, not the prose
    result = report.claims[0]
    click.echo(format_show(report, result, project.sources, colour=use_colour()), nl=False)
    finish(result.ok)


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
    from briefing import scaffold as new_project

    plan = new_project.plan(directory, templates=templates)
    existing = plan.existing()
    if existing:
        for name in existing:
            click.echo(f"{display(directory / name)}: error: already exists", err=True)
        unusable("nothing was written: briefing init never replaces a file")
    try:
        written = new_project.write_plan(plan)
    except OSError as error:
        where = f" {display(Path(error.filename))}" if error.filename else ""
        unusable(f"error: cannot create{where}: {(error.strerror or str(error)).lower()}")
    for path in written:
        click.echo(f"created {display(path)}")
    here = directory.resolve() == Path.cwd().resolve()
    click.echo(new_project.NEXT_STEPS.format(cd="" if here else f"  cd {display(directory)}\n"), nl=False)
    finish(True)


@cli.command()
def schema() -> None:
    """Print the JSON Schema for claims.yaml: the one `check` validates against.

    Editors that use yaml-language-server read it through a first line such as
    `# yaml-language-server: $schema=claims.schema.json`.
    """
    from briefing import scaffold as new_project

    click.echo(new_project.schema_text(), nl=False)


@cli.command("lock")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@sources_option
def lock_command(directory: Path, sources_dir: Path | None) -> None:
    """Pin every source: write DIRECTORY/sources.lock.

    Records each source's SHA-256, its extractor and version, and the SHA-256 of
    its extracted text. `check` then fails on any source whose bytes differ from
    the lock; running `lock` again (or `check --update-lock`) accepts them. With
    no lock, sources are not pinned.

    Exit status: 0 written (or already up to date), 2 no usable sources folder or
    the lock cannot be written.
    """
    lock_path = Path(display(directory / LOCK_NAME))
    folder = Path(display(sources_dir or directory / "sources"))
    current, diagnostics = load_snapshot(folder)
    colour = stderr_colour()
    for diagnostic in diagnostics:
        click.echo(format_diagnostic(diagnostic, colour), err=True)
    if current is None:
        unusable("nothing was written")
    locked, _ = load_lock(lock_path)  # a damaged lock is simply replaced
    _accept_lock(lock_path, locked, current)
    finish(True)


@cli.command("sources")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@sources_option
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
    from briefing.report.inventory import format_inventory_json, format_inventory_text, load_inventory

    inventory = load_inventory(Path(display(sources_dir or directory / "sources")))
    missing = [d for d in inventory.diagnostics if d.code == SOURCES_MISSING]
    if output_format == "json":
        click.echo(format_inventory_json(inventory), nl=False)
    elif not missing:  # no folder, no table: only the error, below
        click.echo(format_inventory_text(inventory, use_colour()), nl=False)
    for diagnostic in missing:  # on stderr in either format, as `check` gives it
        click.echo(format_diagnostic(diagnostic, use_colour()), err=True)
    if missing:
        unusable()
    finish(inventory.ok)

