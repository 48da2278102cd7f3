"""The HTML report: content and order, anchors, self-containment, escaping of hostile log text, the view contract."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from jinja2 import meta

import logforensics
from logforensics.api import load_default_catalogue
from logforensics.model import (
    EVENTS_SCHEMA,
    GC_EVENTS_SCHEMA,
    KEY_COLUMNS,
    Analysis,
    Evidence,
    Finding,
    FindingKind,
    GcSummary,
    Incident,
    Remediation,
    Severity,
    SourceKind,
    SourceStats,
)
from logforensics.report import html as report_html
from logforensics.report import timeline_chart
from logforensics.report.axes import TimeWindow
from logforensics.report.formatting import format_ts
from logforensics.report.html import environment, render_html, script_json, write_html
from logforensics.report.view import EVENTS_TABLE_CAP, VIEW_FIELDS, ReportView, build_view, format_duration
from logforensics.resources import templates_dir

FAMILY_OF = {signal.id: str(signal.family) for signal in load_default_catalogue().signals.values()}

T0 = dt.datetime(2023, 3, 14, 9, 0, 0, tzinfo=dt.UTC)
TM1 = "container_e08_1678780000000_0001_01_000002"
TM2 = "container_e08_1678780000000_0001_01_000003"
JOB_ID = "5d4f2a0c8e1b4f7a9c3e2d1b0a9f8e7d"
JM_LOG = "jobmanager/jobmanager.log"
TM1_LOG = "tm-1/taskmanager.log"
TM2_LOG = "tm-2/taskmanager.log"
GC_LOG = "tm-2/gc.log"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# --- building analyses by hand ----------------------------------------------------------------------------------


def event(
    seconds: float | None, source: str, line: int, kind: str, text: str, *, level: str = "INFO", **keys: str
) -> dict[str, Any]:
    source_kind = {
        JM_LOG: SourceKind.FLINK_JOBMANAGER,
        GC_LOG: SourceKind.GC_LOG,
    }.get(source, SourceKind.FLINK_TASKMANAGER)
    row: dict[str, Any] = {
        "ts": None if seconds is None else at(seconds),
        "ts_quality": "exact",
        "source": source,
        "source_kind": source_kind.value,
        "line": line,
        "kind": kind,
        "family": FAMILY_OF.get(kind, "other"),
        "level": level,
        "value": None,
        "text": text,
    }
    row.update({key: keys.get(key) for key in KEY_COLUMNS})
    return row


def events_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=EVENTS_SCHEMA)


def gc_event(
    seconds: float, line: int, pause_ms: float, *, full: bool = False, heap_after_mb: float = 900.0
) -> dict[str, Any]:
    return {
        "source": GC_LOG,
        "line": line,
        "ts": at(seconds),
        "uptime_s": 100.0 + seconds,
        "ts_quality": "exact",
        "gc_id": line,
        "collector": "G1",
        "gc_type": "Pause Full (G1 Compaction Pause)" if full else "Pause Young (Normal)",
        "cause": "Allocation Failure" if full else "G1 Evacuation Pause",
        "is_full": full,
        "is_pause": True,
        "pause_ms": pause_ms,
        "heap_before_kb": heap_after_mb * 1024 + 200_000,
        "heap_after_kb": heap_after_mb * 1024,
        "heap_total_kb": 2048.0 * 1024,
        "text": f"[{seconds:.3f}s][info][gc] GC({line}) Pause {pause_ms}ms",
    }


def gc_frame(rows: Iterable[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=GC_EVENTS_SCHEMA)


HEARTBEAT_LINE = f"Heartbeat of TaskManager with id {TM2} timed out."
GC_LINE = (
    "[2023-03-14T09:11:20.000+0000][info][gc] GC(812) Pause Full (G1 Compaction Pause) 1980M->1950M(2048M) 38012.4ms"
)


def default_events() -> pl.DataFrame:
    return events_frame(
        [
            event(30, TM2_LOG, 12, "tm_registered", f"Successful registration at resource manager as {TM2}", tm_id=TM2),
            event(60, JM_LOG, 210, "checkpoint_completed", "Checkpoint 41 done", job_id=JOB_ID, checkpoint_id="41"),
            event(680, GC_LOG, 5012, "gc_long_pause", GC_LINE),
            event(721, JM_LOG, 388, "tm_heartbeat_timeout", HEARTBEAT_LINE, tm_id=TM2, level="INFO"),
            event(
                721.5, JM_LOG, 390, "task_failed",
                f"Map (2/4) switched from RUNNING to FAILED on {TM2} @ 10.0.0.3.",
                tm_id=TM2, job_id=JOB_ID, from_state="RUNNING", to_state="FAILED", level="WARN",
            ),
            event(
                722, JM_LOG, 402, "job_restarting",
                f"Job clickstream-enrichment ({JOB_ID}) switched from state RUNNING to RESTARTING.",
                job_id=JOB_ID, job_name="clickstream-enrichment", from_state="RUNNING", to_state="RESTARTING",
            ),
            event(
                723, TM1_LOG, 944, "remote_tm_connection_closed",
                "Connection unexpectedly closed by remote task manager '10.0.0.3/10.0.0.3:40123'.",
                tm_id=TM1, level="ERROR",
            ),
            event(790, TM2_LOG, 1301, "jm_heartbeat_timeout_on_tm", "The heartbeat of JobManager with id 0a1b timed out."),
            event(900, JM_LOG, 455, "checkpoint_expired", "Checkpoint 42 of job expired before completing.",
                  job_id=JOB_ID, checkpoint_id="42", level="WARN"),
            event(None, TM1_LOG, 3, "jvm_banner", "Starting TaskManager (Version: 1.17.1)"),
        ]
    )  # fmt: skip


def default_gc_events() -> pl.DataFrame:
    rows = [
        gc_event(seconds, 4000 + index, 20.0 + (seconds % 7) * 3) for index, seconds in enumerate(range(0, 1200, 4))
    ]
    rows.append(gc_event(680, 5012, 38012.4, full=True, heap_after_mb=1950))
    return gc_frame(rows)


def make_analysis(
    *,
    findings: tuple[Finding, ...] | None = None,
    events: pl.DataFrame | None = None,
    gc_events: pl.DataFrame | None = None,
    with_gc: bool = True,
) -> Analysis:
    root = Finding(
        id="gc_pause_heartbeat_timeout",
        title="TaskManager heartbeat timeout caused by a long GC pause",
        kind=FindingKind.ROOT_CAUSE,
        severity=Severity.HIGH,
        confidence=0.85,
        first_ts=at(680),
        last_ts=at(721),
        keys={"tm_id": TM2, "job_id": JOB_ID},
        evidence=(
            Evidence(GC_LOG, 5012, at(680), GC_LINE, "gc_long_pause"),
            Evidence(JM_LOG, 388, at(721), HEARTBEAT_LINE, "tm_heartbeat_timeout"),
        ),
        remediation=(
            Remediation(
                "Give the TaskManager heap room for its state, or move the state off the heap.",
                {
                    "taskmanager.memory.task.heap.size": "raise from 1536m to 3g",
                    "state.backend.type": "rocksdb",
                },
            ),
            Remediation("Raise the heartbeat timeout only as a stop-gap.", {"heartbeat.timeout": "120000"}),
        ),
        summary=f"A 38 s full GC on TaskManager {TM2} stalled it past heartbeat.timeout (50 s) and the job restarted.",
        diagnosis="The heap was **full**: `1980M->1950M(2048M)`.\n\nThe JobManager gave up on the TaskManager.",
        references=(
            "https://nightlies.apache.org/flink/flink-docs-stable/docs/deployment/memory/mem_trouble/",
            "http://example.com/insecure-reference",
            "FLINK-21884",
        ),
        explains=("tm_heartbeat_timeout", "remote_tm_connection_closed"),
        count=1,
        why="A GC pause of 38 s on tm-2/gc.log preceded the heartbeat timeout of the same TaskManager by 41 s.",
        missing=(f"No GC log for TaskManager {TM1}.",),
    )
    symptom = Finding(
        id="tm_heartbeat_timeout",
        title="TaskManager heartbeat timed out",
        kind=FindingKind.SYMPTOM,
        severity=Severity.MEDIUM,
        confidence=0.9,
        first_ts=at(721),
        last_ts=at(722),
        keys={"tm_id": TM2},
        evidence=(Evidence(JM_LOG, 388, at(721), HEARTBEAT_LINE, "tm_heartbeat_timeout"),),
        remediation=(),
        explained_by="gc_pause_heartbeat_timeout",
    )
    consequence = Finding(
        id="remote_tm_connection_closed",
        title="Connection closed by a remote TaskManager",
        kind=FindingKind.SYMPTOM,
        severity=Severity.LOW,
        confidence=0.7,
        first_ts=at(723),
        last_ts=at(723),
        keys={"tm_id": TM1},
        evidence=(
            Evidence(
                TM1_LOG,
                944,
                at(723),
                "Connection unexpectedly closed by remote task manager '10.0.0.3/10.0.0.3:40123'.",
            ),
        ),
        remediation=(),
        explained_by="gc_pause_heartbeat_timeout",
        count=3,
    )
    risk = Finding(
        id="checkpoint_expired",
        title="Checkpoints expire before completing",
        kind=FindingKind.RISK,
        severity=Severity.MEDIUM,
        confidence=0.6,
        first_ts=at(900),
        last_ts=at(900),
        keys={"job_id": JOB_ID, "checkpoint_id": "42"},
        evidence=(
            Evidence(JM_LOG, 455, at(900), "Checkpoint 42 of job expired before completing.", "checkpoint_expired"),
        ),
        remediation=(
            Remediation(
                "Find the slow subtask before raising the timeout.", {"execution.checkpointing.timeout": "10 min"}
            ),
        ),
    )
    sources = (
        SourceStats(JM_LOG, SourceKind.FLINK_JOBMANAGER, "log4j2", 12_000, 11_500, 0, at(0), at(1200), tz_used="UTC"),
        SourceStats(TM1_LOG, SourceKind.FLINK_TASKMANAGER, "log4j2", 8_000, 7_000, 2, at(0), at(1200), tz_used="UTC"),
        SourceStats(TM2_LOG, SourceKind.FLINK_TASKMANAGER, "log4j2", 9_000, 8_100, 0, at(0), at(800), tz_used="UTC"),
        SourceStats(GC_LOG, SourceKind.GC_LOG, "gc_unified", 6_000, 300, 0, at(0), at(1196), tz_used="UTC"),
        SourceStats("notes/readme.txt", SourceKind.UNKNOWN, None, skipped_reason="not a log this tool knows"),
    )
    gc = (
        GcSummary(GC_LOG, "G1", "unified", 301, 50_500.0, 38_012.4, 27.0, 38.0, 1, 95.8, tm_id=TM2),
    )  # fmt: skip
    return Analysis(
        root="incidents/2023-03-14-clickstream",
        inputs=("incidents/2023-03-14-clickstream/logs.tar.gz",),
        incident=Incident(at(660), at(800), "1.17.1", "yarn", "UTC"),
        sources=sources,
        findings=(risk, consequence, symptom, root) if findings is None else findings,
        events=default_events() if events is None else events,
        gc_events=(default_gc_events() if with_gc else gc_frame([])) if gc_events is None else gc_events,
        gc=gc if with_gc else (),
        catalogue_version="2024.06.1",
        generated_at=dt.datetime(2023, 3, 15, 8, 30, 0, 123000, tzinfo=dt.UTC),
        command="logforensics analyze incidents/2023-03-14-clickstream --html report.html",
    )


# --- reading the page ------------------------------------------------------------------------------------------

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageChecker(HTMLParser):
    """Collects ids, in-page links and script elements; records every unbalanced or misnested tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "script":
            self.scripts.append(values)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attrs(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def check_page(page: str) -> PageChecker:
    checker = PageChecker()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, f"unclosed: {checker.stack}"
    return checker


def svg_elements(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)


def marker_hrefs(page: str) -> list[str]:
    return re.findall(r'<a href="#([^"]+)"><path class="marker"', page)


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', page, flags=re.DOTALL)
    assert match, section_id
    return match.group(0)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_analysis())


# --- content and order -----------------------------------------------------------------------------------------


SECTIONS = (
    "verdict",
    "chain",
    "timeline",
    "findings",
    "gc",
    "metrics",
    "exceptions",
    "checkpoints",
    "quality",
    "provenance",
)


def test_sections_come_in_the_documented_order(page: str) -> None:
    positions = [page.index(f'<section id="{name}"') for name in SECTIONS]
    assert positions == sorted(positions)
    toc = page[page.index('<ol class="toc">') : page.index("</ol>")]
    assert re.findall(r'href="#([a-z]+)"', toc) == list(SECTIONS)


def test_verdict_names_the_top_finding_its_confidence_and_the_one_remedy(page: str) -> None:
    verdict = section(page, "verdict")
    assert "TaskManager heartbeat timeout caused by a long GC pause" in verdict
    assert "85%" in verdict
    assert "HIGH" in verdict
    assert "<code>taskmanager.memory.task.heap.size</code>" in verdict
    assert "Raise the heartbeat timeout" not in verdict  # only the first remedy is THE remedy
    assert "2023-03-14 09:11:00.000 UTC – 2023-03-14 09:13:20.000 UTC" in verdict
    assert f"clickstream-enrichment ({JOB_ID})" in verdict
    assert TM2 in verdict and TM1 in verdict
    assert "What would raise confidence" in verdict and f"No GC log for TaskManager {TM1}." in verdict
    assert page.index("TaskManager heartbeat timeout caused by a long GC pause") < page.index('<section id="findings"')


def test_causal_chain_nests_the_explained_findings_under_the_root_cause(page: str) -> None:
    chain = section(page, "chain")
    root_at = chain.index("TaskManager heartbeat timeout caused by a long GC pause")
    nested = chain.index('<ul class="chain">', root_at)
    assert nested < chain.index("TaskManager heartbeat timed out") < chain.index("Not explained by a root cause")
    assert nested < chain.index("Connection closed by a remote TaskManager")
    unexplained = chain[chain.index("Not explained by a root cause") :]
    assert "Checkpoints expire before completing" in unexplained
    assert "TaskManager heartbeat timed out" not in unexplained


def test_findings_show_root_causes_first_with_their_details(page: str) -> None:
    findings = section(page, "findings")
    order = [
        findings.index(title) for title in ("caused by a long GC pause", "heartbeat timed out", "Checkpoints expire")
    ]
    assert order == sorted(order)
    assert "Why this rule fired" in findings
    assert "<code>state.backend.type</code>" in findings and "raise from 1536m to 3g" in findings
    assert "3 times" in findings


def test_diagnosis_markdown_is_shown_as_text_not_rendered(page: str) -> None:
    assert "The heap was **full**: `1980M-&gt;1950M(2048M)`." in page
    assert "<strong>full</strong>" not in page


def test_only_https_references_become_links(page: str) -> None:
    assert '<a href="https://nightlies.apache.org/flink/' in page
    assert "http://example.com/insecure-reference" in page
    assert 'href="http://example.com' not in page
    assert "<li>FLINK-21884</li>" in page


def test_gc_and_sources_sections(page: str) -> None:
    gc = section(page, "gc")
    assert "G1" in gc and "38.0 s" in gc and "95.8%" in gc
    assert gc.count("<svg") == 2
    sources = section(page, "quality")
    for path in (JM_LOG, TM1_LOG, TM2_LOG, GC_LOG, "notes/readme.txt"):
        assert path in sources
    assert "not a log this tool knows" in sources
    assert "12,000" in sources


def test_provenance_states_versions_time_and_command_from_the_analysis(page: str) -> None:
    footer = section(page, "provenance")
    assert f"logforensics {logforensics.__version__}" in footer
    assert "2024.06.1" in footer
    assert "2023-03-15 08:30:00.123 UTC" in footer
    assert "logforensics analyze incidents/2023-03-14-clickstream --html report.html" in footer


def test_rendering_is_deterministic() -> None:
    assert render_html(make_analysis()) == render_html(make_analysis())


# --- anchors ---------------------------------------------------------------------------------------------------


def test_every_evidence_row_and_event_row_has_a_unique_anchor(page: str) -> None:
    checker = check_page(page)
    assert len(checker.ids) == len(set(checker.ids))
    ids = set(checker.ids)
    for source_slug, line in (("tm-2-gc-log", 5012), ("jobmanager-jobmanager-log", 388), ("tm-1-taskmanager-log", 944)):
        assert f"ev-{source_slug}-{line}" in ids
    evidence_rows = re.findall(r'<tr id="(finding-[^"]+)">', page)
    assert len(evidence_rows) == 5  # 2 + 1 + 1 + 1 evidence lines


def test_every_in_page_link_and_marker_points_to_an_existing_anchor(page: str) -> None:
    checker = check_page(page)
    ids = set(checker.ids)
    markers = marker_hrefs(page)
    assert markers, "the timeline has markers"
    assert set(markers) <= ids
    dangling = [href for href in checker.hrefs if href.startswith("#") and href[1:] not in ids]
    assert not dangling


def test_a_marker_shows_its_own_events_text_where_a_silence_ends_on_a_records_line() -> None:
    """A silence's event sits on the line that ends it, beside the events of that line's record; each marker quotes
    its own event (the texts of the markers and of the table are read once, for both)."""
    from logforensics.api import analyze
    from tests.conftest import SAMPLES

    page = render_html(analyze([SAMPLES / "heap-oom-1.10"], now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    titles = re.findall(r'<path class="marker"[^>]*><title>([^<]*)</title>', page)
    by_place: dict[str, list[tuple[str, str]]] = {}
    for title in titles:
        head, _, text = title.partition("\n")
        _, kind, place = head.split(" · ")
        by_place.setdefault(place, []).append((kind, text))
    shared = {place: marks for place, marks in by_place.items() if len(marks) > 1}
    assert any(kind == "tm_log_gap" for marks in shared.values() for kind, _ in marks), "a silence shares a line"
    for marks in by_place.values():
        for kind, text in marks:
            assert text.startswith("No log line for ") == (kind == "tm_log_gap"), (kind, text)


def test_lanes_per_taskmanager_jobmanager_and_gc(page: str) -> None:
    chart = svg_elements(section(page, "timeline"))[0]
    labels = re.findall(r'<text class="lane-label"[^>]*><title>[^<]*</title>([^<]*)</text>', chart)
    assert labels[0] == "JobManager" and labels[-1] == "GC logs"
    assert len(labels) == 4  # JobManager, the two TaskManagers (tm-2's own log is recognised by its id), GC
    assert "GC(812) Pause Full" in chart  # the marker's tooltip quotes the line


# --- self-containment ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("embed_js", [True, False])
def test_the_page_loads_nothing_from_outside(embed_js: bool) -> None:
    page = render_html(make_analysis(), embed_js=embed_js)
    assert "<link" not in page
    assert "@import" not in page
    assert not re.search(r"\bsrc\s*=", page)
    assert not re.search(r"url\(\s*['\"]?\s*[a-z][a-z0-9+.-]*:", page, flags=re.IGNORECASE)
    assert not re.search(r"<(img|iframe|object|embed|video|audio|image|use)\b", page)
    assert not re.search(r"""(?:src|xlink:href|action|poster|data)\s*=\s*["']?(?:https?:)?//""", page)
    external = [href for href in check_page(page).hrefs if not href.startswith("#")]
    assert all(href.startswith("https://") for href in external)  # plain links to references, never loaded


def test_without_js_there_is_no_script_at_all() -> None:
    page = render_html(make_analysis(), embed_js=False)
    assert "<script" not in page.lower()
    assert not check_page(page).scripts


def test_with_js_the_script_only_enhances() -> None:
    page = render_html(make_analysis(), embed_js=True)
    checker = check_page(page)
    assert [script.get("type") for script in checker.scripts] == ["application/json", None]
    blob = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert blob is not None
    data = json.loads(blob.group(1))
    assert data["top_finding"] == "gc_pause_heartbeat_timeout"
    assert "tm_heartbeat_timeout" in data["kinds"]
    without = render_html(make_analysis(), embed_js=False)
    strip = re.compile(r"<script.*?</script>\n?", re.DOTALL)
    assert strip.sub("", page) == without


# --- hostile log text ------------------------------------------------------------------------------------------

HOSTILE = (
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(1)>",
    "{{ 7*7 }}",
    "line\u2028separator\u2029paragraph",
    "</style><b>bold</b>",
    '" onmouseover="alert(1)',
)


def hostile_analysis(payload: str) -> Analysis:
    base = make_analysis()
    evil_source = f"tm-9/{payload}.log"
    finding = dataclasses.replace(
        base.findings[-1],
        title=f"Title {payload}",
        summary=f"Summary {payload}",
        keys={"tm_id": payload, "job_name": payload},
        why=payload,
        diagnosis=payload,
        missing=(payload,),
        references=(payload, f"https://example.com/{payload}"),
        remediation=(Remediation(f"Do {payload}", {f"key.{payload}": payload}),),
        evidence=(
            Evidence(evil_source, 7, at(700), f"{payload} " + "x" * 1_000_000, payload),
            Evidence(JM_LOG, 388, at(721), payload),
        ),
    )
    events = pl.concat(
        [
            base.events,
            events_frame(
                [
                    event(
                        700, evil_source, 7, f"kind_{payload}", f"{payload} event text", tm_id=payload, job_name=payload
                    ),
                    event(701, JM_LOG, 999, "tm_heartbeat_timeout", payload, tm_id=payload),
                ]
            ),
        ]
    )
    sources = (*base.sources, SourceStats(evil_source, SourceKind.FLINK_TASKMANAGER, payload, warnings=(payload,)))
    return dataclasses.replace(
        base,
        findings=(*base.findings[:-1], finding),
        events=events,
        sources=sources,
        command=f"logforensics analyze {payload}",
        root=payload,
    )


@pytest.mark.parametrize("payload", HOSTILE, ids=lambda p: p.encode("unicode_escape").decode()[:30])
@pytest.mark.parametrize("embed_js", [True, False])
def test_hostile_log_text_is_escaped_everywhere(payload: str, embed_js: bool) -> None:
    page = render_html(hostile_analysis(payload), embed_js=embed_js)
    checker = check_page(page)
    assert "<" not in "".join(re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.DOTALL))
    assert "<script>alert" not in page
    assert "<img" not in page
    assert "<b>bold</b>" not in page
    assert 'onmouseover="alert' not in page
    assert len(checker.scripts) == (2 if embed_js else 0)
    assert page.count("</style>") == 1
    assert "more characters not shown" in page
    assert len(page) < 1_000_000  # the 1 MB line is capped, not printed whole
    for chart in svg_elements(page):
        ET.fromstring(chart)


def test_template_syntax_in_log_text_is_not_evaluated() -> None:
    page = render_html(hostile_analysis("{{ 7*7 }}"))
    assert page.count("{{ 7*7 }}") > 10
    geometry = re.compile(r'\s(?:d|x|y|x1|x2|y1|y2|cx|cy|r|width|height|viewBox|font-size|stroke-width)="[^"]*"')
    assert "49" not in geometry.sub("", page)  # chart coordinates may hold 49; no printed text does


def test_embedded_json_escapes_markup_and_line_separators() -> None:
    page = render_html(hostile_analysis("</script>\u2028\u2029&"))
    blob = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL)
    assert blob is not None
    raw = blob.group(1)
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        assert char not in raw
    titles = [finding["title"] for finding in json.loads(raw)["findings"]]
    assert "Title </script>\u2028\u2029&" in titles


def test_script_json_escapes_what_could_end_a_script_element() -> None:
    encoded = script_json({"a": "</script><!-- & ' \u2028 \u2029"})
    assert encoded == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u0027 \\u2028 \\u2029"}'
    assert json.loads(encoded) == {"a": "</script><!-- & ' \u2028 \u2029"}


def test_the_template_marks_nothing_safe() -> None:
    source = (templates_dir() / "report.html.j2").read_text(encoding="utf-8")
    assert "|safe" not in source.replace(" ", "")
    assert "autoescape false" not in source
    assert "Markup" not in source


# --- no root cause, empty frames --------------------------------------------------------------------------------


def test_without_a_root_cause_the_verdict_says_so_honestly() -> None:
    base = make_analysis()
    symptoms = tuple(
        dataclasses.replace(f, explained_by=None) for f in base.findings if f.kind is not FindingKind.ROOT_CAUSE
    )
    page = render_html(dataclasses.replace(base, findings=symptoms))
    verdict = section(page, "verdict")
    assert "No root cause could be established" in verdict
    assert "TaskManager heartbeat timed out" in verdict  # what was seen
    assert "The one change to make" not in verdict
    check_page(page)


def test_no_findings_no_events_no_gc() -> None:
    analysis = make_analysis(findings=(), events=events_frame([]), with_gc=False)
    page = render_html(analysis)
    check_page(page)
    assert "No root cause could be established" in section(page, "verdict")
    assert "No event was classified." in section(page, "timeline")
    assert "<svg" not in page
    assert "No GC log was analysed" in section(page, "gc")
    assert "No catalogued pattern matched." in section(page, "findings")


def test_unknown_incident_window_falls_back_to_the_events() -> None:
    analysis = dataclasses.replace(make_analysis(), incident=Incident(None, None, None, "unknown", "UTC"))
    verdict = section(render_html(analysis), "verdict")
    assert "from the first and last event" in verdict


# --- structure -------------------------------------------------------------------------------------------------


def test_the_page_parses_and_every_svg_is_well_formed_xml(page: str) -> None:
    check_page(page)
    charts = svg_elements(page)
    assert len(charts) == 4  # timeline, GC pauses, heap after GC, checkpoint durations (the expired one is a dot)
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.find("title") is not None
        drawn = [element for element in root.iter() if element.tag in ("path", "rect", "circle", "line")]
        assert all("fill" in e.attrib or "stroke" in e.attrib for e in drawn)  # presentation attributes, not CSS only


def test_100k_events_give_a_small_chart_and_a_capped_table() -> None:
    n = 100_000
    kinds = [
        "tm_heartbeat_timeout",
        "checkpoint_declined",
        "task_failed",
        "worker_terminated",
        "gc_long_pause",
        "tm_started",
    ]
    sources = [JM_LOG, TM1_LOG, TM2_LOG, GC_LOG]
    frame = pl.DataFrame(
        {
            "ts": [at(i * 0.05) for i in range(n)],
            "ts_quality": ["exact"] * n,
            "source": [sources[i % 4] for i in range(n)],
            "source_kind": [
                {JM_LOG: "flink_jobmanager", GC_LOG: "gc_log"}.get(sources[i % 4], "flink_taskmanager")
                for i in range(n)
            ],
            "line": list(range(1, n + 1)),
            "kind": [kinds[i % len(kinds)] for i in range(n)],
            "family": [FAMILY_OF.get(kinds[i % len(kinds)], "other") for i in range(n)],
            "level": ["WARN"] * n,
            **{
                key: [f"tm-{i % 40}" if key == "tm_id" and i % 3 == 0 else None for i in range(n)]
                for key in KEY_COLUMNS
            },
            "value": [None] * n,
            "text": [f"event {i} " + "y" * 150 for i in range(n)],
        },
        schema=EVENTS_SCHEMA,
    )
    big_gc = gc_frame(gc_event(i * 0.05, i, float(i % 500)) for i in range(n))
    page = render_html(make_analysis(events=frame, gc_events=big_gc))
    checker = check_page(page)
    charts = svg_elements(page)
    assert sum(len(chart) for chart in charts) < 200_000, [len(chart) for chart in charts]
    markers = marker_hrefs(page)
    assert 0 < len(markers) <= timeline_chart.MAX_MARKERS
    assert set(markers) <= set(checker.ids)
    assert section(page, "timeline").count('<tr id="ev-') == EVENTS_TABLE_CAP
    assert f"{EVENTS_TABLE_CAP:,} of {n:,} classified events" in page


# --- the view model contract -----------------------------------------------------------------------------------


def test_the_view_model_names_are_exactly_these() -> None:
    # The contract with templates/report.html.j2 (and with anyone who writes another template): change it knowingly.
    assert VIEW_FIELDS == (
        "page_title",
        "heading",
        "css",
        "script_enabled",
        "page_data",
        "verdict",
        "chain",
        "timeline",
        "findings",
        "gc",
        "metrics",
        "exceptions",
        "checkpoints",
        "quality",
        "provenance",
    )


def _view_types(root: type) -> set[type]:
    """Every view dataclass reachable from ``root`` through its fields' annotations."""
    import typing

    seen: set[type] = set()
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for hint in typing.get_type_hints(cls).values():
            stack = [hint]
            while stack:
                current = stack.pop()
                stack.extend(typing.get_args(current))
                if dataclasses.is_dataclass(current) and isinstance(current, type):
                    todo.append(current)
    return seen


# Fields the page does not print: the chart builder's bookkeeping (which event a marker stands for), and geometry that
# the template reads through a property of the same record.
NOT_PRINTED = {("Marker", "family"), ("Marker", "source"), ("Marker", "line"), ("Lane", "center")}


def test_the_template_prints_every_field_of_the_view_model() -> None:
    from jinja2 import nodes

    tree = environment().parse((templates_dir() / "report.html.j2").read_text(encoding="utf-8"))
    read = {node.attr for node in tree.find_all(nodes.Getattr)}
    unused = [
        (cls.__name__, f.name)
        for cls in _view_types(ReportView)
        if cls is not ReportView
        for f in dataclasses.fields(cls)
        if f.name not in read and (cls.__name__, f.name) not in NOT_PRINTED
    ]
    assert not unused, f"the view carries what the template never prints: {sorted(unused)}"


def test_print_stylesheet_and_dark_mode() -> None:
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert "nav, .filter-bar" in print_rules and "break-inside: avoid" in print_rules
    assert "@media (prefers-color-scheme: dark)" in css
    page = render_html(make_analysis())
    assert '<meta name="color-scheme" content="light dark">' in page


def test_the_template_uses_exactly_the_documented_view_names() -> None:
    env = environment()
    source = (templates_dir() / "report.html.j2").read_text(encoding="utf-8")
    assert meta.find_undeclared_variables(env.parse(source)) == set(VIEW_FIELDS)


def test_the_template_receives_exactly_the_view_model(monkeypatch: pytest.MonkeyPatch) -> None:
    received: dict[str, Any] = {}
    template = environment().get_template(report_html.TEMPLATE_NAME)
    original = type(template).render

    def spy(self: Any, *args: Any, **kwargs: Any) -> str:
        received.update(*args, **kwargs)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(template), "render", spy)
    render_html(make_analysis())
    assert tuple(received) == VIEW_FIELDS
    view = build_view(make_analysis())
    assert received.keys() == view.to_context().keys()


def test_every_view_field_is_documented() -> None:
    for field in dataclasses.fields(ReportView):
        assert field.metadata.get("doc"), field.name


def test_the_view_holds_display_ready_values_only() -> None:
    def walk(value: Any) -> Iterable[Any]:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                yield from walk(getattr(value, field.name))
        elif isinstance(value, tuple | list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)
        else:
            yield value

    leaves = list(walk(build_view(make_analysis())))
    assert all(isinstance(leaf, str | int | float | bool | type(None)) for leaf in leaves)
    assert not any(isinstance(leaf, dt.datetime | pl.DataFrame) for leaf in leaves)


# --- writing ---------------------------------------------------------------------------------------------------


def test_write_html_replaces_the_file_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    assert write_html(make_analysis(), target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]

    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("render failed")

    before = target.read_text(encoding="utf-8")
    monkeypatch.setattr(report_html, "render_html", broken)
    with pytest.raises(RuntimeError):
        write_html(make_analysis(), target)
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


# --- formatting ------------------------------------------------------------------------------------------------


def test_timestamps_read_the_same_everywhere() -> None:
    assert format_ts(dt.datetime(2023, 3, 14, 9, 12, 1, 123456, tzinfo=dt.UTC)) == "2023-03-14 09:12:01.123 UTC"
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert format_ts(dt.datetime(2023, 3, 14, 11, 12, 1, tzinfo=plus_two)) == "2023-03-14 09:12:01.000 UTC"
    assert format_ts(None) == "—"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.85, "850 ms"), (12.34, "12.3 s"), (245, "4 min 05 s"), (7380, "2 h 03 min"), (3 * 86400 + 4 * 3600, "3 d 4 h")],
)
def test_durations(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    ("kind", "family"),
    [
        ("heap_oom", "oom"),
        ("yarn_pmem_exceeded", "container_kill"),
        ("job_restarting", "restart"),
        ("tm_heartbeat_timeout", "heartbeat"),
        ("checkpoint_expired", "checkpoint"),
        ("checkpoint_completed", "other"),
        ("gc_long_pause", "gc"),
        ("tm_started", "other"),
    ],
)
def test_event_families(kind: str, family: str) -> None:
    row = event(1, JM_LOG, 1, kind, "text")
    assert timeline_chart.classify_events(events_frame([row]))["family"].to_list() == [family]


def test_lanes_beyond_the_cap_share_one_lane_and_markers_keep_their_first_event() -> None:
    n_tms = timeline_chart.MAX_LANES + 6
    rows = [event(10.0 * n, JM_LOG, n, "checkpoint_completed", f"Checkpoint {n} done") for n in range(1, 4)]
    for n in range(n_tms):
        source = f"tm-{n:02d}/taskmanager.log"
        kind = "heap_oom" if n < 3 else "tm_registered"  # the TaskManagers with a serious event keep their lane
        # Two events at the same time, the later line given first: the marker is the one of the earlier line.
        rows += [event(100.0 + n, source, 9, "tm_registered", f"second of tm-{n:02d}", tm_id=f"tm-{n:02d}")]
        rows += [event(100.0 + n, source, 7, kind, f"first of tm-{n:02d}", tm_id=f"tm-{n:02d}")]
    classified = timeline_chart.classify_events(events_frame(rows))
    assert classified["family_rank"].to_list()[:1] == [6]  # "other"
    assert set(classified["lane"].dtype.categories) >= {"jm", "gc", "more"}  # type: ignore[attr-defined]
    window = TimeWindow.between(at(0), at(200))
    chart = timeline_chart.timeline_chart(classified, window, anchor=lambda source, line: f"{source}-{line}")
    assert chart is not None
    titles = [lane.title for lane in chart.lanes]
    assert len(titles) == timeline_chart.MAX_LANES + 2  # JobManager, 23 TaskManagers, "more", GC
    assert titles[-2].startswith(f"events of the TaskManagers and files without a lane of their own: {2 * 7:,} events")
    assert all(any(t.startswith(f"TaskManager tm-{n:02d}:") for t in titles) for n in range(3))
    assert titles[0] == "JobManager: 3 events" and titles[-1] == "GC logs: 0 events"
    # A marker stands for the earliest event of its bucket and family: of two at the same time, the first line (the
    # second line has a marker of its own only where its family differs, the TaskManagers with an OOM).
    with_oom = {f"tm-{n:02d}/taskmanager.log" for n in range(3)}
    assert chart.markers and all(m.line != 9 or (m.source in with_oom and m.family == "other") for m in chart.markers)
    assert {m.family for m in chart.markers if m.line == 7 and m.source in with_oom} == {"oom"}
