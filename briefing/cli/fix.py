"""`briefing fix`: propose the source's exact text for each misquote that differs only in
typography, spacing, a line-end hyphen or case, as a diff of the claims file; write with
--write (reads the project, prints, writes the claims file atomically; issue 17 §4)."""

from __future__ import annotations

import difflib
from pathlib import Path

import click

from briefing.cli.exits import finish, unusable
from briefing.cli.options import display, project_options, project_paths
from briefing.cli.output import print_unusable
from briefing.engine.fix import FixPlan, Proposal, plan
from briefing.engine.project import check_project, load_project
from briefing.files import write_atomic

_BOM = "\ufeff"


@click.command("fix")
@project_options
@click.option("--write", is_flag=True, help="Write the fixes into the claims file (atomically).")
def fix_command(directory: Path, claims_file: Path | None, sources_dir: Path | None, write: bool) -> None:
    """Replace misquotes by the source's exact text, where that is safe.

    A failing quote is fixed only when exactly one passage of its source reads
    the same once typography (quote marks, apostrophes, dashes), spacing, a
    line-end hyphen and the case of a sentence's first word are set aside. A
    difference in a figure, a negation or a name is never fixed: each quote
    left is listed with the reason. Shows the changes as a diff of the claims
    file; writes them only with --write, every other byte of the file kept.

    Exit status: 0 no failing quote is left, 1 a fix is shown but not written
    or a quote is left, 2 unusable input.
    """
    claims_path, sources_path = project_paths(directory, claims_file, sources_dir)
    project = load_project(claims_path, sources_path)
    if project.briefing is None or project.errors:
        print_unusable(project.diagnostics, "text", str(claims_path))
        unusable()
    text, bom = _read(claims_path)
    fixes = plan(project, check_project(project), text)
    name = display(claims_path)
    click.echo(_diff(fixes, name), nl=False)
    for proposal in fixes.proposals:
        click.echo(_line(proposal, name))
    if write and fixes.repairs:
        try:
            write_atomic(claims_path, bom + fixes.fixed)
        except OSError as error:
            unusable(f"error: cannot write {name}: {(error.strerror or str(error)).lower()}")
    click.echo(_summary(fixes, name, write), err=True)
    finish(not fixes.left and (write or not fixes.repairs))


def _read(path: Path) -> tuple[str, str]:
    """The claims file's text and its BOM (kept when it is written back)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        unusable(f"error: cannot read {display(path)}: {error}")
    return (text[1:], _BOM) if text.startswith(_BOM) else (text, "")


def _diff(fixes: FixPlan, name: str) -> str:
    lines = difflib.unified_diff(fixes.text.splitlines(keepends=True), fixes.fixed.splitlines(keepends=True),
                                 f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _line(proposal: Proposal, name: str) -> str:
    cite = proposal.citation
    where = f"{name}:{cite.line}:{cite.col}: claim '{proposal.claim_id}', source '{cite.source}'"
    if proposal.repair is not None:
        place = proposal.repair.place
        page = f", page {place.page}" if place.page else ""
        return f"{where}: fixed ({proposal.repair.what}) from its line {place.line}{page}"
    return f"{where}: left as it is: {proposal.reason}"


def _summary(fixes: FixPlan, name: str, write: bool) -> str:
    fixed, left = len(fixes.repairs), len(fixes.left)
    quotes = f"{fixed} quote{'' if fixed == 1 else 's'}"
    kept = f"; {left} left as {'it is' if left == 1 else 'they are'}" if left else ""
    if not fixed:
        return f"{name}: nothing to fix{kept}" if left else f"{name}: every quote verifies; nothing to fix"
    if write:
        return f"wrote {name}: {quotes} fixed{kept}"
    return f"{name}: {quotes} can be fixed{kept}; run `briefing fix --write` to write {'it' if fixed == 1 else 'them'}"

