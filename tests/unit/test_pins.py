"""Pin cites and links to the passage: pages from spans, text fragments, and the built files."""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from pypdf import PdfReader
from support import INGEST, write_project

from briefing.cli import main
from briefing.models import (
    Briefing,
    Citation,
    CitationResult,
    Claim,
    ClaimResult,
    Report,
    Section,
    Source,
    SourceMeta,
    Span,
    Status,
)
from briefing.render.document import build_document
from briefing.verify.pins import (
    encode_fragment_text,
    page_of,
    pages_of,
    passage_link,
    pin_cite,
    text_directive,
    whole_words,
)

NOW = datetime(2025, 11, 23, 11, 3, tzinfo=UTC)


# --- pages and pin cites ----------------------------------------------------------------

@pytest.mark.parametrize(("pages", "expected"), [
    ((), ""),
    ((12,), "p. 12"),
    ((12, 13), "pp. 12-13"),
    ((3, 5), "pp. 3, 5"),
    ((3, 5, 6, 7), "pp. 3, 5-7"),
], ids=["none", "one", "range", "elided", "mixed"])
def test_pin_cite(pages: tuple[int, ...], expected: str) -> None:
    assert pin_cite(pages) == expected


@pytest.mark.parametrize(("pages", "expected"), [
    ((1,), "p. iii"),
    ((1, 2), "pp. iii-iv"),
    ((3, 4), "pp. 11-12"),
    ((2, 3), "pp. iv, 11"),  # the labels do not count on: no range
    ((2, 4), "pp. iv, 12"),
    ((5, 6), "pp. IX-X"),
    ((6, 7), "pp. X, A-1"),
    ((8,), "p. 8"),  # a page past the labels keeps its number
], ids=["one", "roman-range", "range", "front-matter-to-body", "elided", "upper-roman", "annex", "past-the-labels"])
def test_pin_cite_prints_the_page_labels(pages: tuple[int, ...], expected: str) -> None:
    assert pin_cite(pages, labels=("iii", "iv", "11", "12", "IX", "X", "A-1")) == expected


@pytest.mark.parametrize(("offset", "page"), [(0, 1), (9, 1), (10, 2), (25, 3), (999, 3)])
def test_page_of(offset: int, page: int) -> None:
    assert page_of((0, 10, 20), offset) == page


def test_pages_of_spans_crossing_pages_and_without_pages() -> None:
    starts = (0, 10, 20)
    assert pages_of(starts, [Span(5, 15)]) == (1, 2)
    assert pages_of(starts, [Span(5, 10)]) == (1,)  # the end is exclusive
    assert pages_of(starts, [Span(2, 3), Span(22, 24)]) == (1, 3)
    assert pages_of((), [Span(2, 3)]) == ()


# --- text fragments -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "encoded"), [
    ("plain words", "plain%20words"),
    ("well-known", "well%2Dknown"),
    ("fish & chips, cheap", "fish%20%26%20chips%2C%20cheap"),
    ("café “quoted”", "caf%C3%A9%20%E2%80%9Cquoted%E2%80%9D"),
    ("it's 2.5%", "it%27s%202.5%25"),
    ("a#b?c=d", "a%23b%3Fc%3Dd"),
], ids=["space", "dash", "amp-comma", "non-ascii", "apostrophe-percent", "url-syntax"])
def test_fragment_terms_are_encoded_per_the_spec(text: str, encoded: str) -> None:
    assert encode_fragment_text(text) == encoded
    assert unquote(encoded) == text


def test_short_passage_is_one_term_long_one_is_start_and_end() -> None:
    assert text_directive("the reform  would\ncut") == "text=the%20reform%20would%20cut"
    long = "one two three four five six seven eight nine"
    assert text_directive(long) == "text=one%20two%20three%20four,six%20seven%20eight%20nine"


def test_a_no_break_space_stays_inside_a_term() -> None:
    assert text_directive("by 2.5\u00a0per cent") == "text=by%202.5%C2%A0per%20cent"


def test_passage_is_widened_to_whole_words() -> None:
    text = "the management of funds"
    assert whole_words(text, Span(7, 17)) == Span(4, 17)  # "agement of" -> "management of"
    assert whole_words(text, Span(4, 14)) == Span(4, 14)


PDF = Source("report", "sources/report.pdf", "pdf", "page one\n\f\npage two", page_starts=(0, 11))
HTML = Source("page", "sources/page.html", "html", "Intro.\n\nThe minister said the reform would cut "
              "the deficit by 2.5 per cent in two years, and more.")


@pytest.mark.parametrize(("url", "source", "spans", "pages", "expected"), [
    ("https://x.org/r.pdf", PDF, [Span(11, 15)], (2,), "https://x.org/r.pdf#page=2"),
    ("https://x.org/r.pdf#page=9", PDF, [Span(0, 15)], (1, 2), "https://x.org/r.pdf#page=1"),
    ("https://x.org/a?b=1&c=2", HTML, [Span(27, 42)], (),
     "https://x.org/a?b=1&c=2#:~:text=the%20reform%20would"),
    ("https://x.org/a#top", HTML, [Span(8, 104)], (),
     "https://x.org/a#top:~:text=The%20minister%20said%20the,two%20years%2C%20and%20more."),
    ("https://x.org/a", HTML, [], (), "https://x.org/a"),
    ("https://x.org/w.docx", Source("w", "w.docx", "docx", "some words"), [Span(0, 4)], (),
     "https://x.org/w.docx"),
], ids=["pdf-page", "pdf-replaces-fragment", "html-short", "html-keeps-fragment", "no-spans", "docx"])
def test_passage_link(url: str, source: Source, spans: list[Span], pages: tuple[int, ...],
                      expected: str) -> None:
    assert passage_link(url, source, spans, pages) == expected


# --- the document ---------------------------------------------------------------------------

def _walk(node: Any):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _notes(briefing: Briefing, report: Report) -> list[dict]:
    ast = build_document(briefing, report, draft=True, now=NOW, version="test").ast
    return [n for n in _walk(ast["blocks"]) if n.get("t") == "Note"]


def _plain(node: Any) -> str:
    out = []
    for n in _walk(node):
        if n.get("t") == "Str":
            out.append(n["c"])
        elif n.get("t") == "Space":
            out.append(" ")
    return "".join(out)


def _links(node: Any) -> list[tuple[str, str]]:
    return [(_plain(n["c"][1]), n["c"][2][0]) for n in _walk(node) if n.get("t") == "Link"]


def _one(source: Source, result: CitationResult) -> tuple[Briefing, Report]:
    claim = Claim("c", "Text.", (result.citation,), 1)
    briefing = Briefing("claims.yaml", "T", (Section("S", (claim,)),))
    return briefing, Report("claims.yaml", "sources", (ClaimResult(claim, result.status, (result,)),),
                            (), (source,))


def test_pdf_note_cites_its_pages_and_links_to_the_first() -> None:
    source = Source("report", "sources/report.pdf", "pdf", PDF.text,
                    SourceMeta(title="Report", url="https://x.org/r.pdf"), page_starts=(0, 11))
    cite = Citation("report", "one page two", 3)
    result = CitationResult(cite, Status.VERIFIED, (Span(5, 19),), (1,), pages=(1, 2))
    (note,) = _notes(*_one(source, result))
    assert _plain(note).startswith("Report, pp.\u00a01\u20132. https://x.org/r.pdf")
    assert _links(note) == [("https://x.org/r.pdf", "https://x.org/r.pdf#page=1")]


def test_web_note_links_to_the_passage_with_the_url_printed_as_written() -> None:
    source = Source("page", HTML.path, "html", HTML.text, SourceMeta(url="https://x.org/a"))
    cite = Citation("page", "the reform would", 3)
    result = CitationResult(cite, Status.VERIFIED, (Span(27, 42),), (3,))
    (note,) = _notes(*_one(source, result))
    assert _links(note) == [("https://x.org/a", "https://x.org/a#:~:text=the%20reform%20would")]
    assert "p." not in _plain(note)  # no pages, no pin cite


@pytest.mark.parametrize("status", [Status.MISQUOTED, Status.NOT_FOUND])
def test_an_unverified_quote_gets_no_pin_and_no_passage_link(status: Status) -> None:
    source = Source("report", "sources/report.pdf", "pdf", PDF.text,
                    SourceMeta(title="Report", url="https://x.org/r.pdf"), page_starts=(0, 11))
    result = CitationResult(Citation("report", "nope", 3), status)
    (note,) = _notes(*_one(source, result))
    assert _links(note) == [("https://x.org/r.pdf", "https://x.org/r.pdf")]
    assert "p." not in _plain(note).split("https")[0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/r.pdf"])
def test_only_web_urls_ever_become_links(url: str) -> None:
    source = Source("report", "sources/report.pdf", "pdf", PDF.text, SourceMeta(url=url), page_starts=(0, 11))
    result = CitationResult(Citation("report", "page two", 3), Status.VERIFIED, (Span(11, 19),), (3,),
                            pages=(2,))
    (note,) = _notes(*_one(source, result))
    assert _links(note) == []
    assert url in _plain(note) and "#page" not in _plain(note)


# --- end to end: real files in, built files out ----------------------------------------------

CLAIMS = """\
title: "Pins"
sections:
  - heading: "One"
    claims:
      - id: pdf-one-page
        text: "The committee reported."
        source: weasyprint
        quote: "The committee’s report on “institutional management” found"
      - id: pdf-two-pages
        text: "Workforce."
        source: weasyprint
        quote: "part-time and full-time workforce. Page two begins"
      - id: web
        text: "The minister spoke of 2.5 per cent in two years."
        source: article
        quote: "the reform would cut the deficit by 2.5 per cent in two years"
"""


@pytest.fixture(scope="session")  # built once per worker, never again when xdist interleaves modules
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("pins"), CLAIMS, {
        "weasyprint.pdf": (INGEST / "weasyprint.pdf").read_bytes(), "article.html": (INGEST / "article.html").read_bytes(),
        "weasyprint.yaml": "url: https://example.org/committee.pdf\n", "article.yaml": "url: https://example.org/news?id=1&x=2\n"})


def test_check_reports_pages_for_pdf_quotes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project), "-v", "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"weasyprint\.pdf:\d+ \(p\. 1\) \(folds: whitespace, hyphen-joined\)", out)
    assert re.search(r"weasyprint\.pdf:\d+ \(pp\. 1-2\) \(folds: whitespace, hyphen-joined\)", out)
    assert re.search(r"article\.html:\d+ \(folds: whitespace\)", out)


def test_built_pdf_and_html_cite_pages_and_link_to_passages(project: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    out = project / "build"
    assert main(["build", str(project), "--format", "pdf", "--format", "html", "-o", str(out)]) == 0
    capsys.readouterr()
    reader = PdfReader(io.BytesIO((out / "briefing.pdf").read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert re.search(r"p\.\s1\. https://example\.org/committee\.pdf", text)
    assert re.search(r"pp\.\s1\u20132\.", text)
    uris = {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots") or []
            if a.get_object().get("/A") is not None and "/URI" in a.get_object()["/A"]}
    assert "https://example.org/committee.pdf#page=1" in uris
    assert ("https://example.org/news?id=1&x=2#:~:text=the%20reform%20would%20cut,"
            "cent%20in%20two%20years") in uris
    html = (out / "briefing.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/committee.pdf#page=1"' in html
    assert 'href="https://example.org/news?id=1&amp;x=2#:~:text=the%20reform%20would%20cut,' in html


def test_a_misquote_in_a_pdf_shows_the_page_of_the_nearest_passage(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sources").mkdir()
    shutil.copy(INGEST / "handmade.pdf", tmp_path / "sources")
    (tmp_path / "claims.yaml").write_text(
        'title: "T"\nsections:\n  - heading: "H"\n    claims:\n      - id: kept\n'
        '        text: "Records are kept for 30 years."\n        source: handmade\n'
        '        quote: "Page two: records are kept for 20 years."\n', encoding="utf-8")
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    (citation,) = json.loads(capsys.readouterr().out)["claims"][0]["citations"]
    assert citation["status"] == "misquoted" and citation["nearest"]["page"] == 2
    assert citation["pages"] == [] and citation["pin"] is None
    assert main(["check", str(tmp_path), "--format", "text"]) == 1
    assert re.search(r"source   \S*handmade\.pdf:\d+ \(p\. 2\): “Page two", capsys.readouterr().out)


# --- printed page labels -----------------------------------------------------------------------


def _labelled(path: Path, *labels: tuple[int, str, int]) -> None:
    """The two-page WeasyPrint fixture with page labels: (page index, style, first number)."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=INGEST / "weasyprint.pdf")
    for index, style, start in labels:
        writer.set_page_label(index, index, style=style, start=start)
    with open(path, "wb") as file:
        writer.write(file)


def test_a_pdf_with_printed_page_labels_is_cited_by_them(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sources").mkdir()
    _labelled(tmp_path / "sources" / "weasyprint.pdf", (0, "/r", 4), (1, "/D", 12))
    (tmp_path / "claims.yaml").write_text(CLAIMS.split("      - id: web")[0], encoding="utf-8")
    assert main(["check", str(tmp_path), "--format", "json"]) == 0
    claims = json.loads(capsys.readouterr().out)["claims"]
    one, two = (claim["citations"][0] for claim in claims)
    assert (one["pages"], one["pin"]) == ([1], "p. iv")  # `pages` count from the file's first page
    assert (two["pages"], two["pin"]) == ([1, 2], "pp. iv, 12")  # the labels do not count on
    out = tmp_path / "build" / "briefing.pdf"
    assert main(["build", str(tmp_path), "--format", "pdf", "-o", str(out)]) == 0
    capsys.readouterr()
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert re.search(r"p\.\siv\.", text) and re.search(r"pp\.\siv,\s12\.", text)


def test_page_labels_a_person_could_not_read_are_not_used(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    from briefing.sources.pdf import parse

    def labels(prefix: str) -> tuple[str, ...]:
        writer = PdfWriter(clone_from=INGEST / "weasyprint.pdf")
        writer.set_page_label(0, 1, style="/D", prefix=prefix)
        path = tmp_path / "labelled.pdf"
        with open(path, "wb") as file:
            writer.write(file)
        source, _ = parse(path.read_bytes(), str(path), "labelled")
        assert source is not None
        return source.page_labels

    assert labels("A-") == ("A-1", "A-2")
    assert labels("\u202eA-") == ()  # a bidi control
    assert labels("x" * 40) == ()  # far too long for a page label
    unlabelled, _ = parse((INGEST / "weasyprint.pdf").read_bytes(), "w.pdf", "w")
    assert unlabelled is not None and unlabelled.page_labels == ()


def test_a_damaged_page_label_tree_costs_the_labels_not_the_text() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    from briefing.sources.pdf import parse

    writer = PdfWriter(clone_from=INGEST / "weasyprint.pdf")
    limits = ArrayObject([NumberObject(0), NumberObject(10)])
    node = DictionaryObject({NameObject("/Limits"): limits, NameObject("/Nums"): ArrayObject(
        [NumberObject(0), DictionaryObject({NameObject("/S"): NameObject("/r")})])})
    for _ in range(120):  # pypdf gives up on a label tree this deep (NotImplementedError)
        node = DictionaryObject({NameObject("/Limits"): limits,
                                 NameObject("/Kids"): ArrayObject([writer._add_object(node)])})
    writer._root_object[NameObject("/PageLabels")] = DictionaryObject(
        {NameObject("/Kids"): ArrayObject([writer._add_object(node)])})
    data = io.BytesIO()
    writer.write(data)
    source, diagnostics = parse(data.getvalue(), "deep.pdf", "deep")
    assert source is not None and source.page_labels == () and "Page two begins" in source.text
    assert diagnostics == []
