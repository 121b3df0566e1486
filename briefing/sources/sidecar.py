"""Reads a source's metadata sidecar, `sources/<id>.yaml`, into SourceMeta fields (pure, no I/O)."""

from __future__ import annotations

from dataclasses import replace

from briefing.diagnostics import SOURCES_SIDECAR, Diagnostic, Location, Severity
from briefing.models import SourceMeta
from briefing.sources.metadata import metadata_fields

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
    return metadata_fields(text, path, code=SOURCES_SIDECAR, prefix=f"{_name(path)}: ")


def apply_sidecar(meta: SourceMeta, fields: dict[str, str]) -> SourceMeta:
    """Sidecar values win over what the reader found (a page's <title>, front matter), field by field."""
    return replace(meta, **{k: v for k, v in fields.items() if v})


def _warning(message: str, where: Location, hint: str) -> Diagnostic:
    return Diagnostic(SOURCES_SIDECAR, f"{_name(where.path)}: {message}", where, hint, Severity.WARNING)


def _name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]
