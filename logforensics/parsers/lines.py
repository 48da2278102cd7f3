"""Read a file's lines into a polars frame, byte-safely, keeping line numbers.

Only LF ends a line, so that line numbers are those of ``grep -n`` and ``sed -n``: a CR before LF is stripped (CRLF),
a lone CR stays inside its line as data (JVM logs never end lines with a lone CR; progress bars in ``.out`` files
redraw with it). A UTF-8 BOM is stripped, empty lines come back as empty strings, NUL bytes are ordinary data, invalid
UTF-8 (a log in GBK or Latin-1) becomes U+FFFD. A line longer than ``MAX_LINE_BYTES`` keeps its first
``MAX_LINE_BYTES`` bytes. Each of these is said in ``Lines.warnings`` (words that do not depend on where a chunk of
the file starts, so that the warnings of a file read in chunks can be deduplicated).

polars reads the lines as a one-column CSV whose separator is a byte that does not occur in the file; when it does
occur polars raises (it never truncates), and we retry with another byte.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Container
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logforensics.errors import InputError
from logforensics.ingest.inflate import GZIP_MAGIC

LINES_SCHEMA: dict[str, pl.DataType] = {"line_no": pl.Int64(), "line": pl.String()}

MAX_LINE_BYTES = 64 << 20
"""Bytes kept of one line; the rest of a longer line is dropped with a warning (a bomb of zeros has no line end)."""

# Content that polars' CSV reader takes for a compressed stream (gzip, zlib, zstd) and inflates on its own.
COMPRESSION_MAGIC = (GZIP_MAGIC, b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x28\xb5\x2f\xfd")

# Control bytes that real logs practically never contain, tried in order as the CSV separator.
_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x01", "\x02", "\x03", "\x04", "\x05", "\x06", "\x07")

_REPLACEMENT = "\ufffd"
_LONE_CR = re.compile(rb"\r[^\n]")

INVALID_UTF8 = (
    "bytes that are not valid UTF-8 (a legacy encoding such as GBK or Latin-1?) were read as U+FFFD; the rest of "
    "each line is intact"
)
NUL_BYTES = "holds NUL bytes (kept as data: a crash or a preallocated file leaves runs of them)"
LONE_CR = (
    "holds carriage returns (CR) that are not followed by LF: only LF ends a line, so each CR stays inside its line"
)
NO_FINAL_EOL = "the last line has no line end: the file stops mid-line (cut short, or still being written)"
BINARY_SPLIT = "binary content: lines split without the CSV reader"
ODDITIES = (INVALID_UTF8, NUL_BYTES, LONE_CR, NO_FINAL_EOL)
"""What ``read_lines`` says of the bytes, last and in this order; the first three are looked for only until a chunk
of the file said them (``said``: the scan reads two chunks at once, so which one says them is a matter of timing)."""


def long_line(limit: int) -> str:
    return f"a line longer than {limit} bytes was cut to its first {limit} bytes; the rest of that line was not read"


@dataclass(frozen=True)
class Lines:
    frame: pl.DataFrame
    """Columns ``line_no`` (1-based) and ``line``."""
    warnings: tuple[str, ...] = ()


def read_lines(data: bytes, name: str, said: Container[str] = ()) -> Lines:
    """Split ``data`` into lines. ``name`` is only used in messages; warnings in ``said`` (already given for an
    earlier chunk of the same file) are not looked for again."""
    if not data:
        return Lines(pl.DataFrame(schema=LINES_SCHEMA))
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    data, cut = cap_lines(data, MAX_LINE_BYTES)
    if cut:
        warnings.append(long_line(MAX_LINE_BYTES))
    separator = next((s for s in _SEPARATORS if s.encode() not in data), None)
    if separator is not None and not data.startswith(COMPRESSION_MAGIC):
        frame = _read_with(data, separator, name)
    else:
        # Every candidate byte occurs (a binary file), or the bytes start like a compressed stream, which polars'
        # CSV reader would try to inflate: split without it.
        warnings.append(BINARY_SPLIT)
        text = data.decode("utf-8", errors="replace")
        frame = pl.DataFrame({"line": text.split("\n")}, schema={"line": pl.String()})
        if text.endswith("\n"):
            frame = frame.head(frame.height - 1)
        frame = frame.with_columns(pl.col("line").str.strip_suffix("\r"))
    frame = frame.with_columns(pl.col("line").fill_null("")).with_row_index("line_no", offset=1)
    frame = frame.with_columns(pl.col("line_no").cast(pl.Int64)).select(list(LINES_SCHEMA))
    warnings.extend(_oddities(data, frame, said))
    return Lines(frame, tuple(warnings))


def _oddities(data: bytes, frame: pl.DataFrame, known: Container[str] = ()) -> list[str]:
    """What the reader changed or what the bytes say about the file, besides splitting it (except ``known``)."""
    said: list[str] = []
    if INVALID_UTF8 not in known and _replaced_bytes(frame, lambda: data.count(_REPLACEMENT.encode())):
        said.append(INVALID_UTF8)
    if NUL_BYTES not in known and b"\0" in data:
        said.append(NUL_BYTES)
    if LONE_CR not in known and has_lone_cr(data):
        said.append(LONE_CR)
    if not data.endswith(b"\n"):
        said.append(NO_FINAL_EOL)
    return said


def has_lone_cr(data: bytes) -> bool:
    """Whether ``data`` holds a CR followed by another byte than LF (a CR at its very end is not judged: what follows
    it decides)."""
    return b"\r" in data and _LONE_CR.search(data) is not None


def _replaced_bytes(frame: pl.DataFrame, own: Callable[[], int]) -> bool:
    """Whether the reader replaced invalid UTF-8 in ``frame``'s lines: they hold more U+FFFD than the input itself
    (``own()``, only counted when the lines hold any)."""
    line = pl.col("line")
    if not frame.height or not frame.select(line.str.contains(_REPLACEMENT, literal=True).any()).item():
        return False
    return bool(frame.select(line.str.count_matches(_REPLACEMENT, literal=True).sum()).item() > own())


def cap_lines(data: bytes, limit: int) -> tuple[bytes, int]:
    """``data`` with every line longer than ``limit`` bytes cut to its first ``limit`` bytes, and how many were cut.

    Cheap for ordinary data: it looks for the last LF in windows of ``limit`` bytes (memrchr), not line by line."""
    if len(data) <= limit:
        return data, 0
    pieces: list[bytes | memoryview] = []
    view = memoryview(data)
    start = 0  # of the line being looked at
    kept = 0  # data[kept:start] is copied as is
    cut = 0
    while len(data) - start > limit:
        newline = data.rfind(b"\n", start, start + limit + 1)
        if newline >= 0:
            start = newline + 1
            continue
        pieces.append(view[kept : start + limit])
        cut += 1
        end = data.find(b"\n", start + limit)
        if end < 0:
            kept = start = len(data)
            break
        kept = start = end  # the LF that ends the long line is kept
    if not cut:
        return data, 0
    pieces.append(view[kept:])
    return b"".join(pieces), cut


def _read_with(data: bytes, separator: str, name: str) -> pl.DataFrame:
    try:
        return pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            separator=separator,
            quote_char=None,
            encoding="utf8-lossy",
            schema={"line": pl.String},
        )
    except pl.exceptions.NoDataError:
        return pl.DataFrame(schema={"line": pl.String()})
    except pl.exceptions.PolarsError as exc:  # pragma: no cover - defensive: polars refused the bytes
        raise InputError(f"{name}: could not split into lines: {exc}") from exc


def read_plain_file(path: Path) -> pl.DataFrame | None:
    """``line_no``, ``line`` of an uncompressed file, exactly as ``read_lines`` splits its bytes (the same CSV
    reading: BOM and CR before LF stripped, invalid UTF-8 as U+FFFD); None when only ``read_lines`` can split it (a
    line longer than ``MAX_LINE_BYTES``, or no byte free to serve as the CSV separator)."""
    for separator in _SEPARATORS:
        try:
            frame = pl.scan_csv(
                path,
                has_header=False,
                separator=separator,
                quote_char=None,
                encoding="utf8-lossy",
                schema={"line": pl.String},
            ).collect(engine="streaming")
        except pl.exceptions.NoDataError:
            return None
        except pl.exceptions.PolarsError:  # the separator occurs in the file: polars refuses (never truncates)
            continue
        if frame.height and (frame.select(pl.col("line").str.len_bytes().max()).item() or 0) > MAX_LINE_BYTES:
            return None
        return frame.select(
            pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("line_no"), pl.col("line").fill_null("")
        ).select(list(LINES_SCHEMA))
    return None


def read_file_lines(path: Path) -> tuple[Lines, str] | None:
    """What ``read_lines`` gives for the bytes of ``path`` (lines and warnings), and their SHA-256, without holding
    the bytes in Python: polars splits the file itself while one streaming pass hashes it and notes what
    ``read_lines`` would warn about. None when only ``read_lines`` can do it (see :func:`read_plain_file`, and a file
    starting like a compressed stream)."""
    with path.open("rb") as handle:
        head = handle.read(8).removeprefix(b"\xef\xbb\xbf")
    if head.startswith(COMPRESSION_MAGIC):
        return None
    frame = read_plain_file(path)
    if frame is None:
        return None
    digest = hashlib.sha256()
    nul = lone_cr = False
    last = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            nul = nul or b"\0" in block
            if not lone_cr and (b"\r" in block or last.endswith(b"\r")):
                lone_cr = has_lone_cr(last[-1:] + block)
            last = block
    warnings = [INVALID_UTF8] if _replaced_bytes(frame, lambda: _count_in_file(path, _REPLACEMENT.encode())) else []
    warnings += [NUL_BYTES] if nul else []
    warnings += [LONE_CR] if lone_cr else []
    warnings += [NO_FINAL_EOL] if last and not last.endswith(b"\n") else []
    return Lines(frame, tuple(warnings)), digest.hexdigest()


def _count_in_file(path: Path, needle: bytes) -> int:
    """Occurrences of ``needle`` in the file, read in blocks (an occurrence across two blocks counts once)."""
    count = 0
    tail = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            joined = tail + block
            count += joined.count(needle) - tail.count(needle)
            tail = joined[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return count
