"""Ruled heatmaps, as biology supplements draw them: every cell with a dark border,
the cells at the middle of a diverging scale white, header boxes beside the grid,
and a discrete bar whose white middle levels are framed by its outline, its end
labels open ('≥2', '≤-2'). Scanned into a JPEG. The layout's blocks of colour
break into scattered cells there; the ruling holds the map together."""
from __future__ import annotations

import io

import numpy as np
import pytest

from digitize import digitize

LEVELS = 8
LIM = 2.0


def _ruled_figure(*, panels: int = 3, rows: int = 8, cols: int = 8, seed: int = 0, header_cells: bool = False,
                  cut_last_row: bool = False, jpeg: int = 80) -> tuple[bytes, list[np.ndarray]]:
    """A figure of ``panels`` ruled maps sharing one framed discrete bar (8 levels
    on -2..2, the middle two white). Each cell's value is the middle of its band;
    a white cell's is 0, the middle of the white bands together. Header boxes
    (coloured, labelled) stand a few pixels left of and above each grid; with
    ``header_cells`` the names are set in the grid's own first row and column
    instead (white cells with text). ``cut_last_row``: the picture ends inside
    the last row (its closing rule cut off)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.colors as mc
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle
    from PIL import Image

    rng = np.random.default_rng(seed)
    bounds = np.linspace(-LIM, LIM, LEVELS + 1)
    colours = plt.get_cmap("RdBu_r")(np.linspace(0, 1, LEVELS))
    mid = LEVELS // 2
    colours[mid - 1] = colours[mid] = (1, 1, 1, 1)
    cmap, norm = mc.ListedColormap(colours), mc.BoundaryNorm(bounds, LEVELS)
    centres = (bounds[:-1] + bounds[1:]) / 2
    fig, axs = plt.subplots(1, panels, figsize=(2.6 * panels + 1.2, 3.0), dpi=130)
    axs = np.atleast_1d(axs)
    truth = []
    for ax in axs:
        coloured = [k for k in range(LEVELS) if k not in (mid - 1, mid)]
        vals = centres[rng.choice(coloured, size=(rows, cols))]
        vals[rng.random((rows, cols)) < 0.5] = 0.0
        off = 1 if header_cells else 0
        grid = np.full((rows + off, cols + off), np.nan)
        grid[off:, off:] = vals
        ax.pcolormesh(np.where(np.isnan(grid), 0.0, grid), cmap=cmap, norm=norm, edgecolors="k", linewidth=0.9)
        n_r, n_c = rows + off, cols + off
        ax.set_xlim(-0.75 if not header_cells else 0, n_c)
        ax.set_ylim(n_r, -0.75 if not header_cells else 0)
        names = ["P"] + [str(i) for i in range(1, max(rows, cols))]
        if header_cells:
            for j in range(cols):
                ax.text(j + 1.5, 0.5, names[j], ha="center", va="center", fontsize=7)
            for i in range(rows):
                ax.text(0.5, i + 1.5, names[i], ha="center", va="center", fontsize=7)
        else:  # boxes a little apart from the grid, coloured like the bar's pale levels
            for j in range(cols):
                ax.add_patch(Rectangle((j + 0.04, -0.7), 0.92, 0.55, fc="#d9d4ec" if j < 4 else "#f6c6b0",
                                       ec="k", lw=0.6, clip_on=False))
                ax.text(j + 0.5, -0.42, names[j], ha="center", va="center", fontsize=7)
            for i in range(rows):
                ax.add_patch(Rectangle((-0.7, i + 0.04), 0.55, 0.92, fc="#d9d4ec" if i < 4 else "#f6c6b0",
                                       ec="k", lw=0.6, clip_on=False))
                ax.text(-0.42, i + 0.5, names[i], ha="center", va="center", fontsize=7, rotation=90)
        ax.set_xticks([])
        ax.set_yticks([])
        for s in ax.spines.values():
            s.set_visible(False)
        truth.append(vals)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, ax=list(axs), fraction=0.025, pad=0.03, drawedges=True)
    cb.set_ticks([-LIM, -LIM / 2, 0, LIM / 2, LIM],
                 labels=[f"≤{-LIM:g}", f"{-LIM / 2:g}", "0", f"{LIM / 2:g}", f"≥{LIM:g}"])
    cb.set_label("log2 fold change")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    img = Image.open(buf).convert("RGB")
    if cut_last_row:  # the picture ends half a row before the grid's bottom rule
        bottom = axs[0].transData.transform((0, rows + (1 if header_cells else 0)))[1]
        cut = int(round(img.height - bottom)) - 2
        img = img.crop((0, 0, img.width, cut))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=jpeg)
    return out.getvalue(), truth


def _assert_read(h, vals: np.ndarray, what: str) -> None:
    assert (h.rows, h.cols) == vals.shape, f"{what}: shape {(h.rows, h.cols)} for {vals.shape}"
    span = 2 * LIM
    assert abs(h.scale.vmin + LIM) <= 0.03 * span and abs(h.scale.vmax - LIM) <= 0.03 * span, \
        f"{what}: scale {h.scale.vmin}..{h.scale.vmax}"
    err = np.abs(np.asarray(h.table.values, float) - vals) / span
    assert float(err.max()) <= 0.03, f"{what}: worst error {err.max():.3f} of the range"


@pytest.fixture(scope="module")
def ruled():
    return _ruled_figure(seed=3)


def test_ruled_maps_with_white_cells_are_read_whole(ruled):
    """Three 8 x 8 maps, half their cells white: each found whole (not cut into
    its coloured cells, nor grown over its header boxes), on the bar's -2..2,
    each cell at the middle of its band."""
    data, truth = ruled
    res = digitize(data)
    assert len(res.heatmaps) == 3, [(h.rows, h.cols, h.plot_box.as_list()) for h in res.heatmaps]
    for k, (h, vals) in enumerate(zip(res.heatmaps, truth)):
        _assert_read(h, vals, f"panel {k}")
        on_axes = next(c for c in h.checks if c.name == "grid_on_axes")
        assert on_axes.passed and on_axes.value >= 0.9, on_axes  # the drawn rules back the grid


def test_a_framed_bar_with_a_white_middle_is_one_bar_with_open_ends(ruled):
    """The bar's white middle levels are page-coloured, but its outline runs along
    them: one bar, its labels '≥2' and '≤-2' read as its ends."""
    data, _ = ruled
    h = digitize(data).heatmaps[0]
    labels = {t.label: t.value for t in h.colorbar_reading.ticks} if hasattr(h, "colorbar_reading") else None
    assert h.colorbar is not None
    lo, hi = h.colorbar.long_range
    assert hi - lo >= 0.9 * max(h.plot_box.height, 1) * 0.9, (lo, hi, h.plot_box)
    assert h.scale.discrete_levels and len(h.scale.discrete_levels) == LEVELS - 1  # the two whites are one level
    assert labels is None or labels.get("≥2") == 2.0


def test_header_cells_inside_the_ruling_are_not_data():
    """Row and column names set in the grid's own first row and column (white
    cells with text) are headers: the map is the cells past them."""
    data, truth = _ruled_figure(panels=1, rows=5, cols=4, seed=5, header_cells=True)
    res = digitize(data)
    assert len(res.heatmaps) == 1
    _assert_read(res.heatmaps[0], truth[0], "header cells")


def test_a_last_row_cut_by_the_picture_edge_is_kept():
    """The picture ends inside the last row (its bottom rule cut off): the rules
    across run on for a whole cell, so the row is there."""
    data, truth = _ruled_figure(panels=2, rows=7, cols=6, seed=8, cut_last_row=True)
    res = digitize(data)
    assert len(res.heatmaps) == 2
    for k, (h, vals) in enumerate(zip(res.heatmaps, truth)):
        assert (h.rows, h.cols) == vals.shape, (k, h.rows, h.cols)


def test_grid_lines_through_the_cell_centres_are_no_ruling():
    """An axes grid drawn at the ticks of an image (through the cells' middles) is
    not the cells' borders: the map is read on its own cells."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = np.random.default_rng(1).random((6, 8))
    fig, ax = plt.subplots(figsize=(6, 4), dpi=110)
    im = ax.imshow(v, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(8))
    ax.set_yticks(range(6))
    ax.grid(True, color="k", linewidth=1)
    fig.colorbar(im)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    h = digitize(buf.getvalue()).heatmaps[0]
    assert (h.rows, h.cols) == (6, 8)
    assert float(np.abs(np.asarray(h.table.values) - v).mean()) <= 0.02


@pytest.mark.parametrize("cmap", ["jet", "viridis", "RdBu_r"])
def test_a_continuous_bar_in_a_jpeg_has_no_levels(cmap):
    """JPEG blurs and wobbles a bar's colours; a continuous map (jet's rate of
    change varies along it) is still read as continuous, not as steps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    v = np.random.default_rng(2).random((8, 10))
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    fig.colorbar(ax.imshow(v, cmap=cmap, vmin=0, vmax=1))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    out = io.BytesIO()
    Image.open(buf).convert("RGB").save(out, format="JPEG", quality=70)
    h = digitize(out.getvalue()).heatmaps[0]
    assert h.scale.discrete_levels == ()
    assert float(np.abs(np.asarray(h.table.values) - v).mean()) <= 0.02


def test_pieces_of_a_framed_bar_trimmed_unequally_are_one_bar():
    """A framed bar's white middle parts it in two; its pale lower levels lose a
    pixel or two more of fringe when trimmed, so the pieces differ in width. The
    outline running along the white gap still makes them one bar; two bars
    stacked with page between them (no outline along the gap) stay two."""
    from digitize.core.lookup import rgb_to_lab
    from digitize.model import Box, ColorbarRegion
    from digitize.raster.layout import _merge_collinear

    rgb = np.full((400, 100, 3), 255, np.uint8)
    rgb[50:150, 40:60] = (200, 40, 40)
    rgb[250:350, 40:60] = (150, 190, 230)
    framed = rgb.copy()
    framed[48:352, 38:40] = 90  # the outline along both long sides, across the white middle too
    framed[48:352, 60:62] = 90
    top = ColorbarRegion(Box(40, 50, 60, 150), "vertical")
    bottom = ColorbarRegion(Box(41, 250, 58, 350), "vertical")  # trimmed narrower
    bg = np.array([100.0, 0.0, 0.0], np.float32)
    one = _merge_collinear([top, bottom], rgb_to_lab(framed), bg)
    assert len(one) == 1 and one[0].long_range == (50, 350)
    assert len(_merge_collinear([top, bottom], rgb_to_lab(rgb), bg)) == 2


@pytest.mark.parametrize("cell", [17, 19])
def test_rules_crossing_each_other_around_small_cells_are_whole_rules(cell):
    """A ruled correlation map (matplotlib pcolormesh with edges; the masked
    triangle white and ruled, as bokeh draws NaN cells) whose cells are under 20
    pixels: where rules cross, neither is a ridge (no lighter pixel beside it), so
    each rule came in pieces a cell long, shorter than a rule, and no ruling was
    found. The crossings are bridged (a rule's width) before rules are measured."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    from digitize.raster.planes import picture_planes
    from digitize.raster.ruled import find_ruled_grids

    n = 20
    rng = np.random.default_rng(11)
    c = np.where(np.eye(n, dtype=bool), 1.0, 0.6 * np.corrcoef(rng.normal(size=(n, 40))))
    m = np.ma.masked_where(np.triu(np.ones((n, n), bool), 1), c)
    size = n * cell / 100 + 2.2
    fig, ax = plt.subplots(figsize=(size, size - 0.6), dpi=100)
    cmap = matplotlib.colormaps["BrBG"].with_extremes(bad="white")
    im = ax.pcolormesh(m, cmap=cmap, vmin=-1, vmax=1, edgecolors="#333333", linewidth=0.7)
    ax.invert_yaxis()
    fig.colorbar(im, ax=ax)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    rgb = np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))
    planes = picture_planes(rgb=rgb)
    rulings = find_ruled_grids(planes.lab, planes.distance, planes.bg_lab)
    assert [(r.grid.rows, r.grid.cols) for r in rulings] == [(n, n)]
    pitch = np.diff(rulings[0].grid.row_edges)
    assert abs(float(pitch.mean()) - float(np.median(pitch))) < 1.0
