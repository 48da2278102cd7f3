"""Exception traces grouped by masked signature: real corpus traces, masking, benign whitelist, robustness, speed."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.model import RECORDS_SCHEMA
from logforensics.parsers.exceptions import BENIGN_PATTERNS, NO_EXCEPTION_LINE, group_exceptions, mask
from logforensics.parsers.flink import localize, parse_flink, parse_plain
from logforensics.parsers.lines import read_lines

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "flink"


def corpus_records(name: str) -> pl.DataFrame:
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    lines = read_lines((CORPUS / name).read_bytes(), name).frame
    # Saved traces (.txt) have no log headers: ingest reads them as plain text, one record per non-continuation line.
    parse = parse_plain if name.endswith(".txt") else parse_flink
    return localize(parse(lines, name).records, "UTC")


def records_of(text: str, source: str = "jm.log") -> pl.DataFrame:
    return localize(parse_flink(read_lines(text.encode(), source).frame, source).records, "UTC")


def test_corpus_113_heartbeat_timeout_behind_recovery_is_suppressed() -> None:
    name = "flink-1.13_yarn-session_job-exception_heartbeat-timeout_failure-rate-exhausted.txt"
    (group,) = group_exceptions(corpus_records(name))
    assert group.exception == (
        "org.apache.flink.runtime.JobException: Recovery is suppressed by FailureRateRestartBackoffTimeStrategy("
        "FailureRateRestartBackoffTimeStrategy(failuresIntervalMS=<n>,backoffTimeMS=<n>,maxFailuresPerInterval=<n>)"
    )
    assert (
        group.root_cause
        == "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id <container> timed out."
    )
    assert group.signature == (
        "org.apache.flink.runtime.JobException | "
        "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id <container> timed out. | "
        "org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout"
    )
    assert (group.count, group.example_source, group.example_line) == (1, name, 2)
    assert (group.first_ts, group.last_ts) == (None, None)
    # "Recovery is suppressed" is context: the heartbeat timeout it wraps is no noise.
    assert group.benign is False
    assert group.example.startswith("org.apache.flink.runtime.JobException: Recovery is suppressed")
    assert group.example.endswith("\t... 25 more")


def test_corpus_1172_s3_credentials() -> None:
    name = "flink-1.17.2_k8s-operator_jobmanager_task-failed-s3-no-credentials.log"
    (group,) = group_exceptions(corpus_records(name))
    assert group.exception.startswith(
        "java.nio.file.AccessDeniedException: <path>: org.apache.hadoop.fs.s3a.auth.NoAuthWithAWSException: "
        "No AWS Credentials provided by DynamicTemporaryAWSCredentialsProvider"
    )
    assert group.root_cause == group.exception  # no Caused by
    assert group.signature.endswith(
        " | org.apache.hadoop.fs.s3a.S3AUtils.translateException < org.apache.hadoop.fs.s3a.Invoker.once"
        " < org.apache.hadoop.fs.s3a.Invoker.lambda$retry$4"
    )
    ts = dt.datetime(2024, 6, 14, 12, 57, 42, 972000, tzinfo=dt.UTC)
    assert (group.count, group.first_ts, group.last_ts, group.example_line) == (1, ts, ts, 1)
    assert group.example.startswith("java.nio.file.AccessDeniedException: sink-to-s3-with-parquet/2024-06-14--12/")
    assert group.example.endswith("at java.lang.Thread.run(Unknown Source) ~[?:?]")
    assert not group.benign


def test_corpus_1144_frames_without_an_exception_line() -> None:
    name = "flink-1.14.4_jobmanager_job-restarting-interleaved.log"
    (group,) = group_exceptions(corpus_records(name))
    assert group.exception == group.root_cause == NO_EXCEPTION_LINE
    assert group.signature == (
        "<no exception line> | <no exception line> | java.lang.Thread.run < "
        "org.apache.flink.runtime.taskmanager.Task.run < org.apache.flink.runtime.taskmanager.Task.doRun"
    )
    assert (group.count, group.example_line) == (1, 2)
    assert group.first_ts == dt.datetime(2022, 6, 2, 12, 11, 54, 944000, tzinfo=dt.UTC)


def test_corpus_bare_exception_lines_group_together() -> None:
    name = "flink-1.9-local_log4j1_task-failed-kafka-unsupported-version.log"
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    # Time-only timestamps are no Flink headers: read as plain text, each exception line is a bare trace.
    records = parse_plain(read_lines((CORPUS / name).read_bytes(), name).frame, name).records
    (group,) = group_exceptions(records)
    assert group.count == 2
    assert group.example_line == 2
    assert group.root_cause == (
        "org.apache.kafka.common.errors.UnsupportedVersionException: Cannot create a v0 FindCoordinator request "
        "because we require features supported only in <n> or later."
    )


def test_corpus_caused_by_without_exception_line_and_pekko_resource_id() -> None:
    (akka,) = group_exceptions(corpus_records("flink-1.12_akka-endpointwriter-dropping-message_heartbeat-timeout.txt"))
    assert akka.exception == NO_EXCEPTION_LINE
    assert akka.root_cause == "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id <id> timed out."
    assert akka.example.startswith("Caused by: java.util.concurrent.TimeoutException")
    (pekko,) = group_exceptions(
        corpus_records("flink-1.19plus_pekko_job-exception_heartbeat-timeout-standalone-docker.txt")
    )
    assert (
        pekko.root_cause
        == "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id <resource_id> timed out."
    )
    # JDK 9+ module prefixes are dropped from frames.
    assert pekko.signature.endswith("< java.util.concurrent.Executors$RunnableAdapter.call")


def test_every_corpus_file_goes_through() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    names = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".log", ".txt"))
    groups = {name: group_exceptions(corpus_records(name)) for name in names}
    assert not groups["flink-2.0.0_docker-session_taskexecutor_startup-register-run.log"]
    assert sum(len(g) for g in groups.values()) >= 10


HEADER = "2024-03-01 10:00:{s:02d},000 INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph [] - "


def failure(second: int, attempt_id: str, host: str, n: int, container: str, uuid: str, extra: str = "") -> str:
    return "\n".join(
        [
            HEADER.format(s=second)
            + f"Map (2/4)#{n} ({attempt_id}) switched from RUNNING to FAILED on {host}:41234-a1b2c3 @ {host} (dataPort=46669).",
            f"org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Lost connection to task manager '{host}/{host}:41234'. This indicates that the remote task manager was lost.",
            "\tat org.apache.flink.runtime.io.network.netty.CreditBasedPartitionRequestClientHandler.exceptionCaught(CreditBasedPartitionRequestClientHandler.java:160) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeExceptionCaught(AbstractChannelHandlerContext.java:302) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeExceptionCaught(AbstractChannelHandlerContext.java:281) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.fireExceptionCaught(AbstractChannelHandlerContext.java:273) ~[flink-dist-1.17.2.jar:1.17.2]",
            f"Caused by: org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors$NativeIoException: readAddress(..) failed: Connection reset by peer {host}:{40000 + n} container {container} file /tmp/flink-io-{uuid}/x.channel obj java.lang.Object@{n:x}a1f3{extra}",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors.newIOException(Errors.java:117) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors.ioResult(Errors.java:138) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.epoll.AbstractEpollStreamChannel$EpollStreamUnsafe.epollInReady(AbstractEpollStreamChannel.java:800) ~[flink-dist-1.17.2.jar:1.17.2]",
            "\tat org.apache.flink.shaded.netty4.io.netty.channel.epoll.EpollEventLoop.run(EpollEventLoop.java:499) ~[flink-dist-1.17.2.jar:1.17.2]",
        ]
    )


def test_traces_that_differ_only_in_ids_attempts_and_addresses_are_one_group() -> None:
    text = "\n".join(
        [
            failure(
                1,
                "d5f95564f73a98ae321dd9c13d7a2ff5_cbc357ccb763df2852fee8c4fc7d55f2_1_36",
                "10.244.0.79",
                3,
                "container_e10_1634010428940_125776_01_000003(bdnode102.hjq.com:46324)",
                "8b60ac7b-df3b-481f-9c53-e8a1f59015ee",
            ),
            failure(
                2,
                "0123456789abcdef0123456789abcdef_fedcba9876543210fedcba9876543210_3_0",
                "172.18.0.3",
                41,
                "container_1732018516864_0001_01_000012",
                "00000000-1111-2222-3333-444444444444",
            ),
            failure(
                3,
                "0123456789abcdef0123456789abcdef_fedcba9876543210fedcba9876543210_3_1",
                "172.18.0.3",
                42,
                "container_1732018516864_0001_01_000012",
                "00000000-1111-2222-3333-444444444444",
                extra=" and the disk is full",
            ),
        ]
    )
    groups = group_exceptions(records_of(text))
    assert [g.count for g in groups] == [2, 1]
    first, second = groups
    assert first.root_cause == (
        "org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors$NativeIoException: readAddress(..) failed: "
        "Connection reset by peer <host:port> container <container> file <path> obj java.lang.Object@<hash>"
    )
    assert first.exception == (
        "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Lost connection to task "
        "manager '<path>'. This indicates that the remote task manager was lost."
    )
    assert first.signature.endswith(
        " | org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors.newIOException"
        " < org.apache.flink.shaded.netty4.io.netty.channel.unix.Errors.ioResult"
        " < org.apache.flink.shaded.netty4.io.netty.channel.epoll.AbstractEpollStreamChannel$EpollStreamUnsafe.epollInReady"
    )
    assert (first.example_line, first.first_ts, first.last_ts) == (
        1,
        dt.datetime(2024, 3, 1, 10, 0, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1, 10, 0, 2, tzinfo=dt.UTC),
    )
    assert second.root_cause.endswith("@<hash> and the disk is full")
    assert second.example_line == 23  # 11 lines per record


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "Task d5f95564f73a98ae321dd9c13d7a2ff5_cbc357ccb763df2852fee8c4fc7d55f2_1_36 failed",
            "Task <attempt_id> failed",
        ),
        ("job 4b33dfa6c1b2bd7f6a4a1d3e1a9aa9f2 gone", "job <id> gone"),
        ("at akka.tcp://flink@192.168.0.4:6123/user/rpc/jobmanager_2#1283715547]", "at <uri>]"),
        ("file 'hdfs://nn:8020/flink/ckpt/chk-42' missing", "file '<path>' missing"),
        ("no /opt/flink/lib/x.jar here", "no <path> here"),
        ("Source: Kafka (3/12)#2 failed", "Source: Kafka (<subtask>)#<n> failed"),
        ("slot SingleLogicalSlot@26f721c7 released", "slot SingleLogicalSlot@<hash> released"),
        ("peer 10.1.2.3 and 10.1.2.3:45678 and hadoop164:45588", "peer <ip> and <host:port> and <host:port>"),
        ("TM 172.18.0.3:33783-3e38f6 lost", "TM <resource_id> lost"),
        ("pod app-taskmanager-1-22 after 10000ms, 3 retries", "pod app-taskmanager-<n>-<n> after <n>ms, <n> retries"),
        ("run 550e8400-e29b-41d4-a716-446655440000 blob deadbeef1234 s3a", "run <uuid> blob <hex> s3a"),
        (
            "Container container_e10_1634010428940_125776_01_000003(bdnode102.hjq.com:46324) lost",
            "Container <container> lost",
        ),
    ],
)
def test_masking(text: str, masked: str) -> None:
    assert pl.select(mask(pl.lit(text))).item() == masked


def trace_record(message: str, trace: str, line: int = 1) -> str:
    return "\n".join([HEADER.format(s=line % 60) + message, trace])


@pytest.mark.parametrize(
    ("message", "trace", "benign"),
    [
        (
            "Task X switched from RUNNING to CANCELED.",
            "java.util.concurrent.CancellationException\n\tat a.B.c(B.java:1)",
            True,
        ),
        (
            "Error while canceling task Source (1/1).",
            "java.lang.InterruptedException: sleep interrupted\n\tat java.lang.Thread.sleep(Native Method)",
            True,
        ),
        (
            "Operator failed.",
            "java.lang.InterruptedException: sleep interrupted\n\tat java.lang.Thread.sleep(Native Method)",
            False,
        ),
        (
            "Job failed.",
            "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n\tat a.B.c(B.java:1)\n"
            "Caused by: org.apache.flink.runtime.rpc.exceptions.RecipientUnreachableException: Could not send message",
            True,
        ),
        (
            "Job failed.",
            "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n\tat a.B.c(B.java:1)\n"
            "Caused by: java.lang.OutOfMemoryError: Java heap space",
            False,
        ),
        (
            "Could not commit.",
            "org.apache.kafka.clients.consumer.RetriableCommitFailedException: Offset commit failed",
            True,
        ),
        ("Failed.", "java.lang.IllegalStateException: Buffer pool is destroyed.\n\tat a.B.c(B.java:1)", True),
        (
            "Failed.",
            "akka.pattern.AskTimeoutException: Ask timed out on [Actor[akka://flink/user/rpc/x#1]] after [10000 ms].",
            True,
        ),
    ],
)
def test_benign_whitelist(message: str, trace: str, benign: bool) -> None:
    (group,) = group_exceptions(records_of(trace_record(message, trace)))
    assert group.benign is benign


def test_benign_list_is_data_with_known_scopes() -> None:
    assert len(BENIGN_PATTERNS) >= 14
    assert {scope for _, scope in BENIGN_PATTERNS} <= {"any", "root", "context"}
    assert any("Recovery is suppressed" in p and scope == "context" for p, scope in BENIGN_PATTERNS)


def test_suppressed_caused_by_is_not_the_root_and_sorting_and_cap() -> None:
    nested = "\n".join(
        [
            "java.io.IOException: Could not flush",
            "\tat a.B.flush(B.java:1)",
            "\tSuppressed: java.lang.IllegalStateException: closing",
            "\t\tat a.B.close(B.java:2)",
            "\tCaused by: java.lang.RuntimeException: inner of suppressed",
            "Caused by: java.net.SocketException: Broken pipe (Write failed)",
            "\tat java.net.SocketOutputStream.socketWrite0(Native Method)",
        ]
    )
    other = "java.lang.NullPointerException\n\tat a.C.d(C.java:9)"
    text = "\n".join(
        [
            trace_record("one", other, 1),
            trace_record("two", nested, 2),
            trace_record("three", nested, 3),
        ]
    )
    groups = group_exceptions(records_of(text), example_cap=20)
    assert [(g.count, g.root_cause) for g in groups] == [
        (2, "java.net.SocketException: Broken pipe (Write failed)"),
        (1, "java.lang.NullPointerException"),
    ]
    assert (
        groups[0].signature
        == "java.io.IOException | java.net.SocketException: Broken pipe (Write failed) | java.net.SocketOutputStream.socketWrite0"
    )
    assert groups[0].example == nested[:20]
    assert groups[1].exception == "java.lang.NullPointerException"


def test_no_traces() -> None:
    assert group_exceptions(pl.DataFrame(schema=RECORDS_SCHEMA)) == ()
    plain = records_of(HEADER.format(s=1) + "TimeoutError: not Java\n  some indented text with Exception in it")
    assert group_exceptions(plain) == ()


def _records(messages: list[str | None], details: list[str | None]) -> pl.DataFrame:
    n = len(messages)
    base = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return pl.DataFrame(
        {
            "source": ["s"] * n,
            "line": list(range(1, n + 1)),
            "n_lines": [1] * n,
            "ts": [base + dt.timedelta(seconds=i) if i % 3 else None for i in range(n)],
            "ts_local": [None] * n,
            "level": ["ERROR"] * n,
            "logger": [None] * n,
            "message": messages,
            "detail": details,
        },
        schema=RECORDS_SCHEMA,
    )


fragments = st.sampled_from(
    [
        "java.lang.RuntimeException",
        "a.BError",
        ": ",
        "\n",
        "\tat a.B.c(B.java:1)",
        "at ",
        "Caused by: ",
        "\nCaused by: ",
        "\t... 3 more",
        "Suppressed: ",
        "(1/4)",
        "#3",
        "'/x/y'",
        "10.0.0.1:6123",
        "container_1_2_3_4",
        "cancel",
        "$$Lambda$12/0x1",
        "\r",
        "\x00",
    ]
)
texts = st.lists(st.one_of(st.text(max_size=12), fragments), max_size=20).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.tuples(st.none() | texts, st.none() | texts), max_size=6), st.integers(min_value=-5, max_value=50))
def test_never_raises_on_arbitrary_text(pairs: list[tuple[str | None, str | None]], cap: int) -> None:
    records = _records([m for m, _ in pairs], [d for _, d in pairs])
    groups = group_exceptions(records, example_cap=cap)
    assert sum(g.count for g in groups) <= records.height
    assert all(len(g.example) <= max(cap, 0) for g in groups)
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)


def test_100k_records_of_mixed_content() -> None:
    """Speed check (reported, not asserted): 100k records, 2% with a 2x40-frame trace, 3 distinct roots."""
    n = 100_000
    frames = "\n".join(
        f"\tat org.apache.flink.runtime.Foo{i}.bar(Foo.java:{i}) ~[flink-dist-1.17.2.jar:1.17.2]" for i in range(40)
    )
    roots = [
        "java.io.IOException: Connection reset by 10.0.0.{i}:{p}",
        "java.lang.OutOfMemoryError: Java heap space",
        "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id container_1_2_3_{i} timed out.",
    ]
    messages: list[str | None] = []
    details: list[str | None] = []
    for i in range(n):
        if i % 50 == 0:
            root = roots[(i // 50) % 3].format(i=i % 250, p=1000 + i % 5000)
            messages.append(
                f"Map (1/4)#{i % 7} ({i:032x}) switched from RUNNING to FAILED on 10.0.0.{i % 250}:6121-abcdef."
            )
            details.append(
                f"java.lang.RuntimeException: boom {i}\n{frames}\nCaused by: {root}\n{frames}\n\t... 12 more"
            )
        else:
            messages.append(f"Triggering checkpoint {i} (type=CHECKPOINT) @ 1700000000000 for job {i:032x}.")
            details.append(None)
    records = _records(messages, details)
    start = time.perf_counter()
    groups = group_exceptions(records)
    elapsed = time.perf_counter() - start
    print(f"\ngroup_exceptions on {n} records ({n // 50} traces of ~7 KB): {elapsed:.3f} s, {len(groups)} groups")
    assert [g.count for g in groups] == [667, 667, 666]


def test_a_caused_by_that_is_no_exception_line_still_names_the_root() -> None:
    trace = "java.lang.RuntimeException: a\n\tat a.B.c(B.java:1)\nCaused by: something weird 1234\n\tat x.Y.z(Y.java:3)"
    (group,) = group_exceptions(records_of(trace_record("oops", trace)))
    assert group.root_cause == "something weird <n>"
    assert group.signature == "java.lang.RuntimeException | something weird <n> | x.Y.z"
