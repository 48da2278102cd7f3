"""Conformance of logforensics' GC numbers with the facts other analyzers' own tests assert (an oracle file).

Usage: ``python tests/conformance/gc_oracle.py --oracle FILE --corpus DIR [--verbose]``. Prints every differing fact
(``FAIL tool file key: theirs=.. ours=..``), then, as the last line, ``N passed, M failed``. Facts without a meaning in
our model are counted as *unmapped* (shown with ``--verbose``), never as passed. Exit code 0 when nothing failed.

An entry's log is found under DIR in the folder named after its repository (the part after the slash, lower-cased:
``chewiebug/GCViewer`` -> ``gcviewer/``; ``microsoft/gctoolkit`` also tries ``gctoolkit-testdata/``), by file name,
searching subfolders; a ``.zip`` of a rotated set is read member by member, in the order our ingest gives.

Each fact is compared with *our* computation below; where a tool's meaning differs from ours, the mapping says how
it is translated. Units are converted (GCViewer s/KB, garbagecat ms/us/ns/bytes, jifa ms/bytes). ``approx`` facts use
their own tolerance; times compared with truncated integers allow 1 unit.

Mapping (oracle key -> our computation -> tolerance)

GCViewer
- pause_count / pause_total_s / pause_max_s -> events with is_pause: count / sum / max of pause_ms -> theirs
- gc_pause_count / gc_pause_total_s -> pauses that are not is_full; full_gc_pause_count / _total_s -> is_full pauses
- throughput_pct -> 100 * (1 - pause total / span_s) -> theirs; running_time_s -> span_s (first to last stamp)
- heap_allocated_max_kb, footprint_kb -> max heap_total_kb of pauses; heap_used_max_kb -> max heap_before_kb;
  freed_by_gc_max_kb -> max(heap_before_kb - heap_after_kb); footprint_after_full_gc_n / _max_kb -> count of full
  pauses / their max heap_after_kb -> exact
- parser_warning_count -> our unknown lines + warnings about cut records or internal errors (0 = clean parse; a
  JVM restart or a missing wall clock is no parse problem) -> exact
- event[i].{getPause,pause_s,getTypeAsString,type,...}: GCViewer's i-th event of *all* kinds; we look up the event of
  ours with the same duration (pause_ms within the tolerance) and the same kind (type name mapped below), then compare
  heap_before/after/total (KB; GCViewer's 0 = "not recorded" = our null), is_full, generation (ALL <=> is_full),
  getTimestamp (the time written on the line: uptime_s + duration for end-stamped events).
  Type map: UJL_PAUSE_YOUNG -> "Pause Young*", UJL_PAUSE_INITIAL_MARK -> "Pause Initial Mark" / "Pause Young
  (Concurrent Start)", UJL_PAUSE_REMARK -> "Pause Remark", UJL_G1_PAUSE_CLEANUP -> "Pause Cleanup", UJL_PAUSE_FULL ->
  "Pause Full*", UJL_G1_PAUSE_MIXED -> "Pause Young (Mixed)", UJL_ZGC_ALLOCATION_STALL -> "Allocation Stall",
  UJL_ZGC_RELOCATION_STALL -> "Relocation Stall", UJL_ZGC_CONCURRENT_* -> "Concurrent <Words>"; a type string (legacy)
  -> its first ';' part equals our gc_type/cause written the JVM's way ("GC pause (cause) (young)", "Full GC (cause)",
  "Total time for which application threads were stopped" = our "Application stopped").
- unmapped: event_count_all, distinct_*_event_types, vm_operation_count, model.* generation/perm/promotion/interval
  statistics, *_after_concurrent_cycle_*, initiating_occupancy_fraction_max, getExtendedType (GCViewer's own event
  taxonomy and per-generation sizes, which our model does not keep), and every fact about the IBM J9 XML file (we
  refuse non-HotSpot logs by design).

garbagecat (JvmRun; facts valid for its preprocess mode, see context)
- blocking_event_count, pause_total_us, pause_max_us -> our pauses: count, sum, max -> 1 us
- first/last_blocking_event_ts_ms -> uptime_s of the first/last pause (its start) -> 1 ms;
  last_blocking_event_duration_us -> its pause_ms -> 1 us
- stopped_time_event_count / _total_us, safepoint_event_count / safepoint_time_total_ns -> events "Application
  stopped" / "Safepoint": count / sum of pause_ms -> 1 us
- first/last_safepoint_event_ts_ms -> the time written on that line (start + duration) -> 1 ms;
  last_safepoint_event_duration_us -> its pause_ms -> 1 us
- first/last_event_ts_ms -> min/max over pause starts and safepoint line stamps -> 1 ms
- jvm_run_duration_ms -> last_uptime_s (the end of the last event or stamped line; garbagecat counts from uptime 0)
- gc_throughput_pct, stopped_time_throughput_pct, safepoint_throughput_pct -> 100 * (1 - total / (last_uptime_s)),
  truncated -> 1; gc_stopped_ratio_pct, gc_safepoint_ratio_pct -> 100 * GC pause total / stopped total, truncated -> 1
- max_heap_occupancy/after_gc/allocation_bytes -> max heap_before/after/total of pauses (0 = none = our null);
  *_nonblocking_* -> the same over concurrent events (ZGC cycles, Shenandoah concurrent phases with a heap)
- event_types_absent UNKNOWN -> our unparsed_lines == 0; event_types_present X -> we have an event of kind X
  (table GARBAGECAT_TYPES); analysis_present/absent -> our marker/ratio (table GARBAGECAT_ANALYSIS)
- unmapped: event_type_count, other absent types, joa:* (JVM option analysis), metaspace, inverted parallelism, JDK
  version/header facts

gctoolkit
- event_counts[bucket] -> count of our events of the bucket's kind (table GCTOOLKIT_BUCKETS), exact
- diary collector flags (G1GC, CMS, PARALLELGC, SERIAL, ZGC, SHENANDOAH) -> our collector; PARNEW / DEFNEW /
  PARALLELOLDGC -> the generation name appears in our events; UNIFIED_LOGGING -> our format
- cms_initial_mark_count, cms_remark_count, cms_concurrent_phase_event_count -> our CMS events
- time_of_first_event_ms -> the first event's start; time_of_termination_event_ms -> last_uptime_s;
  estimated_runtime_ms -> their difference -> 1 ms
- rotation_set -> the order our ingest gives the set's files; rotation_set_total_lines -> sum of our lines
- unmapped: parser_family, distinct_event_type_count, other diary flags, estimated_jvm_start_ms

jifa
- events[i] -> our i-th *GC*: the events sharing a gc_id (legacy: one pause record, or a G1 concurrent cycle), in
  file order, only pauses and concurrent work (not safepoints or markers). getGcid -> gc_id; getStartTime -> the
  earliest start (ms, 1); getDuration -> latest end - earliest start; getPause -> sum of its pauses; getEventType ->
  YOUNG_GC / FULL_GC / G1_CONCURRENT_CYCLE / ZGC_GARBAGE_COLLECTION from its events; getCause -> its cause in
  jifa's words; memory_HEAP / memory.HEAP -> heap before/after/total (bytes; pre_capacity is not kept: unmapped);
  isTrue(TO_SPACE_EXHAUSTED) -> a to-space marker; isTrue(YOUNG_GC_BECOME_FULL_GC) -> a promotion-failed full GC
- gc_event_count -> number of such GCs; young/old/full_gc_count -> young pauses / concurrent mark cycles / full GCs;
  collector; start/end_time_ms -> first/last_uptime_s; safepoint_count, safepoints[i] start/duration
- unmapped: other memory areas, cpu times, phases, allocation/reclamation, thread counts, region size, time to enter

jvm-gc-logs-analyzer
- first_cycle.{gc_id, phase (gc_type + cause), heap_*_mb, pause_ms, timestamp_s (start), to_space_exhausted}
- unmapped: regions, humongous counts, tenuring, phase maxima
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from logforensics.gcfiles import refusal
from logforensics.gcstats import GcStats, compute
from logforensics.parsers.gc import GcParse, parse_gc, sniff_gc
from logforensics.parsers.lines import read_lines

PASS, FAIL, UNMAPPED = "pass", "fail", "unmapped"


@dataclass(frozen=True)
class Outcome:
    status: str
    ours: Any = None
    note: str = ""


@dataclass
class View:
    """Our reading of one log file (or rotated set)."""

    name: str
    parse: GcParse | None
    stats: GcStats | None
    text: str
    refused: str | None = None
    files: list[str] = field(default_factory=list)
    lines_per_file: list[int] = field(default_factory=list)

    @property
    def events(self) -> pl.DataFrame:
        assert self.parse is not None
        return self.parse.events

    @property
    def pauses(self) -> pl.DataFrame:
        return self.events.filter(pl.col("is_pause"))


def _parse_bytes(data: bytes, name: str) -> GcParse:
    layout = sniff_gc(data[:65536].decode("utf-8", errors="replace")) or "gc_unified"
    return parse_gc(read_lines(data, name).frame, name, layout)


@cache
def load_view(path: Path) -> View:
    data = path.read_bytes()
    refused = refusal(data[:4096])
    text = data.decode("utf-8", errors="replace")
    if refused:
        return View(path.name, None, None, text, refused)
    parse = _parse_bytes(data, path.name)
    return View(path.name, parse, compute(parse, path.name), text, files=[path.name], lines_per_file=[parse.lines])


# --- finding a log --------------------------------------------------------------------------------------------------


def locate(entry: dict[str, Any], corpus: Path) -> Path | None:
    short = entry["repo"].split("/", 1)[-1].lower()
    name = entry["path"].rsplit("/", 1)[-1]
    for folder in (corpus / short, corpus / f"{short}-testdata"):
        if not folder.is_dir():
            continue
        hits: list[Path] = sorted(p for p in folder.rglob(name) if p.is_file())
        if hits:
            return hits[0]
        zips: list[Path] = sorted(folder.rglob(Path(name).stem + ".zip")) + sorted(folder.rglob(name + ".zip"))
        if zips:
            return zips[0]
    return None


def rotation_view(path: Path) -> tuple[list[str], int]:
    """Our order of the rotated set ``path`` belongs to (its folder, or the members of a zip) and its total lines."""
    from logforensics.ingest.rotation import rotation_key

    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = {n.rsplit("/", 1)[-1]: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
    else:
        members = {p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()}
    names = sorted(members, key=lambda n: rotation_key(n)[1])
    lines = sum(read_lines(members[n], n).frame.height for n in names)
    return names, lines


# --- comparisons ----------------------------------------------------------------------------------------------------


def near(ours: Any, fact: Any, tol: float = 0.0) -> Outcome:
    if isinstance(fact, dict) and "approx" in fact:
        fact, tol = fact["approx"], max(float(fact["tol"]), tol)
    if ours is None or (isinstance(ours, float) and math.isnan(ours)):
        return Outcome(FAIL, ours)
    if isinstance(fact, bool) or isinstance(ours, bool) or isinstance(fact, str):
        return Outcome(PASS if ours == fact else FAIL, ours)
    ok = abs(float(ours) - float(fact)) <= tol + 1e-9 * max(1.0, abs(float(fact)))
    return Outcome(PASS if ok else FAIL, ours)


def zero_or_null(ours: Any, fact: Any, scale: float = 1.0) -> Outcome:
    """A heap number where the tool writes 0 for "none": our null agrees with their 0."""
    if fact == 0 and ours is None:
        return Outcome(PASS, None)
    return near(None if ours is None else ours * scale, fact)


def unmapped(note: str) -> Outcome:
    return Outcome(UNMAPPED, note=note)


def _sum(frame: pl.DataFrame, column: str = "pause_ms") -> float:
    return float(frame.get_column(column).sum() or 0.0) if frame.height else 0.0


def _max(frame: pl.DataFrame, column: str) -> float | None:
    if frame.height == 0:
        return None
    value = frame.get_column(column).max()
    return None if value is None else float(value)  # type: ignore[arg-type]


def _type_is(pattern: str) -> pl.Expr:
    return pl.col("gc_type").fill_null("").str.contains(pattern)


def _stamp_ms(row: dict[str, Any]) -> float | None:
    """The time written on an event's line: the start for start-stamped pauses, start + duration otherwise."""
    if row["uptime_s"] is None:
        return None
    end_stamped = not (row["is_pause"] and row["gc_type"] and re.match(r"^(?:GC|Full GC)", row["gc_type"]))
    return float((row["uptime_s"] + ((row["pause_ms"] or 0.0) / 1e3 if end_stamped else 0.0)) * 1e3)


MARKER_TYPES = (
    "Evacuation Failure",
    "To-space exhausted",
    "Cancelled concurrent GC",
    "Concurrent Mode Failure",
    "Concurrent Mode Interrupted",
    "Promotion Failed",
    "concurrent-mark-abort",
)
STOPPED_LABEL = "Total time for which application threads were stopped"


def _vm_overhead(view: View) -> pl.DataFrame:
    """Stopped-time events with ``pause_ms`` = stopped time minus the GC pause time written since the previous
    stopped-time line: what GCViewer calls a VM operation's overhead."""
    events = view.events.with_row_index("_i")
    stopped = events.filter(pl.col("gc_type") == "Application stopped")
    gc_ms = events.filter(pl.col("is_pause")).select("_i", "pause_ms")
    rows = []
    previous = -1
    for row in stopped.iter_rows(named=True):
        inside = gc_ms.filter((pl.col("_i") > previous) & (pl.col("_i") < row["_i"]))
        rows.append({**row, "pause_ms": row["pause_ms"] - float(inside.get_column("pause_ms").sum() or 0.0)})
        previous = row["_i"]
    return pl.DataFrame(rows, schema=stopped.schema) if rows else stopped


# --- GCViewer -------------------------------------------------------------------------------------------------------

GCVIEWER_TYPES = {
    "UJL_PAUSE_YOUNG": r"^Pause Young",
    "UJL_PAUSE_INITIAL_MARK": r"^Pause Initial Mark|^Pause Young \(Concurrent Start\)",
    "UJL_PAUSE_REMARK": r"^Pause Remark",
    "UJL_G1_PAUSE_CLEANUP": r"^Pause Cleanup",
    "UJL_PAUSE_FULL": r"^Pause Full",
    "UJL_G1_PAUSE_MIXED": r"^Pause Young \(Mixed\)|^Pause Mixed",
    "UJL_ZGC_ALLOCATION_STALL": r"^Allocation Stall$",
    "UJL_ZGC_RELOCATION_STALL": r"^Relocation Stall$",
}


def _gcviewer_type_pattern(value: str) -> str | None:
    if value in GCVIEWER_TYPES:
        return GCVIEWER_TYPES[value]
    if value.startswith("UJL_ZGC_CONCURRENT_"):
        words = value.removeprefix("UJL_ZGC_").replace("_", " ").lower()
        return "(?i)^" + re.escape(words) + "$"
    return None


def _jvm_label(row: dict[str, Any]) -> str:
    """Our event written the way a JDK 8 log (and GCViewer) names it."""
    gc_type, cause = row["gc_type"] or "", row["cause"]
    if gc_type == "Application stopped":
        return "Total time for which application threads were stopped"
    if gc_type.startswith("GC pause") and cause:
        return f"GC pause ({cause})" + gc_type.removeprefix("GC pause")
    return f"{gc_type} ({cause})" if cause else gc_type


def gcviewer_event(view: View, index: str, facts: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    pause = facts.get(f"event[{index}].pause_s", facts.get(f"event[{index}].getPause"))
    kind = facts.get(f"event[{index}].type")
    label = facts.get(f"event[{index}].getTypeAsString")
    events = view.events.filter(~pl.col("gc_type").is_in(MARKER_TYPES))
    if label is not None and label.startswith(STOPPED_LABEL):
        events = _vm_overhead(view)
    if pause is not None:
        value, tol = (pause["approx"], pause["tol"]) if isinstance(pause, dict) else (pause, 1e-9)
        events = events.filter((pl.col("pause_ms").fill_null(-1e9) / 1e3 - value).abs() <= max(tol, 1e-6))
    if kind is not None:
        pattern = _gcviewer_type_pattern(kind)
        if pattern is None:
            return None, f"type {kind} not mapped"
        events = events.filter(_type_is(pattern))
    rows = events.to_dicts()
    if label is not None:
        head = label.split(";")[0].strip()
        rows = [
            r for r in rows if _jvm_label(r).lower() == head.lower() or (r["gc_type"] or "").lower() == head.lower()
        ]
    if not rows:
        return None, "no event of ours with this duration and kind"
    return rows[0], ""


def check_gcviewer(view: View, key: str, fact: Any, facts: dict[str, Any]) -> Outcome:
    if view.refused:
        return unmapped(f"non-HotSpot log, refused by design ({view.refused[:40]}...)")
    s = view.stats
    assert s is not None
    pauses = view.pauses
    full = pauses.filter(pl.col("is_full"))
    young = pauses.filter(~pl.col("is_full"))
    simple: dict[str, Callable[[], Any]] = {
        "pause_count": lambda: pauses.height,
        "pause_total_s": lambda: _sum(pauses) / 1e3,
        "pause_max_s": lambda: (_max(pauses, "pause_ms") or 0.0) / 1e3,
        "gc_pause_count": lambda: young.height,
        "gc_pause_total_s": lambda: _sum(young) / 1e3,
        "full_gc_pause_count": lambda: full.height,
        "full_gc_pause_total_s": lambda: _sum(full) / 1e3,
        "throughput_pct": lambda: s.throughput_pct,
        "running_time_s": lambda: s.run_s,
        "heap_allocated_max_kb": lambda: s.heap_max_committed_kb,
        "footprint_kb": lambda: s.heap_max_committed_kb,
        "heap_used_max_kb": lambda: s.heap_max_before_kb,
        "freed_by_gc_max_kb": lambda: pauses.select((pl.col("heap_before_kb") - pl.col("heap_after_kb")).max()).item(),
        "footprint_after_full_gc_n": lambda: full.height,
        "footprint_after_full_gc_max_kb": lambda: s.heap_after_full_max_kb,
        "parser_warning_count": lambda: (
            s.unparsed_lines + sum(1 for w in s.warnings if "without an end" in w or "internal error" in w)
        ),
    }
    if key in simple:
        return near(simple[key](), fact)
    match = re.fullmatch(r"event\[(\d+)\]\.(\w+)(?:\.\w+)?", key)
    if match:
        index, getter = match.groups()
        if getter == "getExtendedType":
            return unmapped("GCViewer's internal event enum (the type string is checked)")
        row, why = gcviewer_event(view, index, facts)
        if row is None:
            return Outcome(FAIL, None, why)
        if getter in ("pause_s", "getPause", "type", "getTypeAsString"):
            return Outcome(PASS, row["gc_type"])
        if getter in ("heap_before_kb", "getPreUsed"):
            return zero_or_null(row["heap_before_kb"], fact)
        if getter in ("heap_after_kb", "getPostUsed"):
            return zero_or_null(row["heap_after_kb"], fact)
        if getter in ("heap_total_kb", "getTotal"):
            return zero_or_null(row["heap_total_kb"], fact)
        if getter == "is_full":
            return near(bool(row["is_full"]), fact)
        if getter in ("generation", "getGeneration"):
            return near(bool(row["is_full"]), fact == "ALL")
        if getter == "getTimestamp":
            stamp = _stamp_ms(row)
            return near(None if stamp is None else stamp / 1e3, fact)
        return unmapped(f"GCViewer getter {getter}")
    return unmapped("GCViewer model statistic our model does not keep (taxonomy, generations, concurrent cycles)")


# --- garbagecat -----------------------------------------------------------------------------------------------------

GARBAGECAT_TYPES: dict[str, Callable[[View], bool]] = {}


def _has(
    pattern: str, *, pause: bool | None = None, collector: str | None = None, text: str | None = None
) -> Callable[[View], bool]:
    def test(view: View) -> bool:
        events = view.events.filter(_type_is(pattern))
        if pause is not None:
            events = events.filter(pl.col("is_pause") == pause)
        if text is not None:
            events = events.filter(pl.col("text").str.contains(text))
        return events.height > 0 and (
            collector is None or (view.parse is not None and view.parse.collector == collector)
        )

    return test


GARBAGECAT_TYPES.update(
    {
        "SERIAL_NEW": _has(r"^GC$", text="DefNew"),
        "PAR_NEW": _has(r"^GC$", text="ParNew"),
        "CMS_INITIAL_MARK": _has(r"^CMS Initial Mark$"),
        "CMS_REMARK": _has(r"^CMS Final Remark$"),
        "CMS_CONCURRENT": _has(r"^CMS-concurrent-"),
        "CMS_SERIAL_OLD": lambda v: v.pauses.filter(pl.col("is_full")).height > 0 and v.stats.collector == "CMS",  # type: ignore[union-attr]
        "APPLICATION_STOPPED_TIME": _has(r"^Application stopped$"),
        "G1_YOUNG_PAUSE": _has(r"^GC pause \(young\)"),
        "G1_FULL_GC_SERIAL": _has(r"^Full GC$", collector="G1"),
        "SHENANDOAH_FULL_GC": _has(r"^Pause Full$", collector="Shenandoah"),
        "UNIFIED_G1_YOUNG_PAUSE": _has(r"^Pause Young", collector="G1"),
        "UNIFIED_G1_FULL_GC_PARALLEL": _has(r"^Pause Full", collector="G1"),
        "UNIFIED_PARALLEL_SCAVENGE": _has(r"^Pause Young", collector="Parallel"),
        "UNIFIED_PARALLEL_COMPACTING_OLD": _has(r"^Pause Full", collector="Parallel"),
        "UNIFIED_CONCURRENT": _has(r"^Concurrent ", pause=False),
        "UNIFIED_REMARK": _has(r"^Pause Remark"),
        "UNIFIED_G1_CLEANUP": _has(r"^Pause Cleanup"),
        "UNIFIED_SAFEPOINT": _has(r"^(?:Safepoint|Application stopped)$"),
        "UNIFIED_SHENANDOAH_INIT_MARK": _has(r"^Pause Init Mark"),
        "UNIFIED_SHENANDOAH_FINAL_MARK": _has(r"^Pause Final Mark"),
        "UNIFIED_SHENANDOAH_INIT_UPDATE_REFS": _has(r"^Pause Init Update Refs"),
        "UNIFIED_SHENANDOAH_FINAL_UPDATE_REFS": _has(r"^Pause Final Update Refs"),
        "Z_MARK_START": _has(r"^Pause Mark Start$"),
        "Z_MARK_END": _has(r"^Pause Mark End$"),
        "Z_CONCURRENT": _has(r"^Concurrent ", collector="ZGC"),
        "Z_MARK_START_YOUNG_AND_OLD": _has(r"^Pause Mark Start \(Young\)$", text=r"\(Major\)"),
        "Z_MARK_END_YOUNG": _has(r"^Pause Mark End \(Young\)$"),
        "Z_MARK_END_OLD": _has(r"^Pause Mark End \(Old\)$"),
        "Z_RELOCATE_START_YOUNG": _has(r"^Pause Relocate Start \(Young\)$"),
        "Z_RELOCATE_START_OLD": _has(r"^Pause Relocate Start \(Old\)$"),
        "UNIFIED_HEADER": lambda view: bool(
            re.search(r"\]\s*(?:Version: |Using |CPUs: |Memory: )", view.text) is not None
        ),
    }
)


def _ratio(gc_ms: float, stopped_ms: float) -> float | None:
    return None if stopped_ms <= 0 else 100.0 * gc_ms / stopped_ms


def _low_ratio(view: View) -> bool:
    s = view.stats
    assert s is not None
    ratio = _ratio(s.pauses.total_ms, s.safepoint_total_ms)
    return ratio is not None and ratio < 80


GARBAGECAT_ANALYSIS: dict[str, Callable[[View], bool]] = {
    "ERROR_CMS_PROMOTION_FAILED": lambda v: "promotion_failed" in v.stats.markers,  # type: ignore[union-attr]
    "ERROR_G1_EVACUATION_FAILURE": lambda v: bool(
        {"to_space_exhausted", "evacuation_failure"} & set(v.stats.markers)  # type: ignore[union-attr]
    ),
    "ERROR_CMS_CONCURRENT_MODE_FAILURE": lambda v: "concurrent_mode_failure" in v.stats.markers,  # type: ignore[union-attr]
    "ERROR_SHENANDOAH_FULL_GC": lambda v: "shenandoah_full" in v.stats.markers,  # type: ignore[union-attr]
    "ERROR_METASPACE_ALLOCATION_FAILURE": lambda v: (
        v.events.filter(pl.col("cause").fill_null("").str.contains("Last ditch collection")).height > 0
    ),
    # garbagecat: GC time / stopped time < 80 % (JDK 8 stopped-time lines: legacy logs; safepoint lines: unified)
    "WARN_GC_STOPPED_RATIO": lambda v: v.stats.format == "legacy" and _low_ratio(v),  # type: ignore[union-attr]
    "WARN_GC_SAFEPOINT_RATIO": lambda v: v.stats.format == "unified" and _low_ratio(v),  # type: ignore[union-attr]
    "WARN_GC_SAFEPOINT_RATIO_JDK17": lambda v: v.stats.format == "unified" and _low_ratio(v),  # type: ignore[union-attr]
    "WARN_APPLICATION_LOGGING": lambda v: v.stats.unparsed_lines > 0,  # type: ignore[union-attr]
    "WARN_SERIAL_GC": lambda v: v.stats.collector == "Serial",  # type: ignore[union-attr]
}


def _safepoints(view: View) -> pl.DataFrame:
    return view.events.filter(pl.col("gc_type").is_in(["Safepoint", "Application stopped"]))


def check_garbagecat(view: View, key: str, fact: Any, facts: dict[str, Any]) -> Outcome:
    s = view.stats
    assert s is not None
    pauses = view.pauses
    safepoints = _safepoints(view)
    last_up = s.last_uptime_s
    if key == "event_types_absent":
        return _list_check(fact, lambda t: None if t != "UNKNOWN" else s.unparsed_lines > 0, expect=False)
    if key == "event_types_present":
        return _list_check(fact, lambda t: GARBAGECAT_TYPES[t](view) if t in GARBAGECAT_TYPES else None)
    if key in ("analysis_present", "analysis_absent"):
        return _list_check(
            [a for a in fact if not a.startswith("joa:")],
            lambda a: GARBAGECAT_ANALYSIS[a](view) if a in GARBAGECAT_ANALYSIS else None,
            expect=key == "analysis_present",
        )
    first_p = pauses.row(0, named=True) if pauses.height else None
    last_p = pauses.row(pauses.height - 1, named=True) if pauses.height else None
    first_s = safepoints.row(0, named=True) if safepoints.height else None
    last_s = safepoints.row(safepoints.height - 1, named=True) if safepoints.height else None

    def start_ms(row: dict[str, Any] | None) -> float | None:
        return None if row is None or row["uptime_s"] is None else row["uptime_s"] * 1e3

    def stamp(row: dict[str, Any] | None) -> float | None:
        return start_ms(row)

    def firsts() -> float | None:
        values = [v for v in (start_ms(first_p), stamp(first_s)) if v is not None]
        return min(values) if values else None

    def lasts() -> float | None:
        values = [v for v in (start_ms(last_p), stamp(last_s)) if v is not None]
        return max(values) if values else None

    def thr(total_ms: float) -> float | None:
        return None if not last_up else math.floor(100.0 * (1.0 - total_ms / 1e3 / last_up))

    gc_ms = s.pauses.total_ms
    stop_ms = s.safepoint_total_ms
    # JDK 8 "stopped time" ratio exists for legacy logs only, the safepoint ratio for unified ones; garbagecat writes
    # 100 when it has no such time, our None
    stopped_ratio = _floor(_ratio(gc_ms, stop_ms)) if s.format == "legacy" else None
    safepoint_ratio = _floor(_ratio(gc_ms, stop_ms)) if s.format == "unified" else None
    concurrent_heap = view.events.filter(~pl.col("is_pause") & pl.col("heap_before_kb").is_not_null())
    table: dict[str, tuple[Callable[[], Any], float]] = {
        "blocking_event_count": (lambda: pauses.height, 0),
        "pause_total_us": (lambda: gc_ms * 1e3, 1),
        "pause_max_us": (lambda: s.pauses.max_ms * 1e3, 1),
        "first_blocking_event_ts_ms": (lambda: start_ms(first_p), 1),
        "last_blocking_event_ts_ms": (lambda: start_ms(last_p), 1),
        "last_blocking_event_duration_us": (lambda: None if last_p is None else last_p["pause_ms"] * 1e3, 1),
        "stopped_time_event_count": (lambda: safepoints.height, 0),
        "stopped_time_total_us": (lambda: stop_ms * 1e3, max(1, safepoints.height)),
        "safepoint_event_count": (lambda: safepoints.height, 0),
        "safepoint_time_total_ns": (lambda: stop_ms * 1e6, 1000),
        "first_safepoint_event_ts_ms": (lambda: stamp(first_s), 1),
        "last_safepoint_event_ts_ms": (lambda: stamp(last_s), 1),
        "last_safepoint_event_duration_us": (lambda: None if last_s is None else last_s["pause_ms"] * 1e3, 1),
        "first_event_ts_ms": (firsts, 1),
        "last_event_ts_ms": (lasts, 1),
        "jvm_run_duration_ms": (lambda: None if last_up is None else last_up * 1e3, 1),
        "gc_throughput_pct": (lambda: thr(gc_ms), 1),
        "stopped_time_throughput_pct": (lambda: thr(stop_ms), 1),
        "safepoint_throughput_pct": (lambda: thr(stop_ms), 1),
        "gc_stopped_ratio_pct": (lambda: stopped_ratio, 1),
        "gc_safepoint_ratio_pct": (lambda: safepoint_ratio, 1),
    }
    if key in table:
        compute_ours, tol = table[key]
        ours = compute_ours()
        if key.endswith("_ratio_pct") and ours is None and fact == 100:
            return Outcome(PASS, None, "no such time in the log: garbagecat writes 100")
        return near(ours, fact, tol)
    heap = re.fullmatch(r"max_heap_(occupancy|after_gc|allocation)(_nonblocking)?_bytes", key)
    if heap:
        column = {"occupancy": "heap_before_kb", "after_gc": "heap_after_kb", "allocation": "heap_total_kb"}[heap[1]]
        frame = concurrent_heap if heap[2] else pauses
        return zero_or_null(_max(frame, column), fact, 1024.0)
    return unmapped("garbagecat fact our model does not keep (metaspace, JDK version, CPU, taxonomy size)")


def _floor(value: float | None) -> float | None:
    return None if value is None else math.floor(value)


def _list_check(values: list[str], predicate: Callable[[str], bool | None], expect: bool = True) -> Outcome:
    mapped = [(v, predicate(v)) for v in values]
    checked = [(v, r) for v, r in mapped if r is not None]
    if not checked:
        return unmapped("no item of this list has a meaning in our model")
    wrong = [v for v, r in checked if r != expect]
    return Outcome(FAIL if wrong else PASS, {"checked": [v for v, _ in checked], "wrong": wrong})


# --- gctoolkit ------------------------------------------------------------------------------------------------------

GCTOOLKIT_BUCKETS: dict[str, Callable[[View], int]] = {}


def _count(
    pattern: str,
    *,
    collector: str | None = None,
    text: str | None = None,
    cause: str | None = None,
    exclude_cause: str | None = None,
    pause: bool | None = None,
) -> Callable[[View], int]:
    def count(view: View) -> int:
        if collector is not None and (view.parse is None or view.parse.collector not in collector.split("|")):
            return 0
        events = view.events.filter(_type_is(pattern))
        if pause is not None:
            events = events.filter(pl.col("is_pause") == pause)
        if text is not None:
            events = events.filter(pl.col("text").str.contains(text))
        if cause is not None:
            events = events.filter(pl.col("cause").fill_null("").str.contains(cause))
        if exclude_cause is not None:
            events = events.filter(~pl.col("cause").fill_null("").str.contains(exclude_cause))
        return events.height

    return count


GCTOOLKIT_BUCKETS.update(
    {
        "ParNew": _count(r"^GC$", collector="CMS"),
        "DefNew": _count(r"^(?:GC|Pause Young.*)$", collector="Serial"),
        "PSYoungGen": _count(r"^(?:GC|Pause Young.*)$", collector="Parallel"),
        "FullGC(+PSFull)": _count(r"^(?:Full GC|Pause Full.*)$", collector="Parallel"),
        "ParNewPromotionFailed": _count(r"^Promotion Failed$"),
        "ConcurrentModeFailure": _count(r"^Concurrent Mode Failure$"),
        "ConcurrentModeInterrupted": _count(r"^Concurrent Mode Interrupted$"),
        "InitialMark": _count(r"^(?:CMS Initial Mark|Pause Initial Mark)$"),
        "Remark": _count(r"^(?:CMS Final Remark|Pause Remark)$", collector="CMS"),
        "ConcurrentMark": _count(r"^(?:CMS-concurrent-mark|Concurrent Mark)$", collector="CMS"),
        "Concurrent_Preclean": _count(r"^(?:CMS-concurrent-preclean|Concurrent Preclean)$"),
        "Abortable_Preclean": _count(r"^(?:CMS-concurrent-abortable-preclean|Concurrent Abortable Preclean)$"),
        "Concurrent_Sweep": _count(r"^(?:CMS-concurrent-sweep|Concurrent Sweep)$"),
        "Concurrent_Reset": _count(r"^(?:CMS-concurrent-reset|Concurrent Reset)$"),
        "Young": _count(r"^(?:GC pause \(young\)(?: \(to-space exhausted\))?|Pause Young \(Normal\))$", collector="G1"),
        "Mixed": _count(r"^(?:GC pause \(mixed\)|Pause Young \(Mixed\))$", collector="G1"),
        "G1GCYoungInitialMark": _count(
            r"^(?:GC pause \(young\) \(initial-mark\)(?: \(to-space exhausted\))?|Pause Young \(Concurrent Start\))$",
            collector="G1",
        ),
        "G1GCMixedInitialMark": _count(r"^GC pause \(mixed\) \(initial-mark\)$"),
        "G1GCRemark": _count(r"^(?:GC remark|Pause Remark)$", collector="G1"),
        "G1GCCleanup": _count(r"^(?:GC cleanup|Pause Cleanup)$", collector="G1"),
        "G1GCConcurrentMark": _count(r"^(?:concurrent-mark|concurrent-mark-abort|Concurrent Mark)$", collector="G1"),
        "G1GCConcurrentCleanup": _count(r"^(?:concurrent-cleanup|Concurrent Cleanup for Next Mark)$", collector="G1"),
        "ConcurrentRootRegionScan": _count(r"^(?:concurrent-root-region-scan|Concurrent Scan Root Regions)$"),
        "ConcurrentClearClaimedMarks": _count(r"^Concurrent Clear Claimed Marks$"),
        "ConcurrentCleanupForNextMark": _count(r"^Concurrent Cleanup for Next Mark$"),
        "G1ConcurrentMarkResetForOverflow": _count(r"^concurrent-mark-reset-for-overflow$"),
        "SystemGC": _count(r"^(?:Full GC|Pause Full.*)$", cause=r"^System\.gc\(\)$"),
        "Full": _count(r"^(?:Full GC|Pause Full.*)$", exclude_cause=r"^System\.gc\(\)$", collector="G1"),
    }
)

GCTOOLKIT_DIARY: dict[str, Callable[[View], bool]] = {
    "G1GC": lambda v: v.stats.collector == "G1",  # type: ignore[union-attr]
    "CMS": lambda v: v.stats.collector == "CMS",  # type: ignore[union-attr]
    "PARALLELGC": lambda v: v.stats.collector == "Parallel",  # type: ignore[union-attr]
    "SERIAL": lambda v: v.stats.collector == "Serial",  # type: ignore[union-attr]
    "ZGC": lambda v: v.stats.collector == "ZGC",  # type: ignore[union-attr]
    "SHENANDOAH": lambda v: v.stats.collector == "Shenandoah",  # type: ignore[union-attr]
    "PARNEW": lambda v: v.events.filter(pl.col("text").str.contains("ParNew")).height > 0,
    "DEFNEW": lambda v: v.events.filter(pl.col("text").str.contains("DefNew")).height > 0,
    "PARALLELOLDGC": lambda v: v.events.filter(pl.col("text").str.contains("ParOldGen")).height > 0,
    "UNIFIED_LOGGING": lambda v: v.stats.format == "unified",  # type: ignore[union-attr]
}


def check_gctoolkit(
    view: View, key: str, fact: Any, facts: dict[str, Any], path: Path
) -> list[tuple[str, Any, Outcome]]:
    s = view.stats
    assert s is not None
    if key == "event_counts":
        out = []
        for bucket, value in fact.items():
            if bucket in GCTOOLKIT_BUCKETS:
                out.append((f"event_counts.{bucket}", value, near(GCTOOLKIT_BUCKETS[bucket](view), value)))
            else:
                out.append((f"event_counts.{bucket}", value, unmapped("gctoolkit bucket without an equivalent")))
        return out
    if key == "diary":
        return [
            (f"diary.{flag}", value, near(GCTOOLKIT_DIARY[flag](view), value))
            if flag in GCTOOLKIT_DIARY
            else (f"diary.{flag}", value, unmapped("diary flag about logging options, not in our model"))
            for flag, value in fact.items()
        ]
    events = view.events
    low = events.get_column("uptime_s").drop_nulls().min() if events.height else None
    first_start = None if low is None else float(low)  # type: ignore[arg-type]
    simple: dict[str, Callable[[], Any]] = {
        "cms_initial_mark_count": lambda: GCTOOLKIT_BUCKETS["InitialMark"](view),
        "cms_remark_count": lambda: GCTOOLKIT_BUCKETS["Remark"](view),
        "cms_concurrent_phase_event_count": lambda: view.events.filter(_type_is(r"^CMS-concurrent-")).height,
        "time_of_first_event_ms": lambda: None if first_start is None else first_start * 1e3,
        "time_of_termination_event_ms": lambda: None if s.last_uptime_s is None else s.last_uptime_s * 1e3,
        "estimated_runtime_ms": lambda: (
            None if s.last_uptime_s is None or first_start is None else (s.last_uptime_s - first_start) * 1e3
        ),
    }
    if key in simple:
        return [(key, fact, near(simple[key](), fact, 1))]
    if key in ("rotation_set", "rotation_set_total_lines"):
        names, lines = rotation_view(path)
        if key == "rotation_set":
            return [(key, fact, Outcome(PASS if names == fact else FAIL, names))]
        return [(key, fact, near(lines, fact))]
    return [(key, fact, unmapped("gctoolkit parser internals"))]


# --- jifa -----------------------------------------------------------------------------------------------------------

JIFA_CAUSES = {"METADATA_GENERATION_THRESHOLD": "Metadata GC Threshold"}


def jifa_gcs(view: View) -> list[pl.DataFrame]:
    """Our GCs as jifa lists them: pauses and concurrent work grouped by gc_id (legacy: one pause record each; a G1
    concurrent cycle = its concurrent phases with the remark and cleanup after them)."""
    events = view.events.filter(
        pl.col("is_pause") | (pl.col("gc_type").str.contains(r"(?i)^(?:concurrent|Garbage Collection|Major|Minor)"))
    ).with_row_index("_i")
    markers = view.events.filter(_type_is(r"^(?:To-space exhausted|Evacuation Failure|Promotion Failed)$"))
    if view.stats is not None and view.stats.format == "unified":
        groups = [g for _, g in events.group_by("gc_id", maintain_order=True)]
    else:
        groups = []
        cycle: pl.DataFrame | None = None
        for row in events.iter_slices(1):
            gc_type = row.item(0, "gc_type") or ""
            if gc_type.startswith("concurrent-") or gc_type in ("GC remark", "GC cleanup"):
                cycle = row if cycle is None else pl.concat([cycle, row])
                if gc_type == "concurrent-cleanup":
                    groups.append(cycle)
                    cycle = None
            else:
                groups.append(row)
        if cycle is not None:
            groups.append(cycle)
        groups.sort(key=lambda g: g.item(0, "_i"))
    return [
        g.join(markers.select("line", "gc_type").rename({"gc_type": "marker"}), on="line", how="left") if False else g
        for g in groups
    ]


def _jifa_type(group: pl.DataFrame) -> str:
    types = [t or "" for t in group.get_column("gc_type").to_list()]
    if any(group.get_column("is_full").to_list()):
        return "FULL_GC"
    if any(t in ("Garbage Collection", "Major Collection", "Minor Collection") for t in types):
        return "ZGC_GARBAGE_COLLECTION"
    if any(t.lower().startswith("concurrent") for t in types):
        return "G1_CONCURRENT_CYCLE"
    return "YOUNG_GC"


def _upper_snake(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def check_jifa(view: View, key: str, fact: Any, facts: dict[str, Any]) -> Outcome:
    s = view.stats
    assert s is not None
    gcs = jifa_gcs(view)
    safepoints = _safepoints(view)
    simple: dict[str, Callable[[], Any]] = {
        "gc_event_count": lambda: len(gcs),
        "collector": lambda: s.collector,
        "start_time_ms": lambda: None if s.first_uptime_s is None else s.first_uptime_s * 1e3,
        "end_time_ms": lambda: None if s.last_uptime_s is None else s.last_uptime_s * 1e3,
        "safepoint_count": lambda: safepoints.height,
        "young_gc_count": lambda: sum(1 for g in gcs if _jifa_type(g) == "YOUNG_GC"),
        "old_gc_count": lambda: sum(1 for g in gcs if _jifa_type(g) == "G1_CONCURRENT_CYCLE"),
        "full_gc_count": lambda: sum(1 for g in gcs if _jifa_type(g) == "FULL_GC"),
    }
    if key in simple:
        return near(simple[key](), fact, 1 if key.endswith("_ms") else 0)
    match = re.fullmatch(r"safepoints\[(\d+)\]\.(\w+)", key)
    if match:
        i, getter = int(match[1]), match[2]
        if i >= safepoints.height:
            return Outcome(FAIL, None, "no such safepoint")
        row = safepoints.row(i, named=True)
        if getter == "getStartTime":
            return near(row["uptime_s"] * 1e3, fact, 0.01)
        if getter == "getDuration":
            return near(row["pause_ms"], fact, 0.001)
        return unmapped("time to reach the safepoint is not kept")
    match = re.fullmatch(r"events\[(\d+)\]\.(.+)", key)
    if not match:
        return unmapped("jifa model detail (threads, region size, event list incl. safepoints)")
    i, getter = int(match[1]), match[2]
    if i >= len(gcs):
        return Outcome(FAIL, None, f"we have {len(gcs)} GCs")
    group = gcs[i]
    rows = group.to_dicts()
    base = view.events.get_column("ts").drop_nulls().min()
    for r in rows:  # logs with date stamps only: jifa counts from the first event
        if r["uptime_s"] is None and r["ts"] is not None and base is not None:
            r["uptime_s"] = (r["ts"] - base).total_seconds()
    pauses = [r for r in rows if r["is_pause"]]
    cycles = [r for r in rows if r["gc_type"] in ("Garbage Collection", "Major Collection", "Minor Collection")]
    head = cycles[0] if cycles else pauses[0] if pauses else rows[0]
    timed = [r for r in rows if r["uptime_s"] is not None]
    if not timed:
        return Outcome(FAIL, None, "no time")
    start = min(r["uptime_s"] for r in timed)
    end = max(r["uptime_s"] + (r["pause_ms"] or 0.0) / 1e3 for r in timed)
    lines = set(group.get_column("line").to_list())
    gc_ids = set(group.get_column("gc_id").drop_nulls().to_list())
    markers = (
        view.events.filter(pl.col("line").is_in(list(lines)) | pl.col("gc_id").is_in(list(gc_ids)))
        .get_column("gc_type")
        .to_list()
    )
    if getter == "getGcid":
        return near(head["gc_id"], fact)
    if getter == "getStartTime":
        return near(start * 1e3, fact, 1)
    if getter == "getEndTime":
        return near(end * 1e3, fact, 1)
    if getter == "getDuration":
        return near((end - start) * 1e3, fact, 1 if len(rows) > 1 or not head["is_pause"] else 0.001)
    if getter == "getPause":
        return near(sum(r["pause_ms"] or 0.0 for r in pauses), fact, 0.001)
    if getter == "getEventType":
        return near(_jifa_type(group), fact)
    if getter == "getCause":
        if fact == "PROMOTION_FAILED":
            return near("Promotion Failed" in markers, True)
        cause = head["cause"] or ""
        return near(_upper_snake(cause) if fact not in JIFA_CAUSES else cause, JIFA_CAUSES.get(fact, fact))
    if getter == "isTrue(TO_SPACE_EXHAUSTED)":
        return near("To-space exhausted" in markers or "Evacuation Failure" in markers, fact)
    if getter == "isTrue(YOUNG_GC_BECOME_FULL_GC)":
        return near("Promotion Failed" in markers and bool(head["is_full"]), fact)
    heap = re.fullmatch(r"memory[_.]HEAP(?:\.(\w+))?", getter)
    if heap:
        parts = {
            "pre_used_bytes": head["heap_before_kb"],
            "post_used_bytes": head["heap_after_kb"],
            "post_capacity_bytes": head["heap_total_kb"],
            "getPreUsed": head["heap_before_kb"],
            "getPostUsed": head["heap_after_kb"],
            "getPostCapacity": head["heap_total_kb"],
        }
        if heap[1]:
            return zero_or_null(parts[heap[1]], fact, 1024.0)
        wanted = {k: v for k, v in fact.items() if k in parts}
        ours = {k: None if parts[k] is None else parts[k] * 1024 for k in wanted}
        return Outcome(PASS if ours == wanted else FAIL, ours)
    return unmapped("jifa detail our model does not keep (generations, metaspace, cpu, phases, ZGC statistics)")


# --- jvm-gc-logs-analyzer -------------------------------------------------------------------------------------------


def check_jvm_gc_logs_analyzer(view: View, key: str, fact: Any, facts: dict[str, Any]) -> Outcome:
    row = view.pauses.row(0, named=True)
    markers = view.events.filter(pl.col("gc_id") == row["gc_id"]).get_column("gc_type").to_list()
    table: dict[str, Callable[[], Any]] = {
        "first_cycle.gc_id": lambda: row["gc_id"],
        "first_cycle.phase": lambda: f"{row['gc_type']} ({row['cause']})" if row["cause"] else row["gc_type"],
        "first_cycle.heap_before_mb": lambda: row["heap_before_kb"] / 1024,
        "first_cycle.heap_after_mb": lambda: row["heap_after_kb"] / 1024,
        "first_cycle.heap_size_mb": lambda: row["heap_total_kb"] / 1024,
        "first_cycle.pause_ms": lambda: row["pause_ms"],
        "first_cycle.timestamp_s": lambda: row["uptime_s"],
        "first_cycle.to_space_exhausted": lambda: "To-space exhausted" in markers,
    }
    if key in table:
        return near(table[key](), fact, 0.001 if key.endswith("_s") else 0)
    return unmapped("regions, humongous objects, tenuring and phase detail are not in our model")


# --- driver ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    tool: str
    file: str
    key: str
    fact: Any
    outcome: Outcome


def check_entry(entry: dict[str, Any], corpus: Path) -> list[Result]:
    path = locate(entry, corpus)
    name = entry["path"].rsplit("/", 1)[-1]
    tool = entry["tool"]
    if path is None:
        return [Result(tool, name, "(file)", entry["path"], Outcome(FAIL, None, f"log not found under {corpus}"))]
    view = load_view(path)
    results: list[Result] = []
    for key, fact in entry["facts"].items():
        try:
            if tool == "gctoolkit":
                for sub, value, outcome in check_gctoolkit(view, key, fact, entry["facts"], path):
                    results.append(Result(tool, name, sub, value, outcome))
                continue
            if view.refused and tool != "GCViewer":
                outcome = unmapped("non-HotSpot log, refused by design")
            elif tool == "GCViewer":
                outcome = check_gcviewer(view, key, fact, entry["facts"])
            elif tool == "garbagecat":
                outcome = check_garbagecat(view, key, fact, entry["facts"])
            elif tool == "jifa":
                outcome = check_jifa(view, key, fact, entry["facts"])
            elif tool == "jvm-gc-logs-analyzer":
                outcome = check_jvm_gc_logs_analyzer(view, key, fact, entry["facts"])
            else:
                outcome = unmapped(f"unknown tool {tool}")
        except (KeyError, IndexError, TypeError, ValueError, pl.exceptions.PolarsError) as exc:
            outcome = Outcome(FAIL, None, f"checker error: {exc!r}")
        results.append(Result(tool, name, key, fact, outcome))
    return results


def run(oracle: Path, corpus: Path) -> list[Result]:
    entries = json.loads(oracle.read_text())
    results: list[Result] = []
    for entry in entries:
        results.extend(check_entry(entry, corpus))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--oracle", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--verbose", action="store_true", help="also list passed and unmapped facts")
    args = parser.parse_args(argv)
    results = run(args.oracle, args.corpus)
    passed = [r for r in results if r.outcome.status == PASS]
    failed = [r for r in results if r.outcome.status == FAIL]
    skipped = [r for r in results if r.outcome.status == UNMAPPED]
    for r in failed:
        note = f" ({r.outcome.note})" if r.outcome.note else ""
        print(f"FAIL {r.tool} {r.file} {r.key}: theirs={json.dumps(r.fact)} ours={r.outcome.ours!r}{note}")
    if args.verbose:
        for r in passed:
            print(f"ok   {r.tool} {r.file} {r.key}")
        for r in skipped:
            print(f"--   {r.tool} {r.file} {r.key}: unmapped: {r.outcome.note}")
    print(f"{len(skipped)} facts unmapped (no meaning in our model)")
    print(f"{len(passed)} passed, {len(failed)} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
