"""R cases (Rscript with ggplot2, pheatmap, lattice, gplots, corrplot): ``geom_tile`` /
``geom_raster`` under several themes and legend places, ``pheatmap`` with its
breaks, ``levelplot`` with its default (extended) or set ``at``, base ``image()``
with a key drawn beside it, ``heatmap.2`` with its colour key, ``corrplot``'s
colour method. The colorbar's ends are what R drew: set limits, or the data's
range (ggplot2, pheatmap), or the breaks R chose (lattice), read back from R."""
import json
import os
import shutil
import subprocess

import numpy as np

from data import case

STYLES = ["ggplot", "pheatmap", "lattice", "base", "heatmap2", "corrplot"]
BREWER = ["Blues", "Greens", "OrRd", "YlGnBu", "YlOrRd", "Purples", "RdBu", "BrBG", "PuOr", "Spectral", "RdYlBu"]
HCL = ["viridis", "Inferno", "Blues 2", "YlOrRd", "Purple-Yellow", "Blue-Red", "Red-Green", "Plasma"]


def _vec(xs) -> str:
    return "c(" + ", ".join(json.dumps(str(x)) for x in xs) + ")"


def _palette(rng) -> tuple[str, str]:
    """An R expression for 100 colours, and its name."""
    if rng.random() < 0.5:
        name = BREWER[rng.integers(len(BREWER))]
        rev = "rev(" if rng.random() < 0.5 and name in ("RdBu", "Spectral", "RdYlBu") else "("
        return f'colorRampPalette({rev}RColorBrewer::brewer.pal(9, "{name}")))(100)', f"brewer:{name}"
    name = HCL[rng.integers(len(HCL))]
    return f'hcl.colors(100, "{name}")', f"hcl:{name}"


def one(seed, out):
    rng, kind, d, v = case(seed)
    style = STYLES[rng.integers(len(STYLES))]
    if style == "corrplot" and kind not in ("corr", "diverging", "attention", "accuracy"):
        style = "heatmap2"
    r, c = v.shape
    log = d["scale"] == "log"
    os.makedirs(out, exist_ok=True)
    z = np.log10(v) if log else v
    np.savetxt(os.path.join(out, "z.csv"), np.where(np.isfinite(z), z, np.nan), delimiter=",", fmt="%.10g")
    set_range = rng.random() < 0.5
    zlo, zhi = (np.log10(d["lo"]), np.log10(d["hi"])) if log else (d["lo"], d["hi"])
    if not set_range:
        zlo, zhi = float(np.nanmin(z)), float(np.nanmax(z))
    pal, pal_name = _palette(rng)
    dpi = int([72, 96, 100, 120, 150][rng.integers(5)])
    w, h = float(rng.uniform(4.5, 8)), float(rng.uniform(3.8, 7))
    if style in ("heatmap2", "base"):  # their margins and key need room
        w, h = max(w, 6.5), max(h, 6.5)
    fs = int(rng.integers(8, 14))
    rot = int([0, 45, 90][rng.integers(3)])
    annot = r * c <= 100 and rng.random() < 0.35 and not log
    tags = ["r", style, kind, pal_name, "set" if set_range else "data", f"dpi{dpi}", f"rot{rot}"]
    rows_top = list(d["rows"])  # rows as displayed, top to bottom
    disp = v.copy()
    lines = [
        "suppressMessages({library(jsonlite)})",
        f'z <- as.matrix(read.csv("{out}/z.csv", header=FALSE))', "z[is.nan(z)] <- NA",
        f"rn <- {_vec(d['rows'])}", f"cn <- {_vec(d['cols'])}", "dimnames(z) <- list(rn, cn)",
        f"pal <- {pal}", f"zl <- c({float(zlo)!r}, {float(zhi)!r})",
        f'png("{out}/image.png", width={w}, height={h}, units="in", res={dpi}, pointsize={fs})',
    ]
    rng_out = f'writeLines(toJSON(list(lo=RLO, hi=RHI), digits=NA), "{out}/range.json")'
    if style == "ggplot":
        theme = ["theme_grey", "theme_bw", "theme_minimal", "theme_light", "theme_classic"][rng.integers(5)]
        pos = ["right", "bottom", "top", "left"][rng.integers(4)]
        geom = ["geom_tile", "geom_raster"][rng.integers(2)]
        tags += [theme, f"legend-{pos}", geom]
        lab = "function(b) paste0('1e', b)" if log else "waiver()"
        fill = (f"scale_fill_gradientn(colours=pal, limits=zl, labels={lab}, name={json.dumps(d['cb'])}"
                + (", breaks=seq(ceiling(zl[1]), floor(zl[2]))" if log else "") + ")")
        lines += [
            "suppressMessages(library(ggplot2))",
            "df <- expand.grid(row=seq_along(rn), col=seq_along(cn)); df$z <- z[cbind(df$row, df$col)]",
            "df$row <- factor(rn[df$row], levels=rev(rn)); df$col <- factor(cn[df$col], levels=cn)",
            f"p <- ggplot(df, aes(col, row, fill=z)) + {geom}() + {fill} + {theme}(base_size={fs})"
            f" + labs(x={json.dumps(d['x'])}, y={json.dumps(d['y'])}, title={json.dumps(d['title'])})"
            f" + theme(legend.position='{pos}', axis.text.x=element_text(angle={rot}, hjust={1 if rot else 0.5}))",
            "p <- p + geom_text(aes(label=ifelse(is.na(z), '', sprintf('%.2f', z))), size=3)" if annot else "",
            "print(p)", rng_out.replace("RLO", "zl[1]").replace("RHI", "zl[2]"),
        ]
    elif style == "pheatmap":
        borders = rng.random() < 0.6
        border = '"grey60"' if borders else "NA"
        tags += ["borders" if borders else "no-borders"]
        brk = "seq(zl[1], zl[2], length.out=101)"
        leg = ", legend_breaks=seq(ceiling(zl[1]), floor(zl[2])), " \
              "legend_labels=paste0('1e', seq(ceiling(zl[1]), floor(zl[2])))" if log else ""
        lines += [
            "suppressMessages(library(pheatmap))",
            f"pheatmap(z, color=pal, breaks={brk}, cluster_rows=FALSE, cluster_cols=FALSE, fontsize={fs},"
            f" angle_col='{[0, 45, 90, 270, 315][rng.integers(5)]}', border_color={border},"
            f" display_numbers={'TRUE' if annot else 'FALSE'}, main={json.dumps(d['title'])}{leg})",
            rng_out.replace("RLO", "zl[1]").replace("RHI", "zl[2]"),
        ]
    elif style == "lattice":
        pos = ["right", "left", "top", "bottom"][rng.integers(4)]
        tags += [f"key-{pos}", "at-set" if set_range else "at-default"]
        at = ", at=seq(zl[1], zl[2], length.out=101)" if set_range else ""
        labels = ", labels=list(at=seq(ceiling(zl[1]), floor(zl[2])), " \
                 "labels=paste0('1e', seq(ceiling(zl[1]), floor(zl[2]))))" if log else ""
        lines += [
            "suppressMessages(library(lattice))",
            # levelplot draws rows bottom to top: give it the matrix turned so row 1 is on top
            "m <- t(z[nrow(z):1, , drop=FALSE])",
            f"p <- levelplot(m, col.regions=colorRampPalette(pal)(200){at}, xlab={json.dumps(d['x'])},"
            f" ylab={json.dumps(d['y'])}, main={json.dumps(d['title'])}, scales=list(x=list(rot={rot})),"
            f" colorkey=list(space='{pos}'{labels}))",
            "print(p)", "a <- p$panel.args.common$at",
            rng_out.replace("RLO", "min(a)").replace("RHI", "max(a)"),
        ]
    elif style == "base":
        tags += ["image()", "key-right"]
        key_lab = "paste0('1e', seq(ceiling(zl[1]), floor(zl[2])))" if log else "TRUE"
        key_at = "seq(ceiling(zl[1]), floor(zl[2]))" if log else "NULL"
        lines += [
            "layout(matrix(1:2, 1), widths=c(4, 1)); par(mar=c(6, 6, 3, 1))",
            "image(seq_len(ncol(z)), seq_len(nrow(z)), t(z[nrow(z):1, , drop=FALSE]), col=pal, zlim=zl, axes=FALSE,"
            f" xlab={json.dumps(d['x'])}, ylab='', main={json.dumps(d['title'])})",
            f"axis(1, at=seq_len(ncol(z)), labels=cn, las={2 if rot else 1}, tick=FALSE)",
            "axis(2, at=seq_len(nrow(z)), labels=rev(rn), las=1, tick=FALSE); box()",
            "par(mar=c(6, 0.5, 3, 3))",
            "s <- seq(zl[1], zl[2], length.out=101)",
            "image(1, (s[-1] + s[-101]) / 2, matrix((s[-1] + s[-101]) / 2, 1), col=pal, zlim=zl, axes=FALSE,"
            " xlab='', ylab='')",
            f"axis(4, at={key_at}, labels={key_lab}, las=1); box()",
            rng_out.replace("RLO", "zl[1]").replace("RHI", "zl[2]"),
        ]
    elif style == "heatmap2":
        dens = ["none", "histogram", "density"][rng.integers(3)]
        tags += ["heatmap.2", f"density-{dens}"]
        lines += [
            "suppressMessages(library(gplots))",
            "heatmap.2(z, Rowv=FALSE, Colv=FALSE, dendrogram='none', trace='none', col=pal,"
            f" breaks=seq(zl[1], zl[2], length.out=101), key=TRUE, density.info='{dens}', srtCol={rot or 90},"
            f" margins=c(7, 7), main={json.dumps(d['title'])}"
            + (", cellnote=ifelse(is.na(z), '', sprintf('%.2f', z)), notecol='black'" if annot else "") + ")",
            # heatmap.2's key is symmetric about 0 when any value is negative (symkey)
            "br <- seq(zl[1], zl[2], length.out=101)",
            "kr <- if (any(z < 0, na.rm=TRUE)) c(-max(abs(br)), max(abs(br))) else range(br)",
            rng_out.replace("RLO", "kr[1]").replace("RHI", "kr[2]"),
        ]
        # (with Rowv=FALSE heatmap.2 draws the first row at the top); its key shows the
        # drawn numbers, log10 of log data, on a linear scale
        if log:
            log, disp, tags = False, z.copy(), tags + ["log10-drawn"]
    else:  # corrplot
        typ = ["full", "upper", "lower"][rng.integers(3)] if r == c else "full"
        corr = kind == "corr"
        tags += [f"type-{typ}", "corr" if corr else "col.lim"]
        lim = "" if corr else ", is.corr=FALSE, col.lim=zl"
        if corr:
            lines.append("zl <- c(-1, 1)")
        lines += [
            "suppressMessages(library(corrplot))",
            f"corrplot(z, method='color', type='{typ}', col=pal, tl.srt={rot or 90}, tl.col='black',"
            f" na.label=' '{lim}" + (", addCoef.col='black'" if annot else "") + ")",
            rng_out.replace("RLO", "zl[1]").replace("RHI", "zl[2]"),
        ]
        if typ != "full":
            keep = np.triu(np.ones((r, c), bool)) if typ == "upper" else np.tril(np.ones((r, c), bool))
            disp = np.where(keep, disp, np.nan)
    lines.append("invisible(dev.off())")
    script = "\n".join(x for x in lines if x)
    open(os.path.join(out, "plot.R"), "w").write(script)
    done = subprocess.run(["Rscript", os.path.join(out, "plot.R")], capture_output=True, text=True)
    if done.returncode:  # R could not draw it (margins too large for the size): no case
        print(f"{out}: R failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
        shutil.rmtree(out)
        return
    got = json.load(open(os.path.join(out, "range.json")))
    lo, hi = float(np.ravel(got["lo"])[0]), float(np.ravel(got["hi"])[0])
    if log:
        lo, hi = 10 ** lo, 10 ** hi
    truth = dict(rows=r, cols=c, vmin=lo, vmax=hi, scale="log" if log else "linear",
                 values=[[None if not np.isfinite(x) else float(x) for x in row] for row in disp],
                 row_labels=rows_top, col_labels=list(d["cols"]), x_label=d["x"], y_label=d["y"],
                 title=d["title"], tags=tags + (["annot"] if annot else []))
    json.dump(truth, open(os.path.join(out, "truth.json"), "w"))
