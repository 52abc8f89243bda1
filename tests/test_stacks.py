"""Round trips through other plotting stacks: R (ggplot2, pheatmap, base image,
gplots heatmap.2, lattice, corrplot), GNU Octave, gnuplot, plotly, Vega-Lite,
bokeh, plotnine, and matplotlib/seaborn figures of the kinds real results take.

Each fixture (``fixtures/stacks/<name>.png`` with its truth in ``<name>.json``,
rendered by ``fixtures/stacks/make_stacks.py``) names what it proves. The test
reads the figure and checks the grid, the colour bar's range (1% of the range;
of the decades on a log bar) and the values (mean error within the fixture's
tolerance, 1% of the range unless the stack's colours allow less).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from digitize import digitize
from digitize.batch import DEFAULT_MIN_CONFIDENCE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"
TRUTHS = {p.stem: json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))}
#: Figures read to a tolerance, and figures we cannot read yet (tol null: a known
#: limit), whose readings must say they are unsure.
CASES = [name for name, t in TRUTHS.items() if t["tol"] is not None]
UNSURE = [name for name, t in TRUTHS.items() if t["tol"] is None]


def _norm(s: str) -> str:
    return "".join(str(s).split()).lower().replace("\u2212", "-")


@pytest.fixture(scope="module")
def results():
    return {}


@pytest.mark.parametrize("name", CASES)
def test_stack_round_trip(name, results):
    truth = json.loads((FIXTURES / f"{name}.json").read_text())
    h = digitize(FIXTURES / f"{name}.png").heatmaps[0]
    what = f"{name} ({truth['stack']}: {truth['proves']})"
    assert (h.rows, h.cols) == (truth["rows"], truth["cols"]), what
    log = truth["scale"] == "log"
    t = (lambda v: math.log10(v)) if log else (lambda v: v)  # noqa: E731
    span = t(truth["vmax"]) - t(truth["vmin"])
    assert abs(t(h.scale.vmin) - t(truth["vmin"])) <= 0.01 * span, f"{what}: vmin {h.scale.vmin}"
    assert abs(t(h.scale.vmax) - t(truth["vmax"])) <= 0.01 * span, f"{what}: vmax {h.scale.vmax}"
    want = np.array([[np.nan if v is None else v for v in row] for row in truth["values"]], float)
    got = np.asarray(h.table.values, float)
    if log:
        want, got = np.log10(want), np.log10(np.where(got > 0, got, np.nan))
    known = np.isfinite(want)
    err = np.where(np.isfinite(got), np.abs(got - want), span)[known] / span
    assert float(np.mean(np.minimum(err, 1.0))) <= truth["tol"], f"{what}: mean error {float(np.mean(err)):.4f}"
    results[name] = h


@pytest.mark.parametrize("name", UNSURE)
def test_known_limits_say_they_are_unsure(name):
    """A figure we cannot read to 1% yet comes back marked doubtful (below the
    batch's default minimum confidence); where its grid is right, no cell of a
    value is taken for a blank."""
    truth = TRUTHS[name]
    h = digitize(FIXTURES / f"{name}.png").heatmaps[0]
    what = f"{name} ({truth['stack']}: {truth['proves']})"
    assert h.confidence < DEFAULT_MIN_CONFIDENCE, f"{what}: confidence {h.confidence}"
    if (h.rows, h.cols) == (truth["rows"], truth["cols"]):
        want = np.array([[np.nan if v is None else v for v in row] for row in truth["values"]], float)
        assert not np.any(np.isnan(np.asarray(h.table.values, float)) & np.isfinite(want)), what


def test_two_line_labels_are_read_whole():
    """Column labels printed on two lines come back as one label each."""
    truth = json.loads((FIXTURES / "mpl_multiline_labels.json").read_text())
    h = digitize(FIXTURES / "mpl_multiline_labels.png").heatmaps[0]
    assert [_norm(s) for s in h.axes.col_labels] == [_norm(s) for s in truth["col_labels"]]


@pytest.mark.parametrize("name, side", [("mpl_needle_35_saturated", "rows"), ("mpl_needle_35_saturated", "cols"),
                                        ("octave_saturated_inward_ticks", "rows"),
                                        ("plotly_log_masked_glued_ticks", "rows"),
                                        ("rbase_image_key", "cols"),
                                        ("corrplot_lower_diagonal_labels", "cols")])
def test_labels_on_every_cell_are_read(name, side):
    """A label on every row or column (small fonts, tick marks glued to the labels,
    labels rotated) reads exactly."""
    truth = json.loads((FIXTURES / f"{name}.json").read_text())
    h = digitize(FIXTURES / f"{name}.png").heatmaps[0]
    got = h.axes.row_labels if side == "rows" else h.axes.col_labels
    want = truth["row_labels"] if side == "rows" else truth["col_labels"]
    assert sum(_norm(a) == _norm(b) for a, b in zip(got, want)) >= 0.9 * len(want)


def _read_back(v, draw, *, cmap: str = "viridis", vmin: float = 0.0, vmax: float = 1.0, aspect: str = "auto",
               figsize=(5, 4), dpi: int = 100, tight: bool = True, bar: str = "right"):
    """The first heatmap read from a matplotlib figure of ``v`` (imshow, a colorbar
    on side ``bar``), its axes and labels set by ``draw(ax)``."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, dpi=dpi)
    im = ax.imshow(v, cmap=cmap, vmin=vmin, vmax=vmax, aspect=aspect)
    draw(ax)
    fig.colorbar(im, ax=ax, fraction=0.04, location=bar, pad=0.05 if bar == "right" else 0.1)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight" if tight else None)
    plt.close(fig)
    return digitize(buf.getvalue()).heatmaps[0]


def test_labels_beside_the_diagonal_of_a_triangle_are_read():
    """An upper-triangular correlation map labels its rows beside the diagonal, in
    the empty cells left of each row's first cell (R's corrplot), and its columns
    above it with text turned 45 degrees starting at each column: every label is
    read, on its own row and column."""
    names = ["clicks", "errors", "height", "churn", "glucose", "tenure", "visits", "age"]
    n = len(names)
    rng = np.random.default_rng(5)
    v = np.round(np.corrcoef(rng.normal(size=(n, 30))), 2)
    v[np.tril_indices(n, -1)] = np.nan

    def draw(ax):
        ax.set_xlim(-3, n - 0.5)
        ax.set_ylim(n - 0.5, -3)
        ax.axis("off")
        for i, name in enumerate(names):
            ax.text(i - 0.6, i, name, ha="right", va="center", fontsize=10)
            ax.text(i - 0.2, -0.6, name, rotation=45, ha="left", va="bottom", fontsize=10)
    h = _read_back(v, draw, cmap="RdBu", vmin=-1, aspect="equal", figsize=(5.5, 5), tight=False)
    assert (h.rows, h.cols) == (n, n)
    assert list(h.axes.row_labels) == names
    assert list(h.axes.col_labels) == names
    known = np.isfinite(v)
    assert float(np.abs(np.asarray(h.table.values, float)[known] - v[known]).mean()) <= 0.02


@pytest.mark.parametrize("side", ["left", "right"])
def test_labels_ending_in_a_lone_digit_are_read_whole(side):
    """Row labels whose last word is one digit ('glucose 1', 'glucose 2': a
    variable and its replicate) are read whole on either side of the plot, and a
    lone-letter axis title ("y") beyond them stays the title. Left of the plot the
    digit stands on the plot's side of its word; right of it, on the far side
    where the title stands, it is taken as a label's end where several lines end
    so."""
    names = ["glucose 1", "calcium 1", "insulin 1", "weight 2", "height 1", "tenure 2", "glucose 2"]

    def draw(ax):
        ax.set_yticks(range(len(names)), names)
        ax.set_xticks(range(6), [str(k) for k in range(6)])
        if side == "right":
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
        ax.set_ylabel("y", rotation=0, labelpad=12)
    h = _read_back(np.random.default_rng(3).random((len(names), 6)), draw, bar="left" if side == "right" else "right")
    assert list(h.axes.row_labels) == names
    assert h.axes.y_label == "y"


def test_long_row_labels_of_several_words_are_read_whole():
    """Row labels of several words in matplotlib's own font at 300 dpi, where a
    word space is 0.8 of a letter's height or a little more, are read whole."""
    names = ["Head Truncation", "Head Contamination", "Tail Contamination", "Head Trunc + Tail Trunc",
             "Head Contam + Tail Contam"]

    def draw(ax):
        ax.set_yticks(range(len(names)), names)
        ax.set_xticks(range(4), ["10%", "20%", "30%", "40%"])
    h = _read_back(np.random.default_rng(4).random((len(names), 4)), draw, cmap="RdYlGn", figsize=(5, 3), dpi=300)
    assert list(h.axes.row_labels) == names


def test_diagonal_labels_of_two_words_are_read_whole():
    """Column labels of two words turned 45 degrees under the plot ('KO 24h',
    'serum free'; the short words too small to show their slant), set with a
    wide word space (an en space here; gnuplot's font sets one so), are read
    whole, each under its column."""
    names = ["heat shock", "KO 24h", "KO 48h", "vehicle", "ctrl 2", "serum free", "drug low", "ctrl 1"]

    def draw(ax):
        ax.set_xticks(range(len(names)), [n.replace(" ", "\u2002") for n in names], rotation=45, ha="right",
                      rotation_mode="anchor", fontsize=9)
        ax.set_yticks(range(5), ["BRAF", "HIF1A", "KEAP1", "KIT", "MAPK1"])
    h = _read_back(np.random.default_rng(6).random((5, len(names))), draw, cmap="jet", figsize=(6, 4))
    assert list(h.axes.col_labels) == names


@pytest.mark.parametrize("size", [6, 7])
def test_short_labels_slanted_too_small_to_show_it_are_read_slanted(size):
    """Column numbers 1..13 turned 45 degrees in a small font (ggplot's angle = 45):
    each a square blob whose strokes show no slant, read upright as '2' for a '1'
    or '6' for a '10'; read slanted, every one is right."""
    names = [str(k) for k in range(1, 14)]

    def draw(ax):
        ax.set_xticks(range(13), names, rotation=45, ha="right", rotation_mode="anchor", fontsize=size)
        ax.set_yticks(range(6), ["WiC", "MNLI", "WSC", "QNLI", "MRPC", "QQP"])
    h = _read_back(np.random.default_rng(7).random((6, 13)), draw, cmap="Greens", figsize=(6, 3.5), dpi=90)
    assert list(h.axes.col_labels) == names


def test_sparse_labels_wider_than_their_cells_are_read_whole():
    """Dates on every tenth of 50 narrow columns (plotly's automatic ticks), each
    wider than its cell: read whole under their columns, not cut into pieces as
    labels drawn touching each other are; the first, under the first column and
    reaching past the plot's edge, whole too."""
    dates = ["2024-04-01", "2024-06-10", "2024-08-19", "2024-10-28", "2025-01-06"]

    def draw(ax):
        ax.set_xticks(range(0, 50, 10), dates, fontsize=7)
        ax.set_yticks(range(0, 12, 5), ["1", "6", "11"])
    h = _read_back(np.random.default_rng(8).random((12, 50)), draw, cmap="Blues", figsize=(7, 3))
    assert h.cols == 50
    assert [h.axes.col_labels[k] for k in range(0, 50, 10)] == dates
    assert all(lab == "" for k, lab in enumerate(h.axes.col_labels) if k % 10)


def test_numbers_in_blank_cells_of_a_square_map_are_no_labels():
    """A square map with blank cells at the start of its rows, in no staircase, and
    numbers printed in every cell, blank ones too, has no row labels beside it:
    the numbers in its blank cells are not taken for labels set beside a diagonal."""
    v = np.full((6, 6), 0.6)
    for i, first in enumerate([2, 1, 3, 1, 2, 3]):
        v[i, :first] = np.nan

    def draw(ax):
        ax.set_yticks([])
        ax.set_xticks(range(6), list("ABCDEF"))
        for i in range(6):
            for j in range(6):
                ax.text(j, i, f"{0 if np.isnan(v[i, j]) else v[i, j]:.2f}", ha="center", va="center", fontsize=8)
    h = _read_back(v, draw, cmap="Greens", figsize=(4, 4))
    assert (h.rows, h.cols) == (6, 6)
    assert not any(h.axes.row_labels)
