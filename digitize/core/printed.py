"""Printed numbers and colours: two readings of each cell, reconciled.

Input: the strings read in the cells (one per line), the table read from the
colours, the colormap and the scale. Output: ``Printed``: each cell's printed
number, its colour value, which of them the table keeps (``source``), the cells
where they disagree, and, when the colorbar gave no scale (no labels, no bar), a
scale fitted to the printed numbers alone.

A printed number is exact to its printed precision; a colour value is exact to
the colormap's local slope and the pixel noise. Where the two agree within both
uncertainties, the printed number is the value. Where they disagree, the cell
is marked and a reader is told; a decimal point the OCR lost is put back where
exactly one place makes the number agree; otherwise the colour's value is kept
(a misread digit is far likelier than a misread colour), unless the colour is
itself off the colormap (a mark or hatch over the cell), when the printed
number is. A misread scale shows up as a disagreement in every cell at once,
and a scale fitted to the printed numbers replaces it. Pure numpy, no I/O.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from ..model import CellTable, Colormap, Printed, Scale, frozen_array
from .labels import parse_number

#: The colour of a cell is known to within this delta E (8-bit rounding, light
#: JPEG, the robust centre's spread), and the bar's own samples to about as much.
COLOUR_NOISE_DELTA_E = 3.0
#: ... and never better than this share of the scale's range (an 8-bit colormap
#: has 256 steps).
COLOUR_FLOOR_SHARE = 0.005
#: The printed numbers explain the colours when at least this share of the cells
#: with both readings agree.
AGREE_SHARE = 0.8
#: Fewest cells with a printed number, and distinct numbers, to fit a scale from them.
MIN_FIT_CELLS = 3
#: The colorbar's own scale gives way to one fitted to the printed numbers only when
#: that one explains at least this many cells, this share of them, and this much
#: more than the bar's.
REPLACE_MIN_CELLS = 8
REPLACE_SHARE = 0.9
REPLACE_GAIN = 0.3

_PARENS = re.compile(r"^\((.*)\)$")


@dataclass(frozen=True)
class PrintedNumber:
    """One cell's printed text as a number: its value as printed (50 for '50%'),
    digits after the point, and its style ('plain', 'percent', 'scientific')."""

    value: float
    decimals: int
    style: str


#: What OCR makes of a cell's border beside its number.
_BORDER_GLYPHS = "|[]!"


def parse_printed(lines: tuple[str, ...]) -> tuple[PrintedNumber | None, str]:
    """The number a cell prints: the first of its lines that reads as one
    ('24.6' over '(+15%)' is 24.6), and the line it came from. '(0.3)' is 0.3;
    a cell's border read at either end ('|0.82') is no part of it."""
    for line in lines:
        t = line.strip().replace(" ", "").strip(_BORDER_GLYPHS)
        m = _PARENS.match(t)
        if m:
            t = m.group(1)
        v = parse_number(t)
        if v is None:
            continue
        style = "percent" if t.endswith("%") else "scientific" if re.search(r".[eE][-+]?\d+$", t) else "plain"
        body = t.rstrip("%")
        mant = re.split(r"[eE]", body)[0]
        decimals = len(mant.split(".")[1]) if "." in mant else 0
        return PrintedNumber(v, decimals, style), line.strip()
    return None, ""


def printed_format(numbers: list[PrintedNumber]) -> str:
    """The format most cells are printed in, as a Python format spec: '.2f',
    '.1%', 'd', '.1e'."""
    if not numbers:
        return ""
    styles = [n.style for n in numbers]
    style = max(set(styles), key=styles.count)
    decimals = int(np.median([n.decimals for n in numbers if n.style == style]))
    if style == "percent":
        return f".{decimals}%"
    if style == "scientific":
        return f".{decimals}e"
    return f".{decimals}f" if decimals else "d"


def _rounding(n: PrintedNumber) -> float:
    """Half the last printed digit: how far the true value may lie from the print."""
    if n.style == "scientific":
        exp = math.floor(math.log10(abs(n.value))) if n.value else 0
        return 0.5 * 10.0 ** (exp - n.decimals)
    return 0.5 * 10.0 ** (-n.decimals)


def colour_uncertainty(table: CellTable, colormap: Colormap, scale: Scale) -> np.ndarray:
    """(R, C): how far each colour value may be off: the value the colour moves by
    over COLOUR_NOISE_DELTA_E (plus the cell's own residual) where the colormap
    passes, from its local slope; for a stepped bar, half the step."""
    span = abs(scale.vmax - scale.vmin)
    vals = np.asarray(table.values, np.float64)
    if scale.kind == "log":  # the floor is a share of the decades, so relative to each value
        decades = abs(float(np.log10(scale.vmax / scale.vmin))) if scale.vmin > 0 and scale.vmax > 0 else 1.0
        with np.errstate(invalid="ignore"):
            floor = np.abs(vals) * (10.0 ** (COLOUR_FLOOR_SHARE * decades) - 1.0)
    else:
        floor = COLOUR_FLOOR_SHARE * span
    if scale.discrete_levels:
        lv = np.sort(np.asarray(scale.discrete_levels, np.float64))
        step = float(np.median(np.diff(lv))) if len(lv) > 1 else span
        return np.maximum(np.full(vals.shape, step / 2), np.nan_to_num(floor))
    pos = np.asarray(colormap.positions, np.float64)
    lab = np.asarray(colormap.lab, np.float64)
    if len(pos) < 2:
        return np.full(vals.shape, span)
    # delta E per pixel along the bar, smoothed over a few samples
    d = np.sqrt((np.diff(lab, axis=0) ** 2).sum(axis=1)) / np.maximum(np.abs(np.diff(pos)), 1e-9)
    k = max(1, len(d) // 50)
    d = np.convolve(d, np.ones(2 * k + 1) / (2 * k + 1), mode="same")
    mids = (pos[1:] + pos[:-1]) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        p = scale.value_to_pixel(vals)
    slope = np.interp(np.nan_to_num(p, nan=mids[0]), mids[np.argsort(mids)], d[np.argsort(mids)])
    noise = COLOUR_NOISE_DELTA_E + np.asarray(table.residual, np.float64)
    dp = noise / np.maximum(slope, 1e-6)
    lo = scale.pixel_to_value(p - dp)
    hi = scale.pixel_to_value(p + dp)
    with np.errstate(invalid="ignore"):
        u = np.abs(hi - lo) / 2
    return np.where(np.isfinite(u), np.maximum(u, floor), span)


def printed_numbers(texts: dict[tuple[int, int], tuple[str, ...]], shape: tuple[int, int]
                    ) -> tuple[np.ndarray, list[list[PrintedNumber | None]]]:
    """(texts array, parsed numbers) of the cells' strings."""
    r, c = shape
    arr = np.full((r, c), None, dtype=object)
    parsed: list[list[PrintedNumber | None]] = [[None] * c for _ in range(r)]
    for (i, j), lines in texts.items():
        lines = tuple(s for s in lines if s)
        if not lines:
            continue
        arr[i, j] = "\n".join(lines)
        parsed[i][j], _ = parse_printed(lines)
    return arr, parsed


def _units(parsed, shape, colour_values: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Printed numbers and their rounding in the table's units: a percent is
    taken as a share ('85.0%' is 0.85, as Python's '%' format prints a share)
    unless the colours say the data are in percent."""
    r, c = shape
    num = np.full((r, c), np.nan)
    rnd = np.full((r, c), np.nan)
    pct = np.zeros((r, c), bool)
    for i in range(r):
        for j in range(c):
            n = parsed[i][j]
            if n is not None:
                num[i, j], rnd[i, j], pct[i, j] = n.value, _rounding(n), n.style == "percent"
    as_share = False
    if pct.any():
        share = np.where(pct, num / 100.0, num)
        if colour_values is None or _closeness(share, colour_values) <= _closeness(num, colour_values):
            num, rnd, as_share = share, np.where(pct, rnd / 100.0, rnd), True
    return num, rnd, as_share


def _closeness(a: np.ndarray, b: np.ndarray) -> float:
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.median(np.abs(a[ok] - b[ok]))) if ok.any() else math.inf


def agreeing(numbers: np.ndarray, rounding: np.ndarray, colour: np.ndarray, uncertainty: np.ndarray) -> np.ndarray:
    """(R, C) bool: the printed number lies within both uncertainties of the colour
    value (False where either reading is missing)."""
    ok = np.isfinite(numbers) & np.isfinite(colour)
    with np.errstate(invalid="ignore"):
        return ok & (np.abs(numbers - colour) <= uncertainty + np.nan_to_num(rounding))


def fit_scale_to_numbers(numbers: np.ndarray, table: CellTable, scale: Scale, kind: str,
                         ends: tuple[float, float]) -> Scale | None:
    """A scale that maps each cell's place on the colormap to its printed number:
    t(number) = intercept + slope * pixel, fitted robustly (cells the fit leaves
    far out are dropped and the fit redone). ``ends``: the colormap's pixel
    extent, whose values become vmin, vmax. None when the numbers are too few or
    too alike, or do not lie on such a line."""
    with np.errstate(invalid="ignore", divide="ignore"):
        pix = scale.value_to_pixel(np.asarray(table.values, np.float64))
        t = np.log10(numbers) if kind == "log" else numbers
    ok = np.isfinite(pix) & np.isfinite(t) & ~np.asarray(table.blank)
    if int(ok.sum()) < MIN_FIT_CELLS or len(np.unique(t[ok])) < 2 or np.ptp(pix[ok]) <= 0:
        return None
    x, y = pix[ok], t[ok]
    keep = np.ones(len(x), bool)
    for _ in range(3):
        if keep.sum() < MIN_FIT_CELLS or np.ptp(x[keep]) <= 0:
            return None
        slope, intercept = np.polyfit(x[keep], y[keep], 1)
        res = np.abs(y - (intercept + slope * x))
        spread = abs(slope) * (ends[1] - ends[0])
        tol = max(0.02 * spread, 1.4826 * 3 * float(np.median(res[keep])))
        new = res <= tol
        if (new == keep).all():
            break
        keep = new
    if keep.mean() < AGREE_SHARE or slope == 0:
        return None
    v = 10.0 ** (intercept + slope * np.array(ends)) if kind == "log" else intercept + slope * np.array(ends)
    return Scale(kind, float(slope), float(intercept), float(v.min()), float(v.max()), ticks=scale.ticks,
                 source="cell_text")


def reconcile(*, texts: dict[tuple[int, int], tuple[str, ...]], table: CellTable, colormap: Colormap, scale: Scale,
              ends: tuple[float, float]) -> tuple[Printed, Scale]:
    """The printed numbers against the colours (see the module docstring). Returns
    the reconciled ``Printed`` and the scale to read the colours on: the given one,
    or one fitted to the printed numbers when the given one is unknown
    (``scale.source == 'unknown'``) or the numbers explain far more cells on theirs."""
    shape = table.values.shape
    arr, parsed = printed_numbers(texts, shape)
    known = scale.source != "unknown"
    numbers, rounding, as_share = _units(parsed, shape, np.asarray(table.values) if known else None)
    colour = np.asarray(table.values, np.float64)
    unc = colour_uncertainty(table, colormap, scale)
    note = ""
    agree = agreeing(numbers, rounding, colour, unc)
    both = np.isfinite(numbers) & np.isfinite(colour)
    mended = np.zeros(shape, bool)
    if known:  # numbers whose decimal point the OCR lost are mended before they judge the bar
        mended = _rescue(texts, numbers, rounding, colour, unc, agree=agree, both=both, scale=scale,
                         as_share=as_share)
    share = float(agree[both].mean()) if both.any() else None
    refit = not known or ((share or 0) < AGREE_SHARE and scale.source != "user")  # the user's scale stands
    if not scale.discrete_levels and both.sum() >= MIN_FIT_CELLS and refit:
        kinds = [scale.kind] + [k for k in ("linear", "log") if k != scale.kind]
        for kind in kinds:
            if kind == "log" and not (numbers[np.isfinite(numbers)] > 0).all():
                continue
            fitted = fit_scale_to_numbers(numbers, table, scale, kind, ends)
            if fitted is None:
                continue
            colour2 = _revalue(table, scale, fitted)
            unc2 = colour_uncertainty(replace(table, values=frozen_array(colour2)), colormap, fitted)
            agree2 = agreeing(numbers, rounding, colour2, unc2)
            share2 = float(agree2[both].mean())
            # a bar's scale is replaced only on strong evidence: many cells, nearly all
            # explained, far more than the bar explains (misread numbers fit anything)
            strong = (not known or (int(agree2.sum()) >= REPLACE_MIN_CELLS and share2 >= REPLACE_SHARE
                                    and share2 - (share or 0.0) >= REPLACE_GAIN))
            if share2 >= AGREE_SHARE and strong:
                note = ("no scale from the colorbar: the scale was fitted to the numbers printed in the cells"
                        if not known else
                        f"the colorbar's scale ({scale.vmin:g}..{scale.vmax:g}) explains {share:.0%} of the "
                        f"printed numbers and a scale fitted to them ({fitted.vmin:g}..{fitted.vmax:g}) "
                        f"{share2:.0%}: the colorbar's labels were probably misread, and the fitted scale is used")
                scale, colour, unc, agree, share = fitted, colour2, unc2, agree2, share2
                break
    mended |= _rescue(texts, numbers, rounding, colour, unc, agree=agree, both=both, scale=scale,
                      as_share=as_share)
    share = float(agree[both].mean()) if both.any() else None
    has_num = np.isfinite(numbers)
    blank = np.asarray(table.blank)
    disagree = both & ~agree
    # where the two disagree, the colour is kept unless it is itself off the
    # colormap (a mark, a hatch): a misread digit is far likelier than a misread colour
    off_map = np.asarray(table.flagged)
    source = np.full(shape, "", dtype="<U6")
    source[~blank & ~has_num] = "colour"
    source[has_num & agree] = "both"
    source[disagree & ~off_map] = "colour"
    source[has_num & ~agree & (off_map | ~np.isfinite(colour))] = "text"
    if scale.kind == "log":
        # on a log scale a print that rounds to zero ('0.00' for 2e-5) says less
        # than the colour: no value of the scale is zero, the colour's is kept
        with np.errstate(invalid="ignore"):
            source[has_num & (numbers - np.nan_to_num(rounding) <= 0) & ~blank & np.isfinite(colour)] = "colour"
    if mended.any():
        note = (note + "; " if note else "") + (f"{int(mended.sum())} printed number(s) read without their "
                                                 f"decimal point were mended where the colour agrees")
    largest = float(np.abs(numbers - colour)[both].max()) if both.any() else None
    numbers_found = [n for row in parsed for n in row if n is not None]
    fmt = printed_format(numbers_found)
    # a print of one significant digit ('8e+1' for 80.7) is coarser than any colour
    # reading: the colour, held within the print's rounding, is the better value
    finer = _colours_finer_than_print(numbers, rounding, colour, unc, agree) or fmt == ".0e"
    printed = Printed(frozen_array(arr, object), frozen_array(numbers), frozen_array(rounding),
                      frozen_array(colour), frozen_array(unc), frozen_array(source), frozen_array(disagree),
                      share, largest, fmt, note, finer)
    return printed, scale


#: The colours resolve the values more finely than the print when the colour's
#: uncertainty is below this share of the printed rounding in most cells ...
FINE_COLOUR_SHARE = 0.3
#: ... and the colours lie spread over the rounding interval (a median distance
#: from the printed number above this share of the rounding; data rounded to the
#: printed precision sit at the printed numbers).
SPREAD_SHARE = 0.3


def _colours_finer_than_print(numbers, rounding, colour, unc, agree) -> bool:
    """Whether the data are finer than their print ('1e+1' printed for 14.1): then
    a value is its colour's, held within the printed number's rounding interval."""
    if int(agree.sum()) < MIN_FIT_CELLS:
        return False
    r = rounding[agree]
    return bool(np.median(unc[agree] / r) < FINE_COLOUR_SHARE and
                np.median(np.abs(colour[agree] - numbers[agree]) / r) > SPREAD_SHARE)


def _rescue(texts, numbers, rounding, colour, unc, *, agree, both, scale: Scale, as_share: bool) -> np.ndarray:
    """Cells that disagree only on the face of it: a lost decimal point (mended in
    ``numbers``), or a value past the scale's end drawn in the end's colour.
    ``agree`` is updated in place; returns the cells mended."""
    mended = _mend_points(texts, numbers, rounding, colour, unc, cells=both & ~agree, as_share=as_share)
    agree |= mended | (both & _clipped(numbers, rounding, colour, unc, scale))
    return mended


def _clipped(numbers, rounding, colour, unc, scale: Scale) -> np.ndarray:
    """Cells whose colour sits at an end of the scale and whose printed number lies
    past that end: the colormap clips (a value under vmin is drawn in vmin's
    colour), so the two agree, and the printed number is the value."""
    lo, hi = min(scale.vmin, scale.vmax), max(scale.vmin, scale.vmax)
    with np.errstate(invalid="ignore"):
        at_lo = (np.abs(colour - lo) <= unc) & (numbers <= lo + np.nan_to_num(rounding))
        at_hi = (np.abs(colour - hi) <= unc) & (numbers >= hi - np.nan_to_num(rounding))
    return at_lo | at_hi


def _point_variants(line: str) -> list[str]:
    """The readings of a number whose decimal point OCR may have lost or misplaced:
    the point put after each digit but the last ('633' -> '6.33', '63.3')."""
    t = line.strip()
    digits = t.replace(".", "")
    m = re.match(r"^([-+(]?)(\d+)(.*)$", digits)
    if not m or len(m.group(2)) < 2:
        return []
    sign, body, rest = m.groups()
    return [f"{sign}{body[:k]}.{body[k:]}{rest}" for k in range(1, len(body)) if f"{sign}{body[:k]}.{body[k:]}{rest}" != t]


def _mend_points(texts, numbers, rounding, colour, unc, *, cells, as_share: bool) -> np.ndarray:
    """Cells whose printed text, with its decimal point put back where exactly one
    place makes it agree with the colour, is mended in place (``numbers`` and
    ``rounding`` are updated). Returns the cells mended."""
    mended = np.zeros(numbers.shape, bool)
    for i, j in zip(*np.nonzero(cells)):
        lines = texts.get((int(i), int(j)), ())
        _, line = parse_printed(tuple(s for s in lines if s))
        fits = []
        for v in _point_variants(line):
            n, _ = parse_printed((v,))
            if n is None:
                continue
            f = 0.01 if (as_share and n.style == "percent") else 1.0
            if abs(n.value * f - colour[i, j]) <= unc[i, j] + _rounding(n) * f:
                fits.append((n.value * f, _rounding(n) * f))
        if len(fits) == 1:
            numbers[i, j], rounding[i, j] = fits[0]
            mended[i, j] = True
    return mended


def _revalue(table: CellTable, old: Scale, new: Scale) -> np.ndarray:
    """The table's colour values on another scale (same places on the colormap)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(table.blank), np.nan,
                        new.pixel_to_value(old.value_to_pixel(np.asarray(table.values, np.float64))))


def printed_table(table: CellTable, printed: Printed) -> CellTable:
    """The table with the printed numbers as values where they are kept
    (``source`` 'both' or 'text'), the colour values elsewhere. Where the colours
    resolve the data more finely than the print (``finer``), a cell read both
    ways takes its colour's value held within the printed number's rounding."""
    use = np.isin(printed.source, ("both", "text")) & ~np.asarray(table.blank)
    values = np.where(use, printed.numbers, printed.colour_values)
    if printed.finer:
        both = printed.source == "both"
        held = np.clip(printed.colour_values, printed.numbers - printed.rounding, printed.numbers + printed.rounding)
        values = np.where(both, held, values)
    return replace(table, values=frozen_array(values, np.float64))


def printed_warnings(printed: Printed) -> list[str]:
    """What a reader should know: cells whose two readings disagree, a scale
    fitted to (or corrected by) the printed numbers."""
    out = [printed.scale_note] if printed.scale_note else []
    n = int(printed.disagree.sum())
    if n:
        cells = [f"({i}, {j})" for i, j in zip(*np.nonzero(printed.disagree))][:8]
        out.append(f"{n} cell(s) print a number their colour disagrees with (row, col {', '.join(cells)}"
                   f"{', ...' if n > 8 else ''}): the colour's value is kept where it lies on the colormap; "
                   f"check those cells")
    return out


def judge_readings(texts: list[str], cells: list[list[tuple[int, int]]], colour: np.ndarray,
                   uncertainty: np.ndarray, known: bool) -> list[bool | None]:
    """A verdict on each fast OCR reading of a crop standing for ``cells``: True
    when its number agrees with the colour of every cell it stands for (no second
    reading needed), False when it disagrees or is no number (read again), None
    when the scale is unknown (go by the OCR's own confidence)."""
    out: list[bool | None] = []
    for text, own in zip(texts, cells):
        n, _ = parse_printed((text,))
        if n is None:
            out.append(False)
            continue
        if not known:
            out.append(None)
            continue
        cands = [n.value] + ([n.value / 100.0] if n.style == "percent" else [])
        ok = all(any(abs(v - colour[i, j]) <= uncertainty[i, j] + _rounding(n) * (1 if v == n.value else 0.01)
                     for v in cands) for i, j in own if np.isfinite(colour[i, j]))
        out.append(bool(ok))
    return out
