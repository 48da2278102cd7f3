"""Threshold semantics: an aggregate of one signal's events over a sliding window, per group, against levels.

For a ``[threshold]`` rule, per group of events (the ``by`` keys, aliases resolved as for sequences):

- ``dedupe``: an event closer than this to the last counted event of its group is not counted again (the
  TaskManager's and the JobManager's lines about one task failure are one failure).
- For each event, the window is the events of the group from ``window`` before it up to it. The aggregate is
  ``count`` (events), ``sum``, ``max`` or ``p99`` (nearest rank) of their ``value``; events without a value do not
  enter sums and percentiles. Windows with fewer than ``min_events`` events are not judged.
- The level is the highest of low/medium/high/critical whose value the aggregate reaches.
- An episode starts at the first window that reaches a level and lasts while windows keep reaching one; it is one
  match, carrying the events of its peak window (the highest aggregate; the earliest such window). A group that
  crosses the threshold again later makes a second match: repeats are counted by the caller.

Events without a time have no window and are ignored.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, insort
from fractions import Fraction

import polars as pl

from logforensics.catalogue.model import Aggregate, Cause, Step, Threshold
from logforensics.match.sequence import Event, KeyResolver, Match
from logforensics.model import Severity


def aggregate(kind: Aggregate, events: list[Event], field: str = "value") -> float | None:
    """The aggregate of ``events``; None when no event has a value to aggregate (sum, max, p99)."""
    if kind is Aggregate.COUNT:
        return float(len(events))
    values = sorted(float(e[field]) for e in events if e.get(field) is not None)
    if not values:
        return None
    if kind is Aggregate.SUM:
        return math.fsum(values)
    if kind is Aggregate.MAX:
        return values[-1]
    rank = math.ceil(0.99 * len(values))  # nearest rank: the smallest value with 99 % of the values at or below it
    return values[max(rank, 1) - 1]


def level_of(threshold: Threshold, value: float | None) -> Severity | None:
    if value is None:
        return None
    reached = [severity for severity, limit in threshold.levels if value >= limit]
    return reached[-1] if reached else None


def find_threshold_matches(cause: Cause, events: pl.DataFrame, present: set[str] | None = None) -> list[Match]:
    """One match per episode of each group (see the module's docstring). ``present``: the signals the events hold.

    The windows slide over plain lists of times and values (a day of checkpoints is 100 000s of events); only the
    events of a match's peak window become dicts."""
    threshold = cause.threshold
    if threshold is None or (present is not None and not present & set(threshold.signals)):
        return []
    columns = {key: threshold.columns(key) for key in threshold.by}
    resolver = KeyResolver(threshold.by, columns)
    needed = dict.fromkeys(
        ["ts", "source", "line", "kind", threshold.field, *(c for cs in columns.values() for c in cs)]
    )
    group_keys = [f"_group_{index}" for index in range(len(threshold.by))]
    rows = (
        events.with_row_index("_row")
        .filter(pl.col("kind").is_in(list(threshold.signals)), pl.col("ts").is_not_null())
        .select("_row", *(c for c in needed if c in events.columns))
        .sort(["ts", "source", "line"])
        .with_columns(
            # The group: the value of each key, through its aliases.
            *(
                resolver.value_expr(key, events.columns).alias(name)
                for key, name in zip(threshold.by, group_keys, strict=True)
            ),
            _ts_ms=pl.col("ts").dt.epoch("ms"),
            _value=_numbers(_field(events, threshold.field)),
        )
    )
    if rows.height == 0:
        return []
    step = Step(signal=threshold.signals[0], any_of=threshold.signals[1:])
    groups = rows.partition_by(group_keys, maintain_order=True, as_dict=True) if group_keys else {(): rows}
    matches: list[Match] = []
    for identity, group in groups.items():
        keys = {key: value for key, value in zip(threshold.by, identity, strict=True) if value is not None}
        kept = _deduped(group["_ts_ms"].to_list(), _ms(threshold.dedupe))
        if len(kept) < group.height:
            group = group[kept]
        times, values = group["_ts_ms"].to_list(), group["_value"].to_list()
        if not _may_reach(threshold, values):
            continue
        for value, level, start, end in _peaks(threshold, times, values):
            evidence = group[start:end].drop("_ts_ms", "_value", *group_keys).to_dicts()
            matches.append(Match(cause.id, dict(keys), steps=[(step, evidence)], level=level, value=value))
    matches.sort(key=lambda m: (m.first_ts, sorted(m.keys.items())))
    return matches


def _field(events: pl.DataFrame, field: str) -> pl.Expr:
    """The aggregated column, or nulls when the events have none."""
    return pl.col(field) if field in events.columns else pl.lit(None, dtype=pl.Float64)


def _numbers(value: pl.Expr) -> pl.Expr:
    """The values as floats; NaN has no place in a sorted list, so it counts as no value."""
    return value.cast(pl.Float64, strict=False).fill_nan(None)


def _ms(duration: dt.timedelta) -> float:
    return duration / dt.timedelta(milliseconds=1)


def _deduped(times: list[int], dedupe: float) -> list[int]:
    """Positions of the events that count: one closer than ``dedupe`` to the last counted one does not."""
    if not dedupe:
        return list(range(len(times)))
    kept: list[int] = []
    last = None
    for index, ts in enumerate(times):
        if last is None or ts - last >= dedupe:
            kept.append(index)
            last = ts
    return kept


def _may_reach(threshold: Threshold, values: list[float | None]) -> bool:
    """Whether some window of these events could reach the lowest level: no window counts more events than the
    group, holds a larger value than the group's largest, or sums to more than its positive values. Most rules meet
    nothing in a long log, and this says so without sliding the window over 100 000s of events."""
    lowest = min((limit for _, limit in threshold.levels), default=math.inf)
    if threshold.aggregate is Aggregate.COUNT:
        return len(values) >= lowest
    present = [value for value in values if value is not None]
    if not present:
        return False
    if threshold.aggregate is Aggregate.SUM:
        return math.fsum(value for value in present if value > 0) >= lowest
    return max(present) >= lowest


class _Window:
    """The aggregate of a sliding window of values, kept up to date as values enter and leave: each step costs
    O(log n) (a sorted list for max and p99, an exact running sum), where recomputing it costs O(n log n) (a restart
    loop or a day of checkpoints puts thousands of events in one window). The values equal :func:`aggregate`'s."""

    def __init__(self, kind: Aggregate) -> None:
        self.kind = kind
        self.size = 0
        self.values: list[float] = []  # sorted (max, p99)
        self.total = Fraction(0)  # exact (sum): float(total) is math.fsum of the values
        self.counted = 0

    def add(self, value: float | None) -> None:
        self.size += 1
        if self.kind is Aggregate.COUNT or value is None:
            return
        if self.kind is Aggregate.SUM:
            self.total += Fraction(value)
            self.counted += 1
        else:
            insort(self.values, value)

    def remove(self, value: float | None) -> None:
        self.size -= 1
        if self.kind is Aggregate.COUNT or value is None:
            return
        if self.kind is Aggregate.SUM:
            self.total -= Fraction(value)
            self.counted -= 1
        else:
            del self.values[bisect_left(self.values, value)]

    def aggregate(self) -> float | None:
        if self.kind is Aggregate.COUNT:
            return float(self.size)
        if self.kind is Aggregate.SUM:
            return float(self.total) if self.counted else None
        if not self.values:
            return None
        if self.kind is Aggregate.MAX:
            return self.values[-1]
        rank = math.ceil(0.99 * len(self.values))
        return self.values[max(rank, 1) - 1]


Peak = tuple[float, Severity, int, int]
"""An episode's peak window: its aggregate, level, first event and end (exclusive)."""


def _peaks(threshold: Threshold, times: list[int], values: list[float | None]) -> list[Peak]:
    """The episodes of one group (times in ms, ascending): each as its peak window's (value, level, start, end)."""
    peaks: list[Peak] = []
    peak: Peak | None = None
    start = 0
    window = _Window(threshold.aggregate)
    span = _ms(threshold.window)
    for end, ts in enumerate(times):
        window.add(values[end])
        while ts - times[start] > span:
            window.remove(values[start])
            start += 1
        value = window.aggregate() if end + 1 - start >= threshold.min_events else None
        level = level_of(threshold, value)
        if level is None or value is None:
            if peak is not None:
                peaks.append(peak)
                peak = None
            continue
        if peak is None or value > peak[0]:
            peak = (value, level, start, end + 1)
    if peak is not None:
        peaks.append(peak)
    return peaks


def window_label(window: dt.timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
