"""Quotes edited the way editors mark them, and what an elision hides (pure, no I/O).

Issue 7. A quote that is not in its source as written may still be faithful when its changes
are marked by convention; each one is verified and listed, never silently accepted:

- `[T]he` / `[t]he`: the case of a word's first letter changed. The source must have that
  word with the other case, so the bracketed letter is searched for swapped.
- `[sic]` (or `[sic!]`): marks the source's own error. It is dropped, and the word before it
  must then occur in the source exactly as quoted, like any other quoted word.
- `[word or words]`: an inserted clarification. It is listed, not matched: the text on either
  side must occur in order in the source, at most `INSERTION_MAX_GAP` characters apart, and
  the source text the brackets stand in for (if any) is reported.
- `[emphasis added]`, `(emphasis added)` (also `mine`, `supplied`) at the very end: accepted
  and listed.

The match path (`match.find_quotes`) tries the quote literally first, then with its elisions,
and only then with these readings, so brackets that a source prints itself match as text.

What an elision hides: when the source text an elision leaves out holds a negation or
qualifier (`QUALIFIERS`, and contractions such as "didn't") or a figure, or when the kept parts
are more than `ELISION_FAR` characters apart, the citation gets a warning. So does an insertion
that stands in for such words. These never fail a claim; `check --strict` makes them errors.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.figures import find_figures
from briefing.models import (
    Alteration,
    CitationResult,
    ClaimResult,
    Diagnostic,
    Location,
    Severity,
    Source,
    Status,
)

# Decisions (issue 7), pinned by tests/test_edits.py:
# - An inserted clarification may stand in for at most this many characters of source text
#   (folded): a pronoun or a short name, not a sentence. Anything longer is no longer a
#   clarification but an elision, and should be written as one.
INSERTION_MAX_GAP = 80
# - Kept parts further apart than this (characters of source text between them) get a
#   warning: about a paragraph, well inside the 1,500-character bound an elision may span.
ELISION_FAR = 300
# - Words whose omission can turn a statement around: negations and qualifiers.
QUALIFIERS = ("not", "no", "never", "nor", "neither", "cannot", "without",
              "except", "unless", "only", "but", "however", "although", "though")

HIDES, FAR, INSERTION_HIDES = "quote.elision-hides", "quote.elision-far", "quote.insertion-hides"
CODES = (HIDES, FAR, INSERTION_HIDES)

_LETTER = r"[^\W\d_]"
_MARKS = re.compile(
    r"(?P<elision>\[(?:\.\.\.|…)\]|\.\.\.|…)"
    r"|(?P<emphasis>[\[(][ \t]*emphasis[ \t]+(?:added|mine|supplied)[ \t]*[\])]\s*$)"
    r"|(?P<sic>\[sic!?\])"
    rf"|(?P<case>(?<!{_LETTER})\[{_LETTER}\](?={_LETTER}))"
    r"|(?P<insertion>\[[^\[\]]+\])",
    re.IGNORECASE,
)
_WORD_REST = re.compile(rf"{_LETTER}*")
_LAST_WORD = re.compile(r"\S+$")
# "No." before a number is an abbreviation ("Resolution No. 48"), not a negation.
_QUALIFIER = re.compile(r"\b(?:" + "|".join(q for q in QUALIFIERS if q != "no") + r"|no(?!\.\s*\d))\b"
                        r"|\b[^\W\d_]+n['\u2019]t\b", re.IGNORECASE)


@dataclass(frozen=True)
class EditedQuote:
    """A quote read with its editorial marks: the pieces to find, in order, and what was changed."""

    pieces: tuple[str, ...]  # raw text to find: case changes applied, [sic] and emphasis removed
    joints: tuple[str, ...]  # between consecutive pieces: "elision" or "insertion"
    alterations: tuple[Alteration, ...]  # in quote order
    # For each alteration: the joint an insertion stands at, or -1 (not an insertion, or at an end).
    at_joint: tuple[int, ...]


def parse_edits(quote: str) -> EditedQuote | None:
    """The quote's editorial reading, or None when it marks no alteration (elisions aside)."""
    pieces: list[str] = []
    joints: list[str] = []
    alterations: list[Alteration] = []
    at_joint: list[int] = []
    current: list[str] = []
    pending: str | None = None  # a joint waiting for the next non-empty piece
    waiting: list[int] = []  # insertions waiting for that joint

    def close(joint: str) -> None:
        nonlocal pending, current, waiting
        piece = "".join(current)
        current = []
        if piece.strip():
            if pieces and pending:
                joints.append(pending)
                if pending == "insertion":  # beside an elision, what it stands for is unknown
                    for i in waiting:
                        at_joint[i] = len(joints) - 1
            pieces.append(piece)
            waiting = []
            pending = joint
        elif pieces:  # two marks with nothing between: an elision wins over an insertion
            pending = "elision" if "elision" in (pending, joint) else joint
        else:
            pending = joint

    def insertion(text: str) -> None:
        close("insertion")
        waiting.append(len(alterations))
        alterations.append(Alteration("insertion", text))
        at_joint.append(-1)

    position = 0
    for mark in _MARKS.finditer(quote):
        current.append(quote[position:mark.start()])
        position = mark.end()
        kind, text = mark.lastgroup, mark.group()
        if kind == "elision":
            close("elision")
        elif kind == "emphasis":
            alterations.append(Alteration("emphasis", text.strip()))
            at_joint.append(-1)
        elif kind == "sic":
            word = _LAST_WORD.search("".join(current).rstrip())
            if word is None:  # nothing before it to vouch for: read it as an insertion
                insertion(text)
            else:  # dropped with the space before it, so no whitespace fold is needed
                current = ["".join(current).rstrip()]
                alterations.append(Alteration("sic", f"{word.group()} {text}", word.group()))
                at_joint.append(-1)
        elif kind == "case":
            letter = text[1]
            swapped = letter.swapcase()
            if len(swapped) != 1 or swapped == letter:  # an uncased letter: an insertion
                insertion(text)
                continue
            rest = _WORD_REST.match(quote, position).group()
            current.append(swapped)
            alterations.append(Alteration("case", text + rest, swapped + rest))
            at_joint.append(-1)
        else:
            insertion(text)
    current.append(quote[position:])
    close("")
    if not alterations or not pieces:
        return None
    return EditedQuote(tuple(pieces), tuple(joints), tuple(alterations), tuple(at_joint))


def without_insertions(quote: str) -> str:
    """A quote as written, without its inserted clarifications ("[in 1992]")."""
    return _MARKS.sub(lambda mark: " " if mark.lastgroup == "insertion" else mark.group(), quote)


def describe(alteration: Alteration) -> str:
    """One line for the report: what was changed, and what the source has."""
    quoted = f"\u201c{alteration.text}\u201d"
    if alteration.kind == "case":
        return f"{quoted} for the source's \u201c{alteration.source}\u201d"
    if alteration.kind == "insertion":
        if alteration.source:
            return f"{quoted} inserted in place of \u201c{alteration.source}\u201d"
        return f"{quoted} inserted"
    if alteration.kind == "sic":
        return f"{quoted}: \u201c{alteration.source}\u201d as the source has it"
    return f"{quoted} accepted"


def brief(alteration: Alteration) -> str:
    """A few words for a footnote."""
    if alteration.kind == "case":
        return f"{alteration.text} for \u201c{alteration.source}\u201d"
    if alteration.kind == "insertion":
        return (f"{alteration.text} for \u201c{alteration.source}\u201d" if alteration.source
                else f"{alteration.text} added")
    if alteration.kind == "sic":
        return f"{alteration.text} as in the source"
    return alteration.text.strip("[]()")


# --- what an elision hides -------------------------------------------------------


def hidden_words(text: str) -> list[str]:
    """Negations, qualifiers and figures in `text`, each once, in order of appearance.

    Figures joined by a colon, dash or slash are shown as written ("19:10", "25-26").
    """
    found = [(m.start(), m.group()) for m in _QUALIFIER.finditer(text)]
    figures: list[tuple[int, int]] = []
    for f in find_figures(text):
        if figures and text[figures[-1][1]:f.start] in (":", "-", "\u2013", "/"):
            figures[-1] = (figures[-1][0], f.end)
        else:
            figures.append((f.start, f.end))
    found += [(start, text[start:end]) for start, end in figures]
    seen: dict[str, None] = {}
    for _, word in sorted(found):
        seen.setdefault(" ".join(word.split()), None)
    return list(seen)


def _listed(words: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"\u201c{w}\u201d" for w in words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")


def quote_warnings(claims_path: str, result: ClaimResult, sources: Mapping[str, Source]) -> list[Diagnostic]:
    """Warnings for each verified citation of a claim: hidden words, distant parts, loaded insertions."""
    warnings: list[Diagnostic] = []
    for item in result.citations:
        source = sources.get(item.citation.source)
        if item.status is not Status.VERIFIED or source is None:
            continue
        warnings += _citation_warnings(claims_path, result.claim.id, item, source)
    return warnings


def _citation_warnings(claims_path: str, claim_id: str, item: CitationResult,
                       source: Source) -> list[Diagnostic]:
    where = Location(claims_path, item.citation.line, item.citation.col)
    label = f"claim '{claim_id}', quote from '{item.citation.source}'"
    found: list[Diagnostic] = []
    for i, kind in enumerate(item.gaps):
        if kind != "elision" or i + 1 >= len(item.spans):
            continue
        start, end = item.spans[i].end, item.spans[i + 1].start
        omitted = source.text[start:end]
        lines = f"line {item.lines[i]}" if item.lines[i] == item.lines[i + 1] else \
            f"lines {item.lines[i]}\u2013{item.lines[i + 1]}"
        words = hidden_words(omitted)
        if words:
            found.append(Diagnostic(
                HIDES, f"{label}: the omitted text ({lines}) contains {_listed(words)}", where,
                "quote the omitted words too, or make sure the claim does not turn on them",
                Severity.WARNING))
        if len(omitted) > ELISION_FAR:
            found.append(Diagnostic(
                FAR, f"{label}: the kept parts are {len(omitted):,} characters apart ({lines}; "
                f"more than {ELISION_FAR})", where,
                "quote each passage in its own citation, or make sure they belong together",
                Severity.WARNING))
    for alteration in item.alterations:
        words = hidden_words(alteration.source) if alteration.kind == "insertion" else []
        if words:
            found.append(Diagnostic(
                INSERTION_HIDES, f"{label}: \u201c{alteration.text}\u201d stands in for "
                f"\u201c{alteration.source}\u201d, which contains {_listed(words)}", where,
                "quote the source's own words, or make sure the insertion keeps their meaning",
                Severity.WARNING))
    return found
