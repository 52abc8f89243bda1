"""Colorbar scales: pixel <-> value, fitted robustly from (pixel, value) ticks.

A scale is t(v) = intercept + slope * pixel with t = identity (linear) or log10
(log). The fit tries every pair of ticks as a hypothesis (RANSAC, exhaustive:
colorbars carry < 20 labels), keeps the one most ticks agree with, and refits by
least squares on those. OCR mistakes (a tick mark read as a minus, a dropped
decimal point) become outliers instead of bending the scale.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import replace

import numpy as np

from ..errors import ScaleError
from ..model import Scale, Tick
from .labels import bin_ends

#: A tick agrees with a hypothesis when its predicted pixel is within this many
#: pixels... or this share of the bar length, whichever is larger. Tick marks are
#: located to ~0.5 px; label-centre positions (no tick mark) to ~1.5 px.
TICK_TOL_PX = 2.0
TICK_TOL_SHARE = 0.006


def _t(kind: str, v: np.ndarray) -> np.ndarray:
    return np.log10(v) if kind == "log" else v


def _one_per_label(inl: np.ndarray, err: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Of the agreeing readings, the closest one of each label (group)."""
    keep = np.zeros(len(inl), bool)
    cand = np.flatnonzero(inl)
    if not len(cand):
        return keep
    order = cand[np.lexsort((err[cand], group[cand]))]
    first = np.concatenate([[True], group[order][1:] != group[order][:-1]])
    keep[order[first]] = True
    return keep


#: A fit running against the usual way of a bar (values growing down, or to the
#: left) must be agreed with by this much more weight (whole labels) than the best
#: running the usual way.
UNUSUAL_WAY_MARGIN = 1.0


def _fit_kind(kind: str, px: np.ndarray, vals: np.ndarray, tol: float, weights: np.ndarray, usual: int = 0):
    ok = np.isfinite(vals) & ((vals > 0) if kind == "log" else True)
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return None
    t = _t(kind, vals[idx])
    p = px[idx]
    w = weights[idx]
    # readings of one label (one place on the bar) count once: the best of them
    _, group = np.unique(np.round(p * 2), return_inverse=True)
    best_way: dict[bool, tuple] = {}  # the best hypothesis running the usual way (True) and the other
    for i, j in itertools.combinations(range(len(idx)), 2):
        if abs(p[i] - p[j]) < 1.0 or t[i] == t[j]:
            continue
        slope = (t[j] - t[i]) / (p[j] - p[i])
        icpt = t[i] - slope * p[i]
        pred_px = (t - icpt) / slope
        err = np.abs(pred_px - p)
        inl = _one_per_label(err <= tol, err, group)
        # as much weight either way: the bar runs the usual way (``usual``: the sign
        # of the slope of a bar whose values grow up or to the right)
        key = (float(w[inl].sum()), usual * slope > 0, -float(err[inl].sum()))
        way = usual * slope > 0
        if way not in best_way or key > best_way[way][0]:
            best_way[way] = (key, inl)
    if not best_way:
        return None
    # a bar read against the usual way must be explained by a whole label more:
    # lighter readings (a sign OCR may have lost, a tick mark read as one) tip it no more
    best = max(best_way.values(), key=lambda b: b[0])
    if usual and True in best_way and best is not best_way[True] and \
            best[0][0] - best_way[True][0][0] < UNUSUAL_WAY_MARGIN:
        best = best_way[True]
    inl = best[1]
    slope, icpt = np.polyfit(p[inl], t[inl], 1)
    rms = float(np.sqrt(np.mean(((t[inl] - icpt) / slope - p[inl]) ** 2)))
    mask = np.zeros(len(px), bool)
    mask[idx[inl]] = True
    return int(inl.sum()), rms, float(slope), float(icpt), mask


#: A bar end within this many pixels of a multiple of the tick step is taken to
#: be that value: plotting libraries end bars on round values, and the bar's
#: last pixel is uncertain by one or two (anti-aliasing, and an outline's
#: anti-aliased pixel mixed with the bar's first colour: heatmap.2's key).
TICK_SNAP_PX = 2.0

#: An agreeing tick at most this far outside the bar's found extent moves the end
#: (an outline, a seam and a density curve over a key's first pixels lose 3-4).
TICK_OUTSIDE_PX = 4.0


def _snap_to_tick(v: float, step: float, tol: float, anchor: float = 0.0) -> float:
    """v moved onto a multiple of ``step``, or onto the ticks' own lattice
    (``anchor`` + k * ``step``: ticks at -0.2, 0.2, 0.6 put -1 on it), whichever is
    nearer, when that moves it by at most ``tol``."""
    if not (math.isfinite(step) and step > 0):
        return v
    r = min((a + round((v - a) / step) * step for a in (0.0, anchor)), key=lambda c: abs(c - v))
    return float(f"{r:.12g}") if abs(r - v) <= tol else v


def nice_round(v: float, step: float, span: float, px_value: float = math.inf) -> float:
    """Snap v to a multiple of step/20 when that moves it by < 0.4% of span and by
    less than TICK_SNAP_PX pixels' worth (``px_value`` is one pixel's worth): on a
    long bar the fit is finer than 0.4%, and 7.26 must not become 7.3."""
    if not (math.isfinite(step) and step > 0):
        return v
    q = step / 20.0
    r = round(v / q) * q
    if abs(r - v) <= min(0.004 * abs(span), TICK_SNAP_PX * px_value):
        return float(f"{r:.12g}")
    return v


def fit_scale(ticks: list[Tick], lo: float, hi: float, *, kind: str = "auto",
              increasing_with_pixel: bool | None = None) -> Scale:
    """Fit a scale over the bar's long-axis extent [lo, hi] (pixel coordinates).

    ticks : readable ticks (value not None) with pixel positions
    kind : "auto", "linear" or "log"
    increasing_with_pixel : which way the bar's values usually grow (True for a
        horizontal bar, False for a vertical one: up the picture); where the labels
        fit either way with the same weight (a lost sign read both ways), that way
    Raises ScaleError when fewer than two ticks agree on a scale.
    """
    usable = [t for t in ticks if t.value is not None]
    if len(usable) < 2:
        found = ", ".join(repr(t.label) for t in ticks) or "none"
        raise ScaleError(f"expected at least two readable colorbar tick labels; read {found}")
    px = np.array([t.pixel for t in usable], np.float64)
    vals = np.array([t.value for t in usable], np.float64)
    tol = max(TICK_TOL_PX, TICK_TOL_SHARE * abs(hi - lo))
    kinds = ["linear", "log"] if kind == "auto" else [kind]
    weights = np.array([t.weight for t in usable], np.float64)
    usual = 0 if increasing_with_pixel is None else (1 if increasing_with_pixel else -1)
    fits = {k: f for k in kinds if (f := _fit_kind(k, px, vals, tol, weights, usual)) is not None}
    if not fits:
        raise ScaleError(f"the colorbar labels {[t.label for t in usable]} do not fit a {kind} scale")
    if "linear" in fits and "log" in fits:
        lin, log = fits["linear"], fits["log"]
        # more agreeing ticks wins; on a tie the smaller pixel error, linear preferred
        chosen = "log" if (log[0], -log[1]) > (lin[0], -lin[1] - 0.3) else "linear"
        if chosen == "log" and log[0] == lin[0]:
            # as many labels fit either way: a log bar spans decades ('2' and '4' do not)
            v = vals[log[4]]
            if np.max(v) < 10 * np.min(v):
                chosen = "linear"
    else:
        chosen = next(iter(fits))
    n_in, rms, slope, icpt, mask = fits[chosen]
    if n_in < 2:
        raise ScaleError("fewer than two colorbar labels agree on a scale")
    # a tick is never drawn past the bar's end: an agreeing tick just outside the
    # found extent means the bar's last pixel or two were lost (outline, JPEG)
    inl_px = px[mask]
    if inl_px.min() < lo and lo - inl_px.min() <= TICK_OUTSIDE_PX:
        lo = float(inl_px.min())
    if inl_px.max() > hi and inl_px.max() - hi <= TICK_OUTSIDE_PX:
        hi = float(inl_px.max())
    t_lo, t_hi = icpt + slope * lo, icpt + slope * hi
    v_lo, v_hi = (10 ** t_lo, 10 ** t_hi) if chosen == "log" else (t_lo, t_hi)
    vmin, vmax = min(v_lo, v_hi), max(v_lo, v_hi)
    if chosen == "linear":
        inl_vals = np.sort(vals[mask])
        step = float(np.median(np.diff(inl_vals))) if len(inl_vals) > 1 else abs(vmax - vmin)
        # a whole tick step first, then a twentieth of one; both within TICK_SNAP_PX
        # pixels (one pixel is worth |slope|)
        snap_tol = TICK_SNAP_PX * abs(slope)
        vmin, vmax = (_snap_to_tick(v, step, snap_tol, float(inl_vals[np.argmin(np.abs(inl_vals - v))]))
                      for v in (vmin, vmax))
        vmin, vmax = (nice_round(v, step, vmax - vmin, abs(slope)) for v in (vmin, vmax))
    else:
        lmin, lmax = math.log10(vmin), math.log10(vmax)
        span = lmax - lmin
        vmin = 10 ** nice_round(lmin, 1.0, span)
        vmax = 10 ** nice_round(lmax, 1.0, span)
    # re-anchor the line so the snapped ends sit exactly at the bar's ends
    t = (lambda v: math.log10(v)) if chosen == "log" else (lambda v: v)
    if v_lo <= v_hi:
        a, b = t(vmin), t(vmax)
    else:
        a, b = t(vmax), t(vmin)
    slope2 = (b - a) / (hi - lo)
    icpt2 = a - slope2 * lo
    out = tuple(replace(tk, inlier=bool(m)) for tk, m in zip(usable, mask))
    rest = tuple(tk for tk in ticks if tk.value is None)
    return Scale(chosen, slope2, icpt2, float(vmin), float(vmax), out + rest, "ticks")


def user_scale(vmin: float, vmax: float, lo: float, hi: float, *, kind: str, increasing_with_pixel: bool,
               ticks: tuple[Tick, ...] = ()) -> Scale:
    """The scale a user gave (--vmin/--vmax), laid over the bar's pixel extent."""
    k = "log" if kind == "log" else "linear"
    t = (lambda v: math.log10(v)) if k == "log" else (lambda v: v)
    a, b = (t(vmin), t(vmax)) if increasing_with_pixel else (t(vmax), t(vmin))
    slope = (b - a) / (hi - lo)
    return Scale(k, slope, a - slope * lo, float(vmin), float(vmax), ticks, "user")


def scale_decimals(scale: Scale) -> int:
    """Decimals worth quoting for values on this scale: an 8-bit colormap resolves
    about 1/256 of the range, and a value is quoted to the decimal that step
    reaches (a 0..0.008 bar: steps of 0.00003, so 5 decimals, 0.00766)."""
    span = abs(scale.vmax - scale.vmin)
    if scale.kind == "log" or span <= 0:
        return 3
    step = span / 256.0
    return max(0, int(math.ceil(-math.log10(step)))) if step < 1 else 0


#: A label names a level of a stepped bar when it stands within this share of the
#: level's length of the level's middle.
LEVEL_LABEL_SHARE = 0.25


def labelled_levels(ticks, centres) -> Scale | None:
    """A stepped bar whose every level carries one label at its middle takes each
    level's value from its own label: a legend of bins ('=0', '0-0.1', '0.1-0.5',
    '0.5-1.0', one beside each swatch) is not evenly spaced in value, and no line
    through the labels gives the levels. ``centres``: the levels' middles along the
    bar (pixels, in the bar's order; a level's length is taken from their spacing).
    The labels' values must run one way along the bar.
    None when a level has no label at its middle, or two; else the Scale
    (``discrete_levels`` the labels' values at ``level_pixels``, the levels'
    middles; its line, through the end levels, is nominal)."""
    c = np.asarray(centres, np.float64)
    if len(c) < 3:
        return None
    gaps = np.abs(np.diff(c))
    lengths = np.concatenate([[gaps[0]], np.minimum(gaps[:-1], gaps[1:]), [gaps[-1]]])
    read = [t for t in ticks if t.value is not None and math.isfinite(t.value)]
    values, used = [], []
    for centre, length in zip(c, lengths):
        near = [t for t in read if abs(t.pixel - centre) <= LEVEL_LABEL_SHARE * length]
        if len({round(t.pixel) for t in near}) != 1:
            return None  # no label at this level's middle, or two
        t = max(near, key=lambda t: t.weight)  # a label read two ways: its first reading
        values.append(float(t.value))
        used.append(replace(t, inlier=True))
    steps = np.diff(values)
    if not (np.all(steps > 0) or np.all(steps < 0)):
        return None
    slope = (values[-1] - values[0]) / (c[-1] - c[0])
    intercept = values[0] - slope * c[0]
    taken = {u.pixel for u in used}
    others = [replace(t, inlier=False) for t in ticks if t.pixel not in taken]
    # the scale spans the bins: from the low end of the lowest range to the high end
    # of the highest ('0-0.2' .. '0.8-1': 0..1); a level of one value is that value
    ends = [bin_ends(t.label) or (t.value, t.value) for t in used]
    return Scale("linear", float(slope), float(intercept), float(min(a for a, _ in ends)),
                 float(max(b for _, b in ends)),
                 tuple(used) + tuple(others), "ticks", tuple(values), level_pixels=tuple(float(v) for v in c))
