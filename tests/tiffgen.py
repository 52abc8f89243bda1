"""Hand-written TIFFs for the hostile-input tests and the fuzz suite: a grey
page whose directory may claim any size, strip count or number of pages."""
from __future__ import annotations

import struct


def tiff_bytes(width: int, height: int, *, strips: int = 1, pages: int = 1, pixels: bytes | None = None) -> bytes:
    """A minimal grey TIFF (little-endian, classic): ``pages`` directories chained,
    each claiming ``strips`` strips (the first pointing at real pixels, the table
    itself left out when it would be larger than the file: only its count matters
    to a reader that checks before it reads)."""
    pixels = bytes(width * height) if pixels is None else pixels
    ifd_size = 2 + 7 * 12 + 4
    first = 8 + len(pixels)
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + pixels)
    for k in range(pages):
        at = first + k * ifd_size
        nxt = at + ifd_size if k + 1 < pages else 0
        entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (262, 3, 1, 1),
                   (273, 4, strips, 8), (278, 4, 1, height), (279, 4, 1, len(pixels))]
        out += struct.pack("<H", len(entries))
        for tag, typ, count, value in entries:
            out += struct.pack("<HHII", tag, typ, count, value) if typ == 4 else \
                struct.pack("<HHIHH", tag, typ, count, value, 0)
        out += struct.pack("<I", nxt)
    return bytes(out)
