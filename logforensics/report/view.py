"""Builds the HTML report's view model: every value the template prints, already computed, sorted and formatted.

``build_view(analysis)`` turns an :class:`~logforensics.model.Analysis` into a :class:`ReportView`, a tree of frozen
dataclasses (:mod:`logforensics.report.viewmodel`) holding only display-ready strings, numbers and chart geometry. The
template loops and prints; it never sorts, thresholds or formats. ``ReportView.to_context()`` is exactly what the
template receives, and :data:`VIEW_FIELDS` names it, so a contract test can check that template and view model agree.
This module builds the timeline, GC and provenance sections itself; the findings and verdict come from
:mod:`logforensics.report.verdict`, the other sections from their own modules.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from markupsafe import Markup

import logforensics
from logforensics.model import EVENTS_SCHEMA, KEY_COLUMNS, Analysis
from logforensics.report.anchors import Anchors, slug
from logforensics.report.axes import TimeWindow
from logforensics.report.checkpoints import CHECKPOINT_ROWS_CAP, build_checkpoints
from logforensics.report.exceptions import EXCEPTION_GROUPS_CAP, EXCEPTION_TRACE_CAP, build_exceptions
from logforensics.report.formatting import (
    format_duration,
    format_ms,
    format_pct,
    format_ts,
    level,
    natural_key,
    plural,
    shorten,
)
from logforensics.report.gc_charts import MAX_SERIES, gc_heap_chart, gc_pause_chart
from logforensics.report.linechart import MAX_LINES
from logforensics.report.metrics import build_metrics
from logforensics.report.quality import GAPS_CAP, build_quality
from logforensics.report.timeline_chart import FAMILY_BY_ID, MAX_LANES, MAX_MARKERS, classify_events, timeline_chart
from logforensics.report.verdict import (
    CONTEXT_LINE_CAP,
    EVIDENCE_ROWS_CAP,
    EVIDENCE_TEXT_CAP,
    build_chain,
    build_verdict,
    evidence_rows,
    finding_view,
    rank_findings,
)
from logforensics.report.viewmodel import (
    VIEW_FIELDS,
    EventRow,
    GcRow,
    GcView,
    InputFile,
    Link,
    ProvenanceView,
    ReportView,
    TimelineView,
)
from logforensics.resources import templates_dir

__all__ = ["VIEW_FIELDS", "ReportView", "build_view", "format_duration", "format_ms", "format_pct"]

EVENTS_TABLE_CAP = 500
"""Timeline rows shown at most. Every event a chart marker links to is among them (MAX_MARKERS is lower)."""
EVENT_TEXT_CAP = 500
"""Characters of an event's text in the timeline table."""
GC_PAUSE_WARN_MS = 1_000.0
GC_PAUSE_BAD_MS = 10_000.0
"""A longest pause at or above these is flagged: at 10 s a TaskManager is close to missing heartbeats."""
GC_THROUGHPUT_WARN_PCT = 97.0
GC_THROUGHPUT_BAD_PCT = 90.0
"""Below these shares of time outside GC pauses, the JVM spends too long collecting."""


# --- building ---------------------------------------------------------------------------------------------------------


def _key_list() -> pl.Expr:
    parts = [pl.when(pl.col(k).is_not_null()).then(pl.lit(f"{k}=") + pl.col(k).cast(pl.String)) for k in KEY_COLUMNS]
    return pl.concat_list(parts).list.drop_nulls()


def _timeline(
    analysis: Analysis,
    classified: pl.DataFrame,
    window: TimeWindow | None,
    incident: TimeWindow | None,
    anchors: Anchors,
) -> TimelineView:
    lines = {"source": EVENTS_SCHEMA["source"], "line": pl.Int64()}
    cited = pl.DataFrame(
        [(e.source, e.line) for f in analysis.findings for e in f.evidence], schema=lines, orient="row"
    )

    def rows_shown(marked: pl.DataFrame) -> pl.DataFrame:
        """The rows of the table, texts read: marked, then cited, then the most serious; ranked on these few columns
        (millions of events in a jobmanager.log), and only the rows kept are gathered whole."""
        ranking = (
            classified.select("source", "line", "family_rank", "ts")
            .with_row_index("_row")
            .join(marked.unique().with_columns(marked=True), on=["source", "line"], how="left", maintain_order="left")
            .join(cited.unique().with_columns(cited=True), on=["source", "line"], how="left", maintain_order="left")
            .with_columns(pl.col("marked", "cited").fill_null(False))
            .sort(
                ["marked", "cited", "family_rank", "ts", "_row"],
                descending=[True, True, False, False, False],
                nulls_last=True,
            )
            .head(EVENTS_TABLE_CAP)
        )
        return analysis.with_text(classified[ranking["_row"]])

    table: pl.DataFrame | None = None

    def fill_markers(markers: pl.DataFrame) -> pl.DataFrame:
        # Every marked event is in the table: the table's rows are chosen here and their texts read once, for both
        # (each read of the texts decompresses the blocks that hold them: 0.3 s on a 1 GiB jobmanager.log).
        nonlocal table
        table = rows_shown(markers.select(pl.col("source").cast(lines["source"]), "line"))
        # By kind too: a silence's made-up text is on the line that ends it, beside the events of that line's record.
        on = ["source", "line", "kind"]
        texts = table.select(*on, _text="text").unique(on, keep="first")
        with_texts = (
            markers.join(texts, on=on, how="left", nulls_equal=True, maintain_order="left")
            .with_columns(text=pl.coalesce("text", "_text"))
            .drop("_text")
        )
        return analysis.with_text(with_texts)  # (reads nothing unless a marker's row is not in the table)

    chart = (
        None
        if window is None
        else timeline_chart(classified, window, anchor=anchors.event, incident=incident, fill=fill_markers)
    )
    if table is None:  # no chart, or none of its markers
        table = rows_shown(pl.DataFrame(schema=lines))
    chosen = table.sort(["ts", "source", "line"], nulls_last=True, maintain_order=True).with_columns(
        keys=_key_list(), text=pl.col("text").fill_null("").str.slice(0, EVENT_TEXT_CAP + 1)
    )
    rows = []
    for row in chosen.iter_rows(named=True):
        family = FAMILY_BY_ID[row["family"]]
        rows.append(
            EventRow(
                anchor=anchors.claim(anchors.event(row["source"], row["line"])),
                ts=format_ts(row["ts"]),
                location=f"{row['source']}:{row['line']}",
                kind=row["kind"] or "",
                family_label=family.label,
                family_color=family.color,
                level=row["level"] or "",
                keys=tuple(row["keys"]),
                text=shorten(row["text"], EVENT_TEXT_CAP),
            )
        )
    total = classified.height
    if total == 0:
        summary = "No event was classified."
    elif total <= EVENTS_TABLE_CAP:
        summary = f"All {total:,} classified events, in time order."
    else:
        summary = (
            f"{EVENTS_TABLE_CAP:,} of {total:,} classified events, in time order: every event a chart marker links to, "
            "then the evidence of the findings, then the most serious and earliest of the rest. "
            "The Parquet export holds them all."
        )
    untimed = classified.filter(pl.col("ts").is_null()).height
    unplotted = ""
    if untimed:
        unplotted = f"{untimed:,} events without a time are" if untimed > 1 else "1 event without a time is"
        unplotted += " in the table only, not in the chart."
    return TimelineView(chart, tuple(rows), summary, unplotted)


def _gc(analysis: Analysis, window: TimeWindow | None, incident: TimeWindow | None) -> GcView:
    rows = tuple(
        GcRow(
            source=s.source,
            parts=_gc_parts(s.source, s.parts),
            taskmanager=s.tm_id or "—",
            collector=s.collector,
            format=s.format,
            pauses=f"{s.pause_count:,}",
            total=format_ms(s.pause_total_ms),
            max=format_ms(s.pause_max_ms),
            max_class=level(s.pause_max_ms, GC_PAUSE_WARN_MS, GC_PAUSE_BAD_MS),
            p50=format_ms(s.pause_p50_ms),
            p99=format_ms(s.pause_p99_ms),
            full_gcs=f"{s.full_gc_count:,}",
            throughput="—" if s.throughput_pct is None else f"{s.throughput_pct:.1f}%",
            throughput_class=""
            if s.throughput_pct is None
            else level(s.throughput_pct, GC_THROUGHPUT_WARN_PCT, GC_THROUGHPUT_BAD_PCT, higher_is_worse=False),
        )
        for s in sorted(analysis.gc, key=lambda s: natural_key(s.source))
    )
    pause_chart = gc_pause_chart(analysis.gc_events, incident=incident, window=window)
    heap_chart = gc_heap_chart(analysis.gc_events, incident=incident, window=window)
    note = ""
    if not rows and analysis.gc_events.is_empty():
        note = (
            "No GC log was analysed. GC logs (-Xlog:gc*:file=... in env.java.opts.taskmanager) show whether long "
            "pauses stalled a TaskManager."
        )
    elif pause_chart is None and heap_chart is None:
        note = "The GC events have no wall-clock time, so they are summarised but not charted."
    return GcView(rows, pause_chart, heap_chart, note)


def _gc_parts(source: str, parts: tuple[str, ...]) -> str:
    """A rotated set's files in content order, named within the set's folder (``tm-1/gc.log.2``: ``gc.log.2``);
    empty for a single file."""
    if len(parts) < 2:
        return ""
    folder = source.rpartition("/")[0] + "/" if "/" in source else ""
    names = (part.removeprefix(folder) if folder else part for part in parts)
    return f"{plural(len(parts), 'part')}: {', '.join(names)}"


def _css() -> Markup:
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    # Our own stylesheet, not log text; "</" could still end the <style> element early.
    return Markup(css.replace("</", "<\\/"))


def _time_bounds(*frames: pl.DataFrame) -> list[dt.datetime | None]:
    """The first and last ``ts`` of each frame: what the shared time axis must hold."""
    bounds: list[dt.datetime | None] = []
    for frame in frames:
        if frame.height:
            bounds.extend(frame.select(pl.col("ts").min(), pl.col("ts").max().alias("last")).row(0))
    return bounds


def _caps() -> tuple[str, ...]:
    return (
        f"Timeline table: {EVENTS_TABLE_CAP:,} events at most; chart: {MAX_MARKERS:,} markers, {MAX_LANES} lanes.",
        f"Evidence: {EVIDENCE_ROWS_CAP} lines per finding, {EVIDENCE_TEXT_CAP:,} characters per line.",
        f"Event text: {EVENT_TEXT_CAP:,} characters; context lines: {CONTEXT_LINE_CAP:,} characters.",
        f"Exceptions: {EXCEPTION_GROUPS_CAP} signatures, {EXCEPTION_TRACE_CAP:,} characters per example trace.",
        f"Checkpoints: {CHECKPOINT_ROWS_CAP} rows; silences: the {GAPS_CAP} longest.",
        f"Charts: {MAX_LINES} series each (GC logs: {MAX_SERIES}), min and max per 2-pixel time bucket.",
        "The JSON report (--json) and the Parquet export (--parquet) are not capped this way.",
    )


def _provenance(analysis: Analysis) -> ProvenanceView:
    files = []
    for stats in sorted(analysis.sources, key=lambda s: natural_key(s.path)):
        files.append(InputFile(stats.path, stats.kind.value, stats.sha256 or "not recorded"))
    recorded = any(f.sha256 != "not recorded" for f in files)
    return ProvenanceView(
        tool_version=logforensics.__version__,
        catalogue_version=analysis.catalogue_version,
        generated_at=format_ts(analysis.generated_at),
        command=analysis.command,
        root=analysis.root,
        inputs=analysis.inputs,
        files=tuple(files),
        hashes_note="" if recorded else "This version of the analysis does not record the input files' SHA-256.",
        caps=_caps(),
    )


def _heading(root: str) -> str:
    name = root.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return "Flink incident post-mortem" + (f" · {name}" if name and name != "." else "")


def build_view(analysis: Analysis, *, embed_js: bool = True) -> ReportView:
    """The view model of ``analysis``'s HTML report; ``embed_js`` adds the optional inline script."""
    ranked = rank_findings(analysis.findings)
    events = analysis.events
    evidence_sources = [e.source for f in ranked for e in f.evidence]
    anchors = Anchors([s.path for s in analysis.sources] + events["source"].unique().to_list() + evidence_sources)

    start, end = analysis.incident.start, analysis.incident.end
    first_event, last_event = (
        events.select(first=pl.col("ts").min(), last=pl.col("ts").max()).row(0) if events.height else (None, None)
    )
    incident_bounds = (start, end) if start is not None and end is not None else None
    event_bounds = (first_event, last_event) if first_event is not None and last_event is not None else None
    incident = TimeWindow.between(*incident_bounds) if incident_bounds else None
    # One time axis for every chart (timeline, GC, metrics, checkpoints), so that they line up on the page.
    chart_window = TimeWindow.covering(start, end, *_time_bounds(events, analysis.gc_events, analysis.metrics))
    classified = classify_events(events)
    timeline = _timeline(analysis, classified, chart_window, incident, anchors)
    in_table = {row.anchor for row in timeline.rows}

    def href_of(source: str, line: int) -> str | None:
        anchor = anchors.event(source, line)
        return "#" + anchor if anchor in in_table else None

    finding_anchors = {f.id: anchors.claim(f"finding-{slug(f.id)}") for f in ranked}
    links = {f.id: Link(f.title, "#" + finding_anchors[f.id]) for f in ranked}
    views = {
        f.id: finding_view(
            f, finding_anchors[f.id], evidence_rows(finding_anchors[f.id], f.evidence, anchors, in_table), links
        )
        for f in ranked
    }
    verdict = build_verdict(analysis, ranked, views, incident_bounds or event_bounds, incident_bounds is None)

    page_title = "Flink incident post-mortem"
    if verdict.established:
        page_title += ": " + verdict.headline
    return ReportView(
        page_title=page_title,
        heading=_heading(analysis.root),
        css=_css(),
        script_enabled=embed_js,
        page_data={
            "top_finding": ranked[0].id if verdict.established else None,
            "findings": [
                {
                    "id": f.id,
                    "title": f.title,
                    "kind": f.kind.value,
                    "severity": f.severity.value,
                    "confidence": f.confidence,
                }
                for f in ranked
            ],
            "kinds": sorted({row.kind for row in timeline.rows}),
        },
        verdict=verdict,
        chain=build_chain(ranked, views),
        timeline=timeline,
        findings=tuple(views[f.id] for f in ranked),
        gc=_gc(analysis, chart_window, incident),
        metrics=build_metrics(analysis.metrics, window=chart_window, incident=incident),
        exceptions=build_exceptions(analysis.exceptions, href_of=href_of),
        checkpoints=build_checkpoints(
            events, texts=analysis.texts, window=chart_window, incident=incident, href_of=href_of
        ),
        quality=build_quality(analysis.sources, events, tz_used=analysis.incident.tz_used, href_of=href_of),
        provenance=_provenance(analysis),
    )
