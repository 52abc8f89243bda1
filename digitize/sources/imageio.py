"""Load any raster into RGB uint8 (H, W, 3), origin top-left, alpha on white.

Conventions for the whole package: images are RGB (not BGR), indexed
``image[y, x]``; boxes are ``(x0, y0, x1, y1)`` with exclusive ends.
"""
from __future__ import annotations

import io
import os
import warnings as _warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..config import DEFAULT_MAX_BYTES
from ..errors import ImageTooLargeError, InputError
from .tiff import MAX_STRIP_EXCESS, MAX_TIFF_ENTRIES, MAX_TIFF_PAGES, TiffLayout, tiff_layout


@dataclass(frozen=True)
class LoadedImage:
    """The decoded input.

    rgb : (H, W, 3) uint8, read-only
    source : str   where it came from (path, "<stdin>" or "<array>")
    warnings : tuple of str   e.g. "used the first of 3 frames"
    page : 1-based page number when the picture comes from a PDF
    placement : (x0, y0, x1, y1) where the picture lies on its PDF page, in points
        from the page's top-left corner
    kind : "image" (a file, bytes or an array), "embedded" (an image inside a PDF
        page) or "page" (a PDF page rendered)
    lossy : True for a lossy encoding (JPEG), False for a lossless one (PNG, a
        rendered page), None when unknown (an array)
    """

    rgb: np.ndarray
    source: str
    warnings: tuple[str, ...] = ()
    page: int | None = None
    placement: tuple[float, float, float, float] | None = None
    kind: str = "image"
    lossy: bool | None = None

    def to_points(self, box) -> tuple[float, float, float, float] | None:
        """A box of this picture's pixels (x0, y0, x1, y1) on its PDF page, in
        points (None for a picture that is not from a PDF)."""
        if self.placement is None:
            return None
        px0, py0, px1, py1 = self.placement
        sx = (px1 - px0) / self.rgb.shape[1]
        sy = (py1 - py0) / self.rgb.shape[0]
        x0, y0, x1, y1 = box
        return (px0 + x0 * sx, py0 + y0 * sy, px0 + x1 * sx, py0 + y1 * sy)


#: Pillow formats whose encoding moves colours (the page is not exactly one colour).
LOSSY_FORMATS = ("JPEG", "MPO", "WEBP-LOSSY")


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True, order="C")  # never freeze (or alias) the caller's array
    a.setflags(write=False)
    return a


def from_array(array: np.ndarray, *, source: str = "<array>") -> LoadedImage:
    """Normalise a numpy image ((H, W), (H, W, 3) or (H, W, 4); uint8, uint16 or float in 0..1)."""
    a = np.asarray(array)
    if a.dtype.kind not in "uifb":
        raise InputError(f"expected an image array of numbers (uint8, uint16 or float); got dtype {a.dtype}")
    if a.ndim == 2:
        a = np.repeat(a[:, :, None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise InputError(f"expected an image array of shape (H, W), (H, W, 3) or (H, W, 4); got {a.shape}")
    if a.dtype == np.uint16:
        a = (a / 257.0).round().astype(np.uint8)
    elif a.dtype.kind == "f":
        a = (np.clip(a, 0, 1) * 255).round().astype(np.uint8)
    elif a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    if a.shape[2] == 4 and a[:, :, 3].min() == 255:  # opaque (most saved figures): drop alpha
        a = a[:, :, :3]
    elif a.shape[2] == 4:
        alpha = a[:, :, 3:4].astype(np.float32) / 255.0
        a = (a[:, :, :3] * alpha + 255.0 * (1 - alpha)).round().astype(np.uint8)
    if a.shape[0] < 8 or a.shape[1] < 8:
        raise InputError(f"expected a figure of at least 8x8 pixels; got {a.shape[1]}x{a.shape[0]}",
                         hint="give the whole figure, not a thumbnail")
    return LoadedImage(_readonly(a), source)


#: A JPEG's pixels (RGB bytes) are at most this many times its file size: a flat
#: white JPEG compresses about 100:1; more is a truncated file or a bomb.
JPEG_MAX_RATIO = 5000

#: The first bytes of the formats read: PNG, JPEG, TIFF (both byte orders, and
#: BigTIFF), BMP, GIF, WebP (RIFF....WEBP checked below).
_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+", b"BM",
          b"GIF87a", b"GIF89a", b"RIFF")


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse, before reading a byte, what is not a regular file of at most
    ``max_bytes``: a missing path, a folder, a FIFO or device (which would hang or
    never end), a symlink loop, a file too large."""
    import stat

    source = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(f"no such file: {source}", hint="check the path") from None
    except RuntimeError:  # a symlink loop (pathlib raises RuntimeError for it)
        raise InputError(f"{source} is a symlink loop; expected an image file") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            raise InputError(f"{source} is a symlink loop; expected an image file") from None
        if exc.errno == 36:  # ENAMETOOLONG
            raise InputError(f"the path {source[:80]}... is too long for this file system") from None
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{source} is a folder; expected an image file", hint="use `digitize batch` for folders")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{source} is not a regular file (a pipe, socket or device); expected an image file",
                         hint="save the image to a file, or pipe it to `digitize -`")
    if st.st_size > max_bytes:
        raise InputError(f"{source} is {st.st_size} bytes, over the limit of {max_bytes}",
                         hint="raise the limit with --max-bytes N")


def load_image(src, *, max_pixels: int, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedImage:
    """Decode a path, raw bytes, a binary file object, a PIL image or an array into
    RGB uint8, guarding size before decoding."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if isinstance(src, Image.Image):  # a notebook user's image at hand
        src = np.asarray(src.convert("RGB"))
    elif hasattr(src, "read") and not isinstance(src, (str, bytes, bytearray, os.PathLike)):
        data = src.read()
        if not isinstance(data, (bytes, bytearray)):
            raise InputError(f"expected a binary file object (opened with 'rb'); its read() gave "
                             f"{type(data).__name__}", hint="open the file in binary mode")
        src = bytes(data)
    if isinstance(src, np.ndarray):
        if src.ndim >= 2 and src.shape[0] * src.shape[1] > max_pixels:
            raise ImageTooLargeError(f"the array is {src.shape[1]}x{src.shape[0]} = {src.shape[0] * src.shape[1]} "
                                     f"pixels, over the limit of {max_pixels}")
        return from_array(src)
    if not isinstance(src, (str, os.PathLike, bytes, bytearray)):
        raise InputError(f"expected a path, bytes, a binary file object, a PIL image or an (H, W, 3) array; "
                         f"got {type(src).__name__}")

    if isinstance(src, (bytes, bytearray)):
        data, source = bytes(src), "<stdin>"
    else:
        if not str(src).strip():
            raise InputError("no file name given (an empty path); expected an image file")
        path = Path(src)
        source = str(path)
        check_file(path, max_bytes)
        try:
            data = path.read_bytes()
        except PermissionError:
            raise InputError(f"cannot read {source}: permission denied",
                             hint="check the file's permissions") from None
        except OSError as exc:
            raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None
    if not data:
        raise InputError(f"{source} is empty (0 bytes); expected an image")
    if not any(data.startswith(m) for m in _MAGIC):
        # only the formats promised are decoded: an EPS (handed to Ghostscript), a
        # PSD or an SVG named .png is refused by its first bytes, whatever its name
        kind = "a PDF" if data.startswith(b"%PDF-") else "not an image format digitize reads"
        raise InputError(f"{source} is {kind} (it starts with {data[:8]!r})")
    notes: list[str] = []
    tiff = _check_tiff(data, source, max_pixels) if data[:2] in (b"II", b"MM") else None
    old_limit = Image.MAX_IMAGE_PIXELS
    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("error", Image.DecompressionBombWarning)
            # our own limit (checked below, before decoding) stands for Pillow's, for the
            # whole decode: an image between Pillow's 89.5 MP and ours is no bomb
            Image.MAX_IMAGE_PIXELS = None
            im = Image.open(io.BytesIO(data))
            w, h = im.size
            fmt = im.format or ""
            if fmt == "WEBP" and not im.info.get("lossless"):
                fmt = "WEBP-LOSSY"
            if w * h > max_pixels:
                raise ImageTooLargeError(
                    f"{source} is {w}x{h} = {w * h:,} pixels, over the limit of {max_pixels:,}")
            if fmt == "JPEG" and w * h * 3 > JPEG_MAX_RATIO * len(data):
                raise InputError(f"{source} declares {w}x{h} pixels but holds only {len(data):,} bytes: "
                                 f"it is truncated (or built to exhaust memory)",
                                 hint="re-export the figure")
            # a TIFF's pages were counted from its bytes (Pillow visits each one)
            n_frames = tiff.pages if tiff is not None else getattr(im, "n_frames", 1)
            if n_frames > 1:
                more = "more than " if tiff is not None and n_frames > MAX_TIFF_PAGES else ""
                notes.append(f"the image has {more}{min(n_frames, MAX_TIFF_PAGES)} frames; used the first")
                if tiff is None:
                    im.seek(0)
            im = ImageOps.exif_transpose(im)
            rgb = _to_rgb(im)
    except (ImageTooLargeError, InputError):
        raise
    except UnidentifiedImageError:
        raise InputError(f"{source} is not an image Pillow can read "
                         f"(starts with {data[:8]!r})") from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise InputError(f"{source} could not be decoded: {exc}",
                         hint="the file may be truncated or corrupt; re-export it") from None
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit
    loaded = from_array(rgb, source=source)
    return LoadedImage(loaded.rgb, source, tuple(notes), lossy=fmt in LOSSY_FORMATS)


def _check_tiff(data: bytes, source: str, max_pixels: int) -> TiffLayout | None:
    """A TIFF's first page checked from its bytes, before Pillow parses its strip
    table: too large, or claiming far more strips or tiles than its size calls for
    (a table built to exhaust memory), or a directory of thousands of entries."""
    layout = tiff_layout(data)
    if layout is None:
        return None
    if layout.entries > MAX_TIFF_ENTRIES:
        raise InputError(f"{source} is a TIFF whose first page's directory holds {layout.entries:,} entries "
                         f"(at most {MAX_TIFF_ENTRIES:,} expected): malformed, or built to exhaust memory",
                         hint="re-export the figure")
    if layout.width * layout.height > max_pixels:
        raise ImageTooLargeError(f"{source} is {layout.width}x{layout.height} = {layout.width * layout.height:,} "
                                 f"pixels, over the limit of {max_pixels:,}")
    if layout.width * layout.height == 0 or layout.blocks > MAX_STRIP_EXCESS * layout.expected_blocks:
        raise InputError(f"{source} is a TIFF whose first page claims {layout.blocks:,} strips or tiles for "
                         f"{layout.width}x{layout.height} pixels (at most {layout.expected_blocks:,} expected): "
                         f"malformed, or built to exhaust memory", hint="re-export the figure")
    return layout


def _to_rgb(im) -> np.ndarray:
    """Any Pillow mode to RGB uint8, alpha composited on white."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):
        a = np.asarray(im, dtype=np.float64)
        hi = 65535.0 if a.max() > 255 else 255.0
        return np.clip(a / hi * 255.0, 0, 255).round().astype(np.uint8)
    if mode == "F":
        a = np.asarray(im, dtype=np.float64)
        if a.max() > 1.0:
            a = a / a.max()
        return (np.clip(a, 0, 1) * 255).round().astype(np.uint8)
    if mode == "P" and "transparency" in im.info:
        im = im.convert("RGBA")
    elif mode in ("LA", "PA"):
        im = im.convert("RGBA")
    if im.mode == "RGBA":
        return np.asarray(im)
    return np.asarray(im.convert("RGB"))
