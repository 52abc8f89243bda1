"""Rows (or columns) no colour edge crosses widely: a map nearly all one colour
(a needle-in-a-haystack score of 100% almost everywhere) shows its cell
boundaries only around its few cells of other colours. Where an axis was found
to hold one cell, those cells stand inside it as bands across a column (or a
row): a run of lines of one other colour from side to side. Their edges, when
they fall on one even lattice over the plot, are its cells' edges.

``split_by_bands(lab, grid)`` -> the grid with the axis that held one cell cut
at that lattice, or the grid unchanged.
"""
from __future__ import annotations

import math

import numpy as np

from ...core.lookup import delta_e
from ...model import Grid, frozen_array

#: A line of a cell is of another colour than the cell when at least this share of
#: its pixels (clear of the cell's rims) lie this far (delta E) from the cell's
#: colour: a band of another colour (with the number printed on it), not the
#: strokes of a word or a line drawn over the cell (they leave the cell's colour
#: between them).
BAND_OFF_DELTA_E = 10.0
BAND_LINE_SHARE = 0.95
#: Rims of each cell left out across it (share of its width each side).
BAND_RIM = 0.15
#: A band is at least this many lines thick, and a lattice cell at least MIN_PITCH
#: pixels (an underline under a printed number is no row of cells).
MIN_BAND_PX = 3
MIN_PITCH = 8.0
#: Every band edge within this share of the pitch (and at least 1.5 px) of the lattice.
ON_LATTICE = 0.15
#: The other axis holds at least this many cells (two side by side are two bars
#: of a chart as often as a map).
MIN_ACROSS = 3
#: A band measures up to this many pixels short of its cells (anti-aliased rims).
BAND_SLACK_PX = 2


def split_by_bands(lab: np.ndarray, grid: Grid) -> Grid:
    """``grid`` with an axis of one cell cut where bands of other colours in the
    other axis's cells (MIN_ACROSS or more) put their edges, when they fall on one
    even lattice."""
    if grid.block or (grid.rows > 1) == (grid.cols > 1) or max(grid.rows, grid.cols) < MIN_ACROSS:
        return grid  # cells found both ways, or too few one way to lay the bands in (two bars)
    for vertical in (True, False):
        edges = grid.row_edges if vertical else grid.col_edges
        across = grid.col_edges if vertical else grid.row_edges
        if len(edges) != 2:
            continue
        bands = _bands(lab, float(edges[0]), float(edges[1]), across, vertical)
        lattice = _lattice(bands, float(edges[0]), float(edges[1]))
        if lattice is not None:
            return Grid(frozen_array(lattice), grid.col_edges, grid.regular) if vertical else \
                Grid(grid.row_edges, frozen_array(lattice), grid.regular)
    return grid


def _bands(lab: np.ndarray, lo: float, hi: float, across: np.ndarray, vertical: bool) -> list[tuple[int, int]]:
    """(start, stop) pixels along the axis of the bands of other colours inside
    the cells [lo, hi) x each span of ``across``."""
    along, other = (lab.shape[0], lab.shape[1]) if vertical else (lab.shape[1], lab.shape[0])
    a, b = max(int(round(lo)), 0), min(int(round(hi)), along)  # (a grid grown past the picture: the part on it)
    out: list[tuple[int, int]] = []
    for c0, c1 in zip(across[:-1], across[1:]):
        rim = BAND_RIM * (c1 - c0)
        s0, s1 = max(int(round(c0 + rim)), 0), min(int(round(c1 - rim)), other)
        if s1 - s0 < 3 or b - a < 2 * MIN_BAND_PX:
            continue
        cell = lab[a:b, s0:s1] if vertical else np.transpose(lab[s0:s1, a:b], (1, 0, 2))  # lines first
        colour = np.median(cell.reshape(-1, 3), axis=0)
        off = delta_e(cell, colour[None, None, :]) >= BAND_OFF_DELTA_E
        band = (off.mean(axis=1) >= BAND_LINE_SHARE).astype(np.int8)
        steps = np.flatnonzero(np.diff(np.concatenate([[0], band, [0]])))
        for start, stop in zip(steps[::2], steps[1::2]):
            if stop - start >= MIN_BAND_PX and stop - start < b - a:
                out.append((a + int(start), a + int(stop)))
    return out


def _lattice(bands: list[tuple[int, int]], lo: float, hi: float) -> np.ndarray | None:
    """The even lattice over [lo, hi] that every band edge falls on (the axis's
    ends are no band edges), of the widest pitch that does (the fewest cells) but
    no wider than the thinnest band (a band is one cell or more), or None."""
    length = hi - lo
    at = np.asarray([e for band in bands for e in band if lo < e < hi], np.float64) - lo
    if not len(at):
        return None
    thinnest = min(stop - start for start, stop in bands) + BAND_SLACK_PX
    for n in range(max(2, math.ceil(length / thinnest)), int(length // MIN_PITCH) + 1):
        pitch = length / n
        off = np.abs(at / pitch - np.round(at / pitch)) * pitch
        if (off <= max(1.5, ON_LATTICE * pitch)).all():
            return lo + np.arange(n + 1) * pitch
    return None
