"""Runs a check over worker processes: the sources split into shares of about equal work, each
worked in two phases by the pure core (`verify.quotes`) and the disagreement scan, then the
verdicts, disagreements, cautions and warnings (issue 18: the orchestration the core left).

No file I/O of its own; `parallel` forks, and the `Memo` handed in (the on-disk cache) may
keep what is derived from each source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import NamedTuple

from briefing.collector import paused
from briefing.disagree.compare import ClaimFigure, disagreements, settle
from briefing.disagree.compare import warnings as disagreement_warnings
from briefing.disagree.scan import Hit
from briefing.engine.parallel import Pool, cpu_count
from briefing.engine.share import Explain, First, Job, PutOff, Second, Share, Shown, without_text
from briefing.models import Briefing, Citation, CitationResult, Claim, ClaimResult, Report, Section, Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.text import NormalisedText
from briefing.verify.counts import Reading
from briefing.verify.elsewhere import closest
from briefing.verify.figures import Stated, read_stated
from briefing.verify.judge import Judge, Key
from briefing.verify.memo import NO_MEMO, Memo
from briefing.verify.quotes import Failed, Far, route
from briefing.verify.warnings import claim_warnings, warnings_ahead


def verify(briefing: Briefing, sources: Mapping[str, Source], sources_dir: str = "",
           settings: Settings = DEFAULT_SETTINGS, unreadable: Mapping[str, str] | None = None,
           cache: Memo = NO_MEMO, folded: Mapping[tuple[str, str], NormalisedText] | None = None) -> Report:
    """Verify all claims over sources read already; outcomes are data, never exceptions.

    `unreadable` maps the id of a source file whose text could not be read to the reason:
    its citations fail as such, never as "not found". Large source sets are worked by
    several processes (`parallel`), each folding and searching its share of the sources
    (`verify.quotes`), and scanning it for other values of the claims' figures (`disagree.scan`).
    With a `cache`, what a run derives from an unchanged source is not derived again;
    `folded` holds sources folded ahead (`verify.index.prefold`), not folded again.
    """
    cited: dict[str, int] = {}
    for claim in briefing.claims:
        for citation in claim.citations:
            cited[citation.source] = cited.get(citation.source, 0) + 1
    groups = partition({i: len(s.text) for i, s in sources.items()}, cited, settings)
    pool = Pool([Share(settings, cache, given={i: sources[i] for i in ids}, folded=folded) for ids in groups])
    done = False
    try:
        report = verify_shares(briefing, pool, groups, {i: without_text(s) for i, s in sources.items()},
                               sources_dir, settings, unreadable or {})
        done = True
    finally:
        pool.close(done)
    return replace(report, sources=tuple(sources.values()))


class Started(NamedTuple):
    """The shares' first call, sent (`start_shares`): for the claims of these sections."""

    sections: tuple[Section, ...]
    results: dict[Key, CitationResult]  # the citations settled before (unknown, unreadable sources)
    stated: dict[str, Stated]  # what each claim text states
    shares: int


def start_shares(sections: tuple[Section, ...], pool: Pool, groups: Sequence[Sequence[str]],
                 sources: Mapping[str, Source], unreadable: Mapping[str, str]) -> Started:
    """Send the shares their first call: match and explain the quotes of these sections'
    claims (`verify_shares` then judges them). Sent as soon as the claims are built, even
    before the claims file is checked (issue 19): see `claims.read.parse_claims`'s `early`."""
    claims = [claim for section in sections for claim in section.claims]
    keyed = {(claim.id, i): citation for claim in claims for i, citation in enumerate(claim.citations)}
    results, by_source = route(keyed, sources, unreadable)
    # What each claim's text states is read once, here: the workers read its figures in the
    # sources (`claim_figures`) and the judge checks them against the quotes (issue 18).
    # (Each text once: claims may share one.)
    stated = {text: read_stated(text) for text in dict.fromkeys(claim.text for claim in claims)}
    stating = [claim for claim in claims if stated[claim.text].figures]
    jobs = [_job(ids, by_source, keyed, stating, stated) for ids in groups]
    # (Their answers are read as they come, whatever this process does meanwhile: `listen`; and
    # a core kept for this process stays kept: `parent_busy`.)
    pool.send("first", jobs, listen=True, parent_busy=True)
    return Started(sections, results, stated, len(jobs))


def verify_shares(briefing: Briefing, pool: Pool, groups: Sequence[Sequence[str]], sources: Mapping[str, Source],
                  sources_dir: str, settings: Settings, unreadable: Mapping[str, str],
                  judged: Callable[[int, ClaimResult], None] | None = None, started: Started | None = None) -> Report:
    """Verify all claims over the sources the shares of `pool` hold (`groups`: their ids, share
    by share); `sources` are the same without their text (issue 19: the parent needs none).

    The shares match and explain their quotes and read the claims' figures where they matched;
    then look for every failed quote and for other values of those figures in their sources;
    then no call follows (`Pool.let_go`).
    The parent judges each claim as its quotes' results come in, then settles the
    disagreements (`disagree`) from the readings the shares made. `judged` is given each
    claim's place and result as it is judged, while the shares still match (the report's claim
    may be another result: a failed quote found elsewhere, a disagreement). `started`: the
    shares' first call, sent already for the briefing's sections (`start_shares`).
    """
    # The parent's part makes hundreds of thousands of objects and no cycles (results, verdicts,
    # the report): the collector would only walk them again and again (issue 19: 0.05 s of
    # 10,000 claims). The workers, forked before, keep theirs: a PDF's reader makes cycles.
    with paused():
        if started is None:
            started = start_shares(briefing.sections, pool, groups, sources, unreadable)
        elif started.sections is not briefing.sections:  # (never: `load_project` keeps them together)
            raise ValueError("the shares were started on other claims than the briefing's")
        return _verify_shares(briefing, pool, started, sources, sources_dir, settings, judged)


def _verify_shares(briefing: Briefing, pool: Pool, started: Started, sources: Mapping[str, Source],
                   sources_dir: str, settings: Settings, judged: Callable[[int, ClaimResult], None] | None = None
                   ) -> Report:
    """`verify_shares`, with the collector paused, once the shares are started."""
    every_claim = briefing.claims  # (made anew at each ask: asked once)
    results, stated = started.results, started.stated
    figures: list[ClaimFigure] = []
    shown: Shown = {}

    def between(checked: list[First]) -> tuple[Failed, list[Reading]]:
        # The figures claims state, read by each worker where its quotes matched (issue 7), in
        # briefing order whatever the split; each worker then looks for other values of them in
        # its own sources, beside the failed quotes (exact, and close for those far from
        # anything in their own source: issue 15 §7).
        order = {claim.id: i for i, claim in enumerate(every_claim)}
        figures.extend(sorted((f for first in checked for f in first.figures),
                              key=lambda f: (order[f.claim], f.citation, f.reading.span.start)))
        for first in checked:
            shown.update(first.shown)
        failed = {key: citation for first in checked for key, citation in first.failed.items()}
        return failed, [f.reading for f in figures]

    # Each claim is judged as its quotes' results come, while the shares still match (issue 19);
    # the judge is set up while they start.
    judge = Judge(every_claim, results, sources, [name.text for name in briefing.names], stated, judged)
    firsts: list[First] = pool.receive(partial=judge.add)
    failed, readings = between(firsts)
    # The failed quotes of large sources, explained by whichever share is free (issue 19).
    explaining = _Explaining([first.put_off for first in firsts], failed, judge, borrow=pool.forked)
    pool.spread("explain", explaining.next_for, explaining.answered)
    far_found = {key: wanted for first in firsts for key, wanted in first.far.items()} | explaining.far
    far = {key: far_found[key] for key in failed if key in far_found}  # (in the order of the quotes)
    pool.send("second", [(failed, far, readings)] * started.shares)
    # While the shares look, each claim's own warnings as it stands (taken for those it ends with).
    ahead = warnings_ahead(briefing.path, judge.judged, settings, also=disagreement_warnings)
    seconds: list[Second] = pool.receive()
    pool.let_go()  # (the shares' work is done: they end while the rest is settled here)
    found_in: dict[Key, list[str]] = {}
    read: dict[Hit, Reading | None] = {}
    for second in seconds:
        for key, source_ids in second.found_in.items():
            found_in.setdefault(key, []).extend(source_ids)
        read.update(second.readings)
        shown.update(second.shown)
    # A quote exact in another source needs no close passage there to be told misattributed.
    close = {key: near for key, near in closest(second.near for second in seconds).items() if key not in found_in}
    claims = judge.finish({key: tuple(sorted(source_ids)) for key, source_ids in found_in.items()}, close)
    # Where the sources disagree (issue 7): other sources' values for the figures claims state.
    settled = settle([f.reading for f in figures], [second.candidates for second in seconds], read)
    found = disagreements(figures, settled, claims, shown)
    claims = tuple(replace(c, disagreements=found[c.claim.id]) if c.claim.id in found else c for c in claims)
    # (What each verified quote's elisions and insertions may turn, issues 7 and 15 §4, the
    # shares attached to their results.)
    diagnostics = claim_warnings(briefing, claims, sources, settings, also=disagreement_warnings, ahead=ahead)
    return Report(briefing.path, sources_dir, claims, diagnostics, tuple(sources.values()))


def _job(ids: Sequence[str], by_source: Mapping[str, list[Key]], keyed: Mapping[Key, Citation],
         stating: Sequence[Claim], stated: Mapping[str, Stated]) -> Job:
    """What one share needs for `first`: only its own sources' citations, and the claims citing
    them whose texts state figures (`stating`; sent by pipe, since the share began before they
    were parsed)."""
    mine = {i: by_source[i] for i in ids if i in by_source}
    cited = {source_id: [(key[0], key[1], c.quote, c.line, c.col) for key in keys for c in (keyed[key],)]
             for source_id, keys in mine.items()}
    cited_here = {claim_id for keys in mine.values() for claim_id, _ in keys} if stating else set()
    claims = [claim for claim in stating if claim.id in cited_here]
    return cited, claims, {claim.text: stated[claim.text] for claim in claims}


# A share takes another's put-off source only for this many failed quotes or more: explaining
# them costs about as much as reading and folding the source again (measured on real text).
BORROW_MIN_QUOTES = 16
# ... and only if the source's text, counted three times (the text, its fold and the fold's
# offsets), takes at most this much memory (issue 19: a worker reading a 7-million-character
# changelog again, 4 bytes a character, took the peak of memory from 1.7x the corpus to 2x).
BORROW_MAX_BYTES = 32 * 2**20


class _Explaining:
    """Which share explains which put-off source next (issue 19): the largest first, each by its
    own share while that is free; a share with none of its own left reads the largest of
    another's that is worth it and not too large to hold twice. One whose file changed since
    goes back to its own share."""

    def __init__(self, put_off: Sequence[Sequence[PutOff]], failed: Failed, judge: Judge,
                 borrow: bool = True) -> None:
        """`borrow`: whether a share may take another's source (not where the shares are worked
        one after the other in one process: reading a file again would only cost time)."""
        self.waiting = sorted(((owner, task) for owner, tasks in enumerate(put_off) for task in tasks),
                              key=lambda item: (-len(item[1].failed) * item[1].size, item[1].source_id))
        self.borrow = borrow
        self.busy: set[int] = set()  # the shares explaining now
        self.own_only: set[str] = set()
        self.taken: dict[str, tuple[int, PutOff]] = {}  # by source id: its share, and the source
        self.failed = failed
        self.judge = judge
        self.far: Far = {}

    def next_for(self, share: int) -> Explain | None:
        mine = next((n for n, (owner, _) in enumerate(self.waiting) if owner == share), None)
        if mine is None:
            mine = next((n for n, (owner, task) in enumerate(self.waiting) if self._may_borrow(owner, task)), None)
        if mine is None:
            return None
        owner, task = self.waiting.pop(mine)
        self.taken[task.source_id] = (owner, task)
        self.busy.add(share)
        return Explain(task.source_id, task.file, task.text_key,
                       [(key, result, self.failed[key][1]) for key, result in task.failed])

    def _may_borrow(self, owner: int, task: PutOff) -> bool:
        # Never from a share that is free (it is asked next, and holds the text already); only
        # what is worth reading again, and small enough to hold twice (its text, fold and
        # offsets: about three times the text).
        return (self.borrow and owner in self.busy and task.file is not None and task.source_id not in self.own_only
                and len(task.failed) >= BORROW_MIN_QUOTES and 3 * task.size <= BORROW_MAX_BYTES)

    def answered(self, share: int, task: Explain, answer: tuple[dict[Key, CitationResult], Far] | None) -> None:
        self.busy.discard(share)
        if answer is None:  # the file changed since its own share read it: that share explains it
            self.own_only.add(task.source_id)
            self.waiting.insert(0, self.taken[task.source_id])
            return
        results, far = answer
        self.judge.add(results)
        self.far.update(far)


# In the split between workers a quote weighs as much as this many characters of source text:
# about what matching and explaining it costs beside reading, folding and scanning the text.
QUOTE_WEIGHT = 4096


def partition(sizes: Mapping[str, int], quotes: Mapping[str, int], settings: Settings,
              extra: int = 0) -> list[list[str]]:
    """Sources split into groups of about equal work (text size, and the quotes citing them,
    by source id), one group per worker; `extra` is work known only as a whole (the quotes of
    a claims file not parsed yet)."""
    weight = {i: size + 1 + QUOTE_WEIGHT * quotes.get(i, 0) for i, size in sizes.items()}
    # Whether to fork is judged by the same work, quotes included (issue 19): 10,000 quotes over
    # 10 MB took 1.4 s in one process and 0.93 s in two; text alone kept them in one.
    total = sum(weight.values()) + extra
    workers = settings.workers or (min(cpu_count(), 4) if total >= settings.parallel_min_bytes else 1)
    groups: list[list[str]] = [[] for _ in range(max(1, workers))]
    loads = [0] * len(groups)
    # Files of one size (most likely copies) weigh as many: each copy's quotes are matched and
    # explained in its text, which costs about as much as in another file of its size.
    units = [(sum(weight[i] for i in unit), unit) for unit in _same_sizes_together(sizes)]
    for unit_weight, unit in sorted(units, key=lambda unit: (-unit[0], unit[1])):
        lightest = loads.index(min(loads))
        groups[lightest].extend(unit)
        loads[lightest] += unit_weight
    # Each share's cited sources first: a worker folds its sources in this order while it waits
    # for the claims, and an uncited one may never need folding (issue 19).
    return [sorted(g, key=lambda i: (not quotes.get(i), -weight[i], i)) for g in groups if g] or [[]]


# Files at least this large with the same size go to one share, where copies of one file are
# held and searched once (`engine.share`): real text holds many (issue 19: 45 MB of the 200 MB
# corpus were further copies of 116 files, licences and changelogs). At most this many in a
# unit, so that many files of one size that are no copies still spread over the shares.
SAME_SIZE_MIN_BYTES = 64 * 1024
SAME_SIZE_MAX_FILES = 8


def _same_sizes_together(sizes: Mapping[str, int]) -> list[list[str]]:
    """The sources in units that go to one share each: the files of one size together (a copy
    has its file's size), a few at a time, each smaller file alone."""
    by_size: dict[int, list[str]] = {}
    units: list[list[str]] = []
    for source_id in sorted(sizes):
        if sizes[source_id] >= SAME_SIZE_MIN_BYTES:
            by_size.setdefault(sizes[source_id], []).append(source_id)
        else:
            units.append([source_id])
    for same in by_size.values():
        units += [same[i:i + SAME_SIZE_MAX_FILES] for i in range(0, len(same), SAME_SIZE_MAX_FILES)]
    return units
