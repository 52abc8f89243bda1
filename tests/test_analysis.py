"""The interpretation on tables of known structure."""
import numpy as np
import pytest

from digitize.core.analysis import analyse

R, C = 10, 12


def _grid():
    return np.mgrid[0:R, 0:C].astype(float)


def test_single_hotspot():
    y, x = _grid()
    v = np.exp(-((y - 3) ** 2 + (x - 8) ** 2) / 4.0)
    a = analyse(v)
    assert (a["peak"]["row_index"], a["peak"]["col_index"]) == (3, 8)
    r0, r1 = a["hotspot"]["row_range"]
    c0, c1 = a["hotspot"]["col_range"]
    assert r0 <= 3 <= r1 and c0 <= 8 <= c1 and (r1 - r0) <= 3 and (c1 - c0) <= 3
    assert any("9" in b["labels"] for b in a["high_cols"])


def test_gradient_along_rows():
    y, _ = _grid()
    a = analyse(y * 0.1)
    assert a["row_trend"]["kind"] == "increasing"
    assert a["col_trend"]["kind"] == "flat"
    assert a["high_cols"] == [] and a["low_cols"] == []


def test_gradient_along_columns():
    _, x = _grid()
    a = analyse(5.0 - x)
    assert a["col_trend"]["kind"] == "decreasing"
    assert a["row_trend"]["kind"] == "flat"
    assert a["low_cols"][-1]["to"] == "12"


def test_rise_then_slight_fall_along_rows():
    growth = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 0.97, 0.92, 0.88, 0.85])
    v = growth[:, None] * np.ones((1, C))
    t = analyse(v)["row_trend"]
    assert t["kind"] == "rise_then_fall" and t["turn"] == "6" and t["size"] == "slight"


def test_rise_then_collapse_is_not_called_slight():
    growth = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 1.0, 0.5, 0.2, 0.1, 0.1])
    t = analyse(growth[:, None] * np.ones((1, C)))["row_trend"]
    assert t["kind"] == "rise_then_fall" and t["size"] == "collapse"


def test_pure_noise_invents_no_pattern():
    rng = np.random.default_rng(3)
    a = analyse(rng.random((R, C)))
    assert a["high_cols"] == [] and a["low_cols"] == [] and a["high_rows"] == [] and a["low_rows"] == []
    assert a["row_trend"]["kind"] == "flat" and a["col_trend"]["kind"] == "flat"
    assert a["phases"] == [] and a["spread"]["uniform"]


def test_constant_map_invents_no_pattern():
    a = analyse(np.full((R, C), 0.25))
    assert a["row_trend"]["kind"] == "flat" and a["col_trend"]["kind"] == "flat"
    assert a["hotspot"] is None and a["high_rows"] == []
    assert "uniform" in a["text"]


def test_report_has_the_sections():
    y, x = _grid()
    text = analyse(np.exp(-((x - 7) ** 2) / 3) * (y + 1), x_label="Layer", y_label="Steps")["text"]
    for section in ("Overview", "Components/Axes", "Detailed Analysis", "Key Observations", "Interpretation"):
        assert f"### {section}" in text


def test_example_figure_conclusions(example_result):
    a = example_result.heatmaps[0].analysis
    high = {l for b in a["high_cols"] for l in b["labels"]}
    low = {l for b in a["low_cols"] for l in b["labels"]}
    assert "8" in high and high <= {str(i) for i in range(6, 11)}
    assert {"1", "2", "3", "4", "12"} <= low and not ({"7", "8", "9"} & low)
    assert a["peak"]["row"] in ("150k", "180k", "210k", "240k")
    assert a["row_trend"]["kind"] == "rise_then_fall" and a["row_trend"]["size"] == "slight"
    assert "slight decline" in a["text"]


def test_column_phases_follow_a_ridge():
    x = np.arange(C, dtype=float)
    v = np.exp(-((x - 7) ** 2) / 3)[None, :] * np.ones((R, 1))
    kinds = [p["kind"] for p in analyse(v)["col_phases"]]
    assert kinds[0] == "low everywhere" and "highest" in kinds and kinds[-1] == "low everywhere"
