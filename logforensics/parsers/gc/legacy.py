"""JDK <= 8 ``-XX:+PrintGCDetails`` logs (optional ``-XX:+PrintGCDateStamps`` / uptime / ``#N:`` GC ids) to GC events.

A record starts at a line that begins with a stamp or ``[GC``/``[Full GC``; the lines below it that begin with
neither (G1 detail blocks, tenuring tables, a ``, 0.01 secs]`` tail pushed down by interleaved output) belong to it.
The stamp is written when the event *starts*. Duration is the record's last ``, N secs]`` (its own, not ``real=``),
heap the G1 ``Heap: a(b)->c(d)`` detail or else the last whole-heap ``a->b(c)`` that is not a generation's.

How it stays fast (a 200 MiB JDK 8 G1 log is ~3.4 M lines, nine in ten of them G1 detail lines that say nothing we
keep): one pass over every line, on all cores, tells the record boundaries and the lines holding a literal that some
rule needs (``USEFUL_LITERALS``); everything else runs on those ~15 % of the lines. A record's line count is the
distance between its boundary and the next one, so the lines in between are never looked at again.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from logforensics.parsers.gc.common import (
    EVENT_COLUMNS,
    GcParse,
    compact,
    edges,
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
    LEGACY_COLLECTOR_MARKERS,
    LEGACY_MARKERS,
    LEGACY_RULES,
    LEGACY_STAMP,
    OLD_GEN_LITERALS,
    QUALIFIERS,
    SECONDS,
    SHENANDOAH_PAUSE,
    STOPPED_CLEAN,
    STOPPED_LINE,
    STOPPED_TAIL,
    UNIFIED_RULES,
    USED_HEAP_LITERALS,
    USEFUL,
)


def parse_legacy(
    frame: pl.DataFrame, source: str, hints: tuple[dt.datetime | None, ...], explained: bool = False
) -> GcParse:
    """``frame``: ``line_no``, ``line`` (no nulls)."""
    heads, kept = _records(frame)
    members = kept.filter(pl.col("in_event"))
    events = _pause_events(heads, _record_facts(members))
    pauses = event_rows(
        events.with_columns(end_stamped=pl.lit(False)), **{name: pl.col(name) for name in EVENT_COLUMNS[2:]}
    )
    stopped, stopped_stamps = _stopped(kept)
    all_events = in_file_order([pauses, stopped, *_extras(kept, members, events)])
    stamped = pl.concat([heads.select("line_no", "date", "up"), stopped_stamps]).unique("line_no", maintain_order=True)
    others = pl.concat([edges(frame), all_events.select("line_no", "line")]).unique("line_no")
    stamps = pl.concat(
        [
            _stamps_from(stamped),
            _stamps(others.join(stamped, on="line_no", how="anti")),
        ]
    )
    collector = _collector(frame, kept, members)
    return finish(
        all_events,
        stamps,
        source,
        "legacy",
        collector,
        frame.height,
        _parsed_count(kept, frame.height),
        hints,
        explained,
    )


def legacy_parsed_mask(frame: pl.DataFrame) -> pl.DataFrame:
    """``line_no`` and ``parsed`` for every line of ``frame``, by the rules :func:`parse_legacy` counts with."""
    _, kept = _records(frame)
    headers = kept.filter(pl.col("loose_header")).get_column("row")
    return _record_flags(frame.with_row_index("row"), kept).select(
        "line_no", parsed=pl.col("flagged").fill_null(False) | pl.col("row").is_in(headers.implode())
    )


def _record_flags(lines: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """``lines`` (with their ``row`` in the file, in order) with ``in_event`` (the line's record is a GC event) and
    ``flagged`` (a GC event or a side record); null before the first record."""
    starts = kept.filter(pl.col("boundary")).select(
        "row", in_event=pl.col("is_head"), flagged=pl.col("in_event") | pl.col("in_side")
    )
    return lines.join_asof(starts, on="row", strategy="backward")


def _records(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``heads``: the event header lines with their stamp fields and ``record``; ``kept``: the record boundaries
    and the lines holding a useful literal, copied out, with ``row`` (position in ``frame``), ``boundary``,
    ``record`` number, ``in_event`` (the line belongs to a GC event record), ``in_side`` (to a record of its own
    that is no GC event) and ``loose_header`` (an understood JVM header line outside such records)). The one pass
    over every line runs on all cores."""
    line = pl.col("line")
    rules = LEGACY_RULES
    facts = (
        frame.lazy()
        .select(starts=line.str.contains(rules["boundary"].pattern), useful=line.str.contains(USEFUL))
        .collect(engine="streaming")
    )
    kept = (
        compact(frame.hstack(facts).with_row_index("row"), pl.col("starts") | pl.col("useful"), "row", "starts")
        .with_columns(boundary=pl.col("starts") & ~line.str.contains(rules["inner"].pattern))
        .drop("starts")
    )
    heads = (
        kept.filter(pl.col("boundary") & line.str.contains("GC", literal=True))
        .select("line_no", "line", m=line.str.extract_groups(rules["event"].pattern))
        .unnest("m")
        .filter(pl.col("kind").is_not_null() & ~pl.col("rest").str.starts_with(" concurrent-"))
    )
    boundary = pl.col("boundary")
    kept = kept.with_columns(
        record=boundary.cast(pl.Int64).cum_sum(),
        is_head=pl.col("line_no").is_in(heads.get_column("line_no").implode()),
    )
    # a record of its own that is no GC pause: stopped/application time, a concurrent phase, Shenandoah (looked for
    # on the other boundaries only: a GC event record is understood anyway)
    sides = kept.filter(boundary & ~pl.col("is_head")).select(
        "row",
        side=line.str.contains(rules["side"].pattern)
        | line.str.contains(rules["shenandoah"].pattern)
        | line.str.contains(rules["shenandoah_start"].pattern),
    )
    kept = kept.join(sides, on="row", how="left", maintain_order="left").with_columns(
        in_event=pl.when(boundary).then(pl.col("is_head")).forward_fill().fill_null(False),
        in_side=pl.when(boundary).then(pl.col("side").fill_null(False)).forward_fill().fill_null(False),
    )
    loose = kept.filter(~(pl.col("in_event") | pl.col("in_side")))
    headers = loose.filter(line.str.contains(rules["jvm_header"].pattern)).get_column("row")
    kept = kept.drop("side").with_columns(loose_header=pl.col("row").is_in(headers.implode()))
    heads = heads.join(kept.select("line_no", "record"), on="line_no", how="left")
    return heads, kept


def _parsed_count(kept: pl.DataFrame, total: int) -> int:
    """Lines of GC event records and of side records (their line count is the distance to the next boundary),
    plus understood JVM header lines outside them."""
    starts = kept.filter(pl.col("boundary")).select(
        flagged=pl.col("in_event") | pl.col("in_side"),
        length=pl.col("row").cast(pl.Int64).shift(-1, fill_value=total) - pl.col("row").cast(pl.Int64),
    )
    in_records = int(starts.select(pl.col("length").filter(pl.col("flagged")).sum()).item() or 0)
    return in_records + int(kept.get_column("loose_header").sum())


def _last_per_record(lines: pl.DataFrame, pattern: str, fields: dict[str, str]) -> pl.DataFrame:
    """Per record, the last value of each of ``pattern``'s groups (``fields``: column name -> group name) found in
    ``lines`` (``record``, ``line``)."""
    return (
        lines.select("record", _m=pl.col("line").str.extract_groups(pattern))
        .group_by("record")
        .agg(pl.col("_m").struct.field(group).drop_nulls().last().alias(name) for name, group in fields.items())
    )


def _record_facts(members: pl.DataFrame) -> pl.DataFrame:
    """Per GC event record: its duration (the last ``, N secs]``), heap (G1 ``Heap:`` detail, last whole-heap
    transition, CMS used(capacity)) and CMS / old-generation flags, from the member lines that hold them (each
    regex runs only on the lines holding its literal)."""
    line = pl.col("line")
    rules = LEGACY_RULES
    # Only lines holding a duration, a heap transition or a CMS marker can hold what a record needs.
    useful = members.filter(
        line.str.contains("secs]", literal=True)
        | line.str.contains("->", literal=True)
        | line.str.contains("CMS", literal=True)
        | line.str.contains("Tenured", literal=True)
    )
    timed = useful.filter(line.str.contains("secs]", literal=True))
    durations = (
        timed.select("record", dur=line.str.extract_all(rules["duration"].pattern).list.last())
        .group_by("record")
        .agg(dur=pl.col("dur").drop_nulls().last())
    )
    used = _last_per_record(
        timed.filter(line.str.contains(USED_HEAP_LITERALS)),
        rules["used_heap"].pattern,
        {"used": "used", "used_total": "total"},
    )
    arrows = useful.filter(line.str.contains("->", literal=True))
    g1 = _last_per_record(
        arrows.filter(line.str.contains("Heap: ", literal=True)),
        rules["g1_heap"].pattern,
        {"g1_before": "before", "g1_after": "after", "g1_total": "total"},
    )
    heap = (
        arrows.select("record", heap=line.str.extract_all(rules["heap"].pattern).list.last())
        .group_by("record")
        .agg(heap=pl.col("heap").drop_nulls().last())
    )
    # old_gen needs one of these words, the CMS flags "CMS"; records without such a line have null flags (= false)
    flags = (
        useful.filter(line.str.contains(OLD_GEN_LITERALS))
        .group_by("record")
        .agg(
            old_gen=line.str.contains(rules["old_gen"].pattern).any(),
            initial_mark=line.str.contains("CMS-initial-mark", literal=True).any(),
            remark=line.str.contains("CMS-remark", literal=True).any(),
        )
    )
    facts = useful.select("record").unique()
    for part in (durations, used, g1, heap, flags):
        facts = facts.join(part, on="record", how="left")
    return facts


def _pause_events(heads: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """The pause event of every record header, with the facts of its record."""
    rules = LEGACY_RULES
    parts = pl.col("heap").str.extract_groups(rules["heap_parts"].pattern)
    parens_list = pl.col("run").str.extract_all(rules["parens"].pattern)
    qualifiers = pl.lit(pl.Series(QUALIFIERS)).implode()
    return (
        heads.join(facts, on="record", how="left")
        .with_columns(
            g1_run=pl.col("rest").str.extract(rules["g1_pause"].pattern, 1),
            lead_run=pl.col("rest").str.extract(rules["leading_parens"].pattern, 1),
        )
        .with_columns(
            is_g1_pause=pl.col("g1_run").is_not_null() & (pl.col("kind") == "GC"),
            run=pl.coalesce(pl.col("g1_run"), pl.col("lead_run")).fill_null(""),
        )
        .with_columns(
            quals=parens_list.list.eval(pl.element().filter(pl.element().is_in(qualifiers))).list.join(" "),
            cause_paren=parens_list.list.eval(pl.element().filter(~pl.element().is_in(qualifiers))).list.first(),
            hp=parts,
        )
        .with_columns(
            gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
            gc_type=pl.when(pl.col("is_g1_pause"))
            .then(pl.concat_str(pl.lit("GC pause"), pl.lit(" "), pl.col("quals")).str.strip_chars())
            .when((pl.col("kind") == "GC") & pl.col("rest").str.starts_with(" remark"))
            .then(pl.lit("GC remark"))
            .when((pl.col("kind") == "GC") & pl.col("rest").str.starts_with(" cleanup"))
            .then(pl.lit("GC cleanup"))
            .when((pl.col("kind") == "GC") & pl.col("initial_mark"))
            .then(pl.lit("CMS Initial Mark"))
            .when((pl.col("kind") == "GC") & pl.col("remark"))
            .then(pl.lit("CMS Final Remark"))
            .otherwise(pl.col("kind")),
            cause=pl.col("cause_paren").str.slice(1, pl.col("cause_paren").str.len_chars() - 2),
            is_full=(pl.col("kind") == "Full GC") | pl.col("old_gen").fill_null(False),
            is_pause=pl.lit(True),
            pause_ms=number(pl.col("dur").str.extract(SECONDS, 1)) * 1000.0,
            heap_before_kb=pl.coalesce(
                kb(pl.col("g1_before")), kb(pl.col("hp").struct.field("before")), kb(pl.col("used"))
            ),
            heap_after_kb=pl.coalesce(
                kb(pl.col("g1_after")), kb(pl.col("hp").struct.field("after")), kb(pl.col("used"))
            ),
            heap_total_kb=pl.coalesce(
                kb(pl.col("g1_total")), kb(pl.col("hp").struct.field("total")), kb(pl.col("used_total"))
            ),
        )
        .sort("line_no")
    )


def _collector(frame: pl.DataFrame, kept: pl.DataFrame, members: pl.DataFrame) -> str:
    """The first collector of ``LEGACY_COLLECTOR_MARKERS`` whose marker occurs on a line of a GC event record or
    on one of the first lines of the file (the JVM's command line). The markers are looked for on the lines kept
    first; when the first one found is not the first in the list, the lines not kept are searched for the markers
    before it (one pass, for logs of other collectors than G1)."""
    text = pl.concat([members.select("line"), frame.head(50).select("line")]).get_column("line")
    found = next(
        (index for index, (_, pattern) in enumerate(LEGACY_COLLECTOR_MARKERS) if text.str.contains(pattern).any()),
        None,
    )
    earlier = LEGACY_COLLECTOR_MARKERS if found is None else LEGACY_COLLECTOR_MARKERS[:found]
    if earlier:
        either = "|".join(pattern for _, pattern in earlier)
        lines = _record_flags(frame.with_row_index("row").filter(pl.col("line").str.contains(either)), kept)
        hits = lines.filter(pl.col("in_event").fill_null(False)).get_column("line")
        found = next((index for index, (_, pattern) in enumerate(earlier) if hits.str.contains(pattern).any()), found)
    if found is not None:
        return LEGACY_COLLECTOR_MARKERS[found][0]
    if bool(frame.head(5000).get_column("line").str.contains(SHENANDOAH_PAUSE).any()):
        return "Shenandoah"
    return "unknown"


def _stopped(kept: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(stopped-time events, the stamp fields of their lines). A line interleaved into another record holds that
    record's stamp first: only the stamp written right before the text counts (the costly search runs only on the
    few lines that do not start with it)."""
    line = pl.col("line")
    candidates = kept.filter(line.str.contains("Total time for which", literal=True)).select(
        "line_no", "line", m=line.str.extract_groups(STOPPED_LINE)
    )
    clean = candidates.unnest("m").filter(pl.col("s").is_not_null())
    rest = (
        candidates.filter(pl.col("m").struct.field("s").is_null())
        .select("line_no", "line", s=line.str.extract(UNIFIED_RULES["stopped"].pattern, 1))
        .filter(pl.col("s").is_not_null())
    )
    starts_clean = line.str.contains(STOPPED_CLEAN)
    rest = rest.with_columns(line=pl.when(starts_clean).then(line).otherwise(line.str.extract(STOPPED_TAIL, 1)))
    stopped = pl.concat([clean.select("line_no", "line", "s"), rest]).sort("line_no")
    events = event_rows(stopped, gc_type=pl.lit("Application stopped"), pause_ms=number(pl.col("s")) * 1e3)
    return events, clean.select("line_no", "date", "up")


def _extras(kept: pl.DataFrame, members: pl.DataFrame, heads: pl.DataFrame) -> list[pl.DataFrame]:
    """Concurrent phases (end lines with a duration; aborts as markers), JDK 8 Shenandoah pauses and failure
    markers of pause records."""
    line = pl.col("line")
    rules = LEGACY_RULES
    parts: list[pl.DataFrame] = []
    # the anchored pattern first (fast); the unanchored one only for interleaved lines
    candidates = kept.filter(line.str.contains("concurrent-", literal=True)).select("line_no", "line")
    anchored = candidates.with_columns(m=line.str.extract_groups("^" + rules["concurrent"].pattern)).unnest("m")
    missed = anchored.filter(pl.col("phase").is_null()).select("line_no", "line")
    conc = pl.concat(
        [
            anchored.filter(pl.col("phase").is_not_null()),
            missed.with_columns(m=line.str.extract_groups(rules["concurrent"].pattern)).unnest("m"),
        ]
    ).sort("line_no")
    ended = conc.filter(pl.col("secs").is_not_null() | pl.col("wall").is_not_null())
    parts.append(
        event_rows(
            ended,
            gc_type=pl.col("phase"),
            pause_ms=number(pl.coalesce(pl.col("secs"), pl.col("wall"))) * 1e3,
        )
    )
    aborted = kept.filter(line.str.contains("concurrent-mark-abort", literal=True))
    parts.append(event_rows(aborted, gc_type=pl.lit("concurrent-mark-abort"), end_stamped=pl.lit(False)))
    shen = (
        kept.filter(line.str.contains("[Pause ", literal=True))
        .select("line_no", "line", m=line.str.extract_groups(rules["shenandoah"].pattern))
        .unnest("m")
        .filter(pl.col("ms").is_not_null())
    )
    parts.append(
        event_rows(
            shen,
            gc_type=pl.col("kind"),
            **pause_columns(),
        )
    )
    any_marker = "|".join(re.escape(word) for word, _ in LEGACY_MARKERS)
    hits = members.filter(line.str.contains(any_marker)).select("record", "line")
    if hits.height:
        head_of = kept.filter(pl.col("is_head")).select("record", head_line_no="line_no", head_line="line")
        for word, name in LEGACY_MARKERS:
            found = (
                hits.filter(line.str.contains(word, literal=True))
                .select("record")
                .unique()
                .join(head_of, on="record")
                .join(heads.select("line_no", "gc_id"), left_on="head_line_no", right_on="line_no", how="left")
                .select(line_no="head_line_no", line="head_line", gc_id="gc_id")
            )
            parts.append(event_rows(found, gc_id=pl.col("gc_id"), gc_type=pl.lit(name), end_stamped=pl.lit(False)))
    return parts


def _stamps_from(fields: pl.DataFrame) -> pl.DataFrame:
    """``line_no``, ``ts``, ``offset``, ``uptime`` from the ``date`` and ``up`` stamp fields of a line."""
    return fields.select(
        "line_no",
        ts=parse_date(pl.col("date")),
        offset=pl.col("date"),
        uptime=sane_uptime(number(pl.col("up"))),
    )


def _stamps(rows: pl.DataFrame) -> pl.DataFrame:
    return _stamps_from(rows.select("line_no", s=pl.col("line").str.extract_groups(LEGACY_STAMP)).unnest("s"))
