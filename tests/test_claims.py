"""Claims file parsing: the schema, raw scalars, and every diagnostic with its exact LINE:COL."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from briefing.claims.read import load_claims, parse_claims
from briefing.models import Briefing, Citation, Claim, Section
from briefing.settings import Settings


def parse(text: str | bytes) -> tuple[Briefing | None, list[tuple[str, str, str]]]:
    """Parse a dedented snippet; diagnostics as (code, 'LINE:COL', message)."""
    data = textwrap.dedent(text) if isinstance(text, str) else text
    briefing, diagnostics = parse_claims(data, "claims.yaml")
    return briefing, [(d.code, f"{d.location.line}:{d.location.col}" if d.location else "", d.message)
                      for d in diagnostics]


ONE_CLAIM = "sections: [{heading: H, claims: [{id: a, text: t, source: s, quote: q}]}]\n"

VALID = """\
    title: The Khojaly massacre
    subtitle: What the sources say
    author: A. Writer
    date: 2013-12-12
    summary: |
      Two outlets, one event.
    sections:
      - heading: Casualties
        claims:
          - id: death-toll
            text: "Azernews reports that 613 civilians were killed."
            source: azernews-2023
            quote: "613 Azerbaijani civilians"
          - id: children.killed_2
            text: >
              Rajabova and Azernews give different numbers of children.
            citations:
              - {source: azernews-2023, quote: "including 63 children"}
              - source: rajabova-2013
                quote: |
                  and 83 children
            exempt_figures: [five, 6]
"""


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


def claim_file(claim: str) -> str:
    """A valid file around one claim given as YAML lines (claim starts at line 5, column 7)."""
    first, *rest = textwrap.dedent(claim).splitlines(keepends=True)
    return ("title: T\nsections:\n  - heading: H\n    claims:\n      - " + first
            + "".join(" " * 8 + line for line in rest))


NOT_A_MAPPING = "claims file must be a mapping with 'title' and 'sections', not "
ALIAS = "YAML aliases and anchors are not allowed in claims files"
BAD_ID = "may only use letters, digits, '.', '_' and '-', starting with a letter or digit"


def case(name: str, text: str | bytes, *expected: tuple[str, str, str]) -> object:
    return pytest.param(text, list(expected), id=name)


ERRORS = [
    # --- the file as a whole -------------------------------------------------
    case("empty", "", ("claims.empty", "1:1", "claims file is empty")),
    case("only-comments", "# only a comment\n\n", ("claims.empty", "1:1", "claims file is empty")),
    case("top-level-list", "- a\n- b\n", ("claims.not-a-mapping", "1:1", NOT_A_MAPPING + "a list")),
    case("top-level-text", "just words\n", ("claims.not-a-mapping", "1:1", NOT_A_MAPPING + "text")),
    case("binary-nul", b"title: T\nsec\x00tions",
         ("claims.binary", "2:4", "claims file contains a NUL byte: it looks binary, not YAML")),
    case("latin-1", "title: café\nsummary: naïve\n".encode("latin-1"),
         ("claims.encoding", "1:11", "claims file is not valid UTF-8 (byte 0xe9)")),
    case("utf-16", "title: T\n".encode("utf-16"),
         ("claims.encoding", "1:1", "claims file is UTF-16, not UTF-8")),
    case("control-characters", "title: é\x01\nsummary: [\x1b]\n",
         ("claims.control-char", "1:9", "control character U+0001 is not allowed in YAML"),
         ("claims.control-char", "2:11", "control character U+001B is not allowed in YAML")),
    # --- YAML syntax (only these stop the walk) ------------------------------
    case("tab-indent", "title: T\nsections:\n\t- heading: H\n",
         ("claims.syntax", "3:1", "tabs are not allowed in YAML indentation")),
    case("unclosed-quote", 'title: "T\nsections: []\n',
         ("claims.syntax", "3:1",
          "found unexpected end of stream (while scanning a quoted scalar at line 1)")),
    case("colon-in-text", "title: Khojaly: the facts\n",
         ("claims.syntax", "1:15", "mapping values are not allowed in this context")),
    case("two-documents", "title: T\n---\ntitle: U\n",
         ("claims.syntax", "2:1", "claims file holds more than one YAML document")),
    # --- anchors and aliases -------------------------------------------------
    case("anchor-and-alias", "title: &t T\nsummary: *t\n" + ONE_CLAIM,
         ("claims.alias", "1:8", ALIAS), ("claims.alias", "2:10", ALIAS)),
    case("tagged-anchor", "title: !!str &t T\n" + ONE_CLAIM, ("claims.alias", "1:8", ALIAS)),
    case("undefined-alias", "title: *nowhere\n", ("claims.alias", "1:8", ALIAS)),
    # --- top-level schema ----------------------------------------------------
    case("no-title", "subtitle: S\n" + ONE_CLAIM,
         ("claims.missing-key", "1:1", "the claims file has no 'title'")),
    case("no-sections", "title: T\n", ("claims.missing-key", "1:1", "the claims file has no 'sections'")),
    case("empty-sections", "title: T\nsections: []\n",
         ("claims.empty-list", "2:1", "the claims file has an empty 'sections' list")),
    case("null-sections", "title: T\nsections:\n",
         ("claims.empty-list", "2:1", "the claims file has an empty 'sections' list")),
    case("wrong-types-top", "title: [a, b]\nsections: {heading: H}\n",
         ("claims.type", "1:8", "'title' must be text, not a list"),
         ("claims.type", "2:11", "'sections' must be a list, not a mapping")),
    case("duplicate-top-key", "title: T\ntitle: U\n" + ONE_CLAIM,
         ("claims.duplicate-key", "2:1", "duplicate key 'title' at the top level (first used at line 1)")),
    case("bad-sections", "title: T\nsections:\n  - 5\n  - claims: [{id: a, text: t, source: s, quote: q}]\n",
         ("claims.type", "3:5", "section 1 must be a mapping with 'heading' and 'claims', not a number"),
         ("claims.missing-key", "4:5", "section 2 has no 'heading'")),
    case("empty-claims", "title: T\nsections:\n  - heading: H\n    claims: []\n",
         ("claims.empty-list", "4:5", "section 'H' has an empty 'claims' list")),
    # --- claims --------------------------------------------------------------
    case("no-text", claim_file("id: a\nsource: s\nquote: q\n"),
         ("claims.missing-key", "5:9", "claim 'a' has no 'text'")),
    case("no-id", claim_file("text: t\nsource: s\nquote: q\n"),
         ("claims.missing-key", "5:9", "claim 1 of section 'H' has no 'id'")),
    case("no-citation", claim_file("id: a\ntext: t\n"),
         ("claims.missing-key", "5:9", "claim 'a' has no 'source' and 'quote', nor 'citations'")),
    case("source-without-quote", claim_file("id: a\ntext: t\nsource: s\n"),
         ("claims.missing-key", "5:9", "claim 'a' has no 'quote'")),
    case("misspelt-quote", claim_file("id: a\ntext: t\nsource: s\nqoute: q\n"),
         ("claims.missing-key", "5:9", "claim 'a' has no 'quote'"),
         ("claims.unknown-key", "8:9", "unknown key 'qoute' in claim 'a'")),
    case("duplicate-quote-key", claim_file("id: a\ntext: t\nsource: s\nquote: q\nquote: r\n"),
         ("claims.duplicate-key", "9:9", "duplicate key 'quote' in claim 'a' (first used at line 8)")),
    case("blank-quote", claim_file("id: a\ntext: t\nsource: s\nquote: '   '\n"),
         ("claims.empty-quote", "8:16", "claim 'a' has an empty 'quote'")),
    case("missing-quote-value", claim_file("id: a\ntext: t\nsource: s\nquote:\n"),
         ("claims.empty-quote", "8:15", "claim 'a' has an empty 'quote'")),
    case("empty-text", claim_file("id: a\ntext: ''\nsource: s\nquote: q\n"),
         ("claims.empty-value", "6:15", "claim 'a' has an empty 'text'")),
    case("quote-is-list", claim_file("id: a\ntext: t\nsource: s\nquote: [x, y]\n"),
         ("claims.type", "8:16", "'quote' of claim 'a' must be text, not a list")),
    case("text-is-mapping", claim_file("id: a\ntext: {x: 1}\nsource: s\nquote: q\n"),
         ("claims.type", "6:15", "'text' of claim 'a' must be text, not a mapping")),
    case("id-with-space", claim_file("id: death toll\ntext: t\nsource: s\nquote: q\n"),
         ("claims.bad-id", "5:13", f"claim id 'death toll' {BAD_ID}")),
    case("id-starts-with-dash", claim_file("id: -x\ntext: t\nsource: s\nquote: q\n"),
         ("claims.bad-id", "5:13", f"claim id '-x' {BAD_ID}")),
    case("duplicate-id", claim_file("id: a\ntext: t\nsource: s\nquote: q\n")
         + "      - id: a\n        text: u\n        source: s\n        quote: r\n",
         ("claims.duplicate-id", "9:13", "duplicate claim id 'a' (first used at line 5)")),
    case("both-forms",
         claim_file("id: a\ntext: t\nsource: s\nquote: q\ncitations: [{source: s, quote: q}]\n"),
         ("claims.both-forms", "9:9", "claim 'a' has both 'citations' and 'source'/'quote'")),
    case("empty-citations", claim_file("id: a\ntext: t\ncitations: []\n"),
         ("claims.empty-list", "7:9", "claim 'a' has an empty 'citations' list")),
    case("bad-citations",
         claim_file("id: a\ntext: t\ncitations:\n"
                    "  - {source: s}\n  - q\n  - {source: s, quote: q, page: 4}\n"),
         ("claims.missing-key", "8:13", "citation 1 of claim 'a' has no 'quote'"),
         ("claims.type", "9:13",
          "citation 2 of claim 'a' must be a mapping with 'source' and 'quote', not text"),
         ("claims.unknown-key", "10:35", "unknown key 'page' in citation 3 of claim 'a'")),
    case("exempt-not-list", claim_file("id: a\ntext: t\nsource: s\nquote: q\nexempt_figures: five\n"),
         ("claims.type", "9:25", "'exempt_figures' of claim 'a' must be a list, not text")),
    case("exempt-bad-items",
         claim_file("id: a\ntext: t\nsource: s\nquote: q\nexempt_figures: [five, [6], '']\n"),
         ("claims.type", "9:32", "each item of 'exempt_figures' of claim 'a' must be text, not a list"),
         ("claims.empty-value", "9:37", "claim 'a' has an empty item in 'exempt_figures'")),
    # --- control characters written as escapes (issue 15 §6) ----------------
    case("escaped-nul-in-text", claim_file('id: a\ntext: "The toll was 613.\\0"\nsource: s\nquote: q\n'),
         ("claims.control-char", "6:33", "'text' holds the control character U+0000 (written as \"\\0\"), "
          "which cannot be printed")),
    case("escaped-controls-elsewhere",
         'title: "T\\x07"\nauthor: "A\\u001b"\n' + claim_file('id: a\ntext: t\nsource: s\nquote: "q\\e"\n')[9:],
         ("claims.control-char", "1:10", "'title' holds the control character U+0007 (written as \"\\x07\"), "
          "which cannot be printed"),
         ("claims.control-char", "2:11", "'author' holds the control character U+001B (written as \"\\u001b\"), "
          "which cannot be printed"),
         ("claims.control-char", "9:18", "'quote' holds the control character U+001B (written as \"\\e\"), "
          "which cannot be printed")),
    case("claim-is-text", claim_file("just a sentence\n"),
         ("claims.type", "5:9",
          "claim 1 of section 'H' must be a mapping with 'id', 'text', 'source' and 'quote', not text")),
]


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
                 "allowed keys: title, subtitle, author, date, summary, sections, names", id="no-close-match"),
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
