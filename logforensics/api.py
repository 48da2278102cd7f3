"""The library's entry point: ``analyze(paths)`` runs ingest -> parsers -> timeline -> match and returns an Analysis.

This module only wires the stages; each stage lives in its own module. Progress is reported through an optional
callback so that the CLI (or a batch runner) decides how to show it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import polars as pl
import regex

from logforensics.catalogue.loader import load_catalogue
from logforensics.catalogue.model import Catalogue, SignalSource
from logforensics.context import Context, context_in_lines, context_lines
from logforensics.errors import InputError
from logforensics.gcfiles import read_gc_lines
from logforensics.gcsets import GcPart, GcSet, edges, place_sets
from logforensics.gcstarts import JvmStart
from logforensics.gcsummary import gc_summary, set_stats
from logforensics.ingest import override
from logforensics.ingest.discover import DEFAULT_MAX_BYTES, Found, Limits, common_root, discover
from logforensics.ingest.override import Override
from logforensics.ingest.sniff import sniff
from logforensics.match.findings import VERSION_SIGNAL, build_findings
from logforensics.model import (
    GC_EVENTS_SCHEMA,
    METRICS_SCHEMA,
    Analysis,
    Finding,
    GcSummary,
    Incident,
    SourceKind,
    SourceStats,
)
from logforensics.parsers.exceptions import merge_groups
from logforensics.parsers.flink import BANNER_LITERALS, banner_facts, localize
from logforensics.parsers.gc import GcParse, parse_gc
from logforensics.parsers.lines import read_lines
from logforensics.parsers.metrics import KEEP_LITERALS as METRICS_LITERALS
from logforensics.parsers.trace import parse_trace
from logforensics.resources import patterns_dir
from logforensics.scan import ScanResult, keep_pattern, scan_records, scan_source
from logforensics.timeline import ParsedSource, assemble, classify_flink, source_tm_ids

Progress = Callable[[str, int, int], None]
"""Called as ``progress(what, done, total)``."""


def load_default_catalogue(extra: Sequence[Path] = ()) -> Catalogue:
    return load_catalogue([patterns_dir(), *extra])


# Literals that make a record worth parsing besides the signals' own: the startup banner (version, deployment).


@dataclass
class _Parsed:
    found: Found
    kind: SourceKind
    layout: str | None
    warnings: tuple[str, ...] = ()
    scan: ScanResult | None = None
    gc: GcParse | None = None
    lines: pl.DataFrame | None = None
    """The lines of an input read whole (GC logs, saved traces)."""
    skipped_reason: str | None = None
    sha256: str = ""


def _sniff(found: Found, kinds: tuple[Override, ...], layouts: tuple[Override, ...]) -> _Parsed:
    if found.skipped_reason:
        return _Parsed(found, SourceKind.UNKNOWN, None, skipped_reason=found.skipped_reason)
    try:
        sniffed = sniff(found.label, found.head())
    except (InputError, OSError) as exc:
        return _Parsed(found, SourceKind.UNKNOWN, None, skipped_reason=f"cannot read: {exc}")
    kind, layout, forced = override.apply(found.label, sniffed.kind, sniffed.layout, kinds, layouts)
    if kind is SourceKind.UNKNOWN:
        return _Parsed(found, kind, None, skipped_reason=sniffed.reason)
    warnings = (f"read as {kind} / {layout} by --kind/--layout",) if forced else ()
    return _Parsed(found, kind, layout, warnings=warnings)


def _read_whole(parsed: _Parsed, max_bytes: int) -> tuple[bytes, pl.DataFrame] | None:
    """The input's bytes and lines, for the kinds read in one piece (GC logs, saved traces); None when unreadable."""
    try:
        read = parsed.found.read(max_bytes)
    except (InputError, OSError) as exc:
        parsed.skipped_reason = f"cannot read: {exc}"
        return None
    lines = read_lines(read.data, parsed.found.label)
    parsed.warnings = parsed.warnings + read.warnings + lines.warnings
    parsed.sha256 = read.sha256
    return read.data, lines.frame


def _read_gc(parsed: _Parsed, max_bytes: int) -> None:
    try:
        read = read_gc_lines(parsed.found, max_bytes)
    except (InputError, OSError) as exc:
        parsed.skipped_reason = f"cannot read: {exc}"
        return
    parsed.warnings = parsed.warnings + read.warnings
    parsed.sha256 = read.sha256
    parsed.lines = read.frame
    parsed.gc = parse_gc(read.frame, parsed.found.label, parsed.layout or "gc_unified")


def _in_memory(lines: pl.DataFrame | None) -> pl.DataFrame | None:
    """``GcPart.lines`` for a GC log whose lines ``analyze`` keeps (the ``gc`` command reads them again instead)."""
    return lines


def _place_gc_sets(
    gc_parsed: list[_Parsed], zone: str | dt.timedelta, starts: dict[str, tuple[JvmStart, ...]]
) -> tuple[list[_Parsed], list[GcSet]]:
    """The GC logs, each rotated set's parts in content order (gcsets.py), with what was decided in their
    warnings, and the sets; an uptime-only part is parsed again with the starts of its JVM runs where known
    (``starts``: label -> JVM starts of the TaskManager the GC log belongs to)."""
    by_label = {p.found.label: p for p in gc_parsed if p.gc is not None}
    parts = [
        GcPart(
            label, p.found.group or label, p.layout or "gc_unified", p.gc, edges(p.lines), partial(_in_memory, p.lines)
        )
        for label, p in by_label.items()
        if p.gc is not None
    ]
    sets = place_sets(parts, zone, starts)
    ordered: list[_Parsed] = []
    for gc_set in sets:
        for part in gc_set.parts:
            p = by_label[part.label]
            p.gc = part.parse
            p.warnings = p.warnings + part.notes
            ordered.append(p)
    return ordered, sets


def _in_set_order(parsed: list[_Parsed], gc_ordered: list[_Parsed]) -> list[_Parsed]:
    """``parsed`` with its GC logs in the order of ``gc_ordered`` (the other sources keep their places)."""
    slots = iter(gc_ordered)
    return [next(slots, p) if p.gc is not None else p for p in parsed]


def _gc_set_sources(gc_sets: list[GcSet]) -> list[ParsedSource]:
    """One timeline source per rotated GC set (a single file is a set of one): its parts' events in content order,
    so that GC windows and trends run across the parts; each event keeps its own file and line."""
    return [
        ParsedSource(
            gc_set.name, SourceKind.GC_LOG, gc_events=pl.concat([p.parse.events for p in gc_set.parts], how="vertical")
        )
        for gc_set in gc_sets
    ]


def _scan(
    parsed: _Parsed,
    catalogue: Catalogue,
    keep: list[str],
    zone: str | dt.timedelta,
    limits: Limits,
    date_hint: dt.date | None,
) -> None:
    try:
        parsed.scan = scan_source(
            parsed.found,
            parsed.kind,
            parsed.layout,
            catalogue=catalogue,
            keep=keep,
            tz=zone,
            max_bytes=limits.max_bytes,
            max_ratio=limits.max_ratio,
            date_hint=date_hint,
        )
    except (InputError, OSError) as exc:
        parsed.skipped_reason = f"cannot read: {exc}"
        return
    parsed.warnings = parsed.warnings + tuple(parsed.scan.warnings)


def _read_trace(parsed: _Parsed, catalogue: Catalogue, zone: str | dt.timedelta, max_bytes: int) -> None:
    """An exception trace saved alone (text, or the REST API's JSON): read whole, one record per trace."""
    whole = _read_whole(parsed, max_bytes)
    if whole is None:
        return
    data, lines = whole
    parsed.lines = lines
    trace = parse_trace(lines, parsed.found.label, data)
    # The JSON's epoch milliseconds are UTC; a date line copied from the web UI is the browser's local time.
    records = localize(trace.records, "UTC" if parsed.layout == "rest_json" else zone)
    parsed.scan = scan_records(records, parsed.kind, catalogue, trace.lines, trace.unparsed_lines)


def _choose_tz(tz: str | None, gc_offsets: list[dt.timedelta]) -> tuple[str | dt.timedelta, str]:
    """The zone naive Flink timestamps are read in, and how the report names it."""
    if tz:
        return tz, tz
    if gc_offsets:
        offset = gc_offsets[0]
        sign = "-" if offset < dt.timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        label = f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d} (from the GC log's time decoration)"
        return offset, label
    return "UTC", "UTC (no zone in the logs; use --tz to change)"


def validate_tz(tz: str) -> None:
    try:
        pl.select(pl.lit(dt.datetime(2020, 1, 1)).dt.replace_time_zone(tz))
    except pl.exceptions.PolarsError as exc:
        raise InputError(f"--tz {tz}: unknown time zone (use an IANA name such as Europe/Berlin, or UTC)") from exc


def analyze(
    paths: Sequence[Path],
    *,
    tz: str | None = None,
    patterns: Sequence[Path] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    command: str = "",
    catalogue: Catalogue | None = None,
    kinds: Sequence[str] = (),
    layouts: Sequence[str] = (),
    limits: Limits | None = None,
) -> Analysis:
    """Analyse the incident in ``paths`` (files and folders). Raises InputError, CatalogueError.

    ``kinds`` / ``layouts``: ``[GLOB=]VALUE`` overrides of what sniffing decides (see ingest/override.py).
    ``limits``: how much of each input is read, and when an archive or a compressed file counts as a bomb (its
    ``max_bytes`` wins over the ``max_bytes`` argument)."""
    if tz:
        validate_tz(tz)
    catalogue = catalogue or load_default_catalogue(patterns)
    path_list = [Path(p) for p in paths]
    root = common_root(path_list) if all(p.exists() for p in path_list) else Path.cwd()
    limits = limits or Limits(max_bytes=max_bytes)
    max_bytes = limits.max_bytes
    found = discover(path_list, root, limits)
    if not found:
        raise InputError(f"{', '.join(map(str, path_list))}: no files to analyse")
    kind_overrides = override.parse_overrides(list(kinds), "--kind", override.KINDS)
    layout_overrides = override.parse_overrides(list(layouts), "--layout", override.ALL_LAYOUTS)
    parsed = [_sniff(item, kind_overrides, layout_overrides) for item in found]

    # GC logs first: their time decorations tell the JVM's zone, which naive Flink timestamps are read in.
    for p in parsed:
        if p.kind is SourceKind.GC_LOG and p.skipped_reason is None:
            _read_gc(p, max_bytes)
    offsets = [p.gc.utc_offset for p in parsed if p.gc is not None and p.gc.utc_offset is not None]
    zone, tz_label = _choose_tz(tz, offsets)

    signal_literals = [literal for s in catalogue.signals.values() for literal in s.literals]
    keep = keep_pattern([*signal_literals, *BANNER_LITERALS, *METRICS_LITERALS])
    logs = [p for p in parsed if p.skipped_reason is None and (p.kind.is_flink or p.kind.is_plain)]
    dated = [p for p in logs if p.layout != "time_only"]
    for index, p in enumerate(dated + [p for p in logs if p.layout == "time_only"]):
        if progress:
            progress("reading", index + 1, len(logs))
        _scan(p, catalogue, keep, zone, limits, _date_from_context(dated) if p.layout == "time_only" else None)
    traces = [p for p in parsed if p.kind is SourceKind.EXCEPTION_TRACE and p.skipped_reason is None]
    for p in traces:
        _read_trace(p, catalogue, zone, max_bytes)
    sources = [
        ParsedSource(p.found.label, p.kind, events=p.scan.events, gaps=p.scan.gaps)
        for p in logs + traces
        if p.scan is not None
    ]
    if progress:
        progress("classifying", 0, 1)
    flink_events = [classify_flink(sources, catalogue)]
    for p in logs + traces:  # the timeline holds them from here on: no second copy
        if p.scan is not None:
            p.scan.events = p.scan.events.clear()
    sources = [ParsedSource(s.path, s.kind, gaps=s.gaps) for s in sources]
    gc_parsed = [p for p in parsed if p.gc is not None]
    owners = source_tm_ids(sources + [ParsedSource(p.found.label, p.kind) for p in gc_parsed], flink_events[0])

    # Rotated GC sets in content order; uptime-only parts placed with the start of each of their JVM runs (from
    # their own stamps, the startup banners of the TaskManager they belong to, or JDK 8's rotation headers).
    starts = _tm_starts(logs, owners, flink_events[0])
    gc_parsed, gc_sets = _place_gc_sets(
        gc_parsed, zone, {p.found.label: starts.get(owners.get(p.found.label, ""), ()) for p in gc_parsed}
    )
    parsed = _in_set_order(parsed, gc_parsed)
    gc_sources = _gc_set_sources(gc_sets)
    events = assemble(flink_events, gc_sources, owners, catalogue)
    if progress:
        progress("matching", 0, 1)
    findings = _with_context(
        build_findings(catalogue, events, _available_signals(catalogue, parsed)), parsed, max_bytes
    )

    stats = tuple(_stats(p, tz_label) for p in parsed)
    gc_summaries = tuple(_with_tm(gc_set, owners) for gc_set in gc_sets)
    scans = [p.scan for p in logs + traces if p.scan is not None]
    facts = banner_facts(pl.concat([scan.banner for scan in scans]) if scans else None)
    metrics = _metrics([(p.found.label, p.scan) for p in logs + traces if p.scan is not None], owners)
    gc_events = (
        pl.concat([p.gc.events for p in gc_parsed if p.gc], how="vertical")
        if gc_parsed
        else pl.DataFrame(schema=GC_EVENTS_SCHEMA)
    )
    return Analysis(
        root=str(root),
        inputs=tuple(str(p) for p in path_list),
        incident=_incident(findings, stats, facts.version, facts.deployment, events, tz_label),
        sources=stats,
        findings=tuple(findings),
        events=events,
        gc_events=gc_events,
        gc=gc_summaries,
        catalogue_version=catalogue.version,
        generated_at=now or dt.datetime.now(dt.UTC),
        command=command,
        metrics=metrics,
        exceptions=merge_groups([scan.exceptions for scan in scans]),
    )


def _with_context(findings: list[Finding], parsed: list[_Parsed], max_bytes: int) -> list[Finding]:
    """Evidence lines with the lines around them: from the lines in memory for inputs read whole, read again around
    the line marks the scan left for the others."""
    wanted: dict[str, set[int]] = {}
    for finding in findings:
        for evidence in finding.evidence:
            wanted.setdefault(evidence.source, set()).add(evidence.line)
    context: dict[str, Context] = {}
    for p in parsed:
        lines = wanted.get(p.found.label)
        if not lines or p.skipped_reason is not None:
            continue
        if p.lines is not None:  # read whole (GC logs, saved traces): the lines are at hand
            context[p.found.label] = context_in_lines(p.lines, lines)
            continue
        try:
            context[p.found.label] = context_lines(
                p.found, max_bytes, lines, marks=p.scan.marks if p.scan is not None else None
            )
        except (InputError, OSError):
            continue  # the file went away since it was read: the evidence stays without context
    return [
        replace(
            finding,
            evidence=tuple(
                replace(e, context_before=around[0], context_after=around[1])
                if (around := context.get(e.source, {}).get(e.line))
                else e
                for e in finding.evidence
            ),
        )
        for finding in findings
    ]


def _metrics(scans: list[tuple[str, ScanResult]], owners: dict[str, str]) -> pl.DataFrame:
    """Every source's metrics, each with the TaskManager its source belongs to."""
    frames = [scan.metrics.with_columns(tm_id=pl.lit(owners.get(label), dtype=pl.String)) for label, scan in scans]
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=METRICS_SCHEMA)


def _date_from_context(dated: list[_Parsed]) -> dt.date | None:
    """The date of logs that write only the time of day: the first date the other logs of the incident show."""
    firsts = [p.scan.first_ts for p in dated if p.scan is not None and p.scan.first_ts is not None]
    return min(firsts).date() if firsts else None


def _with_tm(gc_set: GcSet, owners: dict[str, str]) -> GcSummary:
    """The GC row of one set (the numbers ``logforensics gc`` prints), with the TaskManager its parts belong to."""
    tm_id = next((owners[p.label] for p in gc_set.parts if p.label in owners), None)
    return gc_summary(set_stats(gc_set), tm_id, [p.label for p in gc_set.parts])


_BANNER = r"^\s*Starting .+? \(Version: \d"
"""A startup banner's message (EnvironmentInformation, once per JVM start), as flink_version_banner reads it."""


def _tm_starts(logs: list[_Parsed], owners: dict[str, str], events: pl.DataFrame) -> dict[str, tuple[JvmStart, ...]]:
    """The JVM starts of each TaskManager, by id, oldest first: the startup banners of its logs (one per JVM start:
    the classified banner events, and the banner records each scan keeps), else the first record of its logs (the
    JVM start, give or take)."""
    tm_logs = {
        p.found.label: p
        for p in logs
        if p.kind is SourceKind.FLINK_TASKMANAGER and p.found.label in owners and p.scan is not None
    }
    banner = pl.col("kind") == VERSION_SIGNAL
    found = [
        events.filter(banner, pl.col("source").is_in(list(tm_logs))).select(
            pl.col("source").cast(pl.String), "line", "ts"
        )
    ]
    found += [
        p.scan.banner.filter(pl.col("message").fill_null("").str.contains(_BANNER)).select(
            pl.lit(label).alias("source"), "line", "ts"
        )
        for label, p in tm_logs.items()
        if p.scan is not None
    ]
    banners = pl.concat(found, how="vertical").filter(pl.col("ts").is_not_null()).unique(["source", "line"])
    starts: dict[str, list[JvmStart]] = {}
    for source, line, ts in banners.sort("ts").iter_rows():
        known = starts.setdefault(owners[source], [])
        if not known or ts != known[-1].ts:  # the same banner in two files (a copied log) is one start
            known.append(JvmStart(ts, source, line, banner=True))
    for label, p in tm_logs.items():
        first = p.scan.first_ts if p.scan is not None else None
        tm_id = owners[label]
        if first is None or any(s.banner for s in starts.get(tm_id, ())):
            continue
        if tm_id not in starts or first < starts[tm_id][0].ts:
            starts[tm_id] = [JvmStart(first, label)]
    return {tm_id: tuple(known) for tm_id, known in starts.items()}


def _available_signals(catalogue: Catalogue, parsed: list[_Parsed]) -> set[str]:
    kinds = {p.kind for p in parsed if p.skipped_reason is None}
    available: set[str] = set()
    for signal in catalogue.signals.values():
        if SignalSource.GC in signal.sources and SourceKind.GC_LOG in kinds:
            available.add(signal.id)
        if SignalSource.FLINK in signal.sources and any(k.is_flink or k is SourceKind.EXCEPTION_TRACE for k in kinds):
            available.add(signal.id)
        if SignalSource.STDOUT in signal.sources and any(k.is_plain for k in kinds):
            available.add(signal.id)
    return available


def _stats(p: _Parsed, tz_label: str) -> SourceStats:
    if p.skipped_reason is not None:
        return SourceStats(p.found.label, p.kind, p.layout, skipped_reason=p.skipped_reason)
    if p.gc is not None:
        return SourceStats(
            p.found.label,
            p.kind,
            p.layout,
            lines=p.gc.lines,
            records=p.gc.events.height,
            unparsed_lines=p.gc.unparsed_lines,
            first_ts=p.gc.first_ts,
            last_ts=p.gc.last_ts,
            tz_used="from the log (time decoration)" if p.gc.utc_offset is not None else "uptime only",
            warnings=p.warnings + p.gc.warnings,
            sha256=p.sha256,
        )
    assert p.scan is not None
    zone = {"json": "from the log (zoned timestamps)", "time_only": f"{tz_label}; date taken from context"}
    return SourceStats(
        p.found.label,
        p.kind,
        p.layout,
        lines=p.scan.lines,
        records=p.scan.records_total,
        unparsed_lines=p.scan.unparsed_lines,
        first_ts=p.scan.first_ts,
        last_ts=p.scan.last_ts,
        tz_used=None if p.kind.is_plain else zone.get(p.layout or "", tz_label),
        warnings=p.warnings,
        sha256=p.scan.sha256 or p.sha256,
    )


def _incident(
    findings: list[Finding],
    stats: tuple[SourceStats, ...],
    version: str | None,
    deployment: str,
    events: pl.DataFrame,
    tz_label: str,
) -> Incident:
    """The incident window: from the first to the last evidence of the findings, else the span of the logs."""
    firsts = [f.first_ts for f in findings if f.first_ts is not None]
    lasts = [f.last_ts for f in findings if f.last_ts is not None]
    start: dt.datetime | None
    end: dt.datetime | None
    if firsts:
        start, end = min(firsts), max(lasts or firsts)
    else:
        spans = [(s.first_ts, s.last_ts) for s in stats if s.first_ts is not None]
        start = min((a for a, _ in spans), default=None)
        end = max((b for _, b in spans if b is not None), default=None)
    if deployment == "unknown":
        deployment = _deployment_from_events(events)
    return Incident(start=start, end=end, flink_version=version, deployment=deployment, tz_used=tz_label)


_K8S_POD = regex.compile(r"-taskmanager-\d+-\d+$")


def _deployment_from_events(events: pl.DataFrame) -> str:
    ids = events.select(pl.col("tm_id").drop_nulls().unique()).to_series().to_list()
    if any(i.startswith("container_") for i in ids):
        return "yarn"
    if any(_K8S_POD.search(i) for i in ids):
        return "kubernetes"
    return "unknown"
