"""The evidence a PDF carries (issue 17 §3): which files it embeds, and reading them back (pure: bytes in).

A briefing PDF embeds the claims file (and briefing.md where the project has one), the snapshot
of the sources it was checked against (`sources.lock`, by SHA-256) and the JSON report of that
check, so that anyone holding the sources can re-verify it (`briefing audit`). The read-back of
the build proves each file came back as meant, and that nothing else is embedded.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from briefing.diagnostics import BUILD_EVIDENCE_ALTERED, BUILD_UNSAFE_CONTENT, Diagnostic, Severity

CLAIMS = "claims.yaml"
BRIEFING_MD = "briefing.md"
LOCK = "sources.lock"
REPORT = "check-report.json"
# The files every briefing PDF must carry; briefing.md only where the project has one.
REQUIRED = (CLAIMS, LOCK, REPORT)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Attachment:
    """One embedded file. `relationship` is its PDF/A-3 AFRelationship (ISO 32000-2, 7.11.3):
    the claims and the lock are what the document was made from ("Source"), the report a
    record beside it ("Supplement")."""

    name: str
    data: bytes
    description: str
    relationship: str = "Source"


def evidence(claims: bytes, lock: str, report_json: str, briefing_md: bytes | None = None) -> tuple[Attachment, ...]:
    """The attachments of a briefing PDF, in a fixed order (the same input gives the same PDF)."""
    files = [Attachment(CLAIMS, claims, "The claims file the briefing was built from")]
    if briefing_md is not None:
        files.append(Attachment(BRIEFING_MD, briefing_md, "The briefing's text, with its claims marked"))
    files.append(Attachment(LOCK, lock.encode("utf-8"),
                            "The SHA-256 of every source the claims were checked against"))
    files.append(Attachment(REPORT, report_json.encode("utf-8"),
                            "The JSON report of the check that allowed the build", "Supplement"))
    return tuple(files)


def for_weasyprint(attachments: Sequence[Attachment], created: datetime | None) -> list[Any]:
    """WeasyPrint's Attachment objects: from bytes (nothing is fetched), dated by the build's
    timestamp, not the clock, so a rebuild stays byte-identical (issue 6)."""
    from weasyprint import Attachment as WeasyAttachment

    stamp = (created or _EPOCH).astimezone(UTC).replace(tzinfo=None)
    return [WeasyAttachment(file_obj=io.BytesIO(a.data), name=a.name, description=a.description,
                            created=stamp, modified=stamp, relationship=a.relationship)
            for a in attachments]


def read_attachments(reader: Any) -> dict[str, list[bytes]]:
    """The embedded files of a pypdf reader, by name (a name may be given more than once)."""
    return {str(name): list(contents) for name, contents in reader.attachments.items()}


def check_attached(found: Mapping[str, list[bytes]], expected: Sequence[Attachment], output: str) -> list[Diagnostic]:
    """Each expected file embedded once and byte for byte; anything else embedded is unsafe."""
    findings: list[Diagnostic] = []
    for attachment in expected:
        copies = found.get(attachment.name, [])
        if not copies:
            findings.append(_evidence(f"{output}: the evidence file {attachment.name} is not embedded"))
        elif len(copies) > 1 or copies[0] != attachment.data:
            findings.append(_evidence(f"{output}: the embedded {attachment.name} is not the file that was checked"))
    names = {a.name for a in expected}
    others = sorted(name for name in found if name not in names)
    if others:
        findings.append(Diagnostic(BUILD_UNSAFE_CONTENT, f"{output}: embeds files {others}", severity=Severity.ERROR))
    return findings


def _evidence(message: str) -> Diagnostic:
    return Diagnostic(BUILD_EVIDENCE_ALTERED, message,
                      hint="the PDF writer dropped or changed an attachment; nothing was written",
                      severity=Severity.ERROR)
