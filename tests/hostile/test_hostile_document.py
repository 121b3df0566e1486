"""briefing.md made of Markdown's special characters (issue 16): the check never raises, and
every place it names is inside the file."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.document.check import check_document
from briefing.document.positions import cite_marks
from briefing.document.read import parse_markdown

# The characters that make Markdown: brackets, backticks, fences, list marks, escapes, cites.
PIECES = st.sampled_from(["[", "]", "@a", "@b", "@zz", "`", "```", "\n", "\n\n", "    ", "- ", "> ", "|",
                          "\\", "^[", "{.own}", "12", "3.5%", " ", "word", "'", '"', "--", ":", ";", "#", "*"])
TEXTS = st.lists(PIECES, max_size=60).map("".join)


@given(TEXTS)
@settings(max_examples=300)
def test_every_scanned_cite_is_at_an_at_sign(text: str) -> None:
    for mark in cite_marks(text):
        assert all(text[at] == "@" for at in mark.offsets)


@given(TEXTS)
@settings(max_examples=40)
def test_any_markdown_is_checked_and_every_place_is_in_the_file(text: str) -> None:
    lines = text.count("\n") + 1
    found = check_document("briefing.md", text, parse_markdown(text), [], {})
    for diagnostic in found.diagnostics:
        assert diagnostic.location is not None
        assert 1 <= diagnostic.location.line <= lines and diagnostic.location.col >= 1
    for own in found.own:
        assert 1 <= own.line <= lines
