"""The one map from a command's outcome or error to its exit status (prints the error)."""

from __future__ import annotations

import os
from typing import NoReturn

import click

from briefing.engine.outcome import collect_less_often

EXIT_OK, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130


class Unusable(Exception):
    """The input or an output path cannot be used: exit 2 after the message (if any; the
    problems may have been shown already)."""


def unusable(message: str = "") -> NoReturn:
    raise Unusable(message)


def finish(ok: bool) -> NoReturn:
    """End a command that ran: 0 when everything held, 1 when a claim, a source or a file failed."""
    raise SystemExit(EXIT_OK if ok else EXIT_FAILED)


def run(group: click.Group, argv: list[str] | None = None) -> int:
    """Run the commands in-process and return the exit status: the one place errors become one."""
    try:
        with collect_less_often():
            group.main(args=argv, prog_name="briefing", standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    except Unusable as error:
        if str(error):
            click.echo(str(error), err=True)
        return EXIT_UNUSABLE
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_UNUSABLE
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug, not bad input: say so without a wall of traceback
        if os.environ.get("BRIEFING_DEBUG"):
            raise
        click.echo(f"briefing: internal error: {type(error).__name__}: {error}\n"
                   "  set BRIEFING_DEBUG=1 to see the traceback, and please report it", err=True)
        return EXIT_INTERNAL
    return EXIT_OK
