"""Grid + colormap + scale -> the table of cell values (vectorized)."""
from __future__ import annotations

import numpy as np

from ..model import CellTable, Colormap, Grid, Scale, frozen_array
from .lookup import (
    FAST_PROJECTION_COLOURS,
    delta_e,
    lab_to_rgb,
    project_onto_polyline,
    project_onto_polyline_fast,
    rgb_to_lab,
    robust_cell_colours,
)
from .synthesis import AGREE_DELTA_E, CONSISTENT_SHARE, cell_samples

#: A cell is blank (NaN/masked, drawn as background) when its colour is within
#: this delta E of the background and nearer to it than to any colormap colour.
BLANK_DELTA_E = 4.0

#: Weight of the chroma axes (a*, b*) against lightness when placing a colour on
#: the colormap. Compressed figures keep lightness well and chroma poorly (JPEG
#: subsamples and quantises it more), so chroma counts half: on the JPEG cases of
#: the yardstick this cut the mean error by a sixth and left exact colours alone;
#: maps whose lightness stalls (jet, turbo) still have the chroma to go by.
CHROMA_WEIGHT = 0.5

#: The background is "on the colormap" when a colormap colour is this close to it.
BG_ON_MAP_DELTA_E = 1.5
#: ... or when the map is drawn in at least BANDED_COLOURS flat bands (a
#: continuous map drawn stepwise) and an end band stands within END_STEPS of its
#: last step of it (the steps of a map running into white shrink in Lab as the
#: bands near it: 'hot' in sRGB).
BANDED_COLOURS = 16
END_STEPS = 1.5


def page_on_map(lab: np.ndarray, bg_lab: np.ndarray) -> bool:
    """Whether a colormap's colours ((N, 3) Lab, in order along it) reach the page
    colour ``bg_lab``: one lies within BG_ON_MAP_DELTA_E of it, or an end of a
    banded map runs on to it (``banded_end_at_page``)."""
    lab = np.asarray(lab, np.float32).reshape(-1, 3)
    if not len(lab):
        return False
    near = float(delta_e(lab, np.asarray(bg_lab, np.float32)).min()) < BG_ON_MAP_DELTA_E
    return near or banded_end_at_page(lab, bg_lab) is not None


def banded_end_at_page(lab: np.ndarray, bg_lab: np.ndarray) -> int | None:
    """The end (0: first, -1: last) of a continuous map drawn in at least
    BANDED_COLOURS flat bands whose end band stands within a step or so of the page
    colour, the map heading towards it (gnuplot's colour box: 128 bands, each the
    colour at its start, so a map ending in white shows no white band); None when
    there is none. A discrete bar of a few levels ends where its last level does."""
    lab = np.asarray(lab, np.float32).reshape(-1, 3)
    bg = np.asarray(bg_lab, np.float32)
    if len(lab) < 2:
        return None
    distinct = lab[np.concatenate([[True], np.any(np.abs(np.diff(lab, axis=0)) > 1e-3, axis=1)])]
    if len(distinct) < BANDED_COLOURS:
        return None
    for k, (end, prev) in ((0, (distinct[0], distinct[1])), (-1, (distinct[-1], distinct[-2]))):
        d_end, d_prev = float(delta_e(end, bg)), float(delta_e(prev, bg))
        if BG_ON_MAP_DELTA_E <= d_end < d_prev and d_end <= BG_ON_MAP_DELTA_E + END_STEPS * float(delta_e(end, prev)):
            return k
    return None


def run_on_to_page(colormap: Colormap, bg_lab: np.ndarray, bg_rgb: tuple[int, int, int],
                   ends: tuple[float, float]) -> Colormap:
    """A banded map whose end runs on to the page colour (``banded_end_at_page``)
    with that colour added at the bar's end there (``ends``: the bar's first and
    last position): a cell of the page colour reads as that end's value, on the
    map, not as a colour off it. Other maps come back as they are."""
    k = banded_end_at_page(colormap.lab, bg_lab)
    if k is None:
        return colormap
    pos = np.asarray(colormap.positions, np.float64)
    at = min(ends) if k == 0 else max(ends)
    if (k == 0 and at >= pos[0]) or (k == -1 and at <= pos[-1]):
        return colormap  # no room past the end band: the map ends there
    parts = [(pos, np.array([at])), (np.asarray(colormap.lab), np.asarray(bg_lab, np.float32).reshape(1, 3)),
             (np.asarray(colormap.rgb), np.asarray(bg_rgb, np.uint8).reshape(1, 3))]
    pos, lab, rgb = (np.concatenate([end, a] if k == 0 else [a, end]) for a, end in parts)
    return Colormap(frozen_array(pos), frozen_array(lab, np.float32), frozen_array(rgb, np.uint8), colormap.name,
                    colormap.match_distance)


#: A cell is a smooth ramp when a plane fitted to its colours leaves residuals under
#: this share of its colour range (printed text leaves far more).
RAMP_RESIDUAL_SHARE = 0.25
#: ... and its colours span at least this (delta E): flat cells are not ramps.
RAMP_MIN_RANGE = 6.0
#: The picture is smoothed (bilinear, bicubic) when this share of cells are ramps.
SMOOTHED_SHARE = 0.6


def cell_colours(lab: np.ndarray, grid: Grid) -> np.ndarray:
    """(R, C, 3) Lab: the robust centre colour of every cell (see robust_cell_colours);
    in a smoothed raster (most cells ramps of colour, ``smoothed``), where only the
    cell centres carry the values, the colour at each cell's very centre; for
    blocks of pixels (``Grid.block``), the colour most of a block's pixels share."""
    if grid.block:
        return robust_cell_colours(lab, grid.row_edges, grid.col_edges, samples=grid.block, inset=0.0)
    if smoothed(lab, grid):
        return robust_cell_colours(lab, grid.row_edges, grid.col_edges, samples=3, inset=0.45)
    return robust_cell_colours(lab, grid.row_edges, grid.col_edges)


def smoothed(lab: np.ndarray, grid: Grid) -> bool:
    """True when most cells are smooth ramps of colour (a plane fits their samples),
    as in an interpolated raster; flat cells and cells with printed text are not."""
    s = cell_samples(lab, grid.row_edges, grid.col_edges)  # (R, C, S, S, 3)
    r, c, n = s.shape[0], s.shape[1], s.shape[2]
    pts = s.reshape(r * c, n * n, 3).astype(np.float64)
    yy, xx = np.mgrid[0:n, 0:n]
    a = np.stack([np.ones(n * n), xx.ravel(), yy.ravel()], axis=1)  # (S*S, 3)
    proj = a @ np.linalg.pinv(a)  # projects the samples onto a plane
    fit = np.einsum("ij,cjk->cik", proj, pts)
    resid = np.sqrt(((pts - fit) ** 2).sum(axis=-1)).mean(axis=1)
    span = np.sqrt(((pts.max(axis=1) - pts.min(axis=1)) ** 2).sum(axis=-1))
    med = np.median(pts, axis=1)
    agree = (np.sqrt(((pts - med[:, None, :]) ** 2).sum(axis=-1)) < AGREE_DELTA_E).mean(axis=1)
    # a ramp: its colours spread over the cell (a cell with a printed number is one
    # colour but for the digits' few samples) and a plane fits them
    ramp = (span >= RAMP_MIN_RANGE) & (agree < CONSISTENT_SHARE) & (resid <= RAMP_RESIDUAL_SHARE * span)
    return float(ramp.mean()) >= SMOOTHED_SHARE


def cell_values(colours: np.ndarray, colormap: Colormap, scale: Scale,
                background: tuple[int, int, int], *, residual_flag: float,
                panel: tuple[int, int, int] | None = None, page_on_bar: bool = False) -> CellTable:
    """Place every cell colour ((R, C, 3) Lab, from ``cell_colours``) on the colormap -> value.
    ``page_on_bar``: the figure's own colorbar shows the page colour (a diverging
    map's white middle drawn white), so page-coloured cells are values, not blanks."""
    r, c = colours.shape[:2]
    flat = colours.reshape(-1, 3)
    curve = np.asarray(colormap.lab, np.float32)
    if scale.discrete_levels:
        # a stepped bar: each cell takes the level of the nearest band colour
        d = delta_e(flat[:, None, :], curve[None])
        nearest = d.argmin(axis=1)
        values = np.asarray(scale.discrete_levels, np.float64)[nearest].reshape(r, c)
        residual = d[np.arange(len(flat)), nearest]
    else:
        w = np.array([1.0, CHROMA_WEIGHT, CHROMA_WEIGHT], np.float32)
        project = project_onto_polyline_fast if len(flat) > FAST_PROJECTION_COLOURS else project_onto_polyline
        index, _ = project(flat * w, curve * w)
        # the residual is the plain delta E to the point found
        k = np.minimum(index.astype(np.int64), max(len(curve) - 2, 0))
        frac = (index - k)[:, None].astype(np.float32)
        nearest = curve[k] + frac * (curve[np.minimum(k + 1, len(curve) - 1)] - curve[k])
        residual = delta_e(flat, nearest)
        index = _middle_of_flat_stretches(index, curve)
        pos = np.interp(index, np.arange(len(colormap.positions)), colormap.positions)
        values = scale.pixel_to_value(pos).reshape(r, c)
    residual = residual.reshape(r, c)
    blank = np.zeros((r, c), bool)
    ambiguous = np.zeros((r, c), bool)
    for bgc in {tuple(background), tuple(panel or background)}:
        bg_lab = rgb_to_lab(np.array(bgc, np.uint8))
        d_bg = delta_e(colours, bg_lab)
        looks_blank = (d_bg < BLANK_DELTA_E) & (d_bg + 0.5 < residual)
        if page_on_bar or page_on_map(curve, bg_lab):
            # the colormap itself ends in the background colour (gray, Greys):
            # such a cell is a value as likely as a blank; it is read as a value
            ambiguous |= (d_bg < BLANK_DELTA_E)
        else:
            blank |= looks_blank
    missing, missing_lab = _missing_colour(colours, residual, residual_flag, blank, curve)
    blank |= missing
    values = np.where(blank, np.nan, values)
    flagged = (residual > residual_flag) & ~blank
    rgb = np.clip(lab_to_rgb(colours).round(), 0, 255).astype(np.uint8)
    missing_rgb = (None if missing_lab is None else
                   tuple(int(v) for v in np.clip(lab_to_rgb(missing_lab[None]).round(), 0, 255)[0]))
    return CellTable(frozen_array(values, np.float64), frozen_array(residual, np.float32),
                     frozen_array(blank), frozen_array(flagged), frozen_array(rgb), frozen_array(ambiguous),
                     missing_rgb)


#: Cells off the colormap that share one colour (within this delta E of their
#: median), at least MISSING_MIN_CELLS of them, are drawn in a colour for missing
#: data (seaborn's masked cells show the axes colour, bokeh and plotly a grey).
MISSING_DELTA_E = 3.0
MISSING_MIN_CELLS = 2


#: A colour for missing data is a grey (or a pale tint): one with chroma of at
#: least MISSING_MAX_CHROMA within END_COLOUR_DELTA_E of an end of the colormap is
#: that end's colour, lost from a bar whose end is hidden (a density curve and the
#: frame over a key's first pixels), and its cells are values, flagged.
MISSING_MAX_CHROMA = 20.0
END_COLOUR_DELTA_E = 30.0


def _missing_colour(colours: np.ndarray, residual: np.ndarray, residual_flag: float,
                    blank: np.ndarray, curve: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The cells drawn in one colour off the colormap (a colour for missing data),
    and that colour (Lab), or (no cells, None). Off-map cells of many colours are
    misreadings, not missing data, and stay flagged; so are cells of a strong
    colour near an end of the colormap (``curve``, see MISSING_MAX_CHROMA)."""
    off = (residual > residual_flag) & ~blank
    if int(off.sum()) < MISSING_MIN_CELLS:
        return np.zeros_like(off), None
    pts = colours[off]
    med = np.median(pts, axis=0)
    same = delta_e(pts, med) < MISSING_DELTA_E
    if float(same.mean()) < 0.9:
        return np.zeros_like(off), None
    if len(curve) and float(np.hypot(med[1], med[2])) >= MISSING_MAX_CHROMA \
            and float(delta_e(np.asarray(curve, np.float32)[[0, -1]], med.astype(np.float32)).min()) \
            < END_COLOUR_DELTA_E:
        return np.zeros_like(off), None
    out = np.zeros_like(off)
    out[off] = same
    return out, med.astype(np.float32)


#: Neighbouring colormap samples this close (delta E, channel by channel) are one
#: colour: the same pixels, not near ones. A map that changes little in Lab per
#: sample (autumn near its red end: a step of 1 in green moves it 0.04) would
#: otherwise chain many colours into one "flat" stretch, while a stepped key's
#: band is one colour.
FLAT_DELTA_E = 0.01


def flat_stretches(lab: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) sample of each stretch of 4 or more samples of one colour
    along a colormap's colours ``lab``."""
    lab = np.asarray(lab, np.float32).reshape(-1, 3)
    if len(lab) < 4:
        return []
    same = np.abs(np.diff(lab, axis=0)).max(axis=1) < FLAT_DELTA_E
    edges = np.flatnonzero(np.diff(np.concatenate([[0], same.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= 3]


#: A flat stretch at an end of the bar at least this share of it, beyond a graded
#: part (or at least END_STRETCH_RATIO times as long as the steps there), is the
#: colour the data saturate to past the last break (heatmap.2's symmetric key
#: drawn over data on one side of zero: half the key one colour), not a band of a
#: stepped key.
END_STRETCH_SHARE = 0.1
END_STRETCH_RATIO = 3.0
#: ... its last samples may differ (the bar's outline, anti-aliased into its end).
END_STRETCH_SLACK = 3
#: A bar of at least this many flat stretches is a ramp drawn in steps, not a
#: discrete bar: its end stretches stand for its ends.
RAMP_STRETCHES = 16


def _flat_to(stretches: list[tuple[int, int]], end: int, down: bool = False) -> bool:
    """Whether these stretches (in order away from the first) run on, each next to
    the last, to ``end``."""
    for s, t in zip(stretches, stretches[1:]):
        if (t[1] != s[0] - 1) if down else (t[0] != s[1] + 1):
            return False
    return stretches[-1][0] <= end if down else stretches[-1][1] >= end


def _middle_of_flat_stretches(index: np.ndarray, curve: np.ndarray) -> np.ndarray:
    """A colour that fills a stretch of the bar (a stepped key with more bands than
    a discrete bar has, lattice's 50) stands for the middle of that stretch, not
    the end the projection happens to reach first. Colours over a pixel or two
    (a smooth map drawn coarsely) keep their place. A long stretch at an end of an
    otherwise graded bar stands for its inner edge: the data reaches that colour
    there, and no cell can be told to lie further in."""
    out = np.asarray(index, np.float64).copy()
    stretches = flat_stretches(curve)
    n = len(np.asarray(curve).reshape(-1, 3))
    for k, (a, b) in enumerate(stretches):  # samples a..b are one colour
        inside = (out >= a - 0.5) & (out <= b + 0.5)
        out[inside] = (a + b) / 2.0
        # at an end: nothing but flat stretches (the page past the key's colours) beyond it
        at_hi = _flat_to(stretches[k:], n - 1 - END_STRETCH_SLACK)
        at_lo = _flat_to(stretches[k::-1], END_STRETCH_SLACK, down=True)
        if len(stretches) >= RAMP_STRETCHES and (a <= END_STRETCH_SLACK or b >= n - 1 - END_STRETCH_SLACK):
            # the end colour of a ramp drawn in many steps (R's 100 colours): the data
            # saturate there (accuracy 1, a pass), far more often than they spread
            # evenly over the step
            out[inside] = 0.0 if a <= END_STRETCH_SLACK else float(n - 1)
        if not (at_hi or at_lo) or b - a + 1 < END_STRETCH_SHARE * n:
            continue
        inner = stretches[:k] if at_hi else stretches[k + 1:]
        span = a if at_hi else n - 1 - b  # the samples on its inner side
        lengths = [q - p + 1 for p, q in inner]
        graded = sum(lengths) < 0.5 * span  # a ramp there, not steps
        if graded or (lengths and b - a + 1 >= END_STRETCH_RATIO * max(lengths)):
            out[inside] = float(a if at_hi else b)
    return out


def best_table(colours: np.ndarray, colormaps: tuple[Colormap, ...], scale: Scale,
               background: tuple[int, int, int], *, residual_flag: float,
               page_on_bar: bool = False) -> tuple[Colormap, CellTable]:
    """The cells read on each candidate colormap; the one the cells sit closest to
    (smallest median residual) wins. Returns (colormap, table)."""
    tables = [cell_values(colours, cm, scale, background, residual_flag=residual_flag, page_on_bar=page_on_bar)
              for cm in colormaps]
    best = min(range(len(tables)), key=lambda k: float(np.median(tables[k].residual)))
    return colormaps[best], tables[best]


def discrete_warning(levels: int, labelled: bool = False) -> str:
    """What a reader should know of a stepped bar's cells (``labelled``: each level
    takes its own label's value, a legend of bins)."""
    if labelled:
        return (f"the colorbar is a legend of {levels} labelled levels: each cell's value is its colour's label "
                f"(the middle of a range such as '0-0.1')")
    return f"the colorbar is discrete ({levels} colours): each cell's value is the middle of its colour's band"


def table_warnings(table: CellTable, *, residual_flag: float) -> list[str]:
    """What a reader should know about the cells: blanks that may be values, and
    colours off the colormap."""
    out = []
    if table.ambiguous is not None and table.ambiguous.any():
        out.append(f"{int(table.ambiguous.sum())} cell(s) have the background colour, which is also "
                   f"an end of the colormap: they were read as values, but may be blank (NaN) cells")
    if table.flagged.any():
        out.append(f"{int(table.flagged.sum())} cell(s) have colours off the colormap "
                   f"(residual > {residual_flag:g}); their values are doubtful")
    return out
