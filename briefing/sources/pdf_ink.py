"""Which text on a PDF page a reader can see (pure: rewrites a page's parsed content operations).

Issue 15 §5: pypdf extracts every string a page shows, seen or not, and reads a raised note
mark as part of the number before it ("1992.3"). Before extraction, the page's operations are
walked as a painter would (graphics state, colours, text matrices, what has been painted), and:

- text no reader sees is replaced by a space (so the text on either side never joins): render
  mode 3 or 7 (invisible), fully transparent paint (ExtGState ca/CA 0), white paint where
  nothing but white is under it, text under 1 pt high, text whose origin is off the page
  (CropBox). Invisible text over an image is kept: it is an OCR layer, the text of the scan
  the reader sees. White text over anything painted (a coloured box, an image) is kept.
- raised text (a baseline 15-80% of the text height above the text before it, as a
  superscript or a note mark) is wrapped in `scripts.OPEN`/`CLOSE`, for `scripts.resolve`.

Not judged, so counted as visible: clipping paths, text covered by later drawing, colours in
spaces other than gray, RGB, CMYK and ICC-based ones (patterns, separations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from pypdf.generic import ContentStream, NameObject, TextStringObject

from briefing.sources.scripts import CLOSE, OPEN

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's default space
Operation = tuple[Any, bytes]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MIN_SIZE = 1.0  # points: smaller text is not read (below a pixel at 72 dpi)
WHITE = 0.97  # a gray or every RGB component at least this (CMYK: every ink at most 1 - this)
_MAX_BACKGROUNDS = 256  # past this many painted areas, their union stands for them all
_MAX_FORMS = 500  # form XObjects judged per page; the rest are read as pypdf reads them
_MAX_DEPTH = 8  # forms inside forms
_SHOW = frozenset({b"Tj", b"TJ", b"'", b'"'})
_FILLS = frozenset({b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"})
_DEVICE_SPACES = {"/DeviceGray": 1, "/G": 1, "/DeviceRGB": 3, "/RGB": 3, "/DeviceCMYK": 4, "/CMYK": 4,
                  "/CalGray": 1, "/CalRGB": 3}
REASONS = {"invisible": "drawn invisible", "transparent": "fully transparent",
           "white": "white on white", "tiny": "under 1 pt high", "off-page": "off the page"}


@dataclass(frozen=True)
class _State:
    """The parts of the graphics state that decide whether text is seen (saved by q, Q)."""

    ctm: Matrix = IDENTITY
    fill_white: bool = False
    stroke_white: bool = False
    fill_components: int | None = 1  # of the fill colour space; None when not judged
    stroke_components: int | None = 1
    fill_alpha: float = 1.0
    stroke_alpha: float = 1.0
    size: float | None = None
    render: int = 0
    rise: float = 0.0
    leading: float = 0.0


@dataclass
class Ink:
    """One page read as a painter would; `rewrite` returns its operations with unseen text
    blanked and raised text marked, and `hidden` names why text was left out."""

    box: Box
    pdf: Any = None  # the reader, for the forms' parsed operations
    backgrounds: list[Box] = field(default_factory=list)  # painted, not white
    images: list[Box] = field(default_factory=list)
    hidden: set[str] = field(default_factory=set)
    _base: tuple[float, float, float, float, float] | None = None  # x, y, up x, up y, size
    _forms: int = 0
    _parsed: dict[int, tuple[Any, list[Operation]]] = field(default_factory=dict)  # by id (kept alive)

    def rewrite(self, operations: list[Operation], resources: Any, ctm: Matrix = IDENTITY,
                depth: int = 0) -> list[Operation]:
        state, stack = _State(ctm=ctm), []
        tm = tlm = IDENTITY
        path: list[tuple[float, float]] = []
        out: list[Operation] = []
        for operands, op in operations:
            if op in _SHOW:
                if op in (b"'", b'"'):
                    tlm = tm = _mult((1.0, 0.0, 0.0, 1.0, 0.0, -state.leading), tlm)
                out += self._show(operands, op, state, tm)
                continue
            out.append((operands, op))
            numbers = _numbers(operands)
            if op == b"q":
                stack.append(state)
            elif op == b"Q":
                state = stack.pop() if stack else state
            elif op == b"cm" and len(numbers) == 6:
                state = replace(state, ctm=_mult(_as_matrix(numbers), state.ctm))
            elif op == b"BT":
                tm = tlm = IDENTITY
            elif op in (b"Td", b"TD") and len(numbers) == 2:
                if op == b"TD":
                    state = replace(state, leading=-numbers[1])
                tlm = tm = _mult((1.0, 0.0, 0.0, 1.0, numbers[0], numbers[1]), tlm)
            elif op == b"Tm" and len(numbers) == 6:
                tlm = tm = _as_matrix(numbers)
            elif op == b"T*":
                tlm = tm = _mult((1.0, 0.0, 0.0, 1.0, 0.0, -state.leading), tlm)
            elif op in (b"m", b"l", b"c", b"v", b"y", b"re"):
                path += _path_points(op, numbers, state.ctm)
            elif op in _FILLS or op in (b"S", b"s", b"n"):
                if op in _FILLS and path and not state.fill_white and state.fill_alpha > 0:
                    self._painted(_bounds(path), image=False)
                path = []
            elif op == b"sh":
                self._painted(self.box, image=False)
            elif op == b"INLINE IMAGE":
                self._painted(_bounds(_unit_square(state.ctm)), image=True)
            elif op == b"Do" and operands:
                out[-1] = self._draw(operands, resources, state.ctm, depth)
            else:
                state = _text_or_colour(op, operands, numbers, state, resources)
        return out

    def _show(self, operands: Any, op: bytes, state: _State, tm: Matrix) -> list[Operation]:
        verdict = self._judge(state, tm)
        if verdict == "raised":
            return [([TextStringObject(OPEN)], b"Tj"), (operands, op), ([TextStringObject(CLOSE)], b"Tj")]
        if verdict is None:
            return [(operands, op)]
        self.hidden.add(verdict)
        space = TextStringObject(" ")  # never an empty string: the words either side stay apart
        if op == b'"' and len(operands) >= 3:
            return [([*operands[:2], space], op)]
        return [([space], b"'" if op == b"'" else b"Tj")]

    def _judge(self, state: _State, tm: Matrix) -> str | None:
        """Why text drawn now is not seen (a key of REASONS), "raised", or None: plain text."""
        m = _mult(tm, state.ctm)
        x, y = state.rise * m[2] + m[4], state.rise * m[3] + m[5]
        scale = math.hypot(m[2], m[3])
        size = abs(state.size) * scale if state.size is not None else None
        if size is not None and size < MIN_SIZE:
            return "tiny"
        margin = size or MIN_SIZE
        x0, y0, x1, y1 = self.box
        if not (x0 - margin <= x <= x1 + margin and y0 - margin <= y <= y1 + margin):
            return "off-page"
        if state.render in (3, 7):
            if not _inside(x, y, self.images):
                return "invisible"
        else:
            paints = []
            if state.render in (0, 2, 4, 6):
                paints.append((state.fill_white, state.fill_alpha))
            if state.render in (1, 2, 5, 6):
                paints.append((state.stroke_white, state.stroke_alpha))
            if all(alpha <= 0 for _, alpha in paints):
                return "transparent"
            if all(white or alpha <= 0 for white, alpha in paints) and not _inside(x, y, self.backgrounds):
                return "white"
        return self._raised(x, y, m[2] / scale if scale else 0.0, m[3] / scale if scale else 1.0, size)

    def _raised(self, x: float, y: float, ux: float, uy: float, size: float | None) -> str | None:
        """A superscript sits a little above the baseline of the text before it; a subscript a
        little below it, and the baseline stays the line's."""
        base = self._base
        if base is not None and size is not None:
            bx, by, bux, buy, bsize = base
            rise = (x - bx) * bux + (y - by) * buy
            if ux * bux + uy * buy > 0.99 and 0.15 * bsize < abs(rise) < 0.8 * bsize:
                return "raised" if rise > 0 else None
        if size is not None:
            self._base = (x, y, ux, uy, size)
        return None

    def _painted(self, box: Box, image: bool) -> None:
        for boxes in ([self.backgrounds, self.images] if image else [self.backgrounds]):
            boxes.append(box)
            if len(boxes) > _MAX_BACKGROUNDS:
                boxes[:] = [_bounds([(b[0], b[1]) for b in boxes] + [(b[2], b[3]) for b in boxes])]

    def _draw(self, operands: Any, resources: Any, ctm: Matrix, depth: int) -> Operation:
        """`Do`: an image is painted; a form's own operations are judged in the state it is
        drawn in, and the form is replaced (under a new name) by their rewritten copy."""
        xobject = _resource(resources, "/XObject", operands[0])
        subtype = xobject.get("/Subtype") if xobject is not None else None
        if subtype == "/Image":
            self._painted(_bounds(_unit_square(ctm)), image=True)
        if subtype != "/Form" or depth >= _MAX_DEPTH or self._forms >= _MAX_FORMS:
            return (operands, b"Do")
        self._forms += 1
        matrix = _numbers(xobject.get("/Matrix") or [])
        form_ctm = _mult(_as_matrix(matrix), ctm) if len(matrix) == 6 else ctm
        if id(xobject) not in self._parsed:  # parsed once, however often it is drawn
            self._parsed[id(xobject)] = (xobject, ContentStream(xobject, self.pdf, "bytes").operations)
        form = ContentStream(None, self.pdf, "bytes")
        for key, value in xobject.items():
            if key not in ("/Length", "/Filter", "/DecodeParms"):
                form[NameObject(key)] = value
        own = xobject.get("/Resources")
        form.operations = self.rewrite(self._parsed[id(xobject)][1],
                                       own.get_object() if own is not None else resources, form_ctm, depth + 1)
        name = NameObject(f"/BriefingForm{self._forms}")
        resources.get_object()["/XObject"].get_object()[name] = form
        return ([name], b"Do")


def _text_or_colour(op: bytes, operands: Any, numbers: list[float], state: _State, resources: Any) -> _State:
    """The state after an operator that sets text state, colour or transparency."""
    if op == b"Tf" and len(operands) >= 2 and len(numbers) >= 1:
        return replace(state, size=numbers[-1])
    if op == b"Tr" and numbers:
        return replace(state, render=int(numbers[0]))
    if op == b"Ts" and numbers:
        return replace(state, rise=numbers[0])
    if op == b"TL" and numbers:
        return replace(state, leading=numbers[0])
    if op in (b"g", b"rg", b"k"):
        return replace(state, fill_white=_white(numbers, len(numbers)), fill_components=len(numbers))
    if op in (b"G", b"RG", b"K"):
        return replace(state, stroke_white=_white(numbers, len(numbers)), stroke_components=len(numbers))
    if op in (b"cs", b"CS") and operands:
        components = _components(resources, operands[0])
        if op == b"cs":
            return replace(state, fill_white=False, fill_components=components)
        return replace(state, stroke_white=False, stroke_components=components)
    if op in (b"sc", b"scn"):
        return replace(state, fill_white=_white(numbers, state.fill_components))
    if op in (b"SC", b"SCN"):
        return replace(state, stroke_white=_white(numbers, state.stroke_components))
    if op == b"gs" and operands:
        return _ext_gstate(state, _resource(resources, "/ExtGState", operands[0]))
    return state


def _ext_gstate(state: _State, ext: Any) -> _State:
    if ext is None:
        return state
    fill, stroke = _numbers([ext.get("/ca", 1)]), _numbers([ext.get("/CA", 1)])
    font = ext.get("/Font")
    size = _numbers(list(font)[1:2]) if isinstance(font, list) else []
    return replace(state, fill_alpha=fill[0] if fill else state.fill_alpha,
                   stroke_alpha=stroke[0] if stroke else state.stroke_alpha,
                   size=size[0] if size else state.size)


def _white(numbers: list[float], components: int | None) -> bool:
    if components is None or len(numbers) != components:
        return False
    if components == 4:
        return all(n <= 1 - WHITE for n in numbers)
    return components in (1, 3) and all(n >= WHITE for n in numbers)


def _components(resources: Any, name: Any) -> int | None:
    """Colour components of a colour space judged here (gray, RGB, CMYK, ICC-based); None else."""
    if str(name) in _DEVICE_SPACES:
        return _DEVICE_SPACES[str(name)]
    space = _resource(resources, "/ColorSpace", name)
    try:
        family = str(space[0]) if isinstance(space, list) else str(space)
        if family == "/ICCBased":
            return int(space[1].get_object()["/N"])
        return _DEVICE_SPACES.get(family)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def _resource(resources: Any, kind: str, name: Any) -> Any:
    try:
        found = resources.get_object()[kind].get_object()[name]
        return found.get_object() if found is not None else None
    except (KeyError, TypeError, AttributeError):
        return None


def _numbers(operands: Any) -> list[float]:
    out: list[float] = []
    for operand in operands or ():
        if isinstance(operand, (int, float)) and not isinstance(operand, bool):
            value = float(operand)
            if math.isfinite(value):
                out.append(value)
    return out


def _as_matrix(numbers: list[float]) -> Matrix:
    a, b, c, d, e, f = numbers[:6]
    return (a, b, c, d, e, f)


def _mult(m: Matrix, n: Matrix) -> Matrix:
    """m then n (row vectors, as PDF composes: a point times m, then times n)."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _apply(ctm: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * ctm[0] + y * ctm[2] + ctm[4], x * ctm[1] + y * ctm[3] + ctm[5]


def _path_points(op: bytes, numbers: list[float], ctm: Matrix) -> list[tuple[float, float]]:
    if op == b"re" and len(numbers) == 4:
        x, y, w, h = numbers
        return [_apply(ctm, px, py) for px, py in ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
    return [_apply(ctm, numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]


def _unit_square(ctm: Matrix) -> list[tuple[float, float]]:
    return [_apply(ctm, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]


def _bounds(points: list[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _inside(x: float, y: float, boxes: list[Box]) -> bool:
    return any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)
