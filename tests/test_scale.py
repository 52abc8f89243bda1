"""Scales: robust fit from ticks and the pixel <-> value round trip."""
import numpy as np
import pytest

from digitize.core.scale import fit_scale, user_scale
from digitize.errors import ScaleError
from digitize.model import Tick


def _ticks(values, pixels, labels=None):
    labels = labels or [str(v) for v in values]
    return [Tick(l, v, p) for l, v, p in zip(labels, values, pixels)]


def test_linear_fit_gives_end_values_from_unlabelled_ends():
    # a vertical bar from y=20 to y=420; ticks 0.001..0.007 every 50 px, ends unlabelled
    vals = [0.001 * k for k in range(1, 8)]
    px = [420 - 50 * k for k in range(1, 8)]
    s = fit_scale(_ticks(vals, px), 20, 420)
    assert s.kind == "linear"
    assert s.vmin == pytest.approx(0.0, abs=1e-12)
    assert s.vmax == pytest.approx(0.008)


def test_ocr_mistake_is_an_outlier_not_trusted():
    vals = [0.0, 0.2, 0.4, -0.6, 0.8, 1.0]  # "0.6" read as "-0.6" (tick mark taken for a minus)
    px = [400, 320, 240, 160, 80, 0]
    s = fit_scale(_ticks(vals, px), 0, 400)
    assert s.vmin == pytest.approx(0.0) and s.vmax == pytest.approx(1.0)
    assert [t.inlier for t in s.ticks].count(False) == 1


def test_log_scale_is_detected_from_tick_spacing():
    vals = [1, 10, 100, 1000]
    px = [300, 200, 100, 0]
    s = fit_scale(_ticks(vals, px), 0, 300)
    assert s.kind == "log"
    assert s.vmin == pytest.approx(1) and s.vmax == pytest.approx(1000)


@pytest.mark.parametrize("kind,vmin,vmax", [("linear", -3.5, 7.25), ("log", 1e-3, 1e4)])
def test_pixel_value_round_trip(kind, vmin, vmax):
    s = user_scale(vmin, vmax, 10, 510, kind=kind, increasing_with_pixel=False)
    px = np.linspace(10, 510, 101)
    assert np.allclose(s.value_to_pixel(s.pixel_to_value(px)), px, rtol=0, atol=1e-9)
    assert s.pixel_to_value(10) == pytest.approx(vmax)
    assert s.pixel_to_value(510) == pytest.approx(vmin)


def test_too_few_labels_is_a_clear_error():
    with pytest.raises(ScaleError, match="at least two readable"):
        fit_scale([Tick("abc", None, 3.0)], 0, 100)


@pytest.mark.parametrize("horizontal", [True, False])
def test_labels_that_fit_either_way_take_the_usual_direction(horizontal):
    """'10⁻⁴' .. '10⁰' read flat ('104' .. '100', the small raised minus lost) fit a
    bar rising 10⁻⁴ .. 1 and one falling 10⁴ .. 1 equally: the bar runs the usual
    way, its values growing to the right (up, on a vertical bar)."""
    ks = [4, 3, 2, 1, 0]
    px = [50 + 75 * i for i in range(5)] if horizontal else [350 - 75 * i for i in range(5)]
    ticks = []
    for k, p in zip(ks, px):
        label = f"10{k}"
        ticks += [Tick(label, float(label), p), Tick(label, 10.0 ** k, p)]
        if k:
            ticks.append(Tick(label, 10.0 ** -k, p))
    s = fit_scale(ticks, 50, 350, increasing_with_pixel=horizontal)
    assert s.kind == "log" and s.vmin == pytest.approx(1e-4) and s.vmax == pytest.approx(1.0)
    low_end = 50 if horizontal else 350
    assert s.pixel_to_value(low_end) == pytest.approx(1e-4)


def test_a_lighter_reading_does_not_turn_a_bar_against_its_usual_way():
    """A small plotly bar, labels 25..0 up to down, each beside its tick mark: OCR
    glued one mark to '5' ('-5'), so every other positive label got a lighter
    second reading with a minus (a lost sign), and -25..-5, 0 outweighed 25..10, 0
    (5.6 to 5.0): a bar whose values grow downwards, every value negated. A fit
    against the usual way needs a whole label more weight than the best the
    usual way; many labels read the other way still turn it."""
    px = [76.0, 101.0, 126.0, 151.0, 176.0, 201.0]
    ticks = [Tick("25", 25.0, px[0]), Tick("20", 20.0, px[1]), Tick("15", 15.0, px[2]), Tick("10", 10.0, px[3]),
             Tick("-5", -5.0, px[4]), Tick(".0", 0.0, px[5])]
    ticks += [Tick(t.label, -t.value, t.pixel, weight=0.9) for t in ticks[:4]]
    s = fit_scale(ticks, 70.0, 206.0, increasing_with_pixel=False)
    assert s.slope < 0 and s.pixel_to_value(201.0) == pytest.approx(0.0, abs=0.3)
    assert s.pixel_to_value(76.0) == pytest.approx(25.0, abs=0.3)
    reversed_bar = fit_scale(_ticks([0.0, 0.2, 0.4, 0.6, 0.8], [0.0, 100.0, 200.0, 300.0, 400.0]), 0.0, 400.0,
                             increasing_with_pixel=False)
    assert reversed_bar.slope > 0 and reversed_bar.pixel_to_value(400.0) == pytest.approx(0.8)


def test_minus_signs_on_every_label_may_be_tick_marks():
    """A small JPEG of a plotly bar 0..1, each label glued to its tick mark: every
    label read with a minus ('-1' .. '-0'), a bar whose values grow downwards,
    every value negated (at 0.85). Where every label carries a minus, each gets a
    lighter positive reading, and the fit takes the bar's usual way; a bar of
    negative labels that reads the usual way keeps its signs."""
    from digitize.raster.colorbar import _made_minus_readings

    px = [85.0, 129.5, 174.0, 219.5, 264.0, 309.0]
    glued = [Tick(f"-{v:g}", -v, p) for v, p in zip([1.0, 0.8, 0.6, 0.4, 0.2, 0.0], px)]
    s = fit_scale(glued + _made_minus_readings(glued), 85.0, 309.0, increasing_with_pixel=False)
    assert s.vmin == pytest.approx(0.0, abs=0.01) and s.vmax == pytest.approx(1.0, abs=0.01)
    negative = [Tick(f"-{v:g}", -v, p) for v, p in zip([2.0, 4.0, 6.0, 8.0, 10.0], [0.0, 100.0, 200.0, 300.0, 400.0])]
    s = fit_scale(negative + _made_minus_readings(negative), 0.0, 400.0, increasing_with_pixel=False)
    assert s.vmin == pytest.approx(-10.0) and s.vmax == pytest.approx(-2.0)
    assert _made_minus_readings([Tick("-1", -1.0, 0.0), Tick("0", 0.0, 50.0), Tick("1", 1.0, 100.0)]) == []


def test_an_outline_pixel_at_a_bar_end_does_not_move_its_labelled_end():
    # heatmap.2's key: -4..4 over x = 82.5..244.5, labelled at its ends; the bar found
    # from x = 81, an anti-aliased outline pixel mixed with the first colour taken in
    px = [82.5, 123.0, 164.0, 205.0, 244.5]
    s = fit_scale(_ticks([-4, -2, 0, 2, 4], px), 81, 245, increasing_with_pixel=True)
    assert s.vmin == pytest.approx(-4.0) and s.vmax == pytest.approx(4.0)


def test_a_tick_past_the_bar_found_moves_its_end():
    # a key's first pixels lost under its outline, a seam and a density curve: the
    # bar found from x = 51, its '0' label at x = 47.5 (a tick is never past a bar's end)
    px = [47.5, 82.5, 117.0, 151.5, 186.0, 221.0]
    s = fit_scale(_ticks([0, 0.2, 0.4, 0.6, 0.8, 1.0], px), 51, 222, increasing_with_pixel=True)
    assert s.vmin == pytest.approx(0.0) and s.vmax == pytest.approx(1.0)


def test_a_bar_ending_past_its_last_label_keeps_its_own_end():
    # matplotlib on the data's range: the bar runs 8 px past its '1' label
    px = [20 + 40 * k for k in range(6)]
    s = fit_scale(_ticks([0, 0.2, 0.4, 0.6, 0.8, 1.0], px), 20, 228, increasing_with_pixel=True)
    assert s.vmax == pytest.approx(1.04, abs=0.002)


def test_a_bar_end_snaps_onto_the_ticks_lattice_not_onto_multiples_of_the_step():
    # ticks at -0.2, 0.2, 0.6, 1 (0.4 apart, none at zero); the bar found a pixel
    # short of -1: its end is -1, on the ticks' lattice (a multiple of 0.4
    # from zero would be -0.8, too far to take, and leave -0.98)
    px = [87.0, 111.5, 136.0, 160.5]
    s = fit_scale(_ticks([-0.2, 0.2, 0.6, 1.0], px), 39.0, 161, increasing_with_pixel=True)
    assert s.vmin == pytest.approx(-1.0) and s.vmax == pytest.approx(1.0)



def test_labels_that_all_lost_their_minus_signs_read_negative():
    # heatmap.2's key at 72 dpi: '-6 -4 -2 0' read '6 4 2 0', left to right under a
    # horizontal bar, which would run against its usual way; read negative it runs
    # the usual way (the bar goes on past 0 to +6)
    from digitize.raster.colorbar import _all_minus_lost_readings

    ticks = _ticks([6.0, 4.0, 2.0, 0.0], [28.5, 45.5, 62.5, 79.5])
    s = fit_scale(ticks + _all_minus_lost_readings(ticks, vertical=False), 28.5, 130.5, increasing_with_pixel=True)
    assert s.vmin == pytest.approx(-6.0) and s.vmax == pytest.approx(6.0)
    assert _all_minus_lost_readings(_ticks([0.0, 2.0, 4.0], [10.0, 50.0, 90.0]), vertical=False) == []
    assert _all_minus_lost_readings(_ticks([0.0, 2.0, 4.0], [90.0, 50.0, 10.0]), vertical=True) == []
