"""The HTML report's view model: the frozen dataclasses holding every value the template prints, display-ready.

:class:`ReportView` is the root: its fields are exactly the template's top-level names (:data:`VIEW_FIELDS`), and
``ReportView.to_context()`` is what the template receives. The records below it hold only formatted strings, numbers
and chart geometry; :mod:`logforensics.report.view` builds them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from markupsafe import Markup

from logforensics.report.axes import XYChart
from logforensics.report.checkpoints import CheckpointsView
from logforensics.report.exceptions import ExceptionsView
from logforensics.report.metrics import MetricsView
from logforensics.report.quality import QualityView
from logforensics.report.timeline_chart import TimelineChart


@dataclass(frozen=True)
class KeyValue:
    name: str
    value: str


@dataclass(frozen=True)
class Link:
    """A text that links somewhere when ``href`` is set (only https:// or in-page ``#`` targets)."""

    text: str
    href: str | None


@dataclass(frozen=True)
class ConfigAdvice:
    key: str
    """A Flink / JVM configuration key, shown as code."""
    advice: str


@dataclass(frozen=True)
class RemedyView:
    action: str
    config: tuple[ConfigAdvice, ...]


@dataclass(frozen=True)
class EvidenceRow:
    """One line supporting a finding."""

    anchor: str
    """Unique element id of the row."""
    location: str
    """``source:line``."""
    timeline_href: str | None
    """Link to the same line in the timeline table, when it is shown there."""
    ts: str
    signal: str
    text: str
    text_note: str
    """Empty, or how much of a very long line is not shown."""
    context_before: tuple[str, ...]
    """The log lines just before this one, when the analysis kept them (else empty)."""
    context_after: tuple[str, ...]


@dataclass(frozen=True)
class FindingView:
    id: str
    anchor: str
    title: str
    kind_label: str
    kind_class: str
    severity_label: str
    severity_class: str
    """CSS class of the severity badge: ``sev-critical`` ... ``sev-info``."""
    confidence: str
    """Whole percentage, e.g. ``85%``."""
    first_seen: str
    last_seen: str
    span: str
    """Time between first and last seen, or empty."""
    count: str
    summary: str
    keys: tuple[KeyValue, ...]
    why: str
    evidence: tuple[EvidenceRow, ...]
    evidence_note: str
    """Empty, or how many evidence lines are not shown (EVIDENCE_ROWS_CAP)."""
    diagnosis: tuple[str, ...]
    """Plain-text paragraphs (markdown is shown as written, never rendered)."""
    remediation: tuple[RemedyView, ...]
    references: tuple[Link, ...]
    explains: tuple[Link, ...]
    explained_by: Link | None
    missing: tuple[str, ...]


@dataclass(frozen=True)
class ChainNode:
    """A finding in the causal chain, with the findings it explains nested under it."""

    title: str
    href: str
    kind_label: str
    severity_label: str
    severity_class: str
    confidence: str
    first_evidence: EvidenceRow | None
    children: tuple[ChainNode, ...]


@dataclass(frozen=True)
class ChainView:
    roots: tuple[ChainNode, ...]
    """Root causes, each with what it explains."""
    unexplained: tuple[ChainNode, ...]
    """Symptoms and risks no root cause explains."""


@dataclass(frozen=True)
class VerdictView:
    """The first screen: what happened, how sure, and the one thing to change."""

    established: bool
    """Whether a root cause was found; when False, ``headline`` says so and ``seen`` lists what was seen instead."""
    headline: str
    summary: str
    finding_href: str | None
    severity_label: str
    severity_class: str
    confidence: str
    window: str
    """``start – end`` in UTC, or ``unknown``."""
    window_duration: str
    window_note: str
    """Where the window comes from when the analysis gave none."""
    jobs: tuple[str, ...]
    taskmanagers: tuple[str, ...]
    affected_note: str
    """How many more jobs / TaskManagers there are than listed, or empty."""
    remedy: RemedyView | None
    first_sign: EvidenceRow | None
    missing: tuple[str, ...]
    """What is missing that would raise confidence: the findings' own words, then gaps in the inputs."""
    missing_note: str
    """Said instead when nothing is known to be missing."""
    seen: tuple[str, ...]
    context: tuple[KeyValue, ...]
    """Flink version, deployment, time zone."""


@dataclass(frozen=True)
class EventRow:
    anchor: str
    ts: str
    location: str
    kind: str
    family_label: str
    family_color: str
    level: str
    keys: tuple[str, ...]
    """``name=value`` of each key the event names."""
    text: str


@dataclass(frozen=True)
class TimelineView:
    chart: TimelineChart | None
    rows: tuple[EventRow, ...]
    summary: str
    """How many events there are and which of them the table shows."""
    unplotted: str
    """Empty, or how many events have no time and are only in the table."""


@dataclass(frozen=True)
class GcRow:
    source: str
    parts: str
    """Empty for a single file; for a rotated set, its files in content order: ``3 parts: gc.log.2, gc.log.0, ...``."""
    taskmanager: str
    collector: str
    format: str
    pauses: str
    total: str
    max: str
    max_class: str
    """``bad`` / ``warn`` / empty, from GC_PAUSE_*_MS."""
    p50: str
    p99: str
    full_gcs: str
    throughput: str
    throughput_class: str


@dataclass(frozen=True)
class GcView:
    rows: tuple[GcRow, ...]
    pause_chart: XYChart | None
    heap_chart: XYChart | None
    note: str
    """Empty, or why there is nothing to show."""


@dataclass(frozen=True)
class InputFile:
    path: str
    kind: str
    sha256: str
    """The hash of the file's bytes, or ``not recorded``."""


@dataclass(frozen=True)
class ProvenanceView:
    tool_version: str
    catalogue_version: str
    generated_at: str
    command: str
    root: str
    inputs: tuple[str, ...]
    """The paths given on the command line."""
    files: tuple[InputFile, ...]
    hashes_note: str
    """Empty, or why the hashes are not shown."""
    caps: tuple[str, ...]
    """Every cap this page applies, stated, so a reader knows what is left out."""


@dataclass(frozen=True)
class ReportView:
    """Everything report.html.j2 prints. Its fields are the template's top-level names, nothing else."""

    page_title: str = field(metadata={"doc": "The <title>: the post-mortem and its root cause."})
    heading: str = field(metadata={"doc": "The page heading: the post-mortem and the incident's folder name."})
    css: Markup = field(metadata={"doc": "report.css, inlined in <style>; ours, not log text, with '</' escaped."})
    script_enabled: bool = field(metadata={"doc": "Whether the optional inline JavaScript (table filter) is included."})
    page_data: Mapping[str, object] = field(
        metadata={"doc": "Summary data for the script, embedded as JSON (printed with tojson, which escapes it)."}
    )
    verdict: VerdictView = field(metadata={"doc": "Section 1: the verdict, all of it in the first screen."})
    chain: ChainView = field(metadata={"doc": "Section 2: the causal chain."})
    timeline: TimelineView = field(metadata={"doc": "Section 3: the timeline chart and the events table."})
    findings: tuple[FindingView, ...] = field(metadata={"doc": "Section 4: every finding, root causes first."})
    gc: GcView = field(metadata={"doc": "Section 5: GC summaries and charts."})
    metrics: MetricsView = field(metadata={"doc": "Section 5 (cont.): metrics charts per TaskManager."})
    exceptions: ExceptionsView = field(metadata={"doc": "Section 6: exception traces grouped by signature."})
    checkpoints: CheckpointsView = field(metadata={"doc": "Section 7: checkpoints per job, table and chart."})
    quality: QualityView = field(metadata={"doc": "Section 8: sources, time zone, silences, clock skew."})
    provenance: ProvenanceView = field(metadata={"doc": "Section 9: versions, command, input hashes, caps."})

    def to_context(self) -> dict[str, object]:
        """The template's context: one entry per field, nested records left as objects."""
        return {name: getattr(self, name) for name in VIEW_FIELDS}


VIEW_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ReportView))
"""The exact top-level names the template receives."""
