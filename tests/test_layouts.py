"""Layouts real figures use that once cost their labels or their scale: a title
standing in line with the row labels, labels set right against the plot with no
tick marks, a legend to the left of the plot (its label search reaching the row
labels), and Vega-Lite's gradient legend with its end labels set flush with the
bar's ends. Each a round trip through the stack that draws it so."""
from __future__ import annotations

import json

import numpy as np
import pytest

from digitize import digitize
from digitize.raster.lattice import fit_lattice


def test_a_title_in_line_with_the_row_labels_is_not_one_of_them():
    """plotly's templates set the title at the top left, in the column of the row
    labels, a step and four fifths above the first: a least-squares line through
    it and the labels passed every point within the tolerance, and the grid grew
    two blank rows up to the title. The worst point is dropped while it stands
    off the line."""
    labels = [244.5, 333.5, 423.5, 515.0, 601.5, 691.5, 780.5, 869.5, 959.5]
    lat = fit_lattice([88.0] + labels)
    assert lat.points == tuple(labels) and abs(lat.pitch - 89.4) < 0.2
    lat = fit_lattice([10.0, 20.5, 30.0, 50.2, 60.0])  # a gap is no outlier
    assert (round(lat.pitch, 1), lat.count, len(lat.points)) == (10.0, 6, 5)


def test_glyph_strokes_beside_the_plot_are_not_cleared_as_tick_marks():
    """plotly (seaborn template) sets its row labels two pixels from the cells, with
    no tick marks: the horizontal strokes of their last letters ('2', '7B', 'l')
    were found as marks, and clearing them to their depth cut the last letter off
    every label ('Llama-7' for 'Llama-7B'). Marks stand evenly, gaps allowed;
    these stand anywhere (at the rows seen in that figure) and are kept as text."""
    from digitize.model import Box
    from digitize.raster.axes import _clear_ticks

    plot = Box(99, 100, 694, 330)

    def cleared(ys) -> int:
        fg = np.zeros((400, 800), bool)
        fg[plot.y0:plot.y1, plot.x0:plot.x1] = True
        for y in ys:
            fg[int(y), plot.x0 - 7:plot.x0 - 3] = True  # a short stroke ending 3 px from the plot
            fg[int(y) - 4:int(y) + 5, plot.x0 - 30:plot.x0 - 12] = True  # the rest of its label
        return _clear_ticks(fg.copy(), fg, plot, "left")

    glyphs = cleared([110, 146, 204, 261, 290, 313])
    ticks = cleared([114, 143, 172, 201, 230, 259, 288, 317])  # every row: tick marks
    assert glyphs <= 4 < ticks


def _vega_png(values: np.ndarray, *, orient: str, scale: dict, rows: list[str], cols: list[str]) -> bytes:
    vlc = pytest.importorskip("vl_convert")
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "data": {"values": [{"r": rows[i], "c": cols[j], "v": float(values[i, j])}
                                for i in range(len(rows)) for j in range(len(cols))]},
            "mark": "rect", "width": 300, "height": 260,
            "encoding": {"x": {"field": "c", "type": "ordinal", "sort": cols, "title": "task"},
                         "y": {"field": "r", "type": "ordinal", "sort": rows, "title": "model"},
                         "color": {"field": "v", "type": "quantitative", "scale": scale,
                                   "legend": {"orient": orient}}}}
    return vlc.vegalite_to_png(json.dumps(spec), scale=2.0)


def test_a_legend_left_of_the_plot_leaves_the_row_labels_alone():
    """Vega-Lite with its legend on the left: the search for the legend's labels
    reaches past them to the plot's row labels, and the whole search region was
    taken out of the text the axes read (the rows came back unlabelled). Only the
    labels' own column, and a little beyond, is the legend's."""
    v = np.round(np.random.default_rng(7).normal(0, 1.2, (8, 7)), 2)
    rows, cols = [f"L{i}" for i in range(8)], ["MMLU", "ARC", "PIQA", "RTE", "WiC", "SST", "QNLI"]
    data = _vega_png(v, orient="left", scale={"scheme": "redblue", "domain": [-4, 4]}, rows=rows, cols=cols)
    h = digitize(data).heatmaps[0]
    assert list(h.axes.row_labels) == rows
    assert (h.scale.vmin, h.scale.vmax) == (-4.0, 4.0)
    assert float(np.abs(h.table.values - v).max()) / 8 < 0.01


def test_vega_lite_log_legend_with_its_end_labels_flush():
    """Vega-Lite sets a gradient legend's first and last labels flush with the bar's
    ends, the others centred on their values: at twice the size the flush ones
    stood 9 pixels inside the ends, outside the 1.5-pixel allowance, and the log
    scale was fitted to two labels, 7% off. An end label's edge within a third of
    its height of the bar's end points at the end."""
    rng = np.random.default_rng(3)
    v = 10 ** rng.uniform(-6, 0, (3, 8))
    rows, cols = ["0", "1", "2"], [f"{2 ** k}K" for k in range(1, 9)]
    data = _vega_png(v, orient="left", scale={"scheme": "turbo", "domain": [1e-6, 1.0], "type": "log"},
                     rows=rows, cols=cols)
    h = digitize(data).heatmaps[0]
    assert h.scale.kind == "log"
    assert h.scale.vmin == pytest.approx(1e-6, rel=0.02) and h.scale.vmax == pytest.approx(1.0, rel=0.02)
    err = np.abs(np.log10(np.asarray(h.table.values)) - np.log10(v)) / 6
    assert float(err.mean()) < 0.01


def test_of_three_labels_two_tell_the_third():
    """'LO' among 'L1' and 'L2': the letter O read for the digit 0 is mended when two
    of three labels show the shape (three of three were asked before)."""
    from digitize.raster.axes import _mend_axis_labels
    from digitize.raster.ocr import Recognition

    reads = [Recognition("LO", 0.9), Recognition("L1", 0.9), Recognition("L2", 0.9)]
    _mend_axis_labels([0, 1, 2], reads, [None] * 3, None)
    assert [r.text for r in reads] == ["L0", "L1", "L2"]
    words = [Recognition("low", 0.9), Recognition("mid", 0.9), Recognition("hi", 0.9)]
    _mend_axis_labels([0, 1, 2], words, [None] * 3, None)
    assert [r.text for r in words] == ["low", "mid", "hi"]


def test_axis_lines_set_outward_with_their_ticks_are_no_labels():
    """An axis line set apart from the cells (ggplot2's theme_classic and theme_bw's
    panel border; matplotlib's outward spines), its tick marks joined to it and
    the labels a pixel from the ticks: line, ticks and labels came out as one
    tall blob, and every row label was lost. Lines along most of a side are
    taken out of the text first, with the short strokes hanging off them."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.random.default_rng(2).random((10, 4)) * 50
    rows = [f"sample{k}" for k in range(1, 11)]
    fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
    fig.colorbar(ax.imshow(v, cmap="magma", vmin=0, vmax=50, aspect="auto"), ax=ax)
    ax.set_yticks(range(10), rows)
    ax.set_xticks(range(4), [f"T{k}" for k in range(1, 5)])
    for s in ("left", "bottom"):
        ax.spines[s].set_position(("outward", 6))
    for s in ("right", "top"):
        ax.spines[s].set_visible(False)
    ax.tick_params(length=5, pad=1)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert list(h.axes.row_labels) == rows
    assert list(h.axes.col_labels) == [f"T{k}" for k in range(1, 5)]
    assert float(np.abs(h.table.values - v).mean()) / 50 < 0.01


def test_a_tick_mark_standing_off_the_plot_is_no_label():
    """ggplot2's theme_grey draws its ticks a few pixels off the grey panel, where
    the mark finder does not look: such a stroke (thin, short, by the plot) is
    not a label, and the band of labels is the one beyond it (the first rows came
    back unlabelled, their band taken for the strokes)."""
    from digitize.model import Box
    from digitize.raster.axes import _stray_mark
    from digitize.raster.textblobs import Blob

    plot = Box(84, 15, 606, 528)

    def blob(x0, y0, x1, y1):
        return Blob(Box(x0, y0, x1, y1), 0.0, (x1 - x0) * (y1 - y0), 8.0, np.ones((y1 - y0, x1 - x0), bool))

    assert _stray_mark(blob(74, 36, 80, 38), plot, "left")  # a tick 4 px off the panel
    assert not _stray_mark(blob(50, 31, 66, 47), plot, "left")  # the label 'g1'
    assert not _stray_mark(blob(30, 36, 36, 38), plot, "left")  # a dash far from the plot: text
    assert _stray_mark(blob(107, 532, 109, 538), plot, "bottom")


def _attention_panels(seed: int) -> tuple[bytes, list[np.ndarray], list[list[str]]]:
    """Three attention maps side by side (as in papers on attention heads), each
    with its colorbar titled 'attention weights' turned a quarter just past its
    labels, and the next panel's row labels just past that bar."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    sents = ["the governor of tyumen region will speak at the forum . <eos>",
             "furthermore we must be ruthless in dealing with corruption in the eu institutions . <eos>",
             "find the collector rate on the incentive rate table . <eos>"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), dpi=100)
    truths, bars = [], []
    for ax, s in zip(axes, sents):
        words = s.split()
        a = rng.dirichlet(np.ones(len(words)) * 0.3, size=len(words))
        im = ax.imshow(a, cmap="Blues", vmin=0, vmax=float(a.max()))
        ax.set_xticks(range(len(words)))
        ax.set_xticklabels(words, rotation=90, fontsize=12)
        ax.set_yticks(range(len(words)))
        ax.set_yticklabels(words, fontsize=12)
        cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        cb.ax.tick_params(labelsize=12)
        cb.set_label("attention weights", fontsize=12, labelpad=2)
        truths.append(a)
        bars.append(cb)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    ticks = [sorted(f"{t:.1f}" for t in cb.get_ticks() if 0 <= t <= a.max()) for cb, a in zip(bars, truths)]
    plt.close(fig)
    return buf.getvalue(), truths, ticks


@pytest.mark.parametrize("seed", [2, 3])
def test_a_bar_title_turned_against_its_labels_and_the_next_panels_labels(seed):
    """The turned bar title stands a pixel or two past the labels: '0.4' took in
    the 'h' of 'weights' ('0.4h5'), '0.5 h', and labels were lost. It is found
    first (a tall narrow column of letters past the labels) and kept out of them.
    And the next panel's row labels, past this panel's bar, are none of this
    panel's labels (they set a lattice of 10 rows over 15)."""
    png, truths, ticks = _attention_panels(seed)
    d = digitize(png)
    assert len(d.heatmaps) == 3
    for h, truth, want in zip(sorted(d.heatmaps, key=lambda h: h.plot_box.x0), truths, ticks):
        assert (h.rows, h.cols) == truth.shape
        assert sorted(t.label for t in h.scale.ticks) == want
        err = np.abs(np.asarray(h.table.values, float) - truth).max() / truth.max()
        assert err < 0.03, err


def test_label_bands_stop_at_the_next_bar():
    from digitize.raster.axes import label_bands
    from digitize.raster.layout import find_layout
    from digitize.raster.planes import picture_planes, with_ink
    from digitize.sources.imageio import load_image

    png, _, _ = _attention_panels(0)
    pic = load_image(src=png, max_pixels=10**8, max_bytes=10**8)
    planes = picture_planes(rgb=pic.rgb, lossy=pic.lossy)
    layout = find_layout(planes=planes)
    planes = with_ink(planes=planes, boxes=layout.plots + tuple(c.box for c in layout.colorbars))
    first = min(layout.plots, key=lambda b: b.x0)
    bands = label_bands(planes=planes, plot=first, layout=layout, readings=[], along=(20, 20))
    assert len(bands["left"][0]) == 12 and bands["right"][0] == []


def test_a_short_turned_bar_title_is_told_from_the_labels():
    """'score' turned beside a bar's labels ('0.6' read '0.605' with its letters):
    five letters in a column, a letter past the labels, are the title; the labels
    in their column (left-aligned at the bar) are not, however many."""
    from digitize.model import Box
    from digitize.raster.colorbar import _turned_title

    text = np.zeros((200, 80), bool)
    for y in (20, 60, 100, 140, 180):  # labels '0.8' ... '0.0': 10 px tall, 18 px wide, 40 px apart
        text[y - 5:y + 5, 10:16] = text[y - 5:y + 5, 22:28] = True
        text[y + 3:y + 5, 18:20] = True
    for k in range(5):  # 'score' turned: five letters of 10 x 6 px, a pixel apart, 4 px past the labels
        text[80 + 7 * k:86 + 7 * k, 32:42] = True
    title = _turned_title(text, Box(0, 0, 80, 200), "right")
    assert title is not None and title[:, 32:42].sum() == text[:, 32:42].sum() and not title[:, :30].any()
    labels_only = text.copy()
    labels_only[80:115, 32:42] = False
    assert _turned_title(labels_only, Box(0, 0, 80, 200), "right") is None


def _head_functions_png() -> tuple[bytes, np.ndarray, np.ndarray]:
    """A 6 x 8 chart of attention heads (as papers on pruning heads draw them): some
    cells green by accuracy on a colorbar, some in category colours of their own
    (purple, orange), the rest white, in one axes frame."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    rng = np.random.default_rng(0)
    acc = np.full((6, 8), np.nan)
    cat = np.full((6, 8), np.nan)
    for i, j in [(2, 2), (3, 0), (3, 1), (3, 2), (4, 7), (5, 2), (5, 3), (5, 7)]:
        acc[i, j] = rng.uniform(0.4, 0.95)
    for (i, j), k in [((0, 0), 1), ((1, 0), 0), ((1, 1), 0), ((2, 0), 0), ((2, 1), 0), ((4, 0), 0)]:
        cat[i, j] = k
    fig, ax = plt.subplots(figsize=(6, 4), dpi=160)
    ax.imshow(cat, cmap=ListedColormap(["#8e0152", "#ff8c00"]), vmin=0, vmax=1)
    im = ax.imshow(acc, cmap="Greens", vmin=0, vmax=1)
    ax.set_xticks(range(8))
    ax.set_xticklabels(range(1, 9))
    ax.set_yticks(range(6))
    ax.set_yticklabels(range(1, 7))
    ax.set_xlabel("heads")
    ax.set_ylabel("layers")
    ax.set_title("Head functions")
    fig.colorbar(im, ax=ax, label="function accuracy")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue(), acc, ~np.isnan(cat)


def test_cells_of_several_colormaps_in_one_frame_are_one_heatmap():
    """Each block of the green cells was read as a heatmap of its own (6 x 2, 1 x 3,
    2 x 1, two of them at confidence 0.98), the category cells in between being
    off the bar's colours. The axes frame holds them together: one 6 x 8 table,
    the green cells' values read, the category cells flagged off the colormap,
    and a confidence that says the table is not all the bar's."""
    png, acc, category = _head_functions_png()
    d = digitize(png)
    assert len(d.heatmaps) == 1
    h = d.heatmaps[0]
    assert (h.rows, h.cols) == (6, 8)
    values = np.asarray(h.table.values, float)
    on = ~np.isnan(acc)
    assert np.abs(values[on] - acc[on]).max() < 0.01
    assert np.asarray(h.table.flagged)[category].all()
    assert h.confidence < 0.9


def test_a_plot_filling_little_of_its_frame_is_capped():
    """A table whose plot box covers under half its axes frame (the box's overlap
    with the frame over their union) is a part of what the frame holds: at most
    FRAME_UNFILLED_CAP, however well it redraws its own box; one a little short of
    its frame, at most FRAME_SHORT_CAP."""
    from digitize.core.confidence import FRAME_SHORT_CAP, FRAME_UNFILLED_CAP, confidence
    from digitize.model import Check

    good = (Check("pixels_explained", True, 1.0, 0.9), Check("worst_region", True, 1.0, 0.6),
            Check("grid_on_axes", True, 1.0, 0.8), Check("scale_labels", True, 5.0, 3),
            Check("colours_on_colormap", True, 1.0, 0.95))
    assert confidence(good + (Check("box_fills_frame", True, 0.97, 0.9),), 0) > 0.9
    assert confidence(good + (Check("box_fills_frame", False, 0.09, 0.9),), 0) <= FRAME_UNFILLED_CAP
    # a box a column short of its frame (gnuplot's last column at the map's white end): under 0.9
    assert confidence(good + (Check("box_fills_frame", False, 0.87, 0.9),), 0) <= FRAME_SHORT_CAP < 0.9


def _seaborn_png(df, *, size, dpi: int = 200, **kw) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    sns.heatmap(df, ax=ax, **kw)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("seed", [1, 2])
def test_labels_thinned_to_every_other_row(seed):
    """seaborn labels every k-th row when one label per row would not fit (24
    layers in a short panel: 24, 22, ..., 2). Where the colour edges between
    neighbouring rows are too faint to show, the grid was laid one row per label
    (12 x 2). Labels read as whole numbers stepping by k, as close as seaborn
    sets thinned labels for their size, mean k rows to a label: 24 x 2, each
    label on its own row, and the values right."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    pairs = rng.gamma(2.0, 0.02, size=(12, 2))
    v = np.repeat(pairs, 2, axis=0)
    v[::2] += 0.0005  # the rows of a pair a hair apart: no colour edge between them
    df = pd.DataFrame(v, index=range(1, 25), columns=["Mary", "John"])[::-1]
    h = digitize(_seaborn_png(df, size=(1.6, 2.4), cmap="YlOrRd")).heatmaps[0]
    assert (h.rows, h.cols) == (24, 2)
    assert h.axes.row_labels[0] == "24" and h.axes.row_labels[1] == "" and h.axes.row_labels[22] == "2"
    err = np.abs(np.asarray(h.table.values, float) - df.values).max() / np.ptp(df.values)
    assert err < 0.02, err


def test_labels_one_per_row_that_step_by_ten_stay_one_per_row():
    """Depths 0, 10, ..., 100 set one per row with room to spare (a needle-in-a-
    haystack grid, nearly all one colour): whole numbers stepping by 10, but far
    apart for their size; the rows stay 11."""
    import pandas as pd

    v = np.ones((11, 8))
    v[np.random.default_rng(1).random((11, 8)) < 0.15] = 0.6
    df = pd.DataFrame(v, index=[str(d) for d in range(0, 101, 10)], columns=[f"{k}K" for k in range(1, 9)])
    h = digitize(_seaborn_png(df, size=(5, 3), dpi=150, cmap="RdYlGn", vmin=0, vmax=1)).heatmaps[0]
    assert (h.rows, h.cols) == (11, 8)
    assert list(h.axes.row_labels) == [str(d) for d in range(0, 101, 10)]


def test_thinned_step_and_refine():
    from digitize.raster.grids.thinned import refine, thinned_step

    at = [41.0 + 30.5 * i for i in range(12)]
    labels = [str(24 - 2 * i) for i in range(12)]
    assert thinned_step(labels, at, 20.5) == (2, pytest.approx(15.25))  # 30.5 px apart, letters 20.5 px: every other row
    assert thinned_step(labels, at, 8.0)[0] == 1  # room for a label per row: these are the rows
    assert thinned_step([str(10 * i) for i in range(12)], at, 12.0)[0] == 1  # by 10, room for every 9th
    assert thinned_step(["a", "b", "c", "d"], at[:4], 20.5)[0] == 1
    edges = refine(np.linspace(36.0, 403.0, 13), at, 15.25)
    assert len(edges) == 25 and edges[0] == 36.0 and edges[-1] == 403.0


def test_plots_reach_an_axes_frame_not_a_figure_border():
    """Plots are read as one through their frame only when they reach it on two
    sides or more (an axes frame around its cells); panels inside a border drawn
    around a whole figure, with their labels between, reach none of it."""
    from digitize.model import Box
    from digitize.raster.panels import _fills_to_frame

    frame = Box(162, 101, 1627, 1157)  # the head-functions chart: a block at its left and bottom, one inside
    assert _fills_to_frame(frame, [Box(161, 276, 714, 1158), Box(1077, 452, 1446, 631)])
    border = Box(3, 3, 877, 381)  # two panels with their labels inside a figure's border
    assert not _fills_to_frame(border, [Box(60, 24, 432, 333), Box(474, 24, 846, 333)])


def test_a_strip_of_one_colour_is_no_colorbar():
    """seaborn's darkgrid ground past a line chart's last grid line, cut off its
    plot as a strip (grey, white at its ends where the grid lines cross): its
    cells, grey too, all lay on it, and three line charts were read as heatmaps
    at confidence 0.93-0.97 against the next chart's axis labels. A bar's colours
    run from one colour to another; this one is refused before its labels are read."""
    from digitize.config import DigitizeConfig
    from digitize.errors import ScaleError
    from digitize.model import Box, ColorbarRegion, Layout
    from digitize.raster.layout import spans_colours
    from digitize.raster.legend import read_legend
    from digitize.raster.planes import picture_planes

    rgb = np.full((440, 300, 3), 255, np.uint8)
    rgb[20:420, 40:200] = (234, 234, 242)  # the chart's ground
    rgb[20:420, 204:222] = (234, 234, 242)  # past its last grid line: the strip
    rgb[20:22, 204:222] = rgb[418:420, 204:222] = 255  # grid lines across it
    from matplotlib import colormaps

    ramp = (np.asarray(colormaps["viridis"](np.linspace(1, 0, 400)))[:, :3] * 255).astype(np.uint8)
    rgb[20:420, 260:278] = ramp[:, None, :]  # a real bar
    planes = picture_planes(rgb=rgb)
    strip, bar = ColorbarRegion(Box(204, 20, 222, 420), "vertical"), ColorbarRegion(Box(260, 20, 278, 420), "vertical")
    assert not spans_colours(planes.lab, strip.box, "vertical") and spans_colours(planes.lab, bar.box, "vertical")
    layout = Layout((255, 255, 255), (Box(40, 20, 200, 420),), (strip,))
    with pytest.raises(ScaleError, match="one colour along its length"):
        read_legend(planes=planes, plot=Box(40, 20, 200, 420), bar=strip, layout=layout, colours=None, ocr=None,
                    config=DigitizeConfig(), readings={})


def _framed_png(v: np.ndarray, *, cmap: str, vmin: float, vmax: float, rows: list[str], cols: list[str],
                ticks_in: bool, rotate: int = 0, size=(6.4, 4.8), dpi: int = 100) -> bytes:
    """An imshow heatmap in a drawn axes frame, Octave/gnuplot-style: ticks inward
    or outward at every cell, labels where given (blank elsewhere)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    m = ax.imshow(v, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(v.shape[1]), cols, rotation=rotate, ha="right" if rotate else "center",
                  rotation_mode="default")  # right-aligned box: the text's end a little short of the tick
    ax.set_yticks(range(v.shape[0]), rows)
    ax.tick_params(direction="in" if ticks_in else "out", top=ticks_in, right=ticks_in, length=5)
    fig.colorbar(m, ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def test_ticks_drawn_inward_give_the_columns_of_a_uniform_block():
    """A needle grid all at 100 but for its last columns, with ticks drawn inward
    (Octave's, MATLAB's and gnuplot's default) at every column and a label on
    every 5th: no colour edge tells the 15 columns of 100 apart and no marks stood
    outside the frame, so the grid had the columns the colours showed. The marks
    over the outer cells give the lattice: 12 x 20, the values right."""
    rng = np.random.default_rng(4)
    v = np.full((12, 20), 100.0)
    v[:, 15:] = rng.choice([0.0, 30.0, 60.0, 100.0], size=(12, 5))
    cols = [f"{4 * j}K" if j % 5 == 0 else "" for j in range(20)]
    png = _framed_png(v, cmap="viridis", vmin=0, vmax=100, rows=[f"{5 * i}%" for i in range(12)], cols=cols,
                      ticks_in=True)
    h = digitize(png).heatmaps[0]
    assert (h.rows, h.cols) == (12, 20)
    assert float(np.abs(np.asarray(h.table.values, float) - v).max()) <= 1.0


def test_a_label_short_of_the_next_cells_centre_still_marks_a_cell_beyond_the_box():
    """gnuplot's last column at the map's white end (accuracy 1.0), but for its top
    cell, inside the axes frame: the colour box ends a column short. The column's
    45-degree label, right-aligned, is anchored a few pixels short of the
    column's centre; it marks a cell beyond the box all the same (it stood less
    than half a cell past the box, and the column was lost: 10 x 7 at confidence
    0.94 for 10 x 8)."""
    from digitize.model import Box, Layout
    from digitize.raster.grids import edges
    from digitize.raster.grids.lattice import propose
    from digitize.raster.lattice import Lattice
    from digitize.raster.planes import picture_planes, with_ink

    rng = np.random.default_rng(5)
    rgb = np.full((320, 420, 3), 255, np.uint8)
    for j in range(8):
        for i in range(5):
            if j < 7 or i == 0:
                rgb[50 + 40 * i:90 + 40 * i, 50 + 40 * j:90 + 40 * j] = rng.integers(0, 200, 3)
    rgb[49, 49:371] = rgb[250, 49:371] = 0  # the axes frame
    rgb[49:251, 49] = rgb[49:251, 370] = 0
    plot = Box(50, 50, 330, 250)  # the colour box: seven columns
    planes = picture_planes(rgb=rgb)
    layout = Layout((255, 255, 255), (plot,), ())
    planes = with_ink(planes=planes, boxes=(plot,))
    centres = 50 + 40 * np.arange(8) + 20 - 6.0  # the labels' anchors, 6 px short of the centres
    lat = Lattice(40.0, float(centres[0]), float(centres[-1]), tuple(float(c) for c in centres), "labels", "bottom")
    profile = edges.edge_profile(planes.lab[plot.y0:plot.y1, plot.x0:plot.x1], 1, edges.FULL_EDGE_QUANTILE)
    cells = propose(planes=planes, plot=plot, layout=layout, lattice=lat, vertical=False, full_profile=profile,
                    frame=Box(50, 50, 370, 250))
    assert cells is not None and len(cells.edges) == 9
    assert abs(cells.edges[-1] - 370) <= 1


def test_a_block_of_cells_inside_a_grown_plot_is_not_a_heatmap_of_its_own():
    """A needle grid on 'hot' (100 is white, the page's colour; 0 is black): the
    two black cells of one row, ringed by white ones, were found as a plot of
    their own and read first, 1 x 1 at confidence 0.98, beside the whole grid
    its frame holds. Every plot inside a frame that joins plots goes with them."""
    v = np.full((10, 10), 100.0)
    v[1, 8:10] = 0.0
    v[3, 9], v[4, 8], v[5, 8:10], v[6, 8], v[6, 9], v[7, 8], v[7, 9], v[9, 8] = 30, 60, 30, 0, 30, 60, 0, 30
    png = _framed_png(v, cmap="hot", vmin=0, vmax=100, rows=[f"{10 * i}%" for i in range(10)],
                      cols=[f"{14 * j + 1}K" for j in range(10)], ticks_in=True)
    d = digitize(png)
    assert [(h.rows, h.cols) for h in d.heatmaps] == [(10, 10)]
    assert float(np.abs(np.asarray(d.heatmaps[0].table.values, float) - v).max()) <= 1.0


def _raised_exponent_png(v: np.ndarray, loc: str, fontsize: int) -> bytes:
    """A log heatmap whose horizontal colorbar labels its decades as bokeh (and R's
    plotmath) set a power of ten: '10' and its exponent as large as the base,
    raised by about half a letter, the whole label centred on its tick."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    fig, ax = plt.subplots(figsize=(4, 6), dpi=100)
    im = ax.imshow(v, cmap="viridis", norm=LogNorm(1e-4, 1), aspect="auto")
    cb = fig.colorbar(im, ax=ax, location=loc)
    cb.set_ticks([10.0 ** k for k in range(-4, 1)], labels=[""] * 5)
    cb.ax.minorticks_off()
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for k in range(-4, 1):
        dy = 0.5 * fontsize if loc == "top" else -1.6 * fontsize
        parts = [cb.ax.annotate(t, (10.0 ** k, 1.0 if loc == "top" else 0.0), xytext=(0, dy + up),
                                textcoords="offset points", ha="left", va="baseline", fontsize=fontsize,
                                xycoords=cb.ax.get_xaxis_transform())
                 for t, up in (("10", 0.0), (str(k), 0.6 * fontsize))]
        widths = [p.get_window_extent(renderer).width * 72 / fig.dpi for p in parts]
        x = -sum(widths) / 2
        for p, w in zip(parts, widths):
            p.set_position((x, p.get_position()[1]))
            x += w
    ax.set_xticks(range(v.shape[1]), [f"c{j}" for j in range(v.shape[1])])
    ax.set_yticks(range(v.shape[0]), [f"r{i}" for i in range(v.shape[0])])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("loc,fontsize", [("top", 11), ("top", 14), ("bottom", 11), ("bottom", 14)])
def test_powers_of_ten_with_large_raised_exponents(loc, fontsize):
    """'10' with its exponent ('-4') as large as itself and raised half a letter
    leans like text turned 20 to 30 degrees: the bar's labels were passed over as
    diagonal text (or read turned), and the scale failed or came out 10⁻⁴ .. 0.94.
    Along a colorbar such a blob is upright; a lost raised minus ('104') is read
    both ways, and the bar runs the usual way."""
    rng = np.random.default_rng(3)
    v = 10 ** rng.uniform(-4, 0, (6, 5))
    h = digitize(_raised_exponent_png(v, loc, fontsize)).heatmaps[0]
    assert h.scale.kind == "log"
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((1e-4, 1.0), rel=0.01)
    err = np.abs(np.log10(np.asarray(h.table.values, float)) - np.log10(v)) / 4.0
    assert float(err.max()) <= 0.02


def test_row_labels_set_close_are_read_upright():
    """30 row labels ('L0' .. 'L29') in 7-point type, a few pixels apart: the
    labels merged into tall blobs that read as text turned a quarter, and were
    read turned ('9', '1', '2', '13' ...). Cut at the row edges most pieces are
    wider than tall: upright lines."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(5)
    v = rng.random((30, 6))
    fig, ax = plt.subplots(figsize=(3.5, 3.8), dpi=100)
    im = ax.imshow(v, cmap="magma", vmin=0, vmax=1, aspect="auto")
    fig.colorbar(im, ax=ax)
    ax.set_yticks(range(30), [f"L{i}" for i in range(30)], fontsize=7)
    ax.set_xticks(range(6), [f"c{j}" for j in range(6)])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (30, 6)
    assert list(h.axes.row_labels) == [f"L{i}" for i in range(30)]


def _binned_png(cmap_name: str, shrink: float, levels: int = 9) -> tuple[bytes, np.ndarray]:
    """A heatmap on a bar of ``levels`` colours (0: continuous) from 1 to 18 with no
    outline, ticks 2 .. 18, the bar ``shrink`` times its plot's height (matplotlib
    centres it)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm

    v = np.random.default_rng(7).uniform(1, 18, (12, 8))
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    if levels:
        im = ax.imshow(v, cmap=matplotlib.colormaps[cmap_name].resampled(levels),
                       norm=BoundaryNorm(np.linspace(1, 18, levels + 1), levels), aspect="auto")
    else:
        im = ax.imshow(v, cmap=cmap_name, vmin=1, vmax=18, aspect="auto")
    cb = fig.colorbar(im, ax=ax, shrink=shrink, ticks=list(range(2, 19, 2)))
    cb.outline.set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue(), v


@pytest.mark.parametrize("cmap_name,shrink,levels", [
    ("Blues", 0.95, 9), ("Blues", 0.9, 9), ("Blues", 0.8, 9), ("Greys", 1.0, 9),
    ("Blues", 0.9, 0), ("Greens", 0.8, 0), ("Greys", 1.0, 0),
])
def test_padding_past_a_bars_faint_end_is_no_part_of_it(cmap_name, shrink, levels):
    """A bar whose light end is near the page colour (Blues starts 2.5 from white),
    shorter than its plot (bokeh draws it so; matplotlib's shrink): the white past
    its end was taken for more of the bar and the bar grown to the plot's edge, its
    scale starting at 0.6, 0.1 or -1.1 for 1. On a stepped bar a guessed band must
    run a whole band's length and step from the band beside it as the next one
    does; on a continuous one, in a lossless picture, a bar seen to end on a drawn
    colour ends there. Greys' own white band and its gradient fading into the page
    (the bar as long as the plot) are kept."""
    png, v = _binned_png(cmap_name, shrink, levels)
    h = digitize(png).heatmaps[0]
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((1.0, 18.0), abs=0.05)
    tol = 17 / levels / 2 + 0.1 if levels else 0.02 * 17  # a discrete bar reads each cell to its band's middle
    assert float(np.abs(np.asarray(h.table.values, float) - v).max()) <= tol


@pytest.mark.parametrize("cmap,cbar", [("Greys", "right"), ("Greys_r", "bottom"), ("gray", "bottom")])
def test_a_short_bar_fading_into_the_page_runs_on_to_where_it_is_the_page_colour(cmap, cbar):
    """A short bar with no outline whose gradient fades to white (ggplot2's grey
    legend, matplotlib's shrink): its last pixels differ from the page by one or
    two levels. The bar stopped 2 levels short of the page colour, some pixels
    early, and its scale lost 2% of its span at that end (0.02..1 or 0..0.98);
    it runs on until it is the page colour, within 1%."""
    from render import FigureSpec, render

    spec = FigureSpec("fade", cmap=cmap, rows=8, cols=8, cbar=cbar, cbar_outline=False, cbar_shrink=0.6, dpi=200)
    data, _ = render(spec)
    h = digitize(data).heatmaps[0]
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((0.0, 1.0), abs=0.011)


@pytest.mark.parametrize("dpi", [100, 200])
def test_short_horizontal_bar_with_labels_printed_into_each_other(dpi, tmp_path):
    """A short horizontal bar under the plot whose two-decimal labels are wider
    than their spacing (ggplot2's legend at the bottom prints them so): the labels
    run into one another ('-2.00-1.00'), the plot's own tick labels stand across
    the gap above the bar, and the strokes of the '1's right under the bar look
    like tick marks. The labels are the bar's, cut into their numbers, and the
    strokes are theirs: the scale comes out -2..2."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.round(np.random.default_rng(1).uniform(-2, 2, (5, 6)), 2)
    fig, ax = plt.subplots(figsize=(5, 4), dpi=dpi)
    im = ax.imshow(v, cmap="RdBu_r", vmin=-2, vmax=2)
    cb = fig.colorbar(im, ax=ax, orientation="horizontal", shrink=0.3, aspect=6, ticks=np.linspace(-2, 2, 5),
                      format="%.2f", pad=0.15)
    cb.ax.tick_params(labelsize=8, length=0, pad=1)
    path = tmp_path / "bar.png"
    fig.savefig(path)
    plt.close(fig)
    h = digitize(path).heatmaps[0]
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((-2.0, 2.0), abs=0.02)
    assert float(np.abs(h.table.values - v).max()) <= 0.04  # 1% of the range


def test_strokes_reaching_into_the_labels_are_theirs_not_tick_marks():
    """Strokes found right under a bar that reach past where its labels begin are
    the labels' own ('1' and '4' printed close under it); tick marks end before
    their labels, and come out among the blobs as thin strokes of their own."""
    from digitize.model import Box, ColorbarRegion
    from digitize.raster.colorbar import _marks_inside_labels
    from digitize.raster.textblobs import Blob

    def blob(x0, y0, x1, y1):
        return Blob(Box(x0, y0, x1, y1), 0.0, (x1 - x0) * (y1 - y0), float(y1 - y0),
                    np.ones((y1 - y0, x1 - x0), bool))

    bar = ColorbarRegion(Box(90, 20, 190, 50), "horizontal")
    glued = [blob(80, 54, 150, 64), blob(155, 54, 200, 64)]  # labels 4 px under the bar, strokes reach 12
    assert _marks_inside_labels(glued, bar, "bottom", 12)
    ticks_then_labels = [blob(93, 53, 95, 63), blob(117, 53, 119, 63), blob(141, 53, 143, 63),
                         blob(82, 78, 107, 91), blob(130, 78, 155, 91)]  # marks 3..13 px, labels from 28 px
    assert not _marks_inside_labels(ticks_then_labels, bar, "bottom", 13)
    assert not _marks_inside_labels([], bar, "bottom", 13)


def test_white_borders_between_cells_with_numbers_printed_are_no_panel_gaps(tmp_path):
    """Cells parted by page-coloured borders, a number printed in each (pheatmap's
    border_color='white', seaborn's linecolor='white'): the borders run across the
    whole block like the gaps between small multiples, and the printed numbers
    made edges inside each row of cells as a panel's cells do. Their strokes are
    taken out first: one heatmap of 14 x 11, not 14 of one row each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    v = np.round(np.random.default_rng(41).uniform(0, 50, (14, 11)), 1)
    fig, ax = plt.subplots(figsize=(8, 9), dpi=100)
    sns.heatmap(v, ax=ax, cmap="Greens", vmin=0, vmax=50, annot=True, fmt=".2f", linewidths=2, linecolor="white",
                annot_kws={"size": 8})
    path = tmp_path / "borders.png"
    fig.savefig(path)
    plt.close(fig)
    res = digitize(path)
    assert [(h.rows, h.cols) for h in res.heatmaps] == [(14, 11)]
    h = res.heatmaps[0]
    assert (h.scale.vmin, h.scale.vmax) == (0.0, 50.0)
    assert float(np.abs(h.table.values - v).max()) <= 0.5  # 1% of the range


def _short_bar_under_a_title(quality: int) -> tuple[bytes, np.ndarray]:
    """A heatmap whose legend bar (magma, no outline, its pale end at the top)
    stops short of the plot's top edge, its title 'v' just above it, saved as
    JPEG (as Vega-Lite and Altair legends reach readers)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    v = np.round(np.random.default_rng(0).uniform(0, 1, (4, 7)), 3)
    fig = plt.figure(figsize=(6.2, 5.5), dpi=100)
    ax = fig.add_axes([0.3, 0.1, 0.65, 0.85])
    mesh = ax.pcolormesh(v[::-1], cmap="magma", vmin=0, vmax=1)
    ax.set_xticks(np.arange(7) + 0.5, [f"c{j}" for j in range(7)])
    ax.set_yticks(np.arange(4) + 0.5, [f"L{3 - i}" for i in range(4)])
    cb = fig.colorbar(mesh, cax=fig.add_axes([0.012, 0.32, 0.04, 0.58]))  # its top under the plot's
    cb.outline.set_visible(False)
    cb.set_ticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    fig.text(0.015, 0.915, "v", fontsize=12, fontweight="bold")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    out = io.BytesIO()
    Image.open(buf).convert("RGB").save(out, format="JPEG", quality=quality)
    return out.getvalue(), v


@pytest.mark.parametrize("quality", [60, 75, 90])
def test_a_faded_bar_end_is_not_grown_through_its_title_to_the_plots_edge(quality, tmp_path):
    """A bar end that fades into the page is grown to a plot's edge when nothing
    but page lies between (seaborn draws the bar as long as the axes); a title
    drawn across that gap means the bar stops short (at quality 75 the scale was
    0..1.09 at confidence 0.98). Where the JPEG fringe still takes the top a few
    pixels out, the scale is within 3%, its confidence under 0.9 and the faded
    end named."""
    data, v = _short_bar_under_a_title(quality)
    path = tmp_path / "legend.jpg"
    path.write_bytes(data)
    h = digitize(path).heatmaps[0]
    assert h.scale.vmin == pytest.approx(0.0, abs=0.01) and h.scale.vmax == pytest.approx(1.0, abs=0.03)
    if abs(h.scale.vmax - 1.0) > 0.01:
        assert h.confidence < 0.9 and any("fades into the page" in w for w in h.warnings)
    else:
        assert float(np.abs(h.table.values - v).max()) <= 0.01


def _strip(draw, size=(4.0, 0.5), dpi=100) -> np.ndarray:
    """An RGB picture of a strip drawn by ``draw(ax)`` filling the whole figure."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    fig = plt.figure(figsize=size, dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    draw(ax)
    ax.set_axis_off()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return np.asarray(Image.open(buf).convert("RGB"))


def test_a_row_of_cells_with_their_numbers_is_no_colorbar():
    """A row of cells cut off the foot of a heatmap whose cells print their numbers
    (a page of 54 small multiples read every panel on a 'bar' made of one such row,
    the x-axis labels 8k..128k taken for its scale) holds text: no bar does. The
    lines drawn over real bars are no text: heatmap.2's density curve, tick marks
    drawn inward, white borders between a discrete bar's levels."""
    from digitize.core.lookup import rgb_to_lab
    from digitize.model import Box
    from digitize.raster.layout import holds_text

    def check(rgb) -> bool:
        h, w = rgb.shape[:2]
        return holds_text(rgb_to_lab(rgb), Box(0, 0, w, h), "horizontal" if w > h else "vertical")

    row = np.array([[0.82, 0.87, 0.86, 0.74, 0.55]])

    def numbered(ax):
        ax.imshow(row, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        for j, v in enumerate(row[0]):
            ax.text(j, 0, f"{v:.2f}", ha="center", va="center", fontsize=7)

    assert check(_strip(numbered))
    ramp = np.linspace(0, 1, 256)[None]
    assert not check(_strip(lambda ax: ax.imshow(ramp, cmap="viridis", aspect="auto")))

    def density(ax):
        ax.imshow(ramp, cmap="RdYlGn", aspect="auto", extent=(0, 1, 0, 1))
        x = np.linspace(0, 1, 200)
        ax.plot(x, 0.1 + 0.35 * (np.sin(9 * x) + 1) * np.exp(-x), color="cyan", lw=1.5)

    assert not check(_strip(density, size=(2.0, 0.8)))

    def inward_ticks(ax):
        ax.imshow(ramp, cmap="magma", aspect="auto", extent=(0, 1, 0, 1))
        for x in np.linspace(0.1, 0.9, 9):
            ax.plot([x, x], [0, 0.25], color="white", lw=1)

    assert not check(_strip(inward_ticks))

    def levels(ax):
        ax.imshow(np.arange(7)[None], cmap="Blues", aspect="auto", extent=(0, 7, 0, 1))
        for x in range(1, 7):
            ax.axvline(x, color="white", lw=2)

    assert not check(_strip(levels))

    def column(ax):  # the same two, upright
        ax.imshow(row.T, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        for i, v in enumerate(row[0]):
            ax.text(0, i, f"{v:.2f}", ha="center", va="center", fontsize=7)

    def upright_levels(ax):
        ax.imshow(np.arange(7)[:, None], cmap="Blues", aspect="auto", extent=(0, 1, 0, 7))
        for y in range(1, 7):
            ax.axhline(y, color="white", lw=2)

    assert check(_strip(column, size=(0.6, 4.0)))
    assert not check(_strip(upright_levels, size=(0.5, 4.0)))


def test_seams_of_the_page_between_like_colours_are_closed_for_finding_blocks():
    """A key drawn in rectangles at low resolution shows the page through seams a
    pixel or two wide: closed, its slivers make one block. Gaps between black
    strokes (letters), between unlike colours, a grey panel's white grid lines,
    and those between boxes too wide to be lost stay open."""
    from digitize.core.lookup import rgb_to_lab
    from digitize.raster.layout import heal_seams

    rgb = np.full((20, 48, 3), 255, np.uint8)
    rgb[2:18, 40:43], rgb[2:18, 44:47] = (235, 235, 235), (235, 235, 235)  # a grey panel, a white line
    for x0, colour in ((2, (120, 40, 150)), (6, (110, 60, 160)), (11, (100, 80, 170))):  # seams 1 and 2 px
        rgb[2:18, x0:x0 + 3] = colour
    rgb[2:18, 20:22], rgb[2:18, 23:25] = (0, 0, 0), (0, 0, 0)  # two strokes of a letter
    rgb[2:18, 30:33], rgb[2:18, 34:37] = (230, 200, 30), (40, 40, 200)  # unlike colours
    lab = rgb_to_lab(rgb)
    fg = (rgb < 250).any(axis=2)
    healed = heal_seams(fg, lab, 5)
    assert healed[2:18, 2:14].all()
    boxes = np.full((20, 30, 3), 255, np.uint8)  # a diagram's boxes, wider than the opening, a pixel apart
    boxes[2:18, 2:10], boxes[2:18, 11:19] = (230, 120, 30), (230, 120, 30)
    assert not heal_seams((boxes < 250).any(axis=2), rgb_to_lab(boxes), 5)[2:18, 10].any()
    assert not healed[2:18, 22].any() and not healed[2:18, 33].any() and not healed[2:18, 43].any()
    assert not healed[0:2].any() and not healed[18:].any()
