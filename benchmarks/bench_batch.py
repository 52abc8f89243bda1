#!/usr/bin/env python3
"""Batch throughput: figures per second for 1 worker and for all cores, and where the
time goes (per-stage seconds summed over the figures, from each result.json).

Usage: python benchmarks/bench_batch.py [CASES_DIR]   (default: ../shared/bench/cases)
Prints figures only; nothing here is asserted anywhere.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cases: Path, workers: int) -> tuple[float, int, dict]:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "digitize", "batch", str(cases), "-o", out, "--quiet",
                        "--workers", str(workers)], cwd=ROOT, check=False)
        dt = time.perf_counter() - t0
        stages: dict[str, float] = {}
        done = list(Path(out).glob("*/result.json"))
        for p in done:
            for k, v in json.loads(p.read_text()).get("timings", {}).items():
                stages[k] = stages.get(k, 0.0) + v
        return dt, len(done), stages


def main() -> None:
    cases = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "bench" / "cases"
    n_all = os.cpu_count() or 1
    for workers in sorted({1, n_all}):
        dt, n, stages = run(cases, workers)
        print(f"{workers} worker(s): {n} figures in {dt:.1f} s = {n / dt:.2f} figures/s (start-up included)")
        total = sum(stages.values()) or 1.0
        split = ", ".join(f"{k} {v / max(n, 1) * 1000:.0f} ms ({100 * v / total:.0f}%)"
                          for k, v in sorted(stages.items(), key=lambda kv: -kv[1]))
        print(f"  per figure: {split}")


if __name__ == "__main__":
    main()
