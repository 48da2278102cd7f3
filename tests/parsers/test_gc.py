"""GC log parser: line rules with real sample lines, exact numbers on real corpus lines and files, the time model,
decimal commas, robustness, and agreement with the facts other analyzers assert (oracle-dev.json).

The corpus (../shared/corpus/gc beside the checkout) is read in place; tests that need it skip when it is absent.
Inline log lines below are copied verbatim from the corpus files named next to them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.model import GC_EVENTS_SCHEMA, TEXT_CAP
from logforensics.parsers.gc import (
    LEGACY_RULES,
    UNIFIED_RULES,
    GcParse,
    parse_gc,
    parsed_mask,
    sniff_gc,
    summarize_gc,
)
from logforensics.parsers.lines import read_lines

SHARED = Path(__file__).parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "gc"
UTC = dt.UTC


def _corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"GC corpus not found at {CORPUS} (it lives in ../shared beside the checkout)")
    return CORPUS


def _corpus_file(rel: str) -> Path:
    path = _corpus_dir() / rel
    if not path.is_file():
        pytest.skip(f"corpus file {rel} not found in {CORPUS}")
    return path


def _lines(text: str) -> pl.DataFrame:
    return read_lines(text.encode(), "test").frame


def _pauses_only(parse: GcParse) -> GcParse:
    """The parse with only its stop-the-world GC pauses: what most tests below are about. The other events
    (concurrent phases, safepoints, stalls, markers) have their own tests (``all_events=True``)."""
    return dataclasses.replace(parse, events=parse.events.filter(pl.col("is_pause")))


def _parse_text(text: str, layout: str | None = None, *, all_events: bool = False, **kwargs: Any) -> GcParse:
    layout = layout or sniff_gc(text) or "gc_unified"
    parse = parse_gc(_lines(text), "test.log", layout, **kwargs)
    return parse if all_events else _pauses_only(parse)


def _parse_file(rel: str, *, all_events: bool = False, **kwargs: Any) -> GcParse:
    data = _corpus_file(rel).read_bytes()
    layout = sniff_gc(data[:65536].decode("utf-8", errors="replace"))
    assert layout is not None, rel
    parse = parse_gc(read_lines(data, rel).frame, rel, layout, **kwargs)
    return parse if all_events else _pauses_only(parse)


def _check_invariants(parse: GcParse) -> None:
    assert parse.events.schema == pl.Schema(GC_EVENTS_SCHEMA)
    assert parse.lines == parse.parsed_lines + parse.unparsed_lines
    assert 0 <= parse.parsed_lines <= parse.lines
    assert parse.collector in ("G1", "Parallel", "CMS", "Serial", "ZGC", "Shenandoah", "unknown")
    assert parse.format in ("unified", "legacy")
    assert not any("internal error" in w for w in parse.warnings), parse.warnings


def _row(parse: GcParse, index: int) -> dict[str, Any]:
    return parse.events.row(index, named=True)


# --- the line-rule tables ----------------------------------------------------------------------------------------

ALL_RULES = [("unified", rule) for rule in UNIFIED_RULES.values()] + [
    ("legacy", rule) for rule in LEGACY_RULES.values()
]


@pytest.mark.parametrize(("fmt", "rule"), ALL_RULES, ids=[f"{fmt}-{rule.name}" for fmt, rule in ALL_RULES])
def test_rule_matches_its_sample(fmt: str, rule: Any) -> None:
    assert pl.Series([rule.sample]).str.contains(rule.pattern).item(), (fmt, rule.name)


@pytest.mark.parametrize(("fmt", "rule"), ALL_RULES, ids=[f"{fmt}-{rule.name}" for fmt, rule in ALL_RULES])
def test_rule_sample_is_real(fmt: str, rule: Any) -> None:
    corpus = _corpus_dir()
    texts = (p.read_text(encoding="utf-8", errors="replace") for p in corpus.rglob("*") if p.is_file())
    assert any(rule.sample in text for text in texts), f"{fmt} rule {rule.name}: sample not found in the corpus"


# --- sniffing ----------------------------------------------------------------------------------------------------


def test_sniff_unified_heads() -> None:
    assert sniff_gc("[0.015s][info][gc,heap] Heap region size: 1M\n[0.017s][info][gc] Using G1\n") == "gc_unified"
    # decorations time+uptimemillis only, no level/tags (garbagecat/dataset204.txt)
    head = "[2021-03-13T03:37:40.047+0530][79853115ms] GC(8645) Pause Young (Concurrent Start) (G1 Evacuation Pause)\n"
    assert sniff_gc(head) == "gc_unified"
    # no decorations at all
    assert sniff_gc("GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms\n") == "gc_unified"
    # cut mid-line after a complete first line
    assert sniff_gc("[0.017s][info][gc] Using G1\n[0.018s][info][gc,in") == "gc_unified"


def test_sniff_legacy_heads() -> None:
    # gcviewer/SampleSun1_8_0Parallel_Tenuring_PrintGCCause.txt
    assert sniff_gc("2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) \n") == "gc_legacy"
    # gctoolkit-testdata/g1.details.cause.log
    assert sniff_gc("0.777: [Full GC (System.gc()) 17M->3758K(13M), 0.0233460 secs]\n") == "gc_legacy"
    # jifa/8SerialGCParser.log: datestamp and PrintGCID, no uptime
    line = "2021-12-07T11:18:11.688+0800: #0: [GC (Allocation Failure) 2021-12-07T11:18:11.688+0800: #0: [DefNew: "
    assert sniff_gc(line) == "gc_legacy"
    # garbagecat/dataset101.txt: decimal comma uptime, no space after GC
    assert sniff_gc("1,319: [GC1,320: [DefNew: 68160K->4425K(76672K), 0,0354890 secs]\n") == "gc_legacy"


def test_sniff_rejects_other_text() -> None:
    flink = "2025-03-26 11:50:40,548 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Starting\n"
    assert sniff_gc(flink) is None
    assert sniff_gc("") is None
    assert sniff_gc('<verbosegc xmlns="http://www.ibm.com/j9/verbosegc" version="R28">\n') is None


@pytest.mark.parametrize(
    ("rel", "layout"),
    [
        ("gcviewer/sample-ujl-g1-gc-defaults.txt", "gc_unified"),
        ("gctoolkit-testdata/jvm-gc-10Nov2022.log", "gc_unified"),
        ("garbagecat/dataset204.txt", "gc_unified"),
        ("gctoolkit-testdata/g1.details.cause.log", "gc_legacy"),
        ("gcviewer/SampleSun1_6_0CMS.txt", "gc_legacy"),
        ("garbagecat/dataset114.txt", "gc_legacy"),  # JBoss stdout first, GC lines later
        ("gctoolkit-testdata/rotating_directory/gc.log.1.current", "gc_legacy"),
        ("gcviewer/SampleIBMJ9_R28_af_global.txt", None),
    ],
)
def test_sniff_corpus_files(rel: str, layout: str | None) -> None:
    head = _corpus_file(rel).read_bytes()[:65536].decode("utf-8", errors="replace")
    assert sniff_gc(head) == layout


# --- unified: single lines ---------------------------------------------------------------------------------------


def test_unified_g1_young_pause_line() -> None:
    # jifa/11G1Parser.log line 19
    line = (
        "[1.010s][info][gc           ] GC(0) Pause Young (Concurrent Start) (Metadata GC Threshold) "
        "19M->4M(64M) 10.709ms"
    )
    parse = _parse_text(line + "\n", "gc_unified")
    _check_invariants(parse)
    assert parse.events.height == 1
    row = _row(parse, 0)
    assert row["gc_id"] == 0
    assert row["gc_type"] == "Pause Young (Concurrent Start)"
    assert row["cause"] == "Metadata GC Threshold"
    assert row["is_pause"] is True
    assert row["is_full"] is False
    assert row["pause_ms"] == pytest.approx(10.709)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (19 * 1024, 4 * 1024, 64 * 1024)
    assert row["line"] == 1
    assert row["text"] == line
    assert row["source"] == "test.log"
    # end-stamp rule: the [1.010s] stamp is written when the pause ends
    assert row["uptime_s"] == pytest.approx(1.010 - 0.010709)
    assert row["ts"] is None
    assert row["ts_quality"] == "missing"
    assert parse.parsed_lines == 1


@pytest.mark.parametrize(
    ("line", "gc_type", "cause", "is_full", "heap", "pause_ms"),
    [
        # gcviewer/sample-ujl-jdk17-full-concurrent-cycle-g1-gc-all-safepont,os-cpu.txt
        (
            "[2022-01-29T16:34:51.654+0000][245ms][info][gc          ] GC(6) Pause Young (Normal) (G1 Evacuation Pause)"
            " 14M->14M(46M) 9.772ms",
            "Pause Young (Normal)",
            "G1 Evacuation Pause",
            False,
            (14336.0, 14336.0, 47104.0),
            9.772,
        ),
        # jifa/11G1Parser.log
        (
            "[3.008s][info][gc            ] GC(1) Pause Remark 5M->5M(64M) 2.381ms",
            "Pause Remark",
            None,
            False,
            (5120.0, 5120.0, 65536.0),
            2.381,
        ),
        # gctoolkit-testdata/jvm-gc-10Nov2022.log
        (
            "[2022-11-10T03:37:34.011-0800][4.585s][info ][gc            ] GC(2) Pause Cleanup 43M->43M(2048M) 0.186ms",
            "Pause Cleanup",
            None,
            False,
            (44032.0, 44032.0, 2097152.0),
            0.186,
        ),
        # gctoolkit-testdata/factorization-serialgc-tip.log: the cause holds parentheses
        (
            "[1.571s][info ][gc             ] GC(2) Pause Full (System.gc()) 2M->2M(16M) 797.806ms",
            "Pause Full",
            "System.gc()",
            True,
            (2048.0, 2048.0, 16384.0),
            797.806,
        ),
        # jifa/17ParallelGCParser.log
        (
            "[0.569s][info][gc             ] GC(1) Pause Full (Ergonomics) 51M->37M(94M) 21.046ms",
            "Pause Full",
            "Ergonomics",
            True,
            (52224.0, 37888.0, 96256.0),
            21.046,
        ),
        (
            "[0.232s][info][gc          ] GC(0) Pause Young (Allocation Failure) 38M->18M(94M) 10.085ms",
            "Pause Young",
            "Allocation Failure",
            False,
            (38912.0, 18432.0, 96256.0),
            10.085,
        ),
        # gcviewer/sample-ujl-g1-gc-defaults.txt (JDK 9/10 wording)
        (
            "[0.295s][info][gc] GC(5) Pause Initial Mark (G1 Evacuation Pause) 80M->80M(128M) 6.187ms",
            "Pause Initial Mark",
            "G1 Evacuation Pause",
            False,
            (81920.0, 81920.0, 131072.0),
            6.187,
        ),
        (
            "[0.693s][info][gc] GC(50) Pause Mixed (G1 Evacuation Pause) 29M->28M(123M) 2.790ms",
            "Pause Mixed",
            "G1 Evacuation Pause",
            False,
            (29696.0, 28672.0, 125952.0),
            2.79,
        ),
        # garbagecat/dataset266.txt: time decoration only
        (
            "[2023-02-12T01:16:25.160+0200][info][gc             ] GC(3297) Pause Full (GCLocker Initiated GC) "
            "614121M->209781M(614400M) 4930.898ms",
            "Pause Full",
            "GCLocker Initiated GC",
            True,
            (614121.0 * 1024, 209781.0 * 1024, 614400.0 * 1024),
            4930.898,
        ),
    ],
)
def test_unified_pause_lines(
    line: str, gc_type: str, cause: str | None, is_full: bool, heap: tuple[float, float, float], pause_ms: float
) -> None:
    parse = _parse_text(line + "\n", "gc_unified")
    _check_invariants(parse)
    assert parse.events.height == 1
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"], row["is_full"]) == (gc_type, cause, is_full)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == heap
    assert row["pause_ms"] == pytest.approx(pause_ms)


def test_unified_g1_mixed_and_prepare_mixed_kinds() -> None:
    # the JDK 12+ wording for mixed collections (same line shape as the corpus' "Pause Young (Normal)" lines)
    text = (
        "[10.1s][info][gc] GC(7) Pause Young (Prepare Mixed) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms\n"
        "[10.2s][info][gc] GC(8) Pause Young (Mixed) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms\n"
    )
    parse = _parse_text(text)
    assert parse.events.get_column("gc_type").to_list() == ["Pause Young (Prepare Mixed)", "Pause Young (Mixed)"]
    assert parse.events.get_column("cause").to_list() == ["G1 Evacuation Pause"] * 2


def test_unified_start_lines_and_detail_lines_are_not_events() -> None:
    # jifa/11G1Parser.log lines 7-22: gc,start line, phases, heap, metaspace, the summary, cpu, safepoint
    text = (_corpus_file("jifa/11G1Parser.log").read_text()).splitlines()
    parse = _parse_text("\n".join(text[6:22]) + "\n", "gc_unified")
    assert parse.events.height == 1
    # 14 GC(0) lines are the event's; "Leaving safepoint region" is safepoint bookkeeping and "Total time ..." a
    # stopped-time event of its own
    assert (parse.lines, parse.parsed_lines, parse.unparsed_lines) == (16, 16, 0)


@pytest.mark.parametrize(
    "decorated",
    [
        # the same summary line (jifa/11G1Parser.log line 63) under other -Xlog decoration sets
        "GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[7.123s] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[7123ms][info][gc] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[info ][gc,start ][7.123s] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[7.123s][12345][12346][info][gc] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[host-1][7123000000ns][info][gc] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
        "[7,123s][info][gc] GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms",
    ],
)
def test_unified_any_decorations(decorated: str) -> None:
    parse = _parse_text(decorated + "\n", "gc_unified")
    _check_invariants(parse)
    row = _row(parse, 0)
    assert (row["gc_id"], row["gc_type"], row["cause"], row["is_full"]) == (
        2,
        "Pause Full",
        "G1 Evacuation Pause",
        True,
    )
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (1740800.0, 1103872.0, 1740800.0)
    if decorated.startswith("GC(2)"):
        assert row["uptime_s"] is None
    else:
        assert row["uptime_s"] == pytest.approx(7.123 - 0.067806)
    assert parse.parsed_lines == 1


def test_unified_wall_clock_decorations() -> None:
    base = "GC(2) Pause Full (G1 Evacuation Pause) 1700M->1078M(1700M) 67.806ms"
    end = dt.datetime(2023, 3, 14, 9, 12, 1, 123000, tzinfo=UTC)
    variants = {
        "[2023-03-14T10:12:01.123+0100][7.123s][info][gc] ": dt.timedelta(hours=1),  # time
        "[2023-03-14T09:12:01.123+0000][7.123s][info][gc] ": dt.timedelta(0),  # utctime
        "[2023-03-14T04:42:01.123-04:30][info][gc] ": -dt.timedelta(hours=4, minutes=30),
        f"[{int(end.timestamp() * 1000)}ms][7123ms][info][gc] ": None,  # timemillis + uptimemillis
    }
    for prefix, offset in variants.items():
        parse = _parse_text(prefix + base + "\n", "gc_unified")
        row = _row(parse, 0)
        assert row["ts_quality"] == "exact", prefix
        # the stamp is the end of the pause: start = stamp - 67.806 ms (ms precision)
        assert abs(row["ts"] - (end - dt.timedelta(milliseconds=67.806))) <= dt.timedelta(milliseconds=1), prefix
        assert parse.utc_offset == offset, prefix
        assert parse.last_ts == end, prefix
        if "7.123s" in prefix or "7123ms" in prefix:
            assert parse.jvm_start == end - dt.timedelta(seconds=7.123), prefix


def test_unified_end_stamp_rule_with_time_decoration() -> None:
    # garbagecat/dataset204.txt: start line at 03:37:40.047, summary line at 03:37:40.051 after 3.471 ms
    parse = _parse_file("garbagecat/dataset204.txt")
    row = _row(parse, 0)
    assert row["line"] == 13
    assert row["pause_ms"] == pytest.approx(3.471)
    start = dt.datetime(2021, 3, 12, 22, 7, 40, 51000, tzinfo=UTC) - dt.timedelta(milliseconds=3.471)
    assert abs(row["ts"] - start) <= dt.timedelta(milliseconds=1)
    assert row["uptime_s"] == pytest.approx(79853.119 - 0.003471)
    assert parse.utc_offset == dt.timedelta(hours=5, minutes=30)
    assert parse.jvm_start == dt.datetime(2021, 3, 11, 23, 56, 46, 932000, tzinfo=UTC)
    # garbagecat: first blocking event at 79853115 ms (its gc,start line): we agree to the millisecond
    assert row["uptime_s"] * 1000 == pytest.approx(79853115, abs=1)


def test_unified_header_lines_are_parsed() -> None:
    # garbagecat/dataset239.txt: JDK 17 gc,init header only
    parse = _parse_file("garbagecat/dataset239.txt")
    _check_invariants(parse)
    assert (parse.lines, parse.parsed_lines, parse.events.height, parse.collector) == (19, 19, 0, "G1")


def test_unified_collector_from_using_line_and_fallback() -> None:
    assert _parse_text("[0.017s][info][gc] Using Parallel\n").collector == "Parallel"
    assert _parse_text("[0.017s][info][gc] Using Concurrent Mark Sweep\n").collector == "CMS"
    # no "Using" line (rotated file): inferred from the events
    line = "[1.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 19M->4M(64M) 10.709ms\n"
    assert _parse_text(line).collector == "G1"


# --- unified: whole files ----------------------------------------------------------------------------------------

# (file, collector, lines, parsed, pauses, full GCs, pause total ms): pauses = `grep -cE 'GC\([0-9]+\) Pause .*ms$'`;
# every line is accounted for (safepoint, ergonomics and statistics lines too) but one Serial ergonomics line.
UNIFIED_FILES = [
    ("jifa/11G1Parser.log", "G1", 64, 64, 4, 1, 80.99),
    ("jifa/17ParallelGCParser.log", "Parallel", 38, 38, 2, 1, 31.131),
    ("gcviewer/sample-ujl-g1-gc-defaults.txt", "G1", 16, 16, 10, 1, 38.15),
    ("gcviewer/sample-ujl-g1-gc-all,safepoint,os+cpu.txt", "G1", 199, 199, 13, 0, 44.411),
    ("gcviewer/sample-ujl-jdk17-full-concurrent-cycle-g1-gc-all-safepont,os-cpu.txt", "G1", 137, 137, 9, 0, 58.304),
    ("gcviewer/sample-ujl-parallel-gc-all,safepoint,os+cpu.txt", "Parallel", 113, 113, 8, 4, 63.721),
    ("gcviewer/sample-ujl-serial-gc-all,safepoint,os+cpu.txt", "Serial", 49, 49, 4, 1, 34.845),
    ("gcviewer/sample-ujl-cms-gc-all,safepoint,os+cpu.txt", "CMS", 125, 125, 12, 2, 86.992),
    ("garbagecat/dataset182.txt", "G1", 142, 142, 7, 0, 24.18),
    ("garbagecat/dataset219.txt", "Parallel", 25, 25, 2, 1, 30.797),
    ("garbagecat/dataset266.txt", "G1", 44, 44, 2, 1, 4982.96),
    ("gctoolkit-testdata/jvm-gc-10Nov2022.log", "G1", 382, 382, 10, 0, 801.121),  # CRLF line ends
    ("gctoolkit-testdata/factorization-serialgc-tip.log", "Serial", 915, 914, 17, 4, 6187.197),
    ("jvm-gc-logs-analyzer/g1gc.log", "G1", 178, 178, 1, 0, 6.363),
]


@pytest.mark.parametrize(("rel", "collector", "lines", "parsed", "events", "full", "total_ms"), UNIFIED_FILES)
def test_unified_files(
    rel: str, collector: str, lines: int, parsed: int, events: int, full: int, total_ms: float
) -> None:
    parse = _parse_file(rel)
    _check_invariants(parse)
    assert parse.format == "unified"
    assert (parse.collector, parse.lines, parse.parsed_lines, parse.events.height) == (collector, lines, parsed, events)
    # the same count as grep
    text = _corpus_file(rel).read_text(encoding="utf-8", errors="replace")
    grep = sum(1 for line in text.splitlines() if re.search(r"GC\(\d+\) Pause .*\dms\s*$", line))
    assert parse.events.height == grep
    assert int(parse.events.get_column("is_full").sum()) == full
    assert parse.events.get_column("pause_ms").sum() == pytest.approx(total_ms)
    assert parse.events.get_column("pause_ms").null_count() == 0
    assert parse.events.get_column("line").is_sorted()


def test_unified_log_cut_during_a_pause() -> None:
    # jifa/IncompleteGCLog.log ends in the phases of "GC(2) Pause Full (Allocation Failure)": no summary line
    parse = _parse_file("jifa/IncompleteGCLog.log")
    _check_invariants(parse)
    assert (parse.lines, parse.parsed_lines, parse.events.height) == (30, 30, 4)
    row = _row(parse, 3)
    assert (row["line"], row["gc_id"], row["gc_type"], row["cause"], row["is_full"]) == (
        25,
        2,
        "Pause Full",
        "Allocation Failure",
        True,
    )
    assert (row["pause_ms"], row["heap_before_kb"]) == (None, None)
    assert row["uptime_s"] == pytest.approx(8.970)  # its gc,start stamp: the start, nothing to subtract
    assert row["text"] == "[8.970s][info][gc,start     ] GC(2) Pause Full (Allocation Failure)"
    assert any("1 pause(s) without an end" in w and "line 25" in w for w in parse.warnings)
    summary = summarize_gc(parse, "incomplete")
    assert (summary.pause_count, summary.full_gc_count) == (4, 1)
    assert summary.pause_total_ms == pytest.approx(31.208 + 3.236 + 1.991)
    # a start line whose summary follows is not an extra event (jifa/11G1Parser.log: kinds differ, ids match)
    assert _parse_file("jifa/11G1Parser.log").events.get_column("pause_ms").null_count() == 0


def test_unified_crlf_file_has_exact_times() -> None:
    parse = _parse_file("gctoolkit-testdata/jvm-gc-10Nov2022.log")
    assert parse.utc_offset == -dt.timedelta(hours=8)
    assert set(parse.events.get_column("ts_quality")) == {"exact"}
    first = _row(parse, 0)  # [2022-11-10T03:37:32.146-0800][2.720s] ... 21.861ms
    assert first["gc_type"] == "Pause Young (Normal)"
    assert abs(first["ts"] - dt.datetime(2022, 11, 10, 11, 37, 32, 124000, tzinfo=UTC)) <= dt.timedelta(milliseconds=1)
    assert first["uptime_s"] == pytest.approx(2.720 - 0.021861)
    assert parse.jvm_start == dt.datetime(2022, 11, 10, 11, 37, 29, 426000, tzinfo=UTC)


def test_parsed_mask_matches_counts() -> None:
    rel = "gctoolkit-testdata/factorization-serialgc-tip.log"
    lines = read_lines(_corpus_file(rel).read_bytes(), rel).frame
    mask = parsed_mask(lines, "gc_unified")
    assert mask.height == lines.height
    unparsed = lines.join(mask, on="line_no").filter(~pl.col("parsed")).get_column("line")
    assert unparsed.len() == _parse_file(rel).unparsed_lines == 1
    assert "Serial collector GC overhead ergonomics enabled" in unparsed.item()


# --- legacy: single records --------------------------------------------------------------------------------------


def test_legacy_parallel_young_one_line() -> None:
    # gctoolkit-testdata/serial180.log style line with PSYoungGen (garbagecat/dataset103.txt, first event)
    line = (
        "2014-09-11T07:37:08.511-0100: 25.224: [GC (Allocation Failure) [PSYoungGen: 66048K->9007K(76800K)] "
        "66048K->18848K(251392K), 0.0062440 secs] [Times: user=0.03 sys=0.01, real=0.00 secs] "
    )
    parse = _parse_text(line + "\n", "gc_legacy")
    _check_invariants(parse)
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"], row["is_full"], row["collector"]) == (
        "GC",
        "Allocation Failure",
        False,
        "Parallel",
    )
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (66048.0, 18848.0, 251392.0)
    assert row["pause_ms"] == pytest.approx(6.244)
    # legacy stamps are written at the START of the event
    assert row["ts"] == dt.datetime(2014, 9, 11, 8, 37, 8, 511000, tzinfo=UTC)
    assert row["uptime_s"] == pytest.approx(25.224)
    assert row["ts_quality"] == "exact"
    assert parse.utc_offset == -dt.timedelta(hours=1)
    assert parse.jvm_start == dt.datetime(2014, 9, 11, 8, 36, 43, 287000, tzinfo=UTC)


def test_legacy_parallel_record_split_by_tenuring_lines() -> None:
    # gcviewer/SampleSun1_8_0Parallel_Tenuring_PrintGCCause.txt lines 1-3
    text = (
        "2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) \n"
        "Desired survivor size 4194304 bytes, new threshold 7 (max 15)\n"
        "[PSYoungGen: 24571K->4081K(28672K)] 24571K->22186K(94208K), 0.0199218 secs] "
        "[Times: user=0.02 sys=0.02, real=0.02 secs]\n"
    )
    parse = _parse_text(text)
    assert parse.format == "legacy"
    assert (parse.lines, parse.parsed_lines) == (3, 3)
    row = _row(parse, 0)
    assert row["line"] == 1
    assert row["text"] == "2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) "
    assert row["pause_ms"] == pytest.approx(19.9218)  # the event's own ", N secs]", not real=0.02
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (24571.0, 22186.0, 94208.0)


def test_legacy_parallel_full_gc() -> None:
    # garbagecat/dataset103.txt line 11 shape: Full GC with young, old and perm generations
    line = (
        "2.474: [Full GC (Ergonomics) [PSYoungGen: 6128K->0K(45056K)] [ParOldGen: 46504K->38169K(51200K)] "
        "52632K->38169K(96256K), [Metaspace: 135K->135K(1056768K)], 0.0212340 secs] "
        "[Times: user=0.04 sys=0.00, real=0.02 secs]"
    )
    row = _row(_parse_text(line + "\n", "gc_legacy"), 0)
    assert (row["gc_type"], row["cause"], row["is_full"]) == ("Full GC", "Ergonomics", True)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (52632.0, 38169.0, 96256.0)
    assert row["pause_ms"] == pytest.approx(21.234)


def test_legacy_g1_young_multiline_record() -> None:
    # gctoolkit-testdata/g1.details.cause.log lines 7-27: header, 19 detail lines, heap line, times
    lines = _corpus_file("gctoolkit-testdata/g1.details.cause.log").read_text().splitlines()
    text = "\n".join(lines[6:28]) + "\n"
    assert lines[6] == "7.203: [GC pause (G1 Evacuation Pause) (young), 0.0024360 secs]"
    parse = _parse_text(text, "gc_legacy")
    assert parse.events.height == 2
    assert (parse.lines, parse.parsed_lines) == (22, 22)
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"], row["is_full"]) == ("GC pause (young)", "G1 Evacuation Pause", False)
    assert row["pause_ms"] == pytest.approx(2.436)
    # "[Eden: 5120.0K(5120.0K)->0.0B(3072.0K) Survivors: 0.0B->1024.0K Heap: 8878.7K(13.0M)->5628.7K(13.0M)]"
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (8878.7, 5628.7, 13312.0)
    assert row["uptime_s"] == pytest.approx(7.203)


def test_legacy_g1_duration_pushed_down_by_ergonomics() -> None:
    # gcviewer/SampleSun1_8_0G1_ConcurrentCycle.txt: the ", 0.0115587 secs]" tail comes 6 lines after the header
    parse = _parse_file("gcviewer/SampleSun1_8_0G1_ConcurrentCycle.txt")
    _check_invariants(parse)
    types = parse.events.get_column("gc_type").to_list()
    assert types == ["GC pause (young) (initial-mark)", "GC remark", "GC cleanup", "GC pause (young)"]
    assert parse.events.get_column("pause_ms").to_list() == pytest.approx([11.5587, 1.0462, 0.4412, 7.1588])
    first = _row(parse, 0)
    assert (first["heap_before_kb"], first["heap_after_kb"], first["heap_total_kb"]) == (
        pytest.approx(71.1 * 1024),
        pytest.approx(71.2 * 1024),
        103.0 * 1024,
    )
    cleanup = _row(parse, 2)  # "0.304: [GC cleanup 75M->25M(103M), 0.0004412 secs]"
    assert (cleanup["heap_before_kb"], cleanup["heap_after_kb"], cleanup["heap_total_kb"]) == (
        76800.0,
        25600.0,
        105472.0,
    )
    remark = _row(parse, 1)  # "0.303: [GC remark 0.303: [GC ref-proc, 0.0000700 secs], 0.0010462 secs]"
    assert remark["heap_before_kb"] is None


def test_legacy_g1_full_gc() -> None:
    # gctoolkit-testdata/g1.details.cause.log lines 1-3
    text = (
        "0.777: [Full GC (System.gc()) 17M->3758K(13M), 0.0233460 secs]\n"
        "   [Eden: 18.0M(24.0M)->0.0B(5120.0K) Survivors: 0.0B->0.0B Heap: 17.2M(256.0M)->3758.6K(13.0M)]\n"
        " [Times: user=0.02 sys=0.01, real=0.02 secs] \n"
    )
    parse = _parse_text(text)
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"], row["is_full"], row["collector"]) == ("Full GC", "System.gc()", True, "G1")
    assert row["pause_ms"] == pytest.approx(23.346)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (
        pytest.approx(17.2 * 1024),
        pytest.approx(3758.6),
        13312.0,
    )
    assert parse.parsed_lines == 3


def test_legacy_g1_to_space_exhausted_and_byte_units() -> None:
    # garbagecat/dataset45.txt: JDK7 wording without a cause, heap in G
    parse = _parse_file("garbagecat/dataset45.txt")
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"]) == ("GC pause (young) (to-space exhausted)", None)
    assert row["pause_ms"] == pytest.approx(120.874)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (
        pytest.approx(18.9 * 1024**2),
        pytest.approx(17.8 * 1024**2),
        26.0 * 1024**2,
    )
    assert row["ts"] == dt.datetime(2016, 2, 9, 11, 21, 29, 206000, tzinfo=UTC)


def test_legacy_cms_records() -> None:
    # gcviewer/SampleSun1_6_0CMS.txt lines 1, 6, 12-13 (ParNew, initial mark, concurrent mode failure split over two
    # lines by an interleaved concurrent phase)
    lines = _corpus_file("gcviewer/SampleSun1_6_0CMS.txt").read_text().splitlines()
    text = "\n".join([lines[0], lines[5], lines[11], lines[12]]) + "\n"
    parse = _parse_text(text, "gc_legacy")
    _check_invariants(parse)
    assert parse.collector == "CMS"
    rows = parse.events.rows(named=True)
    assert [r["gc_type"] for r in rows] == ["GC", "CMS Initial Mark", "GC"]
    assert [r["pause_ms"] for r in rows] == pytest.approx([28.5898, 0.4006, 18.7293])
    assert [r["is_full"] for r in rows] == [False, False, True]
    assert [(r["heap_before_kb"], r["heap_after_kb"], r["heap_total_kb"]) for r in rows] == [
        (104960.0, 34501.0, 249088.0),
        (109176.0, 109176.0, 249088.0),
        (209896.0, 20323.0, 249088.0),
    ]
    assert parse.parsed_lines == 4


def test_legacy_cms_jdk8_remark_and_promotion_failure() -> None:
    # jifa/8CMSPromotionFailed.log: ParNew (promotion failed) then CMS: a young GC that became a full one
    parse = _parse_file("jifa/8CMSPromotionFailed.log")
    row = _row(parse, 0)
    assert (row["gc_type"], row["cause"], row["is_full"]) == ("GC", "Allocation Failure", True)
    assert row["pause_ms"] == pytest.approx(19847.6364)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (16878013.0, 5393434.0, 20272512.0)
    # gctoolkit-testdata/scavangeBeforeRemarkWithReference.log: JDK 8 wording of the CMS pauses
    parse = _parse_file("gctoolkit-testdata/scavangeBeforeRemarkWithReference.log")
    marks = parse.events.filter(pl.col("gc_type").str.starts_with("CMS"))
    assert marks.select("gc_type", "cause").rows() == [
        ("CMS Initial Mark", "CMS Initial Mark"),
        ("CMS Final Remark", "CMS Final Remark"),
    ]


def test_legacy_serial_with_gc_ids_and_datestamps_only() -> None:
    # jifa/8SerialGCParser.log line 3: DefNew then Tenured (a young GC that became full), "#N:" GC ids, no uptime
    parse = _parse_file("jifa/8SerialGCParser.log")
    row = _row(parse, 2)
    assert (row["gc_id"], row["gc_type"], row["cause"], row["is_full"]) == (2, "GC", "Allocation Failure", True)
    assert row["pause_ms"] == pytest.approx(282.8418)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (184821.0, 174136.0, 254784.0)
    assert row["uptime_s"] is None
    assert row["ts"] == dt.datetime(2021, 12, 7, 3, 18, 11, 833000, tzinfo=UTC)
    assert row["ts_quality"] == "exact"
    assert parse.jvm_start is None
    assert parse.utc_offset == dt.timedelta(hours=8)


def test_legacy_decimal_commas() -> None:
    # garbagecat/dataset101.txt lines 1 and 3: comma in uptime and durations, no space after "GC"
    text = (
        "1,319: [GC1,320: [DefNew: 68160K->4425K(76672K), 0,0354890 secs] 68160K->4425K(3137216K), 0,0360580 secs] "
        "[Times: user=0,04 sys=0,00, real=0,03 secs]\n"
        "3,089: [GC [1 CMS-initial-mark: 7965K(3060544K)] 16867K(3137216K), 0,0088540 secs] "
        "[Times: user=0,01 sys=0,00, real=0,01 secs]\n"
    )
    parse = _parse_text(text)
    assert parse.format == "legacy"
    rows = parse.events.rows(named=True)
    assert [r["pause_ms"] for r in rows] == pytest.approx([36.058, 8.854])
    assert [r["uptime_s"] for r in rows] == pytest.approx([1.319, 3.089])
    assert [r["gc_type"] for r in rows] == ["GC", "CMS Initial Mark"]
    assert (rows[0]["heap_before_kb"], rows[0]["heap_after_kb"], rows[0]["heap_total_kb"]) == (
        68160.0,
        4425.0,
        3137216.0,
    )
    # gcviewer/SampleSun1_7_0G1_AppStopped_TenuringDist_Ergonomics_comma.txt: commas in the G1 heap line too
    parse = _parse_file("gcviewer/SampleSun1_7_0G1_AppStopped_TenuringDist_Ergonomics_comma.txt")
    row = _row(parse, 0)
    assert row["pause_ms"] == pytest.approx(28.22)
    assert row["uptime_s"] == pytest.approx(16578.506)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (
        pytest.approx(214.9 * 1024),
        pytest.approx(90.4 * 1024),
        262144.0,
    )
    assert row["ts"] == dt.datetime(2015, 2, 20, 13, 50, 41, 432000, tzinfo=UTC)


def test_unified_decimal_comma_duration() -> None:
    row = _row(_parse_text("[7,123s][info][gc] GC(2) Pause Young (Allocation Failure) 1M->1M(2M) 0,5ms\n"), 0)
    assert (row["pause_ms"], row["uptime_s"]) == (pytest.approx(0.5), pytest.approx(7.1225))


def test_legacy_record_cut_before_its_duration() -> None:
    # gcviewer/SampleSun1_8_0Parallel_Tenuring_PrintGCCause.txt line 1, the file cut after it
    parse = _parse_text("2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) \n", "gc_legacy")
    row = _row(parse, 0)
    assert (row["pause_ms"], row["heap_before_kb"], row["cause"]) == (None, None, "Allocation Failure")
    summary = summarize_gc(parse, "cut")
    assert (summary.pause_count, summary.pause_total_ms, summary.pause_max_ms) == (1, 0.0, 0.0)


def test_legacy_concurrent_phases_are_not_pauses() -> None:
    text = (
        "0.302: [GC concurrent-root-region-scan-start]\n"
        "0.302: [GC concurrent-root-region-scan-end, 0.0001729 secs]\n"
        "0.708: [CMS-concurrent-mark-start]\n"
    )
    parse = _parse_text(text, "gc_legacy", all_events=True)
    assert parse.unparsed_lines == 0
    # start lines carry nothing; an end line is a concurrent phase stamped at its end, not a pause
    row = _row(parse, 0)
    assert parse.events.height == 1
    assert (row["gc_type"], row["is_pause"], row["pause_ms"]) == ("concurrent-root-region-scan", False, 0.1729)
    assert row["uptime_s"] == pytest.approx(0.302 - 0.0001729)


def test_legacy_jvm_header_lines_are_parsed() -> None:
    # gctoolkit-testdata/rotating_directory/gc.log.1.current lines 1-3
    text = (
        "2016-08-30 20:35:29 GC log file created /var/log/swish/gc.log.1\n"
        "Memory: 4k page, physical 8061648k(1063168k free), swap 4194296k(4164928k free)\n"
        "CommandLine flags: -XX:+UseG1GC -XX:MaxHeapSize=4294967296 -XX:+PrintGCDetails\n"
    )
    parse = _parse_text(text, "gc_legacy")
    assert (parse.parsed_lines, parse.unparsed_lines, parse.collector) == (3, 0, "G1")


# --- legacy: whole files -----------------------------------------------------------------------------------------

# (file, collector, lines, parsed, pauses, full GCs, pause total ms); pauses = the number of lines matching
# grep -cP '^(?:\S+: )*(?:#\d+: )?\[(?:Full GC|GC)(?! concurrent)' (checked by hand). Unparsed lines left: JVM exit
# "Heap" blocks glued to a record, interleaved pieces (tlab/ergonomics), and PrintHeapAtGC inner lines.
LEGACY_FILES = [
    ("gctoolkit-testdata/g1.details.cause.log", "G1", 3809, 3809, 221, 22, 99608.008),
    ("gcviewer/SampleSun1_6_0G1_gc_verbose.txt", "G1", 4461, 4461, 2978, 5, 62616.796),
    ("gcviewer/SampleSun1_8_0Parallel_Tenuring_PrintGCCause.txt", "Parallel", 15, 15, 5, 0, 122.6697),
    ("gctoolkit-testdata/ps.dates.cause.tenuring.details.v17051.log", "Parallel", 297, 297, 98, 3, 5488.291),
    ("garbagecat/dataset103.txt", "Parallel", 311, 311, 160, 129, 2568199.604),
    ("gcviewer/SampleSun1_6_0CMS.txt", "CMS", 48, 48, 19, 2, 248.910),
    ("gctoolkit-testdata/GCLog_CMSCollection.log", "CMS", 725, 725, 715, 0, 127483.76),
    ("garbagecat/dataset96.txt", "CMS", 20, 20, 3, 0, 2097.502),
    ("garbagecat/dataset115.txt", "CMS", 21, 21, 1, 1, 4284.796),  # promotion failed: ParNew then "[CMSCMS:"
    ("gctoolkit-testdata/serial180.log", "Serial", 162, 162, 47, 16, 1519.842),
    ("jifa/8SerialGCParser.log", "Serial", 8, 8, 8, 3, 2954.8131),
    ("garbagecat/dataset41.txt", "G1", 53, 53, 2, 0, 62.4161),
    ("jifa/8G1LogConcurrencyProblem.log", "G1", 111, 109, 4, 0, 487.604),
]


@pytest.mark.parametrize(("rel", "collector", "lines", "parsed", "events", "full", "total_ms"), LEGACY_FILES)
def test_legacy_files(
    rel: str, collector: str, lines: int, parsed: int, events: int, full: int, total_ms: float
) -> None:
    parse = _parse_file(rel)
    _check_invariants(parse)
    assert parse.format == "legacy"
    assert (parse.collector, parse.lines, parse.parsed_lines, parse.events.height) == (collector, lines, parsed, events)
    text = _corpus_file(rel).read_text(encoding="utf-8", errors="replace")
    grep = sum(
        1 for line in text.splitlines() if re.match(r"^(?:\S+: )*(?:#\d+: )?\[(?:Full GC|GC)(?! concurrent)", line)
    )
    assert parse.events.height == grep
    assert int(parse.events.get_column("is_full").sum()) == full
    assert parse.events.get_column("pause_ms").sum() == pytest.approx(total_ms)
    assert parse.events.get_column("pause_ms").null_count() == 0


def test_legacy_truncated_start_is_unparsed() -> None:
    # gctoolkit-testdata/no_young_intro.log starts inside a G1 record: its lines belong to no event; only its first
    # line ("Application time: ...") and its last (a stopped time) are understood
    parse = _parse_file("gctoolkit-testdata/no_young_intro.log", all_events=True)
    _check_invariants(parse)
    assert (parse.parsed_lines, parse.unparsed_lines) == (2, 34)
    assert parse.events.get_column("gc_type").to_list() == ["Application stopped"]
    assert _row(parse, 0)["pause_ms"] == pytest.approx(90.53)


# --- time placement ----------------------------------------------------------------------------------------------


def test_uptime_only_log_with_jvm_start_hint_is_approximate() -> None:
    hint = dt.datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)
    parse = _parse_file("jifa/11G1Parser.log", jvm_start_hint=hint)
    assert set(parse.events.get_column("ts_quality")) == {"approximate"}
    first = _row(parse, 0)  # [1.010s] ... 10.709ms -> starts at uptime 0.999291
    assert abs(first["ts"] - (hint + dt.timedelta(seconds=0.999291))) <= dt.timedelta(milliseconds=1)
    full = _row(parse, 3)  # [7.123s] ... Pause Full ... 67.806ms
    assert abs(full["ts"] - (hint + dt.timedelta(seconds=7.123 - 0.067806))) <= dt.timedelta(milliseconds=1)
    assert parse.first_ts == hint + dt.timedelta(seconds=0.015)  # first line [0.015s]
    assert parse.last_ts == hint + dt.timedelta(seconds=7.123)
    assert parse.jvm_start is None  # not derivable from the file itself
    assert parse.utc_offset is None
    # a naive hint is taken as UTC
    naive = _parse_file("jifa/11G1Parser.log", jvm_start_hint=hint.replace(tzinfo=None))
    assert naive.events.get_column("ts").to_list() == parse.events.get_column("ts").to_list()


def test_uptime_only_log_without_hint_is_missing() -> None:
    parse = _parse_file("jifa/11G1Parser.log")
    assert set(parse.events.get_column("ts_quality")) == {"missing"}
    assert parse.events.get_column("ts").null_count() == parse.events.height
    assert (parse.first_ts, parse.last_ts, parse.jvm_start) == (None, None, None)
    assert parse.span_s == pytest.approx(7.123 - 0.015)
    assert any("no JVM start hint" in w for w in parse.warnings)


def test_legacy_uptime_only_with_hint() -> None:
    hint = dt.datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    parse = _parse_file("garbagecat/dataset96.txt", jvm_start_hint=hint)
    row = _row(parse, 0)  # "16.517: [GC 16.517: [ParNew" - legacy stamps are the start
    assert row["ts"] == hint + dt.timedelta(seconds=16.517)
    assert row["ts_quality"] == "approximate"


def test_restart_in_one_file() -> None:
    text = _corpus_file("jifa/11G1Parser.log").read_text()
    twice = text + text  # the second JVM run starts again at uptime 0.015 s
    hint = dt.datetime(2024, 1, 1, tzinfo=UTC)
    parse = _parse_text(twice, "gc_unified", jvm_start_hint=hint)
    _check_invariants(parse)
    assert parse.events.height == 8
    assert parse.events.get_column("ts_quality").to_list() == ["approximate"] * 4 + ["missing"] * 4
    assert any("uptime resets at line(s) 65" in w for w in parse.warnings)
    assert parse.span_s == pytest.approx(2 * (7.123 - 0.015))
    # wall-clock stamps place both runs; jvm_start is the first run's
    legacy = _corpus_file("garbagecat/dataset41.txt").read_text()
    parse = _parse_text(legacy + legacy, "gc_legacy")
    assert set(parse.events.get_column("ts_quality")) == {"exact"}
    assert parse.jvm_start == dt.datetime(2015, 5, 4, 18, 7, 59, 280000, tzinfo=UTC)
    assert any("2 JVM runs" in w for w in parse.warnings)


# --- robustness --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["gc_unified", "gc_legacy"])
def test_empty_input(layout: str) -> None:
    parse = parse_gc(read_lines(b"", "empty").frame, "empty", layout)
    _check_invariants(parse)
    assert (parse.lines, parse.events.height, parse.first_ts, parse.span_s) == (0, 0, None, None)
    summary = summarize_gc(parse, "empty")
    assert (summary.pause_count, summary.pause_total_ms, summary.throughput_pct) == (0, 0.0, None)


@pytest.mark.parametrize("layout", ["gc_unified", "gc_legacy", "something else"])
def test_junk_bytes_and_crlf(layout: str) -> None:
    data = (
        b"\x00\xff\xfe garbage\r\n[1.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) "
        b"19M->4M(64M) 10.709ms\r\n0.777: [Full GC (System.gc()) 17M->3758K(13M), 0,0233460 secs]\r\n"
        b"[9999999999999999999999.5s] GC(1) Pause Young (Normal) (x) 1Q->2M(3M) 1ms\r\n"
        b"0000-00-00T99:99:99.999+9999: 1e400: [GC (x) 99999999999999999999999K->1K(1K), 1e999 secs]\r\n"
        b"\xe2\x82"  # truncated UTF-8 at the end, no newline
    )
    parse = parse_gc(read_lines(data, "junk").frame, "junk", layout)
    _check_invariants(parse)
    summarize_gc(parse, "junk")


def test_text_is_capped() -> None:
    line = "[1.010s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 19M->4M(64M) 10.709ms"
    long_line = "[1.0s][info][gc] GC(9) Pause Young (Normal) (" + "x" * 5000 + ") 19M->4M(64M) 1.5ms"
    parse = _parse_text(line + "\n" + long_line + "\n")
    assert parse.events.get_column("text").str.len_chars().to_list() == [len(line), TEXT_CAP]


GC_WORDS = st.sampled_from(
    [
        "[1.010s]",
        "[info]",
        "[gc,start ]",
        "GC(12) ",
        "Pause Young ",
        "Pause Full ",
        "(Normal) ",
        "(System.gc()) ",
        "24M->4M(256M) ",
        "3.123ms",
        "0,5ms",
        "[GC (Allocation Failure) ",
        "[Full GC ",
        "[PSYoungGen: ",
        "1024K->512K(2048K)] ",
        ", 0.0012345 secs]",
        "Heap: 1800.0M(2048.0M)->1750.0M(2048.0M)]",
        "1234.567: ",
        "2020-06-01T14:03:11.456+0000: ",
        "#3: ",
        "[2023-03-14T10:12:01.123+0100]",
        "[12345ms]",
        "\n",
        "\r\n",
        " ",
        "[",
        "]",
        "(",
        ")",
        "Using G1",
        "{Heap before GC",
        "Total time for which",
        "[CMS: ",
        "(concurrent mode failure)",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(GC_WORDS, st.text(max_size=12)), max_size=40),
    st.sampled_from(["gc_unified", "gc_legacy"]),
    st.booleans(),
)
def test_parse_gc_never_raises(parts: list[str], layout: str, with_hint: bool) -> None:
    text = "".join(parts)
    hint = dt.datetime(2024, 1, 1, tzinfo=UTC) if with_hint else None
    parse = parse_gc(read_lines(text.encode("utf-8", "surrogatepass"), "h").frame, "h", layout, jvm_start_hint=hint)
    _check_invariants(parse)
    assert parse.lines == read_lines(text.encode("utf-8", "surrogatepass"), "h").frame.height
    summary = summarize_gc(parse, "h")
    assert summary.pause_count == int(parse.events.get_column("is_pause").sum())
    assert summary.throughput_pct is None or 0.0 <= summary.throughput_pct <= 100.0
    sniff_gc(text)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=300))
def test_parse_gc_never_raises_on_bytes(data: bytes) -> None:
    for layout in ("gc_unified", "gc_legacy"):
        _check_invariants(parse_gc(read_lines(data, "b").frame, "b", layout))


@pytest.mark.parametrize("rel", ["*/*.txt", "*/*.log", "*/*.log.0", "*/*/gc.log.*"])
def test_every_corpus_file_parses_cleanly(rel: str) -> None:
    paths = sorted(_corpus_dir().glob(rel))
    assert paths
    for path in paths:
        data = path.read_bytes()
        layout = sniff_gc(data[:65536].decode("utf-8", errors="replace")) or "gc_unified"
        parse = parse_gc(read_lines(data, path.name).frame, path.name, layout)
        _check_invariants(parse)
        ordered = parse.events.get_column("line")
        assert ordered.is_sorted(), path
        # several events share a line only when one is a pause and the others its markers or interleaved phases
        assert parse.events.select(pl.struct("line", "gc_type").n_unique()).item() == parse.events.height, path


# --- summary -----------------------------------------------------------------------------------------------------


def test_summarize_gc_numbers() -> None:
    # gcviewer/sample-ujl-g1-gc-defaults.txt: 10 pauses, 1 full GC, span 0.202 s .. 0.693 s
    parse = _parse_file("gcviewer/sample-ujl-g1-gc-defaults.txt")
    summary = summarize_gc(parse, "defaults")
    pauses = [6.529, 6.187, 2.294, 2.739, 0.837, 1.052, 0.803, 14.918, 0.001, 2.790]
    assert (summary.source, summary.collector, summary.format) == ("defaults", "G1", "unified")
    assert summary.pause_count == 10
    assert summary.pause_total_ms == pytest.approx(sum(pauses))
    assert summary.pause_max_ms == pytest.approx(14.918)
    assert summary.pause_p50_ms == pytest.approx(2.5165)  # linear interpolation between 2.294 and 2.739
    assert summary.pause_p99_ms == pytest.approx(14.918 - 0.01 * 9 * (14.918 - 6.529))
    assert summary.full_gc_count == 1
    span = 0.693 - 0.018  # first line ("[0.018s][info][gc] Using G1") .. last line
    assert parse.span_s == pytest.approx(span)
    assert summary.throughput_pct == pytest.approx(100 * (1 - sum(pauses) / 1000 / span))


def test_summarize_gc_without_span() -> None:
    parse = _parse_text("GC(0) Pause Young (Normal) (G1 Evacuation Pause) 19M->4M(64M) 10.709ms\n")
    summary = summarize_gc(parse, "x")
    assert (summary.pause_count, summary.throughput_pct) == (1, None)


# --- agreement with other analyzers (oracle-dev.json) -------------------------------------------------------------


def _oracle(tool: str, name: str) -> dict[str, Any]:
    path = _corpus_dir() / "oracle-dev.json"
    if not path.is_file():
        pytest.skip("oracle-dev.json not found")
    facts: dict[str, Any] = {}
    for entry in json.loads(path.read_text()):
        if entry["tool"] == tool and entry["path"].endswith("/" + name):
            facts.update(entry["facts"])
    assert facts, (tool, name)
    return facts


def _approx(fact: Any) -> Any:
    return pytest.approx(fact["approx"], abs=fact["tol"]) if isinstance(fact, dict) else fact


def test_oracle_gcviewer_legacy_g1_totals() -> None:
    facts = _oracle("GCViewer", "SampleSun1_6_0G1_gc_verbose.txt")
    parse = _parse_file("gcviewer/SampleSun1_6_0G1_gc_verbose.txt")
    summary = summarize_gc(parse, "x")
    assert summary.pause_total_ms / 1000 == _approx(facts["pause_total_s"])
    assert summary.pause_max_ms / 1000 == _approx(facts["pause_max_s"])
    assert parse.span_s == _approx(facts["running_time_s"])
    assert summary.throughput_pct == _approx(facts["throughput_pct"])
    assert summary.full_gc_count == facts["footprint_after_full_gc_n"]


@pytest.mark.parametrize(
    "name",
    [
        "SampleSun1_6_0G1_young_toSpaceOverflow.txt",
        "SampleSun1_8_0G1YoungMetadataGcThreshold.txt",
        "SampleSun1_8_0Parallel_Tenuring_PrintGCCause.txt",
        "SampleSun1_8_0CMS_HeadDumpBeforeFullGc.txt",
        "SampleSun1_7_0G1_AppStopped_TenuringDist_Ergonomics_comma.txt",
    ],
)
def test_oracle_gcviewer_legacy_pauses(name: str) -> None:
    facts = _oracle("GCViewer", name)
    pauses = _parse_file(f"gcviewer/{name}").events.get_column("pause_ms") / 1000
    if "pause_total_s" in facts:
        assert pauses.sum() == _approx(facts["pause_total_s"])
    # GCViewer's event list also holds concurrent and "application stopped" events: compare its pause events only
    for key, fact in facts.items():
        match = re.fullmatch(r"event\[(\d+)\]\.getPause", key)
        kind = facts.get(f"event[{match.group(1)}].getTypeAsString", "") if match else ""
        if match and "stopped" not in kind and "concurrent" not in kind:
            assert any(value == _approx(fact) for value in pauses), (key, fact)


def test_oracle_gcviewer_cms_footprint() -> None:
    facts = _oracle("GCViewer", "SampleSun1_6_0CMS.txt")
    events = _parse_file("gcviewer/SampleSun1_6_0CMS.txt").events
    assert events.get_column("heap_before_kb").max() == facts["heap_used_max_kb"]
    assert events.get_column("heap_total_kb").max() == facts["heap_allocated_max_kb"]
    full = events.filter(pl.col("is_full"))
    assert full.height == facts["footprint_after_full_gc_n"]
    assert full.get_column("heap_after_kb").max() == facts["footprint_after_full_gc_max_kb"]


@pytest.mark.parametrize(
    "name",
    [
        "sample-ujl-cms-gc-all,safepoint,os+cpu.txt",
        "sample-ujl-g1-gc-all,safepoint,os+cpu.txt",
        "sample-ujl-g1-gc-defaults.txt",
        "sample-ujl-parallel-gc-all,safepoint,os+cpu.txt",
    ],
)
def test_oracle_gcviewer_unified_events(name: str) -> None:
    facts = _oracle("GCViewer", name)
    events = _parse_file(f"gcviewer/{name}").events
    checked = 0
    for key, fact in facts.items():
        match = re.fullmatch(r"event\[(\d+)\]\.pause_s", key)
        if not match:
            continue
        i = match.group(1)
        same = events.filter((pl.col("pause_ms") / 1000 - fact["approx"]).abs() <= fact["tol"])
        assert same.height >= 1, key
        row = same.row(0, named=True)
        assert row["heap_before_kb"] == facts[f"event[{i}].heap_before_kb"]
        assert row["heap_after_kb"] == facts[f"event[{i}].heap_after_kb"]
        assert row["heap_total_kb"] == facts[f"event[{i}].heap_total_kb"]
        assert row["is_full"] == facts[f"event[{i}].is_full"]
        checked += 1
    assert checked >= 3
    # GCViewer counts "To-space exhausted" lines as extra young events; full GCs and Parallel/Serial counts agree
    if "full_gc_pause_count" in facts:
        assert int(events.get_column("is_full").sum()) == facts["full_gc_pause_count"]


@pytest.mark.parametrize(
    ("name", "young", "full"),
    [
        ("sample-ujl-parallel-gc-all,safepoint,os+cpu.txt", 4, 4),
        ("sample-ujl-serial-gc-all,safepoint,os+cpu.txt", 3, 1),
    ],
)
def test_oracle_gcviewer_unified_counts(name: str, young: int, full: int) -> None:
    facts = _oracle("GCViewer", name)
    events = _parse_file(f"gcviewer/{name}").events
    assert (facts["gc_pause_count"], facts["full_gc_pause_count"]) == (young, full)
    assert (int((~events.get_column("is_full")).sum()), int(events.get_column("is_full").sum())) == (young, full)


@pytest.mark.parametrize(
    ("rel", "buckets"),
    [
        (
            "gctoolkit-testdata/g1.details.cause.log",
            {
                "Young": "GC pause (young)|GC pause (young) (to-space exhausted)",
                "Mixed": "GC pause (mixed)",
                "G1GCYoungInitialMark": "GC pause (young) (initial-mark)"
                "|GC pause (young) (initial-mark) (to-space exhausted)",
                "G1GCRemark": "GC remark",
                "G1GCCleanup": "GC cleanup",
            },
        ),
        (
            "gctoolkit-testdata/GCLog_CMSCollection.log",
            {"ParNew": "GC", "InitialMark": "CMS Initial Mark", "Remark": "CMS Final Remark"},
        ),
        (
            "gctoolkit-testdata/ps.dates.cause.tenuring.details.v17051.log",
            {"PSYoungGen": "GC", "FullGC(+PSFull)": "Full GC"},
        ),
        (
            "gctoolkit-testdata/jvm-gc-10Nov2022.log",
            {
                "Young": "Pause Young (Normal)",
                "G1GCYoungInitialMark": "Pause Young (Concurrent Start)",
                "G1GCRemark": "Pause Remark",
                "G1GCCleanup": "Pause Cleanup",
            },
        ),
        ("gctoolkit-testdata/factorization-serialgc-tip.log", {"DefNew": "Pause Young", "SystemGC": "Pause Full"}),
    ],
)
def test_oracle_gctoolkit_event_counts(rel: str, buckets: dict[str, str]) -> None:
    counts = _oracle("gctoolkit", rel.split("/")[-1])["event_counts"]
    types = _parse_file(rel).events.get_column("gc_type")
    for bucket, our_types in buckets.items():
        assert int(types.is_in(our_types.split("|")).sum()) == counts[bucket], bucket


def test_oracle_gctoolkit_g1_full_gcs() -> None:
    counts = _oracle("gctoolkit", "g1.details.cause.log")["event_counts"]
    events = _parse_file("gctoolkit-testdata/g1.details.cause.log").events.filter(pl.col("gc_type") == "Full GC")
    # gctoolkit files the three Full GC (System.gc()) under SystemGC, the others under Full
    assert int((events.get_column("cause") == "System.gc()").sum()) == counts["SystemGC"]
    assert int((events.get_column("cause") != "System.gc()").sum()) == counts["Full"]


@pytest.mark.parametrize(
    ("rel", "blocking"),
    [("garbagecat/dataset103.txt", True), ("garbagecat/dataset96.txt", False), ("garbagecat/dataset182.txt", False)],
)
def test_oracle_garbagecat(rel: str, blocking: bool) -> None:
    facts = _oracle("garbagecat", rel.split("/")[-1])
    events = _parse_file(rel).events
    if blocking:
        assert events.height == facts["blocking_event_count"]
    first, last = _row_of(events, 0), _row_of(events, -1)
    # garbagecat stamps a unified event at its gc,start line; ours is end - duration: the same to the millisecond
    assert first["uptime_s"] * 1000 == pytest.approx(facts["first_blocking_event_ts_ms"], abs=1)
    assert last["uptime_s"] * 1000 == pytest.approx(facts["last_blocking_event_ts_ms"], abs=1)
    assert last["pause_ms"] * 1000 == pytest.approx(facts["last_blocking_event_duration_us"], abs=1)
    if rel.endswith("dataset182.txt"):
        # garbagecat's unified total is 476 us higher than the sum of the seven "Pause ..." durations (24180 us)
        assert events.get_column("pause_ms").sum() * 1000 == pytest.approx(24180)
        assert facts["pause_total_us"] == 24656
    else:
        assert events.get_column("pause_ms").sum() * 1000 == pytest.approx(facts["pause_total_us"], abs=1)


def _row_of(events: pl.DataFrame, index: int) -> dict[str, Any]:
    return events.row(index if index >= 0 else events.height + index, named=True)


def test_oracle_jifa() -> None:
    facts = _oracle("jifa", "11G1Parser.log")
    events = _parse_file("jifa/11G1Parser.log").events
    young, full = _row_of(events, 0), _row_of(events, 3)
    assert young["gc_id"] == facts["events[0].getGcid"]
    assert young["pause_ms"] == pytest.approx(facts["events[0].getPause"])
    assert young["heap_before_kb"] * 1024 == facts["events[0].memory_HEAP"]["pre_used_bytes"]
    assert young["heap_after_kb"] * 1024 == facts["events[0].memory_HEAP"]["post_used_bytes"]
    assert young["heap_total_kb"] * 1024 == facts["events[0].memory_HEAP"]["post_capacity_bytes"]
    assert full["pause_ms"] == pytest.approx(facts["events[2].getPause"])
    # jifa takes the start from the gc,start line (7.055 s); end stamp 7.123 s - 67.806 ms is within 1 ms of it
    assert full["uptime_s"] * 1000 == pytest.approx(facts["events[2].getStartTime"], abs=1)
    assert (full["gc_id"], full["is_full"], full["cause"]) == (2, True, "G1 Evacuation Pause")

    facts = _oracle("jifa", "17ParallelGCParser.log")
    events = _parse_file("jifa/17ParallelGCParser.log").events
    for i in (0, 1):
        row = _row_of(events, i)
        heap = facts[f"events[{i}].memory_HEAP"]
        assert row["pause_ms"] == pytest.approx(facts[f"events[{i}].getDuration"])
        assert row["uptime_s"] * 1000 == pytest.approx(facts[f"events[{i}].getStartTime"], abs=1)
        assert (row["heap_before_kb"] * 1024, row["heap_after_kb"] * 1024, row["heap_total_kb"] * 1024) == (
            heap["pre_used_bytes"],
            heap["post_used_bytes"],
            heap["post_capacity_bytes"],
        )
    assert _row_of(events, 1)["is_full"] is True

    facts = _oracle("jifa", "8SerialGCParser.log")
    events = _parse_file("jifa/8SerialGCParser.log").events
    assert events.height == facts["gc_event_count"]
    start = _row_of(events, 0)["ts"]
    for i in (1, 6):
        row = _row_of(events, i)
        assert row["pause_ms"] == pytest.approx(facts[f"events[{i}].getDuration"])
        assert (row["ts"] - start) / dt.timedelta(milliseconds=1) == facts[f"events[{i}].getStartTime"]
        assert row["is_full"] is (facts[f"events[{i}].getEventType"] == "FULL_GC")
    # the memory facts filed under events[1] are those of events[6] (line 7: DefNew 271999K->, Tenured 785946K->,
    # heap 823069K->756062K(1058120K)); the jifa test reads them from the full GC
    row = _row_of(events, 6)
    assert row["heap_before_kb"] * 1024 == facts["events[1].memory.HEAP.getPreUsed"]
    assert row["heap_after_kb"] * 1024 == facts["events[1].memory.HEAP.getPostUsed"]
    assert row["heap_total_kb"] * 1024 == facts["events[1].memory.HEAP.getPostCapacity"]

    facts = _oracle("jifa", "8CMSPromotionFailed.log")
    row = _row_of(_parse_file("jifa/8CMSPromotionFailed.log").events, 0)
    heap = facts["events[0].memory_HEAP"]
    assert (row["heap_before_kb"] * 1024, row["heap_after_kb"] * 1024, row["heap_total_kb"] * 1024) == (
        heap["pre_used_bytes"],
        heap["post_used_bytes"],
        heap["post_capacity_bytes"],
    )
    assert row["is_full"] is True  # jifa: FULL_GC, YOUNG_GC_BECOME_FULL_GC


def test_oracle_jvm_gc_logs_analyzer() -> None:
    facts = _oracle("jvm-gc-logs-analyzer", "g1gc.log")
    row = _row_of(_parse_file("jvm-gc-logs-analyzer/g1gc.log").events, 0)
    assert row["gc_id"] == facts["first_cycle.gc_id"]
    assert row["gc_type"] + " (" + row["cause"] + ")" == facts["first_cycle.phase"]
    assert row["pause_ms"] == pytest.approx(facts["first_cycle.pause_ms"])
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (
        facts["first_cycle.heap_before_mb"] * 1024,
        facts["first_cycle.heap_after_mb"] * 1024,
        facts["first_cycle.heap_size_mb"] * 1024,
    )
    assert row["uptime_s"] == pytest.approx(facts["first_cycle.timestamp_s"], abs=0.001)


# --- events beyond pauses: concurrent phases, safepoints, stalls, markers -------------------------------------------


def test_unified_concurrent_phases_and_safepoints() -> None:
    # gcviewer/sample-ujl-jdk17-full-concurrent-cycle-g1-gc-all-safepont,os-cpu.txt: G1 concurrent cycle + JDK 17
    # one-line safepoints
    parse = _parse_file(
        "gcviewer/sample-ujl-jdk17-full-concurrent-cycle-g1-gc-all-safepont,os-cpu.txt", all_events=True
    )
    events = parse.events
    concurrent = events.filter(pl.col("gc_type").str.starts_with("Concurrent"))
    assert concurrent.height > 0 and not bool(concurrent.get_column("is_pause").any())
    safepoints = events.filter(pl.col("gc_type") == "Safepoint")
    first = safepoints.row(0, named=True)
    # [...][246ms] Safepoint "G1CollectForAllocation", ..., Total: N ns: end-stamped, cause = the VM operation
    assert first["cause"] == "G1CollectForAllocation" and first["is_pause"] is False
    assert first["ts_quality"] == "exact"
    assert first["uptime_s"] == pytest.approx(0.246 - first["pause_ms"] / 1000)


def test_unified_jdk9_stopped_time_lines() -> None:
    # garbagecat/dataset182.txt: 12 "Total time for which application threads were stopped" lines
    parse = _parse_file("garbagecat/dataset182.txt", all_events=True)
    stopped = parse.events.filter(pl.col("gc_type") == "Application stopped")
    assert stopped.height == 12
    assert stopped.get_column("pause_ms").sum() == pytest.approx(25.331)
    assert parse.unparsed_lines == 0


def test_generational_zgc() -> None:
    # garbagecat/dataset271.txt: "GC(2) Y: Pause Mark Start (Major) 0.009ms", "Major Collection (Warmup) ... 0.036s"
    parse = _parse_file("garbagecat/dataset271.txt", all_events=True)
    types = parse.events.get_column("gc_type").to_list()
    assert "Pause Mark Start (Young)" in types and "Pause Mark End (Old)" in types
    cycle = parse.events.filter(pl.col("gc_type") == "Major Collection").row(0, named=True)
    assert (cycle["cause"], cycle["is_pause"], cycle["pause_ms"]) == ("Warmup", False, pytest.approx(36.0))
    assert (cycle["heap_before_kb"], cycle["heap_after_kb"]) == (30 * 1024, 26 * 1024)
    assert parse.collector == "ZGC" and parse.unparsed_lines == 0


def test_zgc_cycle_duration_from_its_start_line_and_stalls() -> None:
    # jifa/17ZGCParser.log: "GC(0) Garbage Collection (Warmup)" at 0.918 s, summary at 0.950 s without duration
    parse = _parse_file("jifa/17ZGCParser.log", all_events=True)
    cycle = parse.events.filter(pl.col("gc_type") == "Garbage Collection").row(0, named=True)
    assert cycle["pause_ms"] == pytest.approx(32.0)
    assert cycle["uptime_s"] == pytest.approx(0.918)
    # gcviewer/sample-ujl-zgc-gc-other.txt: "Allocation Stall (Group1...{Tier1}.10) 29.092ms"
    stalls = _parse_file("gcviewer/sample-ujl-zgc-gc-other.txt", all_events=True).events.filter(
        pl.col("gc_type") == "Allocation Stall"
    )
    assert stalls.height == 7 and stalls.get_column("pause_ms").max() == pytest.approx(29.092)
    assert not bool(stalls.get_column("is_pause").any())


def test_markers() -> None:
    # unified To-space exhausted line, legacy CMS concurrent mode failure and promotion failed, Shenandoah cancel
    cases = {
        "jifa/11G1Parser.log": "To-space exhausted",
        "gcviewer/SampleSun1_8_0CMS_HeadDumpBeforeFullGc.txt": "Concurrent Mode Failure",
        "jifa/8CMSPromotionFailed.log": "Promotion Failed",
        "garbagecat/dataset45.txt": "To-space exhausted",
        "gcviewer/SampleShenandoahAllocationFailure.txt": "Cancelled concurrent GC",
    }
    for rel, marker in cases.items():
        events = _parse_file(rel, all_events=True).events
        rows = events.filter(pl.col("gc_type") == marker)
        assert rows.height >= 1, rel
        assert not bool(rows.get_column("is_pause").any()), rel
    # a marker of a legacy record sits on the record's header line, after the pause
    events = _parse_file("jifa/8CMSPromotionFailed.log", all_events=True).events
    assert events.get_column("gc_type").to_list() == ["GC", "Promotion Failed"]
    assert events.get_column("line").to_list() == [1, 1]


def test_unified_evacuation_failure_flag() -> None:
    # JDK 21 wording (written here, not from the corpus): the failure is a parenthesis of the pause line
    text = (
        "[2024-01-01T00:00:10.000+0000][10.000s][info][gc] GC(5) Pause Young (Normal) (G1 Evacuation Pause) "
        "(Evacuation Failure: Allocation) 900M->880M(1024M) 55.000ms\n"
    )
    parse = _parse_text(text, all_events=True)
    assert parse.events.get_column("gc_type").to_list() == ["Pause Young (Normal)", "Evacuation Failure"]
    assert _row(parse, 0)["pause_ms"] == 55.0 and _row(parse, 0)["cause"] == "G1 Evacuation Pause"


def test_legacy_shenandoah_backport() -> None:
    # garbagecat/dataset207.txt: "[Pause Full, start]" ... "[Pause Full 1589M->1002M(1690M), 4077.274 ms]"
    parse = _parse_file("garbagecat/dataset207.txt")
    row = _row(parse, 0)
    assert (parse.collector, parse.events.height, row["gc_type"], row["is_full"]) == (
        "Shenandoah",
        1,
        "Pause Full",
        True,
    )
    assert row["pause_ms"] == pytest.approx(4077.274)
    assert (row["heap_before_kb"], row["heap_after_kb"], row["heap_total_kb"]) == (
        1589 * 1024,
        1002 * 1024,
        1690 * 1024,
    )
    assert row["uptime_s"] == pytest.approx(120839.710 - 4.077274)  # stamped at its end
    assert parse.unparsed_lines == 0


def test_legacy_unstamped_stopped_lines_take_the_time_before_them() -> None:
    # garbagecat/dataset103.txt: "Total time for which application threads were stopped" without a stamp
    parse = _parse_file("garbagecat/dataset103.txt", all_events=True)
    stopped = parse.events.filter(pl.col("gc_type") == "Application stopped")
    assert stopped.height == 151
    # the first three lines come before any stamp; the others start where the GC record before them started
    assert stopped.get_column("ts_quality").to_list() == ["missing"] * 3 + ["approximate"] * 148
    gc, after = parse.events.row(3, named=True), parse.events.row(4, named=True)
    assert (gc["gc_type"], after["gc_type"]) == ("GC", "Application stopped")
    assert after["ts"] == gc["ts"] and after["pause_ms"] == pytest.approx(33.875)


# Files that keep unknown lines, and why: every other corpus file is read without one.
UNKNOWN_LINES = {
    "garbagecat/dataset114.txt": 31,  # JBoss application output mixed into the GC log
    "garbagecat/dataset135.txt": 2,  # garbled interleaved pieces
    "gctoolkit-testdata/no_young_intro.log": 34,  # starts inside a record: the record's lines have no header
    "gctoolkit-testdata/scavangeBeforeRemarkWithReference.log": 4,  # a JVM exit "Heap" block glued after a record
    "gctoolkit-testdata/g1gc.log": 3,  # interleaved stamps ("132.743132.743: : Application time")
    "gctoolkit-testdata/shenandoah.log.0": 3,  # ergonomics lines without tags between cycles
    "gctoolkit-testdata/tlab_broken_gc_locker.log": 1,  # a PrintTLAB line cut by a record
    "gcviewer/Sample-ujl-shenandoah-jdk17.txt": 1,
    "gcviewer/SampleIBMJ9_R28_af_global.txt": 44,  # OpenJ9 XML: not a HotSpot log (refused by logforensics gc)
    "gctoolkit-testdata/factorization-serialgc-tip.log": 1,  # JDK 24 "Serial collector GC overhead ergonomics..."
    "jifa/8G1LogConcurrencyProblem.log": 2,  # PrintHeapAtGC lines split by concurrent output
}


def test_every_corpus_line_is_accounted_for() -> None:
    for path in sorted(p for p in _corpus_dir().rglob("*") if p.is_file() and p.suffix not in (".md", ".json")):
        if path.name.startswith("."):
            continue
        data = path.read_bytes()
        layout = sniff_gc(data[:65536].decode("utf-8", errors="replace")) or "gc_unified"
        parse = parse_gc(read_lines(data, path.name).frame, path.name, layout)
        _check_invariants(parse)
        rel = path.relative_to(_corpus_dir()).as_posix()
        assert parse.unparsed_lines == UNKNOWN_LINES.get(rel, 0), rel
        mask = parsed_mask(read_lines(data, path.name).frame, layout)
        assert int((~mask.get_column("parsed")).sum()) == parse.unparsed_lines, path.name


def test_gcstats_numbers() -> None:
    from logforensics.gcstats import compute

    parse = _parse_file("gcviewer/sample-ujl-g1-gc-defaults.txt", all_events=True)
    stats = compute(parse, "defaults")
    pauses = [6.529, 6.187, 2.294, 2.739, 0.837, 1.052, 0.803, 14.918, 0.001, 2.790]
    assert stats.pauses.count == 10 and stats.pauses.total_ms == pytest.approx(sum(pauses))
    assert stats.pauses.p50_ms == pytest.approx(2.5165)
    assert stats.full_gc_count == 1 and stats.heap_after_full_max_kb == 8 * 1024
    assert stats.markers == {"to_space_exhausted": 3}
    assert stats.heap_max_after_kb == max(_parse_file("gcviewer/sample-ujl-g1-gc-defaults.txt").events["heap_after_kb"])
    legacy = compute(_parse_file("garbagecat/dataset41.txt", all_events=True), "41")
    assert legacy.safepoint_count == 6 and legacy.safepoint_total_ms == pytest.approx(1064.9399)
    assert legacy.non_gc_stopped_ms == pytest.approx(1064.9399 - 62.4161)


def test_gc_command(tmp_path: Path) -> None:
    import json as json_module

    from typer.testing import CliRunner

    from logforensics.cli import app

    runner = CliRunner()
    corpus = _corpus_dir()
    result = runner.invoke(
        app, ["gc", str(corpus / "jifa"), str(corpus / "gcviewer" / "SampleIBMJ9_R28_af_global.txt")]
    )
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert out[0].split()[:4] == ["source", "collector", "format", "pauses"]
    assert any("11G1Parser.log" in line and " G1 " in line for line in out)
    assert any("SampleIBMJ9" in line and "OpenJ9" in line for line in out)
    result = runner.invoke(app, ["gc", str(corpus / "jifa" / "11G1Parser.log"), "--json"])
    data = json_module.loads(result.output)
    assert data[0]["pauses"]["count"] == 4 and data[0]["markers"]["to_space_exhausted"] == 1
    empty = tmp_path / "x.txt"
    empty.write_text("hello\n")
    assert runner.invoke(app, ["gc", str(empty)]).exit_code == 2
