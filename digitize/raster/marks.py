"""Tick marks: the short strokes standing out from one side of a box (a colorbar,
or a plot's axes), found on the ink mask; marks drawn inward, over a plot's
cells, on its Lab picture. Pure numpy."""
from __future__ import annotations

import numpy as np

from ..core.lookup import delta_e
from ..model import Box, ColorbarRegion


def _strip_profile(text: np.ndarray, region: ColorbarRegion, side: str, depth: int) -> np.ndarray:
    """(depth, long) bool: foreground at distance d from the bar's edge on ``side``
    (none where the box runs off the picture)."""
    b = region.box
    h, w = text.shape
    out = np.zeros((depth, region.long_range[1] - region.long_range[0]), bool)
    y0, y1, x0, x1 = max(0, b.y0), min(h, b.y1), max(0, b.x0), min(w, b.x1)
    if side == "right":
        got, at = text[y0:y1, b.x1:min(w, b.x1 + depth)].T, y0 - b.y0
    elif side == "left":
        got, at = text[y0:y1, max(0, b.x0 - depth):max(0, b.x0)][:, ::-1].T, y0 - b.y0
    elif side == "bottom":
        got, at = text[b.y1:min(h, b.y1 + depth), x0:x1], x0 - b.x0
    else:
        got, at = text[max(0, b.y0 - depth):max(0, b.y0), x0:x1][::-1], x0 - b.x0
    out[:got.shape[0], at:at + got.shape[1]] = got
    return out


#: A tick mark is a thin stroke standing out from the box: at least this many times
#: as long as it is thick (matplotlib: 3.5 x 0.8 pt; the stem of a '1' beside a
#: bar is thicker along the bar than it is long across it).
MARK_ASPECT = 1.8


def _mark_length(prof: np.ndarray, a: int, b: int, outline: np.ndarray) -> int:
    """How far a stroke of the probe run [a, b) goes out from the box: while the
    ink around its centre stays about as thick as at its root. A label glued to the
    mark ('3-' in plotly) is thicker there, and ends the mark; an ``outline`` line
    (a frame the mark crosses) does not."""
    thick = b - a
    c = (a + b) // 2
    n = prof.shape[1]
    for d in range(prof.shape[0]):
        line = prof[d]
        if not line[c]:
            return d
        if outline[d]:
            continue
        lo, hi = c, c
        while lo > 0 and line[lo - 1]:
            lo -= 1
        while hi < n - 1 and line[hi + 1]:
            hi += 1
        if hi - lo + 1 > thick + 2:
            return d
    return prof.shape[0]


def find_tick_marks(fg: np.ndarray, region: ColorbarRegion, side: str) -> tuple[list[float], int, int]:
    """Tick marks on one side of a box (a colorbar's strip, or a plot).

    Returns (positions along the long axis in pixel coordinates, offset of the
    first line of the marks from the box, tick length in pixels). A mark is a thin
    stroke at least MARK_ASPECT times as long as it is thick; the marks of one
    side share their thickness. They may start at the box, past a gap or an
    outline, or cross an outline: each of the first few lines is tried as their
    root, and the one with most marks wins.
    """
    short = min(region.box.width, region.box.height)
    depth = max(6, int(short * 0.9))
    prof = _strip_profile(fg, region, side, depth)
    cover = prof.mean(axis=1)
    outline = cover > 0.5
    best: tuple[int, list] | None = None
    # roots: the first lines by the box, or the line past an outline that starts there
    roots = set(range(0, min(depth - 2, 4))) | {_past_outline(cover, depth)}
    for start in sorted(r for r in roots if r < depth - 2):
        cands = _marks_at(prof, start, outline, short)
        if best is None or len(cands) > len(best[1]):
            best = (start, cands)
    start, cands = best if best is not None else (0, [])
    lo = region.long_range[0]
    marks = [lo + c[0] for c in cands]
    if len(marks) < 2 or len(marks) > 0.3 * prof.shape[1]:  # a stray stroke, or noise: not marks
        return [], _past_outline(cover, depth), 0
    if len(marks) >= 3 and float(np.median(np.diff(marks))) < 4:
        return [], _past_outline(cover, depth), 0  # strokes packed this tight are text or hatching
    # major ticks are the longest (log bars add many short minor ones)
    return marks, start, int(max(c[2] for c in cands))


def _marks_at(prof: np.ndarray, start: int, outline: np.ndarray, short: int) -> list[tuple[float, int, int]]:
    """Thin strokes rooted at line ``start`` of the profile: (centre, thickness, length)."""
    if outline[start]:
        return []
    probe = prof[start:start + 2].all(axis=0)
    cands = []
    runs = np.flatnonzero(np.diff(np.concatenate([[0], probe.astype(np.int8), [0]])))
    for a, b in zip(runs[::2], runs[1::2]):
        if b - a > max(4, 0.4 * short):
            continue  # a long run is a label or a frame, not a tick mark
        length = _mark_length(prof[start:], int(a), int(b), outline[start:])
        if length < max(2, MARK_ASPECT * (b - a)):
            continue  # thicker than long: a letter's stem, not a mark
        if not _isolated(prof[start:start + length], int(a), int(b), outline[start:start + length]):
            continue  # ink beside it at the same depth: a stroke of a label ('1' under a bar), not a mark
        cands.append(((a + b) / 2.0, int(b - a), length))
    if cands:
        thick = float(np.median([c[1] for c in cands]))
        cands = [c for c in cands if c[1] <= 2 * thick + 1]
    return cands


def _isolated(rows: np.ndarray, a: int, b: int, outline: np.ndarray) -> bool:
    """No ink within a few pixels on either side of the stroke [a, b) over the outer
    third of its depth (outline lines aside): a tick mark stands alone, a letter's
    stem has its neighbours."""
    w = max(3, b - a + 2)
    # the outer third: shorter minor ticks beside a major one (log bars) end before it
    keep = ~outline
    keep[:int(0.65 * len(rows))] = False
    rows = rows[keep]
    left = rows[:, max(0, a - w):max(0, a - 1)]
    right = rows[:, b + 1:b + 1 + w]
    return not (left.any() or right.any())


def _past_outline(cover: np.ndarray, depth: int) -> int:
    """The first line past a pixel or two of gap and an outline (where labels may
    begin when there are no marks)."""
    start = 0
    while start < min(depth, 3) and cover[start] < 0.002:
        start += 1
    n = 0
    while start < depth and n < 4 and cover[start] > 0.5:
        start += 1
        n += 1
    return start


def axis_marks(ink: np.ndarray, plot: Box) -> dict:
    """The plot's tick marks on the side that has more of them, per axis:
    {"col_marks": x positions, "row_marks": y positions}."""
    out = {}
    for key, sides, orient in (("col_marks", ("bottom", "top"), "horizontal"),
                               ("row_marks", ("left", "right"), "vertical")):
        found = [find_tick_marks(ink, ColorbarRegion(plot, orient), s)[0] for s in sides]
        out[key] = tuple(max(found, key=len))
    return out


#: Tick marks drawn inward (Octave's, MATLAB's and gnuplot's default) stand over
#: the outer cells: a short stroke from the plot's edge, a colour unlike the cell
#: it crosses (INWARD_DELTA_E), reaching INWARD_MIN_PX or more past the frame
#: line and ending within INWARD_DEPTH_PX, thin along the edge.
INWARD_DELTA_E = 25.0
INWARD_MIN_PX = 3
INWARD_DEPTH_PX = 16
INWARD_MAX_THICK = 4
INWARD_MIN_PITCH = 6


def find_inward_marks(lab: np.ndarray, plot: Box, side: str) -> list[float]:
    """Positions (pixels, along the side) of tick marks drawn inward from one side
    of a plot, over its cells: columns of pixels (rows, on the left and right)
    that differ from the cell behind them from the edge out to a few pixels more
    than the frame line does along the rest of the side, and then end. A line
    across the whole cell (a grid line, a cell border) does not end, and is none."""
    depth = min(INWARD_DEPTH_PX + 4, (plot.height if side in ("bottom", "top") else plot.width) // 3)
    if depth < INWARD_MIN_PX + 4:
        return []
    if side == "bottom":
        band = lab[plot.y1 - depth:plot.y1, plot.x0:plot.x1][::-1]
    elif side == "top":
        band = lab[plot.y0:plot.y0 + depth, plot.x0:plot.x1]
    elif side == "left":
        band = np.transpose(lab[plot.y0:plot.y1, plot.x0:plot.x0 + depth], (1, 0, 2))
    else:
        band = np.transpose(lab[plot.y0:plot.y1, plot.x1 - depth:plot.x1], (1, 0, 2))[::-1]
    off = delta_e(band, band[-1][None]) > INWARD_DELTA_E  # (depth, along): unlike the cell behind, past any mark
    run = np.argmin(np.vstack([off, np.zeros((1, off.shape[1]), bool)]), axis=0)  # rows off from the edge on
    base = int(np.median(run))  # the frame line's width (0 where there is none)
    mark = (run >= base + INWARD_MIN_PX) & (run <= depth - 4)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mark.astype(np.int8), [0]])))
    start = plot.x0 if side in ("bottom", "top") else plot.y0
    out = [start + (a + b - 1) / 2.0 for a, b in zip(edges[::2], edges[1::2]) if b - a <= INWARD_MAX_THICK]
    if len(out) >= 3 and float(np.median(np.diff(out))) < INWARD_MIN_PITCH:
        return []  # strokes packed this tight are texture or text, not marks
    return out
