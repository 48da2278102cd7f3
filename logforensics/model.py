"""The records and frame schemas that the pipeline stages exchange.

Stages talk through these frozen dataclasses and through polars frames whose schemas are fixed here, never through
globals. A frame produced by one stage is checked against its schema by the next one in the tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import BinaryIO

import polars as pl

from logforensics.texts import EventTexts

UTC_MS = pl.Datetime("ms", "UTC")


class SourceKind(StrEnum):
    """What a file is, decided from its content (first lines) and only then from its name."""

    FLINK_TASKMANAGER = "flink_taskmanager"
    FLINK_JOBMANAGER = "flink_jobmanager"
    FLINK_LOG = "flink_log"  # a Flink log whose role could not be told
    GC_LOG = "gc_log"
    STDOUT = "stdout"  # .out / .err: user prints, JVM crash output
    EXCEPTION_TRACE = "exception_trace"  # a stack trace saved alone (text, or the REST API's exceptions JSON)
    TEXT = "text"  # other text without timestamps (pasted diagnostics, docker compose output): read like .out
    UNKNOWN = "unknown"

    @property
    def is_flink(self) -> bool:
        return self in (SourceKind.FLINK_TASKMANAGER, SourceKind.FLINK_JOBMANAGER, SourceKind.FLINK_LOG)

    @property
    def is_plain(self) -> bool:
        """Text without record timestamps: every line that is not a stack-trace continuation starts a record."""
        return self in (SourceKind.STDOUT, SourceKind.TEXT)


class Severity(StrEnum):
    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class FindingKind(StrEnum):
    ROOT_CAUSE = "root_cause"
    SYMPTOM = "symptom"
    RISK = "risk"


@dataclass(frozen=True)
class SourceFile:
    """One input file found by ingest, not yet parsed."""

    path: str
    """Path relative to the analysed root, with forward slashes: how the report names the file."""
    kind: SourceKind
    """What the file is, from sniffing its first lines."""
    layout: str | None
    """The line layout the parser will use (e.g. ``log4j2``, ``gc_unified``), or None when there is none."""
    open: Callable[[], BinaryIO] = field(repr=False, compare=False)
    """Opens the file's decompressed bytes; each call gives a fresh stream."""
    size: int = 0
    """Size on disk in bytes (compressed size for ``.gz``)."""
    sha256: str = ""
    """Hash of the bytes on disk, for provenance."""
    skipped_reason: str | None = None
    """Why the file is not analysed (unknown kind, unreadable...), or None."""


@dataclass(frozen=True)
class SourceStats:
    """How much of one source was understood; one row of the report's data-quality table."""

    path: str
    kind: SourceKind
    layout: str | None
    lines: int = 0
    """Physical lines read."""
    records: int = 0
    """Log records (header lines); a record owns its continuation lines."""
    unparsed_lines: int = 0
    """Lines that are neither a record header nor a continuation of one (e.g. before the first record)."""
    first_ts: dt.datetime | None = None
    last_ts: dt.datetime | None = None
    skipped_reason: str | None = None
    tz_used: str | None = None
    """The time zone naive timestamps of this source were read in (``UTC``, ``+02:00``...)."""
    sha256: str = ""
    """Hash of the input's bytes as read (decompressed), for provenance; empty when it was not read."""
    warnings: tuple[str, ...] = ()
    """Problems met while reading (truncated gzip, separator clash...), already explained."""


# Parsed Flink log records: one row per record (header line plus its continuation lines).
RECORDS_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "line": pl.Int64(),  # 1-based line number of the header line
    "n_lines": pl.Int64(),  # header + continuation lines
    "ts": UTC_MS,
    "ts_local": pl.Datetime("ms"),  # the naive wall-clock time as written, before the zone is applied
    "level": pl.String(),
    "logger": pl.String(),
    "message": pl.String(),  # the header line's message
    "detail": pl.String(),  # continuation lines joined with "\n" (stack traces, memory block), or null
}

# GC events: one row per collection (or safepoint / concurrent phase) found in a GC log.
GC_EVENTS_SCHEMA: dict[str, pl.DataType] = {
    "source": pl.String(),
    "line": pl.Int64(),  # 1-based line number where the event starts
    "ts": UTC_MS,  # wall-clock start of the event (null when only uptime is known and cannot be anchored)
    "uptime_s": pl.Float64(),  # JVM uptime at the event start, seconds
    "ts_quality": pl.String(),  # exact | approximate | missing
    "gc_id": pl.Int64(),
    "collector": pl.String(),  # G1 | Parallel | CMS | Serial | ZGC | Shenandoah | unknown
    "gc_type": pl.String(),  # e.g. "Pause Young (Normal)", "Full GC", "Pause Remark"
    "cause": pl.String(),  # e.g. "G1 Evacuation Pause", "Allocation Failure", or null
    "is_full": pl.Boolean(),
    "is_pause": pl.Boolean(),  # stop-the-world pause (False for concurrent phases)
    "pause_ms": pl.Float64(),
    "heap_before_kb": pl.Float64(),
    "heap_after_kb": pl.Float64(),
    "heap_total_kb": pl.Float64(),  # committed heap after the event
    "text": pl.String(),  # the event's summary line (capped)
}

# The timeline: one row per classified event, UTC, keyed. Key columns are null where a signal does not give them.
KEY_COLUMNS: tuple[str, ...] = (
    "tm_id",
    "container_id",
    "pod",
    "host",
    "job_id",
    "job_name",
    "task",
    "subtask",
    "attempt",
    "checkpoint_id",
    "from_state",
    "to_state",
    "exit_code",
)

# The timeline's text columns other than ``text`` are categorical: few distinct values over many rows (a signal id,
# a source, a TaskManager, a task name), 4 bytes a row instead of a 16-byte string view, nulls included. Measured on
# a 4 GiB taskmanager.log (1.56 M events): peak RSS 2414 -> 1644 MiB. Compare them with strings
# and string lists as usual; use ``.cast(pl.String)`` before ``.str`` operations and casts to numbers.
EVENTS_SCHEMA: dict[str, pl.DataType] = {
    "ts": UTC_MS,
    "ts_quality": pl.Categorical(),
    "source": pl.Categorical(),
    "source_kind": pl.Categorical(),
    "line": pl.Int64(),
    "kind": pl.Categorical(),  # the signal id
    "family": pl.Categorical(),  # the signal's family (catalogue.model.Family): how the timeline draws and counts it
    "level": pl.Categorical(),
    **{key: pl.Categorical() for key in KEY_COLUMNS},
    "value": pl.Float64(),  # a number the signal measures (pause_ms, gap seconds, checkpoint duration...)
    # the record's message and continuation lines (EVENT_TEXT_CAP), shown as evidence; null for a log's events in the
    # analysis' timeline, whose texts are kept compressed beside it (texts.py, Analysis.with_text)
    "text": pl.String(),
}

# Metrics found in logs (MemoryLogger, Slf4jReporter): one row per (time, source, scope, metric) sample.
METRICS_SCHEMA: dict[str, pl.DataType] = {
    "ts": UTC_MS,
    "source": pl.String(),
    "line": pl.Int64(),
    "tm_id": pl.String(),  # the TaskManager the source belongs to, where known
    "scope": pl.String(),  # e.g. "taskmanager", "<job>.<operator>.<subtask>", "MemoryLogger"
    "metric": pl.String(),  # e.g. "heap_used_mb", "Status.JVM.CPU.Load", "backPressuredTimeMsPerSecond"
    "value": pl.Float64(),
}

VERSION_SIGNAL = "flink_version_banner"
"""The signal whose text tells the Flink version (the one event text the analysis itself reads)."""

TEXT_CAP = 2000
"""Characters kept of one log line (a GC event's line, a context line)."""
EVENT_TEXT_CAP = 1000
"""Characters kept of a classified record's text (its message, then its continuation lines) in the timeline; a
longer text ends with "…". The text is most of what an event weighs: the 1 GiB benchmark log's events average 442
characters at 2000 and 295 at 1000. The lines around an evidence line are read again from its source (context.py),
and the exceptions section holds every stack trace in full."""


@dataclass(frozen=True)
class Evidence:
    """One line that supports a finding."""

    source: str
    line: int
    ts: dt.datetime | None
    text: str
    signal: str = ""
    """The signal that classified this line."""
    context_before: tuple[str, ...] = ()
    """Up to three lines before the evidence line, as read from the source."""
    context_after: tuple[str, ...] = ()
    """Up to three lines after the evidence line (after its continuation lines' first one)."""


@dataclass(frozen=True)
class Remediation:
    action: str
    config: dict[str, str] = field(default_factory=dict)
    """Config key -> advice, e.g. ``{"taskmanager.memory.task.heap.size": "raise from 1g to 2g"}``."""


@dataclass(frozen=True)
class Finding:
    """A cause or symptom the catalogue recognised in the timeline."""

    id: str
    title: str
    kind: FindingKind
    severity: Severity
    confidence: float
    first_ts: dt.datetime | None
    last_ts: dt.datetime | None
    keys: dict[str, str]
    evidence: tuple[Evidence, ...]
    remediation: tuple[Remediation, ...]
    summary: str = ""
    """The root cause in one sentence, keys filled in."""
    diagnosis: str = ""
    references: tuple[str, ...] = ()
    explains: tuple[str, ...] = ()
    """Ids of the findings this one causes."""
    explained_by: str | None = None
    count: int = 1
    """How many times the same sequence matched (repeats are one finding)."""
    why: str = ""
    """Why the rule fired: which steps matched, in words."""
    missing: tuple[str, ...] = ()
    """What is missing that would raise confidence (e.g. "no GC log for TM x")."""


@dataclass(frozen=True)
class GcSummary:
    source: str
    collector: str
    format: str  # unified | legacy
    pause_count: int
    pause_total_ms: float
    pause_max_ms: float
    pause_p50_ms: float
    pause_p99_ms: float
    full_gc_count: int
    throughput_pct: float | None
    tm_id: str | None = None
    parts: tuple[str, ...] = ()
    """The labels of the files of a rotated set, in content order (oldest first), the set's numbers are over; one
    label (or none) for a single file."""


@dataclass(frozen=True)
class ExceptionGroup:
    """Exception traces with the same signature: class, root Caused-by and top frames, ids masked."""

    signature: str
    exception: str
    """The outermost exception class and message (masked)."""
    root_cause: str
    """The innermost ``Caused by:`` class and message (masked), or the exception itself."""
    count: int
    first_ts: dt.datetime | None
    last_ts: dt.datetime | None
    example_source: str
    example_line: int
    example: str
    """One full trace of the group (capped)."""
    benign: bool = False
    """Noise that Flink's own tests whitelist."""


@dataclass(frozen=True)
class Incident:
    start: dt.datetime | None
    end: dt.datetime | None
    flink_version: str | None
    deployment: str  # yarn | kubernetes | standalone | unknown
    tz_used: str


@dataclass(frozen=True)
class Analysis:
    """Everything one run of ``analyze`` produced; the report and JSON writers read only this."""

    root: str
    inputs: tuple[str, ...]
    incident: Incident
    sources: tuple[SourceStats, ...]
    findings: tuple[Finding, ...]
    events: pl.DataFrame = field(repr=False)
    gc_events: pl.DataFrame = field(repr=False)
    gc: tuple[GcSummary, ...]
    catalogue_version: str
    generated_at: dt.datetime
    command: str = ""
    metrics: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=METRICS_SCHEMA), repr=False)
    exceptions: tuple[ExceptionGroup, ...] = ()
    texts: EventTexts = field(default_factory=EventTexts, repr=False)
    """The texts of the log events in ``events`` (whose ``text`` is null there): see texts.py and :meth:`with_text`."""

    def with_text(self, events: pl.DataFrame) -> pl.DataFrame:
        """``events`` (rows of ``self.events``) with their texts filled in: for the rows shown or exported."""
        return self.texts.fill(events)
