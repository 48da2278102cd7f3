"""The timeline chart: one lane per process, one marker shape and colour per event family, over the incident.

Events are classified into the families the timeline draws (:func:`classify_events`), then bucketed by polars into
pixel-wide time buckets: only one marker per bucket, lane and family is drawn, so the chart stays a few kilobytes
whatever the number of events. Each marker links to its event's row in the timeline table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from logforensics.model import SourceKind
from logforensics.report.axes import (
    Band,
    LegendItem,
    PlotArea,
    Tick,
    TimeWindow,
    axis_caption,
    from_epoch_ms,
    incident_band,
    shape_path,
    time_ticks,
)
from logforensics.report.formatting import format_ts, natural_key, shorten, shorten_middle

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


FAMILY_DTYPE = pl.Enum([family.id for family in FAMILIES])
"""The ``family`` column of :func:`classify_events`: its physical value is the family's rank (0 = most serious)."""
_NO_TM = 2**32 - 1
"""Stands for a null ``tm_id`` in the lane key (categorical codes are 32-bit)."""


def classify_events(events: pl.DataFrame) -> pl.DataFrame:
    """The events with ``family`` (:data:`FAMILY_DTYPE`), ``family_rank`` (0 = most serious) and ``lane`` (an Enum of
    the lanes' names, in lexical order, with ``jm``, ``gc`` and ``more`` always among them) columns.

    Every event of a GC log is a GC event; other events are drawn by their signal's catalogue family.
    Lanes: GC-log events go to the ``gc`` lane; events naming a TaskManager (``tm_id``, or the one TaskManager id a
    TaskManager log's own events name) to ``tm:<id>``; other JobManager events to ``jm``; the rest to ``src:<file>``.
    """
    from_gc_log = pl.col("source_kind") == SourceKind.GC_LOG.value
    family = (
        pl.when(from_gc_log)
        .then(pl.lit("gc", dtype=FAMILY_DTYPE))
        .otherwise(pl.col("family").replace_strict(_DRAWN_AS, default="other", return_dtype=FAMILY_DTYPE))
        .fill_null("other")
    )
    # A lane depends on the source (and so its kind) and the TaskManager id alone: both categorical, so the pair is
    # one 64-bit key. Lanes are named once per distinct key (a few thousand) and mapped back by that key: the events
    # of a jobmanager.log are millions, and a join or a string per event would copy them.
    keyed = events.select(
        "source",
        "source_kind",
        "tm_id",
        _lane_key=pl.col("source").cast(pl.Categorical()).to_physical().cast(pl.UInt64) * 2**32
        + pl.col("tm_id").cast(pl.Categorical()).to_physical().cast(pl.UInt64).fill_null(_NO_TM),
    )
    own_tm = (
        keyed.filter(pl.col("source_kind") == SourceKind.FLINK_TASKMANAGER.value, pl.col("tm_id").is_not_null())
        .group_by("source")
        .agg(pl.col("tm_id").unique().alias("own_tm_ids"))
        .filter(pl.col("own_tm_ids").list.len() == 1)
        .select("source", own_tm_id=pl.col("own_tm_ids").list.first())
    )
    tm = pl.coalesce("tm_id", "own_tm_id").cast(pl.String)
    lane = (
        pl.when(from_gc_log)
        .then(pl.lit("gc"))
        .when(tm.is_not_null())
        .then(pl.lit("tm:") + tm)
        .when(pl.col("source_kind") == SourceKind.FLINK_JOBMANAGER.value)
        .then(pl.lit("jm"))
        .otherwise(pl.lit("src:") + pl.col("source").cast(pl.String))
    )
    lanes = keyed.unique("_lane_key", keep="first").join(own_tm, on="source", how="left").select("_lane_key", lane=lane)
    lane_dtype = pl.Enum(sorted({"jm", "gc", "more", *lanes["lane"].drop_nulls()}))
    lane_of_key = (
        keyed["_lane_key"].replace_strict(lanes["_lane_key"], lanes["lane"], return_dtype=lane_dtype)
        if lanes.height  # (polars returns an empty column unchanged, not cast)
        else pl.Series(dtype=lane_dtype)
    )
    return events.with_columns(family=family, lane=lane_of_key).with_columns(
        family_rank=pl.col("family").to_physical().cast(pl.Int64)
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
    more = pl.lit("more", classified.schema["lane"])
    return classified.with_columns(lane=pl.when(pl.col("lane").is_in(kept)).then(pl.col("lane")).otherwise(more))


def _bucketed_markers(plotted: pl.DataFrame, plot: PlotArea, window: TimeWindow, max_markers: int) -> pl.DataFrame:
    """One row per drawn marker: the first event (by time, source, line) of each (lane, family, time bucket), with the
    bucket's event count, last time and most frequent signals."""
    # Each (lane, family) as one number, and with the event's time offset one sort key: sorted, the buckets of one slot
    # never go back, so a bucketing's markers are the rows where the slot or the bucket changes (the search below
    # counts about ten bucketings of up to millions of events: one pass over an integer column each, not a hash).
    n_families = len(FAMILIES)
    slot = pl.col("lane").to_physical().cast(pl.Int64) * n_families + pl.col("family").to_physical().cast(pl.Int64)
    stride = window.span_ms + 1
    keys = (
        plotted.select(key=slot * stride + (pl.col("ts").dt.epoch("ms") - window.start_ms).clip(0, window.span_ms))
        .sort("key")
        .select(slot=pl.col("key") // stride, offset=pl.col("key") % stride)
    )

    def markers_with(n_buckets: int) -> int:
        bucket = (pl.col("offset") * n_buckets // window.span_ms).clip(0, n_buckets - 1)
        changed = (pl.col("slot") != pl.col("slot").shift()) | (bucket != bucket.shift())
        return int(keys.select(changed.fill_null(True).sum()).item())

    # The finest bucketing (at most one marker every few pixels) that stays within the marker budget.
    low, high = 1, max(1, int(plot.inner_width // _MARKER_SPACING_PX))
    if markers_with(high) > max_markers:
        while low < high:
            middle = (low + high + 1) // 2
            low, high = (middle, high) if markers_with(middle) <= max_markers else (low, middle - 1)
    group = ["lane", "bucket", "family"]
    # Grouped on narrow columns (enums, integers): only the first event of each group is then gathered whole.
    bucketed = plotted.select(
        "lane", "family", "kind", "ts", "source", "line", bucket=plot.bucket_expr(window, high)
    ).with_row_index("_row")
    top_kinds = (
        bucketed.group_by([*group, "kind"])
        .agg(n=pl.len())
        .sort(["n", "kind"], descending=[True, False])
        .group_by(group)
        .agg(kinds=pl.format("{} ×{}", pl.col("kind").fill_null("?"), pl.col("n")).head(4), n_kinds=pl.len())
    )
    firsts = (
        bucketed.sort(["ts", "source", "line"])
        .group_by(group)
        .agg(pl.col("_row").first(), last_ts=pl.col("ts").last(), count=pl.len())
        .join(top_kinds, on=group, how="left")
    )
    return (
        plotted[firsts["_row"]]
        .select("lane", "family", "ts", "source", "line", "kind", "text", "family_rank")
        .with_columns(firsts.select("bucket", "last_ts", "count", "kinds", "n_kinds"), x=plot.x_expr(window))
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
    fill: Callable[[pl.DataFrame], pl.DataFrame] | None = None,
) -> TimelineChart | None:
    """The timeline of ``classified`` (events from :func:`classify_events`) over ``window``; None when none has a time.

    ``anchor(source, line)`` names the table row a marker links to; ``fill`` puts the texts that ``classified`` leaves
    null (see texts.py) into the rows of the markers, the only rows whose text the chart shows.
    """
    # The columns drawn, before any filter: a filter copies every column it keeps (millions of events).
    drawn = classified.select("lane", "family", "ts", "source", "line", "kind", "text", "family_rank")
    classified = _limit_lanes(drawn.filter(pl.col("ts").is_not_null()))
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
    bucketed = _bucketed_markers(classified, plot, window, max_markers)
    for row in (fill(bucketed) if fill is not None else bucketed).iter_rows(named=True):
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
