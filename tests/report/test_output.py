"""Where reports go: checked before the analysis, written atomically, failures named."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from logforensics.errors import OutputError
from logforensics.report.output import check_output, file_mode, write_atomic


def test_a_path_that_cannot_be_looked_into_is_an_output_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(self: Path) -> bool:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(Path, "is_dir", denied)
    with pytest.raises(OutputError, match=f"--json {tmp_path / 'r.json'}: cannot look at the path: Permission denied"):
        check_output(tmp_path / "r.json", what="--json")


def test_writable_places_pass(tmp_path: Path) -> None:
    check_output(tmp_path / "new" / "deeper" / "r.html")
    check_output(tmp_path / "pq", folder=True)
    (tmp_path / "pq").mkdir()
    check_output(tmp_path / "pq", folder=True)
    assert not (tmp_path / "new").exists()  # checking makes nothing


def test_write_atomic_makes_the_folder_and_a_normal_file(tmp_path: Path) -> None:
    target = write_atomic(tmp_path / "a" / "r.html", "ünïcode\n")
    assert target.read_text(encoding="utf-8") == "ünïcode\n"
    assert target.stat().st_mode & 0o777 == file_mode()
    assert [p.name for p in target.parent.iterdir()] == ["r.html"]
