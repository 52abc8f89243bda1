"""Legends of bins and figures whose first plot cannot be read.

A discrete legend labelled by bins ('=0', '0-0.1', '0.1-0.5', '0.5-1.0', one
label beside each swatch, as a retrieval-head paper draws it) is not evenly
spaced in value: each level takes its own label's value, a range its middle.
A picture whose first plot found (a bar chart's bar beside the heatmaps) has no
colorbar still gives the heatmaps after it.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402

from digitize import digitize  # noqa: E402
from digitize.core.labels import is_bin_label, parse_number  # noqa: E402
from digitize.core.scale import labelled_levels  # noqa: E402
from digitize.model import Tick  # noqa: E402
from digitize.report.export import to_dict  # noqa: E402

BINS = ("=0", "0-0.1", "0.1-0.5", "0.5-1.0")
BIN_VALUES = (0.0, 0.05, 0.3, 0.75)
COLOURS = ("#a6cee3", "#3a8ac4", "#f59a7c", "#e8312a")


def _bins_figure(fmt: str, seed: int = 0) -> tuple[bytes, np.ndarray]:
    """A 12 x 16 grid of level indices drawn on four colours, its bar labelled by
    bins at each swatch's middle; the bytes and each cell's level."""
    rng = np.random.default_rng(seed)
    levels = rng.choice(4, size=(12, 16), p=(0.55, 0.2, 0.15, 0.1))
    fig, ax = plt.subplots(figsize=(5.5, 3.6), dpi=110)
    im = ax.imshow(levels, cmap=ListedColormap(COLOURS), norm=BoundaryNorm([0, 1, 2, 3, 4], 4),
                   interpolation="nearest", aspect="auto")
    ax.set_xticks(range(0, 16, 4))
    ax.set_yticks(range(0, 12, 4))
    ax.set_xlabel("Layer Ids")
    ax.set_ylabel("Head Ids")
    bar = fig.colorbar(im, ax=ax, ticks=[0.5, 1.5, 2.5, 3.5])
    bar.ax.set_yticklabels(BINS)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt)
    plt.close(fig)
    return buf.getvalue(), levels


def test_bin_labels_are_told_from_values():
    assert [is_bin_label(t) for t in ("=0", "0-0.1", "(0.2,0.4]", "≥1.5", "-0.5", "12", "1,000")] == \
        [True, True, True, True, False, False, False]
    assert [parse_number(t) for t in BINS] == pytest.approx(list(BIN_VALUES))


def test_each_level_takes_its_own_labels_value():
    centres = [10.0, 30.0, 50.0, 70.0]
    ticks = [Tick(t, parse_number(t), c + 0.4) for t, c in zip(BINS, centres)]
    s = labelled_levels(ticks, centres)
    assert s is not None and s.discrete_levels == pytest.approx(BIN_VALUES)
    assert (s.vmin, s.vmax) == pytest.approx((0.0, 1.0))  # the bins' span: '=0' up to the end of '0.5-1.0'
    # pixels and values map through the levels, not one line through the ends
    assert s.value_to_pixel(np.array(BIN_VALUES)) == pytest.approx(centres)
    assert s.pixel_to_value(np.array(centres)) == pytest.approx(BIN_VALUES)
    # a level without a label at its middle (a bar labelled at its edges), or labels
    # that do not run one way, give no such scale
    assert labelled_levels(ticks[:3], centres) is None
    edges = [Tick(str(v), float(v), p) for v, p in zip(range(5), (0.0, 20.0, 40.0, 60.0, 80.0))]
    assert labelled_levels(edges, centres) is None
    shuffled = [Tick(t.label, v, t.pixel) for t, v in zip(ticks, (0.0, 0.3, 0.05, 0.75))]
    assert labelled_levels(shuffled, centres) is None


@pytest.mark.parametrize("fmt", ["pdf", "png"])
def test_a_legend_of_bins_gives_each_cell_its_bins_value(tmp_path, fmt):
    """Round trip, from the PDF's objects and from the pixels. Before, the labels
    were fitted by one line (a scale -0.47 .. 0.93 from the PDF), or the strip,
    labelled at every swatch, was taken for a one-column heatmap."""
    data, levels = _bins_figure(fmt)
    path = tmp_path / f"bins.{fmt}"
    path.write_bytes(data)
    res = digitize(str(path))
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert (h.rows, h.cols) == levels.shape
    want = np.asarray(BIN_VALUES)[levels]
    assert np.asarray(h.table.values) == pytest.approx(want, abs=1e-9)
    assert h.scale.discrete_levels and sorted(h.scale.discrete_levels) == pytest.approx(BIN_VALUES)
    assert "level_labels" in {c.name for c in h.checks}
    assert any("labelled levels" in w for w in h.warnings)
    assert to_dict(res)["heatmaps"][0]["colorbar"]["levels_from_labels"] is True


def test_a_plot_without_a_scale_first_does_not_hide_the_heatmaps_after_it(tmp_path):
    """A figure of a category map (cells of unrelated colours, no colorbar: no
    scale to be had) left of two heatmaps with their colorbars. The first plot
    found is skipped with a warning and the heatmaps after it are read (before,
    the whole picture failed on it, and a paper's page lost its heatmaps)."""
    rng = np.random.default_rng(3)
    a, b = rng.random((6, 2)), rng.random((6, 2))
    fig, axes = plt.subplots(1, 3, figsize=(9, 3), dpi=110, layout="constrained")
    categories = ListedColormap(["#7b3294", "#1b9e77", "#e66101", "#666666"])
    axes[0].imshow(rng.integers(0, 4, (6, 3)), cmap=categories, aspect="auto", interpolation="nearest")
    for ax, v in zip(axes[1:], (a, b)):
        im = ax.imshow(v, cmap="YlOrRd", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks([0, 1], ["Mary", "John"])
        fig.colorbar(im, ax=ax)
    path = tmp_path / "categories_then_heatmaps.png"
    fig.savefig(path)
    plt.close(fig)
    res = digitize(str(path))
    assert len(res.heatmaps) == 2
    for h, v in zip(sorted(res.heatmaps, key=lambda h: h.plot_box.x0), (a, b)):
        assert (h.rows, h.cols) == (6, 2)
        assert np.asarray(h.table.values) == pytest.approx(v, abs=0.02)
    assert any(w.startswith("skipped the heatmap at") for w in res.warnings)
