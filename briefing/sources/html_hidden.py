"""Which HTML elements a reader never sees, and where a skipped element ends (pure).

Issue 15 §5: content hidden by the `hidden` attribute or an inline `display: none` /
`visibility: hidden` is not the page's text, as the DOCX reader skips hidden runs. Decisions:
- `hidden="until-found"` stays text: the browser shows it when find-in-page reaches it, as a
  closed `<details>` (also text) opens when clicked.
- `aria-hidden` stays text: it hides from screen readers, not from the eye.
- Only inline styles are read; a class hidden by a style sheet is not (no CSS engine here).
- A `visibility: hidden` element is skipped whole, though a child may set itself visible again.
"""

from __future__ import annotations

import re

_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_IMPORTANT = re.compile(r"!\s*important\s*$", re.IGNORECASE)

# Elements whose end tag may be left out (HTML's "optional end tags"): what closes them.
# (start tags that close it, end tags of an ancestor that close it, containers of its kind)
_BLOCKS_P = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre",
    "search", "section", "summary", "table", "ul", "xmp", "li", "dd", "dt"})
_ANCESTORS_P = frozenset({
    "address", "article", "aside", "blockquote", "body", "button", "caption", "center", "dd",
    "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "header", "hgroup", "html", "legend", "li", "listing", "main", "menu", "nav", "ol",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"})
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
_IMPLIED: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    "p": (_BLOCKS_P, _ANCESTORS_P, frozenset()),
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"}), frozenset({"ul", "ol", "menu"})),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"}), frozenset({"dl"})),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"}), frozenset({"dl"})),
    "td": (frozenset({"td", "th", "tr"}) | _SECTIONS, frozenset({"tr", "table"}) | _SECTIONS,
           frozenset({"table"})),
    "th": (frozenset({"td", "th", "tr"}) | _SECTIONS, frozenset({"tr", "table"}) | _SECTIONS,
           frozenset({"table"})),
    "tr": (frozenset({"tr"}) | _SECTIONS, frozenset({"table"}) | _SECTIONS, frozenset({"table"})),
    "option": (frozenset({"option", "optgroup"}), frozenset({"select", "datalist", "optgroup"}),
               frozenset()),
    **{tag: (_SECTIONS, frozenset({"table"}), frozenset({"table"})) for tag in _SECTIONS},
}
_NOTHING: tuple[frozenset[str], frozenset[str], frozenset[str]] = (frozenset(), frozenset(), frozenset())
_RAW = frozenset({"script", "style"})


def hides(attrs: list[tuple[str, str | None]]) -> bool:
    """Whether an element with these attributes is hidden from a reader (see the module's note)."""
    hidden: str | None = None
    style: str | None = None
    seen_hidden = seen_style = False
    for name, value in attrs:  # a repeated attribute: browsers keep the first
        if name == "hidden" and not seen_hidden:
            seen_hidden, hidden = True, value
        elif name == "style" and not seen_style:
            seen_style, style = True, value
    if seen_hidden and (hidden or "").strip().lower() != "until-found":
        return True
    return bool(style) and _style_hides(style or "")


def _style_hides(style: str) -> bool:
    """`display: none` or `visibility: hidden|collapse` in an inline style, the last declaration
    of each property winning unless an earlier one is `!important`."""
    found: dict[str, tuple[str, bool]] = {}
    for declaration in _CSS_COMMENT.sub("", style).split(";"):
        name, colon, value = declaration.partition(":")
        if not colon:
            continue
        name, value = name.strip().lower(), value.strip().lower()
        important = bool(_IMPORTANT.search(value))
        value = _IMPORTANT.sub("", value).strip()
        if name in found and found[name][1] and not important:
            continue
        found[name] = (value, important)
    return (found.get("display", ("", False))[0] == "none"
            or found.get("visibility", ("", False))[0] in ("hidden", "collapse"))


class Skipped:
    """An element whose content is being skipped, and the tags that end it.

    Elements are counted by name, so nested ones of the same kind end in the right place; an
    element with an optional end tag (`<p>`, `<li>`, `<td>`...) also ends where a browser
    closes it, so a hidden `<p>` left open never hides the paragraphs after it.
    """

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self._depth = 1
        self._nested = 0  # containers of its kind opened inside it (a list inside a hidden <li>)
        self._closers, self._ends, self._containers = _IMPLIED.get(tag, _NOTHING)

    def start(self, tag: str) -> bool:
        """Count a start tag met inside; True when it closes the element (the caller reads it)."""
        if tag in self._containers:
            self._nested += 1
        elif tag in self._closers:
            return self._nested == 0
        elif tag == self.tag:
            self._depth += 1
        return False

    def end(self, tag: str) -> str:
        """"inside", "closed" (its own end tag, consumed) or "closed-by" (an ancestor's end tag,
        which the caller then reads)."""
        if self._nested:
            self._nested -= tag in self._containers
            return "inside"
        if tag == self.tag:
            self._depth -= 1
            return "closed" if self._depth == 0 else "inside"
        if tag in self._ends or (tag in ("body", "html") and self.tag not in _RAW):
            return "closed-by"  # an element left open never hides the rest of the page
        return "inside"
