"""Metrics that Flink writes into its own logs, as METRICS_SCHEMA rows; vectorised in polars.

Two writers are understood (format strings checked against apache/flink's sources):

``MemoryLogger`` (``taskmanager.debug.memory.log: true``; it logs through the logger of the class that started it,
e.g. ``TaskManagerRunner``, so records are found by their message, never by their logger). Every interval it writes
four INFO records; each becomes rows with ``scope = "MemoryLogger"``:

- ``Memory usage stats: [HEAP: %d/%d/%d MB, NON HEAP: %d/%d/%d MB (used/committed/max)]`` ->
  ``heap_used_mb``, ``heap_committed_mb``, ``heap_max_mb``, ``nonheap_used_mb``, ``nonheap_committed_mb``,
  ``nonheap_max_mb``;
- ``Direct memory stats: Count: %d, Total Capacity: %d, Used Memory: %d`` -> ``direct_count``,
  ``direct_capacity_bytes``, ``direct_used_bytes`` (``Direct memory stats: unavailable`` gives nothing);
- ``Off-heap pool stats: [Metaspace: 53/55/256 MB (used/committed/max)], [Compressed Class Space: ...]`` ->
  ``<pool>_used_mb``, ``<pool>_committed_mb``, ``<pool>_max_mb`` where ``<pool>`` is the JVM pool name lower-cased
  with every run of other characters than ``[a-z0-9]`` turned into one ``_`` (``metaspace_used_mb``,
  ``compressed_class_space_max_mb``, ``codeheap_non_nmethods_used_mb``);
- ``Garbage collector stats: [G1 Young Generation, GC TIME (ms): 1234, GC COUNT: 56], [...]`` ->
  ``gc_time_ms{G1 Young Generation}`` and ``gc_count{G1 Young Generation}``: a label in braces names the member
  of a family, the collector name kept exactly as the JVM spells it. Both are cumulative since JVM start.

A negative value (the JVM's ``-1`` for an undefined max, shifted to MB) is dropped: it is no measurement.

``Slf4jReporter`` (``metrics.reporter.<name>.factory.class: ...Slf4jReporterFactory``): one INFO record per report,
its text in the continuation lines::

    =========================== Starting metrics report ===========================
    -- Counters -------------------------------------------------------------------
    <identifier>: <count>
    -- Gauges ---------------------------------------------------------------------
    <identifier>: <value>
    -- Meters ---------------------------------------------------------------------
    <identifier>: <rate>
    -- Histograms -----------------------------------------------------------------
    <identifier>: count=<n>, min=<n>, max=<n>, mean=<x>, stddev=<x>, p50=<x>, p75=<x>, ..., p99=<x>, p999=<x>
    =========================== Finished metrics report ===========================

Each ``<identifier>: <value>`` line is one row; ``line`` is the physical line of that sample. The identifier is the
scope components and the metric name joined by ``.`` (the reporter does not filter characters, so components may
hold spaces, colons or dots: the value is what follows the *last* ``": "``). It is split into ``scope`` and
``metric`` by this rule:

- if a component is one of :data:`METRIC_GROUP_ROOTS` (``Status``, ``Shuffle``, ``buffers``, ``rocksdb``,
  ``KafkaConsumer``...; groups Flink and its connectors open under a task/operator/process scope), the metric is
  everything from the leftmost such component on: ``Status.JVM.CPU.Load``, ``Status.JVM.Memory.Heap.Used``,
  ``Status.JVM.GarbageCollector.G1 Young Generation.Time``, ``Status.Shuffle.Netty.UsedMemorySegments``,
  ``Shuffle.Netty.Input.Buffers.inPoolUsage``, ``KafkaConsumer.records-lag-max``;
- otherwise the metric is the last component (``numRecordsInPerSecond``, ``backPressuredTimeMsPerSecond``,
  ``lastCheckpointDuration``, user metrics such as ``myCounter``);
- ``scope`` is what comes before the metric, without the joining dot (``""`` when there is nothing before).

Values: integers and Java doubles (``1.0E-4``) as float, ``true``/``false`` as 1/0 (``isBackPressured``); anything
else (``null``, strings, maps, ``NaN``, infinities) is skipped and counted in :attr:`MetricsScan.skipped_values`.
A histogram line gives one row per statistic, the statistic as a label: ``<metric>{count}``, ``<metric>{min}``,
``<metric>{max}``, ``<metric>{mean}``, ``<metric>{stddev}``, ``<metric>{p50}`` ... ``<metric>{p999}``.

No Python loop per record: records are kept by a literal prefilter, fields come from ``str.extract_groups``, lists
of pools/collectors/lines are exploded. ``tm_id`` is looked up from ``tm_of_source`` by the record's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from logforensics.model import METRICS_SCHEMA

MEMORY_LOGGER_SCOPE = "MemoryLogger"

# Components that open a multi-part metric name (see the module docstring); the leftmost one wins.
METRIC_GROUP_ROOTS: tuple[str, ...] = (
    "Status",  # JM/TM process metrics: Status.JVM.*, Status.Flink.Memory.*, Status.Shuffle.Netty.*, Status.Network.*
    "Shuffle",  # task network metrics (1.10+): Shuffle.Netty.Input.Buffers.inPoolUsage ...
    "buffers",  # task network metrics before 1.10: buffers.inPoolUsage, buffers.inputQueueLength
    "rocksdb",  # RocksDB native metrics: <state>.rocksdb.estimate-num-keys
    "KafkaConsumer",  # legacy Kafka source: KafkaConsumer.records-lag-max, KafkaConsumer.topic.<t>.partition.<p>...
    "KafkaProducer",  # Kafka sink client metrics
    "KafkaSourceReader",  # new Kafka source: KafkaSourceReader.topic.<t>.partition.<p>.currentOffset
)

_HEAP_RE = (
    r"Memory usage stats: \[HEAP: (-?\d+)/(-?\d+)/(-?\d+) MB, NON HEAP: (-?\d+)/(-?\d+)/(-?\d+) MB "
    r"\(used/committed/max\)\]"
)
_HEAP_METRICS = (
    "heap_used_mb",
    "heap_committed_mb",
    "heap_max_mb",
    "nonheap_used_mb",
    "nonheap_committed_mb",
    "nonheap_max_mb",
)
_DIRECT_RE = r"Direct memory stats: Count: (-?\d+), Total Capacity: (-?\d+), Used Memory: (-?\d+)"
_DIRECT_METRICS = ("direct_count", "direct_capacity_bytes", "direct_used_bytes")
_POOL_ITEM_RE = r"\[[^\[\]]+?: -?\d+/-?\d+/-?\d+ MB \(used/committed/max\)\]"
_POOL_FIELDS_RE = r"^\[([^\[\]]+?): (-?\d+)/(-?\d+)/(-?\d+) MB"
_GC_ITEM_RE = r"\[[^\[\]]+?, GC TIME \(ms\): -?\d+, GC COUNT: -?\d+\]"
_GC_FIELDS_RE = r"^\[([^\[\]]+?), GC TIME \(ms\): (-?\d+), GC COUNT: (-?\d+)\]"
_MEMORY_LOGGER_LITERALS = (
    "Memory usage stats: [",
    "Direct memory stats: Count",
    "Off-heap pool stats: ",
    "Garbage collector stats: [",
)
_MEMORY_LOGGER_PREFILTER = "|".join(re.escape(literal) for literal in _MEMORY_LOGGER_LITERALS)

_REPORT_LITERAL = "Starting metrics report"

KEEP_LITERALS: tuple[str, ...] = (*_MEMORY_LOGGER_LITERALS, _REPORT_LITERAL)
"""Literals of the records this module reads: a scan that keeps only candidate records must keep these (MemoryLogger
records are single lines; reports are multi-line records, kept anyway by a scan that keeps those)."""

_HISTOGRAM_STATS = ("count", "min", "max", "mean", "stddev", "p50", "p75", "p95", "p98", "p99", "p999")
_HISTOGRAM_RE = "^(.+): " + ", ".join(f"{stat}=([^,\\s]+)" for stat in _HISTOGRAM_STATS) + "$"
_SAMPLE_RE = r"^(.+): (\S+)$"
_ROOTED_RE = r"^(?:(.*?)\.)?((?:" + "|".join(METRIC_GROUP_ROOTS) + r")\..*)$"
_LAST_COMPONENT_RE = r"^(?:(.*)\.)?([^.]*)$"


@dataclass(frozen=True)
class MetricsScan:
    frame: pl.DataFrame
    """METRICS_SCHEMA rows, sorted by source, line, metric."""
    memory_logger_records: int
    """MemoryLogger records that gave at least one row."""
    reports: int
    """Slf4jReporter reports read."""
    skipped_values: int
    """Reporter samples whose value is not a number (string gauges, ``null``, ``NaN``...)."""


def extract_metrics(records: pl.DataFrame, tm_of_source: dict[str, str]) -> pl.DataFrame:
    """METRICS_SCHEMA rows from MemoryLogger and Slf4jReporter records of RECORDS_SCHEMA ``records``."""
    return scan_metrics(records, tm_of_source).frame


def scan_metrics(records: pl.DataFrame, tm_of_source: dict[str, str]) -> MetricsScan:
    """:func:`extract_metrics` with counts of what was read and skipped."""
    base = records.select(
        pl.col("source").cast(pl.String),
        pl.col("line").cast(pl.Int64),
        pl.col("ts").cast(METRICS_SCHEMA["ts"]),
        message=pl.col("message").fill_null(""),
        detail=pl.col("detail"),
    )
    memory, memory_records = _memory_logger(base)
    reporter, reports, skipped = _slf4j_reporter(base)
    parts = [frame for frame in (memory, reporter) if frame.height]
    if not parts:
        return MetricsScan(pl.DataFrame(schema=METRICS_SCHEMA), memory_records, reports, skipped)
    tm_ids = pl.DataFrame(
        {"source": list(tm_of_source), "tm_id": list(tm_of_source.values())},
        schema={"source": pl.String(), "tm_id": pl.String()},
    )
    frame = (
        pl.concat(parts, how="vertical")
        .join(tm_ids, on="source", how="left")
        .select(
            pl.col("ts").cast(METRICS_SCHEMA["ts"]),
            pl.col("source").cast(pl.String),
            pl.col("line").cast(pl.Int64),
            pl.col("tm_id"),
            pl.col("scope"),
            pl.col("metric"),
            pl.col("value").cast(pl.Float64),
        )
        .sort("source", "line", "metric", maintain_order=True)
    )
    return MetricsScan(frame, memory_records, reports, skipped)


_ROW_COLUMNS = ("source", "line", "ts", "scope", "metric", "value")


def _empty_rows() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "source": pl.String(),
            "line": pl.Int64(),
            "ts": METRICS_SCHEMA["ts"],
            "scope": pl.String(),
            "metric": pl.String(),
            "value": pl.Float64(),
        }
    )


def _fixed_fields(rows: pl.DataFrame, pattern: str, names: tuple[str, ...]) -> pl.DataFrame:
    """One row per (record, field) for a message with a fixed set of numeric fields."""
    fields = rows.select(
        "source",
        "line",
        "ts",
        parts=pl.col("message").str.extract_groups(pattern).struct.rename_fields(list(names)),
    ).filter(pl.col("parts").struct.field(names[0]).is_not_null())
    if fields.height == 0:
        return _empty_rows()
    return (
        fields.unnest("parts")
        .unpivot(index=["source", "line", "ts"], on=list(names), variable_name="metric", value_name="value")
        .with_columns(scope=pl.lit(MEMORY_LOGGER_SCOPE), value=pl.col("value").cast(pl.Float64))
        .select(_ROW_COLUMNS)
    )


def _bracket_items(rows: pl.DataFrame, item_re: str, fields_re: str, names: tuple[str, ...]) -> pl.DataFrame:
    """One row per bracketed item (``[Metaspace: 1/2/3 MB ...]``), its fields named ``names``."""
    items = (
        rows.select("source", "line", "ts", item=pl.col("message").str.extract_all(item_re))
        .explode("item")
        .drop_nulls("item")
    )
    return items.select(
        "source", "line", "ts", parts=pl.col("item").str.extract_groups(fields_re).struct.rename_fields(list(names))
    ).unnest("parts")


def _memory_logger(base: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    rows = base.filter(pl.col("message").str.contains(_MEMORY_LOGGER_PREFILTER)).select(
        "source", "line", "ts", "message"
    )
    if rows.height == 0:
        return _empty_rows(), 0
    heap = _fixed_fields(rows, _HEAP_RE, _HEAP_METRICS)
    direct = _fixed_fields(rows, _DIRECT_RE, _DIRECT_METRICS)

    pool_rows = rows.filter(pl.col("message").str.contains("Off-heap pool stats: ", literal=True))
    pools = _bracket_items(pool_rows, _POOL_ITEM_RE, _POOL_FIELDS_RE, ("pool", "used", "committed", "max"))
    pool_key = pl.col("pool").str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "_").str.strip_chars("_")
    pools = (
        pools.with_columns(pool=pool_key)
        .unpivot(index=["source", "line", "ts", "pool"], on=["used", "committed", "max"], variable_name="stat")
        .with_columns(metric=pl.concat_str(pl.col("pool"), pl.lit("_"), pl.col("stat"), pl.lit("_mb")))
    )

    gc_rows = rows.filter(pl.col("message").str.contains("Garbage collector stats: ", literal=True))
    gcs = _bracket_items(gc_rows, _GC_ITEM_RE, _GC_FIELDS_RE, ("collector", "gc_time_ms", "gc_count"))
    gcs = gcs.unpivot(
        index=["source", "line", "ts", "collector"], on=["gc_time_ms", "gc_count"], variable_name="stat"
    ).with_columns(metric=pl.concat_str(pl.col("stat"), pl.lit("{"), pl.col("collector"), pl.lit("}")))

    listed = [
        frame.with_columns(scope=pl.lit(MEMORY_LOGGER_SCOPE), value=pl.col("value").cast(pl.Float64)).select(
            _ROW_COLUMNS
        )
        for frame in (pools, gcs)
        if frame.height
    ]
    out = pl.concat([heap, direct, *listed], how="vertical").filter(pl.col("value") >= 0)
    records_with_rows = out.select(pl.struct("source", "line").n_unique()).item() if out.height else 0
    return out, int(records_with_rows)


def _slf4j_reporter(base: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    reports = base.filter(
        pl.col("detail").str.contains(_REPORT_LITERAL, literal=True)
        | pl.col("message").str.contains(_REPORT_LITERAL, literal=True)
    )
    if reports.height == 0:
        return _empty_rows(), 0, 0
    # The header line's message is line offset 0; continuation line k is at offset k + 1.
    lines = (
        reports.select(
            "source",
            "line",
            "ts",
            text=pl.concat_str(pl.col("message"), pl.col("detail").fill_null(""), separator="\n").str.split("\n"),
        )
        .with_columns(offset=pl.int_ranges(0, pl.col("text").list.len()))
        .explode(["text", "offset"])
        .filter(pl.col("text").str.contains(": ", literal=True))
        .select(
            "source",
            line=pl.col("line") + pl.col("offset"),
            ts=pl.col("ts"),
            text=pl.col("text").str.strip_chars_end(),
        )
    )
    hist = lines.with_columns(
        parts=pl.col("text").str.extract_groups(_HISTOGRAM_RE).struct.rename_fields(["id", *_HISTOGRAM_STATS])
    ).filter(pl.col("parts").struct.field("id").is_not_null())
    plain = lines.filter(~pl.col("text").str.contains(_HISTOGRAM_RE)).with_columns(
        parts=pl.col("text").str.extract_groups(_SAMPLE_RE).struct.rename_fields(["id", "raw"])
    )
    plain = plain.select(
        "source", "line", "ts", id=pl.col("parts").struct.field("id"), raw=pl.col("parts").struct.field("raw")
    ).drop_nulls("id")
    samples = plain.with_columns(value=_number(pl.col("raw")))
    skipped = samples.select(pl.col("value").is_null().sum()).item()
    samples = samples.drop_nulls("value").select("source", "line", "ts", "id", "value")

    hist_rows = (
        hist.unnest("parts")
        .unpivot(index=["source", "line", "ts", "id"], on=list(_HISTOGRAM_STATS), variable_name="stat")
        .with_columns(value=_number(pl.col("value")))
        .drop_nulls("value")
    )
    out = pl.concat(
        [
            _split_identifier(samples).select(_ROW_COLUMNS),
            _split_identifier(hist_rows)
            .with_columns(metric=pl.concat_str(pl.col("metric"), pl.lit("{"), pl.col("stat"), pl.lit("}")))
            .select(_ROW_COLUMNS),
        ],
        how="vertical",
    )
    return out, reports.height, int(skipped)


def _number(raw: pl.Expr) -> pl.Expr:
    """A reporter value as float: numbers, Java doubles, true/false as 1/0; null for the rest and non-finite."""
    value = (
        pl.when(raw == "true")
        .then(pl.lit(1.0))
        .when(raw == "false")
        .then(pl.lit(0.0))
        .otherwise(raw.cast(pl.Float64, strict=False))
    )
    return pl.when(value.is_finite()).then(value)


def _split_identifier(frame: pl.DataFrame) -> pl.DataFrame:
    """``id`` -> ``scope`` and ``metric`` by the rule in the module docstring."""
    rooted = pl.col("id").str.extract_groups(_ROOTED_RE)
    last = pl.col("id").str.extract_groups(_LAST_COMPONENT_RE)
    return frame.with_columns(rooted=rooted, last=last).with_columns(
        scope=pl.coalesce(
            pl.when(pl.col("rooted").struct.field("2").is_not_null()).then(
                pl.col("rooted").struct.field("1").fill_null("")
            ),
            pl.col("last").struct.field("1").fill_null(""),
        ),
        metric=pl.coalesce(pl.col("rooted").struct.field("2"), pl.col("last").struct.field("2")),
    )
