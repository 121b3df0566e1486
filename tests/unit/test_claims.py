"""Claims file parsing: the schema, raw scalars, and every diagnostic with its exact LINE:COL."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from claims_cases import ERRORS, ONE_CLAIM, VALID, claim_file

from briefing.claims.read import load_claims, parse_claims
from briefing.models import Briefing, Citation, Claim, Section
from briefing.settings import Settings


def parse(text: str | bytes) -> tuple[Briefing | None, list[tuple[str, str, str]]]:
    """Parse a dedented snippet; diagnostics as (code, 'LINE:COL', message)."""
    data = textwrap.dedent(text) if isinstance(text, str) else text
    briefing, diagnostics = parse_claims(data, "claims.yaml")
    return briefing, [(d.code, f"{d.location.line}:{d.location.col}" if d.location else "", d.message)
                      for d in diagnostics]


def test_valid_file_gives_every_field_with_positions() -> None:
    briefing, diagnostics = parse(VALID)
    assert diagnostics == []
    assert briefing == Briefing(
        path="claims.yaml",
        title="The Khojaly massacre",
        subtitle="What the sources say",
        author="A. Writer",
        date="2013-12-12",
        summary="Two outlets, one event.",
        sections=(Section("Casualties", line=8, claims=(
            Claim("death-toll", "Azernews reports that 613 civilians were killed.",
                  (Citation("azernews-2023", "613 Azerbaijani civilians", line=13, col=16),),
                  line=10, col=9, text_line=11),
            Claim("children.killed_2", "Rajabova and Azernews give different numbers of children.",
                  (Citation("azernews-2023", "including 63 children", line=18, col=44),
                   Citation("rajabova-2013", "and 83 children", line=20, col=20)),
                  line=14, col=9, exempt_figures=("five", "6"), text_line=15),
        )),),
    )


@pytest.mark.parametrize("field, value, expected", [
    pytest.param("quote", "63", "63", id="number-quote-stays-text"),
    pytest.param("quote", "6.30", "6.30", id="decimal-keeps-trailing-zero"),
    pytest.param("quote", "1,275", "1,275", id="thousands-separator"),
    pytest.param("quote", "yes", "yes", id="yaml11-bool-stays-text"),
    pytest.param("quote", "'  spaced  '", "  spaced", id="leading-space-kept-trailing-stripped"),
    pytest.param("id", "no", "no", id="id-no-is-not-false"),
    pytest.param("id", "0012", "0012", id="id-keeps-leading-zeros"),
    pytest.param("source", "2020", "2020", id="numeric-source-id"),
    pytest.param("text", "|\n        line one\n        line two\n", "line one\nline two",
                 id="literal-block-loses-final-newline"),
])
def test_scalars_are_read_as_raw_text(field: str, value: str, expected: str) -> None:
    fields = {"id": "c1", "text": "t", "source": "s", "quote": "q", field: value}
    body = "".join(f"      {key}: {val}\n" for key, val in fields.items())
    briefing, diagnostics = parse("title: T\nsections:\n  - heading: H\n    claims:\n    - \n" + body)
    assert diagnostics == []
    assert briefing is not None
    claim = briefing.claims[0]
    assert {"id": claim.id, "text": claim.text, "source": claim.citations[0].source,
            "quote": claim.citations[0].quote}[field] == expected


def test_date_is_kept_as_written() -> None:
    briefing, _ = parse("title: T\ndate: 2013-12-12\n" + ONE_CLAIM)
    assert briefing is not None and briefing.date == "2013-12-12"
    assert (briefing.claims[0].line, briefing.claims[0].col) == (3, 35)  # first key, inside the braces


def test_ampersands_and_asterisks_in_text_are_not_aliases() -> None:
    briefing, diagnostics = parse("title: 'Q&A: *the* facts'\nsummary: \"- *z, &w\"\n" + ONE_CLAIM)
    assert diagnostics == []
    assert briefing is not None and briefing.title == "Q&A: *the* facts"


def test_tags_are_never_constructed() -> None:
    # Only the node tree is composed, so a Python tag is inert text, never a call.
    briefing, diagnostics = parse("title: !!python/name:os.system os\n" + ONE_CLAIM)
    assert diagnostics == [] and briefing is not None and briefing.title == "os"


@pytest.mark.parametrize("text, expected", ERRORS)
def test_errors_have_exact_code_position_and_message(text: str | bytes, expected: list) -> None:
    briefing, diagnostics = parse(text)
    assert diagnostics == expected
    assert briefing is None


@pytest.mark.parametrize("text", [p.values[0] for p in ERRORS], ids=[p.id for p in ERRORS])
def test_every_diagnostic_is_well_formed(text: str | bytes) -> None:
    _, diagnostics = parse_claims(textwrap.dedent(text) if isinstance(text, str) else text, "claims.yaml")
    for d in diagnostics:
        assert d.code.startswith("claims.")
        assert d.hint, d
        assert d.location is not None and d.location.path == "claims.yaml"
        assert d.message.lstrip("'")[0].islower() or d.message.startswith("YAML"), d.message
        assert not d.message.endswith(".")


@pytest.mark.parametrize("text, hint", [
    pytest.param(claim_file("id: a\ntext: t\nsource: s\nqoute: q\n"), "did you mean 'quote'?", id="qoute"),
    pytest.param("title: T\nsectoins: []\n", "did you mean 'sections'?", id="sectoins"),
    pytest.param("title: T\nzzz: 1\nsections: []\n",
                 "allowed keys: title, subtitle, author, date, summary, sections, names, marking, logo, logo_alt, "
                 "reference, cover, toc, pdf", id="no-close-match"),
    pytest.param(claim_file("id: death toll!\ntext: t\nsource: s\nquote: q\n"), "try 'death-toll'",
                 id="id-slug"),
    pytest.param("title: T\nsections:\n\t- heading: H\n", "indent with spaces, not tabs", id="tab"),
    pytest.param("title: Khojaly: the facts\n", "put text that contains ': ' in double quotes", id="colon"),
    pytest.param('title: "Khojaly\n', "close the quotation mark; inside double quotes write \\\" for a quote "
                 "character", id="unclosed-quote"),
    pytest.param('title: "Khojaly \\ud800"\n', "write the character itself; \\ud800 to \\udfff are halves of "
                 "a pair, not characters", id="surrogate-escape"),
    pytest.param('title: "C:\\Khojaly"\n', "inside double quotes write \\\\ for a backslash, or use single "
                 "quotes", id="unknown-escape"),
    pytest.param('title: "caf\\u00e"\n', "write \\x with 2 hex digits, \\u with 4 or \\U with 8, or write the "
                 "character itself", id="short-escape"),
])
def test_hints_say_what_to_write(text: str, hint: str) -> None:
    _, diagnostics = parse_claims(text, "claims.yaml")
    assert hint in [d.hint for d in diagnostics]


def test_all_problems_are_reported_in_one_run() -> None:
    text = claim_file("""\
        id: a
        text: ''
        source: s
        qoute: q
        """) + "      - id: a\n        text: t\n        citations: []\n  - heading: [H]\n    claims: []\n"
    briefing, diagnostics = parse(text)
    assert briefing is None
    assert diagnostics == [
        ("claims.missing-key", "5:9", "claim 'a' has no 'quote'"),
        ("claims.empty-value", "6:15", "claim 'a' has an empty 'text'"),
        ("claims.unknown-key", "8:9", "unknown key 'qoute' in claim 'a'"),
        ("claims.duplicate-id", "9:13", "duplicate claim id 'a' (first used at line 5)"),
        ("claims.empty-list", "11:9", "claim 'a' has an empty 'citations' list"),
        ("claims.type", "12:14", "'heading' of section 2 must be text, not a list"),
        ("claims.empty-list", "13:5", "section 2 has an empty 'claims' list"),
    ]


def test_alias_bomb_is_rejected_at_once() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi")]
    started = time.perf_counter()
    briefing, diagnostics = parse_claims("\n".join(lines) + "\n", "claims.yaml")
    assert time.perf_counter() - started < 1.0
    assert briefing is None
    aliases = [d for d in diagnostics if d.code == "claims.alias"]
    assert [(d.location.line, d.location.col) for d in aliases[:3]] == [(1, 4), (2, 4), (2, 8)]
    assert aliases[-1].message == "61 more YAML aliases and anchors, not shown"


def test_bom_prefixed_file_parses_with_editor_columns() -> None:
    data = "\ufefftitle: [T]\nsections: []\n".encode("utf-8")
    _, diagnostics = parse(data)
    assert diagnostics[0] == ("claims.type", "1:8", "'title' must be text, not a list")
    briefing, diagnostics = parse(("\ufeff" + textwrap.dedent(VALID)).encode("utf-8"))
    assert diagnostics == [] and briefing is not None and briefing.title == "The Khojaly massacre"


def test_unicode_line_separator_in_a_quote_does_not_shift_lines() -> None:
    text = 'title: "a\u2028b"\nsections: 5\n'
    briefing, diagnostics = parse(text)
    assert diagnostics == [("claims.type", "2:11", "'sections' must be a list, not a number")]


def test_windows_line_endings() -> None:
    briefing, diagnostics = parse(textwrap.dedent(VALID).replace("\n", "\r\n").encode())
    assert diagnostics == [] and briefing is not None
    assert briefing.claims[0].citations[0].line == 13


def test_load_claims_reads_a_file(tmp_path: Path) -> None:
    file = tmp_path / "claims.yaml"
    file.write_text(textwrap.dedent(VALID), encoding="utf-8")
    briefing, diagnostics = load_claims(file)
    assert diagnostics == () and briefing is not None
    assert briefing.path == str(file)
    assert len(briefing.claims) == 2


def test_load_claims_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    briefing, (diagnostic,) = load_claims(missing)
    assert briefing is None
    assert (diagnostic.code, diagnostic.message) == ("claims.missing", f"claims file not found: {missing}")


def test_load_claims_directory(tmp_path: Path) -> None:
    briefing, (diagnostic,) = load_claims(str(tmp_path))
    assert briefing is None
    assert (diagnostic.code, diagnostic.message) == (
        "claims.unreadable", f"claims path is a directory, not a file: {tmp_path}")


def test_load_claims_too_large(tmp_path: Path) -> None:
    file = tmp_path / "claims.yaml"
    file.write_text("title: " + "x" * 200 + "\n", encoding="utf-8")
    briefing, (diagnostic,) = load_claims(str(file), Settings(claims_max_bytes=100))
    assert briefing is None
    assert (diagnostic.code, diagnostic.message) == (
        "claims.too-large", "claims file is 208 bytes, more than the limit of 100 bytes")


@pytest.mark.parametrize("text, ok", [
    pytest.param('"The toll was 613.\\0"', False, id="escaped-nul"),
    pytest.param('"The toll was 613 (a\\\\b)."', True, id="an-escaped-backslash-before-a-letter-is-text"),
    pytest.param('"The toll\\twas 613."', True, id="an-escaped-tab-is-allowed"),
])
def test_an_escaped_nul_in_claim_text_is_refused_and_nothing_is_built(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, ok: bool) -> None:
    """Issue 15 §6: a NUL written as "\\0" reached the HTML as it was; it is refused like a bidi control."""
    from briefing.cli import main

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.md").write_text("There were 613 dead.\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(claim_file(f"id: a\ntext: {text}\nsource: s\nquote: 613 dead\n"),
                                          encoding="utf-8")
    out = tmp_path / "out.html"
    code = main(["build", str(tmp_path), "--format", "html", "-o", str(out)])
    captured = capsys.readouterr()
    if ok:
        assert code == 0, captured.err
        assert "\x00" not in out.read_text(encoding="utf-8")
        return
    assert code == 2
    assert not out.exists()
    assert ("claims.yaml:6:33: error: 'text' holds the control character U+0000 (written as \"\\0\"), which "
            "cannot be printed") in captured.err
    assert "Traceback" not in captured.out + captured.err


# --- the sections handed on before the file is checked (issue 19) -----------------------------

def _early(text: str) -> tuple[Briefing | None, list[str], list[tuple[Section, ...]]]:
    given: list[tuple[Section, ...]] = []
    briefing, diagnostics = parse_claims(textwrap.dedent(text), "claims.yaml", early=given.append)
    return briefing, [d.code for d in diagnostics], given


def test_the_sections_handed_on_early_are_the_briefings_own() -> None:
    briefing, codes, given = _early(VALID)
    assert codes == [] and briefing is not None
    assert len(given) == 1 and given[0] is briefing.sections
    assert parse_claims(textwrap.dedent(VALID), "claims.yaml")[0] == briefing


def test_a_file_the_checks_refuse_may_be_handed_on_but_gives_no_briefing() -> None:
    # Built fine, refused by the schema (an unknown key): handed on, then no briefing, so the
    # caller drops what it started.
    briefing, codes, given = _early(VALID.replace('        quote: "613', '        quotes: x\n            quote: "613'))
    assert briefing is None and "claims.unknown-key" in codes and len(given) == 1
    # Not even buildable (a claim without its quote): nothing handed on, and the schema's words.
    briefing, codes, given = _early(ONE_CLAIM.replace("quote:", "note:"))
    assert briefing is None and given == [] and codes


def test_a_file_with_aliases_is_never_built_before_it_is_checked() -> None:
    # An alias repeats a part of the file: a section of 10,000 claims named 10,000 times in one
    # line would build 100 million claims before the check that refuses aliases. Here twice.
    text = ("title: T\nx: &sec {heading: H, claims: [{id: a, text: b, source: s, quote: q}]}\n"
            "sections: [*sec, *sec]\n")
    given: list[tuple[Section, ...]] = []
    briefing, diagnostics = parse_claims(text, "claims.yaml", early=given.append)
    assert briefing is None and "claims.alias" in [d.code for d in diagnostics]
    assert given == []


@pytest.mark.parametrize("line_break", ["\r", "\x85", "\u2028"], ids=["cr", "nel", "ls"])
def test_an_alias_in_a_file_of_other_line_breaks_is_found(line_break: str) -> None:
    # A review found the quick test for anchors cut lines at "\n" alone: with YAML's other
    # line breaks an alias went unreported, and the claims were built early on it.
    lines = ["title: T", "sections:", "- heading: H", "  claims:", "  - id: a", "    text: x", "    source: s",
             "    quote:", "      &q hello world quote", "  - id: b", "    text: y", "    source: s",
             "    quote:", "      *q"]
    given: list[tuple[Section, ...]] = []
    briefing, diagnostics = parse_claims(line_break.join(lines) + line_break, "claims.yaml", early=given.append)
    assert briefing is None and [d.code for d in diagnostics] == ["claims.alias", "claims.alias"]
    assert given == []
