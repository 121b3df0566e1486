"""The command line (click): commands, options, where reports go, exit statuses; the only package that prints."""

from __future__ import annotations

from briefing.cli.commands import cli
from briefing.cli.exits import run

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    return run(cli, argv)
