"""A one-line progress bar on stderr for long work, shown only on a terminal (does I/O: writes stderr)."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

# Checking this much is slow enough (seconds) to deserve a bar; below it a bar only flickers.
MIN_FILES = 50
MIN_BYTES = 20 * 1024 * 1024
_INTERVAL = 0.1  # seconds between redraws
_WIDTH = 24


def wanted(stream: TextIO | None = None) -> bool:
    """A bar only on a terminal that can redraw a line: never in a pipe, a log or CI's output."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


class Bar:
    """Redraws `label [#####.....] done/total unit` in place; `close()` clears the line."""

    def __init__(self, label: str, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.drawn = False
        self.last = 0.0

    def sources(self, done: int, total: int, done_bytes: int, total_bytes: int) -> None:
        """The callback `load_project` calls after each source file."""
        if not self.enabled or (total <= MIN_FILES and total_bytes <= MIN_BYTES):
            return
        now = time.monotonic()
        if done < total and now - self.last < _INTERVAL:
            return
        self.last = now
        fraction = done_bytes / total_bytes if total_bytes else done / max(total, 1)
        filled = round(fraction * _WIDTH)
        bar = "#" * filled + "." * (_WIDTH - filled)
        megabytes = f"{done_bytes / 1e6:,.1f} of {total_bytes / 1e6:,.1f} MB"
        self._draw(f"{self.label} [{bar}] {done:,}/{total:,} sources · {megabytes}")

    def pages(self, step: str, done: int, total: int) -> None:
        """A step that goes page by page (issue 19): a bar of pages done once the total is
        known, the page reached until then ("building pdf: laying out page 12")."""
        if not self.enabled:
            return
        now = time.monotonic()
        if (not total or done < total) and now - self.last < _INTERVAL:
            return
        self.last = now
        if not total:
            self._draw(f"{self.label} {step} page {done:,}")
            return
        filled = round(min(done / total, 1.0) * _WIDTH)
        self._draw(f"{self.label} {step} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done:,}/{total:,} pages")

    def status(self, text: str) -> None:
        """An indeterminate step (e.g. rendering a PDF): a label on the line until close()."""
        if self.enabled:
            self._draw(f"{self.label} {text}")

    def _draw(self, line: str) -> None:
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
