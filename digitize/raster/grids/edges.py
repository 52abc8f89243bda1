"""Grid strategy: the cell grid of a plot area from colour edges.

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

from ...core.lookup import delta_e, rgb_to_lab
from ...model import Box, Grid, frozen_array
from ..marks import axis_marks
from ..planes import FG_DELTA_E, Planes

#: Weakest edge (delta E) counted between cells in a lossless picture.
LOSSLESS_MIN_EDGE = 0.3

#: Share of the predicted boundaries that must land on an edge. Two neighbouring
#: cells of the same colour leave no edge; on random and smooth fields that hits
#: a few boundaries out of many, so 0.75 leaves room while a comb twice too fine
#: gets only ~0.5.
MIN_SUPPORT = 0.75

#: Over the rows (or columns) crossing a boundary, the edge strength taken is this
#: quantile: high enough that a boundary between similar colours still shows,
#: low enough that printed numbers (covering < 35% of a cell's height) do not.
EDGE_QUANTILE = 0.6


def edge_profile(lab_box: np.ndarray, axis: int, quantile=EDGE_QUANTILE) -> np.ndarray:
    """Edge strength between pixel lines along ``axis`` (1: between columns x and
    x+1, returned as (W-1,); 0: between rows). A sequence of quantiles gives one
    profile per quantile, (len(quantile), W-1), from one pass over the pixels."""
    if axis == 1:
        d = delta_e(lab_box[:, 1:], lab_box[:, :-1])  # (H, W-1)
        return np.quantile(np.minimum(d, 40.0), quantile, axis=0)
    d = delta_e(lab_box[1:], lab_box[:-1])  # (H-1, W)
    return np.quantile(np.minimum(d, 40.0), quantile, axis=1)


#: Uneven boundaries are taken only from edges that cross most lines of the
#: plot (at least 1 - this quantile of them): printed numbers cross a third or less.
FULL_EDGE_QUANTILE = 0.4


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


def _window_max(profile: np.ndarray, radius: int) -> np.ndarray:
    """Max of the profile over [i - radius, i + radius] at every i."""
    if radius <= 0:
        return profile
    padded = np.pad(profile, radius, mode="edge")
    out = profile.copy()
    for d in range(2 * radius + 1):  # radius is a few pixels: 2r+1 shifted maxima
        np.maximum(out, padded[d:d + len(profile)], out=out)
    return out


#: Along a side of more than twice this many pixels, counts above it are tried only
#: where the edge profile repeats (see ``_pitch_counts``).
EXHAUSTIVE_COUNTS = 1024
#: Repeat lengths (autocorrelation peaks) whose counts are tried.
PITCH_PEAKS = 24


def _pitch_counts(profile: np.ndarray, length: int) -> np.ndarray:
    """Cell counts above EXHAUSTIVE_COUNTS worth trying: those whose cell size is
    near a lag at which the edge profile repeats (a peak of its autocorrelation,
    taken by FFT), and their neighbours."""
    p = np.asarray(profile, np.float64) - float(np.mean(profile))
    n = len(p)
    if n < 8:
        return np.zeros(0, np.int64)
    f = np.fft.rfft(p, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[:n]
    lo, hi = 2, max(3, int(length / EXHAUSTIVE_COUNTS) + 2)
    lags = np.arange(lo, min(hi, n - 1))
    if not len(lags):
        return np.zeros(0, np.int64)
    v = ac[lags]
    peak = (v >= ac[lags - 1]) & (v >= ac[lags + 1]) & (v > 0)
    top = lags[peak][np.argsort(v[peak])[::-1][:PITCH_PEAKS]]
    counts = [int(round(length / t)) + d for t in top for d in (-1, 0, 1)]
    return np.array([c for c in counts if EXHAUSTIVE_COUNTS < c <= length // 2], np.int64)


def edge_threshold(profile: np.ndarray, min_edge: float = 1.0) -> float:
    """The weakest edge of ``profile`` counted between cells: ``min_edge``, or three
    times the profile's noise (its 20% quantile) where that is more."""
    return max(min_edge, 3.0 * float(np.quantile(profile, 0.2))) if len(profile) else min_edge


def min_edge_of(planes: Planes) -> float:
    """The weakest edge a picture shows between cells: an exact picture shows the
    faint edges between neighbours of a slowly changing field (0.5 delta E);
    compression noise hides them."""
    return LOSSLESS_MIN_EDGE if planes.cell_delta_e < FG_DELTA_E else 1.0


def count_cells(profile: np.ndarray, length: int, *, min_edge: float = 1.0) -> tuple[int, np.ndarray]:
    """Number of cells along one axis and their edges (relative to the box start).

    Every count n is tried at once: the boundaries of all combs are laid out in
    one array, each looked up in the profile's running maximum over its comb's
    tolerance, and the support of each comb summed with bincount."""
    if length < 2:
        return 1, np.array([0.0, float(length)])
    thr = edge_threshold(profile, min_edge)
    best_n = 1
    ns = np.arange(2, length // 2 + 1)
    if len(ns) > EXHAUSTIVE_COUNTS:
        # every count up to EXHAUSTIVE_COUNTS, and beyond only the counts whose pitch
        # the profile repeats at: the work stays near-linear in the plot's side
        # (every count of a 30000-px side would lay out 10^8 boundaries)
        ns = np.unique(np.concatenate([np.arange(2, EXHAUSTIVE_COUNTS + 1), _pitch_counts(profile, length)]))
    if len(ns) and len(profile):
        last = len(profile) - 1
        cells = length / ns
        tols = np.array([_tolerance(c) for c in cells])
        nb = ns - 1  # boundaries per comb
        comb = np.repeat(np.arange(len(ns)), nb)  # which comb each boundary belongs to
        k = np.arange(nb.sum()) - np.repeat(np.cumsum(nb) - nb, nb) + 1  # 1..n-1 within its comb
        at = np.clip(np.rint(cells[comb] * k).astype(np.int64) - 1, 0, last)
        ev = np.empty(len(at))
        for t in np.unique(tols):
            sel = tols[comb] == t
            ev[sel] = _window_max(profile, int(t))[at[sel]]
        # the middle of the cells on either side of each boundary
        left = np.clip(np.rint(cells[comb] * (k - 0.5)).astype(np.int64) - 1, 0, last)
        right = np.clip(np.rint(cells[comb] * (k + 0.5)).astype(np.int64) - 1, 0, last)
        quiet = np.maximum(profile[left], profile[right])
        good = (ev > thr) & (ev > 1.5 * quiet)
        support = np.bincount(comb, weights=good, minlength=len(ns)) / nb
        ok = np.flatnonzero(support >= MIN_SUPPORT)
        if len(ok):
            best_n = int(ns[ok[-1]])
    if best_n == 1:
        return 1, np.array([0.0, float(length)])
    return best_n, comb_edges(profile, length, best_n)


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
    thr = max(2.5, 4.0 * noise, 0.5 * float(np.median(comb_ev)))
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


#: Uneven edges lie on an even lattice when each is within this share of its
#: pitch of a boundary of it (and there are at least EVEN_MIN_EDGES of them).
EVEN_LATTICE_SHARE = 0.12
EVEN_MIN_EDGES = 4
#: ... and the box's ends stand within EVEN_END_PX pixels, or EVEN_END_SHARE of a
#: pitch, of its boundaries.
EVEN_END_PX = 3.0
EVEN_END_SHARE = 0.25


def on_even_lattice(edges: np.ndarray, length: float) -> int | None:
    """The count of even cells whose boundaries take in every one of ``edges`` (an
    "uneven" grid of one wide cell and many narrow ones is an even grid whose
    neighbouring cells of one colour show no edge between them: a needle map at
    100% over its short contexts), its pitch the narrow cells' median; or None."""
    inner = np.asarray(edges, np.float64)[1:-1]
    if len(inner) < EVEN_MIN_EDGES:
        return None
    steps = np.diff(inner)
    guess = float(np.median(steps))
    guess = float(np.mean(steps[steps < 1.5 * guess]))  # one cell apart (pixel edges: 10, 10, 11 ...)
    span = inner[-1] - inner[0]
    if guess <= 0 or span < guess:
        return None
    guess = span / round(span / guess)  # the narrow cells' pitch, over all of them
    k = np.round((inner - inner[0]) / guess)
    pitch, at = np.polyfit(k, inner, 1)  # the lattice the edges stand on
    if pitch <= 0 or float(np.abs(at + pitch * k - inner).max()) > EVEN_LATTICE_SHARE * pitch:
        return None
    n = int(round(length / pitch))
    if n < len(edges) - 1 or abs(length / n - pitch) > EVEN_LATTICE_SHARE * pitch:
        return None
    # the box's ends on the lattice, but for a pixel or two of margin (a first
    # "cell" half a pitch wide is something else: a track of colours over the map)
    slack = max(EVEN_END_PX, EVEN_END_SHARE * pitch)
    for end in (0.0, float(length)):
        if abs((end - at) / pitch - round((end - at) / pitch)) * pitch > slack:
            return None
    return n


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


def counts_from_ticks(marks, length: float) -> list[int] | None:
    """Cells along an axis from its tick marks (relative to the plot's start), when
    they sit at cell centres: evenly spaced, a whole number k of cells apart, the
    first half a cell (plus whole cells) in, and a whole number of cells filling
    the axis. Returns every count that fits (k = 1, 3, 5... all do when there is a
    mark on each cell), fewest cells first; None when the marks are not at cell
    centres."""
    m = np.sort(np.asarray(marks, np.float64))
    if len(m) < 3:
        return None  # two strokes make no comb: a pair of stray ones would set the count
    d = np.diff(m)
    step = float(d.mean())
    if d.min() <= 0 or d.std() > 0.05 * step + 0.5:
        return None
    fits = []
    for k in range(1, 13):
        cell = step / k
        if cell < 2.0:
            break
        n = length / cell
        j = m[0] / cell - 0.5
        # the first mark within a pixel of a cell centre, but never a quarter of a
        # tiny cell off: marks every half cell (at the cells' edges as well as their
        # centres) must not pass for marks every 9th of a 3-px comb
        if (abs(n - round(n)) * cell <= max(3.0, 0.2 * cell)
                and abs(j - round(j)) * cell <= max(min(1.0, 0.25 * cell), 0.15 * cell) and round(n) >= 2):
            fits.append(int(round(n)))
    return fits or None


#: Tick marks fix a count only where the clear colour edges agree: of the edges
#: that cross the plot, the share standing on the count's boundaries must make up
#: at least this part of the way from chance (the share a comb that fine catches
#: anyway) to all (marks at 0, 2.5, 5 ... on a numeric axis over 12 cells also fit
#: a comb of 34), and not be this much below the share on the comb the colour
#: edges count themselves.
MIN_EDGES_ON_COMB = 0.5
EDGES_ON_COMB_SLACK = 0.25


def clear_edges(full_profile: np.ndarray, length: float) -> np.ndarray:
    """Where the colour edges that cross the whole plot stand (peaks of
    ``full_profile`` clear of its noise, away from the box's ends)."""
    p = np.asarray(full_profile, np.float64)
    if len(p) < 5:
        return np.zeros(0)
    thr = edge_threshold(p)
    inner = p[1:-1]
    peak = (inner > thr) & (inner >= p[:-2]) & (inner >= p[2:])
    pos = np.flatnonzero(peak) + 2.0  # profile index j sits at coordinate j + 1
    return pos[(pos > 2) & (pos < length - 2)]


def _on_comb(pos: np.ndarray, length: float, n: int) -> tuple[float, float]:
    """Share of the edges at ``pos`` that stand on a boundary of ``n`` even cells
    (within a pixel and a half, or an eighth of a cell: grid lines put them beside
    it), the comb fitted to them (the box may end a pixel or two off the cells),
    and the share that edges anywhere would by chance."""
    cell = length / n
    tol = max(1.5, 0.12 * cell)
    k = np.rint(pos / cell)
    a, b = 0.0, cell
    if len(np.unique(k)) >= 2:
        b2, a2 = np.polyfit(k, pos, 1)
        if abs(b2 - cell) <= COMB_FIT_SHARE * cell and abs(a2) <= 0.5 * cell:
            a, b = a2, b2
    return float(np.mean(np.abs(pos - (a + b * k)) <= tol)), min(1.0, 2.0 * tol / cell)


#: The comb fitted to the edges may differ from the box's by this share of a cell.
COMB_FIT_SHARE = 0.03
#: A comb so fine that edges anywhere fall on it this often is not tested edge by
#: edge: edges must stand at this share of its boundaries at least, and its count
#: be a multiple of the count the edges give themselves.
UNTESTABLE_CHANCE = 0.6
MIN_FINE_SUPPORT = 0.5


def edges_deny(pos: np.ndarray, length: float, n: int, n_colour: int) -> bool:
    """Whether the clear colour edges at ``pos`` deny a count ``n`` the tick marks
    imply: most of them fall between its boundaries, or far more of them fall on
    the boundaries of the count ``n_colour`` the edges give themselves; for a
    comb too fine to tell, when edges stand at few of its boundaries, or ``n``
    is no multiple of ``n_colour`` and nearly all the edges stand on that one's
    boundaries. Fewer than two edges say nothing (a saturated map), nor fewer
    than three to a comb too fine to tell."""
    if len(pos) < 2:
        return False
    share, chance = _on_comb(pos, length, n)
    colour = _on_comb(pos, length, n_colour)[0] if n_colour >= 2 and n_colour != n else 0.0
    if chance >= UNTESTABLE_CHANCE:
        if len(pos) < 3:
            return False
        # edges at few of its boundaries (a sixteen-row map under marks that fit 77)
        hit = len(np.unique(np.rint(pos / (length / n))))
        return hit < MIN_FINE_SUPPORT * (n - 1) or n_colour >= 2 and n % n_colour != 0 and colour >= 0.9
    if share < chance + MIN_EDGES_ON_COMB * (1.0 - chance):
        return True
    return share < colour - EDGES_ON_COMB_SLACK


#: Marks every k-th cell (k >= 2) fix a count only where colour edges stand at
#: this share of its boundaries at least: round numbers on a numeric axis (1000,
#: 2000 ... over cells 512 apart) can sit at the centres of some fine comb by
#: chance, with no edge inside the true cells to back it.
MIN_SPARSE_MARKS_SUPPORT = 0.3
#: ... where cells are this many pixels wide or more.
MIN_TESTED_CELL = 5.0


#: The edges a count of sparse marks needs may cross only a few lines (a sparse
#: 2-D histogram, most of its cells blank): this quantile of the lines crossed.
ANY_EDGE_QUANTILE = 0.95


def _sparse_marks_backed(marks, n: int, profile: np.ndarray, length: float, min_edge: float) -> bool:
    """Whether a count ``n`` the tick marks allow is backed: marks on every cell
    need nothing more; marks every k-th cell need colour edges (``profile``, the
    edges in a few lines at least: ANY_EDGE_QUANTILE) at MIN_SPARSE_MARKS_SUPPORT
    of the boundaries: inside the true cells of a numeric axis there are none."""
    m = np.sort(np.asarray(marks, np.float64))
    cell = length / n
    if len(m) < 2 or float(np.diff(m).mean()) < 1.5 * cell or not len(profile) or cell < MIN_TESTED_CELL:
        return True  # cells of a few pixels, blurred together, show no edges to test
    ev, _ = _evidence(profile, cell * np.arange(1, n), _tolerance(cell))
    return float(np.mean(ev > edge_threshold(profile, min_edge))) >= MIN_SPARSE_MARKS_SUPPORT


def _choose_tick_count(fits: list[int], full_profile: np.ndarray, length: int) -> int:
    """The fewest cells the marks allow, unless colour edges crossing the whole plot
    stand at the extra boundaries of a finer count (marks on every k-th cell)."""
    best = fits[0]
    noise = float(np.quantile(full_profile, 0.2)) if len(full_profile) else 0.0
    at = (length / best) * np.arange(1, best)
    coarse_ev = _evidence(full_profile, at, _tolerance(length / best))[0] if len(at) else np.array([0.0])
    thr = max(1.0, 3.0 * noise, 0.5 * float(np.median(coarse_ev)))
    for n in fits[1:]:
        if length / n < 3.0:
            break
        cell = length / n
        k = np.arange(1, n)
        coarse = np.isclose((k * cell / (length / best)) % 1.0, 0.0, atol=1e-6) | \
            np.isclose((k * cell / (length / best)) % 1.0, 1.0, atol=1e-6)
        extra = k[~coarse] * cell
        if not len(extra):
            continue
        ev, _ = _evidence(full_profile, extra, _tolerance(cell))
        if float(np.mean(ev > thr)) >= 0.5:
            best = n
    return best


def comb_edges(profile: np.ndarray, length: int, n: int) -> np.ndarray:
    """Edges of ``n`` even cells (relative to the box start), refined by a
    least-squares line through the sub-pixel colour edges where they show; the box
    edges stay exact boundaries unless that line says otherwise."""
    cell = length / n
    at = cell * np.arange(1, n)
    ev, pos = _evidence(profile, at, _tolerance(cell))
    good = ev > edge_threshold(profile)
    k = np.arange(1, n)
    slope, icpt = cell, 0.0
    if good.sum() >= 2:
        s2, i2 = np.polyfit(k[good], _subpixel(profile, pos[good]), 1)
        if abs(i2) <= 1.5 and abs(i2 + s2 * n - length) <= 1.5:
            slope, icpt = s2, i2
    edges = icpt + slope * np.arange(n + 1)
    edges[0], edges[-1] = max(0.0, edges[0]), min(float(length), edges[-1])
    return edges


def propose(*, planes: Planes, plot: Box) -> Grid:
    """The grid colour edges give (the axis tick marks, when they sit at cell
    centres, fix the count)."""
    return grid_from_edges(planes.lab, plot, planes.rgb, **axis_marks(planes.ink, plot), min_edge=min_edge_of(planes))


#: Over the lines crossing a boundary, the edge strength this quantile takes: a
#: boundary that shows in a fifth of them (two columns of a pass/fail map differ
#: in about half their rows, seldom in most).
SPARSE_EDGE_QUANTILE = 0.8
#: A comb of sparse edges stands out when its boundaries' edges are this many
#: times the profile's median.
SPARSE_STAND_OUT = 4.0


def sparse_edges(profile: np.ndarray, origin: int, n_base: int, planes: Planes) -> np.ndarray | None:
    """The cell edges along one axis of a plot (absolute coordinates from
    ``origin``) from edges that cross only some of its lines (``profile``: the
    plot's ``edge_profile`` at SPARSE_EDGE_QUANTILE), as a further proposal when
    they count other than ``n_base`` (else None); the pixels decide between them
    (``grids.find_grid``)."""
    min_edge = min_edge_of(planes)
    length = len(profile) + 1
    n, e = count_cells(profile, length, min_edge=min_edge)
    if n in (1, n_base) or length / n < MIN_TESTED_CELL:
        return None
    # the boundaries must stand out of the profile (a dense map blurred at this
    # resolution has edges everywhere, and some comb lands on them by chance)
    at = e[1:-1]
    ev, _ = _evidence(profile, at, _tolerance(length / n))
    if float(np.median(ev)) < SPARSE_STAND_OUT * max(float(np.median(profile)), min_edge):
        return None
    return e + origin


def grid_from_edges(lab: np.ndarray, box: Box, rgb: np.ndarray | None = None, *,
                    col_marks=(), row_marks=(), min_edge: float = 1.0) -> Grid:
    """Rows and columns of the plot area ``box`` from colour edges;
    ``col_marks``/``row_marks`` are the axis tick marks (image pixel coordinates):
    when they sit at cell centres they fix the count."""
    sub = lab[box.y0:box.y1, box.x0:box.x1]
    both = (EDGE_QUANTILE, FULL_EDGE_QUANTILE, ANY_EDGE_QUANTILE)
    (pc, pc_full, pc_any), (pr, pr_full, pr_any) = edge_profile(sub, 1, both), edge_profile(sub, 0, both)
    n_cols, cx = count_cells(pc, box.width, min_edge=min_edge)
    n_rows, ry = count_cells(pr, box.height, min_edge=min_edge)
    # tick marks at cell centres fix the count: colour alone counts too few where
    # neighbours share a colour, and too many where printed numbers add edges
    regular = True
    fixed = {}
    for axis, marks, length in (("cols", col_marks, box.width), ("rows", row_marks, box.height)):
        origin = box.x0 if axis == "cols" else box.y0
        fits = counts_from_ticks(np.asarray(marks, np.float64) - origin, length)
        full = pc_full if axis == "cols" else pr_full
        n_colour = n_cols if axis == "cols" else n_rows
        at = clear_edges(full, length)
        fits = [n for n in fits or () if not edges_deny(at, length, n, n_colour)
                and _sparse_marks_backed(marks, n, pc_any if axis == "cols" else pr_any, length, min_edge)] or None
        fixed[axis] = fits is not None
        if fits is not None:
            nt = _choose_tick_count(fits, full, length)
            e = comb_edges(pc if axis == "cols" else pr, length, nt)
            if axis == "cols":
                n_cols, cx = nt, e
            else:
                n_rows, ry = nt, e
    if not fixed["cols"] and (e := irregular_edges(pc_full, box.width, cx)) is not None:
        n = on_even_lattice(e, box.width)
        n_cols, cx, regular = (n, comb_edges(pc, box.width, n), regular) if n else (len(e) - 1, e, False)
    if not fixed["rows"] and (e := irregular_edges(pr_full, box.height, ry)) is not None:
        n = on_even_lattice(e, box.height)
        n_rows, ry, regular = (n, comb_edges(pr, box.height, n), regular) if n else (len(e) - 1, e, False)
    cell = min(box.width / n_cols, box.height / n_rows)
    if rgb is not None and cell >= MEDIAN_PASS_MIN_CELL and regular and not all(fixed.values()):
        k = int(min(cell / 2, 15)) | 1
        smooth = cv2.medianBlur(np.ascontiguousarray(rgb[box.y0:box.y1, box.x0:box.x1]), k)
        sl = rgb_to_lab(smooth)
        # printed text can only add false boundaries: the filtered count is taken
        # when it divides the first and the boundaries it drops show no edge at
        # all once the text is gone (48 -> 24 rows). Boundaries that keep a faint
        # edge are real cells that grid lines made stand out.
        p2 = edge_profile(sl, 1)
        n2, cx2 = count_cells(p2, box.width)
        if not fixed["cols"] and _text_made_extra(p2, box.width, n_cols, n2):
            n_cols, cx = n2, cx2
        p2 = edge_profile(sl, 0)
        n2, ry2 = count_cells(p2, box.height)
        if not fixed["rows"] and _text_made_extra(p2, box.height, n_rows, n2):
            n_rows, ry = n2, ry2
    return Grid(frozen_array(ry + box.y0), frozen_array(cx + box.x0), regular)


def _text_made_extra(profile: np.ndarray, length: int, n1: int, n2: int) -> bool:
    if n2 <= 1 or n2 >= n1 or n1 % n2:
        return False
    k = np.arange(1, n1)
    extra = k[k % (n1 // n2) != 0] * (length / n1)
    ev, _ = _evidence(profile, extra, _tolerance(length / n1))
    return float(np.mean(ev > 1.0)) < 0.25
