"""The warnings of a checked briefing: repeated quotes, unused exemptions, names and sources,
and each claim's shape, unreadable-figure and caution warnings (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from briefing.diagnostics import (
    FIGURE_UNUSED_EXEMPTION,
    QUOTE_REPEATED,
    SOURCE_UNUSED,
    Diagnostic,
    Location,
    Severity,
)
from briefing.models import Briefing, ClaimResult, Source, Status
from briefing.settings import Settings
from briefing.verify.cautions import caution_warnings
from briefing.verify.figure_tokens import UNUSED_NAME, shown, unreadable_errors
from briefing.verify.shape import shape_errors


def claim_warnings(briefing: Briefing, claims: tuple[ClaimResult, ...], sources: Mapping[str, Source],
                   settings: Settings, also: Callable[[str, ClaimResult], list[Diagnostic]] = lambda path, result: [],
                   ahead: Mapping[int, tuple[ClaimResult, list[Diagnostic]]] | None = None) -> tuple[Diagnostic, ...]:
    """Warnings about the checked claims, claim by claim, then the names and sources unused.

    `also` adds the warnings of a claim's disagreements, in their place among the claim's own
    (`disagree` is a pass over the results, above this core); it is asked only of a claim that
    has some (issue 19: most claims of a long briefing have nothing to warn of). `ahead` holds
    a claim's warnings worked out before (`warnings_ahead`), by its place: taken only for the
    very result they were worked out from.
    """
    warnings: list[Diagnostic] = []
    ahead = ahead or {}
    used: set[str] = set()
    for place, result in enumerate(claims):
        known = ahead.get(place)
        warnings += known[1] if known is not None and known[0] is result else \
            result_warnings(briefing.path, result, settings, also)
        used.update(result.named_figures)
    for name in briefing.names:
        if name.text not in used:
            warnings.append(Diagnostic(
                UNUSED_NAME, f"name '{name.text}' in 'names' occurs in no claim's text",
                Location(briefing.path, name.line, name.col), "remove it from names, or write it as listed",
                Severity.WARNING))
    cited = {c.source for claim in briefing.claims for c in claim.citations}
    for source_id in sorted(set(sources) - cited):
        warnings.append(Diagnostic(
            SOURCE_UNUSED, f"source '{source_id}' is never cited",
            Location(sources[source_id].path, 1), "cite it or move it out of the sources folder",
            Severity.WARNING))
    return tuple(warnings)


def warnings_ahead(path: str, judged: Mapping[int, ClaimResult], settings: Settings,
                   also: Callable[[str, ClaimResult], list[Diagnostic]] = lambda path, result: []
                   ) -> dict[int, tuple[ClaimResult, list[Diagnostic]]]:
    """Each judged claim's own warnings, by its place, with the result they are of: worked out
    while the workers still look for the failed quotes elsewhere (issue 19: 0.01 s of 10,000
    claims off the end of a check); `claim_warnings` takes those whose result did not change."""
    return {place: (result, result_warnings(path, result, settings, also)) for place, result in judged.items()}


def result_warnings(path: str, result: ClaimResult, settings: Settings,
                    also: Callable[[str, ClaimResult], list[Diagnostic]] = lambda path, result: []
                    ) -> list[Diagnostic]:
    """One claim's own warnings: repeated quotes, unused exemptions, its shape, unreadable
    figures, cautions and (`also`) disagreements."""
    warnings: list[Diagnostic] = []
    cautioned = False
    for item in result.citations:
        if item.occurrences > 1:
            warnings.append(Diagnostic(
                QUOTE_REPEATED,
                f"claim '{result.claim.id}': the quote occurs {item.occurrences} times in "
                f"'{item.citation.source}' (first at line {item.lines[0]})",
                Location(path, item.citation.line, item.citation.col),
                "quote more words if the briefing means one particular passage",
                Severity.WARNING))
        cautioned = cautioned or bool(item.cautions)
    for exemption in result.unused_exemptions:
        warnings.append(Diagnostic(
            FIGURE_UNUSED_EXEMPTION,
            f"claim '{result.claim.id}': exempt figure '{shown(exemption)}' does not appear in its text",
            Location(path, result.claim.line, result.claim.col),
            "remove it from exempt_figures, or write it in the text as listed", Severity.WARNING))
    if result.status is not Status.VERIFIED:  # (a citation refused for its shape fails its claim)
        warnings += shape_errors(path, result, settings)  # too short, a pasted hyphen (issue 15)
    if result.unreadable_figures:
        warnings += unreadable_errors(path, result)
    if cautioned:
        warnings += caution_warnings(path, result)  # what an edit may turn (issues 7, 15 §4)
    if result.disagreements:
        warnings += also(path, result)
    return warnings
