"""Runs two-phase work on groups of sources in forked processes (no file I/O).

Each group is worked by its own process, which keeps its folded sources in memory between
the two phases: phase one matches and explains the group's own quotes; phase two, given every
failed quote, looks for them in the group's sources. Only results cross the pipes; the sources
reach the children by fork, never by pickling.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Protocol


class TwoPhase(Protocol):
    def first(self) -> Any: ...

    def second(self, shared: Any) -> Any: ...


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_two_phase(groups: Sequence[TwoPhase], between: Callable[[list[Any]], Any]) -> tuple[list[Any], list[Any]]:
    """`first()` of every group, then `between` of those results, then `second(...)` of each."""
    if len(groups) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        firsts = [g.first() for g in groups]
        shared = between(firsts)
        return firsts, [g.second(shared) for g in groups]
    context = multiprocessing.get_context("fork")
    pipes, processes = [], []
    for group in groups:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(group, child_end), daemon=True)
        process.start()
        child_end.close()
        pipes.append(parent_end)
        processes.append(process)
    try:
        firsts = [_receive(pipe) for pipe in pipes]
        shared = between(firsts)
        for pipe in pipes:
            pipe.send(shared)
        seconds = [_receive(pipe) for pipe in pipes]
    finally:
        for pipe in pipes:  # a child still waiting for phase two sees the end and stops
            pipe.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return firsts, seconds


def _serve(group: TwoPhase, pipe: Any) -> None:
    try:
        pipe.send(("ok", group.first()))
        pipe.send(("ok", group.second(pipe.recv())))
    except BaseException:  # the parent re-raises it with the child's traceback
        pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _receive(pipe: Any) -> Any:
    try:
        kind, value = pipe.recv()
    except EOFError:
        raise RuntimeError("a worker process ended without an answer") from None
    if kind == "error":
        raise RuntimeError(f"a worker process failed:\n{value}")
    return value
