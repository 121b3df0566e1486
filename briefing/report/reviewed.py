"""A reviewer's ticks: what a tick vouches for (a claim's fingerprint), the file the review page
exports, and what `check --reviewed` says about it (pure; issue 17 §1).

The review page ticks a claim with its fingerprint: the SHA-256 of the claim's text as shown,
each quote and the SHA-256 of each cited source. The exported file lists, for each ticked claim,
its id and that fingerprint; `check --reviewed FILE` recomputes the fingerprints and names the
claims changed since they were ticked and those never ticked. It never changes a verdict: its
diagnostics are warnings.

The file is JSON (the page writes it so) or YAML, read as YAML nodes (safe: composed, never
constructed) so that every problem is given at FILE:line:col.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from briefing.diagnostics import (
    REVIEW_CHANGED,
    REVIEW_INVALID,
    REVIEW_UNKNOWN_CLAIM,
    REVIEW_UNREVIEWED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import Claim, Report, Source

FORMAT_KEY = "briefing_review"
FORMAT_VERSION = 1
_KEYS = (FORMAT_KEY, "claims_sha256", "exported", "reviewed")
_ENTRY_KEYS = ("id", "sha256")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_HEX = frozenset("0123456789abcdef")


def fingerprint(claim: Claim, shown_text: str, sources: Mapping[str, Source]) -> str:
    """What a tick vouches for: the text as the page shows it, each quote, each source's bytes."""
    cited = []
    for citation in claim.citations:
        source = sources.get(citation.source)
        cited.append([citation.source, citation.quote, source.sha256 if source is not None else ""])
    reviewed = {"id": claim.id, "text": shown_text, "citations": cited}
    data = json.dumps(reviewed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Tick:
    claim: str
    sha256: str
    line: int  # in the reviewed file
    col: int


class ReviewedFileError(ValueError):
    """The reviewed file cannot be read as one: the diagnostic says where and why."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def parse_reviewed(text: str, path: str) -> tuple[Tick, ...]:
    """The ticks a reviewed file lists, or ReviewedFileError at its first problem."""
    def fail(node: Node | None, message: str, hint: str = "export the ticks again from the review page") -> None:
        mark = node.start_mark if node is not None else None
        where = Location(path, mark.line + 1, mark.column + 1) if mark is not None else Location(path, 1)
        raise ReviewedFileError(Diagnostic(REVIEW_INVALID, message, where, hint))

    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = Location(path, mark.line + 1, mark.column + 1) if mark is not None else Location(path, 1)
        raise ReviewedFileError(Diagnostic(REVIEW_INVALID, f"not valid JSON or YAML: {error.problem}", where,
                                           "export the ticks again from the review page")) from None
    except yaml.YAMLError as error:
        raise ReviewedFileError(Diagnostic(REVIEW_INVALID, f"not valid JSON or YAML: {error}",
                                           Location(path, 1))) from None
    if not isinstance(root, MappingNode):
        fail(root, f"expected a mapping with '{FORMAT_KEY}' and 'reviewed'")
    assert isinstance(root, MappingNode)
    fields = _mapping(root, _KEYS, fail)
    version = fields.get(FORMAT_KEY)
    if version is None:
        fail(root, f"'{FORMAT_KEY}: {FORMAT_VERSION}' is missing: is this a file the review page exported?")
    elif _scalar(version, fail) != str(FORMAT_VERSION):
        fail(version, f"'{FORMAT_KEY}' is {_scalar(version, fail)!r}; this briefing reads version {FORMAT_VERSION}",
             "export the ticks again with this version's review page")
    entries = fields.get("reviewed")
    if not isinstance(entries, SequenceNode):
        fail(entries or root, "'reviewed' must be a list of {id, sha256}")
    assert isinstance(entries, SequenceNode)
    ticks: dict[str, Tick] = {}
    for entry in entries.value:
        if not isinstance(entry, MappingNode):
            fail(entry, "each item of 'reviewed' must be a mapping with 'id' and 'sha256'")
        assert isinstance(entry, MappingNode)
        item = _mapping(entry, _ENTRY_KEYS, fail)
        for key in _ENTRY_KEYS:
            if key not in item:
                fail(entry, f"an item of 'reviewed' has no '{key}'")
        claim, digest = _scalar(item["id"], fail), _scalar(item["sha256"], fail)
        if len(digest) != 64 or not set(digest) <= _HEX:
            fail(item["sha256"], f"claim '{claim}': 'sha256' is not 64 lower-case hex digits")
        if claim in ticks:
            fail(item["id"], f"claim '{claim}' is listed twice (first at line {ticks[claim].line})")
        mark = entry.start_mark
        ticks[claim] = Tick(claim, digest, mark.line + 1, mark.column + 1)
    return tuple(ticks.values())


def _mapping(node: MappingNode, allowed: Sequence[str], fail) -> dict[str, Node]:
    found: dict[str, Node] = {}
    for key_node, value in node.value:
        key = _scalar(key_node, fail)
        if key not in allowed:
            fail(key_node, f"unknown key '{key}' (expected {', '.join(allowed)})")
        if key in found:
            fail(key_node, f"key '{key}' is given twice")
        found[key] = value
    return found


def _scalar(node: Node, fail) -> str:
    if not isinstance(node, ScalarNode):
        fail(node, "expected a single value here, not a list or mapping")
    return str(node.value)


def review_diagnostics(report: Report, ticks: Sequence[Tick], fingerprints: Mapping[str, str],
                       reviewed_path: str) -> tuple[Diagnostic, ...]:
    """Warnings: each claim changed since it was ticked, each never ticked, each tick for a claim
    the claims file no longer has. `fingerprints` maps every claim id to its fingerprint now."""
    by_claim = {tick.claim: tick for tick in ticks}
    found: list[Diagnostic] = []
    for result in report.claims:
        claim = result.claim
        where = Location(report.claims_path, claim.line, claim.col)
        tick = by_claim.get(claim.id)
        if tick is None:
            found.append(Diagnostic(REVIEW_UNREVIEWED, f"claim '{claim.id}' is not reviewed yet", where,
                                    f"tick it on the review page (briefing review) and export to {reviewed_path}",
                                    Severity.WARNING))
        elif tick.sha256 != fingerprints[claim.id]:
            found.append(Diagnostic(REVIEW_CHANGED,
                                    f"claim '{claim.id}' changed since it was reviewed (its text, a quote or "
                                    f"a cited source; ticked at {reviewed_path}:{tick.line})", where,
                                    "review it again on the review page and export the ticks", Severity.WARNING))
    known = {result.claim.id for result in report.claims}
    for tick in ticks:
        if tick.claim not in known:
            found.append(Diagnostic(REVIEW_UNKNOWN_CLAIM, f"reviewed claim '{tick.claim}' is not in "
                                    f"{report.claims_path}", Location(reviewed_path, tick.line, tick.col),
                                    "it was removed or renamed; export the ticks again", Severity.WARNING))
    return tuple(found)
