"""The vectorized colour -> value core."""
import colorsys

import numpy as np
import pytest

from digitize.core import lookup
from digitize.core.lookup import (delta_e, distinct_colours, image_to_index, lab_to_rgb, pack_rgb,
                             project_onto_polyline, rgb_to_lab, robust_cell_colours, set_threads)


def test_rgb_to_lab_matches_reference_values():
    # CIELAB (D65) of pure colours, as tabulated by colour-science references
    lab = rgb_to_lab(np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], np.uint8))
    assert lab[0] == pytest.approx([100.0, 0.0, 0.0], abs=0.05)
    assert lab[1] == pytest.approx([0.0, 0.0, 0.0], abs=0.05)
    assert lab[2] == pytest.approx([53.24, 80.09, 67.20], abs=0.3)


def test_large_images_convert_like_single_pixels():
    # above 65536 pixels the conversion goes one distinct colour at a time
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (300, 300, 3)).astype(np.uint8)
    img[:150] = img[:150, :1]  # many repeated colours too
    big = rgb_to_lab(img)
    small = np.concatenate([rgb_to_lab(row) for row in img])
    assert big.shape == img.shape and big.dtype == np.float32
    assert np.array_equal(big.reshape(-1, 3), small.reshape(-1, 3))
    # over a megapixel of noise: one distinct colour at a time
    noise = rng.integers(0, 256, (1050, 1000, 3)).astype(np.uint8)
    noise[:, ::2] //= 4  # fewer colours than pixels
    assert np.array_equal(rgb_to_lab(noise), np.stack([rgb_to_lab(row) for row in noise]))


def test_lab_to_rgb_inverts_rgb_to_lab_on_every_grey_and_random_colours():
    rng = np.random.default_rng(4)
    rgb = np.concatenate([np.repeat(np.arange(256)[:, None], 3, axis=1),
                          rng.integers(0, 256, (2000, 3))]).astype(np.uint8)
    back = np.clip(lab_to_rgb(rgb_to_lab(rgb)).round(), 0, 255).astype(np.uint8)
    assert np.array_equal(back, rgb)


def test_distinct_colours_rebuild_the_image():
    rng = np.random.default_rng(5)
    img = rng.integers(0, 4, (60, 70, 3)).astype(np.uint8) * 80
    colours, slot = distinct_colours(pack_rgb(img))
    assert len(colours) == len(np.unique(img.reshape(-1, 3), axis=0)) == 64
    assert np.array_equal(colours[slot].reshape(img.shape), img)


def test_large_image_lookup_on_a_long_colormap_equals_exact_projection():
    # > 2000 colours and > 1M pixels: the k-d tree path, split over threads
    rng = np.random.default_rng(6)
    ramp = np.linspace(0, 1, 256)
    table = (np.stack([ramp, np.sin(3 * ramp) ** 2, 1 - ramp], axis=1) * 255).round().astype(np.uint8)
    curve = rgb_to_lab(table)
    pick = rng.integers(0, 256, (1100, 1000))
    img = np.clip(table[pick].astype(int) + rng.integers(-3, 4, (1100, 1000, 3)), 0, 255).astype(np.uint8)
    idx, res = image_to_index(img, curve)
    colours, slot = distinct_colours(pack_rgb(img))
    assert len(colours) > 2000
    ref_idx, ref_res = project_onto_polyline(rgb_to_lab(colours), curve)
    assert np.abs(res.ravel() - ref_res[slot]).max() < 0.01
    # the same point of the curve, but for near-ties (two places equally close)
    assert np.mean(np.abs(idx.ravel() - ref_idx[slot]) < 0.02) > 0.999
    assert np.abs(idx - pick).mean() < 1.0  # and it is where the colours came from
    # one thread (a batch worker): the same answer
    try:
        set_threads(1)
        assert lookup._cores == 1
        one_idx, one_res = image_to_index(img, curve)
    finally:
        set_threads(0)
    assert np.array_equal(one_idx, idx) and np.array_equal(one_res, res)


def test_projection_recovers_sample_positions_exactly():
    curve = rgb_to_lab(np.array([[int(255 * c) for c in colorsys.hsv_to_rgb(h, 0.8, 0.9)]
                                 for h in np.linspace(0, 0.7, 50)], np.uint8))
    idx, res = project_onto_polyline(curve, curve)
    assert np.allclose(idx, np.arange(50), atol=1e-6)
    assert np.all(res < 1e-3)


def test_projection_interpolates_between_samples_and_reports_residual():
    curve = np.array([[0, 0, 0], [10, 0, 0], [20, 0, 0]], np.float32)
    idx, res = project_onto_polyline(np.array([[15, 3, 4]], np.float32), curve)
    assert idx[0] == pytest.approx(1.5)
    assert res[0] == pytest.approx(5.0)


def test_image_lookup_equals_per_colour_projection():
    rng = np.random.default_rng(1)
    curve = rgb_to_lab(rng.integers(0, 256, (30, 3)).astype(np.uint8))
    img = rng.integers(0, 256, (40, 50, 3)).astype(np.uint8)
    idx, res = image_to_index(img, curve)
    ref_idx, ref_res = project_onto_polyline(rgb_to_lab(img.reshape(-1, 3)), curve)
    assert np.allclose(idx.ravel(), ref_idx)
    assert np.allclose(res.ravel(), ref_res, atol=1e-4)


def test_cell_colour_ignores_printed_text():
    img = np.zeros((40, 40, 3), np.uint8)
    img[:] = (200, 30, 30)
    img[17:23, 12:28] = (255, 255, 255)  # a number printed in the middle of the cell
    lab = rgb_to_lab(img)
    col = robust_cell_colours(lab, np.array([0.0, 40.0]), np.array([0.0, 40.0]))
    assert delta_e(col[0, 0], rgb_to_lab(np.array([200, 30, 30], np.uint8))) < 0.5


def test_cell_colours_follow_the_grid():
    img = np.zeros((20, 30, 3), np.uint8)
    img[:, :10] = (10, 10, 10)
    img[:, 10:20] = (120, 120, 120)
    img[:, 20:] = (250, 250, 250)
    col = robust_cell_colours(rgb_to_lab(img), np.array([0.0, 20.0]), np.array([0.0, 10.0, 20.0, 30.0]))
    assert col.shape == (1, 3, 3)
    assert np.all(np.diff(col[0, :, 0]) > 20)  # lightness rises left to right


def test_cell_vote_equals_the_pairwise_vote_on_flat_noisy_and_printed_cells():
    # flat cells take the fast path (all points agree); the rest vote pair by pair
    rng = np.random.default_rng(8)
    base = rng.random((6, 9, 3)).astype(np.float32) * [100, 80, 80]
    lab = np.repeat(np.repeat(base, 12, 0), 12, 1)
    lab[:36] += rng.normal(0, 2.5, lab[:36].shape).astype(np.float32)  # noisy upper half
    lab[40:44, 2:10] = 0  # a number printed in a cell
    rows, cols = np.arange(7) * 12.0, np.arange(10) * 12.0
    got = robust_cell_colours(lab, rows, cols)
    frac = 0.2 + 0.6 * (np.arange(7) + 0.5) / 7
    for i in range(6):
        for j in range(9):
            ys = np.floor(rows[i] + 12 * frac).astype(int)
            xs = np.floor(cols[j] + 12 * frac).astype(int)
            pts = lab[ys[:, None], xs[None, :]].reshape(-1, 3)
            close = ((pts[:, None] - pts[None]) ** 2).sum(-1) <= 36.0
            members = close[close.sum(1).argmax()]
            assert np.allclose(got[i, j], pts[members].mean(0), atol=1e-4)


def test_page_on_a_banded_map_whose_end_band_stops_short_of_it():
    """A continuous map drawn in flat bands (gnuplot: 128, each the colour at its
    start) whose end band is one step short of the page reaches the page; a
    discrete bar of a few levels, or a map heading away from the page, does not;
    the page colour is added at the bar's end there."""
    from digitize.core.cells import banded_end_at_page, page_on_map, run_on_to_page
    from digitize.core.lookup import rgb_to_lab
    from digitize.model import Colormap

    white = rgb_to_lab(np.array([255, 255, 255], np.uint8))
    ramp = np.stack([np.full(32, 255), np.full(32, 255), np.linspace(0, 255, 33)[:-1]], axis=1).astype(np.uint8)
    lab = rgb_to_lab(ramp)
    assert banded_end_at_page(lab, white) == -1 and page_on_map(lab, white)
    assert banded_end_at_page(lab[::-1], white) == 0
    assert not page_on_map(lab[:16], white)  # stops halfway to white
    few = rgb_to_lab(ramp[::4])  # 8 levels: a discrete bar ends at its last level
    assert banded_end_at_page(few, white) is None and not page_on_map(few, white)
    cm = Colormap(np.arange(32) * 2.0 + 1.0, lab, ramp)
    out = run_on_to_page(cm, white, (255, 255, 255), (0.0, 64.0))
    assert len(out.positions) == 33 and out.positions[-1] == 64.0 and tuple(out.rgb[-1]) == (255, 255, 255)
    assert run_on_to_page(cm, white, (255, 255, 255), (0.0, 63.0)) is cm  # no room past the last band


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.uint8])
def test_median_equals_numpys(dtype):
    """lookup.median (a partition, without np.median's general machinery) gives
    numpy's numbers, dtype and shape, on odd and even counts and along any axis."""
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 4, 17, 256, 257):
        a = (rng.normal(size=(n, 3)) * 60).astype(dtype)
        for axis in (None, 0, 1, -1):
            want, got = np.median(a, axis=axis), lookup.median(a, axis=axis)
            assert np.array_equal(want, got) and np.asarray(want).dtype == np.asarray(got).dtype
            assert np.shape(want) == np.shape(got) and type(want) is type(got)


def test_pair_distances_are_the_squares_summed_over_the_channels():
    """The cells' colour vote compares every pair of a cell's samples: summed channel
    by channel in place, the distances are the very numbers of the plain sum."""
    from digitize.core.lookup import _pair_distances2

    pts = (np.random.default_rng(3).random((40, 49, 3)) * 100).astype(np.float32)
    plain = ((pts[:, :, None, :] - pts[:, None, :, :]) ** 2).sum(axis=-1)
    assert np.array_equal(_pair_distances2(pts), plain)
