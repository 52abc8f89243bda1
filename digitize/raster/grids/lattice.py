"""Grid strategy: the cells an axis lattice of tick marks or labels implies.

A lattice of pitch p says: a cell centre every p pixels, or every p/m pixels
when the axis labels every m-th cell. The plot box found from colour must end
on cell edges of that lattice (else the marks are not at cell centres: a
numeric axis), and grows over lattice positions past it when the strip it takes
in is cells (blank or one solid colour), never text and never another plot
(saturated or blank rows at the page colour leave no colour to find). m > 1
only where colour edges stand at the extra boundaries. Labels one to a cell
that all stand aside of the centres by one amount (the box's ends off their
lattice) give the count by their spacing alone, where no colour edge says
otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.checks import MAX_SHIFT, label_shift
from ...model import Box, Layout
from ..lattice import Lattice
from ..panels import cells_like
from ..planes import Planes
from .edges import _evidence, _tolerance, clear_edges, min_edge_of

#: Largest number of cells per lattice step tried (labels on every 10th row).
MAX_CELLS_PER_STEP = 12
#: A box edge lies on the lattice when within this share of a cell (or 2.5 px).
EDGE_SNAP_SHARE = 0.3
EDGE_SNAP_PX = 2.5
#: A lattice position this share of a cell or more past the box marks a cell beyond
#: it (the next cell's centre is half a cell past; a rotated label's anchor may
#: stand a few pixels short of it).
BEYOND_SHARE = 0.25
#: Share of the extra boundaries of a finer count that must show colour edges, and
#: of all its boundaries (as the colour-edge count asks of a comb).
MIN_EXTRA_SUPPORT = 0.5
MIN_ALL_SUPPORT = 0.75


@dataclass(frozen=True)
class AxisCells:
    """Cell edges along one axis (absolute pixel coordinates) and where they came from."""

    edges: np.ndarray
    strategy: str


def _grow_ok(planes: Planes, layout: Layout, plot: Box, strip: Box) -> bool:
    if strip.width <= 0 or strip.height <= 0:
        return True
    others = layout.obstacles(plot)
    return cells_like(planes, strip) and not any(strip.intersects(o) for o in others)


#: Labels one to a cell whose places are off the cells' centres (turned labels
#: drawn a third of a cell aside) still give the count: the box holds a whole number
#: of their spacings (within this share of one), and nearly every cell has its label.
PITCH_ONLY_SLACK = 0.1
PITCH_ONLY_LABELLED = 0.8


def _one_label_a_cell(lattice: Lattice, lo: int, hi: int, full_profile: np.ndarray) -> AxisCells | None:
    """The cells over [lo, hi) when the lattice is of labels, one to a cell, whose
    places stand off the cells' centres by one amount under half a cell (the box's
    ends are off the lattice): as many cells as spacings fit, when nearly every
    one is labelled and no clear colour edge crossing the plot stands inside one
    of them (a numeric axis's ticks every 2.5 cells, or every 50 of a fine map,
    stand at the box's ends or have edges between them); else None."""
    if lattice.source != "labels":
        return None
    # the spacing over the whole run of labels (the fitted pitch may be a little off)
    pitch = (lattice.last - lattice.first) / (lattice.count - 1) if lattice.count > 1 else lattice.pitch
    n = (hi - lo) / pitch
    k = int(round(n))
    if k < 3 or abs(n - k) > PITCH_ONLY_SLACK or len(lattice.points) < PITCH_ONLY_LABELLED * k \
            or lattice.count > k:
        return None
    cell = (hi - lo) / k
    if abs(label_shift(lattice.points, np.linspace(lo, hi, k + 1))[0]) > MAX_SHIFT:
        return None  # as grid_on_axes takes a common shift
    inside = (clear_edges(full_profile, hi - lo) / cell) % 1.0
    if np.any(np.minimum(inside, 1.0 - inside) > EDGE_SNAP_SHARE):
        return None
    return AxisCells(np.linspace(lo, hi, k + 1), "labels")


def propose(*, planes: Planes, plot: Box, layout: Layout, lattice: Lattice, vertical: bool,
            full_profile: np.ndarray, frame: Box | None = None) -> AxisCells | None:
    """The cell edges along one axis (rows when ``vertical``) implied by ``lattice``,
    or None when the plot box does not sit on it. ``full_profile`` is the colour
    edge profile across the box (edges that cross most of it); the box grows no
    further than the axes ``frame``, when there is one."""
    lo, hi = (plot.y0, plot.y1) if vertical else (plot.x0, plot.x1)
    best = None
    coarse = np.zeros(1)
    for m in range(1, MAX_CELLS_PER_STEP + 1):
        s = lattice.pitch / m
        if s < 3.0:
            break
        origin = lattice.first - s / 2  # an edge of the lattice's cells

        def snap(v: float) -> float:
            return origin + round((v - origin) / s) * s

        tol = max(EDGE_SNAP_PX, EDGE_SNAP_SHARE * s)
        # the box's own ends are the precise ones where they sit on the lattice; past
        # them, lattice positions beyond the box are taken in (when the strip is cells)
        if abs(snap(lo) - lo) > tol or abs(snap(hi) - hi) > tol:
            continue
        n_in = int(round((hi - lo) / s))
        if n_in < 1:
            continue
        cell = (hi - lo) / n_in
        beyond = BEYOND_SHARE * s
        before = max(0, int(round((lo - (lattice.first - s / 2)) / cell))) if lattice.first < lo - beyond else 0
        after = max(0, int(round((lattice.last + s / 2 - hi) / cell))) if lattice.last > hi + beyond else 0
        a, b, n = lo - before * cell, hi + after * cell, n_in + before + after
        s = cell
        at = a + np.arange(1, n) * s - lo
        at = at[(at > 1) & (at < hi - lo - 1)]
        if m == 1:
            coarse = _evidence(full_profile, at, _tolerance(s))[0] if len(at) else np.zeros(1)
        else:
            # the finer count needs colour edges at the boundaries it adds, about as
            # clear as the ones the lattice itself puts between its cells, and at
            # nearly all of its boundaries (a count a little too fine meets a
            # true edge now and then)
            u = (at + lo - lattice.first) / lattice.pitch  # in lattice steps; the lattice's own
            off = np.abs(((u - 0.5) + 0.5) % 1.0 - 0.5)  # boundaries sit at half steps
            extra = at[off > 0.5 / m]
            if not len(extra):
                continue
            noise = float(np.quantile(full_profile, 0.2)) if len(full_profile) else 0.0
            thr = max(min_edge_of(planes), 3.0 * noise, 0.5 * float(np.median(coarse)))
            if float(np.mean(_evidence(full_profile, extra, _tolerance(s))[0] > thr)) < MIN_EXTRA_SUPPORT:
                continue
            if float(np.mean(_evidence(full_profile, at, _tolerance(s))[0] > thr)) < MIN_ALL_SUPPORT:
                continue
        best = (a, b, n)
    if best is None:
        return _one_label_a_cell(lattice, lo, hi, full_profile)
    a, b, n = best
    cell = (b - a) / n
    if frame is not None:
        f_lo, f_hi = (frame.y0, frame.y1) if vertical else (frame.x0, frame.x1)
        n -= int(round(max(0.0, f_lo - a) / cell)) + int(round(max(0.0, b - f_hi) / cell))
        a, b = max(a, a + round(max(0.0, f_lo - a) / cell) * cell), min(b, b - round(max(0.0, b - f_hi) / cell) * cell)
    size = float(planes.shape[0] if vertical else planes.shape[1])
    # the strips taken in past the box must be cells; where one is not, the box
    # keeps that end
    for end, (s0, s1) in (("lo", (a, lo)), ("hi", (hi, b))):
        if s1 - s0 < 1:
            continue
        s0, s1 = max(0.0, s0), min(size, s1)
        strip = (Box(plot.x0, int(round(s0)), plot.x1, int(round(s1))) if vertical
                 else Box(int(round(s0)), plot.y0, int(round(s1)), plot.y1))
        if s0 < s1 and _grow_ok(planes, layout, plot, strip) and (a >= 0 if end == "lo" else b <= size):
            continue
        if end == "lo":
            n -= int(round((lo - a) / cell))
            a = float(lo)
        else:
            n -= int(round((b - hi) / cell))
            b = float(hi)
    return AxisCells(np.linspace(a, b, n + 1), lattice.source)
