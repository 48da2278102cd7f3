"""The bytes of an incident: their hash (the cache key's base) and, for an fsspec URL, a local copy to analyse.

The hash covers what ingest reads: an archive's bytes, or every file of a folder with its path relative to the
folder, in the order of those paths (links by their target, never followed; FIFOs and devices by their name, never
opened; hidden folders left out, as ingest leaves them out). Sizes and mtimes alone are not enough (a log rewritten in
place keeps its size; a copied archive gets a new mtime), so every byte is read, in 1 MiB blocks. A URL and a local
copy of the same files hash alike.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from logforensics.batch_discover import fsspec_open, is_url, local_path

BLOCK = 1 << 20


def hash_location(location: str) -> str:
    """``sha256:<hex>`` of the incident's bytes: an archive's bytes, or every file of a folder with its relative
    path (links by their target, never followed; hidden folders left out, as ingest leaves them out)."""
    digest = hashlib.sha256()
    if is_url(location):
        _hash_remote(location, digest)
    else:
        _hash_local(local_path(location), digest)
    return "sha256:" + digest.hexdigest()


def _record(digest: Any, kind: bytes, name: str, size: int = 0) -> None:
    encoded = name.encode("utf-8", "surrogateescape")
    digest.update(kind + len(encoded).to_bytes(4, "big") + encoded + size.to_bytes(8, "big"))


def _hash_stream(digest: Any, stream: BinaryIO) -> None:
    while block := stream.read(BLOCK):
        digest.update(block)


def _hash_local(path: Path, digest: Any) -> None:
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        _hash_local_file(path, path.name, digest)
        return
    entries: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        links = [d for d in dirnames if Path(dirpath, d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links]
        entries.extend((Path(dirpath, n).relative_to(path).as_posix(), Path(dirpath, n)) for n in filenames + links)
    for rel, full in sorted(entries):  # by relative path, as the fsspec walk: a URL and its copy hash alike
        _hash_local_file(full, rel, digest)


def _hash_local_file(path: Path, name: str, digest: Any) -> None:
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        _record(digest, b"L", f"{name}\0{path.readlink()}")
        return
    if not stat.S_ISREG(info.st_mode):
        _record(digest, b"O", name)  # a FIFO would block a reader: never opened
        return
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            _record(digest, b"O", name)
            return
        _record(digest, b"F", name, info.st_size)
        _hash_stream(digest, handle)


def _hash_remote(url: str, digest: Any) -> None:
    """The same records as ``_hash_local`` (a URL and a local copy of it hash alike)."""
    fs, path = fsspec_open(url)
    if not fs.isdir(path):
        _record(digest, b"F", PurePosixPath(path).name, int(fs.info(path).get("size") or 0))
        with fs.open(path, "rb") as handle:
            _hash_stream(digest, handle)
        return
    base = path.rstrip("/")
    found: dict[str, dict[str, Any]] = fs.find(base, withdirs=False, detail=True)
    for name in sorted(found):
        rel = PurePosixPath(name.lstrip("/")).relative_to(base.lstrip("/")).as_posix()
        if any(part.startswith(".") for part in PurePosixPath(rel).parts[:-1]):
            continue
        _record(digest, b"F", rel, int(found[name].get("size") or 0))
        with fs.open(name, "rb") as handle:
            _hash_stream(digest, handle)


@contextmanager
def staged(location: str) -> Iterator[Path]:
    """A local path holding the incident: the path itself, or a temporary copy of a URL (removed afterwards)."""
    if not is_url(location):
        yield local_path(location)
        return
    fs, path = fsspec_open(location)
    folder = Path(tempfile.mkdtemp(prefix="logforensics-scan-"))
    try:
        target = folder / (PurePosixPath(path.rstrip("/")).name or "incident")
        if fs.isdir(path):
            fs.get(path.rstrip("/") + "/", str(target) + "/", recursive=True)
        else:
            fs.get(path, str(target))
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)
