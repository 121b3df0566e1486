"""Parses a page's content stream into pypdf's operations, for the plain streams WeasyPrint writes (pure).

Issue 19: pypdf reads a content stream a byte at a time in Python; for a WeasyPrint page (a hex
string and a number for every glyph) that took most of the PDF read-back. The streams WeasyPrint
writes use a small part of the syntax: operators, numbers, plain names, hex strings, arrays and
the marked-content property dictionaries. This reads that part with one regular expression and
builds the very objects pypdf's parser builds (a test compares the two on every page of the
example's PDFs). Anything else (a literal string, a comment, an inline image, a `#` in a name,
a possible indirect reference, a stream too long for pypdf's limits) gives None, and pypdf's
own parser reads the stream, so the read-back's answer never depends on this module.
"""

from __future__ import annotations

import io
import re
from typing import Any

# pypdf's delimiters (NameObject.delimiter_pattern): a name or an operator runs up to one.
_DELIMITER = rb"\s()<>\[\]{}/%"
_TOKEN = re.compile(
    rb"[ \t\r\n]*(?:"
    # An operator: what pypdf reads when a token starts with a letter or a quote (at most 128).
    rb"(?P<op>[A-Za-z'\"][^" + _DELIMITER + rb"]{0,15})(?![^" + _DELIMITER + rb"])"
    # A number as pypdf's read_object reads it: its first 20 bytes hold the end.
    rb"|(?P<num>[0-9+\-.][+,\-.0-9]{0,18})(?![+,\-.0-9])"
    # A name without `#` escapes, in ASCII (pypdf decodes it as it is).
    rb"|(?P<name>/[^" + _DELIMITER + rb"#\x00-\x20\x7f-\xff]{0,4000})(?![^" + _DELIMITER + rb"])"
    rb"|<(?P<hex>[0-9A-Fa-f \t\r\n]*)>"
    # A dictionary holding no other (nor a string or array), not a stream's (`stream` after it).
    rb"|(?P<dict><<[^<>()%\[\]{}]*>>)(?![ \t\r\n\x00\x0c]*stream)"
    rb"|(?P<open>\[)|(?P<close>\])"
    rb")")
_TRAILING = re.compile(rb"[ \t\r\n]*")
# `1 0 R` is an indirect reference to pypdf's read_object; such a stream is left to pypdf.
_INDIRECT = re.compile(rb"\d\s+\d+\s+R(?![a-zA-Z])")
# pypdf's smallest limit on a stream's objects (ArrayObject's, per array; this is per stream).
_MAX_TOKENS = 100_000


def operations(data: bytes) -> list[tuple[Any, bytes]] | None:
    """The operations pypdf's ContentStream parses from `data` (forced encoding "bytes"), or
    None when the stream is not one this reads (pypdf's parser must read it)."""
    try:
        return _operations(data)
    except Exception:  # a number or name pypdf would refuse: its parser says how
        return None


def _operations(data: bytes) -> list[tuple[Any, bytes]] | None:
    from pypdf.generic import ArrayObject

    if not data or _INDIRECT.search(data):
        return None
    found: list[tuple[Any, bytes]] = []
    operands: list[Any] = []
    arrays: list[Any] = []  # the arrays open at this point, innermost last
    known: dict[bytes, Any] = {}
    position, tokens = 0, 0
    for match in _TOKEN.finditer(data):
        if match.start() != position:
            return None  # a byte no token here reads
        position = match.end()
        tokens += 1
        kind = match.lastgroup
        text = match[kind] if kind else b""
        target = arrays[-1] if arrays else operands
        if kind == "op":
            if arrays or text == b"BI":  # inside an array a word is a boolean or null; BI an image
                return None
            found.append((operands, text))
            operands = []
        elif kind in ("num", "name", "hex"):
            # Each distinct token is made once: these objects are immutable (int, float, str
            # and bytes underneath), and a page repeats its glyphs and offsets thousands of times.
            # (A name starts with its slash; a hex string's digits are kept with its bracket.)
            key = b"<" + text if kind == "hex" else text
            made = known.get(key)
            if made is None:
                made = known[key] = _scalar(kind, text)
            target.append(made)
        elif kind == "dict":
            target.append(_dictionary(text))
        elif kind == "open":
            arrays.append(ArrayObject())
        elif kind == "close":
            if not arrays:
                return None
            done = arrays.pop()
            (arrays[-1] if arrays else operands).append(done)
    if tokens > _MAX_TOKENS or arrays or operands or _TRAILING.fullmatch(data, position) is None:
        return None
    return found


def _scalar(kind: str, text: bytes) -> Any:
    """A number, name or hex string as pypdf's read_object makes it."""
    from pypdf.generic import FloatObject, NameObject, NumberObject, create_string_object

    if kind == "num":
        return FloatObject(text) if b"." in text else NumberObject(text)
    if kind == "name":
        return NameObject(text.decode("ascii"))
    digits = re.sub(rb"[ \t\r\n]", b"", text)
    return create_string_object(bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()), "bytes")


def _dictionary(text: bytes) -> Any:
    """A marked-content property list (`<</MCID 3>>`), read by pypdf's own reader."""
    from pypdf.generic import read_object

    return read_object(io.BytesIO(text), None, "bytes")
