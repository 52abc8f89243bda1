"""A PDF page -> its ``VectorPage``: filled rectangles with their fill colours,
placed images with their pixels, text objects with their exact strings, and tick
marks, all in points from the page's top-left corner (objects inside Form
XObjects carried through each form's matrix).

Uses pypdfium2's page objects (PDFium, the renderer already used for pages):
one library for objects and renders keeps their coordinates the same, and it
walks a page's objects in C (a 30 x 30 heatmap of filled paths reads in a few
milliseconds), where pdfminer.six would parse the content stream in Python.
"""
from __future__ import annotations

import ctypes
import os

import numpy as np

from .objects import PlacedImage, TextItem, VectorPage, empty_boxes, join_text, with_drawn_minus
from .pdf import _image_key, _image_pixels, _open, _page_bounds, forms_matrix

#: Images decoded for the vector reader (a colorbar strip, or cells at the data's
#: own resolution) hold at most this many pixels; larger ones are pictures for
#: the raster path.
MAX_IMAGE_PIXELS = 1_000_000
#: A stroked line at most this long (points) is a tick mark.
MAX_MARK_LENGTH = 15.0


def _matrix(obj) -> tuple[float, float, float, float, float, float]:
    """An object's matrix carried into page space through the forms that hold it."""
    m = obj.get_matrix()
    return forms_matrix(obj, (m.a, m.b, m.c, m.d, m.e, m.f))


def _straight(obj, n: int, pdfium_c) -> bool:
    """Whether a path of ``n`` segments has no curves."""
    return all(pdfium_c.FPDFPathSegment_GetType(pdfium_c.FPDFPath_GetPathSegment(obj, k))
               != pdfium_c.FPDF_SEGMENT_BEZIERTO for k in range(n))


def _path_box(obj, n: int, pdfium_c, page_h: float) -> tuple[float, float, float, float]:
    """The box of a path's own points in page space (top-left origin): the centre
    line of its stroke, where the object's bounds add the stroke's width."""
    a, b, c, d, e, f = _matrix(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    xs, ys = [], []
    for k in range(n):
        pdfium_c.FPDFPathSegment_GetPoint(pdfium_c.FPDFPath_GetPathSegment(obj, k), ctypes.byref(x), ctypes.byref(y))
        xs.append(a * x.value + c * y.value + e)
        ys.append(page_h - (b * x.value + d * y.value + f))
    return min(xs), min(ys), max(xs), max(ys)


def _text_of(obj, textpage, pdfium_c) -> str:
    n = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    if n <= 1:
        return ""
    buf = (ctypes.c_ushort * n)()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buf, n)
    return bytes(buf).decode("utf-16-le", "replace").rstrip("\x00")


def _shown(rgb: np.ndarray, m) -> np.ndarray:
    """An image's pixels as the page shows them (row 0 at the top), from its matrix
    (image space: row 0 at the unit square's top)."""
    a, b, c, d = m[:4]
    if abs(a) + abs(d) >= abs(b) + abs(c):
        out = rgb[::-1] if d < 0 else rgb
        return out[:, ::-1] if a < 0 else out
    out = np.transpose(rgb, (1, 0, 2))  # image columns run along the page's y
    out = out if -b > 0 else out[::-1]
    return out if -c > 0 else out[:, ::-1]


#: A filled rectangle pdfium reports white may be filled with a shading pattern
#: (Vega-Lite's PDF legend: a gradient), whose colours pdfium does not expose: a
#: thin one (SHADED_ASPECT times longer than wide, SHADED_MIN_LENGTH points or
#: more, a colorbar's shape) is drawn alone at SHADED_SCALE pixels per point, and
#: taken as an image of its colours when they span SHADED_MIN_RANGE levels.
SHADED_ASPECT = 4.0
SHADED_MIN_LENGTH = 40.0
SHADED_SCALE = 4.0
SHADED_MIN_RANGE = 30


def _may_be_shaded(rgb: np.ndarray, box) -> bool:
    return bool((rgb >= 254.5).all()) and _strip_shaped(box)


def _strip_shaped(box) -> bool:
    """Long and thin as a colorbar is (SHADED_ASPECT, SHADED_MIN_LENGTH)."""
    w, h = box[2] - box[0], box[3] - box[1]
    return max(w, h) >= SHADED_MIN_LENGTH and max(w, h) >= SHADED_ASPECT * min(w, h) > 0


def _overlap(a, b) -> float:
    """The share of box ``a`` that box ``b`` covers."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    area = (a[2] - a[0]) * (a[3] - a[1])
    return max(w, 0.0) * max(h, 0.0) / area if area > 0 else 0.0


def _drawn(page, box) -> np.ndarray | None:
    """The pixels of ``box`` (points from the top-left) as the page draws them,
    less a pixel at each edge (the outline's anti-aliasing)."""
    w_pt, h_pt = page.get_size()
    x0, y0, x1, y1 = box
    try:
        img = page.render(scale=SHADED_SCALE, crop=(x0, h_pt - y1, w_pt - x1, y0)).to_pil().convert("RGB")
    except Exception:  # noqa: BLE001 - not drawn: left as the white fill pdfium reported
        return None
    rgb = np.asarray(img, np.uint8)
    return rgb[1:-1, 1:-1] if min(rgb.shape[:2]) > 4 else None


def _gradient_strip(page, box, images: list[PlacedImage], axials) -> PlacedImage | None:
    """A strip's colours as an image strip, when it lies under no image and the
    page draws them spanning SHADED_MIN_RANGE levels (a gradient, not a plain
    fill): exactly, from the axial shading that runs along it (``axials``, a
    callable giving the page's), where that agrees with the drawing."""
    pixels = None if any(_overlap(box, im.box) > 0.1 for im in images) else _drawn(page, box)
    if pixels is None or int(np.ptp(pixels.reshape(-1, 3), axis=0).max()) < SHADED_MIN_RANGE:
        return None
    exact = _from_shading(axials(), box, pixels)
    return PlacedImage(box, pixels if exact is None else exact)


#: An axial shading is taken for a strip when its axis runs along the strip, each
#: end within SHADING_END_TOLERANCE of the strip's length (or a point) of the
#: strip's ends, and its colours differ from the drawn ones by at most
#: SHADING_AGREEMENT levels a channel on average (pdfium draws shadings about a
#: point off their place, so they never agree exactly).
SHADING_END_TOLERANCE = 0.02
SHADING_AGREEMENT = 12.0


def _from_shading(axials, box, drawn: np.ndarray) -> np.ndarray | None:
    """The strip's pixels (the shape of ``drawn``, at the same centres) from the
    first of ``axials`` that runs along it and agrees with the drawing, or None."""
    length = max(box[2] - box[0], box[3] - box[1])
    h, w = drawn.shape[:2]
    xs = box[0] + (np.arange(w) + 1.5) / SHADED_SCALE  # _drawn leaves off a pixel at each edge
    ys = box[1] + (np.arange(h) + 1.5) / SHADED_SCALE
    for ax in axials:
        if not ax.spans(box, max(1.0, SHADING_END_TOLERANCE * length)):
            continue
        pts = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
        rgb = ax.along(pts).reshape(h, w, 3)
        if np.isnan(rgb).any():
            continue
        if float(np.abs(rgb - drawn.astype(float)).mean()) <= SHADING_AGREEMENT:
            return np.round(rgb).astype(np.uint8)
    return None


#: An image pdfium will not decode is sampled from the page drawn with at least
#: this many pixels to one of the image's (and at most SAMPLED_MAX_SCALE pixels
#: to a point).
SAMPLED_PIXELS = 5.0
SAMPLED_MAX_SCALE = 8.0


def _sampled_from_page(page, box, shape: tuple[int, int]) -> np.ndarray | None:
    """The pixels ((rows, cols) = ``shape``, as the page shows them) of an image at
    ``box`` (points from the top-left) that pdfium will not decode (an inline
    image): the page is drawn over the box and each pixel taken at its centre.
    None where a pixel's centre lies off the page or the drawing fails."""
    rows, cols = shape
    if rows < 1 or cols < 1 or box[2] <= box[0] or box[3] <= box[1]:
        return None
    w_pt, h_pt = page.get_size()
    x0, y0, x1, y1 = box
    cx = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    cy = y0 + (np.arange(rows) + 0.5) * (y1 - y0) / rows
    if cx.min() < 0 or cy.min() < 0 or cx.max() > w_pt or cy.max() > h_pt:
        return None  # part of the image is off the page: not all of it can be seen
    cx0, cy0, cx1, cy1 = max(x0, 0.0), max(y0, 0.0), min(x1, w_pt), min(y1, h_pt)
    scale = min(SAMPLED_MAX_SCALE, max(1.0, SAMPLED_PIXELS * max(cols / (x1 - x0), rows / (y1 - y0))))
    try:
        img = page.render(scale=scale, crop=(cx0, h_pt - cy1, w_pt - cx1, cy0)).to_pil().convert("RGB")
    except Exception:  # noqa: BLE001 - not drawn: the image is left to the raster path
        return None
    rgb = np.asarray(img, np.uint8)
    ix = np.clip(((cx - cx0) * scale).astype(int), 0, rgb.shape[1] - 1)
    iy = np.clip(((cy - cy0) * scale).astype(int), 0, rgb.shape[0] - 1)
    return rgb[iy][:, ix]


def _text_items(objs, textpage, page_h: float, pdfium_c) -> list[TextItem]:
    """The text objects' strings and boxes (points from the page's top-left)."""
    out = []
    for obj in objs:
        s = _text_of(obj, textpage, pdfium_c).strip()
        if not s:
            continue
        x0, y0, x1, y1 = _page_bounds(obj)
        m = _matrix(obj)
        out.append(TextItem(s, (x0, page_h - y1, x1, page_h - y0), vertical=abs(m[1]) > abs(m[0])))
    return out


def page_objects(path: str | os.PathLike, index: int, *, min_cells: int = 0,
                 decoded: dict[bytes, np.ndarray] | None = None) -> VectorPage:
    """The ``VectorPage`` of page ``index`` (0-based) of a PDF. Its text is read
    only when the page holds an image or at least ``min_cells`` fills, the fewest
    a block of cells takes (a page of text holds no heatmap drawn as objects).
    ``decoded``: images' pixels by key (``_image_key``), read and filled in (the
    page's pictures need them too)."""
    import pypdfium2.raw as pdfium_c

    doc = _open(path)
    try:
        page = doc[index]
        _, page_h = page.get_size()
        fills, colours, marks, frames, texts, images = [], [], [], [], [], []
        shaded: list[int] = []  # fills that may hide a shading pattern
        shadings: list[tuple[float, float, float, float]] = []  # shadings painted alone
        shading_matrices: list[tuple[float, ...]] = []  # and where they are placed
        decoded = {} if decoded is None else decoded  # an image drawn many times is decoded once
        other = 0
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        for obj in page.get_objects(max_depth=4):
            kind = obj.type
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
                n = pdfium_c.FPDFPath_CountSegments(obj)
                x0, y0, x1, y1 = _page_bounds(obj)
                box = (x0, page_h - y1, x1, page_h - y0)
                if n == 2 or (not fill.value and stroke.value):
                    if n == 2 and max(x1 - x0, y1 - y0) <= MAX_MARK_LENGTH:
                        marks.append(box)
                    elif 4 <= n <= 7 and _straight(obj, n, pdfium_c):
                        frames.append(_path_box(obj, n, pdfium_c, page_h))  # the stroke's centre line
                    continue
                if not fill.value:
                    continue
                m = _matrix(obj)
                if n not in (4, 5) or not _straight(obj, n, pdfium_c) or abs(m[1]) + abs(m[2]) > 1e-6 * (
                        abs(m[0]) + abs(m[3])):
                    other += 1
                    continue
                if stroke.value:  # a cell with a border: its bounds add the stroke's width (R's pheatmap)
                    box = _path_box(obj, n, pdfium_c, page_h)
                pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
                alpha = a.value / 255.0
                rgb = np.array([r.value, g.value, b.value], np.float64) * alpha + 255.0 * (1 - alpha)
                if _may_be_shaded(rgb, box):
                    shaded.append(len(fills))  # a white fill, in its place, unless drawing it shows a gradient
                fills.append(box)
                colours.append(np.round(rgb))
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                texts.append(obj)  # read below, if any block of cells may need it
            elif kind == pdfium_c.FPDF_PAGEOBJ_SHADING:
                # a shading painted on its own ('sh': pgfplots' and TikZ's colorbars),
                # clipped to its strip: drawn alone like a shaded fill, if strip-shaped
                x0, y0, x1, y1 = _page_bounds(obj)
                box = (x0, page_h - y1, x1, page_h - y0)
                if _strip_shaped(box):
                    shadings.append(box)
                    shading_matrices.append(forms_matrix(obj))  # pdfium keeps no matrix of its own for 'sh'
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                try:
                    w, h = (int(v) for v in obj.get_px_size())
                except Exception:  # noqa: BLE001, S112 - pdfium cannot tell: not read
                    continue
                if w * h > MAX_IMAGE_PIXELS or min(w, h) < 1:
                    continue
                key = _image_key(obj, pdfium_c)
                x0, y0, x1, y1 = _page_bounds(obj)
                box = (x0, page_h - y1, x1, page_h - y0)
                try:  # transparent parts on white, as the page shows them; once per distinct image
                    pixels = decoded[key] if key is not None and key in decoded else _image_pixels(obj)
                except Exception:  # noqa: BLE001 - an inline image (Ghostscript's) pdfium will not hand over
                    m = _matrix(obj)
                    shape = (h, w) if abs(m[0]) + abs(m[3]) >= abs(m[1]) + abs(m[2]) else (w, h)
                    shown = _sampled_from_page(page, box, shape)
                    if shown is not None:
                        images.append(PlacedImage(box, shown))
                    continue
                if key is not None:
                    decoded[key] = pixels
                images.append(PlacedImage(box, _shown(pixels, _matrix(obj))))
        w_pt, h_pt = page.get_size()
        gradients = set()
        found: list = []

        def axials():  # the page's axial shadings, read once and only if asked for
            if not found:
                from .pdfshading import page_axials
                found.append(page_axials(path, index, page_h, shading_matrices=shading_matrices))
            return found[0]

        for k in shaded:  # a gradient shows only when drawn; a plain white strip stays a white fill
            box = fills[k]
            if any(_overlap(f, box) > 0.5 for j, f in enumerate(fills) if j != k):
                continue  # an axes background under cells
            strip = _gradient_strip(page, box, images, axials)
            if strip is not None:
                images.append(strip)
                gradients.add(k)
        images += [s for s in (_gradient_strip(page, box, images, axials) for box in shadings) if s is not None]
        fills = [f for j, f in enumerate(fills) if j not in gradients]
        colours = [c for j, c in enumerate(colours) if j not in gradients]
        texts = _text_items(texts, page.get_textpage(), page_h, pdfium_c) if images or len(fills) >= min_cells else []
        fill_boxes = np.array(fills, np.float64).reshape(-1, 4) if fills else empty_boxes()
        return VectorPage(
            source=f"{path}#page={index + 1}", size=(float(w_pt), float(h_pt)),
            fills=fill_boxes, colours=np.array(colours, np.uint8).reshape(-1, 3),
            images=tuple(images), texts=tuple(with_drawn_minus(join_text(texts), fill_boxes)),
            marks=np.array(marks, np.float64).reshape(-1, 4) if marks else empty_boxes(),
            frames=np.array(frames, np.float64).reshape(-1, 4) if frames else empty_boxes(),
            page=index + 1, other_shapes=other)
    finally:
        doc.close()
