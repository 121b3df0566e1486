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

What an elision hides or an insertion adds (negations and qualifiers, `QUALIFIERS`, and
contractions such as "didn't"; figures) is read here; the warnings they give are `cautions`'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.models import Alteration
from briefing.verify.figures import find_figures, find_tokens
from briefing.verify.trie import trie_pattern

# Decisions (issue 7), pinned by tests/test_edits.py:
# - An inserted clarification may stand in for at most this many characters of source text
#   (folded): a pronoun or a short name, not a sentence. Anything longer is no longer a
#   clarification but an elision, and should be written as one.
INSERTION_MAX_GAP = 80
# - Kept parts further apart than this (characters of source text between them) get a
#   warning: about a paragraph, well inside the 1,500-character bound an elision may span.
ELISION_FAR = 300
# - Words whose omission (or insertion) can turn a statement around: negations, denials,
#   hedges and qualifiers (issue 7; issue 15 §4 added the denials, hedges and the like). Phrases
#   match with any white space between their words. Chosen so that each one, left out, can make a
#   sentence say another thing ("had nothing to do with", "denied", "allegedly", "the first"),
#   and not so common in neutral prose that every elision would be flagged: "may" (also a
#   month), "claimed", "about" and "over" are left out.
QUALIFIERS = (
    # negations
    "not", "no", "never", "nor", "neither", "none", "nothing", "nobody", "no one", "nowhere",
    "cannot", "without", "hardly", "barely", "scarcely",
    # exceptions and contrasts
    "except", "unless", "only", "but", "however", "although", "though", "nonetheless",
    "nevertheless",
    # denials, refusals and failures
    "deny", "denies", "denied", "denying", "denial", "refuse", "refuses", "refused", "refusing",
    "refusal", "reject", "rejects", "rejected", "rejecting", "refute", "refutes", "refuted",
    "false", "falsely", "untrue", "unfounded", "baseless", "fail to", "fails to", "failed to",
    "failing to", "lack of", "lack", "lacks", "lacked", "lacking",
    # hedges and doubt
    "alleged", "allegedly", "reportedly", "purportedly", "supposedly", "so-called",
    "unconfirmed", "unverified", "disputed", "possibly", "perhaps", "probably",
    "unlikely", "improbable", "impossible", "doubt", "doubts", "doubted", "doubtful",
    # certainty, whose insertion asserts more than the source ("[undisputed]")
    "undisputed", "indisputably", "undeniable", "undeniably", "unquestionably", "certainly",
    "definitely",
    # quantity and order
    "few", "fewer", "almost", "nearly", "first",
)
# Contractions of "not" as typed without their apostrophe ("didnt"); with one (', ’, ʼ, `) the
# pattern below reads any "...n't".
_BARE_CONTRACTIONS = ("dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "hasnt",
                      "havent", "hadnt", "wont", "wouldnt", "cant", "couldnt", "shouldnt",
                      "mustnt", "neednt", "mightnt", "shant", "aint")
_APOSTROPHES = "'\u2019\u02bc`\u2018"

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


def _word_rest(text: str, at: int) -> str:
    """The letters from `at` on; none is a match too (the pattern takes the empty string)."""
    rest = _WORD_REST.match(text, at)
    return rest.group() if rest else ""


# "No." before a number is an abbreviation ("Resolution No. 48"), not a negation.
_QUALIFIER = re.compile(
    r"\b(?:" + trie_pattern([q for q in (*QUALIFIERS, *_BARE_CONTRACTIONS) if q != "no"])
    + r"|no(?!\.\s*\d))\b"
    rf"|\b[^\W\d_]+n[{_APOSTROPHES}]t\b", re.IGNORECASE)


def qualifier_key(word: str) -> str:
    """One spelling per qualifier, so "didn't" in a source and "[did not]" in a quote compare equal."""
    key = " ".join(word.lower().split())
    if key == "cannot" or key in _BARE_CONTRACTIONS or re.fullmatch(rf"\w*n[{_APOSTROPHES}]t", key):
        return "not"
    return key


def qualifiers(text: str) -> list[str]:
    """The negations and qualifiers in `text` as written, in order."""
    return [m.group() for m in _QUALIFIER.finditer(text)]


@dataclass(frozen=True)
class EditedQuote:
    """A quote read with its editorial marks: the pieces to find, in order, and what was changed."""

    pieces: tuple[str, ...]  # raw text to find: case changes applied, [sic] and emphasis removed
    joints: tuple[str, ...]  # between consecutive pieces: "elision" or "insertion"
    alterations: tuple[Alteration, ...]  # in quote order
    # For each alteration: the joint an insertion stands at, or -1 (not an insertion, or at an end).
    at_joint: tuple[int, ...]
    # For each alteration: the pieces an insertion touches with no elision between, (before,
    # after), -1 for none: "[The army] shelled" touches piece 0 after it (issue 15 §4).
    beside: tuple[tuple[int, int], ...] = ()


def parse_edits(quote: str) -> EditedQuote | None:
    """The quote's editorial reading, or None when it marks no alteration (elisions aside)."""
    pieces: list[str] = []
    joints: list[str] = []
    alterations: list[Alteration] = []
    at_joint: list[int] = []
    beside: list[tuple[int, int]] = []
    current: list[str] = []
    pending: str | None = None  # a joint waiting for the next non-empty piece
    waiting: list[int] = []  # insertions waiting for that joint
    touching = -1  # the last piece, while no elision mark has followed it

    def close(joint: str) -> None:
        nonlocal pending, current, waiting, touching
        piece = "".join(current)
        current = []
        if piece.strip():
            if pieces and pending:
                joints.append(pending)
                if pending == "insertion":  # beside an elision, what it stands for is unknown
                    for i in waiting:
                        at_joint[i] = len(joints) - 1
            pieces.append(piece)
            for i in waiting:
                beside[i] = (beside[i][0], len(pieces) - 1)
            waiting = []
            pending = joint
            touching = len(pieces) - 1
        elif pieces:  # two marks with nothing between: an elision wins over an insertion
            pending = "elision" if "elision" in (pending, joint) else joint
        else:
            pending = joint
        if joint == "elision":  # an insertion does not touch a piece across an elision
            waiting, touching = [], -1

    def insertion(text: str) -> None:
        close("insertion")
        waiting.append(len(alterations))
        alterations.append(Alteration("insertion", text))
        at_joint.append(-1)
        beside.append((touching, -1))

    def other(alteration: Alteration) -> None:
        alterations.append(alteration)
        at_joint.append(-1)
        beside.append((-1, -1))

    position = 0
    for mark in _MARKS.finditer(quote):
        current.append(quote[position:mark.start()])
        position = mark.end()
        kind, text = mark.lastgroup, mark.group()
        if kind == "elision":
            close("elision")
        elif kind == "emphasis":
            other(Alteration("emphasis", text.strip()))
        elif kind == "sic":
            word = _LAST_WORD.search("".join(current).rstrip())
            if word is None:  # nothing before it to vouch for: read it as an insertion
                insertion(text)
            else:  # dropped with the space before it, so no whitespace fold is needed
                current = ["".join(current).rstrip()]
                other(Alteration("sic", f"{word.group()} {text}", word.group()))
        elif kind == "case":
            letter = text[1]
            swapped = letter.swapcase()
            if len(swapped) != 1 or swapped == letter:  # an uncased letter: an insertion
                insertion(text)
                continue
            rest = _word_rest(quote, position)
            current.append(swapped)
            other(Alteration("case", text + rest, swapped + rest))
        else:
            insertion(text)
    current.append(quote[position:])
    close("")
    if not alterations or not pieces:
        return None
    return EditedQuote(tuple(pieces), tuple(joints), tuple(alterations), tuple(at_joint), tuple(beside))


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
    # Number-like tokens that are not read as figures (a time, a date, a code) are hidden too.
    spans = sorted([(f.start, f.end) for f in find_figures(text)] + [(t.start, t.end) for t in find_tokens(text)])
    for start, end in spans:
        if figures and text[figures[-1][1]:start] in (":", "-", "\u2013", "/"):
            figures[-1] = (figures[-1][0], end)
        else:
            figures.append((start, end))
    found += [(start, text[start:end]) for start, end in figures]
    seen: dict[str, None] = {}
    for _, word in sorted(found):
        seen.setdefault(" ".join(word.split()), None)
    return list(seen)
