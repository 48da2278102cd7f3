"""The chunked scan: chunks end before a record header and lose no byte; results do not depend on the chunk size."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logforensics.api as api
import logforensics.blocks as blockio
import logforensics.context as ctx
import logforensics.parsers.lines as lines
import logforensics.scan as scan
from logforensics.api import analyze
from logforensics.report.json import render_json
from tests.conftest import SAMPLES

HEADER = b"2024-01-01 10:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - "
BOUNDARY = blockio.header_boundary("log4j2")


def log(records: int, seed: int) -> bytes:
    rnd = random.Random(seed)
    out = []
    for i in range(records):
        out.append(HEADER + b"message %d " % i + b"x" * rnd.randrange(0, 200) + b"\n")
        if rnd.random() < 0.2:
            out.append(b"java.lang.RuntimeException: boom\n" + b"\tat a.B.c(B.java:1)\n" * rnd.randrange(1, 30))
    return b"".join(out)


@settings(max_examples=150, deadline=None)
@given(
    records=st.integers(0, 300),
    seed=st.integers(0, 1000),
    block=st.integers(1, 5000),
    size=st.integers(1, 8000),
)
def test_chunks_keep_every_byte_and_end_before_a_header(records: int, seed: int, block: int, size: int) -> None:
    data = log(records, seed)
    blocks = [data[i : i + block] for i in range(0, len(data), block)]
    pieces = list(blockio.chunks(blocks, BOUNDARY, size))
    assert b"".join(pieces) == data
    for piece, following in pairwise(pieces):
        assert piece.endswith(b"\n")
        assert following.startswith(HEADER[:4])  # a chunk starts at a record header, so no record is split


def test_a_giant_record_is_cut_at_a_line_end() -> None:
    data = HEADER + b"start\n" + b"\tat a.B.c(B.java:1)\n" * 200_000  # one 4 MB record
    pieces = list(blockio.chunks([data[i : i + 65536] for i in range(0, len(data), 65536)], BOUNDARY, 1 << 20))
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces)


@pytest.mark.parametrize("incident", ["gc-heartbeat-timeout-1.15", "heap-oom-1.10"])
def test_results_do_not_depend_on_chunk_and_batch_sizes(
    incident: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    whole = render_json(analyze([SAMPLES / incident], now=now))
    monkeypatch.setattr(scan, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(scan, "DIGEST_BYTES", 20_000)
    monkeypatch.setattr(
        blockio, "BLOCK_BYTES", 65536
    )  # the boundary search window: larger than any record of the samples
    calls = []
    original = scan._scan_chunk
    monkeypatch.setattr(scan, "_scan_chunk", lambda *args: calls.append(1) or original(*args))
    assert render_json(analyze([SAMPLES / incident], now=now)) == whole
    assert len(calls) > 20  # the logs really went through many small chunks


@pytest.mark.parametrize("incident", ["yarn-pmem-kill-1.12", "k8s-oomkilled-1.18"])
def test_small_logs_scanned_two_at_a_time_give_what_one_at_a_time_gives(
    incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    lock = threading.Lock()
    active, most = [0], [0]
    original = api._scan

    def counted(*args: Any) -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.05)  # long enough for the next log to start beside it
            original(*args)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(api, "_scan", counted)
    together = render_json(analyze([SAMPLES / incident], now=now))
    assert most[0] == 2
    most[0] = 0
    monkeypatch.setattr(api, "SCANNED_ALONGSIDE_BYTES", -1)  # every log alone
    assert render_json(analyze([SAMPLES / incident], now=now)) == together
    assert most[0] == 1


def test_oddities_are_said_in_one_order_whichever_chunk_found_them() -> None:
    """Two chunks are read at once, and each looks for an oddity only until one of them said it: which chunk says it
    depends on timing. The scan lists the oddities last, in one order."""
    said = [(lines.LONE_CR, "a long line"), (lines.INVALID_UTF8, lines.NUL_BYTES), (lines.NO_FINAL_EOL,)]
    orders = []
    for warnings in (said, said[::-1], [(), said[1] + said[0], said[2]]):
        chunks = [scan._Chunk(pl.DataFrame(), 1, 1, 0, tuple(w)) for w in warnings]
        orders.append(scan._combine(chunks, [], ["cut at --max-bytes"]).warnings)
    assert (
        orders[0]
        == orders[1]
        == orders[2]
        == [
            "cut at --max-bytes",
            "a long line",
            lines.INVALID_UTF8,
            lines.NUL_BYTES,
            lines.LONE_CR,
            lines.NO_FINAL_EOL,
        ]
    )


def test_context_lines_around_evidence(tmp_path: Path) -> None:
    from logforensics.ingest.discover import discover

    path = tmp_path / "taskmanager.log"
    path.write_text("".join(f"line {i}\n" for i in range(1, 101)))
    [found] = discover([path], tmp_path)
    context = ctx.context_lines(found, 1 << 20, {1, 50, 100})
    assert context[1] == ((), ("line 2", "line 3", "line 4"))
    assert context[50] == (("line 47", "line 48", "line 49"), ("line 51", "line 52", "line 53"))
    assert context[100] == (("line 97", "line 98", "line 99"), ())


def test_evidence_carries_context_and_sources_their_hash() -> None:
    analysis = analyze([SAMPLES / "heap-oom-1.10"], now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    evidence = analysis.findings[0].evidence[0]
    assert evidence.context_after[0] == "java.lang.OutOfMemoryError: Java heap space"
    assert len(evidence.context_before) == 3
    logs = [s for s in analysis.sources if s.skipped_reason is None]
    assert logs and all(len(s.sha256) == 64 for s in logs)


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
def test_context_by_marks_equals_a_full_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: bytes, gzipped: bool
) -> None:
    """The marks a scan leaves let the context be read by seeking (a plain file) or picked from the decompressed
    stream (.gz); it must be exactly what a full pass reads."""
    import gzip

    from logforensics.catalogue.loader import load_catalogue
    from logforensics.ingest.discover import discover
    from logforensics.model import SourceKind
    from logforensics.resources import patterns_dir

    monkeypatch.setattr(ctx, "MARK_BYTES", 512)  # many marks in a small file
    monkeypatch.setattr(scan, "CHUNK_BYTES", 4096)
    lines = [
        f"2024-03-01 10:{i // 60 % 60:02d}:{i % 60:02d},000 INFO  org.a.B [] - record {i} " + "x" * (i % 97)
        for i in range(1, 2001)
    ]
    lines[500:500] = ["java.lang.IllegalStateException: boom", "\tat a.b.C.d(C.java:1)"]
    path = tmp_path / ("taskmanager.log.gz" if gzipped else "taskmanager.log")
    newline = b"\r\n" if ending == b"\r\n" else b"\n"
    content = b"\xef\xbb\xbf" + newline.join(line.encode() for line in lines) + ending
    path.write_bytes(gzip.compress(content) if gzipped else content)
    [found] = discover([path], tmp_path)
    result = scan.scan_source(
        found,
        SourceKind.FLINK_TASKMANAGER,
        "log4j2",
        catalogue=load_catalogue([patterns_dir()]),
        keep=["record 7"],
        tz="UTC",
        max_bytes=1 << 30,
    )
    assert result.marks is not None and len(result.marks.offsets) > 50
    assert result.marks.seekable is not gzipped
    total = len(lines)
    wanted_sets = (
        {1},
        {2, 3, 900},
        {total},
        {total - 1, 10, 501, 502},
        set(range(1, total + 1, 37)),
        set(range(1, total + 1, 9)),  # groups whose marks overlap
        {100, 108, 116, 1500},
        {total + 5},
    )
    for wanted in wanted_sets:
        assert ctx.context_lines(found, 1 << 30, wanted, marks=result.marks) == ctx.context_lines(
            found, 1 << 30, wanted
        )
    # Changed since the scan: the marks are not trusted.
    more = content + (b"" if ending else b"\n") + b"more\n"
    path.write_bytes(gzip.compress(more) if gzipped else more)
    assert ctx.context_lines(found, 1 << 30, {total}, marks=result.marks)[total][1] == ("more",)


def test_context_from_lines_in_memory_equals_reading_again(tmp_path: Path) -> None:
    """GC logs and saved traces are read whole: their evidence context comes from those lines, as a pass would read."""
    from logforensics.ingest.discover import discover
    from logforensics.parsers.lines import read_lines

    data = b"".join(
        b"[%d.%03ds][info][gc] GC(%d) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.1ms\r\n"
        % (i, i % 1000, i)
        for i in range(400)
    )
    data += b"caf\xe9 \x00 lone\rcr\n" + b"x" * 3000 + b"\nlast line without end"
    path = tmp_path / "gc.log"
    path.write_bytes(data)
    [found] = discover([path], tmp_path)
    lines = read_lines(data, "gc.log").frame
    total = lines.height
    for wanted in ({1}, {2, 3, 200}, {total}, {total - 1, total - 2}, set(range(1, total + 1, 7)), {total + 3}):
        assert ctx.context_in_lines(lines, wanted) == ctx.context_lines(found, 1 << 30, wanted)


def test_an_event_keeps_the_first_kilobyte_of_its_text_and_says_it_was_cut(tmp_path: Path) -> None:
    from logforensics.model import EVENT_TEXT_CAP

    task = (
        b"2020-06-01 14:05:0%d,000 INFO  org.apache.flink.runtime.taskmanager.Task [] - Map (%d/2)#0 "
        b"(8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.\n"
        b"java.lang.OutOfMemoryError: Java heap space\n"
    )
    frames = b"\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
    path = tmp_path / "taskmanager.log"
    path.write_bytes(task % (1, 1) + frames * 100 + task % (2, 2) + frames * 2)
    analysis = analyze([path])
    events = analysis.events.filter(pl.col("kind") == "task_state_changed").sort("line")
    assert events["text"].null_count() == 2  # kept compressed beside the timeline (texts.py)
    long_text, short_text = analysis.with_text(events)["text"].to_list()
    assert len(long_text) == EVENT_TEXT_CAP and long_text.endswith("…")
    assert long_text.startswith("Map (1/2)#0 (8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.\n")
    assert short_text == (
        "Map (2/2)#0 (8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.\n"
        "java.lang.OutOfMemoryError: Java heap space\n"
        "\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
        "\tat java.util.Arrays.copyOf(Arrays.java:3236)"
    )
