"""JVM GC logs to one frame of GC events (``GC_EVENTS_SCHEMA``), vectorised in polars.

Two layouts, told apart by :func:`sniff_gc`, one module each:

- ``gc_unified`` (JDK 9+ ``-Xlog:gc*``): :mod:`.unified`.
- ``gc_legacy`` (JDK <= 8 ``-XX:+PrintGCDetails``): :mod:`.legacy`.

An event's ``line`` and ``text`` are its summary line (unified) or its header line (legacy); ``ts``/``uptime_s``
are its start (:mod:`.placement` puts events on the wall clock). Events: stop-the-world pauses (``is_pause``), and,
with ``is_pause`` false so that pause statistics count each stop once, concurrent phases, ZGC cycles and stalls,
safepoints (JDK 17+ ``Safepoint "X"``, JDK 8 "Total time for which application threads were stopped") and failure
markers (to-space exhausted, evacuation failure, concurrent mode failure, promotion failed, cancelled concurrent GC).

Every pattern lives in a table of :class:`LineRule` (a Rust regex for polars plus a real sample line from the
corpus, checked by tests/parsers/test_gc.py), so new collectors and wordings are added as rows. Decimal commas
(JVM locale) are accepted in every number. No Python loop runs over lines: one vectorised pass over every line
picks the few that can matter (by literals, SIMD-searched), and the rule regexes run only on those.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from logforensics.model import GcSummary
from logforensics.parsers.gc.common import (
    COLLECTORS,
    LEGACY,
    UNIFIED,
    GcParse,
    JvmRun,
    LineRule,
    empty_events,
    format_name,
    prepare,
)
from logforensics.parsers.gc.legacy import legacy_parsed_mask, parse_legacy
from logforensics.parsers.gc.rules import LEGACY_RULES, UNIFIED_RULES
from logforensics.parsers.gc.sniffing import sniff_gc
from logforensics.parsers.gc.unified import parse_unified, unified_parsed_mask

__all__ = [
    "COLLECTORS",
    "LEGACY",
    "LEGACY_RULES",
    "UNIFIED",
    "UNIFIED_RULES",
    "GcParse",
    "JvmRun",
    "LineRule",
    "parse_gc",
    "parsed_mask",
    "sniff_gc",
    "summarize_gc",
]


def parse_gc(
    lines: pl.DataFrame,
    source: str,
    layout: str,
    *,
    jvm_start_hint: dt.datetime | None = None,
    run_starts: Sequence[dt.datetime | None] | None = None,
) -> GcParse:
    """layout from sniff_gc. jvm_start_hint: UTC time of the JVM start taken from elsewhere (the TaskManager log),
    used to place uptime-only logs on the wall clock; such rows get ts_quality='approximate'. Rows with a wall-clock
    decoration get 'exact'; rows with no way to place them get ts null and 'missing'. The hint places the file's
    first JVM run; ``run_starts`` gives one start per JVM run of the file instead (in file order, None where none is
    known: a file whose uptime starts again holds several runs, see ``GcParse.runs``), from a caller that says
    itself why a run has none (the parse then does not warn about those runs)."""
    total = lines.height
    if layout not in (UNIFIED, LEGACY, "unified", "legacy"):
        sniffed = sniff_gc("\n".join(lines.head(2000).get_column("line").fill_null("").to_list())) if total else None
        layout = sniffed or UNIFIED
    fmt = format_name(layout)
    if total == 0:
        return GcParse(empty_events(), "unknown", fmt, 0, 0, 0, None, None, None, None, ())
    frame = prepare(lines)
    hints = tuple(run_starts) if run_starts is not None else (jvm_start_hint,)
    explained = run_starts is not None
    try:
        if fmt == "legacy":
            return parse_legacy(frame, source, hints, explained)
        return parse_unified(frame, source, hints, explained)
    except (pl.exceptions.PolarsError, ArithmeticError, ValueError) as exc:  # pragma: no cover - defensive net
        return GcParse(
            empty_events(),
            "unknown",
            fmt,
            total,
            0,
            total,
            None,
            None,
            None,
            None,
            (f"{source}: GC log not parsed (internal error: {exc})",),
        )


def parsed_mask(lines: pl.DataFrame, layout: str) -> pl.DataFrame:
    """``line_no`` and ``parsed`` (bool) for every line, by the rules :func:`parse_gc` counts with; for listing the
    lines the parser did not understand."""
    frame = prepare(lines)
    if format_name(layout) == "legacy":
        return legacy_parsed_mask(frame)
    return unified_parsed_mask(frame)


def summarize_gc(parse: GcParse, source: str) -> GcSummary:
    """pause count/total/max/p50/p99 over STW pauses (is_pause), full GC count, throughput_pct = 100 * (1 - total
    pause time / wall span of the log), None when the span is unknown or zero."""
    events = parse.events
    stw = events.filter(pl.col("is_pause").fill_null(False))
    count = stw.height  # a pause whose duration was cut off still counts; the duration statistics skip it
    pauses = stw.get_column("pause_ms").drop_nulls()
    total = float(pauses.sum()) if pauses.len() else 0.0
    stats = (
        pl.DataFrame({"p": pauses})
        .select(
            max=pl.col("p").max(),
            p50=pl.col("p").quantile(0.5, interpolation="linear"),
            p99=pl.col("p").quantile(0.99, interpolation="linear"),
        )
        .row(0, named=True)
    )
    full = int(events.select(pl.col("is_full").fill_null(False).sum()).item()) if events.height else 0
    throughput: float | None = None
    if parse.span_s is not None and parse.span_s > 0:
        throughput = min(100.0, max(0.0, 100.0 * (1.0 - total / 1e3 / parse.span_s)))
    return GcSummary(
        source=source,
        collector=parse.collector,
        format=parse.format,
        pause_count=count,
        pause_total_ms=total,
        pause_max_ms=float(stats["max"] or 0.0),
        pause_p50_ms=float(stats["p50"] or 0.0),
        pause_p99_ms=float(stats["p99"] or 0.0),
        full_gc_count=full,
        throughput_pct=throughput,
    )
