"""Read a file's lines into a polars frame, byte-safely, keeping line numbers.

Invalid UTF-8 becomes U+FFFD, CRLF and a BOM are stripped, empty lines come back as empty strings, NUL bytes and
very long lines are ordinary data. polars reads the lines as a one-column CSV whose separator is a byte that does
not occur in the file; when it does occur polars raises (it never truncates), and we retry with another byte.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import polars as pl

from logforensics.errors import InputError

LINES_SCHEMA: dict[str, pl.DataType] = {"line_no": pl.Int64(), "line": pl.String()}

# Content that polars' CSV reader takes for a compressed stream (gzip, zlib, zstd) and inflates on its own.
_COMPRESSION_MAGIC = (b"\x1f\x8b", b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda", b"\x28\xb5\x2f\xfd")

# Control bytes that real logs practically never contain, tried in order as the CSV separator.
_SEPARATORS = ("\x1f", "\x1e", "\x1d", "\x1c", "\x01", "\x02", "\x03", "\x04", "\x05", "\x06", "\x07")


@dataclass(frozen=True)
class Lines:
    frame: pl.DataFrame
    """Columns ``line_no`` (1-based) and ``line``."""
    warnings: tuple[str, ...] = ()


def read_lines(data: bytes, name: str) -> Lines:
    """Split ``data`` into lines. ``name`` is only used in messages."""
    if not data:
        return Lines(pl.DataFrame(schema=LINES_SCHEMA))
    warnings: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    separator = next((s for s in _SEPARATORS if s.encode() not in data), None)
    if separator is not None and not data.startswith(_COMPRESSION_MAGIC):
        frame = _read_with(data, separator, name)
    else:
        # Every candidate byte occurs (a binary file), or the bytes start like a compressed stream, which polars'
        # CSV reader would try to inflate: split without it.
        warnings.append("binary content: lines split without the CSV reader")
        text = data.decode("utf-8", errors="replace")
        frame = pl.DataFrame({"line": text.split("\n")}, schema={"line": pl.String()})
        if text.endswith("\n"):
            frame = frame.head(frame.height - 1)
        frame = frame.with_columns(pl.col("line").str.strip_suffix("\r"))
    frame = frame.with_columns(pl.col("line").fill_null("")).with_row_index("line_no", offset=1)
    frame = frame.with_columns(pl.col("line_no").cast(pl.Int64)).select(list(LINES_SCHEMA))
    return Lines(frame, tuple(warnings))


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
