"""A page's objects painted into pixels, for the overlay of a figure read from
its objects where no rendering of it exists (an SVG: we do not render SVG). The
filled rectangles in their exact colours, the placed images, outlines and tick
marks, and each text set in a plain font at its box. A sketch to check the
reading against, not a renderer: curves and fonts are not drawn as the file
draws them."""
from __future__ import annotations

import cv2
import numpy as np

from ..sources.objects import VectorPage


def paint_page(page: VectorPage, *, scale: float, max_pixels: int) -> np.ndarray:
    """(H, W, 3) uint8: ``page`` at ``scale`` pixels per point (less, to stay
    within ``max_pixels``), on white."""
    w_pt, h_pt = page.size
    scale = min(scale, float(np.sqrt(max_pixels / max(w_pt * h_pt, 1.0))))
    w, h = max(1, int(round(w_pt * scale))), max(1, int(round(h_pt * scale)))
    out = np.full((h, w, 3), 255, np.uint8)

    def px(box) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = (int(round(min(max(float(v) * scale, -1.0), w + h + 1.0))) for v in box)  # far off: clipped
        return max(0, x0), max(0, y0), min(w, max(x1, x0 + 1)), min(h, max(y1, y0 + 1))

    for box, colour in zip(page.fills, page.colours):
        x0, y0, x1, y1 = px(box)
        out[y0:y1, x0:x1] = colour
    for img in page.images:
        x0, y0, x1, y1 = px(img.box)
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = cv2.resize(np.ascontiguousarray(img.rgb), (x1 - x0, y1 - y0),
                                           interpolation=cv2.INTER_NEAREST)
    for box in np.concatenate([page.frames, page.marks]):
        x0, y0, x1, y1 = px(box)
        cv2.rectangle(out, (x0, y0), (max(x0, x1 - 1), max(y0, y1 - 1)), (40, 40, 40), 1)
    for t in page.texts:
        x0, y0, x1, y1 = px(t.box)
        size = (x1 - x0) if t.vertical else (y1 - y0)
        if size < 4 or not t.text.isprintable():
            continue
        height = max(0.3, size / 30.0)
        if t.vertical:  # set along x, then turned a quarter into its box
            strip = np.full((y1 - y0, x1 - x0, 3), 255, np.uint8)
            turned = np.ascontiguousarray(np.rot90(strip, -1))
            cv2.putText(turned, t.text, (0, turned.shape[0] - 2), cv2.FONT_HERSHEY_SIMPLEX, height, (0, 0, 0), 1,
                        cv2.LINE_AA)
            out[y0:y1, x0:x1] = np.minimum(out[y0:y1, x0:x1], np.rot90(turned, 1))
        else:
            cv2.putText(out, t.text, (x0, y1 - 1), cv2.FONT_HERSHEY_SIMPLEX, height, (0, 0, 0), 1, cv2.LINE_AA)
    return out
