"""Tick marks: the short strokes standing out from one side of a box (a colorbar,
or a plot's axes), found on the ink mask. Pure numpy on a boolean mask."""
from __future__ import annotations

import numpy as np

from ..model import Box, ColorbarRegion


def _strip_profile(text: np.ndarray, region: ColorbarRegion, side: str, depth: int) -> np.ndarray:
    """(depth, long) bool: foreground at distance d from the bar's edge on ``side``."""
    b = region.box
    h, w = text.shape
    out = np.zeros((depth, region.long_range[1] - region.long_range[0]), bool)
    for d in range(depth):
        if side == "right" and b.x1 + d < w:
            out[d] = text[b.y0:b.y1, b.x1 + d]
        elif side == "left" and b.x0 - 1 - d >= 0:
            out[d] = text[b.y0:b.y1, b.x0 - 1 - d]
        elif side == "bottom" and b.y1 + d < h:
            out[d] = text[b.y1 + d, b.x0:b.x1]
        elif side == "top" and b.y0 - 1 - d >= 0:
            out[d] = text[b.y0 - 1 - d, b.x0:b.x1]
    return out


def find_tick_marks(fg: np.ndarray, region: ColorbarRegion, side: str) -> tuple[list[float], int, int]:
    """Tick marks on one side of the bar.

    Returns (positions along the long axis in pixel coordinates, offset of the
    first column past the outline, tick length in pixels).
    """
    short = min(region.box.width, region.box.height)
    depth = max(6, int(short * 0.9))
    prof = _strip_profile(fg, region, side, depth)
    cover = prof.mean(axis=1)
    start = 0
    # skip an outline (runs all along the bar) and a pixel or two of gap
    while start < min(depth, 4) and (cover[start] > 0.8 or cover[start] < 0.002):
        start += 1
    if start >= depth - 2:
        return [], start, 0
    probe = prof[start:start + 2].all(axis=0)
    lo = region.long_range[0]
    marks, lengths = [], []
    runs = np.flatnonzero(np.diff(np.concatenate([[0], probe.astype(np.int8), [0]])))
    for a, b in zip(runs[::2], runs[1::2]):
        if b - a > max(4, 0.4 * short):
            continue  # a long run is a label or a frame, not a tick mark
        marks.append(lo + (a + b) / 2.0)
        col = prof[start:, (a + b) // 2]
        lengths.append(int(np.argmin(col)) if not col.all() else len(col))
    if len(marks) > 0.3 * len(probe):  # noise, not marks
        return [], start, 0
    # major ticks are the longest (log bars add many short minor ones)
    return marks, start, int(max(lengths)) if lengths else 0


def axis_marks(ink: np.ndarray, plot: Box) -> dict:
    """The plot's tick marks on the side that has more of them, per axis:
    {"col_marks": x positions, "row_marks": y positions}."""
    out = {}
    for key, sides, orient in (("col_marks", ("bottom", "top"), "horizontal"),
                               ("row_marks", ("left", "right"), "vertical")):
        found = [find_tick_marks(ink, ColorbarRegion(plot, orient), s)[0] for s in sides]
        out[key] = tuple(max(found, key=len))
    return out
