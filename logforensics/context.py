"""The lines around evidence lines, read again from their input after the scan.

The scan leaves line marks (where a line starts, about every MARK_BYTES of content): the context of a group of
evidence lines is then read from the mark before it to the mark after it, by seeking in a plain file or picked from
the decompressed stream of a compressed or archived one. Without marks (or when the file changed since), one
streaming pass splits the chunks that hold a wanted line. Inputs read whole keep their lines: their context is
taken from those (:func:`context_in_lines`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from logforensics.blocks import chunks, read_blocks
from logforensics.ingest.discover import Found
from logforensics.model import TEXT_CAP

MARK_BYTES = 64 << 10
"""Distance between two line marks: reading the context of one evidence line reads about this much."""


@dataclass(frozen=True)
class LineMarks:
    """Byte offsets of line starts in an input's (decompressed) content, with the size and mtime of the file on disk
    when it was scanned (a changed file is not trusted)."""

    offsets: tuple[int, ...]
    lines: tuple[int, ...]
    """The 1-based number of the line that starts at each offset (ascending)."""
    size: int
    mtime_ns: int
    end: int
    """Bytes of content read by the scan (where the last stretch ends)."""
    seekable: bool
    """A plain file: stretches are read by seeking; otherwise they are picked from the decompressed stream."""


def marks_of(data: bytes) -> tuple[list[int], list[int], int]:
    """Marks about every MARK_BYTES of ``data`` (a chunk starting at a line start), as byte offsets and line numbers
    counted from the chunk's start, and its line count: newlines are counted piecewise, so this is the one pass that
    numbers the chunk's lines."""
    offsets: list[int] = []
    lines: list[int] = []
    counted = 0
    start = 0
    while True:
        offsets.append(start)
        lines.append(counted + 1)
        newline = data.find(b"\n", start + MARK_BYTES)
        if newline < 0:
            counted += data.count(b"\n", start)
            break
        counted += data.count(b"\n", start, newline + 1)
        start = newline + 1
        if start >= len(data):
            break
    return offsets, lines, counted + (0 if data.endswith(b"\n") else 1)


CONTEXT_RADIUS = 3


Context = dict[int, tuple[tuple[str, ...], tuple[str, ...]]]

_SEEK_READ_CAP = 64 << 20
"""Bytes read at most around one group of wanted lines (a giant line is cut in the context anyway)."""


def context_lines(
    found: Found, max_bytes: int, wanted: set[int], radius: int = CONTEXT_RADIUS, marks: LineMarks | None = None
) -> Context:
    """Up to ``radius`` lines before and after each wanted line number of ``found``.

    With the ``marks`` the scan left (and a file unchanged since), only the stretches around the wanted lines are
    read: by seeking in a plain file, picked from the decompressed stream otherwise (which stops after the last one).
    Without them, one more streaming pass splits the chunks holding a wanted line."""
    if not wanted:
        return {}
    if marks is not None:
        stat = found.path.stat()
        if (stat.st_size, stat.st_mtime_ns) == (marks.size, marks.mtime_ns):
            return _context_by_marks(found, max_bytes, wanted, radius, marks)
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    tail: list[str] = []
    offset = 0
    last_wanted = max(wanted)
    for data in chunks(read_blocks(found, max_bytes, [], charge=False), _ANY_LINE, _PASS_CHUNK_BYTES):
        count = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        low, high = offset + 1, offset + count
        open_after = [w for w, lines in after.items() if len(lines) < radius]
        if open_after or any(low <= w <= high for w in wanted):
            lines = _decode(data.split(b"\n")[:count])
            for w in open_after:
                after[w].extend(lines[: radius - len(after[w])])
            for w in (w for w in wanted if low <= w <= high):
                index = w - low
                before[w] = (tail + lines[:index])[-radius:]
                after[w] = lines[index + 1 : index + 1 + radius]
            tail = (tail + lines)[-radius:]
        else:
            tail = (tail + _decode(data.rstrip(b"\n").rsplit(b"\n", radius)[-radius:]))[-radius:]
        offset = high
        if offset >= last_wanted and all(len(v) >= radius for v in after.values()):
            break
    return {w: (tuple(before[w]), tuple(after.get(w, []))) for w in before}


_ANY_LINE = re.compile(rb"\n")
_PASS_CHUNK_BYTES = 16 << 20


def context_in_lines(lines: pl.DataFrame, wanted: set[int], radius: int = CONTEXT_RADIUS) -> Context:
    """The same from an input's lines already in memory (``line_no``, ``line``: GC logs and saved traces are read
    whole), without reading the input again."""
    numbers = {n for w in wanted for n in range(max(1, w - radius), w + radius + 1)}
    near = lines.filter(pl.col("line_no").is_in(sorted(numbers)))
    text = {n: line.rstrip("\r")[:TEXT_CAP] for n, line in zip(near["line_no"], near["line"], strict=True)}
    return {
        w: (
            tuple(text[n] for n in range(max(1, w - radius), w) if n in text),
            tuple(text[n] for n in range(w + 1, w + radius + 1) if n in text),
        )
        for w in wanted
        if w in text
    }


@dataclass(frozen=True)
class _Stretch:
    """Bytes [begin, stop) of the content, whose first line is number ``base``, holding the ``wanted`` lines."""

    begin: int
    stop: int
    base: int
    wanted: tuple[int, ...]


def _stretches(wanted: set[int], radius: int, marks: LineMarks) -> list[_Stretch]:
    """Wanted lines grouped when their contexts touch, each group with the marks around it."""
    groups: list[list[int]] = []
    for line in sorted(wanted):
        if groups and line - groups[-1][-1] <= 2 * radius + 1:
            groups[-1].append(line)
        else:
            groups.append([line])
    stretches: list[_Stretch] = []
    for group in groups:
        first, last = max(1, group[0] - radius), group[-1] + radius
        start = max(bisect.bisect_right(marks.lines, first) - 1, 0)
        end = bisect.bisect_right(marks.lines, last + 1)
        begin = marks.offsets[start]
        stop = marks.offsets[end] if end < len(marks.offsets) else marks.end
        stop = min(stop, begin + _SEEK_READ_CAP)
        if stretches and begin < stretches[-1].stop:  # the marks around two groups overlap: one stretch
            previous = stretches.pop()
            stop = min(max(previous.stop, stop), previous.begin + 2 * _SEEK_READ_CAP)
            stretches.append(_Stretch(previous.begin, stop, previous.base, previous.wanted + tuple(group)))
        else:
            stretches.append(_Stretch(begin, stop, marks.lines[start], tuple(group)))
    return stretches


def _context_by_marks(found: Found, max_bytes: int, wanted: set[int], radius: int, marks: LineMarks) -> Context:
    stretches = _stretches(wanted, radius, marks)
    if marks.seekable:
        with found.path.open("rb") as handle:
            datas = []
            for stretch in stretches:
                handle.seek(stretch.begin)
                datas.append(handle.read(stretch.stop - stretch.begin))
    else:
        datas = _picked(read_blocks(found, max_bytes, [], charge=False), stretches)
    context: Context = {}
    for stretch, data in zip(stretches, datas, strict=True):
        pieces = data.split(b"\n")
        if data.endswith(b"\n"):
            pieces.pop()  # what follows the last line end is not a line
        lines = _decode(pieces)
        for w in stretch.wanted:
            index = w - stretch.base
            if index < len(lines):
                context[w] = (
                    tuple(lines[max(index - radius, 0) : index]),
                    tuple(lines[index + 1 : index + 1 + radius]),
                )
    return context


def _picked(blocks: Iterable[bytes], stretches: list[_Stretch]) -> list[bytes]:
    """The bytes of each stretch (ascending, not overlapping) taken from a stream of blocks; stops after the last."""
    picked: list[list[bytes]] = [[] for _ in stretches]
    position = 0
    index = 0
    for block in blocks:
        end = position + len(block)
        while index < len(stretches):
            stretch = stretches[index]
            if stretch.begin >= end:
                break
            piece = block[max(stretch.begin - position, 0) : max(min(stretch.stop, end) - position, 0)]
            if piece:
                picked[index].append(piece)
            if stretch.stop > end:
                break
            index += 1
        position = end
        if index >= len(stretches):
            break
    return [b"".join(pieces) for pieces in picked]


def _decode(lines: list[bytes]) -> list[str]:
    return [line.decode("utf-8", errors="replace").rstrip("\r")[:TEXT_CAP] for line in lines]
