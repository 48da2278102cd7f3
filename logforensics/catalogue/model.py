"""The catalogue as typed, frozen records: signals (what a line means) and causes (what a sequence means)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from logforensics.model import FindingKind, Remediation, Severity


class Family(StrEnum):
    """How a signal is drawn on the timeline and counted in summaries."""

    RESTART = "restart"
    HEARTBEAT = "heartbeat"
    OOM = "oom"
    CONTAINER_KILL = "container_kill"
    CHECKPOINT = "checkpoint"
    CHECKPOINT_FAILURE = "checkpoint_failure"
    GC_PAUSE = "gc_pause"
    TASK_FAILURE = "task_failure"
    STATE = "state"
    NETWORK = "network"
    LIFECYCLE = "lifecycle"
    STALL = "stall"
    OTHER = "other"


class SignalSource(StrEnum):
    FLINK = "flink"
    GC = "gc"
    STDOUT = "stdout"


class SearchIn(StrEnum):
    MESSAGE = "message"
    """The header line's message only."""
    TEXT = "text"
    """Message and continuation lines (stack traces, diagnostics blocks)."""


@dataclass(frozen=True)
class GcPredicate:
    """Which GC events a GC signal selects.

    Without a condition, every selected GC event is a signal event. With one, the selected events only feed it and
    the signal's events are what the condition finds: ``max_throughput`` (with ``window``) one event per window of
    wall time in which GC pauses left the application less than that share of the time; ``heap_after_full_rising``
    one event per run of that many (or more) consecutive full GCs whose heap after GC kept rising."""

    min_pause_ms: float = 0.0
    full_only: bool = False
    pauses_only: bool = True
    type_regex: str | None = None
    """The event's ``gc_type`` must match (e.g. ``To-space exhausted``, ``Pause Full``)."""
    cause_regex: str | None = None
    """The event's ``cause`` must match (e.g. ``Metadata GC Threshold``)."""
    not_cause_regex: str | None = None
    """The event's ``cause`` must not match."""
    window: dt.timedelta | None = None
    """With ``max_throughput``: the length of the window of wall time (``window = "1m"``); a window starts at a
    pause."""
    max_throughput: float | None = None
    """A window condition (0 < x < 1): an event per window in which the application ran less than this share of the
    wall time (0.5: the pauses took more than half of it). Windows of one event never overlap; the event is placed
    at the window's first pause and its value is the share of the window spent in GC, in percent."""
    heap_after_full_rising: int | None = None
    """A trend condition (>= 2): an event per run of at least this many consecutive full GCs of one JVM whose heap
    after GC rose each time, placed at the run's last full GC; its value is that GC's heap after, in MB."""
    min_rise_pct: float = 0.0
    """With ``heap_after_full_rising``: the run's rise (last heap after minus first) must reach this percentage of
    the committed heap."""
    min_after_pct: float = 0.0
    """With ``heap_after_full_rising``: the run's last full GC must leave at least this percentage of the committed
    heap occupied."""

    @property
    def condition(self) -> str | None:
        """``"throughput"``, ``"heap_rising"`` or None (each selected event is a signal event)."""
        if self.max_throughput is not None:
            return "throughput"
        if self.heap_after_full_rising is not None:
            return "heap_rising"
        return None

    def describe(self) -> str:
        """One line saying what the predicate selects, for ``patterns show`` and the docs."""
        parts = [f"pause >= {self.min_pause_ms:g} ms" if self.min_pause_ms else "any duration"]
        parts += ["full GCs only"] if self.full_only else []
        parts += ["stop-the-world pauses only"] if self.pauses_only else ["pauses and other GC events"]
        parts += [f"type ~ {self.type_regex}"] if self.type_regex else []
        parts += [f"cause ~ {self.cause_regex}"] if self.cause_regex else []
        parts += [f"cause !~ {self.not_cause_regex}"] if self.not_cause_regex else []
        if self.max_throughput is not None and self.window is not None:
            parts.append(
                f"then one event per {self.window.total_seconds():g} s window where the application ran less than "
                f"{self.max_throughput:.0%} of the time"
            )
        if self.heap_after_full_rising is not None:
            trend = f"then one event per run of {self.heap_after_full_rising}+ full GCs with rising heap after GC"
            if self.min_rise_pct:
                trend += f", rising by >= {self.min_rise_pct:g}% of the heap"
            if self.min_after_pct:
                trend += f", the last leaving >= {self.min_after_pct:g}% of the heap occupied"
            parts.append(trend)
        return ", ".join(parts)


@dataclass(frozen=True)
class GapPredicate:
    """A silence in a TaskManager's log: no record for at least ``min_seconds``."""

    min_seconds: float


@dataclass(frozen=True)
class Signal:
    id: str
    title: str
    path: str
    """The TOML file, for messages."""
    sources: tuple[SignalSource, ...]
    family: Family
    literals: tuple[str, ...] = ()
    """Plain substrings (``literal`` in TOML: one string, or a list when a signal has several wordings); every match
    contains one of them. The cheap prefilter: the regex only runs on records that hold one."""
    regex: str | None = None
    """Rust-regex syntax (run by polars); named groups become key columns."""
    groups: tuple[str, ...] = ()
    search_in: SearchIn = SearchIn.TEXT
    levels: tuple[str, ...] = ()
    """Only records at these levels (empty: any level)."""
    value_group: str | None = None
    """A named group whose number becomes the event's ``value``."""
    gc: GcPredicate | None = None
    gap: GapPredicate | None = None
    benign: bool = False
    """Noise that Flink's own tests whitelist: shown as context, never a cause on its own."""
    description: str = ""
    samples: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    root: str = ""
    """The catalogue folder the signal was loaded from."""


class Status(StrEnum):
    """How far a cause is trusted.

    - experimental: loaded and matched, tests optional; its findings are capped at 0.5 confidence and say so.
    - test: needs at least one hit and one miss test (inline or fixture); matched normally.
    - stable: as test, and it documents its false positives: a rule others may build on.
    - deprecated: loaded, so its id stays reserved and references to it resolve; never matched.
    """

    EXPERIMENTAL = "experimental"
    TEST = "test"
    STABLE = "stable"
    DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Step:
    signal: str
    min_count: int = 1
    optional: bool = False
    keyed: bool = True
    """False: the step joins the sequence by time only (e.g. the job restart that follows a TM loss)."""
    any_of: tuple[str, ...] = ()
    """Further signals that satisfy the step as well as ``signal`` (``signal = ["a", "b"]`` in TOML): one meaning
    with several wordings across versions (``Connection to ZooKeeper suspended`` / ``... lost``)."""

    @property
    def signals(self) -> tuple[str, ...]:
        return (self.signal, *self.any_of)


Aliases = tuple[tuple[str, tuple[str, ...]], ...]
"""Join key -> the event columns that may hold its value, in order (``tm_id ~ container_id ~ pod`` in TOML)."""


@dataclass(frozen=True)
class AbsentWindow:
    """A signal that must not occur from ``before`` ahead of the first matched event to ``after`` past the last."""

    signal: str
    before: dt.timedelta = dt.timedelta(0)
    after: dt.timedelta = dt.timedelta(0)
    keyed: bool = True
    """False: any occurrence voids the match, whatever its keys."""


@dataclass(frozen=True)
class Sequence:
    by: tuple[str, ...]
    steps: tuple[Step, ...]
    maxspan: dt.timedelta
    clock_skew: dt.timedelta = dt.timedelta(seconds=5)
    absent: tuple[str, ...] = ()
    """Signals that must not occur (same keys) between the first and the last matched step."""
    until: tuple[str, ...] = ()
    """Signals that reset a partial match."""
    aliases: Aliases = ()
    """For a join key of ``by``: the columns its value may come from, across sources (a YARN container id on the
    ResourceManager's line, the same id as the TaskManager's resource id in its own log, a pod name)."""
    absent_windows: tuple[AbsentWindow, ...] = ()
    """Signals that must not occur in a window around the match (e.g. no TaskManager loss in the 30 min before)."""

    def columns(self, key: str) -> tuple[str, ...]:
        for name, columns in self.aliases:
            if name == key:
                return columns
        return (key,)


class Aggregate(StrEnum):
    COUNT = "count"
    SUM = "sum"
    MAX = "max"
    P99 = "p99"


@dataclass(frozen=True)
class Threshold:
    """An aggregate of one signal's events over a sliding window, per group, against severity levels."""

    signals: tuple[str, ...]
    by: tuple[str, ...]
    aggregate: Aggregate
    window: dt.timedelta
    levels: tuple[tuple[Severity, float], ...]
    """(severity, lowest aggregate value reaching it), ascending."""
    aliases: Aliases = ()
    field: str = "value"
    """The event column that ``sum``, ``max`` and ``p99`` aggregate (the signal's measured number)."""
    min_events: int = 1
    """Windows with fewer events are not judged (a p99 of two samples says little)."""
    dedupe: dt.timedelta = dt.timedelta(0)
    """Events of one group closer than this to the last counted one count once (the TaskManager and the
    JobManager both report the same task failure)."""

    def columns(self, key: str) -> tuple[str, ...]:
        for name, columns in self.aliases:
            if name == key:
                return columns
        return (key,)


@dataclass(frozen=True)
class CauseTest:
    name: str
    expect: str  # hit | miss
    files: dict[str, str] = field(default_factory=dict)
    """File name -> content; analysed together as one incident."""
    fixture: str = ""
    """A folder of files under ``tests/patterns/<cause id>/`` (a longer incident), instead of ``files``."""


@dataclass(frozen=True)
class Cause:
    id: str
    title: str
    path: str
    status: Status
    kind: FindingKind
    category: str
    failure_type: str
    severity: Severity
    confidence: float
    sequence: Sequence
    summary: str
    """One sentence; ``{tm_id}``-style placeholders are filled from the finding's keys."""
    diagnosis: str
    remediation: tuple[Remediation, ...]
    references: tuple[str, ...]
    tests: tuple[CauseTest, ...]
    tags: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    flink_versions: str = ""
    false_positives: str = ""
    explains: tuple[str, ...] = ()
    """Ids of (symptom) causes whose findings this cause explains."""
    supersedes: tuple[str, ...] = ()
    """Ids of causes demoted when this one matches the same keys."""
    corroborate: tuple[str, ...] = ()
    """Signals that raise confidence when present for the same keys."""
    confirm_with: str = ""
    """Which file would confirm this cause when it is missing (e.g. "the TaskManager's GC log")."""
    confirm_signal: str = ""
    """The signal that file would provide; when no source could provide it, confidence is lowered."""
    threshold: Threshold | None = None
    """Set for a ``[threshold]`` rule; ``sequence`` then holds the equivalent single step (for references)."""
    remediation_versions: tuple[str, ...] = ()
    """Per remediation entry: the Flink versions its keys exist in (``>=1.17``), or "" for every version."""
    root: str = ""
    """The catalogue folder the rule was loaded from (the built-in one or a user's ``--patterns`` folder)."""


@dataclass(frozen=True)
class Catalogue:
    signals: dict[str, Signal]
    causes: dict[str, Cause]
    version: str
    """A short hash of every file's content: changes whenever a rule changes."""
    roots: tuple[str, ...] = ()
