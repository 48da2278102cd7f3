"""The signals catalogue covers every event a diagnosis needs, across Flink 1.10 .. 2.x wording.

Three checks:
1. every topic of ../shared/reference/flink-log-templates.md that the catalogue must recognise has its signals
   (a table topic -> signal ids; each id must exist, benign noise must be marked ``benign``);
2. keys are extracted from real lines of every id format (full pipeline: parse, classify, normalise);
3. each file of the real corpus (../shared/corpus/flink, see its SOURCES.md) yields the events its SOURCES.md row
   says it shows, whatever its layout: log files, saved traces, pasted diagnostics.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import NamedTuple

import pytest

from logforensics.api import analyze, load_default_catalogue

CATALOGUE = load_default_catalogue()
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CORPUS = SHARED / "corpus" / "flink"
NOW = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# --- 1. topics -> signals ---------------------------------------------------------------------------------------------

TOPICS: dict[str, tuple[str, ...]] = {
    "banner: Flink version": ("flink_version_banner",),
    "banner: JVM": ("jvm_banner", "jvm_process_started"),
    "banner: heap": ("tm_max_heap",),
    "banner: JVM options": ("jvm_option_xmx", "jvm_option_max_direct_memory", "jvm_option_max_metaspace"),
    "banner: limits": ("max_open_files", "tmp_dir_space"),
    "memory configuration (TaskManager)": (
        "tm_memory_configuration",
        "tm_memory_total_process",
        "tm_memory_task_heap",
        "tm_memory_task_off_heap",
        "tm_memory_managed",
        "tm_memory_network",
        "tm_memory_metaspace",
        "tm_memory_jvm_overhead",
        "network_buffer_pool_allocated",
    ),
    "memory configuration (JobManager)": (
        "jm_memory_configuration",
        "jm_memory_total_process",
        "jm_memory_heap",
        "jm_memory_metaspace",
    ),
    "TaskExecutorProcessSpec / worker spec": (
        "tm_process_spec_requested",
        "tm_container_started",
        "worker_requested",
        "k8s_tm_pod_created",
    ),
    "slots configured": ("tm_slots_configured",),
    "resource id": ("tm_started", "tm_hostname", "rpc_actor_system_started"),
    "registration": (
        "connecting_to_rm",
        "tm_registered_at_rm",
        "tm_rm_registration_successful",
        "registration_retry",
        "registration_failure",
        "tm_registration_timeout",
        "worker_registered",
        "worker_registration_timeout",
        "worker_start_failure_rate",
        "jm_registered_at_rm",
        "jm_disconnected_from_rm",
    ),
    "slot lifecycle": (
        "slot_request_received",
        "slot_allocated",
        "slot_freed",
        "slot_offer_retry",
        "slot_offer_failed",
        "resource_requirements_unfulfilled",
        "min_resources_not_acquired",
        "no_resource_available",
        "slot_request_timeout",
        "pending_slot_request_timeout",
        "not_enough_slots",
        "slot_request_unfulfillable",
    ),
    "task state transitions": (
        "task_state_changed",
        "task_failed",
        "task_received",
        "task_deploying",
        "task_final_state_reported",
        "task_cancel_requested",
        "task_fail_externally",
    ),
    "job state transitions": (
        "job_state_changed",
        "job_submitted",
        "job_running",
        "job_failing",
        "job_failed",
        "job_restarting",
        "job_canceled",
        "job_suspended",
        "job_terminal_state",
    ),
    "heartbeat timeout, JobManager/ResourceManager side": ("tm_heartbeat_timeout", "tm_connection_closed_by_rm"),
    "heartbeat timeout, TaskManager side": ("jm_heartbeat_timeout_on_tm", "jm_connection_closed_on_tm"),
    "no longer reachable": ("tm_unreachable", "jm_or_rm_unreachable", "heartbeat_target_marked_unreachable"),
    "RPC / Akka / Pekko": (
        "rpc_association_failed",
        "rpc_remote_connection_failed",
        "rpc_message_dropped_address_mismatch",
        "rpc_invocation_timeout",
        "rpc_framesize_exceeded",
        "rpc_oversized_payload",
        "rpc_endpoint_failed",
        "rpc_recipient_unreachable",
        "task_cannot_deploy_rpc_timeout",
    ),
    "connection closed / partition cascades": (
        "remote_tm_connection_lost",
        "remote_tm_error",
        "partition_not_found",
        "partition_request_failed",
        "tm_disconnected_by_jm",
        "rm_connection_closed",
    ),
    "restart strategy / recovery suppressed": (
        "restart_strategy_configured",
        "restart_strategy_none",
        "restart_suppressed",
        "legacy_restart_prevented",
        "adaptive_scheduler_restart",
    ),
    "region / global failover": ("region_failover", "global_failover", "failover_strategy_configured"),
    "checkpoint triggered": ("checkpoint_triggered",),
    "checkpoint completed (duration)": ("checkpoint_completed",),
    "checkpoint declined": ("checkpoint_declined", "checkpoint_discarded", "checkpoint_snapshot_failed"),
    "checkpoint expired": ("checkpoint_expired",),
    "checkpoint aborted": (
        "checkpoint_aborted_tasks_not_running",
        "checkpoint_trigger_failed",
        "checkpoint_barrier_skipped",
        "checkpoint_async_failed",
        "checkpoint_metadata_write_failed",
    ),
    "checkpoint late messages / slow tasks": ("checkpoint_late_message", "checkpoint_sync_phase_slow"),
    "checkpoint tolerable threshold": ("checkpoint_tolerable_exceeded", "checkpoint_failed_consecutive"),
    "savepoints": ("savepoint_triggered", "savepoint_stored", "savepoint_restore_started"),
    "restores": ("checkpoint_restored", "checkpoint_restore_none", "state_restore_failed"),
    "OOM": (
        "heap_oom",
        "direct_oom",
        "direct_oom_cannot_reserve",
        "metaspace_oom_error",
        "compressed_class_space_oom",
        "native_thread_oom",
        "array_size_oom",
        "network_buffer_pool_allocation_failed",
        "serialized_record_too_large",
    ),
    "network buffer shortage": ("network_buffers_insufficient", "network_memory_usage_high"),
    "RocksDB / managed memory / disk": (
        "rocksdb_error",
        "rocksdb_poor_memory_config",
        "rocksdb_shared_cache",
        "managed_memory_exhausted",
        "disk_full",
        "too_many_open_files",
    ),
    "container / pod termination": (
        "worker_terminated",
        "yarn_pmem_exceeded",
        "yarn_vmem_exceeded",
        "k8s_oomkilled",
        "yarn_container_marked_failed",
        "yarn_container_launch_failed",
        "yarn_container_lost_node",
        "yarn_container_preempted",
        "yarn_disks_failed",
        "pod_terminated_before_scheduled",
    ),
    "exit codes and their meaning": (
        "container_exit_code",
        "container_exit_sigkill",
        "container_exit_sigterm",
        "container_exit_flink_fatal",
        "container_exit_command_error",
        "tm_runner_exit",
        "cluster_entrypoint_exit",
    ),
    "cancellation watchdog": ("task_cancellation_watchdog", "task_cancellation_timeout"),
    "fatal errors / JVM shutdown": (
        "tm_fatal_error",
        "task_fatal_jvm_halt",
        "task_fatal_exception",
        "fatal_uncaught_exception",
        "tm_init_failed",
        "tm_stopping",
        "tm_shutdown_timeout",
        "shutdown_hook_error",
        "user_code_system_exit",
        "sigterm_received",
        "cluster_entrypoint_fatal_error",
        "cluster_shutdown",
    ),
    "ZooKeeper / HA leadership": (
        "zk_connection_suspended",
        "zk_connection_lost",
        "zk_reconnected",
        "zk_session_timeout",
        "zk_curator_state_change",
        "leadership_revoked",
        "leadership_granted",
        "jm_leadership_lost_on_tm",
        "tm_disconnected_from_jm",
        "k8s_leader_elected",
        "jm_no_longer_leader",
    ),
}

BENIGN: tuple[str, ...] = (
    "ask_timeout_benign",
    "rm_not_connected_yet",
    "rpc_association_failed",
    "rpc_remote_connection_failed",
    "rpc_recipient_unreachable",
    "task_cancel_task_exception",
    "buffer_pool_destroyed",
    "rejected_execution_benign",
    "cancellation_exception_benign",
    "execution_suspended_benign",
    "jm_shutting_down_benign",
    "exception_handler_exception_benign",
    "heap_dump_option_benign",
    "kafka_retriable_benign",
    "interrupted_exception_benign",
    "jm_address_probe_failed",
)


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_every_template_topic_has_signals(topic: str) -> None:
    missing = [s for s in TOPICS[topic] if s not in CATALOGUE.signals]
    assert not missing, f"{topic}: no signal {', '.join(missing)}"


def test_benign_noise_is_marked_benign() -> None:
    missing = [s for s in BENIGN if s not in CATALOGUE.signals]
    assert not missing, f"no signal {', '.join(missing)}"
    not_benign = [s for s in BENIGN if not CATALOGUE.signals[s].benign]
    assert not not_benign, f"not marked benign = true: {', '.join(not_benign)}"


def test_causes_do_not_rest_on_benign_signals_alone() -> None:
    for cause in CATALOGUE.causes.values():
        required = [s.signal for s in cause.sequence.steps if not s.optional]
        assert not all(CATALOGUE.signals[s].benign for s in required), f"{cause.path}: only benign steps"


# --- 2. keys from every id format, through the whole pipeline -----------------------------------------------------


class KeyCase(NamedTuple):
    name: str
    log: str
    kind: str
    keys: dict[str, str]


_JM = "2022-01-25 22:57:35,731 INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - "
_RM = "2022-05-19 17:46:40,261 WARN  org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager [] - "
_TASK = "2023-05-02 09:12:00,001 WARN  org.apache.flink.runtime.taskmanager.Task                    [] - "

KEY_CASES = [
    KeyCase(
        "yarn container with (host:port) metadata",
        _JM + "hoodie_stream_write (1/2) (bf4bf8d733e875e93ee686e3d09c973f) switched from RUNNING to FAILED on "
        "container_1642990216503_0004_01_000012 @ bdnode102.hjq.com (dataPort=40090).\n"
        "java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id "
        "container_1642990216503_0004_01_000012(bdnode102.hjq.com:46324) timed out.",
        "tm_heartbeat_timeout",
        {"tm_id": "container_1642990216503_0004_01_000012", "container_id": "container_1642990216503_0004_01_000012"},
    ),
    KeyCase(
        "JobManager task failure names the TaskManager and host",
        _JM + "hoodie_stream_write (1/2) (bf4bf8d733e875e93ee686e3d09c973f) switched from RUNNING to FAILED on "
        "container_1642990216503_0004_01_000012 @ bdnode102.hjq.com (dataPort=40090).",
        "task_failed",
        {
            "tm_id": "container_1642990216503_0004_01_000012",
            "host": "bdnode102.hjq.com",
            "task": "hoodie_stream_write",
            "subtask": "1",
            "from_state": "RUNNING",
            "to_state": "FAILED",
        },
    ),
    KeyCase(
        "TaskManager task name with #attempt (1.12+)",
        _TASK + "Sink: jdbc (1/2)#3 (d5f95564f73a98ae321dd9c13d7a2ff5_cbc357ccb763df2852fee8c4fc7d55f2_0_3) "
        "switched from RUNNING to FAILED with failure cause:\njava.sql.SQLException: connection reset",
        "task_failed",
        {"task": "Sink: jdbc", "subtask": "1", "attempt": "3", "to_state": "FAILED"},
    ),
    KeyCase(
        "standalone host:port-6hex resource id",
        "2023-03-14 10:13:02,118 INFO  org.apache.flink.runtime.jobmaster.JobMaster                 [] - "
        "Heartbeat of TaskManager with id 10.0.3.17:35211-8c1f0e timed out.",
        "tm_heartbeat_timeout",
        {"tm_id": "10.0.3.17:35211-8c1f0e"},
    ),
    KeyCase(
        "1.10-1.11 32-hex resource id (RM side, two spaces)",
        "2020-04-01 10:00:00,123 INFO  org.apache.flink.runtime.resourcemanager.StandaloneResourceManager  - "
        "Closing TaskExecutor connection 5f3f4e8a3a4c0d9f5c2a8b1e7d6c4b3a because: The heartbeat of TaskManager "
        "with id 5f3f4e8a3a4c0d9f5c2a8b1e7d6c4b3a  timed out.",
        "tm_heartbeat_timeout",
        {"tm_id": "5f3f4e8a3a4c0d9f5c2a8b1e7d6c4b3a"},
    ),
    KeyCase(
        "Kubernetes pod: OOMKilled with exit code",
        _RM + "Worker flink-4760-1652949469041-taskmanager-1-3 is terminated. Diagnostics: Pod terminated, container "
        "termination statuses: [flink-task-manager(exitCode=137, reason=OOMKilled, message=null)], pod status: "
        "Failed(reason=null, message=null)",
        "container_exit_code",
        {
            "tm_id": "flink-4760-1652949469041-taskmanager-1-3",
            "pod": "flink-4760-1652949469041-taskmanager-1-3",
            "exit_code": "137",
        },
    ),
    KeyCase(
        "YARN container launch exit code 239 (multi-line diagnostics)",
        "2022-01-25 22:57:39,806 INFO  org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager [] - "
        "Worker container_1642990216503_0004_01_000012 is terminated. Diagnostics: Exception from container-launch.\n"
        "Container id: container_1642990216503_0004_01_000012\nExit code: 239\n"
        "Stack trace: ExitCodeException exitCode=239: ",
        "container_exit_flink_fatal",
        {"tm_id": "container_1642990216503_0004_01_000012", "exit_code": "239"},
    ),
    KeyCase(
        "checkpoint ids and job id, duration as value",
        "2022-05-27 16:13:00,000 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - "
        "Completed checkpoint 7 for job 1dd034557a79ca16f8b692f44cbcf5b2 (1578642 bytes, checkpointDuration=591 ms, "
        "finalizationTime=3 ms).",
        "checkpoint_completed",
        {"checkpoint_id": "7", "job_id": "1dd034557a79ca16f8b692f44cbcf5b2"},
    ),
    KeyCase(
        "job name and states",
        _JM + "Job Streaming WordCount (f69c1ca4892ecbc08d4247ded254f467) switched from state RUNNING to RESTARTING.",
        "job_restarting",
        {
            "job_name": "Streaming WordCount",
            "job_id": "f69c1ca4892ecbc08d4247ded254f467",
            "from_state": "RUNNING",
            "to_state": "RESTARTING",
        },
    ),
    KeyCase(
        "1.17+ shuffle error names the remote TaskManager",
        _TASK + "Map (2/4)#1 (9b8a7c6d5e4f30211a2b3c4d5e6f7081) switched from RUNNING to FAILED with failure cause:\n"
        "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException: Connection unexpectedly "
        "closed by remote task manager 'worker-3.example.com/10.0.3.17:40090 [ 10.0.3.17:35211-8c1f0e ] '. This "
        "might indicate that the remote task manager was lost.",
        "remote_tm_connection_lost",
        {"tm_id": "10.0.3.17:35211-8c1f0e", "host": "worker-3.example.com/10.0.3.17:40090"},
    ),
    KeyCase(
        "RM registration: resource id and host",
        "2022-05-26 14:14:27,927 INFO  org.apache.flink.runtime.resourcemanager.StandaloneResourceManager [] - "
        "Registering TaskManager with ResourceID 10.136.100.48:35016-a4d337 "
        "(akka.tcp://flink@10.136.100.48:35016/user/rpc/taskmanager_0) at ResourceManager",
        "tm_registered_at_rm",
        {"tm_id": "10.136.100.48:35016-a4d337", "host": "10.136.100.48"},
    ),
]


@pytest.mark.parametrize("case", KEY_CASES, ids=[c.name for c in KEY_CASES])
def test_keys_are_extracted(case: KeyCase, tmp_path: Path) -> None:
    path = tmp_path / "jobmanager.log"
    path.write_text(case.log + "\n", encoding="utf-8")
    events = analyze([path], catalogue=CATALOGUE, now=NOW).events
    rows = events.filter(events["kind"] == case.kind).to_dicts()
    assert rows, f"no {case.kind} event; kinds: {sorted(set(events['kind'].to_list()))}"
    got = {k: rows[0][k] for k in case.keys}
    assert got == case.keys


# --- 3. the real corpus -----------------------------------------------------------------------------------------------


class CorpusCase(NamedTuple):
    file: str
    kinds: tuple[str, ...]
    """True: the file (or this part of it) uses a layout the parser does not read yet."""


CORPUS_CASES = [
    CorpusCase(
        "flink-2.0.0_docker-session_taskexecutor_startup-register-run.log",
        (
            "flink_version_banner",
            "jvm_banner",
            "tm_max_heap",
            "jvm_option_xmx",
            "jvm_option_max_direct_memory",
            "jvm_option_max_metaspace",
            "jvm_process_started",
            "tm_memory_configuration",
            "tm_memory_total_process",
            "tm_memory_task_heap",
            "tm_memory_managed",
            "tm_memory_network",
            "tm_memory_metaspace",
            "tm_slots_configured",
            "max_open_files",
            "jm_address_probe_failed",
            "rpc_actor_system_started",
            "tm_started",
            "network_buffer_pool_allocated",
            "connecting_to_rm",
            "tm_rm_registration_successful",
            "slot_request_received",
            "slot_allocated",
            "task_received",
            "task_state_changed",
        ),
    ),
    CorpusCase(
        "flink-1.14.4_standalone_jobmanager_session-start-and-finished-job.log",
        (
            "leadership_granted",
            "tm_registered_at_rm",
            "job_submitted",
            "restart_strategy_configured",
            "restart_strategy_none",
            "checkpoint_restore_none",
            "failover_strategy_configured",
            "connecting_to_rm",
            "jm_registered_at_rm",
            "job_running",
            "job_state_changed",
            "task_deploying",
            "task_state_changed",
            "job_terminal_state",
            "rm_connection_closed",
            "jm_disconnected_from_rm",
        ),
    ),
    CorpusCase(
        "flink-1.14.4_standalone_taskexecutor_startup-fragments.log",
        (
            "flink_version_banner",
            "connecting_to_rm",
            "tm_rm_registration_successful",
            "slot_request_received",
            "slot_allocated",
        ),
    ),
    CorpusCase(  # the BashJavaUtils memory table before the first timestamped line
        "flink-1.14.4_standalone_taskexecutor_startup-fragments.log",
        (
            "tm_memory_configuration",
            "tm_memory_total_process",
            "tm_memory_task_heap",
            "tm_memory_managed",
            "tm_memory_network",
            "tm_memory_metaspace",
        ),
    ),
    CorpusCase(
        "flink-1.17.2_k8s-operator_jobmanager_task-failed-s3-no-credentials.log",
        ("task_failed", "task_state_changed"),
    ),
    CorpusCase(
        "flink-1.9-local_log4j1_task-failed-kafka-unsupported-version.log",
        ("task_failed", "task_state_changed", "task_final_state_reported"),
    ),
    CorpusCase(
        "flink-1.13_yarn-session_job-exception_heartbeat-timeout_failure-rate-exhausted.txt",
        ("restart_suppressed", "tm_heartbeat_timeout"),
    ),
    CorpusCase(
        "flink-1.12.1_yarn_jobmanager_worker-terminated-pmem-exceeded.log",
        ("worker_terminated", "yarn_pmem_exceeded"),
    ),
    CorpusCase(
        "flink-yarn_nodemanager-diagnostics_vmem-exceeded_exit-143.txt",
        (
            "yarn_vmem_exceeded",
            "yarn_container_marked_failed",
            "container_exit_code",
            "container_exit_sigterm",
        ),
    ),
    CorpusCase(
        "flink-1.11.2_yarn_jobmanager_checkpoint-expired_tolerable-threshold.log",
        ("checkpoint_triggered", "checkpoint_expired", "global_failover", "checkpoint_tolerable_exceeded"),
    ),
    CorpusCase(
        "flink-1.9_jobmanager_checkpoint-declined-task-not-ready_job-failing.log",
        ("checkpoint_triggered", "checkpoint_declined", "checkpoint_discarded", "job_failing", "job_state_changed"),
    ),
    CorpusCase(
        "flink-1.19plus_pekko_job-exception_heartbeat-timeout-standalone-docker.txt",
        ("tm_heartbeat_timeout",),
    ),
    CorpusCase(
        "flink-1.12_akka-endpointwriter-dropping-message_heartbeat-timeout.txt",
        ("rpc_message_dropped_address_mismatch", "tm_heartbeat_timeout"),
    ),
    CorpusCase(
        "flink-metaspace-oom_enriched-message_session-cluster.txt",
        ("metaspace_oom_error",),
    ),
    CorpusCase(
        "flink-insufficient-network-buffers.txt",
        ("network_buffers_insufficient",),
    ),
    CorpusCase(
        "flink-networkbufferpool-direct-oom-at-startup.txt",
        ("direct_oom", "network_buffer_pool_allocation_failed"),
    ),
    CorpusCase(
        "flink-1.12_yarn_taskmanager_akka-disassociated-jm-side-clean.log",
        ("rpc_association_failed", "checkpoint_triggered", "checkpoint_completed"),
    ),
    CorpusCase(
        "flink-1.14-dev_minicluster_noresourceavailable_custom-layout.log",
        ("resource_requirements_unfulfilled", "task_failed", "task_state_changed", "no_resource_available"),
    ),
    CorpusCase(
        "flink-1.14.4_jobmanager_job-restarting-interleaved.log",
        ("task_state_changed", "job_restarting", "job_state_changed"),
    ),
    CorpusCase(
        "flink-1.15.2_k8s_cannot-deploy-task-rpc-timeout.txt",
        ("task_cannot_deploy_rpc_timeout", "rpc_invocation_timeout"),
    ),
    CorpusCase(
        "flink-1.13plus_k8s-native_jobmanager_worker-oomkilled-137.log",
        (
            "rpc_association_failed",
            "worker_terminated",
            "k8s_oomkilled",
            "tm_connection_closed_by_rm",
            "container_exit_code",
            "container_exit_sigkill",
        ),
    ),
    CorpusCase(
        "flink-k8s-native_job-exception_heartbeat-timeout_pod-exitcode-127.txt",
        ("tm_heartbeat_timeout", "container_exit_code", "container_exit_command_error"),
    ),
]


def test_the_corpus_table_names_every_signal_it_expects() -> None:
    unknown = sorted({k for case in CORPUS_CASES for k in case.kinds} - set(CATALOGUE.signals))
    assert not unknown, f"corpus expectations name unknown signals: {', '.join(unknown)}"


@pytest.mark.parametrize(
    "case",
    CORPUS_CASES,
    ids=[c.file for c in CORPUS_CASES],
)
def test_corpus_file_shows_its_events(case: CorpusCase) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({CORPUS})")
    path = CORPUS / case.file
    if not path.is_file():
        pytest.skip(f"{case.file} is not in the corpus")
    analysis = analyze([path], catalogue=CATALOGUE, now=NOW)
    found = set(analysis.events["kind"].to_list())
    missing = sorted(set(case.kinds) - found)
    assert not missing, f"{case.file}: missing {', '.join(missing)}; found {', '.join(sorted(found))}"
