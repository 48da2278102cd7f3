"""Merge every source into one events frame: UTC, classified by the signals catalogue, keyed by TaskManager, job,
checkpoint.

Line signals run inside polars: one combined alternation of every signal's literal picks the candidate records in one
pass, then each signal's own regex runs only on the records holding its literal (the Rust engine's literal prefilter
does the rest). Named groups become key columns. GC signals are predicates over the GC events frame.

A TaskManager is one entity whether the JobManager names it (resource id, container, pod) or its own log does: each
TaskManager log's id comes from its ``Starting TaskManager with ResourceID`` line (or a container id in its path), a
GC log takes the id of the TaskManager log beside it (``owners.py`` tells which), and events of those files without an
id of their own inherit it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from logforensics.catalogue.model import Catalogue, GcPredicate, SearchIn, Signal, SignalSource
from logforensics.gcwindows import apply_condition
from logforensics.model import EVENT_TEXT_CAP, EVENTS_SCHEMA, KEY_COLUMNS, SourceKind


@dataclass(frozen=True)
class ParsedSource:
    """One parsed input, as the timeline needs it."""

    path: str
    kind: SourceKind
    events: pl.DataFrame | None = None
    """EVENTS_SCHEMA: the classified records of Flink logs and text sources."""
    gc_events: pl.DataFrame | None = None
    """GC_EVENTS_SCHEMA for GC logs."""
    gaps: pl.DataFrame | None = None
    """Silences in the log (scan.GAPS_SCHEMA): ts before, ts after, line after, seconds."""
    span: tuple[dt.datetime, dt.datetime] | None = None
    """The times (UTC) of its first and last timed record or GC event, when it has any."""


def _source_kind_of(signal: Signal) -> list[str]:
    kinds: list[str] = []
    if SignalSource.FLINK in signal.sources:
        kinds += [
            SourceKind.FLINK_TASKMANAGER,
            SourceKind.FLINK_JOBMANAGER,
            SourceKind.FLINK_LOG,
            SourceKind.EXCEPTION_TRACE,  # a trace saved alone holds the same exception lines
            SourceKind.TEXT,  # pasted diagnostics hold Flink's and the platform's texts
        ]
    if SignalSource.STDOUT in signal.sources:
        kinds += [SourceKind.STDOUT, SourceKind.TEXT]
    return sorted({str(k) for k in kinds})


def _empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENTS_SCHEMA)


_MATCHED = "_matched"


def classify_records(records: pl.DataFrame, signals: Iterable[Signal]) -> pl.DataFrame:
    """Events (EVENTS_SCHEMA) for every (record, line signal) match. ``records`` carries a ``source_kind`` column.

    Aho-Corasick passes (``extract_many``) tell each record which signal literals it holds; each signal's regex then
    runs only on the records holding one of its literals.
    """
    line_signals = [s for s in signals if s.regex and s.literals]
    if records.height == 0 or not line_signals:
        return _empty_events()
    # Messages are scanned for every signal's literals; continuation lines (stack traces, often long) only for the
    # literals of signals that search the whole text.
    message_literals = sorted({literal for s in line_signals for literal in s.literals})
    text_literals = sorted({literal for s in line_signals if s.search_in is SearchIn.TEXT for literal in s.literals})
    no_hits = pl.lit([], dtype=pl.List(pl.String))
    if text_literals:
        # The same stack trace comes again and again: scan each distinct one once.
        detail_hits = (
            records.select("detail")
            .drop_nulls()
            .unique()
            .with_columns(_detail_hits=pl.col("detail").str.extract_many(text_literals, overlapping=True))
        )
        records = records.join(detail_hits, on="detail", how="left")
        in_detail = pl.col("_detail_hits").fill_null(no_hits)
    else:
        in_detail = no_hits
    candidates = (
        records.with_columns(message=pl.col("message").fill_null(""))
        .with_columns(
            _hits=pl.col("message").str.extract_many(message_literals, overlapping=True),
            _detail_hits=in_detail,
        )
        .filter((pl.col("_hits").list.len() > 0) | (pl.col("_detail_hits").list.len() > 0))
        .with_columns(
            text=pl.when(pl.col("detail").is_not_null())
            .then(pl.col("message") + "\n" + pl.col("detail"))
            .otherwise(pl.col("message"))
        )
        .with_row_index("_row")
    )
    # Rows by literal, apart for the message and the continuation lines: a signal that reads the message only takes
    # the rows whose message holds one of its literals, and needs no second look.
    rows_in_message = _rows_by_literal(candidates, "_hits")
    rows_in_detail = _rows_by_literal(candidates.filter(pl.col("_detail_hits").list.len() > 0), "_detail_hits")
    plans: list[pl.LazyFrame] = []
    for signal in line_signals:
        column = "text" if signal.search_in is SearchIn.TEXT else "message"
        places = (rows_in_message, rows_in_detail) if signal.search_in is SearchIn.TEXT else (rows_in_message,)
        held = [rows[literal] for literal in signal.literals for rows in places if literal in rows]
        if not held:
            continue
        holding = pl.concat(held).unique(maintain_order=True) if len(held) > 1 else held[0]
        # What the signal's query reads, gathered for its rows only.
        rows = candidates.select("source_kind", "level", column)[holding].lazy().with_columns(_row=holding)
        rows = rows.filter(pl.col("source_kind").is_in(_source_kind_of(signal)))
        if signal.levels:
            rows = rows.filter(pl.col("level").is_in(list(signal.levels)))
        groups = list(signal.groups)
        if groups:
            # One regex pass: the empty group that opens the pattern is null exactly where the regex does not match.
            extracted = (
                rows.select("_row", _groups=pl.col(column).str.extract_groups(f"(?P<{_MATCHED}>)(?:{signal.regex})"))
                .unnest("_groups")
                .filter(pl.col(_MATCHED).is_not_null())
            )
        else:
            extracted = rows.filter(pl.col(column).str.contains(signal.regex or "")).select("_row")
        # Only what differs between signals, per event; the record's own columns are gathered once, below.
        plans.append(
            extracted.select(
                "_row",
                _label(signal.id, "kind"),
                _label(str(signal.family), "family"),
                *[pl.col(key).cast(EVENTS_SCHEMA[key]) for key in KEY_COLUMNS if key in groups],
                (
                    pl.col(signal.value_group).cast(pl.Float64, strict=False)
                    if signal.value_group
                    else pl.lit(None, dtype=pl.Float64)
                ).alias("value"),
            )
        )
    # The signals' queries run together (one call, spread over the cores): each is small next to the cost of a call.
    frames = [frame for frame in pl.collect_all(plans) if frame.height]
    if not frames:
        return _empty_events()
    found = pl.concat(frames, how="diagonal")
    # Labels become categorical here, as the events frame has them; the text is cut once per record.
    record = candidates.select(
        "ts",
        pl.when(pl.col("ts").is_null()).then(_label("missing", "ts_quality")).otherwise(_label("exact", "ts_quality")),
        *[pl.col(name).cast(EVENTS_SCHEMA[name]) for name in ("source", "source_kind")],
        "line",
        pl.col("level").cast(EVENTS_SCHEMA["level"]),
        _capped(pl.col("text")).alias("text"),
    )[found["_row"]]
    return (
        pl.concat([record, found.drop("_row")], how="horizontal")
        .select(
            pl.col(name) if name in found.columns or name in record.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in EVENTS_SCHEMA.items()
        )
        .cast(EVENTS_SCHEMA)  # type: ignore[arg-type]
    )


def _rows_by_literal(candidates: pl.DataFrame, hits: str) -> dict[str, pl.Series]:
    """The ``_row`` numbers of the candidates whose list column ``hits`` holds each literal."""
    pairs = candidates.select("_row", literal=pl.col(hits).list.unique()).explode("literal").drop_nulls("literal")
    return {literal: frame["_row"] for (literal,), frame in pairs.partition_by("literal", as_dict=True).items()}


def _label(value: str | None, column: str) -> pl.Expr:
    """A constant of an events column, in its type (categorical labels are not cast row by row afterwards)."""
    return pl.lit(value, dtype=EVENTS_SCHEMA[column]).alias(column)


def _capped(text: pl.Expr) -> pl.Expr:
    """``text`` cut to EVENT_TEXT_CAP characters, a cut one ending with "…"."""
    return (
        pl.when(text.str.len_chars() > EVENT_TEXT_CAP).then(text.str.slice(0, EVENT_TEXT_CAP - 1) + "…").otherwise(text)
    )


def _unkeyed_events(
    rows: pl.DataFrame,
    signal: Signal,
    *,
    ts: pl.Expr,
    ts_quality: pl.Expr,
    source: pl.Expr,
    source_kind: SourceKind,
    value: pl.Expr,
    text: pl.Expr,
) -> pl.DataFrame:
    """Events (EVENTS_SCHEMA) of ``signal`` for ``rows`` that carry no key of their own (GC events, silences):
    the timeline gives them the TaskManager of their source."""
    return rows.select(
        ts.alias("ts"),
        ts_quality.alias("ts_quality"),
        source.alias("source"),
        pl.lit(str(source_kind)).alias("source_kind"),
        pl.col("line"),
        pl.lit(signal.id).alias("kind"),
        pl.lit(str(signal.family)).alias("family"),
        pl.lit(None, dtype=pl.String).alias("level"),
        *[pl.lit(None, dtype=pl.String).alias(key) for key in KEY_COLUMNS],
        value.alias("value"),
        text.alias("text"),
    )


def select_gc(gc_events: pl.DataFrame, predicate: GcPredicate) -> pl.DataFrame:
    """What a GC signal's predicate finds in ``gc_events`` (GC_EVENTS_SCHEMA, one log or one rotated set in log
    order): the selected GC events, or, for a predicate with a window or trend condition, one row per window or
    run that meets it (placed at one of its GC events, ``text`` saying what was found); ``value`` is the number the
    signal measures (the pause, the share of the window in GC, the heap after GC)."""
    rows = gc_events.filter(pl.col("pause_ms").fill_null(0.0) >= predicate.min_pause_ms)
    if predicate.full_only:
        rows = rows.filter(pl.col("is_full").fill_null(False))
    if predicate.pauses_only:
        rows = rows.filter(pl.col("is_pause").fill_null(False))
    if predicate.type_regex:
        rows = rows.filter(pl.col("gc_type").fill_null("").str.contains(predicate.type_regex))
    if predicate.cause_regex:
        rows = rows.filter(pl.col("cause").fill_null("").str.contains(predicate.cause_regex))
    if predicate.not_cause_regex:
        rows = rows.filter(~pl.col("cause").fill_null("").str.contains(predicate.not_cause_regex))
    return apply_condition(rows, predicate)


def classify_gc(gc_events: pl.DataFrame, signals: Iterable[Signal]) -> pl.DataFrame:
    """Events (EVENTS_SCHEMA) of every GC signal over ``gc_events``: one GC log, or the parts of one rotated set
    concatenated in content order (so that windows and trends run across the parts)."""
    frames: list[pl.DataFrame] = []
    for signal in signals:
        if signal.gc is None or gc_events.height == 0:
            continue
        rows = select_gc(gc_events, signal.gc)
        if rows.height == 0:
            continue
        frames.append(
            _unkeyed_events(
                rows,
                signal,
                ts=pl.col("ts"),
                ts_quality=pl.col("ts_quality"),
                source=pl.col("source"),
                source_kind=SourceKind.GC_LOG,
                value=pl.col("value"),
                text=pl.col("text"),
            )
        )
    if not frames:
        return _empty_events()
    return pl.concat(frames, how="vertical_relaxed").cast(EVENTS_SCHEMA)  # type: ignore[arg-type]


def classify_gaps(sources: list[ParsedSource], signals: Iterable[Signal]) -> pl.DataFrame:
    """Events for silences in TaskManager logs, placed at the end of the silence (the TaskManager wrote again, so
    it was alive). Only TaskManager logs: a quiet JobManager is normal, and its events would carry no TaskManager to
    join on."""
    frames: list[pl.DataFrame] = []
    for signal in signals:
        if signal.gap is None:
            continue
        for source in sources:
            if source.kind is not SourceKind.FLINK_TASKMANAGER or source.gaps is None or source.gaps.height == 0:
                continue
            rows = source.gaps.filter(pl.col("seconds") >= signal.gap.min_seconds)
            if rows.height == 0:
                continue
            text = pl.concat_str(
                [
                    pl.lit("No log line for "),
                    pl.col("seconds").round(1).cast(pl.String),
                    pl.lit(" s: from "),
                    pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S%.3f UTC"),
                    pl.lit(" (line "),
                    pl.col("line_before").cast(pl.String),
                    pl.lit(") to "),
                    pl.col("ts_after").dt.strftime("%H:%M:%S%.3f UTC"),
                    pl.lit(" (line "),
                    pl.col("line").cast(pl.String),
                    pl.lit("). A frozen JVM (GC pause, swap, CPU starvation) writes nothing."),
                ]
            )
            frames.append(
                _unkeyed_events(
                    rows,
                    signal,
                    ts=pl.col("ts_after"),  # when the TaskManager wrote again: it was alive, not dead
                    ts_quality=pl.lit("exact"),
                    source=pl.lit(source.path),
                    source_kind=source.kind,
                    value=pl.col("seconds"),
                    text=text,
                )
            )
    if not frames:
        return _empty_events()
    return pl.concat(frames, how="vertical_relaxed").cast(EVENTS_SCHEMA)  # type: ignore[arg-type]


def normalize_keys(events: pl.DataFrame) -> pl.DataFrame:
    """One spelling per entity: strip ``(host:port)`` metadata, drop non-ids, derive container and pod from tm_id.

    The key columns are categorical (few distinct values, many rows): the string work is done once per distinct
    (tm_id, container_id, pod), as strings, and joined back (a jobmanager.log has millions of events and a few dozen
    TaskManagers)."""
    keys = ["tm_id", "container_id", "pod"]
    tm = pl.col("tm_id").cast(pl.String).str.replace(r"\(.*\)$", "").str.strip_chars(".,'\"")
    tm_id = pl.coalesce(
        pl.when(tm.str.starts_with("org.") | tm.str.starts_with("[") | (tm == "")).then(None).otherwise(tm),
        pl.col("container_id").cast(pl.String),
    )
    distinct = events.select(keys).unique()
    normalized = distinct.with_columns(_tm_id=tm_id).with_columns(
        _container_id=pl.coalesce(
            pl.col("container_id"), _categorical(_extracted(r"^(container_[0-9a-z_]+)$", "_tm_id"))
        ),
        _pod=pl.coalesce(pl.col("pod"), _categorical(_extracted(r"^(\S+-taskmanager-\d+-\d+)$", "_tm_id"))),
        _tm_id=_categorical(pl.col("_tm_id")),
    )
    # Joined on the key columns alone, then set beside the events' other columns: a join would copy all of them.
    labels = events.select(keys).join(normalized, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return events.with_columns(labels[f"_{key}"].alias(key) for key in keys)


def _extracted(pattern: str, column: str) -> pl.Expr:
    return pl.col(column).str.extract(pattern, 1)


def _categorical(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Categorical())


def classify_flink(sources: list[ParsedSource], catalogue: Catalogue) -> pl.DataFrame:
    """Events of every Flink log and text source (classified while scanning) plus their time gaps, keys normalised."""
    parts = [classify_gaps(sources, catalogue.signals.values())]
    parts += [s.events for s in sources if s.events is not None and s.events.height]
    return normalize_keys(pl.concat(parts, how="vertical"))


def assemble(
    flink_events: list[pl.DataFrame],
    gc_sources: list[ParsedSource],
    owners: dict[str, str],
    catalogue: Catalogue,
    runs: dict[str, list[tuple[dt.datetime, str]]] | None = None,
) -> pl.DataFrame:
    """The timeline: Flink events plus GC events, TaskManager ids filled from each file's owner (or, for a file in
    ``runs``, from the TaskManager run that started last before the event), sorted by time.

    ``flink_events`` is emptied: the sorted timeline is a copy, and holding the unsorted frames past this point would
    keep two of them alive (the timeline is the largest thing the analysis holds)."""
    parts = [*flink_events]
    flink_events.clear()
    for source in gc_sources:
        if source.gc_events is not None:
            parts.append(classify_gc(source.gc_events, catalogue.signals.values()))
    events = pl.concat(parts, how="vertical")
    parts.clear()
    if owners:
        tm_side = pl.col("source_kind").is_in(
            [str(SourceKind.FLINK_TASKMANAGER), str(SourceKind.GC_LOG), str(SourceKind.STDOUT)]
        )
        owner = pl.col("source").replace_strict(owners, default=None, return_dtype=pl.String)
        events = events.with_columns(
            tm_id=pl.when(tm_side).then(pl.coalesce("tm_id", owner)).otherwise(pl.col("tm_id"))
        )
    if runs:
        events = _by_run(events, runs)
    if owners or runs:
        events = normalize_keys(events)
    order = _timeline_order(events)
    # Gathered into that order a column at a time, each unsorted column let go once gathered: the timeline (220 MB for
    # a 1 GiB jobmanager.log) is never held twice, as a sort of the whole frame would hold it.
    columns = []
    for name in EVENTS_SCHEMA:
        columns.append(events[name].gather(order))
        events = events.drop(name)
    return pl.DataFrame(columns)


def _timeline_order(events: pl.DataFrame) -> pl.Series:
    """The row order of the timeline: by time, source and line, nulls last. Sources compare by name, as the
    categorical column would sort, but each is ranked once: sorting on the column itself compares strings per row."""
    names = events["source"].unique().sort()
    rank = pl.col("source").replace_strict(names, pl.int_range(names.len(), dtype=pl.UInt32, eager=True))
    return events.select(pl.arg_sort_by(["ts", rank, "line"], nulls_last=True, maintain_order=True)).to_series()


def _by_run(events: pl.DataFrame, runs: dict[str, list[tuple[dt.datetime, str]]]) -> pl.DataFrame:
    """Events of the files in ``runs`` that name no TaskManager take the run that started last before them."""
    starts = pl.DataFrame(
        [(source, start, tm_id) for source, items in runs.items() for start, tm_id in items],
        schema={"_source": pl.String(), "_start": EVENTS_SCHEMA["ts"], "_run_tm": pl.String()},
        orient="row",
    ).sort("_start")
    chosen = pl.col("source").cast(pl.String).is_in(list(runs)) & pl.col("ts").is_not_null()
    placed = (
        events.filter(chosen)
        .with_columns(_source=pl.col("source").cast(pl.String))
        .sort("ts")
        .join_asof(  # both sides are sorted by time just above
            starts, left_on="ts", right_on="_start", by="_source", strategy="backward", check_sortedness=False
        )
        .with_columns(tm_id=pl.coalesce("tm_id", pl.col("_run_tm").cast(EVENTS_SCHEMA["tm_id"])))
        .select(events.columns)
    )
    return pl.concat([events.filter(~chosen), placed], how="vertical")
