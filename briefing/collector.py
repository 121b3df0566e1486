"""The cyclic garbage collector, paused where a step builds many objects and no cycles (pure,
but for the collector's own state)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_process_ends_with_command = False
_kept: list[object] = []


def process_ends_with_command() -> None:
    """Say that this process ends when its command does (the `briefing` command, not `main`
    called in-process): what a paused step built may then stay out of the collector's sight."""
    global _process_ends_with_command
    _process_ends_with_command = True


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside: building hundreds of thousands of objects, none in a cycle,
    would set the collector off again and again to walk them all (issue 19: composing 10,000
    claims took 0.45 s with it, 0.24 s without). As it was afterwards; in a process that ends
    with its command, what was built is frozen first (`gc.freeze`), so that no later collection
    walks it once more (issue 19: 0.05 s of a check of 10,000 claims)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _process_ends_with_command:
            gc.freeze()
        if collecting:
            gc.enable()


def keep_till_the_end(*objects: object) -> None:
    """In a process that ends with its command, hold these until it ends, which frees nothing
    (`cli.entry`): freeing a large check's objects one by one takes longer than that (issue 19:
    0.02 s of 10,000 claims). In-process, nothing is held."""
    if _process_ends_with_command:
        _kept.extend(objects)
