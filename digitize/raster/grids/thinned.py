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
#: The extent's end may fall this share of a cell short of an edge (the rest of a
#: pale row not found); and cells are at least this many pixels.
END_PART = 0.7
MIN_CELL_PX = 3.0


def thinned_step(labels: Sequence[str], at: Sequence[float], text_height: float) -> int:
    """k (2 or more) when ``labels`` (one per cell of a grid, at ``at``) are whole
    numbers stepping by k, evenly spaced, and as close as seaborn sets thinned
    labels for letters ``text_height`` tall; else 1."""
    pairs = [(parse_number(t), a) for t, a in zip(labels, at) if t and not math.isnan(a)]
    if len(pairs) < 3 or len(pairs) < 0.8 * len(labels) or text_height <= 0:
        return 1
    if any(v is None or v != round(v) for v, _ in pairs):
        return 1
    values = np.array([v for v, _ in pairs])
    where = np.array([a for _, a in pairs])
    steps = np.diff(values)
    if len(set(steps.tolist())) != 1:
        return 1
    k = int(abs(steps[0]))
    if not 2 <= k <= MAX_STEP:
        return 1
    gaps = np.abs(np.diff(where))
    pitch = float(np.median(gaps))
    if pitch <= 0 or np.mean(np.abs(gaps - pitch) <= EVEN * pitch) < MOSTLY:
        return 1
    em = text_height / DIGIT_EM
    if (k - 1) * pitch / k <= em * (1 + EM_SLACK) and em <= pitch * (1 + EM_SLACK):
        return k
    return 1


def refine(edges: np.ndarray, at: Sequence[float], k: int) -> np.ndarray | None:
    """The edges of k cells to each label's pitch, the labels (at ``at``) at cell
    centres, over the extent of ``edges``: its start on a cell edge, its end too or
    within a cell short of one (a pale end row found in part is taken whole);
    None where the labels stand off the centres or the extent off the edges."""
    a, b = float(edges[0]), float(edges[-1])
    where = np.sort(np.array([x for x in at if not math.isnan(x)]))
    cell = float(np.median(np.diff(where))) / k
    if cell < MIN_CELL_PX:
        return None
    # the lattice through the labels, by least squares on their cell numbers
    j = np.round((where - where[0]) / cell)
    slope, icpt = np.polyfit(j, where, 1) if len(np.unique(j)) >= 2 else (cell, where[0])
    cell, first = float(slope), float(icpt) - float(slope) / 2.0  # an edge of the first label's cell
    u = (where - first) / cell - 0.5
    if np.mean(np.abs(u - np.round(u)) <= ON_CENTRE) < MOSTLY:
        return None
    start = first - round((first - a) / cell) * cell
    n = int(math.floor((b - start) / cell + END_PART))
    if abs(start - a) > ON_CENTRE * cell or n < 2 * k or not -ON_CENTRE <= (start + n * cell - b) / cell < END_PART:
        return None
    end = start + n * cell
    # the box's own ends are the precise ones where they lie on the lattice's edges
    return np.linspace(a, b if abs(end - b) <= ON_CENTRE * cell else end, n + 1)

