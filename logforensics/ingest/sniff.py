"""Decide what a file is from its first lines, and only then from its name.

Flink logs are recognised by their header lines (timestamp + level) and told apart by the loggers they carry: a
TaskManager logs under ``runtime.taskexecutor`` and ``runtime.taskmanager``, a JobManager under ``jobmaster``,
``dispatcher``, ``resourcemanager``, ``executiongraph``, ``entrypoint``. GC logs are recognised by the GC parser's
sniffer. The file name breaks ties (``taskmanager.log``, ``flink-<user>-taskexecutor-<n>-<host>.log``...).
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from logforensics.model import SourceKind
from logforensics.parsers.flink import sniff_layout
from logforensics.parsers.gc import sniff_gc

_TM_LOGGERS = regex.compile(
    r"org\.apache\.flink\.(?:runtime\.(?:taskexecutor|taskmanager|io\.network)|yarn\.YarnTaskExecutorRunner"
    r"|kubernetes\.taskmanager)|Starting TaskManager|TaskExecutor runner"
)
_JM_LOGGERS = regex.compile(
    r"org\.apache\.flink\.runtime\.(?:jobmaster|dispatcher|resourcemanager|executiongraph|entrypoint|checkpoint\.Checkpoint"
    r"Coordinator|scheduler)|ClusterEntrypoint|ClusterEntryPoint"
)
_TM_NAMES = regex.compile(r"taskmanager|taskexecutor|task-manager", regex.IGNORECASE)
_JM_NAMES = regex.compile(
    r"jobmanager|standalonesession|standalonejob|kubernetes-session|kubernetes-application|job-manager",
    regex.IGNORECASE,
)
_STDOUT_NAMES = regex.compile(r"\.(?:out|err)(?:\.\d+)?(?:\.gz)?$|stdout|stderr", regex.IGNORECASE)


@dataclass(frozen=True)
class Sniffed:
    kind: SourceKind
    layout: str | None
    reason: str | None = None
    """Why the file is not analysed, when kind is UNKNOWN."""


def looks_binary(head: bytes) -> bool:
    if not head:
        return False
    sample = head[:8192]
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    printable = sum(1 for b in sample if b >= 32 or b in (9, 10, 13))
    text = sample.decode("utf-8", errors="replace")
    return printable < len(sample) * 0.85 or text.count("\ufffd") > len(text) * 0.1


def sniff(name: str, head_bytes: bytes) -> Sniffed:
    if not head_bytes:
        return Sniffed(SourceKind.UNKNOWN, None, "empty file")
    if looks_binary(head_bytes):
        return Sniffed(SourceKind.UNKNOWN, None, "binary content, not a text log")
    head = head_bytes.decode("utf-8", errors="replace")
    gc_layout = sniff_gc(head)
    layout = sniff_layout(head)
    if layout is not None and gc_layout is None:
        return Sniffed(_flink_role(name, head), layout)
    if gc_layout is not None:
        return Sniffed(SourceKind.GC_LOG, gc_layout)
    if _STDOUT_NAMES.search(name):
        return Sniffed(SourceKind.STDOUT, "plain")
    return Sniffed(SourceKind.UNKNOWN, None, "no known log layout in the first lines (not a Flink, GC or stdout log)")


def _flink_role(name: str, head: str) -> SourceKind:
    tm = len(_TM_LOGGERS.findall(head))
    jm = len(_JM_LOGGERS.findall(head))
    base = name.rsplit("/", 1)[-1]
    if tm > 2 * jm:
        return SourceKind.FLINK_TASKMANAGER
    if jm > 2 * tm:
        return SourceKind.FLINK_JOBMANAGER
    if _TM_NAMES.search(base):
        return SourceKind.FLINK_TASKMANAGER
    if _JM_NAMES.search(base):
        return SourceKind.FLINK_JOBMANAGER
    if tm > jm:
        return SourceKind.FLINK_TASKMANAGER
    if jm > tm:
        return SourceKind.FLINK_JOBMANAGER
    return SourceKind.FLINK_LOG
