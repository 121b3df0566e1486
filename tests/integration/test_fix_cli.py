"""`briefing fix` (issue 17 §4): a misquote that differs from its source only in typography,
spacing, a line-end hyphen or a sentence's first letter is replaced by the source's exact text;
one that differs in a figure, a name or a negation, or whose nearest passage is ambiguous, is
left with the reason. Shown as a diff; written only with --write, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import write_project

from briefing.cli import main

SOURCE = """\
The committee met twice. It found that the “witnesses” were credible, and that
the events of 26 February were a massacre in which 63 children died.
Minister Aliyev said the town's archive was com-
posed of letters. The council did not adopt the resolution.
The vote — held in March — passed. It wasn't over.
The report is final. The report is final.
"""


def claims(quote: str) -> str:
    escaped = quote.replace("\\", "\\\\").replace('"', '\\"')
    return f'title: T\nsections:\n  - heading: H\n    claims:\n      - id: c\n        text: "x"\n' \
           f'        source: s\n        quote: "{escaped}"\n'


def run_fix(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["fix", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("quote, fixed, what", [
    pytest.param("It found that the ``witnesses'' were credible", "It found that the “witnesses” were credible",
                 "typography", id="tex-quotes-for-curly"),
    pytest.param("the town`s archive", "the town's archive", "typography", id="backtick-apostrophe"),
    pytest.param("The vote -- held in March -- passed.", "The vote — held in March — passed.", "typography",
                 id="double-hyphen-for-dash"),
    pytest.param("were credible , and that", "were credible, and that", "spacing", id="space-before-comma"),
    pytest.param("were credible,and that", "were credible, and that", "spacing", id="no-space-after-comma"),
    pytest.param("archive was com- posed of letters", "archive was composed of letters", "a line-end hyphen",
                 id="line-end-hyphen-pasted"),
    pytest.param("the committee met twice.", "The committee met twice.", "case", id="sentence-start-case"),
])
def test_fix_replaces_a_misquote_by_the_source_text(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    quote: str, fixed: str, what: str) -> None:
    root = write_project(tmp_path, claims(quote), {"s.txt": SOURCE})
    before = (root / "claims.yaml").read_bytes()
    code, out, err = run_fix(capsys, root)
    assert code == 1  # shown, not written
    assert (root / "claims.yaml").read_bytes() == before
    assert f'-        quote: "{claims(quote).splitlines()[-1].split(chr(34), 1)[1]}' in out
    assert f'+        quote: "{fixed}"\n' in out
    assert f":8:16: claim 'c', source 's': fixed ({what}) from its line " in out
    assert err.endswith("1 quote can be fixed; run `briefing fix --write` to write it\n")
    assert run_fix(capsys, root, "--write")[0] == 0
    assert (root / "claims.yaml").read_text(encoding="utf-8") == claims(fixed)
    assert main(["check", str(root)]) == 0


@pytest.mark.parametrize("quote, reason", [
    pytest.param("in which 83 children died", "a figure differs: the quote has “83” where the source has “63”",
                 id="63-vs-83"),
    pytest.param("in which 1963 Children died", "a figure differs: the quote has “1963” where the source has “63”",
                 id="figure-beside-a-case-change"),
    pytest.param("credible, and that the Events of 26 February",
                 "a name differs by case: the quote has “Events” where the source has “events”",
                 id="a-capital-mid-sentence-may-be-a-name"),
    pytest.param("Minister Alijev said the town's archive",
                 "a name differs: the quote has “Alijev” where the source has “Aliyev”", id="name-changed"),
    pytest.param("minister aliyev said the town's archive",
                 "a name differs by case: the quote has “aliyev” where the source has “Aliyev”",
                 id="name-by-case-mid-sentence"),
    pytest.param("The council did adopt the resolution",
                 "a negation differs: the source has “not”, which the quote leaves out", id="not-dropped"),
    pytest.param("The vote — held in March — passed. It was over.",
                 "a negation differs: the quote has “was” where the source has “wasn't”", id="nt-dropped"),
    pytest.param("the report is final", "more than one passage of the source reads the same once typography, "
                 "spacing and case are set aside; the nearest passage is ambiguous", id="ambiguous-nearest"),
    pytest.param("The committee met ... thrice.", "it has an elision or an editorial mark; fix it by hand",
                 id="elided-quote"),
])
def test_fix_refuses_and_says_why(capsys: pytest.CaptureFixture[str], tmp_path: Path, quote: str,
                                  reason: str) -> None:
    root = write_project(tmp_path, claims(quote), {"s.txt": SOURCE})
    before = (root / "claims.yaml").read_bytes()
    code, out, err = run_fix(capsys, root, "--write")
    assert code == 1
    assert out.endswith(f"claims.yaml:8:16: claim 'c', source 's': left as it is: {reason}\n")
    assert "@@" not in out  # no diff: nothing would change
    assert err.endswith("nothing to fix; 1 left as it is\n")
    assert (root / "claims.yaml").read_bytes() == before


@pytest.mark.parametrize("quote", [
    pytest.param('It found that the "witnesses" were credible', id="straight-for-curly-quotes"),
    pytest.param("The committee  met twice.", id="double-space"),
])
def test_what_check_already_folds_needs_no_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               quote: str) -> None:
    """Curly quotes typed straight and runs of spaces verify as they are: nothing to change."""
    root = write_project(tmp_path, claims(quote), {"s.txt": SOURCE})
    code, out, err = run_fix(capsys, root, "--write")
    assert (code, out) == (0, "")
    assert err.endswith("every quote verifies; nothing to fix\n")
    assert (root / "claims.yaml").read_text(encoding="utf-8") == claims(quote)


COMMENTED = """\
# yaml-language-server: $schema=claims.schema.json
title: T   # the title
sections:
  - heading: H
    claims:
      # the first claim, whose quote is folded over two lines
      - id: first
        text: 'x'
        source: s
        quote: >-
          the committee
          met twice.
        # a comment after the block scalar
      - id: second
        citations:
          - source: s
            quote: 'the town`s archive'   # kept beside its quote
          - {source: s, quote: "were credible , and that"}
        text: "x"   # text after citations: the order is kept
      - id: third
        text: "x"
        source: s
        quote: "in which 83 children died"
"""


def test_fix_write_keeps_comments_order_and_every_other_byte(capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    root = write_project(tmp_path, COMMENTED.replace("\n", "\r\n").encode("utf-8"), {"s.txt": SOURCE})
    code, out, err = run_fix(capsys, root, "--write")
    assert code == 1  # 'third' is left: a figure
    assert err.endswith("claims.yaml: 3 quotes fixed; 1 left as it is\n")
    expected = (COMMENTED
                .replace(">-\n          the committee\n          met twice.", '"The committee met twice."')
                .replace("'the town`s archive'", '"the town\'s archive"')
                .replace('"were credible , and that"', '"were credible, and that"'))
    assert (root / "claims.yaml").read_bytes() == expected.replace("\n", "\r\n").encode("utf-8")
    code = main(["check", str(root)])
    out, _ = capsys.readouterr()
    assert code == 1 and "1 of 3 claims failed (1 misquoted)" in out  # only 'third' fails
