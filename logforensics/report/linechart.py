"""Value-over-time charts with one line per series (a TaskManager, a job), on the report's shared time axis.

The metrics charts (heap, direct memory, GC time, CPU, backpressure) and the checkpoint-duration chart are drawn the
same way: polars buckets the samples into 2-pixel time buckets and keeps the min and max of each series per bucket, so
100k samples stay a few KB of path data. A line is broken where a series has no sample for much longer than its usual
interval (a JVM restart, a log that went silent), rather than drawn across the hole.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import polars as pl

from logforensics.report.axes import (
    SERIES_COLORS,
    Dot,
    PlotArea,
    Series,
    TimeWindow,
    XYChart,
    axis_caption,
    incident_band,
    series_legend,
    time_ticks,
    value_ticks,
    y_of,
)
from logforensics.report.formatting import format_ts

MAX_LINES = 10
"""Series drawn at most per chart (those with the highest peak); the chart's note says how many were left out."""
_BUCKET_PX = 2
_MARK_BUCKET_PX = 6
_BREAK_FACTOR = 4
"""A line is broken where two samples are further apart than this many times the series' median interval."""
MARK_COLOR = "#b91c1c"

SAMPLES_SCHEMA: dict[str, pl.DataType] = {"ts": pl.Datetime("ms", "UTC"), "series": pl.String(), "value": pl.Float64()}
"""What :func:`line_chart` draws: one row per sample."""
MARKS_SCHEMA: dict[str, pl.DataType] = {"ts": pl.Datetime("ms", "UTC"), "label": pl.String()}
"""Moments :func:`line_chart` marks with a red dot along the top edge (e.g. failed checkpoints)."""


def _plot() -> PlotArea:
    return PlotArea(1100.0, 270.0, 80.0, 1080.0, 16.0, 200.0)


def _chosen(samples: pl.DataFrame) -> tuple[list[str], str]:
    ranked = (
        samples.group_by("series")
        .agg(peak=pl.col("value").max())
        .sort(["peak", "series"], descending=[True, False])["series"]
        .to_list()
    )
    chosen = sorted(ranked[:MAX_LINES])
    note = f"Showing the {MAX_LINES} with the highest peak out of {len(ranked)}." if len(ranked) > MAX_LINES else ""
    return chosen, note


def _path(points: list[tuple[int, float, float, float]], plot: PlotArea, top: float) -> str:
    """``points``: (epoch ms, x, low, high) per bucket, in time order. A point alone between two breaks is drawn as a
    dot (a tiny segment that the round line cap turns into one)."""
    gaps = sorted(b[0] - a[0] for a, b in itertools.pairwise(points))
    usual = gaps[len(gaps) // 2] if gaps else 0
    segments: list[list[str]] = []
    previous: int | None = None
    for epoch_ms, x, low, high in points:
        if previous is None or (usual > 0 and epoch_ms - previous > _BREAK_FACTOR * usual):
            segments.append([])
        y_low, y_high = y_of(plot, low, top), y_of(plot, high, top)
        segments[-1].append(f"{x},{y_low}" + (f"L{x},{y_high}" if y_high != y_low else ""))
        previous = epoch_ms
    return "".join("M" + "L".join(part) + ("h0.1" if len(part) == 1 else "") for part in segments)


def line_chart(
    samples: pl.DataFrame,
    *,
    title: str,
    y_label: str,
    value_label: Callable[[float], str],
    window: TimeWindow,
    incident: TimeWindow | None = None,
    description: str,
    series_title: Callable[[str], str] = str,
    series_label: Callable[[str], str] = str,
    marks: pl.DataFrame | None = None,
    marks_label: str = "",
) -> XYChart | None:
    """One line per ``series`` of ``samples`` (:data:`SAMPLES_SCHEMA`) over ``window``; None when nothing has a time.

    ``marks`` (:data:`MARKS_SCHEMA`) are drawn as red dots along the top edge, listed in the legend as
    ``marks_label``.
    """
    samples = samples.filter(pl.col("ts").is_not_null(), pl.col("value").is_not_null(), pl.col("value").is_finite())
    marks = marks.filter(pl.col("ts").is_not_null()) if marks is not None else None
    if samples.is_empty() and (marks is None or marks.is_empty()):
        return None
    plot = _plot()
    chosen, note = _chosen(samples)
    samples = samples.filter(pl.col("series").is_in(chosen))
    n_buckets = int(plot.inner_width // _BUCKET_PX)
    per_bucket = (
        samples.with_columns(bucket=plot.bucket_expr(window, n_buckets))
        .group_by(["series", "bucket"])
        .agg(ts=pl.col("ts").min(), low=pl.col("value").min(), high=pl.col("value").max())
        .with_columns(x=plot.x_expr(window), epoch_ms=pl.col("ts").dt.epoch("ms"))
        .sort(["series", "bucket"])
    )
    peak = float(per_bucket.select(pl.col("high").max().fill_null(0.0)).item()) if per_bucket.height else 0.0
    top, y_ticks = value_ticks(max(peak, 0.0), plot, value_label)
    series = []
    legend_labels = []
    for index, name in enumerate(chosen):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        rows = per_bucket.filter(pl.col("series") == name).select("epoch_ms", "x", "low", "high").rows()
        label = series_label(name)
        series.append(Series(label, series_title(name), color, _path(rows, plot, top), 1.6, "none", "round"))
        legend_labels.append((label, color))

    dots = []
    if marks is not None and not marks.is_empty():
        grouped = (
            marks.with_columns(bucket=plot.bucket_expr(window, max(1, int(plot.inner_width // _MARK_BUCKET_PX))))
            .sort("ts")
            .group_by("bucket")
            .agg(pl.col("ts", "label").first(), count=pl.len(), last_ts=pl.col("ts").last())
            .with_columns(x=plot.x_expr(window))
            .sort("ts")
        )
        for row in grouped.iter_rows(named=True):
            more = f"\n{row['count']:,} here, until {format_ts(row['last_ts'])}" if row["count"] > 1 else ""
            dots.append(Dot(row["x"], plot.top + 5, 3.5, MARK_COLOR, f"{format_ts(row['ts'])} · {row['label']}{more}"))
        legend_labels.append((marks_label, MARK_COLOR))

    return XYChart(
        title=title,
        plot=plot,
        x_ticks=time_ticks(window, plot),
        y_ticks=y_ticks,
        x_label=axis_caption(window),
        y_label=y_label,
        tick_label_y=plot.bottom + 16,
        axis_label_y=plot.bottom + 34,
        band=incident_band(window, plot, incident),
        series=tuple(series),
        dots=tuple(dots),
        legend=series_legend(plot, legend_labels, plot.bottom + 60),
        description=description,
        note=note,
    )
