"""Stages each output beside its target and moves it into place atomically, signals held (writes files).

Nothing lost (issue 6): each output is written to a fresh temporary name beside its target
(unique per process and call, so two builds never share one), synced, and moved into place
with `os.replace`; SIGTERM and SIGHUP raise like SIGINT while a build runs, so its cleanup
removes what it staged, and no signal can interrupt the moves themselves.
"""

from __future__ import annotations

import os
import secrets
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from briefing.files import in_place, write_all, write_in_place, write_target


def temp_path(path: Path) -> Path:
    """A fresh hidden name beside `path`: same filesystem (so os.replace is atomic), and unique
    per process and call, so concurrent builds into one folder never write the same file.

    For a device or a FIFO, which `commit` writes in place, in the temporary folder instead:
    a device's folder (/dev) is no place for a file (issue 15 §6)."""
    folder = Path(tempfile.gettempdir()) if in_place(path) else write_target(path).parent
    return folder / f".{path.name}.{os.getpid()}-{secrets.token_hex(6)}.tmp"


def write_new(path: Path, data: bytes) -> None:
    """Create `path` (which must not exist) holding `data`, synced to disk; on any failure or
    interruption nothing is left at `path`.

    The caller knows the name before the file exists, so an interruption at any point can be
    cleaned up by name. os.write in a loop, so a short write is resumed, not lost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # 0o666 less the umask: the mode an ordinary output file gets.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                 | getattr(os, "O_BINARY", 0), 0o666)
    try:
        try:
            write_all(fd, data, path)
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as error:
        path.unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:
            error.filename = str(path)
        raise


def commit(staged: Path, path: Path) -> None:
    """Move the staged file over `path`; into a device or FIFO, copy it there (a rename would
    put a regular file in its place: as root, over /dev/null)."""
    if in_place(path):
        write_in_place(path, staged.read_bytes())
        staged.unlink()
        return
    os.replace(staged, write_target(path))  # through a link, the file it leads to: the link stays


def sync_folder(folder: Path) -> None:
    """Make the moves into `folder` durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems refuse fsync on a folder; the files themselves are synced
    finally:
        os.close(fd)


def discard(staged: Path) -> None:
    staged.unlink(missing_ok=True)


# --- signals --------------------------------------------------------------------

# Signals that end a build. SIGINT already raises KeyboardInterrupt; SIGTERM (kill, systemd,
# CI cancel) and SIGHUP (terminal closed) would end the process at once, leaving staged files.
_ENDING = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                if hasattr(signal, name))


class Interrupts:
    """Turns ending signals into exceptions, once; `held()` defers them over a critical step."""

    def __init__(self) -> None:
        self._held = False
        self._pending: int | None = None
        self._raised = False

    def handler(self, signum: int, _frame: object) -> None:
        if self._raised:
            return  # a second signal during the cleanup must not cut the cleanup short
        if self._held:
            self._pending = signum
            return
        self._raise(signum)

    def _raise(self, signum: int) -> None:
        self._raised = True
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)  # the status a shell reports for a killed process

    @contextmanager
    def held(self) -> Iterator[None]:
        """A signal arriving in the block acts when the block has finished."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
            if self._pending is not None and not self._raised:
                self._raise(self._pending)


@contextmanager
def interrupts_raise() -> Iterator[Interrupts]:
    """While the block runs, an ending signal raises (once) so `finally`/`except` clean up.

    SIGINT raises KeyboardInterrupt as usual; SIGTERM and SIGHUP raise SystemExit(128 + n).
    Handlers someone else installed are left alone; off the main thread (where Python cannot
    set handlers) this changes nothing.
    """
    interrupts = Interrupts()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in _ENDING:
            if signal.getsignal(signum) in (signal.SIG_DFL, signal.default_int_handler):
                previous[signum] = signal.signal(signum, interrupts.handler)
    try:
        yield interrupts
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
