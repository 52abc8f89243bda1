"""One calibrated confidence from a heatmap's checks.

The checks (``raster/checks.py``) become a feature vector; a logistic model
turns it into the probability that the table is right (grid and scale right,
values within 1% of the range). The model's weights are fitted by
``scripts/calibrate_confidence.py`` on generated figures (many seeds of the
yardstick's generator and the fixture stacks' generators with other data, with
readings spoiled on purpose to show what wrong looks like), never on the figures
the project is measured with, and kept in ``digitize/data/confidence.json``.
"""
from __future__ import annotations

import math

import numpy as np

from ..model import Check
from ..resources import confidence_model

#: The features, in the model's order, and how each is read from the checks.
FEATURES = ("explained", "worst_region", "on_axes", "has_axes", "scale_labels", "scale_residual",
            "tick_steps", "scale_text_unused", "on_colormap", "fills_frame", "no_bar_labels", "warnings",
            "bar_resolution", "faded_end")


def features(checks: tuple[Check, ...], warnings: int, shape: tuple[int, int] = (3, 3)) -> np.ndarray:
    """The feature vector of a heatmap's checks (see FEATURES); ``shape`` (rows,
    columns): a table with fewer than 3 cells along an axis has no lattice of axis
    labels to miss."""
    by = {c.name: c for c in checks}

    def value(name: str, default: float) -> float:
        c = by.get(name)
        return default if c is None or c.value is None else float(c.value)

    labels = by.get("scale_labels")
    has_labels = labels is not None and labels.value is not None
    if _printed_scale(by):  # the numbers printed in the cells label the scale, as a bar's labels would
        has_labels = True
        by["scale_labels"] = Check("scale_labels", True, float(PRINTED_AS_LABELS), labels.limit, labels.detail)
    return np.array([
        value("pixels_explained", 0.0),
        value("worst_region", 0.0),
        value("grid_on_axes", 1.0),
        0.0 if (by.get("grid_on_axes") is None or by["grid_on_axes"].value is None) and min(shape) >= 3 else 1.0,
        math.log1p(value("scale_labels", 0.0)),
        min(value("scale_residual", 0.0), 5.0),
        value("tick_steps", 1.0),
        1.0 if value("scale_text_used", 0.0) > 0 else 0.0,
        value("colours_on_colormap", 0.0),
        value("box_fills_frame", 1.0),
        0.0 if has_labels else 1.0,
        float(min(warnings, 5)),
        min(100.0 / max(value("scale_resolution", 400.0), 1.0), 5.0),  # % of the range one pixel spans
        1.0 if value("bar_ends_seen", 0.0) > 0 else 0.0,
    ], np.float64)


#: A scale fitted to the numbers printed in the cells, nearly all of which agree
#: with their colours, counts as this many labels (the fewest a bar's scale rests on).
PRINTED_AS_LABELS = 3


def _printed_scale(by: dict) -> bool:
    """Whether the scale was fitted to the printed numbers and they agree with the
    colours (printed_agree passed)."""
    labels, printed = by.get("scale_labels"), by.get("printed_agree")
    return labels is not None and labels.detail == PRINTED_SCALE and printed is not None and printed.passed


#: The detail of scale_labels for a scale fitted to the printed numbers, and for a log scale.
PRINTED_SCALE = "scale fitted to the printed numbers"
LOG_SCALE = "log scale"


#: A table whose scale rests on no colorbar labels (positions along a named
#: colormap, the scale unknown) is at most this likely right: its numbers are no
#: data values. (The generated figures the model is fitted on always have a bar.)
NO_SCALE_CAP = 0.3


#: Where most of the numbers printed in the cells disagree with the values read
#: from their colours (under this share agree), one of the two readings is wrong
#: (the scale, or what the numbers are): the table is at most this likely right.
PRINTED_DISAGREE_BELOW = 0.5
PRINTED_DISAGREE_CAP = 0.5

#: Where the scale fits under half of the numbers read by the bar
#: (``scale_labels_agree`` failed), the labels it rests on may be the misread
#: ones: the table is at most this likely right.
LABELS_DISAGREE_CAP = 0.5

#: A log scale on two labels only is at most this likely right: exponents are
#: what OCR misreads most ('10' for a superscript-0 '10', its 0 too small to
#: read), and two labels cannot outvote one another (5 of 6 such readings were
#: right on the figures measured).
LOG_TWO_LABELS_CAP = 0.8


#: A plot box covering under this share of the axes frame around it (the box's
#: overlap with the frame over their union) is a part of what the frame holds: the
#: cells of one colormap among cells of others, or a grid cut short. The table is
#: then at most this likely the heatmap the figure shows.
FRAME_UNFILLED_BELOW = 0.5
FRAME_UNFILLED_CAP = 0.3
#: A box short of its frame by less (the check failed: an outer row or column
#: missed, its cells at the page colour) is at most this likely right: a table
#: a row or column short redraws its own box perfectly well.
FRAME_SHORT_CAP = 0.75


#: A grid with an outer row or column of no drawn cell (not a masked triangle) is
#: at most this likely right: a step too far takes in a line of margin whose
#: blank cells redraw perfectly well.
OUTER_BLANK_CAP = 0.75


#: A table read off a stepped bar whose levels are each wider than 2% of the range
#: (``level_resolution`` failed) is at most this likely right to 1%: each value is
#: the middle of its level, true only where the data sit there.
COARSE_LEVELS_CAP = 0.6


#: A scale read against the usual way of its bar (``scale_direction`` failed) and
#: resting on at most REVERSED_FEW_LABELS labels is at most this likely right: two
#: or three labels read the wrong way round (a lost minus) fit as well as the
#: right ones; many labels agreeing on it mean the bar is drawn so.
REVERSED_FEW_LABELS = 3
REVERSED_CAP = 0.6


#: A grid with axis labels that step with its cells standing past its end
#: (``labels_past_grid`` failed) is at most this likely right: it stops short of
#: the map (outer cells of the page colour left out).
LABELS_PAST_CAP = 0.4

#: A one-row grid whose cells stop short of its side unevenly (``cell_ends_even``
#: failed) is bars of a bar chart, hardly ever a map read right.
RAGGED_CAP = 0.05


#: A linear scale on two labels, one at an end of the bar (``labels_not_at_ends``
#: failed), is at most this likely right: the end may be printed rounded (3 of the
#: 4 such readings over 250 generated figures were wrong at 0.89 to 0.98).
END_LABELS_CAP = 0.5


#: The most a reading is likely right when one of these checks failed (each cap's
#: reason stands with it above).
FAILED_CAPS = {"scale_labels_agree": LABELS_DISAGREE_CAP, "level_resolution": COARSE_LEVELS_CAP,
               "outer_lines_drawn": OUTER_BLANK_CAP, "labels_past_grid": LABELS_PAST_CAP,
               "cell_ends_even": RAGGED_CAP, "labels_not_at_ends": END_LABELS_CAP}


def confidence(checks: tuple[Check, ...], warnings: int, shape: tuple[int, int] = (3, 3)) -> float:
    """P(table right | checks), from the calibrated logistic model, rounded to 0.001."""
    model = confidence_model()
    x = features(checks, warnings, shape)
    if model["features"] != FEATURES:  # a model fitted on other features: match them by name
        x = np.array([x[FEATURES.index(f)] if f in FEATURES else 0.0 for f in model["features"]])
    z = float(np.dot(model["weights"], (x - model["mean"]) / model["scale"]) + model["bias"])
    p = 1.0 / (1.0 + math.exp(-z))
    by = {c.name: c for c in checks}
    labels = by.get("scale_labels")
    if labels is not None and labels.value is None and labels.detail != "scale given by the user" \
            and not _printed_scale(by):
        p = min(p, NO_SCALE_CAP)
    frame = by.get("box_fills_frame")
    if frame is not None and frame.value is not None and not frame.passed:
        p = min(p, FRAME_UNFILLED_CAP if frame.value < FRAME_UNFILLED_BELOW else FRAME_SHORT_CAP)
    if labels is not None and labels.value is not None and labels.value < labels.limit and labels.detail == LOG_SCALE:
        p = min(p, LOG_TWO_LABELS_CAP)
    for name, cap in FAILED_CAPS.items():
        check = by.get(name)
        if check is not None and not check.passed:
            p = min(p, cap)
    printed = by.get("printed_agree")
    if printed is not None and printed.value is not None and printed.value < PRINTED_DISAGREE_BELOW:
        p = min(p, PRINTED_DISAGREE_CAP)
    direction = by.get("scale_direction")
    if direction is not None and not direction.passed and labels is not None and labels.value is not None \
            and labels.value <= REVERSED_FEW_LABELS:
        p = min(p, REVERSED_CAP)
    return round(p, 3)
