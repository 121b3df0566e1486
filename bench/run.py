"""`make bench`: times `briefing check` on a generated 100+ MB corpus against grep (does I/O)."""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from briefing.engine.cache import CACHE_NAME  # noqa: E402
from briefing.settings import DEFAULT_SETTINGS  # noqa: E402
from briefing.text import normalise  # noqa: E402
from briefing.verify.nearest import nearest_passage  # noqa: E402

NEAREST_SAMPLES = 300
# check and grep take turns, this many times each, and the medians are compared: on a shared
# machine a busy spell then slows both, not one (grep alone has varied from 2.2 to 6.3 s here).
RUNS = 3


def _ensure_corpus(plan: corpus.Plan) -> None:
    try:
        if json.loads(plan.truth.read_text())["seed"] == corpus.SEED:
            return
    except (OSError, ValueError, KeyError):
        pass
    shutil.rmtree(plan.root, ignore_errors=True)
    started = time.perf_counter()
    corpus.generate(plan)
    print(f"generated corpus in {time.perf_counter() - started:.1f} s")


def _timed(command: list[str], env: dict[str, str] | None = None, to: Path | None = None
           ) -> tuple[float, float, int, bytes]:
    """Wall time, CPU time (with the child's own workers), peak RSS (KiB) of any child so far,
    and its stdout (b"" when written to the file `to`)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(to, "wb") if to is not None else contextlib.nullcontext(subprocess.PIPE) as out:
        done = subprocess.run(command, stdout=out, env=env, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} exited {done.returncode}")
    return wall, cpu, after.ru_maxrss, done.stdout or b""


def _edit_one_quote(plan: corpus.Plan, turn: int) -> tuple[Path, str]:
    """A copy of the claims with one quote misquoted (a word put before it), another each turn,
    and the id of its claim."""
    lines = plan.claims.read_text(encoding="utf-8").splitlines(keepends=True)
    quotes = [i for i, line in enumerate(lines) if line.lstrip().startswith('quote: "')]
    at = quotes[(2 * turn + 1) * len(quotes) // (2 * RUNS)]
    lines[at] = lines[at].replace('quote: "', 'quote: "Edited ', 1)
    edited = plan.root / "claims-edited.yaml"
    edited.write_text("".join(lines), encoding="utf-8")
    claim_id = next(line.split(":", 1)[1].strip() for line in reversed(lines[:at]) if "- id:" in line)
    return edited, claim_id


def _bench_check(plan: corpus.Plan, megabytes: float, first: bool, cold: bool,
                 edit: int | None = None) -> tuple[float, float]:
    """One check: cold with no cache (as on a fresh clone), or warm with the cache that the cold
    run before it left (as when checking again), or warm after one quote was edited (`edit`: which)."""
    if cold:
        shutil.rmtree(plan.root / CACHE_NAME, ignore_errors=True)
    briefing = str(Path(sys.executable).with_name("briefing"))
    claims, edited = (plan.claims, "") if edit is None else _edit_one_quote(plan, edit)
    wall, cpu, peak_kib, out = _timed([briefing, "check", str(plan.root), "--claims", str(claims),
                                       "--format", "json"])
    report = json.loads(out)
    truth = {c["id"]: c for c in json.loads(plan.truth.read_text())["claims"]}
    wrong = [c["id"] for c in report["claims"] if c["ok"] == (truth[c["id"]]["changed"] or c["id"] == edited)]
    summary = report["summary"]
    name = "cold" if cold else "warm" if edit is None else "warm, one quote edited"
    print(f"briefing check, {name}: {wall:.2f} s wall ({cpu:.2f} s CPU), "
          f"peak memory {peak_kib / 1024:.0f} MB, "
          f"{megabytes / wall:.0f} MB/s over {megabytes:.0f} MB")
    if first or wrong:
        print(f"  {summary['claims']} claims: {summary['verified']} verified, {summary['failed']} failed "
              f"{ {k: v for k, v in summary['by_status'].items() if v} }; "
              f"{len(wrong)} verdicts disagree with the corpus's truth")
    return wall, cpu


def _bench_grep(plan: corpus.Plan) -> tuple[float, float]:
    env = dict(os.environ, LC_ALL="C")
    wall, cpu, _, _ = _timed(["grep", "-c", "-r", "-F", "-f", str(plan.quotes), str(plan.sources)], env)
    print(f"LC_ALL=C grep -c -F -f quotes.txt: {wall:.2f} s wall ({cpu:.2f} s CPU)")
    return wall, cpu


def _breakdown(plan: corpus.Plan) -> None:
    """Where one check spends its time, in this process (the workers fork from it as usual)."""
    from briefing.claims.read import load_claims
    from briefing.cli import collect_less_often
    from briefing.engine.project import check_project, load_project
    from briefing.report.json_report import format_json

    with collect_less_often():  # as the command does
        began = time.perf_counter()
        load_claims(plan.root / "claims.yaml", DEFAULT_SETTINGS)
        claims = time.perf_counter() - began
        began = time.perf_counter()
        project = load_project(plan.root / "claims.yaml", plan.sources, DEFAULT_SETTINGS)
        loading = time.perf_counter() - began
        began = time.perf_counter()
        report = check_project(project, DEFAULT_SETTINGS)
        verifying = time.perf_counter() - began
        began = time.perf_counter()
        format_json(report)
        writing = time.perf_counter() - began
    print(f"  where a cold check's time goes: reading {loading:.2f} s "
          f"(the claims, {claims:.2f} s alone, are parsed beside "
          f"the sources), verifying {verifying:.2f} s, JSON {writing:.2f} s (plus starting Python)")


def _bench_nearest(plan: corpus.Plan) -> None:
    """Single-edit quotes from one 10 MB source: time to the nearest passage, and whether it is right."""
    text = (plan.sources / "doc0000.txt").read_text(encoding="utf-8")
    folded = normalise(text)
    rng = random.Random(corpus.SEED + 1)
    timings, right = [], 0
    for _ in range(NEAREST_SAMPLES):
        start, end = corpus.quote_at(rng, text)
        quote = corpus.mutate(rng, " ".join(text[start:end].split()))
        began = time.perf_counter()
        found = nearest_passage(quote, folded, DEFAULT_SETTINGS)
        timings.append(time.perf_counter() - began)
        if found is not None:
            overlap = min(end, found.span.end) - max(start, found.span.start)
            right += overlap >= 0.8 * (end - start)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"nearest passage in a {len(text) / 2**20:.0f} MB source: median "
          f"{statistics.median(timings) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms, "
          f"right passage {right}/{len(timings)} ({right / len(timings):.1%})")


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/bench")
    plan = corpus.Plan(root)
    _ensure_corpus(plan)
    files = list(plan.sources.iterdir())
    megabytes = sum(f.stat().st_size for f in files) / 2**20
    print(f"corpus: {len(files)} sources, {megabytes:.0f} MB, "
          f"{len(json.loads(plan.truth.read_text())['claims'])} claims (half changed by one figure or word)")
    colds, warms, edits, greps = [], [], [], []
    for run in range(RUNS):
        colds.append(_bench_check(plan, megabytes, first=run == 0, cold=True))
        greps.append(_bench_grep(plan))
        warms.append(_bench_check(plan, megabytes, first=False, cold=False))
        edits.append(_bench_check(plan, megabytes, first=False, cold=False, edit=run))
    grep, grep_cpu = statistics.median(w for w, _ in greps), statistics.median(c for _, c in greps)
    print(f"median of {RUNS}: grep {grep:.2f} s wall ({grep_cpu:.2f} s CPU)")
    for name, checks in (("cold", colds), ("warm", warms), ("warm, one quote edited", edits)):
        check, check_cpu = statistics.median(w for w, _ in checks), statistics.median(c for _, c in checks)
        # CPU time is steadier than wall time on a shared machine; the check spends it on two cores.
        print(f"  check, {name}: {check:.2f} s wall, ratio check/grep {check / grep:.2f} (target <= 1.0); "
              f"CPU {check_cpu:.2f} s (ratio {check_cpu / grep_cpu:.2f})")
    _breakdown(plan)
    _bench_nearest(plan)


if __name__ == "__main__":
    main()
