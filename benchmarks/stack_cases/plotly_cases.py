"""plotly cases: ``px.imshow`` and ``go.Heatmap`` (kaleido), templates, ranges set, automatic
or centred, printed numbers, gaps, horizontal bars, y up or down, log data on 10^k ticks."""
import json
import os

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

from data import case

SCALES = ["Viridis", "Magma", "Blues", "YlOrRd", "RdBu", "PiYG", "deep", "Plasma", "Greens", "Cividis", "Inferno",
          "YlGnBu", "Hot", "Jet", "Turbo", "Reds", "Purples", "thermal", "haline", "ice"]
TEMPLATES = ["plotly", "plotly_white", "simple_white", "ggplot2", "seaborn", "presentation", "none"]


def one(seed, out):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    z = np.log10(v) if log else v
    api = "px" if rng.random() < 0.5 else "go"
    cs = SCALES[rng.integers(len(SCALES))]
    tpl = TEMPLATES[rng.integers(len(TEMPLATES))]
    rmode = ["set", "auto", "zmid"][rng.integers(3)] if kind == "diverging" else ["set", "auto"][rng.integers(2)]
    zlo, zhi = (np.log10(d["lo"]), np.log10(d["hi"])) if log else (d["lo"], d["hi"])
    if rmode == "set":
        rng_ = (zlo, zhi)
    elif rmode == "auto":
        rng_ = (float(np.nanmin(z)), float(np.nanmax(z)))
    else:
        m = float(np.nanmax(np.abs(z)))
        rng_ = (-m, m)
    annotate = r * c <= 120 and rng.random() < 0.4
    horiz = rng.random() < 0.25
    fs = int(rng.integers(9, 15))
    reversed_y = api == "px" or rng.random() < 0.5
    gap = int(rng.integers(1, 3)) if api == "go" and rng.random() < 0.3 else 0
    kw = dict(zmin=rng_[0], zmax=rng_[1]) if rmode != "zmid" else dict(zmid=0.0)
    if api == "px":
        fig = px.imshow(z, x=d["cols"], y=d["rows"], color_continuous_scale=cs, text_auto=".2f" if annotate else False,
                        aspect=None if rng.random() < 0.5 else "auto",
                        **({} if rmode == "zmid" else dict(zmin=rng_[0], zmax=rng_[1])),
                        **({"color_continuous_midpoint": 0.0} if rmode == "zmid" else {}))
        if log:
            ks = np.arange(np.ceil(rng_[0]), np.floor(rng_[1]) + 1)
            fig.update_coloraxes(colorbar=dict(tickvals=ks, ticktext=[f"1e{int(k)}" for k in ks]))
        fig.update_coloraxes(colorbar_title_text=d["cb"])
        if horiz:
            fig.update_coloraxes(colorbar=dict(orientation="h", y=-0.32, yanchor="top"))
    else:
        cb = dict(title=d["cb"])
        if log:
            ks = np.arange(np.ceil(rng_[0]), np.floor(rng_[1]) + 1)
            cb.update(tickvals=ks, ticktext=[f"10<sup>{int(k)}</sup>" for k in ks])
        if horiz:
            cb.update(orientation="h", y=-0.32, yanchor="top")
        fig = go.Figure(go.Heatmap(z=z, x=d["cols"], y=d["rows"], colorscale=cs, xgap=gap, ygap=gap, colorbar=cb,
                                   text=np.round(z, 2) if annotate else None,
                                   texttemplate="%{text}" if annotate else None, **kw))
        if reversed_y:
            fig.update_yaxes(autorange="reversed")
    fig.update_layout(template=tpl, font=dict(size=fs), title=d["title"] or None,
                      xaxis_title=d["x"], yaxis_title=d["y"])
    if horiz:  # room under the x axis title for the bar and its labels
        fig.update_layout(margin=dict(b=170))
    if rmode == "zmid":
        m = float(np.nanmax(np.abs(z)))
        rng_ = (-m, m)
    w, h = int(rng.integers(500, 900)), int(rng.integers(400, 800))
    scale = [1.0, 1.0, 2.0][rng.integers(3)]
    os.makedirs(out, exist_ok=True)
    fig.write_image(os.path.join(out, "image.png"), width=w, height=h, scale=scale)
    disp = v if reversed_y else v[::-1]
    rows = d["rows"] if reversed_y else d["rows"][::-1]
    lo, hi = (10 ** rng_[0], 10 ** rng_[1]) if log else rng_
    truth = dict(rows=r, cols=c, vmin=float(lo), vmax=float(hi), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in disp],
                 row_labels=list(rows), col_labels=list(d["cols"]), x_label=d["x"], y_label=d["y"],
                 title=d["title"], tags=["plotly", kind, api, cs, tpl, rmode] + (["annot"] if annotate else []) +
                 (["cb-h"] if horiz else []) + ([f"gap{gap}"] if gap else []) + (["y-up"] if not reversed_y else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))

