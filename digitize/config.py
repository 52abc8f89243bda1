"""One frozen configuration object for a digitize run, with named defaults."""
from __future__ import annotations

import math
from dataclasses import dataclass

#: Largest image decoded by default (pixels). 100 MP of RGB is 300 MB in memory;
#: paper figures are rarely above 20 MP, so this only stops decompression bombs.
DEFAULT_MAX_PIXELS = 100_000_000

#: Input files larger than this (bytes) are refused before they are read: a
#: figure is rarely above a few MB, a paper's PDF above 100 MB.
DEFAULT_MAX_BYTES = 500_000_000

#: PDFs are read up to this many pages (a paper's supplement runs to a few hundred);
#: past it the rest are left, with a warning.
DEFAULT_MAX_PAGES = 1000
#: Seconds one image or one PDF page may take in a batch before it is stopped and
#: recorded as failed (a page of thousands of thumbnails takes ~10 s; 120 leaves room).
DEFAULT_JOB_TIMEOUT = 120.0

#: Results below this confidence are doubtful: batch marks them so and lists them
#: first, and ``--strict`` fails on them. The confidence is calibrated (results
#: reported at 0.5 are right about half the time), so below 0.5 a result is more
#: likely wrong than right.
DEFAULT_MIN_CONFIDENCE = 0.5

#: A cell whose colour lies further than this (CIELAB delta E) from every colour of
#: the colormap is flagged as doubtful. JPEG at quality 70 moves flat colours by
#: about 2-4; anti-aliasing and annotations are excluded by the robust cell centre,
#: so 10 leaves room for compression while catching colours that are not on the bar.
DEFAULT_RESIDUAL_FLAG = 10.0


@dataclass(frozen=True)
class DigitizeConfig:
    """Settings of one run. All optional; the defaults handle the usual figure.

    vmin, vmax : float, optional
        Override the colorbar's end values (both or neither).
    scale : {"auto", "linear", "log"}
        Force the colorbar scale kind; "auto" decides from the tick values.
    ocr : bool
        Read tick labels and titles with OCR. Without it, labels are empty and the
        scale must come from vmin/vmax.
    max_pixels : int
        Refuse images larger than this before decoding them.
    residual_flag : float
        CIELAB distance above which a cell is flagged as off the colormap.
    max_bytes : int
        Refuse input files larger than this many bytes, before reading them.
    max_pages : int
        Read PDFs up to this many pages (the rest are left, with a warning).
    vector : bool
        Read PDF pages from their drawing objects first (exact colours, labels
        from the text layer); off: PDF pages are rendered and read as pixels.
    printed : bool
        Read the numbers printed in the cells and use them as the values where the
        colours agree (and to fit the scale when the colorbar gives none).
    """

    vmin: float | None = None
    vmax: float | None = None
    scale: str = "auto"
    ocr: bool = True
    max_pixels: int = DEFAULT_MAX_PIXELS
    residual_flag: float = DEFAULT_RESIDUAL_FLAG
    printed: bool = True
    max_pages: int = DEFAULT_MAX_PAGES
    max_bytes: int = DEFAULT_MAX_BYTES
    vector: bool = True

    def __post_init__(self) -> None:
        if (self.vmin is None) != (self.vmax is None):
            raise ValueError("vmin and vmax must be given together; got only one of them")
        if self.vmin is not None:
            if not (math.isfinite(self.vmin) and math.isfinite(self.vmax)) or self.vmin == self.vmax:
                raise ValueError(f"vmin and vmax must be finite and differ; got {self.vmin}, {self.vmax}")
        if self.scale not in ("auto", "linear", "log"):
            raise ValueError(f"scale must be 'auto', 'linear' or 'log'; got {self.scale!r}")
        if self.scale == "log" and self.vmin is not None and min(self.vmin, self.vmax) <= 0:
            raise ValueError("a log scale needs vmin and vmax > 0")
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be positive; got {self.max_pages}")
        if self.max_pixels < 1:
            raise ValueError(f"max_pixels must be positive; got {self.max_pixels}")
        if not self.residual_flag > 0:
            raise ValueError(f"residual_flag must be positive; got {self.residual_flag}")
