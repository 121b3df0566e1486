"""Source readers on real files (tests/fixtures/ingest, made by make_fixtures.py): text, pages, failures."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import INGEST

from briefing.diagnostics import Severity
from briefing.models import Source, SourceMeta
from briefing.sources import docx, html, load_source, pdf, reader_for, scan_sources, sidecar

HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None


def parse_fixture(name: str) -> tuple[Source | None, list]:
    path = INGEST / name
    reader = reader_for(path)
    assert reader is not None, name
    return reader.parse(path.read_bytes(), str(path), path.stem)


def folded(text: str) -> str:
    """Whitespace runs as one space, and line-end hyphens read the way this test needs:
    WeasyPrint's automatic hyphen (U+2010) joins the word, a typed hyphen (U+002D) stays."""
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "-").split())


# --- text that must come out whole ---------------------------------------------------

SENTENCES = [
    ("weasyprint.pdf", [
        "Committee report",
        "The committee’s report on “institutional management” found that administrative "
        "responsibilities were distributed inconsistently across departments.",
        "Well-known problems persisted; officials said the ‘reorganisation’ would nevertheless "
        "continue until the extraordinarily complicated arrangements were simplified.",
        "The long-term, cost-effective and evidence-based decision-making framework improved "
        "well-being, follow-up and record-keeping across the state-owned, tax-funded, part-time "
        "and full-time workforce.",
        "Page two begins with this sentence about efficient, affluent offices.",
    ]),
    ("handmade.pdf", [
        "The “hand-made” report lists the man-agement of public records. It is a two-page document.",
        "Page two: records are kept for 30 years.",
    ]),
    ("owner-only-rc4.pdf", ["Page two: records are kept for 30 years."]),
    ("article.html", [
        "The minister said the reform would cut the deficit by 2.5 per cent in two years, and that "
        "“the management of public funds is sound.” Critics disagreed.",
        "Fish & chips cost £5 — “cheap” — it’s said.",
    ]),
    ("legacy.htm", ["The clerk wrote “café receipts” – twice."]),
    ("pandoc.docx", [
        "The memo says the reform was well received by the council.",
        "Road repairs £1.2 million School meals £800,000",
        "Footnote: the council voted 12 to 3 in favour.",
    ]),
    ("handmade.docx", [
        "The management of the revised scheme was approved.",
        "Name Value next line with a non-breaking hyphen and a softhyphen",
        "Page 3 of the report",
        "Text box contents.",
        "Cell one Cell two Nested cell",
        "A footnote: approved on 4 May 2021.",
        "An endnote on pagination.",
    ]),
]


@pytest.mark.parametrize(("name", "sentences"), SENTENCES, ids=[case[0] for case in SENTENCES])
def test_sentences_survive_extraction(name: str, sentences: list[str]) -> None:
    source, diagnostics = parse_fixture(name)
    assert source is not None and diagnostics == []
    text = folded(source.text)
    for sentence in sentences:
        assert sentence in text


HIDDEN = [
    ("article.html", ["SCRIPT TEXT", "STYLE TEXT", "ATTRIBUTE TEXT", "ALT TEXT", "TEMPLATE TEXT",
                      "NOSCRIPT TEXT", "JSON-LD TEXT", "Not this title", "Budget", "A. Reporter"]),
    ("handmade.docx", ["DELETED", "HIDDEN TEXT", "PAGE ", "\u00ad"]),
    ("pandoc.docx", ["[^1]"]),
]


@pytest.mark.parametrize(("name", "absent"), HIDDEN, ids=[case[0] for case in HIDDEN])
def test_what_a_reader_never_sees_is_left_out(name: str, absent: list[str]) -> None:
    source, _ = parse_fixture(name)
    assert source is not None
    for text in absent:
        assert text not in source.text


@pytest.mark.parametrize(("name", "shape"), [
    ("article.html", "and that “the management of public funds is sound.” Critics disagreed.\n\n"
                     "First line\nsecond line\nthird line\n\nOne item\n\nAnother item\n\nYear\n\n2023\n\n"),
    ("article.html", "Home | News\n\nThe minister’s statement\n\nThe minister said"),
    ("handmade.docx", "Name\tValue\nnext line"),
    ("handmade.docx", "Anchor paragraph.\n\nText box contents.\n\nCell one\n\nCell two\n\nNested cell\n\n"
                      "A footnote: approved on 4 May 2021.\n\nAn endnote on pagination."),
    ("pandoc.docx", "Measure\n\nCost\n\nRoad repairs\n\n£1.2 million\n\n"),
    # A line-end hyphen is kept as the PDF has it, followed by the line's "\n".
    ("handmade.pdf", "lists the man-\nagement of public records.\nIt is"),
], ids=["html-breaks", "html-blocks", "docx-tab-break", "docx-order", "docx-table", "pdf-hyphen"])
def test_paragraph_and_line_breaks(name: str, shape: str) -> None:
    source, _ = parse_fixture(name)
    assert source is not None and shape in source.text


def test_weasyprint_hyphenation_is_kept_at_line_ends_only() -> None:
    source, _ = parse_fixture("weasyprint.pdf")
    assert source is not None
    assert source.text.count("\u2010\n") >= 3  # `hyphens: auto` broke words at line ends
    assert source.text.count("\u2010") == source.text.count("\u2010\n")


def test_columns_come_out_one_after_the_other() -> None:
    source, _ = parse_fixture("weasyprint.pdf")
    assert source is not None
    text = folded(source.text)
    assert text.index("The committee’s report") < text.index("Further paragraphs") < text.index("Well-known")


# --- pages ---------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "pages", "page_two"), [
    ("weasyprint.pdf", 2, "Page two begins"),
    ("handmade.pdf", 2, "Page two: records"),
    ("owner-only-rc4.pdf", 2, "Page two: records"),
    ("mixed.pdf", 2, ""),  # page 2 is a scan: it starts, and ends, at the end of the text
])
def test_page_starts(name: str, pages: int, page_two: str) -> None:
    source, _ = parse_fixture(name)
    assert source is not None
    assert source.page_starts[0] == 0 and len(source.page_starts) == pages
    start = source.page_starts[1]
    assert source.text[start - len(pdf.PAGE_BREAK):start] == pdf.PAGE_BREAK
    assert source.text[start:].startswith(page_two)
    assert source.text.count("\f") == pages - 1


@pytest.mark.parametrize(("name", "title"), [
    ("weasyprint.pdf", "Committee report"),
    ("handmade.pdf", "Hand-made records report"),
    ("article.html", "Budget & reform: the minister’s statement"),
    ("legacy.htm", "Old page"),  # no <title>: the first <h1>
    ("pandoc.docx", "Pandoc memo"),
    ("handmade.docx", ""),
])
def test_title_from_the_file(name: str, title: str) -> None:
    source, _ = parse_fixture(name)
    assert source is not None and source.meta.title == title


def test_html_author_from_meta() -> None:
    source, _ = parse_fixture("article.html")
    assert source is not None and source.meta.author == "A. Reporter"


# --- files that cannot be read -------------------------------------------------------

UNREADABLE = [
    ("encrypted.pdf", "sources.encrypted", "encrypted: encrypted PDF; it needs a password to open"),
    ("truncated.pdf", "sources.corrupt",
     "truncated: cannot read this PDF: PdfStreamError: Stream has ended unexpectedly"),
    ("error-page.pdf", "sources.corrupt", "error-page: cannot read this PDF: not a PDF file (no %PDF- header)"),
    ("scanned.pdf", "sources.no-text", "scanned: no text layer on any of its 1 page(s) (a scan?)"),
    ("script-only.html", "sources.no-text", "script-only: the page has no visible text"),
    ("encrypted.docx", "sources.encrypted", "encrypted: password-protected Word document"),
    ("truncated.docx", "sources.corrupt", "truncated: cannot read this Word document: File is not a zip file"),
]


@pytest.mark.parametrize(("name", "code", "message"), UNREADABLE, ids=[case[0] for case in UNREADABLE])
def test_unreadable_file_is_one_error_with_its_path(name: str, code: str, message: str) -> None:
    source, diagnostics = parse_fixture(name)
    assert source is None
    assert [(d.code, d.message, d.severity) for d in diagnostics] == [(code, message, Severity.ERROR)]
    assert diagnostics[0].location is not None
    assert diagnostics[0].location.path == str(INGEST / name)
    assert diagnostics[0].hint


def test_aes_encrypted_pdf_with_empty_password() -> None:
    """Permissions-only encryption (no password to open) is common in published reports."""
    source, diagnostics = parse_fixture("owner-only-aes.pdf")
    if HAS_CRYPTOGRAPHY:
        assert source is not None and "Page two: records are kept for 30 years." in source.text
        assert diagnostics == []
    else:
        assert source is None
        assert [(d.code, d.hint) for d in diagnostics] == [("sources.encrypted", "pip install cryptography")]


def test_a_scanned_page_among_text_pages_is_a_warning() -> None:
    source, diagnostics = parse_fixture("mixed.pdf")
    assert source is not None and "records" in source.text
    assert [(d.code, d.severity, d.message) for d in diagnostics] == [(
        "sources.no-text-pages", Severity.WARNING,
        "mixed: page(s) 2 have images but no text; quotes from them cannot be checked")]


CUTS = [
    (name, cut)
    for name in ("weasyprint.pdf", "handmade.pdf", "encrypted.pdf", "article.html",
                 "pandoc.docx", "handmade.docx")
    for cut in (0, 1, 9, 100, 1000, -200, -20, -1)
]


@pytest.mark.parametrize(("name", "cut"), CUTS, ids=[f"{n}[:{c}]" for n, c in CUTS])
def test_damaged_files_never_raise(name: str, cut: int) -> None:
    data = (INGEST / name).read_bytes()[:cut]
    reader = reader_for(Path(name))
    assert reader is not None
    source, diagnostics = reader.parse(data, name, "cut")
    assert (source is None) == any(d.severity is Severity.ERROR for d in diagnostics)


JUNK = [
    (reader, name, data, code)
    for name, data, html_code in [
        ("empty", b"", "sources.no-text"),
        ("nul", b"\x00" * 64, "sources.binary"),
        ("zip-header", b"PK\x03\x04" + b"\xff" * 64, ""),  # a browser would show it as text too
        ("pdf-header", b"%PDF-1.7\n%%EOF\n", ""),
    ]
    for reader, code in [(html, html_code), (pdf, "*"), (docx, "sources.corrupt")]
]


@pytest.mark.parametrize(("reader", "name", "data", "code"), JUNK,
                         ids=[f"{r.__name__.rsplit('.', 1)[-1]}-{n}" for r, n, _, _ in JUNK])
def test_junk_is_reported_not_raised(reader: ModuleType, name: str, data: bytes, code: str) -> None:
    source, diagnostics = reader.parse(data, "junk", "junk")
    if code:
        assert source is None and len(diagnostics) == 1
        assert diagnostics[0].severity is Severity.ERROR and code in ("*", diagnostics[0].code)
    else:
        assert source is not None


def test_docx_that_is_an_old_doc_file() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    source, diagnostics = docx.parse(ole, "old.docx", "old")
    assert source is None
    assert [(d.code, d.hint) for d in diagnostics] == [
        ("sources.corrupt", "open it in Word or LibreOffice and save it as .docx")]


# --- HTML details ------------------------------------------------------------------------

@pytest.mark.parametrize(("markup", "text"), [
    ("<p>a <b>b</b> <i> c</i></p>", "a b c"),
    ("<p>wo<span>rd</span>s</p>", "words"),
    ("<div>a</div>\n   \n<div>b</div>", "a\n\nb"),
    ("a<br><br>b<br>c", "a\n\nb\nc"),
    ("<pre>\n  x = 1\n  y = 2\n</pre>after", "  x = 1\n  y = 2\n\nafter"),
    # Issue 15 §5: `hidden` content is not text, but "until-found" is a collapsed section that
    # find-in-page opens: still the page's text.
    ("<p>a</p><div hidden=until-found>kept: a collapsed section is still the page's text</div>",
     "a\n\nkept: a collapsed section is still the page's text"),
    ("<p>x &lt;y&gt; &amp;amp; &eacute; &#233; &#xE9;</p>", "x <y> &amp; é é é"),
    ("<svg><title>tooltip</title><text>axis</text></svg><p>after</p>", "axis\n\nafter"),
    ("<noscript>open<p>never closed</body></html>", ""),
    ("<noscript>left open</noscript><p>seen", "seen"),
    ("<p>cell</p><table><tr><td>a<td>b</table>", "cell\n\na\n\nb"),
    ("<p><![if !supportLists]>1.<![endif]> Word's list</p>", "1. Word's list"),
    ("a<![CDATA[not shown]]>b<![odd[ x ]]>c", "abc"),
], ids=["inline-spaces", "inline-in-word", "blocks", "br", "pre", "until-found-kept", "entities", "svg",
        "unclosed-noscript", "closed-noscript", "cells", "word-conditional", "marked-sections"])
def test_html_text(markup: str, text: str) -> None:
    source, _ = html.parse(markup.encode(), "page.html", "page")
    assert (source.text if source else "") == text


@given(st.text(alphabet="<>!/[]-'\"=?a &;#x\n", max_size=60))
def test_html_never_raises_on_broken_markup(markup: str) -> None:
    source, diagnostics = html.parse(markup.encode(), "page.html", "page")
    assert (source is None) == bool(diagnostics)


@pytest.mark.parametrize(("data", "text", "codes"), [
    (b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "café", []),
    ("\ufeff<p>café</p>".encode("utf-16-le"), "café", []),
    (b"<p>caf\xe9 \x93q\x94</p>", "café “q”", []),  # undeclared, not UTF-8: Windows-1252
    (b'<meta charset="iso-8859-1"><p>\x93q\x94</p>', "“q”", []),  # WHATWG: latin-1 means 1252
    (b'<meta charset="utf-8"><p>caf\xe9</p>', "caf\ufffd", ["sources.encoding"]),
], ids=["utf8-bom", "utf16-bom", "cp1252-fallback", "latin1-label", "bad-utf8"])
def test_html_encodings(data: bytes, text: str, codes: list[str]) -> None:
    source, diagnostics = html.parse(data, "page.html", "page")
    assert source is not None and source.text == text
    assert [d.code for d in diagnostics] == codes


def test_html_title_falls_back_to_og_title_then_h1() -> None:
    og, _ = html.parse(b'<meta property="og:title" content=" OG  title "><h1>H</h1><p>x', "p.html", "p")
    h1, _ = html.parse(b"<h1>The <i>first</i> heading</h1><h1>Second</h1>", "p.html", "p")
    assert og is not None and og.meta.title == "OG title"
    assert h1 is not None and h1.meta.title == "The first heading"


# --- sidecar metadata --------------------------------------------------------------------

SIDECARS = [
    ("title: Report\ndate: 2020-02-26\naccessed: 2024-01-05\n",
     {"title": "Report", "date": "2020-02-26", "accessed": "2024-01-05"}, []),
    ("title: 'Quoted: yes'\npublisher: ~\nurl: https://example.org/a?b=1#c\n",
     {"title": "Quoted: yes", "url": "https://example.org/a?b=1#c"}, []),
    ("title: T\n  # comment\nsubtitle: S\n", {"title": "T"},
     [("sidecar.yaml: unknown metadata key 'subtitle'; ignored", 3, 1)]),
    ("author:\n  - A\n  - B\n", {}, [("sidecar.yaml: 'author' must be a single value; ignored", 1, 1)]),
    ("title: A\ntitle: B\n", {"title": "A"},
     [("sidecar.yaml: 'title' is given twice; the first value is kept", 2, 1)]),
    ("title: 'open\n", {}, [("sidecar.yaml: not valid YAML: found unexpected end of stream; "
                             "its metadata was ignored", 2, 1)]),
    ("- title\n", {}, [("sidecar.yaml: metadata must be a mapping of key: value; ignored", 1, 1)]),
    ("", {}, []),
]


@pytest.mark.parametrize(("yaml_text", "fields", "problems"), SIDECARS,
                         ids=["plain", "quoted-null-url", "unknown-key", "list", "twice", "invalid",
                              "not-mapping", "empty"])
def test_parse_sidecar(yaml_text: str, fields: dict[str, str], problems: list[tuple[str, int, int]]) -> None:
    found, diagnostics = sidecar.parse_sidecar(yaml_text.encode(), "sources/sidecar.yaml")
    assert found == fields
    assert [(d.message, d.location.line, d.location.col) for d in diagnostics if d.location] == problems
    assert all(d.code == "sources.sidecar" and d.severity is Severity.WARNING for d in diagnostics)


def test_sidecar_not_utf8() -> None:
    fields, diagnostics = sidecar.parse_sidecar(b"title: caf\xe9\n", "s/x.yaml")
    assert fields == {} and [d.message for d in diagnostics] == ["x.yaml: not UTF-8 text; its metadata was ignored"]


def test_front_matter_is_read_as_a_sidecar_is_with_file_lines() -> None:
    from briefing.sources import text

    data = b"---\ntitle: A\ntitle: B\nauthor: ~\ndate:\nsubtitle: x\n---\nBody.\n"
    source, diagnostics = text.parse(data, "sources/x.md", "x")
    assert source is not None and source.text == "Body.\n"
    assert source.meta == SourceMeta(title="A")  # the first title; `~` and an empty value set nothing
    assert [(d.code, d.message, d.location.line, d.location.col) for d in diagnostics] == [
        ("sources.front-matter", "front matter: 'title' is given twice; the first value is kept", 3, 1),
        ("sources.front-matter", "front matter: unknown metadata key 'subtitle'; ignored", 6, 1)]


def test_apply_sidecar_wins_field_by_field() -> None:
    meta = SourceMeta(title="Page title", author="Page author")
    assert sidecar.apply_sidecar(meta, {"title": "Given", "url": "u"}) == SourceMeta(
        title="Given", author="Page author", url="u")


def test_sidecars_in_the_sources_folder(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(INGEST / "article.html", sources / "article.html")
    shutil.copy(INGEST / "handmade.pdf", sources / "records.pdf")
    (sources / "article.yaml").write_text("title: Minister's statement\npublisher: Daily\nsubtitle: x\n")
    (sources / "records.yml").write_text("url: https://example.org/records.pdf\n")
    (sources / "notes.md").write_text("---\ntitle: From front matter\nauthor: F. Matter\n---\nBody.\n")
    (sources / "notes.yaml").write_text("title: From sidecar\n")
    (sources / "orphan.yaml").write_text("title: Nobody\n")
    (sources / "slides.odt").write_bytes(b"PK")

    listing = scan_sources(sources)
    assert sorted(listing.files) == ["article", "notes", "records"]
    assert [(d.code, d.message) for d in listing.diagnostics] == [
        ("sources.unsupported", "slides.odt: unknown kind of source; ignored"),
        ("sources.sidecar", "orphan.yaml: metadata for a source 'orphan' that is not there"),
    ]
    loaded = {name: load_source(file) for name, file in listing.files.items()}

    article, problems = loaded["article"]
    assert article is not None and article.kind == "html" and len(article.sha256) == 64
    assert article.meta == SourceMeta(title="Minister's statement", publisher="Daily", author="A. Reporter")
    assert [(d.code, str(d.location)) for d in problems] == [
        ("sources.sidecar", f"{sources / 'article.yaml'}:3:1")]

    records, problems = loaded["records"]
    assert records is not None and problems == ()
    assert records.meta == SourceMeta(title="Hand-made records report", url="https://example.org/records.pdf")
    assert records.page_starts == (0, 94)

    notes, _ = loaded["notes"]
    assert notes is not None and notes.meta == SourceMeta(title="From sidecar", author="F. Matter")


def test_two_sidecars_for_one_source(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("A.\n")
    (tmp_path / "a.yaml").write_text("title: one\n")
    (tmp_path / "a.yml").write_text("title: two\n")
    listing = scan_sources(tmp_path)
    assert listing.files["a"].sidecar == tmp_path / "a.yaml"
    assert [d.message for d in listing.diagnostics] == [
        "two metadata files for 'a': a.yaml and a.yml; a.yml ignored"]


def test_unreadable_source_in_the_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    for name in ("encrypted.pdf", "scanned.pdf", "truncated.docx"):
        shutil.copy(INGEST / name, tmp_path / name)
    (tmp_path / "encrypted.yaml").write_text("title: Locked\n")
    results = {file.id: load_source(file) for file in scan_sources(tmp_path).files.values()}
    assert {key: (source, [d.code for d in problems]) for key, (source, problems) in results.items()} == {
        "encrypted": (None, ["sources.encrypted"]),
        "scanned": (None, ["sources.no-text"]),
        "truncated": (None, ["sources.corrupt"]),
    }
