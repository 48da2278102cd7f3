"""What one part of a rotated GC log set says about its place in the set (:mod:`logforensics.gcsets` orders them).

A part is read for: its rotation number and JDK 8's ``.current`` suffix (from its name); the JVM uptime of its first
and last records, and its JVM runs (the GC parser tells where the uptime starts again); the wall clock of its first and
last stamped records and the JVM start they imply; JDK 8's rotation headers (``<date> GC log file created <path>`` at
the top of a rotated file, ``<date> GC log file has reached the maximum size. Saved as <path>`` at the bottom of a full
one, local times), which bound the JVM start of an uptime-only part; and jumps of its wall clock against its uptime.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from logforensics.ingest.rotation import rotation_index
from logforensics.parsers.gc import GcParse, JvmRun

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
    runs: tuple[JvmRun, ...] = ()
    """The part's JVM runs as the GC parser tells them apart (``GcParse.runs``); empty when not known."""

    @property
    def name(self) -> str:
        return posixpath.basename(self.label)

    @property
    def pieces(self) -> tuple[JvmRun, ...]:
        """The part's JVM runs, at least one (a part whose runs are not known is one run, its lines unknown: 0)."""
        if self.runs:
            return self.runs
        return (JvmRun(0, 0, self.first_up, self.last_up, self.jvm_start, self.jvm_start is not None),)

    @property
    def last_run_start_not_after(self) -> dt.datetime | None:
        """The start of the part's last JVM run is no later than this (JDK 8's 'maximum size' line, as
        ``start_not_after``, also when the part holds several runs: its last records are the last run's)."""
        if self.saved is None or self.last_up is None:
            return None
        return self.saved + dt.timedelta(seconds=1.0 - self.last_up)

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
    # where the uptime starts again: as the parser places the runs (the first stamped line of each later run)
    restarts = (
        tuple(run.first_line for run in parse.runs[1:])
        if parse.runs
        else tuple(pauses.filter(pl.col("run").diff().fill_null(0) > 0).get_column("line").to_list())
    )
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
        runs=parse.runs,
    )
