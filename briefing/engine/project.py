"""Loads a briefing project from disk: claims file plus sources folder (the I/O edge)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.claims.read import load_claims
from briefing.diagnostics import DOCUMENT_METADATA, FIGURE_UNUSED_NAME, Diagnostic, Location, Severity
from briefing.document import DOCUMENT_NAME
from briefing.engine.cache import NO_CACHE, SourceCache
from briefing.engine.parallel import Pool, run_beside
from briefing.engine.run import QUOTE_WEIGHT, Started, partition, start_shares, verify, verify_shares
from briefing.engine.share import Read, Share
from briefing.models import Briefing, ClaimResult, Report, Section, Source
from briefing.settings import DEFAULT_SETTINGS, Settings
from briefing.sources import SourceSet, load_source, scan_sources
from briefing.sources.lock import LockState, load_lock_state
from briefing.text import NormalisedText
from briefing.verify.index import prefold

if TYPE_CHECKING:  # (briefing.md's modules are imported only for a project that has one: issue 19)
    from briefing.document.read import ProseDocument


@dataclass(frozen=True)
class Project:
    briefing: Briefing | None
    sources: dict[str, Source]
    diagnostics: tuple[Diagnostic, ...]
    claims_path: Path
    sources_dir: Path
    # Source files whose text could not be read: their citations fail, the rest is checked.
    unreadable: dict[str, Diagnostic] = field(default_factory=dict)
    # sources.lock beside the sources as they are now (issue 4); None: not asked for.
    lock: LockState | None = None
    # Sources folded while the claims file was still being parsed (`verify.index.prefold`): work
    # done ahead, not part of what was loaded, so two loads of the same files compare equal.
    folded: dict[tuple[str, str], NormalisedText] = field(default_factory=dict, compare=False, repr=False)
    # briefing.md beside the claims file, read by pandoc (issue 16); None: the claims are the briefing.
    document: ProseDocument | None = None
    # With `load_project(..., in_workers=True)`: the workers holding the sources, whose texts
    # `sources` then leave out (issue 19); `check_project` checks with them, once.
    workers: Workers | None = field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)


@dataclass(frozen=True)
class Workers:
    """The shares that read the sources (`engine.share`), and their source ids share by share."""

    pool: Pool
    groups: list[list[str]]
    cache: SourceCache
    # Their first call, sent while the claims file was still being checked (issue 19), if it was.
    started: Started | None = None


# Called after each source file: (files done, files in all, bytes done, bytes in all).
Progress = Callable[[int, int, int, int], None]
# Below this a claims file parses in a few milliseconds, less than starting a process takes
# (the bench's 10,000 claims, 2.4 MB, take about 0.8 s).
_PARSE_BESIDE_MIN_BYTES = 1024 * 1024
# Bytes of a claims file per quote, about (the bench's: 240), to weigh quotes not parsed yet.
_CLAIMS_BYTES_PER_QUOTE = 256


def load_project(claims_path: Path, sources_dir: Path,
                 settings: Settings = DEFAULT_SETTINGS, progress: Progress | None = None,
                 lock_path: Path | None = None, in_workers: bool = False, cache: SourceCache = NO_CACHE) -> Project:
    """Read everything once; every problem is collected, none is raised.

    With `lock_path`, the lock there (if any) is read and the sources are snapshotted for it.
    With `in_workers`, the sources are read, hashed and folded by the workers that will check
    them (with `cache`), while the claims file is parsed here, and the project's sources come
    without their text (issue 19); `check_project` then checks with those workers.
    """
    if in_workers:
        return _load_in_workers(claims_path, sources_dir, settings, progress, lock_path, cache)
    document_path = claims_path.with_name(DOCUMENT_NAME)
    prose = document_path.is_file()

    def claims() -> tuple[Briefing | None, tuple[Diagnostic, ...]]:
        return load_claims(claims_path, settings, prose)

    def read_sources() -> tuple[SourceSet, dict[str, Source], list[Diagnostic], dict[str, Diagnostic]]:
        return _read_sources(sources_dir, settings, progress)

    # A large claims file is parsed in a child while the sources are read here, and then folded
    # until the claims come (issue 19: 10,000 claims take 0.6 s, 10 MB of sources 0.1 s to read).
    folded: dict[tuple[str, str], NormalisedText] = {}
    if _size(claims_path) >= _PARSE_BESIDE_MIN_BYTES:
        (briefing, claim_diagnostics), (listing, sources, problems, unreadable) = run_beside(
            claims, read_sources, lambda read: prefold(read[1], folded))
    else:
        (briefing, claim_diagnostics), (listing, sources, problems, unreadable) = claims(), read_sources()
    briefing, document, document_problems = _load_document(briefing, document_path, prose)
    diagnostics = (*claim_diagnostics, *document_problems, *listing.diagnostics, *problems)
    lock = load_lock_state(lock_path, listing.files, sources) if lock_path is not None else None
    return Project(briefing, sources, diagnostics, claims_path, sources_dir, unreadable, lock, folded, document)


def _load_document(briefing: Briefing | None, document_path: Path, prose: bool
                   ) -> tuple[Briefing | None, ProseDocument | None, tuple[Diagnostic, ...]]:
    if not prose:
        return briefing, None, ()
    from briefing.document.read import load_document

    document, document_problems = load_document(document_path)
    if briefing is not None and document is not None:
        briefing, metadata_problems = _with_metadata(briefing, document)
        document_problems += metadata_problems
    return briefing, document, document_problems


def _load_in_workers(claims_path: Path, sources_dir: Path, settings: Settings, progress: Progress | None,
                     lock_path: Path | None, cache: SourceCache) -> Project:
    """`load_project` with the sources read by the workers that check them (issue 19)."""
    listing = scan_sources(sources_dir)
    sizes = {source_id: _size(file.path) for source_id, file in listing.files.items()}
    # The quotes weigh in the split before they are parsed: counted by their `source:` lines
    # (an estimate: it only shares out the work; a report never depends on the split).
    cited = _cited(claims_path, settings)
    uncounted = max(0, _size(claims_path) // _CLAIMS_BYTES_PER_QUOTE - sum(cited.values()))
    groups = partition(sizes, cited, settings, extra=QUOTE_WEIGHT * uncounted)
    total, done = sum(sizes.values()), [0, 0]

    def on_notice(notice: tuple[int, int]) -> None:
        done[0] += notice[0]
        done[1] += notice[1]
        if progress is not None:
            progress(done[0], len(listing.files), done[1], total)

    # Each worker keeps off one core while the claims file is parsed here: the rest waits for it.
    pool = Pool([Share(settings, cache, files=[listing.files[i] for i in ids]) for ids in groups], on_notice,
                beside_the_parent=True)
    reads: list[Read] = []
    started: list[Started] = []

    def start(sections: tuple[Section, ...]) -> None:
        # The claims are built, the file not yet checked: the workers start on its quotes while
        # it is (issue 19), once they have read their sources (what they read decides where
        # each quote goes). Dropped below unless the claims are the briefing's. While this
        # process waits for them, they have every core (a large corpus takes longer to read
        # than the claims file to parse: issue 19, kept off one they took 0.25 s longer); then
        # they leave it one again while it checks the file (the checks 0.1 s sooner, and the
        # two workers even, not one beside this process and one alone).
        pool.parent_done()
        reads.extend(pool.receive())
        pool.parent_busy()
        sources, _, unreadable = _gathered(listing, reads)
        reasons = {source_id: d.message for source_id, d in unreadable.items()}
        started.append(start_shares(sections, pool, groups, sources, reasons))

    loaded = False
    try:
        pool.send("read", [lock_path is not None] * len(groups))
        document_path = claims_path.with_name(DOCUMENT_NAME)
        prose = document_path.is_file()
        # Parsed here while the workers read their shares.
        try:
            briefing, claim_diagnostics = load_claims(claims_path, settings, prose, early=start)
        finally:
            pool.parent_done()
        briefing, document, document_problems = _load_document(briefing, document_path, prose)
        if not reads:
            reads = pool.receive()
        loaded = True
    finally:
        if not loaded:
            pool.close(False)
    if briefing is None:  # (the claims file has problems: nothing is checked, and what the
        pool.close(False)  # workers started is dropped)
    workers = None if briefing is None else Workers(pool, groups, cache, started[0] if started else None)
    sources, problems, unreadable = _gathered(listing, reads)
    diagnostics = (*claim_diagnostics, *document_problems, *listing.diagnostics, *problems)
    hashes = {source_id: text_hash for read in reads for source_id, _, _, text_hash in read}
    lock = load_lock_state(lock_path, listing.files, sources, hashes) if lock_path is not None else None
    return Project(briefing, sources, diagnostics, claims_path, sources_dir, unreadable, lock, {}, document, workers)


# A `source:` key and its value. Not tied to the start of a line: a quote holding "source: x"
# counts too, which only weighs the split (and `re` finds a pattern that starts with a literal
# six times as fast as one that starts at each line: issue 19, 16 ms of 10,000 claims).
_SOURCE_LINE = re.compile(rb"""source:[ \t]*["']?([^\s"'#,}]+)""")


def _cited(claims_path: Path, settings: Settings) -> dict[str, int]:
    """How many quotes cite each source id, by the claims file's `source:` lines, unparsed."""
    try:
        if _size(claims_path) > settings.claims_max_bytes:
            return {}
        data = claims_path.read_bytes()
    except OSError:  # load_claims reports it
        return {}
    found = Counter(_SOURCE_LINE.findall(data))  # (by bytes: each id is decoded once, not each use)
    return {source_id.decode("utf-8", "replace"): count for source_id, count in found.items()}


def _gathered(listing: SourceSet, reads: list[Read]
              ) -> tuple[dict[str, Source], list[Diagnostic], dict[str, Diagnostic]]:
    """The workers' reads in the listing's order, as `_read_sources` gives them."""
    by_id = {source_id: (source, problems) for read in reads for source_id, source, problems, _ in read}
    sources: dict[str, Source] = {}
    unreadable: dict[str, Diagnostic] = {}
    diagnostics: list[Diagnostic] = []
    for source_id in listing.files:
        source, problems = by_id[source_id]
        _sort(source_id, source, problems, sources, diagnostics, unreadable)
    return sources, diagnostics, unreadable


def _sort(source_id: str, source: Source | None, problems: tuple[Diagnostic, ...], sources: dict[str, Source],
          diagnostics: list[Diagnostic], unreadable: dict[str, Diagnostic]) -> None:
    """One source's reading into the readable sources, the problems, and the unreadable."""
    if source is not None:
        sources[source_id] = source
        diagnostics.extend(problems)
        return
    errors = [d for d in problems if d.severity is Severity.ERROR]
    diagnostics.extend(d for d in problems if d.severity is not Severity.ERROR)
    if errors:
        unreadable[source_id] = errors[0]


def _with_metadata(briefing: Briefing, document: ProseDocument) -> tuple[Briefing, tuple[Diagnostic, ...]]:
    """The briefing with the title, subtitle, author, date and summary that briefing.md's metadata
    gives (issue 16: they win over the claims file's, which then may leave them out)."""
    from briefing.document.meta import briefing_fields, house_options

    shown = str(document.path)
    fields, problems = briefing_fields(document.text, document.metadata, shown)
    briefing = replace(briefing, title=fields.get("title", briefing.title),
                       subtitle=fields.get("subtitle", briefing.subtitle), author=fields.get("author", briefing.author),
                       date=fields.get("date", briefing.date), summary=fields.get("summary", briefing.summary))
    house, house_problems = house_options(document.text, document.metadata, shown, briefing.house)
    briefing = replace(briefing, house=house)
    problems += house_problems
    if not briefing.title.strip() and not problems:
        problems.append(Diagnostic(DOCUMENT_METADATA, f"the briefing has no title: neither {shown} nor "
                                   f"{briefing.path} gives one", Location(shown, 1),
                                   "add 'title: \"...\"' to the metadata block at the top of briefing.md"))
    return briefing, tuple(problems)


def _read_sources(sources_dir: Path, settings: Settings, progress: Progress | None
                  ) -> tuple[SourceSet, dict[str, Source], list[Diagnostic], dict[str, Diagnostic]]:
    """The sources folder's listing, its readable sources, their problems, and the unreadable."""
    listing = scan_sources(sources_dir)
    sources: dict[str, Source] = {}
    unreadable: dict[str, Diagnostic] = {}
    diagnostics: list[Diagnostic] = []
    sizes = {source_id: _size(file.path) for source_id, file in listing.files.items()} if progress else {}
    total, done = sum(sizes.values()), 0
    for number, (source_id, file) in enumerate(listing.files.items(), 1):
        source, problems = load_source(file, settings)
        if progress is not None:
            done += sizes[source_id]
            progress(number, len(listing.files), done, total)
        _sort(source_id, source, problems, sources, diagnostics, unreadable)
    return listing, sources, diagnostics, unreadable


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # load_source reports it
        return 0


def check_project(project: Project, settings: Settings = DEFAULT_SETTINGS, cache: SourceCache = NO_CACHE,
                  judged: Callable[[int, ClaimResult], None] | None = None) -> Report:
    """Verify a loaded project whose claims parsed; loading warnings join the report's.

    A project loaded `in_workers` is checked by its workers, with the cache given to
    `load_project`, once; its report's sources come without their text, as its own do. There
    `judged` is given each claim's place and result as it is judged (`verify_shares`).
    """
    assert project.briefing is not None, "check_project needs claims that parsed"
    reasons = {source_id: d.message for source_id, d in project.unreadable.items()}
    if project.workers is not None:
        workers, done = project.workers, False
        try:
            report = verify_shares(project.briefing, workers.pool, workers.groups, project.sources,
                                   str(project.sources_dir), settings, reasons, judged, workers.started)
            done = True
        finally:
            workers.pool.close(done)
    else:
        report = verify(project.briefing, project.sources, str(project.sources_dir), settings, reasons, cache,
                        project.folded)
    # A source that changed since sources.lock is its own error, after the unreadable ones.
    pinned = project.lock.diagnostics(str(project.sources_dir)) if project.lock is not None else []
    report = replace(report, diagnostics=(*project.warnings, *project.unreadable.values(), *pinned,
                                          *report.diagnostics))
    return _with_document(report, project) if project.document is not None else report


def _with_document(report: Report, project: Project) -> Report:
    """The report with what briefing.md's check found (issue 16): its diagnostics after the
    claims', its `.own` figures; a name the prose uses is not unused."""
    from briefing.document.check import check_document

    document = project.document
    assert document is not None and project.briefing is not None
    names = [name.text for name in project.briefing.names]
    found = check_document(str(document.path), document.text, document.ast, report.claims,
                           {s.id: s for s in report.sources}, names, report.claims_path)
    used = {Location(project.briefing.path, n.line, n.col) for n in project.briefing.names if n.text in found.names}
    kept = tuple(d for d in report.diagnostics if not (d.code == FIGURE_UNUSED_NAME and d.location in used))
    return replace(report, diagnostics=(*kept, *found.diagnostics), document_path=str(document.path),
                   own_figures=found.own)
