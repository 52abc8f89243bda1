#!/usr/bin/env python3
"""Fit the confidence model (digitize/data/confidence.json) on generated figures.

    python scripts/calibrate_confidence.py CASES_ROOT [CASES_ROOT ...] [--spoil 0.6] [--workers 2]

Each CASES_ROOT holds case folders (image.* and truth.json, as
../shared/bench/gen_cases.py writes them, or fixtures/stacks/make_stacks.py with
--out and --variant). Never give it the figures the project is measured with.

Every case is read as it is, and (for a share --spoil of them) once more with a
reading spoiled on purpose, the way readings go wrong in real figures: a grid one
row or column too coarse, a plot box missing an outer row or column, a scale
multiplier lost. Each reading is scored like ../shared/bench/score.py (right
when the shape is right, both ends of the scale within 1% of the range and the
mean error within 1%). A logistic model of the checks' features
(``digitize.core.confidence.FEATURES``) is fitted to these outcomes (spoiled
readings weigh half), then its scale and offset are refitted on the natural
readings alone (Platt scaling), so that a confidence of 0.9 means right about 9
times in 10 on figures like these.
"""
from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
from dataclasses import replace
from multiprocessing import Pool
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPOILS = ("grid_coarse", "box_short", "multiplier_lost")
#: Smallest spread a feature is standardised by.
SCALE_FLOOR = 0.25


def _score(truth: dict, h) -> bool:
    if h is None or (h.rows, h.cols) != (truth["rows"], truth["cols"]):
        return False
    log = truth.get("scale") == "log"
    t = (lambda v: math.log10(v) if v > 0 else float("nan")) if log else (lambda v: v)  # noqa: E731
    span = t(truth["vmax"]) - t(truth["vmin"])
    if not (abs(t(h.scale.vmin) - t(truth["vmin"])) <= 0.01 * span and
            abs(t(h.scale.vmax) - t(truth["vmax"])) <= 0.01 * span):
        return False
    errs = []
    for trow, prow in zip(truth["values"], h.table.values.tolist()):
        for tv, pv in zip(trow, prow):
            if tv is None:
                continue
            ok = pv is not None and math.isfinite(pv) and (not log or pv > 0)
            errs.append(min(1.0, abs(t(pv) - t(tv)) / span) if ok else 1.0)
    return bool(errs) and float(np.mean(errs)) <= 0.01


def _spoiled(kind: str, rng: np.random.Generator):
    """A context that spoils one stage of the recipe."""
    import digitize.api as api
    import digitize.raster.legend as legend
    from digitize.model import Grid, frozen_array

    class Spoil:
        def __enter__(self):
            self.saved = (api.find_grid, legend.read_colorbar)
            if kind in ("grid_coarse", "box_short"):
                orig = api.find_grid

                def find_grid(**kw):
                    g = orig(**kw)
                    rows, cols = np.asarray(g.row_edges), np.asarray(g.col_edges)
                    axis = rng.integers(2)
                    e = rows if axis == 0 else cols
                    if len(e) < 4:
                        return g
                    if kind == "grid_coarse":
                        e = np.linspace(e[0], e[-1], len(e) - 1)
                    else:
                        e = e[1:] if rng.integers(2) else e[:-1]
                    rows, cols = (e, cols) if axis == 0 else (rows, e)
                    return Grid(frozen_array(rows), frozen_array(cols), g.regular)
                api.find_grid = find_grid
            else:
                orig = legend.read_colorbar

                def read_colorbar(**kw):
                    r = orig(**kw)
                    if r.multiplier is None or r.multiplier[0] != "mul":
                        return r
                    m = r.multiplier[1]
                    ticks = tuple(replace(t, value=None if t.value is None else t.value / m) for t in r.ticks)
                    return replace(r, ticks=ticks, multiplier=None)
                legend.read_colorbar = read_colorbar
            return self

        def __exit__(self, *exc):
            api.find_grid, legend.read_colorbar = self.saved

    return Spoil()


def _run(args):
    case, spoil, seed = args
    from digitize import digitize
    from digitize.core.confidence import features
    from digitize.errors import DigitizeError

    truth = json.loads(Path(case, "truth.json").read_text())
    image = sorted(p for p in glob.glob(os.path.join(case, "image.*")) if not p.endswith(".svg"))[0]
    out = []
    kinds = [None] + ([spoil] if spoil else [])
    for kind in kinds:
        try:
            if kind is None:
                res = digitize(image)
            else:
                with _spoiled(kind, np.random.default_rng(seed)):
                    res = digitize(image)
            h = res.heatmaps[0]
        except DigitizeError:
            continue
        if kind is None and h.scale.multiplier is not None and "multiplier_lost" not in kinds:
            kinds.append("multiplier_lost")  # the reading without it is a wrong one to learn from
        out.append({"case": case, "spoil": kind, "ok": _score(truth, h),
                    "x": features(h.checks, len(h.warnings), (h.rows, h.cols)).tolist(), "confidence": h.confidence})
    return out


def _fit(x, y, natural):
    """The model on these readings: standardisation, logistic weights (spoiled
    readings weigh half), and a Platt slope and offset refitted on the natural ones."""
    # a floor under each feature's spread: a rare flag (no axis labels in a 2 x 2
    # table) must not become a huge standardised value that one weight blows up
    mean, scale = x.mean(axis=0), np.maximum(x.std(axis=0), SCALE_FLOOR)
    xs = (x - mean) / scale
    beta, b = _fit_logistic(xs, y, np.where(natural, 1.0, 0.5))
    z = xs[natural] @ beta + b
    (a1,), b1 = _fit_logistic(z[:, None], y[natural], np.ones(int(natural.sum())), l2=0.01)
    return mean, scale, beta, b, a1, b1


def _predict(model, x):
    mean, scale, beta, b, a1, b1 = model
    return 1 / (1 + np.exp(-(a1 * (((x - mean) / scale) @ beta + b) + b1)))


def _two_fold(x, y, natural, case):
    """AUROC, wrong readings at >= 0.9 and a reliability table over held-out cases."""
    names = np.unique(case)
    rng = np.random.default_rng(1)
    fold = dict(zip(names, rng.permutation(len(names)) % 2))
    f = np.array([fold[c] for c in case])
    p = np.zeros(len(y))
    for k in (0, 1):
        p[f != k] = _predict(_fit(x[f == k], y[f == k], natural[f == k]), x[f != k])
    p, yy = p[natural], y[natural] > 0.5
    pos, neg = p[yy], p[~yy]
    auroc = float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())
    rel = {}
    for lo, hi in ((0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01)):
        sel = (p >= lo) & (p < hi)
        if sel.any():
            rel[f"{lo}-{min(hi, 1)}"] = (int(sel.sum()), round(float(p[sel].mean()), 3), round(float(yy[sel].mean()), 3))
    return {"auroc": auroc, "wrong_at_90": int(((p >= 0.9) & ~yy).sum()), "n": int(len(p)), "reliability": rel}


def _fit_logistic(x, y, w, l2=1.0, steps=4000, lr=0.1):
    """Weighted L2-regularised logistic regression by gradient descent."""
    n, d = x.shape
    beta, b = np.zeros(d), 0.0
    for _ in range(steps):
        z = x @ beta + b
        p = 1 / (1 + np.exp(-z))
        g = w * (p - y)
        beta -= lr * (x.T @ g / w.sum() + l2 * beta / w.sum())
        b -= lr * g.sum() / w.sum()
    return beta, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("roots", nargs="+")
    ap.add_argument("--spoil", type=float, default=0.6)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "digitize" / "data" / "confidence.json"))
    ap.add_argument("--samples", help="also write every reading's features and outcome here (JSON)")
    a = ap.parse_args()
    cases = sorted({os.path.dirname(p) for r in a.roots for p in glob.glob(os.path.join(r, "*", "truth.json"))})
    rng = np.random.default_rng(0)
    jobs = [(c, SPOILS[k % len(SPOILS)] if rng.random() < a.spoil else None, k) for k, c in enumerate(cases)]
    with Pool(a.workers) as pool:
        rows = [r for rs in pool.imap_unordered(_run, jobs, chunksize=2) for r in rs]
    if a.samples:
        Path(a.samples).write_text(json.dumps(rows))
    from digitize.core.confidence import FEATURES

    x = np.array([r["x"] for r in rows])
    y = np.array([1.0 if r["ok"] else 0.0 for r in rows])
    natural = np.array([r["spoil"] is None for r in rows])
    case = np.array([r["case"] for r in rows])
    # an honest estimate first: fit on half the cases, judge on the other half's natural readings
    held = _two_fold(x, y, natural, case)
    print(f"held out (natural readings of cases not fitted on): AUROC {held['auroc']:.3f}, "
          f"wrong at >= 0.9: {held['wrong_at_90']} of {held['n']}; reliability {held['reliability']}")
    mean, scale, beta, b, a1, b1 = _fit(x, y, natural)
    doc = {"features": list(FEATURES), "weights": (beta * a1).round(6).tolist(), "bias": round(float(b * a1 + b1), 6),
           "mean": mean.round(6).tolist(), "scale": scale.round(6).tolist(),
           "fitted_on": {"roots": [os.path.basename(r.rstrip("/")) for r in a.roots], "readings": len(rows),
                         "natural": int(natural.sum()), "natural_right": int(y[natural].sum()),
                         "spoiled": int((~natural).sum())},
           "held_out": held,
           "note": "written by scripts/calibrate_confidence.py; P(right) = sigmoid(weights . (x - mean) / scale + bias)"}
    Path(a.out).write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps(doc["fitted_on"]))
    print("weights:", {f: round(v, 3) for f, v in zip(FEATURES, doc["weights"])}, "bias", doc["bias"])


if __name__ == "__main__":
    main()
