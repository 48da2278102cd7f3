"""The Flink log parser on real lines from the corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from logforensics.model import RECORDS_SCHEMA
from logforensics.parsers.flink import banner_facts, localize, parse_flink, parse_plain, sniff_layout
from logforensics.parsers.lines import read_lines

LOG4J2 = (
    "2025-03-26 11:50:40,548 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] -  Starting "
    "TaskManager (Version: 2.0.0, Scala: 2.12, Rev:cc017da, Date:2025-03-10T07:29:37+01:00)"
)
LOG4J1_THREAD = (
    "2021-07-26 17:04:57,629 INFO  [69] org.apache.flink.runtime.jobmaster.JobMaster                 - Trying to "
    "recover from a global failure."
)
LONG_LOGGER = (
    "2021-12-06 00:16:36,280 INFO  org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager [] - Worker "
    "container_e10_1634010428940_125776_01_000003 is terminated."
)
UNPADDED = (
    "2022-06-02 12:11:54,944 INFO org.apache.flink.runtime.executiongraph.ExecutionGraph [] - Job company-service "
    "(00000000000000000000000000000000) switched from state RUNNING to RESTARTING."
)


def parse(text: str) -> pl.DataFrame:
    return parse_flink(read_lines(text.encode(), "t").frame, "t").records


@pytest.mark.parametrize(
    ("line", "logger", "message"),
    [
        (LOG4J2, "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", " Starting TaskManager (Version: 2.0.0"),
        (LOG4J1_THREAD, "org.apache.flink.runtime.jobmaster.JobMaster", "Trying to recover from a global failure."),
        (LONG_LOGGER, "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager", "Worker container_e10"),
        (UNPADDED, "org.apache.flink.runtime.executiongraph.ExecutionGraph", "Job company-service"),
    ],
)
def test_header_fields(line: str, logger: str, message: str) -> None:
    records = parse(line)
    assert records.height == 1
    row = records.row(0, named=True)
    assert row["logger"] == logger
    assert row["message"].startswith(message)
    assert row["level"] == "INFO"
    assert row["ts_local"] == dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")


@pytest.mark.parametrize(
    ("text", "layout", "level", "logger", "message"),
    [
        # An NDC with accents: the message must still start right after " - ".
        (
            "2024-01-01 10:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [Ünïcödé] - Heartbeat "
            "of JobManager with id 3c8e4d0a6c7f8d2e1b5a4c3d2e1f0a9b timed out.",
            "log4j2",
            "INFO",
            "org.apache.flink.runtime.taskexecutor.TaskExecutor",
            "Heartbeat of JobManager",
        ),
        # Bytes that are not UTF-8 in the thread token: each becomes one U+FFFD (three bytes, one character).
        (
            b"2021-07-26 17:04:57,629 WARN  [pool-\xe9\xe8-1] org.apache.flink.runtime.taskmanager.Task - Source (1/2) "
            b"(80f387a98e221e804f3f13bfd378ed4f) switched from RUNNING to FAILED.",
            "log4j1",
            "WARN",
            "org.apache.flink.runtime.taskmanager.Task",
            "Source (1/2)",
        ),
        # logback puts the thread first; a thread named in Chinese.
        (
            "2024-01-01 10:00:00.000 [数据源-线程-1] ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner - "
            "Fatal error occurred while executing the TaskManager.",
            "logback",
            "ERROR",
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
            "Fatal error occurred",
        ),
    ],
)
def test_header_fields_after_non_ascii(text: str | bytes, layout: str, level: str, logger: str, message: str) -> None:
    """Characters of more than one byte before the message (an NDC, a thread name, replaced bad bytes) do not shift
    where the level, logger and message are cut."""
    data = text.encode() if isinstance(text, str) else text
    records = parse_flink(read_lines(data, "t").frame, "t", layout).records
    row = records.row(0, named=True)
    assert (row["level"], row["logger"]) == (level, logger)
    assert row["message"].startswith(message)


def test_continuations_are_grouped_under_their_record_with_line_numbers() -> None:
    text = "\n".join(
        [
            "preamble without timestamp",
            LOG4J1_THREAD,
            "org.apache.flink.util.FlinkRuntimeException: Exceeded checkpoint tolerable failure threshold.",
            "\tat org.apache.flink.runtime.checkpoint.CheckpointFailureManager.handleJobLevelCheckpointException(SourceFile:66)",
            UNPADDED,
        ]
    )
    parsed = parse_flink(read_lines(text.encode(), "t").frame, "t")
    assert parsed.lines == 5
    assert parsed.unparsed_lines == 1  # before the first header: kept as a record without a time
    records = parsed.records
    assert records["line"].to_list() == [1, 2, 5]
    assert records["n_lines"].to_list() == [1, 3, 1]
    assert records["ts_local"][0] is None and records["message"][0] == "preamble without timestamp"
    assert records["detail"][1].splitlines()[0].startswith("org.apache.flink.util.FlinkRuntimeException")
    assert records["detail"][2] is None
    assert records.schema == pl.Schema(RECORDS_SCHEMA)


def test_sniff_layout() -> None:
    assert sniff_layout(LOG4J2 + "\n" + LONG_LOGGER) == "log4j2"
    assert sniff_layout(LOG4J1_THREAD) == "log4j1"
    assert sniff_layout("just some text\nand more") is None


def test_localize_with_offset_and_zone() -> None:
    records = parse(LOG4J1_THREAD)
    plus_one = localize(records, dt.timedelta(hours=1))["ts"][0]
    assert plus_one == dt.datetime(2021, 7, 26, 16, 4, 57, 629000, tzinfo=dt.UTC)
    berlin = localize(records, "Europe/Berlin")["ts"][0]
    assert berlin == dt.datetime(2021, 7, 26, 15, 4, 57, 629000, tzinfo=dt.UTC)  # CEST, +02:00


def test_plain_text_records_group_stack_traces() -> None:
    text = 'Generated number: 5\nException in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat A.b(A.java:1)\n'
    parsed = parse_plain(read_lines(text.encode(), "t").frame, "t")
    assert parsed.records["line"].to_list() == [1, 2]
    assert parsed.records["detail"][1] == "\tat A.b(A.java:1)"


def test_banner_facts() -> None:
    facts = banner_facts(parse(LOG4J2))
    assert facts.version == "2.0.0"
    assert facts.deployment == "standalone"


def test_every_corpus_line_is_accounted_for(flink_corpus: Path) -> None:
    for path in sorted(flink_corpus.glob("flink-*")):
        lines = read_lines(path.read_bytes(), path.name).frame
        parsed = parse_flink(lines, path.name)
        # Every line is in exactly one record (lines before the first header form a record without a time).
        assert int(parsed.records["n_lines"].sum() or 0) == parsed.lines == lines.height, path.name
        assert parsed.records["line"].is_unique().all(), path.name


def test_localize_empty_and_daylight_saving() -> None:
    empty = parse("")
    assert localize(empty, "Europe/Berlin").height == 0
    autumn = parse(
        "2020-10-25 02:30:00,000 INFO  a.B [] - first pass\n"
        "2020-10-25 02:10:00,000 INFO  a.B [] - second pass (the clock went back)\n"
    )
    first, second = localize(autumn, "Europe/Berlin")["ts"].to_list()
    assert first == dt.datetime(2020, 10, 25, 0, 30, tzinfo=dt.UTC)  # CEST
    assert second == dt.datetime(2020, 10, 25, 1, 10, tzinfo=dt.UTC)  # CET, the later instant
