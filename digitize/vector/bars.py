"""Colorbars among a page's objects, and their tick labels from the text layer.

A colorbar is a strip whose colours change along it and stay the same across it:
an image (matplotlib rasterizes a bar of many colours; ggplot2 draws its
colourbar as an image) or a row of filled cells (a bar of few colours, discrete
levels, lattice's and Vega-Lite's legends). Its labels are the numbers printed
beside one long side, each at the tick mark nearest it.

Input: a ``VectorPage`` and its tilings. Output: ``VectorBar`` s, each with its
colour samples and its ticks in points along the strip.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.catalog import match_cells
from ..core.labels import is_bin_label, parse_multiplier, parse_number
from ..core.lookup import delta_e, project_onto_polyline, rgb_to_lab
from ..sources.objects import PlacedImage, TextItem, VectorPage
from .axes import side_labels
from .tilings import Tiling

#: A strip is at least this many times longer than it is wide ...
MIN_ASPECT = 3.0
#: ... and shows at least this many colours along it.
MIN_COLOURS = 3
#: Its colours stay within this (delta E) across it.
ACROSS_DELTA_E = 3.0
#: The colours follow a colormap: the path through them is at most this many
#: times as long as the way between its two most distant colours (data in a row
#: of cells jumps back and forth; a colormap, even a diverging one, does not) ...
MAX_WINDING = 2.5
#: ... or, for a strip of many colours, one per this many colours: data in a row
#: winds about a third of its length (a row of 20 random cells 4.4 or more), while
#: a colormap's winding does not grow with its samples (rainbows and cubehelix
#: reach 2.5 to 4.3; turbo in 64 colours 2.51).
COLOURS_PER_WINDING = 8.0
#: Labels stand at most this many text heights from the strip's side.
LABEL_GAP = 3.0


def _max_winding(n_colours: int) -> float:
    return max(MAX_WINDING, n_colours / COLOURS_PER_WINDING)


@dataclass(frozen=True)
class VectorTick:
    label: str
    value: float
    at: float  # points along the strip's long axis


@dataclass(frozen=True)
class VectorBar:
    """A colorbar: its strip's box (points), orientation, the colours along it at
    their positions (points along the long axis), and its labelled ticks."""

    box: tuple[float, float, float, float]
    orientation: str  # "vertical" or "horizontal"
    positions: np.ndarray
    rgb: np.ndarray  # (N, 3) uint8
    ticks: tuple[VectorTick, ...]
    texts_used: tuple[TextItem, ...]  # the labels (not axis labels of anything else)
    scale_texts: tuple[str, ...]  # texts past the strip's ends (a multiplier, an offset)
    multiplier: tuple[str, float] | None
    discrete: bool  # a strip of few cells: one colour per level
    tiling: int | None = None  # the tiling it came from

    @property
    def long_range(self) -> tuple[float, float]:
        b = self.box
        return (b[1], b[3]) if self.orientation == "vertical" else (b[0], b[2])


def _winding(rgb: np.ndarray) -> float:
    lab = rgb_to_lab(rgb.astype(np.uint8)).astype(np.float64)
    path = float(np.sqrt(((np.diff(lab, axis=0)) ** 2).sum(axis=1)).sum())
    few = lab[::max(1, len(lab) // 256)]  # the most distant pair, among at most ~256 samples
    span = float(np.sqrt(((few[:, None] - few[None]) ** 2).sum(axis=-1)).max())
    return path / span if span > 0 else np.inf


def _along_a_named_map(rgb: np.ndarray) -> bool:
    """Whether a strip's colours lie on a catalog colormap in its order, one way
    or the other (a diverging palette of 11 levels through white winds like a row
    of data, but runs along BrBG)."""
    lab = rgb_to_lab(np.asarray(rgb, np.uint8)).astype(np.float32)
    match = match_cells(lab)
    if match is None:
        return False
    index, _ = project_onto_polyline(lab, np.asarray(match.entry.lab, np.float32))
    step = np.diff(index)
    return bool((step >= 0).all() or (step <= 0).all())


def _strip_from_image(img: PlacedImage) -> tuple[str, np.ndarray, np.ndarray] | None:
    """(orientation, positions, colours) of an image that is a colour strip."""
    x0, y0, x1, y1 = img.box
    bw, bh = x1 - x0, y1 - y0
    if max(bw, bh) < MIN_ASPECT * max(min(bw, bh), 1e-6):
        return None
    vertical = bh > bw
    a = img.rgb if vertical else np.transpose(img.rgb, (1, 0, 2))  # long axis first
    n, m = a.shape[:2]
    if n < MIN_COLOURS:
        return None
    mid = a[:, m // 2]
    lo, hi = max(0, m // 5), max(1, m - m // 5)
    across = delta_e(rgb_to_lab(a[:, lo:hi]), rgb_to_lab(mid)[:, None])
    if float(np.median(across)) > ACROSS_DELTA_E:
        return None
    start, length = (y0, bh) if vertical else (x0, bw)
    pos = start + (np.arange(n) + 0.5) / n * length
    keep = _without_stray_ends(rgb_to_lab(mid))
    return ("vertical" if vertical else "horizontal"), pos[keep], mid[keep].astype(np.uint8)


#: An end sample of a strip this many times farther from its neighbour than the
#: strip's median step (and STRAY_DELTA_E or more) is a stray pixel, not the map.
STRAY_STEPS = 8.0
STRAY_DELTA_E = 10.0


def _without_stray_ends(lab: np.ndarray) -> slice:
    """The samples of a strip without a stray pixel or two at either end (R's
    pdf() colourbar raster starts with a white row before its first colour)."""
    step = np.sqrt((np.diff(lab.astype(np.float64), axis=0) ** 2).sum(axis=1))
    if len(step) < 8:
        return slice(None)
    limit = max(STRAY_DELTA_E, STRAY_STEPS * float(np.median(step)))
    lo, hi = 0, len(lab)
    while lo < 2 and step[lo] > limit:
        lo += 1
    while len(lab) - hi < 2 and step[hi - 2] > limit:
        hi -= 1
    return slice(lo, hi)


def _strip_from_tiling(t: Tiling) -> tuple[str, np.ndarray, np.ndarray] | None:
    rows, cols = t.shape
    if min(rows, cols) != 1 or max(rows, cols) < MIN_COLOURS or not t.drawn.all():
        return None
    x0, y0, x1, y1 = t.box
    vertical = rows > 1
    if max(x1 - x0, y1 - y0) < MIN_ASPECT * min(x1 - x0, y1 - y0):
        return None
    edges = t.y_edges if vertical else t.x_edges
    if not _even(np.diff(edges)):
        return None  # a stacked bar of a bar chart: its segments are the data
    return ("vertical" if vertical else "horizontal"), (edges[:-1] + edges[1:]) / 2, t.rgb.reshape(-1, 3)


#: The colours of a strip of cells that is a colorbar take equal lengths of it
#: (a discrete bar's levels), to within this share, end cells aside (extensions).
EVEN_SEGMENTS = 0.1


def _even(lengths: np.ndarray) -> bool:
    """Whether a strip's segments are of one length (its ends aside when it has
    more than four)."""
    inner = lengths[1:-1] if len(lengths) > 4 else lengths
    mid = float(np.median(inner))
    return mid > 0 and float(np.abs(inner - mid).max()) <= EVEN_SEGMENTS * mid


def _labels(page: VectorPage, box, vertical: bool, marks: np.ndarray,
            taken: set[int]) -> tuple[list[VectorTick], list[TextItem]]:
    """The numbers beside the strip's long side with more of them, each at its tick
    mark when one stands beside it; texts in ``taken`` (ids: the axis labels of
    other blocks of cells) are not the bar's."""
    x0, y0, x1, y1 = box
    best: tuple[list, list] = ([], [])
    for side in (1, -1):
        ticks, used = [], []
        for t in page.texts:
            if id(t) in taken:
                continue
            size = max(t.box[3] - t.box[1], 1.0)
            if vertical:
                gap = t.box[0] - x1 if side == 1 else x0 - t.box[2]
                inside = y0 - size <= t.cy <= y1 + size
            else:
                gap = t.box[1] - y1 if side == 1 else y0 - t.box[3]
                # a turned label is as wide as one line: its neighbour bar's end
                # label stands just past this bar's end
                reach = 0.5 * (t.box[2] - t.box[0]) + 1.0 if t.vertical else size
                inside = x0 - reach <= t.cx <= x1 + reach
            if not (inside and -0.5 <= gap <= LABEL_GAP * size + 4):
                continue
            v = parse_number(t.text)
            if v is None:
                continue
            at = t.cy if vertical else t.cx
            at = _at_mark(at, marks, box, vertical, side, size)
            ticks.append(VectorTick(t.text, v, at))
            used.append(t)
        if len(ticks) > len(best[0]):
            best = (ticks, used)
    return best


def _at_mark(at: float, marks: np.ndarray, box, vertical: bool, side: int, size: float) -> float:
    """The position of the tick mark beside the strip nearest ``at`` (within half a
    text height), else ``at``."""
    if not len(marks):
        return at
    x0, y0, x1, y1 = box
    mx, my = (marks[:, 0] + marks[:, 2]) / 2, (marks[:, 1] + marks[:, 3]) / 2
    if vertical:
        edge = x1 if side == 1 else x0
        near = (np.abs(mx - edge) <= 6) & (marks[:, 2] - marks[:, 0] >= marks[:, 3] - marks[:, 1])
        across = np.minimum(marks[:, 2], x1) - np.maximum(marks[:, 0], x0)
        pos = my
    else:
        edge = y1 if side == 1 else y0
        near = (np.abs(my - edge) <= 6) & (marks[:, 3] - marks[:, 1] >= marks[:, 2] - marks[:, 0])
        across = np.minimum(marks[:, 3], y1) - np.maximum(marks[:, 1], y0)
        pos = mx
    # a line drawn across the whole strip marks a value on it (a baseline), no tick
    near &= across < 0.8 * ((x1 - x0) if vertical else (y1 - y0))
    cand = np.flatnonzero(near & (np.abs(pos - at) <= 0.5 * size))
    if not len(cand):
        return at
    return float(pos[cand[np.abs(pos[cand] - at).argmin()]])


def _scale_texts(page: VectorPage, box, vertical: bool) -> list[TextItem]:
    """Texts just past the strip's far end (above a vertical bar, right of a
    horizontal one): where a multiplier or offset stands."""
    x0, y0, x1, y1 = box
    out = []
    for t in page.texts:
        size = max(t.size, 1.0)
        if vertical and -0.5 <= y0 - t.box[3] <= 2.5 * size and x0 - 2 * size <= t.cx <= x1 + 6 * size or not vertical and -0.5 <= t.box[0] - x1 <= 3 * size and y0 - 2 * size <= t.cy <= y1 + 2 * size:
            out.append(t)
    return out


#: An outline this close (points) to a strip on every side is the strip's own.
OUTLINE_TOL = 1.5


def _outline(frames: np.ndarray, box) -> tuple[float, float, float, float]:
    """The strip's extent: its outline, or the background of its axes, where one is
    drawn round it (an image strip is snapped to whole pixels of its raster; the
    outline and the axes are exact), else its box."""
    if not len(frames):
        return box
    d = np.abs(frames - np.asarray(box, np.float64)[None]).max(axis=1)
    k = int(d.argmin())
    return tuple(float(v) for v in frames[k]) if d[k] <= OUTLINE_TOL else box


def _runs_to_middles(pos: np.ndarray, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of one colour in a raster strip stand for one colormap entry: one sample
    at the middle of their run (where the entry's band of values is centred)."""
    change = np.concatenate([[True], np.any(rgb[1:] != rgb[:-1], axis=1)])
    starts = np.flatnonzero(change)
    ends = np.concatenate([starts[1:], [len(pos)]])
    return np.array([pos[a:b].mean() for a, b in zip(starts, ends)]), rgb[starts]


def _axis_label_ids(page: VectorPage, t: Tiling, strips: list) -> set[int]:
    """The texts that label a block's rows or columns (the band nearest each side),
    unless a colour strip stands between them and the block, or they stand nearer
    a strip beyond them than the block and off its cells' centres (a legend set
    above a plot: its labels between its bar and the cells)."""
    out: set[int] = set()
    x0, y0, x1, y1 = t.box
    for side in ("left", "right", "bottom", "top"):
        band = side_labels(list(page.texts), t, side)
        between = [any((side == "left" and s.box[2] <= b[0] and b[2] <= x0) or
                       (side == "right" and x1 <= b[0] and b[2] <= s.box[0]) or
                       (side == "bottom" and y1 <= b[1] and b[3] <= s.box[1]) or
                       (side == "top" and s.box[3] <= b[1] and b[3] <= y0) for b in strips) for s in band]
        beyond = [any(_strip_beyond(s, t, side, b) for b in strips) for s in band]
        off = _off_centres(band, t, side)
        for s, a, b in zip(band, between, beyond):
            # beyond: the strip's when off the cells' centres, or far nearer the strip
            if not a and not (b and (off or any(_strip_beyond(s, t, side, st, STRIP_NEARER) for st in strips))):
                out.add(id(s))
    return out


#: A text this many times nearer a strip past it than the block is that strip's
#: label, even where it happens to stand at the block's cell centres (the bar of
#: one panel of a small multiple, its labels just short of the next panel).
STRIP_NEARER = 3.0


def _strip_beyond(s: TextItem, t: Tiling, side: str, b, ratio: float = 1.0) -> bool:
    """Whether strip ``b`` stands past text ``s`` on the block's ``side``, nearer
    the text (``ratio`` times) than the block is."""
    x0, y0, x1, y1 = t.box
    if side == "top":
        return b[3] <= s.box[1] and ratio * (s.box[1] - b[3]) < y0 - s.box[3]
    if side == "bottom":
        return s.box[3] <= b[1] and ratio * (b[1] - s.box[3]) < s.box[1] - y1
    if side == "left":
        return b[2] <= s.box[0] and ratio * (s.box[0] - b[2]) < x0 - s.box[2]
    return s.box[2] <= b[0] and ratio * (b[0] - s.box[2]) < s.box[0] - x1


#: Labels of a block's rows or columns stand within this share of a cell of its
#: cells' centres.
CENTRE_SHARE = 0.25


def _off_centres(band: list[TextItem], t: Tiling, side: str) -> bool:
    """Whether a band of texts is not one label to a cell: most stand off the
    block's cell centres along it, or two share a cell."""
    if not band:
        return False
    edges = t.x_edges if side in ("top", "bottom") else t.y_edges
    centres, size = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    at = np.array([s.cx if side in ("top", "bottom") else s.cy for s in band])
    k = np.abs(at[:, None] - centres[None, :]).argmin(axis=1)
    crowded = len(set(k.tolist())) < len(k)
    return crowded or int((np.abs(at - centres[k]) > CENTRE_SHARE * size[k]).sum()) * 2 > len(band)


def _inside_ids(page: VectorPage, t: Tiling) -> set[int]:
    """The texts printed inside a block of cells (a bar beside it is no scale for
    them: the numbers of its last column are not the bar's labels)."""
    x0, y0, x1, y1 = t.box
    return {id(s) for s in page.texts if x0 <= s.cx <= x1 and y0 <= s.cy <= y1}


def _labels_cells(ticks: list[VectorTick], t: Tiling, vertical: bool) -> bool:
    """A strip of cells labelled at every cell's centre is a one-column heatmap with
    its row labels, not a colorbar (a bar's labels mark values, not each colour)."""
    edges = t.y_edges if vertical else t.x_edges
    n = len(edges) - 1
    if len(ticks) < n or any(is_bin_label(k.label) for k in ticks):  # bins ('0-0.1', '=0') label a legend
        return False
    centres = (edges[:-1] + edges[1:]) / 2
    size = np.diff(edges)
    hit = {int(np.argmin(np.abs(centres - k.at))) for k in ticks
           if np.min(np.abs(centres - k.at)) <= 0.25 * size[int(np.argmin(np.abs(centres - k.at)))]}
    return len(hit) >= n


def find_bars(page: VectorPage, tilings: list[Tiling]) -> list[VectorBar]:
    """The colorbars of a page: colour strips (images or one-cell-wide tilings)
    whose colours follow a colormap, with at least two numbers beside them."""
    strips = [(s, i.box, None) for s, i in ((_strip_from_image(i), i) for i in page.images) if s is not None]
    strips += [(s, t.box, k) for k, s, t in ((k, _strip_from_tiling(t), t) for k, t in enumerate(tilings))
               if s is not None]
    if not strips:
        return []
    # the labels of a block's rows and columns, and the numbers printed in its cells
    axis_ids = [_axis_label_ids(page, t, [b for _, b, _ in strips]) | _inside_ids(page, t) for t in tilings]
    out = []
    for (orientation, pos, rgb), box, k in strips:
        vertical = orientation == "vertical"
        framed = _outline(np.concatenate([page.frames, page.fills]) if k is None else page.frames, box)
        if k is None and framed != box:
            # an image strip is placed on whole pixels of the raster it was cut from
            # (up to a pixel off); the outline drawn round it is where its colours run
            a, b = (framed[1], framed[3]) if vertical else (framed[0], framed[2])
            pos = a + (np.arange(len(pos)) + 0.5) / len(pos) * (b - a)
        box = framed
        stepped = k is not None and len(pos) < MAX_LEVELS
        if k is None:
            samples = len(pos)
            pos, rgb = _runs_to_middles(pos, rgb)
            # an image of few flat runs, each several pixels long, is a stepped bar
            stepped = len(pos) < MAX_LEVELS and samples >= MIN_LEVEL_PIXELS * len(pos)
        if len(np.unique(rgb, axis=0)) < MIN_COLOURS:
            continue
        # labels another block of cells claims as its axis labels are not this bar's
        # (the image strip itself, taken as a one-cell-wide tiling, is no other block)
        own = [k] if k is not None else [j for j, t in enumerate(tilings) if _same_box(t.box, box)]
        taken = {i for j, ids in enumerate(axis_ids) if j not in own for i in ids}
        ticks, used = _labels(page, box, vertical, page.marks, taken)
        if len(ticks) < 2 or any(_labels_cells(ticks, tilings[j], vertical) for j in own):
            continue  # one label per cell: a strip of cells with its row labels, not a bar
        if _winding(rgb) > _max_winding(len(rgb)) and not _along_a_named_map(rgb):  # asked last: the longest
            continue
        extra = [t for t in _scale_texts(page, box, vertical) if t not in used]
        mult = next((m for m in (parse_multiplier(t.text) for t in extra) if m is not None), None)
        if mult is not None:
            op, v = mult
            ticks = [VectorTick(t.label, t.value * v if op == "mul" else t.value + v, t.at) for t in ticks]
        out.append(VectorBar(box, orientation, np.asarray(pos, np.float64), np.asarray(rgb, np.uint8),
                             tuple(ticks), tuple(used), tuple(t.text for t in extra), mult,
                             discrete=stepped, tiling=k))
    return _nearest_claims(out)


#: A bar of fewer colours than this is stepped (a discrete palette), when drawn as
#: cells, or as an image whose colours run at least MIN_LEVEL_PIXELS pixels each.
MAX_LEVELS = 50
MIN_LEVEL_PIXELS = 3


def _same_box(a, b, tol: float = 1.5) -> bool:
    return all(abs(u - v) <= tol for u, v in zip(a, b))


def _label_gap(bar: VectorBar) -> float:
    """How far a bar's labels stand from it, across it (points)."""
    x0, y0, x1, y1 = bar.box
    if bar.orientation == "vertical":
        gaps = [max(t.box[0] - x1, x0 - t.box[2], 0.0) for t in bar.texts_used]
    else:
        gaps = [max(t.box[1] - y1, y0 - t.box[3], 0.0) for t in bar.texts_used]
    return float(np.median(gaps)) if gaps else np.inf


def _nearest_claims(bars: list[VectorBar]) -> list[VectorBar]:
    """One set of labels belongs to one bar: where two strips claim most of the
    same labels (a one-column heatmap whose colours happen to run along the map,
    beside its bar), the strip nearer to them is the bar and the other is not."""
    drop = set()
    for i, a in enumerate(bars):
        ids_a = {id(t) for t in a.texts_used}
        for j in range(i + 1, len(bars)):
            b = bars[j]
            shared = len(ids_a & {id(t) for t in b.texts_used})
            if shared * 2 < min(len(a.texts_used), len(b.texts_used)):
                continue
            drop.add(j if _label_gap(a) <= _label_gap(b) else i)
    return [b for i, b in enumerate(bars) if i not in drop]
