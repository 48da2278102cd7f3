"""Text in a wide encoding: UTF-16 and UTF-32 with a byte order mark are decoded to UTF-8 on the way in.

Windows tools write UTF-16 (PowerShell's ``>`` redirection, ``Out-File``, some log shippers), always with a BOM. The
parsers read UTF-8 bytes, so such an input is decoded by :class:`Decoded`, a seekable stream of its UTF-8 bytes, and
the input says so in its warnings (a note, not a problem). Line numbers stay those of the file: decoding keeps every
line end. UTF-16 without a BOM cannot be told from binary reliably and is reported as binary. Other legacy encodings
(GBK, Latin-1) are not guessed: they are read as UTF-8 and their invalid bytes become U+FFFD, with a warning
(parsers/lines.py).
"""

from __future__ import annotations

import codecs
import io
from typing import Any, BinaryIO

from logforensics.ingest.source import Opener

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BLOCK = 1 << 20

NOTE_PREFIX = "decoded from "
"""How the warning of a decoded input starts (a note: nothing was lost)."""


def wide_encoding(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` / ``utf-32-le`` / ``utf-32-be`` when ``head`` starts with its BOM, else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def note(encoding: str) -> str:
    return f"{NOTE_PREFIX}{encoding.upper()} (byte order mark) to UTF-8; line numbers are those of the file"


class Decoded(io.RawIOBase):
    """The UTF-8 bytes of a stream in ``encoding`` (its BOM dropped), decoded as far as they are read and kept until
    the stream is closed, so that seeks within what was read are free. Malformed sequences become U+FFFD."""

    def __init__(self, open_raw: Opener, encoding: str) -> None:
        super().__init__()
        self._open_raw = open_raw
        self._raw: BinaryIO | None = None
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._skip = next(len(bom) for bom, name in _BOMS if name == encoding)
        self._buf = io.BytesIO()
        self._size = 0
        self._pos = 0
        self._eof = False

    @property
    def damage(self) -> str | None:
        """The damage the underlying stream met (a truncated gzip member), if any."""
        return getattr(self._raw, "damage", None)

    def _fill(self, upto: int | None) -> None:
        """Decode until ``upto`` bytes of UTF-8 are held (all of them for None) or the input ends."""
        while not self._eof and (upto is None or self._size < upto):
            if self._raw is None:
                self._raw = self._open_raw()
                skipped = self._raw.read(self._skip)
                if len(skipped) < self._skip:
                    self._eof = True
                    return
            block = self._raw.read(_BLOCK)
            final = not block
            text = self._decoder.decode(block, final)
            self._buf.seek(0, io.SEEK_END)
            self._size += self._buf.write(text.encode("utf-8", errors="replace"))
            self._eof = final

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_END:
            self._fill(None)
            offset += self._size
        elif whence == io.SEEK_CUR:
            offset += self._pos
        self._pos = max(0, offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        want = None if size is None or size < 0 else self._pos + size
        self._fill(want)
        end = self._size if want is None else min(want, self._size)
        data = b""
        if end > self._pos:
            self._buf.seek(self._pos)
            data = self._buf.read(end - self._pos)
        self._pos += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self._raw is not None:
                self._raw.close()
            self._buf = io.BytesIO()
        super().close()


def decoded_opener(open_raw: Opener, encoding: str) -> Opener:
    def open_() -> BinaryIO:
        return Decoded(open_raw, encoding)  # type: ignore[return-value]

    return open_
