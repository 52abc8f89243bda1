#!/usr/bin/env python3
"""What reading the printed numbers costs: annotated confusion matrices (10 x 10,
20 x 20, 26 x 26, seaborn annot=True) read with and without the printed numbers,
and how many cells come back exactly as printed.

Usage: python benchmarks/bench_printed.py
Prints figures only; nothing here is asserted anywhere.
"""
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitize import digitize  # noqa: E402
from digitize.config import DigitizeConfig  # noqa: E402


def confusion_png(n: int, seed: int) -> tuple[bytes, np.ndarray]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns

    rng = np.random.default_rng(seed)
    m = rng.poisson(0.5, size=(n, n))
    m[np.diag_indices(n)] = rng.integers(20, 60, n)
    fig, ax = plt.subplots(figsize=(0.4 * n + 2, 0.32 * n + 1.5), dpi=100)
    sns.heatmap(m, annot=True, fmt="d", cmap="Blues", vmin=0, vmax=60, ax=ax, annot_kws={"fontsize": 7})
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue(), m


def timed(data: bytes, printed: bool, runs: int = 3):
    cfg = DigitizeConfig(printed=printed)
    digitize(data, config=cfg)  # warm
    times, res = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        res = digitize(data, config=cfg)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), res


def main() -> None:
    print(f"{'figure':<14}{'colours only':>14}{'with printed':>14}{'printed stage':>15}{'exact':>10}")
    for n in (10, 20, 26):
        data, m = confusion_png(n, n)
        t_off, _ = timed(data, False)
        t_on, res = timed(data, True)
        h = res.heatmaps[0]
        exact = float(np.mean(np.asarray(h.table.values) == m)) if h.table.values.shape == m.shape else 0.0
        stage = res.timings.get("printed", 0.0)
        print(f"{n} x {n:<8}{t_off:>12.3f} s{t_on:>12.3f} s{stage * 1000:>12.1f} ms{exact:>10.1%}")


if __name__ == "__main__":
    main()
