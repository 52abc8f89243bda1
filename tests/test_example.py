"""The project's own figure: fixtures/layer_vs_steps.png."""
import numpy as np


def test_example_shape_scale_and_labels(example_result, example_truth):
    h = example_result.heatmaps[0]
    assert (h.rows, h.cols) == (10, 12)
    assert h.scale.vmin == 0.0 and abs(h.scale.vmax - 0.008) < 1e-9
    assert list(h.axes.row_labels) == example_truth["row_labels"]
    assert list(h.axes.col_labels) == example_truth["col_labels"]
    assert h.axes.x_label == "Layer"
    assert h.axes.y_label == "Steps"


def test_example_values_within_point_two_percent(example_result, example_truth):
    h = example_result.heatmaps[0]
    err = np.abs(h.table.values - example_truth["values"]) / 0.008
    assert err.mean() <= 0.002
    assert err.max() <= 0.01


def test_example_peak_is_on_the_ridge(example_result):
    peak = example_result.heatmaps[0].analysis["peak"]
    assert peak["col"] in ("7", "8", "9")
    assert peak["row"] in ("150k", "180k", "210k", "240k")
