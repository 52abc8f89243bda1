"""Find the plot areas (blocks of coloured cells) and the colorbars of a figure.

Input: RGB uint8 (H, W, 3) and its CIELAB version. Output: a ``Layout``.
The approach: pixels that differ from the background form a mask; an opening
removes text, tick marks and thin lines; a closing bridges thin grid lines
between cells; each remaining solid block is then either a colorbar (long and
thin, colour constant across it and changing along it) or a plot area.
"""
from __future__ import annotations

import cv2
import numpy as np

from ..core.lookup import delta_e, median
from ..model import Box, ColorbarRegion, Layout, Ruling
from .planes import Planes
from .ruled import find_ruled_grids

#: A block is a colorbar candidate when its long side is at least this many times
#: its short side. matplotlib and seaborn draw bars with aspect 20, Plotly ~10-15,
#: Vega ~ 10-20; heatmaps are rarely thinner than 1:3.
BAR_MIN_ASPECT = 4.0

#: A colorbar is at least this many pixels thick (the thinnest seen: 5.5 px, a
#: shrunk matplotlib bar at 72 dpi); thinner strips are rules or lines of text.
MIN_BAR_THICKNESS = 5

#: Blocks smaller than this share of the figure are noise (legends, logos, markers).
MIN_BLOCK_SHARE = 0.002
#: A colorbar candidate (a block BAR_MIN_ASPECT times longer than thick) needs only
#: this many pixels and this length: on a rendered page a bar is far smaller than
#: MIN_BLOCK_SHARE of the page.
BAR_MIN_AREA = 400
BAR_MIN_LENGTH = 40

#: A plot candidate smaller than this share of the largest one is not a heatmap panel.
MIN_PANEL_SHARE = 0.12


def _kernel(n: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (n, n))


def _trim_box(mask: np.ndarray, box: Box, frac: float) -> Box:
    """Shrink a box to the rows and columns at least ``frac`` filled, alternating
    axes so that text attached on one side does not dilute the other axis."""
    x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
    for _ in range(3):
        sub = mask[y0:y1, x0:x1]
        if sub.size == 0:
            return box
        cx = np.flatnonzero(sub.mean(axis=0) >= frac)
        if len(cx) == 0:
            return box
        x0, x1 = x0 + int(cx[0]), x0 + int(cx[-1]) + 1
        sub = mask[y0:y1, x0:x1]
        ry = np.flatnonzero(sub.mean(axis=1) >= frac)
        if len(ry) == 0:
            return box
        y0, y1 = y0 + int(ry[0]), y0 + int(ry[-1]) + 1
    return Box(int(x0), int(y0), int(x1), int(y1))


#: A bar's block runs on along its length while the line across it is this full,
#: by RUN_ON_MIN_PX and RUN_ON_MIN_SHARE of its length at least.
BAR_RUN_ON_FILL = 0.9
RUN_ON_MIN_PX = 4
RUN_ON_MIN_SHARE = 0.05


def _run_on(mask: np.ndarray, box: Box, whole: Box, orientation: str) -> Box:
    """A bar trimmed short (a title set over part of it diluted the lines across
    it there: a legend's title above its gradient's left end) runs on along its
    length, within its block, while the lines across it are full."""
    if orientation == "horizontal":
        full = mask[box.y0:box.y1, whole.x0:whole.x1].mean(axis=0) >= BAR_RUN_ON_FILL
        a, b = box.x0 - whole.x0, box.x1 - whole.x0
    else:
        full = mask[whole.y0:whole.y1, box.x0:box.x1].mean(axis=1) >= BAR_RUN_ON_FILL
        a, b = box.y0 - whole.y0, box.y1 - whole.y0
    a0, b0 = a, b
    while a > 0 and full[a - 1]:
        a -= 1
    while b < len(full) and full[b]:
        b += 1
    # a pixel or two is the blur at the bar's end, not a part cut off
    least = max(RUN_ON_MIN_PX, RUN_ON_MIN_SHARE * (b0 - a0))
    a = a if a0 - a >= least else a0
    b = b if b - b0 >= least else b0
    if orientation == "horizontal":
        return Box(whole.x0 + a, box.y0, whole.x0 + b, box.y1)
    return Box(box.x0, whole.y0 + a, box.x1, whole.y0 + b)


#: Pixels of a block's side that tell whether it is a frame line.
FRAME_SAMPLES = 256


def strip_frame(lab: np.ndarray, box: Box, *, max_px: int = 3) -> Box:
    """Remove an outline (axes spine, colorbar frame) drawn on a block's border.

    An outer line is a frame when it is uniform along its length and clearly
    different from the line just inside it.
    """
    x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
    for _ in range(max_px):
        changed = False
        for side in ("top", "bottom", "left", "right"):
            if x1 - x0 < 4 or y1 - y0 < 4:
                break
            if side == "top":
                outer, inner = lab[y0, x0:x1], lab[y0 + 1, x0:x1]
            elif side == "bottom":
                outer, inner = lab[y1 - 1, x0:x1], lab[y1 - 2, x0:x1]
            elif side == "left":
                outer, inner = lab[y0:y1, x0], lab[y0:y1, x0 + 1]
            else:
                outer, inner = lab[y0:y1, x1 - 1], lab[y0:y1, x1 - 2]
            # medians of a long line from a few hundred of its pixels (a page-wide block's
            # sides ran to thousands, tested on every side of every block)
            step = max(1, len(outer) // FRAME_SAMPLES)
            outer, inner = outer[::step], inner[::step]
            # each test only when the ones before it pass (most sides fail the first)
            spread = float(median(delta_e(outer, median(outer, axis=0))))
            if spread >= 3.0:
                continue
            diff = float(median(delta_e(outer, inner)))
            if diff <= 12.0:
                continue
            if diff > 25.0 or float(median(delta_e(inner, median(inner, axis=0)))) > spread + 1.0:
                if side == "top":
                    y0 += 1
                elif side == "bottom":
                    y1 -= 1
                elif side == "left":
                    x0 += 1
                else:
                    x1 -= 1
                changed = True
        if not changed:
            break
    return Box(x0, y0, x1, y1)


def _long_first(lab: np.ndarray, box: Box, orientation: str) -> np.ndarray:
    """A strip's pixels as (along, across, 3)."""
    sub = lab[box.y0:box.y1, box.x0:box.x1]
    return sub.transpose(1, 0, 2) if orientation == "horizontal" else sub


def bar_profile(lab: np.ndarray, box: Box, orientation: str) -> tuple[np.ndarray, np.ndarray]:
    """Median colour along a bar's long axis over the central half of its width,
    and the mean spread across the width (how constant the colour is across)."""
    sub = _long_first(lab, box, orientation)
    short = sub.shape[1]
    a = int(round(short * 0.25))
    b = max(a + 1, int(round(short * 0.75)))
    core = sub[:, a:b]
    prof = median(core, axis=1)
    spread = delta_e(core, prof[:, None, :]).mean(axis=1)
    return prof.astype(np.float32), spread


#: A colorbar's colours, away from its ends, span at least this much (delta E): a
#: strip of one colour (the grey ground of a line chart past its last grid line,
#: white at its ends) is no bar, however smooth.
BAR_MIN_INNER_SPAN = 15.0
BAR_END_SHARE = 0.1


def spans_colours(lab: np.ndarray, box: Box, orientation: str) -> bool:
    """Whether the colours along a bar span BAR_MIN_INNER_SPAN, its ends (a tenth
    at each) left out."""
    prof, _ = bar_profile(lab, box, orientation)
    n = len(prof)
    k = int(BAR_END_SHARE * n)
    inner = prof[k:n - k] if n - 2 * k >= 2 else prof
    if len(inner) < 2:
        return False
    return float(max(delta_e(inner, inner[0]).max(), delta_e(inner, inner[-1]).max())) >= BAR_MIN_INNER_SPAN


#: A bar shows the page colour along at most this share of it (a discrete bar's
#: white middle levels; a row of small labels bridged into a strip is mostly page).
BAR_PAGE_SHARE = 0.5


#: Text inside a strip: marks this far (delta E) from the strip's colour at their
#: place, each shorter along the strip than TEXT_GLYPH_SHARE of its width, clear
#: of both its long sides, and no line across it (at least 2 pixels along the
#: strip, at most 3 times that across): at least TEXT_MIN_GLYPHS of them.
TEXT_DELTA_E = 20.0
TEXT_GLYPH_SHARE = 0.8
TEXT_MIN_GLYPHS = 6


def holds_text(lab: np.ndarray, box: Box, orientation: str) -> bool:
    """Whether a strip has text set inside it: a row of cells with their numbers
    printed, cut off a heatmap, not a colorbar (whose labels stand beside it). Lines
    drawn over a bar are no text: a density curve runs along it in one piece, tick
    marks drawn inward touch its side, a level's border crosses it whole, grid
    lines drawn over it (gnuplot) are a pixel thick."""
    sub = _long_first(lab, box, orientation)
    if sub.shape[0] < 8 or sub.shape[1] < 4:
        return False
    odd = delta_e(sub, median(sub, axis=1)[:, None, :]) > TEXT_DELTA_E
    _, _, stats, _ = cv2.connectedComponentsWithStats(odd.astype(np.uint8), connectivity=8)
    across = sub.shape[1]
    x, w, h, area = stats[1:, 0], stats[1:, 2], stats[1:, 3], stats[1:, 4]  # x, w: across; h: along
    glyphs = (area >= 3) & (h >= 2) & (h <= TEXT_GLYPH_SHARE * across) & (w <= 3 * h) & (x > 0) & (x + w < across)
    return int(glyphs.sum()) >= TEXT_MIN_GLYPHS


#: A strip of one colour along this share of it or more (within
#: ONE_COLOUR_DELTA_E of its median colour) is no colorbar, whatever else it holds:
#: a bar of a bar chart, its value printed inside it in a few glyphs (too few for
#: ``holds_text``). A colorbar's colours change along it; a discrete one's levels
#: share it out.
ONE_COLOUR_SHARE = 0.7
ONE_COLOUR_DELTA_E = 3.0


def _is_gradient_bar(lab: np.ndarray, box: Box, orientation: str, bg_lab: np.ndarray,
                     prof: np.ndarray, spread: np.ndarray) -> bool:
    """Whether a long thin block is a colorbar (``prof``, ``spread``: its
    ``bar_profile``): off the page colour along most of it, of one colour across,
    its colours spanning more than a few delta E along it, not one colour along
    most of it (ONE_COLOUR_SHARE), never coming back, and no text set in it."""
    if len(prof) < 8 or _mostly_page(prof, bg_lab) or _one_colour(prof):
        return False
    span = float(delta_e(prof, prof[0]).max())
    return float(median(spread)) < 4.0 and span > 8.0 and not _comes_back(prof, bg_lab) and \
        not holds_text(lab, box, orientation)


def _mostly_page(prof: np.ndarray, bg_lab: np.ndarray) -> bool:
    """Whether a strip shows the page colour along more than BAR_PAGE_SHARE of it."""
    return float((delta_e(prof, bg_lab) < WHITE_GAP_DELTA_E).mean()) > BAR_PAGE_SHARE


def _one_colour(prof: np.ndarray) -> bool:
    """Whether a strip is one colour along ONE_COLOUR_SHARE of it or more."""
    return float((delta_e(prof, median(prof, axis=0)) < ONE_COLOUR_DELTA_E).mean()) >= ONE_COLOUR_SHARE


#: Two places on a strip this far apart (share of its length), this alike (delta E),
#: with colours at least REVISIT_AWAY_DELTA_E away from them in between.
REVISIT_GAP, REVISIT_DELTA_E, REVISIT_AWAY_DELTA_E = 0.1, 3.0, 12.0


def running_median(prof: np.ndarray, k: int) -> np.ndarray:
    """A running median over 2k + 1 samples along a profile: runs of up to k
    samples (a line across a bar, a blot of noise) go, longer ones stay."""
    if len(prof) < 2 * k + 2:
        return prof
    pad = np.pad(prof, ((k, k), (0, 0)), mode="edge")
    win = np.lib.stride_tricks.sliding_window_view(pad, 2 * k + 1, axis=0)  # (n, 3, 2k+1)
    return median(win, axis=-1).astype(prof.dtype)


#: A line across a bar is darker by LINE_DARKER (L*) than the bar this many pixels
#: to either side (separators between a discrete bar's levels, blurred).
LINE_ACROSS_PX = 3
LINE_DARKER = 5.0
#: Separators take at most this share of a bar's length, and stand at least
#: LINE_APART_PX and LINE_APART_SHARE of it apart (a level between each two;
#: the strokes of a word are closer).
LINE_ACROSS_SHARE = 0.2
LINE_APART_PX = 8
LINE_APART_SHARE = 0.04


def _comes_back(prof: np.ndarray, bg_lab: np.ndarray) -> bool:
    """A colorbar's colours never come back: it runs along its map once (a discrete
    bar steps through distinct levels). A column of cells does (black, orange,
    black...): a colour seen again after going elsewhere. Only the colours the
    bar holds count: not a line drawn across it between its levels (darker than
    the bar LINE_ACROSS_PX away on both sides, a few, well apart, on a strip
    mostly off the page colour ``bg_lab``), nor the blur of a step (a JPEG's
    blurred colour at the two edges of one level can be alike, and far from the
    level's own)."""
    n = len(prof)
    cut = max(2, int(0.04 * n))  # an outline or an extend tip at either end is no colour of the bar
    at = np.arange(n)
    light = prof[:, 0]
    line = light < np.minimum(light[np.clip(at - LINE_ACROSS_PX, 0, n - 1)],
                              light[np.clip(at + LINE_ACROSS_PX, 0, n - 1)]) - LINE_DARKER
    page = delta_e(prof, bg_lab) < WHITE_GAP_DELTA_E
    runs = np.flatnonzero(np.diff(np.concatenate([[0], line.astype(np.int8), [0]])))[::2]
    close = len(runs) > 1 and float(np.diff(runs).min()) < max(LINE_APART_PX, LINE_APART_SHARE * n)
    if line.mean() > LINE_ACROSS_SHARE or page[~line].mean() > BAR_PAGE_SHARE or close:
        line[:] = False  # strokes: a line of text or labels, not a bar's separators
    steady = delta_e(prof[np.clip(at - 1, 0, n - 1)], prof[np.clip(at + 1, 0, n - 1)]) < 2 * REVISIT_DELTA_E
    if n - 2 * cut < 8:
        return False
    held = at[cut:n - cut][(steady & ~line)[cut:n - cut]]
    if len(held) < max(8, 0.5 * (n - 2 * cut)):
        return True  # its colour holds nowhere for long: text, hatching, not a bar
    p = prof[held[np.linspace(0, len(held) - 1, min(len(held), 96)).round().astype(int)]]
    d = delta_e(p[:, None, :], p[None, :, :])
    m = len(p)
    gap = max(2, int(REVISIT_GAP * m))
    # a colour at i seen again at j >= i + gap, something far from it in between:
    # away[i, j] is the farthest colour from p[i] among p[i + 1 .. j - 1]
    i, j = np.indices((m, m))
    after = np.where(j > i, d, -np.inf)
    away = np.full((m, m), -np.inf)
    away[:, 1:] = np.maximum.accumulate(after, axis=1)[:, :-1]
    return bool(((j >= i + gap) & (d < REVISIT_DELTA_E) & (away > REVISIT_AWAY_DELTA_E)).any())


#: A panel margin line: this share of its pixels within PANEL_DELTA_E of the panel
#: colour (ggplot's grey) or of the page (its white grid lines).
PANEL_SHARE = 0.9
PANEL_DELTA_E = 4.0
#: A panel colour this close (delta E) to a colour of a colorbar is a cell colour
#: (a map of one value at the bar's end: the bar's last samples blend with its
#: outline, 1.75 off the cells' colour in a matplotlib bar of RdYlGn).
PANEL_ON_BAR_DELTA_E = 3.0


def _trim_panel(lab: np.ndarray, box: Box, bg_lab: np.ndarray, bar_colours: np.ndarray) -> Box:
    """Cut a plotting panel's empty margin (ggplot2 draws tiles on a grey panel that
    reaches past them, crossed by white grid lines): lines along the box's edges
    that are all panel colour or page colour are not cells. A margin pads both
    ends of an axis; a uniform band on one side only, or in a colour of the
    figure's colorbars, is a run of equal cells (a saturated row), and stays."""
    k = 2 if min(box.width, box.height) > 12 else 0  # inside an anti-aliased rim
    ring = np.concatenate([lab[box.y0 + k, box.x0:box.x1], lab[box.y1 - 1 - k, box.x0:box.x1],
                           lab[box.y0:box.y1, box.x0 + k], lab[box.y0:box.y1, box.x1 - 1 - k]])
    panel = median(ring, axis=0)
    if float(delta_e(panel, bg_lab)) < PANEL_DELTA_E:
        return box  # the edge is page-coloured: no panel
    if len(bar_colours) and float(delta_e(bar_colours, panel).min()) < PANEL_ON_BAR_DELTA_E:
        return box  # the "panel" colour is a colour of the scale: cells

    def margin(line) -> bool:
        near = (delta_e(line, panel) < PANEL_DELTA_E) | (delta_e(line, bg_lab) < PANEL_DELTA_E)
        return float(near.mean()) >= PANEL_SHARE and float((delta_e(line, panel) < PANEL_DELTA_E).mean()) > 0.5

    x0, y0, x1, y1 = box.x0, box.y0, box.x1, box.y1
    limit_x, limit_y = int(0.25 * box.width), int(0.25 * box.height)
    while y0 < box.y0 + limit_y and margin(lab[y0, x0:x1]):
        y0 += 1
    while y1 > box.y1 - limit_y and margin(lab[y1 - 1, x0:x1]):
        y1 -= 1
    while x0 < box.x0 + limit_x and margin(lab[y0:y1, x0]):
        x0 += 1
    while x1 > box.x1 - limit_x and margin(lab[y0:y1, x1 - 1]):
        x1 -= 1

    def both_ends(a: int, b: int) -> bool:  # a margin on both sides, of like widths (or a frame's residue)
        return max(a, b) <= 3 or (a > 0 and b > 0 and max(a, b) <= 2 * min(a, b) + 2)

    if not both_ends(x0 - box.x0, box.x1 - x1):
        x0, x1 = box.x0, box.x1
    if not both_ends(y0 - box.y0, box.y1 - y1):
        y0, y1 = box.y0, box.y1
    if (x0, y0, x1, y1) == (box.x0, box.y0, box.x1, box.y1) or x1 - x0 < 4 or y1 - y0 < 4:
        return box
    return Box(x0, y0, x1, y1)


def _runs_once(lab: np.ndarray, box: Box, orientation: str, bg_lab: np.ndarray) -> bool:
    """A strip cut off a plot is a colorbar when its colour runs smoothly along it,
    off the page colour along most of it and not one colour along most of it (the
    top of a bar standing above the next, with the next bar's value printed
    beside it), never comes back (a row of tick labels is smooth enough, but
    comes back) and holds no text (a row of cells with their numbers printed)."""
    prof, spread = bar_profile(lab, box, orientation)
    return _smooth_gradient(prof, spread) and not _mostly_page(prof, bg_lab) and not _one_colour(prof) and \
        not _comes_back(prof, bg_lab) and not holds_text(lab, box, orientation)


def _smooth_gradient(prof: np.ndarray, spread: np.ndarray) -> bool:
    """A colorbar's colour changes a little at every pixel; a row of cells changes
    in a few big steps. True when the largest tenth of the steps along the long
    axis (of a ``bar_profile``) carry less than 60% of the total change."""
    if len(prof) < 16 or float(median(spread)) >= 4.0:
        return False
    steps = np.sort(delta_e(prof[1:], prof[:-1]))[::-1]
    total = float(steps.sum())
    top = float(steps[:max(1, len(steps) // 10)].sum())
    return total > 8.0 and top < 0.6 * total


def _is_colour_key(lab: np.ndarray, box: Box, orientation: str) -> bool:
    """A colour key that is no thin bar (R's image.plot draws a squat box, heatmap.2
    a square one with a density curve or histogram over it): smooth along
    ``orientation`` (``_smooth_gradient``'s test on the median colour) and, but for
    thin lines drawn over it, constant across: most of every line across matches
    the median. A grid of cells is neither."""
    long_ = box.height if orientation == "vertical" else box.width
    if long_ < 40:
        return False
    # a quick look first: a few lines across, each of one colour
    sub = lab[box.y0:box.y1, box.x0:box.x1]
    if orientation == "horizontal":
        sub = sub.transpose(1, 0, 2)
    pos = np.linspace(0, sub.shape[0] - 1, 16).astype(int)
    across = np.linspace(0.2 * sub.shape[1], 0.8 * sub.shape[1] - 1, 7).astype(int)
    pts = sub[pos[:, None], across[None, :]]
    if float(np.mean(median(delta_e(pts, median(pts, axis=1)[:, None, :]), axis=1) < 6.0)) < 0.6:
        return False
    prof, _ = bar_profile(lab, box, orientation)
    sub = lab[box.y0:box.y1, box.x0:box.x1]
    if orientation == "horizontal":
        sub = sub.transpose(1, 0, 2)
    a, b = int(round(sub.shape[1] * 0.2)), max(1, int(round(sub.shape[1] * 0.8)))
    agree = (delta_e(sub[:, a:b], prof[:, None, :]) < 6.0).mean(axis=1)
    if float(np.mean(agree >= 0.6)) < 0.6:
        return False
    # lines drawn across the key (a histogram's bars, heatmap.2's white lines over a
    # density plot, three pixels wide at 150 dpi) go in a running median of nine,
    # which keeps a ramp's steps
    prof = running_median(prof, KEY_LINE_PX)
    # (a line along the key's end, a histogram's axis, stays in the median at the
    # end: the steps within KEY_END_PX of the ends are not the ramp's)
    steps = delta_e(prof[1:], prof[:-1])[KEY_END_PX:-KEY_END_PX]
    # a key may end in a stretch of one colour (heatmap.2's symmetric key over data
    # on one side of zero): the ramp is the rest, a good part of the key
    moving = np.flatnonzero(steps > 0.5)
    if len(moving) < 2 or moving[-1] - moving[0] < KEY_MIN_RAMP * len(steps):
        return False
    trimmed = moving[0] + (len(steps) - 1 - moving[-1]) >= KEY_FLAT_END_SHARE * len(steps)
    steps = steps[moving[0]:moving[-1] + 1]
    # a ramp changes colour at (nearly) every pixel, or every other one (heatmap.2
    # draws its key in 100 colours or so); cells hold one colour over many. A ramp
    # that ends in one colour must change the more steadily (a row of boxes in a
    # diagram, some of them one colour, changes at half its pixels)
    if float(np.mean(steps > 0.5)) < (KEY_TRIMMED_MIN_CHANGING if trimmed else KEY_MIN_CHANGING):
        return False
    steps = np.sort(steps)[::-1]
    total = float(steps.sum())
    return total > 20.0 and float(steps[:max(1, len(steps) // 10)].sum()) < 0.6 * total


#: Share of a colour key's pixels along it where the colour changes.
KEY_MIN_CHANGING = 0.4
#: The graded part of a colour key (past any stretch of one colour at its ends)
#: spans at least this share of it, and changes at KEY_TRIMMED_MIN_CHANGING of its
#: pixels ...
KEY_MIN_RAMP = 0.3
KEY_TRIMMED_MIN_CHANGING = 0.65
#: ... where its flat ends take at least this share of it.
KEY_FLAT_END_SHARE = 0.1
#: Lines across a key up to this wide leave its profile (a running median over
#: 2 * KEY_LINE_PX + 1 pixels); the steps this close to its ends are not counted.
KEY_LINE_PX = 4
KEY_END_PX = 4


def _split_attached_bar(lab: np.ndarray, fg: np.ndarray, box: Box, bg_lab: np.ndarray):
    """A colorbar drawn a few pixels from the plot can be bridged to it into one block.
    Look for a thin smooth-gradient strip along one side, cut off by a line of
    background: returns (plot box, (bar box, orientation)) or None."""
    # a gap line: little clearly off the background (JPEG ringing below an edge reaches ~10%)
    sub = delta_e(lab[box.y0:box.y1, box.x0:box.x1], bg_lab) > 12.0
    rows_bg = sub.mean(axis=1) < 0.15
    cols_bg = sub.mean(axis=0) < 0.15
    for side in ("top", "bottom", "left", "right"):
        line_bg = rows_bg if side in ("top", "bottom") else cols_bg
        n = len(line_bg)
        order = np.arange(n) if side in ("top", "left") else np.arange(n)[::-1]
        seq = line_bg[order]
        content = np.flatnonzero(~seq)
        if not len(content):
            continue
        a0 = int(content[0])  # the strip's first line (from this side)
        after = np.flatnonzero(seq[a0:]) + a0
        if not len(after) or after[0] > 0.3 * n:
            continue
        g0 = int(after[0])  # first gap line
        back = np.flatnonzero(~seq[g0:]) + g0
        if not len(back):
            continue
        g1 = int(back[0])  # first line of the plot past the gap
        if g1 - g0 < 3:
            continue  # a grid line between cells, not the gap beside a bar
        lines = sorted(order[[a0, g0 - 1]]), sorted(order[[g1, n - 1]])
        strip = (int(lines[0][0]), int(lines[0][1]) + 1)
        rest = (int(lines[1][0]), int(lines[1][1]) + 1)
        if strip[1] - strip[0] < 3:
            continue
        if side in ("top", "bottom"):
            bar = Box(box.x0, box.y0 + strip[0], box.x1, box.y0 + strip[1])
            plot = Box(box.x0, box.y0 + rest[0], box.x1, box.y0 + rest[1])
        else:
            bar = Box(box.x0 + strip[0], box.y0, box.x0 + strip[1], box.y1)
            plot = Box(box.x0 + rest[0], box.y0, box.x0 + rest[1], box.y1)
        mask = np.zeros(fg.shape, bool)
        mask[bar.y0:bar.y1, bar.x0:bar.x1] = fg[bar.y0:bar.y1, bar.x0:bar.x1]
        bar = _trim_box(mask, bar, 0.5)
        orientation = "vertical" if bar.height >= bar.width else "horizontal"
        if max(bar.width, bar.height) < BAR_MIN_ASPECT * min(bar.width, bar.height):
            continue
        bar = strip_frame(lab, _trim_bar_ends(mask, bar, orientation))
        if _runs_once(lab, bar, orientation, bg_lab):
            return plot, (bar, orientation)
    return None


#: A line across a strip this close (median delta E) to the strip's first line is
#: part of the strip.
TOUCH_SAME_DELTA_E = 3.0


def _split_touching_bar(lab: np.ndarray, box: Box, bg_lab: np.ndarray):
    """A colorbar drawn against the plot with no gap at all (seaborn's bar axes
    placed flush with the heatmap's, several panels beside one bar): a strip along
    one side whose lines across are all alike and whose colour runs smoothly along
    the side, ending where the first column (or row) of cells begins. Returns
    (plot box, (bar box, orientation)) or None."""
    for side in ("right", "left", "bottom", "top"):
        sub = lab[box.y0:box.y1, box.x0:box.x1]
        lines = sub.transpose(1, 0, 2) if side in ("left", "right") else sub  # (line, along, 3)
        if side in ("right", "bottom"):
            lines = lines[::-1]
        n = len(lines)
        if n < 12:
            continue
        ref = lines[1]  # one line in: the edge pixel may be blended with the page
        near = lines[1:int(0.3 * n) + 2]
        same = median(delta_e(near, ref[None]), axis=1) < TOUCH_SAME_DELTA_E
        t = 1 + (int(np.argmin(same)) if not same.all() else len(same))
        if t < MIN_BAR_THICKNESS or t > 0.3 * n:
            continue
        if side == "right":
            bar, plot = Box(box.x1 - t, box.y0, box.x1, box.y1), Box(box.x0, box.y0, box.x1 - t, box.y1)
        elif side == "left":
            bar, plot = Box(box.x0, box.y0, box.x0 + t, box.y1), Box(box.x0 + t, box.y0, box.x1, box.y1)
        elif side == "bottom":
            bar, plot = Box(box.x0, box.y1 - t, box.x1, box.y1), Box(box.x0, box.y0, box.x1, box.y1 - t)
        else:
            bar, plot = Box(box.x0, box.y0, box.x1, box.y0 + t), Box(box.x0, box.y0 + t, box.x1, box.y1)
        orientation = "vertical" if side in ("left", "right") else "horizontal"
        if max(bar.width, bar.height) < BAR_MIN_ASPECT * min(bar.width, bar.height):
            continue
        bar = strip_frame(lab, bar)
        if _runs_once(lab, bar, orientation, bg_lab):
            return plot, (bar, orientation)
    return None


def _trim_bar_ends(mask: np.ndarray, box: Box, orientation: str) -> Box:
    """Cut extend triangles: keep the run where the bar fills >= 90% of its width."""
    sub = mask[box.y0:box.y1, box.x0:box.x1]
    across = sub.mean(axis=0) if orientation == "vertical" else sub.mean(axis=1)
    keep = np.flatnonzero(across >= 0.9)
    if len(keep) >= 2:  # tighten the short axis first: tick marks and JPEG fringes out
        a, b = int(keep[0]), int(keep[-1]) + 1
        if orientation == "vertical":
            box, sub = Box(box.x0 + a, box.y0, box.x0 + b, box.y1), sub[:, a:b]
        else:
            box, sub = Box(box.x0, box.y0 + a, box.x1, box.y0 + b), sub[a:b]
    fill = sub.mean(axis=1) if orientation == "vertical" else sub.mean(axis=0)
    full = np.flatnonzero(fill >= 0.85)
    if len(full) < 2:
        return box
    lo, hi = int(full[0]), int(full[-1]) + 1
    if orientation == "vertical":
        return Box(box.x0, box.y0 + lo, box.x1, box.y0 + hi)
    return Box(box.x0 + lo, box.y0, box.x0 + hi, box.y1)


#: A line across a bar whose pixels stray this far (mean delta E from their median)
#: is text, not the bar: a title set against the bar's end, bridged into its block.
TEXT_LINE_SPREAD = 8.0
#: ... cut off either end, up to this share of the bar's length.
TEXT_END_SHARE = 0.3


def _trim_text_ends(box: Box, orientation: str, bg_lab: np.ndarray, prof: np.ndarray, spread: np.ndarray) -> Box:
    """A bar whose block took in a title set against its end (Vega-Lite's legend
    title just above its gradient): the lines across it at either end that are
    not one colour (text on the page), and the page lines between them and the
    bar, are cut off (``prof``, ``spread``: the box's ``bar_profile``). A bar's
    own lines are one colour across, a line drawn across it too."""
    n = len(spread)
    mixed = spread > TEXT_LINE_SPREAD
    if n < 8 or not (mixed[0] or mixed[-1]):
        return box
    # the text, then the page between it and the bar (bridged to it): neither is the bar
    off = mixed | (delta_e(prof, bg_lab) < WHITE_GAP_DELTA_E)
    lo = int(np.argmin(off)) if mixed[0] else 0
    hi = n - int(np.argmin(off[::-1])) if mixed[-1] else n
    if mixed.all() or lo > TEXT_END_SHARE * n or n - hi > TEXT_END_SHARE * n or hi - lo < 8:
        return box
    if orientation == "vertical":
        return Box(box.x0, box.y0 + lo, box.x1, box.y0 + hi)
    return Box(box.x0 + lo, box.y0, box.x0 + hi, box.y1)


def _line(lab: np.ndarray, box: Box, orientation: str, pos: int) -> np.ndarray:
    """The pixels across the bar at long-axis coordinate ``pos`` ((short, 3))."""
    if orientation == "vertical":
        return lab[pos, box.x0:box.x1]
    return lab[box.y0:box.y1, pos]


#: An outline pixel differs from the background by more than this (JPEG ringing
#: beside a dark line stays below it).
OUTLINE_DELTA_E = 15.0
#: A bar's outline is followed past an end that is this close to the page colour
#: (a faded end; a bar of Greys ends 0 from white, one of Blues 2.5); past another
#: end, only while nothing is drawn inside it (but OUTLINE_INNER_PX at its sides).
FADED_END_DELTA_E = 25.0
OUTLINE_INNER_PX = 2
#: A bar's faint end runs on while its colour differs from the page by this much:
#: one level of an 8-bit channel near white (a gradient that fades to the page
#: ends where it is the page colour, not a few levels short of it).
FAINT_END_DELTA_E = 0.25


def _clear_inside(lab: np.ndarray, box: Box, orientation: str, pos: int, bg_lab: np.ndarray) -> bool:
    """Whether nothing is drawn across a bar's outline at ``pos`` but its sides
    (heatmap.2's histogram axis beside its key, its ticks level with the key's
    edges, has tick marks crossing the gap)."""
    inner = _line(lab, box, orientation, pos)[OUTLINE_INNER_PX:-OUTLINE_INNER_PX]
    return not bool((delta_e(inner, bg_lab) > OUTLINE_DELTA_E).any())


def _extend_faint_ends(lab: np.ndarray, fg: np.ndarray, box: Box, orientation: str,
                       bg_lab: np.ndarray, plots: list[Box]) -> tuple[Box, tuple[int, int]]:
    """Grow a colorbar along its long axis over ends that fade into the background
    (Blues, Greens, gray start or end at white).

    In order: follow the bar's outline while it continues past the found end;
    else continue while the colour across the bar stays uniform, smooth and not
    exactly background; else, when the end is background-coloured, stop at the
    matching edge of a plot area (matplotlib and seaborn draw the bar as long as
    the axes it belongs to).
    """
    h, w = lab.shape[:2]
    vertical = orientation == "vertical"
    lo, hi = (box.y0, box.y1) if vertical else (box.x0, box.x1)
    limit = h if vertical else w
    s0, s1 = (box.x0, box.x1) if vertical else (box.y0, box.y1)
    side_limit = w if vertical else h
    length = hi - lo
    new = {}
    guessed = {"lo": 0, "hi": 0}
    for end, step in (("lo", -1), ("hi", 1)):
        pos = lo if end == "lo" else hi - 1
        prev = median(_line(lab, box, orientation, pos), axis=0)
        n = 0
        # 1. an outline on both long sides that runs on: just outside the box, or
        # its own edge lines when the box took the outline in (thick, high-dpi ones)
        def side_fg(p, sides):  # an outline is ink, not the faint fringe JPEG leaves around one
            return all(float(delta_e(lab[p, sd] if vertical else lab[sd, p], bg_lab)) > OUTLINE_DELTA_E
                       for sd in sides)
        sides = next((pair for pair in ([s0 - 1, s1], [s0, s1 - 1])
                      if all(0 <= sd < side_limit for sd in pair) and 0 <= pos + step < limit
                      and side_fg(pos + step, pair)), None)
        outlined = False
        if sides is not None:
            k = 0
            while 0 <= pos + step * (k + 1) < limit and side_fg(pos + step * (k + 1), sides) and k < length // 3:
                k += 1
            if 0 < k < length // 3:
                outlined = True
                faded = float(delta_e(prev, bg_lab)) < FADED_END_DELTA_E
                # (the line closing the outline, a pixel or two at its far end, is no content)
                n = k if faded or all(_clear_inside(lab, box, orientation, pos + step * j, bg_lab)
                                      for j in range(1, k - 1)) else 0
        if not outlined:
            # 2. a smooth, faint continuation
            k = 0
            while 0 <= pos + step * (k + 1) < limit and k < length // 3:
                line = _line(lab, box, orientation, pos + step * (k + 1))
                med = median(line, axis=0)
                if (float(median(delta_e(line, med))) > 6.0 or float(delta_e(med, prev)) > 5.0
                        or float(delta_e(med, bg_lab)) < FAINT_END_DELTA_E):
                    break
                prev = med
                k += 1
            n = k
            end_colour = prev
            # 3. a background-coloured end: align with a plot's edge
            if float(delta_e(end_colour, bg_lab)) < 6.0:
                cur = pos + step * n
                for pb in plots:
                    p_lo, p_hi = (pb.y0, pb.y1) if vertical else (pb.x0, pb.x1)
                    target = p_lo if end == "lo" else p_hi - 1
                    gap = (cur - target) * -step
                    if 0 < gap <= 0.15 * length:
                        span = range(cur + step, target + step, step)
                        ok = all(_blank_line(delta_e(_line(lab, box, orientation, q), bg_lab)) for q in span)
                        if ok:
                            n += gap
                            guessed[end] = gap
                            break
        new[end] = n
    lo2, hi2 = lo - new["lo"], hi + new["hi"]
    if vertical:
        return Box(box.x0, lo2, box.x1, hi2), (guessed["lo"], guessed["hi"])
    return Box(lo2, box.y0, hi2, box.y1), (guessed["lo"], guessed["hi"])


#: A line across a bar's guessed end is blank when its median is within 6 (delta E)
#: of the page and under INK_SHARE of it is ink (INK_DELTA_E from the page): a
#: title or glyph drawn there means the bar stops short of the plot's edge.
INK_DELTA_E = 30.0
INK_SHARE = 0.08


def _blank_line(d: np.ndarray) -> bool:
    return float(median(d)) < 6.0 and float((d > INK_DELTA_E).mean()) < INK_SHARE


#: Lines at a bar's end nearer the background than this, outside its outline,
#: are compression fringe, not bar.
FRINGE_DELTA_E = 12.0


def _cut_fringe(lab: np.ndarray, box: Box, orientation: str, bg_lab: np.ndarray, max_px: int = 6) -> Box:
    """Drop faint lines beyond a bar's outline at either end (JPEG leaves a pixel
    or two of fringe outside dark lines, and they would lengthen the bar)."""
    vertical = orientation == "vertical"
    lo, hi = (box.y0, box.y1) if vertical else (box.x0, box.x1)
    if hi - lo < 4 * max_px:
        return box

    def level(pos):
        return float(median(delta_e(_line(lab, box, orientation, pos), bg_lab)))

    for end, step in (("lo", 1), ("hi", -1)):
        start = lo if end == "lo" else hi - 1
        for k in range(max_px):
            if level(start + step * k) >= OUTLINE_DELTA_E:
                if k and all(level(start + step * j) < FRINGE_DELTA_E for j in range(k)):
                    if end == "lo":
                        lo = start + k
                    else:
                        hi = start - k + 1
                break
    return Box(box.x0, lo, box.x1, hi) if vertical else Box(lo, box.y0, hi, box.y1)


def _white_gap(lab: np.ndarray, bg_lab: np.ndarray, first: ColorbarRegion, second: ColorbarRegion) -> bool:
    """Two pieces of one bar a few pixels apart (``first`` the lower along it): the
    gap between them is short (at most WHITE_GAP_SHARE of their length) and the
    colours facing it, and the gap itself, are the page colour (a diverging map's
    white middle)."""
    g0, g1 = first.long_range[1], second.long_range[0]
    total = second.long_range[1] - first.long_range[0]
    if g1 - g0 > max(12, WHITE_GAP_SHARE * total):
        return False
    box = Box(first.box.x0, g0 - 2, first.box.x1, g1 + 2) if first.orientation == "vertical" else \
        Box(g0 - 2, first.box.y0, g1 + 2, first.box.y1)
    prof, _ = bar_profile(lab, box, first.orientation)
    return bool(len(prof)) and float(delta_e(prof, bg_lab).max()) < WHITE_GAP_DELTA_E


#: A gap between two pieces of a bar is its white middle when at most this share
#: of their length, and its colours within WHITE_GAP_DELTA_E of the page.
WHITE_GAP_SHARE = 0.03
WHITE_GAP_DELTA_E = 8.0
#: ... or, however long, when the bar's outline runs along both sides of it (a
#: discrete bar whose middle levels are white, drawn with a frame) over at least
#: this share of it, and at least this share of its lines are page-coloured (the
#: rest: the lines drawn between levels).
FRAMED_GAP_SIDES = 0.95
FRAMED_GAP_PAGE = 0.8
#: The outline lies within this many pixels of a piece's side.
FRAMED_GAP_REACH = 2


def _framed_gap(lab: np.ndarray, bg_lab: np.ndarray, first: ColorbarRegion, second: ColorbarRegion) -> bool:
    """Two pieces of one framed bar: the gap between them is page-coloured inside
    and edged on both long sides by the bar's outline (just outside the pieces'
    boxes, or their own edge lines)."""
    vertical = first.orientation == "vertical"
    g0, g1 = first.long_range[1], second.long_range[0]
    if g1 - g0 < 2:
        return False
    s0, s1 = ((min(first.box.x0, second.box.x0), max(first.box.x1, second.box.x1)) if vertical else
              (min(first.box.y0, second.box.y0), max(first.box.y1, second.box.y1)))
    gap = lab[g0:g1] if vertical else lab[:, g0:g1].transpose(1, 0, 2)  # (along, across)
    a, b = max(0, s0 - FRAMED_GAP_REACH), min(gap.shape[1], s1 + FRAMED_GAP_REACH)
    if s1 - s0 < 4 + 2 * FRAMED_GAP_REACH:
        return False
    # the outline: a line of ink along the gap near each side (the pieces' boxes
    # may hold it or stop short of it)
    sides = (delta_e(gap[:, a:b], bg_lab) > OUTLINE_DELTA_E).mean(axis=0) >= FRAMED_GAP_SIDES
    k = 2 * FRAMED_GAP_REACH
    if not (sides[:k + 1].any() and sides[-k - 1:].any()):
        return False
    inside = median(gap[:, s0 + k:s1 - k], axis=1)
    return float((delta_e(inside, bg_lab) < WHITE_GAP_DELTA_E).mean()) >= FRAMED_GAP_PAGE


#: ... or, with no outline to follow (pheatmap's legend), when the pieces fade
#: towards it, alike in length (within a factor 2), it is no longer than half
#: of them together, and labels stand on one side beside both pieces and beside
#: its middle half (LABEL_INK_PX ink pixels at least, within LABEL_REACH bar widths
#: of the bar, outside the plots): the label of the white middle ('0').
LABEL_INK_PX = 6
LABEL_REACH = 4


def _labelled_gap(lab: np.ndarray, fg: np.ndarray, bg_lab: np.ndarray, first: ColorbarRegion,
                  second: ColorbarRegion) -> bool:
    """Two pieces of one unframed bar parted by its white middle (see LABEL_INK_PX;
    ``fg``: the ink outside the plots)."""
    vertical = first.orientation == "vertical"
    g0, g1 = first.long_range[1], second.long_range[0]
    gap = g1 - g0
    n1, n2 = first.long_range[1] - first.long_range[0], second.long_range[1] - second.long_range[0]
    if gap < 2 or gap > 0.5 * (n1 + n2) or max(n1, n2) > 2 * min(n1, n2):
        return False  # a middle: shorter than the pieces together, which are alike in length
    p1, _ = bar_profile(lab, first.box, first.orientation)
    p2, _ = bar_profile(lab, second.box, second.orientation)
    if len(p1) < 4 or len(p2) < 4:
        return False
    page = lambda c: float(delta_e(c, bg_lab))  # noqa: E731
    if not (page(p1[-1]) < page(p1[0]) and page(p2[0]) < page(p2[-1])):
        return False  # each piece fades towards the gap
    b = first.box
    inside = Box(b.x0, g0, b.x1, g1) if vertical else Box(g0, b.y0, g1, b.y1)
    prof, _ = bar_profile(lab, inside, first.orientation)
    if not len(prof) or float((delta_e(prof, bg_lab) < WHITE_GAP_DELTA_E).mean()) < FRAMED_GAP_PAGE:
        return False
    width = (b.x1 - b.x0) if vertical else (b.y1 - b.y0)
    h, w = fg.shape
    spans = ((first.long_range[0], g0), (g0 + gap // 4, g1 - gap // 4), (g1, second.long_range[1]))
    for lo, hi in ((b.x1 + 1, b.x1 + 1 + LABEL_REACH * width), (b.x0 - 1 - LABEL_REACH * width, b.x0 - 1)) \
            if vertical else ((b.y1 + 1, b.y1 + 1 + LABEL_REACH * width), (b.y0 - 1 - LABEL_REACH * width, b.y0 - 1)):
        lo, hi = max(0, lo), min(w if vertical else h, hi)
        # labels on this side beside both pieces and beside the gap's middle
        if all(int((fg[a:z, lo:hi] if vertical else fg[lo:hi, a:z]).sum()) >= LABEL_INK_PX for a, z in spans):
            return True
    return False


def _merge_collinear(bars: list[ColorbarRegion], lab: np.ndarray | None = None,
                     bg_lab: np.ndarray | None = None, fg: np.ndarray | None = None) -> list[ColorbarRegion]:
    """One bar found as two pieces (a diverging map's white middle splits it at high
    resolution, and each piece then grows along the outline): pieces with the same
    cross-section whose long ranges overlap or touch, or are parted by a short gap
    of page colour (``_white_gap``), a framed one (``_framed_gap``) or a labelled one
    (``_labelled_gap``; ``fg``: the ink outside the plots), are one bar (two bars
    stacked with a gap between them, as in a grid of panels, stay two)."""
    out = list(bars)
    merged = True
    while merged:
        merged = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                a, b = out[i], out[j]
                if a.orientation != b.orientation:
                    continue
                if a.orientation == "vertical":
                    (a0, a1), (b0, b1) = (a.box.x0, a.box.x1), (b.box.x0, b.box.x1)
                    gap = max(a.box.y0, b.box.y0) - min(a.box.y1, b.box.y1)
                else:
                    (a0, a1), (b0, b1) = (a.box.y0, a.box.y1), (b.box.y0, b.box.y1)
                    gap = max(a.box.x0, b.box.x0) - min(a.box.x1, b.box.x1)
                same = abs(a0 - b0) <= 3 and abs(a1 - b1) <= 3
                # a framed bar's pieces may be trimmed unequally (pale levels lose
                # their fringe): across, the narrower lies within the wider
                within = min(a1, b1) - max(a0, b0) >= min(a1 - a0, b1 - b0) - 1
                first, second = (a, b) if a.long_range[0] < b.long_range[0] else (b, a)
                if (same and (gap <= 2 or (lab is not None and (_white_gap(lab, bg_lab, first, second) or (
                        fg is not None and _labelled_gap(lab, fg, bg_lab, first, second)))))) or \
                        (within and lab is not None and _framed_gap(lab, bg_lab, first, second)):
                    u = Box(min(a.box.x0, b.box.x0), min(a.box.y0, b.box.y0),
                            max(a.box.x1, b.box.x1), max(a.box.y1, b.box.y1))
                    out[i] = ColorbarRegion(u, a.orientation)
                    del out[j]
                    merged = True
                    break
            if merged:
                break
    return out


def reading_order(boxes: list[Box]) -> list[Box]:
    """Sort boxes top-to-bottom by rows of overlapping boxes, then left-to-right."""
    remaining = sorted(boxes, key=lambda b: b.y0)
    rows: list[list[Box]] = []
    for b in remaining:
        for row in rows:
            ref = row[0]
            overlap = min(ref.y1, b.y1) - max(ref.y0, b.y0)
            if overlap > 0.5 * min(ref.height, b.height):
                row.append(b)
                break
        else:
            rows.append([b])
    return [b for row in rows for b in sorted(row, key=lambda b: b.x0)]


#: Small multiples: panels of one figure side by side, a few pixels of page apart
#: (closer than the blocks are bridged), come out as one block. A page-coloured
#: gap across the whole block splits it when the parts are panels: at least this
#: wide (pixels) ...
PANEL_MIN_SIDE = 24
#: ... alike in width (within this share of their median) ...
PANEL_WIDTH_SPREAD = 0.2
#: ... and each holds colour edges across the split direction, along a quarter of its
#: lines at least (a panel of many
#: cells; a heatmap drawn with page-coloured grid lines has one cell per part).
PANEL_EDGE_DELTA_E = 4.0
#: ... the glyphs of printed numbers taken out first by a running median this
#: long (pixels) across the split direction.
TEXT_MEDIAN_PX = 5


def split_small_multiples(lab: np.ndarray, distance: np.ndarray, box: Box, page_delta_e: float) -> list[Box]:
    """A block cut into the panels it holds (see PANEL_MIN_SIDE), or [box]. A grid
    of panels (rows of panels side by side) is cut both ways."""
    return _split_panels(lab, distance, box, page_delta_e, axes=(0, 1))


def _split_panels(lab, distance, box: Box, page_delta_e: float, *, axes: tuple[int, ...]) -> list[Box]:
    sub = distance[box.y0:box.y1, box.x0:box.x1] <= min(page_delta_e, 2.0)
    for axis in axes:  # axis 0: gaps are columns (panels side by side); 1: rows (stacked)
        parts = _panel_parts(sub.all(axis=axis))
        if len(parts) < 2:
            continue
        widths = np.array([b - a for a, b in parts], float)
        if widths.min() < PANEL_MIN_SIDE or np.abs(widths - median(widths)).max() > PANEL_WIDTH_SPREAD * median(widths):
            continue
        if not all(_has_inner_edges(lab, box, a, b, axis) or _framed_part(lab, box, a, b, axis) for a, b in parts):
            continue
        if axis == 0:
            cut = [Box(box.x0 + a, box.y0, box.x0 + b, box.y1) for a, b in parts]
        else:
            cut = [Box(box.x0, box.y0 + a, box.x1, box.y0 + b) for a, b in parts]
        rest = tuple(x for x in axes if x != axis)  # each part may still be cut the other way
        return [q for part in cut for q in (_split_panels(lab, distance, part, page_delta_e, axes=rest)
                                             if rest else [part])]
    return [box]


def _panel_parts(gap: np.ndarray) -> list[tuple[int, int]]:
    """The runs between page-coloured lines (``gap``: per column or row), the
    block's own margins left out."""
    parts, start = [], None
    for i, g in enumerate(np.append(gap, True)):
        if not g and start is None:
            start = i
        elif g and start is not None:
            parts.append((start, i))
            start = None
    return parts


#: A part framed by lines of its own (a panel of one colour, a perfect needle
#: map, has no inner edges): its first and last lines, within FRAME_PX of the
#: gap, darker than its inside by FRAME_DARKER (L*) along FRAME_SHARE of them
#: (cells drawn with page-coloured lines between them blend lighter at their sides).
FRAME_PX = 3
FRAME_DARKER = 15.0
FRAME_SHARE = 0.9


def _framed_part(lab: np.ndarray, box: Box, a: int, b: int, axis: int) -> bool:
    """Whether a part of a block (``_panel_parts``) is framed on both sides (the
    frame may stand just outside the block, which its trimming left out)."""
    if axis == 0:
        lo, hi = max(0, box.x0 + a - FRAME_PX), min(lab.shape[1], box.x0 + b + FRAME_PX)
        part = lab[box.y0:box.y1, lo:hi, 0]
    else:
        lo, hi = max(0, box.y0 + a - FRAME_PX), min(lab.shape[0], box.y0 + b + FRAME_PX)
        part = lab[lo:hi, box.x0:box.x1, 0].T  # the split direction along axis 1
    width = part.shape[1]
    if width < 8 * FRAME_PX:
        return False
    inside = np.median(part[:, 3 * FRAME_PX:width - 3 * FRAME_PX], axis=1)  # per line, L*
    for side in (part[:, :2 * FRAME_PX], part[:, width - 2 * FRAME_PX:]):
        if np.mean(side.min(axis=1) < inside - FRAME_DARKER) < FRAME_SHARE:
            return False
    return True


def _has_inner_edges(lab: np.ndarray, box: Box, a: int, b: int, axis: int) -> bool:
    """Whether a part of a block changes colour across the split direction inside
    it (2 pixels in from its ends, where anti-aliasing meets the gap)."""
    # the upper quartile over the lines across: a cell boundary changes colour along
    # a good part of it (a pale panel's only in its few darker rows), the text
    # printed in one column of cells along a few lines. Numbers printed in every
    # cell of a row make edges along most of it: a running median across the lines
    # (TEXT_MEDIAN_PX) takes out their strokes and keeps the steps between cells.
    from scipy.ndimage import median_filter

    if axis == 0:
        strip = median_filter(lab[box.y0:box.y1, box.x0 + a + 2:box.x0 + b - 2], size=(1, TEXT_MEDIAN_PX, 1))
        steps = np.quantile(np.sqrt(((strip[:, 1:] - strip[:, :-1]) ** 2).sum(axis=-1)), 0.75, axis=0)
    else:
        strip = median_filter(lab[box.y0 + a + 2:box.y0 + b - 2, box.x0:box.x1], size=(TEXT_MEDIAN_PX, 1, 1))
        steps = np.quantile(np.sqrt(((strip[1:] - strip[:-1]) ** 2).sum(axis=-1)), 0.75, axis=1)
    return bool(steps.size and steps.max() > PANEL_EDGE_DELTA_E)


#: A ruling stands for a plot only when at least this share of its lines were seen
#: drawn, each way.
MIN_DRAWN = 0.75
#: A block of colour covering a ruling that reaches this share of a cell past it
#: holds cells the ruling missed (grey borders between cells of every lightness
#: hide in places): the block's own grid finder reads it.
PAST_RULING_CELLS = 0.75


def _ruling_needed(ruling: Ruling, plots: list[Box]) -> bool:
    """Whether a ruling stands for a plot: most of its lines drawn, and no block
    of colour that covers it holds cells past it (a ruling part-seen inside a
    block is the block's own grid lines, or a part of it). Where the cells,
    many page-coloured, came apart, no block covers it."""
    if min(ruling.drawn) < MIN_DRAWN:
        return False
    r, (row, col) = ruling.box, ruling.pitch
    for p in plots:
        inside = max(0, min(p.x1, r.x1) - max(p.x0, r.x0)) * max(0, min(p.y1, r.y1) - max(p.y0, r.y0))
        if inside >= 0.9 * r.area and max((r.x0 - p.x0) / col, (p.x1 - r.x1) / col, (r.y0 - p.y0) / row,
                                          (p.y1 - r.y1) / row) >= PAST_RULING_CELLS:
            return False
    return True


def _header_of(box: Box, ruling: Ruling) -> bool:
    """Whether a block is a row (column) of header boxes along a side of a ruled
    plot: at most one and a half cells thick, less than half a cell away, and
    along that side, not past it by more than a cell."""
    r, (row, col) = ruling.box, ruling.pitch
    beside = (box.x1 <= r.x0 and r.x0 - box.x1 <= col / 2) or (box.x0 >= r.x1 and box.x0 - r.x1 <= col / 2)
    if beside and box.width <= 1.5 * col and box.y0 >= r.y0 - row and box.y1 <= r.y1 + row:
        return True
    over = (box.y1 <= r.y0 and r.y0 - box.y1 <= row / 2) or (box.y0 >= r.y1 and box.y0 - r.y1 <= row / 2)
    return over and box.height <= 1.5 * row and box.x0 >= r.x0 - col and box.x1 <= r.x1 + col


def _block_kind(mask: np.ndarray, whole: Box, area: int, min_area: float, lab: np.ndarray,
                bg_lab: np.ndarray) -> tuple | None:
    """What one block of colour (``mask``: its pixels, inside ``whole``; ``area``
    of them) is: ("bar", box, orientation), ("plot", box), or None (neither)."""
    box = _trim_box(mask, whole, 0.5)

    def is_thin(b: Box) -> bool:
        return max(b.width, b.height) >= BAR_MIN_ASPECT * min(b.width, b.height) and \
            max(b.width, b.height) >= BAR_MIN_LENGTH

    # thin once the text bridged to its sides is trimmed off (a bar's labels and title);
    # a bar cut short where a title and labels diluted its lines across runs on first
    ran = _run_on(mask, box, whole, "vertical" if box.height >= box.width else "horizontal")
    if ran != box and is_thin(ran):
        box = ran
    thin = is_thin(box)
    if area < min_area and not thin:
        return None
    if box.width < 4 or box.height < 4 or mask[box.y0:box.y1, box.x0:box.x1].mean() < 0.6:
        return None
    long_, short_ = max(box.width, box.height), min(box.width, box.height)
    orientation = "vertical" if box.height >= box.width else "horizontal"
    if long_ >= BAR_MIN_ASPECT * short_:
        # ``ran`` is ``box`` run on (both the same where ``box`` took it)
        sbox = strip_frame(lab, _trim_bar_ends(mask, ran, orientation))
        prof, spread = bar_profile(lab, sbox, orientation)
        cbox = _trim_text_ends(sbox, orientation, bg_lab, prof, spread)
        if cbox != sbox:
            prof, spread = bar_profile(lab, cbox, orientation)
        if _is_gradient_bar(lab, cbox, orientation, bg_lab, prof, spread):
            # thinner: a rule or a line of bold text, neither bar nor plot
            return ("bar", cbox, orientation) if min(cbox.width, cbox.height) >= MIN_BAR_THICKNESS else None
        if min(cbox.width, cbox.height) >= 2 and _one_colour(prof):
            return None  # a strip of one colour (a bar of a bar chart, a line across a map): no plot either
    else:
        kbox = strip_frame(lab, box)
        key = next((o for o in (orientation, "horizontal" if orientation == "vertical" else "vertical")
                    if _is_colour_key(lab, kbox, o)), None)
        if key is not None:
            return "bar", kbox, key
    if area < min_area:
        return None  # a small block that is no bar: too small to be a plot
    return "plot", strip_frame(lab, box)


#: A seam is a line of page colour one or two pixels wide (SEAM_MAX_PX) between
#: two pixels of nearly one colour (within SEAM_DELTA_E), both of them coloured
#: (chroma above SEAM_MIN_CHROMA: the gap between two strokes of a letter, and a
#: grey panel's white grid lines, are no seams), running on for at least
#: SEAM_MIN_PX pixels.
SEAM_MAX_PX = 2
SEAM_DELTA_E = 20.0
SEAM_MIN_CHROMA = 6.0
SEAM_MIN_PX = 3


def heal_seams(fg: np.ndarray, lab: np.ndarray, thin: int) -> np.ndarray:
    """``fg`` with the seams closed: the page showing through between the
    rectangles of a key (or a map) drawn by a rasteriser at low resolution, a line
    every few pixels, would leave slivers too thin to keep as one block. Only a
    seam beside such a sliver (under ``thin`` pixels across) is closed: boxes of a
    diagram a few pixels apart stay apart."""
    ys, xs = np.nonzero(fg)  # coloured ink: a seam's sides (the chroma of ink pixels only)
    ink = lab[ys, xs]
    coloured = ink[:, 1] * ink[:, 1] + ink[:, 2] * ink[:, 2] > SEAM_MIN_CHROMA ** 2
    ys, xs = ys[coloured], xs[coloured]
    if not len(ys):
        return fg
    sides = np.zeros_like(fg)
    sides[ys, xs] = True
    # only where there is coloured ink (a page of text has a figure or two)
    # (a margin round it: the opening that finds slivers keeps ink at its edge)
    pad = thin + SEAM_MAX_PX + 1
    y0, y1 = max(0, int(ys.min()) - pad), min(fg.shape[0], int(ys.max()) + 1 + pad)
    x0, x1 = max(0, int(xs.min()) - pad), min(fg.shape[1], int(xs.max()) + 1 + pad)
    out = fg.copy()
    sub_fg, sub_sides, sub_lab, sub_out = fg[y0:y1, x0:x1], sides[y0:y1, x0:x1], lab[y0:y1, x0:x1], out[y0:y1, x0:x1]
    gap = ~sub_fg
    for axis in (0, 1):  # 0: a seam along a row, its two sides above and below it
        across = (thin, 1) if axis == 0 else (1, thin)
        sliver = sub_fg & ~cv2.morphologyEx(sub_fg.astype(np.uint8), cv2.MORPH_OPEN,
                                            np.ones(across, np.uint8)).astype(bool)
        for wide in range(1, SEAM_MAX_PX + 1):
            n = wide + 2
            if sub_fg.shape[axis] < n:
                continue

            def part(k: int, arr: np.ndarray) -> np.ndarray:  # shifted by k (0..n-1) across the seam
                return arr[k:arr.shape[0] - n + 1 + k] if axis == 0 else arr[:, k:arr.shape[1] - n + 1 + k]
            seam = part(0, sub_sides) & part(n - 1, sub_sides) & (part(0, sliver) | part(n - 1, sliver))
            for k in range(1, n - 1):
                seam &= part(k, gap)
            sy, sx = np.nonzero(seam)
            if not len(sy):
                continue
            seam[sy, sx] = delta_e(part(0, sub_lab)[sy, sx], part(n - 1, sub_lab)[sy, sx]) < SEAM_DELTA_E
            along = (1, SEAM_MIN_PX) if axis == 0 else (SEAM_MIN_PX, 1)
            run = cv2.morphologyEx(seam.astype(np.uint8), cv2.MORPH_OPEN, np.ones(along, np.uint8)).astype(bool)
            for k in range(1, n - 1):
                part(k, sub_out)[run] = True
    return out


def find_layout(*, planes: Planes) -> Layout:
    """Locate plot areas and colorbars in a picture's planes."""
    rgb, lab = planes.rgb, planes.lab
    h, w = rgb.shape[:2]
    bg, distance, bg_lab = planes.background, planes.distance, planes.bg_lab
    fg = distance > planes.cell_delta_e
    k = 3 if min(h, w) < 450 else 5
    solid = cv2.morphologyEx(heal_seams(fg, lab, k).astype(np.uint8), cv2.MORPH_OPEN, _kernel(k))
    bridged = cv2.morphologyEx(solid, cv2.MORPH_CLOSE, _kernel(k + 2))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(bridged, connectivity=4)
    min_area = MIN_BLOCK_SHARE * h * w
    bar_boxes: list[tuple[Box, str]] = []
    plots: list[Box] = []
    raw: list[Box] = []  # each plot's whole component, before trimming
    mask = np.zeros((h, w), bool)  # one component at a time, cleared after it (read only inside its box)
    for i in range(1, n):
        x, y, bw, bh, area = (int(v) for v in stats[i])
        # a colorbar is small beside a plot: on a whole page it is under the plots' share
        # of the picture, so a long thin block is held to its own size, not the plots'
        if bw < 4 or bh < 4 or area < min(min_area, BAR_MIN_AREA):
            continue
        mask[y:y + bh, x:x + bw] = labels[y:y + bh, x:x + bw] == i
        found = _block_kind(mask, Box(x, y, x + bw, y + bh), area, min_area, lab, bg_lab)
        mask[y:y + bh, x:x + bw] = False
        if found is None:
            continue
        if found[0] == "bar":
            bar_boxes.append(found[1:])
        else:
            plots.append(found[1])
            raw.append(Box(x, y, x + bw, y + bh))
    if not bar_boxes:  # no bar on its own: one may be bridged to a plot (all along its side)
        for i, box in enumerate(plots):
            split = (_split_attached_bar(lab, fg, raw[i], bg_lab) or _split_attached_bar(lab, fg, box, bg_lab)
                     or _split_touching_bar(lab, box, bg_lab))
            if split is not None:
                part, bar = split
                plots[i] = Box(max(box.x0, part.x0), max(box.y0, part.y0), min(box.x1, part.x1),
                               min(box.y1, part.y1))
                bar_boxes.append(bar)
    bar_colours = (np.concatenate([bar_profile(lab, b, o)[0] for b, o in bar_boxes]) if bar_boxes
                   else np.zeros((0, 3), np.float32))
    plots = [_trim_panel(lab, p, bg_lab, bar_colours) for p in plots]
    plots = [q for p in plots for q in split_small_multiples(lab, distance, p, planes.cell_delta_e)]
    rulings = [g for g in find_ruled_grids(lab, distance, bg_lab) if _ruling_needed(g, plots)]
    ruled = [g.box.clip((h, w)) for g in rulings]
    if ruled:  # a ruled map's coloured cells came out as scattered blocks (some bridged
        # to its header boxes): the ruling is the plot, and no block that reaches into it
        plots = [p for p in plots if not any(p.intersects(r) or _header_of(p, g) for r, g in zip(ruled, rulings))]
        plots += ruled
        bar_boxes = [(b, o) for b, o in bar_boxes if not any(b.intersects(r) for r in ruled)]
    bars = []
    for b, o in bar_boxes:
        grown, guessed = _extend_faint_ends(lab, fg, b, o, bg_lab, plots)
        bars.append(ColorbarRegion(strip_frame(lab, _cut_fringe(lab, grown, o, bg_lab)), o, guessed))
    if len(bars) > 1:
        text = fg.copy()  # ink outside the plots: labels
        for p in plots:
            text[p.y0:p.y1, p.x0:p.x1] = False
        bars = _merge_collinear(bars, lab, bg_lab, text)
    fragments: list[Box] = []
    if plots:
        biggest = max(b.area for b in plots)
        fragments = [b for b in plots if b.area < MIN_PANEL_SHARE * biggest]
        plots = [b for b in plots if b.area >= MIN_PANEL_SHARE * biggest]
    return Layout(bg, tuple(reading_order(plots)),
                  tuple(sorted(bars, key=lambda r: (r.box.y0, r.box.x0))), tuple(rulings), tuple(fragments))
