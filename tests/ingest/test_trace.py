"""Exception traces saved alone: sniffed as EXCEPTION_TRACE, one record per trace, every line accounted for."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.ingest.discover import discover
from logforensics.ingest.sniff import sniff
from logforensics.model import RECORDS_SCHEMA, SourceKind
from logforensics.parsers.flink import FlinkParse
from logforensics.parsers.lines import read_lines
from logforensics.parsers.trace import parse_trace

# (file, first line of the message, ts_local of the date line above the trace, lines)
CORPUS_TRACES = [
    (
        "flink-1.13_yarn-session_job-exception_heartbeat-timeout_failure-rate-exhausted.txt",
        "org.apache.flink.runtime.JobException: Recovery is suppressed by FailureRateRestartBackoffTimeStrategy",
        dt.datetime(2024, 11, 19, 20, 21, 55),
        56,
    ),
    (
        "flink-1.19plus_pekko_job-exception_heartbeat-timeout-standalone-docker.txt",
        "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id 172.18.0.3:33783-3e38f6 timed out.",
        None,
        13,
    ),
    ("flink-metaspace-oom_enriched-message_session-cluster.txt", "java.lang.OutOfMemoryError: Metaspace.", None, 1),
    (
        "flink-k8s-native_job-exception_heartbeat-timeout_pod-exitcode-127.txt",
        "java.util.concurrent.TimeoutException: The heartbeat of TaskManager with id",
        dt.datetime(2026, 2, 26, 20, 4, 23),
        6,
    ),
    ("flink-1.15.2_k8s_cannot-deploy-task-rpc-timeout.txt", "java.lang.Exception: Cannot deploy task Source:", None, 4),
]


def parse_bytes(data: bytes, name: str = "trace.txt") -> FlinkParse:
    return parse_trace(read_lines(data, name).frame, name, data)


def accounted(parsed: FlinkParse) -> bool:
    return int(parsed.records["n_lines"].sum() or 0) + parsed.unparsed_lines == parsed.lines


@pytest.mark.parametrize(("name", "message", "ts_local", "lines"), CORPUS_TRACES)
def test_corpus_traces(
    flink_corpus: Path, tmp_path: Path, name: str, message: str, ts_local: dt.datetime | None, lines: int
) -> None:
    data = (flink_corpus / name).read_bytes()
    (found,) = discover([flink_corpus / name], flink_corpus)
    sniffed = sniff(found.label, found.head())
    assert (sniffed.kind, sniffed.layout) == (SourceKind.EXCEPTION_TRACE, "text")
    parsed = parse_bytes(data, name)
    assert parsed.records.schema == pl.Schema(RECORDS_SCHEMA)
    assert (parsed.lines, parsed.unparsed_lines, parsed.records.height) == (lines, 0, 1)
    assert accounted(parsed)
    record = parsed.records.row(0, named=True)
    assert record["message"].startswith(message)
    assert record["ts_local"] == ts_local
    assert (record["line"], record["n_lines"], record["level"], record["logger"]) == (1, lines, "ERROR", None)
    assert record["source"] == name


def test_wrapped_message_keeps_the_id_for_the_signals(flink_corpus: Path) -> None:
    name = "flink-k8s-native_job-exception_heartbeat-timeout_pod-exitcode-127.txt"
    record = parse_bytes((flink_corpus / name).read_bytes(), name).records.row(0, named=True)
    text = record["message"] + "\n" + record["detail"]
    assert "with id\napp1172097instance95734073-taskmanager-1-22 timed out." in text
    assert record["detail"].endswith("[flink-main-container(exitCode=127, reason=Error, message=null)]")


def test_several_traces_and_lines_before_them() -> None:
    data = (
        b"copied from the web UI:\n"
        b"\n"
        b"2024-11-19 20:21:55\n"
        b"org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n"
        b"\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(X.java:1)\n"
        b"Caused by: java.lang.OutOfMemoryError: Java heap space\n"
        b"\t... 25 more\n"
        b"2024-11-19 20:20:01.250\n"
        b"java.io.IOException: Insufficient number of network buffers\n"
        b"java.lang.IllegalStateException\n"
        b"    at a.B.c(B.java:1)\n"
    )
    parsed = parse_bytes(data)
    assert parsed.unparsed_lines == 2 and accounted(parsed)
    rows = parsed.records.select("line", "n_lines", "ts_local", "message", "detail").rows()
    assert rows == [
        (
            3,
            5,
            dt.datetime(2024, 11, 19, 20, 21, 55),
            "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy",
            "\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(X.java:1)\n"
            "Caused by: java.lang.OutOfMemoryError: Java heap space\n\t... 25 more",
        ),
        (
            8,
            2,
            dt.datetime(2024, 11, 19, 20, 20, 1, 250000),
            "java.io.IOException: Insufficient number of network buffers",
            None,
        ),
        (10, 2, None, "java.lang.IllegalStateException", "    at a.B.c(B.java:1)"),
    ]


ROOT = (
    "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id container_1_0001_01_000002 timed out.\n"
    "\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1299)\n"
)
TASK = "java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"


def rest_1_10() -> dict[str, object]:
    return {
        "root-exception": ROOT,
        "timestamp": 1732018915000,
        "all-exceptions": [
            {"exception": TASK, "task": "Map (1/2)", "location": "worker-2:45454", "timestamp": 1732018900000}
        ],
        "truncated": False,
    }


def rest_1_18() -> dict[str, object]:
    return {
        **rest_1_10(),
        "exceptionHistory": {
            "entries": [
                {
                    "exceptionName": "java.util.concurrent.TimeoutException",
                    "stacktrace": ROOT,
                    "timestamp": 1732018915000,
                    "taskName": None,
                    "location": None,
                    "taskManagerId": None,
                    "failureLabels": {},
                    "concurrentExceptions": [
                        {"exceptionName": "java.lang.OutOfMemoryError", "stacktrace": TASK, "timestamp": 1732018900000}
                    ],
                }
            ],
            "truncated": False,
        },
    }


def rest_2_0() -> dict[str, object]:
    history = rest_1_18()["exceptionHistory"]
    return {"exceptionHistory": history}


@pytest.mark.parametrize("document", [rest_1_10(), rest_1_18(), rest_2_0()], ids=["1.10", "1.13-1.20", "2.0"])
@pytest.mark.parametrize("indent", [None, 2])
def test_rest_api_json(document: dict[str, object], indent: int | None, tmp_path: Path) -> None:
    data = json.dumps(document, indent=indent).encode()
    (tmp_path / "exceptions.json").write_bytes(data)
    (found,) = discover([tmp_path / "exceptions.json"], tmp_path)
    sniffed = sniff(found.label, found.head())
    assert (sniffed.kind, sniffed.layout) == (SourceKind.EXCEPTION_TRACE, "rest_json")
    parsed = parse_bytes(data, "exceptions.json")
    assert accounted(parsed)
    rows = parsed.records.sort("ts_local").select("ts_local", "ts", "message", "level").rows()
    assert rows == [
        (
            dt.datetime(2024, 11, 19, 12, 21, 40),
            dt.datetime(2024, 11, 19, 12, 21, 40, tzinfo=dt.UTC),
            "java.lang.OutOfMemoryError: Java heap space",
            "ERROR",
        ),
        (
            dt.datetime(2024, 11, 19, 12, 21, 55),
            dt.datetime(2024, 11, 19, 12, 21, 55, tzinfo=dt.UTC),
            ROOT.splitlines()[0],
            "ERROR",
        ),
    ]
    if indent:
        assert parsed.records["line"].min() > 1  # a record starts on the line of its trace


def test_json_that_is_not_the_rest_api_is_not_a_trace() -> None:
    assert sniff("x.json", b'{"jobs": []}').kind is SourceKind.UNKNOWN
    parsed = parse_bytes(b'{"root-exception": null}\n')
    assert parsed.records.height == 0 and accounted(parsed)


def test_name_of_a_stdout_file_wins() -> None:
    assert sniff("taskmanager.err", TASK.encode()).kind is SourceKind.STDOUT
    assert sniff("saved.txt", TASK.encode()).kind is SourceKind.EXCEPTION_TRACE
    assert sniff("notes.txt", b"Exception handling is hard\n").kind is SourceKind.TEXT  # prose, not a trace


pieces = st.sampled_from(
    [
        b"2024-11-19 20:21:55\n",
        b"java.lang.IllegalStateException: boom\n",
        b"\tat a.B.c(B.java:1)\n",
        b"Caused by: x.y.ZError\n",
        b"\n",
        b"\r\n",
        b"{",
        b'"stacktrace": "a.BException\\n\\tat x"',
        b"\xff\xfe",
        b"\x00",
    ]
)
chunks = st.lists(st.one_of(st.binary(max_size=30), pieces), max_size=40).map(b"".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(chunks)
def test_any_bytes_parse_and_every_line_is_accounted_for(data: bytes) -> None:
    parsed = parse_bytes(data)
    assert accounted(parsed)
    assert parsed.records.schema == pl.Schema(RECORDS_SCHEMA)
    sniff("fuzz.txt", data[:65536])
