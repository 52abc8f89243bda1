"""Figures in the wild (issue 3): one round trip per kind of figure, each failing if that kind breaks.

Every figure is rendered here (matplotlib / seaborn, style sheets, re-encoding,
resampling) with known values; the digitized table is compared cell by cell.
"""
from __future__ import annotations

import numpy as np
import pytest

from digitize import DigitizeConfig, digitize
from digitize.errors import NoColorbarError
from digitize.report.export import to_dict
from render import FigureSpec, render, render_panels

WORDS = ("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu")


def _err(h, truth, spec):
    t = truth["values"]
    known = np.isfinite(t)
    if spec.log:
        got, want, span = np.log10(h.table.values[known]), np.log10(t[known]), np.log10(spec.vmax / spec.vmin)
    else:
        got, want, span = h.table.values[known], t[known], spec.vmax - spec.vmin
    return np.abs(got - want) / span


def _check(spec, rendered, *, mean_tol=0.01, worst_tol=0.05):
    data, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), f"{spec.name}: {result}"
    h = result.heatmaps[0]
    assert (h.rows, h.cols) == (spec.rows, spec.cols), f"{spec.name}: shape {(h.rows, h.cols)}"
    err = _err(h, truth, spec)
    assert float(err.mean()) <= mean_tol, f"{spec.name}: mean error {err.mean():.4f} of the range"
    assert float(err.max()) <= worst_tol, f"{spec.name}: worst cell {err.max():.4f} of the range"
    return h, truth


KINDS = [
    # degraded images
    FigureSpec("jpeg-q60", cmap="viridis", jpeg=60, rows=7, cols=9),
    FigureSpec("downscaled-half", lib="seaborn", cmap="rocket", rows=8, cols=10, downscale=0.5),
    FigureSpec("many-narrow-columns", cmap="magma", rows=12, cols=110, dpi=100),
    # drawn over the cells
    FigureSpec("markers-on-cells", lib="pcolormesh", cmap="viridis", rows=6, cols=8, markers=4),
    FigureSpec("black-gridlines", lib="seaborn", cmap="mako", rows=6, cols=8, gridline=2.0,
               kwargs={"linecolor": "black"}),
    # colorbars
    FigureSpec("extend-both", cmap="plasma", rows=6, cols=8, extend="both"),
    FigureSpec("log-scale", cmap="viridis", rows=6, cols=8, vmin=1e-3, vmax=10.0, log=True),
    # superscript exponents at 100 dpi through JPEG: '10²' easily read flat as '102'
    FigureSpec("log-bottom-jpeg", cmap="Greens", rows=10, cols=9, vmin=1.0, vmax=100.0, log=True,
               cbar="bottom", jpeg=70),
    FigureSpec("rainbow-jet-jpeg", cmap="jet", rows=6, cols=7, vmin=-5, vmax=5, jpeg=80),
    # style sheets and themes
    FigureSpec("style-ggplot", cmap="viridis", rows=6, cols=8, style="ggplot"),
    FigureSpec("style-bmh", cmap="coolwarm", rows=6, cols=8, vmin=-1, style="bmh"),
    FigureSpec("style-dark-background", cmap="inferno", rows=6, cols=8, style="dark_background"),
    # axes
    FigureSpec("unequal-rows", lib="pcolormesh", cmap="viridis", rows=5, cols=8,
               row_heights=(1, 2, 1, 3, 1.5)),
]


@pytest.mark.parametrize("spec", KINDS, ids=[k.name for k in KINDS])
def test_kind_round_trip(spec, rendered):
    _check(spec, rendered)


def test_catalog_names_the_colormap_and_its_direction(rendered):
    for cmap in ("viridis", "magma_r", "rocket"):
        spec = FigureSpec(f"catalog-{cmap}", cmap=cmap, rows=5, cols=6)
        h, _ = _check(spec, rendered, mean_tol=0.004)
        assert h.colormap.name == cmap


def test_catalog_reaches_the_8_bit_limit_on_a_clean_figure(rendered):
    # an exact table: each colour stands for 1/256 of the range, mean error ~1/1024
    spec = FigureSpec("catalog-precision", cmap="viridis", rows=10, cols=12)
    h, truth = _check(spec, rendered)
    assert float(_err(h, truth, spec).mean()) < 0.0015


def test_unknown_colormap_falls_back_to_the_bars_own_colours(rendered):
    spec = FigureSpec("custom-colormap", cmap="custom", rows=6, cols=8)
    h, _ = _check(spec, rendered)
    assert h.colormap.name == ""


def test_discrete_bar_gives_the_level_of_each_colour(rendered):
    spec = FigureSpec("discrete-6", cmap="viridis", rows=6, cols=8, levels=6)
    data, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), result
    h = result.heatmaps[0]
    assert len(h.scale.discrete_levels) == 6
    bounds = truth["bounds"]
    mids = (bounds[:-1] + bounds[1:]) / 2
    np.testing.assert_allclose(sorted(h.scale.discrete_levels), mids, atol=0.01 * (spec.vmax - spec.vmin))
    want = mids[np.clip(np.searchsorted(bounds, truth["values"], side="right") - 1, 0, 5)]
    assert len(np.unique(h.table.values)) <= 6  # every cell takes one of the levels
    assert np.mean(np.abs(h.table.values - want) < 0.005 * (spec.vmax - spec.vmin)) >= 0.95
    doc = to_dict(result)
    assert doc["heatmaps"][0]["colorbar"]["discrete"] is True
    assert any("discrete" in w for w in h.warnings)


def test_no_colorbar_known_colormap_gives_unit_scale_with_warning(rendered):
    spec = FigureSpec("no-colorbar", cmap="viridis", rows=6, cols=8, no_colorbar=True)
    data, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), result
    h = result.heatmaps[0]
    assert h.colormap.name == "viridis"
    unit = (truth["values"] - spec.vmin) / (spec.vmax - spec.vmin)
    assert float(np.abs(h.table.values - unit).mean()) < 0.01
    assert h.scale.source == "unknown"
    assert any("scale is unknown" in w and "--vmin" in w for w in h.warnings)
    # the reader's --vmin/--vmax put it in data units
    scaled = digitize(data, config=DigitizeConfig(vmin=100.0, vmax=200.0)).heatmaps[0]
    assert float(np.abs(scaled.table.values - (100 + 100 * unit)).mean()) < 1.0


def test_no_colorbar_and_no_known_colormap_is_refused(rendered):
    spec = FigureSpec("no-colorbar-custom", cmap="custom", rows=6, cols=8, no_colorbar=True)
    _, _, result = rendered.get(spec)
    assert isinstance(result, NoColorbarError)


def test_labels_on_every_other_tick_leave_the_rest_empty(rendered):
    spec = FigureSpec("label-every-2", lib="seaborn", cmap="viridis", rows=8, cols=10, label_every=2,
                      row_labels=tuple(f"{10 * (i + 1)}k" for i in range(8)))
    h, truth = _check(spec, rendered)
    assert list(h.axes.row_labels) == truth["row_labels"]
    assert list(h.axes.col_labels) == truth["col_labels"]


def test_rotated_45_degree_word_labels(rendered):
    spec = FigureSpec("x-rot-45", cmap="viridis", rows=5, cols=9, x_rot=45, col_labels=WORDS[:9])
    h, truth = _check(spec, rendered)
    assert list(h.axes.col_labels) == truth["col_labels"]


def test_no_tick_labels_gives_empty_lists(rendered):
    spec = FigureSpec("no-ticks", cmap="viridis", rows=5, cols=6, row_labels=("",) * 5, col_labels=("",) * 6,
                      xlabel="", ylabel="")
    h, _ = _check(spec, rendered)
    assert h.axes.row_labels == () and h.axes.col_labels == ()


def test_blank_cells_on_a_dark_theme_are_null(rendered):
    spec = FigureSpec("dark-nan", cmap="viridis", rows=6, cols=6, nan_cells=3, style="dark_background")
    h, truth = _check(spec, rendered)
    assert np.array_equal(np.isnan(h.table.values), np.isnan(truth["values"]))


@pytest.fixture(scope="module")
def panels():
    specs = [FigureSpec("left", cmap="viridis", rows=5, cols=6, vmax=1.0, seed=1),
             FigureSpec("right", cmap="magma", rows=4, cols=7, vmin=-2.0, vmax=2.0, seed=2)]
    data, truths = render_panels(specs)
    return specs, truths, digitize(data)


def test_two_panels_each_with_its_colorbar_in_reading_order(panels):
    specs, truths, result = panels
    assert len(result.heatmaps) == 2
    for h, spec, truth in zip(result.heatmaps, specs, truths):
        assert (h.rows, h.cols) == (spec.rows, spec.cols)
        assert abs(h.scale.vmin - spec.vmin) < 0.01 * (spec.vmax - spec.vmin)
        err = np.abs(h.table.values - truth["values"]) / (spec.vmax - spec.vmin)
        assert float(err.mean()) < 0.01
    assert result.heatmaps[0].plot_box.x0 < result.heatmaps[1].plot_box.x0


def test_two_panels_sharing_one_colorbar():
    specs = [FigureSpec("a", cmap="viridis", rows=5, cols=6, seed=3),
             FigureSpec("b", cmap="viridis", rows=5, cols=6, seed=4)]
    data, truths = render_panels(specs, shared_colorbar=True)
    result = digitize(data)
    assert len(result.heatmaps) == 2
    for h, truth in zip(result.heatmaps, truths):
        assert h.colorbar is not None and h.colorbar == result.heatmaps[0].colorbar
        assert float(np.abs(h.table.values - truth["values"]).mean()) < 0.01


def test_background_coloured_cells_on_a_map_that_ends_in_it_are_values_with_a_warning(rendered):
    # gray ends in white, the page colour: a white cell is a value as likely as a NaN
    spec = FigureSpec("gray-white-end", lib="seaborn", cmap="gray", rows=6, cols=6, nan_cells=2)
    _, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), result
    h = result.heatmaps[0]
    blank_truth = np.isnan(truth["values"])
    assert not np.isnan(h.table.values).any()
    assert h.table.ambiguous[blank_truth].all()
    assert any("may be blank" in w for w in h.warnings)


def test_bar_ending_in_the_page_colour_reaches_its_thick_outline(rendered):
    # at 200 dpi the outline is 2 px and the bar's box takes it in; the last ~1%
    # of gray is too close to white to see, so only the outline shows where it ends
    spec = FigureSpec("gray-200dpi", lib="pcolormesh", cmap="gray", rows=10, cols=8, dpi=200,
                      vmin=1000.0, vmax=5000.0)
    h, _ = _check(spec, rendered)
    assert h.scale.vmin == pytest.approx(1000.0, abs=8.0)
    assert h.scale.vmax == pytest.approx(5000.0, abs=8.0)


@pytest.fixture(scope="module")
def vega_figure():
    """A Vega-Lite heatmap rendered offline by vl-convert (Vega's own renderer: its
    gradient legend, fonts and rotated labels, not matplotlib's)."""
    import json

    vlc = pytest.importorskip("vl_convert")
    rng = np.random.default_rng(0)
    values = np.round(rng.random((6, 8)), 4)
    rows, cols = [f"r{i}" for i in range(6)], [f"c{j}" for j in range(8)]
    data = [{"x": c, "y": r, "v": float(values[i, j])} for i, r in enumerate(rows) for j, c in enumerate(cols)]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": data},
            "mark": "rect", "width": 320, "height": 240,
            "encoding": {"x": {"field": "x", "type": "ordinal", "sort": None},
                         "y": {"field": "y", "type": "ordinal", "sort": None},
                         "color": {"field": "v", "type": "quantitative",
                                   "scale": {"scheme": "viridis", "domain": [0, 1]}}}}
    png = vlc.vegalite_to_png(json.dumps(spec), scale=2)
    return png, values, rows, cols


def test_vega_lite_heatmap(vega_figure):
    png, values, rows, cols = vega_figure
    h = digitize(png).heatmaps[0]
    assert (h.rows, h.cols) == values.shape
    assert abs(h.scale.vmin - 0.0) < 0.01 and abs(h.scale.vmax - 1.0) < 0.01
    err = np.abs(h.table.values - values)
    assert float(err.mean()) < 0.01 and float(err.max()) < 0.05
    assert list(h.axes.row_labels) == rows
    # two-character labels turned by 90 degrees: most are read
    hits = sum(a.lower() == b for a, b in zip(h.axes.col_labels, cols))
    assert hits >= 5, h.axes.col_labels


MORE_KINDS = [
    FigureSpec("hatched-cells", cmap="viridis", rows=6, cols=8, hatch=3),
    FigureSpec("thin-short-unframed-bar", cmap="magma", rows=6, cols=8, cbar_shrink=0.5, cbar_outline=False),
    FigureSpec("bar-left-unframed", cmap="cividis", rows=6, cols=8, cbar="left", cbar_outline=False),
]


@pytest.mark.parametrize("spec", MORE_KINDS, ids=[k.name for k in MORE_KINDS])
def test_more_kinds_round_trip(spec, rendered):
    _check(spec, rendered)


def test_thousands_separators_on_the_bar(rendered):
    spec = FigureSpec("thousands", cmap="viridis", rows=5, cols=6, vmin=0, vmax=25000, cbar_format="thousands")
    _check(spec, rendered)


def test_percent_labels_give_values_in_percent(rendered):
    # the bar reads 0%..100%: values come back in the units printed, percent
    spec = FigureSpec("percent", cmap="viridis", rows=5, cols=6, cbar_format="percent")
    _, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), result
    h = result.heatmaps[0]
    assert abs(h.scale.vmin) < 1 and abs(h.scale.vmax - 100) < 1
    assert float(np.abs(h.table.values - 100 * truth["values"]).mean()) < 1.0


def test_labels_with_spaces_dates_and_long_words(rendered):
    rows = ("New York", "San Diego", "Los Angeles", "Chicago", "Boston")
    cols = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06")
    spec = FigureSpec("words-dates", lib="seaborn", cmap="rocket", rows=5, cols=6, row_labels=rows, col_labels=cols,
                      x_rot=45)
    h, truth = _check(spec, rendered)
    assert list(h.axes.row_labels) == list(rows)
    assert sum(a == b for a, b in zip(h.axes.col_labels, cols)) >= 5, h.axes.col_labels


def test_ggplot2_style_plotnine_heatmap():
    """plotnine draws like ggplot2: tiles on a grey panel that reaches past them,
    white grid lines, a legend bar with white ticks inside and grey labels."""
    pd = pytest.importorskip("pandas")
    plotnine = pytest.importorskip("plotnine")
    import io

    rng = np.random.default_rng(0)
    values = np.round(rng.random((5, 7)), 4)
    rows, cols = [f"r{i}" for i in range(5)], [f"c{j}" for j in range(7)]
    df = pd.DataFrame([(cols[j], rows[i], values[i, j]) for i in range(5) for j in range(7)], columns=["x", "y", "v"])
    df["x"] = pd.Categorical(df["x"], categories=cols)
    df["y"] = pd.Categorical(df["y"], categories=rows[::-1])
    p = (plotnine.ggplot(df, plotnine.aes("x", "y", fill="v")) + plotnine.geom_tile()
         + plotnine.scale_fill_cmap("viridis", limits=(0, 1)) + plotnine.labs(x="Layer", y="Model"))
    buf = io.BytesIO()
    p.save(buf, format="png", dpi=100, width=5, height=3.5, verbose=False)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == values.shape
    assert abs(h.scale.vmin) < 0.03 and abs(h.scale.vmax - 1.0) < 0.03
    assert float(np.abs(h.table.values - values).mean()) < 0.015
    assert h.colormap.name == "viridis"


def test_masked_correlation_triangle_keeps_its_full_grid():
    """The commonest heatmap in papers: a correlation matrix with its upper triangle
    masked. The first row and the last column are all blank; the grid still has
    every variable, the masked cells come back null, and the labels are all read."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 8))
    x[:, 1] += x[:, 0]
    x[:, 5] -= x[:, 3]
    corr = np.corrcoef(x.T)
    mask = np.triu(np.ones_like(corr, bool))
    names = ["age", "income", "score", "height", "weight", "speed", "depth", "time"]
    fig, ax = plt.subplots(figsize=(6, 5), dpi=100)
    sns.heatmap(pd.DataFrame(corr, index=names, columns=names), mask=mask, cmap="coolwarm", vmin=-1, vmax=1,
                annot=True, fmt=".2f", square=True, ax=ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    truth = np.where(mask, np.nan, corr)
    assert (h.rows, h.cols) == (8, 8)
    assert np.array_equal(np.isnan(h.table.values), mask)
    assert float(np.nanmean(np.abs(h.table.values - truth))) < 0.02
    assert list(h.axes.row_labels) == names and list(h.axes.col_labels) == names


def test_grid_of_four_panels_each_with_its_bar_in_reading_order():
    # two bars one above the other must stay two bars
    specs = [FigureSpec(f"p{k}", cmap=cm, rows=r, cols=c, vmax=float(k + 1), seed=10 + k)
             for k, (cm, r, c) in enumerate([("viridis", 4, 5), ("magma", 6, 3), ("plasma", 3, 7), ("cividis", 5, 5)])]
    data, truths = render_panels(specs, grid=(2, 2))
    result = digitize(data)
    assert len(result.heatmaps) == 4
    for h, spec, truth in zip(result.heatmaps, specs, truths):
        assert (h.rows, h.cols) == (spec.rows, spec.cols)
        assert abs(h.scale.vmax - spec.vmax) < 0.01 * spec.vmax
        assert float(np.abs(h.table.values - truth["values"]).mean()) < 0.01 * spec.vmax
