"""What both GC log layouts share: the line-rule record, the result record, the event rows and the expression helpers
(numbers with decimal commas, memory sizes, dates, durations)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from logforensics.model import GC_EVENTS_SCHEMA
from logforensics.strings import owned

UNIFIED = "gc_unified"
LEGACY = "gc_legacy"

COLLECTORS = ("G1", "Parallel", "CMS", "Serial", "ZGC", "Shenandoah", "unknown")

NUM = r"\d+(?:[.,]\d+)?"
MEM = rf"{NUM}[BKMGT]"
PARENS = r"\((?:[^()]|\(\))*\)"  # one parenthesised word group; allows the "()" of "System.gc()"
DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.,]\d+(?:[+-]\d\d:?\d\d|Z)?"
MAX_UPTIME_S = 1e10  # larger "uptimes" are junk; keeps datetime arithmetic in range
_MIN_YEAR, _MAX_YEAR = 1970, 2999  # a date stamp outside these years is junk (and would not fit a Python datetime)
EDGE_ROWS = 500  # lines at each end of a file whose stamps bound the log's time span


@dataclass(frozen=True)
class LineRule:
    """One line shape of a GC log: a Rust regex (as polars runs it) and a real line it must match."""

    name: str
    pattern: str
    sample: str
    """A line copied from the corpus (../shared/corpus/gc); tests assert that ``pattern`` matches it."""


def literal_alternation(literals: tuple[str, ...]) -> str:
    """One regex matching any of ``literals``: a single pass whose SIMD literal search is about as cheap as one
    ``contains(literal)``, instead of one pass per literal."""
    return "|".join(re.escape(literal) for literal in literals)


@dataclass(frozen=True)
class JvmRun:
    """One JVM run inside one GC log: the stamped lines between two drops of the JVM uptime (a restart)."""

    first_line: int
    last_line: int
    """The run's first and last stamped line or event line (1-based)."""
    first_up: float | None
    """The lowest uptime of the run (an event's start or a stamped line), seconds; None without uptimes."""
    last_up: float | None
    """The highest uptime of the run (an event's end or a stamped line), seconds."""
    jvm_start: dt.datetime | None
    """UTC wall clock of the run's uptime 0, from the file's own stamps (ts - uptime); None for uptime-only runs."""
    placed: bool
    """Every event of the run has a wall-clock time (its own stamps, or a JVM start given from outside)."""


@dataclass(frozen=True)
class GcParse:
    events: pl.DataFrame
    """Exactly GC_EVENTS_SCHEMA column names, order and dtypes; one row per STW pause, in file order. ``line`` and
    ``text`` are the pause's summary line (unified) or header line (legacy); ``ts`` and ``uptime_s`` its start."""
    collector: str
    """G1 | Parallel | CMS | Serial | ZGC | Shenandoah | unknown"""
    format: str
    """unified | legacy"""
    lines: int
    """Physical lines."""
    parsed_lines: int
    """Lines that belong to a recognised event (header or detail line) or are understood header lines."""
    unparsed_lines: int
    """``lines == parsed_lines + unparsed_lines``."""
    utc_offset: dt.timedelta | None
    """The JVM's zone offset when a ``time`` decoration / datestamp shows it."""
    jvm_start: dt.datetime | None
    """UTC wall clock of uptime 0 of the first JVM run in the file, derived from the file itself (ts - uptime)."""
    first_ts: dt.datetime | None
    last_ts: dt.datetime | None
    warnings: tuple[str, ...]
    span_s: float | None = None
    """Seconds of JVM run time the log covers (per JVM run from uptimes, else from wall stamps); None if unknown."""
    first_uptime_s: float | None = None
    """The lowest JVM uptime the log shows (an event's start or a stamped edge line), seconds; None without uptimes."""
    last_uptime_s: float | None = None
    """The highest JVM uptime the log shows (an event's end or a stamped edge line), seconds."""
    runs: tuple[JvmRun, ...] = ()
    """The JVM runs of the file in file order (one unless the uptime starts again inside the file)."""


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=GC_EVENTS_SCHEMA)


def format_name(layout: str | None) -> str:
    return "legacy" if layout in (LEGACY, "legacy") else "unified"


def prepare(lines: pl.DataFrame) -> pl.DataFrame:
    """``line_no`` (Int64) and ``line`` (String, no nulls). read_lines already strips CR; patterns tolerate one."""
    frame = lines.select(pl.col("line_no").cast(pl.Int64), pl.col("line").cast(pl.String))
    if frame.get_column("line").null_count():
        frame = frame.with_columns(pl.col("line").fill_null(""))
    return frame


def edges(frame: pl.DataFrame) -> pl.DataFrame:
    """The first and last ``EDGE_ROWS`` lines (``line_no``, ``line``): their stamps bound the log's time span."""
    if frame.height <= 2 * EDGE_ROWS:
        return frame.select("line_no", "line")
    return pl.concat([frame.head(EDGE_ROWS), frame.tail(EDGE_ROWS)]).select("line_no", "line")


# The columns every event row carries before placement.finish places it in time.
EVENT_COLUMNS = (
    "line_no",
    "line",
    "gc_id",
    "gc_type",
    "cause",
    "is_full",
    "is_pause",
    "pause_ms",
    "heap_before_kb",
    "heap_after_kb",
    "heap_total_kb",
    "end_stamped",
)

_EVENT_DTYPES: dict[str, pl.DataType] = {
    "gc_id": pl.Int64(),
    "gc_type": pl.String(),
    "cause": pl.String(),
    "is_full": pl.Boolean(),
    "is_pause": pl.Boolean(),
    "pause_ms": pl.Float64(),
    "heap_before_kb": pl.Float64(),
    "heap_after_kb": pl.Float64(),
    "heap_total_kb": pl.Float64(),
    "end_stamped": pl.Boolean(),
}


def event_rows(frame: pl.DataFrame, **columns: pl.Expr) -> pl.DataFrame:
    """``frame`` (with ``line_no`` and ``line``) as event rows: the given columns, the others null/False."""
    defaults: dict[str, pl.Expr] = {
        "gc_id": pl.lit(None, pl.Int64),
        "gc_type": pl.lit(None, pl.String),
        "cause": pl.lit(None, pl.String),
        "is_full": pl.lit(False),
        "is_pause": pl.lit(False),
        "pause_ms": pl.lit(None, pl.Float64),
        "heap_before_kb": pl.lit(None, pl.Float64),
        "heap_after_kb": pl.lit(None, pl.Float64),
        "heap_total_kb": pl.lit(None, pl.Float64),
        "end_stamped": pl.lit(True),
    }
    defaults.update(columns)
    return frame.select(
        pl.col("line_no").cast(pl.Int64),
        pl.col("line").cast(pl.String),
        *[defaults[name].cast(_EVENT_DTYPES[name]).alias(name) for name in EVENT_COLUMNS[2:]],
    )


def compact(frame: pl.DataFrame, keep: pl.Expr, *columns: str) -> pl.DataFrame:
    """``line_no``, ``line`` and ``columns`` of the rows where ``keep`` holds, the text copied into fresh buffers. A
    filtered string column points into the whole file's buffers: every later pass over the few rows kept would jump
    through hundreds of MB (a cache miss per row, 7x the cost of reading them in order) and keep the whole file
    alive."""
    return frame.filter(keep).select(*columns, "line_no", line=owned("line"))


def in_file_order(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The event rows of ``parts`` by line, rows of one line in the order of ``parts`` (a pause before its
    markers)."""
    return pl.concat(parts).with_row_index("_order").sort("line_no", "_order").drop("_order")


# --- expression helpers ------------------------------------------------------------------------------------------


def number(text: pl.Expr) -> pl.Expr:
    """A decimal written with a dot or a (locale) comma, as Float64; null when it is not one."""
    return text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


_UNIT_KB = {"B": 1.0 / 1024.0, "K": 1.0, "M": 1024.0, "G": 1024.0**2, "T": 1024.0**3}


def kb(text: pl.Expr) -> pl.Expr:
    """``18.9G``, ``3758.6K``, ``0.0B``... as KB."""
    value = number(text.str.slice(0, text.str.len_chars() - 1))
    unit = text.str.slice(-1).replace_strict(_UNIT_KB, default=None, return_dtype=pl.Float64)
    return value * unit


def pause_columns() -> dict[str, pl.Expr]:
    """The event columns of a pause line whose rule captured ``kind``, ``cause``, ``ms`` and the heap ``before``,
    ``after`` and ``total`` (unified pauses and Shenandoah's pauses in JDK 8 backports alike)."""
    return {
        "cause": pl.col("cause"),
        "is_full": pl.col("kind").str.starts_with("Pause Full"),
        "is_pause": pl.lit(True),
        "pause_ms": number(pl.col("ms")),
        "heap_before_kb": kb(pl.col("before")),
        "heap_after_kb": kb(pl.col("after")),
        "heap_total_kb": kb(pl.col("total")),
    }


def parse_date(text: pl.Expr) -> pl.Expr:
    """``2023-03-14T10:12:01.123+0100`` (or ``+01:00``, ``Z``, a decimal comma) as UTC ms."""
    normal = text.str.replace(",", ".", literal=True).str.replace(r"Z$", "+0000")
    parsed = normal.str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="ms", cache=False
    ).dt.convert_time_zone("UTC")
    return pl.when(parsed.dt.year().is_between(_MIN_YEAR, _MAX_YEAR)).then(parsed)


_OFFSET_RE = re.compile(r"([+-])(\d\d):?(\d\d)$")


def utc_offset(stamp: str | None) -> dt.timedelta | None:
    """The zone offset at the end of one date stamp (``...+0530``, ``...-08:00``, ``...Z``)."""
    if stamp is None:
        return None
    if stamp.endswith("Z"):
        return dt.timedelta(0)
    match = _OFFSET_RE.search(stamp)
    if match is None:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return dt.timedelta(minutes=-minutes if match.group(1) == "-" else minutes)


def sane_uptime(uptime: pl.Expr) -> pl.Expr:
    return pl.when(uptime.is_between(0.0, MAX_UPTIME_S)).then(uptime)


def ms_to_ts(epoch_ms: pl.Expr) -> pl.Expr:
    return epoch_ms.cast(pl.Datetime("ms"), strict=False).dt.replace_time_zone("UTC")


def epoch_ms_to_ts(epoch_ms: pl.Expr) -> pl.Expr:
    sane = pl.when(epoch_ms.is_between(0.0, 3e13)).then(epoch_ms)  # 1970 .. ~2920
    return ms_to_ts(sane.round().cast(pl.Int64, strict=False))


def ms_duration(ms: pl.Expr) -> pl.Expr:
    return (
        pl.when(ms.is_between(0.0, MAX_UPTIME_S)).then(ms).round().cast(pl.Int64, strict=False).cast(pl.Duration("ms"))
    )


def s_duration(seconds: pl.Expr) -> pl.Expr:
    return ms_duration(seconds * 1e3)


def as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)
