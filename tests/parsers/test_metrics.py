"""Metrics from MemoryLogger and Slf4jReporter records, on blocks written exactly in Flink's formats."""

from __future__ import annotations

import datetime as dt
import time

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.model import METRICS_SCHEMA, RECORDS_SCHEMA
from logforensics.parsers.flink import localize, parse_flink
from logforensics.parsers.lines import read_lines
from logforensics.parsers.metrics import extract_metrics, scan_metrics

# MemoryLogger logs through the logger of the class that started it (TaskManagerRunner), never "MemoryLogger".
TMR = "2024-05-02 10:15:00,001 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - "
# Slf4jReporter.report(): LOG.info(builder) where the builder starts with a line separator, so the header line ends
# with " - " and the report is in the continuation lines; empty sections are still printed before 1.16.
REPORTER = "2024-05-02 10:15:10,000 INFO  org.apache.flink.metrics.slf4j.Slf4jReporter                [] - "
TM = "flink-taskmanager-1.taskmanager.172.18.0.3:33783-3e38f6"

MEMORY_LOGGER_LINES = [
    "2024-05-02 10:14:59,990 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting periodic memory usage logger",
    TMR + "Memory usage stats: [HEAP: 412/1024/1024 MB, NON HEAP: 98/101/-1 MB (used/committed/max)]",
    TMR + "Direct memory stats: Count: 4103, Total Capacity: 134354211, Used Memory: 134354212",
    TMR
    + "Off-heap pool stats: [CodeHeap 'non-nmethods': 1/2/5 MB (used/committed/max)], [Metaspace: 53/55/-1 MB (used/committed/max)], [Compressed Class Space: 6/7/1024 MB (used/committed/max)]",
    TMR
    + "Garbage collector stats: [G1 Young Generation, GC TIME (ms): 1234, GC COUNT: 56], [G1 Old Generation, GC TIME (ms): 0, GC COUNT: 0]",
    TMR + "Direct memory stats: unavailable",
]

REPORT_LINES = [
    REPORTER,
    "=========================== Starting metrics report ===========================",
    "",
    "-- Counters -------------------------------------------------------------------",
    f"{TM}.WordCount.Source: Socket Stream.0.numRecordsIn: 1200",
    "",
    "-- Gauges ---------------------------------------------------------------------",
    f"{TM}.Status.JVM.CPU.Load: 0.0123",
    f"{TM}.Status.JVM.Memory.Heap.Used: 431980544",
    f"{TM}.Status.JVM.GarbageCollector.G1 Young Generation.Time: 1234",
    f"{TM}.Status.Shuffle.Netty.UsedMemorySegments: 12",
    f"{TM}.WordCount.Flat Map.1.isBackPressured: true",
    f"{TM}.WordCount.Flat Map.1.backPressuredTimeMsPerSecond: 0",
    f"{TM}.WordCount.Flat Map.1.Shuffle.Netty.Input.Buffers.inPoolUsage: 1.0E-4",
    f"{TM}.WordCount.Flat Map.1.myGroup.lastValue: null",
    "flink-jobmanager.jobmanager.WordCount.lastCheckpointExternalPath: n/a",
    "flink-jobmanager.jobmanager.WordCount.lastCheckpointDuration: 532",
    f"{TM}.WordCount.Flat Map.1.currentInputWatermark: NaN",
    "",
    "-- Meters ---------------------------------------------------------------------",
    f"{TM}.WordCount.Flat Map.1.numRecordsInPerSecond: 13.4",
    "",
    "-- Histograms -----------------------------------------------------------------",
    f"{TM}.WordCount.Flat Map.1.checkpointAlignmentTime: count=3, min=1, max=9, mean=4.0, stddev=3.0, p50=2.0, p75=9.0, p95=9.0, p98=9.0, p99=9.0, p999=9.0",
    "",
    "=========================== Finished metrics report ===========================",
    "",
]


def records_of(lines: list[str], source: str = "tm.log") -> pl.DataFrame:
    text = "\n".join(lines) + "\n"
    return localize(parse_flink(read_lines(text.encode(), source).frame, source).records, "UTC")


def rows(frame: pl.DataFrame) -> list[tuple[int, str, str, float]]:
    return [(r["line"], r["scope"], r["metric"], r["value"]) for r in frame.iter_rows(named=True)]


def test_memory_logger_rows_exactly() -> None:
    frame = extract_metrics(records_of(MEMORY_LOGGER_LINES), {"tm.log": "172.18.0.3:33783-3e38f6"})
    assert frame.schema == pl.Schema(METRICS_SCHEMA)
    assert set(frame["tm_id"]) == {"172.18.0.3:33783-3e38f6"}
    assert set(frame["ts"]) == {dt.datetime(2024, 5, 2, 10, 15, 0, 1000, tzinfo=dt.UTC)}
    m = "MemoryLogger"
    assert rows(frame) == [
        # nonheap_max_mb is -1 (undefined) and dropped
        (2, m, "heap_committed_mb", 1024.0),
        (2, m, "heap_max_mb", 1024.0),
        (2, m, "heap_used_mb", 412.0),
        (2, m, "nonheap_committed_mb", 101.0),
        (2, m, "nonheap_used_mb", 98.0),
        (3, m, "direct_capacity_bytes", 134354211.0),
        (3, m, "direct_count", 4103.0),
        (3, m, "direct_used_bytes", 134354212.0),
        (4, m, "codeheap_non_nmethods_committed_mb", 2.0),
        (4, m, "codeheap_non_nmethods_max_mb", 5.0),
        (4, m, "codeheap_non_nmethods_used_mb", 1.0),
        (4, m, "compressed_class_space_committed_mb", 7.0),
        (4, m, "compressed_class_space_max_mb", 1024.0),
        (4, m, "compressed_class_space_used_mb", 6.0),
        (4, m, "metaspace_committed_mb", 55.0),
        (4, m, "metaspace_used_mb", 53.0),
        (5, m, "gc_count{G1 Old Generation}", 0.0),
        (5, m, "gc_count{G1 Young Generation}", 56.0),
        (5, m, "gc_time_ms{G1 Old Generation}", 0.0),
        (5, m, "gc_time_ms{G1 Young Generation}", 1234.0),
    ]
    scan = scan_metrics(records_of(MEMORY_LOGGER_LINES), {})
    assert scan.memory_logger_records == 4
    assert scan.frame["tm_id"].null_count() == scan.frame.height


def test_memory_logger_other_collectors_and_jdk8_pools() -> None:
    lines = [
        TMR
        + "Garbage collector stats: [PS Scavenge, GC TIME (ms): 77, GC COUNT: 9], [PS MarkSweep, GC TIME (ms): 310, GC COUNT: 2]",
        TMR + "Off-heap pool stats: [Code Cache: 12/13/240 MB (used/committed/max)]",
    ]
    assert rows(extract_metrics(records_of(lines), {})) == [
        (1, "MemoryLogger", "gc_count{PS MarkSweep}", 2.0),
        (1, "MemoryLogger", "gc_count{PS Scavenge}", 9.0),
        (1, "MemoryLogger", "gc_time_ms{PS MarkSweep}", 310.0),
        (1, "MemoryLogger", "gc_time_ms{PS Scavenge}", 77.0),
        (2, "MemoryLogger", "code_cache_committed_mb", 13.0),
        (2, "MemoryLogger", "code_cache_max_mb", 240.0),
        (2, "MemoryLogger", "code_cache_used_mb", 12.0),
    ]


def test_slf4j_reporter_rows_exactly_with_their_physical_lines() -> None:
    lines = [
        "2024-05-02 10:15:09,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - unrelated",
        *REPORT_LINES,
    ]
    scan = scan_metrics(records_of(lines), {"tm.log": "tm-1"})
    assert scan.reports == 1
    assert scan.skipped_values == 3  # null, n/a, NaN
    flat = f"{TM}.WordCount.Flat Map.1"
    assert rows(scan.frame) == [
        (6, f"{TM}.WordCount.Source: Socket Stream.0", "numRecordsIn", 1200.0),
        (9, TM, "Status.JVM.CPU.Load", 0.0123),
        (10, TM, "Status.JVM.Memory.Heap.Used", 431980544.0),
        (11, TM, "Status.JVM.GarbageCollector.G1 Young Generation.Time", 1234.0),
        (12, TM, "Status.Shuffle.Netty.UsedMemorySegments", 12.0),
        (13, flat, "isBackPressured", 1.0),
        (14, flat, "backPressuredTimeMsPerSecond", 0.0),
        (15, flat, "Shuffle.Netty.Input.Buffers.inPoolUsage", 0.0001),
        (18, "flink-jobmanager.jobmanager.WordCount", "lastCheckpointDuration", 532.0),
        (22, flat, "numRecordsInPerSecond", 13.4),
        (25, flat, "checkpointAlignmentTime{count}", 3.0),
        (25, flat, "checkpointAlignmentTime{max}", 9.0),
        (25, flat, "checkpointAlignmentTime{mean}", 4.0),
        (25, flat, "checkpointAlignmentTime{min}", 1.0),
        (25, flat, "checkpointAlignmentTime{p50}", 2.0),
        (25, flat, "checkpointAlignmentTime{p75}", 9.0),
        (25, flat, "checkpointAlignmentTime{p95}", 9.0),
        (25, flat, "checkpointAlignmentTime{p98}", 9.0),
        (25, flat, "checkpointAlignmentTime{p999}", 9.0),
        (25, flat, "checkpointAlignmentTime{p99}", 9.0),
        (25, flat, "checkpointAlignmentTime{stddev}", 3.0),
    ]
    assert set(scan.frame["ts"]) == {dt.datetime(2024, 5, 2, 10, 15, 10, tzinfo=dt.UTC)}
    assert set(scan.frame["tm_id"]) == {"tm-1"}


def test_slf4j_reporter_16_plus_skips_empty_sections_and_keeps_rocksdb_and_kafka_names() -> None:
    op = "host.taskmanager.tm1.job.KeyedProcess.0"
    lines = [
        REPORTER,
        "=========================== Starting metrics report ===========================",
        "",
        "-- Gauges ---------------------------------------------------------------------",
        f"{op}.window-contents.rocksdb.estimate-num-keys: 1234",
        f"{op}.KafkaSourceReader.topic.orders.partition.3.currentOffset: 998877",
        f"{op}.numRecordsOut: 10",
        "",
        "=========================== Finished metrics report ===========================",
    ]
    assert rows(extract_metrics(records_of(lines), {})) == [
        (5, f"{op}.window-contents", "rocksdb.estimate-num-keys", 1234.0),
        (6, op, "KafkaSourceReader.topic.orders.partition.3.currentOffset", 998877.0),
        (7, op, "numRecordsOut", 10.0),
    ]


def test_report_records_without_time_and_identifiers_without_scope() -> None:
    # A record whose message itself starts the report (a layout without the leading line break), ts unknown.
    records = _records(
        ["=========================== Starting metrics report ===========================", "x"],
        ["uptime: 12\na.b: 1.5E3\nnot a sample", None],
    )
    frame = extract_metrics(records, {})
    assert rows(frame) == [(2, "", "uptime", 12.0), (3, "a", "b", 1500.0)]
    assert frame["ts"].null_count() == 2


def test_nothing_to_extract_gives_an_empty_frame_with_the_schema() -> None:
    for records in (
        pl.DataFrame(schema=RECORDS_SCHEMA),
        records_of(["2024-05-02 10:15:00,001 INFO  a.B [] - Memory usage is fine"]),
    ):
        frame = extract_metrics(records, {})
        assert frame.height == 0
        assert frame.schema == pl.Schema(METRICS_SCHEMA)


def _records(messages: list[str | None], details: list[str | None]) -> pl.DataFrame:
    n = len(messages)
    return pl.DataFrame(
        {
            "source": ["s"] * n,
            "line": list(range(1, n + 1)),
            "n_lines": [1] * n,
            "ts": [None] * n,
            "ts_local": [None] * n,
            "level": ["INFO"] * n,
            "logger": [None] * n,
            "message": messages,
            "detail": details,
        },
        schema=RECORDS_SCHEMA,
    )


fragments = st.sampled_from(
    [
        "Memory usage stats: [HEAP: ",
        "Direct memory stats: Count: ",
        "Off-heap pool stats: [",
        "Garbage collector stats: [",
        "Starting metrics report",
        " MB (used/committed/max)]",
        ", GC TIME (ms): ",
        ", GC COUNT: ",
        ": ",
        ": count=1, min=",
        "\n",
        "1/2/3",
        "-1",
        "]",
        "[",
        ".",
        "Status.",
        "true",
        "NaN",
    ]
)
texts = st.lists(st.one_of(st.text(max_size=12), fragments), max_size=20).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(st.none() | texts, st.none() | texts), max_size=6))
def test_never_raises_on_arbitrary_text(pairs: list[tuple[str | None, str | None]]) -> None:
    records = _records([m for m, _ in pairs], [d for _, d in pairs])
    scan = scan_metrics(records, {"s": "tm"})
    assert scan.frame.schema == pl.Schema(METRICS_SCHEMA)
    assert scan.frame["value"].is_finite().all()


def test_100k_records_of_mixed_content() -> None:
    """Speed check (reported, not asserted): 100k records, 1 in 5 a MemoryLogger line, 1 in 50 a 20-sample report."""
    n = 100_000
    report = "\n".join(
        [
            "=========================== Starting metrics report ===========================",
            *(f"h.taskmanager.tm1.job.op.{j}.numRecordsInPerSecond: {j}.5" for j in range(20)),
        ]
    )
    messages: list[str | None] = []
    details: list[str | None] = []
    for i in range(n):
        kind = i % 50
        if kind % 5 == 1:
            messages.append(
                f"Memory usage stats: [HEAP: {i % 900}/1024/1024 MB, NON HEAP: 98/101/-1 MB (used/committed/max)]"
            )
            details.append(None)
        elif kind == 3:
            messages.append("")
            details.append(report)
        else:
            messages.append(f"Triggering checkpoint {i} (type=CHECKPOINT) @ 1700000000000 for job 0123456789abcdef.")
            details.append(None)
    records = _records(messages, details)
    start = time.perf_counter()
    scan = scan_metrics(records, {"s": "tm"})
    elapsed = time.perf_counter() - start
    print(f"\nscan_metrics on {n} records: {elapsed:.3f} s, {scan.frame.height} rows")
    assert scan.reports == n // 50
    assert scan.memory_logger_records == n // 5
    assert scan.frame.height == n // 50 * 20 + n // 5 * 5
