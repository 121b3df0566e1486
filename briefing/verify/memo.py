"""What the check may be handed to remember facts it derives from a source (pure: no I/O here).

Issue 18: the core stays single-process and free of I/O; the engine hands it a `Memo` (the
on-disk `engine.cache.SourceCache` implements one) and the core asks it before deriving. Every
method takes the function that computes the answer, so a memo can only save work, never change
an answer. `NO_MEMO` remembers nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from briefing.models import Nearest, Source
from briefing.settings import Settings

Hit = tuple[str, int, int, float]  # (key, start, end, value), as disagree.scan._scan yields them


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Needles:
    """The digests of the quotes looked for in every source, made once per search."""

    digests: tuple[str, ...]
    positions: dict[str, tuple[int, ...]]  # each digest's places in `texts` (a quote may repeat)
    asked: str  # the digest of the whole set

    @classmethod
    def of(cls, texts: Sequence[str]) -> Needles:
        digests = tuple(digest(t) for t in texts)
        positions: dict[str, tuple[int, ...]] = {}
        for i, d in enumerate(digests):
            positions[d] = positions.get(d, ()) + (i,)
        return cls(digests, positions, digest("\0".join(sorted(digests))))


class Memo(Protocol):
    """Answers about a source's text, each from `compute` unless remembered."""

    def scan(self, source: Source, keys: frozenset[str], compute: Callable[[], Iterable[Hit]]) -> list[Hit]:
        """The disagreement scan's hits for exactly these keys."""
        ...

    def present(self, source: Source, kind: str, needles: Needles,
                search: Callable[[Sequence[int] | None], set[int]]) -> set[int]:
        """Which of `needles` (by position) occur in a reading (`kind`) of the source;
        `search(None)` looks for all of them, `search(positions)` for those alone."""
        ...

    def nearest(self, source: Source, quotes: Sequence[str], settings: Settings,
                compute: Callable[[list[str]], list[Nearest | None]], kind: str = "cited") -> list[Nearest | None]:
        """The nearest passage of each quote ("cited": searched together; "elsewhere": one by one)."""
        ...

    def knows_nearest(self, source: Source, quotes: Sequence[str], settings: Settings, kind: str = "cited") -> bool:
        """Whether `nearest` would answer for every quote without computing."""
        ...

    def flush(self) -> None:
        """Keep what was learnt (called once per worker, after its work)."""
        ...


class NoMemo:
    """Remembers nothing: every answer is computed."""

    def scan(self, source: Source, keys: frozenset[str], compute: Callable[[], Iterable[Hit]]) -> list[Hit]:
        return list(compute())

    def present(self, source: Source, kind: str, needles: Needles,
                search: Callable[[Sequence[int] | None], set[int]]) -> set[int]:
        return search(None)

    def nearest(self, source: Source, quotes: Sequence[str], settings: Settings,
                compute: Callable[[list[str]], list[Nearest | None]], kind: str = "cited") -> list[Nearest | None]:
        return compute(list(quotes))

    def knows_nearest(self, source: Source, quotes: Sequence[str], settings: Settings, kind: str = "cited") -> bool:
        return False

    def flush(self) -> None:
        pass


NO_MEMO: Memo = NoMemo()
