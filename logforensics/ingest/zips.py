"""Zip archives: listed by ``zipfile`` (or, when the central directory is unreadable, by walking the local
headers), each member read with our own inflater over its byte range, so that it can be read from any offset."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from logforensics.errors import InputError
from logforensics.ingest.inflate import RATIO_SLACK, RatioError, ratio_message
from logforensics.ingest.members import (
    DEVICE,
    ENCRYPTED,
    FIFO,
    MEMBER_SEP,
    OTHER,
    SYMLINK,
    clean_name,
    count_member,
    member_blob,
    name_problem,
    range_opener,
)
from logforensics.ingest.source import Blob, Context, Found, Opener, Tree
from logforensics.ingest.streams import CheckpointIndex, Inflater


@dataclass(frozen=True)
class _ZipEntry:
    name: str
    method: int
    flags: int
    compressed: int
    size: int
    mode: int
    header_offset: int
    data_offset: int | None = None
    """Known when the entry was found by walking local headers."""


_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIG = b"PK\x03\x04"


def list_zip(archive: Blob, raw: Opener, ctx: Context, tree: Tree, notes: list[str]) -> Iterator[Found | Blob]:
    try:
        with raw() as handle, zipfile.ZipFile(handle) as zf:
            entries = [
                _ZipEntry(
                    i.filename,
                    i.compress_type,
                    i.flag_bits,
                    i.compress_size,
                    i.file_size,
                    i.external_attr >> 16,
                    i.header_offset,
                )
                for i in zf.infolist()
            ]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error) as exc:
        entries, damage = _walk_local_headers(raw, ctx.limits.max_ratio)
        found = f"{len(entries)} files found by their local headers" if entries else "no file could be found in it"
        notes.append(f"damaged zip archive ({exc}): {found}" + (f"; {damage}" if damage else ""))
    for entry in entries:
        if entry.name.endswith("/") and entry.size == 0:
            continue
        reason = _zip_problem(entry, ctx)
        if reason is None and not count_member(tree, ctx):
            continue
        label = f"{archive.label}{MEMBER_SEP}{clean_name(entry.name)}"
        if reason is not None:
            yield Found(archive.path, label, entry.size, reason)
            continue
        try:
            data_offset = entry.data_offset if entry.data_offset is not None else _data_offset(raw, entry)
        except InputError as exc:
            yield Found(archive.path, label, entry.size, str(exc))
            continue
        member_raw = range_opener(raw, data_offset, entry.compressed)
        if entry.method == zipfile.ZIP_DEFLATED:
            index = CheckpointIndex()

            def content(member_raw: Opener = member_raw, index: CheckpointIndex = index) -> BinaryIO:
                return Inflater(  # type: ignore[return-value]
                    member_raw, gzip=False, index=index, max_ratio=ctx.limits.max_ratio, what="deflate"
                )

            yield member_blob(archive, clean_name(entry.name), content, entry.size, ctx, tree, compressed=True)
        else:
            yield member_blob(archive, clean_name(entry.name), member_raw, entry.size, ctx, tree, compressed=False)


def _zip_problem(entry: _ZipEntry, ctx: Context) -> str | None:
    mode = entry.mode
    if stat.S_ISLNK(mode):
        return SYMLINK
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return DEVICE
    if stat.S_ISFIFO(mode):
        return FIFO
    if stat.S_ISSOCK(mode) or (mode and stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
        return OTHER
    problem = name_problem(entry.name)
    if problem is not None:
        return problem
    if entry.flags & 0x1:
        return ENCRYPTED
    if entry.method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"zip compression method {entry.method} not supported (stored and deflate only), not read"
    if entry.method == zipfile.ZIP_DEFLATED and entry.size > ctx.limits.max_ratio * entry.compressed + RATIO_SLACK:
        return ratio_message(ctx.limits.max_ratio, entry.size, entry.compressed).replace(
            " bytes inflated from", " bytes declared for"
        )
    return None


def _data_offset(raw: Opener, entry: _ZipEntry) -> int:
    with raw() as handle:
        handle.seek(entry.header_offset)
        header = handle.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != _LOCAL_SIG:
        raise InputError("damaged member (bad local header), not read")
    fields = _LOCAL.unpack(header)
    return entry.header_offset + _LOCAL.size + int(fields[9]) + int(fields[10])


def _walk_local_headers(raw: Opener, max_ratio: float) -> tuple[list[_ZipEntry], str | None]:
    """The members of a zip whose central directory is unreadable, by walking its local headers from the start."""
    entries: list[_ZipEntry] = []
    with raw() as handle:
        handle.seek(0, io.SEEK_END)
        end = handle.tell()
        pos = 0
        while pos + _LOCAL.size <= end:
            handle.seek(pos)
            header = handle.read(_LOCAL.size)
            if header[:4] != _LOCAL_SIG:
                return entries, None if header[:4] in (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06") else (
                    f"unreadable data at offset {pos}; nothing after it was read"
                )
            _sig, _ver, flags, method, _t, _d, _crc, csize, usize, nlen, elen = _LOCAL.unpack(header)
            name = handle.read(nlen).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
            extra = handle.read(elen)
            data = pos + _LOCAL.size + nlen + elen
            if csize == 0xFFFFFFFF or usize == 0xFFFFFFFF:
                csize, usize = _zip64_sizes(extra, csize, usize)
            descriptor = 0
            if flags & 0x8:
                if method != zipfile.ZIP_DEFLATED:
                    return entries, f"member {name!r} has no stated size; nothing after it was read"
                try:
                    csize, usize = _deflate_extent(raw, data, max_ratio)
                except RatioError as exc:
                    return entries, f"member {name!r}: {exc}; nothing after it was read"
                descriptor = 16 if _peek(raw, data + csize, 4) == b"PK\x07\x08" else 12
            entries.append(_ZipEntry(name, method, flags, csize, usize, 0, pos, data))
            if data + csize > end:
                return entries, f"member {name!r} is cut short (truncated archive)"
            pos = data + csize + descriptor
    return entries, None


def _zip64_sizes(extra: bytes, csize: int, usize: int) -> tuple[int, int]:
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, at)
        if tag == 1:
            values = list(struct.unpack_from(f"<{min(length // 8, 2)}Q", extra, at + 4))
            if usize == 0xFFFFFFFF and values:
                usize = values.pop(0)
            if csize == 0xFFFFFFFF and values:
                csize = values.pop(0)
            break
        at += 4 + length
    return csize, usize


def _deflate_extent(raw: Opener, offset: int, max_ratio: float) -> tuple[int, int]:
    """(compressed, inflated) sizes of the deflate stream at ``offset`` (a member written with a data descriptor)."""
    inflater = zlib.decompressobj(-15)
    consumed = produced = 0
    with raw() as handle:
        handle.seek(offset)
        while not inflater.eof:
            chunk = inflater.unconsumed_tail or handle.read(1 << 16)
            if not chunk:
                break
            try:
                produced += len(inflater.decompress(chunk, 1 << 20))
            except zlib.error:
                break
            consumed += len(chunk) - len(inflater.unconsumed_tail) - len(inflater.unused_data)
            if produced > max_ratio * consumed + RATIO_SLACK:
                raise RatioError(ratio_message(max_ratio, produced, consumed))
    return consumed, produced


def _peek(raw: Opener, offset: int, size: int) -> bytes:
    with raw() as handle:
        handle.seek(offset)
        return handle.read(size)
