"""The workers read, hash and fold their own shares of the sources (issue 19 "Rules for the
means"): the parent never holds a source's text, and the report is the same whoever read what."""

from __future__ import annotations

import multiprocessing
import tracemalloc
from pathlib import Path

import pytest
from support import claims_yaml, write_project

from briefing.engine import project as project_module
from briefing.engine.project import check_project, load_project
from briefing.report.json_report import format_json
from briefing.settings import Settings

SOURCES = 6
PARAGRAPHS = 9_000  # about 0.75 MB a source


def _source(i: int) -> str:
    lines = [f"Paragraph {j} of report {i}: the mission counted {100 + j} families in district {i}-{j}."
             for j in range(PARAGRAPHS)]
    # Another value for the families of district 0-5 (a disagreement with c-exact), and a
    # passage whose words an elided quote skips.
    lines[40] = f"In district 0-5 the shelling killed {900 + i} civilians, the mission said."
    lines[41] = f"The survey of report {i} was not finished, and the count of district {i}-41 is disputed."
    return "\n\n".join(lines) + "\n"


CLAIMS = [
    ("c-exact", "The shelling killed 900 civilians.", "s0", "the shelling killed 900 civilians"),
    ("c-misquoted", "It counted 106 families.", "s1", "the mission counted 106 families in district 1-5"),
    ("c-elsewhere", "It counted 107 families.", "s2", "the mission counted 107 families in district 3-7"),
    ("c-elided", "The survey was unfinished.", "s4", "The survey of report 4 was not finished ... is disputed"),
    ("c-unreadable", "It counted 1 family.", "broken", "counted 1 family"),
    ("c-unknown", "It counted 2 families.", "s9", "counted 2 families"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workers")
    sources: dict[str, str | bytes] = {f"s{i}.txt": _source(i) for i in range(SOURCES)}
    sources["broken.pdf"] = b"%PDF-1.4 not a PDF at all"
    return write_project(root, claims_yaml(CLAIMS), sources)


def _load(root: Path, settings: Settings, in_workers: bool, **kwargs: object):  # type: ignore[no-untyped-def]
    return load_project(root / "claims.yaml", root / "sources", settings, in_workers=in_workers,
                        **kwargs)  # type: ignore[arg-type]


def _report(root: Path, settings: Settings, in_workers: bool) -> str:
    return format_json(check_project(_load(root, settings, in_workers), settings))


@pytest.fixture(scope="module")
def expected(corpus: Path) -> str:
    """The report of the sources read in the parent, in one process."""
    return _report(corpus, Settings(workers=1), in_workers=False)


def test_the_corpus_covers_what_the_later_steps_read(expected: str) -> None:
    # Each later step that used to read a source's text in the parent has a case here.
    import json
    report = json.loads(expected)
    by_id = {c["id"]: c for c in report["claims"]}
    assert by_id["c-exact"]["status"] == "verified" and by_id["c-exact"]["disagreements"]
    assert by_id["c-misquoted"]["citations"][0]["nearest"]["passage"]
    assert by_id["c-elsewhere"]["citations"][0]["found_in"] == ["s3"]
    assert by_id["c-elided"]["status"] == "verified"
    assert [c["code"] for c in by_id["c-elided"]["citations"][0]["cautions"]]
    assert by_id["c-unreadable"]["status"] == "unreadable_source"
    assert by_id["c-unknown"]["status"] == "unknown_source"


@pytest.mark.parametrize("workers", [1, 2, 4], ids=["1-worker", "2-workers", "4-workers"])
def test_the_report_is_the_same_whoever_reads_the_sources(corpus: Path, expected: str, workers: int) -> None:
    assert _report(corpus, Settings(workers=workers), in_workers=True) == expected
    assert _report(corpus, Settings(workers=workers), in_workers=False) == expected


def test_the_parent_never_holds_a_source_text(corpus: Path, expected: str) -> None:
    settings = Settings(workers=2)
    one_source = (corpus / "sources" / "s0.txt").stat().st_size
    tracemalloc.start()
    try:
        loaded = _load(corpus, settings, in_workers=True)
        report = check_project(loaded, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert format_json(report) == expected
    assert [s.text for s in loaded.sources.values()] == [""] * SOURCES
    assert [s.text for s in report.sources] == [""] * SOURCES
    assert all(len(s.sha256) == 64 for s in report.sources)  # hashed by the workers all the same
    # Everything the parent allocated at once, claims and results included, is less than a
    # quarter of one source (reading them here took more than all six).
    assert peak < one_source / 4, (peak, one_source)


def test_reading_in_the_parent_holds_every_text(corpus: Path) -> None:
    # The measure above tells the two apart: the same load in the parent holds all six.
    tracemalloc.start()
    try:
        loaded = _load(corpus, Settings(workers=2), in_workers=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sum(len(s.text) for s in loaded.sources.values()) > 0
    assert peak > SOURCES * (corpus / "sources" / "s0.txt").stat().st_size


def test_progress_counts_every_file_the_workers_read(corpus: Path) -> None:
    seen: list[tuple[int, int, int, int]] = []
    loaded = _load(corpus, Settings(workers=2), in_workers=True, progress=lambda *a: seen.append(a))
    check_project(loaded, Settings(workers=2))
    files = list((corpus / "sources").iterdir())
    total = sum(p.stat().st_size for p in files)
    assert seen[-1] == (len(files), len(files), total, total)
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)


def test_the_unreadable_source_is_diagnosed_as_in_the_parent(corpus: Path) -> None:
    here = _load(corpus, Settings(workers=1), in_workers=False)
    there = _load(corpus, Settings(workers=2), in_workers=True)
    check_project(there, Settings(workers=2))  # (ends its workers)
    assert there.unreadable == here.unreadable and list(there.unreadable) == ["broken"]
    assert there.diagnostics == here.diagnostics


def test_the_lock_snapshot_is_taken_from_the_workers_hashes(corpus: Path, tmp_path: Path) -> None:
    here = _load(corpus, Settings(workers=1), in_workers=False, lock_path=tmp_path / "sources.lock")
    there = _load(corpus, Settings(workers=2), in_workers=True, lock_path=tmp_path / "sources.lock")
    check_project(there, Settings(workers=2))
    assert there.lock is not None and here.lock is not None
    assert there.lock.current == here.lock.current


def test_an_interrupt_while_the_claims_are_parsed_ends_the_workers(corpus: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(project_module, "load_claims", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _load(corpus, Settings(workers=2), in_workers=True)
    assert multiprocessing.active_children() == []


def test_the_quotes_are_counted_by_source_before_the_claims_are_parsed(tmp_path: Path) -> None:
    claims = tmp_path / "claims.yaml"
    claims.write_text("title: T\nsections:\n  - heading: H\n    claims:\n"
                      "      - id: a\n        text: x\n        source: one\n        quote: \"source: not-a-line\"\n"
                      "      - id: b\n        text: y\n        citations:\n"
                      "          - source: 'two'\n            quote: q\n          - source: \"one\"  # again\n"
                      "            quote: r\n", encoding="utf-8")
    # (A quote holding "source: x" counts too: the counts only weigh the split, and a pattern
    # that starts with a literal is found six times as fast as one tied to each line's start.)
    assert project_module._cited(claims, Settings()) == {"one": 2, "two": 1, "not-a-line": 1}


def test_the_split_weighs_the_counted_quotes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Two workers: the small source its 300 quotes cite goes alone, the two large ones together.
    from briefing.engine import run
    monkeypatch.setattr(run, "cpu_count", lambda: 2)
    sources = {"quoted": "x" * 1000, "big1": "y" * 600_000, "big2": "z" * 600_000}
    claims = claims_yaml((f"c{i}", "x", "quoted", "xxxx") for i in range(300))
    root = write_project(tmp_path, claims, {f"{name}.txt": text for name, text in sources.items()})
    loaded = _load(root, Settings(parallel_min_bytes=1), in_workers=True)
    try:
        assert sorted(map(sorted, loaded.workers.groups)) == [["big1", "big2"], ["quoted"]]
    finally:
        loaded.workers.pool.close()


def test_a_source_no_step_needs_is_never_folded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Folding is left to the first step that needs a text: every quote here is verified, so
    # nothing is looked for in the source no claim cites (issue 19: a fifth of the real text).
    from briefing.verify import index
    folded: list[str] = []
    monkeypatch.setattr(index, "normalise", lambda text: folded.append(text) or _normalise(text))
    root = write_project(tmp_path, claims_yaml([("a", "It counted 100 families.", "cited",
                                                 "the mission counted 100 families")]),
                         {"cited.txt": _source(0), "uncited.txt": _source(1)})
    report = check_project(_load(root, Settings(workers=1), in_workers=True), Settings(workers=1))
    assert report.ok
    assert folded == [_source(0)]


def _normalise(text: str):  # type: ignore[no-untyped-def]
    from briefing.text import normalise
    return normalise(text)


def test_a_waiting_worker_folds_ahead_until_it_is_asked_and_only_before_matching(corpus: Path) -> None:
    from briefing.engine.parallel import _work_ahead
    from briefing.engine.share import Share
    from briefing.sources import scan_sources
    from briefing.verify.memo import NO_MEMO
    share = Share(Settings(), NO_MEMO, list(scan_sources(corpus / "sources").files.values()))
    share.read()

    class Parent:  # asks its next question once the worker has looked twice
        polls = 0

        def poll(self) -> bool:
            self.polls += 1
            return self.polls > 2
    _work_ahead(share, Parent())
    assert len(share.folded) == 3  # one fold a look, and one more before the third look
    _work_ahead(share, Parent())
    assert len(share.folded) == 6 == SOURCES
    share.first(({}, [], {}))
    share.folded.clear()
    _work_ahead(share, Parent())
    assert share.folded == {}  # after `first`, working ahead would take a core from the others


def test_copies_of_a_file_go_to_one_worker_which_holds_and_searches_their_text_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 19: 45 MB of the 200 MB real-text corpus were further copies of 116 files.
    from briefing.engine import run
    from briefing.engine.share import Share
    from briefing.sources import scan_sources
    from briefing.verify.match import MultiSearch
    from briefing.verify.memo import NO_MEMO
    monkeypatch.setattr(run, "cpu_count", lambda: 2)
    copy, other = _source(0), _source(1)
    assert len(copy.encode()) == len(other.encode()) > run.SAME_SIZE_MIN_BYTES  # (same size, not a copy)
    sources = {"a": copy, "b": other, "c": copy, "d": _source(2) + "longer"}
    claims = claims_yaml([("m", "It counted 1 family.", "a", "the mission counted 1 family")])  # fails
    root = write_project(tmp_path, claims, {f"{name}.txt": text for name, text in sources.items()})
    groups = run.partition({name: len(text.encode()) for name, text in sources.items()}, {}, Settings(workers=2))
    assert sorted(map(sorted, groups)) == [["a", "b", "c"], ["d"]]
    share = Share(Settings(), NO_MEMO, [f for f in scan_sources(root / "sources").files.values() if f.id in "abc"])
    share.read()
    assert share.sources["a"].text is share.sources["c"].text
    assert share.sources["b"].text is not share.sources["a"].text
    searched: list[int] = []
    present = MultiSearch.present
    monkeypatch.setattr(MultiSearch, "present", lambda self, text, among=None: searched.append(len(text))
                        or present(self, text, among))
    report = check_project(_load(root, Settings(workers=1), in_workers=True), Settings(workers=1))  # (in-process)
    assert report.claims[0].status.value == "misquoted"
    assert len(searched) == 3  # a, b and d once each: c is a's text, searched with it



# --- explanations put off, and handed to whichever share is free (issue 19) -------------------

@pytest.mark.parametrize("workers", [1, 2, 4], ids=["1-worker", "2-workers", "4-workers"])
def test_the_report_is_the_same_when_every_explanation_is_put_off(corpus: Path, expected: str, workers: int,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing explained in `first`: the failed quotes are judged only once explained (a claim
    # judged on its quote as matched would be "not_found" without its nearest passage).
    from briefing.engine import run, share
    monkeypatch.setattr(share, "PUT_OFF_MIN_WORK", 0)
    monkeypatch.setattr(run, "BORROW_MIN_QUOTES", 1)
    assert _report(corpus, Settings(workers=workers), in_workers=True) == expected
    assert _report(corpus, Settings(workers=workers), in_workers=False) == expected


def _share_of(root: Path, ids: str):  # type: ignore[no-untyped-def]
    from briefing.engine.share import Share
    from briefing.sources import scan_sources
    from briefing.verify.memo import NO_MEMO
    share = Share(Settings(), NO_MEMO, [f for f in scan_sources(root / "sources").files.values() if f.id in ids])
    share.read()
    return share


def _put_off_task(share, claims: list[tuple[str, str, str, str]]):  # type: ignore[no-untyped-def]
    """What the parent hands `explain` for the one source a share put off."""
    cited: dict[str, list[tuple[str, int, str, int, int]]] = {}
    for claim_id, _, source, quote in claims:
        cited.setdefault(source, []).append((claim_id, 0, quote, 1, 1))
    failed, _, _, _, put_off = share.first((cited, [], {}))
    [(source_id, text_key, _, file, failures)] = put_off
    return source_id, file, text_key, [(key, result, failed[key][1]) for key, result in failures]


def test_a_share_explains_another_shares_source_as_that_share_would(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    from briefing.engine import share as share_module
    from briefing.sources import load_source
    monkeypatch.setattr(share_module, "PUT_OFF_MIN_WORK", 0)
    root = write_project(tmp_path, claims_yaml(CLAIMS), {f"s{i}.txt": _source(i) for i in range(3)})
    misquoted = [c for c in CLAIMS if c[0] == "c-misquoted"]  # cites s1
    owner, other = _share_of(root, "s1"), _share_of(root, "s0s2")
    task = _put_off_task(owner, misquoted)
    assert task[0] == "s1" and task[1] is not None
    read: list[weakref.ref] = []  # type: ignore[type-arg]

    def load(*args: object):  # type: ignore[no-untyped-def]
        source, problems = load_source(*args)  # type: ignore[arg-type]
        read.append(weakref.ref(source))
        return source, problems
    monkeypatch.setattr(share_module, "load_source", load)
    theirs = other.explain(task)
    assert theirs is not None and theirs == owner.explain(task)
    [result] = theirs[0].values()
    assert result.status.value == "misquoted" and result.nearest is not None
    gc.collect()
    assert len(read) == 1 and read[0]() is None  # read for the explaining alone, and not kept
    assert sorted(other.sources) == ["s0", "s2"]
    monkeypatch.undo()
    # A file that changed since its share read it is not explained from what is there now.
    (root / "sources" / "s1.txt").write_text(_source(1).replace("district 1-5", "district 1-6"), encoding="utf-8")
    assert _share_of(root, "s0").explain(task) is None
    assert owner.explain(task) == theirs  # its own share explains it from the text it read


def _task(source_id: str, quotes: int, length: int, file: bool = True):  # type: ignore[no-untyped-def]
    from pathlib import Path as P

    from briefing.engine.share import PutOff
    from briefing.models import Citation, CitationResult, Status
    from briefing.sources import SourceFile
    failures = [((f"{source_id}-{n}", 0), CitationResult(Citation(source_id, "q", 1), Status.NOT_FOUND))
                for n in range(quotes)]
    return PutOff(source_id, ("text", source_id), length, SourceFile(source_id, P(source_id)) if file else None,
                  failures)


def test_put_off_sources_go_largest_first_to_their_own_share_then_to_a_free_one() -> None:
    from briefing.engine import run
    from briefing.engine.share import Explain
    from briefing.verify.quote import ParsedQuote
    put_off = [[_task("big", 20, 10**6), _task("small", 20, 10**3)],
               [_task("mid", 20, 10**5), _task("few", run.BORROW_MIN_QUOTES - 1, 10**7)],
               [_task("given", 30, 10**7, file=False)]]
    failed = {failures[0]: (None, ParsedQuote("q")) for tasks in put_off for *_, failures in tasks
              for failures in failures}
    judged: list[str] = []

    class Judge:
        def add(self, results: dict) -> None:  # type: ignore[type-arg]
            judged.extend(key[0] for key in results)

    explaining = run._Explaining(put_off, failed, Judge())  # type: ignore[arg-type]

    def next_for(share: int) -> str | None:
        task = explaining.next_for(share)
        return None if task is None else task[0]

    assert [next_for(0), next_for(1), next_for(2)] == ["big", "few", "given"]  # each its own largest
    assert next_for(1) == "mid"
    # Share 2 has none of its own left: it takes another's, the largest worth reading again.
    assert next_for(2) == "small"
    assert next_for(2) is None and next_for(0) is None
    # Read again by a share whose file changed since: it goes back to its own share alone.
    explaining.answered(2, Explain("small", None, ("text", "small"), []), None)
    assert next_for(1) is None and next_for(2) is None
    assert next_for(0) == "small"
    explaining.answered(0, Explain("small", None, ("text", "small"), []), ({("small-0", 0): None}, {}))
    assert judged == ["small-0"]


def test_a_share_borrows_only_a_source_small_enough_to_hold_twice() -> None:
    from briefing.engine import run
    from briefing.verify.quote import ParsedQuote
    large, small = run.BORROW_MAX_BYTES // 3 + 1, run.BORROW_MAX_BYTES // 3
    put_off = [[_task("first", 20, 10**9), _task("large", 20, large), _task("small", 20, small)], []]
    failed = {key: (None, ParsedQuote("q")) for tasks in put_off for *_, failures in tasks for key, _ in failures}
    explaining = run._Explaining(put_off, failed, None)  # type: ignore[arg-type]
    assert (explaining.next_for(0) or ["none"])[0] == "first"
    assert [(task or ["none"])[0] for task in (explaining.next_for(1), explaining.next_for(1))] == ["small", "none"]
    assert (explaining.next_for(0) or ["none"])[0] == "large"


def test_a_share_never_borrows_from_a_share_that_is_free() -> None:
    # It is asked next, and holds the text already (found in review: share 0 took share 1's
    # only source, read it again, while share 1 sat idle).
    from briefing.engine import run
    from briefing.engine.share import Explain
    from briefing.verify.quote import ParsedQuote
    put_off = [[], [_task("one", 20, 10**6), _task("two", 20, 10**6)]]
    failed = {key: (None, ParsedQuote("q")) for tasks in put_off for *_, failures in tasks for key, _ in failures}
    explaining = run._Explaining(put_off, failed, type("Judge", (), {"add": lambda self, results: None})())
    assert explaining.next_for(0) is None
    assert (explaining.next_for(1) or ["none"])[0] == "one"
    assert (explaining.next_for(0) or ["none"])[0] == "two"  # share 1 is busy now: share 0 may take it
    explaining.answered(1, Explain("one", None, ("text", "one"), []), ({}, {}))
    assert explaining.next_for(1) is None


def test_shares_worked_in_one_process_explain_only_their_own() -> None:
    from briefing.engine import run
    from briefing.verify.quote import ParsedQuote
    put_off = [[_task("big", 20, 10**6)], []]
    failed = {key: (None, ParsedQuote("q")) for tasks in put_off for *_, failures in tasks for key, _ in failures}
    explaining = run._Explaining(put_off, failed, None, borrow=False)  # type: ignore[arg-type]
    assert explaining.next_for(1) is None  # (it would read the file again, and gain no time)
    assert (explaining.next_for(0) or ["none"])[0] == "big"


@pytest.mark.parametrize("in_workers", [True, False], ids=["read-by-shares", "read-here"])
def test_without_fork_several_shares_worked_here_give_the_same_report(corpus: Path, expected: str, in_workers: bool,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # Where there is no fork (Windows), the shares are worked one after the other in this
    # process: results handed over, explanations put off and handed out, all the same.
    from briefing.engine import parallel, share
    def no_fork(method: str) -> None:
        raise AssertionError(f"asked for a {method} context")
    monkeypatch.setattr(parallel.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    monkeypatch.setattr(parallel.multiprocessing, "get_context", no_fork)
    monkeypatch.setattr(share, "PUT_OFF_MIN_WORK", 0)
    assert _report(corpus, Settings(workers=3), in_workers=in_workers) == expected


def test_a_result_with_its_excerpts_is_what_replace_gives() -> None:
    """`share.with_excerpts` copies a result's fields as `dataclasses.replace` does (issue 19)."""
    from dataclasses import fields, replace

    from briefing.engine.share import with_excerpts
    from briefing.models import Caution, Citation, CitationResult, Span, Status
    result = CitationResult(Citation("s", "a ... b", 3, 7), Status.VERIFIED, (Span(0, 1), Span(5, 6)), (1, 2),
                            ("case",), 1, gaps=("elision",))
    cautions = (Caution("quote.elision-hides", "a warning", "a hint", "a statement"),)
    made = with_excerpts(result, ("a", "b"), cautions)
    assert made == replace(result, matched=("a", "b"), cautions=cautions)
    assert {f.name: getattr(made, f.name) for f in fields(made)} == \
        {f.name: getattr(result, f.name) for f in fields(result)} | {"matched": ("a", "b"), "cautions": cautions}
    assert result.matched == () and result.cautions == ()  # (the result itself is unchanged)


@pytest.mark.parametrize("workers", [1, 2])
def test_claims_built_ahead_give_the_same_report(corpus: Path, expected: str, workers: int) -> None:
    """Issue 19: a JSON report's claims built as they are judged. A claim whose result changed
    after (a failed quote found elsewhere, a disagreement) is built again, not taken."""
    from dataclasses import replace

    from briefing.diagnostics import Diagnostic, Severity
    from briefing.report.json_report import ClaimsAhead, json_report
    settings = Settings(workers=workers)
    loaded = _load(corpus, settings, in_workers=True)
    ahead = ClaimsAhead(loaded.sources)
    report = check_project(loaded, settings, judged=ahead.judged)
    assert json_report(report, ahead).decode("utf-8") == expected
    by_place = {r.claim.id: n for n, r in enumerate(report.claims)}
    assert len(ahead.built) == len(report.claims)
    # The claims whose results changed after they were judged are the ones built again.
    changed = {c.claim.id for n, c in enumerate(report.claims) if ahead.built[n][0] is not c}
    assert {"c-exact", "c-elsewhere"} <= changed and "c-elided" not in changed
    # And one changed afterwards by anyone (as `--strict` or `--reviewed` might) is built anew.
    n = by_place["c-elided"]
    edited = replace(report, claims=(*report.claims[:n], replace(report.claims[n], exempted_figures=("9",)),
                                     *report.claims[n + 1:]))
    assert json_report(edited, ahead) == json_report(edited)
    assert json_report(edited, ahead) != json_report(report, ahead)
    # Each claim is encoded as it is judged (issue 19), and still written as `json` writes it
    # where orjson refuses something: a lone surrogate in a problem's message, or in a claim.
    assert all(isinstance(built, bytes) for _, built in ahead.built.values())
    odd = Diagnostic("quote.repeated", "a lone \ud800 in a message", None, "", Severity.WARNING)
    refused = replace(report, diagnostics=(*report.diagnostics, odd))
    assert json_report(refused, ahead) == json_report(refused)
    assert b"\\ud800" in json_report(refused, ahead)
    ahead.judged(n, replace(report.claims[n], exempted_figures=("\udc80",)))
    assert isinstance(ahead.built[n][1], dict)
    odd_claim = replace(report, claims=(*report.claims[:n], ahead.built[n][0], *report.claims[n + 1:]))
    assert json_report(odd_claim, ahead) == json_report(odd_claim)


def test_the_workers_are_forked_with_the_collector_on(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF's reader makes cycles: workers forked with the cyclic collector paused kept every
    PDF they read (a review found 30 copies of a 120 KB PDF at 498 MB, 193 MB before)."""
    import gc

    from briefing.cli import main
    from briefing.engine import parallel
    seen: list[bool] = []
    real = parallel.Pool.__init__

    def recording(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        real(self, *args, **kwargs)

    monkeypatch.setattr(parallel.Pool, "__init__", recording)
    assert main(["check", str(corpus), "--no-cache", "--format", "json"]) == 1  # (a misquote, and more)
    assert seen and all(seen)
    assert gc.isenabled()


# --- the workers start on the quotes while the claims file is checked (issue 19) --------------

def test_the_workers_start_on_the_claims_before_the_file_is_checked(corpus: Path, expected: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.claims import read
    from briefing.engine import run
    order: list[str] = []
    real_start, real_validate = run.start_shares, read.validate
    monkeypatch.setattr(project_module, "start_shares",
                        lambda *args: order.append("started") or real_start(*args))
    monkeypatch.setattr(read, "validate", lambda *args: order.append("checked") or real_validate(*args))
    settings = Settings(workers=2)
    loaded = _load(corpus, settings, in_workers=True)
    assert order == ["started", "checked"]
    assert loaded.workers.started is not None and loaded.workers.started.sections is loaded.briefing.sections
    assert format_json(check_project(loaded, settings)) == expected


def test_a_claims_file_with_problems_drops_what_the_workers_started(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # Built, then refused by the schema (an unknown key): the workers were started on its
    # quotes, and are ended; the problems are what a check without workers reports.
    started: list[object] = []
    real_start = project_module.start_shares
    monkeypatch.setattr(project_module, "start_shares", lambda *args: started.append(1) or real_start(*args))
    claims = claims_yaml([("a", "x", "s0", "words")]).replace("        quote:", "        quotes: x\n        quote:")
    root = write_project(tmp_path, claims, {"s0.txt": "The words here.\n", "s1.txt": "More words.\n"})
    loaded = _load(root, Settings(workers=2), in_workers=True)
    assert started and loaded.briefing is None and loaded.workers is None
    assert multiprocessing.active_children() == []
    alone = _load(root, Settings(workers=1), in_workers=False)
    assert [d.code for d in loaded.diagnostics] == [d.code for d in alone.diagnostics] != []


def test_the_parent_gives_the_workers_its_core_while_it_waits_for_their_reads(
        corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large corpus takes longer to read than the claims file to parse: kept off the core the
    # parent only waited on, the workers took 0.25 s longer over 200 MB (issue 19).
    from briefing.engine.parallel import Pool
    calls: list[str] = []
    real_done, real_receive = Pool.parent_done, Pool.receive

    def done(self):  # type: ignore[no-untyped-def]
        calls.append("core given back")
        real_done(self)

    def receive(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("waits")
        return real_receive(self, *args, **kwargs)

    def busy(self):  # type: ignore[no-untyped-def]
        calls.append("core kept")
        real_busy(self)

    real_busy = Pool.parent_busy
    monkeypatch.setattr(Pool, "parent_done", done)
    monkeypatch.setattr(Pool, "receive", receive)
    monkeypatch.setattr(Pool, "parent_busy", busy)
    loaded = _load(corpus, Settings(workers=2), in_workers=True)
    loaded.workers.pool.close()
    # ... and kept again while it checks the claims file, the workers matching its quotes.
    assert calls[:4] == ["core given back", "waits", "core kept", "core given back"]


def test_warnings_worked_out_ahead_are_those_of_the_claims_as_they_end(corpus: Path) -> None:
    # Issue 19: each claim's own warnings are worked out while the workers look for the failed
    # quotes elsewhere, and taken at the end only for a result that did not change since.
    from dataclasses import replace

    from briefing.disagree.compare import warnings as disagreement_warnings
    from briefing.verify.warnings import claim_warnings, result_warnings, warnings_ahead
    settings = Settings(workers=1)
    loaded = _load(corpus, settings, in_workers=False)
    report = check_project(loaded, settings)
    claims, path = report.claims, loaded.briefing.path
    plain = claim_warnings(loaded.briefing, claims, loaded.sources, settings, also=disagreement_warnings)
    ahead = warnings_ahead(path, dict(enumerate(claims)), settings, also=disagreement_warnings)
    assert claim_warnings(loaded.briefing, claims, loaded.sources, settings, also=disagreement_warnings,
                          ahead=ahead) == plain
    # A result changed since (a quote found elsewhere, a disagreement) gets its warnings anew.
    n = next(n for n, c in enumerate(claims) if result_warnings(path, c, settings, disagreement_warnings))
    stale = dict(ahead)
    stale[n] = (claims[n], [])
    changed = (*claims[:n], replace(claims[n]), *claims[n + 1:])
    assert claim_warnings(loaded.briefing, changed, loaded.sources, settings, also=disagreement_warnings,
                          ahead=stale) == plain
    assert claim_warnings(loaded.briefing, claims, loaded.sources, settings, also=disagreement_warnings,
                          ahead=stale) != plain


def test_a_lock_that_cannot_be_written_ends_the_workers(corpus: Path, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    # A review found the workers left running when `check --update-lock` could not write the
    # lock: the command ended with exit 2 and they went on with the quotes started early.
    import shutil

    from briefing.cli import commands, main
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    real = project_module.partition
    monkeypatch.setattr(project_module, "partition",
                        lambda *args, **kwargs: [g for g in _halves(real(*args, **kwargs)) if g])

    def refused(*_: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(commands, "write_lock", refused)
    assert main(["check", str(root), "--update-lock", "--no-cache", "--format", "json"]) == 2
    assert multiprocessing.active_children() == []


def _halves(groups: list[list[str]]) -> list[list[str]]:
    every = [source_id for group in groups for source_id in group]
    return [every[::2], every[1::2]]
