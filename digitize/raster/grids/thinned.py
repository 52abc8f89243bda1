"""Grid refinement: axis labels thinned to every k-th cell.

seaborn's ``heatmap`` (``xticklabels``/``yticklabels="auto"``) labels every k-th
row when a label per row would not fit: ``k = n // max_ticks + 1`` with
``max_ticks = axis length // font size``, so k - 1 cells span at most about a
font size and k cells at least about one. A grid found one cell per label (the
labels' lattice, the colour edges too faint to show the rows between) reads
those labels as whole numbers stepping by k (layers 2, 4, ..., 24): the rows are
k to a label, the labels at their centres. The font-size test keeps out labels
that are the rows' own names and happen to step (depths 0, 10, ..., 100 set one
per row, with room to spare).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ...core.labels import parse_number

#: A digit's height as a share of the font size (matplotlib's DejaVu Sans: 0.73).
DIGIT_EM = 0.72
#: Slack on the font-size test.
EM_SLACK = 0.2
#: The largest step tried.
MAX_STEP = 10
#: The labels stand evenly (gaps within this share of their median) and point at
#: cell centres of the finer grid (within this share of a cell): most of them
#: (this share; a label merged with a stroke stands off).
EVEN = 0.15
ON_CENTRE = 0.3
MOSTLY = 0.8
#: Cells are at least this many pixels.
MIN_CELL_PX = 3.0


def thinned_step(labels: Sequence[str], at: Sequence[float], text_height: float) -> tuple[int, float]:
    """(k, cell): k >= 2 and the cell size in pixels when the labels read (at
    ``at``; one per cell of the grid found, or fewer) are whole numbers a cell of
    ``cell`` pixels apart per unit, stepping by k from one label to the next, as
    close as seaborn sets thinned labels for letters ``text_height`` tall; else
    (1, 0.0)."""
    none = (1, 0.0)
    pairs = sorted((a, parse_number(t)) for t, a in zip(labels, at) if t and not math.isnan(a))
    if len(pairs) < 3 or text_height <= 0 or any(v is None or v != round(v) for _, v in pairs):
        return none
    where = np.array([a for a, _ in pairs])
    values = np.array([v for _, v in pairs])
    dv, dp = np.diff(values), np.diff(where)
    if np.any(dv == 0) or len(set(np.sign(dv).tolist())) != 1:
        return none
    unit = float(np.median(dp / np.abs(dv)))  # pixels per unit of the labels
    if unit <= 0 or np.mean(np.abs(dp - unit * np.abs(dv)) <= EVEN * unit * np.abs(dv)) < MOSTLY:
        return none
    k = int(np.gcd.reduce(np.abs(dv).astype(np.int64)))
    if not 2 <= k <= MAX_STEP or unit < MIN_CELL_PX:
        return none
    # the median gap is whole pixels (label places are rounded): the line through
    # every label gives the unit to a fraction of a pixel over the whole axis
    unit = abs(float(np.polyfit(values, where, 1)[0]))
    pitch = k * unit
    em = text_height / DIGIT_EM
    if (k - 1) * pitch / k <= em * (1 + EM_SLACK) and em <= pitch * (1 + EM_SLACK):
        return k, unit
    return none


def refine(edges: np.ndarray, at: Sequence[float], cell: float) -> np.ndarray | None:
    """The edges of cells about ``cell`` pixels tall (wide) over the extent of
    ``edges``, when it holds a whole number of them and the labels (at ``at``)
    stand at their centres, most of them; else None."""
    a, b = float(edges[0]), float(edges[-1])
    n = int(round((b - a) / cell))
    if n < 4 or abs((b - a) / cell - n) > ON_CENTRE:
        return None
    out = np.linspace(a, b, n + 1)
    where = np.array([x for x in at if not math.isnan(x)])
    u = (where - a) / ((b - a) / n) - 0.5
    if np.mean(np.abs(u - np.round(u)) <= ON_CENTRE) < MOSTLY:
        return None
    return out
