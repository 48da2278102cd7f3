"""From matches to findings: first-fault ranking, explains/supersedes, thin evidence, repeats, thresholds, untimed
findings, versioned remediation and rule status."""

from __future__ import annotations

import datetime as dt

import polars as pl

from logforensics.catalogue.model import (
    Aggregate,
    Catalogue,
    Cause,
    Sequence,
    Status,
    Step,
    Threshold,
)
from logforensics.match.findings import build_findings, flink_version, remediation_for
from logforensics.model import EVENTS_SCHEMA, FindingKind, Remediation, Severity
from tests.match.test_sequence_extensions import untimed

T0 = dt.datetime(2024, 1, 1, 10, 0, tzinfo=dt.UTC)


def events(*rows: tuple[float, str, dict[str, object]]) -> pl.DataFrame:
    data = []
    for line, (seconds, kind, fields) in enumerate(rows, start=1):
        row: dict[str, object] = dict.fromkeys(EVENTS_SCHEMA)
        row.update(ts=T0 + dt.timedelta(seconds=seconds), kind=kind, source="x.log", line=line, text=kind)
        row.update(fields)
        data.append(row)
    return pl.DataFrame(data, schema=EVENTS_SCHEMA)


def rule(
    rule_id: str,
    signal: str,
    kind: FindingKind = FindingKind.ROOT_CAUSE,
    severity: Severity = Severity.HIGH,
    confidence: float = 0.8,
    by: tuple[str, ...] = (),
    **fields: object,
) -> Cause:
    defaults: dict[str, object] = {
        "id": rule_id,
        "title": rule_id,
        "path": f"{rule_id}.toml",
        "status": Status.TEST,
        "kind": kind,
        "category": "memory",
        "failure_type": "system",
        "severity": severity,
        "confidence": confidence,
        "sequence": Sequence(by=by, steps=(Step(signal),), maxspan=dt.timedelta(minutes=10)),
        "summary": "",
        "diagnosis": "",
        "remediation": (Remediation("fix it"),),
        "references": (),
        "tests": (),
    }
    defaults.update(fields)
    return Cause(**defaults)  # type: ignore[arg-type]


def catalogue(*causes: Cause) -> Catalogue:
    return Catalogue(signals={}, causes={c.id: c for c in causes}, version="test")


def ids(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f.id for f in findings]


def test_the_first_fault_heads_the_report() -> None:
    cat = catalogue(
        rule("heap_oom", "oom", severity=Severity.HIGH),
        rule("pod_killed", "killed", severity=Severity.CRITICAL),
    )
    # The heap OOM comes first; the later kill (more severe) is an echo further down.
    timeline = events((0, "oom", {}), (300, "killed", {}))
    assert ids(build_findings(cat, timeline, set())) == ["heap_oom", "pod_killed"]


def test_simultaneous_root_causes_are_ordered_by_severity() -> None:
    cat = catalogue(
        rule("heap_oom", "oom", severity=Severity.HIGH),
        rule("pod_killed", "killed", severity=Severity.CRITICAL),
    )
    timeline = events((0, "oom", {}), (20, "killed", {}))  # within a minute: clocks of hosts differ
    assert ids(build_findings(cat, timeline, set())) == ["pod_killed", "heap_oom"]


def test_symptoms_are_linked_and_ranked_under_their_cause() -> None:
    cat = catalogue(
        rule("pod_killed", "killed", by=("tm_id",), explains=("tm_lost",)),
        rule("tm_lost", "heartbeat", kind=FindingKind.SYMPTOM, severity=Severity.MEDIUM, by=("tm_id",)),
    )
    timeline = events((0, "heartbeat", {"tm_id": "a"}), (5, "killed", {"tm_id": "a"}))
    found = build_findings(cat, timeline, set())
    assert ids(found) == ["pod_killed", "tm_lost"]
    assert found[0].explains == ("tm_lost",) and found[1].explained_by == "pod_killed"
    other_tm = events((0, "heartbeat", {"tm_id": "b"}), (5, "killed", {"tm_id": "a"}))
    assert build_findings(cat, other_tm, set())[1].explained_by is None


def test_a_symptom_long_before_the_cause_is_not_explained_by_it() -> None:
    cat = catalogue(
        rule("pod_killed", "killed", explains=("tm_lost",)),
        rule("tm_lost", "heartbeat", kind=FindingKind.SYMPTOM, severity=Severity.MEDIUM),
    )
    stale = events((0, "heartbeat", {}), (7200, "killed", {}))
    assert build_findings(cat, stale, set())[1].explained_by is None


def test_supersedes_demotes_the_generic_cause() -> None:
    cat = catalogue(
        rule("metaspace_oom", "metaspace", severity=Severity.CRITICAL, supersedes=("fatal_error",)),
        rule("fatal_error", "fatal", severity=Severity.HIGH, confidence=0.55),
    )
    found = build_findings(cat, events((0, "fatal", {}), (0.1, "metaspace", {})), set())
    assert ids(found) == ["metaspace_oom", "fatal_error"]
    assert found[1].explained_by == "metaspace_oom"


def test_too_little_evidence_for_a_root_cause_says_so() -> None:
    cat = catalogue(
        rule("stall", "gap", confidence=0.55, confirm_signal="gc_pause", confirm_with="the GC log"),
        rule("tm_lost", "heartbeat", kind=FindingKind.SYMPTOM, severity=Severity.MEDIUM),
    )
    timeline = events((0, "gap", {}), (1, "heartbeat", {}))
    found = build_findings(cat, timeline, available_signals=set())  # no GC log: 0.55 - 0.2 = 0.35
    assert ids(found) == ["tm_lost", "stall"]
    assert found[1].confidence == 0.35 and found[1].missing == ("the GC log",)
    with_gc_log = build_findings(cat, timeline, available_signals={"gc_pause"})
    assert ids(with_gc_log)[0] == "stall"


def test_repeats_are_one_finding_with_count_and_first_last_seen() -> None:
    cat = catalogue(rule("heap_oom", "oom"))
    [finding] = build_findings(cat, events((0, "oom", {}), (900, "oom", {}), (1800, "oom", {})), set())
    assert finding.count == 3
    assert finding.first_ts == T0 and finding.last_ts == T0 + dt.timedelta(seconds=1800)
    assert finding.evidence[0].ts == T0  # the first fault leads the evidence


def test_threshold_finding_takes_the_level_reached() -> None:
    th = Threshold(
        signals=("fail",),
        by=("task",),
        aggregate=Aggregate.COUNT,
        window=dt.timedelta(minutes=10),
        levels=((Severity.MEDIUM, 3.0), (Severity.HIGH, 5.0)),
    )
    cat = catalogue(rule("loop", "fail", severity=Severity.HIGH, threshold=th, by=("task",)))
    [finding] = build_findings(cat, events(*[(i * 60, "fail", {"task": "Map"}) for i in range(3)]), set())
    assert finding.severity is Severity.MEDIUM
    assert "count of fail reached 3 within 10 min (level medium)" in finding.why


def test_a_lone_trace_gives_a_finding_without_time() -> None:
    cat = catalogue(rule("metaspace_oom", "metaspace"))
    [finding] = build_findings(cat, untimed((2, "metaspace", {})), set())
    assert finding.first_ts is None and finding.last_ts is None
    assert finding.evidence[0].ts is None and finding.evidence[0].line == 2
    assert "without a time" in finding.why


def test_experimental_rules_are_capped_and_deprecated_ones_do_not_run() -> None:
    cat = catalogue(
        rule("new_idea", "oom", confidence=0.9, status=Status.EXPERIMENTAL),
        rule("old_rule", "oom", status=Status.DEPRECATED),
    )
    [finding] = build_findings(cat, events((0, "oom", {})), set())
    assert finding.id == "new_idea" and finding.confidence == 0.5
    assert "experimental rule" in finding.why


def test_remediation_follows_the_flink_version_of_the_logs() -> None:
    cause = rule(
        "rpc",
        "oversized",
        remediation=(Remediation("akka", {"akka.framesize": "x"}), Remediation("pekko", {"pekko.framesize": "x"})),
        remediation_versions=("<1.18", ">=1.18"),
    )
    assert [r.action for r in remediation_for(cause, (1, 15))] == ["akka"]
    assert [r.action for r in remediation_for(cause, (2, 0))] == ["pekko"]
    assert [r.action for r in remediation_for(cause, None)] == ["akka (Flink up to 1.17)", "pekko (Flink 1.18+)"]
    banner = events((0, "flink_version_banner", {"text": "Starting TaskManager (Version: 1.15.4, Scala: 2.12, Rev:3)"}))
    assert flink_version(banner) == (1, 15)
    cat = catalogue(cause)
    timeline = pl.concat([banner, events((10, "oversized", {}))])
    [finding] = build_findings(cat, timeline, set())
    assert [r.action for r in finding.remediation] == ["akka"]


def test_the_closest_compatible_event_corroborates() -> None:
    cat = catalogue(rule("heap_oom", "oom", by=("tm_id",), corroborate=("gc_pause", "metaspace")))
    timeline = events(
        (0, "gc_pause", {"tm_id": "tm-a"}),  # 100 s before the match
        (95, "gc_pause", {"tm_id": "tm-b"}),  # closer, but another TaskManager's
        (100, "oom", {"tm_id": "tm-a"}),
        (130, "gc_pause", {"tm_id": "tm-a"}),  # 30 s after: the closest of tm-a's
        (140, "gc_pause", {}),  # carries no key: compatible, but farther
        (900, "metaspace", {"tm_id": "tm-a"}),  # outside maxspan (10 min) of the match
    )
    [finding] = build_findings(cat, timeline, set())
    assert [e.line for e in finding.evidence] == [3, 4]
    assert finding.confidence == 0.85  # one corroborating signal


def test_a_saved_trace_corroborates_itself_with_its_first_event() -> None:
    cat = catalogue(rule("heap_oom", "oom", corroborate=("gc_pause",)))
    timeline = pl.concat(
        [
            untimed((5, "oom", {}), (9, "gc_pause", {}), (7, "gc_pause", {})),
            untimed((1, "gc_pause", {}), source="other.txt"),
        ]
    )
    [finding] = build_findings(cat, timeline, set())
    assert [(e.source, e.line) for e in finding.evidence] == [("trace.txt", 5), ("trace.txt", 7)]
