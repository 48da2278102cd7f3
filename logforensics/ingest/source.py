"""What ingest hands to the parsers: :class:`Found` inputs that read themselves, bounded, and the :class:`Read` result.

Internally an input starts as a :class:`Blob`: a label and a way to open its (decompressed) bytes as a fresh seekable
stream. A blob becomes one ``Found`` (a log), several (an archive, a YARN dump, a ``kubectl logs`` file with several
pods) or a skipped ``Found`` with the reason.
"""

from __future__ import annotations

import hashlib
import io
import struct
import tarfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from logforensics.errors import InputError
from logforensics.ingest.inflate import GZIP_MAGIC, kept, max_bytes_cut
from logforensics.ingest.limits import Budget, Limits
from logforensics.ingest.streams import CheckpointIndex, Inflater

READ_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    EOFError,
    ValueError,
    LookupError,
    zlib.error,
    struct.error,
    tarfile.TarError,
    zipfile.BadZipFile,
    InputError,
)
"""What reading a hostile or damaged input may raise; caught per input, so that one bad input spoils nothing else."""

HEAD_BYTES = 65536
"""Decompressed bytes given to sniffing."""


@dataclass(frozen=True)
class Read:
    data: bytes
    sha256: str
    """Hash of the file on disk for a plain file; of the bytes read for a member, a section or a pod."""
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Found:
    """One input to analyse: a file, a member of an archive, a section of a YARN dump or a pod of ``kubectl logs``.

    An input knows how to read itself: ``head()`` gives the first decompressed bytes for sniffing, ``read(max_bytes)``
    the bounded content. A plain file reads from ``path``; other inputs bring their own readers. Labels:
    ``incident.tar.gz!/tm-1/taskmanager.log`` (a member; ``!/`` once per archive level),
    ``application_1.log#container_1_0001_01_000002/taskmanager.log`` (a YARN section), ``pods.log#flink-tm-1`` (a pod).
    """

    path: Path
    """The file on disk that holds this input (the archive, the dump)."""
    label: str
    """Path relative to the analysed root, forward slashes: how the report names the input."""
    size: int
    """Bytes as stored: the file's size on disk, a member's declared size, a section's length."""
    skipped_reason: str | None = None
    reader: Callable[[int], Read] | None = field(default=None, compare=False, repr=False)
    """Reads the input bounded by a byte count; None: read ``path``."""
    header: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)
    """The first bytes of the input; None: from ``path``."""
    group: str | None = None
    """Rotated parts of one log share a group (the label of the current file), in oldest-first order."""
    budget: Budget | None = field(default=None, compare=False, repr=False)
    """A ``.gz`` file on disk: what it inflates counts toward ``max_total_bytes`` (read from ``path``)."""
    independent: bool = False
    """Reading it touches nothing that the reading of another input touches (no inflate budget, archive stream or
    shared split): a file on disk, or a section of an uncompressed dump on disk. It may be read on another thread."""

    def head(self) -> bytes:
        if self.header is not None:
            return self.header()
        from logforensics.ingest.discover import head

        return head(self.path)

    def read(self, max_bytes: int) -> Read:
        if self.reader is not None:
            return self.reader(max_bytes)
        from logforensics.ingest.discover import read_bounded

        return read_bounded(self.path, max_bytes, self.budget)


Opener = Callable[[], BinaryIO]


@dataclass
class Tree:
    """One archive on disk and everything nested in it: the member count is shared."""

    label: str
    members: int = 0
    overflow: int = 0
    """Members past the limit that were seen (zip) and not read."""
    stopped: bool = False
    """Listing stopped at the limit (tar: what follows is not known)."""


@dataclass
class Blob:
    """Bytes to classify: a file, a member, a nested archive's member."""

    path: Path
    label: str
    size: int
    open: Opener
    """A fresh seekable stream of the content, decompressed (a ``.gz`` member is inflated)."""
    depth: int = 0
    """Archives around it: 0 on disk, 1 in an archive, 2 in an archive inside an archive."""
    compressed: bool = False
    """The content comes out of a decompressor: it counts toward ``max_total_bytes``."""
    expected: int | None = None
    """Declared content size, when an archive states it (only used to say that a member ends early)."""
    head_bytes: bytes | None = None
    """The first bytes, when already known."""
    tree: Tree | None = None
    plain_file: bool = False
    """A file on disk read as is (``read_bounded``): no reader of its own is needed."""

    def head(self) -> bytes:
        if self.head_bytes is not None:
            return self.head_bytes[:HEAD_BYTES]
        with self.open() as stream:
            return stream.read(HEAD_BYTES)


class Context:
    """The state of one ``discover`` call shared by all its readers: limits, the inflated-bytes budget, caches."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.budget = Budget(limits.max_total_bytes)
        self.head_cache_left = 256 << 20
        """Bytes of member heads kept from listing a tar (a tar member cannot be reached cheaply later)."""
        self._nested: OrderedDict[str, bytes] = OrderedDict()

    def nested(self, label: str, load: Callable[[], bytes]) -> bytes:
        """The bytes of a nested archive, loaded on demand; only the last one used stays in memory."""
        data = self._nested.get(label)
        if data is None:
            data = load()
            self._nested.clear()
            self._nested[label] = data
        return data


def guarded(reader: Callable[[int], Read]) -> Callable[[int], Read]:
    """A reader whose failures are all ``InputError`` (what the caller catches), a bomb's included."""

    def read(max_bytes: int) -> Read:
        try:
            return reader(max_bytes)
        except InputError:
            raise
        except READ_ERRORS as exc:
            raise InputError(str(exc) or type(exc).__name__) from exc

    return read


def guarded_head(header: Callable[[], bytes]) -> Callable[[], bytes]:
    """A header that gives no bytes (sniffed as an empty input) rather than fail."""

    def head() -> bytes:
        try:
            return header()
        except READ_ERRORS:
            return b""

    return head


def gunzip_opener(raw: Opener, limits: Limits) -> Opener:
    """The inflated content of a gzip blob, seekable through checkpoints shared by every stream opened."""
    index = CheckpointIndex()

    def open_() -> BinaryIO:
        return Inflater(raw, index=index, max_ratio=limits.max_ratio)  # type: ignore[return-value]

    return open_


def starts_with_gzip(raw: Opener) -> bool:
    try:
        with raw() as stream:
            return stream.read(2) == GZIP_MAGIC
    except READ_ERRORS:
        return False


def read_content(
    open_: Opener,
    max_bytes: int,
    ctx: Context,
    *,
    compressed: bool,
    expected: int | None = None,
    start: int = 0,
    length: int | None = None,
    charge: bool = True,
    cap: bool = True,
) -> Read:
    """Read ``[start, start + length)`` of a blob's content, bounded by ``max_bytes`` (and ``Limits.max_bytes`` unless
    not ``cap``) and, for compressed content, by what is left of the total budget (charged unless not ``charge``).
    Damage (truncated gzip, short member) is a warning; a decompression bomb raises :class:`RatioError`."""
    limit = min(max_bytes, ctx.limits.max_bytes) if cap else max_bytes
    if length is not None:
        limit = min(limit, length)
    by_budget = False
    compressed = compressed and charge
    if compressed:
        if ctx.budget.remaining <= 0:
            raise ctx.budget.refuse()
        if ctx.budget.remaining < limit:
            limit, by_budget = ctx.budget.remaining, True
    warnings: list[str] = []
    with open_() as stream:
        if start:
            stream.seek(start)
        data = _read_upto(stream, limit)
        more = (length is None or len(data) < length) and len(data) == limit and bool(stream.read(1))
        damage = getattr(stream, "damage", None)
    if compressed:
        ctx.budget.take(len(data))
    if damage is not None:
        warnings.append(kept(damage, len(data)))
    elif expected is not None and len(data) < min(expected, limit):
        warnings.append(
            f"archive member ends early (the archive is damaged or truncated); kept the {len(data)} of {expected} "
            "bytes it declares"
        )
    if more and by_budget:
        from logforensics.ingest.discover import budget_cut  # (discover imports this module)

        warnings.append(budget_cut(ctx.budget, len(data)))
    elif more:
        warnings.append(max_bytes_cut(limit))
    return Read(data, hashlib.sha256(data).hexdigest(), tuple(warnings))


def _read_upto(stream: BinaryIO, limit: int) -> bytes:
    out = io.BytesIO()
    left = limit
    while left > 0:
        block = stream.read(min(left, 1 << 20))
        if not block:
            break
        out.write(block)
        left -= len(block)
    return out.getvalue()
