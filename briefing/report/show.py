"""`briefing show`: one claim, each quote, and where it sits in its source with context (pure: str out)."""

from __future__ import annotations

import difflib

from briefing.models import CitationResult, ClaimResult, Report, Source, Span, Status
from briefing.report.text import change_text, citation_problem, did_you_mean, paint, quoted, source_path, visible
from briefing.text import LineIndex
from briefing.verify.edits import describe as describe_alteration
from briefing.verify.figure_tokens import shown
from briefing.verify.pins import page_label, pin_cite

CONTEXT = 2  # lines shown before and after a passage
_AROUND = 60  # characters shown either side of a passage on a long line
_LONG = 120  # a context line longer than this is cut


def suggest(claim_id: str, ids: list[str]) -> str:
    """The hint for an unknown claim id: the closest ids, or the first few there are."""
    close = difflib.get_close_matches(claim_id, ids, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    listed = ", ".join(ids[:8]) + (", …" if len(ids) > 8 else "")
    return f"the claims are: {listed}" if ids else "the claims file has no claims"


def format_show(report: Report, result: ClaimResult, sources: dict[str, Source], *, colour: bool = False) -> str:
    claim = result.claim
    status = paint(result.status.value, "green" if result.ok else "red", colour)
    blocks = [f"claim '{claim.id}' · {status} · {report.claims_path}:{claim.line}:{claim.col}\n"
              f"  text     {quoted(claim.text, 400)}" + _figures(result, colour)]
    for number, item in enumerate(result.citations, 1):
        blocks.append(_citation(report, item, number, len(result.citations), sources.get(item.citation.source),
                                colour))
    if result.disagreements:
        blocks.append(_disagreements(report, result))
    return "\n\n".join(blocks) + "\n"


def _disagreements(report: Report, result: ClaimResult) -> str:
    """Issue 7: each figure of the claim that other sources give differently."""
    lines = ["where the sources disagree"]
    for disagreement in result.disagreements:
        figure = disagreement.figure
        lines.append(f"  figure   {quoted(figure.text)} {source_path(report, figure.source)}:{figure.line}"
                     + (" (the claim quotes the others too)" if disagreement.acknowledged else ""))
        lines += [f"  other    {quoted(other.text)} {source_path(report, other.source)}:{other.line}"
                  for other in disagreement.others]
    return "\n".join(lines)


def _figures(result: ClaimResult, colour: bool) -> str:
    lines = []
    if result.unbacked_figures:
        figures = ", ".join(paint(quoted(f.text), "red", colour) for f in result.unbacked_figures)
        lines.append(f"  figures  {figures} not in any verified quote")
    if result.unreadable_figures:
        tokens = ", ".join(paint(quoted(shown(t.text)), "red", colour) for t in result.unreadable_figures)
        lines.append(f"  figures  {tokens} cannot be read and no verified quote states them as written")
    if result.exempted_figures:
        lines.append(f"  exempt   {', '.join(quoted(f) for f in result.exempted_figures)}")
    if result.named_figures:
        lines.append(f"  names    {', '.join(quoted(n) for n in result.named_figures)}")
    return "".join(f"\n{line}" for line in lines)


def _citation(report: Report, item: CitationResult, number: int, count: int, source: Source | None,
              colour: bool) -> str:
    cite = item.citation
    ok = item.status is Status.VERIFIED
    status = paint(item.status.value, "green" if ok else "red", colour)
    lines = [f"quote {number} of {count} · '{cite.source}' · {status} · {report.claims_path}:{cite.line}:{cite.col}",
             f"  quote    {quoted(cite.quote, 400)}"]
    path = source_path(report, cite.source)
    if ok and source is not None:
        lines.extend(f"  edited   {describe_alteration(a)}" for a in item.alterations)
        lines.extend(f"  caution  {visible(statement)}"  # issue 15 §4
                     for statement in dict.fromkeys(c.statement for c in item.cautions))
        if item.pages:
            lines.append(f"  pages    {pin_cite(item.pages, labels=source.page_labels)}")
        folds = f" (folds: {', '.join(item.folds)})" if item.folds else ""
        parts = len(item.spans)
        for part, (span, line) in enumerate(zip(item.spans, item.lines, strict=False), 1):
            where = f"{path}:{line}{folds}"
            lines.append(f"  found    {where}" if parts == 1 else f"  part {part}   {where}")
            lines.extend(context(source, span, colour))
        if item.occurrences > 1:
            lines.append(f"  note     the quote occurs {item.occurrences} times in '{cite.source}'; "
                         "the first is shown")
        return "\n".join(lines)
    lines.append(f"  problem  {citation_problem(item)}")
    near = item.nearest
    if near is not None and source is not None:
        page = f", page {page_label(item.nearest_page, source.page_labels)}" if item.nearest_page else ""
        lines.append(f"  nearest  {path}:{item.nearest_line}{page} ({near.similarity:.0%} similar)")
        lines.extend(f"  differs  {change_text(change, colour)}" for change in near.changes)
        lines.extend(context(source, near.span, colour))
    for other in item.found_in:
        lines.append(f"  note     the exact quote is in '{other}' ({source_path(report, other)})")
    if item.elsewhere is not None:  # a close passage of another source (issue 15 §7)
        lines.append(f"  note     {did_you_mean(report, item.elsewhere)}")
        lines.extend(f"  differs  {change_text(change, colour)}" for change in item.elsewhere.nearest.changes)
    return "\n".join(lines)


def context(source: Source, span: Span, colour: bool = False) -> list[str]:
    """The lines of the source around `span`, numbered as in the file; `>` marks the passage's lines."""
    text = source.text
    lines = text.split("\n")
    if len(lines) > 1 and not lines[-1]:  # the newline that ends the text starts no line
        lines.pop()
    index = LineIndex(source)
    first = index.text_line(span.start)
    last = index.text_line(max(span.start, span.end - 1))
    low, high = max(0, first - CONTEXT), min(len(lines) - 1, last + CONTEXT)
    offset = sum(len(line) + 1 for line in lines[:low])
    rows: list[tuple[bool, int, str]] = []
    for number in range(low, high + 1):
        line = lines[number]
        inside = first <= number <= last
        if inside:
            start, end = max(span.start - offset, 0), min(span.end - offset, len(line))
            shown = _window(line, start, end, colour)
        else:
            shown = line if len(line) <= _LONG else line[:_LONG] + "…"
        rows.append((inside, index.shown_line(number, offset + (start if inside else 0)), shown))
        offset += len(line) + 1
    width = max(len(str(number)) for _, number, _ in rows)
    return [f"  {'>' if inside else ' '} {number:>{width}} | {shown}".rstrip() for inside, number, shown in rows]


def _window(line: str, start: int, end: int, colour: bool) -> str:
    """The passage within its line, cut to a window around it when the line is long."""
    left, right = max(0, start - _AROUND), min(len(line), end + _AROUND)
    if len(line) <= _LONG:
        left, right = 0, len(line)
    passage = line[start:end]
    if len(passage) > 4 * _AROUND:
        passage = passage[:2 * _AROUND] + " … " + passage[-2 * _AROUND:]
    return ("…" if left else "") + line[left:start] + paint(passage, "bold", colour) + line[end:right] + (
        "…" if right < len(line) else "")
