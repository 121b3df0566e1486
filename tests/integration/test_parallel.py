"""Verifying in several processes gives exactly the single-process report."""

import os

import pytest

from briefing.engine.run import verify
from briefing.models import Briefing, Citation, Claim, Section, Source
from briefing.settings import Settings

TEXT = ("The OIC said that 613 civilians were killed, including 63 children. " * 40
        + "Later the OIC said the fate of 150 hostages remains unknown.")


def _briefing() -> tuple[Briefing, dict[str, Source]]:
    sources = {f"s{i}": Source(f"s{i}", f"sources/s{i}.md", "text", TEXT.replace("613", str(600 + i)),
                               sha256=f"{i:064x}")
               for i in range(12)}
    claims = tuple(
        Claim(f"c{i}", f"It gives {600 + i} killed.",
              (Citation(f"s{i}", f"that {600 + i + (i % 3 == 0)} civilians were killed", 1),), 1)
        for i in range(12))
    return Briefing("claims.yaml", "T", (Section("H", claims),)), sources


def test_parallel_report_equals_sequential() -> None:
    briefing, sources = _briefing()
    sequential = verify(briefing, sources, settings=Settings(workers=1))
    parallel = verify(briefing, sources, settings=Settings(workers=3))
    assert parallel == sequential
    statuses = [c.status.value for c in parallel.claims]
    assert statuses.count("misquoted") == 4 and statuses.count("verified") == 8
    # A misquote of s0 ("601") is exact in s1, which another worker holds.
    assert parallel.claims[0].citations[0].found_in == ("s1",)


# --- run_beside: the claims file read in a child while the sources are read ----------------

def test_run_beside_returns_both_results_and_runs_the_job_in_a_child() -> None:
    import os

    from briefing.engine.parallel import run_beside
    parent = os.getpid()
    (child, job_value), other_value = run_beside(lambda: (os.getpid(), [1, 2, 3]), lambda: "here")
    assert job_value == [1, 2, 3] and other_value == "here"
    assert child != parent


def test_run_beside_does_the_job_here_when_the_child_fails() -> None:
    import os

    from briefing.engine.parallel import run_beside
    parent = os.getpid()

    def job() -> int:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return 42

    assert run_beside(job, lambda: "here") == (42, "here")


def test_a_large_claims_file_loads_the_same_beside_the_sources(tmp_path, monkeypatch) -> None:
    from briefing.engine import project

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("---\ntitle: A\n---\nThe OIC said 63 children were killed.\n")
    claims = ["title: T", "sections:", "  - heading: H", "    claims:"]
    for i in range(3):
        claims += [f"      - id: c{i}", f"        text: \"It said {60 + i} children.\"", "        source: a",
                   f"        quote: \"said {60 + i} children\""]
    claims += ["      - id: c0", "        text: 1", "        source: b"]  # problems: a duplicate id, ...
    (tmp_path / "claims.yaml").write_text("\n".join(claims) + "\n")
    beside_calls = []
    real = project.run_beside

    def counting(job, other, idle=None):  # type: ignore[no-untyped-def]
        beside_calls.append(1)
        return real(job, other, idle)

    monkeypatch.setattr(project, "run_beside", counting)
    inline = project.load_project(tmp_path / "claims.yaml", tmp_path / "sources")
    monkeypatch.setattr(project, "_PARSE_BESIDE_MIN_BYTES", 0)
    beside = project.load_project(tmp_path / "claims.yaml", tmp_path / "sources")
    assert beside_calls == [1]
    assert beside == inline and inline.errors  # the same problems, in the same order


def test_run_beside_stops_its_child_at_once_when_the_other_job_fails() -> None:
    import time

    import pytest

    from briefing.engine.parallel import run_beside

    def other() -> None:
        time.sleep(0.5)  # the child is sending its answer (over 64 KB, more than a pipe holds)
        raise ValueError("reading the sources failed")

    began = time.monotonic()
    with pytest.raises(ValueError, match="reading the sources failed"):
        run_beside(lambda: [f"claim {i}" for i in range(200_000)], other)
    # A hang guard, not a speed target: the child used to block on the pipe for 5 s.
    assert time.monotonic() - began < 4


class _FailsFirst:
    """Share 1 fails in phase one; the others wait for phase two, which never comes."""

    def __init__(self, index: int) -> None:
        self.index = index

    def first(self, _: object) -> int:
        if self.index == 1:
            import time
            time.sleep(0.1)
            raise ValueError("the real failure")
        return self.index

    def second(self, shared: int) -> int:
        return self.index


def _two_phases(shares: list[_FailsFirst]) -> list[int]:
    from briefing.engine.parallel import Pool
    pool, done = Pool(shares), False
    try:
        pool.call("first", [None] * len(shares))
        answers = pool.call("second", [1] * len(shares))
        done = True
    finally:
        pool.close(done)
    return answers


def test_a_failing_worker_is_reported_alone(capfd) -> None:  # type: ignore[no-untyped-def]
    import pytest

    for _ in range(5):  # the stray reports came from a race: some runs, not all
        with pytest.raises(RuntimeError, match="the real failure"):
            _two_phases([_FailsFirst(i) for i in range(3)])
    # The other workers are stopped quietly: no "Process ForkProcess-N: ... BrokenPipeError".
    assert "Traceback" not in capfd.readouterr().err


def test_a_failure_in_one_worker_stops_the_others(capfd) -> None:  # type: ignore[no-untyped-def]
    import multiprocessing

    import pytest

    class FailsSecond(_FailsFirst):
        def second(self, shared: int) -> int:
            if self.index == 0:
                raise ValueError("failed in the first share")
            return self.index

    with pytest.raises(RuntimeError, match="failed in the first share"):
        _two_phases([FailsSecond(0), FailsSecond(2), FailsSecond(3)])
    assert multiprocessing.active_children() == []
    assert "Traceback" not in capfd.readouterr().err


def test_claims_sharing_an_id_each_get_a_result() -> None:
    # The claims file refuses a repeated id; called directly, verify still answers every claim.
    source = Source("s", "s.txt", "text", "alpha beta gamma")
    claims = tuple(Claim("same", "x", (Citation("s", quote, 1),), 1) for quote in ("alpha", "zeta"))
    report = verify(Briefing("c.yaml", "T", (Section("H", claims),)), {"s": source})
    assert len(report.claims) == 2


# --- how many workers: the work counts the quotes as well as the text (issue 19) -----------

def _one_source_per_quote(count: int, size: int) -> tuple[dict[str, Source], dict[str, int]]:
    # Large ones differ by a byte: large files of one size go to one worker (they may be copies).
    step = 1 if size >= 64 * 1024 else 0
    sources = {f"s{i:05d}": Source(f"s{i:05d}", f"sources/s{i:05d}.txt", "text", "x" * (size + step * i))
               for i in range(count)}
    return sources, {source_id: 1 for source_id in sources}


@pytest.mark.parametrize(("quotes", "size", "groups"), [
    pytest.param(10_000, 1_000, 4, id="10000-quotes-over-10MB-fork"),  # 41 MB of work, 10 MB of text
    pytest.param(100, 1_000, 1, id="100-quotes-over-100KB-stay"),
    pytest.param(4, 5 * 2**20, 4, id="20MB-of-text-fork"),
    pytest.param(3_000, 1_000, 1, id="3000-quotes-over-3MB-stay"),  # 15 MB of work
])
def test_the_number_of_workers_weighs_quotes_beside_text(monkeypatch, quotes, size, groups) -> None:
    from briefing.engine import run
    monkeypatch.setattr(run, "cpu_count", lambda: 8)
    sources, cited = _one_source_per_quote(quotes, size)
    assert len(run.partition({i: len(s.text) for i, s in sources.items()}, cited, Settings())) == groups


# --- sources folded while the claims file is parsed (issue 19) -------------------------------

def test_run_beside_steps_idle_work_only_while_the_child_has_not_answered() -> None:
    import time

    from briefing.engine.parallel import run_beside
    steps: list[int] = []

    def idle(read: str):  # type: ignore[no-untyped-def]
        assert read == "read"
        for i in range(1000):
            steps.append(i)
            time.sleep(0.001)
            yield

    def slow() -> int:
        time.sleep(0.3)
        return 7

    assert run_beside(slow, lambda: "read", idle) == (7, "read")
    assert 0 < len(steps) < 1000  # it stepped while waiting, and stopped when the answer came
    steps.clear()
    assert run_beside(lambda: 7, lambda: (time.sleep(0.3), "read")[1], idle) == (7, "read")
    assert len(steps) <= 1  # answered before the sources were read: nothing to wait for


@pytest.mark.parametrize("beside", [pytest.param(True, id="large-claims-folds-while-parsing"),
                                    pytest.param(False, id="small-claims-no-fold-ahead")])
def test_sources_folded_ahead_are_not_folded_again_and_give_the_same_report(tmp_path, monkeypatch, beside) -> None:
    import time

    from briefing import text
    from briefing.engine import project
    from briefing.report.json_report import format_json
    from briefing.verify import index

    (tmp_path / "sources").mkdir()
    for i in range(6):
        (tmp_path / "sources" / f"s{i}.txt").write_text(f"The OIC said {60 + i} children were killed. " * 50)
    claims = ["title: T", "sections:", "  - heading: H", "    claims:"]
    for i in range(6):
        claims += [f"      - id: c{i}", f"        text: \"It said {60 + i} children.\"", f"        source: s{i}",
                   f"        quote: \"said {60 + i + (i == 3)} children\""]
    (tmp_path / "claims.yaml").write_text("\n".join(claims) + "\n")
    expected = format_json(project.check_project(project.load_project(tmp_path / "claims.yaml", tmp_path / "sources"),
                                                 Settings(workers=1)))
    real_load = project.load_claims

    def slow_claims(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.5)  # time enough to fold six small sources
        return real_load(*args)

    monkeypatch.setattr(project, "load_claims", slow_claims)
    monkeypatch.setattr(project, "_PARSE_BESIDE_MIN_BYTES", 0 if beside else 10**9)
    loaded = project.load_project(tmp_path / "claims.yaml", tmp_path / "sources")
    assert len(loaded.folded) == (6 if beside else 0)
    folds: list[int] = []
    real_normalise = text.normalise
    monkeypatch.setattr(index, "normalise", lambda t: folds.append(1) or real_normalise(t))
    for workers in (1, 2):
        folds.clear()
        assert format_json(project.check_project(loaded, Settings(workers=workers))) == expected
        # (with two workers the folds are the children's own: the parent folds nothing)
        assert len(folds) == (0 if beside or workers > 1 else 6)


def test_large_files_of_one_size_share_a_worker_and_small_ones_spread() -> None:
    from briefing.engine import run
    big = run.SAME_SIZE_MIN_BYTES
    sizes = {"copy1": big, "copy2": big, "copy3": big, "other": big + 1, "small1": 500, "small2": 500}
    assert sorted(run._same_sizes_together(sizes)) == [  # the units shared out
        ["copy1", "copy2", "copy3"], ["other"], ["small1"], ["small2"]]
    # Many files of one size (no copies, maybe) come a few at a time, and still spread.
    many = {f"f{i:02d}": big for i in range(3 * run.SAME_SIZE_MAX_FILES)}
    assert [len(unit) for unit in run._same_sizes_together(many)] == [run.SAME_SIZE_MAX_FILES] * 3
    assert sorted(map(len, run.partition(many, {}, Settings(workers=3)))) == [run.SAME_SIZE_MAX_FILES] * 3
    # The copies weigh as three files: each copy's quotes are matched in its own text.
    groups = run.partition(sizes, {}, Settings(workers=2))
    assert sorted(map(sorted, groups)) == [["copy1", "copy2", "copy3"], ["other", "small1", "small2"]]


def test_a_share_lists_its_cited_sources_first() -> None:
    # The order a worker folds its sources in while it waits for the claims (issue 19).
    from briefing.engine import run
    groups = run.partition({"big": 2**20, "cited": 1000, "small": 10}, {"cited": 1}, Settings(workers=1))
    assert groups == [["cited", "big", "small"]]


# --- results handed over while the shares still work (issue 19) -------------------------------

class _Delivers:
    """Delivers three parts of its answer, then answers with how many it sent."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.deliver = lambda part: None  # set by the pool

    def first(self, _: object) -> int:
        for n in range(3):
            self.deliver((self.index, n))
        return self.index


@pytest.mark.parametrize("shares", [1, 3], ids=["here", "forked"])
def test_a_share_hands_over_parts_before_its_answer(shares: int) -> None:
    from briefing.engine.parallel import Pool
    pool, events = Pool([_Delivers(i) for i in range(shares)]), []
    try:
        answers = pool.call("first", [None] * shares, lambda answer: events.append(("answer", answer)),
                            partial=lambda part: events.append(("part", part)))
    finally:
        pool.close()
    assert answers == list(range(shares))
    for i in range(shares):
        mine = [e for e in events if e[1] == i or e[0] == "part" and e[1][0] == i]
        assert mine == [("part", (i, 0)), ("part", (i, 1)), ("part", (i, 2)), ("answer", i)]


def test_workers_let_go_end_by_themselves_before_the_pool_is_closed() -> None:
    # Issue 19: once the last answers are in, the workers end while the parent settles the
    # rest; closing the pool then waits for nothing.
    from briefing.engine.parallel import Pool
    pool = Pool([_Delivers(i) for i in range(2)])
    try:
        assert pool.call("first", [None, None]) == [0, 1]
        processes = list(pool.processes)
        pool.let_go()
        for process in processes:
            process.join(timeout=5)
        assert [process.exitcode for process in processes] == [0, 0]
    finally:
        pool.close()
    assert pool.processes == [] and pool.pipes == []


class _HandsOverMuch:
    """Hands over 40 parts of 100 KB (far more than a pipe holds), then answers when it ended."""

    def __init__(self) -> None:
        self.deliver = lambda part: None  # set by the pool

    def first(self, _: object) -> float:
        import time
        for _ in range(40):
            self.deliver(b"x" * 100_000)
        return time.monotonic()


@pytest.mark.parametrize("listen", [True, False])
def test_a_worker_listened_to_never_waits_for_the_parent_to_read(listen: bool) -> None:
    # Issue 19: the parent checks the claims file while the workers match its quotes, and
    # reads what they hand over only after. Listened to, a worker ends its call meanwhile.
    import time

    from briefing.engine.parallel import Pool
    pool, parts = Pool([_HandsOverMuch(), _HandsOverMuch()]), []
    try:
        pool.send("first", [None, None], listen=listen)
        time.sleep(1.0)  # (busy elsewhere)
        asked = time.monotonic()
        ended = pool.receive(partial=parts.append)
    finally:
        pool.close()
    assert len(parts) == 80 and all(part == b"x" * 100_000 for part in parts)
    assert all(end < asked for end in ended) is listen


class _SlowAhead:
    """Works ahead in one step of a second (a large source's fold), then answers its call."""

    def ahead(self):  # type: ignore[no-untyped-def]
        import time
        time.sleep(1.0)
        yield

    def first(self, job: bytes) -> int:
        return len(job)


def test_a_call_sent_listening_does_not_wait_for_the_worker_to_read_it() -> None:
    # Issue 19: a worker reads its call between steps of its work ahead; the parent, which
    # goes on checking the claims file meanwhile, does not wait for that.
    import time

    from briefing.engine.parallel import Pool
    pool = Pool([_SlowAhead(), _SlowAhead()])
    try:
        time.sleep(0.2)  # (the workers are in their step)
        started = time.monotonic()
        pool.send("first", [b"x" * 2**20] * 2, listen=True)
        sending = time.monotonic() - started
        assert pool.receive() == [2**20, 2**20]
    finally:
        pool.close()
    assert sending < 0.5


def test_a_pool_closed_before_its_answers_came_ends_its_workers_and_listeners() -> None:
    import multiprocessing
    import threading

    from briefing.engine.parallel import Pool
    pool = Pool([_HandsOverMuch(), _HandsOverMuch()])
    pool.send("first", [None, None], listen=True)
    pool.close()
    assert multiprocessing.active_children() == []
    assert not [t for t in threading.enumerate() if t.name.endswith("(_listen)")]


def test_the_parent_judges_every_claim_from_the_results_handed_over(monkeypatch) -> None:
    # The results come only as parts now: a claim judged from none would be missing or wrong.
    from briefing.engine import share
    monkeypatch.setattr(share, "_RESULTS_PER_BATCH", 4)  # a full part and a last one per share
    briefing, sources = _briefing()
    report = verify(briefing, sources, settings=Settings(workers=2))
    assert [c.status.value for c in report.claims] == ["misquoted" if i % 3 == 0 else "verified" for i in range(12)]


class _Busy:
    """Share 0 works ahead in one step that ends once share 1 has been called (or after 5 s);
    each answers whether that step saw share 1 called."""

    def __init__(self, index: int, called) -> None:  # type: ignore[no-untyped-def]
        self.index = index
        self.called = called
        self.saw = False

    def ahead(self):  # type: ignore[no-untyped-def]
        if self.index == 0:
            self.saw = self.called.wait(timeout=5)
            yield

    def first(self, job: bytes) -> bool:
        if self.index == 1:
            self.called.set()
        return self.saw


def test_a_worker_busy_ahead_does_not_hold_up_another_s_call() -> None:
    # A call larger than a pipe holds waits for its worker to read it, which a worker does
    # between steps of its work ahead. Written one after the other, share 1's call waited for
    # share 0's step, which here waits for share 1's call (issue 19).
    import multiprocessing

    from briefing.engine.parallel import Pool
    called = multiprocessing.get_context("fork").Event()
    pool = Pool([_Busy(0, called), _Busy(1, called)])
    try:
        saw, _ = pool.call("first", [b"x" * 2**20] * 2)
    finally:
        pool.close()
    assert saw


class _Waits:
    def first(self, job: object) -> int:
        return 1


@pytest.mark.parametrize("how", ["call", "spread"])
def test_a_worker_that_ended_is_an_error_not_a_closed_stdout(how: str) -> None:
    # Found in review: writing to a worker that died raised BrokenPipeError, which click takes
    # for a closed stdout: the run ended with status 1 and not a word.
    from briefing.engine.parallel import Pool
    pool = Pool([_Waits(), _Waits()])
    try:
        pool.processes[0].kill()
        pool.processes[0].join()
        with pytest.raises(RuntimeError, match="a worker process ended"):
            if how == "call":
                pool.call("first", [b"x" * 2**20] * 2)
            else:
                pool.spread("first", lambda i: b"x" if i == 0 else None, lambda i, arg, answer: None)
    finally:
        pool.close(False)


class _Cores:
    """Each call answers the cores the worker may run on; its work ahead waits, step by step,
    until the parent is done."""

    def __init__(self) -> None:
        self.seen: list[frozenset[int]] = []
        self.reads = 0

    def read(self, _: object) -> frozenset[int]:
        self.reads += 1
        return frozenset(os.sched_getaffinity(0))

    def ahead(self):  # type: ignore[no-untyped-def]
        import time
        if not self.reads or self.seen:  # (from the first read on, once: the parent sets the cores after the fork)
            return
        for _ in range(300):  # (3 s at most)
            self.seen.append(frozenset(os.sched_getaffinity(0)))
            if self.seen[-1] != self.seen[0]:
                return
            time.sleep(0.01)
            yield

    def cores(self, _: object) -> list[frozenset[int]]:
        return self.seen

    def busy(self, _: object) -> tuple[frozenset[int], frozenset[int]]:
        """One long step (a large file read): the cores it began and ended with."""
        import time
        began = frozenset(os.sched_getaffinity(0))
        until = time.monotonic() + 3
        while frozenset(os.sched_getaffinity(0)) == began and time.monotonic() < until:
            pass
        return began, frozenset(os.sched_getaffinity(0))


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores")
def test_a_worker_keeps_off_the_parents_core_until_the_parent_is_done() -> None:
    import time

    from briefing.engine.parallel import Pool
    every = frozenset(os.sched_getaffinity(0))
    pool = Pool([_Cores(), _Cores()], beside_the_parent=True)
    try:
        reading = pool.call("read", [None, None])
        time.sleep(0.1)  # (the workers work ahead, off the core)
        pool.parent_done()
        time.sleep(0.1)  # (they see it at their next step)
        seen = pool.call("cores", [None, None])
        again = pool.call("read", [None, None])
    finally:
        pool.close()
    assert reading == [every - {min(every)}] * 2
    assert all(s[0] == every - {min(every)} and s[-1] == every for s in seen)
    assert again == [every] * 2
    assert frozenset(os.sched_getaffinity(0)) == every  # (the parent's own are never touched)


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores")
def test_a_worker_takes_its_core_back_at_the_second_call_even_unsaid() -> None:
    from briefing.engine.parallel import Pool
    every = frozenset(os.sched_getaffinity(0))
    pool = Pool([_Cores(), _Cores()], beside_the_parent=True)
    try:
        reading = pool.call("read", [None, None])
        again = pool.call("read", [None, None])  # (no `parent_done`)
    finally:
        pool.close()
    assert reading == [every - {min(every)}] * 2 and again == [every] * 2


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores")
def test_a_worker_in_the_middle_of_a_long_step_gets_its_core_back_at_once() -> None:
    """The parent gives the core back itself: a worker need not finish what it is doing."""
    import time

    from briefing.engine.parallel import Pool
    every = frozenset(os.sched_getaffinity(0))
    pool = Pool([_Cores(), _Cores()], beside_the_parent=True)
    try:
        pool.send("busy", [None, None])
        time.sleep(0.1)
        pool.parent_done()
        answers = pool.receive()
    finally:
        pool.close()
    assert answers == [(every - {min(every)}, every)] * 2


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two cores")
def test_a_busy_parent_keeps_the_workers_off_its_core_through_a_call_sent_busy() -> None:
    # Issue 19: the workers start on the quotes while the parent still checks the claims file.
    from briefing.engine.parallel import Pool
    every = frozenset(os.sched_getaffinity(0))
    pool = Pool([_Cores(), _Cores()], beside_the_parent=True)
    try:
        pool.call("read", [None, None])
        pool.parent_done()
        pool.parent_busy()
        pool.send("read", [None, None], parent_busy=True)
        busy = pool.receive()
        pool.parent_done()
        after = pool.call("read", [None, None])
    finally:
        pool.close()
    assert busy == [every - {min(every)}] * 2 and after == [every] * 2


def test_without_the_parent_beside_a_worker_has_every_core() -> None:
    from briefing.engine.parallel import Pool
    every = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    pool = Pool([_Cores(), _Cores()])
    try:
        reading = pool.call("read", [None, None]) if every else []
    finally:
        pool.close()
    assert reading == ([every] * 2 if every else [])
