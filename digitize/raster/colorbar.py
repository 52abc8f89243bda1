"""Colorbar pixels -> ordered colormap samples, tick marks and tick labels.

Input: the figure (RGB and Lab), its foreground mask, a ``ColorbarRegion`` and
the plot boxes (their pixels are never taken for labels). Output: a
``Colormap`` and the ticks (pixel along the long axis, text, parsed value).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..core.labels import (
    lost_point_reading,
    parse_multiplier,
    parse_number,
    power_exponent,
    power_of_ten_reading,
    run_together_numbers,
    steps_evenly,
)
from ..core.lookup import delta_e, lab_to_rgb
from ..model import Box, ColorbarRegion, Colormap, Tick, frozen_array
from .layout import LINE_DARKER, SEAM_DELTA_E, SEAM_MAX_PX, bar_profile, running_median
from .marks import find_tick_marks
from .ocr import Recognizer, prepare_crop, read_in_context
from .planes import Planes
from .textblobs import Blob, blob_crop, find_blobs


@dataclass(frozen=True)
class ColorbarReading:
    colormap: Colormap
    ticks: tuple[Tick, ...]
    label_side: str  # "left", "right", "top", "bottom"
    tick_marks: tuple[float, ...]
    label_region: Box
    multiplier: tuple[str, float] | None = None
    title: str = ""
    mark_region: Box | None = None
    scale_texts: tuple[str, ...] = ()  # what was read past the bar's high end (offset or multiplier text)


def sample_colormap(lab: np.ndarray, rgb: np.ndarray, region: ColorbarRegion,
                    bg_lab: np.ndarray | None = None) -> Colormap:
    """Median colour across the central half of the bar, at every long-axis pixel
    (seams of the page ``bg_lab`` filled in: see ``fill_seams``; lines one pixel
    wide drawn across it taken out, its ends mended; on a continuous bar, lines up
    to SPIKE_PX wide too: see ``despike``)."""
    raw, _ = bar_profile(lab, region.box, region.orientation)
    if bg_lab is not None:
        raw = fill_seams(raw, bg_lab)
    lo, hi = region.long_range
    positions = np.arange(lo, hi, dtype=np.float64) + 0.5
    prof = _mend_ends(running_median(raw, 1))
    spikes = np.zeros(len(raw), bool)
    if len(positions) == len(prof) and levels_along(prof) is None:
        # a continuous bar: lines across it go (a discrete bar's separators are its own)
        despiked, spikes = despike(raw)
        if spikes.any():
            prof = _mend_ends(running_median(despiked, 1))
    b = region.box
    if region.orientation == "vertical":
        mid = (b.x0 + b.x1) // 2
        rgb_line = rgb[b.y0:b.y1, mid].copy()
    else:
        mid = (b.y0 + b.y1) // 2
        rgb_line = rgb[mid, b.x0:b.x1].copy()
    if spikes.any() and len(rgb_line) == len(prof):
        rgb_line[spikes] = np.clip(np.round(lab_to_rgb(prof[spikes])), 0, 255).astype(np.uint8)
    return Colormap(frozen_array(positions), frozen_array(prof, np.float32), frozen_array(rgb_line, np.uint8))


#: A seam along a bar: samples of the page colour (within SEAM_PAGE_DELTA_E), as
#: wide and between sides as alike as ``layout.heal_seams`` closes in the picture.
SEAM_PAGE_DELTA_E = 3.0


def fill_seams(prof: np.ndarray, bg_lab: np.ndarray) -> np.ndarray:
    """A bar's profile with its seams filled in, each on the line between the
    colours either side of it: a key drawn in rectangles at low resolution shows
    the page between some of them (R's png device: a line every few pixels), which
    is no colour of the map. A page-coloured stretch any wider, or between two
    unlike colours, is the map's own (a diverging map's white middle)."""
    prof = np.asarray(prof, np.float32)
    page = delta_e(prof, np.asarray(bg_lab, np.float32)) < SEAM_PAGE_DELTA_E
    if not page.any() or page.all():
        return prof
    out = prof.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], page.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):  # samples a..b-1 are the page's
        if b - a > SEAM_MAX_PX or a == 0 or b == len(prof):
            continue
        left, right = prof[a - 1], prof[b]
        if float(delta_e(left, right)) >= SEAM_DELTA_E:
            continue
        t = (np.arange(a, b) - (a - 1)) / float(b - (a - 1))
        out[a:b] = left + t[:, None] * (right - left)
    return out


#: Lines across a bar up to SPIKE_PX wide (a density curve over a key, the page
#: showing through seams between a key's rectangles drawn at low resolution) are
#: taken out: samples further than SPIKE_DELTA_E from the running median over
#: 2 * SPIKE_PX + 1 samples (which keeps any monotone run of colours as it is).
SPIKE_PX = 3
SPIKE_DELTA_E = 10.0


def despike(prof: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The profile ((N, 3) Lab along a bar) with short runs inside it that break
    it (lines across the bar) replaced by the colours on either side, interpolated;
    and the mask of the samples replaced. Runs within 2 * SPIKE_PX of an end are
    left to ``_mend_ends``, which carries the bar's trend on to its end (a colour
    interpolated there would take the frame's as one of its sides)."""
    n = len(prof)
    off = np.zeros(n, bool)
    if n < 4 * (SPIKE_PX + 1):
        return prof, off
    off = delta_e(prof, running_median(prof, SPIKE_PX)) > SPIKE_DELTA_E
    edges = np.flatnonzero(np.diff(np.concatenate([[0], off.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if a < 2 * SPIKE_PX or b > n - 2 * SPIKE_PX or _separator(prof, a, b):
            off[a:b] = False
    if not off.any() or off.mean() > 0.25:
        return prof, np.zeros(n, bool)
    idx = np.arange(n)
    out = prof.copy()
    for ch in range(prof.shape[1]):
        out[off, ch] = np.interp(idx[off], idx[~off], prof[~off, ch])
    return out, off


#: A run of grey ink (chroma under SEPARATOR_CHROMA) darker than the bar on both
#: sides by LINE_DARKER is a separator drawn between a stepped bar's levels: it
#: marks where they meet, and stays.
SEPARATOR_CHROMA = 15.0


def _separator(prof: np.ndarray, a: int, b: int) -> bool:
    """Whether samples a..b-1 of a bar's profile are a separator line (see SEPARATOR_CHROMA)."""
    run = np.median(prof[a:b], axis=0)
    darker = float(run[0]) < min(float(prof[a - 1, 0]), float(prof[b, 0])) - LINE_DARKER
    return darker and float(np.hypot(run[1], run[2])) < SEPARATOR_CHROMA


#: An end sample further than this (delta E) from the colour the samples before it
#: lead to is not the colormap (a histogram bar or a frame line over a key's end).
END_BREAK_DELTA_E = 12.0
#: End samples looked at, and samples the trend is taken from.
END_SAMPLES, TREND_SAMPLES = 3, 4


def _mend_ends(prof: np.ndarray) -> np.ndarray:
    """Colours at either end of a bar that break the bar's trend are replaced by the
    trend carried on (a line over the key's last pixels would otherwise move its
    end value inward)."""
    n = len(prof)
    if n < 4 * (END_SAMPLES + TREND_SAMPLES):
        return prof
    out = prof.copy()
    for seq in (out, out[::-1]):  # the high end, then the low end (a view, mended in place)
        base = n - END_SAMPLES - 1
        trend = (seq[base] - seq[base - TREND_SAMPLES]) / TREND_SAMPLES
        for i in range(base + 1, n):
            guess = seq[base] + trend * (i - base)
            if float(np.linalg.norm(seq[i] - guess)) > END_BREAK_DELTA_E:
                seq[i] = guess
    return out


def extend_colormap(colormap: Colormap, lo: float, hi: float) -> Colormap:
    """The samples carried on to [lo, hi] when the scale's ends lie a pixel or two
    past the bar found (its last pixels hidden under a line): the colour trend of
    the last TREND_SAMPLES samples continues to each new end."""
    pos = np.asarray(colormap.positions, np.float64)
    lab = np.asarray(colormap.lab, np.float32)
    rgb = np.asarray(colormap.rgb, np.float32)
    if len(pos) < 2 * TREND_SAMPLES:
        return colormap
    step = pos[1] - pos[0]
    before = np.arange(pos[0] - step, lo - 0.5 * step, -step)[::-1]
    after = np.arange(pos[-1] + step, hi + 0.5 * step, step)
    if not len(before) and not len(after):
        return colormap

    def carry(values, at, end):  # values past an end, on the line through its last samples
        a, b = (0, TREND_SAMPLES) if end == 0 else (len(values) - 1 - TREND_SAMPLES, len(values) - 1)
        slope = (values[b] - values[a]) / ((b - a) * step)
        return values[end] + (at[:, None] - pos[end]) * slope

    lab2 = np.concatenate([carry(lab, before, 0), lab, carry(lab, after, -1)])
    rgb2 = np.concatenate([carry(rgb, before, 0), rgb, carry(rgb, after, -1)])
    return Colormap(frozen_array(np.concatenate([before, pos, after])), frozen_array(lab2, np.float32),
                    frozen_array(np.clip(np.round(rgb2), 0, 255), np.uint8), colormap.name,
                    colormap.match_distance)


#: A bar is discrete when flat bands (consecutive pixels within 1.5 LEVEL_STEP_DELTA_E
#: of a band's first) of at least MIN_LEVEL_SHARE of its length each cover
#: FLAT_LEVEL_COVER of it, 2..MAX_LEVELS of them; or when its colour changes in
#: steps: over LEVEL_SPAN pixels, by at least LEVEL_MIN_STEP_DELTA_E and
#: LEVEL_CONTRAST times the change inside its bands (see ``find_levels``).
LEVEL_STEP_DELTA_E = 1.5
FLAT_LEVEL_COVER = 0.85
LEVEL_SPAN = 4
LEVEL_MIN_STEP_DELTA_E = 4.0
LEVEL_CONTRAST = 3.0
#: The steps of one bar are within this factor of each other in size.
LEVEL_STEP_RANGE = 6.0
MIN_LEVEL_SHARE = 0.02
MAX_LEVELS = 32


#: Bar colours are smoothed by a running median over 2 * LEVEL_SMOOTH_PX + 1 pixels
#: before its bands are looked for.
LEVEL_SMOOTH_PX = 2


def _flat_levels(lab: np.ndarray) -> list[tuple[int, int]] | None:
    """Flat bands found greedily: a band goes on while the colour stays near its
    first colour (a continuous map drifts away from it within a few pixels); they
    cover FLAT_LEVEL_COVER of the bar, and neighbours differ."""
    n = len(lab)
    runs = []
    a = 0
    while a < n:
        b = a + 1
        ref = lab[a:min(n, a + 3)].mean(axis=0)
        while b < n and float(np.linalg.norm(lab[b] - ref)) < LEVEL_STEP_DELTA_E * 1.5:
            b += 1
        if b - a >= max(3, MIN_LEVEL_SHARE * n):
            runs.append((a, b))
        a = b
    if not 2 <= len(runs) <= MAX_LEVELS:
        return None
    if sum(b - a for a, b in runs) < FLAT_LEVEL_COVER * n:
        return None
    # neighbouring bands must differ: a flat stretch split by noise is one band
    means = [lab[a:b].mean(axis=0) for a, b in runs]
    if min(float(np.linalg.norm(m1 - m0)) for m0, m1 in zip(means, means[1:])) < 3 * LEVEL_STEP_DELTA_E:
        return None
    return runs


def find_levels(colormap: Colormap) -> list[tuple[int, int]] | None:
    """The flat colour bands of a stepped (discrete) colorbar, as sample index
    ranges [start, end), or None when the bar is continuous: bands that are flat
    (``_flat_levels``: a clean picture, levels a few pixels wide), else steps
    (``_stepped_levels``: a JPEG's blurred and noisy bar)."""
    return levels_along(colormap.lab)


def levels_along(lab: np.ndarray) -> list[tuple[int, int]] | None:
    """``find_levels`` of a bar's colours ((N, 3) Lab along it)."""
    lab = np.asarray(lab, np.float32)
    if len(lab) < 16:
        return None
    return _flat_levels(lab) or _stepped_levels(lab)


def _bands_between(lab: np.ndarray, steps: list[tuple[int, int]], lo: int, hi: int,
                   shortest: float) -> list[tuple[int, int]] | None:
    """The bands between ``steps`` (in [lo, hi)), each at least ``shortest`` long.
    A "step" with the same colour on both sides is a line drawn across the bar (a
    separator between two levels alike, or two steps a line's width apart): the
    bands beside it are one. None when a band stays too short."""
    bands = list(zip([lo] + [z for _, z in steps], [a for a, _ in steps] + [hi]))

    def mean(band):
        return lab[band[0]:band[1]].mean(axis=0)

    i = 0
    while i < len(bands) - 1:
        a, b = bands[i], bands[i + 1]
        if b[1] - b[0] < shortest and i + 2 < len(bands):  # a line: two steps, a sliver between
            c = bands[i + 2]
            if float(np.linalg.norm(mean(a) - mean(c))) < 2 * LEVEL_MIN_STEP_DELTA_E:
                bands[i:i + 3] = [(a[0], c[1])]
                continue
        if a[1] - a[0] >= 1 and b[1] - b[0] >= 1 and \
                float(np.linalg.norm(mean(a) - mean(b))) < LEVEL_MIN_STEP_DELTA_E:
            bands[i:i + 2] = [(a[0], b[1])]  # alike on both sides: one band
            continue
        i += 1
    if any(b - a < shortest for a, b in bands):
        return None
    return bands


def _stepped_levels(lab: np.ndarray) -> list[tuple[int, int]] | None:
    """A stepped bar changes colour in steps: the change over LEVEL_SPAN pixels
    peaks at each step, LEVEL_CONTRAST times above anything inside the bands
    between (JPEG's chroma noise wobbles a band's colour slowly; a continuous map
    changes at about the same rate all along)."""
    n = len(lab)
    lab = running_median(lab, LEVEL_SMOOTH_PX)  # a separator line across, a blot of noise
    k = LEVEL_SPAN // 2
    change = np.zeros(n, np.float32)
    change[k:n - k] = np.linalg.norm(lab[2 * k:] - lab[:n - 2 * k], axis=1)
    # the steps: stretches where the colour changes (at least half the floor)
    # that peak above the floor, a step's blur and ringing with it
    # (steps of one bar are of a size: 1 / LEVEL_STEP_RANGE of the largest at
    # least; JPEG's wobble after a step is less)
    typical = float(np.median(change[k:n - k]))
    floor = max(LEVEL_MIN_STEP_DELTA_E, LEVEL_CONTRAST * typical,
                float(change[2 * k:n - 2 * k].max(initial=0.0)) / LEVEL_STEP_RANGE)
    hot = np.concatenate([[0], (change >= floor / 2).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(hot))
    zones = [(a, z) for a, z in zip(edges[::2], edges[1::2])]
    # a stretch at either end is the blur of the bar's outline, not a step
    lo = max([z for a, z in zones if a <= 2 * k], default=0)
    hi = min([a for a, z in zones if z >= n - 2 * k], default=n)
    steps = []
    for a, z in zones:
        if a < lo or z > hi or a <= 2 * k or z >= n - 2 * k or change[a:z].max() < floor:
            continue
        # the step itself: around its peak while the change is a quarter of it
        top = a + int(np.argmax(change[a:z]))
        keep = change >= max(floor / 2, change[top] / 4)
        a2, z2 = top, top + 1
        while a2 > a and keep[a2 - 1]:
            a2 -= 1
        while z2 < z and keep[z2]:
            z2 += 1
        steps.append((a2, z2))
    if not 1 <= len(steps) <= MAX_LEVELS - 1:
        return None
    runs = _bands_between(lab, steps, lo, hi, max(3, MIN_LEVEL_SHARE * n))
    if runs is None or len(runs) < 2:
        return None
    steps = [(a, z) for (_, a), (z, _) in zip(runs[:-1], runs[1:])]
    # inside the bands the colour changes LEVEL_CONTRAST times less than at the
    # smallest step (nine tenths of it: a separator's remnant aside), and drifts
    # as little from a band's first third to its last (a continuous map whose
    # rate of change varies has its fast stretches for steps, but drifts between)
    smallest = min(float(change[a:z].max()) for a, z in steps)
    inner = max(float(np.quantile(change[a:b], 0.9)) for a, b in runs)
    drift = max(float(np.linalg.norm(lab[a:a + max(1, (b - a) // 3)].mean(axis=0)
                                     - lab[b - max(1, (b - a) // 3):b].mean(axis=0))) for a, b in runs)
    if max(inner, drift) * LEVEL_CONTRAST > smallest:
        return None
    return runs


def level_colormap(colormap: Colormap, runs: list[tuple[int, int]]) -> Colormap:
    """One sample per band: its median colour, at the middle of the band's extent
    (bands meet halfway across the pixels between them; the outer bands reach the
    bar's ends)."""
    p = np.asarray(colormap.positions, np.float64)
    half = 0.5 * (p[1] - p[0]) if len(p) > 1 else 0.5
    bounds = [p[0] - half]
    for (_, b), (a2, _) in zip(runs[:-1], runs[1:]):
        bounds.append(0.5 * (p[b - 1] + p[a2]))
    bounds.append(p[-1] + half)
    pos = 0.5 * (np.array(bounds[:-1]) + np.array(bounds[1:]))
    lab = np.array([np.median(colormap.lab[a:b], axis=0) for a, b in runs], np.float32)
    rgb = np.array([np.median(colormap.rgb[a:b], axis=0) for a, b in runs]).round().astype(np.uint8)
    return Colormap(frozen_array(pos), frozen_array(lab, np.float32), frozen_array(rgb, np.uint8))


def _side_strips(region: ColorbarRegion, shape, reach: int) -> dict[str, Box]:
    b = region.box
    if region.orientation == "vertical":
        return {"left": Box(b.x0 - reach, b.y0, b.x0, b.y1).clip(shape),
                "right": Box(b.x1, b.y0, b.x1 + reach, b.y1).clip(shape)}
    return {"top": Box(b.x0, b.y0 - reach, b.x1, b.y0).clip(shape),
            "bottom": Box(b.x0, b.y1, b.x1, b.y1 + reach).clip(shape)}


def _places(blobs) -> int:
    """How many places along a horizontal bar some blobs stand at (4-px steps): a
    label cut into pieces stands at one."""
    return len({int(bl.box.cx // 4) for bl in blobs})


#: A label turned a quarter is a column of characters: at least this many
#: character sizes long (a lone tall glyph, a '1', is not one).
TURNED_MIN_LENGTH = 1.8


#: Turned labels start at most this far from a horizontal bar (pixels, or times its
#: thickness): past that they are the plot's own (its x-axis labels above the bar).
TURNED_MAX_GAP = 12
TURNED_MAX_GAP_THICKNESS = 1.5


def _turned_labels(text: np.ndarray, region: Box, lo: float, hi: float, bar: Box, side: str) -> list:
    """Labels turned a quarter in ``region`` (joined along columns), standing
    along a horizontal bar between ``lo`` and ``hi``, next to it on ``side``."""
    reach = max(TURNED_MAX_GAP, TURNED_MAX_GAP_THICKNESS * bar.height)

    def gap(bl) -> float:
        return bl.box.y0 - bar.y1 if side == "bottom" else bar.y0 - bl.box.y1

    return [bl for bl in find_blobs(text, region, columns=True)
            if bl.angle in (90.0, -90.0) and bl.box.height >= TURNED_MIN_LENGTH * bl.char_size
            and lo <= bl.box.cx <= hi and gap(bl) <= reach]


def _prefer_turned(turned: list, upright: list) -> bool:
    """Whether a horizontal bar's labels are turned: at least two turned labels,
    standing at half or more of the places the upright pieces stand at (joined
    along lines, a turned label falls into pieces; upright labels make no tall
    blobs of several characters)."""
    return len(turned) >= 2 and len(turned) >= 0.5 * _places(upright)


def _label_side(text, found: dict[str, tuple], region: ColorbarRegion, strips: dict[str, Box], plots) -> str:
    """Which side of the bar carries its labels: the side with more upright text
    blobs along the bar (tick labels stand in a row beside it; a rotated title or
    a stray word does not), then the side with tick marks, then the side facing
    away from the nearest plot (matplotlib puts them outside), then the side with
    more text."""
    vertical = region.orientation == "vertical"
    lo, hi = region.long_range
    ext = max(12, min(region.box.width, region.box.height))

    def upright(side: str) -> int:
        marks, start, length = found[side]
        if marks and _marks_inside_labels(_side_blobs(text, strips[side], side, start + 1), region, side,
                                          start + length):
            marks, length = [], 0  # the strokes found are the labels' own
        own = text.copy()
        for m in marks:
            _clear_mark(own, region, side, m, start + length)
        st = _past(strips[side], side, start + length + 1)  # labels begin past the outline and the marks
        blobs = [bl for bl in find_blobs(own, st, lines=True, exponents=True)
                 if bl.angle == 0.0 and min(bl.box.width, bl.box.height) >= 3  # a dash is a mark, not a label
                 and lo - ext <= (bl.box.cy if vertical else bl.box.cx) <= hi + ext
                 and not _nearer_a_plot(bl.box, region.box, plots)]
        if not vertical:  # labels turned a quarter under a horizontal bar count as well
            turned = [bl for bl in _turned_labels(own, st, lo - ext, hi + ext, region.box, side)
                      if not _nearer_a_plot(bl.box, region.box, plots)]
            if _prefer_turned(turned, blobs):
                blobs = turned
        if not blobs:
            return 0
        # the labels are the band nearest the bar; a legend title or an axis beyond is not
        dist = [_off_bar(bl.box, region.box, side) for bl in blobs]
        size = float(np.median([min(bl.box.width, bl.box.height) for bl in blobs]))
        near = [bl for bl, d in zip(blobs, dist) if d <= min(dist) + max(4.0, 0.8 * size)]
        return len({int((bl.box.cy if vertical else bl.box.cx) // 4) for bl in near})

    b = region.box
    away = None
    if plots:
        near = min(plots, key=lambda p: abs(p.cx - b.cx) + abs(p.cy - b.cy))
        if vertical:
            away = "right" if b.cx >= near.cx else "left"
        else:
            away = "bottom" if b.cy >= near.cy else "top"

    def ink(side: str) -> int:
        st = strips[side]
        return int(text[st.y0:st.y1, st.x0:st.x1].sum())

    return max(strips, key=lambda s: (min(upright(s), 3), len(found[s][0]) >= 2, s == away, ink(s)))


def _past(strip: Box, side: str, gap: int) -> Box:
    """A side strip less the ``gap`` pixels next to the bar."""
    return {"left": Box(strip.x0, strip.y0, strip.x1 - gap, strip.y1),
            "right": Box(strip.x0 + gap, strip.y0, strip.x1, strip.y1),
            "top": Box(strip.x0, strip.y0, strip.x1, strip.y1 - gap),
            "bottom": Box(strip.x0, strip.y0 + gap, strip.x1, strip.y1)}[side]


def _side_blobs(text: np.ndarray, strip: Box, side: str, gap: int) -> list[Blob]:
    """The upright text blobs of a side strip, ``gap`` pixels off the bar."""
    return [bl for bl in find_blobs(text, _past(strip, side, gap), lines=True, exponents=True) if bl.angle == 0.0]


def _off_bar(box: Box, bar: Box, side: str) -> int:
    """How far (pixels) a box on ``side`` of a bar stands off it."""
    return {"left": bar.x0 - box.x1, "right": box.x0 - bar.x1, "top": bar.y0 - box.y1,
            "bottom": box.y0 - bar.y1}[side]


def _box_gap(a: Box, b: Box) -> float:
    """How far apart two boxes are (pixels; 0 where they touch or overlap)."""
    return float(max(0, a.x0 - b.x1, b.x0 - a.x1, a.y0 - b.y1, b.y0 - a.y1))


def _nearer_a_plot(box: Box, bar: Box, plots) -> bool:
    """Whether a text stands nearer to a plot than to the bar (a plot's tick label
    across the gap from a bar set below it), so it is the plot's, not the bar's."""
    return any(_box_gap(box, p) < _box_gap(box, bar) for p in plots)


def _clear_mark(text: np.ndarray, region: ColorbarRegion, side: str, pos: float, depth: int) -> None:
    b = region.box
    p0, p1 = int(pos) - 2, int(pos) + 3
    if side == "right":
        text[p0:p1, b.x1:b.x1 + depth] = False
    elif side == "left":
        text[p0:p1, max(0, b.x0 - depth):b.x0] = False
    elif side == "bottom":
        text[b.y1:b.y1 + depth, p0:p1] = False
    else:
        text[max(0, b.y0 - depth):b.y0, p0:p1] = False


#: A tick label points at most this far past a bar's end (pixels, or share of its length).
END_TOLERANCE_PX = 4.0
END_TOLERANCE_SHARE = 0.01


def read_colorbar(*, planes: Planes, region: ColorbarRegion, plots: tuple[Box, ...],
                  recognizer: Recognizer | None) -> ColorbarReading:
    """Sample the colormap and read the tick labels of one colorbar (the pixels of
    ``plots`` are never taken for labels)."""
    rgb, lab, fg, background = planes.rgb, planes.lab, planes.ink, planes.background
    h, w = fg.shape
    colormap = sample_colormap(lab, rgb, region, planes.bg_lab)
    text = fg.copy()
    for p in plots:
        g = p.grow(2, fg.shape)
        text[g.y0:g.y1, g.x0:g.x1] = False
    bb = region.box.grow(1, fg.shape)
    text[bb.y0:bb.y1, bb.x0:bb.x1] = False
    short = min(region.box.width, region.box.height)
    length = max(region.box.width, region.box.height)
    reach = int(min(max(6 * short, 60), 0.6 * length + 40))
    strips = _side_strips(region, fg.shape, reach)
    found = {s: find_tick_marks(fg, region, s) for s in strips}  # tick marks on each side, once
    side = _label_side(text, found, region, strips, plots)
    marks, start, tick_len = found[side]
    vertical = region.orientation == "vertical"
    inner = [] if marks else inner_tick_marks(lab, region, side)  # ggplot2, bokeh: white ticks inside the bar
    plain = (_label_blobs(text, region, side, marks=[], start=start, tick_len=0, reach=reach)
             if marks and start >= 2 else None)
    if plain is not None and (_marks_are_glyphs(marks, plain[2], vertical)
                              or _marks_inside_labels(plain[2], region, side, start + tick_len)):
        # strokes found at some labels only are their own minus signs, not tick marks
        marks, tick_len = [], 0
        text, blobs, cands, label_region, mark_region = plain
    else:
        text, blobs, cands, label_region, mark_region = _label_blobs(text, region, side, marks=marks, start=start,
                                                                     tick_len=tick_len, reach=reach)
    lo, hi = region.long_range
    ticks: list[Tick] = []
    multiplier = None
    title = ""
    scale_texts: tuple[str, ...] = ()
    if recognizer is not None and cands:
        crops = [prepare_crop(blob_crop(rgb, bl, background), text_height=_text_height(bl), rotate=int(-bl.angle))
                 for bl in cands]
        reads = read_in_context(recognizer, crops, lambda first: _tick_verdicts(cands, first, vertical))
        for bl, rd in zip(cands, reads):
            for text_, pos, half in _label_parts(bl, rd.text, vertical):
                nearest = min(marks or inner, key=lambda m: abs(m - pos)) if marks or inner else None
                if nearest is not None and abs(nearest - pos) <= max(2.0, half):
                    pos = nearest
                else:
                    pos = _end_aligned(bl.box, region, pos, _text_height(bl))
                ticks.append(Tick(text_, parse_number(text_), float(pos), rd.score))
                point = lost_point_reading(text_)
                if point is not None:  # '02' for '0.2': the fit chooses
                    ticks.append(Tick(text_, point, float(pos), rd.score))
                alt = power_of_ten_reading(text_)
                if alt is not None:  # "10" + a superscript read flat ("102"): let the fit choose
                    ticks.append(Tick(text_, alt, float(pos), rd.score * 0.9))
                    if alt > 1.0:  # ... and its raised minus, the smallest glyph, lost ("10-2" read "102")
                        ticks.append(Tick(text_, 1.0 / alt, float(pos), rd.score * 0.9))
        multiplier, title, scale_texts = _read_extras(rgb, text, region, blobs=blobs, used=cands,
                                                      background=background, recognizer=recognizer)
    # a label pointing past the bar's ends is not one of its ticks (a plot's axis
    # label beside the bar's end, a caption below it)
    tol = max(END_TOLERANCE_PX, END_TOLERANCE_SHARE * (hi - lo))
    ticks = [t for t in ticks if lo - tol <= t.pixel <= hi + tol]
    ticks += (_lost_minus_readings(ticks) + _all_minus_lost_readings(ticks, vertical) + _made_minus_readings(ticks)
              + _exponent_readings(ticks) + _bare_ten_readings(ticks))
    if multiplier is not None:
        kind, m = multiplier
        ticks = [replace(t, value=None if t.value is None else (t.value * m if kind == "mul" else t.value + m))
                 for t in ticks]
    return ColorbarReading(colormap, tuple(ticks), side, tuple(marks), label_region, multiplier, title,
                           mark_region, scale_texts)


#: A label whose outer edge is this close to a bar's end (pixels, or this share of
#: its text height: glyph boxes sit inside the font's) is aligned with it ...
END_ALIGN_PX = 1.5
END_ALIGN_SHARE = 0.35
#: ... and whose centre stands at least this share of its text height inside the
#: bar (a label centred on the end stands within a pixel of it).
END_INSIDE_SHARE = 0.2


def _end_aligned(box: Box, region: ColorbarRegion, pos: float, height: float = 0.0) -> float:
    """Where a label with no tick mark points. Vega-Lite sets the first label of a
    gradient legend flush with the bar's start and the last flush with its end,
    not centred on them: such a label (its edge on the bar's end, its centre
    inside the bar) points at the end. Otherwise its centre."""
    lo, hi = region.long_range
    a, b = (box.y0, box.y1) if region.orientation == "vertical" else (box.x0, box.x1)
    tol = max(END_ALIGN_PX, END_ALIGN_SHARE * height)
    inside = max(1.0, END_INSIDE_SHARE * height)
    if abs(a - lo) <= tol and lo + inside < pos < hi:
        return float(lo)
    if abs(b - hi) <= tol and lo < pos < hi - inside:
        return float(hi)
    return pos


#: Weight in the scale fit of a label's reading with a minus sign OCR may have lost.
LOST_MINUS_WEIGHT = 0.9


def _lost_minus_readings(ticks: list[Tick]) -> list[Tick]:
    """On a bar whose labels run through zero, a minus sign glued to its tick mark
    or too thin for the recogniser gets lost ('-0.2' read '0.2'). Each positive
    label without a sign of its own gets a second, negative reading, which counts
    a little less in the fit: it wins only where it explains more labels."""
    if not any(t.value is not None and t.value < 0 for t in ticks):
        return []
    return [replace(t, value=-t.value, weight=LOST_MINUS_WEIGHT) for t in ticks
            if t.value is not None and t.value > 0 and not t.label.strip().startswith("+")]


def _all_minus_lost_readings(ticks: list[Tick], vertical: bool) -> list[Tick]:
    """Labels with no minus sign that run against the bar's usual way (down a
    horizontal bar as it goes right, '6 4 2 0'; up a vertical one as it goes down)
    may all have lost their signs (small type: the minus is a pixel or two). Each
    gets a negative reading, which counts a little less: the fit takes it where the
    bar then runs the usual way."""
    read = sorted((t for t in ticks if t.value is not None), key=lambda t: t.pixel)
    vals = [t.value for t in read]
    if len(read) < 2 or min(vals) < 0 or len({round(t.pixel) for t in read}) < len(read):
        return []
    steps = np.diff(vals)
    against = bool(np.all(steps > 0)) if vertical else bool(np.all(steps < 0))
    if not against:
        return []
    return [replace(t, value=-t.value, weight=LOST_MINUS_WEIGHT) for t in read if t.value > 0]


def _made_minus_readings(ticks: list[Tick]) -> list[Tick]:
    """Where every label read carries a minus sign ('-1' .. '-0'), each may be its
    tick mark glued to it: each gets a second, positive reading that counts a
    little less (LOST_MINUS_WEIGHT). A bar of negative values read the usual way
    keeps its signs (``fit_scale`` turns a bar against its usual way only on a
    whole label more)."""
    signed = [t for t in ticks if t.value is not None]
    if len(signed) < 2 or not all(t.label.strip()[:1] in "-\u2212" for t in signed):
        return []
    return [replace(t, value=-t.value, weight=LOST_MINUS_WEIGHT) for t in signed]


#: An inside tick mark differs from the bar's colour there by at least this (delta E).
INNER_TICK_DELTA_E = 15.0


def inner_tick_marks(lab: np.ndarray, region: ColorbarRegion, side: str) -> list[float]:
    """Tick marks drawn inside the bar along its ``side`` edge (ggplot2 and bokeh
    draw short white lines across the bar's edge): positions along the bar where a
    thin run of pixels in the edge's quarter of the bar stands out from the bar's
    colour there."""
    b = region.box
    vertical = region.orientation == "vertical"
    prof, _ = bar_profile(lab, b, region.orientation)
    short = b.width if vertical else b.height
    k = max(2, short // 4)
    if side in ("right", "bottom"):
        strip = lab[b.y0:b.y1, b.x1 - k:b.x1] if vertical else lab[b.y1 - k:b.y1, b.x0:b.x1]
    else:
        strip = lab[b.y0:b.y1, b.x0:b.x0 + k] if vertical else lab[b.y0:b.y0 + k, b.x0:b.x1]
    if not vertical:
        strip = strip.transpose(1, 0, 2)  # (along, across)
    dev = np.median(delta_e(strip, prof[:, None, :]), axis=1)
    hot = dev > INNER_TICK_DELTA_E
    runs = np.flatnonzero(np.diff(np.concatenate([[0], hot.astype(np.int8), [0]])))
    lo = region.long_range[0]
    marks = [lo + (a + z) / 2.0 for a, z in zip(runs[::2], runs[1::2]) if z - a <= 3]
    if len(marks) < 2 or len(marks) > 0.2 * len(prof):
        return []
    return marks


def _label_parts(bl: Blob, text: str, vertical: bool) -> list[tuple[str, float, float]]:
    """(text, position along the bar, half its extent) of each label in one blob.
    Labels printed close together along a horizontal bar ('40 60 80' in a small
    key) come out as one blob: each word gets its own run of ink columns (or its
    share of the blob by characters when the runs do not tell), and numbers printed
    into each other ('-2.00-1.00') share their word's run by characters."""
    b = bl.box
    whole = [(text, b.cy if vertical else b.cx, (b.height if vertical else b.width) / 2.0)]
    words = text.split()
    parts = [(run_together_numbers(w) if parse_number(w) is None else None) or [w] for w in words]
    if vertical or sum(len(p) for p in parts) < 2 or any(parse_number(x) is None for p in parts for x in p):
        return whole
    ink = bl.mask.any(axis=0)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], ink.astype(np.int8), [0]])))
    starts, ends = runs[::2], runs[1::2]
    if len(words) == 1:
        spans = [(0.0, float(b.width))]
    elif len(starts) >= len(words):
        # group the runs of columns by the widest gaps: as many groups as words
        gaps = starts[1:] - ends[:-1]
        cut = np.sort(np.argsort(gaps)[::-1][:len(words) - 1])
        lo = np.concatenate([[starts[0]], starts[cut + 1]])
        hi = np.concatenate([ends[cut], [ends[-1]]])
        spans = [(float(a), float(z)) for a, z in zip(lo, hi)]
    else:
        n, at, spans = len(text), 0, []
        for w in words:
            i = text.index(w, at)
            at = i + len(w)
            spans.append((b.width * i / n, b.width * at / n))
    out = []
    for (a, z), p in zip(spans, parts):
        widths = [_glyphs_width(x) for x in p]
        n, at = sum(widths), 0.0
        for x, wx in zip(p, widths):  # each number its share of its word's run by its glyphs' widths
            f0, f1 = at / n, (at + wx) / n
            at += wx
            out.append((x, b.x0 + a + (z - a) * (f0 + f1) / 2.0, (z - a) * (f1 - f0) / 2.0))
    return out


#: Glyph widths in a digit's width (sans-serif fonts: a point or comma is half a
#: digit, a hyphen-minus a little more), for cutting numbers printed into each other.
_NARROW = {".": 0.5, ",": 0.5, "-": 0.57}


def _glyphs_width(s: str) -> float:
    return sum(_NARROW.get(c, 1.0) for c in s)


def _label_blobs(text: np.ndarray, region: ColorbarRegion, side: str, *, marks, start: int, tick_len: int,
                 reach: int):
    """The tick-label blobs on ``side`` of a bar: the marks cleared from (a copy of)
    the text mask, the label region past them, the upright blobs along the bar in
    it (for a vertical bar, the column nearest the bar). Returns (text, blobs,
    candidates, label region, mark region)."""
    text = text.copy()
    for m in marks:  # tick marks out of the text mask: OCR reads them as minus signs
        _clear_mark(text, region, side, m, start + tick_len)
    gap = start + tick_len + 1
    b = region.box
    short = min(b.width, b.height)
    ext = max(12, short)  # labels at the ends stick out past the bar
    # the tick marks between the bar and its labels belong to the bar: the axes
    # must not take them for labels (``mark_region``)
    if side == "right":
        label_region = Box(b.x1 + gap, b.y0 - ext, b.x1 + reach, b.y1 + ext)
        mark_region = Box(b.x1, b.y0 - ext, b.x1 + gap, b.y1 + ext)
    elif side == "left":
        label_region = Box(b.x0 - reach, b.y0 - ext, b.x0 - gap, b.y1 + ext)
        mark_region = Box(b.x0 - gap, b.y0 - ext, b.x0, b.y1 + ext)
    elif side == "bottom":
        label_region = Box(b.x0 - 3 * ext, b.y1 + gap, b.x1 + 3 * ext, b.y1 + reach)
        mark_region = Box(b.x0 - ext, b.y1, b.x1 + ext, b.y1 + gap)
    else:
        label_region = Box(b.x0 - 3 * ext, b.y0 - reach, b.x1 + 3 * ext, b.y0 - gap)
        mark_region = Box(b.x0 - ext, b.y0 - gap, b.x1 + ext, b.y0)
    mark_region = mark_region.clip(text.shape)
    label_region = label_region.clip(text.shape)
    vertical = region.orientation == "vertical"
    title = _turned_title(text, label_region, side) if vertical else None
    if title is None:
        blobs = find_blobs(text, label_region, lines=True, exponents=True)
    else:
        # the bar's title turned a quarter just past its labels: found on its own, so
        # that no label line takes in a letter of it ('0.6' and the 'g' of 'weights')
        labels_only = text & ~title
        blobs = (find_blobs(labels_only, label_region, lines=True, exponents=True)
                 + find_blobs(title, label_region, columns=True))
    lo, hi = region.long_range
    # tick labels: upright blobs whose centre lies along the bar; nearest to the bar first
    cands = [bl for bl in blobs if bl.angle == 0.0 and
             lo - 0.6 * ext <= (bl.box.cy if vertical else bl.box.cx) <= hi + 0.6 * ext]
    if not vertical:
        # labels turned a quarter under (or over) a horizontal bar ('0.876' read upwards):
        # joined along columns they come out as tall blobs, one per label
        turned = _turned_labels(text, label_region, lo - 0.6 * ext, hi + 0.6 * ext, b, side)
        if _prefer_turned(turned, cands):
            cands = turned
    if vertical and cands:
        # keep the column of labels nearest the bar (a colorbar title lies beyond it)
        near = min(abs((bl.box.x0 if side == "right" else bl.box.x1) - (b.x1 if side == "right" else b.x0))
                   for bl in cands)
        cands = [bl for bl in cands
                 if abs((bl.box.x0 if side == "right" else bl.box.x1) - (b.x1 if side == "right" else b.x0))
                 <= near + 3 * bl.char_size]
    return text, blobs, cands, _labels_reach(label_region, cands, side), mark_region


#: A turned title beside a vertical bar's labels: a column of ink at least this many
#: letters tall, at most this many wide, standing at least a letter further out
#: than the nearest ink (the labels).
TITLE_MIN_LETTERS = 2.5
TITLE_MAX_WIDTH = 1.6
#: Specks this small (letters) beside the column are its letters' dots.
TITLE_DOT = 0.4


def _turned_title(text: np.ndarray, region: Box, side: str) -> np.ndarray | None:
    """The pixels of a title turned a quarter beside a vertical bar's labels (a
    mask the size of ``text``), or None when there is none. Its letters, joined
    along the column, make one tall narrow run of ink beyond the labels."""
    r = region.clip(text.shape)
    if r.width < 2 or r.height < 2 or side not in ("left", "right"):
        return None
    sub = text[r.y0:r.y1, r.x0:r.x1].astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    ink = stats[1:][stats[1:, 4] >= 4]  # specks of under 4 pixels aside
    if n <= 2 or not len(ink):
        return None
    s = float(np.median(np.maximum(ink[:, 2], ink[:, 3])))
    joined = cv2.dilate(sub, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(2, int(round(0.6 * s))))))
    n2, lab2, stats2, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    # distance of each run from the bar: the near edge of the nearest ink is where labels start
    near = float(ink[:, 0].min()) if side == "right" else float(r.width - (ink[:, 0] + ink[:, 2]).max())
    out = np.zeros(sub.shape, bool)
    for i in range(1, n2):
        x, y, w, h, _a = (int(v) for v in stats2[i])
        start = float(x) if side == "right" else float(r.width - (x + w))
        if not (h >= TITLE_MIN_LETTERS * s and w <= TITLE_MAX_WIDTH * s and start >= near + s):
            continue
        out |= (lab2 == i) & (sub > 0)
        # the dots of its i and j stand a little off the column
        for k in range(1, n):
            kx, ky, kw, kh, _ = (int(v) for v in stats[k])
            if (max(kw, kh) <= TITLE_DOT * s and x - TITLE_DOT * s <= kx and kx + kw <= x + w + TITLE_DOT * s
                    and y <= ky and ky + kh <= y + h):
                out |= lab == k
    if not out.any():
        return None
    full = np.zeros(text.shape, bool)
    full[r.y0:r.y1, r.x0:r.x1] = out
    return full


def _labels_reach(region: Box, cands: list[Blob], side: str) -> Box:
    """The part of the label search region the bar's labels hold: from the bar out
    to its farthest label and three letters beyond (a title turned beside them),
    so that the labels of a plot beyond, within the search's reach, stay the
    plot's (a legend left of a heatmap held its row labels)."""
    if not cands:
        return region
    cs = 3 * max(float(np.median([bl.char_size for bl in cands])), 4.0)
    if side == "right":
        return Box(region.x0, region.y0, min(region.x1, int(max(bl.box.x1 for bl in cands) + cs)), region.y1)
    if side == "left":
        return Box(max(region.x0, int(min(bl.box.x0 for bl in cands) - cs)), region.y0, region.x1, region.y1)
    if side == "bottom":
        return Box(region.x0, region.y0, region.x1, min(region.y1, int(max(bl.box.y1 for bl in cands) + cs)))
    return Box(region.x0, max(region.y0, int(min(bl.box.y0 for bl in cands) - cs)), region.x1, region.y1)


def _marks_are_glyphs(marks, cands: list[Blob], vertical: bool) -> bool:
    """Tick marks stand at every labelled value; strokes found beside some labels
    only (two or more labels without one, as many as with), a gap away from the
    bar, are parts of those labels: the minus signs of '−2' and '−4' printed close
    to a bar. So are two strokes or more that all lie within one label's extent
    (a tick mark is one stroke)."""
    if not cands:
        return False
    with_mark = 0
    for bl in cands:
        pos, half = (bl.box.cy, bl.box.height / 2) if vertical else (bl.box.cx, bl.box.width / 2)
        with_mark += any(abs(m - pos) <= max(2.0, half) for m in marks)
    without = len(cands) - with_mark
    if without >= 2 and without >= with_mark:
        return True
    # two strokes or more, all within one label's extent along the bar: the strokes
    # of that label, set close to the bar ('30' two pixels off a gradient's end)
    spans = [(bl.box.y0, bl.box.y1) if vertical else (bl.box.x0, bl.box.x1) for bl in cands]
    return len(marks) >= 2 and any(all(a <= m <= b for m in marks) for a, b in spans)


def _marks_inside_labels(cands: list[Blob], region: ColorbarRegion, side: str, reach: int) -> bool:
    """Strokes found beside a bar that reach (``reach``: pixels from its edge) past
    where most of its labels begin are the labels' own strokes, not tick marks
    (which end before their labels: a '1' or a '4' printed close under a bar)."""
    along = side in ("top", "bottom")  # the bar runs across the labels' sides
    # the marks themselves come out as thin strokes among the blobs: not labels
    labels = [bl for bl in cands
              if (bl.box.width if along else bl.box.height) >= 0.4 * (bl.box.height if along else bl.box.width)]
    if not labels:
        return False
    near = [_off_bar(bl.box, region.box, side) for bl in labels]
    return sum(d < reach - 1 for d in near) * 2 > len(near)


#: Weight in the scale fit of a power of ten read with another exponent.
EXPONENT_WEIGHT = 0.8


def _exponent_readings(ticks: list[Tick]) -> list[Tick]:
    """A small superscript is the hardest thing on a bar to read: '10¹' comes back
    '10²', '10⁻¹' as '10¹'. Each power-of-ten label gets the neighbouring exponents
    as lighter readings and the opposite sign (as good as its own where no minus
    was read); the fit keeps the ones that step evenly with the rest."""
    out = []
    for t in ticks:
        k = power_exponent(t.label)
        if k is None or t.weight < 1.0:
            continue
        for alt in {k - 1, k + 1} - {k, -k}:
            out.append(replace(t, value=10.0 ** alt, weight=EXPONENT_WEIGHT))
        if k:  # the raised minus is the smallest glyph of all: lost as often as not ('10²' for '10⁻²'),
            # seldom made up. Read without one, the exponent is as likely negative (where the labels
            # then fit a bar both ways, the bar runs the usual way: ``fit_scale``); read with one, less
            # likely positive
            out.append(replace(t, value=10.0 ** -k, weight=1.0 if k > 0 else LOST_MINUS_WEIGHT))
    return out


def _bare_ten_readings(ticks: list[Tick]) -> list[Tick]:
    """Among powers of ten printed with exponents, a bare '10' is '10⁰' whose small
    superscript 0 was lost (Octave's '10^{0}'): it gets that lighter reading too."""
    powers = any(power_exponent(t.label) is not None or power_of_ten_reading(t.label) is not None for t in ticks)
    if not powers:
        return []
    return [replace(t, value=1.0, weight=EXPONENT_WEIGHT) for t in ticks
            if t.value == 10.0 and t.weight >= 1.0 and t.label.strip() == "10"]


def _tick_verdicts(cands: list[Blob], reads: list, vertical: bool) -> list[bool | None]:
    """All True when the ticks confirm each other; otherwise False for a '10' and a
    digit ('102': a superscript read flat, or a number?), which the accurate model
    reads again even when the fast one was sure, and None for the rest."""
    if _ticks_agree(cands, reads, vertical):
        return [True] * len(reads)
    return [False if power_of_ten_reading(r.text) is not None else None for r in reads]


def _ticks_agree(cands: list[Blob], reads: list, vertical: bool) -> bool:
    """Tick labels that confirm each other: evenly spaced along the bar, their
    numbers stepping evenly in that order (0, 0.2, 0.4... or 1, 10, 100...)."""
    pos = np.array([bl.box.cy if vertical else bl.box.cx for bl in cands], float)
    order = np.argsort(pos)
    gaps = np.diff(pos[order])
    if len(gaps) < 2 or gaps.min() <= 0:
        return False
    step = float(np.median(gaps))
    if np.abs(gaps - step).max() > max(2.0, 0.05 * step):
        return False
    return steps_evenly([parse_number(reads[i].text) for i in order])


def _text_height(bl: Blob) -> float:
    return float(bl.box.height if bl.angle == 0.0 else bl.box.width)


def _read_extras(rgb, text, region: ColorbarRegion, *, blobs: list[Blob], used: list[Blob], background,
                 recognizer: Recognizer):
    """The offset/multiplier text past the bar's end (matplotlib's '1e-4', '+1e3'),
    the colorbar's title (rotated text beside the labels), and every text read
    past the bar's end (for the check that none was left unused)."""
    b = region.box
    vertical = region.orientation == "vertical"
    short = min(b.width, b.height)
    used_ids = {id(u) for u in used}
    # offset text: just past the high end (above a vertical bar, right of a horizontal one)
    if vertical:
        zone = Box(b.x0 - 2 * short, b.y0 - 4 * max(short, 12), b.x1 + 6 * short, b.y0 - 1)
    else:
        zone = Box(b.x1 + 1, b.y0 - 3 * short, b.x1 + 10 * short, b.y1 + 3 * short)
    zone = zone.clip(text.shape)
    offs = [bl for bl in find_blobs(text, zone) if bl.angle == 0.0]
    rest = [bl for bl in blobs if id(bl) not in used_ids and bl.angle != 0.0]
    todo = offs[:2] + rest[:1]
    if not todo:
        return None, "", ()
    reads = recognizer.recognize([prepare_crop(blob_crop(rgb, bl, background), text_height=_text_height(bl),
                                               rotate=-int(bl.angle) if bl.angle in (90.0, -90.0) else 0)
                                  for bl in todo])
    multiplier = None
    for bl, rd in zip(todo[:len(offs[:2])], reads):
        m = parse_multiplier(rd.text)
        if m is not None:
            multiplier = m
            break
    title = reads[-1].text if rest[:1] else ""
    return multiplier, title, tuple(rd.text for rd in reads[:len(offs[:2])])
