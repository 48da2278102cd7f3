"""One decision, for ``analyze`` and ``logforensics gc`` alike, on how a GC log's lines are read: a plain file on
disk is split by polars from the file; an archive member, a ``.gz`` file, a file starting like a compressed stream,
an empty one or one over the byte limit goes through the input's bounded reader. Both ways give the same lines."""

from __future__ import annotations

import datetime as dt
import gzip
import tarfile
from pathlib import Path

import pytest

from logforensics import gcfiles
from logforensics.api import analyze
from logforensics.gcfiles import plain_file, read_gc_lines
from logforensics.gcsummary import analyse_paths
from logforensics.ingest.discover import discover
from logforensics.ingest.source import Found
from logforensics.parsers.lines import read_lines

LOG = "[0.005s][info][gc] Using G1\n[1.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 10.709ms\n"


def _found(folder: Path) -> Found:
    (found,) = [f for f in discover([folder], folder) if f.skipped_reason is None]
    return found


def test_a_plain_file_is_split_from_disk(tmp_path: Path) -> None:
    (tmp_path / "gc.log").write_text(LOG)
    found = _found(tmp_path)
    assert plain_file(found, 1 << 20) == tmp_path / "gc.log"
    read = read_gc_lines(found, 1 << 20)
    assert read.frame.equals(read_lines(LOG.encode(), "gc.log").frame)
    assert len(read.sha256) == 64 and read.warnings == ()


@pytest.mark.parametrize("case", ["gzip", "tar member", "over the limit", "empty", "compressed bytes"])
def test_other_inputs_go_through_their_reader(tmp_path: Path, case: str) -> None:
    limit = 1 << 20
    if case == "gzip":
        (tmp_path / "gc.log.gz").write_bytes(gzip.compress(LOG.encode()))
    elif case == "tar member":
        (tmp_path / "gc.log").write_text(LOG)
        with tarfile.open(tmp_path / "logs.tar", "w") as tar:
            tar.add(tmp_path / "gc.log", arcname="tm/gc.log")
        (tmp_path / "gc.log").unlink()
    elif case == "over the limit":
        (tmp_path / "gc.log").write_text(LOG)
        limit = 10
    elif case == "empty":
        (tmp_path / "gc.log").write_text("")
    else:  # zlib bytes under a plain name: polars' CSV reader would try to inflate them
        (tmp_path / "gc.log").write_bytes(b"\x78\x9c" + LOG.encode())
    found = _found(tmp_path)
    assert plain_file(found, limit) is None
    read = read_gc_lines(found, limit)
    expected = found.read(limit)
    assert read.frame.equals(read_lines(expected.data, found.label).frame)
    assert read.sha256 == expected.sha256


def test_analyze_and_the_gc_command_take_the_same_decision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "gc.log").write_text(LOG)
    asked: list[str] = []
    decide = gcfiles.plain_file

    def spy(found: Found, max_bytes: int) -> Path | None:
        asked.append(found.label)
        return decide(found, max_bytes)

    monkeypatch.setattr(gcfiles, "plain_file", spy)
    analyze([tmp_path], now=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    assert asked == ["gc.log"]
    analyse_paths([tmp_path])
    assert asked == ["gc.log", "gc.log"]
