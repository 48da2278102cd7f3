"""JVM GC logs to one frame of GC events (``GC_EVENTS_SCHEMA``), vectorised in polars.

Two layouts, told apart by :func:`sniff_gc`:

- ``gc_unified`` (JDK 9+ ``-Xlog:gc*``): each line carries any set of decorations in brackets (``[time]``,
  ``[utctime]``, ``[uptime]``, ``[uptimemillis]``, ``[timemillis]``, nanos, ``[level]``, ``[tags]``, ``[pid]``,
  ``[tid]``, ``[hostname]``), or none. A stop-the-world pause is the one summary line
  ``GC(12) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 3.123ms``; its decoration is written when the pause
  *ends*, so the start is ``stamp - duration``. Every ``GC(N)`` line of an event we emitted (phases, heap, cpu,
  metaspace...) counts as parsed, and so do the header lines (``Using G1``, ``Version:``, ``CPUs:``...). A pause
  whose ``gc,start`` line has no summary after it (the JVM died during the pause, or the file was cut) is still an
  event, stamped at its start, with ``pause_ms`` and heap null, and a warning.
- ``gc_legacy`` (JDK <= 8 ``-XX:+PrintGCDetails``, optional ``-XX:+PrintGCDateStamps`` / uptime / ``#N:`` GC ids):
  a record starts at a line that begins with a stamp or ``[GC``/``[Full GC``; the lines below it that begin with
  neither (G1 detail blocks, tenuring tables, a ``, 0.01 secs]`` tail pushed down by interleaved output) belong to
  it (a cumulative sum of the boundary flags). The stamp is written when the event *starts*. Duration is the
  record's last ``, N secs]`` (its own, not ``real=``), heap the G1 ``Heap: a(b)->c(d)`` detail or else the last
  whole-heap ``a->b(c)`` that is not a generation's.

An event's ``line`` and ``text`` are its summary line (unified) or its header line (legacy); ``ts``/``uptime_s``
are its start. Events: stop-the-world pauses (``is_pause``), and, with ``is_pause`` false so that pause statistics
count each stop once, concurrent phases, ZGC cycles and stalls, safepoints (JDK 17+ ``Safepoint "X"``, JDK 8 "Total
time for which application threads were stopped") and failure markers (to-space exhausted, evacuation failure,
concurrent mode failure, promotion failed, cancelled concurrent GC).

Every pattern lives in a table of :class:`LineRule` (a Rust regex for polars plus a real sample line from the
corpus, checked by tests/parsers/test_gc.py), so new collectors and wordings are added as rows. Decimal commas
(JVM locale) are accepted in every number. No Python loop runs over lines; expensive regexes only run on the few
rows a literal prefilter lets through.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from logforensics.model import GC_EVENTS_SCHEMA, TEXT_CAP, UTC_MS, GcSummary

UNIFIED = "gc_unified"
LEGACY = "gc_legacy"

COLLECTORS = ("G1", "Parallel", "CMS", "Serial", "ZGC", "Shenandoah", "unknown")

_NUM = r"\d+(?:[.,]\d+)?"
_MEM = rf"{_NUM}[BKMGT]"
_PARENS = r"\((?:[^()]|\(\))*\)"  # one parenthesised word group; allows the "()" of "System.gc()"
_DATE = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.,]\d+(?:[+-]\d\d:?\d\d|Z)?"
_MAX_UPTIME_S = 1e10  # larger "uptimes" are junk; keeps datetime arithmetic in range
_RESTART_SLACK_S = 1.0  # an uptime lower than the previous one by more than this is a JVM restart
_MIN_YEAR, _MAX_YEAR = 1970, 2999  # a date stamp outside these years is junk (and would not fit a Python datetime)
_EDGE_ROWS = 500  # lines at each end of a file whose stamps bound the log's time span


@dataclass(frozen=True)
class LineRule:
    """One line shape of a GC log: a Rust regex (as polars runs it) and a real line it must match."""

    name: str
    pattern: str
    sample: str
    """A line copied from the corpus (../shared/corpus/gc); tests assert that ``pattern`` matches it."""


# --- unified logging (-Xlog) -----------------------------------------------------------------------------------------

# Words in the first parentheses after "Pause X" that qualify the pause rather than name its cause: G1 young kinds
# ("Pause Young (Normal) (G1 Evacuation Pause)"), Shenandoah modes ("Pause Init Mark (unload classes)") and
# degeneration points ("Pause Degenerated GC (Mark)").
_PAUSE_KINDS = (
    "Normal|Concurrent Start|Prepare Mixed|Mixed|Concurrent Mark|Concurrent Undo Cycle"
    "|unload classes|process weakrefs|update refs|Outside of Cycle|Mark|Evacuation|Update Refs|Roots"
)

UNIFIED_RULES: dict[str, LineRule] = {
    rule.name: rule
    for rule in (
        LineRule(
            "pause",
            rf"GC\((?P<gc_id>\d+)\) (?:(?P<gen>[YO]): )?(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)"
            rf"(?: \((?P<sub>{_PAUSE_KINDS})\))?(?: \((?P<cause>(?:[^()]|\(\))*)\))?"
            rf"(?P<flag> \(Evacuation Failure[^()]*\))?"
            rf"(?: (?P<before>{_MEM})->(?P<after>{_MEM})\((?P<total>{_MEM})\))? (?P<ms>{_NUM})ms\s*$",
            "[1.010s][info][gc           ] GC(0) Pause Young (Concurrent Start) (Metadata GC Threshold) "
            "19M->4M(64M) 10.709ms",
        ),
        # The gc+start line that opens a pause; used only for pauses whose summary line never came (log cut).
        LineRule(
            "pause_start",
            rf"GC\((?P<gc_id>\d+)\) (?:(?P<gen>[YO]): )?(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)"
            rf"(?: \((?P<sub>{_PAUSE_KINDS})\))?(?: \((?P<cause>(?:[^()]|\(\))*)\))?\s*$",
            "[8.970s][info][gc,start     ] GC(2) Pause Full (Allocation Failure)",
        ),
        LineRule("gc_id", r"GC\((\d+)\)", "[1.010s][info][gc,heap      ] GC(0) Eden regions: 19->0(33)"),
        LineRule(
            "using",
            r"(?:^|\])\s*Using (G1|Parallel|Serial|Concurrent Mark Sweep|The Z Garbage Collector|Shenandoah)\s*$",
            "[0.017s][info][gc     ] Using G1",
        ),
        LineRule(
            "header",
            r"\[gc,(?:init|heap,exit)\s*\]|(?:^|\])\s*(?:Using \w|Version: |CPUs: |Memory: |Large Page Support: "
            r"|NUMA Support: |Compressed Oops: |Alignments: |Heap (?:Min|Initial|Max) Capacity: |Pre-touch: "
            r"|(?:Parallel|Concurrent|Concurrent Refinement) Workers: |Periodic GC|Heap [Rr]egion [Ss]ize: "
            r"|Heap address: |CDS archive\(s\) mapped at|Compressed class space mapped at|Narrow klass base: "
            r"|CardTable entry size: |Protected page at the reserved heap base|CPU: ?total "
            r"|(?:Minimum|Initial|Maximum) (?:young|old|heap) |\d+: Minimum young |Initialize mark stack)",
            "[0.018s][info][gc,init] CPUs: 8 total, 8 available",
        ),
        # A concurrent phase's end line (G1, CMS, ZGC incl. generational "Y:"/"O:", Shenandoah): not a pause.
        LineRule(
            "concurrent",
            rf"GC\((?P<gc_id>\d+)\) (?:(?P<gen>[YO]): )?(?P<kind>Concurrent [A-Za-z][A-Za-z -]*?)"
            rf"(?P<paren>(?: \((?:[^()]|\(\))*\))*)"
            rf"(?: (?P<before>{_MEM})->(?P<after>{_MEM})\((?P<total>{_MEM})\))? (?P<ms>{_NUM})ms\s*$",
            "[2022-08-17T00:34:05.368+0800][1.720s][info][gc          ] GC(0) Concurrent marking (unload classes) "
            "213.664ms",
        ),
        # A ZGC cycle summary (concurrent): "Garbage Collection (Warmup) 104M(10%)->88M(9%)"; generational: "0.036s".
        LineRule(
            "zgc_cycle",
            rf"GC\((?P<gc_id>\d+)\) (?P<kind>Garbage Collection|Major Collection|Minor Collection) "
            rf"\((?P<cause>[^()]*)\) (?P<before>{_MEM})\(\d+%\)->(?P<after>{_MEM})\(\d+%\)(?: (?P<secs>{_NUM})s)?\s*$",
            "[0.228s][info][gc          ] GC(2) Major Collection (Warmup) 30M(31%)->26M(27%) 0.036s",
        ),
        LineRule(
            "zgc_cycle_start",
            r"GC\((?P<gc_id>\d+)\) (?P<kind>Garbage Collection|Major Collection|Minor Collection) \([^()]*\)\s*$",
            "[0.918s][info][gc,start    ] GC(0) Garbage Collection (Warmup)",
        ),
        # JDK 17+ one-line safepoint record; the stamp is written when the safepoint ends.
        LineRule(
            "safepoint",
            r"Safepoint \"(?P<op>[^\"]*)\", Time since last: \d+ ns, Reaching safepoint: (?P<reach>\d+) ns, "
            r"(?:Cleanup: \d+ ns, )?At safepoint: \d+ ns, Total: (?P<ns>\d+) ns",
            '[0.125s] Safepoint "ZMarkStart", Time since last: 103615439 ns, Reaching safepoint: 36832 ns, '
            "At safepoint: 2046 ns, Total: 38878 ns",
        ),
        # JDK 9-16 (-Xlog:safepoint) and JDK 8 (-XX:+PrintGCApplicationStoppedTime): written when the threads restart.
        LineRule(
            "stopped",
            rf"Total time for which application threads were stopped: (?P<s>{_NUM}) seconds"
            rf"(?:, Stopping threads took: (?P<reach>{_NUM}) seconds)?",
            "[0.029s][info][safepoint    ] Total time for which application threads were stopped: 0.0001635 seconds, "
            "Stopping threads took: 0.0001057 seconds",
        ),
        # ZGC: a Java thread waited for memory (allocation stall) or for a page being relocated; not a pause.
        LineRule(
            "stall",
            rf"(?:^|\] ?)\s*(?P<kind>Allocation Stall|Relocation Stall) \((?P<thread>.*)\) (?P<ms>{_NUM})ms\s*$",
            "[201.511s][info][gc          ] Allocation Stall (Group1.Backend.CompositeBackend{Tier1}.10) 29.092ms",
        ),
        LineRule(
            "to_space",
            r"GC\((?P<gc_id>\d+)\) To-space (?:exhausted|overflow)",
            "[0.318s][info][gc] GC(11) To-space exhausted",
        ),
        LineRule(
            "cancelled",
            r"Cancelling (?:concurrent )?GC: (?P<reason>.*?)\s*$",
            "[29.628s][info][gc            ] Cancelling concurrent GC: Allocation Failure",
        ),
        # Lines that carry no event: safepoint bookkeeping, ergonomics, statistics tables, triggers.
        LineRule(
            "info",
            r"\[(?:gc,(?:stats|ergo|init|metaspace|age|humongous|task|cpu|ref|reloc|marking|nmethod|load|mmu|alloc"
            r"|heap|phases|tlab|plab|remset|region|freelist|cds|verify|promotion|breakpoint|jni)[\w,+]*"
            r"|safepoint[\w,+]*|os[\w,+]*)\s*\]"
            r"|(?:^|\] ?)\s*(?:Application time: |Entering safepoint region: |Leaving safepoint region"
            r"|Trigger: |Heuristics ergonomically|Free: |Free headroom: |Pacer for |Soft Max Capacity|Min Capacity"
            r"|Max Capacity|Uncommitted|Initializing The Z Garbage|NUMA|Runtime Workers|Heap backing|GC Workers"
            r"|Address Space|Min Capacity|Initial Capacity|Medium Page Size|Pre-touch|Available space|Probing address)",
            "[0.030s][info][safepoint    ] Application time: 0.0012757 seconds",
        ),
        # Any set and order of bracketed decorations at the line start; a group keeps the last bracket it matched.
        LineRule(
            "decorations",
            rf"^(?:\[(?P<time>{_DATE})\]|\[(?P<uptime>\d+[.,]\d+)s\]|\[(?P<timemillis>\d{{12,}})ms\]"
            r"|\[(?P<uptimemillis>\d{1,11})ms\]|\[(?P<timenanos>\d{18,})ns\]|\[(?P<uptimenanos>\d{1,17})ns\]"
            r"|\[[^\[\]]*\])*",
            "[2021-03-13T03:37:40.047+0530][79853115ms] GC(8645) Pause Young (Concurrent Start) (G1 Evacuation Pause)",
        ),
    )
}

_UNIFIED_COLLECTORS = {
    "G1": "G1",
    "Parallel": "Parallel",
    "Serial": "Serial",
    "Concurrent Mark Sweep": "CMS",
    "The Z Garbage Collector": "ZGC",
    "Shenandoah": "Shenandoah",
}

# --- legacy (JDK <= 8 PrintGCDetails) ----------------------------------------------------------------------------

_LEGACY_STAMP = rf"^(?:(?P<date>{_DATE}): )?(?:(?P<up>\d+[.,]\d+): )?(?:#(?P<gc_id>\d+): )?"
_QUALIFIERS = ("(young)", "(mixed)", "(partial)", "(initial-mark)", "(to-space exhausted)", "(to-space overflow)")
_LEGACY_OLD_GEN = r"\[(?:Tenured|ParOldGen|PSOldGen|CMS(?:CMS)?)(?:[: \d]|$)|\(concurrent mode failure\)"

LEGACY_RULES: dict[str, LineRule] = {
    rule.name: rule
    for rule in (
        LineRule(
            "boundary",
            r"^(?:\d|\{|\}|Heap(?: |$)|Total time for which|Application time:|Java HotSpot|OpenJDK |Memory: "
            r"|CommandLine flags: |#\d+: |\[(?:Full GC|GC))",
            "2015-05-04T18:08:00.244+0000: 0.964: Total time for which application threads were stopped: "
            "0.0001390 seconds",
        ),
        # A stamped line that continues a record: a generation or phase the JVM stamps inside an event.
        LineRule(
            "inner",
            r"^(?:\d{4}-\d\d-\d\dT[^ ]*: )?(?:\d+[.,]\d+: )?(?:#\d+: )?\[(?:ParNew|DefNew|ASParNew|CMS(?:[: \d]|$)"
            r"|Tenured|PSYoungGen|ParOldGen|PSOldGen|YG occupancy|Rescan|weak refs|class unloading|scrub"
            r"|GC ref-proc|Finalize Marking|Unloading|(?:Soft|Weak|Final|Phantom)Reference|JNI Weak)",
            "2017-02-28T00:43:55.587+0000: 36843.783: [ParNew (0: promotion failure size = 200)  "
            "(1: promotion failure size = 8)",
        ),
        LineRule(
            "event",
            rf"{_LEGACY_STAMP}\[(?P<kind>Full GC|GC)(?P<rest>.*)$",
            "2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) ",
        ),
        # Lines that are records of their own without being a GC event: stopped time, application time, concurrent
        # phases (G1 "[GC concurrent-mark-end, 0.0126670 sec]", CMS "[CMS-concurrent-mark: 0.006/0.006 secs]").
        LineRule(
            "side",
            rf"^(?:{_DATE}: )?(?:\d+[.,]\d+: )?(?:#\d+: )?(?:Total time for which|Application time:"
            rf"|\[(?:GC )?(?:CMS-)?concurrent-)|^\{{?Heap(?: (?:before|after) GC|$)|^\}}\s*$",
            "0.715: [CMS-concurrent-abortable-preclean-start]",
        ),
        LineRule(
            "concurrent",
            rf"(?:{_DATE}: )?(?:\d+[.,]\d+: )?\[(?:GC )?(?P<phase>(?:CMS-)?concurrent-[a-z-]+?)(?P<end>-end|-abort)?"
            rf"(?:, (?P<secs>{_NUM})(?: secs?)?\]|: (?P<cpu>{_NUM})/(?P<wall>{_NUM}) secs\])",
            "0.403: [GC concurrent-mark-end, 0.0126670 sec]",
        ),
        # JDK 8 Shenandoah backports: "[Pause Init Mark, 1.234 ms]", "[Pause Full 1589M->1002M(1690M), 4077.274 ms]".
        LineRule(
            "shenandoah",
            rf"{_LEGACY_STAMP}\[(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)(?: \((?P<cause>[^()]*)\))?"
            rf"(?: (?P<before>{_MEM})->(?P<after>{_MEM})\((?P<total>{_MEM})\))?, (?P<ms>{_NUM}) ms\]",
            "2021-03-23T20:57:46.427+0000: 120839.710: [Pause Full 1589M->1002M(1690M), 4077.274 ms]",
        ),
        LineRule(
            "shenandoah_start",
            rf"{_LEGACY_STAMP}\[Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*(?: \([^()]*\))?, start\]",
            "2021-03-23T20:57:42.349+0000: 120835.633: [Pause Full, start]",
        ),
        LineRule(
            "jvm_header",
            r"^\s*(?:\d+[.,]\d+: )?\[G1Ergonomics "
            r"|^(?:Java HotSpot|OpenJDK \S+ (?:Server|Client) VM|Memory: \d+k page|CommandLine flags: "
            r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GC log file (?:created|has reached))",
            "Memory: 4k page, physical 131733088k(112262008k free), swap 16383996k(16383996k free)",
        ),
        LineRule("leading_parens", rf"^(?:--)?((?: ?{_PARENS})*)", " (G1 Evacuation Pause) (young), 0.0024360 secs]"),
        LineRule("g1_pause", rf"^ pause((?: {_PARENS})*)", " pause (G1 Evacuation Pause) (young), 0.0024360 secs]"),
        LineRule("parens", _PARENS, "(System.gc())"),
        LineRule(
            "duration",
            rf", {_NUM} secs\]",
            "[PSYoungGen: 24571K->4081K(28672K)] 24571K->22186K(94208K), 0.0199218 secs]",
        ),
        LineRule(
            "g1_heap",
            rf"Heap: (?P<before>{_MEM})\({_MEM}\)->(?P<after>{_MEM})\((?P<total>{_MEM})\)",
            "   [Eden: 1280.0M(1280.0M)->0.0B(1288.0M) Survivors: 48.0M->40.0M Heap: 18.9G(26.0G)->17.8G(26.0G)]",
        ),
        # A whole-heap a->b(c): not preceded by "Gen: " (a generation) nor glued to another number.
        LineRule(
            "heap",
            rf"(?:^|[^:\s\d.,])\s*{_MEM}->{_MEM}\({_MEM}\)",
            "0.294: [GC 0.294: [ParNew: 104960K->13042K(118016K), 0.0284337 secs] 104960K->34501K(249088K), "
            "0.0285898 secs]",
        ),
        LineRule(
            "heap_parts", rf"(?P<before>{_MEM})->(?P<after>{_MEM})\((?P<total>{_MEM})\)", "104960K->34501K(249088K)"
        ),
        # CMS initial mark / remark print only "used(capacity)" of the whole heap before the duration.
        LineRule(
            "used_heap",
            rf"(?:^|[^:\s\d.,])\s*(?P<used>{_MEM})\((?P<total>{_MEM})\), {_NUM} secs\]",
            "0.708: [GC [1 CMS-initial-mark: 91890K(131072K)] 109176K(249088K), 0.0004006 secs]",
        ),
        LineRule("old_gen", _LEGACY_OLD_GEN, "[CMS: 9258265K->5393434K(12582912K), 14.5693099 secs]"),
    )
}

_LEGACY_COLLECTOR_MARKERS = (
    ("G1", r"GC pause|GC remark|GC cleanup|\[Eden: .*Heap: |garbage-first|-XX:\+UseG1GC"),
    ("Shenandoah", r"Shenandoah|-XX:\+UseShenandoahGC"),
    ("CMS", r"ParNew|CMS-|\[CMS|-XX:\+UseConcMarkSweepGC"),
    ("Parallel", r"PSYoungGen|ParOldGen|PSOldGen|-XX:\+UseParallel(?:Old)?GC"),
    ("Serial", r"DefNew|\[Tenured|-XX:\+UseSerialGC"),
)

_UNIFIED_COLLECTOR_MARKERS = (
    ("ZGC", r"Pause (?:Mark Start|Mark End|Relocate Start)|Garbage Collection \("),
    ("Shenandoah", r"Pause (?:Init Mark|Final Mark|Init Update Refs|Final Update Refs|Degenerated GC|Final Roots)"),
    ("G1", r"G1 |Eden regions:|Pause Young \((?:Normal|Concurrent Start|Prepare Mixed|Mixed)\)|Pause Cleanup"),
    ("Parallel", r"PSYoungGen|ParOldGen"),
    ("CMS", r"ParNew|CMS"),
    ("Serial", r"DefNew|Tenured"),
)

# --- sniffing ----------------------------------------------------------------------------------------------------

_SNIFF_UNIFIED = re.compile(
    r"^(?:\[[^\[\]\n]*\])*\[(?:gc|safepoint)[\w,+]*\s*\]|^(?:\[[^\[\]\n]*\])*\s*GC\(\d+\) [A-Z]", re.MULTILINE
)
_SNIFF_LEGACY = re.compile(
    rf"^(?:{_DATE}: )?(?:\d+[.,]\d+: )?(?:#\d+: )?\[(?:Full GC|GC)[ (\-\[\d]"
    r"|^CommandLine flags: .*-XX:[+-]?(?:Use\w+GC|PrintGC)"
    rf"|^(?:{_DATE}: )?\d+[.,]\d+: (?:\[CMS-concurrent|Total time for which application threads|\[Pause [A-Z])",
    re.MULTILINE,
)


def sniff_gc(head: str) -> str | None:
    """'gc_unified' | 'gc_legacy' | None, from the first ~64 KiB of a file decoded as text (may be cut mid-line)."""
    unified = len(_SNIFF_UNIFIED.findall(head))
    legacy = len(_SNIFF_LEGACY.findall(head))
    if unified == 0 and legacy == 0:
        return None
    return UNIFIED if unified >= legacy else LEGACY


# --- results -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GcParse:
    events: pl.DataFrame
    """Exactly GC_EVENTS_SCHEMA column names, order and dtypes; one row per STW pause, in file order. ``line`` and
    ``text`` are the pause's summary line (unified) or header line (legacy); ``ts`` and ``uptime_s`` its start."""
    collector: str
    """G1 | Parallel | CMS | Serial | ZGC | Shenandoah | unknown"""
    format: str
    """unified | legacy"""
    lines: int
    """Physical lines."""
    parsed_lines: int
    """Lines that belong to a recognised event (header or detail line) or are understood header lines."""
    unparsed_lines: int
    """``lines == parsed_lines + unparsed_lines``."""
    utc_offset: dt.timedelta | None
    """The JVM's zone offset when a ``time`` decoration / datestamp shows it."""
    jvm_start: dt.datetime | None
    """UTC wall clock of uptime 0 of the first JVM run in the file, derived from the file itself (ts - uptime)."""
    first_ts: dt.datetime | None
    last_ts: dt.datetime | None
    warnings: tuple[str, ...]
    span_s: float | None = None
    """Seconds of JVM run time the log covers (per JVM run from uptimes, else from wall stamps); None if unknown."""
    first_uptime_s: float | None = None
    """The lowest JVM uptime the log shows (an event's start or a stamped edge line), seconds; None without uptimes."""
    last_uptime_s: float | None = None
    """The highest JVM uptime the log shows (an event's end or a stamped edge line), seconds."""


def _empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=GC_EVENTS_SCHEMA)


def _format_name(layout: str | None) -> str:
    return "legacy" if layout in (LEGACY, "legacy") else "unified"


def parse_gc(lines: pl.DataFrame, source: str, layout: str, *, jvm_start_hint: dt.datetime | None = None) -> GcParse:
    """layout from sniff_gc. jvm_start_hint: UTC time of the JVM start taken from elsewhere (the TaskManager log),
    used to place uptime-only logs on the wall clock; such rows get ts_quality='approximate'. Rows with a wall-clock
    decoration get 'exact'; rows with no way to place them get ts null and 'missing'."""
    total = lines.height
    if layout not in (UNIFIED, LEGACY, "unified", "legacy"):
        sniffed = sniff_gc("\n".join(lines.head(2000).get_column("line").fill_null("").to_list())) if total else None
        layout = sniffed or UNIFIED
    fmt = _format_name(layout)
    if total == 0:
        return GcParse(_empty_events(), "unknown", fmt, 0, 0, 0, None, None, None, None, ())
    frame = _prepare(lines)
    try:
        if fmt == "legacy":
            return _parse_legacy(frame, source, jvm_start_hint)
        return _parse_unified(frame, source, jvm_start_hint)
    except (pl.exceptions.PolarsError, ArithmeticError, ValueError) as exc:  # pragma: no cover - defensive net
        return GcParse(
            _empty_events(),
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


def _prepare(lines: pl.DataFrame) -> pl.DataFrame:
    """``line_no`` (Int64) and ``line`` (String, no nulls). read_lines already strips CR; patterns tolerate one."""
    frame = lines.select(pl.col("line_no").cast(pl.Int64), pl.col("line").cast(pl.String))
    if frame.get_column("line").null_count():
        frame = frame.with_columns(pl.col("line").fill_null(""))
    return frame


def parsed_mask(lines: pl.DataFrame, layout: str) -> pl.DataFrame:
    """``line_no`` and ``parsed`` (bool) for every line, by the rules :func:`parse_gc` counts with; for listing the
    lines the parser did not understand."""
    frame = _prepare(lines)
    if _format_name(layout) == "legacy":
        return _legacy_records(frame)[1].select("line_no", "parsed")
    events = _unified_all_events(frame)
    return frame.select("line_no", parsed=_unified_parsed(events))


# --- unified -----------------------------------------------------------------------------------------------------


def _parse_unified(frame: pl.DataFrame, source: str, hint: dt.datetime | None) -> GcParse:
    events = _unified_all_events(frame)
    parsed = _unified_parsed_count(frame, events)
    collector = _unified_collector(frame, events.filter(pl.col("is_pause")))
    edges = _edges(frame)
    stamps = _unified_stamps(pl.concat([edges, events.select("line_no", "line")]).unique("line_no"))
    return _finish(events, stamps, source, "unified", collector, frame.height, parsed, hint)


# The columns every event row carries before _finish places it in time.
_EVENT_COLUMNS = (
    "line_no",
    "line",
    "gc_id",
    "gc_type",
    "cause",
    "is_full",
    "is_pause",
    "pause_ms",
    "heap_before_kb",
    "heap_after_kb",
    "heap_total_kb",
    "end_stamped",
)


def _event_rows(frame: pl.DataFrame, **columns: pl.Expr) -> pl.DataFrame:
    """``frame`` (with ``line_no`` and ``line``) as event rows: the given columns, the others null/False."""
    defaults: dict[str, pl.Expr] = {
        "gc_id": pl.lit(None, pl.Int64),
        "gc_type": pl.lit(None, pl.String),
        "cause": pl.lit(None, pl.String),
        "is_full": pl.lit(False),
        "is_pause": pl.lit(False),
        "pause_ms": pl.lit(None, pl.Float64),
        "heap_before_kb": pl.lit(None, pl.Float64),
        "heap_after_kb": pl.lit(None, pl.Float64),
        "heap_total_kb": pl.lit(None, pl.Float64),
        "end_stamped": pl.lit(True),
    }
    defaults.update(columns)
    casts = {
        "gc_id": pl.Int64,
        "gc_type": pl.String,
        "cause": pl.String,
        "is_full": pl.Boolean,
        "is_pause": pl.Boolean,
        "pause_ms": pl.Float64,
        "heap_before_kb": pl.Float64,
        "heap_after_kb": pl.Float64,
        "heap_total_kb": pl.Float64,
        "end_stamped": pl.Boolean,
    }
    return frame.select(
        pl.col("line_no").cast(pl.Int64),
        pl.col("line").cast(pl.String),
        *[defaults[name].cast(casts[name]).alias(name) for name in _EVENT_COLUMNS[2:]],
    )


def _with_generation(kind: pl.Expr, gen: pl.Expr) -> pl.Expr:
    """Generational ZGC writes "Y: " / "O: " before a phase: "Pause Mark Start" of the young generation becomes
    "Pause Mark Start (Young)"."""
    return (
        pl.when(gen == "Y")
        .then(pl.concat_str(kind, pl.lit(" (Young)")))
        .when(gen == "O")
        .then(pl.concat_str(kind, pl.lit(" (Old)")))
        .otherwise(kind)
    )


def _unified_all_events(frame: pl.DataFrame) -> pl.DataFrame:
    """Pauses (``is_pause``) and the other events of a unified log: concurrent phases and ZGC cycles, safepoints and
    stopped times, ZGC stalls, and markers (to-space exhausted, evacuation failure, cancelled concurrent GC), in file
    order (``line_no``, then a pause before the markers of its line)."""
    pauses = _unified_events(frame)
    parts = [_event_rows(pauses, **{name: pl.col(name) for name in _EVENT_COLUMNS[2:]})]
    flagged = pauses.filter(pl.col("flag").is_not_null())
    if flagged.height:
        parts.append(_event_rows(flagged, gc_id=pl.col("gc_id"), gc_type=pl.lit("Evacuation Failure")))
    parts.extend(_unified_extras(frame))
    return pl.concat(parts).with_row_index("_order").sort("line_no", "_order").drop("_order")


def _unified_extras(frame: pl.DataFrame) -> list[pl.DataFrame]:
    line = pl.col("line")
    rules = UNIFIED_RULES
    parts: list[pl.DataFrame] = []

    def matches(literal: str, rule: str) -> pl.DataFrame:
        return (
            frame.filter(line.str.contains(literal, literal=True))
            .with_columns(m=line.str.extract_groups(rules[rule].pattern))
            .unnest("m")
        )

    conc = matches(" Concurrent ", "concurrent").filter(pl.col("ms").is_not_null())
    parts.append(
        _event_rows(
            conc,
            gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
            gc_type=_with_generation(pl.col("kind"), pl.col("gen")),
            pause_ms=_number(pl.col("ms")),
            heap_before_kb=_kb(pl.col("before")),
            heap_after_kb=_kb(pl.col("after")),
            heap_total_kb=_kb(pl.col("total")),
        )
    )
    cycles = matches("Collection (", "zgc_cycle").filter(pl.col("kind").is_not_null())
    if cycles.height:
        starts = (
            matches("Collection (", "zgc_cycle_start")
            .filter(pl.col("kind").is_not_null())
            .group_by("gc_id")
            .agg(start_line=pl.col("line").first())
        )
        cycles = cycles.join(starts, on="gc_id", how="left")
        end_up = _unified_stamps(cycles.select("line_no", "line")).get_column("uptime")
        start_up = _unified_stamps(cycles.select("line_no", line=pl.col("start_line").fill_null(""))).get_column(
            "uptime"
        )
        cycles = cycles.with_columns(span_ms=(end_up - start_up) * 1e3)
        parts.append(
            _event_rows(
                cycles,
                gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
                gc_type=pl.col("kind"),
                cause=pl.col("cause"),
                pause_ms=pl.coalesce(_number(pl.col("secs")) * 1e3, pl.col("span_ms")),
                heap_before_kb=_kb(pl.col("before")),
                heap_after_kb=_kb(pl.col("after")),
            )
        )
    safepoints = matches('Safepoint "', "safepoint").filter(pl.col("ns").is_not_null())
    parts.append(
        _event_rows(
            safepoints,
            gc_type=pl.lit("Safepoint"),
            cause=pl.col("op"),
            pause_ms=pl.col("ns").cast(pl.Float64) / 1e6,
        )
    )
    stopped = matches("Total time for which", "stopped").filter(pl.col("s").is_not_null())
    parts.append(_event_rows(stopped, gc_type=pl.lit("Application stopped"), pause_ms=_number(pl.col("s")) * 1e3))
    stalls = matches(" Stall (", "stall").filter(pl.col("ms").is_not_null())
    parts.append(_event_rows(stalls, gc_type=pl.col("kind"), pause_ms=_number(pl.col("ms"))))
    to_space = matches("To-space ", "to_space").filter(pl.col("gc_id").is_not_null())
    parts.append(
        _event_rows(to_space, gc_id=pl.col("gc_id").cast(pl.Int64, strict=False), gc_type=pl.lit("To-space exhausted"))
    )
    cancelled = matches("Cancelling ", "cancelled").filter(pl.col("reason").is_not_null())
    parts.append(_event_rows(cancelled, gc_type=pl.lit("Cancelled concurrent GC"), cause=pl.col("reason")))
    return parts


def _unified_events(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per pause summary line, plus one per pause whose start line has no summary after it (the log stops
    during the pause: ``pause_ms`` and heap null, stamped at its start)."""
    line = pl.col("line")
    rules = UNIFIED_RULES
    candidates = frame.filter(line.str.contains(" Pause ", literal=True)).with_columns(
        with_ms=line.str.strip_chars_end().str.ends_with("ms")
    )
    done = (
        candidates.filter(pl.col("with_ms"))
        .with_columns(m=line.str.extract_groups(rules["pause"].pattern))
        .unnest("m")
        .filter(pl.col("ms").is_not_null())
    )
    started = (
        candidates.filter(~pl.col("with_ms"))
        .with_columns(m=line.str.extract_groups(rules["pause_start"].pattern))
        .unnest("m")
        .filter(pl.col("kind").is_not_null())
    )
    last_done = done.group_by("gc_id", "gen", "kind").agg(done_line=pl.col("line_no").max())
    unfinished = (
        started.join(last_done, on=["gc_id", "gen", "kind"], how="left", nulls_equal=True)
        .filter(pl.col("done_line").is_null() | (pl.col("done_line") < pl.col("line_no")))
        .drop("done_line")
        .with_columns(
            before=pl.lit(None, pl.String),
            after=pl.lit(None, pl.String),
            total=pl.lit(None, pl.String),
            ms=pl.lit(None, pl.String),
            flag=pl.lit(None, pl.String),
        )
    )
    return (
        pl.concat([done, unfinished.select(done.columns)])
        .sort("line_no")
        .with_columns(
            gc_id=pl.col("gc_id").cast(pl.Int64, strict=False),
            gc_type=_with_generation(
                pl.when(pl.col("sub").is_not_null())
                .then(pl.concat_str(pl.col("kind"), pl.lit(" ("), pl.col("sub"), pl.lit(")")))
                .otherwise(pl.col("kind")),
                pl.col("gen"),
            ),
            cause=pl.col("cause"),
            is_full=pl.col("kind").str.starts_with("Pause Full"),
            is_pause=pl.lit(True),
            pause_ms=_number(pl.col("ms")),
            heap_before_kb=_kb(pl.col("before")),
            heap_after_kb=_kb(pl.col("after")),
            heap_total_kb=_kb(pl.col("total")),
            end_stamped=pl.lit(True),
        )
    )


def _unified_parsed(events: pl.DataFrame) -> pl.Expr:
    """Per line: an event's own line, a GC(N) line of an emitted event (phases, heap, cpu...), or an understood
    header or informational line (safepoint bookkeeping, ergonomics, statistics)."""
    line = pl.col("line")
    known = UNIFIED_RULES["header"].pattern + "|" + UNIFIED_RULES["info"].pattern
    own = pl.col("line_no").is_in(events.get_column("line_no").unique().implode())
    return (
        pl.when(line.str.contains("GC(", literal=True))
        .then(_unified_owned(events) | own | line.str.contains(UNIFIED_RULES["info"].pattern))
        .otherwise(own | line.str.contains(known))
    )


def _unified_owned(events: pl.DataFrame) -> pl.Expr:
    ids = events.get_column("gc_id").drop_nulls().unique()
    gc_id = pl.col("line").str.extract(UNIFIED_RULES["gc_id"].pattern, 1).cast(pl.Int64, strict=False)
    return gc_id.is_in(ids.implode()).fill_null(False)


def _unified_parsed_count(frame: pl.DataFrame, events: pl.DataFrame) -> int:
    """``_unified_parsed`` summed, each regex run only on the lines it can change."""
    line = pl.col("line")
    has_id = line.str.contains("GC(", literal=True)
    own = pl.col("line_no").is_in(events.get_column("line_no").unique().implode())
    with_id = frame.filter(has_id)
    owned = with_id.filter(_unified_owned(events) | own)
    rest = with_id.filter(~(_unified_owned(events) | own))
    count = owned.height + int(rest.select(line.str.contains(UNIFIED_RULES["info"].pattern).sum()).item() or 0)
    others = frame.filter(~has_id)
    known = UNIFIED_RULES["header"].pattern + "|" + UNIFIED_RULES["info"].pattern
    count += int(others.select((own | line.str.contains(known)).sum()).item() or 0)
    return count


def _unified_collector(frame: pl.DataFrame, events: pl.DataFrame) -> str:
    line = pl.col("line")
    using = (
        frame.head(5000)
        .filter(line.str.contains("Using ", literal=True))
        .select(line.str.extract(UNIFIED_RULES["using"].pattern, 1))
        .drop_nulls()
    )
    if using.height:
        return _UNIFIED_COLLECTORS.get(str(using.item(0, 0)), "unknown")
    texts = events.select(pl.concat_str(pl.col("gc_type"), pl.lit(" "), pl.col("cause").fill_null(""))).to_series()
    for name, pattern in _UNIFIED_COLLECTOR_MARKERS:
        if bool(texts.str.contains(pattern).any()):
            return name
    sample = frame.head(200_000).get_column("line")
    for name, pattern in _UNIFIED_COLLECTOR_MARKERS:
        if bool(sample.str.contains(pattern).any()):
            return name
    return "unknown"


def _unified_stamps(rows: pl.DataFrame) -> pl.DataFrame:
    """``line_no``, wall ``ts`` (UTC), ``offset`` text and ``uptime`` (s) from the decorations of ``rows``."""
    deco = rows.select("line_no", d=pl.col("line").str.extract_groups(UNIFIED_RULES["decorations"].pattern))
    field = pl.col("d").struct.field  # the struct is built once; a field expression re-running the regex is slow
    uptime = pl.coalesce(
        _number(field("uptime")),
        field("uptimemillis").cast(pl.Float64, strict=False) / 1e3,
        field("uptimenanos").cast(pl.Float64, strict=False) / 1e9,
    )
    epoch_ms = pl.coalesce(
        field("timemillis").cast(pl.Float64, strict=False),
        field("timenanos").cast(pl.Float64, strict=False) / 1e6,
    )
    return deco.select(
        "line_no",
        ts=pl.coalesce(_parse_date(field("time")), _epoch_ms_to_ts(epoch_ms)),
        offset=field("time"),
        uptime=_sane_uptime(uptime),
    )


# --- legacy ------------------------------------------------------------------------------------------------------


def _legacy_records(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(``heads``: the event header lines with their stamp fields, ``marked``: every line with its ``record``
    number, ``in_event`` (the line belongs to a GC event record) and ``parsed``)."""
    line = pl.col("line")
    rules = LEGACY_RULES
    marked = frame.with_columns(
        boundary=line.str.contains(rules["boundary"].pattern) & ~line.str.contains(rules["inner"].pattern)
    )
    heads = (
        marked.filter(pl.col("boundary") & line.str.contains("GC", literal=True))
        .with_columns(m=line.str.extract_groups(rules["event"].pattern))
        .unnest("m")
        .filter(pl.col("kind").is_not_null() & ~pl.col("rest").str.starts_with(" concurrent-"))
    )
    marked = (
        marked.with_columns(
            record=pl.col("boundary").cast(pl.Int64).cum_sum(),
            is_head=pl.col("line_no").is_in(heads.get_column("line_no").implode()),
        )
        .with_columns(
            in_event=pl.when(pl.col("boundary")).then(pl.col("is_head")).forward_fill().fill_null(False),
            # a record of its own that is no GC pause: stopped/application time, a concurrent phase, Shenandoah
            in_side=pl.when(pl.col("boundary"))
            .then(
                line.str.contains(rules["side"].pattern)
                | line.str.contains(rules["shenandoah"].pattern)
                | line.str.contains(rules["shenandoah_start"].pattern)
            )
            .forward_fill()
            .fill_null(False),
        )
        .with_columns(parsed=pl.col("in_event") | pl.col("in_side") | line.str.contains(rules["jvm_header"].pattern))
    )
    return heads, marked


def _parse_legacy(frame: pl.DataFrame, source: str, hint: dt.datetime | None) -> GcParse:
    line = pl.col("line")
    rules = LEGACY_RULES
    heads, marked = _legacy_records(frame)
    members = marked.filter(pl.col("in_event"))
    # Only lines holding a duration, a heap transition or a CMS marker can hold what a record needs.
    useful = (
        line.str.contains("secs]", literal=True)
        | line.str.contains("->", literal=True)
        | line.str.contains("CMS", literal=True)
        | line.str.contains("Tenured", literal=True)
    )
    per_line = members.filter(useful).select(
        "record",
        dur=line.str.extract_all(rules["duration"].pattern).list.last(),
        g1=line.str.extract_groups(rules["g1_heap"].pattern),
        heap=line.str.extract_all(rules["heap"].pattern).list.last(),
        used=line.str.extract_groups(rules["used_heap"].pattern),
        old_gen=line.str.contains(rules["old_gen"].pattern),
        initial_mark=line.str.contains("CMS-initial-mark", literal=True),
        remark=line.str.contains("CMS-remark", literal=True),
    )
    agg = per_line.group_by("record", maintain_order=True).agg(
        dur=pl.col("dur").drop_nulls().last(),
        g1_before=pl.col("g1").struct.field("before").drop_nulls().last(),
        g1_after=pl.col("g1").struct.field("after").drop_nulls().last(),
        g1_total=pl.col("g1").struct.field("total").drop_nulls().last(),
        heap=pl.col("heap").drop_nulls().last(),
        used=pl.col("used").struct.field("used").drop_nulls().last(),
        used_total=pl.col("used").struct.field("total").drop_nulls().last(),
        old_gen=pl.col("old_gen").any(),
        initial_mark=pl.col("initial_mark").any(),
        remark=pl.col("remark").any(),
    )
    parts = pl.col("heap").str.extract_groups(rules["heap_parts"].pattern)
    parens_list = pl.col("run").str.extract_all(rules["parens"].pattern)
    qualifiers = pl.lit(pl.Series(_QUALIFIERS)).implode()
    events = (
        heads.join(marked.select("line_no", "record"), on="line_no", how="left")
        .join(agg, on="record", how="left")
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
            pause_ms=_number(pl.col("dur").str.extract(rf"({_NUM}) secs", 1)) * 1000.0,
            heap_before_kb=pl.coalesce(
                _kb(pl.col("g1_before")), _kb(pl.col("hp").struct.field("before")), _kb(pl.col("used"))
            ),
            heap_after_kb=pl.coalesce(
                _kb(pl.col("g1_after")), _kb(pl.col("hp").struct.field("after")), _kb(pl.col("used"))
            ),
            heap_total_kb=pl.coalesce(
                _kb(pl.col("g1_total")), _kb(pl.col("hp").struct.field("total")), _kb(pl.col("used_total"))
            ),
        )
        .sort("line_no")
    )
    parsed = int(marked.select(pl.col("parsed").sum()).item())
    collector = _legacy_collector(pl.concat([members.select("line"), marked.head(50).select("line")]))
    if collector == "unknown" and bool(
        frame.head(5000).get_column("line").str.contains(r"\[Pause (?:Init|Final|Full|Degenerated)").any()
    ):
        collector = "Shenandoah"
    pauses = _event_rows(
        events.with_columns(end_stamped=pl.lit(False)), **{name: pl.col(name) for name in _EVENT_COLUMNS[2:]}
    )
    all_events = (
        pl.concat([pauses, *_legacy_extras(frame, marked, events)])
        .with_row_index("_order")
        .sort("line_no", "_order")
        .drop("_order")
    )
    edges = _edges(frame)
    stamps = _legacy_stamps(pl.concat([edges, all_events.select("line_no", "line")]).unique("line_no"))
    return _finish(all_events, stamps, source, "legacy", collector, frame.height, parsed, hint)


# Failure words inside a legacy pause record, and the marker event each one adds (at the record's header line).
_LEGACY_MARKERS = (
    ("(concurrent mode failure)", "Concurrent Mode Failure"),
    ("(concurrent mode interrupted)", "Concurrent Mode Interrupted"),
    ("(promotion failed", "Promotion Failed"),
    ("(to-space exhausted)", "To-space exhausted"),
    ("(to-space overflow)", "To-space exhausted"),
)


def _legacy_extras(frame: pl.DataFrame, marked: pl.DataFrame, heads: pl.DataFrame) -> list[pl.DataFrame]:
    """Stopped-time lines, concurrent phases (end lines with a duration; aborts as markers), JDK 8 Shenandoah
    pauses and failure markers of pause records."""
    line = pl.col("line")
    rules = LEGACY_RULES
    parts: list[pl.DataFrame] = []
    stopped = (
        frame.filter(line.str.contains("Total time for which", literal=True))
        .with_columns(s=line.str.extract(UNIFIED_RULES["stopped"].pattern, 1))
        .filter(pl.col("s").is_not_null())
    )
    # an interleaved line holds the stamp of another record: keep only the stamp written right before the text (the
    # costly search runs only on the few lines that do not start with it)
    clean = line.str.contains(rf"^(?:{_DATE}: )?(?:\d+[.,]\d+: )?Total time for which")
    stopped = pl.concat(
        [
            stopped.filter(clean),
            stopped.filter(~clean).with_columns(
                line=line.str.extract(rf"((?:{_DATE}: )?(?:\d+[.,]\d+: )?Total time for which.*)$", 1)
            ),
        ]
    ).sort("line_no")
    parts.append(_event_rows(stopped, gc_type=pl.lit("Application stopped"), pause_ms=_number(pl.col("s")) * 1e3))
    # the anchored pattern first (fast); the unanchored one only for interleaved lines
    candidates = frame.filter(line.str.contains("concurrent-", literal=True))
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
        _event_rows(
            ended,
            gc_type=pl.col("phase"),
            pause_ms=_number(pl.coalesce(pl.col("secs"), pl.col("wall"))) * 1e3,
        )
    )
    aborted = frame.filter(line.str.contains("concurrent-mark-abort", literal=True))
    parts.append(_event_rows(aborted, gc_type=pl.lit("concurrent-mark-abort"), end_stamped=pl.lit(False)))
    shen = (
        frame.filter(line.str.contains("[Pause ", literal=True))
        .with_columns(m=line.str.extract_groups(rules["shenandoah"].pattern))
        .unnest("m")
        .filter(pl.col("ms").is_not_null())
    )
    parts.append(
        _event_rows(
            shen,
            gc_type=pl.col("kind"),
            cause=pl.col("cause"),
            is_full=pl.col("kind").str.starts_with("Pause Full"),
            is_pause=pl.lit(True),
            pause_ms=_number(pl.col("ms")),
            heap_before_kb=_kb(pl.col("before")),
            heap_after_kb=_kb(pl.col("after")),
            heap_total_kb=_kb(pl.col("total")),
        )
    )
    members = marked.filter(pl.col("in_event"))
    any_marker = "|".join(re.escape(word) for word, _ in _LEGACY_MARKERS)
    hits = members.filter(line.str.contains(any_marker)).select("record", "line")
    if hits.height:
        head_of = marked.filter(pl.col("is_head")).select("record", head_line_no="line_no", head_line="line")
        for word, name in _LEGACY_MARKERS:
            found = (
                hits.filter(line.str.contains(word, literal=True))
                .select("record")
                .unique()
                .join(head_of, on="record")
                .join(heads.select("line_no", "gc_id"), left_on="head_line_no", right_on="line_no", how="left")
                .select(line_no="head_line_no", line="head_line", gc_id="gc_id")
            )
            parts.append(_event_rows(found, gc_id=pl.col("gc_id"), gc_type=pl.lit(name), end_stamped=pl.lit(False)))
    return parts


def _legacy_collector(sample: pl.DataFrame) -> str:
    text = sample.get_column("line")
    for name, pattern in _LEGACY_COLLECTOR_MARKERS:
        if bool(text.str.contains(pattern).any()):
            return name
    return "unknown"


def _legacy_stamps(rows: pl.DataFrame) -> pl.DataFrame:
    stamp = rows.select("line_no", s=pl.col("line").str.extract_groups(_LEGACY_STAMP)).unnest("s")
    return stamp.select(
        "line_no",
        ts=_parse_date(pl.col("date")),
        offset=pl.col("date"),
        uptime=_sane_uptime(_number(pl.col("up"))),
    )


# --- time placement, shared ----------------------------------------------------------------------------------------


def _edges(frame: pl.DataFrame) -> pl.DataFrame:
    if frame.height <= 2 * _EDGE_ROWS:
        return frame.select("line_no", "line")
    return pl.concat([frame.head(_EDGE_ROWS), frame.tail(_EDGE_ROWS)]).select("line_no", "line")


def _finish(
    events: pl.DataFrame,
    stamps: pl.DataFrame,
    source: str,
    fmt: str,
    collector: str,
    total: int,
    parsed: int,
    hint: dt.datetime | None,
) -> GcParse:
    """Place events and the log's bounds on the wall clock; build the GcParse. ``events`` has ``_EVENT_COLUMNS``;
    several events may share a line (a pause and its markers). An event whose ``end_stamped`` is true was stamped
    when it ended (unified lines, stopped times, concurrent phase ends): its start is stamp - duration. An event
    whose line has no stamp at all (JDK 8 stopped-time lines without -XX:+PrintGCTimeStamps) takes the start of the
    event before it, as 'approximate'."""
    warnings: list[str] = []
    # Stamped lines in file order: edge lines and event lines; a drop in uptime starts a new JVM run.
    lines = (
        stamps.sort("line_no")
        .with_columns(
            run=(pl.col("uptime") < pl.col("uptime").shift(1).forward_fill() - _RESTART_SLACK_S)
            .fill_null(False)
            .cum_sum(),
            start_of_run=_ms_to_ts(
                pl.col("ts").cast(pl.Int64) - (pl.col("uptime") * 1e3).round().cast(pl.Int64, strict=False)
            ),
        )
        .with_columns(jvm_start=pl.col("start_of_run").drop_nulls().first().over("run"))
    )
    edge_rows = lines.select(
        "line_no",
        "ts",
        "uptime",
        "run",
        "jvm_start",
        "offset",
        dur=pl.lit(0.0),
        end_stamped=pl.lit(False),
        is_event=pl.lit(False),
        _row=pl.lit(None, pl.UInt32),
    )
    event_rows = (
        events.with_row_index("_row")
        .select("_row", "line_no", "pause_ms", "end_stamped")
        .join(lines.select("line_no", "ts", "uptime", "run", "jvm_start", "offset"), on="line_no", how="left")
        .select(
            "line_no",
            "ts",
            "uptime",
            "run",
            "jvm_start",
            "offset",
            dur=pl.col("pause_ms").fill_null(0.0),
            end_stamped=pl.col("end_stamped").fill_null(False),
            is_event=pl.lit(True),
            _row="_row",
        )
    )
    end = pl.col("end_stamped")
    timed = (
        pl.concat([edge_rows, event_rows])
        .sort("line_no", "_row", nulls_last=False)
        .with_columns(
            run=pl.col("run").forward_fill().fill_null(0),
            up_lo=pl.when(end).then(pl.col("uptime") - pl.col("dur") / 1e3).otherwise(pl.col("uptime")),
            wall_lo=pl.when(end).then(pl.col("ts") - _ms_duration(pl.col("dur"))).otherwise(pl.col("ts")),
            unstamped=pl.col("is_event") & pl.col("uptime").is_null() & pl.col("ts").is_null(),
        )
        .with_columns(jvm_start=pl.col("jvm_start").forward_fill().over("run"))
        .with_columns(
            # an unstamped event starts where the event before it started
            up_lo=pl.when(pl.col("unstamped")).then(pl.col("up_lo").shift(1).forward_fill()).otherwise(pl.col("up_lo")),
            wall_lo=pl.when(pl.col("unstamped"))
            .then(pl.col("wall_lo").shift(1).forward_fill())
            .otherwise(pl.col("wall_lo")),
        )
        .with_columns(
            up_hi=pl.col("up_lo") + pl.col("dur") / 1e3,
            wall_hi=pl.col("wall_lo") + _ms_duration(pl.col("dur")),
        )
    )
    hint_ts = None if hint is None else _as_utc(hint)
    hint_expr = pl.lit(hint_ts, dtype=UTC_MS) if hint_ts is not None else pl.lit(None, dtype=UTC_MS)
    anchor = pl.coalesce(pl.col("jvm_start"), pl.when(pl.col("run") == 0).then(hint_expr))
    timed = timed.with_columns(
        placed_lo=pl.coalesce(pl.col("wall_lo"), anchor + _s_duration(pl.col("up_lo"))),
        placed_hi=pl.coalesce(pl.col("wall_hi"), anchor + _s_duration(pl.col("up_hi"))),
        quality=pl.when(pl.col("wall_lo").is_not_null() & ~pl.col("unstamped"))
        .then(pl.lit("exact"))
        .when((anchor + _s_duration(pl.col("up_lo"))).is_not_null() | pl.col("wall_lo").is_not_null())
        .then(pl.lit("approximate"))
        .otherwise(pl.lit("missing")),
    )

    runs = int(timed.select(pl.col("run").max()).item() or 0) + 1 if timed.height else 1
    if runs > 1:
        resets = lines.filter(pl.col("run").diff().fill_null(0) > 0).get_column("line_no").to_list()
        warnings.append(
            f"{source}: JVM uptime resets at line(s) {', '.join(map(str, resets[:5]))}: {runs} JVM runs in one file"
        )

    placed = timed.filter(pl.col("is_event")).select(
        "_row", ts=pl.col("placed_lo"), uptime_s=pl.col("up_lo"), ts_quality=pl.col("quality")
    )
    out = (
        events.with_row_index("_row")
        .join(placed, on="_row", how="left")
        .with_columns(
            source=pl.lit(source),
            line=pl.col("line_no"),
            collector=pl.lit(collector),
            ts_quality=pl.col("ts_quality").fill_null("missing"),
            text=pl.col("line").str.slice(0, TEXT_CAP),
        )
        .sort("line_no", "_row")
        .select([pl.col(name).cast(dtype) for name, dtype in GC_EVENTS_SCHEMA.items()])
    )
    open_pauses = out.filter(pl.col("pause_ms").is_null() & pl.col("is_pause"))
    if open_pauses.height:
        last = open_pauses.row(open_pauses.height - 1, named=True)
        warnings.append(
            f"{source}: {open_pauses.height} pause(s) without an end, the last one a {last['gc_type']} at line "
            f"{last['line']}: the log stops during a pause (JVM killed?) or the record is cut"
        )
    if out.height and hint_ts is None and bool((out.get_column("ts_quality") == "missing").any()):
        warnings.append(f"{source}: GC events without wall-clock stamps and no JVM start hint: their ts is null")
    if runs > 1 and hint_ts is not None and bool((out.get_column("ts_quality") == "missing").any()):
        warnings.append(f"{source}: events after a JVM restart cannot be placed with the JVM start hint: ts null")

    bounds = timed.select(
        first=pl.col("placed_lo").min(),
        last=pl.col("placed_hi").max(),
        offset=pl.col("offset").drop_nulls().first(),
        jvm_start=pl.col("jvm_start").drop_nulls().first(),
    ).row(0, named=True)
    per_run = timed.group_by("run").agg(span=pl.col("up_hi").max() - pl.col("up_lo").min())
    uptimes = timed.select(lo=pl.col("up_lo").min(), hi=pl.col("up_hi").max()).row(0, named=True)
    span_s: float | None = per_run.select(pl.col("span").sum()).item() if per_run.height else None
    if not span_s:
        span_s = None
        if bounds["first"] is not None and bounds["last"] is not None:
            span_s = (bounds["last"] - bounds["first"]).total_seconds()
    offset = _utc_offset(bounds["offset"])
    return GcParse(
        events=out,
        collector=collector,
        format=fmt,
        lines=total,
        parsed_lines=parsed,
        unparsed_lines=total - parsed,
        utc_offset=offset,
        jvm_start=bounds["jvm_start"],
        first_ts=bounds["first"],
        last_ts=bounds["last"],
        warnings=tuple(warnings),
        span_s=span_s,
        first_uptime_s=uptimes["lo"],
        last_uptime_s=uptimes["hi"],
    )


# --- expression helpers ------------------------------------------------------------------------------------------


def _number(text: pl.Expr) -> pl.Expr:
    """A decimal written with a dot or a (locale) comma, as Float64; null when it is not one."""
    return text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)


_UNIT_KB = {"B": 1.0 / 1024.0, "K": 1.0, "M": 1024.0, "G": 1024.0**2, "T": 1024.0**3}


def _kb(text: pl.Expr) -> pl.Expr:
    """``18.9G``, ``3758.6K``, ``0.0B``... as KB."""
    value = _number(text.str.slice(0, text.str.len_chars() - 1))
    unit = text.str.slice(-1).replace_strict(_UNIT_KB, default=None, return_dtype=pl.Float64)
    return value * unit


def _parse_date(text: pl.Expr) -> pl.Expr:
    """``2023-03-14T10:12:01.123+0100`` (or ``+01:00``, ``Z``, a decimal comma) as UTC ms."""
    normal = text.str.replace(",", ".", literal=True).str.replace(r"Z$", "+0000")
    parsed = normal.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="ms").dt.convert_time_zone("UTC")
    return pl.when(parsed.dt.year().is_between(_MIN_YEAR, _MAX_YEAR)).then(parsed)


_OFFSET_RE = re.compile(r"([+-])(\d\d):?(\d\d)$")


def _utc_offset(stamp: str | None) -> dt.timedelta | None:
    """The zone offset at the end of one date stamp (``...+0530``, ``...-08:00``, ``...Z``)."""
    if stamp is None:
        return None
    if stamp.endswith("Z"):
        return dt.timedelta(0)
    match = _OFFSET_RE.search(stamp)
    if match is None:
        return None
    minutes = int(match.group(2)) * 60 + int(match.group(3))
    return dt.timedelta(minutes=-minutes if match.group(1) == "-" else minutes)


def _sane_uptime(uptime: pl.Expr) -> pl.Expr:
    return pl.when(uptime.is_between(0.0, _MAX_UPTIME_S)).then(uptime)


def _ms_to_ts(epoch_ms: pl.Expr) -> pl.Expr:
    return epoch_ms.cast(pl.Datetime("ms"), strict=False).dt.replace_time_zone("UTC")


def _epoch_ms_to_ts(epoch_ms: pl.Expr) -> pl.Expr:
    sane = pl.when(epoch_ms.is_between(0.0, 3e13)).then(epoch_ms)  # 1970 .. ~2920
    return _ms_to_ts(sane.round().cast(pl.Int64, strict=False))


def _ms_duration(ms: pl.Expr) -> pl.Expr:
    return (
        pl.when(ms.is_between(0.0, _MAX_UPTIME_S)).then(ms).round().cast(pl.Int64, strict=False).cast(pl.Duration("ms"))
    )


def _s_duration(seconds: pl.Expr) -> pl.Expr:
    return _ms_duration(seconds * 1e3)


def _as_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# --- summary -----------------------------------------------------------------------------------------------------


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
