"""Data files shipped inside the package (``digitize/data``), read here and
nowhere else, so that the numeric core does no file I/O of its own."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def colormap_catalog() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The colormap catalog (written by scripts/make_colormap_catalog.py):
    names, the number of entries of each, and all entries stacked, (N, 3) uint8 RGB."""
    with np.load(DATA / "colormaps.npz") as data:
        return data["names"].tolist(), data["lengths"], data["rgb"]
