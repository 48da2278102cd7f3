"""YARN aggregated dumps: one input per (container, log type), bytes read in place, LogLength checked, not trusted."""

from __future__ import annotations

import gzip
import re
import tarfile
from pathlib import Path

from logforensics.ingest.aggregated import looks_like_dump
from logforensics.ingest.discover import Found, discover
from logforensics.ingest.sniff import sniff
from logforensics.model import SourceKind
from tests.ingest.helpers import CONTAINER_JM, CONTAINER_TM, add_member, jm_lines, tm_lines, yarn_section

APP = "application_1669378398064_0904.log"
JM_LOG = jm_lines(300)
TM_LOG = tm_lines(2000)
TM_OUT = b"Generated number: 5\nGenerated number: 7\n"
LAUNCH = b'#!/bin/bash\nexport JAVA_HOME=/usr/lib/jvm/java\nexec /bin/bash -c "$JAVA_HOME/bin/java ..."\n'


def hadoop3_dump() -> bytes:
    return b"".join(
        [
            yarn_section(CONTAINER_JM, "worker-1.example.com_45454", "jobmanager.log", JM_LOG),
            yarn_section(CONTAINER_JM, "worker-1.example.com_45454", "launch_container.sh", LAUNCH),
            yarn_section(CONTAINER_TM, "worker-2.example.com_45454", "taskmanager.log", TM_LOG),
            yarn_section(CONTAINER_TM, "worker-2.example.com_45454", "taskmanager.out", TM_OUT),
            yarn_section(CONTAINER_TM, "worker-2.example.com_45454", "taskmanager.err", b""),
        ]
    )


def hadoop2_dump() -> bytes:
    """Hadoop 2: one ``Container:`` line per container, ``Log Contents:``, no newline of its own before the end."""
    return b"".join(
        [
            yarn_section(CONTAINER_JM, "worker-1_45454", "jobmanager.log", JM_LOG, hadoop3=False),
            yarn_section(CONTAINER_TM, "worker-2_45454", "taskmanager.log", TM_LOG, hadoop3=False),
            yarn_section(CONTAINER_TM, "worker-2_45454", "taskmanager.out", TM_OUT, hadoop3=False, header=False),
        ]
    )


EXPECTED = {
    f"{CONTAINER_JM}/jobmanager.log": JM_LOG,
    f"{CONTAINER_JM}/launch_container.sh": LAUNCH,
    f"{CONTAINER_TM}/taskmanager.log": TM_LOG,
    f"{CONTAINER_TM}/taskmanager.out": TM_OUT,
    f"{CONTAINER_TM}/taskmanager.err": b"",
}


def by_label(items: list[Found]) -> dict[str, Found]:
    return {f.label: f for f in items}


def test_hadoop3_dump_is_split_per_container_and_log_type(tmp_path: Path) -> None:
    (tmp_path / APP).write_bytes(hadoop3_dump())
    found = by_label(discover([tmp_path / APP], tmp_path))
    assert sorted(found) == sorted(f"{APP}#{name}" for name in EXPECTED)
    for name, content in EXPECTED.items():
        item = found[f"{APP}#{name}"]
        read = item.read(1 << 30)
        assert read.data == content, name
        assert read.warnings == ()
        assert item.head() == content[:65536]
        assert item.size == len(content)
    kinds = {name: sniff(label, found[label].head()) for label in found for name in [label.split("#", 1)[1]]}
    assert kinds[f"{CONTAINER_JM}/jobmanager.log"].kind is SourceKind.FLINK_JOBMANAGER
    assert kinds[f"{CONTAINER_TM}/taskmanager.log"].kind is SourceKind.FLINK_TASKMANAGER
    assert kinds[f"{CONTAINER_TM}/taskmanager.out"].kind is SourceKind.STDOUT
    assert kinds[f"{CONTAINER_TM}/taskmanager.err"].reason == "empty file"
    # The timeline maps a TaskManager log to its container by the id in the label.
    assert re.search(r"(container_(?:e\d+_)?\d+_\d+_\d+_\d+)", f"{APP}#{CONTAINER_TM}/taskmanager.log")


def test_hadoop2_dump(tmp_path: Path) -> None:
    (tmp_path / APP).write_bytes(hadoop2_dump())
    found = by_label(discover([tmp_path / APP], tmp_path))
    assert sorted(found) == [
        f"{APP}#{CONTAINER_JM}/jobmanager.log",
        f"{APP}#{CONTAINER_TM}/taskmanager.log",
        f"{APP}#{CONTAINER_TM}/taskmanager.out",
    ]
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.log"].read(1 << 30).data == TM_LOG
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.out"].read(1 << 30).data == TM_OUT


def test_wrong_or_missing_log_length_falls_back_to_the_end_line(tmp_path: Path) -> None:
    dump = (
        yarn_section(CONTAINER_JM, "w1_1", "jobmanager.log", JM_LOG, length=17)
        + yarn_section(CONTAINER_TM, "w2_1", "taskmanager.log", TM_LOG, length=len(TM_LOG) + 999)
        + yarn_section(CONTAINER_TM, "w2_1", "taskmanager.out", TM_OUT).replace(b"LogLength:%d\n" % len(TM_OUT), b"")
    )
    (tmp_path / APP).write_bytes(dump)
    found = by_label(discover([tmp_path / APP], tmp_path))
    jm = found[f"{APP}#{CONTAINER_JM}/jobmanager.log"].read(1 << 30)
    assert jm.data == JM_LOG
    assert jm.warnings == (
        "LogLength (17) does not end the section; the section was cut at its 'End of LogType:' line",
    )
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.log"].read(1 << 30).data == TM_LOG
    out = found[f"{APP}#{CONTAINER_TM}/taskmanager.out"].read(1 << 30)
    assert out.data == TM_OUT
    assert out.warnings == ("LogLength is missing; the section was cut at its 'End of LogType:' line",)


def test_section_without_end_line_stops_at_the_next_section(tmp_path: Path) -> None:
    first = yarn_section(CONTAINER_JM, "w1_1", "jobmanager.log", JM_LOG, length=3)
    first = first[: first.index(b"\nEnd of LogType:")] + b"\n"
    (tmp_path / APP).write_bytes(first + yarn_section(CONTAINER_TM, "w2_1", "taskmanager.log", TM_LOG))
    found = by_label(discover([tmp_path / APP], tmp_path))
    jm = found[f"{APP}#{CONTAINER_JM}/jobmanager.log"].read(1 << 30)
    assert jm.data == JM_LOG + b"\n"
    assert jm.warnings == ("LogLength (3) does not end the section; the section was cut where the next one starts",)
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.log"].read(1 << 30).data == TM_LOG


def test_repeated_sections_get_distinct_labels(tmp_path: Path) -> None:
    dump = yarn_section(CONTAINER_TM, "w_1", "taskmanager.log", b"a\n") + yarn_section(
        CONTAINER_TM, "w_1", "taskmanager.log", b"b\n"
    )
    (tmp_path / APP).write_bytes(dump)
    found = by_label(discover([tmp_path / APP], tmp_path))
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.log"].read(99).data == b"a\n"
    assert found[f"{APP}#{CONTAINER_TM}/taskmanager.log~2"].read(99).data == b"b\n"


def test_gzipped_dump_and_dump_inside_a_tarball(tmp_path: Path) -> None:
    dump = hadoop3_dump()
    (tmp_path / "app.log.gz").write_bytes(gzip.compress(dump))
    with tarfile.open(tmp_path / "yarn.tgz", "w:gz") as tar:
        add_member(tar, f"logs/{APP}", dump)
    found = by_label(discover([tmp_path], tmp_path))
    for prefix in ("app.log.gz", f"yarn.tgz!/logs/{APP}"):
        for name, content in EXPECTED.items():
            assert found[f"{prefix}#{name}"].read(1 << 30).data == content, (prefix, name)


def test_section_reads_are_bounded(tmp_path: Path) -> None:
    (tmp_path / APP).write_bytes(hadoop3_dump())
    found = by_label(discover([tmp_path / APP], tmp_path))
    read = found[f"{APP}#{CONTAINER_TM}/taskmanager.log"].read(1000)
    assert read.data == TM_LOG[:1000]
    assert read.warnings == ("cut at --max-bytes (1000 bytes after decompression); the rest was not read",)


def test_detection_is_by_content() -> None:
    assert looks_like_dump(hadoop3_dump()[:65536])
    assert looks_like_dump(hadoop2_dump()[:65536])
    assert not looks_like_dump(TM_LOG[:65536])
    assert not looks_like_dump(b"LogType: is a word in this text file\n")


def test_a_file_that_only_looks_like_a_dump_stays_one_input(tmp_path: Path) -> None:
    text = b"LogType:x\nLogLength:3\nbut no contents line\n"
    (tmp_path / "notes.txt").write_bytes(text)
    assert [f.label for f in discover([tmp_path], tmp_path)] == ["notes.txt"]


def test_which_inputs_may_be_read_on_another_thread(tmp_path: Path) -> None:
    """Only what shares no state with other inputs' reading: a file on disk, a section of a dump on disk. A ``.gz``
    charges the inflate budget; the sections of a compressed dump share its inflater, those in a tar its stream."""
    (tmp_path / APP).write_bytes(hadoop3_dump())
    (tmp_path / "taskmanager.log").write_bytes(TM_LOG)
    (tmp_path / "taskmanager.log.1.gz").write_bytes(gzip.compress(TM_LOG))
    (tmp_path / "dump.log.gz").write_bytes(gzip.compress(hadoop3_dump()))
    with tarfile.open(tmp_path / "logs.tar", "w") as tar:
        add_member(tar, "app/" + APP, hadoop3_dump())
    found = by_label(discover([tmp_path], tmp_path))
    independent = {label for label, item in found.items() if item.independent}
    assert independent == {"taskmanager.log", *(f"{APP}#{name}" for name in EXPECTED)}
    assert {label.partition("#")[0] for label in found if label not in independent} == {
        "taskmanager.log.1.gz",
        "dump.log.gz",
        "logs.tar!/app/" + APP,
    }
