"""GC conditions over many events: throughput collapse windows and heap-after-full-GC trends.

A GC signal with a condition (:class:`~logforensics.catalogue.model.GcPredicate` ``max_throughput`` with ``window``,
or ``heap_after_full_rising``) does not turn each GC event into a signal event: the events its predicate selects feed
the condition, and the condition's findings are the signal events, with their numbers in the event text so that the
report shows why. Both run in polars over one GC log (or one rotated set, its parts in content order); the only
Python loop follows the chain of windows kept (one per window length at most), to keep them from overlapping.

- Throughput: a window of wall time starts at each pause; the pause time inside it (a pause running past the window
  end counts up to the end) over the window length is the share of time spent in GC. Windows where the application
  ran less than ``max_throughput`` of the time qualify; the earliest one is kept, then the next one starting after it
  ends, and so on: one event per window, at its first pause. Pauses without a wall-clock time (an uptime-only log
  that nothing anchored) cannot be placed in a window and are left out.
- Heap after full GC: full GCs in log order; a run continues while the heap after GC rises and the JVM is the same
  (its uptime does not go back). A run of at least N full GCs is one event, at its last full GC, when its rise and
  its last occupancy reach the predicate's minimums (percentages of the committed heap).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from logforensics.catalogue.model import GcPredicate
from logforensics.model import GC_EVENTS_SCHEMA, TEXT_CAP

RESTART_SLACK_S = 1.0
"""An uptime lower than the previous full GC's by more than this is another JVM run (as the GC parser counts it)."""
MAX_LISTED = 8
"""Heap values listed in a trend event's text; a longer run shows its first and last ones."""

CONDITION_SCHEMA: dict[str, pl.DataType] = {**GC_EVENTS_SCHEMA, "value": pl.Float64()}
"""What a condition returns: the GC event it is placed at (with ``text`` replaced by the condition's own words) and
the condition's number as ``value``."""


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=CONDITION_SCHEMA)


def _mb(kb: pl.Expr) -> pl.Expr:
    return (kb / 1024.0).round(0).cast(pl.Int64).cast(pl.String)


def throughput_windows(pauses: pl.DataFrame, window: dt.timedelta, max_throughput: float) -> pl.DataFrame:
    """One row per window (of ``window``, starting at a pause) in which ``pauses`` (GC_EVENTS_SCHEMA rows) took
    more than ``1 - max_throughput`` of the wall time; windows do not overlap. ``value``: percent of the window in
    GC.

    Pause time per window from cumulative sums: a window starting at pause ``i`` holds the pauses ``i .. k-1``
    (``k`` the first pause starting at or after its end, found by binary search); stop-the-world pauses do not
    overlap, so only the last of them can run past the window's end, and that part is taken off."""
    timed = (
        pauses.filter(pl.col("ts").is_not_null(), pl.col("pause_ms").fill_null(0.0) > 0.0)
        .sort("ts", "source", "line")
        .with_row_index("_i")
    )
    if timed.height == 0:
        return _empty()
    window_ms = window.total_seconds() * 1e3
    begin = pl.col("_start")
    through = pl.col("_cum")  # pause time of the pauses up to and including this one
    last = pl.col("_k") - 1
    windows = (
        timed.select("_i", _start=pl.col("ts").dt.epoch("ms").cast(pl.Float64), _ms=pl.col("pause_ms"))
        .with_columns(_cum=pl.col("_ms").cum_sum(), _k=begin.search_sorted(begin + window_ms, side="left"))
        .with_columns(
            _gc_ms=through.gather(last)
            - (through - pl.col("_ms"))
            - (begin.gather(last) + pl.col("_ms").gather(last) - (begin + window_ms)).clip(lower_bound=0.0)
        )
        .filter(pl.col("_gc_ms") > (1.0 - max_throughput) * window_ms)
        .unique("_start", keep="first", maintain_order=True)  # pauses stamped alike start one window
    )
    if windows.height == 0:
        return _empty()
    # The earliest window, then the first one starting after it ends, and so on: a walk over the kept windows only.
    starts = windows.get_column("_start")
    following = starts.search_sorted(starts + window_ms, side="left").to_list()
    kept, at = [], 0
    while at < windows.height:
        kept.append(at)
        at = following[at]
    chosen = windows[kept].select("_i", "_k", "_gc_ms")
    longest = (
        chosen.select("_i", _j=pl.int_ranges("_i", "_k"))
        .explode("_j")
        .join(timed.select(_j="_i", _pause=pl.col("pause_ms"), _line=pl.col("line")), on="_j", how="left")
        .group_by("_i")
        .agg(
            _count=pl.len(),
            _longest_ms=pl.col("_pause").max(),
            _longest_line=pl.col("_line").sort_by("_pause", descending=True).first(),
        )
    )
    chosen = chosen.join(longest, on="_i", how="left").join(timed, on="_i", how="left").sort("_i")
    share = pl.col("_gc_ms") / window_ms * 100.0
    seconds = window.total_seconds()
    text = pl.concat_str(
        pl.lit("GC throughput collapse: pauses took "),
        (pl.col("_gc_ms") / 1e3).round(1).cast(pl.String),
        pl.lit(f" s of the {seconds:g} s from "),
        pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S%.3f UTC"),
        pl.lit(" ("),
        share.round(1).cast(pl.String),
        pl.lit(" % in GC, the application ran "),
        (100.0 - share).clip(lower_bound=0.0).round(1).cast(pl.String),
        pl.lit(f" %, below {max_throughput * 100:g} %): "),
        pl.col("_count").cast(pl.String),
        pl.lit(" pauses, the longest "),
        (pl.col("_longest_ms") / 1e3).round(3).cast(pl.String),
        pl.lit(" s at line "),
        pl.col("_longest_line").cast(pl.String),
    )
    return chosen.select(
        [text.str.slice(0, TEXT_CAP).alias(n) if n == "text" else pl.col(n) for n in GC_EVENTS_SCHEMA]
        + [share.alias("value")]
    ).cast(CONDITION_SCHEMA)  # type: ignore[arg-type]


def heap_after_full_rising(
    fulls: pl.DataFrame, count: int, min_rise_pct: float = 0.0, min_after_pct: float = 0.0
) -> pl.DataFrame:
    """One row per run of at least ``count`` consecutive full GCs (of ``fulls``, GC_EVENTS_SCHEMA rows in log
    order) of one JVM whose heap after GC rose each time, placed at the run's last full GC. ``value``: the heap
    after that GC, MB."""
    rows = fulls.filter(pl.col("is_full").fill_null(False), pl.col("heap_after_kb").is_not_null())
    if rows.height < count:
        return _empty()
    same_jvm = (pl.col("uptime_s") >= pl.col("uptime_s").shift(1) - RESTART_SLACK_S).fill_null(True)
    rising = (pl.col("heap_after_kb") > pl.col("heap_after_kb").shift(1)).fill_null(False) & same_jvm
    runs = (
        rows.with_row_index("_i")
        .with_columns(_run=(~rising).cum_sum())
        .group_by("_run", maintain_order=True)
        .agg(
            _last=pl.col("_i").last(),
            _count=pl.len(),
            _first_after=pl.col("heap_after_kb").first(),
            _afters=pl.col("heap_after_kb"),
            _first_ts=pl.col("ts").first(),
            _first_line=pl.col("line").first(),
            _first_source=pl.col("source").first(),
        )
        .filter(pl.col("_count") >= count)
    )
    if runs.height == 0:
        return _empty()
    heap = pl.coalesce(pl.col("heap_total_kb"), pl.col("heap_after_kb"))
    rise_pct = (pl.col("heap_after_kb") - pl.col("_first_after")) / heap * 100.0
    after_pct = pl.col("heap_after_kb") / heap * 100.0
    placed = (
        runs.join(rows.with_row_index("_i"), left_on="_last", right_on="_i", how="left")
        .filter(rise_pct >= min_rise_pct, after_pct >= min_after_pct)
        .with_columns(
            _listed=pl.when(pl.col("_afters").list.len() > MAX_LISTED)
            .then(
                pl.concat_list(
                    pl.col("_afters").list.head(MAX_LISTED // 2),
                    pl.lit(None, pl.Float64),
                    pl.col("_afters").list.tail(MAX_LISTED // 2),
                )
            )
            .otherwise(pl.col("_afters"))
        )
    )
    listed = pl.col("_listed").list.eval(
        pl.when(pl.element().is_null()).then(pl.lit("...")).otherwise(_mb(pl.element()))
    )
    since = pl.when(pl.col("_first_ts").is_not_null()).then(
        pl.concat_str(pl.lit(" since "), pl.col("_first_ts").dt.strftime("%Y-%m-%d %H:%M:%S UTC"))
    )
    where = pl.when(pl.col("_first_source") != pl.col("source")).then(
        pl.concat_str(pl.lit(" of "), pl.col("_first_source"))
    )
    text = pl.concat_str(
        pl.lit("Heap after full GC rose "),
        (pl.col("_count") - 1).cast(pl.String),
        pl.lit(" times in a row over "),
        pl.col("_count").cast(pl.String),
        pl.lit(" full GCs: "),
        listed.list.join(" -> "),
        pl.lit(" MB of "),
        _mb(heap),
        pl.lit(" MB committed ("),
        after_pct.round(1).cast(pl.String),
        pl.lit(" % occupied after GC, +"),
        rise_pct.round(1).cast(pl.String),
        pl.lit(" % of the heap)"),
        since.fill_null(""),
        pl.lit(", first at line "),
        pl.col("_first_line").cast(pl.String),
        where.fill_null(""),
    )
    return placed.select(
        [text.str.slice(0, TEXT_CAP).alias(n) if n == "text" else pl.col(n) for n in GC_EVENTS_SCHEMA]
        + [(pl.col("heap_after_kb") / 1024.0).alias("value")]
    ).cast(CONDITION_SCHEMA)  # type: ignore[arg-type]


def apply_condition(selected: pl.DataFrame, predicate: GcPredicate) -> pl.DataFrame:
    """The condition's rows for the events ``predicate`` selected (CONDITION_SCHEMA); without a condition, the
    selected events themselves with their pause as ``value``."""
    condition = predicate.condition
    if condition == "throughput" and predicate.window is not None and predicate.max_throughput is not None:
        return throughput_windows(selected, predicate.window, predicate.max_throughput)
    if condition == "heap_rising" and predicate.heap_after_full_rising is not None:
        return heap_after_full_rising(
            selected, predicate.heap_after_full_rising, predicate.min_rise_pct, predicate.min_after_pct
        )
    return selected.select(*GC_EVENTS_SCHEMA, value=pl.col("pause_ms"))
