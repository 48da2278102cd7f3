"""The HTML report's view model: every value the template prints, already computed, sorted and formatted.

``build_view(analysis)`` turns an :class:`~logforensics.model.Analysis` into a tree of frozen dataclasses holding only
display-ready strings, numbers and chart geometry. The template loops and prints; it never sorts, thresholds or
formats. ``ReportView.to_context()`` is exactly what the template receives, and :data:`VIEW_FIELDS` names it, so a
contract test can check that template and view model agree.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

import polars as pl
from markupsafe import Markup

import logforensics
from logforensics.model import (
    EVENTS_SCHEMA,
    KEY_COLUMNS,
    Analysis,
    Evidence,
    Finding,
    FindingKind,
    Remediation,
    SourceKind,
)
from logforensics.report import svg
from logforensics.report.checkpoints import CHECKPOINT_ROWS_CAP, CheckpointsView, build_checkpoints
from logforensics.report.exceptions import (
    EXCEPTION_GROUPS_CAP,
    EXCEPTION_TRACE_CAP,
    ExceptionsView,
    build_exceptions,
)
from logforensics.report.formatting import capped, format_duration, format_ms, format_pct, level, plural, span
from logforensics.report.linechart import MAX_LINES
from logforensics.report.metrics import MetricsView, build_metrics
from logforensics.report.quality import GAPS_CAP, QualityView, build_quality
from logforensics.report.svg import format_ts, natural_key, shorten
from logforensics.resources import templates_dir

__all__ = ["VIEW_FIELDS", "ReportView", "build_view", "format_duration", "format_ms", "format_pct"]

EVENTS_TABLE_CAP = 500
"""Timeline rows shown at most. Every event a chart marker links to is among them (svg.MAX_MARKERS is lower)."""
EVIDENCE_TEXT_CAP = 4000
"""Characters of one evidence line shown; the rest is counted, not printed (a 1 MB line must not bloat the page)."""
EVIDENCE_ROWS_CAP = 25
"""Evidence lines shown per finding, in the order the finding gives them; the JSON report holds them all."""
CONTEXT_LINE_CAP = 500
"""Characters of one context line (the lines around an evidence line) shown."""
EVENT_TEXT_CAP = 500
"""Characters of an event's text in the timeline table."""
AFFECTED_CAP = 12
"""Jobs or TaskManagers named in the verdict at most."""
GC_PAUSE_WARN_MS = 1_000.0
GC_PAUSE_BAD_MS = 10_000.0
"""A longest pause at or above these is flagged: at 10 s a TaskManager is close to missing heartbeats."""
GC_THROUGHPUT_WARN_PCT = 97.0
GC_THROUGHPUT_BAD_PCT = 90.0
"""Below these shares of time outside GC pauses, the JVM spends too long collecting."""

_KIND_LABELS = {FindingKind.ROOT_CAUSE: "Root cause", FindingKind.SYMPTOM: "Symptom", FindingKind.RISK: "Risk"}
_KIND_ORDER = {FindingKind.ROOT_CAUSE: 0, FindingKind.SYMPTOM: 1, FindingKind.RISK: 2}
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _slug(text: str) -> str:
    return _SLUG_JUNK.sub("-", text.lower()).strip("-") or "x"


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs, each unwrapped (rule texts are hard-wrapped in their TOML files)."""
    return tuple(" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(text) if part.strip())


# --- anchors ----------------------------------------------------------------------------------------------------------


class _Anchors:
    """Hands out unique element ids. A timeline row owns ``ev-<source-slug>-<line>``, what chart markers link to."""

    def __init__(self, sources: Iterable[str]) -> None:
        self._slugs: dict[str, str] = {}
        self._used: set[str] = set()
        for source in sorted(set(sources)):
            self._slug_of(source)

    def _slug_of(self, source: str) -> str:
        if source not in self._slugs:
            taken = set(self._slugs.values())
            base = candidate = _slug(source)
            suffix = 2
            while candidate in taken:
                candidate, suffix = f"{base}-{suffix}", suffix + 1
            self._slugs[source] = candidate
        return self._slugs[source]

    def event(self, source: str, line: int) -> str:
        """The id of the timeline row of ``source:line`` (the first one, when a line holds several events)."""
        return f"ev-{self._slug_of(source)}-{line}"

    def claim(self, wanted: str) -> str:
        """``wanted`` if no element has it yet, else ``wanted-2``, ``wanted-3``..."""
        candidate, suffix = wanted, 2
        while candidate in self._used:
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        self._used.add(candidate)
        return candidate


# --- the view model ---------------------------------------------------------------------------------------------------


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
    chart: svg.TimelineChart | None
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
    pause_chart: svg.XYChart | None
    heap_chart: svg.XYChart | None
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


# --- building ---------------------------------------------------------------------------------------------------------


def _ranked(findings: Iterable[Finding]) -> list[Finding]:
    """Root causes, then symptoms, then risks; unexplained first; then by severity, confidence, first seen."""
    return sorted(
        findings,
        key=lambda f: (
            _KIND_ORDER[f.kind],
            f.explained_by is not None,
            -f.severity.rank,
            -f.confidence,
            f.first_ts.timestamp() if f.first_ts is not None else math.inf,
            f.id,
        ),
    )


def _remedy(remediation: Remediation) -> RemedyView:
    return RemedyView(remediation.action, tuple(ConfigAdvice(k, v) for k, v in remediation.config.items()))


def _keys(keys: Mapping[str, str]) -> tuple[KeyValue, ...]:
    order = {name: index for index, name in enumerate(KEY_COLUMNS)}
    return tuple(KeyValue(k, keys[k]) for k in sorted(keys, key=lambda k: (order.get(k, len(order)), k)))


def _context(lines: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(shorten(line, CONTEXT_LINE_CAP) for line in lines)


def _evidence_rows(
    finding_anchor: str, evidence: Iterable[Evidence], anchors: _Anchors, in_table: set[str]
) -> tuple[EvidenceRow, ...]:
    rows = []
    for item in list(evidence)[:EVIDENCE_ROWS_CAP]:
        event_anchor = anchors.event(item.source, item.line)
        text, note = capped(item.text, EVIDENCE_TEXT_CAP)
        rows.append(
            EvidenceRow(
                anchor=anchors.claim(f"{finding_anchor}-{event_anchor}"),
                location=f"{item.source}:{item.line}",
                timeline_href="#" + event_anchor if event_anchor in in_table else None,
                ts=format_ts(item.ts),
                signal=item.signal,
                text=text,
                text_note=note,
                context_before=_context(item.context_before),
                context_after=_context(item.context_after),
            )
        )
    return tuple(rows)


def _finding_view(
    finding: Finding, anchor: str, evidence: tuple[EvidenceRow, ...], links: Mapping[str, Link]
) -> FindingView:
    return FindingView(
        id=finding.id,
        anchor=anchor,
        title=finding.title,
        kind_label=_KIND_LABELS[finding.kind],
        kind_class=f"kind-{finding.kind.value.replace('_', '-')}",
        severity_label=finding.severity.value.upper(),
        severity_class=f"sev-{finding.severity.value}",
        confidence=format_pct(finding.confidence),
        first_seen=format_ts(finding.first_ts),
        last_seen=format_ts(finding.last_ts),
        span=span(finding.first_ts, finding.last_ts),
        count="once" if finding.count == 1 else f"{finding.count:,} times",
        summary=finding.summary,
        keys=_keys(finding.keys),
        why=finding.why,
        evidence=evidence,
        evidence_note=(
            f"Showing {EVIDENCE_ROWS_CAP} of {len(finding.evidence):,} evidence lines; the JSON report holds them all."
            if len(finding.evidence) > EVIDENCE_ROWS_CAP
            else ""
        ),
        diagnosis=_paragraphs(finding.diagnosis),
        remediation=tuple(_remedy(r) for r in finding.remediation),
        references=tuple(Link(ref, ref if ref.startswith("https://") else None) for ref in finding.references),
        explains=tuple(links.get(i, Link(i, None)) for i in finding.explains),
        explained_by=None
        if finding.explained_by is None
        else links.get(finding.explained_by, Link(finding.explained_by, None)),
        missing=finding.missing,
    )


def _chain(ranked: list[Finding], views: Mapping[str, FindingView]) -> ChainView:
    by_id = {f.id: f for f in ranked}
    children: dict[str, list[str]] = {f.id: [i for i in f.explains if i in by_id] for f in ranked}
    for finding in ranked:
        parent = finding.explained_by
        if parent in children and finding.id not in children[parent]:
            children[parent].append(finding.id)
    placed: set[str] = set()

    def node(finding_id: str, path: frozenset[str]) -> ChainNode:
        placed.add(finding_id)
        view = views[finding_id]
        nested = tuple(node(child, path | {child}) for child in children[finding_id] if child not in path)
        return ChainNode(
            title=view.title,
            href="#" + view.anchor,
            kind_label=view.kind_label,
            severity_label=view.severity_label,
            severity_class=view.severity_class,
            confidence=view.confidence,
            first_evidence=view.evidence[0] if view.evidence else None,
            children=nested,
        )

    roots = tuple(
        node(f.id, frozenset({f.id}))
        for f in ranked
        if f.kind is FindingKind.ROOT_CAUSE and (f.explained_by is None or f.explained_by not in by_id)
    )
    unexplained = tuple(node(f.id, frozenset({f.id})) for f in ranked if f.id not in placed)
    return ChainView(roots, unexplained)


_Bounds = tuple[dt.datetime, dt.datetime]


def _in_window(events: pl.DataFrame, bounds: _Bounds | None) -> pl.DataFrame:
    if bounds is None:
        return events
    start, end = bounds
    return events.filter(pl.col("ts").is_between(start, end) | pl.col("ts").is_null())


def _affected(ranked: list[Finding], events: pl.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Jobs (``name (id)``) and TaskManagers named by the findings first, then by the events."""
    job_ids: list[str] = []
    names: dict[str, str] = {}
    names_without_id: list[str] = []
    tms: list[str] = []
    for finding in ranked:
        job_id, job_name, tm_id = (finding.keys.get(k) for k in ("job_id", "job_name", "tm_id"))
        # A finding that repeated across entities lists them joined with ", " (see match/findings.py).
        if job_id and "," not in job_id:
            job_ids.append(job_id)
            if job_name:
                names.setdefault(job_id, job_name)
        elif job_id:
            job_ids += job_id.split(", ")
        elif job_name:
            names_without_id.append(job_name)
        if tm_id:
            tms += tm_id.split(", ")
    jobs_in_events = (
        events.filter(pl.col("job_id").is_not_null())
        .group_by("job_id")
        .agg(pl.col("job_name").drop_nulls().first(), first=pl.col("ts").min())
        .sort(["first", "job_id"], nulls_last=True)
    )
    for job_id, job_name, _ in jobs_in_events.iter_rows():
        job_ids.append(job_id)
        if job_name:
            names.setdefault(job_id, job_name)
    names_without_id += events.filter(pl.col("job_id").is_null())["job_name"].drop_nulls().unique().sort().to_list()
    if not tms:  # the findings name no TaskManager: fall back to those the incident window's events name
        tms += sorted(events["tm_id"].drop_nulls().unique().to_list(), key=natural_key)

    # A job submitted again gets a new id under the same name: name it once, with its first id and how many more.
    ids_of_name: dict[str, list[str]] = {}
    jobs = []
    for job_id in dict.fromkeys(job_ids):
        if job_id not in names:
            jobs.append(job_id)
        elif names[job_id] not in ids_of_name:
            ids_of_name[names[job_id]] = [job_id]
            jobs.append(names[job_id])
        else:
            ids_of_name[names[job_id]].append(job_id)
    jobs = [_job_label(job, ids_of_name.get(job, [])) for job in jobs]
    jobs += [name for name in dict.fromkeys(names_without_id) if name not in names.values()]
    unique_tms = list(dict.fromkeys(tms))
    extra = []
    if len(jobs) > AFFECTED_CAP:
        extra.append(f"{len(jobs) - AFFECTED_CAP:,} more jobs")
    if len(unique_tms) > AFFECTED_CAP:
        extra.append(f"{len(unique_tms) - AFFECTED_CAP:,} more TaskManagers")
    note = ("and " + " and ".join(extra) + " in the timeline") if extra else ""
    return tuple(jobs[:AFFECTED_CAP]), tuple(unique_tms[:AFFECTED_CAP]), note


def _job_label(name: str, ids: list[str]) -> str:
    """``name (id)``; a name with several ids (resubmissions) says how many more; an id alone stays as it is."""
    if not ids:
        return name
    if len(ids) == 1:
        return f"{name} ({ids[0]})"
    return f"{name} ({ids[0]} and {len(ids) - 1:,} more ids: resubmitted)"


def _verdict(
    analysis: Analysis,
    ranked: list[Finding],
    views: Mapping[str, FindingView],
    bounds: _Bounds | None,
    window_from_events: bool,
) -> VerdictView:
    incident = analysis.incident
    jobs, tms, affected_note = _affected(ranked, _in_window(analysis.events, bounds))
    if bounds is None:
        window_text, duration = "unknown", ""
    else:
        window_text, duration = f"{format_ts(bounds[0])} – {format_ts(bounds[1])}", span(*bounds)

    seen: tuple[str, ...]
    top = ranked[0] if ranked and ranked[0].kind is FindingKind.ROOT_CAUSE else None
    view = views[top.id] if top is not None else None
    if top is not None and view is not None:
        headline, summary = top.title, top.summary or (view.diagnosis[0] if view.diagnosis else "")
        timed = [(e.ts, index) for index, e in enumerate(top.evidence) if e.ts is not None]
        first_sign = view.evidence[min(timed)[1]] if timed else (view.evidence[0] if view.evidence else None)
        missing, seen = top.missing, ()
    else:
        symptoms = sum(1 for f in ranked if f.kind is FindingKind.SYMPTOM)
        risks = sum(1 for f in ranked if f.kind is FindingKind.RISK)
        analysed = sum(1 for s in analysis.sources if s.skipped_reason is None)
        headline = "No root cause could be established"
        summary = (
            f"No catalogued root-cause sequence matched. Seen: {plural(symptoms, 'symptom')} and "
            f"{plural(risks, 'risk')} in {plural(analysis.events.height, 'classified event')} from "
            f"{plural(analysed, 'analysed source')}."
        )
        first_sign = None
        missing = tuple(dict.fromkeys(item for f in ranked for item in f.missing))
        seen = tuple(f"{views[f.id].severity_label} {views[f.id].kind_label.lower()}: {f.title}" for f in ranked)
    missing = missing + _missing_inputs(analysis, tms, missing)
    return VerdictView(
        established=view is not None,
        headline=headline,
        summary=summary,
        finding_href=None if view is None else "#" + view.anchor,
        severity_label="" if view is None else view.severity_label,
        severity_class="" if view is None else view.severity_class,
        confidence="" if view is None else view.confidence,
        window=window_text,
        window_duration=duration,
        window_note="from the first and last event" if window_from_events and bounds else "",
        jobs=jobs,
        taskmanagers=tms,
        affected_note=affected_note,
        remedy=view.remediation[0] if view is not None and view.remediation else None,
        first_sign=first_sign,
        missing=missing,
        missing_note="" if missing else "Nothing is known to be missing: every log the matched rules read is here.",
        seen=seen,
        context=(
            KeyValue("Flink version", incident.flink_version or "unknown"),
            KeyValue("Deployment", incident.deployment),
            KeyValue("Time zone of naive timestamps", incident.tz_used),
        ),
    )


def _missing_inputs(analysis: Analysis, taskmanagers: Iterable[str], said: Iterable[str]) -> tuple[str, ...]:
    """Inputs whose absence lowers confidence, said once: no GC log, no JobManager log, no log of an affected TM."""
    analysed = {s.kind for s in analysis.sources if s.skipped_reason is None}
    already = " ".join(said).lower()
    hints = []
    if SourceKind.GC_LOG not in analysed and "gc log" not in already:
        hints.append(
            "No GC log: it shows the heap's occupancy and every pause "
            "(-Xlog:gc*:file=... in env.java.opts.taskmanager)."
        )
    if SourceKind.FLINK_JOBMANAGER not in analysed and "jobmanager log" not in already:
        hints.append("No JobManager log: it records the restarts, lost TaskManagers and checkpoints.")
    tm_logs = analysis.events.filter(pl.col("source_kind") == SourceKind.FLINK_TASKMANAGER.value)
    if SourceKind.FLINK_TASKMANAGER not in analysed:
        hints.append("No TaskManager log: the affected TaskManagers' own logs show what they were doing.")
    else:
        named_in_tm_logs = set(tm_logs["tm_id"].drop_nulls().unique().to_list())
        for tm in taskmanagers:
            if tm not in named_in_tm_logs:
                hints.append(f"No log of TaskManager {tm}.")
    return tuple(hints)


def _key_list() -> pl.Expr:
    parts = [pl.when(pl.col(k).is_not_null()).then(pl.lit(f"{k}=") + pl.col(k).cast(pl.String)) for k in KEY_COLUMNS]
    return pl.concat_list(parts).list.drop_nulls()


def _timeline(
    analysis: Analysis,
    classified: pl.DataFrame,
    window: svg.TimeWindow | None,
    incident: svg.TimeWindow | None,
    anchors: _Anchors,
) -> TimelineView:
    chart = None if window is None else svg.timeline_chart(classified, window, anchor=anchors.event, incident=incident)
    lines = {"source": EVENTS_SCHEMA["source"], "line": pl.Int64()}
    marked = pl.DataFrame([(m.source, m.line) for m in chart.markers] if chart else [], schema=lines, orient="row")
    cited = pl.DataFrame(
        [(e.source, e.line) for f in analysis.findings for e in f.evidence], schema=lines, orient="row"
    )
    chosen = (
        classified.join(
            marked.unique().with_columns(marked=True), on=["source", "line"], how="left", maintain_order="left"
        )
        .join(cited.unique().with_columns(cited=True), on=["source", "line"], how="left", maintain_order="left")
        .with_columns(pl.col("marked", "cited").fill_null(False))
        .sort(["marked", "cited", "family_rank", "ts"], descending=[True, True, False, False], nulls_last=True)
        .head(EVENTS_TABLE_CAP)
        .sort(["ts", "source", "line"], nulls_last=True)
        .with_columns(keys=_key_list(), text=pl.col("text").fill_null("").str.slice(0, EVENT_TEXT_CAP + 1))
    )
    rows = []
    for row in chosen.iter_rows(named=True):
        family = svg.FAMILY_BY_ID[row["family"]]
        rows.append(
            EventRow(
                anchor=anchors.claim(anchors.event(row["source"], row["line"])),
                ts=format_ts(row["ts"]),
                location=f"{row['source']}:{row['line']}",
                kind=row["kind"] or "",
                family_label=family.label,
                family_color=family.color,
                level=row["level"] or "",
                keys=tuple(row["keys"]),
                text=shorten(row["text"], EVENT_TEXT_CAP),
            )
        )
    total = classified.height
    if total == 0:
        summary = "No event was classified."
    elif total <= EVENTS_TABLE_CAP:
        summary = f"All {total:,} classified events, in time order."
    else:
        summary = (
            f"{EVENTS_TABLE_CAP:,} of {total:,} classified events, in time order: every event a chart marker links to, "
            "then the evidence of the findings, then the most serious and earliest of the rest. "
            "The Parquet export holds them all."
        )
    untimed = classified.filter(pl.col("ts").is_null()).height
    unplotted = ""
    if untimed:
        unplotted = f"{untimed:,} events without a time are" if untimed > 1 else "1 event without a time is"
        unplotted += " in the table only, not in the chart."
    return TimelineView(chart, tuple(rows), summary, unplotted)


def _gc(analysis: Analysis, window: svg.TimeWindow | None, incident: svg.TimeWindow | None) -> GcView:
    rows = tuple(
        GcRow(
            source=s.source,
            parts=_gc_parts(s.source, s.parts),
            taskmanager=s.tm_id or "—",
            collector=s.collector,
            format=s.format,
            pauses=f"{s.pause_count:,}",
            total=format_ms(s.pause_total_ms),
            max=format_ms(s.pause_max_ms),
            max_class=level(s.pause_max_ms, GC_PAUSE_WARN_MS, GC_PAUSE_BAD_MS),
            p50=format_ms(s.pause_p50_ms),
            p99=format_ms(s.pause_p99_ms),
            full_gcs=f"{s.full_gc_count:,}",
            throughput="—" if s.throughput_pct is None else f"{s.throughput_pct:.1f}%",
            throughput_class=""
            if s.throughput_pct is None
            else level(s.throughput_pct, GC_THROUGHPUT_WARN_PCT, GC_THROUGHPUT_BAD_PCT, higher_is_worse=False),
        )
        for s in sorted(analysis.gc, key=lambda s: natural_key(s.source))
    )
    pause_chart = svg.gc_pause_chart(analysis.gc_events, incident=incident, window=window)
    heap_chart = svg.gc_heap_chart(analysis.gc_events, incident=incident, window=window)
    note = ""
    if not rows and analysis.gc_events.is_empty():
        note = (
            "No GC log was analysed. GC logs (-Xlog:gc*:file=... in env.java.opts.taskmanager) show whether long "
            "pauses stalled a TaskManager."
        )
    elif pause_chart is None and heap_chart is None:
        note = "The GC events have no wall-clock time, so they are summarised but not charted."
    return GcView(rows, pause_chart, heap_chart, note)


def _gc_parts(source: str, parts: tuple[str, ...]) -> str:
    """A rotated set's files in content order, named within the set's folder (``tm-1/gc.log.2``: ``gc.log.2``);
    empty for a single file."""
    if len(parts) < 2:
        return ""
    folder = source.rpartition("/")[0] + "/" if "/" in source else ""
    names = (part.removeprefix(folder) if folder else part for part in parts)
    return f"{plural(len(parts), 'part')}: {', '.join(names)}"


def _css() -> Markup:
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    # Our own stylesheet, not log text; "</" could still end the <style> element early.
    return Markup(css.replace("</", "<\\/"))


def _time_bounds(*frames: pl.DataFrame) -> list[dt.datetime | None]:
    """The first and last ``ts`` of each frame: what the shared time axis must hold."""
    bounds: list[dt.datetime | None] = []
    for frame in frames:
        if frame.height:
            bounds.extend(frame.select(pl.col("ts").min(), pl.col("ts").max().alias("last")).row(0))
    return bounds


def _caps() -> tuple[str, ...]:
    return (
        f"Timeline table: {EVENTS_TABLE_CAP:,} events at most; chart: {svg.MAX_MARKERS:,} markers, "
        f"{svg.MAX_LANES} lanes.",
        f"Evidence: {EVIDENCE_ROWS_CAP} lines per finding, {EVIDENCE_TEXT_CAP:,} characters per line.",
        f"Event text: {EVENT_TEXT_CAP:,} characters; context lines: {CONTEXT_LINE_CAP:,} characters.",
        f"Exceptions: {EXCEPTION_GROUPS_CAP} signatures, {EXCEPTION_TRACE_CAP:,} characters per example trace.",
        f"Checkpoints: {CHECKPOINT_ROWS_CAP} rows; silences: the {GAPS_CAP} longest.",
        f"Charts: {MAX_LINES} series each (GC logs: {svg.MAX_SERIES}), min and max per 2-pixel time bucket.",
        "The JSON report (--json) and the Parquet export (--parquet) are not capped this way.",
    )


def _provenance(analysis: Analysis) -> ProvenanceView:
    files = []
    for stats in sorted(analysis.sources, key=lambda s: natural_key(s.path)):
        files.append(InputFile(stats.path, stats.kind.value, stats.sha256 or "not recorded"))
    recorded = any(f.sha256 != "not recorded" for f in files)
    return ProvenanceView(
        tool_version=logforensics.__version__,
        catalogue_version=analysis.catalogue_version,
        generated_at=format_ts(analysis.generated_at),
        command=analysis.command,
        root=analysis.root,
        inputs=analysis.inputs,
        files=tuple(files),
        hashes_note="" if recorded else "This version of the analysis does not record the input files' SHA-256.",
        caps=_caps(),
    )


def _heading(root: str) -> str:
    name = root.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return "Flink incident post-mortem" + (f" · {name}" if name and name != "." else "")


def build_view(analysis: Analysis, *, embed_js: bool = True) -> ReportView:
    """The view model of ``analysis``'s HTML report; ``embed_js`` adds the optional inline script."""
    ranked = _ranked(analysis.findings)
    events = analysis.events
    evidence_sources = [e.source for f in ranked for e in f.evidence]
    anchors = _Anchors([s.path for s in analysis.sources] + events["source"].unique().to_list() + evidence_sources)

    start, end = analysis.incident.start, analysis.incident.end
    first_event, last_event = (
        events.select(first=pl.col("ts").min(), last=pl.col("ts").max()).row(0) if events.height else (None, None)
    )
    incident_bounds = (start, end) if start is not None and end is not None else None
    event_bounds = (first_event, last_event) if first_event is not None and last_event is not None else None
    incident = svg.TimeWindow.between(*incident_bounds) if incident_bounds else None
    # One time axis for every chart (timeline, GC, metrics, checkpoints), so that they line up on the page.
    chart_window = svg.TimeWindow.covering(start, end, *_time_bounds(events, analysis.gc_events, analysis.metrics))
    classified = svg.classify_events(events)
    timeline = _timeline(analysis, classified, chart_window, incident, anchors)
    in_table = {row.anchor for row in timeline.rows}

    def href_of(source: str, line: int) -> str | None:
        anchor = anchors.event(source, line)
        return "#" + anchor if anchor in in_table else None

    finding_anchors = {f.id: anchors.claim(f"finding-{_slug(f.id)}") for f in ranked}
    links = {f.id: Link(f.title, "#" + finding_anchors[f.id]) for f in ranked}
    views = {
        f.id: _finding_view(
            f, finding_anchors[f.id], _evidence_rows(finding_anchors[f.id], f.evidence, anchors, in_table), links
        )
        for f in ranked
    }
    verdict = _verdict(analysis, ranked, views, incident_bounds or event_bounds, incident_bounds is None)

    page_title = "Flink incident post-mortem"
    if verdict.established:
        page_title += ": " + verdict.headline
    return ReportView(
        page_title=page_title,
        heading=_heading(analysis.root),
        css=_css(),
        script_enabled=embed_js,
        page_data={
            "top_finding": ranked[0].id if verdict.established else None,
            "findings": [
                {
                    "id": f.id,
                    "title": f.title,
                    "kind": f.kind.value,
                    "severity": f.severity.value,
                    "confidence": f.confidence,
                }
                for f in ranked
            ],
            "kinds": sorted({row.kind for row in timeline.rows}),
        },
        verdict=verdict,
        chain=_chain(ranked, views),
        timeline=timeline,
        findings=tuple(views[f.id] for f in ranked),
        gc=_gc(analysis, chart_window, incident),
        metrics=build_metrics(analysis.metrics, window=chart_window, incident=incident),
        exceptions=build_exceptions(analysis.exceptions, href_of=href_of),
        checkpoints=build_checkpoints(events, window=chart_window, incident=incident, href_of=href_of),
        quality=build_quality(analysis.sources, events, tz_used=analysis.incident.tz_used, href_of=href_of),
        provenance=_provenance(analysis),
    )
