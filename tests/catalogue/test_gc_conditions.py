"""GC signals with a window or trend condition: strict loading (file:line), throughput collapse windows, heap after
full GC rising, and both running across the parts of a rotated set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from logforensics.api import analyze
from logforensics.catalogue.loader import load_catalogue
from logforensics.catalogue.model import GcPredicate
from logforensics.gcwindows import heap_after_full_rising, throughput_windows
from logforensics.model import EVENTS_SCHEMA, GC_EVENTS_SCHEMA
from logforensics.timeline import classify_gc, select_gc
from tests.catalogue.test_loader import catalogue_dir, problems

UTC = dt.UTC
T0 = dt.datetime(2024, 1, 1, 10, 0, 0, tzinfo=UTC)
NOW = dt.datetime(2024, 6, 1, tzinfo=UTC)

GC_SIGNAL = """id = "my_gc"
title = "Mine"
sources = ["gc"]
family = "gc_pause"

[gc]
{gc}
"""


def _signal(gc: str) -> dict[str, str]:
    return {"my_gc.toml": GC_SIGNAL.format(gc=gc)}


def _events(rows: list[dict[str, object]]) -> pl.DataFrame:
    """GC events (GC_EVENTS_SCHEMA) from a few columns; the rest default to a stop-the-world young pause."""
    defaults: dict[str, object] = {
        "source": "gc.log",
        "ts_quality": "exact",
        "collector": "G1",
        "gc_type": "Pause Young (Normal)",
        "is_full": False,
        "is_pause": True,
        "text": "a GC line",
    }
    filled = [{**defaults, "line": index + 1, **row} for index, row in enumerate(rows)]
    return pl.DataFrame(filled, schema=GC_EVENTS_SCHEMA)


def _pause(second: float, ms: float, **extra: object) -> dict[str, object]:
    return {"ts": T0 + dt.timedelta(seconds=second), "uptime_s": 1000.0 + second, "pause_ms": ms, **extra}


def _full(second: float, after_mb: float, total_mb: float = 2048.0, uptime: float | None = None) -> dict[str, object]:
    return {
        "ts": T0 + dt.timedelta(seconds=second),
        "uptime_s": 1000.0 + second if uptime is None else uptime,
        "pause_ms": 1500.0,
        "gc_type": "Pause Full (G1 Compaction Pause)",
        "is_full": True,
        "heap_before_kb": total_mb * 1024.0,
        "heap_after_kb": after_mb * 1024.0,
        "heap_total_kb": total_mb * 1024.0,
    }


# --- loading -------------------------------------------------------------------------------------------------------


def test_window_and_trend_conditions_load(tmp_path: Path) -> None:
    signals = {
        "collapse.toml": GC_SIGNAL.format(gc='window = "90s"\nmax_throughput = 0.25').replace("my_gc", "collapse"),
        "rising.toml": GC_SIGNAL.format(
            gc="heap_after_full_rising = 4\nmin_rise_pct = 10\nmin_after_pct = 60.5"
        ).replace("my_gc", "rising"),
    }
    catalogue = load_catalogue([catalogue_dir(tmp_path, signals, {})])
    collapse, rising = catalogue.signals["collapse"].gc, catalogue.signals["rising"].gc
    assert collapse is not None and rising is not None
    assert (collapse.window, collapse.max_throughput, collapse.condition) == (
        dt.timedelta(seconds=90),
        0.25,
        "throughput",
    )
    assert (rising.heap_after_full_rising, rising.min_rise_pct, rising.min_after_pct, rising.condition) == (
        4,
        10.0,
        60.5,
        "heap_rising",
    )
    assert "one event per 90 s window where the application ran less than 25%" in collapse.describe()
    assert "run of 4+ full GCs with rising heap after GC, rising by >= 10%" in rising.describe()
    assert GcPredicate(min_pause_ms=5000).condition is None


@pytest.mark.parametrize(
    ("gc", "line", "message"),
    [
        ('window = "1m"', 7, "'window' and 'max_throughput' go together"),
        ("max_throughput = 0.5", 7, "'window' and 'max_throughput' go together"),
        ('window = "soon"\nmax_throughput = 0.5', 7, "window 'soon' is not a duration like '30s', '1m', '10m'"),
        (
            'window = "1m"\nmax_throughput = 1.5',
            8,
            "max_throughput must be a share between 0 and 1 (0.5: half), not 1.5",
        ),
        ('window = "1m"\nmax_throughput = 0', 8, "max_throughput must be a share between 0 and 1 (0.5: half), not 0"),
        ("heap_after_full_rising = 1", 7, "heap_after_full_rising counts full GCs in a row: at least 2"),
        ("heap_after_full_rising = 2.5", 7, "'heap_after_full_rising' in [gc] must be an integer, not float"),
        ("min_rise_pct = 5", 7, "'min_rise_pct' only qualifies 'heap_after_full_rising'"),
        ("heap_after_full_rising = 3\nmin_after_pct = 150", 8, "'min_after_pct' is a percentage of the heap, between"),
        (
            'heap_after_full_rising = 3\nwindow = "1m"\nmax_throughput = 0.5',
            7,
            "a GC signal has one condition: 'max_throughput' or 'heap_after_full_rising'",
        ),
        (
            'window = "1m"\nmax_throughput = 0.5\npauses_only = false',
            9,
            "throughput and heap conditions read stop-the-world pauses: drop 'pauses_only'",
        ),
        ("max_througput = 0.5", 7, "unknown key 'max_througput' in [gc]"),
    ],
)
def test_condition_errors_name_file_and_line(tmp_path: Path, gc: str, line: int, message: str) -> None:
    found = problems(tmp_path, _signal(gc), {})
    assert len(found) == 1 and found[0].startswith(f"{tmp_path.name}/signals/my_gc.toml:{line}: {message}"), found


# --- throughput windows --------------------------------------------------------------------------------------------


def test_one_event_per_window_and_windows_do_not_overlap() -> None:
    # 0-60 s: 40 s of pauses; the windows starting at 10, 20, 30 s qualify too but overlap the first one;
    # 70-130 s: 35 s of pauses, a window of its own
    rows = [_pause(s, 10_000.0) for s in (0, 10, 20, 30)] + [_pause(s, 7_000.0) for s in (70, 80, 90, 100, 110)]
    found = throughput_windows(_events(rows), dt.timedelta(minutes=1), 0.5)
    assert found.get_column("ts").to_list() == [T0, T0 + dt.timedelta(seconds=70)]
    assert found.get_column("value").to_list() == pytest.approx([40_000 / 600, 35_000 / 600])
    assert found.get_column("line").to_list() == [1, 5]
    text = found.get_column("text").to_list()[0]
    assert text.startswith("GC throughput collapse: pauses took 40.0 s of the 60 s from 2024-01-01 10:00:00.000 UTC")
    assert "(66.7 % in GC, the application ran 33.3 %, below 50 %): 4 pauses, the longest 10.0 s at line 1" in text


def test_a_pause_running_past_the_window_counts_up_to_its_end() -> None:
    rows = [_pause(0, 5_000.0), _pause(50, 50_000.0)]  # the long pause overruns the window from 0 s by 40 s
    found = throughput_windows(_events(rows), dt.timedelta(minutes=1), 0.5)
    assert found.get_column("ts").to_list() == [T0 + dt.timedelta(seconds=50)]  # 0 s: only 5 + 10 s in GC
    assert found.get_column("value").to_list() == pytest.approx([50_000 / 600])


def test_throughput_needs_wall_clock_times_and_stop_the_world_pauses() -> None:
    rows = [_pause(s, 15_000.0) for s in (0, 15, 30)]
    untimed = _events(rows).with_columns(ts=pl.lit(None, GC_EVENTS_SCHEMA["ts"]))
    assert throughput_windows(untimed, dt.timedelta(minutes=1), 0.5).height == 0
    concurrent = _events([{**r, "is_pause": False, "gc_type": "Concurrent Mark"} for r in rows])
    predicate = GcPredicate(window=dt.timedelta(minutes=1), max_throughput=0.5)
    assert select_gc(concurrent, predicate).height == 0
    assert select_gc(_events(rows), predicate).height == 1


# --- heap after full GC rising -------------------------------------------------------------------------------------


def test_a_run_of_rising_full_gcs_is_one_event_at_its_last() -> None:
    rows = [_full(0, 900), _full(60, 1000), _pause(90, 50.0), _full(120, 1200), _full(180, 1500), _full(240, 1400)]
    found = heap_after_full_rising(_events(rows), 3)
    assert found.height == 1
    assert found.row(0, named=True)["line"] == 5 and found.row(0, named=True)["value"] == pytest.approx(1500.0)
    text = found.get_column("text").item()
    assert text.startswith("Heap after full GC rose 3 times in a row over 4 full GCs: 900 -> 1000 -> 1200 -> 1500 MB")
    assert "of 2048 MB committed (73.2 % occupied after GC, +29.3 % of the heap)" in text
    assert "since 2024-01-01 10:00:00 UTC, first at line 1" in text


def test_a_jvm_restart_breaks_the_run() -> None:
    rows = [_full(0, 900), _full(60, 1000), _full(120, 1200, uptime=5.0)]  # the third GC is in a new JVM
    assert heap_after_full_rising(_events(rows), 3).height == 0
    assert heap_after_full_rising(_events([*rows[:2], _full(120, 1200)]), 3).height == 1


def test_minimum_rise_and_occupancy() -> None:
    rows = [_full(0, 300), _full(60, 400), _full(120, 500)]  # +9.8 % of the heap, 24.4 % occupied
    assert heap_after_full_rising(_events(rows), 3, min_rise_pct=5).height == 1
    assert heap_after_full_rising(_events(rows), 3, min_rise_pct=10).height == 0
    assert heap_after_full_rising(_events(rows), 3, min_after_pct=50).height == 0


def test_a_long_run_lists_its_first_and_last_values() -> None:
    rows = [_full(60 * i, 500 + 100 * i) for i in range(12)]
    text = heap_after_full_rising(_events(rows), 3).get_column("text").item()
    assert "500 -> 600 -> 700 -> 800 -> ... -> 1300 -> 1400 -> 1500 -> 1600 MB" in text


# --- classification ----------------------------------------------------------------------------------------------


def test_classified_condition_events_carry_their_numbers(tmp_path: Path) -> None:
    gc = 'window = "1m"\nmax_throughput = 0.5'
    signal = load_catalogue([catalogue_dir(tmp_path, _signal(gc), {})]).signals["my_gc"]
    events = classify_gc(_events([_pause(s, 10_000.0) for s in (0, 10, 20, 30)]), [signal])
    assert events.schema == pl.Schema(EVENTS_SCHEMA)
    row = events.row(0, named=True)
    assert (row["kind"], row["source"], row["line"], row["value"]) == (
        "my_gc",
        "gc.log",
        1,
        pytest.approx(40_000 / 600),
    )
    assert row["text"].startswith("GC throughput collapse")


def test_plain_predicates_give_the_pause_as_value() -> None:
    selected = select_gc(_events([_pause(0, 1234.5), _pause(10, 10.0)]), GcPredicate(min_pause_ms=1000))
    assert selected.get_column("value").to_list() == [1234.5]


def _timed(at: dt.datetime, up: float, gc_id: int, ms: float) -> str:
    stamp = (at + dt.timedelta(milliseconds=ms)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
    return f"[{stamp}][{up + ms / 1e3:.3f}s][info][gc] GC({gc_id}) Pause Young (Normal) (G1 Evacuation Pause) 1990M->1900M(2048M) {ms:.3f}ms\n"


def test_a_collapse_window_spans_two_parts_of_a_rotated_set(tmp_path: Path) -> None:
    # 20 s of pauses at the end of gc.log.0 and 20 s at the start of gc.log.1.current: neither part alone has a
    # minute with more than 30 s of GC, the set has one
    first = "".join(_timed(T0 + dt.timedelta(seconds=s), 1000.0 + s, s, 4_000.0) for s in range(0, 30, 6))
    second = "".join(_timed(T0 + dt.timedelta(seconds=s), 1000.0 + s, s, 4_000.0) for s in range(30, 60, 6))
    (tmp_path / "gc.log.0").write_text(first)
    (tmp_path / "gc.log.1.current").write_text(second)
    analysis = analyze([tmp_path], now=NOW)
    collapses = analysis.events.filter(pl.col("kind") == "gc_throughput_collapse")
    assert collapses.height == 1
    assert (collapses.item(0, "source"), collapses.item(0, "line")) == ("gc.log.0", 1)
    assert "40.0 s of the 60 s" in collapses.item(0, "text")
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "gc.log").write_text(first)
    assert analyze([alone], now=NOW).events.filter(pl.col("kind") == "gc_throughput_collapse").height == 0
