"""Data quality: how far the logs can be trusted. Every source, the time zone used, warnings, silences, clock skew.

Clock skew is estimated from messages that one side logs when it sends and the other when it receives, matched by
their keys: the JobManager's ``Deploying <task> (n/N) (attempt #a) ... to <tm>`` and the TaskManager's ``Received
task <task> (n/N)#a``, and the ResourceManager's ``Registering TaskManager with ResourceID <tm>`` and the TaskManager's
``Successful registration at resource manager``. The TaskManager's time minus the JobManager's is the delivery time
plus the difference of the two clocks; a delivery takes milliseconds, so the smallest difference bounds the skew: a
negative one means the TaskManager's clock is behind, one of seconds that it is ahead (or the RPC stalled).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from logforensics.model import SourceKind, SourceStats
from logforensics.report.formatting import (
    format_duration,
    format_ms,
    format_share,
    format_ts,
    level,
    natural_key,
    plural,
)

GAPS_CAP = 30
"""Silences listed at most (the longest); the summary gives the count of all."""
SKEW_AHEAD_MS = 1_000.0
"""A smallest TaskManager-minus-JobManager difference above this means the clocks (or the RPCs) are off."""
SKEW_BEHIND_MS = -100.0
"""Below this, the TaskManager logged a message before the JobManager sent it: its clock is behind."""
_MATCH_WITHIN_MS = 15 * 3_600_000
"""A send and a receive further apart than this are not the same message. As wide as the widest UTC offset, so that
two logs read in different time zones still pair up (and the reading says so); each receive takes its nearest send."""
_RPC_PAIRS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("task_deploying", "task_received", ("tm_id", "task", "subtask", "attempt")),
    ("tm_registered_at_rm", "tm_rm_registration_successful", ("tm_id",)),
)


@dataclass(frozen=True)
class SourceRow:
    path: str
    kind: str
    layout: str
    lines: str
    records: str
    unparsed: str
    unparsed_class: str
    first_ts: str
    last_ts: str
    tz: str
    status: str
    """``analysed``, or why the file was skipped."""
    skipped: bool
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class GapRow:
    """A silence in a TaskManager log."""

    source: str
    taskmanager: str
    start: str
    end: str
    duration: str
    location: str
    href: str | None


@dataclass(frozen=True)
class SkewRow:
    """How one TaskManager's clock compares with the JobManager's."""

    taskmanager: str
    source: str
    pairs: str
    smallest: str
    median: str
    verdict: str
    verdict_class: str


@dataclass(frozen=True)
class QualityView:
    tz_used: str
    """The zone naive timestamps were read in, and where it comes from."""
    sources: tuple[SourceRow, ...]
    analysed: str
    """``n of m files analysed``, and the skipped count."""
    warnings: int
    """How many warnings the sources carry in all (each is listed in the sources table)."""
    gaps: tuple[GapRow, ...]
    gaps_summary: str
    skew: tuple[SkewRow, ...]
    skew_summary: str


def source_row(stats: SourceStats) -> SourceRow:
    unparsed_share = stats.unparsed_lines / stats.lines if stats.lines else 0.0
    return SourceRow(
        path=stats.path,
        kind=stats.kind.value,
        layout=stats.layout or "—",
        lines=f"{stats.lines:,}",
        records=f"{stats.records:,}",
        unparsed=f"{stats.unparsed_lines:,}" + (f" ({format_share(unparsed_share)})" if stats.unparsed_lines else ""),
        unparsed_class=level(unparsed_share, 0.01, 0.10),
        first_ts=format_ts(stats.first_ts),
        last_ts=format_ts(stats.last_ts),
        tz=stats.tz_used or "—",
        status=stats.skipped_reason or "analysed",
        skipped=stats.skipped_reason is not None,
        warnings=stats.warnings,
    )


_HrefOf = Callable[[str, int], "str | None"]


def _gaps(events: pl.DataFrame, href_of: _HrefOf) -> tuple[tuple[GapRow, ...], str]:
    gaps = events.filter(pl.col("kind") == "tm_log_gap", pl.col("value").is_not_null(), pl.col("ts").is_not_null())
    if gaps.is_empty():
        return (), "No TaskManager log went silent for long."
    longest = (
        gaps.sort(["value", "ts"], descending=[True, False])
        .head(GAPS_CAP)
        .with_columns(start=pl.col("ts") - pl.duration(milliseconds=(pl.col("value") * 1000).round().cast(pl.Int64)))
        .sort(["ts", "source", "line"])
    )
    rows = tuple(
        GapRow(
            source=row["source"],
            taskmanager=row["tm_id"] or "—",
            start=format_ts(row["start"]),
            end=format_ts(row["ts"]),
            duration=format_duration(row["value"]),
            location=f"{row['source']}:{row['line']}",
            href=href_of(row["source"], row["line"]),
        )
        for row in longest.iter_rows(named=True)
    )
    longest_s = float(gaps["value"].max())  # type: ignore[arg-type]
    summary = (
        f"{plural(gaps.height, 'silence')} of 45 s or more in {plural(gaps['source'].n_unique(), 'TaskManager log')}, "
        f"the longest {format_duration(longest_s)}. A JVM frozen by GC, swap or CPU starvation writes nothing, but an "
        "idle TaskManager is quiet too: a silence matters next to a heartbeat loss of the same TaskManager."
    )
    if gaps.height > GAPS_CAP:
        summary += f" The {GAPS_CAP} longest are listed."
    return rows, summary


def rpc_pairs(events: pl.DataFrame) -> pl.DataFrame:
    """Matched send (JobManager) and receive (TaskManager) events: ``tm_id``, ``source`` (the TaskManager log),
    ``delta_ms`` (TaskManager time minus JobManager time), one row per received message."""
    frames = []
    for sent, received, keys in _RPC_PAIRS:
        send = events.filter(
            pl.col("kind") == sent,
            pl.col("source_kind") == SourceKind.FLINK_JOBMANAGER.value,
            pl.col("ts").is_not_null(),
            *(pl.col(k).is_not_null() for k in keys),
        ).select(*keys, jm_ts=pl.col("ts"))
        receive = events.filter(
            pl.col("kind") == received,
            pl.col("source_kind") == SourceKind.FLINK_TASKMANAGER.value,
            pl.col("ts").is_not_null(),
            *(pl.col(k).is_not_null() for k in keys),
        ).select(*keys, "source", "line", tm_ts=pl.col("ts"))
        if send.is_empty() or receive.is_empty():
            continue
        frames.append(
            receive.join(send, on=list(keys))
            .with_columns(delta_ms=(pl.col("tm_ts") - pl.col("jm_ts")).dt.total_milliseconds().cast(pl.Float64))
            .filter(pl.col("delta_ms").abs() <= _MATCH_WITHIN_MS)
            .sort(pl.col("delta_ms").abs())
            .group_by(["source", "line"], maintain_order=True)
            .agg(pl.col("tm_id", "delta_ms").first())
        )
    schema = {"source": pl.String(), "line": pl.Int64(), "tm_id": pl.String(), "delta_ms": pl.Float64()}
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat([f.select(pl.col(n).cast(t) for n, t in schema.items()) for f in frames])


def _zone_hint(delta_ms: float) -> str:
    quarter_hours = abs(delta_ms) / 900_000
    if quarter_hours >= 1 and abs(quarter_hours - round(quarter_hours)) * 900_000 < 120_000:
        return " A multiple of 15 min: the two logs were probably read in different time zones (see --tz)."
    return ""


def skew_table(events: pl.DataFrame) -> pl.DataFrame:
    """Per TaskManager log: ``tm_id``, ``source``, ``pairs`` (matched messages), ``smallest_ms`` and ``median_ms`` of
    TaskManager time minus JobManager time."""
    return (
        rpc_pairs(events)
        .group_by(["tm_id", "source"])
        .agg(pairs=pl.len(), smallest_ms=pl.col("delta_ms").min(), median_ms=pl.col("delta_ms").median())
        .sort(["source", "tm_id"])
    )


def _skew(events: pl.DataFrame) -> tuple[tuple[SkewRow, ...], str]:
    per_tm = skew_table(events)
    if per_tm.is_empty():
        return (), (
            "Clock skew cannot be estimated: no message is logged both by the JobManager when sent and by a "
            "TaskManager when received (task deployments, registrations), or one side's log is missing."
        )
    rows = []
    for row in sorted(per_tm.iter_rows(named=True), key=lambda r: natural_key(r["source"])):
        smallest = float(row["smallest_ms"])
        if smallest < SKEW_BEHIND_MS:
            verdict = f"TaskManager clock behind by at least {format_ms(-smallest)}." + _zone_hint(smallest)
            css = "bad"
        elif smallest > SKEW_AHEAD_MS:
            verdict = f"TaskManager clock ahead by up to {format_ms(smallest)}, or every RPC was slow." + _zone_hint(
                smallest
            )
            css = "warn"
        else:
            verdict = "consistent: within the time an RPC takes"
            css = ""
        rows.append(
            SkewRow(
                taskmanager=row["tm_id"],
                source=row["source"],
                pairs=f"{row['pairs']:,}",
                smallest=_signed_ms(smallest),
                median=_signed_ms(float(row["median_ms"])),
                verdict=verdict,
                verdict_class=css,
            )
        )
    summary = (
        f"From {plural(int(per_tm['pairs'].sum()), 'message')} logged by the JobManager when sent and by a "
        "TaskManager when received; the difference is delivery time plus clock skew, so the smallest one bounds it."
    )
    return tuple(rows), summary


def _signed_ms(value: float) -> str:
    return ("+" if value >= 0 else "-") + format_ms(abs(value))


def build_quality(
    sources: tuple[SourceStats, ...], events: pl.DataFrame, *, tz_used: str, href_of: _HrefOf
) -> QualityView:
    rows = tuple(source_row(s) for s in sorted(sources, key=lambda s: natural_key(s.path)))
    skipped = sum(1 for s in sources if s.skipped_reason is not None)
    analysed = f"{len(sources) - skipped:,} of {plural(len(sources), 'file')} analysed"
    if skipped:
        analysed += f"; {skipped:,} skipped, each with the reason"
    gaps, gaps_summary = _gaps(events, href_of)
    skew, skew_summary = _skew(events)
    return QualityView(
        tz_used=tz_used,
        sources=rows,
        analysed=analysed + ".",
        warnings=sum(len(s.warnings) for s in sources),
        gaps=gaps,
        gaps_summary=gaps_summary,
        skew=skew,
        skew_summary=skew_summary,
    )
