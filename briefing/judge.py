"""A claim's verdict from its citations' results (pure): status, unbacked figures, and the
figures still unbacked once failed quotes match their sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from briefing.edits import source_words, without_insertions
from briefing.figures import check_figures
from briefing.models import CitationResult, Claim, ClaimResult, Status

Key = tuple[str, int]  # (claim id, citation number)

# When citations fail for different reasons, the claim shows the one hardest to fix.
FAILURE_ORDER = (Status.UNKNOWN_SOURCE, Status.UNREADABLE_SOURCE, Status.NOT_FOUND, Status.MISQUOTED)


def judge_claim(claim: Claim, citations: tuple[CitationResult, ...]) -> ClaimResult:
    """The claim's result: the hardest-to-fix failing status of its citations, else
    `figure_mismatch` when a figure of its text is backed by no verified quote, else verified."""
    # An inserted clarification is the author's, not the source's: it backs no figure (issue 7).
    verified_quotes = [source_words(r) for r in citations if r.status is Status.VERIFIED]
    figures = check_figures(claim.text, verified_quotes, claim.exempt_figures)
    # Beside a failed quote, the figures still unbacked once each quote matches its source: a
    # misquoted one read as the passage it was taken from, any other as written.
    corrected = [r.nearest.passage if r.status is Status.MISQUOTED and r.nearest
                 else without_insertions(r.citation.quote) for r in citations if r.status is not Status.VERIFIED]
    unquoted = (check_figures(claim.text, verified_quotes + corrected, claim.exempt_figures).unbacked
                if figures.unbacked and corrected else figures.unbacked)
    failing = {r.status for r in citations} - {Status.VERIFIED}
    if failing:
        status = next(s for s in FAILURE_ORDER if s in failing)
    elif figures.unbacked:
        status = Status.FIGURE_MISMATCH
    else:
        status = Status.VERIFIED
    return ClaimResult(claim, status, citations, figures.unbacked,
                       tuple(f.text for f in figures.exempted), figures.unused_exemptions,
                       unquoted_figures=unquoted)


class Judge:
    """Judges each claim as soon as its citations are all known: as each worker's results come
    in, while others may still be working. Where a failed quote was found elsewhere comes last."""

    def __init__(self, claims: Sequence[Claim], results: dict[Key, CitationResult]):
        self.claims = {claim.id: claim for claim in claims}
        self.results = results  # the citations settled so far (unknown sources are from the start)
        self.judged: dict[str, ClaimResult] = {}
        self.unknown = {claim.id: sum((claim.id, i) not in results for i in range(len(claim.citations)))
                        for claim in claims}
        for claim in claims:
            if not self.unknown[claim.id]:
                self._judge(claim)

    def add(self, results: Mapping[Key, CitationResult]) -> None:
        """One worker's citation results."""
        self.results.update(results)
        for claim_id, _ in results:
            self.unknown[claim_id] -= 1
            if not self.unknown[claim_id]:
                self._judge(self.claims[claim_id])

    def finish(self, found_in: Mapping[Key, tuple[str, ...]]) -> tuple[ClaimResult, ...]:
        """Every claim's result, in order, with where each failed quote was found elsewhere."""
        for key, source_ids in found_in.items():
            self.results[key] = replace(self.results[key], found_in=source_ids)
            claim = self.claims[key[0]]
            self.judged[claim.id] = replace(self.judged[claim.id], citations=self._citations(claim))
        return tuple(self.judged[claim_id] for claim_id in self.claims)

    def _citations(self, claim: Claim) -> tuple[CitationResult, ...]:
        return tuple(self.results[(claim.id, i)] for i in range(len(claim.citations)))

    def _judge(self, claim: Claim) -> None:
        self.judged[claim.id] = judge_claim(claim, self._citations(claim))
