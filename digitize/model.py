"""Frozen results of each pipeline stage.

Coordinates are image pixels, origin top-left, x to the right, y down. A pixel
(x, y) covers [x, x+1) x [y, y+1); its centre is (x + 0.5, y + 0.5). Boxes are
(x0, y0, x1, y1) with exclusive ends. Arrays held here are read-only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


def frozen_array(a, dtype=None) -> np.ndarray:
    """A read-only copy of ``a``."""
    out = np.array(a, dtype=dtype, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def area(self) -> int:
        return max(0, self.width) * max(0, self.height)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def as_list(self) -> list[int]:
        return [int(self.x0), int(self.y0), int(self.x1), int(self.y1)]

    def grow(self, d: int, shape: tuple[int, int] | None = None) -> "Box":
        b = Box(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
        return b.clip(shape) if shape is not None else b

    def clip(self, shape: tuple[int, int]) -> "Box":
        h, w = shape[:2]
        return Box(max(0, self.x0), max(0, self.y0), min(w, self.x1), min(h, self.y1))

    def intersects(self, other: "Box") -> bool:
        return not (self.x1 <= other.x0 or other.x1 <= self.x0 or
                    self.y1 <= other.y0 or other.y1 <= self.y0)

    def contains(self, other: "Box") -> bool:
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1

    def contains_point(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1


@dataclass(frozen=True)
class ColorbarRegion:
    """Where the colour strip of a colorbar lies.

    box : the coloured strip only (no outline, no extend triangles)
    orientation : "vertical" or "horizontal"
    guessed : pixels at the (low, high) end of the long axis taken in only because
        the bar's end there is the page colour and a plot's edge lines up with it
    """

    box: Box
    orientation: str
    guessed: tuple[int, int] = (0, 0)

    @property
    def long_range(self) -> tuple[int, int]:
        """Pixel extent along the long axis (y for vertical, x for horizontal)."""
        b = self.box
        return (b.y0, b.y1) if self.orientation == "vertical" else (b.x0, b.x1)


@dataclass(frozen=True)
class Ruling:
    """The cell borders drawn over a ruled plot (``raster.ruled``).

    grid : the cells the rules draw (edges at the rules' centres)
    drawn : per axis (rows, cols), the share of the grid's lines seen drawn (the
        rest were put back between evenly spaced ones)"""

    grid: "Grid"
    drawn: tuple[float, float]

    @property
    def pitch(self) -> tuple[float, float]:
        """The mean cell height and width (pixels)."""
        return float(np.diff(self.grid.row_edges).mean()), float(np.diff(self.grid.col_edges).mean())

    @property
    def box(self) -> Box:
        """The plot box: the outer rules included."""
        g = self.grid
        return Box(int(np.floor(g.col_edges[0])) - 1, int(np.floor(g.row_edges[0])) - 1,
                   int(np.ceil(g.col_edges[-1])) + 1, int(np.ceil(g.row_edges[-1])) + 1)


@dataclass(frozen=True)
class Layout:
    """Plot areas and colorbars found in the figure (reading order)."""

    background: tuple[int, int, int]
    plots: tuple[Box, ...]
    colorbars: tuple[ColorbarRegion, ...]
    rulings: tuple[Ruling, ...] = ()  # the drawn cell borders of ruled plots
    # blocks of colour too small beside the biggest to be plots of their own: the
    # scattered cells of a map whose other cells are at the page colour
    fragments: tuple[Box, ...] = ()

    def ruling_of(self, plot: Box) -> Ruling | None:
        """The ruling drawn over ``plot``, when it is a ruled plot."""
        for g in self.rulings:
            if _same_box(g.box, plot):
                return g
        return None

    def other_plots(self, plot: Box) -> tuple[Box, ...]:
        """The plots beside ``plot``: not the one it is, found a pixel or two off
        (a ruled plot's box runs along its rules' centres, its colour block to their
        outer edges)."""
        return tuple(p for p in self.plots if not _same_box(p, plot))

    def obstacles(self, plot: Box) -> tuple[Box, ...]:
        """What a search growing out of ``plot`` must not run into: the other plots
        and the colorbars."""
        return self.other_plots(plot) + tuple(c.box for c in self.colorbars)


#: Boxes whose sides all lie this close (pixels) are one.
SAME_BOX_PX = 2


def _same_box(a: Box, b: Box) -> bool:
    return max(abs(a.x0 - b.x0), abs(a.y0 - b.y0), abs(a.x1 - b.x1), abs(a.y1 - b.y1)) <= SAME_BOX_PX


@dataclass(frozen=True)
class Colormap:
    """Ordered colours sampled along a colorbar (or taken from the catalog).

    positions : (N,) float   pixel coordinate along the bar's long axis
    lab : (N, 3) float32     CIELAB colour at each position
    rgb : (N, 3) uint8
    name : catalog name when recognised, else ""
    """

    positions: np.ndarray
    lab: np.ndarray
    rgb: np.ndarray
    name: str = ""
    match_distance: float = math.inf


@dataclass(frozen=True)
class Tick:
    """One colorbar tick: its text, value (None if unreadable) and pixel position.

    weight : how much the tick counts in the scale fit; a second reading of one
        label (a minus sign OCR may have lost) counts less than the first
    """

    label: str
    value: float | None
    pixel: float
    score: float = 0.0
    inlier: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Scale:
    """Map between the long-axis pixel coordinate and the data value.

    kind : "linear" or "log"; for log, t(v) = log10(v), else t(v) = v.
    t(v) = intercept + slope * pixel.
    """

    kind: str
    slope: float
    intercept: float
    vmin: float
    vmax: float
    ticks: tuple[Tick, ...] = ()
    source: str = "ticks"  # "ticks", "user", "unknown"
    discrete_levels: tuple[float, ...] = ()
    multiplier: tuple[str, float] | None = None  # ("mul", 1e-6) or ("add", 1000): the scale text applied
    # a legend of bins ('0-0.1', '0.1-0.5'): each level's middle (pixels), its value its own label's
    # (discrete_levels); pixels and values map through these points, not one line
    level_pixels: tuple[float, ...] = ()

    @property
    def level_labels(self) -> bool:
        return bool(self.level_pixels)

    def _t(self, v):
        v = np.asarray(v, dtype=np.float64)
        if self.kind == "log":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(v)
        return v

    def _inv_t(self, t):
        t = np.asarray(t, dtype=np.float64)
        if self.kind != "log":
            return t
        with np.errstate(over="ignore"):  # past 1e308: inf, as the value is
            return 10.0 ** t

    def pixel_to_value(self, pixel):
        if self.level_pixels:
            return _through(pixel, self.level_pixels, self.discrete_levels)
        return self._inv_t(self.intercept + self.slope * np.asarray(pixel, dtype=np.float64))

    def value_to_pixel(self, value):
        if self.level_pixels:
            return _through(value, self.discrete_levels, self.level_pixels)
        return (self._t(value) - self.intercept) / self.slope


def _through(x, xs, ys) -> np.ndarray:
    """x mapped through the points (xs, ys), piecewise linearly (xs in either order)."""
    xs, ys = np.asarray(xs, np.float64), np.asarray(ys, np.float64)
    order = np.argsort(xs)
    return np.interp(np.asarray(x, np.float64), xs[order], ys[order])


@dataclass(frozen=True)
class Grid:
    """Cell boundaries in image pixels: row_edges (R+1,), col_edges (C+1,)."""

    row_edges: np.ndarray
    col_edges: np.ndarray
    regular: bool = True
    block: int = 0  # >0: not the figure's cells but blocks of this many pixels laid over cells too small to resolve

    @property
    def rows(self) -> int:
        return len(self.row_edges) - 1

    @property
    def cols(self) -> int:
        return len(self.col_edges) - 1

    @property
    def row_centers(self) -> np.ndarray:
        return (self.row_edges[:-1] + self.row_edges[1:]) / 2

    @property
    def col_centers(self) -> np.ndarray:
        return (self.col_edges[:-1] + self.col_edges[1:]) / 2

    @property
    def box(self) -> Box:
        """The pixels the grid covers (its outer edges, rounded)."""
        return Box(int(round(self.col_edges[0])), int(round(self.row_edges[0])),
                   int(round(self.col_edges[-1])), int(round(self.row_edges[-1])))


@dataclass(frozen=True)
class CellTable:
    """Values of the cells, top row first, left column first.

    values : (R, C) float64, NaN for blank cells
    residual : (R, C) float32 CIELAB distance of each cell colour to the colormap
    blank : (R, C) bool
    flagged : (R, C) bool  off the colormap (residual over the flag threshold)
    """

    values: np.ndarray
    residual: np.ndarray
    blank: np.ndarray
    flagged: np.ndarray
    rgb: np.ndarray  # (R, C, 3) uint8: the colour read for each cell
    ambiguous: np.ndarray | None = None  # (R, C) bool: background-coloured cells read as values
    missing_rgb: tuple[int, int, int] | None = None  # the colour blank cells are drawn in, when not the page


@dataclass(frozen=True)
class AxisText:
    """Labels and titles read around a plot. Empty lists when none are drawn."""

    row_labels: tuple[str, ...] = ()
    col_labels: tuple[str, ...] = ()
    x_label: str = ""
    y_label: str = ""
    title: str = ""
    colorbar_label: str = ""
    # where each row's (column's) label points along its axis (pixels; NaN where
    # none), and the median height of the labels' letters (0 when none)
    row_label_at: tuple[float, ...] = ()
    col_label_at: tuple[float, ...] = ()
    row_text_height: float = 0.0
    col_text_height: float = 0.0


@dataclass(frozen=True)
class Check:
    """One consistency check of a reading against the figure: its measured
    ``value``, the ``limit`` it is held to, and whether it ``passed``. ``value``
    is None where the figure offers nothing to check (no axis labels, no bar)."""

    name: str
    passed: bool
    value: float | None
    limit: float | None
    detail: str = ""


@dataclass(frozen=True)
class Printed:
    """The printed numbers of a heatmap, reconciled with its colours.

    texts : (R, C) object: each cell's text (lines joined by newline), None where none
    numbers : (R, C) float64: the printed value in the table's units, NaN where none
    rounding : (R, C) float64: half the last printed digit (same units)
    colour_values : (R, C) float64: the values the colours give
    colour_uncertainty : (R, C) float64
    source : (R, C) str: where the table's value came from: 'both' (the two agree;
        the printed number is kept), 'text' (the printed number; the colour is off
        the colormap), 'colour' (nothing printed, or a printed number the colour
        disagrees with), '' (blank)
    disagree : (R, C) bool: both readings present and further apart than both uncertainties
    agreement : share of the cells read both ways that agree (None: no such cell)
    largest : the largest |printed - colour| over those cells
    format : the printed format as a format spec ('.2f', '.1%', 'd')
    scale_note : how the printed numbers bear on the scale ('' when they confirm it)
    finer : the colours resolve the data more finely than the print ('1e+1' for
        14.1): a cell read both ways takes its colour's value within the rounding
    """

    texts: np.ndarray
    numbers: np.ndarray
    rounding: np.ndarray
    colour_values: np.ndarray
    colour_uncertainty: np.ndarray
    source: np.ndarray
    disagree: np.ndarray
    agreement: float | None
    largest: float | None
    format: str
    scale_note: str = ""
    finer: bool = False


@dataclass(frozen=True)
class Heatmap:
    """Everything recovered for one heatmap, every intermediate kept."""

    plot_box: Box
    colorbar: ColorbarRegion | None
    colormap: Colormap
    scale: Scale
    grid: Grid
    table: CellTable
    axes: AxisText
    analysis: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    page: int | None = None  # 1-based page number when the heatmap came from a PDF
    checks: tuple[Check, ...] = ()
    confidence: float = 0.0  # 0..1: how likely the table is right (see core/confidence.py)
    printed: Printed | None = None  # the numbers printed in the cells, when there are
    read_from: str = "raster"  # "raster" (from pixels) or "vector" (from a PDF's or SVG's drawing objects)
    points: tuple[float, float, float, float] | None = None  # on a PDF page: the plot box in points from the top-left
    picture: np.ndarray | None = field(default=None, repr=False, compare=False)  # the RGB pixels read (notebook view)

    @property
    def rows(self) -> int:
        return self.grid.rows

    @property
    def cols(self) -> int:
        return self.grid.cols

    @property
    def failed_checks(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.checks if not c.passed)

    def summary(self) -> str:
        """One line: shape, scale, colormap, confidence (and page)."""
        s = self.scale
        out = f"{self.rows} x {self.cols}, {s.kind} {s.vmin:g}..{s.vmax:g}"
        if self.colormap.name:
            out += f", {self.colormap.name}"
        out += f", confidence {self.confidence:.2f}"
        return out + (f", page {self.page}" if self.page is not None else "")

    def __repr__(self) -> str:
        return f"Heatmap({self.summary()})"

    def to_pandas(self):
        """The table as a pandas DataFrame: the row labels as its index, the column
        labels as its columns, the axis titles as their names (NaN for blank cells)."""
        pd = _pandas()
        rows = list(self.axes.row_labels) if len(self.axes.row_labels) == self.rows else list(range(self.rows))
        cols = list(self.axes.col_labels) if len(self.axes.col_labels) == self.cols else list(range(self.cols))
        df = pd.DataFrame(np.asarray(self.table.values, np.float64), index=pd.Index(rows, name=self.axes.y_label or None),
                          columns=pd.Index(cols, name=self.axes.x_label or None))
        return df

    def _repr_html_(self) -> str:
        """A notebook's view: the overlay (when the pixels are at hand) and the table."""
        return _notebook_view(self)


@dataclass(frozen=True)
class Digitization:
    """The result of digitizing one image."""

    source: str
    image_size: tuple[int, int]  # (width, height)
    heatmaps: tuple[Heatmap, ...]
    warnings: tuple[str, ...] = ()
    timings: dict = field(default_factory=dict)
    picture: np.ndarray | None = field(default=None, repr=False, compare=False)  # the RGB pixels read (notebook view)
    # plots found but not read (each a ScaleError or NoColorbarError, its plot_box set)
    skipped: tuple = field(default=(), repr=False, compare=False)

    def __repr__(self) -> str:
        inner = "; ".join(h.summary() for h in self.heatmaps)
        return f"Digitization({self.source!r}: {len(self.heatmaps)} heatmap(s): {inner})"

    def _repr_html_(self) -> str:
        """A notebook's view: the overlay (when the pixels are at hand) and each table."""
        return _notebook_view(self)

    def to_pandas(self, long: bool = True):
        """With ``long`` (the default): one tidy DataFrame of every cell of every
        heatmap, columns heatmap, page, row, col, value, residual, source (where the
        value came from: 'colour', 'text', 'both'); rows and cols are the labels
        where the figure prints them, else indices. Without: a list of
        ``Heatmap.to_pandas()`` frames."""
        pd = _pandas()
        if not long:
            return [h.to_pandas() for h in self.heatmaps]
        return pd.DataFrame.from_records(self.long_records(), columns=list(LONG_COLUMNS))

    def long_records(self) -> list[dict]:
        """Every cell of every heatmap as one record (``LONG_COLUMNS``): heatmap
        (numbered from 1), page, row and col (the labels where the figure prints
        them, else indices), value (NaN for a blank cell), residual, and source
        (where the value came from: 'colour', 'text', 'both'; None for a blank)."""
        records = []
        for k, h in enumerate(self.heatmaps):
            rows = h.axes.row_labels if len(h.axes.row_labels) == h.rows else range(h.rows)
            cols = h.axes.col_labels if len(h.axes.col_labels) == h.cols else range(h.cols)
            src = h.printed.source if h.printed is not None else None
            for i, r in enumerate(rows):
                for j, c in enumerate(cols):
                    blank = bool(h.table.blank[i, j])
                    records.append({"heatmap": k + 1, "page": h.page, "row": r, "col": c,
                                    "value": float(h.table.values[i, j]),
                                    "residual": float(h.table.residual[i, j]),
                                    "source": None if blank else (str(src[i, j]) if src is not None else "colour")})
        return records


LONG_COLUMNS = ("heatmap", "page", "row", "col", "value", "residual", "source")


#: How a notebook shows a Heatmap or a Digitization: the package sets it to
#: ``report.notebook.html_view`` (drawing belongs to the report layer, not here).
NOTEBOOK_VIEW: list = []


def _notebook_view(obj) -> str:
    import html

    return NOTEBOOK_VIEW[0](obj) if NOTEBOOK_VIEW else f"<pre>{html.escape(repr(obj))}</pre>"


def _pandas():
    try:
        import pandas
    except ImportError as exc:  # pandas is an optional extra
        raise ImportError("to_pandas() needs pandas: pip install pandas (or pip install "
                          "'heatmap-digitize[pandas]')") from exc
    return pandas
