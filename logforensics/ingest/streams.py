"""Seekable read-only views of bytes that live inside other bytes: a byte range of a stream, a deflate/gzip stream.

Nothing here writes to disk. :class:`Inflater` decompresses gzip (several members, NUL padding) or raw deflate (a zip
member) from a seekable raw stream, and is itself seekable: a backward seek restores the nearest :class:`Checkpoint`
(a copy of the zlib state, ~40 KB) instead of inflating again from the start, so that the members of a ``.tar.gz``
can be read in any order at the cost of their own size. Checkpoints are kept in a :class:`CheckpointIndex` shared by
every stream opened on the same bytes. A damaged or truncated stream ends early with :attr:`Inflater.damage` set (the
bytes inflated before the damage stay readable); a compression ratio above the limit raises :class:`RatioError`.

The rules (members, NUL padding, what is truncation and what is damage) and the words of their warnings are those of
``inflate.py``, shared with :class:`~logforensics.ingest.inflate.GzipBlocks`, which reads a ``.gz`` file once from
start to end. The loop itself is not shared: this one inflates with zlib ``_STEP`` bytes at a time and copies the zlib
state before each call (the checkpoints that seeks restore, and the state that finds the byte where damage is), which
ISA-L's inflater cannot copy and the once-through loop does not need.
"""

from __future__ import annotations

import bisect
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from logforensics.ingest.inflate import (
    NOT_A_MEMBER,
    RATIO_SLACK,
    RatioError,
    damaged,
    not_a_member,
    ratio_message,
    skip_padding,
    truncated,
)

_STEP = 1 << 16
"""Bytes inflated per zlib call: the granularity of reads, seeks and checkpoints."""
_CHUNK = 1 << 16
"""Compressed bytes read from the raw stream at a time."""
CHECKPOINT_SPACING = 16 << 20
"""Inflated bytes between two periodic checkpoints: the most a seek inflates in vain."""


@dataclass
class Checkpoint:
    out: int
    """Inflated offset the decompressor continues from."""
    raw: int
    """Raw offset of the next compressed byte to feed."""
    state: Any = field(repr=False)
    """A ``zlib`` decompressor copy (never used directly: copied again on restore)."""
    fed: bool = True
    """The current gzip member has been fed bytes (False right between two members)."""


@dataclass
class CheckpointIndex:
    """Checkpoints of one compressed stream, by inflated offset; shared by all the streams opened on it."""

    points: list[Checkpoint] = field(default_factory=list)
    _keys: list[int] = field(default_factory=list, repr=False)

    def add(self, point: Checkpoint) -> None:
        at = bisect.bisect_left(self._keys, point.out)
        if at < len(self._keys) and self._keys[at] == point.out:
            return
        self._keys.insert(at, point.out)
        self.points.insert(at, point)

    def before(self, offset: int) -> Checkpoint | None:
        """The last checkpoint at or before ``offset``."""
        at = bisect.bisect_right(self._keys, offset)
        return self.points[at - 1] if at else None


class Slice(io.RawIOBase):
    """The bytes ``[offset, offset + length)`` of a seekable stream, as a seekable stream of its own."""

    def __init__(self, base: BinaryIO, offset: int, length: int) -> None:
        super().__init__()
        self._base = base
        self._offset = offset
        self._length = length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        left = self._length - self._pos
        if left <= 0:
            return b""
        want = left if size is None or size < 0 else min(size, left)
        if self._base.tell() != self._offset + self._pos:
            self._base.seek(self._offset + self._pos)
        data = self._base.read(want)
        self._pos += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._base.close()
        super().close()


class Inflater(io.RawIOBase):
    """A seekable stream of the bytes inflated from ``open_raw()`` (gzip when ``gzip``, else raw deflate)."""

    def __init__(
        self,
        open_raw: Callable[[], BinaryIO],
        *,
        gzip: bool = True,
        index: CheckpointIndex | None = None,
        max_ratio: float | None = None,
        what: str = "gzip",
    ) -> None:
        super().__init__()
        self._open_raw = open_raw
        self._raw: BinaryIO | None = None
        self._gzip = gzip
        self._wbits = 31 if gzip else -15
        self._index = index if index is not None else CheckpointIndex()
        self._max_ratio = max_ratio
        self._what = what
        self.damage: str | None = None
        """Why the stream ended before its end marker (truncated, corrupt), or None."""
        self._reset(None)

    # -- state ---------------------------------------------------------------------------------------------------

    def _reset(self, point: Checkpoint | None) -> None:
        self._d = point.state.copy() if point is not None else zlib.decompressobj(self._wbits)
        self._in = b""
        self._in_pos = point.raw if point is not None else 0
        self._buf = b""
        self._buf_start = point.out if point is not None else 0
        self._pos = self._buf_start
        self._done = False
        self._fed = point.fed if point is not None else False  # bytes of the current gzip member were fed
        self._base_out = self._buf_start
        self._base_raw = self._in_pos
        self._last_point = self._buf_start
        self._pre: Checkpoint | None = None
        if self._raw is not None and point is not None:
            self._raw.seek(point.raw)
        if point is None and not self._index.points:
            self._index.add(Checkpoint(0, 0, zlib.decompressobj(self._wbits), fed=False))

    def _snapshot(self) -> Checkpoint:
        return Checkpoint(self._produced, self._in_pos, self._d.copy(), self._fed)

    @property
    def _produced(self) -> int:
        return self._buf_start + len(self._buf)

    @property
    def raw_consumed(self) -> int:
        return self._in_pos

    def rebase(self) -> None:
        """Measure the compression ratio from here on (the start of a tar member)."""
        self._base_out = self._pos
        self._base_raw = self._in_pos

    def pin(self, offset: int) -> None:
        """Keep a checkpoint at or shortly before ``offset`` (a member's start), if the state near it is known."""
        previous = self._index.before(offset)
        if previous is not None and offset - previous.out <= _STEP:
            return
        if not self._done and self._produced <= offset:
            self._index.add(self._snapshot())
        elif self._pre is not None and self._pre.out <= offset:
            self._index.add(self._pre)

    # -- inflating -----------------------------------------------------------------------------------------------

    def _raw_stream(self) -> BinaryIO:
        if self._raw is None:
            self._raw = self._open_raw()
            if self._in_pos:
                self._raw.seek(self._in_pos)
        return self._raw

    def _end(self, damage: str | None) -> bool:
        self._done = True
        if damage is not None and self.damage is None:
            self.damage = damage
        return False

    def _step(self) -> bool:
        """Inflate the next block into ``_buf``; False at the end of the stream (clean or damaged)."""
        while not self._done:
            if not self._in:
                chunk = self._raw_stream().read(_CHUNK)
                if not chunk:
                    if self._d.eof or not self._fed:
                        return self._end(None)
                    return self._end(truncated(self._what, self._in_pos))
                self._in = chunk
            if self._gzip and not self._fed and not_a_member(self._in):
                return self._end(damaged(self._what, NOT_A_MEMBER, self._in_pos, self._in_pos + 1))
            self._pre = self._snapshot()
            if self._produced - self._last_point >= CHECKPOINT_SPACING:
                self._index.add(self._pre)
                self._last_point = self._produced
            try:
                out = self._d.decompress(self._in, _STEP)
            except zlib.error as exc:
                out, at = self._salvage()
                where = (at, at + 1) if at is not None else (self._in_pos, self._in_pos + len(self._in))
                self._end(damaged(self._what, exc, *where))
                if not out:
                    return False
                self._buf_start = self._produced
                self._buf = out
                self._check_ratio()
                return True
            self._fed = True
            rest = self._d.unused_data if self._d.eof else self._d.unconsumed_tail
            self._in_pos += len(self._in) - len(rest)
            self._in = rest
            if self._d.eof:
                if not self._gzip:
                    self._done = True
                else:
                    self._next_member()
            if out:
                self._buf_start = self._produced
                self._buf = out
                self._check_ratio()
                return True
        return False

    def _next_member(self) -> None:
        """After a gzip member: skip NUL padding; more bytes start the next member (concatenated gzip)."""
        self._in, skipped = skip_padding(self._in, lambda: self._raw_stream().read(_CHUNK))
        self._in_pos += skipped
        if not self._in:
            self._done = True
            return
        self._d = zlib.decompressobj(self._wbits)
        self._fed = False

    def _salvage(self) -> tuple[bytes, int | None]:
        """After inflating ``_in`` (from raw offset ``_in_pos``) failed: the bytes it inflates before the failing
        byte (the failed call lost them) and that byte's raw offset, found by giving the state from before the call
        (``_pre``) the input byte by byte (at most ``_CHUNK`` calls, and the output stays under ``_STEP``: the call
        failed before it filled its block). ``(b"", None)`` if the failure does not recur."""
        if self._pre is not None:
            state = self._pre.state.copy()
            out: list[bytes] = []
            for at in range(len(self._in)):
                try:
                    out.append(state.decompress(self._in[at : at + 1]))
                except zlib.error:
                    return b"".join(out), self._in_pos + at
                if state.eof:
                    break
        return b"", None

    def _check_ratio(self) -> None:
        if self._max_ratio is None:
            return
        inflated = self._produced - self._base_out
        compressed = self._in_pos - self._base_raw
        if inflated > self._max_ratio * compressed + RATIO_SLACK:
            raise RatioError(ratio_message(self._max_ratio, inflated, compressed))

    # -- io ------------------------------------------------------------------------------------------------------

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            while self._step():
                pass
            offset += self._produced
        offset = max(0, offset)
        point = self._index.before(offset)
        if offset < self._buf_start or (point is not None and point.out > self._produced and not self._done):
            self._reset(point)  # back, or far ahead: from the nearest checkpoint rather than from here
        while offset > self._produced and self._step():
            pass
        self._pos = min(offset, self._produced) if offset > self._produced else offset
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        want = -1 if size is None else size
        parts: list[bytes] = []
        got = 0
        while want < 0 or got < want:
            if self._pos >= self._produced and not self._step():
                break
            start = self._pos - self._buf_start
            end = len(self._buf) if want < 0 else min(len(self._buf), start + want - got)
            piece = self._buf[start:end]
            parts.append(piece)
            got += len(piece)
            self._pos += len(piece)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed and self._raw is not None:
            self._raw.close()
        super().close()
