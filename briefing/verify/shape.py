"""Quotes refused for their shape, and quotes that miss only at an edge, explained (pure).

Issue 15. Three things a plain substring search let through:

- §1 a quote too short to show what the source says ("613", "a", "."): refused before it is
  looked for (`quote.too-short`), whatever the source holds;
- §1 a quote found only as a piece of a word or number ("613" in "1,613"): not verified; the
  source's whole word or number is shown as the nearest passage, with where the quote cuts it;
- §5 a quote that reproduces a line-end hyphen of the source's layout ("com- posed" for
  "com-⏎posed"): found as the text stands, but the quote then prints a broken word. Refused
  (`quote.line-end-hyphen`), naming the word as the source prints it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from briefing.diagnostics import QUOTE_LINE_END_HYPHEN, QUOTE_TOO_SHORT, Diagnostic, Location
from briefing.models import CitationResult, ClaimResult, Nearest, Span, Status
from briefing.settings import Settings
from briefing.text import NormalisedText, fold
from briefing.verify.alignment import edit_distance
from briefing.verify.diff import word_changes
from briefing.verify.edges import Cut, cuts, is_word
from briefing.verify.edits import parse_edits
from briefing.verify.hyphenation import breaks
from briefing.verify.match import QuoteMatch, find_quote
from briefing.verify.pins import page_of
from briefing.verify.quote import ParsedQuote, parsed, split_elisions

TOO_SHORT, LINE_END_HYPHEN = QUOTE_TOO_SHORT, QUOTE_LINE_END_HYPHEN
CODES = (TOO_SHORT, LINE_END_HYPHEN)
HINTS = {
    TOO_SHORT: "quote enough of the passage to show what the source says of it (at least {words} words, "
               "or one word of {letters} letters or more)",
    LINE_END_HYPHEN: "write the word as the source prints it: a line end of its layout is not part of its text",
}

# A word or number of a quote: letters and digits, with separators inside a number ("1,613").
_WORD = re.compile(r"[^\W_]+(?:[,.'\u00a0\u202f\u2009][^\W_]+)*")
# Scripts written without spaces: each character counts as a word.
_UNSPACED = re.compile("[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf\u3040-\u31ff"
                       "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]")


# --- too short -----------------------------------------------------------------


def too_short(quote: str, settings: Settings) -> bool:
    """Whether a quote is too short to show anything: fewer than `quote_min_words` words and
    no word of `quote_min_letters` letters (a lone number, a letter, a mark). Elision marks
    are not words, and brackets join what they split ("[T]he" is one word)."""
    # A run of as many ASCII letters lies inside one word whatever the marks and brackets (they
    # hold no letter): the quote is long enough (issue 19: 10,000 quotes, 0.07 s).
    if settings.quote_min_letters > 0 and _letter_run(settings.quote_min_letters).search(quote):
        return False
    return _short(" ".join(split_elisions(quote)).replace("[", "").replace("]", ""), settings)


@functools.lru_cache(maxsize=8)
def _letter_run(letters: int) -> re.Pattern[str]:
    return re.compile(f"[A-Za-z]{{{letters}}}")


def too_short_as_edited(quote: str, settings: Settings) -> bool:
    """Whether a quote matched as edited is too short once its insertions, which are not the
    source's words, are left out ("[The minister] said" holds one word of the source's)."""
    edited = parse_edits(quote)
    return edited is not None and _short(" ".join(edited.pieces), settings)


def _short(text: str, settings: Settings) -> bool:
    words = _WORD.findall(text)
    count = len(words) + sum(len(_UNSPACED.findall(w)) - 1 for w in words if _UNSPACED.search(w))
    return count < settings.quote_min_words and not any(
        sum(c.isalpha() for c in w) >= settings.quote_min_letters for w in words)


def too_short_problem(quote: str) -> str:
    return f"the quote {_q(quote)} is too short to show what the source says"


# --- cut at an edge --------------------------------------------------------------


@dataclass(frozen=True)
class EdgeMiss:
    """A quote found only where a part begins or ends inside a word or number of the source."""

    nearest: Nearest  # the part with the whole words or numbers it cuts
    problem: str  # e.g. 'the source has “1,613”; the quote starts inside that number'


def edge_miss(quote: str | ParsedQuote, folded: NormalisedText, max_gap: int) -> EdgeMiss | None:
    """Why an elided or edited `quote` failed, when it would match but for a word or number
    edge; else None. (The search itself meets where a plain quote is cut: `Matched.cut`.)"""
    quote = parsed(quote)
    if not (quote.elided or quote.edits):
        return None
    match = find_quote(quote, folded, max_gap, edges=False)
    return explain_cut(folded, match) if match is not None else None


def explain_cut(folded: NormalisedText, match: QuoteMatch) -> EdgeMiss | None:
    """The whole words or numbers a match made without edges cuts, as a nearest passage."""
    for (start, end), part in zip(match.ranges, match.parts):
        found = cuts(folded, start, end)
        if not found:
            continue
        low, high = min(start, *(c.start for c in found)), max(end, *(c.end for c in found))
        span = folded.original_span(low, high)
        passage = folded.original[span.start:span.end]
        distance = edit_distance(fold(part).strip(), fold(passage).strip())
        length = max(1, len(fold(part).strip()))
        nearest = Nearest(span, passage, distance, max(0.0, 1 - distance / length), word_changes(part, passage))
        who = "the quote" if len(match.parts) == 1 else f"the part {_q(part)}"
        return EdgeMiss(nearest, _describe_cuts(folded, found, who))
    return None


def missed(result: CitationResult, miss: EdgeMiss, line: int, page_starts: Sequence[int]) -> CitationResult:
    """`result` as a quote found only inside a word or number: misquoted, with the whole of it."""
    page = page_of(page_starts, miss.nearest.span.start) if page_starts else 0
    return replace(result, status=Status.MISQUOTED, nearest=miss.nearest, nearest_line=line, nearest_page=page,
                   problem=miss.problem)


def _describe_cuts(folded: NormalisedText, found: Sequence[Cut], who: str) -> str:
    if len(found) == 2 and (found[0].start, found[0].end) == (found[1].start, found[1].end):
        found = [Cut("starts and ends", found[0].start, found[0].end)]
    said = []
    for cut in found:
        span = folded.original_span(cut.start, cut.end)
        # A word broken at a line end is shown with the break: "man-⏎agement".
        token = re.sub(r"[ \t]*\n\s*", "\u23ce", folded.original[span.start:span.end])
        said.append(f"the source has {_q(token)}; {who} {cut.side} inside that {cut.kind(folded.text)}")
    return "; ".join(said)


# --- a line-end hyphen pasted --------------------------------------------------------


@dataclass(frozen=True)
class PastedBreak:
    """A word the source breaks at a line end, which a quote copies with its layout."""

    start: int  # the word's span in the source's text
    end: int
    layout: str  # as the quote has it (folded): "com- posed"
    word: str  # as the source prints it: "composed", or "well-known" for a hyphen of its own
    other: str = ""  # the other reading, when the source does not tell which it is


def pasted_breaks(text: str, folded: NormalisedText, match: QuoteMatch) -> list[PastedBreak]:
    """Line-end hyphens inside a match that was made as the text stands (not through a reading
    of them, `hyphenation`): the quote has the hyphen and line break as spaces where the word is."""
    found: list[PastedBreak] = []
    for span in match.spans:
        for hit in breaks(text[span.start:span.end]):
            hyphen = span.start + hit.start()
            low = hyphen
            while low > 0 and is_word(text[low - 1]):
                low -= 1
            high = span.start + hit.end()
            while high < len(text) and is_word(text[high]):
                high += 1
            left, right = text[low:hyphen], text[span.start + hit.end():high]
            word, other = _reading(text[hyphen], left, right, folded.text)
            found.append(PastedBreak(low, high, fold(text[low:high]), word, other))
    return found


def _reading(hyphen: str, left: str, right: str, folded: str) -> tuple[str, str]:
    """The word as the source prints it, and the other reading when the source does not tell.

    A soft hyphen is never the word's own. Otherwise the source is its own dictionary: the
    word written elsewhere in it, with or without the hyphen. Failing that, U+2010 is the
    hyphen that hyphenation prints (WeasyPrint's `hyphens: auto`, beside a typed "-" in
    "evidence-⏎based"), and a capital after the break ("Nagorno-⏎Karabakh") starts a word of
    its own. Failing these, both readings are named.
    """
    joined, kept = left + right, f"{left}-{right}"
    if hyphen == "\u00ad":
        return joined, ""
    with_hyphen, without = _occurs(kept, folded), _occurs(joined, folded)
    if with_hyphen != without:
        return (kept, "") if with_hyphen else (joined, "")
    if hyphen == "\u2010":
        return joined, ""
    if right[:1].isupper():
        return kept, ""
    return joined, kept


def _occurs(word: str, folded: str) -> bool:
    """Whether `word` is written as a whole word in the folded text (any case)."""
    return re.search(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", folded, re.IGNORECASE) is not None


def pasted_problem(found: Sequence[PastedBreak]) -> str:
    said = []
    for pasted in found:
        word = _q(pasted.word)
        if pasted.other:
            word += f" (or {_q(pasted.other)}: the source does not tell whether the hyphen is the word's own)"
        said.append(f"the quote has {_q(pasted.layout)}, a line-end hyphen pasted from the source's layout; "
                    f"the source prints the word as {word}")
    return "; ".join(said)


def refuse_pasted(text: str, folded: NormalisedText, result: CitationResult, match: QuoteMatch,
                  page_starts: Sequence[int]) -> CitationResult:
    """`result` (verified by `match`, made as the text stands) refused when its quote copies a
    line-end hyphen of the source's layout; else `result` as it is."""
    found = pasted_breaks(text, folded, match)
    if not found:
        return result
    k = next(k for k, span in enumerate(match.spans) if any(span.start <= p.start < span.end for p in found))
    part = match.parts[k] if match.parts else result.citation.quote
    nearest = _pasted_nearest(text, match.spans[k], found, part)
    return replace(result, status=Status.MISQUOTED, nearest=nearest, nearest_line=result.lines[k],
                   nearest_page=page_of(page_starts, nearest.span.start) if page_starts else 0,
                   problem=pasted_problem(found), code=LINE_END_HYPHEN)


def _pasted_nearest(text: str, span: Span, found: Sequence[PastedBreak], quote: str) -> Nearest:
    """The matched passage as the source prints it: each broken word whole."""
    pieces, at = [], span.start
    for pasted in sorted(found, key=lambda p: p.start):
        if span.start <= pasted.start and pasted.end <= span.end:
            pieces += [text[at:pasted.start], pasted.word]
            at = pasted.end
    passage = "".join(pieces) + text[at:span.end]
    q = fold(quote).strip()
    distance = edit_distance(q, fold(passage).strip())
    return Nearest(span, passage, distance, max(0.0, 1 - distance / max(1, len(q))), word_changes(quote, passage))


# --- diagnostics ---------------------------------------------------------------------


def shape_errors(claims_path: str, result: ClaimResult, settings: Settings) -> list[Diagnostic]:
    """An error for each citation of a claim refused for its shape, at its quote."""
    errors: list[Diagnostic] = []
    for item in result.citations:
        if item.code in CODES and item.status is not Status.VERIFIED:
            errors.append(Diagnostic(
                item.code, f"claim '{result.claim.id}', quote from '{item.citation.source}': {item.problem}",
                Location(claims_path, item.citation.line, item.citation.col),
                HINTS[item.code].format(words=settings.quote_min_words, letters=settings.quote_min_letters)))
    return errors


def _q(text: str) -> str:
    return f"\u201c{' '.join(text.split())}\u201d"
