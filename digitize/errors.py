"""Exit codes and the error hierarchy.

The library raises these; only the CLI turns them into exit codes and one-line
messages. Every error says what was expected, what was found and what to try.
"""
from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Process exit codes of the ``digitize`` command (listed in the README)."""

    OK = 0
    USAGE = 2  #: bad command-line usage (typer/click's own code)
    INPUT = 3  #: the input file is missing, unreadable or not an image
    NO_HEATMAP = 4  #: no heatmap (block of coloured cells) was found
    NO_COLORBAR = 5  #: a heatmap was found but no colorbar or known colormap
    SCALE = 6  #: the colorbar's labels could not be read into a scale
    TOO_LARGE = 7  #: the image is over the pixel limit
    WARNINGS = 8  #: --strict and the result carries warnings
    PARTIAL = 9  #: batch: some inputs failed
    OUTPUT = 10  #: an output file or folder could not be written
    INTERNAL = 70  #: a bug: please report it with the figure


class DigitizeError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL
    hint: str = ""

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint

    def one_line(self) -> str:
        msg = str(self)
        return f"{msg} ({self.hint})" if self.hint else msg


class InputError(DigitizeError):
    exit_code = ExitCode.INPUT
    hint = "give a PNG, JPEG, TIFF, BMP, GIF or WebP image of a heatmap"


class ImageTooLargeError(DigitizeError):
    exit_code = ExitCode.TOO_LARGE
    hint = "raise the limit with --max-pixels N, or crop the figure first"


class NoHeatmapError(DigitizeError):
    exit_code = ExitCode.NO_HEATMAP
    hint = "crop the image to the heatmap and its colorbar, or check it is a heatmap"


class NoColorbarError(DigitizeError):
    exit_code = ExitCode.NO_COLORBAR
    hint = "crop the figure so the colorbar is included, or give --vmin/--vmax"


class ScaleError(DigitizeError):
    exit_code = ExitCode.SCALE
    hint = "give the colorbar's end values with --vmin and --vmax"


class OutputError(DigitizeError):
    exit_code = ExitCode.OUTPUT
    hint = "give a file path in a folder you can write to"
