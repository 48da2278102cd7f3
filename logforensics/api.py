"""The library's entry point: ``analyze(paths)`` runs ingest -> parsers -> timeline -> match and returns an Analysis.

This module only wires the stages; each stage lives in its own module. Progress is reported through an optional
callback so that the CLI (or a batch runner) decides how to show it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path

import polars as pl

from logforensics import assembly
from logforensics.catalogue.loader import load_catalogue
from logforensics.catalogue.model import Catalogue
from logforensics.errors import InputError
from logforensics.gcinputs import (
    gc_set_sources,
    in_set_order,
    place_gc_sets,
    read_gc,
    starts_for,
    tm_starts,
    with_tm,
)
from logforensics.ingest import override
from logforensics.ingest.discover import DEFAULT_MAX_BYTES, Found, Limits, common_root, discover
from logforensics.ingest.override import Override
from logforensics.ingest.sniff import sniff
from logforensics.inputs import Parsed, date_from_context
from logforensics.match.findings import build_findings
from logforensics.model import GC_EVENTS_SCHEMA, Analysis, SourceKind
from logforensics.owners import run_starts, source_tm_ids, taskmanagers_beside
from logforensics.parsers.exceptions import merge_groups
from logforensics.parsers.flink import banner_facts, localize
from logforensics.parsers.gc import GcParse
from logforensics.parsers.lines import read_lines
from logforensics.parsers.trace import parse_trace
from logforensics.resources import patterns_dir
from logforensics.scan import CHUNK_BYTES, keep_literals, scan_records, scan_source
from logforensics.texts import EventTexts
from logforensics.timeline import ParsedSource, assemble, classify_flink

Progress = Callable[[str, int, int], None]
"""Called as ``progress(what, done, total)``."""


def load_default_catalogue(extra: Sequence[Path] = ()) -> Catalogue:
    return load_catalogue([patterns_dir(), *extra])


def _sniff(found: Found, kinds: tuple[Override, ...], layouts: tuple[Override, ...]) -> Parsed:
    if found.skipped_reason:
        return Parsed(found, SourceKind.UNKNOWN, None, skipped_reason=found.skipped_reason)
    try:
        sniffed = sniff(found.label, found.head())
    except (InputError, OSError) as exc:
        return Parsed(found, SourceKind.UNKNOWN, None, skipped_reason=f"cannot read: {exc}")
    kind, layout, forced = override.apply(found.label, sniffed.kind, sniffed.layout, kinds, layouts)
    if kind is SourceKind.UNKNOWN:
        return Parsed(found, kind, None, skipped_reason=sniffed.reason)
    warnings = (f"read as {kind} / {layout} by --kind/--layout",) if forced else ()
    return Parsed(found, kind, layout, warnings=warnings)


def _read_whole(parsed: Parsed, max_bytes: int) -> tuple[bytes, pl.DataFrame] | None:
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


def _scan(
    parsed: Parsed,
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


SCANNED_ALONGSIDE_BYTES = 4 * CHUNK_BYTES
"""Logs up to this size are scanned two at a time when reading them is independent (``Found.independent``): alone,
a small log's few chunks and its one digest batch leave a core idle most of the time (a YARN dump of 40 containers of
24 MiB took 1.8x the time of one 1 GiB log). Larger logs keep both cores busy by themselves, and are scanned alone so
that memory stays that of one log."""


def _scan_all(
    logs: list[Parsed],
    scan: Callable[[Parsed, dt.date | None], None],
    date_hint: dt.date | None,
    progress: Progress | None,
    done: int,
    total: int,
) -> int:
    """Scan ``logs`` in order, two at a time where SCANNED_ALONGSIDE_BYTES allows; the count of logs started."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        running: list[Future[None]] = []
        for p in logs:
            done += 1
            if progress:
                progress("reading", done, total)
            if p.found.independent and p.found.size <= SCANNED_ALONGSIDE_BYTES:
                if len(running) == 2:
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    running = [future for future in running if future not in finished]
                    for future in finished:
                        future.result()
                running.append(pool.submit(scan, p, date_hint))
                continue
            for future in running:
                future.result()
            running.clear()
            scan(p, date_hint)
        for future in running:
            future.result()
    return done


def _read_trace(parsed: Parsed, catalogue: Catalogue, zone: str | dt.timedelta, max_bytes: int) -> None:
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
        offset = fixed_offset(tz)
        return (offset, _offset_label(offset)) if offset is not None else (tz, tz)
    if gc_offsets:
        return gc_offsets[0], f"{_offset_label(gc_offsets[0])} (from the GC log's time decoration)"
    return "UTC", "UTC (no zone in the logs; use --tz to change)"


def _offset_label(offset: dt.timedelta) -> str:
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


_FIXED_OFFSET = re.compile(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?")


def fixed_offset(tz: str) -> dt.timedelta | None:
    """``tz`` as a fixed UTC offset (``+05:30``, ``-0800``, ``UTC+2``), or None when it is no offset (a zone name)."""
    found = _FIXED_OFFSET.fullmatch(tz.strip())
    if found is None:
        return None
    hours, minutes = int(found[2]), int(found[3] or 0)
    if hours > 14 or minutes > 59:
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return -offset if found[1] == "-" else offset


def _span(first: dt.datetime | None, last: dt.datetime | None) -> tuple[dt.datetime, dt.datetime] | None:
    return (first, last) if first is not None and last is not None else None


def _gc_sources(gc_parsed: list[Parsed]) -> list[ParsedSource]:
    return [ParsedSource(p.found.label, p.kind, span=_gc_span(p.gc)) for p in gc_parsed if p.gc is not None]


def _gc_span(gc: GcParse) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last GC event time, when the log has wall-clock stamps (uptime-only runs are placed later)."""
    return _span(*gc.events.select(pl.col("ts").min().alias("first"), pl.col("ts").max().alias("last")).row(0))


def validate_tz(tz: str) -> None:
    if fixed_offset(tz) is not None:
        return
    try:
        pl.select(pl.lit(dt.datetime(2020, 1, 1)).dt.replace_time_zone(tz))
    except pl.exceptions.PolarsError as exc:
        raise InputError(
            f"--tz {tz}: unknown time zone (use an IANA name such as Europe/Berlin, UTC, or an offset such as +05:30)"
        ) from exc


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
            read_gc(p, max_bytes)
    offsets = [p.gc.utc_offset for p in parsed if p.gc is not None and p.gc.utc_offset is not None]
    zone, tz_label = _choose_tz(tz, offsets)

    keep = keep_literals(catalogue)
    logs = [p for p in parsed if p.skipped_reason is None and (p.kind.is_flink or p.kind.is_plain)]
    dated = [p for p in logs if p.layout != "time_only"]
    time_only = [p for p in logs if p.layout == "time_only"]

    def scan(p: Parsed, date_hint: dt.date | None) -> None:
        _scan(p, catalogue, keep, zone, limits, date_hint)

    started = _scan_all(dated, scan, None, progress, 0, len(logs))
    if time_only:  # their date comes from the logs beside them
        _scan_all(time_only, scan, date_from_context(dated), progress, started, len(logs))
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
    texts = EventTexts().update(p.scan.texts for p in logs + traces if p.scan is not None)
    for p in logs + traces:  # the timeline holds them from here on: no second copy
        if p.scan is not None:
            p.scan.events = p.scan.events.clear()
    spans = {p.found.label: _span(p.scan.first_ts, p.scan.last_ts) for p in logs + traces if p.scan is not None}
    sources = [ParsedSource(s.path, s.kind, gaps=s.gaps, span=spans.get(s.path)) for s in sources]
    gc_parsed = [p for p in parsed if p.gc is not None]
    owners = source_tm_ids(sources + _gc_sources(gc_parsed), flink_events[0])

    # Rotated GC sets in content order; uptime-only parts placed with the start of each of their JVM runs (from
    # their own stamps, the startup banners of the TaskManager they belong to or, without one, of the TaskManager
    # runs beside them, or JDK 8's rotation headers).
    starts = tm_starts(logs, owners, flink_events[0])
    gc_starts = {
        p.found.label: starts_for(p.found.label, owners, starts, taskmanagers_beside(p.found.label, sources, owners))
        for p in gc_parsed
    }
    gc_parsed, gc_sets = place_gc_sets(gc_parsed, zone, gc_starts)
    # Placed runs have a time now: a GC log beside the logs of several TaskManager runs is owned by the one it falls in.
    owners = source_tm_ids(sources + _gc_sources(gc_parsed), flink_events[0])
    parsed = in_set_order(parsed, gc_parsed)
    gc_sources = gc_set_sources(gc_sets)
    runs = run_starts(sources, owners, [p.found.label for p in gc_parsed])
    events = assemble(flink_events, gc_sources, owners, catalogue, runs)
    if progress:
        progress("matching", 0, 1)
    findings = assembly.with_context(
        build_findings(catalogue, events, assembly.available_signals(catalogue, parsed)), parsed, max_bytes, texts
    )

    stats = tuple(assembly.stats(p, tz_label) for p in parsed)
    gc_summaries = tuple(with_tm(gc_set, owners) for gc_set in gc_sets)
    scans = [p.scan for p in logs + traces if p.scan is not None]
    facts = banner_facts(pl.concat([scan.banner for scan in scans]) if scans else None)
    metrics = assembly.metrics([(p.found.label, p.scan) for p in logs + traces if p.scan is not None], owners)
    gc_events = (
        pl.concat([p.gc.events for p in gc_parsed if p.gc], how="vertical")
        if gc_parsed
        else pl.DataFrame(schema=GC_EVENTS_SCHEMA)
    )
    return Analysis(
        root=str(root),
        inputs=tuple(str(p) for p in path_list),
        incident=assembly.incident(findings, stats, facts.version, facts.deployment, events, tz_label),
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
        texts=texts,
    )
