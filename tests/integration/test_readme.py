"""The README and docs/ say what the code does (manubot's rule: docs that cannot drift; issue 18).

Each test reads a page and checks it against the package: the --help blocks, the README's
example, every diagnostic code, the security ledger's tests, the JSON keys, and every link.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import pkgutil
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import briefing
from briefing.cli import cli, main


def _root() -> Path:
    """The checkout: the folder above this file that holds pyproject.toml (wherever tests live)."""
    return next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


ROOT = _root()
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PACKAGE = Path(briefing.__file__).resolve().parent
README_MAX_LINES = 260  # issue 18: a README a newcomer reads in five minutes (about 250 lines)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The text under `heading` (a whole heading line), up to the next heading of its level or higher."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n") + len(heading) + 1
    end = re.search(rf"^#{{1,{level}}} ", text[start:], re.M)
    return text[start:start + end.start()] if end else text[start:]


def _find(name: str) -> object:
    """The package's attribute `name`, in whichever module it lives (the package is being
    re-folded into stage folders, issue 18: the docs tests must not care where)."""
    for module in pkgutil.walk_packages(briefing.__path__, "briefing."):
        if module.name.endswith("__main__"):
            continue
        value = getattr(importlib.import_module(module.name), name, None)
        if value is not None:
            return value
    raise LookupError(name)


# --- README: short, and the two commands a fresh machine needs --------------------------------


def test_readme_is_short() -> None:
    lines = _read(README).count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move reference text to docs/"


def test_readme_gives_the_two_commands_and_where_briefing_lives() -> None:
    quick = _section(_read(README), "## Quick start")
    assert re.search(r"^    make +#", quick, re.M) and re.search(r"^    make test +#", quick, re.M)
    assert "requirements.lock.txt" in quick
    # After `make`, `briefing` is not on PATH: the README must say where it is (issue 18).
    assert ".venv/bin/briefing" in quick and "source .venv/bin/activate" in quick


def test_readme_shows_init_check_build_early() -> None:
    text = _read(README)
    steps = [text.index(f"    briefing {command}") for command in ("init", "check", "build")]
    assert steps == sorted(steps) and text[:steps[0]].count("\n") < 60


# --- README: the example runs as shown -----------------------------------------------------------

EXAMPLE = re.compile(r"<!-- example:(?P<name>[^>]+?) -->\n```[a-z]*\n(?P<text>.*?)```\n", re.S)


def _examples() -> dict[str, str]:
    return {m["name"]: m["text"] for m in EXAMPLE.finditer(_read(README))}


def test_readme_example_checks_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    examples = _examples()
    shown = examples.pop("check")
    assert sorted(examples) == ["claims.yaml", "sources/ministry.md"]
    for name, text in examples.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", "--no-cache"]) == 1  # "exits 1", as the README says
    assert out.getvalue() == shown
    # "With the quote fixed (`63 children`), it exits 0."
    claims = tmp_path / "claims.yaml"
    claims.write_text(_read(claims).replace("83 children", "63 children"), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["check", "--no-cache"]) == 0


WRITE = re.compile(r"<!-- write:(?P<name>[^>]+?) -->\n```[a-z]*\n(?P<text>.*?)```\n", re.S)


def test_readme_document_example_checks_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """"Write a briefing" (issue 16): the prose over the first example's claim (its quote fixed)."""
    examples = _examples()
    written = {m["name"]: m["text"] for m in WRITE.finditer(_read(README))}
    shown = written.pop("check")
    assert sorted(written) == ["briefing.md"]
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "ministry.md").write_text(examples["sources/ministry.md"], encoding="utf-8")
    claims = examples["claims.yaml"].replace("83 children", "63 children")
    (tmp_path / "claims.yaml").write_text(claims, encoding="utf-8")
    (tmp_path / "briefing.md").write_text(written["briefing.md"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", "--no-cache"]) == 1
    assert out.getvalue() == shown
    # "With `63 of them`, it exits 0."
    document = tmp_path / "briefing.md"
    document.write_text(_read(document).replace("83 of them", "63 of them"), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["check", "--no-cache"]) == 0


# --- docs/cli.md: the --help blocks are the real --help ----------------------------------------

CLI_DOC = DOCS / "cli.md"
BLOCK = re.compile(r"<!-- help:(?P<command>[^>]+?) -->\n```\n(?P<text>.*?)```\n<!-- /help -->", re.S)


def _blocks() -> list[tuple[str, str]]:
    return [(m["command"], m["text"]) for m in BLOCK.finditer(_read(CLI_DOC))]


def test_cli_doc_has_help_blocks() -> None:
    assert [command for command, _ in _blocks()][:2] == ["briefing", "briefing check"]


@pytest.mark.parametrize(("command", "documented"), _blocks(), ids=[c for c, _ in _blocks()])
def test_help_block_is_current(command: str, documented: str) -> None:
    args = command.split()[1:] + ["--help"]
    # As a terminal of 80 columns or more shows it: click wraps help at 78 there.
    result = CliRunner().invoke(cli, args, prog_name="briefing", terminal_width=78)
    assert result.exit_code == 0
    assert result.output == documented, f"update the docs/cli.md block for `{command} --help`"


def test_every_command_has_a_help_block() -> None:
    documented = {command for command, _ in _blocks()}
    assert {f"briefing {name}" for name in cli.commands} <= documented


# --- docs/results.md: every diagnostic code, once, with its severity and --strict ----------------

RESULTS = DOCS / "results.md"
CODE_ROW = re.compile(r"^\| `(?P<code>[a-z]+\.[a-z0-9-]+)` \| (?P<severity>error|warning|error or warning) \| "
                      r"(?P<strict>yes|no) \| (?P<exit>[12]|—) \| (?P<meaning>[^|]+.*) \|$", re.M)


def _documented() -> dict[str, re.Match[str]]:
    rows: dict[str, re.Match[str]] = {}
    for row in CODE_ROW.finditer(_read(RESULTS)):
        assert row["code"] not in rows, f"{row['code']} is listed twice in docs/results.md"
        rows[row["code"]] = row
    return rows


def _codes() -> dict:
    from briefing.diagnostics import CODES
    return CODES


def test_the_code_table_covers_every_family() -> None:
    # tests/unit/test_codes.py proves every Diagnostic(...) uses a code of the table.
    assert {code.split(".")[0] for code in _codes()} >= {
        "build", "claims", "figure", "lock", "quote", "show", "source", "sources"}
    assert len(_codes()) >= 70


def test_every_code_the_package_emits_is_in_the_results_doc() -> None:
    missing = sorted(set(_codes()) - set(_documented()))
    assert missing == [], f"describe these codes in docs/results.md: {missing}"


def test_the_results_doc_lists_no_code_the_package_lacks() -> None:
    stale = sorted(set(_documented()) - set(_codes()))
    assert stale == [], f"docs/results.md lists codes nothing emits: {stale}"


def test_strict_column_is_exactly_the_codes_strict_promotes() -> None:
    strict = {code for code, row in _documented().items() if row["strict"] == "yes"}
    assert strict == {code for code, entry in _codes().items() if entry.strict}
    assert strict == set(_find("STRICT_CODES"))  # type: ignore[arg-type]
    assert all(_documented()[code]["severity"] == "warning" for code in strict)


def test_severity_column_is_the_tables() -> None:
    for code, entry in _codes().items():
        assert _documented()[code]["severity"] == " or ".join(sorted(s.value for s in entry.severities)), code


def test_each_codes_anchor_is_its_row() -> None:
    text = _read(RESULTS)
    for code, entry in _codes().items():
        page, _, anchor = entry.anchor.partition("#")
        assert page == "docs/results.md" and f'| `{code}` |' in text and f'<a id="{anchor}"></a>' in text, code


def test_warnings_never_exit_on_their_own_and_errors_do() -> None:
    for code, row in _documented().items():
        assert (row["exit"] == "—") == (row["severity"] == "warning"), code


@pytest.mark.parametrize("page", [README, RESULTS], ids=["readme", "results"])
def test_every_status_is_in_the_status_table(page: Path) -> None:
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", _read(page), re.M))
    assert {status.value for status in _find("Status")} <= rows  # type: ignore[attr-defined]


def test_settings_named_in_the_limits_exist() -> None:
    limits = _section(_read(RESULTS), "## Limits")
    # A setting is named in brackets after its default: "50 MiB (`claims_max_bytes`)".
    named = {name for group in re.findall(r"\(([^)]*)\)", limits)
             for name in re.findall(r"`([a-z]+(?:_[a-z]+)+)`", group)}
    assert named and named <= set(_find("Settings").__dataclass_fields__)  # type: ignore[attr-defined]


# --- docs/formats.md: every key of the JSON report is described -------------------------------


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_json_key_is_in_the_formats_doc(tmp_path: Path) -> None:
    examples = _examples()
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "ministry.md").write_text(examples["sources/ministry.md"], encoding="utf-8")
    (tmp_path / "claims.yaml").write_text(examples["claims.yaml"], encoding="utf-8")
    # With the README's briefing.md, so the keys only a prose project has are covered (issue 16).
    written = {m["name"]: m["text"] for m in WRITE.finditer(_read(README))}
    (tmp_path / "briefing.md").write_text(written["briefing.md"], encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", str(tmp_path), "--format", "json", "--no-cache"])
    report = json.loads(out.getvalue())
    assert report["document"]["own_figures"]
    keys = _keys(report) - set(report["summary"]["by_status"])  # by_status is keyed by the statuses
    doc = _read(DOCS / "formats.md")
    missing = sorted(k for k in keys if not re.search(rf"[\"`.]{re.escape(k)}[\"`]", doc))
    assert missing == [], f"describe these JSON keys in docs/formats.md: {missing}"


# --- docs/security.md: the ledger names real tests, and its known gaps are strict xfails -------

LEDGER = DOCS / "security.md"
PROOF = re.compile(r"`(?:(test_\w+\.py))?::(test_\w+)(?:\[[^\]]*\])?`")


def _test_file(name: str) -> Path:
    found = sorted((ROOT / "tests").rglob(name))
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def _named(text: str) -> list[tuple[str, str]]:
    """Every `file::test` (or `::test`, of the file last named) that the text gives as proof."""
    named, current = [], None
    for match in PROOF.finditer(text):
        current = match.group(1) or current
        named.append((current, match.group(2)))
    return named


def test_security_ledger_names_only_tests_that_exist() -> None:
    named = _named(_read(LEDGER))
    assert len(named) > 40
    missing = [(f, t) for f, t in named if f"def {t}(" not in _read(_test_file(f))]
    assert missing == []


def test_security_md_keeps_the_boundary_and_links_the_ledger() -> None:
    text = _read(ROOT / "SECURITY.md")
    assert "## Trust boundary" in text and "## Reporting a problem" in text
    assert "(docs/security.md)" in text


def test_each_known_gap_is_a_strict_xfail_and_each_promise_is_not() -> None:
    text = _read(LEDGER)
    gaps = _named(_section(text, "## Known gaps"))
    assert gaps
    for file, test in _named(text):
        source = _read(_test_file(file))
        head = source[:source.index(f"def {test}(")].rsplit("\n\n", 1)[-1]  # its decorators
        assert ("xfail(strict=True" in head) == ((file, test) in gaps), f"{file}::{test}"


# --- links: every relative link in README.md, SECURITY.md and docs/ points at a file and anchor -

PAGES = [README, ROOT / "SECURITY.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
# Written on the restructuring branch of issue 18, merged beside this one: checked once it exists.
PENDING = {DOCS / "development.md"}


def _prose(text: str) -> str:
    """The text without fenced or indented code blocks and code spans (links there are examples)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)
    text = re.sub(r"^    .*$", "", text, flags=re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    kept = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return kept.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    found: set[str] = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', _read(path)))
    for heading in re.findall(r"^#{1,6} (.+)$", re.sub(r"^```.*?^```", "", _read(path), flags=re.S | re.M), re.M):
        slug, n = _slug(heading), 0
        while (slug if n == 0 else f"{slug}-{n}") in found:
            n += 1
        found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def _links() -> list[tuple[str, Path, str]]:
    return [(page.name if page.parent == ROOT else f"docs/{page.name}", page, target)
            for page in PAGES for target in LINK.findall(_prose(_read(page)))
            if not re.match(r"[a-z]+:", target)]


def test_slugs_follow_github() -> None:
    assert [_slug(h) for h in ('What "verbatim" means', "Pinned sources: `sources.lock`", "`briefing check`",
                               "What an elision hides, what an insertion adds")] == [
        "what-verbatim-means", "pinned-sources-sourceslock", "briefing-check",
        "what-an-elision-hides-what-an-insertion-adds"]


def test_the_pages_link_to_each_other() -> None:
    assert len(_links()) > 40
    linked = {(page.parent / target.split("#")[0]).resolve() for _, page, target in _links() if target[0] != "#"}
    assert {p.resolve() for p in DOCS.glob("*.md")} <= linked, "a docs page nothing links to"


@pytest.mark.parametrize(("page", "path", "target"), _links(), ids=[f"{n}->{t}" for n, _, t in _links()])
def test_relative_link_points_at_a_file_and_anchor(page: str, path: Path, target: str) -> None:
    file, _, anchor = target.partition("#")
    resolved = (path.parent / file).resolve() if file else path
    if resolved in PENDING and not resolved.exists():
        pytest.skip(f"{file} is written on the issue 18 restructuring branch")
    assert resolved.exists(), f"{page}: {target} points at nothing"
    if anchor and resolved.suffix == ".md":
        assert anchor in _anchors(resolved), f"{page}: no heading for #{anchor} in {file or page}"
