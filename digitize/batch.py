"""``digitize batch INPUT... -o OUTDIR``: many figures, all cores or a cluster, never losing work.

Inputs are image files, PDFs, folders (recursive) and glob patterns. The work is
cut into jobs (one per image, one per PDF page). A job is computed by a worker
(a local process, or a Dask worker) that returns its outputs as bytes; only this
process writes, each file atomically, into OUTDIR/<name>/ (PDF pages into
OUTDIR/<name>/page-NNN/): result.json, table.csv and overlay(s). summary.csv and
summary.jsonl list every heatmap and every failure. A job whose result.json
exists is skipped on a re-run unless --force. Workers load the OCR model once.
index.html (``report.py``) shows every row with its overlay, for checking by eye.
"""
from __future__ import annotations

import contextlib
import csv
import glob
import hashlib
import io
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from .config import DEFAULT_JOB_TIMEOUT, DEFAULT_MAX_PAGES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_CONFIDENCE
from .errors import DigitizeError, ExitCode

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}
PDF_EXT = {".pdf"}
SVG_EXT = {".svg"}
#: The columns of summary.csv; heatmaps are numbered from 1 on each page (or image),
#: as in the terminal and Markdown; x0, y0, x1, y1 repeat ``position`` as numbers.
SUMMARY_FIELDS = ["source", "page", "heatmap", "position", "x0", "y0", "x1", "y1", "rows", "cols", "scale", "vmin",
                  "vmax", "colormap", "worst_residual", "confidence", "checks_failed", "status", "error", "output",
                  "overlay", "thumbnail", "read_from"]

batch_app = typer.Typer(add_completion=False, rich_markup_mode=None)


@dataclass(frozen=True)
class Job:
    """One unit of work: an image, or one page (0-based) of a PDF."""

    path: str
    page: int | None = None
    key: str = ""  # the input's content (size, mtime, hash): a changed input is redone


@dataclass
class JobResult:
    """What a worker sends back: summary rows and the files to write (name -> bytes)."""

    job: Job
    rows: list[dict]
    files: dict[str, bytes] = field(default_factory=dict)


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Files, folders (recursively) and glob patterns -> sorted unique paths.
    Paths are taken literally; only arguments containing * ? [ are globbed."""
    out: list[Path] = []
    for arg in inputs:
        p = Path(arg)
        if p.is_dir():
            out += [q for q in sorted(p.rglob("*"))
                    if q.is_file() and q.suffix.lower() in IMAGE_EXT | PDF_EXT | SVG_EXT]
        elif p.exists():
            out.append(p)
        elif any(c in arg for c in "*?["):
            out += [Path(q) for q in sorted(glob.glob(arg, recursive=True)) if Path(q).is_file()]
        else:
            out.append(p)  # reported as missing in the summary
    seen, uniq = set(), []
    for p in out:
        k = str(p.resolve()) if p.exists() else str(p)
        if k not in seen:
            seen.add(k)
            uniq.append(p)
    return uniq


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def make_jobs(paths: list[Path], max_pages: int = DEFAULT_MAX_PAGES) -> list[Job]:
    """One job per image; one per page of a PDF, up to ``max_pages`` (a PDF that
    cannot be opened is one job, which then fails with the reason)."""
    from .sources.pdf import is_pdf, page_count

    jobs = []
    for p in paths:
        if p.suffix.lower() in PDF_EXT or is_pdf(p):
            try:
                n = page_count(p)
            except DigitizeError:
                n = 0
            if n > max_pages:
                print(f"digitize batch: {p}: reading the first {max_pages} of its {n} pages (--max-pages)",
                      file=sys.stderr)
                n = max_pages
            jobs += [Job(str(p), i) for i in range(n)] if n else [Job(str(p), 0)]
        else:
            jobs.append(Job(str(p)))
    return jobs


def output_dir_for(src: Path, outdir: Path, page: int | None = None) -> Path:
    """A folder inside outdir unique per input path (and page); never outside outdir."""
    tag = hashlib.sha1(str(src.resolve() if src.exists() else src).encode()).hexdigest()[:8]
    name = f"{src.parent.name}_{src.stem}" if src.parent.name else src.stem  # case7/image -> case7_image
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[-60:] or "figure"
    folder = outdir / f"{safe}-{tag}"
    return folder / f"page-{page + 1:03d}" if page is not None else folder


def _rows_for(result, base: dict, positions=None) -> list[dict]:
    rows = []
    for k, h in enumerate(result.heatmaps):
        r = dict(base)
        r.update(heatmap=k + 1, rows=h.rows, cols=h.cols, scale=h.scale.kind, vmin=h.scale.vmin, vmax=h.scale.vmax,
                 colormap=h.colormap.name, worst_residual=round(float(h.table.residual.max()), 2),
                 confidence=h.confidence, checks_failed=",".join(h.failed_checks), read_from=h.read_from,
                 status="unread" if h.scale.source == "unknown" else "ok" if not h.warnings else "warning",
                 error="; ".join(h.warnings),
                 position=json.dumps(list(positions[k]) if positions else h.plot_box.as_list()),
                 **dict(zip(("x0", "y0", "x1", "y1"), list(positions[k]) if positions else h.plot_box.as_list())))
        rows.append(r)
    return rows


def _doubtful(row: dict, min_confidence: float) -> dict:
    """A heatmap read with less than ``min_confidence`` is marked doubtful."""
    try:
        low = row.get("status") in ("ok", "warning") and float(row.get("confidence")) < min_confidence
    except (TypeError, ValueError):
        low = False
    return dict(row, status="doubtful") if low else row


def _overlay_files(res, pixels, name: str, rows: list[dict]) -> dict:
    """The overlay ``name`` and, for each of ``rows`` (one per heatmap of ``res``),
    the thumbnail the report shows, as files; each row names its thumbnail."""
    from .report.overlay import draw_overlay, encode_png, thumbnail

    ov = draw_overlay(res, pixels)
    out = {name: encode_png(ov)}
    for r, h in zip(rows, res.heatmaps):
        r["thumbnail"] = f"thumb-{r['heatmap']}.png"
        out[r["thumbnail"]] = encode_png(thumbnail(ov, h))
    return out


class JobTimeout(DigitizeError):
    """A job that ran past its time budget (``--timeout``)."""


@contextlib.contextmanager
def _time_budget(seconds: float):
    """Raise JobTimeout in this job once it has run ``seconds`` (0: no budget). A
    timer signal, so only in a process's main thread (pool workers run their jobs
    there; a Dask worker's threads go without)."""
    import signal
    import threading

    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise JobTimeout(f"expected this input to be read within {seconds:g} s (--timeout); it took longer and "
                         f"was stopped", hint="give it alone a longer --timeout, or a lower --max-pixels")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def compute_job(job: Job, outdir: str = "", timeout: float = 0.0) -> JobResult:
    """Digitize one job within ``timeout`` seconds (0: no limit); returns rows and
    output files. Never raises, never writes (``outdir`` only names the folder in
    the rows)."""
    try:
        with _time_budget(timeout):
            return _compute_job(job, outdir)
    except JobTimeout as exc:  # raised between two statements of the job, or of its cleanup
        return _failed(job, exc.one_line())


def _failed(job: Job, error: str) -> JobResult:
    """A job that gave nothing but the reason it failed."""
    row = {k: "" for k in SUMMARY_FIELDS}
    row.update(source=job.path, page=job.page + 1 if job.page is not None else "", status="failed", error=error)
    return JobResult(job, [row])


def _compute_job(job: Job, outdir: str) -> JobResult:
    from .report import export

    base = {k: "" for k in SUMMARY_FIELDS}
    base.update(source=job.path, page=job.page + 1 if job.page is not None else "",
                output=str(output_dir_for(Path(job.path), Path(outdir), job.page)) if outdir else "")
    try:
        if job.page is not None:
            from .api import digitize_pdf_page

            unread: list = []
            found = digitize_pdf_page(job.path, job.page, unread=unread)
            unread_rows = [dict(base, status="unread", error=u.reason,
                                position=json.dumps(list(u.position)) if u.position else "") for u in unread]
            unread_docs = [{"page": u.page, "reason": u.reason, "position": list(u.position) if u.position else None}
                           for u in unread]
            if not found:
                rows = unread_rows or [dict(base, status="empty", error="no heatmap on this page")]
                return JobResult(job, rows, {"result.json": json.dumps({"source": job.path, "page": job.page + 1,
                                                                        "heatmaps": [], "unread": unread_docs,
                                                                        "summary_rows": rows,
                                                                        "input_key": job.key}).encode()})
            rows, files, docs = [], {}, []
            for k, page_result in enumerate(found):
                res = page_result.result
                new = [dict(r, heatmap=len(rows) + j + 1, overlay=f"overlay-{k + 1}.png")
                       for j, r in enumerate(_rows_for(res, base, page_result.positions))]
                docs.append(export.to_dict(res))
                files[f"table-{k + 1}.csv"] = export.to_csv(res).encode()
                files.update(_overlay_files(res, page_result.pixels(), f"overlay-{k + 1}.png", new))
                rows += new
            rows += [dict(r, heatmap=len(rows) + j + 1) for j, r in enumerate(unread_rows)]
            doc = {"source": job.path, "page": job.page + 1,
                   "heatmaps": [h for d in docs for h in d["heatmaps"]], "unread": unread_docs,
                   "warnings": [w for d in docs for w in d["warnings"]], "summary_rows": rows}
        else:
            from .api import digitize
            from .sources.imageio import load_image
            from .sources.svg import is_svg

            # an image, or an SVG read from its objects (its overlay on them, painted)
            res = digitize(job.path if is_svg(job.path) else load_image(job.path, max_pixels=DEFAULT_MAX_PIXELS))
            rows = [dict(r, overlay="overlay.png") for r in _rows_for(res, base)]
            files = {"table.csv": export.to_csv(res).encode(), **_overlay_files(res, res.picture, "overlay.png", rows)}
            doc = export.to_dict(res)
            doc["timings"] = {k: round(v, 4) for k, v in res.timings.items()}
            doc["source"] = job.path
            doc["summary_rows"] = rows
        doc["input_key"] = job.key
        files["result.json"] = json.dumps(doc, indent=1, ensure_ascii=False).encode()
        return JobResult(job, rows, files)
    except JobTimeout:
        raise
    except DigitizeError as exc:
        r = dict(base)
        r.update(status="failed", error=exc.one_line())
        return JobResult(job, [r])
    except Exception as exc:  # noqa: BLE001 - one bad figure must not stop the batch
        r = dict(base)
        r.update(status="failed", error=f"internal error: {type(exc).__name__}: {exc}")
        return JobResult(job, [r])


def write_job(result: JobResult, outdir: Path) -> None:
    """Write a job's files atomically; result.json last (it marks the job done)."""
    from .report.export import write_atomic

    if not result.files:
        return
    folder = output_dir_for(Path(result.job.path), outdir, result.job.page)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in result.files.items():
        if name != "result.json":
            write_atomic(folder / name, data)
    write_atomic(folder / "result.json", result.files["result.json"])


def input_key(path: Path) -> str:
    """The input's content as a key: size, modification time and a hash of its
    bytes (a replaced or corrupted input has a new key). '' when unreadable."""
    import stat

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return ""  # a pipe or a device is never read here (the job refuses it)
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        return f"{st.st_size}:{st.st_mtime_ns}:{h.hexdigest()[:32]}"
    except OSError:
        return ""


def done_rows(job: Job, outdir: Path) -> list[dict] | None:
    """The rows of a job already done (its result.json exists, for the same input
    content), else None."""
    done = output_dir_for(Path(job.path), outdir, job.page) / "result.json"
    if not done.exists():
        return None
    try:
        doc = json.loads(done.read_text())
    except (OSError, ValueError):
        return None
    if not job.key or doc.get("input_key") != job.key:
        return None  # the input changed since (or was never keyed): redo it
    return doc.get("summary_rows")


def summary_rows(jobs: list[Job], rows_by_job: dict[Job, list[dict]]) -> list[dict]:
    """Rows in input order. Empty pages are left out, but a PDF with no heatmap on any
    page is one failed row."""
    out: list[dict] = []
    by_path: dict[str, list[Job]] = {}
    for j in jobs:
        by_path.setdefault(j.path, []).append(j)
    for path, pjobs in by_path.items():
        rows = [r for j in pjobs for r in rows_by_job.get(j, [])]
        kept = [r for r in rows if r.get("status") != "empty"]
        if not kept and rows:
            kept = [dict(rows[0], page="", status="failed",
                         error=f"expected a heatmap in this PDF; found none on its {len(pjobs)} page(s)")]
        out += kept
    return out


def _record(row: dict) -> dict:
    """A summary row with exactly the summary's fields, in order."""
    return {k: row.get(k, "") for k in SUMMARY_FIELDS}


def disk_rows(outdir: Path, jobs: list[Job]) -> list[dict]:
    """The rows of every input done earlier into ``outdir`` (by another or a former
    run) that is not among ``jobs``: the summary covers the folder, not the run."""
    mine = {(j.path, str(j.page + 1) if j.page is not None else "") for j in jobs}
    out = []
    for f in sorted(outdir.rglob("result.json")):
        try:
            rows = json.loads(f.read_text()).get("summary_rows") or []
        except (OSError, ValueError):
            continue
        out += [r for r in rows if r.get("status") != "empty"
                and (r.get("source"), str(r.get("page", ""))) not in mine]
    return out


#: Temporary files of atomic writes older than this (seconds) were left by a run
#: that was killed; younger ones may be another run's, being written.
STALE_TMP_SECONDS = 600


def sweep_stale_tmp(outdir: Path) -> None:
    now = time.time()
    for f in outdir.rglob(".*.tmp"):
        try:
            if now - f.stat().st_mtime > STALE_TMP_SECONDS:
                f.unlink()
        except OSError:
            pass


class _locked:
    """An exclusive lock on ``outdir/.lock`` (flock; a no-op where there is none)."""

    def __init__(self, outdir: Path):
        self.path = outdir / ".lock"

    def __enter__(self):
        self.fh = open(self.path, "a")
        try:
            import fcntl
            fcntl.flock(self.fh, fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass
        return self

    def __exit__(self, *exc):
        self.fh.close()  # closing releases the lock


def write_summary(rows: list[dict], outdir: Path) -> None:
    """summary.csv (text cells safe for spreadsheets, see ``csv_safe``) and summary.jsonl."""
    from .report.export import csv_safe, write_atomic

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=SUMMARY_FIELDS, lineterminator="\n")
    w.writeheader()
    w.writerows({k: (csv_safe(v) if isinstance(v, str) else v) for k, v in _record(r).items()} for r in rows)
    write_atomic(outdir / "summary.csv", buf.getvalue())
    write_atomic(outdir / "summary.jsonl", "".join(json.dumps(_record(r)) + "\n" for r in rows))


def _init_worker(threads: int) -> None:
    """Each worker process: one set of OCR models, and ``threads`` threads for
    onnxruntime and the lookup core (1 when the cores are already shared out
    between workers: more only oversubscribes them). 0: all cores. (OpenCV's
    thread count is left alone: changing it in a forked worker can hang on the
    parent's pool.)"""
    from .api import configure_threads

    if threads == 1:  # a pool worker (not the main process): it dies with its parent
        _die_with_parent()
    configure_threads(threads)


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent dies (kill -9 of the batch
    leaves no workers behind); elsewhere nothing is done."""
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # it died while this worker was starting, before the wish was made


#: What a pool worker's numeric libraries are told when the user has not said:
#: one thread each. The cores are already shared out between the workers, and the
#: thread pools of OpenBLAS, OpenMP and OpenCV in every worker only oversubscribed
#: them (a batch of four papers on 2 cores: 40 s of wall time against 34).
#: And glibc's malloc keeps freed blocks up to 64 MiB for the next page rather than
#: handing them back and faulting them in again (a tenth of the workers' time went
#: to the kernel; half of it is saved).
WORKER_ENV = {**{k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                   "OPENCV_FOR_THREADS_NUM")},
              "MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(256 << 20)}


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of fresh worker processes ("spawn": the libraries and malloc read
    WORKER_ENV when loaded, and a forked worker inherits the parent's loaded ones)."""
    import multiprocessing

    unset = [k for k in WORKER_ENV if k not in os.environ]
    os.environ.update({k: WORKER_ENV[k] for k in unset})  # seen by the workers started in the block
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=(1,)) as pool:
            yield pool
    finally:
        for k in unset:
            os.environ.pop(k, None)


def run_local(jobs: list[Job], workers: int, outdir: str, timeout: float = 0.0) -> Iterator[JobResult]:
    if workers <= 1:
        _init_worker(0)
        for j in jobs:
            yield compute_job(j, outdir, timeout)
        return
    # a worker killed from outside (the OOM killer) breaks the pool and every job it
    # still held; which job killed it is unknown, so those jobs are run again one at
    # a time, each in a fresh process: only the culprit fails, with the reason
    broken: list[Job] = []
    with _pool(workers) as pool:
        futs = {pool.submit(compute_job, j, outdir, timeout): j for j in jobs}
        for fut in as_completed(futs):
            try:
                yield fut.result()
            except BrokenProcessPool:
                broken.append(futs[fut])
    for j in broken:
        yield from _run_alone(j, outdir, timeout)


def _run_alone(job: Job, outdir: str, timeout: float = 0.0) -> Iterator[JobResult]:
    with _pool(1) as pool:
        try:
            yield pool.submit(compute_job, job, outdir, timeout).result()
        except BrokenProcessPool:
            yield _failed(job, "the worker reading this input died (killed, or out of memory); "
                               "try it alone, or with a lower --max-pixels")


def run_dask(jobs: list[Job], scheduler: str, workers: int, outdir: str, timeout: float = 0.0) -> Iterator[JobResult]:
    """The same jobs on a Dask distributed cluster (``scheduler`` is its address, or
    "local" for a cluster on this machine); results stream back as they finish.
    Workers must see the input paths (a shared file system)."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise DigitizeError("the dask executor needs dask.distributed; install it with "
                            "`pip install 'heatmap-digitize[dask]'`") from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        client.run(_init_worker, 1)
        futs = client.map(compute_job, jobs, outdir=outdir, timeout=timeout, pure=False)
        for fut in dask_completed(futs):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    """Counts of done, failed and remaining and the rate, on stderr when it is a terminal."""

    def __init__(self, total: int, show: bool):
        self.total, self.done, self.failed = total, 0, 0
        self.t0 = time.perf_counter()
        self._bar = None
        if show:
            from rich.progress import (
                BarColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.completed}/{task.total}"),
                                 TextColumn("{task.fields[status]}"), TimeRemainingColumn(), transient=True)
            self._task = self._bar.add_task("digitize", total=total, status="")
            self._bar.start()

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += failed
        if self._bar is not None:
            rate = self.done / max(time.perf_counter() - self.t0, 1e-9)
            self._bar.update(self._task, completed=self.done,
                             status=f"{self.failed} failed, {self.total - self.done} remaining, {rate:.2f}/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@batch_app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="image files, PDFs, SVGs, folders or glob patterns")],
    *,
    outdir: Annotated[Path, typer.Option("--output", "-o", help="output folder")],
    workers: Annotated[int, typer.Option(help="processes (default: all cores)")] = 0,
    force: Annotated[bool, typer.Option(help="redo figures already done")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress output")] = False,
    jsonl: Annotated[bool, typer.Option(help="print one JSON line per finished heatmap or failure")] = False,
    executor: Annotated[str, typer.Option(help="local (processes) or dask")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(
        help="with --executor dask: the scheduler address (tcp://host:8786), or 'local'")] = None,
    min_confidence: Annotated[float, typer.Option(
        help="heatmaps read with a lower confidence are marked 'doubtful' (listed first)")] = DEFAULT_MIN_CONFIDENCE,
    max_pages: Annotated[int, typer.Option(help="read each PDF up to this many pages")] = DEFAULT_MAX_PAGES,
    timeout: Annotated[float, typer.Option(help="seconds an image or a PDF page may take before it is stopped "
                                                "and recorded as failed (0: no limit)")] = DEFAULT_JOB_TIMEOUT,
) -> None:
    """Digitize many figures into OUTDIR, with a summary table."""
    if executor not in ("local", "dask"):
        typer.echo(f"digitize batch: error: --executor must be local or dask; got {executor!r}", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    if executor == "dask" and not scheduler:
        typer.echo("digitize batch: error: --executor dask needs --scheduler ADDRESS (or 'local')", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    out_root = outdir.resolve()
    files = [f for f in expand_inputs(inputs) if not _inside(f, out_root)]  # never read our own outputs back
    if not files:
        typer.echo("digitize batch: error: no input files found (expected images, PDFs or folders)", err=True)
        raise typer.Exit(int(ExitCode.INPUT))
    if outdir.exists() and not outdir.is_dir():
        typer.echo(f"digitize batch: error: -o {outdir} is a file; expected an output folder", err=True)
        raise typer.Exit(int(ExitCode.OUTPUT))
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        probe = outdir / f".digitize-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        typer.echo(f"digitize batch: error: cannot write to {outdir}: {exc.strerror or exc} "
                   f"(give an output folder you can write to)", err=True)
        raise typer.Exit(int(ExitCode.OUTPUT))
    sweep_stale_tmp(outdir)
    keys = {str(f): input_key(f) for f in files}
    jobs = [replace(j, key=keys.get(j.path, "")) for j in make_jobs(files, max_pages=max_pages)]
    n = workers or os.cpu_count() or 1
    rows_by_job: dict[Job, list[dict]] = {}
    todo = []
    for j in jobs:
        prev = None if force else done_rows(j, outdir)
        if prev is not None:
            rows_by_job[j] = prev
        else:
            todo.append(j)
    progress = _Progress(len(todo), show=not quiet and not jsonl and sys.stderr.isatty())
    try:
        results = (run_dask(todo, scheduler, n, str(outdir), timeout) if executor == "dask"
                   else run_local(todo, min(n, len(todo) or 1), str(outdir), timeout))
        for res in results:
            write_job(res, outdir)
            rows_by_job[res.job] = res.rows
            progress.update(any(r["status"] == "failed" for r in res.rows))
            if jsonl:
                for r in res.rows:
                    sys.stdout.write(json.dumps(_record(r)) + "\n")
                sys.stdout.flush()
    finally:
        progress.close()
        with _locked(outdir):  # two runs into one folder: one writes the summary at a time
            mine = summary_rows(jobs, rows_by_job)
            rows = [_doubtful(r, min_confidence) for r in mine + disk_rows(outdir, jobs)]
            write_summary(rows, outdir)
            from .report.html import write_index
            write_index(rows, outdir)
    failed_inputs = {r["source"] for r in rows if r["status"] == "failed"}
    if not quiet and not jsonl:
        typer.echo(f"{len(files)} inputs ({len(jobs)} jobs, {len(todo)} run now), {len(failed_inputs)} failed; "
                   f"summary in {outdir / 'summary.csv'}")
    if len(failed_inputs) == len(files):
        raise typer.Exit(int(ExitCode.INPUT))
    if failed_inputs:
        raise typer.Exit(int(ExitCode.PARTIAL))
