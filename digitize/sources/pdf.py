"""PDF pages -> pictures to read: the raster images embedded in a page, and the
page itself rendered (for heatmaps drawn as vectors), each with its page number
and its placement on the page in points. Reading them is the api's business.

Uses pypdfium2 (Apache-2.0/BSD, PDFium's own bindings).
"""
from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..config import DEFAULT_MAX_PIXELS
from ..errors import InputError
from .imageio import LoadedImage, from_array

#: Pages are rendered at this resolution: 8-pt tick labels come out ~22 px tall,
#: which the recogniser reads well, and a letter page stays under 4 MP.
RENDER_DPI = 200
#: A page is rendered at most this large (pixels): a letter page at RENDER_DPI is
#: 3.7 MP, an A0 poster 50 MP; past this a page is rendered at a lower resolution
#: (with a warning), so reading one page stays well under 2 GB of memory.
RENDER_MAX_PIXELS = 20_000_000
#: Embedded images smaller than this (pixels, either side) are icons or logos.
MIN_IMAGE_SIDE = 80


def is_pdf(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a regular file starting with the PDF signature (a FIFO
    or a device is never opened)."""
    return file_head(path, 5) == b"%PDF-"


def file_head(path: str | os.PathLike, n: int) -> bytes | None:
    """The first ``n`` bytes of a regular file; None for anything else (a FIFO or a
    device is never opened) or a file that cannot be read."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as f:
            return f.read(n)
    except (OSError, ValueError):
        return None


def _open(path):
    import pypdfium2 as pdfium

    from .imageio import check_file

    check_file(Path(path))

    try:
        return pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises its own PdfiumError
        raise InputError(f"expected a readable PDF; {path} could not be opened ({exc})",
                         hint="check that the file is a complete, unencrypted PDF") from exc


def page_count(path: str | os.PathLike) -> int:
    doc = _open(path)
    try:
        return len(doc)
    finally:
        doc.close()


#: A heatmap drawn as vectors fills at least this many paths (2 x 2 cells, one
#: colour each); a page with fewer, and no image or shading, holds text and rules only.
MIN_FILLED_PATHS = 4


#: A page of at most this many images, nothing drawn over them, is not rendered.
MAX_PASTED_IMAGES = 4


def _page_figures(page, pdfium_c) -> str:
    """What the page's objects (forms included) can show, in one pass over them:
    'none' (text and rules only: no image, no shading, fewer than
    MIN_FILLED_PATHS filled paths; most pages of a paper, not rendered at all),
    'pasted' (its figures are its images alone, so that its render shows nothing
    more of them: nothing drawn over an image, no labels set on it, no vector
    figure elsewhere, and at most MAX_PASTED_IMAGES images, since a mosaic of
    tiles is seen whole only on the render; scanned or pasted figures with their
    captions) or 'drawn' (the render is read too)."""
    import ctypes

    images, others = [], []
    filled, shaded = 0, False
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    for obj in page.get_objects(max_depth=3):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_SHADING:
            shaded = True
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images.append(obj)
        elif obj.type in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT):
            others.append(obj)
            if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
                pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
                filled += fill.value != 0
    if not images and not shaded and filled < MIN_FILLED_PATHS:
        return "none"
    if not images or shaded or filled >= MIN_FILLED_PATHS or len(images) > MAX_PASTED_IMAGES:
        return "drawn"
    boxes = [_page_bounds(o) for o in images]  # bounds only now: text pages never need them
    over = any(ol < ir and il < orr and ob < it and ib < ot
               for ol, ob, orr, ot in map(_page_bounds, others) for il, ib, ir, it in boxes)
    return "drawn" if over else "pasted"


def _declared_size(obj) -> tuple[int, int]:
    """An image object's size in pixels as the PDF declares it (nothing decoded)."""
    try:
        w, h = obj.get_px_size()
        return int(w), int(h)
    except Exception:  # noqa: BLE001 - pdfium cannot tell: too small to count
        return 0, 0


def _image_key(obj, pdfium_c) -> bytes | None:
    """The image's encoded data (hashed): the same image drawn again has the same key."""
    import ctypes
    import hashlib

    n = pdfium_c.FPDFImageObj_GetImageDataRaw(obj, None, 0)
    if n <= 0:
        return None
    buf = (ctypes.c_ubyte * n)()
    pdfium_c.FPDFImageObj_GetImageDataRaw(obj, buf, n)
    return hashlib.sha1(bytes(buf)).digest() + str(_declared_size(obj)).encode()


Matrix = tuple[float, float, float, float, float, float]


def _times(m: Matrix, n) -> Matrix:
    """``m`` followed by pdfium matrix ``n`` (PDF order: row vector times m times n)."""
    a, b, c, d, e, f = m
    return (a * n.a + b * n.c, a * n.b + b * n.d, c * n.a + d * n.c, c * n.b + d * n.d,
            e * n.a + f * n.c + n.e, e * n.b + f * n.d + n.f)


def forms_matrix(obj, start: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)) -> Matrix:
    """``start`` (a matrix in the space of the object's container) carried into page
    space through the matrix of each Form XObject that holds the object."""
    m = start
    form = getattr(obj, "container", None)
    while form is not None:
        m = _times(m, form.get_matrix())
        form = getattr(form, "container", None)
    return m


def _page_bounds(obj) -> tuple[float, float, float, float]:
    """An object's bounds (left, bottom, right, top) in page space: pdfium gives
    those of an object inside a Form XObject in the form's space, so the corners
    are carried through the forms that hold it."""
    left, bottom, right, top = obj.get_bounds()
    a, b, c, d, e, f = forms_matrix(obj)
    pts = [(a * x + c * y + e, b * x + d * y + f) for x, y in ((left, bottom), (left, top), (right, bottom),
                                                                (right, top))]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


#: A drawn page is rendered only where its figures lie: around its graphics
#: (paths, images, shadings), the text within FIGURE_TEXT_PT of them (axis and
#: colorbar labels, however long) and FIGURE_MARGIN_PT more (a title set apart).
#: Columns of body text beside a figure are left out (a figure in one column of
#: a paper is a quarter of its page, and reading a picture costs by its pixels).
FIGURE_TEXT_PT = 12.0
FIGURE_MARGIN_PT = 24.0
#: A path filled this light (each of R, G, B, of 255), not stroked, and covering
#: more than PAPER_SHARE of the page draws nothing on it: a figure's white
#: background as large as the page (a white cell of a map still counts).
PAPER_LEVEL = 250
PAPER_SHARE = 0.25
#: An area covering more than this share of the page: the page is rendered whole.
FIGURE_MAX_SHARE = 0.85


def figure_area(page, pdfium_c) -> tuple[float, float, float, float] | None:
    """Where a page's figures lie (left, top, right, bottom; points from its
    top-left), None for the whole page: nothing drawn, an area of most of it, or
    a page whose drawing space is not its view (turned, or a crop box apart from
    the media box), where object bounds do not map simply onto the render."""
    if page.get_rotation() % 360 or tuple(page.get_cropbox()) != tuple(page.get_mediabox()) or \
            tuple(page.get_mediabox())[:2] != (0.0, 0.0):
        return None
    import ctypes

    w, h = page.get_size()
    drawn, text = [], []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    rgba = [ctypes.c_uint() for _ in range(4)]
    for obj in page.get_objects(max_depth=3):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            continue  # its objects come next
        box = _page_bounds(obj)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH and (box[2] - box[0]) * (box[3] - box[1]) > PAPER_SHARE * w * h:
            pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
            if fill.value and not stroke.value and pdfium_c.FPDFPageObj_GetFillColor(obj, *map(ctypes.byref, rgba)) \
                    and (min(c.value for c in rgba[:3]) >= PAPER_LEVEL or rgba[3].value == 0):
                continue  # paper on paper (a figure's white background, as large as the page)
        (text if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT else drawn).append(box)
    if not drawn:
        return None
    x0, y0 = min(b[0] for b in drawn), min(b[1] for b in drawn)
    x1, y1 = max(b[2] for b in drawn), max(b[3] for b in drawn)
    r = FIGURE_TEXT_PT
    # text near the graphics themselves (not near text taken in: a column of lines is not taken line by line)
    near = [b for b in text if b[0] <= x1 + r and b[2] >= x0 - r and b[1] <= y1 + r and b[3] >= y0 - r]
    x0, y0 = min([x0] + [b[0] for b in near]), min([y0] + [b[1] for b in near])
    x1, y1 = max([x1] + [b[2] for b in near]), max([y1] + [b[3] for b in near])
    m = FIGURE_MARGIN_PT
    left, right = max(0.0, x0 - m), min(w, x1 + m)
    top, bottom = max(0.0, h - y1 - m), min(h, h - y0 + m)
    if right <= left or bottom <= top or (right - left) * (bottom - top) > FIGURE_MAX_SHARE * w * h:
        return None
    return left, top, right, bottom


def _render(page, dpi: float, limit: int,
            area: tuple[float, float, float, float] | None = None) -> tuple[np.ndarray, float]:
    """A page rendered at ``dpi``, or at the resolution that keeps it under ``limit``
    pixels: (RGB pixels, the dpi used); only ``area`` of it (points from the
    top-left) when given."""
    w, h = page.get_size()
    crop = (0.0, 0.0, 0.0, 0.0) if area is None else (area[0], h - area[3], w - area[2], area[1])
    pixels = ((w - crop[0] - crop[2]) * dpi / 72.0) * ((h - crop[1] - crop[3]) * dpi / 72.0)
    if pixels > limit:
        dpi = max(1.0, dpi * math.sqrt(limit / pixels))
    bitmap = page.render(scale=dpi / 72.0, draw_annots=False, crop=crop)
    return np.asarray(bitmap.to_pil().convert("RGB"), np.uint8), dpi


def render_page(path: str | os.PathLike, index: int, *, dpi: int = RENDER_DPI) -> np.ndarray:
    """Page ``index`` (0-based) rendered at ``dpi``, as (H, W, 3) uint8 RGB (held
    to RENDER_MAX_PIXELS like ``page_pictures``' render)."""
    doc = _open(path)
    try:
        return _render(doc[index], dpi, RENDER_MAX_PIXELS)[0]
    finally:
        doc.close()


def _image_pixels(obj) -> np.ndarray:
    """An embedded image's pixels as the page shows them: its own samples, laid over
    white where its soft mask makes it transparent (a figure saved as a PNG with
    a transparent background keeps black under its mask: its black text would
    vanish into black). The mask is taken from pdfium's rendering of the image."""
    import cv2

    rgb = np.asarray(obj.get_bitmap(render=False).to_pil().convert("RGB"), np.uint8)
    shown = np.asarray(obj.get_bitmap(render=True).to_pil())
    if shown.ndim != 3 or shown.shape[2] != 4 or shown[..., 3].min() == 255:
        return rgb
    alpha = shown[..., 3]
    if alpha.shape != rgb.shape[:2]:
        alpha = cv2.resize(alpha, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_NEAREST)
    a = alpha[..., None].astype(np.float32) / 255.0
    return np.round(rgb * a + 255.0 * (1.0 - a)).astype(np.uint8)


#: A page drawing an image of more than this many times the pixel limit is not
#: rendered: pdfium scales the image whole to draw it (a declared 97003 x 100000
#: image took 20 s). Below it the page is rendered and only the image skipped.
OVERSIZED_FACTOR = 25


def page_pictures(path: str | os.PathLike, index: int, *, dpi: int = RENDER_DPI,
                  max_pixels: int = DEFAULT_MAX_PIXELS, render: bool = True,
                  decoded: dict[bytes, np.ndarray] | None = None) -> list[LoadedImage]:
    """The embedded raster images of page ``index`` (0-based), then the rendered page
    (unless ``render`` is False; only around its figures, ``figure_area``); each
    knows its page (1-based) and where it lies on the page in points. A page of
    text and rules only (``_page_figures``) gives none. ``decoded``: images'
    pixels already decoded, by key (``_image_key``)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = _open(path)
    source = f"{path}#page={index + 1}"
    try:
        page = doc[index]
        page_w, page_h = page.get_size()
        figures = _page_figures(page, pdfium_c)
        if figures == "none":
            return []  # text and rules only: nothing to render
        out = []
        notes: list[str] = []
        seen: set[bytes] = set()
        oversized = False
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
            iw, ih = _declared_size(obj)
            if min(iw, ih) < MIN_IMAGE_SIDE:
                continue
            if iw * ih > max_pixels:  # checked before anything is decoded
                notes.append(f"page {index + 1}: skipped an embedded image of {iw}x{ih} pixels, over the "
                             f"limit of {max_pixels}")
                oversized = oversized or iw * ih > OVERSIZED_FACTOR * max_pixels
                continue
            key = _image_key(obj, pdfium_c)
            if key is not None and key in seen:
                continue  # one analysis per distinct image, however often the page draws it
            seen.add(key)
            try:
                rgb = decoded[key] if decoded is not None and key in decoded else _image_pixels(obj)
            except Exception:  # noqa: BLE001 - an image pdfium cannot decode is skipped
                continue
            left, bottom, right, top = _page_bounds(obj)
            pic = from_array(rgb, source=source)
            out.append(LoadedImage(pic.rgb, source, page=index + 1, kind="embedded",
                                   placement=(left, page_h - top, right, page_h - bottom)))
        # drawing the page would decode an image far past the limit (pdfium scales it whole)
        if not render or (out and figures == "pasted") or oversized:
            return [replace(p, warnings=tuple(p.warnings) + tuple(notes)) for p in out] if notes else out
        limit = min(max_pixels, RENDER_MAX_PIXELS)
        area = figure_area(page, pdfium_c)
        rgb, fit = _render(page, dpi, limit, area)
        if fit != dpi:
            notes.append(f"page {index + 1} is {page_w / 72:.0f} x {page_h / 72:.0f} inches: rendered at "
                         f"{fit:.1f} dpi instead of {dpi} to stay under {limit} pixels")
            dpi = fit
        pic = from_array(rgb, source=source)
        h, w = rgb.shape[:2]
        to_pt = 72.0 / dpi
        left, top = area[:2] if area is not None else (0.0, 0.0)
        out.append(LoadedImage(pic.rgb, source, page=index + 1, kind="page",
                               placement=(left, top, left + w * to_pt, top + h * to_pt), lossy=False))
        return [replace(p, warnings=tuple(p.warnings) + tuple(notes)) for p in out] if notes else out
    except pdfium.PdfiumError as exc:
        raise InputError(f"expected a readable page {index + 1} in {path}; pdfium failed ({exc})") from exc
    finally:
        doc.close()
