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


def shaded_bar_pdf(values: np.ndarray, stops: list[tuple[float, tuple[float, float, float]]], *,
                   vmin: float, vmax: float, ticks: list[float], horizontal: bool = False,
                   sampled: bool = False) -> bytes:
    """A one-page heatmap as svg2pdf, Cairo and Inkscape write one: each cell a
    filled rectangle in its colour on the piecewise-linear map ``stops`` ((t, rgb
    0..1) pairs), the colorbar one rectangle filled with an axial shading pattern
    (a stitching function of exponential ones, or with ``sampled`` a 256-entry
    sampled function), tick labels in Helvetica beside it. The pattern's matrix
    places its axis along the bar."""
    rows, cols = values.shape
    ts = np.array([s[0] for s in stops])
    cs = np.array([s[1] for s in stops])

    def colour(t):
        return [float(np.interp(t, ts, cs[:, k])) for k in range(3)]

    x0, y_top, cw, ch = 80.0, 560.0, 40.0, 30.0
    out = []
    for i in range(rows):
        for j in range(cols):
            r, g, b = colour((values[i, j] - vmin) / (vmax - vmin))
            out.append(f"{r:.6f} {g:.6f} {b:.6f} rg {x0 + j * cw} {y_top - (i + 1) * ch} {cw} {ch} re f")
    if horizontal:  # under the cells
        bx, by, bw, bh = x0, y_top - rows * ch - 60, cols * cw, 14.0
        matrix = f"{bw} 0 0 {bh} {bx} {by}"  # axis (0, 0) -> (1, 0): left to right
    else:  # right of the cells
        bx, by, bw, bh = x0 + cols * cw + 20, y_top - rows * ch, 14.0, rows * ch
        matrix = f"{bw} 0 0 {bh} {bx} {by}"  # axis (0, 0) -> (0, 1): bottom to top
    out.append(f"/Pattern cs /P0 scn {bx} {by} {bw} {bh} re f")
    for v in ticks:
        t = (v - vmin) / (vmax - vmin)
        label = f"{v:g}"
        if horizontal:
            x = bx + t * bw
            out.append(f"0 0 0 RG 0.8 w {x} {by} m {x} {by - 4} l S")
            out.append(f"BT /F1 9 Tf {x - 2.5 * len(label)} {by - 14} Td ({label}) Tj ET")
        else:
            y = by + t * bh
            out.append(f"0 0 0 RG 0.8 w {bx + bw} {y} m {bx + bw + 4} {y} l S")
            out.append(f"BT /F1 9 Tf {bx + bw + 6} {y - 3.2} Td ({label}) Tj ET")
    content = "\n".join(out).encode()
    coords = "0 0 1 0" if horizontal else "0 0 0 1"
    if sampled:
        table = np.round(np.array([colour(t) for t in np.linspace(0, 1, 256)]) * 255).astype(np.uint8).tobytes()
        funcs = [(b"<< /FunctionType 0 /Domain [0 1] /Range [0 1 0 1 0 1] /Size [256] /BitsPerSample 8 "
                  b"/Length %d >>\nstream\n" % len(table)) + table + b"\nendstream"]
        fn_ref = "7 0 R"
    else:
        funcs = [(f"<< /FunctionType 2 /Domain [0 1] /N 1 /C0 [{' '.join(map(str, cs[k]))}] "
                  f"/C1 [{' '.join(map(str, cs[k + 1]))}] >>").encode() for k in range(len(stops) - 1)]
        refs = " ".join(f"{8 + k} 0 R" for k in range(len(funcs)))
        bounds = " ".join(f"{t:g}" for t in ts[1:-1])
        encode = " ".join("0 1" for _ in funcs)
        funcs = [f"<< /FunctionType 3 /Domain [0 1] /Functions [{refs}] /Bounds [{bounds}] "
                 f"/Encode [{encode}] >>".encode()] + funcs
        fn_ref = "7 0 R"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Pattern << /P0 5 0 R >> "
         b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> /Contents 4 0 R >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        f"<< /Type /Pattern /PatternType 2 /Shading 6 0 R /Matrix [{matrix}] >>".encode(),
        f"<< /ShadingType 2 /ColorSpace /DeviceRGB /Coords [{coords}] /Function {fn_ref} "
        f"/Extend [true true] >>".encode(),
    ] + funcs
    return _write_pdf(objs)
