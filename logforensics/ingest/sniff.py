"""Decide what a file is from its first lines, and only then from its name.

Flink logs are recognised by their header lines (timestamp + level) and told apart by the loggers they carry: a
TaskManager logs under ``runtime.taskexecutor`` and ``runtime.taskmanager``, a JobManager under ``jobmaster``,
``dispatcher``, ``resourcemanager``, ``executiongraph``, ``entrypoint``. GC logs are recognised by the GC parser's
sniffer. The file name breaks ties (``taskmanager.log``, ``flink-<user>-taskexecutor-<n>-<host>.log``...).
An exception trace saved alone (copied from the web UI, possibly under its date line, or the REST API's
``/jobs/<id>/exceptions`` JSON) is an ``EXCEPTION_TRACE``, unless its name says it is a ``.out``/``.err`` file.
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
_DATE_LINE = regex.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?\s*")
_EXCEPTION_LINE = regex.compile(r"[\w$.]+\.[\w$]*(?:Exception|Error|Throwable)(?::(?: .*)?)?")
_REST_KEYS = regex.compile(r'"(?:root-exception|all-exceptions|exceptionHistory)"\s*:')
# Text that holds no record timestamps but may hold evidence (pasted NodeManager diagnostics, docker compose output):
# read like .out. Other files (notes, markdown, configuration) stay unknown and are listed as skipped.
_TEXT_NAMES = regex.compile(r"^[^.]+$|\.(?:txt|log)(?:\.\d+)?(?:\.gz)?$", regex.IGNORECASE)
_STDOUT_NAMES = regex.compile(r"\.(?:out|err)(?:\.\d+)?(?:\.gz)?$|stdout|stderr", regex.IGNORECASE)


ONLY_NUL = "only NUL bytes where it starts (a crash, or a file truncated under its writer?), not a text log"


@dataclass(frozen=True)
class Sniffed:
    kind: SourceKind
    layout: str | None
    reason: str | None = None
    """Why the file is not analysed, when kind is UNKNOWN."""


# Control bytes that text does not hold; tab, LF, VT, FF, CR and ESC (ANSI colours in container output) are text.
_CONTROL = bytes([*range(9), *range(14, 27), *range(28, 32), 127])


_NUL_RUN = regex.compile(rb"\x00{16,}")
"""A run of NUL bytes: what a crash (a preallocated or half-flushed file) or a file truncated under its writer
(logrotate ``copytruncate``) leaves in a log. Runs are left out when judging whether a head is text."""


def looks_binary(head: bytes) -> bool:
    """Binary: NUL bytes, or more than 5% of control bytes, in the first 8 KiB (runs of NUL bytes left out). Bytes
    >= 0x80 that are not UTF-8 do not make a file binary: a log in GBK or Latin-1 is still a log (its invalid bytes
    are read as U+FFFD)."""
    if not head:
        return False
    sample = _NUL_RUN.sub(b"", head[:65536])[:8192]
    if not sample:
        return True
    if sample.count(0) > len(sample) // 100 + 1:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL))
    return control > len(sample) * 0.05 + 1


def sniff(name: str, head_bytes: bytes) -> Sniffed:
    if not head_bytes:
        return Sniffed(SourceKind.UNKNOWN, None, "empty file")
    if not head_bytes.strip(b"\0"):
        return Sniffed(SourceKind.UNKNOWN, None, ONLY_NUL)
    if looks_binary(head_bytes):
        return Sniffed(SourceKind.UNKNOWN, None, "binary content, not a text log")
    head = _NUL_RUN.sub(b"", head_bytes).decode("utf-8", errors="replace")
    if _is_rest_json(head):  # before the layouts: a JSON-lines log layout would take it
        return Sniffed(SourceKind.EXCEPTION_TRACE, "rest_json")
    gc_layout = sniff_gc(head)
    layout = sniff_layout(head)
    if layout is not None and gc_layout is None:
        return Sniffed(_flink_role(name, head), layout)
    if gc_layout is not None:
        return Sniffed(SourceKind.GC_LOG, gc_layout)
    if _STDOUT_NAMES.search(name):
        return Sniffed(SourceKind.STDOUT, "plain")
    trace = sniff_trace(head)
    if trace is not None:
        return Sniffed(SourceKind.EXCEPTION_TRACE, trace)
    if _TEXT_NAMES.search(name.rsplit("/", 1)[-1]):
        return Sniffed(SourceKind.TEXT, "plain")
    return Sniffed(SourceKind.UNKNOWN, None, "no known log layout in the first lines (not a Flink, GC or stdout log)")


def sniff_trace(head: str) -> str | None:
    """``rest_json`` (the REST API's exceptions JSON), ``text`` (a trace: its first line, or the one under a date
    line, is ``some.package.SomeException[: message]``), else None."""
    if _is_rest_json(head):
        return "rest_json"
    stripped = head.lstrip("\ufeff \t\r\n")
    lines = stripped.split("\n", 2)
    first = lines[0].rstrip("\r")
    if _DATE_LINE.fullmatch(first) and len(lines) > 1:
        first = lines[1].rstrip("\r")
    return "text" if _EXCEPTION_LINE.fullmatch(first) else None


def _is_rest_json(head: str) -> bool:
    stripped = head.lstrip("\ufeff \t\r\n")
    return stripped.startswith("{") and _REST_KEYS.search(stripped[:65536]) is not None


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
