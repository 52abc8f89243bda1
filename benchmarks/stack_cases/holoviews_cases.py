"""HoloViews cases: ``hv.HeatMap`` on bokeh, colormaps, clim set or from the data, logz,
turned x labels, the y axis inverted or not."""
import json
import os

import holoviews as hv
import numpy as np
from bokeh.io import export_png
from bokeh_cases import driver  # noqa: F401  (the same Chromium export)
from data import case

hv.extension("bokeh")
CMAPS = ["Blues", "Greens", "OrRd", "RdYlBu_r", "magma", "viridis", "YlGnBu", "fire", "kbc", "coolwarm", "Reds"]


def one(seed, out, d_):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    cmap = CMAPS[rng.integers(len(CMAPS))]
    set_range = rng.random() < 0.5
    lo, hi = (d["lo"], d["hi"]) if set_range else (float(np.nanmin(v)), float(np.nanmax(v)))
    rows, cols = [str(x) for x in d["rows"]], [str(x) for x in d["cols"]]
    recs = [(cols[j], rows[i], float(v[i, j])) for i in range(r) for j in range(c)]
    invert = bool(rng.random() < 0.5)
    xrot = [0, 45, 90][rng.integers(3)]
    fs = int(rng.integers(8, 12))
    w, h = int(rng.integers(340, 700)), int(rng.integers(300, 660))
    hm = hv.HeatMap(recs, kdims=["x", "y"], vdims=["v"]).opts(
        cmap=cmap, clim=(lo, hi), colorbar=True, xrotation=xrot, invert_yaxis=invert, width=w, height=h,
        fontsize={"ticks": fs, "labels": fs + 1, "title": fs + 2}, logz=log, tools=[], toolbar=None,
        title=d["title"], xlabel=d["x"], ylabel=d["y"], clipping_colors={"NaN": "#cccccc"})
    p = hv.render(hm, backend="bokeh")
    os.makedirs(out, exist_ok=True)
    export_png(p, filename=os.path.join(out, "image.png"), webdriver=d_)
    # hv.HeatMap sorts categorical axes; the y axis runs up unless inverted
    xs = list(cols)  # categories keep the order given; the y axis runs up unless inverted
    order_y = rows[::-1] if not invert else list(rows)
    idx_r = {s: i for i, s in enumerate(rows)}
    idx_c = {s: j for j, s in enumerate(cols)}
    disp = [[v[idx_r[yy], idx_c[xx]] for xx in xs] for yy in order_y]
    truth = dict(rows=r, cols=c, vmin=float(lo), vmax=float(hi), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in disp],
                 row_labels=order_y, col_labels=xs, x_label=d["x"], y_label=d["y"], title=d["title"],
                 tags=["holoviews", kind, cmap, "set" if set_range else "auto", f"rot{xrot}"]
                 + (["inv"] if invert else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))

