"""Where things of pandoc's AST are in `briefing.md`'s text: line and column (pure).

pandoc's AST has no positions (issue 16), so they are found in the file text: each citation by
scanning pandoc's citation syntax outside code, then matching the scan to the AST's cite
groups by their ids; each word of the prose by looking for it just after the previous one.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# pandoc's citation key: a letter, digit or `_` first, then those or internal punctuation
# (`:.#$%&-+?<>~/` followed by another such character), or anything in braces.
_KEY = re.compile(r"@(?:\{(?P<braced>[^{}]*)\}|(?P<plain>[\w*](?:[\w]|[:.#$%&\-+?<>~/](?=\w))*))")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})", re.M)
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)]|#[.)]) ")
_SMART = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": "---", "\u2013": "--",
          "\u2026": "...", "\u00a0": "\\ "}


@dataclass(frozen=True)
class CiteMark:
    """One `[@a; @b]` (or an in-text `@a`) as written: its ids and the offset of each `@`."""

    ids: tuple[str, ...]
    offsets: tuple[int, ...]


def code_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of the fenced and indented code blocks and the code spans: no citations there."""
    ranges: list[tuple[int, int]] = []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    n, in_list, blank_before = 0, False, True
    while n < len(lines):
        line = lines[n]
        fence = _FENCE.match(line)
        if fence:
            mark = fence.group("fence")
            closing = re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}\s*$")
            end = next((k for k in range(n + 1, len(lines)) if closing.match(lines[k])), len(lines) - 1)
            ranges.append((starts[n], starts[end + 1]))
            n, blank_before = end + 1, False
            continue
        if not line.strip():
            blank_before = True
        else:
            indented = line.startswith(("    ", "\t"))
            if indented and blank_before and not in_list:
                ranges.append((starts[n], starts[n + 1]))
                n += 1
                continue
            if _LIST_ITEM.match(line):
                in_list = True
            elif not indented and blank_before:
                in_list = False
            blank_before = False
        n += 1
    ranges.extend(_code_spans(text, ranges))
    return sorted(ranges)


def _code_spans(text: str, blocks: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Backtick code spans outside the code blocks: a run of n backticks up to the next run of n."""
    spans: list[tuple[int, int]] = []
    for run in re.finditer(r"(?<![`\\])`+", text):
        if spans and run.start() < spans[-1][1] or _inside(run.start(), blocks):
            continue
        width = len(run.group())
        closing = re.compile(rf"(?<!`)`{{{width}}}(?!`)")
        found = closing.search(text, run.end())
        paragraph = text.find("\n\n", run.end())
        if found and (paragraph == -1 or found.start() < paragraph):
            spans.append((run.start(), found.end()))
    return spans


def _inside(offset: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in ranges)


def cite_marks(text: str) -> list[CiteMark]:
    """Every citation written in `text` outside code, in order: the `@key`s inside one pair of
    brackets form one mark, each other `@key` (pandoc's in-text citation) one of its own."""
    code = code_ranges(text)
    brackets: list[int] = []  # offsets of the open `[`s
    groups: dict[int, list[tuple[str, int]]] = {}
    order: list[int] = []
    at, next_code = 0, 0
    while at < len(text):
        while next_code < len(code) and code[next_code][1] <= at:
            next_code += 1
        if next_code < len(code) and code[next_code][0] <= at:
            at = code[next_code][1]  # the ranges are sorted; a span may lie inside a block
            continue
        char = text[at]
        if char == "\\":
            at += 2
            continue
        if char == "[":
            brackets.append(at)
        elif char == "]" and brackets:
            brackets.pop()
        elif char == "@" and (at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_@")):
            key = _KEY.match(text, at)
            if key:
                cited = key.group("braced") if key.group("braced") is not None else key.group("plain")
                start = at - 1 if at and text[at - 1] == "-" else at
                group = brackets[-1] if brackets else -start - 1
                if group not in groups:
                    groups[group] = []
                    order.append(group)
                groups[group].append((cited, at))
                at = key.end()
                continue
        at += 1
    return [CiteMark(tuple(i for i, _ in groups[g]), tuple(o for _, o in groups[g])) for g in order]


def align(groups: Sequence[tuple[str, ...]], marks: Sequence[CiteMark]) -> list[tuple[int | None, ...]]:
    """The offset of each id of each AST cite group (None where the scan found none): each group
    takes the first unused mark with its ids at or after the last one taken (before it, if none);
    an id of a group without such a mark takes the next unused `@id` of any mark, likewise."""
    by_ids: dict[tuple[str, ...], _Queue[int]] = {}
    by_id: dict[str, _Queue[tuple[int, int]]] = {}
    for k, mark in enumerate(marks):
        by_ids.setdefault(mark.ids, _Queue()).add(k, k)
        for n, cited in enumerate(mark.ids):
            by_id.setdefault(cited, _Queue()).add((k, n), k)
    used_ids: set[tuple[int, int]] = set()
    found: list[tuple[int | None, ...]] = []
    last = 0
    for ids in groups:
        queue = by_ids.get(ids)
        match = queue.take(last, functools.partial(_mark_free, used_ids, len(ids))) if queue else None
        if match is not None:
            used_ids.update((match, n) for n in range(len(ids)))
            last = match
            found.append(marks[match].offsets)
            continue
        offsets: list[int | None] = []
        for cited in ids:
            places = by_id.get(cited)
            hit = places.take(last, lambda place: place not in used_ids) if places else None
            if hit is not None:
                used_ids.add(hit)
                last = hit[0]
            offsets.append(marks[hit[0]].offsets[hit[1]] if hit is not None else None)
        found.append(tuple(offsets))
    return found


def _mark_free(used_ids: set[tuple[int, int]], width: int, k: int) -> bool:
    """No id of mark `k` is taken yet."""
    return all((k, n) not in used_ids for n in range(width))


class _Queue(Generic[T]):
    """Candidates in file order: the first free one at or after a mark, else the first free one.
    Taken ones are passed over once at the front, so a run in order costs a step per cite."""

    def __init__(self) -> None:
        self.items: list[T] = []
        self.keys: list[int] = []
        self.taken: set[int] = set()
        self.front = 0

    def add(self, item: T, key: int) -> None:
        self.items.append(item)
        self.keys.append(key)

    def take(self, last: int, free: Callable[[T], bool]) -> T | None:
        while self.front < len(self.items) and (self.front in self.taken or not free(self.items[self.front])):
            self.front += 1
        start = max(self.front, bisect.bisect_left(self.keys, last))
        for n in itertools.chain(range(start, len(self.items)), range(self.front, start)):
            if n not in self.taken and free(self.items[n]):
                self.taken.add(n)
                return self.items[n]
        return None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    starts = _line_starts(text)
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> list[int]:
    """Where each line of `text` starts (kept for the few texts a check reads: one per document)."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


class Locator:
    """Finds each piece of text of the AST in the file, in order, from a cursor that only moves
    on: a word is looked for a little after the previous one, as pandoc's smart punctuation and
    escapes wrote it (`it’s` from `it's`, `–` from `--`)."""

    WINDOW = 400  # markup between two words (a link's address) is shorter than this

    def __init__(self, text: str, cursor: int = 0):
        self.text = text
        self.cursor = cursor

    def copy(self) -> Locator:
        return Locator(self.text, self.cursor)

    def find(self, piece: str, window: int | None = None) -> int | None:
        """The file offset of `piece` after the cursor (the cursor then moves past it)."""
        if not piece:
            return None
        end = len(self.text) if window is None else min(len(self.text), self.cursor + window + len(piece) * 4)
        written = "".join(_SMART.get(c, c) for c in piece)
        hits = [(at, form) for form in dict.fromkeys((piece, written))
                if (at := self.text.find(form, self.cursor, end)) != -1]
        if not hits:
            return None
        at, form = min(hits)
        self.cursor = at + len(form)
        return at

    def find_words(self, words: Sequence[str]) -> None:
        """Move the cursor to the first of `words`, found with the next few after it (a
        container's first word is looked for anywhere after the cursor: a note's text may be
        far from its call)."""
        probe = [w for w in words if w.strip()][:4]
        if probe:
            pattern = r"[\s\S]{0,80}?".join(_form(w) for w in probe)
            hit = re.compile(pattern).search(self.text, self.cursor)
            if hit is not None:
                self.cursor = hit.start()


def _form(word: str) -> str:
    """A regex for a word as pandoc's Str shows it or as the file may write it."""
    return "".join(f"(?:{re.escape(c)}|{re.escape(_SMART[c])})" if c in _SMART else re.escape(c) for c in word)
