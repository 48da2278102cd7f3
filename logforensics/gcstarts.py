"""The JVM start of each JVM run of a rotated GC log set, to place its uptime-only parts on the wall clock.

A run's start comes from, in this order:

1. the stamps of one of its parts (wall clock minus uptime on a line that has both): exact;
2. a JVM start of the TaskManager the set belongs to: its startup banners (``Starting TaskManager (Version: ...)``,
   one per JVM start; a TaskManager log with two of them saw its JVM restart), else the first line of its log. The
   runs and the starts are paired newest first, in order: the newest run takes the newest start, each older run the
   latest earlier start it fits before, that is whose next start comes after the run's last uptime (a run whose
   uptime runs past the next start cannot have begun there), and which JDK 8's rotation headers admit;
3. JDK 8's rotation headers (a part's creation before its first record, its saving after its last record), which
   bound the start by the time between two GCs.

A run left without a start keeps its events without a wall-clock time, and says why.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from logforensics.gcparts import CLOCK_SLACK_S, JVM_START_S, Part


@dataclass(frozen=True)
class JvmStart:
    """A JVM start of a TaskManager, as its log shows it."""

    ts: dt.datetime
    """UTC."""
    source: str = ""
    """The TaskManager log that shows it."""
    line: int | None = None
    banner: bool = False
    """A startup banner line; else the first line of the log (the JVM start give or take, when no banner is read)."""

    def describe(self) -> str:
        if self.banner:
            return f"the TaskManager's startup banner ({self.source} line {self.line})"
        return "the first line of the TaskManager's log" + (f" ({self.source})" if self.source else "")


@dataclass
class SetRun:
    """One JVM run of a set: the runs of its parts it is made of (a part and the index of the run inside it)."""

    index: int
    pieces: list[tuple[Part, int]] = field(default_factory=list)

    @property
    def own_start(self) -> tuple[dt.datetime, str] | None:
        for part, k in self.pieces:
            start = part.pieces[k].jvm_start
            if start is not None:
                return start, part.name
        return None

    @property
    def last_up(self) -> float | None:
        ups = [part.pieces[k].last_up for part, k in self.pieces]
        known = [up for up in ups if up is not None]
        return max(known) if known else None

    def bounds(self) -> Bounds:
        """The bounds JDK 8's rotation headers put on the run's start: a part's creation bounds the run its first
        records belong to, its saving the run its last records belong to."""
        lows, highs, names = [], [], set()
        for part, k in self.pieces:
            if k == 0 and part.start_not_before is not None:
                lows.append(part.start_not_before)
                names.add(part.name)
            if k == len(part.pieces) - 1 and part.last_run_start_not_after is not None:
                highs.append(part.last_run_start_not_after)
                names.add(part.name)
        return Bounds(max(lows) if lows else None, min(highs) if highs else None, tuple(sorted(names)))


@dataclass(frozen=True)
class Bounds:
    low: dt.datetime | None
    """The run started no earlier than this."""
    high: dt.datetime | None
    """The run started no later than this."""
    names: tuple[str, ...]
    """The parts whose headers say so."""

    @property
    def known(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass(frozen=True)
class Anchor:
    start: dt.datetime | None
    said: str
    """Where the start comes from; without a start, why there is none (empty: nothing to say)."""


def anchor_runs(runs: Sequence[SetRun], starts: Sequence[JvmStart]) -> list[Anchor]:
    """One anchor per run of ``runs`` (oldest first), from its stamps, ``starts`` (the TaskManager's JVM starts) or
    JDK 8's rotation headers, as the module says."""
    starts = sorted(starts, key=lambda s: s.ts)
    times = [s.ts for s in starts]
    anchors: list[Anchor] = [Anchor(None, "")] * len(runs)
    limit = len(starts)  # the starts not yet taken by a newer run
    for run in reversed(runs):
        own = run.own_start
        if own is not None:
            anchors[run.index] = Anchor(own[0], f"the time stamps of {own[1]}")
            # the banner it wrote is its own; the older runs started before it
            limit = min(limit, bisect.bisect_right(times, own[0] + dt.timedelta(seconds=JVM_START_S)))
            if limit and times[limit - 1] >= own[0] - dt.timedelta(seconds=CLOCK_SLACK_S):
                limit -= 1
            continue
        bounds = run.bounds()
        chosen, why = _pair(run, starts, limit, bounds)
        if chosen is not None:
            limit = chosen
            within = " (within the bounds of JDK 8's rotation headers)" if bounds.known else ""
            anchors[run.index] = Anchor(starts[chosen].ts, starts[chosen].describe() + within)
        elif bounds.known:
            anchors[run.index] = _from_headers(bounds)
        else:
            anchors[run.index] = Anchor(None, why)
    return anchors


def _pair(
    run: SetRun,
    starts: Sequence[JvmStart],
    limit: int,
    bounds: Bounds,
) -> tuple[int | None, str]:
    """The index of the latest start before ``limit`` that ``run`` fits, or None and why none."""
    if not starts:
        return None, "no TaskManager log of the same TaskManager shows a JVM start"
    if limit == 0:
        many = len(starts) > 1
        return None, (
            f"the TaskManager's log shows {len(starts)} JVM start{'s' if many else ''}, "
            f"{'each' if many else 'it is'} taken by a newer JVM run of this set"
        )
    slack = dt.timedelta(seconds=JVM_START_S)  # the TaskManager writes its banner a little after the JVM starts
    last_up = run.last_up
    reasons: list[str] = []
    for j in range(limit - 1, -1, -1):
        start = starts[j].ts
        if (bounds.low is not None and start < bounds.low) or (bounds.high is not None and start > bounds.high + slack):
            reasons.append(f"the JVM start at {start:%Y-%m-%d %H:%M:%S} UTC is outside JDK 8's rotation headers")
            continue
        following = starts[j + 1].ts if j + 1 < len(starts) else None
        ends = None if last_up is None else start + dt.timedelta(seconds=last_up)
        if following is not None and ends is not None and ends > following + dt.timedelta(seconds=CLOCK_SLACK_S):
            reasons.append(
                f"the JVM start at {start:%Y-%m-%d %H:%M:%S} UTC ({starts[j].describe()}) does not fit: the "
                f"run's uptime reaches {last_up:.1f} s, past the next JVM start at {following:%H:%M:%S} UTC"
            )
            continue
        return j, ""
    more = f", nor does any of the {len(reasons) - 1} earlier one(s)" if len(reasons) > 1 else ""
    return None, reasons[0] + more


def _from_headers(bounds: Bounds) -> Anchor:
    names = ", ".join(bounds.names)
    if bounds.low is not None and bounds.high is not None:
        first, last = min(bounds.low, bounds.high), max(bounds.low, bounds.high)
        half = (last - first) / 2
        return Anchor(
            first + half,
            f"JDK 8's rotation headers of {names} (between {first:%H:%M:%S} and {last:%H:%M:%S} UTC, "
            f"within {half.total_seconds():.0f} s)",
        )
    bound = "the 'GC log file created' line" if bounds.low is not None else "the 'maximum size' line"
    return Anchor(bounds.low or bounds.high, f"{bound} of {names} with its uptimes (a bound only)")
