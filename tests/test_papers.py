"""Papers end to end: every heatmap of a multi-page PDF on its page, and nothing else.

A generated paper holds, page by page: small multiples sharing one colorbar,
panels with a colorbar each, a seaborn heatmap (vector cells, a rasterized
colorbar and printed numbers: matplotlib's usual PDF output), a bar chart, a
pie chart, a table of numbers, a page of text, and curves coloured along a
colormap with a colorbar beside them. A second PDF draws a figure
through a Form XObject, as LaTeX does with an included PDF figure. A third holds
a heatmap whose colorbar carries no labels: it is reported as found but not
read, with the reason, and the PDF is not failed.
"""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from digitize import digitize
from digitize.api import digitize_pdf_page
from digitize.batch import batch_app
from digitize.report.export import to_dict
from pdfgen import form_image_pdf


def _field(rows: int, cols: int, seed: int, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:rows, 0:cols]
    f = np.sin(x / cols * 3 + seed) + np.cos(y / rows * 2) + 0.5 * rng.random((rows, cols))
    return lo + (f - f.min()) / np.ptp(f) * (hi - lo)


def _text(fig, lines: int = 6) -> None:
    fig.text(0.1, 0.95, "4. Results", fontsize=13)
    for k in range(lines):
        fig.text(0.1, 0.92 - 0.018 * k, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
                                         "eiusmod tempor incididunt ut labore.", fontsize=8)


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.backends.backend_pdf import PdfPages

    path = tmp_path_factory.mktemp("paper") / "paper.pdf"
    truth: dict[int, list[dict]] = {}
    with PdfPages(path) as pdf:
        # 1: three panels sharing one colorbar
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        axes = [fig.add_axes([0.08 + 0.27 * k, 0.55, 0.22, 0.2]) for k in range(3)]
        vals = [_field(6, 6, 10 + k) * 0.8 + 0.1 for k in range(3)]
        for k, (ax, v) in enumerate(zip(axes, vals)):
            im = ax.imshow(v, cmap="viridis", vmin=0, vmax=1)
            ax.set_title(f"task {k}", fontsize=9)
            ax.set_xticks(range(6))
            ax.set_yticks(range(6))
        fig.colorbar(im, ax=axes, fraction=0.02)
        pdf.savefig(fig)
        plt.close(fig)
        truth[1] = [{"values": v, "vmin": 0.0, "vmax": 1.0} for v in vals]
        # 2: two panels, a colorbar each, on different ranges
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        specs = [(_field(5, 7, 3, 0, 50), 0.0, 50.0, "magma"), (_field(5, 7, 4, -1, 1), -1.0, 1.0, "RdBu_r")]
        truth[2] = []
        for k, (v, lo, hi, cmap) in enumerate(specs):
            ax = fig.add_axes([0.08 + 0.46 * k, 0.5, 0.32, 0.22])
            im = ax.imshow(v, cmap=cmap, vmin=lo, vmax=hi)
            ax.set_xticks(range(7))
            ax.set_yticks(range(5))
            fig.colorbar(im, ax=ax, fraction=0.05)
            truth[2].append({"values": v, "vmin": lo, "vmax": hi})
        pdf.savefig(fig)
        plt.close(fig)
        # 3: seaborn: vector cells, a rasterized colorbar, printed numbers
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        ax = fig.add_axes([0.15, 0.45, 0.6, 0.3])
        v = np.round(_field(6, 8, 7), 2)
        sns.heatmap(v, ax=ax, cmap="rocket", vmin=0, vmax=1, annot=True, fmt=".2f", annot_kws={"fontsize": 7})
        pdf.savefig(fig)
        plt.close(fig)
        truth[3] = [{"values": v, "vmin": 0.0, "vmax": 1.0}]
        # 4: a bar chart with coloured bars and value labels
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        ax = fig.add_axes([0.15, 0.45, 0.7, 0.3])
        heights = [0.32, 0.18, 0.55, 0.41, 0.77]
        bars = ax.bar(range(5), heights, color=plt.cm.viridis(np.linspace(0.1, 0.9, 5)))
        ax.bar_label(bars, labels=[f"{h:.2f}" for h in heights])
        pdf.savefig(fig)
        plt.close(fig)
        # 5: a pie chart
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        ax = fig.add_axes([0.25, 0.4, 0.5, 0.4])
        ax.pie([30, 25, 20, 15, 10], labels=list("ABCDE"), autopct="%.0f%%",
               colors=plt.cm.Blues(np.linspace(0.3, 0.9, 5)))
        pdf.savefig(fig)
        plt.close(fig)
        # 6: a table of numbers, its header shaded
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        ax = fig.add_axes([0.1, 0.45, 0.8, 0.3])
        ax.axis("off")
        cells = [[f"{x:.2f}" for x in row] for row in _field(6, 5, 2)]
        t = ax.table(cellText=cells, colLabels=[f"model {k}" for k in range(5)], loc="center")
        for k in range(5):
            t[0, k].set_facecolor("#c6dbef")
        pdf.savefig(fig)
        plt.close(fig)
        # 7: text only
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig, 30)
        pdf.savefig(fig)
        plt.close(fig)
        # 8: curves coloured along a colormap, with a colorbar (one per layer)
        fig = plt.figure(figsize=(8.5, 11))
        _text(fig)
        ax = fig.add_axes([0.12, 0.45, 0.35, 0.19])
        rng = np.random.default_rng(8)
        for layer in range(32):
            ax.plot(np.cumsum(rng.normal(size=60)) + layer, color=plt.cm.viridis(layer / 31), lw=1.0)
        fig.colorbar(plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(0, 31)), ax=ax, label="layer")
        pdf.savefig(fig)
        plt.close(fig)
    return path, truth


def _check(h, t, what: str) -> None:
    assert (h.rows, h.cols) == t["values"].shape, f"{what}: shape {(h.rows, h.cols)}"
    span = t["vmax"] - t["vmin"]
    assert abs(h.scale.vmin - t["vmin"]) <= 0.01 * span and abs(h.scale.vmax - t["vmax"]) <= 0.01 * span, \
        f"{what}: scale {h.scale.vmin}..{h.scale.vmax}"
    err = np.abs(np.asarray(h.table.values) - t["values"]) / span
    assert float(err.mean()) <= 0.01, f"{what}: mean error {err.mean():.4f}"


def test_every_heatmap_on_its_page_and_nothing_else(paper):
    path, truth = paper
    got = {}
    for index in range(8):
        found = digitize_pdf_page(path, index)
        got[index + 1] = [h for r in found for h in r.result.heatmaps]
    assert {p: len(hs) for p, hs in got.items()} == {1: 3, 2: 2, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0}
    for page in (1, 2, 3):
        for k, (h, t) in enumerate(zip(got[page], truth[page])):
            _check(h, t, f"page {page} heatmap {k}")
    seaborn = got[3][0]
    assert seaborn.printed is not None and seaborn.printed.agreement == 1.0
    assert np.array_equal(np.asarray(seaborn.table.values), truth[3][0]["values"]), "the printed numbers"


def test_batch_reports_one_row_per_heatmap_with_its_position(paper, tmp_path):
    path, truth = paper
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(path), "-o", str(out), "--workers", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [r["page"] for r in rows] == ["1", "1", "1", "2", "2", "3"]
    assert all(r["status"] in ("ok", "warning") for r in rows), [r["status"] for r in rows]
    boxes = [json.loads(r["position"]) for r in rows if r["page"] == "1"]
    assert all(0 <= b[0] < b[2] <= 612 and 0 <= b[1] < b[3] <= 792 for b in boxes)
    assert sorted(b[0] for b in boxes) == [b[0] for b in boxes], "panels left to right"


def _heatmap_png(values, *, ticks: bool = True, transparent: bool = False) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.6), dpi=100)
    im = ax.imshow(values, cmap="viridis", vmin=0, vmax=10)
    cb = fig.colorbar(im, ax=ax)
    if not ticks:
        cb.set_ticks([])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", transparent=transparent)
    plt.close(fig)
    return buf.getvalue()


def test_a_figure_inside_a_form_xobject_is_placed_on_the_page(tmp_path):
    from PIL import Image

    v = _field(5, 6, 9, 0, 10)
    rgb = np.asarray(Image.open(io.BytesIO(_heatmap_png(v))).convert("RGB"))
    path = tmp_path / "form.pdf"
    path.write_bytes(form_image_pdf(rgb, at=(100, 300), size=(400, 288)))
    found = digitize_pdf_page(path, 0)
    heatmaps = [(h, pos) for r in found for h, pos in zip(r.result.heatmaps, r.positions)]
    assert len(heatmaps) == 1, "found once, though both the embedded image and the page show it"
    h, (x0, y0, x1, y1) = heatmaps[0]
    _check(h, {"values": v, "vmin": 0.0, "vmax": 10.0}, "form XObject")
    # the form draws the figure over x 100..500, y 300..588 from the bottom: 204..492 from the top
    assert 100 <= x0 < x1 <= 500 and 204 <= y0 < y1 <= 492, (x0, y0, x1, y1)


def test_an_embedded_png_with_a_transparent_background_keeps_its_labels(tmp_path):
    """A figure saved with a transparent background and embedded in a PDF (an image
    with an /SMask, black under the mask): read as the page shows it, on white,
    its black labels legible; not black on black (the scale was lost, or invented
    from stray marks)."""
    from PIL import Image

    from digitize.api import read_picture
    from digitize.config import DigitizeConfig
    from digitize.sources.pdf import page_pictures
    from pdfgen import masked_image_pdf

    v = _field(5, 6, 9, 0, 10)
    rgba = np.asarray(Image.open(io.BytesIO(_heatmap_png(v, transparent=True))).convert("RGBA")).copy()
    assert rgba[..., 3].min() == 0
    rgba[rgba[..., 3] == 0, :3] = 0  # black under the mask, as the writer left it
    path = tmp_path / "transparent.pdf"
    path.write_bytes(masked_image_pdf(rgba, at=(100, 300), size=(400, 288)))
    embedded = page_pictures(path, 0, render=False)
    assert len(embedded) == 1 and embedded[0].kind == "embedded"
    rgb = embedded[0].rgb
    assert (rgb[:3, :3] == 255).all(), "the transparent corner shows the page's white"
    h = read_picture(embedded[0], config=DigitizeConfig()).heatmaps[0]
    _check(h, {"values": v, "vmin": 0.0, "vmax": 10.0}, "transparent PNG in a PDF")


def test_a_heatmap_whose_scale_cannot_be_read_is_reported_unread(tmp_path):
    """A bar without labels and no printed numbers: found but not read, with the
    reason, on its page; the PDF is not failed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(_heatmap_png(_field(5, 6, 1, 0, 10), ticks=False))).convert("RGB"))
    path = tmp_path / "unlabelled.pdf"
    fig = plt.figure(figsize=(8.5, 11))
    _text(fig)
    ax = fig.add_axes([0.1, 0.4, 0.8, 0.4])
    ax.imshow(rgb)
    ax.axis("off")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(path), "-o", str(out), "--workers", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert len(rows) == 1 and {r["status"] for r in rows} == {"unread"}, [(r["status"], r["rows"], r["cols"], r["vmin"], r["vmax"], r["error"]) for r in rows]
    assert rows[0]["page"] == "1" and "label" in rows[0]["error"]
    doc = json.loads(next(out.glob("*/page-001/result.json")).read_text())
    assert doc["heatmaps"] == [] and doc["unread"] and doc["unread"][0]["page"] == 1


@pytest.mark.parametrize("cmap", ["viridis", "Blues"])
def test_small_multiples_a_few_pixels_apart_are_separate_heatmaps(cmap):
    """Five panels drawn 3% of a panel apart (a few pixels of page between them)
    and one shared colorbar: five heatmaps, each read on the shared scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 5, figsize=(10, 2.6), dpi=100, gridspec_kw={"wspace": 0.03})
    vals = [_field(10, 10, 20 + k) for k in range(5)]
    for k, (ax, v) in enumerate(zip(axes, vals)):
        im = ax.imshow(v, cmap=cmap, vmin=0, vmax=1)
        ax.set_title(f"task {k}", fontsize=9)
        ax.set_xticks(range(0, 10, 2))
        ax.set_yticks(range(10) if k == 0 else [])
    fig.colorbar(im, ax=list(axes), fraction=0.015)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert len(res.heatmaps) == 5, [(h.rows, h.cols) for h in res.heatmaps]
    for k, (h, v) in enumerate(zip(res.heatmaps, vals)):
        _check(h, {"values": v, "vmin": 0.0, "vmax": 1.0}, f"panel {k}")


@pytest.mark.parametrize("annot", [False, True])
def test_a_heatmap_with_page_coloured_grid_lines_is_not_cut_into_panels(annot):
    """seaborn's white cell borders cross the whole plot too: each part is one
    column of cells (with its printed numbers), no panel, and the heatmap stays whole."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    v = _field(6, 5, 3)
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    sns.heatmap(v, ax=ax, cmap="viridis", vmin=0, vmax=1, linewidths=2, linecolor="white", annot=annot, fmt=".2f")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert len(res.heatmaps) == 1
    _check(res.heatmaps[0], {"values": v, "vmin": 0.0, "vmax": 1.0}, "white grid lines")


def test_per_panel_bars_with_labels_turned_a_quarter():
    """Small multiples each with a short horizontal bar under it whose labels are
    turned a quarter ('0.876' read upwards), on ranges of their own."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(8, 3.6), dpi=120)
    truths = []
    for k, ax in enumerate(axes):
        lo = 0.87 + 0.01 * k
        hi = lo + 0.02 + 0.004 * k  # five ticks exact at three decimals
        v = lo + _field(8, 8, 30 + k) * (hi - lo)
        im = ax.imshow(v, cmap="viridis", vmin=lo, vmax=hi)
        cb = fig.colorbar(im, ax=ax, orientation="horizontal", ticks=np.linspace(lo, hi, 5), format="%.3f")
        cb.ax.tick_params(labelrotation=90, labelsize=8)
        truths.append({"values": v, "vmin": lo, "vmax": hi})
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert len(res.heatmaps) == 3
    for k, (h, t) in enumerate(zip(res.heatmaps, truths)):
        _check(h, t, f"panel {k}")



def test_turned_axis_labels_above_a_horizontal_bar_are_not_its_ticks():
    """Vega-Lite's legend under the plot, its two end labels upright, the plot's x
    labels turned a quarter above it; shrunk to 60% and saved as JPEG 70. The turned
    labels stand too far from the bar to be its ticks: the scale is 0..287."""
    import json
    from pathlib import Path

    from PIL import Image

    stacks = Path(__file__).resolve().parent.parent / "fixtures" / "stacks"
    truth = json.loads((stacks / "vegalite_end_labels.json").read_text())
    img = Image.open(stacks / "vegalite_end_labels.png").convert("RGB")
    img = img.resize((int(img.width * 0.6), int(img.height * 0.6)), Image.Resampling.BOX)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=70)
    h = digitize(buf.getvalue()).heatmaps[0]
    span = truth["vmax"] - truth["vmin"]
    assert abs(h.scale.vmin - truth["vmin"]) <= 0.02 * span and abs(h.scale.vmax - truth["vmax"]) <= 0.02 * span, \
        (h.scale.vmin, h.scale.vmax)


def test_small_multiples_with_a_bar_flush_against_the_last_panel():
    """Two rows of four seaborn panels sharing one bar drawn flush against the last
    panel (no page between them, as seaborn's cbar_ax often is), titles over the
    top row only, labels on the outer panels only, and one panel pale below its
    top rows (its own colour edges show 4 rows): eight heatmaps on the bar's
    scale, the pale one read on the grid its siblings agree on, the titles whole
    words, and the inner panels' grids vouched for by their labelled siblings."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    fig = plt.figure(figsize=(9, 3.6), dpi=110)
    n, w, gap, h = 4, 0.19, 0.01, 0.36
    cax = fig.add_axes([0.08 + n * (w + gap) - gap, 0.1, 0.015, 0.8])  # touching the last panel
    vals = []
    for r in range(2):
        for k in range(n):
            ax = fig.add_axes([0.08 + k * (w + gap), 0.55 - r * 0.44, w, h])
            v = _field(10, 10, 40 + 4 * r + k)
            if (r, k) == (1, 2):
                v[3:] = 0.01  # pale and even below its top rows
            vals.append(v)
            first = (r, k) == (0, 0)
            sns.heatmap(v, ax=ax, cmap="Greens", vmin=0, vmax=1, cbar=first, cbar_ax=cax if first else None,
                        xticklabels=r == 1, yticklabels=k == 0)
            if r == 0:
                ax.set_title(f"task {k}", fontsize=10)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    res = digitize(buf.getvalue())
    assert len(res.heatmaps) == 8, [(h.rows, h.cols, h.plot_box) for h in res.heatmaps]
    for k, (hm, v) in enumerate(zip(res.heatmaps, vals)):
        _check(hm, {"values": v, "vmin": 0.0, "vmax": 1.0}, f"panel {k}")
        assert hm.confidence >= 0.5, (k, hm.confidence, hm.checks)
    assert [hm.axes.title for hm in res.heatmaps[:4]] == [f"task {k}" for k in range(4)]
    assert any("grid of its sibling panels" in w for w in res.heatmaps[6].warnings)
    inner = next(c for c in res.heatmaps[1].checks if c.name == "grid_on_axes")  # no labels of its own
    assert inner.passed and inner.value is not None and "sibling" in inner.detail


def test_a_heatmap_too_fine_to_resolve_is_read_on_blocks_of_pixels(tmp_path):
    """A map of 400 x 400 smoothed cells shown about 200 pixels wide (a biology
    supplement's sliding-window map) has no cells the grid finder can resolve;
    its pixels lie on its bar's colours and its bar reads -> it is read on blocks
    of pixels laid over it, said so in the grid and a warning, at low confidence,
    and each block's value is the map's value at that place."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image
    from scipy.ndimage import gaussian_filter

    from digitize.api import RESAMPLED_CONFIDENCE
    from pdfgen import image_pdf

    v = gaussian_filter(np.random.default_rng(0).random((400, 400)), 6)
    v = (v - v.min()) / np.ptp(v)
    fig, ax = plt.subplots(figsize=(4, 3.2), dpi=100)
    fig.colorbar(ax.imshow(v, cmap="RdBu_r", vmin=0, vmax=1))
    ax.set_title("sliding windows")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    rgb = np.asarray(Image.open(buf).convert("RGB"))
    path = tmp_path / "fine.pdf"
    path.write_bytes(image_pdf(rgb.shape[1], rgb.shape[0], rgb.tobytes(), draws=[(72, 400, 288, 230)]))
    unread = []
    found = digitize_pdf_page(path, 0, unread=unread)
    assert unread == [] and len(found) == 1 and len(found[0].result.heatmaps) == 1
    h = found[0].result.heatmaps[0]
    assert h.grid.block >= 1 and min(h.rows, h.cols) >= 100, (h.rows, h.cols, h.grid.block)
    assert any("blocks of" in w and "not on the figure's own cells" in w for w in h.warnings)
    assert h.confidence <= RESAMPLED_CONFIDENCE and h.axes.row_labels == () and h.axes.title == "sliding windows"
    assert (h.scale.vmin, h.scale.vmax) == pytest.approx((0.0, 1.0), abs=0.01)
    # each block against the map at its centre (the plot box is the image's extent)
    b = h.plot_box
    ys = ((h.grid.row_centers - b.y0) / (b.y1 - b.y0) * 400).astype(int).clip(0, 399)
    xs = ((h.grid.col_centers - b.x0) / (b.x1 - b.x0) * 400).astype(int).clip(0, 399)
    err = np.abs(h.table.values - v[np.ix_(ys, xs)])
    assert np.nanmedian(err) < 0.03 and np.nanquantile(err, 0.9) < 0.08, (np.nanmedian(err), np.nanquantile(err, 0.9))
    doc = to_dict(found[0].result)["heatmaps"][0]
    assert doc["block_pixels"] == h.grid.block


def test_blocks_of_one_colour_or_a_single_cell_are_no_heatmap_on_a_page(tmp_path):
    """The blocks read on a smoothed map spread over its bar: evidence. The same
    blocks all of one value (one bar of a bar chart taken for a map, another bar
    beside it for its colorbar) are not, nor blocks on a bar of two labels; nor
    is a grid of one cell, whatever it redraws."""
    from dataclasses import replace

    from pdfgen import image_pdf
    from PIL import Image

    from digitize.api import is_evidence, on_page_evidence, unresolved
    from digitize.model import Grid

    fig_png = _heatmap_png(_field(6, 8, 3, 0, 10))

    rgb = np.asarray(Image.open(io.BytesIO(fig_png)).convert("RGB"))
    path = tmp_path / "ramp.pdf"
    path.write_bytes(image_pdf(rgb.shape[1], rgb.shape[0], rgb.tobytes(), draws=[(72, 400, 288, 230)]))
    found = digitize_pdf_page(path, 0)
    hs = [h for r in found for h in r.result.heatmaps]
    assert len(hs) == 1
    h = hs[0]
    assert on_page_evidence(h)
    flat = replace(h, table=replace(h.table, values=np.full(h.table.values.shape, 0.4)))
    blocks = replace(h, grid=replace(h.grid, block=4))
    assert on_page_evidence(blocks), "blocks spread along the bar"
    assert not on_page_evidence(replace(flat, grid=blocks.grid)), "blocks of one colour"
    two = tuple(replace(c, passed=False, value=2.0) if c.name == "scale_labels" else c for c in h.checks)
    assert any(c.name == "scale_labels" for c in two)
    assert not on_page_evidence(replace(blocks, checks=two)), "blocks on a bar of two labels"
    assert on_page_evidence(replace(h, checks=two)), "cells resolved: the rule is the blocks' own"
    assert on_page_evidence(flat), "cells of one value on a well-labelled bar (a perfect needle score)"
    assert not on_page_evidence(replace(flat, checks=two)), "cells of one value on a bar of two labels"
    # a plot whose pixels lie on its bar's colours may be a map too fine to resolve,
    # but not on a bar of two labels
    rgb = found[0].pixels()
    assert unresolved(h, rgb)
    assert not unresolved(replace(h, checks=two), rgb)
    one = replace(h, grid=Grid(h.grid.row_edges[[0, -1]], h.grid.col_edges[[0, -1]]),
                  table=replace(h.table, values=h.table.values[:1, :1]))
    assert not on_page_evidence(one), "a single cell"
    two_cells = replace(h, grid=Grid(h.grid.row_edges[[0, -1]], h.grid.col_edges[[0, 4, -1]]),
                        table=replace(h.table, values=h.table.values[:1, :2]))
    assert two_cells.rows * two_cells.cols == 2 and is_evidence(two_cells)
    assert not on_page_evidence(two_cells), "two cells: two blurred words beside a third are no map"


def _barh_png(*, seed: int) -> bytes:
    """A horizontal bar chart of two series, each bar of one colour with its value
    printed inside it in white (as L-Eval's and many papers' charts are)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    a, b = rng.uniform(25, 75, 8), rng.uniform(25, 75, 8)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=150)
    y = np.arange(8)
    for off, vals, colour in ((-0.2, a, "#3a9fd8"), (0.2, b, "#ffd65c")):
        bars = ax.barh(y + off, vals, height=0.3, color=colour)  # a gap between the two
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in vals], label_type="center", color="white", fontsize=6)
    ax.set_yticks(y, [f"model-{k}" for k in range(8)], fontsize=7)
    ax.set_xlim(0, 80)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("seed", [0, 1])
def test_bars_of_one_colour_with_their_values_inside_are_no_colorbars(seed, tmp_path):
    """A bar of a bar chart is one colour along it; the few white glyphs of the
    value printed inside it (too few to count as text set in a strip) are no
    colours of a bar: no colorbar is found among the bars, and the page, the
    chart embedded as an image, holds no heatmap."""
    from pdfgen import image_pdf
    from PIL import Image

    from digitize.raster.layout import find_layout
    from digitize.raster.planes import picture_planes

    rgb = np.asarray(Image.open(io.BytesIO(_barh_png(seed=seed))).convert("RGB"))
    assert find_layout(planes=picture_planes(rgb=rgb)).colorbars == ()
    path = tmp_path / "bars.pdf"
    path.write_bytes(image_pdf(rgb.shape[1], rgb.shape[0], rgb.tobytes(), draws=[(72, 400, 460, 260)]))
    assert [h for r in digitize_pdf_page(path, 0) for h in r.result.heatmaps] == []


def test_a_grid_that_redraws_part_of_its_plot_needs_backing():
    """Curves coloured along a colorbar, cut into a grid, redraw part of their plot
    (62% here, as read from a real page of them) with no row or column redrawn
    well and no cell standing on the axis marks: no evidence of a heatmap. The
    same partial redrawing with the cells on the axis marks, or every region
    redrawn, is. A grid laid on the axis marks stands on them whatever it covers:
    in a corner of its axes frame (54% redrawn, from another such page), the
    marks back nothing."""
    from digitize.api import _backed
    from digitize.model import Check

    def checks(worst: float, on_axes: float | None, fills: float | None = None):
        return [Check("pixels_explained", False, 0.62, 0.9), Check("worst_region", worst >= 0.6, worst, 0.6),
                Check("grid_on_axes", on_axes is None or on_axes >= 0.8, on_axes, 0.8),
                Check("box_fills_frame", fills is None or fills >= 0.9, fills, 0.9)]

    assert not _backed(checks(0.29, 0.33))
    assert not _backed(checks(0.29, None)), "no marks to stand on back nothing"
    assert _backed(checks(0.29, 1.0))
    assert not _backed(checks(0.125, 1.0, fills=0.26)), "a grid laid on the marks in a corner"
    assert _backed(checks(0.7, 0.33))
    assert _backed([Check("pixels_explained", True, 0.95, 0.9), Check("worst_region", False, 0.3, 0.6)])


def test_a_table_on_no_scale_must_redraw_every_region_of_its_plot():
    """A reading on no scale (its colours matched to a named map, no bar) is reported
    from a page only when no region of its plot is left unexplained: a line chart
    on seaborn's lavender ground (the ground on a named map) redrew 94% of its plot,
    not where its curves run, and came back as a 50 x 2 heatmap once every plot of
    a page was tried."""
    from dataclasses import replace

    from digitize.api import on_page_evidence
    from render import FigureSpec, render

    data, _ = render(FigureSpec("barless", cmap="viridis", rows=8, cols=8, no_colorbar=True))
    h = digitize(data).heatmaps[0]
    assert h.scale.source == "unknown" and on_page_evidence(h)
    worst = next(c for c in h.checks if c.name == "worst_region")
    failed = replace(worst, passed=False, value=0.46)
    h_bad = replace(h, checks=tuple(failed if c is worst else c for c in h.checks))
    assert not on_page_evidence(h_bad)


def test_a_table_on_no_scale_must_not_stand_off_its_axes():
    """A reading on no scale has neither a bar nor printed numbers to vouch for it:
    its cells must not stand off the axis labels it has (a seaborn bar chart on its
    lavender ground, cut into a grid at its bars' ends, matched a named map with
    its categories between the grid's rows). A map with no axis text at all
    has nothing to stand off, and stays."""
    import io
    from dataclasses import replace

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from digitize.api import on_page_evidence

    v = np.random.default_rng(4).uniform(0, 1, (9, 9))
    fig, ax = plt.subplots(figsize=(3, 3), dpi=100)
    ax.imshow(v, cmap="magma", interpolation="nearest")
    ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (9, 9) and h.scale.source == "unknown"
    at = (v - v.min()) / (v.max() - v.min())  # imshow lays the data's range over the map
    assert np.abs(h.table.values - at).max() < 0.02, "the values are positions along the map"
    on_axes = next(c for c in h.checks if c.name == "grid_on_axes")
    assert on_axes.value is None and on_page_evidence(h), "no axis text: nothing to stand off"
    off = replace(on_axes, passed=False, value=0.6667)
    assert not on_page_evidence(replace(h, checks=tuple(off if c is on_axes else c for c in h.checks)))
    labelled = replace(on_axes, passed=True, value=1.0)
    assert on_page_evidence(replace(h, checks=tuple(labelled if c is on_axes else c for c in h.checks)))


def test_a_table_on_no_scale_of_one_colour_but_a_cell_or_two_is_no_map():
    """Boxes of a diagram on a grey panel, read on a named map (a flowchart's grey
    panel matched 'cmc.fes', one box on it light blue), are one colour but a cell or
    two: with no scale to vouch for them, no heatmap. The same cells on a labelled
    bar (a needle map scoring 100 nearly everywhere) stay, and so do an attention
    map of one colour with a diagonal of others and cells spread over the map."""
    from dataclasses import replace

    from digitize.api import on_page_evidence
    from render import FigureSpec, render

    rng = np.random.default_rng(3)
    grey = np.full((8, 8), 0.47) + rng.uniform(-0.02, 0.02, (8, 8))
    panel = grey.copy()
    panel[2, 5], panel[6, 1] = 0.99, 0.2
    diagonal = grey.copy()
    diagonal[np.arange(8), np.arange(8)] = 1.0
    for spec, stays in ((FigureSpec("barless", cmap="viridis", rows=8, cols=8, no_colorbar=True), False),
                        (FigureSpec("scaled", cmap="viridis", rows=8, cols=8), True)):
        h = digitize(render(spec)[0]).heatmaps[0]
        assert on_page_evidence(h), spec.name

        def valued(places):
            return replace(h, table=replace(h.table, values=h.scale.vmin + places * (h.scale.vmax - h.scale.vmin)))

        assert on_page_evidence(valued(panel)) is stays, spec.name
        assert on_page_evidence(valued(diagonal)), spec.name
        assert on_page_evidence(valued(rng.uniform(0, 1, (8, 8)))), spec.name


def test_labels_that_neither_fit_nor_step_evenly_are_no_scale_on_a_page():
    """A reading whose scale rests on labels that neither lie on the line fitted to
    them nor step evenly has no scale: on a page it must pass what a reading on no
    scale passes (a line chart's axis numbers beside the shaded bands of the chart
    next to it came back as a 6 x 2 map on 67..16526). Either test alone failing
    leaves the scale standing (rounded labels, a skipped tick)."""
    from dataclasses import replace

    from digitize.api import on_page_evidence
    from render import FigureSpec, render

    data, _ = render(FigureSpec("scaled", cmap="viridis", rows=8, cols=8))
    h = digitize(data).heatmaps[0]
    assert h.scale.source == "ticks" and on_page_evidence(h)

    def failing(*names, off_axes: bool = False):
        checks = []
        for c in h.checks:
            if c.name in names or (off_axes and c.name == "grid_on_axes"):
                c = replace(c, passed=False, value=0.5 if c.name == "grid_on_axes" else c.value)
            checks.append(c)
        return replace(h, checks=tuple(checks))

    assert on_page_evidence(failing("scale_residual", off_axes=True))
    assert on_page_evidence(failing("tick_steps", off_axes=True))
    assert on_page_evidence(failing("scale_residual", "tick_steps")), "on its axes and redrawn: a map"
    assert not on_page_evidence(failing("scale_residual", "tick_steps", off_axes=True))


def _column_page(path, *, rotate: int = 0) -> tuple[np.ndarray, list[str], tuple]:
    """A letter page: a column of body text on the left, a heatmap with long row
    labels and its colorbar in the right half (vector cells, a raster bar)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.round(_field(5, 4, 21, 0, 1), 2)
    names = ["Llama-3-70B-Instruct", "Mistral-7B-v0.3", "Qwen2-72B-Chat", "GPT-4o-mini", "Phi-3-medium"]
    fig = plt.figure(figsize=(8.5, 11))
    for k in range(40):
        fig.text(0.08, 0.92 - 0.02 * k, "Lorem ipsum dolor sit amet, consectetur elit sed.", fontsize=8)
    ax = fig.add_axes([0.7, 0.55, 0.18, 0.2])
    mesh = ax.pcolormesh(v[::-1], cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(np.arange(5) + 0.5, names[::-1], fontsize=7)
    ax.set_xticks(np.arange(4) + 0.5, [f"{k}k" for k in (4, 8, 16, 32)], fontsize=7)
    fig.colorbar(mesh, ax=ax, fraction=0.08).solids.set_rasterized(True)
    fig.savefig(path)
    box = ax.get_position()  # the axes as the bar left them, in fractions of the page from the bottom-left
    plt.close(fig)
    if rotate:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        doc[0].set_rotation(rotate)
        doc.save(str(path) + ".turned")
        doc.close()
        path.write_bytes(path.with_name(path.name + ".turned").read_bytes())
    return v, names, (box.x0 * 612, (1 - box.y1) * 792, box.x1 * 612, (1 - box.y0) * 792)


def test_a_drawn_page_is_rendered_where_its_figure_lies(tmp_path):
    """The render of a page with a figure in one column leaves out the other, keeps
    the figure's long row labels, and places what it reads on the page in points."""
    from digitize.api import read_picture
    from digitize.config import DigitizeConfig
    from digitize.sources.pdf import page_pictures

    path = tmp_path / "column.pdf"
    v, names, where = _column_page(path)
    page = [p for p in page_pictures(path, 0) if p.kind == "page"]
    assert len(page) == 1
    pic = page[0]
    x0, y0, x1, y1 = pic.placement
    assert x0 > 0.3 * 612, "the column of text on the left is left out"
    assert (x1 - x0) * (y1 - y0) < 0.35 * 612 * 792
    assert pic.rgb.shape[0] == pytest.approx((y1 - y0) * 200 / 72, abs=2)
    res = read_picture(pic, config=DigitizeConfig())
    assert len(res.heatmaps) == 1
    h = res.heatmaps[0]
    _check(h, {"values": v, "vmin": 0.0, "vmax": 1.0}, "cropped render")
    assert list(h.axes.row_labels) == names, "the long labels left of the cells are inside the render"
    assert pic.to_points(h.plot_box.as_list()) == pytest.approx(where, abs=1.5), "where the axes are on the page"


def test_a_turned_page_is_rendered_whole(tmp_path):
    from digitize.sources.pdf import page_pictures

    path = tmp_path / "turned.pdf"
    _column_page(path, rotate=90)
    page = [p for p in page_pictures(path, 0) if p.kind == "page"]
    assert len(page) == 1 and page[0].placement == (0.0, 0.0, pytest.approx(792, abs=1), pytest.approx(612, abs=1))


def test_the_render_does_not_read_again_a_heatmap_its_embedded_image_read(tmp_path, monkeypatch):
    """A page drawing a rule over an embedded figure is rendered as well; the
    heatmap the embedded image gave on its scale is the one kept, so the render
    does not read its plot again (the time went twice), and the page reports it
    once, from the image."""
    from pdfgen import image_pdf
    from PIL import Image

    import digitize.api as api

    v = _field(5, 6, 4, 0, 10)
    rgb = np.ascontiguousarray(np.asarray(Image.open(io.BytesIO(_heatmap_png(v))).convert("RGB")))
    path = tmp_path / "ruled.pdf"
    path.write_bytes(image_pdf(rgb.shape[1], rgb.shape[0], rgb.tobytes(), draws=[(100, 300, 400, 288)], rule=True))
    reads: list[str] = []
    real = api._read_plot

    def counted(plot, **kw):
        reads.append(kw["picture"].kind)
        return real(plot, **kw)

    monkeypatch.setattr(api, "_read_plot", counted)
    found = digitize_pdf_page(path, 0)
    assert any(p.kind == "page" for p in api.page_pictures(path, 0)), "the page is rendered too"
    assert "embedded" in reads and "page" not in reads
    heatmaps = [h for r in found for h in r.result.heatmaps]
    assert len(heatmaps) == 1
    _check(heatmaps[0], {"values": v, "vmin": 0.0, "vmax": 10.0}, "embedded, with a rule over it")


def test_a_page_with_an_object_heatmap_and_an_unread_picture_reports_both(tmp_path):
    """A heatmap drawn as objects (read from them) and, on the same page, a picture
    of one whose bar has no labels (found, not read): the page gives the one and
    lists the other as unread, each once."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(_heatmap_png(_field(5, 6, 1, 0, 10), ticks=False))).convert("RGB"))
    v = _field(6, 8, 2, 0, 1)
    path = tmp_path / "mixed.pdf"
    fig = plt.figure(figsize=(8.5, 11))
    _text(fig)
    ax = fig.add_axes([0.1, 0.5, 0.6, 0.3])
    fig.colorbar(ax.pcolormesh(v[::-1], cmap="viridis", vmin=0, vmax=1), ax=ax)
    pic = fig.add_axes([0.1, 0.08, 0.7, 0.35])
    pic.imshow(rgb)
    pic.axis("off")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    unread = []
    found = digitize_pdf_page(path, 0, unread=unread)
    read = [h for f in found for h in f.result.heatmaps]
    assert len(read) == 1 and (read[0].rows, read[0].cols) == (6, 8), [(h.rows, h.cols) for h in read]
    assert np.nanmax(np.abs(np.asarray(read[0].table.values) - v)) < 0.02
    assert len(unread) == 1 and "label" in unread[0].reason, unread
    assert unread[0].position[1] > read[0].points[3], "the unread one is the picture below the read one"


def _grouped_bars(path, seed: int) -> None:
    """Groups of bars side by side, each bar coloured by a value on a colorbar
    (a ratio, a budget), some bars of a group as tall as each other: a paper's
    bar chart, drawn as objects."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    fig = plt.figure(figsize=(8.5, 11))
    _text(fig)
    ax = fig.add_axes([0.12, 0.45, 0.65, 0.3])
    cmap = plt.get_cmap("flare" if "flare" in plt.colormaps() else "magma")
    for g in range(5):
        top = 80 - 15 * g
        heights = np.round(top + rng.normal(0, 3, 8), 1)
        heights[:3] = heights[0]  # bars of equal height side by side tile a row
        ax.bar(g + np.arange(8) * 0.1 - 0.35, heights, width=0.1, color=cmap(np.linspace(0, 1, 8)))
    fig.colorbar(plt.cm.ScalarMappable(cmap=cmap), ax=ax, label="sequential to parallel ratio")
    ax.set_ylabel("accuracy (%)")
    fig.savefig(path)
    plt.close(fig)


@pytest.mark.parametrize("seed", [0, 1])
def test_grouped_bars_coloured_on_a_colorbar_are_no_heatmap(seed, tmp_path):
    """A bar chart whose bars take their colours from a colorbar: read from the
    objects, bars of equal height side by side tiled a 1 x 3 'map' (at confidence
    0.98); from the picture, a group of bars was a 1 x 8 'map' (0.97). Neither is
    reported: bars stand on one baseline beside bars of other heights, and their
    ends are uneven."""
    path = tmp_path / "bars.pdf"
    _grouped_bars(path, seed)
    unread = []
    found = digitize_pdf_page(path, 0, unread=unread)
    assert [(h.rows, h.cols, h.confidence) for f in found for h in f.result.heatmaps] == [] and unread == []


def test_grouped_bars_in_a_picture_are_read_as_doubtful_at_most(tmp_path):
    """The same chart as a picture: its groups of bars, read as rows of cells,
    come back doubtful, saying why (bars end unevenly)."""
    import pypdfium2 as pdfium

    from digitize import digitize

    path = tmp_path / "bars.pdf"
    _grouped_bars(path, 0)
    png = tmp_path / "bars.png"
    pdfium.PdfDocument(str(path))[0].render(scale=200 / 72).to_pil().save(png)
    res = digitize(png)
    groups = [h for h in res.heatmaps if min(h.rows, h.cols) == 1]
    assert groups, [(h.rows, h.cols) for h in res.heatmaps]
    for h in groups:
        assert h.confidence <= 0.05 and any("bar chart" in w for w in h.warnings), (h.rows, h.cols, h.confidence)


def test_a_plot_whose_colour_starts_partway_into_cells_is_no_unread_heatmap():
    """The rule on its own: a plot beside a bar that gave no scale counts as an
    unread heatmap only when its colour starts at cell edges (a grouped bar
    chart beside its legend, numbers over its bars, was listed as five unread
    heatmaps on a page of FlashAttention-2)."""
    from digitize.api import _unread_is_evidence
    from digitize.errors import ScaleError
    from digitize.model import Check

    def unread(ends_even: bool) -> ScaleError:
        exc = ScaleError("expected at least two readable colorbar tick labels; read '7876'")
        exc.shape, exc.spread, exc.levels, exc.words_only = (6, 5), 0.6, 12, False
        exc.checks = (Check("pixels_explained", True, 0.97, 0.9), Check("worst_region", True, 0.9, 0.6),
                      Check("colours_on_colormap", True, 0.98, 0.95),
                      Check("cell_ends_even", ends_even, 0.0 if ends_even else 5.0, 2.0))
        return exc

    assert _unread_is_evidence(unread(True))
    assert not _unread_is_evidence(unread(False))
