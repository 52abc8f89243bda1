"""Heatmaps drawn by other plotting stacks, with random research-style data and
options, each case a folder (image.png + truth.json) that ``../shared/bench/score.py``
scores, as the benchmark's stack set is drawn (but other data and option draws):

    pip install plotly kaleido bokeh holoviews altair vl-convert-python selenium
    apt-get install gnuplot chromium chromium-driver      # bokeh and holoviews export via chromium
    apt-get install r-base-core r-cran-ggplot2 r-cran-pheatmap r-cran-lattice r-cran-gplots \
        r-cran-corrplot r-cran-jsonlite r-cran-rcolorbrewer              # the R cases
    apt-get install octave fonts-freefont-otf xvfb xauth                 # the Octave cases
    python benchmarks/stack_cases OUTDIR --first 0 --count 25 [--stacks plotly vega gnuplot bokeh holoviews r octave]
    python ../shared/bench/score.py OUTDIR --cmd .venv/bin/digitize

The stacks are not the project's dependencies: this is a measuring tool, not a
test. Seeds make the same cases again; use new seeds for a held-out measure.
Truth: the values as drawn (rows top to bottom), the colorbar's ends as set
(explicit ranges and domains; an automatic range is the data's extent, which
plotly, bokeh and HoloViews draw as is). Kinds and their data: ``data.py``.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
STACKS = {"plotly": "plotly_cases", "vega": "vega_cases", "gnuplot": "gnuplot_cases", "bokeh": "bokeh_cases",
          "holoviews": "holoviews_cases", "r": "r_cases", "octave": "octave_cases"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--count", type=int, default=25)
    ap.add_argument("--stacks", nargs="+", default=list(STACKS), choices=list(STACKS))
    a = ap.parse_args()
    for name in a.stacks:
        mod = importlib.import_module(STACKS[name])
        d_ = mod.driver() if hasattr(mod, "driver") else None
        for s in range(a.first, a.first + a.count):
            path = os.path.join(a.out, f"{name}_{s:03d}")
            if d_ is not None:
                mod.one(s, path, d_)
            else:
                mod.one(s, path)
            print(path, flush=True)
        if d_ is not None:
            d_.quit()


if __name__ == "__main__":
    main()
