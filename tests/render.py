"""Render heatmaps with known values for round-trip tests (matplotlib / seaborn)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class FigureSpec:
    name: str
    lib: str = "imshow"  # imshow | pcolormesh | seaborn
    cmap: str = "viridis"
    rows: int = 8
    cols: int = 10
    vmin: float = 0.0
    vmax: float = 1.0
    log: bool = False
    cbar: str = "right"
    dpi: int = 100
    annot: bool = False
    gridline: float = 0.0
    jpeg: int = 0
    nan_cells: int = 0
    row_labels: tuple = ()
    col_labels: tuple = ()
    xlabel: str = "Layer"
    ylabel: str = "Steps"
    title: str = ""
    seed: int = 0
    style: str = ""  # a matplotlib style sheet: "ggplot", "bmh", "dark_background", ...
    levels: int = 0  # > 0: a discrete bar of this many colours (BoundaryNorm)
    no_colorbar: bool = False
    downscale: float = 0.0  # > 0: resample the rendered figure by this factor (area)
    x_rot: int = 0  # rotation of the x tick labels
    label_every: int = 1  # label only every k-th row and column
    row_heights: tuple = ()  # unequal rows (pcolormesh only): relative heights
    extend: str = "neither"  # colorbar extend arrows: neither | min | max | both
    markers: int = 0  # draw an "x" marker on this many cells
    hatch: int = 0  # hatch this many cells ("//")
    cbar_format: str = ""  # "" | "percent" (0..1 shown as 0%..100%) | "thousands" ("12,000")
    cbar_outline: bool = True
    cbar_shrink: float = 1.0  # < 1: a short, thin colorbar
    fmt: str = "png"  # "png", or "pdf" / "svg" (vector output: cells as paths, imshow as an image)
    interpolation: str = "nearest"  # imshow's (vector output: "none" embeds the data's own pixels)
    kwargs: dict = field(default_factory=dict, hash=False)


def values_for(spec: FigureSpec) -> np.ndarray:
    rng = np.random.default_rng(spec.seed)
    y, x = np.mgrid[0:spec.rows, 0:spec.cols]
    f = np.sin(x / max(spec.cols, 2) * 3.0 + spec.seed) + np.cos(y / max(spec.rows, 2) * 2.0)
    f = f + 0.6 * rng.random(f.shape)
    u = (f - f.min()) / (np.ptp(f) or 1.0)
    if spec.log:
        lo, hi = np.log10(spec.vmin), np.log10(spec.vmax)
        return 10 ** (lo + u * (hi - lo))
    return spec.vmin + u * (spec.vmax - spec.vmin)


#: A colormap no catalog holds (for the fallback to the bar's own colours).
CUSTOM_COLOURS = ("#1b2a49", "#3d5a80", "#e07a5f", "#f2cc8f")


def _cmap(name: str):
    import matplotlib
    from matplotlib.colors import LinearSegmentedColormap

    if name == "custom":
        return LinearSegmentedColormap.from_list("custom", CUSTOM_COLOURS)
    return matplotlib.colormaps[name]


def render_panels(specs: list[FigureSpec], *, shared_colorbar: bool = False, dpi: int = 100,
                  grid: tuple[int, int] | None = None) -> tuple[bytes, list]:
    """Several heatmaps side by side, or in a ``grid`` (rows, cols) of panels (imshow),
    each with its colorbar or one shared bar."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn  # noqa: F401
    from matplotlib import colors as mcolors

    nr, nc = grid or (1, len(specs))
    fig, axes = plt.subplots(nr, nc, figsize=(4.2 * nc + 1, 3.6 * nr), dpi=dpi)
    axes = np.asarray(axes).ravel()
    truths = []
    im = None
    for ax, spec in zip(axes, specs):
        values = values_for(spec)
        norm = mcolors.Normalize(spec.vmin, spec.vmax)
        im = ax.imshow(values, cmap=_cmap(spec.cmap), norm=norm, aspect="auto", interpolation="nearest")
        ax.set_xticks(np.arange(spec.cols), labels=[str(i) for i in range(spec.cols)])
        ax.set_yticks(np.arange(spec.rows), labels=[str(i) for i in range(spec.rows)])
        ax.set_title(spec.title or spec.name)
        if not shared_colorbar:
            fig.colorbar(im, ax=ax)
        truths.append({"values": values, "vmin": spec.vmin, "vmax": spec.vmax})
    if shared_colorbar:
        fig.colorbar(im, ax=list(axes))
    else:
        fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue(), truths


def render(spec: FigureSpec) -> tuple[bytes, dict]:
    """PNG (or JPEG) bytes of the figure and its truth."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import colors as mcolors

    import seaborn  # noqa: F401  (registers rocket, mako, flare, ...)

    with plt.style.context(spec.style or "default"):
        return _render(spec, plt, mcolors)


def _render(spec: FigureSpec, plt, mcolors) -> tuple[bytes, dict]:
    values = values_for(spec)
    mask = np.zeros(values.shape, bool)
    if spec.nan_cells:
        rng = np.random.default_rng(spec.seed + 1)
        mask.flat[rng.choice(values.size, spec.nan_cells, replace=False)] = True
    rows = list(spec.row_labels) or [str(i) for i in range(spec.rows)]
    cols = list(spec.col_labels) or [str(i) for i in range(spec.cols)]
    norm = (mcolors.LogNorm(spec.vmin, spec.vmax) if spec.log else mcolors.Normalize(spec.vmin, spec.vmax))
    cmap = _cmap(spec.cmap)
    bounds = None
    if spec.levels:
        bounds = np.linspace(spec.vmin, spec.vmax, spec.levels + 1)
        cmap = cmap.resampled(spec.levels)
        norm = mcolors.BoundaryNorm(bounds, spec.levels)
    shown_rows = [r if i % spec.label_every == 0 else "" for i, r in enumerate(rows)]
    shown_cols = [c if i % spec.label_every == 0 else "" for i, c in enumerate(cols)]
    w = float(np.clip(0.45 * spec.cols + 2.5, 4, 14))
    h = float(np.clip(0.35 * spec.rows + 1.8, 3, 11))
    fig, ax = plt.subplots(figsize=(w, h), dpi=spec.dpi)
    shown = np.ma.masked_array(values, mask)
    if spec.lib == "seaborn":
        import pandas as pd
        import seaborn as sns

        df = pd.DataFrame(np.where(mask, np.nan, values), index=shown_rows, columns=shown_cols)
        special = spec.log or spec.levels
        sns.heatmap(df, ax=ax, cmap=cmap, norm=norm if special else None,
                    vmin=None if special else spec.vmin, vmax=None if special else spec.vmax,
                    annot=spec.annot, fmt=".2g", linewidths=spec.gridline, linecolor=spec.kwargs.get("linecolor", "white"),
                    cbar=not spec.no_colorbar, cbar_kws={"location": spec.cbar})
        if spec.x_rot:
            ax.tick_params(axis="x", labelrotation=spec.x_rot)
    else:
        if spec.row_heights:
            y_edges = np.concatenate([[0], np.cumsum(spec.row_heights)])
            y_edges = y_edges / y_edges[-1] * spec.rows
        else:
            y_edges = np.arange(spec.rows + 1, dtype=float)
        if spec.lib == "imshow":
            im = ax.imshow(shown, cmap=cmap, norm=norm, aspect="auto", interpolation=spec.interpolation)
            offs = 0.0
            y_centres = np.arange(spec.rows, dtype=float)
        else:
            im = ax.pcolormesh(np.arange(spec.cols + 1), y_edges, shown, cmap=cmap, norm=norm,
                               edgecolors="white" if spec.gridline else "face", linewidth=spec.gridline)
            ax.set_xlim(0, spec.cols)
            ax.set_ylim(spec.rows, 0)
            offs = 0.5
            y_centres = (y_edges[:-1] + y_edges[1:]) / 2 - offs
        ax.set_xticks(np.arange(spec.cols) + offs, labels=shown_cols, rotation=spec.x_rot,
                      ha="right" if spec.x_rot and spec.x_rot % 90 else "center",
                      rotation_mode="anchor" if spec.x_rot and spec.x_rot % 90 else "default")
        ax.set_yticks(y_centres + offs, labels=shown_rows)
        if not spec.no_colorbar:
            cb = fig.colorbar(im, ax=ax, location=spec.cbar, extend=spec.extend, shrink=spec.cbar_shrink,
                              aspect=20 / spec.cbar_shrink if spec.cbar_shrink < 1 else 20)
            cb.outline.set_visible(spec.cbar_outline)
            if spec.cbar_format == "percent":
                from matplotlib.ticker import PercentFormatter
                cb.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
            elif spec.cbar_format == "thousands":
                from matplotlib.ticker import StrMethodFormatter
                cb.ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        if spec.hatch:
            from matplotlib.patches import Rectangle
            rng = np.random.default_rng(spec.seed + 3)
            for k in rng.choice(values.size, spec.hatch, replace=False):
                r, c = divmod(int(k), spec.cols)
                ax.add_patch(Rectangle((c + offs - 0.5, r + offs - 0.5), 1, 1, fill=False, hatch="//",
                                       edgecolor="black", linewidth=0))
        if spec.markers:
            rng = np.random.default_rng(spec.seed + 2)
            for k in rng.choice(values.size, spec.markers, replace=False):
                r, c = divmod(int(k), spec.cols)
                ax.plot(c + offs, r + offs, marker="x", color="black", markersize=5)
        if spec.annot:
            for (r, c), v in np.ndenumerate(values):
                if not mask[r, c]:
                    ax.text(c + offs, r + offs, f"{v:.2g}", ha="center", va="center", fontsize=7,
                            color="white" if norm(v) < 0.5 else "black")
    ax.set_xlabel(spec.xlabel)
    ax.set_ylabel(spec.ylabel)
    if spec.title:
        ax.set_title(spec.title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=spec.fmt)
    plt.close(fig)
    data = buf.getvalue()
    if spec.downscale:
        from PIL import Image

        img = Image.open(io.BytesIO(data)).convert("RGB")
        img = img.resize((round(img.width * spec.downscale), round(img.height * spec.downscale)),
                         Image.Resampling.BOX if spec.downscale < 1 else Image.Resampling.BICUBIC)
        out = io.BytesIO()
        img.save(out, format="PNG")
        data = out.getvalue()
    if spec.jpeg:
        from PIL import Image

        out = io.BytesIO()
        Image.open(io.BytesIO(data)).convert("RGB").save(out, format="JPEG", quality=spec.jpeg)
        data = out.getvalue()
    truth = {"values": np.where(mask, np.nan, values), "vmin": spec.vmin, "vmax": spec.vmax,
             "row_labels": shown_rows, "col_labels": shown_cols, "log": spec.log, "bounds": bounds}
    return data, truth


def paper_page(plt, title: str, lines: int = 8):
    """A letter-size figure with a heading and a paragraph of body text, to put a
    figure on (a page of a paper)."""
    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.1, 0.95, title, fontsize=14)
    for k in range(lines):
        fig.text(0.1, 0.9 - 0.02 * k, "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 2, fontsize=8)
    return fig


def render_pdf(path) -> list[dict]:
    """A 3-page PDF: a heatmap drawn as vectors among text, a heatmap embedded as a
    raster image, and a page of text only. Returns the truth of each heatmap."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from PIL import Image

    vec = FigureSpec("vector", lib="pcolormesh", cmap="viridis", rows=5, cols=6)
    v = values_for(vec)
    emb = FigureSpec("embedded", cmap="magma", rows=4, cols=7, vmin=-2.0, vmax=2.0, seed=5)
    data, emb_truth = render(emb)
    with PdfPages(path) as pdf:
        fig = paper_page(plt, "3. Results")
        ax = fig.add_axes([0.15, 0.35, 0.55, 0.3])
        m = ax.pcolormesh(v, cmap="viridis", vmin=0, vmax=1)
        ax.set_ylim(vec.rows, 0)
        ax.set_xticks(np.arange(vec.cols) + 0.5, labels=[str(i) for i in range(vec.cols)])
        ax.set_yticks(np.arange(vec.rows) + 0.5, labels=[str(i) for i in range(vec.rows)])
        fig.colorbar(m, ax=ax)
        pdf.savefig(fig)
        plt.close(fig)
        fig = plt.figure(figsize=(8.5, 11))
        fig.text(0.1, 0.95, "Figure 2 (a raster image)", fontsize=12)
        ax = fig.add_axes([0.1, 0.4, 0.8, 0.5])
        ax.imshow(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), interpolation="nearest")
        ax.axis("off")
        pdf.savefig(fig, dpi=100)
        plt.close(fig)
        fig = plt.figure(figsize=(8.5, 11))
        fig.text(0.1, 0.5, "References", fontsize=12)
        pdf.savefig(fig)
        plt.close(fig)
    return [{"page": 1, "values": v, "vmin": 0.0, "vmax": 1.0},
            {"page": 2, "values": emb_truth["values"], "vmin": -2.0, "vmax": 2.0}]


def render_text_pdf(path, text: str = "only text on this page") -> None:
    """A one-page PDF with a line of text and no figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(4, 3))
    fig.text(0.1, 0.5, text)
    fig.savefig(path)
    plt.close(fig)
