"""Percentages never round a fraction below 1 up to 100 % (nor one above 0 down to 0 %)."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from studio.core.units import percent


@given(st.floats(min_value=0, max_value=1), st.integers(min_value=0, max_value=3))
def test_percent_says_100_only_for_one_and_0_only_for_zero(fraction, digits):
    text = percent(fraction, digits)
    assert text.endswith(" %")
    number = text[:-2].strip("+<")
    assert (float(number) == 100) == (fraction == 1)
    assert (float(number) == 0) == (fraction == 0)
    if "+" not in text and "<" not in text:
        assert abs(float(number) - fraction * 100) <= 0.5 * 10 ** -digits  # as close as it says


def test_percent_examples():
    assert percent(0.123456) == "12.3 %"
    assert percent(0.99996) == "99.996 %"
    assert percent(1 - 1e-9) == "99.999+ %"
    assert percent(1) == "100.0 %"
