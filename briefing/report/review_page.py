"""Renders the review page: one self-contained HTML file (reads its packaged template, style and
script; returns a string; issue 17 §1).

Every text from the claims and the sources is untrusted: jinja2 escapes it (autoescape), and the
page's Content-Security-Policy lets only the page's own script run (by its hash) and loads
nothing, so a `<script>` or `<img onerror>` in a quote shows as text and could not run even if it
were ever let through as markup.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import jinja2

from briefing.report.review import ReviewView

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TEMPLATE = "review.html.j2"


def _read(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def format_review(view: ReviewView) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    script = _read("review.js")
    return env.get_template(TEMPLATE).render(
        view=view, style=_read("review.css"), script=script, script_hash=script_hash(script))
