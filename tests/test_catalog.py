"""Catalog helpers: the bar's own rendering of each colormap entry."""
import numpy as np
import pytest

from digitize.core.catalog import _group_medians


@pytest.mark.parametrize("n", [0, 1, 2, 7, 400])
def test_group_medians_equal_numpy_median_per_key(n):
    rng = np.random.default_rng(n)
    keys = rng.integers(0, 25, n)
    values = (rng.random((n, 3)) * 100).astype(np.float32)
    got_keys, medians = _group_medians(keys, values)
    assert list(got_keys) == sorted(set(keys.tolist()))
    for k, row in zip(got_keys, medians):
        want = np.median(values[keys == k], axis=0).astype(np.float32)
        assert np.array_equal(row, want)
    assert medians.dtype == np.float32
