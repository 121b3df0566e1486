"""Sources as CSL items in pandoc metadata, for pandoc's citeproc (pure: no I/O).

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
from briefing.render.inlines import Node, text

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
    # Without a title a style prints nothing recognisable: the id stands in, as in the notes.
    fields["title"] = meta_text(meta.title if meta.title.strip() else source_id)
    if meta.author.strip():
        fields["author"] = {"t": "MetaList", "c": [
            {"t": "MetaMap", "c": {"literal": meta_text(meta.author)}}]}
    if meta.publisher.strip():
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
