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
    n, lab, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
    if n <= 1:
        return []
    sizes = [max(int(s[2]), int(s[3])) for s in stats[1:] if s[4] >= 4]
    s = char_size or (float(np.median(sizes)) if sizes else 6.0)
    k = max(2, int(round(0.45 * s)))
    kx, ky = (max(2, int(round(0.9 * s))), max(1, int(round(0.25 * s)))) if lines else (k, k)
    if columns:  # turned labels side by side (under a horizontal bar): join along each column
        kx, ky = ky, kx
    joined = cv2.dilate(sub, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky)))
    n2, lab2, stats2, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    blobs = []
    for i in range(1, n2):
        bx, by, bw, bh, _area = (int(v) for v in stats2[i])
        own_box = (lab2[by:by + bh, bx:bx + bw] == i) & (sub[by:by + bh, bx:bx + bw] > 0)
        ys, xs = np.nonzero(own_box)
        if len(xs) < 3:
            continue
        ys, xs = ys + by, xs + bx
        y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        box = Box(r.x0 + x0, r.y0 + y0, r.x0 + x1, r.y0 + y1)
        own = own_box[y0 - by:y1 - by, x0 - bx:x1 - bx]
        blob = Blob(box, _text_angle(xs, ys, s), len(xs), s, own)
        blobs.append(replace(blob, angle=0.0) if exponents and raised_tail(blob) else blob)
    return blobs


def _text_angle(xs: np.ndarray, ys: np.ndarray, char_size: float) -> float:
    """0 for horizontal text, 90 for vertical, else the diagonal (degrees, y up)."""
    w = xs.max() - xs.min() + 1
    h = ys.max() - ys.min() + 1
    if max(w, h) < 1.6 * char_size:  # one or two characters: assume upright
        return 0.0
    if h > 1.8 * w and w < 1.6 * char_size:
        return 90.0
    if w > 1.8 * h and h < 1.6 * char_size:
        return 0.0
    # diagonal: principal axis of the pixels, trusted only when clearly elongated
    x = xs - xs.mean()
    y = -(ys - ys.mean())
    cov = np.cov(np.stack([x, y]))
    evals, evecs = np.linalg.eigh(cov)
    vx, vy = evecs[:, -1]
    ang = float(np.degrees(np.arctan2(vy, vx)))
    if ang > 90:
        ang -= 180
    if ang <= -90:
        ang += 180
    elongated = evals[-1] > 6.0 * max(evals[0], 1e-9)
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
