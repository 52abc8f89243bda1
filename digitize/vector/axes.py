"""A vector heatmap's labels and titles, from the text layer: exact strings,
placed by their boxes.

Input: the page's text items, the tiling's edges and the texts other readers
took (colorbar labels, printed numbers). Output: the ``AxisText`` and the
anchors of the labels along each axis (for the grid-on-axes check).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import AxisText
from ..sources.objects import TextItem
from .tilings import Tiling

#: Tick labels stand at most this far from the plot (points, beyond the tick marks) ...
LABEL_REACH = 40.0
#: ... and titles at most this many text heights past the labels.
TITLE_REACH = 3.0


@dataclass(frozen=True)
class AxisLabels:
    axes: AxisText
    row_anchors: tuple[float, ...]  # points along y of the labels beside the rows
    col_anchors: tuple[float, ...]


def _anchor(t: TextItem, *, along: str) -> float:
    """Where a label points along an axis: its middle; a slanted label (wider and
    taller than its line) ends at its tick, so its far end counts."""
    if along == "x":
        slanted = not t.vertical and (t.box[3] - t.box[1]) > 1.8 * _line(t) and len(t.text) > 1
        return t.box[2] if slanted else t.cx
    return t.cy


def _line(t: TextItem) -> float:
    """A text's line height, guessed from its characters (a slanted label's box is
    taller than its line)."""
    w, h = t.box[2] - t.box[0], t.box[3] - t.box[1]
    return min(h, max(w / max(len(t.text), 1) * 1.6, 1.0)) if not t.vertical else min(w, h)


def side_labels(texts: list[TextItem], t: Tiling, side: str) -> list[TextItem]:
    """The texts in the band beside one side of the plot, the nearest of them in
    each row or column."""
    x0, y0, x1, y1 = t.box
    out = []
    for s in texts:
        if side == "left":
            ok = s.box[2] <= x0 + 0.5 and x0 - s.box[2] <= LABEL_REACH and y0 <= s.cy <= y1
        elif side == "right":
            ok = s.box[0] >= x1 - 0.5 and s.box[0] - x1 <= LABEL_REACH and y0 <= s.cy <= y1
        elif side == "bottom":
            ok = s.box[1] >= y1 - 0.5 and s.box[1] - y1 <= LABEL_REACH and x0 <= _anchor(s, along="x") <= x1
        else:
            ok = s.box[3] <= y0 + 0.5 and y0 - s.box[3] <= LABEL_REACH and x0 <= _anchor(s, along="x") <= x1
        if ok:
            out.append(s)
    if not out:
        return []
    # the band nearest the plot: labels whose near edge lies within a text height of the nearest one
    near = {"left": lambda s: x0 - s.box[2], "right": lambda s: s.box[0] - x1,
            "bottom": lambda s: s.box[1] - y1, "top": lambda s: y0 - s.box[3]}[side]
    d0 = min(near(s) for s in out)
    size = float(np.median([min(s.box[2] - s.box[0], s.box[3] - s.box[1]) for s in out]))
    return [s for s in out if near(s) <= d0 + 0.6 * size + 1]


def _assign(labels: list[TextItem], edges: np.ndarray, *, along: str) -> tuple[list[str], list[float]]:
    n = len(edges) - 1
    got: dict[int, TextItem] = {}
    anchors = []
    for s in labels:
        a = _anchor(s, along=along)
        anchors.append(a)
        i = int(np.clip(np.searchsorted(edges, a) - 1, 0, n - 1))
        if i not in got:
            got[i] = s
    return [got[i].text if i in got else "" for i in range(n)], anchors


def read_axis_labels(texts: list[TextItem], t: Tiling, *, legend=None) -> tuple[AxisLabels, set[int]]:
    """The row and column labels, the axis titles and the plot's title; returns them
    and the ids of the texts used. ``legend``: the box of the plot's colorbar with
    its labels and title; set above the plot, the title stands above it."""
    used: set[int] = set()
    rows_side = next((s for s in ("left", "right") if side_labels(texts, t, s)), None)
    cols_side = next((s for s in ("bottom", "top") if side_labels(texts, t, s)), None)
    row_texts = side_labels(texts, t, rows_side) if rows_side else []
    col_texts = side_labels(texts, t, cols_side) if cols_side else []
    rows, row_anchors = _assign(row_texts, t.y_edges, along="y") if row_texts else ([], [])
    cols, col_anchors = _assign(col_texts, t.x_edges, along="x") if col_texts else ([], [])
    used |= {id(s) for s in row_texts + col_texts}
    x0, y0, x1, y1 = t.box
    rest = [s for s in texts if id(s) not in used]
    # titles: beyond the labels on their side, centred on the plot
    row_far = min((s.box[0] for s in row_texts), default=x0) if rows_side != "right" else x0
    col_far = max((s.box[3] for s in col_texts), default=y1) if cols_side != "top" else y1
    top_far = min((s.box[1] for s in col_texts), default=y0) if cols_side == "top" else y0
    if legend is not None and legend[3] <= top_far + 0.5 and legend[0] < x1 and legend[2] > x0:
        top_far = min(top_far, legend[1])  # a legend set above the plot, under its title

    def nearest(cands, key):
        return min(cands, key=key) if cands else None

    xl = nearest([s for s in rest if not s.vertical and s.box[1] >= col_far - 0.5 and x0 <= s.cx <= x1
                  and s.box[1] - col_far <= TITLE_REACH * s.size + 4], key=lambda s: s.box[1])
    yl = nearest([s for s in rest if s.vertical and s.box[2] <= row_far + 0.5 and y0 <= s.cy <= y1
                  and row_far - s.box[2] <= TITLE_REACH * s.size + 4], key=lambda s: -s.box[2])
    title = nearest([s for s in rest if not s.vertical and s.box[3] <= top_far + 0.5 and x0 <= s.cx <= x1
                     and top_far - s.box[3] <= TITLE_REACH * s.size + 8], key=lambda s: -s.box[3])
    used |= {id(s) for s in (xl, yl, title) if s is not None}
    axes = AxisText(row_labels=tuple(rows), col_labels=tuple(cols), x_label=xl.text if xl else "",
                    y_label=yl.text if yl else "", title=title.text if title else "")
    return AxisLabels(axes, tuple(row_anchors), tuple(col_anchors)), used


def bar_title(texts: list[TextItem], bar_box, label_boxes: list[tuple], vertical: bool) -> TextItem | None:
    """The colorbar's own title: a turned text beyond its labels (vertical bar), or a
    text beyond the labels of a horizontal one."""
    x0, y0, x1, y1 = bar_box
    if vertical:
        far = max([b[2] for b in label_boxes] + [x1])
        cands = [s for s in texts if s.vertical and s.box[0] >= far - 0.5 and y0 <= s.cy <= y1
                 and s.box[0] - far <= TITLE_REACH * s.size + 4]
        return min(cands, key=lambda s: s.box[0]) if cands else None
    far = max([b[3] for b in label_boxes] + [y1])
    cands = [s for s in texts if not s.vertical and s.box[1] >= far - 0.5 and x0 <= s.cx <= x1
             and s.box[1] - far <= TITLE_REACH * s.size + 4]
    return min(cands, key=lambda s: s.box[1]) if cands else None
