"""Each source of a worker's share, folded once, with its other readings (pure; a `Memo` handed
to it may remember what is derived from each source)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

from briefing.models import Source
from briefing.text import LineIndex, NormalisedText, normalise
from briefing.verify.hyphenation import HyphenatedText, has_breaks, hyphenate
from briefing.verify.memo import NO_MEMO, Memo


@dataclass
class SourceIndex:
    """Each source folded once (shared by content hash and kind)."""

    sources: Mapping[str, Source]
    memo: Memo = NO_MEMO
    # The texts folded so far, by `_same_text`; `prefold` may fold some ahead into the same mapping.
    folds: MutableMapping[tuple[str, str], NormalisedText] = field(default_factory=dict)
    _hyphenated: dict[tuple[str, str], HyphenatedText | None] = field(default_factory=dict)
    _has_breaks: dict[tuple[str, str], bool] = field(default_factory=dict)

    def text_key(self, source_id: str) -> tuple[str, str]:
        """The same for sources with the same text (the same bytes, read by the same reader)."""
        return _same_text(self.sources[source_id])

    @staticmethod
    def key_of(source: Source) -> tuple[str, str]:
        """`text_key` of a source, in this index or not."""
        return _same_text(source)

    def folded(self, source_id: str) -> NormalisedText:
        source = self.sources[source_id]
        key = _same_text(source)
        if key not in self.folds:
            self.folds[key] = normalise(source.text)
        return self.folds[key]

    def hyphenated(self, source_id: str) -> HyphenatedText | None:
        """The source read with line-end hyphens either way; None when it has none (issue 4)."""
        source = self.sources[source_id]
        key = _same_text(source)
        if key not in self._hyphenated:
            self._hyphenated[key] = hyphenate(source.text)
        return self._hyphenated[key]

    def has_line_end_hyphens(self, source_id: str) -> bool:
        """Whether `hyphenated` would be other than None, without building it when not known yet."""
        source = self.sources[source_id]
        key = _same_text(source)
        if key in self._hyphenated:
            return self._hyphenated[key] is not None
        if key not in self._has_breaks:  # (a pass over the whole text when it has none)
            self._has_breaks[key] = has_breaks(source.text)
        return self._has_breaks[key]

    def lines(self, source_id: str, offsets: Sequence[int]) -> list[int]:
        """File line of each offset (`text.LineIndex`)."""
        return LineIndex(self.sources[source_id]).lines(offsets)


def prefold(sources: Mapping[str, Source], into: MutableMapping[tuple[str, str], NormalisedText]
            ) -> Iterator[None]:
    """Fold each source into `into` (as `SourceIndex.folded` would), one per step, so that a
    process with time to spare can fold as many as it has time for (issue 19)."""
    for source in sources.values():
        key = _same_text(source)
        if key not in into:
            into[key] = normalise(source.text)
            yield


def _same_text(source: Source) -> tuple[str, str]:
    """Sources with this key have the same text: the same bytes read by the same reader (the
    same bytes as .txt and as .html are two texts)."""
    return (source.kind, source.sha256) if source.sha256 else ("id", source.id)
