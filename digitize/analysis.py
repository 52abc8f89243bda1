"""The interpretation of a table, computed from its numbers alone."""
from __future__ import annotations

import numpy as np


def _label(labels, i: int) -> str:
    return str(labels[i]) if i < len(labels) and labels[i] != "" else str(i + 1)


def analyse(values: np.ndarray, row_labels=(), col_labels=()) -> dict:
    """Peak, minimum, and the rows and columns that stand out (short form)."""
    v = np.asarray(values, np.float64)
    if v.size == 0 or not np.isfinite(v).any():
        return {"note": "no readable cells"}
    pr, pc = np.unravel_index(np.nanargmax(v), v.shape)
    mr, mc = np.unravel_index(np.nanargmin(v), v.shape)
    out = {
        "peak": {"row": _label(row_labels, pr), "col": _label(col_labels, pc), "value": float(v[pr, pc]),
                 "row_index": int(pr), "col_index": int(pc)},
        "minimum": {"row": _label(row_labels, mr), "col": _label(col_labels, mc), "value": float(v[mr, mc]),
                    "row_index": int(mr), "col_index": int(mc)},
        "mean": float(np.nanmean(v)),
    }
    return out
