"""The wheel carries patterns/ and templates/, and an installed copy finds them (resources.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    [built] = out.glob("logforensics-*.whl")
    return built


def test_wheel_contains_the_catalogue_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for expected in (
        "logforensics/_data/patterns/causes/gc_pause_heartbeat_timeout.toml",
        "logforensics/_data/patterns/signals/tm_heartbeat_timeout.toml",
        "logforensics/_data/templates/report.html.j2",
        "logforensics/_data/templates/report.css",
        "logforensics/resources.py",
    ):
        assert expected in names
    assert not any(name.startswith(("tests/", "sample_logs/")) for name in names)


def test_installed_wheel_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    # Install logforensics itself from the wheel into a folder that comes first on the path; its dependencies come
    # from the test environment (no network needed).
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "taskmanager.log").write_text(
        "2020-06-01 14:05:01,000 INFO  org.apache.flink.runtime.taskmanager.Task [] - Map (1/2)#0 "
        "(8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.\njava.lang.OutOfMemoryError: Java heap space\n"
    )
    code = (
        "import logforensics.resources as r, logforensics;"
        "print(r.patterns_dir()); print(r.templates_dir()); print(logforensics.__file__)"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, check=True, capture_output=True, text=True
    ).stdout
    assert found.count(str(target)) == 3, found
    result = subprocess.run(
        [sys.executable, "-m", "logforensics", "analyze", "logs", "-o", "r.html", "--json", "r.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"id": "task_heap_oom"' in (tmp_path / "r.json").read_text()
