"""A grid found on the dense part of a plot, grown over the cells beyond it.

A triangular matrix (corrplot's upper or lower half, a masked correlation
matrix) has outer rows and columns that are mostly empty: the layout's box keeps
only the rows and columns at least half filled. Past each edge of the grid, the
next line of cells (same pitch, same edges across) is taken in while it holds a
solid cell: a patch of one colour, off the page colour, filling the cell's inside.
Text, lines and empty page hold none, and end the growth.
"""
from __future__ import annotations

import numpy as np

from ...core.lookup import delta_e
from ...core.synthesis import CONSISTENT_SHARE, cell_consistency, cell_samples
from ...model import Box, Grid, Layout, frozen_array
from ..panels import cells_like
from ..planes import Planes

#: A solid cell's colour is at least this far (delta E) from the page colour.
SOLID_DELTA_E = 8.0
#: A cell taken in shows a colour within this (delta E) of one of the grid's cells.
PALETTE_DELTA_E = 10.0
#: The grid grows by at most this many lines of cells on each side.
MAX_GROWTH = 64
#: A line of cells may reach past the axes frame by this share of a cell.
FRAME_SLACK_SHARE = 0.25


def _cell_medians(planes: Planes, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.median(cell_samples(planes.lab, rows, cols).reshape(len(rows) - 1, len(cols) - 1, -1, 3), axis=2)


def _solid_cells(planes: Planes, rows: np.ndarray, cols: np.ndarray, palette: np.ndarray) -> int:
    """How many cells between the edges hold one off-page colour each, a colour the
    grid's own cells show (within PALETTE_DELTA_E): an axis line is no cell."""
    consistent = cell_consistency(planes.lab, rows, cols) >= CONSISTENT_SHARE
    med = _cell_medians(planes, rows, cols).reshape(-1, 3)
    solid = consistent.ravel() & (delta_e(med, planes.bg_lab) >= SOLID_DELTA_E)
    if not solid.any():
        return 0
    near = np.min(delta_e(med[solid][:, None, :], palette[None, :, :]), axis=1) < PALETTE_DELTA_E
    return int(near.sum())


def _line_box(side: str, a: float, b: float, rows: np.ndarray, cols: np.ndarray) -> Box:
    """The pixels of the cells from ``a`` to ``b`` past one side of a grid."""
    if side in ("top", "bottom"):
        return Box(int(cols[0]), int(a), int(cols[-1]), int(np.ceil(b)))
    return Box(int(a), int(rows[0]), int(np.ceil(b)), int(rows[-1]))


def grow_over_cells(*, planes: Planes, grid: Grid, layout: Layout, plot: Box, limit: Box | None = None) -> Grid:
    """The grid with lines of cells added past its edges while each holds a solid
    cell, never over another plot or a colorbar, nor past ``limit`` (an axes frame)
    or the picture."""
    if not grid.regular:
        return grid
    rows, cols = np.asarray(grid.row_edges, np.float64), np.asarray(grid.col_edges, np.float64)
    h, w = planes.shape
    lim = limit or Box(0, 0, w, h)
    others = layout.obstacles(plot)
    grew = False
    palette = _cell_medians(planes, rows, cols).reshape(-1, 3)
    palette = palette[:: max(1, len(palette) // 512)]
    for side in ("top", "bottom", "left", "right"):
        for _ in range(MAX_GROWTH):
            edges = rows if side in ("top", "bottom") else cols
            if len(edges) < 3:
                break
            step = float(np.diff(edges).mean())
            nxt = edges[0] - step if side in ("top", "left") else edges[-1] + step
            line = np.array([nxt, edges[0]]) if side in ("top", "left") else np.array([edges[-1], nxt])
            # a frame found a few pixels inside the axes (its line drawn over the
            # cells' outer edge) still lets the last line of cells in
            slack = max(0.5, FRAME_SLACK_SHARE * step)
            strip = _line_box(side, line[0], line[1], rows, cols)
            if side in ("top", "bottom"):
                inside = line[0] >= lim.y0 - slack and line[1] <= lim.y1 + slack
                n = _solid_cells(planes, line, cols, palette) if inside else 0
            else:
                inside = line[0] >= lim.x0 - slack and line[1] <= lim.x1 + slack
                n = _solid_cells(planes, rows, line, palette) if inside else 0
            if n == 0 or any(strip.intersects(o) for o in others):
                break
            grew = True
            if side == "top":
                rows = np.concatenate([[nxt], rows])
            elif side == "bottom":
                rows = np.concatenate([rows, [nxt]])
            elif side == "left":
                cols = np.concatenate([[nxt], cols])
            else:
                cols = np.concatenate([cols, [nxt]])
    if limit is not None:
        rows, cols, filled = _fill_frame(planes, rows, cols, limit, others)
        grew = grew or filled
    if not grew:
        return grid
    return Grid(frozen_array(rows), frozen_array(cols), grid.regular)


#: The gap between a grid and its axes frame is whole cells when within this
#: share of a cell of a whole number of them.
FRAME_WHOLE_SHARE = 0.2


def _fill_frame(planes: Planes, rows: np.ndarray, cols: np.ndarray, frame: Box, others) -> tuple:
    """A grid short of its axes frame by whole cells of its pitch, the gap between
    blank or cells (no text: ``panels.cells_like``), reaches the frame: cells at
    the page colour (a saturated score on a map that ends in white) show no edge
    and hold no solid colour, but the axes frame the map."""
    filled = False
    for side in ("top", "bottom", "left", "right"):
        edges = rows if side in ("top", "bottom") else cols
        if len(edges) < 3:
            continue
        step = float(np.diff(edges).mean())
        lo, hi = (frame.y0, frame.y1) if side in ("top", "bottom") else (frame.x0, frame.x1)
        gap = (edges[0] - lo) / step if side in ("top", "left") else (hi - edges[-1]) / step
        k = int(round(gap))
        if k < 1 or abs(gap - k) > FRAME_WHOLE_SHARE:
            continue
        a, b = (edges[0] - k * step, edges[0]) if side in ("top", "left") else (edges[-1], edges[-1] + k * step)
        strip = _line_box(side, a, b, rows, cols)
        inner = Box(strip.x0 + 2, strip.y0 + 2, strip.x1 - 2, strip.y1 - 2)  # off the frame's line
        if inner.width <= 0 or inner.height <= 0 or not cells_like(planes, inner) \
                or any(strip.intersects(o) for o in others):
            continue
        new = (edges[0] - step * np.arange(k, 0, -1) if side in ("top", "left")
               else edges[-1] + step * np.arange(1, k + 1))
        joined = np.concatenate([new, edges]) if side in ("top", "left") else np.concatenate([edges, new])
        if side in ("top", "bottom"):
            rows = joined
        else:
            cols = joined
        filled = True
    return rows, cols, filled


def grow_to_labels(planes: Planes, grid: Grid, evidence) -> Grid | None:
    """The grid grown over the cells that its axis labels go on to past an open
    end (``core.checks.labels_past_ends``, at least PAST_LABELS_LIMIT of them: a
    map whose outer cells are the page colour, as the white end of its bar), one
    cell of the grid's pitch per label; None where none do. ``evidence``: the
    plot's ``raster.lattice.AxisEvidence``."""
    from ...core.checks import PAST_LABELS_LIMIT, labels_past_ends
    from ..checks import open_ends

    if grid.block:
        return None
    out = []
    for lattices, edges, vertical in ((evidence.rows, grid.row_edges, True), (evidence.cols, grid.col_edges, False)):
        e = np.asarray(edges, np.float64)
        before, after = labels_past_ends(lattices, e, open_ends(planes, grid, vertical=vertical))
        before, after = (k if k >= PAST_LABELS_LIMIT else 0 for k in (before, after))
        cell = float(np.median(np.diff(e))) if len(e) > 1 else 0.0
        out.append(np.concatenate([e[0] - cell * np.arange(before, 0, -1), e, e[-1] + cell * np.arange(1, after + 1)]))
    if all(len(o) == len(e) for o, e in zip(out, (grid.row_edges, grid.col_edges))):
        return None
    return Grid(frozen_array(out[0]), frozen_array(out[1]), grid.regular)
