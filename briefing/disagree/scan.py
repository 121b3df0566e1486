"""Where other sources may give a claim's figure another value: the cheap first step (pure).

Issue 7 (`disagree` reads what this finds in full). Each source is scanned once for the counts
whose counted noun some claim figure has; then, per figure, only cheap tests run on each of
them (another value, within MAX_RATIO, an event word of the same class nearby, a shared word
near) before `disagree.settle` reads a passage in full. `engine.run` runs this in its workers,
beside the search for failed quotes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from briefing.models import Source
from briefing.verify.counts import MAX_RATIO, MIN_SCORE, Reading, counted, key_of, noun_phrase, words_after
from briefing.verify.figure_context import REACH, WORD, concept, sentence_ends, sentence_words
from briefing.verify.figures import find_figures
from briefing.verify.lexicon import EVENT_CLASS, LINKING, NOUN_CLASS, NUMBER_WORDS, NUMERALS, stem
from briefing.verify.memo import NO_MEMO, Memo

# When neither passage says what happened to the counted things, only the context can tell
# whether they count the same; past this many such candidates for one figure (a noun as common
# as "people" in a large corpus) that is no longer a reliable signal, and they are not compared.
UNANCHORED_CAP = 200
# A candidate shares a content word with the claim figure's sentence within this many characters.
_NEAR = 150

# --- each source's counts, indexed once by what they count --------------------------------

# A number in digits with up to three words after it; not one glued to a letter or digit
# after it ("26th"), nor a time ("10:30") or a date ("3/4"). Possessive, so that a number refused
# there is not retried shorter ("1,234th" is not "1"). What comes before, and a range ("5-7"),
# are checked in Python, which is much faster than a look-behind at every position.
_DIGIT_HIT_TAIL = (
    r"\d*+(?:[,\u00a0\u2009\u202f]\d{3})*+(?:\.\d+)?+)(?P<pct>\s?%|\s+per[ -]?cent\b)?+"
    r"(?P<scale>\s+(?:hundred|thousand|million|billion)\b)?+(?![^\W_]|[:/])"
    r"(?P<words>(?:[ \t]+[^\W\d_][\w'\u2019.-]*){0,3})")
_GROUP_SEPARATORS = "\u00a0\u2009\u202f"
_DIGIT_HIT = re.compile(r"(?P<number>\d" + _DIGIT_HIT_TAIL)
# The same for a text whose only digits are 0-9 (where it finds the same numbers): about twice
# as fast, as a search for [0-9] skips ahead where one for \d tests every character.
_ASCII_DIGIT_HIT = re.compile(r"(?P<number>[0-9]" + _DIGIT_HIT_TAIL)
_ASCII_BYTES = bytes(range(128))
_ANY_DIGIT = re.compile(r"\d")
_GROUPING = re.compile(f"[,{_GROUP_SEPARATORS}]")
_SCALE = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9}
_NUMBER_WORD_SEARCH = ahocorasick_rs.BytesAhoCorasick(
    [w.encode() for w in NUMBER_WORDS] + [w.capitalize().encode() for w in NUMBER_WORDS])
# Local events are looked for this far either side of a candidate (a cheap stand-in for its sentence).
_EVENT_REACH = 300

Hit = tuple[str, int, int, float]  # (source id, start, end, value)
# A linking word right before a bare number ties it to a noun ("the crowd at 25,000").
_LINKS = LINKING - {"the"}


def _probe(words: Sequence[str]) -> str | None:
    """The key of a number followed by these words, when they name what it counts."""
    phrase = noun_phrase(words)
    return key_of(phrase) if phrase else None


def _previous_word(text: str, start: int) -> str:
    low = max(0, start - 24)
    space = text.rfind(" ", low, max(0, start - 1))
    return text[max(space + 1, low):start].strip().lower().strip(",;:")


class _WordMemo:
    """Per word, for every source of one search (the scan runs for every number in every source):
    does a noun phrase stop before it ("63 were killed", "88 of the 200"), and could it name a
    wanted key?"""

    def __init__(self) -> None:
        self.stops: dict[str, bool] = {}
        self.names: dict[str, bool] = {}


def _scan(text: str, keys: frozenset[str],
          memo: _WordMemo | None = None) -> Iterable[tuple[str, int, int, float]]:
    """(key, start, end, value) of each count in `text` whose key is wanted, in one pass."""
    memo = memo or _WordMemo()
    stops, names = memo.stops, memo.names
    data = text.encode("utf-8", "surrogatepass")
    # Whether any digit is other than 0-9, from the text's few non-ASCII characters.
    unusual_digits = _ANY_DIGIT.search(data.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))
    for m in (_DIGIT_HIT if unusual_digits else _ASCII_DIGIT_HIT).finditer(text):
        number, pct, scale, words = m.groups()
        start = m.start()
        end = m.end() - len(words)
        before, after = text[start - 1:start], text[end:end + 2]
        if before and (before.isalnum() or before in ".,:/-\u2013_" or before in _GROUP_SEPARATORS and (
                text[start - 2:start - 1].isdigit())) or after[:1] in "-\u2013" and after[1:2].isdigit():
            continue  # inside a code, a decimal, a time, a range, or digits that could not group
        if words:
            parts = words.split()
            stop = stops.get(parts[0])
            if stop is None:
                stop = stops[parts[0]] = not noun_phrase(parts[:1])
        else:
            stop = True
        if not stop:  # a noun phrase follows: it names the key, if anything does
            key = None
            for word in parts:
                wanted = names.get(word)
                if wanted is None:
                    stemmed = stem(word)
                    noun_class = NOUN_CLASS.get(stemmed)
                    wanted = names[word] = (stemmed in keys or "%" + stemmed in keys or noun_class is not None
                                            and (noun_class in keys or "%" + noun_class in keys))
                if wanted:
                    key = _probe(parts)
                    key = None if key is None else "%" + key if pct else key
                    break
        else:
            key = _bare_key(text, start, end, pct is not None)
        if key not in keys:
            continue
        try:
            value = float(number) if number.isdigit() else float(_GROUPING.sub("", number))
        except ValueError:
            continue
        if scale:
            value *= _SCALE[scale.split()[-1].lower()]
        yield key, start, end, value
    yield from _scan_words(text, data, keys)


def _bare_key(text: str, start: int, end: int, percent: bool) -> str | None:
    """The key of a number with no noun after it ("88 of the 200 seats", "the crowd at 25,000")."""
    if text.startswith(" of ", end) or _previous_word(text, start) in _LINKS:
        found = counted(text, start, end, percent)
        if found is not None:
            return ("%" if percent else "") + found[0]
    return "%" if percent else None


def _scan_words(text: str, data: bytes, keys: frozenset[str]) -> Iterable[tuple[str, int, int, float]]:
    """Counts written in words ("Nineteen workers"): found in the text's UTF-8 `data`, read with
    `find_figures`."""
    hits = _NUMBER_WORD_SEARCH.find_matches_as_indexes(data)
    if not hits:
        return
    ascii_text = len(data) == len(text)
    position = characters = 0
    for _, byte_start, byte_end in hits:
        if ascii_text:
            start, end = byte_start, byte_end
        else:  # byte offsets to character offsets, decoding only what lies between hits
            characters += len(data[position:byte_start].decode("utf-8", "surrogatepass"))
            position = byte_start
            start, end = characters, characters + (byte_end - byte_start)
        if start and text[start - 1].isalpha() or text[end:end + 1].isalpha():
            continue
        if text[end:end + 1] in "-\u2010\u2011" and text[end + 1:end + 2].isalpha():
            continue  # "twenty-five": the number ends at its last word
        words = words_after(text, end)
        if words and (words[0].lower() in NUMERALS or words[0].lower() == "and"):
            continue  # "one hundred and twenty": the number ends later
        key: str | None
        if words and words[0].lower() in ("percent", "per"):
            key = "%" + (_probe(words[1:]) or "")
        else:
            key = (_probe(words) if words else None) or _bare_key(text, start, end, False)
        if key not in keys:
            continue
        window = max(0, start - 40)
        figures = [f for f in find_figures(text[window:end + 20]) if f.start <= start - window < f.end]
        # A number that starts in digits ("15 hundred") is the digit pass's, counted or refused
        # there ("12<NBSP>15 hundred", "12,5 thousand"): read again here it would be counted twice,
        # or counted where the digit pass refused it.
        if figures and not text[window + figures[-1].start].isdecimal():
            f = figures[-1]
            yield key, window + f.start, window + f.end, float(f.value)


@dataclass(frozen=True)
class Candidates:
    """Passages of one group of sources that may give a wanted reading's quantity another value."""

    anchored: tuple[Hit, ...]  # near an event word of the reading's class
    unanchored: tuple[Hit, ...]  # near no event word at all (empty when more than the cap)
    unanchored_count: int  # how many there were, before the exclusions that need the text


def candidates(wanted: Sequence[Reading], sources: Mapping[str, Source],
               cache: Memo = NO_MEMO) -> list[Candidates]:
    """For each wanted reading, the counts in `sources` worth reading in full (cheap gates only).

    One pass over each source finds every count whose key is wanted. Then, per reading: another
    source, another value within MAX_RATIO, no sentence of that source giving the reading's own
    value, and an event word of the same class nearby (anchored) or none at all (unanchored).
    A `cache` keeps each source's scan for the same keys.
    """
    if not wanted:
        return []
    keys = frozenset(r.key for r in wanted)
    by_key: dict[str, list[Hit]] = {}
    memo = _WordMemo()
    for source_id, source in sorted(sources.items()):
        def scan(text: str = source.text) -> Iterable[tuple[str, int, int, float]]:
            return _scan(text, keys, memo)
        for key, start, end, value in cache.scan(source, keys, scan):
            by_key.setdefault(key, []).append((source_id, start, end, value))
    values: dict[str, list[float]] = {}
    for key, hits in by_key.items():
        hits.sort(key=lambda h: h[3])
        values[key] = [h[3] for h in hits]
    local: dict[tuple[str, int], frozenset[str]] = {}
    context = _Context(sources)
    found: list[Candidates] = []
    for reading in wanted:
        hits, known = by_key.get(reading.key, []), values.get(reading.key, [])
        value = float(reading.value)
        # Within MAX_RATIO of the reading's value, and not equal to it: a slice of the sorted hits.
        first = bisect.bisect_left(known, abs(value) / MAX_RATIO)
        last = bisect.bisect_right(known, abs(value) * MAX_RATIO)
        equal = bisect.bisect_right(known, value) - bisect.bisect_left(known, value)
        if not reading.events and last - first - equal > UNANCHORED_CAP:
            found.append(Candidates((), (), last - first - equal))
            continue
        same: dict[str, list[int]] = {}  # where each source gives the reading's own value, in order
        for hit in hits[bisect.bisect_left(known, value):bisect.bisect_right(known, value)]:
            same.setdefault(hit[0], []).append(hit[1])
        anchored: list[Hit] = []
        unanchored: list[Hit] = []
        count = 0
        for hit in hits[first:last]:
            if hit[3] == value:
                continue
            if not reading.events:
                count += 1
            if hit[0] == reading.source or (
                    hit[0] in same and _agrees(sources[hit[0]].text, hit[1], same[hit[0]])):
                continue
            if not reading.events:
                unanchored.append(hit)
                continue
            events = local.get(hit[:2])
            if events is None:
                events = local[hit[:2]] = _local_events(sources[hit[0]].text, hit[1], hit[2])
            if events & reading.events:
                anchored.append(hit)
            elif not events:
                unanchored.append(hit)
                count += 1
        if count > UNANCHORED_CAP:
            unanchored = []
        found.append(Candidates(tuple(h for h in anchored if context.worth(reading, h)),
                                tuple(h for h in unanchored if context.worth(reading, h)), count))
    return found


class _Context:
    """Cheap tests of a candidate's context, each a necessary condition of `score`, cached per hit."""

    def __init__(self, sources: Mapping[str, Source]):
        self.sources = sources
        self.words: dict[tuple[str, int], frozenset[str]] = {}

    def worth(self, reading: Reading, hit: Hit) -> bool:
        """Do the sentences share enough words (as `score` counts them) for the hit to be read?"""
        text = self.sources[hit[0]].text
        # A shared word other than the counted noun itself is near the figure ...
        if not _near(text, hit[1], hit[2], reading.words - {reading.key, "#" + reading.key}):
            return False
        # ... and the sentences overlap at least as much as the lowest threshold asks.
        if hit[:2] not in self.words:
            self.words[hit[:2]] = sentence_words(text, hit[1], hit[2])[1]
        words = self.words[hit[:2]]
        return bool(words) and len(reading.words & words) >= MIN_SCORE * min(len(reading.words), len(words))


def _local_events(text: str, start: int, end: int) -> frozenset[str]:
    """Event classes named near a count: a cheap stand-in for its sentence's."""
    words = WORD.findall(text, max(0, start - _EVENT_REACH), end + _EVENT_REACH)
    return frozenset(EVENT_CLASS[w] for w in map(str.lower, words) if w in EVENT_CLASS)


def _agrees(text: str, start: int, agreeing: list[int]) -> bool:
    """Does the source give the wanted value in the same sentence as this other number? Then it
    agrees, and the other number counts something else ("613 ... killed, and 1,000 ... disabled")."""
    agreeing = sorted(agreeing)
    i = bisect.bisect_left(agreeing, start - REACH)
    while i < len(agreeing) and agreeing[i] < start + REACH:
        a, b = sorted((agreeing[i], start))
        if next(iter(sentence_ends(text, a, b)), None) is None:
            return True
        i += 1
    return False


def _near(text: str, start: int, end: int, words: frozenset[str]) -> bool:
    """Is one of `words` (as `concept` reads them) within _NEAR characters of text[start:end]?"""
    return not words.isdisjoint(map(concept, WORD.findall(text, max(0, start - _NEAR), end + _NEAR)))
