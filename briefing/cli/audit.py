"""`briefing audit`: re-verify a received briefing PDF from the evidence it carries (reads files, prints;
issue 17 §3), and `evidence_of`, the evidence `build` embeds.

`audit_pdf` is the library call (no printing): it joins the engine (sources found by hash,
claims verified again: `engine.audit`) and the renderer (the notes the claims give, and the
build's own read-back of the printed quotes: `render.readback`), which may not import each
other; the command line is the one layer above both.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from briefing import __version__
from briefing.cli.exits import finish, unusable
from briefing.cli.options import display, stderr_colour, use_colour
from briefing.diagnostics import (
    AUDIT_CLAIM_FAILED,
    AUDIT_QUOTE_ALTERED,
    AUDIT_UNUSABLE,
    BUILD_CAUTION_MISSING,
    BUILD_FOOTNOTE_MOVED,
    BUILD_QUOTE_ALTERED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.engine.audit import parse_embedded_claims, reverify
from briefing.engine.project import Project
from briefing.models import Briefing, Report, Status
from briefing.render.attachments import BRIEFING_MD, CLAIMS, LOCK, REPORT, REQUIRED, Attachment, evidence
from briefing.report.json_report import diagnostic_json, format_json
from briefing.report.text import Finding, findings, format_diagnostic
from briefing.sources.lock import Lock, format_lock, parse_lock


def evidence_of(project: Project, report: Report) -> tuple[Attachment, ...]:
    """What a PDF built from `project` embeds: its claims file (and briefing.md beside it), the
    sources as checked (`project.lock.current`, needs the build's `snapshot`) and `report`."""
    assert project.lock is not None, "the build loads the sources with a snapshot for the PDF's evidence"
    try:
        claims = project.claims_path.read_bytes()
        markdown = project.claims_path.parent / BRIEFING_MD
        text = markdown.read_bytes() if markdown.is_file() else None
    except OSError as error:
        unusable(f"error: cannot read {error.filename}: {(error.strerror or str(error)).lower()}")
    folder = project.claims_path.parent
    return evidence(claims, format_lock(project.lock.current), _within(format_json(report), folder), text)


def _within(report_json: str, folder: Path) -> str:
    """The report with the project folder's own path left out of every path it names: a PDF
    goes to people who need not learn the builder's folders (`/home/alice/...`), and its
    evidence names files as the project holds them (claims.yaml, sources/x.md)."""
    import os

    prefixes = {str(folder), str(folder.resolve())} - {"", "."}
    for prefix in sorted(prefixes, key=len, reverse=True):
        # As the JSON writes it (a backslash doubled on Windows), followed by the separator.
        report_json = report_json.replace(json.dumps(prefix + os.sep, ensure_ascii=False)[1:-1], "")
    return report_json


class AuditError(Exception):
    """The file cannot be audited: not a PDF, or no briefing evidence in it (exit 2)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Audit:
    pdf: str
    sources_dir: str
    embedded: tuple[str, ...]  # the evidence's file names
    notes: int  # footnotes
    quotes: int  # quotes printed in them (a note may hold several, issue 16)
    claims: int
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def audit_pdf(data: bytes, pdf: str, folder: Path) -> Audit:
    """Re-verify the PDF `data` (named `pdf` in messages) against the sources in `folder`."""
    attached = _attachments(data, pdf)
    claims_label = f"{pdf}#{CLAIMS}"
    briefing = _claims(attached[CLAIMS], claims_label, prose=BRIEFING_MD in attached)
    lock = _lock(attached[LOCK], f"{pdf}#{LOCK}")
    _report(attached[REPORT], pdf)
    report, source_findings = reverify(briefing, lock, folder, f"{pdf}#{LOCK}")

    from briefing.render.document import build_document
    from briefing.render.prose import build_prose_document
    from briefing.render.readback import check_pdf

    # The notes the attached claims give, numbered as the build numbered them: one per citation,
    # or, where the PDF embeds briefing.md, one per cite of its prose (issue 16).
    now = datetime.now(UTC)
    if BRIEFING_MD in attached:
        ast = _prose_ast(attached[BRIEFING_MD], f"{pdf}#{BRIEFING_MD}")
        document, _ = build_prose_document(ast, briefing, report, draft=True, now=now, version=__version__)
    else:
        document = build_document(briefing, report, draft=True, now=now, version=__version__)
    embedded = tuple(Attachment(name, content, "") for name, content in attached.items())
    printed = check_pdf(data, document.notes, draft=False, output=pdf, claims_path=claims_label,
                        attachments=embedded, footnotes=document.footnotes, images=None)
    claims = {claim.id: claim for claim in briefing.claims}
    numbers: dict[tuple[str, int], int] = {}  # (claim id, citation index) -> its first footnote
    for note in document.notes:
        index = claims[note.claim_id].citations.index(note.citation)
        numbers.setdefault((note.claim_id, index), note.number)
    failed = [_failed(f, numbers, claims_label) for f in findings(report)]
    return Audit(pdf, str(folder), tuple(attached), document.footnotes, len(document.notes), len(briefing.claims),
                 (*source_findings, *failed, *_printed(printed, report)))


def _prose_ast(data: bytes, label: str) -> dict[str, Any]:
    """The embedded briefing.md, read by pandoc as the build read it; AuditError when it cannot be."""
    from briefing.document.read import parse_markdown
    from briefing.pandoc import PandocError

    try:
        return parse_markdown(data.decode("utf-8"))
    except (UnicodeDecodeError, PandocError) as error:
        raise _unusable(label, f"the embedded {BRIEFING_MD} cannot be read: {error}",
                        "is the PDF the one `briefing build` wrote?") from error


def _attachments(data: bytes, pdf: str) -> dict[str, bytes]:
    """The evidence embedded in the PDF, by name, in a fixed order; AuditError when there is none."""
    from pypdf import PdfReader

    if not data.lstrip(b"\0\t\n\f\r ").startswith(b"%PDF-"):
        raise _unusable(pdf, f"{pdf} is not a PDF", "audit a PDF made by `briefing build --format pdf`")
    try:
        reader = PdfReader(io.BytesIO(data))
        found = {str(name): list(copies) for name, copies in reader.attachments.items()}
    except Exception as error:  # pypdf raises many kinds on a damaged file
        raise _unusable(pdf, f"{pdf}: cannot read the PDF: {error}", "is the file complete?") from error
    if not any(name in found for name in REQUIRED):
        raise _unusable(pdf, f"{pdf} carries no briefing evidence (no embedded {', '.join(REQUIRED)})",
                        "only a PDF made by `briefing build` embeds its claims and sources.lock")
    lacking = [name for name in REQUIRED if name not in found]
    if lacking:
        raise _unusable(pdf, f"{pdf} lacks part of its evidence: no embedded {', '.join(lacking)}",
                        "the PDF was changed after it was built, or made by another tool")
    order = [*REQUIRED, BRIEFING_MD]
    return {name: found[name][0] for name in sorted(found, key=lambda n: (order.index(n) if n in order else 9, n))
            if name in order}


def _claims(data: bytes, label: str, *, prose: bool) -> Briefing:
    briefing, diagnostics = parse_embedded_claims(data, label, prose)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if briefing is None or errors:
        first = errors[0] if errors else None
        where = f": {first.message}" if first else ""
        raise AuditError(Diagnostic(AUDIT_UNUSABLE, f"the embedded claims file cannot be read{where}",
                                    first.location if first else Location(label, 1)))
    return briefing


def _lock(data: bytes, label: str) -> Lock:
    try:
        lock, problems = parse_lock(data.decode("utf-8"), label)
    except UnicodeDecodeError:
        lock, problems = None, []
    if lock is None:
        # parse_lock names the file first ("x.pdf#sources.lock: not valid JSON ..."): said already.
        reason = problems[0].message.split(": ", 1)[-1] if problems else "not UTF-8 text"
        raise AuditError(Diagnostic(AUDIT_UNUSABLE, f"the embedded sources.lock cannot be read: {reason}",
                                    Location(label, 1)))
    return lock


def _report(data: bytes, pdf: str) -> dict:
    try:
        report = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _unusable(pdf, f"the embedded {REPORT} is not JSON: {error}", "") from error
    if not isinstance(report, dict) or "claims" not in report:
        raise _unusable(pdf, f"the embedded {REPORT} is not a briefing check report", "")
    return report


def _failed(finding: Finding, numbers: dict[tuple[str, int], int], claims_label: str) -> Diagnostic:
    """A claim that no longer verifies, named by its footnote when a quote failed."""
    number = numbers.get((finding.claim, finding.index))
    what = (f"footnote {number} (claim '{finding.claim}', source '{finding.source}') no longer verifies"
            if number is not None else f"claim '{finding.claim}' no longer verifies")
    hint = ("its source could not be read (see above): find the file the author quoted"
            if finding.status is Status.UNREADABLE_SOURCE else
            "the source found for it is not the text the author quoted, or the quote was wrong")
    return Diagnostic(AUDIT_CLAIM_FAILED, f"{what}: {finding.status.value}: {finding.problem}",
                      Location(claims_label, finding.line, finding.col), hint)


def _printed(found: list[Diagnostic], report: Report) -> list[Diagnostic]:
    """The build's read-back, worded for an audit: a printed quote that is not the attached one.

    Images are not looked at (`images=None`): the logo and briefing.md's images are not part of
    the evidence (the build's read-back allowed exactly those, issue 16), and the audit is about
    quotes."""
    kept: list[Diagnostic] = []
    for diagnostic in found:
        if diagnostic.code == BUILD_FOOTNOTE_MOVED:
            continue  # layout, not evidence
        if diagnostic.code == BUILD_CAUTION_MISSING and not report.ok:
            continue  # a caution is what a verified quote earned; a failed one was reported above
        if diagnostic.code == BUILD_QUOTE_ALTERED:
            message = diagnostic.message.replace("does not print its quote as verified",
                                                 "does not print the quote its embedded claims.yaml gives")
            diagnostic = Diagnostic(AUDIT_QUOTE_ALTERED, message, diagnostic.location,
                                    "the PDF's text was changed after it was built")
        kept.append(diagnostic)
    return kept


def _unusable(pdf: str, message: str, hint: str) -> AuditError:
    return AuditError(Diagnostic(AUDIT_UNUSABLE, message, Location(pdf, 1), hint))


def default_sources(pdf: Path) -> Path:
    """The sources folder next to the PDF, else the one of the project here."""
    beside = pdf.parent / "sources"
    return beside if beside.is_dir() else Path("sources")


def format_audit_json(audit: Audit) -> str:
    return json.dumps({"ok": audit.ok, "pdf": audit.pdf, "sources_dir": audit.sources_dir,
                       "embedded": list(audit.embedded), "claims": audit.claims, "notes": audit.notes,
                       "quotes": audit.quotes,
                       "diagnostics": [diagnostic_json(d) for d in audit.diagnostics]},
                      ensure_ascii=False) + "\n"


def format_audit_text(audit: Audit, colour: bool) -> str:
    lines = [format_diagnostic(d, colour) for d in audit.diagnostics]
    errors = sum(1 for d in audit.diagnostics if d.severity is Severity.ERROR)
    facts = (f"{audit.notes} notes holding {audit.quotes} quotes of {audit.claims} claims, "
             f"against the sources in {audit.sources_dir} "
             f"(evidence embedded: {', '.join(audit.embedded)})")
    if errors:
        lines.append(f"{audit.pdf}: audit failed: {errors} problem{'' if errors == 1 else 's'}; {facts}")
    else:
        lines.append(f"{audit.pdf}: audit passed: every note verified and printed as embedded; {facts}")
    return "\n".join(lines) + "\n"


@click.command("audit")
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sources", "sources_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder holding the sources (any names: found by SHA-256).  "
                   "[default: sources/ beside the PDF, else ./sources]")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text or json.  [default: text]")
def audit_command(pdf: Path, sources_dir: Path | None, output_format: str) -> None:
    """Re-verify a briefing PDF from the evidence it embeds.

    A PDF made by `briefing build` embeds its claims.yaml, the SHA-256 of every
    source it was checked against (sources.lock) and the check's JSON report.
    audit reads them back, finds each source in the sources folder by its hash
    (whatever the file is called), verifies every note's quote against it again,
    and reads each printed note to see it still prints the embedded quote.

    Exit status: 0 every note verified and printed as embedded, 1 a source is
    missing or changed or a note failed, 2 not a PDF, or no evidence in it.
    """
    try:
        data = pdf.read_bytes()
    except OSError as error:
        unusable(f"error: cannot read {display(pdf)}: {(error.strerror or str(error)).lower()}")
    folder = sources_dir or default_sources(pdf)
    if not folder.is_dir():
        unusable(f"error: no sources folder {display(folder)}\n  hint: name the folder holding the sources "
                 "with --sources")
    try:
        audit = audit_pdf(data, display(pdf), Path(display(folder)))
    except AuditError as error:
        if output_format == "json":
            click.echo(json.dumps({"ok": False, "pdf": display(pdf),
                                   "diagnostics": [diagnostic_json(error.diagnostic)]}, ensure_ascii=False))
        else:
            click.echo(format_diagnostic(error.diagnostic, stderr_colour()), err=True)
        unusable()
    if output_format == "json":
        click.echo(format_audit_json(audit), nl=False)
    else:
        click.echo(format_audit_text(audit, use_colour()), nl=False)
    finish(audit.ok)
