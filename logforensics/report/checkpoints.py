"""Checkpoints: one row per (job, checkpoint id) from the timeline's checkpoint events, and their table and chart.

:func:`checkpoint_table` is the data (polars, shared by the HTML view, the JSON and the Parquet export);
:func:`build_checkpoints` formats it for the page. A checkpoint is *completed* when ``checkpoint_completed`` was
logged (its value is the duration in ms; the size is in the same line), *failed* when one of :data:`FAILURE_KINDS` was,
the most specific one naming the outcome, and otherwise has *no outcome logged* (still running when the log ends, or
its outcome was not written). TaskManager-side events carry no job id: they join the job whose JobManager events name
the same checkpoint id, when exactly one does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from logforensics.report.axes import TimeWindow, XYChart
from logforensics.report.formatting import (
    format_bytes,
    format_duration,
    format_ms,
    format_number,
    format_ts,
    plural,
    shorten_middle,
)
from logforensics.report.linechart import line_chart
from logforensics.texts import EventTexts

TRIGGERED = "checkpoint_triggered"
COMPLETED = "checkpoint_completed"
FAILURE_KINDS: dict[str, str] = {
    "checkpoint_expired": "expired",
    "checkpoint_declined": "declined",
    "checkpoint_snapshot_failed": "snapshot failed",
    "checkpoint_async_failed": "async part failed",
    "checkpoint_metadata_write_failed": "metadata write failed",
    "checkpoint_discarded": "discarded",
    "checkpoint_failed_consecutive": "failed",
}
"""Signals that end a checkpoint without success, most specific first, with the outcome each names."""
NOTE_KINDS: dict[str, str] = {
    "checkpoint_late_message": "late acknowledgements",
    "checkpoint_sync_phase_slow": "slow synchronous phase",
    "checkpoint_barrier_skipped": "barriers skipped",
}
"""Signals that say something about a checkpoint without ending it."""

COMPLETED_SIZE = r"Completed checkpoint \d+ for job [0-9a-f]{32} \((\d+) bytes"
"""The size in bytes of ``checkpoint_completed`` lines (1.10-2.x), e.g.
``Completed checkpoint 7 for job d73ef13fb701e0fb4c248b793354bfe4 (205771876 bytes, checkpointDuration=1930 ms, ...``.
"""

CHECKPOINT_ROWS_CAP = 60
"""Checkpoints listed at most: every failed one first, then those without outcome, then the latest completed."""

TABLE_SCHEMA: dict[str, pl.DataType] = {
    "job_id": pl.String(),
    "checkpoint_id": pl.Int64(),
    "status": pl.String(),  # completed | failed | no outcome logged
    "outcome": pl.String(),  # completed, or the FAILURE_KINDS label of the most specific failure, or null
    "triggered_ts": pl.Datetime("ms", "UTC"),
    "completed_ts": pl.Datetime("ms", "UTC"),
    "failed_ts": pl.Datetime("ms", "UTC"),
    "duration_ms": pl.Float64(),
    "size_bytes": pl.Int64(),
    "consecutive_failures": pl.Int64(),  # the count checkpoint_failed_consecutive reports, or null
    "signals": pl.List(pl.String()),  # every checkpoint signal seen for it, in time order
    "source": pl.String(),  # where its outcome (or first event) was logged
    "line": pl.Int64(),
}


def checkpoint_table(events: pl.DataFrame, texts: EventTexts | None = None) -> pl.DataFrame:
    """One row per (job, checkpoint id) seen in ``events``, in :data:`TABLE_SCHEMA`, sorted by job and id; ``texts``
    holds the texts that ``events`` leaves null (see texts.py)."""
    kinds = [TRIGGERED, COMPLETED, *FAILURE_KINDS, *NOTE_KINDS]
    cp = (
        events.select("kind", "checkpoint_id", "job_id", "ts", "source", "line", "value", "text")
        .filter(pl.col("kind").is_in(kinds), pl.col("checkpoint_id").is_not_null())
        .with_columns(pl.col("checkpoint_id").cast(pl.String).cast(pl.Int64, strict=False))
        .filter(pl.col("checkpoint_id").is_not_null())
        .with_row_index("_row")
    )
    # Texts are read only for the one completion line of each checkpoint (a day of checkpoints is 100 000s of lines).
    text_of = cp.select("source", "line", "text")
    cp = cp.drop("text")
    if cp.is_empty():
        return pl.DataFrame(schema=TABLE_SCHEMA)
    only_job = (
        cp.filter(pl.col("job_id").is_not_null())
        .group_by("checkpoint_id")
        .agg(pl.col("job_id").unique())
        .filter(pl.col("job_id").list.len() == 1)
        .select("checkpoint_id", guessed_job=pl.col("job_id").list.first())
    )
    rank = {kind: index for index, kind in enumerate(FAILURE_KINDS)}
    failure = pl.col("kind").is_in(list(FAILURE_KINDS))
    done = pl.col("kind") == COMPLETED
    table = (
        cp.join(only_job, on="checkpoint_id", how="left")
        .with_columns(
            job_id=pl.coalesce("job_id", "guessed_job"),
            failure_rank=pl.when(failure).then(pl.col("kind").replace_strict(rank, default=None)),
            outcome_row=done | failure,
        )
        .sort(["ts", "source", "line"], nulls_last=True)
        .group_by(["job_id", "checkpoint_id"])
        .agg(
            triggered_ts=pl.col("ts").filter(pl.col("kind") == TRIGGERED).min(),
            completed_ts=pl.col("ts").filter(done).min(),
            failed_ts=pl.col("ts").filter(failure).min(),
            duration_ms=pl.col("value").filter(done).first(),
            completed_row=pl.col("_row").filter(done).first(),
            consecutive_failures=pl.col("value")
            .filter(pl.col("kind") == "checkpoint_failed_consecutive")
            .max()
            .cast(pl.Int64),
            worst=pl.col("kind").filter(failure).sort_by(pl.col("failure_rank").filter(failure)).first(),
            signals=pl.col("kind").unique(maintain_order=True),
            source=pl.col("source").sort_by("outcome_row", descending=True, maintain_order=True).first(),
            line=pl.col("line").sort_by("outcome_row", descending=True, maintain_order=True).first(),
        )
        .with_columns(
            status=pl.when(pl.col("completed_ts").is_not_null() | pl.col("duration_ms").is_not_null())
            .then(pl.lit("completed"))
            .when(pl.col("worst").is_not_null())
            .then(pl.lit("failed"))
            .otherwise(pl.lit("no outcome logged")),
        )
        .with_columns(
            outcome=pl.when(pl.col("status") == "completed")
            .then(pl.lit("completed"))
            .otherwise(pl.col("worst").replace_strict(FAILURE_KINDS, default=None))
        )
        .sort(["job_id", "checkpoint_id"], nulls_last=True)
    )
    completed = text_of.with_row_index("completed_row").join(
        table.select("completed_row"), on="completed_row", how="semi"
    )
    sizes = (texts.fill(completed) if texts is not None else completed).select(
        "completed_row", size_bytes=pl.col("text").str.extract(COMPLETED_SIZE, 1).cast(pl.Int64, strict=False)
    )
    table = table.join(sizes, on="completed_row", how="left", maintain_order="left")
    return table.select(pl.col(name).cast(dtype) for name, dtype in TABLE_SCHEMA.items())


def job_summary(table: pl.DataFrame) -> pl.DataFrame:
    """Per job (of :func:`checkpoint_table`): how many were triggered, completed, failed or have no outcome, the
    median and longest duration, the last and largest size, the first failure."""
    return (
        table.sort("checkpoint_id")
        .group_by("job_id")
        .agg(
            triggered=pl.col("triggered_ts").is_not_null().sum(),
            completed=(pl.col("status") == "completed").sum(),
            failed=(pl.col("status") == "failed").sum(),
            no_outcome=(pl.col("status") == "no outcome logged").sum(),
            duration_ms_median=pl.col("duration_ms").median(),
            duration_ms_max=pl.col("duration_ms").max(),
            size_bytes_last=pl.col("size_bytes").drop_nulls().last(),
            size_bytes_max=pl.col("size_bytes").max(),
            first_failure_ts=pl.col("failed_ts").min(),
        )
        .sort("job_id", nulls_last=True)
    )


@dataclass(frozen=True)
class CheckpointJob:
    """One job's checkpoints in numbers."""

    job: str
    triggered: str
    completed: str
    failed: str
    failed_class: str
    no_outcome: str
    duration_median: str
    duration_max: str
    size_last: str
    size_max: str
    first_failure: str


@dataclass(frozen=True)
class CheckpointRow:
    job: str
    checkpoint_id: str
    status: str
    status_class: str
    """``ok`` / ``bad`` / ``warn``: completed, failed, no outcome."""
    triggered: str
    duration: str
    """How long it took to complete, or how long after its trigger it failed."""
    size: str
    signals: str
    """The signals seen for it besides its trigger and completion, or ``—``."""
    location: str
    href: str | None
    """Link to the outcome's line in the timeline table, when it is shown there."""


@dataclass(frozen=True)
class CheckpointsView:
    jobs: tuple[CheckpointJob, ...]
    rows: tuple[CheckpointRow, ...]
    chart: XYChart | None
    summary: str


def _job_label(job_id: str | None, names: dict[str, str]) -> str:
    if job_id is None:
        return "unknown job"
    return f"{names[job_id]} ({job_id})" if job_id in names else job_id


def _text(value: float | None, fmt: Callable[[float], str]) -> str:
    return "—" if value is None else fmt(float(value))


def _shown(table: pl.DataFrame) -> pl.DataFrame:
    priority = pl.col("status").replace_strict({"failed": 0, "no outcome logged": 1, "completed": 2}, default=3)
    ordered = table.with_columns(
        priority=priority, moment=pl.coalesce("failed_ts", "completed_ts", "triggered_ts")
    ).sort(["priority", "moment"], descending=[False, True], nulls_last=True)
    failed = ordered.filter(pl.col("priority") == 0).sort("moment", nulls_last=True)
    rest = ordered.filter(pl.col("priority") != 0)
    return pl.concat([failed, rest]).head(CHECKPOINT_ROWS_CAP).sort(["job_id", "checkpoint_id"], nulls_last=True)


def build_checkpoints(
    events: pl.DataFrame,
    *,
    texts: EventTexts | None = None,
    window: TimeWindow | None,
    incident: TimeWindow | None,
    href_of: Callable[[str, int], str | None],
) -> CheckpointsView:
    """``href_of(source, line)`` links a checkpoint's outcome to its timeline row, or gives None."""
    table = checkpoint_table(events, texts)
    if table.is_empty():
        return CheckpointsView((), (), None, "No checkpoint was logged (or checkpointing is off).")
    names = dict(
        events.select("job_id", "job_name")
        .filter(pl.col("job_id").is_not_null(), pl.col("job_name").is_not_null())
        .group_by("job_id")
        .agg(pl.col("job_name").first())
        .iter_rows()
    )
    per_job = job_summary(table)
    jobs = tuple(
        CheckpointJob(
            job=_job_label(row["job_id"], names),
            triggered=f"{row['triggered']:,}",
            completed=f"{row['completed']:,}",
            failed=f"{row['failed']:,}",
            failed_class="bad" if row["failed"] else "",
            no_outcome=f"{row['no_outcome']:,}",
            duration_median=_text(row["duration_ms_median"], format_ms),
            duration_max=_text(row["duration_ms_max"], format_ms),
            size_last=_text(row["size_bytes_last"], format_bytes),
            size_max=_text(row["size_bytes_max"], format_bytes),
            first_failure=format_ts(row["first_failure_ts"]),
        )
        for row in per_job.iter_rows(named=True)
    )
    status_class = {"completed": "ok", "failed": "bad", "no outcome logged": "warn"}
    rows = []
    for row in _shown(table).iter_rows(named=True):
        consecutive = row["consecutive_failures"]
        signals = ", ".join(kind for kind in row["signals"] if kind not in (TRIGGERED, COMPLETED)) or "—"
        if consecutive is not None:
            signals += f" · {consecutive:,} consecutive failed attempts before it"
        duration = _text(row["duration_ms"], format_ms)
        if row["status"] == "failed" and row["failed_ts"] is not None and row["triggered_ts"] is not None:
            duration = "failed after " + format_duration((row["failed_ts"] - row["triggered_ts"]).total_seconds())
        rows.append(
            CheckpointRow(
                job=shorten_middle(row["job_id"] or "unknown job", 14),
                checkpoint_id=str(row["checkpoint_id"]),
                status=row["outcome"] or row["status"],
                status_class=status_class[row["status"]],
                triggered=format_ts(row["triggered_ts"]),
                duration=duration,
                size=_text(row["size_bytes"], format_bytes),
                signals=signals,
                location=f"{row['source']}:{row['line']}",
                href=href_of(row["source"], row["line"]),
            )
        )
    total = table.height
    summary = f"{plural(total, 'checkpoint')} of {plural(per_job.height, 'job')}"
    summary += (
        f"; showing {CHECKPOINT_ROWS_CAP}: every failed one first, then those without an outcome, then the latest "
        "completed. The Parquet export holds them all."
        if total > CHECKPOINT_ROWS_CAP
        else "."
    )
    return CheckpointsView(jobs, tuple(rows), _chart(table, window, incident, names), summary)


def _chart(
    table: pl.DataFrame, window: TimeWindow | None, incident: TimeWindow | None, names: dict[str, str]
) -> XYChart | None:
    if window is None:
        return None
    durations = table.filter(pl.col("duration_ms").is_not_null()).select(
        ts=pl.coalesce("completed_ts", "triggered_ts"),
        series=pl.col("job_id").fill_null("unknown job"),
        value=pl.col("duration_ms") / 1000,
    )
    failures = table.filter(pl.col("status") == "failed").select(
        ts=pl.coalesce("failed_ts", "triggered_ts"),
        label=pl.format("checkpoint {} of {}: {}", "checkpoint_id", pl.col("job_id").fill_null("?"), "outcome"),
    )
    if durations.is_empty() and failures.is_empty():
        return None
    return line_chart(
        durations,
        title="Checkpoint duration",
        y_label="duration (s)",
        value_label=lambda value: f"{format_number(value)} s",
        window=window,
        incident=incident,
        description=(
            f"Duration of {plural(durations.height, 'completed checkpoint')} per job; "
            f"{plural(failures.height, 'failed checkpoint')} drawn as red dots along the top."
        ),
        series_title=lambda job: _job_label(job, names),
        series_label=lambda job: shorten_middle(names.get(job, job), 30),
        marks=failures,
        marks_label="failed checkpoint",
    )
