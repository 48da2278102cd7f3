"""The per-incident function of a batch scan: the same on a local worker process and on a Dask worker.

``run_incident(task)`` hashes the incident's bytes (streaming), and when the content, the tool version or the
catalogue version changed since the last run (or ``force``), runs ``api.analyze`` on it and renders the same HTML and
JSON reports as ``logforensics analyze``. It never raises for a bad incident: an analysis that fails, or an incident
with nothing that could be analysed (a corrupt or hostile archive), is an ``Outcome`` whose row carries the error
message. The worker writes nothing: the reports travel back as text and the caller writes them (so a Dask worker needs
to read the inputs, not to write the output folder). An fsspec URL is copied to a temporary folder of the worker for
the analysis (ingest reads local files) and removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shlex
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import polars as pl

import logforensics
from logforensics.batch_content import hash_location, staged
from logforensics.catalogue.model import Catalogue
from logforensics.errors import LogforensicsError
from logforensics.ingest.limits import Limits
from logforensics.model import Analysis, FindingKind

ERROR_CAP = 600
"""Characters of an error message kept in the summary."""
WARNINGS_CAP = 20
"""Reading warnings kept per incident in the summary (the report has them all)."""
SIGNATURES_CAP = 50
"""Exception signatures kept per incident (the most frequent)."""

FAMILY_COLUMNS = {
    "restart": "restarts",
    "heartbeat": "heartbeat_timeouts",
    "oom": "ooms",
    "checkpoint_failure": "checkpoint_failures",
    "gc_pause": "gc_pauses",
}
"""Timeline ``family`` -> summary column."""


@dataclass(frozen=True)
class Options:
    """What changes an incident's analysis besides its bytes (part of the cache key)."""

    patterns: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    """What ingest may read and inflate per incident (the bounds of ``analyze``): a worker's memory stays bounded."""
    embed_js: bool = True

    def key(self) -> str:
        return f"patterns={list(self.patterns)!r} limits={self.limits!r} embed_js={self.embed_js}"


@dataclass(frozen=True)
class Task:
    incident: str
    location: str
    slug: str
    previous_key: str | None = None
    """The cache key of the last finished run; the analysis is skipped when it is unchanged (unless ``force``)."""
    force: bool = False
    options: Options = field(default_factory=Options)
    content_hash: str | None = None
    """Already computed by the caller (a local scan hashes before it starts worker processes)."""


@dataclass(frozen=True)
class Outcome:
    task: Task
    key: str | None
    """The cache key (content hash + tool version + catalogue version + options); None when hashing failed."""
    unchanged: bool = False
    """Same key as the last finished run: nothing was analysed, ``row`` is None."""
    row: dict[str, Any] | None = None
    html: str | None = None
    json: str | None = None
    signatures: tuple[dict[str, Any], ...] = ()
    cacheable: bool = True
    """False for errors that may pass or be fixed (I/O, a dead worker, an internal error): the next run retries."""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.row is not None and self.row.get("error") is not None


_CATALOGUES: dict[tuple[str, ...], Catalogue] = {}


def catalogue_for(patterns: tuple[str, ...]) -> Catalogue:
    """The catalogue (built-in + ``patterns``), loaded once per process."""
    if patterns not in _CATALOGUES:
        from logforensics.api import load_default_catalogue

        _CATALOGUES[patterns] = load_default_catalogue([Path(p) for p in patterns])
    return _CATALOGUES[patterns]


def cache_key(content_hash: str, catalogue_version: str, options: Options) -> str:
    text = f"{content_hash}|tool={logforensics.__version__}|catalogue={catalogue_version}|{options.key()}"
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def run_incident(task: Task) -> Outcome:
    """Hash, then (when needed) analyse one incident. Never raises for a bad incident."""
    started = time.perf_counter()
    catalogue = catalogue_for(task.options.patterns)
    try:
        content_hash = task.content_hash or hash_location(task.location)
    except Exception as exc:  # an unreadable incident (permissions, a vanished file, a network error)
        row = error_row(task, None, catalogue.version, f"cannot read the incident: {describe(exc)}")
        return Outcome(task, None, row=row, cacheable=False, seconds=time.perf_counter() - started)
    key = cache_key(content_hash, catalogue.version, task.options)
    if not task.force and key == task.previous_key:
        return Outcome(task, key, unchanged=True, seconds=time.perf_counter() - started)
    analyzed_at = dt.datetime.now(dt.UTC)
    try:
        with staged(task.location) as path:
            analysis = _analyze(path, task, catalogue, analyzed_at)
        html, document = _render(analysis, task.options.embed_js)
    except LogforensicsError as exc:  # the input's fault (nothing to analyse...): the same next time, kept
        row = error_row(task, content_hash, catalogue.version, describe(exc), analyzed_at)
        return Outcome(task, key, row=row, seconds=time.perf_counter() - started)
    except BaseException as exc:  # a bug, a polars panic (a BaseException), no memory: tried again by the next run
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        what = "cannot read the incident" if isinstance(exc, OSError) else "internal error"  # both may pass
        row = error_row(task, content_hash, catalogue.version, f"{what}: {describe(exc)}", analyzed_at)
        return Outcome(task, key, row=row, cacheable=False, seconds=time.perf_counter() - started)
    row = analysis_row(task, content_hash, analysis, analyzed_at)
    return Outcome(
        task,
        key,
        row=row,
        html=html,
        json=document,
        signatures=signatures(analysis),
        seconds=time.perf_counter() - started,
    )


def precheck(task: Task) -> Task | Outcome:
    """In the calling process: the outcome of an incident whose cache key is unchanged, else the task with its
    content hash (so that an unchanged fleet is checked without starting a worker)."""
    if task.force or task.previous_key is None:
        return task
    started = time.perf_counter()
    try:
        content_hash = hash_location(task.location)
    except Exception:
        return task  # the worker will say why
    key = cache_key(content_hash, catalogue_for(task.options.patterns).version, task.options)
    if key == task.previous_key:
        return Outcome(task, key, unchanged=True, seconds=time.perf_counter() - started)
    return replace(task, content_hash=content_hash)


def _analyze(path: Path, task: Task, catalogue: Catalogue, now: dt.datetime) -> Analysis:
    from logforensics.api import analyze

    return analyze(
        [path],
        catalogue=catalogue,
        limits=task.options.limits,
        now=now,
        command=shlex.join(["logforensics", "analyze", task.location]),
    )


def _render(analysis: Analysis, embed_js: bool) -> tuple[str, str]:
    from logforensics.report.html import render_html
    from logforensics.report.json import render_json

    return render_html(analysis, embed_js=embed_js), render_json(analysis)


def describe(exc: BaseException) -> str:
    """An error in one line, without traceback: the message (control characters escaped), capped."""
    text = str(exc) or type(exc).__name__
    if type(exc).__module__ != "logforensics.errors" and not isinstance(exc, OSError):
        text = f"{type(exc).__name__}: {text}"
    return cap(text)


def cap(text: str, limit: int = ERROR_CAP) -> str:
    clean = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else "?" for c in text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _base_row(
    task: Task, content_hash: str | None, catalogue_version: str, analyzed_at: dt.datetime | None
) -> dict[str, Any]:
    return {
        "incident": task.incident,
        "path": task.location,
        "content_hash": content_hash,
        "start": None,
        "end": None,
        "flink_version": None,
        "deployment": None,
        "root_cause": None,
        "severity": None,
        "confidence": None,
        **dict.fromkeys(FAMILY_COLUMNS.values()),
        "findings": None,
        "sources": None,
        "skipped": [],
        "warnings": [],
        "error": None,
        "report_html": None,
        "report_json": None,
        "tool_version": logforensics.__version__,
        "catalogue_version": catalogue_version,
        "analyzed_at": analyzed_at,
    }


def error_row(
    task: Task,
    content_hash: str | None,
    catalogue_version: str,
    message: str,
    analyzed_at: dt.datetime | None = None,
) -> dict[str, Any]:
    row = _base_row(task, content_hash, catalogue_version, analyzed_at or dt.datetime.now(dt.UTC))
    row["error"] = message
    return row


def analysis_row(task: Task, content_hash: str, analysis: Analysis, analyzed_at: dt.datetime) -> dict[str, Any]:
    row = _base_row(task, content_hash, analysis.catalogue_version, analyzed_at)
    top = next((f for f in analysis.findings if f.kind is FindingKind.ROOT_CAUSE), None)
    counts = dict(analysis.events.group_by("family").agg(pl.len()).iter_rows()) if analysis.events.height else {}
    analysed = [s for s in analysis.sources if s.skipped_reason is None]
    skipped = [f"{s.path}: {cap(s.skipped_reason, 300)}" for s in analysis.sources if s.skipped_reason is not None]
    warnings = [f"{s.path}: {cap(w, 300)}" for s in analysis.sources for w in s.warnings]
    incident = analysis.incident
    row.update(
        start=incident.start,
        end=incident.end,
        flink_version=incident.flink_version,
        deployment=incident.deployment,
        root_cause=top.id if top else None,
        severity=str(top.severity) if top else None,
        confidence=top.confidence if top else None,
        findings=len(analysis.findings),
        sources=len(analysed),
        skipped=skipped,
        warnings=warnings[:WARNINGS_CAP]
        + [f"... and {len(warnings) - WARNINGS_CAP} more"] * (len(warnings) > WARNINGS_CAP),
        report_html=f"incidents/{task.slug}/report.html",
        report_json=f"incidents/{task.slug}/report.json",
        **{column: int(counts.get(family, 0)) for family, column in FAMILY_COLUMNS.items()},
    )
    if not analysed:  # a corrupt or hostile archive: an error row, with the report that lists every refusal
        row.update(dict.fromkeys(_ANALYSIS_COLUMNS))
        row["error"] = cap("nothing could be analysed: " + "; ".join(_reasons(skipped)))
    return row


_ANALYSIS_COLUMNS = (
    "start",
    "end",
    "flink_version",
    "deployment",
    "root_cause",
    "severity",
    "confidence",
    *FAMILY_COLUMNS.values(),
    "findings",
)


def _reasons(skipped: list[str]) -> list[str]:
    """The reasons worth reading first: refusals and damage before "not a log" notes (a README in the archive)."""
    dull = [s for s in skipped if "no known log layout" in s]
    return [s for s in skipped if s not in dull] + dull


def signatures(analysis: Analysis) -> tuple[dict[str, Any], ...]:
    """The incident's exception signatures that are not known noise, the most frequent first."""
    groups = sorted((g for g in analysis.exceptions if not g.benign), key=lambda g: (-g.count, g.signature))
    return tuple(
        {
            "signature": g.signature,
            "exception": cap(g.exception, 300),
            "root_cause": cap(g.root_cause, 300),
            "count": g.count,
            "first_ts": g.first_ts,
            "last_ts": g.last_ts,
        }
        for g in groups[:SIGNATURES_CAP]
    )
