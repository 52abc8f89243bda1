"""Axis tick labels and titles around a plot area.

Input: the figure, its foreground mask, the plot box, the grid and the layout.
Output: ``AxisText``. Labels are found as text blobs beside the plot (tick
marks removed), sorted into the tick-label band (nearest the plot, aligned) and
the axis title beyond it, assigned to the row or column whose centre they sit
on, and read with OCR after turning rotated text upright. Rows or columns with
no label drawn get "" (labels are never invented); with no labels at all the
list is empty.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import cv2
import numpy as np

from ..core.labels import (
    label_pattern,
    mend_number_text,
    mend_to_pattern,
    mend_to_shape,
    parse_number,
    steps_evenly,
    unify_case,
)
from ..model import AxisText, Box, ColorbarRegion, Grid, Layout
from .colorbar import ColorbarReading
from .marks import find_tick_marks
from .ocr import Recognition, Recognizer, more_accurate, prepare_crop, read_in_context
from .planes import Planes
from .textblobs import Blob, blob_crop, find_blobs


def _text_mask(fg: np.ndarray, layout: Layout, readings: list[ColorbarReading]) -> np.ndarray:
    text = fg.copy()
    for p in layout.plots:
        g = p.grow(2, fg.shape)
        text[g.y0:g.y1, g.x0:g.x1] = False
    for bar in layout.colorbars:
        g = bar.box.grow(3, fg.shape)
        text[g.y0:g.y1, g.x0:g.x1] = False
    for r in readings:
        for g in (r.label_region, r.mark_region):
            if g is not None:
                text[g.y0:g.y1, g.x0:g.x1] = False
    return text


#: A line of ink beside a plot along this share of its side is an axis line or a
#: frame (theme_bw's panel border), never text ...
AXIS_LINE_COVER = 0.8
#: ... at most this many pixels wide (a wider run is a strip: a colorbar) and
#: grey (its chroma at most MAX_LINE_CHROMA) ...
MAX_LINE_WIDTH = 4
MAX_LINE_CHROMA = 12.0
#: ... and strokes at most this many pixels thick and MAX_STUB_LENGTH long
#: hanging off it are its tick marks.
MAX_STUB_THICK = 3
MAX_STUB_LENGTH = 12


def _erase_axis_lines(text: np.ndarray, plot: Box, side: str, reach: int, *, bars=(),
                      lab: np.ndarray | None = None) -> None:
    """Take axis lines and frames beside one side of a plot (within ``reach``) out
    of the text mask, with the tick marks hanging off them: joined to the line,
    the labels that touch a tick came out as one tall blob with it, and were lost.
    A colorbar's edges and marks (``bars``: their boxes) are left to its reading,
    and so is a line in colour (``lab``: the picture in CIELAB; axis lines and
    frames are grey or black, the dark end of a colorbar not found as one is not)."""
    h, w = text.shape
    vertical = side in ("left", "right")
    lo, hi = (plot.y0, plot.y1) if vertical else (plot.x0, plot.x1)
    a, b = {"left": (max(0, plot.x0 - reach), plot.x0), "right": (plot.x1, min(w, plot.x1 + reach)),
            "top": (max(0, plot.y0 - reach), plot.y0), "bottom": (plot.y1, min(h, plot.y1 + reach))}[side]
    if b - a < 1 or hi - lo < 8:
        return
    strip = text[lo:hi, a:b] if vertical else text[a:b, lo:hi]
    cover = strip.mean(axis=0 if vertical else 1)
    lines = a + np.flatnonzero(cover >= AXIS_LINE_COVER)
    near_bar = [(g.x0, g.x1) if vertical else (g.y0, g.y1) for g in (bar.grow(4) for bar in bars)]
    lines = np.array([c for c in lines if not any(u <= c <= v for u, v in near_bar)], np.int64)
    if len(lines):  # lines are thin: ink on both sides of one is a strip (a colorbar), not a line
        def cov(c: int) -> float:
            return float(cover[c - a]) if a <= c < b else 0.0

        def grey(c: int) -> bool:
            if lab is None:
                return True
            px = lab[lo:hi, c] if vertical else lab[c, lo:hi]
            px = px[text[lo:hi, c]] if vertical else px[text[c, lo:hi]]
            return len(px) == 0 or float(np.median(np.hypot(px[:, 1], px[:, 2]))) <= MAX_LINE_CHROMA

        lines = np.array([c for c in lines if cov(c - MAX_LINE_WIDTH) < 0.5 and cov(c + MAX_LINE_WIDTH) < 0.5
                          and grey(int(c))], np.int64)
        if len(lines):
            runs = np.split(lines, np.flatnonzero(np.diff(lines) > 1) + 1)
            lines = np.concatenate([r for r in runs if len(r) <= MAX_LINE_WIDTH] or [np.zeros(0, np.int64)])
    if not len(lines):
        return
    pad = max(4, (hi - lo) // 20)
    for c in lines:  # with the anti-aliased line of pixels on either side
        if vertical:
            text[max(0, lo - pad):min(h, hi + pad), max(0, c - 1):c + 2] = False
        else:
            text[max(0, c - 1):c + 2, max(0, lo - pad):min(w, hi + pad)] = False
    # tick marks: thin strokes reaching the outermost line from the labels' side
    out = int(lines.min() if side in ("left", "top") else lines.max())
    s0, s1 = (out - MAX_STUB_LENGTH - 3, out - 1) if side in ("left", "top") else (out + 2, out + MAX_STUB_LENGTH + 4)
    s0, s1 = max(0, s0), min(w if vertical else h, s1)
    if s1 - s0 < 2:
        return
    sub = np.ascontiguousarray(text[lo:hi, s0:s1] if vertical else text[s0:s1, lo:hi].T).astype(np.uint8)
    n, parts, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    touch = s1 - s0 - 1 if side in ("left", "top") else 0  # the column beside the line
    for k in range(1, n):
        x, y, bw, bh, _ = stats[k]
        if bh <= MAX_STUB_THICK and bw <= MAX_STUB_LENGTH and x <= touch <= x + bw - 1:
            m = parts == k
            if vertical:
                text[lo:hi, s0:s1][m] = False
            else:
                text[s0:s1, lo:hi][m.T] = False


def _clear_ticks(text: np.ndarray, fg: np.ndarray, plot: Box, side: str) -> int:
    """Remove the plot's tick marks on one side from the text mask; returns the
    depth (pixels from the plot edge) cleared."""
    orientation = "vertical" if side in ("left", "right") else "horizontal"
    marks, start, length = find_tick_marks(fg, ColorbarRegion(plot, orientation), side)
    if not _evenly_spaced(marks):  # strokes of the labels' glyphs near the plot, not its ticks
        marks = []
    depth = start + (length if marks else 0) + 1
    h, w = text.shape
    if side == "left":
        text[plot.y0:plot.y1, max(0, plot.x0 - depth):plot.x0] = False
    elif side == "right":
        text[plot.y0:plot.y1, plot.x1:plot.x1 + depth] = False
    elif side == "bottom":
        text[plot.y1:plot.y1 + depth, plot.x0:plot.x1] = False
    else:
        text[max(0, plot.y0 - depth):plot.y0, plot.x0:plot.x1] = False
    return depth


#: Tick marks stand on one lattice: every gap between neighbours within this share
#: of a whole number of the smallest gap.
MARK_STEP_TOL = 0.15


def _evenly_spaced(marks) -> bool:
    """Whether marks stand on one lattice, gaps allowed (a label left out); two or
    fewer always do. Strokes of the labels beside a plot (the bar of a '7', a
    'B') fall anywhere."""
    if len(marks) < 3:
        return True
    d = np.diff(np.sort(np.asarray(marks, np.float64)))
    if d.min() <= 0:
        return False
    k = d / d.min()
    return bool(np.all(np.abs(k - np.round(k)) <= MARK_STEP_TOL))


#: A stroke at most this thick and MAX_STUB_LENGTH long, across the side, within
#: this many pixels of the plot, is a tick mark the mark finder missed (ggplot2's
#: theme_grey draws them a few pixels off its panel), not a label.
STRAY_MARK_THICK = 3
STRAY_MARK_REACH = 10


def _stray_mark(bl: Blob, plot: Box, side: str) -> bool:
    thick, long_ = (bl.box.height, bl.box.width) if side in ("left", "right") else (bl.box.width, bl.box.height)
    return thick <= STRAY_MARK_THICK and long_ <= MAX_STUB_LENGTH and 0 <= _distance(bl, plot, side) <= STRAY_MARK_REACH


def _distance(bl: Blob, plot: Box, side: str) -> int:
    b = bl.box
    return {"left": plot.x0 - b.x1, "right": b.x0 - plot.x1,
            "bottom": b.y0 - plot.y1, "top": plot.y0 - b.y1}[side]


def _split_band(blobs: list[Blob], plot: Box, side: str) -> tuple[list[Blob], list[Blob]]:
    """Tick labels (the aligned band nearest the plot) and what lies beyond (titles)."""
    if not blobs:
        return [], []
    # the band starts at the text beside the plot; a blot past its ends, nearer to its
    # edge's line (a title's letter stem above the plot), neither starts the band nor
    # joins it
    lo, hi = (plot.y0, plot.y1) if side in ("left", "right") else (plot.x0, plot.x1)
    past = np.array([not lo <= _anchor(b, side) <= hi for b in blobs])
    d = np.array([_distance(b, plot, side) for b in blobs])
    cs = float(np.median([b.char_size for b in blobs]))
    if not past.all():
        keep = ~past | (d >= d[~past].min() - 0.5 * cs)
        blobs, d = [b for b, k in zip(blobs, keep) if k], d[keep]
    near = d.min()
    band = [b for b, di in zip(blobs, d) if di <= near + 1.2 * cs]
    if side in ("left", "right"):
        extent = max(b.box.width for b in band)
    else:
        extent = max(b.box.height for b in band)
    beyond = [b for b, di in zip(blobs, d) if di >= near + extent + 2]
    band = [b for b, di in zip(blobs, d) if di < near + extent + 2]
    return band, beyond


def _shared_angle(band: list[Blob]) -> list[Blob]:
    """Tick labels on one axis share a rotation. Short labels ("7", "10") are too
    small to show theirs, so they take the one most longer labels have."""
    longer = [b.angle for b in band if max(b.box.width, b.box.height) >= 1.6 * b.char_size]
    if len(longer) >= 3:
        angles, counts = np.unique(longer, return_counts=True)
        angle = float(angles[np.argmax(counts)])
        if angle == 0.0 or counts.max() < 0.6 * len(longer):
            return band
    elif len(band) >= 3:
        angle = _pooled_angle(band)
        if angle is None:
            return band
    else:
        return band
    return [b if max(b.box.width, b.box.height) >= 1.6 * b.char_size else replace(b, angle=angle)
            for b in band]


def _join_words(band: list[Blob], *, lone_letters: bool = False, plot_side: str | None = None) -> list[Blob]:
    """Upright labels are single lines: words of one label ("New York") are
    separate blobs on the same line, a word space apart; join them. A lone letter
    or digit ("abl 1") joins only with ``lone_letters`` (labels under or over a
    plot): beside one, it is the axis title ("y"), unless it stands on the plot's
    side of a word (``plot_side``): then it ends the label ("glucose 1").

    Each blob (in reading order) takes in the first later blob it joins, and tries
    again as the larger blob; passes repeat until nothing joins. The test of one
    blob against all the others is vectorised: a page of body text beside a plot
    holds thousands of words."""
    out = _lone_characters_turned(sorted(band, key=lambda b: (b.box.cy, b.box.x0)))
    if plot_side == "left" and not lone_letters:
        out = _trailing_lone_characters(out)
    run = _tick_runs(out)  # labels in one row of ticks are not the words of one label
    changed = True
    while changed and len(out) > 1:
        changed = False
        boxes = np.array([[b.box.x0, b.box.y0, b.box.x1, b.box.y1] for b in out], np.float64)
        angle = np.array([b.angle for b in out], np.float64)
        alive = np.ones(len(out), bool)
        i = 0
        while i < len(out):
            if not alive[i] or out[i].angle not in (0.0, 90.0, -90.0):
                i += 1
                continue
            a = out[i]
            j = _first_joining(a, boxes, angle, alive & (run != run[i]) if run[i] >= 0 else alive, i,
                               lone_letters=lone_letters, plot_side=plot_side)
            if j is None:
                i += 1
                continue
            out[i] = _union(a, out[j])
            boxes[i] = [out[i].box.x0, out[i].box.y0, out[i].box.x1, out[i].box.y1]
            alive[j] = False
            changed = True
        out = [b for b, keep in zip(out, alive) if keep]
        run = run[alive]
    return _join_diagonal_words(out)


#: Lone characters ending labels right of a plot ('glucose 1') are taken as such
#: when at least this many lines end so (a lone axis title there is one).
MIN_TRAILING_LONE = 3


def _trailing_lone_characters(blobs: list[Blob]) -> list[Blob]:
    """Labels right of a plot whose last word is one character ('glucose 1', 'BMI 2'):
    the character stands on the far side of its word, where an axis title ('y')
    would, so the word joining leaves it alone. Where at least MIN_TRAILING_LONE
    lines end in a lone upright character a word space (ROW_WORD_SPACE) after a
    word, each joins its word."""
    if len(blobs) < 2 * MIN_TRAILING_LONE:
        return blobs
    boxes = np.array([[b.box.x0, b.box.y0, b.box.x1, b.box.y1] for b in blobs], np.float64)
    upright = np.array([b.angle == 0.0 for b in blobs])
    size = np.array([max(b.char_size, 4) for b in blobs], np.float64)
    lone = upright & (boxes[:, 2] - boxes[:, 0] < 1.2 * size)
    word = upright & ~lone
    pairs = []
    for k in np.flatnonzero(lone):
        x0, y0, _, y1 = boxes[k]
        overlap = np.minimum(y1, boxes[:, 3]) - np.maximum(y0, boxes[:, 1])
        gap = x0 - boxes[:, 2]
        ok = word & (overlap > 0.6 * np.minimum(y1 - y0, boxes[:, 3] - boxes[:, 1])) & (gap >= 0) & \
            (gap <= ROW_WORD_SPACE * size[k])
        if ok.any():
            pairs.append((int(np.flatnonzero(ok)[np.argmin(gap[ok])]), int(k)))
    if len(pairs) < MIN_TRAILING_LONE:
        return blobs
    out = list(blobs)
    gone = set()
    for w, k in pairs:
        if w not in gone and k not in gone:
            out[w] = _union(out[w], out[k])
            gone.add(k)
    return [b for i, b in enumerate(out) if i not in gone]


#: More candidate words than this beside a plot are no row of labels: not joined
#: (the pairwise test is quadratic in them).
MAX_DIAGONAL_WORDS = 1500
#: Words of one diagonal label lie on one line: their centres at most this many
#: letter heights off it, and a word space apart along it (ROW_WORD_SPACE: the
#: labels of the next columns lie on lines beside it, never on it).
DIAGONAL_LINE_OFF = 0.4


def _along_line(b: Blob, angle: float) -> tuple[float, float, float]:
    """A blob's ink along a line rising at ``angle`` degrees: (start, end) along
    it and the mean offset across it (image pixels)."""
    t = np.radians(angle)
    ys, xs = np.nonzero(b.mask)
    xs, ys = xs + b.box.x0, ys + b.box.y0
    along = xs * np.cos(t) - ys * np.sin(t)
    across = xs * np.sin(t) + ys * np.cos(t)
    return float(along.min()), float(along.max()), float(across.mean())


def _join_diagonal_words(blobs: list[Blob]) -> list[Blob]:
    """Diagonal labels of several words ('KO 24h', 'serum free', turned 45 degrees
    under a plot): where the longer blobs share a slant, words on one slanted
    line a word space apart are joined, short ones ('KO', '24h': too small to show
    their slant) too, when the line holds a slanted blob or two short ones."""
    slants = [b.angle for b in blobs if b.angle not in (0.0, 90.0, -90.0)
              and max(b.box.width, b.box.height) >= 1.6 * b.char_size]
    if len(slants) < 2:
        return blobs
    theta = float(np.median(slants))
    slanted = [b.box for b in blobs if abs(b.angle - theta) <= 10.0]
    if not slanted:  # slants that share no angle
        return blobs
    reach = 3 * max(b.char_size for b in blobs)
    lo, hi = min(b.y0 for b in slanted) - reach, max(b.y1 for b in slanted) + reach
    # the slanted words, and short upright-looking ones in their row (not the lines of
    # body text above or below them)
    cand = [k for k, b in enumerate(blobs) if abs(b.angle - theta) <= 10.0 or (
        b.angle == 0.0 and max(b.box.width, b.box.height) < 3.2 * b.char_size and b.box.y1 > lo and b.box.y0 < hi)]
    if len(cand) < 2 or len(cand) > MAX_DIAGONAL_WORDS:
        return blobs
    ext = np.array([_along_line(blobs[k], theta) for k in cand])  # (start, end, offset)
    cs = np.array([max(blobs[k].char_size, 4) for k in cand], np.float64)
    c = np.maximum(cs[:, None], cs[None, :])
    gap = np.maximum(ext[None, :, 0] - ext[:, None, 1], ext[:, None, 0] - ext[None, :, 1])
    near = (np.abs(ext[:, None, 2] - ext[None, :, 2]) <= DIAGONAL_LINE_OFF * c) & (gap >= -0.2 * c) & \
        (gap <= ROW_WORD_SPACE * c)
    np.fill_diagonal(near, False)
    group = list(range(len(cand)))  # union-find over the pairs that join

    def root(u: int) -> int:
        while group[u] != u:
            group[u] = group[group[u]]
            u = group[u]
        return u
    for u, v in zip(*np.nonzero(np.triu(near))):
        group[root(int(u))] = root(int(v))
    members: dict[int, list[int]] = {}
    for u in range(len(cand)):
        members.setdefault(root(u), []).append(u)
    taken = set(cand)
    out = [b for k, b in enumerate(blobs) if k not in taken]
    for part in members.values():
        ks = sorted((cand[u] for u in part), key=lambda k: (blobs[k].box.x0, blobs[k].box.y0))
        if len(ks) == 1:
            out.append(blobs[ks[0]])
            continue
        joined = blobs[ks[0]]
        for k in ks[1:]:
            joined = _union(joined, blobs[k])
        out.append(replace(joined, angle=theta))
    return out


#: A row of tick labels: at least this many short labels (a few characters) on one
#: line, their centres evenly spaced (within this share of the spacing).
TICK_RUN = 4
TICK_RUN_EVEN = 0.15


def _tick_runs(band: list[Blob]) -> np.ndarray:
    """The row of tick labels each blob stands in (-1: none): short upright-looking
    blobs (a few characters: turned digits read as upright) on one line, TICK_RUN
    or more in a row at an even spacing. A word space between two labels of one
    row is the space between ticks ('0 1 2 ... 19' turned a quarter under a plot),
    not one label's ('New York'); the two halves of a label split apart ('1' '7')
    end one row and start the next, and still join."""
    out = np.full(len(band), -1, np.int64)
    runs = 0
    short = [k for k, b in enumerate(band) if b.angle == 0.0
             and max(b.box.width, b.box.height) <= 2.2 * max(b.char_size, 4)]
    lines: list[list[int]] = []
    for k in sorted(short, key=lambda k: band[k].box.cy):
        if lines and abs(band[k].box.cy - band[lines[-1][-1]].box.cy) <= 0.5 * max(band[k].char_size, 4):
            lines[-1].append(k)
        else:
            lines.append([k])
    for line in lines:
        line = sorted(line, key=lambda k: band[k].box.cx)
        if len(line) < TICK_RUN:
            continue
        cx = np.array([band[k].box.cx for k in line], np.float64)
        d = np.diff(cx)
        even = np.abs(d - np.median(d)) <= TICK_RUN_EVEN * np.median(d)
        start = 0
        for e in range(len(d) + 1):  # runs of even steps
            if e == len(d) or not even[e]:
                if e - start + 1 >= TICK_RUN:
                    out[line[start:e + 1]] = runs
                    runs += 1
                start = e + 1
    return out


def _lone_characters_turned(band: list[Blob]) -> list[Blob]:
    """A lone character cannot show that it is turned (it reads as upright): one
    that stands a word space above or below a word turned by 90 degrees, in its
    column, is taken as turned too, so that it joins that word ('1' of 'sample 1')."""
    turned = [b for b in band if b.angle == 90.0 and max(b.box.width, b.box.height) >= 1.6 * b.char_size]
    if not turned:
        return band

    def beside_turned(b: Blob) -> bool:
        cs = max(b.char_size, 4)
        for t in turned:
            overlap = min(b.box.x1, t.box.x1) - max(b.box.x0, t.box.x0)
            gap = max(b.box.y0, t.box.y0) - min(b.box.y1, t.box.y1)
            if overlap > 0.6 * min(b.box.width, t.box.width) and 0 <= gap <= 0.8 * cs:
                return True
        return False

    return [replace(b, angle=90.0) if b.angle == 0.0 and max(b.box.width, b.box.height) < 1.6 * b.char_size
            and beside_turned(b) else b for b in band]


#: Words of one label are at most this many letter heights apart; beside a plot
#: (one label to a line), ROW_WORD_SPACE.
WORD_SPACE = 0.8
ROW_WORD_SPACE = 1.1


def _first_joining(a: Blob, boxes: np.ndarray, angle: np.ndarray, alive: np.ndarray, i: int, *,
                   lone_letters: bool, plot_side: str | None = None) -> int | None:
    """The first blob after ``i`` that ``a`` (blob i) joins as a word of one label;
    ``plot_side``: where the plot lies ("left", "right") of labels beside it."""
    x0, y0, x1, y1 = boxes[i + 1:].T
    ax0, ay0, ax1, ay1 = a.box.x0, a.box.y0, a.box.x1, a.box.y1
    if a.angle == 0.0:
        overlap = np.minimum(ay1, y1) - np.maximum(ay0, y0)
        gap = np.maximum(ax0, x0) - np.minimum(ax1, x1)
        thick = np.minimum(ay1 - ay0, y1 - y0)
        own, other = float(ax1 - ax0), x1 - x0
    else:  # turned text: its words follow each other up (or down) the page
        overlap = np.minimum(ax1, x1) - np.maximum(ax0, x0)
        gap = np.maximum(ay0, y0) - np.minimum(ay1, y1)
        thick = np.minimum(ax1 - ax0, x1 - x0)
        own, other = float(ay1 - ay0), y1 - y0
    # a word is two letters or more: a lone letter beside a label is an axis
    # title ("y"), a word space is narrower than a letter; but a lone letter or
    # digit on the plot's side of a word ends that label ("glucose 1")
    cs = max(a.char_size, 4)
    if lone_letters:
        words = np.ones_like(other, bool)
    else:
        words = np.minimum(own, other) >= 1.2 * cs
        if a.angle == 0.0 and plot_side in ("left", "right"):
            far = np.where(x0 >= ax0, own, other) if plot_side == "right" else np.where(x0 >= ax0, other, own)
            words |= far >= 1.2 * cs
    # beside a plot a line holds one label: a word space may be wider there (DejaVu
    # Sans, matplotlib's font, sets one 0.8 of a letter's height apart)
    space = (ROW_WORD_SPACE if plot_side in ("left", "right") and a.angle == 0.0 else WORD_SPACE) * cs
    ok = (alive[i + 1:] & (angle[i + 1:] == a.angle) & words & (overlap > 0.6 * thick)
          & (gap >= 0) & (gap <= space))
    hit = np.flatnonzero(ok)
    return int(i + 1 + hit[0]) if len(hit) else None


def _union(a: Blob, b: Blob) -> Blob:
    box = Box(min(a.box.x0, b.box.x0), min(a.box.y0, b.box.y0), max(a.box.x1, b.box.x1), max(a.box.y1, b.box.y1))
    mask = np.zeros((box.height, box.width), bool)
    for bl in (a, b):
        mask[bl.box.y0 - box.y0:bl.box.y1 - box.y0, bl.box.x0 - box.x0:bl.box.x1 - box.x0] |= bl.mask
    return replace(a, box=box, pixels=a.pixels + b.pixels, mask=mask)


def _spaced_out(band: list[Blob], edges: np.ndarray, axis: str) -> bool:
    """Whether a side's labels stand apart, each at least a cell from the next
    (a date every tenth column, wider than its cell): labels drawn touching each
    other are not, and a label wider than its cell is then one label."""
    if len(band) < 2:
        return False
    pitch = float(np.median(np.diff(edges)))
    spans = sorted((b.box.x0, b.box.x1) if axis == "x" else (b.box.y0, b.box.y1) for b in band)
    return all(c0 - a1 >= pitch for (_, a1), (c0, _) in zip(spans[:-1], spans[1:]))


def _split_merged(bl: Blob, edges: np.ndarray, axis: str) -> list[Blob]:
    """Labels drawn touching each other come out as one blob spanning several cells.
    Cut it between the cell centres it covers, at the emptiest line near each
    midpoint. Diagonal text is left whole (its labels overlap along the axis)."""
    if bl.angle not in (0.0, 90.0, -90.0):
        return [bl]
    b = bl.box
    lo, hi = (b.x0, b.x1) if axis == "x" else (b.y0, b.y1)
    centres = (edges[:-1] + edges[1:]) / 2
    pitch = float(np.median(np.diff(edges)))
    inside = centres[(centres > lo + 0.15 * pitch) & (centres < hi - 0.15 * pitch)]
    if len(inside) < 2 or (hi - lo) < 1.3 * pitch:
        return [bl]
    ink = bl.mask.sum(axis=0 if axis == "x" else 1)  # along the axis, box-local
    cuts = []
    for a, c in zip(inside[:-1], inside[1:]):
        mid = (a + c) / 2 - lo
        w = max(1, int(0.45 * pitch))
        j0, j1 = max(1, int(mid) - w), min(len(ink) - 1, int(mid) + w + 1)
        if j1 <= j0:
            continue
        win = ink[j0:j1]
        # the emptiest line, nearest the midpoint among equals
        cand = np.flatnonzero(win == win.min()) + j0
        cuts.append(int(cand[np.argmin(np.abs(cand - mid))]))
    pieces = []
    for a, c in zip([0] + cuts, cuts + [len(ink)]):
        m = bl.mask[:, a:c] if axis == "x" else bl.mask[a:c]
        ys, xs = np.nonzero(m)
        if len(xs) < 3:
            continue
        y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        ox, oy = (b.x0 + a, b.y0) if axis == "x" else (b.x0, b.y0 + a)
        pieces.append(replace(bl, box=Box(ox + x0, oy + y0, ox + x1, oy + y1), pixels=len(xs),
                              mask=m[y0:y1, x0:x1]))
    return pieces or [bl]


#: Row labels set close merge into tall blobs that read as text turned a quarter
#: (and their short neighbours take that turn); cut at the row edges, pieces this
#: many times wider than tall are lines of upright text.
UPRIGHT_PIECE = 1.15


def _upright_rows(band: list[Blob]) -> list[Blob]:
    """Row labels (cut at the row edges) share one way: when most of those taken
    for turned text are wider than tall, they are upright lines, set close."""
    turned = [b for b in band if b.angle in (90.0, -90.0)]
    if not turned or np.mean([b.box.width >= UPRIGHT_PIECE * b.box.height for b in turned]) < 0.5:
        return band
    return [replace(b, angle=0.0) if b.angle in (90.0, -90.0) and b.box.width >= b.box.height else b
            for b in band]


def _upright_yet_mostly(blobs: list[Blob], shaped) -> bool:
    """Whether labels (three or more) all read as upright are yet mostly (60%)
    ``shaped`` as turned text too short to show its turn is."""
    if len(blobs) < 3 or any(b.angle != 0.0 for b in blobs):
        return False
    return float(np.mean([shaped(b) for b in blobs])) >= 0.6


def _maybe_turned(blobs: list[Blob]) -> bool:
    """Column labels all read as upright yet mostly taller than wide: too short to
    show their direction (two or three characters turned by 90 degrees look like
    one upright character)."""
    return _upright_yet_mostly(blobs, lambda b: b.box.height > 1.2 * b.box.width)


def _maybe_slanted(blobs: list[Blob]) -> bool:
    """Column labels all read as upright yet each a few characters in a square box:
    one or two digits turned 45 degrees (ggplot's angle = 45), too small for their
    strokes to show the slant (``_pooled_angle``)."""
    return _upright_yet_mostly(blobs, lambda b: max(b.box.width, b.box.height) < 2.0 * b.char_size and
                               0.75 * b.box.width <= b.box.height <= 1.33 * b.box.width)


def _pooled_angle(band: list[Blob]) -> float | None:
    """The diagonal that short labels' strokes share (each blob's pixel spread
    about its own centre, summed), or None when they stand upright."""
    cov = np.zeros((2, 2))
    for b in band:
        ys, xs = np.nonzero(b.mask)
        if len(xs) < 3:
            continue
        x = xs - xs.mean()
        y = -(ys - ys.mean())
        cov += np.cov(np.stack([x, y])) * len(xs)
    evals, evecs = np.linalg.eigh(cov)
    vx, vy = evecs[:, -1]
    ang = float(np.degrees(np.arctan2(vy, vx)))
    ang = ang - 180 if ang > 90 else ang + 180 if ang <= -90 else ang
    if evals[-1] > 2.0 * max(evals[0], 1e-9) and 25 <= abs(ang) <= 65:
        return float(45 * np.sign(ang)) if abs(abs(ang) - 45) < 10 else float(round(ang))
    return None


def _anchor(bl: Blob, side: str) -> float:
    """Where along the axis a label points: its centre, or for diagonal text its
    end next to the plot (below it, the upper end, as matplotlib draws turned x
    labels; above it, the lower end, as R's corrplot and matplotlib's top labels
    start there)."""
    b = bl.box
    if side in ("left", "right"):
        return b.cy
    if bl.angle not in (0.0, 90.0, -90.0):
        rising = bl.angle > 0  # read bottom-left to top-right
        right_end = rising if side == "bottom" else not rising
        return b.x1 - 0.5 * bl.char_size if right_end else b.x0 + 0.5 * bl.char_size
    return b.cx


def _assign(blobs: list[Blob], centres: np.ndarray, edges: np.ndarray, side: str) -> dict[int, Blob]:
    out: dict[int, tuple[float, Blob]] = {}
    for bl in blobs:
        a = _anchor(bl, side)
        i = int(np.argmin(np.abs(centres - a)))
        size = edges[i + 1] - edges[i]
        dist = abs(centres[i] - a)
        if dist <= 0.6 * size and (i not in out or dist < out[i][0]):
            out[i] = (dist, bl)
    return {i: bl for i, (_, bl) in out.items()}


def _rotation(bl: Blob) -> int:
    return int(-bl.angle)


#: Labels under or over a plot are looked for this share of its width past its
#: ends (kept only where they point within the region searched).
LABEL_OVERHANG_SHARE = 0.25


def label_bands(*, planes: Planes, plot: Box, layout: Layout, readings: list[ColorbarReading],
                along: tuple[int, int]) -> dict[str, tuple[list[Blob], list[Blob]]]:
    """The text beside each side of a plot, the plot's tick marks cleared: per side,
    the tick-label band nearest the plot (aligned, with a shared rotation) and the
    text beyond it (titles). The regions reach ``along`` = (rows, columns) pixels
    past the plot's ends along the axis; other plots and colorbar labels are kept out."""
    fg = planes.ink
    h, w = fg.shape
    text = _text_mask(fg, layout, readings)
    reach_x = int(0.45 * w)
    reach_y = int(0.4 * h)
    ay, ax = along
    found: dict[str, tuple[list[Blob], list[Blob]]] = {}
    others = np.array([o.grow(4).as_list() for o in layout.other_plots(plot)], np.int64).reshape(-1, 4)
    for side in ("left", "right", "bottom", "top"):  # every side's lines first: they meet at the corners
        _erase_axis_lines(text, plot, side, reach_x if side in ("left", "right") else reach_y,
                          bars=[c.box for c in layout.colorbars], lab=planes.lab)
    for side in ("left", "right", "bottom", "top"):
        depth = _clear_ticks(text, fg, plot, side)
        if side == "left":
            region = Box(plot.x0 - reach_x, plot.y0 - ay, plot.x0 - depth, plot.y1 + ay)
        elif side == "right":
            region = Box(plot.x1 + depth, plot.y0 - ay, plot.x1 + reach_x, plot.y1 + ay)
        elif side == "bottom":
            region = Box(plot.x0 - ax, plot.y1 + depth, plot.x1 + ax, plot.y1 + reach_y)
        else:
            region = Box(plot.x0 - ax, plot.y0 - reach_y, plot.x1 + ax, plot.y0 - depth)
        region = region.clip(fg.shape)
        limit = _obstacle_limit(plot, side, layout)
        # text is found in a region wider along a row of labels, and kept where it
        # points into the region: the first and last labels, centred on their
        # cells and wider than them, are not cut at its ends ('024-04-01')
        if side in ("bottom", "top"):
            extra = max(ax, int(LABEL_OVERHANG_SHARE * plot.width))
            wide = Box(region.x0 - extra, region.y0, region.x1 + extra, region.y1).clip(fg.shape)
            blobs = [b for b in find_blobs(text, wide) if region.x0 <= _anchor(b, side) <= region.x1]
        else:
            blobs = find_blobs(text, region)
        # keep out of other plots' territory, and short of the next bar or plot
        blobs = [b for b in blobs if not _in_any(b.box, others)
                 and not _stray_mark(b, plot, side) and _short_of(b.box, side, limit)]
        # "New York", "abl 1"; beside the plot, "glucose 1" (the plot lies right of labels on its left)
        blobs = _join_words(blobs, lone_letters=side in ("bottom", "top"),
                            plot_side={"left": "right", "right": "left"}.get(side))
        band, beyond = _split_band(blobs, plot, side)
        found[side] = (_shared_angle(band), beyond)
    return found


def _in_any(box: Box, boxes: np.ndarray) -> bool:
    """Whether ``box`` intersects any of ``boxes`` (K, 4) x0, y0, x1, y1 (``Box.intersects``)."""
    return bool(((boxes[:, 0] < box.x1) & (box.x0 < boxes[:, 2]) &
                 (boxes[:, 1] < box.y1) & (box.y0 < boxes[:, 3])).any())


#: A colorbar or another plot beside a plot, overlapping this share of the shorter
#: of the two along the side, ends the search for the plot's labels on that side.
OBSTACLE_OVERLAP = 0.5


def _obstacle_limit(plot: Box, side: str, layout: Layout) -> float | None:
    """Where the nearest colorbar or other plot standing across ``side`` of ``plot``
    begins (its near edge), or None: a plot's labels lie between it and the next
    bar or plot, never beyond them (the row labels of the next panel past a
    colorbar)."""
    limit = None
    for o in layout.obstacles(plot):
        if side in ("left", "right"):
            overlap = min(o.y1, plot.y1) - max(o.y0, plot.y0)
            near = o.x0 if side == "right" else o.x1
            beyond = o.x0 >= plot.x1 if side == "right" else o.x1 <= plot.x0
            short = min(o.height, plot.height)
        else:
            overlap = min(o.x1, plot.x1) - max(o.x0, plot.x0)
            near = o.y0 if side == "bottom" else o.y1
            beyond = o.y0 >= plot.y1 if side == "bottom" else o.y1 <= plot.y0
            short = min(o.width, plot.width)
        if beyond and overlap >= OBSTACLE_OVERLAP * short:
            further = side in ("right", "bottom")
            limit = near if limit is None else (min(limit, near) if further else max(limit, near))
    return limit


def _short_of(box: Box, side: str, limit: float | None) -> bool:
    """Whether a blob starts before ``limit`` (see ``_obstacle_limit``) going out from the plot."""
    if limit is None:
        return True
    return {"right": box.x0 < limit, "left": box.x1 > limit, "bottom": box.y0 < limit, "top": box.y1 > limit}[side]


#: A cell is at the page colour (empty) when its inner half's median pixel is
#: within this many times the picture's foreground distance of the page.
EMPTY_CELL_SHARE = 2.0
#: Cells smaller than this (pixels) hold no label beside a diagonal.
STAIR_MIN_CELL_PX = 8
#: Labels beside a diagonal are taken when at least this many rows (columns) have one.
MIN_STAIR_LABELS = 3
#: Row (column) bands are narrowed by this many pixels, or this share of their
#: width, at each edge before their text is looked for (the border of the drawn
#: cell before, a pixel or two off the edge found).
STAIR_INSET = 2
STAIR_INSET_SHARE = 0.12


def _empty_cells(planes: Planes, grid: Grid) -> np.ndarray | None:
    """(rows, cols) bool: the cells at the page colour (their inner half sampled on
    a 5 x 5 lattice, one gather for the whole grid); None for blocks of pixels or
    cells too small to hold a label beside them (``_staircase``)."""
    rows, cols = np.asarray(grid.row_edges, np.float64), np.asarray(grid.col_edges, np.float64)
    if grid.block or min(np.diff(rows).min(), np.diff(cols).min()) < STAIR_MIN_CELL_PX:
        return None
    d = planes.distance
    share = np.linspace(0.25, 0.75, 5)
    ys = np.clip(np.round(rows[:-1, None] + np.diff(rows)[:, None] * share), 0, d.shape[0] - 1).astype(int)
    xs = np.clip(np.round(cols[:-1, None] + np.diff(cols)[:, None] * share), 0, d.shape[1] - 1).astype(int)
    inner = d[ys[:, :, None, None], xs[None, None, :, :]]  # (rows, 5, cols, 5)
    return np.median(inner.transpose(0, 2, 1, 3).reshape(grid.rows, grid.cols, -1), axis=2) <= \
        EMPTY_CELL_SHARE * planes.cell_delta_e


def _staircase(planes: Planes, grid: Grid, axis: str, empty: np.ndarray) -> dict[int, Blob]:
    """Labels set inside a triangular map beside its diagonal (R's corrplot): the
    label of a row in the empty cells left of its first drawn cell, of a column
    in those above it. Per row (column): the last piece of text there, ending
    within a cell of the first drawn one. Empty: no row (column) has empty cells
    before a drawn one, none holds such text, or the rows (columns) that do
    have no staircase of first cells (numbers printed in pale cells of a square
    map are no labels). ``empty``: the grid's cells at the page colour
    (``_empty_cells``)."""
    rows, cols = np.asarray(grid.row_edges, np.float64), np.asarray(grid.col_edges, np.float64)
    out: dict[int, Blob] = {}
    firsts: list[int] = []  # the first drawn cell of each row (column) given a label
    along_rows = axis == "rows"
    n = grid.rows if along_rows else grid.cols
    for k in range(n):
        line = empty[k] if along_rows else empty[:, k]
        first = int(np.argmin(line)) if not line.all() else -1
        if first <= 0:
            continue
        edges, across = (rows, cols) if along_rows else (cols, rows)
        inset = max(STAIR_INSET, STAIR_INSET_SHARE * (edges[k + 1] - edges[k]))
        a0, a1 = int(round(edges[k] + inset)), int(round(edges[k + 1] - inset))
        # from the first drawn cell back over the empty ones, and as far again past the
        # map's edge (a long label of an early row starts outside it)
        b1 = int(round(across[first] - inset))  # short of the drawn cell's border
        b0 = max(0, int(round(2 * across[0] - across[first])))
        if a1 - a0 < 3 or b1 - b0 < 3:
            continue
        box = Box(b0, a0, b1, a1) if along_rows else Box(a0, b0, a1, b1)
        ink = np.asarray(planes.ink[box.y0:box.y1, box.x0:box.x1], bool)
        if not ink.any():
            continue
        across_ink = np.flatnonzero(ink.any(axis=1 if along_rows else 0))
        short_side = int(across_ink[-1] - across_ink[0]) + 1
        filled = np.flatnonzero(ink.any(axis=0 if along_rows else 1))  # text along the label's length
        # the last piece of text before the cell: a gap as wide as two letters ends it
        cut = np.flatnonzero(np.diff(filled) > 1.5 * short_side)
        start = filled[cut[-1] + 1] if cut.size else filled[0]
        stop = filled[-1] + 1
        piece = ink[:, start:stop] if along_rows else ink[start:stop]
        ys, xs = np.nonzero(piece)
        off = (box.x0 + start, box.y0) if along_rows else (box.x0, box.y0 + start)
        tight = Box(off[0] + int(xs.min()), off[1] + int(ys.min()), off[0] + int(xs.max()) + 1,
                    off[1] + int(ys.max()) + 1)
        long_side = tight.width if along_rows else tight.height
        short_side = tight.height if along_rows else tight.width
        end = tight.x1 if along_rows else tight.y1  # the end next to the first drawn cell
        pitch = float(across[first + 1] - across[first]) if first + 1 < len(across) else float(
            across[first] - across[first - 1])
        if short_side < 4 or long_side < short_side or across[first] - end > pitch:
            continue  # specks, or text far from the cells
        angle = 0.0 if along_rows else (90.0 if tight.height > tight.width else 0.0)
        mask = ink[tight.y0 - box.y0:tight.y1 - box.y0, tight.x0 - box.x0:tight.x1 - box.x0]
        out[k] = Blob(tight, angle, int(mask.sum()), float(short_side), mask)
        firsts.append(first)
    # a triangle's first cells step on from row to row (column to column)
    return out if all(b > a for a, b in zip(firsts[:-1], firsts[1:])) else {}


def label_anchor(bl: Blob, side: str) -> float:
    """Where along its axis a tick label points (see ``_anchor``)."""
    return _anchor(bl, side)


def read_axes(*, planes: Planes, plot: Box, grid: Grid, layout: Layout, ocr: Recognizer | None,
              reading: ColorbarReading | None, readings: list[ColorbarReading] | None = None) -> AxisText:
    """Row and column labels, axis titles and the plot title. ``reading`` is the
    plot's colorbar; the label regions of all ``readings`` are kept out."""
    rgb = planes.rgb
    if ocr is None:
        return AxisText()
    margin = int(0.5 * max(np.diff(grid.row_edges).max(), 12))
    found = label_bands(planes=planes, plot=plot, layout=layout,
                        readings=list(readings or ([reading] if reading else [])), along=(margin, 2 * margin))
    whole_top = list(found["top"][0])  # before any cut: a title above the plot is one line
    pitch = float(np.median(np.diff(grid.col_edges)))
    if len(whole_top) == 1 and grid.cols >= 3 and whole_top[0].angle == 0.0 and whole_top[0].box.width > 1.3 * pitch:
        # one upright line over several cells and nothing else above: the panel's
        # title (small multiples label their columns below), no column labels
        found["top"] = ([], whole_top + found["top"][1])
    for side, (band, beyond) in found.items():
        if side in ("bottom", "top"):
            if not _spaced_out(band, grid.col_edges, "x"):
                band = [piece for b in band for piece in _split_merged(b, grid.col_edges, "x")]
        elif not _spaced_out(band, grid.row_edges, "y"):
            band = _upright_rows([piece for b in band for piece in _split_merged(b, grid.row_edges, "y")])
        else:
            band = _upright_rows(band)
        found[side] = (band, beyond)

    def best_side(a: str, b: str, centres, edges) -> str:
        na = len(_assign(found[a][0], centres, edges, a))
        nb = len(_assign(found[b][0], centres, edges, b))
        return a if na >= nb else b

    row_side = best_side("left", "right", grid.row_centers, grid.row_edges)
    col_side = best_side("bottom", "top", grid.col_centers, grid.col_edges)
    rows = _assign(found[row_side][0], grid.row_centers, grid.row_edges, row_side)
    cols = _assign(found[col_side][0], grid.col_centers, grid.col_edges, col_side)
    # most labels missing beside a triangular map: they may stand beside its diagonal
    few_rows, few_cols = len(rows) < grid.rows / 2, len(cols) < grid.cols / 2
    empty = _empty_cells(planes, grid) if few_rows or few_cols else None  # once for both axes
    stair = _staircase(planes, grid, "rows", empty) if few_rows and empty is not None else {}
    if len(stair) >= MIN_STAIR_LABELS:
        rows, row_side = {**rows, **stair}, "left"
    stair = _staircase(planes, grid, "cols", empty) if few_cols and empty is not None else {}
    if len(stair) >= MIN_STAIR_LABELS:
        cols, col_side = {**cols, **stair}, "top"
    # labels of two lines ('Conn Log' over 'DNSCat2'): the other line of each
    more = _axis_lines("row+", rows, found[row_side][0], grid.row_edges, vertical=True)
    more += _axis_lines("col+", cols, found[col_side][0] + found[col_side][1], grid.col_edges, vertical=False)
    taken = {id(b) for _, _, b in more}
    # a one-line title above the plot: the biggest upright blob(s) beyond the top labels
    top_beyond = found["top"][1] if col_side == "top" else whole_top + found["top"][1]
    title_blobs = [b for b in top_beyond if b.angle == 0.0 and id(b) not in taken]
    ylab = _title_blob([b for b in found[row_side][1] if id(b) not in taken], plot, vertical_axis=True)
    xlab = _title_blob([b for b in found[col_side][1] if id(b) not in taken], plot, vertical_axis=False)
    title = _title_blob(title_blobs, plot, vertical_axis=False)
    todo: list[tuple[str, object, Blob]] = [("row", i, b) for i, b in rows.items()]
    todo += [("col", i, b) for i, b in cols.items()]
    todo += [(k, None, b) for k, b in (("y", ylab), ("x", xlab), ("title", title)) if b is not None]
    todo += more
    crops = [prepare_crop(blob_crop(rgb, b, layout.background), rotate=_rotation(b),
                          text_height=_text_height(b)) for _, _, b in todo]
    by_kind = {kind: [k for k, t in enumerate(todo) if t[0] == kind] for kind in ("row", "col")}
    reads = read_in_context(ocr, crops, lambda first: _settled(todo, by_kind, first)) if crops else []
    accurate = more_accurate(ocr)
    # short column labels standing tall may be upright digits or words turned by 90
    # degrees (Vega, ggplot): when the blobs cannot tell, read them turned up
    # (matplotlib, ggplot) or down (R's pheatmap) as well; turned labels, read
    # bottom to top, may run top to bottom: read them so as well
    turn = dict(todo=todo, reads=reads, crops=crops, rgb=rgb, background=layout.background, ocr=ocr,
                accurate=accurate)
    # (numbers stepping evenly from cell to cell are read the right way already)
    cols_settled = _steps_along(by_kind["col"], todo, reads)
    if not cols_settled and _maybe_turned([todo[k][2] for k in by_kind["col"]]):
        _read_turned_if_surer(by_kind["col"], (-90, 90), **turn)
    elif not cols_settled and _maybe_slanted([todo[k][2] for k in by_kind["col"]]):
        # every label tells: read upright, a few slanted digits may each look sure ('2' for a '1')
        _read_turned_if_surer(by_kind["col"], (-45, 45), probes=len(by_kind["col"]), **turn)
    for kind in ("row", "col"):
        idx = [k for k in by_kind[kind] if todo[k][2].angle == 90.0]
        if idx and np.mean([reads[k].score for k in idx[:3]]) < SURE_READING and not _steps_along(idx, todo, reads):
            _read_turned_if_surer(idx, (90,), **turn)
    for idx in by_kind.values():
        _drop_tick_dashes(idx, reads)
        _mend_axis_labels(idx, reads, crops, accurate)
    row_labels = [""] * grid.rows if rows else []
    col_labels = [""] * grid.cols if cols else []
    titles = {"x": "", "y": "", "title": ""}
    lines: dict[tuple[str, int], list[tuple[float, str]]] = {}
    for (kind, i, b), rd in zip(todo, reads):
        if _is_mark(rd.text):
            continue
        if kind in ("row", "col", "row+", "col+"):
            lines.setdefault((kind.rstrip("+"), i), []).append((_line_order(b), rd.text.strip()))
        else:
            titles[kind] = rd.text
    for (kind, i), parts in lines.items():  # the lines of a label, top to bottom
        text = " ".join(t for _, t in sorted(parts))
        if kind == "row":
            row_labels[i] = text
        else:
            col_labels[i] = text
    def at(assigned: dict[int, Blob], n: int, side: str) -> tuple[float, ...]:
        return tuple(float(_anchor(assigned[i], side)) if i in assigned else float("nan") for i in range(n)) \
            if assigned else ()

    def height(assigned: dict[int, Blob]) -> float:
        hs = [h for b in assigned.values() if (h := _text_height(b) if b.angle == 0.0 else float(b.box.width))]
        return float(np.median(hs)) if hs else 0.0

    return AxisText(tuple(row_labels), tuple(col_labels), titles["x"], titles["y"], titles["title"],
                    reading.title if reading else "", at(rows, grid.rows, row_side), at(cols, grid.cols, col_side),
                    height(rows), height(cols))


#: Turned labels are read the other way (top to bottom) when the recogniser is
#: surer of that reading, by this much on average, on the first few; a reading
#: it is this sure of is not tried the other way.
TURN_MARGIN = 0.05
SURE_READING = 0.9


def _read_turned_if_surer(idx: list[int], ways: tuple[int, ...], *, todo: list, reads: list, crops: list,
                          rgb: np.ndarray, background, ocr: Recognizer, accurate: Recognizer | None,
                          probes: int = 3) -> None:
    """Labels ``idx`` read turned each of ``ways`` (degrees) in turn: the first
    ``probes`` tell, all by one model (the confidences of two models do not compare), the
    next way tried only while the best is not sure. When the best way is surer
    than the reading as it stands by TURN_MARGIN, every label is read that way
    ('9S' read for R's top-to-bottom 'S6'). ``reads`` and ``crops`` are updated
    in place."""
    def turned(ks, way):
        return [prepare_crop(blob_crop(rgb, todo[k][2], background), rotate=way) for k in ks]

    def mean(rs) -> float:
        return float(np.mean([t.score for t in rs]))

    probe, rec = idx[:probes], accurate or ocr
    as_read = accurate.recognize([crops[k] for k in probe]) if accurate else [reads[k] for k in probe]
    best_way, best = None, None
    for way in ways:
        got = rec.recognize(turned(probe, way))
        if best is None or mean(got) > mean(best):
            best_way, best = way, got
        if mean(best) >= SURE_READING:
            break
    if mean(best) <= mean(as_read) + TURN_MARGIN:
        return
    rest = turned(idx[len(probe):], best_way)
    for k, crop, t in zip(idx, turned(probe, best_way) + rest, list(best) + list(ocr.recognize(rest) if rest else [])):
        reads[k], crops[k] = t, crop


def _more_lines(label: Blob, pool: list[Blob], lo: float, hi: float, *, vertical: bool) -> list[Blob]:
    """The other lines of a label printed on two (or more) lines: blobs of the same
    rotation stacked right beside it across its lines (over or under upright text,
    left or right of turned text), less than a line apart, overlapping it, with
    their centre within the label's own row (``vertical``) or column [lo, hi)."""
    if label.angle not in (0.0, 90.0, -90.0):
        return []
    upright = label.angle == 0.0
    out, edge = [], label
    for _ in range(3):
        nxt = None
        for b in pool:
            if b is label or b in out or b.angle != label.angle:
                continue
            if upright:
                gap = max(b.box.y0 - edge.box.y1, edge.box.y0 - b.box.y1)
                overlap = min(b.box.x1, edge.box.x1) - max(b.box.x0, edge.box.x0)
                thick, wide = min(b.box.height, edge.box.height), min(b.box.width, edge.box.width)
            else:
                gap = max(b.box.x0 - edge.box.x1, edge.box.x0 - b.box.x1)
                overlap = min(b.box.y1, edge.box.y1) - max(b.box.y0, edge.box.y0)
                thick, wide = min(b.box.width, edge.box.width), min(b.box.height, edge.box.height)
            along = b.box.cy if vertical else b.box.cx
            if 0 <= gap <= 0.8 * thick and overlap > 0.3 * wide and lo <= along < hi:
                nxt = b
                break
        if nxt is None:
            break
        out.append(nxt)
        edge = nxt
    return out


def _axis_lines(kind: str, labels: dict[int, Blob], pool: list[Blob], edges, *, vertical: bool) -> list:
    """The further lines of an axis's labels, when at least half of them have one
    (labels of one axis are printed alike; a lone second line under one label is
    an axis title or a stray word)."""
    found = {i: _more_lines(bl, pool, edges[i], edges[i + 1], vertical=vertical) for i, bl in labels.items()}
    if sum(bool(v) for v in found.values()) < max(1, 0.5 * len(labels)):
        return []
    return [(kind, i, b) for i, bs in found.items() for b in bs]


def _line_order(b: Blob) -> float:
    """Where a line of a multi-line label comes in reading order: top to bottom for
    upright text, left to right for text reading upward, right to left downward."""
    if b.angle == 90.0:
        return b.box.cx
    if b.angle == -90.0:
        return -b.box.cx
    return b.box.cy


def _steps_along(ks: list[int], todo: list, reads: list) -> bool:
    """Whether the labels ``ks`` of one axis read as numbers stepping evenly from cell to cell."""
    return steps_evenly([parse_number(reads[k].text) for k in ks], [todo[k][1] for k in ks])


def _settled(todo: list, by_kind: dict[str, list[int]], reads: list) -> list[bool | None]:
    """Readings their axis confirms (True): the row (or column) labels when they
    are numbers stepping evenly from cell to cell (``_steps_along``). None for the rest."""
    out: list[bool | None] = [None] * len(todo)
    for ks in by_kind.values():
        if _steps_along(ks, todo, reads):
            for k in ks:
                out[k] = True
    return out


#: Dashes a recogniser reads for a short tick mark beside a label.
_DASHES = "-\u2212\u2013\u2014_"
#: A dash at the same end of at least this share of an axis's labels (at least
#: three) is its tick marks, read with them.
TICK_DASH_SHARE = 0.8


def _drop_tick_dashes(idx: list[int], reads: list) -> None:
    """Tick marks read as part of their labels ('EGFR-', '1e-5-': ggplot's short
    grey ticks, a gap too narrow to clear them from the text): a dash that ends
    (begins) nearly every label of an axis is dropped from each. A leading dash
    stays where the labels left are numbers: a minus sign. Changes ``reads``."""
    texts = [reads[k].text.strip() for k in idx]
    for at_end in (True, False):
        named = [t for t in texts if t]
        if len(named) < 3:
            return

        def has(t: str) -> bool:
            return len(t) > 1 and (t[-1] if at_end else t[0]) in _DASHES

        if sum(has(t) for t in named) < TICK_DASH_SHARE * len(named):
            continue
        cut = [(t[:-1] if at_end else t[1:]).strip() if has(t) else t for t in texts]
        plain = sum(re.fullmatch(r"[\d.,]+(e[+-]?\d+)?%?", t, re.IGNORECASE) is not None for t in cut if t)
        if not at_end and plain >= TICK_DASH_SHARE * len(named):
            continue  # negative numbers
        for k, t in zip(idx, cut):
            if t != reads[k].text.strip():
                reads[k] = Recognition(t, reads[k].score)
        texts = cut


def _mend_axis_labels(idx: list[int], reads: list, crops: list, accurate: Recognizer | None) -> None:
    """Tick labels of one axis agree in kind: all numbers, or one shape with digits
    ('r0', 'r1', ... or 'L1', 'L2', ...) when at least 3 labels and 60% of them do
    (two of three).
    A label that does not fit was misread: it is read again by the ``accurate``
    model (when there is one), then digits read as look-alike letters are mended
    ('10ok' -> '100k', 'ro' -> 'r0'). Changes ``reads`` in place; an axis of words
    is left alone."""
    texts = [reads[k].text for k in idx]
    enough = max(2 if len(idx) == 3 else 3, 0.6 * len(idx))  # of three labels, two tell the third
    if sum(mend_number_text(t) is not None for t in texts) >= enough:
        fit = mend_number_text
    else:
        # one shape, its number of any length ('L7', 'L12'); with several numbers
        # ('1-2', '10-20'), one exact shape
        common = Counter(label_pattern(t, any_digits=True) for t in texts if t.strip()).most_common(1)
        if not common or common[0][1] < enough or "D" not in common[0][0]:
            return
        shape = common[0][0]
        if shape.count("D") > 1:
            shape, n = Counter(label_pattern(t) for t in texts if t.strip()).most_common(1)[0]
            if n < enough:
                return

        def fit(t: str) -> str | None:
            return mend_to_shape(t, shape) if "D" in shape else mend_to_pattern(t, shape)
    odd = [k for k in idx if fit(reads[k].text) is None]
    if odd and accurate is not None:
        for k, rd in zip(odd, accurate.recognize([crops[k] for k in odd])):
            if fit(rd.text) is not None:
                reads[k] = rd
    for k in idx:
        fixed = fit(reads[k].text)
        if fixed is not None and fixed != reads[k].text.strip():
            reads[k] = Recognition(fixed, reads[k].score)
    for k, t in zip(idx, unify_case([reads[k].text.strip() for k in idx])):  # 's1', 'S3': one case
        if t != reads[k].text.strip():
            reads[k] = Recognition(t, reads[k].score)


def _is_mark(text: str) -> bool:
    """A read that is only dashes, dots or bars: a tick mark or a stroke, not a label."""
    t = text.strip()
    return not t or all(ch in "-–—_.,·'`|~" for ch in t)


def _text_height(b: Blob) -> float | None:
    """Height of a blob's letters before turning: its box for upright text, the
    letter size for diagonal text, unknown (the turned crop's height) for vertical."""
    if b.angle == 0.0:
        return float(b.box.height)
    if b.angle in (90.0, -90.0):
        return None
    return float(b.char_size)


def _title_blob(blobs: list[Blob], plot: Box, *, vertical_axis: bool) -> Blob | None:
    """The axis title: the largest blob beyond the tick labels, centred on the plot."""
    cands = []
    for b in blobs:
        c = b.box.cy if vertical_axis else b.box.cx
        lo, hi = (plot.y0, plot.y1) if vertical_axis else (plot.x0, plot.x1)
        if lo - 0.1 * (hi - lo) <= c <= hi + 0.1 * (hi - lo):
            cands.append(b)
    if not cands:
        return None
    return max(cands, key=lambda b: b.pixels)
