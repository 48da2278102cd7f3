"""Geometry of the report's inline SVG charts, computed from polars-aggregated data.

Everything here returns frozen dataclasses of numbers and strings (coordinates, path data, tooltip text); the template
turns them into ``<svg>`` elements with presentation attributes. No markup is built in Python.

The charts stay a few kilobytes whatever the input size: events and GC pauses are bucketed by polars into pixel-wide
time buckets, and only one marker (timeline) or one min/max pair (GC charts) per bucket and series is drawn.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from logforensics.model import SourceKind

# --- formatting shared with view.py (the charts' tooltips and the tables must read the same) --------------------------


def format_ts(value: dt.datetime | None) -> str:
    """``2023-03-14 09:12:01.123 UTC``; naive datetimes are taken as UTC; ``—`` when unknown."""
    if value is None:
        return "—"
    utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond // 1000:03d} UTC"


def shorten(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def shorten_middle(text: str, limit: int) -> str:
    """The text cut in the middle (ids differ at both ends: ``container_e08_…_01_000002``)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``tm-2`` before ``tm-10``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


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


# --- event families: how the timeline colours and shapes a signal -----------------------------------------------------


@dataclass(frozen=True)
class Family:
    """How one group of events is drawn on the timeline."""

    id: str
    label: str
    color: str
    shape: str
    catalogue_families: tuple[str, ...]
    """The catalogue's signal families (``catalogue.model.Family``) drawn this way."""


FAMILIES: tuple[Family, ...] = (
    Family("oom", "Out of memory", "#b91c1c", "triangle", ("oom",)),
    Family("container_kill", "Container / pod killed", "#7e22ce", "square", ("container_kill",)),
    Family("restart", "Job restart / failover", "#ea580c", "bar", ("restart",)),
    Family("heartbeat", "Heartbeat timeout", "#ca8a04", "triangle_down", ("heartbeat",)),
    Family("checkpoint", "Checkpoint failure", "#2563eb", "diamond", ("checkpoint_failure",)),
    # Silences in a log ("stall") stay plain events: most are an idle TaskManager; the findings say which one counts.
    Family("gc", "Long GC pause", "#0f766e", "circle", ("gc_pause",)),
    Family("other", "Other event", "#6b7280", "dot", ()),
)
FAMILY_BY_ID = {family.id: family for family in FAMILIES}
_DRAWN_AS = {catalogue: family.id for family in FAMILIES for catalogue in family.catalogue_families}


def classify_events(events: pl.DataFrame) -> pl.DataFrame:
    """The events with ``family`` (a :data:`FAMILIES` id), ``family_rank`` (0 = most serious) and ``lane`` columns.

    Every event of a GC log is a GC event; other events are drawn by their signal's catalogue family.
    Lanes: GC-log events go to the ``gc`` lane; events naming a TaskManager (``tm_id``, or the one TaskManager id a
    TaskManager log's own events name) to ``tm:<id>``; other JobManager events to ``jm``; the rest to ``src:<file>``.
    """
    from_gc_log = pl.col("source_kind") == SourceKind.GC_LOG.value
    family = pl.when(from_gc_log).then(pl.lit("gc")).otherwise(pl.col("family").replace_strict(_DRAWN_AS, default=None))
    own_tm = (
        events.filter(pl.col("source_kind") == SourceKind.FLINK_TASKMANAGER.value, pl.col("tm_id").is_not_null())
        .group_by("source")
        .agg(pl.col("tm_id").unique().alias("own_tm_ids"))
        .filter(pl.col("own_tm_ids").list.len() == 1)
        .select("source", own_tm_id=pl.col("own_tm_ids").list.first())
    )
    tm = pl.coalesce("tm_id", "own_tm_id")
    lane = (
        pl.when(from_gc_log)
        .then(pl.lit("gc"))
        .when(tm.is_not_null())
        .then(pl.lit("tm:") + tm)
        .when(pl.col("source_kind") == SourceKind.FLINK_JOBMANAGER.value)
        .then(pl.lit("jm"))
        .otherwise(pl.lit("src:") + pl.col("source"))
    )
    ranks = pl.DataFrame(
        {"family": [f.id for f in FAMILIES], "family_rank": list(range(len(FAMILIES)))},
        schema={"family": pl.String(), "family_rank": pl.Int64()},
    )
    return (
        events.join(own_tm, on="source", how="left", maintain_order="left")
        .with_columns(family=family.fill_null(pl.lit("other")), lane=lane)
        .drop("own_tm_id")
        .join(ranks, on="family", how="left", maintain_order="left")
    )


# --- the timeline chart -----------------------------------------------------------------------------------------------

MAX_MARKERS = 320
"""Markers drawn at most; the timeline table always shows the event each marker links to, so keep this below its cap."""
MAX_LANES = 24
"""TaskManager / source lanes drawn at most; the others share one "more" lane."""
_LANE_HEIGHT = 26.0
_MARKER_SPACING_PX = 6


@dataclass(frozen=True)
class Lane:
    """One horizontal row of the timeline."""

    label: str
    title: str
    """The lane's full name, for its tooltip."""
    top: float
    height: float
    center: float
    label_y: float
    shaded: bool
    """Every other lane is shaded for legibility."""


@dataclass(frozen=True)
class Marker:
    """One drawn event (or the first of several events of one family in one time bucket of one lane)."""

    path: str
    fill: str
    family: str
    href: str
    """Anchor of the event's row in the timeline table."""
    title: str
    """Tooltip: time, signal, source:line, text; with the other events of the bucket when there are several."""
    source: str
    line: int


@dataclass(frozen=True)
class LegendItem:
    label: str
    path: str
    fill: str
    text_x: float
    text_y: float


@dataclass(frozen=True)
class TimelineChart:
    """Lanes by process, markers by event family, over the incident's time window."""

    plot: PlotArea
    lanes: tuple[Lane, ...]
    ticks: tuple[Tick, ...]
    axis_label: str
    axis_label_x: float
    axis_label_y: float
    tick_label_y: float
    band: Band | None
    markers: tuple[Marker, ...]
    legend: tuple[LegendItem, ...]
    description: str
    """One sentence saying what the chart shows, for screen readers and the figure caption."""


def _lane_label(lane: str) -> tuple[str, str]:
    kind, _, name = lane.partition(":")
    match kind:
        case "jm":
            return "JobManager", "JobManager"
        case "gc":
            return "GC logs", "GC logs"
        case "more":
            return "other TaskManagers", "events of the TaskManagers and files without a lane of their own"
        case "tm":
            return "TM " + shorten_middle(name, 22), "TaskManager " + name
        case _:
            parts = name.split("/")
            return shorten_middle("/".join(parts[-2:]), 26), name


def _lane_order(lane: str) -> tuple[int, tuple[tuple[int, int | str], ...]]:
    group = {"jm": 0, "tm": 1, "src": 2, "more": 3, "gc": 4}[lane.partition(":")[0]]
    return group, natural_key(lane)


def _limit_lanes(classified: pl.DataFrame) -> pl.DataFrame:
    """Keep the MAX_LANES TaskManager / source lanes with the most serious events; merge the rest."""
    per_lane = (
        classified.filter(~pl.col("lane").is_in(["jm", "gc"]))
        .group_by("lane")
        .agg(serious=(pl.col("family") != "other").sum(), total=pl.len())
        .sort(["serious", "total", "lane"], descending=[True, True, False])
    )
    if per_lane.height <= MAX_LANES:
        return classified
    kept = [*per_lane.head(MAX_LANES - 1)["lane"].to_list(), "jm", "gc"]
    return classified.with_columns(
        lane=pl.when(pl.col("lane").is_in(kept)).then(pl.col("lane")).otherwise(pl.lit("more"))
    )


def _bucketed_markers(plotted: pl.DataFrame, plot: PlotArea, window: TimeWindow, max_markers: int) -> pl.DataFrame:
    group = ["lane", "bucket", "family"]
    # Each (lane, family) as one number and each distinct time once: counting the markers of a bucketing is then a
    # count of distinct integers (the search below counts about ten bucketings of up to millions of events).
    slots = plotted.select(
        slot=pl.concat_str("lane", "family", separator="\x00").cast(pl.Categorical).to_physical().cast(pl.Int64),
        offset=pl.col("ts").dt.epoch("ms") - window.start_ms,
    ).unique()

    def markers_with(n_buckets: int) -> int:
        bucket = (pl.col("offset") * n_buckets // window.span_ms).clip(0, n_buckets - 1)
        return int(slots.select((pl.col("slot") * n_buckets + bucket).n_unique()).item())

    # The finest bucketing (at most one marker every few pixels) that stays within the marker budget.
    low, high = 1, max(1, int(plot.inner_width // _MARKER_SPACING_PX))
    if markers_with(high) > max_markers:
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if markers_with(middle) <= max_markers else (low, middle - 1)
    bucketed = plotted.select(
        "lane", "family", "ts", "source", "line", "kind", "text", "family_rank", bucket=plot.bucket_expr(window, high)
    )
    top_kinds = (
        bucketed.group_by([*group, "kind"])
        .agg(n=pl.len())
        .sort(["n", "kind"], descending=[True, False])
        .group_by(group)
        .agg(kinds=pl.format("{} ×{}", pl.col("kind").fill_null("?"), pl.col("n")).head(4), n_kinds=pl.len())
    )
    return (
        bucketed.sort(["ts", "source", "line"])
        .group_by(group)
        .agg(
            pl.col("ts", "source", "line", "kind", "text", "family_rank").first(),
            last_ts=pl.col("ts").last(),
            count=pl.len(),
        )
        .join(top_kinds, on=group, how="left")
        .with_columns(x=plot.x_expr(window))
        .sort(["family_rank", "ts", "lane"], descending=[True, False, False])
    )


def _marker_title(row: dict[str, Any]) -> str:
    text = shorten(row["text"] or "", 120)
    title = f"{format_ts(row['ts'])} · {row['kind']} · {row['source']}:{row['line']}\n{text}"
    if row["count"] > 1:
        kinds: list[str] = row["kinds"]
        more = f", and {row['n_kinds'] - len(kinds)} more signals" if row["n_kinds"] > len(kinds) else ""
        title += f"\n{row['count']:,} events here until {format_ts(row['last_ts'])}: {', '.join(kinds)}{more}"
    return title


def timeline_chart(
    classified: pl.DataFrame,
    window: TimeWindow,
    *,
    anchor: Callable[[str, int], str],
    incident: TimeWindow | None = None,
    max_markers: int = MAX_MARKERS,
) -> TimelineChart | None:
    """The timeline of ``classified`` (events from :func:`classify_events`) over ``window``; None when none has a time.

    ``anchor(source, line)`` names the table row a marker links to.
    """
    classified = _limit_lanes(classified.filter(pl.col("ts").is_not_null()))
    if classified.is_empty():
        return None
    lane_counts = dict(classified.group_by("lane").len().iter_rows())
    lane_keys = sorted({"jm", "gc", *lane_counts}, key=_lane_order)
    width, left, right, top = 1100.0, 190.0, 1080.0, 10.0
    bottom = top + _LANE_HEIGHT * len(lane_keys)
    plot = PlotArea(width, bottom + 72, left, right, top, bottom)

    lanes = []
    centers = {}
    for index, key in enumerate(lane_keys):
        label, title = _lane_label(key)
        lane_top = top + index * _LANE_HEIGHT
        centers[key] = lane_top + _LANE_HEIGHT / 2
        count = int(lane_counts.get(key, 0))
        count_label = f"{count:,} event{'s' if count != 1 else ''}"
        lanes.append(
            Lane(
                label,
                f"{title}: {count_label}",
                lane_top,
                _LANE_HEIGHT,
                centers[key],
                centers[key] + 4,
                index % 2 == 0,
            )
        )

    markers = []
    for row in _bucketed_markers(classified, plot, window, max_markers).iter_rows(named=True):
        family = FAMILY_BY_ID[row["family"]]
        markers.append(
            Marker(
                path=shape_path(family.shape, row["x"], centers[row["lane"]]),
                fill=family.color,
                family=family.id,
                href="#" + anchor(row["source"], row["line"]),
                title=_marker_title(row),
                source=row["source"],
                line=row["line"],
            )
        )

    legend = []
    legend_x, legend_y = left, bottom + 56
    for family in FAMILIES:
        if any(marker.family == family.id for marker in markers):
            legend.append(
                LegendItem(
                    family.label,
                    shape_path(family.shape, legend_x, legend_y - 4, 4.5),
                    family.color,
                    legend_x + 9,
                    legend_y,
                )
            )
            legend_x += 9 + 7 * len(family.label) + 22

    return TimelineChart(
        plot=plot,
        lanes=tuple(lanes),
        ticks=time_ticks(window, plot),
        axis_label=axis_caption(window),
        axis_label_x=right,
        axis_label_y=bottom + 34,
        tick_label_y=bottom + 16,
        band=incident_band(window, plot, incident),
        markers=tuple(markers),
        legend=tuple(legend),
        description=(
            f"{classified.height:,} events on {len(lane_keys)} lanes between "
            f"{format_ts(from_epoch_ms(window.start_ms))} and {format_ts(from_epoch_ms(window.end_ms))}; "
            f"{len(markers):,} markers, each linking to its event in the table below."
        ),
    )


# --- GC charts --------------------------------------------------------------------------------------------------------

SERIES_COLORS = ("#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#dc2626")
MAX_SERIES = 10
"""GC logs drawn at most per chart (those with the longest total pause); the chart's note says so."""
_GC_BUCKET_PX = 2


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


def series_legend(plot: PlotArea, labels: Sequence[tuple[str, str]], y: float) -> tuple[LegendItem, ...]:
    items = []
    x = plot.left
    for label, color in labels:
        items.append(LegendItem(label, f"M{x:.1f},{y - 8:.1f}h12v6h-12Z", color, x + 17, y))
        x += 17 + 7 * len(label) + 22
    return tuple(items)


def _window_of(frame: pl.DataFrame) -> TimeWindow | None:
    bounds = frame.select(first=pl.col("ts").min(), last=pl.col("ts").max()).row(0)
    return TimeWindow.covering(bounds[0], bounds[1])


def gc_pause_chart(
    gc_events: pl.DataFrame, *, incident: TimeWindow | None = None, window: TimeWindow | None = None
) -> XYChart | None:
    """Stop-the-world pauses over time per GC log (min-max bar per 2-pixel bucket), full GCs as dots.

    ``window``: the time axis shared with the other charts of the report (default: the pauses' own span)."""
    pauses = gc_events.filter(pl.col("ts").is_not_null(), pl.col("is_pause"), pl.col("pause_ms").is_not_null())
    if pauses.is_empty():
        return None
    window = window or _window_of(pauses)
    if window is None:
        return None
    chosen, note = _chosen_sources(pauses)
    pauses = pauses.filter(pl.col("source").is_in(chosen))
    plot = _xy_plot()
    n_buckets = int((plot.right - plot.left) // _GC_BUCKET_PX)
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
    heap = gc_events.filter(pl.col("ts").is_not_null(), pl.col("heap_after_kb").is_not_null())
    if heap.is_empty():
        return None
    window = window or _window_of(heap)
    if window is None:
        return None
    chosen, note = _chosen_sources(heap)
    heap = heap.filter(pl.col("source").is_in(chosen))
    plot = _xy_plot()
    n_buckets = int((plot.right - plot.left) // _GC_BUCKET_PX)
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


def short_source(source: str) -> str:
    return shorten_middle("/".join(source.split("/")[-2:]), 40)


def format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _format_ms(value: float) -> str:
    if 0 < value < 1:
        return f"{value:g} ms"
    if value >= 1000:
        return f"{format_number(round(value / 1000, 1))} s"
    return f"{format_number(value)} ms"
