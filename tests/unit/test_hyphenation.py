"""Line-end hyphens read both ways, on real PDFs (tests/fixtures/ingest) and on made-up text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import INGEST

from briefing.engine.run import verify
from briefing.models import Briefing, Citation, Claim, Section, Source, Status
from briefing.settings import DEFAULT_SETTINGS
from briefing.sources import reader_for
from briefing.text import LineIndex, normalise
from briefing.verify.hyphenation import (
    JOINED,
    KEPT,
    find_hyphenated,
    hyphenate,
    may_match_across_breaks,
    squeezed,
    squeezed_utf8,
    which_may_match_across_breaks,
)
from briefing.verify.quote import parsed as parse
from briefing.verify.shape import too_short

MAX_GAP = 1500


def fixture_source(name: str) -> Source:
    path = INGEST / name
    reader = reader_for(path)
    assert reader is not None
    source, problems = reader.parse(path.read_bytes(), str(path), path.stem)
    assert source is not None, problems
    return source


def check_one(source: Source, quote: str):
    claim = Claim("c", "text", (Citation(source.id, quote, 1),), 1)
    report = verify(Briefing("claims.yaml", "T", (Section("S", (claim,)),)), {source.id: source})
    return report.claims[0].citations[0]


# quote, fixture, folds the match reports, pages it touches. The WeasyPrint PDF is made with
# `hyphens: auto` (U+2010 at line ends) and two columns; the hand-made one has a typed
# hyphen-minus at a line end and is not made by WeasyPrint.
CASES = [
    pytest.param("The committee’s report on “institutional management” found", "weasyprint.pdf",
                 ("whitespace", JOINED), (1,), id="auto-hyphen-joined"),
    pytest.param("administrative responsibilities were distributed inconsistently", "weasyprint.pdf",
                 ("whitespace", JOINED), (1,), id="two-breaks-in-one-quote"),
    pytest.param("cost-effective and evidence-based decision-making framework", "weasyprint.pdf",
                 ("whitespace", JOINED, KEPT), (1,), id="both-readings-in-one-quote"),
    pytest.param("the extraordinarily complicated arrangements", "weasyprint.pdf",
                 ("whitespace", JOINED), (1,), id="second-column"),
    pytest.param("part-time and full-time workforce. Page two begins", "weasyprint.pdf",
                 ("whitespace", JOINED), (1, 2), id="across-a-page"),
    pytest.param("this sentence about efficient, affluent offices.", "weasyprint.pdf",
                 (JOINED,), (2,), id="page-two"),
    pytest.param("report lists the management of public records", "handmade.pdf",
                 (JOINED,), (1,), id="typed-hyphen-joined"),
    pytest.param("report lists the man-agement of public records", "handmade.pdf",
                 (KEPT,), (1,), id="typed-hyphen-kept"),
    pytest.param("institutional man-agement", "weasyprint.pdf",
                 ("whitespace", "dashes", KEPT), (1,), id="auto-hyphen-kept-is-a-dash-fold"),
    pytest.param("The “hand-made” report", "handmade.pdf", (), (1,), id="no-break-no-reading"),
]


@pytest.mark.parametrize(("quote", "fixture", "folds", "pages"), CASES)
def test_quotes_verify_under_either_reading(quote: str, fixture: str, folds: tuple[str, ...],
                                            pages: tuple[int, ...]) -> None:
    result = check_one(fixture_source(fixture), quote)
    assert result.status is Status.VERIFIED
    assert result.folds == folds
    assert result.pages == pages


@pytest.mark.parametrize("quote", [
    "the managment of public records",  # a real misquote stays one
    "the man agement of public records",  # a space is not a reading of a hyphen
    "report lists the manag-ement of public",  # a hyphen where the source has none
])
def test_a_misquote_is_still_a_misquote(quote: str) -> None:
    assert check_one(fixture_source("handmade.pdf"), quote).status is not Status.VERIFIED


def test_span_points_at_the_hyphen_and_line_break_in_the_original() -> None:
    source = fixture_source("weasyprint.pdf")
    result = check_one(source, "institutional management")
    span = result.spans[0]
    assert source.text[span.start:span.end] == "institutional  man\u2010\nagement"
    assert result.lines == (LineIndex(source).line(span.start),)


def test_elided_quote_across_hyphenated_lines() -> None:
    result = check_one(fixture_source("weasyprint.pdf"),
                       "administrative responsibilities ... distributed inconsistently")
    assert result.status is Status.VERIFIED
    assert len(result.spans) == 2 and JOINED in result.folds


@pytest.mark.parametrize(("text", "quote"), [
    ("from 20-\n30 years", "from 2030 years"),  # a range is never read as one number
    ("in 1990-\n1995", "in 19901995"),
    ("the A-\n4 paper", "the A4 paper"),  # a digit on one side is enough
], ids=["range", "years", "code"])
def test_hyphens_next_to_digits_are_never_joined(text: str, quote: str) -> None:
    source = Source("s", "s.txt", "text", text)
    assert check_one(source, quote).status is not Status.VERIFIED


def test_a_source_without_line_end_hyphens_pays_nothing() -> None:
    assert hyphenate("well-known and state-owned\nlines without a break hyphen") is None


def test_a_literal_match_across_a_line_end_hyphen_is_the_layout_pasted() -> None:
    # Found as the text stands (the whitespace fold), but the quote prints a broken word:
    # refused, naming the word as the source prints it (issue 15 §5; it verified before).
    source = Source("s", "s.txt", "text", "the man-\nagement of records")
    result = check_one(source, "the man- agement of records")
    assert (result.status, result.code) == (Status.MISQUOTED, "quote.line-end-hyphen")
    assert result.problem == ("the quote has \u201cman- agement\u201d, a line-end hyphen pasted from the source's "
                              "layout; the source prints the word as \u201cmanagement\u201d (or \u201cman-agement\u201d: "
                              "the source does not tell whether the hyphen is the word's own)")


def test_soft_hyphen_and_spaces_around_the_break() -> None:
    source = Source("s", "s.txt", "text", "the inter\u00ad \n  national office")
    # Joined, the soft hyphen and the spaces around the line break go with it: no other fold.
    assert check_one(source, "the international office").folds == (JOINED,)


def test_a_source_that_prints_the_joint_character_keeps_its_readings_and_no_false_joint() -> None:
    # U+E000 marks a line-end hyphen inside the matcher; a source printing it gets another mark.
    # Here the second part is only after the first if the printed U+E000 were read as a joint.
    source = Source("s", "s.txt", "text", "Before, the funds was poor. " + "Filler text. " * 150
                    + "The man-\nagement said: the fund\ue000s was poor.")
    assert check_one(source, "The management said: ... the funds was poor").status is not Status.VERIFIED
    assert check_one(source, "The management said:").folds == (JOINED,)  # the readings still work
    assert check_one(source, "the fund\ue000s was poor").status is Status.VERIFIED  # as printed


def test_occurrences_are_counted_under_the_readings() -> None:
    source = Source("s", "s.txt", "text", "one man-\nagement here\nand man-\nagement there")
    result = check_one(source, "management")
    assert result.status is Status.VERIFIED and result.occurrences == 2


WORDS = st.lists(st.text(alphabet="abcdefghij", min_size=2, max_size=8), min_size=3, max_size=20)


@settings(max_examples=200, deadline=None)
@given(words=WORDS, data=st.data())
def test_any_run_of_words_verifies_whatever_the_line_breaks(words: list[str], data: st.DataObject) -> None:
    """Break words at random with a line-end hyphen; every run of the words still verifies,
    and its span covers exactly those words in the original text."""
    pieces = []
    for word in words:
        cut = data.draw(st.integers(0, len(word) - 1))
        pieces.append(word if cut == 0 else word[:cut] + data.draw(st.sampled_from(["-", "\u2010"])) + "\n" + word[cut:])
    original = " ".join(pieces)
    first = data.draw(st.integers(0, len(words) - 1))
    last = data.draw(st.integers(first, len(words) - 1))
    quote = " ".join(words[first:last + 1])
    hyphenated = hyphenate(original)
    match = find_hyphenated(quote, hyphenated, MAX_GAP) if hyphenated else None
    if match is None:  # no word was broken: the plain matcher's case
        assert quote in original
        return
    span = match.spans[0]
    assert 0 <= span.start <= span.end <= len(original)
    assert re.sub("[-\u2010]\n", "", original[span.start:span.end]) == quote


@pytest.mark.parametrize("quote, others", [
    ("the management of public funds", ("b", "e")),  # joined: "man-\nagement", and a soft hyphen
    ("a well-known auditor", ("c", "d")),  # kept: "well-\nknown"
    ("the management of funds ... a well-known auditor", ("d",)),  # each part its own reading
    ("the management of funds and a well-known auditor", ("d",)),  # one part needing both readings
    ("the manage-ment of public funds", ()),  # found without hyphens, refused by the matcher
    ("the plan - in his words a matter of management - would wait", ("f",)),  # beside spaced dashes
], ids=["joined", "kept", "elided-parts", "both-in-one-part", "hyphen-elsewhere", "spaced-dashes"])
def test_a_quote_found_in_another_source_across_its_line_end_hyphens_is_named(
        quote: str, others: tuple[str, ...]) -> None:
    sources = {
        "a": Source("a", "sources/a.md", "text", "Nothing like it here."),
        "b": Source("b", "sources/b.md", "text", "It criticised the man-\nagement of public funds."),
        "c": Source("c", "sources/c.md", "text", "The report, by a well-\nknown auditor, was late."),
        "d": Source("d", "sources/d.md", "text", "It criticised the man-\nagement of funds and a well-\nknown auditor."),
        "e": Source("e", "sources/e.md", "text", "It praised the man\u00ad\nagement of public funds."),
        "f": Source("f", "sources/f.md", "text", "He said the plan - in his words a matter of man-\nagement - "
                                                  "would wait."),
    }
    claim = Claim("x", "Text.", (Citation("a", quote, 3),), 1)
    result = verify(Briefing("claims.yaml", "T", (Section("S", (claim,)),)), sources).claims[0].citations[0]
    assert result.status is not Status.VERIFIED
    assert result.found_in == others


SEPARATORS = st.sampled_from([" ", " ", " - ", "-\n", "\u2010\n", "\u00ad\n", "- \n ", "\n", "-"])


@settings(max_examples=300, deadline=None)
@given(words=WORDS, data=st.data())
def test_the_squeezed_prefilter_never_hides_a_hyphenated_match(words: list[str], data: st.DataObject) -> None:
    """`verify` reads a source's line-end hyphens only for a quote whose squeezed parts are all
    in the squeezed source: whatever the matcher finds under a reading passes that test."""
    separators = [data.draw(SEPARATORS) for _ in words[1:]]
    original = words[0] + "".join(sep + word for sep, word in zip(separators, words[1:]))
    # One reading of the text: each line-end hyphen joined, kept, or left as it stands.
    reading = words[0]
    for sep, word in zip(separators, words[1:]):
        choice = data.draw(st.sampled_from(["joined", "kept", "as-is"]))
        broken = "\n" in sep and sep.strip(" \n") in ("-", "\u2010", "\u00ad")
        reading += ("" if choice == "joined" else "-" if choice == "kept" else sep) if broken else sep
        reading += word
    first = data.draw(st.integers(0, len(reading) - 1))
    quote = reading[first:data.draw(st.integers(first + 1, len(reading)))].strip()
    hyphenated = hyphenate(original)
    if not quote or hyphenated is None or find_hyphenated(quote, hyphenated, MAX_GAP) is None:
        return  # (about a third of the draws; the rest match under a reading)
    if too_short(quote, DEFAULT_SETTINGS):
        return  # refused unread (issue 15 §1)
    assert may_match_across_breaks(quote, squeezed_utf8(normalise(original).text))
    assert check_one(Source("s", "s.txt", "text", original), quote).status is Status.VERIFIED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text("ab-é …𝐀", max_size=8), min_size=1, max_size=30), st.text("ab-é …𝐀\n", max_size=60))
def test_the_quotes_that_may_match_across_breaks_are_told_the_same_in_one_pass(
        quotes: list[str], text: str) -> None:
    # Many quotes (their squeezed parts searched in one pass) or one at a time (a scan each):
    # parts inside parts, parts of hyphens alone, elisions, non-ASCII.
    folded = normalise(text).text
    one_by_one = [bool(parts) and all(squeezed(part) in squeezed(folded) for part in parts)
                  for parts in (parse(q).needle_parts for q in quotes)]
    assert squeezed_utf8(folded) == squeezed(folded).encode()  # the bytes squeeze as the str does
    assert which_may_match_across_breaks(quotes, squeezed_utf8(folded)) == one_by_one
    assert [may_match_across_breaks(q, squeezed_utf8(folded)) for q in quotes] == one_by_one


# --- a line-end hyphen pasted into the quote (issue 15 §5) -------------------------------------

_PASTED = "the quote has \u201c{}\u201d, a line-end hyphen pasted from the source's layout; the source prints the word as {}"
_UNTOLD = " (or \u201c{}\u201d: the source does not tell whether the hyphen is the word's own)"


@pytest.mark.parametrize(("text", "quote", "layout", "word"), [
    ("Screens show images com\u2010\nposed of pixels.", "images com\u2010 posed of pixels", "com- posed",
     "\u201ccomposed\u201d"),
    ("Screens show images com-\nposed of pixels. Each image is composed of dots.", "images com- posed of pixels",
     "com- posed", "\u201ccomposed\u201d"),
    ("Screens show images com-\nposed of pixels.", "images com- posed of pixels", "com- posed",
     "\u201ccomposed\u201d" + _UNTOLD.format("com-posed")),
    ("A well-known fact, and a well-\nknown auditor.", "a well- known auditor", "well- known", "\u201cwell-known\u201d"),
    ("The inter\u00ad\nnational office.", "The inter\u00ad national office", "inter national", "\u201cinternational\u201d"),
    ("The Nagorno-\nKarabakh region.", "The Nagorno- Karabakh region", "Nagorno- Karabakh",
     "\u201cNagorno-Karabakh\u201d"),
    ("The man-\nagement said so. The management of the fund was poor.",
     "The man- agement said so. ... the fund was poor", "man- agement", "\u201cmanagement\u201d"),
], ids=["u2010-is-hyphenation", "the-word-elsewhere", "not-told", "kept-elsewhere", "soft-hyphen", "capital",
        "in-an-elided-part"])
def test_a_pasted_line_end_hyphen_is_an_error_naming_the_word(text: str, quote: str, layout: str, word: str) -> None:
    result = check_one(Source("s", "s.txt", "text", text), quote)
    assert (result.status, result.code) == (Status.MISQUOTED, "quote.line-end-hyphen")
    assert result.problem == _PASTED.format(layout, word)
    assert result.nearest is not None and layout not in result.nearest.passage


@pytest.mark.parametrize("quote", ["images composed of pixels", "images com-posed of pixels"],
                         ids=["joined", "kept"])
def test_the_word_as_either_reading_prints_it_still_verifies(quote: str) -> None:
    assert check_one(Source("s", "s.txt", "text", "Screens show images com-\nposed of pixels."), quote).status \
        is Status.VERIFIED


def test_a_pasted_hyphen_in_a_real_pdf_names_the_word() -> None:
    result = check_one(fixture_source("weasyprint.pdf"), "report on \u201cinstitutional man\u2010 agement\u201d found")
    assert result.code == "quote.line-end-hyphen"
    assert result.problem == _PASTED.format("man- agement", "\u201cmanagement\u201d")
    assert result.nearest is not None
    assert result.nearest.passage.split() == ["report", "on", "\u201cinstitutional", "management\u201d", "found"]
    assert [(c.quote, c.source) for c in result.nearest.changes] == [("man- agement", "management")]


def test_a_pasted_hyphen_fails_the_check_with_its_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from briefing.cli import main

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.txt").write_text("Screens show images com\u2010\nposed of pixels.\n", encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(
        'title: T\nsections:\n  - heading: H\n    claims:\n      - id: c\n        text: "Images."\n'
        '        source: s\n        quote: "images com- posed of pixels"\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert (f"claims.yaml:8:16: error: claim 'c' misquoted: {_PASTED.format('com- posed', '“composed”')}"
            in out)
    assert main(["check", str(tmp_path), "--no-cache", "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [d["code"] for d in document["diagnostics"] if d["severity"] == "error"] == ["quote.line-end-hyphen"]


# --- a quote may not begin or end at a line-end hyphen (issue 15 §1) ------------------------------

BROKEN = "It criticised the unlaw-\nful strike and the man-\nagement of public records, by a well-\nknown auditor."


@pytest.mark.parametrize(("quote", "problem"), [
    ("agement of public records", "the source has \u201cman-\u23ceagement\u201d; the quote starts inside that word"),
    ("ful strike and", "the source has \u201cunlaw-\u23ceful\u201d; the quote starts inside that word"),
    ("known auditor", "the source has \u201cwell-\u23ceknown\u201d; the quote starts inside that word"),
    ("strike and the man", "the source has \u201cman-\u23ceagement\u201d; the quote ends inside that word"),
    ("criticised the unlaw-", "the source has \u201cunlaw-\u23ceful\u201d; the quote ends inside that word"),
    ("lawful strike and", ""),  # found only under the joined reading, inside "unlawful"
], ids=["after-the-break", "after-the-break-2", "after-a-real-hyphen", "before-the-break", "ending-in-the-hyphen",
        "inside-the-joined-word"])
def test_a_quote_cut_at_a_line_end_hyphen_is_not_verified(quote: str, problem: str) -> None:
    result = check_one(Source("s", "s.txt", "text", BROKEN), quote)
    assert result.status is Status.MISQUOTED
    assert result.problem == problem


@pytest.mark.parametrize(("quote", "fold"), [
    ("the unlawful strike and", JOINED), ("the management of public records", JOINED),
    ("by a well-known auditor", KEPT), ("the man-agement of", KEPT),
], ids=["joined", "joined-2", "kept", "kept-2"])
def test_whole_words_across_a_line_end_hyphen_verify(quote: str, fold: str) -> None:
    result = check_one(Source("s", "s.txt", "text", BROKEN), quote)
    assert result.status is Status.VERIFIED and fold in result.folds
