"""Sequence semantics: ordered steps of signals, joined by keys, within a time span.

This runs in Python over the classified events only (thousands, not millions of lines). For one cause:

- A match starts at an event of the first required step. Its keys (``by``) bind the values that event carries.
- Each later step takes the earliest compatible event after the previous step (``clock_skew`` earlier is tolerated,
  for events written by different hosts) and no later than ``maxspan`` after the start. A step needs ``min_count``
  such events; an ``optional`` step is taken when present and skipped otherwise. A keyed step's event must agree
  with every bound key it carries; an event that lacks a key binds it.
- ``absent``: a compatible event of these signals between the first and the last step voids the match.
- ``until``: a compatible event of these signals before a step is found resets the partial match.
- Matches do not overlap: the next one starts after the previous one's last event and after its ``maxspan``, so
  what repeats within a rule's span counts once. Repeats are counted by the caller, not reported as separate findings.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import polars as pl

from logforensics.catalogue.model import Cause, Step

Event = dict[str, Any]


@dataclass
class Match:
    cause: str
    keys: dict[str, str]
    steps: list[tuple[Step, list[Event]]] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return [event for _, events in self.steps for event in events]

    @property
    def first_ts(self) -> dt.datetime:
        first: dt.datetime = min(e["ts"] for e in self.events)
        return first

    @property
    def last_ts(self) -> dt.datetime:
        last: dt.datetime = max(e["ts"] for e in self.events)
        return last


def _compatible(event: Event, keys: dict[str, str], by: tuple[str, ...]) -> bool:
    return all(event.get(k) is None or k not in keys or event[k] == keys[k] for k in by)


def _bind(keys: dict[str, str], event: Event, by: tuple[str, ...]) -> dict[str, str]:
    bound = dict(keys)
    for k in by:
        if event.get(k) is not None and k not in bound:
            bound[k] = event[k]
    return bound


def relevant_signals(cause: Cause) -> set[str]:
    seq = cause.sequence
    return {s.signal for s in seq.steps} | set(seq.absent) | set(seq.until) | set(cause.corroborate)


class _Index:
    """Events by signal, and by signal and key value, each sorted by time: a window is two bisections, so matching
    stays fast when a restart loop repeats the same events thousands of times."""

    def __init__(self, rows: list[Event], by: tuple[str, ...]) -> None:
        self.by = by
        self.lists: dict[tuple[str, str, str | None], tuple[list[dt.datetime], list[Event]]] = {}
        for row in rows:  # rows arrive sorted by time
            self._add((row["kind"], "", None), row)
            for key in by:
                self._add((row["kind"], key, row.get(key)), row)

    def _add(self, slot: tuple[str, str, str | None], row: Event) -> None:
        times, events = self.lists.setdefault(slot, ([], []))
        times.append(row["ts"])
        events.append(row)

    def has(self, signal: str) -> bool:
        return (signal, "", None) in self.lists

    def all(self, signal: str) -> list[Event]:
        return self.lists.get((signal, "", None), ([], []))[1]

    def window(
        self, signal: str, start: dt.datetime, end: dt.datetime, keys: dict[str, str], keyed: bool
    ) -> Iterator[Event]:
        """Events of ``signal`` with start <= ts <= end (in time order) that agree with ``keys``."""
        bound = next((k for k in self.by if k in keys), None) if keyed else None
        # With a bound key: the events with that value, and the events that do not carry the key at all.
        slots: list[tuple[str, str, str | None]] = (
            [(signal, "", None)] if bound is None else [(signal, bound, keys[bound]), (signal, bound, None)]
        )
        ranges = []
        for slot in slots:
            times, events = self.lists.get(slot, ([], []))
            ranges.append(events[bisect_left(times, start) : bisect_right(times, end)])
        merged = heapq.merge(*ranges, key=lambda e: (e["ts"], e["source"], e["line"])) if len(ranges) > 1 else ranges[0]
        for event in merged:
            if not keyed or _compatible(event, keys, self.by):
                yield event


def find_matches(cause: Cause, events: pl.DataFrame) -> list[Match]:
    """Every non-overlapping match of ``cause`` in ``events`` (EVENTS_SCHEMA, any order)."""
    seq = cause.sequence
    required = [s.signal for s in seq.steps if not s.optional]
    wanted = relevant_signals(cause)
    present = set(events.filter(pl.col("kind").is_in(list(wanted)))["kind"].unique().to_list())
    if not set(required) <= present:
        return []
    rows = (
        events.filter(pl.col("kind").is_in(list(wanted)), pl.col("ts").is_not_null())
        .sort(["ts", "source", "line"])
        .to_dicts()
    )
    index = _Index(rows, seq.by)
    first_step = next(s for s in seq.steps if not s.optional)
    leading_optional = seq.steps[: seq.steps.index(first_step)]
    matches: list[Match] = []
    not_before: dt.datetime | None = None
    for start in index.all(first_step.signal):
        if not_before is not None and start["ts"] <= not_before:
            continue
        match = _match_from(cause, start, index, leading_optional)
        if match is not None:
            matches.append(match)
            # What repeats within the rule's own span is the same occurrence (five task failures quoting one
            # heartbeat timeout are one lost TaskManager), so the next match starts after both.
            not_before = max(match.last_ts, match.first_ts + seq.maxspan)
    return matches


def _take(events: Iterator[Event], count: int) -> list[Event]:
    return list(islice(events, count))


def _match_from(cause: Cause, start: Event, index: _Index, leading_optional: tuple[Step, ...]) -> Match | None:
    seq = cause.sequence
    first_index = len(leading_optional)
    first_step = seq.steps[first_index]
    keys = _bind({}, start, seq.by) if first_step.keyed else {}
    match = Match(cause.id, keys)
    # Leading optional steps may precede the start (e.g. a GC pause before the heartbeat timeout it causes).
    for step in leading_optional:
        found = _take(
            index.window(step.signal, start["ts"] - seq.maxspan, start["ts"] + seq.clock_skew, match.keys, step.keyed),
            step.min_count,
        )
        if len(found) >= step.min_count:
            match.steps.append((step, found))
            if step.keyed:
                match.keys = _bind(match.keys, found[0], seq.by)
    # The first required step needs min_count events starting at `start`.
    deadline = start["ts"] + seq.maxspan
    first_events = _take(
        index.window(first_step.signal, start["ts"], deadline, keys, first_step.keyed), first_step.min_count
    )
    if len(first_events) < first_step.min_count:
        return None
    match.steps.append((first_step, first_events))
    previous = first_events[-1]["ts"]
    for step in seq.steps[first_index + 1 :]:
        taken = _take(
            index.window(step.signal, previous - seq.clock_skew, deadline, match.keys, step.keyed), step.min_count
        )
        if len(taken) < step.min_count:
            if step.optional:
                continue
            return None
        step_ts = taken[-1]["ts"]
        if _interrupted(seq.until, index, match.keys, previous, step_ts):
            return None
        match.steps.append((step, taken))
        if step.keyed:
            for event in taken:
                match.keys = _bind(match.keys, event, seq.by)
        previous = max(previous, step_ts)
    if _interrupted(seq.absent, index, match.keys, match.first_ts, match.last_ts):
        return None
    return match


def _interrupted(
    signals: tuple[str, ...], index: _Index, keys: dict[str, str], start: dt.datetime, end: dt.datetime
) -> bool:
    """A compatible event of ``signals`` strictly between ``start`` and ``end``."""
    return any(
        event["ts"] > start and event["ts"] < end
        for signal in signals
        for event in index.window(signal, start, end, keys, keyed=True)
    )
