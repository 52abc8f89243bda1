"""Ruled heatmaps: cells drawn with dark borders, many of them page-coloured.

Input: a picture's CIELAB plane, each pixel's distance from the page colour, and
that colour. Output: the ruled grids that hold coloured cells (``Ruling``: the
cells, edges at the rules' centres, and how many of their lines were seen drawn).

Biology figures (R's ``pheatmap`` with borders, Illustrator-drawn maps) draw
each cell with a black or grey border and leave cells at the middle of a
diverging scale white. The layout's blocks of colour then break into scattered
cells. What holds such a map together is its ruling: at least three horizontal
and three vertical lines, evenly spaced, each across the whole grid. A table is
ruled too, but its columns are of uneven widths and its cells are not coloured.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..core.lookup import delta_e
from ..model import Grid, Ruling, frozen_array

#: A line pixel differs from a pixel RULE_REACH - 1 or RULE_REACH away on each
#: side of it across the line by at least RULE_DELTA_E, and is darker (or lighter)
#: than both by RULE_LIGHTNESS (L*): lines up to 2 * RULE_REACH - 1 thick.
RULE_REACH = 3
RULE_DELTA_E = 15.0
RULE_LIGHTNESS = 5.0
#: A rule runs at least this many pixels (glyph strokes are shorter) ...
RULE_MIN_LENGTH = 20
#: ... and a line of the grid covers this share of the grid's width (height; dark
#: cells beside a line hide it in places).
RULE_COVER = 0.6
#: Lines of a heatmap's ruling are evenly spaced: each spacing within this share
#: of the pitch (or twice it, where a line was lost).
RULE_SPACING_SPREAD = 0.1
#: At least this many lines each way (two cells), of which at most MAX_LOST
#: (a share of the cells) lost.
MIN_RULES = 3
MAX_LOST = 0.34
#: Cells whose median colour is this far from the page are coloured; a heatmap's
#: ruling holds at least MIN_COLOURED of them, in at least two colours this far apart.
CELL_DELTA_E = 8.0
MIN_COLOURED = 2
COLOURS_APART_DELTA_E = 15.0
#: The inside of a cell is flat: FLAT_PIXELS of its inner half within this of its
#: median (the rest: a printed number, JPEG noise; a rule through the middle of a
#: cell leaves half of it another colour), in this share of the cells at least.
FLAT_CELL_DELTA_E = 12.0
FLAT_PIXELS = 0.65
FLAT_SHARE = 0.8


def _lightness(lab: np.ndarray) -> np.ndarray:
    """(H, W) uint8: L* scaled to 0..255."""
    return np.clip(lab[..., 0] * 2.55, 0, 255).astype(np.uint8)


def _ridges(lab: np.ndarray, L: np.ndarray, ink: np.ndarray, axis: int) -> np.ndarray:
    """Ink pixels of a line across ``axis`` (0: a horizontal line; 1: a vertical
    one): darker (or lighter) than a pixel on each side of it, RULE_REACH - 1 or
    RULE_REACH away, by RULE_LIGHTNESS, and RULE_DELTA_E from it (the nearer one
    counts where the page beside an outer rule is only a few pixels wide). The
    blend between two cells is no line: it lies between their colours. Only the
    ink pixels are measured (a page is mostly paper). ``L``: ``_lightness(lab)``."""
    out = np.zeros(lab.shape[:2], bool)
    d = RULE_REACH
    n = lab.shape[axis]
    if n <= 2 * d:
        return out
    # lightness first, over the whole picture with cv2 (cheap): darker or lighter
    # than a pixel RULE_REACH - 1 or RULE_REACH away on both sides
    def reach(offsets, op):  # max (dilate) or min (erode) of L at the offsets along ``axis``
        k = np.zeros((2 * d + 1, 1) if axis == 0 else (1, 2 * d + 1), np.uint8)
        for o in offsets:
            k[(d + o, 0) if axis == 0 else (0, d + o)] = 1
        return op(L, k, borderType=cv2.BORDER_REPLICATE)
    before, after = (-d, -d + 1), (d - 1, d)
    step = float(round(RULE_LIGHTNESS * 2.55))
    # in uint8, saturating: a bound pushed past 0 (255) is one no pixel passes, as unsaturated
    cand = L < cv2.subtract(cv2.min(reach(before, cv2.dilate), reach(after, cv2.dilate)), step)
    cand |= L > cv2.add(cv2.max(reach(before, cv2.erode), reach(after, cv2.erode)), step)
    cand &= ink
    if axis == 0:
        cand[:d], cand[n - d:] = False, False
    else:
        cand[:, :d], cand[:, n - d:] = False, False
    at = np.flatnonzero(cand)  # flat indices: one gather per neighbour, not a 2-D fancy index
    flat = lab.reshape(-1, 3)
    along = lab.shape[1] if axis == 0 else 1
    mid = np.take(flat, at, axis=0)
    # one side first, the other only where the first passed (a line is a ridge on both)
    dark, light = _beside(flat, mid, at, -along)
    both = np.flatnonzero(dark | light)
    dark2, light2 = _beside(flat, mid[both], at[both], along)
    hit = (dark[both] & dark2) | (light[both] & light2)
    out.reshape(-1)[at[both][hit]] = True
    return out


def _beside(flat: np.ndarray, mid: np.ndarray, at: np.ndarray, step_px: int) -> tuple[np.ndarray, np.ndarray]:
    """Whether each pixel (Lab ``mid``, flat index ``at`` into ``flat``) is darker
    (lighter) by RULE_LIGHTNESS, and RULE_DELTA_E apart, than the pixel
    RULE_REACH - 1 or RULE_REACH flat steps of ``step_px`` from it: the lightness
    first, the colour only where the lightness differs enough."""
    dark = np.zeros(len(mid), bool)
    light = np.zeros(len(mid), bool)
    values = flat.reshape(-1)  # L*, a*, b* of each pixel in turn (a view)
    for r in (RULE_REACH - 1, RULE_REACH):
        idx = at + r * step_px
        step = mid[:, 0] - np.take(values, 3 * idx)
        big = np.flatnonzero(np.abs(step) > RULE_LIGHTNESS)
        apart = np.zeros(len(mid), bool)
        apart[big] = delta_e(mid[big], np.take(flat, idx[big], axis=0)) > RULE_DELTA_E
        dark |= apart & (step < -RULE_LIGHTNESS)
        light |= apart & (step > RULE_LIGHTNESS)
    return dark, light


def _line_positions(cover: np.ndarray, need: float) -> list[float]:
    """Centres of the runs of lines (rows or columns) whose coverage is at least ``need``."""
    hot = np.concatenate([[0], (cover >= need).astype(np.int8), [0]])
    runs = np.flatnonzero(np.diff(hot))
    return [(a + z - 1) / 2.0 for a, z in zip(runs[::2], runs[1::2])]


def _even_run(pos: list[float]) -> tuple[list[float], float]:
    """The longest run of evenly spaced lines among ``pos`` and its pitch (a
    header's boxes beside a grid are spaced otherwise), a line lost where dark
    cells meet it (a step of twice the pitch) bridged; ([], 0) when no run has
    MIN_RULES lines. Each step seen is tried as the pitch, from each line; among
    runs as long, the one whose lines keep closest to the pitch."""
    best, key, best_pitch = [], None, 0.0
    pitches = sorted({round(b - a, 1) for a, b in zip(pos[:-1], pos[1:]) if b - a >= 4})
    for pitch in pitches:
        tol = RULE_SPACING_SPREAD * pitch
        for i in range(len(pos) - 1):
            run, lost, off = [pos[i]], 0, 0.0
            while True:
                fits = [(m, abs(p - run[-1] - m * pitch), p) for p in pos if p > run[-1] for m in (1, 2)
                        if abs(p - run[-1] - m * pitch) <= tol]
                if not fits:
                    break
                # the next line at the pitch, else one lost between; a line off the
                # pitch (a header box's edge) is passed over
                m, dev, p = min(fits)
                run.append(p)
                lost += m - 1
                off += dev
            cells = round((run[-1] - run[0]) / pitch)
            # lost lines are few (else the pitch is half the real one: a frame and a
            # line through the middle of each cell)
            if cells < MIN_RULES - 1 or lost > MAX_LOST * cells:
                continue
            k = (cells, -off / cells)
            if key is None or k > key:
                best, key, best_pitch = run, k, pitch
    return best, best_pitch


def _coloured_cells(lab: np.ndarray, bg_lab: np.ndarray, ys, xs) -> bool:
    """Whether the rules draw the cells of a heatmap: nearly every cell one flat
    colour inside (rules at cell centres, an axes grid over an image, cut cells
    in two), MIN_COLOURED of them off the page colour, in two colours at least
    COLOURS_APART_DELTA_E apart."""
    colours, flat, n = [], 0, 0
    for y0, y1 in zip(ys[:-1], ys[1:]):
        for x0, x1 in zip(xs[:-1], xs[1:]):
            core = _cell_core(lab, y0, y1, x0, x1).reshape(-1, 3)
            if core.size == 0:
                continue
            c = np.median(core, axis=0)
            n += 1
            flat += float((delta_e(core, c) <= FLAT_CELL_DELTA_E).mean()) >= FLAT_PIXELS
            if float(delta_e(c, bg_lab)) > CELL_DELTA_E:
                colours.append(c)
    if len(colours) < MIN_COLOURED or flat < FLAT_SHARE * n:
        return False
    cs = np.array(colours, np.float32)
    return bool((delta_e(cs[:, None, :], cs[None, :, :]) > COLOURS_APART_DELTA_E).any())


def _fill_lost(pos: list[float], pitch: float) -> np.ndarray:
    """The rules with the ones lost where dark cells met them put back (a step of
    twice the pitch)."""
    out = [pos[0]]
    for p in pos[1:]:
        if p - out[-1] > 1.5 * pitch:
            out.append((out[-1] + p) / 2.0)
        out.append(p)
    return np.asarray(out, np.float64)


#: The rules across a grid run on past its last rule for nearly a whole cell, at
#: this share of their places at least: a last line of cells whose closing rule is
#: cut off by the picture's edge (or lost).
RUN_ON_SHARE = 0.8
RUN_ON_CELL = 0.9


def _run_on(lines: np.ndarray, across: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``lines`` (positions along axis 0 of ``mask``, the rules across them at
    ``across`` along axis 1) with a line of cells added at either end where the
    rules across run on for RUN_ON_CELL of a cell."""
    pitch = float(np.diff(lines).mean())
    reach = int(RUN_ON_CELL * pitch)
    out = list(lines)
    for end, sign in ((lines[-1], 1), (lines[0], -1)):
        a, b = (int(end) + 2, int(end) + 2 + reach) if sign > 0 else (int(end) - 1 - reach, int(end) - 1)
        if a < 0 or b > mask.shape[0]:
            continue
        run = [mask[a:b, max(0, int(c) - 1):int(c) + 2].any(axis=1).mean() >= RUN_ON_SHARE for c in across]
        if np.mean(run) >= RUN_ON_SHARE:
            out = out + [end + pitch] if sign > 0 else [end - pitch] + out
    return np.asarray(out, np.float64)


#: A cell holds text when this share of its inner half is ink.
TEXT_INK_SHARE = 0.02


def _cell_core(a: np.ndarray, y0: float, y1: float, x0: float, x1: float) -> np.ndarray:
    """The inner half of a cell of ``a`` (rules and their blur left out)."""
    my, mx = max(1, int((y1 - y0) / 4)), max(1, int((x1 - x0) / 4))
    return a[int(y0) + my:int(y1) - my + 1, int(x0) + mx:int(x1) - mx + 1]


def _cut_headers(lab, distance, bg_lab, rows: np.ndarray, cols: np.ndarray):
    """The ruling without its header cells: an outer row (column) of page-coloured
    cells, some of them with text in them ('GG', 'AA': the names of the rows
    and columns set in the grid's own first row and column)."""
    def header(ys, xs) -> bool:
        cores = [(_cell_core(lab, y0, y1, x0, x1), _cell_core(distance, y0, y1, x0, x1))
                 for y0, y1 in zip(ys[:-1], ys[1:]) for x0, x1 in zip(xs[:-1], xs[1:])]
        cores = [(c, d) for c, d in cores if c.size]
        pale = all(float(delta_e(np.median(c.reshape(-1, 3), axis=0), bg_lab)) <= CELL_DELTA_E for c, _ in cores)
        return pale and any(float((d > RULE_DELTA_E).mean()) >= TEXT_INK_SHARE for _, d in cores)
    for _ in range(2):
        if len(rows) > MIN_RULES and header(rows[:2], cols):
            rows = rows[1:]
        elif len(rows) > MIN_RULES and header(rows[-2:], cols):
            rows = rows[:-1]
        if len(cols) > MIN_RULES and header(rows, cols[:2]):
            cols = cols[1:]
        elif len(cols) > MIN_RULES and header(rows, cols[-2:]):
            cols = cols[:-1]
    return rows, cols


def find_ruled_grids(lab: np.ndarray, distance: np.ndarray, bg_lab: np.ndarray) -> list[Ruling]:
    """The evenly ruled grids of coloured cells, their edges at the rules' centres
    (``distance``: each pixel's from the page colour; rules are ink, page-coloured
    lines between cells are not rules)."""
    k = RULE_MIN_LENGTH
    ink = distance > RULE_DELTA_E
    # a rule is no ridge where another crosses it (no lighter pixel beside it there):
    # those gaps, as wide as a rule and inked (the other rule), are bridged first,
    # else small cells (20 pixels) leave segments shorter than a rule; the paper
    # between two glyphs is no gap to bridge (a row of printed numbers is no rule)
    ink8 = ink.astype(np.uint8)
    light = _lightness(lab)  # once for both ways

    def lines(axis: int) -> np.ndarray:  # 0: horizontal rules, 1: vertical
        def along(n: int):  # a kernel n pixels along the rules
            return cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1) if axis == 0 else (1, n))
        r = _ridges(lab, light, ink, axis).astype(np.uint8)
        r |= cv2.morphologyEx(r, cv2.MORPH_CLOSE, along(2 * RULE_REACH - 1)) & ink8
        return cv2.morphologyEx(r, cv2.MORPH_OPEN, along(k))
    horiz, vert = lines(0), lines(1)
    joined = cv2.dilate(horiz | vert, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * RULE_REACH + 1,) * 2))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if w < 2 * k or h < 2 * k:
            continue
        own = labels[y:y + h, x:x + w] == i
        hs, vs = horiz[y:y + h, x:x + w].astype(bool) & own, vert[y:y + h, x:x + w].astype(bool) & own
        ys, row_pitch = _even_run(_line_positions(hs.mean(axis=1), RULE_COVER))
        xs, col_pitch = _even_run(_line_positions(vs.mean(axis=0), RULE_COVER))
        if not (ys and xs):
            continue
        rows, cols = _fill_lost([y + v for v in ys], row_pitch), _fill_lost([x + v for v in xs], col_pitch)
        rows = _run_on(rows, cols, vert)
        cols = _run_on(cols, rows, horiz.T)
        rows, cols = _cut_headers(lab, distance, bg_lab, rows, cols)
        if min(len(rows), len(cols)) >= MIN_RULES and _coloured_cells(lab, bg_lab, rows, cols):
            out.append(Ruling(Grid(frozen_array(rows + 0.5), frozen_array(cols + 0.5), True),
                              (min(1.0, len(ys) / len(rows)), min(1.0, len(xs) / len(cols)))))
    return out
