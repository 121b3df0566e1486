"""The cache of what the check learns about each source: same report warm or cold, never a
verdict from it, and a bad or missing cache only costs time (issue 2)."""

import json
import sqlite3
from pathlib import Path

import pytest
from support import claims_yaml, write_project

from briefing.cli import main
from briefing.disagree import scan
from briefing.engine import cache as cache_module
from briefing.engine.cache import CACHE_NAME, SourceCache, _key
from briefing.models import Source
from briefing.verify import quotes
from briefing.verify.match import MultiSearch, prepare
from briefing.verify.memo import Needles
from briefing.verify.pieces import SEED_LENGTH

SOURCES = {
    "a.txt": "In Khojaly 613 civilians, including 63 children, were killed by the troops, the ministry said.\n"
             "The ministers met in Cairo.\n",
    "b.txt": "Reports said that in Khojaly 613 civilians, including 83 children, were killed by the troops.\n"
             "The ministers met in Cairo.\n",
}
CLAIMS = """\
title: "Cache"
sections:
  - heading: "Figures"
    claims:
      - id: stated
        text: "A says 63 children were killed."
        source: a
        quote: "613 civilians, including 63 children, were killed by the troops"
      - id: misquoted
        text: "A says 73 children were killed."
        source: a
        quote: "613 civilians, including 73 children, were killed by the troops"
      - id: elsewhere
        text: "Reports said 83 children were killed."
        source: a
        quote: "Reports said that in Khojaly 613 civilians, including 83 children"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, CLAIMS, SOURCES)


def _report(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert main(["check", str(project), "--format", "json", *args]) == 1
    return json.loads(capsys.readouterr().out)


def _by_id(report: dict) -> dict:
    return {claim["id"]: claim for claim in report["claims"]}


def _refuse_to_derive(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every costly derivation fail: a run that still succeeds took them from the cache."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("derived again, not taken from the cache")
    monkeypatch.setattr(scan, "_scan", refuse)
    monkeypatch.setattr(quotes, "nearest_passages", refuse)
    monkeypatch.setattr(MultiSearch, "present", refuse)


def test_the_report_is_the_same_cold_warm_and_without_the_cache(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    uncached = _report(project, capsys, "--no-cache")
    assert not (project / CACHE_NAME).exists()
    cold = _report(project, capsys)
    assert (project / CACHE_NAME / "memo.sqlite3").is_file()
    _refuse_to_derive(monkeypatch)
    warm = _report(project, capsys)
    assert uncached == cold == warm
    claims = _by_id(warm)
    # Each kind of kept answer is in play: a disagreement, a nearest passage, a quote found elsewhere.
    assert claims["stated"]["ok"] and claims["stated"]["disagreements"]
    assert claims["misquoted"]["status"] == "misquoted"
    assert claims["misquoted"]["citations"][0]["nearest"]["passage"].startswith("613 civilians, including 63")
    assert claims["elsewhere"]["citations"][0]["found_in"] == ["b"]


def test_a_changed_source_is_derived_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _report(project, capsys)
    (project / "sources" / "a.txt").write_text(SOURCES["a.txt"].replace("63 children", "73 children"),
                                               encoding="utf-8")
    claims = _by_id(_report(project, capsys))
    assert claims["misquoted"]["citations"][0]["status"] == "verified" and not claims["stated"]["ok"]
    assert "73 children" in claims["stated"]["citations"][0]["nearest"]["passage"]


def test_a_question_not_asked_before_is_answered_afresh(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _report(project, capsys)
    claims = project / "claims.yaml"
    claims.write_text(CLAIMS.replace("including 73 children", "including 63 kids"), encoding="utf-8")
    nearest = _by_id(_report(project, capsys))["misquoted"]["citations"][0]["nearest"]
    assert [c["quote"] for c in nearest["diff"]] == ["kids"]


@pytest.mark.parametrize("damage", [
    pytest.param(lambda db: db.write_bytes(b"not a database at all" * 100), id="not-a-database"),
    pytest.param(lambda db: _rewrite(db, lambda memo: {**memo, "scan": {**memo.get("scan", {"keys": ""}),
                                                                        "hits": [["x"]]}}), id="wrong-shape"),
    pytest.param(lambda db: _rewrite(db, lambda memo: {**memo, "key": "another"}), id="wrong-key"),
    pytest.param(lambda db: _rewrite(db, lambda memo: [memo]), id="not-an-object"),
])
def test_a_damaged_cache_is_rebuilt_and_changes_nothing(
        project: Path, capsys: pytest.CaptureFixture[str], damage) -> None:
    cold = _report(project, capsys)
    damage(project / CACHE_NAME / "memo.sqlite3")
    assert _report(project, capsys) == cold
    assert _report(project, capsys) == cold  # and once rebuilt


_SOURCE_ROWS = "SELECT key, data FROM memo WHERE key NOT LIKE 'set:%' ORDER BY key"


def _rewrite(database: Path, change) -> None:
    """Change every source's entry (not the rows of searched sets)."""
    with sqlite3.connect(database) as db:
        rows = db.execute(_SOURCE_ROWS).fetchall()
        db.executemany("UPDATE memo SET data = ? WHERE key = ?",
                       [(json.dumps(change(json.loads(data))), key) for key, data in rows])
    db.close()


def test_a_cache_holding_anything_but_its_table_is_made_again(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A view or trigger could run SQL as the cache is read: such a file is replaced, unread."""
    cold = _report(project, capsys)
    database = project / CACHE_NAME / "memo.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("ALTER TABLE memo RENAME TO kept")
        db.execute("CREATE VIEW memo AS SELECT key, data, written FROM kept")
        db.execute("CREATE TRIGGER noted AFTER INSERT ON kept BEGIN DELETE FROM kept; END")
    db.close()
    assert _report(project, capsys) == cold
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT type, name FROM sqlite_master").fetchall() == [
            ("table", "memo"), ("index", "sqlite_autoindex_memo_1")]
        assert len(db.execute(_SOURCE_ROWS).fetchall()) == 2
    db.close()


def test_verdicts_never_come_from_the_cache(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A poisoned entry may change an explanation, never which quotes are verified."""
    cold = _report(project, capsys)

    def poison(memo: dict) -> dict:
        near = {d: [0, 5, "In Kh", 0, 1.0, []] for d in memo.get("nearest", {})}
        return {**memo, "nearest": near, "scan": {**memo.get("scan", {"keys": ""}), "hits": []}}
    _rewrite(project / CACHE_NAME / "memo.sqlite3", poison)
    poisoned = _report(project, capsys)
    # The poison was read: it replaced an explanation and hid a disagreement (SECURITY.md says so) ...
    assert _by_id(poisoned)["misquoted"]["citations"][0]["nearest"]["passage"] == "In Kh"
    assert _by_id(cold)["stated"]["disagreements"] and not _by_id(poisoned)["stated"]["disagreements"]
    # ... and yet every verdict is the same.
    assert [(c["id"], c["ok"]) for c in poisoned["claims"]] == [(c["id"], c["ok"]) for c in cold["claims"]]
    assert [[x["status"] == "verified" for x in c["citations"]] for c in poisoned["claims"]] == \
        [[x["status"] == "verified" for x in c["citations"]] for c in cold["claims"]]


def test_a_project_where_the_cache_cannot_be_made_is_checked_without_it(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    uncached = _report(project, capsys, "--no-cache")
    (project / CACHE_NAME).write_text("a file where the folder would go", encoding="utf-8")
    assert _report(project, capsys) == uncached


def test_the_cache_folder_says_what_it_is(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _report(project, capsys)
    assert (project / CACHE_NAME / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (project / CACHE_NAME / ".gitignore").read_text().splitlines()[-1] == "*"


def _source(source_id: str, digest: str) -> Source:
    return Source(source_id, f"{source_id}.txt", "text", "text", sha256=digest)


def test_prune_drops_old_entries_of_sources_no_longer_checked(tmp_path: Path) -> None:
    current, gone, recent = _source("a", "1" * 64), _source("b", "2" * 64), _source("c", "3" * 64)
    cache = SourceCache(tmp_path)
    for source in (current, gone, recent):
        cache.scan(source, frozenset({"child"}), lambda: [("child", 0, 2, 63.0)])
    cache.flush()
    database = cache._database()
    assert database is not None
    with database:
        database.execute("UPDATE memo SET written = 0 WHERE key != ?", (_key(recent),))
    cache.prune([current])
    kept = {key for key, in database.execute("SELECT key FROM memo")}
    assert kept == {_key(current), _key(recent)}


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    cache = SourceCache(None)
    calls = []
    for _ in range(2):
        cache.scan(_source("a", "1" * 64), frozenset({"child"}), lambda: calls.append(1) or [])
    cache.flush()
    assert calls == [1, 1] and list(tmp_path.iterdir()) == []


def test_the_same_bytes_read_by_another_reader_are_another_text(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """a.txt keeps the tags as text, c.html does not: neither is answered with the other's text."""
    page = "<p>In Khojaly 613 civilians, including 63 children, were killed by the troops.</p>\n"
    for name in ("a.txt", "c.html"):
        (project / "sources" / name).write_text(page, encoding="utf-8")
    (project / "claims.yaml").write_text(CLAIMS + """\
      - id: tags-as-text
        text: "The page has a paragraph tag."
        citations:
          - {source: a, quote: "<p>In Khojaly"}
          - {source: c, quote: "<p>In Khojaly"}
""", encoding="utf-8")
    uncached = _report(project, capsys, "--no-cache")
    statuses = [c["status"] for c in _by_id(uncached)["tags-as-text"]["citations"]]
    assert statuses[0] == "verified" and statuses[1] != "verified"
    assert _report(project, capsys) == uncached == _report(project, capsys)


def test_an_entry_of_another_source_is_not_used(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cold = _report(project, capsys)
    with sqlite3.connect(project / CACHE_NAME / "memo.sqlite3") as db:
        (one, first), (other, second) = db.execute(_SOURCE_ROWS).fetchall()
        db.executemany("UPDATE memo SET data = ? WHERE key = ?", [(second, one), (first, other)])
    db.close()
    assert _report(project, capsys) == cold


def _poison_explanations(memo: dict) -> dict:
    return {**memo, "nearest": {d: [0, 5, "In Kh", 0, 1.0, []] for d in memo.get("nearest", {})}}


def test_a_new_version_derives_everything_again(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _report(project, capsys)
    _rewrite(project / CACHE_NAME / "memo.sqlite3", _poison_explanations)
    assert _report(project, capsys) != cold  # the poison is read under this version ...
    monkeypatch.setattr(cache_module, "_version", lambda: "a later briefing")
    assert _report(project, capsys) == cold  # ... and not under another


def test_a_scan_for_other_nouns_is_not_reused(tmp_path: Path) -> None:
    source = Source("a", "a.txt", "text", "x" * 100, sha256="1" * 64)
    cache = SourceCache(tmp_path)
    calls: list[frozenset[str]] = []

    def scan(keys: frozenset[str]):
        return lambda: calls.append(keys) or [("child", 0, 2, 63.0)]
    for keys in ({"child"}, {"child"}, {"child", "persons"}, {"persons"}):
        cache.scan(source, frozenset(keys), scan(frozenset(keys)))
    # The second asks the first's question again; each of the others is a new question.
    assert calls == [frozenset({"child"}), frozenset({"child", "persons"}), frozenset({"persons"})]


def test_nearest_passages_are_kept_per_settings(project: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from briefing.settings import DEFAULT_SETTINGS
    source = Source("a", "a.txt", "text", "x" * 100, sha256="1" * 64)
    cache = SourceCache(tmp_path)
    calls: list[list[str]] = []

    def compute(quotes: list[str]) -> list[None]:
        calls.append(quotes)
        return [None] * len(quotes)
    cache.nearest(source, ["q"], DEFAULT_SETTINGS, compute)
    cache.nearest(source, ["q"], replace(DEFAULT_SETTINGS, workers=3), compute)  # the same question
    cache.nearest(source, ["q"], replace(DEFAULT_SETTINGS, misquote_min_similarity=0.9), compute)
    assert calls == [["q"], ["q"]]


def test_the_cache_knows_which_nearest_passages_it_would_answer(tmp_path: Path) -> None:
    # What a share asks before it puts off explaining a large source's failed quotes (issue 19).
    from briefing.settings import DEFAULT_SETTINGS
    source = Source("a", "a.txt", "text", "x" * 100, sha256="1" * 64)
    cache = SourceCache(tmp_path)
    assert not cache.knows_nearest(source, ["q", "r"], DEFAULT_SETTINGS)
    cache.nearest(source, ["q", "r"], DEFAULT_SETTINGS, lambda quotes: [None] * len(quotes))
    assert cache.knows_nearest(source, ["q", "r"], DEFAULT_SETTINGS)
    assert not cache.knows_nearest(source, ["q", "s"], DEFAULT_SETTINGS)
    assert not cache.knows_nearest(source, ["q"], DEFAULT_SETTINGS, kind="elsewhere")
    assert not SourceCache(None).knows_nearest(source, ["q"], DEFAULT_SETTINGS)


def _count_searches(monkeypatch: pytest.MonkeyPatch, seeds: list[int | None] | None = None) -> list[int | None]:
    """How many needles each search for failed quotes looked for (None: all, in one scan); the
    searches for the seeds of quotes far from their own source (issue 15 §7) go to `seeds`."""
    calls: list[int | None] = []
    real = MultiSearch.present

    def counted(self: MultiSearch, text: str, among=None) -> set[int]:
        is_seeds = all(len(needle) == SEED_LENGTH for needle in self.needles)
        (calls if not is_seeds else seeds if seeds is not None else []).append(None if among is None else len(among))
        return real(self, text, among)
    monkeypatch.setattr(MultiSearch, "present", counted)
    return calls


def test_after_a_quote_is_edited_only_it_is_looked_for_in_other_sources(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_searches(monkeypatch)
    _report(project, capsys)
    assert calls == [None, None]  # cold: both sources searched for every failed quote at once
    edited = CLAIMS.replace("including 73 children", "including 93 children")
    edited += """      - id: copied
        text: "Ministers met."
        source: a
        quote: "Reports said that in Khojaly"
"""
    (project / "claims.yaml").write_text(edited, encoding="utf-8")
    calls.clear()
    warm = _report(project, capsys)
    # One quote edited, one added, one unchanged: each source is searched for the two new ones alone.
    assert calls == [2, 2]
    assert warm == _report(project, capsys, "--no-cache")
    assert _by_id(warm)["copied"]["citations"][0]["found_in"] == ["b"]


def test_a_needle_set_that_does_not_match_its_digest_is_not_trusted(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A set row claiming the new quote was searched before would hide where it occurs: such a
    row does not hash to its key, so every needle is looked for again."""
    _report(project, capsys)
    added = "Reports said that in Khojaly"
    with sqlite3.connect(project / CACHE_NAME / "memo.sqlite3") as db:
        (key, data), = db.execute("SELECT key, data FROM memo WHERE key LIKE 'set:%'").fetchall()
        db.execute("UPDATE memo SET data = ? WHERE key = ?",
                   (json.dumps(sorted(json.loads(data) + [cache_module._digest(prepare(added))])), key))
    db.close()
    (project / "claims.yaml").write_text(CLAIMS + f"""\
      - id: copied
        text: "Ministers met."
        source: a
        quote: "{added}"
""", encoding="utf-8")
    calls = _count_searches(monkeypatch)
    warm = _report(project, capsys)
    assert calls == [None, None]  # the kept set is not believed
    assert _by_id(warm)["copied"]["citations"][0]["found_in"] == ["b"]
    assert warm == _report(project, capsys, "--no-cache")


def test_a_smaller_set_of_failed_quotes_needs_no_search(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _report(project, capsys)
    fixed = CLAIMS.replace("including 73 children", "including 63 children")  # a misquote mended
    (project / "claims.yaml").write_text(fixed, encoding="utf-8")
    calls = _count_searches(monkeypatch)
    warm = _report(project, capsys)
    assert calls == []
    assert warm == _report(project, capsys, "--no-cache")


def test_a_new_quote_cited_twice_is_found_for_both(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _report(project, capsys)
    twice = "".join(f"""\
      - id: copied-{n}
        text: "Ministers met."
        source: a
        quote: "Reports said that in Khojaly"
""" for n in (1, 2))
    (project / "claims.yaml").write_text(CLAIMS + twice, encoding="utf-8")
    calls = _count_searches(monkeypatch)
    warm = _by_id(_report(project, capsys))
    assert calls == [2, 2]  # one quote, at two places of the set
    assert warm["copied-1"]["citations"][0]["found_in"] == warm["copied-2"]["citations"][0]["found_in"] == ["b"]


def test_a_source_with_line_end_hyphens_is_searched_for_new_quotes_in_each_reading(
        project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "sources" / "c.txt").write_text(
        "The ministry reported that 613 civil-\nians were killed in Khojaly by the troops.\n", encoding="utf-8")
    hyphenated = """\
      - id: hyphen-{n}
        text: "Civilians were killed."
        source: a
        quote: "{quote}"
"""
    first = hyphenated.format(n=1, quote="613 civilians were killed in Khojaly")
    (project / "claims.yaml").write_text(CLAIMS + first, encoding="utf-8")
    _report(project, capsys)
    (project / "claims.yaml").write_text(
        CLAIMS + first + hyphenated.format(n=2, quote="613 civilians were killed in Khojaly by the troops"),
        encoding="utf-8")
    calls = _count_searches(monkeypatch)
    warm = _report(project, capsys)
    assert calls == [1, 1, 1, 1]  # each source for the one new quote; c read both ways as well
    assert warm == _report(project, capsys, "--no-cache")
    assert [_by_id(warm)[f"hyphen-{n}"]["citations"][0]["found_in"] for n in (1, 2)] == [["c"], ["c"]]


def test_sources_last_searched_with_different_sets_each_answer_truly(tmp_path: Path) -> None:
    texts = {"x": "alpha beta gamma", "y": "beta delta alpha"}
    sources = {i: Source(i, f"{i}.txt", "text", t, sha256=str(n) * 64) for n, (i, t) in enumerate(texts.items(), 1)}

    def ask(source_id: str, needles: list[str], cache: SourceCache | None = None) -> set[str]:
        cache = cache or SourceCache(tmp_path)
        asked = Needles.of(needles)
        text = sources[source_id].text

        def search(among):
            return {i for i in (range(len(needles)) if among is None else among) if needles[i] in text}
        found = cache.present(sources[source_id], "folded", asked, search)
        cache.flush()
        cache.close()
        return {needles[i] for i in found}
    assert ask("x", ["alpha", "beta"]) == {"alpha", "beta"}
    assert ask("y", ["beta", "delta", "omega"]) == {"beta", "delta"}  # (alpha not asked)
    # Each source's kept answer is for another set; both are brought to this one, in one run.
    run = SourceCache(tmp_path)
    for source_id in ("x", "y"):
        assert ask(source_id, ["alpha", "delta", "gamma", "beta"], run) == {
            n for n in ("alpha", "delta", "gamma", "beta") if n in texts[source_id]}


def test_only_the_most_recently_used_sets_are_kept(tmp_path: Path) -> None:
    source = Source("a", "a.txt", "text", "abc", sha256="1" * 64)
    cache = SourceCache(tmp_path)
    for n in range(cache_module._KEPT_SETS + 3):
        cache.present(source, "folded", Needles.of([f"needle {n}"]), lambda among: set())
        cache.flush()
    cache.prune([source])
    database = cache._database()
    assert database is not None
    sets = database.execute("SELECT count(*) FROM memo WHERE key LIKE 'set:%'").fetchone()[0]
    assert sets == cache_module._KEPT_SETS


def test_forked_workers_share_one_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each worker process opens its own connection and writes its own sources' entries."""
    from briefing.engine.cache import open_cache
    from briefing.engine.project import check_project, load_project
    from briefing.report.json_report import format_json
    from briefing.settings import Settings

    loaded = load_project(project / "claims.yaml", project / "sources")
    uncached = format_json(check_project(loaded, Settings(workers=1)))

    def check() -> str:
        cache = open_cache(project / CACHE_NAME)
        try:
            return format_json(check_project(loaded, Settings(workers=2), cache))
        finally:
            cache.close()
    assert check() == uncached
    with sqlite3.connect(project / CACHE_NAME / "memo.sqlite3") as db:
        assert len(db.execute(_SOURCE_ROWS).fetchall()) == 2  # one per source: both workers wrote
    db.close()
    _refuse_to_derive(monkeypatch)  # in the forked worker too
    assert check() == uncached


def test_workers_checking_copies_of_one_file_keep_both_answers(tmp_path: Path) -> None:
    """Two files with the same bytes share an entry; the workers of one run that check them
    each write theirs, and the last must not drop the other's explanations."""
    from briefing.settings import DEFAULT_SETTINGS
    copies = [Source(name, f"{name}.txt", "text", "x" * 100, sha256="1" * 64) for name in ("a", "b")]
    first, second = SourceCache(tmp_path), SourceCache(tmp_path)  # as two forked workers hold it
    first.nearest(copies[0], ["quoted in a"], DEFAULT_SETTINGS, lambda quotes: [None] * len(quotes))
    second.nearest(copies[1], ["quoted in b"], DEFAULT_SETTINGS, lambda quotes: [None] * len(quotes))
    first.flush()
    second.flush()
    asked: list[list[str]] = []

    def compute(quotes: list[str]) -> list[None]:
        asked.append(quotes)
        return [None] * len(quotes)
    later = SourceCache(tmp_path)
    later.nearest(copies[0], ["quoted in a"], DEFAULT_SETTINGS, compute)
    later.nearest(copies[1], ["quoted in b"], DEFAULT_SETTINGS, compute)
    assert asked == []
    # An entry written by an earlier run is replaced, so answers no longer asked for go.
    again = SourceCache(tmp_path)
    again.nearest(copies[0], ["asked now"], DEFAULT_SETTINGS, lambda quotes: [None] * len(quotes))
    again.flush()
    latest = SourceCache(tmp_path)
    latest.nearest(copies[1], ["quoted in b"], DEFAULT_SETTINGS, compute)
    assert asked == [["quoted in b"]]


def test_a_warm_check_folds_only_the_texts_it_matches_quotes_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Issue 19: the uncited source holds a passage near the far misquote; warm, its nearest
    # passage there comes from the cache, and the source is never folded.
    from briefing.verify import index
    sources = {"a.txt": "The ministers met in Cairo on Monday, the ministry said.\n",
               "b.txt": "The delegation visited the refugee camp near the river on Tuesday.\n"}
    claims = claims_yaml([("far", "It visited the camp.", "a",
                           "The delegation visited the refugee camp near the river on Wednesday")])
    root = write_project(tmp_path, claims, sources)
    cold = _report(root, capsys)
    assert cold["claims"][0]["citations"][0]["elsewhere"]["source"] == "b"  # (the case meant)
    folded: list[str] = []
    real = index.normalise
    monkeypatch.setattr(index, "normalise", lambda text: folded.append(text) or real(text))
    _refuse_to_derive(monkeypatch)
    assert _report(root, capsys) == cold
    assert folded == [sources["a.txt"]]


def test_prune_marks_used_the_entries_not_marked_within_the_hour(tmp_path: Path) -> None:
    recent, older = _source("a", "1" * 64), _source("b", "2" * 64)
    cache = SourceCache(tmp_path)
    for source in (recent, older):
        cache.scan(source, frozenset({"child"}), lambda: [("child", 0, 2, 63.0)])
    cache.flush()
    database = cache._database()
    assert database is not None
    with database:
        database.execute("UPDATE memo SET written = 1000 WHERE key = ?", (_key(older),))
        database.execute("UPDATE memo SET written = 5000 - 60 WHERE key = ?", (_key(recent),))
    cache.prune([recent, older], now=5000 + 0.0)
    written = dict(database.execute("SELECT key, written FROM memo"))
    assert written[_key(older)] == 5000  # used now, and more than an hour since it was marked
    assert written[_key(recent)] == 5000 - 60  # marked a minute ago: close enough


@pytest.mark.parametrize("quote", ["The quick brown fox leaps over the lazy dog",
                                   "The quick brown fox jumps over the lazy dog ... the cow sat on the mat today"],
                         ids=["whole", "elided"])
def test_a_source_whose_explanations_are_kept_is_not_put_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             quote: str) -> None:
    # Issue 19: an elided quote is explained by its first missing part, and that is what the
    # cache is asked for (found in review: asked for the whole quote, it was put off warm too).
    from briefing.engine import share as share_module
    from briefing.settings import DEFAULT_SETTINGS
    monkeypatch.setattr(share_module, "PUT_OFF_MIN_WORK", 0)
    text = "alpha beta gamma " * 700 + "The quick brown fox jumps over the lazy dog. Later the cat sat on the mat today."
    source = Source("s", "s.txt", "text", text, sha256="ab" * 32)
    put_off = []
    for _ in range(2):
        cache = SourceCache(tmp_path)
        share = share_module.Share(DEFAULT_SETTINGS, cache, given={"s": source})
        first = share.first(({"s": [("c", 0, quote, 1, 1)]}, [], {}))
        put_off.append(bool(first.put_off))
        for task in first.put_off:
            share.explain(share_module.Explain("s", None, task.text_key,
                                               [(key, result, first.failed[key][1]) for key, result in task.failed]))
        share.second((first.failed, {}, []))  # (writes the cache)
        cache.close()
    assert put_off == [True, False]
