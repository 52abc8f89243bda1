"""Vector against raster on the same PDF pages: pages per second and accuracy.

Builds a paper-like PDF (each page a paragraph of text and one matplotlib or
seaborn heatmap with its colorbar, saved as vectors: cells as paths, imshow as an
image) and reads every page twice, from its objects (the default) and from its
render alone (``vector=False``). Prints pages per second on one process and the
mean and worst error of the cells as a share of the range.

    python benchmarks/bench_vector.py [PAGES]
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def build(path: Path, pages: int) -> list[dict]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns
    from matplotlib.backends.backend_pdf import PdfPages

    from render import FigureSpec, paper_page, values_for

    kinds = ["pcolormesh", "seaborn", "imshow", "seaborn-annot"]
    truths = []
    with PdfPages(path) as pdf:
        for p in range(pages):
            kind = kinds[p % len(kinds)]
            spec = FigureSpec(f"p{p}", rows=6 + p % 7, cols=8 + p % 5, vmin=0.0, vmax=[1.0, 0.008, 50.0, 100.0][p % 4],
                              seed=p)
            v = values_for(spec)
            fig = paper_page(plt, f"Section {p + 1}", lines=12)
            ax = fig.add_axes([0.15, 0.3, 0.6, 0.3])
            if kind == "pcolormesh":
                m = ax.pcolormesh(v, cmap="viridis", vmin=spec.vmin, vmax=spec.vmax)
                ax.set_ylim(spec.rows, 0)
                fig.colorbar(m, ax=ax)
            elif kind == "imshow":
                m = ax.imshow(v, cmap="magma", vmin=spec.vmin, vmax=spec.vmax, aspect="auto")
                fig.colorbar(m, ax=ax)
            else:
                sns.heatmap(pd.DataFrame(v), ax=ax, cmap="rocket", vmin=spec.vmin, vmax=spec.vmax,
                            annot=kind == "seaborn-annot", fmt=".0f", annot_kws={"fontsize": 6})
            pdf.savefig(fig)
            plt.close(fig)
            truths.append({"values": v, "span": spec.vmax - spec.vmin, "kind": kind})
    return truths


def measure(path: Path, truths: list[dict], *, vector: bool) -> tuple[float, list[float], list[float], int]:
    from digitize.api import digitize_pdf_page
    from digitize.config import DigitizeConfig

    cfg = DigitizeConfig(vector=vector)
    errs, worst, found = [], [], 0
    t0 = time.perf_counter()
    for i, truth in enumerate(truths):
        hs = [h for r in digitize_pdf_page(path, i, config=cfg) for h in r.result.heatmaps]
        match = [h for h in hs if h.table.values.shape == truth["values"].shape]
        if match:
            found += 1
            e = np.abs(match[0].table.values - truth["values"]) / truth["span"]
            errs.append(float(np.nanmean(e)))
            worst.append(float(np.nanmax(e)))
    dt = time.perf_counter() - t0
    return len(truths) / dt, errs, worst, found


def main() -> None:
    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    from digitize.api import configure_threads

    configure_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paper.pdf"
        truths = build(path, pages)
        measure(path, truths[:1], vector=False)  # load the OCR models once
        print(f"{pages} pages, one heatmap each (pcolormesh, seaborn, imshow, annotated seaborn), one process")
        for vector in (True, False):
            rate, errs, worst, found = measure(path, truths, vector=vector)
            name = "vector (objects first)" if vector else "raster (render only)"
            print(f"{name:24s} {rate:5.2f} pages/s  found {found}/{pages}  mean error "
                  f"{100 * np.mean(errs):.3f}% of the range  worst cell {100 * np.max(worst):.3f}%")


if __name__ == "__main__":
    main()
