"""Reading a GC log's lines: one decision for ``analyze`` and ``logforensics gc`` alike.

GC logs are read whole. A plain file on disk is split by polars straight from the file, in parallel, with no copy of
its bytes in Python (about half the time of reading the bytes and splitting them); everything else (a member of an
archive, a section of a YARN dump, a ``.gz`` file, a file larger than the byte limit, a file polars cannot split) goes
through the input's own bounded reader and :func:`~logforensics.parsers.lines.read_lines`. Both give the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from logforensics.parsers.lines import COMPRESSION_MAGIC, read_file_lines, read_lines, read_plain_file

if TYPE_CHECKING:
    from logforensics.ingest.source import Found

NOT_HOTSPOT = "an OpenJ9 / IBM J9 verbose:gc XML log: not a HotSpot GC log, not supported (only HotSpot logs are read)"


def refusal(head: bytes) -> str | None:
    """Why a file that looks like a GC log is refused, or None."""
    text = head[:4096].decode("utf-8", errors="replace")
    if "<verbosegc" in text or "<af type=" in text or "<gc-op " in text or "<cycle-start " in text:
        return NOT_HOTSPOT
    return None


@dataclass(frozen=True)
class GcLines:
    frame: pl.DataFrame
    """``line_no``, ``line`` as ``read_lines`` splits the input."""
    warnings: tuple[str, ...]
    """What reading found odd (invalid UTF-8, NUL bytes, a cut last line...); empty when not looked for."""
    sha256: str
    """The hash of the bytes; empty when not asked for."""


def plain_file(found: Found, max_bytes: int) -> Path | None:
    """The file on disk that polars can split directly for ``found``, or None: an input with a reader of its own
    (archive member, YARN section, pod), a ``.gz`` file (it has an inflating budget), a file starting like a
    compressed stream, an empty file or one larger than ``max_bytes`` (the bounded reader says what it cut)."""
    if found.reader is not None or found.budget is not None:
        return None
    try:
        size = found.path.stat().st_size
        with found.path.open("rb") as handle:
            head = handle.read(8).removeprefix(b"\xef\xbb\xbf")
    except OSError:
        return None  # the ordinary read says why
    if not 0 < size <= max_bytes or head.startswith(COMPRESSION_MAGIC):
        return None
    return found.path


def read_gc_lines(found: Found, max_bytes: int, *, checksum: bool = True) -> GcLines:
    """The lines of ``found`` (at most ``max_bytes`` of it). ``checksum``: hash the bytes and look for what reading
    found odd (``analyze`` reports both; ``logforensics gc`` neither). Raises what ``found.read`` raises
    (InputError, OSError) when the input cannot be read."""
    path = plain_file(found, max_bytes)
    if path is not None:
        try:
            if checksum:
                read = read_file_lines(path)
                if read is not None:
                    return GcLines(read[0].frame, read[0].warnings, read[1])
            else:
                frame = read_plain_file(path)
                if frame is not None:
                    return GcLines(frame, (), "")
        except OSError:
            pass  # the ordinary read says why
    data = found.read(max_bytes)
    lines = read_lines(data.data, found.label)
    return GcLines(lines.frame, data.warnings + lines.warnings, data.sha256)
