"""Rotated GC log sets ordered by content, their JVM runs told apart, uptime-only parts placed on the wall clock.

A JVM that rotates its GC log writes its files in a cycle and overwrites the oldest once the cycle is full: JDK 8
``-XX:+UseGCLogFileRotation`` writes ``gc.log.0.current``, renames it ``gc.log.0`` when full, goes on with
``gc.log.1.current`` ... and after ``gc.log.<N-1>`` overwrites ``gc.log.0``; a restarted JDK 8 JVM starts again at
``gc.log.0``. Unified logging (``-Xlog:gc*:file=gc.log::filecount=5``) writes ``gc.log`` and renames it to
``gc.log.<i>``, ``i`` going round the cycle, also when a new JVM starts. The names alone therefore do not tell the
order. Here each part of a set (files sharing a :func:`~logforensics.ingest.rotation.rotation_key` group; a single
file is a set of one) is read for what its content says (:mod:`logforensics.gcparts`), and the set is ordered by:

1. the wall-clock time of its first record, when every part shows one: date stamps or ``time``/``utctime``
   decorations, else JDK 8's rotation headers;
2. otherwise the writer's cycle of numbered names, started where the content runs most smoothly: the fewest JVM
   uptime drops between consecutive parts (a JDK 8 ``.current`` file is the last of its JVM's files), then a set
   ending with a current file, then one starting with a JVM start, then plain name order.

Consecutive parts belong to one JVM while the uptime goes on; an uptime that starts again lower (a part beginning
near 0 s), a part after a ``.current`` one, or a JVM restart inside a file (which the GC parser tells) starts
another JVM run. Each run gets its own JVM start (:mod:`logforensics.gcstarts`), and an uptime-only part is parsed
again with the start of each of its runs. Every decision is a note on the source it concerns (wrap-around, a new JVM,
where a JVM start comes from or why a run has none, a wall clock going back or jumping inside a file or between two
parts); a set that cannot be ordered keeps its name order and says so. Clock jumps are reported, not corrected: the
Flink logs were written with the same clock, so the stamped times keep the two together.

:func:`place_sets` does all of it for ``analyze`` and ``logforensics gc`` alike, so both see the same sets.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from logforensics.gcparts import CLOCK_SLACK_S, EDGE_LINES, UPTIME_SLACK_S, Part, part_facts
from logforensics.gcstarts import Anchor, JvmStart, SetRun, anchor_runs
from logforensics.parsers.gc import GcParse, parse_gc


def _breaks(before: Part, after: Part) -> bool:
    """``after`` cannot continue the JVM of ``before``: a new JVM run starts (or the order is wrong). The uptime is
    the JVM's own clock and decides where both parts have one; the wall clock only where they do not."""
    if before.current and before.index is not None:
        return True  # JDK 8: nothing of a JVM comes after its .current file
    if before.last_up is not None and after.first_up is not None:
        return after.first_up < before.last_up - UPTIME_SLACK_S
    back = dt.timedelta(seconds=CLOCK_SLACK_S)
    return before.wall_last is not None and after.wall_first is not None and after.wall_first < before.wall_last - back


def _break_count(order: list[Part]) -> int:
    return sum(_breaks(a, b) for a, b in itertools.pairwise(order))


def _cycle_order(parts: list[Part]) -> list[Part]:
    """Name order as the writer's cycle (numbered parts, then the unnumbered current file), started where the
    content runs most smoothly."""
    numbered = sorted((p for p in parts if p.index is not None), key=lambda p: (p.index, p.label))
    rest = [p for p in parts if p.index is None]
    best: tuple[tuple[int, bool, bool, int], list[Part]] | None = None
    for shift in range(max(1, len(numbered))):
        order = numbered[shift:] + numbered[:shift] + rest
        cost = (_break_count(order), not (order[-1].current or order[-1].index is None), not order[0].begins_jvm, shift)
        if best is None or cost < best[0]:
            best = (cost, order)
    return best[1] if best is not None else parts


def order_parts(parts: list[Part]) -> tuple[list[Part], str]:
    """The parts oldest first, and how the order was decided."""
    if len(parts) < 2:
        return parts, "a single file"
    cycle = _cycle_order(parts)
    by_uptime = all(p.first_up is not None for p in parts)
    keys = [p.start_key for p in parts]
    if all(key is not None for key in keys):
        ranked = sorted(zip(keys, range(len(parts)), parts, strict=True), key=lambda item: (item[0], item[1]))
        by_time = [part for _, _, part in ranked]
        headers = " (JDK 8 rotation headers)" if any(p.wall_first is None for p in parts) else ""
        if not by_uptime or _break_count(by_time) <= _break_count(cycle):
            return by_time, f"the time of their first record{headers}"
        return cycle, "their JVM uptimes along the rotation cycle of their names (their wall-clock times disagree)"
    if by_uptime:
        return cycle, "their JVM uptimes along the rotation cycle of their names"
    return cycle, "their names (some parts show neither a time nor an uptime)"


@dataclass(frozen=True)
class PartPlan:
    label: str
    position: int
    """0 = the oldest part of its set."""
    jvm: int
    """The JVM run (0 = the oldest of the set) the part's first record belongs to."""
    anchor: dt.datetime | None
    """The JVM start to place the part's (first run's) uptimes with, when the part has no wall clock of its own."""
    notes: tuple[str, ...] = ()
    anchors: tuple[dt.datetime | None, ...] = ()
    """The JVM start of each JVM run of the part (``Part.pieces``), None where it has none from outside."""
    continues: bool = False
    """The part's first records continue the JVM run of the part before it in the set."""


@dataclass(frozen=True)
class SetPlan:
    group: str
    order: tuple[str, ...]
    """Labels, oldest first."""
    parts: dict[str, PartPlan] = field(default_factory=dict)


def _set_runs(order: list[Part]) -> tuple[list[SetRun], dict[str, list[int]]]:
    """The JVM runs of the set (oldest first) and, per part, the run of each of its pieces."""
    runs: list[SetRun] = []
    of_part: dict[str, list[int]] = {}
    for position, part in enumerate(order):
        indices = []
        for k in range(len(part.pieces)):
            if not runs or k > 0 or _breaks(order[position - 1], part):
                runs.append(SetRun(len(runs)))
            runs[-1].pieces.append((part, k))
            indices.append(runs[-1].index)
        of_part[part.label] = indices
    return runs, of_part


def _where(part: Part, k: int, lines: bool = False) -> str:
    """The part, with the lines of its run ``k`` when the part holds several runs (or ``lines``) and they are known."""
    run = part.pieces[k]
    if (len(part.pieces) == 1 and not lines) or run.first_line <= 0:
        return part.name
    return f"{part.name} lines {run.first_line}-{run.last_line}"


def plan_set(
    parts: list[Part],
    tm_start: dt.datetime | None = None,
    *,
    starts: Sequence[JvmStart] = (),
    looked_for: bool = True,
) -> SetPlan:
    """Order one set, tell its JVM runs apart, give each uptime-only run a start, and say so. ``starts``: the JVM
    starts of the TaskManager the set belongs to (``tm_start``: one, from the first line of its log);
    ``looked_for``: False when no TaskManager log was looked at (``logforensics gc``), so that a run without a
    start is not worth a note."""
    if tm_start is not None and not starts:
        starts = (JvmStart(tm_start),)
    order, how = order_parts(parts)
    runs, of_part = _set_runs(order)
    notes: dict[str, list[str]] = {p.label: list(p.clock_notes) for p in order}
    first = order[0]
    if len(order) > 1:
        notes[first.label].insert(0, f"rotated GC log set, oldest first by {how}: {', '.join(p.name for p in order)}")
        numbered = [p for p in order if p.index is not None]
        by_name = sorted(numbered, key=lambda p: (p.index, p.label))
        if numbered and numbered != by_name:
            newer = next(p for p in by_name if p.label != numbered[0].label)
            notes[numbered[0].label].append(
                f"{numbered[0].name} is older than {newer.name}: the set wrapped around (the JVM overwrites its "
                "oldest file once every number is used, and a restarted JDK 8 JVM starts again at .0)"
            )
    for before, after in itertools.pairwise(order):
        if of_part[after.label][0] != of_part[before.label][-1]:
            notes[after.label].append(_new_jvm_note(before, after))
            continue
        if before.restart_lines:
            line = before.restart_lines[-1]
            notes[after.label].append(
                f"{after.name} continues the JVM run that started inside {before.name} (line {line})"
            )
        jump = _offset_jump(before, after)
        if jump is not None:
            notes[after.label].append(
                f"{after.name}: the wall clock went {'back' if jump < 0 else 'forward'} by {abs(jump):.1f} s "
                f"since {before.name} while the JVM uptime went on (NTP or a manual clock change)"
            )
    anchors = anchor_runs(runs, starts)
    for part in order:
        for k in range(len(part.pieces)):
            explain = looked_for and (bool(starts) or len(runs) > 1)
            note = _placement_note(part, k, anchors[of_part[part.label][k]], explain)
            if note:
                notes[part.label].append(note)
    plans = {}
    for position, part in enumerate(order):
        own = [
            anchors[r].start if part.pieces[k].jvm_start is None else None for k, r in enumerate(of_part[part.label])
        ]
        continues = position > 0 and of_part[part.label][0] == of_part[order[position - 1].label][-1]
        plans[part.label] = PartPlan(
            part.label, position, of_part[part.label][0], own[0], tuple(notes[part.label]), tuple(own), continues
        )
    return SetPlan(first.group, tuple(p.label for p in order), plans)


def _placement_note(part: Part, k: int, anchor: Anchor, explain: bool) -> str:
    """What the run ``k`` of ``part`` is placed with, or why it cannot be (only where ``explain``: the set has
    several runs or the TaskManager's starts are known; a lone uptime-only log needs no story)."""
    run = part.pieces[k]
    if run.jvm_start is not None or run.first_up is None:
        return ""  # placed by its own stamps, or nothing to place with an uptime
    if anchor.start is not None:
        return (
            f"{_where(part, k)}: uptime only; placed on the wall clock with the JVM start "
            f"{anchor.start:%Y-%m-%d %H:%M:%S} UTC taken from {anchor.said} (approximate)"
        )
    if not explain:
        return ""
    return (
        f"{_where(part, k, lines=True)}: uptime only, and no JVM start is known for its JVM run: {anchor.said}; its GC "
        "events have no wall-clock time (ts null)"
    )


def _offset_jump(before: Part, after: Part) -> float | None:
    """Seconds the wall clock moved against the uptime between two parts of one JVM run, when over the slack."""
    if before.last_offset_s is None or after.first_offset_s is None:
        return None
    jump = after.first_offset_s - before.last_offset_s
    return jump if abs(jump) > CLOCK_SLACK_S else None


def _new_jvm_note(before: Part, after: Part) -> str:
    if before.current and before.index is not None:
        why = f"{before.name} was the last file of the JVM before"
    elif after.first_up is not None and before.last_up is not None and after.first_up < before.last_up:
        why = f"its uptime starts at {after.first_up:.1f} s, after {before.last_up:.1f} s at the end of {before.name}"
    else:
        why = f"its time stamps start before the end of {before.name}"
    return f"{after.name} starts a new JVM run ({why})"


def plan_sets(parts: list[Part], starts: Mapping[str, Sequence[JvmStart]] | None) -> list[SetPlan]:
    """Plans for every set among ``parts`` (grouped by ``Part.group``, in their first part's order); ``starts``:
    label -> JVM starts of the TaskManager the part belongs to (None: not looked for)."""
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.group, []).append(part)
    plans = []
    for members in groups.values():
        known = next((tuple(starts[p.label]) for p in members if starts and starts.get(p.label)), ())
        plans.append(plan_set(members, starts=known, looked_for=starts is not None))
    return plans


# --- placing the sets of an analysis ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GcPart:
    """One parsed GC log, as :func:`place_sets` takes it and gives it back."""

    label: str
    set_name: str
    """The set it belongs to: its rotation group, or its own label (a set of one)."""
    layout: str
    parse: GcParse
    edges: pl.DataFrame | None
    """Its first and last lines (:func:`edges`), where JDK 8's rotation headers are."""
    lines: Callable[[], pl.DataFrame | None]
    """All its lines, to parse it again with the JVM starts of its runs (None: they cannot be had again)."""
    notes: tuple[str, ...] = ()
    """What placing it in its set decided."""


@dataclass(frozen=True)
class GcSet:
    name: str
    parts: tuple[GcPart, ...]
    """Oldest first."""
    continues: tuple[bool, ...]
    """Per part: its first records continue the JVM run of the part before it."""


def edges(lines: pl.DataFrame | None) -> pl.DataFrame | None:
    """The lines where JDK 8's rotation headers can be: the first and the last ``EDGE_LINES``."""
    if lines is None or lines.height <= 2 * EDGE_LINES:
        return lines
    return pl.concat([lines.head(EDGE_LINES), lines.tail(EDGE_LINES)])


def place_sets(
    parts: Sequence[GcPart], zone: str | dt.timedelta, starts: Mapping[str, Sequence[JvmStart]] | None
) -> list[GcSet]:
    """The sets among ``parts``, each ordered by content, its uptime-only parts parsed again with the starts of their
    JVM runs, the decisions in the parts' notes. ``zone``: of JDK 8's rotation headers where a part shows no zone;
    ``starts``: label -> JVM starts of the TaskManager the part belongs to (None: no TaskManager log was looked at,
    as in ``logforensics gc``)."""
    by_label = {p.label: p for p in parts}
    facts = [part_facts(p.label, p.set_name, p.parse, p.edges, zone) for p in parts]
    sets = []
    for plan in plan_sets(facts, starts):
        placed = []
        for label in plan.order:
            part, part_plan = by_label[label], plan.parts[label]
            parse = part.parse
            runs = parse.runs or ()
            wanted = any(a is not None for a in part_plan.anchors)
            if wanted and any(run.jvm_start is None for run in runs):
                lines = part.lines()
                if lines is not None:
                    parse = parse_gc(lines, label, part.layout, run_starts=part_plan.anchors)
            placed.append(replace(part, parse=parse, notes=part.notes + part_plan.notes))
        sets.append(GcSet(plan.group, tuple(placed), tuple(plan.parts[label].continues for label in plan.order)))
    return sets
