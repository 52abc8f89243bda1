"""The vector front-end's recipe: a page's objects -> its heatmaps, read exactly.

    objects -> tilings (cells) -> colorbars (strips + text labels) -> per tiling:
    its bar -> scale (from the text layer) -> cell values -> printed numbers ->
    labels and titles -> checks -> Heatmap (read_from "vector")

The scale fit, the lookup, the printed-number reconciliation, the checks'
measures and the analysis are the core's, as for the raster front-end. Positions
are given in the pixels of the page rendered at ``PIXELS_PER_POINT`` (what the
raster path and the overlays use), and in points by ``points``.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..config import DigitizeConfig
from ..core.analysis import analyse
from ..core.catalog import barless_key, match_bar, match_cells
from ..core.cells import best_table, discrete_warning, page_on_map, run_on_to_page, table_warnings
from ..core.checks import (
    UNREAD_MIN_CELLS,
    UNREAD_MIN_LEVELS,
    UNREAD_ON_COLORMAP,
    UNREAD_SPREAD,
    along_bar,
    at_centres,
    colormap_check,
    expected_colours,
    reading_checks,
    unused_scale_texts,
)
from ..core.confidence import confidence
from ..core.lookup import delta_e, image_to_index, rgb_to_lab
from ..core.printed import printed_table, printed_warnings, reconcile
from ..core.scale import fit_scale, labelled_levels, scale_decimals, user_scale
from ..core.synthesis import AGREE_DELTA_E
from ..errors import ScaleError
from ..model import (
    Box,
    CellTable,
    Check,
    ColorbarRegion,
    Colormap,
    Grid,
    Heatmap,
    Scale,
    Tick,
    frozen_array,
)
from ..sources.objects import TextItem, VectorPage, union_box
from .axes import bar_title, read_axis_labels
from .bars import VectorBar, find_bars
from .tilings import Tiling, image_tiling, path_tilings

#: Positions are reported in the pixels of the page rendered at 200 dpi.
PIXELS_PER_POINT = 200.0 / 72.0
#: The page colour a vector figure is drawn on (undrawn cells are blank).
PAGE_WHITE = (255, 255, 255)
#: A tiling is this bar's heatmap when at least this share of its cells lie on
#: the bar's colours (a table or a legend beside a bar is not).
MIN_ON_MAP = 0.5


@dataclass(frozen=True)
class VectorReading:
    """What the objects of a page gave: heatmaps read, with their boxes in points,
    and blocks of cells found but not read (with the reason)."""

    heatmaps: tuple[Heatmap, ...]
    points: tuple[tuple[float, float, float, float], ...]
    unread: tuple[tuple[tuple[float, float, float, float], str], ...] = ()
    candidates: int = 0  # blocks of cells found (read or not)
    size: tuple[float, float] = (0.0, 0.0)  # the page's (width, height) in points

    def keeping(self, ks) -> VectorReading:
        """The reading with only its heatmaps (and their boxes) numbered ``ks``."""
        return replace(self, heatmaps=tuple(self.heatmaps[k] for k in ks), points=tuple(self.points[k] for k in ks))


def _px(v) -> np.ndarray:
    return np.asarray(v, np.float64) * PIXELS_PER_POINT


def _box_px(b) -> Box:
    x0, y0, x1, y1 = (round(v * PIXELS_PER_POINT) for v in b)
    return Box(x0, y0, x1, y1)


def _overlaps(a, b) -> bool:
    return not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])


def _pair(t: Tiling, bars: list[VectorBar]) -> VectorBar | None:
    """The bar beside a block of cells: alongside it (sharing half its extent, or
    lying within it: ggplot's legend bar, shorter than the panel and centred on
    it), nearest; a bar whose labels face the block (the block of the next panel,
    past the labels) only when no bar faces it with its back."""
    x0, y0, x1, y1 = t.box
    best, key_best = None, (True, np.inf)
    for b in bars:
        bx0, by0, bx1, by1 = b.box
        if b.orientation == "vertical":
            share = (min(y1, by1) - max(y0, by0)) / max(min(y1 - y0, by1 - by0), 1e-6)
            gap = bx0 - x1 if bx0 >= x1 - 1 else (x0 - bx1 if bx1 <= x0 + 1 else np.inf)
            block_after = x0 >= bx1 - 1
            labels_after = bool(b.texts_used) and np.median([u.cx for u in b.texts_used]) > (bx0 + bx1) / 2
        else:
            share = (min(x1, bx1) - max(x0, bx0)) / max(min(x1 - x0, bx1 - bx0), 1e-6)
            gap = by0 - y1 if by0 >= y1 - 1 else (y0 - by1 if by1 <= y0 + 1 else np.inf)
            block_after = y0 >= by1 - 1
            labels_after = bool(b.texts_used) and np.median([u.cy for u in b.texts_used]) > (by0 + by1) / 2
        key = (block_after == labels_after, gap)  # facing its labels: worse
        if share >= 0.5 and gap < np.inf and key < key_best:
            best, key_best = b, key
    return best


def read_vector_page(page: VectorPage, *, config: DigitizeConfig | None = None,
                     without_bar: bool = False) -> VectorReading:
    """Every heatmap drawn as objects on a page (see the module docstring). A
    block of cells with no bar beside it is left to the raster path, or, with
    ``without_bar`` (an SVG, which has none), read on the named colormap its
    colours lie on (``_catalog_key``), its scale from the numbers printed in it."""
    cfg = config or DigitizeConfig()
    tilings = path_tilings(page) + [t for t in (image_tiling(i) for i in page.images) if t is not None]
    bars = find_bars(page, tilings)
    cells = [t for k, t in enumerate(tilings) if all(b.tiling != k and not _overlaps(b.box, t.box) for b in bars)]
    heatmaps, points, unread = [], [], []
    for t in sorted(cells, key=lambda t: (round(t.box[1]), t.box[0])):
        if t.shape[0] * t.shape[1] < MIN_MAP_CELLS:
            continue  # two squares side by side (a chart's markers) are no map
        bar = _pair(t, bars)
        if bar is None and len(bars) == 1:
            # the page's one bar stands apart (seaborn's clustermap sets it in the
            # corner above the dendrogram): it serves the cells whose colours lie
            # on it (``read_tiling`` refuses others)
            bar = bars[0]
        key = _catalog_key(t, cfg) if bar is None and without_bar else None
        if bar is None and key is None:
            continue  # no bar: the raster path matches the colours to a named colormap
        try:
            h = read_tiling(page, t, bar, config=cfg, key=key)
        except ScaleError as exc:
            if _spreads_along(t, bar, cfg.residual_flag):
                unread.append((t.box, exc.one_line()))
            continue
        if h is not None:
            heatmaps.append(h)
            points.append(tuple(round(float(v), 1) for v in t.box))
    return VectorReading(tuple(heatmaps), tuple(points), tuple(unread), candidates=len(cells), size=page.size)


def _spreads_along(t: Tiling, bar: VectorBar | None, residual_flag: float) -> bool:
    """Whether a block of cells whose bar gave no scale shows a heatmap, as a
    picture's must (``api._unread_is_evidence``): nearly all its cells on the bar's
    colours, spread along it over several places (a diagram's icons placed as
    images, light colours beside a pale shaded box, lie at one end of it)."""
    if bar is None or min(t.shape) < 2 or t.shape[0] * t.shape[1] < UNREAD_MIN_CELLS:
        return False
    drawn = t.rgb[t.drawn].reshape(1, -1, 3)
    if not drawn.size:
        return False
    index, residual = image_to_index(drawn, rgb_to_lab(bar.rgb))  # each distinct colour placed once
    pos = np.asarray(bar.positions, np.float64)
    places = (np.interp(index.ravel(), np.arange(len(pos)), pos) - pos.min()) / max(float(np.ptp(pos)), 1e-9)
    on_bar = residual.ravel() <= residual_flag
    spread, levels = along_bar(np.where(on_bar, places, np.nan))
    return on_bar.mean() >= UNREAD_ON_COLORMAP and spread >= UNREAD_SPREAD and levels >= UNREAD_MIN_LEVELS


def _scale(bar: VectorBar, cfg: DigitizeConfig):
    lo, hi = (float(v) for v in _px(bar.long_range))
    ticks = [Tick(t.label, t.value, float(t.at * PIXELS_PER_POINT), score=1.0) for t in bar.ticks]
    if cfg.vmin is not None:
        return user_scale(cfg.vmin, cfg.vmax, lo, hi, kind=cfg.scale,
                          increasing_with_pixel=bar.orientation == "horizontal", ticks=tuple(ticks))
    labelled = labelled_levels(ticks, _px(bar.positions)) if bar.discrete else None
    scale = labelled or fit_scale(ticks, lo, hi, kind=cfg.scale, increasing_with_pixel=bar.orientation == "horizontal")
    return replace(scale, multiplier=bar.multiplier)


def _catalog_key(t: Tiling, cfg: DigitizeConfig) -> tuple[Colormap, Scale, str] | None:
    """No bar: the named colormap the drawn cells' colours lie on, on the user's
    scale or an unknown 0..1 one (``core.catalog.barless_key``), with the warning
    to give; None when the colours match no named colormap."""
    lab = rgb_to_lab(t.rgb[t.drawn])
    match = match_cells(lab[delta_e(lab, rgb_to_lab(np.array(PAGE_WHITE, np.uint8))) >= BLANK_KEY_DELTA_E])
    return None if match is None else barless_key(match, vmin=cfg.vmin, vmax=cfg.vmax, kind=cfg.scale)


#: A block of cells read as a heatmap holds at least this many (a tiling of two
#: serves as a bar's levels, never as a map; two squares side by side are a
#: chart's markers). A page picture's reading too (``api.on_page_evidence``).
MIN_MAP_CELLS = 3


#: How far from the page a cell must be to say anything about the colormap.
BLANK_KEY_DELTA_E = 2.0


def read_tiling(page: VectorPage, t: Tiling, bar: VectorBar | None, *, config: DigitizeConfig,
                key: tuple[Colormap, Scale, str] | None = None) -> Heatmap | None:
    """One block of cells with its bar (or, without one, the ``key`` of
    ``_catalog_key``) -> a Heatmap; None when its cells are not on the bar's
    colours (not this bar's heatmap)."""
    warnings: list[str] = []
    if bar is None:
        colormap, scale, note = key
        bar_lab = np.asarray(colormap.lab, np.float32)
        warnings.append(note)
    else:
        scale = _scale(bar, config)
        bar_lab = rgb_to_lab(bar.rgb)
        colormap = Colormap(frozen_array(_px(bar.positions)), frozen_array(bar_lab, np.float32),
                            frozen_array(bar.rgb, np.uint8))
        match = match_bar(colormap, scale) if not bar.discrete else None
        if bar.discrete and not scale.level_labels:  # a stepped bar: each cell takes the middle of its level
            scale = replace(scale, discrete_levels=tuple(float(v) for v in scale.pixel_to_value(colormap.positions)))
        if match is not None:  # named, but read on the bar's own exact colours (a catalog's table may round)
            colormap = replace(colormap, name=match.entry.name, match_distance=match.distance)
    bg_lab = rgb_to_lab(np.array(PAGE_WHITE, np.uint8))
    if bar is not None and not bar.discrete:  # a banded map may run on to the page colour past its last band
        colormap = run_on_to_page(colormap, bg_lab, PAGE_WHITE, tuple(_px(bar.long_range)))
    candidates: tuple[Colormap, ...] = (colormap,)
    colours = rgb_to_lab(np.where(t.drawn[..., None], t.rgb, np.array(PAGE_WHITE, np.uint8)))
    page_on_bar = page_on_map(bar_lab, bg_lab)
    colormap, table = best_table(colours, candidates, scale, PAGE_WHITE, residual_flag=config.residual_flag,
                                 page_on_bar=page_on_bar)
    table = _undrawn_blank(table, t.drawn)
    on_map = colormap_check(table, residual_flag=config.residual_flag)
    if on_map.value is not None and on_map.value < MIN_ON_MAP:
        return None
    grid = Grid(frozen_array(_px(t.y_edges)), frozen_array(_px(t.x_edges)), regular=_regular(t))
    texts = [s for s in page.texts if bar is None or all(s is not u for u in bar.texts_used)]
    inside, outside = _split_inside(texts, t)
    printed = None
    if inside and config.printed:
        ends = (float(np.min(colormap.positions)), float(np.max(colormap.positions)))
        printed, used = reconcile(texts=inside, table=table, colormap=colormap, scale=scale, ends=ends)
        if printed.agreement is not None:
            if used is not scale:
                table = replace(table, values=frozen_array(printed.colour_values, np.float64))
                scale = used
                if bar is None:  # the printed numbers gave the scale: it is no longer unknown
                    warnings = [w for w in warnings if w != key[2]]
            table = printed_table(table, printed)
            warnings += printed_warnings(printed)
        else:
            printed = None
    title = None if bar is None else bar_title(outside, bar.box, [s.box for s in bar.texts_used],
                                               bar.orientation == "vertical")
    legend = None if bar is None else [bar.box] + [s.box for s in bar.texts_used] + ([title.box] if title else [])
    labels, _ = read_axis_labels([s for s in outside if title is None or s is not title], t,
                                 legend=None if legend is None else union_box(legend))
    axes = replace(labels.axes, colorbar_label=title.text if title is not None else "")
    if bar is not None and bar.discrete:
        warnings.append(discrete_warning(len(np.unique(bar.rgb, axis=0)), scale.level_labels))
    if bar is not None and bar.multiplier is not None:
        op, v = bar.multiplier
        warnings.append(f"the colorbar's labels are scaled by its text '{_mult_text(bar)}' "
                        f"({'times' if op == 'mul' else 'plus'} {v:g})")
    warnings += table_warnings(table, residual_flag=config.residual_flag)
    checks = _checks(t, table, colormap=colormap, scale=scale, bar=bar, grid=grid, row_anchors=labels.row_anchors,
                     col_anchors=labels.col_anchors, printed=printed, residual_flag=config.residual_flag)
    analysis = analyse(values=table.values, row_labels=axes.row_labels, col_labels=axes.col_labels,
                       decimals=scale_decimals(scale), x_label=axes.x_label, y_label=axes.y_label,
                       vmin=scale.vmin, vmax=scale.vmax)
    region = None if bar is None else ColorbarRegion(_box_px(bar.box), bar.orientation)
    return Heatmap(grid.box, region, colormap, scale, grid, table, axes, analysis, tuple(warnings), page=page.page,
                   checks=checks, confidence=confidence(checks, len(warnings), t.shape), printed=printed,
                   read_from="vector")


def _mult_text(bar: VectorBar) -> str:
    return next((s for s in bar.scale_texts), "")


def _regular(t: Tiling) -> bool:
    return all(np.ptp(np.diff(e)) <= 0.01 * np.mean(np.diff(e)) for e in (t.x_edges, t.y_edges))


def _undrawn_blank(table: CellTable, drawn: np.ndarray) -> CellTable:
    """Cells the figure does not draw are blank, whatever the page colour reads as."""
    if drawn.all():
        return table
    values = np.where(drawn, table.values, np.nan)
    return replace(table, values=frozen_array(values), blank=frozen_array(np.asarray(table.blank) | ~drawn),
                   flagged=frozen_array(np.asarray(table.flagged) & drawn),
                   ambiguous=None if table.ambiguous is None else frozen_array(np.asarray(table.ambiguous) & drawn))


def _split_inside(texts: list[TextItem], t: Tiling) -> tuple[dict, list[TextItem]]:
    """The texts printed in cells ({(row, col): lines, top first}) and the rest."""
    x0, y0, x1, y1 = t.box
    cells: dict[tuple[int, int], list[TextItem]] = {}
    rest = []
    for s in texts:
        if x0 <= s.cx <= x1 and y0 <= s.cy <= y1 and not s.vertical:
            i = int(np.clip(np.searchsorted(t.y_edges, s.cy) - 1, 0, len(t.y_edges) - 2))
            j = int(np.clip(np.searchsorted(t.x_edges, s.cx) - 1, 0, len(t.x_edges) - 2))
            cells.setdefault((i, j), []).append(s)
        else:
            rest.append(s)
    return {k: tuple(s.text for s in sorted(v, key=lambda s: s.cy)) for k, v in cells.items()}, rest


def _checks(t: Tiling, table: CellTable, *, colormap: Colormap, scale, bar: VectorBar | None, grid: Grid, row_anchors,
            col_anchors, printed, residual_flag: float) -> tuple[Check, ...]:
    """The checks of a vector reading: the redrawing against each cell's exact fill
    colour and the labels against the cell centres, measured here; the rest as for
    any reading (``core.checks``)."""
    expected = expected_colours(table, colormap, scale, PAGE_WHITE)
    actual = rgb_to_lab(np.where(t.drawn[..., None], t.rgb, np.array(PAGE_WHITE, np.uint8)))
    per_cell = (delta_e(actual, expected.astype(np.float32)) < AGREE_DELTA_E).astype(np.float64)
    shares = [s for s in (at_centres(_px(row_anchors), grid.row_edges), at_centres(_px(col_anchors), grid.col_edges))
              if s is not None]
    if bar is None:  # a named colormap matched to the cells: no bar to measure
        length, unused = None, []
    else:
        lo, hi = _px(bar.long_range)
        length = float(round(abs(hi - lo)))
        unused = unused_scale_texts(bar.scale_texts, [k.label for k in bar.ticks], bar.multiplier)
    return reading_checks(per_cell=per_cell, axis_shares=shares, scale=scale, bar_length=length, unused_texts=unused,
                          table=table, residual_flag=residual_flag, box=grid.box, frame=None, printed=printed,
                          orientation=None if bar is None else bar.orientation)
