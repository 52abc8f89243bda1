#!/usr/bin/env python3
"""Build digitize/data/colormaps.npz: the named colormaps people draw heatmaps with.

Run once when the catalog changes (the npz is committed; digitize does not need
matplotlib at run time):

    pip install matplotlib seaborn cmocean cmcrameri
    python scripts/make_colormap_catalog.py

Each entry is the colormap's own lookup table, ``cmap(range(cmap.N), bytes=True)``
as (N, 3) uint8, under its registered name. Reversed ("_r") maps are not stored:
digitize tries every entry in both directions. Qualitative maps (tab10, Set1, ...)
are left out: nobody encodes a continuous value with them, and their few colours
would match any stepped bar.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import numpy as np

QUALITATIVE = {"Pastel1", "Pastel2", "Paired", "Accent", "Dark2", "Set1", "Set2", "Set3",
               "tab10", "tab20", "tab20b", "tab20c", "flag", "prism"}
PREFERRED = {"gray", "Greys"}


def main() -> int:
    import matplotlib
    for optional in ("seaborn", "cmocean", "cmcrameri.cm"):
        try:
            importlib.import_module(optional)  # registers its colormaps with matplotlib
        except ImportError:
            print(f"note: {optional} not installed; its colormaps are left out", file=sys.stderr)
    tables: dict[str, np.ndarray] = {}
    # aliases hold the same table: keep the name people use (gray, not gist_gray)
    names = sorted(matplotlib.colormaps, key=lambda n: (n.startswith("gist_"), n not in PREFERRED, n))
    for name in names:
        if (name.endswith(("_r", "_i")) or name in QUALITATIVE
                or (name.startswith("cmc.") and name.endswith("S"))):
            continue  # reversed, cmocean's inverted-lightness copies, qualitative, categorical
        cmap = matplotlib.colormaps[name]
        n = int(cmap.N)
        if n < 64:
            continue
        table = np.asarray(cmap(np.arange(n), bytes=True))[:, :3].astype(np.uint8)
        if any(np.array_equal(table, t) for t in tables.values()):
            continue  # an alias (e.g. grey/gray)
        tables[name] = table
    out = Path(__file__).resolve().parents[1] / "digitize" / "data" / "colormaps.npz"
    write_catalog(out, tables)
    print(f"{len(tables)} colormaps -> {out} ({out.stat().st_size // 1024} KiB)")
    return 0


def write_catalog(out: Path, tables: dict) -> None:
    """One array of all tables end to end, their names and lengths: read in one go
    (a member per map made loading cost 35 ms of every run)."""
    names = list(tables)
    np.savez_compressed(out, names=np.array(names), lengths=np.array([len(tables[n]) for n in names]),
                        rgb=np.concatenate([tables[n] for n in names]))


if __name__ == "__main__":
    raise SystemExit(main())
