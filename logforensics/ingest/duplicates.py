"""The same log twice under two names: analysed once, the copy listed as skipped with the name of the one kept.

Incident piles often hold a log twice: the tarball and the folder it was unpacked into, ``taskmanager.log`` and
``taskmanager (1).log`` from a second download. Analysing both would double every count and every piece of evidence.
Inputs are compared by content, and only inputs of equal size are hashed (SHA-256): a file on disk by its bytes, any
other input (an archive member, a YARN section, a pod) by the bytes it reads. The first in discovery order is kept.
A gzipped copy of a plain file is not recognised (its size differs); it is analysed as a second source.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace

from logforensics.ingest.limits import Limits
from logforensics.ingest.source import READ_ERRORS, Found


def duplicate_reason(kept: str, digest: str) -> str:
    return f"duplicate of {kept} (same content, sha256 {digest[:12]}…): analysed once"


def _head_digest(found: Found) -> str | None:
    try:
        return hashlib.sha256(found.head()).hexdigest()
    except READ_ERRORS:
        return None


def _digest(found: Found, limits: Limits) -> str | None:
    try:
        if found.reader is None:
            with found.path.open("rb") as handle:
                return hashlib.file_digest(handle, "sha256").hexdigest()
        return found.read(limits.max_bytes).sha256
    except READ_ERRORS:
        return None  # reading it later reports the problem


def mark_duplicates(found: list[Found], limits: Limits) -> list[Found]:
    """``found`` with every input whose content equals an earlier one's turned into a skipped duplicate.

    Candidates are inputs of equal size whose first bytes (the sniffing head) are equal too; only those are read
    whole and hashed, so that distinct inputs are not read twice."""
    groups: dict[tuple[int, str], list[int]] = defaultdict(list)
    by_size: dict[int, list[int]] = defaultdict(list)
    for index, item in enumerate(found):
        if item.skipped_reason is None and item.size > 0:
            by_size[item.size].append(index)
    for size, indexes in by_size.items():
        if len(indexes) < 2:
            continue
        for index in indexes:
            head = _head_digest(found[index])
            if head is not None:
                groups[(size, head)].append(index)
    out = list(found)
    first: dict[str, str] = {}
    for indexes in groups.values():
        if len(indexes) < 2:
            continue
        for index in indexes:
            item = found[index]
            digest = _digest(item, limits)
            if digest is None:
                continue
            kept = first.setdefault(digest, item.label)
            if kept != item.label:
                out[index] = replace(item, skipped_reason=duplicate_reason(kept, digest))
    return out
