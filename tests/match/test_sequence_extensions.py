"""The sequence format's extensions: key aliases across sources, alternative signals in a step, absent windows,
``until``, one match per entity, and lone traces (events without a time) matched in line order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from logforensics.catalogue.model import AbsentWindow, Step
from logforensics.match.sequence import find_matches
from logforensics.model import EVENTS_SCHEMA
from tests.match.test_sequence import PAUSE_THEN_TIMEOUT, cause, events, replace_seq


def untimed(*rows: tuple[int, str, dict[str, str]], source: str = "trace.txt") -> pl.DataFrame:
    """Events without a time, at the given line numbers."""
    data = []
    for line, kind, keys in rows:
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(ts=None, kind=kind, source=source, line=line, text=kind, **keys)
        data.append(row)
    return pl.DataFrame(data, schema=EVENTS_SCHEMA)


def test_aliases_join_a_key_across_columns() -> None:
    rule = cause(Step("killed"), Step("timeout"), by=("tm_id",), aliases=(("tm_id", ("tm_id", "container_id")),))
    timeline = events((0, "killed", {"container_id": "container_01"}), (30, "timeout", {"tm_id": "container_01"}))
    [match] = find_matches(rule, timeline)
    assert match.keys == {"tm_id": "container_01"}
    other = events((0, "killed", {"container_id": "container_01"}), (30, "timeout", {"tm_id": "container_02"}))
    assert find_matches(rule, other) == []
    strict = cause(Step("killed"), Step("timeout"), by=("tm_id",))
    assert len(find_matches(strict, other)) == 1  # without aliases the container id is not the key at all


def test_a_step_accepts_alternative_signals() -> None:
    rule = cause(Step("suspended", any_of=("lost",)), Step("revoked"), by=())
    assert len(find_matches(rule, events((0, "lost", {}), (10, "revoked", {})))) == 1
    assert len(find_matches(rule, events((0, "suspended", {}), (10, "revoked", {})))) == 1
    assert find_matches(rule, events((0, "reconnected", {}), (10, "revoked", {}))) == []


def test_absent_window_looks_before_the_match() -> None:
    no_loss_before = replace_seq(
        cause(Step("no_slots"), by=()),
        absent_windows=(AbsentWindow("tm_lost", before=dt.timedelta(minutes=30), keyed=False),),
    )
    assert len(find_matches(no_loss_before, events((0, "no_slots", {})))) == 1
    after_loss = events((0, "tm_lost", {"tm_id": "a"}), (600, "no_slots", {}))
    assert find_matches(no_loss_before, after_loss) == []
    long_after = events((0, "tm_lost", {"tm_id": "a"}), (3600, "no_slots", {}))
    assert len(find_matches(no_loss_before, long_after)) == 1


def test_absent_window_after_the_match_and_keyed() -> None:
    rule = replace_seq(PAUSE_THEN_TIMEOUT, absent_windows=(AbsentWindow("recovered", after=dt.timedelta(seconds=60)),))
    timeline = events((0, "pause", {"tm_id": "a"}), (30, "timeout", {"tm_id": "a"}), (80, "recovered", {"tm_id": "a"}))
    assert find_matches(rule, timeline) == []
    other_tm = events((0, "pause", {"tm_id": "a"}), (30, "timeout", {"tm_id": "a"}), (80, "recovered", {"tm_id": "b"}))
    assert len(find_matches(rule, other_tm)) == 1


def test_until_resets_a_partial_match() -> None:
    rule = replace_seq(cause(Step("suspended"), Step("revoked"), by=()), until=("reconnected",))
    blip = events((0, "suspended", {}), (2, "reconnected", {}), (20, "revoked", {}))
    assert find_matches(rule, blip) == []
    real = events((0, "suspended", {}), (20, "revoked", {}), (30, "reconnected", {}))
    assert len(find_matches(rule, real)) == 1


def test_one_match_per_entity_within_the_span() -> None:
    two_tms = events(
        (0, "pause", {"tm_id": "a"}),
        (1, "pause", {"tm_id": "b"}),
        (30, "timeout", {"tm_id": "a"}),
        (31, "timeout", {"tm_id": "b"}),
    )
    matches = find_matches(PAUSE_THEN_TIMEOUT, two_tms)
    assert sorted(m.keys["tm_id"] for m in matches) == ["a", "b"]
    echoes = events((0, "pause", {"tm_id": "a"}), (30, "timeout", {"tm_id": "a"}), (40, "timeout", {"tm_id": "a"}))
    assert len(find_matches(cause(Step("timeout")), echoes)) == 1


def test_a_lone_trace_matches_in_line_order() -> None:
    rule = cause(Step("dropped"), Step("timeout", optional=True), by=())
    [match] = find_matches(rule, untimed((1, "dropped", {}), (3, "timeout", {"tm_id": "x"})))
    assert match.untimed
    assert [e["kind"] for e in match.events] == ["dropped", "timeout"]
    ordered = cause(Step("dropped"), Step("timeout"), by=())
    assert find_matches(ordered, untimed((1, "timeout", {}), (3, "dropped", {}))) == []


def test_untimed_events_of_different_sources_do_not_combine() -> None:
    rule = cause(Step("dropped"), Step("timeout"), by=())
    split = pl.concat([untimed((1, "dropped", {}), source="a.txt"), untimed((1, "timeout", {}), source="b.txt")])
    assert find_matches(rule, split) == []


def test_timed_matches_take_precedence_over_untimed_ones() -> None:
    rule = cause(Step("oom"), by=())
    timeline = pl.concat([events((0, "oom", {})), untimed((5, "oom", {}), source="taskmanager.out")])
    [match] = find_matches(rule, timeline)
    assert not match.untimed
    assert [m.untimed for m in find_matches(rule, untimed((5, "oom", {})))] == [True]
