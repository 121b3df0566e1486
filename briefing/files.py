"""Writes files so that readers never see half of one, and never over an input (does I/O)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

_CHUNK = 1024 * 1024


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write `text` (as UTF-8; bytes as they are) to a temporary file beside `path`, then rename
    it over `path`.

    The rename is atomic on one file system, so a reader sees the old file or the new one,
    never a torn one; a failed or interrupted write leaves the old file as it was. A path that
    is there but is not a regular file (a device such as /dev/null, a FIFO) is written in
    place: a rename would put a regular file where it was (issue 15 §6). A folder is refused.
    Through a link, the file it leads to is replaced, and the link kept.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    if in_place(path):
        write_in_place(path, data)
        return
    path = write_target(path)
    directory = path.parent if str(path.parent) else Path(".")
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets what open() would give it."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_target(path: Path) -> Path:
    """What a write to `path` replaces: through a link, the file it leads to. A rename over the
    link would replace the link itself (as root, `-o /dev/stdout` would replace /dev/stdout)."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a loop (RuntimeError before 3.13): the write says why it fails
        return path


def in_place(path: Path) -> bool:
    """Whether `path` is written in place, not replaced: it exists and is neither a regular file
    nor a folder (IsADirectoryError for a folder: a report never replaces one)."""
    try:
        mode = path.stat().st_mode  # (through a link: a link to /dev/null is written in place)
    except OSError:
        return False  # a new file; or one that cannot be looked at, and the write says why
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    return not stat.S_ISREG(mode)


def write_in_place(path: Path, data: bytes) -> None:
    """Write `data` into what is at `path` (a device, a FIFO), never creating a file there."""
    fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        write_all(fd, data, path)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes, path: Path) -> None:
    """os.write in a loop, so a short write is resumed, not lost (`path` names it in an error)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view[:_CHUNK])
        if written <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        view = view[written:]


def input_named(path: Path, files: Mapping[str, Path], folders: Mapping[str, Path],
                contents: Mapping[str, Path]) -> str | None:
    """What input of the project `path` would overwrite, named (None when it is no input).

    `files` are input files, `folders` folders whose every file at any depth is an input, and
    `contents` folders whose own entries are inputs (the sources folder: each entry, and the
    file a link there leads to, is a source). Paths are compared as the file system sees them
    (issue 15 §6): through links and `..`, and by identity (device and inode) where they
    exist, so a hard link, or another case on a case-insensitive disk, is the same file.
    """
    target = _identity(path)
    ancestors = [_identity(a) for a in path.resolve().parents]
    for name, file in files.items():
        if target == _identity(file):
            return name
    for name, folder in folders.items():
        if _identity(folder) in (target, *ancestors):
            return f"inside {name}"
    for name, folder in contents.items():
        there = _identity(folder)
        if there == target or ancestors and there == ancestors[0]:
            return f"in {name}"
        if target in _entries(folder):
            return f"a file of {name}"
    return None


def _identity(path: Path) -> tuple[int, int] | str:
    """Device and inode of what is at `path`; its resolved path when nothing is there yet."""
    try:
        found = os.stat(path)
    except OSError:
        return os.path.normcase(str(path.resolve()))
    return (found.st_dev, found.st_ino)


def _entries(folder: Path) -> Iterable[tuple[int, int] | str]:
    """The identities of a folder's entries (what a link there leads to, for a link)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    return {_identity(folder / name) for name in names}
