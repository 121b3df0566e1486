"""Where the sources disagree: other sources giving a claim's figures another value (pure).

Issue 7. For each figure a claim's text states, read where its verified quote sits in the
cited source (`counts.read`), look in every other source for a passage counting the same
quantity with another value (`counts.score`), and report it as a warning on the claim. It never
fails a claim by itself; `check --strict` makes it an error.

The search has two steps so that it stays fast on large corpora: `scan.candidates` finds, in
one pass over each source, the passages worth reading (`engine.run` runs it in its workers, beside
the search for failed quotes), each worker reads its own in full (`read_hits`), and `settle`
weighs them all in one place, so the answer does not depend on how the sources were split
between workers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.diagnostics import FIGURE_DISAGREEMENT, Diagnostic, Location, Severity
from briefing.disagree.scan import UNANCHORED_CAP, Candidates, Hit
from briefing.models import CitationResult, Claim, ClaimResult, Disagreement, Figure, FigureReading, Source, Status
from briefing.text import LineIndex
from briefing.verify.counts import Reading, read, score
from briefing.verify.figures import Stated, find_figures

CODE = FIGURE_DISAGREEMENT
# How much of a source's sentence the report and the appendix quote.
_PASSAGE = 320


def settle(wanted: Sequence[Reading], found: Sequence[Sequence[Candidates]],
           read: Mapping[Hit, Reading | None]) -> list[list[tuple[float, Reading]]]:
    """Keep the candidates that score, the best per source and value, each read in full by the
    worker holding its source (`read_hits`: the parent holds no source's text, issue 19).

    `found` holds each group's `candidates`; the cap on unanchored candidates applies to their
    total, so the answer does not depend on how the sources were split between workers.
    """
    first_at: dict[tuple[str, int], Hit] = {}  # a place is read as the first hit there says
    results: list[list[tuple[float, Reading]]] = []
    for i, reading in enumerate(wanted):
        hits = [h for group in found for h in group[i].anchored]
        if sum(group[i].unanchored_count for group in found) <= UNANCHORED_CAP:
            hits += [h for group in found for h in group[i].unanchored]
        best: dict[tuple[str, str], tuple[float, Reading]] = {}
        for hit in hits:
            other = read[first_at.setdefault(hit[:2], hit)]
            if other is None:  # (no figure read there: it scores nothing)
                continue
            value = score(reading, other)
            slot = (hit[0], other.value)
            if value and (slot not in best or value > best[slot][0]):
                best[slot] = (value, other)
        results.append(sorted(best.values(), key=lambda x: (x[1].source, x[1].span.start)))
    return results


def read_hits(found: Sequence[Candidates], sources: Mapping[str, Source]) -> dict[Hit, Reading | None]:
    """Each candidate of one group's `candidates` that `settle` may read, read in full here,
    where its source is: every anchored one, and the unanchored ones unless this group alone
    has more than the cap (the total then has too)."""
    read: dict[Hit, Reading | None] = {}
    for group in found:
        hits = [*group.anchored, *(group.unanchored if group.unanchored_count <= UNANCHORED_CAP else ())]
        for hit in hits:
            if hit not in read:
                read[hit] = _read_hit(sources[hit[0]].text, hit)
    return read


def _read_hit(text: str, hit: Hit) -> Reading | None:
    source_id, start, end = hit[0], hit[1], hit[2]
    figures = [f for f in find_figures(text[start:end]) if f.start == 0]
    return read(source_id, text, Figure(figures[0].text, figures[0].value, figures[0].unit, start,
                                        start + figures[0].end, figures[0].ordinal)) if figures else None


# --- claims ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimFigure:
    claim: str
    citation: int
    reading: Reading


def claim_figures(claims: Sequence[Claim], results: Mapping[tuple[str, int], CitationResult],
                  sources: Mapping[str, Source], stated: Mapping[str, Stated] | None = None) -> list[ClaimFigure]:
    """Each figure a claim's text states, read where its verified quote sits in the cited source.

    Only the figures the claim relies on: a number that merely sits inside a quote is not the
    claim's. `results` holds each citation's result by (claim id, citation number); `stated`
    what each claim text states, when read already (issue 18).
    """
    stated = stated or {}
    found: list[ClaimFigure] = []
    for claim in claims:
        known = stated.get(claim.text)
        values = {(f.value, f.unit) for f in (known.figures if known else find_figures(claim.text))}
        if not values:
            continue
        for index in range(len(claim.citations)):
            item = results.get((claim.id, index))
            source = sources.get(item.citation.source) if item else None
            if item is None or item.status is not Status.VERIFIED or source is None:
                continue
            for span in item.spans:
                for f in find_figures(source.text[span.start:span.end]):
                    if (f.value, f.unit) not in values:
                        continue
                    figure = Figure(f.text, f.value, f.unit, span.start + f.start, span.start + f.end,
                                    f.ordinal)
                    reading = read(source.id, source.text, figure)
                    if reading is not None:
                        found.append(ClaimFigure(claim.id, index, reading))
    return found


def disagreements(figures: Sequence[ClaimFigure], settled: Sequence[Sequence[tuple[float, Reading]]],
                  claims: Sequence[ClaimResult], shown: Mapping[Reading, tuple[str, int]]
                  ) -> dict[str, tuple[Disagreement, ...]]:
    """Disagreements by claim id, from each claim figure's settled readings in other sources."""
    results = {r.claim.id: r for r in claims}
    by_claim: dict[str, list[Disagreement]] = {}
    for figure, others in zip(figures, settled):
        if not others:
            continue
        quoted = [(c.citation.source, c.spans) for c in results[figure.claim].citations
                  if c.status is Status.VERIFIED]
        # The claim acknowledges a disagreement when it quotes the other source's passage itself.
        acknowledged = all(any(source == o.source and any(s.start <= o.span.start < s.end for s in spans)
                               for source, spans in quoted) for _, o in others)
        by_claim.setdefault(figure.claim, []).append(Disagreement(
            figure.citation, reading_of(figure.reading, shown),
            tuple(reading_of(o, shown) for _, o in others), acknowledged))
    return {claim: tuple(found) for claim, found in by_claim.items()}


def reading_of(reading: Reading, shown: Mapping[Reading, tuple[str, int]]) -> FigureReading:
    """The reading as the report gives it, with its passage and line (`shown_at`, worked out by
    the worker holding its source)."""
    passage, line = shown[reading]
    return FigureReading(reading.source, reading.noun, reading.value, reading.unit, reading.span, line, passage)


def shown_at(reading: Reading, source: Source) -> tuple[str, int]:
    """The passage the report quotes around a reading, and the file line where it stands."""
    text = source.text
    passage = " ".join(text[reading.sentence.start:reading.sentence.end].split())
    if len(passage) > _PASSAGE:
        at = passage.find(reading.noun) if reading.noun in passage else 0
        begin = max(0, at - _PASSAGE // 2)
        passage = ("\u2026" if begin else "") + passage[begin:begin + _PASSAGE].strip() + "\u2026"
    return passage, LineIndex(source).line(reading.span.start)


def warnings(claims_path: str, result: ClaimResult) -> list[Diagnostic]:
    """A warning for each figure of the claim that other sources give differently, unless the
    claim quotes those other passages itself."""
    found: list[Diagnostic] = []
    for disagreement in result.disagreements:
        if disagreement.acknowledged:
            continue
        citation = result.claim.citations[disagreement.citation]
        figure = disagreement.figure
        others = "; ".join(f"\u201c{o.text}\u201d ({o.source}, line {o.line})" for o in disagreement.others)
        found.append(Diagnostic(
            CODE, f"claim '{result.claim.id}': \u201c{figure.text}\u201d ({figure.source}, line "
            f"{figure.line}); other sources differ: {others}",
            Location(claims_path, citation.line, citation.col),
            "check which figure is right; cite the other sources' figure too, or say why they differ",
            Severity.WARNING))
    return found


# --- for reports and the rendered appendix ------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """One quantity the sources give different values for: every reading of it, and the claims."""

    readings: tuple[FigureReading, ...]  # by value, then source and place
    claims: tuple[str, ...]  # ids of the claims whose figures it is, in briefing order

    @property
    def values(self) -> list[tuple[str, list[FigureReading]]]:
        """(value, readings) for each value, in order of first appearance in `readings`."""
        grouped: dict[str, list[FigureReading]] = {}
        for reading in self.readings:
            grouped.setdefault(reading.value, []).append(reading)
        return list(grouped.items())


def quantities(claims: Sequence[ClaimResult]) -> list[Quantity]:
    """Every disagreement of the briefing, one entry per quantity (readings linked by them)."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(key: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    readings: dict[tuple[str, int], FigureReading] = {}
    claimed: dict[tuple[str, int], list[str]] = {}
    for result in claims:
        for disagreement in result.disagreements:
            mine = (disagreement.figure.source, disagreement.figure.span.start)
            readings[mine] = disagreement.figure
            claimed.setdefault(mine, []).append(result.claim.id)
            for other in disagreement.others:
                theirs = (other.source, other.span.start)
                readings[theirs] = other
                parent[root(theirs)] = root(mine)
    groups: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for key in readings:
        groups.setdefault(root(key), []).append(key)
    order = {claim.claim.id: i for i, claim in enumerate(claims)}
    found: list[Quantity] = []
    for members in groups.values():
        ids = sorted({c for key in members for c in claimed.get(key, [])}, key=order.__getitem__)
        first: dict[str, int] = {}
        for key in members:  # values in the order the claims state them, then the others
            first.setdefault(readings[key].value, len(first) if key in claimed else 10**6 + len(first))
        ordered = sorted(members, key=lambda k: (first[readings[k].value], k))
        found.append(Quantity(tuple(readings[k] for k in ordered), tuple(ids)))
    found.sort(key=lambda q: order[q.claims[0]] if q.claims else 0)
    return found
