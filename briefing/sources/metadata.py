"""Reads a YAML mapping of source metadata, as front matter or a sidecar holds it (pure, no I/O).

Both say the same things the same way: only META_FIELDS, each a single value kept exactly as
written, the first of a repeated key, and `key:` / `key: ~` set nothing. Every problem is a
warning: a source stays readable whatever its metadata says.
"""

from __future__ import annotations

import yaml

from briefing.diagnostics import Diagnostic, Location, Severity
from briefing.models import META_FIELDS

_NULL = "tag:yaml.org,2002:null"


def metadata_fields(text: str, path: str, *, code: str, prefix: str, first_line: int = 1,
                    yaml_hint: str = "fix the YAML") -> tuple[dict[str, str], list[Diagnostic]]:
    """The fields `text` sets, and its problems as `code` warnings whose messages start with
    `prefix`. `first_line` is the file line that `text` starts on."""
    def warning(message: str, line: int, col: int, hint: str) -> Diagnostic:
        return Diagnostic(code, prefix + message, Location(path, line + first_line - 1, col), hint,
                          Severity.WARNING)

    try:
        # compose, not load: values stay as written (a date stays "2020-02-26"), aliases never
        # expand, and every key keeps its line:col for messages.
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return {}, [warning(f"not valid YAML: {getattr(error, 'problem', None) or error}; its metadata was "
                            "ignored", mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, yaml_hint)]
    except RecursionError:  # the pure-Python composer recurses once per nesting level
        return {}, [warning("nested too deeply to be metadata; ignored", 1, 1, "keep it to 'key: value' lines")]
    if node is None:
        return {}, []
    allowed = f"allowed keys: {', '.join(META_FIELDS)}"
    if not isinstance(node, yaml.MappingNode):
        return {}, [warning("metadata must be a mapping of key: value; ignored", node.start_mark.line + 1,
                            node.start_mark.column + 1, allowed)]
    fields: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if key not in META_FIELDS:
            diagnostics.append(warning(f"unknown metadata key '{key}'; ignored", line, col, allowed))
        elif not isinstance(value_node, yaml.ScalarNode):
            diagnostics.append(warning(f"'{key}' must be a single value; ignored", line, col,
                                       "write it as key: \"value\""))
        elif key in fields:
            diagnostics.append(warning(f"'{key}' is given twice; the first value is kept", line, col,
                                       "remove one of them"))
        elif value_node.tag != _NULL:
            fields[key] = str(value_node.value).strip()
    return fields, diagnostics
