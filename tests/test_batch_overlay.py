"""Batch runs (failures recorded, resume) and the overlay drawn from the result."""
import csv
import shutil

import numpy as np
from typer.testing import CliRunner

from digitize.batch import batch_app
from digitize.errors import ExitCode
from digitize.report.overlay import draw_overlay


def test_overlay_geometry_matches_the_result(example_result, example_path):
    from digitize.sources.imageio import load_image

    from digitize.report.overlay import HEADER_HEIGHT

    img = load_image(example_path, max_pixels=10**8).rgb
    full = draw_overlay(example_result, img)
    h, w = img.shape[:2]
    assert full.shape[1:] == (3 * w, 3) and full.shape[0] > h + HEADER_HEIGHT  # titles, three panels, a caption
    ov = full[HEADER_HEIGHT:]  # the panels (and the caption under them)
    # the caption under the panels says the confidence (dark text on white)
    assert (ov[h:] < 128).any()
    hm = example_result.heatmaps[0]
    b = hm.plot_box
    # the plot box is outlined in green on the left panel
    assert tuple(ov[b.y0, (b.x0 + b.x1) // 2]) == (0, 200, 0)
    # a grid line is drawn at each inner row edge
    y = int(round(hm.grid.row_edges[3]))
    assert tuple(ov[y, (b.x0 + b.x1) // 2 + 7]) == (255, 255, 255)
    # the difference panel is near-flat over the plot area: the table re-draws the figure
    diff = ov[b.y0 + 3:b.y1 - 3, 2 * w + b.x0 + 3:2 * w + b.x1 - 3, 0].astype(float) / 8
    assert np.median(diff) < 1.0


def test_redrawn_panel_paints_every_pixel_with_its_cells_colour(example_result):
    from digitize.report.overlay import _redraw

    hm = example_result.heatmaps[0]
    rgb, lab = _redraw(hm)
    b = hm.plot_box
    assert rgb.shape == (b.height, b.width, 3) and lab.shape == (b.height, b.width, 3)
    edges_r = np.round(hm.grid.row_edges).astype(int) - b.y0
    edges_c = np.round(hm.grid.col_edges).astype(int) - b.x0
    rng = np.random.default_rng(0)
    for y, x in zip(rng.integers(0, b.height, 300), rng.integers(0, b.width, 300)):
        i = np.searchsorted(edges_r, y, side="right") - 1
        j = np.searchsorted(edges_c, x, side="right") - 1
        if 0 <= i < hm.rows and 0 <= j < hm.cols and y < edges_r[-1] and x < edges_c[-1]:
            pos = hm.scale.value_to_pixel(hm.table.values[i, j])
            k = int(np.abs(hm.colormap.positions - pos).argmin())
            assert tuple(rgb[y, x]) == tuple(hm.colormap.rgb[k])
        else:  # outside every cell: white
            assert tuple(rgb[y, x]) == (255, 255, 255) and lab[y, x, 0] == 100.0


def test_batch_records_failures_and_resumes(tmp_path, example_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(example_path, inp / "good.png")
    (inp / "bad.png").write_text("not an image")
    (inp / "empty.png").write_bytes(b"")
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(batch_app, [str(inp), "-o", str(out), "--workers", "1", "--quiet"])
    assert res.exit_code == ExitCode.PARTIAL, res.output
    rows = list(csv.DictReader((out / "summary.csv").open()))
    by = {r["source"].split("/")[-1]: r for r in rows}
    assert by["good.png"]["status"] == "ok" and by["good.png"]["rows"] == "10"
    assert by["bad.png"]["status"] == "failed" and "not an image" in by["bad.png"]["error"]
    assert by["empty.png"]["status"] == "failed" and "empty" in by["empty.png"]["error"]
    done = next(out.glob("*_good-*/result.json"))
    stamp = done.stat().st_mtime_ns
    res = runner.invoke(batch_app, [str(inp), "-o", str(out), "--workers", "1", "--quiet"])
    assert done.stat().st_mtime_ns == stamp  # not redone
    assert len(list(csv.DictReader((out / "summary.csv").open()))) == 3
