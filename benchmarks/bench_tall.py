#!/usr/bin/env python3
"""Time and peak memory of reading tall heatmaps (8 columns, 3-px rows, no
colorbar): the grid search must stay near-linear in the plot's side.

Usage: python benchmarks/bench_tall.py [ROWS...]   (default 1000 4000 10000)
Each size runs in a fresh process; prints figures only, asserts nothing.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CODE = """
import resource, sys, time
import numpy as np
from matplotlib import cm
sys.path.insert(0, {root!r})
from digitize import digitize
rows = {rows}
v = np.random.default_rng(0).uniform(0, 1, (rows, 8))
img = np.repeat(np.repeat((cm.viridis(v)[..., :3] * 255).astype(np.uint8), 3, axis=0), 12, axis=1)
page = np.full((img.shape[0] + 40, img.shape[1] + 40, 3), 255, np.uint8)
page[20:-20, 20:-20] = img
t = time.perf_counter()
h = digitize(page).heatmaps[0]
dt = time.perf_counter() - t
mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{{rows:>7}} rows ({{page.shape[0]}} x {{page.shape[1]}} px): {{h.rows}} x {{h.cols}} in {{dt:6.2f}} s, "
      f"peak {{mb:6.0f}} MB")
"""


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 4000, 10000]
    for rows in sizes:
        out = subprocess.run([sys.executable, "-c", CODE.format(root=str(ROOT), rows=rows)],
                             capture_output=True, text=True)
        print(out.stdout.strip() or out.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
