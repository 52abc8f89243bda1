"""The terminal view: a rich table per heatmap, the short interpretation, warnings."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..model import Digitization
from .export import _col_labels, _row_label, format_value, value_decimals


def render(result: Digitization, console: Console | None = None) -> None:
    for k, h in enumerate(result.heatmaps):
        d = value_decimals(h)
        widths = [max([len(c) for c in _col_labels(h)] + [d + 4]) + 3 for _ in range(h.cols)]
        need = sum(widths) + 20
        con = console or Console(width=max(need, 100), soft_wrap=False)
        title = h.axes.title or f"heatmap {k + 1}"
        scale = f"{h.scale.kind} {h.scale.vmin:g} .. {h.scale.vmax:g}"
        if h.scale.source == "user":
            scale += " (given)"
        t = Table(title=f"{title}  [{h.rows} x {h.cols}, {scale}]", show_lines=False)
        t.add_column(h.axes.y_label or "", style="bold", no_wrap=True)
        for c in _col_labels(h):
            t.add_column(c, justify="right", no_wrap=True)
        for i in range(h.rows):
            cells = []
            for j, v in enumerate(h.table.values[i]):
                s = format_value(h, v)
                doubt = h.table.flagged[i, j] or (h.printed is not None and h.printed.disagree[i, j])
                cells.append(f"[red]{s}?[/red]" if doubt else s)
            t.add_row(_row_label(h, i), *cells)
        con.print(t)
        if h.axes.x_label:
            con.print(f"columns: {h.axes.x_label}")
        a = h.analysis
        if a.get("text"):
            from rich.markdown import Markdown
            con.print(Markdown(a["text"]))
        elif "peak" in a:
            p, m = a["peak"], a["minimum"]
            con.print(f"peak {p['value']:.{d}f} at row {p['row']}, column {p['col']}; "
                      f"minimum {m['value']:.{d}f} at row {m['row']}, column {m['col']}")
        for w in h.warnings:
            con.print(f"[yellow]warning:[/yellow] {w}")
    con = console or Console()
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {w}")
