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
    """Print every heatmap's table (its columns folded into several tables when they
    do not fit the console's width), the interpretation and the warnings. Without
    a console: the terminal's width, or plain text without trailing spaces when
    standard output is not a terminal."""
    import sys

    if console is None and not sys.stdout.isatty():
        sys.stdout.write(render_text(result, width=_plain_width()))
        return
    con = console or Console(soft_wrap=False)
    for k, h in enumerate(result.heatmaps):
        for t in _tables(h, k, con.width):
            con.print(t)
        if h.axes.x_label:
            con.print(f"columns: {escape(_clean(h.axes.x_label))}")
        a = h.analysis
        if a.get("text"):
            from rich.markdown import Markdown
            con.print(Markdown(_clean(a["text"])))
        elif "peak" in a:
            d = value_decimals(h)
            p, m = a["peak"], a["minimum"]
            con.print(f"peak {p['value']:.{d}f} at row {p['row']}, column {p['col']}; "
                      f"minimum {m['value']:.{d}f} at row {m['row']}, column {m['col']}")
        for w in h.warnings:
            con.print(f"[yellow]warning:[/yellow] {escape(_clean(w))}")
    for w in result.warnings:
        con.print(f"[yellow]warning:[/yellow] {escape(_clean(w))}")


def _plain_width() -> int:
    import os
    import shutil

    cols = os.environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 20:
        return int(cols)
    try:  # piped into head or less on a terminal: the terminal is still on standard error
        return os.get_terminal_size(2).columns
    except OSError:
        return shutil.get_terminal_size((100, 24)).columns


def _tables(h, k: int, width: int) -> list[Table]:
    """The heatmap's table, its columns split into consecutive groups that each fit
    ``width`` (every group repeats the row labels)."""
    labels = _col_labels(h)
    texts = [[format_value(h, v) for v in h.table.values[i]] for i in range(h.rows)]
    col_w = [max([len(labels[j])] + [len(texts[i][j]) + 1 for i in range(h.rows)]) + 3 for j in range(h.cols)]
    row_w = max([len(h.axes.y_label or "")] + [len(_row_label(h, i)) for i in range(h.rows)]) + 4
    groups, start, used = [], 0, row_w
    for j, w in enumerate(col_w):
        if j > start and used + w > width:
            groups.append((start, j))
            start, used = j, row_w
        used += w
    groups.append((start, h.cols))
    title = escape(_clean(h.axes.title)) or f"heatmap {k + 1}"
    scale = f"{h.scale.kind} {h.scale.vmin:g} .. {h.scale.vmax:g}" + (" (given)" if h.scale.source == "user" else "")
    out = []
    for g, (a, b) in enumerate(groups):
        part = f", columns {a + 1}-{b} of {h.cols}" if len(groups) > 1 else ""
        t = Table(title=f"{title}  [{h.rows} x {h.cols}, {scale}{part}]", show_lines=False)
        t.add_column(escape(_clean(h.axes.y_label or "")), style="bold", no_wrap=True)
        for c in labels[a:b]:
            t.add_column(escape(_clean(c)), justify="right", no_wrap=True)
        for i in range(h.rows):
            cells = []
            for j in range(a, b):
                doubt = h.table.flagged[i, j] or (h.printed is not None and h.printed.disagree[i, j])
                cells.append(f"[red]{texts[i][j]}?[/red]" if doubt else texts[i][j])
            t.add_row(escape(_clean(_row_label(h, i))), *cells)
        out.append(t)
    return out


def render_text(result: Digitization, width: int = 10_000) -> str:
    """The terminal view as plain text (no colour, no trailing spaces), for a file."""
    import io

    buf = io.StringIO()
    render(result, Console(file=buf, width=width, color_system=None, force_terminal=False, soft_wrap=False))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
