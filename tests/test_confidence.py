"""The checks and the confidence: a right reading passes them, a reading spoiled on
purpose (a wrong grid, a lost scale multiplier) fails the check that should
catch it and gets a low confidence."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np

import digitize.api as api
import digitize.raster.legend as legend
from digitize import digitize
from digitize.core.confidence import FEATURES, confidence, features
from digitize.model import Grid, frozen_array
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
