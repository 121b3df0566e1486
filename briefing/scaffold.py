"""`briefing init`: the files of a new briefing project, and writing them without overwriting (does I/O)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from briefing import __version__

SCHEMA_NAME = "claims.schema.json"

CLAIMS = f"""\
# yaml-language-server: $schema={SCHEMA_NAME}
# The claims that briefing.md cites. `briefing check` proves that every quote is in its source
# word for word, and that every figure of a sentence citing a claim is in its quotes.
# `briefing show source-kinds` shows where a claim's quote sits in its source.
sections:
  - heading: "Getting started"
    claims:
      - id: source-kinds
        # Optional beside briefing.md (its citing sentence is checked the same way); the
        # review of a claim shows it.
        text: "A source can be one of 4 kinds of file."
        source: example
        quote: "one of 4 kinds of file: plain text or Markdown, HTML, PDF, or Word"
"""

# The prose (issue 16): pandoc Markdown, citing the claims with pandoc's own `[@claim-id]`.
DOCUMENT = """\
---
title: "A new briefing"
subtitle: "What the sources say"
author: "Your name"
summary: >-
  A paragraph that says what the briefing finds, printed before the first heading.
---

# Getting started

Write the briefing here as ordinary prose, with headings, paragraphs, lists and tables in
pandoc Markdown. Cite a claim of claims.yaml wherever a sentence relies on it: a source can
be one of 4 kinds of file [@source-kinds], and `[@a; @b]` cites several claims in a single note.

`briefing check` proves that every figure of a sentence that cites claims is in their quotes.
It warns about a figure in a sentence that cites none, unless you mark it as your own, as in
[these 2 words]{.own}.
"""

SOURCE = """\
---
title: "An example source"
---
This is an example source: replace it with the articles, reports and statements that your
briefing cites. Each file in the sources folder is one source, and its name without the
extension is the id that claims cite. A source is one of 4 kinds of file: plain text or Markdown, HTML, PDF, or Word.

Metadata such as the title, publisher, author, date and URL goes in front matter like the
lines at the top of this file, or in a file named after the source with `.yaml` at the end.
"""

MAKEFILE = """\
# Check the briefing, then build it.  `make check` is the line to run in CI.
BRIEFING ?= briefing

.PHONY: all check pdf docx html

all: check pdf

check:
\t$(BRIEFING) check .

pdf:
\t$(BRIEFING) build . --format pdf -o build/briefing.pdf

docx:
\t$(BRIEFING) build . --format docx -o build/briefing.docx

html:
\t$(BRIEFING) build . --format html -o build/briefing.html
"""

WORKFLOW = """\
# Checks every quote and figure on each push and pull request. Failed claims show as
# annotations on claims.yaml, and every one is listed in the job summary.
name: briefing

on:
  push:
  pull_request:

jobs:
  check:
    runs-on: ubuntu-latest
    env:
      # Where your team installs briefing from (a Git URL, a wheel, or a package index
      # requirement): set it under Settings > Secrets and variables > Actions > Variables.
      BRIEFING_PACKAGE: ${{ vars.BRIEFING_PACKAGE }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install briefing
        run: |
          if [ -z "$BRIEFING_PACKAGE" ]; then
            echo "::error title=briefing::set the repository variable BRIEFING_PACKAGE"
            exit 1
          fi
          python -m pip install "$BRIEFING_PACKAGE"
      - name: Check the claims
        run: briefing check .
"""


@dataclass(frozen=True)
class Plan:
    """What `init` would write: relative path -> bytes, and which of those already exist."""

    root: Path
    files: dict[str, bytes]

    def existing(self) -> list[str]:
        return [name for name in self.files if os.path.lexists(self.root / name)]


def schema_text() -> str:
    return resources.files("briefing").joinpath("schemas", SCHEMA_NAME).read_text(encoding="utf-8")


def plan(root: Path, *, templates: bool = False) -> Plan:
    """The new project's files (pure apart from reading the packaged schema and templates)."""
    files = {
        "claims.yaml": CLAIMS.encode(),
        "briefing.md": DOCUMENT.encode(),
        SCHEMA_NAME: schema_text().encode(),
        "sources/example.md": SOURCE.encode(),
        "Makefile": MAKEFILE.encode(),
        ".github/workflows/briefing.yml": WORKFLOW.encode(),
    }
    if templates:
        packaged = resources.files("briefing").joinpath("templates")
        for item in sorted(packaged.iterdir(), key=lambda entry: entry.name):
            if item.is_file() and not item.name.startswith((".", "__")):
                files[f"templates/{item.name}"] = item.read_bytes()
    return Plan(root, files)


def write_plan(project: Plan) -> list[Path]:
    """Create every file; each is opened with O_EXCL, so an existing file is never replaced."""
    written: list[Path] = []
    for name, data in project.files.items():
        path = project.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as file:
            file.write(data)
        written.append(path)
    return written


NEXT_STEPS = f"""\
next steps:
{{cd}}  briefing check        # or: make check
  briefing build        # build/briefing.pdf
write the briefing in briefing.md, citing the claims of claims.yaml with [@claim-id].
editors that use yaml-language-server (VS Code's YAML extension, Neovim, Helix, ...) complete
and check claims.yaml as you type, through its first line. briefing {__version__} made this project.
"""
