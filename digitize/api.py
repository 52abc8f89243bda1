"""digitize(): the recipe, stage by stage, keeping every intermediate.

A source (an image file, bytes, an array, or each picture of a PDF page) gives
pictures; each picture is read by the same recipe:

    planes -> layout (plots, colorbars) -> ink -> per plot: box -> grid -> cell
    colours -> legend (scale and colormap) -> table -> axis labels -> analysis

Every stage is a function of earlier results passed by name, and returns a
frozen result. Nothing here calls back into a source.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from .config import DigitizeConfig
from .core.analysis import analyse
from .core.cells import best_table, cell_colours, smoothed, table_warnings
from .core.checks import (
    SIBLING_EXPLAINED_SLACK,
    UNREAD_MIN_CELLS,
    UNREAD_MIN_LEVELS,
    UNREAD_ON_COLORMAP,
    UNREAD_SPREAD,
    along_bar,
    explained,
    sibling_grid_checks,
    sibling_grids,
)
from .core.confidence import confidence
from .core.lookup import lab_to_rgb, project_onto_polyline, rgb_to_lab, set_threads
from .core.printed import printed_warnings
from .core.scale import scale_decimals
from .errors import DigitizeError, NoColorbarError, NoHeatmapError, ScaleError
from .model import AxisText, Box, Colormap, Digitization, Grid, Heatmap, Scale, frozen_array
from .raster.axes import read_axes
from .raster.checks import run_checks
from .raster.grids import find_grid, pixel_blocks
from .raster.grids.grow import grow_to_labels
from .raster.grids.thinned import refine, thinned_step
from .raster.lattice import axis_evidence
from .raster.layout import find_layout, reading_order
from .raster.legend import read_legend
from .raster.ocr import Recognizer, configure_default_recognizer, default_recognizer
from .raster.panels import extend_to_ticks, framed_together, pair_colorbar
from .raster.planes import picture_planes, with_ink
from .raster.printed import read_printed
from .sources.imageio import LoadedImage, load_image
from .sources.pdf import is_pdf, page_count, page_pictures, render_page
from .sources.pdfobjects import page_objects
from .sources.svg import is_svg, render_svg, render_svg_text, svg_objects
from .vector.glyphs import spell_outlines
from .vector.paint import paint_page
from .vector.reader import MIN_MAP_CELLS, PIXELS_PER_POINT, VectorReading, read_vector_page
from .vector.tilings import MIN_CELLS

Progress = Callable[[str], None]


class _Stages:
    """Runs stages by name: reports each to ``progress`` and adds up its time."""

    def __init__(self, progress: Progress | None = None):
        self.say = progress or (lambda _s: None)
        self.timings: dict[str, float] = {}

    def __call__(self, name: str, fn, /, **kwargs):
        self.say(name)
        t0 = time.perf_counter()
        out = fn(**kwargs)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0
        return out


def digitize(src, *, config: DigitizeConfig | None = None,
             recognizer: Recognizer | None = None, progress: Progress | None = None) -> Digitization:
    """Recover the heatmap(s) of a figure.

    Parameters
    ----------
    src : path (an image, or a PDF: every page is searched), raw image bytes, a
        binary file object, a PIL image, an (H, W, 3) uint8 RGB array, or an image
        already loaded by ``load_image``
    config : DigitizeConfig, optional
    recognizer : OCR engine; defaults to the bundled PP-OCR model (loaded once)
    progress : called with the name of each stage as it starts

    Returns a ``Digitization``; raises a ``DigitizeError`` subclass when the image
    cannot be read or holds no heatmap that can be measured.
    """
    cfg = config or DigitizeConfig()
    if isinstance(src, (str, os.PathLike)) and str(src) != "-" and is_pdf(src):  # by content, not by name
        return digitize_pdf(src, config=cfg, recognizer=recognizer, progress=progress)
    if isinstance(src, (str, os.PathLike)) and str(src) != "-" and is_svg(src):
        return digitize_svg(src, config=cfg, recognizer=recognizer, progress=progress)
    stage = _Stages(progress)
    picture = src if isinstance(src, LoadedImage) else stage("load", load_image, src=src,
                                                             max_pixels=cfg.max_pixels, max_bytes=cfg.max_bytes)
    result = read_picture(picture, config=cfg, recognizer=recognizer, stage=stage)
    # the pixels travel with the result (a reference, not a copy) for its notebook view
    return replace(result, picture=picture.rgb, heatmaps=tuple(replace(h, picture=picture.rgb)
                                                               for h in result.heatmaps))


def read_picture(picture: LoadedImage, *, config: DigitizeConfig, recognizer: Recognizer | None = None,
                 stage: _Stages | None = None, read_elsewhere: Callable[[Box], bool] | None = None) -> Digitization:
    """Every heatmap of one picture (see the module docstring for the recipe);
    ``read_elsewhere(plot)``: whether a plot found is a heatmap already read in
    another picture, better than this one can (it is not read again)."""
    stage = stage or _Stages()
    planes = stage("lab", picture_planes, rgb=picture.rgb, lossy=picture.lossy)
    layout = stage("layout", find_layout, planes=planes)
    if not layout.plots:
        h, w = planes.shape
        raise NoHeatmapError(f"expected a block of coloured cells; found none in {picture.source} ({w}x{h})")
    planes = stage("layout", with_ink, planes=planes, boxes=layout.plots + tuple(c.box for c in layout.colorbars))
    layout = stage("layout", framed_together, planes=planes, layout=layout)
    ocr = (recognizer or default_recognizer()) if config.ocr else None
    readings: dict = {}  # colorbar readings, shared by the plots one bar serves
    heatmaps, skipped, elsewhere = _read_plots(picture=picture, planes=planes, layout=layout, ocr=ocr,
                                               config=config, readings=readings, stage=stage,
                                               read_elsewhere=read_elsewhere)
    # the key of sibling panels' printed numbers, for the panels that make none of their own
    key = _siblings_key(heatmaps) if skipped and ocr is not None and config.printed else None
    if key is not None:
        heatmaps, skipped = _read_on_siblings_key(heatmaps, skipped, key, planes=planes, layout=layout, ocr=ocr,
                                                  config=config, readings=readings, stage=stage)
    warnings = list(picture.warnings)
    if not heatmaps:
        if not skipped and elsewhere:
            raise NoHeatmapError(f"expected a heatmap not read elsewhere; every one found in {picture.source} "
                                 f"was read in another picture")
        if not skipped:
            raise NoColorbarError("found heatmap(s) but no colorbar that goes with them")
        skipped[0].skipped = tuple(skipped)  # every plot found but not read, for a page's report
        raise skipped[0]
    warnings += [f"skipped the heatmap at {exc.plot_box}: " + _SKIPPED[type(exc)] for exc in skipped]
    for i, grid in sibling_grids(heatmaps).items():  # a pale panel of small multiples, read on its siblings' grid
        again = _read_heatmap(heatmaps[i].plot_box, planes=planes, layout=layout, ocr=ocr, config=config,
                              readings=readings, stage=stage, grid=grid, key=key)
        if explained(again) >= explained(heatmaps[i]) - SIBLING_EXPLAINED_SLACK:
            heatmaps[i] = replace(again, warnings=again.warnings + (
                f"read on the grid of its sibling panels ({grid.rows} x {grid.cols}); its own colour edges gave "
                f"{heatmaps[i].rows} x {heatmaps[i].cols}",))
    heatmaps = sibling_grid_checks(heatmaps)
    h, w = planes.shape
    return Digitization(picture.source, (w, h), tuple(heatmaps), tuple(warnings), stage.timings,
                        skipped=tuple(skipped))


def _read_plots(*, picture: LoadedImage, planes, layout, ocr, config: DigitizeConfig, readings: dict,
                stage: _Stages, read_elsewhere: Callable[[Box], bool] | None = None
                ) -> tuple[list[Heatmap], list[DigitizeError], int]:
    """Each plot of a picture read: the heatmaps, the errors of the plots that
    could not be read (each with its ``plot_box``), and how many plots were passed
    over as ``read_elsewhere`` (each counts as a heatmap found). A plot that fails
    does not stop the next (a bar chart's bar found first, beside heatmaps with
    their bars)."""
    heatmaps: list[Heatmap] = []
    skipped: list[DigitizeError] = []
    failed: list[Box] = []  # the plots not read, as found
    elsewhere = 0
    for found in layout.plots:
        if not heatmaps and not elsewhere and len(failed) >= MAX_FAILURES:
            break  # a picture whose first plots all fail holds none that this reading reads
        if not heatmaps and not elsewhere and sum(_alike(found, f) for f in failed) >= ALIKE_FAILURES:
            # with none read yet, a plot the size of several that could not be read goes
            # the same way (a page of 144 thumbnails)
            continue
        if read_elsewhere is not None and read_elsewhere(found):
            elsewhere += 1
            continue
        # a ruled plot's outer rules are its edges; another's may reach past its colour to the ticks
        plot = found if layout.ruling_of(found) is not None else stage("layout", extend_to_ticks, planes=planes,
                                                                          plot=found, layout=layout)
        try:
            heatmaps.append(_read_plot(plot, picture=picture, planes=planes, layout=layout, ocr=ocr, config=config,
                                       readings=readings, stage=stage))
        except (ScaleError, NoColorbarError) as exc:
            exc.plot_box = plot.as_list()  # where the unreadable heatmap lies
            skipped.append(exc)
            failed.append(found)
    return heatmaps, skipped, elsewhere


def _siblings_key(heatmaps: list[Heatmap]) -> tuple[Colormap, Scale] | None:
    """The key the printed numbers of a picture's barless panels make together,
    from at least SIBLING_KEYS panels read on their numbers (scale source
    'cell_text'); else None. Panels keyed by their own numbers (``printed_key``:
    each number at the colour it stands on) pool their numbers, each at the median
    of its colours; panels on a named map whose scale the numbers set lend the
    middle one's map and scale, when their scales' ends agree within
    SIBLING_RANGE_SHARE of the range."""
    keyed = [h for h in heatmaps if h.colorbar is None and h.scale.source == "cell_text"]
    own = [h for h in keyed if np.isclose(np.min(h.colormap.positions), h.scale.vmin)
           and np.isclose(np.max(h.colormap.positions), h.scale.vmax)]
    if len(own) >= SIBLING_KEYS:
        values = np.concatenate([np.asarray(h.colormap.positions, np.float64) for h in own])
        lab = np.concatenate([np.asarray(h.colormap.lab, np.float32) for h in own])
        distinct = np.unique(values)
        mid = np.array([np.median(lab[values == v], axis=0) for v in distinct], np.float32)
        colormap = Colormap(frozen_array(distinct), frozen_array(mid, np.float32),
                            frozen_array(np.clip(np.round(lab_to_rgb(mid)), 0, 255), np.uint8))
        return colormap, Scale("linear", 1.0, 0.0, float(distinct[0]), float(distinct[-1]), (), "cell_text")
    if len(keyed) < SIBLING_KEYS:
        return None
    keyed.sort(key=lambda h: (h.scale.vmax, h.scale.vmin))
    lo, hi = [h.scale.vmin for h in keyed], [h.scale.vmax for h in keyed]
    span = max(float(np.median(hi) - np.median(lo)), 1e-12)
    if max(max(lo) - min(lo), max(hi) - min(hi)) > SIBLING_RANGE_SHARE * span:
        return None  # each panel on its own range: no one key
    mid = keyed[len(keyed) // 2]
    return mid.colormap, mid.scale


#: Panels read on their numbers it takes for a sibling to be read on their key, and
#: how far (share of the range) their scales' ends may differ.
SIBLING_KEYS = 2
SIBLING_RANGE_SHARE = 0.1


def _read_on_siblings_key(heatmaps: list[Heatmap], skipped: list[DigitizeError], key: tuple, *, planes, layout,
                          ocr, config: DigitizeConfig, readings: dict,
                          stage: _Stages) -> tuple[list[Heatmap], list[DigitizeError]]:
    """Panels of small multiples that print their numbers but were not read, their
    cells taking too few colours to match a colormap or key themselves (a model
    near 0.9 everywhere, one pale green), read on the key their sibling panels'
    numbers agree on (``key``); kept only where their own numbers are then read."""
    keyed = [h.plot_box for h in heatmaps if h.scale.source == "cell_text"]
    kept: list[DigitizeError] = []
    found = len(heatmaps)
    for exc in skipped:
        box = Box(*exc.plot_box) if isinstance(exc, NoColorbarError) else None
        if box is None or not any(_alike(box, k) for k in keyed):
            kept.append(exc)
            continue
        try:
            h = _read_heatmap(box, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings,
                              stage=stage, key=key)
        except (ScaleError, NoColorbarError):
            kept.append(exc)
            continue
        if h.printed is None:
            kept.append(exc)
        else:
            heatmaps.append(h)
    if len(heatmaps) == found:
        return heatmaps, kept
    at = {id(b): k for k, b in enumerate(reading_order([h.plot_box for h in heatmaps]))}
    return sorted(heatmaps, key=lambda h: at.get(id(h.plot_box), len(at))), kept  # the new in their place


#: Plots whose sides differ by at most this share are alike in size; past this many
#: alike ones that could not be read (and none read), the rest are not tried.
ALIKE_SIZE_SHARE = 0.1
ALIKE_FAILURES = 3
#: With none read yet, no plot is tried past this many that could not be read (the
#: time a picture of many blocks may take stays bounded).
MAX_FAILURES = 6


def _alike(a: Box, b: Box) -> bool:
    """Whether two plots are of a size."""
    return all(abs(u - v) <= ALIKE_SIZE_SHARE * max(u, v, 1) for u, v in ((a.width, b.width), (a.height, b.height)))


def _read_plot(plot: Box, *, picture: LoadedImage, planes, layout, ocr, config: DigitizeConfig, readings: dict,
               stage: _Stages) -> Heatmap:
    """One plot's heatmap: read once more without an annotation track found beside
    its cells, and on blocks of pixels when its cells are too small to resolve."""
    h = _read_heatmap(plot, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings, stage=stage)
    inner = _without_off_map_edges(h)
    if inner is not None:  # an annotation track beside the cells: read without it
        h = _read_heatmap(inner.box, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings,
                          stage=stage)
    if not is_evidence(h) and unresolved(h, picture.rgb) and not _resolved(h, planes):
        # cells too small to resolve: read on blocks of pixels
        h = _read_blocks(plot, h, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings,
                         stage=stage)
    finer = _thinned_grid(h)
    if finer is not None:  # labels on every k-th cell: the rows (columns) between them read too
        again = _read_heatmap(h.plot_box, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings,
                              stage=stage, grid=finer)
        if explained(again) >= explained(h):
            h = again
    return h


def _thinned_grid(h: Heatmap) -> Grid | None:
    """The grid with k cells to each label, where the labels read (wherever they
    fall on the grid found) are whole numbers stepping by k, set as seaborn thins
    them (``grids.thinned``); None where neither axis is so labelled, or the grid
    found already has those cells."""
    if h.grid.block:
        return None
    a = h.axes
    rows, cols = np.asarray(h.grid.row_edges, np.float64), np.asarray(h.grid.col_edges, np.float64)
    kr, cr = thinned_step(a.row_labels, a.row_label_at, a.row_text_height)
    kc, cc = thinned_step(a.col_labels, a.col_label_at, a.col_text_height)
    r = refine(rows, a.row_label_at, cr) if kr > 1 else None
    c = refine(cols, a.col_label_at, cc) if kc > 1 else None
    # a grid already k cells to a label (its rows' colours told them apart) stays
    r = None if r is not None and len(r) == len(rows) else r
    c = None if c is not None and len(c) == len(cols) else c
    if r is None and c is None:
        return None
    return Grid(frozen_array(rows if r is None else r), frozen_array(cols if c is None else c), regular=True)


#: Checks whose failure the reader is also warned of (their detail says what to do).
WARNING_CHECKS = ("bar_ends_seen", "outer_lines_drawn", "labels_past_grid", "cell_ends_even")

_SKIPPED = {ScaleError: "its colorbar labels were unreadable",
            NoColorbarError: "no colorbar beside it and its colours match no known colormap"}


def _read_heatmap(plot: Box, *, planes, layout, ocr, config: DigitizeConfig, readings: dict,
                  stage: _Stages, grid: Grid | None = None, axes: AxisText | None = None,
                  key: tuple | None = None) -> Heatmap:
    """One plot of a picture, from its grid (found, or ``grid`` given) to its
    analysis; its labels read, or ``axes`` given; ``key``: its sibling panels'
    printed key, for a plot with no bar and no colormap or key of its own."""
    bar = pair_colorbar(planes=planes, plot=plot, bars=layout.colorbars)
    legend = None
    if bar is not None:  # a bar's labels are read first: they tell whether the plot can be measured at all
        legend = stage("colorbar", read_legend, planes=planes, plot=plot, bar=bar, layout=layout, colours=None,
                       ocr=ocr, config=config, readings=readings)
    evidence = stage("grid", axis_evidence, planes=planes, plot=plot, layout=layout, readings=list(readings.values()))
    found = grid is None
    grid = stage("grid", find_grid, planes=planes, plot=plot, layout=layout, evidence=evidence) if found else grid
    ruling = next((r for r in layout.rulings if r.grid is grid), None)  # the drawn rules the grid is
    plot = grid.box.clip(planes.lab.shape[:2])  # a grid grown past the picture: the part on it
    colours = stage("cells", cell_colours, lab=planes.lab, grid=grid)
    if legend is None:
        legend = stage("catalog", read_legend, planes=planes, plot=plot, bar=None, layout=layout,
                       colours=colours, ocr=ocr, config=config, readings=readings, grid=grid, key=key)
    colormap, table = stage("cells", best_table, colours=colours, colormaps=legend.colormaps, scale=legend.scale,
                            background=layout.background, residual_flag=config.residual_flag,
                            page_on_bar=legend.page_on_bar)
    printed = None
    if ocr is not None and config.printed:
        printed, scale, table = stage("printed", read_printed, planes=planes, grid=grid, colours=colours, table=table,
                                      colormap=colormap, scale=legend.scale, ocr=ocr)
        kept = tuple(w for w in legend.warnings if scale.source == "unknown" or w != legend.unknown_note)
        legend = replace(legend, scale=scale, warnings=kept + tuple(printed_warnings(printed) if printed else ()))
    if legend.scale_error and legend.scale.source == "unknown":
        raise _unreadable(legend, table, stage("checks", run_checks, planes=planes, plot=plot, grid=grid,
                                               legend=legend, colormap=colormap, table=table, evidence=evidence,
                                               residual_flag=config.residual_flag, ruling=ruling))
    axes = axes or stage("axes", read_axes, planes=planes, plot=plot, grid=grid, layout=layout, ocr=ocr,
                         reading=legend.reading, readings=list(readings.values()))  # given: no labels read
    checks = stage("checks", run_checks, planes=planes, plot=plot, grid=grid, legend=legend, colormap=colormap,
                   table=table, evidence=evidence, residual_flag=config.residual_flag, printed=printed, ruling=ruling)
    warnings = list(legend.warnings) + table_warnings(table, residual_flag=config.residual_flag) + \
        [c.detail for c in checks if c.name in WARNING_CHECKS and not c.passed]
    analysis = stage("analysis", analyse, values=table.values, row_labels=axes.row_labels,
                     col_labels=axes.col_labels, decimals=scale_decimals(legend.scale), x_label=axes.x_label,
                     y_label=axes.y_label, vmin=legend.scale.vmin, vmax=legend.scale.vmax)
    h = Heatmap(plot, legend.bar, colormap, legend.scale, grid, table, axes, analysis, tuple(warnings),
                checks=checks, confidence=confidence(checks, len(warnings), (grid.rows, grid.cols)), printed=printed)
    return _grown_to_labels(h, evidence, planes=planes, layout=layout, ocr=ocr, config=config, readings=readings,
                            stage=stage, key=key) if found else h


def _grown_to_labels(h: Heatmap, evidence, *, planes, layout, ocr, config: DigitizeConfig, readings: dict,
                     stage: _Stages, key: tuple | None) -> Heatmap:
    """A heatmap whose axis labels go on past its grid (``labels_past_grid``),
    read again on the grid grown over those cells of the page colour
    (``grids.grow.grow_to_labels``), as often as they still go on; the first
    reading where they do not."""
    again = h
    for _ in range(GROW_ROUNDS):
        if _not_failed(again.checks, "labels_past_grid"):
            break
        if again is not h:  # the labels along a wider plot (more of them are read)
            evidence = stage("grid", axis_evidence, planes=planes, plot=again.plot_box, layout=layout,
                             readings=list(readings.values()))
        grown = grow_to_labels(planes, again.grid, evidence)
        if grown is None:
            break
        again = _read_heatmap(grown.box.clip(planes.lab.shape[:2]), planes=planes, layout=layout, ocr=ocr,
                              config=config, readings=readings, stage=stage, grid=grown, key=key)
    if again is not h and _not_failed(again.checks, "labels_past_grid") and \
            explained(again) >= explained(h) - GROWN_SLACK:
        note = _GROWN.format(rows=h.rows, cols=h.cols, grown_rows=again.rows, grown_cols=again.cols)
        return replace(again, warnings=again.warnings + (note,))
    return h


#: A grid grown over the page-coloured cells its labels go on to (as often as
#: labels still go on past it, up to GROW_ROUNDS times: a label OCR missed stops
#: a round) is kept when it explains the plot within this share as well as the
#: grid found.
GROW_ROUNDS = 4
GROWN_SLACK = 0.02
_GROWN = ("the axis labels go on past the cells' colour edges ({rows} x {cols}): read as {grown_rows} x "
          "{grown_cols}, the outer cells the page colour")


def _without_off_map_edges(h: Heatmap) -> Grid | None:
    """The grid without its outer rows and columns whose every cell lies off the
    colormap (an annotation track of category colours drawn along the cells, as
    pheatmap and ComplexHeatmap draw them), or None when there are none (or the
    cells left would be too few to be a heatmap)."""
    off = np.asarray(h.table.flagged) & ~np.asarray(h.table.blank)
    if h.grid.block or min(off.shape) < 1:
        return None
    r0, r1, c0, c1 = 0, off.shape[0], 0, off.shape[1]
    while r1 - r0 > 2 and off[r0, c0:c1].all():
        r0 += 1
    while r1 - r0 > 2 and off[r1 - 1, c0:c1].all():
        r1 -= 1
    while c1 - c0 > 2 and off[r0:r1, c0].all():
        c0 += 1
    while c1 - c0 > 2 and off[r0:r1, c1 - 1].all():
        c1 -= 1
    if (r0, r1, c0, c1) == (0, off.shape[0], 0, off.shape[1]) or off[r0:r1, c0:c1].mean() > 0.5:
        return None
    g = h.grid
    return Grid(frozen_array(np.asarray(g.row_edges)[r0:r1 + 1]), frozen_array(np.asarray(g.col_edges)[c0:c1 + 1]),
                g.regular)


#: Cells a picture does not resolve are read on at most this many blocks of
#: pixels a side, and such a reading's confidence is at most RESAMPLED_CONFIDENCE:
#: its values are the picture's colours, its shape is not the figure's.
RESAMPLED_MAX_SIDE = 200
RESAMPLED_CONFIDENCE = 0.5
_RESAMPLED = ("cells not resolved: the grid found ({rows} x {cols}) redraws only {share:.0%} of the plot (cells too "
              "small or uneven at this resolution), so the values are read on {brows} x {bcols} blocks of "
              "{k} x {k} pixels laid over it, not on the figure's own cells; for those, read it from a "
              "higher-resolution source")


#: Fewest cells on which a picture is judged smoothed between their centres (on
#: a handful of large cells, texture passes for ramps).
SMOOTHED_MIN_CELLS = 16


def _resolved(h: Heatmap, planes) -> bool:
    """Whether a reading's cells are resolved whatever else failed: numbers printed
    in them agree with most of them, or the picture is smoothed between their
    centres (an interpolated raster: the redraw fails between the centres)."""
    if h.printed is not None and h.printed.agreement is not None and h.printed.agreement >= 0.5:
        return True
    return h.rows * h.cols >= SMOOTHED_MIN_CELLS and smoothed(planes.lab, h.grid)


def _read_blocks(plot: Box, h: Heatmap, *, planes, layout, ocr, config: DigitizeConfig, readings: dict,
                 stage: _Stages) -> Heatmap:
    """A heatmap whose cells were not resolved (``unresolved``: nearly all its
    pixels on its bar's colours) read again on blocks of pixels (``pixel_blocks``),
    when that redraws more of its plot than the grid found; else ``h`` as it was.
    The numbers a block might print are not looked for."""
    blocks = pixel_blocks(plot, max_side=RESAMPLED_MAX_SIDE)
    titles = replace(h.axes, row_labels=(), col_labels=())  # the titles stand; no label names a block
    again = _read_heatmap(plot, planes=planes, layout=layout, ocr=ocr, config=replace(config, printed=False),
                          readings=readings, stage=stage, grid=blocks, axes=titles)
    if explained(again) <= explained(h):
        return h
    note = _RESAMPLED.format(rows=h.rows, cols=h.cols, share=explained(h), brows=blocks.rows, bcols=blocks.cols,
                             k=blocks.block)
    return replace(again, confidence=min(again.confidence, RESAMPLED_CONFIDENCE), warnings=again.warnings + (note,))


def _unreadable(legend, table, checks) -> ScaleError:
    """The error for a plot whose bar gave no scale, carrying what tells a heatmap
    from something else beside a bar (see ``_unread_is_evidence``): the grid's
    shape, how far the cells spread along the bar, and the checks a reading gets."""
    exc = ScaleError(legend.scale_error)
    exc.shape = table.values.shape
    exc.spread, exc.levels = along_bar(np.asarray(table.values))  # the values: places along the bar, 0..1
    # what was read beside the bar: words and no number say it is no colorbar (a
    # table's shaded column beside its entries)
    read = [t for t in legend.reading.ticks if t.label.strip()] if legend.reading is not None else []
    exc.words_only = bool(read) and all(t.value is None for t in read) and \
        any(sum(c.isalpha() for c in t.label) >= 2 for t in read)
    exc.checks = checks
    return exc


def configure_threads(threads: int) -> None:
    """Threads for the OCR engine and the lookup core in this process (0: all cores)."""
    configure_default_recognizer(threads=threads)
    set_threads(threads)


def digitize_svg(path: str | os.PathLike, *, config: DigitizeConfig | None = None,
                 recognizer: Recognizer | None = None, progress: Progress | None = None) -> Digitization:
    """The heatmaps of an SVG, read from its objects (``vector``): its filled cells or
    images of cells, its colorbar and the labels in its text. Text drawn as glyph
    outlines (Cairo's SVG, from R's svg()) is spelled first: each outline read
    where it is drawn alone, and named by what its readings agree on. When the
    objects give no heatmap, the SVG drawn to pixels goes through the raster
    recipe; when that finds none either, NoHeatmapError says what the objects held."""
    cfg = config or DigitizeConfig()
    stage = _Stages(progress)
    page = stage("load", svg_objects, path=path, max_pixels=cfg.max_pixels, max_bytes=cfg.max_bytes)
    if page.glyphs and cfg.ocr:
        glyphs = stage("load", render_svg_text, text=page.glyph_svg, source=str(path),
                       pixels_per_point=GLYPH_PIXELS_PER_POINT, max_pixels=cfg.max_pixels)
        page = stage("ocr", spell_outlines, page=page, picture=glyphs, scale=GLYPH_PIXELS_PER_POINT,
                     recognizer=recognizer or default_recognizer())
    vector = stage("vector", read_vector_page, page=page, config=cfg, without_bar=True)
    if not vector.heatmaps:
        why = "; ".join(reason for _, reason in vector.unread) or (
            f"{vector.candidates} block(s) of cells but no colorbar with labels beside them" if vector.candidates
            else "no block of filled cells or image of cells")
        if not page.texts:
            why += ", and no text at all"
        try:
            rgb = stage("load", render_svg, path=path, pixels_per_point=PIXELS_PER_POINT, max_pixels=cfg.max_pixels)
            note = f"read from the SVG drawn to pixels: its objects hold {why}"
            res = read_picture(LoadedImage(rgb, str(path), (note,), lossy=False), config=cfg, recognizer=recognizer,
                               stage=stage)
        except DigitizeError as exc:
            raise NoHeatmapError(f"expected a heatmap drawn with a colorbar in {path}; its objects hold {why}, "
                                 f"and drawn to pixels: {exc.one_line()}",
                                 hint="export the figure as PNG (or PDF) and digitize that") from exc
        return replace(res, heatmaps=tuple(replace(h, picture=rgb) for h in res.heatmaps), picture=rgb)
    size = (round(page.size[0] * PIXELS_PER_POINT), round(page.size[1] * PIXELS_PER_POINT))
    # the overlay and the notebook are drawn on the objects painted at the readings' scale
    picture = paint_page(page, scale=PIXELS_PER_POINT, max_pixels=cfg.max_pixels)
    tagged = tuple(replace(h, points=p, picture=picture) for h, p in zip(vector.heatmaps, vector.points))
    return Digitization(str(path), size, tagged, (), stage.timings, picture=picture)


#: Glyph outlines are drawn at this many pixels a point to be read (a 7-point
#: label is then about 20 pixels high).
GLYPH_PIXELS_PER_POINT = 4.0


# --- PDFs: every picture of every page, read by the same recipe ----------------

@dataclass(frozen=True)
class PageResult:
    """The heatmaps read from one picture of a PDF page (or from its objects)."""

    result: Digitization  # heatmaps tagged with their page number (1-based)
    positions: list  # per heatmap: (x0, y0, x1, y1) on the page in PDF points, from the top-left
    image: np.ndarray | None  # the picture's pixels (for the overlay); None: the page, rendered on demand
    where: tuple = ()  # (path, 0-based page index) of the page

    def pixels(self) -> np.ndarray:
        """The pixels the heatmaps' boxes refer to (the page rendered when the
        heatmaps were read from its objects)."""
        return self.image if self.image is not None else render_page(*self.where)


#: On a PDF page, where a picture may be anything (a bar chart, a table, a photo),
#: a reading is evidence of a heatmap only when the table redrawn from it explains
#: at least this share of its plot's pixels ...
PAGE_EXPLAINED_MIN = 0.5
#: ... and no row or column of its grid is explained less than this (a grid laid
#: over something else leaves whole rows of it unexplained).
PAGE_WORST_REGION_MIN = 0.01


#: Without a colorbar the grid is the only evidence: its cells must redraw nearly
#: all of the plot (a pie chart or a diagram cut into a grid leaves its curves).
PAGE_EXPLAINED_MIN_NO_BAR = 0.9


#: A reading on no scale whose cells lie, all but fewer than MIN_MAP_CELLS of them,
#: within ONE_COLOUR_PLACE of their median place on the colormap is one colour with
#: a cell or two of others (a diagram's grey panel and a box on it), no evidence of
#: a map; a map of one colour with a diagonal of others (attention) stays.
ONE_COLOUR_PLACE = 0.05


def is_evidence(h: Heatmap) -> bool:
    """Whether a reading shows a heatmap: its cells redraw the plot (see the checks
    pixels_explained and worst_region), nearly all of it when it has no colorbar;
    or it is read on blocks of pixels, which is done only when nearly all the
    plot's pixels lie on its bar's colours (``unresolved``)."""
    return h.grid.block > 0 or _redraws(h.checks, has_bar=h.colorbar is not None)


def _redraws(checks, *, has_bar: bool) -> bool:
    by = {c.name: c.value for c in checks}
    explained, worst = by.get("pixels_explained"), by.get("worst_region")
    least = PAGE_EXPLAINED_MIN if has_bar else PAGE_EXPLAINED_MIN_NO_BAR
    return (explained is None or explained >= least) and (worst is None or worst >= PAGE_WORST_REGION_MIN)


def on_page_evidence(h: Heatmap) -> bool:
    """Whether a reading of a PDF page's picture shows a heatmap (where a picture
    may be anything): MIN_MAP_CELLS cells at least (two are too little of a grid:
    two blurred words of a shaded text box beside a third), ``is_evidence``, and a
    grid that redraws only part of its plot backed by more than that part
    (``_backed``), its cells not all of one value on a bar of two labels, or
    blocks of pixels that spread along a well-read bar (``_varied_blocks``); one
    on no scale at all (its colours matched to a named map, or labels that are no
    scale) must also redraw every region of its plot, not stand off its axes, and
    not be one colour with a cell or two of others (``_one_place_but_two``)."""
    if h.rows * h.cols < MIN_MAP_CELLS or not is_evidence(h) or not _not_failed(h.checks, "cell_ends_even"):
        return False  # (uneven ends: bars of a bar chart beside their colorbar)
    if h.grid.block > 0:
        backed = _varied_blocks(h)
    else:  # cells all of one colour, on a bar of two labels, are a block of one colour
        # (a bar of a bar chart cut up, two value labels beside the next bar taken for
        # a bar's); a map of one value (a perfect needle-in-a-haystack score) has a bar
        backed = _backed(h.checks) and (_not_failed(h.checks, "scale_labels") or _along_scale(h)[1] >= 2)
    # with no scale to vouch for it, no region of the plot left unexplained (a line chart
    # on seaborn's lavender ground, the ground on a named map, redraws all but its curves)
    # and the cells not standing off the axis labels (a bar chart on that ground, cut
    # into a grid at its bars' ends); a map with no axis text has none to stand off
    return backed and (_on_a_scale(h) or _not_failed(h.checks, "worst_region")
                       and _not_failed(h.checks, "grid_on_axes") and not _one_place_but_two(h))


def _one_place_but_two(h: Heatmap) -> bool:
    """Whether all but fewer than MIN_MAP_CELLS of a reading's cells lie within
    ONE_COLOUR_PLACE of their median place along its scale (its colormap, for a
    reading on none)."""
    places = _places(h)
    places = places[np.isfinite(places)] if places is not None else places
    return places is not None and places.size > 0 and \
        int((np.abs(places - np.median(places)) > ONE_COLOUR_PLACE).sum()) < MIN_MAP_CELLS


def _along_scale(h: Heatmap) -> tuple[float, int]:
    """``along_bar`` for a reading's values, placed on its scale (``_places``)."""
    places = _places(h)
    return along_bar(places) if places is not None else (0.0, 0)


def _places(h: Heatmap) -> np.ndarray | None:
    """A reading's values placed on its scale: 0 at vmin, 1 at vmax (log scales in
    decades); None for a scale of no extent."""
    s = h.scale
    with np.errstate(divide="ignore", invalid="ignore"):
        lo, hi, v = (np.log10(np.asarray(x, np.float64)) if s.kind == "log" else np.asarray(x, np.float64)
                     for x in (s.vmin, s.vmax, h.table.values))
        if not np.isfinite(hi - lo) or hi == lo:
            return None
        return (v - lo) / (hi - lo)


def _varied_blocks(h: Heatmap) -> bool:
    """A reading on blocks of pixels (its plot's pixels on its bar's colours, but no
    cells resolved) shows a heatmap when its blocks spread along the bar over
    several levels, as a found-but-unread map's cells must (one bar of a bar chart
    beside another, taken for a colorbar, is one colour), and its bar's scale
    rests on enough labels (scale_labels)."""
    spread, levels = _along_scale(h)
    # and its bar read on three labels or more: blocks are the weakest reading, and
    # two numbers beside a strip (a bar chart's axis by the next bar) are no bar
    return spread >= UNREAD_SPREAD and levels >= UNREAD_MIN_LEVELS and _not_failed(h.checks, "scale_labels")


def _on_a_scale(h: Heatmap) -> bool:
    """Whether a reading has a scale: one from labels that neither lie on the scale
    fitted to them (scale_residual) nor step evenly (tick_steps) is none (a line
    chart's axis numbers beside the shaded bands of the chart next to it)."""
    if h.scale.source == "unknown":
        return False
    failed = {c.name for c in h.checks if not c.passed}
    return not {"scale_residual", "tick_steps"} <= failed


def _not_failed(checks, name: str) -> bool:
    """Whether check ``name`` passed, or had nothing to measure (or was not run)."""
    c = next((c for c in checks if c.name == name), None)
    return c is None or c.value is None or c.passed


def _backed(checks) -> bool:
    """A grid that redraws only part of its plot (pixels_explained failed) is backed
    by its worst row or column redrawn, or by its cells standing on the axis
    marks with the plot filling its axes frame. Curves coloured along a
    colorbar, cut into a grid, are backed by neither (a grid laid on the marks
    stands on them whatever it covers)."""
    by = {c.name: c for c in checks}
    if "pixels_explained" not in by or by["pixels_explained"].passed:
        return True

    def passed(k: str) -> bool:
        return k in by and by[k].passed and by[k].value is not None

    fills = "box_fills_frame" not in by or by["box_fills_frame"].passed
    return passed("worst_region") or passed("grid_on_axes") and fills


#: A reading that does not redraw its plot is still a heatmap, unread, when its
#: scale comes from a colorbar's labels and nearly all its plot's pixels (this
#: share, within UNRESOLVED_DELTA_E) lie on the bar's colours: its cells are too
#: small or too uneven for the grid found (a map of hundreds of thin rows,
#: smoothed at the picture's resolution).
UNRESOLVED_ON_COLORMAP = 0.8
UNRESOLVED_DELTA_E = 10.0
_UNRESOLVED = ("a heatmap whose cells could not be resolved: the grid found ({rows} x {cols}) redraws only "
               "{share:.0%} of it (cells too small or uneven at this resolution; crop and enlarge it, or read "
               "it from a higher-resolution source)")


def unresolved(h: Heatmap, rgb: np.ndarray) -> bool:
    """Whether a reading that fails to redraw its plot (``is_evidence``) is a heatmap
    whose cells were not resolved (see UNRESOLVED_ON_COLORMAP); ``rgb``: the
    picture it was read from. Its bar must rest on enough labels (scale_labels):
    a bar chart's bar beside the next, with two of its axis numbers, is no bar."""
    if h.colorbar is None or h.scale.source != "ticks" or not _not_failed(h.checks, "scale_labels"):
        return False
    b = h.plot_box
    sub = rgb[b.y0:b.y1, b.x0:b.x1].reshape(-1, 3)
    if len(sub) < 16:
        return False
    sample = sub[np.linspace(0, len(sub) - 1, min(len(sub), 4000)).astype(int)]
    _, residual = project_onto_polyline(rgb_to_lab(sample), np.asarray(h.colormap.lab, np.float32))
    return float((residual < UNRESOLVED_DELTA_E).mean()) >= UNRESOLVED_ON_COLORMAP


def _unread_is_evidence(exc: ScaleError) -> bool:
    """Whether a plot whose bar gave no scale is a heatmap: a grid of cells in the
    bar's colours, spread along it over several levels, that redraws the plot, its
    bar labelled by something other than words alone, its colour starting at cell
    edges (a bar chart, a genome track or a table beside a colour strip is not)."""
    checks = getattr(exc, "checks", None)
    shape = getattr(exc, "shape", (0, 0))
    if not checks or min(shape) < 2 or shape[0] * shape[1] < UNREAD_MIN_CELLS \
            or getattr(exc, "spread", 0.0) < UNREAD_SPREAD or getattr(exc, "levels", 0) < UNREAD_MIN_LEVELS \
            or getattr(exc, "words_only", False) or not _not_failed(checks, "cell_ends_even"):
        return False
    on_map = next((c.value for c in checks if c.name == "colours_on_colormap"), None)
    return on_map is not None and on_map >= UNREAD_ON_COLORMAP and _redraws(checks, has_bar=True)


def _unread_plots(skipped, pic: LoadedImage, index: int) -> list:
    """The plots of a page picture found but not read that are heatmaps (a block
    of cells and a bar whose labels gave no scale: ``_unread_is_evidence``)."""
    out = []
    for exc in skipped:
        if isinstance(exc, ScaleError) and _unread_is_evidence(exc):
            box = getattr(exc, "plot_box", None)
            where = tuple(round(v, 1) for v in pic.to_points(box)) if box else None
            out.append(Unread(index + 1, exc.one_line(), where))
    return out


@dataclass(frozen=True)
class Unread:
    """A heatmap found on a page but not read: a block of cells with a colorbar
    beside it whose labels gave no scale. ``position`` in PDF points (None when
    the reading stopped before the plot was placed)."""

    page: int  # 1-based
    reason: str
    position: tuple[float, float, float, float] | None = None


def digitize_pdf_page(path: str | os.PathLike, index: int, *, config: DigitizeConfig | None = None,
                      recognizer: Recognizer | None = None, unread: list[Unread] | None = None) -> list[PageResult]:
    """Every heatmap on page ``index`` (0-based), one ``PageResult`` per picture that
    holds heatmaps. The page's objects are read first (``vector``): heatmaps drawn
    as filled cells or placed as images of cells, with a colorbar and its labels
    in the text layer, are read exactly from them. The pictures (embedded images,
    and the page rendered, unless every block of cells on it was read from its
    objects) then go through the raster recipe. A heatmap found several ways is
    reported once: from its objects; else from the reading with a scale (an image
    of the cells alone has no colorbar; the page has it beside them), and among
    those from the embedded image (its own resolution). Readings that do not
    redraw their plot (``is_evidence``: a bar chart or a table taken for cells)
    are not reported. Heatmaps found but not read (a bar whose labels give no
    scale) are added to ``unread`` when it is given."""
    cfg = config or DigitizeConfig()
    decoded: dict = {}  # the page's images, decoded once for both readings
    vector = _vector_reading(path, index, cfg, decoded) if cfg.vector else VectorReading((), ())
    # a page's objects may be anything too (a diagram's icons placed as images, each
    # pixel taken for a cell): their readings face the pictures' test of evidence
    vector = vector.keeping([k for k, h in enumerate(vector.heatmaps) if on_page_evidence(h)])
    whole = bool(vector.heatmaps) and len(vector.heatmaps) == vector.candidates and not vector.unread and \
        min(h.confidence for h in vector.heatmaps) >= VECTOR_TRUSTED
    found: list[tuple[int, LoadedImage, Digitization, int, tuple]] = []  # (picture, pic, result, heatmap, points)
    not_read: list[Unread] = [Unread(index + 1, reason, tuple(round(v, 1) for v in box)) for box, reason in vector.unread]
    pictures = page_pictures(path, index, max_pixels=cfg.max_pixels, render=not whole, decoded=decoded)
    for n, pic in enumerate(pictures):
        if pic.kind == "embedded" and any(_same_place(tuple(pic.placement), p) for p in vector.points):
            continue  # the cells of a heatmap read from the objects
        # the render does not read again what an embedded image read on a scale (that
        # reading is the one kept: ``rank``), where no object reading competes with it
        sure = [a[4] for a in found if a[1].kind == "embedded" and a[2].heatmaps[a[3]].scale.source != "unknown"
                and not any(_same_place(a[4], v) for v in vector.points)] if pic.kind == "page" else []
        try:
            res = read_picture(pic, config=cfg, recognizer=recognizer,
                               read_elsewhere=_at_places(pic, sure) if sure else None)
        except (ScaleError, NoColorbarError) as exc:  # plots found, none read
            not_read += _unread_plots(getattr(exc, "skipped", (exc,)), pic, index)
            continue
        except DigitizeError:
            continue  # a photo, a line chart, text: not every picture is a heatmap
        not_read += _unread_plots(res.skipped, pic, index)
        found += [(n, pic, res, k, tuple(pic.to_points(h.plot_box.as_list())))
                  for k, h in enumerate(res.heatmaps) if on_page_evidence(h)]
        not_read += [Unread(index + 1, _UNRESOLVED.format(rows=h.rows, cols=h.cols, share=explained(h)),
                            tuple(round(v, 1) for v in pic.to_points(h.plot_box.as_list())))
                     for h in res.heatmaps if not is_evidence(h) and unresolved(h, pic.rgb)]
    # a heatmap read from the objects is kept over the pictures' readings of it,
    # unless one of those is more confident (the objects misled: a wrong bar)
    def best_raster(pts) -> float:
        return max((a[2].heatmaps[a[3]].confidence for a in found if _same_place(a[4], pts)), default=-1.0)

    vector = vector.keeping([k for k, pts in enumerate(vector.points) if vector.heatmaps[k].confidence >=
                             VECTOR_TRUSTED or vector.heatmaps[k].confidence >= best_raster(pts)])
    vec_found = [(-1, None, k, pts) for k, pts in enumerate(vector.points)]
    found = [a for a in found if not any(_same_place(a[4], v[3]) for v in vec_found)]

    def rank(item) -> tuple[bool, bool]:
        _, pic, res, k, _ = item
        return res.heatmaps[k].scale.source != "unknown", pic.kind == "embedded"

    kept = [a for a in found if not any(b[0] != a[0] and _same_place(a[4], b[4]) and
                                        (rank(b) > rank(a) or (rank(b) == rank(a) and b[0] < a[0]))
                                        for b in found)]
    if unread is not None:  # each unread heatmap once, and none that another picture read
        read_at = [a[4] for a in kept] + [v[3] for v in vec_found]
        for u in not_read:
            if u.position is None or not any(_same_place(u.position, pts) for pts in read_at) and \
                    not any(v.position is not None and _same_place(u.position, v.position) for v in unread):
                unread.append(u)
    results: list[PageResult] = []
    if vector.heatmaps:
        w, h = (round(v * PIXELS_PER_POINT) for v in vector.size)
        tagged = tuple(replace(hm, points=pts) for hm, pts in zip(vector.heatmaps, vector.points))
        results.append(PageResult(Digitization(f"{path}#page={index + 1}", (w, h), tagged), list(vector.points),
                                  None, (str(path), index)))
    for n in sorted({a[0] for a in kept}):
        mine = [a for a in kept if a[0] == n]
        pic, res = mine[0][1], mine[0][2]
        tagged = tuple(replace(res.heatmaps[a[3]], page=index + 1, points=tuple(round(v, 1) for v in a[4]))
                       for a in mine)
        results.append(PageResult(replace(res, heatmaps=tagged),
                                  [tuple(round(v, 1) for v in a[4]) for a in mine], pic.rgb, (str(path), index)))
    return results


#: A heatmap read from a page's objects with at least this confidence is taken
#: as it is; below it, a reading of the rendered page that is more confident wins.
VECTOR_TRUSTED = 0.5


def _at_places(pic: LoadedImage, places: list[tuple]) -> Callable[[Box], bool]:
    """Whether a plot of ``pic`` stands at one of ``places`` (page points)."""
    return lambda box: any(_same_place(tuple(pic.to_points(box.as_list())), p) for p in places)


def _same_place(a: tuple, b: tuple) -> bool:
    """Two boxes (points) show one heatmap: the middle of one lies inside the other."""
    inside = lambda p, q: q[0] <= (p[0] + p[2]) / 2 <= q[2] and q[1] <= (p[1] + p[3]) / 2 <= q[3]  # noqa: E731
    return inside(a, b) or inside(b, a)


def _vector_reading(path, index: int, cfg: DigitizeConfig, decoded: dict | None = None) -> VectorReading:
    """The heatmaps drawn as objects on a page; none when its objects cannot be read
    (the raster path still reads the page). ``decoded``: see ``page_objects``."""
    try:
        return read_vector_page(page_objects(path, index, min_cells=MIN_CELLS, decoded=decoded), config=cfg)
    except DigitizeError:
        return VectorReading((), ())


def digitize_pdf(path: str | os.PathLike, *, config: DigitizeConfig | None = None,
                 recognizer: Recognizer | None = None, progress: Progress | None = None) -> Digitization:
    """All heatmaps of a PDF as one ``Digitization`` (each heatmap knows its page).
    Raises NoHeatmapError when no page holds one."""
    return digitize_pdf_pages(path, config=config, recognizer=recognizer, progress=progress)[0]


def digitize_pdf_pages(path: str | os.PathLike, *, config: DigitizeConfig | None = None,
                       recognizer: Recognizer | None = None,
                       progress: Progress | None = None) -> tuple[Digitization, list[PageResult]]:
    """``digitize_pdf``, and the ``PageResult`` of every picture that held heatmaps
    (with its pixels, for one overlay per picture)."""
    cfg = config or DigitizeConfig()
    total = page_count(path)
    n = min(total, cfg.max_pages)
    heatmaps, warnings, size = [], [], (0, 0)
    pages: list[PageResult] = []
    if total > n:
        warnings.append(f"read the first {n} of {total} pages (the page limit, --max-pages)")
    for i in range(n):
        if progress is not None:
            progress(f"page {i + 1}/{n}")
        for found in digitize_pdf_page(path, i, config=config, recognizer=recognizer):
            pages.append(found)
            res = found.result
            heatmaps += list(res.heatmaps)
            warnings += [f"page {i + 1}: {w}" for w in res.warnings]
            size = res.image_size
    if not heatmaps:
        raise NoHeatmapError(f"expected a heatmap on some page of {path}; found none on its {n} page(s)",
                             hint="if the heatmap is there, render the page yourself and give a crop")
    return Digitization(str(path), size, tuple(heatmaps), tuple(warnings), {}), pages
