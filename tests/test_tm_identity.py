"""One TaskManager, one id: normalize_keys (one spelling, whichever way a line names it) and source_tm_ids (the
TaskManager a GC log belongs to)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from logforensics.api import analyze
from logforensics.model import EVENTS_SCHEMA, SourceKind
from logforensics.owners import run_starts, source_tm_ids, taskmanagers_beside
from logforensics.timeline import ParsedSource, _by_run, normalize_keys
from tests.test_gc_starts import _banner, info_line


def events(*keys: dict[str, object]) -> pl.DataFrame:
    rows = []
    for line, fields in enumerate(keys, start=1):
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(kind="x", source="jobmanager.log", line=line)
        row.update(fields)
        rows.append(row)
    return pl.DataFrame(rows, schema=EVENTS_SCHEMA)


def test_one_spelling_per_taskmanager() -> None:
    normalized = normalize_keys(
        events(
            {"tm_id": "container_e08_1_01_000002(host-1:8042)"},  # YARN: container with its (host:port)
            {"tm_id": "container_e08_1_01_000002."},  # end of a sentence
            {"tm_id": "flink-taskmanager-1-3"},  # Kubernetes pod
            {"tm_id": "org.apache.flink.runtime.taskexecutor.TaskExecutor"},  # not an id
            {"tm_id": None, "container_id": "container_e08_1_01_000003"},  # the container names the TaskManager
            {"tm_id": "172.18.0.3:33783-3e38f6", "pod": "given-pod"},  # a pod given by the line stays
            {},
        )
    ).select(pl.col("tm_id", "container_id", "pod").cast(pl.String))
    assert normalized.rows() == [
        ("container_e08_1_01_000002", "container_e08_1_01_000002", None),
        ("container_e08_1_01_000002", "container_e08_1_01_000002", None),
        ("flink-taskmanager-1-3", None, "flink-taskmanager-1-3"),
        (None, None, None),
        ("container_e08_1_01_000003", "container_e08_1_01_000003", None),
        ("172.18.0.3:33783-3e38f6", None, "given-pod"),
        (None, None, None),
    ]


def test_rows_keep_their_order_and_other_columns() -> None:
    frame = events(*({"tm_id": f"tm-{i % 3}(h:1)"} for i in range(50)))
    normalized = normalize_keys(frame)
    assert normalized.columns == frame.columns and normalized.schema == frame.schema
    assert normalized["line"].to_list() == list(range(1, 51))
    assert normalized["tm_id"].cast(pl.String).to_list() == [f"tm-{i % 3}" for i in range(50)]


# --- which TaskManager a GC log belongs to -------------------------------------------------------------------------


def _at(hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2024, 3, 11, hour, minute, second, tzinfo=dt.UTC)


def _started(*rows: tuple[str, str]) -> pl.DataFrame:
    return events(*({"kind": "tm_started", "source": source, "tm_id": tm_id} for source, tm_id in rows))


def test_a_gc_log_beside_two_taskmanager_runs_belongs_to_the_one_it_shares_time_with() -> None:
    # A standalone TaskManager restarted: each JVM start logs a new ResourceID, the old log was rotated, and the GC
    # log (overwritten at each JVM start) holds the new run.
    first = ParsedSource("tm/flink-taskexecutor-0.log.1", SourceKind.FLINK_TASKMANAGER, span=(_at(8), _at(10)))
    second = ParsedSource("tm/flink-taskexecutor-0.log", SourceKind.FLINK_TASKMANAGER, span=(_at(10, 5), _at(12)))
    gc_log = ParsedSource("tm/gc.log", SourceKind.GC_LOG, span=(_at(10, 6), _at(11, 50)))
    started = _started((first.path, "10.0.0.5:40001-aaaaaa"), (second.path, "10.0.0.5:40002-bbbbbb"))
    assert source_tm_ids([first, second, gc_log], started)[gc_log.path] == "10.0.0.5:40002-bbbbbb"


def test_a_gc_log_without_a_time_or_sharing_it_with_both_runs_or_neither_stays_without_a_taskmanager() -> None:
    first = ParsedSource("tm/taskmanager.log.1", SourceKind.FLINK_TASKMANAGER, span=(_at(8), _at(10)))
    second = ParsedSource("tm/taskmanager.log", SourceKind.FLINK_TASKMANAGER, span=(_at(10), _at(12)))
    started = _started((first.path, "tm-a"), (second.path, "tm-b"))
    uptime_only = ParsedSource("tm/gc.log", SourceKind.GC_LOG)
    both = ParsedSource("tm/gc-both.log", SourceKind.GC_LOG, span=(_at(9), _at(11)))  # may hold both runs
    neither = ParsedSource("tm/gc-later.log", SourceKind.GC_LOG, span=(_at(13), _at(14)))
    owners = source_tm_ids([first, second, uptime_only, both, neither], started)
    assert uptime_only.path not in owners and both.path not in owners and neither.path not in owners


def test_analyze_gives_the_gc_log_of_a_restarted_taskmanager_its_current_run(tmp_path: Path) -> None:
    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / "taskmanager.log.1").write_text(
        _banner(_at(8), "10.0.0.5:40001-aaaaaa") + info_line(_at(9, 59), "Stopping TaskExecutor")
    )
    (folder / "taskmanager.log").write_text(
        _banner(_at(10, 5), "10.0.0.5:40002-bbbbbb") + info_line(_at(11, 59), "Still running")
    )
    pauses = [
        f"[2024-03-11T{hour:02d}:{minute:02d}:00.000+0000][{index}.000s][info][gc] GC({index}) Pause Young (Normal) "
        "(G1 Evacuation Pause) 24M->4M(256M) 3.456ms\n"
        for index, (hour, minute) in enumerate([(10, 6), (10, 30), (11, 15)])
    ]
    (folder / "gc.log").write_text("".join(pauses))
    analysis = analyze([tmp_path], now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    (gc,) = analysis.gc
    assert gc.tm_id == "10.0.0.5:40002-bbbbbb"
    gc_events = analysis.events.filter(pl.col("source") == "tm/gc.log")
    assert set(gc_events["tm_id"].cast(pl.String).drop_nulls().to_list()) <= {"10.0.0.5:40002-bbbbbb"}


def test_events_of_a_gc_log_with_several_runs_take_the_run_that_started_last_before_them() -> None:
    first = ParsedSource("tm/taskmanager.log.1", SourceKind.FLINK_TASKMANAGER, span=(_at(8), _at(10)))
    second = ParsedSource("tm/taskmanager.log", SourceKind.FLINK_TASKMANAGER, span=(_at(10, 30), _at(12)))
    owners = {first.path: "tm-a", second.path: "tm-b", "other/gc.log": "tm-c"}
    runs = run_starts([first, second], owners, ["tm/gc.log", "other/gc.log"])
    assert runs == {"tm/gc.log": [(_at(8), "tm-a"), (_at(10, 30), "tm-b")]}  # an owned log keeps its owner
    gc_events = events(
        {"source": "tm/gc.log", "source_kind": "gc_log", "ts": _at(7, 59)},  # before any run: none
        {"source": "tm/gc.log", "source_kind": "gc_log", "ts": _at(9)},
        {"source": "tm/gc.log", "source_kind": "gc_log", "ts": _at(10, 15)},  # frozen past its log's last line
        {"source": "tm/gc.log", "source_kind": "gc_log", "ts": _at(11)},
        {"source": "tm/gc.log", "source_kind": "gc_log", "ts": None},
    )
    placed = _by_run(gc_events, runs).sort("line")
    assert placed["tm_id"].cast(pl.String).to_list() == [None, "tm-a", "tm-a", "tm-b", None]


def test_taskmanagers_that_ran_at_the_same_time_are_not_taken_for_runs_of_one() -> None:
    """A folder holding the logs of two TaskManagers that ran side by side: a GC log beside them could be either's,
    so neither its runs are placed with their banners nor are its events shared out between them."""
    one = ParsedSource("logs/taskexecutor-0.log", SourceKind.FLINK_TASKMANAGER, span=(_at(8), _at(12)))
    other = ParsedSource("logs/taskexecutor-1.log", SourceKind.FLINK_TASKMANAGER, span=(_at(9), _at(12)))
    owners = {one.path: "tm-0", other.path: "tm-1"}
    assert taskmanagers_beside("logs/gc.log", [one, other], owners) == set()
    assert run_starts([one, other], owners, ["logs/gc.log"]) == {}
    # The same two ids one after the other (a restart; the old JVM's last lines may overlap the new one's first):
    restarted = ParsedSource("logs/taskexecutor-1.log", SourceKind.FLINK_TASKMANAGER, span=(_at(11, 59, 30), _at(14)))
    assert taskmanagers_beside("logs/gc.log", [one, restarted], owners) == {"tm-0", "tm-1"}


def test_a_timed_gc_log_beside_taskmanagers_that_ran_side_by_side_has_no_owner() -> None:
    one = ParsedSource("logs/taskexecutor-0.log", SourceKind.FLINK_TASKMANAGER, span=(_at(8), _at(12)))
    other = ParsedSource("logs/taskexecutor-1.log", SourceKind.FLINK_TASKMANAGER, span=(_at(9), _at(12)))
    gc_log = ParsedSource("logs/gc.log", SourceKind.GC_LOG, span=(_at(8, 10), _at(8, 50)))  # only one's time
    started = _started((one.path, "tm-0"), (other.path, "tm-1"))
    assert gc_log.path not in source_tm_ids([one, other, gc_log], started)
