"""Writers: the result as a JSON document, CSV, Markdown, or a terminal table.

The JSON shape is the project's contract (the shared scorer reads it):
{"source", "heatmaps": [{rows, cols, values, row_labels, col_labels, x_label,
y_label, title, plot_box, colorbar: {box, orientation, vmin, vmax, scale, ticks,
colormap}, cell_residual, analysis, ...}], "warnings"}.
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

import numpy as np

from ..model import Digitization, Heatmap


def _num(v: float, sig: int = 6):
    if v is None or not math.isfinite(v):
        return None
    return float(f"{v:.{sig}g}")


def value_decimals(h: Heatmap) -> int:
    """Decimals for printed tables (see ``scale_decimals``); where the cells print
    their numbers, the printed precision (two more for a percent read as a share)."""
    from ..core.scale import scale_decimals

    fmt = h.printed.format if h.printed is not None else ""
    if fmt and not fmt.endswith("e"):
        d = 0 if fmt == "d" else int(fmt[1:-1])
        return d + 2 if fmt.endswith("%") else d
    return scale_decimals(h.scale)


def format_value(h: Heatmap, v: float, extra: int = 0) -> str:
    """A cell value as text: at the printed precision where the cells print their
    numbers (scientific where they print so), else at the scale's resolution plus
    ``extra`` decimals."""
    fmt = h.printed.format if h.printed is not None else ""
    if fmt and math.isfinite(v):
        return f"{v:{fmt}}" if fmt.endswith("e") else f"{v:.{value_decimals(h)}f}"
    return _fmt(v, value_decimals(h) + (0 if fmt else extra))


def heatmap_dict(h: Heatmap) -> dict:
    vals = [[_num(v) for v in row] for row in h.table.values.tolist()]
    bar = h.colorbar
    cb = {
        "box": bar.box.as_list() if bar is not None else None,
        "orientation": bar.orientation if bar is not None else None,
        "vmin": _num(h.scale.vmin, 10),
        "vmax": _num(h.scale.vmax, 10),
        "scale": h.scale.kind,
        "scale_source": h.scale.source,
        "multiplier": (None if h.scale.multiplier is None else
                       {"kind": h.scale.multiplier[0], "value": _num(h.scale.multiplier[1], 10)}),
        "discrete": bool(h.scale.discrete_levels),
        "levels": [_num(v, 10) for v in h.scale.discrete_levels],
        "levels_from_labels": h.scale.level_labels,  # each level its own label's value (a legend of bins)
        "ticks": [{"label": t.label, "value": _num(t.value, 10) if t.value is not None else None,
                   "pixel": round(t.pixel, 2), "used": t.inlier} for t in h.scale.ticks],
        "colormap": h.colormap.name or None,
        "colormap_distance": round(float(h.colormap.match_distance), 2) if h.colormap.name else None,
        "label": h.axes.colorbar_label,
    }
    return {
        "rows": h.rows,
        "cols": h.cols,
        "values": vals,
        "row_labels": list(h.axes.row_labels),
        "col_labels": list(h.axes.col_labels),
        "x_label": h.axes.x_label,
        "y_label": h.axes.y_label,
        "title": h.axes.title,
        "page": h.page,
        "read_from": h.read_from,
        "plot_box": h.plot_box.as_list(),
        "plot_box_points": list(h.points) if h.points is not None else None,
        "block_pixels": h.grid.block or None,  # the cells are blocks of pixels laid over unresolved cells
        "row_edges": [round(float(e), 2) for e in h.grid.row_edges],
        "col_edges": [round(float(e), 2) for e in h.grid.col_edges],
        "colorbar": cb,
        "cell_residual": [[round(float(r), 2) for r in row] for row in h.table.residual.tolist()],
        "flagged": [[(i, j) for j in range(h.cols) if h.table.flagged[i, j]] for i in range(h.rows)],
        "confidence": h.confidence,
        "checks": [{"name": c.name, "passed": c.passed, "value": c.value, "limit": c.limit,
                    **({"detail": c.detail} if c.detail else {})} for c in h.checks],
        "printed": _printed_texts(h),
        "printed_format": h.printed.format if h.printed is not None else None,
        "value_source": _value_source(h),
        "agreement": _agreement(h),
        "analysis": h.analysis,
        "warnings": list(h.warnings),
    }


def _printed_texts(h: Heatmap) -> list | None:
    """The text printed in each cell (None where none), or None when the cells print nothing."""
    if h.printed is None:
        return None
    return [[t if t is None else str(t) for t in row] for row in h.printed.texts.tolist()]


def _value_source(h: Heatmap) -> list:
    """Where each cell's value came from: 'text' (the printed number), 'colour',
    'both' (the two agree; the printed number is kept), None for a blank cell."""
    if h.printed is None:
        return [[None if b else "colour" for b in row] for row in h.table.blank.tolist()]
    return [[s or None for s in row] for row in h.printed.source.tolist()]


def _agreement(h: Heatmap) -> dict | None:
    p = h.printed
    if p is None:
        return None
    return {"share": None if p.agreement is None else round(p.agreement, 4),
            "largest": _num(p.largest) if p.largest is not None else None,
            "cells_read_both_ways": int((np.isfinite(p.numbers) & np.isfinite(p.colour_values)).sum()),
            "disagree": [[int(i), int(j)] for i, j in zip(*np.nonzero(p.disagree))],
            "colour_values": [[_num(v) for v in row] for row in p.colour_values.tolist()]}


def to_dict(result: Digitization) -> dict:
    warnings = list(result.warnings) + [w for h in result.heatmaps for w in h.warnings]
    return {"source": result.source, "image_size": list(result.image_size),
            "heatmaps": [heatmap_dict(h) for h in result.heatmaps], "warnings": warnings}


def to_json(result: Digitization) -> str:
    return json.dumps(to_dict(result), indent=1, ensure_ascii=False)


def _fmt(v: float, decimals: int) -> str:
    if not math.isfinite(v):
        return ""
    if abs(v) >= 1e5 or (0 < abs(v) < 10 ** -(decimals + 1)):
        return f"{v:.4g}"
    return f"{v:.{decimals}f}"


def _row_label(h: Heatmap, i: int) -> str:
    return h.axes.row_labels[i] if h.axes.row_labels else str(i)


def _col_labels(h: Heatmap) -> list[str]:
    return list(h.axes.col_labels) if h.axes.col_labels else [str(j) for j in range(h.cols)]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def csv_safe(text) -> str:
    """A text cell that a spreadsheet will not run as a formula and that keeps to
    its row: control characters (line breaks, tabs, escapes) become spaces, and a
    cell starting with = + - @ gets a leading apostrophe (OWASP), unless it is a
    plain number ('-0.5' stays)."""
    t = "" if text is None else _CONTROL.sub(" ", str(text))
    if t and t[0] in "=+-@":
        try:
            float(t)
        except ValueError:
            return "'" + t
    return t


def _corner(h: Heatmap) -> str:
    """The table's corner cell names both axes, as a crosstab does: ``Steps \\ Layer``
    (the rows' title, then the columns')."""
    y, x = h.axes.y_label or "", h.axes.x_label or ""
    return f"{y} \\ {x}".strip() if x else y


def to_csv(result: Digitization) -> str:
    """One block per heatmap: a header row of column labels (the corner cell names
    both axes, ``_corner``), then one row per row.
    Labels read from the image are made safe for spreadsheets (``csv_safe``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for k, h in enumerate(result.heatmaps):
        if len(result.heatmaps) > 1:
            w.writerow([f"# heatmap {k + 1}"])
        w.writerow([csv_safe(_corner(h))] + [csv_safe(c) for c in _col_labels(h)])
        for i in range(h.rows):
            w.writerow([csv_safe(_row_label(h, i))] + [format_value(h, v, extra=2) for v in h.table.values[i]])
    return buf.getvalue()


def to_long_csv(result: Digitization) -> str:
    """The tidy table: one row per cell of every heatmap (columns
    ``model.LONG_COLUMNS``), the shape ggplot, seaborn and polars read; values at
    the CSV's precision, blank cells empty, labels made safe as in ``to_csv``."""
    from ..model import LONG_COLUMNS

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(LONG_COLUMNS)
    for r in result.long_records():
        h = result.heatmaps[r["heatmap"] - 1]
        residual = f"{r['residual']:.2f}" if math.isfinite(r["residual"]) else ""
        w.writerow([r["heatmap"], "" if r["page"] is None else r["page"], csv_safe(r["row"]), csv_safe(r["col"]),
                    format_value(h, r["value"], extra=2), residual, r["source"] or ""])
    return buf.getvalue()


def md_safe(text) -> str:
    """Text read from an image, inert in Markdown: HTML escaped, table pipes and
    line breaks neutralised."""
    import html

    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


def to_markdown(result: Digitization) -> str:
    out = [f"# Digitized: {md_safe(os.path.basename(result.source))}", ""]
    for k, h in enumerate(result.heatmaps):
        title = md_safe(h.axes.title) or f"Heatmap {k + 1}"
        out += [f"## {title}", ""]
        out.append(f"{h.rows} rows x {h.cols} columns; colour scale {h.scale.kind} from "
                   f"{h.scale.vmin:g} to {h.scale.vmax:g}"
                   + (f" ({h.colormap.name})" if h.colormap.name else "") + ".")
        out.append("")
        cols = _col_labels(h)
        out.append("| " + " | ".join([md_safe(_corner(h))] + [md_safe(c) for c in cols]) + " |")
        out.append("|" + "---|" * (len(cols) + 1))
        for i in range(h.rows):
            cells = []
            for j, v in enumerate(h.table.values[i]):
                s = format_value(h, v)
                doubt = h.table.flagged[i, j] or (h.printed is not None and h.printed.disagree[i, j])
                cells.append(s + (" ⚠" if doubt else ""))
            out.append("| " + " | ".join([md_safe(_row_label(h, i))] + cells) + " |")
        out.append("")
        text = h.analysis.get("text")
        if text:
            out += [text, ""]
        if h.warnings:
            out += ["**Warnings**", ""] + [f"- {md_safe(w)}" for w in h.warnings] + [""]
    if result.warnings:
        out += ["**Warnings**", ""] + [f"- {md_safe(w)}" for w in result.warnings] + [""]
    return "\n".join(out)


FORMATS = {"json": to_json, "csv": to_csv, "long": to_long_csv, "md": to_markdown}


def write_atomic(path: str | os.PathLike, text: str | bytes) -> None:
    """Write a file so that a reader (or a crash) never sees half of it, with the
    mode an ordinary write would give it (the umask's, or the replaced file's)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600: give it the mode an ordinary write would, the
        # existing file's when it is replaced, else what the umask allows
        try:
            mode = path.stat().st_mode & 0o7777
        except OSError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
