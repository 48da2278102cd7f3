"""The line layouts Flink logs come in: how to tell a record's first line, and where its fields are.

Each layout has an anchored header regex (polars rejects a non-header after a few bytes), the strftime format of its
timestamp at the start of the line, and a real sample line (tests/parsers/test_layouts.py checks each). Sniffing
picks the layout whose header regex matches most of a file's first lines. Field extraction for the text layouts uses
``str.find`` and slices rather than capture groups, which cost ~10x more per row (../shared/reference/performance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

LEVELS = r"(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)"


@dataclass(frozen=True)
class Layout:
    name: str
    header: str
    """Anchored Rust regex matching the first line of a record."""
    ts_width: int
    """Characters of the timestamp at the start of a header (0: the timestamp is not at a fixed place)."""
    ts_format: str
    """strftime format of those characters (naive local time)."""
    sample: str
    description: str
    date_from_context: bool = False
    """The timestamp has no date (``HH:mm:ss,SSS``): the date comes from the other sources or the file."""


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "log4j2",
            rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} +{LEVELS}\b",
            23,
            "%Y-%m-%d %H:%M:%S,%3f",
            "2025-03-26 11:50:40,548 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - "
            "Starting TaskManager with ResourceID: 172.19.0.3:35889-20872d",
            "Flink 1.11+ default (log4j 2): `%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n`, the empty NDC as []",
        ),
        Layout(
            "log4j1",
            rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} +{LEVELS}\b",
            23,
            "%Y-%m-%d %H:%M:%S,%3f",
            "2021-07-26 17:04:57,629 INFO  [69] org.apache.flink.runtime.jobmaster.JobMaster                 - "
            "Trying to recover from a global failure.",
            "Flink <= 1.10 default (log4j 1), no []; vendor builds add a [thread] token after the level",
        ),
        Layout(
            "iso",
            rf"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d[,.]\d{{3}} +{LEVELS}\b",
            23,
            "%Y-%m-%dT%H:%M:%S.%3f",
            "2024-05-02T08:15:01.204 INFO  org.apache.flink.runtime.jobmaster.JobMaster [] - Starting execution "
            "of job 'orders' (4a2ce1f7e1a86d1b0b7a0d3c5e9f1a22) under job master id 00000000000000000000000000000000.",
            "ISO 8601 'T' between date and time, '.' or ',' before the milliseconds",
        ),
        Layout(
            "logback",
            rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{{3}} \[.*?\] +{LEVELS}\b",
            23,
            "%Y-%m-%d %H:%M:%S.%3f",
            "2020-04-01 10:00:00.123 [flink-akka.actor.default-dispatcher-3] INFO  "
            "o.a.f.runtime.taskexecutor.TaskExecutor  - Received task Map (1/2).",
            "logback.xml: `%d{yyyy-MM-dd HH:mm:ss.SSS} [%thread] %-5level %logger{60} %X{sourceThread} - %msg%n`",
        ),
        Layout(
            "time_only",
            rf"^\d\d:\d\d:\d\d[,.]\d{{3}} +{LEVELS}\b",
            12,
            "%H:%M:%S.%3f",
            "00:43:26,132 INFO  org.apache.flink.runtime.taskmanager.Task                     - Source: Custom "
            "Source (1/1) (5d7c1a1b0e0f4d5a9b0c8e2f1a3b4c5d) switched from RUNNING to FAILED.",
            "IDE and local runs, `%d{HH:mm:ss,SSS}`: the date is taken from context",
            date_from_context=True,
        ),
        Layout(
            "json",
            r"^\s*\{.*\"(?:@timestamp|timestamp|instant|time|ts)\"",
            0,
            "",
            '{"@timestamp":"2024-03-01T10:00:00.123Z","log.level":"INFO","message":"Completed checkpoint 7 for '
            'job 1dd034557a79ca16f8b692f44cbcf5b2 (1578642 bytes, checkpointDuration=591 ms, finalizationTime=3 ms).",'
            '"log.logger":"org.apache.flink.runtime.checkpoint.CheckpointCoordinator","process.thread.name":"jobmanager-io-thread-1"}',
            "JSON lines: log4j2 JsonTemplateLayout (ECS), JsonLayout",
        ),
        Layout(
            "generic",
            rf"^\[?\d{{4}}[-/]\d\d[-/]\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?\s+\[?{LEVELS}\b",
            0,
            "",
            "2024/03/01 10:00:00.123456 WARN org.apache.flink.runtime.taskexecutor.TaskExecutor: Slot offering to "
            "JobManager did not finish in time. Retrying the slot offering.",
            "unknown layout: a leading date-time and a level; fields found by a generic regex (slower, reported)",
        ),
    )
}

# Sniffing order: the specific layouts first; "generic" only when nothing else matches.
SNIFF_ORDER = ("log4j2", "iso", "logback", "time_only", "json", "generic")


def sniff_layout(head: str) -> str | None:
    """The layout most of the head's lines follow, or None when no line looks like a log record."""
    frame = pl.DataFrame({"line": head.splitlines()[:400]}, schema={"line": pl.String()})
    if frame.height == 0:
        return None
    counts = frame.select(
        [pl.col("line").str.contains(LAYOUTS[name].header).sum().alias(name) for name in SNIFF_ORDER]
    ).row(0, named=True)
    best = max(SNIFF_ORDER, key=lambda name: (counts[name], -SNIFF_ORDER.index(name)))
    if counts[best] == 0:
        return None
    if best == "log4j2":
        headers = frame.filter(pl.col("line").str.contains(LAYOUTS["log4j2"].header))
        with_ndc = headers.filter(pl.col("line").str.contains(r" \[[^\]]*\] - ")).height
        return "log4j2" if with_ndc * 2 >= headers.height else "log4j1"
    return best
