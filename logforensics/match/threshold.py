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
from collections import defaultdict
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


def _groups(threshold: Threshold, rows: list[Event]) -> dict[tuple[str | None, ...], list[Event]]:
    resolver = KeyResolver(threshold.by, {key: threshold.columns(key) for key in threshold.by})
    groups: dict[tuple[str | None, ...], list[Event]] = defaultdict(list)
    for row in rows:
        group = groups[resolver.identity(row)]
        if group and threshold.dedupe and row["ts"] - group[-1]["ts"] < threshold.dedupe:
            continue
        group.append(row)
    return groups


def find_threshold_matches(cause: Cause, events: pl.DataFrame, present: set[str] | None = None) -> list[Match]:
    """One match per episode of each group (see the module's docstring). ``present``: the signals the events hold."""
    threshold = cause.threshold
    if threshold is None or (present is not None and not present & set(threshold.signals)):
        return []
    columns = {key: threshold.columns(key) for key in threshold.by}
    needed = dict.fromkeys(
        ["ts", "source", "line", "kind", threshold.field, *(c for cs in columns.values() for c in cs)]
    )
    rows = (
        events.with_row_index("_row")
        .filter(pl.col("kind").is_in(list(threshold.signals)), pl.col("ts").is_not_null())
        .select("_row", *(c for c in needed if c in events.columns))
        .sort(["ts", "source", "line"])
        .to_dicts()
    )
    step = Step(signal=threshold.signals[0], any_of=threshold.signals[1:])
    matches: list[Match] = []
    for identity, group in _groups(threshold, rows).items():
        keys = {key: value for key, value in zip(threshold.by, identity, strict=True) if value is not None}
        matches += _episodes(cause.id, threshold, step, keys, group)
    matches.sort(key=lambda m: (m.first_ts, sorted(m.keys.items())))
    return matches


class _Window:
    """The aggregate of a sliding window of events, kept up to date as events enter and leave: each step costs
    O(log n) (a sorted list for max and p99, an exact running sum), where recomputing it costs O(n log n) (a restart
    loop or a day of checkpoints puts thousands of events in one window). The values equal :func:`aggregate`'s."""

    def __init__(self, kind: Aggregate, field: str) -> None:
        self.kind = kind
        self.field = field
        self.size = 0
        self.values: list[float] = []  # sorted (max, p99)
        self.total = Fraction(0)  # exact (sum): float(total) is math.fsum of the values
        self.counted = 0

    def _value(self, event: Event) -> float | None:
        value = event.get(self.field)
        number = None if value is None else float(value)
        return None if number is None or math.isnan(number) else number  # NaN has no place in a sorted list

    def add(self, event: Event) -> None:
        self.size += 1
        if self.kind is Aggregate.COUNT or (value := self._value(event)) is None:
            return
        if self.kind is Aggregate.SUM:
            self.total += Fraction(value)
            self.counted += 1
        else:
            insort(self.values, value)

    def remove(self, event: Event) -> None:
        self.size -= 1
        if self.kind is Aggregate.COUNT or (value := self._value(event)) is None:
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


def _episodes(cause_id: str, threshold: Threshold, step: Step, keys: dict[str, str], group: list[Event]) -> list[Match]:
    matches: list[Match] = []
    peak: tuple[float, Severity, int, int] | None = None  # value, level, window start, window end (exclusive)
    start = 0
    window = _Window(threshold.aggregate, threshold.field)
    for end, event in enumerate(group):
        window.add(event)
        while event["ts"] - group[start]["ts"] > threshold.window:
            window.remove(group[start])
            start += 1
        value = window.aggregate() if end + 1 - start >= threshold.min_events else None
        level = level_of(threshold, value)
        if level is None or value is None:
            if peak is not None:
                matches.append(_match(cause_id, step, keys, peak, group))
                peak = None
            continue
        if peak is None or value > peak[0]:
            peak = (value, level, start, end + 1)
    if peak is not None:
        matches.append(_match(cause_id, step, keys, peak, group))
    return matches


def _match(
    cause_id: str, step: Step, keys: dict[str, str], peak: tuple[float, Severity, int, int], group: list[Event]
) -> Match:
    value, level, start, end = peak
    return Match(cause_id, dict(keys), steps=[(step, group[start:end])], level=level, value=value)


def window_label(window: dt.timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
