"""A colorbar's colours along its length: lines across it taken out, its flat
stretches found exactly.

Seams where the page shows through between a key's rectangles (R at low
resolution) and a density curve crossing a key are short runs off the bar's
trend: they go, interpolated from either side, while a smooth or stepped ramp
stays as it is. A map whose colour changes little per pixel (autumn near red)
has no "flat" stretch: its end cells read at its ends, not a few levels in.
"""
from __future__ import annotations

import io

import numpy as np

from digitize import digitize
from digitize.core.cells import flat_stretches
from digitize.core.lookup import delta_e, rgb_to_lab
from digitize.raster.colorbar import despike


def _ramp(n: int = 200, cmap: str = "viridis", levels: int = 0) -> np.ndarray:
    import matplotlib

    t = np.linspace(0, 1, n)
    if levels:
        t = np.floor(t * levels * 0.999) / (levels - 1)
    rgb = (matplotlib.colormaps[cmap](t)[:, :3] * 255).round().astype(np.uint8)
    return rgb_to_lab(rgb).astype(np.float32)


def test_seams_and_a_crossing_line_go_and_the_ramp_stays():
    clean = _ramp()
    prof = clean.copy()
    white, cyan = rgb_to_lab(np.array([255, 255, 255], np.uint8)), rgb_to_lab(np.array([0, 230, 240], np.uint8))
    prof[60:62] = white
    prof[120:122] = white
    prof[150] = cyan
    out, replaced = despike(prof)
    assert set(np.flatnonzero(replaced)) == {60, 61, 120, 121, 150}
    assert float(delta_e(out, clean).max()) < 2.0


def test_separators_between_levels_stay():
    prof = _ramp(levels=8)
    grey = rgb_to_lab(np.array([20, 20, 20], np.uint8))
    for k in range(1, 8):  # a near-black line where each level meets the next
        prof[k * 25 - 1:k * 25 + 1] = grey
    out, replaced = despike(prof)
    assert not replaced.any()
    assert np.array_equal(out, prof)


def test_smooth_and_stepped_ramps_are_left_alone():
    for prof in (_ramp(), _ramp(cmap="coolwarm"), _ramp(levels=12), _ramp(n=400, cmap="jet")):
        out, replaced = despike(prof)
        assert not replaced.any()
        assert np.array_equal(out, prof)


def test_flat_stretches_are_one_colour_not_a_slow_change():
    slow = rgb_to_lab(np.array([[255, g, 0] for g in range(12)], np.uint8))  # autumn's red end
    assert flat_stretches(slow) == []
    stepped = np.repeat(_ramp(n=5), 6, axis=0)  # five bands of six samples
    assert flat_stretches(stepped) == [(0, 5), (6, 11), (12, 17), (18, 23), (24, 29)]


def test_cells_at_the_ends_of_a_slowly_changing_map_read_as_its_ends():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(7)
    v = (rng.random((14, 12)) < 0.5).astype(float)
    fig, ax = plt.subplots(figsize=(7, 6), dpi=100)
    im = ax.imshow(v, cmap=matplotlib.colormaps["autumn"].resampled(128), vmin=0, vmax=1, aspect="auto")
    fig.colorbar(im, ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == v.shape
    assert float(np.abs(np.asarray(h.table.values) - v).max()) <= 0.01
