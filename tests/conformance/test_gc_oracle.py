"""Agreement of our GC numbers with the facts GCViewer's, garbagecat's, gctoolkit's, jifa's and
jvm-gc-logs-analyzer's own tests assert about the development corpus (../shared/corpus/gc/oracle-dev.json).

The mapping of every fact to our computation is in gc_oracle.py's docstring. At least 95 % of the mapped facts must
agree, and every fact that does not must be listed below with the reason: their quirk, or ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance import gc_oracle

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "gc"
ORACLE = CORPUS / "oracle-dev.json"

THEIRS, OURS = "their quirk", "our gap"

# (file, key) -> (whose, why)
EXPLAINED: dict[tuple[str, str], tuple[str, str]] = {
    ("sample-ujl-g1-gc-defaults.txt", "gc_pause_count"): (
        THEIRS,
        "GCViewer turns each 'GC(n) To-space exhausted' line into an extra young pause event (9 pauses + 3 lines); "
        "we keep it as a marker of the pause it belongs to",
    ),
    ("sample-ujl-zgc-gc-other.txt", "gc_pause_count"): (
        THEIRS,
        "GCViewer counts ZGC's concurrent 'Garbage Collection (cause)' cycle summaries as pauses (15 = 3 real "
        "pauses + 12 cycles); ZGC cycles do not stop the world, we count only 'Pause Mark Start/End, Relocate Start'",
    ),
    ("sample-ujl-zgc-gc-other.txt", "heap_allocated_max_kb"): (
        OURS,
        "ZGC cycle lines give used heap with a percentage ('3884M(97%)'), not the capacity; we do not read the "
        "'Capacity:' statistics table, so heap_total_kb is null for ZGC",
    ),
    ("17ZGCParser.log", "events[0].memory_HEAP"): (
        OURS,
        "same as above: the ZGC capacity (post_capacity_bytes) comes from the 'Capacity:' table we do not read; "
        "pre/post used agree",
    ),
    ("dataset271.txt", "max_heap_allocation_nonblocking_bytes"): (
        OURS,
        "generational ZGC capacity ('Max Capacity: 96M' table) is not read; occupancy and after-GC agree",
    ),
    ("11G1Parser.log", "start_time_ms"): (
        THEIRS,
        "jifa starts every unified log at uptime 0 (JVM start); our first_uptime_s is the first stamp in the file "
        "(0.015 s, 'Using G1')",
    ),
    ("8SerialGCParser.log", "events[1].memory.HEAP.getPreUsed"): (
        THEIRS,
        "the oracle files under events[1] the heap of events[6] (the full GC at line 7: 823069K->756062K(1058120K)); "
        "jifa's test reads it from the full GC; our events[6] has exactly those numbers",
    ),
    ("8SerialGCParser.log", "events[1].memory.HEAP.getPostUsed"): (THEIRS, "as getPreUsed: events[6]'s numbers"),
    ("8SerialGCParser.log", "events[1].memory.HEAP.getPostCapacity"): (THEIRS, "as getPreUsed: events[6]'s numbers"),
    ("IncompleteGCLog.log", "gc_event_count"): (
        THEIRS,
        "the file starts inside GC(0), whose summary 'Pause Young (Allocation Failure) 68M->32M(247M) 31.208ms' is "
        "complete; jifa drops an event whose start line is missing, we keep the pause",
    ),
    ("dataset103.txt", "first_safepoint_event_ts_ms"): (
        THEIRS,
        "the stopped-time lines of this file carry no time stamp: garbagecat writes 0; we place such a line at the "
        "start of the event before it (approximate), and the first one, before any stamp, has no time",
    ),
    ("dataset103.txt", "last_safepoint_event_ts_ms"): (THEIRS, "unstamped stopped-time lines: garbagecat writes 0"),
    ("dataset96.txt", "first_safepoint_event_ts_ms"): (THEIRS, "unstamped stopped-time lines: garbagecat writes 0"),
    ("dataset96.txt", "last_safepoint_event_ts_ms"): (THEIRS, "unstamped stopped-time lines: garbagecat writes 0"),
    ("dataset135.txt", "event_types_absent"): (
        THEIRS,
        "valid only after garbagecat's preprocessing, which glues the garbled physical lines back together; we "
        "do not rewrite lines, so the two orphan pieces (' [Times: ...]' and a merged concurrent/application-time "
        "line) are counted as unknown lines",
    ),
    ("dataset182.txt", "pause_total_us"): (
        THEIRS,
        "garbagecat's unified total is 476 us above the sum of the seven 'Pause ...' durations (24180 us), which "
        "we checked by hand",
    ),
    ("dataset182.txt", "safepoint_time_total_ns"): (
        THEIRS,
        "garbagecat adds 'Stopping threads took' to 'Total time for which application threads were stopped', "
        "which already includes it (HotSpot measures the total from the start of the safepoint sync)",
    ),
    ("dataset182.txt", "last_safepoint_event_duration_us"): (THEIRS, "418 + 21 us of 'Stopping threads took' = 439"),
    ("dataset41.txt", "pause_total_us"): (
        THEIRS,
        "in this preprocessed JDK 8 G1 log garbagecat adds the '[Other: x ms]' line to the pause (20.963 + 8.2 and "
        "41.453 + 12.0 ms); the pause is the ', 0.0414530 secs]' of the record",
    ),
    ("dataset41.txt", "last_blocking_event_duration_us"): (THEIRS, "41.453 ms + '[Other: 12.0 ms]'"),
    ("dataset243.txt", "analysis_absent"): (
        THEIRS,
        "GC pauses are 7.5 % of the safepoint time (969 us of 12.8 ms), below garbagecat's 80 % threshold, yet it "
        "does not report WARN_GC_SAFEPOINT_RATIO_JDK17 for this ZGC log: its rule evidently has conditions beyond "
        "the ratio that its catalogue does not state",
    ),
    ("tlab_broken_gc_locker.log", "event_counts.ParNew"): (
        OURS,
        "the last ParNew record (line 178) is split by interleaved -XX:+PrintTLAB output: its '[ParNew' line comes "
        "without a '[GC' header we can recognise, so it is read as part of the record before; gctoolkit counts it",
    ),
}


def _results() -> list[gc_oracle.Result]:
    if not ORACLE.is_file():
        pytest.skip(f"GC oracle not found at {ORACLE} (../shared beside the checkout)")
    return gc_oracle.run(ORACLE, CORPUS)


def test_agreement_with_the_oracle() -> None:
    results = _results()
    passed = [r for r in results if r.outcome.status == gc_oracle.PASS]
    failed = [r for r in results if r.outcome.status == gc_oracle.FAIL]
    mapped = len(passed) + len(failed)
    assert mapped >= 500, "most facts must be mapped"
    assert len(passed) / mapped >= 0.95, f"{len(passed)} passed, {len(failed)} failed"
    unexplained = [
        f"{r.tool} {r.file} {r.key}: theirs={r.fact!r} ours={r.outcome.ours!r} {r.outcome.note}"
        for r in failed
        if (r.file, r.key) not in EXPLAINED
    ]
    assert not unexplained, "\n".join(unexplained)


def test_every_explanation_is_still_needed() -> None:
    failed = {(r.file, r.key) for r in _results() if r.outcome.status == gc_oracle.FAIL}
    stale = sorted(set(EXPLAINED) - failed)
    assert not stale, f"these facts agree now; drop their explanation: {stale}"


def test_checker_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    if not ORACLE.is_file():
        pytest.skip("GC oracle not found")
    code = gc_oracle.main(["--oracle", str(ORACLE), "--corpus", str(CORPUS)])
    out = capsys.readouterr().out.strip().splitlines()
    last = out[-1]
    assert last.endswith("failed") and " passed, " in last
    failed = int(last.split(" passed, ")[1].split()[0])
    assert code == (1 if failed else 0)
    assert sum(1 for line in out if line.startswith("FAIL ")) == failed


def test_locate_by_repository_short_name(tmp_path: Path) -> None:
    (tmp_path / "gcviewer" / "deep").mkdir(parents=True)
    log = tmp_path / "gcviewer" / "deep" / "x.txt"
    log.write_text("[0.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms\n")
    entry = {"repo": "chewiebug/GCViewer", "path": "src/test/resources/x.txt"}
    assert gc_oracle.locate(entry, tmp_path) == log
    assert gc_oracle.locate({"repo": "a/Other", "path": "x.txt"}, tmp_path) is None
