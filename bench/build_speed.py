"""`make bench`, rendering (issue 19): `briefing build --format pdf` against WeasyPrint alone (does I/O).

Two briefings are made from the example: its claims repeated (the claims-only layout) and its
briefing.md repeated with the repeated claims' ids (the prose layout), each in a small size
(about 70 pages) and a large one (about 500). For each, one untimed build captures the exact
page the build hands WeasyPrint (its HTML, URL fetcher, variant, dates and attachments); then
each round times, in fresh processes and in turn, the whole `briefing build --format pdf`
(check, pandoc, citeproc, WeasyPrint, the complete read-back) and WeasyPrint alone laying out
and writing that page. Both PDFs must be byte-identical (SOURCE_DATE_EPOCH is set), so the two
sides do the same layout. The ratio of each round is printed, and the median of them.

    python bench/build_speed.py [ROOT]         # BENCH_ROUNDS (default 3), BENCH_LARGE_ROUNDS (1)
    BENCH_BASELINE=/path/to/older/checkout ... # also times that code's build, in the same rounds
    BENCH_PAGES=70 ...                          # only the 70-page briefings
    python bench/build_speed.py weasyprint CAPTURE OUT   # one side of a round (used by the above)
"""

from __future__ import annotations

import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parent.parent
EPOCH = "1700000000"
# Copies of the example that give about 70 and 500 pages in each layout (10 and 8.4 pages a copy).
SIZES = {"claims": {"70": 7, "500": 46}, "prose": {"70": 8, "500": 60}}


class _Plain(yaml.SafeDumper):
    """Writes each repeated mapping out again: a claims file may hold no anchors or aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _suffixed(claims: dict[str, Any], copy: int) -> list[dict[str, Any]]:
    sections = []
    for section in claims["sections"]:
        section = dict(section, heading=f"{section['heading']} ({copy + 1})")
        section["claims"] = [dict(claim, id=f"{claim['id']}-r{copy}") for claim in section["claims"]]
        sections.append(section)
    return sections


def make_project(root: Path, copies: int, prose: bool) -> None:
    """The example with its claims (and, for `prose`, briefing.md's body) repeated `copies` times."""
    if (root / "claims.yaml").exists():
        return
    root.mkdir(parents=True)
    for folder in ("sources", "templates"):
        shutil.copytree(EXAMPLE / folder, root / folder)
    claims = yaml.safe_load((EXAMPLE / "claims.yaml").read_text(encoding="utf-8"))
    ids = {claim["id"] for section in claims["sections"] for claim in section["claims"]}
    claims["sections"] = [s for copy in range(copies) for s in _suffixed(claims, copy)]
    (root / "claims.yaml").write_text(yaml.dump(claims, Dumper=_Plain, sort_keys=False, allow_unicode=True, width=100),
                                      encoding="utf-8")
    if prose:
        text = (EXAMPLE / "briefing.md").read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        cite = re.compile(r"@([A-Za-z0-9_-]+)")
        bodies = [cite.sub(lambda m, c=copy: f"@{m[1]}-r{c}" if m[1] in ids else m[0], body)
                  for copy in range(copies)]
        (root / "briefing.md").write_text(f"---\n{front}---\n" + "\n".join(bodies), encoding="utf-8")


def capture(root: Path) -> Path:
    """Build once in this process, keeping the arguments the build gives WeasyPrint."""
    from briefing.cli import main
    from briefing.render import pdf

    kept: dict[str, Any] = {}
    original = pdf.html_to_pdf

    def keep(*args: Any, **kwargs: Any) -> Any:
        kept.update(args=args[:3], kwargs={k: v for k, v in kwargs.items() if k not in ("progress", "pages")})
        return original(*args, **kwargs)

    pdf.html_to_pdf = keep
    try:
        code = main(["build", str(root), "--format", "pdf", "-o", str(root / "build" / "capture.pdf")])
    finally:
        pdf.html_to_pdf = original
    if code != 0:
        sys.exit(f"build of {root} failed ({code})")
    path = root / "build" / "weasyprint-input.pickle"
    path.write_bytes(pickle.dumps(kept))
    return path


def weasyprint_alone(captured: Path, out: Path) -> None:
    """WeasyPrint laying out and writing the captured page (the build's own call, no listener)."""
    from briefing.render.pdf import html_to_pdf

    kept = pickle.loads(captured.read_bytes())  # written by `capture` in this run
    out.write_bytes(html_to_pdf(*kept["args"], **kept["kwargs"]).data)


CPU: dict[str, list[float]] = {}  # CPU seconds (user and system, its children included) of each run, by side


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], env: dict[str, str] | None = None, side: str = "") -> float:
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
                          env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    CPU.setdefault(side, []).append(_cpu() - cpu)
    return time.perf_counter() - started


def compare(root: Path, rounds: int, baseline: str = "") -> None:
    """`rounds` paired rounds; with `baseline` (a checkout of earlier code), its build too, in
    the same rounds, and its PDF must be the same bytes."""
    captured = capture(root)
    pages = len(__import__("pypdf").PdfReader(root / "build" / "capture.pdf").pages)
    built, alone, before = (root / "build" / name for name in ("briefing.pdf", "weasyprint.pdf", "baseline.pdf"))
    briefing = [str(Path(sys.executable).with_name("briefing")), "build", str(root), "--format", "pdf", "-o"]
    weasy = [sys.executable, __file__, "weasyprint", str(captured), str(alone)]
    CPU.clear()
    sides = {"build": (lambda: _timed([*briefing, str(built)], side="build")),
             "WeasyPrint": (lambda: _timed(weasy, side="WeasyPrint"))}
    if baseline:
        env = dict(os.environ, PYTHONPATH=baseline)
        sides["baseline build"] = lambda: _timed([*briefing, str(before)], env, "baseline build")
    times: dict[str, list[float]] = {side: [] for side in sides}
    for turn in range(rounds):
        # Taken in turn, the order rotating, so a busy spell slows every side.
        order = list(sides)[turn % len(sides):] + list(sides)[:turn % len(sides)]
        for side in order:
            times[side].append(sides[side]())
        for other in (built, before) if baseline else (built,):
            if other.read_bytes() != alone.read_bytes():
                sys.exit(f"{root}: {other.name} and WeasyPrint's PDF differ: not the same page")
        print(f"  round {turn + 1}: " + ", ".join(f"{side} {times[side][-1]:.1f} s" for side in sides), flush=True)
    medians = {side: statistics.median(values) for side, values in times.items()}
    ratios = {side: statistics.median(b / w for b, w in zip(times[side], times["WeasyPrint"], strict=True))
              for side in sides if side != "WeasyPrint"}
    print(f"{root.name}: {pages} pages, " + ", ".join(f"{side} / WeasyPrint median {ratio:.2f}"
                                                     for side, ratio in ratios.items())
          + " (" + ", ".join(f"{side} {median:.1f} s" for side, median in medians.items())
          + f"; {rounds} paired rounds; load {os.getloadavg()[0]:.1f})", flush=True)
    # CPU time, which a busy machine changes less than wall time (the build's other process
    # and threads count here: a split read-back costs CPU while it saves wall time).
    cpu = {side: statistics.median(b / w for b, w in zip(CPU[side], CPU["WeasyPrint"], strict=True))
           for side in sides if side != "WeasyPrint"}
    print(f"{root.name}: CPU " + ", ".join(f"{side} / WeasyPrint median {ratio:.2f}" for side, ratio in cpu.items()),
          flush=True)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "weasyprint":
        weasyprint_alone(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    base = Path(sys.argv[1] if len(sys.argv) > 1 else "build/buildspeed")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH  # both sides' PDFs must be byte-identical
    rounds = {"70": int(os.environ.get("BENCH_ROUNDS", "3")), "500": int(os.environ.get("BENCH_LARGE_ROUNDS", "1"))}
    sizes = os.environ.get("BENCH_PAGES", "70,500").split(",")
    for size in sizes:
        for layout, copies in SIZES.items():
            root = base / f"{layout}-{size}"
            make_project(root, copies[size], prose=layout == "prose")
            compare(root.resolve(), rounds[size], os.environ.get("BENCH_BASELINE", ""))


if __name__ == "__main__":
    main()
