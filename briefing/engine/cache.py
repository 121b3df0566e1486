"""What the check learns about each source, kept on disk by content hash (does I/O).

Issue 2. The costly work on a source beside matching quotes is the disagreement scan, the
nearest passages of failed quotes and the search for failed quotes in other sources. Each
depends only on the source's text and on what is asked of it (the keys scanned for, the quotes
explained or looked for), so its answer is kept under a key made of the source's SHA-256 and
kind and the version of everything that derives it (this package's code, Python's Unicode
tables, pypdf, edlib, ahocorasick-rs). Folded text is not kept: folding a source costs about
what reading it back would (0.6 s of CPU for the bench's 120 MB), and every quote is matched
again in freshly folded text on every run, so whether a quote is verified never comes from the
cache.

Entries are JSON in one SQLite database (stdlib `sqlite3`: many small files cost about a
millisecond each to create on some disks, and two workers write at once), never pickle, so
reading one runs no code; an entry of the wrong key, shape or range is ignored and rebuilt.
The cache is trusted like the project folder it sits in (SECURITY.md); `--no-cache` leaves
it alone. It is best effort: a folder that cannot be written only makes the next run slower.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing.models import Nearest, Source, Span, WordChange
from briefing.settings import Settings
from briefing.verify.memo import Hit, Needles
from briefing.verify.memo import digest as _digest

CACHE_NAME = ".briefing-cache"
_DATABASE = "memo.sqlite3"
# 2: nearest passages are kept by kind, "cited" or "elsewhere" (issue 15 §7).
# 3: issue 15 §3 reads units after number words, so the spans of the counts the scan keeps
# may end later ("five percentage points").
_FORMAT = 3
# Entries of sources no longer checked are removed once this old, so switching between
# branches keeps both sets while the cache stays bounded.
_UNUSED_FOR = 14 * 24 * 3600
# An entry used this recently is not marked used again: to the hour is close enough for _UNUSED_FOR.
_FRESH_FOR = 3600
_NEVER_COMMIT = "# Written by briefing: derived data, rebuilt when missing.\n*\n"
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by briefing (https://bford.info/cachedir/).\n")
_SCHEMA = "CREATE TABLE IF NOT EXISTS memo (key TEXT PRIMARY KEY, data TEXT NOT NULL, written REAL NOT NULL)"
# Beside the entry of each source, the rows of the sets of quotes looked for in every source:
# the digests of each set's quotes, so that the next search, for a set with a few quotes
# changed, looks for those alone (`SourceCache.present`). In the one table, so that a version
# that knows nothing of them reads past them. The most recently used are kept.
_SET_PREFIX = "set:"
_KEPT_SETS = 8
# Past this many quotes not looked for before, one search for all of them (Aho-Corasick) beats
# a substring test for each (as in `match`).
_FEW_NEW_NEEDLES = 64

class SourceCache:
    """What was learnt about sources: a `verify.memo.Memo` kept on disk. `SourceCache(None)`
    keeps nothing and does no I/O.

    Each method takes a `compute` function and returns what it would, from the cache when an
    entry answers the same question about the same text. `flush` writes what was learnt. The
    worker processes fork with a copy each: a connection is opened per process, when needed.
    """

    def __init__(self, root: Path | None):
        self.root = root
        self._memos: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._used_nearest: dict[str, set[str]] = {}
        self._needle_sets: dict[str, frozenset[str] | None] = {}
        self._new_sets: dict[str, Needles] = {}
        self._since: dict[tuple[object, str], list[int] | None] = {}
        self._sets_in_use: set[str] = set()
        self._connection: tuple[int, sqlite3.Connection | None] | None = None
        # Set before the workers fork: a row written since was written by this run.
        self._started = time.time()
        self._lengths: dict[str, int] = {}

    def scan(self, source: Source, keys: frozenset[str], compute: Callable[[], Iterable[Hit]]) -> list[Hit]:
        """The scan's hits for exactly these keys (a wider scan is not the same filtered)."""
        memo = self._memo(source)
        if memo is None:
            return list(compute())
        asked = _keys_digest(keys)
        kept = memo.get("scan")
        if isinstance(kept, dict) and kept.get("keys") == asked and all(hit[0] in keys for hit in kept["hits"]):
            return [tuple(hit) for hit in kept["hits"]]  # type: ignore[misc]
        hits = list(compute())
        memo["scan"] = {"keys": asked, "hits": hits}
        self._dirty.add(memo["key"])
        return hits

    def present(self, source: Source, kind: str, needles: Needles,
                search: Callable[[Sequence[int] | None], set[int]]) -> set[int]:
        """Which of `needles` (by position) occur in a reading (`kind`) of the source.

        `search(None)` looks for all of them, `search(positions)` for those alone. The answer is
        kept for the same set; for a set with at most _FEW_NEW_NEEDLES needles not in the one
        kept (quotes edited since), only those are looked for.
        """
        memo = self._memo(source)
        if memo is None:
            return search(None)
        self._sets_in_use.add(needles.asked)
        kept = memo.get("present", {}).get(kind)
        if isinstance(kept, dict) and kept.get("needles") == needles.asked:
            return {i for d in kept["found"] for i in needles.positions.get(d, ())}
        new = self._new_needles(kept["needles"], needles) if isinstance(kept, dict) else None
        if new is not None and len(new) <= _FEW_NEW_NEEDLES:
            # A needle of both sets occurs in this text if and only if it did before.
            present = {i for d in kept["found"] for i in needles.positions.get(d, ())}
            present |= search(new) if new else set()
        else:
            present = search(None)
        memo.setdefault("present", {})[kind] = {"needles": needles.asked,
                                                "found": sorted({needles.digests[i] for i in present})}
        self._dirty.add(memo["key"])
        self._new_sets[needles.asked] = needles
        return present

    def nearest(self, source: Source, quotes: Sequence[str], settings: Settings,
                compute: Callable[[list[str]], list[Nearest | None]], kind: str = "cited") -> list[Nearest | None]:
        """The nearest passage of each quote; those not kept are computed together.

        `kind` tells apart answers computed differently: "cited" for the quotes that cite this
        source (searched together, so ties may fall by batch), "elsewhere" for quotes that cite
        another (one by one, issue 15 §7).
        """
        memo = self._memo(source)
        if memo is None:
            return compute(list(quotes))
        kept = memo.setdefault("nearest", {})
        digests = _nearest_digests(quotes, settings, kind)
        missing = [i for i, d in enumerate(digests) if d not in kept]
        found = dict(zip(missing, compute([quotes[i] for i in missing]))) if missing else {}
        for i in missing:
            kept[digests[i]] = _nearest_json(found[i])
        if missing:
            self._dirty.add(memo["key"])
        self._used_nearest.setdefault(memo["key"], set()).update(digests)
        return [found[i] if i in found else _nearest_from(kept[d]) for i, d in enumerate(digests)]

    def knows_nearest(self, source: Source, quotes: Sequence[str], settings: Settings, kind: str = "cited") -> bool:
        """Whether `nearest` would answer for every quote from what is kept."""
        memo = self._memo(source)
        kept = memo.get("nearest", {}) if memo is not None else {}
        return bool(kept) and all(d in kept for d in _nearest_digests(quotes, settings, kind))

    def flush(self) -> None:
        """Write the entries this process changed, in one transaction."""
        database = self._database() if self._dirty or self._sets_in_use else None
        if database is None:
            return
        for key in self._dirty:
            memo = self._memos[key]
            used = self._used_nearest.get(key)
            if used is not None:  # explanations of quotes no longer asked about are dropped
                memo["nearest"] = {d: n for d, n in memo.get("nearest", {}).items() if d in used}
        try:
            with database:
                # Taken before the rows are read, so no sibling writes between (`_with_siblings`).
                database.execute("BEGIN IMMEDIATE")
                rows = [(key, json.dumps(self._with_siblings(database, key), separators=(",", ":")), time.time())
                        for key in sorted(self._dirty)]
                rows += [(_SET_PREFIX + asked, json.dumps(sorted(needles.digests)), time.time())
                         for asked, needles in self._new_sets.items()]
                database.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)", rows)
                # The sets this process used count as written now (the most recent are kept).
                database.executemany("UPDATE memo SET written = ? WHERE key = ?",
                                     [(time.time(), _SET_PREFIX + asked) for asked in sorted(self._sets_in_use)])
        except sqlite3.Error:
            pass  # best effort: the next run derives them again
        self._dirty.clear()
        self._new_sets.clear()
        self._sets_in_use.clear()

    def _with_siblings(self, database: sqlite3.Connection, key: str) -> dict[str, Any]:
        """This process's entry, with what another worker of the same run wrote under the key.

        Files with the same bytes share one entry, and may be checked by different workers:
        each knows the answers to its own files' quotes, and the last to write must not drop
        the other's (real text holds many copies of one licence)."""
        memo = self._memos[key]
        row = database.execute("SELECT data, written FROM memo WHERE key = ?", (key,)).fetchone()
        if row is None or not row[1] >= self._started:
            return memo
        try:
            theirs = json.loads(row[0])
            if not (isinstance(theirs, dict) and theirs.get("key") == key and _sound(theirs, self._lengths[key])):
                return memo
        except Exception:  # noqa: BLE001 - a damaged row is replaced, as `_read` would
            return memo
        merged = {**theirs, **memo}
        for part in ("nearest", "present"):  # the same question gets the same answer in each
            merged[part] = {**theirs.get(part, {}), **memo.get(part, {})}
        return merged

    def prune(self, sources: Iterable[Source], now: float | None = None) -> None:
        """Remove the entries of sources not among `sources` unused for _UNUSED_FOR; mark those
        of `sources` used now."""
        database = self._database()
        if database is None:
            return
        keep = {_key(s) for s in sources if s.sha256}
        now = time.time() if now is None else now
        try:
            old = [key for key, in database.execute("SELECT key FROM memo WHERE written < ?", (now - _UNUSED_FOR,))
                   if key not in keep]
            with database:
                database.executemany("DELETE FROM memo WHERE key = ?", [(key,) for key in old])
                database.execute("DELETE FROM memo WHERE key IN (SELECT key FROM memo WHERE key LIKE ? "
                                 "ORDER BY written DESC LIMIT -1 OFFSET ?)", (_SET_PREFIX + "%", _KEPT_SETS))
                # The entries of this run's sources count as written now: their age is their disuse.
                # (Those written within the hour are left: rewriting them is half the cost.)
                database.executemany("UPDATE memo SET written = ? WHERE key = ? AND written < ?",
                                     [(now, key, now - _FRESH_FOR) for key in keep])
        except sqlite3.Error:
            pass

    def close(self) -> None:
        """Close this process's connection (a later call opens a new one)."""
        if self._connection is not None and self._connection[0] == os.getpid() and self._connection[1]:
            self._connection[1].close()
        self._connection = None

    def _memo(self, source: Source) -> dict[str, Any] | None:
        if self.root is None or not source.sha256:
            return None
        key = _key(source)
        if key not in self._memos:
            self._lengths[key] = len(source.text)
            self._memos[key] = self._read(key, len(source.text))
        return self._memos[key]

    def _read(self, key: str, length: int) -> dict[str, Any]:
        """The entry, when it is this source's and every answer in it could be (else a new one)."""
        database = self._database()
        try:
            row = database.execute("SELECT data FROM memo WHERE key = ?", (key,)).fetchone() if database else None
            memo = json.loads(row[0]) if row else None
            if isinstance(memo, dict) and memo.get("key") == key and _sound(memo, length):
                return memo
        except Exception:  # noqa: BLE001 - any damage (deep nesting included) only costs the entry
            pass
        return {"key": key}

    def _new_needles(self, before: object, needles: Needles) -> list[int] | None:
        """The positions of `needles` not in the set `before`, if that set is known."""
        if (before, needles.asked) not in self._since:
            kept = self._needle_set(before)
            self._since[before, needles.asked] = None if kept is None else [
                i for d, places in needles.positions.items() if d not in kept for i in places]
        return self._since[before, needles.asked]

    def _needle_set(self, asked: object) -> frozenset[str] | None:
        """The digests of the needles of a set searched before, if kept (and truly that set's)."""
        if not isinstance(asked, str):
            return None
        if asked not in self._needle_sets:
            self._needle_sets[asked] = None
            database = self._database()
            try:
                row = database.execute("SELECT data FROM memo WHERE key = ?", (_SET_PREFIX + asked,)).fetchone() \
                    if database else None
                digests = json.loads(row[0]) if row else None
                # The set's own digest proves the row lists that set's needles.
                if isinstance(digests, list) and all(isinstance(d, str) for d in digests) and (
                        _digest("\0".join(sorted(digests))) == asked):
                    self._needle_sets[asked] = frozenset(digests)
            except Exception:  # noqa: BLE001 - any damage only costs a full search
                pass
        return self._needle_sets[asked]

    def _database(self) -> sqlite3.Connection | None:
        """This process's connection (None when the database cannot be used)."""
        if self.root is None:
            return None
        if self._connection is None or self._connection[0] != os.getpid():
            if self._connection is not None:  # a parent's, inherited by fork: never closed here
                _INHERITED.append(self._connection[1])
            self._connection = (os.getpid(), _connect(self.root / _DATABASE))
        return self._connection[1]


NO_CACHE = SourceCache(None)
# Connections a forked process inherited: kept referenced so that they are never closed (and
# the parent's handle never touched) in the child.
_INHERITED: list[sqlite3.Connection | None] = []


def open_cache(root: Path) -> SourceCache:
    """The cache in `root`, created (with a CACHEDIR.TAG and a .gitignore) when it can be."""
    try:
        root.mkdir(exist_ok=True)
        for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", _NEVER_COMMIT)):
            if not (root / name).exists():
                (root / name).write_text(text, encoding="utf-8")
    except OSError:
        return NO_CACHE  # best effort: a read-only project is checked without it
    return SourceCache(root)


class _Foreign(Exception):
    """A database that holds more than the cache's one table."""


def _connect(path: Path) -> sqlite3.Connection | None:
    """The database, made when missing. One that is not a database, or holds anything but the
    one table (a view or a trigger in its place could run SQL as it is read), is made again."""
    for attempt in range(2):
        database = None
        try:
            database = sqlite3.connect(path, timeout=5)
            database.execute("PRAGMA trusted_schema = OFF")
            objects = database.execute("SELECT type, name FROM sqlite_master").fetchall()
            if any(kind != "index" and (kind, name) != ("table", "memo") for kind, name in objects):
                raise _Foreign
            database.execute("PRAGMA journal_mode = WAL")
            database.execute("PRAGMA synchronous = NORMAL")
            database.execute(_SCHEMA)
            return database
        except (sqlite3.DatabaseError, _Foreign) as error:
            if database is not None:
                database.close()
            # Only a file that is not this cache is replaced: a locked, full or unreadable one
            # may be another run's, working.
            replace_it = isinstance(error, _Foreign) or getattr(error, "sqlite_errorname", "") in (
                "SQLITE_NOTADB", "SQLITE_CORRUPT")
            if attempt or not replace_it:
                return None
            for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                with contextlib.suppress(OSError):
                    stale.unlink()
        except (sqlite3.Error, OSError):
            return None
    return None


@functools.cache
def _version() -> str:
    """Everything that shapes what is derived from a source's bytes."""
    package = Path(__file__).resolve().parent.parent  # the whole package, not this folder
    code = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        code.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    from importlib.metadata import PackageNotFoundError, version
    libraries = []
    for name in ("pypdf", "edlib", "ahocorasick_rs"):  # PDF text; nearest passages; needle search
        try:
            libraries.append(version(name))
        except PackageNotFoundError:
            libraries.append("?")
    return f"{_FORMAT}:{code.hexdigest()}:{unicodedata.unidata_version}:{sys.version_info[:2]}:{libraries}"


def _nearest_digests(quotes: Sequence[str], settings: Settings, kind: str) -> list[str]:
    """The keys of the quotes' nearest passages in a memo."""
    # How many processes share the work never changes an answer.
    asked = repr(replace(settings, workers=0, parallel_min_bytes=0))
    return [_digest(f"{asked}\0{kind}\0{q}") for q in quotes]


def _key(source: Source) -> str:
    """The same bytes read by another reader (.txt or .html) are another text."""
    return hashlib.sha256(f"{_version()}\0{source.kind}\0{source.sha256}".encode()).hexdigest()


@functools.lru_cache(maxsize=4)
def _keys_digest(keys: frozenset[str]) -> str:
    """The digest of a scan's keys: the same set for every source of a run, digested once."""
    return _digest("\0".join(sorted(keys)))


def _sound(memo: dict[str, Any], length: int) -> bool:
    """Every kept answer has the shape and range its reader expects (offsets inside the text,
    finite values, a similarity in [0, 1]); anything else rebuilds the entry."""
    scan = memo.get("scan", {"keys": "", "hits": []})
    nearest = memo.get("nearest", {})
    present = memo.get("present", {})
    try:
        return (isinstance(scan["keys"], str) and all(
                    isinstance(k, str) and type(s) is int and type(e) is int and isinstance(v, float)
                    and 0 <= s < e <= length and math.isfinite(v)
                    for k, s, e, v in scan["hits"])
                and isinstance(nearest, dict) and all(n is None or _sound_nearest(n, length) for n in nearest.values())
                and isinstance(present, dict) and all(
                    isinstance(p["needles"], str) and all(isinstance(d, str) for d in p["found"])
                    for p in present.values()))
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _nearest_json(nearest: Nearest | None) -> list[Any] | None:
    if nearest is None:
        return None
    return [nearest.span.start, nearest.span.end, nearest.passage, nearest.distance, nearest.similarity,
            [[c.kind, c.quote, c.source, list(c.notes)] for c in nearest.changes]]


_CHANGE_KINDS = ("replace", "delete", "insert")


def _sound_nearest(kept: list[Any], length: int) -> bool:
    start, end, passage, distance, similarity, changes = kept
    return (type(start) is int and type(end) is int and isinstance(passage, str) and type(distance) is int
            and isinstance(similarity, float) and 0 <= similarity <= 1 and distance >= 0
            and 0 <= start <= end <= length
            and all(kind in _CHANGE_KINDS and isinstance(quote, str) and isinstance(source, str)
                    and all(isinstance(note, str) for note in notes) for kind, quote, source, notes in changes))


def _nearest_from(kept: list[Any] | None) -> Nearest | None:
    if kept is None:
        return None
    start, end, passage, distance, similarity, changes = kept
    return Nearest(Span(start, end), passage, distance, similarity,
                   tuple(WordChange(kind, quote, source, tuple(notes))
                         for kind, quote, source, notes in changes))
