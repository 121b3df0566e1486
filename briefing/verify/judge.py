"""A claim's verdict from its citations' results (pure): status, unbacked figures, and the
figures still unbacked once failed quotes match their sources."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from briefing.models import CitationResult, Claim, ClaimResult, Elsewhere, Source, Status
from briefing.verify.backing import check_figures
from briefing.verify.edits import without_insertions
from briefing.verify.figures import Stated, read_stated

Key = tuple[str, int]  # (claim id, citation number)

# When citations fail for different reasons, the claim shows the one hardest to fix.
FAILURE_ORDER = (Status.UNKNOWN_SOURCE, Status.UNREADABLE_SOURCE, Status.NOT_FOUND, Status.MISQUOTED)


def matched_text(item: CitationResult, sources: Mapping[str, Source]) -> list[str]:
    """The source text each part of a verified quote matched: what the source vouches for.

    Issue 15 §2: figures are read here, never from the quote as typed, so the whitespace fold
    cannot make "1 613" (or "1⏎613") in the source back "1,613". An inserted clarification
    ("[in 2012]") lies between the parts, so it backs nothing (issue 7). A soft hyphen, which
    the fold drops and a reader does not see, is dropped here too.
    """
    if item.matched:  # taken where the source was read (issue 19)
        return list(item.matched)
    source = sources.get(item.citation.source)
    if source is None:
        return []
    return matched_spans(item, source)


def matched_spans(item: CitationResult, source: Source) -> list[str]:
    """`matched_text` sliced from the source's text."""
    return [source.text[span.start:span.end].replace("\u00ad", "") for span in item.spans]


def backing_texts(citations: Sequence[CitationResult], sources: Mapping[str, Source]) -> tuple[list[str], list[str]]:
    """What backs a text's figures: the source text the verified quotes matched; and, for the
    failed ones, what they would be once corrected. Beside a failed quote only the figures still
    unbacked once each quote matches its source are news: a misquoted one read as the passage
    it was taken from, any other as written. (A claim's text, and since issue 16 the sentences
    of briefing.md that cite it, are both checked against these.)"""
    verified = [text for r in citations if r.status is Status.VERIFIED for text in matched_text(r, sources)]
    corrected = [r.nearest.passage.replace("\u00ad", "") if r.status is Status.MISQUOTED and r.nearest
                 else without_insertions(r.citation.quote) for r in citations if r.status is not Status.VERIFIED]
    return verified, corrected


def judge_claim(claim: Claim, citations: tuple[CitationResult, ...], sources: Mapping[str, Source],
                names: Sequence[str] = (), stated: Stated | None = None) -> ClaimResult:
    """The claim's result: the hardest-to-fix failing status of its citations, else
    `figure_mismatch` when a figure of its text is backed by no verified quote (or a token of it
    is refused), else verified."""
    # What the claim's text states is read once, for both checks below (issue 18); a text that
    # states no figure needs nothing from its quotes (issue 19: most claims of a long briefing).
    stated = stated or read_stated(claim.text)
    verified, corrected = backing_texts(citations, sources) if stated.figures or stated.tokens else ([], [])
    figures = check_figures(claim.text, verified, claim.exempt_figures, names, stated)
    unquoted = (check_figures(claim.text, verified + corrected, claim.exempt_figures, names, stated)
                if (figures.unbacked or figures.unreadable) and corrected else figures)
    failing = {r.status for r in citations} - {Status.VERIFIED}
    if failing:
        status = next(s for s in FAILURE_ORDER if s in failing)
    elif figures.unbacked or figures.unreadable:
        status = Status.FIGURE_MISMATCH
    else:
        status = Status.VERIFIED
    # Refused tokens are listed as the unbacked figures beside a failed quote are: only those
    # still unbacked once the quotes match (with every quote verified, the two are the same).
    return ClaimResult(claim, status, citations, figures.unbacked,
                       tuple(f.text for f in figures.exempted), figures.unused_exemptions,
                       unquoted_figures=unquoted.unbacked, unreadable_figures=unquoted.unreadable,
                       named_figures=figures.named)


class Judge:
    """Judges each claim as soon as its citations are all known: as each worker's results come
    in, while others may still be working. Where a failed quote was found elsewhere comes last.

    Claims are kept by position, so even claims sharing an id (which the claims file refuses,
    but the API allows) each get a result, as they did when all were judged at the end.
    """

    def __init__(self, claims: Sequence[Claim], results: dict[Key, CitationResult],
                 sources: Mapping[str, Source], names: Sequence[str] = (), stated: Mapping[str, Stated] | None = None,
                 judged: Callable[[int, ClaimResult], None] | None = None):
        """`judged` is given each claim's place and result as it is judged (`finish` may
        change the result of a claim with a failed quote after)."""
        self.on_judged = judged
        self.claims = list(claims)
        self.stated = stated or {}  # what each claim text states, when read already
        self.sources = sources
        self.names = tuple(names)
        self.results = results  # the citations settled so far (unknown sources are from the start)
        self.judged: dict[int, ClaimResult] = {}
        self.positions: dict[str, list[int]] = {}  # claim id -> positions of the claims with it
        for n, claim in enumerate(self.claims):
            self.positions.setdefault(claim.id, []).append(n)
        self.unknown = [sum((claim.id, i) not in results for i in range(len(claim.citations)))
                        for claim in self.claims]
        for n, count in enumerate(self.unknown):
            if not count:
                self._judge(n)

    def add(self, results: Mapping[Key, CitationResult]) -> None:
        """One worker's citation results."""
        self.results.update(results)
        for key in results:
            for n in self._citing(key):
                self.unknown[n] -= 1
                if not self.unknown[n]:
                    self._judge(n)

    def finish(self, found_in: Mapping[Key, tuple[str, ...]],
               elsewhere: Mapping[Key, Elsewhere] | None = None) -> tuple[ClaimResult, ...]:
        """Every claim's result, in order, with where each failed quote was found elsewhere:
        exactly (`found_in`), or a close passage of another source (issue 15 §7). Neither
        changes a verdict."""
        elsewhere = elsewhere or {}
        for key in dict.fromkeys([*found_in, *elsewhere]):
            self.results[key] = replace(self.results[key], found_in=found_in.get(key, ()),
                                        elsewhere=elsewhere.get(key))
            for n in self._citing(key):
                self.judged[n] = replace(self.judged[n], citations=self._citations(n))
        return tuple(self.judged[n] for n in range(len(self.claims)))

    def _citing(self, key: Key) -> list[int]:
        """Positions of the claims whose citation this is."""
        return [n for n in self.positions.get(key[0], ()) if key[1] < len(self.claims[n].citations)]

    def _citations(self, n: int) -> tuple[CitationResult, ...]:
        claim = self.claims[n]
        return tuple(self.results[(claim.id, i)] for i in range(len(claim.citations)))

    def _judge(self, n: int) -> None:
        claim = self.claims[n]
        result = self.judged[n] = judge_claim(claim, self._citations(n), self.sources, self.names,
                                              self.stated.get(claim.text))
        if self.on_judged is not None:
            self.on_judged(n, result)
