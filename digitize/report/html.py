"""OUTDIR/index.html for a batch: one row per heatmap (or failure) with the thumbnail
of its overlay, shape, scale, colormap, confidence, failed checks and status;
failed, doubtful and flagged rows first; click a column header to sort. One self-contained file (inline CSS and
script, images by relative path): it opens from the file system, no server, no
network."""
from __future__ import annotations

import html
import os
from pathlib import Path

_STATUS_ORDER = {"failed": 0, "unread": 1, "doubtful": 2, "warning": 3, "ok": 4}

_CSS = """
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
th{cursor:pointer;background:#f4f4f4;position:sticky;top:0;user-select:none}
th:after{content:" \\2195";color:#aaa}
tr.failed{background:#fde8e8} tr.unread{background:#eceff4} tr.doubtful{background:#fbe3f0} tr.warning{background:#fff6dd}
td.num{text-align:right;font-variant-numeric:tabular-nums}
img{max-width:480px;max-height:480px;display:block}
.err{color:#8a1c1c;max-width:32em}
"""

_JS = """
document.querySelectorAll('th').forEach(function(th, col){
  th.addEventListener('click', function(){
    var body = document.querySelector('tbody');
    var rows = Array.from(body.rows);
    var asc = th.dataset.dir !== 'asc';
    rows.sort(function(a, b){
      var x = a.cells[col].dataset.key, y = b.cells[col].dataset.key;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function(r){ body.appendChild(r); });
    document.querySelectorAll('th').forEach(function(h){ delete h.dataset.dir; });
    th.dataset.dir = asc ? 'asc' : 'desc';
  });
});
"""


def _cell(text, key=None, cls="") -> str:
    k = html.escape(str(text if key is None else key), quote=True)
    c = f' class="{cls}"' if cls else ""
    return f'<td data-key="{k}"{c}>{html.escape(str(text))}</td>'


def _conf(r) -> float:
    try:
        return float(r.get("confidence"))
    except (TypeError, ValueError):
        return -1.0


def render_index(rows: list[dict], outdir: Path) -> str:
    """The page for these summary rows; image paths relative to ``outdir``."""
    order = sorted(rows, key=lambda r: (_STATUS_ORDER.get(r.get("status"), 0), _conf(r)))
    body = []
    for i, r in enumerate(order):
        status = r.get("status", "")
        img = ""
        if r.get("output") and r.get("overlay"):
            path = Path(r["output"]) / r["overlay"]
            thumb = Path(r["output"]) / r["thumbnail"] if r.get("thumbnail") else path
            if path.exists():
                rel = os.path.relpath(path, outdir).replace(os.sep, "/")
                src = os.path.relpath(thumb if thumb.exists() else path, outdir).replace(os.sep, "/")
                img = (f'<a href="{html.escape(rel)}" title="the full overlay"><img src="{html.escape(src)}" '
                       f'alt="overlay" loading="lazy"></a>')
        shape = f'{r.get("rows")} x {r.get("cols")}' if r.get("rows") not in ("", None) else ""
        n_cells = (int(r["rows"]) * int(r["cols"])) if shape else -1
        scale = (f'{r.get("scale")} {float(r["vmin"]):g}..{float(r["vmax"]):g}'
                 if r.get("vmin") not in ("", None) else "")
        src = "/".join(Path(str(r.get("source", ""))).parts[-2:])  # folder/name: names repeat across folders
        page = r.get("page", "")
        body.append(
            f'<tr class="{html.escape(status)}" data-row="{i}">'
            + _cell(status, _STATUS_ORDER.get(status, 0))
            + f'<td data-key="{i}">{img}</td>'
            + _cell(src + (f" p.{page}" if page not in ("", None) else ""))
            + _cell(r.get("heatmap", ""))
            + _cell(shape, n_cells)
            + _cell(scale)
            + _cell(r.get("colormap", ""))
            + _cell(r.get("confidence", ""), _conf(r), "num")
            + _cell(r.get("checks_failed", ""))
            + _cell(r.get("worst_residual", ""), cls="num")
            + _cell(r.get("error", ""), cls="err")
            + "</tr>")
    n_fail = sum(r.get("status") == "failed" for r in rows)
    n_doubt = sum(r.get("status") == "doubtful" for r in rows)
    n_warn = sum(r.get("status") == "warning" for r in rows)
    n_unread = sum(r.get("status") == "unread" for r in rows)
    head = "".join(f"<th>{h}</th>" for h in ("status", "overlay", "source", "#", "shape", "scale", "colormap",
                                              "confidence", "failed checks", "worst residual", "error / warnings"))
    return ("<!doctype html><html><head><meta charset=\"utf-8\"><title>digitize batch report</title>"
            f"<style>{_CSS}</style></head><body>"
            f"<h1>digitize batch report</h1><p>{len(rows)} rows: {n_fail} failed, {n_unread} found but not read "
            f"(no scale), {n_doubt} doubtful (low confidence), {n_warn} with warnings, "
            f"{len(rows) - n_fail - n_unread - n_doubt - n_warn} ok. Failed, unread, doubtful and "
            f"flagged first; click a header to sort.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<script>{_JS}</script></body></html>")


def write_index(rows: list[dict], outdir: Path) -> Path:
    from .export import write_atomic

    path = Path(outdir) / "index.html"
    write_atomic(path, render_index(rows, Path(outdir)))
    return path
