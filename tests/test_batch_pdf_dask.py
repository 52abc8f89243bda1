"""Batch over PDFs (embedded and vector heatmaps, with their pages) and on a Dask cluster."""
from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from digitize import digitize
from digitize.batch import batch_app
from digitize.errors import ExitCode, NoHeatmapError
from render import render_pdf, render_text_pdf


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "paper.pdf"
    return path, render_pdf(path)


def _rows(out):
    return list(csv.DictReader((out / "summary.csv").open()))


def test_pdf_yields_every_heatmap_with_its_page(pdf):
    path, truths = pdf
    result = digitize(path)
    assert [h.page for h in result.heatmaps] == [1, 2]
    for h, t in zip(result.heatmaps, truths):
        assert (h.rows, h.cols) == t["values"].shape
        assert abs(h.scale.vmin - t["vmin"]) < 0.01 * (t["vmax"] - t["vmin"])
        err = np.abs(h.table.values - t["values"]) / (t["vmax"] - t["vmin"])
        assert float(err.mean()) < 0.01


def test_pdf_with_no_heatmap_is_a_clear_error(tmp_path):
    path = tmp_path / "text.pdf"
    render_text_pdf(path, "no figure here")
    with pytest.raises(NoHeatmapError, match="1 page"):
        digitize(path)


def test_batch_pdf_summary_has_pages_and_positions(pdf, tmp_path):
    path, _ = pdf
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(path), "-o", str(out), "--workers", "1", "--quiet"])
    assert res.exit_code == 0, res.output
    rows = _rows(out)
    assert [r["page"] for r in rows] == ["1", "2"]  # the text-only page adds no row
    for r in rows:
        x0, y0, x1, y1 = json.loads(r["position"])
        assert 0 <= x0 < x1 <= 612 and 0 <= y0 < y1 <= 792  # on a letter page, in points
    assert len(list(out.glob("*_paper-*/page-001/overlay-1.png"))) == 1
    assert len(list(out.glob("*_paper-*/page-003/result.json"))) == 1  # the empty page is done too


def test_batch_mixed_inputs_and_jsonl(tmp_path, example_path):
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(example_path, inp / "good.png")
    (inp / "corrupt.png").write_bytes(example_path.read_bytes()[:300])
    (inp / "empty.png").write_bytes(b"")
    noise = np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8)
    from PIL import Image
    Image.fromarray(noise).save(inp / "photo.png")
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(inp), "-o", str(out), "--workers", "2", "--jsonl"])
    assert res.exit_code == ExitCode.PARTIAL
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert len(lines) == 4
    by = {r["source"].split("/")[-1]: r for r in _rows(out)}
    assert by["good.png"]["status"] == "ok"
    assert by["corrupt.png"]["status"] == "failed" and "truncated" in by["corrupt.png"]["error"]
    assert by["empty.png"]["status"] == "failed" and "empty" in by["empty.png"]["error"]
    assert by["photo.png"]["status"] == "failed" and "heatmap" in by["photo.png"]["error"]


def test_dask_executor_gives_the_local_summary(tmp_path, example_path, pdf):
    pytest.importorskip("distributed")
    inp = tmp_path / "in"
    inp.mkdir()
    shutil.copy(example_path, inp / "a.png")
    shutil.copy(pdf[0], inp / "paper.pdf")
    local, dask = tmp_path / "local", tmp_path / "dask"
    r1 = CliRunner().invoke(batch_app, [str(inp), "-o", str(local), "--workers", "1", "--quiet"])
    r2 = CliRunner().invoke(batch_app, [str(inp), "-o", str(dask), "--workers", "2", "--quiet",
                                        "--executor", "dask", "--scheduler", "local"])
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.output

    def norm(rows):
        return [{k: v for k, v in r.items() if k != "output"} for r in rows]

    assert norm(_rows(local)) == norm(_rows(dask))
    assert len(list(dask.glob("*/result.json"))) + len(list(dask.glob("*/page-*/result.json"))) == 4
