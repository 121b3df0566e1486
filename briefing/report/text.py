"""Formats a Report as text, and the summary both text and JSON give (pure: returns strings,
prints nothing). JSON is `json_report`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from briefing.diagnostics import Diagnostic, Severity
from briefing.disagree.compare import quantities
from briefing.models import CitationResult, ClaimResult, Elsewhere, Nearest, Report, Source, Status, WordChange
from briefing.verify.diff import is_invisible
from briefing.verify.edits import describe as describe_alteration
from briefing.verify.figure_tokens import shown as shown_token
from briefing.verify.pins import page_label, pin_cite

_COLOURS = {"red": "31", "green": "32", "yellow": "33", "cyan": "36", "bold": "1", "dim": "2"}


def paint(text: str, colour: str, enabled: bool) -> str:
    return f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m" if enabled else text


def quoted(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return f"\u201c{visible(text if len(text) <= limit else text[: limit - 1] + '…')}\u201d"


def visible(text: str) -> str:
    """Invisible characters as <U+202E>, so a bidi control in a quote, passage or claim text
    cannot reorder how the terminal shows the report (Trojan Source, CVE-2021-42574)."""
    return "".join(f"<U+{ord(c):04X}>" if is_invisible(c) else c for c in text)


# --- text -------------------------------------------------------------------


def format_text(report: Report, *, colour: bool = False, verbose: bool = False) -> str:
    """Failures first with what is needed to fix them, then warnings, then one summary line."""
    blocks: list[str] = []
    for result in report.claims:
        if not result.ok:
            blocks.append(_failure_block(report, result, colour))
        elif verbose:
            blocks.append(_verified_block(report, result, colour))
    # Unreadable sources (errors) come before warnings; both keep their file:line.
    ordered = sorted(report.diagnostics, key=lambda d: d.severity is Severity.WARNING)
    if ordered:
        blocks.append("\n".join(format_diagnostic(d, colour) for d in ordered))
    exemptions = [r for r in report.claims if r.exempted_figures]
    if exemptions:
        lines = ["figures stated on the author's own authority (exempt_figures):"]
        lines += [f"  {r.claim.id}: {', '.join(quoted(f) for f in r.exempted_figures)}" for r in exemptions]
        blocks.append("\n".join(lines))
    if report.own_figures:  # issue 16: the prose's own figures, listed as every exemption is
        lines = [f"figures stated on the author's own authority ({{.own}} in {report.document_path}):"]
        lines += [f"  {f.path}:{f.line}:{f.col}: {quoted(f.text)}" for f in report.own_figures]
        blocks.append("\n".join(lines))
    named = [r for r in report.claims if r.named_figures]
    if named:  # issue 15 §3: declared names are exemptions too, and listed as such
        lines = ["numbers read as names, not figures (names):"]
        lines += [f"  {r.claim.id}: {', '.join(quoted(n) for n in r.named_figures)}" for r in named]
        blocks.append("\n".join(lines))
    blocks += _edits_and_disagreements(report)
    blocks.append(summary_line(report, colour))
    return "\n\n".join(blocks) + "\n"


def _edits_and_disagreements(report: Report) -> list[str]:
    """Issue 7: the editorial changes each quote makes, and every quantity the sources disagree on."""
    blocks: list[str] = []
    altered = [(r.claim.id, a) for r in report.claims for c in r.citations for a in c.alterations]
    if altered:
        lines = ["editorial changes in quotes (each checked against its source):"]
        lines += [f"  {claim}: {describe_alteration(a)}" for claim, a in altered]
        blocks.append("\n".join(lines))
    found = quantities(report.claims)
    if found:
        lines = ["where the sources disagree:"]
        for quantity in found:
            values = []
            for _, group in quantity.values:
                texts = {g.text for g in group}
                values.append(", ".join(
                    (f"{quoted(g.text)} " if len(texts) > 1 or g is group[0] else "")
                    + f"{source_path(report, g.source)}:{g.line}" for g in group))
            lines.append("  " + " \u00b7 ".join(values))
            lines.append(f"      claims: {', '.join(quantity.claims)}")
        blocks.append("\n".join(lines))
    return blocks


def format_diagnostic(d: Diagnostic, colour: bool = False) -> str:
    where = f"{d.location.path}:{d.location.line}:{d.location.col}: " if d.location else ""
    label = paint(d.severity.value, "red" if d.severity is Severity.ERROR else "yellow", colour)
    text = f"{where}{label}: {d.message}"
    return text + (f"\n    hint: {d.hint}" if d.hint else "")


@dataclass(frozen=True)
class Finding:
    """One failure of one claim, as every format reports it: where, what, and how to fix it."""

    claim: str  # the claim's id
    status: Status  # the citation's status, or FIGURE_MISMATCH for unbacked figures
    line: int  # in the claims file: the `quote:` value, or the `text:` value for figures
    col: int
    problem: str  # one line, e.g. "quote not found in 'x'"
    details: tuple[str, ...]  # "quote    ...", "source   ...", "differs  ...", "hint: ..."
    source: str = ""  # the cited source id ("" for figures)
    index: int = -1  # the citation's position in the claim (0-based; -1 for figures)
    label: str = ""  # the status as the text report names it ("also" for figures after a failed quote)

    @property
    def message(self) -> str:
        return f"claim '{self.claim}' {self.status.value}: {self.problem}"


def findings(report: Report, colour: bool = False) -> list[Finding]:
    """Every failure in claim order: one per failing citation, one per claim with unbacked figures."""
    found: list[Finding] = []
    for result in report.claims:
        if not result.ok:
            found.extend(_claim_findings(report, result, colour))
    return found


def _claim_findings(report: Report, result: ClaimResult, colour: bool) -> list[Finding]:
    claim = result.claim
    found: list[Finding] = []
    for index, item in enumerate(result.citations):
        if item.status is Status.VERIFIED:
            continue
        cite = item.citation
        found.append(Finding(claim.id, item.status, cite.line, cite.col, citation_problem(item),
                             tuple(_citation_details(report, item, colour)), cite.source, index,
                             item.status.value))
    # Beside a failed quote, only the figures still unbacked once the quotes match their sources:
    # the rest are backed by fixing the quote, and listing them would hide the one that matters.
    unbacked = result.unquoted_figures if found else result.unbacked_figures
    problems: list[str] = []
    if unbacked:
        figures = ", ".join(quoted(f.text) for f in unbacked)
        verb = "is" if len(unbacked) == 1 else "are"
        problems.append(f"{figures} in the text {verb} still not backed once the quotes match their sources"
                        if found else f"{figures} in the text {verb} not in any verified quote")
    tokens = result.unreadable_figures  # issue 15 §3: read or refused, never skipped
    if tokens:
        shown = ", ".join(quoted(shown_token(t.text)) for t in tokens)
        problems.append(f"{shown} in the text cannot be read as {'a figure' if len(tokens) == 1 else 'figures'} "
                        "and no verified quote states " + ("it" if len(tokens) == 1 else "them") + " as written")
    if problems:
        hint = ("hint: quote the passage that states it, fix the figure, or list it under "
                "exempt_figures if it is the author's own")
        if any(t.reason == "name" for t in tokens):
            hint += "; declare a name with a number in it (G20, MPL 2.0) once under 'names:'"
        if any(t.reason != "name" for t in tokens):
            hint += "; write a figure the check cannot read in digits or words it reads"
        details = (f"text     {quoted(claim.text, 240)}", hint)
        found.append(Finding(claim.id, Status.FIGURE_MISMATCH, claim.text_line or claim.line, claim.col,
                             "; ".join(problems), details,
                             label="also" if found else Status.FIGURE_MISMATCH.value))
    return found


def _failure_block(report: Report, result: ClaimResult, colour: bool) -> str:
    lines: list[str] = []
    for finding in _claim_findings(report, result, colour):
        lines.append(f"{report.claims_path}:{finding.line}:{finding.col}: {paint('error', 'red', colour)}: "
                     f"claim '{finding.claim}' {paint(finding.label, 'bold', colour)}: {finding.problem}")
        lines.extend(f"    {detail}" for detail in finding.details)
    return "\n".join(lines)


def citation_problem(item: CitationResult) -> str:
    source = item.citation.source
    if item.problem:
        return item.problem
    if item.status is Status.MISQUOTED:
        return f"quote not found verbatim in '{source}'; a close passage exists"
    return f"quote not found in '{source}'"


def _citation_details(report: Report, item: CitationResult, colour: bool) -> list[str]:
    lines = [f"quote    {quoted(item.citation.quote)}"]
    near = item.nearest
    if near is not None and item.status is Status.MISQUOTED:
        path = source_path(report, item.citation.source)
        pin = f" (p. {page_label(item.nearest_page, labels_of(report.source, item.citation.source))})" \
            if item.nearest_page else ""
        lines.append(f"source   {path}:{item.nearest_line}{pin}: {quoted(near.passage)} "
                     f"({near.similarity:.0%} similar)")
        lines.extend(_differences(near, colour))
    for other in item.found_in:
        lines.append(f"note     the exact quote is in '{other}' ({source_path(report, other)}); "
                     f"is that the source you meant?")
    if item.elsewhere is not None:
        lines.append(f"note     {did_you_mean(report, item.elsewhere)}")
        lines.extend(_differences(item.elsewhere.nearest, colour))
    return lines


def did_you_mean(report: Report, elsewhere: Elsewhere) -> str:
    """A close passage of another source, named (issue 15 §7): a misattribution, not a fabrication."""
    near = elsewhere.nearest
    pin = f" (p. {page_label(elsewhere.page, labels_of(report.source, elsewhere.source))})" if elsewhere.page else ""
    return (f"did you mean '{elsewhere.source}'? {source_path(report, elsewhere.source)}:{elsewhere.line}{pin} "
            f"has {quoted(near.passage)} ({near.similarity:.0%} similar)")


def _differences(near: Nearest, colour: bool) -> list[str]:
    lines = []
    for change in near.changes:
        lines.append(f"differs  {change_text(change, colour)}")
        lines.extend(f"         {note}" for note in change.notes)
    return lines


def change_text(change: WordChange, colour: bool) -> str:
    quote = paint(quoted(change.quote), "red", colour)
    source = paint(quoted(change.source), "green", colour)
    if change.kind == "delete":
        return f"quote has {quote}, which the source does not"
    if change.kind == "insert":
        return f"source has {source}, which the quote leaves out"
    return f"quote has {quote} where the source has {source}"


def _verified_block(report: Report, result: ClaimResult, colour: bool) -> str:
    lines = [(f"{report.claims_path}:{result.claim.line}:{result.claim.col}: "
              f"{paint('verified', 'green', colour)}: claim '{result.claim.id}'")]
    for item in result.citations:
        where = ", ".join(f"{source_path(report, item.citation.source)}:{n}" for n in item.lines)
        labels = labels_of(report.source, item.citation.source)
        pin = f" ({pin_cite(item.pages, labels=labels)})" if item.pages else ""
        folds = f" (folds: {', '.join(item.folds)})" if item.folds else ""
        lines.append(f"    {where}{pin}{folds}")
        lines.extend(f"      edited: {describe_alteration(a)}" for a in item.alterations)
        lines.extend(f"      caution: {visible(statement)}"  # issue 15 §4
                     for statement in dict.fromkeys(c.statement for c in item.cautions))
    return "\n".join(lines)


def source_path(report: Report, source_id: str) -> str:
    source = report.source(source_id)
    return source.path if source else source_id


# The source with an id (`Report.source`, or a mapping's `get`).
SourceOf = Callable[[str], Source | None]


def labels_of(source_of: SourceOf, source_id: str) -> tuple[str, ...]:
    """A PDF source's printed page labels; () when it has none."""
    source = source_of(source_id)
    return source.page_labels if source else ()


def summary_line(report: Report, colour: bool = False) -> str:
    """The closing line of the text report, e.g. '1 of 43 claims failed (1 misquoted) · 86 quotes · ...'."""
    summary = summarise(report)
    failed = summary["failed"]
    statuses = ", ".join(f"{n} {status}" for status, n in summary["by_status"].items()
                         if status != Status.VERIFIED.value and n)
    # Errors outside any claim (an unreadable source, one changed since sources.lock, a warning
    # --strict counts) fail the check too, so the line says so rather than reading as a pass.
    errors = sum(d.severity is Severity.ERROR for d in report.diagnostics)
    counted = f"{errors} error{'' if errors == 1 else 's'}"
    if failed:
        verdict = paint(f"{failed} of {summary['claims']} claims failed", "red", colour) + f" ({statuses})"
    elif errors:
        verdict = (paint(f"check failed: {counted}", "red", colour)
                   + f" ({summary['verified']} of {summary['claims']} claims verified)")
    else:
        verdict = paint(f"{summary['verified']} of {summary['claims']} claims verified", "green", colour)
    problems = paint(f" · {counted}", "red", colour) if errors and failed else ""
    quotes = summary["citations"]
    return (f"{verdict} · {quotes} quote{'' if quotes == 1 else 's'} · {summary['sources_cited']} of "
            f"{summary['sources']} sources cited{problems} · {summary['warnings']} "
            f"warning{'' if summary['warnings'] == 1 else 's'}")


# --- summary ----------------------------------------------------------------


def summarise(report: Report) -> dict:
    # One pass over the claims and their citations (issue 19: a pass over 10,000 results read
    # from memory that nothing has touched since they were made costs 2-5 ms).
    by_status = dict.fromkeys(Status, 0)
    citations = verified = exempted = named = alterations = 0
    cited: set[str] = set()
    disagreeing: list[ClaimResult] = []
    for result in report.claims:
        by_status[result.status] += 1
        exempted += len(result.exempted_figures)
        named += len(result.named_figures)
        if result.disagreements:
            disagreeing.append(result)
        for item in result.citations:
            citations += 1
            verified += item.status is Status.VERIFIED
            alterations += len(item.alterations)
            cited.add(item.citation.source)
    return {
        "claims": len(report.claims),
        "verified": by_status[Status.VERIFIED],
        "failed": len(report.claims) - by_status[Status.VERIFIED],
        "by_status": {s.value: n for s, n in by_status.items()},
        "citations": citations,
        "citations_verified": verified,
        "sources": len(report.sources),
        "sources_cited": len(cited & {s.id for s in report.sources}),
        "exempted_figures": exempted + len(report.own_figures),
        "named_figures": named,
        "alterations": alterations,
        "disagreements": len(quantities(disagreeing)),
        "warnings": sum(d.severity is Severity.WARNING for d in report.diagnostics),
    }
