"""How well a reading explains the pixels, measured at cell resolution.

A grid says "each cell is one colour". Sampling a few points inside every cell
and asking how many agree with the cell's own colour tells a right grid from a
wrong one without touching every pixel: a cell that straddles two true cells
disagrees with itself. The same samples, compared with the colour each cell's
value maps back to, say how well the whole table explains the image.
"""
from __future__ import annotations

import numpy as np

from .lookup import delta_e

#: Samples per cell along each axis, at these fractions of the cell: clear of its
#: rim (anti-aliased, crossed by grid lines) and of its middle (where printed
#: numbers sit, which would count against the grid that centres them).
SAMPLES = (0.15, 0.3, 0.7, 0.85)
#: A sample agrees with its cell when it lies this close (delta E): JPEG moves flat
#: colours by 2-4; the next cell of a smooth field differs by more.
AGREE_DELTA_E = 8.0
#: A cell is consistent when at least this share of its samples agree (printed
#: numbers and markers take the rest).
CONSISTENT_SHARE = 0.75


def sample_points(edges: np.ndarray, fractions=SAMPLES) -> np.ndarray:
    """(N, len(fractions)) integer pixel coordinates of the samples of each of the N
    cells between ``edges`` (N + 1 increasing values)."""
    e = np.asarray(edges, np.float64)
    lo, size = e[:-1], np.diff(e)
    return np.floor(lo[:, None] + size[:, None] * np.asarray(fractions)[None, :]).astype(np.int64)


def cell_samples(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray,
                 fractions=(SAMPLES, SAMPLES)) -> np.ndarray:
    """(R, C, Sy, Sx, 3) Lab samples of every cell, at ``fractions`` (rows, columns)."""
    h, w = lab.shape[:2]
    ys = np.clip(sample_points(row_edges, fractions[0]), 0, h - 1)
    xs = np.clip(sample_points(col_edges, fractions[1]), 0, w - 1)
    return lab[ys[:, None, :, None], xs[None, :, None, :]]


def cell_consistency(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray,
                     fractions=(SAMPLES, SAMPLES)) -> np.ndarray:
    """(R, C) share of each cell's samples within AGREE_DELTA_E of the cell's
    median colour."""
    s = cell_samples(lab, row_edges, col_edges, fractions)
    r, c = s.shape[:2]
    flat = s.reshape(r, c, -1, 3)
    med = np.median(flat, axis=2)
    return (delta_e(flat, med[:, :, None, :]) < AGREE_DELTA_E).mean(axis=2)


def grid_fit(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray,
             fractions=(SAMPLES, SAMPLES)) -> float:
    """Share of cells consistent with one colour each (see CONSISTENT_SHARE)."""
    return float((cell_consistency(lab, row_edges, col_edges, fractions) >= CONSISTENT_SHARE).mean())


def fits_at_like_density(lab: np.ndarray, grids: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """``grid_fit`` of several candidate grids, each sampled as densely as the
    finest candidate: a cell k times the finest cell's size along an axis gets k
    times the samples there (spread over its two outer bands, clear of its middle
    and rim). A coarse candidate then meets the colour changes inside its big cells
    instead of passing on a few samples each."""
    fine_r = max(len(g[0]) for g in grids) - 1
    fine_c = max(len(g[1]) for g in grids) - 1
    out = []
    for rows, cols in grids:
        kr = int(min(MAX_DENSITY, max(1, round(fine_r / max(len(rows) - 1, 1)))))
        kc = int(min(MAX_DENSITY, max(1, round(fine_c / max(len(cols) - 1, 1)))))
        out.append(grid_fit(lab, rows, cols, fractions=(_spread(kr), _spread(kc))))
    return out


#: A coarse candidate's cells get at most this many times the usual samples per axis.
MAX_DENSITY = 8


def _spread(k: int) -> tuple[float, ...]:
    """2k sample fractions of a cell in its outer bands [0.1, 0.35] and [0.65, 0.9]."""
    if k <= 1:
        return SAMPLES
    lo = np.linspace(0.1, 0.35, k)
    return tuple(np.concatenate([lo, 1.0 - lo[::-1]]))
