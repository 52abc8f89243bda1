"""PDF pages -> heatmaps: the raster images embedded in a page, and the page
itself rendered (for heatmaps drawn as vectors), each digitized; a heatmap found
both ways is reported once (from the embedded image, at its own resolution).

Uses pypdfium2 (Apache-2.0/BSD, PDFium's own bindings).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, replace

import numpy as np

from .errors import DigitizeError, InputError, NoHeatmapError

#: Pages are rendered at this resolution: 8-pt tick labels come out ~22 px tall,
#: which the recogniser reads well, and a letter page stays under 4 MP.
RENDER_DPI = 200
#: Embedded images smaller than this (pixels, either side) are icons or logos.
MIN_IMAGE_SIDE = 80


@dataclass(frozen=True)
class PageImage:
    """One picture taken from a page: pixels and where they sit on the rendered page."""

    rgb: np.ndarray
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in rendered-page pixels
    kind: str  # "embedded" or "page"


def is_pdf(path: str | os.PathLike) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(5) == b"%PDF-"
    except OSError:
        return False


def _open(path):
    import pypdfium2 as pdfium

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


def page_images(path: str | os.PathLike, index: int, *, dpi: int = RENDER_DPI) -> list[PageImage]:
    """The embedded raster images of page ``index`` (0-based) and the rendered page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = _open(path)
    try:
        page = doc[index]
        scale = dpi / 72.0
        _, page_h = page.get_size()
        out = []
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
            try:
                pil = obj.get_bitmap(render=False).to_pil().convert("RGB")
            except Exception:  # noqa: BLE001 - an image pdfium cannot decode is skipped
                continue
            if min(pil.size) < MIN_IMAGE_SIDE:
                continue
            left, bottom, right, top = obj.get_bounds()
            box = (left * scale, (page_h - top) * scale, right * scale, (page_h - bottom) * scale)
            out.append(PageImage(np.asarray(pil, np.uint8), box, "embedded"))
        bitmap = page.render(scale=scale, draw_annots=False)
        rgb = np.asarray(bitmap.to_pil().convert("RGB"), np.uint8)
        out.append(PageImage(rgb, (0.0, 0.0, float(rgb.shape[1]), float(rgb.shape[0])), "page"))
        return out
    except pdfium.PdfiumError as exc:
        raise InputError(f"expected a readable page {index + 1} in {path}; pdfium failed ({exc})") from exc
    finally:
        doc.close()


@dataclass(frozen=True)
class PageResult:
    """The heatmaps read from one picture of a page."""

    result: object  # Digitization; heatmaps tagged with their page number (1-based)
    positions: list  # per heatmap: (x0, y0, x1, y1) on the page in PDF points, from the top-left
    image: np.ndarray  # the picture's pixels (for the overlay)


def digitize_pdf_page(path, index: int, **kwargs) -> list[PageResult]:
    """Every heatmap on one page, one ``PageResult`` per picture that holds heatmaps."""
    from .api import digitize

    results = []
    covered: list[tuple[float, float, float, float]] = []
    to_pt = 72.0 / RENDER_DPI
    for pic in page_images(path, index):
        try:
            res = digitize(pic.rgb, **kwargs)
        except DigitizeError:
            continue  # a photo, a line chart, text: not every picture is a heatmap
        heatmaps = res.heatmaps
        if pic.kind == "embedded":
            covered.append(pic.box)
        else:  # the rendered page: drop heatmaps already read from an embedded image
            heatmaps = tuple(h for h in heatmaps if not any(
                b[0] <= h.plot_box.cx <= b[2] and b[1] <= h.plot_box.cy <= b[3] for b in covered))
        if not heatmaps:
            continue
        sx = (pic.box[2] - pic.box[0]) / pic.rgb.shape[1]
        sy = (pic.box[3] - pic.box[1]) / pic.rgb.shape[0]
        positions = [tuple(round(v, 1) for v in ((pic.box[0] + h.plot_box.x0 * sx) * to_pt,
                                                 (pic.box[1] + h.plot_box.y0 * sy) * to_pt,
                                                 (pic.box[0] + h.plot_box.x1 * sx) * to_pt,
                                                 (pic.box[1] + h.plot_box.y1 * sy) * to_pt))
                     for h in heatmaps]
        tagged = tuple(replace(h, page=index + 1) for h in heatmaps)
        results.append(PageResult(replace(res, source=f"{path}#page={index + 1}", heatmaps=tagged), positions,
                                  pic.rgb))
    return results


def digitize_pdf(path, **kwargs):
    """All heatmaps of a PDF as one ``Digitization`` (each heatmap knows its page).
    Raises NoHeatmapError when no page holds one."""
    from .model import Digitization

    n = page_count(path)
    heatmaps, warnings, size = [], [], (0, 0)
    for i in range(n):
        for found in digitize_pdf_page(path, i, **kwargs):
            res = found.result
            heatmaps += list(res.heatmaps)
            warnings += [f"page {i + 1}: {w}" for w in res.warnings]
            size = res.image_size
    if not heatmaps:
        raise NoHeatmapError(f"expected a heatmap on some page of {path}; found none on its {n} page(s)",
                             hint="if the heatmap is there, render the page yourself and give a crop")
    return Digitization(str(path), size, tuple(heatmaps), tuple(warnings), {})
