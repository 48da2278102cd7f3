"""An incident packed as a tarball (or a zip) is analysed like its folder: same findings, same sources."""

from __future__ import annotations

import datetime as dt
import tarfile
import zipfile
from pathlib import Path

import pytest

from logforensics.api import analyze
from tests.conftest import SAMPLES

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
INCIDENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()) if SAMPLES.is_dir() else []


def findings(path: Path) -> list[tuple[str, float, dt.datetime | None, int]]:
    return [(f.id, f.confidence, f.first_ts, f.count) for f in analyze([path], now=NOW).findings]


@pytest.mark.parametrize("incident", INCIDENTS)
def test_tarball_and_zip_give_the_folders_findings(incident: str, tmp_path: Path) -> None:
    folder = SAMPLES / incident
    with tarfile.open(tmp_path / f"{incident}.tar.gz", "w:gz") as tar:
        tar.add(folder, arcname=incident)
    with zipfile.ZipFile(tmp_path / f"{incident}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{incident}/{path.relative_to(folder).as_posix()}")
    expected = findings(folder)
    assert expected, "the sample has findings"
    for packed in (tmp_path / f"{incident}.tar.gz", tmp_path / f"{incident}.zip"):
        analysis = analyze([packed], now=NOW)
        assert [(f.id, f.confidence, f.first_ts, f.count) for f in analysis.findings] == expected, packed.name
        assert all(s.path.startswith(f"{packed.name}!/{incident}/") for s in analysis.sources)
