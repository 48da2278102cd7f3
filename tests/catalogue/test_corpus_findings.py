"""On every file of the real corpus (../shared/corpus/flink, described in its SOURCES.md), the top finding is the cause
its row describes; on the healthy ones nothing is above ``low``.

Several files are saved exception traces or pasted text without timestamps: their rules match in line order (see
match/sequence.py), and the finding has no time. Where a file shows only consequences (a heartbeat timeout with no
trace of why, a restart), the expected top finding is that symptom: the report then says that no root cause could be
established instead of guessing one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest

from logforensics.api import analyze, load_default_catalogue
from logforensics.model import FindingKind, Severity

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "flink"
CATALOGUE = load_default_catalogue()
NOW = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


class Expected(NamedTuple):
    file: str
    top: str | None
    """The top finding's cause id; None for a healthy log (nothing above low)."""
    reason: str


TABLE = [
    Expected(
        "flink-1.11.2_yarn_jobmanager_checkpoint-expired_tolerable-threshold.log",
        "checkpoint_expiry_tolerable_threshold",
        "S7: checkpoint 17 expires after the 3 min timeout, 'Exceeded checkpoint tolerable failure threshold' fails over",
    ),
    Expected(
        "flink-1.12.1_yarn_jobmanager_worker-terminated-pmem-exceeded.log",
        "yarn_container_pmem_killed",
        "S2: 'Worker ... is terminated. Diagnostics: ... running beyond physical memory limits' (4.0 GB of 4 GB)",
    ),
    Expected(
        "flink-1.12_akka-endpointwriter-dropping-message_heartbeat-timeout.txt",
        "rpc_address_mismatch",
        "S14 variant: 'dropping message ... for non-local recipient ... inbound addresses are [...@localhost:6123]' "
        "explains the heartbeat timeout that follows (pasted, no timestamps)",
    ),
    Expected(
        "flink-1.12_yarn_taskmanager_akka-disassociated-jm-side-clean.log",
        "rpc_peer_lost",
        "the TaskManager's association to the JobManager (6123) is Disassociated while the JobManager shows normal "
        "checkpoints: a lost RPC peer, no root cause in these lines",
    ),
    Expected(
        "flink-1.13_yarn-session_job-exception_heartbeat-timeout_failure-rate-exhausted.txt",
        "tm_lost_heartbeat",
        "S16 marker 'Recovery is suppressed by FailureRateRestartBackoffTimeStrategy' caused by a heartbeat timeout: "
        "the heartbeat loss heads the chain; why the TaskManager went silent is not in the file",
    ),
    Expected(
        "flink-1.13plus_k8s-native_jobmanager_worker-oomkilled-137.log",
        "k8s_pod_oomkilled",
        "S3: 'container termination statuses: [flink-task-manager(exitCode=137, reason=OOMKilled ...)]'",
    ),
    Expected(
        "flink-1.14-dev_minicluster_noresourceavailable_custom-layout.log",
        "insufficient_slots",
        "S11: 'Could not fulfill resource requirements ... Free slots: 0' then NoResourceAvailableException, no "
        "TaskManager lost before: the cluster never had the resources",
    ),
    Expected(
        "flink-1.14.4_jobmanager_job-restarting-interleaved.log",
        "job_restart_loop",
        "robustness sample: a restart with out-of-order timestamps and no failure cause in the excerpt",
    ),
    Expected(
        "flink-1.14.4_standalone_jobmanager_session-start-and-finished-job.log",
        None,
        "healthy JobManager: session start, one job runs to FINISHED",
    ),
    Expected(
        "flink-1.14.4_standalone_taskexecutor_startup-fragments.log",
        None,
        "healthy TaskManager startup fragments: memory table, registration, slot request",
    ),
    Expected(
        "flink-1.15.2_k8s_cannot-deploy-task-rpc-timeout.txt",
        "task_deploy_rpc_timeout",
        "S15: 'Cannot deploy task ... not responding after a rpcTimeout of 10000 ms' (saved trace)",
    ),
    Expected(
        "flink-1.17.2_k8s-operator_jobmanager_task-failed-s3-no-credentials.log",
        "s3_credentials_missing",
        "S17: the 36th attempt fails with NoAuthWithAWSException (S3 plugin without credentials)",
    ),
    Expected(
        "flink-1.19plus_pekko_job-exception_heartbeat-timeout-standalone-docker.txt",
        "tm_lost_heartbeat",
        "S1 consequence only: a Pekko-era heartbeat timeout trace, nothing about why the TaskManager stalled",
    ),
    Expected(
        "flink-1.9-local_log4j1_task-failed-kafka-unsupported-version.log",
        "kafka_broker_version_mismatch",
        "S17: 'UnsupportedVersionException: Cannot create a v0 FindCoordinator request' (time-only layout)",
    ),
    Expected(
        "flink-1.9_jobmanager_checkpoint-declined-task-not-ready_job-failing.log",
        "checkpoint_declined_job_failure",
        "S8: 'Decline checkpoint 66' (CheckpointDeclineTaskNotReadyException) and the job switches to FAILING",
    ),
    Expected(
        "flink-2.0.0_docker-session_taskexecutor_startup-register-run.log",
        None,
        "healthy 2.0 TaskManager: startup, benign connection refused before the JobManager is up, tasks RUNNING",
    ),
    Expected(
        "flink-insufficient-network-buffers.txt",
        "network_buffer_shortage",
        "S10: 'Insufficient number of network buffers: required 17, but only 16 available' (pasted job output)",
    ),
    Expected(
        "flink-k8s-native_job-exception_heartbeat-timeout_pod-exitcode-127.txt",
        "tm_container_start_failure",
        "S11/S3: heartbeat timeout of taskmanager-1-22 and replacement pods exiting with exitCode=127 (command not "
        "found): the TaskManagers cannot come back",
    ),
    Expected(
        "flink-metaspace-oom_enriched-message_session-cluster.txt",
        "metaspace_oom",
        "S5: the enriched 'OutOfMemoryError: Metaspace' text after several submissions (saved trace)",
    ),
    Expected(
        "flink-networkbufferpool-direct-oom-at-startup.txt",
        "network_pool_direct_memory_oom",
        "S4 variant: 'Could not allocate enough memory segments for NetworkBufferPool ... Cause: Direct buffer memory'",
    ),
    Expected(
        "flink-yarn_nodemanager-diagnostics_vmem-exceeded_exit-143.txt",
        "yarn_container_vmem_killed",
        "S2 vmem: 'marked as failed. Exit code:-103' and 'running beyond virtual memory limits' (39.9 GB of 12.6 GB)",
    ),
]


def test_the_table_names_known_causes() -> None:
    unknown = [row.top for row in TABLE if row.top is not None and row.top not in CATALOGUE.causes]
    assert not unknown


def test_the_table_covers_every_corpus_file() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "SOURCES.md"}
    assert files == {row.file for row in TABLE}


@pytest.mark.parametrize("row", TABLE, ids=[row.file for row in TABLE])
def test_top_finding_per_corpus_file(row: Expected) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    path = CORPUS / row.file
    if not path.is_file():
        pytest.skip(f"{row.file} is not in the corpus")
    findings = analyze([path], catalogue=CATALOGUE, now=NOW).findings
    summary = [(f.id, f.severity.value, f.explained_by) for f in findings]
    if row.top is None:
        assert all(f.severity.rank <= Severity.LOW.rank for f in findings), f"healthy log ({row.reason}): {summary}"
        return
    assert findings, f"no finding; expected {row.top} ({row.reason})"
    top = findings[0]
    assert top.id == row.top, f"{row.reason}: {summary}"
    assert top.explained_by is None
    if CATALOGUE.causes[row.top].kind is FindingKind.ROOT_CAUSE:
        assert top.evidence and top.remediation
    else:
        # Only consequences: the first finding is not a root cause, so the report says none could be established.
        assert all(f.kind is not FindingKind.ROOT_CAUSE for f in findings), summary
