"""`briefing review` (issue 17 §1): the reviewer's page, read in headless chromium. One project with
a source of every kind (text, HTML, PDF, DOCX), an elided quote, an edited one, a warning, a
misquote and hostile markup in a claim, a quote and a source; the example's page too. Then the
ticks: kept in the browser, exported, and read back by `check --reviewed`."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support import INGEST, browser_dom, browser_screenshot, copy_example, write_project

from briefing import load_project
from briefing.cli import main

NOTE = """\
---
title: "Ministry note <img src=x onerror=alert(1)>"
url: "javascript:alert(1)"
---
The ministry said on Monday that it had approved the plan. It did not say when work would start, and it \
gave no figures. Officials said the plan <img src=x onerror="document.body.append('PWNED'+'-IMG')"> was final.

A second paragraph says <script>document.body.append('PWNED'+'-SCRIPT')</script> nothing more.
"""

CLAIMS = """\
title: "Review <b>test</b>"
sections:
  - heading: "Every kind <i>of</i> source"
    claims:
      - id: note-elided
        text: "The ministry said it had approved the plan."
        source: note
        quote: "The ministry said ... it had approved the plan"
      - id: note-edited
        text: "The ministry did not say when work would start."
        source: note
        quote: "[The ministry] did not say when work would start"
      - id: note-hostile
        text: "<script>document.body.append('PWNED'+'-CLAIM')</script> Officials called the plan final."
        source: note
        quote: "Officials said the plan <img src=x onerror=\\"document.body.append('PWNED'+'-IMG')\\"> was final."
      - id: note-hides
        text: "The ministry said when work would start."
        source: note
        quote: "It did ... say when work would start"
      - id: web-minister
        text: "The minister promised to cut the deficit by 2.5 per cent in two years."
        source: article
        quote: "The minister said the reform would cut the deficit by 2.5 per cent in two years"
      - id: pdf-records
        text: "Records are kept for 30 years."
        citations:
          - source: records
            quote: "records are kept for 30 years"
          - source: records
            quote: "It is a two-page document."
      - id: docx-approved
        text: "The revised scheme was approved."
        source: scheme
        quote: "The management of the revised scheme was approved."
      - id: note-misquoted
        text: "The ministry approved the plan on Tuesday."
        source: note
        quote: "The ministry said on Tuesday that it had approved the plan."
"""
FAILING = {"note-misquoted"}
WARNED = {"note-hides"}  # quote.elision-hides: the elision leaves out "not"
TITLE = "Review <b>test</b>"


# --- the DOM chromium gives, as a small tree ------------------------------------------------------

VOID = {"meta", "input", "br", "img", "link", "hr", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str = "", cls: str = "", **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if ((not tag or child.tag == tag) and (not cls or cls in child.classes())
                        and all(child.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())):
                    found.append(child)
                found += child.all(tag, cls, **attrs)
        return found

    def one(self, tag: str = "", cls: str = "", **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, (tag, cls, attrs, len(found))
        return found[0]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        while len(self.stack) > 1:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def dom(page: Path, fragment: str = "") -> Node:
    builder = _Builder()
    builder.feed(browser_dom(page, fragment=fragment))
    return builder.root


# --- the project, checked and reviewed once ---------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def make_project(root: Path) -> Path:
    write_project(root, CLAIMS, {"note.md": NOTE})
    for name, kept in (("article.html", "article.html"), ("handmade.pdf", "records.pdf"),
                       ("handmade.docx", "scheme.docx")):
        shutil.copy2(INGEST / name, root / "sources" / kept)
    (root / "sources" / "article.yaml").write_text('url: "https://example.org/news/minister"\n', encoding="utf-8")
    return root


@dataclass
class Reviewed:
    root: Path
    page: Path
    report: dict
    dom: Node


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> Reviewed:
    root = make_project(tmp_path_factory.mktemp("review"))
    code, out, _ = run("review", str(root), "--no-cache")
    page = root / "build" / "review.html"
    assert code == 1 and out.startswith(f"wrote {page}\n")  # written, and the misquote fails the check
    _, text, _ = run("check", str(root), "--format", "json", "--no-cache")
    return Reviewed(root, page, json.loads(text), dom(page))


def test_every_kind_of_source_is_in_the_project(reviewed: Reviewed) -> None:
    kinds = {s.kind for s in load_project(reviewed.root / "claims.yaml", reviewed.root / "sources").sources.values()}
    assert kinds == {"text", "html", "pdf", "docx"}


def test_one_row_per_citation_in_claims_file_order(reviewed: Reviewed) -> None:
    rows = reviewed.dom.all("div", "citation")
    expected = [(claim["id"], str(number), citation["source"]) for claim in reviewed.report["claims"]
                for number, citation in enumerate(claim["citations"], 1)]
    assert [(r.attrs["data-claim"], r.attrs["data-number"], r.attrs["data-source"]) for r in rows] == expected
    assert len(rows) == 9


def test_each_highlight_is_the_matched_span_of_the_source(reviewed: Reviewed) -> None:
    sources = load_project(reviewed.root / "claims.yaml", reviewed.root / "sources").sources
    for claim in reviewed.report["claims"]:
        for number, citation in enumerate(claim["citations"], 1):
            row = reviewed.dom.one("div", "citation", data_claim=claim["id"], data_number=str(number))
            marks = [m.text() for m in row.all("mark")]
            text = sources[citation["source"]].text
            assert marks == [text[m["start"]:m["end"]] for m in citation["matches"]], (claim["id"], number)
            assert bool(marks) == citation["ok"]


def test_elided_text_is_shown_greyed_between_the_parts(reviewed: Reviewed) -> None:
    elided = reviewed.dom.one("div", "citation", data_claim="note-elided")
    assert [m.text() for m in elided.all("mark")] == ["The ministry said", "it had approved the plan"]
    assert [e.text() for e in elided.all("span", "elided")] == [" on Monday that "]
    hides = reviewed.dom.one("div", "citation", data_claim="note-hides")
    assert [e.text() for e in hides.all("span", "elided")] == [" not "]


def test_edits_pages_folds_and_kinds_are_named(reviewed: Reviewed) -> None:
    edited = reviewed.dom.one("div", "citation", data_claim="note-edited")
    assert [e.text() for e in edited.all("span", "q-edit")] == ["[The ministry]"]
    assert [e.text() for e in edited.all("li", "edit")] == ["edited: “[The ministry]” inserted"]
    elided = reviewed.dom.one("div", "citation", data_claim="note-elided")
    assert [e.text() for e in elided.all("span", "q-elision")] == ["..."]
    pdf = reviewed.dom.one("div", "citation", data_claim="pdf-records", data_number="1")
    assert pdf.one("span", "pages").text() == "p. 2"
    assert pdf.one("a", "source-link").attrs["href"] == "../sources/records.pdf#page=2"
    assert pdf.all("span", "page"), "the PDF's page break is shown"
    web = reviewed.dom.one("div", "citation", data_claim="web-minister")
    assert [f.text() for f in web.all("span", "fold")] == ["whitespace"]
    # A web address from the metadata, opened at the passage; a javascript: one is no link.
    assert web.one("a", "source-link").attrs["href"] == (
        "https://example.org/news/minister#:~:text=The%20minister%20said%20the,cent%20in%20two%20years")
    note = reviewed.dom.one("div", "citation", data_claim="note-elided")
    assert note.one("a", "source-link").attrs["href"] == "../sources/note.md"
    docx = reviewed.dom.one("div", "citation", data_claim="docx-approved")
    assert docx.one("div", "source-side").one("span", "where").text() == f"{reviewed.root}/sources/scheme.docx:1"


def test_status_warnings_and_failures_are_shown_with_their_claim(reviewed: Reviewed) -> None:
    for claim in reviewed.dom.all("article", "claim"):
        assert (claim.attrs["data-ok"] == "no") == (claim.attrs["data-claim"] in FAILING)
        assert (claim.attrs["data-flagged"] == "yes") == (claim.attrs["data-claim"] in WARNED)
    misquoted = reviewed.dom.one("article", "claim", data_claim="note-misquoted")
    assert misquoted.one("header", "claim-head").one("span", "status").text() == "misquoted"
    row = misquoted.one("div", "citation")
    assert row.one("span", "nearest").text() == "The ministry said on Monday that it had approved the plan."
    assert "quote has “Tuesday” where the source has “Monday”" in [li.text() for li in row.all("li")]
    hides = reviewed.dom.one("article", "claim", data_claim="note-hides")
    assert [w.text() for w in hides.all("li", "warning")] == [
        "quote.elision-hides: claim 'note-hides', quote from 'note': the omitted text (line 5) contains “not”"]


@pytest.mark.parametrize(("fragment", "shown"), [
    ("#failures", FAILING), ("#warnings", WARNED), ("#all", None), ("", None)],
    ids=["failures", "warnings", "all", "none"])
def test_the_address_filters_the_page_on_load(reviewed: Reviewed, fragment: str, shown: set[str] | None) -> None:
    page = dom(reviewed.page, fragment) if fragment else reviewed.dom
    claims = page.all("article", "claim")
    visible = {c.attrs["data-claim"] for c in claims if "hidden" not in c.attrs}
    assert visible == (shown if shown is not None else {c.attrs["data-claim"] for c in claims})
    assert page.one("body").attrs["data-filter"] == (fragment[1:] or "all")


def test_the_summary_gives_counts_and_the_sha256_of_every_file(reviewed: Reviewed) -> None:
    rows = reviewed.dom.one("section", id="summary").all("tr", "file")
    hashes = {r.attrs["data-path"]: r.one("code", "sha").text() for r in rows}
    root = reviewed.root
    sidecar = root / "sources" / "article.yaml"  # metadata, not a source
    files = [root / "claims.yaml", *sorted(f for f in (root / "sources").iterdir() if f != sidecar)]
    assert hashes == {str(f): hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    counts = {c.attrs["data-count"]: c.one("b").text() for c in reviewed.dom.all("li", "count")}
    assert (counts["claims"], counts["verified"], counts["failed"], counts["misquoted"], counts["quotes"]) == (
        "8", "7", "1", "1", "9")


def test_untrusted_text_never_becomes_markup(reviewed: Reviewed) -> None:
    html = reviewed.page.read_text(encoding="utf-8")
    body = reviewed.dom.one("body")
    assert not body.all("img") and not body.all("i")
    assert reviewed.dom.one("h1").children == [TITLE]  # the title's <b> is text
    assert reviewed.dom.one("h2").children == ["Every kind <i>of</i> source"]
    assert len(body.all("script")) == 2  # the page's data and its own script, nothing else
    text = body.text()
    assert "PWNED-" not in text  # no injected script ran
    assert "document.body.append('PWNED'+'-IMG')" in text and "<script>document.body.append" in text
    assert reviewed.dom.one("title").text() == f"Review: {TITLE}"
    assert "javascript:" not in " ".join(a.attrs.get("href", "") for a in body.all("a"))
    assert "&lt;img src=x onerror=" in html and "<img" not in html


def test_the_page_is_self_contained(reviewed: Reviewed) -> None:
    html = reviewed.page.read_text(encoding="utf-8")
    assert not re.search(r"<(link|img|iframe|object|embed|base)\b|<[a-z][^>]*\s(src|srcset|poster)=", html, re.I)
    style = html[html.index("<style>"):html.index("</style>")]
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|import)\(", html)
    assert re.search(r"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';", html)


# --- ticks: kept in the browser, exported, read back -------------------------------------------------


def harness(page: Path, into: Path, head: str = "", end: str = "") -> Path:
    """The page with a test's script added. The page's CSP lets only its own script run (by hash),
    so the copy drops it: the test's script is the only one added."""
    html = re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", page.read_text(encoding="utf-8"))
    html = html.replace("</head>", f"<script>{head}</script></head>").replace("</body>", f"<script>{end}</script></body>")
    into.write_text(html, encoding="utf-8")
    return into


def fingerprint_of(node: Node, claim: str) -> str:
    return node.one("article", "claim", data_claim=claim).attrs["data-fingerprint"]


def test_ticks_kept_in_the_browser_show_again_and_a_changed_claim_says_so(reviewed: Reviewed, tmp_path: Path) -> None:
    key = f"briefing-review:{TITLE}"
    stored = {"pdf-records": fingerprint_of(reviewed.dom, "pdf-records"), "docx-approved": "0" * 64}
    page = dom(harness(reviewed.page, tmp_path / "stored.html",
                       head=f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(stored))});"))
    states = {c.attrs["data-claim"]: c.attrs["data-review"] for c in page.all("article", "claim")}
    assert states["pdf-records"] == "ticked" and states["docx-approved"] == "changed"
    assert {k for k, v in states.items() if v} == {"pdf-records", "docx-approved"}
    docx = page.one("article", "claim", data_claim="docx-approved")
    assert docx.one("span", "review-note").text() == "changed since you ticked it"
    assert "checked" in page.one("article", "claim", data_claim="pdf-records").one("input").attrs
    assert page.one("span", id="tick-count").text() == "1 of 8 claims ticked"


def export_after_ticking(reviewed: Reviewed, tmp_path: Path, claims: list[str]) -> str:
    clicks = "".join(f"var b = document.querySelector('article[data-claim=\"{c}\"] input.tick-box');"
                     "b.checked = true; b.dispatchEvent(new Event('change'));" for c in claims)
    page = dom(harness(reviewed.page, tmp_path / "ticked.html", end=clicks))
    return page.one("textarea", id="export-text").text()


def test_exported_ticks_read_back_by_check(reviewed: Reviewed, tmp_path: Path) -> None:
    exported = export_after_ticking(reviewed, tmp_path, ["pdf-records", "note-elided"])
    document = json.loads(exported)
    assert document["claims_sha256"] == hashlib.sha256((reviewed.root / "claims.yaml").read_bytes()).hexdigest()
    assert document["reviewed"] == [{"id": c, "sha256": fingerprint_of(reviewed.dom, c)}
                                    for c in ("note-elided", "pdf-records")]
    ticks = tmp_path / "reviewed.json"
    ticks.write_text(exported, encoding="utf-8")
    code, out, _ = run("check", str(reviewed.root), "--no-cache", "--reviewed", str(ticks))
    assert code == 1  # the misquote still fails: the ticks change no verdict
    unreviewed = re.findall(r"warning: claim '([^']+)' is not reviewed yet", out)
    assert unreviewed == [c["id"] for c in reviewed.report["claims"] if c["id"] not in ("pdf-records", "note-elided")]
    assert "changed since it was reviewed" not in out
    # The claim's text edited after the review: check says so, at the claim's line.
    project = tmp_path / "edited"
    shutil.copytree(reviewed.root, project)
    claims = project / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("Records are kept for 30 years.",
                                                                 "Records are kept for thirty years."), "utf-8")
    code, out, _ = run("check", str(project), "--no-cache", "--reviewed", str(ticks))
    assert code == 1
    assert re.findall(r"^(\S+): warning: claim '(\S+)' changed since it was reviewed", out, re.M) == [
        (f"{claims}:25:9", "pdf-records")]


def test_a_claim_cited_in_briefing_md_is_shown_by_its_citing_sentences(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    page = tmp_path / "review.html"
    code, _, _ = run("review", str(root), "--no-cache", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    # sg-othaimeen-tribute is cited by two sentences of the example's prose: both are shown,
    # and its own `text` in claims.yaml, which the prose replaces, is not.
    assert code == 0
    assert "on the 28th anniversary of the events. / The anniversary counts are consistent" in html
    assert "Trend, under a &#34;Feb.26&#34; dateline" not in html and 'Trend, under a "Feb.26"' not in html


def test_ticks_never_change_the_exit_code_of_a_clean_project(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    ticks = tmp_path / "none.json"
    ticks.write_text('{"briefing_review": 1, "reviewed": []}\n', encoding="utf-8")
    code, out, _ = run("check", str(root), "--no-cache", "--reviewed", str(ticks), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True
    codes = [d["code"] for d in report["diagnostics"]]
    assert codes.count("review.unreviewed") == report["summary"]["claims"]


@pytest.mark.parametrize(("content", "message"), [
    ('{"briefing_review": 1,\n  "reviewed": [\n    {"id": "x", "sha256": "abc"}\n  ]\n}\n',
     "reviewed.json:3:27: error: claim 'x': 'sha256' is not 64 lower-case hex digits"),
    ("{\n  nope\n", "reviewed.json:3:1: error: not valid JSON or YAML"),
    (b"\xff\xfe", "reviewed.json: error: the reviewed file is not UTF-8 (byte 0)"),
    (None, "reviewed.json: error: cannot read the reviewed file: no such file or directory"),
], ids=["bad-sha", "not-json", "not-utf8", "missing"])
def test_a_bad_reviewed_file_stops_check_at_its_line(tmp_path: Path, content: str | bytes | None, message: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_example(tmp_path / "example")
    monkeypatch.chdir(tmp_path)
    if isinstance(content, bytes):
        (tmp_path / "reviewed.json").write_bytes(content)
    elif content is not None:
        (tmp_path / "reviewed.json").write_text(content, encoding="utf-8")
    code, out, err = run("check", str(root), "--no-cache", "--reviewed", "reviewed.json")
    assert (code, out) == (2, "")
    assert err.startswith(message), err
    assert "Traceback" not in err


# --- the command's own paths -------------------------------------------------------------------------


def test_review_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    before = (root / "claims.yaml").read_bytes()
    code, _, err = run("review", str(root), "-o", str(root / "claims.yaml"))
    assert code == 2 and "is the claims file, an input" in err
    assert (root / "claims.yaml").read_bytes() == before


def test_the_examples_page_and_screenshots(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "example")
    page = tmp_path / "out" / "review.html"
    code, out, _ = run("review", str(root), "-o", str(page))
    assert code == 0 and out.splitlines()[0] == f"wrote {page}"
    _, text, _ = run("check", str(root), "--format", "json", "--no-cache")
    report = json.loads(text)
    node = dom(page)
    assert len(node.all("div", "citation")) == report["summary"]["citations"]
    assert len(node.all("mark")) == sum(len(c["matches"]) for claim in report["claims"] for c in claim["citations"])
    # Each claim's disagreements are shown with it (issue 7's "63 against 83 children").
    shown = {c.attrs["data-claim"]: len(c.all("li", "disagreement")) for c in node.all("article", "claim")}
    assert shown == {claim["id"]: len(claim["disagreements"]) for claim in report["claims"]}
    assert sum(shown.values()) > 0
    # Each source is linked by its file, relative to the page (the example's have no web address).
    sources = load_project(root / "claims.yaml", root / "sources").sources
    for row in node.all("div", "citation"):
        source = sources[row.attrs["data-source"]]
        assert not source.meta.url
        assert row.one("a", "source-link").attrs["href"] == f"../example/sources/{Path(source.path).name}"
    for width, height in ((1280, 900), (390, 844)):  # desktop and phone
        png = browser_screenshot(page, tmp_path / f"review-{width}.png", width=width, height=height)
        data = png.read_bytes()
        assert (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")) == (width, height)


def test_make_review_writes_the_examples_page_and_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Makefile's `review` recipe, run line by line in a copy of the example (issue 17: "produced
    by `make review` and checked in tests")."""
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^review: .*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe is not None
    commands = [line.strip().split() for line in recipe.group(1).splitlines()]
    assert [c[0] for c in commands] == ["$(BIN)/briefing", "$(BIN)/briefing"]
    monkeypatch.chdir(copy_example(tmp_path / "example"))
    for command in commands:
        assert run(*command[1:])[0] == 0, command
    page, annotations = Path("build/review.html"), Path("build/annotations.jsonld")
    document = json.loads(annotations.read_text(encoding="utf-8"))
    assert document["type"] == "AnnotationCollection" and document["total"] > 0
    html = page.read_text(encoding="utf-8")
    briefing = load_project(Path("claims.yaml"), Path("sources")).briefing
    assert briefing is not None
    assert html.count('<div class="citation"') == sum(len(c.citations) for c in briefing.claims)


@pytest.mark.parametrize("hostile", ["</script><script>alert(1)</script>", "<!--", "]]><svg onload=alert(1)>"],
                         ids=["close-script", "comment", "svg"])
def test_a_hostile_title_and_heading_stay_text_in_the_page_and_its_data(tmp_path: Path, hostile: str) -> None:
    root = make_project(tmp_path / "p")
    claims = root / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace(TITLE, f"T {hostile}").replace(
        "Every kind <i>of</i> source", f"H {hostile}"), encoding="utf-8")
    code, _, _ = run("review", str(root), "--no-cache")
    assert code == 1
    html = (root / "build" / "review.html").read_text(encoding="utf-8")
    assert html.count("<script") == 2 and "<svg" not in html and html.count("<!--") == 0
    page = dom(root / "build" / "review.html")
    assert page.one("h1").children == [f"T {hostile}"] and page.one("h2").children == [f"H {hostile}"]
    data = json.loads(page.one("script", id="review-data").text())
    assert data["key"] == f"briefing-review:T {hostile}"


def test_the_pages_policy_runs_its_own_script_and_no_other(reviewed: Reviewed, tmp_path: Path) -> None:
    """Were markup ever let through, it could not run: the CSP allows the page's script by its hash."""
    html = reviewed.page.read_text(encoding="utf-8").replace(
        "</body>", "<script>document.body.setAttribute('data-injected', 'ran')</script>"
                   "<img src=x onerror=\"document.body.setAttribute('data-onerror', 'ran')\"></body>")
    page = tmp_path / "injected.html"
    page.write_text(html, encoding="utf-8")
    body = dom(page).one("body")
    assert "data-injected" not in body.attrs and "data-onerror" not in body.attrs
    assert body.attrs["data-filter"] == "all"  # the page's own script ran


def test_unusable_input_writes_no_page(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", "title: T\nsections: []\n", {"a.md": "Some words here.\n"})
    code, out, err = run("review", str(root), "--no-cache")
    assert (code, out) == (2, "")
    assert err.endswith("claims.yaml:2:1: error: the claims file has an empty 'sections' list\n"
                        "    hint: add at least one section with 'heading' and 'claims'\n1 error: nothing was checked\n")
    assert not (root / "build").exists()


def test_every_failing_status_has_its_row_and_reason(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", """\
        title: T
        sections:
          - heading: H
            claims:
              - id: locked
                text: "It says so."
                source: locked
                quote: "whatever words are here"
              - id: unknown
                text: "It says so."
                source: nope
                quote: "whatever words are here"
              - id: figure
                text: "There were 13 apples."
                source: a
                quote: "Another sentence here with 12 apples."
        """, {"a.md": "Some text here. Another sentence here with 12 apples.\n"})
    shutil.copy2(INGEST / "encrypted.pdf", root / "sources" / "locked.pdf")
    code, _, _ = run("review", str(root), "--no-cache")
    assert code == 1
    page = dom(root / "build" / "review.html", "#failures")
    claims = {c.attrs["data-claim"]: c for c in page.all("article", "claim")}
    assert {k: c.attrs["data-status"] for k, c in claims.items()} == {
        "locked": "unreadable_source", "unknown": "unknown_source", "figure": "figure_mismatch"}
    assert all("hidden" not in c.attrs for c in claims.values())
    assert [li.text() for li in claims["locked"].all("li")] == [
        "source 'locked' could not be read: locked: encrypted PDF; it needs a password to open"]
    assert [li.text() for li in claims["unknown"].all("li")] == ["no source 'nope' in the sources folder"]
    assert [li.text() for li in claims["figure"].all("li", "problem")] == [
        "“13”: in the text, not in any verified quote"]
    assert [m.text() for m in claims["figure"].all("mark")] == ["Another sentence here with 12 apples."]
    # The summary hashes the unreadable file too.
    hashes = {r.attrs["data-path"]: r.one("code", "sha").text() for r in page.one("section", id="summary").all("tr")
              if "data-path" in r.attrs}
    assert hashes == {str(f): hashlib.sha256(f.read_bytes()).hexdigest()
                      for f in (root / "claims.yaml", root / "sources" / "a.md", root / "sources" / "locked.pdf")}
