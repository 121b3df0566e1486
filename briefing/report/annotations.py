"""Formats a Report's matched quotes as W3C Web Annotation JSON-LD (pure: returns a string).

https://www.w3.org/TR/annotation-model/ (issue 17 §2): one Annotation per citation that matched
its source, anchored by a TextQuoteSelector and a TextPositionSelector, so annotation tools such
as Hypothesis can find each quoted passage in the source.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from briefing.models import CitationResult, ClaimResult, Report, Source, Span, Status

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# Characters of the source's text kept on each side of the quote: Hypothesis anchors with 32.
CONTEXT_CHARS = 32
# Keys the model lacks are compact IRIs with the undefined prefix `briefing:`; JSON-LD reads such
# a key as an absolute IRI, so they survive expansion without a second context.
SHA256_KEY = "briefing:sha256"
SOURCE_KEY = "briefing:source"


def format_annotations(report: Report) -> str:
    """An AnnotationCollection holding one page with every annotation, in claims-file order."""
    items = [a for result in report.claims for a in _claim_annotations(report, result)]
    # Named by its content, so the same evidence gives the same collection wherever it is built.
    digest = hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    collection_id = f"urn:briefing:annotations:{digest}"
    document = {
        "@context": ANNO_CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": "Quotes verified by briefing check",
        "total": len(items),
        "first": {"id": f"{collection_id}:page:1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def annotation_id(claim_id: str, number: int) -> str:
    """Stable across runs and folders: the claim's id and the citation's number in it (from 1)."""
    return f"urn:briefing:claim:{url_quote(claim_id, safe='')}:citation:{number}"


def _claim_annotations(report: Report, result: ClaimResult) -> list[dict]:
    # Only a matched quote has a place in its source; a failed one is left out (issue 17 §2):
    # its nearest passage is not what the author quoted, and the JSON report already gives it.
    return [_annotation(result, number, item, source)
            for number, item in enumerate(result.citations, start=1)
            if item.status is Status.VERIFIED and item.spans
            and (source := report.source(item.citation.source)) is not None]


def _annotation(result: ClaimResult, number: int, item: CitationResult, source: Source) -> dict:
    return {
        "@context": ANNO_CONTEXT,
        "id": annotation_id(result.claim.id, number),
        "type": "Annotation",
        # The annotation records a verdict on the passage: it backs the claim (or not, by the tag).
        "motivation": "assessing",
        "body": [
            {"type": "TextualBody", "value": result.claim.text, "format": "text/plain", "purpose": "describing"},
            # The claim's status as a tag, which Hypothesis shows and filters by.
            {"type": "TextualBody", "value": result.status.value, "purpose": "tagging"},
        ],
        # One target per matched part of an elided quote: selectors in one target are alternatives
        # for the same span, and a List is anchored by no tool we know of; each part anchors alone.
        "target": [_target(source, span) for span in item.spans],
    }


def _target(source: Source, span: Span) -> dict:
    text = source.text
    return {
        "type": "SpecificResource",
        "source": source_iri(source),
        SOURCE_KEY: source.id,
        SHA256_KEY: source.sha256,
        "selector": [
            {"type": "TextQuoteSelector", "exact": text[span.start:span.end],
             "prefix": text[max(0, span.start - CONTEXT_CHARS):span.start],
             "suffix": text[span.end:span.end + CONTEXT_CHARS]},
            # Code points over the extracted text, the offsets the JSON report gives.
            {"type": "TextPositionSelector", "start": span.start, "end": span.end},
        ],
    }


def source_iri(source: Source) -> str:
    """The source's URL when its metadata has an absolute one, else the hash of its bytes:
    a file path would differ from one checkout to the next, the hash does not."""
    parts = urlsplit(source.meta.url.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return source.meta.url.strip()
    return f"urn:sha256:{source.sha256}" if source.sha256 else f"urn:briefing:source:{url_quote(source.id, safe='')}"
