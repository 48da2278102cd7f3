"""Rotated GC log sets ordered by content, their JVM runs told apart, uptime-only parts placed on the wall clock.

A JVM that rotates its GC log writes its files in a cycle and overwrites the oldest once the cycle is full: JDK 8
``-XX:+UseGCLogFileRotation`` writes ``gc.log.0.current``, renames it ``gc.log.0`` when full, goes on with
``gc.log.1.current`` ... and after ``gc.log.<N-1>`` overwrites ``gc.log.0``; a restarted JDK 8 JVM starts again at
``gc.log.0``. Unified logging (``-Xlog:gc*:file=gc.log::filecount=5``) writes ``gc.log`` and renames it to
``gc.log.<i>``, ``i`` going round the cycle, also when a new JVM starts. The names alone therefore do not tell the
order. Here each part of a set (files sharing a :func:`~logforensics.ingest.rotation.rotation_key` group) is read
for what its content says, and the set is ordered by:

1. the wall-clock time of its first record, when every part shows one: date stamps or ``time``/``utctime``
   decorations, else JDK 8's rotation headers (``<date> GC log file created <path>`` at the top of a rotated file,
   ``<date> GC log file has reached the maximum size. Saved as <path>`` at the bottom of a full one, local times);
2. otherwise the writer's cycle of numbered names, started where the content runs most smoothly: the fewest JVM
   uptime drops between consecutive parts (a JDK 8 ``.current`` file is the last of its JVM's files), then a set
   ending with a current file, then one starting with a JVM start, then plain name order.

Consecutive parts belong to one JVM while the uptime goes on; an uptime that starts again lower (a part beginning
near 0 s), a part after a ``.current`` one, or a JVM restart inside a file (which the GC parser reports) starts
another JVM run. Each run gets one JVM start to place its uptime-only parts with: the stamps of any of its parts
(exact); else, for the newest run, the start of the TaskManager the set belongs to, unless JDK 8's rotation headers
rule it out; else the headers themselves (a part's creation and its saving bound the start by the time between two
GCs). Every decision is a note on the source it concerns (wrap-around, a new JVM, where
the JVM start comes from, a wall clock going back or jumping inside a file or between two parts); a set that cannot
be ordered keeps its name order and says so. Clock jumps are reported, not corrected: the Flink logs were written
with the same clock, so the stamped times keep the two together.
"""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import polars as pl

from logforensics.ingest.rotation import rotation_index
from logforensics.parsers.gc import GcParse

UPTIME_SLACK_S = 1.0
"""A later part whose uptime starts lower than the previous part's end by more than this belongs to another JVM."""
CLOCK_SLACK_S = 5.0
"""Wall clock minus uptime may move by this much between two records before it counts as a jump (NTP slews the wall
clock by up to 0.5 ms/s, which adds up over hours without a GC)."""
JVM_START_S = 60.0
"""A part whose first uptime is below this (and that is no rotated continuation) begins a JVM."""
EDGE_LINES = 20
"""Lines at each end of a part searched for JDK 8's rotation headers."""
MAX_LISTED = 3
"""Clock jumps listed per part."""
_MIN_YEAR, _MAX_YEAR = 1970, 2999  # a header date outside these years is junk (as the GC parser judges stamps)


@dataclass(frozen=True)
class HeaderRule:
    """One line of JDK 8's log rotation: a Rust regex (run by polars) and a real line it must match."""

    name: str
    pattern: str
    sample: str
    """A line copied from the corpus (../shared/corpus/gc); tests assert that ``pattern`` matches it."""


ROTATION_RULES: dict[str, HeaderRule] = {
    rule.name: rule
    for rule in (
        HeaderRule(
            "created",
            r"^(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) GC log file created (?P<path>.*?)\s*$",
            "2016-08-30 20:35:29 GC log file created /var/log/swish/gc.log.1",
        ),
        HeaderRule(
            "saved",
            r"^(?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) GC log file has reached the maximum size\. "
            r"Saved as (?P<path>.*?)\s*$",
            "2016-08-30 20:35:29 GC log file has reached the maximum size. Saved as /var/log/swish/gc.log.0",
        ),
    )
}
"""JDK 7u2+/8 rotation headers (``gcLogFileStream::rotate_log``); the date is the JVM's local time, to the second."""


@dataclass(frozen=True)
class Part:
    """What one part's content says about its place in its set."""

    label: str
    group: str
    index: int | None
    """The rotation number in the name (``gc.log.3``, ``gc.log.3.current``); None for the unnumbered file."""
    current: bool
    """JDK 8's ``.current`` suffix: the file its JVM was writing last."""
    first_up: float | None
    """JVM uptime of the part's first record (s)."""
    last_up: float | None
    """JVM uptime at the end of the part's last record (s)."""
    lowest_up: float | None
    """The lowest uptime of the part's first JVM run, header lines included (s)."""
    restart_lines: tuple[int, ...]
    """Lines where the uptime starts again inside the part (another JVM run)."""
    jvm_start: dt.datetime | None
    """From the part's own stamps (wall clock minus uptime of its first JVM run), UTC."""
    wall_first: dt.datetime | None
    """Wall clock of the first stamped record, UTC."""
    wall_last: dt.datetime | None
    first_offset_s: float | None
    """Wall clock minus uptime at the first record with both (s since the epoch): the JVM start it implies."""
    last_offset_s: float | None
    created: dt.datetime | None
    """JDK 8 ``GC log file created`` date (UTC, from local time)."""
    saved: dt.datetime | None
    """JDK 8 ``... has reached the maximum size`` date (UTC, from local time)."""
    clock_notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return posixpath.basename(self.label)

    @property
    def begins_jvm(self) -> bool:
        return self.created is None and self.lowest_up is not None and self.lowest_up < JVM_START_S

    @property
    def start_not_before(self) -> dt.datetime | None:
        """The JVM started no earlier than this: the part was created (JDK 8 header) before its first record."""
        if self.created is None or self.first_up is None:
            return None
        return self.created - dt.timedelta(seconds=self.first_up)

    @property
    def start_not_after(self) -> dt.datetime | None:
        """The JVM started no later than this: the part was saved (JDK 8 header, a date to the second) after its
        last record; the JVM rotates at the next safepoint once the file is full."""
        if self.saved is None or self.last_up is None or self.restart_lines:
            return None
        return self.saved + dt.timedelta(seconds=1.0 - self.last_up)

    @property
    def start_key(self) -> dt.datetime | None:
        """The wall-clock time of the part's first record, from its stamps or its rotation headers."""
        if self.wall_first is not None:
            return self.wall_first
        if self.created is not None:
            return self.created
        start = self.start_not_after
        return None if start is None or self.first_up is None else start + dt.timedelta(seconds=self.first_up)


@dataclass(frozen=True)
class PartPlan:
    label: str
    position: int
    """0 = the oldest part of its set."""
    jvm: int
    """The JVM run (0 = the oldest of the set) the part's first record belongs to."""
    anchor: dt.datetime | None
    """The JVM start to place the part's uptimes with, when the part has no wall clock of its own."""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetPlan:
    group: str
    order: tuple[str, ...]
    """Labels, oldest first."""
    parts: dict[str, PartPlan] = field(default_factory=dict)


def _header_dates(
    lines: pl.DataFrame | None, zone: str | dt.timedelta
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """(created, saved) of JDK 8's rotation headers near the start and the end of the part, UTC."""
    if lines is None or lines.height == 0:
        return None, None
    found: list[dt.datetime | None] = []
    for rule, edge in (("created", lines.head(EDGE_LINES)), ("saved", lines.tail(EDGE_LINES))):
        dates = (
            edge.filter(pl.col("line").str.contains(" GC log file ", literal=True))
            .select(pl.col("line").str.extract(ROTATION_RULES[rule].pattern, 1))
            .to_series()
            .drop_nulls()
        )
        try:
            local = dt.datetime.strptime(dates[0], "%Y-%m-%d %H:%M:%S") if dates.len() else None
            sane = local is not None and _MIN_YEAR <= local.year <= _MAX_YEAR
            found.append(_local_to_utc(local, zone) if local is not None and sane else None)
        except (ValueError, OverflowError):  # a damaged date: the part is ordered without it
            found.append(None)
    return found[0], found[1]


def _local_to_utc(local: dt.datetime, zone: str | dt.timedelta) -> dt.datetime:
    if isinstance(zone, dt.timedelta):
        return (local - zone).replace(tzinfo=dt.UTC)
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def _clock_notes(name: str, stamped: pl.DataFrame) -> tuple[str, ...]:
    """Jumps of the wall clock against the JVM uptime inside one part (``stamped``: exact pauses in file order with
    ``line``, ``ts``, ``uptime_s``, ``run``); without uptimes, a wall clock going back between pauses."""
    with_up = stamped.filter(pl.col("uptime_s").is_not_null())
    if with_up.height:
        offset = pl.col("ts").dt.epoch("ms") / 1e3 - pl.col("uptime_s")
        jumps = (
            with_up.with_columns(_jump=offset - offset.shift(1), _same=pl.col("run") == pl.col("run").shift(1))
            .filter(pl.col("_same").fill_null(False), pl.col("_jump").abs() > CLOCK_SLACK_S)
            .select("line", "_jump")
        )
        clock = "while the JVM uptime went on"
    else:
        jumps = (
            stamped.with_columns(_jump=(pl.col("ts") - pl.col("ts").shift(1)).dt.total_milliseconds() / 1e3)
            .filter(pl.col("_jump") < -CLOCK_SLACK_S)
            .select("line", "_jump")
        )
        clock = "between two pauses (which cannot overlap)"
    if jumps.height == 0:
        return ()
    listed = ", ".join(
        f"{'back' if jump < 0 else 'forward'} by {abs(jump):.1f} s at line {line}"
        for line, jump in jumps.head(MAX_LISTED).iter_rows()
    )
    more = f" and {jumps.height - MAX_LISTED} more time(s)" if jumps.height > MAX_LISTED else ""
    return (
        f"{name}: the wall clock jumps {listed}{more} {clock}: NTP or a manual clock change; the events keep "
        "the times written, as the Flink logs of the same host do",
    )


def part_facts(label: str, group: str, parse: GcParse, lines: pl.DataFrame | None, zone: str | dt.timedelta) -> Part:
    """What ``parse`` (and the part's ``lines``, for JDK 8's rotation headers) say about the part."""
    index, current = rotation_index(label)
    end = pl.col("uptime_s") + pl.col("pause_ms").fill_null(0.0) / 1e3
    # the uptime the line was stamped with: a unified pause is stamped when it ends, a legacy one when it starts
    stamp = end if parse.format == "unified" else pl.col("uptime_s")
    pauses = (
        parse.events.filter(pl.col("is_pause").fill_null(False))
        .select("line", "ts", "uptime_s", "ts_quality", "pause_ms", end_s=end, stamp_s=stamp)
        .with_columns(
            run=(pl.col("stamp_s") < pl.col("stamp_s").shift(1).forward_fill() - UPTIME_SLACK_S)
            .fill_null(False)
            .cum_sum()
        )
    )
    restarts = tuple(pauses.filter(pl.col("run").diff().fill_null(0) > 0).get_column("line").to_list())
    # The first pause's start and the last pause's end bound the part (pauses do not overlap; a concurrent phase
    # ending at the top of a part began in the part before). The parse's lowest uptime (header lines included) tells
    # whether the part begins a JVM, unless a later run in the file holds it.
    first_up, last_up, lowest_up = parse.first_uptime_s, parse.last_uptime_s, parse.first_uptime_s
    timed_up = pauses.filter(pl.col("uptime_s").is_not_null())
    if timed_up.height:
        first_up = float(timed_up.item(0, "uptime_s"))
        last_up = float(timed_up.item(timed_up.height - 1, "end_s"))
        lowest_up = first_up if restarts else min(first_up, lowest_up if lowest_up is not None else first_up)
    stamped = pauses.filter(pl.col("ts_quality") == "exact", pl.col("ts").is_not_null())
    # the wall-clock bounds of the part from its stamped pauses, as its uptimes (any stamped event without them)
    exact = (
        stamped if stamped.height else parse.events.filter(pl.col("ts_quality") == "exact", pl.col("ts").is_not_null())
    )
    wall_first: dt.datetime | None = exact.get_column("ts").first() if exact.height else None  # type: ignore[assignment]
    ends = exact.select(
        pl.col("ts") + pl.duration(milliseconds=pl.col("pause_ms").fill_null(0.0).round(0).cast(pl.Int64))
    ).to_series()
    wall_last: dt.datetime | None = ends.last() if exact.height else None  # type: ignore[assignment]
    offsets = (
        stamped.filter(pl.col("uptime_s").is_not_null())
        .select(pl.col("ts").dt.epoch("ms") / 1e3 - pl.col("uptime_s"))
        .to_series()
        .to_list()
    )
    created, saved = _header_dates(lines, parse.utc_offset if parse.utc_offset is not None else zone)
    return Part(
        label=label,
        group=group,
        index=index,
        current=current,
        first_up=first_up,
        last_up=last_up,
        lowest_up=lowest_up,
        restart_lines=tuple(int(line) for line in restarts),
        jvm_start=parse.jvm_start,
        wall_first=wall_first,
        wall_last=wall_last,
        first_offset_s=float(offsets[0]) if offsets else None,
        last_offset_s=float(offsets[-1]) if offsets else None,
        created=created,
        saved=saved,
        clock_notes=_clock_notes(posixpath.basename(label), stamped),
    )


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


def _segments(order: list[Part]) -> list[int]:
    """The JVM run of each part (0 = the oldest)."""
    runs = [0]
    for before, after in itertools.pairwise(order):
        runs.append(runs[-1] + (1 if _breaks(before, after) or before.restart_lines else 0))
    return runs


def _anchor(members: list[Part], newest: bool, tm_start: dt.datetime | None) -> tuple[dt.datetime | None, str]:
    """One JVM run's start, and where it comes from: the stamps of one of its parts; else JDK 8's rotation headers,
    which bound it from below (a part's creation before its first record) and from above (its saving after its last
    record), by the time between two GCs; else, for the newest run, the TaskManager's start. Where both exist, the
    TaskManager's start wins when the headers' bounds admit it (it belongs to this run then, and is closer)."""
    for part in members:
        if part.jvm_start is not None:
            return part.jvm_start, f"the time stamps of {part.name}"
    lows = [(p.start_not_before, p.name) for p in members if p.start_not_before is not None]
    highs = [(p.start_not_after, p.name) for p in members if p.start_not_after is not None]
    low = max(lows, key=lambda item: item[0]) if lows else None
    high = min(highs, key=lambda item: item[0]) if highs else None
    if low is None and high is None:
        if newest and tm_start is not None:
            return tm_start, "the first line of the TaskManager's log"
        return None, ""
    lo = low[0] if low is not None else None
    hi = high[0] if high is not None else None
    slack = dt.timedelta(seconds=JVM_START_S)  # the TaskManager writes its first line a little after the JVM starts
    if newest and tm_start is not None and (lo is None or tm_start >= lo) and (hi is None or tm_start <= hi + slack):
        return tm_start, "the first line of the TaskManager's log (within the bounds of JDK 8's rotation headers)"
    names = sorted({name for _, name in lows + highs})
    if lo is not None and hi is not None:
        first, last = min(lo, hi), max(lo, hi)
        half = (last - first) / 2
        return first + half, (
            f"JDK 8's rotation headers of {', '.join(names)} (between {first:%H:%M:%S} and {last:%H:%M:%S} UTC, "
            f"within {half.total_seconds():.0f} s)"
        )
    bound = "the 'GC log file created' line" if lo is not None else "the 'maximum size' line"
    return (lo if lo is not None else hi), f"{bound} of {', '.join(names)} with its uptimes (a bound only)"


def plan_set(parts: list[Part], tm_start: dt.datetime | None) -> SetPlan:
    """Order one set, tell its JVM runs apart, give each uptime-only part its run's start, and say so."""
    order, how = order_parts(parts)
    runs = _segments(order)
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
    for position, (before, after) in enumerate(itertools.pairwise(order), start=1):
        if runs[position] == runs[position - 1]:
            jump = _offset_jump(before, after)
            if jump is not None:
                notes[after.label].append(
                    f"{after.name}: the wall clock went {'back' if jump < 0 else 'forward'} by {abs(jump):.1f} s "
                    f"since {before.name} while the JVM uptime went on (NTP or a manual clock change)"
                )
            continue
        notes[after.label].append(_new_jvm_note(before, after))
    # The newest run gets the TaskManager's start, unless it starts inside the last part: the parser places only
    # the first run of a file with a start given from outside.
    newest = runs[-1] if not order[-1].restart_lines else -1
    anchors: dict[int, tuple[dt.datetime | None, str]] = {}
    for run in sorted(set(runs)):
        members = [p for p, r in zip(order, runs, strict=True) if r == run]
        anchors[run] = _anchor(members, run == newest, tm_start)
    for part, run in zip(order, runs, strict=True):
        if part.jvm_start is not None or part.first_up is None:
            continue
        anchor, source = anchors[run]
        if anchor is not None:
            notes[part.label].append(
                f"{part.name}: uptime only; placed on the wall clock with the JVM start "
                f"{anchor:%Y-%m-%d %H:%M:%S} UTC taken from {source} (approximate)"
            )
        elif run != newest and (tm_start is not None or len(set(runs)) > 1 or part.restart_lines):
            notes[part.label].append(
                f"{part.name}: uptime only, and no JVM start is known for its JVM run (a TaskManager's start "
                "belongs to the newest run): its GC events have no wall-clock time"
            )
    plans = {
        part.label: PartPlan(part.label, position, run, anchors[run][0], tuple(notes[part.label]))
        for position, (part, run) in enumerate(zip(order, runs, strict=True))
    }
    return SetPlan(first.group, tuple(p.label for p in order), plans)


def _offset_jump(before: Part, after: Part) -> float | None:
    """Seconds the wall clock moved against the uptime between two parts of one JVM run, when over the slack."""
    if before.last_offset_s is None or after.first_offset_s is None:
        return None
    jump = after.first_offset_s - before.last_offset_s
    return jump if abs(jump) > CLOCK_SLACK_S else None


def _new_jvm_note(before: Part, after: Part) -> str:
    if before.restart_lines:
        return f"{after.name} continues the JVM run that started inside {before.name} (line {before.restart_lines[-1]})"
    if before.current and before.index is not None:
        why = f"{before.name} was the last file of the JVM before"
    elif after.first_up is not None and before.last_up is not None and after.first_up < before.last_up:
        why = f"its uptime starts at {after.first_up:.1f} s, after {before.last_up:.1f} s at the end of {before.name}"
    else:
        why = f"its time stamps start before the end of {before.name}"
    return f"{after.name} starts a new JVM run ({why})"


def plan_sets(parts: list[Part], tm_starts: dict[str, dt.datetime | None]) -> list[SetPlan]:
    """Plans for every set among ``parts`` (grouped by ``Part.group``, in their first part's order);
    ``tm_starts``: label -> start of the TaskManager the part belongs to."""
    groups: dict[str, list[Part]] = {}
    for part in parts:
        groups.setdefault(part.group, []).append(part)
    plans = []
    for members in groups.values():
        start = next((tm_starts[p.label] for p in members if tm_starts.get(p.label) is not None), None)
        plans.append(plan_set(members, start))
    return plans
