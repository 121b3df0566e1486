"""Runs work side by side in forked processes (no file I/O of its own).

`Pool`: each share of the sources is worked by its own forked process, which reads, folds and
keeps its sources between the calls the parent makes (`engine.share`: read, then two phases).
Only what the later steps need crosses the pipes, never a source's text (issue 19).

`run_beside`: one job in a child while the parent does another (reading the claims file while
the sources are read).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import wait
from multiprocessing.reduction import ForkingPickler
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
    # The child lives for one job: a collection would walk, and so copy, the heap it shares
    # with the parent (issue 19: a third of the time of half a JSON report).
    gc.disable()
    try:
        pipe.send(("ok", job()))
    except BaseException:  # the parent does the job itself
        with contextlib.suppress(OSError):
            pipe.send(("error", None))
    finally:
        pipe.close()


class Pool:
    """Shares of the work, each kept by one process between calls (issue 19: the workers read,
    fold and keep their own sources; the parent holds none of their text).

    With two shares or more, each is served by its own forked child; with one, or where fork is
    not to be had, the shares are worked here, one after the other. A share may send notices
    while it works (`notify`, e.g. progress): `on_notice` is given each as it comes; and part of
    its answer (`deliver`), which goes to the `partial` of the `receive` waiting for it.
    """

    def __init__(self, shares: Sequence[Any], on_notice: Callable[[Any], None] = lambda notice: None,
                 beside_the_parent: bool = False):
        """`beside_the_parent`: the workers keep off one core (`keep_off_a_core`) until this
        process says it is done with what everything else waits for (`parent_done`), or
        sends them a second call."""
        self.shares = list(shares)
        self.on_notice = on_notice
        self.pipes: list[Any] = []
        self.processes: list[Any] = []
        self.pending: list[tuple[str, list[Any]]] = []
        self.done = False
        self.on_partial: Callable[[Any], None] = lambda part: None
        self.left: tuple[list[int], frozenset[int]] | None = None  # (workers kept off a core; all cores)
        self.beside_the_parent = beside_the_parent
        self.sent = 0
        # The messages of the last call sent with `listen`, read by a thread per worker as they come.
        self.inbox: queue.SimpleQueue[tuple[Any, str, Any]] | None = None
        self.listeners: list[threading.Thread] = []
        # The threads still writing the last call sent with `listen`, and what failed them.
        self.writing: tuple[list[threading.Thread], list[BaseException]] | None = None
        forking = len(self.shares) > 1 and "fork" in multiprocessing.get_all_start_methods()
        for share in self.shares:
            share.notify = on_notice
            share.deliver = lambda part: self.on_partial(part)
        if not forking:
            return
        context = multiprocessing.get_context("fork")
        try:
            for share in self.shares:
                parent_end, child_end = context.Pipe()
                process = context.Process(target=_serve_calls, args=(share, child_end, [*self.pipes, parent_end]),
                                          daemon=True)
                process.start()
                child_end.close()
                self.pipes.append(parent_end)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise
        if beside_the_parent:
            self.left = keep_off_a_core([process.pid for process in self.processes])

    def parent_busy(self) -> None:
        """Keep the workers off one core again (`beside_the_parent`), until `parent_done`: this
        process has work again that what comes after waits for (issue 19: it checks the claims
        file while they match its quotes, and the workers share one core meanwhile, evenly)."""
        if self.beside_the_parent and self.left is None and self.forked:
            self.left = keep_off_a_core([process.pid for process in self.processes])

    def parent_done(self) -> None:
        """Give the workers back the core they left this process (`beside_the_parent`)."""
        if self.left is not None:
            give_back(*self.left)
            self.left = None

    @property
    def forked(self) -> bool:
        return bool(self.pipes)

    def send(self, method: str, args: Sequence[Any], listen: bool = False, parent_busy: bool = False) -> None:
        """Start `method(arg)` of each share (one arg per share); `receive` gives the answers.

        With `listen`, each worker's messages are read as they come, by a thread of this
        process, until `receive` takes them: a worker never waits for this process to read
        what it hands over ahead (`deliver`) while this process does something else (issue
        19: the claims file checked while the workers match its quotes); nor does this
        process wait for a worker to read its call (it does between steps of its work ahead:
        up to a large source's fold). With `parent_busy`, the workers stay off the core they
        were kept off (`parent_busy`); else a second call gives it back."""
        self._written()
        self.sent += 1
        if self.sent > 1 and not parent_busy:  # (the parent has moved on, said so or not)
            self.parent_done()
        if self.forked:
            # Each worker reads its call only between steps of its work ahead (`_work_ahead`):
            # written one after the other, each would wait for the worker before it to read
            # (issue 19: 0.2 s of 200 MB). So each is written by its own thread.
            messages = [ForkingPickler.dumps((method, arg)) for arg in args]
            failures: list[BaseException] = []

            def write(pipe: Any, message: bytes) -> None:
                try:
                    pipe.send_bytes(message)
                except BaseException as error:  # re-raised here, in the caller's thread
                    failures.append(error)

            writers = [threading.Thread(target=write, args=pair, daemon=True) for pair in zip(self.pipes, messages)]
            for writer in writers:
                writer.start()
            self.writing = (writers, failures)
            if not listen:
                self._written()
            else:  # (the writers are waited for by the next `receive` or `send`)
                inbox: queue.SimpleQueue[tuple[Any, str, Any]] = queue.SimpleQueue()
                self.listeners = [threading.Thread(target=_listen, args=(pipe, inbox), daemon=True)
                                  for pipe in self.pipes]
                for listener in self.listeners:
                    listener.start()
                self.inbox = inbox
        else:
            self.pending.append((method, list(args)))

    def receive(self, each: Callable[[Any], None] = lambda answer: None,
                partial: Callable[[Any], None] = lambda part: None) -> list[Any]:
        """The answers to the last `send`, in the shares' order, each given to `each` as it comes;
        and the parts of them the shares deliver ahead, each given to `partial` as it comes."""
        self.on_partial = partial
        if not self.forked:
            method, args = self.pending.pop(0)
            here = []
            for share, arg in zip(self.shares, args):
                here.append(getattr(share, method)(arg))
                each(here[-1])
            return here
        self._written()
        answers: dict[Any, Any] = {}  # by pipe (a connection is its own key)
        inbox, self.inbox = self.inbox, None
        while len(answers) < len(self.pipes):
            if inbox is not None:  # (read by the threads of `send`'s `listen`)
                pipe, kind, value = inbox.get()
                answer = self._taken(kind, value)
                if answer is not _NOTICE:
                    answers[pipe] = answer
                    each(answer)
                if len(answers) == len(self.pipes):
                    self.listeners = []  # (each ended with its worker's answer)
                continue
            for pipe in wait([p for p in self.pipes if p not in answers]):
                answer = self._receive(pipe)
                if answer is not _NOTICE:
                    answers[pipe] = answer
                    each(answer)
        return [answers[pipe] for pipe in self.pipes]

    def call(self, method: str, args: Sequence[Any], each: Callable[[Any], None] = lambda answer: None,
             partial: Callable[[Any], None] = lambda part: None) -> list[Any]:
        self.send(method, args)
        return self.receive(each, partial)

    def spread(self, method: str, next_for: Callable[[int], Any], each: Callable[[int, Any, Any], None]) -> None:
        """Calls of `method`, one at a time on each share, while there are any: whenever share i
        is free, `next_for(i)` gives what to call it with (None: nothing for it now), and
        `each(i, arg, answer)` is given the answer as it comes (issue 19: work handed to
        whichever share is free)."""
        if not self.forked:
            working = True
            while working:
                working = False
                for i, share in enumerate(self.shares):
                    if (arg := next_for(i)) is not None:
                        each(i, arg, getattr(share, method)(arg))
                        working = True
            return
        busy: dict[int, Any] = {}
        while True:
            for i, pipe in enumerate(self.pipes):
                if i not in busy and (arg := next_for(i)) is not None:
                    try:
                        pipe.send((method, arg))
                    except OSError as error:
                        raise _ended(error)  # noqa: B904 - (its cause is set)
                    busy[i] = arg
            if not busy:
                return
            for pipe in wait([self.pipes[i] for i in busy]):
                answer = self._receive(pipe)
                if answer is not _NOTICE:
                    i = self.pipes.index(pipe)
                    each(i, busy.pop(i), answer)

    def _receive(self, pipe: Any) -> Any:
        try:
            kind, value = pipe.recv()
        except EOFError:
            raise RuntimeError("a worker process ended without an answer") from None
        return self._taken(kind, value)

    def _taken(self, kind: str, value: Any) -> Any:
        """A worker's message: a notice or a part handed over ahead (given to their callbacks:
        `_NOTICE` is returned), or its answer."""
        if kind == "ended":  # (see `_listen`)
            raise RuntimeError("a worker process ended without an answer") from value
        if kind == "notice":
            self.on_notice(value)
            return _NOTICE
        if kind == "partial":
            self.on_partial(value)
            return _NOTICE
        if kind == "error":
            raise RuntimeError(f"a worker process failed:\n{value}")
        return value

    def _written(self) -> None:
        """Wait until the last call is written to every worker; a worker gone is an error."""
        if self.writing is None:
            return
        writers, failures = self.writing
        self.writing = None
        for writer in writers:
            writer.join()
        if failures:
            raise _ended(failures[0])

    def let_go(self) -> None:
        """Tell each child that no call will follow, without waiting for it: it ends by itself
        while this process goes on, and `close` then finds it gone (issue 19: 5 ms of waiting
        for two workers to end, once their last answer is in)."""
        for pipe in self.pipes:
            pipe.close()

    def close(self, done: bool = True) -> None:
        """End the children: at once after an error or an interrupt (`done` False), or where
        the answers to a call sent with `listen` were not all taken (the work was dropped)."""
        if self.listeners:  # (each reads its worker's pipe till it ends: closed after that)
            for process in self.processes:
                process.kill()
            for thread in [*self.listeners, *(self.writing[0] if self.writing else ())]:
                thread.join(timeout=5)
            self.listeners, self.writing, done = [], None, False
        _stop(self.pipes, self.processes, done)
        self.pipes, self.processes = [], []


_NOTICE = object()


def keep_off_a_core(pids: Sequence[int | None]) -> tuple[list[int], frozenset[int]] | None:
    """Keep the processes `pids` off one of the cores this process may use, while it has work
    that all the rest waits for; what `give_back` needs to undo it, or None where there is
    nothing to do: fewer than two cores, or no way to choose (only Linux has one). (They
    still have every other core: with more cores than workers, nothing waits.)

    Issue 19: while the parent parsed the claims file, the two workers reading and folding
    their sources on a machine of two cores took a third of its core, 0.03 to 0.07 s of 10,000
    claims."""
    try:
        cores = frozenset(os.sched_getaffinity(0))
        if len(cores) < 2:
            return None
        kept = []
        for pid in pids:
            if pid is not None:
                with contextlib.suppress(ProcessLookupError):  # (one that ended already)
                    os.sched_setaffinity(pid, cores - {min(cores)})
                    kept.append(pid)
    except (AttributeError, OSError):  # (not Linux; a container may refuse it)
        return None
    return kept, cores


def give_back(pids: Sequence[int], cores: frozenset[int]) -> None:
    """Let the processes `keep_off_a_core` kept off a core run on every core again."""
    for pid in pids:
        with contextlib.suppress(OSError):  # (one that ended meanwhile)
            os.sched_setaffinity(pid, cores)


def _ended(error: BaseException) -> BaseException:
    """A failed write to a worker as the error it is: a worker that ended (not a closed
    stdout, which click takes any broken pipe for, ending with status 1 and no word)."""
    if not isinstance(error, OSError):
        return error
    ended = RuntimeError(f"a worker process ended before it was sent its work ({error.strerror or error})")
    ended.__cause__ = error
    return ended


def _listen(pipe: Any, inbox: queue.SimpleQueue[tuple[Any, str, Any]]) -> None:
    """A thread of the parent's: one worker's messages, as they come, until its answer."""
    while True:
        try:
            kind, value = pipe.recv()
        except Exception as error:  # noqa: BLE001 - the worker ended (EOFError), or was ended
            inbox.put((pipe, "ended", error))
            return
        inbox.put((pipe, kind, value))
        if kind not in ("notice", "partial"):
            return


def _work_ahead(share: Any, pipe: Any) -> None:
    """Step `share.ahead()`, if it has one, until the parent asks something (issue 19: a worker
    folds its sources while the parent is still parsing the claims file)."""
    ahead = getattr(share, "ahead", None)
    if ahead is None:
        return
    for _ in ahead():
        if pipe.poll():
            return


def _serve_calls(share: Any, pipe: Any, inherited: Sequence[Any]) -> None:
    """Answer the parent's calls on `share` until it closes the pipe."""
    for end in inherited:  # as in `_serve`
        end.close()
    share.notify = lambda notice: pipe.send(("notice", notice))
    share.deliver = lambda part: pipe.send(("partial", part))
    try:
        while True:
            _work_ahead(share, pipe)
            try:
                method, arg = pipe.recv()
            except EOFError:  # the parent is done with this share
                return
            pipe.send(("ok", getattr(share, method)(arg)))
    except BaseException:  # the parent re-raises it with the child's traceback
        with contextlib.suppress(OSError):
            pipe.send(("error", traceback.format_exc()))
    finally:
        pipe.close()
