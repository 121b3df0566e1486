"""What each footnote says: the source described, its pin cite and link, then the quote (pure)."""

from __future__ import annotations

from briefing.models import CitationResult, Source, SourceMeta, Status
from briefing.render.inlines import Inlines, is_web_url, quoted, text, unverified_mark, url_inlines
from briefing.verify.pins import passage_link, pin_cite


def describe_source(source_id: str, meta: SourceMeta) -> Inlines:
    """Author, title, publisher, date (those known; the usual citation order), else the id."""
    parts: list[Inlines] = [
        text(meta.author),
        [{"t": "Emph", "c": text(meta.title)}] if meta.title.strip() else [],
        text(meta.publisher),
        text(meta.date),
    ]
    described = _comma_list(parts)
    return described or [{"t": "Emph", "c": text(source_id)}]


def _comma_list(parts: list[Inlines]) -> Inlines:
    out: Inlines = []
    for part in (p for p in parts if p):
        if out:
            out.append({"t": "Str", "c": ","})
            out.append({"t": "Space"})
        out.extend(part)
    return glue(out)


def glue(nodes: Inlines) -> Inlines:
    """Merge a lone punctuation Str into the word before it (`title` `,` -> `title,`)."""
    out: Inlines = []
    for node in nodes:
        if (node["t"] == "Str" and out and out[-1]["t"] == "Str"
                and node["c"] in (",", ".", ";", ":")):
            out[-1] = {"t": "Str", "c": out[-1]["c"] + node["c"]}
        else:
            out.append(node)
    return out


def end_sentence(nodes: Inlines) -> Inlines:
    """Close a description with a full stop, unless it already ends with one."""
    last = nodes[-1] if nodes else None
    while last is not None and last["t"] in ("Emph", "Strong") and last["c"]:
        last = last["c"][-1]
    if not nodes or (last is not None and last["t"] == "Str" and last["c"][-1:] in ".?!"):
        return nodes
    if nodes[-1]["t"] == "Str":
        return [*nodes[:-1], {"t": "Str", "c": nodes[-1]["c"] + "."}]
    return [*nodes, {"t": "Str", "c": "."}]


def note_content(source_id: str, source: Source | None, quote: str,
                 status: Status, draft: bool, found: CitationResult | None = None) -> Inlines:
    """Source, pin cite and link (for a verified quote, `found`), then the quote on its own line.

    Issue 4: a PDF quote's note cites its page(s) ("p. 12", "pp. 12–13") and links to
    `url#page=N`; a web source's note links to the passage with a text fragment.
    """
    meta = source.meta if source else SourceMeta()
    verified = found if found is not None and found.status is Status.VERIFIED else None
    described = describe_source(source_id, meta)
    if verified is not None and verified.pages:
        # A no-break space keeps "p." with its number; an en dash joins a page range.
        labels = source.page_labels if source else ()
        pin = pin_cite(verified.pages, dash="\u2013", labels=labels).replace(" ", "\u00a0", 1)
        described = glue([*described, {"t": "Str", "c": ","}, {"t": "Space"}, *text(pin)])
    inlines = end_sentence(described)
    if source and source.meta.url.strip():
        url = source.meta.url.strip()
        target = ""
        if verified is not None and is_web_url(url):
            target = passage_link(url, source, verified.spans, verified.pages)
        inlines += [{"t": "Space"}, *url_inlines(url, target)]
    if draft and status is not Status.VERIFIED:
        inlines += [{"t": "Space"}, unverified_mark(status)]
    # The quote starts its own line: after a URL, a following mark would read as part of it.
    inlines += [{"t": "LineBreak"}, *quoted(quote)]
    return inlines
