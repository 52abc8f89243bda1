"""``digitize batch INPUT... -o OUTDIR``: many figures, all cores, never losing work.

Inputs are image files, folders (recursive) and glob patterns. Each figure gets
OUTDIR/<name>/ with result.json, table.csv and overlay.png, written atomically;
summary.csv and summary.jsonl list every input with its status. A figure whose
result.json exists is skipped on a re-run unless --force. Workers are
processes; each loads the OCR model once.
PDF inputs and the Dask executor are not implemented yet.
"""
from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import DigitizeError, ExitCode

IMAGE_EXT = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}
SUMMARY_FIELDS = ["source", "page", "heatmap", "rows", "cols", "scale", "vmin", "vmax", "colormap",
                  "worst_residual", "confidence", "status", "error", "output"]

batch_app = typer.Typer(add_completion=False, rich_markup_mode=None)


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Files, folders (recursively) and glob patterns -> sorted unique image paths.
    Paths are taken literally; only arguments containing * ? [ are globbed."""
    out: list[Path] = []
    for arg in inputs:
        p = Path(arg)
        if p.is_dir():
            out += [q for q in sorted(p.rglob("*")) if q.is_file() and q.suffix.lower() in IMAGE_EXT]
        elif p.exists():
            out.append(p)
        elif any(c in arg for c in "*?["):
            out += [Path(q) for q in sorted(glob.glob(arg, recursive=True)) if Path(q).is_file()]
        else:
            out.append(p)  # reported as missing in the summary
    seen, uniq = set(), []
    for p in out:
        k = str(p.resolve()) if p.exists() else str(p)
        if k not in seen:
            seen.add(k)
            uniq.append(p)
    return uniq


def output_dir_for(src: Path, outdir: Path) -> Path:
    """A folder name inside outdir that is unique per input path (never outside outdir)."""
    tag = hashlib.sha1(str(src.resolve() if src.exists() else src).encode()).hexdigest()[:8]
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in src.stem)[:60] or "figure"
    return outdir / f"{safe}-{tag}"


def process_one(src: str, outdir: str, force: bool) -> list[dict]:
    """Digitize one figure into its folder; returns its summary rows. Never raises."""
    from . import export
    from .api import digitize
    from .imageio import load_image
    from .overlay import draw_overlay

    srcp = Path(src)
    folder = output_dir_for(srcp, Path(outdir))
    done = folder / "result.json"
    if done.exists() and not force:
        try:
            doc = json.loads(done.read_text())
            return doc.get("summary_rows") or []
        except (OSError, ValueError):
            pass
    base = {k: "" for k in SUMMARY_FIELDS}
    base.update(source=str(srcp), page="", output=str(folder))
    try:
        img = load_image(srcp, max_pixels=100_000_000)
        result = digitize(img.rgb)
        rows = []
        for k, h in enumerate(result.heatmaps):
            r = dict(base)
            r.update(heatmap=k, rows=h.rows, cols=h.cols, scale=h.scale.kind, vmin=h.scale.vmin, vmax=h.scale.vmax,
                     colormap=h.colormap.name, worst_residual=round(float(h.table.residual.max()), 2),
                     confidence=h.confidence, status="ok" if not h.warnings else "warning",
                     error="; ".join(h.warnings))
            rows.append(r)
        doc = export.to_dict(result)
        doc["source"] = str(srcp)
        doc["summary_rows"] = rows
        folder.mkdir(parents=True, exist_ok=True)
        export.write_atomic(folder / "table.csv", export.to_csv(result))
        from PIL import Image
        buf = io.BytesIO()
        Image.fromarray(draw_overlay(result, img.rgb)).save(buf, format="PNG")
        export.write_atomic(folder / "overlay.png", buf.getvalue())
        export.write_atomic(done, json.dumps(doc, indent=1, ensure_ascii=False))  # last: marks it done
        return rows
    except DigitizeError as exc:
        r = dict(base)
        r.update(status="failed", error=exc.one_line())
        return [r]
    except Exception as exc:  # noqa: BLE001 - one bad figure must not stop the batch
        r = dict(base)
        r.update(status="failed", error=f"internal error: {type(exc).__name__}: {exc}")
        return [r]


def write_summary(rows: list[dict], outdir: Path) -> None:
    from .export import write_atomic

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=SUMMARY_FIELDS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in SUMMARY_FIELDS})
    write_atomic(outdir / "summary.csv", buf.getvalue())
    write_atomic(outdir / "summary.jsonl", "".join(json.dumps({k: r.get(k, "") for k in SUMMARY_FIELDS}) + "\n"
                                                   for r in rows))


@batch_app.command()
def batch(
    inputs: Annotated[list[str], typer.Argument(help="image files, folders or glob patterns")],
    outdir: Annotated[Path, typer.Option("--output", "-o", help="output folder")],
    workers: Annotated[int, typer.Option(help="processes (default: all cores)")] = 0,
    force: Annotated[bool, typer.Option(help="redo figures already done")] = False,
    quiet: Annotated[bool, typer.Option(help="no progress output")] = False,
) -> None:
    """Digitize many figures into OUTDIR, with a summary table."""
    files = expand_inputs(inputs)
    if not files:
        typer.echo("digitize batch: error: no input files found", err=True)
        raise typer.Exit(int(ExitCode.INPUT))
    outdir.mkdir(parents=True, exist_ok=True)
    n = workers or os.cpu_count() or 1
    rows_by_src: dict[str, list[dict]] = {}
    show = not quiet and sys.stderr.isatty()
    failed = 0
    with ProcessPoolExecutor(max_workers=n) as pool:
        futs = {pool.submit(process_one, str(f), str(outdir), force): f for f in files}
        for k, fut in enumerate(as_completed(futs), 1):
            rows = fut.result()
            rows_by_src[str(futs[fut])] = rows
            failed += any(r["status"] == "failed" for r in rows)
            if show:
                sys.stderr.write(f"\r{k}/{len(files)} done, {failed} failed, {len(files) - k} remaining")
                sys.stderr.flush()
    if show:
        sys.stderr.write("\n")
    rows = [r for f in files for r in rows_by_src.get(str(f), [])]
    write_summary(rows, outdir)
    if not quiet:
        typer.echo(f"{len(files)} inputs, {failed} failed; summary in {outdir / 'summary.csv'}")
    if failed == len(files):
        raise typer.Exit(int(ExitCode.INPUT))
    if failed:
        raise typer.Exit(int(ExitCode.PARTIAL))
