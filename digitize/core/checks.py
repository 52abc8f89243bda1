"""Checks of a reading that need no pixels: the measures both front-ends (raster
and vector) report, each a ``model.Check`` with its figure and limit. The raster
front-end measures the redrawing against pixels (``raster/checks.py``), the
vector front-end against the exact fill colours (``vector/checks.py``); both
hand the per-cell shares here, and the rest is the same.
"""
from __future__ import annotations

import math
import re
from dataclasses import replace

import numpy as np

from ..model import Box, CellTable, Check, Colormap, Grid, Printed, Scale, frozen_array
from .confidence import LOG_SCALE, PRINTED_SCALE, confidence
from .labels import normalise_text, parse_multiplier, steps_evenly
from .lookup import rgb_to_lab

#: Share of the sampled pixels the redrawn table must explain.
EXPLAINED_LIMIT = 0.9
#: ... and of its least explained row or column.
WORST_REGION_LIMIT = 0.6
#: Share of axis marks and labels that must stand at cell centres.
ON_AXES_LIMIT = 0.8
#: A grid whose colour starts off its cells' lattice, unevenly, in this many
#: columns (or rows) or more (``cell_ends_even``), is bars of a bar chart.
RAGGED_LIMIT = 2
#: Fewest colorbar labels a scale should rest on, and their largest rms distance (px).
SCALE_LABELS_LIMIT = 3
SCALE_RESIDUAL_LIMIT = 1.5
#: Of the places along the bar where a number was read, at least this share must
#: be on the scale fitted (labels the fit threw out are misreadings, or the scale is).
LABELS_AGREE_LIMIT = 0.5
#: Shortest colorbar (pixels along it) that resolves values to about 1% of its range.
RESOLUTION_LIMIT = 100
#: Share of non-blank cells whose colour must lie on the colormap.
ON_COLORMAP_LIMIT = 0.95
#: Overlap (intersection over union) of the plot box with a wider axes frame.
FRAME_LIMIT = 0.9
#: The numbers printed in the cells agree with their colours in at least this share of cells.
PRINTED_AGREE_LIMIT = 0.9
#: Blank cells that match a matrix's masked triangle (above or below the diagonal,
#: with it or without) in this share of the cells or more are that triangle.
TRIANGLE_SHARE = 0.95


def expected_colours(table: CellTable, colormap: Colormap, scale: Scale, background) -> np.ndarray:
    """(R, C, 3) Lab: the colour each cell's value maps to; for blank cells the colour
    found for missing data, else the page colour."""
    values = np.asarray(table.values, np.float64)
    pos = scale.value_to_pixel(np.where(np.isfinite(values), values, scale.vmin))
    cm_pos = np.asarray(colormap.positions, np.float64)
    order = np.argsort(cm_pos)
    lab = np.asarray(colormap.lab, np.float64)[order]
    out = np.stack([np.interp(pos, cm_pos[order], lab[:, k]) for k in range(3)], axis=-1)
    bg = rgb_to_lab(np.array(table.missing_rgb or background, np.uint8)).astype(np.float64)
    return np.where(np.isfinite(values)[..., None], out, bg)


def at_centres(points, edges: np.ndarray) -> float | None:
    """Share of the points inside the grid that stand within a quarter cell of a
    centre; None for too few points (under 3, or spanning under a third of the
    grid) to say anything."""
    e = np.asarray(edges, np.float64)
    p = np.asarray([q for q in points if e[0] <= q <= e[-1]], np.float64)
    if len(p) < 3 or np.ptp(p) < (e[-1] - e[0]) / 3:
        return None
    i = np.clip(np.searchsorted(e, p) - 1, 0, len(e) - 2)
    size = e[i + 1] - e[i]
    share = float(np.mean(np.abs(p - (e[i] + e[i + 1]) / 2) <= 0.25 * size))
    return max(share, _numeric_steps_share(p, e), _shifted_share(p, e)) if share < ON_AXES_LIMIT else share


#: Labels one to a cell may all stand aside of their centres by one amount (turned
#: labels drawn a third of a cell aside): up to this share of a cell, each within
#: SHIFT_SPREAD of the common shift.
MAX_SHIFT = 0.45
SHIFT_SPREAD = 0.12


def _shifted_share(p: np.ndarray, e: np.ndarray) -> float:
    """The share of the points at their cells' centres moved by one common shift,
    when they stand one to a cell (a step of one cell) and the shift is under
    MAX_SHIFT of a cell (half a cell is a numeric axis's edges); else 0."""
    p = np.sort(p)
    cell = float(np.median(np.diff(e)))
    if cell <= 0 or len(p) < 3 or abs(float(np.median(np.diff(p))) / cell - 1.0) > 0.1:
        return 0.0
    shift, off = label_shift(p, e)
    if abs(shift) > MAX_SHIFT:
        return 0.0
    return float(np.mean(np.abs(off - shift) <= SHIFT_SPREAD))


def label_shift(points, edges) -> tuple[float, np.ndarray]:
    """How far points stand from the centres of the cells they fall in, in cells:
    (the median, each one's)."""
    p, e = np.asarray(points, np.float64), np.asarray(edges, np.float64)
    i = np.clip(np.searchsorted(e, p) - 1, 0, len(e) - 2)
    off = (p - (e[i] + e[i + 1]) / 2) / (e[i + 1] - e[i])
    return float(np.median(off)), off


#: Evenly spaced marks whose step is this close to a whole number of cells and a
#: half (or to an odd number of cells) are a numeric axis's ticks.
HALF_STEP_TOL = 0.08
#: ... each within this share of a cell of its centre or edge.
NUMERIC_MARK_TOL = 0.15


def _numeric_steps_share(p: np.ndarray, e: np.ndarray) -> float:
    """The marks of a numeric axis: at 0, 2.5, 5 ... over cells centred on 0, 1,
    2 ... (matplotlib's ticks on an imshow) they alternate between cell centres
    and cell edges; at 0, 5, 10 ... over cells spanning [0, 1], [1, 2] ... (a
    pcolormesh) they stand on cell edges. When the marks step evenly by a whole
    number of cells and a half, the share of them within a quarter cell of a
    centre or an edge; by an odd number of cells, the share on an edge (an even
    number would let a grid of twice the cells pass); else 0."""
    p = np.sort(p)
    d = np.diff(p)
    cell = float(np.median(np.diff(e)))
    if cell <= 0 or len(d) < 2 or d.min() <= 0 or d.std() > 0.05 * d.mean() + 0.5:
        return 0.0
    ratio = float(d.mean()) / cell
    i = np.clip(np.searchsorted(e, p) - 1, 0, len(e) - 2)
    f = (p - e[i]) / (e[i + 1] - e[i])  # where in its cell each mark stands, 0..1
    centre, edge = np.abs(f - 0.5) <= NUMERIC_MARK_TOL, np.minimum(f, 1.0 - f) <= NUMERIC_MARK_TOL
    if abs(ratio - (np.floor(ratio) + 0.5)) <= HALF_STEP_TOL:
        even = np.arange(len(p)) % 2 == 0  # centre, edge, centre ... or edge, centre, edge ...
        return float(max(np.mean(np.where(even, centre, edge)), np.mean(np.where(even, edge, centre))))
    if abs(ratio - round(ratio)) <= HALF_STEP_TOL and round(ratio) % 2 == 1:
        return float(np.mean(edge))
    return 0.0


_SCALE_TEXT = re.compile(r"(\d[eE][-+]?\d)|(^[×xX*]?10\^)|(^[+][\d.])")



def reading_checks(*, per_cell: np.ndarray, axis_shares: list[float], scale: Scale, bar_length: float | None,
                   unused_texts: list[str], table: CellTable, residual_flag: float, box: Box, frame: Box | None,
                   printed: Printed | None, faded_ends: list[str] | None = None,
                   orientation: str | None = None, past_labels: int | None = None,
                   ragged_cells: int | None = None) -> tuple[Check, ...]:
    """Every check of a reading, from what its front-end measured: the share of each
    cell the redrawn table explains, the shares of axis marks and labels at cell
    centres (per axis), the bar's length in pixels, the multiplier-like texts left
    unused, the axes frame round the plot and the ends of the bar that fade into
    the page unmarked (None: no bar, or its ends known), the bar's
    ``orientation`` (None: no bar), and the most axis labels of a lattice that
    fits the grid standing past its ends (``labels_past_grid``; None: not measured),
    and the columns (or rows) whose colour starts off the cells' lattice, unevenly
    (``cell_ends_even``; None: not measured)."""
    out = redraw_checks(per_cell)
    out.append(axes_check(axis_shares))
    if ragged_cells is not None:
        ragged = ragged_cells >= RAGGED_LIMIT
        out.append(Check("cell_ends_even", not ragged, float(ragged_cells), float(RAGGED_LIMIT),
                         f"in {ragged_cells} columns (or rows) the colour starts off the cells' lattice, each at its "
                         f"own length: bars of a bar chart, not cells of a map" if ragged else ""))
    if past_labels is not None:
        out.append(Check("labels_past_grid", past_labels < PAST_LABELS_LIMIT, float(past_labels),
                         float(PAST_LABELS_LIMIT), f"{past_labels} axis labels that step with the cells stand past "
                         f"the grid's end: cells of the page colour there may have been missed" if past_labels
                         >= PAST_LABELS_LIMIT else ""))
    out += scale_checks(scale, bar_length=bar_length, unused_texts=unused_texts)
    if orientation is not None and scale.source == "ticks":
        out.append(direction_check(scale, orientation))
    if faded_ends is not None:
        out.append(Check("bar_ends_seen", not faded_ends, float(len(faded_ends)), 0.0,
                         f"the bar's {' and '.join(faded_ends)} end fades into the page, unmarked: the scale's end "
                         f"there may lie further out" if faded_ends else ""))
    out.append(colormap_check(table, residual_flag=residual_flag))
    out.append(outer_lines_check(table.blank))
    out.append(frame_check(box, frame))
    out += printed_check(printed)
    return tuple(out)


def direction_check(scale: Scale, orientation: str) -> Check:
    """``scale_direction``: the bar's values grow the usual way, up a vertical bar
    or to the right along a horizontal one (pixel rows run down the picture). A
    bar read the other way is seldom drawn so: more often a label misread (a
    minus sign lost or made up)."""
    usual = scale.slope < 0 if orientation == "vertical" else scale.slope > 0
    return Check("scale_direction", bool(usual), 1.0 if usual else 0.0, 1.0,
                 "" if usual else f"the values grow {'down' if orientation == 'vertical' else 'leftwards'} "
                                  f"along the bar, against the usual way")


def redraw_checks(per_cell: np.ndarray) -> list[Check]:
    """``pixels_explained`` and ``worst_region`` from the share of each cell the
    redrawn table explains ((R, C), 0..1)."""
    share = float(per_cell.mean())
    out = [Check("pixels_explained", share >= EXPLAINED_LIMIT, round(share, 4), EXPLAINED_LIMIT)]
    rows, cols = per_cell.mean(axis=1), per_cell.mean(axis=0)
    worst, where = (float(rows.min()), f"row {int(rows.argmin()) + 1}") if rows.min() <= cols.min() else \
        (float(cols.min()), f"column {int(cols.argmin()) + 1}")
    out.append(Check("worst_region", worst >= WORST_REGION_LIMIT, round(worst, 4), WORST_REGION_LIMIT, where))
    return out


#: Labels of an axis that step with the cells (a lattice at the cells' pitch,
#: centred on them inside the grid) and go on past the grid's end, one at each
#: next cell's place, this many or more, say the grid stops short: a plot whose
#: outer cells are the page colour (white cells of a map ending in white) is cut
#: where they start.
PAST_LABELS_LIMIT = 2
#: ... a lattice steps with the cells when its pitch is within this share of theirs,
#: and a label past the end stands at a next cell's centre within PAST_AT_SHARE of
#: a cell (labels of a panel beyond, across a gap, stand elsewhere).
PAST_PITCH_SHARE = 0.15
PAST_AT_SHARE = 0.1


def labels_past_grid(lattices, edges: np.ndarray, open_ends: tuple[bool, bool] = (True, True)) -> int:
    """The most labels of one lattice (``raster.lattice.Lattice``: ``points``,
    ``pitch``, ``source``) that fits the grid's ``edges`` standing at the centres
    of the next cells past either end, one after another from the first. Only
    past an end in ``open_ends`` (first, last) where the plot goes on in the page
    colour: past an end that meets another panel's cells, its labels are its own."""
    return max(labels_past_ends(lattices, edges, open_ends))


def labels_past_ends(lattices, edges: np.ndarray, open_ends: tuple[bool, bool] = (True, True)) -> tuple[int, int]:
    """``labels_past_grid`` before the first edge and after the last, each the most
    of the one lattice that goes furthest there."""
    e = np.asarray(edges, np.float64)
    if len(e) < 3:
        return 0, 0
    cell = float(np.median(np.diff(e)))
    worst = [0, 0]
    for lat in lattices:
        if lat.source != "labels" or abs(lat.pitch - cell) > PAST_PITCH_SHARE * cell:
            continue
        share = at_centres(lat.points, e)
        if share is None or share < ON_AXES_LIMIT:
            continue
        p = np.asarray(lat.points, np.float64)
        for side, (end, way) in enumerate(((e[0], -1.0), (e[-1], 1.0))):
            if not open_ends[side]:
                continue
            k = 0
            while np.any(np.abs(p - (end + way * (k + 0.5) * cell)) <= PAST_AT_SHARE * cell):
                k += 1
            worst[side] = max(worst[side], k)
    return worst[0], worst[1]


def axes_check(shares: list[float]) -> Check:
    """``grid_on_axes`` from the share of marks and labels at cell centres, per axis
    that has any (the worse axis counts)."""
    value = min(shares) if shares else None
    return Check("grid_on_axes", value is None or value >= ON_AXES_LIMIT, None if value is None else round(value, 4),
                 ON_AXES_LIMIT, "" if shares else "no axis marks or labels to check against")


def _last_digit(label: str) -> float | None:
    """One unit of a plain decimal label's last digit ('0.596' -> 0.001), else None."""
    m = re.fullmatch(r"[-+\u2212]?\d*(?:\.(\d+))?", label.strip())
    return 10.0 ** -len(m.group(1) or "") if m else None


def _ticks_step_evenly(used, *, rounded: bool = True) -> bool:
    """The labels' values step evenly from tick to tick, ticks left out by the fit
    skipped (their places from the ticks' spacing), each value within one unit
    of its last printed digit when the labels are rounded decimals (half a unit)."""
    ticks = sorted(used, key=lambda t: t.pixel)
    px = np.array([t.pixel for t in ticks], np.float64)
    gaps = np.diff(px)
    unit = float(gaps[gaps > 0].min()) if (gaps > 0).any() else 1.0
    places = np.round((px - px[0]) / unit)
    digits = [_last_digit(t.label) for t in ticks]
    tol = 0.5 * max(digits) if rounded and all(d is not None for d in digits) else 0.0
    return steps_evenly([t.value for t in ticks], list(places), tol=tol)


#: A label within this many pixels of where the scale puts a bar's end labels that end.
END_LABEL_PX = 2.0


def _end_labels_check(scale: Scale, used: list) -> Check:
    """``labels_not_at_ends``: a linear scale on two labels, one of them at an end
    of the bar, may rest on a rounded end: Vega-Lite labels a short gradient with
    its domain's ends in the format of its ticks (0.335 printed '0.3', 0.352
    '0.4'), and two labels cannot show it. Fails when one stands at an end."""
    ends = scale.value_to_pixel(np.array([scale.vmin, scale.vmax], np.float64))
    at_end = [t.label for t in used if float(np.min(np.abs(ends - t.pixel))) <= END_LABEL_PX]
    return Check("labels_not_at_ends", not at_end, float(len(at_end)), 0.0,
                 f"the scale rests on two labels, {at_end} at the bar's end: an end's value may be printed "
                 f"rounded" if at_end else "")


def scale_checks(scale: Scale, *, bar_length: float | None, unused_texts: list[str]) -> list[Check]:
    """How well the scale rests on its labels: ``scale_labels``, ``scale_residual``,
    ``tick_steps``, ``scale_resolution`` (bar length in pixels, None: no bar) and
    ``scale_text_used`` (multiplier-like texts by the bar left unused)."""
    out = []
    used = [t for t in scale.ticks if t.inlier and t.value is not None]
    if scale.source == "ticks":
        out.append(Check("scale_labels", len(used) >= SCALE_LABELS_LIMIT, float(len(used)), SCALE_LABELS_LIMIT,
                         LOG_SCALE if scale.kind == "log" else ""))
        # one place read two ways ('5' or '-5') counts once, as used if either reading was
        read = {round(t.pixel) for t in scale.ticks if t.value is not None}
        fits = {round(t.pixel) for t in used}
        agree = len(fits) / max(len(read), 1)
        out.append(Check("scale_labels_agree", agree >= LABELS_AGREE_LIMIT, round(agree, 3), LABELS_AGREE_LIMIT,
                         "" if agree >= LABELS_AGREE_LIMIT else
                         f"the scale fits {len(fits)} of the {len(read)} numbers read by the bar"))
        if scale.kind == "linear" and len(used) == 2:
            out.append(_end_labels_check(scale, used))
    if scale.source == "ticks" and scale.level_labels:
        # each level of a stepped bar is its own label's value (bins): no line to fit
        out.append(Check("level_labels", True, float(len(scale.discrete_levels)), float(len(scale.discrete_levels)),
                         "each level of the stepped bar takes the value of its own label"))
    elif scale.source == "ticks":
        px = np.array([t.pixel for t in used], np.float64)
        values = np.array([t.value for t in used])
        rms = float(np.sqrt(np.mean((scale.value_to_pixel(values) - px) ** 2)))
        exact = len(used) < 3 or _ticks_step_evenly(used, rounded=False)
        even = exact or _ticks_step_evenly(used)
        limit = SCALE_RESIDUAL_LIMIT
        if even and not exact:
            # labels rounded off an even step (0.617, 0.606, 0.596...) stand up to half a
            # unit of their last digit off their ticks: uniform rounding, rms unit/sqrt(12)
            unit = max(_last_digit(t.label) for t in used)
            per_value = abs(float(np.diff(scale.value_to_pixel(values[:1] + np.array([0.0, unit])))[0])) / unit
            limit = round(SCALE_RESIDUAL_LIMIT + unit / math.sqrt(12) * per_value, 3)
        out.append(Check("scale_residual", rms <= limit, round(rms, 3), limit))
        out.append(Check("tick_steps", even, 1.0 if even else 0.0, 1.0,
                         "" if even else f"labels {[t.label for t in sorted(used, key=lambda t: t.pixel)]}"))
    else:
        out.append(Check("scale_labels", scale.source in ("user", "cell_text"), None, SCALE_LABELS_LIMIT,
                         {"user": "scale given by the user", "cell_text": PRINTED_SCALE}
                         .get(scale.source, "no colorbar labels")))
    if bar_length is not None:
        out.append(Check("scale_resolution", bar_length >= RESOLUTION_LIMIT, float(bar_length), RESOLUTION_LIMIT,
                         "" if bar_length >= RESOLUTION_LIMIT else
                         f"a {bar_length:g}-pixel bar resolves about {100.0 / max(bar_length, 1):.1f}% of the range"))
    out.append(Check("scale_text_used", not unused_texts, float(len(unused_texts)), 0.0,
                     f"unused: {unused_texts}" if unused_texts else ""))
    if len(scale.discrete_levels) >= 2:
        half = _half_level(scale)
        out.append(Check("level_resolution", half <= LEVEL_RESOLUTION_LIMIT, round(half, 4), LEVEL_RESOLUTION_LIMIT,
                         "" if half <= LEVEL_RESOLUTION_LIMIT else
                         f"a bar of {len(scale.discrete_levels)} levels tells a value to within "
                         f"{100 * half:.1f}% of the range"))
    return out


#: A stepped bar tells a value to within half its level (a share of the range):
#: past this share the table cannot be read to 1% of the range.
LEVEL_RESOLUTION_LIMIT = 0.01


def _half_level(scale: Scale) -> float:
    """Half the widest level of a stepped bar, as a share of its range (log
    scales: of its decades)."""
    t = np.sort(np.asarray([scale._t(v) for v in scale.discrete_levels], np.float64))
    span = abs(scale._t(scale.vmax) - scale._t(scale.vmin))
    return float(np.max(np.diff(t)) / 2.0 / span) if span > 0 else 1.0


def unused_scale_texts(texts, tick_labels, multiplier) -> list[str]:
    """Texts by the bar that look like a multiplier or offset ('1e-6', '×10⁻³')
    and were not used (none when a multiplier was applied)."""
    if multiplier is not None:
        return []
    labels = set(tick_labels)
    return [s for s in texts if s not in labels
            and (parse_multiplier(s) is not None or _SCALE_TEXT.search(normalise_text(s)))]


def colormap_check(table: CellTable, *, residual_flag: float) -> Check:
    """``colours_on_colormap``: the share of non-blank cells whose colour lies on the colormap."""
    known = ~np.asarray(table.blank)
    n = int(known.sum())
    on_map = 1.0 if n == 0 else float((np.asarray(table.residual)[known] <= residual_flag).mean())
    return Check("colours_on_colormap", on_map >= ON_COLORMAP_LIMIT, round(on_map, 4), ON_COLORMAP_LIMIT)


def _masked_triangle(blank: np.ndarray) -> bool:
    r, c = blank.shape
    if r != c:
        return False
    i, j = np.indices(blank.shape)
    return any(float(np.mean(blank == tri)) >= TRIANGLE_SHARE for tri in (j > i, j >= i, j < i, j <= i))


def outer_lines_check(blank: np.ndarray) -> Check:
    """Every outer row and column of the grid holds a drawn cell: one that holds
    none is margin taken in (a grid grown a step past its cells, a band of tick
    labels under the plot), unless the blank cells are a matrix's masked triangle
    (its first row or last column wholly blank when the diagonal is masked too)."""
    b = np.asarray(blank, bool)
    if min(b.shape) < 2:
        return Check("outer_lines_drawn", True, None, 0.0, "a single row or column")
    empty = [name for name, line in (("top row", b[0]), ("bottom row", b[-1]), ("first column", b[:, 0]),
                                     ("last column", b[:, -1])) if line.all()]
    if not empty or _masked_triangle(b):
        return Check("outer_lines_drawn", True, 0.0, 0.0)
    return Check("outer_lines_drawn", False, float(len(empty)), 0.0,
                 f"the grid's {' and '.join(empty)} {'holds' if len(empty) == 1 else 'hold'} no drawn cell: "
                 f"the grid may reach past the cells")


def frame_check(box: Box, frame: Box | None) -> Check:
    """``box_fills_frame``: the plot box against a wider axes frame around it."""
    if frame is None:
        return Check("box_fills_frame", True, None, FRAME_LIMIT, "no axes frame wider than the plot")
    inter = max(0, min(box.x1, frame.x1) - max(box.x0, frame.x0)) * max(0, min(box.y1, frame.y1) -
                                                                        max(box.y0, frame.y0))
    iou = inter / float(box.area + frame.area - inter)
    return Check("box_fills_frame", iou >= FRAME_LIMIT, round(iou, 4), FRAME_LIMIT)


def printed_check(printed: Printed | None) -> list[Check]:
    """``printed_agree``, where numbers were read both ways."""
    if printed is None or printed.agreement is None:
        return []
    share = round(float(printed.agreement), 4)
    return [Check("printed_agree", share >= PRINTED_AGREE_LIMIT, share, PRINTED_AGREE_LIMIT,
                  f"largest difference {printed.largest:.4g}" if printed.largest else "")]


_SCALE_TEXT = re.compile(r"(\d[eE][-+]?\d)|(^[×xX*]?10\^)|(^[+][\d.])")


#: Panels of one figure count as siblings when their plot boxes differ by at most
#: this share of their size ...
SIBLING_SIZE_SHARE = 0.03
#: ... and their cell edges, relative to the box, by at most this many pixels.
SIBLING_EDGE_PX = 1.5


#: A panel is read again on its siblings' grid when that explains its pixels at
#: least about as well as its own (within this share).
SIBLING_EXPLAINED_SLACK = 0.01


def _check_of(h, name: str) -> Check | None:
    return next((c for c in h.checks if c.name == name), None)


def explained(h) -> float:
    """The share of a heatmap's plot pixels its table redraws (0 without the check)."""
    c = _check_of(h, "pixels_explained")
    return 0.0 if c is None or c.value is None else float(c.value)


def _on_own_axes(h) -> bool:
    """Whether a heatmap's grid was checked against its own axis marks or labels, and held."""
    c = _check_of(h, "grid_on_axes")
    return c is not None and c.value is not None and c.passed


def _relative_edges(h) -> tuple[np.ndarray, np.ndarray]:
    g = h.grid
    return (np.asarray(g.col_edges, np.float64) - g.col_edges[0],
            np.asarray(g.row_edges, np.float64) - g.row_edges[0])


def _same_size(a: Box, b: Box) -> bool:
    return (abs(a.width - b.width) <= SIBLING_SIZE_SHARE * max(a.width, b.width)
            and abs(a.height - b.height) <= SIBLING_SIZE_SHARE * max(a.height, b.height))


def _siblings(a, b) -> bool:
    """Two panels of one figure: plot boxes of one size, the same cells at the same
    places relative to them."""
    if not _same_size(a.plot_box, b.plot_box) or (a.grid.rows, a.grid.cols) != (b.grid.rows, b.grid.cols):
        return False
    (ca, ra), (cb, rb) = _relative_edges(a), _relative_edges(b)
    return max(np.abs(ca - cb).max(), np.abs(ra - rb).max()) <= SIBLING_EDGE_PX


def sibling_grids(heatmaps: list) -> dict:
    """Panels of small multiples whose own grid disagrees with the grid that at least
    two siblings of the same size found alike, one of them on its own axes (a
    panel whose colours are too pale to show all their cell edges): index -> the
    siblings' grid laid over the panel's box."""
    out = {}
    for i, h in enumerate(heatmaps):
        g = h.grid
        for ref in heatmaps:
            if ref is h or (ref.grid.rows, ref.grid.cols) == (g.rows, g.cols) or not _same_size(h.plot_box,
                                                                                             ref.plot_box):
                continue
            alike = [m for m in heatmaps if m is not h and (m is ref or _siblings(ref, m))]
            cols, rows = _relative_edges(ref)
            sx = (g.col_edges[-1] - g.col_edges[0]) / max(cols[-1], 1e-9)
            sy = (g.row_edges[-1] - g.row_edges[0]) / max(rows[-1], 1e-9)
            if (len(alike) < 2 or not any(_on_own_axes(m) for m in alike)
                    or abs(sx - 1) > SIBLING_SIZE_SHARE or abs(sy - 1) > SIBLING_SIZE_SHARE):
                continue
            out[i] = Grid(frozen_array(g.row_edges[0] + rows * sy), frozen_array(g.col_edges[0] + cols * sx),
                          ref.grid.regular)
            break
        if i not in out and (g.rows == 1) != (g.cols == 1):
            grid = _one_cell_axis_from_beside(h, heatmaps)
            if grid is not None:
                out[i] = grid
    return out


def _one_cell_axis_from_beside(h, heatmaps: list) -> Grid | None:
    """A panel of one colour down an axis found to hold one cell (a perfect score
    everywhere shows no cell edge) takes that axis's cells from a panel beside it
    that spans the same extent (side by side: the same top and bottom) and found
    more there."""
    g, box = h.grid, h.plot_box
    rows_axis = g.rows == 1
    for ref in heatmaps:
        if ref is h or ref.grid.block:
            continue
        rb = ref.plot_box
        lo, hi, rlo, rhi = (box.y0, box.y1, rb.y0, rb.y1) if rows_axis else (box.x0, box.x1, rb.x0, rb.x1)
        extent = max(hi - lo, 1)
        if abs(lo - rlo) > SIBLING_SIZE_SHARE * extent or abs(hi - rhi) > SIBLING_SIZE_SHARE * extent:
            continue
        theirs = np.asarray(ref.grid.row_edges if rows_axis else ref.grid.col_edges, np.float64)
        if len(theirs) < 3:
            continue
        mine = np.asarray(g.row_edges if rows_axis else g.col_edges, np.float64)
        edges = mine[0] + (theirs - theirs[0]) * (mine[-1] - mine[0]) / max(theirs[-1] - theirs[0], 1e-9)
        return Grid(frozen_array(edges), g.col_edges, ref.grid.regular) if rows_axis else \
            Grid(g.row_edges, frozen_array(edges), ref.grid.regular)
    return None


def sibling_grid_checks(heatmaps: list) -> list:
    """Small multiples label only their outer panels: an inner panel has no axis
    marks or labels of its own to check its grid against (``grid_on_axes`` without
    a value). Where a sibling panel of the same picture, of the same size, found
    the same cell edges independently and its grid sits on its own axes, the
    sibling's check stands for this one. Returns the heatmaps, with the
    ``grid_on_axes`` check and the confidence replaced where a sibling vouches."""
    out = list(heatmaps)
    for i, h in enumerate(heatmaps):
        mine = _check_of(h, "grid_on_axes")
        if mine is None or mine.value is not None:
            continue
        s = next((s for s in heatmaps if s is not h and _on_own_axes(s) and _siblings(h, s)), None)
        if s is None:
            continue
        check = replace(_check_of(s, "grid_on_axes"), detail=f"checked on the sibling panel at "
                        f"{list(s.plot_box.as_list())}, whose cell edges this panel's match")
        checks = tuple(check if k.name == "grid_on_axes" else k for k in h.checks)
        out[i] = replace(h, checks=checks, confidence=confidence(checks, len(h.warnings), (h.grid.rows, h.grid.cols)))
    return out


#: A heatmap found but not read (its bar gives no scale) shows itself by its
#: cells: at least this share of them on the bar's colours, and at least
#: UNREAD_MIN_CELLS cells, besides redrawing the plot.
UNREAD_ON_COLORMAP = 0.9
UNREAD_MIN_CELLS = 4
#: ... in at least two rows and two columns, their colours spread over at least
#: this share of the bar (a chart in one or two colours beside a strip is no heatmap).
UNREAD_SPREAD = 0.25
#: ... and at least this many places along it (told apart to 1/UNREAD_LEVEL_BINS
#: of the bar): a diagram of two colours beside a strip of the same two is no heatmap.
UNREAD_MIN_LEVELS = 3
UNREAD_LEVEL_BINS = 50


def along_bar(places: np.ndarray) -> tuple[float, int]:
    """How far cells at ``places`` along their bar (0..1) spread over it (the middle
    90% of them), and at how many places, told apart to 1/UNREAD_LEVEL_BINS of it."""
    known = places[np.isfinite(places)]
    if not known.size:
        return 0.0, 0
    spread = float(np.quantile(known, 0.95) - np.quantile(known, 0.05))
    return spread, len(np.unique(np.round(known * UNREAD_LEVEL_BINS)))
