"""What `check` proves about `briefing.md` (pure): every cited id is a claim, every claim is
cited, the figures of each sentence that cites claims are backed by their quotes, and a figure
in a sentence that cites none is the author's own (issue 16).

A sentence's figures are read and backed exactly as a claim's text is (`verify.backing`), from
the source text its claims' verified quotes matched (`verify.judge.backing_texts`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefing.diagnostics import (
    DOCUMENT_FIGURE_UNBACKED,
    DOCUMENT_UNCITED_CLAIM,
    DOCUMENT_UNKNOWN_CLAIM,
    FIGURE_UNSOURCED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.document.positions import align, cite_marks, line_col
from briefing.document.prose import Sentence, document_cites, sentences
from briefing.models import ClaimResult, Figure, OwnFigure, Source, Token
from briefing.verify.backing import FigureCheck, check_figures
from briefing.verify.figure_tokens import shown
from briefing.verify.figures import find_figures
from briefing.verify.judge import backing_texts


@dataclass(frozen=True)
class DocumentCheck:
    diagnostics: tuple[Diagnostic, ...]
    own: tuple[OwnFigure, ...]  # figures marked `.own`, listed as exemptions
    names: frozenset[str]  # declared names the prose uses (so they are not reported unused)


def check_document(path: str, text: str, ast: Mapping[str, Any], results: Sequence[ClaimResult],
                   sources: Mapping[str, Source], names: Sequence[str] = (),
                   claims_path: str = "claims.yaml") -> DocumentCheck:
    """Check the document at `path` (its `text` and pandoc `ast`) against the checked claims."""
    by_id = {r.claim.id: r for r in results}
    groups = document_cites(ast)
    diagnostics = _unknown_ids(path, text, [g.ids for g in groups], by_id, claims_path)
    cited = {claim_id for group in groups for claim_id in group.ids}
    diagnostics += [Diagnostic(
        DOCUMENT_UNCITED_CLAIM, f"claim '{r.claim.id}' is never cited in {path}",
        Location(claims_path, r.claim.line, r.claim.col),
        f"cite it where the prose relies on it ([@{r.claim.id}]), or remove it", Severity.WARNING)
        for r in results if r.claim.id not in cited]
    own: list[OwnFigure] = []
    used: set[str] = set()
    for sentence in sentences(text, ast, groups):
        ids = list(dict.fromkeys(i for n in sentence.cites for i in groups[n].ids if i in by_id))
        if sentence.cites and not ids:
            continue  # it cites only ids that are no claims: that error is enough
        figures, found = _sentence_figures(path, sentence, [by_id[i] for i in ids], sources, names)
        diagnostics += found
        used.update(figures.named)
        own += _own_figures(path, sentence, figures)
    return DocumentCheck(tuple(diagnostics), tuple(own), frozenset(used))


def _own_figures(path: str, sentence: Sentence, figures: FigureCheck) -> list[OwnFigure]:
    """Each `.own` span that exempts a figure, as written, where it starts."""
    covering = [n for n, text in enumerate(sentence.own)
                if any(_covers(text, item) for item in figures.exempted)]
    return [OwnFigure(" ".join(sentence.own[n].split()), path, *sentence.position(sentence.own_at[n]))
            for n in covering]


def _covers(own: str, item: Figure | Token) -> bool:
    """Does the `.own` text exempt this figure (as `check_figures` exempts: by value or as written)?"""
    if " ".join(own.split()).casefold() == " ".join(item.text.split()).casefold():
        return True
    return isinstance(item, Figure) and any((f.value, f.unit) == (item.value, item.unit) for f in find_figures(own))


def _unknown_ids(path: str, text: str, groups: list[tuple[str, ...]], by_id: Mapping[str, ClaimResult],
                 claims_path: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for ids, offsets in zip(groups, align(groups, cite_marks(text))):
        for claim_id, offset in zip(ids, offsets):
            if claim_id in by_id:
                continue
            line, col = line_col(text, offset) if offset is not None else (1, 1)
            close = difflib.get_close_matches(claim_id, list(by_id), n=1)
            found.append(Diagnostic(
                DOCUMENT_UNKNOWN_CLAIM, f"'@{claim_id}' is not a claim in {claims_path}",
                Location(path, line, col),
                f"did you mean '@{close[0]}'?" if close else
                f"add a claim with id '{claim_id}' to {claims_path}, or write '\\@' for a plain @"))
    return found


def _sentence_figures(path: str, sentence: Sentence, cited: Sequence[ClaimResult], sources: Mapping[str, Source],
                      names: Sequence[str]) -> tuple[FigureCheck, list[Diagnostic]]:
    """The sentence's figures against the verified quotes of the claims it cites (none: it must
    state no figure but the author's own)."""
    verified: list[str] = []
    corrected: list[str] = []
    for result in cited:
        matched, would_match = backing_texts(result.citations, sources)
        verified += matched
        corrected += would_match
    figures = check_figures(sentence.checked, verified, sentence.own, names)
    if not cited:
        return figures, [_unsourced(path, sentence, f) for f in figures.unbacked]
    # Beside a failed quote (an error already), only what the corrected quotes would not back.
    shown_figures = (check_figures(sentence.checked, verified + corrected, sentence.own, names)
                     if (figures.unbacked or figures.unreadable) and corrected else figures)
    label = ", ".join(f"'{r.claim.id}'" for r in cited)
    quotes = "its quotes" if len(cited) == 1 else "their quotes"
    items: list[Figure | Token] = [*shown_figures.unbacked, *shown_figures.unreadable]
    found = [_unbacked(path, sentence, item, label, quotes) for item in sorted(items, key=lambda x: x.start)]
    return figures, found


def _unbacked(path: str, sentence: Sentence, item: Figure | Token, label: str, quotes: str) -> Diagnostic:
    where = Location(path, *sentence.position(item.start))
    if isinstance(item, Figure):
        return Diagnostic(DOCUMENT_FIGURE_UNBACKED,
                          f"the sentence citing {label} states \u201c{item.text}\u201d, which none of {quotes} gives",
                          where, "write the figure as the quotes give it, or cite the claim whose quotes state it")
    return Diagnostic(DOCUMENT_FIGURE_UNBACKED,
                      f"the sentence citing {label} has \u201c{shown(item.text)}\u201d, which none of {quotes} holds",
                      where, "if it is a name, declare it once in 'names' in the claims file")


def _unsourced(path: str, sentence: Sentence, figure: Figure) -> Diagnostic:
    return Diagnostic(FIGURE_UNSOURCED, f"\u201c{figure.text}\u201d is stated in a sentence that cites no claim",
                      Location(path, *sentence.position(figure.start)),
                      f"cite the claim that backs it ([@claim-id]), or mark it as your own: [{figure.text}]{{.own}}",
                      Severity.WARNING)
