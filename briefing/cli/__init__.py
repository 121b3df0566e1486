"""The command line (click): commands, options, where reports go, exit statuses; the only package that prints."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from briefing.cli.commands import cli
from briefing.cli.exits import run
from briefing.collector import process_ends_with_command

__all__ = ["cli", "entry", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    return run(cli, argv)


def entry() -> NoReturn:
    """The `briefing` command: `main`, its output flushed, then the process ends at once.

    Every file is closed and every worker ended by then; what is left is to free a large
    check's millions of objects one by one, which the process's end does anyway (issue 19:
    0.03 to 0.06 s of 10,000 claims).
    """
    process_ends_with_command()
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (a closed pipe), or a stream closed
            pass
    os._exit(code)
