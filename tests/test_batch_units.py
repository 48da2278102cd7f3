"""Batch scan, piece by piece and in this process (``workers=0``) unless a test is about processes: discovery rules,
content hash, incremental runs, the lock, a worker that dies, fsspec URLs, the index page, the CLI."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from logforensics import batch_incident
from logforensics.batch import LOCK_NAME, scan
from logforensics.batch_content import hash_location
from logforensics.batch_discover import discover_incidents, slug_for
from logforensics.batch_incident import Outcome, Task, run_incident
from logforensics.batch_index import render_index
from logforensics.batch_summary import SUMMARY_SCHEMA, summary_frame
from logforensics.cli import app
from logforensics.errors import InputError
from logforensics.ingest.limits import Limits

from .conftest import SAMPLES

JM = "2023-08-01 18:17:00,000 INFO  org.apache.flink.runtime.jobmaster.JobMaster [] - Starting execution of job\n"


def tiny_incident(folder: Path, text: str = JM) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobmanager.log").write_text(text)
    return folder


def ids(root: Path, **kwargs: object) -> list[str]:
    return [ref.id for ref in discover_incidents([str(root)], **kwargs)]  # type: ignore[arg-type]


def test_discovery_rules(tmp_path: Path) -> None:
    root = tmp_path / "fleet"
    shutil.copytree(SAMPLES / "gc-heartbeat-timeout-1.15", root / "2024" / "gc")  # TM subfolders stay in it
    tiny_incident(root / "2024" / "plain")
    (root / "2024" / "plain" / "nested").mkdir()
    (root / "2024" / "plain" / "nested" / "taskmanager.log").write_text(JM)
    (root / "archives").mkdir()
    for name in ("a.tar.gz", "b.tgz", "c.zip", "d.tar", "e.rar"):
        (root / "archives" / name).write_bytes(b"x")
    (root / "archives" / "notes.md").write_text("not a log\n")
    (root / "docs").mkdir()
    (root / "docs" / "README.md").write_text("# read me\n")
    (root / "docs" / "run.sh").write_text("#!/bin/sh\n")
    (root / "sniffed").mkdir()  # a log by its content, not by its name
    (root / "sniffed" / "node-17").write_text(JM * 3)
    tiny_incident(root / ".hidden" / "old")
    (root / "link").symlink_to(SAMPLES)
    tiny_incident(root / "out" / "x")  # the output folder is never walked
    found = ids(root, exclude=root / "out")
    assert found == [
        "fleet/2024/gc",
        "fleet/2024/plain",
        "fleet/archives/a.tar.gz",
        "fleet/archives/b.tgz",
        "fleet/archives/c.zip",
        "fleet/archives/d.tar",
        "fleet/archives/e.rar",
        "fleet/sniffed",
    ]
    assert ids(root / "archives" / "c.zip") == ["c.zip"]
    assert ids(root / "2024" / "gc") == ["gc"]
    assert ids(root, incident_glob="2024/*") == ["fleet/2024/gc", "fleet/2024/plain"]
    assert ids(root, incident_glob="archives/*.zip") == ["fleet/archives/c.zip"]
    with pytest.raises(InputError, match="no such file"):
        discover_incidents([str(tmp_path / "missing")])
    with pytest.raises(InputError, match="inside the incident"):
        discover_incidents([str(root / "2024" / "plain")], exclude=root / "2024" / "plain" / "reports")


def test_ids_and_slugs_are_unique_and_stable(tmp_path: Path) -> None:
    tiny_incident(tmp_path / "a" / "logs" / "i-1")
    tiny_incident(tmp_path / "b" / "logs" / "i-1")
    refs = discover_incidents([str(tmp_path / "a" / "logs"), str(tmp_path / "b" / "logs")])
    assert [r.id for r in refs] == ["logs/i-1", "logs/i-1 [2]"]
    assert len({r.slug for r in refs}) == 2
    assert slug_for("x/y z") == slug_for("x/y z") != slug_for("x/y_z")
    assert slug_for("../../<script>").startswith("script-")  # nothing of the name escapes its folder


def test_content_hash_is_the_bytes(tmp_path: Path) -> None:
    folder = tiny_incident(tmp_path / "i")
    first = hash_location(str(folder))
    os.utime(folder / "jobmanager.log", (1, 1))  # another mtime: the same content
    assert hash_location(str(folder)) == first
    (folder / "jobmanager.log").write_text(JM.replace("0,000", "1,000"))  # same size, other bytes
    changed = hash_location(str(folder))
    assert changed != first
    (folder / "jobmanager.log").rename(folder / "jm.log")
    assert hash_location(str(folder)) != changed
    (folder / ".cache").mkdir()
    (folder / ".cache" / "x").write_text("ignored, as ingest ignores it")
    assert hash_location(str(folder)) == hash_location(str(folder))


def test_incremental_rerun_analyses_only_what_changed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for name in ("heap-oom-1.10", "metaspace-oom-1.17"):
        shutil.copytree(SAMPLES / name, root / name)
    tiny_incident(root / "tiny")
    out = tmp_path / "out"
    first = scan([root], out, workers=0)
    assert (first.analysed, first.unchanged) == (3, 0)
    second = scan([root], out, workers=0)
    assert (second.analysed, second.unchanged) == (0, 3)
    assert second.summary.equals(first.summary)  # analyzed_at included: nothing was analysed again
    os.utime(root / "heap-oom-1.10" / "jobmanager.log", (5, 5))  # touched, not changed
    with (root / "tiny" / "jobmanager.log").open("a") as handle:
        handle.write(JM.replace("00,000", "30,000"))
    third = scan([root], out, workers=0)
    assert (third.analysed, third.unchanged) == (1, 2)
    changed = third.summary.filter(pl.col("incident") == "root/tiny")
    assert changed["content_hash"][0] != first.summary.filter(pl.col("incident") == "root/tiny")["content_hash"][0]
    assert scan([root], out, workers=0, force=True).analysed == 3
    shutil.rmtree(root / "tiny")  # an incident that is gone leaves the summary
    assert scan([root], out, workers=0).summary["incident"].to_list() == [
        "root/heap-oom-1.10",
        "root/metaspace-oom-1.17",
    ]


def test_limits_bound_each_incident_and_are_part_of_the_key(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    with zipfile.ZipFile(root / "heap.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in (SAMPLES / "heap-oom-1.10").iterdir():
            archive.write(path, path.name)
    out = tmp_path / "out"
    strict = scan([root], out, workers=0, limits=Limits(max_total_bytes=1000))  # inflate 1000 bytes at most
    assert any("max_total_bytes = 1000" in item for item in strict.summary["skipped"][0])
    assert strict.summary["root_cause"][0] is None
    relaxed = scan([root], out, workers=0)  # other limits: analysed again, not taken from the marker
    assert relaxed.analysed == 1 and relaxed.summary["root_cause"][0] == "task_heap_oom"


def test_a_marker_without_its_reports_is_redone_and_stale_temporaries_go(tmp_path: Path) -> None:
    root = tmp_path / "root"
    tiny_incident(root / "one")
    tiny_incident(root / "two", JM.replace("18:17", "19:17"))
    out = tmp_path / "out"
    scan([root], out, workers=0)
    slug = next((out / "incidents").iterdir()).name
    (out / "incidents" / slug / "report.html").unlink()
    (out / "incidents" / slug / ".report.json.abc.tmp").write_text("half a file")
    (out / ".summary.parquet.xyz.tmp").write_text("half a file")
    report = scan([root], out, workers=0)
    assert (report.analysed, report.unchanged) == (1, 1)
    assert not list(out.rglob("*.tmp"))


def test_internal_errors_are_rows_and_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    tiny_incident(root / "one")
    tiny_incident(root / "two", JM.replace("18:17", "19:17"))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\x1b[31m\nsecond line")

    monkeypatch.setattr(batch_incident, "_render", broken)
    out = tmp_path / "out"
    report = scan([root], out, workers=0)
    assert report.failed == 2
    error = report.summary["error"][0]
    assert error == "internal error: RuntimeError: boom\\x1b[31m\\x0asecond line"
    assert not list(out.glob("incidents/*/done.json"))  # not kept: a fixed tool retries them
    monkeypatch.undo()
    assert scan([root], out, workers=0).failed == 0


def test_lock_refuses_a_second_scan(tmp_path: Path) -> None:
    tiny_incident(tmp_path / "root" / "one")
    out = tmp_path / "out"
    out.mkdir()
    with (out / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(InputError, match="another scan"):
            scan([tmp_path / "root"], out, workers=0)
    assert scan([tmp_path / "root"], out, workers=0).total == 1


def dies_on_boom(task: Task) -> Outcome:
    """A worker function that kills its process on one incident (as the kernel's OOM killer would)."""
    if task.incident.endswith("boom"):
        os._exit(9)
    return run_incident(task)


@pytest.mark.slow
def test_a_worker_that_dies_is_one_error_row(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for name in ("a", "boom", "c", "d"):
        tiny_incident(root / name, JM.replace("18:17", f"18:{ord(name[0]) % 60:02d}"))
    report = scan([root], tmp_path / "out", workers=2, incident_fn=dies_on_boom)
    errors = dict(zip(report.summary["incident"], report.summary["error"], strict=True))
    assert errors["root/boom"] is not None and "worker process died" in errors["root/boom"]
    assert [i for i, e in errors.items() if e is None] == ["root/a", "root/c", "root/d"]


def test_fsspec_url_is_staged_and_gives_the_local_rows(tmp_path: Path) -> None:
    fsspec = pytest.importorskip("fsspec", reason="fsspec comes with the distributed extra")
    fs = fsspec.filesystem("memory")
    sample = SAMPLES / "k8s-oomkilled-1.18"
    for path in sample.rglob("*"):
        if path.is_file():
            fs.pipe(f"/fleet/{sample.name}/{path.relative_to(sample).as_posix()}", path.read_bytes())
    fs.pipe("/fleet/notes.md", b"# not a log\n")
    try:
        remote = scan(["memory:///fleet"], tmp_path / "remote", workers=0)
        local_root = tmp_path / "fleet"
        shutil.copytree(sample, local_root / sample.name)
        local = scan([local_root], tmp_path / "local", workers=0)
    finally:
        fs.rm("/fleet", recursive=True)
    assert remote.summary["incident"].to_list() == local.summary["incident"].to_list() == [f"fleet/{sample.name}"]
    for column in ("content_hash", "root_cause", "restarts", "start", "end", "flink_version", "sources"):
        assert remote.summary[column].to_list() == local.summary[column].to_list(), column
    assert remote.summary["path"][0] == f"memory:///fleet/{sample.name}"


def test_index_escapes_hostile_names_and_needs_nothing_external(tmp_path: Path) -> None:
    name = '<img src=x onerror=alert(1)>"'
    row = dict.fromkeys(SUMMARY_SCHEMA) | {
        "incident": f"root/{name}",
        "path": "/x",
        "skipped": [],
        "warnings": [],
        "error": "nothing could be analysed: </script><script>alert(1)</script>",
        "tool_version": "0",
        "catalogue_version": "c",
    }
    ok = row | {
        "incident": "root/ok",
        "error": None,
        "root_cause": "task_heap_oom",
        "severity": "high",
        "confidence": 0.9,
        "start": dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        "report_html": "incidents/ok-1/report.html",
    }
    group = {
        "signature": "s",
        "exception": "<b>E</b>",
        "root_cause": "r",
        "count": 2,
        "first_ts": None,
        "last_ts": None,
    }
    sigs = {"root/ok": [group], f"root/{name}": [group | {"count": 1}]}
    html = render_index(summary_frame([row, ok]), sigs, dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
    assert "<img" not in html and "<script" not in html and "<b>E" not in html
    assert "&lt;img src=x" in html and "&lt;b&gt;E&lt;/b&gt;" in html
    assert "src=" not in html.replace("src=x", "") and "https://" not in html
    assert 'href="incidents/ok-1/report.html"' in html and "<svg" in html
    assert "task_heap_oom" in html and "(could not be analysed)" in html
    assert render_index(summary_frame([]), {}, dt.datetime(2024, 3, 2, tzinfo=dt.UTC)).count("<svg") == 0


def test_cli_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    shutil.copytree(SAMPLES / "heap-oom-1.10", root / "heap")
    out = tmp_path / "out"
    runner = CliRunner()
    result = runner.invoke(app, ["scan", str(root), "-o", str(out), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "1 incidents (1 analysed, 0 unchanged, 0 with an error)" in result.output
    rows = [json.loads(line) for line in (out / "summary.ndjson").read_text().splitlines()]
    assert rows[0]["root_cause"] == "task_heap_oom" and rows[0]["start"].endswith("Z")
    assert (out / "index.html").is_file() and (out / rows[0]["report_html"]).is_file()
    result = runner.invoke(app, ["scan", str(tmp_path / "nope"), "-o", str(out)])
    assert result.exit_code == 2 and "no such file" in result.output
    monkeypatch.setitem(sys.modules, "distributed", None)  # the extra is not installed
    result = runner.invoke(app, ["scan", str(root), "-o", str(out), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2 and "pip install 'logforensics[distributed]'" in result.output
