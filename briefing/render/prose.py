"""Builds the prose briefing (`briefing.md`) as a pandoc AST around its checked claims (pure).

Issue 16: the author's Markdown is the document; each cite group `[@a; @b]` becomes one
footnote at its place holding, for each claim and each of its citations, a pandoc `Cite` of
the source (citeproc formats it: a full note first, a short one after, in the chosen CSL style)
and the verified quote as today (`inlines.quoted`: Str/Space only). Source metadata becomes
CSL items; the bibliography goes before the appendix with the sources' hashes and the
verification statement (`verification: appendix | none`).

The author's Markdown was read with raw HTML/TeX off (`document.read`); here links that are
not http(s) become their text, and images are only those read from the project folder.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Any

from briefing.models import SHORT_SHA, Briefing, CitationResult, Claim, ClaimResult, Report, Source, Status
from briefing.render.csl import PASSAGE, csl_references, meta_text, meta_value_text, style_name
from briefing.render.document import (
    CAUTION,
    PANDOC_API_VERSION,
    DocImage,
    Document,
    NoteRecord,
    alterations,
    caution_line,
    cited_sources,
    disagreements_appendix,
    ok,
    verification_statement,
)
from briefing.render.inlines import (
    Inlines,
    Node,
    all_nodes,
    attr,
    div,
    header,
    is_web_url,
    para,
    quoted,
    span,
    text,
    typographic,
    unverified_mark,
)
from briefing.verify.pins import passage_link, pin_cite

# What citeproc would read from the author's metadata: the build sets the references and the
# style itself, so a `bibliography:` file or `nocite:` in briefing.md cannot add unverified
# entries (and pandoc's sandbox would refuse the file anyway).
_CITEPROC_KEYS = frozenset({"bibliography", "references", "csl", "citation-style", "nocite",
                            "citation-abbreviations", "link-citations", "link-bibliography",
                            "suppress-bibliography", "notes-after-punctuation",
                            "reference-section-title", "verification"})
_TEXT_KEYS = ("title", "subtitle", "author", "date")
APPENDIX, NO_APPENDIX = "appendix", "none"


@dataclass
class _State:
    """What the walk over the author's AST gathers: notes, unknown ids, the footnote count."""

    briefing: Briefing
    results: Mapping[str, ClaimResult]
    sources: Mapping[str, Source]
    images: Mapping[str, DocImage]
    draft: bool
    notes: list[NoteRecord] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    footnotes: int = 0
    claims: dict[str, Claim] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.claims = {c.id: c for c in self.briefing.claims}

    def claim(self, claim_id: str) -> Claim | None:
        return self.claims.get(claim_id)


def build_prose_document(ast: Mapping[str, Any], briefing: Briefing, report: Report, *,
                         draft: bool, now: datetime, version: str,
                         images: Mapping[str, DocImage] | None = None,
                         api_version: tuple[int, ...] = PANDOC_API_VERSION) -> tuple[Document, tuple[str, ...]]:
    """The prose document ready for citeproc, and the cited ids that name no claim.

    `images` maps each image target the Markdown names to the file read for it; an image
    without one (outside the project folder, missing) prints as its description instead.
    """
    state = _State(briefing, {r.claim.id: r for r in report.claims},
                   {s.id: s for s in report.sources}, images or {}, draft)
    meta = {k: v for k, v in copy.deepcopy(dict(ast.get("meta", {}))).items()
            if k not in _CITEPROC_KEYS}
    blocks: list[Node] = []
    # The summary prints first, so its cites are numbered first.
    summary = _walk(_meta_blocks(meta.pop("summary")), state, in_note=False) if "summary" in meta else []
    body = _walk(copy.deepcopy(ast.get("blocks", [])), state, in_note=False)
    if draft:
        failed = len({n.claim_id for n in state.notes if not ok(state.results.get(n.claim_id))}
                     | set(state.unknown))
        blocks.append(div([para(text(
            f"Draft: {failed} cited claim{'' if failed == 1 else 's'} not verified "
            "and marked [UNVERIFIED]. Do not circulate."))], "draft-notice"))
    if summary:
        blocks.append(div([header(2, "summary", text("Summary")), *summary], "summary"))
    blocks += body
    cited = cited_sources(state.notes)
    if not any(_is_refs(b) for b in all_nodes(body)):
        blocks += [header(1, "bibliography", text("Bibliography")), div_refs()]
    if verification_mode(ast.get("meta", {})) != NO_APPENDIX:
        blocks += _appendix(state, report, cited, draft, now, version)
    # As in the claims-only layout, `build --disagreements` adds where the sources disagree.
    blocks += disagreements_appendix(report)
    if "title" not in meta and briefing.title.strip():
        meta["title"] = meta_text(briefing.title)  # the claims file's title, as the page shows
    for key in _TEXT_KEYS:
        if key in meta:
            words = typographic(_meta_plain(meta[key]))
            meta[key] = meta_text(words)
            if not words.strip():
                del meta[key]
    # No default `lang`: citeproc would take it over the style's own locale (OSCOLA is en-GB).
    meta["references"] = csl_references(cited)
    title = _meta_plain(meta.get("title", {})) or briefing.title
    document = Document({"pandoc-api-version": list(api_version), "meta": meta, "blocks": blocks},
                        tuple(state.notes), typographic(title.strip()), draft, now,
                        note_count=state.footnotes, images=tuple(state.images.values()),
                        style=style_name(ast.get("meta", {})))
    return document, tuple(dict.fromkeys(state.unknown))


def verification_mode(meta: Mapping[str, Any]) -> str:
    """`verification:` in the metadata: "appendix" (the default) or "none"."""
    value = meta.get("verification")
    if isinstance(value, dict) and value.get("t") == "MetaBool":
        return APPENDIX if value.get("c") else NO_APPENDIX
    chosen = meta_value_text(value).strip().lower() if isinstance(value, dict) else ""
    return NO_APPENDIX if chosen in (NO_APPENDIX, "off", "false", "no") else APPENDIX


def div_refs() -> Node:
    """Where citeproc puts the bibliography (pandoc fills the Div with id `refs`)."""
    return {"t": "Div", "c": [attr("refs"), []]}


def _is_refs(node: Node) -> bool:
    return node.get("t") == "Div" and node["c"][0][0] == "refs"


def _meta_plain(value: Any) -> str:
    if isinstance(value, dict) and value.get("t") == "MetaList":
        return ", ".join(_meta_plain(v) for v in value["c"])
    return meta_value_text(value) if isinstance(value, dict) else ""


def _meta_blocks(value: Node) -> list[Node]:
    if value.get("t") == "MetaBlocks":
        return list(value["c"])
    if value.get("t") == "MetaInlines":
        return [para(value["c"])]
    return [para(text(meta_value_text(value)))]


# --- the walk over the author's document ---------------------------------------------------


def _walk(value: Any, state: _State, *, in_note: bool) -> Any:
    """The author's AST with cites made notes, unsafe links and unknown images made text."""
    if isinstance(value, list):
        out: list[Any] = []
        punctuation = ""
        for item in value:
            if punctuation and isinstance(item, dict) and item.get("t") == "Str":
                item = {"t": "Str", "c": item["c"][len(punctuation):]}
                punctuation = ""
                if not item["c"]:
                    continue
            replaced = _node(item, state, in_note=in_note) if isinstance(item, dict) else None
            if replaced is None:
                out.append(_walk(item, state, in_note=in_note))
                continue
            if replaced and replaced[-1].get("t") == "Note" and item.get("t") == "Cite":
                punctuation = _after_punctuation(value, item)
                _call_after(out, replaced, punctuation)
            else:
                out.extend(replaced)
        return out
    if isinstance(value, dict):
        return {k: _walk(v, state, in_note=in_note) for k, v in value.items()}
    return value


def _after_punctuation(siblings: list[Any], cite: Node) -> str:
    """The punctuation right after a cite (`[@a].` -> "."), which the note call follows."""
    index = next(i for i, sibling in enumerate(siblings) if sibling is cite)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    if not isinstance(following, dict) or following.get("t") != "Str":
        return ""
    word = following["c"]
    return word[:len(word) - len(word.lstrip(".,;:!?"))]


def _call_after(out: list[Any], replaced: list[Node], punctuation: str) -> None:
    """Place a cite's note call as a note style does (issue 16): against the word before it
    (no space: `children [@a]` -> `children¹`) and after the punctuation that follows it.
    A draft's marks stay where the cite was written (`12% [UNVERIFIED: …].³`)."""
    *marks, note = replaced
    while not marks and out and isinstance(out[-1], dict) and out[-1].get("t") in ("Space", "SoftBreak"):
        out.pop()
    out.extend(marks)
    if punctuation:
        out.append({"t": "Str", "c": punctuation})
    out.append(note)


def _node(node: Node, state: _State, *, in_note: bool) -> list[Any] | None:
    """The nodes that replace `node`, or None to keep it (and walk into it)."""
    kind = node.get("t")
    if kind in ("RawInline", "RawBlock"):
        return []  # never reached with raw HTML/TeX off; never passed through either
    if kind == "Note":
        state.footnotes += 1  # the author's own footnote: numbered with the claims' notes
        return [{"t": "Note", "c": _walk(node["c"], state, in_note=True)}]
    if kind == "Cite":
        return _cite(node, state, in_note=in_note)
    if kind == "Link":
        target = node["c"][2][0]
        if not (target.startswith("#") or is_web_url(target)):
            return _walk(node["c"][1], state, in_note=in_note)
        return None
    if kind == "Image":
        image = state.images.get(node["c"][2][0])
        if image is None:
            return [span(_walk(node["c"][1], state, in_note=in_note), "image-refused")]
        # Attributes such as width would print as a style attribute in HTML, which the
        # read-back refuses: the stylesheet sizes images.
        return [{"t": "Image", "c": [attr(node["c"][0][0]), _walk(node["c"][1], state, in_note=in_note),
                                     [image.uri, node["c"][2][1]]]}]
    return None


def _cite(node: Node, state: _State, *, in_note: bool) -> list[Node]:
    """One cite group: marks for what failed (draft), then one footnote with every quote.

    Inside the author's own footnote the entries go in place (a note cannot hold a note)."""
    ids = [c["citationId"] for c in node["c"][0]]
    marks: Inlines = []
    known: list[Claim] = []
    for claim_id in ids:
        claim = state.claim(claim_id)
        if claim is None:
            state.unknown.append(claim_id)
            if state.draft:
                marks.append(span([{"t": "Strong", "c": text(f"[UNVERIFIED: no claim {claim_id}]")}],
                                  "unverified"))
            continue
        known.append(claim)
        if state.draft and not ok(state.results.get(claim_id)):
            result = state.results.get(claim_id)
            marks.append(unverified_mark(result.status if result else None))
    if not known:
        return marks
    if not in_note:
        state.footnotes += 1
    number = state.footnotes
    entries: Inlines = []
    last: tuple[str, str] | None = None
    for claim in known:
        for index in range(len(claim.citations)):
            if entries:
                entries.append({"t": "LineBreak"})
            # Quotes that follow one another from the same source and page share its reference:
            # "Sadikhova." above each of three quotes says nothing the first did not.
            reference = (claim.citations[index].source, _pin(claim, index, state))
            entries += _entry(claim, index, number, first=not entries and not in_note, state=state,
                              with_reference=reference != last)
            last = reference
    if in_note:
        return [*marks, {"t": "Space"}, *entries] if marks else entries
    spaced = [m for mark in marks for m in (mark, {"t": "Space"})][:-1] if marks else []
    return [*spaced, {"t": "Note", "c": [para(entries)]}]


def _found(claim: Claim, index: int, state: _State) -> CitationResult | None:
    result = state.results.get(claim.id)
    return result.citations[index] if result and index < len(result.citations) else None


def _pin(claim: Claim, index: int, state: _State) -> str:
    """The pin cite (page) of a verified quote, as the note prints it; "" where none is known."""
    found = _found(claim, index, state)
    if found is None or found.status is not Status.VERIFIED or not found.pages:
        return ""
    source = state.sources.get(claim.citations[index].source)
    return pin_cite(found.pages, dash="\u2013", labels=source.page_labels if source else ()).replace(" ", "\u00a0", 1)


def _entry(claim: Claim, index: int, number: int, *, first: bool, state: _State,
           with_reference: bool = True) -> Inlines:
    """One citation in a note: the source as a Cite (with its pin cite), then the quote; without
    the reference where the quote before it in the note gave the same one."""
    citation = claim.citations[index]
    found = _found(claim, index, state)
    status = found.status if found else Status.NOT_FOUND
    source = state.sources.get(citation.source)
    caution = caution_line(found)
    state.notes.append(NoteRecord(number, claim.id, citation, status, source, caution))
    unverified = [unverified_mark(status)] if state.draft and status is not Status.VERIFIED else []
    inlines: Inlines = []
    if with_reference:
        inlines += _reference(citation.source, _pin(claim, index, state), number, first, source, found)
        inlines += [{"t": "Space"}, *unverified] if unverified else []
    else:
        inlines += unverified
    if inlines:
        inlines.append({"t": "LineBreak"})
    inlines += [*quoted(citation.quote), *alterations(found)]
    if caution:
        inlines += [{"t": "LineBreak"}, {"t": "Strong", "c": text(CAUTION)}, {"t": "Space"}, *text(caution)]
    return inlines


def _reference(source_id: str, pin: str, number: int, first: bool, source: Source | None,
               found: CitationResult | None) -> Inlines:
    """The source as a Cite for citeproc, with its pin cite, and where its passage is."""
    suffix: Inlines = [{"t": "Str", "c": ","}, {"t": "Space"}, {"t": "Str", "c": pin}] if pin else []
    # pandoc's citeproc parenthesises every cite in a note but a leading one; "author in text"
    # prints the same full or short reference without the parentheses.
    mode = "NormalCitation" if first else "AuthorInText"
    inlines: Inlines = [{"t": "Cite", "c": [[{
        "citationId": source_id, "citationPrefix": [], "citationSuffix": suffix,
        "citationMode": {"t": mode}, "citationNoteNum": number, "citationHash": 0}],
        [{"t": "Str", "c": f"[@{source_id}]"}]]}]
    target = _passage(source, found)
    if target and source is not None:
        # Read after citeproc: the source's URL in this reference opens at the passage (issue 4).
        inlines.append({"t": "Span", "c": [["", [PASSAGE], [["href", target],
                                                             ["url", source.meta.url.strip()]]], []]})
    return inlines


def _passage(source: Source | None, found: CitationResult | None) -> str:
    """Where the source's URL opens at the verified passage (`#page=12`, a text fragment)."""
    if source is None or found is None or found.status is not Status.VERIFIED:
        return ""
    url = source.meta.url.strip()
    if not is_web_url(url):
        return ""
    target = passage_link(url, source, found.spans, found.pages)
    return target if target != url and is_web_url(target) else ""


# --- the appendix ------------------------------------------------------------------------


def _appendix(state: _State, report: Report, cited: Sequence[tuple[str, Source | None]],
              draft: bool, now: datetime, version: str) -> list[Node]:
    """The verification statement and each cited source's file and SHA-256 (issue 16)."""
    claims = tuple(dict.fromkeys(c for n in state.notes if (c := state.claim(n.claim_id))))
    statement = verification_statement(claims, report, state.notes, draft, now, version)
    items: list[list[Node]] = []
    for source_id, source in cited:
        if source is None:
            line: Inlines = [{"t": "Emph", "c": text(source_id)}, {"t": "Space"},
                             *text("(not found in the sources folder).")]
        else:
            line = [{"t": "Emph", "c": text(source_id)}, {"t": "Str", "c": ":"}, {"t": "Space"},
                    *text(f"file {PurePath(source.path).name or source_id}, SHA-256"), {"t": "Space"},
                    {"t": "Code", "c": [attr(), (source.sha256 or "unknown")[:SHORT_SHA]]}]
        items.append([{"t": "Plain", "c": [span(line, "fingerprint")]}])
    inside: list[Node] = [para(text(statement))]
    if items:
        inside += [para(text("The sources as they were checked:")), {"t": "BulletList", "c": items}]
    return [header(1, "verification", text("Appendix: verification")), div(inside, "verification")]
