"""The GC charts: stop-the-world pauses (on a log scale) and heap occupancy after GC over time, one series per GC log.

GC pauses are bucketed by polars into 2-pixel time buckets and only one min/max pair per bucket and series is drawn,
so the charts stay a few kilobytes whatever the size of the GC logs. At most :data:`MAX_SERIES` GC logs are drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from logforensics.report.axes import (
    SERIES_COLORS,
    Dot,
    PlotArea,
    Series,
    Tick,
    TimeWindow,
    XYChart,
    axis_caption,
    incident_band,
    series_legend,
    time_ticks,
    value_ticks,
    y_of,
)
from logforensics.report.formatting import format_number, format_ts, natural_key, short_source

# --- GC charts --------------------------------------------------------------------------------------------------------

MAX_SERIES = 10
"""GC logs drawn at most per chart (those with the longest total pause); the chart's note says so."""
_GC_BUCKET_PX = 2


def _xy_plot() -> PlotArea:
    return PlotArea(1100.0, 300.0, 80.0, 1080.0, 14.0, 226.0)


def _chosen_sources(frame: pl.DataFrame) -> tuple[list[str], str]:
    ranked = (
        frame.group_by("source")
        .agg(total=pl.col("pause_ms").fill_null(0).sum())
        .sort(["total", "source"], descending=[True, False])["source"]
        .to_list()
    )
    chosen = sorted(ranked[:MAX_SERIES], key=natural_key)
    note = (
        f"Showing the {MAX_SERIES} GC logs with the longest total pause out of {len(ranked)}."
        if len(ranked) > MAX_SERIES
        else ""
    )
    return chosen, note


class _Charted(NamedTuple):
    rows: pl.DataFrame
    """The rows of the GC logs shown."""
    window: TimeWindow
    chosen: list[str]
    note: str
    """Said when some GC logs are left out."""
    plot: PlotArea
    n_buckets: int


def _charted(rows: pl.DataFrame, window: TimeWindow | None) -> _Charted | None:
    """What both GC charts start from: the GC logs shown (:func:`_chosen_sources`) and their rows, the time axis
    (``window``, default the rows' own span) and the plot with its 2-pixel buckets; None when there is nothing."""
    if rows.is_empty():
        return None
    window = window or _window_of(rows)
    if window is None:
        return None
    chosen, note = _chosen_sources(rows)
    plot = _xy_plot()
    n_buckets = int((plot.right - plot.left) // _GC_BUCKET_PX)
    return _Charted(rows.filter(pl.col("source").is_in(chosen)), window, chosen, note, plot, n_buckets)


def _window_of(frame: pl.DataFrame) -> TimeWindow | None:
    bounds = frame.select(first=pl.col("ts").min(), last=pl.col("ts").max()).row(0)
    return TimeWindow.covering(bounds[0], bounds[1])


def gc_pause_chart(
    gc_events: pl.DataFrame, *, incident: TimeWindow | None = None, window: TimeWindow | None = None
) -> XYChart | None:
    """Stop-the-world pauses over time per GC log (min-max bar per 2-pixel bucket), full GCs as dots.

    ``window``: the time axis shared with the other charts of the report (default: the pauses' own span)."""
    charted = _charted(
        gc_events.filter(pl.col("ts").is_not_null(), pl.col("is_pause"), pl.col("pause_ms").is_not_null()), window
    )
    if charted is None:
        return None
    pauses, window, chosen, note, plot, n_buckets = charted
    min_pause, max_pause = pauses.select(pl.col("pause_ms").min(), pl.col("pause_ms").max().alias("max")).row(0)
    scale = _LogScale.spanning(plot, min_pause, max_pause)
    per_bucket = (
        pauses.with_columns(bucket=plot.bucket_expr(window, n_buckets))
        .group_by(["source", "bucket"])
        .agg(ts=pl.col("ts").min(), low=pl.col("pause_ms").min(), high=pl.col("pause_ms").max())
        .with_columns(x=plot.x_expr(window))
        .sort(["source", "bucket"])
    )
    series = []
    labels = []
    for index, source in enumerate(chosen):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        rows = per_bucket.filter(pl.col("source") == source)
        segments = []
        for x, low, high in rows.select("x", "low", "high").iter_rows():
            y_high, y_low = scale.y(high), scale.y(low)
            segments.append(f"M{x},{y_low if y_low - y_high >= 1.5 else y_high + 1.5}V{y_high}")
        series.append(Series(short_source(source), source, color, "".join(segments), 2.0, "none", "butt"))
        labels.append((short_source(source), color))

    full = (
        pauses.filter(pl.col("is_full").fill_null(False))
        .with_columns(bucket=plot.bucket_expr(window, max(1, n_buckets // 4)))
        .sort("pause_ms", descending=True)
        .group_by(["source", "bucket"])
        .agg(pl.col("ts", "pause_ms", "gc_type", "cause", "line").first(), count=pl.len())
        .with_columns(x=plot.x_expr(window))
        .sort(["source", "ts"])
    )
    dots = []
    for row in full.iter_rows(named=True):
        cause = f" ({row['cause']})" if row["cause"] else ""
        more = f"\n{row['count']:,} full GCs in this interval; the longest is shown" if row["count"] > 1 else ""
        dots.append(
            Dot(
                row["x"],
                scale.y(row["pause_ms"]),
                3.5,
                "#b91c1c",
                f"{format_ts(row['ts'])} · {row['gc_type']}{cause}: {_format_ms(row['pause_ms'])}\n"
                f"{row['source']}:{row['line']}{more}",
            )
        )
    if dots:
        labels.append(("full GC", "#b91c1c"))

    return XYChart(
        title="GC pauses",
        plot=plot,
        x_ticks=time_ticks(window, plot),
        y_ticks=scale.ticks(_format_ms),
        x_label=axis_caption(window),
        y_label="pause (log scale)",
        tick_label_y=plot.bottom + 16,
        axis_label_y=plot.bottom + 34,
        band=incident_band(window, plot, incident),
        series=tuple(series),
        dots=tuple(dots),
        legend=series_legend(plot, labels, plot.bottom + 62),
        description=(
            f"{pauses.height:,} stop-the-world pauses of {len(chosen)} GC log(s), longest {_format_ms(max_pause)}, "
            "on a log scale; each bar spans the shortest to the longest pause of its instant, full GCs are red dots."
        ),
        note=note,
    )


def gc_heap_chart(
    gc_events: pl.DataFrame, *, incident: TimeWindow | None = None, window: TimeWindow | None = None
) -> XYChart | None:
    """Heap occupancy after each GC per GC log (min/max per 2-pixel bucket), committed heap dashed."""
    charted = _charted(gc_events.filter(pl.col("ts").is_not_null(), pl.col("heap_after_kb").is_not_null()), window)
    if charted is None:
        return None
    heap, window, chosen, note, plot, n_buckets = charted
    per_bucket = (
        heap.with_columns(bucket=plot.bucket_expr(window, n_buckets))
        .group_by(["source", "bucket"])
        .agg(
            low=pl.col("heap_after_kb").min(),
            high=pl.col("heap_after_kb").max(),
            committed=pl.col("heap_total_kb").max(),
            ts=pl.col("ts").min(),
        )
        .with_columns(x=plot.x_expr(window))
        .sort(["source", "bucket"])
    )
    max_kb = float(per_bucket.select(pl.max_horizontal(pl.col("high").max(), pl.col("committed").max())).item() or 0.0)
    unit, divisor = ("GiB", 1024.0 * 1024.0) if max_kb >= 4 * 1024 * 1024 else ("MiB", 1024.0)
    top, y_ticks = value_ticks(max_kb / divisor, plot, lambda value: format_number(value) + " " + unit)
    series = []
    labels = []
    for index, source in enumerate(chosen):
        color = SERIES_COLORS[index % len(SERIES_COLORS)]
        rows = per_bucket.filter(pl.col("source") == source)
        used = []
        committed = []
        for x, low, high, total in rows.select("x", "low", "high", "committed").iter_rows():
            used.append(f"{x},{y_of(plot, low / divisor, top)}L{x},{y_of(plot, high / divisor, top)}")
            if total is not None:
                committed.append(f"{x},{y_of(plot, total / divisor, top)}")
        label = short_source(source)
        series.append(Series(label, f"{source}: heap after GC", color, "M" + "L".join(used), 1.5, "none", "round"))
        if committed:
            series.append(
                Series(label, f"{source}: committed heap", color, "M" + "L".join(committed), 1.0, "4 3", "butt")
            )
        labels.append((label, color))
    return XYChart(
        title="Heap after GC",
        plot=plot,
        x_ticks=time_ticks(window, plot),
        y_ticks=y_ticks,
        x_label=axis_caption(window),
        y_label=f"heap ({unit})",
        tick_label_y=plot.bottom + 16,
        axis_label_y=plot.bottom + 34,
        band=incident_band(window, plot, incident),
        series=tuple(series),
        dots=(),
        legend=series_legend(plot, labels, plot.bottom + 62),
        description=(
            f"Heap occupancy after {heap.height:,} collections of {len(chosen)} GC log(s) (solid), "
            "and the committed heap (dashed). A floor that keeps rising means live data grows."
        ),
        note=note,
    )


_MIN_LOG_MS = 0.01


@dataclass(frozen=True)
class _LogScale:
    """A decade-aligned logarithmic value axis: GC pauses span 1 ms to a minute, and the outliers matter."""

    plot: PlotArea
    low_exp: int
    high_exp: int

    @classmethod
    def spanning(cls, plot: PlotArea, smallest: float, largest: float) -> _LogScale:
        low = math.floor(math.log10(max(smallest, _MIN_LOG_MS)))
        high = math.ceil(math.log10(max(largest, _MIN_LOG_MS)))
        return cls(plot, low, max(high, low + 1))

    def y(self, value: float) -> float:
        share = (math.log10(max(value, 10.0**self.low_exp)) - self.low_exp) / (self.high_exp - self.low_exp)
        return round(self.plot.bottom - share * (self.plot.bottom - self.plot.top), 1)

    def ticks(self, label: Callable[[float], str]) -> tuple[Tick, ...]:
        return tuple(
            Tick(self.y(10.0**exp), label(10.0**exp), self.y(10.0**exp) + 4)
            for exp in range(self.low_exp, self.high_exp + 1)
        )


def _format_ms(value: float) -> str:
    if 0 < value < 1:
        return f"{value:g} ms"
    if value >= 1000:
        return f"{format_number(round(value / 1000, 1))} s"
    return f"{format_number(value)} ms"
