"""bokeh cases: ``rect`` glyphs and a ``ColorBar`` (exported through chromium), palettes
interpolated to 128 or 256 colours as the benchmark does, linear and log mappers, any side."""
import json
import math
import os

import numpy as np
from bokeh import palettes as P
from bokeh.io import export_png
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper, LogColorMapper
from bokeh.plotting import figure
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from data import case

PALS = {"Viridis256": P.Viridis256, "Inferno256": P.Inferno256, "Greens9": P.Greens9, "PiYG11": P.PiYG11,
        "Spectral11": P.Spectral11, "Magma256": P.Magma256, "Blues9": P.Blues9, "RdYlBu11": P.RdYlBu11,
        "Cividis256": P.Cividis256, "Plasma256": P.Plasma256, "YlOrRd9": P.YlOrRd9, "RdBu11": P.RdBu11}


def driver():
    o = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"]:
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=o, service=Service("/usr/bin/chromedriver"))


def one(seed, out, d_):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    pname = list(PALS)[rng.integers(len(PALS))]
    pal = list(PALS[pname])
    if len(pal) < 128:
        pal = list(P.interp_palette(pal, [128, 256][rng.integers(2)]))
    if rng.random() < 0.3:
        pal = pal[::-1]
    set_range = rng.random() < 0.5
    lo, hi = (d["lo"], d["hi"]) if set_range else (float(np.nanmin(v)), float(np.nanmax(v)))
    mapper = (LogColorMapper if log else LinearColorMapper)(palette=pal, low=lo, high=hi, nan_color="#cccccc")
    place = ["right", "left", "below", "above"][rng.integers(4)]
    fs = f"{int(rng.integers(8, 14))}px"
    cw, ch = int(rng.integers(14, 50)), int(rng.integers(14, 46))
    line = "#333333" if rng.random() < 0.3 else None
    bg = ["#ffffff", "#ffffff", "#dddddd", "#999999"][rng.integers(4)]
    x_above = bool(rng.random() < 0.25)
    orient = ["horizontal", "vertical", math.pi / 4][rng.integers(3)]
    sf = 1
    rows, cols = [str(x) for x in d["rows"]], [str(x) for x in d["cols"]]
    src = ColumnDataSource(dict(x=[cols[j] for i in range(r) for j in range(c)],
                                y=[rows[i] for i in range(r) for j in range(c)],
                                v=[float(v[i, j]) if np.isfinite(v[i, j]) else float("nan")
                                   for i in range(r) for j in range(c)]))
    p = figure(x_range=cols, y_range=rows[::-1], width=cw * c + 160, height=ch * r + 140, title=d["title"] or None,
               x_axis_location="above" if x_above else "below", toolbar_location=None)
    p.rect(x="x", y="y", width=1, height=1, source=src, fill_color={"field": "v", "transform": mapper},
           line_color=line)
    p.background_fill_color = bg
    p.grid.visible = False
    p.xaxis.axis_label, p.yaxis.axis_label = d["x"], d["y"]
    p.axis.major_label_text_font_size = fs
    p.xaxis.major_label_orientation = orient
    cb = ColorBar(color_mapper=mapper, title=d["cb"], major_label_text_font_size=fs,
                  orientation="horizontal" if place in ("below", "above") else "vertical")
    p.add_layout(cb, place)
    os.makedirs(out, exist_ok=True)
    export_png(p, filename=os.path.join(out, "image.png"), webdriver=d_, scale_factor=sf)
    truth = dict(rows=r, cols=c, vmin=float(lo), vmax=float(hi), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in v],
                 row_labels=rows, col_labels=cols, x_label=d["x"], y_label=d["y"], title=d["title"],
                 tags=["bokeh", kind, pname, place, "set" if set_range else "auto", f"bg{bg}"] +
                 (["line"] if line else []) + (["x-above"] if x_above else []) + [f"sf{sf}", f"o{orient}"])
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))

