"""The HTML reader reads what a browser shows (issue 15 §5, §6): declared encodings as the WHATWG
Encoding Standard reads them, no deleted or hidden text, superscripts and subscripts that never
glue onto numbers, one title; and a reader's failure is its source's own problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.cli import main
from briefing.ingest import encodings, html
from briefing.models import Severity


def page(charset: str, body: bytes) -> bytes:
    return b'<html><head><meta charset="' + charset.encode("ascii") + b'"></head><body><p>' + body + b"</p>"


def read(data: bytes) -> tuple[str | None, list[tuple[str, str]]]:
    source, diagnostics = html.parse(data, "page.html", "page")
    return (source.text if source else None), [(d.code, d.severity.value) for d in diagnostics]


# --- declared encodings: the WHATWG labels, and nothing else ------------------------------

UNKNOWN = [("sources.encoding", "warning")]

ENCODINGS = [
    # Python codecs that are not text encodings crashed the whole run (LookupError, exit 3);
    # utf-7 and idna are text codecs no browser knows: "+ADYAMQAz-" is not "613".
    pytest.param("rot13", b"+ADYAMQAz- Gur cynag", "+ADYAMQAz- Gur cynag", UNKNOWN, id="rot13"),
    pytest.param("hex", b"613 people", "613 people", UNKNOWN, id="hex"),
    pytest.param("base64", b"NjEz", "NjEz", UNKNOWN, id="base64"),
    pytest.param("zlib", b"x\x9c", "x\x9c".encode("latin-1").decode("cp1252"), UNKNOWN, id="zlib"),
    pytest.param("uu_codec", b"begin 644 x", "begin 644 x", UNKNOWN, id="uu_codec"),
    pytest.param("punycode", b"caf-dma 613", "caf-dma 613", UNKNOWN, id="punycode"),
    pytest.param("bz2_codec", b"BZh9", "BZh9", UNKNOWN, id="bz2_codec"),
    pytest.param("utf-7", b"+ADYAMQAz- civilians", "+ADYAMQAz- civilians", UNKNOWN, id="utf-7"),
    pytest.param("utf_7", b"+ADYAMQAz-", "+ADYAMQAz-", UNKNOWN, id="utf_7"),
    pytest.param("idna", b"xn--caf-dma", "xn--caf-dma", UNKNOWN, id="idna"),
    pytest.param("latin-1", b"caf\xe9", "café", UNKNOWN, id="latin-1-is-no-label"),  # falls back to 1252
    # Labels of the standard, matched with ASCII case folded.
    pytest.param("LATIN1", b"\x93q\x94", "“q”", [], id="latin1-is-windows-1252"),
    pytest.param("us-ascii", b"\x80 5", "€ 5", [], id="ascii-is-windows-1252"),
    pytest.param("x-user-defined", b"\x93q\x94", "“q”", [], id="x-user-defined-is-1252"),
    pytest.param("utf-16", "café".encode(), "café", [], id="declared-utf-16-is-utf-8"),
    pytest.param("koi8-r", "Москва".encode("koi8_r"), "Москва", [], id="koi8-r"),
    pytest.param("shift_jis", "東京".encode("cp932"), "東京", [], id="shift_jis"),
    pytest.param("gb2312", "北京".encode("gb18030"), "北京", [], id="gb2312-is-gbk"),
    pytest.param("euc-kr", "서울".encode("cp949"), "서울", [], id="euc-kr"),
    pytest.param("iso-8859-8-i", "שלום".encode("iso8859_8"), "שלום", [], id="iso-8859-8-i"),
    pytest.param("utf-8", b"caf\xe9", "caf\ufffd", [("sources.encoding", "warning")], id="bad-utf8"),
]


@pytest.mark.parametrize(("charset", "body", "text", "codes"), ENCODINGS)
def test_only_whatwg_labels_are_honoured(charset: str, body: bytes, text: str,
                                         codes: list[tuple[str, str]]) -> None:
    assert read(page(charset, body)) == (text, codes)


def test_an_unknown_label_is_named_in_a_warning_at_its_line() -> None:
    source, diagnostics = html.parse(b"<html>\n<head>\n<meta charset=rot13>\n<p>x", "s.html", "s")
    assert source is not None and source.text == "x"
    assert [(d.code, d.location and d.location.line, d.message) for d in diagnostics] == [(
        "sources.encoding", 3,
        "s: <meta charset> names 'rot13', which is not an encoding browsers know (WHATWG "
        "Encoding Standard); read as UTF-8, or Windows-1252 where that fails")]


@pytest.mark.parametrize("charset", ["iso-2022-kr", "hz-gb-2312", "replacement", "ISO-2022-CN"])
def test_the_replacement_encoding_leaves_no_text_to_check(charset: str) -> None:
    source, diagnostics = html.parse(page(charset, b"613 civilians"), "s.html", "s")
    assert source is None
    assert [(d.code, d.severity) for d in diagnostics] == [("sources.encoding", Severity.ERROR)]
    assert f"declares the encoding '{charset}', which browsers refuse to decode" in diagnostics[0].message


def test_every_label_of_the_table_has_a_codec_that_decodes_text() -> None:
    for name, (codec, labels) in encodings.ENCODINGS.items():
        assert labels and all(label == label.lower().strip() for label in labels), name
        if codec is not None:
            assert isinstance(b"abc".decode(codec), str), name


LABELS = sorted({label for _, labels in encodings.ENCODINGS.values() for label in labels})
PY_CODECS = ["rot13", "rot_13", "hex", "hex_codec", "base64", "base_64", "zlib", "zip", "bz2",
             "uu", "uu_codec", "quopri", "punycode", "idna", "utf-7", "utf_8_sig", "utf-32",
             "mbcs", "palmos", "unicode_escape", "raw_unicode_escape", "string_escape", "undefined"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=st.one_of(st.sampled_from(LABELS + PY_CODECS),
                       st.text(alphabet="-_.:abcdefiklnorstuxyz0123456789 ", max_size=16)),
       body=st.binary(max_size=200))
def test_any_declared_label_with_any_bytes_is_read_or_reported_never_raised(label: str, body: bytes) -> None:
    data = page(label, body)
    source, diagnostics = html.parse(data, "page.html", "page")
    assert (source is None) == any(d.severity is Severity.ERROR for d in diagnostics)
    if encodings.encoding_for_label(label) is None:
        # A label outside the standard changes nothing: the page reads as if undeclared.
        undeclared, _ = html.parse(page("", body), "page.html", "page")
        assert (source and source.text) == (undeclared and undeclared.text)


# --- a reader's failure is its own source's problem ---------------------------------------

CLAIMS = """\
title: "T"
sections:
  - heading: "H"
    claims:
      - id: good
        text: "The vote was 12 to 3."
        source: good
        quote: "voted 12 to 3"
      - id: page
        text: "The page says 613 people."
        source: page
        quote: "613 people"
"""


def project(root: Path, page_bytes: bytes) -> Path:
    (root / "sources").mkdir()
    (root / "sources" / "good.md").write_text("The council voted 12 to 3 in favour.\n", encoding="utf-8")
    (root / "sources" / "page.html").write_bytes(page_bytes)
    (root / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", str(root), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("charset", ["rot13", "hex", "base64", "zlib", "uu_codec", "punycode"])
def test_a_codec_name_as_charset_no_longer_stops_the_run(tmp_path: Path, charset: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check(project(tmp_path, page(charset, b"There were 613 people.")), capsys)
    assert code == 0
    assert {c["id"]: c["status"] for c in report["claims"]} == {"good": "verified", "page": "verified"}
    assert [(d["code"], d["severity"]) for d in report["diagnostics"]] == [("sources.encoding", "warning")]


def test_a_page_browsers_refuse_to_decode_is_unreadable_and_the_rest_is_checked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = check(project(tmp_path, page("iso-2022-kr", b"There were 613 people.")), capsys)
    assert code == 1
    assert {c["id"]: c["status"] for c in report["claims"]} == {"good": "verified",
                                                                 "page": "unreadable_source"}


def test_a_reader_that_raises_costs_its_source_not_the_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes, path: str, source_id: str) -> None:
        raise LookupError("'rot13' is not a text encoding")

    monkeypatch.setattr(html, "parse", broken)
    code, report = check(project(tmp_path, page("utf-8", b"There were 613 people.")), capsys)
    assert code == 1
    assert {c["id"]: c["status"] for c in report["claims"]} == {"good": "verified",
                                                                 "page": "unreadable_source"}
    [diagnostic] = report["diagnostics"]
    assert (diagnostic["code"], Path(diagnostic["file"]).name, diagnostic["message"]) == (
        "sources.corrupt", "page.html",
        "page: the html reader failed on this file (LookupError: 'rot13' is not a text encoding); "
        "it was not read")
