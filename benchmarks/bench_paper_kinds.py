#!/usr/bin/env python3
"""Heatmaps as papers show them, placed on pages as LaTeX places figures.

    python benchmarks/bench_paper_kinds.py [--seeds 0 1 2] [--keep DIR]

Each seed makes one PDF of text pages, each page holding one figure made on its
own (a PDF figure drawn through a form XObject, or a PNG placed as an image) and
scaled to a column or the text width: needle-in-a-haystack grids, attention maps
with a bar each, small multiples sharing a bar, printed numbers with and without
a bar, a confusion matrix, log scales, a rasterized pcolormesh, a clustermap with
an annotation track, 32 x 32 maps with sparse labels; and pages that hold no
heatmap (curves coloured along a colorbar, shaded bands, a stacked bar chart,
thumbnails). Every page is read with ``digitize_pdf_page`` and compared with
what was drawn. Prints, per kind: heatmaps found with the right shape, mean error
(share of the range, on a log scale for log data), confidence, provenance, and
the false positives. Figures only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _figures(seed: int):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns
    from matplotlib.colors import LinearSegmentedColormap, LogNorm

    rng = np.random.default_rng(seed)

    def save(fig, fmt, dpi=200):
        b = io.BytesIO()
        fig.savefig(b, format=fmt, dpi=dpi, bbox_inches="tight")
        plt.close(fig)
        return b.getvalue()

    def field(r, c, lo, hi):
        y, x = np.mgrid[0:r, 0:c]
        f = np.sin(x / c * rng.uniform(2, 5) + rng.uniform(0, 6)) + np.cos(y / r * rng.uniform(1, 4)) \
            + 0.4 * rng.random((r, c))
        return lo + (f - f.min()) / np.ptp(f) * (hi - lo)

    def niah(r, c):
        v = np.ones((r, c))
        for _ in range(int(rng.integers(3, 10))):
            v[rng.integers(0, r), rng.integers(c // 3, c)] = np.round(rng.uniform(0, 0.9), 2)
        return v

    green = LinearSegmentedColormap.from_list("niah", ["#F0496E", "#EBB839", "#0CD79F"])
    out = []  # (kind, bytes, width in inches, [(values, vmin, vmax)])

    c = int(rng.integers(8, 16))
    v = niah(10, c)
    fig = plt.figure(figsize=(17.5, 8))
    sns.heatmap(v, cmap=green, vmin=0, vmax=1, cbar_kws={"label": "Score"},
                xticklabels=[f"{k}K" for k in np.linspace(1, 128, c).astype(int)],
                yticklabels=[f"{d:.0f}" for d in np.linspace(0, 100, 10)])
    plt.title("Pressure Testing Fact Retrieval Across Context Lengths")
    out.append(("niah (pdf)", save(fig, "pdf"), 6.5, [(v, 0, 1)]))

    fig, axs = plt.subplots(3, 1, figsize=(12, 12))
    tr = []
    for k, ax in enumerate(axs):
        v = niah(10, 12)
        sns.heatmap(v, ax=ax, cmap=green, vmin=0, vmax=1, linewidths=0.5, linecolor="white",
                    xticklabels=[f"{x}K" for x in range(2, 26, 2)], yticklabels=[f"{d}%" for d in range(0, 100, 10)])
        ax.set_title(f"Model {k}")
        tr.append((v, 0, 1))
    fig.tight_layout()
    out.append(("niah x3 (png)", save(fig, "png", dpi=100), 6.5, tr))

    fig, axs = plt.subplots(2, 3, figsize=(10, 6))
    tr = []
    for k, ax in enumerate(axs.flat):
        a = np.tril(rng.random((16, 16)) ** 3)
        a = a / a.sum(1, keepdims=True)
        top = float(np.round(a.max() + 0.05, 1))
        fig.colorbar(ax.imshow(a, cmap="viridis", vmin=0, vmax=top), ax=ax, fraction=0.046)
        ax.set_title(f"Layer {k}, Head {k + 1}")
        tr.append((a, 0, top))
    fig.tight_layout()
    out.append(("attention, a bar each", save(fig, "pdf"), 6.5, tr))

    fig, axs = plt.subplots(1, 4, figsize=(12, 3.2))
    tr = []
    for k, ax in enumerate(axs):
        v = rng.random((8, 8)) * 0.8
        im = ax.imshow(v, cmap="Reds", vmin=0, vmax=0.8)
        ax.set_xticks(range(8))
        ax.set_yticks(range(8))
        tr.append((v, 0, 0.8))
    fig.colorbar(im, ax=axs, fraction=0.015)
    out.append(("small multiples, shared bar", save(fig, "pdf"), 6.5, tr))

    v = np.round(field(8, 6, 0, 1), 1)
    fig = plt.figure(figsize=(4, 4))
    sns.heatmap(v, annot=True, fmt=".1f", cmap="Blues", vmin=0, vmax=1)
    out.append(("printed numbers", save(fig, "pdf"), 3.2, [(v, 0, 1)]))

    v = np.round(rng.uniform(20, 95, (6, 5)), 1)
    fig = plt.figure(figsize=(5, 4))
    sns.heatmap(v, annot=True, fmt=".1f", cmap="YlGnBu", cbar=False)
    out.append(("printed numbers, no bar", save(fig, "pdf"), 3.2, [(v, None, None)]))

    v = rng.integers(10, 30, (10, 10))
    v[np.diag_indices(10)] = rng.integers(60, 100, 10)
    fig = plt.figure(figsize=(5, 4.2))
    sns.heatmap(v, annot=True, fmt="d", cmap="Blues")
    out.append(("confusion counts", save(fig, "pdf"), 3.2, [(v.astype(float), float(v.min()), float(v.max()))]))

    v = field(12, 12, -1, 1)
    fig = plt.figure(figsize=(4, 3.4))
    plt.imshow(v, cmap="coolwarm", vmin=-1, vmax=1)
    plt.colorbar()
    out.append(("imshow png, numeric ticks", save(fig, "png", dpi=150), 3.2, [(v, -1, 1)]))

    v = 10 ** field(6, 10, -3, 0)
    fig = plt.figure(figsize=(6, 3.6))
    plt.colorbar(plt.imshow(v, cmap="magma", norm=LogNorm(1e-3, 1)), orientation="horizontal", location="top")
    out.append(("log, bar on top", save(fig, "pdf"), 4.5, [(v, 1e-3, 1)]))

    v = rng.random((24, 32))
    fig = plt.figure(figsize=(6, 4))
    plt.colorbar(plt.pcolormesh(v, cmap="plasma", vmin=0, vmax=1, rasterized=True))
    out.append(("rasterized pcolormesh", save(fig, "pdf"), 4.5, [(v[::-1], 0, 1)]))

    v = rng.random((32, 32)) ** 4
    fig = plt.figure(figsize=(5, 4.5))
    sns.heatmap(v, cmap="viridis", vmin=0, vmax=1, xticklabels=4, yticklabels=4)
    out.append(("32 x 32, sparse labels", save(fig, "pdf"), 3.2, [(v, 0, 1)]))

    v = np.round(rng.normal(size=(14, 6)), 2)
    df = pd.DataFrame(v, index=[f"gene{k}" for k in range(14)], columns=[f"S{k}" for k in range(1, 7)])
    g = sns.clustermap(df, row_cluster=False, col_cluster=False, cmap="RdBu_r", vmin=-3, vmax=3,
                       col_colors=["#1b9e77"] * 3 + ["#d95f02"] * 3, figsize=(5, 6))
    b = io.BytesIO()
    g.savefig(b, format="png", dpi=150)
    plt.close(g.fig)
    out.append(("clustermap + track (png)", b.getvalue(), 3.5, [(np.clip(v, -3, 3), -3, 3)]))

    v = np.corrcoef(rng.normal(size=(7, 30)) + rng.normal(size=30) * 0.5)
    mask = np.triu(np.ones_like(v, bool), 1)
    fig = plt.figure(figsize=(5, 4))
    sns.heatmap(v, mask=mask, cmap="RdBu_r", vmin=-1, vmax=1, square=True, cbar_kws={"shrink": 0.6})
    out.append(("masked correlation", save(fig, "pdf"), 3.2, [(np.where(mask, np.nan, v), -1, 1)]))

    fig = plt.figure(figsize=(5, 3.5))
    for layer in range(32):
        plt.plot(np.cumsum(rng.normal(size=60)) + layer, color=plt.cm.viridis(layer / 31))
    plt.colorbar(plt.cm.ScalarMappable(cmap="viridis", norm=plt.Normalize(0, 31)), ax=plt.gca(), label="layer")
    out.append(("no heatmap: coloured curves", save(fig, "pdf"), 3.2, []))
    fig = plt.figure(figsize=(5, 3))
    bottom = np.zeros(6)
    for k, col in enumerate(plt.cm.Blues(np.linspace(0.3, 0.9, 4))):
        h = rng.random(6)
        plt.bar(range(6), h, bottom=bottom, color=col)
        bottom += h
    out.append(("no heatmap: stacked bars", save(fig, "pdf"), 3.2, []))
    fig = plt.figure(figsize=(5, 3))
    x = rng.random(200)
    plt.colorbar(plt.scatter(x, rng.random(200), c=x * 10, cmap="viridis"))
    out.append(("no heatmap: coloured scatter", save(fig, "pdf"), 3.2, []))
    return out


def make_paper(seed: int, path: Path) -> list[tuple[str, list]]:
    """The PDF at ``path``, one figure a page; returns each page's (kind, truth)."""
    import matplotlib.pyplot as plt
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument.new()
    pages = []
    for pno, (kind, data, width_in, truth) in enumerate(_figures(seed)):
        tf = plt.figure(figsize=(8.5, 11))
        tf.text(0.1, 0.95, f"{pno + 1} Experiments", fontsize=12, weight="bold")
        for k in range(10):
            tf.text(0.1, 0.93 - 0.014 * k, "We evaluate retrieval across lengths and depths of the context window, "
                    "as shown below.", fontsize=9)
        tf.text(0.1, 0.12, f"Figure {pno + 1}: {kind}.", fontsize=9)
        tb = io.BytesIO()
        tf.savefig(tb, format="pdf")
        plt.close(tf)
        doc.import_pages(pdfium.PdfDocument(tb.getvalue()), [0])
        page = doc[pno]
        wpt = width_in * 72
        if data[:4] != b"%PDF":
            pil = Image.open(io.BytesIO(data)).convert("RGB")
            hpt = wpt * pil.height / pil.width
            img = pdfium.PdfImage.new(doc)
            img.set_bitmap(pdfium.PdfBitmap.from_pil(pil))
            img.set_matrix(pdfium.PdfMatrix(wpt, 0, 0, hpt, (612 - wpt) / 2, max(100, 560 - hpt)))
            page.insert_obj(img)
        else:
            fdoc = pdfium.PdfDocument(data)
            fw, fh = fdoc[0].get_size()
            po = fdoc.page_as_xobject(0, doc).as_pageobject()
            s = wpt / fw
            po.transform(pdfium.PdfMatrix().scale(s, s).translate((612 - wpt) / 2, max(100, 560 - fh * s)))
            page.insert_obj(po)
        page.gen_content()
        pages.append((kind, truth))
    doc.save(str(path))
    return pages


def _error(h, values, vmin, vmax) -> float:
    t = np.asarray(values, np.float64)
    got = np.asarray(h.table.values, np.float64)
    lo = vmin if vmin is not None else np.nanmin(t)
    hi = vmax if vmax is not None else np.nanmax(t)
    if lo > 0 and hi / lo > 50:
        t, got, lo, hi = np.log10(t), np.log10(np.clip(got, 1e-12, None)), np.log10(lo), np.log10(hi)
    return float(np.nanmean(np.abs(got - t)) / (hi - lo))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--keep", type=Path, help="write the PDFs here")
    a = ap.parse_args()
    from digitize.api import digitize_pdf_page

    folder = a.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list] = {}
    fp = pages = 0
    spent = 0.0
    for seed in a.seeds:
        path = folder / f"paper-kinds-{seed}.pdf"
        for index, (kind, truth) in enumerate(make_paper(seed, path)):
            t0 = time.perf_counter()
            got = [h for r in digitize_pdf_page(path, index) for h in r.result.heatmaps]
            spent += time.perf_counter() - t0
            pages += 1
            left = list(got)
            for values, vmin, vmax in truth:
                shape = np.shape(values)
                h = next((h for h in left if (h.rows, h.cols) == shape), None)
                if h is not None:
                    left.remove(h)
                rows.setdefault(kind, []).append(None if h is None else
                                                 (_error(h, values, vmin, vmax), h.confidence, h.read_from))
            fp += len(left)
            if not truth:
                rows.setdefault(kind, [])
                if left:
                    print(f"  seed {seed} {kind}: {len(left)} false positive(s) "
                          f"{[(h.rows, h.cols, h.confidence) for h in left]}")
    print(f"{pages} pages in {spent:.1f} s ({pages / spent:.1f} pages/s); false positives {fp}")
    print(f"{'kind':32s} {'found':>7s} {'mean err':>9s} {'worst':>7s} {'conf':>5s}  read from")
    for kind, r in rows.items():
        hit = [x for x in r if x is not None]
        if not r:
            continue
        errs = [x[0] for x in hit]
        print(f"{kind:32s} {len(hit):3d}/{len(r):<3d} {100 * np.mean(errs) if hit else float('nan'):8.2f}% "
              f"{100 * max(errs) if hit else float('nan'):6.2f}% {np.mean([x[1] for x in hit]) if hit else 0:5.2f}  "
              f"{','.join(sorted({x[2] for x in hit}))}")


if __name__ == "__main__":
    main()
