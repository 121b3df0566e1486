"""`briefing quote` (issue 17 §4): a passage captured from its source, never retyped, and the
entry it prints verifies as written."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import yaml
from support import pdf_file, write_project

from briefing.cli import main
from briefing.verify.capture import claim_entry, yaml_string

TEXT = """\
The committee met twice.
It found that the “witnesses” were credible, and that
the events of 26 February were a massacre.
The committee found no further evidence.

A new paragraph starts here and
goes on without a stop
"""

HTML = """<!doctype html>
<html><body>
<p>Intro line.</p>
<p>The council adopted
the resolution on Friday.</p>
</body></html>
"""


def _pdf(pages: list[str]) -> bytes:
    """A PDF with one line of Helvetica text on each page."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, text in enumerate(pages):
        stream = zlib.compress(f"BT /F1 11 Tf 72 740 Td ({text}) Tj ET".encode())
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    return pdf_file(objects)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, "title: T\nsections: []\n", {
        "notes.txt": TEXT, "page.html": HTML,
        "report.pdf": _pdf(["First page says nothing much.", "The toll was 613 people, the report said."])})


def _quote(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str]:
    code = main(["quote", "--dir", str(project), *args])
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.parametrize(("args", "quote", "where"), [
    pytest.param(("notes", "The committee met"), "The committee met twice.", "line 1", id="to-sentence-end"),
    pytest.param(("notes", "It found", "massacre"),
                 "It found that the “witnesses” were credible, and that the events of 26 February were a massacre",
                 "lines 2-3", id="across-a-line-break"),
    pytest.param(("notes", 'that the "witnesses"', "credible"), "that the “witnesses” were credible",
                 "line 2", id="curly-quotes-typed-straight"),
    pytest.param(("notes", "A new   paragraph"), "A new paragraph starts here and goes on without a stop",
                 "lines 6-7", id="paragraph-without-a-stop"),
    pytest.param(("page", "The council", "Friday."), "The council adopted the resolution on Friday.",
                 "lines 4-5", id="html-file-lines"),
    pytest.param(("report", "The toll was", "613 people"), "The toll was 613 people", "page 2, line 3",
                 id="pdf-page"),
])
def test_found_passage_is_the_source_text(capsys, project, args, quote, where) -> None:
    code, out = _quote(capsys, project, *args)
    assert code == 0, out
    assert f", {where}:\n\n  {quote}\n\n" in out
    assert out.endswith(claim_entry(args[0], quote))


def test_source_named_by_path(capsys, project) -> None:
    code, out = _quote(capsys, Path("."), str(project / "sources" / "notes.txt"), "The committee met")
    assert code == 0 and "  The committee met twice.\n" in out


@pytest.mark.parametrize(("args", "expected"), [
    pytest.param(("notes", "The committee"),
                 "\"The committee\" begins 2 passages:\n  line 1: The committee met twice.\n"
                 "  line 4: The committee found no further evidence.\n  hint: add words", id="ambiguous"),
    pytest.param(("notes", "The committee", "twice"), None, id="last-words-settle-it"),
    pytest.param(("notes", "The committees"), "\"The committees\" not found", id="not-a-whole-word"),
    pytest.param(("notes", "The commitee met"), "nearest, line 1: \"The committee met\"", id="not-found-nearest"),
    pytest.param(("notes", "It found", "twice"), "\"twice\" not found within 1,500 characters after \"It found\"",
                 id="no-end"),
])
def test_missed_passages_exit_1(capsys, project, args, expected) -> None:
    code, out = _quote(capsys, project, *args)
    if expected is None:
        assert code == 0 and "  The committee met twice\n" in out
    else:
        assert code == 1 and expected in out, out


def test_unknown_source_is_unusable(capsys, project) -> None:
    code, out = _quote(capsys, project, "nope", "The committee")
    assert code == 2 and "error: no source 'nope' in" in out and "the sources are notes, page, report" in out


@pytest.mark.parametrize("args", [
    pytest.param(("notes", "It found", "massacre"), id="text"),
    pytest.param(("notes", 'the "witnesses"'), id="curly"),
    pytest.param(("page", "The council"), id="html"),
    pytest.param(("report", "The toll was"), id="pdf"),
])
def test_printed_entry_checks_as_written(capsys, project, args) -> None:
    """The round trip: the entry, pasted under a claim, verifies with `briefing check`."""
    code, out = _quote(capsys, project, *args)
    assert code == 0, out
    entry = out[out.index("- source: "):]
    claims = "title: T\nsections:\n  - heading: H\n    claims:\n      - id: c1\n        text: A claim.\n" \
             "        citations:\n" + "".join(f"          {line}\n" for line in entry.splitlines())
    (project / "claims.yaml").write_text(claims, encoding="utf-8")
    assert main(["check", str(project), "--no-cache"]) == 0, capsys.readouterr().out


def test_line_end_hyphen_is_written_whole(capsys, tmp_path) -> None:
    project = write_project(tmp_path, "title: T\nsections: []\n",
                            {"s.txt": "The plan was com-\nposed in secret by the board.\n"})
    code, out = _quote(capsys, project, "s", "The plan")
    assert code == 0 and "  The plan was composed in secret by the board.\n" in out, out
    entry = out[out.index("- source: "):]
    (project / "claims.yaml").write_text("title: T\nsections:\n  - heading: H\n    claims:\n      - id: c1\n"
                                         "        text: A claim.\n        citations:\n"
                                         + "".join(f"          {line}\n" for line in entry.splitlines()))
    assert main(["check", str(project), "--no-cache"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("text", ['say "no"\\ then', "tab\there", "zero\u200bwidth", "soft\u00adhyphen", "bom\ufeff",
                                  "bell\x07", "emoji \U0001f600", "é ü"])
def test_yaml_string_reads_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"q: {yaml_string(text)}")["q"] == text
    assert yaml.safe_load(claim_entry("yes", text)) == [{"source": "yes", "quote": text}]
