"""One gzip behaviour on the three paths that inflate: a log file streamed in blocks (``read_blocks``), a whole
``.gz`` read at once (``read_bounded``, and ``head``), an archive member read through the seekable ``Inflater``
(``read_content``, as ``members.py`` reads a ``.gz`` member). Each case gives every path the same bytes and expects
the same bytes and the same warning (only the library's own words for a damage, in parentheses, may differ: ISA-L
inflates the first two paths, zlib the third)."""

from __future__ import annotations

import gzip
import io
import re
import tarfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from logforensics.blocks import read_blocks
from logforensics.errors import InputError
from logforensics.ingest import inflate, streams
from logforensics.ingest.discover import discover, head, read_bounded
from logforensics.ingest.inflate import GzipBlocks, RatioError
from logforensics.ingest.limits import Budget, Limits
from logforensics.ingest.source import Context, Found, gunzip_opener, read_content
from tests.adversarial.bombs import gzip_zeros
from tests.ingest.helpers import add_member, tm_lines

D1 = tm_lines(3000, seed=1)
D2 = tm_lines(2000, seed=2)
HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def kept(what: str, data: bytes) -> str:
    return f"{what}; kept the {len(data)} bytes inflated before it"


Reader = Callable[[bytes, int], tuple[bytes, list[str]]]


def _blocks(tmp_path: Path) -> Reader:
    def read(blob: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
        file = tmp_path / "blocks.log.gz"
        file.write_bytes(blob)
        warnings: list[str] = []
        data = b"".join(read_blocks(Found(file, file.name, len(blob)), max_bytes, warnings))
        return data, warnings

    return read


def _whole(tmp_path: Path) -> Reader:
    def read(blob: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
        file = tmp_path / "whole.log.gz"
        file.write_bytes(blob)
        done = read_bounded(file, max_bytes)
        if max_bytes >= 65536:
            assert head(file) == done.data[:65536]  # the head is the same inflation, shorter
        return done.data, list(done.warnings)

    return read


def _member(tmp_path: Path) -> Reader:
    def read(blob: bytes, max_bytes: int) -> tuple[bytes, list[str]]:
        limits = Limits()
        done = read_content(
            gunzip_opener(lambda: io.BytesIO(blob), limits), max_bytes, Context(limits), compressed=True
        )
        return done.data, list(done.warnings)

    return read


@pytest.fixture(params=["blocks", "whole", "member"])
def inflated(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., tuple[bytes, list[str]]]:
    reader = {"blocks": _blocks, "whole": _whole, "member": _member}[request.param](tmp_path)

    def read(blob: bytes, max_bytes: int = 1 << 30) -> tuple[bytes, list[str]]:
        return reader(blob, max_bytes)

    return read


def test_every_member_is_read(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    assert inflated(gz(D1) + gz(b"") + gz(D2)) == (D1 + D2, [])


@pytest.mark.parametrize("zeros", [1, 100, (1 << 20) + 3, 3 << 20])
def test_nul_padding_after_the_last_member_is_neither_damage_nor_data(
    inflated: Callable[..., tuple[bytes, list[str]]], zeros: int
) -> None:
    assert inflated(gz(D1) + gz(D2) + b"\0" * zeros) == (D1 + D2, [])


@pytest.mark.parametrize("zeros", [1, 4096, (1 << 20) + 3])
def test_nul_bytes_between_members_are_skipped(inflated: Callable[..., tuple[bytes, list[str]]], zeros: int) -> None:
    assert inflated(gz(D1) + b"\0" * zeros + gz(D2) + b"\0" * 7) == (D1 + D2, [])


def test_a_truncated_stream_keeps_what_inflated_and_says_how_much(
    inflated: Callable[..., tuple[bytes, list[str]]],
) -> None:
    blob = gz(D1 + D2)
    cut = len(blob) // 2
    data, warnings = inflated(blob[:cut])
    assert (D1 + D2).startswith(data) and len(data) > len(D1 + D2) // 3
    assert warnings == [kept(f"gzip stream ends early (truncated file) after {cut} compressed bytes", data)]


def test_a_stream_cut_after_a_member_keeps_the_members_before(
    inflated: Callable[..., tuple[bytes, list[str]]],
) -> None:
    blob = gz(D1) + b"\0" * 5 + gz(D2)[:6]  # the next member's header, cut
    assert inflated(blob) == (
        D1,
        [kept(f"gzip stream ends early (truncated file) after {len(blob)} compressed bytes", D1)],
    )


def test_damage_says_where_and_keeps_what_came_before(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    before = packer.compress(D1) + packer.flush(zlib.Z_FULL_FLUSH)  # ends on a byte: the next block starts there
    after = packer.compress(D2) + packer.flush()
    at = len(HEADER) + len(before)
    data, warnings = inflated(HEADER + before + b"\xff\xff" + after)  # block type 3: invalid, at once
    assert data == D1
    assert len(warnings) == 1
    assert re.fullmatch(rf"gzip stream is damaged \([\w /]+\) at compressed byte {at}", warnings[0].split(";")[0])
    assert warnings[0].endswith(f"; kept the {len(D1)} bytes inflated before it")


@pytest.mark.parametrize("padding", [b"", b"\0" * 10])
def test_bytes_after_a_member_that_are_not_gzip_are_damage(
    inflated: Callable[..., tuple[bytes, list[str]]], padding: bytes
) -> None:
    at = len(gz(D1) + padding)
    assert inflated(gz(D1) + padding + b"PK\x03\x04 not a gzip member") == (
        D1,
        [kept(f"gzip stream is damaged (not a gzip member) at compressed byte {at}", D1)],
    )


def test_corrupt_bytes_mid_stream(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    first, second = gz(D1), bytearray(gz(D2))
    middle = len(second) // 2
    second[middle : middle + 64] = bytes(range(64))
    data, warnings = inflated(first + bytes(second))
    assert data.startswith(D1) and len(warnings) == 1  # the first member is intact
    where = re.fullmatch(
        r"gzip stream is damaged \([\w /,]+\) at compressed byte (\d+); kept the (\d+) bytes .+", warnings[0]
    )
    assert where and len(first) + middle <= int(where.group(1)) < len(first) + len(second)
    assert int(where.group(2)) == len(data)


def test_a_failed_checksum_says_the_damage_may_be_anywhere_in_the_member(
    inflated: Callable[..., tuple[bytes, list[str]]],
) -> None:
    """Damaged deflate data often inflates to wrong bytes without an error: only the member's checksum, at its end,
    tells. The warning must not let the user think the damage is where it was found."""
    second = bytearray(gz(D2))
    second[-6] ^= 1  # a bit of the CRC-32
    data, warnings = inflated(gz(D1) + bytes(second))
    assert data == D1 + D2 and len(warnings) == 1
    where = re.fullmatch(
        r"gzip stream is damaged \([\w ]+, so the damage may be anywhere in this member\) at compressed byte (\d+); "
        rf"kept the {len(D1 + D2)} bytes inflated before it",
        warnings[0],
    )
    assert where and len(gz(D1)) + len(second) - 8 <= int(where.group(1)) < len(gz(D1)) + len(second)


def test_the_cut_at_max_bytes_names_the_limit(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    blob = gz(D1) + gz(D2)
    for limit in (1000, len(D1) + 5):
        assert inflated(blob, limit) == (
            (D1 + D2)[:limit],
            [f"cut at --max-bytes ({limit} bytes after decompression); the rest was not read"],
        )


def test_nothing_past_the_limit_is_no_cut(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    """At the limit, a member's trailer, padding or an empty member are not "the rest"."""
    assert inflated(gz(D1), len(D1)) == (D1, [])
    assert inflated(gz(D1) + b"\0" * 100 + gz(b""), len(D1)) == (D1, [])


def test_damage_right_after_the_limit_is_damage(inflated: Callable[..., tuple[bytes, list[str]]]) -> None:
    at = len(gz(D1))
    assert inflated(gz(D1) + b"junk", len(D1)) == (
        D1,
        [kept(f"gzip stream is damaged (not a gzip member) at compressed byte {at}", D1)],
    )
    assert inflated(gz(D1) + b"junk", 1000) == (
        D1[:1000],
        ["cut at --max-bytes (1000 bytes after decompression); the rest was not read"],
    )


# -- GzipBlocks itself: read sizes that cut members, padding and damage across reads --------------------------------


@pytest.mark.parametrize("read", [1, 7, 1000, 1 << 16])
def test_any_read_size_gives_the_same_outcome(read: int) -> None:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    before = packer.compress(D2) + packer.flush(zlib.Z_FULL_FLUSH)
    damaged = HEADER + before + b"\xff" + packer.compress(D1) + packer.flush()
    cases = {
        gz(D1) + b"\0" * 3000 + gz(D2) + b"\0" * 3000: (D1 + D2, None),
        (gz(D1) + gz(D2))[:-3000]: (None, "gzip stream ends early (truncated file) after"),
        gz(D1) + b"\0" * 2500 + damaged: (D1 + D2, f"at compressed byte {len(gz(D1)) + 2500 + len(HEADER + before)};"),
    }
    for blob, (data, warning) in cases.items():
        inflation = GzipBlocks(io.BytesIO(blob), 1 << 30, read=read, block=5000)
        got = b"".join(inflation)
        if data is not None:
            assert got == data
        else:
            assert (D1 + D2).startswith(got) and got
        if warning is None:
            assert inflation.warnings() == []
        else:
            [said] = inflation.warnings()
            assert warning in said and said.endswith(f"; kept the {len(got)} bytes inflated before it")


def test_blocks_are_bounded() -> None:
    inflation = GzipBlocks(io.BytesIO(gz(D1) + gz(D2)), 1 << 30, block=5000, read=100)
    sizes = [len(b) for b in inflation]
    assert max(sizes) <= 5000 and sum(sizes) == len(D1 + D2) and inflation.warnings() == []


def test_damage_is_found_to_the_byte_in_a_big_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The failing read is inflated again in pieces, twice at most: a few pieces per pass here."""
    monkeypatch.setattr(inflate, "LOCATE_STEPS", 4)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    before = packer.compress(D1) + packer.flush(zlib.Z_FULL_FLUSH)
    blob = HEADER + before + b"\xff" + packer.compress(D2) + packer.flush()
    inflation = GzipBlocks(io.BytesIO(blob), 1 << 30)
    assert b"".join(inflation) == D1
    assert inflation.damage is not None and inflation.damage.endswith(f" {len(HEADER + before)}")
    assert inflation.damage.startswith("gzip stream is damaged (") and "between" not in inflation.damage


# -- the ratio bound and the budget ---------------------------------------------------------------------------------


def test_a_bomb_is_stopped_by_the_ratio(tmp_path: Path) -> None:
    bomb = tmp_path / "zeros.log.gz"
    bomb.write_bytes(gzip_zeros(64))
    with pytest.raises(RatioError, match=r"^compression ratio over 200:1 \(a decompression bomb\?\): (\d+) bytes"):
        for _ in read_blocks(Found(bomb, bomb.name, bomb.stat().st_size), 1 << 40, [], 200.0):
            pass
    assert issubclass(RatioError, InputError)
    blocks = GzipBlocks(io.BytesIO(gzip_zeros(64)), 1 << 40, max_ratio=200.0)
    with pytest.raises(RatioError):
        for _ in blocks:
            pass
    assert blocks.inflated <= 200 * blocks.compressed + inflate.RATIO_SLACK + inflate.BLOCK_BYTES < 64 << 20


def test_the_budget_cut_names_max_total_bytes(tmp_path: Path) -> None:
    file = tmp_path / "taskmanager.log.gz"
    file.write_bytes(gz(D1))
    budget = Budget(1000)
    warnings: list[str] = []
    data = b"".join(read_blocks(Found(file, file.name, 0, budget=budget), 1 << 30, warnings))
    cut = (
        "cut after 1000 bytes: the total of bytes inflated from compressed inputs reached the limit "
        "(max_total_bytes = 1000); the rest was not read"
    )
    assert (data, warnings, budget.used) == (D1[:1000], [cut], 1000)
    read = read_bounded(file, 1 << 30, Budget(1000))
    assert (read.data, read.warnings) == (D1[:1000], (cut,))


# -- end to end: a NUL-padded .gz on disk and in a tar ---------------------------------------------------------------


@pytest.mark.parametrize("in_tar", [False, True])
def test_nul_padded_gz_files_are_read_clean_on_disk_and_in_a_tar(tmp_path: Path, in_tar: bool) -> None:
    padded = gz(D1) + b"\0" * 512 + gz(D2) + b"\0" * 4096
    if in_tar:
        with tarfile.open(tmp_path / "incident.tar", "w") as tar:
            add_member(tar, "tm-1/taskmanager.log.gz", padded)
    else:
        (tmp_path / "taskmanager.log.gz").write_bytes(padded)
    [found] = discover([tmp_path], tmp_path)
    assert found.label == ("incident.tar!/tm-1/taskmanager.log.gz" if in_tar else "taskmanager.log.gz")
    assert found.skipped_reason is None, found.skipped_reason
    read = found.read(1 << 30)
    assert (read.data, read.warnings) == (D1 + D2, ())
    if not in_tar:
        warnings: list[str] = []
        assert b"".join(read_blocks(found, 1 << 30, warnings)) == D1 + D2 and warnings == []


def test_the_seekable_inflater_reads_the_same_after_damage_and_padding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its checkpoints still work: seeking back over NUL padding and into the bytes salvaged before damage."""
    monkeypatch.setattr(streams, "CHECKPOINT_SPACING", 1 << 16)
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    before = packer.compress(D2) + packer.flush(zlib.Z_FULL_FLUSH)
    blob = gz(D1) + b"\0" * 200_000 + HEADER + before + b"\xff" + packer.compress(D1) + packer.flush()
    index = streams.CheckpointIndex()
    stream = streams.Inflater(lambda: io.BytesIO(blob), index=index)
    assert stream.read() == D1 + D2
    damage = (
        f"gzip stream is damaged (invalid block type) at compressed byte {len(gz(D1)) + 200_000 + 10 + len(before)}"
    )
    assert stream.damage == damage
    for offset in (0, len(D1) - 10, len(D1) + 5, len(D1 + D2) - 3):
        again = streams.Inflater(lambda: io.BytesIO(blob), index=index)
        again.seek(offset)
        assert again.read() == (D1 + D2)[offset:] and again.damage == damage
        stream.seek(offset)
        assert stream.read(100) == (D1 + D2)[offset : offset + 100]
