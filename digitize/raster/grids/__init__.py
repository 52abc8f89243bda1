"""The cell grid of a plot: strategies propose, the pixels decide.

Each strategy is a module with ``propose``: ``edges`` (colour edges, the
strategy of last resort that always answers) and ``lattice`` (the cells the
axis tick marks or tick labels imply, one lattice at a time). Every combination
of proposed rows and columns is scored by how well one colour per cell explains
samples of the pixels (``core.synthesis.grid_fit``); among the ones that explain
them about as well as the best, the one backed by more axis evidence wins, then
the one with fewer cells. Then the grid grows over solid cells past its
edges (``grow``: the outer lines of a triangular matrix), and an axis of one
cell is cut where bands of other colours inside it fall on a lattice (``bands``:
a map nearly all one colour).
"""
from __future__ import annotations

import math

import numpy as np

from ...core.lookup import delta_e, robust_cell_colours
from ...core.synthesis import fits_at_like_density
from ...model import Box, Grid, Layout, frozen_array
from ..lattice import AxisEvidence
from ..planes import Planes
from . import bands, edges, grow, lattice

#: What backs each axis's proposal: axis marks or labels (2, any lattice source)
#: over colour edges over the square-cell guess and the edges that cross only a few
#: lines (these win only by fitting the pixels clearly better: a panel's last column
#: of another colour behind a dashed line must not lose a boundary to them).
EVIDENCE = {"edges": 1, "square": 0, "sparse": 0}

#: Edges in a few lines only propose cells in a box with at most this share of
#: page-coloured pixels.
FEW_EDGES_MAX_PAGE = 0.02

#: Combinations whose fit is within this of the best compete on evidence.
FIT_SLACK = 0.03


def _evidence(axis: lattice.AxisCells) -> int:
    """How well an axis's proposal is backed (see EVIDENCE); colour edges that found
    no boundary at all back nothing."""
    if axis.strategy == "edges" and len(axis.edges) <= 2:
        return 0
    return EVIDENCE.get(axis.strategy, 2)


def _square(others: list, lo: int, hi: int) -> list:
    """Cells as tall as they are wide: the other axis's pitch laid over [lo, hi) when
    a whole number of cells fits (a correlation or confusion matrix, whose colour
    edges on one axis fade in a masked triangle)."""
    out = []
    for o in others:
        pitch = float(np.diff(o.edges).mean())
        n = (hi - lo) / pitch
        if pitch >= 3 and round(n) >= 2 and abs(n - round(n)) <= 0.15:
            out.append(lattice.AxisCells(np.linspace(lo, hi, int(round(n)) + 1), "square"))
    return out


def find_grid(*, planes: Planes, plot: Box, layout: Layout, evidence: AxisEvidence) -> Grid:
    """Rows and columns of ``plot`` (the grid's outer edges may reach past it, over
    cells the axes mark beyond the colour box). A ruled plot's cells are the ones
    its rules draw."""
    ruling = layout.ruling_of(plot)
    if ruling is not None:
        return ruling.grid
    base = edges.propose(planes=planes, plot=plot)
    sub = planes.lab[plot.y0:plot.y1, plot.x0:plot.x1]
    quantiles = (edges.FULL_EDGE_QUANTILE, edges.SPARSE_EDGE_QUANTILE, edges.ANY_EDGE_QUANTILE)
    (full_cols, *sparse_cols), (full_rows, *sparse_rows) = (edges.edge_profile(sub, 1, quantiles),
                                                            edges.edge_profile(sub, 0, quantiles))
    rows = [lattice.AxisCells(np.asarray(base.row_edges, np.float64), "edges")]
    cols = [lattice.AxisCells(np.asarray(base.col_edges, np.float64), "edges")]
    if base.regular:  # edges that cross only some lines (two colours, a pass/fail map) count too:
        # those in a fifth of the lines, and, in a box of no page colour, those in a
        # few (a map mostly one colour; boxes of a diagram with gutters between are none)
        page = float(np.mean(planes.distance[plot.y0:plot.y1, plot.x0:plot.x1] <= planes.cell_delta_e))
        few = page <= FEW_EDGES_MAX_PAGE
        for profiles, out, origin in ((sparse_rows, rows, plot.y0), (sparse_cols, cols, plot.x0)):
            for profile in profiles[:2 if few else 1]:
                e = edges.sparse_edges(profile, origin, len(out[0].edges) - 1, planes)
                if e is not None and all(len(e) != len(o.edges) for o in out):
                    out.append(lattice.AxisCells(e, "sparse"))
    for lat in evidence.rows:
        c = lattice.propose(planes=planes, plot=plot, layout=layout, lattice=lat, vertical=True,
                            full_profile=full_rows, frame=evidence.frame)
        if c is not None:
            rows.append(c)
    for lat in evidence.cols:
        c = lattice.propose(planes=planes, plot=plot, layout=layout, lattice=lat, vertical=False,
                            full_profile=full_cols, frame=evidence.frame)
        if c is not None:
            cols.append(c)
    rows += _square(cols, plot.y0, plot.y1)
    cols += _square(rows, plot.x0, plot.x1)
    if len(rows) == 1 and len(cols) == 1:
        return _grown(planes, base, layout, plot, evidence)
    combos = [(r, c) for r in rows for c in cols]
    fits = fits_at_like_density(planes.lab, [(r.edges, c.edges) for r, c in combos])
    scored = []
    for fit, (r, c) in zip(fits, combos):
        backed = _evidence(r) + _evidence(c)
        scored.append((fit, backed, -(len(r.edges) - 1) * (len(c.edges) - 1), r, c))
    top = max(s[0] for s in scored)
    fit, backed, _, r, c = max((s for s in scored if s[0] >= top - FIT_SLACK), key=lambda s: (s[1], s[2]))
    r, c = _unsplit(planes.lab, (r, c), combos)
    if r.strategy == "edges" and c.strategy == "edges":
        chosen = base
    else:
        regular = base.regular or (r.strategy != "edges" and c.strategy != "edges")
        chosen = Grid(frozen_array(r.edges), frozen_array(c.edges), regular)
    return _grown(planes, chosen, layout, plot, evidence)


def _grown(planes: Planes, grid: Grid, layout: Layout, plot: Box, evidence: AxisEvidence) -> Grid:
    """The grid grown over solid cells past its edges, then an axis of one cell cut
    at the bands inside it (see the module docstring)."""
    grown = grow.grow_over_cells(planes=planes, grid=grid, layout=layout, plot=plot, limit=evidence.frame)
    return bands.split_by_bands(planes.lab, grown)


#: A finer grid splits a coarser one's cells for nothing when the parts of nearly
#: every coarse cell (SPLIT_SHARE) are one colour (their robust colours within
#: SPLIT_DELTA_E of their mean): the finer lines fall on printed text wider than
#: a third of its cell, whose strokes cut the cell, not on colour boundaries.
SPLIT_DELTA_E = 2.5
SPLIT_SHARE = 0.95


def _on_edges(coarse: np.ndarray, fine: np.ndarray) -> bool:
    """Every coarse edge lies on a fine one (within a quarter of the fine pitch),
    and the fine axis has more cells."""
    if len(fine) <= len(coarse):
        return False
    tol = 0.25 * float(np.diff(fine).min())
    return bool(np.all(np.abs(coarse[:, None] - fine[None, :]).min(axis=1) <= tol))


def _unsplit(lab: np.ndarray, chosen: tuple, combos: list) -> tuple:
    """The chosen (rows, cols), or the coarsest candidate that ``_coarsens`` it and
    whose cells the chosen grid only splits into parts of one colour (``_parts_alike``)."""
    fr, fc = (np.asarray(a.edges, np.float64) for a in chosen)
    colours = None
    for r, c in sorted(combos, key=lambda rc: (len(rc[0].edges) - 1) * (len(rc[1].edges) - 1)):
        if not _coarsens(chosen, (r, c)):
            continue
        if colours is None:
            colours = robust_cell_colours(lab, fr, fc).astype(np.float64)  # (R, C, 3), the fine grid's
        if _parts_alike(colours, fr, fc, np.asarray(r.edges, np.float64), np.asarray(c.edges, np.float64)):
            return r, c
    return chosen


def _coarsens(fine: tuple, coarse: tuple) -> bool:
    """Whether the ``coarse`` (rows, cols) differs from ``fine`` on an axis or two,
    each of them backed by labels where the fine one's is not, its edges on fine ones."""
    differs = False
    for f, c in zip(fine, coarse):
        fe, ce = np.asarray(f.edges, np.float64), np.asarray(c.edges, np.float64)
        if len(ce) == len(fe) and np.allclose(ce, fe, atol=1.0):
            continue
        if not _on_edges(ce, fe) or _evidence(c) < 2 or _evidence(f) >= 2:
            return False
        differs = True
    return differs


def _parts_alike(colours: np.ndarray, fr: np.ndarray, fc: np.ndarray, cr: np.ndarray, cc: np.ndarray) -> bool:
    """Whether the fine cells' ``colours`` (on edges ``fr``, ``fc``) within nearly
    every coarse cell (edges ``cr``, ``cc``) of two parts or more are one colour."""
    ri = np.searchsorted(cr, 0.5 * (fr[:-1] + fr[1:])) - 1
    ci = np.searchsorted(cc, 0.5 * (fc[:-1] + fc[1:])) - 1
    inside = ((ri >= 0) & (ri < len(cr) - 1))[:, None] & ((ci >= 0) & (ci < len(cc) - 1))[None, :]
    group = (ri[:, None] * (len(cc) - 1) + ci[None, :])[inside]
    pts = colours[inside]
    n = np.bincount(group, minlength=(len(cr) - 1) * (len(cc) - 1))
    mean = np.stack([np.bincount(group, pts[:, k], minlength=len(n)) for k in range(3)], axis=1)
    mean /= np.maximum(n, 1)[:, None]
    spread = np.zeros(len(n))
    np.maximum.at(spread, group, delta_e(pts.astype(np.float32), mean[group].astype(np.float32)))
    split = n >= 2
    return bool(split.any()) and float((spread[split] < SPLIT_DELTA_E).mean()) >= SPLIT_SHARE


def pixel_blocks(plot: Box, *, max_side: int) -> Grid:
    """For a plot whose cells the picture does not resolve (hundreds of thin rows
    smoothed together): square blocks of k pixels laid over it, k the smallest
    that keeps both sides within ``max_side`` blocks. Not the figure's cells: the
    grid says so (``Grid.block``)."""
    h, w = plot.y1 - plot.y0, plot.x1 - plot.x0
    k = max(1, math.ceil(max(h, w) / max_side))
    rows, cols = max(1, round(h / k)), max(1, round(w / k))
    return Grid(frozen_array(np.linspace(plot.y0, plot.y1, rows + 1)),
                frozen_array(np.linspace(plot.x0, plot.x1, cols + 1)), regular=True, block=k)
