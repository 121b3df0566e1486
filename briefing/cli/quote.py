"""`briefing quote`: capture a passage from a source as a ready-to-paste claim entry (reads a
source, prints; issue 17 §4). The finding is `verify.capture`'s, the text `report.quote`'s."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.exits import finish, unusable
from briefing.cli.options import display, stderr_colour
from briefing.models import Source
from briefing.report.quote import format_quote
from briefing.report.text import format_diagnostic
from briefing.sources import SourceFile, load_source, reader_for, scan_sources


@click.command("quote")
@click.argument("source")
@click.argument("first")
@click.argument("last", required=False)
@click.option("--dir", "directory", default=".", type=click.Path(file_okay=False, path_type=Path),
              help="The project folder.  [default: .]")
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of sources.  [default: DIR/sources]")
def quote_command(source: str, first: str, last: str | None, directory: Path, sources_dir: Path | None) -> None:
    """Capture a quote: the passage of SOURCE from FIRST words to LAST words.

    SOURCE is a source id in the sources folder, or a path to a source file.
    The words are found as `check` finds a quote (curly quotes typed straight,
    any spacing) and only as whole words; LAST is the first occurrence within
    1,500 characters of FIRST. Without LAST the passage runs to the end of the
    sentence. Prints the source's exact text, its line (and PDF page), and a
    claim entry to paste into claims.yaml.

    Exit status: 0 found, 1 not found or FIRST occurs more than once (each is
    listed), 2 no such source or it cannot be read.
    """
    loaded = _load(source, sources_dir or directory / "sources")
    text, found = format_quote(loaded, f"{loaded.id} ({display(Path(loaded.path))})", first, last)
    click.echo(text, nl=False)
    finish(found)


def _load(name: str, folder: Path) -> Source:
    """The source named by id in `folder`, or by its path; exit 2 with the reason if neither."""
    path = Path(name)
    if path.is_file() and reader_for(path) is not None:
        file = SourceFile(path.stem, path)
    else:
        files = scan_sources(folder).files
        if name not in files:
            where = f"no source '{name}' in {display(folder)}" if folder.is_dir() else \
                f"no source file '{name}', and no sources folder {display(folder)}"
            known = ", ".join(sorted(files)[:10])
            unusable(f"error: {where}" + (f"\n  hint: the sources are {known}" if known else ""))
        file = files[name]
    loaded, diagnostics = load_source(file)
    for diagnostic in diagnostics:
        click.echo(format_diagnostic(diagnostic, stderr_colour()), err=True)
    if loaded is None:
        unusable(f"error: cannot read {display(file.path)}")
    return loaded
