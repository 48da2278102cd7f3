"""The Parquet export: every table written, read back equal, atomically; and ``analyze --parquet DIR``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from logforensics.api import analyze
from logforensics.cli import app
from logforensics.errors import OutputError
from logforensics.model import EVENTS_SCHEMA, GC_EVENTS_SCHEMA, METRICS_SCHEMA
from logforensics.report import parquet
from logforensics.report.checkpoints import TABLE_SCHEMA
from logforensics.report.parquet import TABLES, parquet_tables, write_parquet
from tests.conftest import SAMPLES
from tests.report.incidents import write_metrics_incident
from tests.report.test_html import make_analysis


def test_every_table_is_written_and_reads_back_equal(tmp_path: Path) -> None:
    analysis = make_analysis()
    written = write_parquet(analysis, tmp_path / "out")
    assert [p.name for p in written] == [f"{name}.parquet" for name in TABLES]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)  # no temp left
    tables = parquet_tables(analysis)
    for path in written:
        back = pl.read_parquet(path)
        assert back.equals(tables[path.stem]), path.name
    assert pl.read_parquet(tmp_path / "out" / "events.parquet").schema == pl.Schema(EVENTS_SCHEMA)
    assert pl.read_parquet(tmp_path / "out" / "gc_events.parquet").schema == pl.Schema(GC_EVENTS_SCHEMA)
    assert pl.read_parquet(tmp_path / "out" / "metrics.parquet").schema == pl.Schema(METRICS_SCHEMA)
    assert pl.read_parquet(tmp_path / "out" / "checkpoints.parquet").schema == pl.Schema(TABLE_SCHEMA)
    assert written[0].stat().st_mode & 0o777 != 0o600  # readable like any file the user writes


def test_findings_have_one_row_each_with_their_evidence(tmp_path: Path) -> None:
    analysis = make_analysis()
    write_parquet(analysis, tmp_path)
    findings = pl.read_parquet(tmp_path / "findings.parquet")
    assert findings["id"].to_list() == [f.id for f in analysis.findings]
    assert findings["rank"].to_list() == list(range(1, len(analysis.findings) + 1))
    root = findings.filter(pl.col("id") == "gc_pause_heartbeat_timeout").row(0, named=True)
    assert [(e["source"], e["line"]) for e in root["evidence"]] == [
        ("tm-2/gc.log", 5012),
        ("jobmanager/jobmanager.log", 388),
    ]
    assert root["remediation"][0]["config"][0] == {
        "key": "taskmanager.memory.task.heap.size",
        "advice": "raise from 1536m to 3g",
    }
    evidence = pl.read_parquet(tmp_path / "evidence.parquet")
    assert evidence.height == sum(len(f.evidence) for f in analysis.findings)
    # the flat table answers SQL-like questions directly
    per_finding = evidence.group_by("finding_id").len().sort("finding_id")
    assert dict(per_finding.iter_rows())["gc_pause_heartbeat_timeout"] == 2


def test_a_real_incident_with_metrics(tmp_path: Path) -> None:
    analysis = analyze([write_metrics_incident(tmp_path / "incident")], now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    write_parquet(analysis, tmp_path / "out")
    metrics = pl.read_parquet(tmp_path / "out" / "metrics.parquet")
    assert metrics.height == analysis.metrics.height > 1000
    checkpoints = pl.read_parquet(tmp_path / "out" / "checkpoints.parquet")
    assert checkpoints.group_by("status").len().sort("status").rows() == [
        ("completed", 6),
        ("failed", 1),
        ("no outcome logged", 1),
    ]


def test_a_failed_export_leaves_the_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_parquet(make_analysis(), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = pl.DataFrame.write_parquet
    calls = {"n": 0}

    def fail_on_the_fourth(self: pl.DataFrame, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError("disk full")
        real(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", fail_on_the_fourth)
    changed = make_analysis(findings=())
    with pytest.raises(OutputError, match=f"{tmp_path}: cannot write the Parquet files: disk full"):
        write_parquet(changed, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no table replaced, no temp file left


def test_the_tables_module_documents_every_table() -> None:
    for name in TABLES:
        assert f"``{name}.parquet``" in (parquet.__doc__ or ""), name


@pytest.mark.slow
def test_analyze_writes_parquet_beside_the_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(SAMPLES / "gc-heartbeat-timeout-1.15"),
            "-o",
            str(tmp_path / "report.html"),
            "--parquet",
            str(tmp_path / "tables"),
        ],
    )
    assert result.exit_code == 0, result.output
    events = pl.read_parquet(tmp_path / "tables" / "events.parquet")
    assert events.height > 100 and "gc_long_pause" in events["kind"].to_list()
    gc_events = pl.read_parquet(tmp_path / "tables" / "gc_events.parquet")
    assert gc_events["pause_ms"].max() > 10_000  # type: ignore[operator]
    assert pl.read_parquet(tmp_path / "tables" / "findings.parquet").height >= 1
