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
from collections import defaultdict

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


def _episodes(cause_id: str, threshold: Threshold, step: Step, keys: dict[str, str], group: list[Event]) -> list[Match]:
    matches: list[Match] = []
    peak: tuple[float, Severity, list[Event]] | None = None
    start = 0
    for end, event in enumerate(group):
        while event["ts"] - group[start]["ts"] > threshold.window:
            start += 1
        window = group[start : end + 1]
        value = aggregate(threshold.aggregate, window, threshold.field) if len(window) >= threshold.min_events else None
        level = level_of(threshold, value)
        if level is None or value is None:
            if peak is not None:
                matches.append(_match(cause_id, step, keys, peak))
                peak = None
            continue
        if peak is None or value > peak[0]:
            peak = (value, level, window)
    if peak is not None:
        matches.append(_match(cause_id, step, keys, peak))
    return matches


def _match(cause_id: str, step: Step, keys: dict[str, str], peak: tuple[float, Severity, list[Event]]) -> Match:
    value, level, window = peak
    return Match(cause_id, dict(keys), steps=[(step, list(window))], level=level, value=value)


def window_label(window: dt.timedelta) -> str:
    seconds = int(window.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
