"""Sequence semantics: ordered steps of signals, joined by keys, within a time span.

This runs in Python over the classified events only (thousands, not millions of lines). For one cause:

- A match starts at an event of the first required step. Its keys (``by``) bind the values that event carries.
- Each later step takes the earliest compatible event after the previous step (``clock_skew`` earlier is tolerated,
  for events written by different hosts) and no later than ``maxspan`` after the start. A step needs ``min_count``
  such events; an ``optional`` step is taken when present and skipped otherwise. A keyed step's event must agree
  with every bound key it carries; an event that lacks a key binds it.
- ``absent``: a compatible event of these signals between the first and the last step voids the match.
- ``until``: a compatible event of these signals before a step is found resets the partial match.
- Matches do not overlap: the next one starts after the previous one's last event. Repeats are counted by the
  caller, not reported as separate findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
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


def find_matches(cause: Cause, events: pl.DataFrame) -> list[Match]:
    """Every non-overlapping match of ``cause`` in ``events`` (EVENTS_SCHEMA, any order)."""
    wanted = relevant_signals(cause)
    rows = (
        events.filter(pl.col("kind").is_in(list(wanted)), pl.col("ts").is_not_null())
        .sort(["ts", "source", "line"])
        .to_dicts()
    )
    by_kind: dict[str, list[Event]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(row)
    seq = cause.sequence
    first_step = next(s for s in seq.steps if not s.optional)
    leading_optional = seq.steps[: seq.steps.index(first_step)]
    matches: list[Match] = []
    not_before: dt.datetime | None = None
    for start in by_kind.get(first_step.signal, []):
        if not_before is not None and start["ts"] <= not_before:
            continue
        match = _match_from(cause, start, by_kind, leading_optional)
        if match is not None:
            matches.append(match)
            not_before = match.last_ts
    return matches


def _match_from(
    cause: Cause, start: Event, by_kind: dict[str, list[Event]], leading_optional: tuple[Step, ...]
) -> Match | None:
    seq = cause.sequence
    first_index = len(leading_optional)
    first_step = seq.steps[first_index]
    keys = _bind({}, start, seq.by) if first_step.keyed else {}
    match = Match(cause.id, keys)
    # Leading optional steps may precede the start (e.g. a GC pause before the heartbeat timeout it causes).
    for step in leading_optional:
        found = [
            e
            for e in by_kind.get(step.signal, [])
            if start["ts"] - seq.maxspan <= e["ts"] <= start["ts"] + seq.clock_skew
            and (not step.keyed or _compatible(e, match.keys, seq.by))
        ]
        if len(found) >= step.min_count:
            match.steps.append((step, found[: step.min_count]))
            if step.keyed:
                match.keys = _bind(match.keys, found[0], seq.by)
    # The first required step needs min_count events starting at `start`.
    first_events = [
        e
        for e in by_kind.get(first_step.signal, [])
        if start["ts"] <= e["ts"] <= start["ts"] + seq.maxspan
        and (not first_step.keyed or _compatible(e, keys, seq.by))
    ]
    if len(first_events) < first_step.min_count:
        return None
    match.steps.append((first_step, first_events[: first_step.min_count]))
    previous = first_events[first_step.min_count - 1]["ts"]
    deadline = start["ts"] + seq.maxspan
    for step in seq.steps[first_index + 1 :]:
        found = [
            e
            for e in by_kind.get(step.signal, [])
            if previous - seq.clock_skew <= e["ts"] <= deadline
            and (not step.keyed or _compatible(e, match.keys, seq.by))
        ]
        if len(found) < step.min_count:
            if step.optional:
                continue
            return None
        taken = found[: step.min_count]
        step_ts = taken[-1]["ts"]
        if _interrupted(seq.until, by_kind, match.keys, seq.by, previous, step_ts):
            return None
        match.steps.append((step, taken))
        if step.keyed:
            for event in taken:
                match.keys = _bind(match.keys, event, seq.by)
        previous = max(previous, step_ts)
    if _interrupted(seq.absent, by_kind, match.keys, seq.by, match.first_ts, match.last_ts):
        return None
    return match


def _interrupted(
    signals: tuple[str, ...],
    by_kind: dict[str, list[Event]],
    keys: dict[str, str],
    by: tuple[str, ...],
    start: dt.datetime,
    end: dt.datetime,
) -> bool:
    return any(
        start < e["ts"] < end and _compatible(e, keys, by) for signal in signals for e in by_kind.get(signal, [])
    )
