"""Helpers the tests share (no tests here): paths, the project and source builders, models built
in memory, and a time limit. Test modules import from here, never from each other (issue 18)."""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from briefing.models import (
    Briefing,
    Citation,
    CitationResult,
    Claim,
    ClaimResult,
    Report,
    Section,
    Source,
    SourceMeta,
    Status,
)

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent  # the checkout: its example (claims.yaml, sources/) is read, never written
FIXTURES = TESTS / "fixtures"
INGEST = FIXTURES / "ingest"


# --- projects on disk -----------------------------------------------------------------------


def write_sources(root: Path, sources: Mapping[str, str | bytes]) -> Path:
    """The source builder: each name -> text (UTF-8) or bytes, into root/sources/; returns that folder."""
    folder = root / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in sources.items():
        if isinstance(data, bytes):
            (folder / name).write_bytes(data)
        else:
            (folder / name).write_text(data, encoding="utf-8")
    return folder


def write_project(root: Path, claims: str | bytes, sources: Mapping[str, str | bytes] | None = None) -> Path:
    """The project builder: root/claims.yaml (text is dedented) and root/sources/ with `sources`; returns root."""
    write_sources(root, sources or {})
    if isinstance(claims, bytes):
        (root / "claims.yaml").write_bytes(claims)
    else:
        (root / "claims.yaml").write_text(textwrap.dedent(claims), encoding="utf-8")
    return root


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; object 1 the catalogue), with its cross-reference
    table: the tests write the few drawing commands a case needs and no binary fixture."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def copy_example(root: Path) -> Path:
    """The checkout's example (claims.yaml, briefing.md, sources/, templates/) copied into root, for a
    test that checks or builds it: a run writes its cache into the project, never into the checkout."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("claims.yaml", "briefing.md"):
        shutil.copy2(ROOT / name, root / name)
    for folder in ("sources", "templates"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def claims_yaml(claims: Iterable[tuple[str, str, str, str]], title: str = "T", heading: str = "H") -> str:
    """One section of single-citation claims, each (id, text, source id, quote), as claims.yaml text."""
    lines = [f"title: {title}", "sections:", f"  - heading: {heading}", "    claims:"]
    for claim_id, text, source, quote in claims:
        lines += [f"      - id: {claim_id}", f"        text: {json.dumps(text)}", f"        source: {source}",
                  f"        quote: {json.dumps(quote)}"]
    return "\n".join(lines) + "\n"


AZERNEWS = """\
---
title: "OIC Secretary General pays tribute"
publisher: "Azernews"
---
As a result of the Khojaly genocide, 613 Azerbaijani civilians, including 63 children, 106 women,
and 70 elderly people were killed. Simultaneously, 487 civilians were seriously injured.
"""

RAJABOVA = """\
613 civilians, including 106 women, 70 elderlies, and 83 children, were killed in the massacre.
"""

# Two sources and a claims file (GOOD) whose two claims verify against them.
KHOJALY = {"azernews-2023.md": AZERNEWS, "rajabova-2013.md": RAJABOVA}

GOOD = """\
    title: "Test"
    sections:
      - heading: "Casualties"
        claims:
          - id: toll
            text: "Azernews reports 613 civilians killed, 63 of them children."
            source: azernews-2023
            quote: "613 Azerbaijani civilians, including 63 children"
          - id: children
            text: "Another article gives 83 children."
            source: rajabova-2013
            quote: "and 83 children, were killed"
    """


# --- briefings and reports in memory (for rendering without the checker) ----------------------

AZERNEWS_SOURCE = Source(
    "azernews-2023", "sources/azernews-2023.md", "text", "…",
    SourceMeta(title="OIC Secretary General pays tribute", publisher="Azernews",
               author="Staff reporter", date="2023-02-22",
               url="https://www.azernews.az/nation/206528.html", accessed="2025-11-01"),
    sha256="0123456789abcdef" * 4)
RAJABOVA_SOURCE = Source("rajabova-2013", "sources/rajabova-2013.md", "text", "…",
                         SourceMeta(publisher="Rajabova Press", url="file:///etc/passwd"),
                         sha256="fedcba9876543210" * 4)


def make_briefing(claims: list[tuple[str, str, list[tuple[str, str, Status]]]],
                  sources: tuple[Source, ...] = (AZERNEWS_SOURCE, RAJABOVA_SOURCE), *, summary: str = "",
                  title: str = "Khojaly: what the sources say") -> tuple[Briefing, Report]:
    """claims: (id, text, [(source, quote, status), ...]); one section per 40 claims."""
    built, results = [], []
    for n, (claim_id, text, cites) in enumerate(claims):
        citations = tuple(Citation(src, quote, 10 + n, 12) for src, quote, _ in cites)
        claim = Claim(claim_id, text, citations, 9 + n)
        statuses = [status for _, _, status in cites]
        failing = [s for s in statuses if s is not Status.VERIFIED]
        built.append(claim)
        checked = tuple(CitationResult(c, s) for c, s in zip(citations, statuses, strict=True))
        results.append(ClaimResult(claim, failing[0] if failing else Status.VERIFIED, checked))
    sections = tuple(Section(f"Part {i // 40 + 1}", tuple(built[i:i + 40]))
                     for i in range(0, len(built), 40))
    briefing = Briefing("claims.yaml", title, sections, subtitle="A citation-checked briefing",
                        author="Policy Unit", date="November 2025", summary=summary)
    return briefing, Report("claims.yaml", "sources", tuple(results), (), sources)


# --- limits -------------------------------------------------------------------------------------


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block uses more than `seconds` of CPU.

    CPU time, not the clock: these limits guard against work that grows out of bounds (a
    quadratic path, a backtracking regex), and a loaded machine must not trip them (speed itself
    is measured by `make bench`, never by a test).
    """
    def expired(*_: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s of CPU")

    previous = signal.signal(signal.SIGPROF, expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# --- a real browser (issue 16 and 17: the HTML as a reader sees it) -------------------------

# .ci/run installs Debian's chromium and sets this, so in CI a missing browser fails the tests
# instead of skipping them; elsewhere they are skipped with a message saying how to run them.
BROWSER_REQUIRED = "BRIEFING_REQUIRE_BROWSER"
BROWSER_TIMEOUT = 120


def chromium() -> str:
    """The headless browser's path, or skip (fail where BRIEFING_REQUIRE_BROWSER=1)."""
    import os

    import pytest

    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found:
        return found
    message = ("no chromium on PATH: install Debian's `chromium` (apt-get install chromium) "
               "to run the browser tests; `.ci/run` does this")
    if os.environ.get(BROWSER_REQUIRED) == "1":
        pytest.fail(message)
    pytest.skip(message)


def _browser(args: list[str], page: Path, fragment: str = "") -> bytes:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--hide-scrollbars",
             # Only the page itself: a test page that tried the network would fail loudly.
             "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
             "--virtual-time-budget=5000", *args, page.resolve().as_uri() + fragment],
            capture_output=True, timeout=BROWSER_TIMEOUT, check=False)
    if done.returncode != 0:
        raise AssertionError(f"chromium failed ({done.returncode}): {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


def browser_dom(page: Path, *, width: int = 1280, height: int = 900, fragment: str = "") -> str:
    """The page's DOM after its scripts ran, as chromium serialises it; opened at `fragment`
    ("#failures") when one is given."""
    return _browser(["--dump-dom", f"--window-size={width},{height}"], page, fragment).decode("utf-8")


def browser_screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 900) -> Path:
    """A PNG of the page's first `height` pixels at `width` (a phone: 390 x 844)."""
    _browser([f"--screenshot={png.resolve()}", f"--window-size={width},{height}"], page)
    if not png.is_file() or png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"chromium wrote no PNG at {png}")
    return png


def pdf_pages(pages: int, fill: Callable[[Any, int, Any], bytes]) -> bytes:
    """A PDF of `pages` 200-point pages, each naming Helvetica as /F1 in its resources:
    `fill(writer, page number, resources)` gives a page's content, and may add resources."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for number in range(1, pages + 1):
        page = writer.add_blank_page(200, 200)
        resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        content = fill(writer, number, resources)
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = writer._add_object(pdf_stream(content))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_gray_image(writer: Any, width: int = 1, height: int = 1) -> object:
    """A `width` x `height` grey image XObject added to `writer`."""
    from pypdf.generic import NameObject, NumberObject

    return writer._add_object(pdf_stream(
        b"\x00" * width * height, Type=NameObject("/XObject"), Subtype=NameObject("/Image"),
        Width=NumberObject(width), Height=NumberObject(height),
        ColorSpace=NameObject("/DeviceGray"), BitsPerComponent=NumberObject(8)))


def pdf_stream(data: bytes, **entries: object) -> object:
    """A PDF stream object holding `data` (uncompressed) with dictionary `entries` (/Key: value),
    for the tests that build pages and images by hand."""
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return stream
