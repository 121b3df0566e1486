"""The house options (issue 16): one set, built from plain values and checked one way, whether
claims.yaml or briefing.md's metadata holds them; a bad value is an error at claims.yaml:LINE."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest

from briefing.claims.read import load_claims, parse_claims
from briefing.diagnostics import CLAIMS_BAD_LOGO, CLAIMS_BAD_OPTION
from briefing.house import Logo, parse_house, parse_logo
from briefing.models import House
from briefing.render.furniture import Entry, contents, page_values


def png(width: int = 3, height: int = 2) -> bytes:
    """A small grey PNG, written here: no binary fixture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg(width: int = 5, height: int = 4) -> bytes:
    """A JPEG made by Pillow (WeasyPrint's own dependency)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 60)).save(out, "JPEG")
    return out.getvalue()


CLAIMS = """\
title: T
{options}
sections:
  - heading: H
    claims:
      - id: a
        text: "A thing."
        source: s
        quote: "a quote here"
"""


# --- parse_house: plain values, as briefing.md's metadata gives them --------------------------


def test_every_option_from_plain_python_values() -> None:
    house, problems = parse_house({"marking": "OFFICIAL-SENSITIVE", "logo": "templates/logo.png",
                                   "logo_alt": "Policy Unit", "reference": 2025014, "cover": True,
                                   "toc": "yes", "pdf": "archival", "title": "ignored"})
    assert problems == ()
    assert house == House("OFFICIAL-SENSITIVE", "templates/logo.png", "Policy Unit", "2025014", True, True,
                          "archival")
    assert house.furnished


def test_no_options_is_the_claims_only_layout() -> None:
    house, problems = parse_house({}, logo_line=0)
    assert (house, problems) == (House(), ())
    assert not house.furnished


@pytest.mark.parametrize("values, key, message", [
    pytest.param({"marking": "OFFICIAL\nSECRET"}, "marking", "'marking' must be one line", id="marking-two-lines"),
    pytest.param({"reference": "x" * 121}, "reference", "'reference' is 121 characters, more than 120", id="long-ref"),
    pytest.param({"toc": "maybe"}, "toc", "'toc' must be true or false, not 'maybe'", id="toc-maybe"),
    pytest.param({"cover": 2}, "cover", "'cover' must be true or false, not '2'", id="cover-number"),
    pytest.param({"pdf": "pdf/a-1b"}, "pdf", "'pdf' must be 'standard' or 'archival', not 'pdf/a-1b'", id="pdf-other"),
    pytest.param({"logo": "/etc/logo.png"}, "logo", "logo '/etc/logo.png' is not a path inside the project folder",
                 id="logo-absolute"),
    pytest.param({"logo": "C:/logo.png"}, "logo", "logo 'C:/logo.png' is not a path inside the project folder",
                 id="logo-drive"),
    pytest.param({"logo": "../elsewhere/logo.png"}, "logo", "logo '../elsewhere/logo.png' leads outside the "
                 "project folder", id="logo-dotdot"),
    pytest.param({"logo": "templates/logo.svg"}, "logo", "logo 'templates/logo.svg' is not a PNG or JPEG file",
                 id="logo-svg"),
])
def test_a_bad_value_is_refused_with_its_key(values: dict[str, object], key: str, message: str) -> None:
    house, problems = parse_house(values)
    assert [(p.key, p.message) for p in problems] == [(key, message)]
    assert house.logo == ""  # a refused logo is never carried on


@pytest.mark.parametrize("value, expected", [
    pytest.param("true", True, id="true"), pytest.param("no", False, id="no"), pytest.param(True, True, id="bool"),
    pytest.param(None, False, id="null"), pytest.param("", False, id="empty"),
])
def test_flags_read_as_yaml_writes_them(value: object, expected: bool) -> None:
    house, problems = parse_house({"toc": value})
    assert problems == () and house.toc is expected


# --- the logo's bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("data, found", [
    pytest.param(png(3, 2), ("image/png", 3, 2), id="png"),
    pytest.param(jpeg(5, 4), ("image/jpeg", 5, 4), id="jpeg"),
])
def test_a_logo_is_recognised_by_its_bytes(data: bytes, found: tuple[str, int, int]) -> None:
    logo = parse_logo("logo", data)
    assert isinstance(logo, Logo) and (logo.mime, logo.width, logo.height) == found


@pytest.mark.parametrize("data", [
    pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", id="svg-named-png"),
    pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
    pytest.param(b"", id="empty"),
    pytest.param(png(3, 2)[:20], id="cut-short"),
    pytest.param(png(0, 2), id="no-width"),
])
def test_anything_else_named_png_is_not_a_logo(data: bytes) -> None:
    assert parse_logo("logo.png", data) == "logo 'logo.png' is not a PNG or JPEG image"


# --- claims.yaml: errors at their line ---------------------------------------------------------


@pytest.mark.parametrize("options, line, col, message", [
    pytest.param("toc: perhaps", 2, 6, "'toc' must be true or false, not 'perhaps'", id="toc"),
    pytest.param("marking: |\n  TOP\n  SECRET", 2, 10, "'marking' must be one line", id="marking"),
    pytest.param("pdf: a4", 2, 6, "'pdf' must be 'standard' or 'archival', not 'a4'", id="pdf"),
    pytest.param("marking: OFFICIAL\nlogo: ../../logo.png", 3, 7, "logo '../../logo.png' leads outside the "
                 "project folder", id="logo-outside"),
])
def test_claims_yaml_names_the_line_of_a_bad_option(options: str, line: int, col: int, message: str) -> None:
    briefing, diagnostics = parse_claims(CLAIMS.format(options=options), "claims.yaml")
    assert briefing is None
    assert [(d.code, str(d.location), d.message) for d in diagnostics] == [
        (CLAIMS_BAD_OPTION, f"claims.yaml:{line}:{col}", message)]


def test_claims_yaml_options_reach_the_briefing() -> None:
    text = CLAIMS.format(options="marking: OFFICIAL\nreference: BR-7\ncover: true\ntoc: yes\npdf: archival")
    briefing, diagnostics = parse_claims(text, "claims.yaml")
    assert diagnostics == () and briefing is not None
    assert briefing.house == House(marking="OFFICIAL", reference="BR-7", cover=True, toc=True, pdf="archival")


def _project(root: Path, options: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "claims.yaml").write_text(CLAIMS.format(options=options), encoding="utf-8")
    return root / "claims.yaml"


def test_a_good_logo_loads(tmp_path: Path) -> None:
    claims = _project(tmp_path / "p", "logo: art/logo.png")
    (tmp_path / "p" / "art").mkdir()
    (tmp_path / "p" / "art" / "logo.png").write_bytes(png())
    briefing, diagnostics = load_claims(claims)
    assert diagnostics == () and briefing is not None and briefing.house.logo == "art/logo.png"
    assert briefing.house.logo_line == 2


@pytest.mark.parametrize("make, message", [
    pytest.param(lambda p, out: None, "logo 'logo.png' not found in the project folder", id="missing"),
    pytest.param(lambda p, out: (p / "logo.png").write_text("not an image"),
                 "logo 'logo.png' is not a PNG or JPEG image", id="text-named-png"),
    pytest.param(lambda p, out: (p / "logo.png").mkdir(), "logo 'logo.png' is not a file", id="folder"),
    pytest.param(lambda p, out: os.symlink(out, p / "logo.png"), "logo 'logo.png' leads outside the project folder",
                 id="link-outside"),
])
def test_a_bad_logo_file_is_an_error_at_its_line(tmp_path: Path, make, message: str) -> None:
    outside = tmp_path / "outside.png"
    outside.write_bytes(png())  # a real image, but not the project's
    claims = _project(tmp_path / "p", "marking: OFFICIAL\nlogo: logo.png")
    make(tmp_path / "p", outside)
    briefing, diagnostics = load_claims(claims)
    assert briefing is None
    assert [(d.code, str(d.location), d.message) for d in diagnostics] == [
        (CLAIMS_BAD_LOGO, f"{claims}:3:1", message)]


# --- the contents and the page values ------------------------------------------------------------


def _header(level: int, ident: str, words: list[str]) -> dict[str, object]:
    inlines = [{"t": "Str", "c": w} if w != " " else {"t": "Space"} for w in words]
    return {"t": "Header", "c": [level, [ident, [], []], inlines]}


def test_the_contents_lists_the_headings_with_ids_in_order() -> None:
    header = _header
    emphasised = _header(1, "section-1", ["The", " "])
    emphasised["c"][2].append({"t": "Emph", "c": [{"t": "Str", "c": "first"}]})  # type: ignore[index]
    blocks = [
        {"t": "Div", "c": [["", ["summary"], []], [header(2, "summary", ["Summary"])]]},
        emphasised,
        header(3, "deep", ["Too", " ", "deep"]),
        header(1, "", ["No", " ", "id"]),
        {"t": "Div", "c": [["", [], []], [header(2, "inner", ["Inner"])]]},
        header(1, "sources", ["Sources"]),
    ]
    assert contents(blocks) == (Entry("section-1", "The first", 1), Entry("inner", "Inner", 2),
                                Entry("sources", "Sources", 1))
    assert page_values(House(toc=False), None, blocks, logo_src="x")["contents"] == ()
    assert page_values(House(), None, blocks, logo_src="x")["logo_src"] == ""  # no logo, no <img>
