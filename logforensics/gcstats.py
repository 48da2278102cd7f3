"""GC statistics of one GC log or of one rotated set (the numbers of ``logforensics gc`` and of the report's GC
section), from the events frames of :func:`logforensics.parsers.gc.parse_gc`.

Definitions (over one GC log, or over the parts of a set in content order, as one log):

- *pauses*: events with ``is_pause`` (stop-the-world GC pauses; safepoints and stopped times are counted apart).
  Count (a pause whose duration was cut off counts too), total, max and p50/p90/p99/p99.9 (linear interpolation)
  of ``pause_ms``; the same per ``gc_type``.
- *full GCs*: pauses with ``is_full``.
- *throughput*: 100 * (1 - pause time / JVM run time the log covers); of a set, the run time of its parts plus the
  time between two consecutive parts of one JVM run. *Worst window*: the same over 60 s windows of uptime, per JVM
  run (the lowest one; windows with no pause are 100 %), a hint of a throughput collapse.
- *heap*: max heap before GC (occupancy), max after GC, max committed; after full GCs: count, max, and the least
  squares slope of heap-after-full-GC over uptime in MB/hour (the leak hint, only with >= 3 full GCs in one JVM run;
  of the newest such run where the log holds several: a restart empties the heap).
- *allocation rate*: the heap that grew between consecutive pauses (before[i] - after[i-1], when positive) over the
  time between them, MB/s.
- *safepoints*: JDK 17+ ``Safepoint "X"`` lines and "Total time for which application threads were stopped" lines:
  count and total; the part not caused by a GC pause (stopped time minus GC pause time) is reported as
  ``non_gc_stopped_ms`` (never below zero).
- *concurrent*: concurrent phases (not whole cycles): count and total duration.
- *markers*: how many events of each failure kind (to-space exhausted, evacuation failure, concurrent mode failure,
  promotion failed, allocation/relocation stalls, cancelled concurrent GCs, concurrent mark aborts, Shenandoah
  degenerated and full GCs) and of each notable cause (System.gc(), heap dumps, GCLocker, Metadata GC Threshold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import polars as pl

from logforensics.parsers.gc import GcParse

WINDOW_S = 60.0
RESTART_SLACK_S = 1.0
"""A pause whose uptime is lower than the one before by more than this starts another JVM run (as the parser counts)."""
SAFEPOINT_TYPES = ("Safepoint", "Application stopped")
CYCLE_TYPES = (
    "Garbage Collection",
    "Major Collection",
    "Minor Collection",
    "Concurrent Cycle",
    "Concurrent Mark Cycle",
)

# marker name -> (column, regex) over the events frame
MARKERS: dict[str, tuple[str, str]] = {
    "to_space_exhausted": ("gc_type", r"^To-space exhausted$"),
    "evacuation_failure": ("gc_type", r"^Evacuation Failure$"),
    "concurrent_mode_failure": ("gc_type", r"^Concurrent Mode Failure$"),
    "promotion_failed": ("gc_type", r"^Promotion Failed$"),
    "allocation_stall": ("gc_type", r"^Allocation Stall$"),
    "relocation_stall": ("gc_type", r"^Relocation Stall$"),
    "cancelled_concurrent_gc": ("gc_type", r"^Cancelled concurrent GC$"),
    "concurrent_mark_abort": ("gc_type", r"^concurrent-mark-abort$"),
    "shenandoah_degenerated": ("gc_type", r"^Pause Degenerated GC"),
    "system_gc": ("cause", r"^System\.gc\(\)$"),
    "heap_dump_gc": ("cause", r"Heap Dump|Heap Inspection"),
    "gclocker_gc": ("cause", r"GCLocker Initiated GC"),
    "metadata_threshold_gc": ("cause", r"^Metadata GC Threshold$|^Last ditch collection$"),
    "humongous_gc": ("cause", r"Humongous"),
}


@dataclass(frozen=True)
class PauseStats:
    count: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    p999_ms: float = 0.0


@dataclass(frozen=True)
class GcStats:
    source: str
    collector: str
    format: str
    lines: int
    parsed_lines: int
    unparsed_lines: int
    pauses: PauseStats
    by_type: dict[str, PauseStats]
    full_gc_count: int
    full_gc_total_ms: float
    throughput_pct: float | None
    worst_window_throughput_pct: float | None
    run_s: float | None
    first_uptime_s: float | None
    last_uptime_s: float | None
    heap_max_before_kb: float | None
    heap_max_after_kb: float | None
    heap_max_committed_kb: float | None
    heap_after_full_max_kb: float | None
    heap_after_full_slope_mb_per_h: float | None
    allocation_rate_mb_s: float | None
    safepoint_count: int
    safepoint_total_ms: float
    non_gc_stopped_ms: float
    concurrent_count: int
    concurrent_total_ms: float
    markers: dict[str, int] = field(default_factory=dict)
    ts_quality: str = "missing"
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def pause_stats(values: pl.Series) -> PauseStats:
    """``values``: the pause_ms of the pauses (null: a pause whose duration was cut off, counted but not timed)."""
    count = values.len()
    values = values.drop_nulls().cast(pl.Float64)
    if values.len() == 0:
        return PauseStats(count=count)
    frame = pl.DataFrame({"p": values})
    row = frame.select(
        count=pl.len(),
        total=pl.col("p").sum(),
        max=pl.col("p").max(),
        p50=pl.col("p").quantile(0.5, interpolation="linear"),
        p90=pl.col("p").quantile(0.9, interpolation="linear"),
        p99=pl.col("p").quantile(0.99, interpolation="linear"),
        p999=pl.col("p").quantile(0.999, interpolation="linear"),
    ).row(0, named=True)
    return PauseStats(
        count,
        float(row["total"]),
        float(row["max"]),
        float(row["p50"]),
        float(row["p90"]),
        float(row["p99"]),
        float(row["p999"]),
    )


def _slope(x: list[float], y: list[float]) -> float | None:
    n = len(x)
    if n < 3:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    if sxx == 0:
        return None
    return sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sxx


def _jvm_runs(pauses: pl.DataFrame) -> pl.DataFrame:
    """``pauses`` with ``_run``: the JVM run, counted where the uptime drops (pauses do not overlap)."""
    drop = pl.col("uptime_s") < pl.col("uptime_s").shift(1).forward_fill() - RESTART_SLACK_S
    return pauses.with_columns(_run=drop.fill_null(False).cum_sum())


def _newest_slope(full: pl.DataFrame) -> float | None:
    """The heap-after-full-GC slope (KB/s) of the newest JVM run with enough full GCs."""
    timed = _jvm_runs(full.filter(pl.col("heap_after_kb").is_not_null() & pl.col("uptime_s").is_not_null()))
    for _, run in reversed(list(timed.group_by("_run", maintain_order=True))):
        slope = _slope(run.get_column("uptime_s").to_list(), run.get_column("heap_after_kb").to_list())
        if slope is not None:
            return slope
    return None


def compute_set(
    parts: Sequence[tuple[str, GcParse]], name: str, gaps_s: float = 0.0, notes: Sequence[str] = ()
) -> GcStats:
    """The statistics of a rotated set: its parts (label, parse; oldest first) as one log. ``gaps_s``: the JVM run
    time between consecutive parts of one JVM run (no part shows it); ``notes``: what placing the set decided, kept
    as the set's warnings after its parts' own."""
    if len(parts) == 1:
        single = compute(parts[0][1], name)
        return replace(single, warnings=(*single.warnings, *notes))
    parses = [parse for _, parse in parts]
    known = [p.collector for p in parses if p.collector != "unknown"]
    spans = [p.span_s for p in parses if p.span_s is not None]
    firsts = [p.first_uptime_s for p in parses if p.first_uptime_s is not None]
    lasts = [p.last_uptime_s for p in parses if p.last_uptime_s is not None]
    joined = GcParse(
        events=pl.concat([p.events for p in parses], how="vertical"),
        collector="/".join(dict.fromkeys(known)) or "unknown",
        format="/".join(dict.fromkeys(p.format for p in parses)),
        lines=sum(p.lines for p in parses),
        parsed_lines=sum(p.parsed_lines for p in parses),
        unparsed_lines=sum(p.unparsed_lines for p in parses),
        utc_offset=next((p.utc_offset for p in parses if p.utc_offset is not None), None),
        jvm_start=None,
        first_ts=None,
        last_ts=None,
        warnings=(*(w for p in parses for w in p.warnings), *notes),
        span_s=sum(spans) + gaps_s if spans else None,
        first_uptime_s=firsts[0] if firsts else None,
        last_uptime_s=lasts[-1] if lasts else None,
    )
    return compute(joined, name)


def compute(parse: GcParse, source: str) -> GcStats:
    events = parse.events
    is_pause = pl.col("is_pause").fill_null(False)
    pauses = events.filter(is_pause)
    overall = pause_stats(pauses.get_column("pause_ms"))
    by_type = {
        str(key[0]): pause_stats(group.get_column("pause_ms"))
        for key, group in pauses.group_by("gc_type", maintain_order=True)
    }
    full = pauses.filter(pl.col("is_full").fill_null(False))
    run_s = None
    if (parse.first_uptime_s is not None and parse.last_uptime_s is not None) or parse.span_s:
        run_s = parse.span_s
    throughput = None
    if run_s and run_s > 0:
        throughput = min(100.0, max(0.0, 100.0 * (1.0 - overall.total_ms / 1e3 / run_s)))
    worst = None
    timed = pauses.filter(pl.col("uptime_s").is_not_null() & pl.col("pause_ms").is_not_null())
    if timed.height and throughput is not None:
        per_window = (
            _jvm_runs(timed)
            .group_by("_run", (pl.col("uptime_s") // WINDOW_S).alias("w"))
            .agg(ms=pl.col("pause_ms").sum())
        )
        busiest = float(per_window.get_column("ms").max() or 0.0)  # type: ignore[arg-type]
        worst = max(0.0, 100.0 * (1.0 - busiest / 1e3 / min(WINDOW_S, run_s or WINDOW_S)))
    heap = pauses.select(
        before=pl.col("heap_before_kb").max(), after=pl.col("heap_after_kb").max(), total=pl.col("heap_total_kb").max()
    ).row(0, named=True)
    slope = _newest_slope(full)
    alloc_rate = None
    withheap = pauses.filter(pl.col("heap_before_kb").is_not_null() & pl.col("uptime_s").is_not_null())
    if withheap.height >= 2:
        grown = withheap.select(
            grow=(pl.col("heap_before_kb") - pl.col("heap_after_kb").shift(1)).clip(lower_bound=0.0),
            dt=pl.col("uptime_s") - pl.col("uptime_s").shift(1),
        ).filter(pl.col("dt") > 0)
        seconds = float(grown.get_column("dt").sum() or 0.0)
        if seconds > 0:
            alloc_rate = float(grown.get_column("grow").sum() or 0.0) / 1024.0 / seconds
    safepoints = events.filter(pl.col("gc_type").is_in(SAFEPOINT_TYPES))
    safepoint_total = float(safepoints.get_column("pause_ms").sum() or 0.0)
    concurrent = events.filter(
        ~is_pause
        & (pl.col("gc_type").str.contains(r"(?i)^(?:CMS-)?concurrent"))
        & ~pl.col("gc_type").is_in(CYCLE_TYPES)
        & pl.col("pause_ms").is_not_null()
    )
    markers: dict[str, int] = {}
    # a marker's regex runs over the distinct values of its column (a few), not over every event
    distinct = {column: events.group_by(column).len() for column in {column for column, _ in MARKERS.values()}}
    for name, (column, pattern) in MARKERS.items():
        values = distinct[column]
        count = int(values.filter(pl.col(column).fill_null("").str.contains(pattern)).get_column("len").sum())
        if count:
            markers[name] = count
    if parse.collector == "Shenandoah" and full.height:
        markers["shenandoah_full"] = full.height
    qualities = events.get_column("ts_quality").unique().to_list() if events.height else []
    quality = next((q for q in ("missing", "approximate", "exact") if q in qualities), "missing")
    return GcStats(
        source=source,
        collector=parse.collector,
        format=parse.format,
        lines=parse.lines,
        parsed_lines=parse.parsed_lines,
        unparsed_lines=parse.unparsed_lines,
        pauses=overall,
        by_type=by_type,
        full_gc_count=full.height,
        full_gc_total_ms=float(full.get_column("pause_ms").sum() or 0.0),
        throughput_pct=throughput,
        worst_window_throughput_pct=worst,
        run_s=run_s,
        first_uptime_s=parse.first_uptime_s,
        last_uptime_s=parse.last_uptime_s,
        heap_max_before_kb=heap["before"],
        heap_max_after_kb=heap["after"],
        heap_max_committed_kb=heap["total"],
        heap_after_full_max_kb=full.get_column("heap_after_kb").max(),  # type: ignore[arg-type]
        heap_after_full_slope_mb_per_h=None if slope is None else slope / 1024.0 * 3600.0,
        allocation_rate_mb_s=alloc_rate,
        safepoint_count=safepoints.height,
        safepoint_total_ms=safepoint_total,
        non_gc_stopped_ms=max(0.0, safepoint_total - overall.total_ms) if safepoints.height else 0.0,
        concurrent_count=concurrent.height,
        concurrent_total_ms=float(concurrent.get_column("pause_ms").sum() or 0.0),
        markers=markers,
        ts_quality=quality,
        warnings=parse.warnings,
    )
