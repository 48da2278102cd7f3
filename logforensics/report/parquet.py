"""The Parquet export (``analyze --parquet DIR``): the incident's tables for DuckDB, polars or Spark users.

One file per table, each written to a temporary file in ``DIR`` first; only when every table is written are they
renamed into place, so a reader never sees half a file and a failed export leaves the folder as it was.

- ``events.parquet``: the timeline (model.EVENTS_SCHEMA), every classified event, uncapped;
- ``gc_events.parquet``: every GC event (model.GC_EVENTS_SCHEMA);
- ``findings.parquet``: one row per finding in rank order, with its evidence, remediation and keys as lists;
- ``evidence.parquet``: the same evidence flat, one row per line, with the finding's id;
- ``metrics.parquet``: the metric samples the logs carry (model.METRICS_SCHEMA);
- ``exceptions.parquet``: one row per exception signature, with its example trace;
- ``checkpoints.parquet``: one row per (job, checkpoint) (report.checkpoints.TABLE_SCHEMA).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import polars as pl

from logforensics.errors import OutputError
from logforensics.model import UTC_MS, Analysis
from logforensics.report.checkpoints import checkpoint_table
from logforensics.report.output import file_mode

_EVIDENCE_FIELDS: dict[str, pl.DataType] = {
    "source": pl.String(),
    "line": pl.Int64(),
    "ts": UTC_MS,
    "signal": pl.String(),
    "text": pl.String(),
}
EVIDENCE_STRUCT = pl.Struct(_EVIDENCE_FIELDS)
REMEDIATION_STRUCT = pl.Struct(
    {
        "action": pl.String(),
        "config": pl.List(pl.Struct({"key": pl.String(), "advice": pl.String()})),
    }
)
FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "rank": pl.Int64(),  # 1 = the best explanation, as in the JSON report
    "id": pl.String(),
    "title": pl.String(),
    "kind": pl.String(),
    "severity": pl.String(),
    "confidence": pl.Float64(),
    "first_ts": UTC_MS,
    "last_ts": UTC_MS,
    "count": pl.Int64(),
    "summary": pl.String(),
    "diagnosis": pl.String(),
    "why": pl.String(),
    "explained_by": pl.String(),
    "explains": pl.List(pl.String()),
    "missing": pl.List(pl.String()),
    "references": pl.List(pl.String()),
    "keys": pl.List(pl.Struct({"key": pl.String(), "value": pl.String()})),
    "remediation": pl.List(REMEDIATION_STRUCT),
    "evidence": pl.List(EVIDENCE_STRUCT),
}
EVIDENCE_SCHEMA: dict[str, pl.DataType] = {"finding_id": pl.String(), **_EVIDENCE_FIELDS}
EXCEPTIONS_SCHEMA: dict[str, pl.DataType] = {
    "signature": pl.String(),
    "exception": pl.String(),
    "root_cause": pl.String(),
    "count": pl.Int64(),
    "first_ts": UTC_MS,
    "last_ts": UTC_MS,
    "example_source": pl.String(),
    "example_line": pl.Int64(),
    "example": pl.String(),
    "benign": pl.Boolean(),
}
TABLES: tuple[str, ...] = ("events", "gc_events", "findings", "evidence", "metrics", "exceptions", "checkpoints")


def _findings(analysis: Analysis) -> pl.DataFrame:
    rows = [
        {
            "rank": rank,
            "id": f.id,
            "title": f.title,
            "kind": f.kind.value,
            "severity": f.severity.value,
            "confidence": f.confidence,
            "first_ts": f.first_ts,
            "last_ts": f.last_ts,
            "count": f.count,
            "summary": f.summary,
            "diagnosis": f.diagnosis,
            "why": f.why,
            "explained_by": f.explained_by,
            "explains": list(f.explains),
            "missing": list(f.missing),
            "references": list(f.references),
            "keys": [{"key": k, "value": v} for k, v in sorted(f.keys.items())],
            "remediation": [
                {"action": r.action, "config": [{"key": k, "advice": v} for k, v in r.config.items()]}
                for r in f.remediation
            ],
            "evidence": [
                {"source": e.source, "line": e.line, "ts": e.ts, "signal": e.signal, "text": e.text} for e in f.evidence
            ],
        }
        for rank, f in enumerate(analysis.findings, start=1)
    ]
    return pl.DataFrame(rows, schema=FINDINGS_SCHEMA)


def _evidence(analysis: Analysis) -> pl.DataFrame:
    rows = [
        {"finding_id": f.id, "source": e.source, "line": e.line, "ts": e.ts, "signal": e.signal, "text": e.text}
        for f in analysis.findings
        for e in f.evidence
    ]
    return pl.DataFrame(rows, schema=EVIDENCE_SCHEMA)


def _exceptions(analysis: Analysis) -> pl.DataFrame:
    rows = [
        {
            "signature": g.signature,
            "exception": g.exception,
            "root_cause": g.root_cause,
            "count": g.count,
            "first_ts": g.first_ts,
            "last_ts": g.last_ts,
            "example_source": g.example_source,
            "example_line": g.example_line,
            "example": g.example,
            "benign": g.benign,
        }
        for g in analysis.exceptions
    ]
    return pl.DataFrame(rows, schema=EXCEPTIONS_SCHEMA)


def parquet_tables(analysis: Analysis) -> dict[str, pl.DataFrame]:
    """The tables of the export, by file stem, in :data:`TABLES` order."""
    return {
        "events": analysis.with_text(analysis.events),
        "gc_events": analysis.gc_events,
        "findings": _findings(analysis),
        "evidence": _evidence(analysis),
        "metrics": analysis.metrics,
        "exceptions": _exceptions(analysis),
        "checkpoints": checkpoint_table(analysis.events, analysis.texts),
    }


def write_parquet(analysis: Analysis, folder: str | os.PathLike[str]) -> list[Path]:
    """Write every table as ``<folder>/<table>.parquet``; all files appear together or none changes."""
    target = Path(folder)
    written: list[tuple[Path, Path]] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, frame in parquet_tables(analysis).items():
            fd, tmp_name = tempfile.mkstemp(dir=target, prefix=f".{name}.", suffix=".parquet.tmp")
            os.close(fd)
            tmp = Path(tmp_name)
            written.append((tmp, target / f"{name}.parquet"))
            frame.write_parquet(tmp)
            tmp.chmod(file_mode())
        for tmp, final in written:
            tmp.replace(final)
    except BaseException as exc:
        for tmp, _ in written:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write the Parquet files: {exc.strerror or exc}") from exc
        raise
    return [final for _, final in written]
