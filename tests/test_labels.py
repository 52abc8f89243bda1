import numpy as np
import pytest

from digitize.core.labels import mend_number_text, mend_to_pattern, parse_multiplier, parse_number, steps_evenly
from digitize.raster.axes import _drop_tick_dashes, _mend_axis_labels
from digitize.raster.ocr import Recognition


@pytest.mark.parametrize("text,value", [
    ("0.008", 0.008), ("−0.5", -0.5), ("-3.5", -3.5), ("1e-4", 1e-4), ("2.5×10⁻³", 2.5e-3),
    ("10^{3}", 1000.0), ("$10^{-2}$", 0.01), ("10³", 1000.0), ("1,000", 1000.0), ("30k", 30000.0),
    ("1.5M", 1.5e6), ("50%", 50.0), ("O.5", 0.5), ("1 000", 1000.0), ("10⁻1", 0.1), ("10⁻²", 0.01),
    ("10⁻12", 1e-12), ("2×10⁻3", 2e-3), ("≥2", 2.0), ("≤-1.5", -1.5), ("≤−2", -2.0), (">=0.8", 0.8),
    ("<0.05", 0.05),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "value", "Layer", "-", "一", "abc1"])
def test_not_a_number(text):
    assert parse_number(text) is None


def test_offset_texts():
    assert parse_multiplier("1e-4") == ("mul", pytest.approx(1e-4))
    assert parse_multiplier("×10⁻³") == ("mul", pytest.approx(1e-3))
    assert parse_multiplier("+1e3") == ("add", pytest.approx(1000.0))
    assert parse_multiplier("0.5") is None


@pytest.mark.parametrize("text,mended", [
    ("10ok", "100k"), ("6ook", "600k"), ("O", "0"), ("l5", "15"), ("0.25", "0.25"), ("30k", "30k"),
    ("alpha", None), ("N", None), ("kl150", None), ("", None),
])
def test_digits_read_as_letters_are_mended(text, mended):
    assert mend_number_text(text) == mended


class _Reader:
    def __init__(self, table):
        self.table, self.calls = table, 0

    def recognize(self, images):
        self.calls += 1
        return [self.table[int(im[0, 0, 0])] for im in images]


def test_a_label_among_numbers_that_is_not_one_is_read_again_and_mended():
    texts = ["0", "10ok", "N", "30k", "40k"]
    reads = [Recognition(t, 0.99) for t in texts]
    crops = [np.full((2, 2, 3), k, np.uint8) for k in range(len(texts))]
    judge = _Reader({2: Recognition("20k", 0.98)})
    _mend_axis_labels(list(range(len(texts))), reads, crops, judge)
    assert [r.text for r in reads] == ["0", "100k", "20k", "30k", "40k"]
    assert judge.calls == 1
    names = [Recognition(t, 0.99) for t in ["ro", "r1", "r2", "rx", "r4"]]  # one shape with a digit
    judge = _Reader({0: Recognition("ro", 0.9), 3: Recognition("r3", 0.9)})
    _mend_axis_labels(list(range(5)), names, crops, judge)
    assert [r.text for r in names] == ["r0", "r1", "r2", "r3", "r4"] and judge.calls == 1
    layers = [Recognition(t, 0.99) for t in ["LO", "L1", "L2", "L3", "L10", "L11", "L12", "L13", "L14"]]
    _mend_axis_labels(list(range(9)), layers, crops * 2, None)  # one shape, numbers of any length
    assert [r.text for r in layers] == ["L0", "L1", "L2", "L3", "L10", "L11", "L12", "L13", "L14"]
    words = [Recognition(t, 0.9) for t in ["alpha", "beta", "O", "1"]]  # neither numbers nor one shape
    _mend_axis_labels(list(range(4)), words, crops, judge)
    assert [r.text for r in words] == ["alpha", "beta", "O", "1"] and judge.calls == 1


@pytest.mark.parametrize("text,pattern,mended", [
    ("ro", "ad", "r0"), ("CO", "ad", "C0"), ("layer l2", "aaaaa dd", "layer 12"), ("r2", "ad", "r2"),
    ("rx", "ad", None), ("r", "ad", None), ("Lo", "ad", "L0"),
])
def test_labels_mended_to_their_siblings_shape(text, pattern, mended):
    assert mend_to_pattern(text, pattern) == mended


@pytest.mark.parametrize("values,index,even", [
    ([0.0, 0.1, 0.2, 0.3], None, True), ([1, 10, 100, 1000], None, True), ([5, 4, 3, 2], None, True),
    ([0.001, 0.002, 0.004], [0, 1, 3], True), ([0, 1, 3], None, False), ([0, 0.25, 0.5, 0.8], None, False),
    ([1, None, 3], None, False), ([2, 4], None, False), ([7, 7, 7], None, False), ([1e-3, 1e-2, 0.1], None, True),
])
def test_numbers_stepping_evenly(values, index, even):
    assert steps_evenly(values, index) is even


def test_a_bare_ten_among_powers_of_ten_may_be_ten_to_the_zero():
    """Octave's '10^{0}' with its small superscript lost reads '10' beside
    '10⁻¹' and '10⁻³': as 10 it fits the '10⁻¹' alone (two decades a step), a
    decade off at the top; read as 10⁰ too (a lighter reading), all three agree.
    A '10' on a bar of plain numbers gets no such reading."""
    from digitize.core.scale import fit_scale
    from digitize.model import Tick
    from digitize.raster.colorbar import _bare_ten_readings

    ticks = [Tick("10", 10.0, 39.5), Tick("10⁻¹", 0.1, 148.5), Tick("10⁻³", 0.001, 364.5)]
    scale = fit_scale(ticks + _bare_ten_readings(ticks), 39.5, 470.0, increasing_with_pixel=False)
    assert scale.kind == "log" and scale.vmax == pytest.approx(1.0, rel=0.02)
    assert scale.vmin == pytest.approx(10 ** (-3 - (470 - 364.5) / 108.3), rel=0.05)
    plain = [Tick("0", 0.0, 400.0), Tick("10", 10.0, 300.0), Tick("20", 20.0, 200.0)]
    assert _bare_ten_readings(plain) == []


def test_a_lost_superscript_minus_is_as_likely_as_the_sign_read():
    """bokeh's '10⁻⁴' .. '10⁰' along a bar above the plot, read (as OCR reads such
    small raised minus signs) '104', '10²', '10¹', '10°': with the flat '104' read
    both ways, the labels fit 10⁴ .. 1 falling and 10⁻⁴ .. 1 rising equally well
    once a power read without a minus is as likely negative; the bar runs the usual
    way (rising to the right). With the other sign as a lighter reading, the scale
    came out 1 .. 10000. A minus that was read is seldom made up: Octave's '10⁻²'
    beside a '10' (its '10^{-3}' misread) and '10-1' keeps its sign."""
    from digitize.core.scale import fit_scale
    from digitize.model import Tick
    from digitize.raster.colorbar import _exponent_readings

    ticks = [Tick("104", 104.0, 59.5), Tick("104", 1e4, 59.5), Tick("104", 1e-4, 59.5),
             Tick("10²", 100.0, 238.0), Tick("10¹", 10.0, 327.5), Tick("10°", 1.0, 416.5)]
    scale = fit_scale(ticks + _exponent_readings(ticks), 60.0, 417.0, increasing_with_pixel=True)
    assert scale.kind == "log" and (scale.vmin, scale.vmax) == pytest.approx((1e-4, 1.0), rel=0.02)
    assert scale.pixel_to_value(60.0) == pytest.approx(1e-4, rel=0.02)
    from digitize.raster.colorbar import _bare_ten_readings

    octave = [Tick("10", 10.0, 257.5), Tick("10⁻2", 0.01, 416.5), Tick("10-1", 0.1, 576.5)]
    scale = fit_scale(octave + _exponent_readings(octave) + _bare_ten_readings(octave), 105.0, 731.0,
                      increasing_with_pixel=True)
    assert scale.pixel_to_value(416.5) == pytest.approx(0.01, rel=0.05)
    assert scale.pixel_to_value(576.5) == pytest.approx(0.1, rel=0.05)


def test_colorbar_ticks_confirm_each_other_or_send_flat_powers_back():
    from digitize.model import Box
    from digitize.raster.colorbar import _tick_verdicts
    from digitize.raster.textblobs import Blob

    def blobs(xs):
        return [Blob(Box(x - 10, 0, x + 10, 12), 0.0, 50, 10.0, np.ones((12, 20), bool)) for x in xs]

    even = [Recognition(t, 0.9) for t in ["0.0", "0.2", "0.4", "0.6"]]
    assert _tick_verdicts(blobs([100, 200, 300, 400]), even, vertical=False) == [True] * 4
    # uneven spacing: no confirmation, each by its own confidence
    assert _tick_verdicts(blobs([100, 200, 330, 400]), even, vertical=False) == [None] * 4
    # a superscript read flat breaks the steps and is sent to the accurate model
    log = [Recognition(t, 0.99) for t in ["10⁰", "10¹", "102"]]
    assert _tick_verdicts(blobs([100, 350, 600]), log, vertical=False) == [None, None, False]
    powers = [Recognition(t, 0.99) for t in ["10⁰", "10¹", "10²"]]
    assert _tick_verdicts(blobs([100, 350, 600]), powers, vertical=False) == [True] * 3


def test_rounded_labels_step_evenly_within_their_last_digit():
    """Labels of an even step rounded to three decimals (0.617, 0.606, 0.596,
    0.585, 0.574) step evenly within half a unit of their last digit, a tick the
    fit left out skipped by its place; a misread digit does not."""
    from digitize.core.labels import steps_evenly

    rounded = [0.617, 0.606, 0.596, 0.585, 0.574]
    assert not steps_evenly(rounded)  # not exactly
    assert steps_evenly(rounded, tol=0.0005)
    assert steps_evenly([0.617, 0.606, 0.585, 0.574], [0, 1, 3, 4], tol=0.0005)
    assert not steps_evenly([0.617, 0.606, 0.585, 0.574], tol=0.0005)  # the gap is a place, not a step
    assert not steps_evenly([0.617, 0.606, 0.586, 0.565, 0.574], tol=0.0005)  # misread
    assert not steps_evenly([0.2, 0.4, 0.6, 1.0], tol=0.05)
    assert not steps_evenly([1.0, 1.0, 1.0], tol=0.5)  # no step at all


def test_the_scale_residual_allows_for_rounded_labels():
    """A scale resting on rounded labels is held to the residual their rounding
    leaves (half a unit, uniform), not to the limit for exact labels."""
    from digitize.core.checks import SCALE_RESIDUAL_LIMIT, scale_checks
    from digitize.model import Scale, Tick

    lo, hi, length = 0.5742, 0.6171, 325.0
    values = [0.617, 0.606, 0.596, 0.585, 0.574]
    true_px = [(v_true - lo) / (hi - lo) * length for v_true in np.linspace(hi, lo, 5)]
    slope = length / (hi - lo)
    ticks = tuple(Tick(label=f"{v:.3f}", value=v, pixel=p, score=1.0, inlier=True) for v, p in zip(values, true_px))
    scale = Scale(kind="linear", slope=1 / slope, intercept=lo, vmin=lo, vmax=hi, ticks=ticks, source="ticks")
    by = {c.name: c for c in scale_checks(scale, bar_length=length, unused_texts=[])}
    assert by["tick_steps"].passed
    assert by["scale_residual"].limit > SCALE_RESIDUAL_LIMIT
    assert by["scale_residual"].value > SCALE_RESIDUAL_LIMIT and by["scale_residual"].passed


def test_exponents_past_the_floats_range_are_no_numbers():
    """An OCR'd '1e999' or '10^400' (digits run together) is no label, not an OverflowError."""
    from digitize.core.labels import parse_number

    assert parse_number("1e999") is None and parse_number("10^400") is None and parse_number("3×10^999") is None
    assert parse_number("2.5×10^-3") == pytest.approx(0.0025) and parse_number("1e5") == 100000.0


@pytest.mark.parametrize("text, value", [("0-0.2", 0.1), ("0.2–0.4", 0.3), ("0.4 to 0.6", 0.5), ("(0.6,0.8]", 0.7),
                                         ("[0.8, 1)", 0.9), ("-0.4--0.2", -0.3), ("10-20", 15.0), ("0-20%", 10.0)])
def test_a_range_label_is_the_middle_of_its_bin(text, value):
    from digitize.core.labels import parse_number

    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text, value", [("1,500", 1500.0), ("10-4", None), ("2-1", None), ("1e-4", 1e-4)])
def test_what_is_no_range(text, value):
    """A thousands comma, a flattened exponent ('10-4' for 10⁻⁴), a range running
    backwards: no bin's middle."""
    from digitize.core.labels import parse_number

    assert parse_number(text) == (pytest.approx(value) if value is not None else None)


def test_labels_of_one_axis_take_one_case_where_ocr_mixes_them():
    from digitize.core.labels import unify_case

    assert unify_case(["s1", "s2", "S3", "s4", "s5"]) == ["s1", "s2", "s3", "s4", "s5"]
    assert unify_case(["S1", "S2", "s3", "S4"]) == ["S1", "S2", "S3", "S4"]
    # letters unlike in their two cases, too few labels, a split vote: left as read
    assert unify_case(["a1", "A2", "a3", "a4"]) == ["a1", "A2", "a3", "a4"]
    assert unify_case(["s1", "S2"]) == ["s1", "S2"]
    assert unify_case(["s1", "S2", "s3", "S4"]) == ["s1", "S2", "s3", "S4"]


def test_numbers_printed_into_each_other_are_cut_apart():
    from digitize.core.labels import run_together_numbers

    assert run_together_numbers("-2.00-1.000.00") == ["-2.00", "-1.00", "0.00"]
    assert run_together_numbers("0.000.250.50") == ["0.00", "0.25", "0.50"]
    assert run_together_numbers("1.0002.000") == ["1.000", "2.000"]
    assert run_together_numbers("\u22120.50.00.5") == ["\u22120.5", "0.0", "0.5"]
    # digits alone, a single number, or numbers of different formats are not cut
    assert run_together_numbers("100200") is None and run_together_numbers("1.5") is None
    assert run_together_numbers("0.51.25") is None


@pytest.mark.parametrize("text,value", [("10-³", 1e-3), ("10-²", 1e-2), ("10+²", 1e2), ("10⁻1", 0.1)])
def test_a_raised_minus_read_on_the_base_line_is_the_exponents(text, value):
    """OCR reads the small raised minus of '10⁻³' as a hyphen on the base line and
    keeps the digits raised: '10-³' is 10^-3 (gnuplot's enhanced '10^{-3}')."""
    from digitize.core.labels import parse_number

    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("texts, kept", [
    # ggplot's short grey ticks, a gap too narrow to clear, read as a dash after every label
    (["EGFR-", "IDH1-", "", "ASXL1-", "FGFR1 -"], ["EGFR", "IDH1", "", "ASXL1", "FGFR1"]),
    (["1e-5-", "3e-5-", "1e-4-", "3e-4-", "1e-3"], ["1e-5", "3e-5", "1e-4", "3e-4", "1e-3"]),
    (["-S1", "-S2", "-S3"], ["S1", "S2", "S3"]),  # a tick before labels set right of the plot
    (["-1", "-2", "-3", "-4"], ["-1", "-2", "-3", "-4"]),  # minus signs stay
    (["a-", "b", "c", "d"], ["a-", "b", "c", "d"]),  # one dash: the label's own
    (["x-", "y-"], ["x-", "y-"]),  # too few labels to tell
])
def test_a_dash_at_the_end_of_every_label_is_a_tick_mark(texts, kept):
    reads = [Recognition(t, 0.9) for t in texts]
    _drop_tick_dashes(list(range(len(reads))), reads)
    assert [r.text for r in reads] == kept


def test_strokes_within_one_label_beside_a_bar_are_its_glyphs_not_tick_marks():
    """A label set two pixels off a gradient's end ('30' at the top of a Vega-Lite
    legend) shows two strokes reaching the bar: not tick marks (a tick mark is one
    stroke). Marks spread along the bar, some under a wide title, are marks."""
    from digitize.model import Box
    from digitize.raster.colorbar import _marks_are_glyphs
    from digitize.raster.textblobs import Blob

    def blob(x0, y0, x1, y1):
        return Blob(Box(x0, y0, x1, y1), 0.0, 10, 9.0, np.ones((y1 - y0, x1 - x0), bool))

    thirty, fifteen = blob(24, 20, 36, 29), blob(26, 210, 36, 219)
    assert _marks_are_glyphs([24.5, 27.5], [thirty, fifteen], vertical=True)
    assert not _marks_are_glyphs([24.5], [thirty, fifteen], vertical=True), "one stroke: a mark"
    labels = [blob(86, 60, 103, 70), blob(134, 60, 151, 70), blob(188, 60, 193, 70), blob(118, 80, 163, 92)]
    assert not _marks_are_glyphs([94.0, 118.0, 142.0, 166.5], labels, vertical=False)


def test_a_label_whose_point_was_lost_has_its_decimal_reading():
    from digitize.core.labels import lost_point_reading

    assert (lost_point_reading("02"), lost_point_reading("-05"), lost_point_reading("0025")) == (0.2, -0.5, 0.025)
    assert [lost_point_reading(t) for t in ("0", "0.2", "20", "1e-3", "")] == [None] * 5
