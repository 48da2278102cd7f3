"""Damaged archives and dumps, byte by byte: discover never raises, each input reads or refuses with InputError."""

from __future__ import annotations

import gzip
import io
import tarfile
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.errors import InputError
from logforensics.ingest.discover import Limits, discover
from logforensics.ingest.sniff import sniff
from tests.ingest.helpers import CONTAINER_TM, add_member, jm_lines, tm_lines, yarn_section


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("tm/taskmanager.log", tm_lines(40))
        zf.writestr("jm/jobmanager.log", jm_lines(20))
        zf.writestr("tm/taskmanager.log.1.gz", gzip.compress(tm_lines(10, seed=3)))
    return out.getvalue()


def _tgz() -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        add_member(tar, "tm/taskmanager.log", tm_lines(40))
        add_member(tar, "inner.zip", _zip())
        add_member(tar, "app.log", yarn_section(CONTAINER_TM, "w_1", "taskmanager.log", tm_lines(5)))
    return out.getvalue()


SEEDS = {"x.zip": _zip(), "x.tar.gz": _tgz(), "x.tar": gzip.decompress(_tgz())}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    name=st.sampled_from(sorted(SEEDS)),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), max_size=6),
)
def test_damaged_archives_never_escape(name: str, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(SEEDS[name][: max(1, int(len(SEEDS[name]) * cut))] if cut < 0.999 else SEEDS[name])
    for where, value in flips:
        if data:
            data[min(len(data) - 1, int(where * len(data)))] = value
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / name).write_bytes(bytes(data))
        for found in discover([root / name], root, Limits(max_bytes=1 << 20, max_members=50)):
            if found.skipped_reason is not None:
                assert found.skipped_reason
                continue
            sniff(found.label, found.head())
            try:
                read = found.read(1 << 20)
            except InputError:
                continue
            assert len(read.data) <= 1 << 20
