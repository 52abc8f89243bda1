"""Checks of a reading against the figure it came from.

Each check measures one way the reading could be wrong, with a figure and the
limit it is held to (``model.Check``). ``core/confidence.py`` turns them into
one calibrated number. The checks:

- ``pixels_explained``: redraw every cell in the colour its value maps to (the
  page colour for blank cells) and compare with samples of the pixels, text and
  grid lines left out: the share the redrawing explains. A wrong grid or plot box
  fails this at once. ``worst_region`` is the row or column explained least.
- ``grid_on_axes``: the axis tick marks and labels against the grid: the share of
  them that stand at cell centres.
- ``scale_labels`` and ``scale_residual``: how many colorbar labels the scale
  rests on, and how far (pixels) they sit from it.
- ``scale_resolution``: the bar is long enough to tell values 1% of the range
  apart (a small key of 60 pixels resolves about 2%).
- ``tick_steps``: the labels the scale rests on step evenly (0.2, 0.4... or 1,
  10, 100...) in the order they stand along the bar.
- ``scale_text_used``: no text past the bar's end that looks like a multiplier
  or offset ('1e-6', '×10⁻³') was left unused.
- ``colours_on_colormap``: the share of cells whose colour lies on the colormap.
- ``box_fills_frame``: the plot box fills the axes frame around it (when there is
  one wider than it).
"""
from __future__ import annotations

import re

import numpy as np

from ..core.labels import normalise_text, parse_multiplier, steps_evenly
from ..core.lookup import delta_e, rgb_to_lab
from ..core.synthesis import AGREE_DELTA_E, cell_samples
from ..model import Box, CellTable, Check, Colormap, Grid, Printed, Scale
from .lattice import AxisEvidence
from .legend import Legend
from .planes import Planes

#: Share of the sampled pixels the redrawn table must explain.
EXPLAINED_LIMIT = 0.9
#: ... and of its least explained row or column.
WORST_REGION_LIMIT = 0.6
#: Share of axis marks and labels that must stand at cell centres.
ON_AXES_LIMIT = 0.8
#: Fewest colorbar labels a scale should rest on, and their largest rms distance (px).
SCALE_LABELS_LIMIT = 3
SCALE_RESIDUAL_LIMIT = 1.5
#: Shortest colorbar (pixels along it) that resolves values to about 1% of its range.
RESOLUTION_LIMIT = 100
#: Share of non-blank cells whose colour must lie on the colormap.
ON_COLORMAP_LIMIT = 0.95
#: Overlap (intersection over union) of the plot box with a wider axes frame.
FRAME_LIMIT = 0.9
#: The numbers printed in the cells agree with their colours in at least this share of cells.
PRINTED_AGREE_LIMIT = 0.9


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


def pixels_explained(planes: Planes, grid: Grid, expected: np.ndarray) -> tuple[float, np.ndarray]:
    """Share of each cell's samples within AGREE_DELTA_E of its expected colour:
    (overall share, (R, C) per cell)."""
    s = cell_samples(planes.lab, grid.row_edges, grid.col_edges)  # (R, C, S, S, 3)
    d = delta_e(s, expected[:, :, None, None, :].astype(np.float32))
    per_cell = (d < AGREE_DELTA_E).mean(axis=(2, 3))
    return float(per_cell.mean()), per_cell


def _at_centres(points, edges: np.ndarray) -> float | None:
    """Share of the points inside the grid that stand within a quarter cell of a
    centre; None for too few points (under 3, or spanning under a third of the
    grid) to say anything."""
    e = np.asarray(edges, np.float64)
    p = np.asarray([q for q in points if e[0] <= q <= e[-1]], np.float64)
    if len(p) < 3 or np.ptp(p) < (e[-1] - e[0]) / 3:
        return None
    i = np.clip(np.searchsorted(e, p) - 1, 0, len(e) - 2)
    size = e[i + 1] - e[i]
    return float(np.mean(np.abs(p - (e[i] + e[i + 1]) / 2) <= 0.25 * size))


_SCALE_TEXT = re.compile(r"(\d[eE][-+]?\d)|(^[×xX*]?10\^)|(^[+][\d.])")


def run_checks(*, planes: Planes, plot: Box, grid: Grid, legend: Legend, colormap: Colormap, table: CellTable,
               evidence: AxisEvidence, residual_flag: float, printed: Printed | None = None) -> tuple[Check, ...]:
    """Every check of one heatmap's reading (see the module docstring)."""
    out = []
    expected = expected_colours(table, colormap, legend.scale, planes.background)
    share, per_cell = pixels_explained(planes, grid, expected)
    out.append(Check("pixels_explained", share >= EXPLAINED_LIMIT, round(share, 4), EXPLAINED_LIMIT))
    rows, cols = per_cell.mean(axis=1), per_cell.mean(axis=0)
    worst, where = (float(rows.min()), f"row {int(rows.argmin()) + 1}") if rows.min() <= cols.min() else \
        (float(cols.min()), f"column {int(cols.argmin()) + 1}")
    out.append(Check("worst_region", worst >= WORST_REGION_LIMIT, round(worst, 4), WORST_REGION_LIMIT, where))

    on = []
    for lats, edges in ((evidence.rows, grid.row_edges), (evidence.cols, grid.col_edges)):
        shares = [s for s in (_at_centres(lat.points, edges) for lat in lats) if s is not None]
        if shares:
            on.append(max(shares))
    value = min(on) if on else None
    out.append(Check("grid_on_axes", value is None or value >= ON_AXES_LIMIT,
                     None if value is None else round(value, 4), ON_AXES_LIMIT,
                     "" if on else "no axis marks or labels to check against"))

    scale = legend.scale
    used = [t for t in scale.ticks if t.inlier and t.value is not None]
    if scale.source == "ticks":
        out.append(Check("scale_labels", len(used) >= SCALE_LABELS_LIMIT, float(len(used)), SCALE_LABELS_LIMIT))
        px = np.array([t.pixel for t in used], np.float64)
        rms = float(np.sqrt(np.mean((scale.value_to_pixel(np.array([t.value for t in used])) - px) ** 2)))
        out.append(Check("scale_residual", rms <= SCALE_RESIDUAL_LIMIT, round(rms, 3), SCALE_RESIDUAL_LIMIT))
        ordered = [t.value for t in sorted(used, key=lambda t: t.pixel)]
        even = len(ordered) < 3 or steps_evenly(ordered)
        out.append(Check("tick_steps", even, 1.0 if even else 0.0, 1.0,
                         "" if even else f"labels {[t.label for t in sorted(used, key=lambda t: t.pixel)]}"))
    else:
        out.append(Check("scale_labels", scale.source in ("user", "cell_text"), None, SCALE_LABELS_LIMIT,
                         {"user": "scale given by the user", "cell_text": "scale fitted to the printed numbers"}
                         .get(scale.source, "no colorbar labels")))
    if legend.bar is not None:
        length = max(legend.bar.box.width, legend.bar.box.height)
        out.append(Check("scale_resolution", length >= RESOLUTION_LIMIT, float(length), RESOLUTION_LIMIT,
                         "" if length >= RESOLUTION_LIMIT else
                         f"a {length}-pixel bar resolves about {100.0 / max(length, 1):.1f}% of the range"))
    unread = []
    reading = legend.reading
    if reading is not None and reading.multiplier is None:
        labels = {t.label for t in reading.ticks}
        unread = [s for s in reading.scale_texts if s not in labels
                  and (parse_multiplier(s) is not None or _SCALE_TEXT.search(normalise_text(s)))]
    out.append(Check("scale_text_used", not unread, float(len(unread)), 0.0,
                     f"unused: {unread}" if unread else ""))

    known = ~np.asarray(table.blank)
    n = int(known.sum())
    on_map = 1.0 if n == 0 else float((np.asarray(table.residual)[known] <= residual_flag).mean())
    out.append(Check("colours_on_colormap", on_map >= ON_COLORMAP_LIMIT, round(on_map, 4), ON_COLORMAP_LIMIT))

    frame = evidence.frame
    if frame is not None:
        box = grid.box
        inter = max(0, min(box.x1, frame.x1) - max(box.x0, frame.x0)) * max(0, min(box.y1, frame.y1) -
                                                                            max(box.y0, frame.y0))
        iou = inter / float(box.area + frame.area - inter)
        out.append(Check("box_fills_frame", iou >= FRAME_LIMIT, round(iou, 4), FRAME_LIMIT))
    else:
        out.append(Check("box_fills_frame", True, None, FRAME_LIMIT, "no axes frame wider than the plot"))
    if printed is not None and printed.agreement is not None:
        share = round(float(printed.agreement), 4)
        out.append(Check("printed_agree", share >= PRINTED_AGREE_LIMIT, share, PRINTED_AGREE_LIMIT,
                         f"largest difference {printed.largest:.4g}" if printed.largest else ""))
    return tuple(out)
