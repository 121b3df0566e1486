"""What a verified quote's elisions and insertions may turn in its meaning (pure, no I/O).

Issue 7 warned on an elision that hides a negation, a qualifier or a figure, on kept parts far
apart, and on an insertion that stands in for such words. Issue 15 §4 adds three ways an edit
passed `--strict` while it turned the meaning:

- `quote.insertion-adds`: the insertion holds a negation or qualifier that the source words it
  stands in for do not (`did [not] approve`, `613 civilians [were not killed]`), or a figure
  where the source has no words at all (`the [613] town`).
- `quote.insertion-replaces`: the insertion puts other words where the source names someone or
  something (`[The army] shelled the town` over "Rebels shelled the town"). A clarification
  replaces only pronouns, determiners, auxiliaries, prepositions and words that point by
  context (`[the Khojali]` for "this", `[Azerbaijan's]` for "its", `[in 2012]` for "last
  year"), or adds words where the source has none, or repeats the words it replaces.
- `quote.elision-spans-sentences`: the elision starts inside one sentence and omits its end, so
  the quote joins it to words of another ("The government [...] shelled the town." over "The
  government praised the volunteers. Rebels shelled the town."). An elision after a sentence's
  end (whole sentences left out, or the next one taken up in its middle) is not flagged.

What an insertion stands in for: between two kept parts, the source text between them. At the
start or end of a kept part with no elision between (`[The army] shelled`), the source's words
next to that part, up to the nearest comma, bracket, quotation mark, dash or sentence end and at
most as many words as the insertion has; and for negations the rest of that sentence
on that side ("Rebels, not the army, shelled": `[The army] shelled` hides "not").

Each finding is a `Caution`: a warning in the report (an error under `--strict`) and a statement
in the quote's footnote ("[not] inserted by the author", "omitted: “nothing”").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from briefing.diagnostics import (
    QUOTE_ELISION_FAR,
    QUOTE_ELISION_HIDES,
    QUOTE_ELISION_SPANS_SENTENCES,
    QUOTE_INSERTION_ADDS,
    QUOTE_INSERTION_HIDES,
    QUOTE_INSERTION_REPLACES,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import Alteration, Caution, CitationResult, ClaimResult, Source, Status
from briefing.verify.diff import is_invisible
from briefing.verify.edits import ELISION_FAR, hidden_words, parse_edits, qualifier_key, qualifiers
from briefing.verify.figures import find_figures, find_tokens
from briefing.verify.sentences import sentence_ends

HIDES, FAR, INSERTION_HIDES = QUOTE_ELISION_HIDES, QUOTE_ELISION_FAR, QUOTE_INSERTION_HIDES
INSERTION_ADDS, INSERTION_REPLACES = QUOTE_INSERTION_ADDS, QUOTE_INSERTION_REPLACES
SPANS_SENTENCES = QUOTE_ELISION_SPANS_SENTENCES
CODES = (HIDES, FAR, INSERTION_HIDES, INSERTION_ADDS, INSERTION_REPLACES, SPANS_SENTENCES)

# Words an insertion may replace and still be a clarification (issue 15 §4): they refer by
# context, so naming what they refer to changes no one's part in the sentence.
CLARIFIABLE = frozenset((
    "a an the this that these those such same former latter aforementioned "
    "it its itself he him his himself she her hers herself they them their theirs themselves "
    "we us our ours ourselves you your yours yourself i me my mine who whom whose which what "
    "one ones here there then now today yesterday tomorrow tonight ago last next earlier later "
    "day days week weeks month months year years "
    "be is are was were been being am has have had having do does did will would shall should "
    "can could may might must of in on at to for by with from as into and or also").split())

_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")
# Where the words an edge insertion stands in for stop: a clause or sentence mark, or a blank line.
_CLAUSE_MARK = re.compile(r"[,;:()\[\]\"\u201c\u201d\u00ab\u00bb\u2014\u2013.!?\u2026]|\n[ \t\u00a0\r]*\n")
_SENTENCE_MARK = re.compile(r"[.!?\u2026]|\n[ \t\u00a0\r]*\n")
# Pieces of a word that turn it around, which an insertion may glue on: "[un]lawful", "care[less]".
NEGATING_PREFIXES = frozenset({"un", "in", "im", "il", "ir", "dis", "non", "an", "anti", "mis", "counter"})
NEGATING_SUFFIXES = frozenset({"less", "n't", "n\u2019t", "not"})
_GLUED = re.compile(r"(?P<before>[^\W\d_]?)(?P<mark>\[[^\[\]]+\])(?P<after>[^\W\d_]?)")
_REACH = 240  # characters read beside a kept part for what an edge insertion stands in for
_SHOWN = 80  # characters of omitted text a message shows, the middle cut beyond that


def citation_cautions(item: CitationResult, source: Source) -> tuple[Caution, ...]:
    """What each elision and insertion of a verified quote may change, in quote order."""
    if item.status is not Status.VERIFIED or not (item.gaps or item.alterations):
        return ()  # (no elision, no insertion: most quotes)
    found: list[Caution] = []
    for i, kind in enumerate(item.gaps):
        if kind == "elision" and i + 1 < len(item.spans):
            found += _elision_cautions(item, source, i)
    found += _insertion_cautions(item, source)
    return tuple(found)


def with_cautions(result: ClaimResult, sources: Mapping[str, Source]) -> ClaimResult:
    """The claim's result with each verified citation's cautions attached."""
    found = [citation_cautions(item, sources[item.citation.source]) if item.citation.source in sources else ()
             for item in result.citations]
    if not any(found):
        return result
    return replace(result, citations=tuple(replace(item, cautions=cautions) if cautions else item
                                           for item, cautions in zip(result.citations, found)))


def caution_warnings(claims_path: str, result: ClaimResult) -> list[Diagnostic]:
    """One warning per caution of the claim's citations (`--strict` makes them errors)."""
    return [Diagnostic(caution.code, f"claim '{result.claim.id}', quote from '{item.citation.source}': "
                       f"{caution.message}", Location(claims_path, item.citation.line, item.citation.col),
                       caution.hint, Severity.WARNING)
            for item in result.citations for caution in item.cautions]


def quote_warnings(claims_path: str, result: ClaimResult, sources: Mapping[str, Source]) -> list[Diagnostic]:
    """Warnings for each verified citation of a claim: hidden words, distant parts, loaded insertions."""
    return caution_warnings(claims_path, with_cautions(result, sources))


# --- elisions --------------------------------------------------------------------


def _elision_cautions(item: CitationResult, source: Source, i: int) -> list[Caution]:
    start, end = item.spans[i].end, item.spans[i + 1].start
    omitted = source.text[start:end]
    lines = f"line {item.lines[i]}" if item.lines[i] == item.lines[i + 1] else \
        f"lines {item.lines[i]}\u2013{item.lines[i + 1]}"
    words = hidden_words(omitted)
    joins = joins_sentences(source.text, start, end)
    far = len(omitted) > ELISION_FAR
    statement = _omission(words, _shown(omitted) if joins else "", len(omitted) if far else 0)
    found: list[Caution] = []
    if words:
        found.append(Caution(
            HIDES, f"the omitted text ({lines}) contains {_listed(words)}",
            "quote the omitted words too, or make sure the claim does not turn on them", statement))
    if joins:
        found.append(Caution(
            SPANS_SENTENCES, f"the elision ({lines}) joins two sentences: the part before it stops "
            f"mid-sentence, and the omitted text \u201c{_shown(omitted)}\u201d runs past that sentence's end",
            "end the quoted part where its sentence ends, or quote each sentence in its own citation",
            statement))
    if far:
        found.append(Caution(
            FAR, f"the kept parts are {len(omitted):,} characters apart ({lines}; more than {ELISION_FAR})",
            "quote each passage in its own citation, or make sure they belong together", statement))
    return found


def _omission(words: Sequence[str], across: str, far: int) -> str:
    """One statement for the footnote about one elision: what it hides, whether it crosses a
    sentence end, how much it leaves out ("omitted: “nothing”, across a sentence end (“…”)")."""
    if words:
        statement = f"omitted: {_listed(words)}" + (f", across a sentence end (\u201c{across}\u201d)"
                                                    if across else "")
    elif across:
        statement = f"omitted across a sentence end: \u201c{across}\u201d"
    else:
        return f"omitted: {far:,} characters between the quoted parts" if far else ""
    return statement + (f"; {far:,} characters left out" if far else "")


def joins_sentences(text: str, start: int, end: int) -> bool:
    """Does the elision over text[start:end] start inside a sentence and omit its end?

    The kept part before it ends its sentence when the first sentence end in the omitted text
    comes before any letter or digit of it ("genocide" + ". The resolution"), or the kept part
    itself closes with one ("genocide." + " The resolution").
    """
    ends = sentence_ends(text, start, end)
    if not ends:
        return False
    first = ends[0]
    return any(c.isalnum() for c in text[start:max(start, first.start)])


def _printable(text: str) -> str:
    """Source text for a message or a note: an invisible character (a bidi override that would
    reorder the line) is named, never printed."""
    return "".join(f"<U+{ord(c):04X}>" if is_invisible(c) and not c.isspace() else c for c in text)


def _shown(omitted: str) -> str:
    """The omitted text on one line; past _SHOWN characters, its first and last words around "…"."""
    words = _printable(omitted).split()
    if len(" ".join(words)) <= _SHOWN:
        return " ".join(words)
    head: list[str] = []
    tail: list[str] = []
    while len(" ".join(head + [words[len(head)]])) <= _SHOWN // 2:
        head.append(words[len(head)])
    while len(" ".join([words[-1 - len(tail)]] + tail)) <= _SHOWN // 2:
        tail.insert(0, words[-1 - len(tail)])
    return " ".join([*head, "\u2026", *tail])


# --- insertions ------------------------------------------------------------------


def _insertion_cautions(item: CitationResult, source: Source) -> list[Caution]:
    if not any(a.kind == "insertion" for a in item.alterations):
        return []
    edited = parse_edits(item.citation.quote)
    # The match read the quote with these marks, one span per piece; anything else (a quote
    # matched some other way) is read from the alterations alone.
    aligned = (edited is not None and edited.alterations == tuple(
        Alteration(a.kind, a.text) if a.kind == "insertion" else a for a in item.alterations)
        and len(edited.pieces) == len(item.spans))
    found: list[Caution] = []
    for k, alteration in enumerate(item.alterations):
        if alteration.kind != "insertion":
            continue
        exact = not aligned or edited.at_joint[k] >= 0  # type: ignore[union-attr]
        glued = alteration.text in _glued(item.citation.quote)
        if exact or glued:  # a piece glued onto a word stands in for nothing beside it
            stands, around = alteration.source, alteration.source
        else:
            stands, around = _edge(source.text, item, edited.beside[k], alteration)  # type: ignore[union-attr]
        found += _judge_insertion(alteration.text, stands, around, exact or glued,
                                  alteration.text in _glued(item.citation.quote, negating=True))
    return found


def _glued(quote: str, negating: bool = False) -> set[str]:
    """Insertions glued to a word (`negating`: those that turn it around, "[un]lawful",
    "care[less]", "did[n't]")."""
    found: set[str] = set()
    for mark in _GLUED.finditer(quote):
        piece = _inner(mark["mark"]).strip().lower().strip("-")
        if not negating and (mark["after"] or mark["before"]):
            found.add(mark["mark"])
        elif (mark["after"] and piece in NEGATING_PREFIXES) or (mark["before"] and piece in NEGATING_SUFFIXES):
            found.add(mark["mark"])
    return found


def _edge(text: str, item: CitationResult, beside: tuple[int, int], alteration: Alteration) -> tuple[str, str]:
    """For an insertion at the edge of a kept part: the source words it stands in for, and the
    rest of their sentence on that side (where a hidden negation would be)."""
    before_piece, after_piece = beside
    limit = max(1, len(_WORD.findall(_inner(alteration.text))))
    if after_piece >= 0:  # "[The army] shelled": the words before "shelled"
        offset = item.spans[after_piece].start
        side = text[max(0, offset - _REACH):offset]
        clause = _CLAUSE_MARK.split(side)[-1]
        sentence = _SENTENCE_MARK.split(side)[-1]
        return " ".join(_WORD.findall(clause)[-limit:]), " ".join(sentence.split())
    if before_piece >= 0:  # "613 civilians [were not killed]": the words after "civilians"
        offset = item.spans[before_piece].end
        side = text[offset:offset + _REACH]
        clause = _CLAUSE_MARK.split(side)[0]
        sentence = _SENTENCE_MARK.split(side)[0]
        return " ".join(_WORD.findall(clause)[:limit]), " ".join(sentence.split())
    return "", ""


def _judge_insertion(text: str, stands: str, around: str, exact: bool, negates: bool) -> list[Caution]:
    """Cautions for one insertion: what it hides, what negation it adds (`negates`: it is glued to
    a word as a prefix or suffix that turns it around), whom it replaces or adds."""
    inner = _inner(text)
    stands, around = _printable(stands), _printable(around)
    kept = {qualifier_key(q) for q in qualifiers(inner)}
    found: list[Caution] = []
    hidden = [w for w in hidden_words(around) if qualifier_key(w) not in kept
              and (exact or not _is_figure(w)) and w not in inner]
    where = "stands in for" if exact else "stands where the source has"
    statement = f"{text} inserted by the author" + (f" in place of \u201c{stands}\u201d" if stands else "")
    if hidden:
        found.append(Caution(
            INSERTION_HIDES, f"\u201c{text}\u201d {where} \u201c{around}\u201d, which contains {_listed(hidden)}",
            "quote the source's own words, or make sure the insertion keeps their meaning", statement, text))
    stated = {qualifier_key(q) for q in qualifiers(stands)}
    added = [q for q in dict.fromkeys(qualifiers(inner)) if qualifier_key(q) not in stated]
    if negates and inner.strip() not in added:
        added.append(inner.strip())
    if not stands:  # a figure where the source has no words ("the [613] town") is the author's alone
        added += [w for w in hidden_words(inner) if _is_figure(w) and w not in added]
    if added:
        has = f" (it has \u201c{stands}\u201d)" if stands else ""
        found.append(Caution(
            INSERTION_ADDS, f"the insertion \u201c{text}\u201d adds {_listed(added)}, which the source does "
            f"not have there{has}",
            "a negation, qualifier or figure must be the source's own words: quote them, or say it in the "
            "claim's text",
            statement, text))
    # Where the source names someone or something, the insertion keeps to those words: it may
    # neither put others in their place nor add others beside them ("[Rebels and the army]").
    named = _content_words(stands)
    inserted = {_stem(v) for v in _WORD.findall(inner)}
    replaced = [w for w in named if _stem(w) not in inserted]
    extra = [w for w in _content_words(inner) if _stem(w) not in {_stem(v) for v in named}] if named else []
    if replaced or extra:
        which = (f", adding {_listed(extra)}" if not replaced else
                 "" if len(replaced) == len(_WORD.findall(stands)) else f", replacing {_listed(replaced)}")
        found.append(Caution(
            INSERTION_REPLACES, f"the insertion \u201c{text}\u201d {where} \u201c{stands}\u201d{which}: an "
            "insertion may name what a word such as \u201cit\u201d or \u201cthis\u201d refers to, not put "
            "other words in the source's place",
            "quote the source's own words, and say who or what it means in the claim's text", statement, text))
    return found


def _content_words(text: str) -> list[str]:
    """Words that name someone or something: not CLARIFIABLE, not negations or qualifiers."""
    loaded = {qualifier_key(q) for q in qualifiers(text)}
    return [w for w in _WORD.findall(text) if w.lower() not in CLARIFIABLE and qualifier_key(w) not in loaded]


def _stem(word: str) -> str:
    """Lower case without a possessive or plural ending: "Rebels'", "rebel" and "rebel's" agree."""
    word = re.sub(r"['\u2019\u02bc]s?$", "", word.lower())
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _inner(text: str) -> str:
    return text.strip()[1:-1] if text.strip().startswith("[") else text


def _is_figure(word: str) -> bool:
    return bool(find_figures(word) or find_tokens(word))


def _listed(words: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"\u201c{w}\u201d" for w in words[:limit])
    return shown + (f" and {len(words) - limit} more" if len(words) > limit else "")
