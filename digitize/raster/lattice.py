"""Where the axes say the cells are: tick marks and tick-label centres, fitted as
evenly spaced lattices along each axis.

When a heatmap labels its rows and columns (a confusion matrix, a
needle-in-a-haystack grid, a categorical axis in any plotting stack), the marks
and labels stand one per cell, or one per k cells, at cell centres. Their pitch
and their extent are the strongest evidence of the grid there is: colour edges
vanish between equal cells, and a run of cells at the page colour leaves no
colour at all. Input: the planes (with ink), the plot box found from colour, the
layout and the colorbar readings (their labels are not axis labels). Output: an
``AxisEvidence`` of ``Lattice``s per axis. Where nothing beside the plot makes
a lattice, the text printed inside it (numbers at cell centres) may. Nothing is
read with OCR here.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..core.lookup import delta_e, rgb_to_lab
from ..model import Box, ColorbarRegion, Layout, Ruling
from .axes import label_anchor, label_bands
from .colorbar import ColorbarReading
from .marks import find_inward_marks, find_tick_marks
from .panels import axes_frame
from .planes import Planes

#: A point is on the lattice when it lies within this share of the pitch (or
#: LATTICE_TOL_PX pixels, whichever is larger) of a lattice position. Label centres
#: wander by a pixel or two (glyph widths), marks by less.
LATTICE_TOL_SHARE = 0.12
LATTICE_TOL_PX = 1.5
#: Fewest points that make a lattice: two points fit any pitch.
MIN_LATTICE_POINTS = 3
#: Share of the points that must lie on the lattice (a stray blob or a merged pair
#: of labels may not).
MIN_ON_LATTICE = 0.8
#: What an empty lattice position costs against a point on it.
GAP_COST = 0.2
#: Smallest pitch in pixels (cells narrower than this carry no labels).
MIN_PITCH = 3.0


@dataclass(frozen=True)
class Lattice:
    """Evenly spaced positions along one axis (image pixels).

    pitch : distance between neighbouring positions
    first, last : the first and last observed position on the lattice
    points : the observed positions that lie on it
    source : "marks" (tick marks) or "labels" (tick-label centres)
    side : the side of the plot they were found on
    """

    pitch: float
    first: float
    last: float
    points: tuple[float, ...]
    source: str
    side: str

    @property
    def count(self) -> int:
        """Lattice positions from the first to the last observed one."""
        return int(round((self.last - self.first) / self.pitch)) + 1

    def covers(self) -> float:
        """Share of the lattice positions between first and last that were observed."""
        return len(self.points) / max(self.count, 1)


def _fit_dropping_worst(kk: np.ndarray, pp: np.ndarray, keep_within: float) -> tuple[float, float] | None:
    """The least-squares line pp = icpt + slope * kk, its worst point dropped while
    it stands more than ``keep_within`` off (down to MIN_LATTICE_POINTS points);
    None when the points left share one step. The sums are updated as points go
    (this runs for every candidate anchor: a fit from scratch each time cost more
    than the rest of the search)."""
    m = len(kk)
    sk, sp, skk, skp = float(kk.sum()), float(pp.sum()), float(kk @ kk), float(kk @ pp)

    def line():
        den = m * skk - sk * sk
        if den <= 1e-9 * max(1.0, m * skk):  # one step for all: no line
            return None
        slope = (m * skp - sk * sp) / den
        return slope, (sp - slope * sk) / m
    fit = line()
    if fit is None:
        return None
    alive = np.ones(m)  # 0 for a point dropped: its residual counts as 0, never the worst
    while m > MIN_LATTICE_POINTS:
        slope, icpt = fit
        r = np.abs(pp - (icpt + slope * kk))
        r *= alive
        j = int(r.argmax())
        if r[j] <= keep_within:
            break
        alive[j] = 0.0
        m -= 1
        k, q = float(kk[j]), float(pp[j])
        sk, sp, skk, skp = sk - k, sp - q, skk - k * k, skp - k * q
        fit = line()
        if fit is None:
            return None
    return fit


def fit_lattice(positions, *, source: str = "", side: str = "") -> Lattice | None:
    """The evenly spaced lattice most of ``positions`` lie on, gaps allowed (labels
    printed on every other cell, a label too faint to find). None when fewer than
    MIN_LATTICE_POINTS points agree.

    >>> lat = fit_lattice([10.0, 20.5, 30.0, 50.2, 60.0])
    >>> round(lat.pitch, 1), lat.count, len(lat.points)
    (10.0, 6, 5)
    """
    p = np.unique(np.round(np.asarray(positions, np.float64), 1))
    if len(p) < MIN_LATTICE_POINTS:
        return None
    best = None
    for key, slope, pts in _lattice_candidates(p):
        # most points on it, less a little for every position it leaves empty
        # (a stray blob half a step off must not halve the pitch of labels on
        # every other cell), then the coarsest pitch
        if best is None or key > best[0]:
            best = (key, slope, pts)
            if key[0] == len(p):
                break  # every point on a lattice without gaps: none does better
    if best is None:
        return None
    (n_on, _), pitch, pts = best
    if n_on < MIN_LATTICE_POINTS or n_on < MIN_ON_LATTICE * len(p) or pitch < MIN_PITCH:
        return None
    return Lattice(pitch, float(pts.min()), float(pts.max()), tuple(float(v) for v in pts), source, side)


def _lattice_candidates(p: np.ndarray) -> Iterator[tuple[tuple[float, float], float, np.ndarray]]:
    """Lattices through sorted distinct points ``p``: (key, pitch, the points on it),
    key = (points on it less GAP_COST per empty place between them, -places)."""
    pitches: set[float] = set()
    # anchors that put the same points on the same steps (up to a shift) at the same
    # tolerance fit the same line, whatever the pitch that proposed them: each such
    # set is fitted once
    tried: set[tuple] = set()
    # the pitch is one of the gaps between neighbours, or a divisor of one (gaps)
    for base in np.unique(np.round(np.diff(p), 0)):
        for k in (1, 2, 3):
            pitch = float(base) / k
            if pitch < MIN_PITCH or pitch in pitches:
                continue
            pitches.add(pitch)
            tol = max(LATTICE_TOL_PX, LATTICE_TOL_SHARE * pitch)
            every = (p[None, :] - p[:, None]) / pitch  # row a: the steps from anchor p[a]
            near = np.abs(every - np.round(every)) * pitch <= tol
            for a in np.flatnonzero(near.sum(axis=1) >= MIN_LATTICE_POINTS):
                steps, on = every[a], near[a]
                rounded = np.round(steps[on])
                same = (tol, on.tobytes(), (rounded - rounded[0]).tobytes())
                if same in tried:
                    continue
                tried.add(same)
                # refine the pitch and phase by least squares on the points that agree,
                # the worst dropped while it stands more than half the tolerance off (an
                # outlier within the tolerance, a title above the labels, would pull the
                # line far enough for every point to pass)
                fit = _fit_dropping_worst(rounded, p[on], 0.5 * tol)
                if fit is None:
                    continue
                slope, icpt = fit
                steps2 = (p - icpt) / slope
                on2 = np.abs(steps2 - np.round(steps2)) * slope <= tol
                n_on = int(on2.sum())
                at = np.round(steps2[on2])
                span = (at.max() - at.min()) + 1
                yield (n_on - GAP_COST * (span - n_on), -span), float(slope), p[on2]


@dataclass(frozen=True)
class AxisEvidence:
    """The lattices found along each axis of a plot: ``cols`` along x, ``rows`` along y."""

    cols: tuple[Lattice, ...] = ()
    rows: tuple[Lattice, ...] = ()
    frame: Box | None = None  # the inside of an axes frame wider than the plot, when there is one


def _probe(plot: Box, layout: Layout, shape, vertical: bool) -> Box:
    """The plot stretched along one axis by up to its own length, stopped short of
    any other plot or colorbar in the way: marks may go on past a box found too small."""
    h, w = shape
    others = layout.obstacles(plot)
    if vertical:
        lo, hi = max(0, plot.y0 - plot.height), min(h, plot.y1 + plot.height)
        for o in others:
            if o.x1 > plot.x0 and o.x0 < plot.x1:  # overlaps the plot's columns
                if o.y1 <= plot.y0:
                    lo = max(lo, o.y1)
                elif o.y0 >= plot.y1:
                    hi = min(hi, o.y0)
        return Box(plot.x0, lo, plot.x1, hi)
    lo, hi = max(0, plot.x0 - plot.width), min(w, plot.x1 + plot.width)
    for o in others:
        if o.y1 > plot.y0 and o.y0 < plot.y1:
            if o.x1 <= plot.x0:
                lo = max(lo, o.x1)
            elif o.x0 >= plot.x1:
                hi = min(hi, o.x0)
    return Box(lo, plot.y0, hi, plot.y1)


#: Marks within this many pixels of a ruled plot's rules are the rules run on.
ON_RULE_PX = 2.0


def _on_rules(lat: Lattice, ruling: Ruling | None, vertical: bool) -> bool:
    """Whether the "tick marks" of a ruled plot are its rules run on past it (into
    header boxes): most of them on its cell edges, not at its centres."""
    if ruling is None:
        return False
    edges = ruling.grid.row_edges if vertical else ruling.grid.col_edges
    near = [min(abs(edges - p)) <= ON_RULE_PX for p in lat.points]
    return sum(near) >= 0.5 * len(near)


#: Text inside a plot: pixels this far (delta E) from the plot with thin strokes
#: closed over (dark text) or opened away (light text), in components no larger
#: than TEXT_MAX_SHARE of the plot's side (grid lines and frames are longer).
TEXT_DELTA_E = 20.0
TEXT_STROKE_PX = 5
TEXT_MAX_SHARE = 0.5
#: Glyphs shorter than this (pixels) are no legible text.
TEXT_MIN_HEIGHT = 5
#: More places of text than this along an axis are no numbers printed in cells
#: (a heatmap printing its values has a few dozen rows or columns at the most).
TEXT_MAX_PLACES = 80
#: Text centres closer than this share of the text's height are one place.
TEXT_SAME_PLACE = 0.35


def printed_centres(planes: Planes, plot: Box) -> tuple[np.ndarray, ...]:
    """The centres (x, y, image pixels) of the pieces of text printed inside
    ``plot`` (numbers in cells, one per cell even over two lines) and their widths
    and heights. Nothing is read:
    text is thin strokes that a closing (dark text) or an opening (light text)
    of the plot's colours removes, grouped into words and lines by their height."""
    import cv2

    rgb = planes.rgb[plot.y0:plot.y1, plot.x0:plot.x1]
    none = (np.zeros(0),) * 4
    if min(rgb.shape[:2]) < 3 * TEXT_STROKE_PX:
        return none
    lab = planes.lab[plot.y0:plot.y1, plot.x0:plot.x1]
    kernel = np.ones((TEXT_STROKE_PX, TEXT_STROKE_PX), np.uint8)
    mask = np.zeros(rgb.shape[:2], bool)
    for op in (cv2.MORPH_CLOSE, cv2.MORPH_OPEN):
        mask |= delta_e(lab, rgb_to_lab(cv2.morphologyEx(rgb, op, kernel))) > TEXT_DELTA_E
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    wide, tall = stats[:, 2], stats[:, 3]
    is_small = (tall <= TEXT_MAX_SHARE * plot.height) & (wide <= TEXT_MAX_SHARE * plot.width) & (tall >= 3)
    is_small[0] = False  # the background
    if int(is_small.sum()) < MIN_LATTICE_POINTS:
        return none
    hc = float(np.median(tall[is_small]))  # a glyph's height
    if hc < TEXT_MIN_HEIGHT:
        return none  # dots and specks (a dense map's cells), not text
    glyphs = is_small[labels]
    # glyphs of a word, and the lines of a two-line label, into one piece
    join = np.ones((max(1, int(0.6 * hc)) | 1, max(1, int(0.5 * hc)) | 1), np.uint8)
    n, _, stats, cent = cv2.connectedComponentsWithStats(cv2.dilate(glyphs.astype(np.uint8), join), connectivity=8)
    keep = 1 + np.flatnonzero((stats[1:, 3] <= TEXT_MAX_SHARE * plot.height + join.shape[0])
                              & (stats[1:, 2] <= TEXT_MAX_SHARE * plot.width + join.shape[1]))
    return cent[keep, 0] + plot.x0, cent[keep, 1] + plot.y0, stats[keep, 2], stats[keep, 3]


def _places(values: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Values within ``tol`` of their neighbour merged into one place: the places
    (their means) and how many values each holds."""
    v = np.sort(np.asarray(values, np.float64))
    if not len(v):
        return v, np.zeros(0, np.int64)
    groups = np.split(v, np.flatnonzero(np.diff(v) > tol) + 1)
    return np.array([g.mean() for g in groups]), np.array([len(g) for g in groups])


def printed_lattices(planes: Planes, plot: Box) -> tuple[Lattice | None, Lattice | None]:
    """Lattices (columns, rows) of the text printed inside a plot: numbers at cell
    centres back the grid where nothing beside the plot does (a strip whose pale
    neighbouring cells show no edge between them)."""
    xs, ys, widths, heights = printed_centres(planes, plot)
    if len(xs) < MIN_LATTICE_POINTS:
        return None, None
    tol = max(LATTICE_TOL_PX, TEXT_SAME_PLACE * float(np.median(heights)))
    out = []
    for v, size, lo, hi in ((xs, widths, plot.x0, plot.x1), (ys, heights, plot.y0, plot.y1)):
        places, counts = _places(v, tol)
        if len(places) > TEXT_MAX_PLACES:  # specks all over a dense map, not numbers in cells
            out.append(None)
            continue
        lat = fit_lattice(places, source="text", side="inside")
        if lat is not None and lat.pitch < float(np.median(size)):
            lat = None  # cells narrower than the text they would hold: specks on a fine pitch, not numbers
        line = float(places[counts.argmax()])
        if lat is None and counts.max() >= max(MIN_LATTICE_POINTS, MIN_ON_LATTICE * len(v)) and \
                abs(line - (lo + hi) / 2) <= max(LATTICE_TOL_PX, LATTICE_TOL_SHARE * (hi - lo)):
            # (nearly) every number on one line across the middle: one cell deep (a strip)
            lat = Lattice(float(hi - lo), line, line, (line,), "text", "inside")
        out.append(lat)
    return out[0], out[1]


def axis_evidence(*, planes: Planes, plot: Box, layout: Layout,
                  readings: list[ColorbarReading]) -> AxisEvidence:
    """Lattices of tick marks (each side) and of tick-label centres (the label band
    of each side) along both axes of ``plot``."""
    out: dict[str, list[Lattice]] = {"rows": [], "cols": []}
    # a plot found inside a wider axes frame (its cells mostly at the page colour)
    # has its marks and labels beside the frame
    frame = axes_frame(planes, plot, layout)
    area = frame or plot
    ruling = layout.ruling_of(plot)
    for axis, sides, vertical in (("rows", ("left", "right"), True), ("cols", ("bottom", "top"), False)):
        probe = _probe(area, layout, planes.shape, vertical)
        for side in sides:
            marks = find_tick_marks(planes.ink, ColorbarRegion(probe, "vertical" if vertical else "horizontal"),
                                    side)[0]
            lat = fit_lattice(marks, source="marks", side=side)
            if lat is None:  # marks drawn inward, over the outer cells
                lat = fit_lattice(find_inward_marks(planes.lab, area, side), source="marks", side=side)
            if lat is not None and not _on_rules(lat, ruling, vertical):
                out[axis].append(lat)
    along = (max(area.height // 2, 12), max(area.width // 2, 12))
    bands = label_bands(planes=planes, plot=area, layout=layout, readings=readings, along=along)
    for side, (band, _) in bands.items():
        axis = "rows" if side in ("left", "right") else "cols"
        at = [label_anchor(bl, side) for bl in band]
        lo, hi = (area.y0, area.y1) if axis == "rows" else (area.x0, area.x1)
        lat = fit_lattice(at, source="labels", side=side)
        if lat is None:  # lines of body text past the plot's ends in the band: the labels beside it,
            # every place of their lattice taken (a few labels left, one of them lost,
            # fit a pitch half theirs with gaps)
            lat = fit_lattice([a for a in at if lo <= a <= hi], source="labels", side=side)
            if lat is not None and lat.covers() < 1.0:
                lat = None
        # a lattice of lines past the plot's ends (body text above a figure) labels none of its cells
        if lat is not None and sum(lo <= a <= hi for a in lat.points) >= MIN_LATTICE_POINTS:
            out[axis].append(lat)
    if not out["cols"] or not out["rows"]:  # nothing beside the plot: the text inside it, if any
        for axis, lat in zip(("cols", "rows"), printed_lattices(planes, area)):
            if lat is not None and not out[axis]:
                out[axis].append(lat)
    return AxisEvidence(tuple(out["cols"]), tuple(out["rows"]), frame)
