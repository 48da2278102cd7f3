"""A ``yarn logs`` dump and a ``kubectl logs`` dump of a sample incident analyse to the folder's findings."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from logforensics.api import analyze
from tests.conftest import SAMPLES
from tests.ingest.helpers import yarn_section

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
INCIDENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()) if SAMPLES.is_dir() else []
APP = "1650000000000_0042"


def findings(path: Path) -> list[tuple[str, float, dt.datetime | None, int]]:
    return [(f.id, f.confidence, f.first_ts, f.count) for f in analyze([path], now=NOW).findings]


def log_files(folder: Path) -> list[Path]:
    """The incident's logs, rotated parts oldest first (``taskmanager.log.1`` before ``taskmanager.log``)."""
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != "README.md"]
    return sorted(files, key=lambda p: (p.parent.as_posix(), p.name.split(".log")[0], not p.name.endswith(".1")))


def containers(folder: Path) -> dict[str, list[Path]]:
    """Container id -> its files: the JobManager in container 1, each TaskManager (sub)folder in its own."""
    by_container: dict[str, list[Path]] = {}
    tm_folders = sorted({p.parent for p in log_files(folder) if p.parent != folder})
    for path in log_files(folder):
        if path.parent == folder and path.name.startswith("jobmanager"):
            number = 1
        elif path.parent == folder:
            number = 2
        else:
            number = 2 + tm_folders.index(path.parent)
        by_container.setdefault(f"container_e12_{APP}_01_{number:06d}", []).append(path)
    return by_container


@pytest.mark.parametrize("incident", INCIDENTS)
def test_yarn_logs_dump_gives_the_folders_findings(incident: str, tmp_path: Path) -> None:
    folder = SAMPLES / incident
    dump = b"".join(
        yarn_section(container, "worker-07.example.com_45454", path.name, path.read_bytes())
        for container, paths in containers(folder).items()
        for path in paths
    )
    (tmp_path / f"application_{APP}.log").write_bytes(dump)
    analysis = analyze([tmp_path / f"application_{APP}.log"], now=NOW)
    assert [(f.id, f.confidence, f.first_ts, f.count) for f in analysis.findings] == findings(folder)
    assert len(analysis.sources) == len(log_files(folder))
    assert all(s.skipped_reason is None for s in analysis.sources)


@pytest.mark.parametrize("incident", INCIDENTS)
@pytest.mark.parametrize("timestamps", [False, True])
def test_kubectl_logs_dump_gives_the_folders_findings(incident: str, timestamps: bool, tmp_path: Path) -> None:
    folder = SAMPLES / incident
    # A pod's stdout holds its Flink log (console layout) and user prints; GC logs are files inside the pod.
    without_gc = tmp_path / "folder"
    pods: dict[str, list[Path]] = {}
    for path in log_files(folder):
        if ".gc" in path.name:
            continue
        target = without_gc / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
        pod = "jobmanager-0" if path.name.startswith("jobmanager") else f"taskmanager-{path.parent.name}"
        pods.setdefault(pod, []).append(path)
    out = bytearray()
    for pod, paths in pods.items():
        for path in paths:
            for line in path.read_bytes().splitlines(keepends=True):
                stamp = b"2024-02-20T14:27:41.538214101Z " if timestamps else b""
                out += f"[pod/{pod}/flink-main-container] ".encode() + stamp + line
    dump = tmp_path / "kubectl.log"
    dump.write_bytes(bytes(out))
    analysis = analyze([dump], now=NOW)
    assert [(f.id, f.confidence, f.first_ts, f.count) for f in analysis.findings] == findings(without_gc)
    # One container per pod: the label names the pod only.
    assert sorted(s.path for s in analysis.sources) == sorted(f"kubectl.log#{pod}" for pod in pods)
