"""The prose of `briefing.md` as sentences: their text, the claims each cites, the figures its
author marked as their own, and where each sentence is in the file (pure).

Sentences are read from pandoc's AST (what is checked is what is rendered) in every block that
holds prose: paragraphs, headings, list items, table cells and captions, block quotes, figure
captions, notes, and the metadata's `summary` (issue 16). A citation's own text (`[@a, p. 3]`)
is no part of its sentence, and code (`` `v1.2` ``) states no figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefing.document.cites import CiteGroup, cite_groups
from briefing.document.meta import front_matter_end, key_offset
from briefing.document.positions import Locator, line_col
from briefing.verify.sentences import sentence_ends

Node = dict[str, Any]
OWN_CLASS = "own"  # `[16 years]{.own}`: figures the author states on their own authority
_WRAPPERS = frozenset({"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"})
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the prose."""

    text: str  # as a reader reads it, citations left out
    checked: str  # the text the figure check reads: `text` before tidying, code blanked out
    cites: tuple[int, ...]  # the cite groups it carries, as positions in `document_cites`
    own: tuple[str, ...]  # the text of each `.own` span in it
    own_at: tuple[int, ...]  # where each `.own` span starts in `checked`
    anchors: tuple[tuple[int, int], ...]  # (offset in `checked`, offset in the file), ascending
    file_text: str = field(repr=False, compare=False, default="")

    def file_offset(self, offset: int) -> int | None:
        """The file offset of a character of `checked` (None where no word was found)."""
        best = None
        for local, found in self.anchors:
            if local > offset:
                break
            best = found + (offset - local)
        if best is None and self.anchors:
            best = self.anchors[0][1]
        return best

    def position(self, offset: int = 0) -> tuple[int, int]:
        """(line, col) in the file of a character of `checked`; (1, 1) when unknown."""
        found = self.file_offset(offset)
        return line_col(self.file_text, found) if found is not None else (1, 1)


def summary_blocks(ast: Mapping[str, Any]) -> list[Node]:
    """The metadata's `summary` as blocks (it is prose the reader reads first)."""
    value = ast.get("meta", {}).get("summary")
    if not isinstance(value, dict):
        return []
    if value["t"] == "MetaBlocks":
        return list(value["c"])
    if value["t"] == "MetaInlines":
        return [{"t": "Para", "c": value["c"]}]
    if value["t"] == "MetaString":
        return [{"t": "Para", "c": [{"t": "Str", "c": value["c"]}]}]
    return []


def document_cites(ast: Mapping[str, Any]) -> list[CiteGroup]:
    """Every cite group of the document in reading order: the summary's, then the body's."""
    return [*cite_groups({"blocks": summary_blocks(ast)}), *cite_groups(dict(ast))]


def sentences(text: str, ast: Mapping[str, Any], groups: Sequence[CiteGroup] | None = None) -> list[Sentence]:
    """Every sentence of the document (`text` is the file, for positions), in reading order;
    `groups` are its `document_cites`, when found already."""
    index = {id(group.node): n for n, group in enumerate(document_cites(ast) if groups is None else groups)}
    found: list[Sentence] = []
    summary_at = key_offset(text, "summary")
    reader = _Reader(text, index, found)
    reader.blocks(summary_blocks(ast), Locator(text, max(summary_at, 0)))
    reader.blocks(ast.get("blocks", []), Locator(text, front_matter_end(text)))
    return found


class _Container:
    """The plain text of one block's inlines, with where its words, cites, `.own` spans and
    code are."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.anchors: list[tuple[int, int]] = []
        self.cites: list[tuple[int, int]] = []  # (offset, cite group)
        self.own: list[tuple[int, int]] = []
        self.code: list[tuple[int, int]] = []
        self.notes: list[tuple[list[Node], Locator]] = []

    def add(self, piece: str, at: int | None = None) -> None:
        if at is not None:
            self.anchors.append((self.length, at))
        self.parts.append(piece)
        self.length += len(piece)


class _Reader:
    def __init__(self, text: str, index: Mapping[int, int], found: list[Sentence]):
        self.text = text
        self.index = index
        self.found = found

    def blocks(self, blocks: Sequence[Node], locator: Locator) -> None:
        for block in blocks:
            kind, content = block["t"], _content(block)
            if kind in ("Para", "Plain"):
                self.container(content, locator)
            elif kind == "Header":
                self.container(content[2], locator)
            elif kind == "BlockQuote":
                self.blocks(content, locator)
            elif kind == "Div":
                self.blocks(content[1], locator)
            elif kind == "BulletList":
                for item in content:
                    self.blocks(item, locator)
            elif kind == "OrderedList":
                for item in content[1]:
                    self.blocks(item, locator)
            elif kind == "DefinitionList":
                for term, definitions in content:
                    self.container(term, locator)
                    for definition in definitions:
                        self.blocks(definition, locator)
            elif kind == "LineBlock":
                for line in content:
                    self.container(line, locator)
            elif kind == "Table":
                self.table(content, locator)
            elif kind == "Figure":
                self.blocks(content[1][1], locator)  # the caption; the image's text is its alt text
            elif kind == "CodeBlock":
                locator.find(str(content[1]).split("\n", 1)[0])

    def table(self, content: list[Any], locator: Locator) -> None:
        _, caption, _, head, bodies, foot = content
        rows = [*head[1], *(row for body in bodies for row in (*body[2], *body[3])), *foot[1]]
        for row in rows:
            for cell in row[1]:
                self.blocks(cell[4], locator)
        self.blocks(caption[1], locator)

    def container(self, inlines: list[Node], locator: Locator) -> None:
        locator.find_words(list(_words(inlines)))
        built = _Container()
        self.inlines(inlines, built, locator)
        self.found.extend(_split(built, self.text))
        for blocks, at in built.notes:
            self.blocks(blocks, at)

    def inlines(self, inlines: Sequence[Node], built: _Container, locator: Locator) -> None:
        for node in inlines:
            kind, content = node["t"], _content(node)
            if kind == "Str":
                built.add(content, locator.find(content, Locator.WINDOW))
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                built.add(" ")
            elif kind in _WRAPPERS:
                self.inlines(content, built, locator)
            elif kind == "Quoted":
                opening, closing = _QUOTES.get(content[0]["t"], ("", ""))
                built.add(opening)
                self.inlines(content[1], built, locator)
                built.add(closing)
            elif kind in ("Code", "Math"):
                start = built.length
                built.add(str(content[1]), locator.find(str(content[1]), Locator.WINDOW))
                if kind == "Code":
                    built.code.append((start, built.length))
            elif kind == "Span":
                start = built.length
                self.inlines(content[1], built, locator)
                if OWN_CLASS in content[0][1]:
                    built.own.append((start, built.length))
            elif kind == "Link":
                self.inlines(content[1], built, locator)
            elif kind == "Cite" and id(node) in self.index:
                built.cites.append((built.length, self.index[id(node)]))
            elif kind == "Note":
                built.notes.append((content, locator.copy()))


def _words(inlines: Sequence[Node]) -> Iterator[str]:
    """The Str words of inlines, in order, as far as the first few go (cites and notes skipped)."""
    for node in inlines:
        kind, content = node["t"], _content(node)
        if kind == "Str":
            yield content
        elif kind in _WRAPPERS:
            yield from _words(content)
        elif kind in ("Quoted", "Span", "Link"):
            yield from _words(content[1])


def _split(built: _Container, file_text: str) -> list[Sentence]:
    text = "".join(built.parts)
    checked = list(text)
    for start, end in built.code:
        checked[start:end] = " " * (end - start)
    checked_text = "".join(checked)
    bounds: list[tuple[int, int]] = []
    start = 0
    for mark in sentence_ends(checked_text, 0, len(checked_text)):
        bounds.append((start, mark.end))
        start = mark.end
    bounds.append((start, len(text)))
    found: list[Sentence] = []
    taken: set[int] = set()
    for start, end in bounds:
        while start < end and text[start].isspace():
            start += 1
        cites = tuple(group for n, (at, group) in enumerate(built.cites) if n not in taken and at <= end)
        taken.update(n for n, (at, _) in enumerate(built.cites) if at <= end)
        body = text[start:end]
        if not body.strip() and not cites:
            continue
        own = [(a, b) for a, b in built.own if a < end and b > start]
        anchors = tuple((at - start, where) for at, where in built.anchors if start <= at < end)
        found.append(Sentence(_tidy(body), checked_text[start:end], cites, tuple(text[a:b] for a, b in own),
                              tuple(max(a - start, 0) for a, _ in own), anchors, file_text))
    return found


def _tidy(text: str) -> str:
    """The sentence as printed: one space between words, none before punctuation a citation
    left behind ("83 children [@a]." reads "83 children.")."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(text.split()))


def citing_sentences(text: str, ast: Mapping[str, Any]) -> dict[str, list[tuple[str, int]]]:
    """For each claim id the document cites, each sentence citing it: (its text, its line)."""
    groups = document_cites(ast)
    found: dict[str, list[tuple[str, int]]] = {}
    for sentence in sentences(text, ast, groups):
        for n in sentence.cites:
            for claim_id in groups[n].ids:
                entry = (sentence.text, sentence.position()[0])
                if entry not in found.setdefault(claim_id, []):
                    found[claim_id].append(entry)
    return found


def _content(node: dict[str, Any]) -> Any:
    """A node's content (pandoc's "c"), whose shape its type ("t") gives."""
    return node.get("c")
