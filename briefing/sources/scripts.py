"""How a superscript or subscript joins the text around it: never into a number or a word (pure).

Issue 15 §5: `10<sup>6</sup>` was read "106" and a note mark after "in 1992." read "1992.3",
figures the page does not print; "says<sup>3</sup>" read "says3", so a quote ending "says"
ended inside a word. A browser raises the mark; plain text has no raised digits, so the mark is
set apart by a space wherever it would otherwise continue the word or number beside it. Two
cases join as the page shows them: an ordinal suffix after digits ("21<sup>st</sup>" is
"21st", "1<sup>er</sup>" is "1er"), and the exponent of a unit, written with Unicode
superscripts ("m<sup>2</sup>" is "m²", "s<sup>-1</sup>" is "s⁻¹"). A subscript is set apart
only from digits ("CO<sub>2</sub>" stays "CO2"; "10<sub>2</sub>" is "10 2").

The HTML reader applies this as it meets the tags; the PDF reader marks raised text with
OPEN/CLOSE while extracting and calls `resolve` on the page's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Noncharacters: Unicode promises they are never interchanged as text.
OPEN, CLOSE = "\ufdd0", "\ufdd1"

_ORDINALS = frozenset({"st", "nd", "rd", "th", "er", "re", "e", "ème", "eme"})
# Unit symbols whose exponent is printed raised: areas, volumes, rates ("t ha⁻¹", "m s⁻²").
_UNIT = re.compile("(?:^|(?<=[\\s\\d/·⋅(]))(?:[kcmdµμn]?m|ft|yd|mi|ha|[mµμn]?s|h|yr|[kmµμ]?g|t|mol|"
                   "[mµμ]?L|l|K|W|J|N|Pa)$")
_EXPONENT = re.compile("[-\u2212\u2010\u2011]?[0-9]")
_SUPERSCRIPT = str.maketrans("0123456789-\u2212\u2010\u2011", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁻⁻")
_SIGNS = "+-\u2212\u2010\u2011"


@dataclass(frozen=True)
class Placed:
    """A raised or lowered run as it goes into the text."""

    text: str
    space_before: bool  # set apart from the text before it
    letters: bool  # whether letters, not only digits, must be kept from joining it (superscripts)


def place(kind: str, content: str, before: str) -> Placed:
    """How `content` of a `sup` or `sub` goes after `before` (the text so far)."""
    letters = kind == "sup"
    if letters and before[-1:].isdigit() and content.lower() in _ORDINALS:
        return Placed(content, False, letters)
    if letters and _EXPONENT.fullmatch(content) and _UNIT.search(before):
        return Placed(content.translate(_SUPERSCRIPT), False, letters)
    return Placed(content, joins(before, content, letters), letters)


def joins(left: str, right: str, letters: bool) -> bool:
    """Whether `right` written straight after `left` would continue `left`'s number (or word,
    with `letters`): digit beside digit, a digit beside `.` or `,` beside a digit, or a sign
    before a digit ("10" then "-6" would read as the range "10-6")."""
    if not left or not right:
        return False
    a, b = left[-1], right[0]
    if b in _SIGNS and right[1:2].isdigit():
        b = right[1]
    if a.isdigit() and b.isdigit():
        return True
    if a in ".," and left[-2:-1].isdigit() and b.isdigit():
        return True
    if a.isdigit() and b in ".," and right[1:2].isdigit():
        return True
    return letters and a.isalnum() and b.isalnum()


def resolve(text: str) -> str:
    """Text with OPEN ... CLOSE around each raised run, as `place` sets the runs in it."""
    text = text.replace(CLOSE + OPEN, "")  # one mark drawn in two pieces is one run
    if OPEN not in text:
        return text.replace(CLOSE, "")
    out: list[str] = []
    tail = ""  # the end of the text so far: all `place` and `joins` look at
    guard: Placed | None = None  # the run just placed, which the next text must not join
    for piece in _RUN.split(text):
        if piece.startswith(OPEN):
            body = piece.strip(OPEN + CLOSE)
            content = body.strip()
            lead = body[: len(body) - len(body.lstrip())]
            placed = place("sup", content, tail + lead) if content else None
            if placed is not None:
                body = lead + (" " if placed.space_before else "") + placed.text + body[len(lead) + len(content):]
                guard = placed if body.endswith(placed.text) else None
        else:
            body = piece.replace(OPEN, "").replace(CLOSE, "")
            if guard is not None and joins(guard.text, body, guard.letters):
                body = " " + body
            guard = guard if not body else None
        out.append(body)
        tail = (tail + body)[-16:]
    return "".join(out)


_RUN = re.compile(f"({OPEN}[^{OPEN}{CLOSE}]*{CLOSE}?)")
