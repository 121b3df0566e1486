"""One worker's share of a check (issue 19: read and fold in the workers, not in the parent).

A share reads its own source files (or is given sources read already), folds them, and keeps
them between the calls `engine.parallel.Pool` makes on it: `read`; `first` (match and explain
its quotes, handing over their results as they are settled, and read the figures of the claims
verified here); `explain` (the failed quotes of a large source, its own or another's, put off
in `first`); and `second` (look for every worker's failed quotes and for other values of the
claims' figures here). What it sends back
is what the later steps need and no more: sources without their text, the text each verified
quote matched, the cautions of its quotes, and each figure reading's passage and line. Only
`texts` sends whole texts, for a report that shows the sources (the reviewer's page, a build).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from briefing.diagnostics import Diagnostic
from briefing.disagree.compare import ClaimFigure, claim_figures, read_hits, shown_at
from briefing.disagree.scan import Candidates, Hit, candidates
from briefing.models import Caution, Citation, CitationResult, Claim, Source, Status
from briefing.settings import Settings
from briefing.sources import SourceFile, load_source
from briefing.sources.lock import text_sha256
from briefing.text import NormalisedText
from briefing.verify.cautions import citation_cautions
from briefing.verify.counts import Reading
from briefing.verify.elsewhere import Candidate
from briefing.verify.figures import Stated
from briefing.verify.index import SourceIndex, prefold
from briefing.verify.judge import Key, matched_spans
from briefing.verify.memo import Memo
from briefing.verify.quote import ParsedQuote
from briefing.verify.quotes import Failed, Far, check_quotes, explain_failed_quotes, search_elsewhere, texts_to_explain

# Seconds between the progress notices of a share reading its files.
_NOTICE_EVERY = 0.1
# What `read` gives back for each file, in the share's order: (source id, the source without
# its text or None when unreadable, the problems reading it, its text's hash for a lock or "").
Read = list[tuple[str, Source | None, tuple[Diagnostic, ...], str]]
# Each figure reading's passage and file line, as the report shows it (`disagree.shown_at`).
Shown = dict[Reading, tuple[str, int]]
# What each share gets for `first`: its sources' citations by source, each as (claim id, its
# place in the claim, quote, line, column); the claims citing its sources whose texts state
# figures, and what those texts state. (Plain tuples, not `Citation`s: the parent pickles them
# while the shares wait, three times faster: issue 19, 0.013 s of 10,000 claims.)
Cited = tuple[str, int, str, int, int]
Job = tuple[Mapping[str, list[Cited]], Sequence[Claim], Mapping[str, Stated]]


class PutOff(NamedTuple):
    """A source's failed quotes whose explanation a share put off (`first`)."""

    source_id: str
    text_key: tuple[str, str]  # `SourceIndex.text_key`
    size: int  # the bytes its text takes
    file: SourceFile | None  # None where the share was given its text
    failed: list[tuple[Key, CitationResult]]  # each failed quote's key, and result as matched


class First(NamedTuple):
    """What `first` answers: the failed quotes, those far from anything in their source, the
    figures of the claims verified here, the passages that show them, and the put-off sources."""

    failed: Failed
    far: Far
    figures: list[ClaimFigure]
    shown: Shown
    put_off: list[PutOff]


class Explain(NamedTuple):
    """What `explain` is given: a put-off source, and each failed quote's key, result as
    matched, and quote as parsed."""

    source_id: str
    file: SourceFile | None
    text_key: tuple[str, str]
    failed: list[tuple[Key, CitationResult, ParsedQuote]]


class Second(NamedTuple):
    """What `second` answers: the other sources holding each failed quote, the passages here
    close to the far ones, the disagreement candidates, how each reads, and their passages."""

    found_in: dict[Key, list[str]]
    near: dict[Key, list[Candidate]]
    candidates: list[Candidates]
    readings: dict[Hit, Reading | None]
    shown: Shown


# A source's failed quotes are explained in a later call, by whichever share is free, when
# that costs at least this much: quotes times characters of the source (each costs 0.3-3 ns;
# issue 19: three copies of a 7 MB changelog took one worker 1.8 s longer than the other).
PUT_OFF_MIN_WORK = 20_000_000
# Citation results a share sends at a time while it matches (`Share.deliver`): enough that
# the messages cost little, few enough that the parent judges while the share works.
_RESULTS_PER_BATCH = 256


def without_text(source: Source) -> Source:
    """The source as the parent keeps it: everything but its text."""
    return replace(source, text="")


class Share:
    def __init__(self, settings: Settings, memo: Memo, files: Sequence[SourceFile] = (),
                 given: Mapping[str, Source] | None = None,
                 folded: Mapping[tuple[str, str], NormalisedText] | None = None):
        self.settings = settings
        self.memo = memo
        self.files = list(files)
        self.sources: dict[str, Source] = dict(given or {})
        self.folded: dict[tuple[str, str], NormalisedText] = dict(folded or {})
        self.results: dict[Key, CitationResult] = {}
        self.index = SourceIndex(self.sources, memo, self.folded)
        self._files = {file.id: file for file in self.files}
        self.matching = False
        # Set by the pool: tells the parent of each file read (its size, for the progress bar);
        # hands the parent citation results as they are settled.
        self.notify: Callable[[Any], None] = lambda notice: None
        self.deliver: Callable[[dict[Key, CitationResult]], None] = lambda results: None

    def read(self, for_lock: bool = False) -> Read:
        """Read and hash each file of this share (issue 19: beside the claims file's parsing in
        the parent); `for_lock`: hash each text too (`sources.lock`)."""
        found: Read = []
        files, size, last = 0, 0, time.monotonic()
        texts: dict[tuple[str, str], str] = {}  # by `SourceIndex.key_of`
        for file in self.files:
            source, problems = load_source(file, self.settings)
            if source is not None:
                # A copy of a file read before holds that file's text object, not a second one
                # (issue 19: real text holds many; `partition` sends copies to one share).
                same = texts.setdefault(SourceIndex.key_of(source), source.text)
                if same is not source.text and same == source.text:
                    source = replace(source, text=same)
                self.sources[file.id] = source
            found.append((file.id, None if source is None else without_text(source), problems,
                          text_sha256(source.text) if for_lock and source is not None else ""))
            files, size = files + 1, size + _size(file.path)
            # A notice now and then, not one per file: a pipe holds 64 KB, and the parent reads
            # them only once it has parsed the claims file.
            if time.monotonic() - last >= _NOTICE_EVERY:
                self.notify((files, size))
                files, size, last = 0, 0, time.monotonic()
        if files:
            self.notify((files, size))
        return found

    def ahead(self) -> Iterator[None]:
        """Work the next call will need, a step at a time, for a worker waiting for it: until
        the claims are parsed, folding its sources (`prefold`). Any other source is folded
        when first needed, so one that no call needs (uncited, and the cache knows which other
        quotes it holds) is never folded (issue 19: a fifth of the real text, warm). After
        `first`, working ahead would only take a core from the parent or another worker."""
        return iter(()) if self.matching else prefold(self.sources, self.folded)

    def first(self, job: Job) -> First:
        """Match this share's quotes and explain those that fail; read the figures of the
        claims whose quotes matched here (issue 7). The results go to the parent as they are
        settled, a batch at a time (`deliver`), so that it judges the claims while the workers
        still match (issue 19: 0.15 s of 10,000 claims); between the phases it needs only the
        failed quotes, those far from anything in their source and the figures."""
        self.matching = True
        cited, claims, stated = job
        by_source = {source_id: [(claim_id, i) for claim_id, i, *_ in items] for source_id, items in cited.items()}
        keyed = {(claim_id, i): Citation(source_id, quote, line, col)
                 for source_id, items in cited.items() for claim_id, i, quote, line, col in items}
        batch: dict[Key, CitationResult] = {}

        def settled(results: dict[Key, CitationResult]) -> None:
            for key, result in results.items():
                self.results[key] = batch[key] = self._excerpts(result)
            if len(batch) >= _RESULTS_PER_BATCH:
                self.deliver(dict(batch))
                batch.clear()

        _, failed, far, later = check_quotes(self.index, by_source, keyed, self.settings, settled, self._put_off)
        if batch:
            self.deliver(batch)
        figures = claim_figures(claims, self.results, self.sources, stated)
        put_off = [PutOff(source_id, self.index.text_key(source_id), sys.getsizeof(self.sources[source_id].text),
                          self._files.get(source_id), failures) for source_id, failures in later.items()]
        return First(failed, far, figures, self._shown(f.reading for f in figures), put_off)

    def explain(self, task: Explain) -> tuple[dict[Key, CitationResult], Far] | None:
        """The failed quotes of one source that a share put off (`first`), explained: their
        results and those far from anything in the source. The source may be another share's:
        its file is read here then, and None is the answer if it changed since (issue 19)."""
        source_id, file, text_key, failed = task
        index = self.index if source_id in self.sources else self._borrow(source_id, file, text_key)
        if index is None:
            return None
        results, far = explain_failed_quotes(index, source_id, failed, self.settings)
        source = index.sources[source_id]
        return {key: self._excerpts(result, source) for key, result in results.items()}, far

    def _put_off(self, source_id: str, failed: list[ParsedQuote]) -> bool:
        """Whether explaining these failed quotes of a source is worth handing to whichever
        share is free: a large source, not explained already (the cache knows them)."""
        source = self.sources[source_id]
        if len(failed) * len(source.text) < PUT_OFF_MIN_WORK:
            return False
        texts = texts_to_explain(self.index, source_id, failed, self.settings)
        return bool(texts) and not self.memo.knows_nearest(source, texts, self.settings)

    def _borrow(self, source_id: str, file: SourceFile | None, text_key: tuple[str, str]) -> SourceIndex | None:
        """Another share's source, read here for one call and not kept (the parent hands over
        only sources small enough to hold twice: `engine.run.BORROW_MAX_BYTES`)."""
        source = load_source(file, self.settings)[0] if file is not None else None
        if source is None or SourceIndex.key_of(source) != text_key:
            return None
        return SourceIndex({source_id: source}, self.memo)

    def second(self, shared: tuple[Failed, Far, list[Reading]]) -> Second:
        """Where each failed quote is found in this share's sources, the passages here close to
        the quotes far from anything in their own, the passages here that may disagree with the
        figures, each read in full, and how each reads."""
        failed, far, wanted = shared
        hits, near = search_elsewhere(failed, far, self.index, self.settings)
        found = candidates(wanted, self.sources, self.memo)
        readings = read_hits(found, self.sources)
        self.memo.flush()
        return Second(hits, near, found, readings, self._shown(r for r in readings.values() if r is not None))

    def texts(self, _: object = None) -> dict[str, Source]:
        """This share's sources, text and all."""
        return self.sources

    def _excerpts(self, result: CitationResult, source: Source | None = None) -> CitationResult:
        """The result with what the parent would otherwise read in the source's text: the text
        each span matched (for the judge) and the cautions of its edits (issues 7, 15 §4)."""
        if result.status is not Status.VERIFIED:
            return result  # (nothing matched, so nothing to take and no edit to caution about)
        source = source or self.sources[result.citation.source]
        return with_excerpts(result, tuple(matched_spans(result, source)), citation_cautions(result, source))

    def _shown(self, readings: Any) -> Shown:
        return {r: shown_at(r, self.sources[r.source]) for r in readings}


def with_excerpts(result: CitationResult, matched: tuple[str, ...], cautions: tuple[Caution, ...]) -> CitationResult:
    """`dataclasses.replace(result, matched=matched, cautions=cautions)`, without its work field
    by field (issue 19: 5,000 results a worker, 0.02 s): the same fields, two of them new."""
    copy = object.__new__(CitationResult)
    copy.__dict__.update(result.__dict__, matched=matched, cautions=cautions)
    return copy


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # load_source reports it
        return 0
