"""Vega-Lite cases (vl-convert): ``rect`` marks, schemes, reversed, explicit domains, a legend
on any side, cell strokes, a text layer, x axis on top, turned labels, log scales."""
import json
import os

import numpy as np
import vl_convert as vlc

from data import case

SCHEMES = ["viridis", "bluepurple", "greens", "plasma", "purples", "redyellowblue", "blues", "inferno", "magma",
           "orangered", "yellowgreenblue", "redblue", "turbo", "greys", "goldred", "tealblues"]


def one(seed, out):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    scheme = SCHEMES[rng.integers(len(SCHEMES))]
    reverse = bool(rng.random() < 0.3)
    set_domain = rng.random() < 0.5
    dom = [d["lo"], d["hi"]] if set_domain else [float(np.nanmin(v)), float(np.nanmax(v))]
    orient = ["right", "bottom", "top", "left"][rng.integers(4)]
    step_x, step_y = int(rng.integers(12, 45)), int(rng.integers(12, 45))
    fs = int(rng.integers(10, 14))
    stroke = float(rng.choice([0.0, 0.0, 1.0]))
    annotate = r * c <= 100 and rng.random() < 0.4
    x_top = bool(rng.random() < 0.2)
    sf = float(rng.choice([1.0, 1.0, 2.0]))
    angle = [None, -45, 0, -90][rng.integers(4)]
    rows, cols = d["rows"], d["cols"]
    vals = [{"row": rows[i], "col": cols[j], "v": (None if not np.isfinite(v[i, j]) else float(v[i, j]))}
            for i in range(r) for j in range(c)]
    scale = {"scheme": scheme, "reverse": reverse, "domain": dom}  # explicit: no nice
    if log:
        scale["type"] = "log"
    legend = {"orient": orient, "title": d["cb"]}
    if orient in ("top", "bottom"):
        legend["direction"] = "horizontal"
    xax = {"orient": "top" if x_top else "bottom", "title": d["x"] or None}
    if angle is not None:
        xax["labelAngle"] = angle
    rect = {"mark": {"type": "rect", "stroke": "white", "strokeWidth": stroke} if stroke else "rect",
            "encoding": {"x": {"field": "col", "type": "ordinal", "sort": cols, "axis": xax},
                         "y": {"field": "row", "type": "ordinal", "sort": rows, "axis": {"title": d["y"] or None}},
                         "color": {"field": "v", "type": "quantitative", "scale": scale, "legend": legend}}}
    layers = [rect]
    if annotate:
        layers.append({"mark": {"type": "text", "fontSize": fs - 2},
                       "encoding": {"x": {"field": "col", "type": "ordinal", "sort": cols},
                                    "y": {"field": "row", "type": "ordinal", "sort": rows},
                                    "text": {"field": "v", "type": "quantitative", "format": ".2f"}}})
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": vals},
            "width": {"step": step_x}, "height": {"step": step_y}, "layer": layers,
            "config": {"axis": {"labelFontSize": fs, "titleFontSize": fs}, "legend": {"labelFontSize": fs}}}
    if d["title"]:
        spec["title"] = d["title"]
    os.makedirs(out, exist_ok=True)
    open(os.path.join(out, "image.png"), "wb").write(vlc.vegalite_to_png(json.dumps(spec), scale=sf))
    truth = dict(rows=r, cols=c, vmin=float(dom[0]), vmax=float(dom[1]), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in v],
                 row_labels=list(rows), col_labels=list(cols), x_label=d["x"], y_label=d["y"], title=d["title"],
                 tags=["vegalite", kind, scheme, orient, "set" if set_domain else "data"]
                 + (["annot"] if annotate else [])
                 + (["rev"] if reverse else []) + (["xtop"] if x_top else []) + (["stroke"] if stroke else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))

