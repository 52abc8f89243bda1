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


def test_seams_of_the_page_are_filled_and_a_white_middle_stays():
    """A key drawn in rectangles at low resolution shows the page in seams a
    pixel or two wide between like colours: they are filled from either side. A
    diverging map's white middle, wider, and a white step between unlike colours
    stay."""
    from digitize.raster.colorbar import fill_seams

    page = rgb_to_lab(np.array([255, 255, 255], np.uint8)).astype(np.float32)
    clean = _ramp(cmap="viridis")
    prof = clean.copy()
    prof[[30, 31, 70, 110]] = page
    out = fill_seams(prof, page)
    assert float(delta_e(out, clean).max()) < 3.0
    bwr = _ramp(201, cmap="bwr")  # one white sample, between a pale blue and a pale red
    assert int((delta_e(bwr, page) < 3.0).sum()) >= 1
    assert float(delta_e(fill_seams(bwr, page), bwr).max()) == 0.0
    wide = np.concatenate([bwr[:95], np.repeat(page[None], 6, axis=0), bwr[106:]])
    assert float(delta_e(fill_seams(wide, page), wide).max()) == 0.0


def test_a_long_flat_end_of_a_graded_key_stands_for_its_inner_edge():
    """heatmap.2's symmetric key over data below zero: a ramp over the first 60
    samples, then one colour to the end. A cell of that colour reads at the
    stretch's inner edge; a stepped key's end band still reads at its middle."""
    from digitize.core.cells import _middle_of_flat_stretches

    ramp = _ramp(60)
    curve = np.concatenate([ramp, np.repeat(ramp[-1:], 40, axis=0)])
    assert _middle_of_flat_stretches(np.array([59.0, 80.0, 99.0, 20.0]), curve).tolist() == [59, 59, 59, 20]
    stepped = _ramp(100, levels=5)
    assert _middle_of_flat_stretches(np.array([95.0]), stepped).tolist() == [89.5]


def test_the_end_steps_of_a_ramp_drawn_in_many_steps_stand_for_its_ends():
    """R draws a key in 100 colours, several pixels each: a pass/fail map's cells
    take its end colours, and they are 0 and 1, not the middles of the end steps
    (1.5% in at 72 dpi). A step inside keeps its middle; a discrete bar of a few
    levels keeps the middles of its end levels too."""
    from digitize.core.cells import _middle_of_flat_stretches

    ramp = _ramp(200, levels=40)  # 40 steps of 5 samples
    assert _middle_of_flat_stretches(np.array([2.0, 197.0, 101.0]), ramp).tolist() == [0.0, 199.0, 102.0]
    few = _ramp(200, levels=8)
    assert _middle_of_flat_stretches(np.array([2.0]), few).tolist() == [12.0]
