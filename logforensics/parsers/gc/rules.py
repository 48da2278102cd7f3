"""Every line shape the GC parser knows, as data: a table of :class:`LineRule` per layout (a Rust regex as polars
runs it, and a real line from the corpus that tests/parsers/test_gc.py checks it against), the words that name a
collector, and the literals that let the parser skip the lines no rule can use (tests/parsers/test_gc_fast_paths.py
checks that every rule needs one of them)."""

from __future__ import annotations

from logforensics.parsers.gc.common import DATE, MEM, NUM, PARENS, LineRule, literal_alternation

# --- unified logging (-Xlog) -----------------------------------------------------------------------------------------

# Words in the first parentheses after "Pause X" that qualify the pause rather than name its cause: G1 young kinds
# ("Pause Young (Normal) (G1 Evacuation Pause)"), Shenandoah modes ("Pause Init Mark (unload classes)") and
# degeneration points ("Pause Degenerated GC (Mark)").
PAUSE_KINDS = (
    "Normal|Concurrent Start|Prepare Mixed|Mixed|Concurrent Mark|Concurrent Undo Cycle"
    "|unload classes|process weakrefs|update refs|Outside of Cycle|Mark|Evacuation|Update Refs|Roots"
)

UNIFIED_RULES: dict[str, LineRule] = {
    rule.name: rule
    for rule in (
        LineRule(
            "pause",
            rf"GC\((?P<gc_id>\d+)\) (?:(?P<gen>[YO]): )?(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)"
            rf"(?: \((?P<sub>{PAUSE_KINDS})\))?(?: \((?P<cause>(?:[^()]|\(\))*)\))?"
            rf"(?P<flag> \(Evacuation Failure[^()]*\))?"
            rf"(?: (?P<before>{MEM})->(?P<after>{MEM})\((?P<total>{MEM})\))? (?P<ms>{NUM})ms\s*$",
            "[1.010s][info][gc           ] GC(0) Pause Young (Concurrent Start) (Metadata GC Threshold) "
            "19M->4M(64M) 10.709ms",
        ),
        # The gc+start line that opens a pause; used only for pauses whose summary line never came (log cut).
        LineRule(
            "pause_start",
            rf"GC\((?P<gc_id>\d+)\) (?:(?P<gen>[YO]): )?(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)"
            rf"(?: \((?P<sub>{PAUSE_KINDS})\))?(?: \((?P<cause>(?:[^()]|\(\))*)\))?\s*$",
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
            rf"(?: (?P<before>{MEM})->(?P<after>{MEM})\((?P<total>{MEM})\))? (?P<ms>{NUM})ms\s*$",
            "[2022-08-17T00:34:05.368+0800][1.720s][info][gc          ] GC(0) Concurrent marking (unload classes) "
            "213.664ms",
        ),
        # A ZGC cycle summary (concurrent): "Garbage Collection (Warmup) 104M(10%)->88M(9%)"; generational: "0.036s".
        LineRule(
            "zgc_cycle",
            rf"GC\((?P<gc_id>\d+)\) (?P<kind>Garbage Collection|Major Collection|Minor Collection) "
            rf"\((?P<cause>[^()]*)\) (?P<before>{MEM})\(\d+%\)->(?P<after>{MEM})\(\d+%\)(?: (?P<secs>{NUM})s)?\s*$",
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
            rf"Total time for which application threads were stopped: (?P<s>{NUM}) seconds"
            rf"(?:, Stopping threads took: (?P<reach>{NUM}) seconds)?",
            "[0.029s][info][safepoint    ] Total time for which application threads were stopped: 0.0001635 seconds, "
            "Stopping threads took: 0.0001057 seconds",
        ),
        # ZGC: a Java thread waited for memory (allocation stall) or for a page being relocated; not a pause.
        LineRule(
            "stall",
            rf"(?:^|\] ?)\s*(?P<kind>Allocation Stall|Relocation Stall) \((?P<thread>.*)\) (?P<ms>{NUM})ms\s*$",
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
            rf"^(?:\[(?P<time>{DATE})\]|\[(?P<uptime>\d+[.,]\d+)s\]|\[(?P<timemillis>\d{{12,}})ms\]"
            r"|\[(?P<uptimemillis>\d{1,11})ms\]|\[(?P<timenanos>\d{18,})ns\]|\[(?P<uptimenanos>\d{1,17})ns\]"
            r"|\[[^\[\]]*\])*",
            "[2021-03-13T03:37:40.047+0530][79853115ms] GC(8645) Pause Young (Concurrent Start) (G1 Evacuation Pause)",
        ),
    )
}

UNIFIED_COLLECTORS = {
    "G1": "G1",
    "Parallel": "Parallel",
    "Serial": "Serial",
    "Concurrent Mark Sweep": "CMS",
    "The Z Garbage Collector": "ZGC",
    "Shenandoah": "Shenandoah",
}

UNIFIED_COLLECTOR_MARKERS = (
    ("ZGC", r"Pause (?:Mark Start|Mark End|Relocate Start)|Garbage Collection \("),
    ("Shenandoah", r"Pause (?:Init Mark|Final Mark|Init Update Refs|Final Update Refs|Degenerated GC|Final Roots)"),
    ("G1", r"G1 |Eden regions:|Pause Young \((?:Normal|Concurrent Start|Prepare Mixed|Mixed)\)|Pause Cleanup"),
    ("Parallel", r"PSYoungGen|ParOldGen"),
    ("CMS", r"ParNew|CMS"),
    ("Serial", r"DefNew|Tenured"),
)

# The literal each event rule above needs, in one alternation: a line holding none of them holds no event.
EVENT_LITERALS = (
    " Pause ",  # pause, pause_start
    " Concurrent ",  # concurrent
    "Collection (",  # zgc_cycle, zgc_cycle_start
    'Safepoint "',  # safepoint
    "Total time for which",  # stopped
    " Stall (",  # stall
    "To-space ",  # to_space
    "Cancelling ",  # cancelled
)
EVENT_CANDIDATE = literal_alternation(EVENT_LITERALS)


# --- legacy (JDK <= 8 PrintGCDetails) --------------------------------------------------------------------------------

LEGACY_STAMP = rf"^(?:(?P<date>{DATE}): )?(?:(?P<up>\d+[.,]\d+): )?(?:#(?P<gc_id>\d+): )?"
QUALIFIERS = ("(young)", "(mixed)", "(partial)", "(initial-mark)", "(to-space exhausted)", "(to-space overflow)")
LEGACY_OLD_GEN = r"\[(?:Tenured|ParOldGen|PSOldGen|CMS(?:CMS)?)(?:[: \d]|$)|\(concurrent mode failure\)"

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
            rf"{LEGACY_STAMP}\[(?P<kind>Full GC|GC)(?P<rest>.*)$",
            "2015-07-13T20:53:00.436+0200: 0.260: [GC (Allocation Failure) ",
        ),
        # Lines that are records of their own without being a GC event: stopped time, application time, concurrent
        # phases (G1 "[GC concurrent-mark-end, 0.0126670 sec]", CMS "[CMS-concurrent-mark: 0.006/0.006 secs]").
        LineRule(
            "side",
            rf"^(?:{DATE}: )?(?:\d+[.,]\d+: )?(?:#\d+: )?(?:Total time for which|Application time:"
            rf"|\[(?:GC )?(?:CMS-)?concurrent-)|^\{{?Heap(?: (?:before|after) GC|$)|^\}}\s*$",
            "0.715: [CMS-concurrent-abortable-preclean-start]",
        ),
        LineRule(
            "concurrent",
            rf"(?:{DATE}: )?(?:\d+[.,]\d+: )?\[(?:GC )?(?P<phase>(?:CMS-)?concurrent-[a-z-]+?)(?P<end>-end|-abort)?"
            rf"(?:, (?P<secs>{NUM})(?: secs?)?\]|: (?P<cpu>{NUM})/(?P<wall>{NUM}) secs\])",
            "0.403: [GC concurrent-mark-end, 0.0126670 sec]",
        ),
        # JDK 8 Shenandoah backports: "[Pause Init Mark, 1.234 ms]", "[Pause Full 1589M->1002M(1690M), 4077.274 ms]".
        LineRule(
            "shenandoah",
            rf"{LEGACY_STAMP}\[(?P<kind>Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*)(?: \((?P<cause>[^()]*)\))?"
            rf"(?: (?P<before>{MEM})->(?P<after>{MEM})\((?P<total>{MEM})\))?, (?P<ms>{NUM}) ms\]",
            "2021-03-23T20:57:46.427+0000: 120839.710: [Pause Full 1589M->1002M(1690M), 4077.274 ms]",
        ),
        LineRule(
            "shenandoah_start",
            rf"{LEGACY_STAMP}\[Pause [A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*(?: \([^()]*\))?, start\]",
            "2021-03-23T20:57:42.349+0000: 120835.633: [Pause Full, start]",
        ),
        LineRule(
            "jvm_header",
            r"^\s*(?:\d+[.,]\d+: )?\[G1Ergonomics "
            r"|^(?:Java HotSpot|OpenJDK \S+ (?:Server|Client) VM|Memory: \d+k page|CommandLine flags: "
            r"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GC log file (?:created|has reached))",
            "Memory: 4k page, physical 131733088k(112262008k free), swap 16383996k(16383996k free)",
        ),
        LineRule("leading_parens", rf"^(?:--)?((?: ?{PARENS})*)", " (G1 Evacuation Pause) (young), 0.0024360 secs]"),
        LineRule("g1_pause", rf"^ pause((?: {PARENS})*)", " pause (G1 Evacuation Pause) (young), 0.0024360 secs]"),
        LineRule("parens", PARENS, "(System.gc())"),
        LineRule(
            "duration",
            rf", {NUM} secs\]",
            "[PSYoungGen: 24571K->4081K(28672K)] 24571K->22186K(94208K), 0.0199218 secs]",
        ),
        LineRule(
            "g1_heap",
            rf"Heap: (?P<before>{MEM})\({MEM}\)->(?P<after>{MEM})\((?P<total>{MEM})\)",
            "   [Eden: 1280.0M(1280.0M)->0.0B(1288.0M) Survivors: 48.0M->40.0M Heap: 18.9G(26.0G)->17.8G(26.0G)]",
        ),
        # A whole-heap a->b(c): not preceded by "Gen: " (a generation) nor glued to another number.
        LineRule(
            "heap",
            rf"(?:^|[^:\s\d.,])\s*{MEM}->{MEM}\({MEM}\)",
            "0.294: [GC 0.294: [ParNew: 104960K->13042K(118016K), 0.0284337 secs] 104960K->34501K(249088K), "
            "0.0285898 secs]",
        ),
        LineRule("heap_parts", rf"(?P<before>{MEM})->(?P<after>{MEM})\((?P<total>{MEM})\)", "104960K->34501K(249088K)"),
        # CMS initial mark / remark print only "used(capacity)" of the whole heap before the duration.
        LineRule(
            "used_heap",
            rf"(?:^|[^:\s\d.,])\s*(?P<used>{MEM})\((?P<total>{MEM})\), {NUM} secs\]",
            "0.708: [GC [1 CMS-initial-mark: 91890K(131072K)] 109176K(249088K), 0.0004006 secs]",
        ),
        LineRule("old_gen", LEGACY_OLD_GEN, "[CMS: 9258265K->5393434K(12582912K), 14.5693099 secs]"),
    )
}

LEGACY_COLLECTOR_MARKERS = (
    ("G1", r"GC pause|GC remark|GC cleanup|\[Eden: .*Heap: |garbage-first|-XX:\+UseG1GC"),
    ("Shenandoah", r"Shenandoah|-XX:\+UseShenandoahGC"),
    ("CMS", r"ParNew|CMS-|\[CMS|-XX:\+UseConcMarkSweepGC"),
    ("Parallel", r"PSYoungGen|ParOldGen|PSOldGen|-XX:\+UseParallel(?:Old)?GC"),
    ("Serial", r"DefNew|\[Tenured|-XX:\+UseSerialGC"),
)

# Failure words inside a legacy pause record, and the marker event each one adds (at the record's header line).
LEGACY_MARKERS = (
    ("(concurrent mode failure)", "Concurrent Mode Failure"),
    ("(concurrent mode interrupted)", "Concurrent Mode Interrupted"),
    ("(promotion failed", "Promotion Failed"),
    ("(to-space exhausted)", "To-space exhausted"),
    ("(to-space overflow)", "To-space exhausted"),
)

# A literal of every rule that looks at lines that are no record boundary: a line holding none of them counts only
# as a member of its record (collector markers are looked for apart, see _collector).
USEFUL_LITERALS = (
    "secs]",  # duration, used_heap
    "->",  # g1_heap, heap
    "CMS",  # old_gen, CMS initial mark / remark
    "Tenured",  # old_gen
    "OldGen",  # old_gen
    "concurrent",  # concurrent phases (also interleaved into other lines), old_gen, markers
    "[Pause ",  # shenandoah
    "Total time for which",  # stopped times (also interleaved into other lines)
    "(promotion failed",  # markers
    "(to-space",  # markers
    "G1Ergonomics",  # jvm_header (its other shapes start records)
)
USEFUL = literal_alternation(USEFUL_LITERALS)

# A stopped-time line as JDK 8 writes it, stamps first: both stamps and the duration in one regex.
STOPPED_LINE = (
    rf"^(?:(?P<date>{DATE}): )?(?:(?P<up>\d+[.,]\d+): )?Total time for which application threads were stopped: "
    rf"(?P<s>{NUM}) seconds"
)


# A CMS "used(capacity), " before a duration (used_heap) ends in a unit and "), ": the lines worth the regex.
USED_HEAP_LITERALS = r"[BKMGT]\), "
# The words old_gen and the CMS initial mark / remark flags need.
OLD_GEN_LITERALS = r"CMS|Tenured|OldGen|\(concurrent mode failure\)"
# A stopped-time line that starts with its own stamps, and the text of one interleaved into another record's line.
STOPPED_CLEAN = rf"^(?:{DATE}: )?(?:\d+[.,]\d+: )?Total time for which"
STOPPED_TAIL = rf"((?:{DATE}: )?(?:\d+[.,]\d+: )?Total time for which.*)$"
# JDK 8 Shenandoah pauses, when no other marker names the collector.
SHENANDOAH_PAUSE = r"\[Pause (?:Init|Final|Full|Degenerated)"
SECONDS = rf"({NUM}) secs"
