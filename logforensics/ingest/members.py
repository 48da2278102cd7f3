"""What archive members have in common: names and labels, the reasons a member is refused, member blobs."""

from __future__ import annotations

import io
from typing import BinaryIO

from logforensics.ingest.inflate import GZIP_MAGIC
from logforensics.ingest.source import Blob, Context, Opener, Tree, gunzip_opener, starts_with_gzip
from logforensics.ingest.streams import Slice

_KINDS = ((".tar.gz", "tar"), (".tgz", "tar"), (".tar", "tar"), (".zip", "zip"))
_UNSUPPORTED = (
    (".tar.bz2", "tar.bz2"),
    (".tbz2", "tar.bz2"),
    (".tar.xz", "tar.xz"),
    (".txz", "tar.xz"),
    (".tar.zst", "tar.zst"),
    (".7z", "7z"),
    (".rar", "rar"),
)

MEMBER_SEP = "!/"
"""Between an archive's label and a member's name: ``incident.tar.gz!/tm-1/taskmanager.log``."""


def _base(label: str) -> str:
    return label.rsplit(MEMBER_SEP, 1)[-1].rsplit("/", 1)[-1].lower()


def archive_kind(label: str) -> str | None:
    """``zip`` / ``tar`` (plain or gzip-compressed) by the name's ending, else None."""
    base = _base(label)
    return next((kind for suffix, kind in _KINDS if base.endswith(suffix)), None)


def unsupported_reason(label: str) -> str | None:
    base = _base(label)
    kind = next((kind for suffix, kind in _UNSUPPORTED if base.endswith(suffix)), None)
    if kind is None:
        return None
    return f"{kind} archive: format not supported (zip, tar, tar.gz only); unpack it and pass the folder"


# -- reasons --------------------------------------------------------------------------------------------------------

NESTED_TOO_DEEP = "archive nested more than one level deep, not opened"
SYMLINK = "symbolic link in the archive, not followed"
HARDLINK = "hard link in the archive, not followed"
ABSOLUTE = "absolute path in the archive, refused"
DOTDOT = "path with '..' in the archive, refused (zip-slip)"
DEVICE = "device file in the archive, not read"
FIFO = "named pipe (FIFO) in the archive, not read"
OTHER = "not a regular file in the archive, not read"
ENCRYPTED = "encrypted member, not read"
EMPTY = "empty archive (no files inside)"


def name_problem(name: str) -> str | None:
    """Why a member name is refused: absolute, or climbing out with ``..``."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":" and unified[0].isalpha()):
        return ABSOLUTE
    if ".." in unified.split("/"):
        return DOTDOT
    return None


def clean_name(name: str) -> str:
    unified = name.replace("\\", "/")
    while unified.startswith("./"):
        unified = unified[2:]
    return unified


def too_many(tree: Tree, limit: int) -> str:
    rest = "the rest was not read" if tree.stopped else f"{tree.overflow} more were not read"
    return f"archive has more than {limit} files (max_members): the first {limit} are analysed, {rest}"


def member_blob(
    archive: Blob,
    name: str,
    raw: Opener,
    size: int,
    ctx: Context,
    tree: Tree,
    *,
    compressed: bool,
    head: bytes | None = None,
) -> Blob:
    """A member's blob; a gzip-compressed member (``taskmanager.log.gz``) is inflated on the way."""
    label = f"{archive.label}{MEMBER_SEP}{name}"
    gz = head[:2] == GZIP_MAGIC if head is not None else starts_with_gzip(raw)
    if gz and archive_kind(label) is None:
        return Blob(archive.path, label, size, gunzip_opener(raw, ctx.limits), archive.depth + 1, True, tree=tree)
    return Blob(archive.path, label, size, raw, archive.depth + 1, compressed, size, head, tree)


def count_member(tree: Tree, ctx: Context) -> bool:
    """Count one more member; False when it is past ``max_members``."""
    tree.members += 1
    if tree.members > ctx.limits.max_members:
        tree.overflow += 1
        return False
    return True


def range_opener(raw: Opener, offset: int, length: int) -> Opener:
    def open_() -> BinaryIO:
        return Slice(raw(), offset, length)  # type: ignore[return-value]

    return open_


def bytes_opener(data: bytes) -> Opener:
    def open_() -> BinaryIO:
        return io.BytesIO(data)

    return open_
