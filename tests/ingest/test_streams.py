"""The seekable inflater: any offset reads the same bytes as a straight read; damage and bombs are told apart."""

from __future__ import annotations

import gzip
import io
import random
import zlib

import pytest

from logforensics.ingest import streams
from logforensics.ingest.inflate import RatioError
from logforensics.ingest.streams import CheckpointIndex, Inflater, Slice
from tests.ingest.helpers import tm_lines


@pytest.fixture
def small_spacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "CHECKPOINT_SPACING", 1 << 20)


def test_random_seeks_read_what_a_straight_read_reads(small_spacing: None) -> None:
    data = tm_lines(30000)
    blob = gzip.compress(data[: len(data) // 3]) + b"\0" * 8 + gzip.compress(data[len(data) // 3 :])  # two members
    index = CheckpointIndex()
    stream = Inflater(lambda: io.BytesIO(blob), index=index)
    assert stream.read() == data
    assert len(index.points) > 3
    rnd = random.Random(3)
    for _ in range(100):
        offset, size = rnd.randrange(len(data)), rnd.randrange(100_000)
        other = Inflater(lambda: io.BytesIO(blob), index=index)  # a fresh stream reuses the checkpoints
        other.seek(offset)
        assert other.read(size) == data[offset : offset + size]
        stream.seek(offset)
        assert stream.read(size) == data[offset : offset + size]


def test_raw_deflate_and_slices() -> None:
    data = tm_lines(2000)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    raw = b"HEADER" + packer.compress(data) + packer.flush() + b"TRAILER"
    stream = Inflater(lambda: Slice(io.BytesIO(raw), 6, len(raw) - 13), gzip=False, what="deflate")
    assert stream.read() == data and stream.damage is None


def test_damage_is_reported_and_what_came_before_is_kept() -> None:
    data = tm_lines(5000)
    blob = gzip.compress(data)
    cut = Inflater(lambda: io.BytesIO(blob[: len(blob) // 2]))
    got = cut.read()
    assert data.startswith(got) and 0 < len(got) < len(data)
    assert cut.damage == f"gzip stream ends early (truncated file) after {len(blob) // 2} compressed bytes"
    member = gzip.compress(b"abc\n")
    garbage = Inflater(lambda: io.BytesIO(member + b"not gzip"))
    assert garbage.read() == b"abc\n"
    assert garbage.damage == f"gzip stream is damaged (not a gzip member) at compressed byte {len(member)}"


def test_a_bomb_raises_after_little_work() -> None:
    bomb = gzip.compress(bytes(64 << 20))
    stream = Inflater(lambda: io.BytesIO(bomb), max_ratio=200)
    with pytest.raises(RatioError, match=r"compression ratio over 200:1"):
        stream.read()
    assert stream.tell() < 4 << 20
