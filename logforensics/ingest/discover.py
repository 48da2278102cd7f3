"""Find the input files under the paths a user gives: files and folders, plain and ``.gz``.

Only regular files are opened. Symlinks, FIFOs, sockets and devices are listed as skipped with the reason (a FIFO
would block a reader forever); folders are walked without following links, so a symlink loop cannot trap us.
Everything found is returned, skipped or not, so that the report can say what was not analysed and why.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from logforensics.errors import InputError

DEFAULT_MAX_BYTES = 4 * 1024**3
"""Bytes read from one file (after decompression) before it is cut, with a warning."""

_ARCHIVES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".7z", ".rar")


@dataclass(frozen=True)
class Found:
    """One input to analyse: a file, or (later) a member of an archive or a section of an aggregated log.

    An input knows how to read itself: ``head()`` gives the first decompressed bytes for sniffing, ``read(max_bytes)``
    the bounded content. A plain file reads from ``path``; other inputs bring their own readers.
    """

    path: Path
    """The file on disk that holds this input (the archive, for a member)."""
    label: str
    """Path relative to the analysed root, forward slashes: how the report names the input."""
    size: int
    skipped_reason: str | None = None
    reader: Callable[[int], Read] | None = field(default=None, compare=False, repr=False)
    """Reads the input bounded by a byte count; None: read ``path``."""
    header: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)
    """The first bytes of the input; None: from ``path``."""

    def head(self) -> bytes:
        return self.header() if self.header is not None else head(self.path)

    def read(self, max_bytes: int) -> Read:
        return self.reader(max_bytes) if self.reader is not None else read_bounded(self.path, max_bytes)


def common_root(paths: list[Path]) -> Path:
    """The folder the report's relative paths start from: the input folder, or the common parent of the inputs."""
    resolved = [p.resolve() for p in paths]
    if len(resolved) == 1:
        return resolved[0] if resolved[0].is_dir() else resolved[0].parent
    return Path(os.path.commonpath([p if p.is_dir() else p.parent for p in resolved]))


def discover(paths: list[Path], root: Path) -> list[Found]:
    """Every file under ``paths`` in a stable order; raise InputError when an input does not exist."""
    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:
        raise InputError(f"{missing[0]}: no such file or folder")
    found: dict[Path, Found] = {}
    for path in paths:
        for item in _walk(path, root):
            found.setdefault(item.path, item)
    return sorted(found.values(), key=lambda f: f.label)


def _walk(path: Path, root: Path) -> Iterator[Found]:
    info = os.lstat(path)
    if stat.S_ISDIR(info.st_mode):
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False, onerror=None):
            dirnames.sort()
            for name in sorted(filenames) + sorted(d for d in dirnames if Path(dirpath, d).is_symlink()):
                yield _classify(Path(dirpath) / name, root)
            dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink() and not d.startswith(".")]
        return
    yield _classify(path, root, explicit=True)


def _classify(path: Path, root: Path, explicit: bool = False) -> Found:
    label = _label(path, root)
    try:
        info = os.lstat(path)
    except OSError as exc:
        return Found(path, label, 0, f"cannot stat: {exc.strerror}")
    mode = info.st_mode
    if stat.S_ISLNK(mode) and not explicit:
        return Found(path, label, 0, "symbolic link (not followed)")
    if stat.S_ISLNK(mode):
        info = path.stat()  # a link named on the command line is the user's choice
        mode = info.st_mode
    if stat.S_ISFIFO(mode):
        return Found(path, label, 0, "named pipe (FIFO), not opened")
    if stat.S_ISSOCK(mode):
        return Found(path, label, 0, "socket, not opened")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Found(path, label, 0, "device file, not opened")
    if not stat.S_ISREG(mode):
        return Found(path, label, 0, "not a regular file")
    if path.name.lower().endswith(_ARCHIVES):
        return Found(
            path, label, info.st_size, "archive: unpack it, or pass the folder inside (archives are not read yet)"
        )
    if not os.access(path, os.R_OK):
        return Found(path, label, info.st_size, "permission denied")
    return Found(path, label, info.st_size)


def _label(path: Path, root: Path) -> str:
    try:
        return (
            path.resolve().relative_to(root).as_posix() if not path.is_symlink() else path.relative_to(root).as_posix()
        )
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class Read:
    data: bytes
    sha256: str
    warnings: tuple[str, ...]


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
