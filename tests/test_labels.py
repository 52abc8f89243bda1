import pytest

from digitize.labels import parse_multiplier, parse_number


@pytest.mark.parametrize("text,value", [
    ("0.008", 0.008), ("−0.5", -0.5), ("-3.5", -3.5), ("1e-4", 1e-4), ("2.5×10⁻³", 2.5e-3),
    ("10^{3}", 1000.0), ("$10^{-2}$", 0.01), ("10³", 1000.0), ("1,000", 1000.0), ("30k", 30000.0),
    ("1.5M", 1.5e6), ("50%", 50.0), ("O.5", 0.5), ("1 000", 1000.0),
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
