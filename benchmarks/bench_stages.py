#!/usr/bin/env python3
"""Time each stage of one digitize run, the whole CLI run, and the lookup core.

Usage: python benchmarks/bench_stages.py [FIGURE]   (default: the example figure)
Prints figures only; nothing here is asserted anywhere.
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitize import digitize  # noqa: E402
from digitize.core.lookup import image_to_index, rgb_to_lab  # noqa: E402


def main() -> None:
    fig = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "fixtures" / "layer_vs_steps.png")
    t0 = time.perf_counter()
    first = digitize(fig)
    print(f"first run in process (model load included): {time.perf_counter() - t0:.3f} s")
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        res = digitize(fig)
        runs.append(time.perf_counter() - t0)
    print(f"warm run: median {statistics.median(runs):.3f} s over 5")
    print("stages (last run):")
    for name, sec in res.timings.items():
        print(f"  {name:<10} {sec * 1000:8.1f} ms")
    cli = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "digitize", fig, "--format", "json"], check=True,
                       capture_output=True, cwd=ROOT)
        cli.append(time.perf_counter() - t0)
    print(f"CLI run (start-up, model load, OCR): median {statistics.median(cli):.3f} s over 5 "
          f"(the first run on a machine also builds the recogniser cache: +0.1 s)")
    # the colour-lookup core on a 4-megapixel image of colormap colours plus noise
    cmap = first.heatmaps[0].colormap
    rng = np.random.default_rng(0)
    idx = rng.integers(0, len(cmap.rgb), (2000, 2000))
    img = np.clip(cmap.rgb[idx].astype(np.int16) + rng.integers(-2, 3, (2000, 2000, 3)), 0, 255).astype(np.uint8)
    t0 = time.perf_counter()
    image_to_index(img, cmap.lab)
    first = time.perf_counter() - t0
    warm = []
    for _ in range(7):
        t0 = time.perf_counter()
        image_to_index(img, cmap.lab)
        warm.append(time.perf_counter() - t0)
    dt = statistics.median(warm)
    print(f"lookup core: 4.0 MP mapped in {dt:.3f} s warm ({4.0 / dt:.1f} MP/s); first call {first:.3f} s "
          f"(imports scipy's k-d tree)")
    t0 = time.perf_counter()
    rgb_to_lab(img)
    print(f"(RGB -> Lab of the same image: {time.perf_counter() - t0:.3f} s)")


if __name__ == "__main__":
    main()
