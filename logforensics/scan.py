"""One pass over one Flink log (or .out/.err): header-aligned chunks -> what the analysis keeps.

Memory stays flat in the file size: the bytes are read in chunks cut just before a record header (so no record is
split), each chunk is parsed in polars, digested and dropped. What survives a chunk:

- for every record: its time and level, folded into the source's counts, time span, per-minute counts and time gaps;
- for *candidates* only (records whose header holds one of the literals the analysis looks for, and every multi-line
  record: stack traces, diagnostics blocks): the classified events, the metrics the records carry, the exception
  groups (merged across chunks by signature) and the startup-banner lines. The records themselves are dropped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import re
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import pairwise

import polars as pl

from logforensics.catalogue.model import Catalogue
from logforensics.errors import InputError
from logforensics.ingest.discover import DEFAULT_LIMITS, Found, budget_cut, budget_limit, is_gzip
from logforensics.ingest.inflate import ERRORS as INFLATE_ERRORS
from logforensics.ingest.inflate import gzip_inflater
from logforensics.ingest.streams import RATIO_SLACK, ratio_message
from logforensics.model import (
    EVENTS_SCHEMA,
    METRICS_SCHEMA,
    RECORDS_SCHEMA,
    TEXT_CAP,
    UTC_MS,
    ExceptionGroup,
    SourceKind,
)
from logforensics.parsers.exceptions import group_exceptions, merge_groups
from logforensics.parsers.flink import BANNER_LITERALS, localize, parse_flink_lines, parse_plain
from logforensics.parsers.layouts import LAYOUTS
from logforensics.parsers.lines import read_lines
from logforensics.parsers.metrics import extract_metrics
from logforensics.timeline import classify_records

CHUNK_BYTES = 16 << 20
"""Target chunk size; a chunk ends at the first record header after it (or the next newline past 8 MiB more)."""
_BLOCK = 8 << 20
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


def compact(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its strings copied into buffers of their own.

    A polars string that was sliced, filtered or extracted from a longer one is a view into the buffer of all the
    original strings, and keeps it alive: the events of a chunk would hold the whole chunk's text (measured: a 1 GiB
    log kept ~0.8 GB alive this way). What outlives its chunk is copied; that costs time in proportion to what is
    kept, which is little."""
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings or frame.height == 0:
        return frame
    return frame.with_columns(pl.concat_str(pl.col(name), pl.lit("")).alias(name) for name in strings)


def digest(records: pl.DataFrame, kind: SourceKind, catalogue: Catalogue) -> Digest:
    records = records.with_columns(source_kind=pl.lit(str(kind)))
    return Digest(
        events=compact(classify_records(records, catalogue.signals.values())),
        metrics=compact(extract_metrics(records.drop("source_kind"), {})),
        exceptions=group_exceptions(records.drop("source_kind")),
        banner=records.drop("source_kind")
        .filter(
            (
                pl.col("logger").fill_null("")
                + " "
                + pl.col("message").fill_null("")
                + " "
                + pl.col("detail").fill_null("")
            ).str.contains_any(list(BANNER_LITERALS))
        )
        .head(_BANNER_CAP)
        .pipe(compact),
    )


@dataclass
class ScanResult:
    events: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=EVENTS_SCHEMA))
    metrics: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=METRICS_SCHEMA))
    exceptions: tuple[ExceptionGroup, ...] = ()
    banner: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=RECORDS_SCHEMA))
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
    """Where lines start in the file, about every MARK_BYTES (plain files read from disk only): the context of
    evidence lines is then read by seeking, not by reading the file again from its start."""


def _blocks(
    found: Found,
    max_bytes: int,
    warnings: list[str],
    max_ratio: float = DEFAULT_LIMITS.max_ratio,
    *,
    charge: bool = True,
) -> Iterator[bytes]:
    """The input's decompressed bytes in blocks, at most ``max_bytes`` in all. A gzip file whose inflated bytes
    outgrow ``max_ratio`` times the compressed bytes read is a bomb: reading stops with an InputError. With
    ``charge``, a gzip's inflated bytes are taken from its budget (``max_total_bytes``); reading it again for the
    evidence's context does not charge twice."""
    if found.reader is not None:  # archive members, sections of dumps: their reader is already bounded
        read = found.read(max_bytes)
        warnings.extend(read.warnings)
        yield read.data
        return
    remaining = max_bytes
    if is_gzip(found.path):
        budget = found.budget if charge else None
        remaining = limit = budget_limit(budget, max_bytes)
        inflater = gzip_inflater()
        compressed = inflated = 0
        with found.path.open("rb") as raw:
            pending = b""
            while remaining > 0:
                chunk = pending or raw.read(1 << 20)
                if not pending:
                    compressed += len(chunk)  # bytes taken from the file (a re-fed tail was counted when read)
                pending = b""
                if not chunk:
                    if not inflater.eof:
                        warnings.append("gzip stream ends early (truncated file); kept what was inflated")
                    return
                try:
                    block = inflater.decompress(chunk, min(remaining, _BLOCK))  # bounded per call: bombs stop early
                    inflated += len(block)
                    if inflated > max_ratio * compressed + RATIO_SLACK:
                        raise InputError(ratio_message(max_ratio, inflated, compressed))
                except INFLATE_ERRORS as exc:
                    warnings.append(f"gzip stream is damaged ({exc}); kept what was inflated before it")
                    return
                remaining -= len(block)
                if budget is not None:
                    budget.take(len(block))
                if block:
                    yield block
                if inflater.unconsumed_tail:
                    pending = inflater.unconsumed_tail
                elif inflater.eof:
                    rest = inflater.unused_data or raw.read(1 << 20)
                    if not rest.strip(b"\0"):
                        return
                    inflater = gzip_inflater()  # the next member of a multi-member gzip
                    pending = rest
            if inflater.unconsumed_tail or raw.read(1):
                if budget is not None and limit < max_bytes:
                    warnings.append(budget_cut(budget, inflated))
                else:
                    warnings.append(
                        f"cut at --max-bytes ({max_bytes} bytes after decompression); the rest was not read"
                    )
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


def chunks(blocks: Iterable[bytes], boundary: re.Pattern[bytes], size: int | None = None) -> Iterator[bytes]:
    """Regroup ``blocks`` into chunks of about ``size`` bytes that end right before a record header.

    The cut is searched in the newest block only, and each chunk is joined once (one copy of its bytes)."""
    size = size or CHUNK_BYTES
    pending: list[bytes] = []
    held = 0
    for block in blocks:
        pending.append(block)
        held += len(block)
        while held > size:
            cut = _cut(pending, held, size, boundary)
            if cut is None:
                break  # read more before deciding
            last = pending[-1]
            start_of_last = held - len(last)
            if cut <= start_of_last:  # the boundary fell on the previous block's last newline
                head, rest = b"".join(pending[:-1]), last
                rest = head[cut:] + rest if cut < start_of_last else rest
                yield head[:cut]
            else:
                yield b"".join([*pending[:-1], last[: cut - start_of_last]])
                rest = last[cut - start_of_last :]
            pending = [rest] if rest else []
            held = len(rest)
    if held:
        yield b"".join(pending)


def _cut(pending: list[bytes], held: int, size: int, boundary: re.Pattern[bytes]) -> int | None:
    """Offset in the joined blocks where a chunk of about ``size`` bytes should end, or None to read on."""
    last = pending[-1]
    start_of_last = held - len(last)
    start = max(size - start_of_last - 1, 0)  # include the newline that may end the previous block
    window = (pending[-2][-1:] if len(pending) > 1 and start == 0 else b"") + last
    shift = start_of_last - (len(window) - len(last))
    match = boundary.search(window, start + (len(window) - len(last)))
    if match is not None:
        return shift + match.start() + 1
    if held - size < _BLOCK:
        return None
    newline = last.rfind(b"\n")  # a giant record: cut at a line end
    return start_of_last + newline + 1 if newline >= 0 else None


def keep_pattern(literals: Iterable[str]) -> list[str]:
    """The literals a candidate record must hold, deduplicated (matched with Aho-Corasick, ``str.contains_any``)."""
    return sorted({literal for literal in literals if literal})


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
    marks: tuple[list[int], list[int]] = ([], [])
    count = _marks_of(data, 0, 0, marks)
    chunk = _parse_chunk(job, data, first_chunk)
    return replace(chunk, lines=count, size=len(data), marks=marks)


def _parse_chunk(job: _Job, data: bytes, first_chunk: bool) -> _Chunk:
    lines = read_lines(data, job.label, job.said)
    job.said.update(lines.warnings)
    frame = lines.frame
    if job.kind.is_plain:
        parsed = parse_plain(frame, job.label)
        kept = parsed.records.filter(pl.col("message").str.contains_any(job.keep) | pl.col("detail").is_not_null())
        return _Chunk(
            kept=compact(localize(kept, job.tz)),
            lines=frame.height,
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
        lines=lines.frame.height,
        records_total=scanned.records_total,
        # Later chunks start at a header, except after a record larger than the search window (_BLOCK): its tail
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
    end: int = 0
    """Bytes of content read by the scan (where the last stretch ends)."""
    seekable: bool = True
    """A plain file: stretches are read by seeking; otherwise they are picked from the decompressed stream."""


def _marks_of(data: bytes, byte_offset: int, line_offset: int, into: tuple[list[int], list[int]]) -> int:
    """Append a mark about every MARK_BYTES of ``data`` (a chunk starting at a line start) and return its line
    count: newlines are counted piecewise, so this is the one pass that numbers the chunk's lines."""
    offsets, lines = into
    counted = 0
    start = 0
    while True:
        offsets.append(byte_offset + start)
        lines.append(line_offset + counted + 1)
        newline = data.find(b"\n", start + MARK_BYTES)
        if newline < 0:
            counted += data.count(b"\n", start)
            break
        counted += data.count(b"\n", start, newline + 1)
        start = newline + 1
        if start >= len(data):
            break
    return counted + (0 if data.endswith(b"\n") else 1)


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
    boundary = _header_bytes_regex(None if kind.is_plain else layout)
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
                digests.append(pool.submit(digest, pl.concat(batch), kind, catalogue))
                batch.clear()
                batch_bytes = 0

        seekable = found.reader is None and not is_gzip(found.path)
        stat = found.path.stat()
        hasher = hashlib.sha256()
        blocks = _blocks(found, max_bytes, warnings, max_ratio)
        for index, data in enumerate(chunks(_hashed(blocks, hasher), boundary)):
            running.append(pool.submit(_scan_chunk, job, data, index == 0))
            del data
            while len(running) > workers:
                settle(running.popleft())
        while running:
            settle(running.popleft())
        if batch:
            digests.append(pool.submit(digest, pl.concat(batch), kind, catalogue))
        results = [future.result() for future in digests]
    result = _combine(done, results, warnings)
    result.sha256 = hasher.hexdigest()
    if done:
        offsets = tuple(o for chunk in done for o in chunk.marks[0])
        numbers = tuple(n for chunk in done for n in chunk.marks[1])
        end = sum(chunk.size for chunk in done)
        result.marks = LineMarks(offsets, numbers, stat.st_size, stat.st_mtime_ns, end, seekable)
    return result


def _hashed(blocks: Iterable[bytes], hasher: hashlib._Hash) -> Iterator[bytes]:
    for block in blocks:
        hasher.update(block)
        yield block


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
    for data in chunks(_blocks(found, max_bytes, [], charge=False), _ANY_LINE):
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
        datas = _picked(_blocks(found, max_bytes, [], charge=False), stretches)
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


def _combine(done: list[_Chunk], digests: list[Digest], warnings: list[str]) -> ScanResult:
    """The chunks' results in file order, with the silences that straddle two chunks."""
    result = ScanResult()
    for chunk in done:
        warnings.extend(w for w in chunk.warnings if w not in warnings)
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
