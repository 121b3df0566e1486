"""The README's --help blocks are the real --help (manubot's rule: docs that cannot drift)."""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"<!-- help:(?P<command>[^>]+?) -->\n```\n(?P<text>.*?)```\n<!-- /help -->", re.S)


def _blocks() -> list[tuple[str, str]]:
    return [(m["command"], m["text"]) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]


def test_readme_has_help_blocks() -> None:
    assert [command for command, _ in _blocks()][:2] == ["briefing", "briefing check"]


@pytest.mark.parametrize(("command", "documented"), _blocks(), ids=[c for c, _ in _blocks()])
def test_help_block_is_current(command: str, documented: str) -> None:
    args = command.split()[1:] + ["--help"]
    # As a terminal of 80 columns or more shows it: click wraps help at 78 there.
    result = CliRunner().invoke(cli, args, prog_name="briefing", terminal_width=78)
    assert result.exit_code == 0
    assert result.output == documented, f"update the README block for `{command} --help`"


def test_every_command_has_a_help_block() -> None:
    documented = {command for command, _ in _blocks()}
    assert {f"briefing {name}" for name in cli.commands} <= documented
