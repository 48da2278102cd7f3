"""``logforensics scan`` end to end over a root of 35 incidents: the six samples as folders, .tar.gz, .zip and .tar,
plus damaged and hostile archives. One scan with 2 worker processes is shared by the tests of this module; the Dask
test runs the same scan on a LocalCluster, the kill test kills a scan in a subprocess and resumes it."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from logforensics import api
from logforensics.batch import ScanReport, scan
from logforensics.model import FindingKind
from logforensics.report.json import to_document

from .conftest import REPO, SAMPLES

SAMPLE_NAMES = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())
BOMB_BYTES = 50 * 1024 * 1024  # 50 MB of zeros: refused by the compression-ratio bound, never inflated in full

# Hostile or damaged incidents -> what their summary row must say (None: an analysed row).
HOSTILE_ERRORS = {
    "hostile/corrupt.zip": "damaged zip archive",
    "hostile/corrupt.tar.gz": "damaged tar archive",
    "hostile/zip-slip.zip": "zip-slip",
    "hostile/bomb.tar.gz": "decompression bomb",
    "hostile/bomb.zip": "decompression bomb",
    "hostile/bomb-gz-folder": "decompression bomb",
    "hostile/empty.zip": "empty archive",
    "hostile/logs.7z": "format not supported",
}
# Analysed, and the summary lists what was refused or damaged.
PARTIAL = {
    "hostile/zip-slip-beside-logs.zip": ("skipped", "zip-slip"),
    "hostile/truncated.tar.gz": ("skipped", "damaged tar archive"),
    "hostile/truncated-gz-folder": ("warnings", "truncated"),
}


def _members(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _tar(path: Path, members: dict[str, bytes], mode: str = "w:gz") -> None:
    with tarfile.open(path, mode) as tar:  # type: ignore[call-overload]
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 1_700_000_000
            tar.addfile(info, io.BytesIO(data))


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def build_root(root: Path) -> list[str]:
    """35 incidents under ``root``; returns their ids as the scan names them (``root/<path>``)."""
    for folder in ("tarballs", "zips", "tars", "hostile"):
        (root / folder).mkdir()
    for name in SAMPLE_NAMES:
        shutil.copytree(SAMPLES / name, root / "folders" / name)
        members = _members(SAMPLES / name)
        _tar(root / "tarballs" / f"{name}.tar.gz", members)
        _zip(root / "zips" / f"{name}.zip", members)
        _tar(root / "tars" / f"{name}.tar", {f"{name}/{k}": v for k, v in members.items()}, mode="w")
    hostile = root / "hostile"
    heap = _members(SAMPLES / "heap-oom-1.10")
    (hostile / "corrupt.zip").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    (hostile / "corrupt.tar.gz").write_bytes(b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8)
    _zip(hostile / "zip-slip.zip", {"../../evil/taskmanager.log": heap["taskmanager.log"]})
    _zip(hostile / "zip-slip-beside-logs.zip", {**heap, "../../../tmp/evil.log": b"pwned\n"})
    zeros = bytes(BOMB_BYTES)
    _tar(hostile / "bomb.tar.gz", {"taskmanager.log": zeros})
    _zip(hostile / "bomb.zip", {"taskmanager.log": zeros})
    (hostile / "bomb-gz-folder").mkdir()
    (hostile / "bomb-gz-folder" / "taskmanager.log.gz").write_bytes(gzip.compress(zeros, 6))
    _zip(hostile / "empty.zip", {})
    (hostile / "logs.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(200))
    _tar(hostile / "truncated.tar.gz", heap)
    data = (hostile / "truncated.tar.gz").read_bytes()
    (hostile / "truncated.tar.gz").write_bytes(data[: len(data) // 2])  # cut in the middle of the gzip stream
    (hostile / "truncated-gz-folder").mkdir()
    gz = gzip.compress(heap["taskmanager.log"])
    (hostile / "truncated-gz-folder" / "taskmanager.log.gz").write_bytes(gz[: len(gz) * 2 // 3])
    (hostile / "truncated-gz-folder" / "jobmanager.log").write_bytes(heap["jobmanager.log"])
    # Not incidents: notes beside the incidents, a folder of documents, a link out of the root, a hidden folder.
    (root / "README.md").write_text("# incidents of the orders pipeline\n")
    (root / "docs").mkdir()
    (root / "docs" / "postmortem-template.md").write_text("## What happened\n")
    (root / "outside-link").symlink_to(REPO / "sample_logs")
    (root / ".trash").mkdir()
    shutil.copytree(SAMPLES / "heap-oom-1.10", root / ".trash" / "old")
    ids = [f"folders/{n}" for n in SAMPLE_NAMES]
    ids += [f"tarballs/{n}.tar.gz" for n in SAMPLE_NAMES] + [f"zips/{n}.zip" for n in SAMPLE_NAMES]
    ids += [f"tars/{n}.tar" for n in SAMPLE_NAMES] + list(HOSTILE_ERRORS) + list(PARTIAL)
    return sorted(f"root/{i}" for i in ids)


def listing(base: Path, skip: set[Path]) -> dict[str, tuple[int, int]]:
    """Every path under ``base`` (not under ``skip``), with its size and mtime."""
    seen: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = [d for d in dirnames if Path(dirpath, d) not in skip]
        for name in dirnames + filenames:
            info = os.lstat(Path(dirpath, name))
            seen[str(Path(dirpath, name).relative_to(base))] = (info.st_size, info.st_mtime_ns)
    return seen


@dataclass
class Fleet:
    base: Path
    root: Path
    ids: list[str]
    out: Path
    report: ScanReport
    before: dict[str, tuple[int, int]]
    after: dict[str, tuple[int, int]]
    seconds: float


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    base = tmp_path_factory.mktemp("fleet")
    root = base / "root"
    root.mkdir()
    ids = build_root(root)
    out = base / "out"
    before = listing(base, set())
    started = time.perf_counter()
    report = scan([root], out, workers=2)
    seconds = time.perf_counter() - started
    after = listing(base, {out})
    return Fleet(base, root, ids, out, report, before, after, seconds)


def assert_same_rows(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    """Equal summaries but for the time each row's analysis ran (the one column two runs may differ in)."""
    assert got["incident"].to_list() == expected["incident"].to_list()
    differences = [
        (a["incident"], column, a[column], b[column])
        for a, b in zip(got.iter_rows(named=True), expected.iter_rows(named=True), strict=True)
        for column in got.columns
        if column != "analyzed_at" and a[column] != b[column]
    ]
    assert not differences, differences[:5]


def test_one_row_per_incident(fleet: Fleet) -> None:
    summary = pl.read_parquet(fleet.out / "summary.parquet")
    assert summary["incident"].to_list() == fleet.ids
    assert len(fleet.ids) >= 30
    assert fleet.report.total == len(fleet.ids) and fleet.report.analysed == len(fleet.ids)
    ndjson = [json.loads(line) for line in (fleet.out / "summary.ndjson").read_text().splitlines()]
    assert [r["incident"] for r in ndjson] == fleet.ids
    assert list(ndjson[0]) == summary.columns
    assert summary.equals(fleet.report.summary)
    for row in summary.iter_rows(named=True):
        assert row["content_hash"].startswith("sha256:") and len(row["content_hash"]) == 71
        assert row["tool_version"] and row["catalogue_version"]
        if row["report_html"]:
            assert (fleet.out / row["report_html"]).is_file() and (fleet.out / row["report_json"]).is_file()
    slugs = {r["report_html"].split("/")[1] for r in summary.iter_rows(named=True) if r["report_html"]}
    assert len(slugs) == summary.filter(pl.col("report_html").is_not_null()).height  # no two incidents share a folder
    index = (fleet.out / "index.html").read_text(encoding="utf-8")
    assert index.count('href="incidents/') >= len(slugs) and "<svg" in index
    assert "http://" not in index and "https://" not in index and "<script" not in index


def test_root_cause_equals_analyze(fleet: Fleet) -> None:
    summary = pl.read_parquet(fleet.out / "summary.parquet")
    catalogue = api.load_default_catalogue()
    for row in summary.filter(pl.col("error").is_null()).iter_rows(named=True):
        analysis = api.analyze([Path(row["path"])], catalogue=catalogue)
        document = to_document(analysis)
        expected = next((f for f in document["findings"] if f["kind"] == str(FindingKind.ROOT_CAUSE)), None)
        assert row["root_cause"] == (expected["id"] if expected else None), row["incident"]
        assert row["confidence"] == (expected["confidence"] if expected else None), row["incident"]
        counts = analysis.events.group_by("family").len()
        assert row["restarts"] == counts.filter(pl.col("family") == "restart")["len"].sum(), row["incident"]
        assert row["deployment"] == document["incident"]["deployment"]
        if row["incident"] == "root/folders/heap-oom-1.10":  # the same JSON as `analyze` writes
            written = json.loads((fleet.out / row["report_json"]).read_text())
            for doc in (written, document):
                doc.pop("generated_at")
            assert written == document
    # every form of one sample gives the same verdict
    for name in SAMPLE_NAMES:
        forms = summary.filter(pl.col("incident").str.contains(name, literal=True))
        assert forms["root_cause"].n_unique() == 1 and forms.height == 4, name
        assert forms["root_cause"][0] is not None


def test_hostile_incidents_are_rows_with_a_reason(fleet: Fleet) -> None:
    summary = pl.read_parquet(fleet.out / "summary.parquet")
    rows = {r["incident"]: r for r in summary.iter_rows(named=True)}
    for incident, reason in HOSTILE_ERRORS.items():
        row = rows[f"root/{incident}"]
        assert row["error"] is not None and reason in row["error"], (incident, row["error"])
        assert "Traceback" not in row["error"] and len(row["error"]) <= 600
        assert row["root_cause"] is None
    for incident, (column, reason) in PARTIAL.items():
        row = rows[f"root/{incident}"]
        assert row["error"] is None, (incident, row["error"])
        assert any(reason in item for item in row[column]), (incident, row[column])
    clean = [r for i, r in rows.items() if "hostile" not in i]
    assert all(r["error"] is None for r in clean)
    assert fleet.report.failed == len(HOSTILE_ERRORS)


def test_nothing_is_written_outside_the_output_folder(fleet: Fleet) -> None:
    assert fleet.after == fleet.before
    assert not list(fleet.out.rglob("*.tmp"))
    assert not (fleet.base / "evil").exists() and not Path("/tmp/evil.log").exists()


def test_second_run_analyses_nothing(fleet: Fleet) -> None:
    report = scan([fleet.root], fleet.out, workers=2)
    assert report.analysed == 0 and report.unchanged == len(fleet.ids)
    # the rows come from the done-markers: even the time of their analysis is the first run's
    assert report.summary.equals(pl.read_parquet(fleet.out / "summary.parquet"))
    assert report.summary.equals(fleet.report.summary)


def test_dask_local_cluster_gives_the_same_rows(fleet: Fleet) -> None:
    distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (the extra)")
    out = fleet.base / "out-dask"
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        report = scan([fleet.root], out, scheduler=cluster.scheduler_address)
    assert report.analysed == len(fleet.ids)
    assert_same_rows(pl.read_parquet(out / "summary.parquet"), fleet.report.summary)


def test_killed_scan_resumes_to_the_same_summary(fleet: Fleet) -> None:
    out = fleet.base / "out-killed"
    part = ["--incident-glob", "[fz]*/*"]  # the folders and the zips: 12 incidents, to stay within the CI budget
    argv = [sys.executable, "-m", "logforensics", "scan", str(fleet.root), "-o", str(out), "--workers", "2", *part]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list(out.glob("incidents/*/done.json"))) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the scan and its worker processes, wherever they are in their work
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    finished = len(list(out.glob("incidents/*/done.json")))
    assert 4 <= finished < 12, "the scan was not killed halfway"
    assert not (out / "summary.parquet").exists()
    report = scan([fleet.root], out, workers=2, incident_glob="[fz]*/*")
    assert report.total == 12 and report.unchanged >= finished and report.analysed == 12 - report.unchanged
    expected = fleet.report.summary.filter(pl.col("incident").str.contains("^root/(folders|zips)/"))
    assert_same_rows(report.summary, expected)
    assert not list(out.rglob(".*.tmp"))
