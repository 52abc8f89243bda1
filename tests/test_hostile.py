"""Hostile and careless input (issue 19, items 1, 3, 5, 7, 8): bounded reads and
renders, pipes and devices refused, one analysis per distinct image, a batch
that never reads its own outputs back and redoes what changed. Memory is held
to 2 GB (RLIMIT_AS) in a subprocess where a test can measure it."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from digitize import digitize
from digitize.batch import batch_app
from digitize.cli import app
from digitize.config import DigitizeConfig
from digitize.errors import InputError
from digitize.sources.pdf import page_pictures
from pdfgen import image_pdf, zeros_flate
from tiffgen import tiff_bytes

TESTS = Path(__file__).resolve().parent


def _run_capped(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Python ``code`` in a subprocess held to 2 GB of address space."""
    prelude = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {str(TESTS)!r})
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "figure.png"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        digitize(fifo)
    res = subprocess.run([sys.executable, "-m", "digitize", "batch", str(fifo), "-o", str(tmp_path / "out"),
                          "--quiet", "--workers", "1"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 3
    rows = list(csv.DictReader((tmp_path / "out" / "summary.csv").open()))
    assert rows[0]["status"] == "failed" and "regular file" in rows[0]["error"]


def test_devices_and_oversized_files_are_refused_before_reading(tmp_path):
    with pytest.raises(InputError, match="not a regular file"):
        digitize("/dev/zero")
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(5000))
    with pytest.raises(InputError, match="over the limit of 1000"):
        digitize(big, config=DigitizeConfig(max_bytes=1000))


def test_stdin_is_read_up_to_the_limit_only(example_path):
    res = CliRunner().invoke(app, ["-", "--max-bytes", "100"], input=example_path.read_bytes())
    assert res.exit_code == 3 and "more than 100 bytes" in res.output


def test_a_huge_page_is_rendered_to_fit_the_pixel_limit(tmp_path):
    """A 100 x 100 inch page would be 400 MP at 200 dpi: it is rendered at the
    resolution that fits, with a warning, and the process stays under 2 GB."""
    rgb = np.full((100, 100, 3), 200, np.uint8)
    path = tmp_path / "huge.pdf"
    path.write_bytes(image_pdf(100, 100, rgb.tobytes(), page=(7200.0, 7200.0), draws=[(0, 0, 7200, 7200)],
                               rule=True))
    pics = page_pictures(path, 0, max_pixels=4_000_000)
    page = pics[-1]
    assert page.rgb.shape[0] * page.rgb.shape[1] <= 4_000_000
    assert any("rendered at" in w for w in page.warnings)
    res = _run_capped(f"""
        from digitize import digitize
        from digitize.errors import DigitizeError
        try:
            digitize({str(path)!r})
        except DigitizeError as exc:
            print("refused:", exc)
        print("done")
    """)
    assert res.returncode == 0 and "done" in res.stdout, res.stderr[-2000:]


def test_an_embedded_image_over_the_limit_is_skipped_before_decoding(tmp_path):
    """A 20000 x 20000 1-bit image in a small PDF (its pixels would take 1.2 GB
    as RGB) is skipped by its declared size, with a warning."""
    n = 20000
    path = tmp_path / "bomb.pdf"
    path.write_bytes(image_pdf(n, n, zeros_flate(n * n // 8), colorspace="/DeviceGray", bits=1, compressed=True))
    assert path.stat().st_size < 200_000
    res = _run_capped(f"""
        from digitize.sources.pdf import page_pictures
        pics = page_pictures({str(path)!r}, 0, max_pixels=100_000_000)
        print([p.kind for p in pics], pics[-1].warnings)
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "['page']" in res.stdout and "skipped an embedded image of 20000x20000" in res.stdout


def test_one_image_drawn_many_times_is_analysed_once(tmp_path):
    rgb = np.random.default_rng(0).integers(0, 255, (120, 120, 3), dtype=np.uint8)
    draws = [(10 + 20 * (k % 25), 10 + 20 * (k // 25), 18, 18) for k in range(500)]
    path = tmp_path / "repeat.pdf"
    path.write_bytes(image_pdf(120, 120, rgb.tobytes(), draws=draws))
    kinds = [p.kind for p in page_pictures(path, 0)]
    assert kinds == ["embedded", "page"]


def test_a_page_of_pasted_figures_is_not_rendered_again(tmp_path):
    """A page holding an image and nothing drawn (a scanned figure and its
    caption) is read from the image alone: its render shows nothing more. A page
    with vector drawing over the image (axes, ticks) is rendered as well."""
    rgb = np.random.default_rng(0).integers(0, 255, (120, 120, 3), dtype=np.uint8)
    pasted, drawn = tmp_path / "pasted.pdf", tmp_path / "drawn.pdf"
    pasted.write_bytes(image_pdf(120, 120, rgb.tobytes()))
    drawn.write_bytes(image_pdf(120, 120, rgb.tobytes(), rule=True))
    assert [p.kind for p in page_pictures(pasted, 0)] == ["embedded"]
    assert [p.kind for p in page_pictures(drawn, 0)] == ["embedded", "page"]


def _figure(tmp: Path, name: str, rows: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 4), dpi=80)
    values = np.random.default_rng(rows).uniform(0, 1, (rows, 5))
    im = ax.imshow(values, cmap="viridis", vmin=0, vmax=1)
    fig.colorbar(im, ax=ax)
    path = tmp / name
    fig.savefig(path)
    plt.close(fig)
    return path


def test_batch_never_reads_its_own_outputs_and_redoes_changed_inputs(tmp_path):
    figs = tmp_path / "figs"
    figs.mkdir()
    fig = _figure(figs, "a.png", 4)
    out = figs / "out"  # the output folder inside the input folder

    def run() -> list[dict]:
        res = CliRunner().invoke(batch_app, [str(figs), "-o", str(out), "--workers", "1", "--quiet"])
        assert res.exit_code == 0, res.output
        return list(csv.DictReader((out / "summary.csv").open()))

    first = run()
    assert len(first) == 1 and first[0]["rows"] == "4"
    assert len(run()) == 1, "the overlays and tables written into out/ are not inputs"
    _figure(figs, "a.png", 6)  # the same path, new content
    os.utime(fig, ns=(fig.stat().st_atime_ns, fig.stat().st_mtime_ns + 10**9))
    again = run()
    assert len(again) == 1 and again[0]["rows"] == "6", "a changed input is read again"


def _killer(job, outdir="", timeout=0.0):
    """compute_job, but the worker dies (as under the OOM killer) on 'b.png'. It
    reaches a worker by name; there (a fresh process) batch.compute_job is the real one."""
    from digitize import batch

    if job.path.endswith("b.png"):
        os._exit(137)
    return getattr(batch, "_real_compute_job", batch.compute_job)(job, outdir, timeout)


def test_a_dead_worker_fails_its_job_and_the_batch_goes_on(tmp_path, monkeypatch):
    from digitize import batch

    figs = tmp_path / "figs"
    figs.mkdir()
    for name, rows in (("a.png", 4), ("b.png", 5), ("c.png", 6)):
        _figure(figs, name, rows)
    monkeypatch.setattr(batch, "_real_compute_job", batch.compute_job, raising=False)
    monkeypatch.setattr(batch, "compute_job", _killer)
    out = tmp_path / "out"
    res = CliRunner().invoke(batch_app, [str(figs), "-o", str(out), "--workers", "2", "--quiet"])
    assert res.exit_code == 9, res.output  # some inputs failed
    rows = {Path(r["source"]).name: r for r in csv.DictReader((out / "summary.csv").open())}
    assert rows["b.png"]["status"] == "failed" and "worker" in rows["b.png"]["error"]
    assert rows["a.png"]["rows"] == "4" and rows["c.png"]["rows"] == "6", "the other jobs were done"


def test_outputs_take_the_umask_and_keep_an_existing_mode(tmp_path):
    from digitize.report.export import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.csv", "x")
        assert (tmp_path / "new.csv").stat().st_mode & 0o777 == 0o644
        (tmp_path / "kept.csv").write_text("y")
        os.chmod(tmp_path / "kept.csv", 0o640)
        write_atomic(tmp_path / "kept.csv", "z")
        assert (tmp_path / "kept.csv").stat().st_mode & 0o777 == 0o640
        assert (tmp_path / "kept.csv").read_text() == "z"
    finally:
        os.umask(old)


def test_a_tall_strip_is_read_in_bounded_memory():
    """8 columns of 6000 3-px rows (18000 px tall): the grid search lays out a
    bounded set of counts, not every count (which took 8 GB at 30000 px)."""
    res = _run_capped("""
        import numpy as np
        from matplotlib import cm
        from digitize import digitize
        v = np.random.default_rng(0).uniform(0, 1, (6000, 8))
        img = np.repeat(np.repeat((cm.viridis(v)[..., :3] * 255).astype(np.uint8), 3, axis=0), 12, axis=1)
        page = np.full((img.shape[0] + 40, img.shape[1] + 40, 3), 255, np.uint8)
        page[20:-20, 20:-20] = img
        h = digitize(page).heatmaps[0]
        print(h.rows, h.cols, float(np.abs(h.table.values - v).mean()))
    """, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    rows, cols, err = res.stdout.split()
    assert (int(rows), int(cols)) == (6000, 8) and float(err) < 0.01


def test_other_formats_are_refused_by_their_first_bytes(tmp_path):
    """An EPS named .png is not handed to Ghostscript: only the promised formats
    are decoded, recognised by their magic bytes."""
    eps = tmp_path / "figure.png"
    eps.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 100 100\n" + b" " * 200)
    with pytest.raises(InputError, match="not an image format"):
        digitize(eps)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_end_when_the_batch_is_killed(tmp_path):
    import signal
    import time

    figs = tmp_path / "figs"
    figs.mkdir()
    for k in range(12):
        _figure(figs, f"f{k}.png", 4 + k % 3)
    proc = subprocess.Popen([sys.executable, "-m", "digitize", "batch", str(figs), "-o", str(tmp_path / "out"),
                             "--workers", "2", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.time() + 60
    while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = _children(proc.pid)
        time.sleep(0.1)
    assert len(workers) >= 2, "the pool started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 20
    alive = workers
    while time.time() < deadline and alive:
        alive = [w for w in workers if Path(f"/proc/{w}").exists()
                 and "Z" not in Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]]
        time.sleep(0.2)
    left = [Path(f"/proc/{w}/cmdline").read_bytes()[:120] for w in alive if Path(f"/proc/{w}").exists()]
    assert not alive, f"workers left behind: {alive} {left}"


def test_summary_keeps_the_rows_of_earlier_runs_into_the_same_folder(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    _figure(one, "a.png", 4)
    _figure(two, "b.png", 5)
    stale = tmp_path / "out" / "x" / ".table.csv.123.tmp"
    stale.parent.mkdir(parents=True)
    stale.write_text("half")
    os.utime(stale, (1, 1))
    out = tmp_path / "out"
    for folder in (one, two):
        res = CliRunner().invoke(batch_app, [str(folder), "-o", str(out), "--workers", "1", "--quiet"])
        assert res.exit_code == 0, res.output
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert sorted(Path(r["source"]).name for r in rows) == ["a.png", "b.png"], "both runs' rows"
    jsonl = [line for line in (out / "summary.jsonl").read_text().splitlines() if line]
    assert len(jsonl) == len(rows), "csv and jsonl agree"
    assert not stale.exists(), "a stale temporary file is swept"


def test_a_truncated_jpeg_declaring_a_huge_size_is_refused_at_once(tmp_path):
    """A few hundred bytes of JPEG whose header declares 9000 x 9000 pixels."""
    import io as _io
    import time

    from PIL import Image

    buf = _io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buf, format="JPEG")
    data = bytearray(buf.getvalue())
    sof = data.find(b"\xff\xc0")
    data[sof + 5:sof + 9] = (9000).to_bytes(2, "big") + (9000).to_bytes(2, "big")
    path = tmp_path / "bomb.jpg"
    path.write_bytes(bytes(data[: len(data) // 2]))
    t0 = time.perf_counter()
    with pytest.raises(InputError, match="truncated"):
        digitize(path)
    assert time.perf_counter() - t0 < 10


def test_an_image_between_pillows_limit_and_ours_is_no_bomb():
    """Pillow warns past its own limit (89.5 MP); ours stands for it through the
    whole decode (exif_transpose included): with Pillow's limit set far below an
    image under ours, the image still decodes, and Pillow's limit is restored."""
    from PIL import Image

    from digitize.sources.imageio import load_image

    old = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = 1000  # Pillow's own limit, far below the image
        img = load_image(np.full((60, 60, 3), 255, np.uint8), max_pixels=10_000)
        assert img.rgb.shape == (60, 60, 3)
        import io as _io
        buf = _io.BytesIO()
        Image.new("RGB", (60, 60), "white").save(buf, format="PNG")
        assert load_image(buf.getvalue(), max_pixels=10_000).rgb.shape == (60, 60, 3)
        assert Image.MAX_IMAGE_PIXELS == 1000, "Pillow's limit is restored"
    finally:
        Image.MAX_IMAGE_PIXELS = old


def test_a_tiff_claiming_millions_of_strips_is_refused_before_pillow_reads_it(monkeypatch):
    """12.5 million strips for a 100 x 100 page: Pillow would parse the whole strip
    table first (a minute, 4 GB); the table's count is checked from the bytes."""
    import PIL.Image

    from digitize.sources.imageio import load_image

    ok = load_image(tiff_bytes(100, 100), max_pixels=10**6)
    assert ok.rgb.shape == (100, 100, 3)

    def never(*a, **k):
        raise AssertionError("Pillow opened a TIFF the layout check should have refused")

    monkeypatch.setattr(PIL.Image, "open", never)
    with pytest.raises(InputError, match="12,500,000 strips"):
        load_image(tiff_bytes(100, 100, strips=12_500_000), max_pixels=10**6)
    import struct
    with pytest.raises(InputError, match="60,000 entries"):  # a directory far longer than any page's
        load_image(b"II*\x00" + struct.pack("<IH", 8, 60_000) + bytes(64), max_pixels=10**6)
    from digitize.errors import ImageTooLargeError
    with pytest.raises(ImageTooLargeError):
        load_image(tiff_bytes(30000, 30000, pixels=bytes(64)), max_pixels=10**6)  # its size from the directory


def test_a_tiff_of_a_hundred_thousand_pages_is_counted_up_to_a_bound(monkeypatch):
    """Pillow counts pages by visiting each (slower and slower); they are counted
    from the directories' links, up to 1000, and only the first page is decoded."""
    from PIL import TiffImagePlugin

    from digitize.sources.imageio import load_image

    visits = []
    seek = TiffImagePlugin.TiffImageFile._seek
    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "_seek",
                        lambda self, frame: (visits.append(frame), seek(self, frame))[1])
    img = load_image(tiff_bytes(8, 8, pages=100_000), max_pixels=10**6)
    assert img.rgb.shape == (8, 8, 3)
    assert any("more than 1000 frames" in w for w in img.warnings), img.warnings
    assert max(visits, default=0) <= 1, "no page past the first visited"


def test_a_job_past_its_time_budget_fails_alone_and_the_batch_goes_on(tmp_path, example_path, monkeypatch):
    """--timeout: an input that takes longer is stopped and recorded as failed with
    the reason; the next input is read as usual."""
    import shutil
    import time

    import digitize.api as api

    slow, fast = tmp_path / "in" / "slow.png", tmp_path / "in" / "fast.png"
    slow.parent.mkdir()
    shutil.copy(example_path, slow)
    shutil.copy(example_path, fast)
    real = api.digitize

    def digitize_slowly(src, **kw):
        if "slow" in str(getattr(src, "source", src)):
            time.sleep(30)
        return real(src, **kw)

    monkeypatch.setattr(api, "digitize", digitize_slowly)
    res = CliRunner().invoke(batch_app, [str(slow.parent), "-o", str(tmp_path / "out"), "--workers", "1",
                                         "--quiet", "--timeout", "4"])
    assert res.exit_code == 9, res.output
    rows = {Path(r["source"]).name: r for r in csv.DictReader(open(tmp_path / "out" / "summary.csv"))}
    assert rows["slow.png"]["status"] == "failed" and "--timeout" in rows["slow.png"]["error"]
    assert rows["fast.png"]["status"] in ("ok", "warning") and rows["fast.png"]["rows"] == "10"


def test_a_real_strip_table_of_millions_is_refused_in_bounded_memory(tmp_path):
    """The whole 50 MB table present (12.5 million strips for 100 x 100 pixels):
    refused from its count, under 2 GB of address space (Pillow parsing it took a
    minute and 3.8 GB)."""
    path = tmp_path / "strips.tif"
    path.write_bytes(tiff_bytes(100, 100, strips=12_500_000, pixels=bytes(50_000_000)))
    res = _run_capped(f"""
        from digitize import digitize
        from digitize.errors import InputError
        try:
            digitize({str(path)!r})
        except InputError as exc:
            print("refused:", exc.one_line())
    """)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "refused:" in res.stdout and "12,500,000 strips" in res.stdout


@pytest.mark.parametrize("attr,value", [("width", "1e999"), ("x", "1e308"), ("height", "."),
                                        ("transform", "scale(1e999)"), ("width", "nan"), ("d", "M 1e999 0 L 5 5 Z")])
def test_svg_numbers_past_range_are_input_not_crashes(attr, value, tmp_path):
    """An SVG whose numbers overflow or do not parse ('1e999', '.', 'nan') gives a
    reading or an error that says what was expected, never a crash."""
    from digitize.errors import DigitizeError

    here = Path(__file__).resolve().parent.parent / "fixtures" / "vector" / "plotly_heatmap.svg"
    text = here.read_text()
    k = 0
    for _ in range(3):  # spoil the first few of that attribute, the root's among them
        k = text.find(f' {attr}="', k + 1)
        if k < 0:
            break
        end = text.index('"', k + len(attr) + 3)
        text = text[:k + len(attr) + 3] + value + text[end:]
    path = tmp_path / "bad.svg"
    path.write_text(text)
    try:
        res = digitize(path)
    except DigitizeError as exc:
        assert "expected" in str(exc)
    else:
        for h in res.heatmaps:
            assert np.all(np.isfinite(h.points))


def _worker_threads():
    import cv2

    return os.getenv("OMP_NUM_THREADS"), os.getenv("MKL_NUM_THREADS"), cv2.getNumThreads()


def test_pool_workers_run_one_thread_each_unless_told(monkeypatch):
    """Workers are fresh processes told to keep their numeric libraries to one
    thread each (the cores are shared out between them already); a thread count
    the user set stands, and the batch's own process is left as it was."""
    from digitize import batch

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("OPENCV_FOR_THREADS_NUM", raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")
    with batch._pool(1) as pool:
        omp, mkl, cv_threads = pool.submit(_worker_threads).result(timeout=120)
    assert (omp, mkl, cv_threads) == ("1", "3", 1)
    assert "OMP_NUM_THREADS" not in os.environ and os.environ["MKL_NUM_THREADS"] == "3"


def test_tick_marks_beside_a_box_running_off_the_picture_are_sought_on_its_part_on_it():
    """A grid grown a pixel past its picture (a figure's panel touching the image's
    top and right edges, in a real paper) gave a plot box off the picture, and the
    search for its axis tick marks failed the whole page with an internal error.
    The marks are sought along the part of the box that is on the picture, and
    found where they stand."""
    from digitize.model import Box, ColorbarRegion
    from digitize.raster.marks import find_tick_marks

    fg = np.zeros((480, 620), bool)
    fg[100:102, 400:410] = True  # two tick marks left of the box
    fg[300:302, 400:410] = True
    for box in (Box(410, -1, 621, 480), Box(410, 0, 620, 481), Box(410, 0, 620, 480)):
        marks, _, length = find_tick_marks(fg, ColorbarRegion(box, "vertical"), "left")
        assert [round(float(m)) for m in marks] == [101, 301] and length == 10, box
        turned, _, _ = find_tick_marks(fg.T.copy(), ColorbarRegion(Box(box.y0, box.x0, box.y1, box.x1),
                                                                  "horizontal"), "top")
        assert [round(float(m)) for m in turned] == [101, 301], box
