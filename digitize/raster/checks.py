"""Checks of a reading against the figure it came from.

Each check measures one way the reading could be wrong, with a figure and the
limit it is held to (``model.Check``). ``core/confidence.py`` turns them into
one calibrated number. The checks:

- ``pixels_explained``: redraw every cell in the colour its value maps to (the
  page colour for blank cells) and compare with samples of the pixels, text and
  grid lines left out: the share the redrawing explains. A wrong grid or plot box
  fails this at once. ``worst_region`` is the row or column explained least.
- ``grid_on_axes``: the axis tick marks and labels against the grid: the share of
  them that stand at cell centres (on a ruled plot, or the share of the grid's
  lines seen drawn).
- ``labels_past_grid``: no axis labels that step with the cells stand past the
  grid's ends (there the map goes on, its cells the page colour), where no frame
  closes the grid (past a panel's frame, labels that go on are the next panel's).
- ``scale_labels`` and ``scale_residual``: how many colorbar labels the scale
  rests on, and how far (pixels) they sit from it.
- ``scale_resolution``: the bar is long enough to tell values 1% of the range
  apart (a small key of 60 pixels resolves about 2%).
- ``tick_steps``: the labels the scale rests on step evenly (0.2, 0.4... or 1,
  10, 100...) in the order they stand along the bar.
- ``scale_text_used``: no text past the bar's end that looks like a multiplier
  or offset ('1e-6', '×10⁻³') was left unused.
- ``colours_on_colormap``: the share of cells whose colour lies on the colormap.
- ``box_fills_frame``: the plot box fills the axes frame around it (when there is
  one wider than it).
- ``bar_ends_seen``: no end of the bar fades into the page unmarked (no outline,
  no plot edge it lines up with): there the bar, and the scale, may go on.
"""
from __future__ import annotations

import numpy as np

from ..core.checks import (
    at_centres,
    expected_colours,
    labels_past_grid,
    reading_checks,
    unused_scale_texts,
)
from ..core.lookup import delta_e
from ..core.synthesis import AGREE_DELTA_E, cell_samples
from ..model import (
    Box,
    CellTable,
    Check,
    ColorbarRegion,
    Colormap,
    Grid,
    Printed,
    Ruling,
)
from .lattice import AxisEvidence
from .layout import OUTLINE_DELTA_E
from .legend import Legend
from .planes import Planes


def pixels_explained(planes: Planes, grid: Grid, expected: np.ndarray) -> tuple[float, np.ndarray]:
    """Share of each cell's samples within AGREE_DELTA_E of its expected colour:
    (overall share, (R, C) per cell)."""
    s = cell_samples(planes.lab, grid.row_edges, grid.col_edges)  # (R, C, S, S, 3)
    d = delta_e(s, expected[:, :, None, None, :].astype(np.float32))
    per_cell = (d < AGREE_DELTA_E).mean(axis=(2, 3))
    return float(per_cell.mean()), per_cell


def run_checks(*, planes: Planes, plot: Box, grid: Grid, legend: Legend, colormap: Colormap, table: CellTable,
               evidence: AxisEvidence, residual_flag: float, printed: Printed | None = None,
               ruling: Ruling | None = None) -> tuple[Check, ...]:
    """Every check of one heatmap's reading (see the module docstring)."""
    expected = expected_colours(table, colormap, legend.scale, planes.background)
    _, per_cell = pixels_explained(planes, grid, expected)
    on = []
    past = max(labels_past_grid(evidence.rows, grid.row_edges, open_ends(planes, grid, vertical=True)),
               labels_past_grid(evidence.cols, grid.col_edges, open_ends(planes, grid, vertical=False)))
    for k, (lats, edges) in enumerate(((evidence.rows, grid.row_edges), (evidence.cols, grid.col_edges))):
        shares = [s for s in (at_centres(lat.points, edges) for lat in lats) if s is not None]
        if ruling is not None:  # the cell borders drawn back the grid as marks would
            shares.append(ruling.drawn[k])
        if shares:
            on.append(max(shares))
    reading = legend.reading
    unused = [] if reading is None else unused_scale_texts(reading.scale_texts, [t.label for t in reading.ticks],
                                                            reading.multiplier)
    bar = legend.bar
    return reading_checks(per_cell=per_cell, axis_shares=on, scale=legend.scale,
                          bar_length=None if bar is None else max(bar.box.width, bar.box.height),
                          unused_texts=unused, table=table, residual_flag=residual_flag, box=grid.box,
                          frame=evidence.frame, printed=printed,
                          faded_ends=None if bar is None or legend.scale.source != "ticks" else
                          faded_ends(planes, bar, _end_marks(legend)),
                          orientation=None if bar is None else bar.orientation, past_labels=past,
                          ragged_cells=ragged_cells(planes, grid))


#: Bars of a bar chart end off the cells' lattice: followed along a column (or a
#: row) of cells from past the grid's side (as far again as the grid is long)
#: towards it, a bar's colour starts off every line of the lattice (the grid's
#: edges, and its pitch laid on past its side; by UNEVEN_PX, or less below) and runs solid
#: (SOLID_SHARE of the lines) to the next line. A map's cells start on lines of
#: the lattice (a masked triangle's, and cells the grid left out past its side
#: too); a number printed on a cell of the page colour is no solid run.
UNEVEN_PX = 3
SOLID_SHARE = 0.9
#: ... off the lattice by OFF_SHARE of its pitch where that is less (at least
#: MIN_OFF_PX): bars end anywhere, and a fine lattice has a line near most places.
OFF_SHARE = 0.15
MIN_OFF_PX = 1.5


#: The colour past a grid's side is the cells' own when SAME_COLOUR_SHARE of its
#: pixels lie this close (delta E) to theirs just inside (a bar runs on solid;
#: an axis line, its ticks and its labels are ink on the page).
SAME_COLOUR_DELTA_E = 10.0
SAME_COLOUR_SHARE = 0.8


def _same_colour(strip: np.ndarray, first: int, at: int) -> bool:
    """Whether the lines [first, at) of a strip (lines first) hold the colour of
    the lines just after ``at``."""
    inside = np.median(strip[at:at + max(at - first, UNEVEN_PX)].reshape(-1, 3), axis=0)
    past = strip[first:at].reshape(-1, 3)
    return float(np.mean(delta_e(past, inside[None, :]) < SAME_COLOUR_DELTA_E)) >= SAME_COLOUR_SHARE


def ragged_cells(planes: Planes, grid: Grid) -> int | None:
    """How many columns (or rows) of cells have colour that starts off the cells'
    lattice, unevenly (see UNEVEN_PX): bars of equal width side by side, each as
    long as its value. 0 for a map; None for a grid of blocks."""
    if grid.block:
        return None
    worst = 0
    for along_cols in (True, False):  # bars standing up (colour along columns), or drawn across
        d = planes.distance if along_cols else planes.distance.T  # (views: only the strips are compared)
        lab = planes.lab if along_cols else planes.lab.transpose(1, 0, 2)
        across = grid.col_edges if along_cols else grid.row_edges
        edges = np.asarray(grid.row_edges if along_cols else grid.col_edges, np.float64)
        a, b = (int(np.clip(round(v), 0, d.shape[0])) for v in (edges[0], edges[-1]))
        if b - a < 4 * UNEVEN_PX:
            continue
        pitch = float(np.median(np.diff(edges)))
        off_lattice = max(MIN_OFF_PX, min(UNEVEN_PX, OFF_SHARE * pitch))  # a fine lattice has lines everywhere
        for side in (0, 1):
            w0, w1 = (max(a - (b - a), 0), b) if side == 0 else (a, min(b + (b - a), d.shape[0]))
            at = a - w0 if side == 0 else w1 - b  # the grid's side, in the lines from the outer end
            inside = np.abs((edges if side == 0 else edges[::-1]) - (a if side == 0 else b))
            lattice = np.sort(np.concatenate([at - pitch * np.arange(1, at / pitch + 1), at + inside]))
            starts, odd = [], 0
            for c0, c1 in zip(across[:-1], across[1:]):
                m0, m1 = max(int(round(c0 + 0.25 * (c1 - c0))), 0), min(int(round(c1 - 0.25 * (c1 - c0))), d.shape[1])
                if m1 <= m0:
                    continue  # (a cell grown past the picture)
                line = ((d[w0:w1, m0:m1] > planes.cell_delta_e).mean(axis=1) >= 0.5)[::1 if side == 0 else -1]
                if not line[at:].any():
                    continue  # cells of the page colour all along
                first = at + int(np.argmax(line[at:]))
                if first == at:
                    while first > 0 and line[first - 1]:
                        first -= 1  # running on past the grid's side
                starts.append(first)
                if first < at and not _same_colour(lab[w0:w1, m0:m1][::1 if side == 0 else -1], first, at):
                    continue  # past the side in another colour: an axis line and its ticks, a bar beside
                k = int(np.searchsorted(lattice, first))
                if min(abs(lattice[k - 1] - first) if k else np.inf,
                       abs(lattice[k] - first) if k < len(lattice) else np.inf) >= off_lattice:
                    stop = int(lattice[k]) if k < len(lattice) else len(line)
                    odd += float(line[first:stop].mean()) >= SOLID_SHARE  # solid from there to the next line
            if starts and max(starts) - min(starts) >= UNEVEN_PX:
                worst = max(worst, odd)
    return worst


#: A grid's end is closed by an outline (a panel's frame: labels past it are the
#: next panel's) when a line within OUTLINE_PX past it (or on it) is dark (L* under
#: OUTLINE_L) along OUTLINE_SHARE of the grid's extent; an open end may go on in
#: cells of the page colour.
OUTLINE_PX = 3
OUTLINE_L = 50.0
OUTLINE_SHARE = 0.9


def open_ends(planes: Planes, grid: Grid, *, vertical: bool) -> tuple[bool, bool]:
    """Whether the grid's first and last edge along one axis (rows: ``vertical``)
    is open: no outline drawn just past it, or on it."""
    edges = grid.row_edges if vertical else grid.col_edges
    across = grid.col_edges if vertical else grid.row_edges
    a, b = (int(np.clip(round(v), 0, planes.lab.shape[1 if vertical else 0])) for v in (across[0], across[-1]))
    limit = planes.lab.shape[0 if vertical else 1]
    out = []
    for end, way in ((float(edges[0]), -1), (float(edges[-1]), 1)):
        at = int(round(end))
        # the edge's own line too: a grid may take in the frame's line it starts on
        lo, hi = (max(at - OUTLINE_PX, 0), at + 1) if way < 0 else (at - 1, min(at + OUTLINE_PX, limit))
        if hi <= lo or b <= a:
            out.append(False)
            continue
        lines = planes.lab[lo:hi, a:b, 0] if vertical else planes.lab[a:b, lo:hi, 0].T  # L* of lines past the end
        out.append(not bool(((lines < OUTLINE_L).mean(axis=1) >= OUTLINE_SHARE).any()))
    return out[0], out[1]


#: A tick mark this close (pixels) to a bar's end marks where it stops.
END_MARK_PX = 2.0
#: A bar's end fades into the page when its last pixels are within this (delta E)
#: of the page colour ...
FADED_DELTA_E = 6.0
#: ... and no outline closes it: the line just past the end is ink across less
#: than this share of the bar's width.
END_OUTLINE_SHARE = 0.6


def _end_marks(legend: Legend) -> tuple[float, ...]:
    """Where the bar is marked along its length: its drawn tick marks, and the
    labels its scale rests on (plotly sets its end labels at the bar's ends)."""
    drawn = () if legend.reading is None else tuple(legend.reading.tick_marks)
    return drawn + tuple(t.pixel for t in legend.scale.ticks if t.inlier)


def faded_ends(planes: Planes, bar: ColorbarRegion, marks: tuple[float, ...] = ()) -> list[str]:
    """The ends of a bar ('low', 'high' along its long axis) that fade into the
    page with nothing to mark where they stop: no outline across them, no plot
    edge they were aligned with (``guessed``), no tick mark or label the scale
    rests on at them (``marks``: positions along the bar). ggplot2 draws
    a white-ended gradient with no frame: its last pixels are the page's."""
    b = bar.box
    vertical = bar.orientation == "vertical"
    lab, dist = planes.lab, planes.distance
    h, w = planes.shape
    lo, hi = bar.long_range
    n = h if vertical else w
    out = []
    for name, guessed, inner, step in (("low", bar.guessed[0], lo, -1), ("high", bar.guessed[1], hi - 1, 1)):
        if guessed or any(abs(m - (lo if name == "low" else hi)) <= END_MARK_PX for m in marks):
            continue
        end = lab[inner, b.x0:b.x1] if vertical else lab[b.y0:b.y1, inner]
        if float(delta_e(np.median(end, axis=0), planes.bg_lab)) > FADED_DELTA_E:
            continue
        past = [inner + step * k for k in (1, 2) if 0 <= inner + step * k < n]
        closed = any(float(((dist[p, b.x0:b.x1] if vertical else dist[b.y0:b.y1, p]) > OUTLINE_DELTA_E).mean())
                     >= END_OUTLINE_SHARE
                     for p in past)
        if not closed:
            out.append(("top" if name == "low" else "bottom") if vertical else ("left" if name == "low" else "right"))
    return out
