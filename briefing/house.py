"""The house options (issue 16): built from plain values and checked; the logo read and recognised.

Pure, except `load_logo`, which reads the one file the `logo:` option names. claims.yaml and
briefing.md's metadata both hand their values here as plain Python values (text as written, or
YAML's booleans), so one set of options is checked one way, whichever file holds it.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from briefing.models import House

# The options, in the order docs/building.md lists them.
HOUSE_KEYS = ("marking", "logo", "logo_alt", "reference", "cover", "toc", "pdf")
PDF_KINDS = ("standard", "archival")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_HINT = "name a PNG or JPEG file inside the project folder, e.g. logo: templates/logo.png"
_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off", "")
_ONE_LINE_MAX = 120


@dataclass(frozen=True)
class HouseProblem:
    """A bad option value: which key, what is wrong, what to write instead."""

    key: str
    message: str
    hint: str


@dataclass(frozen=True)
class Logo:
    """The logo file's bytes, recognised: what the renderers embed (and the read-back allows)."""

    name: str  # as written in the options
    data: bytes
    mime: str  # image/png or image/jpeg
    width: int  # pixels
    height: int


def parse_house(values: Mapping[str, object], logo_line: int = 0) -> tuple[House, tuple[HouseProblem, ...]]:
    """The House the options in `values` describe (other keys are ignored), and every problem.

    A value may be text as written (claims.yaml reads every scalar as text) or a Python bool
    or number (briefing.md's YAML metadata); None or a missing key is the default.
    """
    problems: list[HouseProblem] = []
    text = {key: _text(values.get(key)) for key in ("marking", "logo", "logo_alt", "reference", "pdf")}
    for key in ("marking", "reference", "logo_alt"):
        problem = _one_line(key, text[key])
        if problem:
            problems.append(problem)
    logo_problem = logo_path_problem(text["logo"]) if text["logo"] else ""
    if logo_problem:
        problems.append(HouseProblem("logo", logo_problem, LOGO_HINT))
    flags = {}
    for key in ("cover", "toc"):
        flag = _flag(values.get(key))
        if flag is None:
            problems.append(HouseProblem(key, f"'{key}' must be true or false, not {_shown(values.get(key))}",
                                         f"write '{key}: true' or leave it out"))
        flags[key] = bool(flag)
    pdf = text["pdf"].lower() or "standard"
    if pdf not in PDF_KINDS:
        problems.append(HouseProblem("pdf", f"'pdf' must be 'standard' or 'archival', not {_shown(values.get('pdf'))}",
                                     "write 'pdf: archival' for PDF/A-3b, or leave it out"))
        pdf = "standard"
    house = House(marking=text["marking"], logo="" if logo_problem else text["logo"], logo_alt=text["logo_alt"],
                  reference=text["reference"], cover=flags["cover"], toc=flags["toc"], pdf=pdf,
                  logo_line=logo_line)
    return house, tuple(problems)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _shown(value: object) -> str:
    return repr(_text(value)[:40])


def _one_line(key: str, value: str) -> HouseProblem | None:
    if "\n" in value or "\r" in value:
        return HouseProblem(key, f"'{key}' must be one line", "write it on one line, without '|' or '>'")
    if len(value) > _ONE_LINE_MAX:
        return HouseProblem(key, f"'{key}' is {len(value)} characters, more than {_ONE_LINE_MAX}",
                            "a page header has room for a short line")
    return None


def _flag(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    lowered = _text(value).lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def logo_path_problem(logo: str) -> str:
    """Why `logo` cannot name a logo in the project folder ("" when it can), from its text alone."""
    if "\\" in logo or PureWindowsPath(logo).drive or PurePosixPath(logo).is_absolute():
        return f"logo {logo!r} is not a path inside the project folder"
    parts = PurePosixPath(logo).parts
    if ".." in parts:
        return f"logo {logo!r} leads outside the project folder"
    if PurePosixPath(logo).suffix.lower() not in LOGO_SUFFIXES:
        return f"logo {logo!r} is not a PNG or JPEG file"
    return ""


# --- the logo file ---------------------------------------------------------------------------


def parse_logo(name: str, data: bytes) -> Logo | str:
    """The logo, recognised from its bytes (not its name); or why it is not a logo."""
    if len(data) > LOGO_MAX_BYTES:
        return f"logo {name!r} is {len(data):,} bytes, more than {LOGO_MAX_BYTES:,}"
    size = _png_size(data)
    mime = "image/png"
    if size is None:
        size, mime = _jpeg_size(data), "image/jpeg"
    if size is None or not all(size):
        return f"logo {name!r} is not a PNG or JPEG image"
    return Logo(name, data, mime, *size)


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a JPEG's start-of-frame segment."""
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in _SOF and at + 9 <= len(data):
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    return None


def load_logo(folder: Path, logo: str) -> Logo | str:
    """Read the logo `logo` names in the project `folder` (reads the file); or why it cannot be.

    Resolved first, so a link that leads outside the folder is refused like `..`.
    """
    problem = logo_path_problem(logo)
    if problem:
        return problem
    root = folder.resolve()
    path = (root / logo).resolve()
    if not path.is_relative_to(root):
        return f"logo {logo!r} leads outside the project folder"
    if not path.exists():
        return f"logo {logo!r} not found in the project folder"
    if not path.is_file():  # a folder, or a FIFO that would block the read
        return f"logo {logo!r} is not a file"
    try:
        with open(path, "rb") as file:
            data = file.read(LOGO_MAX_BYTES + 1)
    except OSError as error:
        return f"cannot read logo {logo!r}: {(error.strerror or str(error)).lower()}"
    return parse_logo(logo, data)
