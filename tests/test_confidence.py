"""The checks and the confidence: a right reading passes them, a reading spoiled on
purpose (a wrong grid, a lost scale multiplier) fails the check that should
catch it and gets a low confidence."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import digitize.api as api
import digitize.raster.legend as legend
from digitize import digitize
from digitize.core.confidence import FEATURES, confidence, features
from digitize.model import Check, Grid, frozen_array
from digitize.resources import confidence_model

STACKS = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"


def test_a_right_reading_passes_every_check(example_result):
    h = example_result.heatmaps[0]
    assert h.failed_checks == ()
    assert h.confidence >= 0.9
    names = {c.name for c in h.checks}
    assert {"pixels_explained", "worst_region", "grid_on_axes", "scale_labels", "scale_residual", "tick_steps",
            "scale_text_used", "colours_on_colormap", "box_fills_frame", "scale_resolution"} <= names


def test_a_wrong_grid_is_caught(example_path, monkeypatch):
    right = digitize(example_path).heatmaps[0]
    orig = api.find_grid

    def one_column_short(**kw):
        g = orig(**kw)
        cols = np.linspace(g.col_edges[0], g.col_edges[-1], len(g.col_edges) - 1)
        return Grid(g.row_edges, frozen_array(cols), g.regular)

    monkeypatch.setattr(api, "find_grid", one_column_short)
    h = digitize(example_path).heatmaps[0]
    assert h.cols == right.cols - 1
    failed = set(h.failed_checks)
    assert failed & {"pixels_explained", "worst_region", "grid_on_axes"}, h.checks
    assert h.confidence < 0.5 < right.confidence


def test_a_lost_multiplier_is_caught(monkeypatch):
    image = STACKS / "mpl_offset_extend_arrows.png"
    right = digitize(image).heatmaps[0]
    assert right.scale.multiplier is not None and "scale_text_used" not in right.failed_checks
    orig = legend.read_colorbar

    def without_multiplier(**kw):
        r = orig(**kw)
        m = r.multiplier[1]
        return replace(r, multiplier=None, ticks=tuple(replace(t, value=None if t.value is None else t.value / m)
                                                       for t in r.ticks))

    monkeypatch.setattr(legend, "read_colorbar", without_multiplier)
    h = digitize(image).heatmaps[0]
    assert h.scale.vmax > 100 * right.scale.vmax  # the values are off by the multiplier
    assert "scale_text_used" in h.failed_checks
    assert h.confidence < right.confidence - 0.2


def test_the_model_file_matches_the_features():
    model = confidence_model()
    assert model["features"] == FEATURES
    doc = json.loads((Path(api.__file__).parent / "data" / "confidence.json").read_text())
    assert doc["fitted_on"]["natural"] > 100 and doc["held_out"]["auroc"] > 0.8


def test_confidence_falls_as_the_pixels_stop_being_explained(example_result):
    h = example_result.heatmaps[0]
    worse = tuple(replace(c, value=0.5, passed=False) if c.name in ("pixels_explained", "worst_region") else c
                  for c in h.checks)
    assert confidence(worse, 0) < confidence(h.checks, 0)
    assert features(worse, 0)[FEATURES.index("explained")] == 0.5


def _bar_page(*, outline: bool) -> tuple:
    """A white page with a vertical bar running from near-white (top) to black,
    unframed (as ggplot2 draws a gradient ending at white) or framed."""
    from digitize.model import Box, ColorbarRegion
    from digitize.raster.planes import picture_planes

    rgb = np.full((260, 120, 3), 255, np.uint8)
    ramp = np.linspace(253, 0, 200).astype(np.uint8)
    rgb[30:230, 50:70] = ramp[:, None, None]
    if outline:
        rgb[28:30, 48:72] = 0
        rgb[230:232, 48:72] = 0
        rgb[28:232, 48:50] = 0
        rgb[28:232, 70:72] = 0
    return picture_planes(rgb=rgb, lossy=False), ColorbarRegion(Box(50, 30, 70, 230), "vertical")


def test_a_bar_end_fading_into_the_page_unmarked_is_named():
    """The bar's white end may go on past where its colour meets the page's: the
    check names that end, unless an outline closes it or a plot edge placed it."""
    from dataclasses import replace as dc_replace

    from digitize.raster.checks import faded_ends

    planes, bar = _bar_page(outline=False)
    assert faded_ends(planes, bar) == ["top"]
    assert faded_ends(planes, dc_replace(bar, guessed=(4, 0))) == []
    framed, bar2 = _bar_page(outline=True)
    assert faded_ends(framed, bar2) == []


def test_numeric_axis_marks_between_cells_back_only_the_grid_they_fit():
    """Marks at 0, 2.5, 5 ... (a numeric axis over cells centred on whole numbers)
    stand alternately at cell centres and cell edges: they back a grid of unit
    cells, and not one whose cells are a little smaller or larger. (A grid
    shifted by half a cell alternates too: the redrawing checks catch that.)"""
    from digitize.core.checks import ON_AXES_LIMIT, at_centres

    cell = 20.0
    marks = [cell * (0.5 + 2.5 * k) for k in range(5)]  # values 0, 2.5, ... 10 on 12 cells
    right = np.arange(13) * cell
    assert at_centres(marks, right) >= ON_AXES_LIMIT
    finer = np.linspace(0, 12 * cell, 17)  # 16 cells over the same span
    coarser = np.linspace(0, 12 * cell, 9)  # 8 cells
    assert at_centres(marks, finer) < ON_AXES_LIMIT
    assert at_centres(marks, coarser) < ON_AXES_LIMIT
    off = [m + 0.3 * cell for m in marks]  # the right step, standing neither at centres nor at edges
    assert at_centres(off, right) < ON_AXES_LIMIT


def test_numeric_axis_marks_on_cell_edges_back_an_odd_step_only():
    """pcolormesh's cells span [0, 1], [1, 2] ...: its ticks at 0, 5, 10 stand on
    cell edges, five cells apart, and back the grid. Marks on every other edge
    of a grid (labels at the centres of cells we cut in two) back nothing."""
    from digitize.core.checks import ON_AXES_LIMIT, at_centres

    cell = 12.0
    right = np.arange(25) * cell
    assert at_centres([cell * 5 * k for k in range(5)], right) >= ON_AXES_LIMIT
    halves = np.arange(49) * cell / 2  # each cell cut in two: the true centres are its edges
    assert at_centres([cell * (0.5 + k) for k in range(24)], halves) < ON_AXES_LIMIT


def test_printed_numbers_that_mostly_disagree_cap_the_confidence(example_path):
    """Every check passes, but most numbers printed in the cells disagree with the
    values their colours give: the scale or the numbers are wrong, and the
    confidence says so."""
    from digitize.core.confidence import PRINTED_DISAGREE_CAP
    from digitize.model import Check

    h = digitize(example_path).heatmaps[0]
    assert h.confidence > PRINTED_DISAGREE_CAP
    agree = confidence(h.checks + (Check("printed_agree", True, 0.97, 0.9),), len(h.warnings))
    disagree = confidence(h.checks + (Check("printed_agree", False, 0.14, 0.9),), len(h.warnings))
    assert agree == h.confidence
    assert disagree <= PRINTED_DISAGREE_CAP


def _good_checks(labels: Check) -> tuple:
    return (Check("pixels_explained", True, 1.0, 0.9), Check("worst_region", True, 1.0, 0.6),
            Check("grid_on_axes", True, 1.0, 0.8), labels, Check("colours_on_colormap", True, 1.0, 0.95))


def test_a_log_scale_on_two_labels_is_capped():
    """Octave's '10^{0}' read '10' (its superscript 0 too small) and '10^{-3}' read
    right: a log scale on those two was a decade off at confidence 0.97. Two
    labels of a log scale cannot outvote a misread exponent: at most
    LOG_TWO_LABELS_CAP; two labels of a linear one are not capped."""
    from digitize.core.confidence import LOG_SCALE, LOG_TWO_LABELS_CAP

    assert confidence(_good_checks(Check("scale_labels", False, 2.0, 3, LOG_SCALE)), 0) <= LOG_TWO_LABELS_CAP
    assert confidence(_good_checks(Check("scale_labels", True, 4.0, 3, LOG_SCALE)), 0) > LOG_TWO_LABELS_CAP
    assert confidence(_good_checks(Check("scale_labels", False, 2.0, 3)), 0) > LOG_TWO_LABELS_CAP


def test_a_scale_read_against_its_bar_on_few_labels_is_capped():
    """A small Vega-Lite legend, -2..2 up to down... read '1' and '2' (their minus
    signs lost) on a scale growing downwards: at 0.89. A vertical bar whose values
    grow down (``scale_direction`` failed) on three labels or fewer is capped at
    REVERSED_CAP; on many labels (a bar drawn so) it is not."""
    from digitize.core.checks import direction_check
    from digitize.core.confidence import REVERSED_CAP
    from digitize.model import Scale

    down = Scale("linear", 1.0 / 26.0, -2.8, -2.35, 2.15)  # values grow with the pixel row: downwards
    check = direction_check(down, "vertical")
    assert not check.passed and "down" in check.detail
    assert direction_check(down, "horizontal").passed  # growing to the right
    assert confidence(_good_checks(Check("scale_labels", False, 2.0, 3)) + (check,), 0) <= REVERSED_CAP
    assert confidence(_good_checks(Check("scale_labels", True, 6.0, 3)) + (check,), 0) > REVERSED_CAP


def test_a_scale_that_fits_few_of_the_numbers_read_is_capped():
    """A horizontal bar whose labels were cut at the picture's edge: '-1' and '5'
    (of '0.5') agreed on a scale -1 .. 6.8, four other numbers did not, and the
    table claimed 0.955. The check counts places along the bar (a place read two
    ways once) and caps the confidence where under half agree."""
    from digitize.core.checks import scale_checks
    from digitize.core.confidence import LABELS_DISAGREE_CAP
    from digitize.model import Scale, Tick

    ticks = (Tick("-1", -1.0, 110.0, inlier=True), Tick("-0", -0.0, 283.0), Tick("5", 5.0, 293.0),
             Tick("5", -5.0, 293.0, weight=0.5), Tick("0", 0.0, 625.0), Tick("5", 5.0, 638.0, inlier=True),
             Tick("1", 1.0, 803.0), Tick("A", None, 456.0))
    scale = Scale("linear", 6.0 / 528.0, -1.0 - 110.0 * 6.0 / 528.0, -1.0, 6.84, ticks)
    by = {c.name: c for c in scale_checks(scale, bar_length=690.0, unused_texts=[])}
    agree = by["scale_labels_agree"]
    assert not agree.passed and agree.value == pytest.approx(2 / 6, abs=0.001)
    assert confidence(_good_checks(by["scale_labels"]) + (agree,), 0) <= LABELS_DISAGREE_CAP
    fine = replace(scale, ticks=tuple(replace(t, inlier=t.value is not None and t.weight == 1.0) for t in ticks))
    assert {c.name: c for c in scale_checks(fine, bar_length=690.0, unused_texts=[])}["scale_labels_agree"].passed


def test_an_outer_line_of_no_drawn_cell_is_capped_unless_a_masked_triangle():
    """A grid grown a step past its cells (a band of crowded tick labels under the
    plot taken in as a row) has an outer row of blank cells, which redraws
    perfectly well: 8 x 27 for 7 x 27 at confidence 0.99 on a bokeh figure. Such a
    grid is capped at OUTER_BLANK_CAP; a correlation matrix whose masked triangle
    takes the diagonal too (its first row wholly blank) is not, nor is a blank
    cell here and there."""
    from digitize.core.checks import outer_lines_check
    from digitize.core.confidence import OUTER_BLANK_CAP

    margin = np.zeros((8, 27), bool)
    margin[-1] = True
    check = outer_lines_check(margin)
    assert not check.passed and "bottom row" in check.detail
    labels = Check("scale_labels", True, 4.0, 3)
    assert confidence(_good_checks(labels) + (check,), 0) <= OUTER_BLANK_CAP
    i, j = np.indices((9, 9))
    triangle = j >= i  # the upper triangle and the diagonal masked: row 0 and column 8 wholly blank
    triangle[5, 2] = True  # and a missing value below it
    assert outer_lines_check(triangle).passed and outer_lines_check(j > i).passed
    scattered = np.zeros((6, 6), bool)
    scattered[0, 1] = scattered[3, 5] = True
    good = outer_lines_check(scattered)
    assert good.passed and confidence(_good_checks(labels) + (good,), 0) > OUTER_BLANK_CAP


@pytest.mark.parametrize("fmt,levels", [("png", 8), ("png", 64), ("svg", 8)])
def test_a_bar_of_few_wide_levels_caps_the_confidence(fmt, levels, tmp_path):
    """Continuous data on a stepped bar (BoundaryNorm) can be read only to the
    middle of each level: with levels wider than 2% of the range the table is
    not right to 1%, and the confidence says so (check level_resolution, capped);
    a bar of 64 levels tells values to under 1% and is not capped."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm

    rng = np.random.default_rng(levels)
    v = np.round(rng.uniform(0, 1, (6, 7)), 3)
    fig, ax = plt.subplots(figsize=(6, 5), dpi=100)
    bounds = np.linspace(0, 1, levels + 1)
    im = ax.imshow(v, cmap="viridis", norm=BoundaryNorm(bounds, 256))
    fig.colorbar(im, ax=ax, ticks=np.linspace(0, 1, 5))
    path = tmp_path / f"levels.{fmt}"
    fig.savefig(path)
    plt.close(fig)
    h = digitize(path).heatmaps[0]
    middles = (np.digitize(v, bounds[1:-1]) + 0.5) / levels
    assert float(np.abs(h.table.values - middles).max()) <= 0.01  # each cell its level's middle
    check = next((c for c in h.checks if c.name == "level_resolution"), None)
    if levels == 8:
        assert not check.passed and check.value == pytest.approx(0.5 / levels, abs=0.002)
        assert h.confidence <= 0.6
    else:  # fine levels: read as a continuous bar, or as levels that pass
        assert check is None or check.passed
        assert h.confidence > 0.6


def test_a_bar_end_cut_back_to_its_last_label_is_marked():
    """plotly's bar above the plot (fixture made by fixtures/stacks/make_stacks.py)
    fades to white some pixels before its end, which stands short of the plot's
    edge: its last label marks the end. The bar ends there (scale 0..1, was
    0..1.015), and that end counts as marked (no faded-end warning)."""
    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"
    h = digitize(fixtures / "plotly_hot_bar_on_top.png").heatmaps[0]
    assert (h.scale.vmin, h.scale.vmax) == (0.0, 1.0)
    ends = next(c for c in h.checks if c.name == "bar_ends_seen")
    assert ends.passed, ends
    assert not any("fades into the page" in w for w in h.warnings)


def _labels(points, pitch):
    from digitize.raster.lattice import Lattice

    return Lattice(pitch, min(points), max(points), tuple(points), "labels", "bottom")


def test_labels_going_on_past_the_grid_are_counted_one_cell_after_another():
    from digitize.core.checks import labels_past_grid

    edges = np.arange(300.0, 661.0, 36.0)  # ten cells of 36 px from x = 300
    inside = [318.0 + 36 * k for k in range(10)]
    # the three cells before the grid are labelled as its own are: it stops short of them
    assert labels_past_grid([_labels([210.0, 246.0, 282.0] + inside, 36.0)], edges) == 3
    # labels of a panel beyond a gap stand off the next cells' places; a stray label is one
    assert labels_past_grid([_labels(inside + [700.0, 736.0], 36.0)], edges) == 0
    assert labels_past_grid([_labels([280.0] + inside, 36.0)], edges) == 1
    # a lattice that does not step with the cells says nothing of them
    assert labels_past_grid([_labels([246.0 - 50 * k for k in range(3)] + inside, 50.0)], edges) == 0
    # past an end closed by the panel's frame, labels that go on are the next panel's
    assert labels_past_grid([_labels([210.0, 246.0, 282.0] + inside, 36.0)], edges, (False, True)) == 0
    assert labels_past_grid([_labels([210.0, 246.0, 282.0] + inside, 36.0)], edges, (True, False)) == 3


def test_a_panel_framed_beside_another_whose_labels_continue_its_lattice_is_not_short():
    """Two framed panels of cells a few pixels apart, each with its own column
    labels: the second's labels stand where the first's next cells would, but
    past the first's frame they are the second's (the first stands at 0.4 when
    they count)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digitize import digitize

    rng = np.random.default_rng(4)
    vals = [rng.random((6, 5)), rng.random((6, 5))]
    fig = plt.figure(figsize=(8, 3), dpi=100)
    for k, v in enumerate(vals):
        ax = fig.add_axes([0.08 + k * 0.39, 0.15, 0.385, 0.7])
        im = ax.imshow(v, cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(5), [f"{2 ** (j + 3)}k" for j in range(5)], fontsize=7)
        ax.set_yticks(range(6)) if k == 0 else ax.set_yticks([])
    fig.colorbar(im, cax=fig.add_axes([0.9, 0.15, 0.015, 0.7]))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert [(h.rows, h.cols) for h in res.heatmaps] == [(6, 5), (6, 5)]
    for h, v in zip(res.heatmaps, vals):
        assert np.abs(h.table.values - v).max() <= 0.02
        assert h.confidence >= 0.5 and not any(c.name == "labels_past_grid" and not c.passed for c in h.checks)


def test_a_grid_short_of_its_labels_is_marked_doubtful(example_result):
    from digitize.config import DEFAULT_MIN_CONFIDENCE

    checks = example_result.heatmaps[0].checks
    assert confidence(checks, 0) >= 0.9
    short = checks + (Check("labels_past_grid", False, 3.0, 2.0),)
    assert confidence(short, 0) < DEFAULT_MIN_CONFIDENCE


def test_ink_beside_the_cells_is_no_bar_end():
    """``cell_ends_even`` on its own: an axis line drawn against a map's cells, with
    tick marks of two lengths on alternate rows (ggplot's theme_classic, whose rows
    were read as bars ending unevenly: a right reading capped at 0.05), is ink,
    not the cells' colour running on; bars of one colour whose ends differ are."""
    from digitize.model import Grid
    from digitize.raster.checks import ragged_cells
    from digitize.raster.planes import picture_planes

    rgb = np.full((200, 260, 3), 255, np.uint8)
    rng = np.random.default_rng(0)
    for r in range(10):  # a 10 x 10 map of greens at x 50..250, y 0..200
        for c in range(10):
            rgb[r * 20:(r + 1) * 20, 50 + c * 20:70 + c * 20] = (30 + int(rng.integers(0, 150)), 160, 60)
    rgb[:, 47:50] = 0  # the axis line against the cells
    for r in range(10):
        rgb[r * 20 + 6:r * 20 + 14, 41 if r % 2 else 44:47] = 0  # ticks, long and short
    grid = Grid(np.arange(0, 201, 20.0), np.arange(50, 251, 20.0))
    assert ragged_cells(picture_planes(rgb=rgb, lossy=False), grid) == 0

    bars = np.full((200, 260, 3), 255, np.uint8)  # bars drawn across from x = 50, each its own length
    for r in range(10):
        bars[r * 20 + 2:r * 20 + 18, 50:50 + int(rng.integers(60, 210))] = (200, 80, 40)
    assert ragged_cells(picture_planes(rgb=bars, lossy=False), grid) >= 2


def test_a_scale_on_two_labels_one_at_a_bar_end_may_rest_on_a_rounded_end():
    """Vega-Lite labels a short gradient with its domain's ends only, printed in
    the format of its ticks: a domain of 0.335 to 1 shows '0.3' and '1.0' at the
    bar's ends. The scale read from them is 0.3 to 1, 5% off at its low end, and
    no second label can show it: the reading says it may be wrong (it claimed 0.98
    before). With room for more labels the same legend reads right, confidently."""
    vlc = pytest.importorskip("vl_convert")
    rng = np.random.default_rng(3)
    v = np.round(rng.uniform(0.335, 1.0, (9, 14)), 3)
    v[0, 0], v[1, 1] = 0.335, 1.0
    rows, cols = [f"{m}B" for m in (1, 3, 7, 13, 34, 70, 110, 180, 405)], [f"task{j}" for j in range(14)]
    values = [{"r": rows[i], "c": cols[j], "v": float(v[i, j])} for i in range(9) for j in range(14)]

    def spec(step):
        return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": values},
                "mark": "rect", "width": {"step": step}, "height": {"step": 21},
                "encoding": {"x": {"field": "c", "type": "ordinal", "sort": cols},
                             "y": {"field": "r", "type": "ordinal", "sort": rows},
                             "color": {"field": "v", "type": "quantitative",
                                       "scale": {"scheme": "orangered", "reverse": True, "domain": [0.335, 1.0]},
                                       "legend": {"orient": "bottom", "direction": "horizontal"}}},
                "config": {"legend": {"labelFontSize": 13}}}

    short = digitize(vlc.vegalite_to_png(json.dumps(spec(12)), scale=2.0)).heatmaps[0]
    assert len([t for t in short.scale.ticks if t.inlier]) == 2
    assert "labels_not_at_ends" in short.failed_checks
    assert short.confidence <= 0.5
    long = digitize(vlc.vegalite_to_png(json.dumps(spec(30)), scale=2.0)).heatmaps[0]
    assert abs(long.scale.vmin - 0.335) <= 0.0067 and long.confidence >= 0.9
