"""Nearest passages on real text (issue 19): the CPU time a whole `check --no-cache` of a mix
spends explaining failed quotes, in one process (does I/O).

    .venv/bin/python bench/nearest_mix.py build/realtext [B]

Needs the corpus of `bench/realtext.py`. The check runs in-process with one worker, and every
call of the nearest-passage search (the failed quotes of each cited source, together, and those
aligned in other sources one by one) is timed in CPU seconds, which a busy machine changes less
than wall time.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from briefing import Settings, check, load_project
from briefing.verify import elsewhere, quotes


def _timed(function: Callable[..., Any], spent: list[float], counted: list[int]) -> Callable[..., Any]:
    def wrapper(asked: Any, *args: Any) -> Any:
        started = time.process_time()
        try:
            return function(asked, *args)
        finally:
            spent[0] += time.process_time() - started
            counted[0] += len(asked) if isinstance(asked, list) else 1
    return wrapper


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/realtext") / "f1000"
    mix = sys.argv[2] if len(sys.argv) > 2 else "B"
    settings = Settings(workers=1)
    spent, counted = [0.0], [0]
    quotes.nearest_passages = _timed(quotes.nearest_passages, spent, counted)  # type: ignore[assignment]
    elsewhere.nearest_passage = _timed(elsewhere.nearest_passage, spent, counted)  # type: ignore[assignment]
    started = time.process_time()
    project = load_project(root / f"claims-{mix}.yaml", root / "sources", settings)
    check(project, settings)
    whole = time.process_time() - started
    print(f"mix {mix}, one process: {whole:.2f} CPU-s in all, {spent[0]:.2f} CPU-s ({spent[0] / whole:.0%}) "
          f"in nearest passages for {counted[0]:,} quotes")


if __name__ == "__main__":
    main()
