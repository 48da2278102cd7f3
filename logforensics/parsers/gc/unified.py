"""Unified JVM logging (JDK 9+ ``-Xlog:gc*``) to GC events.

Each line carries any set of decorations in brackets (``[time]``, ``[utctime]``, ``[uptime]``, ``[uptimemillis]``,
``[timemillis]``, nanos, ``[level]``, ``[tags]``, ``[pid]``, ``[tid]``, ``[hostname]``), or none. A stop-the-world
pause is the one summary line ``GC(12) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms``; its
decoration is written when the pause *ends*, so the start is ``stamp - duration``. Every ``GC(N)`` line of an event we
emitted (phases, heap, cpu, metaspace...) counts as parsed, and so do the header lines (``Using G1``, ``Version:``,
``CPUs:``...). A pause whose ``gc,start`` line has no summary after it (the JVM died during the pause, or the file was
cut) is still an event, stamped at its start, with ``pause_ms`` and heap null, and a warning.

How it stays fast (a 200 MiB log is ~1.9 M lines, of which ~15 % can hold an event): one pass over every line, on all
cores, takes the line's GC id and whether it holds one of the literals an event line needs (``EVENT_LITERALS``); the
rule regexes then run only on those candidate rows, and the parsed-line count needs the text of only the few lines
whose GC id has no event.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logforensics.parsers.gc.common import (
    EVENT_COLUMNS,
    GcParse,
    compact,
    edges,
    epoch_ms_to_ts,
    event_rows,
    in_file_order,
    kb,
    number,
    parse_date,
    pause_columns,
    sane_uptime,
)
from logforensics.parsers.gc.placement import finish
from logforensics.parsers.gc.rules import (
    EVENT_CANDIDATE,
    UNIFIED_COLLECTOR_MARKERS,
    UNIFIED_COLLECTORS,
    UNIFIED_RULES,
)


def parse_unified(
    frame: pl.DataFrame, source: str, hints: tuple[dt.datetime | None, ...], explained: bool = False
) -> GcParse:
    """``frame``: ``line_no``, ``line`` (no nulls)."""
    marked = _line_facts(frame)
    events = _all_events(compact(marked, pl.col("candidate")))
    unparsed = _unparsed(marked, events).height
    collector = _collector(frame, events.filter(pl.col("is_pause")))
    # in file order: the lines were copied out in order, and reading them in order is what keeps them in cache
    stamped = pl.concat([edges(frame), events.select("line_no", "line")]).unique("line_no", maintain_order=True)
    stamps = _stamps(stamped)
    return finish(events, stamps, source, "unified", collector, frame.height, frame.height - unparsed, hints, explained)


def unified_parsed_mask(frame: pl.DataFrame) -> pl.DataFrame:
    """``line_no`` and ``parsed`` for every line of ``frame``, by the rules :func:`parse_unified` counts with."""
    marked = _line_facts(frame)
    events = _all_events(compact(marked, pl.col("candidate")))
    unparsed = _unparsed(marked, events).get_column("line_no")
    return frame.select("line_no", parsed=~pl.col("line_no").is_in(unparsed.implode()))


def _line_facts(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with, per line, ``line_gc_id`` (the N of its first ``GC(N)``, null without one) and ``candidate``
    (it holds a literal that some event line needs). The one pass over every line: the streaming engine runs it on
    all cores."""
    line = pl.col("line")
    facts = (
        frame.lazy()
        .select(
            line_gc_id=line.str.extract(UNIFIED_RULES["gc_id"].pattern, 1).cast(pl.Int64, strict=False),
            candidate=line.str.contains(EVENT_CANDIDATE),
        )
        .collect(engine="streaming")
    )
    return frame.hstack(facts)


def _unparsed(marked: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """``line_no`` of the lines not parsed. A line is parsed when it is an event's own line, a ``GC(N)`` line of an
    emitted event (phases, heap, cpu...), or an understood header or informational line (safepoint bookkeeping,
    ergonomics, statistics); only the lines whose GC id has no event need a regex."""
    line = pl.col("line")
    owned = pl.col("line_gc_id").is_in(events.get_column("gc_id").drop_nulls().unique().implode()).fill_null(False)
    own = pl.col("line_no").is_in(events.get_column("line_no").unique().implode())
    info = UNIFIED_RULES["info"].pattern
    known = UNIFIED_RULES["header"].pattern + "|" + info
    understood = (
        pl.when(line.str.contains("GC(", literal=True))
        .then(line.str.contains(info))
        .otherwise(line.str.contains(known))
    )
    return marked.filter(~owned).filter(~(own | understood)).select("line_no")


def _with_generation(kind: pl.Expr, gen: pl.Expr) -> pl.Expr:
    """Generational ZGC writes "Y: " / "O: " before a phase: "Pause Mark Start" of the young generation becomes
    "Pause Mark Start (Young)"."""
    return (
        pl.when(gen == "Y")
        .then(pl.concat_str(kind, pl.lit(" (Young)")))
        .when(gen == "O")
        .then(pl.concat_str(kind, pl.lit(" (Old)")))
        .otherwise(kind)
    )


def _all_events(candidates: pl.DataFrame) -> pl.DataFrame:
    """Pauses (``is_pause``) and the other events of a unified log: concurrent phases and ZGC cycles, safepoints and
    stopped times, ZGC stalls, and markers (to-space exhausted, evacuation failure, cancelled concurrent GC), in file
    order (``line_no``, then a pause before the markers of its line). ``candidates``: the lines that can hold one."""
    pauses = _pauses(candidates)
    parts = [event_rows(pauses, **{name: pl.col(name) for name in EVENT_COLUMNS[2:]})]
    flagged = pauses.filter(pl.col("flag").is_not_null())
    if flagged.height:
        parts.append(event_rows(flagged, gc_id=pl.col("gc_id"), gc_type=pl.lit("Evacuation Failure")))
    parts.extend(_extras(candidates))
    return in_file_order(parts)


def _extras(frame: pl.DataFrame) -> list[pl.DataFrame]:
    line = pl.col("line")
    rules = UNIFIED_RULES
    parts: list[pl.DataFrame] = []

    def matches(literal: str, rule: str) -> pl.DataFrame:
        return (
            frame.filter(line.str.contains(literal, literal=True))
            .with_columns(m=line.str.extract_groups(rules[rule].pattern))
            .unnest("m")
        )

    conc = matches(" Concurrent ", "concurrent").filter(pl.col("ms").is_not_null())
    parts.append(
        event_rows(
            conc,
            gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
            gc_type=_with_generation(pl.col("kind"), pl.col("gen")),
            pause_ms=number(pl.col("ms")),
            heap_before_kb=kb(pl.col("before")),
            heap_after_kb=kb(pl.col("after")),
            heap_total_kb=kb(pl.col("total")),
        )
    )
    cycles = matches("Collection (", "zgc_cycle").filter(pl.col("kind").is_not_null())
    if cycles.height:
        starts = (
            matches("Collection (", "zgc_cycle_start")
            .filter(pl.col("kind").is_not_null())
            .group_by("gc_id")
            .agg(start_line=pl.col("line").first())
        )
        cycles = cycles.join(starts, on="gc_id", how="left")
        end_up = _stamps(cycles.select("line_no", "line")).get_column("uptime")
        start_up = _stamps(cycles.select("line_no", line=pl.col("start_line").fill_null(""))).get_column("uptime")
        cycles = cycles.with_columns(span_ms=(end_up - start_up) * 1e3)
        parts.append(
            event_rows(
                cycles,
                gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
                gc_type=pl.col("kind"),
                cause=pl.col("cause"),
                pause_ms=pl.coalesce(number(pl.col("secs")) * 1e3, pl.col("span_ms")),
                heap_before_kb=kb(pl.col("before")),
                heap_after_kb=kb(pl.col("after")),
            )
        )
    safepoints = matches('Safepoint "', "safepoint").filter(pl.col("ns").is_not_null())
    parts.append(
        event_rows(
            safepoints,
            gc_type=pl.lit("Safepoint"),
            cause=pl.col("op"),
            pause_ms=pl.col("ns").cast(pl.Float64) / 1e6,
        )
    )
    stopped = matches("Total time for which", "stopped").filter(pl.col("s").is_not_null())
    parts.append(event_rows(stopped, gc_type=pl.lit("Application stopped"), pause_ms=number(pl.col("s")) * 1e3))
    stalls = matches(" Stall (", "stall").filter(pl.col("ms").is_not_null())
    parts.append(event_rows(stalls, gc_type=pl.col("kind"), pause_ms=number(pl.col("ms"))))
    to_space = matches("To-space ", "to_space").filter(pl.col("gc_id").is_not_null())
    parts.append(
        event_rows(to_space, gc_id=pl.col("gc_id").cast(pl.Int64, strict=False), gc_type=pl.lit("To-space exhausted"))
    )
    cancelled = matches("Cancelling ", "cancelled").filter(pl.col("reason").is_not_null())
    parts.append(event_rows(cancelled, gc_type=pl.lit("Cancelled concurrent GC"), cause=pl.col("reason")))
    return parts


def _pauses(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per pause summary line, plus one per pause whose start line has no summary after it (the log stops
    during the pause: ``pause_ms`` and heap null, stamped at its start)."""
    line = pl.col("line")
    rules = UNIFIED_RULES
    candidates = frame.filter(line.str.contains(" Pause ", literal=True)).with_columns(
        with_ms=line.str.strip_chars_end().str.ends_with("ms")
    )
    done = (
        candidates.filter(pl.col("with_ms"))
        .select("line_no", "line")
        .with_columns(m=line.str.extract_groups(rules["pause"].pattern))
        .unnest("m")
        .filter(pl.col("ms").is_not_null())
    )
    started = (
        candidates.filter(~pl.col("with_ms"))
        .select("line_no", "line")
        .with_columns(m=line.str.extract_groups(rules["pause_start"].pattern))
        .unnest("m")
        .filter(pl.col("kind").is_not_null())
    )
    last_done = done.group_by("gc_id", "gen", "kind").agg(done_line=pl.col("line_no").max())
    unfinished = (
        started.join(last_done, on=["gc_id", "gen", "kind"], how="left", nulls_equal=True)
        .filter(pl.col("done_line").is_null() | (pl.col("done_line") < pl.col("line_no")))
        .drop("done_line")
        .with_columns(
            before=pl.lit(None, pl.String),
            after=pl.lit(None, pl.String),
            total=pl.lit(None, pl.String),
            ms=pl.lit(None, pl.String),
            flag=pl.lit(None, pl.String),
        )
    )
    return (
        pl.concat([done, unfinished.select(done.columns)])
        .sort("line_no")
        .with_columns(
            gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
            gc_type=_with_generation(
                pl.when(pl.col("sub").is_not_null())
                .then(pl.concat_str(pl.col("kind"), pl.lit(" ("), pl.col("sub"), pl.lit(")")))
                .otherwise(pl.col("kind")),
                pl.col("gen"),
            ),
            **pause_columns(),
            end_stamped=pl.lit(True),
        )
    )


def _collector(frame: pl.DataFrame, pauses: pl.DataFrame) -> str:
    line = pl.col("line")
    using = (
        frame.head(5000)
        .filter(line.str.contains("Using ", literal=True))
        .select(line.str.extract(UNIFIED_RULES["using"].pattern, 1))
        .drop_nulls()
    )
    if using.height:
        return UNIFIED_COLLECTORS.get(str(using.item(0, 0)), "unknown")
    texts = pauses.select(pl.concat_str(pl.col("gc_type"), pl.lit(" "), pl.col("cause").fill_null(""))).to_series()
    for name, pattern in UNIFIED_COLLECTOR_MARKERS:
        if bool(texts.str.contains(pattern).any()):
            return name
    sample = frame.head(200_000).get_column("line")
    for name, pattern in UNIFIED_COLLECTOR_MARKERS:
        if bool(sample.str.contains(pattern).any()):
            return name
    return "unknown"


def _stamps(rows: pl.DataFrame) -> pl.DataFrame:
    """``line_no``, wall ``ts`` (UTC), ``offset`` text and ``uptime`` (s) from the decorations of ``rows``."""
    deco = rows.select("line_no", d=pl.col("line").str.extract_groups(UNIFIED_RULES["decorations"].pattern))
    field = pl.col("d").struct.field  # the struct is built once; a field expression re-running the regex is slow
    uptime = pl.coalesce(
        number(field("uptime")),
        field("uptimemillis").cast(pl.Float64, strict=False) / 1e3,
        field("uptimenanos").cast(pl.Float64, strict=False) / 1e9,
    )
    epoch_ms = pl.coalesce(
        field("timemillis").cast(pl.Float64, strict=False),
        field("timenanos").cast(pl.Float64, strict=False) / 1e6,
    )
    return deco.select(
        "line_no",
        ts=pl.coalesce(parse_date(field("time")), epoch_ms_to_ts(epoch_ms)),
        offset=field("time"),
        uptime=sane_uptime(uptime),
    )
