"""The terminal view: a rich table per heatmap, the short interpretation, warnings."""
from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..model import Digitization
from .export import _col_labels, _row_label, format_value, value_decimals


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    """Text read from an image or a file name, safe for a terminal: control
    characters (ESC, BEL) dropped; ``escape`` then keeps rich markup inert."""
    return _CONTROL.sub("", str(text))


def render(result: Digitization, console: Console | None = None) -> None:
    for k, h in enumerate(result.heatmaps):
        d = value_decimals(h)
        widths = [max([len(c) for c in _col_labels(h)] + [d + 4]) + 3 for _ in range(h.cols)]
        need = sum(widths) + 20
        con = console or Console(width=max(need, 100), soft_wrap=False)
        title = escape(_clean(h.axes.title)) or f"heatmap {k + 1}"
        scale = f"{h.scale.kind} {h.scale.vmin:g} .. {h.scale.vmax:g}"
        if h.scale.source == "user":
            scale += " (given)"
        t = Table(title=f"{title}  [{h.rows} x {h.cols}, {scale}]", show_lines=False)
        t.add_column(escape(_clean(h.axes.y_label or "")), style="bold", no_wrap=True)
        for c in _col_labels(h):
            t.add_column(escape(_clean(c)), justify="right", no_wrap=True)
        for i in range(h.rows):
            cells = []
            for j, v in enumerate(h.table.values[i]):
                s = format_value(h, v)
                doubt = h.table.flagged[i, j] or (h.printed is not None and h.printed.disagree[i, j])
                cells.append(f"[red]{s}?[/red]" if doubt else s)
            t.add_row(escape(_clean(_row_label(h, i))), *cells)
        con.print(t)
        if h.axes.x_label:
            con.print(f"columns: {escape(_clean(h.axes.x_label))}")
        a = h.analysis
        if a.get("text"):
            from rich.markdown import Markdown
            con.print(Markdown(_clean(a["text"])))
        elif "peak" in a:
            p, m = a["peak"], a["minimum"]
            con.print(f"peak {p['value']:.{d}f} at row {p['row']}, column {p['col']}; "
                      f"minimum {m['value']:.{d}f} at row {m['row']}, column {m['col']}")
        for w in h.warnings:
            con.print(f"[yellow]warning:[/yellow] {escape(_clean(w))}")
    con = console or Console()
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(_clean(w))}")


def render_text(result: Digitization, width: int = 10_000) -> str:
    """The terminal view as plain text (no colour, no trailing spaces), for a file."""
    import io

    buf = io.StringIO()
    render(result, Console(file=buf, width=width, color_system=None, force_terminal=False, soft_wrap=False))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
