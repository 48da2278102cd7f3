"""Property tests: generated input through every parser and the catalogue loader. Nothing raises, and every line is
accounted for (a record's line, a continuation of one, or counted as unparsed)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.catalogue.loader import load_catalogue
from logforensics.errors import CatalogueError
from logforensics.model import GC_EVENTS_SCHEMA, RECORDS_SCHEMA
from logforensics.parsers.flink import parse_flink_lines, parse_plain
from logforensics.parsers.gc import parse_gc, sniff_gc
from logforensics.parsers.layouts import LAYOUTS
from logforensics.parsers.lines import read_lines
from logforensics.parsers.trace import parse_trace
from tests.conftest import REPO

FAST = settings(
    max_examples=int(os.environ.get("ADVERSARIAL_EXAMPLES", "120")),
    suppress_health_check=list(HealthCheck),
    deadline=None,
)

GC_LINES = [
    b"[2023-03-14T10:12:01.123+0100][3600.123s][info][gc] GC(412) Pause Young (Normal) (G1 Evacuation Pause) "
    b"1800M->1750M(2048M) 35.123ms",
    b"[3600.200s][info][gc,start] GC(413) Pause Full (G1 Compaction Pause)",
    b"[3600.300s][info][gc,phases] GC(413) Phase 1: Mark live objects 100.000ms",
    b"[3600.900s][info][gc] GC(413) Pause Full (G1 Compaction Pause) 2047M->2030M(2048M) 700.123ms",
    b"[0.012s][info][gc] Using G1",
    b'[2023-03-14T10:12:09.000+0000][info][safepoint] Safepoint "G1CollectForAllocation", Time since last: '
    b"1000 ns, Reaching safepoint: 2000 ns, At safepoint: 3000 ns, Total: 5000 ns",
    b"2023-03-14T10:12:01.123+0100: 3600.123: [GC (Allocation Failure) [PSYoungGen: 524800K->87035K(611840K)] "
    b"524800K->87043K(2010112K), 0.0512345 secs] [Times: user=0.15 sys=0.02, real=0.05 secs]",
    b"2023-03-14T10:12:05.000+0100: 3604.000: [Full GC (Ergonomics) [PSYoungGen: 87035K->0K(611840K)] "
    b"[ParOldGen: 8K->86512K(1398272K)] 87043K->86512K(2010112K), [Metaspace: 20000K->20000K(1067008K)], "
    b"0.3012345 secs] [Times: user=0.9 sys=0.01, real=0.30 secs]",
    b"3605.000: [GC pause (G1 Evacuation Pause) (young), 0.0123456 secs]",
    b"   [Eden: 100M(100M)->0B(90M) Survivors: 0B->10M Heap: 100M(1024M)->20M(1024M)]",
    b"{Heap before GC invocations=1 (full 0):",
    b"Total time for which application threads were stopped: 0.0512345 seconds, Stopping threads took: 0.0000 seconds",
]
FLINK_LINES = [layout.sample.encode() for layout in LAYOUTS.values()] + [
    b"java.lang.OutOfMemoryError: Java heap space",
    b"\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    b"Caused by: org.apache.flink.util.FlinkException: boom",
    b"\t... 25 more",
    b"",
]
TRACE_PIECES = [
    b"2024-11-19 20:21:55",
    b"java.lang.IllegalStateException: boom",
    b"\tat a.B.c(B.java:1)",
    b"Caused by: x.y.ZError",
    b'{"root-exception": "a.BException: x\\n\\tat y", "timestamp": 1700000000000, "all-exceptions": []}',
    b'{"exceptionHistory": {"entries": [{"exceptionName": "a.B", "stacktrace": "a.BException\\n\\tat x", '
    b'"timestamp": 1}]}}',
    b"{",
    b'"stacktrace": ',
]
GLUE = [
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
    b"\xff\xfe",
    b"\xe4\xb8",
    b"\x1f",
    b"\t",
    b" ",
    "\u2028".encode(),
]


def mutated(lines: list[bytes]) -> st.SearchStrategy[bytes]:
    """Lines from ``lines``, each possibly cut short, with digits changed, glued by random separators and bytes."""
    line = st.tuples(st.sampled_from(lines), st.floats(0, 1), st.integers(0, 9), st.booleans()).map(
        lambda t: (t[0][: max(0, int(len(t[0]) * t[1]))] if t[1] < 0.9 else t[0]).replace(
            b"1", str(t[2]).encode() if t[3] else b"1"
        )
    )
    piece = st.one_of(line, line, line, st.sampled_from(GLUE), st.binary(max_size=24))
    return st.lists(st.tuples(piece, st.sampled_from([b"\n", b"\n", b"\r\n", b""])), max_size=60).map(
        lambda parts: b"".join(p + end for p, end in parts)
    )


def expected_lines(data: bytes) -> list[str]:
    data = data.removeprefix(b"\xef\xbb\xbf")
    if not data:
        return []
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return [p.removesuffix(b"\r").decode("utf-8", errors="replace") for p in parts]


@FAST
@given(st.one_of(mutated(FLINK_LINES), mutated(GC_LINES), st.binary(max_size=600)))
def test_lines_are_split_on_lf_only_and_numbered(data: bytes) -> None:
    lines = read_lines(data, "fuzz")
    assert lines.frame["line_no"].to_list() == list(range(1, lines.frame.height + 1))
    expected = expected_lines(data)
    assert lines.frame.height == len(expected)
    got = lines.frame["line"].to_list()
    # polars and Python may replace an invalid sequence by a different number of U+FFFD: compare without them
    assert [re.sub("\ufffd+", "\ufffd", g) for g in got] == [re.sub("\ufffd+", "\ufffd", e) for e in expected]


def _contiguous(records: pl.DataFrame, height: int) -> bool:
    """Records cover lines 1..height without a gap or an overlap."""
    if records.height == 0:
        return height == 0
    starts = records["line"].to_list()
    ends = [s + n for s, n in zip(starts, records["n_lines"].to_list(), strict=True)]
    return starts[0] == 1 and ends[-1] == height + 1 and starts[1:] == ends[:-1]


@FAST
@given(mutated(FLINK_LINES), st.sampled_from(sorted(LAYOUTS)), st.booleans())
def test_flink_layouts_account_for_every_line(data: bytes, layout: str, keep: bool) -> None:
    lines = read_lines(data, "fuzz").frame
    parsed = parse_flink_lines(lines, "fuzz", layout, keep=["OutOfMemoryError", "Starting"] if keep else None)
    assert parsed.records.schema == pl.Schema(RECORDS_SCHEMA)
    assert 0 <= parsed.unparsed_lines <= lines.height
    if not keep:
        assert _contiguous(parsed.records.sort("line"), lines.height)
    assert parsed.records["line"].is_unique().all()


@FAST
@given(mutated(FLINK_LINES + GC_LINES))
def test_plain_accounts_for_every_line(data: bytes) -> None:
    lines = read_lines(data, "fuzz").frame
    parsed = parse_plain(lines, "fuzz")
    assert int(parsed.records["n_lines"].sum() or 0) + parsed.unparsed_lines == parsed.lines == lines.height


@FAST
@given(mutated(GC_LINES), st.sampled_from(["gc_unified", "gc_legacy"]))
def test_gc_accounts_for_every_line(data: bytes, layout: str) -> None:
    lines = read_lines(data, "fuzz").frame
    sniff_gc(data.decode("utf-8", errors="replace"))
    parsed = parse_gc(lines, "fuzz", layout)
    assert parsed.lines == lines.height
    assert parsed.parsed_lines + parsed.unparsed_lines == parsed.lines
    assert list(parsed.events.schema) == list(GC_EVENTS_SCHEMA)
    assert parsed.events.filter((pl.col("line") < 1) | (pl.col("line") > lines.height)).height == 0
    assert not any("internal error" in w for w in parsed.warnings), parsed.warnings


@FAST
@given(mutated(TRACE_PIECES))
def test_traces_account_for_every_line(data: bytes) -> None:
    lines = read_lines(data, "fuzz").frame
    parsed = parse_trace(lines, "fuzz", data)
    assert parsed.records.schema == pl.Schema(RECORDS_SCHEMA)
    assert int(parsed.records["n_lines"].sum() or 0) + parsed.unparsed_lines == parsed.lines == lines.height


SIGNAL = (REPO / "patterns" / "signals" / "heap_oom.toml").read_text()
CAUSE = "".join(
    line
    for line in (REPO / "patterns" / "causes" / "task_heap_oom.toml").read_text().splitlines(keepends=True)
    if not line.startswith(("supersedes", "explains", "corroborate"))  # references to the rest of the catalogue
)
PROBLEM = re.compile(r"^.+:\d+: \S")
VALUES = st.one_of(
    st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["[]", "{}", "true", '"(?P<x>"', '"a(?=b)"', '"\\\\d+"', '["x", 1]', "1.5", '"""\nx\n"""']),
)


@st.composite
def catalogue_file(draw: st.DrawFn, base: str) -> str:
    lines = base.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["drop", "value", "garbage", "key"]))
        if not lines:
            break
        if action == "drop":
            lines.pop(at)
        elif action == "value" and " = " in lines[at]:
            lines[at] = lines[at].split(" = ", 1)[0] + " = " + draw(VALUES) + "\n"
        elif action == "key":
            lines.insert(at, f"{draw(st.sampled_from(['bogus', 'regex', 'id', 'kind', 'literal']))} = {draw(VALUES)}\n")
        else:
            lines.insert(at, draw(st.text(max_size=30)) + "\n")
    return "".join(lines)


@settings(
    max_examples=int(os.environ.get("ADVERSARIAL_EXAMPLES", "150")),
    suppress_health_check=list(HealthCheck),
    deadline=None,
)
@given(catalogue_file(SIGNAL), catalogue_file(CAUSE), st.booleans())
def test_catalogue_loader_reports_every_problem_with_file_and_line(signal: str, cause: str, raw: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "signals").mkdir()
        (root / "causes").mkdir()
        (root / "signals" / "heap_oom.toml").write_bytes(signal.encode("utf-8", errors="surrogateescape"))
        (root / "causes" / "task_heap_oom.toml").write_bytes(
            cause.encode() if not raw else cause.encode()[:-7] + b"\xff\xfe\x00"
        )
        try:
            catalogue = load_catalogue([root])
        except CatalogueError as exc:
            assert exc.problems
            for problem in exc.problems:
                assert PROBLEM.match(problem), problem
        else:
            assert set(catalogue.signals) <= {"heap_oom"} and set(catalogue.causes) <= {"task_heap_oom"}
