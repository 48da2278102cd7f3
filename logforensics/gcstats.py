"""Per-source GC statistics (the numbers of ``logforensics gc`` and of the report's GC section), from the events
frame of :func:`logforensics.parsers.gc.parse_gc`.

Definitions (one GC log = one source):

- *pauses*: events with ``is_pause`` (stop-the-world GC pauses; safepoints and stopped times are counted apart).
  Count, total, max and p50/p90/p99/p99.9 (linear interpolation) of ``pause_ms``; the same per ``gc_type``.
- *full GCs*: pauses with ``is_full``.
- *throughput*: 100 * (1 - pause time / JVM run time the log covers); *worst window*: the same over 60 s windows of
  uptime (the lowest one; windows with no pause are 100 %), a hint of a throughput collapse.
- *heap*: max heap before GC (occupancy), max after GC, max committed; after full GCs: count, max, and the least
  squares slope of heap-after-full-GC over uptime in MB/hour (the leak hint, only with >= 3 full GCs).
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

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from logforensics.parsers.gc import GcParse, parse_gc, sniff_gc
from logforensics.parsers.lines import COMPRESSION_MAGIC, read_lines, read_plain_file

if TYPE_CHECKING:
    from logforensics.ingest.source import Found

WINDOW_S = 60.0
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
    values = values.drop_nulls().cast(pl.Float64)
    if values.len() == 0:
        return PauseStats()
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
        int(row["count"]),
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
        per_window = timed.group_by((pl.col("uptime_s") // WINDOW_S).alias("w")).agg(ms=pl.col("pause_ms").sum())
        busiest = float(per_window.get_column("ms").max() or 0.0)  # type: ignore[arg-type]
        worst = max(0.0, 100.0 * (1.0 - busiest / 1e3 / min(WINDOW_S, run_s or WINDOW_S)))
    heap = pauses.select(
        before=pl.col("heap_before_kb").max(), after=pl.col("heap_after_kb").max(), total=pl.col("heap_total_kb").max()
    ).row(0, named=True)
    full_heap = full.filter(pl.col("heap_after_kb").is_not_null() & pl.col("uptime_s").is_not_null())
    slope = _slope(full_heap.get_column("uptime_s").to_list(), full_heap.get_column("heap_after_kb").to_list())
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


# --- reading files (the ``gc`` command) ----------------------------------------------------------------------------

NOT_HOTSPOT = "an OpenJ9 / IBM J9 verbose:gc XML log: not a HotSpot GC log, not supported (only HotSpot logs are read)"


def refusal(head: bytes) -> str | None:
    """Why a file that looks like a GC log is refused, or None."""
    text = head[:4096].decode("utf-8", errors="replace")
    if "<verbosegc" in text or "<af type=" in text or "<gc-op " in text or "<cycle-start " in text:
        return NOT_HOTSPOT
    return None


@dataclass(frozen=True)
class GcFileResult:
    label: str
    stats: GcStats | None
    skipped: str | None = None


def analyse_paths(paths: list[Path], max_bytes: int | None = None) -> list[GcFileResult]:
    """Every GC log under ``paths`` (files, folders, archives; found and sniffed by the package's ingest), parsed
    and summarised; other inputs are left out, non-HotSpot GC logs are listed as skipped with the reason."""
    from logforensics.ingest.discover import DEFAULT_MAX_BYTES, common_root, discover
    from logforensics.ingest.sniff import sniff
    from logforensics.model import SourceKind

    limit = max_bytes or DEFAULT_MAX_BYTES
    results: list[GcFileResult] = []
    root = common_root(paths)
    for found in discover(paths, root):
        if found.skipped_reason:
            continue
        try:
            head = found.head()
        except OSError as exc:  # pragma: no cover - unreadable input
            results.append(GcFileResult(found.label, None, f"cannot read: {exc}"))
            continue
        refused = refusal(head)
        if refused:
            results.append(GcFileResult(found.label, None, refused))
            continue
        sniffed = sniff(found.label, head)
        layout = sniffed.layout if sniffed.kind is SourceKind.GC_LOG else None
        if layout is None:
            layout = sniff_gc(head.decode("utf-8", errors="replace"))
            if layout is None:
                continue
        parse = parse_gc(_lines(found, head, limit), found.label, layout)
        results.append(GcFileResult(found.label, compute(parse, found.label)))
    return results


def _lines(found: Found, head: bytes, limit: int) -> pl.DataFrame:
    """The input's lines as ``read_lines`` splits them. A plain file on disk is split by polars straight from the
    file, in parallel: no copy of its bytes in Python and no checksum (``gc`` reports none), about half the time."""
    bare = head.removeprefix(b"\xef\xbb\xbf")
    if found.reader is None and 0 < found.size <= limit and not bare.startswith(COMPRESSION_MAGIC):
        frame = read_plain_file(found.path)
        if frame is not None:
            return frame
    return read_lines(found.read(limit).data, found.label).frame


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


TABLE_COLUMNS = (
    "source",
    "collector",
    "format",
    "pauses",
    "total_ms",
    "max_ms",
    "p50",
    "p90",
    "p99",
    "p99.9",
    "full",
    "thrpt%",
    "worst60s%",
    "heap_after_max_MB",
    "alloc_MB/s",
    "safepoints",
    "unparsed",
    "markers",
)


def table_rows(results: list[GcFileResult]) -> list[list[str]]:
    rows: list[list[str]] = []
    for result in results:
        s = result.stats
        if s is None:
            rows.append([result.label, "-", "-"] + ["-"] * (len(TABLE_COLUMNS) - 4) + [f"skipped: {result.skipped}"])
            continue
        p = s.pauses
        rows.append(
            [
                s.source,
                s.collector,
                s.format,
                str(p.count),
                _fmt(p.total_ms),
                _fmt(p.max_ms, 3),
                _fmt(p.p50_ms, 3),
                _fmt(p.p90_ms, 3),
                _fmt(p.p99_ms, 3),
                _fmt(p.p999_ms, 3),
                str(s.full_gc_count),
                _fmt(s.throughput_pct, 2),
                _fmt(s.worst_window_throughput_pct, 2),
                _fmt(None if s.heap_max_after_kb is None else s.heap_max_after_kb / 1024.0),
                _fmt(s.allocation_rate_mb_s, 2),
                str(s.safepoint_count),
                str(s.unparsed_lines),
                ",".join(f"{k}={v}" for k, v in s.markers.items()) or "-",
            ]
        )
    return rows


def render_table(results: list[GcFileResult]) -> str:
    rows = [list(TABLE_COLUMNS), *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows)


def render_json(results: list[GcFileResult]) -> list[dict[str, Any]]:
    return [{"source": r.label, "skipped": r.skipped} if r.stats is None else r.stats.as_json() for r in results]
