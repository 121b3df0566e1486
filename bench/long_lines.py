"""`make bench`: the nearest passage of short failed quotes in large one-line sources (does no I/O).

Issue 15 §6: a short quote (`613`, `qzq`, a name) against a 3.3 MB text on one line (minified
HTML, some extractions) took 5.7 s and 524 MB, 23 s and 1.5 GB at 10 MB. The target is under
0.1 s and 100 MB per quote at 10 MB, whatever the line structure. The text is real prose (the
Python Language Reference that ships with Python, `pydoc_data`), on one line, as it is and with
its digits taken out (then a figure is unlike anything in it: the worst case).
"""

from __future__ import annotations

import re
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.text import normalise  # noqa: E402
from briefing.verify import alignment, nearest

SIZES = (3_300_000, 10_000_000)
QUOTES = ("613", "qzq", "Xavier Ortega", "Khojali")
TARGET_SECONDS, TARGET_MB = 0.1, 100
RUNS = 3


def _prose() -> str:
    from pydoc_data.topics import topics

    return " ".join(" ".join(text.split()) for _, text in sorted(topics.items()))


def _one_line(prose: str, size: int) -> str:
    return " ".join([prose] * (size // (len(prose) + 1) + 1))[:size]


def _measure(quote: str, folded: object) -> tuple[float, float]:
    """Seconds (the best of RUNS: other processes only slow it) and peak MB (Python's
    allocations) for one quote, as the first of its source."""
    timings = []
    for _ in range(RUNS):
        alignment.projected.cache_clear()  # each quote pays for the source's projection
        began = time.perf_counter()
        nearest.nearest_passage(quote, folded)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - began)
    seconds = min(timings)
    alignment.projected.cache_clear()
    tracemalloc.start()
    nearest.nearest_passage(quote, folded)  # type: ignore[arg-type]
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    prose = _prose()
    worst = (0.0, 0.0)
    for shape, text in (("prose", prose), ("prose without digits", re.sub(r"[0-9]", "", prose))):
        for size in SIZES:
            folded = normalise(_one_line(text, size))
            for quote in QUOTES:
                seconds, peak = _measure(quote, folded)
                worst = (max(worst[0], seconds), max(worst[1], peak))
                print(f"nearest passage, {size / 1e6:.1f} MB on one line ({shape}), quote {quote!r}: "
                      f"{seconds:.3f} s, peak {peak:.1f} MB")
    verdict = "met" if worst[0] < TARGET_SECONDS and worst[1] < TARGET_MB else "MISSED"
    print(f"short quotes in one-line sources: worst {worst[0]:.3f} s, {worst[1]:.1f} MB per quote "
          f"(target < {TARGET_SECONDS} s and < {TARGET_MB} MB: {verdict})")


if __name__ == "__main__":
    main()
