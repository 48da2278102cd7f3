"""The JSON report: one document, ``schema_version`` 1, stable key order.

Later versions may add fields, never rename these. Timestamps are ISO 8601 in UTC with milliseconds and a ``Z``.
Added after the first version (issue 6), at the end of the document: ``exceptions``, ``checkpoints``, ``metrics``,
``data_quality``: the numbers the HTML report's sections show, uncapped.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl

import logforensics
from logforensics.model import Analysis, Evidence, ExceptionGroup, Finding, GcSummary, SourceStats
from logforensics.report.checkpoints import checkpoint_table, job_summary
from logforensics.report.metrics import metrics_summary
from logforensics.report.output import write_atomic
from logforensics.report.quality import skew_table
from logforensics.texts import EventTexts

SCHEMA_VERSION = 1


def iso(ts: dt.datetime | None) -> str | None:
    if ts is None:
        return None
    if ts.tzinfo is not None:
        ts = ts.astimezone(dt.UTC).replace(tzinfo=None)
    return ts.isoformat(timespec="milliseconds") + "Z"


def _source(s: SourceStats) -> dict[str, Any]:
    return {
        "path": s.path,
        "kind": str(s.kind),
        "layout": s.layout,
        "lines": s.lines,
        "records": s.records,
        "unparsed_lines": s.unparsed_lines,
        "first_ts": iso(s.first_ts),
        "last_ts": iso(s.last_ts),
        "skipped_reason": s.skipped_reason,
        "tz_used": s.tz_used,
        "warnings": list(s.warnings),
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    return {"source": e.source, "line": e.line, "ts": iso(e.ts), "text": e.text, "signal": e.signal}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "kind": str(f.kind),
        "severity": str(f.severity),
        "confidence": f.confidence,
        "first_ts": iso(f.first_ts),
        "last_ts": iso(f.last_ts),
        "keys": dict(sorted(f.keys.items())),
        "explains": list(f.explains),
        "evidence": [_evidence(e) for e in f.evidence],
        "remediation": [{"action": r.action, "config": dict(r.config)} for r in f.remediation],
        "summary": f.summary,
        "count": f.count,
        "explained_by": f.explained_by,
        "why": f.why,
        "missing": list(f.missing),
        "references": list(f.references),
    }


def _gc(g: GcSummary) -> dict[str, Any]:
    return {
        "source": g.source,
        "collector": g.collector,
        "format": g.format,
        "stw_pauses": {
            "count": g.pause_count,
            "total_ms": round(g.pause_total_ms, 3),
            "max_ms": round(g.pause_max_ms, 3),
            "p50_ms": round(g.pause_p50_ms, 3),
            "p99_ms": round(g.pause_p99_ms, 3),
        },
        "full_gc_count": g.full_gc_count,
        "throughput_pct": None if g.throughput_pct is None else round(g.throughput_pct, 3),
        "tm_id": g.tm_id,
        "parts": list(g.parts),
    }


def _exception(group: ExceptionGroup) -> dict[str, Any]:
    return {
        "signature": group.signature,
        "exception": group.exception,
        "root_cause": group.root_cause,
        "count": group.count,
        "first_ts": iso(group.first_ts),
        "last_ts": iso(group.last_ts),
        "example_source": group.example_source,
        "example_line": group.example_line,
        "benign": group.benign,
    }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _checkpoints(events: pl.DataFrame, texts: EventTexts) -> dict[str, Any]:
    table = checkpoint_table(events, texts)
    jobs = [
        {
            "job_id": row["job_id"],
            "triggered": row["triggered"],
            "completed": row["completed"],
            "failed": row["failed"],
            "no_outcome": row["no_outcome"],
            "duration_ms_median": _rounded(row["duration_ms_median"]),
            "duration_ms_max": _rounded(row["duration_ms_max"]),
            "size_bytes_last": row["size_bytes_last"],
            "size_bytes_max": row["size_bytes_max"],
            "first_failure_ts": iso(row["first_failure_ts"]),
        }
        for row in job_summary(table).iter_rows(named=True)
    ]
    failed = [
        {
            "job_id": row["job_id"],
            "checkpoint_id": row["checkpoint_id"],
            "outcome": row["outcome"],
            "triggered_ts": iso(row["triggered_ts"]),
            "failed_ts": iso(row["failed_ts"]),
            "source": row["source"],
            "line": row["line"],
        }
        for row in table.filter(pl.col("status") == "failed").iter_rows(named=True)
    ]
    return {"jobs": jobs, "failed": failed}


def _metrics(metrics: pl.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "panel": row["panel"],
            "series": row["series"],
            "samples": row["samples"],
            "peak": _rounded(row["peak"]),
            "peak_ts": iso(row["peak_ts"]),
            "last": _rounded(row["last"]),
        }
        for row in metrics_summary(metrics).iter_rows(named=True)
    ]


def _data_quality(events: pl.DataFrame) -> dict[str, Any]:
    gaps = events.filter(pl.col("kind") == "tm_log_gap", pl.col("value").is_not_null())
    return {
        "time_gaps": {
            "count": gaps.height,
            "longest_s": _rounded(gaps["value"].max()) if gaps.height else None,  # type: ignore[arg-type]
        },
        "clock_skew": [
            {
                "tm_id": row["tm_id"],
                "source": row["source"],
                "pairs": row["pairs"],
                "smallest_ms": row["smallest_ms"],
                "median_ms": row["median_ms"],
            }
            for row in skew_table(events).iter_rows(named=True)
        ],
    }


def to_document(analysis: Analysis) -> dict[str, Any]:
    counts = analysis.events.group_by("kind").agg(pl.len()).sort("kind")
    incident = analysis.incident
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "logforensics", "version": logforensics.__version__},
        "incident": {
            "start": iso(incident.start),
            "end": iso(incident.end),
            "flink_version": incident.flink_version,
            "deployment": incident.deployment,
            "tz_used": incident.tz_used,
        },
        "sources": [_source(s) for s in analysis.sources],
        "findings": [_finding(f) for f in analysis.findings],
        "timeline": {"counts": dict(zip(counts["kind"].to_list(), counts["len"].to_list(), strict=True))},
        "gc": [_gc(g) for g in analysis.gc],
        "catalogue_version": analysis.catalogue_version,
        "generated_at": iso(analysis.generated_at),
        "exceptions": [_exception(group) for group in analysis.exceptions],
        "checkpoints": _checkpoints(analysis.events, analysis.texts),
        "metrics": _metrics(analysis.metrics),
        "data_quality": _data_quality(analysis.events),
    }


def render_json(analysis: Analysis) -> str:
    return json.dumps(to_document(analysis), indent=2, ensure_ascii=False) + "\n"


def write_json(analysis: Analysis, path: Path) -> None:
    write_atomic(path, render_json(analysis))
