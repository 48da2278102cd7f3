"""Find the inputs under the paths a user gives: files and folders, plain and ``.gz``, archives, dumps.

Only regular files are opened. Symlinks, FIFOs, sockets and devices are listed as skipped with the reason (a FIFO
would block a reader forever); folders are walked without following links, so a symlink loop cannot trap us.
Archives (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, one level of nesting) are read in place, bounded by
:class:`~logforensics.ingest.limits.Limits` (archive.py); a YARN aggregated dump is split into its container logs
(aggregated.py), a ``kubectl logs`` file into its pods (kubectl.py); rotated parts come oldest first (rotation.py).
Everything found is returned, skipped or not, so that the report can say what was not analysed and why. Nothing is
ever written to disk.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from logforensics.errors import InputError
from logforensics.ingest import aggregated, archive, kubectl
from logforensics.ingest.limits import DEFAULT_MAX_BYTES, Limits
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

DEFAULT_LIMITS = Limits()
"""4 GiB per input, 16 GiB inflated in all, 10 000 files per archive, ratio 200 (see ``Limits``)."""


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
    return order_rotated(list(found.values()))


def _walk(path: Path, root: Path, ctx: Context) -> Iterator[Found]:
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False, onerror=None):
            dirnames.sort()
            for name in sorted(filenames) + sorted(d for d in dirnames if Path(dirpath, d).is_symlink()):
                yield from _classify(Path(dirpath) / name, root, ctx)
            dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink() and not d.startswith(".")]
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
            yield from expand(_file_blob(path, label, info.st_size, ctx), ctx)
        except READ_ERRORS as exc:
            yield Found(path, label, info.st_size, f"cannot read: {str(exc) or type(exc).__name__}")


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
        yield Found(blob.path, blob.label, blob.size, f"cannot read: {str(exc) or type(exc).__name__}")
        return
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


def _single(blob: Blob, ctx: Context) -> Found:
    if blob.plain_file:  # read by read_bounded (or streamed by the caller): plain and .gz alike
        return Found(blob.path, blob.label, blob.size)
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
            return handle.read(2) == b"\x1f\x8b"
    except OSError:
        return False


def opener(path: Path) -> BinaryIO:
    """A stream of the file's decompressed bytes (gzip by magic number, not by name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def read_bounded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Read:
    """The decompressed bytes, at most ``max_bytes``; a damaged gzip keeps everything inflated before the damage."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as raw:
            for block in iter(lambda: raw.read(1 << 20), b""):
                digest.update(block)
        if is_gzip(path):
            data, warnings = _inflate(path, max_bytes)
        else:
            with path.open("rb") as handle:
                data = handle.read(max_bytes)
                warnings = [f"cut at --max-bytes ({max_bytes} bytes); the rest was not read"] if handle.read(1) else []
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return Read(data, digest.hexdigest(), tuple(warnings))


def _inflate(path: Path, max_bytes: int) -> tuple[bytes, list[str]]:
    """Inflate every gzip member, bounded by ``max_bytes`` of output, whatever the compression ratio."""
    out: list[bytes] = []
    size = 0
    inflater = zlib.decompressobj(wbits=31)
    with path.open("rb") as raw:
        pending = b""
        while size < max_bytes:
            chunk = pending or raw.read(1 << 16)
            pending = b""
            if not chunk:
                if not inflater.eof:
                    return b"".join(out), [f"gzip stream ends early (truncated file); kept the {size} bytes inflated"]
                break
            try:
                block = inflater.decompress(chunk, max_bytes - size)
            except zlib.error as exc:
                return b"".join(out), [f"gzip stream is damaged ({exc}); kept the {size} bytes inflated before it"]
            out.append(block)
            size += len(block)
            if inflater.unconsumed_tail:
                pending = inflater.unconsumed_tail
            elif inflater.eof:
                rest = inflater.unused_data
                if not rest.strip(b"\0"):
                    rest = raw.read(1 << 16)
                    if not rest:
                        break
                inflater = zlib.decompressobj(wbits=31)  # the next member of a multi-member gzip
                pending = rest
        else:
            return b"".join(out), [f"cut at --max-bytes ({max_bytes} bytes after decompression); the rest was not read"]
    return b"".join(out), []


def head(path: Path, size: int = 65536) -> bytes:
    """The first ``size`` decompressed bytes, for sniffing."""
    try:
        with opener(path) as handle:
            return handle.read(size)
    except (EOFError, gzip.BadGzipFile, zlib.error):
        return b""
