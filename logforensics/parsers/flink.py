"""Flink log layouts: lines to records, vectorised in polars.

A header line starts with a timestamp and a level; every other line is a continuation (stack frame, ``Caused by:``,
the memory Preconfiguration block, YARN diagnostics) and belongs to the header above it (a cumulative sum of the
header flags). Lines before the first header are counted as unparsed. Only continuation lines are grouped (they are
few), and the header fields are cut with anchored expressions instead of a whole-line regex (see
../shared/reference/performance.md for the measurements behind this).

Layouts (each with a real sample line in tests/parsers/test_flink.py):
- ``log4j1`` (Flink <= 1.10): ``2020-04-01 10:00:00,123 INFO  org.apache.flink...TaskExecutor   - Received task``
- ``log4j2`` (Flink 1.11+):   ``2025-03-26 11:50:40,548 INFO  org.apache.flink...TaskManagerRunner [] - Starting``
Both tolerate a thread token after the level (``INFO  [74] org.apache...``), an unpadded logger, a ``T`` between date
and time and a dot before the milliseconds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

import polars as pl

from logforensics.model import RECORDS_SCHEMA
from logforensics.parsers.layouts import LAYOUTS, Layout, sniff_layout

__all__ = [
    "ChunkParse",
    "FlinkParse",
    "banner_facts",
    "localize",
    "parse_flink",
    "parse_flink_lines",
    "parse_plain",
    "sniff_layout",
]


@dataclass(frozen=True)
class FlinkParse:
    records: pl.DataFrame
    """RECORDS_SCHEMA; ``ts`` filled in by :func:`localize` (already filled for layouts that carry a zone)."""
    lines: int
    unparsed_lines: int
    """Lines before the first record header."""


@dataclass(frozen=True)
class ChunkParse:
    """A chunk of a log: every record's time, and the fully parsed records the caller keeps."""

    records: pl.DataFrame
    """RECORDS_SCHEMA: every record, or with ``keep`` only the candidates."""
    times: pl.DataFrame
    """``line``, ``ts_local``, ``ts`` (zoned layouts only) and ``level`` of every record."""
    records_total: int
    unparsed_lines: int


def parse_flink(
    lines: pl.DataFrame, source: str, layout: str = "log4j2", *, date_hint: dt.date | None = None
) -> FlinkParse:
    """Group ``lines`` (``line_no``, ``line``) into records of ``layout``. ``date_hint``: the date of the first record
    for layouts whose timestamps have no date (default 1970-01-01: times and spans stay right, the date does not)."""
    parsed = parse_flink_lines(lines, source, layout, date_hint=date_hint)
    return FlinkParse(parsed.records, lines.height, parsed.unparsed_lines)


def parse_flink_lines(
    lines: pl.DataFrame,
    source: str,
    layout: str = "log4j2",
    *,
    keep: list[str] | None = None,
    date_hint: dt.date | None = None,
) -> ChunkParse:
    """Records of ``lines``; with ``keep`` (literals) fully parse only the records whose header line holds one of
    them, and every multi-line record. Line numbers are taken from ``line_no`` as given."""
    if lines.height == 0:
        return ChunkParse(pl.DataFrame(schema=RECORDS_SCHEMA), pl.DataFrame(schema=_TIMES_SCHEMA), 0, 0)
    spec = LAYOUTS[layout]
    marked = lines.with_columns(is_header=pl.col("line").str.contains(spec.header)).with_columns(
        record=pl.col("is_header").cast(pl.Int64).cum_sum()
    )
    unparsed = int(marked.select((pl.col("record") == 0).sum()).item())
    last_line = int(lines["line_no"].max() or 0)  # type: ignore[arg-type]
    headers = marked.filter(pl.col("is_header")).select("record", "line_no", "line")
    continuation = marked.filter(~pl.col("is_header"))
    # Lines before the first header (the BashJavaUtils memory block of a startup, console noise) stay counted as
    # unparsed, and also form one record without a time (record 0), so that signals can still read them.
    preamble = continuation.filter(pl.col("record") == 0).head(1).select("record", "line_no", "line")
    continuation = continuation.join(preamble.select("line_no"), on="line_no", how="anti")
    if layout in ("json", "generic"):
        fields = _json_fields(headers) if layout == "json" else _generic_fields(headers)
        times = fields.select(pl.col("line_no").alias("line"), "ts_local", "ts", "level")
    else:
        fields = headers.with_columns(ts_local=_timestamp(spec, date_hint), level=_quick_level(spec))
        times = fields.select(
            pl.col("line_no").alias("line"), "ts_local", pl.lit(None, dtype=RECORDS_SCHEMA["ts"]).alias("ts"), "level"
        )
    if keep is not None:
        # Multi-line records are always kept, so only header lines need the literal scan (Aho-Corasick).
        wanted = pl.concat(
            [
                headers.filter(pl.col("line").str.contains(keep_regex(keep))).select("record"),
                continuation.select("record"),
            ]
        )["record"].unique()
        fields = fields.filter(pl.col("record").is_in(wanted.implode()))
        continuation = continuation.filter(pl.col("record").is_in(wanted.implode()))
    if layout not in ("json", "generic"):
        fields = _text_fields(fields, spec)
    if preamble.height:
        fields = pl.concat(
            [
                preamble.with_columns(
                    ts_local=pl.lit(None, dtype=pl.Datetime("ms")),
                    level=pl.lit(None, dtype=pl.String),
                    logger=pl.lit(None, dtype=pl.String),
                    message=pl.col("line"),
                    ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
                ),
                fields,
            ],
            how="diagonal_relaxed",
        )
    details = continuation.group_by("record", maintain_order=True).agg(detail=pl.col("line").str.join("\n"))
    if "_trace" in fields.columns:  # JSON layouts carry the stack trace in a field
        details = (
            fields.select("record", detail=pl.col("_trace"))
            .filter(pl.col("detail").is_not_null())
            .vstack(details.cast({"detail": pl.String}))
            .unique("record", keep="first", maintain_order=True)
        )
    starts = pl.concat([preamble.select("record", "line_no"), headers.select("record", "line_no")])
    next_header = starts.select("record", next_line=pl.col("line_no").shift(-1).fill_null(last_line + 1))
    records = (
        fields.join(details, on="record", how="left")
        .join(next_header, on="record", how="left")
        .with_columns(
            n_lines=(pl.col("next_line") - pl.col("line_no")).cast(pl.Int64),
            source=pl.lit(source),
            line=pl.col("line_no"),
        )
        .select(list(RECORDS_SCHEMA))
        .cast(RECORDS_SCHEMA)  # type: ignore[arg-type]
    )
    return ChunkParse(records, times.cast(_TIMES_SCHEMA), headers.height, unparsed)  # type: ignore[arg-type]


_TIMES_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.Int64(),
    "ts_local": pl.Datetime("ms"),
    "ts": RECORDS_SCHEMA["ts"],
    "level": pl.String(),
}


def _timestamp(spec: Layout, date_hint: dt.date | None) -> pl.Expr:
    stamp = pl.col("line").str.slice(0, spec.ts_width)
    if spec.ts_format.endswith(".%3f"):  # "." or "," before the milliseconds
        stamp = stamp.str.replace(",", ".", literal=True)
    if spec.date_from_context:
        return _time_only(stamp, spec.ts_format, date_hint)
    # No cache: a log's timestamps are nearly all distinct, and hashing them costs more than parsing them twice.
    return stamp.str.to_datetime(spec.ts_format, time_unit="ms", strict=False, cache=False)


def _quick_level(spec: Layout) -> pl.Expr:
    """The level: right after the timestamp for log4j-style layouts (a 7-character slice cut at its first space),
    after logback's [thread] otherwise."""
    if spec.name != "logback":
        # Five characters hold every level name (WARNING is the only longer one, and becomes WARN).
        return (
            pl.col("line")
            .str.slice(spec.ts_width + 1, 5)
            .str.strip_chars_end()
            .str.replace("WARNI", "WARN", literal=True)
        )
    head = pl.col("line").str.slice(spec.ts_width, 160).str.strip_chars_start()
    return _level(_after(head, "] ").str.strip_chars_start().str.splitn(" ", 2).struct.field("field_0"))


@functools.lru_cache(maxsize=8)
def _keep_regex(keep: tuple[str, ...]) -> str:
    return "|".join(re.escape(literal) for literal in keep)


def keep_regex(keep: list[str]) -> str:
    """The literals as one regex alternation: the Rust engine's literal prefilters beat Aho-Corasick here."""
    return _keep_regex(tuple(keep))


def _level(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr == "WARNING").then(pl.lit("WARN")).when(expr == "SEVERE").then(pl.lit("ERROR")).otherwise(expr)


def _after(text: pl.Expr, separator: str) -> pl.Expr:
    """What follows the first ``separator`` in ``text`` (null without one).

    Split, not ``str.find`` + ``str.slice``: find counts bytes and slice characters, so a thread name, an NDC or a
    replaced bad byte (U+FFFD: three bytes) before the separator would shift the cut."""
    return text.str.splitn(separator, 2).struct.field("field_1")


def _text_fields(headers: pl.DataFrame, spec: Layout) -> pl.DataFrame:
    """``[thread]? LEVEL [thread]? logger [ndc]? - message`` after the timestamp, cut at separators (see _after)."""
    parts = pl.col("line").str.splitn(" - ", 2)
    frame = headers.with_columns(_before=parts.struct.field("field_0"), _message=parts.struct.field("field_1"))
    frame = frame.with_columns(_head=pl.col("_before").str.slice(spec.ts_width).str.strip_chars())

    def past_thread(column: str) -> pl.Expr:
        """``column`` after a leading ``[thread] `` token."""
        text = pl.col(column)
        return pl.when(text.str.starts_with("[")).then(_after(text, "] ").str.strip_chars_start()).otherwise(text)

    # logback puts the thread before the level
    frame = frame.with_columns(_head=past_thread("_head"))
    # what follows the level ("" when nothing does)
    head = pl.col("_head")
    frame = frame.with_columns(
        _rest=pl.when(head.is_not_null()).then(_after(head, " ").fill_null("").str.strip_chars_start())
    )
    # vendor layouts put a [thread] token after the level
    frame = frame.with_columns(_rest=past_thread("_rest"))
    logger = pl.col("_rest").str.splitn(" ", 2).struct.field("field_0")
    dashed = pl.col("_message").is_not_null()
    return frame.with_columns(
        logger=pl.when(dashed & (logger != "") & ~logger.str.starts_with("[")).then(logger).otherwise(None),
        message=pl.when(dashed).then(pl.col("_message")).otherwise(pl.col("_rest")),
        ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
    )


def _time_only(stamp: pl.Expr, fmt: str, date_hint: dt.date | None) -> pl.Expr:
    """Times of day on ``date_hint``, a day later each time the clock goes back by more than 12 hours."""
    day = date_hint or dt.date(1970, 1, 1)
    time_of_day = stamp.str.to_time(fmt, strict=False, cache=False)
    millis = time_of_day.cast(pl.Int64) // 1_000_000
    rollover = (millis < millis.forward_fill().shift(1) - 12 * 3600 * 1000).fill_null(False).cast(pl.Int64).cum_sum()
    start = pl.lit(dt.datetime.combine(day, dt.time()), dtype=pl.Datetime("ms"))
    return start + pl.duration(milliseconds=millis + rollover * 86_400_000)


_JSON_TS = ("$['@timestamp']", "$.timestamp", "$.time", "$.ts", "$['date']")
_JSON_LEVEL = ("$['log.level']", "$.level", "$.severity")
_JSON_LOGGER = ("$['log.logger']", "$.loggerName", "$.logger_name", "$.logger")
_JSON_MESSAGE = ("$.message", "$.msg")
_JSON_TRACE = ("$['error.stack_trace']", "$.stack_trace", "$.exception", "$.thrown.extendedStackTrace")


def _json_path(paths: tuple[str, ...]) -> pl.Expr:
    return pl.coalesce([pl.col("line").str.json_path_match(path) for path in paths])


def _json_fields(headers: pl.DataFrame) -> pl.DataFrame:
    """JSON lines: fields by JSONPath; timestamps carry their zone, so ``ts`` is exact here."""
    epoch = pl.col("line").str.json_path_match("$.instant.epochSecond").cast(pl.Int64, strict=False)
    nanos = pl.col("line").str.json_path_match("$.instant.nanoOfSecond").cast(pl.Int64, strict=False)
    text_ts = _json_path(_JSON_TS)
    zoned = text_ts.str.to_datetime(time_unit="ms", time_zone="UTC", strict=False)
    from_epoch = pl.from_epoch(epoch * 1000 + nanos.fill_null(0) // 1_000_000, time_unit="ms").dt.replace_time_zone(
        "UTC"
    )
    trace = _json_path(_JSON_TRACE)
    return headers.with_columns(
        ts=pl.coalesce(zoned, from_epoch).cast(RECORDS_SCHEMA["ts"]),
        level=_level(_json_path(_JSON_LEVEL).str.to_uppercase()),
        logger=_json_path(_JSON_LOGGER),
        message=_json_path(_JSON_MESSAGE).fill_null(pl.col("line")),
        _trace=trace,
    ).with_columns(ts_local=pl.col("ts").dt.replace_time_zone(None))


_GENERIC = (
    r"^\[?(?P<stamp>\d{4}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?)(?P<zone>Z|[+-]\d\d:?\d\d)?\]?\s+"
    r"\[?(?P<level>TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)\]?:?\s*(?P<rest>.*)$"
)


def _generic_fields(headers: pl.DataFrame) -> pl.DataFrame:
    """Unknown layouts: a leading date-time and a level found by one regex (slower; reported as 'generic')."""
    parts = pl.col("line").str.extract_groups(_GENERIC)
    stamp = (
        parts.struct.field("stamp")
        .str.replace_all("/", "-", literal=True)
        .str.replace("T", " ", literal=True)
        .str.replace(",", ".", literal=True)
    )
    naive = pl.coalesce(
        stamp.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="ms", strict=False),
        stamp.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="ms", strict=False),
    )
    zone = parts.struct.field("zone")
    zoned = (stamp + zone.str.replace("Z", "+00:00", literal=True)).str.to_datetime(
        "%Y-%m-%d %H:%M:%S%.f%z", time_unit="ms", time_zone="UTC", strict=False
    )
    return headers.with_columns(
        ts_local=naive,
        ts=pl.when(zone.is_not_null()).then(zoned).otherwise(None).cast(RECORDS_SCHEMA["ts"]),
        level=_level(parts.struct.field("level")),
        logger=pl.lit(None, dtype=pl.String),
        message=parts.struct.field("rest"),
    )


def parse_plain(lines: pl.DataFrame, source: str) -> FlinkParse:
    """``.out``/``.err`` and other text without timestamps: a line that does not look like a stack-trace
    continuation starts a record. Records have no time (``ts`` null)."""
    total = lines.height
    if total == 0:
        return FlinkParse(pl.DataFrame(schema=RECORDS_SCHEMA), 0, 0)
    continuation = r"^(?:\s|at |Caused by:|Suppressed:|\.\.\. \d+ more|$)"
    marked = lines.with_columns(is_header=~pl.col("line").str.contains(continuation)).with_columns(
        record=pl.col("is_header").cast(pl.Int64).cum_sum()
    )
    unparsed = int(marked.select((pl.col("record") == 0).sum()).item())
    details = (
        marked.filter(~pl.col("is_header") & (pl.col("record") > 0))
        .group_by("record", maintain_order=True)
        .agg(detail=pl.col("line").str.join("\n"))
    )
    records = (
        marked.filter(pl.col("is_header"))
        .join(details, on="record", how="left")
        .with_columns(
            n_lines=(pl.col("line_no").shift(-1).fill_null(total + 1) - pl.col("line_no")).cast(pl.Int64),
            source=pl.lit(source),
            line=pl.col("line_no"),
            ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
            ts_local=pl.lit(None, dtype=RECORDS_SCHEMA["ts_local"]),
            level=pl.lit(None, dtype=pl.String),
            logger=pl.lit(None, dtype=pl.String),
            message=pl.col("line"),
        )
        .select(list(RECORDS_SCHEMA))
    )
    return FlinkParse(records, total, unparsed)


def localize(records: pl.DataFrame, tz: str | dt.timedelta) -> pl.DataFrame:
    """Fill ``ts`` (UTC) from the naive ``ts_local`` where the layout gave no zone: ``tz`` is an IANA zone name or a
    fixed UTC offset.

    Daylight-saving changes: in the hour that repeats in autumn, a time that goes back against the times before it is
    the second pass and takes the later instant; a time inside the spring gap does not exist, so it gets no instant
    (the scan says how many such records a source has)."""
    if records.height == 0:  # polars panics on a per-row ``ambiguous`` over an empty frame
        return records
    local = pl.col("ts_local")
    if isinstance(tz, dt.timedelta):
        utc = (local - pl.lit(tz)).dt.replace_time_zone("UTC")
    else:
        second_pass = (local < local.cum_max().shift(1)).fill_null(False)
        ambiguous = pl.when(second_pass).then(pl.lit("latest")).otherwise(pl.lit("earliest"))
        utc = local.dt.replace_time_zone(tz, ambiguous=ambiguous, non_existent="null").dt.convert_time_zone("UTC")
    return records.with_columns(ts=pl.coalesce(pl.col("ts"), utc.cast(RECORDS_SCHEMA["ts"])))


@dataclass(frozen=True)
class BannerFacts:
    version: str | None
    deployment: str
    """yarn | kubernetes | standalone | unknown"""


BANNER_LITERALS = ("(Version: ", "ResourceManager", "Entrypoint", "EntryPoint", "TaskExecutor runner", "flink-dist")
"""What a record must hold to tell :func:`banner_facts` something (the scan keeps only those)."""

_VERSION_RE = r"^\s*Starting .*\(Version: (\d+\.\d+(?:\.\d+)?)"
_JAR_VERSION_RE = r"flink-dist[^\s:\]]*:(\d+\.\d+(?:\.\d+)?)"
_DEPLOYMENTS = (
    ("yarn", r"YARN TaskExecutor runner|Yarn\w*(?:ClusterEntrypoint|ClusterEntryPoint)|YarnResourceManager|yarn\."),
    ("kubernetes", r"Kubernetes\w*(?:Entrypoint|TaskExecutor runner)|KubernetesResourceManager|kubernetes\."),
    (
        "standalone",
        r"StandaloneSession|Standalone\w*(?:Entrypoint|EntryPoint)|Starting TaskManager \(Version|"
        r"StandaloneResourceManager",
    ),
)


def banner_facts(records: pl.DataFrame | None) -> BannerFacts:
    """The Flink version (startup banner, else the flink-dist jar named in stack frames) and the deployment."""
    if records is None or records.height == 0:
        return BannerFacts(None, "unknown")
    version = records.select(pl.col("message").str.extract(_VERSION_RE, 1).drop_nulls().first()).item()
    if version is None:
        version = records.select(pl.col("detail").str.extract(_JAR_VERSION_RE, 1).drop_nulls().first()).item()
    text = pl.col("logger").fill_null("") + " " + pl.col("message").fill_null("")
    deployment = "unknown"
    for name, pattern in _DEPLOYMENTS:
        if records.select(text.str.contains(pattern).any()).item():
            deployment = name
            break
    return BannerFacts(version, deployment)
