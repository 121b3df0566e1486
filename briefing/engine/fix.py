"""Plans `briefing fix`: each failing quote repaired from its source, or the reason it is left
(reads nothing itself: a loaded project and its report in, the claims file's new text out;
issue 17 §4).

Which quotes may be repaired, and by what text, is `verify.repair`'s rule; the claims file is
edited in place by `claims.edit`. Before a repair is offered, the edited file is parsed and
checked again, and a repair whose quote would not verify is withdrawn with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import yaml

from briefing.claims.edit import replace_scalars
from briefing.claims.read import parse_claims
from briefing.diagnostics import Severity
from briefing.engine.project import Project, check_project
from briefing.models import Citation, CitationResult, Report, Status
from briefing.text import normalise
from briefing.verify.repair import Refusal, Repair, propose


@dataclass(frozen=True)
class Proposal:
    """One failing quote: its repair, or why it is left (`repair` None, `reason` given)."""

    claim_id: str
    index: int  # the citation's place in its claim (0-based)
    citation: Citation
    repair: Repair | None = None
    reason: str = ""


@dataclass(frozen=True)
class FixPlan:
    proposals: tuple[Proposal, ...]
    text: str  # the claims file as read (its BOM, if any, removed)
    fixed: str  # the claims file with every repair made

    @property
    def repairs(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.repair is not None)

    @property
    def left(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.repair is None)


def _failing(report: Report) -> list[tuple[str, int, CitationResult]]:
    return [(result.claim.id, index, item) for result in report.claims
            for index, item in enumerate(result.citations) if item.status is not Status.VERIFIED]


def propose_all(project: Project, report: Report) -> list[Proposal]:
    """A proposal for every failing quote of the report, in claim order."""
    folded = {}
    proposals: list[Proposal] = []
    for claim_id, index, item in _failing(report):
        source = project.sources.get(item.citation.source)
        if source is None:
            proposals.append(Proposal(claim_id, index, item.citation, reason=f"its status is {item.status.value}: "
                                      "there is no source text to take the quote from"))
            continue
        if source.id not in folded:
            folded[source.id] = normalise(source.text)
        found = propose(item, source, folded[source.id])
        if isinstance(found, Repair):
            proposals.append(Proposal(claim_id, index, item.citation, found))
        elif isinstance(found, Refusal):
            proposals.append(Proposal(claim_id, index, item.citation, reason=found.reason))
    return proposals


def plan(project: Project, report: Report, text: str) -> FixPlan:
    """Every repair the rule allows that also verifies once written into `text` (the claims file)."""
    proposals = propose_all(project, report)
    for _ in range(2):  # a withdrawn repair changes nothing else: the second pass only confirms
        fixed, missing = _apply(text, proposals)
        withdrawn = _not_verifying(project, fixed, proposals, str(project.claims_path)) | {
            (p.claim_id, p.index) for p in proposals if (p.citation.line, p.citation.col) in missing}
        if not withdrawn:
            return FixPlan(tuple(proposals), text, fixed)
        proposals = [replace(p, repair=None, reason="the source's text would not verify in its place; fix it by hand")
                     if p.repair is not None and (p.claim_id, p.index) in withdrawn else p
                     for p in proposals]
    return FixPlan(tuple(proposals), text, _apply(text, proposals)[0])


def _apply(text: str, proposals: list[Proposal]) -> tuple[str, tuple[tuple[int, int], ...]]:
    values = {(p.citation.line, p.citation.col): p.repair.quote for p in proposals if p.repair is not None}
    if not values:
        return text, ()
    try:
        return replace_scalars(text, values)
    except yaml.YAMLError:
        return text, tuple(values)


def _not_verifying(project: Project, fixed: str, proposals: list[Proposal], path: str) -> set[tuple[str, int]]:
    """The repaired citations, by (claim id, index), that would not verify in the edited file
    (all of them if it would not parse). A repair may move the lines below it (a block scalar
    becomes one line), so citations are known by their claim and place, not their line."""
    repaired = {(p.claim_id, p.index) for p in proposals if p.repair is not None}
    if not repaired:
        return set()
    briefing, diagnostics = parse_claims(fixed, path)
    if briefing is None or any(d.severity is Severity.ERROR for d in diagnostics):
        return repaired
    again = check_project(replace(project, briefing=briefing))
    verified = {(result.claim.id, index) for result in again.claims for index, item in enumerate(result.citations)
                if item.status is Status.VERIFIED}
    return repaired - verified
