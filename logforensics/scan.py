"""One pass over one Flink log (or .out/.err): header-aligned chunks -> what the analysis keeps.

Memory stays flat in the file size: the bytes are read in chunks cut just before a record header (so no record is
split), each chunk is parsed in polars, digested and dropped. What survives a chunk:

- for every record: its time and level, folded into the source's counts, time span, per-minute counts and time gaps;
- for *candidates* only (records whose header holds one of the literals the analysis looks for, and every multi-line
  record: stack traces, diagnostics blocks): the classified events, the metrics the records carry, the exception
  groups (merged across chunks by signature) and the startup-banner lines. The records themselves are dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import pairwise

import polars as pl

from logforensics.blocks import chunks, hashed, header_boundary, read_blocks
from logforensics.catalogue.model import Catalogue
from logforensics.context import LineMarks, marks_of
from logforensics.ingest.discover import DEFAULT_LIMITS, Found, is_gzip
from logforensics.model import (
    EVENTS_SCHEMA,
    METRICS_SCHEMA,
    RECORDS_SCHEMA,
    UTC_MS,
    VERSION_SIGNAL,
    ExceptionGroup,
    SourceKind,
)
from logforensics.parsers.exceptions import group_exceptions, merge_groups
from logforensics.parsers.flink import BANNER_LITERALS, localize, parse_flink_lines, parse_plain
from logforensics.parsers.lines import ODDITIES, read_lines
from logforensics.parsers.metrics import KEEP_LITERALS as METRICS_LITERALS
from logforensics.parsers.metrics import extract_metrics
from logforensics.strings import compact
from logforensics.texts import EventTexts
from logforensics.timeline import classify_records

CHUNK_BYTES = 16 << 20
"""Target chunk size; a chunk ends at the first record header after it (or the next newline past 8 MiB more)."""
_BANNER_CAP = 50
DIGEST_BYTES = 48 << 20
"""Candidate records are classified and grouped in batches of about this size: per-call costs (one regex pass per
signal) then weigh little, and memory stays bounded."""
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


@dataclass(frozen=True)
class Digest:
    """What the analysis keeps of a set of records (a chunk, or a saved trace)."""

    events: pl.DataFrame
    """EVENTS_SCHEMA, classified by the catalogue (keys not yet normalised)."""
    metrics: pl.DataFrame
    """METRICS_SCHEMA, ``tm_id`` not yet filled."""
    exceptions: tuple[ExceptionGroup, ...]
    banner: pl.DataFrame
    """RECORDS_SCHEMA: the records that can tell the Flink version and the deployment."""
    texts: EventTexts
    """The events' texts, compressed (``events.text`` is null but for the version banner: see texts.py)."""


def digest(records: pl.DataFrame, kind: SourceKind, catalogue: Catalogue) -> Digest:
    records = records.with_columns(source_kind=pl.lit(str(kind)))
    events, texts = _texts_apart(classify_records(records, catalogue.signals.values()))
    return Digest(
        events=events,
        texts=texts,
        metrics=compact(extract_metrics(records.drop("source_kind"), {})),
        exceptions=group_exceptions(records.drop("source_kind")),
        # Lazy: the query stops once it has the first _BANNER_CAP records (5x faster on a jobmanager.log).
        banner=records.drop("source_kind")
        .lazy()
        .filter(
            pl.any_horizontal(
                pl.col(name).str.contains_any(list(BANNER_LITERALS)).fill_null(False)
                for name in ("logger", "message", "detail")
            )
        )
        .head(_BANNER_CAP)
        .collect()
        .pipe(compact),
    )


def _texts_apart(events: pl.DataFrame) -> tuple[pl.DataFrame, EventTexts]:
    """``events`` without their texts (but the version banner's, which the analysis reads), and the texts."""
    texts = EventTexts()
    for (source,), frame in events.partition_by("source", as_dict=True).items():
        texts.add(str(source), frame)
    inline = pl.col("kind") == VERSION_SIGNAL
    return compact(events.with_columns(text=pl.when(inline).then(pl.col("text")))), texts


@dataclass
class ScanResult:
    events: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=EVENTS_SCHEMA))
    metrics: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=METRICS_SCHEMA))
    exceptions: tuple[ExceptionGroup, ...] = ()
    banner: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=RECORDS_SCHEMA))
    texts: EventTexts = field(default_factory=EventTexts)
    """The texts of ``events`` (see texts.py)."""
    lines: int = 0
    records_total: int = 0
    unparsed_lines: int = 0
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    minute_counts: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=MINUTE_COUNTS_SCHEMA))
    gaps: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=GAPS_SCHEMA))
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    """Hash of the bytes read (decompressed), for provenance."""
    marks: LineMarks | None = None
    """Where lines start in the content, about every MARK_BYTES: the context of evidence lines is then read around
    them, not by reading the input again from its start."""


def keep_literals(catalogue: Catalogue) -> list[str]:
    """The literals a record's header must hold to be parsed whole, deduplicated: a signal's literal, or one that
    tells the startup banner (version, deployment) or a metric."""
    signal_literals = (literal for signal in catalogue.signals.values() for literal in signal.literals)
    return sorted({literal for literal in (*signal_literals, *BANNER_LITERALS, *METRICS_LITERALS) if literal})


@dataclass(frozen=True)
class _Chunk:
    """What one chunk leaves behind (see the module docstring)."""

    kept: pl.DataFrame
    """The candidate records (RECORDS_SCHEMA, UTC), digested later in batches of several chunks."""
    lines: int
    records_total: int
    unparsed_lines: int
    warnings: tuple[str, ...]
    minutes: pl.DataFrame | None = None
    gaps: pl.DataFrame | None = None
    """Silences inside the chunk."""
    first: tuple[dt.datetime, int] | None = None
    """(ts, line) of the chunk's first record with a time: to find a silence across the chunk boundary."""
    last: tuple[dt.datetime, int] | None = None
    """(latest ts, last line) of the chunk."""
    span: tuple[dt.datetime, dt.datetime] | None = None
    size: int = 0
    """Bytes of the chunk."""
    marks: tuple[list[int], list[int]] = ([], [])
    """Line marks (byte offset, line number) inside the chunk."""

    def shifted(self, lines: int, offset: int) -> _Chunk:
        """The chunk with its line numbers counted from the file's start (workers number from the chunk's start:
        a chunk's place is known only once the chunks before it are counted) and its kept records dropped."""
        return replace(
            self,
            kept=self.kept.clear(),
            gaps=self.gaps.with_columns(pl.col("line", "line_before") + lines) if self.gaps is not None else None,
            first=(self.first[0], self.first[1] + lines) if self.first else None,
            last=(self.last[0], self.last[1] + lines) if self.last else None,
            marks=([o + offset for o in self.marks[0]], [n + lines for n in self.marks[1]]),
        )


@dataclass(frozen=True)
class _Job:
    """How to read the chunks of one source."""

    label: str
    kind: SourceKind
    layout: str
    catalogue: Catalogue
    keep: list[str]
    tz: str | dt.timedelta
    date_hint: dt.date | None
    said: set[str] = field(default_factory=set)
    """Warnings some chunk already gave: later chunks do not look for them again (shared by the threads)."""


def _scan_chunk(job: _Job, data: bytes, first_chunk: bool) -> _Chunk:
    """One chunk, its lines numbered from 1 at its start (see ``_Chunk.shifted``)."""
    offsets, numbers, count = marks_of(data)
    chunk = _parse_chunk(job, data, first_chunk, count)
    return replace(chunk, size=len(data), marks=(offsets, numbers))


def _parse_chunk(job: _Job, data: bytes, first_chunk: bool, count: int) -> _Chunk:
    lines = read_lines(data, job.label, job.said)
    job.said.update(lines.warnings)
    frame = lines.frame
    if job.kind.is_plain:
        parsed = parse_plain(frame, job.label)
        kept = parsed.records.filter(pl.col("message").str.contains_any(job.keep) | pl.col("detail").is_not_null())
        return _Chunk(
            kept=compact(localize(kept, job.tz)),
            lines=count,
            records_total=parsed.records.height,
            unparsed_lines=parsed.unparsed_lines if first_chunk else 0,
            warnings=lines.warnings,
        )
    scanned = parse_flink_lines(frame, job.label, job.layout, keep=job.keep, date_hint=job.date_hint)
    del frame
    localized = localize(scanned.times, job.tz)
    nonexistent = localized.select((pl.col("ts").is_null() & pl.col("ts_local").is_not_null()).sum()).item()
    warnings = lines.warnings
    if nonexistent:
        warnings += (
            f"{nonexistent} records show a wall-clock time that does not exist in {job.tz} (the daylight-saving gap):"
            " they are kept without a time",
        )
    times = localized.select("ts", "line", "level").drop_nulls("ts")
    chunk = _Chunk(
        kept=compact(localize(scanned.records, job.tz)),
        lines=count,
        records_total=scanned.records_total,
        # Later chunks start at a header, except after a record larger than the search window (BLOCK_BYTES): its tail
        # opens the next chunk, and those are continuation lines, not unparsed ones.
        unparsed_lines=scanned.unparsed_lines if first_chunk else 0,
        warnings=warnings,
    )
    if times.height == 0:
        return chunk
    first_ts, last_ts, last_line = times.select(
        pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b"), pl.col("line").max().alias("c")
    ).row(0)
    return replace(
        chunk,
        minutes=times.group_by(pl.col("ts").dt.truncate("1m").alias("minute"), "level").agg(
            pl.len().cast(pl.Int64).alias("count")
        ),
        gaps=_gaps(times, None),
        first=(times["ts"][0], int(times["line"][0])),
        last=(last_ts, last_line),
        span=(first_ts, last_ts),
    )


def scan_source(
    found: Found,
    kind: SourceKind,
    layout: str | None,
    *,
    catalogue: Catalogue,
    keep: list[str],
    tz: str | dt.timedelta,
    max_bytes: int,
    max_ratio: float = DEFAULT_LIMITS.max_ratio,
    date_hint: dt.date | None = None,
    workers: int = 2,
) -> ScanResult:
    """Scan one Flink log (or, for plain kinds, a .out/.err or text file) in chunks; see the module docstring.

    polars runs most string operations of one column on one core, so ``workers`` chunks are parsed at once on
    threads (polars releases the GIL); the reader stays at most that many chunks ahead, so memory stays bounded."""
    warnings: list[str] = []
    job = _Job(found.label, kind, layout or "log4j2", catalogue, keep, tz, date_hint)
    boundary = header_boundary(None if kind.is_plain else layout)
    done: list[_Chunk] = []
    digests: list[Future[Digest]] = []
    batch: list[pl.DataFrame] = []
    batch_bytes = 0
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        running: deque[Future[_Chunk]] = deque()

        line_offset = byte_offset = 0

        def settle(future: Future[_Chunk]) -> None:
            nonlocal batch_bytes, line_offset, byte_offset
            chunk = future.result()
            done.append(chunk.shifted(line_offset, byte_offset))
            kept = chunk.kept.with_columns(pl.col("line") + line_offset)
            line_offset += chunk.lines
            byte_offset += chunk.size
            batch.append(kept)
            batch_bytes += int(kept.estimated_size())
            if batch_bytes >= DIGEST_BYTES:
                digests.append(pool.submit(digest, pl.concat(batch, rechunk=True), kind, catalogue))
                batch.clear()
                batch_bytes = 0

        seekable = found.reader is None and not is_gzip(found.path)
        stat = found.path.stat()
        hasher = hashlib.sha256()
        blocks = read_blocks(found, max_bytes, warnings, max_ratio)
        for index, data in enumerate(chunks(hashed(blocks, hasher), boundary, CHUNK_BYTES)):
            running.append(pool.submit(_scan_chunk, job, data, index == 0))
            del data
            while len(running) > workers:
                settle(running.popleft())
        while running:
            settle(running.popleft())
        if batch:
            digests.append(pool.submit(digest, pl.concat(batch, rechunk=True), kind, catalogue))
        results = [future.result() for future in digests]
    result = _combine(done, results, warnings)
    result.sha256 = hasher.hexdigest()
    if done:
        offsets = tuple(o for chunk in done for o in chunk.marks[0])
        numbers = tuple(n for chunk in done for n in chunk.marks[1])
        end = sum(chunk.size for chunk in done)
        result.marks = LineMarks(offsets, numbers, stat.st_size, stat.st_mtime_ns, end, seekable)
    return result


def _combine(done: list[_Chunk], digests: list[Digest], warnings: list[str]) -> ScanResult:
    """The chunks' results in file order, with the silences that straddle two chunks."""
    result = ScanResult()
    said = dict.fromkeys(w for chunk in done for w in chunk.warnings)
    # Two chunks are read at once, and an oddity is looked for until either says it: which chunk says it depends on
    # timing, so the oddities come last, in one order.
    warnings.extend(w for w in said if w not in warnings and w not in ODDITIES)
    warnings.extend(w for w in ODDITIES if w in said and w not in warnings)
    for chunk in done:
        result.lines += chunk.lines
        result.records_total += chunk.records_total
        result.unparsed_lines += chunk.unparsed_lines
    _fold(result, digests)
    timed = [chunk for chunk in done if chunk.span is not None]
    if timed:
        result.first_ts = min(c.span[0] for c in timed if c.span)
        result.last_ts = max(c.span[1] for c in timed if c.span)
        result.minute_counts = (
            pl.concat([c.minutes for c in timed if c.minutes is not None])
            .group_by("minute", "level")
            .agg(pl.col("count").sum())
            .sort("minute", "level")
            .cast(MINUTE_COUNTS_SCHEMA)  # type: ignore[arg-type]
        )
        gaps = [c.gaps for c in timed if c.gaps is not None]
        for before, after in pairwise(timed):
            if before.last and after.first:
                gaps.append(_gaps(pl.DataFrame({"ts": [after.first[0]], "line": [after.first[1]]}), before.last))
        result.gaps = pl.concat([g.cast(GAPS_SCHEMA) for g in gaps]).sort("line")  # type: ignore[arg-type]
    result.warnings = warnings
    return result


def _fold(result: ScanResult, digests: list[Digest]) -> None:
    if not digests:
        return
    result.events = pl.concat([d.events for d in digests], how="vertical")
    result.metrics = pl.concat([d.metrics for d in digests], how="vertical")
    result.exceptions = merge_groups([d.exceptions for d in digests])
    result.texts = EventTexts().update(d.texts for d in digests)
    result.banner = pl.concat([d.banner for d in digests], how="vertical").head(_BANNER_CAP)


def scan_records(
    records: pl.DataFrame, kind: SourceKind, catalogue: Catalogue, lines: int, unparsed: int
) -> ScanResult:
    """The same result for records parsed in one piece (saved exception traces)."""
    result = ScanResult(lines=lines, records_total=records.height, unparsed_lines=unparsed)
    _fold(result, [digest(records, kind, catalogue)])
    times = records.select(pl.col("ts").min().alias("a"), pl.col("ts").max().alias("b"))
    result.first_ts, result.last_ts = times.row(0)
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
