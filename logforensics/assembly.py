"""The parts of ``analyze``'s Analysis built after matching: evidence context, source rows, metrics, the incident.

Also which signals the inputs could show at all (matching leaves the others out of the findings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import regex

from logforensics.catalogue.model import Catalogue, SignalSource
from logforensics.context import Context, context_in_lines, context_lines
from logforensics.errors import InputError
from logforensics.inputs import Parsed
from logforensics.model import METRICS_SCHEMA, Finding, Incident, SourceKind, SourceStats
from logforensics.scan import ScanResult
from logforensics.texts import EventTexts


def with_context(
    findings: list[Finding], parsed: list[Parsed], max_bytes: int, texts: EventTexts | None = None
) -> list[Finding]:
    """Evidence lines with their texts (from ``texts`` where the timeline left them out: see texts.py) and the lines
    around them: from the lines in memory for inputs read whole, read again around the line marks the scan left for
    the others."""
    findings = _with_texts(findings, texts) if texts is not None else findings
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        for evidence in finding.evidence:
            wanted.setdefault(evidence.source, set()).add(evidence.line)
    context: dict[str, Context] = {}
    for p in parsed:
        lines = wanted.get(p.found.label)
        if not lines or p.skipped_reason is not None:
            continue
        if p.lines is not None:  # read whole (GC logs, saved traces): the lines are at hand
            context[p.found.label] = context_in_lines(p.lines, lines)
            continue
        try:
            context[p.found.label] = context_lines(
                p.found, max_bytes, lines, marks=p.scan.marks if p.scan is not None else None
            )
        except (InputError, OSError):
            continue  # the file went away since it was read: the evidence stays without context
    return [
        replace(
            finding,
            evidence=tuple(
                replace(e, context_before=around[0], context_after=around[1])
                if (around := context.get(e.source, {}).get(e.line))
                else e
                for e in finding.evidence
            ),
        )
        for finding in findings
    ]


def _with_texts(findings: list[Finding], texts: EventTexts) -> list[Finding]:
    rows = [(e.source, e.line, None) for f in findings for e in f.evidence if not e.text]
    if not rows:
        return findings
    schema = {"source": pl.String(), "line": pl.Int64(), "text": pl.String()}
    filled = texts.fill(pl.DataFrame(rows, schema=schema, orient="row")).drop_nulls("text")
    text = {(source, line): value for source, line, value in filled.iter_rows()}
    return [
        replace(
            finding,
            evidence=tuple(
                replace(e, text=text.get((e.source, e.line), e.text)) if not e.text else e for e in finding.evidence
            ),
        )
        for finding in findings
    ]


def metrics(scans: list[tuple[str, ScanResult]], owners: dict[str, str]) -> pl.DataFrame:
    """Every source's metrics, each with the TaskManager its source belongs to."""
    frames = [scan.metrics.with_columns(tm_id=pl.lit(owners.get(label), dtype=pl.String)) for label, scan in scans]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=METRICS_SCHEMA)


def available_signals(catalogue: Catalogue, parsed: list[Parsed]) -> set[str]:
    kinds = {p.kind for p in parsed if p.skipped_reason is None}
    available: set[str] = set()
    for signal in catalogue.signals.values():
        if SignalSource.GC in signal.sources and SourceKind.GC_LOG in kinds:
            available.add(signal.id)
        if SignalSource.FLINK in signal.sources and any(k.is_flink or k is SourceKind.EXCEPTION_TRACE for k in kinds):
            available.add(signal.id)
        if SignalSource.STDOUT in signal.sources and any(k.is_plain for k in kinds):
            available.add(signal.id)
    return available


def stats(p: Parsed, tz_label: str) -> SourceStats:
    if p.skipped_reason is not None:
        return SourceStats(p.found.label, p.kind, p.layout, skipped_reason=p.skipped_reason)
    if p.gc is not None:
        return SourceStats(
            p.found.label,
            p.kind,
            p.layout,
            lines=p.gc.lines,
            records=p.gc.events.height,
            unparsed_lines=p.gc.unparsed_lines,
            first_ts=p.gc.first_ts,
            last_ts=p.gc.last_ts,
            tz_used="from the log (time decoration)" if p.gc.utc_offset is not None else "uptime only",
            warnings=p.warnings + p.gc.warnings,
            sha256=p.sha256,
        )
    assert p.scan is not None
    zone = {"json": "from the log (zoned timestamps)", "time_only": f"{tz_label}; date taken from context"}
    return SourceStats(
        p.found.label,
        p.kind,
        p.layout,
        lines=p.scan.lines,
        records=p.scan.records_total,
        unparsed_lines=p.scan.unparsed_lines,
        first_ts=p.scan.first_ts,
        last_ts=p.scan.last_ts,
        tz_used=None if p.kind.is_plain else zone.get(p.layout or "", tz_label),
        warnings=p.warnings,
        sha256=p.scan.sha256 or p.sha256,
    )


def incident(
    findings: list[Finding],
    stats: tuple[SourceStats, ...],
    version: str | None,
    deployment: str,
    events: pl.DataFrame,
    tz_label: str,
) -> Incident:
    """The incident window: from the first to the last evidence of the findings, else the span of the logs."""
    firsts = [f.first_ts for f in findings if f.first_ts is not None]
    lasts = [f.last_ts for f in findings if f.last_ts is not None]
    start: dt.datetime | None
    end: dt.datetime | None
    if firsts:
        start, end = min(firsts), max(lasts or firsts)
    else:
        spans = [(s.first_ts, s.last_ts) for s in stats if s.first_ts is not None]
        start = min((a for a, _ in spans), default=None)
        end = max((b for _, b in spans if b is not None), default=None)
    if deployment == "unknown":
        deployment = _deployment_from_events(events)
    return Incident(start=start, end=end, flink_version=version, deployment=deployment, tz_used=tz_label)


_K8S_POD = regex.compile(r"-taskmanager-\d+-\d+$")


def _deployment_from_events(events: pl.DataFrame) -> str:
    ids = events.select(pl.col("tm_id").drop_nulls().unique()).to_series().to_list()
    if any(i.startswith("container_") for i in ids):
        return "yarn"
    if any(_K8S_POD.search(i) for i in ids):
        return "kubernetes"
    return "unknown"
