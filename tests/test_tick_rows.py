"""A row of tick labels under a plot is a row of labels, not one label's words.

An attention head's pattern (one bright cell per row on a pale ground, as a
paper shows a 'diagonal' or 'previous-token' head) shows no colour edge between
most columns: the columns are known from the labels under them, turned a
quarter, 0 .. 19, a word space apart. Joined as the words of one label they gave
no lattice, and the map came back 20 x 1.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from digitize import digitize  # noqa: E402
from digitize.core.checks import _shifted_share, at_centres  # noqa: E402


def _head_pattern(n: int, shift: int, dpi: int, width: float) -> tuple[bytes, np.ndarray]:
    """A head's attention pattern as a paper sets it: seaborn, a serif font of 6 pt,
    no tick marks, every row and column labelled (the columns' turned a quarter)."""
    v = np.zeros((n, n))
    for i in range(n):
        v[i, max(0, i - shift)] = 1.0
    with plt.rc_context({"font.family": "serif", "font.size": 6}):
        fig, ax = plt.subplots(figsize=(width, 0.85 * width), dpi=dpi)
        sns.heatmap(v, ax=ax, cmap="mako_r", vmin=0, vmax=1, xticklabels=1, yticklabels=1,
                    cbar_kws={"label": "Attention"})
        ax.set_xlabel("Token")
        ax.set_ylabel("Token")
        ax.set_title("Attention pattern (Layer 27 Head 8)")
        ax.tick_params(length=0)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        plt.close(fig)
    return buf.getvalue(), v


@pytest.mark.parametrize("n,shift,dpi,width", [(20, 0, 150, 3.2), (20, 1, 150, 3.2), (20, 0, 120, 3.6)])
def test_a_head_pattern_is_read_on_its_turned_column_labels(n, shift, dpi, width):
    """The first two: 20 x 1 on the old tree, claimed at 0.92."""
    data, v = _head_pattern(n, shift, dpi, width)
    res = digitize(data)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert (h.rows, h.cols) == (n, n)
    assert np.asarray(h.table.values) == pytest.approx(v, abs=0.02)
    assert h.confidence >= 0.9
    # the row labels, 6-pt serif digits, read as printed (OCR may slip on one or two)
    assert np.mean([a == str(i) for i, a in enumerate(h.axes.row_labels)]) >= 0.8


def test_labels_one_to_a_cell_may_stand_aside_by_one_amount():
    edges = np.linspace(0.0, 200.0, 21)  # cells 10 wide
    centres = (edges[:-1] + edges[1:]) / 2
    assert at_centres(centres - 3.8, edges) == 1.0  # all 0.38 of a cell aside: drawn so
    assert at_centres(centres[::2] - 3.8, edges) < 0.8  # every other cell: no such pass
    assert _shifted_share(centres - 4.8, edges) == 0.0  # half a cell aside is no shift (a numeric axis's edges)
    drift = centres + np.linspace(-4.5, 4.5, 20)  # a grid of the wrong count: the offsets drift
    assert at_centres(drift, edges) < 0.8
