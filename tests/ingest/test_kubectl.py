"""``kubectl logs`` output: split by pod, kubectl's prefixes and timestamps stripped, Flink lines intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from logforensics.ingest.discover import Found, discover
from logforensics.ingest.kubectl import Style, detect
from logforensics.ingest.sniff import sniff
from logforensics.model import SourceKind
from tests.ingest.helpers import jm_lines, tm_lines

TM_POD = "flink-session-taskmanager-1-1"
JM_POD = "flink-session-7d9f8b6c5-x2x9z"
TRACE = ["java.lang.OutOfMemoryError: Java heap space", "\tat java.util.Arrays.copyOf(Arrays.java:3236)", ""]


def tm_text() -> list[str]:
    return tm_lines(30).decode().splitlines() + TRACE


def jm_text() -> list[str]:
    return jm_lines(30).decode().splitlines()


def kubectl(lines_by_pod: dict[tuple[str, str], list[str]], *, prefix: bool, timestamps: bool) -> bytes:
    """Interleave the pods' lines as ``kubectl logs -l ... [--prefix] [--timestamps]`` prints them."""
    out: list[str] = []
    longest = max(len(lines) for lines in lines_by_pod.values())
    for i in range(longest):
        for (pod, container), lines in lines_by_pod.items():
            if i < len(lines):
                stamp = f"2023-08-01T18:17:{i % 60:02d}.{i:09d}Z " if timestamps else ""
                tag = f"[pod/{pod}/{container}] " if prefix else ""
                out.append(tag + stamp + lines[i])
    return ("\n".join(out) + "\n").encode()


def by_label(items: list[Found]) -> dict[str, Found]:
    return {f.label: f for f in items}


def joined(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("timestamps", [True, False])
def test_prefix_splits_by_pod_and_strips(tmp_path: Path, timestamps: bool) -> None:
    pods = {(TM_POD, "flink-main-container"): tm_text(), (JM_POD, "flink-main-container"): jm_text()}
    (tmp_path / "all.log").write_bytes(kubectl(pods, prefix=True, timestamps=timestamps))
    found = by_label(discover([tmp_path / "all.log"], tmp_path))
    assert sorted(found) == [f"all.log#{JM_POD}", f"all.log#{TM_POD}"]
    assert not any(item.independent for item in found.values())  # the pods share one split of the file
    tm = found[f"all.log#{TM_POD}"]
    read = tm.read(1 << 30)
    assert read.data == joined(tm_text())
    assert sniff(tm.label, tm.head()).kind is SourceKind.FLINK_TASKMANAGER
    assert sniff(f"all.log#{JM_POD}", found[f"all.log#{JM_POD}"].head()).kind is SourceKind.FLINK_JOBMANAGER
    assert found[f"all.log#{JM_POD}"].read(1 << 30).data == joined(jm_text())
    expected = [f"kubectl --prefix: '[pod/{TM_POD}/flink-main-container] ' removed from {len(tm_text())} lines"]
    if timestamps:
        expected.append(
            f"kubectl --timestamps: the RFC 3339 time at the start of {len(tm_text())} lines was removed; records "
            "keep their Flink timestamp, lines without one lose the kubectl time"
        )
    assert list(read.warnings) == expected


def test_timestamps_only_keep_one_input(tmp_path: Path) -> None:
    (tmp_path / "tm.log").write_bytes(kubectl({("x", "y"): tm_text()}, prefix=False, timestamps=True))
    (found,) = discover([tmp_path / "tm.log"], tmp_path)
    assert found.label == "tm.log"
    read = found.read(1 << 30)
    assert read.data == joined(tm_text())
    assert read.warnings[0].startswith(f"kubectl --timestamps: the RFC 3339 time at the start of {len(tm_text())}")
    assert sniff(found.label, found.head()).kind is SourceKind.FLINK_TASKMANAGER


def test_pod_with_several_containers(tmp_path: Path) -> None:
    pods = {
        (TM_POD, "flink-main-container"): tm_text(),
        (TM_POD, "log-shipper"): ["shipping 1", "shipping 2"],
        (JM_POD, "flink-main-container"): jm_text(),
    }
    (tmp_path / "all.log").write_bytes(kubectl(pods, prefix=True, timestamps=False))
    found = by_label(discover([tmp_path / "all.log"], tmp_path))
    assert sorted(found) == [
        f"all.log#{JM_POD}",
        f"all.log#{TM_POD}/flink-main-container",
        f"all.log#{TM_POD}/log-shipper",
    ]
    assert found[f"all.log#{TM_POD}/log-shipper"].read(1 << 30).data == b"shipping 1\nshipping 2\n"


def test_lines_without_prefix_stay_with_the_pod_above(tmp_path: Path) -> None:
    data = kubectl({(TM_POD, "c"): tm_text()}, prefix=True, timestamps=False)
    data += b"error: unexpected EOF\n"
    (tmp_path / "tm.log").write_bytes(data)
    (found,) = discover([tmp_path / "tm.log"], tmp_path)
    read = found.read(1 << 30)
    assert read.data.endswith(b"\nerror: unexpected EOF\n")
    assert "1 lines without a kubectl prefix were kept with the pod above them" in read.warnings


def test_detection() -> None:
    assert detect(kubectl({("p", "c"): tm_text()}, prefix=True, timestamps=True)) == Style(True, True)
    assert detect(kubectl({("p", "c"): tm_text()}, prefix=True, timestamps=False)) == Style(True, False)
    assert detect(kubectl({("p", "c"): tm_text()}, prefix=False, timestamps=True)) == Style(False, True)
    assert detect(tm_lines(50)) is None  # Flink's own "2023-08-01 18:17:00,123" is not RFC 3339
    assert detect(b"2023-08-01T18:17:00.123 INFO  logback-style line\n") is None
    assert detect(b"") is None


def test_max_bytes_per_pod(tmp_path: Path) -> None:
    (tmp_path / "all.log").write_bytes(kubectl({(TM_POD, "c"): tm_text()}, prefix=True, timestamps=True))
    (found,) = discover([tmp_path / "all.log"], tmp_path)
    read = found.read(500)
    assert read.data == joined(tm_text())[:500]
    assert read.warnings[-1] == "cut at --max-bytes (500 bytes); the rest was not read"
