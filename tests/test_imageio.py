"""Loading: every common raster flavour comes out as RGB uint8."""
import io

import numpy as np
import pytest
from PIL import Image

from digitize.errors import ImageTooLargeError, InputError
from digitize.sources.imageio import load_image


def _png(im: Image.Image, fmt="PNG", **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, format=fmt, **kw)
    return buf.getvalue()


def test_rgba_transparent_background_is_flattened_on_white():
    a = np.zeros((20, 20, 4), np.uint8)
    a[5:15, 5:15] = (255, 0, 0, 255)
    out = load_image(_png(Image.fromarray(a, "RGBA")), max_pixels=10**6).rgb
    assert tuple(out[0, 0]) == (255, 255, 255) and tuple(out[10, 10]) == (255, 0, 0)


def test_opaque_rgba_keeps_its_colours_exactly():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
    a = np.concatenate([rgb, np.full((12, 16, 1), 255, np.uint8)], axis=2)
    out = load_image(_png(Image.fromarray(a, "RGBA")), max_pixels=10**6).rgb
    assert np.array_equal(out, rgb) and out.flags.c_contiguous and not out.flags.writeable
    a[0, 0, 3] = 128  # one half-transparent pixel: composited on white, the rest unchanged
    out = load_image(_png(Image.fromarray(a, "RGBA")), max_pixels=10**6).rgb
    assert np.array_equal(out[1:], rgb[1:])
    assert np.abs(out[0, 0].astype(int) - (rgb[0, 0].astype(float) * 128 / 255 + 255 * 127 / 255)).max() <= 1


def test_sixteen_bit_greyscale():
    a = (np.arange(400).reshape(20, 20) * 160).astype(np.uint16)
    out = load_image(_png(Image.fromarray(a)), max_pixels=10**6).rgb
    assert out.dtype == np.uint8 and out.shape == (20, 20, 3)
    assert out[-1, -1, 0] > out[0, 0, 0]


def test_palette_image():
    im = Image.fromarray(np.full((16, 16, 3), (10, 200, 30), np.uint8)).convert("P", palette=Image.ADAPTIVE)
    out = load_image(_png(im), max_pixels=10**6).rgb
    assert tuple(out[3, 3]) == pytest.approx((10, 200, 30), abs=2)


def test_cmyk_jpeg():
    im = Image.fromarray(np.full((16, 16, 3), (200, 40, 40), np.uint8)).convert("CMYK")
    out = load_image(_png(im, "JPEG", quality=95), max_pixels=10**6).rgb
    assert out.shape == (16, 16, 3) and out[8, 8, 0] > 150


def test_exif_rotation_is_applied():
    a = np.zeros((10, 30, 3), np.uint8)
    im = Image.fromarray(a)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    out = load_image(_png(im, "JPEG", exif=exif), max_pixels=10**6).rgb
    assert out.shape[:2] == (30, 10)


def test_animated_gif_uses_first_frame_with_a_warning():
    frames = [Image.fromarray(np.full((12, 12, 3), c, np.uint8)) for c in (0, 255)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    loaded = load_image(buf.getvalue(), max_pixels=10**6)
    assert loaded.rgb[0, 0, 0] == 0 and "frames" in loaded.warnings[0]


@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "TIFF"])
def test_other_formats(fmt):
    im = Image.fromarray(np.full((16, 16, 3), (30, 60, 90), np.uint8))
    out = load_image(_png(im, fmt, **({"lossless": True} if fmt == "WEBP" else {})), max_pixels=10**6).rgb
    assert tuple(out[5, 5]) == (30, 60, 90)


def test_size_guard_before_decoding():
    im = Image.new("RGB", (200, 200))
    with pytest.raises(ImageTooLargeError, match="over the limit"):
        load_image(_png(im), max_pixels=1000)


def test_one_pixel_image_is_refused():
    with pytest.raises(InputError, match="at least 8x8"):
        load_image(_png(Image.new("RGB", (1, 1))), max_pixels=10**6)


def test_input_array_is_not_modified():
    a = np.full((20, 20, 3), 7, np.uint8)
    out = load_image(a, max_pixels=10**6).rgb
    assert not out.flags.writeable
    a[0, 0] = 9
    assert out[0, 0, 0] == 7


def test_multipage_tiff_uses_first_page_with_a_warning():
    pages = [Image.fromarray(np.full((12, 12, 3), c, np.uint8)) for c in (40, 200)]
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:])
    loaded = load_image(buf.getvalue(), max_pixels=10**6)
    assert loaded.rgb[0, 0, 0] == 40 and loaded.warnings and "frames" in loaded.warnings[0]


def test_truncated_jpeg_is_an_input_error():
    im = Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 300, 3), dtype=np.uint8))
    data = _png(im, "JPEG", quality=90)
    with pytest.raises(InputError):
        load_image(data[: len(data) // 3], max_pixels=10**6)
