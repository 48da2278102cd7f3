"""``logforensics gc`` and the GC rows of ``analyze`` summarise each rotated set, not each file: one row per set,
computed over its parts in content order (a trend across rotations is seen), its parts named in that order with what
ordering decided; a single file is a set of one and prints as before. Both commands group alike and agree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from logforensics.api import analyze
from logforensics.cli import app
from logforensics.gcfiles import read_gc_lines
from logforensics.gcstats import compute, compute_set
from logforensics.gcsummary import GcSetResult, analyse_paths, render_json, render_table
from logforensics.ingest.discover import discover
from logforensics.parsers.gc import parse_gc, sniff_gc, summarize_gc
from logforensics.parsers.lines import read_lines

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
TM_LINE = (
    "2024-01-01 12:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting "
    "TaskManager with ResourceID: 10.0.3.17:35211-8c1f0e\n"
)


def _young(up: float, gc_id: int, after_mb: int = 300) -> str:
    return (
        f"[{up:.3f}s][info][gc] GC({gc_id}) Pause Young (Normal) (G1 Evacuation Pause) 900M->{after_mb}M(2048M) "
        "12.500ms\n"
    )


def _full(up: float, gc_id: int, after_mb: int) -> str:
    return f"[{up:.3f}s][info][gc] GC({gc_id}) Pause Full (G1 Compaction Pause) 2000M->{after_mb}M(2048M) 850.000ms\n"


def _part(first: float, last: float, step: float = 10.0, init: bool = False) -> str:
    """A unified log with the default decorations (uptime, level, tags): a young pause every ``step`` s."""
    text = "[0.005s][info][gc] Using G1\n" if init else ""
    up = first
    while up < last:
        text += _young(up, int(up))
        up += step
    return text


def _one(results: list[GcSetResult], label: str) -> GcSetResult:
    (result,) = [r for r in results if r.label == label]
    return result


def _wrapped_set(folder: Path) -> None:
    """filecount=3, one JVM: .0 (0-100 s) .1 .2, then .0 again (300-400 s), .1 again (400-500 s), now gc.log."""
    (folder / "gc.log.2").write_text(_part(200.0, 300.0))
    (folder / "gc.log.0").write_text(_part(305.0, 400.0))
    (folder / "gc.log.1").write_text(_part(400.0, 500.0))
    (folder / "gc.log").write_text(_part(500.0, 520.0))


# --- one row per set --------------------------------------------------------------------------------------------


def test_rotated_set_is_one_row_with_its_parts_in_content_order(tmp_path: Path) -> None:
    _wrapped_set(tmp_path)
    (tmp_path / "other.gc.log").write_text(_part(5.0, 50.0, init=True))  # a single file: a set of one
    results = analyse_paths([tmp_path])
    assert sorted(r.label for r in results) == ["gc.log", "other.gc.log"]
    result = _one(results, "gc.log")
    assert result.stats is not None
    assert [p.source for p in result.parts] == ["gc.log.2", "gc.log.0", "gc.log.1", "gc.log"]
    assert result.stats.pauses.count == sum(p.pauses.count for p in result.parts) == 32
    assert result.stats.lines == sum(p.lines for p in result.parts)
    notes = "\n".join(result.notes)
    assert "oldest first by their JVM uptimes along the rotation cycle of their names: gc.log.2, gc.log.0" in notes
    assert "gc.log.2 is older than gc.log.0: the set wrapped around" in notes
    table = render_table(results)
    assert table.splitlines()[0].split()[:4] == ["source", "collector", "format", "pauses"]
    assert sum(1 for line in table.splitlines() if line.startswith("gc.log ")) == 1
    assert "\ngc.log:\n  - rotated GC log set, oldest first by" in table
    assert "other.gc.log:" not in table  # nothing was decided about a lone file


def test_set_numbers_are_those_of_its_parts_joined_into_one_log(gc_corpus: Path) -> None:
    folder = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    (result,) = analyse_paths([folder])
    joined = (folder / "gc.log.0").read_bytes() + (folder / "gc.log.1.current").read_bytes()
    whole = compute(parse_gc(read_lines(joined, "joined").frame, "joined", "gc_legacy"), "joined")
    stats = result.stats
    assert stats is not None and stats.source == "gc.log"
    for name in ("run_s", "throughput_pct", "worst_window_throughput_pct", "allocation_rate_mb_s", "last_uptime_s"):
        assert getattr(stats, name) == pytest.approx(getattr(whole, name)), name
    assert stats.pauses.count == whole.pauses.count == 3270
    assert stats.pauses.total_ms == pytest.approx(whole.pauses.total_ms)
    assert (stats.pauses.p99_ms, stats.pauses.max_ms) == (whole.pauses.p99_ms, whole.pauses.max_ms)
    assert (stats.lines, stats.concurrent_count, stats.heap_max_after_kb) == (
        whole.lines,
        whole.concurrent_count,
        whole.heap_max_after_kb,
    )
    assert [p.pauses.count for p in result.parts] == [2373, 897]


def test_heap_trend_is_seen_across_rotations(tmp_path: Path) -> None:
    # one JVM, two full GCs per part, the heap after each one higher: no part alone has a trend (3 needed)
    after = iter(range(1000, 1600, 100))
    for index, first in enumerate((0.0, 600.0, 1200.0)):
        text = _full(first + 100.0, index * 10, next(after)) + _full(first + 400.0, index * 10 + 1, next(after))
        (tmp_path / f"gc.log.{index}").write_text(_young(first + 10.0, index * 10 + 5) + text)
    (result,) = analyse_paths([tmp_path])
    assert result.stats is not None
    assert [p.heap_after_full_slope_mb_per_h for p in result.parts] == [None, None, None]
    slope = result.stats.heap_after_full_slope_mb_per_h
    assert slope is not None and slope == pytest.approx(100.0 / 300.0 * 3600.0, rel=0.2)
    assert result.stats.full_gc_count == 6


def test_heap_trend_stops_at_a_restart(tmp_path: Path) -> None:
    """Miss: a restart empties the heap; the trend is the newest run's, not a line across both."""
    first = _full(100.0, 1, 1000) + _full(200.0, 2, 1500) + _full(300.0, 3, 1900)
    second = _full(100.0, 1, 500) + _full(200.0, 2, 500) + _full(300.0, 3, 500)  # flat after the restart
    (tmp_path / "gc.log.0").write_text(first)
    (tmp_path / "gc.log.1").write_text(second)
    (result,) = analyse_paths([tmp_path])
    assert result.stats is not None
    assert any("gc.log.1 starts a new JVM run" in note for note in result.notes)
    assert result.stats.heap_after_full_slope_mb_per_h == pytest.approx(0.0)


def test_worst_window_is_per_jvm_run(tmp_path: Path) -> None:
    # two runs appended to one file, their pauses in the same minute of uptime: 0.85 s each, 2 per run
    run = _full(10.0, 1, 500) + _full(20.0, 2, 500)
    (tmp_path / "gc.log").write_text(run + run)
    (result,) = analyse_paths([tmp_path])
    assert result.stats is not None
    run_s = result.stats.run_s
    assert run_s == pytest.approx(2 * (20.0 - (10.0 - 0.85)))  # the two runs' spans
    worst = result.stats.worst_window_throughput_pct  # a window shorter than 60 s: the run time the log covers
    assert worst == pytest.approx(100.0 * (1.0 - 1.7 / run_s))  # not 3.4 s in one window


# --- a single file prints as before ------------------------------------------------------------------------------


def test_single_file_is_a_set_of_one(gc_corpus: Path) -> None:
    path = gc_corpus / "jifa" / "11G1Parser.log"
    (result,) = analyse_paths([path])
    data = path.read_bytes()
    parse = parse_gc(read_lines(data, path.name).frame, path.name, sniff_gc(data.decode()) or "gc_unified")
    assert result.stats == compute(parse, path.name)
    assert result.parts == (result.stats,) and result.notes == ()
    table = render_table([result])
    assert len(table.splitlines()) == 2  # the header and one row, nothing below
    (entry,) = render_json([result])
    assert entry["source"] == "11G1Parser.log" and entry["pauses"]["count"] == 4
    assert [part["source"] for part in entry["parts"]] == ["11G1Parser.log"]


def test_a_pause_cut_off_counts_as_in_the_report(gc_corpus: Path) -> None:
    path = gc_corpus / "jifa" / "IncompleteGCLog.log"
    parse = parse_gc(read_lines(path.read_bytes(), path.name).frame, path.name, "gc_unified")
    stats = compute(parse, path.name)
    assert stats.pauses.count == summarize_gc(parse, path.name).pause_count == 4
    assert stats.pauses.total_ms == pytest.approx(summarize_gc(parse, path.name).pause_total_ms)


def test_compute_set_of_one_part_is_compute() -> None:
    parse = parse_gc(read_lines(_part(5.0, 60.0, init=True).encode(), "x").frame, "x", "gc_unified")
    assert compute_set([("x", parse)], "x") == compute(parse, "x")
    noted = compute_set([("x", parse)], "x", notes=("a note",))
    assert noted.warnings == (*compute(parse, "x").warnings, "a note")


# --- the command line -----------------------------------------------------------------------------------------------


def test_gc_command_json_has_each_sets_parts(tmp_path: Path) -> None:
    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / "taskmanager.gc.log.0").write_text(_part(10.0, 100.0, init=True))
    (folder / "taskmanager.gc.log.1").write_text(_part(100.0, 200.0))
    (folder / "taskmanager.gc.log").write_text(_part(5.0, 60.0, init=True))  # a new JVM
    runner = CliRunner()
    result = runner.invoke(app, ["gc", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)
    assert entry["source"] == "tm/taskmanager.gc.log"
    parts = entry["parts"]
    assert [p["source"] for p in parts] == [f"tm/taskmanager.gc.log{s}" for s in (".0", ".1", "")]
    assert entry["pauses"]["count"] == sum(p["pauses"]["count"] for p in parts) == 25
    assert any("taskmanager.gc.log starts a new JVM run" in w for w in entry["warnings"])
    assert any("taskmanager.gc.log starts a new JVM run" in w for w in parts[2]["warnings"])
    table = runner.invoke(app, ["gc", str(tmp_path)]).output
    assert "tm/taskmanager.gc.log:\n  - rotated GC log set, oldest first by" in table
    assert "  - taskmanager.gc.log starts a new JVM run (its uptime starts at 5.0 s" in table


# --- gc and analyze agree --------------------------------------------------------------------------------------------


def test_gc_and_analyze_give_the_same_numbers_per_set(tmp_path: Path, gc_corpus: Path) -> None:
    _wrapped_set(tmp_path)
    (tmp_path / "tm").mkdir()
    (tmp_path / "tm" / "taskmanager.gc.log").write_text(_part(5.0, 60.0, init=True) + _part(5.0, 30.0, init=True))
    (tmp_path / "tm" / "taskmanager.log").write_text(TM_LINE)
    rotated = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    for name in ("gc.log.0", "gc.log.1.current"):
        (tmp_path / "jdk7").mkdir(exist_ok=True)
        (tmp_path / "jdk7" / name).write_bytes((rotated / name).read_bytes())
    analysis = analyze([tmp_path], now=NOW)
    by_gc = {r.label: r.stats for r in analyse_paths([tmp_path])}
    assert sorted(s.source for s in analysis.gc) == sorted(by_gc) == ["gc.log", "jdk7/gc.log", "tm/taskmanager.gc.log"]
    for summary in analysis.gc:
        stats = by_gc[summary.source]
        assert stats is not None
        assert (summary.collector, summary.format, summary.pause_count, summary.full_gc_count) == (
            stats.collector,
            stats.format,
            stats.pauses.count,
            stats.full_gc_count,
        )
        assert summary.pause_total_ms == pytest.approx(stats.pauses.total_ms)
        assert (summary.pause_max_ms, summary.pause_p50_ms, summary.pause_p99_ms) == (
            stats.pauses.max_ms,
            stats.pauses.p50_ms,
            stats.pauses.p99_ms,
        )
        assert summary.throughput_pct == pytest.approx(stats.throughput_pct)
    assert {s.source: s.tm_id for s in analysis.gc}["tm/taskmanager.gc.log"] == "10.0.3.17:35211-8c1f0e"
    # the timeline holds one GC source per set, each event with its own file
    sources = analysis.gc_events.get_column("source").unique().to_list()
    assert "jdk7/gc.log.0" in sources and "jdk7/gc.log.1.current" in sources


def test_gc_command_reads_its_lines_as_analyze_does(tmp_path: Path) -> None:
    (tmp_path / "gc.log").write_text(_part(5.0, 60.0, init=True))
    (found,) = discover([tmp_path], tmp_path)
    quick = read_gc_lines(found, 1 << 20, checksum=False)
    full = read_gc_lines(found, 1 << 20)
    assert quick.frame.equals(full.frame) and quick.sha256 == "" and len(full.sha256) == 64
    assert full.frame.get_column("line").str.contains("Using G1").any()
    assert isinstance(full.frame, pl.DataFrame)


def test_gc_command_lists_a_restart_inside_a_file_but_no_wall_clock_story(tmp_path: Path) -> None:
    (tmp_path / "gc.log.0").write_text(_part(10.0, 100.0, init=True))
    (tmp_path / "gc.log").write_text(_part(100.0, 120.0) + _part(5.0, 50.0, init=True))  # restarted inside
    (result,) = analyse_paths([tmp_path])
    notes = "\n".join(result.notes)
    assert "gc.log: a new JVM run starts at line 3 (the JVM uptime starts again at 0.0 s)" in notes
    assert "no JVM start is known" not in notes  # the gc command reads no TaskManager log: nothing to explain
    analysis = analyze([tmp_path], now=NOW)  # analyze looks for one, and says why none places the older run
    (stats,) = [s for s in analysis.sources if s.path == "gc.log.0"]
    assert any("no JVM start is known for its JVM run: no TaskManager log" in w for w in stats.warnings)
