"""Tar archives, plain or gzip-compressed: listed by ``tarfile`` over a seekable stream (a ``.tar.gz`` through the
checkpointed inflater), each member's first bytes kept while the stream passes by, a checkpoint pinned at its start."""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from logforensics.ingest.inflate import GZIP_MAGIC, RatioError
from logforensics.ingest.members import (
    DEVICE,
    FIFO,
    HARDLINK,
    MEMBER_SEP,
    OTHER,
    SYMLINK,
    bytes_opener,
    clean_name,
    count_member,
    member_blob,
    name_problem,
    range_opener,
)
from logforensics.ingest.source import HEAD_BYTES, Blob, Context, Found, Opener, Tree
from logforensics.ingest.streams import CheckpointIndex, Inflater


def list_tar(archive: Blob, raw: Opener, ctx: Context, tree: Tree, notes: list[str]) -> Iterator[Found | Blob]:
    with raw() as probe:
        gz = probe.read(2) == GZIP_MAGIC
    index = CheckpointIndex()

    def open_tar() -> BinaryIO:
        if gz:
            return Inflater(raw, index=index, max_ratio=ctx.limits.max_ratio)  # type: ignore[return-value]
        return raw()

    stream = open_tar()
    try:
        try:
            tar = tarfile.open(fileobj=stream, mode="r:")  # noqa: SIM115 - closed below, with the stream
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            damage = getattr(stream, "damage", None)
            notes.append(f"damaged tar archive ({damage or exc}): no file could be read")
            return
        with tar:
            yield from _tar_members(archive, tar, stream, open_tar, ctx, tree, notes, compressed=gz)
        damage = getattr(stream, "damage", None)
        if damage is not None:
            notes.append(f"damaged tar archive ({damage}): the members before the damage are analysed")
    except RatioError as exc:
        notes.append(f"listing stopped: {exc}")
    finally:
        stream.close()


def _tar_members(
    archive: Blob,
    tar: tarfile.TarFile,
    stream: BinaryIO,
    open_tar: Opener,
    ctx: Context,
    tree: Tree,
    notes: list[str],
    *,
    compressed: bool,
) -> Iterator[Found | Blob]:
    inflater = stream if isinstance(stream, Inflater) else None
    pending: Blob | None = None
    while True:
        if inflater is not None:
            inflater.rebase()
        try:
            member = tar.next()
        except RatioError as exc:
            where = "the archive"
            if pending is not None:
                yield Found(archive.path, pending.label, pending.size, str(exc))
                where = pending.label.rsplit(MEMBER_SEP, 1)[-1]
                pending = None
            notes.append(f"listing stopped at {where} ({exc}); the rest was not read")
            return
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            if pending is not None:
                yield pending
                pending = None
            damage = getattr(stream, "damage", None)
            notes.append(f"damaged tar archive ({damage or exc}): the members before the damage are analysed")
            return
        if pending is not None:
            yield pending
            pending = None
        if member is None:
            _check_tar_end(tar, stream, notes)
            return
        if member.isdir():
            continue
        name = clean_name(member.name)
        label = f"{archive.label}{MEMBER_SEP}{name}"
        reason = _tar_problem(member)
        if reason is None and not count_member(tree, ctx):
            tree.stopped = True
            return
        if reason is not None:
            yield Found(archive.path, label, member.size, reason)
            continue
        if member.offset_data + member.size > ctx.limits.max_total_bytes:
            notes.append(
                f"archive is larger than the total limit (max_total_bytes = {ctx.limits.max_total_bytes}): "
                f"listing stopped at {name}; the rest was not read"
            )
            return
        head = _tar_head(stream, inflater, member, ctx)
        offset, size = member.offset_data, member.size
        member_raw = bytes_opener(head[:size]) if head is not None and len(head) >= size else None
        if member_raw is None:
            member_raw = range_opener(open_tar, offset, size)
        pending = member_blob(archive, name, member_raw, size, ctx, tree, compressed=compressed, head=head)


def _tar_head(stream: BinaryIO, inflater: Inflater | None, member: tarfile.TarInfo, ctx: Context) -> bytes | None:
    """A member's first bytes, read while the stream is there; kept whole for a small member."""
    if inflater is not None:
        inflater.pin(member.offset_data)
    want = min(member.size, HEAD_BYTES)
    if ctx.head_cache_left < want:
        return None
    stream.seek(member.offset_data)
    head = stream.read(want)
    ctx.head_cache_left -= len(head)
    return head


def _tar_problem(member: tarfile.TarInfo) -> str | None:
    if member.issym():
        return SYMLINK
    if member.islnk():
        return HARDLINK
    if member.ischr() or member.isblk():
        return DEVICE
    if member.isfifo():
        return FIFO
    if not member.isreg():
        return OTHER
    problem = name_problem(member.name)
    if problem is not None:
        return problem
    if member.issparse():
        return "sparse member, not read"
    return None


def _check_tar_end(tar: tarfile.TarFile, stream: BinaryIO, notes: list[str]) -> None:
    """A tar ends with zero blocks; anything else where the listing stopped is damage."""
    stream.seek(tar.offset)
    block = stream.read(tarfile.BLOCKSIZE)
    damage = getattr(stream, "damage", None)
    if damage is not None:
        return  # reported by the caller
    if len(block) < tarfile.BLOCKSIZE:
        notes.append("tar archive ends early (truncated file): the members before the end are analysed")
    elif block.strip(b"\0"):
        notes.append(f"damaged tar archive (invalid header at offset {tar.offset}): the members before it are analysed")
