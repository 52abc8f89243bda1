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


@lru_cache(maxsize=1)
def confidence_model() -> dict:
    """The calibrated confidence model (written by scripts/calibrate_confidence.py):
    weights over standardised features (mean, scale), and a bias."""
    import json

    doc = json.loads((DATA / "confidence.json").read_text())
    return {"features": tuple(doc["features"]), "weights": np.asarray(doc["weights"], np.float64),
            "bias": float(doc["bias"]),
            "mean": np.asarray(doc["mean"], np.float64), "scale": np.asarray(doc["scale"], np.float64)}
