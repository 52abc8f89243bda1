"""Shared fixtures: figures are rendered once per test session, and one digitize
run per figure is shared by every test that looks at it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from digitize import digitize

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def example_path() -> Path:
    return FIXTURES / "layer_vs_steps.png"


@pytest.fixture(scope="session")
def example_truth() -> dict:
    t = json.loads((FIXTURES / "layer_vs_steps.json").read_text())
    t["values"] = np.array(t["values"], float)
    return t


@pytest.fixture(scope="session")
def example_result(example_path):
    return digitize(example_path)


class _Rendered:
    """Session cache: spec -> (image bytes, truth, result or error)."""

    def __init__(self):
        self._cache = {}

    def get(self, spec):
        from render import render

        if spec not in self._cache:
            data, truth = render(spec)
            try:
                result = digitize(data)
            except Exception as exc:  # the test reports it
                result = exc
            self._cache[spec] = (data, truth, result)
        return self._cache[spec]


@pytest.fixture(scope="session")
def rendered() -> _Rendered:
    return _Rendered()
