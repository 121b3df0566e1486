"""Hostile sources (issue 6): truncated, corrupt, encrypted, enormous or strange files are
reported with their reason, cost bounded time and memory, and never stop the other sources
from being checked.

Sizes come from `Settings.source_max_bytes` (default 100 MiB), `ingest.SIDECAR_MAX_BYTES`
(1 MiB) and `ingest.docx.MAX_UNPACKED` (64 MiB of XML). Enormous files are sparse, so a 1 GB
"file" costs nothing to make and must cost nothing to refuse.
"""

from __future__ import annotations

import io
import json
import os
import random
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import INGEST, claims_yaml, time_limit, write_project

from briefing.cli import main
from briefing.diagnostics import Severity
from briefing.settings import Settings
from briefing.sources import SIDECAR_MAX_BYTES, docx, html, load_source, pdf, scan_sources, text

GOOD_TEXT = "The council voted 12 to 3 in favour of the plan.\n"
MiB = 1024 * 1024




def sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that takes no disk space: `head`, then a hole."""
    with path.open("wb") as file:
        file.write(head)
        file.truncate(size)
    return path


def project(root: Path, sources: dict[str, bytes], cited: list[str]) -> Path:
    """A project whose claim 'good' cites good.md and one claim per id in `cited`."""
    claims = [("good", "The vote was 12 to 3.", "good", "voted 12 to 3")]
    claims += [(f"cites-{source_id}", "Something.", source_id, "anything") for source_id in cited]
    return write_project(root, claims_yaml(claims), {"good.md": GOOD_TEXT, **sources})


def check_json(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(root), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


# --- enormous files: refused by size, unread --------------------------------------------


@pytest.mark.parametrize("name, head", [
    ("huge.txt", b"x"),
    ("huge.pdf", b"%PDF-1.7\n"),
    ("huge.html", b"<html>"),
    ("huge.docx", b"PK\x03\x04"),
], ids=["1GB-text", "500MB-pdf", "1GB-html", "1GB-docx"])
def test_enormous_file_is_refused_by_size_without_being_read(tmp_path: Path, name: str,
                                                            head: bytes) -> None:
    size = 500 * 10**6 if name.endswith(".pdf") else 10**9
    sparse(tmp_path / name, size, head)
    (file,) = scan_sources(tmp_path).files.values()
    tracemalloc.start()
    started = time.perf_counter()
    source, problems = load_source(file)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert source is None
    assert [(d.code, d.message) for d in problems] == [(
        "sources.too-large",
        f"huge: the file is {size:,} bytes, more than the limit of {100 * MiB:,} bytes; not read")]
    assert elapsed < 1 and peak < MiB


@pytest.mark.parametrize("size, ok", [(1000, True), (1001, False)], ids=["at-limit", "one-over"])
def test_source_limit_is_a_setting(tmp_path: Path, size: int, ok: bool) -> None:
    (tmp_path / "a.txt").write_bytes(b"a" * size)
    (file,) = scan_sources(tmp_path).files.values()
    source, problems = load_source(file, Settings(source_max_bytes=1000))
    assert (source is not None) is ok
    assert [d.code for d in problems] == ([] if ok else ["sources.too-large"])


def test_enormous_source_never_stops_the_others(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, {}, ["huge"])
    sparse(root / "sources" / "huge.txt", 10**9, b"x")
    code, report = check_json(root, capsys)
    assert code == 1
    status = {c["id"]: c["status"] for c in report["claims"]}
    assert status == {"good": "verified", "cites-huge": "unreadable_source"}
    assert "more than the limit of" in report["claims"][1]["citations"][0]["problem"]


def test_oversized_sidecar_is_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Text.\n", encoding="utf-8")
    sparse(tmp_path / "a.yaml", SIDECAR_MAX_BYTES + 1, b"title: x\n")
    (file,) = scan_sources(tmp_path).files.values()
    source, problems = load_source(file)
    assert source is not None and source.meta.title == ""
    assert [(d.code, d.severity) for d in problems] == [("sources.sidecar", Severity.WARNING)]
    assert "too large for a metadata file" in problems[0].message


# --- zip bombs ------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def document_xml(body: bytes) -> bytes:
    return (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode() + body
            + b"</w:t></w:r></w:p></w:body></w:document>")


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the unpacked size that the zip's headers declare for member `name`."""
    out = bytearray(data)
    raw = name.encode()
    local = out.find(b"PK\x03\x04")
    while local != -1:
        if out[local + 30:local + 30 + len(raw)] == raw:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        if out[central + 46:central + 46 + len(raw)] == raw:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_zip_bomb_docx_is_refused_without_unpacking() -> None:
    """100 MB of XML in a 100 KB file: refused by its declared size, never inflated."""
    bomb = docx_bytes({"word/document.xml": document_xml(b" " * (100 * 10**6))})
    assert len(bomb) < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    source, problems = docx.parse(bomb, "bomb.docx", "bomb")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert source is None
    assert [d.code for d in problems] == ["sources.corrupt"]
    assert "unpacks to 100,000," in problems[0].message and "(a zip bomb?)" in problems[0].message
    assert elapsed < 1 and peak < 5 * MiB


def test_zip_bomb_budget_covers_all_parts_together() -> None:
    small = docx_bytes({"word/document.xml": document_xml(b"Body text."),
                        "word/footnotes.xml": f'<w:footnotes xmlns:w="{W_NS}"/>'.encode()})
    # Each part alone is under the limit; together they are over it.
    forged = declare_size(declare_size(small, "word/document.xml", docx.MAX_UNPACKED // 2 + 1),
                          "word/footnotes.xml", docx.MAX_UNPACKED // 2 + 1)
    source, problems = docx.parse(forged, "parts.docx", "parts")
    assert source is None and "word/footnotes.xml unpacks to" in problems[0].message


def test_zip_member_that_understates_its_size_is_corrupt_not_a_bomb() -> None:
    """Read in pieces, a member that understates its size stops there and fails its CRC; read
    whole (zipfile's `read`), it would first inflate completely: 20 MB here, 100 GB at worst."""
    honest = docx_bytes({"word/document.xml": document_xml(b"x" * 20_000_000)})
    lying = declare_size(honest, "word/document.xml", 1000)
    tracemalloc.start()
    source, problems = docx.parse(lying, "lying.docx", "lying")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert source is None and [d.code for d in problems] == ["sources.corrupt"]
    assert "CRC" in problems[0].message
    assert peak < 8 * MiB


def test_docx_with_a_dtd_is_refused() -> None:
    billion = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
               + document_xml(b"&lol2;"))
    source, problems = docx.parse(docx_bytes({"word/document.xml": billion}), "lol.docx", "lol")
    assert source is None and "declares a DTD" in problems[0].message


def test_deeply_nested_docx_is_corrupt_not_a_crash() -> None:
    nested = (f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + b"<w:sdt>" * 100_000
              + b"<w:p><w:r><w:t>deep</w:t></w:r></w:p>" + b"</w:sdt>" * 100_000
              + b"</w:body></w:document>")
    with time_limit(20):
        source, problems = docx.parse(docx_bytes({"word/document.xml": nested}), "deep.docx", "deep")
    assert (source is None) == bool(problems)


# --- YAML inside sources: front matter and sidecars -------------------------------------


@pytest.mark.parametrize("block", ["[" * 5000 + "]" * 5000, "- " * 5000 + "x", "a: " + "{b: " * 3000],
                         ids=["flow", "block", "mapping"])
def test_deeply_nested_front_matter_is_a_warning(block: str) -> None:
    data = f"---\n{block}\n---\nBody text.\n".encode()
    source, problems = text.parse(data, "deep.md", "deep")
    assert source is not None and source.text == "Body text.\n"
    assert [(d.code, d.severity) for d in problems] == [("sources.front-matter", Severity.WARNING)]


def test_deeply_nested_sidecar_is_a_warning() -> None:
    from briefing.sources import sidecar

    fields, problems = sidecar.parse_sidecar(("[" * 5000 + "]" * 5000).encode(), "a.yaml")
    assert fields == {} and [d.code for d in problems] == ["sources.sidecar"]


@pytest.mark.parametrize("meta", [
    "title: &a [*a]", "title: !!python/object/apply:os.system ['true']", "date: 2013-12-12",
    "title: no", "title: 010",
], ids=["alias", "python-tag", "date", "yaml11-bool", "yaml11-octal"])
def test_front_matter_values_stay_text_and_nothing_is_constructed(meta: str) -> None:
    source, _ = text.parse(f"---\n{meta}\n---\nBody.\n".encode(), "m.md", "m")
    assert source is not None and source.text == "Body.\n"
    value = meta.split(": ", 1)[1]
    field = meta.split(":", 1)[0]
    if not value.startswith(("&", "!!")):
        assert getattr(source.meta, field) == value


# --- strange things in the folder -------------------------------------------------------


def test_strange_entries_are_skipped_and_the_rest_is_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A FIFO (would block), a symlink loop and a dangling link (would raise), a link out of
    the folder, and unreadable files: each is reported; the good source is still checked."""
    root = project(tmp_path, {
        "latin1.txt": "caf\xe9".encode("latin-1"),
        "binary.txt": b"\x00\x01\x02",
        "truncated.docx": (INGEST / "truncated.docx").read_bytes(),
        "encrypted.pdf": (INGEST / "encrypted.pdf").read_bytes(),
        "deep.md": b"---\n" + b"[" * 3000 + b"\n---\nBody.\n",
    }, ["latin1", "binary", "truncated", "encrypted", "fifo", "loop"])
    sources = root / "sources"
    os.mkfifo(sources / "fifo.txt")
    (sources / "loop.md").symlink_to("loop.md")
    (sources / "dangling.md").symlink_to("nowhere.md")
    (sources / "passwd.txt").symlink_to("/etc/passwd")
    with time_limit(30):
        code, report = check_json(root, capsys)
    assert code == 1
    status = {c["id"]: c["status"] for c in report["claims"]}
    assert status == {"good": "verified", "cites-latin1": "unreadable_source",
                      "cites-binary": "unreadable_source", "cites-truncated": "unreadable_source",
                      "cites-encrypted": "unreadable_source", "cites-fifo": "unknown_source",
                      "cites-loop": "unknown_source"}
    codes = {(d["code"], Path(d["file"]).name) for d in report["diagnostics"]}
    assert {("sources.unsupported", "fifo.txt"), ("sources.unsupported", "loop.md"),
            ("sources.unsupported", "dangling.md"), ("sources.outside", "passwd.txt"),
            ("sources.encoding", "latin1.txt"), ("sources.binary", "binary.txt"),
            ("sources.corrupt", "truncated.docx"), ("sources.encrypted", "encrypted.pdf"),
            ("sources.front-matter", "deep.md")} <= codes


def test_fifo_swapped_in_after_the_scan_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Text.\n", encoding="utf-8")
    (file,) = scan_sources(tmp_path).files.values()
    (tmp_path / "a.txt").unlink()
    os.mkfifo(tmp_path / "a.txt")
    with time_limit(5):
        source, problems = load_source(file)
    assert source is None
    assert [(d.code, d.message) for d in problems] == [
        ("sources.unreadable", "cannot read a.txt: not a regular file")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    folder.chmod(0)
    try:
        listing = scan_sources(folder)
    finally:
        folder.chmod(0o755)
    assert [d.code for d in listing.diagnostics] == ["sources.missing"]


# --- hostile web pages: linear time ------------------------------------------------------

# Each is a 1 MB page that made Python 3.11's HTMLParser rescan the rest of the page for
# every `<`: minutes before the fix in ingest/html.py (measured: `<!--` x 250,000 took 309 s).
PATHOLOGICAL_HTML = {
    "unclosed-comments": "<!--" * 250_000,
    "unclosed-end-tags": "</" * 500_000,
    "unclosed-processing": "<?" * 500_000,
    "unclosed-declarations": "<!" * 500_000,
    "unclosed-start-tags": "<a b " * 200_000,
    "comments-without-close": "<!-- x >" * 125_000,
    "mixed": "<a\n<!--\n</\n<?\n" * 60_000,
    "script-never-closed": "<script>" + "</" * 500_000,
    "lt-only": "<" * 1_000_000,
}


@pytest.mark.parametrize("markup", PATHOLOGICAL_HTML.values(), ids=PATHOLOGICAL_HTML.keys())
def test_pathological_html_is_read_in_linear_time(markup: str) -> None:
    with time_limit(3):  # CPU seconds: a load on the machine cannot trip it, a blow-up does
        source, problems = html.parse(markup.encode(), "page.html", "page")
    assert (source is None) == any(d.severity is Severity.ERROR for d in problems)


def test_html_defusing_keeps_a_trailing_less_than_as_text() -> None:
    source, _ = html.parse(b"<p>a > b</p>then 1 < 2 and <b unfinished", "p.html", "p")
    assert source is not None and source.text == "a > b\n\nthen 1 < 2 and <b unfinished"


# --- fuzz: readers never raise and stay fast -------------------------------------------

READERS = {"text": text, "html": html, "pdf": pdf, "docx": docx}
SEEDS = {"pdf": ["weasyprint.pdf", "handmade.pdf", "encrypted.pdf"],
         "docx": ["pandoc.docx", "handmade.docx"], "html": ["article.html", "legacy.htm"]}


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Byte flips, a cut, a duplicated or deleted stretch: what a bad download does."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(4)
        at = rng.randrange(len(out)) if out else 0
        if kind == 0 and out:
            out[at] = rng.randrange(256)
        elif kind == 1:
            del out[at:]
        elif kind == 2:
            out[at:at] = out[at:at + rng.randint(1, 4096)]
        else:
            del out[at:at + rng.randint(1, 4096)]
    return bytes(out)


def assert_reader_contract(kind: str, data: bytes) -> None:
    with time_limit(20):
        source, problems = READERS[kind].parse(data, f"fuzz.{kind}", "fuzz")
    errors = [d for d in problems if d.severity is Severity.ERROR]
    assert (source is None) == bool(errors)
    for d in problems:
        assert d.location is not None and d.location.path == f"fuzz.{kind}" and d.location.line >= 1


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutated_real_files_never_raise(kind: str) -> None:
    rng = random.Random(f"issue-6-{kind}")
    seeds = [(INGEST / name).read_bytes() for name in SEEDS[kind]]
    for _ in range(60):
        assert_reader_contract(kind, mutate(rng.choice(seeds), rng))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(READERS)), data=st.binary(max_size=4096))
def test_random_bytes_never_raise(kind: str, data: bytes) -> None:
    assert_reader_contract(kind, data)


TAG_SOUP = st.lists(st.sampled_from([
    "<", ">", "</", "<!--", "-->", "<?", "<!", "<![CDATA[", "]]>", "<script>", "</script>",
    "<style>", "<pre>", "</pre>", "<svg>", "<title>", "&", "&#", "&amp;", "&#x110000;", "\"", "'",
    "=", " ", "\n", "a", "p", "div", "<br>", "\x00", "\ufeff", "\u202e"]), max_size=400)


@settings(max_examples=150, deadline=None)
@given(TAG_SOUP)
def test_tag_soup_never_raises(tokens: list[str]) -> None:
    assert_reader_contract("html", "".join(tokens).encode("utf-8", "surrogatepass"))


def _raised_run(before: str, raised: str, after: str) -> bytes:
    return (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{before}</w:t></w:r>'
            f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{raised}</w:t></w:r>'
            f'<w:r><w:t xml:space="preserve">{after}</w:t></w:r></w:p></w:body></w:document>').encode()


@pytest.mark.parametrize(("before", "raised", "after", "text"), [
    ("in 1992", "3", " the town", "in 1992 3 the town"),  # a note mark: no "19923"
    ("in 1992.", "3", " The town", "in 1992. 3 The town"),  # no "1992.3"
    ("10", "6", " cells", "10 6 cells"),  # no "106"
    ("the 21", "st", " century", "the 21st century"),  # an ordinal reads as printed
    ("500 m", "2", " of land", "500 m² of land"),  # a unit's exponent reads as printed
], ids=["note-mark", "note-mark-after-stop", "power", "ordinal", "unit-exponent"])
def test_a_docx_superscript_never_glues_onto_a_number(before: str, raised: str, after: str, text: str) -> None:
    source, problems = docx.parse(docx_bytes({"word/document.xml": _raised_run(before, raised, after)}),
                                  "s.docx", "s")
    assert source is not None and not problems
    assert source.text.strip() == text
