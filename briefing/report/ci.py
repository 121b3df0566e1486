"""Formats a Report for CI: GitHub workflow commands, SARIF 2.1.0 and JUnit XML (pure: returns strings)."""

from __future__ import annotations

import hashlib
import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote as url_quote

from briefing import __version__
from briefing.diagnostics import (
    CODES,
    FIGURE_DISAGREEMENT,
    QUOTE_ELISION_FAR,
    QUOTE_ELISION_HIDES,
    QUOTE_INSERTION_HIDES,
    QUOTE_LINE_END_HYPHEN,
    QUOTE_TOO_SHORT,
    Diagnostic,
    Severity,
)
from briefing.models import Report, Status
from briefing.report.text import Finding, findings, format_diagnostic, format_text, summary_line

# GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
# silently (issue 5), so the rest go to the job summary instead.
ANNOTATION_LIMIT = 10


@dataclass(frozen=True)
class Annotation:
    """One problem as every CI format sees it: a level, a place in a file, a title and a message."""

    level: str  # "error" or "warning"
    title: str
    message: str  # may span lines
    rule: str  # e.g. "briefing/misquoted", "briefing/source.unused"
    path: str | None = None
    line: int = 0
    col: int = 0
    fingerprint: str = ""


def annotations_of(report: Report) -> list[Annotation]:
    """Failures in claim order, then error diagnostics (unreadable sources), then warnings."""
    found = [_finding_annotation(report.claims_path, f) for f in findings(report)]
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    warnings = [d for d in report.diagnostics if d.severity is not Severity.ERROR]
    return found + [diagnostic_annotation(d) for d in (*errors, *warnings)]


def _finding_annotation(claims_path: str, finding: Finding) -> Annotation:
    rule = f"briefing/{finding.status.value}"
    # Stable across edits elsewhere in the file: no line numbers, no quote text (which is
    # what the author is about to fix), only which citation of which claim failed how.
    key = "\x1f".join((rule, finding.claim, str(finding.index), finding.source))
    return Annotation("error", f"claim '{finding.claim}' {finding.status.value}",
                      "\n".join((finding.problem, *finding.details)), rule, claims_path,
                      finding.line, finding.col, hashlib.sha256(key.encode()).hexdigest()[:32])


def diagnostic_annotation(d: Diagnostic) -> Annotation:
    where = d.location
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    key = "\x1f".join((d.code, where.path if where else "", d.message))
    return Annotation(d.severity.value, d.code, message, f"briefing/{d.code}",
                      where.path if where else None, where.line if where else 0, where.col if where else 0,
                      hashlib.sha256(key.encode()).hexdigest()[:32])


# --- GitHub workflow commands -------------------------------------------------
# Escaping follows @actions/core (toolkit/packages/core/src/command.ts): data escapes
# % CR LF; property values also escape ':' and ','.


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(annotation: Annotation) -> str:
    """`::error file=claims.yaml,line=8,col=16,title=...::message`."""
    properties = []
    if annotation.path:
        properties.append(f"file={escape_property(annotation.path)}")
        if annotation.line:
            properties += [f"line={annotation.line}", f"col={annotation.col}"]
    properties.append(f"title={escape_property(annotation.title)}")
    return f"::{annotation.level} {','.join(properties)}::{escape_data(annotation.message)}"


def _github_commands(found: Sequence[Annotation], summary_written: bool) -> list[str]:
    lines: list[str] = []
    for level in ("error", "warning"):
        of_level = [a for a in found if a.level == level]
        lines += [workflow_command(a) for a in of_level[:ANNOTATION_LIMIT]]
        if len(of_level) > ANNOTATION_LIMIT:
            rest = len(of_level) - ANNOTATION_LIMIT
            where = "the job summary and the report below" if summary_written else "the report below"
            lines.append(f"note: GitHub shows {ANNOTATION_LIMIT} {level} annotations per step; "
                         f"{rest} more {level}{'' if rest == 1 else 's'} are in {where}")
    return lines


def format_github(report: Report, *, summary_written: bool = False, verbose: bool = False) -> str:
    """Annotations (at most 10 errors and 10 warnings), then the plain text report for the log."""
    commands = _github_commands(annotations_of(report), summary_written)
    return "".join(f"{line}\n" for line in commands) + format_text(report, verbose=verbose)


def format_github_errors(diagnostics: Iterable[Diagnostic], *, summary_written: bool = False) -> str:
    """Unusable input: an annotation per error (the text diagnostics still go to stderr)."""
    found = [diagnostic_annotation(d) for d in diagnostics]
    return "".join(f"{line}\n" for line in _github_commands(found, summary_written))


def _cell(text: str) -> str:
    """A Markdown table cell: quotes are untrusted, so HTML is escaped and pipes cannot split cells."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


# GitHub takes at most 1 MiB of summary per step; the table stops short of that, and says so.
SUMMARY_LIMIT = 1_000_000


def _table(found: Sequence[Annotation]) -> list[str]:
    lines = ["| level | where | what | details |", "|---|---|---|---|"]
    size = 0
    for shown, a in enumerate(found):
        where = f"{a.path}:{a.line}:{a.col}" if a.path and a.line else (a.path or "")
        first, _, rest = a.message.partition("\n")
        row = (f"| {a.level} | {_cell(where)} | {_cell(a.title)}: {_cell(first)} | "
               f"{'<br>'.join(_cell(line) for line in rest.splitlines())} |")
        size += len(row.encode("utf-8")) + 1
        if size > SUMMARY_LIMIT:
            lines += ["", f"{len(found) - shown:,} more not shown: GitHub limits a job summary to 1 MiB"]
            break
        lines.append(row)
    return lines


def format_step_summary(report: Report) -> str:
    """The whole result as Markdown for $GITHUB_STEP_SUMMARY: every failure, none dropped."""
    verdict = "all claims verified" if report.ok else "failed"
    lines = [f"### briefing check: {verdict}", "", summary_line(report), ""]
    found = annotations_of(report)
    if found:
        lines += [*_table(found), ""]
    return "\n".join(lines)


def format_step_summary_errors(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    lines = ["### briefing check: unusable input", "",
             f"{errors} error{'' if errors == 1 else 's'}: nothing was checked", "",
             *_table([diagnostic_annotation(d) for d in diagnostics]), ""]
    return "\n".join(lines)


# --- SARIF 2.1.0 -------------------------------------------------------------

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_RULE_TEXT = {
    Status.MISQUOTED: "A quote is not in its source verbatim, but a close passage is",
    Status.NOT_FOUND: "A quote is not in its source, and nothing close is",
    Status.UNKNOWN_SOURCE: "A citation names a source that is not in the sources folder",
    Status.UNREADABLE_SOURCE: "The cited source's text could not be read",
    Status.FIGURE_MISMATCH: "The claim states a figure that none of its verified quotes gives",
}
# Diagnostic codes whose SARIF rule carries their meaning from `CODES` (the others are
# "briefing diagnostic <code>", as before issue 18, which kept every output byte-identical).
_DESCRIBED = (FIGURE_DISAGREEMENT, QUOTE_ELISION_HIDES, QUOTE_ELISION_FAR, QUOTE_INSERTION_HIDES, QUOTE_TOO_SHORT,
              QUOTE_LINE_END_HYPHEN)
_DIAGNOSTIC_TEXT = {code: CODES[code].meaning[:1].upper() + CODES[code].meaning[1:] for code in _DESCRIBED}


def _uri(path: str) -> str:
    """A relative path stays relative (to the checkout, as code scanning expects); others are file: URIs."""
    if PurePath(path).is_absolute():
        return PurePath(path).as_uri()
    return url_quote(path.replace("\\", "/"), safe="/")


def _rules(found: Sequence[Annotation]) -> list[dict]:
    """Every status rule, always (so code scanning knows them), then each diagnostic code seen."""
    rules = [{"id": f"briefing/{status.value}",
              "name": "".join(part.title() for part in status.value.split("_")),
              "shortDescription": {"text": text},
              "defaultConfiguration": {"level": "error"}} for status, text in _RULE_TEXT.items()]
    known = {rule["id"] for rule in rules}
    for a in found:
        if a.rule not in known:
            known.add(a.rule)
            code = a.rule.removeprefix("briefing/")
            rules.append({"id": a.rule,
                          "name": "".join(p.title() for p in re.split(r"[._-]", code)),
                          "shortDescription": {
                              "text": _DIAGNOSTIC_TEXT.get(code, f"briefing diagnostic {code}")},
                          "defaultConfiguration": {"level": a.level}})
    return rules


def _sarif_result(a: Annotation, index: dict[str, int]) -> dict:
    result: dict = {"ruleId": a.rule, "ruleIndex": index[a.rule], "level": a.level,
                    "message": {"text": f"{a.title}: {a.message}"}}
    if a.path:
        location: dict = {"artifactLocation": {"uri": _uri(a.path)}}
        if a.line:
            location["region"] = {"startLine": a.line, "startColumn": max(a.col, 1)}
        result["locations"] = [{"physicalLocation": location}]
    result["partialFingerprints"] = {"briefing/v1": a.fingerprint}
    return result


def _sarif(found: Sequence[Annotation]) -> str:
    rules = _rules(found)
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "briefing", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            # Columns count characters (code points), as the text report and editors do.
            "columnKind": "unicodeCodePoints",
            "results": [_sarif_result(a, index) for a in found],
        }],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_sarif(report: Report) -> str:
    """SARIF 2.1.0: one result per failure or diagnostic, located in claims.yaml (or the source file)."""
    return _sarif(annotations_of(report))


def format_sarif_errors(diagnostics: Iterable[Diagnostic]) -> str:
    return _sarif([diagnostic_annotation(d) for d in diagnostics])


# --- JUnit XML ---------------------------------------------------------------

# XML 1.0 cannot carry these at all, even escaped; sources extracted from PDFs may hold them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _element(tag: str, parent: ET.Element | None = None, text: str = "", /, **attributes: str) -> ET.Element:
    attrs = {key.rstrip("_"): _xml_text(value) for key, value in attributes.items()}
    element = ET.Element(tag, attrs) if parent is None else ET.SubElement(parent, tag, attrs)
    if text:
        element.text = _xml_text(text)
    return element


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def format_junit(report: Report) -> str:
    """One test case per claim (classname: the claims file); a failure carries the diff as text."""
    by_claim: dict[str, list[Finding]] = {}
    for finding in findings(report):
        by_claim.setdefault(finding.claim, []).append(finding)
    unreadable = [d for d in report.diagnostics if d.severity is Severity.ERROR]
    failures = sum(not r.ok for r in report.claims)
    tests = str(len(report.claims) + len(unreadable))
    counts = {"tests": tests, "failures": str(failures), "errors": str(len(unreadable)), "skipped": "0"}
    root = _element("testsuites", name="briefing", **counts)
    suite = _element("testsuite", root, name=report.claims_path, **counts)
    for result in report.claims:
        case = _element("testcase", suite, classname=report.claims_path, name=result.claim.id,
                        file=report.claims_path, line=str(result.claim.line))
        found = by_claim.get(result.claim.id, [])
        if found:  # one failure per case (many readers show only one): every problem in its text
            text = "\n\n".join("\n".join((f.message, *f.details)) for f in found)
            _element("failure", case, text, message=found[0].message, type=result.status.value)
    for d in unreadable:
        case = _element("testcase", suite, classname="sources",
                        name=d.location.path if d.location else d.code)
        _element("error", case, format_diagnostic(d), message=d.message, type=d.code)
    warnings = [format_diagnostic(d) for d in report.diagnostics if d.severity is Severity.WARNING]
    _element("system-out", suite, "\n".join([*warnings, summary_line(report)]))
    return _xml(root)


def format_junit_errors(diagnostics: Sequence[Diagnostic], claims_path: str) -> str:
    """Unusable input: one test case for the claims file, in error, listing every problem."""
    counts = {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}
    root = _element("testsuites", name="briefing", **counts)
    suite = _element("testsuite", root, name=claims_path, **counts)
    case = _element("testcase", suite, classname=claims_path, name="claims file")
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    message = f"{errors} error{'' if errors == 1 else 's'}: nothing was checked"
    _element("error", case, "\n".join(format_diagnostic(d) for d in diagnostics), message=message,
             type="unusable-input")
    return _xml(root)
