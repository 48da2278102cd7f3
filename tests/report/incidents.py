"""Small incidents written as log files, for report tests that need the whole pipeline (and a real browser).

- :func:`write_metrics_incident`: two TaskManagers whose logs carry MemoryLogger and Slf4jReporter metrics, a
  JobManager that deploys to them (so clock skew can be read: TaskManager 2's clock is 3 s ahead), checkpoints that
  complete and then expire.
- :func:`write_hostile_incident`: log lines that try to break out of the page: ``<script>``, ``</script>``,
  ``<img onerror=...>``, ``{{ }}``, U+2028 / U+2029 and a 1 MB line. Every payload sets ``window.__pwned`` if it runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

T0 = dt.datetime(2024, 5, 2, 10, 0, 0)
JOB_ID = "5d4f2a0c8e1b4f7a9c3e2d1b0a9f8e7d"
TM_IDS = ("10.0.0.11:41001-aaaaaa", "10.0.0.12:41002-bbbbbb")
RUNNER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner     "
EXECUTOR = "org.apache.flink.runtime.taskexecutor.TaskExecutor          "
REPORTER = "org.apache.flink.metrics.slf4j.Slf4jReporter               "
COORDINATOR = "org.apache.flink.runtime.checkpoint.CheckpointCoordinator   "
GRAPH = "org.apache.flink.runtime.executiongraph.ExecutionGraph      "
RM = "org.apache.flink.runtime.resourcemanager.StandaloneResourceManager"


def line(at: dt.datetime, logger: str, message: str, level: str = "INFO") -> str:
    """A log4j2 line in Flink's default layout."""
    return f"{at:%Y-%m-%d %H:%M:%S},{at.microsecond // 1000:03d} {level:<5} {logger} [] - {message}"


def _tm_log(index: int, tm_id: str, skew: dt.timedelta) -> str:
    lines = [
        line(T0 + skew, RUNNER, f"Starting TaskManager with ResourceID: {tm_id}"),
        line(
            T0 + skew + dt.timedelta(seconds=1),
            EXECUTOR,
            "Successful registration at resource manager akka.tcp://flink@jm:6123/user/rpc/resourcemanager_* "
            f"under registration id {index:032x}.",
        ),
        line(
            T0 + skew + dt.timedelta(seconds=5, milliseconds=30),
            EXECUTOR,
            f"Received task Map ({index + 1}/2)#0 ({index:032x}), deploy into slot with allocation id {index:032x}.",
        ),
    ]
    gc_ms = 0
    for step in range(60):
        at = T0 + skew + dt.timedelta(seconds=10 + step * 10)
        heap = 300 + step * (12 if index == 1 else 4)
        gc_ms += 40 + (step * 30 if index == 1 else 5)
        lines += [
            line(
                at,
                RUNNER,
                f"Memory usage stats: [HEAP: {heap}/1024/1024 MB, NON HEAP: 98/101/-1 MB (used/committed/max)]",
            ),
            line(
                at,
                RUNNER,
                f"Direct memory stats: Count: 40, Total Capacity: {64 << 20}, Used Memory: {(20 + step) << 20}",
            ),
            line(
                at,
                RUNNER,
                f"Garbage collector stats: [G1 Young Generation, GC TIME (ms): {gc_ms}, GC COUNT: {step}], "
                "[G1 Old Generation, GC TIME (ms): 0, GC COUNT: 0]",
            ),
        ]
        report = at + dt.timedelta(seconds=5)
        lines += [
            line(report, REPORTER, ""),
            "=========================== Starting metrics report ===========================",
            "",
            "-- Gauges ---------------------------------------------------------------------",
            f"host-{index}.taskmanager.{tm_id}.Status.JVM.CPU.Load: {0.2 + step / 100 * (1.2 if index == 1 else 0.6):.3f}",
            f"host-{index}.taskmanager.{tm_id}.job.Map.{index}.backPressuredTimeMsPerSecond: {min(1000, step * 20 * index)}",
            "",
            "=========================== Finished metrics report ===========================",
        ]
    return "\n".join(lines) + "\n"


def _jm_log() -> str:
    lines = [
        line(
            T0 - dt.timedelta(seconds=5),
            "org.apache.flink.runtime.entrypoint.ClusterEntrypoint",
            "Starting StandaloneSessionClusterEntrypoint.",
        )
    ]
    for index, tm_id in enumerate(TM_IDS):
        lines.append(
            line(
                T0 + dt.timedelta(milliseconds=980),
                RM,
                f"Registering TaskManager with ResourceID {tm_id} (akka.tcp://flink@{tm_id.split(':')[0]}:41000/user/rpc/taskmanager_0) at ResourceManager",
            )
        )
        lines.append(
            line(
                T0 + dt.timedelta(seconds=5),
                GRAPH,
                f"Deploying Map ({index + 1}/2) (attempt #0) with attempt id {index:032x} and vertex id "
                f"{index:032x}_0 to {tm_id} @ host-{index} (dataPort=1234) with allocation id {index:032x}",
            )
        )
    for checkpoint in range(1, 9):
        at = T0 + dt.timedelta(seconds=60 * checkpoint)
        lines.append(
            line(
                at,
                COORDINATOR,
                f"Triggering checkpoint {checkpoint} (type=CheckpointType{{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}}) @ {int(at.timestamp() * 1000)} for job {JOB_ID}.",
            )
        )
        if checkpoint <= 6:
            duration = 800 * checkpoint
            lines.append(
                line(
                    at + dt.timedelta(milliseconds=duration),
                    COORDINATOR,
                    f"Completed checkpoint {checkpoint} for job {JOB_ID} ({(100 + checkpoint) << 20} bytes, "
                    f"checkpointDuration={duration} ms, finalizationTime=3 ms).",
                )
            )
        elif checkpoint == 7:
            lines.append(
                line(
                    at + dt.timedelta(seconds=50),
                    COORDINATOR,
                    f"Checkpoint {checkpoint} of job {JOB_ID} expired before completing.",
                )
            )
    return "\n".join(sorted(lines)) + "\n"


def write_metrics_incident(folder: Path) -> Path:
    """Two TaskManager logs with metrics (TaskManager 2's clock 3 s ahead) and a JobManager log; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobmanager.log").write_text(_jm_log(), encoding="utf-8")
    for index, tm_id in enumerate(TM_IDS):
        skew = dt.timedelta(seconds=3) if index == 1 else dt.timedelta(0)
        (folder / f"tm-{index + 1}").mkdir(exist_ok=True)
        (folder / f"tm-{index + 1}" / "taskmanager.log").write_text(_tm_log(index, tm_id, skew), encoding="utf-8")
    return folder


# --- hostile text ------------------------------------------------------------------------------------------------

PAYLOADS = (
    "<script>window.__pwned = 1</script>",
    "</script><script>window.__pwned = 2</script>",
    '<img src=x onerror="window.__pwned = 3">',
    "{{ 7*7 }} {% raw %}",
    "line\u2028separator\u2029paragraph",
    "</style><b id=pwned-bold>bold</b>",
    '" onmouseover="window.__pwned = 4',
)
HOSTILE_TM = "10.9.9.9:40000-c0ffee"
HOSTILE_FILE_NAME = '<img src=x onerror="window.__pwned=5">{{ 7*7 }}.log'
"""A TaskManager log whose very name is markup."""
LONG_LINE_CHARS = 1_000_000


def write_hostile_incident(folder: Path) -> Path:
    """A JobManager log whose heartbeat timeout, task failure and exception texts carry every payload, and a 1 MB
    line; returns ``folder``."""
    payload = " ".join(PAYLOADS)
    at = T0
    lines = [
        line(
            at, "org.apache.flink.runtime.entrypoint.ClusterEntrypoint", "Starting StandaloneSessionClusterEntrypoint."
        ),
        line(
            at + dt.timedelta(seconds=1),
            "org.apache.flink.runtime.jobmaster.JobMaster                 ",
            f"Heartbeat of TaskManager with id {HOSTILE_TM} timed out. {payload}",
        ),
        line(
            at + dt.timedelta(seconds=2),
            GRAPH,
            f"Map (1/2) (0123456789abcdef0123456789abcdef) switched from RUNNING to FAILED on {HOSTILE_TM} @ host "
            f"(dataPort=1). {payload}",
            "WARN",
        ),
        f"java.lang.IllegalStateException: {payload}",
        "\tat org.example.Evil.run(Evil.java:1)",
        f"Caused by: java.lang.RuntimeException: {payload}",
        "\t... 1 more",
        line(
            at + dt.timedelta(seconds=3),
            GRAPH,
            f"Job evil-job ({JOB_ID}) switched from state RUNNING to RESTARTING. " + "x" * LONG_LINE_CHARS,
        ),
        line(
            at + dt.timedelta(seconds=4), GRAPH, f"Job evil-job ({JOB_ID}) switched from state RESTARTING to RUNNING."
        ),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobmanager.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tm_lines = [
        line(at, RUNNER, f"Starting TaskManager with ResourceID: {HOSTILE_TM}"),
        line(at + dt.timedelta(seconds=1), EXECUTOR, f"Close JobManager connection for job {JOB_ID}. {payload}"),
        f"java.lang.OutOfMemoryError: Java heap space {payload}",
        "\tat org.example.Evil.allocate(Evil.java:2)",
    ]
    (folder / HOSTILE_FILE_NAME).write_text("\n".join(tm_lines) + "\n", encoding="utf-8")
    return folder
