"""Find the cell grid of a plot area from colour edges.

Input: CIELAB image (H, W, 3) and the plot box. Output: a ``Grid`` (row and
column edges in image pixels). For each axis an edge profile is built (how
strongly colour changes between neighbouring pixel lines, over most rows), then
every cell count n is tried as an evenly spaced comb of n - 1 boundaries: the
largest n whose boundaries nearly all land on edges wins (a multiple of the
true count puts half its boundaries inside flat cells; a divisor is beaten by
the true count). Boundary positions are then refined by a least-squares fit.
"""
from __future__ import annotations

import cv2
import numpy as np

from .lookup import delta_e, rgb_to_lab
from .model import Box, Grid, frozen_array

#: Share of the predicted boundaries that must land on an edge. Two neighbouring
#: cells of the same colour leave no edge; on random and smooth fields that hits
#: a few boundaries out of many, so 0.75 leaves room while a comb twice too fine
#: gets only ~0.5.
MIN_SUPPORT = 0.75

#: Over the rows (or columns) crossing a boundary, the edge strength taken is this
#: quantile: high enough that a boundary between similar colours still shows,
#: low enough that printed numbers (covering < 35% of a cell's height) do not.
EDGE_QUANTILE = 0.6


def edge_profile(lab_box: np.ndarray, axis: int) -> np.ndarray:
    """Edge strength between pixel lines along ``axis`` (1: between columns x and
    x+1, returned as (W-1,); 0: between rows)."""
    if axis == 1:
        d = delta_e(lab_box[:, 1:], lab_box[:, :-1])  # (H, W-1)
        return np.quantile(np.minimum(d, 40.0), EDGE_QUANTILE, axis=0)
    d = delta_e(lab_box[1:], lab_box[:-1])  # (H-1, W)
    return np.quantile(np.minimum(d, 40.0), EDGE_QUANTILE, axis=1)


def _evidence(profile: np.ndarray, at: np.ndarray, tol: int) -> tuple[np.ndarray, np.ndarray]:
    """For each predicted boundary (continuous coordinate), the strongest edge within
    ``tol`` pixels and where it is. Edge j of the profile sits at coordinate j + 1."""
    n = len(profile)
    centre = np.rint(at).astype(np.int64) - 1
    offs = np.arange(-tol, tol + 1)
    idx = np.clip(centre[:, None] + offs[None, :], 0, n - 1)
    vals = profile[idx]
    best = vals.argmax(axis=1)
    return vals[np.arange(len(at)), best], idx[np.arange(len(at)), best] + 1.0


def _tolerance(cell: float) -> int:
    """Search window (pixels) around a predicted boundary: grid lines 1-4 px wide
    put the edges beside the boundary; tiny cells allow no slack at all."""
    return 0 if cell < 5 else max(1, int(0.08 * cell))


def count_cells(profile: np.ndarray, length: int) -> tuple[int, np.ndarray]:
    """Number of cells along one axis and their edges (relative to the box start)."""
    if length < 2:
        return 1, np.array([0.0, float(length)])
    noise = float(np.quantile(profile, 0.2)) if len(profile) else 0.0
    thr = max(1.0, 3.0 * noise)
    best_n = 1
    for n in range(2, length // 2 + 1):
        cell = length / n
        tol = _tolerance(cell)
        at = cell * np.arange(1, n)
        ev, _ = _evidence(profile, at, tol)
        # a boundary is an edge that stands above the middle of the cells on each side
        mids = cell * (np.arange(n) + 0.5)
        mid_ev = profile[np.clip(np.rint(mids).astype(np.int64) - 1, 0, len(profile) - 1)]
        quiet = np.maximum(mid_ev[:-1], mid_ev[1:])
        if np.mean((ev > thr) & (ev > 1.5 * quiet)) >= MIN_SUPPORT:
            best_n = n
    if best_n == 1:
        return 1, np.array([0.0, float(length)])
    cell = length / best_n
    at = cell * np.arange(1, best_n)
    ev, pos = _evidence(profile, at, _tolerance(cell))
    good = ev > thr
    k = np.arange(1, best_n)
    if good.sum() >= 2:
        # sub-pixel boundary: centroid of the edge strength around the peak
        slope, icpt = np.polyfit(k[good], _subpixel(profile, pos[good]), 1)
        # the box edges are exact boundaries too unless the fit says otherwise
        if abs(icpt) > 1.5 or abs(icpt + slope * best_n - length) > 1.5:
            slope, icpt = cell, 0.0
    else:
        slope, icpt = cell, 0.0
    edges = icpt + slope * np.arange(best_n + 1)
    edges[0], edges[-1] = max(0.0, edges[0]), min(float(length), edges[-1])
    return best_n, edges


def irregular_edges(profile: np.ndarray, length: int, edges: np.ndarray) -> np.ndarray | None:
    """Cells of unequal size (a time axis, a pcolormesh with uneven edges): when
    clear edges stand where the even comb has no boundary, the boundaries are the
    edges themselves. Returns the edges (relative to the box start) or None."""
    if len(profile) < 8:
        return None
    noise = float(np.quantile(profile, 0.2))
    tol = max(2.0, _tolerance(length / max(len(edges) - 1, 1)))
    inner = edges[1:-1]
    comb_ev = _evidence(profile, inner, int(tol))[0] if len(inner) else np.array([float(profile.max())])
    # an unexplained edge must be as clear as the comb's own (JPEG block seams are not)
    thr = max(3.0, 4.0 * noise, 0.25 * float(profile.max()), 0.5 * float(np.median(comb_ev)))
    left = np.concatenate([[-np.inf], profile[:-1]])
    right = np.concatenate([profile[1:], [-np.inf]])
    peaks = np.flatnonzero((profile > thr) & (profile >= left) & (profile > right)) + 1.0
    peaks = peaks[(peaks > 2) & (peaks < length - 2)]
    if len(peaks) < 2:
        return None
    unexplained = np.array([np.min(np.abs(edges - p)) > tol for p in peaks])
    if unexplained.sum() < 2 or unexplained.mean() < 0.3:
        return None
    # the far side of a grid line (two edges a line's width apart) is not a boundary
    explained = peaks[~unexplained]
    lone = [p for p in peaks[unexplained] if not len(explained) or np.min(np.abs(explained - p)) > 4]
    if len(lone) < 2:
        return None
    # peaks closer than 3 px are one edge drawn over two pixel lines
    keep = [peaks[0]]
    for p in peaks[1:]:
        if p - keep[-1] >= 3:
            keep.append(p)
    pos = _subpixel(profile, np.asarray(keep))
    out = np.concatenate([[0.0], pos, [float(length)]])
    sizes = np.diff(out)
    if sizes.min() < 4 or sizes.min() < 0.35 * np.median(sizes):
        return None  # slivers: lines or text, not cells
    return out


def _subpixel(profile: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Refine integer boundary coordinates with the neighbouring edge strengths."""
    j = pos.astype(np.int64) - 1
    n = len(profile)
    left = profile[np.clip(j - 1, 0, n - 1)]
    mid = profile[np.clip(j, 0, n - 1)]
    right = profile[np.clip(j + 1, 0, n - 1)]
    tot = left + mid + right
    shift = np.where(tot > 0, (right - left) / np.maximum(tot, 1e-9), 0.0)
    return pos + shift


#: Cells at least this many pixels on both sides are counted again on a
#: median-filtered copy, which wipes printed numbers and markers (thin strokes)
#: while keeping the step edges between cells.
MEDIAN_PASS_MIN_CELL = 10


def count_from_ticks(marks, length: float) -> int | None:
    """Cells along an axis from its tick marks (relative to the plot's start), when
    they sit at cell centres: the first mark half a cell in, the marks a whole
    number of cells apart and evenly spaced. None when they do not."""
    m = np.sort(np.asarray(marks, np.float64))
    if len(m) < 2:
        return None
    d = np.diff(m)
    if d.min() <= 0 or d.std() > 0.05 * d.mean() + 0.5:
        return None
    cell = 2.0 * m[0]
    if cell < 2.0:
        return None
    n = int(round(length / cell))
    k = d.mean() / cell
    if n < 2 or abs(k - round(k)) > 0.1 or abs(n * cell - length) > 0.5 * cell:
        return None
    # the last mark must also sit half a cell from the far end (or a whole number of steps from it)
    rest = (length - m[-1]) / cell - 0.5
    if abs(rest - round(rest)) > 0.15:
        return None
    return n


def _take_tick_count(n_edges: int, n_ticks: int | None) -> bool:
    """Tick marks win when they show a finer grid that the colour edges are part of:
    neighbouring cells of the same colour (a discrete colormap, a flat region) leave
    no edge, so colour alone counts too few."""
    return n_ticks is not None and n_ticks > n_edges and n_ticks % n_edges == 0


def find_grid(lab: np.ndarray, box: Box, rgb: np.ndarray | None = None, *,
              col_marks=(), row_marks=()) -> Grid:
    """Rows and columns of the plot area ``box``; ``col_marks``/``row_marks`` are the
    axis tick marks (image pixel coordinates), used when colour edges count too few."""
    sub = lab[box.y0:box.y1, box.x0:box.x1]
    pc, pr = edge_profile(sub, 1), edge_profile(sub, 0)
    n_cols, cx = count_cells(pc, box.width)
    n_rows, ry = count_cells(pr, box.height)
    nt = count_from_ticks(np.asarray(col_marks, np.float64) - box.x0, box.width)
    if _take_tick_count(n_cols, nt):
        n_cols, cx = nt, np.linspace(0.0, box.width, nt + 1)
    nt = count_from_ticks(np.asarray(row_marks, np.float64) - box.y0, box.height)
    if _take_tick_count(n_rows, nt):
        n_rows, ry = nt, np.linspace(0.0, box.height, nt + 1)
    regular = True
    if (e := irregular_edges(pc, box.width, cx)) is not None:
        n_cols, cx, regular = len(e) - 1, e, False
    if (e := irregular_edges(pr, box.height, ry)) is not None:
        n_rows, ry, regular = len(e) - 1, e, False
    cell = min(box.width / n_cols, box.height / n_rows)
    if rgb is not None and cell >= MEDIAN_PASS_MIN_CELL and regular:
        k = int(min(cell / 2, 15)) | 1
        smooth = cv2.medianBlur(np.ascontiguousarray(rgb[box.y0:box.y1, box.x0:box.x1]), k)
        sl = rgb_to_lab(smooth)
        # printed text can only add false boundaries: the filtered count is taken
        # when it divides the first and the boundaries it drops show no edge at
        # all once the text is gone (48 -> 24 rows). Boundaries that keep a faint
        # edge are real cells that grid lines made stand out.
        p2 = edge_profile(sl, 1)
        n2, cx2 = count_cells(p2, box.width)
        if _text_made_extra(p2, box.width, n_cols, n2):
            n_cols, cx = n2, cx2
        p2 = edge_profile(sl, 0)
        n2, ry2 = count_cells(p2, box.height)
        if _text_made_extra(p2, box.height, n_rows, n2):
            n_rows, ry = n2, ry2
    return Grid(frozen_array(ry + box.y0), frozen_array(cx + box.x0), regular)


def _text_made_extra(profile: np.ndarray, length: int, n1: int, n2: int) -> bool:
    if n2 <= 1 or n2 >= n1 or n1 % n2:
        return False
    k = np.arange(1, n1)
    extra = k[k % (n1 // n2) != 0] * (length / n1)
    ev, _ = _evidence(profile, extra, _tolerance(length / n1))
    return float(np.mean(ev > 1.0)) < 0.25
