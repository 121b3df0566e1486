"""Sources as CSL items in pandoc metadata for pandoc's citeproc, and its output tidied (pure: no I/O).

Issue 16, "Citation style": the notes and the bibliography of a prose briefing are formatted by
citeproc from the sources' metadata (front matter and sidecars). Every value enters the AST as
Str/Space nodes (`inlines.text`), so a title holding `<i>` or `[@x]` prints as those
characters: citeproc formats the fields, it never parses them as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from briefing.models import Source, SourceMeta
from briefing.render.inlines import Node, all_nodes, text

# A source is a document some body published: CSL's "report" prints author, title, publisher
# and date in every common style without asking for a journal or a container.
CSL_TYPE = "report"
DEFAULT_CSL = "chicago-fullnote-bibliography.csl"

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def meta_text(value: str) -> Node:
    return {"t": "MetaInlines", "c": text(value)}


def csl_date(value: str) -> Node:
    """An ISO date (`2023`, `2023-02`, `2023-02-22`) as CSL date parts; anything else literal,
    so citeproc prints it as written rather than guessing at `22/02/2023`."""
    found = _ISO_DATE.fullmatch(value.strip())
    if found:
        parts = [{"t": "MetaString", "c": str(int(p))} for p in found.groups() if p]
        return {"t": "MetaMap", "c": {"date-parts": {"t": "MetaList", "c": [
            {"t": "MetaList", "c": parts}]}}}
    return {"t": "MetaMap", "c": {"literal": meta_text(value)}}


def csl_item(source_id: str, meta: SourceMeta) -> Node:
    """One CSL item: the id the notes cite, and the fields the source's metadata gives.

    The author is a `literal` name: sources are mostly bodies ("Office for National
    Statistics"), and a person's name split wrongly would misprint it.
    """
    fields: dict[str, Node] = {"id": {"t": "MetaString", "c": source_id},
                               "type": {"t": "MetaString", "c": CSL_TYPE}}
    # A title is never invented: a source whose text carries no headline is described by its
    # author, publisher and date, as its metadata gives them (the example's sources say why each
    # field is there). Only a source with none of the three is named by its id, as in the notes.
    if meta.title.strip():
        fields["title"] = meta_text(meta.title)
    elif not (meta.author.strip() or meta.publisher.strip()):
        fields["title"] = meta_text(source_id)
    # With no author, the body that published it stands as its author (Chicago 14.70, an
    # organisation as author), so that a short note still names where the quote comes from.
    author = meta.author.strip() or meta.publisher.strip()
    if author:
        fields["author"] = {"t": "MetaList", "c": [
            {"t": "MetaMap", "c": {"literal": meta_text(author)}}]}
    if meta.publisher.strip() and meta.author.strip():
        fields["publisher"] = meta_text(meta.publisher)
    if meta.date.strip():
        fields["issued"] = csl_date(meta.date)
    if meta.url.strip():
        fields["URL"] = meta_text(meta.url.strip())
    if meta.accessed.strip():
        fields["accessed"] = csl_date(meta.accessed)
    return {"t": "MetaMap", "c": fields}


def csl_references(sources: Iterable[tuple[str, Source | None]]) -> Node:
    """pandoc's `references` metadata: one CSL item per cited source, in order of citation."""
    return {"t": "MetaList", "c": [csl_item(source_id, source.meta if source else SourceMeta())
                                   for source_id, source in sources]}


def style_name(meta: dict[str, Any]) -> str:
    """The CSL file the document's metadata names (`csl: apa.csl`), or the default."""
    value = meta.get("csl")
    if value is None:
        return DEFAULT_CSL
    return meta_value_text(value).strip() or DEFAULT_CSL


def meta_value_text(value: Node) -> str:
    """A metadata value's plain text: a MetaString's string, MetaInlines' words."""
    if value.get("t") == "MetaString":
        return str(value.get("c", ""))
    if value.get("t") in ("MetaInlines", "MetaBlocks"):
        return _plain(value.get("c", []))
    return ""


def _plain(nodes: Any) -> str:
    out: list[str] = []
    for node in nodes if isinstance(nodes, list) else []:
        kind = node.get("t")
        if kind == "Str":
            out.append(node["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Para", "Plain", "Emph", "Strong", "Span", "Quoted"):
            content = node["c"]
            out.append(_plain(content[-1] if kind in ("Span", "Quoted") else content))
    return "".join(out)


# --- after citeproc ------------------------------------------------------------------------

# The class of the empty Span after a note's Cite that names where its source's URL should
# open (the verified passage, issue 4); `link_passages` reads and removes it.
PASSAGE = "briefing-passage"


def link_passages(ast: dict[str, Any]) -> dict[str, Any]:
    """The source URL citeproc printed in a reference links to the passage its marker names;
    the marker goes. A style that prints no URL (a short note) keeps none."""
    for node in all_nodes(ast.get("blocks", [])):
        content = node.get("c")
        if not isinstance(content, list) or not content or not all(isinstance(i, dict) for i in content):
            continue
        for index in range(len(content) - 1, 0, -1):
            marker, cite = content[index], content[index - 1]
            if marker.get("t") != "Span" or PASSAGE not in marker["c"][0][1] or cite.get("t") != "Cite":
                continue
            wanted = dict(marker["c"][0][2])
            for link in all_nodes(cite["c"][1]):
                if link.get("t") == "Link" and link["c"][2][0] == wanted.get("url"):
                    link["c"][2] = [wanted.get("href", ""), link["c"][2][1]]
            del content[index]
    return ast


_QUOTE_CLOSERS = "\u201d\u2019\"'"


def close_references(ast: dict[str, Any]) -> dict[str, Any]:
    """Each formatted reference in a note ends with a full stop, as a note does: citeproc
    leaves an "author in text" reference open (`“Page,” n.d`). A closing quotation mark takes
    the stop inside, as Chicago and most English styles print it (`“Page.”`); a closing
    parenthesis keeps it outside (`(Trend, 2020).`)."""
    for node in all_nodes(ast.get("blocks", [])):
        if node.get("t") != "Cite":
            continue
        words = _strs(node["c"][1])
        # The last word that is more than closing quotation marks carries the stop.
        last = next((w for w in reversed(words) if w["c"].rstrip(_QUOTE_CLOSERS)), None)
        if last is None:
            continue
        core = last["c"].rstrip(_QUOTE_CLOSERS)
        if core[-1:] in (".", "?", "!"):
            continue
        if core != last["c"]:
            last["c"] = core.rstrip(",;:") + "." + last["c"][len(core):]
        else:
            last["c"] = core.rstrip(",;:") + "."
    return ast


def _strs(inlines: list[Node]) -> list[Node]:
    """The Str nodes of `inlines` in reading order (into spans, emphasis, links, quotes)."""
    found: list[Node] = []
    for node in inlines:
        kind = node.get("t")
        if kind == "Str":
            found.append(node)
        elif kind in ("Emph", "Strong", "SmallCaps", "Underline", "Strikeout", "Superscript", "Subscript"):
            found += _strs(node["c"])
        elif kind in ("Span", "Link", "Quoted"):
            found += _strs(node["c"][1])
    return found
