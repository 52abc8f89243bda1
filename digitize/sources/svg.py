"""An SVG -> its ``VectorPage``: filled rectangles (``rect`` and rectangular
``path`` s, through every ``transform`` and ``use``), embedded ``image`` s
(data URIs), and text: ``text`` elements, and the text matplotlib draws as glyph
outlines with the string in a comment before them.

Parsed with the standard library's XML parser (expat: no external entities, no
network); images are decoded by Pillow under the pixel limit.
"""
from __future__ import annotations

import base64
import io
import math
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ..config import DEFAULT_MAX_PIXELS
from ..errors import InputError
from .objects import PlacedImage, TextItem, VectorPage, empty_boxes, join_text, outline_char
from .pdf import file_head

_NAMED = {"white": (255, 255, 255), "black": (0, 0, 0), "red": (255, 0, 0), "green": (0, 128, 0),
          "blue": (0, 0, 255), "gray": (128, 128, 128), "grey": (128, 128, 128), "yellow": (255, 255, 0)}
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_UNITS = {"pt": 1.0, "px": 0.75, "": 0.75, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}


def is_svg(path: str | os.PathLike) -> bool:
    """Whether a regular file looks like SVG (an ``<svg`` element near its start)."""
    head = (file_head(path, 4096) or b"").lstrip()
    return (head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!DOCTYPE svg")) \
        and b"<svg" in head


def _tag(el) -> str:
    t = el.tag if isinstance(el.tag, str) else ""
    return t.rsplit("}", 1)[-1]


def _style(el) -> dict[str, str]:
    out = {k.rsplit("}", 1)[-1]: v for k, v in el.attrib.items()}
    for part in el.attrib.get("style", "").split(";"):
        if ":" in part:
            k, v = part.split(":", 1)
            out[k.strip()] = v.strip()
    return out


def _colour(v: str | None) -> tuple[int, int, int] | None:
    if v is None:
        return None
    v = v.strip().lower()
    if v in ("none", "transparent") or v.startswith("url("):
        return None
    if v.startswith("#"):
        h = v[1:]
        if len(h) == 3:
            h = "".join(c * 2 for c in h)
        try:
            return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
        except ValueError:
            return None
    if v.startswith("rgb"):
        nums = _NUM.findall(v)
        if len(nums) >= 3:
            if "%" in v:
                return tuple(int(round(float(n) * 2.55)) for n in nums[:3])
            return tuple(int(round(float(n))) for n in nums[:3])
    return _NAMED.get(v)


def _transform(text: str | None) -> np.ndarray:
    m = np.eye(3)
    if not text:
        return m
    for name, args in re.findall(r"(\w+)\s*\(([^)]*)\)", text):
        a = [float(x) for x in _NUM.findall(args)]
        t = np.eye(3)
        if name == "matrix" and len(a) == 6:
            t[0, :] = a[0], a[2], a[4]
            t[1, :] = a[1], a[3], a[5]
        elif name == "translate" and a:
            t[0, 2], t[1, 2] = a[0], a[1] if len(a) > 1 else 0.0
        elif name == "scale" and a:
            t[0, 0], t[1, 1] = a[0], a[1] if len(a) > 1 else a[0]
        elif name == "rotate" and a:
            r = math.radians(a[0])
            rot = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
            if len(a) == 3:
                pre, post = np.eye(3), np.eye(3)
                pre[:2, 2], post[:2, 2] = (a[1], a[2]), (-a[1], -a[2])
                rot = pre @ rot @ post
            t = rot
        m = m @ t
    return m


def _path_points(d: str) -> tuple[np.ndarray, bool]:
    """The points a path passes through, and whether it has only straight segments."""
    pts: list[tuple[float, float]] = []
    straight = True
    x = y = sx = sy = 0.0
    for cmd, args in re.findall(r"([MmLlHhVvZzCcSsQqTtAa])([^MmLlHhVvZzCcSsQqTtAa]*)", d):
        a = [float(v) for v in _NUM.findall(args)]
        rel = cmd.islower()
        c = cmd.upper()
        if c == "Z":
            x, y = sx, sy
            continue
        step = {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4, "T": 2, "A": 7}[c]
        if c not in "MLHV":
            straight = False
        for k in range(0, len(a) - step + 1, step):
            g = a[k:k + step]
            if c == "H":
                x = g[0] + (x if rel else 0)
            elif c == "V":
                y = g[0] + (y if rel else 0)
            else:
                x, y = g[-2] + (x if rel else 0), g[-1] + (y if rel else 0)
            if c == "M" and k == 0:
                sx, sy = x, y
            pts.append((x, y))
    return np.array(pts, np.float64).reshape(-1, 2), straight


def _apply(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return pts @ m[:2, :2].T + m[:2, 2]


def _is_rect(pts: np.ndarray) -> bool:
    if len(pts) < 4:
        return False
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    tol = 1e-3 * max(x1 - x0, y1 - y0, 1e-9)
    on_x = (np.abs(pts[:, 0] - x0) <= tol) | (np.abs(pts[:, 0] - x1) <= tol)
    on_y = (np.abs(pts[:, 1] - y0) <= tol) | (np.abs(pts[:, 1] - y1) <= tol)
    return bool((on_x & on_y).all()) and len({(round(p[0], 3), round(p[1], 3)) for p in pts}) == 4


def _href(el) -> str:
    return el.attrib.get("href") or el.attrib.get("{http://www.w3.org/1999/xlink}href") or ""


_LENGTH = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(%|[a-z]*)\s*$")
#: A font's em in user units where an ``em`` length is met (SVG's default size).
_EM = 16.0


def _length(text: str | None, default: float, ref: float) -> float:
    """An SVG length in user units: a number, with a unit (``10pt``: CSS units, as
    resvg takes them), or a share of ``ref`` (``100%``: of the viewport's width or
    height, as R's svglite writes its background). ``default`` where absent or
    unreadable."""
    m = _LENGTH.match(text) if text is not None else None
    if m is None:
        return default
    v, unit = float(m.group(1)), m.group(2)
    if unit == "%":
        return v * ref / 100.0
    if unit in ("em", "ex"):
        return v * _EM * (0.5 if unit == "ex" else 1.0)
    return v * _CSS_PX[unit] if unit in _CSS_PX else default


#: The elements that draw shapes (gnuplot's svg terminal fills polygons; svglite
#: strokes polylines and lines).
_SHAPES = ("path", "rect", "polygon", "polyline", "line")
_LINES = ("polyline", "line")


def _shape_points(el, view: tuple[float, float]) -> tuple[np.ndarray, bool]:
    """The points a shape element passes through (its own units), and whether its
    segments are all straight."""
    tag = _tag(el)
    if tag == "rect":
        return _corners(el, view=view), True
    if tag in ("polygon", "polyline"):
        a = [float(v) for v in _NUM.findall(el.attrib.get("points", ""))]
        return np.array(a[:len(a) // 2 * 2], np.float64).reshape(-1, 2), True
    if tag == "line":
        return np.array([[_length(el.attrib.get(f"{c}{k}"), 0.0, view[j]) for j, c in enumerate("xy")]
                         for k in (1, 2)], np.float64), True
    return _path_points(el.attrib.get("d", ""))


def _viewport(el, view: tuple[float, float]) -> np.ndarray:
    """The user space of a nested ``svg`` element in its parent's: placed at its x
    and y, its viewBox fitted into its width and height (uniformly and centred,
    unless preserveAspectRatio is 'none')."""
    x, y = _length(el.attrib.get("x"), 0.0, view[0]), _length(el.attrib.get("y"), 0.0, view[1])
    w, h = _length(el.attrib.get("width"), view[0], view[0]), _length(el.attrib.get("height"), view[1], view[1])
    m = np.eye(3)
    m[0, 2], m[1, 2] = x, y
    box = [float(v) for v in _NUM.findall(el.attrib.get("viewBox", ""))]
    if len(box) != 4 or box[2] <= 0 or box[3] <= 0 or w <= 0 or h <= 0:
        return m
    sx, sy = w / box[2], h / box[3]
    if el.attrib.get("preserveAspectRatio", "").strip() != "none":
        sx = sy = min(sx, sy)
        m[0, 2] += (w - box[2] * sx) / 2
        m[1, 2] += (h - box[3] * sy) / 2
    fit = np.array([[sx, 0.0, -box[0] * sx], [0.0, sy, -box[1] * sy], [0.0, 0.0, 1.0]])
    return m @ fit


def _share(text: str | None) -> float:
    """An opacity: a number or a percentage, clipped to 0..1 (1 where unreadable)."""
    v = _length(text, 1.0, 1.0)
    return min(max(v, 0.0), 1.0)


def _offset(el, view: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The translation a ``use`` element's x and y add."""
    t = np.eye(3)
    t[0, 2], t[1, 2] = _length(el.attrib.get("x"), 0.0, view[0]), _length(el.attrib.get("y"), 0.0, view[1])
    return t


def _corners(el, size: tuple[float, float] = (0.0, 0.0), view: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """The corners of a ``rect`` or ``image`` (its own units; width and height
    default to ``size``; percentages are of the viewport ``view``)."""
    x, y = _length(el.attrib.get("x"), 0.0, view[0]), _length(el.attrib.get("y"), 0.0, view[1])
    w, h = _length(el.attrib.get("width"), size[0], view[0]), _length(el.attrib.get("height"), size[1], view[1])
    return np.array([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])


class _Reader:
    def __init__(self, root, scale: float, max_pixels: int, view: tuple[float, float] = (0.0, 0.0)):
        self.scale = scale
        self.view = view  # the viewport in user units, for lengths given in percent
        self.max_pixels = max_pixels
        self.ids = {el.attrib["id"]: el for el in root.iter() if isinstance(el.tag, str) and "id" in el.attrib}
        self.fills: list = []
        self.colours: list = []
        self.images: list[PlacedImage] = []
        self.texts: list[TextItem] = []
        self.marks: list = []
        self.frames: list = []
        self.other = 0
        self.glyphs: list[tuple[str, np.ndarray, np.ndarray]] = []  # (symbol id, page points, matrix to points)

    def box(self, m: np.ndarray, pts: np.ndarray) -> tuple[float, float, float, float]:
        p = _apply(m, pts) * self.scale
        return float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max())

    def geometry(self, el, m: np.ndarray, depth: int = 0) -> np.ndarray:
        """The corner points (page units) of everything an element draws."""
        tag = _tag(el)
        m = m @ _transform(el.attrib.get("transform"))
        if tag == "path":
            pts, _ = _path_points(el.attrib.get("d", ""))
            return _apply(m, pts) if len(pts) else np.zeros((0, 2))
        if tag == "use" and depth < 8:
            ref = self.ids.get(_href(el).lstrip("#"))
            return self.geometry(ref, m @ _offset(el, self.view), depth + 1) if ref is not None else np.zeros((0, 2))
        parts = [self.geometry(c, m, depth + 1) for c in el if isinstance(c.tag, str)] if depth < 8 else []
        parts = [p for p in parts if len(p)]
        return np.concatenate(parts) if parts else np.zeros((0, 2))

    def walk(self, el, m: np.ndarray, inherited: dict, depth: int = 0) -> None:
        if depth > 64:
            return
        tag = _tag(el)
        if tag in ("defs", "clipPath", "mask", "symbol", "metadata", "style", "title", "desc", "marker", "pattern",
                   "linearGradient", "radialGradient"):
            return
        st = {**inherited, **{k: v for k, v in _style(el).items() if k in ("fill", "fill-opacity", "opacity",
                                                                          "font-size", "text-anchor", "stroke",
                                                                          "stroke-opacity")}}
        m = m @ _transform(el.attrib.get("transform"))
        if tag == "svg" and depth > 0:
            m = m @ _viewport(el, self.view)  # an SVG placed inside another (figures composed into one)
        if tag == "g":
            comment = next((c.text for c in el if c.tag is ET.Comment), None)
            if comment and comment.strip() and el.attrib.get("id", "").startswith("text"):
                pts = self.geometry(el, m)  # matplotlib: the string in a comment, then its glyphs
                inner = next((c for c in el.iter() if c is not el and "transform" in c.attrib), None)
                if len(pts):
                    turn = m @ _transform(inner.attrib["transform"]) if inner is not None else m
                    self.texts.append(self._text_item(comment.strip(), turn, pts))
                return
        if tag in _SHAPES:
            self._shape(el, m, st)
        elif tag == "image":
            self._image(el, m)
        elif tag == "text":
            self._text(el, m, st)
            return
        elif tag == "use":
            ref = self.ids.get(_href(el).lstrip("#"))
            if ref is not None and _tag(ref) == "symbol":
                self._glyph(ref, m @ _offset(el, self.view), st)
            elif ref is not None and (_tag(ref) in _SHAPES or _tag(ref) == "g") and depth < 32:
                self.walk(ref, m @ _offset(el, self.view), st, depth + 1)
            return
        for c in el:
            if isinstance(c.tag, str):
                self.walk(c, m, st, depth + 1)

    def _glyph(self, symbol, m: np.ndarray, st: dict) -> None:
        """A ``symbol`` placed by ``use``: Cairo's SVG draws each glyph of its text
        so (R's svg(), pdf2svg). Kept with its outline's points; a blank one (a
        space) or one drawn in no colour is left out."""
        if _colour(st.get("fill", "black")) is None and not st.get("stroke"):
            return
        pts = self.geometry(symbol, m)
        if len(pts) and np.isfinite(pts).all():
            to_points = np.diag([self.scale, self.scale, 1.0]) @ m
            self.glyphs.append((symbol.attrib.get("id", ""), pts * self.scale, to_points))

    def glyph_items(self) -> tuple[tuple[TextItem, ...], tuple[int, ...], str]:
        """The glyphs as text items (each a character standing for its outline,
        ``outline_char``), the font of each outline (Cairo names its outlines
        'glyph<font>-<k>'), and an SVG drawing the glyphs alone in black, in points."""
        if not self.glyphs:
            return (), (), ""
        names = {n: k for k, n in enumerate(dict.fromkeys(n for n, _, _ in self.glyphs))}
        fonts = {f: k for k, f in enumerate(dict.fromkeys(_font(n) for n in names))}
        items = tuple(TextItem(outline_char(names[n]), self.box(np.eye(3), pts / self.scale),
                               vertical=abs(mat[1, 0]) > abs(mat[0, 0])) for n, pts, mat in self.glyphs)
        defs = "".join(_plain_xml(self.ids[n]) for n in names if n in self.ids)
        uses = "".join(f'<use xlink:href="#{n}" transform="matrix({m[0, 0]:.6g} {m[1, 0]:.6g} {m[0, 1]:.6g} '
                       f'{m[1, 1]:.6g} {m[0, 2]:.6g} {m[1, 2]:.6g})"/>' for n, _, m in self.glyphs)
        return items, tuple(fonts[_font(n)] for n in names), (
            f'<svg xmlns="{_SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" width="{{w}}pt" '
            f'height="{{h}}pt" viewBox="0 0 {{w}} {{h}}"><defs>{defs}</defs>'
            f'<g fill="#000000" stroke="none">{uses}</g></svg>')

    def _text_item(self, s: str, m: np.ndarray, pts: np.ndarray) -> TextItem:
        turned = abs(m[1, 0]) > abs(m[0, 0])
        return TextItem(s, self.box(np.eye(3), pts), vertical=turned)

    def _shape(self, el, m: np.ndarray, st: dict) -> None:
        tag = _tag(el)
        if tag in _LINES or tag != "rect" and "stroke" in _style(el) | st:
            pts, straight = _shape_points(el, self.view)
            if len(pts) == 2 and straight:  # a line: a tick mark when short
                x0, y0, x1, y1 = self.box(m, pts)
                if max(x1 - x0, y1 - y0) <= 15.0:
                    self.marks.append((x0, y0, x1, y1))
                return
            unfilled = _colour(st.get("fill", "black")) is None and not st.get("fill", "").strip().startswith("url(")
            if straight and unfilled and 4 <= len(pts) <= 7:
                self.frames.append(self.box(m, pts))  # an outline: its path is the stroke's centre line
                return
            if tag in _LINES:
                return  # lines and polylines are stroked, not filled
        fill = st.get("fill", "black")
        rgb = _colour(fill)
        if rgb is None:
            if fill.strip().startswith("url(") and _tag(el) in ("rect", "path"):
                ref = self.ids.get(re.sub(r"^url\(['\"]?#|['\"]?\)$", "", fill.strip()))
                if ref is not None and _tag(ref) == "pattern":
                    self._pattern_image(ref, m)
                else:
                    self._gradient(el, m, fill)
            return
        pts, straight = _shape_points(el, self.view)
        if len(pts) < 3:
            return
        page_pts = _apply(m, pts)
        if not (straight and _is_rect(page_pts)):
            self.other += 1
            return
        alpha = _share(st.get("fill-opacity")) * _share(st.get("opacity"))
        colour = np.array(rgb, np.float64) * alpha + 255.0 * (1 - alpha)
        self.fills.append(self.box(np.eye(3), page_pts))
        self.colours.append(np.round(colour))

    def _gradient(self, el, m: np.ndarray, fill: str) -> None:
        """A rectangle (a ``rect``, or a ``path`` that draws one) filled with a linear
        gradient along one of its sides (plotly's and Vega-Lite's colorbars): taken
        as an image strip of its colours."""
        ref = self.ids.get(re.sub(r"^url\(['\"]?#|['\"]?\)$", "", fill.strip()))
        if ref is None or _tag(ref) != "linearGradient":
            return
        if _tag(el) == "rect":
            corners = _corners(el, view=self.view)
        else:
            corners, straight = _path_points(el.attrib.get("d", ""))
            if len(corners) < 3 or not (straight and _is_rect(_apply(m, corners))):
                return
        stops = []
        for stop in ref:
            if _tag(stop) != "stop":
                continue
            sst = _style(stop)
            off = sst.get("offset", "0")
            f = float((_NUM.findall(off) or ["0"])[0]) / (100.0 if "%" in off else 1.0)
            c = _colour(sst.get("stop-color"))
            if c is not None:
                stops.append((f, c))
        if len(stops) < 2:
            return
        a = {k: float((_NUM.findall(ref.attrib.get(k, d)) or [d])[0]) for k, d in
             (("x1", "0"), ("y1", "0"), ("x2", "1"), ("y2", "0"))}
        vertical = abs(a["y2"] - a["y1"]) > abs(a["x2"] - a["x1"])
        f = (np.arange(256) + 0.5) / 256  # along the strip: top to bottom, or left to right
        start, end = (a["y1"], a["y2"]) if vertical else (a["x1"], a["x2"])
        t = np.clip((f - start) / ((end - start) or 1.0), 0, 1)
        offs = np.array([o for o, _ in stops])
        cols = np.array([c for _, c in stops], np.float64)
        line = np.stack([np.interp(t, offs, cols[:, k]) for k in range(3)], axis=-1).round().astype(np.uint8)
        rgb = line[:, None, :] if vertical else line[None, :, :]
        self.images.append(PlacedImage(self.box(m, corners), np.repeat(rgb, 4, axis=1 if vertical else 0)))

    def _pattern_image(self, pattern, m: np.ndarray) -> None:
        """A shape filled with a pattern whose tile is one image (Cairo's SVG draws
        a raster so, R's colourbars among them: a page-sized rectangle, clipped to
        the bar, filled with a tile the bar's size): the tile's image, placed by the
        pattern's transform, once."""
        if pattern.attrib.get("patternUnits", "objectBoundingBox") != "userSpaceOnUse":
            return
        m = m @ _transform(pattern.attrib.get("patternTransform"))
        kids = [c for c in pattern if isinstance(c.tag, str)]
        if len(kids) != 1:
            return
        el = kids[0]
        if _tag(el) == "use":
            ref = self.ids.get(_href(el).lstrip("#"))
            if ref is None or _tag(ref) != "image":
                return
            m, el = m @ _offset(el, self.view) @ _transform(el.attrib.get("transform")), ref
        if _tag(el) == "image":
            self._image(el, m @ _transform(el.attrib.get("transform")))

    def _image(self, el, m: np.ndarray) -> None:
        href = _href(el)
        if not href.startswith("data:image/") or ";base64," not in href:
            return
        from PIL import Image

        try:
            raw = base64.b64decode(href.split(",", 1)[1].replace("\n", "").replace(" ", ""))
            with Image.open(io.BytesIO(raw)) as im:
                if im.width * im.height > self.max_pixels:
                    return
                rgb = np.asarray(im.convert("RGBA"), np.float64)
        except Exception:  # noqa: BLE001 - an image Pillow cannot decode is not read
            return
        a = rgb[..., 3:4] / 255.0
        rgb = np.round(rgb[..., :3] * a + 255.0 * (1 - a)).astype(np.uint8)
        corners = _corners(el, size=(rgb.shape[1], rgb.shape[0]), view=self.view)
        if m[0, 0] < 0:
            rgb = rgb[:, ::-1]
        if m[1, 1] < 0:
            rgb = rgb[::-1]
        self.images.append(PlacedImage(self.box(m, corners), rgb))

    def _text(self, el, m: np.ndarray, st: dict) -> None:
        s = _text_string(el).strip()
        if not s or _unseen(st):
            return
        size = _length(st.get("font-size"), 10.0, 0.0)
        x = float((_NUM.findall(el.attrib.get("x", "0")) or ["0"])[0])
        y = float((_NUM.findall(el.attrib.get("y", "0")) or ["0"])[0])
        for c in el:  # a tspan may carry the position
            if _tag(c) == "tspan" and "x" in c.attrib:
                x = float((_NUM.findall(c.attrib["x"]) or [x])[0])
                y = float((_NUM.findall(c.attrib.get("y", str(y))) or [y])[0])
                break
        w = _length(el.attrib.get("textLength"), _text_width(s, size), 0.0)  # svglite gives it exactly
        anchor = st.get("text-anchor", "start")
        x0 = x - (w / 2 if anchor == "middle" else w if anchor == "end" else 0)
        dy_text = el.attrib.get("dy", "0")
        dy = float((_NUM.findall(dy_text) or ["0"])[0]) * (size if dy_text.strip().endswith("em") else 1.0)
        top = y + dy - 0.85 * size  # digits stand centred 0.35 em above the baseline
        pts = np.array([(x0, top), (x0 + w, top), (x0 + w, top + size), (x0, top + size)])
        self.texts.append(self._text_item(s, m, _apply(m, pts)))


#: Glyph widths (thousandths of an em) of a sans-serif font (Helvetica's and
#: Arial's metrics), for the extent of a text whose writer does not give it; other
#: characters take a digit's width.
_WIDTHS = {**dict.fromkeys("0123456789", 556), **dict.fromkeys(" .,:;!|", 278), "-": 333, "(": 333, ")": 333,
           **dict(zip("abcdefghijklmnopqrstuvwxyz", (556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222,
                                                      833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500,
                                                      500, 500))),
           **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556,
                                                      833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
                                                      667, 611)))}


def _text_width(s: str, size: float) -> float:
    return size * sum(_WIDTHS.get(c, 556) for c in s) / 1000.0


def _unseen(st: dict) -> bool:
    """Whether text so styled draws nothing: no fill, and no stroke or a
    transparent one (bokeh's SVG writes each label twice, the second so)."""
    unfilled = st.get("fill", "black").strip().lower() == "none"
    stroke = st.get("stroke", "none").strip().lower()
    return unfilled and (stroke == "none" or _share(st.get("stroke-opacity")) == 0.0
                         or _share(st.get("opacity")) == 0.0)


_EXPONENT = re.compile(r"[-+\u2212\u2013]?\d+")


def _text_string(el) -> str:
    """A text element's string, with a raised ``tspan`` of digits after a digit
    written as a power ('10' and a raised '-3': '10^-3'; gnuplot's and Octave's
    enhanced text, plotly's exponents)."""
    parts = [el.text or ""]
    rise = 0.0
    for c in el:
        if _tag(c) == "tspan":
            dy = (_NUM.findall(c.attrib.get("dy", "0")) or ["0"])[0]
            shift = (_style(c).get("baseline-shift") or "").strip()
            rise -= float(dy)
            t = "".join(c.itertext())
            up = rise > 0 or shift == "super" or shift[:1].isdigit() and float(_NUM.findall(shift)[0]) > 0
            if up and _EXPONENT.fullmatch(t.strip()) and "".join(parts).rstrip()[-1:].isdigit():
                t = "^" + t.strip()
            parts.append(t)
        parts.append(c.tail or "")
    return "".join(parts)


def svg_objects(path: str | os.PathLike, *, max_pixels: int = DEFAULT_MAX_PIXELS,
                max_bytes: int = 500_000_000) -> VectorPage:
    """The ``VectorPage`` of an SVG file (points: the SVG's own units scaled by its
    declared width)."""
    from pathlib import Path

    from .imageio import check_file

    check_file(Path(path), max_bytes=max_bytes)
    try:
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
        root = ET.parse(str(path), parser=parser).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputError(f"expected a well-formed SVG; {path} could not be parsed ({exc})",
                         hint="check that the file is complete") from exc
    if _tag(root) != "svg":
        raise InputError(f"expected an <svg> document; {path} holds <{_tag(root)}>")
    view = [float(v) for v in _NUM.findall(root.attrib.get("viewBox", ""))]
    width = root.attrib.get("width", "")
    wm = re.match(r"^\s*(\d+\.?\d*|\.\d+)\s*([a-z]*)", width)
    if wm and len(view) == 4 and view[2] > 0:
        scale = float(wm.group(1)) * _UNITS.get(wm.group(2), 0.75) / view[2]
    else:
        scale = _UNITS.get(wm.group(2), 0.75) if wm else 0.75
    if len(view) == 4:
        viewport = (view[2], view[3])
    else:
        viewport = tuple(_length(root.attrib.get(k), 0.0, 0.0) for k in ("width", "height"))
    reader = _Reader(root, scale, max_pixels, viewport)
    m = np.eye(3)
    if len(view) == 4:
        m[0, 2], m[1, 2] = -view[0], -view[1]
    with np.errstate(all="ignore"):  # numbers past a float's range come out non-finite, and are dropped below
        reader.walk(root, m, {})
    w_pt = (view[2] if len(view) == 4 else float(wm.group(1)) if wm else 0.0) * scale
    h_attr = re.match(r"^\s*(\d+\.?\d*|\.\d+)", root.attrib.get("height", ""))
    h_pt = (view[3] if len(view) == 4 else float(h_attr.group(1)) if h_attr else 0.0) * scale
    # numbers past a float's range ('1e999') or an unreadable transform leave
    # shapes nowhere: they are dropped, not drawn
    keep = [k for k, b in enumerate(reader.fills) if _placed(b)]
    fills = [reader.fills[k] for k in keep]
    glyphs, glyph_fonts, glyph_svg = reader.glyph_items()
    return VectorPage(source=str(path), size=(w_pt, h_pt) if _placed((w_pt, h_pt)) else (0.0, 0.0),
                      fills=np.array(fills, np.float64).reshape(-1, 4) if fills else empty_boxes(),
                      colours=np.array([reader.colours[k] for k in keep], np.uint8).reshape(-1, 3),
                      images=tuple(i for i in reader.images if _placed(i.box)),
                      texts=tuple(join_text([t for t in reader.texts if _placed(t.box)], whole=True)),
                      other_shapes=reader.other,
                      marks=_boxes([b for b in reader.marks if _placed(b)]),
                      frames=_boxes([b for b in reader.frames if _placed(b)]),
                      glyphs=glyphs, glyph_fonts=glyph_fonts, glyph_points=tuple(p for _, p, _ in reader.glyphs),
                      glyph_svg=glyph_svg.replace("{w}", f"{w_pt:.6g}").replace("{h}", f"{h_pt:.6g}"))


_SVG_NS = "http://www.w3.org/2000/svg"


def _font(name: str) -> str:
    """The font of an outline named as Cairo names them ('glyph2-5': font 'glyph2')."""
    return name.rsplit("-", 1)[0] if "-" in name else ""




def _plain_xml(el) -> str:
    """An element as SVG markup without namespace prefixes (its fill and stroke
    left to the drawing that uses it)."""
    tag = _tag(el)
    attrs = "".join(f' {k.split("}")[-1]}="{_escape(v)}"' for k, v in el.attrib.items()
                    if k.split("}")[-1] not in ("style", "fill", "stroke"))
    inner = "".join(_plain_xml(c) for c in el if isinstance(c.tag, str))
    return f"<{tag}{attrs}>{inner}</{tag}>"


def _escape(v: str) -> str:
    return v.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _placed(box) -> bool:
    """Whether every coordinate of a box (or size) is a finite number."""
    return bool(np.all(np.isfinite(np.asarray(box, np.float64))))


def _boxes(boxes: list) -> np.ndarray:
    return np.array(boxes, np.float64).reshape(-1, 4) if boxes else empty_boxes()


#: SVG length units in CSS pixels (resvg takes plain numbers as pixels).
_CSS_PX = {"": 1.0, "px": 1.0, "pt": 96.0 / 72.0, "pc": 16.0, "in": 96.0, "cm": 96.0 / 2.54, "mm": 96.0 / 25.4}


def render_svg(path: str | os.PathLike, *, pixels_per_point: float, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """An SVG drawn to pixels on white ((H, W, 3) uint8), ``pixels_per_point`` pixels
    to a point, by resvg (through resvg-py): for figures whose objects give no
    heatmap, such as Cairo's SVG (R's svg()), whose text is glyph outlines. The
    root's width and height are written in pixels first (resvg refuses other
    units). Raises InputError when it cannot be drawn."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    return render_svg_text(text, source=str(path), pixels_per_point=pixels_per_point, max_pixels=max_pixels)


def render_svg_text(text: str, *, source: str, pixels_per_point: float,
                    max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """``render_svg`` for an SVG document held as text (``source`` names it in errors)."""
    import resvg_py

    head = re.search(r"<svg\b[^>]*>", text)
    if head is None:
        raise InputError(f"expected an <svg> document in {source}")
    tag = head.group(0)
    size = {}
    for attr in ("width", "height"):
        m = re.search(rf'\s{attr}\s*=\s*(["\'])\s*(\d+\.?\d*|\.\d+)\s*([a-z]*)\s*\1', tag)  # either quote (svglite: ')
        if m and m.group(3) in _CSS_PX:
            size[attr] = float(m.group(2)) * _CSS_PX[m.group(3)]
            tag = tag.replace(m.group(0), f' {attr}="{size[attr]:g}"')
    zoom = pixels_per_point * 72.0 / 96.0
    w, h = (size.get("width", 0.0) * zoom, size.get("height", 0.0) * zoom)
    if w * h > max_pixels:
        raise InputError(f"expected an SVG of at most {max_pixels} pixels when drawn; {source} would be "
                         f"{w:.0f} x {h:.0f}", hint="raise --max-pixels")
    try:
        png = resvg_py.svg_to_bytes(svg_string=text[:head.start()] + tag + text[head.end():], zoom=zoom,
                                    background="#ffffff")
    except (ValueError, RuntimeError) as exc:
        raise InputError(f"expected an SVG resvg can draw; {source} could not be drawn ({exc})") from exc
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(bytes(png))).convert("RGB"))
