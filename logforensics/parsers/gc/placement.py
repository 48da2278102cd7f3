"""Placing GC events and a log's bounds on the wall clock (both layouts).

An event stamped when it ended (unified summary lines, stopped times, concurrent phase ends) starts at stamp -
duration. Wall-clock stamps win; an uptime is placed from the JVM start the file itself shows (stamp - uptime on a line
that has both), else from a hint taken elsewhere (the TaskManager log), as 'approximate'. A drop of the uptime starts a
new JVM run; each run is placed with its own start (hints are given per run, in file order).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logforensics.model import GC_EVENTS_SCHEMA, TEXT_CAP, UTC_MS
from logforensics.parsers.gc.common import (
    GcParse,
    JvmRun,
    as_utc,
    ms_duration,
    ms_to_ts,
    s_duration,
    utc_offset,
)

RESTART_SLACK_S = 1.0  # an uptime lower than the previous one by more than this is a JVM restart


def finish(
    events: pl.DataFrame,
    stamps: pl.DataFrame,
    source: str,
    fmt: str,
    collector: str,
    total: int,
    parsed: int,
    hints: tuple[dt.datetime | None, ...],
    explained: bool = False,
) -> GcParse:
    """Place events and the log's bounds on the wall clock; build the GcParse. ``events`` has ``_EVENT_COLUMNS``;
    several events may share a line (a pause and its markers). An event whose ``end_stamped`` is true was stamped
    when it ended (unified lines, stopped times, concurrent phase ends): its start is stamp - duration. An event
    whose line has no stamp at all (JDK 8 stopped-time lines without -XX:+PrintGCTimeStamps) takes the start of the
    event before it, as 'approximate'. ``hints``: the JVM start of each run of the file (index = run), None where
    unknown; ``explained``: the caller says itself why a run has no start (no warning about it here)."""
    warnings: list[str] = []
    # Stamped lines in file order: edge lines and event lines; a drop in uptime starts a new JVM run.
    lines = stamps.sort("line_no").with_columns(
        run=(pl.col("uptime") < pl.col("uptime").shift(1).forward_fill() - RESTART_SLACK_S).fill_null(False).cum_sum(),
        start_of_run=ms_to_ts(
            pl.col("ts").cast(pl.Int64) - (pl.col("uptime") * 1e3).round().cast(pl.Int64, strict=False)
        ),
    )
    one_run = lines.height == 0 or not lines.get_column("run").max()

    def over_runs(expr: pl.Expr) -> pl.Expr:
        return expr if one_run else expr.over("run")  # a window costs a group-by; most logs hold one JVM run

    lines = lines.with_columns(jvm_start=over_runs(pl.col("start_of_run").drop_nulls().first()))
    first_offset = lines.get_column("offset").drop_nulls().first()  # the stamps of lines in file order
    offset = utc_offset(None if first_offset is None else str(first_offset))
    edge_rows = lines.select(
        "line_no",
        "ts",
        "uptime",
        "run",
        "jvm_start",
        dur=pl.lit(0.0),
        end_stamped=pl.lit(False),
        is_event=pl.lit(False),
        _row=pl.lit(None, pl.UInt32),
    )
    event_rows = (
        events.with_row_index("_row")
        .select("_row", "line_no", "pause_ms", "end_stamped")
        .join(lines.select("line_no", "ts", "uptime", "run", "jvm_start"), on="line_no", how="left")
        .select(
            "line_no",
            "ts",
            "uptime",
            "run",
            "jvm_start",
            dur=pl.col("pause_ms").fill_null(0.0),
            end_stamped=pl.col("end_stamped").fill_null(False),
            is_event=pl.lit(True),
            _row="_row",
        )
    )
    end = pl.col("end_stamped")
    timed = (
        pl.concat([edge_rows, event_rows])
        .sort("line_no", "_row", nulls_last=False)
        .with_columns(
            run=pl.col("run").forward_fill().fill_null(0),
            up_lo=pl.when(end).then(pl.col("uptime") - pl.col("dur") / 1e3).otherwise(pl.col("uptime")),
            wall_lo=pl.when(end).then(pl.col("ts") - ms_duration(pl.col("dur"))).otherwise(pl.col("ts")),
            unstamped=pl.col("is_event") & pl.col("uptime").is_null() & pl.col("ts").is_null(),
        )
        .with_columns(jvm_start=over_runs(pl.col("jvm_start").forward_fill()))
        .with_columns(
            # an unstamped event starts where the event before it started
            up_lo=pl.when(pl.col("unstamped")).then(pl.col("up_lo").shift(1).forward_fill()).otherwise(pl.col("up_lo")),
            wall_lo=pl.when(pl.col("unstamped"))
            .then(pl.col("wall_lo").shift(1).forward_fill())
            .otherwise(pl.col("wall_lo")),
        )
        .with_columns(
            up_hi=pl.col("up_lo") + pl.col("dur") / 1e3,
            wall_hi=pl.col("wall_lo") + ms_duration(pl.col("dur")),
        )
    )
    given = [None if h is None else as_utc(h) for h in hints]
    hint_expr = pl.lit(None, dtype=UTC_MS)
    for run, start in reversed(list(enumerate(given))):
        if start is not None:
            hint_expr = pl.when(pl.col("run") == run).then(pl.lit(start, dtype=UTC_MS)).otherwise(hint_expr)
    anchor = pl.coalesce(pl.col("jvm_start"), hint_expr)
    timed = timed.with_columns(
        placed_lo=pl.coalesce(pl.col("wall_lo"), anchor + s_duration(pl.col("up_lo"))),
        placed_hi=pl.coalesce(pl.col("wall_hi"), anchor + s_duration(pl.col("up_hi"))),
        quality=pl.when(pl.col("wall_lo").is_not_null() & ~pl.col("unstamped"))
        .then(pl.lit("exact"))
        .when((anchor + s_duration(pl.col("up_lo"))).is_not_null() | pl.col("wall_lo").is_not_null())
        .then(pl.lit("approximate"))
        .otherwise(pl.lit("missing")),
    )

    runs = int(timed.select(pl.col("run").max()).item() or 0) + 1 if timed.height else 1
    if runs > 1:
        resets = lines.filter(pl.col("run").diff().fill_null(0) > 0).get_column("line_no").to_list()
        warnings.append(
            f"{source}: JVM uptime resets at line(s) {', '.join(map(str, resets[:5]))}: {runs} JVM runs in one file"
        )

    placed = timed.filter(pl.col("is_event")).select(
        "_row", ts=pl.col("placed_lo"), uptime_s=pl.col("up_lo"), ts_quality=pl.col("quality")
    )
    out = (
        events.with_row_index("_row")
        .join(placed, on="_row", how="left")
        .with_columns(
            source=pl.lit(source),
            line=pl.col("line_no"),
            collector=pl.lit(collector),
            ts_quality=pl.col("ts_quality").fill_null("missing"),
            text=pl.col("line").str.slice(0, TEXT_CAP),
        )
        .sort("line_no", "_row")
        .select([pl.col(name).cast(dtype) for name, dtype in GC_EVENTS_SCHEMA.items()])
    )
    open_pauses = out.filter(pl.col("pause_ms").is_null() & pl.col("is_pause"))
    if open_pauses.height:
        last = open_pauses.row(open_pauses.height - 1, named=True)
        warnings.append(
            f"{source}: {open_pauses.height} pause(s) without an end, the last one a {last['gc_type']} at line "
            f"{last['line']}: the log stops during a pause (JVM killed?) or the record is cut"
        )
    run_facts = _runs(timed)
    missing = out.height > 0 and bool((out.get_column("ts_quality") == "missing").any())
    if missing and not explained and not any(given):
        warnings.append(f"{source}: GC events without wall-clock stamps and no JVM start hint: their ts is null")
    elif missing and not explained:
        unplaced = [(i, r) for i, r in enumerate(run_facts) if not r.placed]
        listed = ", ".join(f"lines {r.first_line}-{r.last_line} (JVM run {i + 1} of {runs})" for i, r in unplaced)
        warnings.append(
            f"{source}: the GC events of {listed} have no wall-clock time: no JVM start was given for "
            f"{'that run' if len(unplaced) == 1 else 'those runs'}: their ts is null"
        )

    bounds = timed.select(
        first=pl.col("placed_lo").min(),
        last=pl.col("placed_hi").max(),
        jvm_start=pl.col("jvm_start").drop_nulls().first(),
    ).row(0, named=True)
    per_run = timed.group_by("run").agg(span=pl.col("up_hi").max() - pl.col("up_lo").min())
    uptimes = timed.select(lo=pl.col("up_lo").min(), hi=pl.col("up_hi").max()).row(0, named=True)
    span_s: float | None = per_run.select(pl.col("span").sum()).item() if per_run.height else None
    if not span_s:
        span_s = None
        if bounds["first"] is not None and bounds["last"] is not None:
            span_s = (bounds["last"] - bounds["first"]).total_seconds()
    return GcParse(
        events=out,
        collector=collector,
        format=fmt,
        lines=total,
        parsed_lines=parsed,
        unparsed_lines=total - parsed,
        utc_offset=offset,
        jvm_start=bounds["jvm_start"],
        first_ts=bounds["first"],
        last_ts=bounds["last"],
        warnings=tuple(warnings),
        span_s=span_s,
        first_uptime_s=uptimes["lo"],
        last_uptime_s=uptimes["hi"],
        runs=run_facts,
    )


def _runs(timed: pl.DataFrame) -> tuple[JvmRun, ...]:
    """The JVM runs of the file from its placed rows (edge lines and events, with ``run``)."""
    if timed.height == 0:
        return ()
    per_run = (
        timed.group_by("run")
        .agg(
            first_line=pl.col("line_no").min(),
            last_line=pl.col("line_no").max(),
            first_up=pl.col("up_lo").min(),
            last_up=pl.col("up_hi").max(),
            jvm_start=pl.col("jvm_start").drop_nulls().first(),
            placed=~(pl.col("is_event") & (pl.col("quality") == "missing")).any(),
        )
        .sort("run")
    )
    return tuple(
        JvmRun(
            first_line=int(row["first_line"]),
            last_line=int(row["last_line"]),
            first_up=row["first_up"],
            last_up=row["last_up"],
            jvm_start=row["jvm_start"],
            placed=bool(row["placed"]),
        )
        for row in per_run.iter_rows(named=True)
    )
