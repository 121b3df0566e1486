"""Runs work side by side in forked processes (no file I/O of its own).

`run_two_phase`: each group of sources is worked by its own process (the first by the parent
itself), which keeps its folded sources in memory between the two phases: phase one matches
and explains the group's own quotes; phase two, given every failed quote, looks for them in
the group's sources. Only results cross the pipes; the sources reach the children by fork,
never by pickling.

`run_beside`: one job in a child while the parent does another (reading the claims file while
the sources are read).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
U = TypeVar("U")


class TwoPhase(Protocol):
    def first(self) -> Any: ...

    def second(self, shared: Any) -> Any: ...


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run_two_phase(groups: Sequence[TwoPhase], between: Callable[[list[Any]], Any],
                  each: Callable[[Any], None] = lambda answer: None) -> tuple[list[Any], list[Any]]:
    """`first()` of every group, then `between` of those results, then `second(...)` of each.

    `each` is given every `second` answer as it comes, so the parent can work on one group's
    answer while other groups are still working.
    """
    if len(groups) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        firsts = [g.first() for g in groups]
        shared = between(firsts)
        seconds = []
        for group in groups:
            seconds.append(group.second(shared))
            each(seconds[-1])
        return firsts, seconds
    context = multiprocessing.get_context("fork")
    pipes: list[Any] = []
    processes: list[Any] = []
    done = False
    try:
        for group in groups[1:]:  # the first group is worked here: its results need no pickling
            parent_end, child_end = context.Pipe()
            process = context.Process(target=_serve, args=(group, child_end, [*pipes, parent_end]), daemon=True)
            process.start()
            child_end.close()
            pipes.append(parent_end)
            processes.append(process)
        firsts = [groups[0].first(), *_receive_all(pipes)]
        shared = between(firsts)
        for pipe in pipes:
            pipe.send(shared)
        seconds = [groups[0].second(shared)]
        each(seconds[0])
        seconds += _receive_all(pipes, each)
        done = True
    finally:
        _stop(pipes, processes, done)
    return firsts, seconds


def _stop(pipes: Sequence[Any], processes: Sequence[Any], done: bool) -> None:
    """Close the pipes and end the children: those that answered end by themselves; after an
    error or an interrupt they are killed at once rather than left to finish their work."""
    if not done:  # killed before the pipes close, so none wakes to report a broken pipe
        for process in processes:
            process.kill()
    for pipe in pipes:  # a child still waiting for phase two sees the end and stops
        pipe.close()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()


def _serve(group: TwoPhase, pipe: Any, inherited: Sequence[Any]) -> None:
    # The parent's ends of the pipes, copied by fork: closed, so that a send fails at once once
    # the parent has gone, instead of waiting on a pipe nobody reads.
    for end in inherited:
        end.close()
    try:
        pipe.send(("ok", group.first()))
        pipe.send(("ok", group.second(pipe.recv())))
    except BaseException:  # the parent re-raises it with the child's traceback
        with contextlib.suppress(OSError):  # (unless the parent has gone: nobody to tell)
            pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()


def _receive_all(pipes: Sequence[Any], each: Callable[[Any], None] = lambda answer: None) -> list[Any]:
    """One answer from each pipe, in the pipes' order, each unpickled (and given to `each`) as
    soon as it comes: the parent reads one worker's results while another is still working."""
    answers: dict[Any, Any] = {}  # by pipe (a connection is its own key)
    while len(answers) < len(pipes):
        for pipe in wait([p for p in pipes if p not in answers]):
            answers[pipe] = answer = _receive(pipe)
            each(answer)
    return [answers[pipe] for pipe in pipes]


def _receive(pipe: Any) -> Any:
    try:
        kind, value = pipe.recv()
    except EOFError:
        raise RuntimeError("a worker process ended without an answer") from None
    if kind == "error":
        raise RuntimeError(f"a worker process failed:\n{value}")
    return value


def run_beside(job: Callable[[], T], other: Callable[[], U],
               idle: Callable[[U], Iterator[None]] | None = None) -> tuple[T, U]:
    """`job()` in a forked child while `other()` runs here; both results.

    If the child fails or cannot be started, `job()` runs here afterwards: its result never
    depends on where it ran, so the child is only ever a way to finish sooner. `idle`, given
    `other()`'s result, is stepped while the child has not answered yet, never after: work
    done ahead in time that would otherwise be spent waiting (issue 19).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return job(), other()
    context = multiprocessing.get_context("fork")
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_serve_one, args=(job, child_end, parent_end), daemon=True)
    try:
        process.start()
    except OSError:  # no process to spare: do it here
        parent_end.close()
        child_end.close()
        return job(), other()
    child_end.close()
    done = False
    try:
        theirs = other()
        if idle is not None:
            for _ in idle(theirs):
                if parent_end.poll():
                    break
        try:
            kind, value = parent_end.recv()
        except Exception:  # the child died, or its answer would not unpickle
            kind, value = "error", None
        done = True
    finally:
        _stop([parent_end], [process], done)
    return (value if kind == "ok" else job()), theirs


def _serve_one(job: Callable[[], Any], pipe: Any, parent_end: Any) -> None:
    parent_end.close()  # as in `_serve`
    try:
        pipe.send(("ok", job()))
    except BaseException:  # the parent does the job itself
        with contextlib.suppress(OSError):
            pipe.send(("error", None))
    finally:
        pipe.close()
