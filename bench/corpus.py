"""Writes the deterministic benchmark corpus: sources/, claims.yaml, quotes.txt (does I/O)."""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 20261122
SOURCES = 1200
LARGE_SOURCES = 4  # each LARGE_SIZE bytes: the nearest-passage timings use these
LARGE_SIZE = 10 * 1024 * 1024
SMALL_RANGE = (5 * 1024, 300 * 1024)  # log-uniform sizes for the rest
CLAIMS = 10_000

# Syllables make pronounceable, mostly unique words; a few real function words keep the
# text shaped like prose (spaces, punctuation, capitals, numbers, curly quotes, dashes).
_SYLLABLES = "ka ro mi tan sel vor ul bre dis an po te gra lin ost mer fal kio zu hep".split()
_FUNCTION = "the of and to in a that is was for on with as by at from which were said".split()


@dataclass(frozen=True)
class Plan:
    root: Path

    @property
    def sources(self) -> Path:
        return self.root / "sources"

    @property
    def claims(self) -> Path:
        return self.root / "claims.yaml"

    @property
    def quotes(self) -> Path:
        return self.root / "quotes.txt"

    @property
    def truth(self) -> Path:
        return self.root / "truth.json"


def _vocabulary(rng: random.Random) -> list[str]:
    words = {"".join(rng.choices(_SYLLABLES, k=rng.randint(1, 4))) for _ in range(12_000)}
    return sorted(words) + _FUNCTION * 40


def _sentence(rng: random.Random, vocab: list[str]) -> str:
    words = rng.choices(vocab, k=rng.randint(8, 28))
    for _ in range(rng.randint(0, 2)):  # figures, as the checker must compare them
        words[rng.randrange(len(words))] = rng.choice(
            [f"{rng.randint(2, 999)}", f"{rng.randint(1, 99)},{rng.randint(100, 999)}",
             f"{rng.randint(1, 99)}%", f"{rng.randint(2, 60)}th"])
    if rng.random() < 0.1:
        i = rng.randrange(len(words) - 2)
        words[i], words[i + 2] = "\u201c" + words[i], words[i + 2] + "\u201d"
    if rng.random() < 0.1:
        words.insert(rng.randrange(1, len(words)), "\u2014")
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice([".", ".", ".", ";", "?"])


def _document(rng: random.Random, vocab: list[str], size: int) -> str:
    paragraphs, total = [], 0
    while total < size:
        paragraph = " ".join(_sentence(rng, vocab) for _ in range(rng.randint(2, 7)))
        # wrap like a saved article: hard line breaks inside paragraphs
        lines, line = [], ""
        for word in paragraph.split(" "):
            if len(line) + len(word) > 78:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        text = "\n".join(lines)
        paragraphs.append(text)
        total += len(text) + 2
    return "\n\n".join(paragraphs) + "\n"


def _sizes(rng: random.Random) -> list[int]:
    low, high = (math.log(n) for n in SMALL_RANGE)
    small = [int(math.exp(rng.uniform(low, high))) for _ in range(SOURCES - LARGE_SOURCES)]
    return [LARGE_SIZE] * LARGE_SOURCES + small


def quote_at(rng: random.Random, text: str) -> tuple[int, int]:
    """A word-aligned slice of 60-240 characters, within one paragraph."""
    for _ in range(100):
        start = text.find(" ", rng.randrange(max(1, len(text) - 400))) + 1
        end = text.rfind(" ", start, start + rng.randint(60, 240))
        if end > start + 40 and "\n\n" not in text[start:end]:
            return start, end
    raise RuntimeError("no quotable passage")


def mutate(rng: random.Random, quote: str) -> str:
    """One figure or one word changed: what a misquote looks like."""
    words = quote.split(" ")
    digits = [i for i, w in enumerate(words) if any(c in "0123456789" for c in w)]
    if digits and rng.random() < 0.7:
        i = rng.choice(digits)
        words[i] = "".join(str((int(c) + rng.randint(1, 9)) % 10) if c in "0123456789" else c for c in words[i])
    else:
        i = rng.randrange(len(words))
        words[i] = words[i] + "s" if rng.random() < 0.5 else "ken" + words[i][1:]
    return " ".join(words)


def _yaml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML double-quoted scalars


def _claim_counts(sizes: list[int]) -> list[int]:
    """At least one quote per source, the rest in proportion to size."""
    spare, total = CLAIMS - len(sizes), sum(sizes)
    counts = [1 + spare * size // total for size in sizes]
    counts[0] += CLAIMS - sum(counts)
    return counts


def _claim_text(quote: str) -> str:
    figures = [w.strip(".,;?\u201c\u201d") for w in quote.split() if w[:1].isdigit()]
    return f"The source gives {figures[0]}." if figures else "The source says so."


def generate(plan: Plan) -> None:
    rng = random.Random(SEED)
    vocab = _vocabulary(rng)
    plan.sources.mkdir(parents=True, exist_ok=True)
    sizes = _sizes(rng)
    lines = ['title: "Benchmark briefing"', "sections:", '  - heading: "Generated"', "    claims:"]
    quotes, truth = [], []
    for n, (size, count) in enumerate(zip(sizes, _claim_counts(sizes))):
        source_id = f"doc{n:04d}"
        text = _document(rng, vocab, size)
        (plan.sources / f"{source_id}.txt").write_text(text, encoding="utf-8")
        for _ in range(count):
            start, end = quote_at(rng, text)
            quote = " ".join(text[start:end].split())
            changed = len(quotes) % 2 == 1  # half of the claims carry one change
            if changed:
                quote = mutate(rng, quote)
            claim_id = f"c{len(quotes):05d}"
            lines += [f"      - id: {claim_id}",
                      f"        text: {_yaml_string(_claim_text(quote))}",
                      f"        source: {source_id}",
                      f"        quote: {_yaml_string(quote)}"]
            quotes.append(quote)
            truth.append({"id": claim_id, "source": source_id, "start": start, "end": end,
                          "changed": changed, "size": size})
    plan.claims.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan.quotes.write_text("\n".join(quotes) + "\n", encoding="utf-8")
    plan.truth.write_text(json.dumps({"seed": SEED, "claims": truth}), encoding="utf-8")
