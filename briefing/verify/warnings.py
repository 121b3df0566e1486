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
                   settings: Settings, also: Callable[[str, ClaimResult], list[Diagnostic]] = lambda path, result: []
                   ) -> tuple[Diagnostic, ...]:
    """Warnings about the checked claims, claim by claim, then the names and sources unused.

    `also` adds the warnings of a claim's disagreements, in their place among the claim's own
    (`disagree` is a pass over the results, above this core); it is asked only of a claim that
    has some (issue 19: most claims of a long briefing have nothing to warn of).
    """
    warnings: list[Diagnostic] = []
    for result in claims:
        cautioned = False
        for item in result.citations:
            if item.occurrences > 1:
                warnings.append(Diagnostic(
                    QUOTE_REPEATED,
                    f"claim '{result.claim.id}': the quote occurs {item.occurrences} times in "
                    f"'{item.citation.source}' (first at line {item.lines[0]})",
                    Location(briefing.path, item.citation.line, item.citation.col),
                    "quote more words if the briefing means one particular passage",
                    Severity.WARNING))
            cautioned = cautioned or bool(item.cautions)
        for exemption in result.unused_exemptions:
            warnings.append(Diagnostic(
                FIGURE_UNUSED_EXEMPTION,
                f"claim '{result.claim.id}': exempt figure '{shown(exemption)}' does not appear in its text",
                Location(briefing.path, result.claim.line, result.claim.col),
                "remove it from exempt_figures, or write it in the text as listed", Severity.WARNING))
        if result.status is not Status.VERIFIED:  # (a citation refused for its shape fails its claim)
            warnings += shape_errors(briefing.path, result, settings)  # too short, a pasted hyphen (issue 15)
        if result.unreadable_figures:
            warnings += unreadable_errors(briefing.path, result)
        if cautioned:
            warnings += caution_warnings(briefing.path, result)  # what an edit may turn (issues 7, 15 §4)
        if result.disagreements:
            warnings += also(briefing.path, result)
    used = {name for result in claims for name in result.named_figures}
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
