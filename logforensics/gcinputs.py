"""The GC logs of ``analyze``: read whole, placed in rotated sets, turned into timeline sources and GC rows.

Also the JVM starts of each TaskManager (from its Flink logs), with which uptime-only GC logs are placed.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

import polars as pl

from logforensics.errors import InputError
from logforensics.gcfiles import read_gc_lines
from logforensics.gcsets import GcPart, GcSet, edges, place_sets
from logforensics.gcstarts import JvmStart
from logforensics.gcsummary import gc_summary, set_stats
from logforensics.inputs import Parsed
from logforensics.model import VERSION_SIGNAL, GcSummary, SourceKind
from logforensics.parsers.gc import parse_gc
from logforensics.timeline import ParsedSource


def read_gc(parsed: Parsed, max_bytes: int) -> None:
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


def place_gc_sets(
    gc_parsed: list[Parsed], zone: str | dt.timedelta, starts: dict[str, tuple[JvmStart, ...]]
) -> tuple[list[Parsed], list[GcSet]]:
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
    ordered: list[Parsed] = []
    for gc_set in sets:
        for part in gc_set.parts:
            p = by_label[part.label]
            p.gc = part.parse
            p.warnings = p.warnings + part.notes
            ordered.append(p)
    return ordered, sets


def in_set_order(parsed: list[Parsed], gc_ordered: list[Parsed]) -> list[Parsed]:
    """``parsed`` with its GC logs in the order of ``gc_ordered`` (the other sources keep their places)."""
    slots = iter(gc_ordered)
    return [next(slots, p) if p.gc is not None else p for p in parsed]


def gc_set_sources(gc_sets: list[GcSet]) -> list[ParsedSource]:
    """One timeline source per rotated GC set (a single file is a set of one): its parts' events in content order,
    so that GC windows and trends run across the parts; each event keeps its own file and line."""
    return [
        ParsedSource(
            gc_set.name, SourceKind.GC_LOG, gc_events=pl.concat([p.parse.events for p in gc_set.parts], how="vertical")
        )
        for gc_set in gc_sets
    ]


def with_tm(gc_set: GcSet, owners: dict[str, str]) -> GcSummary:
    """The GC row of one set (the numbers ``logforensics gc`` prints), with the TaskManager its parts belong to."""
    tm_id = next((owners[p.label] for p in gc_set.parts if p.label in owners), None)
    return gc_summary(set_stats(gc_set), tm_id, [p.label for p in gc_set.parts])


_BANNER = r"^\s*Starting .+? \(Version: \d"
"""A startup banner's message (EnvironmentInformation, once per JVM start), as flink_version_banner reads it."""


def tm_starts(logs: list[Parsed], owners: dict[str, str], events: pl.DataFrame) -> dict[str, tuple[JvmStart, ...]]:
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


def starts_for(
    label: str, owners: dict[str, str], starts: dict[str, tuple[JvmStart, ...]], beside: set[str]
) -> tuple[JvmStart, ...]:
    """The JVM starts that can place the uptime-only runs of the GC log ``label``: its TaskManager's; for a GC log
    without one, those of every TaskManager run beside it (``beside``: their ids), oldest first."""
    if label in owners:
        return starts.get(owners[label], ())
    return tuple(sorted((start for tm_id in beside for start in starts.get(tm_id, ())), key=lambda start: start.ts))
