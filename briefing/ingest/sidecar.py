"""Reads a source's metadata sidecar, `sources/<id>.yaml`, into SourceMeta fields (pure, no I/O)."""

from __future__ import annotations

from dataclasses import replace

import yaml

from briefing.models import META_FIELDS, Diagnostic, Location, Severity, SourceMeta

# Metadata files, never sources themselves (issue 4: metadata for any kind of source).
SUFFIXES = frozenset({".yaml", ".yml"})


def parse_sidecar(data: bytes, path: str) -> tuple[dict[str, str], list[Diagnostic]]:
    """The metadata fields a sidecar sets, values exactly as written; problems are warnings."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return {}, [_warning("not UTF-8 text; its metadata was ignored",
                             Location(path, line), "save it as UTF-8")]
    try:
        # compose, not load: values stay as written (a date stays "2020-02-26"), aliases never
        # expand, and every key keeps its line:col for messages.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = Location(path, mark.line + 1, mark.column + 1) if mark else Location(path, 1)
        return {}, [_warning(f"not valid YAML: {getattr(error, 'problem', None) or error}; "
                             "its metadata was ignored", where, "fix the YAML")]
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        return {}, [_warning("nested too deeply to be metadata; ignored", Location(path, 1),
                             "keep it to 'key: value' lines")]
    if node is None:
        return {}, []
    if not isinstance(node, yaml.MappingNode):
        return {}, [_warning("metadata must be a mapping of key: value; ignored",
                             Location(path, node.start_mark.line + 1, node.start_mark.column + 1),
                             f"allowed keys: {', '.join(META_FIELDS)}")]
    fields: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        where = Location(path, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if key not in META_FIELDS:
            diagnostics.append(_warning(f"unknown metadata key '{key}'; ignored", where,
                                        f"allowed keys: {', '.join(META_FIELDS)}"))
        elif not isinstance(value_node, yaml.ScalarNode):
            diagnostics.append(_warning(f"'{key}' must be a single value; ignored", where,
                                        "write it as key: \"value\""))
        elif key in fields:
            diagnostics.append(_warning(f"'{key}' is given twice; the first value is kept", where,
                                        "remove one of them"))
        elif value_node.tag != "tag:yaml.org,2002:null":  # `key:`, `key: ~`, `key: null` set nothing
            fields[key] = str(value_node.value).strip()
    return fields, diagnostics


def apply_sidecar(meta: SourceMeta, fields: dict[str, str]) -> SourceMeta:
    """Sidecar values win over what the reader found (a page's <title>, front matter), field by field."""
    return replace(meta, **{k: v for k, v in fields.items() if v})


def _warning(message: str, where: Location, hint: str) -> Diagnostic:
    return Diagnostic("sources.sidecar", f"{_name(where.path)}: {message}", where, hint, Severity.WARNING)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
