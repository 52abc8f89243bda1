"""A page's drawing as objects: what the vector front-end reads.

A PDF page (``pdfobjects.py``) or an SVG (``svg.py``) becomes a ``VectorPage``:
its filled shapes with their exact fill colours, its placed images with their
pixels, its text with exact strings and boxes, and its short stroked marks (tick
marks). Coordinates are points (1/72 inch) from the top-left corner of the page,
x to the right, y down, so that they scale straight onto the page's render.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PlacedImage:
    """An image drawn on the page: its box in points and its pixels, turned and
    flipped as the page shows them (row 0 at the top)."""

    box: tuple[float, float, float, float]
    rgb: np.ndarray  # (h, w, 3) uint8


@dataclass(frozen=True)
class TextItem:
    """One run of text: its string, its box in points, and whether it is turned
    a quarter (read bottom to top, as a y-axis title is)."""

    text: str
    box: tuple[float, float, float, float]
    vertical: bool = False

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def size(self) -> float:
        """The text's height across its lines (its width when turned)."""
        b = self.box
        return (b[2] - b[0]) if self.vertical else (b[3] - b[1])


@dataclass(frozen=True)
class VectorPage:
    """The objects of one page (or SVG).

    fills : (N, 4) float64 boxes (x0, y0, x1, y1) of the filled shapes that are
        axis-aligned rectangles, in drawing order
    colours : (N, 3) uint8 their fill colours (alpha composed over white)
    marks : (M, 4) float64 boxes of short stroked lines (tick marks)
    frames : (K, 4) float64 stroked rectangles (outlines of colorbars and axes), on
        the centre line of their stroke
    """

    source: str
    size: tuple[float, float]  # (width, height) in points
    fills: np.ndarray
    colours: np.ndarray
    images: tuple[PlacedImage, ...] = ()
    texts: tuple[TextItem, ...] = ()
    marks: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    frames: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))  # stroked rectangles, on their centre line
    page: int | None = None  # 1-based, for PDFs
    other_shapes: int = 0  # filled shapes that are not rectangles (curves, wedges, polygons)
    #: text drawn as glyph outlines (Cairo's SVG): each glyph placed, its text a
    #: character standing for its outline (``outline_char``) until it is spelled,
    #: and an SVG document drawing those glyphs alone, in black, in page points
    glyphs: tuple[TextItem, ...] = ()
    glyph_points: tuple[np.ndarray, ...] = ()  # each glyph's outline points (page points)
    glyph_fonts: tuple[int, ...] = ()  # the font of each distinct outline (k of ``outline_char(k)``)
    glyph_svg: str = ""


#: The characters that stand for glyph outlines not yet spelled: the k-th
#: distinct outline of a page is OUTLINE_BASE + k (Unicode's private use plane).
OUTLINE_BASE = 0xF0000


def outline_char(k: int) -> str:
    return chr(OUTLINE_BASE + k)


def union_box(boxes) -> tuple[float, float, float, float]:
    """The smallest box (x0, y0, x1, y1) holding every one of ``boxes``."""
    boxes = list(boxes)
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def empty_boxes() -> np.ndarray:
    return np.zeros((0, 4), np.float64)


#: A minus sign drawn as a filled bar (TeX's and mathtext's rule): at most this
#: share of the number's height thick, MINUS_LENGTH of it long, its middle within
#: MINUS_MIDDLE of the number's middle, and at most MINUS_GAP of it before it.
MINUS_THICKNESS = 0.25
MINUS_LENGTH = (0.3, 1.3)
MINUS_MIDDLE = 0.3
MINUS_GAP = 0.6


def with_drawn_minus(items: list[TextItem], fills: np.ndarray) -> list[TextItem]:
    """Numbers whose minus sign is drawn as a thin filled bar before them, not
    set as a glyph (the text layer holds '20' where the page shows '−20'), get
    their sign back. ``fills``: (n, 4) boxes of filled rectangles in points."""
    if not len(fills) or not items:
        return items
    f = np.asarray(fills, np.float64)
    fw, fh = f[:, 2] - f[:, 0], f[:, 3] - f[:, 1]
    thin = (fh > 0) & (fw >= 3 * fh)
    if not thin.any():
        return items
    f, fw, fh = f[thin], fw[thin], fh[thin]
    fmid = (f[:, 1] + f[:, 3]) / 2
    out = []
    for t in items:
        if t.vertical or not t.text[:1].isdigit() and not t.text.startswith("."):
            out.append(t)
            continue
        h = t.box[3] - t.box[1]
        gap = t.box[0] - f[:, 2]
        hit = np.flatnonzero((fh <= MINUS_THICKNESS * h) & (fw >= MINUS_LENGTH[0] * h) & (fw <= MINUS_LENGTH[1] * h)
                             & (np.abs(fmid - t.cy) <= MINUS_MIDDLE * h) & (gap >= -0.1 * h) & (gap <= MINUS_GAP * h))
        if len(hit):
            x0 = float(f[hit[np.argmin(gap[hit])], 0])
            t = TextItem("\u2212" + t.text, (min(x0, t.box[0]), t.box[1], t.box[2], t.box[3]), t.vertical)
        out.append(t)
    return out


def join_text(items: list[TextItem], *, whole: bool = False, gap: float = 0.35) -> list[TextItem]:
    """Runs of text on one line joined into words and labels: pieces that follow
    each other closely on a line become one item; a smaller piece raised after
    another is its exponent ('10' then '-3' -> '10^-3'), as mathtext draws it.
    ``whole``: the pieces are whole strings as their writer set them (an SVG's
    text elements), so two of more than one character are not joined (the labels
    of a small legend stand a fifth of an em apart; labels turned 45 degrees
    overlap in their boxes). ``gap``: the widest gap within a number, as a share of
    its height (glyphs' ink boxes, without their side bearings, need more)."""
    out: list[TextItem] = []
    for turned in (False, True):
        for line in _lines([t for t in items if t.vertical == turned], turned):
            cur: TextItem | None = None
            for t in sorted(line, key=lambda t: -t.box[3] if turned else t.box[0]):
                if cur is not None and _follows(cur, t, turned, gap) and not (whole and _two_strings(cur, t)):
                    cur = _merge(cur, t, turned)
                    continue
                if cur is not None:
                    out.append(cur)
                cur = t
            if cur is not None:
                out.append(cur)
    return _exponents(out)


def _lines(items: list[TextItem], turned: bool) -> list[list[TextItem]]:
    """Pieces of text grouped into lines: a piece belongs to a line it overlaps
    across by half its own size or more (glyphs drawn one by one differ in height:
    'r' and 'g' against '0' stand on one line all the same)."""
    def across(t: TextItem) -> tuple[float, float]:
        return (t.box[0], t.box[2]) if turned else (t.box[1], t.box[3])

    lines: list[tuple[float, float, list[TextItem]]] = []
    for t in sorted(items, key=lambda t: sum(across(t))):
        lo, hi = across(t)
        if lines:
            a, b, members = lines[-1]
            if min(hi, b) - max(lo, a) >= 0.5 * max(min(hi - lo, b - a), 1e-6):
                lines[-1] = (min(a, lo), max(b, hi), members + [t])
                continue
        lines.append((lo, hi, [t]))
    return [members for _, _, members in lines]


def _exponents(items: list[TextItem]) -> list[TextItem]:
    """A small text raised just after a '10' is its exponent: '10' + '-3' -> '10^-3'
    (mathtext draws the two as separate runs, on different lines)."""
    bases = [t for t in items if not t.vertical and t.text.strip().endswith("10")]
    if not bases:
        return items
    taken: set[int] = set()
    joined: dict[int, TextItem] = {}
    for a in bases:
        h = a.size
        for b in items:
            if b is a or id(b) in taken or b.vertical or b.size >= 0.85 * h:
                continue
            gap = b.box[0] - a.box[2]
            if -0.3 * h <= gap <= 0.4 * h and b.cy < a.cy - 0.1 * h and b.box[3] > a.box[1] - 0.3 * h:
                box = (a.box[0], min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), a.box[3])
                joined[id(a)] = TextItem(a.text.strip() + "^" + b.text.strip(), box, False)
                taken.add(id(b))
                break
    return [joined.get(id(t), t) for t in items if id(t) not in taken]


def _follows(a: TextItem, b: TextItem, turned: bool, number_gap: float = 0.35) -> bool:
    """Whether ``b`` continues ``a`` on its line (a small gap along the line and
    overlapping across it; a flat glyph such as a minus sign counts as tall as
    its neighbour)."""
    h = max(min(a.size, b.size), 1e-6)
    tall = max(a.size, b.size)
    if turned:
        gap = a.box[1] - b.box[3]  # reading upwards: b lies above a
        across = min(a.box[2], b.box[2]) - max(a.box[0], b.box[0])
    else:
        gap = b.box[0] - a.box[2]
        across = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    # a word space between letters (a title set glyph by glyph) is wider than the gap
    # within a number, and narrower than the gap between two numbers
    words = a.text.rstrip()[-1:].isalpha() and b.text.lstrip()[:1].isalpha()
    return -0.3 * tall <= gap <= (WORD_GAP if words else number_gap) * tall and across >= 0.3 * h


def _two_strings(a: TextItem, b: TextItem) -> bool:
    """Two strings of more than one character each."""
    return len(a.text.strip()) > 1 and len(b.text.strip()) > 1


#: The widest gap (share of the text's height) between two words of one label.
WORD_GAP = 0.5


def _merge(a: TextItem, b: TextItem, turned: bool) -> TextItem:
    raised = b.size < 0.85 * a.size and (
        (b.cx > a.cx + 0.1 * a.size) if turned else (b.cy < a.cy - 0.1 * a.size))
    gap = (a.box[1] - b.box[3]) if turned else (b.box[0] - a.box[2])
    joint = "^" if raised and a.text.strip().endswith("10") else (" " if gap > 0.3 * max(a.size, b.size) else "")
    box = (min(a.box[0], b.box[0]), min(a.box[1], b.box[1]), max(a.box[2], b.box[2]), max(a.box[3], b.box[3]))
    return TextItem(a.text.rstrip() + joint + b.text.strip(), box, a.vertical)
