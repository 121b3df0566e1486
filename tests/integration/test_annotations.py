"""`check --format annotations` (issue 17 §2): W3C Web Annotation JSON-LD of every matched quote,
its shape checked against a JSON Schema of the subset written, its selectors against the sources."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from support import FIXTURES, GOOD, KHOJALY, copy_example, write_project

from briefing import load_project
from briefing.cli import main
from briefing.models import Source

jsonschema = pytest.importorskip("jsonschema")

SCHEMA = json.loads((FIXTURES / "annotations" / "web-annotation.schema.json").read_text(encoding="utf-8"))
CONTEXT = 32  # characters of prefix and suffix, as Hypothesis anchors


def check(root: Path, fmt: str, out: Path, expected_code: int = 0) -> dict:
    code = main(["check", str(root), "--format", fmt, "-o", str(out), "--no-cache"])
    assert code == expected_code
    return json.loads(out.read_text(encoding="utf-8"))


def annotations(root: Path, expected_code: int = 0) -> dict:
    # By the -o suffix: .jsonld picks the format with --format auto.
    return check(root, "auto", root / "evidence.jsonld", expected_code)


def sources_of(root: Path) -> dict[str, Source]:
    return load_project(root / "claims.yaml", root / "sources").sources


def items(document: dict) -> list[dict]:
    return document["first"]["items"]


def tags(annotation: dict) -> list[str]:
    return [b["value"] for b in annotation["body"] if b.get("purpose") == "tagging"]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    root = copy_example(tmp_path_factory.mktemp("example"))
    return root, annotations(root), check(root, "json", root / "report.json")


def test_the_example_matches_the_schema_with_one_annotation_per_verified_citation(example) -> None:
    _, document, report = example
    validator = jsonschema.Draft7Validator(SCHEMA)
    assert [e.message for e in validator.iter_errors(document)] == []
    verified = [(claim["id"], number) for claim in report["claims"]
                for number, citation in enumerate(claim["citations"], start=1) if citation["ok"]]
    assert [a["id"] for a in items(document)] == [f"urn:briefing:claim:{c}:citation:{n}" for c, n in verified]
    assert document["total"] == len(verified) == report["summary"]["citations_verified"]


def test_every_selector_anchors_in_its_source_where_the_json_report_says(example) -> None:
    root, document, report = example
    sources = sources_of(root)
    matches = {f"urn:briefing:claim:{claim['id']}:citation:{number}": citation["matches"]
               for claim in report["claims"] for number, citation in enumerate(claim["citations"], start=1)}
    for annotation in items(document):
        spans = []
        for target in annotation["target"]:
            quote, position = target["selector"]
            source = sources[target["briefing:source"]]
            text, start, end = source.text, position["start"], position["end"]
            assert quote["exact"] == text[start:end]
            assert quote["prefix"] == text[max(0, start - CONTEXT):start]
            assert quote["suffix"] == text[end:end + CONTEXT]
            assert target["source"] == f"urn:sha256:{source.sha256}" == f"urn:sha256:{target['briefing:sha256']}"
            spans.append((start, end))
        assert spans == [(m["start"], m["end"]) for m in matches[annotation["id"]]], annotation["id"]


def test_an_elided_quote_has_one_target_per_part_in_source_order(example) -> None:
    _, document, _ = example
    first = items(document)[0]  # "22 February 2023 11:09 (UTC+04:00) ... Secretary General ..."
    exact = [t["selector"][0]["exact"] for t in first["target"]]
    assert exact[0] == "22 February 2023 11:09 (UTC+04:00)"
    assert exact[1].startswith("Secretary General of the Organization of Islamic Cooperation")
    starts = [t["selector"][1]["start"] for t in first["target"]]
    assert starts == sorted(starts) and len(set(starts)) == 2


MISQUOTED_TOLL = GOOD.replace("including 63 children", "including 83 children")
TWO_CITATIONS = """\
    title: "Test"
    sections:
      - heading: "Casualties"
        claims:
          - id: toll
            text: "613 civilians were killed."
            citations:
              - source: azernews-2023
                quote: "613 Azerbaijani civilians, including 63 children"
              - source: rajabova-2013
                quote: "613 civilians, including 106 women, 70 elderly"
    """


@pytest.mark.parametrize("claims, code, expected", [
    (GOOD, 0, [("urn:briefing:claim:toll:citation:1", ["verified"]),
               ("urn:briefing:claim:children:citation:1", ["verified"])]),
    # A misquote has no place in its source: no annotation, not even on the nearest passage.
    (MISQUOTED_TOLL, 1, [("urn:briefing:claim:children:citation:1", ["verified"])]),
    # A matched quote of a failed claim is annotated, and tagged with the claim's status.
    (TWO_CITATIONS, 1, [("urn:briefing:claim:toll:citation:1", ["misquoted"])]),
], ids=["all-verified", "misquote-left-out", "matched-part-of-failed-claim"])
def test_only_matched_citations_are_annotated(tmp_path: Path, claims: str, code: int,
                                              expected: list[tuple[str, list[str]]]) -> None:
    document = annotations(write_project(tmp_path, claims, KHOJALY), code)
    assert [(a["id"], tags(a)) for a in items(document)] == expected
    assert document["total"] == len(expected)


@pytest.mark.parametrize("url, expected", [
    ("https://www.azernews.az/nation/206155.html", "https://www.azernews.az/nation/206155.html"),
    ("", None),
    ("www.azernews.az/nation/206155.html", None),  # no scheme: not an IRI, so the hash
    ("javascript:alert(1)", None),
], ids=["url", "none", "no-scheme", "not-http"])
def test_the_target_is_the_sources_url_else_the_hash_of_its_bytes(tmp_path: Path, url: str,
                                                                  expected: str | None) -> None:
    front = f'url: "{url}"\n' if url else ""
    source = KHOJALY["azernews-2023.md"].replace("---\n", f"---\n{front}", 1)
    root = write_project(tmp_path, GOOD, {**KHOJALY, "azernews-2023.md": source})
    target = items(annotations(root))[0]["target"][0]
    digest = hashlib.sha256((root / "sources" / "azernews-2023.md").read_bytes()).hexdigest()
    assert target["source"] == (expected or f"urn:sha256:{digest}")
    assert target["briefing:sha256"] == digest


def _break(document: dict, path: tuple, value: object) -> dict:
    broken = copy.deepcopy(document)
    *parents, last = path
    node = broken
    for key in parents:
        node = node[key]
    if value is KeyError:
        del node[last]
    else:
        node[last] = value
    return broken


TARGET = ("first", "items", 0, "target", 0)


@pytest.mark.parametrize("path, value", [
    (("first", "items", 0, "target"), []),
    (("first", "items", 0, "@context"), KeyError),
    (("first", "items", 0, "type"), "Note"),
    ((*TARGET, "source"), "sources/azernews-2023.md"),
    ((*TARGET, "selector", 0, "exact"), ""),
    ((*TARGET, "selector", 0, "prefix"), "x" * 33),
    ((*TARGET, "selector", 1, "start"), "17"),
    ((*TARGET, "selector", 1, "end"), KeyError),
    ((*TARGET, "briefing:sha256"), "bfe82a"),
], ids=["no-target", "no-context", "not-an-annotation", "relative-source", "empty-exact", "long-prefix",
        "start-as-string", "no-end", "short-hash"])
def test_the_schema_refuses_a_broken_annotation(example, path: tuple, value: object) -> None:
    _, document, _ = example
    validator = jsonschema.Draft7Validator(SCHEMA)
    assert validator.is_valid(document)
    assert not validator.is_valid(_break(document, path, value))


def test_unusable_input_writes_no_annotations(tmp_path: Path) -> None:
    root = write_project(tmp_path, "title: [unclosed\n", KHOJALY)
    out = tmp_path / "evidence.jsonld"
    assert main(["check", str(root), "-o", str(out)]) == 2
    assert not out.exists()


def test_the_same_project_in_two_folders_gives_the_same_bytes(tmp_path: Path) -> None:
    outputs = []
    for folder in ("one", "two"):
        root = write_project(tmp_path / folder, GOOD, KHOJALY)
        annotations(root)
        outputs.append((root / "evidence.jsonld").read_bytes())
    assert outputs[0] == outputs[1]
