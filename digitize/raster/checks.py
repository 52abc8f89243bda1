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
  grid's ends (there the map goes on, its cells the page colour).
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
    past = max(labels_past_grid(evidence.rows, grid.row_edges, _page_past(planes, grid, vertical=True)),
               labels_past_grid(evidence.cols, grid.col_edges, _page_past(planes, grid, vertical=False)))
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
                          orientation=None if bar is None else bar.orientation, past_labels=past)


#: Past a grid's end the plot goes on in the page colour when at least this share
#: of the next cell's place (its middle half) is the page colour.
PAGE_PAST_SHARE = 0.8


def _page_past(planes: Planes, grid: Grid, *, vertical: bool) -> tuple[bool, bool]:
    """Whether the next cell's place past the grid's first and last edge along one
    axis (rows: ``vertical``) is the page colour (outside the picture: no)."""
    edges = grid.row_edges if vertical else grid.col_edges
    across = grid.col_edges if vertical else grid.row_edges
    cell = float(np.median(np.diff(edges)))
    a, b = int(round(across[0])), int(round(across[-1]))
    limit = planes.distance.shape[0 if vertical else 1]
    out = []
    for end, way in ((float(edges[0]), -1.0), (float(edges[-1]), 1.0)):
        lo, hi = sorted((int(round(end + way * 0.25 * cell)), int(round(end + way * 0.75 * cell))))
        if lo < 0 or hi > limit or hi <= lo or b <= a:
            out.append(False)
            continue
        place = planes.distance[lo:hi, a:b] if vertical else planes.distance[a:b, lo:hi]
        out.append(bool(np.mean(place <= planes.cell_delta_e) >= PAGE_PAST_SHARE))
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
