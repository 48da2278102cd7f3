"""normalize_keys: one spelling per TaskManager, whichever way a line names it."""

from __future__ import annotations

import polars as pl

from logforensics.model import EVENTS_SCHEMA
from logforensics.timeline import normalize_keys


def events(*keys: dict[str, str | None]) -> pl.DataFrame:
    rows = []
    for line, fields in enumerate(keys, start=1):
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(kind="x", source="jobmanager.log", line=line, **fields)
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
