"""A TIFF's layout read from its bytes before any decoder sees it: the first
page's size, how many strips or tiles it claims, and how many pages follow.

Pillow parses a page's whole strip table when it opens the file (12.5 million
strips: a minute and 4 GB before any size check) and counts pages by visiting
each in turn (100,000 pages: slower and slower). Here only the directory
entries are read, a few bytes each, so a TIFF built to exhaust memory or time is
refused, or its pages counted, in microseconds.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

#: Pages counted at most (one more means "more than this").
MAX_TIFF_PAGES = 1000
#: Directory entries a page may hold (a real page holds a few dozen).
MAX_TIFF_ENTRIES = 4096
#: A page's strips (or tiles) may number at most this many times what its size
#: and rows per strip (or tile size) call for (planar pages hold one set per sample).
MAX_STRIP_EXCESS = 8

_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8, 18: 8}


@dataclass(frozen=True)
class TiffLayout:
    """The first page's size, its strip (or tile) count and the count it calls
    for, its directory's entries, and the pages found (up to MAX_TIFF_PAGES + 1)."""

    width: int
    height: int
    blocks: int
    expected_blocks: int
    entries: int
    pages: int


def tiff_layout(data: bytes) -> TiffLayout | None:
    """The layout of a TIFF (classic or BigTIFF), or None when its header or first
    directory cannot be read (left to the decoder, which will say why)."""
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return None
    e = "<" if data[:2] == b"II" else ">"
    version = struct.unpack_from(e + "H", data, 2)[0]
    big = version == 43
    if version not in (42, 43) or (big and len(data) < 16):
        return None
    first = struct.unpack_from(e + "Q", data, 8)[0] if big else struct.unpack_from(e + "I", data, 4)[0]
    read = _entries(data, first, e, big)
    if read is None:
        return None
    entries, tags = read
    width, height = tags.get(256, 0), tags.get(257, 0)
    if 324 in tags:  # tiles
        tw, th = max(tags.get(322, 1), 1), max(tags.get(323, 1), 1)
        blocks, expected = tags[324], -(-width // tw) * -(-height // th)
    else:
        rows = max(min(tags.get(278, height) or height, max(height, 1)), 1)
        blocks, expected = tags.get(273, 0), -(-height // rows)
    expected *= max(tags.get(277, 1), 1) if tags.get(284, 1) == 2 else 1  # planar: one set per sample
    return TiffLayout(width, height, blocks, max(expected, 1), entries, _pages(data, first, e, big))


def _entries(data: bytes, offset: int, e: str, big: bool) -> tuple[int, dict[int, int]] | None:
    """The directory's entry count, and tag -> its single value, or its count for
    the offset tables (273, 324); no tags are read past MAX_TIFF_ENTRIES entries.
    Raises nothing: None for a directory past the end."""
    head, size = (8, 20) if big else (2, 12)
    if offset <= 0 or offset + head > len(data):
        return None
    n = struct.unpack_from(e + ("Q" if big else "H"), data, offset)[0]
    out: dict[int, int] = {}
    if n > MAX_TIFF_ENTRIES:
        return n, out
    for k in range(n):
        at = offset + head + k * size
        if at + size > len(data):
            break
        if big:
            tag, typ, count = struct.unpack_from(e + "HHQ", data, at)
            value_at = at + 12
        else:
            tag, typ, count = struct.unpack_from(e + "HHI", data, at)
            value_at = at + 8
        if tag in (273, 324):
            out[tag] = count
        elif count == 1 and typ in (3, 4, 16):
            fmt = {3: "H", 4: "I", 16: "Q"}[typ]
            out[tag] = struct.unpack_from(e + fmt, data, value_at)[0]
    return n, out


def _pages(data: bytes, first: int, e: str, big: bool) -> int:
    """Pages, by following the directories' next-page offsets (each directory's
    entry count and its last word only), up to MAX_TIFF_PAGES + 1; a loop ends it."""
    head, size, word = (8, 20, "Q") if big else (2, 12, "I")
    seen, at, n = set(), first, 0
    while 0 < at < len(data) and at not in seen and n <= MAX_TIFF_PAGES:
        seen.add(at)
        n += 1
        if at + head > len(data):
            break
        count = struct.unpack_from(e + ("Q" if big else "H"), data, at)[0]
        nxt = at + head + count * size
        if count > MAX_TIFF_ENTRIES or nxt + struct.calcsize(word) > len(data):
            break
        at = struct.unpack_from(e + word, data, nxt)[0]
    return n
