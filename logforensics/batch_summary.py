"""The fleet summary of a batch scan (one row per incident), its files, and the per-incident done-markers.

Files under OUTDIR, each written atomically (a temporary file beside it, then a rename), so that a scan killed at any
point leaves every file either as it was or complete:

- ``summary.parquet`` and ``summary.ndjson``: the rows, sorted by incident (schema: ``SUMMARY_SCHEMA``; in the
  NDJSON, timestamps are ISO 8601 UTC strings as in the JSON report).
- ``incidents/<slug>/report.html``, ``report.json``: the incident's reports, as ``logforensics analyze`` writes them.
- ``incidents/<slug>/done.json``: the done-marker, written last: the cache key, the row and the exception
  signatures. An incident with a marker whose key is unchanged is not analysed again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from logforensics.model import UTC_MS
from logforensics.report.json import iso
from logforensics.report.output import write_atomic, write_atomic_with

MARKER_VERSION = 1
MARKER_NAME = "done.json"

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "incident": pl.String(),  # <root name>/<path below the root>
    "path": pl.String(),  # absolute path or URL of the archive / folder
    "content_hash": pl.String(),  # sha256 of the incident's bytes
    "start": UTC_MS,  # incident window (as in the report)
    "end": UTC_MS,
    "flink_version": pl.String(),
    "deployment": pl.String(),  # yarn | kubernetes | standalone | unknown
    "root_cause": pl.String(),  # id of the top root-cause finding, null when none was established
    "severity": pl.String(),  # of that finding
    "confidence": pl.Float64(),  # of that finding
    "restarts": pl.Int64(),  # timeline events by family: restart
    "heartbeat_timeouts": pl.Int64(),  # heartbeat
    "ooms": pl.Int64(),  # oom
    "checkpoint_failures": pl.Int64(),  # checkpoint_failure
    "gc_pauses": pl.Int64(),  # gc_pause (long GC pauses)
    "findings": pl.Int64(),  # findings of every kind
    "sources": pl.Int64(),  # inputs analysed
    "skipped": pl.List(pl.String()),  # "<input>: <why it was not analysed>" (refused members, damage, non-logs)
    "warnings": pl.List(pl.String()),  # "<input>: <problem met reading it>" (a truncated gzip, a cut file), capped
    "error": pl.String(),  # why the incident could not be analysed; null when it was
    "report_html": pl.String(),  # relative to OUTDIR; null when no report was written
    "report_json": pl.String(),
    "tool_version": pl.String(),
    "catalogue_version": pl.String(),
    "analyzed_at": UTC_MS,  # when the analysis behind this row ran (kept when a later run skips the incident)
}
TIME_COLUMNS = ("start", "end", "analyzed_at")


def row_to_json(row: dict[str, Any]) -> dict[str, Any]:
    return {name: iso(row.get(name)) if name in TIME_COLUMNS else row.get(name) for name in SUMMARY_SCHEMA}


def _parse_ts(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def row_from_json(data: dict[str, Any]) -> dict[str, Any]:
    return {name: _parse_ts(data.get(name)) if name in TIME_COLUMNS else data.get(name) for name in SUMMARY_SCHEMA}


def signature_to_json(sig: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, dt.datetime) else v for k, v in sig.items()}


def signature_from_json(sig: dict[str, Any]) -> dict[str, Any]:
    return {k: _parse_ts(v) if k in ("first_ts", "last_ts") else v for k, v in sig.items()}


def summary_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    ordered = sorted(rows, key=lambda r: str(r["incident"]))
    return pl.DataFrame([{name: r.get(name) for name in SUMMARY_SCHEMA} for r in ordered], schema=SUMMARY_SCHEMA)


# -- atomic files ----------------------------------------------------------------------------------------------------


def remove_stale_temporaries(outdir: Path) -> int:
    """Remove the temporary files a killed scan left (``.<name>.<random>.tmp``); returns how many."""
    removed = 0
    for folder in [outdir, *(outdir / "incidents").glob("*/")]:
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
            removed += 1
    return removed


def write_summary(outdir: Path, rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    frame = summary_frame(rows)
    write_atomic_with(outdir / "summary.parquet", lambda tmp: frame.write_parquet(tmp))
    lines = [json.dumps(row_to_json(r), ensure_ascii=False, sort_keys=False) for r in frame.iter_rows(named=True)]
    write_atomic(outdir / "summary.ndjson", "".join(line + "\n" for line in lines))
    return frame


# -- done-markers ----------------------------------------------------------------------------------------------------


def marker_path(outdir: Path, slug: str) -> Path:
    return outdir / "incidents" / slug / MARKER_NAME


def write_marker(outdir: Path, slug: str, key: str, row: dict[str, Any], signatures: Iterable[dict[str, Any]]) -> None:
    document = {
        "marker_version": MARKER_VERSION,
        "key": key,
        "row": row_to_json(row),
        "signatures": [signature_to_json(s) for s in signatures],
    }
    write_atomic(marker_path(outdir, slug), json.dumps(document, ensure_ascii=False, indent=1) + "\n")


def read_marker(outdir: Path, slug: str) -> dict[str, Any] | None:
    """The marker of a finished incident whose reports are all there, else None (the incident is redone)."""
    path = marker_path(outdir, slug)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("marker_version") != MARKER_VERSION:
        return None
    row = row_from_json(document.get("row") or {})
    for name in ("report_html", "report_json"):
        if row.get(name) and not (outdir / str(row[name])).is_file():
            return None
    return {
        "key": document.get("key"),
        "row": row,
        "signatures": [signature_from_json(s) for s in document.get("signatures", [])],
    }
