"""The vector front-end: heatmaps read from a PDF's or an SVG's drawing objects.

Round trips through matplotlib and seaborn's PDF and SVG output: values within
0.5% of the range (the 8-bit colour limit), labels and titles exact, the scale
from the text layer, ``read_from == "vector"``."""
from __future__ import annotations

import numpy as np
import pytest

from digitize import digitize
from render import FigureSpec, render

WORDS = ("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta")

SPECS = [
    FigureSpec("pcolormesh", lib="pcolormesh", cmap="magma", vmin=-3.5, vmax=7.25, rows=6, cols=7,
               title="Loss by layer"),
    FigureSpec("seaborn", lib="seaborn", cmap="rocket", rows=10, cols=12, vmax=0.008,
               row_labels=tuple(f"{30 * (i + 1)}k" for i in range(10))),
    FigureSpec("seaborn-words", lib="seaborn", cmap="mako", rows=6, cols=8, vmin=1000, vmax=5000,
               row_labels=WORDS[:6], col_labels=WORDS[:8], title="Counts"),
    FigureSpec("seaborn-annotated", lib="seaborn", cmap="YlGnBu", annot=True, rows=6, cols=7, vmax=100),
    FigureSpec("seaborn-log", lib="seaborn", cmap="viridis", log=True, vmin=1e-3, vmax=10.0, rows=5, cols=6),
    FigureSpec("seaborn-discrete", lib="seaborn", cmap="viridis", levels=5, vmin=0, vmax=1, rows=6, cols=6),
    FigureSpec("imshow-none", cmap="viridis", interpolation="none", rows=8, cols=10),
    FigureSpec("imshow-resampled", cmap="plasma", interpolation="nearest", rows=7, cols=9, vmin=0, vmax=50),
    FigureSpec("pcolormesh-bottom-bar", lib="pcolormesh", cmap="coolwarm", vmin=-1, vmax=1, rows=5, cols=8,
               cbar="bottom"),
    FigureSpec("pcolormesh-masked", lib="pcolormesh", cmap="viridis", rows=6, cols=6, nan_cells=4),
]


def _vector(spec: FigureSpec, fmt: str, tmp_path):
    from dataclasses import replace

    data, truth = render(replace(spec, fmt=fmt))
    path = tmp_path / f"{spec.name}.{fmt}"
    path.write_bytes(data)
    return digitize(path), truth


def _errors(h, truth, spec):
    t = truth["values"]
    known = np.isfinite(t)
    if spec.log:
        err = np.abs(np.log10(h.table.values[known]) - np.log10(t[known])) / np.log10(spec.vmax / spec.vmin)
    else:
        err = np.abs(h.table.values[known] - t[known]) / (spec.vmax - spec.vmin)
    return err


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_round_trip_through_vector_output(spec, fmt, tmp_path):
    result, truth = _vector(spec, fmt, tmp_path)
    assert len(result.heatmaps) == 1, result
    h = result.heatmaps[0]
    assert h.read_from == "vector"
    assert (h.rows, h.cols) == (spec.rows, spec.cols)
    assert h.scale.source in ("ticks", "cell_text")
    assert (h.scale.kind == "log") == spec.log
    span = spec.vmax - spec.vmin
    if not spec.log:
        assert abs(h.scale.vmin - spec.vmin) <= 0.005 * span
        assert abs(h.scale.vmax - spec.vmax) <= 0.005 * span
    err = _errors(h, truth, spec)
    # a discrete bar: the middle of each band; imshow maps a value to its colour
    # through a rescaled copy, one 8-bit entry off at times (1.5 entries)
    tol = 0.5 / spec.levels + 1e-6 if spec.levels else 0.006 if spec.lib == "imshow" else 0.005
    assert float(err.max()) <= tol + 1e-9, f"worst cell {err.max():.4f} of the range"
    if not spec.levels:
        assert float(err.mean()) <= (0.0025 if spec.lib == "imshow" else 0.002)
    # blank cells stay blank
    assert np.array_equal(np.isnan(h.table.values), np.isnan(truth["values"]))
    # labels and titles come from the text layer, exactly
    assert list(h.axes.row_labels) == list(truth["row_labels"])
    assert list(h.axes.col_labels) == list(truth["col_labels"])
    assert h.axes.x_label == spec.xlabel and h.axes.y_label == spec.ylabel
    if spec.title:
        assert h.axes.title == spec.title
    assert h.confidence >= 0.5


def test_printed_numbers_come_from_the_text_layer(tmp_path):
    spec = SPECS[3]
    result, truth = _vector(spec, "pdf", tmp_path)
    h = result.heatmaps[0]
    assert h.printed is not None and h.printed.agreement == 1.0
    texts = h.printed.texts
    # seaborn prints '.2g': every cell's text is the truth so formatted
    assert all(texts[i, j] == f"{truth['values'][i, j]:.2g}" for i in range(spec.rows) for j in range(spec.cols))


def test_numbers_printed_in_the_last_column_are_not_the_bars_labels(tmp_path):
    """seaborn puts its colorbar close to the cells: the two-digit counts printed in
    a confusion matrix's last column stand nearer the bar's left side than its
    own labels stand to its right, and outnumber them. They are the cells'
    numbers, never the bar's labels (they once gave a scale of -14..66 that
    disagreed with 77 of 100 cells)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    rng = np.random.default_rng(2)
    v = rng.integers(10, 30, (10, 10))
    v[np.diag_indices(10)] = rng.integers(60, 100, 10)
    fig = plt.figure(figsize=(5, 4.2))
    sns.heatmap(v, annot=True, fmt="d", cmap="Blues")
    path = tmp_path / "confusion.pdf"
    fig.savefig(path)
    plt.close(fig)
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector"
    assert (h.scale.vmin, h.scale.vmax) == (float(v.min()), float(v.max()))  # seaborn's bar spans the data
    assert {t.label for t in h.scale.ticks} <= {str(k) for k in range(0, 101, 10)}
    assert np.array_equal(h.table.values, v)
    assert h.printed is not None and h.printed.agreement == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2, None])
def test_a_stacked_bar_chart_is_no_heatmap(seed, tmp_path):
    """The stacked bars of a bar chart are one-column blocks of cells in a few
    shades of one colormap, and the first stands beside the y axis's numbers:
    it once passed for a colorbar and the others for five heatmaps read at
    confidence 0.98. A colorbar's colours take equal lengths of it; a stacked
    bar's segments are the data (all of them: two middle ones alike, as in the
    last case, are no colorbar's levels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digitize.api import digitize_pdf_page

    rng = np.random.default_rng(seed)
    heights = rng.random((4, 6)) if seed is not None else np.array([[0.3], [0.55], [0.55], [0.9]]) * np.ones((1, 6))
    fig = plt.figure(figsize=(5, 3))
    bottom = np.zeros(6)
    for k, c in enumerate(plt.cm.Blues(np.linspace(0.3, 0.9, 4))):
        h = heights[k]
        plt.bar(range(6), h, bottom=bottom, color=c, label=f"part {k}")
        bottom += h
    plt.legend()
    path = tmp_path / "stacked.pdf"
    fig.savefig(path)
    plt.close(fig)
    assert [h for r in digitize_pdf_page(path, 0) for h in r.result.heatmaps] == []


def test_vector_reading_is_exact_where_the_raster_one_is_close(tmp_path):
    """The same figure through PNG and through PDF: the vector reading is at
    least as close to the truth on every cell (the 8-bit colours are its only limit)."""
    spec = SPECS[0]
    result, truth = _vector(spec, "pdf", tmp_path)
    data, _ = render(spec)
    raster = digitize(data).heatmaps[0]
    assert raster.read_from == "raster"
    span = spec.vmax - spec.vmin
    v_err = np.abs(result.heatmaps[0].table.values - truth["values"]) / span
    r_err = np.abs(raster.table.values - truth["values"]) / span
    assert v_err.mean() <= r_err.mean() + 1e-4


def test_svg_without_a_heatmap_says_what_to_do(tmp_path):
    from digitize.errors import NoHeatmapError

    path = tmp_path / "line.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
                    '<path d="M 0 0 L 100 50" style="stroke: black"/><text x="5" y="20">hello</text></svg>')
    with pytest.raises(NoHeatmapError) as info:
        digitize(path)
    assert "PNG" in info.value.one_line() or "PNG" in (info.value.hint or "")


def test_broken_svg_is_an_input_error(tmp_path):
    from digitize.errors import InputError

    path = tmp_path / "broken.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect x="0" ')
    with pytest.raises(InputError):
        digitize(path)


def _paper(path):
    """A 5-page paper: text and a line chart; a vector heatmap (pcolormesh); an
    imshow with its colorbar on a 0..0.008 scale (the regression: its cells are an
    embedded image, its bar beside them); a raster figure (a PNG with its bar)
    placed as an image; a scanned-style page (the whole page one image)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from PIL import Image

    from render import paper_page, values_for

    truths = []
    vec = FigureSpec("vec", rows=5, cols=6, seed=2)
    ims = FigureSpec("ims", rows=10, cols=12, vmin=0.0, vmax=0.008, seed=3)
    ras = FigureSpec("ras", cmap="magma", rows=4, cols=7, vmin=-2.0, vmax=2.0, seed=5)
    png, ras_truth = render(ras)
    with PdfPages(path) as pdf:
        fig = paper_page(plt, "1. Introduction", lines=10)
        ax = fig.add_axes([0.15, 0.3, 0.6, 0.3])
        ax.plot(np.arange(20), np.sin(np.arange(20) / 3.0), label="loss")
        ax.legend()
        pdf.savefig(fig)
        plt.close(fig)
        fig = plt.figure(figsize=(8.5, 11))
        ax = fig.add_axes([0.15, 0.4, 0.55, 0.3])
        v = values_for(vec)
        m = ax.pcolormesh(v, cmap="viridis", vmin=0, vmax=1)
        ax.set_ylim(vec.rows, 0)
        fig.colorbar(m, ax=ax)
        fig.text(0.1, 0.9, "Figure 1: a vector heatmap", fontsize=10)
        pdf.savefig(fig)
        plt.close(fig)
        truths.append((2, "vector", v, 0.0, 1.0))
        fig = plt.figure(figsize=(8.5, 11))
        ax = fig.add_axes([0.15, 0.4, 0.55, 0.3])
        v = values_for(ims)
        im = ax.imshow(v, cmap="viridis", vmin=0, vmax=0.008, aspect="auto")
        fig.colorbar(im, ax=ax)
        pdf.savefig(fig)
        plt.close(fig)
        truths.append((3, "vector", v, 0.0, 0.008))
        fig = plt.figure(figsize=(8.5, 11))
        ax = fig.add_axes([0.1, 0.4, 0.8, 0.5])
        ax.imshow(np.asarray(Image.open(io.BytesIO(png)).convert("RGB")), interpolation="nearest")
        ax.axis("off")
        pdf.savefig(fig, dpi=100)
        plt.close(fig)
        truths.append((4, "raster", ras_truth["values"], -2.0, 2.0))
        # a scanned page: the page itself one image (text and figure as pixels)
        page = Image.new("RGB", (1275, 1650), "white")
        fig_img = Image.open(io.BytesIO(png)).convert("RGB")
        page.paste(fig_img, (100, 300))
        fig = plt.figure(figsize=(8.5, 11))
        ax = fig.add_axes([0, 0, 1, 1])
        ax.imshow(np.asarray(page), interpolation="nearest")
        ax.axis("off")
        pdf.savefig(fig, dpi=150)
        plt.close(fig)
        truths.append((5, "raster", ras_truth["values"], -2.0, 2.0))
    return truths


def test_a_paper_gives_every_heatmap_with_its_page_scale_and_provenance(tmp_path):
    from digitize.api import digitize_pdf

    path = tmp_path / "paper.pdf"
    truths = _paper(path)
    result = digitize_pdf(path)
    got = sorted(result.heatmaps, key=lambda h: h.page)
    assert [h.page for h in got] == [t[0] for t in truths], [h.summary() for h in got]
    for h, (page, how, values, vmin, vmax) in zip(got, truths):
        assert h.read_from == how, (page, h.summary())
        assert (h.rows, h.cols) == values.shape
        span = vmax - vmin
        assert abs(h.scale.vmin - vmin) <= 0.01 * span and abs(h.scale.vmax - vmax) <= 0.01 * span, h.summary()
        assert float(np.mean(np.abs(h.table.values - values))) <= 0.01 * span, page
        assert h.points is not None and all(0 <= v <= 792 for v in h.points)
        if how == "vector":
            assert float(np.max(np.abs(h.table.values - values))) <= 0.006 * span, page


def test_batch_rows_say_how_each_heatmap_was_read(tmp_path):
    import csv

    from typer.testing import CliRunner

    from digitize.batch import batch_app

    path = tmp_path / "one.pdf"
    spec = SPECS[0]
    data, _ = render(FigureSpec(**{**spec.__dict__, "fmt": "pdf"}))
    path.write_bytes(data)
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(path), "-o", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(out / "summary.csv")))
    assert [r["read_from"] for r in rows] == ["vector"]
    assert (out.glob("**/overlay-1.png")).__next__().stat().st_size > 0


def test_plotly_pdf_with_an_image_bar():
    """plotly's PDF (kaleido; fixture made by fixtures/vector/make_vector.py): the
    cells one image, the bar a rectangle filled with an axial shading, labels as
    text: read from the objects, the bar's colours from the shading's function
    (drawn by pdfium, a point off its place, the worst cell was 0.7% off; now
    0.28%)."""
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    truth = json.loads((here / "plotly_heatmap.json").read_text())
    h = digitize(here / "plotly_heatmap.pdf").heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (0.0, 100.0)
    err = np.abs(h.table.values - np.array(truth["values"])) / 100.0
    assert float(err.max()) <= 0.005 and float(err.mean()) <= 0.002, (err.max(), err.mean())
    assert list(h.axes.row_labels) == truth["row_labels"] and list(h.axes.col_labels) == truth["col_labels"]
    assert h.axes.title == truth["title"]


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_plotly_cells_drawn_with_gaps_between_them(fmt):
    """plotly's xgap / ygap (fixture made by fixtures/vector/make_vector.py): the
    cells are one image with page-coloured runs between them; the runs are gaps,
    not rows and columns of blank cells (was 11 x 13)."""
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    truth = json.loads((here / "plotly_gapped.json").read_text())
    h = digitize(here / f"plotly_gapped.{fmt}").heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (5, 6)
    err = np.abs(h.table.values - np.array(truth["values"])) / 100.0
    assert float(err.max()) <= 0.005, err.max()
    assert list(h.axes.row_labels) == truth["row_labels"] and list(h.axes.col_labels) == truth["col_labels"]


def test_plotly_svg_with_a_gradient_bar():
    """plotly (kaleido) draws the cells as rectangles and the bar as a rectangle
    filled with a linear gradient; its labels are <text> (fixture made by
    fixtures/vector/make_vector.py)."""
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    truth = json.loads((here / "plotly_heatmap.json").read_text())
    h = digitize(here / "plotly_heatmap.svg").heatmaps[0]
    assert h.read_from == "vector"
    assert (h.scale.vmin, h.scale.vmax) == (0.0, 100.0)
    err = np.abs(h.table.values - np.array(truth["values"])) / 100.0
    assert float(err.max()) <= 0.005 and float(err.mean()) <= 0.002
    assert list(h.axes.row_labels) == truth["row_labels"]
    assert list(h.axes.col_labels) == truth["col_labels"]
    assert h.axes.title == truth["title"]


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
def test_one_column_heatmaps_beside_their_bars(fmt, tmp_path):
    """Strips of 12 cells, each beside its own bar, on ranges of their own with
    labels rounded to three decimals (0.617, 0.606, 0.596...) and a line drawn
    across each bar at a baseline value. A strip whose values are sorted runs
    along the colormap like a bar: the labels stand beside the bar, so the bar is
    the strip nearer to them and the other is a heatmap. The baseline line is no
    tick mark, and the rounded labels step evenly within their last digit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    rng = np.random.default_rng(12)
    fig = plt.figure(figsize=(8, 3))
    truths = []
    for k in range(3):
        lo = 0.55 + 0.11 * k + rng.uniform(0, 0.01)
        hi = lo + 0.03 + 0.01 * k
        v = lo + (hi - lo) * rng.random((12, 1))
        if k != 1:
            v = np.sort(v, axis=0)  # runs along the map, as a bar does
        ax = fig.add_axes([0.08 + 0.3 * k, 0.1, 0.04, 0.8])
        cax = fig.add_axes([0.125 + 0.3 * k, 0.1, 0.02, 0.8])  # close beside it, as in small multiples
        sns.heatmap(v, ax=ax, cbar_ax=cax, cmap="Purples", vmin=lo, vmax=hi, xticklabels=False,
                    cbar_kws={"ticks": np.linspace(lo, hi, 5), "format": "%.3f"})
        cax.tick_params(length=0, labelsize=4, pad=1)  # no tick marks: the only mark is the baseline, beside a label
        ax.tick_params(length=0, labelsize=4, pad=1)
        cax.axhline(lo + 0.77 * (hi - lo), color="orange", lw=2)
        truths.append((v, lo, hi))
    path = tmp_path / f"strips.{fmt}"
    fig.savefig(path)
    plt.close(fig)
    res = digitize(path)
    assert len(res.heatmaps) == 3, [(h.rows, h.cols, h.plot_box) for h in res.heatmaps]
    for h, (v, lo, hi) in zip(sorted(res.heatmaps, key=lambda h: h.plot_box.x0), truths):
        assert (h.rows, h.cols) == (12, 1) and h.read_from == "vector"
        span, rounding = hi - lo, 0.0005  # the labels hold three decimals
        assert abs(h.scale.vmin - lo) <= 0.01 * span + rounding, (h.scale.vmin, lo)
        assert abs(h.scale.vmax - hi) <= 0.01 * span + rounding, (h.scale.vmax, hi)
        assert float(np.abs(h.table.values - v).max()) <= 0.02 * span + rounding
        steps = next(c for c in h.checks if c.name == "tick_steps")
        assert steps.passed, steps


def _vega_lite(fmt: str) -> tuple[bytes, np.ndarray]:
    """A Vega-Lite rect heatmap (vl-convert, in the test extra) on viridis 0..10,
    its legend a gradient."""
    import json

    vlc = pytest.importorskip("vl_convert")
    v = np.round(np.random.default_rng(3).random((5, 6)) * 10, 3)
    rows, cols = [f"r{i}" for i in range(5)], [f"c{j}" for j in range(6)]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": "Vega heatmap",
            "data": {"values": [{"row": rows[i], "col": cols[j], "v": float(v[i, j])}
                                for i in range(5) for j in range(6)]},
            "mark": "rect", "width": 300, "height": 250,
            "encoding": {"x": {"field": "col", "type": "ordinal", "sort": cols},
                         "y": {"field": "row", "type": "ordinal", "sort": rows},
                         "color": {"field": "v", "type": "quantitative",
                                   "scale": {"scheme": "viridis", "domain": [0, 10]}}}}
    out = vlc.vegalite_to_svg(json.dumps(spec)).encode() if fmt == "svg" else vlc.vegalite_to_pdf(json.dumps(spec))
    return out, v


def test_vega_lite_svg_with_a_gradient_path_for_its_legend(tmp_path):
    """Vega-Lite draws the cells as paths and its legend as a path filled with a
    linear gradient (plotly uses a rect): read from the objects, exactly."""
    data, v = _vega_lite("svg")
    path = tmp_path / "vega.svg"
    path.write_bytes(data)
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (0.0, 10.0)
    assert float(np.abs(h.table.values - v).max()) / 10.0 <= 0.005
    assert list(h.axes.row_labels) == [f"r{i}" for i in range(5)]
    assert list(h.axes.col_labels) == [f"c{j}" for j in range(6)]
    assert h.axes.title == "Vega heatmap" and (h.axes.x_label, h.axes.y_label) == ("col", "row")


def test_vega_lite_pdf_with_a_shaded_legend(tmp_path):
    """Vega-Lite's PDF draws its legend as a rectangle filled with a shading
    pattern (pdfium reports it white) and sets every glyph as its own text
    object: the strip is drawn alone to take its colours, glyphs on one line are
    joined into labels ('r0', 'Vega heatmap', the turned 'c0'), and the heatmap is
    read from the objects. The legend's colours come from its shading's function
    (pdfium draws it a point off its place: the worst cell was 0.75% off); its
    20 stops only approach the cells' viridis and its labels sit a little off
    the ticks (no tick marks), so the worst cell is 0.53% off, as in the SVG
    (0.44%)."""
    data, v = _vega_lite("pdf")
    path = tmp_path / "vega.pdf"
    path.write_bytes(data)
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == pytest.approx((0.0, 10.0), abs=0.05)
    err = np.abs(h.table.values - v) / 10.0
    assert float(err.max()) <= 0.006 and float(err.mean()) <= 0.002, (err.max(), err.mean())
    assert list(h.axes.row_labels) == [f"r{i}" for i in range(5)]
    assert list(h.axes.col_labels) == [f"c{j}" for j in range(6)]
    assert h.axes.title == "Vega heatmap" and (h.axes.x_label, h.axes.y_label) == ("col", "row")


def _r_truth():
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    return here, json.loads((here / "r_ggplot_tile.json").read_text())


def test_r_pdf_device_ggplot_tiles_with_a_short_legend_bar():
    """R's pdf() (fixture made by fixtures/vector/make_r_vector.R): geom_tile cells
    as rectangles, the colourbar as a 1-pixel-wide image strip (its first row a
    stray white pixel) shorter than the panel and centred beside it, labels as text
    with unicode minus signs: read from the objects, exactly."""
    here, truth = _r_truth()
    h = digitize(here / "r_ggplot_tile.pdf").heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (-2.0, 2.0)
    err = np.abs(h.table.values - np.array(truth["values"])) / 4.0
    assert float(err.max()) <= 0.005 and float(err.mean()) <= 0.002, (err.max(), err.mean())
    assert list(h.axes.row_labels) == truth["row_labels"] and list(h.axes.col_labels) == truth["col_labels"]
    assert (h.axes.title, h.axes.x_label, h.axes.y_label) == (truth["title"], truth["x_label"], truth["y_label"])


def test_r_pdf_device_pheatmap_cells_with_borders():
    """pheatmap as biology supplements draw it (fixture made by
    fixtures/vector/make_r_vector.R): every cell a filled rectangle with a grey
    border, whose bounds in the PDF add the border's width (neighbours overlap
    and share no corner), corners written to two decimals (a hair apart), a
    column annotation track and its legend, a row dendrogram, and a legend of
    100 rectangles. Read from the objects: 30 x 8, labels exact, values within
    the 100 colour levels' half step."""
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    truth = json.loads((here / "r_pheatmap_borders.json").read_text())
    res = digitize(here / "r_pheatmap_borders.pdf")
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (30, 8)
    assert (h.scale.vmin, h.scale.vmax) == (-3.0, 3.0)
    assert list(h.axes.row_labels) == truth["row_labels"] and list(h.axes.col_labels) == truth["col_labels"]
    err = np.abs(h.table.values - np.clip(np.array(truth["values"]), -3, 3)) / 6.0
    assert float(err.max()) <= 0.006 and float(err.mean()) <= 0.003, (err.max(), err.mean())


def test_r_svg_device_text_as_outlines_is_spelled_and_read_from_the_objects():
    """R's svg() (Cairo) draws every glyph as an outline (a <symbol> placed by
    <use>), with no text, and the legend's raster as a pattern filling a clipped
    page-sized rectangle. Each outline is read where it is drawn alone, named by
    what its readings agree on, and the heatmap read from the objects: the scale
    from the legend's labels, every label and title exact (was: read from pixels,
    'sample' and 's1' misread)."""
    here, truth = _r_truth()
    res = digitize(here / "r_ggplot_tile.svg")
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (6, 7)
    assert (h.scale.vmin, h.scale.vmax) == (-2.0, 2.0)
    err = np.abs(h.table.values - np.array(truth["values"])) / 4.0
    assert float(err.max()) <= 0.005, err.max()
    assert list(h.axes.row_labels) == truth["row_labels"] and list(h.axes.col_labels) == truth["col_labels"]
    assert (h.axes.title, h.axes.x_label, h.axes.y_label) == (truth["title"], truth["x_label"], truth["y_label"])


@pytest.mark.parametrize("name", ["r_pheatmap_cairo.svg", "r_pheatmap_cairo45.svg"])
def test_r_svg_device_turned_labels_and_short_names_spelled_from_outlines(name):
    """pheatmap through R's svg() (fixtures made by fixtures/vector/make_r_vector.R):
    column labels turned upright or slanted 45 degrees (outlines of their own),
    numbers in the cells, and row names 'g1'..'g8' that a reader of short labels
    takes for '91'..'98': the 'g' outline read alone outweighs the misleading
    runs, so the names come out right; each font's glyphs are joined along the
    angle they follow each other at (was: read from pixels, rows '91'...)."""
    path, t = _fixture("r_pheatmap_cairo.svg")
    path = path.with_name(name)
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (8, 6) and (h.scale.vmin, h.scale.vmax) == (0.0, 50.0)
    assert float(np.abs(h.table.values - np.array(t["values"])).max()) / 50.0 <= 0.005
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]
    assert h.axes.title == t["title"]


def test_a_legend_above_the_plot_keeps_its_labels_and_the_title_above_it():
    """ggplot's legend set on top (R's svg(); fixture made by
    fixtures/vector/make_r_vector.R): the bar's labels stand between it and the
    cells, several to a column, so they are the bar's, not the columns' (was: no
    bar, read from pixels); the plot's title stands above the legend."""
    here, truth = _r_truth()
    h = digitize(here / "r_ggplot_top_cairo.svg").heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (-2.0, 2.0)
    assert float(np.abs(h.table.values - np.array(truth["values"])).max()) / 4.0 <= 0.005
    assert list(h.axes.col_labels) == truth["col_labels"] and h.axes.title == truth["title"]


def test_outlines_of_one_font_never_share_a_character_and_take_their_case_by_height():
    """Two outlines of one font are two characters: the better-voted keeps a
    character both were read as, the other takes its next reading; a letter whose
    cases differ only in size takes the case its height says."""
    from digitize.sources.objects import TextItem, outline_char
    from digitize.vector.glyphs import _assigned, _cased

    a, b, c, d = (outline_char(k) for k in range(4))
    fonts = (0, 0, 0, 1)
    votes = {a: {"9": 5.0}, b: {"9": 3.0, "g": 2.0}, c: {"v": 1.0}, d: {"9": 1.0}}
    got = _assigned(votes, fonts)
    assert got == {a: "9", b: "g", c: "v", d: "9"}  # d is of another font: it may be a '9' too
    glyphs = {a: TextItem(a, (0, 0, 5, 7), False), b: TextItem(b, (0, 0, 5, 7), False),
              c: TextItem(c, (0, 2, 4, 7), False)}
    assert _cased({a: "9", b: "g", c: "V"}, glyphs, fonts)[c] == "v"  # 5 high against the digits' 7
    glyphs[c] = TextItem(c, (0, 0, 5, 7), False)
    assert _cased({a: "9", b: "g", c: "v"}, glyphs, fonts)[c] == "V"


@pytest.mark.parametrize("name,truth,span", [("r_ggplot_tile_svglite", "r_ggplot_tile", 4.0),
                                              ("r_ggplot_tile_bottom_svglite", "r_ggplot_tile", 4.0),
                                              ("r_pheatmap_svglite", "r_pheatmap_borders", 6.0)])
def test_r_svglite_is_read_from_its_objects(name, truth, span):
    """ggsave's SVG (svglite; fixtures made by fixtures/vector/make_r_vector.R)
    writes its text as <text>, its attributes in single quotes and its page
    background as a rect of width '100%' (which stopped the reader before):
    read from the objects, labels and title exact, values within the colour
    limit (pheatmap's 100 levels: half a level). With the legend at the bottom
    its labels ('-2.00', '-1.00') stand a fifth of an em apart: each <text> is a
    label of its own, not joined to the next as glyphs set one by one are."""
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    t = json.loads((here / f"{truth}.json").read_text())
    res = digitize(here / f"{name}.svg")
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (-span / 2, span / 2)
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]
    assert h.axes.title == t.get("title", "")
    err = np.abs(h.table.values - np.clip(np.array(t["values"]), -span / 2, span / 2)) / span
    assert float(err.max()) <= 0.006 and float(err.mean()) <= 0.003, (err.max(), err.mean())


def test_svg_lengths_in_percent_and_units():
    """Lengths in an SVG may carry units or be shares of the viewport; an opacity
    may be a percentage."""
    from digitize.sources.svg import _length, _share

    assert _length("100%", 0.0, 360.0) == 360.0
    assert _length("12pt", 0.0, 0.0) == pytest.approx(16.0)
    assert _length(" 3.5 ", 0.0, 0.0) == 3.5
    assert _length("2em", 0.0, 0.0) == 32.0
    assert _length("wide", 7.0, 0.0) == 7.0 and _length(None, 1.0, 0.0) == 1.0
    assert _share("50%") == 0.5 and _share("0.25") == 0.25 and _share("2") == 1.0 and _share(None) == 1.0


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
def test_image_strips_labelled_by_row_are_cells_not_bars(fmt, tmp_path):
    """Strips of 12 cells drawn as images (imshow), each row labelled 1..12 and a
    bar of its own beside it: one label per cell makes a strip of cells, not a
    colorbar with ticks 1..12 (dark-secrets page 8), however its own image is
    taken."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(5)
    fig = plt.figure(figsize=(8, 3))
    truths = []
    for k in range(3):
        v = rng.random((12, 1))
        if k != 1:
            v = np.sort(v, axis=0)[::-1]  # runs along the map as a bar does: only its labels tell
        ax = fig.add_axes([0.08 + 0.3 * k, 0.1, 0.04, 0.8])
        cax = fig.add_axes([0.14 + 0.3 * k, 0.1, 0.02, 0.8])
        im = ax.imshow(v, cmap="viridis", vmin=0, vmax=1, aspect="auto", interpolation="none")
        ax.set_yticks(range(12), [str(i + 1) for i in range(12)], fontsize=5)
        ax.set_xticks([])
        fig.colorbar(im, cax=cax, ticks=[0, 0.25, 0.5, 0.75, 1.0]).ax.tick_params(labelsize=5)
        truths.append(v)
    path = tmp_path / f"image_strips.{fmt}"
    fig.savefig(path)
    plt.close(fig)
    res = digitize(path)
    assert len(res.heatmaps) == 3, [(h.rows, h.cols, h.plot_box) for h in res.heatmaps]
    for h, v in zip(sorted(res.heatmaps, key=lambda h: h.plot_box.x0), truths):
        assert (h.rows, h.cols) == (12, 1) and h.read_from == "vector"
        assert (h.scale.vmin, h.scale.vmax) == pytest.approx((0.0, 1.0), abs=0.01)
        assert float(np.abs(h.table.values - v).max()) <= 0.01
        assert list(h.axes.row_labels) == [str(i + 1) for i in range(12)]


def test_an_svg_gets_its_overlay_drawn_on_its_objects(tmp_path):
    """--overlay on an SVG (we do not render SVG): the overlay is drawn on the
    objects painted at the reading's scale (cells in their exact colours, bar,
    labels), and the difference panel is black where the table redraws them."""
    import json
    from pathlib import Path

    from PIL import Image
    from typer.testing import CliRunner

    from digitize.cli import app
    from digitize.report.overlay import HEADER_HEIGHT

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    out = tmp_path / "o.png"
    res = CliRunner().invoke(app, [str(here / "plotly_heatmap.svg"), "--overlay", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    h = json.loads(res.output)["heatmaps"][0]
    ov = np.asarray(Image.open(out).convert("RGB"))
    w = ov.shape[1] // 3
    x0, y0, x1, y1 = h["plot_box"]
    rows, cols = np.array(h["row_edges"]), np.array(h["col_edges"])
    cy, cx = int((rows[0] + rows[1]) / 2), int((cols[0] + cols[1]) / 2) + 12  # beside the printed number
    found, diff = ov[HEADER_HEIGHT + cy, cx], ov[HEADER_HEIGHT + cy, 2 * w + cx]
    assert int(np.abs(found.astype(int) - [253, 231, 37]).max()) <= 40, found  # viridis near 96: yellow
    assert int(diff.max()) <= 30, diff  # agrees


@pytest.mark.parametrize("annot", [True, False])
def test_an_svg_heatmap_without_a_colorbar(annot, tmp_path):
    """An SVG has no raster path to fall back on: a block of cells with no bar is
    read on the named colormap its colours lie on, its scale from the numbers it
    prints (exact, from the text layer), or 0..1 positions along the map with the
    scale unknown when it prints none (as the raster path does)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    v = np.round(np.random.default_rng(3).random((5, 6)) * 40 + 10, 1)
    fig, ax = plt.subplots(figsize=(5, 3.5))
    sns.heatmap(v, annot=annot, fmt=".1f", cmap="viridis", cbar=False, ax=ax, vmin=10, vmax=50)
    path = tmp_path / "nobar.svg"
    fig.savefig(path)
    plt.close(fig)
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (5, 6) and h.colorbar is None
    assert h.colormap.name == "viridis"
    if annot:
        assert h.scale.source == "cell_text" and np.array_equal(h.table.values, v)
        assert not any("scale is unknown" in w for w in h.warnings)
    else:
        assert h.scale.source == "unknown" and any("scale is unknown" in w for w in h.warnings)
        assert float(np.abs(h.table.values - (v - 10) / 40).max()) <= 0.01


def test_batch_reads_svgs_from_their_objects(tmp_path):
    """A folder holding SVGs: each is read from its objects (read_from vector), with
    its table, overlay and thumbnail, or, its text drawn as outlines, from the SVG
    drawn to pixels (read_from raster); one without a heatmap fails alone with its
    reason."""
    import csv
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from digitize.batch import batch_app

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    inp = tmp_path / "in"
    inp.mkdir()
    for name in ("plotly_heatmap.svg", "r_ggplot_tile.svg"):
        shutil.copy(here / name, inp / name)
    (inp / "shapes.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                                    '<circle cx="50" cy="50" r="30" fill="#336699"/></svg>')
    res = CliRunner().invoke(batch_app, [str(inp), "-o", str(tmp_path / "out"), "--quiet", "--workers", "1"])
    assert res.exit_code == 9, res.output
    rows = {Path(r["source"]).name: r for r in csv.DictReader(open(tmp_path / "out" / "summary.csv"))}
    ok = rows["plotly_heatmap.svg"]
    assert ok["read_from"] == "vector" and (ok["rows"], ok["cols"]) == ("5", "6") and ok["status"] == "ok"
    assert (Path(ok["output"]) / ok["thumbnail"]).exists() and (Path(ok["output"]) / "overlay.png").exists()
    spelled = rows["r_ggplot_tile.svg"]  # glyph outlines: spelled, and read from the objects
    assert spelled["read_from"] == "vector" and (spelled["rows"], spelled["cols"]) == ("6", "7")
    assert (Path(spelled["output"]) / spelled["thumbnail"]).exists()
    assert rows["shapes.svg"]["status"] == "failed" and "no block of filled cells" in rows["shapes.svg"]["error"]


def _fixture(name: str):
    import json
    from pathlib import Path

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    stem = name.rsplit(".", 1)[0]
    return here / name, json.loads((here / f"{stem}.json").read_text())


@pytest.mark.parametrize("name", ["gnuplot_hot.svg", "gnuplot_hot.pdf"])
def test_gnuplot_colour_box_of_bands_reaching_white(name):
    """gnuplot (fixtures made by fixtures/vector/make_gnuplot_octave.py) draws its
    colour box as 128 flat bands, polygons in its SVG, each the colour at the
    band's start: on 'hot' no band is white, yet the cells at the top of the range
    are. The bar is found among the polygons, and the white cells read 100 (with
    the warning that they could be blanks), not blank."""
    path, t = _fixture(name)
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (0.0, 100.0)
    v = np.array(t["values"])
    assert not np.isnan(h.table.values).any()
    assert float(np.abs(h.table.values - v).max()) <= 0.6  # 128 bands: a band is 0.8% of the range
    assert np.all(np.abs(h.table.values[v == 100.0] - 100.0) <= 0.5)
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]


@pytest.mark.parametrize("name", ["octave_turbo.svg", "octave_turbo.pdf"])
def test_octave_turbo_bar_two_pixels_wide_and_inline_images(name):
    """Octave's colorbar is an image two pixels wide of its 64 colours; turbo winds
    through colour space (a row of data would wind far more for 64 colours); the
    PDF's images are inline, which pdfium will not decode: they are sampled from
    the page drawn. One heatmap (the bar is no heatmap), on the bar's scale."""
    path, t = _fixture(name)
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (5, 6) and (h.scale.vmin, h.scale.vmax) == (0.0, 150.0)
    err = np.abs(h.table.values - np.array(t["values"])) / 150.0
    assert float(err.max()) <= 0.01, err.max()  # 64 colours: half a colour is 0.8%
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]


def test_octave_svg_powers_of_ten_in_raised_tspans():
    """Octave's (gnuplot's) enhanced text writes 10^{-3} as '10' and a raised
    tspan '-3': read as the power, so the bar's scale is logarithmic from the text."""
    path, t = _fixture("octave_log.svg")
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and h.scale.kind == "log"
    assert h.scale.vmin == pytest.approx(1e-4) and h.scale.vmax == pytest.approx(1.0)
    err = np.abs(np.log10(h.table.values) - np.log10(np.array(t["values"]))) / 4.0
    assert float(err.max()) <= 0.005, err.max()


def test_text_string_joins_raised_exponents():
    import xml.etree.ElementTree as ET

    from digitize.sources.svg import _text_string

    up = ET.fromstring('<text><tspan>10</tspan><tspan font-size="8" dy="-5.00px">-3</tspan><tspan dy="5"/></text>')
    assert _text_string(up) == "10^-3"
    plotly = ET.fromstring('<text>10<tspan style="font-size:70%" dy="-0.6em">\u22124</tspan><tspan dy="0.42em">'
                           '</tspan></text>')
    assert _text_string(plotly) == "10^\u22124"
    level = ET.fromstring('<text><tspan>ab</tspan><tspan dy="0">12</tspan></text>')
    assert _text_string(level) == "ab12"  # not raised: as written
    shifted = ET.fromstring('<text>2<tspan baseline-shift="super">5</tspan></text>')
    assert _text_string(shifted) == "2^5"


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_clustermap_bar_in_the_corner_serves_the_cells(fmt, tmp_path):
    """seaborn's clustermap sets its bar in the top left corner, above the row
    dendrogram, beside no block of cells: the page's one bar serves the cells whose
    colours lie on it (was: the scale unknown in SVG, the PDF read from pixels)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    rng = np.random.default_rng(3)
    v = np.round(rng.normal(size=(12, 6)).cumsum(axis=1) / 3, 2)
    df = pd.DataFrame(v, index=[f"gene{k}" for k in range(12)], columns=[f"S{k}" for k in range(6)])
    g = sns.clustermap(df, cmap="vlag", vmin=-2, vmax=2, figsize=(6, 7))
    shown = np.clip(v[np.ix_(g.dendrogram_row.reordered_ind, g.dendrogram_col.reordered_ind)], -2, 2)
    path = tmp_path / f"cm.{fmt}"
    g.savefig(path)
    plt.close("all")
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (12, 6) and (h.scale.vmin, h.scale.vmax) == (-2.0, 2.0)
    assert float(np.abs(h.table.values - shown).max()) / 4.0 <= 0.005
    assert list(h.axes.row_labels) == [f"gene{k}" for k in g.dendrogram_row.reordered_ind]


def test_bokeh_svg_texts_written_twice_in_points_and_turned():
    """bokeh's SVG backend (fixture made by fixtures/vector/make_bokeh_svg.py)
    writes every text twice, the second copy unfilled with a transparent stroke;
    its sizes in points ('9pt'); its texts with no extent, left-anchored where
    the labels are set flush right (their widths taken from a sans-serif font's
    metrics); column labels turned 45 degrees, whose boxes overlap (not one label
    'JanFeb'). Labels, title and scale exact."""
    path, t = _fixture("bokeh_diagonal.svg")
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (0.0, 1.0)
    assert [tk.label for tk in h.scale.ticks] == ["1", "0.8", "0.6", "0.4", "0.2", "0"]
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]
    assert h.axes.title == "bokeh diagonal"
    assert float(np.abs(h.table.values - np.array(t["values"])).max()) <= 0.005


def test_bokeh_svg_bar_of_eleven_diverging_levels():
    """A bar of eleven rectangles through white (BrBG11) winds through colour
    space as a row of data might; its colours run along a named map in order, so
    it is a bar. Each cell reads the middle of its level's band, with the warning."""
    path, t = _fixture("bokeh_brbg11.svg")
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (-1.0, 1.0)
    band = 2.0 / 11
    assert float(np.abs(h.table.values - np.array(t["values"])).max()) <= band / 2 + 1e-6
    assert any("discrete (11 colours)" in w for w in h.warnings), h.warnings


def test_pgfplots_colorbar_painted_as_a_shading():
    """pgfplots (fixture made by fixtures/vector/make_pgfplots.py) draws a matrix
    plot's cells as filled rectangles and its colorbar as a shading painted on its
    own inside a form: the shading's function, placed by the form's matrix, gives
    the bar's colours, so the page is read from its objects (was: read from
    pixels; then from the shading as pdfium draws it, a point off its place:
    worst cell 0.74% off, now 0.33%)."""
    path, t = _fixture("pgfplots_matrix.pdf")
    res = digitize(path)
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    assert h.read_from == "vector" and (h.scale.vmin, h.scale.vmax) == (0.0, 10.0)
    assert list(h.axes.row_labels) == t["row_labels"] and list(h.axes.col_labels) == t["col_labels"]
    assert h.axes.title == t["title"] and (h.axes.x_label, h.axes.y_label) == ("Sample", "Gene")
    assert float(np.abs(h.table.values - np.array(t["values"])).max()) / 10.0 <= 0.005


def test_a_paper_of_figures_from_many_stacks_is_read_from_its_objects(tmp_path):
    """One PDF of pages from gnuplot (pdfcairo), Octave (Ghostscript, inline
    images), R's pdf(), pgfplots (a shading bar) and plotly (kaleido), as a paper
    gathers them: batch gives each page its heatmap, read from the objects, on the
    scale its bar is labelled with."""
    import csv
    from pathlib import Path

    import pypdfium2 as pdfium
    from typer.testing import CliRunner

    from digitize.batch import batch_app

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector"
    pages = {"gnuplot_hot.pdf": (5, 6, 0, 100), "octave_turbo.pdf": (5, 6, 0, 150),
             "r_ggplot_tile.pdf": (6, 7, -2, 2), "pgfplots_matrix.pdf": (5, 6, 0, 10),
             "plotly_heatmap.pdf": (5, 6, 0, 100)}
    doc = pdfium.PdfDocument.new()
    for name in pages:
        doc.import_pages(pdfium.PdfDocument(here / name), [0])
    path = tmp_path / "paper.pdf"
    doc.save(path)
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(path), "-o", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(out / "summary.csv")))
    got = {int(r["page"]): r for r in rows}
    assert sorted(got) == [1, 2, 3, 4, 5], [(r["page"], r["rows"], r["cols"]) for r in rows]
    for page, (r, c, lo, hi) in enumerate(pages.values(), 1):
        row = got[page]
        assert (int(row["rows"]), int(row["cols"]), row["read_from"]) == (r, c, "vector"), row
        assert (float(row["vmin"]), float(row["vmax"])) == pytest.approx((lo, hi), abs=0.01 * (hi - lo)), row


def test_an_svg_nested_in_another_is_placed_by_its_viewport(tmp_path):
    """A figure's SVG placed inside a larger one (composed figures: an <svg> with
    x, y, width, height and a viewBox) is read in the page's points: its plot
    lies inside the nested viewport, scaled, and its values are as read alone."""
    import re

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.round(np.random.default_rng(2).uniform(0, 5, (4, 5)), 2)
    fig, ax = plt.subplots(figsize=(5, 4))
    fig.colorbar(ax.imshow(v, vmin=0, vmax=5, cmap="viridis"))
    inner = tmp_path / "inner.svg"
    fig.savefig(inner)
    plt.close(fig)
    body = inner.read_text()
    body = body[body.index("<svg"):]
    tag = re.match(r"<svg[^>]*>", body).group(0)
    box = re.search(r'viewBox="([^"]+)"', tag).group(1)  # 0 0 360 288
    nested = body.replace(tag, f'<svg x="100" y="50" width="180" height="144" viewBox="{box}">', 1)
    path = tmp_path / "nested.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                    f'width="600pt" height="400pt" viewBox="0 0 600 400">{nested}</svg>')
    alone, placed = digitize(inner).heatmaps[0], digitize(path).heatmaps[0]
    assert placed.read_from == "vector" and (placed.scale.vmin, placed.scale.vmax) == (0.0, 5.0)
    np.testing.assert_allclose(placed.table.values, alone.table.values)
    # half the size, shifted by (100, 50): the plot in the page's points
    np.testing.assert_allclose(placed.points, [100 + p / 2 if k % 2 == 0 else 50 + p / 2
                                               for k, p in enumerate(alone.points)], atol=0.2)


@pytest.mark.parametrize("horizontal", [False, True])
@pytest.mark.parametrize("sampled", [False, True])
def test_a_colorbar_filled_with_a_shading_pattern_is_read_from_its_function(tmp_path, horizontal, sampled):
    """A bar filled with an axial shading pattern (svg2pdf's, Cairo's and
    Inkscape's gradients; hand-written here: a stitching function of exponential
    ones, or a sampled one): pdfium reports the fill white and draws the shading
    about a point off its place, so the bar's colours are taken from the
    shading's function placed along its axis. Worst cell was 0.69-0.79% off
    from the drawing; now within 0.3%."""
    from pdfgen import shaded_bar_pdf

    stops = [(0.0, (0.02, 0.19, 0.38)), (0.35, (0.57, 0.77, 0.87)), (0.5, (0.97, 0.97, 0.97)),
             (0.7, (0.96, 0.65, 0.51)), (1.0, (0.40, 0.0, 0.12))]
    v = np.round(np.random.default_rng(5).uniform(-1, 1, (6, 7)), 3)
    path = tmp_path / "shaded.pdf"
    path.write_bytes(shaded_bar_pdf(v, stops, vmin=-1, vmax=1, ticks=[-1, -0.5, 0, 0.5, 1],
                                    horizontal=horizontal, sampled=sampled))
    h = digitize(path).heatmaps[0]
    assert h.read_from == "vector" and (h.rows, h.cols) == (6, 7) and (h.scale.vmin, h.scale.vmax) == (-1.0, 1.0)
    err = np.abs(h.table.values - v) / 2.0
    assert float(err.max()) <= 0.004 and float(err.mean()) <= 0.0015, (err.max(), err.mean())


def test_an_axial_shading_spans_a_strip_only_along_its_length():
    """A shading is taken for a bar only when its axis runs the bar's length,
    end to end; its colours are its function's at each point's projection."""
    from digitize.sources.pdfshading import Axial

    ax = Axial((10.0, 200.0), (10.0, 0.0), np.linspace([0.0, 0.0, 0.0], [255.0, 255.0, 255.0], 1024))
    assert ax.spans((5.0, 0.0, 15.0, 200.0), 1.0) and ax.spans((5.0, 0.5, 15.0, 199.5), 1.0)
    assert not ax.spans((5.0, 0.0, 15.0, 100.0), 1.0)  # half the axis
    assert not ax.spans((0.0, 95.0, 200.0, 105.0), 1.0)  # across it
    got = ax.along(np.array([[10.0, 200.0], [3.0, 100.0], [10.0, 0.0], [10.0, -50.0]]))
    assert np.allclose(got[:, 0], [0.0, 127.5, 255.0, 255.0], atol=0.2)  # extended past its end


def test_a_page_of_text_has_its_text_read_only_when_it_could_hold_cells(tmp_path):
    """A page with no image and fewer fills than a block of cells takes holds no
    heatmap drawn as objects: the reader leaves its text unread (most pages of a
    paper), and reads nothing there either way."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digitize.api import digitize_pdf_page
    from digitize.sources.pdfobjects import page_objects
    from digitize.vector.tilings import MIN_CELLS

    fig = plt.figure(figsize=(4, 3))
    fig.text(0.1, 0.5, "Results 2024 and a second line of words")
    path = tmp_path / "text.pdf"
    fig.savefig(path, format="pdf")
    plt.close(fig)
    every = page_objects(path, 0)
    assert any("Results" in t.text for t in every.texts) and len(every.fills) < MIN_CELLS and not every.images
    assert page_objects(path, 0, min_cells=MIN_CELLS).texts == ()
    assert digitize_pdf_page(path, 0) == []


def _small_multiple_pdf(path, *, drawn_minus: bool) -> list[tuple[np.ndarray, float, float]]:
    """Two 5 x 6 panels side by side, each with its own bar close beside it,
    short tick marks, and the first bar's labels just short of the second panel,
    its five labels at the second panel's five row centres (ticks at 10, 30, ...
    90% of the bar). With ``drawn_minus`` the ranges are negative and every minus
    sign is a thin filled bar drawn before the digits (the text layer holds
    '20' where the page shows '−20'), as TeX-set labels are."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from matplotlib.ticker import FuncFormatter

    rng = np.random.default_rng(5)
    fig = plt.figure(figsize=(7, 3))
    out = []
    labels = []
    for k in range(2):
        lo, hi = (-100.0, 0.0) if drawn_minus else (0.0, 100.0 + 50 * k)
        v = lo + (hi - lo) * rng.random((5, 6))
        ax = fig.add_axes([0.06 + 0.37 * k, 0.15, 0.3, 0.7])
        cax = fig.add_axes([0.37 + 0.37 * k, 0.15, 0.012, 0.7])
        im = ax.pcolormesh(v[::-1], cmap="Greens", vmin=lo, vmax=hi)
        ax.set_xticks([])
        ax.set_yticks([] if k else np.arange(5) + 0.5, [] if k else [f"m{i}" for i in range(5)], fontsize=6)
        cb = fig.colorbar(im, cax=cax, ticks=np.linspace(lo + 0.1 * (hi - lo), lo + 0.9 * (hi - lo), 5))
        cax.tick_params(length=1.5, labelsize=6, pad=1.5 + (3 if drawn_minus else 0))
        if drawn_minus:
            cb.formatter = FuncFormatter(lambda x, _: f"{abs(x):g}")
            cb.update_ticks()
        labels.append(cax)
        out.append((v, lo, hi))
    if drawn_minus:
        fig.canvas.draw()
        to_fig = fig.transFigure.inverted()
        for cax in labels:
            for t, val in zip(cax.get_yticklabels(), cax.get_yticks()):
                if val >= 0:
                    continue
                bb = t.get_window_extent()
                h = 0.7 * bb.height  # the digits' height, about
                (x0, y0), (x1, y1) = to_fig.transform([(bb.x0 - 0.75 * h, bb.y0 + bb.height / 2 - 0.05 * h),
                                                      (bb.x0 - 0.15 * h, bb.y0 + bb.height / 2 + 0.05 * h)])
                fig.patches.append(Rectangle((x0, y0), x1 - x0, y1 - y0, transform=fig.transFigure,
                                             color="black", lw=0))
    fig.savefig(path)
    plt.close(fig)
    return out


@pytest.mark.parametrize("drawn_minus", [False, True])
def test_a_bars_labels_beside_the_next_panel_stay_the_bars(drawn_minus, tmp_path):
    """The first panel's bar labels stand just short of the second panel, at its
    row centres: they are the bar's (three times nearer it than the panel), not
    the second panel's row labels, and each panel is read on its own bar. Minus
    signs drawn as bars give the labels their sign back."""
    path = tmp_path / "two.pdf"
    truths = _small_multiple_pdf(path, drawn_minus=drawn_minus)
    res = digitize(path)
    hs = sorted(res.heatmaps, key=lambda h: h.plot_box.x0)
    assert [(h.rows, h.cols, h.read_from) for h in hs] == [(5, 6, "vector")] * 2
    for h, (v, lo, hi) in zip(hs, truths):
        span = hi - lo
        assert abs(h.scale.vmin - lo) <= 0.01 * span and abs(h.scale.vmax - hi) <= 0.01 * span, (h.scale, lo, hi)
        assert float(np.abs(h.table.values - v).max()) <= 0.01 * span


def test_a_minus_drawn_as_a_bar_before_a_number_is_its_sign():
    """A thin filled bar just before a number, across its middle, is its minus;
    one under it, one far before it, a thick block, or one before a word is not."""
    from digitize.sources.objects import TextItem, with_drawn_minus

    num = TextItem("20", (100.0, 50.0, 104.0, 53.0))
    word = TextItem("ab", (100.0, 60.0, 104.0, 63.0))
    fills = np.array([[97.5, 51.4, 99.6, 51.65],    # the minus of '20'
                      [97.5, 61.4, 99.6, 61.65],    # before a word
                      [90.0, 51.4, 92.0, 51.65]])   # far before '20' as well
    got = with_drawn_minus([num, word], fills)
    assert [t.text for t in got] == ["\u221220", "ab"] and got[0].box[0] == 97.5
    assert [t.text for t in with_drawn_minus([num], fills[2:])] == ["20"], "too far"
    assert [t.text for t in with_drawn_minus([num], np.array([[97.5, 53.5, 99.6, 53.75]]))] == ["20"], "under it"
    assert [t.text for t in with_drawn_minus([num], np.array([[97.5, 50.5, 99.6, 52.5]]))] == ["20"], "a block"


def _icons_over_a_pale_box(path) -> None:
    """A diagram as papers draw them: icons placed as small images (pale boxes
    with a word in them) above a pale box whose shade wavers, with a '1' under it
    twice (a token's index)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image, ImageDraw

    fig = plt.figure(figsize=(8.5, 11))
    x = np.arange(200)
    wave = (241 + 13 * np.sin(x / 4.0) * np.cos(x / 23.0)).astype(np.uint8)
    ax = fig.add_axes([0.1, 0.6, 0.6, 0.06])
    ax.axis("off")
    ax.imshow(np.dstack([np.tile(wave[None, :], (8, 1))] * 3), aspect="auto", interpolation="nearest")
    for k, (word, fill) in enumerate([("Tok 1", (250, 215, 215)), ("Tok 2", (250, 215, 215)),
                                      ("E 1", (250, 240, 180)), ("T 1", (215, 240, 215))]):
        im = Image.new("RGB", (90, 40), (255, 255, 255))
        d = ImageDraw.Draw(im)
        d.rounded_rectangle([2, 2, 87, 37], radius=8, fill=fill, outline=(120, 120, 120))
        d.text((25, 14), word, fill=(40, 40, 40))
        a = fig.add_axes([0.1 + 0.15 * k, 0.67, 0.12, 0.04])
        a.axis("off")
        a.imshow(np.asarray(im))
    for k in range(2):
        fig.text(0.2 + 0.35 * k, 0.585, "1", fontsize=9)
    fig.savefig(path)
    plt.close(fig)


def test_icons_beside_a_pale_box_are_no_unread_heatmap(tmp_path):
    """A block of cells beside a bar whose labels give no scale is reported unread
    only when it shows a heatmap: its cells on the bar's colours, spread along it.
    Icons over a pale box (all near its white end) are not; cells of a map whose
    bar is labelled '1' twice are."""
    import matplotlib.pyplot as plt

    from digitize.api import digitize_pdf_page
    from digitize.sources.pdfobjects import page_objects
    from digitize.vector.reader import read_vector_page

    diagram = tmp_path / "diagram.pdf"
    _icons_over_a_pale_box(diagram)
    unread = []
    assert digitize_pdf_page(diagram, 0, unread=unread) == [] and unread == [], unread

    heatmap = tmp_path / "unlabelled.pdf"
    fig = plt.figure(figsize=(8.5, 11))
    ax = fig.add_axes([0.1, 0.5, 0.6, 0.3])
    cb = fig.colorbar(ax.pcolormesh(np.random.default_rng(3).random((6, 8)), cmap="viridis", vmin=0, vmax=1), ax=ax)
    cb.set_ticks([0.2, 0.8], labels=["1", "1"])
    fig.savefig(heatmap)
    plt.close(fig)
    reading = read_vector_page(page_objects(heatmap, 0))
    assert reading.heatmaps == () and len(reading.unread) == 1, reading
    (x0, y0, x1, y1), reason = reading.unread[0]
    assert "labels" in reason and x1 - x0 > 200 and y1 - y0 > 200


def test_a_picture_of_a_plot_placed_as_an_image_is_no_block_of_cells():
    """An image of a plot (its frame, tick marks and tick labels drawn into it, a
    needle map of one colour but two cells) has runs of a pixel or two between
    wide plain stretches: the raster path reads it, it is not taken for cells
    (read as 22 x 99 'cells' before). An image of cells blown up 12 times is."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from digitize.sources.objects import PlacedImage
    from digitize.vector.tilings import image_tiling

    v = np.full((10, 4), 100.0)
    v[7, 3] = 50.0
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    ax.imshow(v, cmap="RdYlGn", vmin=0, vmax=100, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(4), ["8k", "16k", "24k", "32k"], fontsize=7)
    ax.set_yticks([])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", pad_inches=0)
    plt.close(fig)
    picture = np.asarray(Image.open(buf).convert("RGB"))
    assert image_tiling(PlacedImage((0.0, 0.0, 80.0, 80.0), picture)) is None

    cells = np.random.default_rng(0).integers(0, 256, (10, 4, 3)).astype(np.uint8)
    blown = np.repeat(np.repeat(cells, 12, axis=0), 12, axis=1)
    t = image_tiling(PlacedImage((0.0, 0.0, 48.0, 120.0), blown))
    assert t is not None and t.shape == (10, 4) and (t.rgb == cells).all()
