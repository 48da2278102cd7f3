"""The catalogue covers the twenty failure stories (../shared/reference/flink-failure-stories.md, tagged S1..S20) and
its links are complete: every root cause accounts for the restarts it causes, every symptom has root causes that
explain it, and a generic cause is only ever demoted by more specific ones."""

from __future__ import annotations

from logforensics.api import load_default_catalogue
from logforensics.catalogue.model import Status
from logforensics.model import FindingKind

CATALOGUE = load_default_catalogue()
CAUSES = CATALOGUE.causes
OWNED_ELSEWHERE = ("gc_",)  # the GC causes are maintained by another session


def test_at_least_thirty_tested_causes() -> None:
    tested = [c for c in CAUSES.values() if c.status in (Status.TEST, Status.STABLE)]
    assert len(tested) >= 30


def test_every_story_has_a_cause() -> None:
    tagged = {tag for cause in CAUSES.values() for tag in cause.tags}
    missing = [f"S{n}" for n in range(1, 21) if f"S{n}" not in tagged]
    assert not missing, f"stories without a cause: {missing}"


def test_every_story_has_a_root_cause_or_is_a_symptom_class() -> None:
    symptom_stories = {"S16", "S18"}  # restart strategy exhausted, cascading network errors: consequences by nature
    rooted = {t for c in CAUSES.values() if c.kind is FindingKind.ROOT_CAUSE for t in c.tags}
    assert {f"S{n}" for n in range(1, 21)} - symptom_stories <= rooted


def test_root_causes_account_for_the_restarts_they_cause() -> None:
    for cause in CAUSES.values():
        if cause.kind is not FindingKind.ROOT_CAUSE or cause.id.startswith(OWNED_ELSEWHERE):
            continue
        linked = set(cause.explains) | set(cause.supersedes)
        assert {"job_restart_loop", "restart_strategy_exhausted"} <= linked, cause.path


def test_every_symptom_is_explained_by_root_causes() -> None:
    for cause in CAUSES.values():
        if cause.kind is not FindingKind.SYMPTOM:
            continue
        explainers = [c.id for c in CAUSES.values() if c.kind is FindingKind.ROOT_CAUSE and cause.id in c.explains]
        assert len(explainers) >= 2, f"{cause.path}: explained by {explainers}"


def test_the_generic_causes_are_superseded_by_the_specific_ones() -> None:
    for generic in ("task_failure_loop", "tm_fatal_error_exit", "slot_allocation_failed", "direct_memory_oom"):
        superseders = [c.id for c in CAUSES.values() if generic in c.supersedes]
        assert superseders, generic
    specific_task_failures = (
        "task_heap_oom",
        "metaspace_oom",
        "direct_memory_oom",
        "network_buffer_shortage",
        "s3_credentials_missing",
        "kafka_broker_version_mismatch",
        "filesystem_plugin_missing",
        "native_thread_exhaustion",
    )
    for cause_id in specific_task_failures:
        assert "task_failure_loop" in CAUSES[cause_id].supersedes, cause_id
