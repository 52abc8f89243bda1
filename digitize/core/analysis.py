"""The interpretation of a table, computed from its numbers alone.

Every statement is backed by the numbers: row and column means, where they peak,
how they change, and which cells form the hotspot. Nothing is specific to one
figure. Thresholds are the named constants below; the result lists them under
"thresholds" (the JSON), not in the prose.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

#: A row/column is "high" when its mean lies in the top half of the span of the
#: row/column means, "low" in the bottom 15%: on the seed figure this separates
#: layers 7-9 (ridge) from 1-5 and 11-12 (floor), and reads the same on any scale.
HIGH_SHARE = 0.5
LOW_SHARE = 0.15

#: Differences between row or column means count only when their span exceeds this
#: many standard errors of a mean (residual noise after row and column effects).
#: For pure noise the span of 10-30 means is 3-4.5 standard errors; 5 leaves none.
SIGNIFICANT_SE = 5.0

#: A trend is monotonic when the rank correlation of the means with their position
#: is at least this strong.
MONOTONIC_RHO = 0.85

#: After the peak of a rise (or the trough of a fall), a change of less than this
#: share of the range of means is no turn at all ...
TURN_MIN_SHARE = 0.08
#: ... and one of less than this share of the rise before it is "slight";
#: beyond COLLAPSE_SHARE it is a "collapse".
SLIGHT_SHARE = 0.35
COLLAPSE_SHARE = 0.8

#: Cells within the top quarter of the value range, connected to the peak, form the hotspot.
HOTSPOT_SHARE = 0.75

#: Phases: a row band's mean relative to the range of row means.
PHASE_LOW = 0.25
PHASE_HIGH = 0.8

THRESHOLDS = {"HIGH_SHARE": HIGH_SHARE, "LOW_SHARE": LOW_SHARE, "SIGNIFICANT_SE": SIGNIFICANT_SE,
              "MONOTONIC_RHO": MONOTONIC_RHO, "TURN_MIN_SHARE": TURN_MIN_SHARE,
              "SLIGHT_SHARE": SLIGHT_SHARE, "COLLAPSE_SHARE": COLLAPSE_SHARE,
              "HOTSPOT_SHARE": HOTSPOT_SHARE, "PHASE_LOW": PHASE_LOW, "PHASE_HIGH": PHASE_HIGH}


def _labels(labels, n: int) -> list[str]:
    labels = list(labels or [])
    return [labels[i] if i < len(labels) and labels[i] != "" else str(i + 1) for i in range(n)]


def _band(names: list[str], idx: list[int]) -> list[dict]:
    """Contiguous runs of indices as {from, to, labels}."""
    out = []
    for i in sorted(idx):
        if out and out[-1]["_last"] == i - 1:
            out[-1]["_last"] = i
            out[-1]["to"] = names[i]
            out[-1]["labels"].append(names[i])
        else:
            out.append({"from": names[i], "to": names[i], "labels": [names[i]], "_last": i})
    for b in out:
        b.pop("_last")
    return out


def _band_text(bands: list[dict]) -> str:
    return ", ".join(b["from"] if b["from"] == b["to"] else f"{b['from']}-{b['to']}" for b in bands)


def _rank_corr(m: np.ndarray) -> float:
    ok = np.isfinite(m)
    if ok.sum() < 3 or np.ptp(m[ok]) == 0:
        return 0.0
    r = np.argsort(np.argsort(m[ok])).astype(float)
    x = np.arange(ok.sum(), dtype=float)
    return float(np.corrcoef(x, r)[0, 1])


def _trend(m: np.ndarray, names: list[str], significant: bool) -> dict:
    if not significant or not np.isfinite(m).any():
        return {"kind": "flat"}
    mm = np.where(np.isfinite(m), m, np.nanmean(m))
    span = float(np.ptp(mm))
    k_max, k_min = int(np.argmax(mm)), int(np.argmin(mm))
    rise, fall_after = mm[k_max] - mm[0], mm[k_max] - mm[-1]
    drop, rise_after = mm[0] - mm[k_min], mm[-1] - mm[k_min]
    rho = _rank_corr(mm)

    def size(change: float, before: float) -> str:
        share = change / before if before > 0 else 1.0
        return "slight" if share < SLIGHT_SHARE else ("collapse" if share >= COLLAPSE_SHARE else "marked")

    if 0 < k_max < len(mm) - 1 and rise > TURN_MIN_SHARE * span and fall_after > TURN_MIN_SHARE * span \
            and rise >= fall_after * 0.5:
        return {"kind": "rise_then_fall", "turn": names[k_max], "turn_index": k_max,
                "change_after": float(-fall_after), "change_after_share": float(fall_after / rise) if rise else 1.0,
                "size": size(fall_after, rise), "rho": rho}
    if 0 < k_min < len(mm) - 1 and drop > TURN_MIN_SHARE * span and rise_after > TURN_MIN_SHARE * span:
        return {"kind": "fall_then_rise", "turn": names[k_min], "turn_index": k_min,
                "change_after": float(rise_after), "change_after_share": float(rise_after / drop) if drop else 1.0,
                "size": size(rise_after, drop), "rho": rho}
    if rho >= MONOTONIC_RHO:
        return {"kind": "increasing", "change": float(mm[-1] - mm[0]), "rho": rho}
    if rho <= -MONOTONIC_RHO:
        return {"kind": "decreasing", "change": float(mm[-1] - mm[0]), "rho": rho}
    return {"kind": "mixed", "rho": rho}


def _phases(v: np.ndarray, rmean: np.ndarray, rnames: list[str], cnames: list[str], significant: bool) -> list[dict]:
    if not significant:
        return []
    lo, hi = np.nanmin(rmean), np.nanmax(rmean)
    p = (rmean - lo) / (hi - lo) if hi > lo else np.zeros_like(rmean)
    k = int(np.nanargmax(rmean))
    kinds = []
    for i, pi in enumerate(p):
        if pi >= PHASE_HIGH:
            kinds.append("highest")
        elif i < k:
            kinds.append("low everywhere" if pi < PHASE_LOW else "rising")
        else:
            kinds.append("low everywhere" if pi < PHASE_LOW else "declining")
    out = []
    for i, kind in enumerate(kinds):
        if out and out[-1]["kind"] == kind:
            out[-1]["rows"].append(i)
        else:
            out.append({"kind": kind, "rows": [i]})
    for ph in out:
        rows = ph.pop("rows")
        with np.errstate(all="ignore"):
            band = np.nanmean(v[rows], axis=0) if np.isfinite(v[rows]).any() else np.zeros(v.shape[1])
        finite = np.isfinite(band)
        top = [int(j) for j in np.flatnonzero(finite & (band >= np.nanmax(band) - 0.2 * np.ptp(band[finite])))] \
            if finite.any() else []
        ph.update({"from": rnames[rows[0]], "to": rnames[rows[-1]], "mean": float(np.nanmean(v[rows])),
                   "top_cols": _band_text(_band(cnames, top))})
    return out


def analyse(values: np.ndarray, row_labels=(), col_labels=(), *, decimals: int = 4,
            x_label: str = "", y_label: str = "", vmin: float | None = None, vmax: float | None = None) -> dict:
    """The interpretation of a (R, C) table (NaN = blank). Returns a JSON-ready dict
    with peak, minimum, high/low rows and columns, trends, phases, hotspot,
    concentration and a Markdown report under "text"."""
    v = np.asarray(values, np.float64)
    if v.size == 0 or not np.isfinite(v).any():
        return {"note": "no readable cells", "text": ""}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-blank rows or columns
        return _analyse(v, row_labels, col_labels, decimals=decimals, x_label=x_label, y_label=y_label,
                        vmin=vmin, vmax=vmax)


def _analyse(v: np.ndarray, row_labels, col_labels, *, decimals: int, x_label: str, y_label: str,
             vmin: float | None, vmax: float | None) -> dict:
    R, C = v.shape
    rn, cn = _labels(row_labels, R), _labels(col_labels, C)
    pr, pc = np.unravel_index(np.nanargmax(v), v.shape)
    mr, mc = np.unravel_index(np.nanargmin(v), v.shape)
    with np.errstate(all="ignore"):
        rmean = np.nanmean(v, axis=1)
        cmean = np.nanmean(v, axis=0)
        grand = np.nanmean(v)
        resid = v - rmean[:, None] - cmean[None, :] + grand
        s_res = float(np.nanstd(resid)) if np.isfinite(resid).sum() > 1 else 0.0
    scale = max(abs(float(np.nanmax(v))), abs(float(np.nanmin(v))), 1e-300)
    tiny = 1e-9 * scale

    def significant(means: np.ndarray, n: int) -> bool:
        span = float(np.nanmax(means) - np.nanmin(means)) if np.isfinite(means).any() else 0.0
        if span <= tiny:
            return False
        se = s_res / math.sqrt(max(n, 1))
        return span > SIGNIFICANT_SE * se

    sig_c, sig_r = significant(cmean, R), significant(rmean, C)

    def hi_lo(means, names, sig):
        if not sig:
            return [], []
        lo, hi = np.nanmin(means), np.nanmax(means)
        p = (means - lo) / (hi - lo)
        high = [i for i in range(len(means)) if np.isfinite(p[i]) and p[i] >= HIGH_SHARE]
        low = [i for i in range(len(means)) if np.isfinite(p[i]) and p[i] <= LOW_SHARE]
        return _band(names, high), _band(names, low)

    high_cols, low_cols = hi_lo(cmean, cn, sig_c)
    high_rows, low_rows = hi_lo(rmean, rn, sig_r)
    row_trend = _trend(rmean, rn, sig_r)
    col_trend = _trend(cmean, cn, sig_c)
    phases = _phases(v, rmean, rn, cn, sig_r)
    col_phases = _phases(v.T, cmean, cn, rn, sig_c)
    hot = hotspot(v, rn, cn) if (sig_r or sig_c) else None
    base = float(np.nanmin(v)) if vmin is None else float(vmin)
    mass = np.where(np.isfinite(v), v - base, 0.0)
    total = float(mass.sum())
    conc = None
    if hot is not None and total > 0:
        r0, r1, c0, c1 = hot["row_range"] + hot["col_range"]
        share = float(mass[r0:r1 + 1, c0:c1 + 1].sum() / total)
        area = (r1 - r0 + 1) * (c1 - c0 + 1) / (R * C)
        conc = {"share_of_total_in_hotspot": round(share, 3), "hotspot_area_share": round(area, 3)}
    mean = float(grand)
    cv = float(np.nanstd(v) / abs(mean)) if mean != 0 else None
    out = {
        "peak": {"row": rn[pr], "col": cn[pc], "value": float(v[pr, pc]), "row_index": int(pr), "col_index": int(pc)},
        "minimum": {"row": rn[mr], "col": cn[mc], "value": float(v[mr, mc]), "row_index": int(mr), "col_index": int(mc)},
        "mean": mean,
        "high_cols": high_cols, "low_cols": low_cols, "high_rows": high_rows, "low_rows": low_rows,
        "row_trend": row_trend, "col_trend": col_trend, "phases": phases, "col_phases": col_phases,
        "hotspot": hot,
        "concentration": conc,
        "spread": {"std": float(np.nanstd(v)), "coefficient_of_variation": None if cv is None else round(cv, 3),
                   "uniform": not (sig_r or sig_c)},
        "correlation": {"row_position_vs_row_mean": round(_rank_corr(rmean), 3),
                        "col_position_vs_col_mean": round(_rank_corr(cmean), 3)},
        "thresholds": THRESHOLDS,
    }
    out["text"] = report(out, R, C, decimals=decimals, x_label=x_label, y_label=y_label, vmin=vmin, vmax=vmax)
    out["thresholds"] = dict(THRESHOLDS)  # the named constants the sentences rest on (JSON, not the prose)
    return out


def hotspot(v: np.ndarray, rn: list[str], cn: list[str]) -> dict:
    """Rows and columns spanned by the cells in the top of the range connected to the peak."""
    import cv2

    lo, hi = np.nanmin(v), np.nanmax(v)
    hotmask = np.where(np.isfinite(v), v >= lo + HOTSPOT_SHARE * (hi - lo), False).astype(np.uint8)
    _, lab = cv2.connectedComponents(hotmask, connectivity=4)
    pr, pc = np.unravel_index(np.nanargmax(v), v.shape)
    ys, xs = np.nonzero(lab == lab[pr, pc])
    r0, r1, c0, c1 = int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())
    return {"rows": f"{rn[r0]}-{rn[r1]}" if r0 != r1 else rn[r0], "cols": f"{cn[c0]}-{cn[c1]}" if c0 != c1 else cn[c0],
            "row_range": [r0, r1], "col_range": [c0, c1], "cells": int(len(ys))}


def _f(x: float, d: int) -> str:
    if x is None or not math.isfinite(x):
        return "n/a"
    if abs(x) >= 1e5 or (0 < abs(x) < 10 ** -(d + 1)):
        return f"{x:.3g}"
    return f"{x:.{d}f}"


def report(a: dict, R: int, C: int, *, decimals: int, x_label: str, y_label: str,
           vmin: float | None, vmax: float | None) -> str:
    d = decimals
    xl, yl = x_label or "columns", y_label or "rows"
    L = ["### Overview",
         f"A heatmap of {R} rows ({yl}) by {C} columns ({xl})"
         + (f", coloured on a scale from {_f(vmin, d)} to {_f(vmax, d)}." if vmin is not None else "."),
         f"Values run from {_f(a['minimum']['value'], d)} ({yl} {a['minimum']['row']}, {xl} {a['minimum']['col']}) "
         f"to {_f(a['peak']['value'], d)} ({yl} {a['peak']['row']}, {xl} {a['peak']['col']}); mean {_f(a['mean'], d)}.",
         "", "### Components/Axes",
         f"* **X-axis:** {xl}, {C} columns.", f"* **Y-axis:** {yl}, {R} rows.",
         "* **Colour scale:** " + (f"{_f(vmin, d)} to {_f(vmax, d)}." if vmin is not None else "unknown."),
         "", "### Detailed Analysis"]
    if a["phases"]:
        for ph in a["phases"]:
            rng = ph["from"] if ph["from"] == ph["to"] else f"{ph['from']}-{ph['to']}"
            L.append(f"* **{yl} {rng}:** {ph['kind']} (mean {_f(ph['mean'], d)}), highest around {xl} {ph['top_cols']}.")
    else:
        L.append("* The rows do not differ by more than the noise between cells: no phases.")
    if a.get("col_phases"):
        bands = [f"{p['kind']} {p['from'] if p['from'] == p['to'] else p['from'] + '-' + p['to']}"
                 for p in a["col_phases"]]
        L.append(f"* **Across {xl}:** " + "; ".join(bands) + ".")
    L += ["", "### Key Observations"]
    if a["hotspot"]:
        h = a["hotspot"]
        L.append(f"* The highest values sit at {xl} {h['cols']} and {yl} {h['rows']} (peak {_f(a['peak']['value'], d)}).")
    if a["high_cols"]:
        L.append(f"* High {xl}: {_band_text(a['high_cols'])}; low {xl}: {_band_text(a['low_cols']) or 'none'}.")
    if a["high_rows"]:
        L.append(f"* High {yl}: {_band_text(a['high_rows'])}; low {yl}: {_band_text(a['low_rows']) or 'none'}.")
    for axis, t in ((yl, a["row_trend"]), (xl, a["col_trend"])):
        L.append("* " + _trend_sentence(axis, t, d))
    if a["concentration"]:
        c = a["concentration"]
        L.append(f"* The hotspot covers {c['hotspot_area_share']:.0%} of the cells and holds "
                 f"{c['share_of_total_in_hotspot']:.0%} of the total above the minimum.")
    if a["spread"]["uniform"]:
        L.append("* No row or column stands out from the cell-to-cell noise: the map is uniform.")
    L += ["", "### Interpretation"]
    if a["spread"]["uniform"]:
        L.append("The data show no structure beyond noise; no pattern should be read into this map.")
    else:
        parts = []
        if a["hotspot"]:
            parts.append(f"the values concentrate at {xl} {a['hotspot']['cols']} over {yl} {a['hotspot']['rows']}")
        rt = a["row_trend"]
        if rt["kind"] == "rise_then_fall":
            parts.append(f"along {yl} they rise up to {rt['turn']} and then {'ease off slightly' if rt['size'] == 'slight' else 'fall'}")
        elif rt["kind"] in ("increasing", "decreasing"):
            parts.append(f"along {yl} they are {rt['kind']}")
        L.append("The data show that " + "; ".join(parts) + ". This describes the figure's numbers; "
                 "it does not say why they take this shape.")
    return "\n".join(L)


def _trend_sentence(axis: str, t: dict, d: int) -> str:
    k = t["kind"]
    if k == "flat":
        return f"Along {axis} the means are flat (no change beyond noise)."
    if k in ("rise_then_fall", "fall_then_rise"):
        verb = "rise" if k == "rise_then_fall" else "fall"
        after = "decline" if k == "rise_then_fall" else "recovery"
        # "a slight decline", "a marked decline", but "a collapse", not "a collapse decline"
        what = "collapse" if t["size"] == "collapse" and k == "rise_then_fall" else f"{t['size']} {after}"
        return (f"Along {axis} the means {verb} up to {t['turn']}, then a {what} "
                f"({_f(t['change_after'], d)}, {t['change_after_share']:.0%} of the change before).")
    if k in ("increasing", "decreasing"):
        return f"Along {axis} the means are {k} (change {_f(t['change'], d)})."
    return f"Along {axis} the means vary without a single direction."
