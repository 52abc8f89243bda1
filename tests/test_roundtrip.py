"""Round trips: render a heatmap with known values, digitize it, compare every cell."""
from __future__ import annotations


import numpy as np
import pytest

from render import FigureSpec

WORDS = ("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu")

CASES = [
    FigureSpec("imshow-viridis-8x10"),
    FigureSpec("seaborn-rocket-small-range", lib="seaborn", cmap="rocket", rows=10, cols=12, vmax=0.008,
               row_labels=tuple(f"{30 * (i + 1)}k" for i in range(10))),
    FigureSpec("pcolormesh-magma-negative", lib="pcolormesh", cmap="magma", vmin=-3.5, vmax=7.25, rows=6, cols=7),
    FigureSpec("imshow-coolwarm-diverging", cmap="coolwarm", vmin=-1, vmax=1, rows=12, cols=9),
    FigureSpec("imshow-jet-rainbow", cmap="jet", vmin=0, vmax=100, rows=5, cols=6),
    FigureSpec("imshow-turbo-rainbow", cmap="turbo", vmin=10, vmax=60, rows=7, cols=5),
    FigureSpec("seaborn-mako-words", lib="seaborn", cmap="mako", rows=6, cols=8, vmin=1000, vmax=5000,
               row_labels=WORDS[:6], col_labels=WORDS[:8]),
    FigureSpec("imshow-2x2", rows=2, cols=2, cmap="plasma"),
    FigureSpec("imshow-40x40", rows=40, cols=40, cmap="cividis", dpi=100),
    FigureSpec("imshow-tiny-range", vmin=0.0, vmax=1e-4, cmap="inferno", rows=5, cols=5),
    FigureSpec("imshow-large-range", vmin=0, vmax=1e4, cmap="Blues", rows=6, cols=6),
    FigureSpec("pcolormesh-gridlines", lib="pcolormesh", cmap="viridis", gridline=1.0, rows=6, cols=8),
    FigureSpec("seaborn-annotated", lib="seaborn", cmap="YlGnBu", annot=True, rows=6, cols=7, vmax=100),
    FigureSpec("imshow-cbar-left", cmap="viridis", cbar="left", rows=6, cols=6),
    FigureSpec("imshow-cbar-bottom", cmap="plasma", cbar="bottom", rows=6, cols=9),
    FigureSpec("imshow-cbar-top", cmap="Reds", cbar="top", rows=5, cols=9),
    FigureSpec("imshow-jpeg-85", cmap="viridis", jpeg=85, rows=8, cols=8),
    FigureSpec("imshow-72dpi", cmap="magma", dpi=72, rows=8, cols=10),
]


def _check(spec, rendered, *, tol_err=0.01, tol_range=0.01):
    data, truth, result = rendered.get(spec)
    assert not isinstance(result, Exception), f"{spec.name}: {result}"
    h = result.heatmaps[0]
    assert (h.rows, h.cols) == (spec.rows, spec.cols), spec.name
    span = spec.vmax - spec.vmin
    assert abs(h.scale.vmin - spec.vmin) <= tol_range * span
    assert abs(h.scale.vmax - spec.vmax) <= tol_range * span
    t = truth["values"]
    known = np.isfinite(t)
    err = np.abs(h.table.values[known] - t[known]) / span
    assert float(np.mean(err)) <= tol_err, f"{spec.name}: mean error {np.mean(err):.4f} of the range"
    assert float(np.max(err)) <= 0.05, f"{spec.name}: worst cell {np.max(err):.4f} of the range"
    return h, truth


@pytest.mark.parametrize("spec", CASES, ids=[c.name for c in CASES])
def test_roundtrip_values(spec, rendered):
    _check(spec, rendered)


def test_roundtrip_labels_read_exactly(rendered):
    spec = CASES[6]
    h, truth = _check(spec, rendered)
    assert list(h.axes.row_labels) == truth["row_labels"]
    assert list(h.axes.col_labels) == truth["col_labels"]


def test_numeric_row_labels_with_k_suffix(rendered):
    spec = CASES[1]
    h, truth = _check(spec, rendered)
    assert list(h.axes.row_labels) == truth["row_labels"]


def test_blank_cells_come_back_as_nan(rendered):
    spec = FigureSpec("seaborn-nan", lib="seaborn", cmap="viridis", rows=6, cols=6, nan_cells=4)
    h, truth = _check(spec, rendered)
    assert np.array_equal(np.isnan(h.table.values), np.isnan(truth["values"]))


def _read_back(fig, v: np.ndarray):
    """The heatmap of a matplotlib figure saved as PNG (the figure closed), its
    values checked against ``v`` (mean error under 1% of a 0..1 range)."""
    import io

    import matplotlib.pyplot as plt

    from digitize import digitize

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    if h.table.values.shape == v.shape:
        assert float(np.abs(h.table.values - v).mean()) < 0.01
    return h


@pytest.mark.parametrize("rows,cols", [(4, 5), (3, 7), (2, 6)])
def test_imshow_default_ticks_at_half_cells_do_not_make_a_fine_grid(rows, cols):
    """matplotlib's automatic ticks on a small imshow fall at every half cell
    (-0.5, 0.0, 0.5, ...): marks at the cell edges as well as the centres. No
    comb finer than the cells may be taken from them (4 rows once came back as 72)."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    v = np.random.default_rng(rows).uniform(0, 1, (rows, cols))
    fig, ax = plt.subplots(figsize=(5, 4), dpi=80)
    fig.colorbar(ax.imshow(v, cmap="viridis", vmin=0, vmax=1), ax=ax)
    h = _read_back(fig, v)
    assert (h.rows, h.cols) == (rows, cols)


@pytest.mark.parametrize("n", [12, 20])
def test_imshow_ticks_every_two_and_a_half_cells_keep_the_cells(n):
    """matplotlib's automatic ticks on a 12- or 20-cell imshow fall at 0, 2.5, 5 ...
    along one axis: a numeric axis whose marks are no cell centres, though they
    fit a comb of 34 cells (of 12) to within the tolerance. The colour edges
    between the cells deny that comb: the cells are the ones the colours show, and the marks,
    alternating between centres and edges, back the grid (its confidence high)."""

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    y, x = np.mgrid[0:n, 0:n]
    v = (np.sin(x / n * 4) + np.cos(y / n * 3) + 2) / 4
    fig, ax = plt.subplots(figsize=(4, 3.4), dpi=150)
    fig.colorbar(ax.imshow(v, cmap="coolwarm", vmin=0, vmax=1), ax=ax)
    fig.canvas.draw()
    ticks = [t for t in [*ax.get_xticks(), *ax.get_yticks()] if 0 <= t <= n - 1]
    assert any(t % 1 for t in ticks), ticks  # the figure has the fractional ticks this test is about
    h = _read_back(fig, v)
    assert (h.rows, h.cols) == (n, n)
    on_axes = next(c for c in h.checks if c.name == "grid_on_axes")
    assert on_axes.passed, on_axes


def test_annotation_track_and_labels_turned_downwards():
    """seaborn's clustermap with col_colors, as biology figures draw a heatmap: a
    track of category colours along the top, glued to the cells, and column
    labels turned to read top to bottom (R's pheatmap turns them so too). The
    track is no row of the heatmap (its colours lie off the colormap), and the
    labels are read the way they run."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    from digitize import digitize

    v = np.round(np.random.default_rng(5).normal(size=(12, 6)), 2)
    names = [f"S{k}" for k in range(1, 7)]
    df = pd.DataFrame(v, index=[f"gene{k}" for k in range(12)], columns=names)
    g = sns.clustermap(df, row_cluster=False, col_cluster=False, cmap="RdBu_r", vmin=-3, vmax=3,
                       col_colors=["#1b9e77"] * 3 + ["#d95f02"] * 3, figsize=(5, 6))
    g.ax_heatmap.set_xticklabels(g.ax_heatmap.get_xticklabels(), rotation=-90)
    buf = io.BytesIO()
    g.savefig(buf, format="png", dpi=100)
    plt.close(g.fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (12, 6)
    assert list(h.axes.col_labels) == names
    assert list(h.axes.row_labels) == list(df.index)
    assert float(np.abs(h.table.values - np.clip(v, -3, 3)).mean()) / 6 < 0.01


@pytest.mark.parametrize("rotation", [90, -90])
def test_turned_labels_of_two_words_either_way(rotation):
    """Column labels 'sample 1' ... turned to read up (matplotlib's rotation=90) or
    down (-90): the lone digit, which cannot show that it is turned, joins its
    word, and the label is read the way it runs."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digitize import digitize

    v = np.random.default_rng(1).random((6, 8))
    names = [f"sample {k}" for k in range(1, 9)]
    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    fig.colorbar(ax.imshow(v, vmin=0, vmax=1), ax=ax)
    ax.set_xticks(range(8))
    ax.set_xticklabels(names, rotation=rotation)
    ax.set_yticks(range(6))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert list(h.axes.col_labels) == names
    assert float(np.abs(h.table.values - v).mean()) < 0.01
