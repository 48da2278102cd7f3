"""Rotated GC log sets are ordered by content (wrap-around, JVM restarts, uptime-only parts placed with their JVM's
start), and clocks that go back are reported, never a crash. The real JDK 7 rotation set of the corpus is read in
place; the other sets are small synthetic ones written into tmp_path, each the way the JVM writes it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from logforensics.api import analyze
from logforensics.gcparts import ROTATION_RULES, Part, part_facts
from logforensics.gcsets import order_parts, plan_set
from logforensics.ingest.rotation import rotation_index
from logforensics.model import Analysis, SourceStats
from logforensics.parsers.gc import parse_gc, sniff_gc
from logforensics.parsers.lines import read_lines

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, tzinfo=UTC)
START = dt.datetime(2024, 1, 1, 10, 0, 0, tzinfo=UTC)
TM_LINE = (
    "{ts} INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting TaskManager with "
    "ResourceID: 10.0.3.17:35211-8c1f0e\n"
)
JDK8_HEADER = (
    "Java HotSpot(TM) 64-Bit Server VM (25.192-b12) for linux-amd64 JRE (1.8.0_192-b12), built on Oct  6 2018 "
    '06:46:09 by "java_re" with gcc 7.3.0\n'
    "Memory: 4k page, physical 16267496k(11834828k free), swap 0k(0k free)\n"
    "CommandLine flags: -XX:GCLogFileSize=1048576 -XX:NumberOfGCLogFiles=3 -XX:+PrintGC -XX:+PrintGCDetails "
    "-XX:+PrintGCTimeStamps -XX:+UseGCLogFileRotation -XX:+UseParallelGC\n"
)


def _sources(analysis: Analysis) -> dict[str, SourceStats]:
    return {s.path: s for s in analysis.sources}


def _gc_order(analysis: Analysis) -> list[str]:
    return [s.path for s in analysis.sources if s.kind == "gc_log"]


def _notes(analysis: Analysis) -> str:
    return "\n".join(w for s in analysis.sources for w in s.warnings)


def _jdk8_young(up: float) -> str:
    return (
        f"{up:.3f}: [GC (Allocation Failure) [PSYoungGen: 24571K->4081K(28672K)] 24571K->22186K(94208K), "
        "0.0200000 secs] [Times: user=0.03 sys=0.00, real=0.02 secs]\n"
    )


def _local(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def _jdk8_part(name: str, first: int, last: int, created: bool, saved: bool) -> str:
    """A JDK 8 rotated file, uptime stamps only: a young GC every 10 s of uptime from ``first`` + 4 s on, the file
    rotated at uptime ``last`` (the next safepoint after it filled up), with the rotation headers the JVM writes
    (local time, here UTC, to the second)."""
    text = (
        f"{_local(START + dt.timedelta(seconds=first))} GC log file created /opt/flink/log/{name}\n" if created else ""
    )
    text += JDK8_HEADER + "".join(_jdk8_young(up) for up in range(first + 4, last, 10))
    if saved:
        text += f"{_local(START + dt.timedelta(seconds=last))} GC log file has reached the maximum size. Saved as "
        text += f"/opt/flink/log/{name}\n"
    return text


def _unified_part(first: float, last: float, step: float = 100.0, init: bool = False) -> str:
    """A unified log with the default decorations (uptime, level, tags): one young pause every ``step`` s."""
    text = "[0.005s][info][gc] Using G1\n[0.006s][info][gc,init] Version: 17.0.9+9 (release)\n" if init else ""
    up, gc_id = first, int(first)
    while up < last:
        text += (
            f"[{up:.3f}s][info][gc] GC({gc_id}) Pause Young (Normal) (G1 Evacuation Pause) 900M->300M(2048M) 12.500ms\n"
        )
        up += step
        gc_id += 1
    return text


# --- the rotation headers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ROTATION_RULES))
def test_rotation_header_rules_match_their_samples(name: str) -> None:
    rule = ROTATION_RULES[name]
    assert pl.select(pl.lit(rule.sample).str.contains(rule.pattern)).item()


def test_rotation_header_samples_are_real(gc_corpus: Path) -> None:
    folder = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    first = (folder / "gc.log.1.current").read_text().splitlines()[0]
    last = (folder / "gc.log.0").read_text().splitlines()[-1]
    assert ROTATION_RULES["created"].sample == first
    assert ROTATION_RULES["saved"].sample == last


def test_rotation_index_of_names() -> None:
    assert rotation_index("tm/gc.log.3.current") == (3, True)
    assert rotation_index("tm/gc.log.2.gz") == (2, False)
    assert rotation_index("tm/gc.log") == (None, False)
    assert rotation_index("x.tgz!/tm/taskmanager.gc.log.0") == (0, False)


# --- the real JDK 7 set of the corpus ------------------------------------------------------------------------------


def test_corpus_set_is_ordered_and_its_headers_agree_with_its_stamps(gc_corpus: Path) -> None:
    folder = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    analysis = analyze([folder], now=NOW)
    assert _gc_order(analysis) == ["gc.log.0", "gc.log.1.current"]
    stats = _sources(analysis)
    assert (
        stats["gc.log.0"]
        .warnings[0]
        .startswith("rotated GC log set, oldest first by the time of their first record: gc.log.0, gc.log.1.current")
    )
    assert "new JVM" not in _notes(analysis)
    last, first = stats["gc.log.0"].last_ts, stats["gc.log.1.current"].first_ts
    assert last is not None and first is not None and last <= first
    # the rotation headers (local time, +02:00 from the datestamps) imply the JVM start the stamps give
    parts = {}
    for name in ("gc.log.0", "gc.log.1.current"):
        text = (folder / name).read_bytes()
        lines = read_lines(text, name).frame
        parse = parse_gc(lines, name, sniff_gc(text[:65536].decode()) or "gc_legacy")
        parts[name] = part_facts(name, "gc.log", parse, lines, "UTC")
    saved, created = parts["gc.log.0"], parts["gc.log.1.current"]
    assert saved.saved == created.created == dt.datetime(2016, 8, 30, 18, 35, 29, tzinfo=UTC)
    low, high = created.start_not_before, saved.start_not_after
    assert low is not None and high is not None and saved.jvm_start is not None
    assert low <= saved.jvm_start <= high
    assert high - low < dt.timedelta(seconds=30)  # the headers bound it by the time between two GCs
    # events land on the timeline in file order across the two parts
    gc_events = analysis.gc_events.filter(pl.col("is_pause"))
    assert gc_events.get_column("source").unique(maintain_order=True).to_list() == ["gc.log.0", "gc.log.1.current"]


def test_corpus_set_renamed_as_a_wrapped_set(gc_corpus: Path, tmp_path: Path) -> None:
    """The same two files as a set that wrapped: the older content under the higher number."""
    folder = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    (tmp_path / "gc.log.1").write_bytes((folder / "gc.log.0").read_bytes())
    (tmp_path / "gc.log.0.current").write_bytes((folder / "gc.log.1.current").read_bytes())
    analysis = analyze([tmp_path], now=NOW)
    assert _gc_order(analysis) == ["gc.log.1", "gc.log.0.current"]
    assert "gc.log.1 is older than gc.log.0.current: the set wrapped around" in _notes(analysis)
    ts = analysis.gc_events.filter(pl.col("is_pause")).get_column("ts")
    assert ts.is_sorted()


# --- JDK 8, uptime only, wrapped: ordered and placed by the rotation headers ---------------------------------------


def test_jdk8_uptime_only_set_that_wrapped(tmp_path: Path) -> None:
    # -XX:NumberOfGCLogFiles=3: .0 (0-1000 s), .1, .2, then .0 again (3000-4000 s), now writing .1.current
    (tmp_path / "gc.log.2").write_text(_jdk8_part("gc.log.2", 2000, 3000, created=True, saved=True))
    (tmp_path / "gc.log.0").write_text(_jdk8_part("gc.log.0", 3000, 4000, created=True, saved=True))
    (tmp_path / "gc.log.1.current").write_text(_jdk8_part("gc.log.1", 4000, 4500, created=True, saved=False))
    analysis = analyze([tmp_path], now=NOW)
    assert _gc_order(analysis) == ["gc.log.2", "gc.log.0", "gc.log.1.current"]
    notes = _notes(analysis)
    assert "oldest first by the time of their first record (JDK 8 rotation headers)" in notes
    assert "gc.log.2 is older than gc.log.0: the set wrapped around" in notes
    assert "taken from JDK 8's rotation headers of gc.log.0, gc.log.1.current, gc.log.2" in notes
    assert "new JVM" not in notes
    pauses = analysis.gc_events.filter(pl.col("is_pause"))
    assert set(pauses.get_column("ts_quality")) == {"approximate"}
    placed = pauses.select(
        (pl.col("ts") - pl.lit(START) - pl.duration(milliseconds=pl.col("uptime_s") * 1e3)).dt.total_milliseconds()
    )
    assert placed.to_series().abs().max() <= 6000  # the headers bound the start by the time between two GCs
    assert pauses.get_column("ts").is_sorted()


# --- unified, uptime only: a JVM restart between parts --------------------------------------------------------------


def test_unified_set_with_a_restart_between_parts(tmp_path: Path) -> None:
    # filecount=5: the first JVM wrote gc.log -> .0, .1, .2 and was killed while writing gc.log; the second JVM
    # archived that file as .3 and writes gc.log from uptime 0
    folder = tmp_path / "tm"
    folder.mkdir()
    (folder / "taskmanager.gc.log.0").write_text(_unified_part(10.0, 100.0, 10.0, init=True))
    (folder / "taskmanager.gc.log.1").write_text(_unified_part(100.0, 200.0, 10.0))
    (folder / "taskmanager.gc.log.2").write_text(_unified_part(200.0, 300.0, 10.0))
    (folder / "taskmanager.gc.log.3").write_text(_unified_part(300.0, 350.0, 10.0))
    (folder / "taskmanager.gc.log").write_text(_unified_part(5.0, 60.0, 10.0, init=True))
    (folder / "taskmanager.log").write_text(TM_LINE.format(ts="2024-01-01 12:00:00,000"))
    analysis = analyze([tmp_path], now=NOW)
    names = [f"tm/taskmanager.gc.log.{n}" for n in range(4)] + ["tm/taskmanager.gc.log"]
    assert _gc_order(analysis) == names
    stats = _sources(analysis)
    assert any("taskmanager.gc.log starts a new JVM run" in w for w in stats["tm/taskmanager.gc.log"].warnings)
    assert any("first line of the TaskManager's log" in w for w in stats["tm/taskmanager.gc.log"].warnings)
    assert any("no JVM start is known" in w for w in stats["tm/taskmanager.gc.log.1"].warnings)
    by_source = analysis.gc_events.group_by("source").agg(pl.col("ts").null_count(), pl.len())
    counts = {row[0]: (row[1], row[2]) for row in by_source.iter_rows()}
    assert counts["tm/taskmanager.gc.log"][0] == 0  # the newest JVM is placed with the TaskManager's start
    assert counts["tm/taskmanager.gc.log.1"][0] == counts["tm/taskmanager.gc.log.1"][1]  # the older one cannot be
    first = analysis.gc_events.filter(pl.col("source") == "tm/taskmanager.gc.log").get_column("ts").min()
    assert abs(first - dt.datetime(2024, 1, 1, 12, 0, 4, 987500, tzinfo=UTC)) <= dt.timedelta(milliseconds=1)


def test_unified_set_that_wrapped_is_ordered_by_uptime(tmp_path: Path) -> None:
    # filecount=3, one JVM: .0 (0-100 s) .1 .2, then .0 again (300-400 s), .1 again (400-500 s), now gc.log
    (tmp_path / "gc.log.2").write_text(_unified_part(200.0, 300.0, 10.0))
    # a concurrent cycle that began before the rotation ends at the top of gc.log.0: no JVM restart
    cycle = "[301.000s][info][gc] GC(299) Concurrent Mark Cycle 45000.000ms\n"
    (tmp_path / "gc.log.0").write_text(cycle + _unified_part(305.0, 400.0, 10.0))
    (tmp_path / "gc.log.1").write_text(_unified_part(400.0, 500.0, 10.0))
    (tmp_path / "gc.log").write_text(_unified_part(500.0, 520.0, 10.0))
    analysis = analyze([tmp_path], now=NOW)
    assert _gc_order(analysis) == ["gc.log.2", "gc.log.0", "gc.log.1", "gc.log"]
    notes = _notes(analysis)
    assert "by their JVM uptimes along the rotation cycle of their names" in notes
    assert "gc.log.2 is older than gc.log.0: the set wrapped around" in notes
    assert "new JVM" not in notes


def test_jdk8_restart_overwrote_the_first_files() -> None:
    """A restarted JDK 8 JVM starts again at .0: the newest run holds .0 and .1.current, the older one .2 to .4."""

    def part(name: str, index: int, first: float, last: float, current: bool = False) -> Part:
        return Part(name, "gc.log", index, current, first, last, first, (), None, None, None, None, None, None, None)

    parts = [
        part("gc.log.0", 0, 7.0, 100.0),
        part("gc.log.1.current", 1, 100.0, 150.0, current=True),
        part("gc.log.2", 2, 2000.0, 3000.0),
        part("gc.log.3", 3, 3000.0, 4000.0),
        part("gc.log.4", 4, 4000.0, 5000.0),
    ]
    order, how = order_parts(parts)
    assert how == "their JVM uptimes along the rotation cycle of their names"
    assert [p.label for p in order] == ["gc.log.2", "gc.log.3", "gc.log.4", "gc.log.0", "gc.log.1.current"]
    plan = plan_set(parts, tm_start=START)
    assert [plan.parts[p].jvm for p in plan.order] == [0, 0, 0, 1, 1]
    assert plan.parts["gc.log.0"].anchor == START and plan.parts["gc.log.2"].anchor is None
    assert any("gc.log.0 starts a new JVM run" in n for n in plan.parts["gc.log.0"].notes)


# --- clocks going backwards ----------------------------------------------------------------------------------------


def _timed_line(at: dt.datetime, up: float, gc_id: int) -> str:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
    return (
        f"[{stamp}][{up:.3f}s][info][gc] GC({gc_id}) Pause Young (Normal) (G1 Evacuation Pause) "
        "900M->300M(2048M) 12.500ms\n"
    )


def test_clock_going_back_inside_a_file_is_reported(tmp_path: Path) -> None:
    text = ""
    for gc_id, up in enumerate(range(100, 200, 10)):
        back = dt.timedelta(hours=1) if up >= 150 else dt.timedelta(0)  # NTP steps the clock back one hour
        text += _timed_line(START + dt.timedelta(seconds=up) - back, float(up), gc_id)
    (tmp_path / "gc.log").write_text(text)
    analysis = analyze([tmp_path], now=NOW)
    notes = _sources(analysis)["gc.log"].warnings
    assert any("the wall clock jumps back by 3600.0 s at line 6 while the JVM uptime went on" in n for n in notes)
    assert analysis.gc_events.height == 10  # every event kept, with the time written
    assert analysis.gc_events.get_column("ts").null_count() == 0


def test_clock_going_back_in_a_datestamp_only_log_is_reported(tmp_path: Path) -> None:
    def record(at: dt.datetime) -> str:
        stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
        return (
            f"{stamp}: [GC (Allocation Failure) [PSYoungGen: 24571K->4081K(28672K)] 24571K->22186K(94208K), "
            "0.0200000 secs]\n"
        )

    times = [START + dt.timedelta(seconds=s) for s in (0, 60, 120, 30, 90)]  # back by 90 s at the 4th record
    (tmp_path / "gc.log").write_text("".join(record(t) for t in times))
    analysis = analyze([tmp_path], now=NOW)
    notes = _sources(analysis)["gc.log"].warnings
    assert any("the wall clock jumps back by 90.0 s at line 4" in n for n in notes), notes


def test_clock_going_back_between_parts_is_reported(tmp_path: Path) -> None:
    first = "".join(_timed_line(START + dt.timedelta(seconds=up), float(up), up) for up in range(100, 200, 10))
    # the next part goes on with the uptime, but its wall clock was stepped back by five minutes
    step = dt.timedelta(minutes=5)
    second = "".join(_timed_line(START + dt.timedelta(seconds=up) - step, float(up), up) for up in range(200, 300, 10))
    (tmp_path / "gc.log.0").write_text(first)
    (tmp_path / "gc.log.1").write_text(second)
    analysis = analyze([tmp_path], now=NOW)
    assert _gc_order(analysis) == ["gc.log.0", "gc.log.1"]
    notes = _sources(analysis)["gc.log.1"].warnings
    assert any("the wall clock went back by 300.0 s since gc.log.0 while the JVM uptime went on" in n for n in notes)
    assert "new JVM" not in _notes(analysis)


# --- restarts inside one file, and inputs with nothing to order by ------------------------------------------------


def test_restart_inside_one_file_is_reported(tmp_path: Path) -> None:
    run = _unified_part(5.0, 60.0, 10.0, init=True)
    (tmp_path / "tm").mkdir()
    (tmp_path / "tm" / "taskmanager.gc.log").write_text(run + run)  # a second JVM appended to the same file
    (tmp_path / "tm" / "taskmanager.log").write_text(TM_LINE.format(ts="2024-01-01 12:00:00,000"))
    analysis = analyze([tmp_path], now=NOW)
    notes = _sources(analysis)["tm/taskmanager.gc.log"].warnings
    assert any("JVM uptime resets at line(s) 9: 2 JVM runs in one file" in n for n in notes), notes
    assert any("no JVM start is known for its JVM run" in n for n in notes)


def test_parts_without_time_or_uptime_keep_their_names(tmp_path: Path) -> None:
    line = "[info][gc] GC({n}) Pause Young (Normal) (G1 Evacuation Pause) 9M->3M(64M) 1.500ms\n"  # level,tags only
    (tmp_path / "gc.log.1").write_text(line.format(n=1) + line.format(n=2))
    (tmp_path / "gc.log.0").write_text(line.format(n=3))
    (tmp_path / "gc.log").write_text("")
    analysis = analyze([tmp_path], now=NOW)  # must not raise
    assert _gc_order(analysis)[:2] == ["gc.log.0", "gc.log.1"]
    assert "oldest first by their names (some parts show neither a time nor an uptime)" in _notes(analysis)


def test_garbage_in_a_set_does_not_crash(tmp_path: Path) -> None:
    (tmp_path / "gc.log.0").write_bytes(b"\x00\x01\xff[12.5s][info][gc] GC(1) Pause Full\n" * 3)
    (tmp_path / "gc.log.1").write_text("[99999999999.000s][info][gc] GC(2) Pause Young (Normal) 1M->0M(2M) 1.0ms\n")
    (tmp_path / "gc.log.2.current").write_text(
        "0001-01-01 00:00:00 GC log file created /x/gc.log.2\n2024-13-45 99:99:99 GC log file created /x/gc.log.2\n"
        + _jdk8_young(5.0)
        + "9999-12-31 23:59:59 GC log file has reached the maximum size. Saved as /x/gc.log.2\n"
    )
    (tmp_path / "gc.log.3").write_text("2024-13-45 99:99:99 GC log file created /x/gc.log.3\n" + _jdk8_young(7.0))
    analysis = analyze([tmp_path], now=NOW)
    assert {"gc.log.2.current", "gc.log.3"} <= set(_gc_order(analysis))
