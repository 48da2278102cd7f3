"""Find the inputs under the paths a user gives: files and folders, plain and ``.gz``, archives, dumps.

Only regular files are opened. Symlinks, FIFOs, sockets and devices are listed as skipped with the reason (a FIFO
would block a reader forever); folders are walked without following links, so a symlink loop cannot trap us.
Archives (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, one level of nesting) are read in place, bounded by
:class:`~logforensics.ingest.limits.Limits` (archive.py); a YARN aggregated dump is split into its container logs
(aggregated.py), a ``kubectl logs`` file into its pods (kubectl.py); rotated parts come oldest first (rotation.py).
UTF-16/32 text with a byte order mark is decoded to UTF-8 (encoding.py). Hidden folders and folders that cannot be
listed are named, not silently left out; an input whose content equals an earlier one's is listed as its duplicate
and analysed once (duplicates.py). Everything found is returned, skipped or not, so that the report can say what was
not analysed and why. Nothing is ever written to disk.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from logforensics.errors import InputError
from logforensics.ingest import aggregated, archive, encoding, kubectl
from logforensics.ingest.duplicates import mark_duplicates
from logforensics.ingest.inflate import GZIP_MAGIC, RATIO_SLACK, READ_BYTES, GzipBlocks, RatioError
from logforensics.ingest.limits import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, Budget, Limits
from logforensics.ingest.rotation import order_rotated
from logforensics.ingest.source import (
    READ_ERRORS,
    Blob,
    Context,
    Found,
    Read,
    guarded,
    guarded_head,
    gunzip_opener,
    read_content,
)
from logforensics.ingest.streams import Inflater

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_BYTES",
    "Found",
    "Limits",
    "Read",
    "common_root",
    "discover",
    "head",
    "read_bounded",
]

HIDDEN_FOLDER = "hidden folder (its name starts with '.'), not walked"


def common_root(paths: list[Path]) -> Path:
    """The folder the report's relative paths start from: the input folder, or the common parent of the inputs."""
    resolved = [p.resolve() for p in paths]
    if len(resolved) == 1:
        return resolved[0] if resolved[0].is_dir() else resolved[0].parent
    return Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))


def discover(paths: list[Path], root: Path, limits: Limits = DEFAULT_LIMITS) -> list[Found]:
    """Every input under ``paths`` in a stable order; raise InputError when an input does not exist.

    Archives are listed member by member, YARN dumps section by section, ``kubectl logs`` files pod by pod, each a
    ``Found`` of its own; rotated parts of one log come oldest first. Readers share ``limits`` (one budget of
    inflated bytes per call).
    """
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    ctx = Context(limits)
    found: dict[tuple[Path, str], Found] = {}
    for path in paths:
        for item in _walk(path, root, ctx):
            found.setdefault((item.path, item.label), item)
    return mark_duplicates(order_rotated(list(found.values())), limits)


def _walk(path: Path, root: Path, ctx: Context) -> Iterator[Found]:
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False, onerror=errors.append):
            dirnames.sort()
            for name in sorted(filenames) + sorted(d for d in dirnames if Path(dirpath, d).is_symlink()):
                yield from _classify(Path(dirpath) / name, root, ctx)
            walked = [d for d in dirnames if not Path(dirpath, d).is_symlink()]
            for name in walked:
                if name.startswith("."):
                    yield Found(Path(dirpath) / name, _label(Path(dirpath) / name, root), 0, HIDDEN_FOLDER)
            dirnames[:] = [d for d in walked if not d.startswith(".")]
        for error in errors:  # a folder that could not be listed (permissions, removed while walking)
            where = Path(error.filename) if error.filename else path
            yield Found(where, _label(where, root), 0, f"cannot list the folder: {error.strerror or error}")
        return
    yield from _classify(path, root, ctx, explicit=True)


def _classify(path: Path, root: Path, ctx: Context, explicit: bool = False) -> Iterator[Found]:
    label = _label(path, root)
    try:
        info = os.lstat(path)
    except OSError as exc:
        yield Found(path, label, 0, f"cannot stat: {exc.strerror}")
        return
    mode = info.st_mode
    if stat.S_ISLNK(mode) and not explicit:
        yield Found(path, label, 0, "symbolic link (not followed)")
        return
    if stat.S_ISLNK(mode):
        try:
            info = path.stat()  # a link named on the command line is the user's choice
        except OSError as exc:
            yield Found(path, label, 0, f"cannot follow the link: {exc.strerror}")
            return
        mode = info.st_mode
    if stat.S_ISFIFO(mode):
        yield Found(path, label, 0, "named pipe (FIFO), not opened")
    elif stat.S_ISSOCK(mode):
        yield Found(path, label, 0, "socket, not opened")
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        yield Found(path, label, 0, "device file, not opened")
    elif not stat.S_ISREG(mode):
        yield Found(path, label, 0, "not a regular file")
    elif not os.access(path, os.R_OK):
        yield Found(path, label, info.st_size, "permission denied")
    else:
        try:
            bomb = _gzip_trailer_bomb(path, label, info.st_size, ctx.limits)
            if bomb is not None:
                yield Found(path, label, info.st_size, bomb)
                return
            yield from expand(_file_blob(path, label, info.st_size, ctx), ctx)
        except READ_ERRORS as exc:
            yield Found(path, label, info.st_size, f"cannot read: {why(exc)}")


def why(exc: BaseException) -> str:
    """An exception in a few words: an OSError's own text without the path (the report names the input)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


def _gzip_trailer_bomb(path: Path, label: str, size: int, limits: Limits) -> str | None:
    """Why a ``.gz`` file is refused before it is analysed: its gzip trailer declares (ISIZE, the inflated size modulo
    4 GiB) over ``max_ratio`` times its compressed size, and inflating it (read and dropped) passes that ratio. The
    trailer alone proves nothing (a truncated file ends with arbitrary bytes), so it only decides whether to check;
    a bomb stops after a megabyte or so. A bomb whose trailer lies is not caught here."""
    if size < 20 or archive.archive_kind(label) is not None or not is_gzip(path):
        return None
    with path.open("rb") as handle:
        handle.seek(-4, os.SEEK_END)
        declared = int.from_bytes(handle.read(4), "little")
    if declared <= limits.max_ratio * size + RATIO_SLACK:
        return None
    stream = Inflater(lambda: path.open("rb"), max_ratio=limits.max_ratio)
    try:
        while stream.read(1 << 20):
            pass
    except RatioError as exc:
        return str(exc)
    finally:
        stream.close()
    return None


def _file_blob(path: Path, label: str, size: int, ctx: Context) -> Blob:
    def raw() -> BinaryIO:
        return path.open("rb")

    if is_gzip(path) and archive.archive_kind(label) is None:
        return Blob(path, label, size, gunzip_opener(raw, ctx.limits), compressed=True, plain_file=True)
    return Blob(path, label, size, raw, plain_file=True)


def expand(blob: Blob, ctx: Context) -> Iterator[Found]:
    """The inputs a blob holds: itself, its members (an archive), its sections (a YARN dump), its pods (kubectl)."""
    unsupported = archive.unsupported_reason(blob.label)
    if unsupported is not None:
        yield Found(blob.path, blob.label, blob.size, unsupported)
        return
    if archive.archive_kind(blob.label) is not None:
        yield from archive.expand_archive(blob, ctx, expand)
        return
    try:
        head_bytes = blob.head()
    except READ_ERRORS as exc:
        yield Found(blob.path, blob.label, blob.size, f"cannot read: {why(exc)}")
        return
    wide = encoding.wide_encoding(head_bytes)
    if wide is not None:
        yield from _decoded(blob, wide, ctx)
        return
    yield from _expand_text(blob, head_bytes, ctx)


def _expand_text(blob: Blob, head_bytes: bytes, ctx: Context) -> Iterator[Found]:
    if aggregated.looks_like_dump(head_bytes):
        sections = aggregated.split_dump(blob, ctx)
        if sections:
            yield from sections
            return
    style = kubectl.detect(head_bytes)
    if style is not None:
        yield from kubectl.split_pods(blob, style, ctx)
        return
    yield _single(blob, ctx)


def _decoded(blob: Blob, wide: str, ctx: Context) -> Iterator[Found]:
    """The inputs of a UTF-16/32 blob, read through a decoder to UTF-8, each saying so in its warnings."""
    decoded = Blob(
        blob.path, blob.label, blob.size, encoding.decoded_opener(blob.open, wide), blob.depth, blob.compressed
    )
    said = encoding.note(wide)
    try:
        head_bytes = decoded.head()
    except READ_ERRORS as exc:
        yield Found(blob.path, blob.label, blob.size, f"cannot read: {str(exc) or type(exc).__name__}")
        return
    for item in _expand_text(decoded, head_bytes, ctx):
        reader = item.reader
        if item.skipped_reason is not None or reader is None:
            yield item
            continue

        def read(max_bytes: int, reader: Callable[[int], Read] = reader) -> Read:
            done = reader(max_bytes)
            return Read(done.data, done.sha256, (said, *done.warnings))

        yield replace(item, reader=read)


def _single(blob: Blob, ctx: Context) -> Found:
    if blob.plain_file:  # read by read_bounded (or streamed by the caller): plain and .gz alike
        if blob.compressed:
            return Found(blob.path, blob.label, blob.size, budget=ctx.budget)
        return Found(blob.path, blob.label, blob.size, independent=True)
    return Found(
        blob.path,
        blob.label,
        blob.size,
        reader=guarded(
            lambda max_bytes: read_content(
                blob.open, max_bytes, ctx, compressed=blob.compressed, expected=blob.expected
            )
        ),
        header=guarded_head(blob.head),
    )


def _label(path: Path, root: Path) -> str:
    try:
        return (
            path.resolve().relative_to(root).as_posix() if not path.is_symlink() else path.relative_to(root).as_posix()
        )
    except ValueError:
        return path.as_posix()


def is_gzip(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(2) == GZIP_MAGIC
    except OSError:
        return False


def opener(path: Path) -> BinaryIO:
    """A stream of the file's decompressed bytes (gzip by magic number, not by name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_bounded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, budget: Budget | None = None) -> Read:
    """The decompressed bytes, at most ``max_bytes``; a damaged gzip keeps everything inflated before the damage.
    A gzip's inflated bytes are taken from ``budget`` (and bounded by what it has left)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
        if is_gzip(path):
            limit = budget_limit(budget, max_bytes)
            data, inflation = _inflate(path, limit)
            cut = None
            if budget is not None:
                budget.take(len(data))
                cut = budget_cut(budget, len(data)) if limit < max_bytes else None
            warnings = inflation.warnings(cut)
        else:
            with path.open("rb") as handle:
                data = handle.read(max_bytes)
                warnings = [f"cut at --max-bytes ({max_bytes} bytes); the rest was not read"] if handle.read(1) else []
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return Read(data, digest.hexdigest(), tuple(warnings))


def budget_limit(budget: Budget | None, max_bytes: int) -> int:
    """The bytes a compressed input may still inflate: ``max_bytes``, less when the total budget has less left;
    InputError when it has nothing left."""
    if budget is None:
        return max_bytes
    if budget.remaining <= 0:
        raise budget.refuse()
    return min(max_bytes, budget.remaining)


def budget_cut(budget: Budget, kept: int) -> str:
    return (
        f"cut after {kept} bytes: the total of bytes inflated from compressed inputs reached the limit "
        f"(max_total_bytes = {budget.limit}); the rest was not read"
    )


def _inflate(path: Path, max_bytes: int, read: int = READ_BYTES) -> tuple[bytes, GzipBlocks]:
    """Inflate every gzip member, bounded by ``max_bytes`` of output, whatever the compression ratio; the inflation
    tells how it ended (``warnings()``)."""
    with path.open("rb") as raw:
        inflation = GzipBlocks(raw, max_bytes, read=read)
        return b"".join(inflation), inflation


def head(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` decompressed bytes, for sniffing; of a damaged or truncated gzip, what inflates before the
    damage (a gzip cut within its first ``size`` inflated bytes is not empty)."""
    if is_gzip(path):
        return _inflate(path, size, read=1 << 16)[0]
    with path.open("rb", buffering=0) as handle:  # unbuffered: _text_start moves the descriptor itself
        data = handle.read(size)
        if data and not data.strip(b"\0"):
            start = _text_start(handle)  # a NUL hole at the start: sniff the text after it
            if start is not None:
                handle.seek(start)
                data = handle.read(size)
        return data


NUL_SCAN_BYTES = 256 << 20
"""How far past a run of NUL bytes at the start of a file its text is looked for (sparse holes are skipped free)."""


def _text_start(handle: io.RawIOBase) -> int | None:
    """Offset of the first byte that is not NUL (within ``NUL_SCAN_BYTES``), or None."""
    position = 0
    while position < NUL_SCAN_BYTES:
        with contextlib.suppress(OSError, AttributeError, ValueError):  # past a sparse hole, if there is one
            position = os.lseek(handle.fileno(), position, os.SEEK_DATA)
        handle.seek(position)
        block = handle.read(1 << 20)
        if not block:
            return None
        rest = block.lstrip(b"\0")
        if rest:
            return position + len(block) - len(rest)
        position += len(block)
    return None
