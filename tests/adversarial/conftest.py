"""The adversarial suite: hostile and broken inputs, run end to end through the command line.

Every case states its exact outcome: what is analysed, what is listed as skipped and why (the words), which warnings
an input carries, and the exit code. Each run also checks that nothing was written outside the chosen output paths.
The catalogue is loaded once per session (the suite runs dozens of analyses).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from logforensics import api
from logforensics.catalogue.model import Catalogue
from logforensics.cli import app

TM_HEADER = "org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - "
TASK_HEADER = "org.apache.flink.runtime.taskmanager.Task                    [] - "
START = "Starting TaskManager with ResourceID: 10.0.0.1:6122-aaaaaa"


def tm_line(time: str, message: str, *, day: str = "2020-06-01", level: str = "INFO ", logger: str = TM_HEADER) -> str:
    """One log4j2 TaskManager record header: ``2020-06-01 14:05:00,000 INFO  <logger> [] - message``."""
    return f"{day} {time},000 {level} {logger}{message}"


def oom_record(time: str = "14:05:01", task: str = "Map (1/2)#0") -> str:
    """A task failing with a heap OOM (three lines): the ``task_heap_oom`` cause fires on it."""
    return (
        tm_line(time, f"{task} (8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.", logger=TASK_HEADER)
        + "\njava.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)"
    )


def tm_log(*records: str) -> str:
    """A TaskManager log: the start line, then ``records``, every line ended by LF."""
    return "\n".join([tm_line("14:05:00", START), *records]) + "\n"


@dataclass
class Outcome:
    code: int
    stderr: str
    document: dict[str, Any]
    html: str

    @property
    def sources(self) -> dict[str, dict[str, Any]]:
        return {s["path"]: s for s in self.document["sources"]}

    def skipped(self) -> dict[str, str]:
        return {path: s["skipped_reason"] for path, s in self.sources.items() if s["skipped_reason"] is not None}

    def analysed(self) -> list[str]:
        return sorted(path for path, s in self.sources.items() if s["skipped_reason"] is None)

    def warnings(self, path: str) -> list[str]:
        return list(self.sources[path]["warnings"])

    def finding_ids(self) -> list[str]:
        return [f["id"] for f in self.document["findings"]]

    def evidence(self, finding: str) -> list[dict[str, Any]]:
        """The evidence of the finding ``finding`` (empty when there is no such finding)."""
        return [e for f in self.document["findings"] if f["id"] == finding for e in f["evidence"]]


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path under ``folder`` with its size and mtime, links not followed."""
    seen: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            info = os.lstat(Path(dirpath, name))
            seen[str(Path(dirpath, name).relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return seen


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return api.load_default_catalogue()


@pytest.fixture
def cached_catalogue(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> Catalogue:
    monkeypatch.setattr(api, "load_default_catalogue", lambda extra=(): catalogue)
    return catalogue


Analyse = Callable[..., Outcome]


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    """The folder of the incident's inputs (the reports go beside it, in ``out/``)."""
    folder = tmp_path / "logs"
    folder.mkdir()
    return folder


@pytest.fixture
def analyse(tmp_path: Path, cached_catalogue: Catalogue) -> Iterator[Analyse]:
    """Run ``logforensics analyze INPUTS -o out/report.html --json out/report.json --strict [ARGS]`` in process.

    Strict by default: exit code 3 says that an input problem was reported, 0 that none was (no ``--fail-on``). The
    tree around the inputs must be unchanged afterwards, but for the two reports."""

    def run(*inputs: Path | str, args: tuple[str, ...] = (), strict: bool = True) -> Outcome:
        out = tmp_path / "out"
        html, js = out / "report.html", out / "report.json"
        html.unlink(missing_ok=True)
        js.unlink(missing_ok=True)
        before = tree(tmp_path)
        argv = ["analyze", *map(str, inputs), "-o", str(html), "--json", str(js), *(["--strict"] if strict else [])]
        result = CliRunner().invoke(app, [*argv, *args])
        after = tree(tmp_path)
        for name in ("out", "out/report.html", "out/report.json"):
            before.pop(name, None)
            after.pop(name, None)
        assert after == before, "the analysis wrote outside its output paths"
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
        document = json.loads(js.read_text(encoding="utf-8")) if js.exists() else {}
        return Outcome(
            result.exit_code, result.stderr, document, html.read_text(encoding="utf-8") if html.exists() else ""
        )

    yield run
