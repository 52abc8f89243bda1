#!/usr/bin/env python3
"""Pages per second over real papers, and where one process spends the time.

    python benchmarks/bench_pages.py [PDF ...]   (default: ../shared/bench/papers/pdf/*.pdf)

Runs ``digitize batch`` over the PDFs on all cores (wall time, and the CPU time
of the workers), then reads every page once more in this process, one thread,
summing the time of each stage of the raster recipe, the object reader and the
page's pictures. Machines wander: compare two trees by running them in turn.
Figures only; nothing here is asserted anywhere.
"""
from __future__ import annotations

import collections
import glob
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def batch(pdfs: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the workers) of one batch over ``pdfs``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "digitize", "batch", *pdfs, "-o", out, "--quiet"], cwd=ROOT,
                       check=False)
        wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def stages(pdfs: list[str]) -> tuple[float, int, collections.Counter]:
    """Every page read in this process: (seconds, pages, seconds per stage)."""
    import digitize.api as api
    from digitize.sources.pdf import page_count

    api.configure_threads(1)
    spent: collections.Counter = collections.Counter()
    call = api._Stages.__call__

    def timed(self, name, fn, /, **kw):
        t = time.perf_counter()
        try:
            return call(self, name, fn, **kw)
        finally:
            spent[name] += time.perf_counter() - t

    api._Stages.__call__ = timed
    for name in ("_vector_reading", "page_pictures"):
        real = getattr(api, name)

        def wrap(*a, _real=real, _name=name, **k):
            t = time.perf_counter()
            try:
                return _real(*a, **k)
            finally:
                spent["page: " + _name.strip("_")] += time.perf_counter() - t

        setattr(api, name, wrap)
    pages, t0 = 0, time.perf_counter()
    for f in pdfs:
        for i in range(page_count(f)):
            pages += 1
            try:
                api.digitize_pdf_page(f, i, unread=[])
            except Exception as exc:  # noqa: BLE001 - a page that fails still counts its time
                print(f"  {os.path.basename(f)} page {i + 1}: {type(exc).__name__}: {exc}")
    return time.perf_counter() - t0, pages, spent


def main() -> None:
    pdfs = sys.argv[1:] or sorted(glob.glob(str(ROOT.parent / "shared" / "bench" / "papers" / "pdf" / "*.pdf")))
    if not pdfs:
        sys.exit("no PDFs given, and none in ../shared/bench/papers/pdf")
    wall, cpu = batch(pdfs)
    total, pages, spent = stages(pdfs)
    print(f"{len(pdfs)} PDFs, {pages} pages, {os.cpu_count()} cores")
    print(f"batch: {wall:.1f} s wall, {pages / wall:.2f} pages/s; workers' CPU {cpu:.1f} s")
    print(f"one process, one thread: {total:.1f} s ({pages / total:.2f} pages/s)")
    for name, sec in spent.most_common():
        print(f"  {name:24s} {sec:6.1f} s  {sec / total:5.1%}")


if __name__ == "__main__":
    main()
