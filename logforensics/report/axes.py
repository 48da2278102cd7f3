"""What every chart of the report shares: the time window, axes and ticks, the incident band, marker shapes, legends.

A chart is computed as frozen dataclasses of numbers and strings (coordinates, path data, tooltip text); the template
turns them into ``<svg>`` elements with presentation attributes, and no markup is built in Python. Here too are the
records of a value-over-time chart (:class:`XYChart`), drawn alike by the GC, metrics and checkpoint charts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

# --- time window and axes ---------------------------------------------------------------------------------------------

_MIN_SPAN_MS = 10_000
_DAY_MS = 86_400_000
_TICK_STEPS_MS = (
    1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
    60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
    3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
    _DAY_MS, 2 * _DAY_MS, 7 * _DAY_MS,
)  # fmt: skip


@dataclass(frozen=True)
class TimeWindow:
    """A time range in epoch milliseconds (UTC), never empty."""

    start_ms: int
    end_ms: int

    @classmethod
    def covering(cls, *moments: dt.datetime | None) -> TimeWindow | None:
        """A window holding every known moment with a 2 % margin, at least 10 s long; None when none is known."""
        known = [_epoch_ms(moment) for moment in moments if moment is not None]
        if not known:
            return None
        start, end = min(known), max(known)
        if end - start < _MIN_SPAN_MS:
            middle = (start + end) // 2
            start, end = middle - _MIN_SPAN_MS // 2, middle + _MIN_SPAN_MS // 2
        margin = (end - start) // 50  # keeps the first and last marker clear of the chart's edges
        return cls(start - margin, end + margin)

    @classmethod
    def between(cls, start: dt.datetime, end: dt.datetime) -> TimeWindow:
        """Exactly from ``start`` to ``end`` (the incident band); a zero span is widened by 1 ms."""
        start_ms, end_ms = sorted((_epoch_ms(start), _epoch_ms(end)))
        return cls(start_ms, max(end_ms, start_ms + 1))

    @property
    def span_ms(self) -> int:
        return self.end_ms - self.start_ms


def _epoch_ms(moment: dt.datetime) -> int:
    utc = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment
    return int(utc.timestamp() * 1000)


def from_epoch_ms(epoch_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, tz=dt.UTC)


@dataclass(frozen=True)
class Tick:
    """One axis tick: where it sits (x for a time axis, y for a value axis) and its label."""

    position: float
    label: str
    label_position: float
    """Where the label's baseline sits along the same axis (a value label sits a little below its grid line)."""


@dataclass(frozen=True)
class Band:
    """The incident window, shaded behind the data."""

    x: float
    width: float
    label: str


@dataclass(frozen=True)
class PlotArea:
    """The drawing box of a chart inside its ``viewBox`` (0 0 width height)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def inner_width(self) -> float:
        return self.right - self.left

    @property
    def inner_height(self) -> float:
        return self.bottom - self.top

    @property
    def value_label_x(self) -> float:
        """Right edge of the value axis labels."""
        return self.left - 6

    @property
    def lane_label_x(self) -> float:
        """Right edge of the timeline's lane labels."""
        return self.left - 10

    def x_of(self, window: TimeWindow, epoch_ms: float) -> float:
        return round(self.left + (epoch_ms - window.start_ms) * (self.right - self.left) / window.span_ms, 1)

    def x_expr(self, window: TimeWindow) -> pl.Expr:
        """The polars expression of the x coordinate of column ``ts``."""
        scale = (self.right - self.left) / window.span_ms
        return (self.left + (pl.col("ts").dt.epoch("ms") - window.start_ms) * scale).round(1)

    def bucket_expr(self, window: TimeWindow, n_buckets: int) -> pl.Expr:
        offset = pl.col("ts").dt.epoch("ms") - window.start_ms
        return (offset * n_buckets // window.span_ms).clip(0, n_buckets - 1).cast(pl.Int64)


def time_ticks(window: TimeWindow, plot: PlotArea, max_ticks: int = 8) -> tuple[Tick, ...]:
    """Round UTC ticks: no more than ``max_ticks``, labelled with as much of the date as the span needs."""
    step = next((s for s in _TICK_STEPS_MS if window.span_ms / s <= max_ticks), 0)
    if step == 0:
        step = math.ceil(window.span_ms / max_ticks / _DAY_MS) * _DAY_MS
    first_day = from_epoch_ms(window.start_ms).date()
    multi_day = from_epoch_ms(window.end_ms).date() != first_day
    if step >= _DAY_MS:
        pattern = "%Y-%m-%d"
    elif multi_day:
        pattern = "%m-%d %H:%M"
    elif step < 60_000:
        pattern = "%H:%M:%S"
    else:
        pattern = "%H:%M"
    ticks = []
    moment = -(-window.start_ms // step) * step
    while moment <= window.end_ms:
        x = plot.x_of(window, moment)
        ticks.append(Tick(x, f"{from_epoch_ms(moment):{pattern}}", x))
        moment += step
    return tuple(ticks)


def axis_caption(window: TimeWindow) -> str:
    start, end = from_epoch_ms(window.start_ms), from_epoch_ms(window.end_ms)
    if start.date() == end.date():
        return f"time (UTC), {start:%Y-%m-%d}"
    return f"time (UTC), {start:%Y-%m-%d} to {end:%Y-%m-%d}"


def incident_band(window: TimeWindow, plot: PlotArea, incident: TimeWindow | None) -> Band | None:
    if incident is None:
        return None
    left = max(plot.left, plot.x_of(window, incident.start_ms))
    right = min(plot.right, plot.x_of(window, incident.end_ms))
    if right <= left:
        return None
    return Band(left, round(max(right - left, 2.0), 1), "incident window")


def value_ticks(
    max_value: float, plot: PlotArea, label: Callable[[float], str], count: int = 4
) -> tuple[float, tuple[Tick, ...]]:
    """A round top for the value axis and its ticks from 0; returns (top, ticks)."""
    raw_step = max(max_value, 1e-9) / count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    top = step * math.ceil(max(max_value, 1e-9) / step)
    ticks = []
    value = 0.0
    while value <= top + step / 1000:
        y = y_of(plot, value, top)
        ticks.append(Tick(y, label(value), y + 4))
        value += step
    return top, tuple(ticks)


def y_of(plot: PlotArea, value: float, top: float) -> float:
    return round(plot.bottom - value * (plot.bottom - plot.top) / top, 1)


# --- marker shapes ----------------------------------------------------------------------------------------------------


def shape_path(shape: str, x: float, y: float, size: float = 5.0) -> str:
    """SVG path data of a marker centred on (x, y)."""
    s = size
    match shape:
        case "triangle":
            return f"M{x:.1f},{y - s:.1f}L{x + s:.1f},{y + s * 0.8:.1f}H{x - s:.1f}Z"
        case "triangle_down":
            return f"M{x:.1f},{y + s:.1f}L{x + s:.1f},{y - s * 0.8:.1f}H{x - s:.1f}Z"
        case "square":
            return f"M{x - s * 0.8:.1f},{y - s * 0.8:.1f}h{s * 1.6:.1f}v{s * 1.6:.1f}h{-s * 1.6:.1f}Z"
        case "diamond":
            return f"M{x:.1f},{y - s:.1f}L{x + s:.1f},{y:.1f}L{x:.1f},{y + s:.1f}L{x - s:.1f},{y:.1f}Z"
        case "bar":
            return f"M{x - 1.6:.1f},{y - s * 1.8:.1f}h3.2v{s * 3.6:.1f}h-3.2Z"
        case "dot":
            r = s * 0.6
            return f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0Z"
        case _:  # circle
            return f"M{x - s:.1f},{y:.1f}a{s:.1f},{s:.1f} 0 1,0 {2 * s:.1f},0a{s:.1f},{s:.1f} 0 1,0 {-2 * s:.1f},0Z"


# --- legends and value-over-time charts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendItem:
    label: str
    path: str
    fill: str
    text_x: float
    text_y: float


def series_legend(plot: PlotArea, labels: Sequence[tuple[str, str]], y: float) -> tuple[LegendItem, ...]:
    items = []
    x = plot.left
    for label, color in labels:
        items.append(LegendItem(label, f"M{x:.1f},{y - 8:.1f}h12v6h-12Z", color, x + 17, y))
        x += 17 + 7 * len(label) + 22
    return tuple(items)


SERIES_COLORS = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")


@dataclass(frozen=True)
class Series:
    """One GC log's line or bars, as one path."""

    label: str
    title: str
    color: str
    path: str
    stroke_width: float
    dash: str
    """``stroke-dasharray`` value, or ``none``."""
    linecap: str


@dataclass(frozen=True)
class Dot:
    """A highlighted point (a full GC), with its tooltip."""

    cx: float
    cy: float
    r: float
    fill: str
    title: str


@dataclass(frozen=True)
class XYChart:
    """A value-over-time chart: the GC pauses or the heap after GC, one series per GC log."""

    title: str
    plot: PlotArea
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_label: str
    y_label: str
    tick_label_y: float
    axis_label_y: float
    band: Band | None
    series: tuple[Series, ...]
    dots: tuple[Dot, ...]
    legend: tuple[LegendItem, ...]
    description: str
    note: str
    """Empty, or what the chart leaves out."""
