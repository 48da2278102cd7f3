"""An uptime-only GC log that holds a JVM restart is placed run by run: each JVM run takes the TaskManager startup
banner that matches it (newest first, in order, only where the run ends before the next start); a run left without
one keeps ts null / 'missing' and its source says which lines and why. The GC logs are real corpus lines (uptime
only), the TaskManager logs hold the banner lines Flink writes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from logforensics.api import analyze
from logforensics.gcparts import Part
from logforensics.gcstarts import JvmStart, SetRun, anchor_runs
from logforensics.model import Analysis
from logforensics.parsers.gc import JvmRun, parse_gc
from logforensics.parsers.lines import read_lines

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, tzinfo=UTC)
T0 = dt.datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)
RUNNER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] -"


def _banner(at: dt.datetime, resource: str = "10.0.3.17:35211-8c1f0e") -> str:
    """The lines a TaskManager writes when its JVM starts (EnvironmentInformation's banner, then its identity)."""
    stamp = _stamp(at)
    return (
        f"{stamp} INFO  {RUNNER} --------------------------------------------------------------------------------\n"
        f"{stamp} INFO  {RUNNER}  Starting TaskManager (Version: 1.15.4, Scala: 2.12, Rev:3ff4cc5, "
        "Date:2023-03-10T11:23:26+01:00)\n"
        f"{stamp} INFO  {RUNNER}  OS current user: flink\n"
        f"{stamp} INFO  {RUNNER} Starting TaskManager with ResourceID: {resource}\n"
    )


def _incident(tmp_path: Path, gc_text: str, banners: list[dt.datetime], name: str = "taskmanager.gc.log") -> Analysis:
    folder = tmp_path / "tm"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(gc_text)
    if banners:
        (folder / "taskmanager.log").write_text("".join(_banner(at) for at in banners))
    return analyze([tmp_path], now=NOW)


def _warnings(analysis: Analysis, source: str = "tm/taskmanager.gc.log") -> list[str]:
    (stats,) = [s for s in analysis.sources if s.path == source]
    return list(stats.warnings)


def _pauses(analysis: Analysis) -> pl.DataFrame:
    return analysis.gc_events.filter(pl.col("is_pause")).sort("line")


def _twice(gc_corpus: Path, rel: str) -> tuple[str, int]:
    text = (gc_corpus / rel).read_text()
    return text + text, len(text.splitlines())


# --- a restart in one uptime-only file, two banners ------------------------------------------------------------


def test_each_run_takes_the_banner_of_its_jvm(tmp_path: Path, gc_corpus: Path) -> None:
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")  # 64 lines, uptimes 0.015 .. 7.123 s
    later = T0 + dt.timedelta(hours=1)
    analysis = _incident(tmp_path, text, [T0, later])
    pauses = _pauses(analysis)
    assert set(pauses.get_column("ts_quality")) == {"approximate"}
    placed = pauses.select(start=pl.col("ts") - pl.duration(milliseconds=(pl.col("uptime_s") * 1e3).round(0)))
    starts = placed.get_column("start").to_list()
    assert all(abs(s - T0) <= dt.timedelta(milliseconds=1) for s in starts[:4])
    assert all(abs(s - later) <= dt.timedelta(milliseconds=1) for s in starts[4:])
    notes = "\n".join(_warnings(analysis))
    assert f"taskmanager.gc.log lines 1-{lines}: uptime only; placed on the wall clock with the JVM start " in notes
    assert (
        f"lines {lines + 1}-{2 * lines}: uptime only; placed on the wall clock with the JVM start 2024-01-01 11:00:00"
        in notes
    )
    assert "the TaskManager's startup banner (tm/taskmanager.log line 2)" in notes
    assert "the TaskManager's startup banner (tm/taskmanager.log line 6)" in notes
    assert "no JVM start is known" not in notes and "ts is null" not in notes


def test_legacy_uptime_only_log_is_placed_run_by_run(tmp_path: Path, gc_corpus: Path) -> None:
    text, lines = _twice(gc_corpus, "garbagecat/dataset96.txt")
    later = T0 + dt.timedelta(minutes=30)
    analysis = _incident(tmp_path, text, [T0, later])
    pauses = _pauses(analysis)
    assert pauses.get_column("ts").null_count() == 0
    first = pauses.filter(pl.col("line") <= lines).row(0, named=True)
    second = pauses.filter(pl.col("line") > lines).row(0, named=True)
    assert first["ts"] == T0 + dt.timedelta(seconds=first["uptime_s"])  # legacy stamps are the start
    assert second["ts"] == later + dt.timedelta(seconds=second["uptime_s"])


def test_a_run_too_long_for_the_gap_between_banners_is_not_placed(tmp_path: Path, gc_corpus: Path) -> None:
    """Miss: the first JVM ran 7 s; a banner 1 s before the next one cannot be its start."""
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    analysis = _incident(tmp_path, text, [T0, T0 + dt.timedelta(seconds=1)])
    pauses = _pauses(analysis)
    first, second = pauses.filter(pl.col("line") <= lines), pauses.filter(pl.col("line") > lines)
    assert set(first.get_column("ts_quality")) == {"missing"} and first.get_column("ts").null_count() == first.height
    assert set(second.get_column("ts_quality")) == {"approximate"}
    notes = "\n".join(_warnings(analysis))
    assert f"taskmanager.gc.log lines 1-{lines}: uptime only, and no JVM start is known for its JVM run: " in notes
    assert (
        "the JVM start at 2024-01-01 10:00:00 UTC (the TaskManager's startup banner (tm/taskmanager.log line 2))"
        in notes
    )
    assert "does not fit: the run's uptime reaches 7.1 s, past the next JVM start at 10:00:01 UTC" in notes
    assert "its GC events have no wall-clock time (ts null)" in notes


def test_one_banner_belongs_to_the_newest_run(tmp_path: Path, gc_corpus: Path) -> None:
    """Miss for the older run: the TaskManager log shows only the newest JVM's start."""
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    analysis = _incident(tmp_path, text, [T0])
    pauses = _pauses(analysis)
    assert pauses.filter(pl.col("line") <= lines).get_column("ts").null_count() == 4
    assert pauses.filter(pl.col("line") > lines).get_column("ts").min() > T0
    notes = "\n".join(_warnings(analysis))
    assert (
        f"lines 1-{lines}: uptime only, and no JVM start is known for its JVM run: the TaskManager's log shows 1 JVM "
        "start, it is taken by a newer JVM run of this set"
    ) in notes


def test_without_a_taskmanager_log_both_runs_say_why(tmp_path: Path, gc_corpus: Path) -> None:
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    analysis = _incident(tmp_path, text, [])
    assert analysis.gc_events.get_column("ts").null_count() == analysis.gc_events.height
    notes = "\n".join(_warnings(analysis))
    for run in (f"lines 1-{lines}", f"lines {lines + 1}-{2 * lines}"):
        assert f"{run}: uptime only, and no JVM start is known for its JVM run: no TaskManager log" in notes


def test_banners_of_rotated_taskmanager_logs(tmp_path: Path, gc_corpus: Path) -> None:
    """The first JVM's log was rotated away to taskmanager.log.1; its banner still places the first run."""
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    later = T0 + dt.timedelta(hours=2)
    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / "taskmanager.gc.log").write_text(text)
    (folder / "taskmanager.log.1").write_text(_banner(T0))
    (folder / "taskmanager.log").write_text(_banner(later))
    analysis = analyze([tmp_path], now=NOW)
    pauses = _pauses(analysis)
    assert pauses.get_column("ts").null_count() == 0
    assert pauses.filter(pl.col("line") > lines).get_column("ts").min() > later


def test_a_set_whose_last_part_restarts_places_both_runs(tmp_path: Path, gc_corpus: Path) -> None:
    """Rotated parts and a restart inside the newest one: the older run spans two files."""
    text = (gc_corpus / "jifa" / "11G1Parser.log").read_text()
    folder = tmp_path / "tm"
    folder.mkdir()
    head, tail = text.splitlines(keepends=True)[:40], text.splitlines(keepends=True)[40:]
    (folder / "taskmanager.gc.log.0").write_text("".join(head))
    (folder / "taskmanager.gc.log").write_text("".join(tail) + text)
    later = T0 + dt.timedelta(hours=1)
    (folder / "taskmanager.log").write_text(_banner(T0) + _banner(later))
    analysis = analyze([tmp_path], now=NOW)
    pauses = analysis.gc_events.filter(pl.col("is_pause"))
    assert pauses.get_column("ts").null_count() == 0
    older = pauses.filter(pl.col("ts") < later)
    assert older.height == 4 and set(older.get_column("source")) == {"tm/taskmanager.gc.log.0", "tm/taskmanager.gc.log"}
    notes = "\n".join(_warnings(analysis, "tm/taskmanager.gc.log"))
    assert f"taskmanager.gc.log lines 1-{len(tail)}: uptime only; placed" in notes


# --- the pairing, alone ------------------------------------------------------------------------------------------


def _run(index: int, last_up: float) -> SetRun:
    part = Part(f"p{index}", "g", index, False, 1.0, last_up, 1.0, (), None, None, None, None, None, None, None)
    part = Part(**{**part.__dict__, "runs": (JvmRun(1, 9, 1.0, last_up, None, False),)})
    return SetRun(index, [(part, 0)])


def test_runs_and_starts_pair_newest_first_in_order() -> None:
    starts = [JvmStart(T0 + dt.timedelta(minutes=m), "tm.log", m, banner=True) for m in (0, 10, 11)]
    # the newest run takes the newest start; the middle one ran 5 minutes: not from 10:10 (next start 10:11)
    runs = [_run(0, 60.0), _run(1, 300.0), _run(2, 30.0)]
    anchors = anchor_runs(runs, starts)
    assert [a.start for a in anchors] == [None, starts[0].ts, starts[2].ts]
    assert "taken by a newer JVM run" in anchors[0].said
    # a short middle run takes the start just before the newest one
    anchors = anchor_runs([_run(0, 60.0), _run(1, 30.0), _run(2, 30.0)], starts)
    assert [a.start for a in anchors] == [starts[0].ts, starts[1].ts, starts[2].ts]


@pytest.mark.parametrize("hints", [(None, T0), (T0, None)])
def test_parse_gc_places_the_runs_it_is_given_starts_for(
    gc_corpus: Path, hints: tuple[dt.datetime | None, ...]
) -> None:
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    parse = parse_gc(read_lines(text.encode(), "x").frame, "x", "gc_unified", run_starts=hints)
    assert [run.placed for run in parse.runs] == [h is not None for h in hints]
    assert [(r.first_line, r.last_line) for r in parse.runs] == [(1, lines), (lines + 1, 2 * lines)]
    assert not any("ts is null" in w for w in parse.warnings)  # the caller explains
    hinted = parse_gc(read_lines(text.encode(), "x").frame, "x", "gc_unified", jvm_start_hint=T0)
    assert any(f"lines {lines + 1}-{2 * lines} (JVM run 2 of 2)" in w for w in hinted.warnings)


def test_rotated_taskmanager_logs_of_two_runs_place_the_gc_log_and_own_it(tmp_path: Path, gc_corpus: Path) -> None:
    """Each JVM start logs a new ResourceID: the rotated log and the current one name two TaskManagers. The banners of
    both still place the uptime-only GC log's run, and the run then falls in the current TaskManager's time."""
    later = _restarted_taskmanager(tmp_path, (gc_corpus / "jifa/11G1Parser.log").read_text())
    analysis = analyze([tmp_path], now=NOW)
    pauses = _pauses(analysis)
    assert pauses.get_column("ts").null_count() == 0 and pauses.get_column("ts").min() > later
    (gc,) = analysis.gc
    assert gc.tm_id == "10.0.3.17:35999-bbbbbb"


def test_a_gc_log_holding_both_runs_is_placed_and_its_events_take_their_run(tmp_path: Path, gc_corpus: Path) -> None:
    text, lines = _twice(gc_corpus, "jifa/11G1Parser.log")
    later = _restarted_taskmanager(tmp_path, text)
    analysis = analyze([tmp_path], now=NOW)
    pauses = _pauses(analysis)
    assert pauses.get_column("ts").null_count() == 0
    assert pauses.filter(pl.col("line") > lines).get_column("ts").min() > later
    (gc,) = analysis.gc
    assert gc.tm_id is None
    # Its events each take the run that started last before them.
    events = analysis.events.filter(pl.col("source").cast(pl.String) == "tm/taskmanager.gc.log")
    runs = events.select(after=pl.col("ts") > later, tm_id=pl.col("tm_id").cast(pl.String)).unique().sort("after")
    assert runs.rows() == [(False, "10.0.3.17:35211-aaaaaa"), (True, "10.0.3.17:35999-bbbbbb")]


def _restarted_taskmanager(tmp_path: Path, gc_text: str) -> dt.datetime:
    """A TaskManager folder: the GC log, the rotated log of a first run (T0, an hour long) and the current log of a
    second run two hours later, each with its own ResourceID; returns the second start."""
    later = T0 + dt.timedelta(hours=2)
    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / "taskmanager.gc.log").write_text(gc_text)
    for name, start, resource in (
        ("taskmanager.log.1", T0, "10.0.3.17:35211-aaaaaa"),
        ("taskmanager.log", later, "10.0.3.17:35999-bbbbbb"),
    ):
        (folder / name).write_text(_banner(start, resource) + info_line(start + dt.timedelta(hours=1)))
    return later


def info_line(at: dt.datetime, message: str = "Heartbeat from the JobManager") -> str:
    """A TaskManagerRunner INFO line at ``at``."""
    return f"{_stamp(at)} INFO  {RUNNER} {message}\n"


def _stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S,") + f"{at.microsecond // 1000:03d}"


def test_a_gc_log_beside_two_taskmanagers_that_ran_side_by_side_is_not_placed(tmp_path: Path, gc_corpus: Path) -> None:
    """Their banners could be either JVM's start: the run keeps no time and says why, as with no TaskManager log."""
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "gc.log").write_text((gc_corpus / "jifa/11G1Parser.log").read_text())
    for index, start in enumerate((T0, T0 + dt.timedelta(minutes=30))):
        resource = f"10.0.3.17:3521{index}-aaaaa{index}"
        (folder / f"taskexecutor-{index}.log").write_text(
            _banner(start, resource) + info_line(T0 + dt.timedelta(hours=3))
        )
    analysis = analyze([tmp_path], now=NOW)
    assert _pauses(analysis).get_column("ts").null_count() == _pauses(analysis).height
    (gc,) = analysis.gc
    assert gc.tm_id is None
