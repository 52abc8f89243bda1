"""The picture that shows the work, drawn from the result object only.

Left: the input figure with the plot box (green), colorbar box (blue) with the
ticks used (orange, value beside each), the grid lines found (white/black) and
flagged cells (red crosses). Middle: the heatmap re-drawn from the recovered
table with the same colormap. Right: the colour difference between the two
(dark = agreement).
"""
from __future__ import annotations

import os

import cv2
import numpy as np

from .lookup import delta_e, rgb_to_lab
from .model import Digitization, Heatmap
from .scale import scale_decimals


def _redraw(h: Heatmap, shape) -> np.ndarray:
    """The plot area re-painted from the table: each cell in its colormap colour."""
    out = np.full(shape, 255, np.uint8)
    cm = h.colormap
    with np.errstate(invalid="ignore"):
        pos = h.scale.value_to_pixel(h.table.values)  # (R, C); NaN for blank cells
    # the colormap sample nearest each value (positions may run either way)
    nearest = np.abs(np.nan_to_num(pos, nan=np.inf)[..., None] - cm.positions).argmin(axis=-1)
    for i in range(h.rows):
        for j in range(h.cols):
            if not np.isfinite(h.table.values[i, j]):
                continue
            y0, y1 = int(round(h.grid.row_edges[i])), int(round(h.grid.row_edges[i + 1]))
            x0, x1 = int(round(h.grid.col_edges[j])), int(round(h.grid.col_edges[j + 1]))
            out[y0:y1, x0:x1] = cm.rgb[nearest[i, j]]
    return out


def _centred_text(img: np.ndarray, text: str, cx: int, cy: int, max_width: float,
                  colour=(0, 255, 255)) -> None:
    """A cell's value, centred on it and shrunk to fit its width."""
    font = cv2.FONT_HERSHEY_PLAIN
    scale = 0.9
    (w, th), _ = cv2.getTextSize(text, font, scale, 1)
    if w > max_width:
        scale *= max_width / w
        (w, th), _ = cv2.getTextSize(text, font, scale, 1)
    cv2.putText(img, text, (int(cx - w / 2), int(cy + th / 2)), font, scale, colour, 1, cv2.LINE_AA)


def draw_overlay(result: Digitization, image: np.ndarray) -> np.ndarray:
    """(H, 3W, 3) uint8: annotated figure | re-drawn heatmap | difference map."""
    base = np.array(image, np.uint8, copy=True)
    redrawn = np.full_like(base, 255)
    diff = np.zeros_like(base)
    for h in result.heatmaps:
        b = h.plot_box
        paint = _redraw(h, base.shape)
        redrawn[b.y0:b.y1, b.x0:b.x1] = paint[b.y0:b.y1, b.x0:b.x1]
        d = delta_e(rgb_to_lab(base[b.y0:b.y1, b.x0:b.x1]), rgb_to_lab(paint[b.y0:b.y1, b.x0:b.x1]))
        diff[b.y0:b.y1, b.x0:b.x1] = np.clip(d * 8, 0, 255).astype(np.uint8)[..., None]
        for e in h.grid.row_edges:
            cv2.line(base, (b.x0, int(round(e))), (b.x1 - 1, int(round(e))), (255, 255, 255), 1)
        for e in h.grid.col_edges:
            cv2.line(base, (int(round(e)), b.y0), (int(round(e)), b.y1 - 1), (255, 255, 255), 1)
        cv2.rectangle(base, (b.x0, b.y0), (b.x1 - 1, b.y1 - 1), (0, 200, 0), 2)
        cell = min(np.diff(h.grid.row_edges).min(), np.diff(h.grid.col_edges).min())
        decimals = scale_decimals(h.scale)
        cw = float(np.diff(h.grid.col_edges).min())
        for i in range(h.rows):
            for j in range(h.cols):
                cy = int(h.grid.row_centers[i])
                cx = int(h.grid.col_centers[j])
                if h.table.flagged[i, j]:
                    cv2.drawMarker(base, (cx, cy), (255, 0, 0), cv2.MARKER_TILTED_CROSS, int(cell * 0.6), 2)
                elif cell >= 20 and np.isfinite(h.table.values[i, j]):
                    light = float(np.mean(h.table.rgb[i, j])) > 150  # dark text on light cells
                    _centred_text(base, f"{h.table.values[i, j]:.{decimals}f}", cx, cy, 0.9 * cw,
                                  (20, 20, 120) if light else (0, 255, 255))
        if h.colorbar is not None:
            cb = h.colorbar.box
            cv2.rectangle(base, (cb.x0, cb.y0), (cb.x1 - 1, cb.y1 - 1), (0, 90, 255), 2)
            for t in h.scale.ticks:
                if not t.inlier:
                    continue
                p = int(round(t.pixel))
                if h.colorbar.orientation == "vertical":
                    cv2.line(base, (cb.x0, p), (cb.x1, p), (255, 140, 0), 1)
                    cv2.putText(base, f"{t.value:g}", (cb.x0 - 2, p - 2), cv2.FONT_HERSHEY_PLAIN, 0.8,
                                (255, 140, 0), 1, cv2.LINE_AA)
                else:
                    cv2.line(base, (p, cb.y0), (p, cb.y1), (255, 140, 0), 1)
                    cv2.putText(base, f"{t.value:g}", (p + 2, cb.y0 - 2), cv2.FONT_HERSHEY_PLAIN, 0.8,
                                (255, 140, 0), 1, cv2.LINE_AA)
    return np.concatenate([base, redrawn, diff], axis=1)


def save_overlay(result: Digitization, path: str | os.PathLike, image: np.ndarray | None = None) -> None:
    """Write the overlay PNG atomically. ``image`` defaults to re-reading the source."""
    from PIL import Image

    from .export import write_atomic
    from .imageio import load_image

    if image is None:
        image = load_image(result.source, max_pixels=10**9).rgb
    import io
    buf = io.BytesIO()
    Image.fromarray(draw_overlay(result, image)).save(buf, format="PNG")
    write_atomic(path, buf.getvalue())
