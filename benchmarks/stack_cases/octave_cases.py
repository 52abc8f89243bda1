"""GNU Octave cases: ``imagesc`` + ``colorbar`` (qt toolkit, printed under xvfb) with
the stack's colormaps and lengths, set (``caxis``) or data ranges, colour bars east,
west, south or north, NaN cells painted over in a blank colour, turned x labels, values
printed in cells, and log data drawn as ``log10`` with ``10^{k}`` bar labels."""
import json
import os
import subprocess

import numpy as np
from data import case

CMAPS = ["jet", "hot", "gray", "viridis", "turbo", "cool", "bone", "copper", "summer", "autumn",
         "spring", "winter", "cubehelix", "ocean", "pink"]
LOCS = ["eastoutside", "eastoutside", "eastoutside", "southoutside", "northoutside", "westoutside"]


def _cell(xs) -> str:
    return "{" + ", ".join("'" + str(x).replace("'", "''") + "'" for x in xs) + "}"


def _ticks(n, rng):
    """Tick places (1-based) and their labels' step: all when few, else every 2nd or 5th."""
    step = 1 if n <= 20 else int([2, 5][rng.integers(2)])
    return list(range(1, n + 1, step)), step


def one(seed, out):
    rng, kind, d, v = case(seed)
    r, c = v.shape
    log = d["scale"] == "log"
    cmap = CMAPS[rng.integers(len(CMAPS))]
    ncol = int([64, 128, 256][rng.integers(3)])
    flip = bool(rng.random() < 0.2)
    set_range = rng.random() < 0.5
    z = np.log10(v) if log else v
    zlo, zhi = (np.log10(d["lo"]), np.log10(d["hi"])) if log else (d["lo"], d["hi"])
    if not set_range:
        zlo, zhi = np.nanmin(z), np.nanmax(z)
    zlo, zhi = float(zlo), float(zhi)
    loc = LOCS[rng.integers(len(LOCS))]
    fs = int(rng.integers(9, 15))
    dpi = int([72, 90, 100, 150][rng.integers(4)])
    na = [[0.5, 0.5, 0.5], [1.0, 1.0, 1.0], [0.8, 0.8, 0.8]][rng.integers(3)]
    x_rot = int([0, 45, 90][rng.integers(3)])
    annot = r * c <= 120 and rng.random() < 0.3 and not log
    fmt = "%.0f" if kind in ("confusion", "binary") else ("%.1f" if kind in ("needle", "diverging") else "%.2f")
    w, h = float(rng.uniform(5.5, 8.5)), float(rng.uniform(4.3, 7))
    os.makedirs(out, exist_ok=True)
    np.savetxt(os.path.join(out, "z.csv"), z, delimiter=",", fmt="%.10g")
    yt, _ = _ticks(r, rng)
    xt, _ = _ticks(c, rng)
    m = [
        "graphics_toolkit qt;",
        f"f = figure('visible', 'off', 'paperunits', 'inches', 'paperposition', [0 0 {w:.3f} {h:.3f}]);",
        f"z = csvread('{out}/z.csv');",
        "h = imagesc(z); hold on;",
        f"colormap({'flipud(' if flip else '('}{cmap}({ncol})));",
        f"caxis([{zlo!r} {zhi!r}]);",
        f"set(gca, 'fontsize', {fs}, 'ytick', {yt}, 'yticklabel', {_cell(d['rows'][i - 1] for i in yt)});",
        f"set(gca, 'xtick', {xt}, 'xticklabel', {_cell(d['cols'][j - 1] for j in xt)});",
        f"set(gca, 'xticklabelrotation', {x_rot});" if x_rot else "",
        "[ii, jj] = find(isnan(z));",
        f"for k = 1:numel(ii), patch(jj(k) + [-0.5 0.5 0.5 -0.5], ii(k) + [-0.5 -0.5 0.5 0.5], {na}, "
        "'edgecolor', 'none'); end",
        f"xlabel('{d['x']}'); ylabel('{d['y']}');",
        f"title('{d['title']}');" if d["title"] else "",
        f"cb = colorbar('{loc}');",
    ]
    if log:
        ks = list(range(int(np.ceil(zlo - 1e-9)), int(np.floor(zhi + 1e-9)) + 1))
        ax = "x" if loc in ("southoutside", "northoutside") else "y"
        m.append(f"set(cb, '{ax}tick', {ks}, '{ax}ticklabel', {_cell('10^{%d}' % k for k in ks)});")
    if d["cb"] and rng.random() < 0.7:
        m.append(f"ylabel(cb, '{d['cb']}');")
    if annot:
        m += [f"for i = 1:{r}, for j = 1:{c}, if ~isnan(z(i, j)), "
              f"text(j, i, sprintf('{fmt}', z(i, j)), 'horizontalalignment', 'center', "
              f"'fontsize', {max(fs - 3, 7)}); end, end, end"]
    m.append(f"print(f, '{out}/image.png', '-dpng', '-r{dpi}');")
    script = os.path.join(out, "plot.m")
    open(script, "w").write("\n".join(x for x in m if x) + "\n")
    subprocess.run(["xvfb-run", "-a", "octave", "--no-gui", "--quiet", script], check=True, capture_output=True)
    lo, hi = (10 ** zlo, 10 ** zhi) if log else (zlo, zhi)
    rows = [d["rows"][i] if i + 1 in yt else "" for i in range(r)]
    cols = [d["cols"][j] if j + 1 in xt else "" for j in range(c)]
    truth = dict(rows=r, cols=c, vmin=float(lo), vmax=float(hi), scale=d["scale"],
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in v],
                 row_labels=rows, col_labels=cols, x_label=d["x"], y_label=d["y"], title=d["title"],
                 tags=["octave", kind, cmap, str(ncol), loc, "set" if set_range else "data", f"dpi{dpi}"]
                 + (["flip"] if flip else []) + (["annot"] if annot else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))
