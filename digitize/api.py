"""digitize(): the recipe, stage by stage, keeping every intermediate.

load -> locate plots and colorbars -> colorbar to colormap and ticks -> ticks to
scale -> grid -> pixels to values -> axis labels -> analysis.
"""
from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Callable

import cv2
import numpy as np

from .analysis import analyse
from .axes import read_axes
from .catalog import catalog_colormap, match_bar, match_cells
from .cells import cell_colours, cell_values
from .colorbar import ColorbarReading, find_levels, find_tick_marks, level_colormap, read_colorbar
from .config import DigitizeConfig
from .errors import NoColorbarError, NoHeatmapError, ScaleError
from .grid import find_grid
from .imageio import LoadedImage, load_image
from .layout import find_layout, ink_mask, page_distance
from .lookup import delta_e, rgb_to_lab
from .model import Box, ColorbarRegion, Digitization, Heatmap
from .ocr import Recognizer, default_recognizer
from .scale import fit_scale, scale_decimals, user_scale


def _pair_colorbar(plot: Box, bars: tuple[ColorbarRegion, ...]) -> ColorbarRegion | None:
    """The colorbar that belongs to a plot: the nearest one beside it whose long
    side overlaps the plot's span (a shared bar may serve several plots)."""
    best, best_d = None, None
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
            best, best_d = bar, d
    return best


def _axis_marks(fg: np.ndarray, plot: Box) -> dict:
    """The plot's tick marks on the side that has more of them, per axis."""
    out = {}
    for key, sides, orient in (("col_marks", ("bottom", "top"), "horizontal"),
                               ("row_marks", ("left", "right"), "vertical")):
        found = [find_tick_marks(fg, ColorbarRegion(plot, orient), s)[0] for s in sides]
        out[key] = tuple(max(found, key=len))
    return out


def _solid_share(lab: np.ndarray, bg_lab: np.ndarray, a: Box) -> float:
    """Share of a region in solid colour (cells), not thin strokes (text)."""
    far = (delta_e(lab[a.y0:a.y1, a.x0:a.x1], bg_lab) > 10.0).astype(np.uint8)
    return float(cv2.morphologyEx(far, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)).mean())


def _extend_to_ticks(fg: np.ndarray, lab: np.ndarray, bg_lab: np.ndarray, plot: Box,
                     others: tuple[Box, ...] = ()) -> Box:
    """A plot whose outer rows or columns are blank (a masked triangle of a
    correlation matrix) is found smaller than its axes. The axis tick marks, one per
    cell centre, go on past it: grow the box over the cells they mark."""
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
        # the cells taken in are blank (empty) or coloured (solid); a strip of text
        # on the page (rotated tick labels reaching under the plot) is neither
        def cells_like(a: Box) -> bool:
            if a.width <= 0 or a.height <= 0:
                return True
            if fg[a.y0:a.y1, a.x0:a.x1].mean() < 0.02:
                return True
            return _solid_share(lab, bg_lab, a) > 0.02
        if all(cells_like(a) for a in added) and not any(grown.intersects(o) for o in others):
            x0, y0, x1, y1 = grown.x0, grown.y0, grown.x1, grown.y1
    return Box(x0, y0, x1, y1)


#: Pixel length of the stand-in axis a colorbar-less heatmap's colormap is laid on.
_UNIT_AXIS = 1000.0


def _without_colorbar(stage, cfg: DigitizeConfig, rgb, lab, bg_lab, fg, plot: Box, layout, ocr,
                      readings) -> Heatmap | None:
    """A heatmap with no colorbar: when its cell colours lie on a catalog colormap,
    values on that map's 0..1 scale (or the user's --vmin/--vmax), with a warning."""
    grid = stage("grid", find_grid, lab, plot, rgb, **_axis_marks(fg, plot))
    colours = stage("cells", cell_colours, lab, grid)
    flat = colours.reshape(-1, 3)
    match = stage("catalog", match_cells, flat[delta_e(flat, bg_lab) >= 4.0])  # blank cells say nothing
    if match is None:
        return None
    if cfg.vmin is not None:
        scale = user_scale(cfg.vmin, cfg.vmax, 0.0, _UNIT_AXIS, kind=cfg.scale, increasing_with_pixel=True)
        note = (f"no colorbar found: the colours match the '{match.entry.name}' colormap, laid on the "
                f"--vmin/--vmax scale {cfg.vmin:g}..{cfg.vmax:g} (its direction is assumed)")
    else:
        scale = replace(user_scale(0.0, 1.0, 0.0, _UNIT_AXIS, kind="linear", increasing_with_pixel=True),
                        source="unknown")
        note = (f"no colorbar found: values are positions 0..1 along the '{match.entry.name}' colormap, not "
                f"data values; the scale is unknown (give --vmin/--vmax to set it)")
    return _read_cells(stage, cfg, rgb, fg, plot, None, layout, ocr, None, readings, grid, colours,
                       [catalog_colormap(match, scale)], scale, [note])


def _read_cells(stage, cfg: DigitizeConfig, rgb, fg, plot: Box, bar, layout, ocr, reading, readings,
                grid, colours, candidates, scale, hm_warn: list[str]) -> Heatmap:
    """The rest of a heatmap once its grid, cell colours, scale and colormap
    candidates are known: values (from the candidate the cells sit closest to),
    axis labels, warnings about the cells, analysis."""
    tables = [stage("cells", cell_values, colours, cm, scale, layout.background,
                    residual_flag=cfg.residual_flag) for cm in candidates]
    best = min(range(len(tables)), key=lambda k: float(np.median(tables[k].residual)))
    colormap, table = candidates[best], tables[best]
    axes = stage("axes", read_axes, rgb, fg, plot, grid, layout, ocr, reading, readings)
    if table.ambiguous is not None and table.ambiguous.any():
        hm_warn.append(f"{int(table.ambiguous.sum())} cell(s) have the background colour, which is also "
                       f"an end of the colormap: they were read as values, but may be blank (NaN) cells")
    if table.flagged.any():
        hm_warn.append(f"{int(table.flagged.sum())} cell(s) have colours off the colormap "
                       f"(residual > {cfg.residual_flag:g}); their values are doubtful")
    analysis = stage("analysis", analyse, table.values, axes.row_labels, axes.col_labels,
                     decimals=scale_decimals(scale), x_label=axes.x_label, y_label=axes.y_label,
                     vmin=scale.vmin, vmax=scale.vmax)
    return Heatmap(plot, bar, colormap, scale, grid, table, axes, analysis, tuple(hm_warn))


def digitize(src: str | os.PathLike | bytes | np.ndarray | LoadedImage, *, config: DigitizeConfig | None = None,
             recognizer: Recognizer | None = None,
             progress: Callable[[str], None] | None = None) -> Digitization:
    """Recover the heatmap(s) of a figure.

    Parameters
    ----------
    src : path (an image, or a PDF: every page is searched), raw image bytes, an
        (H, W, 3) uint8 RGB array, or an image already loaded by ``load_image``
    config : DigitizeConfig, optional
    recognizer : OCR engine; defaults to the bundled PP-OCR model (loaded once)
    progress : called with the name of each stage as it starts

    Returns a ``Digitization``; raises a ``DigitizeError`` subclass when the image
    cannot be read or holds no heatmap that can be measured.
    """
    if isinstance(src, (str, os.PathLike)) and str(src) != "-" and str(src).lower().endswith(".pdf"):
        from .pdf import digitize_pdf, is_pdf

        if is_pdf(src):
            return digitize_pdf(src, config=config, recognizer=recognizer, progress=progress)
    cfg = config or DigitizeConfig()
    timings: dict[str, float] = {}
    say = progress or (lambda _s: None)

    def stage(name, fn, *a, **k):
        say(name)
        t0 = time.perf_counter()
        out = fn(*a, **k)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return out

    loaded: LoadedImage = src if isinstance(src, LoadedImage) else stage("load", load_image, src,
                                                                           max_pixels=cfg.max_pixels)
    rgb = loaded.rgb
    lab = stage("lab", rgb_to_lab, rgb)
    page = stage("layout", page_distance, rgb, lab)
    layout = stage("layout", find_layout, rgb, lab, page)
    if not layout.plots:
        raise NoHeatmapError(f"expected a block of coloured cells; found none in "
                             f"{loaded.source} ({rgb.shape[1]}x{rgb.shape[0]})")
    ocr = (recognizer or default_recognizer()) if cfg.ocr else None
    bg_lab = rgb_to_lab(np.array(layout.background, np.uint8))
    fg = ink_mask(page[1], layout.plots + tuple(c.box for c in layout.colorbars))
    readings: dict[ColorbarRegion, ColorbarReading] = {}
    heatmaps = []
    warnings = list(loaded.warnings)
    for plot in layout.plots:
        plot = _extend_to_ticks(fg, lab, bg_lab, plot, tuple(p for p in layout.plots if p != plot)
                                + tuple(c.box for c in layout.colorbars))
        bar = _pair_colorbar(plot, layout.colorbars)
        if bar is None:
            hm = _without_colorbar(stage, cfg, rgb, lab, bg_lab, fg, plot, layout, ocr, list(readings.values()))
            if hm is None:
                if len(layout.plots) > 1 and heatmaps:
                    warnings.append(f"skipped the heatmap at {plot.as_list()}: no colorbar beside it and "
                                    f"its colours match no known colormap")
                    continue
                raise NoColorbarError(f"found a heatmap at {plot.as_list()} but no colorbar beside it, and its "
                                      f"colours match no known colormap")
            heatmaps.append(hm)
            continue
        if bar not in readings:
            readings[bar] = stage("colorbar", read_colorbar, rgb, lab, fg, bar, layout.plots,
                                  layout.background, ocr)
        reading = readings[bar]
        lo, hi = bar.long_range
        hm_warn: list[str] = []
        if cfg.vmin is not None:
            increasing = bar.orientation == "horizontal"
            scale = user_scale(cfg.vmin, cfg.vmax, lo, hi, kind=cfg.scale, increasing_with_pixel=increasing,
                               ticks=reading.ticks)
        else:
            try:
                scale = stage("scale", fit_scale, list(reading.ticks), lo, hi, kind=cfg.scale)
            except ScaleError:
                if len(layout.plots) > 1 and heatmaps:
                    warnings.append(f"skipped the heatmap at {plot.as_list()}: its colorbar labels were unreadable")
                    continue
                raise
            # a label read two ways ("102" as 102 or 10^2) counts once: as used if either reading was
            used = {(t.label, t.pixel) for t in scale.ticks if t.inlier}
            n_in = len(used)
            if n_in < 3:
                hm_warn.append(f"the scale rests on only {n_in} colorbar labels")
            bad = sorted({t.label for t in scale.ticks
                          if t.value is not None and (t.label, t.pixel) not in used})
            if bad:
                hm_warn.append(f"ignored colorbar labels that disagree with the others: {bad}")
        colormap = reading.colormap
        runs = find_levels(colormap)
        if runs is not None:
            colormap = level_colormap(colormap, runs)
            scale = replace(scale, discrete_levels=tuple(float(v) for v in scale.pixel_to_value(colormap.positions)))
            hm_warn.append(f"the colorbar is discrete ({len(runs)} colours): each cell's value is "
                           f"the middle of its colour's band")
        candidates = [colormap]
        if runs is None and (match := stage("catalog", match_bar, colormap, scale)) is not None:
            # the table as the bar renders it, and the table as it is: renderers
            # draw bars and cells alike or not (imshow cells are exact, a bar is
            # rounded), so the one the cells sit closer to is used
            candidates = [catalog_colormap(match, scale, colormap), catalog_colormap(match, scale)]
        grid = stage("grid", find_grid, lab, plot, rgb, **_axis_marks(fg, plot))
        colours = stage("cells", cell_colours, lab, grid)
        heatmaps.append(_read_cells(stage, cfg, rgb, fg, plot, bar, layout, ocr, reading,
                                    list(readings.values()), grid, colours, candidates, scale, hm_warn))
    if not heatmaps:
        raise NoColorbarError("found heatmap(s) but no colorbar that goes with them")
    return Digitization(loaded.source, (rgb.shape[1], rgb.shape[0]), tuple(heatmaps), tuple(warnings), timings)
