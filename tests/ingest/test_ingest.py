"""Discovery and sniffing: kinds by content, gzip, and every kind of bad input named with its reason."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from logforensics.errors import InputError
from logforensics.ingest.discover import common_root, discover, read_bounded
from logforensics.ingest.sniff import sniff
from logforensics.model import SourceKind

TM = (
    "2022-05-26 14:14:20,101 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting "
    "TaskManager with ResourceID: 10.136.100.48:35016-a4d337\n"
    "2022-05-26 14:14:20,201 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Connecting to "
    "ResourceManager akka.tcp://flink@localhost:6123/user/rpc/resourcemanager_*(00000000000000000000000000000000).\n"
)
JM = (
    "2022-05-27 16:13:00,165 INFO  org.apache.flink.runtime.jobmaster.JobMaster                 [] - Initializing job "
    "'Streaming WordCount' (f69c1ca4892ecbc08d4247ded254f467).\n"
    "2022-05-27 16:13:00,463 INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job Streaming "
    "WordCount (f69c1ca4892ecbc08d4247ded254f467) switched from state CREATED to RUNNING.\n"
)
GC = "[2023-03-14T10:12:01.123+0100][3600.123s][info][gc] GC(412) Pause Young (Normal) (G1 Evacuation Pause) 1800M->1750M(2048M) 35.123ms\n"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("whatever.txt", TM, SourceKind.FLINK_TASKMANAGER),  # by content, not by name
        ("taskmanager.log", JM, SourceKind.FLINK_JOBMANAGER),  # content wins over the name
        ("flink-root-standalonesession-0-vm01.log", JM, SourceKind.FLINK_JOBMANAGER),
        ("gc.log", GC, SourceKind.GC_LOG),
        ("taskmanager.out", "Generated number: 5\n", SourceKind.STDOUT),
        ("notes.txt", "hello world\n", SourceKind.TEXT),  # text without timestamps: read like .out
        ("notes.md", "hello world\n", SourceKind.UNKNOWN),
        ("empty.log", "", SourceKind.UNKNOWN),
    ],
)
def test_sniff_kind(name: str, content: str, kind: SourceKind) -> None:
    assert sniff(name, content.encode()).kind is kind


def test_sniff_binary_and_reasons() -> None:
    assert sniff("app.jar", b"PK\x03\x04" + bytes(range(256)) * 20).reason == "binary content, not a text log"
    assert sniff("empty.log", b"").reason == "empty file"


def test_gzip_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "taskmanager.log.1"  # a gzip without .gz in its name
    path.write_bytes(gzip.compress(TM.encode()))
    assert read_bounded(path).data == TM.encode()


def test_truncated_gzip_keeps_what_inflated(tmp_path: Path) -> None:
    path = tmp_path / "taskmanager.log.gz"
    blob = gzip.compress((TM * 2000).encode())
    path.write_bytes(blob[: len(blob) // 2])
    read = read_bounded(path)
    assert read.warnings and "truncated" in read.warnings[0]
    assert read.data.startswith(TM.encode())


def test_max_bytes_cuts_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_text(TM * 100)
    read = read_bounded(path, max_bytes=1000)
    assert len(read.data) == 1000
    assert "max-bytes" in read.warnings[0]


def test_discover_walks_folders_and_names_what_it_skips(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "taskmanager.log").write_text(TM)
    (tmp_path / "jobmanager.log").write_text(JM)
    (tmp_path / "logs.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    (tmp_path / "link.log").symlink_to(tmp_path / "jobmanager.log")
    os.mkfifo(tmp_path / "pipe.log")
    (tmp_path / "a" / "loop").symlink_to(tmp_path)  # a symlink loop must not trap the walk
    found = {f.label: f.skipped_reason for f in discover([tmp_path], common_root([tmp_path]))}
    assert found["a/taskmanager.log"] is None
    assert found["jobmanager.log"] is None
    assert "archive" in (found["logs.zip"] or "")
    assert "symbolic link" in (found["link.log"] or "")
    assert "FIFO" in (found["pipe.log"] or "")
    assert "symbolic link" in (found["a/loop"] or "")


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        discover([tmp_path / "nope"], tmp_path)
