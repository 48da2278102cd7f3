"""Time that does not behave: records out of order, a clock jumping back, a DST change, two hosts whose clocks are
three minutes apart. The analysis completes, and what the timeline makes of each is asserted."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from logforensics import api
from logforensics.catalogue.model import Catalogue
from tests.adversarial.conftest import Analyse, tm_line
from tests.conftest import SAMPLES

UTC = dt.UTC


def received(times: list[str], day: str = "2020-06-01") -> str:
    """One ``Received task`` record (a ``task_received`` event) per time, numbered by line."""
    return "".join(tm_line(t, f"Received task Map ({i}/99).", day=day) + "\n" for i, t in enumerate(times, 1))


def event_times(folder: Path, catalogue: Catalogue, tz: str | None = None) -> dict[int, dt.datetime | None]:
    analysis = api.analyze([folder], tz=tz, catalogue=catalogue)
    rows = analysis.events.filter(analysis.events["kind"] == "task_received").select("line", "ts").rows()
    return dict(rows)


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def test_records_out_of_order(analyse: Analyse, logs: Path, catalogue: Catalogue) -> None:
    (logs / "taskmanager.log").write_text(received(["14:05:00", "14:05:30", "14:05:10", "14:05:20", "14:06:00"]))
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (outcome.code, source["records"], source["first_ts"], source["last_ts"]) == (
        0,
        5,
        "2020-06-01T14:05:00.000Z",
        "2020-06-01T14:06:00.000Z",
    )
    times = event_times(logs, catalogue)
    assert times == {
        i: at("2020-06-01", t) for i, t in enumerate(["14:05:00", "14:05:30", "14:05:10", "14:05:20", "14:06:00"], 1)
    }
    events = api.analyze([logs], catalogue=catalogue).events
    assert events["ts"].is_sorted()  # the timeline is in time order, whatever the file order
    assert outcome.document["timeline"]["counts"] == {"task_received": 5}  # no silence invented


def test_clock_jumps_back(analyse: Analyse, logs: Path, catalogue: Catalogue) -> None:
    """An NTP step of an hour back: every record keeps the time it shows; no silence (tm_log_gap) is invented from
    the jump, and the span runs from the earliest to the latest time written."""
    (logs / "taskmanager.log").write_text(received(["14:05:00", "14:05:30", "13:05:31", "13:05:40", "13:05:50"]))
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["first_ts"], source["last_ts"]) == ("2020-06-01T13:05:31.000Z", "2020-06-01T14:05:30.000Z")
    assert outcome.document["timeline"]["counts"] == {"task_received": 5}
    assert event_times(logs, catalogue)[3] == at("2020-06-01", "13:05:31")


FALL_BACK = ["02:30:00", "02:59:59", "02:00:05", "02:30:00", "03:00:01"]
"""Europe/Berlin, 2020-10-25: 03:00 CEST becomes 02:00 CET, so 02:00-03:00 happens twice. Lines 1-2 are the first
pass (UTC+2), lines 3-4 the second (UTC+1)."""


def test_dst_fall_back_completes(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(received(FALL_BACK, day="2020-10-25"))
    outcome = analyse(logs, args=("--tz", "Europe/Berlin"))
    source = outcome.sources["taskmanager.log"]
    assert (outcome.code, source["records"], source["tz_used"], source["last_ts"]) == (
        0,
        5,
        "Europe/Berlin",
        "2020-10-25T02:00:01.000Z",
    )


def test_dst_fall_back_second_pass_is_an_hour_later(logs: Path, catalogue: Catalogue) -> None:
    (logs / "taskmanager.log").write_text(received(FALL_BACK, day="2020-10-25"))
    assert event_times(logs, catalogue, "Europe/Berlin") == {
        1: at("2020-10-25", "00:30:00"),
        2: at("2020-10-25", "00:59:59"),
        3: at("2020-10-25", "01:00:05"),
        4: at("2020-10-25", "01:30:00"),
        5: at("2020-10-25", "02:00:01"),
    }


def test_dst_spring_forward_completes(analyse: Analyse, logs: Path, catalogue: Catalogue) -> None:
    """Europe/Berlin, 2020-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist on that day."""
    (logs / "taskmanager.log").write_text(received(["01:59:59", "02:30:00", "03:00:01"], day="2020-03-29"))
    outcome = analyse(logs, args=("--tz", "Europe/Berlin"))
    source = outcome.sources["taskmanager.log"]
    assert (source["records"], source["first_ts"], source["last_ts"]) == (
        3,
        "2020-03-29T00:59:59.000Z",
        "2020-03-29T01:00:01.000Z",
    )
    times = event_times(logs, catalogue, "Europe/Berlin")
    assert (times[1], times[3]) == (at("2020-03-29", "00:59:59"), at("2020-03-29", "01:00:01"))


def test_dst_spring_forward_gap_time_is_kept_or_reported(logs: Path, catalogue: Catalogue) -> None:
    (logs / "taskmanager.log").write_text(received(["01:59:59", "02:30:00", "03:00:01"], day="2020-03-29"))
    analysis = api.analyze([logs], tz="Europe/Berlin", catalogue=catalogue)
    times = event_times(logs, catalogue, "Europe/Berlin")
    assert times[2] is not None or analysis.sources[0].warnings


def _sample_with_jobmanager_shifted(folder: Path, minutes: int) -> Path:
    shutil.copytree(SAMPLES / "gc-heartbeat-timeout-1.15", folder, ignore=shutil.ignore_patterns("README.md"))
    jm = folder / "jobmanager.log"

    def shift(match: re.Match[str]) -> str:
        moved = dt.datetime.strptime(match.group(0), "%Y-%m-%d %H:%M:%S") + dt.timedelta(minutes=minutes)
        return moved.strftime("%Y-%m-%d %H:%M:%S")

    jm.write_text(re.sub(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", shift, jm.read_text(), flags=re.MULTILINE))
    return folder


@pytest.mark.parametrize(
    ("minutes", "gc_cause"),
    [
        (0, True),
        (3, True),  # the JobManager's clock 3 minutes ahead: the GC pause still comes before the heartbeat timeout
        # 3 minutes behind: the timeout now comes before the pause (clock_skew tolerates 5 s), so the GC cause does
        # not match; the TaskManager's own silence (jvm_stall_heartbeat_timeout) still explains the timeout.
        (-3, False),
    ],
)
def test_two_hosts_three_minutes_apart(analyse: Analyse, tmp_path: Path, minutes: int, gc_cause: bool) -> None:
    folder = _sample_with_jobmanager_shifted(tmp_path / "incident", minutes)
    outcome = analyse(folder)
    assert outcome.code == 0
    assert all(s["skipped_reason"] is None and s["warnings"] == [] for s in outcome.document["sources"])
    assert ("gc_pause_heartbeat_timeout" in outcome.finding_ids()) is gc_cause
    assert "jvm_stall_heartbeat_timeout" in outcome.finding_ids()
    jm = outcome.sources["jobmanager.log"]
    assert jm["first_ts"].startswith("2023-03-14T")


@pytest.mark.parametrize(
    ("tz", "offset"),
    [("+05:30", (5, 30)), ("-0800", (-8, 0)), ("UTC+2", (2, 0)), ("GMT-03:30", (-3, -30)), (" +00:00 ", (0, 0))],
)
def test_a_fixed_offset_is_a_time_zone(tz: str, offset: tuple[int, int], logs: Path, catalogue: Catalogue) -> None:
    (logs / "taskmanager.log").write_text(received(["14:05:00"]))
    shift = dt.timedelta(hours=offset[0], minutes=offset[1])
    assert api.fixed_offset(tz) == shift
    assert event_times(logs, catalogue, tz=tz) == {1: at("2020-06-01", "14:05:00") - shift}
    sign = "-" if shift < dt.timedelta(0) else "+"
    label = f"UTC{sign}{abs(offset[0]):02d}:{abs(offset[1]):02d}"
    assert api.analyze([logs], tz=tz, catalogue=catalogue).incident.tz_used == label


@pytest.mark.parametrize("tz", ["Europe/Berlin", "UTC", "+15:00", "+05:75", "5:30", "+"])
def test_what_is_no_fixed_offset(tz: str) -> None:
    assert api.fixed_offset(tz) is None
