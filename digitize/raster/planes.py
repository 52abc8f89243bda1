"""The pixels of one picture and the planes derived from them, kept together.

``Planes`` is what every raster stage reads: the RGB image, its CIELAB version,
the page (background) colour and every pixel's distance from it, and, once the
layout is known, the ink mask (text and tick-mark pixels). Arrays are read-only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from ..core.lookup import lab_and_distance, rgb_to_lab
from ..model import Box

#: A pixel is foreground when it is this far (delta E) from the background. Text
#: anti-aliasing and light colormap ends (Blues starts at delta E ~3 from white)
#: sit near it; 3.5 keeps the near-white cells while JPEG noise on white (< 2) stays out.
FG_DELTA_E = 3.5


def background_colour(rgb: np.ndarray) -> tuple[int, int, int]:
    """The most common colour of the image border (RGB)."""
    border = np.concatenate([rgb[0], rgb[-1], rgb[:, 0], rgb[:, -1]]).astype(np.int32)
    q = (border // 4)
    packed = (q[:, 0] << 12) | (q[:, 1] << 6) | q[:, 2]
    vals, counts = np.unique(packed, return_counts=True)
    mode = vals[counts.argmax()]
    sel = border[packed == mode]
    return tuple(int(v) for v in np.median(sel, axis=0).round())


#: Ink (text, tick marks) is told from faint JPEG ringing around it by contrast: a
#: pixel is ink when it is further from the background than this share of the
#: figure's ink contrast (the 99th percentile outside the plots and bars), so black
#: text keeps its strokes (> ~38) and grey text styles (#aaa, contrast ~31) keep
#: theirs (> ~12).
INK_SHARE = 0.4
INK_WEAK_SHARE = 0.2


def ink_mask(d: np.ndarray, boxes: tuple[Box, ...] = ()) -> np.ndarray:
    """(H, W) bool: text and tick-mark pixels (see INK_SHARE), from every pixel's
    distance to the page colour (``Planes.distance``); ``boxes`` (plots, bars) are
    left out of the contrast estimate."""
    outside = np.ones(d.shape, bool)
    for b in boxes:
        outside[b.y0:b.y1, b.x0:b.x1] = False
    strong = d[outside & (d > FG_DELTA_E)]
    contrast = float(np.quantile(strong, 0.99)) if strong.size >= 20 else 0.0
    hi = max(FG_DELTA_E, INK_SHARE * contrast)
    lo = max(FG_DELTA_E, INK_WEAK_SHARE * contrast)
    # hysteresis: faint stroke pixels count when they touch a strong one
    n, labels = cv2.connectedComponents((d > lo).astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[labels[d > hi]] = True
    keep[0] = False
    return keep[labels]


@dataclass(frozen=True)
class Planes:
    """rgb : (H, W, 3) uint8; lab : (H, W, 3) float32; distance : (H, W) float32
    delta E of each pixel from ``background`` (RGB), whose Lab is ``bg_lab``;
    ink : (H, W) bool text and tick-mark pixels, None until ``with_ink``;
    cell_delta_e : how far from the page a pixel is drawn (``foreground_delta_e``)."""

    rgb: np.ndarray
    lab: np.ndarray
    background: tuple[int, int, int]
    bg_lab: np.ndarray
    distance: np.ndarray
    ink: np.ndarray | None = None
    cell_delta_e: float = 3.5


    @property
    def shape(self) -> tuple[int, int]:
        return self.rgb.shape[:2]


#: In a lossless picture the page colour is exact, and a cell this far from it
#: (delta E) is a colour: Blues, Greens and YlOrRd start about 3 from white.
LOSSLESS_FG_DELTA_E = 1.5


#: A picture of unknown encoding is taken as lossless when the pixels just off the
#: page colour hold at most this many distinct colours (anti-aliasing makes a few
#: dozen; JPEG noise makes hundreds).
LOSSLESS_MAX_NEAR_COLOURS = 100


def foreground_delta_e(distance: np.ndarray, rgb: np.ndarray, lossy: bool | None) -> float:
    """How far from the page colour a pixel must be to count as drawn: FG_DELTA_E
    where compression noise sits on the page (JPEG moves white by up to ~2), less
    where the page colour is exact (a PNG, a rendered page)."""
    if lossy is None:
        near = (distance > 0.05) & (distance < 3.0)
        colours = rgb[near][:: max(1, int(near.sum()) // 200_000)].astype(np.int32)
        distinct = len(np.unique(colours @ np.array([65536, 256, 1], np.int32))) if colours.size else 0
        lossy = distinct > LOSSLESS_MAX_NEAR_COLOURS
    return FG_DELTA_E if lossy else LOSSLESS_FG_DELTA_E


def picture_planes(*, rgb: np.ndarray, lossy: bool | None = None) -> Planes:
    """The Lab image, the page colour and each pixel's distance from it; ``lossy``
    says whether the picture's encoding moved its colours (None: unknown)."""
    background = background_colour(rgb)
    bg_lab = rgb_to_lab(np.array(background, np.uint8))
    lab, distance = lab_and_distance(rgb, bg_lab)
    return Planes(rgb, lab, background, bg_lab, distance, cell_delta_e=foreground_delta_e(distance, rgb, lossy))


def with_ink(*, planes: Planes, boxes: tuple[Box, ...]) -> Planes:
    """The planes with their ink mask; ``boxes`` (plots, bars) are left out of the
    estimate of the figure's ink contrast."""
    return replace(planes, ink=ink_mask(planes.distance, boxes))
