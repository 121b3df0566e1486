"""`make bench`, real text (issue 19): a check over text nobody here wrote, against grep (does I/O).

The corpus is built from what every machine with Python has: the standard library's sources
and docstrings, and, where present, the documentation, licences, info and man pages under
/usr/share (gzipped files unpacked). Files are taken in a fixed shuffled order until
TARGET_BYTES, so a smaller corpus is a prefix of a larger one (the scale fit uses that).

Each claim quotes a real span of 40-300 characters, cut on whitespace within one paragraph and
with its whitespace collapsed (as a person pasting it would), and states no figure. Mix A
alters 2% of the quotes by one word or digit (what CI sees), mix B 33%.

Every ratio is paired: grep and each kind of check take turns within a round, and the median
of the per-round ratios is printed, so a busy spell on a shared machine slows both sides.
"""

from __future__ import annotations

import compileall
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from run import _timed  # noqa: E402

import briefing as briefing_package  # noqa: E402

SEED = 202612073
TARGET_BYTES = 200 * 2**20
CLAIMS = 10_000
MIXES = {"A": 0.02, "B": 0.33}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SCALE = (0.25, 0.5, 1.0)  # of TARGET_BYTES: the 1x, 2x, 4x fit
FIXED_COST_BYTES = 10 * 2**20
MIN_FILE, MAX_FILE = 2 * 1024, 8 * 2**20
# Characters a claims file refuses or warns about (controls, invisible format characters,
# private use) never go into a quote.
_REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn"}
_LINE_END_HYPHEN = re.compile("[-\u2010][ \t]*\n")


def _candidates() -> list[Path]:
    """The standard library's Python files, and every file of the /usr/share folders present."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = sorted(p for p in stdlib.rglob("*.py") if "site-packages" not in p.parts)
    for root in (Path("/usr/share/doc"), Path("/usr/share/common-licenses"), Path("/usr/share/info"),
                 Path("/usr/share/man")):
        if root.is_dir():
            found += sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return found


def _read(path: Path) -> str | None:
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile, ValueError):
        return None
    if "\x00" in text or not MIN_FILE <= len(data) <= MAX_FILE:
        return None
    return text


def _texts(rng: random.Random) -> Iterator[str]:
    paths = _candidates()
    rng.shuffle(paths)
    total = 0
    for path in paths:
        if total >= TARGET_BYTES:
            return
        text = _read(path)
        if text is not None:
            total += len(text.encode("utf-8"))
            yield text


def _quote(rng: random.Random, text: str) -> tuple[int, int, str] | None:
    """A span cut on whitespace within one paragraph, 40-300 characters once collapsed."""
    for _ in range(20):
        at = rng.randrange(max(1, len(text) - 320))
        start = next((i + 1 for i in range(at, min(at + 80, len(text))) if text[i].isspace()), -1)
        if start <= 0:
            continue
        want = int(min(300, max(40, rng.lognormvariate(4.85, 0.45))))
        end = start + want
        while end < len(text) and not text[end].isspace():
            end -= 1
            if end <= start + 40:
                break
        span = text[start:end]
        quote = " ".join(span.split())
        if (40 <= len(quote) <= 300 and "\n\n" not in span and "\n \n" not in span
                and _on_word_edges(text, start, end)
                and not any(unicodedata.category(c) in _REFUSED_CATEGORIES for c in quote)
                and not any(mark in quote for mark in ("...", "\u2026", "[", "]"))):
            return start, end, quote
    return None


def _on_word_edges(text: str, start: int, end: int) -> bool:
    """What a person copying a passage takes: whole words, at least two with letters, and no
    line-end hyphen at either end (the check refuses a piece of a word: issue 15 §1)."""
    before = text[max(0, start - 80):start].rstrip()
    if before.endswith(("-", "\u2010")) or text[start] in "-\u2010" or text[end - 1] in "-\u2010":
        return False
    if end < len(text) and not text[end].isspace() or _LINE_END_HYPHEN.search(text, start, end):
        return False
    return sum(any(c.isalpha() for c in word) for word in text[start:end].split()) >= 2


def generate(root: Path) -> None:
    """sources/, and per mix claims-MIX.yaml, quotes-MIX.txt and truth-MIX.json."""
    rng = random.Random(SEED)
    sources = root / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    texts: list[tuple[str, str, int]] = []  # (id, text, cumulative bytes)
    total = 0
    for n, text in enumerate(_texts(rng)):
        source_id = f"r{n:05d}"
        (sources / f"{source_id}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
        texts.append((source_id, text, total))
    for fraction in (*SCALE, FIXED_COST_BYTES / TARGET_BYTES):
        limit = fraction * total
        chosen = [t for t in texts if t[2] <= limit] or texts[:1]
        for mix, share in MIXES.items():
            if fraction != 1.0 and mix != "A":
                continue  # the scale fit and the fixed cost are measured on mix A
            _claims(root / _name(fraction), chosen, share, random.Random(f"{SEED}-{mix}-{fraction}"), mix)


def _name(fraction: float) -> str:
    return f"f{round(fraction * 1000):04d}"


def _claims(folder: Path, chosen: list[tuple[str, str, int]], share: float, rng: random.Random, mix: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ids = [source_id for source_id, _, _ in chosen]
    weights = [len(text) for _, text, _ in chosen]
    by_id = {source_id: text for source_id, text, _ in chosen}
    lines = ['title: "Real-text benchmark"', "sections:", '  - heading: "Quotes"', "    claims:"]
    quotes, truth = [], []
    collapsed: dict[str, str] = {}
    while len(quotes) < CLAIMS:
        source_id = rng.choices(ids, weights)[0]
        found = _quote(rng, by_id[source_id])
        if found is None:
            continue
        start, end, quote = found
        changed = rng.random() < share
        if changed:
            quote = corpus.mutate(rng, quote)
            # Real text repeats itself (version numbers, file names): a change the source also
            # holds is no misquote, so it is not used.
            if source_id not in collapsed:
                collapsed[source_id] = " ".join(by_id[source_id].split())
            if quote in collapsed[source_id]:
                continue
        claim_id = f"c{len(quotes):05d}"
        lines += [f"      - id: {claim_id}", '        text: "The source says so."',
                  f"        source: {source_id}", f"        quote: {json.dumps(quote, ensure_ascii=False)}"]
        quotes.append(quote)
        truth.append({"id": claim_id, "changed": changed})
    (folder / f"claims-{mix}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / f"quotes-{mix}.txt").write_text("\n".join(quotes) + "\n", encoding="utf-8")
    (folder / f"truth-{mix}.json").write_text(json.dumps(truth), encoding="utf-8")
    # Each folder checks only its own share of the sources: a folder of links to them.
    linked = folder / "sources"
    linked.mkdir(exist_ok=True)
    for source_id in ids:
        target = linked / f"{source_id}.txt"
        if not target.exists():
            os.link(folder.parent / "sources" / f"{source_id}.txt", target)


def _grep(folder: Path, mix: str) -> float:
    env = dict(os.environ, LC_ALL="C")
    counts = folder / "grep-counts.txt"
    started = time.perf_counter()
    # grep writes its counts to a file: writing to /dev/null, GNU grep stops at a file's first match.
    with counts.open("wb") as out:
        subprocess.run(["grep", "-c", "-r", "-F", "-f", str(folder / f"quotes-{mix}.txt"), str(folder / "sources")],
                       stdout=out, env=env, check=False)
    return time.perf_counter() - started


def _check(folder: Path, mix: str, kind: str, turn: int) -> tuple[float, int, int]:
    """Wall seconds, peak KiB, and the verdicts that disagree with the truth."""
    briefing = str(Path(sys.executable).with_name("briefing"))
    claims = folder / f"claims-{mix}.yaml"
    edited_id = ""
    if kind == "nocache":
        extra = ["--no-cache"]
    else:
        extra = []
        if kind == "cold":
            shutil.rmtree(folder / ".briefing-cache", ignore_errors=True)
        if kind == "edited":
            claims, edited_id = _edit_one(folder, mix, turn)
    # The report goes to a file, as grep's counts do: read through a pipe by this process, it
    # would be held up whenever the pipe is full and this process waits for a core (issue 19:
    # 0.03-0.04 s of the fixed cost's 7 MB report).
    report_file = folder / "check-report.json"
    wall, _, peak, _ = _timed([briefing, "check", str(folder), "--claims", str(claims), "--format", "json", *extra],
                              to=report_file)
    truth = {t["id"]: t["changed"] for t in json.loads((folder / f"truth-{mix}.json").read_text())}
    report = json.loads(report_file.read_bytes())
    wrong = sum(c["ok"] == (truth[c["id"]] or c["id"] == edited_id) for c in report["claims"])
    return wall, peak, wrong


def _edit_one(folder: Path, mix: str, turn: int) -> tuple[Path, str]:
    lines = (folder / f"claims-{mix}.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    quotes = [i for i, line in enumerate(lines) if line.lstrip().startswith('quote: "')]
    at = quotes[(7919 * (turn + 1)) % len(quotes)]
    lines[at] = lines[at].replace('quote: "', 'quote: "Edited ', 1)
    edited = folder / f"claims-{mix}-edited.yaml"
    edited.write_text("".join(lines), encoding="utf-8")
    claim_id = next(line.split(":", 1)[1].strip() for line in reversed(lines[:at]) if "- id:" in line)
    return edited, claim_id


def _megabytes(folder: Path) -> float:
    return sum(p.stat().st_size for p in (folder / "sources").iterdir()) / 2**20


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/realtext")
    # An installed package has its bytecode; a checkout run with PYTHONDONTWRITEBYTECODE (as CI
    # and some shells set) compiles every module at each start, 0.1 s of the fixed cost.
    compileall.compile_dir(Path(briefing_package.__file__).parent, quiet=1)
    stamp = root / "seed.json"
    if not stamp.exists() or json.loads(stamp.read_text()).get("seed") != SEED:
        shutil.rmtree(root, ignore_errors=True)
        started = time.perf_counter()
        generate(root)
        stamp.write_text(json.dumps({"seed": SEED}))
        print(f"generated the real-text corpus in {time.perf_counter() - started:.0f} s")
    full = root / _name(1.0)
    print(f"real text: {len(list((full / 'sources').iterdir())):,} sources, {_megabytes(full):.0f} MB, "
          f"{CLAIMS:,} claims; {ROUNDS} paired rounds")
    kinds = ("nocache", "cold", "warm", "edited")
    for mix in MIXES:
        ratios: dict[str, list[float]] = {k: [] for k in kinds}
        peaks, wrong = [], 0
        for turn in range(ROUNDS):
            grep = _grep(full, mix)
            for kind in kinds:
                wall, peak, bad = _check(full, mix, kind, turn)
                ratios[kind].append(wall / grep)
                peaks.append(peak)
                wrong += bad
        cells = ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in ratios.items())
        print(f"mix {mix} ({MIXES[mix]:.0%} altered), check/grep median of paired rounds: {cells}; "
              f"peak {max(peaks) / 1024:.0f} MB ({max(peaks) / 1024 / _megabytes(full):.1f}x the corpus); "
              f"{wrong} wrong verdicts")
    fixed = root / _name(FIXED_COST_BYTES / TARGET_BYTES)
    walls = [_check(fixed, "A", "nocache", 0)[0] for _ in range(ROUNDS)]
    print(f"fixed cost: {CLAIMS:,} claims over {_megabytes(fixed):.0f} MB, --no-cache, whole process: "
          f"median {statistics.median(walls):.2f} s (target < 1.0 s)")
    points = []
    for fraction in SCALE:
        folder = root / _name(fraction)
        pairs = [(_check(folder, "A", "nocache", 0)[0], _grep(folder, "A")) for _ in range(max(1, ROUNDS // 2))]
        seconds = statistics.median(c for c, _ in pairs)
        points.append((_megabytes(folder), seconds))
        print(f"  scale {_megabytes(folder):.0f} MB: check {seconds:.2f} s, grep "
              f"{statistics.median(g for _, g in pairs):.2f} s")
    (x0, y0), (x1, y1) = points[0], points[-1]
    slope = (y1 - y0) / (x1 - x0)
    print(f"  fit: {slope * 1000:.1f} ms per MB beyond a fixed {y0 - slope * x0:.2f} s; "
          f"4x the text took {y1 / y0:.2f}x the time (linear would be at most 4.00)")


if __name__ == "__main__":
    main()
