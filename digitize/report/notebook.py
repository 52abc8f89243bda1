"""How a notebook shows a result: the overlay (found | redrawn | difference, scaled
to fit a notebook's width) when the pixels read are at hand, then a summary line
and the table of each heatmap, at the precision the terminal prints."""
from __future__ import annotations

import base64
import html

import cv2
import numpy as np

from ..model import Digitization, Heatmap
from .export import _col_labels, _row_label, format_value

#: The overlay's width in a notebook, in pixels (a notebook's column is ~1000 px).
VIEW_WIDTH = 960


def html_view(obj: Heatmap | Digitization) -> str:
    """HTML for ``_repr_html_``: a Heatmap alone, or every heatmap of a Digitization."""
    if isinstance(obj, Heatmap):
        picture = _overlay_img(Digitization("", (0, 0), (obj,)), obj.picture)
        return picture + _table(obj, None)
    picture = _overlay_img(obj, obj.picture)
    return picture + "".join(_table(h, k) for k, h in enumerate(obj.heatmaps))


def _overlay_img(result: Digitization, pixels: np.ndarray | None) -> str:
    if pixels is None or not result.heatmaps:
        return ""
    from .overlay import draw_overlay, encode_png

    img = draw_overlay(result, pixels)
    if img.shape[1] > VIEW_WIDTH:
        h = max(1, round(img.shape[0] * VIEW_WIDTH / img.shape[1]))
        img = cv2.resize(img, (VIEW_WIDTH, h), interpolation=cv2.INTER_AREA)
    data = base64.b64encode(encode_png(img)).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="overlay: found, redrawn from the table, difference" '
            f'style="max-width:100%">')


def _table(h: Heatmap, k: int | None) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in _col_labels(h))
    body = "".join(f"<tr><th>{html.escape(_row_label(h, i))}</th>"
                   + "".join(f"<td>{format_value(h, float(v))}</td>" for v in h.table.values[i]) + "</tr>"
                   for i in range(h.rows))
    name = (f"heatmap {k + 1}" if k is not None else "heatmap") + (f" ({h.axes.title})" if h.axes.title else "")
    return (f"<p><b>{html.escape(name)}</b>: {html.escape(h.summary())}</p><table><thead><tr>"
            f"<th>{html.escape(h.axes.y_label)}</th>{head}</tr></thead><tbody>{body}</tbody></table>")
