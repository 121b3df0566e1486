"""Reads `.md` / `.txt` sources: optional YAML front matter, then the text (pure, no I/O)."""

from __future__ import annotations

import yaml

from briefing.models import META_FIELDS, Diagnostic, Location, Severity, Source, SourceMeta

SUFFIXES = frozenset({".md", ".markdown", ".txt"})
KIND = "text"


def parse(data: bytes, path: str, source_id: str) -> tuple[Source | None, list[Diagnostic]]:
    """Decode a text source and split off its front matter, keeping file line numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Diagnostic(
            "sources.encoding", f"{source_id}: not UTF-8 text (byte 0x{data[error.start]:02x})",
            Location(path, line, col), "save the source as UTF-8")]
    if "\x00" in text:
        return None, [Diagnostic(
            "sources.binary", f"{source_id}: looks binary (contains NUL bytes)",
            Location(path, text[: text.index("\x00")].count("\n") + 1), "save the source as UTF-8 text")]
    text = text.replace("\r\n", "\n")
    meta, body_start, diagnostics = _front_matter(text, path)
    body_line = text.count("\n", 0, body_start) + 1
    return Source(source_id, path, KIND, text[body_start:], meta, body_line), diagnostics


def _front_matter(text: str, path: str) -> tuple[SourceMeta, int, list[Diagnostic]]:
    """Parse a leading `---` ... `---` block; returns metadata and where the body starts."""
    if not text.startswith("---\n"):
        return SourceMeta(), 0, []
    end = text.find("\n---\n", 3)
    if end == -1:
        end = text.find("\n---", 3) if text.endswith("\n---") else -1
    if end == -1:
        return SourceMeta(), 0, [Diagnostic(
            "sources.front-matter", "front matter starts with '---' but never ends",
            Location(path, 1), "close it with a line holding only '---'", Severity.WARNING)]
    block = text[4 : end + 1]
    body_start = min(len(text), end + 5)
    fields, diagnostics = _meta_fields(block, path)
    return SourceMeta(**fields), body_start, diagnostics


def _meta_fields(block: str, path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    try:
        # compose, not load: values stay as written (a date stays "2020-02-26") and
        # aliases never expand.
        node = yaml.compose(block, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 2) if mark else 2
        return {}, [Diagnostic(
            "sources.front-matter", f"front matter is not valid YAML: {getattr(error, 'problem', error)}",
            Location(path, line, (mark.column + 1) if mark else 1),
            "fix the YAML between the '---' lines", Severity.WARNING)]
    except RecursionError:
        # The pure-Python composer recurses once per nesting level (issue 6: deeply nested
        # documents); metadata is flat, so a deep nest is never metadata.
        return {}, [Diagnostic(
            "sources.front-matter", "front matter is nested too deeply to be metadata; ignored",
            Location(path, 2), "keep it to 'key: value' lines", Severity.WARNING)]
    if node is None:
        return {}, []
    if not isinstance(node, yaml.MappingNode):
        return {}, [Diagnostic(
            "sources.front-matter", "front matter must be a mapping of key: value",
            Location(path, 2), f"allowed keys: {', '.join(META_FIELDS)}", Severity.WARNING)]
    fields: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        where = Location(path, key_node.start_mark.line + 2, key_node.start_mark.column + 1)
        if key not in META_FIELDS:
            diagnostics.append(Diagnostic(
                "sources.front-matter", f"unknown front matter key '{key}'; ignored", where,
                f"allowed keys: {', '.join(META_FIELDS)}", Severity.WARNING))
        elif not isinstance(value_node, yaml.ScalarNode):
            diagnostics.append(Diagnostic(
                "sources.front-matter", f"'{key}' must be a single value", where,
                "write it as key: \"value\"", Severity.WARNING))
        elif value_node.tag != "tag:yaml.org,2002:null" or value_node.value:
            fields[key] = str(value_node.value).strip()
    return fields, diagnostics
