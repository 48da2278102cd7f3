"""The report's later sections: exceptions, checkpoints, metrics, data quality, provenance; and the verdict's
"what would raise confidence", the evidence cap and context lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from logforensics.api import analyze
from logforensics.model import METRICS_SCHEMA, Evidence, ExceptionGroup, SourceKind, SourceStats
from logforensics.report import checkpoints, metrics, quality
from logforensics.report.exceptions import EXCEPTION_GROUPS_CAP, EXCEPTION_TRACE_CAP, build_exceptions
from logforensics.report.html import render_html
from logforensics.report.verdict import EVIDENCE_ROWS_CAP
from logforensics.report.view import build_view
from tests.report.incidents import TM_IDS, write_metrics_incident
from tests.report.test_html import (
    GC_LOG,
    JM_LOG,
    JOB_ID,
    TM1,
    TM1_LOG,
    TM2,
    TM2_LOG,
    at,
    check_page,
    event,
    events_frame,
    make_analysis,
    section,
    svg_elements,
)

# --- exceptions --------------------------------------------------------------------------------------------------


def group(signature: str, count: int, *, benign: bool = False, root: str = "", example: str = "") -> ExceptionGroup:
    exception = f"java.io.IOException: {signature}"
    return ExceptionGroup(
        signature=signature,
        exception=exception,
        root_cause=root or exception,
        count=count,
        first_ts=at(10),
        last_ts=at(20),
        example_source=TM1_LOG,
        example_line=944,
        example=example or f"{exception}\n\tat org.example.A.run(A.java:1)",
        benign=benign,
    )


def test_exceptions_are_grouped_with_counts_root_cause_and_a_collapsed_example() -> None:
    groups = (
        group("kafka retry", 50, benign=True),
        group("broken pipe", 3, root="java.net.SocketException: Connection reset"),
        group("disk full", 7),
    )
    page = render_html(dataclasses.replace(make_analysis(), exceptions=groups))
    exceptions = section(page, "exceptions")
    order = [exceptions.index(name) for name in ("disk full", "broken pipe", "kafka retry")]
    assert order == sorted(order)  # not benign first, then by count; benign last
    assert "3 signatures (60 traces), 1 of them benign" in exceptions
    assert 'class="badge benign">benign</span>' in exceptions
    assert "root cause:</span> <code>java.net.SocketException: Connection reset</code>" in exceptions
    assert exceptions.count("<details>") == 3 and "<details open" not in exceptions  # collapsed until asked
    assert "at org.example.A.run(A.java:1)" in exceptions
    assert "2023-03-14 09:00:10.000 UTC" in exceptions
    assert f'<a href="#ev-tm-1-taskmanager-log-944">{TM1_LOG}:944</a>' in exceptions  # the example's timeline row


def test_exception_groups_and_traces_are_capped_and_say_so() -> None:
    groups = tuple(group(f"sig {i}", i + 1, example="y" * (EXCEPTION_TRACE_CAP + 10)) for i in range(60))
    view = build_exceptions(groups, href_of=lambda _source, _line: None)
    assert len(view.rows) == EXCEPTION_GROUPS_CAP
    assert view.rows[0].count == "60"
    assert f"Showing {EXCEPTION_GROUPS_CAP}" in view.summary
    assert len(view.rows[0].example) == EXCEPTION_TRACE_CAP
    assert view.rows[0].example_note == "… 10 more characters not shown"


def test_no_exceptions() -> None:
    assert "No exception trace was found" in section(render_html(make_analysis()), "exceptions")


# --- checkpoints -------------------------------------------------------------------------------------------------

COMPLETED = f"Completed checkpoint {{n}} for job {JOB_ID} ({{size}} bytes, checkpointDuration={{ms}} ms, finalizationTime=3 ms)."


def checkpoint_events() -> pl.DataFrame:
    rows = []
    for n in range(1, 5):
        rows.append(
            event(
                60 * n,
                JM_LOG,
                100 + 10 * n,
                "checkpoint_triggered",
                f"Triggering checkpoint {n}",
                job_id=JOB_ID,
                checkpoint_id=str(n),
            )
        )
    for n in range(1, 3):
        row = event(
            60 * n + 2,
            JM_LOG,
            101 + 10 * n,
            "checkpoint_completed",
            COMPLETED.format(n=n, size=1_048_576 * n, ms=1500 * n),
            job_id=JOB_ID,
            checkpoint_id=str(n),
        )
        row["value"] = 1500.0 * n
        rows.append(row)
    rows.append(
        event(
            240,
            JM_LOG,
            132,
            "checkpoint_expired",
            "Checkpoint 3 of job expired before completing.",
            job_id=JOB_ID,
            checkpoint_id="3",
        )
    )
    consecutive = event(
        240.1,
        JM_LOG,
        133,
        "checkpoint_failed_consecutive",
        "Failed to trigger or complete checkpoint 3",
        job_id=JOB_ID,
        checkpoint_id="3",
    )
    consecutive["value"] = 2.0
    rows.append(consecutive)
    # TaskManager-side: no job id, joined to the only job with checkpoint 3
    slow = event(
        235, TM2_LOG, 77, "checkpoint_sync_phase_slow", "sync phase of checkpoint 3 took 40 s", checkpoint_id="3"
    )
    slow["value"] = 40_000.0
    rows.append(slow)
    return events_frame(rows)


def test_checkpoint_table_joins_outcomes_durations_sizes_and_tm_side_events() -> None:
    table = checkpoints.checkpoint_table(checkpoint_events())
    assert table.schema == pl.Schema(checkpoints.TABLE_SCHEMA)
    rows = {row["checkpoint_id"]: row for row in table.iter_rows(named=True)}
    assert [rows[n]["status"] for n in (1, 2, 3, 4)] == ["completed", "completed", "failed", "no outcome logged"]
    assert rows[2]["duration_ms"] == 3000.0 and rows[2]["size_bytes"] == 2 * 1_048_576
    assert rows[3]["outcome"] == "expired"  # the most specific failure names it, not the generic counter
    assert rows[3]["consecutive_failures"] == 2
    assert rows[3]["job_id"] == JOB_ID and "checkpoint_sync_phase_slow" in rows[3]["signals"]
    assert (rows[3]["source"], rows[3]["line"]) == (JM_LOG, 132)
    assert table.height == 4  # the TaskManager-side event did not make a row of its own


def test_the_completed_size_pattern_matches_real_lines() -> None:
    frame = pl.DataFrame(
        {
            "text": [
                f"Completed checkpoint 7 for job {JOB_ID} (205771876 bytes, checkpointDuration=1930 ms, finalizationTime=11 ms).",
                f"Completed checkpoint 1 for job {JOB_ID} (253541996 bytes in 1239 ms).",
            ]
        }
    )
    sizes = frame.select(pl.col("text").str.extract(checkpoints.COMPLETED_SIZE, 1).cast(pl.Int64))["text"]
    assert sizes.to_list() == [205771876, 253541996]


def test_checkpoints_section_shows_jobs_rows_and_a_duration_chart() -> None:
    page = render_html(make_analysis(events=checkpoint_events()))
    cps = section(page, "checkpoints")
    assert "4 checkpoints of 1 job." in cps
    assert '<td class="status bad">expired</td>' in cps
    assert '<td class="status warn">no outcome logged</td>' in cps
    assert "failed after 1 min 00 s" in cps and "1.5 s" in cps and "2.0 MiB" in cps
    assert "2 consecutive failed attempts before it" in cps
    assert len(svg_elements(cps)) == 1 and "failed checkpoint" in cps
    check_page(page)


def test_checkpoint_rows_are_capped_failed_first() -> None:
    n = checkpoints.CHECKPOINT_ROWS_CAP + 40
    rows = [
        event(i, JM_LOG, i, "checkpoint_triggered", f"Triggering checkpoint {i}", job_id=JOB_ID, checkpoint_id=str(i))
        for i in range(1, n + 1)
    ]
    rows.append(event(n + 1, JM_LOG, n + 1, "checkpoint_expired", "expired", job_id=JOB_ID, checkpoint_id="1"))
    view = checkpoints.build_checkpoints(events_frame(rows), window=None, incident=None, href_of=lambda _s, _l: None)
    assert len(view.rows) == checkpoints.CHECKPOINT_ROWS_CAP
    assert view.rows[0].checkpoint_id == "1" and view.rows[0].status == "expired"
    assert f"showing {checkpoints.CHECKPOINT_ROWS_CAP}" in view.summary


def test_no_checkpoints() -> None:
    page = render_html(make_analysis(events=events_frame([])))
    assert "No checkpoint was logged" in section(page, "checkpoints")


# --- metrics -----------------------------------------------------------------------------------------------------


def metric_rows(rows: list[tuple[float, str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "ts": at(seconds),
                "source": TM1_LOG,
                "line": 1,
                "tm_id": TM1,
                "scope": scope,
                "metric": name,
                "value": value,
            }
            for seconds, scope, name, value in rows
        ],
        schema=METRICS_SCHEMA,
    )


def test_panel_samples_normalise_units_and_turn_gc_counters_into_a_rate() -> None:
    frame = metric_rows(
        [
            (0, "MemoryLogger", "heap_used_mb", 512.0),
            (10, "tm", "Status.JVM.Memory.Heap.Used", 256 * 1024 * 1024.0),
            (0, "MemoryLogger", "direct_used_bytes", 64 * 1024 * 1024.0),
            (0, "MemoryLogger", "gc_time_ms{G1 Young Generation}", 1000.0),
            (10, "MemoryLogger", "gc_time_ms{G1 Young Generation}", 2000.0),  # 1 s of GC in 10 s: 10%
            (0, "MemoryLogger", "gc_time_ms{G1 Old Generation}", 0.0),
            (10, "MemoryLogger", "gc_time_ms{G1 Old Generation}", 500.0),  # + 5%
            (20, "MemoryLogger", "gc_time_ms{G1 Young Generation}", 10.0),  # restarted JVM: no point
            (0, "tm", "Status.JVM.CPU.Load", 0.42),
            (0, "tm.job.Map.0", "backPressuredTimeMsPerSecond", 250.0),
            (0, "tm.job.Map.1", "backPressuredTimeMsPerSecond", 900.0),  # the busiest subtask counts
            (0, "tm.job.Map.1", "numRecordsInPerSecond", 12.0),  # not charted
        ]
    )
    panels = metrics.panel_samples(frame)
    assert set(panels) == {"heap", "direct", "gc_time", "cpu", "backpressure"}
    assert panels["heap"]["value"].to_list() == [512.0, 256.0]
    assert panels["direct"]["value"].to_list() == [64.0]
    assert panels["gc_time"]["value"].to_list() == pytest.approx([15.0])
    assert panels["cpu"]["value"].to_list() == pytest.approx([42.0])
    assert panels["backpressure"]["value"].to_list() == [90.0]
    assert set(panels["heap"]["series"]) == {TM1}


def test_metrics_section_from_real_memory_logger_and_reporter_lines(tmp_path: Path) -> None:
    analysis = analyze([write_metrics_incident(tmp_path / "incident")], now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    page = render_html(analysis)
    section_html = section(page, "metrics")
    charts = svg_elements(section_html)
    assert [re.search(r"<title[^>]*>([^<]*)</title>", c).group(1) for c in charts] == [  # type: ignore[union-attr]
        "Heap used",
        "Direct memory used",
        "Time in GC",
        "CPU load",
        "Backpressure",
    ]
    for tm_id in TM_IDS:
        assert tm_id in section_html
    assert "1,008 MiB" in section_html  # TaskManager 2's heap peak, in the table
    # the metrics charts share the timeline's time axis
    timeline_ticks = re.findall(
        r'text-anchor="middle" fill="#4b5563">([^<]+)<', svg_elements(section(page, "timeline"))[0]
    )
    assert re.findall(r'text-anchor="middle" fill="#4b5563">([^<]+)<', charts[0]) == timeline_ticks
    check_page(page)


def test_without_metrics_the_section_says_how_to_get_them() -> None:
    metrics_html = section(render_html(make_analysis()), "metrics")
    assert "taskmanager.debug.memory.log: true" in metrics_html and "<svg" not in metrics_html


# --- data quality ------------------------------------------------------------------------------------------------


def skew_events(tm_offset_s: float) -> pl.DataFrame:
    rows = [
        event(10, JM_LOG, 50, "tm_registered_at_rm", f"Registering TaskManager with ResourceID {TM2}", tm_id=TM2),
        event(10.02 + tm_offset_s, TM2_LOG, 5, "tm_rm_registration_successful", "Successful registration", tm_id=TM2),
        event(20, JM_LOG, 60, "task_deploying", "Deploying Map (1/2)", tm_id=TM2, task="Map", subtask="1", attempt="0"),
        event(
            20.03 + tm_offset_s,
            TM2_LOG,
            9,
            "task_received",
            "Received task Map (1/2)#0",
            tm_id=TM2,
            task="Map",
            subtask="1",
            attempt="0",
        ),
    ]
    return events_frame(rows)


@pytest.mark.parametrize(
    ("offset_s", "reading"),
    [
        (0.0, "consistent: within the time an RPC takes"),
        (-2.0, "TaskManager clock behind by at least 2.0 s"),
        (5.0, "TaskManager clock ahead by up to 5.0 s"),
        (3600.0, "A multiple of 15 min: the two logs were probably read in different time zones"),
    ],
)
def test_clock_skew_from_messages_both_sides_log(offset_s: float, reading: str) -> None:
    view = quality.build_quality((), skew_events(offset_s), tz_used="UTC", href_of=lambda _s, _l: None)
    assert len(view.skew) == 1
    row = view.skew[0]
    assert (row.taskmanager, row.source, row.pairs) == (TM2, TM2_LOG, "2")
    assert reading in row.verdict


def test_without_both_sides_clock_skew_is_not_guessed() -> None:
    view = quality.build_quality(
        (), skew_events(0).filter(pl.col("source") == JM_LOG), tz_used="UTC", href_of=lambda _s, _l: None
    )
    assert view.skew == () and "cannot be estimated" in view.skew_summary


def test_quality_shows_time_zone_warnings_silences_and_skew() -> None:
    gap = event(700, TM2_LOG, 880, "tm_log_gap", "No log line for 95.0 s", tm_id=TM2)
    gap["value"] = 95.0
    events = pl.concat([skew_events(0), events_frame([gap])])
    base = make_analysis(events=events)
    sources = (
        *base.sources,
        SourceStats(
            "tm-3/taskmanager.log.gz",
            SourceKind.FLINK_TASKMANAGER,
            "log4j2",
            warnings=("truncated gzip: the last 12 KiB are lost",),
        ),
    )
    page = render_html(dataclasses.replace(base, sources=sources))
    quality_html = section(page, "quality")
    assert "Time zone of naive timestamps:</strong> UTC" in quality_html
    assert "truncated gzip: the last 12 KiB are lost" in quality_html and "1 warning(s)" in quality_html
    assert "5 of 6 files analysed; 1 skipped" in quality_html
    assert "1 silence of 45 s or more in 1 TaskManager log, the longest 1 min 35 s" in quality_html
    assert "2023-03-14 09:10:05.000 UTC" in quality_html and "2023-03-14 09:11:40.000 UTC" in quality_html
    assert "consistent: within the time an RPC takes" in quality_html


# --- provenance --------------------------------------------------------------------------------------------------


def test_provenance_names_tool_catalogue_command_time_inputs_and_caps() -> None:
    analysis = dataclasses.replace(make_analysis(), generated_at=dt.datetime(2030, 5, 6, 7, 8, 9, tzinfo=dt.UTC))
    provenance = section(render_html(analysis), "provenance")
    assert "2030-05-06 07:08:09.000 UTC" in provenance  # injected, not the wall clock
    assert "2024.06.1" in provenance and "--html report.html" in provenance
    for path in (JM_LOG, TM1_LOG, TM2_LOG, GC_LOG):
        assert path in provenance
    assert "does not record the input files&#39; SHA-256" in provenance
    assert f"Evidence: {EVIDENCE_ROWS_CAP} lines per finding" in provenance


def test_input_hashes_are_shown_when_the_analysis_records_them() -> None:
    base = make_analysis()
    digest = "ab" * 32
    sources = tuple(dataclasses.replace(s, sha256=digest) for s in base.sources)
    provenance = section(render_html(dataclasses.replace(base, sources=sources)), "provenance")
    assert provenance.count(digest) == len(sources)
    assert "does not record" not in provenance


# --- verdict and evidence ----------------------------------------------------------------------------------------


def test_the_verdict_names_missing_inputs() -> None:
    base = make_analysis(with_gc=False)
    sources = tuple(s for s in base.sources if s.kind is not SourceKind.GC_LOG and s.path != TM1_LOG)
    events = base.events.filter(pl.col("source") != TM1_LOG)
    verdict = build_view(dataclasses.replace(base, sources=sources, events=events)).verdict
    assert verdict.missing[0] == f"No GC log for TaskManager {TM1}."  # the finding's own words first
    assert not any(item.startswith("No GC log:") for item in verdict.missing)  # already said
    assert f"No log of TaskManager {TM1}." in verdict.missing
    assert f"No log of TaskManager {TM2}." not in verdict.missing  # its log is here


def test_when_nothing_is_missing_the_verdict_says_so() -> None:
    base = make_analysis()
    findings = tuple(dataclasses.replace(f, missing=()) for f in base.findings)
    verdict = section(render_html(dataclasses.replace(base, findings=findings)), "verdict")
    assert "What would raise confidence" in verdict and "Nothing is known to be missing" in verdict


def test_evidence_is_capped_and_shows_context_lines() -> None:
    base = make_analysis()
    root = next(f for f in base.findings if f.id == "gc_pause_heartbeat_timeout")
    many = tuple(
        Evidence(
            JM_LOG, 1000 + i, at(700 + i), f"line {i}", "tm_heartbeat_timeout", (f"before {i}",), (f"after {i} <b>",)
        )
        for i in range(EVIDENCE_ROWS_CAP + 5)
    )
    findings = tuple(dataclasses.replace(f, evidence=many) if f is root else f for f in base.findings)
    page = render_html(dataclasses.replace(base, findings=findings))
    article = re.search(
        r'<article class="finding[^"]*" id="finding-gc-pause-heartbeat-timeout">.*?</article>', page, re.DOTALL
    )
    assert article is not None
    html = article.group(0)
    assert html.count("<tr id=") == EVIDENCE_ROWS_CAP
    assert f"Showing {EVIDENCE_ROWS_CAP} of {EVIDENCE_ROWS_CAP + 5} evidence lines" in html
    assert '<pre class="context">before 0</pre>' in html
    assert '<pre class="hit">line 0</pre>' in html
    assert '<pre class="context">after 0 &lt;b&gt;</pre>' in html


def test_the_verdict_groups_resubmitted_jobs_under_their_name() -> None:
    other = "0" * 31 + "1"
    extra = events_frame(
        [
            event(725, JM_LOG, 500, "job_restarting", "restarting", job_id=other, job_name="clickstream-enrichment"),
        ]
    )
    verdict = build_view(make_analysis(events=pl.concat([make_analysis().events, extra]))).verdict
    assert f"clickstream-enrichment ({JOB_ID} and 1 more ids: resubmitted)" in verdict.jobs


def test_the_verdict_is_laid_out_for_the_first_screen() -> None:
    verdict = section(render_html(make_analysis()), "verdict")
    main = verdict.index('<div class="verdict-main">')
    side = verdict.index('<div class="verdict-side">')
    assert (
        main
        < verdict.index("85%")
        < side
        < verdict.index("The one change to make")
        < verdict.index("What would raise confidence")
    )


# --- size ----------------------------------------------------------------------------------------------------------


def test_a_huge_incident_gives_a_page_under_2_mb() -> None:
    base = make_analysis()
    findings = tuple(
        dataclasses.replace(
            f, evidence=tuple(Evidence(JM_LOG, i, at(i), "z" * 10_000, "tm_heartbeat_timeout") for i in range(500))
        )
        for f in base.findings
    )
    groups = tuple(group(f"signature {i}", i + 1, example="trace " * 6_000) for i in range(300))
    triggered = [
        event(
            i,
            JM_LOG,
            10_000 + i,
            "checkpoint_triggered",
            f"Triggering checkpoint {i}",
            job_id=JOB_ID,
            checkpoint_id=str(i),
        )
        for i in range(1, 5_001)
    ]
    expired = [
        event(i + 0.5, JM_LOG, 20_000 + i, "checkpoint_expired", "expired", job_id=JOB_ID, checkpoint_id=str(i))
        for i in range(1, 5_001, 2)
    ]
    gaps = []
    for i in range(1_000):
        gap = event(i, TM2_LOG, 30_000 + i, "tm_log_gap", f"No log line for {50 + i} s", tm_id=TM2)
        gap["value"] = 50.0 + i
        gaps.append(gap)
    events = pl.concat([base.events, events_frame(triggered + expired + gaps)])
    page = render_html(dataclasses.replace(base, findings=findings, exceptions=groups, events=events))
    assert len(page.encode()) < 2_000_000, len(page.encode())
    assert "Showing 25 of 500 evidence lines" in page
    check_page(page)
