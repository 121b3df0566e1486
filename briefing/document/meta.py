"""The document's YAML metadata as plain Python values, and its inlines as plain text (pure).

Other stages read their options here (issue 16: the house furniture and the citation style
are metadata keys), so the values are plain: text, booleans, lists and dicts, never pandoc's
`MetaInlines` nodes. Formatting is dropped: `title: "The *2024* review"` is "The 2024 review".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing.diagnostics import DOCUMENT_METADATA, Diagnostic, Location
from briefing.house import HOUSE_KEYS, LOGO_HINT, load_logo, parse_house
from briefing.models import House

# Inlines that only wrap other inlines: their text is their children's.
_WRAPPERS = frozenset({"Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"})
_QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


def inline_text(inlines: list[dict[str, Any]]) -> str:
    """The text a reader reads in `inlines` (pandoc's `stringify`, notes left out)."""
    return "".join(_inline_text(node) for node in inlines)


def _inline_text(node: dict[str, Any]) -> str:
    kind, content = node["t"], _content(node)
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak", "LineBreak"):
        return " "
    if kind in _WRAPPERS:
        return inline_text(content)
    if kind == "Quoted":
        opening, closing = _QUOTES.get(content[0]["t"], ("", ""))
        return opening + inline_text(content[1]) + closing
    if kind in ("Code", "Math"):
        return str(content[1])
    if kind in ("Span", "Link", "Image"):
        return inline_text(content[1])
    if kind == "Cite":
        return inline_text(content[1])
    return ""  # Note, RawInline (turned off by the reader)


def block_text(blocks: list[dict[str, Any]]) -> str:
    """The text of blocks, one paragraph per block, separated by blank lines."""
    parts: list[str] = []
    for block in blocks:
        kind, content = block["t"], _content(block)
        if kind in ("Para", "Plain"):
            parts.append(inline_text(content))
        elif kind == "Header":
            parts.append(inline_text(content[2]))
        elif kind in ("BlockQuote", "Div"):
            parts.append(block_text(content if kind == "BlockQuote" else content[1]))
        elif kind == "BulletList":
            parts.extend(block_text(item) for item in content)
        elif kind == "OrderedList":
            parts.extend(block_text(item) for item in content[1])
        elif kind == "CodeBlock":
            parts.append(str(content[1]))
        elif kind == "LineBlock":
            parts.append("\n".join(inline_text(line) for line in content))
    return "\n\n".join(p for p in parts if p)


def plain_value(value: dict[str, Any]) -> Any:
    """A pandoc metadata value as plain Python: str, bool, list or dict."""
    kind, content = value["t"], _content(value)
    if kind == "MetaBool":
        return bool(content)
    if kind == "MetaString":
        return str(content)
    if kind == "MetaInlines":
        return inline_text(content)
    if kind == "MetaBlocks":
        return block_text(content)
    if kind == "MetaList":
        return [plain_value(item) for item in content]
    if kind == "MetaMap":
        return {key: plain_value(item) for key, item in content.items()}
    return None


def plain_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Every metadata key of the document, its value plain (`plain_value`)."""
    return {key: plain_value(value) for key, value in meta.items()}


def front_matter_end(text: str) -> int:
    """Where the text after a leading YAML metadata block starts (0 when there is none)."""
    if not text.startswith("---") or text[3:4] not in ("\n", "\r"):
        return 0
    at = text.find("\n") + 1
    while at < len(text):
        end = text.find("\n", at)
        line = text[at:end if end != -1 else len(text)].rstrip("\r")
        if line.rstrip() in ("---", "..."):
            return end + 1 if end != -1 else len(text)
        if end == -1:
            break
        at = end + 1
    return 0


def key_offset(text: str, key: str) -> int:
    """Where `key:` starts in the leading metadata block (-1 when it is not there)."""
    end = front_matter_end(text)
    at = 0
    while at < end:
        if text.startswith(f"{key}:", at):
            return at
        at = text.find("\n", at, end) + 1 or end
    return -1


# The Briefing's fields that the document's metadata fills (issue 16), each as claims.yaml names it.
BRIEFING_FIELDS = ("title", "subtitle", "author", "date", "summary")


def briefing_fields(text: str, metadata: Mapping[str, Any], path: str
                    ) -> tuple[dict[str, str], list[Diagnostic]]:
    """The Briefing fields the metadata gives, as text; a field of another shape is an error at
    its line. A list of authors is one text ("A, B"); an author map gives its `name`."""
    found: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for key in BRIEFING_FIELDS:
        if key not in metadata or metadata[key] is None:
            continue
        value = metadata[key]
        if key == "author" and isinstance(value, list):
            value = ", ".join(v.get("name", "") if isinstance(v, dict) else v for v in value
                              if isinstance(v, (str, dict)))
        elif key == "author" and isinstance(value, dict):
            value = value.get("name", "")
        if not isinstance(value, str):
            at = key_offset(text, key)
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            shape = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else "true or false"
            problems.append(Diagnostic(DOCUMENT_METADATA, f"'{key}' in {path} must be text, not {shape}",
                                       Location(path, line), f"write {key}: \"...\""))
            continue
        if value.strip():
            found[key] = " ".join(value.split()) if key != "summary" else value.strip()
    return found, problems


def _content(node: dict[str, Any]) -> Any:
    """A node's content (pandoc's "c"), whose shape its type ("t") gives."""
    return node.get("c")


def house_options(text: str, metadata: Mapping[str, Any], path: str, base: House
                  ) -> tuple[House, list[Diagnostic]]:
    """`base` (claims.yaml's house options) with each option briefing.md's metadata gives in its
    place (issue 16: one set of options, in either file; the document's win), and every problem
    at its line. The logo file itself is read and recognised here, as for claims.yaml, so that
    `check` refuses what `build` would."""
    given = {key: metadata[key] for key in HOUSE_KEYS if metadata.get(key) is not None}
    if not given:
        return base, []

    def line_of(key: str) -> int:
        at = key_offset(text, key)
        return text.count("\n", 0, at) + 1 if at >= 0 else 1

    parsed, found = parse_house(given, logo_line=line_of("logo"))
    problems = [Diagnostic(DOCUMENT_METADATA, f"{path}: {problem.message}", Location(path, line_of(problem.key)),
                           problem.hint) for problem in found]
    changes: dict[str, Any] = {key: getattr(parsed, key) for key in given}
    if "logo" in given:
        changes["logo_line"] = parsed.logo_line
        if parsed.logo:
            logo = load_logo(Path(path).parent, parsed.logo)
            if isinstance(logo, str):
                problems.append(Diagnostic(DOCUMENT_METADATA, logo, Location(path, parsed.logo_line), LOGO_HINT))
                changes["logo"] = ""
    return replace(base, **changes), problems
