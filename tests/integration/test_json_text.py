"""The JSON report's text (issue 19): orjson writes what the standard library would, compact;
and the collector paused while a step builds many objects, frozen only where the process ends."""

from __future__ import annotations

import gc
import json

import pytest

from briefing import collector
from briefing.engine.run import verify
from briefing.models import Briefing, Citation, Claim, Section, Source, Status
from briefing.report.json_report import encode, format_errors_json, format_json, json_report
from briefing.settings import Settings

# Every character JSON escapes, and those it need not (DEL, the Unicode line separators, a
# character outside the BMP, a combining mark, a right-to-left mark, a NUL).
AWKWARD = "".join(chr(c) for c in range(0x20)) + '"\\/\x7f\u2028\u2029\U0001F600e\u0301\u200f€'


@pytest.mark.parametrize("value", [
    AWKWARD,
    {"text": AWKWARD, "n": [0, -1, 2**63 - 1, -(2**63)], "flags": [True, False, None], "nested": {"a": [{}, []]}},
    [0.9945, 0.5, 1.0, 0.0001, 0.1, 0.3333, 1 / 3, 0.0],
    {"é": "clé", "": ""},
    {"status": Status.MISQUOTED, "pages": (3, 4), "none": ()},  # (as the report hands them over)
])
def test_the_text_is_what_the_standard_library_writes_compact(value: object) -> None:
    assert encode(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert b'"misquoted"' in encode(value) or not isinstance(value, dict) or "status" not in value


def test_what_orjson_refuses_the_standard_library_writes() -> None:
    """A lone surrogate (a PDF's text may hold one), as the escape JSON has for it, and an
    integer past 64 bits; the rest as orjson writes it."""
    assert encode({"quote": "é a\ud800b"}) == '{"quote":"é a\\ud800b"}'.encode()
    assert json.loads(encode({"quote": "é a\ud800b"})) == {"quote": "é a\ud800b"}
    assert encode([2**64, "é"]) == '[18446744073709551616,"é"]'.encode()


def _report():  # type: ignore[no-untyped-def]
    text = "Officials said that 613 civilians were killed, \u201cincluding\u201d 63 children.\n"
    sources = {"s": Source("s", "sources/s.md", "text", text, sha256="0" * 64)}
    claims = (Claim("right", "613 were killed.", (Citation("s", "613 civilians were killed", 1),), 1),
              Claim("wrong", "83 children.", (Citation("s", "including 83 children", 2),), 2))
    return verify(Briefing("claims.yaml", "T", (Section("H", claims),)), sources, settings=Settings(workers=1))


def test_the_report_is_one_line_of_compact_json_in_the_documented_order() -> None:
    report = _report()
    text = format_json(report)
    assert json_report(report) == text.encode("utf-8")  # (what the command writes, as it is)
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert list(document) == ["schema_version", "briefing_version", "ok", "claims_file", "sources_dir", "claims",
                              "diagnostics", "summary"]
    assert [(c["id"], c["ok"]) for c in document["claims"]] == [("right", True), ("wrong", False)]
    assert "including\u201d 63 children" in document["claims"][1]["citations"][0]["nearest"]["passage"]
    errors = format_errors_json([])
    assert errors == '{"schema_version":1,"briefing_version":"' + json.loads(errors)["briefing_version"] + \
        '","ok":false,"claims":[],"diagnostics":[],"summary":null}\n'


def test_a_paused_step_leaves_the_collector_as_it_was_in_process() -> None:
    frozen = gc.get_freeze_count()
    with collector.paused():
        assert not gc.isenabled()
        built = [[i] for i in range(1000)]
    assert gc.isenabled() and gc.get_freeze_count() == frozen and len(built) == 1000
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # (nested in a pause, or run with the collector off: still off)
    finally:
        gc.enable()


def test_a_process_that_ends_with_its_command_freezes_what_a_paused_step_built(monkeypatch) -> None:
    monkeypatch.setattr(collector, "_process_ends_with_command", True)
    frozen = gc.get_freeze_count()
    try:
        with collector.paused():
            built = [[i] for i in range(1000)]
        assert gc.isenabled() and gc.get_freeze_count() >= frozen + len(built)
    finally:
        gc.unfreeze()


def test_only_a_process_that_ends_with_its_command_keeps_objects_till_the_end(monkeypatch) -> None:
    import weakref

    class Held:
        pass

    monkeypatch.setattr(collector, "_kept", [])
    held = Held()
    gone = weakref.ref(held)
    collector.keep_till_the_end(held)
    del held
    assert gone() is None  # in-process: nothing held
    monkeypatch.setattr(collector, "_process_ends_with_command", True)
    held = Held()
    kept = weakref.ref(held)
    collector.keep_till_the_end(held)
    del held
    assert kept() is not None
