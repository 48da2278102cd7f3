"""What a folder may hold besides logs: the same log twice, unreadable files and folders, FIFOs, symlink loops,
hidden folders. Links, FIFOs, sockets and devices are named and never opened; a walk always terminates."""

from __future__ import annotations

import io
import os
import pathlib
import socket
import tarfile
from pathlib import Path

import pytest

from logforensics.ingest import discover as discover_module
from logforensics.ingest.discover import HIDDEN_FOLDER
from tests.adversarial.conftest import Analyse, oom_record, tm_log

LINK = "symbolic link (not followed)"


def test_the_same_file_twice_under_two_names_is_analysed_once(analyse: Analyse, logs: Path) -> None:
    text = tm_log(oom_record())
    (logs / "taskmanager.log").write_text(text)
    (logs / "taskmanager (1).log").write_text(text)  # a second download
    with tarfile.open(logs / "incident.tar.gz", "w:gz") as tar:  # and the tarball it was unpacked from
        info = tarfile.TarInfo("tm/taskmanager.log")
        info.size = len(text.encode())
        tar.addfile(info, io.BytesIO(text.encode()))
    outcome = analyse(logs)
    assert outcome.analysed() == ["incident.tar.gz!/tm/taskmanager.log"]  # the first in discovery order is kept
    skipped = outcome.skipped()
    assert set(skipped) == {"taskmanager (1).log", "taskmanager.log"}
    for reason in skipped.values():
        assert reason.startswith("duplicate of incident.tar.gz!/tm/taskmanager.log (same content, sha256 ")
        assert reason.endswith("…): analysed once")
    assert outcome.code == 3
    [finding] = [f for f in outcome.document["findings"] if f["id"] == "task_heap_oom"]
    assert {e["source"] for e in finding["evidence"]} == {"incident.tar.gz!/tm/taskmanager.log"}


def test_same_size_different_content_is_not_a_duplicate(analyse: Analyse, logs: Path) -> None:
    (logs / "a.log").write_text(tm_log(oom_record(task="Map (1/2)#0")))
    (logs / "b.log").write_text(tm_log(oom_record(task="Map (2/2)#0")))
    outcome = analyse(logs)
    assert (outcome.analysed(), outcome.skipped()) == (["a.log", "b.log"], {})


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its permissions (covered below by a mock)")
def test_unreadable_file(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "secret.log").write_text(tm_log())
    (logs / "secret.log").chmod(0)
    try:
        outcome = analyse(logs)
    finally:
        (logs / "secret.log").chmod(0o644)
    assert outcome.skipped() == {"secret.log": "permission denied"}
    assert outcome.code == 3


def test_unreadable_file_as_seen_by_access(analyse: Analyse, logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "secret.log").write_text(tm_log(oom_record()))
    real = os.access
    monkeypatch.setattr(
        discover_module.os, "access", lambda p, mode: False if Path(p).name == "secret.log" else real(p, mode)
    )
    outcome = analyse(logs)
    assert (outcome.code, outcome.analysed(), outcome.skipped()) == (
        3,
        ["taskmanager.log"],
        {"secret.log": "permission denied"},
    )


def test_file_that_cannot_be_opened(analyse: Analyse, logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """access() says yes, open() says no (ACLs, a file removed or locked between listing and reading)."""
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "secret.log").write_text(tm_log(oom_record()))
    real = pathlib.Path.open

    def refusing(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "secret.log":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pathlib.Path, "open", refusing)
    outcome = analyse(logs)
    assert (outcome.code, outcome.analysed(), outcome.skipped()) == (
        3,
        ["taskmanager.log"],
        {"secret.log": "cannot read: Permission denied"},
    )


def test_folder_that_cannot_be_listed(analyse: Analyse, logs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "locked").mkdir()
    (logs / "locked" / "taskmanager.log").write_text(tm_log(oom_record()))
    real = os.scandir

    def refusing(path: object = ".") -> object:
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refusing)
    outcome = analyse(logs)
    assert outcome.skipped() == {"locked": "cannot list the folder: Permission denied"}
    assert outcome.analysed() == ["taskmanager.log"]


def test_fifo_socket_and_device_are_not_opened(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    os.mkfifo(logs / "pipe.log")  # opening it would block forever
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(logs / "agent.sock"))
    (logs / "null.log").symlink_to("/dev/null")
    try:
        outcome = analyse(logs)
        explicit = analyse(logs / "pipe.log", "/dev/null")
    finally:
        server.close()
    assert outcome.skipped() == {
        "pipe.log": "named pipe (FIFO), not opened",
        "agent.sock": "socket, not opened",
        "null.log": LINK,
    }
    assert outcome.code == 3
    assert set(explicit.skipped().values()) == {"named pipe (FIFO), not opened", "device file, not opened"}


def test_symlink_loops_terminate(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "a.log").symlink_to(logs / "b.log")
    (logs / "b.log").symlink_to(logs / "a.log")
    (logs / "sub").mkdir()
    (logs / "sub" / "up").symlink_to(logs)  # a folder loop
    outcome = analyse(logs)
    assert outcome.skipped() == {"a.log": LINK, "b.log": LINK, "sub/up": LINK}
    assert outcome.analysed() == ["taskmanager.log"]
    looped = analyse(logs / "a.log", logs / "taskmanager.log")  # a loop named on the command line
    # (named by its full path: api.analyze takes the working folder as the root when an input does not resolve)
    assert looped.skipped() == {str(logs / "a.log"): "cannot follow the link: Too many levels of symbolic links"}


def test_hidden_folders_are_named(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / ".trash").mkdir()
    (logs / ".trash" / "taskmanager.log").write_text(tm_log(oom_record()))
    outcome = analyse(logs)
    assert (outcome.analysed(), outcome.skipped()) == (["taskmanager.log"], {".trash": HIDDEN_FOLDER})
