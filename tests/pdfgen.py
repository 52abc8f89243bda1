"""Hand-written PDFs for the paper tests: a page that draws a picture through a
Form XObject (as LaTeX does with \\includegraphics of a PDF figure), so the
picture's placement on the page is the form's matrix times its own."""
from __future__ import annotations

import io
import zlib

import numpy as np


def _write_pdf(objs: list[bytes]) -> bytes:
    """A PDF file of the numbered objects (1 is the catalog), with its xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for k, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{k} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def _one_page(xobject: str, content: bytes, page: tuple[float, float]) -> list[bytes]:
    """Objects 1-4 of a one-page PDF: catalog, pages, the page (its one XObject
    ``xobject`` is object 5) and its content stream."""
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {page[0]} {page[1]}] "
         f"/Resources << /XObject << {xobject} 5 0 R >> >> /Contents 4 0 R >>").encode(),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]


def form_image_pdf(rgb: np.ndarray, *, at: tuple[float, float], size: tuple[float, float],
                   page: tuple[float, float] = (612.0, 792.0)) -> bytes:
    """A one-page PDF whose content draws Form XObject /Fm1 at ``at`` (points from
    the bottom-left) scaled to ``size``; the form draws image /Im1 over its unit box."""
    h, w = rgb.shape[:2]
    img = zlib.compress(np.ascontiguousarray(rgb, np.uint8).tobytes())
    page_content = f"q {size[0]} 0 0 {size[1]} {at[0]} {at[1]} cm /Fm1 Do Q".encode()
    form_content = b"q 1 0 0 1 0 0 cm /Im1 Do Q"
    objs = _one_page("/Fm1", page_content, page) + [
        (b"<< /Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /Im1 6 0 R >> >> "
         b"/Length %d >>\nstream\n" % len(form_content)) + form_content + b"\nendstream",
        (f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB "
         f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(img)} >>\nstream\n").encode() + img
        + b"\nendstream",
    ]
    return _write_pdf(objs)


def image_pdf(img_w: int, img_h: int, data: bytes, *, colorspace: str = "/DeviceRGB", bits: int = 8,
              draws: list[tuple[float, float, float, float]] = ((100, 300, 400, 300),),
              page: tuple[float, float] = (612.0, 792.0), compressed: bool = False, rule: bool = False) -> bytes:
    """A one-page PDF drawing one image XObject at each (x, y, w, h) of ``draws``
    (points from the bottom-left), and a stroked line across the first when
    ``rule`` (a page with vector drawing over its image is rendered as well). ``data`` is the image's stream
    (FlateDecode when ``compressed``): the PDF declares ``img_w`` x ``img_h``
    whatever it holds."""
    content = " ".join(f"q {w} 0 0 {h} {x} {y} cm /Im1 Do Q" for x, y, w, h in draws).encode()
    if rule:
        x, y, w, h = draws[0]
        content += f" 0 0 0 RG {x} {y + h / 2} m {x + w} {y + h / 2} l S".encode()  # across the first image
    filt = "/Filter /FlateDecode " if compressed else ""
    objs = _one_page("/Im1", content, page) + [
        (f"<< /Type /XObject /Subtype /Image /Width {img_w} /Height {img_h} /ColorSpace {colorspace} "
         f"/BitsPerComponent {bits} {filt}/Length {len(data)} >>\nstream\n").encode() + data + b"\nendstream",
    ]
    return _write_pdf(objs)


def masked_image_pdf(rgba: np.ndarray, *, at: tuple[float, float], size: tuple[float, float],
                     page: tuple[float, float] = (612.0, 792.0)) -> bytes:
    """A one-page PDF drawing an RGBA picture as LaTeX embeds a PNG with a
    transparent background: the colour samples as an image (black where
    transparent, as matplotlib leaves them) with its alpha as an /SMask."""
    h, w = rgba.shape[:2]
    img = zlib.compress(np.ascontiguousarray(rgba[..., :3], np.uint8).tobytes())
    mask = zlib.compress(np.ascontiguousarray(rgba[..., 3], np.uint8).tobytes())
    content = f"q {size[0]} 0 0 {size[1]} {at[0]} {at[1]} cm /Im1 Do Q".encode()
    objs = _one_page("/Im1", content, page) + [
        (f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB "
         f"/BitsPerComponent 8 /SMask 6 0 R /Filter /FlateDecode /Length {len(img)} >>\nstream\n").encode() + img
        + b"\nendstream",
        (f"<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceGray "
         f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(mask)} >>\nstream\n").encode() + mask
        + b"\nendstream",
    ]
    return _write_pdf(objs)


def zeros_flate(n_bytes: int) -> bytes:
    """``n_bytes`` of zeros, deflated, without holding them in memory."""
    comp = zlib.compressobj(9)
    chunk = bytes(1 << 20)
    parts = []
    left = n_bytes
    while left > 0:
        parts.append(comp.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(comp.flush())
    return b"".join(parts)
