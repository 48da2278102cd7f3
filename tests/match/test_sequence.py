"""Sequence semantics on hand-made timelines: order, span, keys, counts, absent, until, optional, clock skew."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

from logforensics.catalogue.model import Cause, Sequence, Status, Step
from logforensics.match.sequence import find_matches
from logforensics.model import EVENTS_SCHEMA, FindingKind, Severity

T0 = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.UTC)


def events(*rows: tuple[int, str, dict[str, str]]) -> pl.DataFrame:
    data = []
    for line, (seconds, kind, keys) in enumerate(rows, start=1):
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(ts=T0 + dt.timedelta(seconds=seconds), kind=kind, source="x.log", line=line, text=kind, **keys)
        data.append(row)
    return pl.DataFrame(data, schema=EVENTS_SCHEMA)


def cause(*steps: Step, by: tuple[str, ...] = ("tm_id",), maxspan: int = 300, **sequence: object) -> Cause:
    return Cause(
        id="c",
        title="c",
        path="c.toml",
        status=Status.EXPERIMENTAL,
        kind=FindingKind.ROOT_CAUSE,
        category="gc",
        failure_type="system",
        severity=Severity.HIGH,
        confidence=0.5,
        sequence=replace(
            Sequence(by=by, steps=steps, maxspan=dt.timedelta(seconds=maxspan)),
            **sequence,  # type: ignore[arg-type]
        ),
        summary="",
        diagnosis="",
        remediation=(),
        references=(),
        tests=(),
    )


PAUSE_THEN_TIMEOUT = cause(Step("pause"), Step("timeout"))


def test_ordered_steps_with_matching_keys() -> None:
    timeline = events((0, "pause", {"tm_id": "a"}), (40, "timeout", {"tm_id": "a"}))
    [match] = find_matches(PAUSE_THEN_TIMEOUT, timeline)
    assert match.keys == {"tm_id": "a"}
    assert [e["kind"] for e in match.events] == ["pause", "timeout"]


def test_keys_must_agree() -> None:
    timeline = events((0, "pause", {"tm_id": "a"}), (40, "timeout", {"tm_id": "b"}))
    assert find_matches(PAUSE_THEN_TIMEOUT, timeline) == []


def test_order_matters_beyond_the_clock_skew() -> None:
    assert find_matches(PAUSE_THEN_TIMEOUT, events((0, "timeout", {"tm_id": "a"}), (40, "pause", {"tm_id": "a"}))) == []
    too_early = events((0, "timeout", {"tm_id": "a"}), (6, "pause", {"tm_id": "a"}))
    assert find_matches(PAUSE_THEN_TIMEOUT, too_early) == []  # 6 s earlier is beyond the 5 s default skew
    near = events((3, "pause", {"tm_id": "a"}), (0, "timeout", {"tm_id": "a"}))
    assert len(find_matches(PAUSE_THEN_TIMEOUT, near)) == 1  # 3 s earlier is within the 5 s default skew


def test_maxspan() -> None:
    timeline = events((0, "pause", {"tm_id": "a"}), (400, "timeout", {"tm_id": "a"}))
    assert find_matches(PAUSE_THEN_TIMEOUT, timeline) == []


def test_min_count() -> None:
    rule = cause(Step("expired", min_count=3), Step("fail"), by=())
    two = events((0, "expired", {}), (60, "expired", {}), (120, "fail", {}))
    three = events((0, "expired", {}), (60, "expired", {}), (90, "expired", {}), (120, "fail", {}))
    assert find_matches(rule, two) == []
    assert len(find_matches(rule, three)) == 1


def test_absent_voids_and_until_resets() -> None:
    timeline = events((0, "pause", {"tm_id": "a"}), (20, "killed", {"tm_id": "a"}), (40, "timeout", {"tm_id": "a"}))
    assert find_matches(replace_seq(PAUSE_THEN_TIMEOUT, absent=("killed",)), timeline) == []
    assert find_matches(replace_seq(PAUSE_THEN_TIMEOUT, until=("killed",)), timeline) == []
    other_tm = events((0, "pause", {"tm_id": "a"}), (20, "killed", {"tm_id": "b"}), (40, "timeout", {"tm_id": "a"}))
    assert len(find_matches(replace_seq(PAUSE_THEN_TIMEOUT, absent=("killed",)), other_tm)) == 1


def replace_seq(rule: Cause, **changes: object) -> Cause:
    return replace(rule, sequence=replace(rule.sequence, **changes))  # type: ignore[arg-type]


def test_optional_and_unkeyed_steps() -> None:
    rule = cause(Step("pause"), Step("timeout"), Step("gc_log_says", optional=True), Step("restart", keyed=False))
    timeline = events((0, "pause", {"tm_id": "a"}), (40, "timeout", {"tm_id": "a"}), (41, "restart", {"job_id": "j"}))
    [match] = find_matches(rule, timeline)
    assert [e["kind"] for e in match.events] == ["pause", "timeout", "restart"]


@pytest.mark.parametrize("repeats", [1, 3])
def test_repeats_do_not_overlap(repeats: int) -> None:
    rows = []
    for i in range(repeats):
        rows += [(i * 1000, "pause", {"tm_id": "a"}), (i * 1000 + 30, "timeout", {"tm_id": "a"})]
    assert len(find_matches(PAUSE_THEN_TIMEOUT, events(*rows))) == repeats
