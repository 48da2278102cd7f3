"""An input's decompressed bytes as a stream of blocks, bounded, and regrouped into chunks that end before a record
header (so that no record is split between two chunks)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator

from logforensics.ingest.discover import DEFAULT_LIMITS, Found, budget_cut, budget_limit, is_gzip
from logforensics.ingest.inflate import GzipBlocks
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
    """The input's decompressed bytes in blocks, at most ``max_bytes`` in all; a gzip file is inflated by the rules
    of ``ingest/inflate.py`` (members, NUL padding, damage and truncation, their warnings). A gzip file whose inflated
    bytes outgrow ``max_ratio`` times the compressed bytes read is a bomb: reading stops with a RatioError. With
    ``charge``, a gzip's inflated bytes are taken from its budget (``max_total_bytes``); reading it again for the
    evidence's context does not charge twice."""
    if found.reader is not None:  # archive members, sections of dumps: their reader is already bounded
        read = found.read(max_bytes)
        warnings.extend(read.warnings)
        yield read.data
        return
    if is_gzip(found.path):
        budget = found.budget if charge else None
        limit = budget_limit(budget, max_bytes)
        with found.path.open("rb") as raw:
            inflation = GzipBlocks(raw, limit, max_ratio=max_ratio, block=BLOCK_BYTES)
            for block in inflation:
                if budget is not None:
                    budget.take(len(block))
                yield block
        cut = budget_cut(budget, inflation.inflated) if budget is not None and limit < max_bytes else None
        warnings.extend(inflation.warnings(cut))
        return
    remaining = max_bytes
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
