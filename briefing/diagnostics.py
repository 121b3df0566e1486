"""Where a problem is, how bad it is, and the one table of every diagnostic code (no I/O).

Issue 18: every code the package emits is a constant here, with its severity, whether `--strict`
makes it an error, its place in the docs and what it means; `tests/unit/test_codes.py` finds
every code emitted anywhere (with ast) and checks it is in `CODES`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """A place in a file, 1-based line and column, as editors show them."""

    path: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found while loading or checking; never raised, always collected."""

    code: str  # stable identifier, e.g. "claims.duplicate-id"
    message: str
    location: Location | None = None
    hint: str = ""
    severity: Severity = Severity.ERROR


# The claims file (claims/).
CLAIMS_MISSING = "claims.missing"
CLAIMS_UNREADABLE = "claims.unreadable"
CLAIMS_TOO_LARGE = "claims.too-large"
CLAIMS_EMPTY = "claims.empty"
CLAIMS_BINARY = "claims.binary"
CLAIMS_ENCODING = "claims.encoding"
CLAIMS_SYNTAX = "claims.syntax"
CLAIMS_TOO_DEEP = "claims.too-deep"
CLAIMS_ALIAS = "claims.alias"
CLAIMS_CONTROL_CHAR = "claims.control-char"
CLAIMS_INVISIBLE_CHAR = "claims.invisible-char"
CLAIMS_NOT_A_MAPPING = "claims.not-a-mapping"
CLAIMS_TYPE = "claims.type"
CLAIMS_UNKNOWN_KEY = "claims.unknown-key"
CLAIMS_DUPLICATE_KEY = "claims.duplicate-key"
CLAIMS_MISSING_KEY = "claims.missing-key"
CLAIMS_BOTH_FORMS = "claims.both-forms"
CLAIMS_EMPTY_LIST = "claims.empty-list"
CLAIMS_EMPTY_QUOTE = "claims.empty-quote"
CLAIMS_EMPTY_VALUE = "claims.empty-value"
CLAIMS_BAD_ID = "claims.bad-id"
CLAIMS_DUPLICATE_ID = "claims.duplicate-id"
CLAIMS_BAD_NAME = "claims.bad-name"
CLAIMS_BAD_OPTION = "claims.bad-option"  # a house option (issue 16): marking, logo, toc, ...
CLAIMS_BAD_LOGO = "claims.bad-logo"

# The sources folder (sources/).
SOURCES_MISSING = "sources.missing"
SOURCES_DUPLICATE_ID = "sources.duplicate-id"
SOURCES_UNSUPPORTED = "sources.unsupported"
SOURCES_OUTSIDE = "sources.outside"
SOURCES_SIDECAR = "sources.sidecar"
SOURCES_FRONT_MATTER = "sources.front-matter"
SOURCES_UNREADABLE = "sources.unreadable"
SOURCES_TOO_LARGE = "sources.too-large"
SOURCES_CORRUPT = "sources.corrupt"
SOURCES_BINARY = "sources.binary"
SOURCES_ENCODING = "sources.encoding"
SOURCES_ENCRYPTED = "sources.encrypted"
SOURCES_NO_TEXT = "sources.no-text"
SOURCES_NO_TEXT_PAGES = "sources.no-text-pages"
SOURCES_HIDDEN_TEXT = "sources.hidden-text"

# sources.lock (sources/lock.py).
LOCK_INVALID = "lock.invalid"
SOURCE_UNLOCKED = "source.unlocked"
SOURCE_REMOVED = "source.removed"
SOURCE_CHANGED = "source.changed"
SOURCE_TEXT_CHANGED = "source.text-changed"
SOURCE_UNUSED = "source.unused"

# Quotes and figures (verify/, disagree/).
QUOTE_REPEATED = "quote.repeated"
QUOTE_TOO_SHORT = "quote.too-short"
QUOTE_LINE_END_HYPHEN = "quote.line-end-hyphen"
FIGURE_UNREADABLE = "figure.unreadable"
FIGURE_UNUSED_EXEMPTION = "figure.unused-exemption"
FIGURE_UNUSED_NAME = "figure.unused-name"
FIGURE_DISAGREEMENT = "figure.disagreement"

# Quotes and figures (verify/, disagree/).
QUOTE_ELISION_HIDES = "quote.elision-hides"
QUOTE_ELISION_FAR = "quote.elision-far"
QUOTE_INSERTION_HIDES = "quote.insertion-hides"
QUOTE_INSERTION_ADDS = "quote.insertion-adds"
QUOTE_INSERTION_REPLACES = "quote.insertion-replaces"
QUOTE_ELISION_SPANS_SENTENCES = "quote.elision-spans-sentences"

# The prose document, briefing.md (document/; issue 16).
DOCUMENT_UNREADABLE = "document.unreadable"
DOCUMENT_SYNTAX = "document.syntax"
DOCUMENT_INVISIBLE_CHAR = "document.invisible-char"
DOCUMENT_METADATA = "document.metadata"
DOCUMENT_UNKNOWN_CLAIM = "document.unknown-claim"
DOCUMENT_UNCITED_CLAIM = "document.uncited-claim"
DOCUMENT_FIGURE_UNBACKED = "document.figure-unbacked"
FIGURE_UNSOURCED = "figure.unsourced"

# Commands (cli/).
SHOW_UNKNOWN_CLAIM = "show.unknown-claim"

# A reviewer's ticks, read back by `check --reviewed` (report/reviewed.py; issue 17 §1).
REVIEW_INVALID = "review.invalid"
REVIEW_CHANGED = "review.changed"
REVIEW_UNREVIEWED = "review.unreviewed"
REVIEW_UNKNOWN_CLAIM = "review.unknown-claim"

# Building (render/).
BUILD_UNVERIFIED = "build.unverified"
BUILD_RENDER_FAILED = "build.render-failed"
BUILD_WRITE_FAILED = "build.write-failed"
BUILD_FETCH_REFUSED = "build.fetch-refused"
BUILD_LAYOUT = "build.layout"
BUILD_SOURCE_DATE_EPOCH = "build.source-date-epoch"
BUILD_UNREADABLE = "build.unreadable"
BUILD_FOOTNOTE_MISSING = "build.footnote-missing"
BUILD_FOOTNOTE_EXTRA = "build.footnote-extra"
BUILD_FOOTNOTE_MOVED = "build.footnote-moved"
BUILD_QUOTE_ALTERED = "build.quote-altered"
BUILD_CAUTION_MISSING = "build.caution-missing"
BUILD_DRAFT_STAMP_MISSING = "build.draft-stamp-missing"
BUILD_UNSAFE_CONTENT = "build.unsafe-content"
BUILD_EVIDENCE_ALTERED = "build.evidence-altered"
BUILD_MARKING_MISSING = "build.marking-missing"

# Auditing a received PDF against its embedded evidence (issue 17 §3).
AUDIT_UNUSABLE = "audit.unusable"
AUDIT_SOURCE_MISSING = "audit.source-missing"
AUDIT_SOURCE_CHANGED = "audit.source-changed"
AUDIT_CLAIM_FAILED = "audit.claim-failed"
AUDIT_QUOTE_ALTERED = "audit.quote-altered"


@dataclass(frozen=True)
class Code:
    """One diagnostic code: the severities it is given, what it means, and whether `--strict`
    makes the warning an error (a verified quote that may still mislead: issues 7, 15 §4)."""

    code: str
    severities: tuple[Severity, ...]
    meaning: str
    strict: bool = False

    @property
    def anchor(self) -> str:
        """Where the docs describe it: the results page, one anchor per code."""
        return f"docs/results.md#{self.code.replace('.', '-')}"


E, W = Severity.ERROR, Severity.WARNING
CODES: dict[str, Code] = {entry.code: entry for entry in (
    Code(CLAIMS_MISSING, (E,), "the claims file does not exist"),
    Code(CLAIMS_UNREADABLE, (E,), "the claims path cannot be read as a file"),
    Code(CLAIMS_TOO_LARGE, (E,), "the claims file is over the size limit"),
    Code(CLAIMS_EMPTY, (E,), "the claims file is empty"),
    Code(CLAIMS_BINARY, (E,), "the claims file holds NUL bytes: not text"),
    Code(CLAIMS_ENCODING, (E,), "the claims file is not UTF-8"),
    Code(CLAIMS_SYNTAX, (E,), "the claims file is not valid YAML"),
    Code(CLAIMS_TOO_DEEP, (E,), "the claims file nests lists or mappings too deep"),
    Code(CLAIMS_ALIAS, (E,), "the claims file uses a YAML alias or anchor"),
    Code(CLAIMS_CONTROL_CHAR, (E,), "a value holds a control character that cannot be printed"),
    Code(CLAIMS_INVISIBLE_CHAR, (E,), "a value holds an invisible character that changes how the text shows"),
    Code(CLAIMS_NOT_A_MAPPING, (E,), "the claims file (or an entry) is not the mapping the schema asks for"),
    Code(CLAIMS_TYPE, (E,), "a key or value has the wrong type"),
    Code(CLAIMS_UNKNOWN_KEY, (E,), "a key the schema does not know"),
    Code(CLAIMS_DUPLICATE_KEY, (E,), "a key given twice in one mapping"),
    Code(CLAIMS_MISSING_KEY, (E,), "a required key is missing"),
    Code(CLAIMS_BOTH_FORMS, (E,), "a citation gives both the short and the list form"),
    Code(CLAIMS_EMPTY_LIST, (E,), "a list that must have items is empty"),
    Code(CLAIMS_EMPTY_QUOTE, (E,), "a quote or other required text is empty"),
    Code(CLAIMS_EMPTY_VALUE, (E,), "a list holds an empty item"),
    Code(CLAIMS_BAD_ID, (E,), "a claim id uses characters ids may not"),
    Code(CLAIMS_DUPLICATE_ID, (E,), "two claims share an id"),
    Code(CLAIMS_BAD_NAME, (E,), "a name in 'names' is not one the check can read"),
    Code(CLAIMS_BAD_OPTION, (E,), "a house option (marking, logo, cover, toc, pdf, ...) has a value it cannot take"),
    Code(CLAIMS_BAD_LOGO, (E,), "the logo is missing, outside the project folder, or not a PNG or JPEG image"),
    Code(SOURCES_MISSING, (E,), "the sources folder does not exist"),
    Code(SOURCES_DUPLICATE_ID, (E,), "two files give the same source id"),
    Code(SOURCES_UNSUPPORTED, (W,), "a file in the sources folder is not a source briefing reads"),
    Code(SOURCES_OUTSIDE, (W,), "a link in the sources folder points outside it"),
    Code(SOURCES_SIDECAR, (W,), "a metadata sidecar is not as expected"),
    Code(SOURCES_FRONT_MATTER, (W,), "a text source's front matter is not as expected"),
    Code(SOURCES_UNREADABLE, (E,), "a source file cannot be read"),
    Code(SOURCES_TOO_LARGE, (E,), "a source file is over the size limit"),
    Code(SOURCES_CORRUPT, (E,), "a reader failed on a source file"),
    Code(SOURCES_BINARY, (E,), "a text or web source holds NUL bytes"),
    Code(SOURCES_ENCODING, (E, W,), "a source's bytes or declared encoding cannot be decoded as stated"),
    Code(SOURCES_ENCRYPTED, (E,), "a source is password-protected"),
    Code(SOURCES_NO_TEXT, (E,), "a source has no text"),
    Code(SOURCES_NO_TEXT_PAGES, (W,), "pages of a PDF have images but no text"),
    Code(SOURCES_HIDDEN_TEXT, (W,), "text no reader can see was left out of a source"),
    Code(LOCK_INVALID, (E,), "sources.lock cannot be read"),
    Code(SOURCE_UNLOCKED, (E,), "a source is not in sources.lock"),
    Code(SOURCE_REMOVED, (E,), "a locked source is no longer in the sources folder"),
    Code(SOURCE_CHANGED, (E,), "a source's bytes differ from sources.lock"),
    Code(SOURCE_TEXT_CHANGED, (W,), "a locked source's text is extracted differently now"),
    Code(SOURCE_UNUSED, (W,), "a source no claim cites"),
    Code(QUOTE_REPEATED, (W,), "a quote occurs more than once in its source"),
    Code(QUOTE_TOO_SHORT, (E,), "a quote is too short to show what its source says"),
    Code(QUOTE_LINE_END_HYPHEN, (E,), "a quote copies a line-end hyphen of its source's layout"),
    Code(FIGURE_UNREADABLE, (E,), "a claim's figure is written in a way the check cannot read"),
    Code(FIGURE_UNUSED_EXEMPTION, (W,), "an exempt figure does not appear in its claim's text"),
    Code(FIGURE_UNUSED_NAME, (W,), "a name in 'names' occurs in no claim's text"),
    Code(FIGURE_DISAGREEMENT, (W,), "other sources give a figure the claim states a different value",
         strict=True),
    Code(QUOTE_ELISION_HIDES, (W,), "the text an elision leaves out holds a negation, a qualifier or a figure",
         strict=True),
    Code(QUOTE_ELISION_FAR, (W,), "the parts of an elided quote lie far apart in the source", strict=True),
    Code(QUOTE_INSERTION_HIDES, (W,), "a bracketed insertion stands in for words holding a negation or a figure",
         strict=True),
    Code(QUOTE_INSERTION_ADDS, (W,), "a bracketed insertion adds a figure or a negation", strict=True),
    Code(QUOTE_INSERTION_REPLACES, (W,), "a bracketed insertion replaces words of the source", strict=True),
    Code(QUOTE_ELISION_SPANS_SENTENCES, (W,), "an elision joins passages of different sentences", strict=True),
    Code(DOCUMENT_UNREADABLE, (E,), "briefing.md cannot be read as UTF-8 text"),
    Code(DOCUMENT_SYNTAX, (E,), "pandoc cannot read briefing.md (its YAML metadata, say)"),
    Code(DOCUMENT_INVISIBLE_CHAR, (E,), "briefing.md holds an invisible character that changes how the text shows"),
    Code(DOCUMENT_METADATA, (E,), "a metadata field of briefing.md is not what the briefing needs"),
    Code(DOCUMENT_UNKNOWN_CLAIM, (E,), "briefing.md cites an id that is no claim of the claims file"),
    Code(DOCUMENT_UNCITED_CLAIM, (W,), "a claim that briefing.md never cites"),
    Code(DOCUMENT_FIGURE_UNBACKED, (E,), "a sentence of briefing.md states a figure none of its claims' quotes gives"),
    Code(FIGURE_UNSOURCED, (W,), "a sentence of briefing.md states a figure and cites no claim", strict=True),
    Code(SHOW_UNKNOWN_CLAIM, (E,), "`briefing show` names no claim of the claims file"),
    Code(REVIEW_INVALID, (E,), "the file given to `check --reviewed` is not a reviewed-claims file"),
    Code(REVIEW_CHANGED, (W,), "a claim changed since a reviewer ticked it"),
    Code(REVIEW_UNREVIEWED, (W,), "no reviewer has ticked a claim"),
    Code(REVIEW_UNKNOWN_CLAIM, (W,), "a reviewed claim is no longer in the claims file"),
    Code(BUILD_UNVERIFIED, (E,), "the build was refused: the check failed"),
    Code(BUILD_RENDER_FAILED, (E,), "pandoc or WeasyPrint failed"),
    Code(BUILD_WRITE_FAILED, (E,), "an output file could not be written"),
    Code(BUILD_FETCH_REFUSED, (W,), "the renderer was refused a resource outside the project"),
    Code(BUILD_LAYOUT, (W,), "WeasyPrint reported a layout problem"),
    Code(BUILD_SOURCE_DATE_EPOCH, (W,), "SOURCE_DATE_EPOCH is not a number of seconds"),
    Code(BUILD_UNREADABLE, (E,), "the read-back could not read an output file"),
    Code(BUILD_FOOTNOTE_MISSING, (E,), "the read-back did not find a footnote"),
    Code(BUILD_FOOTNOTE_EXTRA, (E,), "the read-back found more footnotes than citations"),
    Code(BUILD_FOOTNOTE_MOVED, (W,), "a footnote is not on the page of its call"),
    Code(BUILD_QUOTE_ALTERED, (E,), "a footnote does not print its quote as verified"),
    Code(BUILD_CAUTION_MISSING, (E,), "a footnote does not say what the author inserted or omitted"),
    Code(BUILD_DRAFT_STAMP_MISSING, (E,), "a draft lacks its DRAFT page header"),
    Code(BUILD_UNSAFE_CONTENT, (E,), "an output file embeds files, images or links it should not"),
    Code(BUILD_EVIDENCE_ALTERED, (E,), "a PDF's embedded evidence is missing or not the file that was checked"),
    Code(BUILD_MARKING_MISSING, (E,), "a page, header, footer or banner lacks the house marking"),
    Code(AUDIT_UNUSABLE, (E,), "`briefing audit` was given a file that is no briefing PDF with its evidence"),
    Code(AUDIT_SOURCE_MISSING, (E,), "no file has the SHA-256 the PDF's sources.lock gives a source"),
    Code(AUDIT_SOURCE_CHANGED, (E, W), "a source's file is there, but its bytes differ from the PDF's sources.lock"),
    Code(AUDIT_CLAIM_FAILED, (E,), "a note's quote no longer verifies against its source"),
    Code(AUDIT_QUOTE_ALTERED, (E,), "a note does not print the quote the PDF's claims.yaml gives"),
)}
# The warnings `--strict` makes errors, in the table's order.
STRICT_CODES = tuple(code for code, entry in CODES.items() if entry.strict)
