"""The picture that shows the work, drawn from the result object only.

Three titled panels ("found", "redrawn from the table", "difference") over a
caption. Left: the input figure with the plot box (green), colorbar box (blue) with the
ticks used (orange, value beside each), the grid lines found (white/black) and
flagged cells (red crosses), cells whose printed number and colour disagree
(magenta frames). Middle: the heatmap re-drawn from the recovered
table with the same colormap, its colorbar painted from that colormap with the
tick values used, and the row and column labels read. Right: the difference between the values the
figure's pixels show and the redrawn table's, in units of the colorbar's range
(black = agreement, white = DIFF_FULL_SHARE or more, the scale bar beside its
title; blue where the figure's colour is on no colormap: text, grid lines).
Values are written in cells large enough to read them, black on light cells and
white on dark ones. The caption gives each heatmap's confidence, the share of the
plot the redrawn table explains, the cells flagged and the checks failed.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..core.lookup import image_to_index
from ..core.scale import scale_decimals
from ..model import Digitization, Heatmap


def _cell_index(edges: np.ndarray, start: int, stop: int) -> np.ndarray:
    """For pixels start..stop-1: the cell each lies in (edges rounded as drawn), -1 outside."""
    e = np.round(np.asarray(edges)).astype(int)
    px = np.arange(start, stop)
    k = np.searchsorted(e, px, side="right") - 1
    return np.where((px >= e[0]) & (px < e[-1]), np.clip(k, 0, len(e) - 2), -1)


def _redraw(h: Heatmap) -> tuple[np.ndarray, np.ndarray]:
    """The plot area re-painted from the table, each cell in its colormap colour:
    (h, w, 3) uint8 RGB and (h, w, 3) float32 Lab of it (white where no cell is)."""
    cm = h.colormap
    with np.errstate(invalid="ignore"):
        pos = h.scale.value_to_pixel(h.table.values)  # (R, C); NaN for blank cells
    # the colormap sample nearest each value (positions may run either way)
    nearest = np.abs(np.nan_to_num(pos, nan=np.inf)[..., None] - cm.positions).argmin(axis=-1)
    blank = ~np.isfinite(h.table.values)
    # cells padded with a white last row and column: pixels outside every cell
    # have index -1 and pick it up
    cell_rgb = np.full((h.rows + 1, h.cols + 1, 3), 255, np.uint8)
    cell_lab = np.zeros((h.rows + 1, h.cols + 1, 3), np.float32)
    cell_lab[..., 0] = 100.0
    cell_rgb[:-1, :-1] = np.where(blank[..., None], 255, cm.rgb[nearest])
    cell_lab[:-1, :-1] = np.where(blank[..., None], cell_lab[-1, -1], np.asarray(cm.lab, np.float32)[nearest])
    return _per_pixel(h, cell_rgb), _per_pixel(h, cell_lab)


def _per_pixel(h: Heatmap, cells: np.ndarray) -> np.ndarray:
    """A per-cell array padded with one last row and column (what pixels outside
    every cell get) laid over the plot's pixels: cells are rectangles, so each row
    of cells is repeated, then each column, by the pixels it spans (one copy per
    pixel, not a gather per pixel)."""
    b = h.plot_box
    rv, rn = _runs(_cell_index(h.grid.row_edges, b.y0, b.y1))
    cv, cn = _runs(_cell_index(h.grid.col_edges, b.x0, b.x1))
    return np.repeat(np.repeat(cells[rv][:, cv], rn, axis=0), cn, axis=1)


def _runs(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D index as runs of equal values: (values, lengths)."""
    starts = np.flatnonzero(np.diff(index, prepend=index[0] - 1))
    return index[starts], np.diff(np.append(starts, len(index)))


#: Cells smaller than this (pixels) get no value written in them: it would not be legible.
MIN_LABELLED_CELL = 14


def _centred_text(img: np.ndarray, text: str, cx: int, cy: int, max_width: float, *,
                  colour=(0, 0, 0), max_height: float = 12.0) -> None:
    """A cell's value, centred on it, as large as fits its width and height."""
    font = cv2.FONT_HERSHEY_SIMPLEX
    (w, th), _ = cv2.getTextSize(text, font, 1.0, 1)
    scale = max(0.25, min(max_width / max(w, 1), max_height / max(th, 1), 1.2))
    (w, th), _ = cv2.getTextSize(text, font, scale, 1)
    cv2.putText(img, text, (int(cx - w / 2), int(cy + th / 2)), font, scale, colour, 1, cv2.LINE_AA)


def _redraw_legend(img: np.ndarray, h: Heatmap) -> None:
    """Into the redrawn panel: the colorbar painted from the colormap the cells were
    read on, with the tick values the scale rests on, and the row and column labels
    read, each at its cell (what the table says, laid out as the figure was)."""
    grey = (40, 40, 40)
    if h.colorbar is not None:
        cb = h.colorbar.box
        vertical = h.colorbar.orientation == "vertical"
        along = np.arange(cb.y0, cb.y1) if vertical else np.arange(cb.x0, cb.x1)
        pos = np.asarray(h.colormap.positions, np.float64)
        order = np.argsort(pos)
        k = np.clip(np.round(np.interp(along + 0.5, pos[order], order.astype(np.float64))).astype(int),
                    0, len(pos) - 1)
        strip = np.asarray(h.colormap.rgb, np.uint8)[k]
        if vertical:
            img[cb.y0:cb.y1, cb.x0:cb.x1] = strip[:, None, :]
        else:
            img[cb.y0:cb.y1, cb.x0:cb.x1] = strip[None, :, :]
        for t in h.scale.ticks:
            if t.inlier and t.value is not None:
                p = int(round(t.pixel))
                at = (cb.x1 + 3, p + 4) if vertical else (p - 8, cb.y1 + 12)
                cv2.putText(img, f"{t.value:g}", at, cv2.FONT_HERSHEY_PLAIN, 0.8, grey, 1, cv2.LINE_AA)
    b = h.plot_box
    for label, y in zip(h.axes.row_labels, h.grid.row_centers):
        if label:
            (w, _), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_PLAIN, 0.8, 1)
            cv2.putText(img, label, (max(0, b.x0 - 4 - w), int(y) + 4), cv2.FONT_HERSHEY_PLAIN, 0.8, grey, 1,
                        cv2.LINE_AA)
    for label, x in zip(h.axes.col_labels, h.grid.col_centers):
        if label:
            (w, _), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_PLAIN, 0.8, 1)
            cv2.putText(img, label, (int(x - w / 2), min(img.shape[0] - 2, b.y1 + 14)), cv2.FONT_HERSHEY_PLAIN,
                        0.8, grey, 1, cv2.LINE_AA)


def draw_overlay(result: Digitization, image: np.ndarray) -> np.ndarray:
    """(H + caption, 3W, 3) uint8: annotated figure | re-drawn heatmap | difference
    map, over a caption with each heatmap's confidence and failed checks."""
    base = np.array(image, np.uint8, copy=True)
    redrawn = np.full_like(base, 255)
    diff = np.full_like(base, OUTSIDE_GREY)  # grey outside the plots: black means "agrees", not "nothing"
    for h in result.heatmaps:
        b = h.plot_box
        paint, _ = _redraw(h)
        redrawn[b.y0:b.y1, b.x0:b.x1] = paint
        _redraw_legend(redrawn, h)
        diff[b.y0:b.y1, b.x0:b.x1] = _difference(h, base[b.y0:b.y1, b.x0:b.x1])
        for e in h.grid.row_edges if not h.grid.block else ():  # blocks of pixels are no cells to outline
            cv2.line(base, (b.x0, int(round(e))), (b.x1 - 1, int(round(e))), (255, 255, 255), 1)
        for e in h.grid.col_edges if not h.grid.block else ():
            cv2.line(base, (int(round(e)), b.y0), (int(round(e)), b.y1 - 1), (255, 255, 255), 1)
        cv2.rectangle(base, (b.x0, b.y0), (b.x1 - 1, b.y1 - 1), (0, 200, 0), 2)
        cw = float(np.diff(h.grid.col_edges).min())
        cell = min(float(np.diff(h.grid.row_edges).min()), cw)
        decimals = scale_decimals(h.scale)
        rows_y = h.grid.row_centers.astype(int)
        cols_x = h.grid.col_centers.astype(int)
        light = h.table.rgb.mean(axis=2) > 150  # dark text on light cells
        values = h.table.values
        for i in range(h.rows):
            for j in range(h.cols):
                cy, cx = int(rows_y[i]), int(cols_x[j])
                if h.printed is not None and h.printed.disagree[i, j]:
                    # the printed number and the colour disagree: a magenta frame round the cell
                    y0, y1 = int(round(h.grid.row_edges[i])), int(round(h.grid.row_edges[i + 1]))
                    x0, x1 = int(round(h.grid.col_edges[j])), int(round(h.grid.col_edges[j + 1]))
                    cv2.rectangle(base, (x0 + 1, y0 + 1), (x1 - 2, y1 - 2), (255, 0, 255), 2)
                if h.table.flagged[i, j]:
                    cv2.drawMarker(base, (cx, cy), (255, 0, 0), cv2.MARKER_TILTED_CROSS, int(cell * 0.6), 2)
                elif cell >= MIN_LABELLED_CELL and np.isfinite(values[i, j]):
                    # black on light cells, white on dark ones, sized to the cell
                    _centred_text(base, f"{values[i, j]:.{decimals}f}", cx, cy, 0.85 * cw,
                                  colour=(0, 0, 0) if light[i, j] else (255, 255, 255), max_height=0.45 * cell)
        if h.colorbar is not None:
            cb = h.colorbar.box
            cv2.rectangle(base, (cb.x0, cb.y0), (cb.x1 - 1, cb.y1 - 1), (0, 90, 255), 2)
            for t in h.scale.ticks:
                if not t.inlier:
                    continue
                p = int(round(t.pixel))
                if h.colorbar.orientation == "vertical":
                    cv2.line(base, (cb.x0, p), (cb.x1, p), (255, 140, 0), 1)
                    # beside the bar, ending short of it (over it, it hid the bar's colours)
                    label = f"{t.value:g}"
                    (tw, th), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_PLAIN, 0.8, 1)
                    x = cb.x0 - 3 - tw if cb.x0 - 3 - tw >= 0 else cb.x1 + 3
                    cv2.putText(base, label, (x, p + th // 2), cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 140, 0), 1,
                                cv2.LINE_AA)
                else:
                    cv2.line(base, (p, cb.y0), (p, cb.y1), (255, 140, 0), 1)
                    cv2.putText(base, f"{t.value:g}", (p + 2, cb.y0 - 2), cv2.FONT_HERSHEY_PLAIN, 0.8,
                                (255, 140, 0), 1, cv2.LINE_AA)
    panels = np.concatenate([base, redrawn, diff], axis=1)
    head = _titles(panels.shape[1], base.shape[1])
    return np.concatenate([head, panels, _caption(result, panels.shape[1])], axis=0)


#: The titles over the three panels, and the difference panel's scale: a pixel is
#: white where the value its colour shows differs from the redrawn table's by
#: DIFF_FULL_SHARE of the colorbar's range or more; pixels whose colour is on no
#: colormap (text, grid lines, a colour the bar does not hold) are OFF_MAP_BLUE.
PANEL_TITLES = ("found", "redrawn from the table", "difference")
DIFF_FULL_SHARE = 0.1
OFF_MAP_DELTA_E = 10.0
OFF_MAP_BLUE = (60, 90, 200)


def _difference(h: Heatmap, found: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: per pixel of the plot, the difference between the value its
    colour shows and its cell's value in the table, in units of the colorbar's range
    (black 0, white DIFF_FULL_SHARE or more; blank cells and pixels outside every
    cell 0), blue where the figure's colour is off the map."""
    cm = h.colormap
    pos = np.asarray(cm.positions, np.float64)
    idx, off = image_to_index(found, np.asarray(cm.lab, np.float32))
    with np.errstate(invalid="ignore"):
        seen = np.asarray(h.scale.pixel_to_value(np.interp(idx, np.arange(len(pos)), pos)), np.float64)
    cells = np.full((h.rows + 1, h.cols + 1), np.nan)
    cells[:-1, :-1] = h.table.values
    span = abs(h.scale.vmax - h.scale.vmin) or 1.0
    gap = np.nan_to_num(np.abs(seen - _per_pixel(h, cells)))
    grey = np.clip(gap / (DIFF_FULL_SHARE * span) * 255.0, 0, 255).astype(np.uint8)
    out = np.repeat(grey[..., None], 3, axis=2)
    out[off > OFF_MAP_DELTA_E] = OFF_MAP_BLUE
    return out


def overlay_layout(width: int) -> dict:
    """Where the overlay puts what (for tests and for readers of the PNG): the
    panel titles with their x ranges, and the difference scale."""
    return {"titles": [{"text": t, "x0": k * width, "x1": (k + 1) * width} for k, t in enumerate(PANEL_TITLES)],
            "difference_scale": {"black": 0.0, "white": DIFF_FULL_SHARE, "unit": "share of the colorbar's range",
                                 "off_colormap": OFF_MAP_BLUE},
            "header_height": HEADER_HEIGHT}


HEADER_HEIGHT = 28
OUTSIDE_GREY = 200


def _titles(total: int, width: int) -> np.ndarray:
    """A strip over the panels with their titles, and a black-to-white scale bar
    beside the difference panel's title."""
    strip = np.full((HEADER_HEIGHT, total, 3), 255, np.uint8)
    for t in overlay_layout(width)["titles"]:
        label = t["text"] + (f" (black 0 .. white {DIFF_FULL_SHARE:.0%}+ of range; blue: off the map)"
                             if t["text"] == "difference" else "")
        (w, _), _ = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, 0.55, 1)
        x = int((t["x0"] + t["x1"]) / 2 - w / 2)
        cv2.putText(strip, label, (max(t["x0"] + 4, x), 19), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (20, 20, 20), 1,
                    cv2.LINE_AA)
        if t["text"] == "difference":
            x0 = t["x1"] - 110
            ramp = np.linspace(0, 255, 100).astype(np.uint8)
            strip[8:20, x0:x0 + 100] = ramp[None, :, None]
    return strip


def _caption(result: Digitization, width: int) -> np.ndarray:
    """A strip under the panels: each heatmap's confidence and the checks it failed."""
    lines = []
    for k, h in enumerate(result.heatmaps):
        failed = ", ".join(f"{c.name} ({c.value:g} vs {c.limit:g})" if c.value is not None and c.limit is not None
                           else c.name for c in h.checks if not c.passed)
        explained = next((c.value for c in h.checks if c.name == "pixels_explained"), None)
        cells = int(h.table.flagged.sum()) + (int(h.printed.disagree.sum()) if h.printed is not None else 0)
        lines.append(f"heatmap {k + 1}: {h.rows} x {h.cols}, confidence {h.confidence:.2f}, "
                     + (f"{explained:.0%} of the plot redrawn, " if explained is not None else "")
                     + f"{cells} cell(s) flagged; failed checks: {failed or 'none'}")
    strip = np.full((8 + 18 * len(lines), width, 3), 255, np.uint8)
    for i, text in enumerate(lines):
        cv2.putText(strip, text, (6, 18 + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (30, 30, 30), 1, cv2.LINE_AA)
    return strip


#: A report thumbnail's longest side, in pixels (the report shows it at this size).
THUMB_SIDE = 480


def thumbnail(overlay: np.ndarray, h: Heatmap, *, max_side: int = THUMB_SIDE) -> np.ndarray:
    """The overlay's "found" panel cut to one heatmap: its plot and colorbar with a
    margin for their labels (a fifth of the plot's size), shrunk to fit
    ``max_side`` (never enlarged), so that a report shows the heatmap itself rather
    than the whole page it sits on."""
    width = overlay.shape[1] // 3
    height = overlay.shape[0] - HEADER_HEIGHT
    boxes = [h.plot_box] + ([h.colorbar.box] if h.colorbar is not None else [])
    x0, y0 = min(b.x0 for b in boxes), min(b.y0 for b in boxes)
    x1, y1 = max(b.x1 for b in boxes), max(b.y1 for b in boxes)
    pad = int(0.2 * max(h.plot_box.x1 - h.plot_box.x0, h.plot_box.y1 - h.plot_box.y0)) + 8
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(width, x1 + pad), min(height, y1 + pad)
    crop = overlay[HEADER_HEIGHT + y0:HEADER_HEIGHT + y1, x0:x1]
    scale = min(1.0, max_side / max(crop.shape[:2]))
    if scale < 1.0:
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop)


def encode_png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an RGB image, made for speed: zlib level 1 with no row filter
    writes an overlay 4x faster than Pillow's defaults, for ~30% more bytes (the
    'sub' filter: 9% slower and 5% larger on the overlays of 61 figures)."""
    params = [cv2.IMWRITE_PNG_COMPRESSION, 1]
    if hasattr(cv2, "IMWRITE_PNG_FILTER"):  # OpenCV >= 4.11
        params += [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    ok, buf = cv2.imencode(".png", cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR), params)
    if not ok:
        raise RuntimeError(f"OpenCV could not encode a {rgb.shape} image as PNG")
    return buf.tobytes()
