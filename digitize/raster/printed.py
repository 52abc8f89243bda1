"""Numbers printed in the cells: where they are, and what they say.

Input: the picture's planes, the grid, each cell's colour (Lab) and which cells
are blank. Output: ``CellText``, the box of each cell's text (the pixels far from
the cell's own colour, in the middle of the cell, in one or two lines), and
``read_cell_text``, the strings the OCR reads there. Deciding what the strings
are worth is the core's job (``core/printed.py``).

Each crop is redrawn as dark text on white from its distance to the cell colour,
so light text on a dark cell and dark text on a light one read alike, whatever
the colours. Crops whose text pixels are identical (the many '0' of a confusion
matrix) are read once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Sequence

import cv2
import numpy as np

from ..core.lookup import delta_e, lab_to_rgb
from ..core.printed import colour_uncertainty, judge_readings, parse_printed, printed_table, reconcile
from ..model import CellTable, Colormap, Grid, Printed, Scale, frozen_array
from .ocr import Recognition, Recognizer, prepare_crop, read_in_context
from .planes import Planes

#: A pixel belongs to printed text when it is this far (delta E) from its cell's
#: colour: annotation text is drawn to contrast (white on dark, black on light,
#: delta E 40 and more); the cell's own noise and JPEG ringing stay far below.
TEXT_DELTA_E = 22.0
#: The margin of each cell (share of its side) left out: grid lines and the
#: neighbours' anti-aliasing live there; text is centred.
CELL_INSET = 0.08
#: Smallest text read (pixels): a glyph shorter than this cannot be read.
MIN_TEXT_HEIGHT = 5
#: A cell's text covers at least this many pixels ...
MIN_TEXT_PIXELS = 6
#: ... and at most this share of the inset cell (more is a pattern, not a number).
MAX_TEXT_SHARE = 0.6
#: The text's centre lies within this share of the cell's side from the cell's centre.
CENTRE_TOLERANCE = 0.3
#: The figure prints numbers when at least this share of its non-blank cells holds text,
ANNOTATED_SHARE = 0.5
#: ... at least this share of those texts read as numbers (tried first on this many
#: cells spread over the plot, when it has many),
NUMBER_SHARE = 0.7
PROBE_CELLS = 12
#: When fewer than this share of the cells read as numbers by the fast model, the
#: accurate model does not read them again: they print no numbers (marks, a map's
#: specks), and a second model does not make most of them numbers.
FAST_NUMBER_SHARE = 0.5 * NUMBER_SHARE
#: ... and at least this share of the numbers agree with the colours (on the
#: colorbar's scale, or on one fitted to them): otherwise the text in the cells
#: is something else (a label, a mark), and the cells are read by colour alone.
EXPLAINED_SHARE = 0.5


@dataclass(frozen=True)
class CellText:
    """boxes : (R, C, 4) int (x0, y0, x1, y1) in image pixels of each cell's text,
    -1 where a cell holds none; lines : (R, C) int, the text's lines (0: none);
    line_boxes : per cell with text, its lines' boxes (top first)."""

    boxes: np.ndarray
    lines: np.ndarray
    line_boxes: dict

    @property
    def present(self) -> np.ndarray:
        return self.boxes[..., 0] >= 0


#: A cell prints its value on one or two lines ('24.6' over '(+15%)'); more lines
#: of "text" in one cell are no printed number.
MAX_TEXT_LINES = 3


def find_cell_text(*, planes: Planes, grid: Grid, colours: np.ndarray, blank: np.ndarray) -> CellText:
    """The text in each cell (see ``CellText``): pixels far from the cell's colour
    (TEXT_DELTA_E), away from its edges, in a block near its middle."""
    r, c = grid.rows, grid.cols
    boxes = np.full((r, c, 4), -1, np.int32)
    lines = np.zeros((r, c), np.int32)
    line_boxes: dict = {}
    ye = np.round(np.asarray(grid.row_edges, float)).astype(int)
    xe = np.round(np.asarray(grid.col_edges, float)).astype(int)
    h_img, w_img = planes.shape
    far = _far_from_cell_colour(planes, ye, xe, colours)
    gy, gx = max(0, ye[0]), max(0, xe[0])
    for i in range(r):
        for j in range(c):
            if blank[i, j]:
                continue
            y0, y1, x0, x1 = ye[i], ye[i + 1], xe[j], xe[j + 1]
            ch, cw = y1 - y0, x1 - x0
            if ch < MIN_TEXT_HEIGHT + 2 or cw < MIN_TEXT_HEIGHT + 2:
                continue
            iy, ix = max(1, int(round(ch * CELL_INSET))), max(1, int(round(cw * CELL_INSET)))
            ya, yb, xa, xb = max(0, y0 + iy), min(h_img, y1 - iy), max(0, x0 + ix), min(w_img, x1 - ix)
            if yb - ya < MIN_TEXT_HEIGHT or xb - xa < MIN_TEXT_HEIGHT:
                continue
            mask = _without_edge_lines(far[ya - gy:yb - gy, xa - gx:xb - gx])
            n = int(mask.sum())
            if n < MIN_TEXT_PIXELS or n > MAX_TEXT_SHARE * mask.size:
                continue
            ys, xs = np.nonzero(mask)
            ty0, ty1, tx0, tx1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
            if ty1 - ty0 < MIN_TEXT_HEIGHT:
                continue
            cy, cx = ya + (ty0 + ty1) / 2, xa + (tx0 + tx1) / 2
            if abs(cy - (y0 + y1) / 2) > CENTRE_TOLERANCE * ch or abs(cx - (x0 + x1) / 2) > CENTRE_TOLERANCE * cw:
                continue
            bands = _text_lines(mask[ty0:ty1])
            if len(bands) > MAX_TEXT_LINES:
                continue  # specks down a large cell (a dense map's texture), not a printed number
            boxes[i, j] = (xa + tx0, ya + ty0, xa + tx1, ya + ty1)
            lines[i, j] = len(bands)
            line_boxes[(i, j)] = tuple((xa + tx0, ya + ty0 + a, xa + tx1, ya + ty0 + b) for a, b in bands)
    return CellText(frozen_array(boxes), frozen_array(lines), line_boxes)


def _far_from_cell_colour(planes: Planes, ye: np.ndarray, xe: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """(H, W) bool over the grid's box: pixels further than TEXT_DELTA_E from the
    colour of the cell they lie in (one vectorised pass over the plot)."""
    h_img, w_img = planes.shape
    y0, y1 = max(0, ye[0]), min(h_img, ye[-1])
    x0, x1 = max(0, xe[0]), min(w_img, xe[-1])
    ri = np.clip(np.searchsorted(ye, np.arange(y0, y1), side="right") - 1, 0, len(ye) - 2)
    ci = np.clip(np.searchsorted(xe, np.arange(x0, x1), side="right") - 1, 0, len(xe) - 2)
    expected = np.asarray(colours, np.float32)[ri][:, ci]
    return delta_e(planes.lab[y0:y1, x0:x1], expected) > TEXT_DELTA_E


#: A blob touching the cell's inset edge and spanning at least this share of the
#: cell's side is a line (a grid line, a neighbour's edge, an outline), not text.
EDGE_LINE_SHARE = 0.5


def _without_edge_lines(mask: np.ndarray) -> np.ndarray:
    """The text mask less the lines that cross into the cell from its edges (a
    grid line or a cell outline the grid's edges did not quite exclude)."""
    if not mask.any():
        return mask
    h, w = mask.shape
    edge = mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any()
    if not edge:
        return mask
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    drop = np.zeros(n, bool)
    for k in range(1, n):
        x, y, bw, bh, _area = stats[k]
        touches = x == 0 or y == 0 or x + bw == w or y + bh == h
        drop[k] = touches and (bw >= EDGE_LINE_SHARE * w or bh >= EDGE_LINE_SHARE * h)
    return mask & ~drop[labels] if drop.any() else mask


def _text_lines(mask: np.ndarray) -> list[tuple[int, int]]:
    """The rows of text in a cell's text block: runs of rows holding text pixels,
    split where at least one empty row lies between runs of glyph height."""
    rows = mask.any(axis=1)
    runs, start = [], None
    for y, on in enumerate(np.append(rows, False)):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append((start, y))
            start = None
    tall = [ab for ab in runs if ab[1] - ab[0] >= MIN_TEXT_HEIGHT]
    if len(tall) <= 1:
        return [(0, mask.shape[0])]
    # small runs (a minus sign's bar or an underline) join the nearest tall run
    out = [list(ab) for ab in tall]
    for a, b in runs:
        if b - a < MIN_TEXT_HEIGHT:
            k = min(range(len(out)), key=lambda m: min(abs(a - out[m][1]), abs(out[m][0] - b)))
            out[k] = [min(out[k][0], a), max(out[k][1], b)]
    return [tuple(ab) for ab in out]


def annotated(text: CellText, blank: np.ndarray) -> bool:
    """Whether the figure prints numbers in its cells (ANNOTATED_SHARE of the
    non-blank cells hold text)."""
    cells = int((~blank).sum())
    return cells > 0 and int(text.present.sum()) >= max(1, ANNOTATED_SHARE * cells)


def _crop(planes: Planes, box, colour: np.ndarray) -> tuple[np.ndarray, bytes]:
    """A text crop redrawn dark on white from its distance to the cell colour, and a
    key of its text pixels (identical keys read alike)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    pad = 2
    h_img, w_img = planes.shape
    ya, yb, xa, xb = max(0, y0 - pad), min(h_img, y1 + pad), max(0, x0 - pad), min(w_img, x1 + pad)
    d = delta_e(planes.lab[ya:yb, xa:xb], colour)
    # the pad keeps the glyphs' faint edges; ink there is no text of the box (the
    # text pixels all lie inside it): a rule beside the cell, a neighbour's edge
    ring = np.ones(d.shape, bool)
    ring[y0 - ya:y1 - ya, x0 - xa:x1 - xa] = False
    d[ring] = np.minimum(d[ring], TEXT_DELTA_E)
    top = max(float(d.max()), TEXT_DELTA_E)
    g = np.clip(255.0 - d * (255.0 / top), 0, 255).astype(np.uint8)
    key = bytes(np.packbits(d > TEXT_DELTA_E)) + bytes(str(d.shape), "ascii")
    return cv2.cvtColor(g, cv2.COLOR_GRAY2RGB), key


def read_cell_text(*, planes: Planes, text: CellText, colours: np.ndarray, ocr: Recognizer,
                   judge: Callable[[dict, list[Recognition]], Sequence[bool | None]] | None = None
                   ) -> dict[tuple[int, int], tuple[str, ...]]:
    """The text of each cell that holds some: one string per line, top first.

    Crops with the same text pixels are read once. ``judge(cells, readings)``
    (``cells`` maps each crop to the cells it stands for) may vouch for a fast
    reading or ask for a second one (see ``ocr.read_in_context``)."""
    crops: list[np.ndarray] = []
    owners: list[list[tuple[int, int, int]]] = []  # per crop: (row, col, line)
    seen: dict[bytes, int] = {}
    for (i, j), boxes in text.line_boxes.items():
        for k, box in enumerate(boxes):
            img, key = _crop(planes, box, colours[i, j])
            if key in seen:
                owners[seen[key]].append((i, j, k))
                continue
            seen[key] = len(crops)
            crops.append(prepare_crop(img, text_height=box[3] - box[1]))
            owners.append([(i, j, k)])
    if not crops:
        return {}
    if judge is None:
        reads = ocr.recognize(crops)
    else:
        reads = read_in_context(ocr, crops, lambda rs: judge({n: o for n, o in enumerate(owners)}, rs))
    out: dict[tuple[int, int], list[str]] = {}
    for read, own in zip(reads, owners):
        for i, j, k in own:
            slots = out.setdefault((i, j), [""] * len(text.line_boxes[(i, j)]))
            slots[k] = read.text
    return {cell: tuple(v) for cell, v in out.items()}


def _only(text: CellText, cells: set) -> CellText:
    """``text`` restricted to some cells (for reading them apart)."""
    return CellText(text.boxes, text.lines, {c: b for c, b in text.line_boxes.items() if c in cells})


def _probe(*, planes: Planes, text: CellText, colours: np.ndarray, ocr: Recognizer) -> dict | None:
    """The text of a few cells read first, when there are many: None when too few of
    them print a number (marks and noise read as no numbers; the rest is not read)."""
    cells = sorted(text.line_boxes)
    if len(cells) <= 2 * PROBE_CELLS:
        return {}
    probe = set(cells[:: len(cells) // PROBE_CELLS][:PROBE_CELLS])
    got = read_cell_text(planes=planes, text=_only(text, probe), colours=colours, ocr=ocr)
    if sum(parse_printed(v)[0] is not None for v in got.values()) < NUMBER_SHARE * max(len(got), 1):
        return None
    return got


def read_printed(*, planes: Planes, grid: Grid, colours: np.ndarray, table: CellTable, colormap: Colormap,
                 scale: Scale, ocr: Recognizer) -> tuple[Printed | None, Scale, CellTable]:
    """The printed numbers of a heatmap, reconciled with its colours: (printed, the
    scale to use, the table with the printed numbers as values). (None, scale,
    table) when the cells print no numbers. The accurate OCR model re-reads only
    the crops whose fast reading the colour does not confirm."""
    text = find_cell_text(planes=planes, grid=grid, colours=colours, blank=table.blank)
    if not annotated(text, table.blank):
        return None, scale, table
    known = scale.source != "unknown"
    colour = np.asarray(table.values, np.float64)
    unc = colour_uncertainty(table, colormap, scale)

    def judge(owners: dict, reads: list[Recognition]) -> list[bool | None]:
        lines: dict[tuple[int, int], list[str]] = {}
        for n, own in owners.items():
            for i, j, _ in own:
                lines.setdefault((i, j), []).append(reads[n].text)
        if sum(parse_printed(tuple(v))[0] is not None for v in lines.values()) < FAST_NUMBER_SHARE * len(lines):
            return [True] * len(reads)  # kept as read: too few cells read as numbers to print values
        first = [[(i, j) for i, j, k in owners[n] if k == 0] for n in range(len(reads))]
        verdicts = judge_readings([r.text for r in reads], first, colour, unc, known)
        return [v if own else None for v, own in zip(verdicts, first)]

    got = _probe(planes=planes, text=text, colours=colours, ocr=ocr)
    if got is None:
        return None, scale, table
    rest = _only(text, set(text.line_boxes) - set(got))  # the probed cells are not read again
    strings = {**got, **read_cell_text(planes=planes, text=rest, colours=colours, ocr=ocr, judge=judge)}
    numbers = sum(parse_printed(lines)[0] is not None for lines in strings.values())
    if numbers < NUMBER_SHARE * max(len(strings), 1):
        return None, scale, table  # marks, hatches or grid lines in the cells, not printed numbers
    ends = (float(np.min(colormap.positions)), float(np.max(colormap.positions)))
    printed, used = reconcile(texts=strings, table=table, colormap=colormap, scale=scale, ends=ends)
    if printed.agreement is None or printed.agreement < EXPLAINED_SHARE:
        return None, scale, table  # numbers that neither match the colours nor fit a scale: not the values
    if used is not scale:
        table = replace(table, values=frozen_array(printed.colour_values, np.float64))
    return printed, used, printed_table(table, printed)


#: The numbers printed in the cells key the colours of a map without a colorbar
#: when at least this many cells print one, of at least KEY_MIN_VALUES values.
KEY_MIN_CELLS = 4
KEY_MIN_VALUES = 3
#: ... and when its values take at least this many colours, told apart at
#: KEY_SAME_COLOUR delta E: numbers printed on cells of one or two colours are a
#: table, not a key (a diagram of a matrix, its numbers on a tint).
KEY_MIN_COLOURS = 3
KEY_SAME_COLOUR = 5.0


def _distinct_colours(lab: np.ndarray) -> int:
    """How many colours ``lab`` (n, 3) holds, those within KEY_SAME_COLOUR of one taken as one."""
    kept: list[np.ndarray] = []
    for c in lab:
        if all(float(delta_e(c, k)) >= KEY_SAME_COLOUR for k in kept):
            kept.append(c)
    return len(kept)


def printed_key(*, planes: Planes, grid: Grid, colours: np.ndarray, ocr: Recognizer) -> tuple[Colormap, Scale] | None:
    """A map with no colorbar and no known colormap, whose cells print their
    numbers: the numbers are the key. Each numbered cell's colour stands at its
    number; ordered by number, they make the colormap, on the numbers' own scale
    (source 'cell_text'), so that cells without a number are read between them.
    None when the cells print too few numbers."""
    none = np.zeros(colours.shape[:2], bool)
    text = find_cell_text(planes=planes, grid=grid, colours=colours, blank=none)
    if not annotated(text, none):
        return None
    if _distinct_colours(np.array([colours[c] for c in text.line_boxes], np.float32)) < KEY_MIN_COLOURS:
        return None  # before any OCR: the cells that print something take too few colours
    got = _probe(planes=planes, text=text, colours=colours, ocr=ocr)
    if got is None:
        return None
    rest = _only(text, set(text.line_boxes) - set(got))
    strings = {**got, **read_cell_text(planes=planes, text=rest, colours=colours, ocr=ocr)}
    pairs = [(n.value, colours[i, j]) for (i, j), lines in strings.items()
             if (n := parse_printed(lines)[0]) is not None]
    if len(pairs) < max(KEY_MIN_CELLS, NUMBER_SHARE * len(strings)):
        return None
    values = np.array(sorted({v for v, _ in pairs}), np.float64)
    if len(values) < KEY_MIN_VALUES:
        return None
    lab = np.array([np.median([c for v, c in pairs if v == value], axis=0) for value in values], np.float32)
    if _distinct_colours(lab) < KEY_MIN_COLOURS:
        return None  # the colours do not change with the numbers: they key nothing
    colormap = Colormap(frozen_array(values), frozen_array(lab, np.float32),
                        frozen_array(np.clip(np.round(lab_to_rgb(lab)), 0, 255), np.uint8))
    lo, hi = float(values[0]), float(values[-1])
    return colormap, Scale("linear", 1.0, 0.0, lo, hi, (), "cell_text")
