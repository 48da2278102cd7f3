"""Sequence semantics: ordered steps of signals, joined by keys, within a time span.

This runs in Python over the classified events only (thousands, not millions of lines). For one cause:

- A match starts at an event of the first required step. Its keys (``by``) bind the values that event carries. A key
  may have aliases (``tm_id ~ container_id ~ pod``): its value is the first of those columns an event fills, so a
  YARN container named on the ResourceManager's line joins the TaskManager that the container id identifies.
- Each later step takes the earliest compatible event after the previous step (``clock_skew`` earlier is tolerated,
  for events written by different hosts) and no later than ``maxspan`` after the start. A step needs ``min_count``
  such events, of its signal or of one of its alternatives (``signal = ["a", "b"]``); an ``optional`` step is taken
  when present and skipped otherwise. A keyed step's event must agree with every bound key it carries; an event that
  lacks a key binds it.
- ``absent``: a compatible event of these signals between the first and the last step voids the match; an absent
  window (``{ signal, before, after }``) voids it when such an event falls from ``before`` ahead of the first matched
  event to ``after`` past the last one.
- ``until``: a compatible event of these signals before a step is found resets the partial match.
- Matches do not overlap per entity: the next match for the same key values starts after the previous one's last
  event and after its ``maxspan``, so what repeats within a rule's span counts once (five task failures quoting one
  heartbeat timeout are one lost TaskManager), while two TaskManagers lost at once are two matches. Repeats are
  counted by the caller, not reported as separate findings.
- Events without a time (a saved exception trace, pasted diagnostics, the lines before a log's first timestamp) cannot
  be placed among the others. When a rule has no timed match, it is matched within each source's untimed events on
  their own, ordered by line (a trace is one moment: no span, no skew), and the match is marked untimed.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import groupby, islice
from typing import Any

import polars as pl

from logforensics.catalogue.model import Cause, Sequence, Step
from logforensics.model import Severity

Event = dict[str, Any]

UNTIMED_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""Untimed events get ``UNTIMED_EPOCH + line ms`` as a stand-in time while matching: line order is time order."""


@dataclass
class Match:
    cause: str
    keys: dict[str, str]
    steps: list[tuple[Step, list[Event]]] = field(default_factory=list)
    untimed: bool = False
    """The match was made among events without a time (ordered by line): it has no place on the timeline."""
    level: Severity | None = None
    """For a threshold match: the level the aggregate reached."""
    value: float | None = None
    """For a threshold match: the aggregate's value at its peak."""

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


class KeyResolver:
    """The value of a join key in an event, through its aliases."""

    def __init__(self, by: tuple[str, ...], columns: dict[str, tuple[str, ...]]) -> None:
        self.by = by
        self.columns = {key: columns.get(key, (key,)) for key in by}

    @classmethod
    def of(cls, sequence: Sequence) -> KeyResolver:
        return cls(sequence.by, {key: sequence.columns(key) for key in sequence.by})

    def value(self, event: Event, key: str) -> str | None:
        for column in self.columns[key]:
            value = event.get(column)
            if value is not None:
                return str(value)
        return None

    def compatible(self, event: Event, keys: dict[str, str]) -> bool:
        for key in self.by:
            if key in keys:
                value = self.value(event, key)
                if value is not None and value != keys[key]:
                    return False
        return True

    def value_expr(self, key: str, columns: Iterable[str]) -> pl.Expr:
        """:meth:`value` as a polars expression over a frame with ``columns`` (null where none of them is there)."""
        present = set(columns)
        names = [column for column in self.columns[key] if column in present]
        if not names:
            return pl.lit(None, dtype=pl.String)
        return pl.coalesce([pl.col(column).cast(pl.String) for column in names])

    def compatible_expr(self, keys: dict[str, str], columns: Iterable[str]) -> pl.Expr:
        """:meth:`compatible` as a polars predicate over a frame with ``columns``."""
        predicate = pl.lit(True)
        for key in self.by:
            if key in keys:
                value = self.value_expr(key, columns)
                predicate &= value.is_null() | (value == keys[key])
        return predicate

    def bind(self, keys: dict[str, str], event: Event) -> dict[str, str]:
        bound = dict(keys)
        for key in self.by:
            if key not in bound:
                value = self.value(event, key)
                if value is not None:
                    bound[key] = value
        return bound

    def identity(self, event: Event) -> tuple[str | None, ...]:
        return tuple(self.value(event, key) for key in self.by)


def sequence_signals(seq: Sequence) -> set[str]:
    """The signals matching reads: the steps', and those whose presence stops or interrupts a match. Corroborating
    signals are looked up for each finding afterwards (a day of completed checkpoints need not enter the index)."""
    wanted = {signal for step in seq.steps for signal in step.signals}
    return wanted | set(seq.absent) | set(seq.until) | {w.signal for w in seq.absent_windows}


class _Index:
    """Events by signal, and by signal and key value, each sorted by time: a window is two bisections, so matching
    stays fast when a restart loop repeats the same events thousands of times."""

    def __init__(self, rows: list[Event], keys: KeyResolver) -> None:
        self.keys = keys
        self.lists: dict[tuple[str, str, str | None], tuple[list[dt.datetime], list[Event]]] = {}
        for row in rows:  # rows arrive sorted by time
            self._add((row["kind"], "", None), row)
            for key in keys.by:
                self._add((row["kind"], key, keys.value(row, key)), row)

    def _add(self, slot: tuple[str, str, str | None], row: Event) -> None:
        times, events = self.lists.setdefault(slot, ([], []))
        times.append(row["ts"])
        events.append(row)

    def all(self, signals: Iterable[str]) -> list[Event]:
        lists = [self.lists.get((signal, "", None), ([], []))[1] for signal in signals]
        return list(heapq.merge(*lists, key=_order)) if len(lists) > 1 else lists[0]

    def window(
        self, signals: Iterable[str], start: dt.datetime, end: dt.datetime, keys: dict[str, str], keyed: bool
    ) -> Iterator[Event]:
        """Events of ``signals`` with start <= ts <= end (in time order) that agree with ``keys``."""
        bound = next((k for k in self.keys.by if k in keys), None) if keyed else None
        ranges = []
        for signal in signals:
            # With a bound key: the events with that value, and the events that do not carry the key at all.
            slots: list[tuple[str, str, str | None]] = (
                [(signal, "", None)] if bound is None else [(signal, bound, keys[bound]), (signal, bound, None)]
            )
            for slot in slots:
                times, events = self.lists.get(slot, ([], []))
                ranges.append(events[bisect_left(times, start) : bisect_right(times, end)])
        merged = heapq.merge(*ranges, key=_order) if len(ranges) > 1 else ranges[0]
        for event in merged:
            if not keyed or self.keys.compatible(event, keys):
                yield event


def _order(event: Event) -> tuple[dt.datetime, str, int]:
    return (event["ts"], event["source"], event["line"])


def find_matches(cause: Cause, events: pl.DataFrame, present: set[str] | None = None) -> list[Match]:
    """Every non-overlapping match of ``cause`` in ``events`` (EVENTS_SCHEMA, any order). ``present``: the signals
    the events hold, when the caller knows them (most rules then end here, without filtering the frame)."""
    seq = cause.sequence
    if present is not None and not _has_required(seq, present):
        return []
    wanted = sequence_signals(seq)
    # Only the columns matching reads become Python dicts (a restart loop has 100 000s of events); an event's text
    # is fetched by its row number (``_row`` in ``events``) for the few that become evidence: see ``event_text``.
    resolver = KeyResolver.of(seq)
    needed = dict.fromkeys(["ts", "source", "line", "kind", *(c for cs in resolver.columns.values() for c in cs)])
    candidates = (
        events.with_row_index("_row")
        .filter(pl.col("kind").is_in(list(wanted)))
        .select("_row", *(c for c in needed if c in events.columns))
    )
    if not _has_required(seq, set(candidates["kind"].unique().to_list())):
        return []
    timed = _near_a_start(candidates.filter(pl.col("ts").is_not_null()), seq)
    matches = _matches(cause, seq, timed.sort(["ts", "source", "line"]).to_dicts()) if timed.height else []
    if matches:
        return matches
    untimed = candidates.filter(pl.col("ts").is_null()).sort(["source", "line"]).to_dicts()
    # A trace is one moment: steps follow in line order, with neither span nor skew between them.
    lone = replace(seq, clock_skew=dt.timedelta(0), maxspan=dt.timedelta(days=365))
    for _, rows in groupby(untimed, key=lambda row: row["source"]):
        placed = [
            {**row, "ts": UNTIMED_EPOCH + dt.timedelta(milliseconds=row["line"]), "_untimed": True} for row in rows
        ]
        for match in _matches(cause, lone, placed):
            match.untimed = True
            matches.append(match)
    return matches


def _near_a_start(timed: pl.DataFrame, seq: Sequence) -> pl.DataFrame:
    """``timed`` without the step events that no match can use: every step event of a match lies within
    maxspan + clock_skew of the match's start, an event of the first required step. Events of the first step, and
    of ``absent``/``until`` signals (they are looked for in windows of their own), all stay."""
    first = next(s for s in seq.steps if not s.optional)
    kept = set(first.signals) | set(seq.absent) | set(seq.until) | {w.signal for w in seq.absent_windows}
    if timed.height == 0 or all(signal in kept for step in seq.steps for signal in step.signals):
        return timed
    starts = timed.filter(pl.col("kind").is_in(list(first.signals))).select(_start=pl.col("ts")).sort("_start")
    reach = seq.maxspan + seq.clock_skew
    others = (
        timed.filter(~pl.col("kind").is_in(list(kept)))
        .sort("ts")
        .join_asof(starts, left_on="ts", right_on="_start", strategy="nearest")
        .filter((pl.col("ts") - pl.col("_start")).abs() <= reach)
        .drop("_start")
    )
    return pl.concat([timed.filter(pl.col("kind").is_in(list(kept))), others])


def event_text(event: Event, events: pl.DataFrame) -> str:
    """The text of a matched event: carried by the event, or read from ``events`` (the frame it was matched in)."""
    if "text" in event:
        return str(event["text"] or "")
    return str(events["text"][event["_row"]] or "")


def _has_required(seq: Sequence, present: set[str]) -> bool:
    return all(set(step.signals) & present for step in seq.steps if not step.optional)


def _matches(cause: Cause, seq: Sequence, rows: list[Event]) -> list[Match]:
    """Matches among ``rows`` (sorted by time)."""
    keys = KeyResolver.of(seq)
    index = _Index(rows, keys)
    first_step = next(s for s in seq.steps if not s.optional)
    leading_optional = seq.steps[: seq.steps.index(first_step)]
    matches: list[Match] = []
    not_before: dict[tuple[str | None, ...], dt.datetime] = {}
    for start in index.all(first_step.signals):
        entity = keys.identity(start) if first_step.keyed else ()
        if entity in not_before and start["ts"] <= not_before[entity]:
            continue
        match = _match_from(cause, seq, start, index, leading_optional)
        if match is not None:
            matches.append(match)
            not_before[entity] = max(match.last_ts, match.first_ts + seq.maxspan)
    return matches


def _take(events: Iterator[Event], count: int) -> list[Event]:
    return list(islice(events, count))


def _match_from(
    cause: Cause, seq: Sequence, start: Event, index: _Index, leading_optional: tuple[Step, ...]
) -> Match | None:
    resolver = index.keys
    first_index = len(leading_optional)
    first_step = seq.steps[first_index]
    keys = resolver.bind({}, start) if first_step.keyed else {}
    match = Match(cause.id, keys)
    # Leading optional steps may precede the start (e.g. a GC pause before the heartbeat timeout it causes).
    for step in leading_optional:
        found = _take(
            index.window(step.signals, start["ts"] - seq.maxspan, start["ts"] + seq.clock_skew, match.keys, step.keyed),
            step.min_count,
        )
        if len(found) >= step.min_count:
            match.steps.append((step, found))
            if step.keyed:
                match.keys = resolver.bind(match.keys, found[0])
    # The first required step needs min_count events starting at `start`.
    deadline = start["ts"] + seq.maxspan
    first_events = _take(
        index.window(first_step.signals, start["ts"], deadline, match.keys, first_step.keyed), first_step.min_count
    )
    if len(first_events) < first_step.min_count:
        return None
    if _interrupted(seq.until, index, match.keys, first_events[0]["ts"], first_events[-1]["ts"]):
        return None
    match.steps.append((first_step, first_events))
    previous = first_events[-1]["ts"]
    for step in seq.steps[first_index + 1 :]:
        taken = _take(
            index.window(step.signals, previous - seq.clock_skew, deadline, match.keys, step.keyed), step.min_count
        )
        if len(taken) < step.min_count:
            if step.optional:
                continue
            return None
        step_ts = taken[-1]["ts"]
        if _interrupted(seq.until, index, match.keys, previous, step_ts):
            if step.optional:
                continue
            return None
        match.steps.append((step, taken))
        if step.keyed:
            for event in taken:
                match.keys = resolver.bind(match.keys, event)
        previous = max(previous, step_ts)
    if _interrupted(seq.absent, index, match.keys, match.first_ts, match.last_ts):
        return None
    for window in seq.absent_windows:
        start_ts, end_ts = match.first_ts - window.before, match.last_ts + window.after
        if next(index.window((window.signal,), start_ts, end_ts, match.keys, window.keyed), None) is not None:
            return None
    return match


def _interrupted(
    signals: tuple[str, ...], index: _Index, keys: dict[str, str], start: dt.datetime, end: dt.datetime
) -> bool:
    """A compatible event of ``signals`` strictly between ``start`` and ``end``."""
    if not signals:
        return False
    return any(start < event["ts"] < end for event in index.window(signals, start, end, keys, keyed=True))
