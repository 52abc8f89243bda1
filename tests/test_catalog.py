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


def _colour_sets(seed: int):
    """Colours off a catalog map (noisy, partial, mixed with another map's) and random ones."""
    from digitize.core.catalog import load_catalog

    rng = np.random.default_rng(seed)
    maps = load_catalog()
    for k in range(40):
        one, two = maps[rng.integers(len(maps))], maps[rng.integers(len(maps))]
        n = int(rng.integers(4, 300))
        if k % 4 == 0:
            yield rng.uniform([0, -60, -60], [100, 60, 60], (n, 3)).astype(np.float32)
        elif k % 4 == 1:
            yield (one.lab[rng.integers(0, len(one.lab), n)] + rng.normal(0, rng.choice([0.3, 1.5, 3]), (n, 3))
                   ).astype(np.float32)
        elif k % 4 == 2:
            lo = int(rng.uniform(0, 0.7) * len(one.lab))
            yield (one.lab[rng.integers(lo, len(one.lab), n)] + rng.normal(0, 1.0, (n, 3))).astype(np.float32)
        else:
            yield np.concatenate([one.lab[rng.integers(0, len(one.lab), n)],
                                  two.lab[rng.integers(0, len(two.lab), n // 4)]]).astype(np.float32)


@pytest.mark.parametrize("limit", [2.0, 4.0])
def test_the_bound_keeps_every_map_within_the_limit(limit):
    """_could_match leaves a map out only when its colours' mean distance to the map
    (the projection match_cells compares) is past the limit: it saves time, never a match."""
    from digitize.core.catalog import _could_match, _forward_curves, _project

    every = np.arange(len(_forward_curves()[0]))
    left_out = 0
    for pts in _colour_sets(1):
        within = set(np.flatnonzero(_project(pts, every)[1].mean(axis=0) <= limit).tolist())
        kept = set(_could_match(pts, every, limit).tolist())
        assert within <= kept
        left_out += len(every) - len(kept)
    assert left_out > 20 * len(every), "most maps are far from most sets: the bound must leave them out"


def test_cells_on_a_named_map_are_matched_to_it():
    from digitize.core.catalog import load_catalog, match_cells

    rng = np.random.default_rng(3)
    by_name = {m.name: m for m in load_catalog()}
    for name in ("viridis", "magma", "coolwarm", "YlGnBu"):
        lab = by_name[name].lab
        pts = (lab[rng.integers(0, len(lab), 400)] + rng.normal(0, 0.5, (400, 3))).astype(np.float32)
        match = match_cells(pts)
        assert match is not None and match.entry.name == name and match.distance < 1.5
    assert match_cells(rng.uniform([0, -60, -60], [100, 60, 60], (300, 3)).astype(np.float32)) is None
