"""Blocks of cells among a page's objects: filled rectangles that tile a lattice
(pcolormesh, seaborn, Vega-Lite rect marks, R's image()), and images whose pixels
are cells (imshow saved with ``interpolation='none'``, or resampled nearest so
each cell is a block of equal pixels).

Input: a ``VectorPage``. Output: ``Tiling`` s, each a lattice of edges in points
with the exact colour of every cell (and which cells are drawn at all).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..sources.objects import PlacedImage, VectorPage

#: Corners within this distance (points) are one corner: generators write
#: coordinates to a few decimals.
CORNER_TOL = 0.05
#: Edges closer than this share of the median cell side are one edge.
EDGE_MERGE = 0.2
#: A tiling holds at least this many cells ...
MIN_CELLS = 2
#: ... and its rectangles cover at least this share of its lattice.
MIN_FILLED = 0.5
#: An image's pixels are cells when it has at most this many of them per side ...
MAX_CELL_IMAGE_SIDE = 400
#: ... or when runs of equal pixels make blocks this many pixels wide on average.
MIN_BLOCK = 3.0


@dataclass(frozen=True)
class Tiling:
    """A lattice of cells: edges in points (x to the right, y down), each cell's
    colour, and which cells are drawn (undrawn ones are blank)."""

    x_edges: np.ndarray
    y_edges: np.ndarray
    rgb: np.ndarray  # (R, C, 3) uint8
    drawn: np.ndarray  # (R, C) bool
    kind: str  # "paths" or "image"

    @property
    def box(self) -> tuple[float, float, float, float]:
        return float(self.x_edges[0]), float(self.y_edges[0]), float(self.x_edges[-1]), float(self.y_edges[-1])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.y_edges) - 1, len(self.x_edges) - 1


class _Sets:
    def __init__(self, n: int):
        self.up = np.arange(n)

    def find(self, i: int) -> int:
        while self.up[i] != i:
            self.up[i] = self.up[self.up[i]]
            i = self.up[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[max(ra, rb)] = min(ra, rb)


def _groups(boxes: np.ndarray) -> list[np.ndarray]:
    """Indices of rectangles joined by shared corners (each group a candidate block)."""
    n = len(boxes)
    sets = _Sets(n)
    owner: dict[tuple[int, int], int] = {}
    q = np.round(boxes / CORNER_TOL).astype(np.int64)
    near = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]  # two corners a hair apart may round apart
    for i in range(n):
        x0, y0, x1, y1 = q[i]
        for cx, cy in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
            for dx, dy in near:
                j = owner.get((cx + dx, cy + dy))
                if j is not None and j != i:
                    sets.join(i, j)
            owner.setdefault((cx, cy), i)
    roots = np.array([sets.find(i) for i in range(n)])
    order = np.argsort(roots, kind="stable")
    cuts = np.flatnonzero(np.diff(roots[order])) + 1
    return [g for g in np.split(order, cuts) if len(g) >= MIN_CELLS]


def _edges(values: np.ndarray, tol: float) -> np.ndarray:
    v = np.sort(values)
    keep = np.concatenate([[True], np.diff(v) > tol])
    starts = np.flatnonzero(keep)
    return np.array([v[a:b].mean() for a, b in zip(starts, list(starts[1:]) + [len(v)])])


def _lattice(boxes: np.ndarray, colours: np.ndarray) -> Tiling | None:
    """The lattice a group of rectangles tiles, or None. Rectangles spanning more
    than one cell (an axes background under the cells) are left out."""
    keep = np.ones(len(boxes), bool)
    for _ in range(2):
        b = boxes[keep]
        side = float(np.median(np.minimum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1])))
        tol = max(CORNER_TOL, EDGE_MERGE * side)
        xe = _edges(np.concatenate([b[:, 0], b[:, 2]]), tol)
        ye = _edges(np.concatenate([b[:, 1], b[:, 3]]), tol)
        ix0, ix1 = (np.abs(boxes[:, [k]] - xe[None]).argmin(axis=1) for k in (0, 2))
        iy0, iy1 = (np.abs(boxes[:, [k]] - ye[None]).argmin(axis=1) for k in (1, 3))
        single = (ix1 - ix0 == 1) & (iy1 - iy0 == 1)
        if (single == keep).all():
            break
        keep = single
        if keep.sum() < MIN_CELLS:
            return None
    rows, cols = len(ye) - 1, len(xe) - 1
    if rows < 1 or cols < 1 or keep.sum() < MIN_FILLED * rows * cols:
        return None
    rgb = np.full((rows, cols, 3), 255, np.uint8)
    drawn = np.zeros((rows, cols), bool)
    for k in np.flatnonzero(keep):  # in drawing order: a cell drawn twice shows its last colour
        rgb[iy0[k], ix0[k]] = colours[k]
        drawn[iy0[k], ix0[k]] = True
    return Tiling(xe, ye, rgb, drawn, "paths")


def path_tilings(page: VectorPage) -> list[Tiling]:
    """Blocks of filled rectangles sharing corners that tile a lattice."""
    if len(page.fills) < MIN_CELLS:
        return []
    w = page.fills[:, 2] - page.fills[:, 0]
    h = page.fills[:, 3] - page.fills[:, 1]
    page_area = page.size[0] * page.size[1]
    ok = np.flatnonzero((w > CORNER_TOL) & (h > CORNER_TOL) & (w * h < 0.5 * page_area))
    out = []
    for g in _groups(page.fills[ok]):
        t = _lattice(page.fills[ok][g], page.colours[ok][g])
        if t is not None and _varied(t) and not _bars_of_a_chart(t, page.fills[ok]):
            out.append(t)
    return out


#: A row of cells is a run of bars of a bar chart when at least BAR_NEIGHBOURS
#: other rectangles near it (within BAR_REACH of its cells' width) stand on its
#: baseline (its bottom or its top, within BASELINE_TOL points), about as wide as
#: its cells (within BAR_WIDTH_SHARE) and of other heights: bars of equal values
#: side by side tile a row, their neighbours do not. Likewise a column of cells,
#: for bars drawn across.
BAR_NEIGHBOURS = 2
BAR_REACH = 12.0
BASELINE_TOL = 0.5
BAR_WIDTH_SHARE = 0.5


def _bars_of_a_chart(t: Tiling, fills: np.ndarray) -> bool:
    """Whether a one-row (or one-column) tiling is bars of equal length beside
    bars of other lengths on the same baseline (see BAR_NEIGHBOURS)."""
    if min(t.shape) != 1:
        return False
    across = t.shape[0] == 1  # one row: bars stand up from (or hang down to) a baseline
    f = fills if across else fills[:, [1, 0, 3, 2]]  # one column: bars drawn across, axes swapped
    long_edges, short_edges = (t.y_edges, t.x_edges) if across else (t.x_edges, t.y_edges)
    lo, hi = float(long_edges[0]), float(long_edges[-1])
    width = float(np.median(np.diff(short_edges)))
    start, stop = float(short_edges[0]), float(short_edges[-1])
    w, length = f[:, 2] - f[:, 0], f[:, 3] - f[:, 1]
    near = (f[:, 2] >= start - BAR_REACH * width) & (f[:, 0] <= stop + BAR_REACH * width)
    outside = (f[:, 2] <= start + BASELINE_TOL) | (f[:, 0] >= stop - BASELINE_TOL)  # not the tiling's own cells
    on_base = (np.abs(f[:, 3] - hi) <= BASELINE_TOL) | (np.abs(f[:, 1] - lo) <= BASELINE_TOL)
    alike = np.abs(w - width) <= BAR_WIDTH_SHARE * width
    other = np.abs(length - (hi - lo)) > max(BASELINE_TOL, 0.05 * (hi - lo))
    return int((near & outside & on_base & alike & other).sum()) >= BAR_NEIGHBOURS


def _varied(t: Tiling) -> bool:
    """More than one colour among the drawn cells (a table's shaded rows are one)."""
    c = t.rgb[t.drawn]
    return len(c) >= MIN_CELLS and bool((c != c[0]).any())


def _runs(a: np.ndarray, axis: int) -> np.ndarray:
    """Edges (in pixels) between runs of equal rows (axis 0) or columns (axis 1)."""
    diff = np.any(np.diff(a.astype(np.int16), axis=axis) != 0, axis=tuple(k for k in range(3) if k != axis))
    edges = np.concatenate([[0], np.flatnonzero(diff) + 1, [a.shape[axis]]])
    widths = np.diff(edges)
    if len(widths) > 2 and np.median(widths) >= 2 * MIN_BLOCK:
        # a resampled image blends the pixels where two cells meet: runs far
        # narrower than a cell are such seams, and the edge lies in their middle
        thin = widths < 0.5 * np.median(widths)
        mids = (edges[:-1] + edges[1:]) / 2.0
        inner = [e for k, e in enumerate(edges[1:-1], 1) if not (thin[k - 1] or thin[k])]
        seams = [mids[k] for k in np.flatnonzero(thin) if 0 < k < len(widths) - 1]
        edges = np.unique(np.concatenate([[0], inner, seams, [a.shape[axis]]]))
    return _split_merged_runs(edges)


def _split_merged_runs(edges: np.ndarray) -> np.ndarray:
    """Neighbouring cells of one colour make one run of pixels: a run that is a
    whole multiple (2, 3...) of the common cell pitch is that many cells."""
    widths = np.diff(edges).astype(np.float64)
    if len(widths) < 2:
        return edges
    pitch = float(np.median(widths[widths <= np.median(widths) * 1.25]))
    if pitch < MIN_BLOCK:
        return edges
    out = [float(edges[0])]
    for a, w in zip(edges[:-1], widths):
        k = int(round(w / pitch))
        if k >= 2 and abs(w - k * pitch) <= 0.25 * pitch:
            out += [float(a) + w * j / k for j in range(1, k)]
        out.append(float(a) + w)
    return np.array(out)


#: A run of pixels narrower than this share of the cells, one colour all along
#: the image, repeated between the cells: the gap drawn between them (plotly's
#: xgap / ygap), not a row or column of cells.
GAP_SHARE = 0.35


def _without_gaps(rgb: np.ndarray, edges: np.ndarray, axis: int) -> np.ndarray:
    """``edges`` (of runs along ``axis``) with the gaps between cells taken out: a
    gap's width goes half to each neighbour; gaps at the ends go to the cell
    beside them. Unchanged unless at least two such gaps stand between cells."""
    widths = np.diff(edges)
    if len(widths) < 3:
        return edges
    cell = float(np.median(widths[widths >= np.median(widths)]))
    gaps = []
    for k, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        band = rgb[int(a):int(b)] if axis == 0 else rgb[:, int(a):int(b)]
        if b - a < GAP_SHARE * cell and band.size and (band == band.reshape(-1, 3)[0]).all():
            gaps.append(k)
    inner = [k for k in gaps if 0 < k < len(widths) - 1]
    if len(inner) < 2:
        return edges
    cells = [k for k in range(len(widths)) if k not in gaps]
    middles = [(edges[i + 1] + edges[j]) / 2.0 for i, j in zip(cells[:-1], cells[1:])]  # a gap's middle
    return np.array([float(edges[0])] + middles + [float(edges[-1])])


def image_tiling(img: PlacedImage) -> Tiling | None:
    """The cells of an image whose pixels are cells, or blocks of equal pixels:
    None for a picture (smooth or detailed) that the raster path should read."""
    h, w = img.rgb.shape[:2]
    ry, rx = _runs(img.rgb, 0), _runs(img.rgb, 1)
    small = h <= MAX_CELL_IMAGE_SIDE and w <= MAX_CELL_IMAGE_SIDE
    if small and (len(ry) - 1) * (len(rx) - 1) == h * w or (
            small and h / (len(ry) - 1) < MIN_BLOCK and w / (len(rx) - 1) < MIN_BLOCK):
        # one pixel, one cell (two neighbours of one colour make one run, not one cell)
        ry, rx = np.arange(h + 1), np.arange(w + 1)
    elif h / (len(ry) - 1) < MIN_BLOCK or w / (len(rx) - 1) < MIN_BLOCK:
        return None  # no blocks: resampled smoothly, or a photo
    elif np.median(np.diff(ry)) < MIN_BLOCK or np.median(np.diff(rx)) < MIN_BLOCK:
        return None  # most runs a pixel or two: a picture of a plot (its frame, ticks and words), wide plain
        # stretches between them
    else:
        ry, rx = _without_gaps(img.rgb, ry, 0), _without_gaps(img.rgb, rx, 1)
    x0, y0, x1, y1 = img.box
    xe = x0 + rx / w * (x1 - x0)
    ye = y0 + ry / h * (y1 - y0)
    cy = np.clip(((ry[:-1] + ry[1:]) / 2).astype(int), 0, h - 1)  # each cell's middle pixel
    cx = np.clip(((rx[:-1] + rx[1:]) / 2).astype(int), 0, w - 1)
    rgb = img.rgb[cy][:, cx]
    t = Tiling(xe, ye, np.ascontiguousarray(rgb), np.ones(rgb.shape[:2], bool), "image")
    return t if _varied(t) and t.shape[0] * t.shape[1] >= MIN_CELLS else None
