"""gnuplot cases: ``matrix with image`` and ``image pixels``, palettes, set or automatic
(``noextend``) cb ranges, log cb, a horizontal colour box, turned x labels, rows up or down."""
import json
import os
import subprocess

import numpy as np

from data import case

PALETTES = {"jet": "set palette defined (0 '#000090', 1 '#000fff', 2 '#0090ff', 3 '#0fffee', 4 '#90ff70', "
                   "5 '#ffee00', 6 '#ff7000', 7 '#ee0000', 8 '#7f0000')",
            "afmhot": "set palette rgbformulae 34,35,36", "hot": "set palette rgbformulae 21,22,23",
            "printable": "set palette rgbformulae 30,31,32", "cubehelix": "set palette cubehelix",
            "bwr": "set palette defined (0 'blue', 1 'white', 2 'red')", "default": "",
            "viridis": "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')",
            "gray": "set palette gray", "ocean": "set palette rgbformulae 23,28,3"}


def one(seed, out):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    pal = list(PALETTES)[rng.integers(len(PALETTES))]
    style = ["image", "image pixels"][rng.integers(2)]
    term = ["png", "pngcairo"][rng.integers(2)]
    fs = int(rng.integers(8, 13))
    set_range = rng.random() < 0.5
    lo, hi = (d["lo"], d["hi"]) if set_range else (float(np.nanmin(v)), float(np.nanmax(v)))
    horiz = rng.random() < 0.25
    x_rot = [0, 45, 90][rng.integers(3)]
    flip = bool(rng.random() < 0.5)  # row 0 at the top
    w, h = int(rng.integers(540, 880)), int(rng.integers(440, 840))
    os.makedirs(out, exist_ok=True)
    lines = ["x " + " ".join(f'"{s}"' for s in d["cols"])]
    for i in range(r):
        lines.append(f'"{d["rows"][i]}" ' + " ".join("NaN" if not np.isfinite(x) else repr(float(x)) for x in v[i]))
    open(os.path.join(out, "data.txt"), "w").write("\n".join(lines) + "\n")
    font = f"font ',{fs}'"
    cmds = [f"set terminal {term} size {w},{h} {font}", f"set output '{out}/image.png'", PALETTES[pal],
            f"set cbrange [{lo}:{hi}]" if set_range else "set cbrange [*:*] noextend",
            "set logscale cb" if log else "", f"set xtics rotate by {x_rot} right" if x_rot else "",
            f"set xlabel '{d['x']}'", f"set ylabel '{d['y']}'", f"set title '{d['title']}'" if d["title"] else "",
            f"set cblabel '{d['cb']}'", "set colorbox horizontal user origin 0.15,0.04 size 0.7,0.03" if horiz else "",
            "set bmargin 13" if horiz else "", f"set xrange [-0.5:{c - 0.5}]",
            (f"set yrange [{r - 0.5}:-0.5]" if flip else f"set yrange [-0.5:{r - 0.5}]"), "set tics scale 0.5",
            "set datafile missing 'NaN'"]
    cmds.append(f"plot '{out}/data.txt' matrix rowheaders columnheaders using 1:2:3 with {style} notitle")
    subprocess.run(["gnuplot"], input="\n".join(x for x in cmds if x), text=True, check=True, capture_output=True)
    disp = v if flip else v[::-1]
    rows = d["rows"] if flip else d["rows"][::-1]
    truth = dict(rows=r, cols=c, vmin=float(lo), vmax=float(hi), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in disp],
                 row_labels=list(rows), col_labels=list(d["cols"]), x_label=d["x"], y_label=d["y"], title=d["title"],
                 tags=["gnuplot", kind, pal, style, term, "set" if set_range else "auto"] + (["cb-h"] if horiz else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))

