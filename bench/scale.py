"""Scale run for issue 6: 5,000 verified claims over 2,000 sources, checked and rendered (does I/O)."""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import corpus

SOURCES, CLAIMS, SECTIONS = 2000, 5000, 20


def generate(root: Path) -> None:
    rng = random.Random(corpus.SEED + 2)
    vocab = corpus._vocabulary(rng)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    texts = []
    for n in range(SOURCES):
        text = corpus._document(rng, vocab, rng.randint(5 * 1024, 20 * 1024))
        (root / "sources" / f"s{n:04d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    lines = ['title: "Scale briefing"', "sections:"]
    for c in range(CLAIMS):
        if c % (CLAIMS // SECTIONS) == 0:
            lines += [f'  - heading: "Section {c // (CLAIMS // SECTIONS) + 1}"', "    claims:"]
        n = c % SOURCES
        start, end = corpus.quote_at(rng, texts[n])
        quote = " ".join(texts[n][start:end].split())
        lines += [f"      - id: k{c:05d}", f"        text: {json.dumps(corpus._claim_text(quote))}",
                  f"        source: s{n:04d}", f"        quote: {json.dumps(quote, ensure_ascii=False)}"]
    (root / "claims.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(command: list[str]) -> tuple[float, int, int]:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-2000:])
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "build/scale")
    if not (root / "claims.yaml").exists():
        generate(root)
    briefing = str(Path(sys.executable).with_name("briefing"))
    wall, peak, code = timed([briefing, "check", str(root), "--format", "json"])
    print(f"scale: {CLAIMS} claims over {SOURCES} sources: check {wall:.1f} s, peak {peak / 1024:.0f} MB, exit {code}")
    out = root / "build" / "briefing.pdf"
    wall, peak, code = timed([briefing, "build", str(root), "--format", "pdf", "-o", str(out)])
    pages = len(__import__("pypdf").PdfReader(out).pages) if out.exists() else 0
    print(f"scale: build PDF {wall:.1f} s, {pages} pages, peak {peak / 1024:.0f} MB (any process so far), exit {code}")


if __name__ == "__main__":
    main()
