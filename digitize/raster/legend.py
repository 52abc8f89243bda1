"""A heatmap's legend: where its values come from.

Input: the plot's colorbar (or none), the cells' colours and the settings.
Output: a ``Legend``: the value scale and the colormap candidates the cells are
looked up on, with the warnings the reading earned. With a colorbar, the scale is
fitted to its tick labels (or laid by the user's --vmin/--vmax); without one, the
cells' colours are matched to a catalog colormap and the scale is its 0..1
positions (or the user's). Either way the rest of the recipe is the same.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..config import DigitizeConfig
from ..core.catalog import barless_key, catalog_colormap, match_bar, match_cells
from ..core.cells import discrete_warning, page_on_map, run_on_to_page
from ..core.lookup import delta_e
from ..core.scale import fit_scale, labelled_levels, user_scale
from ..errors import NoColorbarError, ScaleError
from ..model import Box, ColorbarRegion, Colormap, Grid, Layout, Scale, frozen_array
from .colorbar import (
    ColorbarReading,
    extend_colormap,
    find_levels,
    level_colormap,
    read_colorbar,
)
from .layout import spans_colours
from .ocr import Recognizer
from .planes import Planes
from .printed import printed_key

#: Pixel length of the stand-in axis a colorbar-less heatmap's colormap is laid on.
UNIT_AXIS = 1000.0

#: Cells this close (delta E) to the page colour are blank and say nothing of the map.
BLANK_CELL_DELTA_E = 4.0


@dataclass(frozen=True)
class Legend:
    """bar : the colorbar read (None when the heatmap has none)
    reading : its colormap samples and ticks (None without a bar)
    scale : pixel (or unit-axis position) <-> value
    colormaps : the candidate colour tables; cells are read on the one they sit closest to
    warnings : what the reader should know about the scale
    page_on_bar : the bar itself shows the page colour (cells of that colour are values)
    scale_error : why the bar's labels gave no scale; the scale is then the bar's
        0..1 positions (source 'unknown'), for printed numbers to replace
    unknown_note : the warning that holds only while the scale is unknown (gone
        once the printed numbers give one)"""

    bar: ColorbarRegion | None
    reading: ColorbarReading | None
    scale: Scale
    colormaps: tuple[Colormap, ...]
    warnings: tuple[str, ...] = ()
    page_on_bar: bool = False  # the bar itself shows the page colour
    scale_error: str = ""  # why the bar's labels gave no scale (the scale is then 'unknown')
    unknown_note: str = ""  # the warning that holds only while the scale is unknown


def read_legend(*, planes: Planes, plot: Box, bar: ColorbarRegion | None, layout: Layout, colours: np.ndarray,
                ocr: Recognizer | None, config: DigitizeConfig,
                readings: dict[ColorbarRegion, ColorbarReading], grid: Grid | None = None,
                key: tuple[Colormap, Scale] | None = None) -> Legend:
    """The legend of one plot. ``readings`` caches colorbar readings (a bar may
    serve several plots) and is filled in. Without a bar: a known colormap the
    cells lie on, else the numbers printed in the cells (on ``grid``) as the key.
    Raises ``ScaleError`` when the bar's labels give no scale, ``NoColorbarError``
    without a bar, a known colormap or printed numbers. ``key``: the key the
    printed numbers of sibling panels make, for a panel whose own numbers make none."""
    if bar is None:
        try:
            return _catalog_legend(plot=plot, planes=planes, colours=colours, config=config)
        except NoColorbarError:
            if grid is None or ocr is None or not config.printed:
                raise
        try:
            return printed_key_legend(planes=planes, plot=plot, grid=grid, colours=colours, ocr=ocr)
        except NoColorbarError:
            if key is None:
                raise
        note = (f"no colorbar found: the numbers printed in the cells of its sibling panels are the key "
                f"({len(key[0].positions)} values from {key[1].vmin:g} to {key[1].vmax:g}); its own take "
                f"too few colours to make one")
        return Legend(None, None, key[1], (key[0],), (note,))
    if bar not in readings:
        if not spans_colours(planes.lab, bar.box, bar.orientation):  # checked before its labels are read
            raise ScaleError(f"expected a colorbar's colours to run from one colour to another; the strip at "
                             f"{bar.box.as_list()} is one colour along its length (a chart's ground, not a bar)")
        readings[bar] = read_colorbar(planes=planes, region=bar, plots=layout.plots, recognizer=ocr)
    reading = readings[bar]
    lo, hi = bar.long_range
    rising = bar.orientation == "horizontal"  # values grow to the right, or up the picture
    warnings: list[str] = []
    scale_error = ""
    if config.vmin is not None:
        scale = user_scale(config.vmin, config.vmax, lo, hi, kind=config.scale, increasing_with_pixel=rising,
                           ticks=reading.ticks)
    elif (labelled := _labelled_levels(reading)) is not None:  # a legend of bins: each level its own label's value
        scale = replace(labelled, multiplier=reading.multiplier)
    else:
        try:
            scale = fit_scale(list(reading.ticks), lo, hi, kind=config.scale, increasing_with_pixel=rising)
        except ScaleError as exc:
            if not (config.printed and config.ocr):
                raise
            # no scale from the labels: the bar's colours still order the cells, and
            # numbers printed in the cells may give the scale (else the error stands)
            scale = replace(user_scale(0.0, 1.0, lo, hi, kind="linear", increasing_with_pixel=rising,
                                       ticks=reading.ticks),
                            source="unknown")
            scale_error = str(exc)
        else:
            lo2, hi2 = _unguessed_ends(bar, scale, reading.colormap, planes.bg_lab, planes.cell_delta_e)
            if (lo2, hi2) != (lo, hi):
                scale = fit_scale(list(reading.ticks), lo2, hi2, kind=config.scale, increasing_with_pixel=rising)
                reading = replace(reading, colormap=_cut_colormap(reading.colormap, lo2, hi2))
                bar = _cut_bar(bar, lo2, hi2)
                lo, hi = lo2, hi2
            warnings += _tick_warnings(scale)
            scale = replace(scale, multiplier=reading.multiplier)
    colormap = reading.colormap
    ends = sorted(float(p) for p in scale.value_to_pixel(np.array([scale.vmin, scale.vmax])))
    if ends[0] < lo or ends[1] > hi:  # the fit put an end on a tick just past the bar found
        colormap = extend_colormap(colormap, ends[0], ends[1])
    runs = find_levels(colormap)
    if runs is None:  # a banded map may run on to the page colour past its last band
        colormap = run_on_to_page(colormap, planes.bg_lab, planes.background, (lo, hi))
    else:
        colormap = level_colormap(colormap, runs)
        if not scale.level_labels:
            scale = replace(scale, discrete_levels=tuple(float(v) for v in scale.pixel_to_value(colormap.positions)))
        warnings.append(discrete_warning(len(runs), scale.level_labels))
    candidates: tuple[Colormap, ...] = (colormap,)
    if runs is None and (match := match_bar(colormap, scale)) is not None:
        # the table as the bar renders it, and the table as it is: renderers
        # draw bars and cells alike or not (imshow cells are exact, a bar is
        # rounded), so the one the cells sit closer to is used
        candidates = (catalog_colormap(match, scale, colormap), catalog_colormap(match, scale))
    page_on_bar = page_on_map(reading.colormap.lab, planes.bg_lab)
    return Legend(bar, reading, scale, candidates, tuple(warnings), page_on_bar, scale_error)


def _labelled_levels(reading: ColorbarReading) -> Scale | None:
    """The scale of a stepped bar whose every level is labelled at its middle
    (``core.scale.labelled_levels``), else None."""
    runs = find_levels(reading.colormap)
    return None if runs is None else labelled_levels(reading.ticks, level_colormap(reading.colormap, runs).positions)


#: A tick this close (pixels) to where the bar's colour met the page marks that end.
END_TICK_PX = 2.0
#: A guessed page-coloured end of a stepped bar is bands of it when its length is
#: within this share of a band (or 2 pixels) of a whole number of them, and its
#: colour steps from the band beside it by this share of the next step in at least
#: (a colormap's steps change gradually: Blues starts 2.5 from white and steps by
#: 7 there, no white band before it; Greys steps 5.6 to white after a step of 9).
GUESS_BAND_TOL = 0.15
GUESS_STEP_SHARE = 0.5


def _kept_guesses(bar: ColorbarRegion, colormap: Colormap, page: np.ndarray,
                  drawn_delta_e: float) -> tuple[int, int, bool]:
    """The guessed page-coloured ends of a bar (``bar.guessed``) that may be bar:
    on a stepped bar, a whole number of its bands whose step from the band beside
    it is like the bar's next step in (a page-coloured first band runs a band's
    length; a bar shorter than its plot, as bokeh draws one or matplotlib's
    ``shrink``, leaves padding of any length); on a continuous bar, an end whose
    colour where it was seen to end is no drawn colour (less than
    ``drawn_delta_e`` from the ``page``): a gradient fading into the page goes on
    unseen, one that stops short of it (Blues, 2.5 from white) ends there. Also
    whether the bar is stepped."""
    g_lo, g_hi = bar.guessed
    if not (g_lo or g_hi):
        return 0, 0, False
    lo, hi = bar.long_range
    seen = _cut_colormap(colormap, lo + g_lo, hi - g_hi)  # the bar as drawn, the guesses aside
    if len(seen.lab) < 2:
        return g_lo, g_hi, False
    lab = np.asarray(seen.lab, np.float32)
    runs = find_levels(seen)
    if runs is None or len(runs) < 2:
        return (g_lo if float(delta_e(lab[0], page)) < drawn_delta_e else 0,
                g_hi if float(delta_e(lab[-1], page)) < drawn_delta_e else 0, False)
    pos = seen.positions
    band = float(np.median([pos[b - 1] - pos[a] + 1 for a, b in runs]))
    means = np.array([np.median(lab[a:b], axis=0) for a, b in runs])

    def a_band(g: int, beside: np.ndarray, next_in: np.ndarray) -> bool:
        k = round(g / band)
        return (k >= 1 and abs(g - k * band) <= max(2.0, GUESS_BAND_TOL * band)
                and float(delta_e(page, beside)) >= GUESS_STEP_SHARE * float(delta_e(beside, next_in)))
    return (g_lo if g_lo and a_band(g_lo, means[0], means[1]) else 0,
            g_hi if g_hi and a_band(g_hi, means[-1], means[-2]) else 0, True)


def _unguessed_ends(bar: ColorbarRegion, scale: Scale, colormap: Colormap, page: np.ndarray,
                    drawn_delta_e: float) -> tuple[float, float]:
    """The bar's long-axis extent, less what was only guessed at a page-coloured end
    (lined up with a plot's edge) when it cannot be bar (``_kept_guesses``), or
    when a tick the scale rests on sits where the colour ended: plotly ends a bar
    at its last tick, not at the plot's edge."""
    lo, hi = bar.long_range
    used = [t.pixel for t in scale.ticks if t.inlier]
    g_lo, g_hi, stepped = _kept_guesses(bar, colormap, page, drawn_delta_e)
    lo, hi = lo + (bar.guessed[0] - g_lo), hi - (bar.guessed[1] - g_hi)
    if stepped:  # a kept guess is whole bands, labelled inside them
        if g_lo and any(abs(p - (lo + g_lo)) <= END_TICK_PX for p in used) and not any(
                p < lo + g_lo - END_TICK_PX for p in used):
            lo += g_lo
        if g_hi and any(abs(p - (hi - g_hi)) <= END_TICK_PX for p in used) and not any(
                p > hi - g_hi + END_TICK_PX for p in used):
            hi -= g_hi
        return lo, hi
    # a continuous bar: the last tick within the guessed part, with none past it,
    # is where it ended (a white end fades into the page some pixels before it)
    if g_lo and (at := [p for p in used if p <= lo + g_lo + END_TICK_PX]) and not any(p < lo for p in used):
        lo = max(lo, min(at)) if min(at) > lo + END_TICK_PX else lo
    if g_hi and (at := [p for p in used if p >= hi - g_hi - END_TICK_PX]) and not any(p > hi for p in used):
        hi = min(hi, max(at)) if max(at) < hi - END_TICK_PX else hi
    return lo, hi


def _cut_colormap(colormap: Colormap, lo: float, hi: float) -> Colormap:
    keep = (colormap.positions >= lo) & (colormap.positions <= hi)
    return replace(colormap, positions=frozen_array(colormap.positions[keep]),
                   lab=frozen_array(colormap.lab[keep]), rgb=frozen_array(colormap.rgb[keep]))


def _cut_bar(bar: ColorbarRegion, lo: float, hi: float) -> ColorbarRegion:
    b = bar.box
    box = Box(b.x0, int(lo), b.x1, int(hi)) if bar.orientation == "vertical" else Box(int(lo), b.y0, int(hi), b.y1)
    return ColorbarRegion(box, bar.orientation)


def _tick_warnings(scale: Scale) -> list[str]:
    """Few labels behind the scale, and labels the fit threw out."""
    out = []
    # a label read two ways ("102" as 102 or 10^2) counts once: as used if either reading was
    used = {(t.label, t.pixel) for t in scale.ticks if t.inlier}
    if len(used) < 3:
        out.append(f"the scale rests on only {len(used)} colorbar labels")
    bad = sorted({t.label for t in scale.ticks if t.value is not None and (t.label, t.pixel) not in used})
    if bad:
        out.append(f"ignored colorbar labels that disagree with the others: {bad}")
    return out


def _catalog_legend(*, plot: Box, planes: Planes, colours: np.ndarray, config: DigitizeConfig) -> Legend:
    """No colorbar: when the cell colours lie on a catalog colormap, values on that
    map's 0..1 scale (or the user's --vmin/--vmax), with a warning."""
    flat = colours.reshape(-1, 3)
    match = match_cells(flat[delta_e(flat, planes.bg_lab) >= BLANK_CELL_DELTA_E])  # blank cells say nothing
    if match is None:
        raise NoColorbarError(f"found a heatmap at {plot.as_list()} but no colorbar beside it, and its "
                              f"colours match no known colormap")
    colormap, scale, note = barless_key(match, vmin=config.vmin, vmax=config.vmax, kind=config.scale)
    return Legend(None, None, scale, (colormap,), (note,), unknown_note=note if scale.source == "unknown" else "")


def printed_key_legend(*, planes: Planes, plot: Box, grid: Grid, colours: np.ndarray, ocr: Recognizer) -> Legend:
    """No colorbar and no known colormap: the legend the printed numbers make
    (``printed.printed_key``), with a warning. Raises ``NoColorbarError`` when the
    cells print too few numbers for one."""
    key = printed_key(planes=planes, grid=grid, colours=colours, ocr=ocr)
    if key is None:
        raise NoColorbarError(f"found a heatmap at {plot.as_list()} but no colorbar beside it, and its "
                              f"colours match no known colormap")
    colormap, scale = key
    note = (f"no colorbar found: the numbers printed in the cells are the key ({len(colormap.positions)} values "
            f"from {scale.vmin:g} to {scale.vmax:g}); a cell without a number is read between the colours of "
            f"the numbers nearest it")
    return Legend(None, None, scale, (colormap,), (note,))
