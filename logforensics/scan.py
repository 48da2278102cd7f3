"""One pass over one Flink log (or .out/.err): header-aligned chunks -> what the analysis keeps.

Memory stays flat in the file size: the bytes are read in chunks cut just before a record header (so no record is
split), each chunk is parsed in polars and dropped. What survives a chunk:

- for every record: its time and level, folded into the source's counts, time span, per-minute counts and time gaps;
- fully parsed records (RECORDS_SCHEMA) only for *candidates*: records whose lines hold one of the literals the
  analysis looks for (the signals' prefilters, banner and metrics markers), and every multi-line record (stack traces,
  diagnostics blocks), which the exception grouping needs. That is a small share of a real log.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import polars as pl

from logforensics.ingest.discover import Found, is_gzip
from logforensics.model import RECORDS_SCHEMA, UTC_MS
from logforensics.parsers.flink import localize, parse_flink_lines, parse_plain
from logforensics.parsers.layouts import LAYOUTS
from logforensics.parsers.lines import read_lines

CHUNK_BYTES = 64 << 20
"""Target chunk size; a chunk ends at the first record header after it (or the next newline past 8 MiB more)."""
_BLOCK = 8 << 20
GAP_SECONDS = 45.0
"""A silence longer than this in a log is a time gap (heartbeat.timeout defaults to 50 s)."""

MINUTE_COUNTS_SCHEMA: dict[str, pl.DataType] = {"minute": UTC_MS, "level": pl.String(), "count": pl.Int64()}
GAPS_SCHEMA: dict[str, pl.DataType] = {
    "ts": UTC_MS,  # the last record before the silence
    "ts_after": UTC_MS,
    "line": pl.Int64(),  # the first line after the silence
    "line_before": pl.Int64(),
    "seconds": pl.Float64(),
}


@dataclass
class ScanResult:
    records: pl.DataFrame
    """Candidate records only (RECORDS_SCHEMA), ``ts`` in UTC."""
    lines: int = 0
    records_total: int = 0
    unparsed_lines: int = 0
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    minute_counts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MINUTE_COUNTS_SCHEMA))
    gaps: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=GAPS_SCHEMA))
    warnings: list[str] = field(default_factory=list)


def _blocks(found: Found, max_bytes: int, warnings: list[str]) -> Iterator[bytes]:
    """The input's decompressed bytes in blocks, at most ``max_bytes`` in all."""
    if found.reader is not None:  # archive members, sections of dumps: their reader is already bounded
        read = found.read(max_bytes)
        warnings.extend(read.warnings)
        yield read.data
        return
    remaining = max_bytes
    if is_gzip(found.path):
        inflater = zlib.decompressobj(wbits=31)
        with found.path.open("rb") as raw:
            pending = b""
            while remaining > 0:
                chunk = pending or raw.read(1 << 20)
                pending = b""
                if not chunk:
                    if not inflater.eof:
                        warnings.append("gzip stream ends early (truncated file); kept what was inflated")
                    return
                try:
                    block = inflater.decompress(chunk, remaining)
                except zlib.error as exc:
                    warnings.append(f"gzip stream is damaged ({exc}); kept what was inflated before it")
                    return
                remaining -= len(block)
                if block:
                    yield block
                if inflater.unconsumed_tail:
                    pending = inflater.unconsumed_tail
                elif inflater.eof:
                    rest = inflater.unused_data or raw.read(1 << 20)
                    if not rest.strip(b"\0"):
                        return
                    inflater = zlib.decompressobj(wbits=31)  # the next member of a multi-member gzip
                    pending = rest
            if inflater.unconsumed_tail or raw.read(1):
                warnings.append(f"cut at --max-bytes ({max_bytes} bytes after decompression); the rest was not read")
        return
    with found.path.open("rb") as handle:
        while remaining > 0:
            block = handle.read(min(_BLOCK, remaining))
            if not block:
                return
            remaining -= len(block)
            yield block
        if handle.read(1):
            warnings.append(f"cut at --max-bytes ({max_bytes} bytes); the rest was not read")


def _header_bytes_regex(layout: str | None) -> re.Pattern[bytes]:
    """Where a chunk may end: before a line that starts a record (any line for layouts without one)."""
    if layout in LAYOUTS and layout not in ("json", "generic"):
        body = LAYOUTS[layout].header.lstrip("^")
        return re.compile(rb"\n(?=" + body.encode() + rb")")
    return re.compile(rb"\n")


def chunks(blocks: Iterable[bytes], boundary: re.Pattern[bytes], size: int = CHUNK_BYTES) -> Iterator[bytes]:
    """Regroup ``blocks`` into chunks of about ``size`` bytes that end right before a record header."""
    buffer = bytearray()
    for block in blocks:
        buffer += block
        while len(buffer) > size:
            match = boundary.search(buffer, size, size + _BLOCK)
            if match is None:
                if len(buffer) < size + _BLOCK:
                    break  # read more before deciding
                newline = buffer.find(b"\n", size)  # a giant record: cut at a line end
                if newline < 0:
                    break
                cut = newline + 1
            else:
                cut = match.start() + 1
            yield bytes(buffer[:cut])
            del buffer[:cut]
    if buffer:
        yield bytes(buffer)


def keep_pattern(literals: Iterable[str]) -> list[str]:
    """The literals a candidate record must hold, deduplicated (matched with Aho-Corasick, ``str.contains_any``)."""
    return sorted({literal for literal in literals if literal})


def scan_source(
    found: Found,
    layout: str | None,
    *,
    keep: list[str],
    tz: str | dt.timedelta,
    max_bytes: int,
    plain: bool = False,
    date_hint: dt.date | None = None,
) -> ScanResult:
    """Scan one Flink log (or, with ``plain``, a .out/.err file) in chunks; see the module docstring."""
    warnings: list[str] = []
    result = ScanResult(records=pl.DataFrame(schema=RECORDS_SCHEMA))
    kept: list[pl.DataFrame] = []
    minutes: list[pl.DataFrame] = []
    gaps: list[pl.DataFrame] = []
    last_header: tuple[dt.datetime, int] | None = None  # (ts, line) of the previous chunk's last record
    offset = 0
    boundary = _header_bytes_regex(None if plain else layout)
    first_chunk = True
    for data in chunks(_blocks(found, max_bytes, warnings), boundary):
        lines = read_lines(data, found.label)
        warnings.extend(w for w in lines.warnings if w not in warnings)
        frame = lines.frame.with_columns(pl.col("line_no") + offset)
        offset += lines.frame.height
        if plain:
            parsed = parse_plain(frame, found.label)
            result.records_total += parsed.records.height
            result.unparsed_lines += parsed.unparsed_lines if first_chunk else 0
            kept.append(
                parsed.records.filter(pl.col("message").str.contains_any(keep) | pl.col("detail").is_not_null())
            )
        else:
            scanned = parse_flink_lines(frame, found.label, layout or "log4j2", keep=keep, date_hint=date_hint)
            # Lines before the first header of a later chunk cannot happen: chunks start at a header.
            result.unparsed_lines += scanned.unparsed_lines
            result.records_total += scanned.records_total
            times = localize(scanned.times, tz).select("ts", "line", "level").drop_nulls("ts")
            kept.append(localize(scanned.records, tz))
            if times.height:
                minutes.append(
                    times.group_by(pl.col("ts").dt.truncate("1m").alias("minute"), "level").agg(
                        pl.len().cast(pl.Int64).alias("count")
                    )
                )
                gaps.append(_gaps(times, last_header))
                tail = times.select(pl.col("ts").max(), pl.col("line").max()).row(0)
                last_header = (tail[0], tail[1])
                first, last = times.select(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b")).row(0)
                result.first_ts = first if result.first_ts is None else min(result.first_ts, first)
                result.last_ts = last if result.last_ts is None else max(result.last_ts, last)
        first_chunk = False
    result.lines = offset
    if kept:
        result.records = pl.concat(kept, how="vertical")
    if plain:
        result.records = localize(result.records, tz)
    if minutes:
        result.minute_counts = (
            pl.concat(minutes).group_by("minute", "level").agg(pl.col("count").sum()).sort("minute", "level")
        ).cast(MINUTE_COUNTS_SCHEMA)  # type: ignore[arg-type]
    if gaps:
        result.gaps = pl.concat(gaps).cast(GAPS_SCHEMA)  # type: ignore[arg-type]
    result.warnings = warnings
    return result


def _gaps(times: pl.DataFrame, previous: tuple[dt.datetime, int] | None) -> pl.DataFrame:
    """Silences longer than GAP_SECONDS between consecutive records (in file order), this chunk and the last one."""
    ordered = times.select("ts", "line")
    if previous is not None:
        ordered = pl.concat(
            [pl.DataFrame({"ts": [previous[0]], "line": [previous[1]]}, schema=ordered.schema), ordered]
        )
    return (
        ordered.with_columns(
            ts_before=pl.col("ts").shift(1).cum_max(),
            line_before=pl.col("line").shift(1),
        )
        .with_columns(seconds=(pl.col("ts") - pl.col("ts_before")).dt.total_milliseconds() / 1000.0)
        .filter(pl.col("seconds") > GAP_SECONDS)
        .select(
            pl.col("ts_before").alias("ts"),
            pl.col("ts").alias("ts_after"),
            "line",
            "line_before",
            "seconds",
        )
    )
