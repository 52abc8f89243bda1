"""The command line: formats, outputs and errors (one line, documented exit codes)."""
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from digitize.cli import app
from digitize.errors import ExitCode

runner = CliRunner()


@pytest.fixture(scope="module")
def json_doc(example_path):
    res = runner.invoke(app, [str(example_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_json_has_the_documented_shape(json_doc, example_truth):
    h = json_doc["heatmaps"][0]
    for key in ("rows", "cols", "values", "row_labels", "col_labels", "x_label", "y_label", "title",
                "plot_box", "colorbar", "cell_residual", "analysis"):
        assert key in h
    assert h["rows"] == 10 and h["cols"] == 12
    assert np.array(h["values"]).shape == (10, 12)
    assert np.array(h["cell_residual"]).shape == (10, 12)
    cb = h["colorbar"]
    assert cb["orientation"] == "vertical" and cb["scale"] == "linear"
    assert cb["vmin"] == 0.0 and cb["vmax"] == 0.008
    assert {t["label"] for t in cb["ticks"]} >= {"0.000", "0.004", "0.008"}


def test_table_output_prints_labels_and_values(example_path):
    res = runner.invoke(app, [str(example_path)])
    assert res.exit_code == 0
    assert "300k" in res.stdout and "peak" in res.stdout


def test_output_file_takes_format_from_extension(example_path, tmp_path):
    out = tmp_path / "t.csv"
    res = runner.invoke(app, [str(example_path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert len(lines) == 11
    assert lines[0].split(",")[0] == "Steps \\ Layer", "both axis titles kept"
    assert lines[1].split(",")[0] == "30k"
    assert len(lines[1].split(",")) == 13


def test_vmin_vmax_override(example_path):
    res = runner.invoke(app, [str(example_path), "--format", "json", "--vmin", "0", "--vmax", "8"])
    assert res.exit_code == 0
    h = json.loads(res.stdout)["heatmaps"][0]
    assert h["colorbar"]["vmax"] == 8 and h["colorbar"]["scale_source"] == "user"
    assert max(max(r) for r in h["values"]) > 7.5


def _err(args):
    res = runner.invoke(app, args)
    return res.exit_code, res.stderr if hasattr(res, "stderr") else res.output


def test_missing_file(tmp_path):
    code, err = _err([str(tmp_path / "nope.png")])
    assert code == ExitCode.INPUT and "no such file" in err and "Traceback" not in err


def test_folder_instead_of_file(tmp_path):
    code, err = _err([str(tmp_path)])
    assert code == ExitCode.INPUT and "folder" in err


def test_empty_file(tmp_path):
    p = tmp_path / "empty.png"
    p.write_bytes(b"")
    code, err = _err([str(p)])
    assert code == ExitCode.INPUT and "empty" in err


def test_text_file_named_png(tmp_path):
    p = tmp_path / "fake.png"
    p.write_text("hello, not an image")
    code, err = _err([str(p)])
    assert code == ExitCode.INPUT and "not an image" in err


def test_truncated_png(tmp_path, example_path):
    p = tmp_path / "cut.png"
    p.write_bytes(example_path.read_bytes()[:3000])
    code, err = _err([str(p)])
    assert code == ExitCode.INPUT


def test_image_without_heatmap(tmp_path):
    from PIL import Image
    p = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), "white").save(p)
    code, err = _err([str(p)])
    assert code == ExitCode.NO_HEATMAP and "found none" in err


def test_over_the_pixel_limit(example_path):
    code, err = _err([str(example_path), "--max-pixels", "1000"])
    assert code == ExitCode.TOO_LARGE and "--max-pixels" in err


def test_bad_format_is_a_usage_error(example_path):
    code, err = _err([str(example_path), "--format", "xml"])
    assert code == ExitCode.USAGE


def test_figure_from_stdin(example_path):
    res = CliRunner().invoke(app, ["-", "--format", "json"], input=example_path.read_bytes())
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["heatmaps"][0]["rows"] == 10 and doc["heatmaps"][0]["cols"] == 12
