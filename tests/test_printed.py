"""Numbers printed in the cells: read, reconciled with the colours, and used.

Round trips through seaborn ``annot`` (fmt .2f, .0f, d, .1%, two-line texts, a
dense 20 x 20 confusion matrix, light text on dark cells and dark on light),
and the stack fixtures that print numbers (plotly ``text_auto``, pheatmap
``display_numbers``, ggplot2 ``geom_text``, a 26 x 26 confusion matrix): each
printed cell must come back as the printed number, and no cell further from the
truth than the printed rounding. A colorbar without labels, and no colorbar at
all, take their scale from the printed numbers. A misread number (the OCR
result altered on purpose) is caught by its colour; misread colorbar labels
(the fit altered on purpose) are caught by the printed numbers.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

import digitize.raster.legend as legend_module
import digitize.raster.printed as printed_module
from digitize import digitize
from digitize.config import DigitizeConfig
from digitize.core.printed import parse_printed, printed_format
from digitize.report.export import to_csv, to_dict

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"


def _render(values, *, fmt: str = ".2f", annot=True, cmap: str = "viridis", vmin=0.0, vmax=1.0,
            cbar: bool = True, cbar_ticks: bool = True, size=(7, 5), dpi: int = 100) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig, ax = plt.subplots(figsize=size, dpi=dpi)
    kws = {} if cbar_ticks else {"ticks": []}
    sns.heatmap(values, annot=annot, fmt=fmt, cmap=cmap, vmin=vmin, vmax=vmax, cbar=cbar, cbar_kws=kws, ax=ax,
                xticklabels=[f"c{j}" for j in range(values.shape[1])],
                yticklabels=[f"r{i}" for i in range(values.shape[0])])
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _field(rows: int, cols: int, seed: int, lo: float, hi: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    f = np.sin(x / cols * 3 + seed) + np.cos(y / rows * 2) + 0.5 * rng.random((rows, cols))
    return lo + (f - f.min()) / np.ptp(f) * (hi - lo)


def _printed(values: np.ndarray, fmt: str) -> np.ndarray:
    """The numbers as the figure prints them (a percent as a share)."""
    if fmt.endswith("%"):
        return np.vectorize(lambda v: float(f"{v * 100:.{int(fmt[1:-1])}f}") / 100)(values)
    if fmt == "d":
        return values.astype(float)
    return np.vectorize(lambda v: float(f"{v:{fmt}}"))(values)


def _rounding(fmt: str) -> float:
    if fmt == "d":
        return 0.5
    d = int(fmt[1:-1])
    return 0.5 * 10.0 ** -(d + (2 if fmt.endswith("%") else 0))


def _assert_printed_round_trip(h, values: np.ndarray, fmt: str, what: str) -> None:
    want = _printed(values, fmt)
    known = np.isfinite(want)
    got = np.asarray(h.table.values, float)
    exact = np.isclose(got, want, rtol=0, atol=1e-9) & known
    assert exact.sum() >= 0.99 * known.sum(), f"{what}: {int(known.sum() - exact.sum())} cells not as printed"
    err = np.abs(got - values)[known]
    assert float(err.max()) <= _rounding(fmt) + 1e-9, f"{what}: a cell {err.max():.4g} from the truth"
    same = {".0f": "d"}.get(fmt, fmt)  # '12' is printed alike by both
    assert h.printed is not None and h.printed.format == same, f"{what}: format {h.printed and h.printed.format}"


@pytest.mark.parametrize("fmt,lo,hi,cmap", [(".2f", 0.0, 1.0, "viridis"), (".0f", 0.0, 100.0, "rocket"),
                                            (".1%", 0.0, 1.0, "Blues"), (".1f", -1.0, 1.0, "RdBu_r")])
def test_seaborn_annotations_come_back_as_printed(fmt, lo, hi, cmap):
    values = _field(8, 10, 3, lo, hi)
    h = digitize(_render(values, fmt=fmt, cmap=cmap, vmin=lo, vmax=hi)).heatmaps[0]
    assert (h.rows, h.cols) == values.shape
    _assert_printed_round_trip(h, values, fmt, f"fmt {fmt} on {cmap}")
    assert set(np.unique(h.printed.source)) <= {"both"}, "every cell read both ways, and they agree"


def test_dense_confusion_matrix_of_integers():
    """A 20 x 20 confusion matrix of counts (fmt 'd'): 400 printed numbers, light
    text on the dark diagonal and dark text elsewhere."""
    rng = np.random.default_rng(5)
    m = rng.poisson(0.4, size=(20, 20))
    m[np.diag_indices(20)] = rng.integers(20, 40, 20)
    h = digitize(_render(m, fmt="d", cmap="Blues", vmin=0, vmax=40, size=(10, 8))).heatmaps[0]
    assert (h.rows, h.cols) == (20, 20)
    _assert_printed_round_trip(h, m.astype(float), "d", "20 x 20 counts")


def test_two_line_annotations_take_the_number():
    """'0.53' over '(+4%)': the first line that is a number is the value."""
    values = np.round(_field(5, 5, 9, 0.2, 0.9), 2)
    annot = np.vectorize(lambda v: f"{v:.2f}\n(+{int(v * 20)}%)")(values)
    h = digitize(_render(values, annot=annot, fmt="", size=(6, 5))).heatmaps[0]
    _assert_printed_round_trip(h, values, ".2f", "two-line annotations")
    assert "\n" in h.printed.texts[0, 0], "both lines of the text are kept"


FIXTURE_FORMATS = {"plotly_text_auto": ".2f", "pheatmap_numbers": ".0f", "mpl_confusion_26_counts": ".0f",
                   "mpl_multiline_labels": ".2f", "mpl_discrete_numbers": ".1f", "ggplot_grey_panel_numbers": ".1f"}


@pytest.mark.parametrize("name", sorted(FIXTURE_FORMATS))
def test_stack_fixtures_with_printed_numbers(name):
    truth = json.loads((FIXTURES / f"{name}.json").read_text())
    values = np.array([[np.nan if v is None else v for v in row] for row in truth["values"]], float)
    h = digitize(FIXTURES / f"{name}.png").heatmaps[0]
    assert (h.rows, h.cols) == values.shape
    _assert_printed_round_trip(h, values, FIXTURE_FORMATS[name], f"{name} ({truth['stack']})")


def test_colorbar_without_labels_takes_its_scale_from_the_numbers():
    values = _field(6, 8, 4, 10.0, 60.0)
    data = _render(values, fmt=".1f", vmin=10, vmax=60, cbar_ticks=False)
    h = digitize(data).heatmaps[0]
    assert h.scale.source == "cell_text"
    assert abs(h.scale.vmin - 10) <= 0.5 and abs(h.scale.vmax - 60) <= 0.5, (h.scale.vmin, h.scale.vmax)
    _assert_printed_round_trip(h, values, ".1f", "no colorbar labels")
    colour_err = np.abs(np.asarray(h.printed.colour_values) - values) / 50
    assert float(colour_err.mean()) <= 0.01, "the colours, on the fitted scale, agree with the truth"
    assert to_dict(digitize(data))["heatmaps"][0]["colorbar"]["scale_source"] == "cell_text"
    with pytest.raises(Exception, match="colorbar"):  # without the printed numbers the labels are still missing
        digitize(data, config=DigitizeConfig(printed=False))


def test_no_colorbar_takes_its_scale_from_the_numbers():
    values = _field(6, 7, 6, 0.0, 5.0)
    h = digitize(_render(values, fmt=".2f", cbar=False, vmin=0, vmax=5)).heatmaps[0]
    assert h.scale.source == "cell_text"
    assert abs(h.scale.vmin - 0) <= 0.05 and abs(h.scale.vmax - 5) <= 0.05, (h.scale.vmin, h.scale.vmax)
    _assert_printed_round_trip(h, values, ".2f", "no colorbar")
    # the values are data values now: no warning may say they are positions on an unknown scale
    assert not any("unknown" in w or "positions 0..1" in w for w in h.warnings), h.warnings
    assert any("fitted to the numbers printed" in w for w in h.warnings)
    # the numbers label the scale as a bar's labels would: the confidence is not held to the no-scale cap
    from digitize.core.confidence import NO_SCALE_CAP

    assert h.confidence > 0.9 > NO_SCALE_CAP, h.confidence


def test_no_colorbar_and_an_unknown_colormap_the_numbers_are_the_key():
    """A colormap no catalog holds, no colorbar, numbers in the cells (a table
    coloured by hand): the numbered cells key the colours, the values are the
    numbers, and the reader is told so."""
    from matplotlib.colors import LinearSegmentedColormap

    values = _field(5, 6, 8, 0.5, 1.8)
    values[0, 0] = np.nan  # a blank cell
    cmap = LinearSegmentedColormap.from_list("hand", ["#2c5f8a", "#f4f1de", "#c8553d"])
    h = digitize(_render(values, fmt=".2f", cbar=False, vmin=0.5, vmax=1.8, cmap=cmap)).heatmaps[0]
    assert h.scale.source == "cell_text"
    assert any("printed in the cells are the key" in w for w in h.warnings)
    _assert_printed_round_trip(h, values, ".2f", "printed key")
    assert np.isnan(np.asarray(h.table.values, float)[0, 0])


def test_numbers_on_cells_of_one_tint_are_a_table_not_a_key(monkeypatch):
    """A diagram of a position matrix (numbers 0..8 below the diagonal, the cells
    on one pale tint, the positions dropped from it white, no colorbar): the colours do not change with the
    numbers, so they key nothing and no heatmap is made of them; a hand-coloured
    table whose colours do follow its numbers still is one (test above). Told
    before any OCR: the cells that print something take too few colours (a bar
    chart's panel cut into a few such cells cost a second of OCR a page)."""
    real, reads = printed_module.read_cell_text, []

    def counted(**kwargs):
        reads.append(len(kwargs["text"].line_boxes))
        return real(**kwargs)

    monkeypatch.setattr(printed_module, "read_cell_text", counted)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    from digitize.errors import DigitizeError

    n = 9
    tint = np.ones((n, n))
    tint[6:, 0] = tint[7:, 1] = tint[8, 2] = 0  # positions dropped from the matrix: white
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.pcolormesh(tint, cmap=ListedColormap(["#ffffff", "#fde3cf"]), vmin=0, vmax=1, edgecolors="white",
                  linewidth=1)
    ax.invert_yaxis()
    for i in range(n):
        for j in range(i + 1):
            ax.text(j + 0.5, i + 0.5, str(i - j), ha="center", va="center", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    with pytest.raises(DigitizeError):
        digitize(buf.getvalue())
    assert reads == []


def _misread_cell(monkeypatch, cell: tuple[int, int], text: str) -> None:
    """Make the OCR of the cells read ``text`` in ``cell``, the rest as they are."""
    real = printed_module.read_cell_text

    def misread(**kwargs):
        out = dict(real(**kwargs))
        out[cell] = (text,)
        return out

    monkeypatch.setattr(printed_module, "read_cell_text", misread)


def test_a_misread_number_is_caught_by_its_colour(monkeypatch):
    """One printed number misread on purpose: the cell is marked as disagreeing,
    its colour's value is kept (and the misread text with it, for a person to
    check); the other cells keep their printed numbers."""
    values = np.round(_field(6, 6, 8, 0.0, 1.0), 2)
    values[2, 3] = 0.25
    _misread_cell(monkeypatch, (2, 3), "0.85")
    data = _render(values, fmt=".2f")
    res = digitize(data)
    h = res.heatmaps[0]
    p = h.printed
    assert p.disagree[2, 3] and int(p.disagree.sum()) == 1
    assert p.source[2, 3] == "colour" and p.texts[2, 3] == "0.85"
    assert abs(h.table.values[2, 3] - 0.25) <= 0.01, "the colour's value, 0.25, is kept"
    assert p.numbers[2, 3] == pytest.approx(0.85)
    others = np.ones(values.shape, bool)
    others[2, 3] = False
    assert np.array_equal(np.asarray(h.table.values)[others], values[others]), "the rest as printed"
    assert any("disagree" in w for w in h.warnings)
    from digitize.report.overlay import draw_overlay
    from digitize.sources.imageio import load_image

    img = draw_overlay(res, load_image(data, max_pixels=10**8).rgb)
    g = res.heatmaps[0].grid
    y0, y1 = int(g.row_edges[2]), int(g.row_edges[3])
    x0, x1 = int(g.col_edges[3]), int(g.col_edges[4])
    magenta = (img[..., 0] > 200) & (img[..., 1] < 60) & (img[..., 2] > 200)
    assert magenta[y0:y1, x0:x1].sum() > 20, "the overlay frames the disagreeing cell"
    assert magenta[:, :x0 - 2].sum() == 0, "and no other cell"
    d = to_dict(res)["heatmaps"][0]
    assert d["agreement"]["disagree"] == [[2, 3]] and d["value_source"][2][3] == "colour"
    assert next(c for c in h.checks if c.name == "printed_agree").value == pytest.approx(35 / 36, abs=1e-3)


def test_misread_colorbar_labels_are_caught_by_the_numbers(monkeypatch):
    """The colorbar's labels misread on purpose (every value doubled): the
    printed numbers explain the cells on a scale of their own, which is used,
    with a warning."""
    values = _field(6, 8, 2, 0.0, 1.0)
    real = legend_module.fit_scale

    def doubled(ticks, lo, hi, **kw):
        from dataclasses import replace
        ticks = [replace(t, value=None if t.value is None else 2 * t.value) for t in ticks]
        return real(ticks, lo, hi, **kw)

    monkeypatch.setattr(legend_module, "fit_scale", doubled)
    h = digitize(_render(values, fmt=".2f")).heatmaps[0]
    assert abs(h.scale.vmax - 1.0) <= 0.01 and abs(h.scale.vmin) <= 0.01, (h.scale.vmin, h.scale.vmax)
    assert any("misread" in w for w in h.warnings)
    _assert_printed_round_trip(h, values, ".2f", "misread bar")


def test_a_lost_decimal_point_is_put_back_where_the_colour_agrees(monkeypatch):
    values = np.round(_field(5, 5, 3, 0.0, 100.0), 1)
    values[1, 1] = 63.3
    _misread_cell(monkeypatch, (1, 1), "633")
    h = digitize(_render(values, fmt=".1f", vmin=0, vmax=100, size=(6, 5))).heatmaps[0]
    assert h.table.values[1, 1] == pytest.approx(63.3) and h.printed.source[1, 1] == "both"
    assert any("decimal point" in w for w in h.warnings)


def test_outputs_carry_the_printed_numbers():
    values = _field(4, 5, 1, 0.0, 1.0)
    res = digitize(_render(values, fmt=".3f", size=(6, 4)))
    d = to_dict(res)["heatmaps"][0]
    assert d["printed"][0][0] == f"{values[0, 0]:.3f}"
    assert d["printed_format"] == ".3f" and d["agreement"]["share"] == 1.0
    assert {s for row in d["value_source"] for s in row} == {"both"}
    first_row = to_csv(res).splitlines()[1].split(",")
    assert first_row[1:] == [f"{v:.3f}" for v in values[0]], "CSV at the printed precision"


def test_unannotated_figures_have_no_printed_numbers():
    values = _field(6, 6, 3, 0.0, 1.0)
    h = digitize(_render(values, annot=False)).heatmaps[0]
    assert h.printed is None
    assert to_dict(digitize(_render(values, annot=False)))["heatmaps"][0]["value_source"][0][0] == "colour"


@pytest.mark.parametrize("lines,value,decimals,style", [
    (("0.92",), 0.92, 2, "plain"), (("12",), 12.0, 0, "plain"), (("85%",), 85.0, 0, "percent"),
    (("1.2e3",), 1200.0, 1, "scientific"), (("-0.05",), -0.05, 2, "plain"), (("(0.3)",), 0.3, 1, "plain"),
    (("24.6", "(+15%)"), 24.6, 1, "plain"), (("\u22120.5",), -0.5, 1, "plain"), (("|0.82",), 0.82, 2, "plain"),
    (("[0.02",), 0.02, 2, "plain")])
def test_parse_printed(lines, value, decimals, style):
    n, _ = parse_printed(lines)
    assert n.value == pytest.approx(value) and n.decimals == decimals and n.style == style


def test_printed_format():
    nums = [parse_printed((s,))[0] for s in ("0.12", "0.50", "1.00", "7")]
    assert printed_format(nums) == ".2f"
    assert printed_format([parse_printed((s,))[0] for s in ("12.5%", "3.0%")]) == ".1%"
    assert printed_format([parse_printed((s,))[0] for s in ("3", "12")]) == "d"


def test_values_past_the_scale_end_are_the_printed_numbers():
    """Cells under vmin are drawn in vmin's colour (the colormap clips): their
    printed numbers, below the scale, agree with that colour and are the values."""
    values = np.round(_field(5, 6, 12, 0.0, 1.0), 2)
    values[0, :3] = [-0.35, -0.2, -0.05]  # under vmin = 0
    h = digitize(_render(values, fmt=".2f", vmin=0.0, vmax=1.0, size=(6, 5))).heatmaps[0]
    assert np.allclose(np.asarray(h.table.values)[0, :3], [-0.35, -0.2, -0.05])
    assert not h.printed.disagree.any() and set(np.unique(h.printed.source)) == {"both"}


def test_on_a_log_scale_a_misread_small_number_is_caught():
    """The colour's uncertainty on a log scale is relative to the value: a printed
    '0' or '44' (for 0.044) read over a cell of about 0.05 disagrees with it."""
    from digitize.core.printed import colour_uncertainty
    from digitize.model import CellTable, Colormap, Scale, frozen_array

    pos = np.linspace(0.0, 600.0, 256)
    lab = np.stack([np.linspace(10, 95, 256), np.zeros(256), np.zeros(256)], axis=1)
    cm = Colormap(frozen_array(pos), frozen_array(lab, np.float32), frozen_array(np.zeros((256, 3), np.uint8)))
    scale = Scale("log", -6.0 / 600.0, 4.0, 0.01, 10000.0)  # pixel 0 -> 1e4, pixel 600 -> 1e-2
    values = np.array([[0.05, 5000.0]])
    t = CellTable(frozen_array(values), frozen_array(np.zeros((1, 2), np.float32)), frozen_array(np.zeros((1, 2), bool)),
                  frozen_array(np.zeros((1, 2), bool)), frozen_array(np.zeros((1, 2, 3), np.uint8)))
    u = colour_uncertainty(t, cm, scale)
    assert u[0, 0] < 0.05 and u[0, 1] < 5000.0, u
    assert u[0, 1] / 5000.0 == pytest.approx(u[0, 0] / 0.05, rel=0.3), "relative on a log scale"


def test_one_significant_digit_prints_keep_the_colours_finer_value():
    """'.0e' prints one significant digit ('3e+01' for 34.2): each value is its
    colour's, held within the print's rounding, closer to the data than the print."""
    values = _field(5, 6, 7, 10.0, 90.0)
    h = digitize(_render(values, fmt=".0e", vmin=10, vmax=90, size=(7, 5))).heatmaps[0]
    p = h.printed
    assert p is not None and p.format == ".0e" and p.finer
    got = np.asarray(h.table.values)
    assert np.all(np.abs(got - p.numbers) <= p.rounding + 1e-9), "within the printed rounding"
    assert np.abs(got - values).mean() < 0.5 * np.abs(p.numbers - values).mean(), "finer than the print"


@pytest.mark.parametrize("cbar", [False, True])
def test_a_strip_of_pale_cells_takes_its_columns_from_the_printed_numbers(cbar):
    """A 1 x 7 strip (one token's attention in a paper), in JPEG, whose pale
    neighbouring cells show no edge between them, with no tick labels to count:
    the numbers printed at the cell centres make the columns, and their one line
    across the middle the one row (was 2 x 3 without a bar, 2 x 9 with one)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    values = np.array([[0.00, 0.01, 0.01, 0.06, 0.87, 0.00, 0.06]])
    fig, ax = plt.subplots(figsize=(4.2, 1.1), dpi=100)
    sns.heatmap(values, annot=True, fmt=".2f", cmap="Reds", vmin=0, vmax=1, cbar=cbar, ax=ax,
                xticklabels=False, yticklabels=["he"], annot_kws={"size": 7})
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="jpg", pil_kwargs={"quality": 75})  # as papers embed them: lossy
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (1, 7), (h.rows, h.cols, h.grid.row_edges, h.grid.col_edges)
    assert np.allclose(h.table.values, values, atol=0.011), h.table.values
    assert any(c.name == "grid_on_axes" and c.passed for c in h.checks)


def test_specks_down_a_large_cell_are_no_printed_number():
    """A big cell holding many short lines of specks (a dense map read on a grid too
    coarse) is not taken for a printed number (it was sent to OCR); a cell with
    a number on one line still is."""
    from digitize.model import Grid
    from digitize.raster.planes import picture_planes
    from digitize.raster.printed import find_cell_text

    rgb = np.full((200, 400, 3), 230, np.uint8)
    for y in range(40, 160, 16):  # seven lines of specks down the left cell
        rgb[y:y + 6, 60:140:12] = 40
    cv2 = pytest.importorskip("cv2")
    cv2.putText(rgb, "0.42", (250, 110), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    planes = picture_planes(rgb=rgb, lossy=False)
    grid = Grid(np.array([0.0, 200.0]), np.array([0.0, 200.0, 400.0]))
    colours = np.repeat(planes.lab[100:101, [10, 390]], 1, axis=0).reshape(1, 2, 3)
    text = find_cell_text(planes=planes, grid=grid, colours=colours, blank=np.zeros((1, 2), bool))
    assert not text.present[0, 0] and text.present[0, 1]


def _small_multiples(pale: int, dpi: int = 150):
    """Six panels of 6 x 5 cells on RdYlGn 0..1, each printing its numbers, no
    colorbar; panel ``pale`` near 0.9 everywhere (one pale green)."""
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(pale)
    fig, axes = plt.subplots(2, 3, figsize=(7.5, 4.2), dpi=dpi)
    tables = []
    for k, ax in enumerate(axes.flat):
        if k == pale:
            v = np.round(rng.uniform(0.88, 0.93, (6, 5)), 2)
        else:
            drop = np.linspace(0, rng.uniform(0.1, 0.8), 5)[None]
            v = np.round(np.clip(rng.uniform(0.5, 0.95, (6, 5)) - drop, 0, 1), 2)
        tables.append(v)
        ax.imshow(v, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        for i in range(6):
            for j in range(5):
                ax.text(j, i, f"{v[i, j]:g}", ha="center", va="center", fontsize=6)
        ax.set_xticks(range(5))
        ax.set_xticklabels(["8k", "16k", "32k", "64k", "128k"], fontsize=7)
        ax.set_yticks([])
        ax.set_title(f"Model-{k}", fontsize=8)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue(), tables


@pytest.mark.parametrize("pale", [1, 4])
def test_a_pale_panel_is_read_on_the_key_of_its_siblings_numbers(pale):
    """Small multiples with their numbers printed and no colorbar: a panel whose
    cells take one pale colour (a model near 0.9 everywhere) matches no colormap
    and keys nothing by itself, and was skipped; it is read on the key its
    siblings' numbers agree on, its own numbers the values, in reading order."""
    data, tables = _small_multiples(pale)
    res = digitize(data)
    assert len(res.heatmaps) == 6 and not res.skipped
    for h, want in zip(res.heatmaps, tables):
        assert (h.rows, h.cols) == (6, 5)
        assert np.abs(h.table.values - want).max() < 0.006
    h = res.heatmaps[pale]
    assert h.printed is not None and any("sibling panels" in w for w in h.warnings)


def test_a_panel_read_on_its_siblings_key_keeps_it_when_read_again_on_their_grid(monkeypatch):
    """A panel read on its siblings' key may be read again on their grid (when its
    own grid differs from theirs); that reading keeps the key. Without it the
    panel's legend failed and the whole picture was lost (a page of 47 panels)."""
    import digitize.api as api

    data, tables = _small_multiples(4)
    calls = []

    def regrid(heatmaps):  # the pale panel's grid said to differ from its siblings'
        pale = [i for i, h in enumerate(heatmaps) if any("sibling panels" in w for w in h.warnings)]
        calls.append(pale)
        return {i: heatmaps[i].grid for i in pale}

    monkeypatch.setattr(api, "sibling_grids", regrid)
    res = digitize(data)
    assert calls == [[4]]
    assert len(res.heatmaps) == 6
    assert np.abs(res.heatmaps[4].table.values - tables[4]).max() < 0.006


class _Counting:
    """A recogniser giving one reading to every crop, and counting the crops it read."""

    def __init__(self, text: str, score: float):
        from digitize.raster.ocr import Recognition

        self.reading, self.read = Recognition(text, score), 0

    def recognize(self, images):
        self.read += len(images)
        return [self.reading] * len(images)


@pytest.mark.parametrize("fast_text, rereads", [("xy", False), ("0.5", True)])
def test_cells_whose_fast_readings_are_few_numbers_are_not_read_twice(fast_text, rereads):
    """Text in the cells that the fast model reads as no number in most cells
    (specks, marks) is not read again by the accurate model, and gives no printed
    numbers; numbers the colours do not confirm are read again."""
    from digitize.core.cells import cell_colours
    from digitize.raster.ocr import TwoPassRecognizer
    from digitize.raster.planes import picture_planes
    from digitize.raster.printed import read_printed
    from digitize.sources.imageio import load_image

    values = np.round(_field(4, 4, 3, 0.0, 1.0), 2)
    data = _render(values, fmt=".2f")
    h = digitize(data).heatmaps[0]
    assert h.printed is not None, "the real reading finds the printed numbers"
    planes = picture_planes(rgb=load_image(data, max_pixels=10**8).rgb, lossy=False)
    fast, accurate = _Counting(fast_text, 0.5), _Counting("0.5", 0.99)
    printed, _, _ = read_printed(planes=planes, grid=h.grid, colours=cell_colours(lab=planes.lab, grid=h.grid),
                                 table=h.table, colormap=h.colormap, scale=h.scale,
                                 ocr=TwoPassRecognizer(fast, accurate))
    assert fast.read >= 16, "every cell's text read by the fast model"
    assert (accurate.read > 0) == rereads
    if not rereads:
        assert printed is None, "no printed numbers where the cells read as no numbers"


def test_on_a_log_scale_a_print_that_rounds_to_zero_keeps_the_colour():
    """P-values on a log colour scale printed with two decimals: most print
    '0.00', which agrees with the colour within its rounding but is no value of a
    log scale. Those cells keep their colour's value; the cells whose print is a
    number of the scale keep the print."""
    import matplotlib
    from matplotlib.colors import LogNorm

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    rng = np.random.default_rng(11)
    values = 10 ** rng.uniform(-5, 0, (6, 7))
    fig, ax = plt.subplots(figsize=(7, 5), dpi=100)
    sns.heatmap(values, annot=True, fmt=".2f", cmap="viridis", norm=LogNorm(vmin=1e-5, vmax=1), ax=ax)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert h.scale.kind == "log" and (h.rows, h.cols) == (6, 7)
    got = np.asarray(h.table.values, float)
    assert np.all(got > 0), "no zero on a log scale"
    err = np.abs(np.log10(got) - np.log10(values))
    assert float(np.median(err)) <= 0.05, "within 1% of the 5 decades"
    big = values >= 0.1
    assert np.allclose(got[big], np.round(values[big], 2)), "prints of the scale are kept"
