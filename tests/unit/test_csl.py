"""Sources as CSL items for citeproc (issue 16): the fields each source's metadata gives, dates as
CSL date parts when they are ISO dates, and every value as plain text (pure)."""

from __future__ import annotations

import pytest

from briefing.models import SourceMeta
from briefing.render.csl import DEFAULT_CSL, csl_date, csl_item, style_name


def _words(node: dict) -> str:
    return "".join(" " if n["t"] == "Space" else n["c"] for n in node["c"])


@pytest.mark.parametrize("value, parts", [
    ("2024", ["2024"]), ("2024-03", ["2024", "3"]), ("2024-03-12", ["2024", "3", "12"]),
], ids=["year", "month", "day"])
def test_iso_dates_become_date_parts(value: str, parts: list[str]) -> None:
    node = csl_date(value)
    assert [p["c"] for p in node["c"]["date-parts"]["c"][0]["c"]] == parts


@pytest.mark.parametrize("value", ["12/03/2024", "March 2024", "2024-3-1", "20245"],
                         ids=["slashes", "words", "short-fields", "five-digits"])
def test_other_dates_stay_literal(value: str) -> None:
    node = csl_date(value)
    assert list(node["c"]) == ["literal"] and _words(node["c"]["literal"]) == value


def test_an_item_carries_the_metadata_as_text() -> None:
    meta = SourceMeta(title="<i>Report</i> [@x] *y*", publisher="HMRC", author="HM Revenue and Customs",
                      date="2023-07-01", url="https://example.org/r", accessed="2025-11-01")
    fields = csl_item("hmrc-2023", meta)["c"]
    assert sorted(fields) == ["URL", "accessed", "author", "id", "issued", "publisher", "title", "type"]
    assert fields["id"] == {"t": "MetaString", "c": "hmrc-2023"}
    assert _words(fields["title"]) == "<i>Report</i> [@x] *y*"
    assert all(n["t"] in ("Str", "Space") for n in fields["title"]["c"])
    assert _words(fields["author"]["c"][0]["c"]["literal"]) == "HM Revenue and Customs"


def test_an_item_without_a_title_is_named_by_its_id() -> None:
    fields = csl_item("rajabova-2013", SourceMeta())["c"]
    assert sorted(fields) == ["id", "title", "type"] and _words(fields["title"]) == "rajabova-2013"


@pytest.mark.parametrize("meta, name", [
    ({}, DEFAULT_CSL),
    ({"csl": {"t": "MetaInlines", "c": [{"t": "Str", "c": "oscola.csl"}]}}, "oscola.csl"),
    ({"csl": {"t": "MetaString", "c": "apa.csl"}}, "apa.csl"),
    ({"csl": {"t": "MetaInlines", "c": []}}, DEFAULT_CSL),
], ids=["default", "inlines", "string", "empty"])
def test_the_style_is_the_one_the_metadata_names(meta: dict, name: str) -> None:
    assert style_name(meta) == name


def _cite(*words: str) -> dict:
    rendered = [{"t": "Space"} if w == " " else {"t": "Str", "c": w} for w in words]
    return {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": [
        {"t": "Cite", "c": [[], rendered]}]}]}


@pytest.mark.parametrize("words, closed", [
    (("\u201cPage,\u201d", " ", "n.d"), "\u201cPage,\u201d n.d."),
    (("\u201cPage", "\u201d"), "\u201cPage.\u201d"),
    (("\u201cPage,", "\u201d"), "\u201cPage.\u201d"),
    (("\u201cPage.\u201d",), "\u201cPage.\u201d"),
    (("(Trend,", " ", "2020)"), "(Trend, 2020)."),
    (("(Trend,", " ", "2020", ")"), "(Trend, 2020)."),
    (("Ibid.",), "Ibid."),
    (("Who?",), "Who?"),
], ids=["open", "quote-alone", "comma-in-quote", "closed-in-quote", "parenthesis", "parenthesis-alone",
        "closed", "question"])
def test_every_reference_in_a_note_ends_with_a_full_stop(words: tuple[str, ...], closed: str) -> None:
    from briefing.render.csl import close_references

    ast = close_references(_cite(*words))
    assert "".join(n.get("c", " ") for n in ast["blocks"][0]["c"][0]["c"][1]) == closed


@pytest.mark.parametrize("meta, author, title", [
    pytest.param(SourceMeta(publisher="Azernews", date="2023-02-22"), "Azernews", None, id="publisher-stands-as-author"),
    pytest.param(SourceMeta(author="Laman Ismayilova"), "Laman Ismayilova", None, id="author-no-title"),
    pytest.param(SourceMeta(), None, "src-1", id="nothing-known-the-id-names-it"),
])
def test_a_title_is_never_invented(meta: SourceMeta, author: str | None, title: str | None) -> None:
    """A source whose text carries no headline gets no title; the body that published it stands
    as author when no person is named, so a short note still says where the quote comes from."""
    fields = csl_item("src-1", meta)["c"]
    assert (_words(fields["title"]) if "title" in fields else None) == title
    assert (_words(fields["author"]["c"][0]["c"]["literal"]) if "author" in fields else None) == author
    assert "publisher" not in fields
