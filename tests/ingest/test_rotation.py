"""Rotated parts of a log come oldest first, with a common group; the rest of the order is by label."""

from __future__ import annotations

import gzip
from pathlib import Path

from logforensics.ingest.discover import discover
from logforensics.ingest.rotation import rotation_key
from tests.ingest.helpers import tm_lines


def test_rotated_parts_oldest_first(tmp_path: Path) -> None:
    names = [
        "taskmanager.log",
        "taskmanager.log.1",
        "taskmanager.log.2",
        "taskmanager.log.10",
        "taskmanager.log.3.gz",
        "taskmanager.log.2024-01-01",
        "taskmanager.log.2023-12-31",
        "taskmanager.out",
        "flink-root-taskexecutor-0-vm01.log",
        "flink-root-taskexecutor-0-vm01.log.1",
        "gc.log.0",
        "gc.log.1",
        "gc.log.2.current",
    ]
    for name in names:
        data = tm_lines(3)
        (tmp_path / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    found = discover([tmp_path], tmp_path)
    assert [f.label for f in found] == [
        "flink-root-taskexecutor-0-vm01.log.1",
        "flink-root-taskexecutor-0-vm01.log",
        "gc.log.0",
        "gc.log.1",
        "gc.log.2.current",
        "taskmanager.log.2023-12-31",
        "taskmanager.log.2024-01-01",
        "taskmanager.log.10",
        "taskmanager.log.3.gz",
        "taskmanager.log.2",
        "taskmanager.log.1",
        "taskmanager.log",
        "taskmanager.out",
    ]
    groups = {f.label: f.group for f in found}
    assert groups["taskmanager.log.10"] == groups["taskmanager.log"] == "taskmanager.log"
    assert groups["taskmanager.out"] is None


def test_rotation_key_of_members_and_sections() -> None:
    assert rotation_key("x.tgz!/tm/taskmanager.log.2")[0] == "x.tgz!/tm/taskmanager.log"
    assert rotation_key("app.log#container_1_0001_01_000002/taskmanager.log")[0] == (
        "app.log#container_1_0001_01_000002/taskmanager.log"
    )
