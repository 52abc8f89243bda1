"""The ``digitize`` command: options -> config -> library -> writers.

``digitize FIGURE`` digitizes one figure; ``digitize batch INPUT... -o DIR``
many. Library errors become one line on stderr and the exit code of
``ExitCode`` (listed in the README); --debug shows the traceback instead.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .config import DEFAULT_MAX_BYTES, DEFAULT_MAX_PAGES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_CONFIDENCE
from .errors import DigitizeError, ExitCode

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Turn a picture of a heatmap into the numbers behind it.")


def _version(value: bool) -> None:
    if value:
        from . import __version__
        typer.echo(f"digitize {__version__}")
        raise typer.Exit()

_EXT_FORMAT = {".json": "json", ".csv": "csv", ".md": "md", ".markdown": "md", ".txt": "table"}


def _read_stdin(max_bytes: int) -> bytes:
    """Standard input, at most ``max_bytes`` of it (more is refused, not read on)."""
    from .errors import InputError

    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"standard input holds more than {max_bytes} bytes, the limit",
                         hint="raise the limit with --max-bytes N")
    return data


def check_output_path(path: Path) -> None:
    """Refuse, before any work, an output path that cannot be a file: an existing
    folder, a path under a file, a name too long for the file system."""
    from .errors import OutputError

    if any(len(part.encode()) > 255 for part in path.parts):
        raise OutputError(f"cannot write {str(path)[:80]}...: a name in the path is over 255 bytes")
    try:
        if path.is_dir():
            raise OutputError(f"{path} is a folder; expected a file path for the output")
        for parent in path.parents:
            if parent.exists() and not parent.is_dir():
                raise OutputError(f"cannot write {path}: {parent} is a file, not a folder")
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)[:80]}: {exc.strerror or exc}") from None


def write_output(path: Path, data) -> None:
    """Write an output file atomically; a failure is one line with its reason."""
    from .errors import OutputError
    from .report.export import write_atomic

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _save_overlays(result, pages, overlay: Path, src, max_pixels: int) -> None:
    """The overlay of a figure at ``overlay``; for a PDF, one per picture that held
    heatmaps, named ``NAME-pP-K.png`` (page P, K-th picture of that page)."""
    from .report.overlay import draw_overlay, encode_png

    if pages is None:  # the pixels read travel with the result (an SVG's: its objects painted)
        from .sources.imageio import load_image
        pixels = result.picture if result.picture is not None else load_image(src, max_pixels=max_pixels).rgb
        write_output(overlay, encode_png(draw_overlay(result, pixels)))
        return
    seen: dict[int, int] = {}
    for found in pages:
        page = found.result.heatmaps[0].page or 0
        seen[page] = seen.get(page, 0) + 1
        name = overlay.with_name(f"{overlay.stem}-p{page}-{seen[page]}{overlay.suffix or '.png'}")
        write_output(name, encode_png(draw_overlay(found.result, found.pixels())))


def _fail(exc: BaseException, debug: bool) -> None:
    if debug:
        raise exc
    if isinstance(exc, DigitizeError):
        typer.echo(f"digitize: error: {exc.one_line()}", err=True)
        raise typer.Exit(int(exc.exit_code))
    typer.echo(f"digitize: internal error: {type(exc).__name__}: {exc} "
               f"(please report it with the figure; --debug shows the traceback)", err=True)
    raise typer.Exit(int(ExitCode.INTERNAL))


@app.command()
def run(
    figure: Annotated[str, typer.Argument(help="image, PDF or SVG file, or - to read an image from stdin")],
    *,
    format: Annotated[Optional[str], typer.Option("--format", "-f",
                                                  help="table, json, csv, long (one row per cell) or md")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here instead of stdout")] = None,
    vmin: Annotated[Optional[float], typer.Option(help="value at the colorbar's low end")] = None,
    vmax: Annotated[Optional[float], typer.Option(help="value at the colorbar's high end")] = None,
    scale: Annotated[str, typer.Option(help="auto, linear or log")] = "auto",
    overlay: Annotated[Optional[Path], typer.Option(help="also draw the overlay PNG here")] = None,
    max_pixels: Annotated[int, typer.Option(help="refuse larger images; PDF pages are rendered to fit")] = \
    DEFAULT_MAX_PIXELS,
    max_bytes: Annotated[int, typer.Option(help="refuse larger input files (and stdin), before reading")] = \
    DEFAULT_MAX_BYTES,
    max_pages: Annotated[int, typer.Option(help="read PDFs up to this many pages")] = DEFAULT_MAX_PAGES,
    vector: Annotated[bool, typer.Option("--vector/--no-vector",
                                         help="read PDF pages from their drawing objects first (exact); "
                                              "--no-vector reads the rendered pages only")] = True,
    printed: Annotated[bool, typer.Option("--printed/--no-printed",
                                          help="use the numbers printed in the cells (where their colours "
                                               "agree), or read the colours alone")] = True,
    strict: Annotated[bool, typer.Option(help="exit non-zero when the result carries warnings or a "
                                                  "confidence below --min-confidence")] = False,
    min_confidence: Annotated[float, typer.Option(help="with --strict: the lowest confidence accepted")] =
    DEFAULT_MIN_CONFIDENCE,
    debug: Annotated[bool, typer.Option(help="show tracebacks")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="print the version and exit")] = False,
) -> None:
    """Digitize one heatmap figure: a PNG, JPEG, TIFF, BMP, GIF or WebP image, a
    PDF (every heatmap on every page) or an SVG (read from its drawing objects).
    Prints the table and its interpretation, or writes JSON, CSV, long CSV or
    Markdown.

    Many figures, folders and papers at once: digitize batch INPUT... -o OUTDIR
    (see digitize batch --help)."""
    from .api import digitize
    from .config import DigitizeConfig
    from .report import export

    if format is not None and format not in ("table", *export.FORMATS):
        typer.echo(f"digitize: error: --format must be table, json, csv, long or md; got {format!r}", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    fmt = format or (_EXT_FORMAT.get(output.suffix.lower(), "table") if output else "table")
    try:
        cfg = DigitizeConfig(vmin=vmin, vmax=vmax, scale=scale, max_pixels=max_pixels, printed=printed, vector=vector,
                             max_bytes=max_bytes, max_pages=max_pages)
    except ValueError as exc:
        typer.echo(f"digitize: error: {exc}", err=True)
        raise typer.Exit(int(ExitCode.USAGE))
    try:
        for path in (output, overlay):
            if path is not None:
                check_output_path(path)
        src = _read_stdin(max_bytes) if figure == "-" else figure
        from .sources.pdf import is_pdf
        if overlay is not None and figure != "-" and is_pdf(figure):
            from .api import digitize_pdf_pages
            result, pages = digitize_pdf_pages(figure, config=cfg)
        else:
            result, pages = digitize(src, config=cfg), None
        if overlay is not None:
            _save_overlays(result, pages, overlay, src, max_pixels)
        if fmt == "table":
            from .report.terminal import render, render_text
            if output is not None:  # the table as plain text (.txt), as the terminal shows it
                write_output(output, render_text(result))
            else:
                render(result)
        else:
            text = export.FORMATS[fmt](result)
            if output is not None:
                write_output(output, text)
            else:
                sys.stdout.write(text if text.endswith("\n") else text + "\n")
    except Exception as exc:  # noqa: BLE001 - the CLI boundary
        _fail(exc, debug)
        return
    warnings = [w for h in result.heatmaps for w in h.warnings] + list(result.warnings)
    if strict and warnings:
        typer.echo(f"digitize: --strict: {len(warnings)} warning(s): {warnings[0]}", err=True)
        raise typer.Exit(int(ExitCode.WARNINGS))
    low = [(k, h) for k, h in enumerate(result.heatmaps) if h.confidence < min_confidence]
    if strict and low:
        k, h = low[0]
        failed = ", ".join(h.failed_checks) or "none failed outright"
        typer.echo(f"digitize: --strict: heatmap {k + 1} read with confidence {h.confidence:.2f}, below "
                   f"{min_confidence:g} (checks: {failed})", err=True)
        raise typer.Exit(int(ExitCode.WARNINGS))


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``digitize FIGURE [options]`` or ``digitize batch ...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "batch":
        from .batch import batch_app
        batch_app(args[1:], prog_name="digitize batch")
        return
    app(args, prog_name="digitize")


if __name__ == "__main__":
    main()
