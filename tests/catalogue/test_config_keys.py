"""Every remediation names config keys that exist in the Flink versions it is given for.

A remediation entry applies to the cause's ``applies_to.flink_versions`` narrowed by its own ``flink_versions``; each
key it names must exist across that whole range. Where a key was renamed (``akka.*`` -> ``pekko.*`` in 1.18,
``restart-strategy`` -> ``restart-strategy.type`` in 1.17, ``state.backend.incremental`` ->
``execution.checkpointing.incremental`` in 1.20 ...) a rule carries one entry per version range.

The table below is what the catalogue may name: Flink keys with the minor release that introduced them and the first
one without them (as the recommended spelling; deprecated fallbacks are not counted), from the Flink documentation and
../shared/reference/flink-log-templates.md, flink-failure-stories.md. Keys of other systems that a remediation may name
(YARN's yarn-site.xml, Kafka producer properties, Hadoop S3A options forwarded by the s3 plugin) are listed apart.
"""

from __future__ import annotations

import pytest

from logforensics.api import load_default_catalogue
from logforensics.catalogue.versions import HIGHEST, LOWEST, Version, VersionRange, parse_range

CATALOGUE = load_default_catalogue()
ALL: tuple[Version, Version] = (LOWEST, HIGHEST)


def since(major_minor: str, until: str | None = None) -> tuple[Version, Version]:
    low = tuple(int(x) for x in major_minor.split("."))
    high = tuple(int(x) for x in until.split(".")) if until else HIGHEST
    return (low[0], low[1]), (high[0], high[1])


FLINK_KEYS: dict[str, tuple[Version, Version]] = {
    # RPC: Akka until 1.17, Pekko from 1.18 (FLINK-32468)
    "akka.ask.timeout": since("1.0", "1.18"),
    "akka.framesize": since("1.0", "1.18"),
    "pekko.ask.timeout": since("1.18"),
    "pekko.framesize": since("1.18"),
    "heartbeat.timeout": ALL,
    "heartbeat.interval": ALL,
    "heartbeat.rpc-failure-threshold": since("1.14"),
    "jobmanager.rpc.address": ALL,
    "jobmanager.rpc.port": ALL,
    "jobmanager.bind-host": since("1.11"),
    "taskmanager.bind-host": since("1.11"),
    "taskmanager.registration.timeout": ALL,
    # memory model: TaskManager 1.10 (FLIP-49), JobManager 1.11 (FLIP-116)
    "taskmanager.memory.process.size": since("1.10"),
    "taskmanager.memory.task.heap.size": since("1.10"),
    "taskmanager.memory.task.off-heap.size": since("1.10"),
    "taskmanager.memory.framework.off-heap.size": since("1.10"),
    "taskmanager.memory.managed.fraction": since("1.10"),
    "taskmanager.memory.managed.size": since("1.10"),
    "taskmanager.memory.network.fraction": since("1.10"),
    "taskmanager.memory.network.min": since("1.10"),
    "taskmanager.memory.network.max": since("1.10"),
    "taskmanager.memory.jvm-metaspace.size": since("1.10"),
    "taskmanager.memory.jvm-overhead.fraction": since("1.10"),
    "taskmanager.memory.jvm-overhead.min": since("1.10"),
    "taskmanager.memory.jvm-overhead.max": since("1.10"),
    "jobmanager.memory.heap.size": since("1.11"),
    "jobmanager.heap.size": since("1.0", "1.11"),
    "taskmanager.numberOfTaskSlots": ALL,
    "taskmanager.jvm-exit-on-oom": ALL,
    "env.java.opts.taskmanager": ALL,
    "env.java.opts.jobmanager": ALL,
    "classloader.parent-first-patterns.additional": ALL,
    "classloader.resolve-order": ALL,
    "containerized.taskmanager.env.MALLOC_ARENA_MAX": ALL,  # containerized.taskmanager.env.<VAR>
    # network stack
    "taskmanager.network.memory.buffers-per-channel": since("1.0", "2.0"),
    "taskmanager.network.memory.floating-buffers-per-gate": since("1.0", "2.0"),
    "taskmanager.network.memory.read-buffer.required-per-gate.max": since("1.17"),
    "taskmanager.network.memory.buffer-debloat.enabled": since("1.14"),
    "taskmanager.network.request-backoff.max": ALL,
    # checkpointing: ExecutionCheckpointingOptions since 1.10
    "execution.checkpointing.mode": since("1.10"),
    "execution.checkpointing.timeout": since("1.10"),
    "execution.checkpointing.tolerable-failed-checkpoints": since("1.10"),
    "execution.checkpointing.min-pause": since("1.10"),
    "execution.checkpointing.unaligned": since("1.11", "1.17"),
    "execution.checkpointing.unaligned.enabled": since("1.17"),
    "execution.checkpointing.alignment-timeout": since("1.12", "1.14"),
    "execution.checkpointing.aligned-checkpoint-timeout": since("1.14"),
    "execution.checkpointing.incremental": since("1.20"),
    "execution.checkpointing.dir": since("2.0"),
    "state.checkpoints.dir": since("1.0", "2.0"),
    "state.backend.incremental": since("1.0", "1.20"),
    "state.backend": since("1.0", "1.17"),
    "state.backend.type": since("1.17"),
    "state.backend.rocksdb.localdir": ALL,
    "state.backend.rocksdb.memory.managed": since("1.10"),
    "state.backend.rocksdb.memory.fixed-per-slot": since("1.10"),
    "state.backend.rocksdb.memory.write-buffer-ratio": since("1.10"),
    "state.backend.rocksdb.memory.high-prio-pool-ratio": since("1.10"),
    "io.tmp.dirs": ALL,
    # scheduling and recovery
    "slot.request.timeout": ALL,
    "parallelism.default": ALL,
    "jobmanager.execution.failover-strategy": ALL,
    "jobmanager.adaptive-scheduler.resource-wait-timeout": since("1.13"),
    "restart-strategy": since("1.0", "1.17"),
    "restart-strategy.type": since("1.17"),
    "restart-strategy.failure-rate.max-failures-per-interval": ALL,
    "restart-strategy.exponential-delay.max-backoff": since("1.13"),
    "task.cancellation.timeout": ALL,
    "task.cancellation.interval": ALL,
    "execution.target": since("1.10"),
    # HA
    "high-availability.zookeeper.client.session-timeout": ALL,
    "high-availability.zookeeper.client.connection-timeout": ALL,
    # resource providers
    "kubernetes.container.image": since("1.10"),
    "kubernetes.pod-template-file.taskmanager": since("1.13"),
    "kubernetes.taskmanager.cpu.limit-factor": since("1.15"),
    "resourcemanager.start-worker.max-failure-rate": since("1.13"),
    "resourcemanager.start-worker.retry-interval": since("1.13"),
    "yarn.application.queue": ALL,
    # file systems (flink-s3-fs-* plugins)
    "s3.access-key": ALL,
    "s3.secret-key": ALL,
}
OTHER_SYSTEMS: dict[str, str] = {
    "yarn.nodemanager.vmem-check-enabled": "YARN yarn-site.xml",
    "yarn.nodemanager.vmem-pmem-ratio": "YARN yarn-site.xml",
    "transaction.timeout.ms": "Kafka producer property",
    "retries": "Kafka producer property",
    "fs.s3a.aws.credentials.provider": "Hadoop S3A option, forwarded by flink-s3-fs-hadoop",
}


def _span(rng: VersionRange) -> str:
    return rng.label()


CASES = [
    (cause.id, index)
    for cause in sorted(CATALOGUE.causes.values(), key=lambda c: c.id)
    for index in range(len(cause.remediation))
    if cause.remediation[index].config
]


@pytest.mark.parametrize(("cause_id", "index"), CASES)
def test_remediation_keys_exist_in_the_versions_they_are_given_for(cause_id: str, index: int) -> None:
    cause = CATALOGUE.causes[cause_id]
    applies = parse_range(cause.flink_versions)
    own = parse_range(cause.remediation_versions[index]) if cause.remediation_versions else parse_range("")
    assert applies is not None and own is not None
    rng = applies.intersect(own)
    assert not rng.empty, f"{cause.path}: remediation {index + 1} is for no version the rule applies to"
    for key in cause.remediation[index].config:
        if key in OTHER_SYSTEMS:
            continue
        assert key in FLINK_KEYS, f"{cause.path}: '{key}' is not a known Flink key (typo, or add it to the table)"
        low, high = FLINK_KEYS[key]
        assert low <= rng.low and rng.high <= high, (
            f"{cause.path}: '{key}' does not exist across {_span(rng)} (it exists in "
            f"{VersionRange(low, high).label()}): give the entry a flink_versions range"
        )


def test_every_rule_names_its_versions() -> None:
    missing = [c.path for c in CATALOGUE.causes.values() if not c.flink_versions]
    assert not missing, f"causes without applies_to.flink_versions: {missing}"
