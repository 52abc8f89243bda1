"""What a new user meets first (issue 20), and output made safe from what an
image can say (issue 19, items 11-13, 17): help and version, the table as text,
one-line reprs, pandas frames, the inputs a notebook has at hand, and labels
that carry markup, formulas, HTML or control characters."""
from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from digitize import digitize
from digitize.cli import app
from digitize.errors import ImageTooLargeError, InputError
from digitize.report.export import to_csv, to_dict, to_markdown
from digitize.report.terminal import render


@pytest.fixture(scope="module")
def result(example_path):
    return digitize(example_path)


def test_version_and_short_help():
    from digitize import __version__

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"digitize {__version__}"
    res = CliRunner().invoke(app, ["-h"])
    assert res.exit_code == 0
    assert "batch" in res.output and "PDF" in res.output and "SVG" in res.output and "--version" in res.output


def test_no_developer_line_in_the_prose_but_thresholds_in_the_json(result):
    assert "Thresholds" not in result.heatmaps[0].analysis["text"]
    assert "HIGH_SHARE" in to_dict(result)["heatmaps"][0]["analysis"]["thresholds"]


def test_output_to_a_txt_file_is_the_plain_table(example_path, tmp_path):
    out = tmp_path / "table.txt"
    res = CliRunner().invoke(app, [str(example_path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "\x1b[" not in text, "no colour codes in a file"
    assert all(line == line.rstrip() for line in text.splitlines()), "no trailing spaces"
    assert "30k" in text and "Steps" in text and "#" not in text.splitlines()[0], "a table, not Markdown"


def test_reprs_are_one_line(result):
    r, h = repr(result), repr(result.heatmaps[0])
    assert "\n" not in r and len(r) < 300 and "10 x 12" in r
    assert h.startswith("Heatmap(10 x 12") and "confidence" in h
    assert "<table>" in result._repr_html_()


def test_a_notebook_shows_the_overlay_and_the_table(result):
    import base64
    import re

    from PIL import Image

    for view in (result._repr_html_(), result.heatmaps[0]._repr_html_()):
        data = re.search(r'<img src="data:image/png;base64,([^"]+)"', view)
        assert data, "the overlay is shown"
        img = Image.open(io.BytesIO(base64.b64decode(data.group(1))))
        assert img.width <= 960 and img.width > 2.5 * img.height, "three panels side by side, fitted"
        assert view.count("<tr>") == 1 + 10 and "30k" in view and "0.00" in view
    bare = replace(result.heatmaps[0], picture=None)  # e.g. read from a PDF's objects: no pixels kept
    assert "<img" not in bare._repr_html_() and "<table>" in bare._repr_html_()


def test_to_pandas_wide_and_long(result):
    h = result.heatmaps[0]
    df = h.to_pandas()
    assert df.shape == (10, 12)
    assert df.index.name == h.axes.y_label and df.columns.name == h.axes.x_label
    assert list(df.index) == list(h.axes.row_labels) and list(df.columns) == list(h.axes.col_labels)
    assert np.allclose(df.to_numpy(), h.table.values, equal_nan=True)
    long = result.to_pandas(long=True)
    assert list(long.columns) == ["heatmap", "page", "row", "col", "value", "residual", "source"]
    assert len(long) == 120 and set(long["source"]) == {"colour"}
    assert long.loc[0, "row"] == h.axes.row_labels[0] and long.loc[0, "value"] == pytest.approx(h.table.values[0, 0])


def test_format_long_writes_the_tidy_csv(example_path, tmp_path, result):
    import pandas as pd

    out = tmp_path / "cells.csv"
    res = CliRunner().invoke(app, [str(example_path), "--format", "long", "-o", str(out)])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    h = result.heatmaps[0]
    assert list(df.columns) == ["heatmap", "page", "row", "col", "value", "residual", "source"]
    assert len(df) == h.rows * h.cols and set(df["heatmap"]) == {1}
    assert list(df["row"][:h.cols]) == [h.axes.row_labels[0]] * h.cols
    assert np.allclose(df["value"].to_numpy().reshape(h.rows, h.cols), h.table.values, atol=1e-6)
    res = CliRunner().invoke(app, [str(example_path), "--format", "wide"])
    assert res.exit_code == 2 and "long" in res.output


def test_the_table_prints_the_precision_the_scale_resolves(result):
    """0..0.008 on 256 colours: steps of 3e-5, so 5 decimals (0.00766), not 6; a
    0..1 scale prints 3; JSON keeps more."""
    from digitize.report.export import format_value
    from digitize.report.terminal import render_text

    h = result.heatmaps[0]
    assert format_value(h, 0.0076612) == "0.00766"
    text = render_text(result)
    import re

    numbers = re.findall(r"\b0\.\d+", "".join(ln for ln in text.splitlines() if ln.startswith("│")))
    assert len(numbers) == 120 and all(len(t) == 7 for t in numbers), "every value to 5 decimals"
    unit = replace(h, scale=replace(h.scale, vmin=0.0, vmax=1.0))
    assert format_value(unit, 0.123456) == "0.123"
    assert to_dict(result)["heatmaps"][0]["values"][0][0] != round(h.table.values[0, 0], 5)


def test_to_pandas_without_pandas_says_how_to_get_it(result, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        result.heatmaps[0].to_pandas()


def test_inputs_a_notebook_has_at_hand(example_path):
    from PIL import Image

    want = digitize(example_path).heatmaps[0].table.values
    for src in (Image.open(example_path), open(example_path, "rb"), example_path.read_bytes(),
                np.asarray(Image.open(example_path).convert("RGB"))):
        assert np.allclose(digitize(src).heatmaps[0].table.values, want, equal_nan=True)


@pytest.mark.parametrize("bad", [None, [1, 2], 3, object(), np.array([[object()] * 10] * 10), ""])
def test_wrong_inputs_are_input_errors(bad):
    with pytest.raises(InputError):
        digitize(bad)


def test_arrays_obey_the_pixel_limit():
    from digitize.config import DigitizeConfig

    with pytest.raises(ImageTooLargeError):
        digitize(np.zeros((100, 100, 3), np.uint8), config=DigitizeConfig(max_pixels=1000))


HOSTILE = ("[/b]", "[link=http://evil.example]click[/link]", "=HYPERLINK(\"http://x\",\"y\")",
           "<script>alert(1)</script>", "bell\x07esc\x1b[31m")


def _hostile(result):
    h = result.heatmaps[0]
    rows = list(h.axes.row_labels)
    rows[:len(HOSTILE)] = HOSTILE
    axes = replace(h.axes, row_labels=tuple(rows), title="[bold]t[/bold]", y_label="@SUM(A1)")
    return replace(result, heatmaps=(replace(h, axes=axes, warnings=("a [/i] warning",)),))


def test_terminal_shows_labels_as_text_never_as_markup(result):
    buf = io.StringIO()
    render(_hostile(result), Console(file=buf, width=300, force_terminal=True, color_system="truecolor"))
    out = buf.getvalue()
    assert "[/b]" in out and "[link=http://evil.example]" in out, "markup printed as text"
    assert "\x1b]8;" not in out, "no hyperlink escape"
    assert "\x07" not in out and "esc\x1b[31m" not in out, "control characters dropped"


def test_csv_cells_cannot_become_formulas(result):
    text = to_csv(_hostile(result))
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_markdown_does_not_carry_raw_html(result):
    text = to_markdown(_hostile(result))
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_output_paths_that_cannot_be_files_are_one_line_errors(example_path, tmp_path):
    from digitize.errors import ExitCode

    a_file = tmp_path / "a.txt"
    a_file.write_text("x")
    for bad in ([str(tmp_path)], [str(a_file / "out.json")], [str(tmp_path / ("x" * 300 + ".json"))]):
        res = CliRunner().invoke(app, [str(example_path), "-o", *bad])
        assert res.exit_code == ExitCode.OUTPUT, res.output
        assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    res = CliRunner().invoke(app, [str(example_path), "--overlay", str(a_file / "o.png")])
    assert res.exit_code == ExitCode.OUTPUT


def test_batch_output_that_is_a_file_is_a_one_line_error(example_path, tmp_path):
    from digitize.batch import batch_app
    from digitize.errors import ExitCode

    a_file = tmp_path / "out"
    a_file.write_text("x")
    res = CliRunner().invoke(batch_app, [str(example_path), "-o", str(a_file), "--quiet"])
    assert res.exit_code == ExitCode.OUTPUT and "is a file" in res.output


def test_overlay_of_a_pdf_is_one_image_per_picture(tmp_path):
    from render import render_pdf

    pdf = tmp_path / "paper.pdf"
    render_pdf(pdf)
    out = tmp_path / "check.png"
    res = CliRunner().invoke(app, [str(pdf), "--overlay", str(out), "-f", "json"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.glob("check-p*.png")) == ["check-p1-1.png", "check-p2-1.png"]
    assert '"heatmaps"' in res.output, "the table is written too"


def _lines_without_ansi(text: str) -> list[str]:
    import re

    return [re.sub(r"\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07]*\x07", "", line) for line in text.splitlines()]


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="no pty here")
def test_the_table_fits_an_80_column_terminal(example_path):
    """In a real (pseudo) terminal of 80 columns the 12-column table is folded into
    tables that fit, and no line is wider than the terminal."""
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    env = dict(os.environ, COLUMNS="80", LINES="50", TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "digitize", str(example_path)], stdout=slave, stderr=slave,
                            env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(master)
    lines = _lines_without_ansi(b"".join(chunks).decode("utf-8", "replace").replace("\r", ""))
    assert proc.returncode == 0
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    assert any("columns 1-" in line for line in lines), "the table was folded"


def test_piped_into_head_on_a_terminal_fits_the_terminal(example_path):
    """``digitize fig.png | head``: standard output is a pipe, but the terminal (on
    standard error) is 72 columns wide, with no COLUMNS exported: the plain table fits it."""
    import fcntl
    import os
    import struct
    import subprocess
    import sys
    import termios

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 72, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    run = subprocess.run([sys.executable, "-m", "digitize", str(example_path)], stdout=subprocess.PIPE,
                         stderr=slave, env=env, timeout=60)
    os.close(slave)
    os.close(master)
    lines = run.stdout.decode().splitlines()
    assert run.returncode == 0 and "\x1b[" not in run.stdout.decode()
    assert max(len(line) for line in lines) <= 72 and any("columns 1-" in line for line in lines)


def test_piped_output_is_plain_and_unpadded(example_path):
    import os
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "digitize", str(example_path)], capture_output=True, text=True,
                         env=dict(os.environ, COLUMNS="80"), timeout=60).stdout
    lines = out.splitlines()
    assert "\x1b[" not in out and all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in lines) <= 80


def test_summary_csv_reads_well_in_pandas(example_path, tmp_path):
    import pandas as pd

    from digitize.batch import batch_app

    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(example_path), "-o", str(out), "--quiet", "--workers", "1"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out / "summary.csv")
    assert all(pd.api.types.is_numeric_dtype(df[c]) for c in ("x0", "y0", "x1", "y1", "rows", "cols"))
    assert df.loc[0, "heatmap"] == 1, "numbered from 1, as the terminal and Markdown do"
    assert (df["x1"] > df["x0"]).all() and (df["y1"] > df["y0"]).all()


def test_overlay_panels_are_titled_and_the_difference_has_a_scale(result, example_path):
    from PIL import Image

    from digitize.report.overlay import HEADER_HEIGHT, draw_overlay, overlay_layout

    img = draw_overlay(result, np.asarray(Image.open(example_path).convert("RGB")))
    w = Image.open(example_path).width
    layout = overlay_layout(w)
    assert [t["text"] for t in layout["titles"]] == ["found", "redrawn from the table", "difference"]
    assert layout["difference_scale"]["white"] > 0
    head = img[:HEADER_HEIGHT]
    for t in layout["titles"]:
        dark = (head[:, t["x0"]:t["x1"]].mean(axis=2) < 100).sum()
        assert dark > 30, f"the title {t['text']!r} is drawn"
    h = result.heatmaps[0]
    b = h.plot_box
    diff = img[HEADER_HEIGHT:HEADER_HEIGHT + img.shape[0], 2 * w:3 * w]
    assert diff[b.y0 + 5:b.y1 - 5, b.x0 + 5:b.x1 - 5].mean() < 40, "a right reading is dark in its plot"
    assert diff[2:10, 2:10].mean() > 150, "outside the plot is grey, not black"


def test_the_difference_panel_is_in_units_of_the_range(result, example_path):
    """A table off by a fifth of the colorbar's range shows white (10% of the range
    or more) in the difference panel; the right one stays dark."""
    from dataclasses import replace

    from PIL import Image

    from digitize.report.overlay import HEADER_HEIGHT, draw_overlay, overlay_layout

    image = np.asarray(Image.open(example_path).convert("RGB"))
    h = result.heatmaps[0]
    span = h.scale.vmax - h.scale.vmin
    values = np.clip(np.asarray(h.table.values) + 0.2 * span, h.scale.vmin, h.scale.vmax)
    off = replace(result, heatmaps=(replace(h, table=replace(h.table, values=values)),))
    w = image.shape[1]
    b = h.plot_box
    inner = (slice(HEADER_HEIGHT + b.y0 + 5, HEADER_HEIGHT + b.y1 - 5), slice(2 * w + b.x0 + 5, 2 * w + b.x1 - 5))
    right, wrong = draw_overlay(result, image)[inner], draw_overlay(off, image)[inner]
    assert overlay_layout(w)["difference_scale"]["unit"] == "share of the colorbar's range"
    moved = values != np.asarray(h.table.values)  # cells not clipped at the top
    assert moved.mean() > 0.5
    assert np.median(wrong) > 200 and np.median(right) < 40


def test_the_redrawn_panel_has_its_colorbar_and_labels(result, example_path):
    """The redrawn panel paints the colorbar from the colormap the cells were read
    on (it matches the figure's bar) and writes the labels read beside the cells."""
    from PIL import Image

    from digitize.report.overlay import HEADER_HEIGHT, draw_overlay

    image = np.asarray(Image.open(example_path).convert("RGB"))
    img = draw_overlay(result, image)
    w = image.shape[1]
    h = result.heatmaps[0]
    cb = h.colorbar.box
    panel = img[HEADER_HEIGHT:HEADER_HEIGHT + image.shape[0], w:2 * w]
    painted = panel[cb.y0 + 2:cb.y1 - 2, cb.x0 + 2:cb.x1 - 2].astype(int)
    figure = image[cb.y0 + 2:cb.y1 - 2, cb.x0 + 2:cb.x1 - 2].astype(int)
    assert np.abs(painted - figure).mean() < 12, "the bar redrawn from the colormap matches the figure's"
    b = h.plot_box
    left = panel[b.y0:b.y1, max(0, b.x0 - 40):b.x0 - 2]
    assert (left.mean(axis=2) < 120).sum() > 30, "the row labels are written beside the rows"


def test_the_tick_values_stand_beside_the_bar_not_over_it(result, example_path):
    """The overlay writes the tick values used beside the colorbar: inside the bar
    only the tick lines are drawn, its colours stay visible."""
    from PIL import Image

    from digitize.report.overlay import HEADER_HEIGHT, draw_overlay

    rgb = np.asarray(Image.open(example_path).convert("RGB"))
    ov = draw_overlay(result, rgb)
    cb = result.heatmaps[0].colorbar.box
    inner = ov[HEADER_HEIGHT + cb.y0 + 3:HEADER_HEIGHT + cb.y1 - 3, cb.x0 + 3:cb.x1 - 3].astype(int)
    orig = rgb[cb.y0 + 3:cb.y1 - 3, cb.x0 + 3:cb.x1 - 3].astype(int)
    ticks = [int(round(t.pixel)) - cb.y0 - 3 for t in result.heatmaps[0].scale.ticks if t.inlier]
    rows = [r for r in range(inner.shape[0]) if all(abs(r - k) > 1 for k in ticks)]
    assert np.abs(inner[rows] - orig[rows]).max() <= 2, "only the tick lines are drawn on the bar"
    left = ov[HEADER_HEIGHT + cb.y0:HEADER_HEIGHT + cb.y1, max(0, cb.x0 - 40):cb.x0 - 2]
    orange = (left[..., 0] > 200) & (left[..., 1] > 100) & (left[..., 1] < 180) & (left[..., 2] < 60)
    assert orange.sum() > 50, "the values are written beside the bar"
