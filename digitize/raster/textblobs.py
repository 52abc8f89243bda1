"""Group foreground pixels into text blobs (one per label), and turn a blob into a
crop the recogniser can read. Pure image processing on masks."""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..model import Box


@dataclass(frozen=True, eq=False)
class Blob:
    """A group of text pixels: its box and the orientation of its text.

    angle : 0 (reads left to right), 90 (reads bottom to top), -90 (top to bottom),
            or a diagonal such as 45
    """

    box: Box
    angle: float
    pixels: int
    char_size: float
    mask: np.ndarray  # (box.height, box.width) bool: this blob's own pixels


def find_blobs(mask: np.ndarray, region: Box, *, char_size: float | None = None,
               lines: bool = False, columns: bool = False, exponents: bool = False) -> list[Blob]:
    """Text blobs inside ``region`` of a boolean mask (pixels already restricted to text).

    lines : the labels are horizontal lines stacked one above the other (a vertical
        colorbar's): join letters generously along a line ("1." and "00" across a
        thin decimal point) and barely across lines.
    columns : the labels are turned a quarter, side by side (under a horizontal
        colorbar): the same, along columns.
    exponents : the labels are upright, and may be powers of ten with a large
        raised exponent (a colorbar's): one that leans like diagonal text is
        taken as upright (``raised_tail``).
    """
    r = region.clip(mask.shape)
    if r.width < 2 or r.height < 2:
        return []
    sub = mask[r.y0:r.y1, r.x0:r.x1].astype(np.uint8)
    if char_size:
        if not sub.any():
            return []
        s = char_size
    else:  # the letters' median size (labels of 16 bits where they fit: a third faster)
        ltype = cv2.CV_16U if int(np.count_nonzero(sub)) < 1 << 16 else cv2.CV_32S
        n, _, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8, ltype=ltype)
        if n <= 1:
            return []
        big = stats[1:][stats[1:, 4] >= 4]
        s = float(np.median(np.maximum(big[:, 2], big[:, 3]))) if len(big) else 6.0
    k = max(2, int(round(0.45 * s)))
    kx, ky = (max(2, int(round(0.9 * s))), max(1, int(round(0.25 * s)))) if lines else (k, k)
    if columns:  # turned labels side by side (under a horizontal bar): join along each column
        kx, ky = ky, kx
    joined = cv2.dilate(sub, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky)))
    n2, lab2 = cv2.connectedComponents(joined, connectivity=8)
    # each blob's own pixels (the text pixels of its joined group), grouped by blob
    # in one pass, in raster order within each: a stable sort of their labels
    ys_all, xs_all = np.nonzero(sub)
    which = lab2[ys_all, xs_all]
    order = np.argsort(which.astype(np.uint16) if n2 <= 1 << 16 else which, kind="stable")
    ys_all, xs_all, which = ys_all[order], xs_all[order], which[order]
    starts = np.searchsorted(which, np.arange(1, n2 + 1))
    blobs = []
    for i in range(1, n2):
        a, z = starts[i - 1], starts[i]
        if z - a < 3:
            continue
        ys, xs = ys_all[a:z], xs_all[a:z]
        y0, y1, x0, x1 = int(ys[0]), int(ys[-1]) + 1, int(xs.min()), int(xs.max()) + 1
        box = Box(r.x0 + x0, r.y0 + y0, r.x0 + x1, r.y0 + y1)
        own = (lab2[y0:y1, x0:x1] == i) & (sub[y0:y1, x0:x1] > 0)
        blob = Blob(box, _text_angle(xs, ys, s, (x1 - x0, y1 - y0)), int(z - a), s, own)
        blobs.append(replace(blob, angle=0.0) if exponents and raised_tail(blob) else blob)
    return blobs


def _text_angle(xs: np.ndarray, ys: np.ndarray, char_size: float,
                size: tuple[int, int] | None = None) -> float:
    """0 for horizontal text, 90 for vertical, else the diagonal (degrees, y up).
    ``size``: the pixels' (width, height), when known."""
    w, h = size if size is not None else (xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
    if max(w, h) < 1.6 * char_size:  # one or two characters: assume upright
        return 0.0
    if h > 1.8 * w and w < 1.6 * char_size:
        return 90.0
    if w > 1.8 * h and h < 1.6 * char_size:
        return 0.0
    # diagonal: principal axis of the pixels, trusted only when clearly elongated
    # (the 2 x 2 covariance's eigenvalues and major axis in closed form; y up)
    x = xs - xs.mean()
    y = ys.mean() - ys
    n = max(len(xs) - 1, 1)
    a, b, c = float(x @ x) / n, float(x @ y) / n, float(y @ y) / n
    mid, half = (a + c) / 2, float(np.hypot((a - c) / 2, b))
    ang = float(np.degrees(0.5 * np.arctan2(2 * b, a - c)))  # in (-90, 90]
    if ang <= -90:
        ang += 180
    elongated = mid + half > 6.0 * max(mid - half, 1e-9)
    if elongated and 20 <= abs(ang) <= 70:
        return float(round(ang))
    if h > 1.5 * w:
        return 90.0
    return 0.0


#: Upright text ending in a raised exponent ('10' then a superscript '-4'): no
#: taller than this many letters, with this share of its inked columns or more
#: (the base, at its left end) reaching down to one baseline, within BASELINE_SHARE
#: of a letter (round glyphs end a little above it), and those right of it ending
#: in the upper half.
RAISED_MAX_LETTERS = 2.4
RAISED_BASE_SHARE = 0.4
BASELINE_SHARE = 0.4


def raised_tail(blob: Blob) -> bool:
    """Whether a blob taken for text on a rising diagonal is upright text with a
    superscript after its base ('10' then a raised '-4', as bokeh and R set a
    power of ten): the columns of its left part reach down to one baseline, over a
    good part of its width, and those right of them end in its upper half. Text
    turned 45 degrees has a baseline that rises from its first letter on (at small
    sizes the two look alike: ask this only where labels are not turned, along a
    colorbar)."""
    if blob.angle <= 0 or blob.angle >= 90:
        return False
    ys, xs = np.nonzero(blob.mask)
    h = ys.max() - ys.min() + 1
    if h > RAISED_MAX_LETTERS * blob.char_size:
        return False
    x0 = xs.min()
    bottom = np.full(xs.max() - x0 + 1, -1)
    np.maximum.at(bottom, xs - x0, ys)
    inked = np.flatnonzero(bottom >= 0)
    base = inked[bottom[inked] >= ys.max() - BASELINE_SHARE * blob.char_size]
    # ending in the upper half (the sides of a round base glyph end in between)
    raised = inked[bottom[inked] < ys.max() - h / 2]
    return (len(raised) > 0 and len(base) >= RAISED_BASE_SHARE * len(inked)
            and int(base.max()) < int(raised.min()))


def blob_crop(rgb: np.ndarray, blob: Blob, background: tuple[int, int, int], *, pad: int = 2) -> np.ndarray:
    """The blob's pixels on a plain background, with ``pad`` pixels around:
    neighbouring labels that overlap its box (diagonal text) are blanked out."""
    b = blob.box
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = max(0, b.x0 - pad), max(0, b.y0 - pad), min(w, b.x1 + pad), min(h, b.y1 + pad)
    crop = np.array(rgb[y0:y1, x0:x1])
    keep = np.zeros(crop.shape[:2], np.uint8)
    keep[b.y0 - y0:b.y1 - y0, b.x0 - x0:b.x1 - x0] = blob.mask
    keep = cv2.dilate(keep, np.ones((5, 5), np.uint8)).astype(bool)
    crop[~keep] = background
    return crop
