"""Render a checked briefing as PDF, DOCX or HTML, then read each file back (issue 3).

`build` is the one entry point: pure document building (`document`); pandoc (`write`),
WeasyPrint (`pdf`) and atomic files (`staging`), the only I/O; and the read-back proof
(`readback`). A build writes every requested file or none: each is staged beside its target,
read back from disk, and only when every file passes are they all moved into place. A failed
build removes its staged files and leaves earlier outputs untouched; so does an interrupted
one (SIGINT, SIGTERM, SIGHUP: see `staging.interrupts_raise`), and a signal during the moves
waits for them (issue 6).
The build's timestamp is SOURCE_DATE_EPOCH when set, so a rebuild is byte-identical.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing import __version__
from briefing.diagnostics import (
    BUILD_FETCH_REFUSED,
    BUILD_LAYOUT,
    BUILD_RENDER_FAILED,
    BUILD_SOURCE_DATE_EPOCH,
    BUILD_UNVERIFIED,
    BUILD_WRITE_FAILED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.document import DOCUMENT_NAME
from briefing.document.read import ProseDocument, read_document
from briefing.house import load_logo
from briefing.models import Briefing, Report
from briefing.pandoc import PandocError
from briefing.render.document import Document, build_document
from briefing.settings import DEFAULT_OUTPUT_NAMES, OUTPUT_FORMATS

if TYPE_CHECKING:  # `write` and `readback` load jinja2 and more: imported by `build`, so `check` starts sooner
    from briefing.render import write
    from briefing.render.attachments import Attachment

FORMATS = OUTPUT_FORMATS
# Runs its first job in another process while the second runs here; returns both results.
Beside = Callable[[Callable[[], Any], Callable[[], Any]], tuple[Any, Any]]
DEFAULT_NAMES = DEFAULT_OUTPUT_NAMES

__all__ = ["BuildResult", "DEFAULT_NAMES", "FORMATS", "ProseDocument", "build", "build_document", "build_time",
           "load_prose"]


@dataclass(frozen=True)
class BuildResult:
    written: tuple[Path, ...]  # files now in place (empty when the build failed)
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def build(briefing: Briefing, report: Report, formats: Sequence[str],
          outputs: Mapping[str, Path], *, templates_dir: Path | None = None,
          draft: bool = False, now: datetime | None = None,
          version: str = __version__, progress: Callable[[str], None] | None = None,
          attachments: Sequence[Attachment] = (), prose: ProseDocument | None = None,
          pages: Callable[[str, int, int], None] | None = None,
          beside: Beside | None = None) -> BuildResult:
    """Render `formats` to `outputs[format]`; all are written, or none.

    With `prose` (the project's briefing.md, issue 16) the author's document is rendered, its
    cites made footnotes formatted by citeproc; without it, the claims-only layout. The PDF
    embeds `attachments` (issue 17 §3: the evidence, `attachments.evidence`), and its
    read-back proves each came back byte for byte.

    `progress`, if given, is told what is being done ("pdf: laying out page 12"). With `pages`
    too, steps that go page by page are told to `pages` instead, as pages done of the total
    ("pdf: reading it back", 12, 70; a total of 0 while WeasyPrint does not know it yet).
    `beside(job, other)` runs `job` in another process while `other` runs here, and gives both
    results (the engine's `run_beside`): the PDF's pages are then read back in two halves at once.

    Refuses (writes nothing, one `build.unverified` error) when the report has a failed claim,
    unless `draft`, which marks unverified claims and stamps every page DRAFT.
    `templates_dir` is the project's templates/ folder: its files override the package's.
    """
    claims_path = report.claims_path or briefing.path
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
    missing = [f for f in formats if f not in outputs]
    if missing:
        raise ValueError(f"no output path for format(s) {missing}")
    if not report.ok and not draft:
        failed = sum(1 for c in report.claims if not c.ok)
        if failed:
            return BuildResult((), (Diagnostic(
                BUILD_UNVERIFIED, f"{failed} of {len(report.claims)} claims failed the check; "
                "nothing was built", Location(claims_path, 1),
                "fix the claims (see `briefing check`), or build with --draft to mark them"),))
        # Every claim passed, but the check failed elsewhere (a source changed since
        # sources.lock, an unreadable source): say what, not "0 claims failed".
        codes = sorted({d.code for d in report.diagnostics if d.severity is Severity.ERROR})
        return BuildResult((), (Diagnostic(
            BUILD_UNVERIFIED, f"every claim verified, but the check failed ({', '.join(codes)}); "
            "nothing was built", Location(claims_path, 1),
            "see the errors above (`briefing check` lists them), or build with --draft"),))

    from briefing.render import readback, staging, write

    if "pdf" in formats:
        from briefing.render import pdf as weasy

        weasy.preload()
    templates = write.Templates(templates_dir)
    diagnostics: list[Diagnostic] = []
    stamp = now or build_time(diagnostics)
    staged: dict[str, Path] = {}
    with staging.interrupts_raise() as interrupts:
        try:
            if prose is None:
                document = build_document(briefing, report, draft=draft, now=stamp, version=version,
                                          api_version=write.pandoc_api_version())
            else:
                document, refused = _prose(prose, briefing, report, templates, draft, stamp, version,
                                           diagnostics)
                if refused:
                    return BuildResult((), (*diagnostics, *refused))
            document = furnish(document, briefing, claims_path)
            # Issue 19: beside a PDF, the other formats are pandoc's work, in pandoc's own
            # process: they are rendered in threads while WeasyPrint lays the PDF out.
            ahead = {fmt: _Ahead(partial(_render, fmt, document, templates, version, [], Path(outputs[fmt]), None))
                     for fmt in dict.fromkeys(formats) if fmt != "pdf"} if "pdf" in formats else {}
            for fmt in dict.fromkeys(formats):
                target = Path(outputs[fmt])
                tell, count = _teller(progress, fmt), _page_teller(pages, fmt)
                tell("rendering")
                # WeasyPrint's log is listened to only when someone asked for progress.
                data = ahead[fmt].result() if fmt in ahead else _render(
                    fmt, document, templates, version, diagnostics, target, tell if progress else None,
                    attachments, count)
                # Named before it exists, so an interruption at any point can remove it.
                staged[fmt] = staging.temp_path(target)
                staging.write_new(staged[fmt], data)
                # Read back what is on disk, not what is in memory: that is the file people get.
                tell("reading it back")
                embedded: dict[str, Any] = {}
                if fmt == "pdf":
                    for other in ahead.values():  # no thread runs when the read-back forks
                        other.join()
                    embedded = {"attachments": attachments,
                                "progress": partial(count, "reading it back") if count else None,
                                "beside": beside}
                diagnostics += readback.CHECKERS[fmt](
                    staged[fmt].read_bytes(), document.notes, draft=draft,
                    output=str(target), claims_path=claims_path, logo=document.logo,
                    marking=document.house.marking, footnotes=document.footnotes,
                    images=document.images, **embedded)
        except write.RenderError as error:
            diagnostics.append(Diagnostic(BUILD_RENDER_FAILED, str(error)))
        except OSError as error:
            diagnostics.append(Diagnostic(
                BUILD_WRITE_FAILED, f"{error.filename or ''}: {error.strerror or error}",
                hint="check the free space and permissions of the output folder"))
        except BaseException:
            _discard(staged)
            raise
        result = BuildResult((), tuple(diagnostics))
        if not result.ok or len(staged) != len(dict.fromkeys(formats)):
            _discard(staged)
            return result
        written: list[Path] = []
        # All moves happen, or (on an error) the rest are discarded; a signal waits for them.
        with interrupts.held():
            try:
                for fmt, path in staged.items():
                    target = Path(outputs[fmt])
                    staging.commit(path, target)
                    written.append(target)
            except OSError as error:
                _discard(staged)
                diagnostics.append(Diagnostic(
                    BUILD_WRITE_FAILED, f"{error.filename or ''}: {error.strerror or error}"))
                return BuildResult(tuple(written), tuple(diagnostics))
            for folder in dict.fromkeys(p.parent for p in written):
                staging.sync_folder(folder)
    return BuildResult(tuple(written), tuple(diagnostics))


def furnish(document: Document, briefing: Briefing, claims_path: str) -> Document:
    """The document with the briefing's house options and its logo, read and recognised once
    here (issue 16): every format embeds these bytes, and the read-back allows only them."""
    from briefing.render.write import RenderError

    house = briefing.house
    logo = None
    if house.logo:
        found = load_logo(Path(briefing.path).parent, house.logo)
        if isinstance(found, str):
            raise RenderError(f"{claims_path}:{house.logo_line}: {found}")
        logo = found
    return replace(document, house=house, logo=logo)


def load_prose(directory: Path) -> tuple[ProseDocument | None, Diagnostic | None]:
    """The project's briefing.md read for the build, or None when it has none; or why it
    cannot be read (issue 16; the check reads it too once `Project` carries it)."""
    path = directory / DOCUMENT_NAME
    if not path.is_file():
        return None, None
    try:
        return read_document(path), None
    except (OSError, UnicodeDecodeError, PandocError) as error:
        return None, Diagnostic(BUILD_RENDER_FAILED, f"{path}: cannot read the document: {error}",
                                Location(str(path), 1))


def _prose(prose: ProseDocument, briefing: Briefing, report: Report, templates: write.Templates,
           draft: bool, now: datetime, version: str,
           diagnostics: list[Diagnostic]) -> tuple[Document, list[Diagnostic]]:
    """The prose document, its images read (refusals added to `diagnostics`) and its notes
    formatted by citeproc; with what refuses the build (a cited id that is no claim, unless a
    draft)."""
    from briefing.render import assets, write
    from briefing.render.prose import build_prose_document

    images, refusals = assets.load_images(prose.ast, prose.path, prose.text)
    diagnostics += refusals
    document, unknown = build_prose_document(prose.ast, briefing, report, draft=draft, now=now,
                                             version=version, images=images,
                                             api_version=write.pandoc_api_version())
    if unknown and not draft:
        return document, [Diagnostic(
            BUILD_UNVERIFIED, f"{prose.path.name} cites {', '.join(map(repr, unknown))}, "
            f"not a claim in {report.claims_path or briefing.path}; nothing was built",
            Location(str(prose.path), 1), "cite claims by their id, or build with --draft")]
    style = assets.find_style(document.style, prose.path, templates)
    return write.apply_citeproc(document, style), []


def _discard(staged: Mapping[str, Path]) -> None:
    from briefing.render import staging  # (bound here, not by `build` having imported it)

    for path in staged.values():
        staging.discard(path)


def build_time(diagnostics: list[Diagnostic] | None = None,
               environ: Mapping[str, str] = os.environ) -> datetime:
    """SOURCE_DATE_EPOCH (reproducible builds) when set, otherwise now; always UTC.

    https://reproducible-builds.org/specs/source-date-epoch/ - a value that is not a whole
    number of seconds is ignored with a warning rather than failing the build.
    """
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        try:
            return datetime.fromtimestamp(int(raw), UTC)
        except (ValueError, OverflowError, OSError):
            if diagnostics is not None:
                diagnostics.append(Diagnostic(
                    BUILD_SOURCE_DATE_EPOCH,
                    f"SOURCE_DATE_EPOCH={raw[:40]!r} is not a number of seconds; using the clock",
                    hint="set it to e.g. $(git log -1 --format=%ct)", severity=Severity.WARNING))
    return datetime.now(UTC)


def _teller(progress: Callable[[str], None] | None, fmt: str) -> Callable[[str], None]:
    """`progress` for one format's steps ("pdf: laying out page 12…"); nothing without it."""
    return (lambda step: progress(f"{fmt}: {step}\u2026")) if progress else (lambda step: None)


class _Ahead:
    """`work()` started in a thread now; `result()` waits for it, and raises what it raised.
    A daemon thread: an interrupted build does not wait for it to end."""

    def __init__(self, work: Callable[[], bytes]) -> None:
        self._data = b""
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), name="render", daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], bytes]) -> None:
        try:
            self._data = work()
        except BaseException as error:  # raised again where the result is wanted
            self._error = error

    def join(self) -> None:
        self._thread.join()

    def result(self) -> bytes:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._data


def _page_teller(pages: Callable[[str, int, int], None] | None,
                 fmt: str) -> Callable[[str, int, int], None] | None:
    """`pages` for one format's steps ("pdf: reading it back", 3, 70)."""
    return (lambda step, done, total: pages(f"{fmt}: {step}", done, total)) if pages else None


def _render(fmt: str, document: Document, templates: write.Templates, version: str,
            diagnostics: list[Diagnostic], target: Path, tell: Callable[[str], None] | None,
            attachments: Sequence[Attachment] = (),
            pages: Callable[[str, int, int], None] | None = None) -> bytes:
    from briefing.render import pdf as weasy
    from briefing.render import write

    if fmt == "html":
        return write.render_html(document, templates, version)
    if fmt == "docx":
        return write.render_docx(document, templates)
    pdf = weasy.render_pdf(document, templates, version, tell, attachments, pages)
    for url in dict.fromkeys(pdf.refused):
        diagnostics.append(Diagnostic(
            BUILD_FETCH_REFUSED, f"{str(target)}: refused to load {url[:200]!r}",
            hint="only files in the templates folders can be loaded", severity=Severity.WARNING))
    for message in dict.fromkeys(pdf.messages):
        # Refusals are reported above; the HarfBuzz-Subset notice is about the machine's
        # libraries, not this document (see pdf._import_weasyprint).
        if "briefing refuses to fetch" not in message and "HarfBuzz-Subset" not in message:
            diagnostics.append(Diagnostic(BUILD_LAYOUT, f"{str(target)}: WeasyPrint: {message}",
                                          severity=Severity.WARNING))
    return pdf.data
