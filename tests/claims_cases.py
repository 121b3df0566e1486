"""Claims files shared by the parser's tests and the schema's agreement test (no tests here):
one valid file, and one file per error with its exact (code, LINE:COL, message)."""

from __future__ import annotations

import textwrap

import pytest

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
