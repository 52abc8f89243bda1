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


def sample_points(edges: np.ndarray) -> np.ndarray:
    """(N, len(SAMPLES)) integer pixel coordinates of the samples of each of the N
    cells between ``edges`` (N + 1 increasing values)."""
    e = np.asarray(edges, np.float64)
    lo, size = e[:-1], np.diff(e)
    return np.floor(lo[:, None] + size[:, None] * np.asarray(SAMPLES)[None, :]).astype(np.int64)


def cell_samples(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray) -> np.ndarray:
    """(R, C, S, S, 3) Lab samples of every cell."""
    h, w = lab.shape[:2]
    ys = np.clip(sample_points(row_edges), 0, h - 1)
    xs = np.clip(sample_points(col_edges), 0, w - 1)
    return lab[ys[:, None, :, None], xs[None, :, None, :]]


def cell_consistency(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray) -> np.ndarray:
    """(R, C) share of each cell's samples within AGREE_DELTA_E of the cell's
    median colour."""
    s = cell_samples(lab, row_edges, col_edges)
    r, c = s.shape[:2]
    flat = s.reshape(r, c, -1, 3)
    med = np.median(flat, axis=2)
    return (delta_e(flat, med[:, :, None, :]) < AGREE_DELTA_E).mean(axis=2)


def grid_fit(lab: np.ndarray, row_edges: np.ndarray, col_edges: np.ndarray) -> float:
    """Share of cells consistent with one colour each (see CONSISTENT_SHARE)."""
    return float((cell_consistency(lab, row_edges, col_edges) >= CONSISTENT_SHARE).mean())
