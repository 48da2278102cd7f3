"""The timeline's assembly: row order and the normalised keys, on frames built here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from logforensics.api import load_default_catalogue
from logforensics.model import EVENTS_SCHEMA, KEY_COLUMNS, SourceKind
from logforensics.timeline import assemble, normalize_keys

T0 = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def _event(seconds: float | None, source: str, line: int, kind: str = "tm_registered", **keys: str) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(EVENTS_SCHEMA)
    row.update(
        ts=None if seconds is None else T0 + dt.timedelta(seconds=seconds),
        ts_quality="exact" if seconds is not None else "missing",
        source=source,
        source_kind=SourceKind.FLINK_TASKMANAGER.value,
        line=line,
        kind=kind,
        family="lifecycle",
        level="INFO",
    )
    row.update({key: value for key, value in keys.items() if key in KEY_COLUMNS})
    return row


def test_the_timeline_is_ordered_by_time_then_source_name_then_line_untimed_last() -> None:
    # Categories met in reverse name order: their codes do not follow the names, the order must.
    pl.Series(["zz/taskmanager.log", "mm/taskmanager.log", "aa/taskmanager.log"], dtype=pl.Categorical)
    rows = [
        _event(None, "aa/taskmanager.log", 3),
        _event(5, "zz/taskmanager.log", 1),
        _event(5, "aa/taskmanager.log", 9),
        _event(5, "mm/taskmanager.log", 2),
        _event(5, "aa/taskmanager.log", 4, kind="tm_heartbeat_timeout"),
        _event(5, "aa/taskmanager.log", 4, kind="tm_registered"),  # same time, source and line: kept in given order
        _event(1, "zz/taskmanager.log", 7),
        _event(None, "mm/taskmanager.log", 1),
    ]
    timeline = assemble([pl.DataFrame(rows, schema=EVENTS_SCHEMA)], [], {}, load_default_catalogue())
    assert timeline.schema == pl.Schema(EVENTS_SCHEMA)
    got = [
        (None if ts is None else (ts - T0).seconds, source, line, kind)
        for ts, source, line, kind in timeline.select("ts", "source", "line", "kind").iter_rows()
    ]
    assert got == [
        (1, "zz/taskmanager.log", 7, "tm_registered"),
        (5, "aa/taskmanager.log", 4, "tm_heartbeat_timeout"),
        (5, "aa/taskmanager.log", 4, "tm_registered"),
        (5, "aa/taskmanager.log", 9, "tm_registered"),
        (5, "mm/taskmanager.log", 2, "tm_registered"),
        (5, "zz/taskmanager.log", 1, "tm_registered"),
        (None, "aa/taskmanager.log", 3, "tm_registered"),
        (None, "mm/taskmanager.log", 1, "tm_registered"),
    ]


def test_keys_are_normalised_beside_the_other_columns() -> None:
    rows = [
        _event(1, "a.log", 1, tm_id="container_e05_1642990216503_0004_01_000012(host:4242)"),
        _event(2, "a.log", 2, tm_id="flink-taskmanager-1-3"),
        _event(3, "a.log", 3, tm_id="org.apache.flink.runtime.taskexecutor.TaskExecutor"),
        _event(4, "a.log", 4, container_id="container_e05_1642990216503_0004_01_000013"),
        _event(5, "a.log", 5),
    ]
    events = pl.DataFrame(rows, schema=EVENTS_SCHEMA)
    normalized = normalize_keys(events)
    assert normalized.columns == events.columns and normalized.schema == events.schema
    assert normalized.drop("tm_id", "container_id", "pod").equals(events.drop("tm_id", "container_id", "pod"))
    assert normalized.select("tm_id", "container_id", "pod").rows() == [
        ("container_e05_1642990216503_0004_01_000012", "container_e05_1642990216503_0004_01_000012", None),
        ("flink-taskmanager-1-3", None, "flink-taskmanager-1-3"),
        (None, None, None),
        ("container_e05_1642990216503_0004_01_000013", "container_e05_1642990216503_0004_01_000013", None),
        (None, None, None),
    ]
