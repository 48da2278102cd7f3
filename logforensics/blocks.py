"""An input's decompressed bytes as a stream of blocks, bounded, and regrouped into chunks that end before a record
header (so that no record is split between two chunks)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from logforensics.errors import InputError
from logforensics.ingest.discover import DEFAULT_LIMITS, Found, budget_cut, budget_limit, is_gzip
from logforensics.ingest.inflate import ERRORS as INFLATE_ERRORS
from logforensics.ingest.inflate import gzip_inflater
from logforensics.ingest.streams import RATIO_SLACK, ratio_message
from logforensics.parsers.layouts import LAYOUTS

BLOCK_BYTES = 8 << 20
"""Bytes read (or inflated) at a time; also how far past the chunk size a record header is looked for."""


def read_blocks(
    found: Found,
    max_bytes: int,
    warnings: list[str],
    max_ratio: float = DEFAULT_LIMITS.max_ratio,
    *,
    charge: bool = True,
) -> Iterator[bytes]:
    """The input's decompressed bytes in blocks, at most ``max_bytes`` in all. A gzip file whose inflated bytes
    outgrow ``max_ratio`` times the compressed bytes read is a bomb: reading stops with an InputError. With
    ``charge``, a gzip's inflated bytes are taken from its budget (``max_total_bytes``); reading it again for the
    evidence's context does not charge twice."""
    if found.reader is not None:  # archive members, sections of dumps: their reader is already bounded
        read = found.read(max_bytes)
        warnings.extend(read.warnings)
        yield read.data
        return
    remaining = max_bytes
    if is_gzip(found.path):
        budget = found.budget if charge else None
        remaining = limit = budget_limit(budget, max_bytes)
        inflater = gzip_inflater()
        compressed = inflated = 0
        with found.path.open("rb") as raw:
            pending = b""
            while remaining > 0:
                chunk = pending or raw.read(1 << 20)
                if not pending:
                    compressed += len(chunk)  # bytes taken from the file (a re-fed tail was counted when read)
                pending = b""
                if not chunk:
                    if not inflater.eof:
                        warnings.append("gzip stream ends early (truncated file); kept what was inflated")
                    return
                try:
                    # bounded per call: a bomb stops early
                    block = inflater.decompress(chunk, min(remaining, BLOCK_BYTES))
                    inflated += len(block)
                    if inflated > max_ratio * compressed + RATIO_SLACK:
                        raise InputError(ratio_message(max_ratio, inflated, compressed))
                except INFLATE_ERRORS as exc:
                    warnings.append(f"gzip stream is damaged ({exc}); kept what was inflated before it")
                    return
                remaining -= len(block)
                if budget is not None:
                    budget.take(len(block))
                if block:
                    yield block
                if inflater.unconsumed_tail:
                    pending = inflater.unconsumed_tail
                elif inflater.eof:
                    rest = inflater.unused_data or raw.read(1 << 20)
                    if not rest.strip(b"\0"):
                        return
                    inflater = gzip_inflater()  # the next member of a multi-member gzip
                    pending = rest
            if inflater.unconsumed_tail or raw.read(1):
                if budget is not None and limit < max_bytes:
                    warnings.append(budget_cut(budget, inflated))
                else:
                    warnings.append(
                        f"cut at --max-bytes ({max_bytes} bytes after decompression); the rest was not read"
                    )
        return
    with found.path.open("rb") as handle:
        while remaining > 0:
            block = handle.read(min(BLOCK_BYTES, remaining))
            if not block:
                return
            remaining -= len(block)
            yield block
        if handle.read(1):
            warnings.append(f"cut at --max-bytes ({max_bytes} bytes); the rest was not read")


def header_boundary(layout: str | None) -> re.Pattern[bytes]:
    """Where a chunk may end: before a line that starts a record (any line for layouts without one)."""
    if layout in LAYOUTS and layout not in ("json", "generic"):
        body = LAYOUTS[layout].header.lstrip("^")
        return re.compile(rb"\n(?=" + body.encode() + rb")")
    return re.compile(rb"\n")


def chunks(blocks: Iterable[bytes], boundary: re.Pattern[bytes], size: int) -> Iterator[bytes]:
    """Regroup ``blocks`` into chunks of about ``size`` bytes that end right before a record header.

    The cut is searched in the newest block only, and each chunk is joined once (one copy of its bytes)."""
    pending: list[bytes] = []
    held = 0
    for block in blocks:
        pending.append(block)
        held += len(block)
        while held > size:
            cut = _cut(pending, held, size, boundary)
            if cut is None:
                break  # read more before deciding
            last = pending[-1]
            start_of_last = held - len(last)
            if cut <= start_of_last:  # the boundary fell on the previous block's last newline
                head, rest = b"".join(pending[:-1]), last
                rest = head[cut:] + rest if cut < start_of_last else rest
                yield head[:cut]
            else:
                yield b"".join([*pending[:-1], last[: cut - start_of_last]])
                rest = last[cut - start_of_last :]
            pending = [rest] if rest else []
            held = len(rest)
    if held:
        yield b"".join(pending)


def _cut(pending: list[bytes], held: int, size: int, boundary: re.Pattern[bytes]) -> int | None:
    """Offset in the joined blocks where a chunk of about ``size`` bytes should end, or None to read on."""
    last = pending[-1]
    start_of_last = held - len(last)
    start = max(size - start_of_last - 1, 0)  # include the newline that may end the previous block
    window = (pending[-2][-1:] if len(pending) > 1 and start == 0 else b"") + last
    shift = start_of_last - (len(window) - len(last))
    match = boundary.search(window, start + (len(window) - len(last)))
    if match is not None:
        return shift + match.start() + 1
    if held - size < BLOCK_BYTES:
        return None
    newline = last.rfind(b"\n")  # a giant record: cut at a line end
    return start_of_last + newline + 1 if newline >= 0 else None


def hashed(blocks: Iterable[bytes], hasher: hashlib._Hash) -> Iterator[bytes]:
    for block in blocks:
        hasher.update(block)
        yield block
