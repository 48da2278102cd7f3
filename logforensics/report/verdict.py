"""The findings, the causal chain and the verdict of the HTML report, built as view-model records.

Findings are ranked (root causes first, then symptoms, then risks) and each becomes a :class:`FindingView` with its
evidence lines, capped; the causal chain nests them under the root causes that explain them; the verdict, the report's
first screen, names the top root cause, the incident window, the affected jobs and TaskManagers, and what is missing
that would raise confidence.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping

import polars as pl

from logforensics.model import KEY_COLUMNS, Analysis, Evidence, Finding, FindingKind, Remediation, SourceKind
from logforensics.report.anchors import Anchors
from logforensics.report.formatting import capped, format_pct, format_ts, natural_key, plural, shorten, span
from logforensics.report.viewmodel import (
    ChainNode,
    ChainView,
    ConfigAdvice,
    EvidenceRow,
    FindingView,
    KeyValue,
    Link,
    RemedyView,
    VerdictView,
)

EVIDENCE_TEXT_CAP = 4000
"""Characters of one evidence line shown; the rest is counted, not printed (a 1 MB line must not bloat the page)."""
EVIDENCE_ROWS_CAP = 25
"""Evidence lines shown per finding, in the order the finding gives them; the JSON report holds them all."""
CONTEXT_LINE_CAP = 500
"""Characters of one context line (the lines around an evidence line) shown."""
AFFECTED_CAP = 12
"""Jobs or TaskManagers named in the verdict at most."""

_KIND_LABELS = {FindingKind.ROOT_CAUSE: "Root cause", FindingKind.SYMPTOM: "Symptom", FindingKind.RISK: "Risk"}
_KIND_ORDER = {FindingKind.ROOT_CAUSE: 0, FindingKind.SYMPTOM: 1, FindingKind.RISK: 2}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank-line separated paragraphs, each unwrapped (rule texts are hard-wrapped in their TOML files)."""
    return tuple(" ".join(part.split()) for part in _PARAGRAPH_BREAK.split(text) if part.strip())


def rank_findings(findings: Iterable[Finding]) -> list[Finding]:
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


def evidence_rows(
    finding_anchor: str, evidence: Iterable[Evidence], anchors: Anchors, in_table: set[str]
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


def finding_view(
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


def build_chain(ranked: list[Finding], views: Mapping[str, FindingView]) -> ChainView:
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


def build_verdict(
    analysis: Analysis,
    ranked: list[Finding],
    views: Mapping[str, FindingView],
    bounds: _Bounds | None,
    window_from_events: bool,
) -> VerdictView:
    incident = analysis.incident
    named = analysis.events.select("ts", "job_id", "job_name", "tm_id")  # before the filter: it copies what it keeps
    jobs, tms, affected_note = _affected(ranked, _in_window(named, bounds))
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
    tm_logs = analysis.events.select("source_kind", "tm_id").filter(
        pl.col("source_kind") == SourceKind.FLINK_TASKMANAGER.value
    )
    if SourceKind.FLINK_TASKMANAGER not in analysed:
        hints.append("No TaskManager log: the affected TaskManagers' own logs show what they were doing.")
    else:
        named_in_tm_logs = set(tm_logs["tm_id"].drop_nulls().unique().to_list())
        for tm in taskmanagers:
            if tm not in named_in_tm_logs:
                hints.append(f"No log of TaskManager {tm}.")
    return tuple(hints)
