"""Runs a check over worker processes: the sources split into shares of about equal work, each
worked in two phases by the pure core (`verify.quotes`) and the disagreement scan, then the
verdicts, disagreements, cautions and warnings (issue 18: the orchestration the core left).

No file I/O of its own; `parallel` forks, and the `Memo` handed in (the on-disk cache) may
keep what is derived from each source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from briefing.disagree.compare import ClaimFigure, claim_figures, disagreements, settle
from briefing.disagree.compare import warnings as disagreement_warnings
from briefing.disagree.scan import Candidates, candidates
from briefing.engine.parallel import cpu_count, run_two_phase
from briefing.models import Briefing, Citation, CitationResult, Claim, Report, Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText
from briefing.verify.cautions import with_cautions
from briefing.verify.counts import Reading
from briefing.verify.elsewhere import Candidate, closest
from briefing.verify.figures import Stated, read_stated
from briefing.verify.index import SourceIndex
from briefing.verify.judge import Judge, Key
from briefing.verify.memo import NO_MEMO, Memo
from briefing.verify.quotes import Failed, Far, check_quotes, route, search_elsewhere
from briefing.verify.warnings import claim_warnings


def verify(briefing: Briefing, sources: Mapping[str, Source], sources_dir: str = "",
           settings: Settings = DEFAULT_SETTINGS, unreadable: Mapping[str, str] | None = None,
           cache: Memo = NO_MEMO, folded: Mapping[tuple[str, str], NormalisedText] | None = None) -> Report:
    """Verify all claims; outcomes are data, never exceptions.

    `unreadable` maps the id of a source file whose text could not be read to the reason:
    its citations fail as such, never as "not found". Large source sets are worked by
    several processes (`parallel`), each folding and searching its share of the sources
    (`verify.quotes`), and scanning it for other values of the claims' figures (`disagree.scan`).
    With a `cache`, what a run derives from an unchanged source is not derived again;
    `folded` holds sources folded ahead (`verify.index.prefold`), not folded again.
    """
    keyed = {(claim.id, i): citation for claim in briefing.claims
             for i, citation in enumerate(claim.citations)}
    results, by_source = route(keyed, sources, unreadable or {})
    # What each claim's text states is read once, here: the workers read its figures in the
    # sources (`claim_figures`) and the judge checks them against the quotes (issue 18).
    # (Each text once: claims may share one.)
    stated = {text: read_stated(text) for text in dict.fromkeys(claim.text for claim in briefing.claims)}
    groups = [_Worker(ids, sources, {s: by_source[s] for s in ids if s in by_source}, keyed, briefing.claims,
                     settings, cache, stated, folded or {})
              for ids in _partition(sources, {s: len(keys) for s, keys in by_source.items()}, settings)]
    figures: list[ClaimFigure] = []

    def between(checked: list[tuple[Failed, Far, list[ClaimFigure]]]) -> tuple[Failed, Far, list[Reading]]:
        # The figures claims state, read by each worker where its quotes matched (issue 7), in
        # briefing order whatever the split; each worker then looks for other values of them in
        # its own sources, beside the failed quotes (exact, and close for those far from
        # anything in their own source: issue 15 §7).
        order = {claim.id: i for i, claim in enumerate(briefing.claims)}
        figures.extend(sorted((f for _, _, found in checked for f in found),
                              key=lambda f: (order[f.claim], f.citation, f.reading.span.start)))
        failed = {key: citation for group_failed, _, _ in checked for key, citation in group_failed.items()}
        far = {key: wanted for _, group_far, _ in checked for key, wanted in group_far.items()}
        return failed, far, [f.reading for f in figures]

    judge = Judge(briefing.claims, results, sources, [name.text for name in briefing.names], stated)
    _, seconds = run_two_phase(groups, between, lambda answer: judge.add(answer[0]))
    found_in: dict[Key, list[str]] = {}
    for _, hits, _, _ in seconds:
        for key, source_ids in hits.items():
            found_in.setdefault(key, []).extend(source_ids)
    # A quote exact in another source needs no close passage there to be told misattributed.
    close = {key: near for key, near in closest(near for _, _, near, _ in seconds).items() if key not in found_in}
    claims = judge.finish({key: tuple(sorted(source_ids)) for key, source_ids in found_in.items()}, close)
    # Where the sources disagree (issue 7): other sources' values for the figures claims state.
    found = disagreements(figures, settle([f.reading for f in figures], [c for _, _, _, c in seconds], sources),
                          claims, sources)
    claims = tuple(replace(c, disagreements=found[c.claim.id]) if c.claim.id in found else c for c in claims)
    # What each verified quote's elisions and insertions may turn (issues 7 and 15 §4).
    claims = tuple(with_cautions(c, sources) for c in claims)
    diagnostics = claim_warnings(briefing, claims, sources, settings, also=disagreement_warnings)
    return Report(briefing.path, sources_dir, claims, diagnostics, tuple(sources.values()))


# In the split between workers a quote weighs as much as this many characters of source text:
# about what matching and explaining it costs beside reading, folding and scanning the text.
_QUOTE_WEIGHT = 4096


def _partition(sources: Mapping[str, Source], quotes: Mapping[str, int], settings: Settings) -> list[list[str]]:
    """Sources split into groups of about equal work (text size, and the quotes citing them,
    by source id), one group per worker."""
    weight = {i: len(s.text) + 1 + _QUOTE_WEIGHT * quotes.get(i, 0) for i, s in sources.items()}
    # Whether to fork is judged by the same work, quotes included (issue 19): 10,000 quotes over
    # 10 MB took 1.4 s in one process and 0.93 s in two; text alone kept them in one.
    total = sum(weight.values())
    workers = settings.workers or (min(cpu_count(), 4) if total >= settings.parallel_min_bytes else 1)
    groups: list[list[str]] = [[] for _ in range(max(1, workers))]
    loads = [0] * len(groups)
    for source_id in sorted(sources, key=lambda i: (-weight[i], i)):
        lightest = loads.index(min(loads))
        groups[lightest].append(source_id)
        loads[lightest] += weight[source_id]
    return [g for g in groups if g] or [[]]


class _Worker:
    """One worker's share: its sources, folded once, and the quotes that cite them; its two
    phases are the pure core's (`verify.quotes`) and the disagreement scan's (issue 7)."""

    def __init__(self, source_ids: list[str], sources: Mapping[str, Source],
                 by_source: Mapping[str, list[Key]], keyed: Mapping[Key, Citation], claims: Sequence[Claim],
                 settings: Settings, memo: Memo, stated: Mapping[str, Stated],
                 folded: Mapping[tuple[str, str], NormalisedText]):
        self.index = SourceIndex({i: sources[i] for i in source_ids}, memo, folded)
        self.stated = stated
        self.by_source = by_source
        self.keyed = keyed
        self.claims = claims
        self.settings = settings
        self.results: dict[Key, CitationResult] = {}

    def first(self) -> tuple[Failed, Far, list[ClaimFigure]]:
        """Match this share's quotes and explain those that fail; read the figures of the
        claims whose quotes matched here (issue 7). Between the phases the parent needs only
        the failed quotes, those far from anything in their source and the figures: the
        results wait for `second`, so the workers are not kept waiting while the parent
        unpickles them (0.4 s on the bench)."""
        results, failed, far = check_quotes(self.index, self.by_source, self.keyed, self.settings)
        cited_here = {claim_id for claim_id, _ in results}
        claims = [claim for claim in self.claims if claim.id in cited_here]
        self.results = results
        return failed, far, claim_figures(claims, results, self.index.sources, self.stated)

    def second(self, shared: tuple[Failed, Far, list[Reading]]
               ) -> tuple[dict[Key, CitationResult], dict[Key, list[str]], dict[Key, list[Candidate]],
                          list[Candidates]]:
        """This share's results from `first`, where each failed quote is found in its sources,
        the passages here close to the quotes far from anything in their own, and the passages
        here that may disagree with the figures."""
        failed, far, wanted = shared
        found = (self.results, *search_elsewhere(failed, far, self.index, self.settings),
                 candidates(wanted, self.index.sources, self.index.memo))
        self.index.memo.flush()
        return found
