"""Metrics the logs carry (MemoryLogger, Slf4jReporter) as charts per TaskManager on the report's time axis.

Five panels, each from the metric names the parsers give (parsers/metrics.py), normalised to one unit:

- heap used (MiB): ``heap_used_mb`` (MemoryLogger), ``Status.JVM.Memory.Heap.Used`` (bytes);
- direct memory used (MiB): ``direct_used_bytes``, ``Status.JVM.Memory.Direct.MemoryUsed`` (bytes);
- time in GC (% of wall time): the cumulative ``gc_time_ms{<collector>}`` / ``Status.JVM.GarbageCollector.<c>.Time``
  counters turned into a rate between two samples and summed over collectors; a counter that goes down (a JVM
  restart) gives no point;
- CPU load (%): ``Status.JVM.CPU.Load`` (0..1);
- backpressure (% of time): ``backPressuredTimeMsPerSecond``, the busiest subtask of each TaskManager per sample.

A series is a TaskManager (``tm_id``), or the source file when the TaskManager is not known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from logforensics.report.axes import TimeWindow, XYChart
from logforensics.report.formatting import format_number, format_ts, short_source, shorten_middle
from logforensics.report.linechart import SAMPLES_SCHEMA, line_chart

_MIB = 1024.0 * 1024.0


@dataclass(frozen=True)
class Panel:
    """One metrics chart: what it shows and how its numbers read."""

    id: str
    title: str
    y_label: str
    unit: str
    description: str


PANELS: tuple[Panel, ...] = (
    Panel("heap", "Heap used", "heap used (MiB)", "MiB", "JVM heap in use per TaskManager."),
    Panel("direct", "Direct memory used", "direct memory (MiB)", "MiB", "Direct (off-heap NIO) memory in use."),
    Panel("gc_time", "Time in GC", "time in GC (%)", "%", "Share of wall time spent in GC between two samples."),
    Panel("cpu", "CPU load", "JVM CPU load (%)", "%", "The JVM's recent CPU load."),
    Panel(
        "backpressure",
        "Backpressure",
        "backpressured time (%)",
        "%",
        "Share of time the busiest subtask of the TaskManager was backpressured.",
    ),
)


def _series() -> pl.Expr:
    return pl.coalesce(pl.col("tm_id"), pl.col("source")).alias("series")


def _scaled(metrics: pl.DataFrame, factors: dict[str, float]) -> pl.DataFrame:
    return (
        metrics.filter(pl.col("metric").is_in(list(factors)))
        .with_columns(_series(), value=pl.col("value") * pl.col("metric").replace_strict(factors, default=None))
        .group_by(["series", "ts"])
        .agg(pl.col("value").mean())
    )


def _gc_time(metrics: pl.DataFrame) -> pl.DataFrame:
    counters = metrics.filter(
        pl.col("metric").str.starts_with("gc_time_ms{")
        | (pl.col("metric").str.starts_with("Status.JVM.GarbageCollector.") & pl.col("metric").str.ends_with(".Time"))
    )
    keys = ["series", "source", "scope", "metric"]
    return (
        counters.with_columns(_series())
        .sort([*keys, "ts"])
        .with_columns(
            spent_ms=pl.col("value").diff().over(keys),
            wall_ms=pl.col("ts").dt.epoch("ms").diff().over(keys),
        )
        .filter(pl.col("wall_ms") > 0, pl.col("spent_ms") >= 0)
        .group_by(["series", "ts"])
        .agg(value=(pl.col("spent_ms") / pl.col("wall_ms")).sum() * 100)
    )


def _backpressure(metrics: pl.DataFrame) -> pl.DataFrame:
    return (
        metrics.filter(pl.col("metric") == "backPressuredTimeMsPerSecond")
        .with_columns(_series())
        .group_by(["series", "ts"])
        .agg(value=pl.col("value").max() / 10)
    )


def panel_samples(metrics: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Each panel's samples (:data:`~logforensics.report.linechart.SAMPLES_SCHEMA`), sorted; empty panels left out."""
    timed = metrics.filter(pl.col("ts").is_not_null(), pl.col("value").is_not_null())
    frames = {
        "heap": _scaled(timed, {"heap_used_mb": 1.0, "Status.JVM.Memory.Heap.Used": 1 / _MIB}),
        "direct": _scaled(timed, {"direct_used_bytes": 1 / _MIB, "Status.JVM.Memory.Direct.MemoryUsed": 1 / _MIB}),
        "gc_time": _gc_time(timed),
        "cpu": _scaled(timed, {"Status.JVM.CPU.Load": 100.0}),
        "backpressure": _backpressure(timed),
    }
    return {
        panel: frame.select(pl.col(name).cast(dtype) for name, dtype in SAMPLES_SCHEMA.items()).sort(["series", "ts"])
        for panel, frame in frames.items()
        if not frame.is_empty()
    }


def metrics_summary(metrics: pl.DataFrame) -> pl.DataFrame:
    """Per panel and series: ``samples``, ``peak`` and when (``peak_ts``), ``last``; in PANELS order."""
    frames = [
        frame.sort("ts")
        .group_by("series")
        .agg(
            samples=pl.len(),
            peak=pl.col("value").max(),
            peak_ts=pl.col("ts").sort_by("value", descending=True, maintain_order=True).first(),
            last=pl.col("value").last(),
        )
        .sort("series")
        .select(pl.lit(panel).alias("panel"), pl.all())
        for panel, frame in panel_samples(metrics).items()
    ]
    schema = {
        "panel": pl.String(),
        "series": pl.String(),
        "samples": pl.UInt32(),
        "peak": pl.Float64(),
        "peak_ts": pl.Datetime("ms", "UTC"),
        "last": pl.Float64(),
    }
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat([f.select(pl.col(n).cast(t) for n, t in schema.items()) for f in frames])


@dataclass(frozen=True)
class MetricRow:
    """One TaskManager's numbers in one panel: what the chart shows, as text."""

    panel: str
    series: str
    samples: str
    peak: str
    peak_at: str
    last: str


@dataclass(frozen=True)
class MetricsView:
    charts: tuple[XYChart, ...]
    rows: tuple[MetricRow, ...]
    note: str
    """Why there is nothing to show, or empty."""


def _value_label(unit: str) -> Callable[[float], str]:
    return lambda value: f"{format_number(value)} {unit}" if unit != "%" else f"{format_number(value)}%"


def _label(series: str) -> str:
    return short_source(series) if "/" in series or series.endswith(".log") else shorten_middle(series, 30)


def build_metrics(metrics: pl.DataFrame, *, window: TimeWindow | None, incident: TimeWindow | None) -> MetricsView:
    """The metrics section: one chart per panel that has samples, and a table of each series' peak and last value."""
    if metrics.is_empty():
        return MetricsView(
            (),
            (),
            "The logs carry no metrics. taskmanager.debug.memory.log: true (MemoryLogger) or an Slf4jReporter "
            "(metrics.reporter.slf4j.factory.class) write heap, direct memory, GC, CPU and backpressure into the log.",
        )
    samples = panel_samples(metrics)
    summaries = metrics_summary(metrics)
    charts = []
    rows = []
    for panel in PANELS:
        frame = samples.get(panel.id)
        if frame is None:
            continue
        value_label = _value_label(panel.unit)
        if window is not None:
            chart = line_chart(
                frame,
                title=panel.title,
                y_label=panel.y_label,
                value_label=value_label,
                window=window,
                incident=incident,
                description=(
                    f"{panel.description} {frame.height:,} samples of {frame['series'].n_unique()} series, "
                    "min and max per time bucket."
                ),
                series_label=_label,
            )
            if chart is not None:
                charts.append(chart)
        for row in summaries.filter(pl.col("panel") == panel.id).iter_rows(named=True):
            rows.append(
                MetricRow(
                    panel=panel.title,
                    series=row["series"],
                    samples=f"{row['samples']:,}",
                    peak=value_label(round(row["peak"], 1)),
                    peak_at=format_ts(row["peak_ts"]),
                    last=value_label(round(row["last"], 1)),
                )
            )
    note = (
        ""
        if rows
        else (
            f"{metrics.height:,} metric samples, none of them heap, direct memory, GC time, CPU load or backpressure."
        )
    )
    if rows and not charts:
        note = "The metric samples have no time, so they are summarised but not charted."
    return MetricsView(tuple(charts), tuple(rows), note)
