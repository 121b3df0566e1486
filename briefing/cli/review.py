"""`briefing review`: the reviewer's page, and `check --reviewed`: the ticks read back (reads the
project, writes the page; issue 17 §1). The page's data is `report.review`'s, its HTML
`report.review_page`'s, the ticks' meaning `report.reviewed`'s."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path
from urllib.request import pathname2url

import click

from briefing.cli.exits import finish, unusable
from briefing.cli.options import display, no_cache_option, project_options, project_paths, refuse_inputs, use_colour
from briefing.cli.output import write_output
from briefing.engine.project import Project
from briefing.models import Report
from briefing.report.review import SourceRow, claim_fingerprints, review_view
from briefing.report.review_page import format_review
from briefing.report.reviewed import ReviewedFileError, Tick, parse_reviewed, review_diagnostics
from briefing.report.text import format_diagnostic, summary_line

REVIEWED_MAX_BYTES = 16 * 1024 * 1024  # a tick is ~100 bytes: this is a million claims and more


def citing_sentences(project: Project) -> dict[str, str]:
    """Claim id -> the sentences of briefing.md that cite it, in document order (issue 16): the
    page shows them instead of the claim's `text`, and a tick vouches for them. Joined without
    their lines, so moving a sentence does not count as changing it."""
    if project.document is None:
        return {}
    from briefing.document.prose import citing_sentences as of_document

    found = of_document(project.document.text, project.document.ast)
    return {claim_id: " / ".join(text for text, _line in found[claim_id]) for claim_id in found}


def file_hrefs(report: Report, page: Path) -> dict[str, str]:
    """Each source's file as a link relative to the page's folder (a file: link would name this
    machine's folders; a relative one still works when the folder is copied whole)."""
    folder = page.resolve().parent
    hrefs = {}
    for source in report.sources:
        relative = os.path.relpath(Path(source.path).resolve(), folder)
        hrefs[source.id] = pathname2url(relative)
    return hrefs


def claims_sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:  # read moments ago by the check: only a race gets here
        unusable(f"error: cannot read {display(path)}: {(error.strerror or str(error)).lower()}")


def unreadable_rows(project: Project, page: Path) -> tuple[SourceRow, ...]:
    """The source files whose text could not be read (encrypted, corrupt): the summary hashes
    every source file, these too, where their bytes can be read at all."""
    rows = []
    cited = {c.source for claim in project.briefing.claims for c in claim.citations} if project.briefing else set()
    for source_id, problem in sorted(project.unreadable.items()):
        if problem.location is None:
            continue
        path = Path(problem.location.path)
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = ""
        href = pathname2url(os.path.relpath(path.resolve(), page.resolve().parent))
        rows.append(SourceRow(source_id, "unreadable", problem.location.path, href, digest, "", source_id in cited))
    return tuple(rows)


@click.command("review")
@project_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="The page to write.  [default: DIRECTORY/build/review.html]")
@no_cache_option
def review_command(directory: Path, claims_file: Path | None, sources_dir: Path | None, output: Path | None,
                   no_cache: bool) -> None:
    """Write the reviewer's page: each claim beside its sources, to tick.

    One self-contained HTML file: each claim's text beside every passage it
    cites, in context, the quoted words highlighted, what an elision leaves
    out greyed, editorial changes and folds named, with the page and a link to
    the source; each claim's status, warnings and disagreements; the SHA-256 of
    the claims file and every source. Filter it to failures or warnings; tick
    each claim reviewed (kept in the browser) and export the ticks for `check
    --reviewed`.

    Exit status: 0 written and every claim verified, 1 written but the check
    failed, 2 unusable input.
    """
    from briefing.cli.commands import _load_and_check  # that module registers this command

    page = output or directory / "build" / "review.html"
    refuse_inputs(directory, claims_file, sources_dir, [page], given=output is not None)
    project, report = _load_and_check(directory, claims_file, sources_dir, no_cache=no_cache)
    claims_path, _ = project_paths(directory, claims_file, sources_dir)
    view = review_view(project.briefing, report, claims_sha256(claims_path), file_hrefs(report, page),
                       citing_sentences(project), unreadable_rows(project, page))
    page.parent.mkdir(parents=True, exist_ok=True)
    write_output(page, format_review(view))
    click.echo(f"wrote {display(page)}")
    click.echo(summary_line(report, use_colour()))
    finish(report.ok)


def read_ticks(path: Path) -> tuple[Tick, ...]:
    """The ticks of a reviewed file, or exit 2 with FILE:line:col and the reason."""
    shown = display(path)
    try:
        with open(path, "rb") as file:
            data = file.read(REVIEWED_MAX_BYTES + 1)
    except OSError as error:
        unusable(f"{shown}: error: cannot read the reviewed file: {(error.strerror or str(error)).lower()}")
    if len(data) > REVIEWED_MAX_BYTES:
        unusable(f"{shown}: error: the reviewed file is over {REVIEWED_MAX_BYTES // (1024 * 1024)} MiB")
    try:
        return parse_reviewed(data.decode("utf-8-sig"), shown)
    except UnicodeDecodeError as error:
        unusable(f"{shown}: error: the reviewed file is not UTF-8 (byte {error.start})")
    except ReviewedFileError as error:
        unusable(format_diagnostic(error.diagnostic))


def with_review(report: Report, project: Project, ticks: tuple[Tick, ...], reviewed: Path) -> Report:
    """The report with the reviewed file's warnings added (never a verdict changed)."""
    found = review_diagnostics(report, ticks, claim_fingerprints(report, citing_sentences(project)),
                               display(reviewed))
    return replace(report, diagnostics=report.diagnostics + found)
