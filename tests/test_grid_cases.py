"""Grids the colour edges alone get wrong, read right from what else the figure
holds: edges that cross only some lines, cells at the page colour framed by the
axes, round-number ticks of a numeric axis, a legend title set against its bar.

Each figure is drawn here (matplotlib, or Vega-Lite through vl-convert) from
known values; the test reads it back and checks the shape, the colorbar's range
and the values."""
from __future__ import annotations

import io

import numpy as np
import pytest

from digitize import digitize


def _png(draw, *, figsize=(6, 5), dpi=100) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    draw(fig, ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _pass_fail(rows: int, cols: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((rows, cols)) < np.linspace(0.9, 0.3, cols)).astype(float)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_pass_fail_map_on_a_numeric_axis_of_round_ticks(seed):
    """Two colours: neighbouring columns differ in about half their rows, so no
    boundary crosses most of the plot, and the x axis is numeric (cells 512
    apart, centred on 512, 1024 ...; ticks at 1000, 2000 ...), its ticks at the
    centres of no comb of the true cells. The columns come from the edges that
    cross some rows; the round ticks, which fall on the centres of a comb ten
    times too fine by chance, fix no count without edges inside the cells (read
    as 17 x 46 at confidence 0.94 before)."""
    v = _pass_fail(17, 10, seed)

    def draw(fig, ax):  # cells drawn anti-aliased at fractional pixels, as a browser draws them
        im = ax.pcolormesh(256 + 512 * np.arange(11), np.arange(18), v[::-1], cmap="viridis", vmin=0, vmax=1,
                           antialiased=True)
        ax.set_xticks([1000, 2000, 3000, 4000, 5000])
        ax.set_yticks(np.arange(17) + 0.5, [f"trial {i}" for i in range(17)][::-1], fontsize=7)
        fig.colorbar(im, ax=ax)

    h = digitize(_png(draw, figsize=(6.13, 5.07))).heatmaps[0]  # cells a fractional number of pixels wide
    assert (h.rows, h.cols) == (17, 10)
    assert float(np.abs(h.table.values - v).max()) <= 0.02


@pytest.mark.parametrize("cmap", ["Greys_r", "cubehelix"])
def test_columns_at_the_page_colour_are_cells_inside_the_axes_frame(cmap):
    """A needle map whose colormap ends in white, its first columns all at the
    top score: they show no edge and no colour off the page, but the axes frame
    holds them, whole cells past the coloured part: the grid reaches the frame."""
    rng = np.random.default_rng(4)
    v = np.clip(rng.uniform(0.2, 1.0, (9, 16)), 0, 1)
    v[:, :4] = 1.0

    def draw(fig, ax):
        im = ax.imshow(v, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        fig.colorbar(im, ax=ax)

    h = digitize(_png(draw)).heatmaps[0]
    assert (h.rows, h.cols) == (9, 16)
    assert abs(h.scale.vmin) <= 0.01 and abs(h.scale.vmax - 1) <= 0.01
    assert float(np.abs(h.table.values - v).mean()) <= 0.01


def _vega_spec(v: np.ndarray, rows: list, cols: list, scale: dict, legend: dict, *, step: tuple) -> dict:
    """A Vega-Lite rect heatmap of ``v`` (rows top to bottom) with its colour scale and legend."""
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "data": {"values": [{"r": rows[i], "c": cols[j], "v": float(v[i, j])}
                                for i in range(len(rows)) for j in range(len(cols))]},
            "mark": "rect", "width": {"step": step[0]}, "height": {"step": step[1]},
            "encoding": {"x": {"field": "c", "type": "ordinal", "sort": cols},
                         "y": {"field": "r", "type": "ordinal", "sort": rows},
                         "color": {"field": "v", "type": "quantitative", "scale": scale, "legend": legend}}}


@pytest.mark.parametrize("orient", ["top", "right"])
def test_a_legend_title_set_against_its_gradient_is_not_part_of_it(orient):
    """Vega-Lite sets the legend's title just over its gradient (above a vertical
    one, over the left end of a horizontal one), a few pixels off: bridged into
    the bar's block, it must not lengthen the bar (the vertical one's scale ran
    to 1.06 where it runs 0 to 1)."""
    import json

    vlc = pytest.importorskip("vl_convert")
    v = _pass_fail(12, 9, 7)
    rows, cols = [f"trial {i}" for i in range(12)], [str(512 * (j + 1)) for j in range(9)]
    legend = {"orient": orient, "title": "pass"}
    if orient in ("top", "bottom"):
        legend["direction"] = "horizontal"
    spec = _vega_spec(v, rows, cols, {"scheme": "purples", "domain": [0, 1]}, legend, step=(22, 20))
    h = digitize(vlc.vegalite_to_png(json.dumps(spec))).heatmaps[0]
    assert (h.rows, h.cols) == (12, 9)
    assert abs(h.scale.vmin) <= 0.01 and abs(h.scale.vmax - 1) <= 0.01, (h.scale.vmin, h.scale.vmax)
    assert float(np.abs(h.table.values - v).max()) <= 0.02


@pytest.mark.parametrize("seed", [3, 5])
def test_scattered_dark_cells_of_a_map_mostly_at_the_page_colour_are_one_map(seed):
    """A pass/fail map on 'gray' (a pass drawn white, the page's colour), mostly
    passes: its failed cells come apart in scattered blocks, the two biggest
    found as plots and the rest too small to be plots of their own, some of
    them against the axes frame. The frame holds them together as one map."""
    rng = np.random.default_rng(seed)
    v = (rng.random((24, 10)) < np.linspace(0.95, 0.55, 10)).astype(float)

    def draw(fig, ax):
        im = ax.imshow(v, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(10), [str(512 * (j + 1)) for j in range(10)], rotation=45)
        ax.set_yticks(range(24), [f"trial {i}" for i in range(24)], fontsize=6)
        fig.colorbar(im, ax=ax)

    h = digitize(_png(draw, figsize=(7, 7))).heatmaps[0]
    assert (h.rows, h.cols) == (24, 10)
    assert float(np.abs(h.table.values - v).max()) <= 0.02


def test_a_short_horizontal_legend_under_a_long_title_and_long_labels_is_a_bar():
    """A horizontal Vega-Lite legend on a log scale: its title above the left end
    and its long first label ('0.000001') below it outweigh the gradient in the
    block's columns there, so the block trims to that end alone (too short to be
    a bar); along its rows the gradient runs on, full, to its right end."""
    import json

    vlc = pytest.importorskip("vl_convert")
    rng = np.random.default_rng(5)
    v = 10 ** rng.uniform(-6, 0, (13, 11))
    rows, cols = [f"gene{i}" for i in range(13)], [f"C{j}" for j in range(11)]
    spec = _vega_spec(v, rows, cols, {"scheme": "tealblues", "type": "log", "domain": [1e-6, 1]},
                      {"orient": "bottom", "direction": "horizontal", "title": "p-value"}, step=(14, 23))
    h = digitize(vlc.vegalite_to_png(json.dumps(spec))).heatmaps[0]
    assert (h.rows, h.cols) == (13, 11) and h.scale.kind == "log"
    assert abs(np.log10(h.scale.vmin) + 6) <= 0.06 and abs(np.log10(h.scale.vmax)) <= 0.06, (h.scale.vmin, h.scale.vmax)
    assert float(np.median(np.abs(np.log10(h.table.values) - np.log10(v)))) <= 0.06


@pytest.mark.parametrize("spacing,lines", [(0.05, 6), (0.045, 9)])
def test_body_text_above_a_figure_labels_none_of_its_rows(spacing, lines):
    """A needle map of one colour (every score 10) on a page, with lines of body
    text above it in the band of its row labels: no colour edge tells its 15 rows,
    its labels and tick marks do. The text lines, past the plot's top, were fitted
    as a lattice of labels (30 pixels apart: 10 rows) or spoiled the labels' own
    lattice (27 pixels apart among labels 20 apart), and the map came back with 10
    or 11 rows (one, on a real page). Lines past a plot's ends label none of its
    cells; the labels beside it are fitted alone when the others spoil the fit."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.full((15, 15), 10.0)
    fig = plt.figure(figsize=(8, 6), dpi=100)
    ax = fig.add_axes([0.12, 0.08, 0.7, 0.5])
    im = ax.imshow(v, cmap="viridis", vmin=1, vmax=10, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(15), [str(int(d)) for d in np.linspace(0, 100, 15)])
    ax.set_xticks(range(15), [f"{k}K" for k in np.linspace(2, 128, 15).astype(int)])
    fig.colorbar(im, ax=ax)
    for k in range(lines):
        fig.text(0.02, 0.95 - k * spacing, "A line of body text above the figure runs across the page " * 2,
                 fontsize=11)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (15, 15)
    assert float(np.abs(h.table.values - 10.0).max()) <= 0.1


@pytest.mark.parametrize("seed,misses", [(0, 2), (1, 3), (2, 1)])
def test_a_needle_map_nearly_all_one_colour_has_the_rows_its_few_misses_show(seed, misses):
    """A needle-in-a-haystack map: 100% almost everywhere, a few cells lower, the
    depth axis labelled only 'Top' and 'Bottom'. No colour edge crosses many
    columns, so the edges find one row; the few cells of other colours stand in
    it as bands whose edges fall on the rows' lattice (read as one row at
    confidence 0.93 before)."""
    rng = np.random.default_rng(seed)
    rows, cols = int(rng.integers(8, 13)), int(rng.integers(6, 10))
    v = np.full((rows, cols), 100.0)
    for r, c in zip(rng.choice(rows, misses, replace=False), rng.choice(cols, misses, replace=False)):
        v[r, c] = float(rng.choice([0.0, 25.0, 50.0, 75.0]))

    def draw(fig, ax):
        im = ax.imshow(v, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax, ticks=[0, 50, 100])
        ax.set_xticks(range(cols), [f"{8 * (k + 1)}k" for k in range(cols)])
        ax.set_yticks([0, rows - 1], ["Top", "Bottom"])
        ax.set_xlabel("Context length")

    h = digitize(_png(draw)).heatmaps[0]
    assert (h.rows, h.cols) == (rows, cols), (h.rows, h.cols, h.confidence)
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((0, 100), abs=1)
    assert np.abs(h.table.values - v).max() <= 2.0, np.round(h.table.values)


@pytest.mark.parametrize("rows,cols", [(10, 6), (11, 5)])
def test_needle_panels_framed_side_by_side_one_of_them_perfect(rows, cols):
    """Needle maps of three models side by side, each framed, a few pixels apart
    (closer than blocks are bridged), one bar for all: a panel scoring 100%
    everywhere has no cell edge inside, but its frame makes it a panel of its own,
    and it takes its rows from the panel beside it. The rows of one colour at the
    top and bottom of a panel are cells, not a panel margin, when their colour is
    the bar's end. (Read as one 1 x 3 map, or panels cut to their middle rows.)"""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    vals = [np.full((rows, cols), 100.0) for _ in range(3)]
    vals[0][1, cols - 1], vals[0][3, 2], vals[2][rows - 2, 3] = 50.0, 25.0, 50.0
    fig = plt.figure(figsize=(10, 3.2), dpi=100)
    width, gap = 0.78 / 3 - 0.004, 0.004
    for k, v in enumerate(vals):
        ax = fig.add_axes([0.08 + k * (width + gap), 0.15, width, 0.7])
        im = ax.imshow(v, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto", interpolation="nearest")
        ax.set_xticks(range(cols), [f"{8 * (j + 1)}k" for j in range(cols)], fontsize=7)
        ax.set_yticks([0, rows - 1], ["Top", "Bottom"]) if k == 0 else ax.set_yticks([])
        ax.set_title(f"model {k}", fontsize=9)
    fig.colorbar(im, cax=fig.add_axes([0.9, 0.15, 0.015, 0.7]), ticks=[0, 50, 100])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert [(h.rows, h.cols) for h in res.heatmaps] == [(rows, cols)] * 3
    for h, v in zip(res.heatmaps, vals):
        assert np.abs(h.table.values - v).max() <= 2.0, np.round(h.table.values)


def test_bands_count_a_cell_with_a_number_printed_on_it_whole():
    """The band test on its own: a map of one colour but its last column, each of
    whose cells carries a printed number, found as one column. The number's
    strokes do not cut the cell's band in two (which once gave 19 columns for 5)."""
    from digitize.core.lookup import rgb_to_lab
    from digitize.model import Grid
    from digitize.raster.grids.bands import split_by_bands

    rows, cols, cell = 6, 5, 31
    rgb = np.zeros((rows * 20, cols * cell, 3), np.uint8)
    rgb[:] = (20, 200, 150)
    rgb[:, (cols - 1) * cell:] = (230, 200, 60)
    for r in range(rows):  # a dark number in the middle of each cell of the last column
        rgb[r * 20 + 6:r * 20 + 14, (cols - 1) * cell + 9:(cols - 1) * cell + 22] = (30, 30, 30)
    lab = rgb_to_lab(rgb).astype(np.float32)
    one_column = Grid(np.arange(rows + 1) * 20.0, np.array([0.0, cols * cell]))
    split = split_by_bands(lab, one_column)
    assert split.cols == cols and np.allclose(split.col_edges, np.arange(cols + 1) * cell, atol=1.0)
    assert split.rows == rows
    plain = rgb.copy()
    plain[:, (cols - 1) * cell:] = (20, 200, 150)
    assert split_by_bands(rgb_to_lab(plain).astype(np.float32), one_column).cols == 1


@pytest.mark.parametrize("side", ["left", "right"])
def test_outer_columns_at_the_white_end_of_the_bar_are_cells_the_labels_name(side):
    """A map on a colormap that starts at the page's white, its outer columns all at
    that end, with no frame or tick marks round it: the colour edges stop at the
    first coloured column, but the column labels go on, one per cell, and name
    those columns. (matplotlib's are read whole from its label lattice; plotly's,
    whose labels are read in parts, by growing the grid over them: the fixture
    plotly_white_end_columns.)"""
    from matplotlib.colors import LinearSegmentedColormap

    rng = np.random.default_rng(5)
    v = np.round(rng.uniform(20, 100, (8, 10)))
    if side == "left":
        v[:, :3] = 0.0
    else:
        v[:, -3:] = 0.0
    cmap = LinearSegmentedColormap.from_list("white_navy", ["#ffffff", "#08306b"])

    def draw(fig, ax):
        im = ax.imshow(v, cmap=cmap, vmin=0, vmax=100, aspect="auto", interpolation="nearest")
        for s in ax.spines.values():
            s.set_visible(False)
        ax.set_xticks(range(10), [f"{4 * (j + 1)}K" for j in range(10)])
        ax.set_yticks(range(8), [f"{10 * i}%" for i in range(8)])
        ax.tick_params(length=0)  # labels alone, as plotly draws them
        fig.colorbar(im, ax=ax)

    h = digitize(_png(draw)).heatmaps[0]
    assert (h.rows, h.cols) == (8, 10), (h.rows, h.cols, h.confidence)
    assert np.abs(h.table.values - v).max() <= 1.5
    assert h.axes.col_labels[0] == "4K" and h.axes.col_labels[-1] == "40K"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_pass_fail_map_whose_neighbouring_columns_differ_in_a_row_or_two(seed):
    """Two colours, each column the one before with a row or two flipped: a
    boundary shows in one or two of 17 rows, not in a fifth of them, and the
    columns carry no labels to count them by. The edges that cross a few rows
    give the columns (gnuplot's pass/fail map read as 17 x 3 before; here, seed 1 read as 2 x 1)."""
    rng = np.random.default_rng(seed)
    rows, cols = 17, 16
    v = np.ones((rows, cols))
    for c in range(1, cols):
        flip = rng.choice(rows, int(rng.integers(1, 3)), replace=False)
        v[:, c] = v[:, c - 1]
        v[flip, c] = 1.0 - v[flip, c]

    def draw(fig, ax):
        im = ax.imshow(v, cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax)
        ax.set_xticks([])
        ax.set_yticks(range(rows), [f"trial {i}" for i in range(rows)], fontsize=7)

    h = digitize(_png(draw)).heatmaps[0]
    assert (h.rows, h.cols) == (rows, cols), (h.rows, h.cols, h.confidence)
    assert float(np.abs(h.table.values - v).max()) <= 0.02


@pytest.mark.parametrize("seed", [0, 1])
def test_a_needle_map_whose_short_contexts_are_all_one_colour_has_even_columns(seed):
    """A needle map at 100% over its shortest contexts: the first dozen columns
    are one colour and show no edge between them, the rest are narrow cells with
    clear edges, and the columns carry no labels to count them by. The uneven
    grid the edges draw (one wide cell, then narrow ones) stands on an even
    lattice of the narrow cells' pitch, which is the grid (read as 14 x 16 and 14 x 17
    at confidence 0.93 and 0.98 before)."""
    rng = np.random.default_rng(seed)
    rows, cols, flat = 14, 27, 11
    v = np.full((rows, cols), 100.0)
    v[:, flat:] = np.round(rng.uniform(40, 100, (rows, cols - flat)))
    v[:, flat:][rng.random((rows, cols - flat)) < 0.3] = 100.0
    for c in range(flat, cols):  # every boundary of the varied part shows in some row
        v[rng.integers(rows), c] = 40.0 + 2 * c

    def draw(fig, ax):
        im = ax.imshow(v, cmap="YlGnBu", vmin=40, vmax=100, aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax)
        ax.set_xticks([])
        ax.set_yticks(range(rows), [f"{round(100 * i / (rows - 1))}%" for i in range(rows)], fontsize=7)

    h = digitize(_png(draw, figsize=(6.3, 5))).heatmaps[0]
    assert (h.rows, h.cols) == (rows, cols), (h.rows, h.cols, h.confidence)
    assert float(np.abs(h.table.values - v).max()) <= 1.5


def test_uneven_edges_on_an_even_lattice_count_its_cells():
    """Edges at whole pixels of a 10.33-pixel pitch, one wide cell first, stand on
    an even lattice of 27 cells over 283 pixels; truly uneven edges do not, nor
    rows under a track whose edge is half a row off their lattice."""
    from digitize.raster.grids.edges import on_even_lattice

    e = np.array([0., 116., 126., 147., 157., 167., 178., 188., 198., 209., 219., 229., 240., 250., 260., 271.,
                  283.])
    assert on_even_lattice(e, 283) == 27
    assert on_even_lattice(np.array([0., 30., 45., 90., 100., 160., 200.]), 200) is None
    # a track of colours 17 px tall over rows 35 px tall: the box's top is no boundary of theirs
    assert on_even_lattice(np.concatenate([[0.], 17. + 35. * np.arange(13)]), 437) is None


def test_a_smooth_field_labelled_at_every_other_column_has_all_its_columns():
    """A smooth field (neighbouring columns a delta E or two apart) labelled 0, 2,
    4 ... at the centres of every other column: the labels' lattice is twice too
    coarse, and the faint edges between its columns, under one delta E near the
    field's pale middle but clear in an exact picture, split it (read as 26 x 22
    at confidence 0.97 before; R's image() of such a field at 0.99)."""
    rows, cols = 26, 44
    y, x = np.mgrid[0:rows, 0:cols]
    v = 20 + 10 * np.cos(np.pi * y / (rows - 1)) * (0.6 + 0.4 * np.sin(np.pi * x / (cols - 1)))

    def draw(fig, ax):
        im = ax.imshow(v, cmap="RdBu_r", vmin=10, vmax=30, aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax)
        ax.set_xticks(range(0, cols, 2), [str(c) for c in range(0, cols, 2)], fontsize=6, rotation=90)
        ax.set_yticks(range(rows), [str(r) for r in range(rows)], fontsize=6)

    h = digitize(_png(draw, figsize=(6.5, 6.5), dpi=72)).heatmaps[0]
    assert (h.rows, h.cols) == (rows, cols), (h.rows, h.cols, h.confidence)
    assert float(np.abs(h.table.values - v).mean()) <= 0.2
