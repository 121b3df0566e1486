"""Edits and elisions that turn a quote's meaning (issue 15 §4): each misleading edit beside a
faithful one, the report and the note that say what was inserted or omitted, and --strict."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support import ROOT, claims_yaml, write_project

from briefing.cli import main
from briefing.engine.outcome import STRICT_CODES, strict
from briefing.engine.project import load_project
from briefing.engine.run import verify
from briefing.models import Briefing, Citation, Claim, Section, Source, Status
from briefing.render import readback
from briefing.render.document import build_document
from briefing.report.json_report import format_json
from briefing.report.text import format_text
from briefing.verify.cautions import CODES, citation_cautions, joins_sentences
from briefing.verify.edits import parse_edits
from briefing.verify.sentences import sentence_ends

NOW = datetime(2025, 11, 23, 11, 3, tzinfo=UTC)


def check(quote: str, text: str):
    """The verified claim of one quote against one source, with its report."""
    source = Source("s", "sources/s.md", "text", text)
    claim = Claim("c", "A claim.", (Citation("s", quote, 7, 16),), 5)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    report = verify(briefing, {"s": source})
    assert report.claims[0].status is Status.VERIFIED, report.claims[0]
    return briefing, report


def codes(quote: str, text: str) -> list[str]:
    _, report = check(quote, text)
    return [d.code for d in report.diagnostics if d.code.startswith("quote.")]


def messages(quote: str, text: str) -> list[str]:
    _, report = check(quote, text)
    return [d.message.removeprefix("claim 'c', quote from 's': ") for d in report.diagnostics]


def statements(quote: str, text: str) -> list[str]:
    _, report = check(quote, text)
    return [c.statement for c in report.claims[0].citations[0].cautions]


# --- insertions: what each adds or replaces, beside the faithful edit ------------------------

ADDS, REPLACES, HIDES_INS = "quote.insertion-adds", "quote.insertion-replaces", "quote.insertion-hides"


@pytest.mark.parametrize("quote, text, expected", [
    pytest.param("The minister did [not] approve the plan", "The minister did approve the plan.", [ADDS],
                 id="negation where the source has nothing"),
    pytest.param("The minister did [not] approve the plan", "The minister did not approve the plan.", [],
                 id="faithful: the source has the negation"),
    pytest.param("The minister [did not] approve the plan", "The minister didn't approve the plan.", [],
                 id="faithful: a contraction spelt out"),
    pytest.param("613 civilians [were not killed]", "Officials said 613 civilians were killed.", [ADDS],
                 id="negation at the end, over other words"),
    pytest.param("613 civilians [were not killed]", "Officials said 613 civilians were not killed.", [],
                 id="faithful: the end as the source has it"),
    pytest.param("He [allegedly] shelled the town", "He shelled the town.", [ADDS], id="a hedge added"),
    pytest.param("[The army] shelled the town", "Rebels shelled the town.", [REPLACES],
                 id="a new subject in place of the source's"),
    pytest.param("[The army] shelled the town", "Yesterday the army shelled the town.", [],
                 id="faithful: the subject the source names"),
    pytest.param("[The army] shelled the town", "Rebels, not the army, shelled the town.", [HIDES_INS],
                 id="a subject the source denies"),
    pytest.param("the [army] shelled the town", "the rebels shelled the town.", [REPLACES],
                 id="another noun between kept parts"),
    pytest.param("[The OIC] recognized the genocide", "It recognized the genocide.", [],
                 id="faithful: a name for a pronoun at the start"),
    pytest.param("the inviolability of [Azerbaijan's] borders", "the inviolability of its borders.", [],
                 id="faithful: a name for a possessive"),
    pytest.param("assessment of [the Khojali] crime", "gave legal assessment of this crime.", [],
                 id="faithful: a name for a demonstrative (the example)"),
    pytest.param("It was [in 2012] that they met", "It was last year that they met.", [],
                 id="faithful: a date for a word that points by context"),
    pytest.param("[Rebels and the army] shelled the town", "Rebels shelled the town.", [REPLACES],
                 id="a second agent beside the source's"),
    pytest.param("[The rebels] shelled the town", "Rebels shelled the town.", [],
                 id="faithful: the source's agent with an article"),
    pytest.param("[The Azerbaijani army] shelled the town", "The army shelled the town.", [REPLACES],
                 id="more said of the agent than the source says"),
    pytest.param("the act was [un]lawful", "the act was lawful.", [ADDS], id="a negating prefix glued on"),
    pytest.param("it was [non-]violent", "it was violent.", [ADDS], id="a negating prefix with a hyphen"),
    pytest.param("he did[n't] approve", "he did approve it.", [ADDS], id="a contraction glued on"),
    pytest.param("it was care[less]", "it was care for them.", [ADDS], id="a negating suffix glued on"),
    pytest.param("they agree[d] with it", "they agree with it.", [], id="faithful: a tense glued on"),
    pytest.param("the [undisputed] leader", "the leader.", [ADDS], id="certainty added"),
    pytest.param("Rebels shelled the [613] houses", "Rebels shelled the houses.", [ADDS],
                 id="a figure where the source has none"),
    pytest.param("Rebels shelled the [sixty] houses", "Rebels shelled the houses.", [ADDS],
                 id="a figure in words where the source has none"),
    pytest.param("Rebels shelled [the 613] houses", "Rebels shelled the 613 houses.", [],
                 id="faithful: the figure the source has"),
])
def test_insertions(quote: str, text: str, expected: list[str]) -> None:
    assert codes(quote, text) == expected


@pytest.mark.parametrize("quote, text, message, statement", [
    pytest.param("The minister did [not] approve the plan", "The minister did approve the plan.",
                 "the insertion \u201c[not]\u201d adds \u201cnot\u201d, which the source does not have there",
                 "[not] inserted by the author", id="adds"),
    pytest.param("613 civilians [were not killed]", "Officials said 613 civilians were killed.",
                 "the insertion \u201c[were not killed]\u201d adds \u201cnot\u201d, which the source does not have "
                 "there (it has \u201cwere killed\u201d)",
                 "[were not killed] inserted by the author in place of \u201cwere killed\u201d", id="adds-over"),
    pytest.param("[The army] shelled the town", "Rebels shelled the town.",
                 "the insertion \u201c[The army]\u201d stands where the source has \u201cRebels\u201d: an insertion "
                 "may name what a word such as \u201cit\u201d or \u201cthis\u201d refers to, not put other words "
                 "in the source's place",
                 "[The army] inserted by the author in place of \u201cRebels\u201d", id="replaces"),
])
def test_insertion_messages_say_what_was_inserted(quote: str, text: str, message: str, statement: str) -> None:
    assert messages(quote, text) == [message]
    assert statements(quote, text) == [statement]


@pytest.mark.parametrize("quote, beside", [
    pytest.param("[The army] shelled", ((-1, 0),), id="before the first piece"),
    pytest.param("613 civilians [were not killed]", ((0, -1),), id="after the last piece"),
    pytest.param("He said [the war] was", ((0, 1),), id="between pieces"),
    pytest.param("He said ... [the war] was", ((-1, 1),), id="an elision before it"),
    pytest.param("He said [the war] ... was", ((0, -1),), id="an elision after it"),
    pytest.param("[T]he army [sic] shelled", ((-1, -1), (-1, -1)), id="not insertions"),
])
def test_parse_edits_knows_which_piece_an_insertion_touches(quote: str, beside: tuple) -> None:
    edited = parse_edits(quote)
    assert edited is not None and edited.beside == beside


# --- elisions that hide a negation or qualifier --------------------------------------------


@pytest.mark.parametrize("hidden", [
    "nothing", "nobody", "none", "nowhere", "denied", "refused", "false", "allegedly", "lack of",
    "few", "first", "didn\u02bct", "didnt", "no one", "hardly", "barely", "neither", "rejected",
    "refuted", "reportedly", "unconfirmed", "disputed", "failed to", "so-called",
    "unlikely", "doubtful", "impossible",
])
def test_an_elision_that_hides_a_qualifier_warns(hidden: str) -> None:
    text = f"The minister had {hidden} to do with the killings."
    assert codes("The minister had [...] to do with the killings", text) == ["quote.elision-hides"]
    assert messages("The minister had [...] to do with the killings", text) == [
        f"the omitted text (line 1) contains \u201c{hidden}\u201d"]
    assert statements("The minister had [...] to do with the killings", text) == [f"omitted: \u201c{hidden}\u201d"]


@pytest.mark.parametrize("kept", ["much", "a great deal", "something", "a firm link", "Nothingham"])
def test_an_elision_that_hides_no_qualifier_is_quiet(kept: str) -> None:
    assert codes("The minister had [...] to do with the killings",
                 f"The minister had {kept} to do with the killings.") == []


# --- elisions across a sentence end ----------------------------------------------------------

SPANS = "quote.elision-spans-sentences"


@pytest.mark.parametrize("quote, text, expected", [
    pytest.param("The government [...] shelled the town.",
                 "The government praised the volunteers. Rebels shelled the town.", [SPANS],
                 id="a subject joined to another sentence's verb"),
    pytest.param("The minister said that [...] Rebels shelled the town.",
                 "The minister said that the talks failed. Rebels shelled the town.", [SPANS],
                 id="a clause joined to the next sentence"),
    pytest.param("He said [...] the army left.", 'He said "we won." Then the army left.', [SPANS],
                 id="a sentence end inside quotation marks"),
    pytest.param("The report [...] shelled the town", "The report was long\n\nRebels shelled the town", [SPANS],
                 id="a paragraph break"),
    pytest.param("Was it [...] shelled the town?", "Was it true? Rebels shelled the town?", [SPANS],
                 id="a question mark"),
    pytest.param("The government praised the volunteers. [...] Rebels shelled the town.",
                 "The government praised the volunteers. Then it rained. Rebels shelled the town.", [],
                 id="faithful: whole sentences left out"),
    pytest.param("The government praised the volunteers [...] Rebels shelled the town.",
                 "The government praised the volunteers. Rebels shelled the town.", [],
                 id="faithful: the first part ends where its sentence does"),
    pytest.param("The government praised the volunteers. [...] shelled the town.",
                 "The government praised the volunteers. Rebels shelled the town.", [],
                 id="faithful: the next sentence taken up in its middle"),
    pytest.param("The envoy [...] shelled the town.",
                 "The envoy of the U.S. Army, Gen. Smith and Dr. Jones, e.g. his aides, shelled the town.", [],
                 id="faithful: abbreviations are no sentence end"),
    pytest.param("Resolution [...] was adopted.", "Resolution No. 48 was adopted.", ["quote.elision-hides"],
                 id="No. before a number"),
    pytest.param("Output [...] rose.", "Output of 2.5 tonnes rose.", ["quote.elision-hides"],
                 id="a decimal point"),
    pytest.param("On [...] the army left.", "On Feb. 26 the army left.", ["quote.elision-hides"],
                 id="a month before a number"),
    pytest.param("The army [...] left.", "The army of J. R. Smith left.", [], id="initials"),
])
def test_elisions_across_a_sentence_end(quote: str, text: str, expected: list[str]) -> None:
    assert codes(quote, text) == expected


def test_the_sentence_warning_and_note_name_the_omitted_text() -> None:
    quote, text = "The government [...] shelled the town.", "The government praised the volunteers. Rebels shelled the town."
    assert messages(quote, text) == [
        "the elision (line 1) joins two sentences: the part before it stops mid-sentence, and the omitted "
        "text \u201cpraised the volunteers. Rebels\u201d runs past that sentence's end"]
    assert statements(quote, text) == ["omitted across a sentence end: \u201cpraised the volunteers. Rebels\u201d"]


def test_an_invisible_character_in_the_omitted_text_is_named_not_printed() -> None:
    quote, text = "The government [...] shelled the town.", "The government \u202epraised them. Rebels shelled the town."
    assert statements(quote, text) == ["omitted across a sentence end: \u201c<U+202E>praised them. Rebels\u201d"]
    # (line breaks are white space, shown as one space)
    assert statements("The report [...] shelled the town", "The report was long\n\nRebels shelled the town") == [
        "omitted across a sentence end: \u201cwas long Rebels\u201d"]


def test_one_elision_gets_one_statement_for_everything_it_does() -> None:
    text = "The town had 63 houses. Rebels " + "shelled it for days " * 20 + "and left."
    quote = "The town had [...] and left."
    assert codes(quote, text) == ["quote.elision-hides", SPANS, "quote.elision-far"]
    assert set(statements(quote, text)) == {
        "omitted: \u201c63\u201d, across a sentence end (\u201c63 houses. Rebels shelled it for days \u2026 "
        "shelled it for days shelled it for days\u201d); 419 characters left out"}


@pytest.mark.parametrize("text, ends", [
    ("One. Two! Three? Four\u2026 Five", [". ", "! ", "? ", "\u2026 "]),
    ("Mr. Smith, Dr. Jones and the U.S. Army met; e.g. this.", []),
    ("It said \u201cno.\u201d Then it left.", [".\u201d "]),
    ("No. 48 and p. 12 and Feb. 26", []),
    ("He said no. Then he left.", [". "]),
    ("in 1992. The army", [". "]),
    ("2.5 and 3.14", []),
    ("one\n\ntwo", ["\n\n"]),
    ("one\ntwo", []),
])
def test_sentence_ends(text: str, ends: list[str]) -> None:
    found = sentence_ends(text, 0, len(text))
    assert [text[e.start:e.end + 1] if text[e.end:e.end + 1] == " " else text[e.start:e.end] for e in found] == ends


def test_an_elision_inside_one_sentence_joins_nothing() -> None:
    text = "The government praised the volunteers."
    assert not joins_sentences(text, 14, 22)


# --- codes, the report and --strict ------------------------------------------------------------


def test_every_caution_code_is_a_strict_code() -> None:
    # That docs/results.md lists each, marked --strict, is tests/integration/test_readme.py's to check.
    for code in CODES:
        assert code in STRICT_CODES


MISLEADING = {
    "adds": ("The minister did not approve it.", "The minister did [not] approve the plan"),
    "replaces": ("The army shelled the town.", "[The army] shelled the town"),
    "hides": ("The minister was involved.", "The minister had [...] to do with the killings"),
    "spans": ("The government shelled the town.", "The government [...] shelled the town."),
}
FAITHFUL = {
    "clarifies": ("The minister approved it.", "[The minister] did approve the plan"),
    "elides": ("The minister had a say.", "The minister had [...] to do with the killings"),
}
SOURCE_TEXT = ("The minister did approve the plan. The minister had nothing to do with the killings. "
               "The government praised the volunteers. Rebels shelled the town.\n")
FAITHFUL_SOURCE = ("He did approve the plan. The minister had much to do with the killings.\n")


def project(root: Path, claims: dict[str, tuple[str, str]], source: str) -> Path:
    """Claims id -> (text, quote), each citing `source` as s."""
    cited = ((claim_id, text, "s", quote) for claim_id, (text, quote) in claims.items())
    return write_project(root, claims_yaml(cited), {"s.md": source})


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_warns_and_strict_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, MISLEADING, SOURCE_TEXT)
    code, out, _ = run(["check", str(root), "--format", "text"], capsys)
    assert code == 0
    assert [line.split(": ", 2)[1] for line in out.splitlines() if ": warning: " in line] == ["warning"] * 4
    assert ("claims.yaml:8:16: warning: claim 'adds', quote from 's': the insertion \u201c[not]\u201d adds "
            "\u201cnot\u201d, which the source does not have there") in out
    code, out, _ = run(["check", str(root), "--format", "text", "--strict"], capsys)
    assert code == 1
    assert out.rstrip().endswith("check failed: 4 errors (4 of 4 claims verified) \u00b7 4 quotes \u00b7 1 of 1 "
                                 "sources cited \u00b7 0 warnings")
    code, _, err = run(["build", str(root), "--strict", "--format", "html"], capsys)
    assert code == 1
    assert "error: --strict: 4 warnings count as errors; nothing was built" in err


def test_cli_passes_faithful_edits_also_under_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, FAITHFUL, FAITHFUL_SOURCE)
    assert run(["check", str(root), "--format", "text"], capsys)[0] == 0
    code, out, _ = run(["check", str(root), "--format", "text", "--strict"], capsys)
    assert code == 0, out
    assert out.rstrip().endswith("2 of 2 claims verified \u00b7 2 quotes \u00b7 1 of 1 sources cited \u00b7 0 warnings")


def test_the_report_says_what_was_inserted_or_omitted() -> None:
    _, report = check("The minister did [not] approve the plan", "The minister did approve the plan.")
    assert "      caution: [not] inserted by the author" in format_text(report, verbose=True)
    cited = json.loads(format_json(report))["claims"][0]["citations"][0]
    assert cited["cautions"] == [{"code": ADDS, "statement": "[not] inserted by the author"}]
    assert not strict(report).ok


def test_the_example_clarification_stays_clean() -> None:
    """`[the Khojali]` for the source's "this" (puic-1994-assessment) has no caution, also under --strict."""
    loaded = load_project(ROOT / "claims.yaml", ROOT / "sources")
    report = verify(loaded.briefing, loaded.sources)
    result = next(r for r in report.claims if r.claim.id == "puic-1994-assessment")
    item = result.citations[0]
    assert [a.text for a in item.alterations] == ["[the Khojali]"]
    assert citation_cautions(item, loaded.sources[item.citation.source]) == ()
    assert not [d for d in strict(report).diagnostics if "puic-1994-assessment" in d.message]


# --- the printed note ------------------------------------------------------------------------


def note_texts(quote: str, text: str) -> tuple[list[str], str]:
    briefing, report = check(quote, text)
    document = build_document(briefing, report, draft=False, now=NOW, version="1")
    note = next(b for b in document.ast["blocks"] if b["t"] == "Para")["c"][-1]
    lines: list[list[str]] = [[]]
    for node in note["c"][0]["c"]:
        if node["t"] == "LineBreak":
            lines.append([])
        elif node["t"] == "Str":
            lines[-1].append(node["c"])
        elif node["t"] in ("Emph", "Strong"):
            lines[-1] += [n["c"] for n in node["c"] if n["t"] == "Str"]
    statement = next(b for b in document.ast["blocks"] if b["t"] == "Div" and "verification" in b["c"][0][1])
    words = [n["c"] for n in statement["c"][1][0]["c"] if n["t"] == "Str"]
    return [" ".join(line) for line in lines], " ".join(words)


@pytest.mark.parametrize("quote, text, line", [
    pytest.param("The minister did [not] approve the plan", "The minister did approve the plan.",
                 "Caution: [not] inserted by the author.", id="inserted"),
    pytest.param("The minister had [...] to do with the killings", "The minister had nothing to do with the killings.",
                 "Caution: omitted: \u201cnothing\u201d.", id="omitted"),
])
def test_the_note_carries_the_statement(quote: str, text: str, line: str) -> None:
    lines, statement = note_texts(quote, text)
    assert lines[1:] == [f"\u201c{quote}\u201d", line]
    assert statement.endswith("1 note marked \u201cCaution\u201d names words the author inserted or left out "
                              "that may change what a quote says.")


def test_a_faithful_edit_keeps_its_edited_line_and_no_caution() -> None:
    lines, statement = note_texts("assessment of [the Khojali] crime", "gave legal assessment of this crime.")
    assert lines[-1] == "Edited: [the Khojali] for \u201cthis\u201d."
    assert "Caution" not in statement


def test_the_read_back_finds_the_caution_or_says_it_is_missing() -> None:
    briefing, report = check("The minister did [not] approve the plan", "The minister did approve the plan.")
    notes = build_document(briefing, report, draft=False, now=NOW, version="1").notes
    assert notes[0].caution == "[not] inserted by the author."
    quote = "<p>\u201cThe minister did [not] approve the plan\u201d<br />"
    page = ('<body class="final"><main><p>A claim.<a href="#fn1" class="footnote-ref" id="fnref1">1</a></p>'
            '<section class="footnotes"><ol><li id="fn1">{}</li></ol></section></main></body>')
    printed = page.format(quote + "<strong>Caution:</strong> [not] inserted\nby the author.</p>")
    assert readback.check_html(printed.encode(), notes, draft=False, output="o.html", claims_path="claims.yaml") == []
    dropped = readback.check_html(page.format(quote + "</p>").encode(), notes, draft=False, output="o.html",
                                  claims_path="claims.yaml")
    assert [(d.code, d.message, str(d.location)) for d in dropped] == [
        ("build.caution-missing", "o.html: footnote 1 (claim 'c', source 's') does not say what the author "
         "inserted or omitted", "claims.yaml:7:16")]


@pytest.mark.parametrize("fmt", ["html", "docx", "pdf"])
def test_a_build_prints_the_caution_and_reads_it_back(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      fmt: str) -> None:
    root = project(tmp_path, MISLEADING, SOURCE_TEXT)
    out = tmp_path / f"out.{fmt}"
    code, _, err = run(["build", str(root), "--format", fmt, "-o", str(out)], capsys)
    assert code == 0, err
    if fmt == "html":
        html = out.read_text(encoding="utf-8")
        assert "<strong>Caution:</strong> [The army] inserted by the author in place of \u201cRebels\u201d." in html
        assert "<strong>Caution:</strong> omitted: \u201cnothing\u201d." in html


def test_show_lists_the_caution(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, MISLEADING, SOURCE_TEXT)
    code, out, _ = run(["show", "spans", str(root)], capsys)
    assert code == 0
    assert ("  caution  omitted across a sentence end: \u201cpraised the volunteers. Rebels\u201d") in out

