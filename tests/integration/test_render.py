"""Rendering (issue 3): footnotes where they belong, quotes exactly as verified, nothing smuggled.

Briefings and reports are built here from the models, so these tests do not depend on the
checker. Outputs are read back as structure (PDF text per page and named destinations, DOCX
XML, HTML elements), never compared as bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import make_briefing

from briefing.diagnostics import Severity
from briefing.models import (
    Briefing,
    Report,
    Status,
)
from briefing.render import BuildResult, build, pdf, readback, write
from briefing.render.document import build_document
from briefing.render.inlines import is_web_url, quoted
from briefing.render.refdoc import a4_reference, with_draft_header
from briefing.text import fold

NOW = datetime(2025, 11, 23, 11, 3, tzinfo=UTC)
FORMATS = ("pdf", "docx", "html")

ATTACKS = {
    "raw-html-img": "<img src=file:///etc/passwd>",
    "raw-html-attachment": "<link rel=attachment href=/etc/passwd>",
    "markdown-image": "![x](/etc/passwd)",
    "markdown-link-file": "[x](file:///etc/passwd)",
    "markdown-link-javascript": "[x](javascript:alert(1))",
    "css-url": "<style>body{background:url(/etc/passwd)}</style>",
}

FIDELITY_QUOTE = 'he said "no" -- then... it\'s over -- "done"'


def run(tmp_path: Path, briefing: Briefing, report: Report, formats=FORMATS, *,
        draft: bool = False, templates: Path | None = None) -> BuildResult:
    outputs = {fmt: tmp_path / "build" / f"briefing.{fmt}" for fmt in formats}
    return build(briefing, report, formats, outputs, templates_dir=templates, draft=draft, now=NOW,
                 version="9.9.9")


def errors(result: BuildResult) -> list[str]:
    return [f"{d.code}: {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def pdf_destinations(path: Path) -> dict[str, int]:
    reader = PdfReader(path)
    return {str(k): reader.get_destination_page_number(v) for k, v in reader.named_destinations.items()}


def docx_footnotes(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as docx:
        xml = docx.read("word/footnotes.xml").decode()
    notes = re.findall(r'<w:footnote w:id="\d+">(.*?)</w:footnote>', xml, re.S)
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", note)) for note in notes]


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace(
        "&#39;", "'").replace("&amp;", "&")


# --- the document (pure) ----------------------------------------------------------

SAFE_NODES = {"Str", "Space", "LineBreak", "Para", "Plain", "Header", "Div", "Span", "Emph",
              "Strong", "Superscript", "Note", "Code", "OrderedList", "Link",
              "Decimal", "Period"}  # the list style of the Sources list


def walk(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def test_document_holds_untrusted_text_only_as_plain_text_nodes() -> None:
    hostile = " ".join(ATTACKS.values())
    briefing, report = make_briefing([("a", hostile, [("azernews-2023", hostile, Status.VERIFIED),
                                             ("rajabova-2013", hostile, Status.VERIFIED)])],
                            summary=hostile, title=hostile)
    document = build_document(briefing, report, draft=False, now=NOW, version="9.9.9")
    kinds = {node["t"] for node in walk(document.ast["blocks"])}
    assert kinds <= SAFE_NODES, kinds - SAFE_NODES
    links = [node["c"][2][0] for node in walk(document.ast["blocks"]) if node["t"] == "Link"]
    assert links == ["https://www.azernews.az/nation/206528.html"] * 2  # note + sources list


@pytest.mark.parametrize("quote", [FIDELITY_QUOTE, "x", "  spaced  ", "a\u00a0b", "“curly”"],
                         ids=["dashes-dots-quotes", "one-word", "outer-space", "nbsp", "curly"])
def test_quoted_keeps_the_quote_characters(quote: str) -> None:
    nodes = quoted(quote)
    printed = "".join(" " if n["t"] == "Space" else n["c"] for n in nodes)
    assert printed == "\u201c" + quote.strip() + "\u201d"


@pytest.mark.parametrize("url, web", [
    ("https://example.org/a?b=1", True), ("http://example.org", True),
    ("file:///etc/passwd", False), ("javascript:alert(1)", False), ("/etc/passwd", False),
    ("https://x.org/\" onmouseover=\"x", False), ("data:text/html,<b>", False), ("", False),
], ids=["https", "http", "file", "javascript", "path", "quote-break", "data", "empty"])
def test_only_web_urls_become_links(url: str, web: bool) -> None:
    assert is_web_url(url) is web


def test_notes_are_numbered_one_per_citation_in_document_order() -> None:
    briefing, report = make_briefing([
        ("a", "First.", [("azernews-2023", "q1", Status.VERIFIED), ("rajabova-2013", "q2", Status.VERIFIED)]),
        ("b", "Second.", [("rajabova-2013", "q3", Status.VERIFIED)]),
    ])
    document = build_document(briefing, report, draft=False, now=NOW, version="9.9.9")
    assert [(n.number, n.claim_id, n.citation.quote) for n in document.notes] == [
        (1, "a", "q1"), (2, "a", "q2"), (3, "b", "q3")]


# --- one shared build of every format with hostile claims ---------------------------


@pytest.fixture(scope="session")  # built once per worker, never again when xdist interleaves modules
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    tmp = tmp_path_factory.mktemp("hostile")
    claims = [(name, f"Claim text tries {attack} here.",
               [("azernews-2023", f"quote tries {attack}", Status.VERIFIED),
                ("rajabova-2013", FIDELITY_QUOTE, Status.VERIFIED)])
              for name, attack in ATTACKS.items()]
    briefing, report = make_briefing(claims, summary="Summary tries <img src=file:///etc/passwd>.")
    return tmp, run(tmp, briefing, report)


def test_hostile_build_passes_its_read_back(hostile: tuple[Path, BuildResult]) -> None:
    tmp, result = hostile
    assert result.ok, errors(result)
    assert sorted(p.name for p in result.written) == ["briefing.docx", "briefing.html", "briefing.pdf"]
    assert not [d for d in result.diagnostics if d.code == "build.fetch-refused"]
    assert sorted(p.name for p in (tmp / "build").iterdir()) == [
        "briefing.docx", "briefing.html", "briefing.pdf"]  # no temporary files left


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_pdf_shows_attacks_as_text_and_embeds_nothing(hostile: tuple[Path, BuildResult],
                                                      attack: str) -> None:
    tmp, _ = hostile
    path = tmp / "build" / "briefing.pdf"
    reader = PdfReader(path)
    text = " ".join(fold(t) for t in pdf_pages(path))
    assert f"Claim text tries {attack} here." in text
    assert f"quote tries {attack}" in text
    assert reader.attachments == {}
    assert all(not page.images for page in reader.pages)
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            uri = annotation.get_object()["/A"]["/URI"]
            assert str(uri) == "https://www.azernews.az/nation/206528.html"
    assert "root:x:0:0" not in text


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_docx_shows_attacks_as_text_and_embeds_nothing(hostile: tuple[Path, BuildResult],
                                                       attack: str) -> None:
    tmp, _ = hostile
    with zipfile.ZipFile(tmp / "build" / "briefing.docx") as docx:
        names = docx.namelist()
        body = unescape("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>",
                                           docx.read("word/document.xml").decode())))
        rels = " ".join(docx.read(n).decode() for n in names if n.endswith(".rels"))
    assert f"Claim text tries {attack} here." in body
    assert any(f"quote tries {attack}" in unescape(note)
               for note in docx_footnotes(tmp / "build" / "briefing.docx"))
    assert not [n for n in names if n.startswith(("word/media", "word/embeddings"))]
    external = re.findall(r'Target="([^"]*)"[^>]*TargetMode="External"', rels)
    assert set(external) == {"https://www.azernews.az/nation/206528.html"}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_html_shows_attacks_as_text_and_has_no_active_markup(hostile: tuple[Path, BuildResult],
                                                             attack: str) -> None:
    tmp, _ = hostile
    page = (tmp / "build" / "briefing.html").read_text(encoding="utf-8")
    body = page[page.index("<main>"):page.index("</main>")]
    escaped = attack.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f"Claim text tries {escaped} here." in body
    assert not re.search(r"<(img|link|style|script|iframe|object|embed)\b", body)
    assert not re.search(r'href="(?!https://|#)', body)
    assert "Summary tries &lt;img src=file:///etc/passwd&gt;." in body


def test_quote_characters_survive_every_format(hostile: tuple[Path, BuildResult]) -> None:
    """`...`, `--` and straight quotes reach the page unchanged (pandoc's smart would curl them)."""
    tmp, _ = hostile
    want = "\u201c" + FIDELITY_QUOTE + "\u201d"
    pdf_text = " ".join(" ".join(t.split()) for t in pdf_pages(tmp / "build" / "briefing.pdf"))
    assert pdf_text.count(want) == len(ATTACKS)
    notes = docx_footnotes(tmp / "build" / "briefing.docx")
    assert sum(unescape(n).count(want) for n in notes) == len(ATTACKS)
    html = unescape((tmp / "build" / "briefing.html").read_text(encoding="utf-8"))
    assert html.count(want) == len(ATTACKS)


def test_notes_carry_source_metadata_and_sources_list(hostile: tuple[Path, BuildResult]) -> None:
    tmp, _ = hostile
    note = unescape(docx_footnotes(tmp / "build" / "briefing.docx")[0]).strip()
    assert note.startswith("Staff reporter, OIC Secretary General pays tribute, Azernews, "
                           "2023-02-22. https://www.azernews.az/nation/206528.html")
    pages = pdf_pages(tmp / "build" / "briefing.pdf")
    first = " ".join(pages[0].split())
    assert "1. Staff reporter, OIC Secretary General pays tribute, Azernews, 2023-02-22." in first
    # A non-web URL is printed as text, never linked.
    assert "Rajabova Press. file:///etc/passwd" in " ".join(" ".join(p.split()) for p in pages)
    text = " ".join(" ".join(p.split()) for p in pages)
    assert "Sources" in text and "SHA-256 0123456789ab" in text and "SHA-256 fedcba987654" in text
    assert "Accessed 2025-11-01." in text
    assert (f"All {len(ATTACKS)} claims and {2 * len(ATTACKS)} quotes in this briefing were "
            "verified against 2 sources on 23 November 2025 at 11:03 UTC by briefing 9.9.9") in text


def test_pdf_notes_sit_on_the_page_of_their_call(hostile: tuple[Path, BuildResult]) -> None:
    tmp, result = hostile
    destinations = pdf_destinations(tmp / "build" / "briefing.pdf")
    notes = 2 * len(ATTACKS)
    assert sorted(k for k in destinations if k.startswith("fn-")) == sorted(
        f"fn-{n}" for n in range(1, notes + 1))
    for n in range(1, notes + 1):
        assert destinations[f"fn-{n}"] == destinations[f"fnref-{n}"], n
    assert not [d for d in result.diagnostics if d.code == "build.footnote-moved"]


# --- the fetcher ------------------------------------------------------------------


def test_fetcher_allows_only_template_files(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir()
    (user / "logo.png").write_bytes(b"\x89PNG")
    (user / "escape.css").symlink_to("/etc/passwd")
    roots = write.Templates(user).roots
    package_css = (write.PACKAGE_TEMPLATES / "briefing.css").resolve()
    assert pdf.allowed_file(package_css.as_uri(), roots) == package_css
    assert pdf.allowed_file((user / "logo.png").as_uri(), roots) == (user / "logo.png").resolve()
    # A name missing from the user's folder falls back to the package's, like templates.
    assert pdf.allowed_file((user / "fonts.css").as_uri(), roots) == (
        write.PACKAGE_TEMPLATES / "fonts.css").resolve()
    for url in ["file:///etc/passwd", (user / "escape.css").as_uri(),
                (user / ".." / ".." / "etc" / "passwd").as_uri(), "http://127.0.0.1/x.css",
                "https://example.org/font.woff", "data:text/css,body{}",
                "file://remote-host" + str(package_css)]:
        assert pdf.allowed_file(url, roots) is None, url


def test_weasyprint_loads_nothing_from_hostile_html() -> None:
    """Defence in depth: even raw hostile HTML reaching WeasyPrint fetches and embeds nothing."""
    html = ("<html><head><link rel=attachment href=/etc/passwd>"
            "<link rel=stylesheet href=http://127.0.0.1:9/x.css>"
            "<style>body{background:url(/etc/passwd)}</style></head><body>"
            "<img src=file:///etc/passwd><a rel=attachment href=file:///etc/passwd>a</a>"
            "<p>text</p></body></html>")
    output = pdf.html_to_pdf(html, write.Templates())
    reader = PdfReader(io.BytesIO(output.data))
    assert reader.attachments == {}
    assert all(not page.images for page in reader.pages)
    assert any(url.endswith("/etc/passwd") for url in output.refused)
    assert "http://127.0.0.1:9/x.css" in output.refused


# --- draft, refusal, atomic writes ----------------------------------------------------


def test_draft_marks_unverified_claims_and_stamps_every_page(tmp_path: Path) -> None:
    claims = [(f"c{i}", f"Claim number {i} is long enough to fill a line or two of text. " * 3,
               [("azernews-2023", f"quote {i}",
                 Status.MISQUOTED if i == 3 else Status.VERIFIED)]) for i in range(40)]
    briefing, report = make_briefing(claims)
    result = run(tmp_path, briefing, report, draft=True)
    assert result.ok, errors(result)
    pages = pdf_pages(tmp_path / "build" / "briefing.pdf")
    assert len(pages) >= 3
    assert all("DRAFT" in page for page in pages)
    text = " ".join(" ".join(p.split()) for p in pages)
    assert text.count("[UNVERIFIED: misquoted]") == 2  # before the claim and in its note
    assert "39 of 40 claims and 39 of 40 quotes were verified" in text
    with zipfile.ZipFile(tmp_path / "build" / "briefing.docx") as docx:
        headers = [docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header")]
        assert any("DRAFT" in h for h in headers)
        assert "[UNVERIFIED: misquoted]" in docx.read("word/document.xml").decode()
    html = (tmp_path / "build" / "briefing.html").read_text(encoding="utf-8")
    assert '<body class="draft">' in html and "[UNVERIFIED: misquoted]" in html


def test_build_refuses_a_failed_check_without_draft(tmp_path: Path) -> None:
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "q", Status.NOT_FOUND)])])
    result = run(tmp_path, briefing, report)
    assert not result.ok and result.written == ()
    assert errors(result) == ["build.unverified: 1 of 1 claims failed the check; nothing was built"]
    assert not (tmp_path / "build").exists()


def test_failed_read_back_leaves_previous_outputs_untouched(tmp_path: Path) -> None:
    """A template that rewrites quotes fails the read-back: nothing new lands, nothing is left."""
    templates = tmp_path / "templates"
    templates.mkdir()
    # Drops every note's text, as a careless filter might: the read-back must notice.
    (templates / "footnotes.lua").write_text(
        "function Note(n) return pandoc.Span({}, {class='footnote'}) end\n", encoding="utf-8")
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    for fmt in FORMATS:
        (build_dir / f"briefing.{fmt}").write_text(f"last good {fmt}", encoding="utf-8")
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "q", Status.VERIFIED)])])
    result = run(tmp_path, briefing, report, templates=templates)
    assert not result.ok and result.written == ()
    assert "build.footnote-missing" in {d.code for d in result.diagnostics}
    for fmt in FORMATS:
        assert (build_dir / f"briefing.{fmt}").read_text(encoding="utf-8") == f"last good {fmt}"
    assert sorted(p.name for p in build_dir.iterdir()) == [f"briefing.{f}" for f in sorted(FORMATS)]


def test_render_failure_removes_staged_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> bytes:
        raise write.RenderError("pandoc failed (exit 1): simulated")

    monkeypatch.setattr(write, "render_docx", broken)
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "briefing.html").write_text("last good html", encoding="utf-8")
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "q", Status.VERIFIED)])])
    result = run(tmp_path, briefing, report, formats=("html", "docx"))
    assert errors(result) == ["build.render-failed: pandoc failed (exit 1): simulated"]
    assert (tmp_path / "build" / "briefing.html").read_text(encoding="utf-8") == "last good html"
    assert [p.name for p in (tmp_path / "build").iterdir()] == ["briefing.html"]


# --- templates --------------------------------------------------------------------


def test_user_templates_override_the_package_defaults(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    page = (write.PACKAGE_TEMPLATES / "briefing.html.j2").read_text(encoding="utf-8")
    (templates / "briefing.html.j2").write_text(
        page.replace("<main>", '<main data-house="ours">'), encoding="utf-8")
    (templates / "README.md").write_text("not a template", encoding="utf-8")
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "q", Status.VERIFIED)])])
    result = run(tmp_path, briefing, report, formats=("html",), templates=templates)
    assert result.ok, errors(result)
    html = (tmp_path / "build" / "briefing.html").read_text(encoding="utf-8")
    assert '<main data-house="ours">' in html
    assert "float: footnote" in html  # the package's CSS still applies


def test_package_ships_every_template() -> None:
    for name in ("briefing.html.j2", "briefing.css", "fonts.css", "footnotes.lua",
                 "reference.docx", "SourceSerifPro-Regular.ttf", "SourceSerifPro-LICENSE.txt"):
        assert (write.PACKAGE_TEMPLATES / name).is_file(), name


def test_reference_docx_has_a4_pages_and_a_page_number_footer() -> None:
    reference = (write.PACKAGE_TEMPLATES / "reference.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(reference)) as docx:
        document = docx.read("word/document.xml").decode()
        footer = docx.read("word/footer-briefing.xml").decode()
    assert '<w:pgSz w:w="11906" w:h="16838" />' in document
    assert " PAGE " in footer
    with zipfile.ZipFile(io.BytesIO(with_draft_header(reference))) as docx:
        assert "DRAFT" in docx.read("word/header-briefing.xml").decode()
        assert 'r:id="rIdBriefingHeader"' in docx.read("word/document.xml").decode()


def test_reference_docx_regenerates_from_this_pandoc() -> None:
    default = write.run_pandoc(["--print-default-data-file", "reference.docx"])
    with zipfile.ZipFile(io.BytesIO(a4_reference(default))) as docx:
        assert '<w:pgSz w:w="11906" w:h="16838" />' in docx.read("word/document.xml").decode()


# --- read-back ----------------------------------------------------------------------


@pytest.mark.parametrize("printed, ok", [
    ("\u201cwell-known fact\u201d", True),
    ("\u201cwell-\nknown fact\u201d", True),  # a line broken after the hyphen
    ("\u201cwell-known\n fact\u201d", True),
    ("\"well\u2013known fact\"", True),  # folds: quote marks and dashes
    ("\u201cwellknown fact\u201d", False),
    ("\u201cwell-known facts\u201d", False),
    ("\u201cwell-known\u201d", False),
], ids=["same", "break-after-hyphen", "break-at-space", "folded", "dash-lost", "word-changed",
        "truncated"])
def test_printed_quote_must_equal_the_verified_one(printed: str, ok: bool) -> None:
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "well-known fact", Status.VERIFIED)])])
    note = build_document(briefing, report, draft=False, now=NOW, version="1").notes[0]
    assert readback.quote_printed(printed, note) is ok


def test_html_read_back_reports_missing_and_altered_notes() -> None:
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "first quote", Status.VERIFIED),
                                             ("azernews-2023", "second quote", Status.VERIFIED),
                                             ("azernews-2023", "third quote", Status.VERIFIED)])])
    notes = build_document(briefing, report, draft=False, now=NOW, version="1").notes
    html = ('<body class="final"><main><p>Claim.'
            '<a href="#fn1" class="footnote-ref" id="fnref1">1</a>'
            '<a href="#fn2" class="footnote-ref" id="fnref2">2</a></p>'
            '<section class="footnotes"><ol><li id="fn1"><p>\u201cfirst quote\u201d</p></li>'
            '<li id="fn2"><p>\u201csecond quota\u201d</p></li></ol></section></main></body>')
    found = readback.check_html(html.encode(), notes, draft=False, output="out.html",
                                claims_path="claims.yaml")
    assert [(d.code, d.message, str(d.location)) for d in found] == [
        ("build.quote-altered", "out.html: footnote 2 (claim 'a', source 'azernews-2023') does "
         "not print its quote as verified", "claims.yaml:10:12"),
        ("build.footnote-missing", "out.html: footnote 3 (claim 'a', source 'azernews-2023') is "
         "missing", "claims.yaml:10:12"),
    ]


def test_long_document_keeps_every_footnote(tmp_path: Path) -> None:
    """WeasyPrint dropped notes in long documents with the default footnote policy (issue 3)."""
    claims = [(f"c{i}", f"Claim {i} states a fact that the source supports in so many words.",
               [("azernews-2023", f"the source says fact number {i} in so many words",
                 Status.VERIFIED)]) for i in range(150)]
    briefing, report = make_briefing(claims)
    result = run(tmp_path, briefing, report, formats=("pdf",))
    assert result.ok, errors(result)
    destinations = pdf_destinations(tmp_path / "build" / "briefing.pdf")
    assert sum(1 for k in destinations if k.startswith("fn-")) == 150
    moved = [n for n in range(1, 151) if destinations[f"fn-{n}"] != destinations[f"fnref-{n}"]]
    assert len(moved) == sum(1 for d in result.diagnostics if d.code == "build.footnote-moved")
    text = " ".join(fold(t) for t in pdf_pages(tmp_path / "build" / "briefing.pdf"))
    for i in range(150):
        assert f'"the source says fact number {i} in so many words"' in text, i


def test_author_prose_gets_curly_quotes_but_quotes_print_as_written() -> None:
    briefing, report = make_briefing([("a", 'The OIC\'s "final" word.',
                              [("azernews-2023", 'the OIC\'s "final" word', Status.VERIFIED)])])
    document = build_document(briefing, report, draft=False, now=NOW, version="1")
    strings = [n["c"] for n in walk(document.ast["blocks"]) if n["t"] == "Str"]
    assert "OIC\u2019s" in strings and "\u201cfinal\u201d" in strings  # the claim
    assert "OIC's" in strings and '"final"' in strings  # the verified quote, untouched


def test_broken_user_template_is_reported_not_raised(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "briefing.html.j2").write_text("<html>\n{% if %}\n</html>\n", encoding="utf-8")
    briefing, report = make_briefing([("a", "Claim.", [("azernews-2023", "q", Status.VERIFIED)])])
    result = run(tmp_path, briefing, report, formats=("html",), templates=templates)
    assert [d.code for d in result.diagnostics] == ["build.render-failed"]
    assert str(templates / "briefing.html.j2") + ":2: " in result.diagnostics[0].message
    assert not (tmp_path / "build" / "briefing.html").exists()
