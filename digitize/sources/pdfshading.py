"""Axial shadings of a PDF page, read exactly from their dictionaries.

A colorbar drawn as a gradient in a PDF (Vega-Lite's legend through svg2pdf,
Cairo's and Inkscape's gradients, TikZ's shadings) is an axial shading: two end
points and a function from t in [0, 1] to a colour. pdfium reports such a fill
as white and draws it about a point off its place (0.5% of a 200-point bar), so
its colours are taken from the shading itself: its function sampled, placed
along its axis in page space.

pdfium exposes no shading dictionaries, so they are read with pdfminer.six
(pdfplumber's parser, MIT), only for pages that hold a fill or shading pdfium
cannot colour; its objects are resolved lazily, so a page costs milliseconds.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

#: A shading's function is sampled at this many values of t in [0, 1].
SAMPLES = 1024
#: Stitching depth and the forms searched for resources are held to this.
MAX_DEPTH = 4


@dataclass(frozen=True)
class Axial:
    """An axial shading in page space (points from the top-left): its axis from
    ``start`` (t = 0) to ``end`` (t = 1), its colours at SAMPLES values of t."""

    start: tuple[float, float]
    end: tuple[float, float]
    colours: np.ndarray  # (SAMPLES, 3) float, 0..255
    extend: tuple[bool, bool] = (True, True)

    def along(self, points: np.ndarray) -> np.ndarray:
        """The colours (n, 3) at page ``points`` (n, 2): each projected on the axis,
        t held to [0, 1] (beyond an end not extended: NaN)."""
        p0, p1 = np.asarray(self.start, float), np.asarray(self.end, float)
        axis = p1 - p0
        t = (np.asarray(points, float) - p0) @ axis / float(axis @ axis)
        out = np.stack([np.interp(np.clip(t, 0.0, 1.0), np.linspace(0.0, 1.0, len(self.colours)), self.colours[:, k])
                        for k in range(3)], axis=1)
        out[(t < 0) & (not self.extend[0])] = np.nan
        out[(t > 1) & (not self.extend[1])] = np.nan
        return out

    def spans(self, box, tolerance: float) -> bool:
        """Whether the axis runs along the box's long side from one end to the
        other (each end within ``tolerance`` points): a colorbar's gradient."""
        x0, y0, x1, y1 = box
        (ax, ay), (bx, by) = self.start, self.end
        if x1 - x0 >= y1 - y0:  # a horizontal strip
            return (abs(ay - by) <= tolerance and min(abs(ax - x0) + abs(bx - x1), abs(ax - x1) + abs(bx - x0))
                    <= 2 * tolerance)
        return (abs(ax - bx) <= tolerance and min(abs(ay - y0) + abs(by - y1), abs(ay - y1) + abs(by - y0))
                <= 2 * tolerance)


def _function(fn, t: np.ndarray, resolve, depth: int = 0) -> np.ndarray | None:
    """A PDF function of one input at ``t`` (n,): its outputs (n, k), or None for
    a kind not read (PostScript calculator functions)."""
    if depth > MAX_DEPTH:
        return None
    fn = resolve(fn)
    if isinstance(fn, list):  # one function per output component
        parts = [_function(f, t, resolve, depth + 1) for f in fn]
        return None if any(p is None for p in parts) else np.concatenate(parts, axis=1)
    attrs = getattr(fn, "attrs", fn)
    if not isinstance(attrs, dict):
        return None
    kind = int(resolve(attrs.get("FunctionType", -1)))
    domain = [float(v) for v in resolve(attrs.get("Domain", [0, 1]))]
    x = np.clip(t, domain[0], domain[1])
    if kind == 2:
        c0 = np.array([float(v) for v in resolve(attrs.get("C0", [0.0]))])
        c1 = np.array([float(v) for v in resolve(attrs.get("C1", [1.0]))])
        n = float(resolve(attrs.get("N", 1)))
        return c0[None, :] + (x ** n)[:, None] * (c1 - c0)[None, :]
    if kind == 3:
        funcs = resolve(attrs.get("Functions", []))
        bounds = [float(v) for v in resolve(attrs.get("Bounds", []))]
        encode = [float(v) for v in resolve(attrs.get("Encode", []))]
        if not funcs or len(bounds) != len(funcs) - 1 or len(encode) != 2 * len(funcs):
            return None
        edges = [domain[0], *bounds, domain[1]]
        which = np.clip(np.searchsorted(bounds, x, side="right"), 0, len(funcs) - 1)
        out = None
        for k, f in enumerate(funcs):
            sel = which == k
            if not sel.any():
                continue
            lo, hi = edges[k], edges[k + 1]
            u = encode[2 * k] + (x[sel] - lo) * (encode[2 * k + 1] - encode[2 * k]) / (hi - lo) if hi > lo \
                else np.full(int(sel.sum()), encode[2 * k])
            part = _function(f, u, resolve, depth + 1)
            if part is None:
                return None
            if out is None:
                out = np.zeros((len(x), part.shape[1]))
            out[sel] = part
        return out
    if kind == 0:
        return _sampled(fn, attrs, x, domain, resolve)
    return None


def _sampled(fn, attrs, x: np.ndarray, domain, resolve) -> np.ndarray | None:
    """A sampled (type 0) function of one input, 8 or 16 bits a sample, read
    linearly between samples."""
    size = [int(resolve(v)) for v in resolve(attrs.get("Size", []))]
    bits = int(resolve(attrs.get("BitsPerSample", 8)))
    rng = [float(v) for v in resolve(attrs.get("Range", []))]
    if len(size) != 1 or bits not in (8, 16) or not rng or size[0] < 1 or not hasattr(fn, "get_data"):
        return None
    k = len(rng) // 2
    data = np.frombuffer(fn.get_data(), dtype=">u2" if bits == 16 else np.uint8)
    if data.size < size[0] * k:
        return None
    table = data[: size[0] * k].reshape(size[0], k).astype(float) / (2 ** bits - 1)
    encode = [float(v) for v in resolve(attrs.get("Encode", [0, size[0] - 1]))]
    decode = [float(v) for v in resolve(attrs.get("Decode", rng))]
    e = encode[0] + (x - domain[0]) * (encode[1] - encode[0]) / max(domain[1] - domain[0], 1e-12)
    e = np.clip(e, 0, size[0] - 1)
    cols = [np.interp(e, np.arange(size[0]), table[:, j]) for j in range(k)]
    return np.stack([decode[2 * j] + c * (decode[2 * j + 1] - decode[2 * j]) for j, c in enumerate(cols)], axis=1)


def _components(space, resolve, named: dict) -> int | None:
    """How many components a colour space has: 1 (gray), 3 (RGB) or 4 (CMYK);
    None for spaces not read (indexed, separations, Lab)."""
    space = resolve(space)
    name = getattr(space, "name", None)
    if name is not None and name in named:
        return _components(named[name], resolve, {})
    if isinstance(space, list) and space:
        head = getattr(resolve(space[0]), "name", None)
        if head == "ICCBased" and len(space) > 1:
            stream = resolve(space[1])
            n = int(resolve(getattr(stream, "attrs", {}).get("N", 3)))
            return n if n in (1, 3, 4) else None
        if head in ("CalRGB", "CalGray"):
            return 3 if head == "CalRGB" else 1
        return None
    return {"DeviceRGB": 3, "RGB": 3, "DeviceGray": 1, "G": 1, "DeviceCMYK": 4, "CMYK": 4}.get(name)


def _as_rgb(values: np.ndarray, n: int) -> np.ndarray | None:
    values = np.clip(values, 0.0, 1.0)
    if values.shape[1] != n:
        return None
    if n == 1:
        return np.repeat(values, 3, axis=1) * 255.0
    if n == 3:
        return values * 255.0
    c, m, y, k = values.T  # the naive conversion, as a viewer without a profile does
    return np.stack([(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)], axis=1) * 255.0


def _axial(shading, matrix, page_h: float, resolve, named: dict) -> Axial | None:
    attrs = getattr(resolve(shading), "attrs", resolve(shading))
    if not isinstance(attrs, dict) or int(resolve(attrs.get("ShadingType", 0))) != 2:
        return None
    coords = [float(v) for v in resolve(attrs.get("Coords", []))]
    n = _components(attrs.get("ColorSpace"), resolve, named)
    if len(coords) != 4 or n is None or "Function" not in attrs:
        return None
    domain = [float(v) for v in resolve(attrs.get("Domain", [0, 1]))]
    values = _function(attrs["Function"], np.linspace(domain[0], domain[1], SAMPLES), resolve)
    rgb = None if values is None else _as_rgb(values, n)
    if rgb is None:
        return None
    a, b, c, d, e, f = matrix
    (x0, y0), (x1, y1) = ((a * x + c * y + e, page_h - (b * x + d * y + f)) for x, y in (coords[:2], coords[2:]))
    if abs(x1 - x0) + abs(y1 - y0) < 1e-6:
        return None
    extend = [bool(resolve(v)) for v in resolve(attrs.get("Extend", [False, False]))] + [False, False]
    return Axial((x0, y0), (x1, y1), rgb, (extend[0], extend[1]))


def page_axials(path: str | os.PathLike, index: int, page_h: float, *, shading_matrices=()) -> list[Axial]:
    """The axial shadings of page ``index`` (0-based; ``page_h`` points high): those
    of the page's shading patterns (pattern space is the page's), and those of
    its named shadings and its forms' placed by each of ``shading_matrices``
    (the matrices pdfium gives the shadings painted with 'sh', in page space).
    Empty where the file cannot be read so."""
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import resolve1
    except ImportError:  # pragma: no cover - a core dependency; drawn instead
        return []
    out: list[Axial] = []
    try:
        with open(path, "rb") as fh:
            doc = PDFDocument(PDFParser(fh))
            for k, page in enumerate(PDFPage.create_pages(doc)):
                if k < index:
                    continue
                for depth, res in _resources(resolve1(page.resources), resolve1):
                    named = dict(resolve1(res.get("ColorSpace")) or {})
                    # a form's patterns live in the form's space: only the page's are placed
                    for pattern in (resolve1(res.get("Pattern")) or {}).values() if depth == 0 else ():
                        p = getattr(resolve1(pattern), "attrs", resolve1(pattern))
                        if not isinstance(p, dict) or int(resolve1(p.get("PatternType", 0))) != 2:
                            continue
                        m = tuple(float(v) for v in resolve1(p.get("Matrix", [1, 0, 0, 1, 0, 0])))
                        ax = _axial(p.get("Shading"), m, page_h, resolve1, named)
                        if ax is not None:
                            out.append(ax)
                    for shading in (resolve1(res.get("Shading")) or {}).values():
                        for m in shading_matrices:
                            ax = _axial(shading, m, page_h, resolve1, named)
                            if ax is not None:
                                out.append(ax)
                break
    except Exception:  # noqa: BLE001 - a file pdfminer cannot parse: its shadings are drawn instead
        return []
    return out


def _resources(res, resolve, depth: int = 0) -> list[tuple[int, dict]]:
    """A page's resource dictionaries and those of the forms it draws, each with
    its depth (0: the page's)."""
    if not isinstance(res, dict) or depth > MAX_DEPTH:
        return []
    out = [(depth, res)]
    for xobj in (resolve(res.get("XObject")) or {}).values():
        stream = resolve(xobj)
        attrs = getattr(stream, "attrs", {})
        if getattr(resolve(attrs.get("Subtype")), "name", None) == "Form":
            out += _resources(resolve(attrs.get("Resources")), resolve, depth + 1)
    return out
