"""The one way to run pandoc: the binary in pypandoc-binary's wheel, always in its sandbox.

Used by the check (reading `briefing.md` into pandoc's AST, issue 16) and by the build
(HTML and DOCX, issue 3), so both see the same pandoc and the same document.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

PANDOC_TIMEOUT = 300


class PandocError(Exception):
    """pandoc could not run or failed; the message says why (pandoc's own words)."""


@functools.cache
def pandoc_path() -> str:
    """The pandoc in pypandoc-binary's wheel (issue 3); pypandoc's own search only without it.

    pypandoc's search runs `pandoc --version` for every pandoc on PATH and in ~/bin and keeps
    the newest, so a stray pandoc could render the briefing instead of the one this package
    was tested with; the bundled binary is the documented one (issue 6, determinism).
    """
    import pypandoc

    bundled = Path(pypandoc.__file__).resolve().parent / "files" / ("pandoc.exe" if os.name == "nt" else "pandoc")
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return pypandoc.get_pandoc_path()


def run_pandoc(args: Sequence[str], stdin: bytes = b"") -> bytes:
    """pandoc in its sandbox: readers and writers may read only files named on the command line."""
    command = [pandoc_path(), "--sandbox", *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=PANDOC_TIMEOUT,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PandocError(f"pandoc could not run: {error}") from error
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip()
        raise PandocError(f"pandoc failed (exit {done.returncode}): {message}")
    return done.stdout


@functools.cache
def pandoc_api_version() -> tuple[int, ...]:
    """The pandoc-types version this pandoc's JSON reader expects."""
    ast = json.loads(run_pandoc(["-f", "markdown", "-t", "json"]))
    return tuple(ast["pandoc-api-version"])
