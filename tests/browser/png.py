"""Just enough PNG decoding to tell a blank screenshot from one with content, without an imaging library.

Chromium writes 8-bit RGB or RGBA, not interlaced. :func:`pixels` undoes the row filters (PNG spec, section 9) and
returns the grey level of every pixel; :func:`grey_stddev` is their standard deviation, 0 for a blank page.
"""

from __future__ import annotations

import statistics
import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(data: bytes) -> dict[bytes, list[bytes]]:
    if not data.startswith(_SIGNATURE):
        raise ValueError("not a PNG")
    chunks: dict[bytes, list[bytes]] = {}
    offset = len(_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        chunks.setdefault(kind, []).append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return chunks


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def pixels(data: bytes) -> tuple[int, int, list[int]]:
    """Width, height and the grey level (0..255) of every pixel, row by row."""
    chunks = _chunks(data)
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, color type {color}, interlace {interlace}")
    bpp = 3 if color == 2 else 4
    stride = width * bpp
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    previous = bytearray(stride)
    grey: list[int] = []
    for row in range(height):
        start = row * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((x + y) & 0xFF for x, y in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, previous[i], up_left)) & 0xFF
        grey.extend((line[i] * 30 + line[i + 1] * 59 + line[i + 2] * 11) // 100 for i in range(0, stride, bpp))
        previous = line
    return width, height, grey


def grey_stddev(data: bytes) -> float:
    """The standard deviation of the screenshot's grey levels: 0 for a blank page, tens for a page with text."""
    _, _, grey = pixels(data)
    return statistics.pstdev(grey)
