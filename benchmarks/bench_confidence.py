#!/usr/bin/env python3
"""How well the confidence separates right readings from wrong ones.

    python benchmarks/bench_confidence.py CASES_ROOT [CASES_ROOT ...] [--png reliability.png]

Reads every case folder (image.* and truth.json), scores the first heatmap as
../shared/bench/score.py does (right: shape, both scale ends within 1% of the
range, mean error within 1%), and prints: the AUROC of the confidence as a test
of right against wrong, the share of all cases that are wrong with confidence at
least 0.9 and no warning, and a reliability table (predicted against observed
share right, per confidence bin). With --png, the reliability diagram as an image.
Figures only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import sys
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from calibrate_confidence import _score  # noqa: E402


def _run(case: str):
    from digitize import digitize
    from digitize.errors import DigitizeError

    truth = json.loads(Path(case, "truth.json").read_text())
    image = sorted(p for p in glob.glob(os.path.join(case, "image.*")) if not p.endswith(".svg"))[0]
    try:
        h = digitize(image).heatmaps[0]
    except DigitizeError:
        return {"case": case, "refused": True, "ok": False, "confidence": 0.0, "warned": True, "failed": []}
    return {"case": case, "refused": False, "ok": _score(truth, h), "confidence": h.confidence,
            "warned": bool(h.warnings), "failed": list(h.failed_checks)}


def auroc(score: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random right reading scores above a random wrong one."""
    pos, neg = score[positive], score[~positive]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--png")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    cases = sorted({os.path.dirname(p) for r in a.roots for p in glob.glob(os.path.join(r, "*", "truth.json"))})
    with Pool(a.workers) as pool:
        rows = pool.map(_run, cases, chunksize=2)
    conf = np.array([r["confidence"] for r in rows])
    ok = np.array([r["ok"] for r in rows])
    read = ~np.array([r["refused"] for r in rows])
    silent_wrong = [(r["case"], r["confidence"]) for r in rows
                    if not r["ok"] and not r["refused"] and r["confidence"] >= 0.9 and not r["warned"]]
    print(f"cases {len(rows)}: right {int(ok.sum())}, wrong {int((~ok & read).sum())}, refused {int((~read).sum())}")
    print(f"AUROC of the confidence (right vs not right, refusals at 0): {auroc(conf, ok):.3f}")
    print(f"wrong with confidence >= 0.9 and no warning: {len(silent_wrong)} of {len(rows)} "
          f"({len(silent_wrong) / max(len(rows), 1):.1%})")
    for case, c in silent_wrong:
        print(f"   {os.path.basename(case)} confidence {c:.2f}")
    bins = [0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01]
    print("reliability (readings, refusals left out): confidence bin -> share right")
    centres, observed, counts = [], [], []
    for lo, hi in zip(bins[:-1], bins[1:]):
        sel = read & (conf >= lo) & (conf < hi)
        if sel.any():
            print(f"   [{lo:.2f}, {min(hi, 1):.2f}): {int(sel.sum()):4d} readings, mean confidence "
                  f"{conf[sel].mean():.3f}, right {ok[sel].mean():.3f}")
            centres.append(float(conf[sel].mean()))
            observed.append(float(ok[sel].mean()))
            counts.append(int(sel.sum()))
    if a.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
        ax.plot([0, 1], [0, 1], color="grey", lw=1, ls="--", label="calibrated")
        ax.plot(centres, observed, marker="o", label="digitize")
        for c, o, n in zip(centres, observed, counts):
            ax.annotate(str(n), (c, o), textcoords="offset points", xytext=(4, -10), fontsize=8)
        ax.set_xlabel("confidence (mean in bin)")
        ax.set_ylabel("share right")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.legend(loc="upper left")
        ax.set_title("reliability")
        fig.tight_layout()
        fig.savefig(a.png)
        print("wrote", a.png)


if __name__ == "__main__":
    main()
