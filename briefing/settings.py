"""Settings: the one place defaults live (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # Elided parts of a quote ("a ... b") must sit within this many characters of each
    # other in the source (folded text): about half a page of prose.
    elision_max_gap: int = 1500
    # A quote shorter than this shows nothing of what the source says, and is refused
    # (`quote.too-short`, issue 15 §1): it needs `quote_min_words` words ("63 children"), or one
    # word of `quote_min_letters` letters ("Khojaly"). "613", "a" and "." are refused.
    quote_min_words: int = 2
    quote_min_letters: int = 4
    # A failed quote counts as "misquoted" when its nearest passage is at least this
    # similar (1 - edit distance / quote length); below it the quote is "not_found".
    misquote_min_similarity: float = 0.6
    # Nearest-passage search: windows found by exact anchors are trusted when at least
    # this similar; otherwise the whole document is aligned.
    nearest_window_min_similarity: float = 0.75
    claims_max_bytes: int = 50 * 1024 * 1024
    # Processes that fold and search sources side by side; 0 picks one per CPU (at most 4)
    # once the work exceeds `parallel_min_bytes`, below which starting them costs more: the
    # sources' characters and 4,096 for each quote citing them (issue 19).
    workers: int = 0
    parallel_min_bytes: int = 16 * 1024 * 1024
    # A source file larger than this is refused unread (`sources.too-large`), so one enormous
    # file costs a stat, not gigabytes of memory, and the other sources are still checked
    # (issue 6). Far above any article or report; the bench's largest source is 10 MB.
    source_max_bytes: int = 100 * 1024 * 1024
    # A failed quote longer than this (in characters) is reported not found with no nearest
    # passage: aligning it grows with the square of its length (issue 6: 1 MB took minutes).
    # A 100,000-character misquote is still explained (0.3 s when its words are found).
    nearest_max_quote_chars: int = 200_000
    # When no window around the quote's exact pieces is close, the whole source is aligned; that
    # costs about a second per 2e10 (quote length x source length), so past this only the
    # windows are aligned (a 50,000-character misquote against a 10 MB source took 71 s).
    nearest_max_cells: int = 20_000_000_000


DEFAULT_SETTINGS = Settings()

# What `build` makes, and the file each goes to by default (here, not in `briefing.render`, so
# that `check` starts without importing the renderer).
OUTPUT_FORMATS = ("pdf", "docx", "html")
DEFAULT_OUTPUT_NAMES = {"pdf": "briefing.pdf", "docx": "briefing.docx", "html": "briefing.html"}
