"""Bad input (issue 6): each gets its documented exit code and one line, never a traceback.

The property-based part feeds random bytes, random small images and random crops of
a real figure to the library and the CLI: the only outcomes allowed are a result or
the project's own error, within a time bound. CI runs a short fuzz
(DIGITIZE_FUZZ_EXAMPLES, default 25 per property); run longer locally with
``DIGITIZE_FUZZ_EXAMPLES=500 python -m pytest tests/test_bad_input.py``.
"""
from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from digitize import DigitizeConfig, digitize
from digitize.cli import app
from digitize.errors import DigitizeError, ExitCode
from render import render_text_pdf

FUZZ = int(os.environ.get("DIGITIZE_FUZZ_EXAMPLES", "25"))
#: No single input may take longer than this (seconds) on CI's 2 cores.
TIME_BOUND = 20.0


def _cli(args):
    res = CliRunner().invoke(app, args)
    return res.exit_code, (res.stderr if hasattr(res, "stderr") else "") + res.output


def test_no_permission_to_read(tmp_path, example_path, monkeypatch):
    p = tmp_path / "locked.png"
    p.write_bytes(example_path.read_bytes())
    p.chmod(0)
    if os.access(p, os.R_OK):  # root reads anything: make the read fail as it would for a user
        real = Path.read_bytes

        def denied(self):
            if self == p:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    code, out = _cli([str(p)])
    assert code == ExitCode.INPUT and "permission" in out.lower() and "Traceback" not in out


def test_pdf_without_heatmap_via_cli(tmp_path):
    p = tmp_path / "notes.pdf"
    render_text_pdf(p)
    code, out = _cli([str(p)])
    assert code == ExitCode.NO_HEATMAP and "page" in out and "Traceback" not in out


def _line_chart(ax):
    x = np.linspace(0, 10, 100)
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cos(x), label="cos")
    ax.legend()


def _bar_chart(ax):
    ax.bar(["a", "b", "c", "d"], [3, 5, 2, 4], color=["C0", "C1", "C2", "C3"])


@pytest.mark.parametrize("draw", [_line_chart, _bar_chart], ids=["line-chart", "bar-chart"])
def test_other_charts_are_not_heatmaps(tmp_path, draw):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    draw(ax)
    p = tmp_path / "chart.png"
    fig.savefig(p)
    plt.close(fig)
    code, out = _cli([str(p)])
    assert code in (ExitCode.NO_HEATMAP, ExitCode.NO_COLORBAR), out


def test_colorbar_labels_that_cannot_be_read(tmp_path):
    """Labels blanked out: the answer is 'cannot read the scale', with --vmin/--vmax as the way out."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=100)
    im = ax.imshow(np.random.default_rng(0).random((6, 6)), cmap="viridis")
    cb = fig.colorbar(im, ax=ax)
    cb.set_ticks([])
    p = tmp_path / "nolabels.png"
    fig.savefig(p)
    plt.close(fig)
    code, out = _cli([str(p)])
    assert code == ExitCode.SCALE and "--vmin" in out
    code, out = _cli([str(p), "--vmin", "0", "--vmax", "1", "--format", "json"])
    assert code == 0


def _outcome_ok(src, config: DigitizeConfig | None = None) -> None:
    t0 = time.perf_counter()
    try:
        res = digitize(src, config=config)
        assert all(h.rows >= 1 and h.cols >= 1 for h in res.heatmaps)
    except DigitizeError as exc:
        assert int(exc.exit_code) in {int(c) for c in ExitCode}
        assert exc.one_line()
    assert time.perf_counter() - t0 < TIME_BOUND


_fuzz = settings(max_examples=FUZZ, deadline=None, suppress_health_check=list(HealthCheck))


@_fuzz
@given(st.binary(min_size=0, max_size=4096))
def test_fuzz_random_bytes(data):
    _outcome_ok(data)


@_fuzz
@given(st.binary(min_size=8, max_size=2048))
def test_fuzz_png_header_then_garbage(data):
    _outcome_ok(b"\x89PNG\r\n\x1a\n" + data)


@_fuzz
@given(st.integers(1, 64), st.integers(1, 64), st.integers(0, 2**32 - 1), st.sampled_from(["L", "RGB", "RGBA", "P"]))
def test_fuzz_small_images(w, h, seed, mode):
    from PIL import Image

    rng = np.random.default_rng(seed)
    arr = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
    img = Image.fromarray(arr, "RGBA").convert(mode)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    _outcome_ok(buf.getvalue())


@pytest.fixture(scope="module")
def example_rgb(example_path):
    from digitize.sources.imageio import load_image
    return load_image(example_path, max_pixels=10**8).rgb


@_fuzz
@given(st.floats(0, 0.9), st.floats(0, 0.9), st.floats(0.05, 1.0), st.floats(0.05, 1.0))
def test_fuzz_random_crops_of_a_real_figure(example_rgb, fx, fy, fw, fh):
    h, w = example_rgb.shape[:2]
    x0, y0 = int(fx * w), int(fy * h)
    x1, y1 = min(w, x0 + max(1, int(fw * w))), min(h, y0 + max(1, int(fh * h)))
    _outcome_ok(np.ascontiguousarray(example_rgb[y0:y1, x0:x1]))


@settings(max_examples=max(5, FUZZ // 5), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(min_size=0, max_size=512))
def test_fuzz_cli_never_prints_a_traceback(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("fz") / "x.png"
    p.write_bytes(data)
    code, out = _cli([str(p), "--format", "json"])
    assert code in {int(c) for c in ExitCode}
    assert "Traceback" not in out


# --- generators for the hostile classes of issue 19 ---------------------------

@settings(max_examples=max(5, FUZZ // 5), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1, 200_000), st.integers(1, 200_000), st.sampled_from([1, 8]),
       st.floats(1, 20_000), st.floats(1, 20_000), st.integers(1, 40), st.integers(0, 600))
@example(w=97003, h=100000, bits=1, page_w=5574.9, page_h=17030.8, draws=7, n_bytes=1)  # render took 20 s
def test_fuzz_hostile_pdfs(tmp_path_factory, w, h, bits, page_w, page_h, draws, n_bytes):
    """A PDF declaring any image size (up to 40 GP) in a few bytes, drawn any number
    of times on a page of any size: a result or our own error, in bounded time,
    with the pixel limit held (nothing is decoded or rendered past it: a page
    that draws an image over the limit is not rendered, pdfium would scale it
    whole; the example took 20 s)."""
    from pdfgen import image_pdf

    data = image_pdf(w, h, bytes(n_bytes), colorspace="/DeviceGray", bits=bits, page=(page_w, page_h),
                     draws=[(10 + k, 10 + k, 200, 150) for k in range(draws)])
    path = tmp_path_factory.mktemp("pdf") / "hostile.pdf"
    path.write_bytes(data)
    _outcome_ok(path, config=DigitizeConfig(max_pixels=4_000_000))


@_fuzz
@given(st.integers(1, 100_000), st.integers(1, 100_000), st.integers(0, 50_000_000), st.integers(1, 3000))
def test_fuzz_tiff_tables(w, h, strips, pages):
    """A TIFF claiming any size, any strip count and any number of pages: refused
    or read from its first page, never by parsing a table built to exhaust memory."""
    from tiffgen import tiff_bytes

    small = min(w * h, 4096)
    _outcome_ok(tiff_bytes(w, h, strips=strips, pages=pages, pixels=bytes(small)),
                config=DigitizeConfig(max_pixels=4_000_000))


@settings(max_examples=max(5, FUZZ // 5), deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1, 12), st.integers(2_000, 20_000), st.integers(1, 40), st.booleans(), st.integers(0, 2**32 - 1))
def test_fuzz_tall_strips(thin, long, cell, turned, seed):
    """Strips of cells one to twelve pixels thin and up to 20000 long, cells of 1
    to 40 pixels on a colormap, either way round: the grid search stays bounded."""
    from matplotlib import colormaps

    rng = np.random.default_rng(seed)
    values = np.repeat(rng.random(-(-long // cell)), cell)[:long]
    arr = np.repeat((colormaps["viridis"](values)[:, None, :3] * 255).astype(np.uint8), thin, axis=1)
    _outcome_ok(np.ascontiguousarray(arr.transpose(1, 0, 2) if turned else arr))


_HOSTILE_TEXT = st.lists(st.sampled_from(list("[]/=+-@<>&|\"'\x1b\x07\x00\r\n\t;:abc(){}") + [
    "[/b]", "[link=x]", "<script>", "=HYPERLINK(", "\x1b]8;;", "\x1b[31m"]), min_size=1, max_size=8).map("".join)


@_fuzz
@given(st.lists(_HOSTILE_TEXT, min_size=1, max_size=5), _HOSTILE_TEXT)
def test_fuzz_control_characters_and_markup_in_labels(example_result, labels, title):
    """Labels read from an image may hold anything: the terminal prints them as
    text (no markup, no escape sequences), CSV cells never start a formula,
    Markdown carries no raw HTML."""
    from dataclasses import replace

    from rich.console import Console

    from digitize.report.export import to_csv, to_markdown
    from digitize.report.terminal import render

    h = example_result.heatmaps[0]
    rows = list(h.axes.row_labels)
    rows[:len(labels)] = labels
    bad = replace(example_result, heatmaps=(replace(h, axes=replace(h.axes, row_labels=tuple(rows), title=title,
                                                                          y_label=labels[0])),))
    buf = io.StringIO()
    render(bad, Console(file=buf, width=300, force_terminal=True, color_system="truecolor"))
    out = buf.getvalue()
    assert "\x07" not in out and "\x00" not in out and "\x1b]8;" not in out
    for row in __import__("csv").reader(io.StringIO(to_csv(bad))):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r" or cell.startswith("'") or _number(cell), cell
    assert "<script>" not in to_markdown(bad)


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def example_result(example_path):
    return digitize(example_path)


def test_user_scale_config_is_validated():
    with pytest.raises(ValueError, match="together"):
        DigitizeConfig(vmin=0.0)
