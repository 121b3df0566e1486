"""Rendering the prose document, briefing.md (issue 16): cites as footnotes at their place, one
note per cite group, notes and bibliography by citeproc in a CSL style, the verification
appendix, the project's images and nothing else, and a read-back that ties each quote to its
note. Outputs are read back as structure (HTML elements, DOCX XML, PDF text and objects).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import FIXTURES, make_briefing, write_project

from briefing.diagnostics import Severity
from briefing.engine.project import check_project, load_project
from briefing.models import Status
from briefing.render import BuildResult, build, load_prose, pdf, readback, write
from briefing.render.document import DocImage
from briefing.render.prose import build_prose_document
from briefing.text import fold

NOW = datetime(2025, 11, 23, 11, 3, tzinfo=UTC)
FORMATS = ("pdf", "docx", "html")

ONS = """\
---
title: "Labour market overview, UK: March 2024"
publisher: "Office for National Statistics"
author: "Office for National Statistics"
date: "2024-03-12"
url: "https://www.ons.gov.uk/labour/march2024"
accessed: "2025-11-01"
---
The employment rate was 75.0% in the quarter. Unemployment stood at 3.9% in the same quarter.
"""

HMRC = """\
---
title: "Annual tax receipts"
publisher: "HM Revenue and Customs"
date: "2023-07-01"
---
Receipts rose by 12% over the year.
"""

CLAIMS = """\
    title: "Labour and tax"
    sections:
      - heading: "Overview"
        claims:
          - id: employment
            text: "The employment rate was 75.0%."
            source: ons-2024
            quote: "The employment rate was 75.0%"
          - id: unemployment
            text: "Unemployment stood at 3.9%."
            source: ons-2024
            quote: "Unemployment stood at 3.9%"
          - id: receipts
            text: "Receipts rose by 12%."
            source: hmrc-2023
            quote: "Receipts rose by 12%"
    """

PROSE = """\
---
title: Labour and tax
author: Policy Unit
{extra}---

# Overview

The employment rate reached 75.0% [@employment] while unemployment was 3.9%[@unemployment].
Receipts rose by 12% [@receipts; @unemployment].

Our own reading follows.

![A chart of the quarter](figures/chart.png)

| Measure | Value |
|---------|-------|
| Employment | 75.0% |

Employment again [@employment].
"""


def prose_project(root: Path, extra: str = "", body: str = PROSE) -> Path:
    write_project(root, CLAIMS, {"ons-2024.md": ONS, "hmrc-2023.md": HMRC})
    (root / "figures").mkdir(exist_ok=True)
    from PIL import Image

    Image.new("RGB", (90, 40), (30, 90, 160)).save(root / "figures" / "chart.png")
    (root / "briefing.md").write_text(body.format(extra=extra), encoding="utf-8")
    return root


def build_project(root: Path, formats=FORMATS, *, draft: bool = False) -> BuildResult:
    project = load_project(root / "claims.yaml", root / "sources")
    assert project.briefing is not None and not project.errors, project.diagnostics
    report = check_project(project)
    prose, problem = load_prose(root)
    assert problem is None
    outputs = {fmt: root / "build" / f"briefing.{fmt}" for fmt in formats}
    return build(project.briefing, report, formats, outputs, templates_dir=root / "templates",
                 draft=draft, now=NOW, version="9.9.9", prose=prose)


def errors(result: BuildResult) -> list[str]:
    return [f"{d.code}: {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]


def html_notes(path: Path) -> list[str]:
    """The text of each footnote of the HTML page, in order."""
    html = path.read_text(encoding="utf-8")
    notes = re.findall(r'<li id="fn\d+">(.*?)</li>', html, re.S)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", note))).replace("↩︎", "").strip()
            for note in notes]


def html_main(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("<main", 1)[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = prose_project(tmp_path_factory.mktemp("prose"))
    return root, build_project(root)


def test_prose_builds_in_every_format_and_passes_its_read_back(built: tuple[Path, BuildResult]) -> None:
    root, result = built
    assert errors(result) == []
    assert sorted(p.name for p in result.written) == ["briefing.docx", "briefing.html", "briefing.pdf"]


def test_a_cite_mid_sentence_makes_a_note_there(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    main = html_main(root / "build" / "briefing.html")
    # The call sits against the word it follows (the space before the cite goes), mid-sentence.
    assert re.search(r'reached 75\.0%<a href="#fn1" class="footnote-ref"[^>]*><sup>1</sup></a> while', main)
    # After the punctuation that follows it: "3.9%[@a]." and "12% [@a; @b]." put the call
    # after the stop, as a note style does.
    assert re.search(r'was 3\.9%\.<a href="#fn2" class="footnote-ref"[^>]*><sup>2</sup></a>\s', main)
    assert re.search(r'by 12%\.<a href="#fn3" class="footnote-ref"', main)
    pages = [page.extract_text() or "" for page in PdfReader(root / "build" / "briefing.pdf").pages]
    assert "reached 75.0%1 while" in fold(pages[0])


def test_a_cite_group_makes_one_note_holding_every_quote(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    notes = html_notes(root / "build" / "briefing.html")
    assert len(notes) == 4
    assert "\u201cReceipts rose by 12%\u201d" in notes[2]
    assert "\u201cUnemployment stood at 3.9%\u201d" in notes[2]
    with zipfile.ZipFile(root / "build" / "briefing.docx") as docx:
        xml = docx.read("word/document.xml").decode()
    assert xml.count("<w:footnoteReference") == 4


def test_chicago_gives_a_full_note_first_a_short_note_after_and_a_bibliography(
        built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    notes = html_notes(root / "build" / "briefing.html")
    assert notes[0] == ("Office for National Statistics, \u201cLabour Market Overview, UK: March 2024\u201d "
                        "(Office for National Statistics, March 12, 2024), "
                        "https://www.ons.gov.uk/labour/march2024. "
                        "\u201cThe employment rate was 75.0%\u201d")
    # The same source again: the short form; right after itself, the author alone.
    assert notes[1] == "Office for National Statistics. \u201cUnemployment stood at 3.9%\u201d"
    assert notes[3] == ("Office for National Statistics, \u201cLabour Market Overview, UK: March 2024.\u201d "
                        "\u201cThe employment rate was 75.0%\u201d")
    # A source with no author: the body that published it stands as its author (Chicago 14.70).
    assert notes[2].startswith("HM Revenue and Customs, \u201cAnnual Tax Receipts,\u201d July 1, 2023.")
    html = html_main(root / "build" / "briefing.html")
    bibliography = html.split('id="bibliography"', 1)[1].split('id="verification"', 1)[0]
    entries = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", e)).strip()
               for e in re.findall(r'<div id="ref-[^"]+" class="csl-entry"[^>]*>(.*?)</div>', bibliography, re.S)]
    assert entries == [
        "HM Revenue and Customs. \u201cAnnual Tax Receipts,\u201d July 1, 2023.",
        "Office for National Statistics. \u201cLabour Market Overview, UK: March 2024.\u201d Office for "
        "National Statistics, March 12, 2024. https://www.ons.gov.uk/labour/march2024.",
    ]
    assert 'class="references csl-bib-body hanging-indent"' in bibliography


def test_the_appendix_holds_the_statement_and_the_hashes(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    html = html_main(root / "build" / "briefing.html")
    appendix = html.split('id="verification"', 1)[1]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", appendix))
    assert "All 3 claims and 5 quotes in this briefing were verified against 2 sources" in text
    assert re.search(r"ons-2024: file ons-2024\.md, SHA-256 [0-9a-f]{12}", text)
    assert 'id="sources"' not in html  # the claims-only Sources list is not printed


@pytest.mark.parametrize("setting, appendix", [
    ("", True), ("verification: appendix\n", True), ("verification: none\n", False),
], ids=["default", "appendix", "none"])
def test_verification_none_drops_the_appendix(tmp_path: Path, setting: str, appendix: bool) -> None:
    root = prose_project(tmp_path, setting)
    result = build_project(root, ("html",))
    assert errors(result) == []
    html = html_main(root / "build" / "briefing.html")
    assert ("Appendix: verification" in html) is appendix
    assert ("SHA-256" in html) is appendix
    assert 'id="bibliography"' in html  # the bibliography stays either way


def test_a_second_style_changes_the_notes(tmp_path: Path) -> None:
    root = prose_project(tmp_path, "csl: oscola.csl\n")
    shutil.copy2(FIXTURES / "csl" / "oscola.csl", root / "oscola.csl")
    result = build_project(root, ("html", "docx"))
    assert errors(result) == []
    notes = html_notes(root / "build" / "briefing.html")
    # OSCOLA: single quotes, no comma before the publisher, "accessed", and "(n 1)" after.
    assert notes[0] == ("Office for National Statistics, \u2018Labour Market Overview, UK: March 2024\u2019 "
                        "(Office for National Statistics 2024) <https://www.ons.gov.uk/labour/march2024> "
                        "accessed 1 November 2025. \u201cThe employment rate was 75.0%\u201d")
    assert notes[1] == "ibid. \u201cUnemployment stood at 3.9%\u201d"


def test_a_templates_csl_file_overrides_the_default(tmp_path: Path) -> None:
    root = prose_project(tmp_path)
    (root / "templates").mkdir()
    shutil.copy2(FIXTURES / "csl" / "oscola.csl", root / "templates" / "chicago-fullnote-bibliography.csl")
    assert errors(build_project(root, ("html",))) == []
    assert html_notes(root / "build" / "briefing.html")[1] == "ibid. \u201cUnemployment stood at 3.9%\u201d"


@pytest.mark.parametrize("name", ["../outside.csl", "/etc/outside.csl", "missing.csl", "claims.yaml"],
                         ids=["parent", "absolute", "missing", "not-csl"])
def test_csl_outside_the_project_is_refused(tmp_path: Path, name: str) -> None:
    root = prose_project(tmp_path / "project", f"csl: {name}\n")
    shutil.copy2(FIXTURES / "csl" / "oscola.csl", tmp_path / "outside.csl")
    result = build_project(root, ("html",))
    assert result.written == ()
    assert errors(result) == [f"build.render-failed: {root / 'briefing.md'}: csl: {name!r} is not a .csl file "
                              f"in {root} or {root / 'templates'}"]


def test_an_image_outside_the_project_folder_is_not_loaded(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (33, 17), (200, 0, 0)).save(tmp_path / "secret.png")
    body = PROSE + (f"\n![outside](../secret.png)\n\n![absolute]({tmp_path / 'secret.png'})\n\n"
                    f"![by URL]({(tmp_path / 'secret.png').as_uri()})\n")
    root = prose_project(tmp_path / "project", body=body)
    result = build_project(root)
    assert errors(result) == []
    refused = [(d.code, d.message, str(d.location)) for d in result.diagnostics]
    assert refused == [
        ("build.fetch-refused", "refused to load image '../secret.png': not a file in the project folder",
         f"{root / 'briefing.md'}:21:1"),
        ("build.fetch-refused", f"refused to load image {str(tmp_path / 'secret.png')!r}: not a file in "
         "the project folder", f"{root / 'briefing.md'}:23:1"),
        ("build.fetch-refused", f"refused to load image {(tmp_path / 'secret.png').as_uri()!r}: not a file in "
         "the project folder", f"{root / 'briefing.md'}:25:1"),
    ]
    # The project's own chart is in every output, the outside one in none.
    reader = PdfReader(root / "build" / "briefing.pdf")
    sizes = {(image.image.size if image.image else None) for page in reader.pages for image in page.images}
    assert sizes == {(90, 40)}
    html = html_main(root / "build" / "briefing.html")
    assert len(re.findall(r"<img ", html)) == 1 and "secret" not in html.split("<img", 1)[1].split(">", 1)[0]
    with zipfile.ZipFile(root / "build" / "briefing.docx") as docx:
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert len(media) == 1


def test_the_fetcher_serves_the_documents_images_and_no_other(tmp_path: Path) -> None:
    own = DocImage("figures/chart.png", b"\x89PNG own", "image/png", 1, 1)
    other = DocImage("x.png", b"\x89PNG other", "image/png", 1, 1)
    refused: list[str] = []
    fetcher = pdf.template_fetcher(write.Templates(None).roots, refused, {own.uri: (own.data, own.media_type)})
    served = fetcher.fetch(own.uri)
    assert (served.read(), served.content_type) == (own.data, "image/png")
    with pytest.raises(ValueError):
        fetcher.fetch(other.uri)
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / "figures" / "chart.png").as_uri())
    assert refused == [other.uri, (tmp_path / "figures" / "chart.png").as_uri()]


def test_the_read_back_allows_the_documents_images_only(built: tuple[Path, BuildResult], tmp_path: Path) -> None:
    root, _ = built
    project = load_project(root / "claims.yaml", root / "sources")
    report = check_project(project)
    prose, _ = load_prose(root)
    assert prose is not None
    chart = (root / "figures" / "chart.png").read_bytes()
    image = DocImage("figures/chart.png", chart, "image/png", 90, 40)
    document, _ = build_prose_document(prose.ast, project.briefing, report, draft=False, now=NOW,
                                       version="1", images={"figures/chart.png": image})
    data = (root / "build" / "briefing.pdf").read_bytes()
    kwargs = {"draft": False, "output": "out.pdf", "claims_path": "claims.yaml", "footnotes": 4}
    assert readback.check_pdf(data, document.notes, images=(image,), **kwargs) == []
    found = readback.check_pdf(data, document.notes, images=(), **kwargs)
    assert [(d.code, d.message) for d in found] == [("build.unsafe-content", "out.pdf: page 1 has an image")]
    html = (root / "build" / "briefing.html").read_bytes()
    html_kwargs = {**kwargs, "output": "out.html"}
    assert readback.check_html(html, document.notes, images=(image,), **html_kwargs) == []
    assert [d.message for d in readback.check_html(html, document.notes, **html_kwargs)] == [
        "out.html: the body has <img>"]


def _two_quote_note() -> tuple[object, str]:
    briefing, report = make_briefing([
        ("a", "A.", [("azernews-2023", "first quote", Status.VERIFIED)]),
        ("b", "B.", [("azernews-2023", "second quote", Status.VERIFIED)])])
    ast = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": [
        {"t": "Str", "c": "Text"},
        {"t": "Cite", "c": [[{"citationId": cid, "citationPrefix": [], "citationSuffix": [],
                              "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 1,
                              "citationHash": 0} for cid in ("a", "b")], []]},
        {"t": "Str", "c": "."},
        {"t": "Cite", "c": [[{"citationId": "a", "citationPrefix": [], "citationSuffix": [],
                              "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 2,
                              "citationHash": 0}], []]}]}]}
    document, unknown = build_prose_document(ast, briefing, report, draft=False, now=NOW, version="1")
    assert unknown == ()
    return document, "claims.yaml"


def _cites_in_notes(node: object) -> list[int]:
    """How many source Cites each footnote of a pandoc AST holds, in order."""
    counts: list[int] = []

    def cites(value: object) -> int:
        if isinstance(value, dict):
            return (value.get("t") == "Cite") + sum(cites(v) for v in value.values())
        return sum(cites(v) for v in value) if isinstance(value, list) else 0

    def walk(value: object) -> None:
        if isinstance(value, dict) and value.get("t") == "Note":
            counts.append(cites(value["c"]))
        elif isinstance(value, dict):
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)
    walk(node)
    return counts


def test_quotes_in_a_row_from_one_source_share_its_reference() -> None:
    document, _ = _two_quote_note()
    # Note 1 holds claims a and b, both quoting azernews-2023 with no page: one reference, two
    # quotes; note 2 holds a alone. Two different sources keep a reference each
    # (test_chicago_gives_a_full_note_first_a_short_note_after_and_a_bibliography, note 3).
    assert _cites_in_notes(document.ast["blocks"]) == [1, 1]
    assert [(n.number, n.citation.quote) for n in document.notes] == [
        (1, "first quote"), (1, "second quote"), (2, "first quote")]


@pytest.mark.parametrize("note1, note2, expected", [
    ("\u201cfirst quote\u201d \u201csecond quote\u201d", "\u201cfirst quote\u201d", []),
    ("\u201cfirst quote\u201d \u201csecond quota\u201d", "\u201cfirst quote\u201d",
     [("build.quote-altered", "out.html: footnote 1 (claim 'b', source 'azernews-2023') does not print "
       "its quote as verified")]),
    # The second quote printed, but in the wrong note: it is not tied to note 1.
    ("\u201cfirst quote\u201d", "\u201cfirst quote\u201d \u201csecond quote\u201d",
     [("build.quote-altered", "out.html: footnote 1 (claim 'b', source 'azernews-2023') does not print "
       "its quote as verified")]),
    ("\u201csecond quote\u201d", "\u201cfirst quote\u201d",
     [("build.quote-altered", "out.html: footnote 1 (claim 'a', source 'azernews-2023') does not print "
       "its quote as verified")]),
], ids=["as-verified", "second-tampered", "second-in-another-note", "first-dropped"])
def test_read_back_ties_each_quote_of_a_note_to_that_note(note1: str, note2: str,
                                                          expected: list[tuple[str, str]]) -> None:
    document, claims = _two_quote_note()
    assert [(n.number, n.claim_id) for n in document.notes] == [(1, "a"), (1, "b"), (2, "a")]
    html = ('<body class="final"><main><p>Text<a href="#fn1" class="footnote-ref">1</a>.'
            '<a href="#fn2" class="footnote-ref">2</a></p><section class="footnotes"><ol>'
            f'<li id="fn1"><p>Source. {note1}</p></li><li id="fn2"><p>Source. {note2}</p></li>'
            '</ol></section></main></body>')
    found = readback.check_html(html.encode(), document.notes, draft=False, output="out.html",
                                claims_path=claims, footnotes=document.footnotes)
    assert [(d.code, d.message) for d in found] == expected


def test_read_back_counts_the_authors_own_footnotes(tmp_path: Path) -> None:
    body = PROSE + "\nAn aside.[^own]\n\n[^own]: The author's own note.\n"
    root = prose_project(tmp_path, body=body)
    result = build_project(root)
    assert errors(result) == []
    assert len(html_notes(root / "build" / "briefing.html")) == 5


def test_a_cited_id_that_is_no_claim_refuses_the_build_unless_draft(tmp_path: Path) -> None:
    root = prose_project(tmp_path, body=PROSE + "\nAnd a guess [@nowhere].\n")
    result = build_project(root, ("html",))
    assert result.written == ()
    # The check refuses it first (document.unknown-claim, at its line: test_document_check.py).
    assert errors(result) == ["build.unverified: every claim verified, but the check failed "
                              "(document.unknown-claim); nothing was built"]
    drafted = build_project(root, ("html",), draft=True)
    assert errors(drafted) == []
    assert "[UNVERIFIED: no claim nowhere]" in html_main(root / "build" / "briefing.html")


def test_draft_marks_a_failed_claim_in_the_prose(tmp_path: Path) -> None:
    root = prose_project(tmp_path)
    claims = (root / "claims.yaml").read_text().replace('"Receipts rose by 12%"', '"Receipts rose by 13%"')
    (root / "claims.yaml").write_text(claims)
    refused = build_project(root, ("html",))
    assert [e.split(":")[0] for e in errors(refused)] == ["build.unverified"]
    result = build_project(root, FORMATS, draft=True)
    assert errors(result) == []
    main = html_main(root / "build" / "briefing.html")
    assert "by 12% [UNVERIFIED: misquoted].3" in re.sub(r"<[^>]+>", "", main)
    assert "Draft: 1 cited claim not verified" in main


def test_without_briefing_md_the_claims_only_layout_renders(tmp_path: Path) -> None:
    root = prose_project(tmp_path)
    (root / "briefing.md").unlink()
    assert load_prose(root) == (None, None)
    result = build_project(root, ("html",))
    assert errors(result) == []
    html = html_main(root / "build" / "briefing.html")
    assert 'id="sources"' in html and 'id="bibliography"' not in html and "csl-entry" not in html
    assert len(html_notes(root / "build" / "briefing.html")) == 3


def test_source_metadata_stays_text_in_the_notes(tmp_path: Path) -> None:
    hostile = ONS.replace('title: "Labour market overview, UK: March 2024"',
                          'title: "<img src=x> *bold* [@receipts]"')
    root = prose_project(tmp_path)
    (root / "sources" / "ons-2024.md").write_text(hostile)
    result = build_project(root, ("html",))
    assert errors(result) == []
    note = html_notes(root / "build" / "briefing.html")[0]
    assert "\u201c<Img Src=x> *Bold* [@Receipts]\u201d" in note
    assert "<img src=x>" not in html_main(root / "build" / "briefing.html")


def _note_html(document, templates: write.Templates) -> list[str]:
    body = write.html_body(document, templates, inline_notes=False)
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", note))).replace("↩︎", "").strip()
            for note in re.findall(r'<li id="fn\d+">(.*?)</li>', body, re.S)]


@pytest.mark.parametrize("pages, labels, printed", [
    ((12,), (), "Staff reporter, \u201cOIC Secretary General Pays Tribute\u201d (Azernews, February 22, 2023), 12, "
                "https://www.azernews.az/nation/206528.html."),
    ((12, 13), (), "Staff reporter, \u201cOIC Secretary General Pays Tribute\u201d (Azernews, February 22, 2023), "
                   "12\u201313, https://www.azernews.az/nation/206528.html."),
    ((), (), "Staff reporter, \u201cOIC Secretary General Pays Tribute\u201d (Azernews, February 22, 2023), "
             "https://www.azernews.az/nation/206528.html."),
], ids=["page", "page-range", "no-page"])
def test_the_pin_cite_is_the_notes_locator(pages: tuple[int, ...], labels: tuple[str, ...], printed: str) -> None:
    from dataclasses import replace

    from briefing.document.read import parse_markdown
    from briefing.render.assets import find_style
    from briefing.render.csl import DEFAULT_CSL

    briefing, report = make_briefing([("a", "A.", [("azernews-2023", "first quote", Status.VERIFIED)])])
    result = report.claims[0]
    found = replace(result.citations[0], pages=pages)
    report = replace(report, claims=(replace(result, citations=(found,)),))
    document, _ = build_prose_document(parse_markdown("Text [@a]."), briefing, report, draft=False,
                                       now=NOW, version="1")
    templates = write.Templates(None)
    assert document.style == DEFAULT_CSL
    cited = write.apply_citeproc(document, find_style(document.style, Path("briefing.md"), templates))
    assert _note_html(cited, templates) == [f"{printed} \u201cfirst quote\u201d"]


def test_the_package_ships_the_default_style_and_its_licence() -> None:
    style = (write.PACKAGE_TEMPLATES / "chicago-fullnote-bibliography.csl").read_text(encoding="utf-8")
    assert "<title>Chicago Manual of Style 17th edition (full note)</title>" in style
    assert 'license="http://creativecommons.org/licenses/by-sa/3.0/"' in style
    licence = (write.PACKAGE_TEMPLATES / "chicago-fullnote-bibliography-LICENSE.txt").read_text(encoding="utf-8")
    assert "Creative Commons Attribution-ShareAlike 3.0" in licence and "https://citationstyles.org/" in licence


def test_the_docx_bibliography_hangs(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    with zipfile.ZipFile(root / "build" / "briefing.docx") as docx:
        document = docx.read("word/document.xml").decode()
        styles = docx.read("word/styles.xml").decode()
    assert document.count('<w:pStyle w:val="Bibliography" />') == 2
    style = styles.split('w:styleId="Bibliography"', 1)[1].split("</w:style>", 1)[0]
    assert re.search(r"<w:ind (w:hanging=\"567\" w:left=\"567\"|w:left=\"567\" w:hanging=\"567\") />", style)


def test_a_cite_in_the_summary_is_the_first_note(tmp_path: Path) -> None:
    root = prose_project(tmp_path, "summary: Receipts rose [@receipts].\n")
    result = build_project(root)
    assert errors(result) == []
    notes = html_notes(root / "build" / "briefing.html")
    assert len(notes) == 5 and notes[0].endswith("\u201cReceipts rose by 12%\u201d")


def test_links_other_than_web_links_print_as_text(tmp_path: Path) -> None:
    body = PROSE + ("\nSee [the file](file:///etc/passwd), [a script](javascript:alert(1)), "
                    "[the office](https://www.ons.gov.uk/) and [the overview](#overview).\n")
    root = prose_project(tmp_path, body=body)
    result = build_project(root)
    assert errors(result) == []
    main = html_main(root / "build" / "briefing.html")
    assert "See the file, a script, " in re.sub(r"<[^>]+>", "", main)
    assert re.findall(r'<a href="([^"]+)">the', main) == ["https://www.ons.gov.uk/", "#overview"]


def test_the_sources_url_in_a_note_opens_at_the_passage(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    html = html_main(root / "build" / "briefing.html")
    first = html.split('<li id="fn1">', 1)[1].split("</li>", 1)[0]
    assert re.findall(r'<a href="([^"]+)"[^>]*>https://www\.ons', first) == [
        "https://www.ons.gov.uk/labour/march2024#:~:text=The%20employment%20rate%20was%2075.0%25"]
    # The bibliography links to the page itself, and no marker is left in any output.
    assert '<a href="https://www.ons.gov.uk/labour/march2024"' in html.split('id="bibliography"', 1)[1]
    assert "briefing-passage" not in html


@pytest.mark.parametrize("quote, expected", [
    (None, []),
    # Printed on the page, in notes 1 and 4, but not in note 3: not this note's quote.
    ("The employment rate was 75.0%", ["build.quote-altered: out.pdf: footnote 3 (claim 'unemployment', "
                                       "source 'ons-2024') does not print its quote as verified"]),
    ("Unemployment stood at 3.8%", ["build.quote-altered: out.pdf: footnote 3 (claim 'unemployment', "
                                    "source 'ons-2024') does not print its quote as verified"]),
], ids=["as-verified", "quote-of-another-note", "figure-changed"])
def test_pdf_read_back_reads_each_quote_of_a_note_in_that_note(built: tuple[Path, BuildResult],
                                                                quote: str | None, expected: list[str]) -> None:
    from dataclasses import replace

    root, _ = built
    project = load_project(root / "claims.yaml", root / "sources")
    prose, _ = load_prose(root)
    assert prose is not None and project.briefing is not None
    image = DocImage("figures/chart.png", b"", "image/png", 90, 40)
    document, _ = build_prose_document(prose.ast, project.briefing, check_project(project), draft=False,
                                       now=NOW, version="1")
    notes = list(document.notes)
    index = [(n.number, n.claim_id) for n in notes].index((3, "unemployment"))
    if quote is not None:
        notes[index] = replace(notes[index], citation=replace(notes[index].citation, quote=quote))
    found = readback.check_pdf((root / "build" / "briefing.pdf").read_bytes(), notes, draft=False,
                               output="out.pdf", claims_path="claims.yaml", footnotes=4, images=(image,))
    assert [f"{d.code}: {d.message}" for d in found] == expected


def test_the_authors_metadata_cannot_add_references(tmp_path: Path) -> None:
    extra = ("bibliography: /etc/passwd\nnocite: '@*'\nreferences:\n- id: invented\n  title: Not a source\n"
             "link-citations: true\n")
    root = prose_project(tmp_path, extra)
    result = build_project(root, ("html",))
    assert errors(result) == []
    html = html_main(root / "build" / "briefing.html")
    assert re.findall(r'<div id="ref-([^"]+)"', html) == ["hmrc-2023", "ons-2024"]
    assert "Not a source" not in html and "root:" not in html


def test_a_cite_inside_the_authors_footnote_is_printed_in_that_note(tmp_path: Path) -> None:
    body = PROSE + "\nAn aside.[^own]\n\n[^own]: As the office reports [@receipts].\n"
    root = prose_project(tmp_path, body=body)
    result = build_project(root)
    assert errors(result) == []
    notes = html_notes(root / "build" / "briefing.html")
    assert len(notes) == 5
    assert notes[4].startswith("As the office reports HM Revenue and Customs, \u201cAnnual Tax Receipts")
    assert notes[4].endswith("\u201cReceipts rose by 12%\u201d.")
