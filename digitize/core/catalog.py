"""The named colormaps people draw heatmaps with, and recognising one in a figure.

The catalog (``data/colormaps.npz``, built by ``scripts/make_colormap_catalog.py``
from matplotlib, seaborn, cmocean and cmcrameri) holds each colormap's own lookup
table. A value v on a colorbar from vmin to vmax is drawn with entry
``floor(f * N)`` of the table, f = (t(v) - t(vmin)) / (t(vmax) - t(vmin)). When the
colours sampled along a bar match one entry of the catalog, the exact table
replaces the samples for the lookup: entry i stands for f = (i + 0.5) / N, which
removes the blur and the off-by-a-pixel of the rendered bar.

Pure numpy; the npz is read once.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model import Colormap, Scale, frozen_array
from ..resources import colormap_catalog
from .lookup import delta_e, rgb_to_lab

#: A bar matches a catalog colormap when its colours differ from the table's, at the
#: same place on the scale, by at most this mean delta E. Exact renders give < 1;
#: JPEG at quality 60..95 and the colour management of screenshots give 1..3.
BAR_MATCH_DELTA_E = 3.5

#: Share of each bar end left out of the comparison (outlines, extend arrows).
BAR_END_MARGIN = 0.03

#: Without a colorbar, cells match a colormap when their mean distance to its
#: curve is at most this, and their colours cover at least MIN_COVER of it.
CELL_MATCH_DELTA_E = 2.0
MIN_COVER = 0.25


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    rgb: np.ndarray  # (N, 3) uint8, from the low end of the scale to the high end
    lab: np.ndarray  # (N, 3) float32


@dataclass(frozen=True)
class CatalogMatch:
    entry: CatalogEntry
    distance: float  # mean delta E between the figure's colours and the entry's


@lru_cache(maxsize=1)
def load_catalog() -> tuple[CatalogEntry, ...]:
    """Every catalog colormap in both directions (reversed ones named ``*_r``)."""
    out = []
    names, lengths, all_rgb = colormap_catalog()
    all_lab = rgb_to_lab(all_rgb)
    ends = np.cumsum(lengths)
    for name, end, n in zip(names, ends.tolist(), lengths.tolist()):
        rgb = np.ascontiguousarray(all_rgb[end - n:end], np.uint8)
        lab = all_lab[end - n:end]
        out.append(CatalogEntry(name, frozen_array(rgb, np.uint8), frozen_array(lab, np.float32)))
        out.append(CatalogEntry(name + "_r", frozen_array(rgb[::-1], np.uint8),
                                frozen_array(lab[::-1], np.float32)))
    return tuple(out)


#: Fractions of the scale at which every entry is resampled for matching a bar.
_STACK_SIZE = 1024


@lru_cache(maxsize=1)
def _stack() -> tuple[tuple[CatalogEntry, ...], np.ndarray]:
    """All entries resampled (nearest entry) to _STACK_SIZE fractions: (K, size, 3) Lab."""
    entries = load_catalog()
    f = (np.arange(_STACK_SIZE) + 0.5) / _STACK_SIZE
    return entries, np.stack([e.lab[np.minimum((f * len(e.lab)).astype(int), len(e.lab) - 1)]
                              for e in entries])


def _fractions(scale: Scale, pixels: np.ndarray) -> np.ndarray:
    """Where bar pixels lie on the scale, 0 at vmin and 1 at vmax (in the scale's
    own units: decades on a log bar). NaN when the scale has no extent."""
    span = scale._t(scale.vmax) - scale._t(scale.vmin)
    if not np.isfinite(span) or span == 0:
        return np.full(len(pixels), np.nan)
    return (scale._t(scale.pixel_to_value(np.asarray(pixels, np.float64))) - scale._t(scale.vmin)) / span


def match_bar(colormap: Colormap, scale: Scale) -> CatalogMatch | None:
    """The catalog colormap the colours sampled along a bar are, if any.

    Each sample is compared with the entry's colour at the same place on the
    scale (so a map and its reverse, or two maps with the same colours spread
    differently, are told apart). Returns None when nothing is within
    ``BAR_MATCH_DELTA_E``.
    """
    if len(colormap.positions) < 8:
        return None
    f = _fractions(scale, colormap.positions)
    keep = (f > BAR_END_MARGIN) & (f < 1 - BAR_END_MARGIN)  # False where f is NaN
    if keep.sum() < 8:
        return None
    entries, stack = _stack()
    idx = np.minimum((f[keep] * _STACK_SIZE).astype(int), _STACK_SIZE - 1)
    d = delta_e(stack[:, idx], np.asarray(colormap.lab, np.float32)[keep][None])  # (K, M)
    mean = d.mean(axis=1)
    best = int(np.argmin(mean))
    if mean[best] > BAR_MATCH_DELTA_E:
        return None
    return CatalogMatch(entries[best], float(mean[best]))


#: The bar's own rendering of an entry replaces the table's colour when they are
#: this close (delta E): renderers round colours, and cells are rounded the same way.
RENDERED_DELTA_E = 2.5


def rendered_entries(match: CatalogMatch, bar: Colormap, scale: Scale) -> np.ndarray:
    """The table with each entry the bar shows replaced by the bar's own rendering
    of it: the cells were drawn by the same renderer, so they match those colours
    exactly, and each keeps its exact place on the scale from the table. Only bar
    pixels whose centre lies well inside an entry's stretch (the middle half) are
    taken; entries without one keep the table's colour."""
    table = np.array(match.entry.lab, np.float32)
    n = len(table)
    f = _fractions(scale, bar.positions) * n
    central = (f >= 0) & (f < n) & (np.abs(f % 1.0 - 0.5) <= 0.25)
    entry = f[central].astype(int)
    lab = np.asarray(bar.lab, np.float32)[central]
    close = delta_e(lab, table[entry]) < RENDERED_DELTA_E
    out = table.copy()
    keys, medians = _group_medians(entry[close], lab[close])
    out[keys] = medians
    return out


def _group_medians(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For (N,) integer keys and (N, D) values: the distinct keys and, for each,
    the per-column median of its values (the mean of the middle two for even
    counts, as np.median)."""
    if len(keys) == 0:
        return keys, values[:0]
    cols = []
    for c in range(values.shape[1]):
        order = np.lexsort((values[:, c], keys))
        cols.append(values[order, c])
    k = np.sort(keys)
    starts = np.flatnonzero(np.diff(k, prepend=k[0] - 1))
    counts = np.diff(np.append(starts, len(k)))
    lo, hi = starts + (counts - 1) // 2, starts + counts // 2
    med = np.stack([(v[lo] + v[hi]) / 2 for v in cols], axis=1).astype(values.dtype)
    return k[starts], med


def catalog_colormap(match: CatalogMatch, scale: Scale, bar: Colormap | None = None) -> Colormap:
    """The matched table laid on the bar's pixel axis: entry i at f = (i + 0.5) / N.

    Runs of identical entries (8-bit tables repeat colours where the map is flat)
    become one vertex at the middle of the run, so a colour is placed at the
    centre of every value that draws it, not at the first.
    """
    e = match.entry
    n = len(e.lab)
    lab = rendered_entries(match, bar, scale) if bar is not None else np.asarray(e.lab, np.float32)
    f = (np.arange(n) + 0.5) / n
    starts = np.concatenate([[0], np.flatnonzero(np.any(np.diff(e.rgb.astype(np.int16), axis=0) != 0, axis=1)) + 1])
    counts = np.diff(np.concatenate([starts, [n]]))
    f = np.add.reduceat(f, starts) / counts
    t0, t1 = scale._t(scale.vmin), scale._t(scale.vmax)
    positions = scale.value_to_pixel(scale._inv_t(t0 + f * (t1 - t0)))
    return Colormap(frozen_array(positions), frozen_array(lab[starts], np.float32),
                    frozen_array(e.rgb[starts], np.uint8), e.name, match.distance)


#: A bar-less key's pixel axis: any length will do, only places along it matter.
KEY_AXIS = 1000.0


def barless_key(match: CatalogMatch, *, vmin: float | None, vmax: float | None,
                kind: str) -> tuple[Colormap, Scale, str]:
    """No colorbar, and the cells' colours on the catalog map ``match``: that map on
    the user's scale (``vmin``..``vmax``, its direction assumed), else on 0..1
    positions along it with the scale unknown (numbers printed in the cells may
    fit it later); with the warning to give."""
    from dataclasses import replace

    from .scale import user_scale

    if vmin is not None:
        scale = user_scale(vmin, vmax, 0.0, KEY_AXIS, kind=kind, increasing_with_pixel=True)
        note = (f"no colorbar found: the colours match the '{match.entry.name}' colormap, laid on the "
                f"--vmin/--vmax scale {vmin:g}..{vmax:g} (its direction is assumed)")
    else:
        scale = replace(user_scale(0.0, 1.0, 0.0, KEY_AXIS, kind="linear", increasing_with_pixel=True),
                        source="unknown")
        note = (f"no colorbar found: values are positions 0..1 along the '{match.entry.name}' colormap, not "
                f"data values; the scale is unknown (give --vmin/--vmax to set it)")
    return catalog_colormap(match, scale), scale, note


#: Colours projected onto every catalog map at once, this many at a time.
_MATCH_CHUNK = 32


@lru_cache(maxsize=1)
def _forward_curves():
    """The forward catalog maps (a map and its reverse fit cells alike), each
    thinned to about 128 samples and padded to one length by repeating its end:
    (entries, segment starts (K, S, 3), segments, their squared lengths (K, S),
    samples per map (K,))."""
    entries = [e for e in load_catalog() if not e.name.endswith("_r")]
    curves = [np.asarray(e.lab[:: max(1, len(e.lab) // 128)], np.float32) for e in entries]
    n = max(len(c) for c in curves)
    padded = np.stack([np.concatenate([c, np.repeat(c[-1:], n - len(c), axis=0)]) for c in curves])
    starts = padded[:, :-1]
    segs = padded[:, 1:] - starts
    seg_len2 = np.maximum((segs * segs).sum(axis=2), 1e-12)
    return entries, starts, segs, seg_len2, np.array([len(c) for c in curves], np.float64)


def _project(pts: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each colour projected onto the catalog maps ``keep`` (indices): (index along
    each map (P, K'), residual delta E (P, K'))."""
    _, starts, segs, seg_len2, lengths = _forward_curves()
    starts, segs, seg_len2, lengths = starts[keep], segs[keep], seg_len2[keep], lengths[keep]
    index = np.zeros((len(pts), len(keep)), np.float64)
    residual = np.zeros((len(pts), len(keep)), np.float32)
    for lo in range(0, len(pts), _MATCH_CHUNK):  # every map at once, a chunk of colours at a time
        p = pts[lo:lo + _MATCH_CHUNK, None, None, :]  # (c, 1, 1, 3)
        t = np.clip(np.einsum("ckse,kse->cks", p - starts, segs) / seg_len2, 0.0, 1.0)  # (c, K, S)
        d = p - (starts + t[..., None] * segs)
        d2 = np.einsum("ckse,ckse->cks", d, d)
        best_seg = d2.argmin(axis=2)  # (c, K)
        tt = np.take_along_axis(t, best_seg[..., None], axis=2)[..., 0]
        index[lo:lo + _MATCH_CHUNK] = np.minimum(best_seg + tt, (lengths - 1)[None, :])
        residual[lo:lo + _MATCH_CHUNK] = np.sqrt(np.take_along_axis(d2, best_seg[..., None], axis=2)[..., 0])
    return index, residual


@lru_cache(maxsize=1)
def _vertices():
    """The forward maps' samples (K, S + 1, 3) float64, their squared norms, and
    half the longest segment of each map (K,): a colour within d of a map's curve
    is within d + that half of one of its samples."""
    _, starts, segs, seg_len2, _ = _forward_curves()
    v = np.concatenate([starts, starts[:, -1:] + segs[:, -1:]], axis=1).astype(np.float64)
    return v, (v * v).sum(axis=2), np.sqrt(seg_len2.astype(np.float64)).max(axis=1) / 2


def _could_match(pts: np.ndarray, keep: np.ndarray, limit: float) -> np.ndarray:
    """The maps of ``keep`` whose mean distance to the colours may be ``limit`` or
    less. Exact, not a guess: the distance to a curve is at least the distance to
    its nearest sample less half the curve's longest segment, so a map whose mean
    of those bounds is past the limit is past it in _project too; the bound takes
    one matrix product, the projection a pass over every segment."""
    if not len(keep):
        return keep
    v, vv, half = _vertices()
    v, vv, half = v[keep], vv[keep], half[keep]
    flat, norms = v.reshape(-1, 3), vv.reshape(-1)
    bound = np.zeros(len(keep))
    for lo in range(0, len(pts), 4 * _MATCH_CHUNK):
        p = np.asarray(pts[lo:lo + 4 * _MATCH_CHUNK], np.float64)
        d2 = (p * p).sum(axis=1)[:, None] - 2.0 * (p @ flat.T) + norms[None]
        near = np.sqrt(np.maximum(d2.reshape(len(p), len(keep), -1).min(axis=2), 0.0))
        bound += np.maximum(near - half[None], 0.0).sum(axis=0)
    return keep[bound / len(pts) <= limit + _BOUND_SLACK]


#: Rounding room for _could_match (the projection runs in float32).
_BOUND_SLACK = 1e-3


#: Colours compared with every catalog map first (a map that does not explain
#: them within twice the match limit is out), and at most this many in all.
_COARSE_COLOURS, _MATCH_COLOURS = 96, 1000


def match_cells(lab_colours: np.ndarray) -> CatalogMatch | None:
    """The catalog colormap a set of cell colours lie on, when there is no colorbar.

    Only the curve's shape can be compared, so a map and its reverse fit equally;
    the forward name is reported. Needs the colours to cover a good part of the
    curve (a handful of similar colours fit many maps). A few of the colours pick
    the maps worth comparing all of them with.
    """
    pts = np.asarray(lab_colours, np.float32).reshape(-1, 3)
    if len(pts) < 4:
        return None
    if len(pts) > _MATCH_COLOURS:
        pts = pts[np.linspace(0, len(pts) - 1, _MATCH_COLOURS).astype(int)]
    entries, _, _, _, lengths = _forward_curves()
    keep = np.arange(len(entries))
    if len(pts) > 2 * _COARSE_COLOURS:
        few = pts[np.linspace(0, len(pts) - 1, _COARSE_COLOURS).astype(int)]
        keep = _could_match(few, keep, 2 * CELL_MATCH_DELTA_E)
        if len(keep):
            keep = keep[_project(few, keep)[1].mean(axis=0) <= 2 * CELL_MATCH_DELTA_E]
    # a map past the limit cannot be the match, so the bound changes nothing but the time
    keep = _could_match(pts, keep, CELL_MATCH_DELTA_E)
    if not len(keep):
        return None
    index, residual = _project(pts, keep)
    means = residual.mean(axis=0)
    span = np.maximum(lengths[keep] - 1, 1)
    cover = (np.quantile(index, 0.98, axis=0) - np.quantile(index, 0.02, axis=0)) / span
    ok = np.flatnonzero(cover >= MIN_COVER)
    if not len(ok):
        return None
    best = ok[means[ok].argmin()]
    if float(means[best]) > CELL_MATCH_DELTA_E:
        return None
    return CatalogMatch(entries[keep[best]], float(means[best]))
