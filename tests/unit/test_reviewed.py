"""A reviewer's ticks (issue 17 §1): what a tick vouches for, the exported file read back with every
problem at FILE:line:col, and the warnings `check --reviewed` gives."""

from __future__ import annotations

from dataclasses import replace

import pytest

from briefing.diagnostics import REVIEW_CHANGED, REVIEW_INVALID, REVIEW_UNKNOWN_CLAIM, REVIEW_UNREVIEWED, Severity
from briefing.models import Citation, Claim, ClaimResult, Report, Source, Status
from briefing.report.reviewed import ReviewedFileError, Tick, fingerprint, parse_reviewed, review_diagnostics

SOURCE = Source("s", "sources/s.md", "text", "The text.", sha256="a" * 64)
CLAIM = Claim("c1", "The claim.", (Citation("s", "The text", 5, 16),), 3)
DIGEST = fingerprint(CLAIM, CLAIM.text, {"s": SOURCE})
GOOD = f"""{{
  "briefing_review": 1,
  "claims_sha256": "{'b' * 64}",
  "exported": "2026-12-07T05:00:00.000Z",
  "reviewed": [
    {{"id": "c1", "sha256": "{DIGEST}"}},
    {{"id": "gone", "sha256": "{'c' * 64}"}}
  ]
}}
"""


def test_the_fingerprint_is_stable_and_hex() -> None:
    assert fingerprint(CLAIM, CLAIM.text, {"s": SOURCE}) == DIGEST and len(DIGEST) == 64


@pytest.mark.parametrize(("claim", "text", "source"), [
    (CLAIM, "The claim, edited.", SOURCE),
    (replace(CLAIM, citations=(Citation("s", "The text.", 5, 16),)), CLAIM.text, SOURCE),
    (replace(CLAIM, citations=(Citation("t", "The text", 5, 16),)), CLAIM.text, SOURCE),
    (CLAIM, CLAIM.text, replace(SOURCE, sha256="d" * 64)),
], ids=["text", "quote", "cited-source", "source-bytes"])
def test_what_was_reviewed_changing_changes_the_fingerprint(claim: Claim, text: str, source: Source) -> None:
    assert fingerprint(claim, text, {"s": source}) != DIGEST


@pytest.mark.parametrize("moved", [
    replace(CLAIM, line=40, text_line=41),
    replace(CLAIM, citations=(Citation("s", "The text", 99, 1),)),
], ids=["claim-moved", "quote-moved"])
def test_moving_a_claim_in_its_file_keeps_its_fingerprint(moved: Claim) -> None:
    assert fingerprint(moved, moved.text, {"s": SOURCE}) == DIGEST


def test_the_exported_file_reads_back_with_each_ticks_line() -> None:
    assert parse_reviewed(GOOD, "reviewed.json") == (Tick("c1", DIGEST, 6, 5), Tick("gone", "c" * 64, 7, 5))


def test_yaml_and_an_empty_list_read_too() -> None:
    assert parse_reviewed("briefing_review: 1\nreviewed:\n  - id: c1\n    sha256: " + DIGEST + "\n", "r.yaml") == (
        Tick("c1", DIGEST, 3, 5),)
    assert parse_reviewed('{"briefing_review": 1, "reviewed": []}', "r.json") == ()


BAD_CASES = [
    ("not-json", '{"briefing_review": 1,\n  "reviewed": [\n', 3, "not valid JSON or YAML"),
    ("a-list", "- 1\n", 1, "expected a mapping with 'briefing_review' and 'reviewed'"),
    ("no-version", '{"reviewed": []}', 1, "'briefing_review: 1' is missing: is this a file the review page exported?"),
    ("version-2", '{\n  "briefing_review": 2,\n  "reviewed": []}', 2,
     "'briefing_review' is '2'; this briefing reads version 1"),
    ("unknown-key", '{"briefing_review": 1,\n "reviewer": "me", "reviewed": []}', 2,
     "unknown key 'reviewer' (expected briefing_review, claims_sha256, exported, reviewed)"),
    ("no-list", '{"briefing_review": 1, "reviewed": "c1"}', 1, "'reviewed' must be a list of {id, sha256}"),
    ("item-not-mapping", '{"briefing_review": 1, "reviewed": [\n  "c1"]}', 2,
     "each item of 'reviewed' must be a mapping with 'id' and 'sha256'"),
    ("no-sha", '{"briefing_review": 1, "reviewed": [\n  {"id": "c1"}]}', 2, "an item of 'reviewed' has no 'sha256'"),
    ("short-sha", '{"briefing_review": 1, "reviewed": [\n\n  {"id": "c1", "sha256": "abc"}]}', 3,
     "claim 'c1': 'sha256' is not 64 lower-case hex digits"),
    ("twice", f'{{"briefing_review": 1, "reviewed": [\n  {{"id": "c1", "sha256": "{DIGEST}"}},\n'
              f'  {{"id": "c1", "sha256": "{DIGEST}"}}]}}', 3, "claim 'c1' is listed twice (first at line 2)"),
    ("id-a-list", '{"briefing_review": 1, "reviewed": [\n  {"id": [1], "sha256": "x"}]}', 2,
     "expected a single value here, not a list or mapping"),
]


@pytest.mark.parametrize(("text", "line", "message"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_a_bad_file_is_refused_at_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ReviewedFileError) as raised:
        parse_reviewed(text, "reviewed.json")
    diagnostic = raised.value.diagnostic
    assert (diagnostic.code, diagnostic.severity) == (REVIEW_INVALID, Severity.ERROR)
    assert diagnostic.location is not None
    assert (diagnostic.location.path, diagnostic.location.line) == ("reviewed.json", line)
    assert diagnostic.message.startswith(message), diagnostic.message


def _report(*claims: Claim) -> Report:
    results = tuple(ClaimResult(c, Status.VERIFIED, ()) for c in claims)
    return Report("claims.yaml", "sources", results, (), (SOURCE,))


def test_changed_unreviewed_and_unknown_claims_are_warnings_at_their_lines() -> None:
    other = Claim("c2", "Another.", (Citation("s", "The text", 9, 16),), 7)
    ticks = parse_reviewed(GOOD, "reviewed.json")
    now = {"c1": fingerprint(CLAIM, "The claim, edited.", {"s": SOURCE}), "c2": "e" * 64}
    found = review_diagnostics(_report(CLAIM, other), ticks, now, "reviewed.json")
    assert [(d.code, d.severity, str(d.location), d.message) for d in found] == [
        (REVIEW_CHANGED, Severity.WARNING, "claims.yaml:3:1",
         "claim 'c1' changed since it was reviewed (its text, a quote or a cited source; ticked at reviewed.json:6)"),
        (REVIEW_UNREVIEWED, Severity.WARNING, "claims.yaml:7:1", "claim 'c2' is not reviewed yet"),
        (REVIEW_UNKNOWN_CLAIM, Severity.WARNING, "reviewed.json:7:5", "reviewed claim 'gone' is not in claims.yaml"),
    ]


def test_a_claim_ticked_as_it_is_gives_nothing() -> None:
    ticks = parse_reviewed(GOOD, "reviewed.json")[:1]
    assert review_diagnostics(_report(CLAIM), ticks, {"c1": DIGEST}, "reviewed.json") == ()

