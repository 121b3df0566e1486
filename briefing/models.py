"""Dataclasses and enums shared by every stage; imports only `diagnostics`, does no I/O."""

from __future__ import annotations

import bisect
import enum
import functools
from dataclasses import dataclass, field

from briefing.diagnostics import Diagnostic, Severity

# --- claims -----------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    source: str
    quote: str
    line: int  # line of the `quote:` value in claims.yaml
    col: int = 1


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    citations: tuple[Citation, ...]
    line: int  # line of the claim's first key in claims.yaml
    col: int = 1
    exempt_figures: tuple[str, ...] = ()  # figures the author states on their own authority
    text_line: int = 0  # line of the `text:` value (0 when unknown)


@dataclass(frozen=True)
class Name:
    """A name with a number in it, declared once for the whole briefing (`names:`, issue 15 §3)."""

    text: str
    line: int = 0
    col: int = 1


@dataclass(frozen=True)
class Section:
    heading: str
    claims: tuple[Claim, ...]
    line: int = 0


@dataclass(frozen=True)
class House:
    """The house furniture (issue 16): one set of options, printed the same in PDF, DOCX and HTML.

    Built by `briefing.house.parse_house` from claims.yaml's top level or briefing.md's metadata.
    """

    marking: str = ""  # e.g. OFFICIAL-SENSITIVE: every page's header and footer, the HTML banner
    logo: str = ""  # a PNG or JPEG in the project folder, as written (relative to it)
    logo_alt: str = ""  # the logo's alternative text (PDF/UA, HTML); "Logo" when not given
    reference: str = ""  # a reference number, printed in the title block and the footer
    cover: bool = False  # the title block on a page of its own
    toc: bool = False  # a table of contents (PDF: with page numbers; DOCX: a field Word updates)
    pdf: str = "standard"  # "standard" (tagged, PDF/UA-1) or "archival" (PDF/A-3b)
    logo_line: int = 0  # line of the `logo:` value, for problems found reading the file

    @property
    def furnished(self) -> bool:
        """Does any option change the layout? (Without one, the claims-only layout is as before.)"""
        return self != House(logo_line=self.logo_line)


@dataclass(frozen=True)
class Briefing:
    path: str
    title: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    author: str = ""
    date: str = ""
    summary: str = ""
    names: tuple[Name, ...] = ()  # numbered names declared for every claim (issue 15 §3)
    house: House = field(default_factory=House)  # marking, logo, reference, cover, toc, pdf (issue 16)

    @property
    def claims(self) -> tuple[Claim, ...]:
        return tuple(c for s in self.sections for c in s.claims)


# --- sources ----------------------------------------------------------------

META_FIELDS = ("title", "publisher", "author", "date", "url", "accessed")


@dataclass(frozen=True)
class SourceMeta:
    title: str = ""
    publisher: str = ""
    author: str = ""
    date: str = ""
    url: str = ""
    accessed: str = ""


@dataclass(frozen=True)
class LineMap:
    """File lines of a text that is not laid out as its file is (HTML): from `offsets[i]` on,
    the text comes from file line `lines[i]` (issue 15 §6). Offsets ascend from 0."""

    offsets: tuple[int, ...]
    lines: tuple[int, ...]

    def line_of(self, offset: int) -> int:
        return self.lines[max(0, bisect.bisect_right(self.offsets, offset) - 1)] if self.lines else 1


# How many hex digits of a source's SHA-256 the Sources list and `briefing sources` show.
SHORT_SHA = 12


@dataclass(frozen=True)
class Source:
    """A source's extracted text; `first_line` is the file line where `text` begins, or
    `line_map` gives the file line of each offset where the text's lines are not the file's
    (`text.LineIndex` reads both)."""

    id: str
    path: str
    kind: str  # "text", later "html", "pdf", "docx"
    text: str
    meta: SourceMeta = field(default_factory=SourceMeta)
    first_line: int = 1
    sha256: str = ""
    page_starts: tuple[int, ...] = ()  # PDF: offset in `text` where each page begins (page 1 first)
    # PDF: each page's printed label ("iv", "12"), when the file defines labels; () otherwise
    page_labels: tuple[str, ...] = ()
    line_map: LineMap | None = None  # HTML: file lines by offset (PDF and DOCX have none)


# --- results ----------------------------------------------------------------


class Status(str, enum.Enum):
    VERIFIED = "verified"
    MISQUOTED = "misquoted"
    NOT_FOUND = "not_found"
    UNKNOWN_SOURCE = "unknown_source"
    UNREADABLE_SOURCE = "unreadable_source"  # the source file exists but its text could not be read
    FIGURE_MISMATCH = "figure_mismatch"


@dataclass(frozen=True)
class Span:
    """Half-open character range [start, end) in a source's original text."""

    start: int
    end: int


@dataclass(frozen=True)
class WordChange:
    """One word-level difference between a quote and the passage nearest to it."""

    kind: str  # "replace", "delete" (in quote, not source), "insert" (in source, not quote)
    quote: str  # the quote's words ("" for insert)
    source: str  # the source's words ("" for delete)
    notes: tuple[str, ...] = ()  # e.g. "quote has U+0430 CYRILLIC SMALL LETTER A where source has U+0061 ..."


@dataclass(frozen=True)
class Nearest:
    """The passage of a source closest to a failed quote: an explanation, never a pass."""

    span: Span
    passage: str  # original text of the passage
    distance: int  # edit distance between folded quote and folded passage
    similarity: float  # 1 - distance / len(folded quote), clamped to [0, 1]
    changes: tuple[WordChange, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A number stated in text, as a typed value (never compared as a string)."""

    text: str  # as written, e.g. "1,275", "twenty-five", "20 per cent", "$9M"
    value: str  # canonical decimal string, magnitude applied, e.g. "1275", "25", "0.5", "9000000"
    # "" or a unit compared apart from plain numbers: "percent", "percentage points", "per
    # mille", "basis points" (issue 15 §3)
    unit: str
    start: int
    end: int
    ordinal: bool = False
    measure: str = ""  # a currency ("USD") or unit ("MW", "km") read with it; "" when none


@dataclass(frozen=True)
class Token:
    """A number-like token that is not read as a figure (issue 15 §3): a name or code with a
    number in it ("G20"), or a figure the check cannot read ("630²", "½", "XLVIII")."""

    text: str  # as written
    start: int
    end: int
    reason: str  # "name", "superscript", "fraction", "roman", "suffix", "ambiguous", "too-long", "joined"


@dataclass(frozen=True)
class Alteration:
    """An editor's change to a quote, marked the way editors mark them (issue 7)."""

    kind: str  # "case" ([T]he), "insertion" ([the OIC]), "sic", "emphasis" ((emphasis added))
    text: str  # as written in the quote, e.g. "[T]he", "[the OIC]", "byArmenia [sic]"
    source: str = ""  # what the source has in its place, e.g. "the", "it" ("" for nothing)


@dataclass(frozen=True)
class Caution:
    """An edit or elision of a verified quote that may turn its meaning (issues 7 and 15 §4):
    the warning the report gives, and the statement its footnote prints."""

    code: str  # "quote.elision-hides", "quote.insertion-adds", ...
    message: str  # what the report says after "claim 'x', quote from 's': "
    hint: str
    statement: str  # a few words for the footnote: "[not] inserted by the author", "omitted: “nothing”"
    insertion: str = ""  # the insertion it is about, as written ("[not]"); "" for an elision


@dataclass(frozen=True)
class FigureReading:
    """One source's statement of a quantity: the figure, what it counts, and where it says so."""

    source: str  # source id
    text: str  # the figure and its counted noun as written, e.g. "83 children"
    value: str  # canonical value, as Figure.value
    unit: str
    span: Span  # the figure's place in the source's text
    line: int  # file line of the figure
    passage: str  # the sentence that states it


@dataclass(frozen=True)
class Disagreement:
    """A figure a claim relies on, and other sources that give the same quantity another value."""

    citation: int  # index of the claim's citation whose quote states the figure
    figure: FigureReading
    others: tuple[FigureReading, ...]
    acknowledged: bool = False  # the claim itself quotes every one of the other readings


@dataclass(frozen=True)
class Elsewhere:
    """A passage of another source close to a quote that is far from anything in its own (issue
    15 §7): the quote was likely misattributed, not made up. An explanation, never a pass."""

    source: str  # source id
    nearest: Nearest
    line: int  # file line of the passage
    page: int = 0  # PDF: the page where the passage starts


@dataclass(frozen=True)
class CitationResult:
    citation: Citation
    status: Status
    spans: tuple[Span, ...] = ()  # where the quote (each part around an elision or insertion) sits
    lines: tuple[int, ...] = ()  # file line of each span's start
    folds: tuple[str, ...] = ()  # folds the match needed
    occurrences: int = 0
    nearest: Nearest | None = None
    nearest_line: int = 0
    found_in: tuple[str, ...] = ()  # other sources holding the exact quote
    problem: str = ""  # why a source could not be checked, when it could not
    pages: tuple[int, ...] = ()  # PDF: every page (1-based) the matched passage touches
    nearest_page: int = 0  # PDF: the page where the nearest passage starts
    alterations: tuple[Alteration, ...] = ()  # editorial changes the match accepted (issue 7)
    gaps: tuple[str, ...] = ()  # between consecutive spans: "elision" or "insertion"
    elsewhere: Elsewhere | None = None  # not found near its source, but close in another (issue 15 §7)
    cautions: tuple[Caution, ...] = ()  # what its edits and elisions may change (issue 15 §4)
    # A quote refused for its shape (issue 15): "quote.too-short", "quote.line-end-hyphen", or "".
    code: str = ""
    # The source text each span matched, taken by the worker holding the source (issue 19: the
    # parent holds no source's text); () where it was not taken (`judge.matched_text` slices).
    matched: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    status: Status
    citations: tuple[CitationResult, ...]
    unbacked_figures: tuple[Figure, ...] = ()
    exempted_figures: tuple[str, ...] = ()
    unused_exemptions: tuple[str, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()  # other sources' values for its figures (issue 7)
    # Of the unbacked figures, those still unbacked once each failed quote matches its source
    # (a misquoted one read as its nearest passage): beside a failed quote, only these are news.
    unquoted_figures: tuple[Figure, ...] = ()
    # Issue 15 §3: tokens of the text not read as figures that no verified quote states as
    # written and nothing declares ("G20", "630²"), and the declared names the text uses.
    unreadable_figures: tuple[Token, ...] = ()
    named_figures: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status is Status.VERIFIED


@dataclass(frozen=True)
class OwnFigure:
    """A figure of briefing.md that its author marked as their own (`[16 years]{.own}`, issue
    16): exempt from backing, and listed in the report like every exemption."""

    text: str  # the figure as written
    path: str  # briefing.md as shown
    line: int
    col: int = 1


@dataclass(frozen=True)
class Report:
    claims_path: str
    sources_dir: str
    claims: tuple[ClaimResult, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # warnings (unused source, repeated quote, ...)
    sources: tuple[Source, ...] = ()
    document_path: str = ""  # briefing.md as shown, when the project has one (issue 16)
    own_figures: tuple[OwnFigure, ...] = ()  # its figures marked `.own`

    @property
    def ok(self) -> bool:
        """Every claim verified, and no source left unreadable (even an uncited one)."""
        return all(c.ok for c in self.claims) and not any(
            d.severity is Severity.ERROR for d in self.diagnostics)

    def source(self, source_id: str) -> Source | None:
        """The source with this id (reports ask once per citation: a dict, not a scan)."""
        return self._sources_by_id.get(source_id)

    @functools.cached_property
    def _sources_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}
