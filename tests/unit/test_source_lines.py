"""Reports give the line in the source FILE (issue 15 §6): an HTML page's text is not laid out
as its file is, so a passage on line 37 of `s.html` was reported as `s.html:3`, and SARIF and
GitHub annotations pointed at the wrong line. Text sources already gave file lines (front
matter included); PDF and DOCX have no file lines and keep giving pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.sources import html
from briefing.text import LineIndex

HEAD = "\n".join(["<!doctype html>", "<html>", "<head>", "<title>Report</title>", "<style>",
                  *[f"  .c{i} {{ color: red }}" for i in range(17)], "</style>", "<script>",
                  *[f"  var x{i} = {i};" for i in range(7)], "</script>", "</head>", "<body>"])
assert HEAD.count("\n") == 33  # the head fills lines 1-34
PAGE = HEAD + """
<h1>Casualties</h1>
<p>The report was published in March. Officials said
1,613 civilians died in 1963, and 2.5 million were displaced.
The strike was unlawful.</p>
<p>Production rose to 630 tonnes.</p>
</body></html>
"""
MARKDOWN = """\
---
title: "Notes"
---
First line of the notes.

Reports of 163 children were confirmed.
"""
CLAIMS = """\
title: "T"
sections:
  - heading: "H"
    claims:
      - id: died
        text: "1,613 civilians died."
        source: s
        quote: "1,613 civilians died in 1963"
      - id: tonnes
        text: "Production rose to 630 tonnes."
        source: s
        quote: "Production rose to 630 tonnes."
      - id: lawful
        text: "The strike was lawful."
        source: s
        quote: "The strike was lawful."
      - id: children
        text: "163 children."
        source: notes
        quote: "Reports of 163 children"
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "s.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "sources" / "notes.md").write_text(MARKDOWN, encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().out


def test_the_page_fixture_puts_each_passage_on_the_line_the_tests_name() -> None:
    lines = PAGE.split("\n")
    assert "1,613 civilians died in 1963" in lines[37 - 1]
    assert "The strike was unlawful." in lines[38 - 1]
    assert "Production rose to 630 tonnes." in lines[39 - 1]


def test_json_gives_file_lines_of_matches_and_nearest_passages(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "check", ".", "--format", "json")
    assert code == 1
    citations = {c["id"]: c["citations"][0] for c in json.loads(out)["claims"]}
    assert [m["line"] for m in citations["died"]["matches"]] == [37]
    assert [m["line"] for m in citations["tonnes"]["matches"]] == [39]
    assert citations["lawful"]["nearest"]["line"] == 38
    assert [m["line"] for m in citations["children"]["matches"]] == [6]  # after front matter


def test_text_report_names_the_file_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(capsys, "check", ".", "--verbose")
    assert "    sources/s.html:37\n" in out
    assert "    sources/s.html:39\n" in out
    assert "    source   sources/s.html:38: “The strike was unlawful.”" in out
    assert "    sources/notes.md:6\n" in out


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_ci_annotations_point_at_the_file_line(project: Path, capsys: pytest.CaptureFixture[str],
                                               fmt: str) -> None:
    _, out = run(capsys, "check", ".", "--format", fmt)
    if fmt == "sarif":
        [result] = json.loads(out)["runs"][0]["results"]
        message = result["message"]["text"]
    else:
        [command] = [line for line in out.splitlines() if line.startswith("::error")]
        message = command.replace("%0A", "\n")
    assert re.findall(r"sources/s\.html:(\d+)", message) == ["38"]


def test_show_numbers_the_context_with_file_lines(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "show", "died")
    assert code == 0
    assert "  found    sources/s.html:37\n" in out
    assert re.findall(r"^\s+(>?)\s*(\d+) \| (.*)$", out, re.MULTILINE) == [
        ("", "35", "Casualties"),
        (">", "37", "The report was published in March. Officials said 1,613 civilians died in 1963, "
                    "and 2.5 million were displaced. The strike was unlawful."),
        ("", "39", "Production rose to 630 tonnes."),
    ]


def test_a_figure_other_sources_give_differently_names_their_file_lines(tmp_path: Path) -> None:
    source, _ = html.parse(PAGE.encode(), "s.html", "s")
    assert source is not None
    assert LineIndex(source).line(source.text.index("630 tonnes")) == 39
    assert LineIndex(source).line(source.text.index("2.5 million")) == 37
    assert LineIndex(source).line(source.text.index("Casualties")) == 35


# --- the map itself, on any layout --------------------------------------------------------

WORDS = st.text(alphabet="abcdefghij", min_size=1, max_size=6)
BLOCK = st.tuples(st.integers(0, 3), st.sampled_from(["p", "div", "li", "span", "pre", "sup", "b"]),
                  st.lists(st.tuples(WORDS, st.integers(0, 2)), min_size=1, max_size=5))


@settings(max_examples=200, deadline=None)
@given(st.lists(BLOCK, min_size=1, max_size=12))
def test_every_word_maps_to_the_line_it_is_written_on(blocks: list) -> None:
    """Words on random lines, in blocks, inline elements, <pre> and superscripts, with blank
    lines, entities and comments between: each word's text offset maps to its file line."""
    parts: list[str] = []
    expected: list[tuple[str, int]] = []
    line = 1
    for n, (blank, tag, words) in enumerate(blocks):
        parts.append("\n" * blank + f"<!-- {n}\n -->" + f"<{tag}>")
        line += blank + 1
        for k, (word, breaks) in enumerate(words):
            token = f"w{n}x{k}{word}"
            parts.append(f"{token}&amp;" + "\n" * breaks)
            expected.append((token, line))
            line += breaks
        parts.append(f"</{tag}>")
    source, _ = html.parse("".join(parts).encode(), "p.html", "p")
    assert source is not None
    for token, want in expected:
        assert LineIndex(source).line(source.text.index(token)) == want, (token, source.line_map)


SOUP = st.lists(st.sampled_from([
    "<p>", "</p>", "<p hidden>", "<li>", "<ul>", "</ul>", "<sup>", "</sup>", "<sub>", "</sub>",
    "<del>", "</del>", "<pre>", "</pre>", "<br>", "<div style='display:none'>", "</div>", "<title>",
    "</title>", "<!--", "-->", "&#10;", "&amp;", "\n", "\r\n", " ", "  \n  ", "1992", ".", "word",
    "<", ">", "\ufdd0"]), max_size=120)


@settings(max_examples=300, deadline=None)
@given(SOUP)
def test_the_line_map_is_in_bounds_and_in_file_order_for_any_markup(tokens: list[str]) -> None:
    markup = "".join(tokens)
    source, _ = html.parse(markup.encode(), "p.html", "p")
    if source is None:
        return
    assert source.line_map is not None
    offsets, lines = source.line_map.offsets, source.line_map.lines
    assert list(offsets) == sorted(set(offsets)) and offsets[0] == 0
    assert list(lines) == sorted(lines)  # the text is in the file's order
    assert all(1 <= n <= markup.count("\n") + 1 for n in lines)
