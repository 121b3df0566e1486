"""Hostile claims files (issue 6): every input ends in a Briefing or in diagnostics that each
name `file:line:col`, with exit 2 from the CLI; never a traceback, a hang or unbounded memory.

Inputs: random bytes and YAML-ish token soup (hypothesis), a mutation corpus seeded from the
repository's own claims.yaml (byte flips, cuts, duplicated or deleted lines, changed
indentation, YAML specials dropped in), and a table of known troublemakers: BOM, CRLF, tabs,
non-UTF-8, deep nesting, YAML 1.1 scalars, a 1 MB quote and files at the 50 MB limit.
The 50 MB parse itself is measured in a child process under BRIEFING_HEAVY_TESTS=1.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import resource
import subprocess
import sys
import textwrap
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, time_limit

from briefing.claims.read import parse_claims
from briefing.cli import main
from briefing.diagnostics import Diagnostic, Severity
from briefing.models import Briefing
from briefing.settings import DEFAULT_SETTINGS

SEED = (ROOT / "claims.yaml").read_bytes()
SOURCES = ROOT / "sources"
PATH = "hostile/claims.yaml"
HEAVY = os.environ.get("BRIEFING_HEAVY_TESTS") == "1"




LINE_ENDS = {"editor": re.compile("\r\n|\r|\n"), "newline": re.compile("\n")}


def line_lengths(data: bytes | str, ends: str = "editor") -> list[int]:
    """Length of each line: as editors count them (CRLF, LF and a lone CR end a line, as in
    YAML), or counting LF only."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return [len(line) for line in LINE_ENDS[ends].split(text.removeprefix("\ufeff"))]


def points_into(line: int, col: int, data: bytes | str, ends: str) -> bool:
    lengths = line_lengths(data, ends)
    return 1 <= line <= len(lengths) and 1 <= col <= lengths[line - 1] + 1


def assert_well_formed(diagnostic: Diagnostic, data: bytes | str, path: str = PATH) -> None:
    """A diagnostic a person can act on: a code, a message, and a real place in the file.

    A lone CR ends a line for YAML (and editors) but not yet for claims.py's own byte and
    character positions (see test_positions_after_a_lone_cr), so either count is accepted.
    """
    assert diagnostic.code.startswith("claims.") and diagnostic.message, diagnostic
    where = diagnostic.location
    assert where is not None and where.path == path, diagnostic
    assert any(points_into(where.line, where.col, data, ends) for ends in LINE_ENDS), (
        diagnostic, line_lengths(data))


def assert_contract(data: bytes | str, seconds: float = 10, memory_factor: int = 200) -> Briefing | None:
    """parse_claims returns a Briefing and nothing else, or None and well-formed errors;
    within `seconds`, and with a peak of Python memory proportional to the input."""
    tracemalloc.start()
    try:
        with time_limit(seconds):
            briefing, diagnostics = parse_claims(data, PATH)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if briefing is not None:
        assert diagnostics == ()
    else:
        assert diagnostics and any(d.severity is Severity.ERROR for d in diagnostics)
    for diagnostic in diagnostics:
        assert_well_formed(diagnostic, data)
    assert peak < memory_factor * len(data) + 2 * 1024 * 1024, f"peak {peak:,} bytes"
    return briefing


def run_cli(claims: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(claims.parent), "--claims", str(claims), "--sources", str(SOURCES),
                     *args])
    return code, out.getvalue(), err.getvalue()


def assert_cli_contract(claims: Path) -> None:
    """Exit 0 or 1 with a report, or exit 2 with every error at `file:line:col`; never 3."""
    with time_limit(20):
        code, out, err = run_cli(claims, "--format", "json")
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err
    report = json.loads(out)
    if code == 2:
        errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
        assert errors and report["claims"] == [] and report["ok"] is False
        for d in errors:
            assert d["file"] and d["line"] >= 1 and d["col"] >= 1, d
    else:
        assert report["claims"]


# --- the seed itself ----------------------------------------------------------------------


def test_seed_parses() -> None:
    briefing = assert_contract(SEED)
    assert briefing is not None and len(briefing.claims) > 40


# --- mutation corpus ---------------------------------------------------------------------

YAML_SPECIALS = [b"&a ", b"*a", b"!!python/object/apply:os.system ['true'] ", b"<<: *a\n", b"? ",
                 b"---\n", b"...\n", b"%YAML 1.1\n", b"\t", b"|", b">-", b"{", b"}", b"[", b"]",
                 b"'", b'"', b"#", b"- ", b": ", b"\xef\xbb\xbf", b"\r\n", b"\x00", b"\xff",
                 b"\xc3", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"\x85", b"\xe2\x80\xa8", b"@", b"`"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_byte(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(len(data))]


def duplicate_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    return b"\n".join(lines[:at + 1] + lines[at:])


def delete_line(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"\n".join(lines)


def swap_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return b"\n".join(lines)


def reindent(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    at = rng.randrange(len(lines))
    stripped = lines[at].lstrip(b" ")
    indent = len(lines[at]) - len(stripped)
    lines[at] = b" " * max(0, indent + rng.choice([-4, -2, -1, 1, 2, 4])) + stripped
    return b"\n".join(lines)


def insert_special(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(YAML_SPECIALS) + data[at:]


def splice(data: bytes, rng: random.Random) -> bytes:
    a, b = sorted(rng.randrange(len(data)) for _ in range(2))
    at = rng.randrange(len(data))
    return data[:at] + data[a:b] + data[at:]


MUTATIONS: list[Callable[[bytes, random.Random], bytes]] = [
    flip_byte, truncate, duplicate_line, delete_line, swap_lines, reindent, insert_special, splice]


def mutant(rng: random.Random, rounds: int) -> bytes:
    data = SEED
    for _ in range(rounds):
        if not data:
            break
        data = rng.choice(MUTATIONS)(data, rng)
    return data


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.__name__)
def test_each_mutation_of_the_seed_keeps_the_contract(mutation: Callable[[bytes, random.Random], bytes]) -> None:
    rng = random.Random(f"issue-6-{mutation.__name__}")
    for _ in range(80):
        data = SEED
        for _ in range(rng.randint(1, 3)):
            data = mutation(data, rng) if data else data
        assert_contract(data)


def test_mixed_mutations_keep_the_contract() -> None:
    rng = random.Random("issue-6-mixed")
    for _ in range(300):
        assert_contract(mutant(rng, rng.randint(1, 6)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), rounds=st.integers(1, 8))
def test_mutations_through_the_cli(tmp_path_factory: pytest.TempPathFactory, seed: int, rounds: int) -> None:
    claims = tmp_path_factory.mktemp("cli") / "claims.yaml"
    claims.write_bytes(mutant(random.Random(seed), rounds))
    assert_cli_contract(claims)


# --- hypothesis: bytes and token soup ----------------------------------------------------

YAMLISH = st.lists(st.sampled_from([
    "title", "sections", "heading", "claims", "id", "text", "source", "quote", "citations",
    "exempt_figures", ":", ": ", "- ", "\n", "  ", "    ", "\t", "[", "]", "{", "}", ",", "'", '"',
    "&a", "*a", "!!str", "!!binary", "!tag", "<<", "?", "|", ">", "---", "...", "#", "%YAML 1.1",
    "no", "on", "010", "1_000", "2013-12-12", "~", "null", "x", "613", "\\", "\\u0000", "\r\n",
    "\ufeff", "\u202e", "\u200b", "\x85", "\u2028", "\ud800", "\x00", "\x07", "é", "Ω"]), max_size=120)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_keep_the_contract(data: bytes) -> None:
    assert_contract(data)


@settings(max_examples=400, deadline=None)
@given(YAMLISH)
def test_yaml_token_soup_keeps_the_contract(tokens: list[str]) -> None:
    text = "".join(tokens)
    assert_contract(text)
    assert_contract(text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_any_text_as_a_quote_is_taken_exactly(quote: str) -> None:
    """Whatever a quote holds, written as a YAML double-quoted string it comes back unchanged
    (less trailing space), or the file is refused with a position; never a crash."""
    escaped = json.dumps(quote)  # a JSON string is a valid YAML double-quoted scalar
    data = textwrap.dedent(f"""\
        title: T
        sections:
          - heading: H
            claims:
              - id: a
                text: Text.
                source: s
                quote: {escaped}
        """)
    briefing = assert_contract(data)
    if briefing is not None:
        assert briefing.claims[0].citations[0].quote == quote.rstrip()


# --- known troublemakers -----------------------------------------------------------------

MINIMAL = 'title: "T"\nsections:\n  - heading: "H"\n    claims:\n      - id: a\n        text: "{text}"\n        source: s\n        quote: {quote}\n'


def minimal(text: str = "Text.", quote: str = '"q"') -> str:
    return MINIMAL.format(text=text, quote=quote)


@pytest.mark.parametrize("data, code, where", [
    (b"\xef\xbb\xbf" + minimal().encode(), None, None),
    (minimal().replace("\n", "\r\n").encode(), None, None),
    (minimal().replace("\n", "\r").encode(), None, None),
    (minimal().encode() + b"\x1a", "claims.control-char", (9, 1)),
    (minimal().replace("        source", "\tsource").encode(), "claims.syntax", (7, 1)),
    (minimal(text="caf\xe9").encode("latin-1"), "claims.encoding", (6, 19)),
    (minimal().encode("utf-16"), "claims.encoding", (1, 1)),
    (minimal().encode("utf-16-be"), "claims.binary", (1, 1)),
    (b"\xff" * 100, "claims.encoding", (1, 1)),
    (minimal(quote='"a\x00b"').encode(), "claims.binary", (8, 18)),
    (b"title: T\n" * 2, "claims.duplicate-key", (2, 1)),
    (b"&a [*a, *a, *a]", "claims.alias", (1, 1)),
    (b"", "claims.empty", (1, 1)),
    (b"\n\n# only a comment\n", "claims.empty", (1, 1)),
    (b"---\n---\n", "claims.syntax", (2, 1)),
    # Nesting (MAX_DEPTH = 500, under PyYAML 6.0.4's own 1,000): the same error with any
    # allowed PyYAML, at the first node too deep.
    (b"- " * 499 + b"x", "claims.not-a-mapping", (1, 1)),
    (b"[" * 500 + b"]" * 500, "claims.not-a-mapping", (1, 1)),
    (b"- " * 5000 + b"x", "claims.too-deep", (1, 1001)),
    # (in flow, PyYAML 6.0.4 scans ahead and stops at its own limit first: the column is where
    # it stopped, so only the line is fixed)
    (b"[" * 5000 + b"]" * 5000, "claims.too-deep", (1, None)),
    (b"[" * 1500 + b"]" * 1500, "claims.too-deep", (1, None)),
    (b"a: " + b"{b: " * 2000 + b"c" + b"}" * 2000, "claims.too-deep", (1, 2000)),
    ("".join(f"{' ' * i}k{i}:\n" for i in range(600)).encode() + b" " * 600 + b"x\n", "claims.too-deep",
     (501, 501)),
], ids=["bom", "crlf", "cr-only", "ctrl-z", "tab-indent", "latin-1", "utf-16-bom", "utf-16-no-bom",
        "all-ff", "nul-in-quote", "duplicate-key", "alias-bomb", "empty", "comment-only",
        "two-documents", "nested-499-block", "nested-500-flow", "nested-5000-block", "nested-5000-flow",
        "nested-1500-flow", "nested-2000-mapping", "nested-600-indented"])
def test_troublemakers(data: bytes, code: str | None, where: tuple[int, int | None] | None) -> None:
    briefing = assert_contract(data)
    if code is None:
        assert briefing is not None and briefing.claims[0].citations[0].quote == "q"
        return
    _, diagnostics = parse_claims(data, PATH)
    assert where is not None
    assert (code, where) in [(d.code, (d.location.line, d.location.col if where[1] else None)) for d in diagnostics]


YAML11 = ["no", "No", "NO", "off", "on", "yes", "y", "n", "true", "False", "~", "null", "1_000",
          "010", "0o17", "0x1F", "0b101", "+12", "-0", "1e3", "1.5E-3", ".inf", "-.Inf", ".NaN",
          "12:30:45", "190:20:30", "2013-12-12", "2001-12-14t21:59:43.10-05:00", "=", "<<"]


@pytest.mark.parametrize("data", [b"title: x\r\x00", b"title: x\r\xff", b"title: x\r\x07"],
                         ids=["nul", "encoding", "control-char"])
def test_positions_after_a_lone_cr(data: bytes) -> None:
    _, diagnostics = parse_claims(data, PATH)
    assert [(d.location.line, d.location.col) for d in diagnostics] == [(2, 1)]


@pytest.mark.parametrize("scalar", YAML11)
def test_yaml_1_1_scalars_stay_text(scalar: str) -> None:
    """Every scalar is read as written: no booleans, octals, sexagesimals, dates or nulls."""
    data = textwrap.dedent(f"""\
        title: {scalar}
        date: {scalar}
        sections:
          - heading: {scalar}
            claims:
              - id: a
                text: {scalar}
                source: s
                quote: {scalar}
                exempt_figures: [{scalar}]
        """)
    briefing, diagnostics = parse_claims(data, PATH)
    if scalar in ("~", "null"):
        # A YAML null is an empty value: a required field is missing, said where.
        assert briefing is None and {d.code for d in diagnostics} >= {"claims.empty-value"}
        for diagnostic in diagnostics:
            assert_well_formed(diagnostic, data)
        return
    assert diagnostics == () and briefing is not None
    claim = briefing.claims[0]
    assert (briefing.title, briefing.date, briefing.sections[0].heading) == (scalar, scalar, scalar)
    assert (claim.text, claim.citations[0].quote, claim.exempt_figures) == (scalar, scalar, (scalar,))


def test_a_one_megabyte_quote_is_read_and_verified(tmp_path: Path) -> None:
    words = "the council said that the report on public funds was late".split()
    rng = random.Random(6)
    body = " ".join(rng.choice(words) for _ in range(200_000))
    # Cut at spaces: a quote that begins or ends inside a word is not verified (issue 15 §1).
    start = body.index(" ", 5_000) + 1
    quote = body[start:body.rindex(" ", start, start + 1_000_000)]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.md").write_text(body, encoding="utf-8")
    claims = tmp_path / "claims.yaml"
    claims.write_text(minimal(quote=json.dumps(quote)), encoding="utf-8")
    with time_limit(20):
        briefing = assert_contract(claims.read_bytes())
        assert briefing is not None and briefing.claims[0].citations[0].quote == quote
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", str(tmp_path), "--format", "json"])
    assert code == 0, err.getvalue()
    assert json.loads(out.getvalue())["claims"][0]["status"] == "verified"


# --- the 50 MB limit ---------------------------------------------------------------------

CLAIM = ("      - id: c{n}\n"
         "        text: \"Azernews reports 613 civilians killed, 63 of them children ({n}).\"\n"
         "        source: azernews-2023\n"
         "        quote: \"613 Azerbaijani civilians, including 63 children, 106 women\"\n")


def generate_claims(path: Path, size: int) -> int:
    """A valid claims file of about `size` bytes; returns the number of claims."""
    head = 'title: "Big"\nsections:\n  - heading: "All"\n    claims:\n'
    with path.open("w", encoding="utf-8") as file:
        file.write(head)
        written, n = len(head), 0
        while written < size:
            chunk = "".join(CLAIM.format(n=i) for i in range(n, n + 1000))
            file.write(chunk)
            written += len(chunk)
            n += 1000
    return n


def test_a_file_over_the_limit_is_refused_unread(tmp_path: Path) -> None:
    limit = DEFAULT_SETTINGS.claims_max_bytes
    claims = tmp_path / "claims.yaml"
    with claims.open("wb") as file:  # sparse: costs nothing to make
        file.write(b"title: x\n")
        file.truncate(limit + 1)
    (tmp_path / "sources").mkdir()
    tracemalloc.start()
    started = time.perf_counter()
    code, _, err = run_cli(claims)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert code == 2
    assert (f"{claims}:1:1: error: claims file is {limit + 1:,} bytes, more than the limit of "
            f"{limit:,} bytes") in err
    assert elapsed < 2 and peak < 4 * 1024 * 1024


MEASURE = textwrap.dedent("""\
    import json, resource, sys, time
    from briefing.claims.read import load_claims
    start = time.perf_counter()
    briefing, diagnostics = load_claims(sys.argv[1])
    print(json.dumps({"seconds": time.perf_counter() - start,
                      "claims": len(briefing.claims) if briefing else 0,
                      "errors": [d.code for d in diagnostics],
                      "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""")


def measure_parse(path: Path, memory_cap_mb: int) -> dict:
    def cap() -> None:
        limit = memory_cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True,
                          text=True, timeout=300, preexec_fn=cap, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_five_megabyte_file_parses_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """A tenth of the limit, every run: about 0.6 s and 110 MB here."""
    claims = tmp_path / "claims.yaml"
    n = generate_claims(claims, 5 * 10**6)
    result = measure_parse(claims, memory_cap_mb=1024)
    assert result["claims"] == n and result["errors"] == []
    assert result["seconds"] < 10 and result["max_rss_mb"] < 400, result


@pytest.mark.skipif(not HEAVY, reason="50 MB parse: set BRIEFING_HEAVY_TESTS=1")
def test_a_fifty_megabyte_file_parses_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """At the limit (measured here: 5.7 s, 975 MB peak RSS, about 20 bytes per input byte)."""
    claims = tmp_path / "claims.yaml"
    n = generate_claims(claims, DEFAULT_SETTINGS.claims_max_bytes - 200_000)
    result = measure_parse(claims, memory_cap_mb=3072)
    print(result)
    assert result["claims"] == n and result["errors"] == []
    assert result["seconds"] < 60 and result["max_rss_mb"] < 2048, result


# --- deep nesting: a crash in libyaml's composer -----------------------------------------

DEEP = textwrap.dedent("""\
    import sys
    from briefing.cli import main
    sys.exit(main(["check", sys.argv[1], "--format", "json"]))
""")


@pytest.mark.parametrize("nest", ["[" * 100_000, "- " * 100_000 + "x"], ids=["flow", "block"])
def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path, nest: str) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "claims.yaml").write_text(nest, encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", DEEP, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    errors = json.loads(done.stdout)["diagnostics"]
    assert errors and errors[0]["line"] == 1 and errors[0]["col"] >= 1
