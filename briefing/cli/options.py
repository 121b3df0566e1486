"""The options the commands share, the paths they name and the report format they pick (reads the environment)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click

from briefing.engine.cache import CACHE_NAME
from briefing.files import input_named
from briefing.report.formats import NAMES, REPORT_FORMATS, format_for_suffix
from briefing.settings import DEFAULT_OUTPUT_NAMES
from briefing.sources.lock import LOCK_NAME

STRICT_HELP = ("Fail on warnings that a verified quote may mislead: other sources give a figure "
               "differently, an elision hides a negation or a number, or its parts lie far apart; and on "
               "a figure of briefing.md that cites no claim.")
CHECK_FORMATS = ("auto", *NAMES)
_SUFFIXES = ", ".join(f.suffix for f in REPORT_FORMATS if f.suffix)
CHECK_FORMAT_HELP = (f"{', '.join(NAMES[:-1])} or {NAMES[-1]}.  [default: auto: by the suffix of -o "
                     f"({_SUFFIXES}), else github when GITHUB_ACTIONS=true, else text]")
_PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def display(path: Path) -> str:
    """Paths as the user would type them: relative to the working directory when inside it."""
    text = os.path.normpath(path)
    try:
        relative = os.path.relpath(text)
    except ValueError:
        return text
    return text if relative.startswith("..") else relative


def use_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def stderr_colour() -> bool:
    return sys.stderr.isatty() and "NO_COLOR" not in os.environ


def project_options(command):
    """DIRECTORY, --claims and --sources, shared by every command that reads a project."""
    command = click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
                           help="Folder of sources.  [default: DIRECTORY/sources]")(command)
    command = click.option("--claims", "claims_file", type=click.Path(dir_okay=False, path_type=Path),
                           help="Claims file.  [default: DIRECTORY/claims.yaml]")(command)
    return click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))(command)


def sources_option(command):
    return click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
                        help="Folder of sources.  [default: DIRECTORY/sources]")(command)


def no_cache_option(command):
    return click.option("--no-cache", is_flag=True,
                        help=f"Neither read nor write DIRECTORY/{CACHE_NAME}, where what the check learns "
                             "of each source (its figures, the nearest passages) is kept by content "
                             "hash.")(command)


def project_paths(directory: Path, claims_file: Path | None, sources_dir: Path | None) -> tuple[Path, Path]:
    return (Path(display(claims_file or directory / "claims.yaml")),
            Path(display(sources_dir or directory / "sources")))


def resolve_format(output_format: str, output: Path | None) -> str:
    """`auto`: by the -o file's suffix, else github under GitHub Actions, else text."""
    if output_format != "auto":
        return output_format
    if output is not None:
        return format_for_suffix(output.suffix)
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def output_paths(directory: Path, formats: tuple[str, ...], output: Path | None) -> dict[str, Path]:
    if output is not None and len(formats) == 1 and not output.is_dir():
        return {formats[0]: output}
    folder = output if output is not None else directory / "build"
    return {fmt: folder / DEFAULT_OUTPUT_NAMES[fmt] for fmt in formats}


def refuse_inputs(directory: Path, claims_file: Path | None, sources_dir: Path | None,
                  outputs: Iterable[Path], given: bool) -> None:
    """Refuse an output path that is an input of the project, before anything is read or
    written (issue 15 §6: `check -o claims.yaml` replaced the claims file). A usage error: exit 2."""
    claims_path, sources_path = project_paths(directory, claims_file, sources_dir)
    files = {"the claims file": claims_path, "the sources lock": directory / LOCK_NAME}
    if (directory / "briefing.md").exists():
        files["the project's briefing.md"] = directory / "briefing.md"
    folders = {"the templates folder": directory / "templates", "briefing's own templates": _PACKAGE_TEMPLATES}
    for output in outputs:
        what = input_named(output, files, folders, {"the sources folder": sources_path})
        if what is None:
            continue
        message = f"'{display(output)}' is {what}, an input; choose another path (nothing was written)"
        context = click.get_current_context()
        if given:
            raise click.BadParameter(message, context, param_hint="'-o' / '--output'")
        raise click.UsageError(message, context)
