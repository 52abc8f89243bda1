"""A plot panel's final box and the colorbar that goes with it.

Input: the ``Planes`` (with their ink mask), a plot box from the layout and the
layout itself. The box found from colour alone can be too small: a masked
triangle of a correlation matrix leaves outer rows or columns blank, and the
axis tick marks, one per cell centre, go on past it (``extend_to_ticks``).
"""
from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from ..core.lookup import delta_e
from ..model import Box, ColorbarRegion, Layout
from .layout import bar_profile
from .marks import find_tick_marks
from .planes import Planes

#: A plot colour is on a bar's colormap when it lies this close (delta E) to one of
#: the bar's colours (JPEG moves flat colours by 2-4).
ON_BAR_DELTA_E = 8.0
#: Bars whose colours cover at least this share of the best bar's coverage of the
#: plot's colours compete on distance; the rest are not this plot's bar.
COVER_SHARE = 0.8
#: A bar covering less than this share of the plot's colours is not its bar at all
#: (a bold title or a rule taken for a strip of colour).
MIN_COVER = 0.25


def _plot_colours(lab: np.ndarray, bg_lab: np.ndarray, plot: Box, n: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """The distinct colours among up to n x n sampled evenly over the plot,
    background-coloured ones left out, and how many samples each is (a plot's
    cells repeat a few colours many times)."""
    ys = np.linspace(plot.y0, plot.y1 - 1, min(n, plot.height)).round().astype(int)
    xs = np.linspace(plot.x0, plot.x1 - 1, min(n, plot.width)).round().astype(int)
    pts = lab[ys[:, None], xs[None, :]].reshape(-1, 3)
    pts = pts[delta_e(pts, bg_lab) >= 4.0]
    return np.unique(pts, axis=0, return_counts=True) if len(pts) else (pts, np.zeros(0, np.int64))


def _bar_colours(lab: np.ndarray, bar: ColorbarRegion) -> np.ndarray:
    """The distinct colours along a bar (to a tenth of a unit), once per picture and bar."""
    memo = _memo(lab)
    if bar not in memo:
        prof, _ = bar_profile(lab, bar.box, bar.orientation)
        memo[bar] = np.unique(np.round(prof, 1), axis=0)
    return memo[bar]


def colour_cover(lab: np.ndarray, colours: tuple[np.ndarray, np.ndarray], bar: ColorbarRegion) -> float | None:
    """Share of a plot's (non-background) colours (``_plot_colours``) that lie on
    the bar's colours; None when the plot shows no colour but the background."""
    pts, counts = colours
    if len(pts) == 0:
        return None
    prof = _bar_colours(lab, bar)
    d = np.full(len(pts), np.inf, np.float32)
    for k in range(0, len(prof), 256):  # bounded memory: points x 256 bar colours at a time
        d = np.minimum(d, delta_e(pts[:, None, :], prof[None, k:k + 256]).min(axis=1))
    return float(counts[d < ON_BAR_DELTA_E].sum() / counts.sum())


def pair_colorbar(*, planes: Planes, plot: Box, bars: tuple[ColorbarRegion, ...]) -> ColorbarRegion | None:
    """The colorbar that belongs to a plot: among the bars whose colours cover the
    plot's colours (nearly as well as the best one does), the nearest one beside
    it whose long side overlaps the plot's span (a shared bar may serve several
    plots). A bar that covers too little of them (a bold title found as a strip
    of colour) is never paired."""
    if not bars:
        return None
    memo = _memo(planes.lab)
    if (plot, bars) not in memo:  # asked again for one plot (each reading of it)
        memo[(plot, bars)] = _pair_colorbar(planes, plot, bars)
    return memo[(plot, bars)]


#: The pairings made and the bars' colours taken for the picture read last (its Lab
#: pixels): one picture's at a time, so that no other picture is held in memory.
_MEMO: dict = {"lab": None, "memo": {}}


def _memo(lab: np.ndarray) -> dict:
    if _MEMO["lab"] is not lab:
        _MEMO["lab"], _MEMO["memo"] = lab, {}
    return _MEMO["memo"]


def _pair_colorbar(planes: Planes, plot: Box, bars: tuple[ColorbarRegion, ...]) -> ColorbarRegion | None:
    colours = _plot_colours(planes.lab, planes.bg_lab, plot)  # taken once for every bar
    cover = {bar: colour_cover(planes.lab, colours, bar) for bar in bars}
    known = [c for c in cover.values() if c is not None]
    if known:
        best = max(known)
        bars = tuple(b for b in bars if cover[b] is None or (cover[b] >= COVER_SHARE * best and
                                                              cover[b] >= MIN_COVER))
    best_bar, best_d = None, None
    for bar in bars:
        b = bar.box
        if bar.orientation == "vertical":
            overlap = min(b.y1, plot.y1) - max(b.y0, plot.y0)
            gap = max(b.x0 - plot.x1, plot.x0 - b.x1, 0)
            span = plot.height
        else:
            overlap = min(b.x1, plot.x1) - max(b.x0, plot.x0)
            gap = max(b.y0 - plot.y1, plot.y0 - b.y1, 0)
            span = plot.width
        d = gap + (0 if overlap > 0.3 * min(span, b.height if bar.orientation == "vertical" else b.width)
                   else 10 * max(plot.width, plot.height))
        if best_d is None or d < best_d:
            best_bar, best_d = bar, d
    return best_bar


def _solid_share(lab: np.ndarray, bg_lab: np.ndarray, a: Box) -> float:
    """Share of a region in solid colour (cells), not thin strokes (text)."""
    far = (delta_e(lab[a.y0:a.y1, a.x0:a.x1], bg_lab) > 10.0).astype(np.uint8)
    return float(cv2.morphologyEx(far, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)).mean())


#: A strip is blank when less than this share of it is ink (a word of a title is more).
BLANK_INK = 0.005


#: An axes frame line is ink over at least this share of the span it crosses.
FRAME_COVER = 0.95
#: ... and a line: this many pixels past it, outward, under this share is ink.
FRAME_OUTSIDE_PX = 4
FRAME_PAST_INK = 0.5


def axes_frame(planes: Planes, plot: Box, layout: Layout) -> Box | None:
    """The inside of an axes frame (four ink lines) that encloses a plot found
    smaller than its axes (most of its cells at the page colour), or None. Each
    side's line is the first one outward from the plot that is ink nearly all
    along the plot's span, and then all along the frame's."""
    ink = planes.ink
    h, w = ink.shape

    def candidates(side: str) -> list[int]:
        # lines that are ink nearly all along the plot's span, from the plot's own
        # edge outward (a frame may be drawn over the outer cells' edge)
        # and short of a colorbar across that side: a frame never holds one
        if side in ("left", "right"):
            cover = ink[plot.y0:plot.y1].mean(axis=0)
            bars = [c.box for c in layout.colorbars if c.box.y0 < plot.y1 and plot.y0 < c.box.y1]
            if side == "left":
                rng = range(plot.x0, max([b.x1 - 1 for b in bars if b.x1 <= plot.x0], default=-1), -1)
            else:
                rng = range(plot.x1 - 1, min([b.x0 for b in bars if b.x0 >= plot.x1 - 1], default=w))
        else:
            cover = ink[:, plot.x0:plot.x1].mean(axis=1)
            bars = [c.box for c in layout.colorbars if c.box.x0 < plot.x1 and plot.x0 < c.box.x1]
            if side == "top":
                rng = range(plot.y0, max([b.y1 - 1 for b in bars if b.y1 <= plot.y0], default=-1), -1)
            else:
                rng = range(plot.y1 - 1, min([b.y0 for b in bars if b.y0 >= plot.y1 - 1], default=h))
        return [i for i in rng if cover[i] >= FRAME_COVER]

    def along(side: str, i: int, frame: Box) -> bool:
        # ink all along the frame, and a line: past it, outward, mostly none (a
        # column of cells through a grid of other colours is ink past it too)
        o = i + (FRAME_OUTSIDE_PX if side in ("right", "bottom") else -FRAME_OUTSIDE_PX)
        vertical = side in ("left", "right")
        if not 0 <= o < (w if vertical else h):
            return False
        lo, hi = (frame.y0, frame.y1) if vertical else (frame.x0, frame.x1)
        line = ink[lo:hi, i] if vertical else ink[i, lo:hi]
        past = (ink[lo:hi, o] if vertical else ink[o, lo:hi]).copy()
        for c in layout.colorbars:  # a colorbar may stand right past the frame's line
            b = c.box
            if (b.x0 <= o < b.x1) if vertical else (b.y0 <= o < b.y1):
                a0, a1 = (b.y0, b.y1) if vertical else (b.x0, b.x1)
                past[max(0, a0 - lo):max(0, a1 - lo)] = False
        return line.size > 0 and float(line.mean()) >= FRAME_COVER and float(past.mean()) < FRAME_PAST_INK

    sides = ("left", "right", "top", "bottom")
    cands = {s: candidates(s) for s in sides}
    own = {"left": plot.x0, "right": plot.x1 - 1, "top": plot.y0, "bottom": plot.y1 - 1}
    at = dict.fromkeys(sides, 0)
    # each line must run all along the frame, not just along the plot: a side whose
    # line does not moves out to its next one (the plot's own edge, cells, gives way
    # to the frame's line beyond; cells of another colour on the way give way too)
    while True:
        if any(at[s] >= len(cands[s]) for s in sides):
            return None
        lines = {s: cands[s][at[s]] for s in sides}
        frame = Box(lines["left"] + 1, lines["top"] + 1, lines["right"], lines["bottom"])
        if frame.width <= 0 or frame.height <= 0:
            return None
        short = [s for s in sides if not along(s, lines[s], frame)]
        if not short and frame.area <= plot.area:
            # the plot's own edges: the frame is beyond those that have a line beyond
            short = [s for s in sides if lines[s] == own[s] and at[s] + 1 < len(cands[s])]
            if not short:
                return None
        if not short:
            break
        for s in short:
            at[s] += 1
    # plots inside the frame are more of its cells (the fragments one colormap
    # leaves of a grid of categories and values); one across its line is not
    if (frame.area <= plot.area or any(frame.intersects(c.box) for c in layout.colorbars)
            or any(frame.intersects(o) and not frame.grow(2).contains(o) for o in layout.other_plots(plot))):
        return None
    return frame


def cells_like(planes: Planes, a: Box) -> bool:
    """A strip that can be cells: blank (no ink) or coloured (solid); a strip of
    text on the page (rotated tick labels reaching under the plot) is neither."""
    a = a.clip(planes.shape)
    if a.width <= 0 or a.height <= 0:
        return True
    ink = planes.ink[a.y0:a.y1, a.x0:a.x1].astype(np.uint8)
    if ink.mean() < BLANK_INK:
        return True
    # thin straight strokes (a frame line, tick marks) leave a strip blank; text does not
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if not any(min(int(s[2]), int(s[3])) >= 3 and int(s[4]) > 2 * max(int(s[2]), int(s[3])) for s in stats[1:]):
        return True
    return _solid_share(planes.lab, planes.bg_lab, a) > 0.02


def extend_to_ticks(*, planes: Planes, plot: Box, layout: Layout) -> Box:
    """A plot whose outer rows or columns are blank (a masked triangle of a
    correlation matrix) is found smaller than its axes. The axis tick marks, one per
    cell centre, go on past it: grow the box over the cells they mark, never over
    another plot or a colorbar."""
    fg = planes.ink
    others = layout.obstacles(plot)
    h, w = fg.shape
    x0, y0, x1, y1 = plot.x0, plot.y0, plot.x1, plot.y1
    for sides, orient in ((("left", "right"), "vertical"), (("bottom", "top"), "horizontal")):
        length = plot.height if orient == "vertical" else plot.width
        if orient == "vertical":
            probe = Box(plot.x0, max(0, plot.y0 - length), plot.x1, min(h, plot.y1 + length))
            lo, hi = plot.y0, plot.y1
        else:
            probe = Box(max(0, plot.x0 - length), plot.y0, min(w, plot.x1 + length), plot.y1)
            lo, hi = plot.x0, plot.x1
        best = max((find_tick_marks(fg, ColorbarRegion(probe, orient), s)[0] for s in sides), key=len)
        m = np.sort(np.asarray(best, np.float64))
        inside = m[(m > lo) & (m < hi)]
        if len(inside) < 3:
            continue
        pitch = float(np.median(np.diff(inside)))
        if pitch < 3:
            continue
        # marks continuing the inside ones at the same pitch, without a gap
        new_lo, new_hi = lo, hi
        k = inside[0]
        while True:
            prev = m[np.abs(m - (k - pitch)) <= 0.15 * pitch]
            if not len(prev) or prev[0] >= lo:
                break
            k = float(prev[0])
            new_lo = int(round(k - pitch / 2))
        k = inside[-1]
        while True:
            nxt = m[np.abs(m - (k + pitch)) <= 0.15 * pitch]
            if not len(nxt) or nxt[0] <= hi:
                break
            k = float(nxt[0])
            new_hi = int(round(k + pitch / 2))
        if orient == "vertical":
            grown = Box(x0, max(0, new_lo), x1, min(h, new_hi))
            added = [Box(x0, grown.y0, x1, y0), Box(x0, y1, x1, grown.y1)]
        else:
            grown = Box(max(0, new_lo), y0, min(w, new_hi), y1)
            added = [Box(grown.x0, y0, x0, y1), Box(x1, y0, grown.x1, y1)]

        if all(cells_like(planes, a) for a in added) and not any(grown.intersects(o) for o in others):
            x0, y0, x1, y1 = grown.x0, grown.y0, grown.x1, grown.y1
    return Box(x0, y0, x1, y1)


#: Frames found for two plots are one when their sides lie this close (pixels).
SAME_FRAME_PX = 3
#: Plots held together by a frame reach it on at least this many of its sides,
#: within this many pixels: an axes frame around its cells, not a border drawn
#: around a whole figure, margins, labels and all.
FRAME_SIDES_REACHED = 2
FRAME_REACH_PX = 4


def _fills_to_frame(frame: Box, plots: list[Box]) -> bool:
    reach = FRAME_REACH_PX
    sides = (any(p.x0 - frame.x0 <= reach for p in plots), any(frame.x1 - p.x1 <= reach for p in plots),
             any(p.y0 - frame.y0 <= reach for p in plots), any(frame.y1 - p.y1 <= reach for p in plots))
    return sum(sides) >= FRAME_SIDES_REACHED


def framed_together(*, planes: Planes, layout: Layout) -> Layout:
    """The layout with the plots one axes frame holds together (two or more: the
    cells of one colormap among cells of other colours, each block found as a
    plot) made one plot, the frame's inside, in the place of the first of them;
    any other plot inside that frame goes with them."""
    groups: list[tuple[Box, list[Box]]] = []
    for p in layout.plots:
        f = axes_frame(planes, p, layout)
        if f is None:
            continue
        for key, members in groups:
            if max(abs(key.x0 - f.x0), abs(key.y0 - f.y0), abs(key.x1 - f.x1), abs(key.y1 - f.y1)) <= SAME_FRAME_PX:
                members.append(p)
                break
        else:
            groups.append((f, [p]))
    # every block inside a frame is its cells, plots whose frame search met the
    # frame's line (drawn over their outer edge) and blocks too small to be plots: the
    # scattered dark cells of a map whose others are at the page colour reach its sides
    held = [(f, members, [b for b in layout.plots + layout.fragments if f.grow(2).contains(b)])
            for f, members in groups]
    shared = [(f, members) for f, members, cells in held if len(members) >= 2 and _fills_to_frame(f, cells)]
    if not shared:
        return layout
    # every plot inside a shared frame is more of its cells, its own frame found or not
    # (two black cells of a 'hot' map ringed by white ones, whose frame search met them)
    gone = {p for p in layout.plots if any(f.grow(2).contains(p) for f, _ in shared)}
    plots = []
    for p in layout.plots:
        frame = next((f for f, members in shared if members[0] == p), None)
        if frame is not None:
            plots.append(frame)
        elif p not in gone:
            plots.append(p)
    return replace(layout, plots=tuple(plots))
