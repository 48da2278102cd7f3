"""Threshold semantics on hand-made timelines: aggregates, sliding windows, levels, groups, dedupe, episodes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logforensics.catalogue.model import Aggregate, Cause, Sequence, Status, Step, Threshold
from logforensics.match.threshold import aggregate, find_threshold_matches, level_of
from logforensics.model import EVENTS_SCHEMA, FindingKind, Severity

T0 = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.UTC)


def events(*rows: tuple[float, str, dict[str, object]]) -> pl.DataFrame:
    data = []
    for line, (seconds, kind, fields) in enumerate(rows, start=1):
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(ts=T0 + dt.timedelta(seconds=seconds), kind=kind, source="x.log", line=line, text=kind, **fields)
        data.append(row)
    return pl.DataFrame(data, schema=EVENTS_SCHEMA)


def rule(**threshold: object) -> Cause:
    base = Threshold(
        signals=("fail",),
        by=("task",),
        aggregate=Aggregate.COUNT,
        window=dt.timedelta(minutes=10),
        levels=((Severity.MEDIUM, 3.0), (Severity.HIGH, 5.0)),
    )
    th = replace(base, **threshold)  # type: ignore[arg-type]
    return Cause(
        id="loop",
        title="loop",
        path="loop.toml",
        status=Status.TEST,
        kind=FindingKind.ROOT_CAUSE,
        category="user_code",
        failure_type="user",
        severity=Severity.HIGH,
        confidence=0.5,
        sequence=Sequence(by=th.by, steps=(Step(th.signals[0]),), maxspan=th.window),
        summary="",
        diagnosis="",
        remediation=(),
        references=(),
        tests=(),
        threshold=th,
    )


def fails(*seconds: float, task: str = "Map") -> list[tuple[float, str, dict[str, object]]]:
    return [(s, "fail", {"task": task}) for s in seconds]


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (Aggregate.COUNT, [1.0, None, 3.0], 3.0),
        (Aggregate.SUM, [1.0, None, 3.0], 4.0),
        (Aggregate.MAX, [1.0, 7.5, 3.0], 7.5),
        (Aggregate.P99, [float(v) for v in range(1, 101)], 99.0),
        (Aggregate.P99, [5.0, 1.0], 5.0),
        (Aggregate.SUM, [None, None], None),
    ],
)
def test_aggregates(kind: Aggregate, values: list[float | None], expected: float | None) -> None:
    assert aggregate(kind, [{"value": v} for v in values]) == expected


def test_levels_pick_the_highest_reached() -> None:
    th = rule().threshold
    assert th is not None
    assert level_of(th, 2) is None
    assert level_of(th, 3) is Severity.MEDIUM
    assert level_of(th, 4.9) is Severity.MEDIUM
    assert level_of(th, 50) is Severity.HIGH


def test_count_within_the_sliding_window() -> None:
    assert find_threshold_matches(rule(), events(*fails(0, 60))) == []
    [match] = find_threshold_matches(rule(), events(*fails(0, 60, 120)))
    assert match.level is Severity.MEDIUM and match.value == 3
    assert match.keys == {"task": "Map"}
    # Spread over more than the window, three failures never share one.
    assert find_threshold_matches(rule(), events(*fails(0, 400, 800))) == []


def test_the_peak_window_sets_the_level_and_the_evidence() -> None:
    [match] = find_threshold_matches(rule(), events(*fails(0, 60, 120, 180, 240, 300)))
    assert match.level is Severity.HIGH
    assert match.value == 6
    assert len(match.events) == 6


def test_groups_are_counted_apart() -> None:
    timeline = events(*fails(0, 60, task="Map"), *fails(30, 90, task="Sink"))
    assert find_threshold_matches(rule(), timeline) == []
    timeline = events(*fails(0, 60, 120, task="Map"), *fails(30, 90, task="Sink"))
    assert [m.keys for m in find_threshold_matches(rule(), timeline)] == [{"task": "Map"}]


def test_dedupe_counts_one_failure_reported_twice_once() -> None:
    doubled = events(*fails(0, 0.2, 60, 60.1, 120, 120.3))
    [raw] = find_threshold_matches(rule(), doubled)
    [deduped] = find_threshold_matches(rule(dedupe=dt.timedelta(seconds=5)), doubled)
    assert (raw.value, raw.level) == (6, Severity.HIGH)
    assert (deduped.value, deduped.level) == (3, Severity.MEDIUM)
    two = events(*fails(0, 0.2, 60, 60.1))
    assert find_threshold_matches(rule(dedupe=dt.timedelta(seconds=5)), two) == []


def test_episodes_repeat_after_a_quiet_spell() -> None:
    timeline = events(*fails(0, 60, 120), *fails(3600, 3660, 3720))
    matches = find_threshold_matches(rule(), timeline)
    assert len(matches) == 2
    assert [m.first_ts for m in matches] == [T0, T0 + dt.timedelta(seconds=3600)]


def test_p99_of_a_measured_value_with_min_events() -> None:
    checkpoints = rule(
        signals=("done",),
        by=("job_id",),
        aggregate=Aggregate.P99,
        window=dt.timedelta(hours=1),
        min_events=2,
        levels=((Severity.LOW, 120_000.0), (Severity.MEDIUM, 300_000.0)),
    )
    one_slow = events((0, "done", {"job_id": "j", "value": 400_000.0}))
    assert find_threshold_matches(checkpoints, one_slow) == []  # one sample is not judged
    growing = events(*[(i * 600, "done", {"job_id": "j", "value": v}) for i, v in enumerate([2e3, 1.5e5, 3.1e5])])
    [match] = find_threshold_matches(checkpoints, growing)
    assert match.level is Severity.MEDIUM and match.value == 3.1e5


def test_events_without_a_time_are_ignored() -> None:
    timeline = events(*fails(0, 60, 120)).with_columns(ts=pl.lit(None, dtype=EVENTS_SCHEMA["ts"]))
    assert find_threshold_matches(rule(), timeline) == []


def test_aliases_join_groups_across_columns() -> None:
    by_tm = rule(by=("tm_id",), aliases=(("tm_id", ("tm_id", "pod")),))
    timeline = events((0, "fail", {"tm_id": "p-1"}), (60, "fail", {"pod": "p-1"}), (120, "fail", {"tm_id": "p-1"}))
    [match] = find_threshold_matches(by_tm, timeline)
    assert match.keys == {"tm_id": "p-1"}


def _naive_episodes(threshold: Threshold, group: list[dict[str, object]]) -> list[tuple[float, Severity, int, int]]:
    """The definition: every event ends a window; the aggregate is recomputed from scratch over it."""
    episodes: list[tuple[float, Severity, int, int]] = []
    peak: tuple[float, Severity, int, int] | None = None
    start = 0
    for end, event in enumerate(group):
        while event["ts"] - group[start]["ts"] > threshold.window:  # type: ignore[operator]
            start += 1
        window = group[start : end + 1]
        value = aggregate(threshold.aggregate, window) if len(window) >= threshold.min_events else None
        level = level_of(threshold, value)
        if level is None or value is None:
            if peak is not None:
                episodes.append(peak)
                peak = None
            continue
        if peak is None or value > peak[0]:
            peak = (value, level, start, end + 1)
    if peak is not None:
        episodes.append(peak)
    return episodes


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(list(Aggregate)),
    gaps=st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=60),
    values=st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1e6)), min_size=60, max_size=60),
    min_events=st.integers(min_value=1, max_value=4),
)
def test_sliding_window_aggregates_equal_recomputing_them(
    kind: Aggregate, gaps: list[int], values: list[float | None], min_events: int
) -> None:
    """The incremental window (sorted list, exact running sum) gives the episodes the definition gives, and the
    bound that lets a group skip it is sound."""
    from logforensics.match.threshold import _may_reach, _peaks

    threshold = Threshold(
        signals=("x",),
        by=(),
        aggregate=kind,
        window=dt.timedelta(minutes=10),
        levels=((Severity.MEDIUM, 3.0), (Severity.HIGH, 5000.0)),
        min_events=min_events,
    )
    seconds = 0
    group: list[dict[str, object]] = []
    for index, gap in enumerate(gaps):
        seconds += gap
        group.append({"ts": T0 + dt.timedelta(seconds=seconds), "value": values[index], "line": index})
    times = [int((e["ts"] - T0).total_seconds() * 1000) for e in group]  # type: ignore[operator]
    got = _peaks(threshold, times, [e["value"] for e in group])  # type: ignore[misc]
    assert got == _naive_episodes(threshold, group)
    # The shortcut that skips the sliding window never skips an episode.
    assert _may_reach(threshold, [e["value"] for e in group]) or not got  # type: ignore[misc]
