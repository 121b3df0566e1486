"""Issue 15 §2, §3, §6 through the command line: exit codes with --strict, the report's lists of
names, and numbers longer than Python's 4,300-digit limit in every input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from support import write_project

from briefing.cli import main

# --- §3: the issue's tokens, with quotes that do not state them and with quotes that do -----------

SOURCE = """\
The fund holds 9 people. The fund holds $9,000,000.
The plant makes 900 kW. The plant makes 0.9 GW.
It costs 900 euros. It costs $900. It costs 7 euros. It costs €7,000,000.
a 900 zoom and a x900 zoom lens. 90/day arrive; 900 per day arrive.
£5 was paid. 5 million pounds was paid. 63 people and 63,000 people.
630 units and 630² units. half of the vote; ½ of the vote.
the 48th session and the XLVIII session. a rate of 5%, a rate of 5 per mille.
up 5 points, up 5%, up 5 percentage points, up 5 pp.
"""

# id, claim text, the quote that does not state its figure, the quote that does
TOKENS = [
    ("dollar-m", "The fund holds $9M.", "The fund holds 9 people", "The fund holds $9,000,000"),
    ("megawatts", "The plant makes 900MW.", "The plant makes 900 kW", "The plant makes 0.9 GW"),
    ("usd", "It costs USD900.", "It costs 900 euros", "It costs $900"),
    ("eur-million", "It costs EUR7 million.", "It costs 7 euros", "It costs €7,000,000"),
    ("x900", "It has a x900 zoom.", "a 900 zoom", "a x900 zoom lens"),
    ("per-day", "900/day arrive.", "90/day arrive", "900 per day arrive"),
    ("pound-m", "£5m was paid.", "£5 was paid", "5 million pounds was paid"),
    ("k", "63k people came.", "63 people", "63,000 people"),
    ("superscript", "There are 630² units.", "630 units", "630² units"),
    ("fraction", "½ of the vote went to her.", "half of the vote", "½ of the vote"),
    ("roman", "It was the XLVIII session.", "the 48th session", "the XLVIII session"),
    ("per-mille", "It was a rate of 5‰.", "a rate of 5%", "a rate of 5 per mille"),
    ("pct", "Prices went up 5 pct.", "up 5 points", "up 5%"),
    ("points", "Turnout went up 5 percentage points.", "up 5%", "up 5 pp"),
]
REFUSED = {"x900", "superscript", "fraction", "roman"}  # tokens not read: figure.unreadable


def _claims(pick: int) -> str:
    items = "".join(f"""
      - id: {name}
        text: "{claim}"
        source: s
        quote: "{quotes[pick]}"
""" for name, claim, *quotes in TOKENS)
    return f'title: "T"\nsections:\n  - heading: "H"\n    claims:{items}'


def _json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["check", str(root), "--format", "json", "--no-cache", *args])
    return code, json.loads(capsys.readouterr().out)


def test_every_token_of_the_issue_fails_without_a_quote_stating_it(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(write_project(tmp_path, _claims(0), {"s.md": SOURCE}), capsys, "--strict")
    assert code == 1
    assert {c["id"]: c["status"] for c in report["claims"]} == {name: "figure_mismatch" for name, *_ in TOKENS}
    unreadable = {d["message"].split("'")[1] for d in report["diagnostics"] if d["code"] == "figure.unreadable"}
    assert unreadable == REFUSED
    assert all(d["severity"] == "error" for d in report["diagnostics"] if d["code"] == "figure.unreadable")


def test_every_token_of_the_issue_passes_with_a_quote_stating_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _json(write_project(tmp_path, _claims(1), {"s.md": SOURCE}), capsys, "--strict")
    assert [(c["id"], c["status"]) for c in report["claims"] if not c["ok"]] == []
    assert code == 0


def test_an_unreadable_token_is_named_at_the_claim_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = textwrap.dedent("""\
        title: "T"
        sections:
          - heading: "H"
            claims:
              - id: sq
                text: "There are 630² units."
                source: s
                quote: "630 units"
        """)
    assert main(["check", str(write_project(tmp_path, claims, {"s.md": SOURCE})), "--format", "text", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert ("claims.yaml:6:9: error: claim 'sq': \u201c630\u00b2\u201d is a superscript or subscript number, "
            "which the check does not read, and no verified quote states it as written") in out
    assert ("error: claim 'sq' figure_mismatch: \u201c630\u00b2\u201d in the text cannot be read as a figure "
            "and no verified quote states it as written") in out


# --- §2: the figures of the source text that matched -----------------------------------------------

def test_a_quote_cannot_create_a_number_through_the_whitespace_fold(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    claims = textwrap.dedent("""\
        title: "T"
        sections:
          - heading: "H"
            claims:
              - id: joined
                text: "1,613 civilians voted."
                source: s
                quote: "round 1\\u00a0613 civilians voted"
              - id: apart
                text: "613 civilians voted in round 1."
                source: s
                quote: "round 1\\u00a0613 civilians voted"
        """)
    root = write_project(tmp_path, claims, {"s.md": "In round 1 613 civilians voted.\n"})
    code, report = _json(root, capsys, "--strict")
    assert code == 1
    assert [(c["id"], c["status"], [f["text"] for f in c["figures"]["unbacked"]]) for c in report["claims"]] == [
        ("joined", "figure_mismatch", ["1,613"]), ("apart", "verified", [])]


# --- §3: names declared once ------------------------------------------------------------------------

NAMES = """\
title: "T"
names: ["G20", "MPL 2.0"]
sections:
  - heading: "H"
    claims:
      - id: pledge
        text: "The G20 pledged {amount}."
        source: s
        quote: "The G20 met in Rome"
      - id: licence
        text: "The code moved to MPL 2.0."
        source: s
        quote: "The code moved"
"""


@pytest.mark.parametrize("amount, code, unbacked", [
    pytest.param("500 million", 1, ["500 million"], id="a figure beside the name needs its quote"),
    pytest.param("help", 0, [], id="the name alone"),
])
def test_declared_names(tmp_path: Path, capsys: pytest.CaptureFixture[str], amount: str, code: int,
                        unbacked: list[str]) -> None:
    root = write_project(tmp_path, NAMES.format(amount=amount), {"s.md": "The G20 met in Rome. The code moved.\n"})
    exit_code, report = _json(root, capsys, "--strict")
    assert exit_code == code
    pledge, licence = report["claims"]
    assert [f["text"] for f in pledge["figures"]["unbacked"]] == unbacked
    assert (pledge["figures"]["named"], licence["figures"]["named"], licence["ok"]) == (["G20"], ["MPL 2.0"], True)
    assert report["summary"]["named_figures"] == 2
    assert main(["check", str(root), "--format", "text", "--no-cache"]) == code
    assert ("numbers read as names, not figures (names):\n  pledge: \u201cG20\u201d\n  licence: \u201cMPL 2.0\u201d"
            in capsys.readouterr().out)


def test_a_name_in_no_claim_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = NAMES.format(amount="help").replace('names: ["G20", "MPL 2.0"]', 'names: ["G20", "MPL 2.0", "C40"]')
    code, report = _json(write_project(tmp_path, claims, {"s.md": "The G20 met in Rome. The code moved.\n"}), capsys)
    assert code == 0
    assert [(d["code"], d["message"], d["line"], d["col"]) for d in report["diagnostics"]] == [
        ("figure.unused-name", "name 'C40' in 'names' occurs in no claim's text", 2, 27)]


@pytest.mark.parametrize("name, message", [
    pytest.param("500 million", "name '500 million' in 'names' has no capital letter", id="amount"),
    pytest.param("G20 pledged 500", "name 'G20 pledged 500' in 'names' holds \u201c500\u201d after a lower-case word",
                 id="count"),
    pytest.param("OIC", "name 'OIC' in 'names' has no digit", id="no-digit"),
])
def test_a_name_that_is_no_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                           message: str) -> None:
    claims = NAMES.format(amount="help").replace('names: ["G20", "MPL 2.0"]', f'names: ["G20", "{name}"]')
    root = write_project(tmp_path, claims, {"s.md": "The G20 met in Rome. The code moved.\n"})
    assert main(["check", str(root), "--format", "text"]) == 2
    err = capsys.readouterr().err
    assert f"claims.yaml:2:16: error: {message}" in err


# --- §6: numbers of more than 4,300 digits ----------------------------------------------------------

BIG = "7" * 5000
SHOWN = "\u201c77777777777777777777\u202677777777 (5,000 characters)\u201d"


def _args(command: list[str], root: Path, tmp_path: Path) -> list[str]:
    if command[0] == "show":
        return ["show", "big", str(root)]
    output = ["-o", str(tmp_path / "b.html")] if command[0] == "build" else []
    return [command[0], str(root), *command[1:], *output]


def _big_project(root: Path, text: str, quote: str, extra: str = "") -> Path:
    claims = textwrap.dedent(f"""\
        title: "T"
        sections:
          - heading: "H"
            claims:
              - id: big
                text: "{text}"
                source: s
                quote: "{quote}"
        """) + extra
    sources = {"s.md": f"The count was {BIG} votes, and 5 children were killed in the town.\n",
               "t.md": f"Reports say {BIG} children were killed in the town, or 7 children were killed.\n"}
    return write_project(root, claims, sources)


@pytest.mark.parametrize("command", [["check"], ["check", "--strict"], ["show"],
                                     ["build", "--format", "html"]], ids=["check", "strict", "show", "build"])
def test_a_long_number_in_the_claim_text_is_refused_not_a_crash(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str],
                                                                 command: list[str]) -> None:
    root = _big_project(tmp_path, f"The count was {BIG} votes.", "5 children were killed")
    assert main(_args(command, root, tmp_path)) == 1
    out = capsys.readouterr().out
    assert "internal error" not in out and SHOWN in out
    assert BIG not in out.replace(f"\u201cThe count was {BIG[:216]}", "")  # only the claim text, cut at 240


@pytest.mark.parametrize("command", [["check", "--strict"], ["show"], ["build", "--format", "html"]],
                         ids=["check", "show", "build"])
def test_a_long_number_in_a_quote_backs_the_same_digits(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       command: list[str]) -> None:
    root = _big_project(tmp_path, f"The count was {BIG} votes.", f"The count was {BIG} votes")
    assert main(_args(command, root, tmp_path)) == 0
    assert "internal error" not in capsys.readouterr().err


def test_a_long_exemption_is_shown_cut(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _big_project(tmp_path, "5 children were killed.", "5 children were killed",
                        extra=f'        exempt_figures: ["{BIG}"]\n')
    code, report = _json(root, capsys)
    assert code == 0
    assert [d["message"] for d in report["diagnostics"] if d["code"] == "figure.unused-exemption"] == [
        f"claim 'big': exempt figure '{SHOWN[1:-1]}' does not appear in its text"]


def test_a_long_name_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claims = f'title: "T"\nnames: ["{BIG}"]\n' + _big_project(tmp_path, "5 children were killed.",
                                                              "5 children were killed").joinpath(
        "claims.yaml").read_text(encoding="utf-8").split("\n", 1)[1]
    (tmp_path / "claims.yaml").write_text(claims, encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    assert "has no letter" in capsys.readouterr().err


@pytest.mark.parametrize("value, code, hint", [
    pytest.param("G20", "claims.type", 'write names: ["G20", "MPL 2.0"]', id="not-a-list"),
    pytest.param('[""]', "claims.empty-value", "remove the empty item", id="empty-item"),
    pytest.param('["G20 pledged 5"]', "claims.bad-name", "list only names with numbers in them, such as G20, COVID-19 "
                 "or MPL 2.0", id="lower-case-word"),
])
def test_the_names_list_is_checked_like_the_rest_of_the_file(value: str, code: str, hint: str) -> None:
    from briefing.claims.read import parse_claims

    briefing, diagnostics = parse_claims(NAMES.format(amount="help").replace('["G20", "MPL 2.0"]', value),
                                         "claims.yaml")
    assert briefing is None
    assert [(d.code, d.location.line, d.hint) for d in diagnostics] == [(code, 2, hint)]


def test_declared_names_keep_their_place() -> None:
    from briefing.claims.read import parse_claims
    from briefing.models import Name

    briefing, _ = parse_claims(NAMES.format(amount="help"), "claims.yaml")
    assert briefing is not None and briefing.names == (Name("G20", 2, 9), Name("MPL 2.0", 2, 16))
