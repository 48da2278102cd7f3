"""One GC summary per rotated set: the table and JSON of ``logforensics gc``, and the GC rows of ``analyze``.

Users bring rotated sets (``gc.log.0`` .. ``gc.log.4``, ``.current``, unified ``filecount=`` rotation): a set is
summarised as one log, its parts in content order (:mod:`logforensics.gcsets`), so that a trend across rotations is
seen; a single file is a set of one. Both commands group and place the logs with :func:`~logforensics.gcsets.place_sets`
and count with :func:`~logforensics.gcstats.compute_set`, so their numbers agree. Each set keeps its parts' own
numbers (``--json``: ``parts``) and what ordering it decided (wrap-around, new JVM runs, clock jumps, JVM starts).
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from logforensics.errors import InputError
from logforensics.gcfiles import read_gc_lines, refusal
from logforensics.gcsets import GcPart, GcSet, edges, place_sets
from logforensics.gcstats import GcStats, compute, compute_set
from logforensics.model import GcSummary
from logforensics.parsers.gc import parse_gc, sniff_gc

if TYPE_CHECKING:
    from logforensics.ingest.source import Found


@dataclass(frozen=True)
class GcSetResult:
    label: str
    """The set's name: its rotation group (``tm/gc.log``), or the file's label for a set of one."""
    stats: GcStats | None
    """The set as one log; None when the input was skipped."""
    parts: tuple[GcStats, ...] = ()
    """Each part's own numbers, oldest first (its warnings: the parser's, then what placing it decided)."""
    notes: tuple[str, ...] = ()
    """What ordering and placing the set decided, in the order of its parts."""
    skipped: str | None = None


def gaps_s(gc_set: GcSet) -> float:
    """JVM run time between consecutive parts of one JVM run: from the uptime the JVM went on with, else from the
    wall clock (a log without uptimes)."""
    total = 0.0
    for before, after, continues in zip(gc_set.parts[:-1], gc_set.parts[1:], gc_set.continues[1:], strict=True):
        if not continues or not before.parse.runs or not after.parse.runs:
            continue
        end, begin = before.parse.runs[-1], after.parse.runs[0]
        if end.last_up is not None and begin.first_up is not None:
            total += max(0.0, begin.first_up - end.last_up)
        elif before.parse.last_ts is not None and after.parse.first_ts is not None:
            total += max(0.0, (after.parse.first_ts - before.parse.last_ts).total_seconds())
    return total


def set_stats(gc_set: GcSet) -> GcStats:
    """The set's numbers as one log; its warnings: its parts' own, then what placing the set decided."""
    notes = tuple(note for part in gc_set.parts for note in part.notes)
    return compute_set([(p.label, p.parse) for p in gc_set.parts], gc_set.name, gaps_s(gc_set), notes)


def summarise_set(gc_set: GcSet) -> GcSetResult:
    parts = tuple(
        replace(stats, warnings=(*stats.warnings, *part.notes))
        for part in gc_set.parts
        for stats in [compute(part.parse, part.label)]
    )
    notes = tuple(note for part in gc_set.parts for note in (*part.notes, *_restarts(part)))
    # a set of one is its part: counted once (a big log's events are not gone through twice)
    stats = replace(parts[0], source=gc_set.name) if len(parts) == 1 else set_stats(gc_set)
    return GcSetResult(gc_set.name, stats, parts, notes)


def _restarts(part: GcPart) -> tuple[str, ...]:
    """The JVM runs that start inside the part (the parser's warning says it too; the table lists decisions)."""
    name = posixpath.basename(part.label)
    return tuple(
        f"{name}: a new JVM run starts at line {run.first_line} (the JVM uptime starts again at "
        f"{run.first_up or 0.0:.1f} s)"
        for run in part.parse.runs[1:]
    )


def gc_summary(stats: GcStats, tm_id: str | None, parts: Sequence[str] = ()) -> GcSummary:
    """The report's GC row of a set (``analyze``): the same numbers as ``logforensics gc`` prints; ``parts``: the
    labels of the set's files in content order."""
    return GcSummary(
        source=stats.source,
        collector=stats.collector,
        format=stats.format,
        pause_count=stats.pauses.count,
        pause_total_ms=stats.pauses.total_ms,
        pause_max_ms=stats.pauses.max_ms,
        pause_p50_ms=stats.pauses.p50_ms,
        pause_p99_ms=stats.pauses.p99_ms,
        full_gc_count=stats.full_gc_count,
        throughput_pct=stats.throughput_pct,
        tm_id=tm_id,
        parts=tuple(parts),
    )


# --- the ``gc`` command --------------------------------------------------------------------------------------------


def _lines_again(found: Found, limit: int) -> pl.DataFrame | None:
    try:
        return read_gc_lines(found, limit, checksum=False).frame
    except (InputError, OSError):
        return None  # gone since it was read: the part keeps its first placing


def analyse_paths(paths: list[Path], max_bytes: int | None = None) -> list[GcSetResult]:
    """Every GC log under ``paths`` (files, folders, archives; found and sniffed by the package's ingest), grouped
    into rotated sets, parsed and summarised per set; other inputs are left out, non-HotSpot GC logs and unreadable
    ones are listed as skipped with the reason. In the order found (a set where its first part was found)."""
    from logforensics.ingest.discover import DEFAULT_MAX_BYTES, common_root, discover
    from logforensics.ingest.sniff import sniff
    from logforensics.model import SourceKind

    limit = max_bytes or DEFAULT_MAX_BYTES
    entries: list[GcSetResult | str] = []  # a skipped input, or the name of a set
    parts: list[GcPart] = []
    seen: set[str] = set()
    for found in discover(paths, common_root(paths)):
        if found.skipped_reason:
            continue
        try:
            head = found.head()
        except OSError as exc:  # pragma: no cover - unreadable input
            entries.append(GcSetResult(found.label, None, skipped=f"cannot read: {exc}"))
            continue
        refused = refusal(head)
        if refused:
            entries.append(GcSetResult(found.label, None, skipped=refused))
            continue
        sniffed = sniff(found.label, head)
        layout = sniffed.layout if sniffed.kind is SourceKind.GC_LOG else None
        layout = layout or sniff_gc(head.decode("utf-8", errors="replace"))
        if layout is None:
            continue
        try:
            lines = read_gc_lines(found, limit, checksum=False).frame
        except (InputError, OSError) as exc:
            entries.append(GcSetResult(found.label, None, skipped=f"cannot read: {exc}"))
            continue
        name = found.group or found.label
        parse = parse_gc(lines, found.label, layout)
        parts.append(GcPart(found.label, name, layout, parse, edges(lines), partial(_lines_again, found, limit)))
        del lines  # only the events are kept; a part is read again if a JVM start is found for it
        if name not in seen:
            seen.add(name)
            entries.append(name)
    offsets = [p.parse.utc_offset for p in parts if p.parse.utc_offset is not None]
    summaries = {s.name: summarise_set(s) for s in place_sets(parts, offsets[0] if offsets else "UTC", None)}
    return [summaries[entry] if isinstance(entry, str) else entry for entry in entries]


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}f}"


TABLE_COLUMNS = (
    "source",
    "collector",
    "format",
    "pauses",
    "total_ms",
    "max_ms",
    "p50",
    "p90",
    "p99",
    "p99.9",
    "full",
    "thrpt%",
    "worst60s%",
    "heap_after_max_MB",
    "alloc_MB/s",
    "safepoints",
    "unparsed",
    "markers",
)


def table_rows(results: list[GcSetResult]) -> list[list[str]]:
    rows: list[list[str]] = []
    for result in results:
        s = result.stats
        if s is None:
            rows.append([result.label, "-", "-"] + ["-"] * (len(TABLE_COLUMNS) - 4) + [f"skipped: {result.skipped}"])
            continue
        p = s.pauses
        rows.append(
            [
                s.source,
                s.collector,
                s.format,
                str(p.count),
                _fmt(p.total_ms),
                _fmt(p.max_ms, 3),
                _fmt(p.p50_ms, 3),
                _fmt(p.p90_ms, 3),
                _fmt(p.p99_ms, 3),
                _fmt(p.p999_ms, 3),
                str(s.full_gc_count),
                _fmt(s.throughput_pct, 2),
                _fmt(s.worst_window_throughput_pct, 2),
                _fmt(None if s.heap_max_after_kb is None else s.heap_max_after_kb / 1024.0),
                _fmt(s.allocation_rate_mb_s, 2),
                str(s.safepoint_count),
                str(s.unparsed_lines),
                ",".join(f"{k}={v}" for k, v in s.markers.items()) or "-",
            ]
        )
    return rows


def render_table(results: list[GcSetResult]) -> str:
    """One row per set, then what was decided about each set that has something to say (its parts in content
    order, wrap-around, new JVM runs, clock jumps)."""
    rows = [list(TABLE_COLUMNS), *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(TABLE_COLUMNS))]
    text = "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows)
    for result in results:
        if result.notes:
            text += f"\n\n{result.label}:\n" + "\n".join(f"  - {note}" for note in result.notes)
    return text


def render_json(results: list[GcSetResult]) -> list[dict[str, Any]]:
    """One object per set: the set's numbers (as one log), and ``parts``: each part's own, oldest first."""
    return [
        {"source": r.label, "skipped": r.skipped}
        if r.stats is None
        else {**r.stats.as_json(), "parts": [part.as_json() for part in r.parts]}
        for r in results
    ]
