"""Telling a GC log's layout from its first bytes."""

from __future__ import annotations

import re

from logforensics.parsers.gc.common import DATE, LEGACY, UNIFIED

_SNIFF_UNIFIED = re.compile(
    r"^(?:\[[^\[\]\n]*\])*\[(?:gc|safepoint)[\w,+]*\s*\]|^(?:\[[^\[\]\n]*\])*\s*GC\(\d+\) [A-Z]", re.MULTILINE
)
_SNIFF_LEGACY = re.compile(
    rf"^(?:{DATE}: )?(?:\d+[.,]\d+: )?(?:#\d+: )?\[(?:Full GC|GC)[ (\-\[\d]"
    r"|^CommandLine flags: .*-XX:[+-]?(?:Use\w+GC|PrintGC)"
    rf"|^(?:{DATE}: )?\d+[.,]\d+: (?:\[CMS-concurrent|Total time for which application threads|\[Pause [A-Z])",
    re.MULTILINE,
)


def sniff_gc(head: str) -> str | None:
    """'gc_unified' | 'gc_legacy' | None, from the first ~64 KiB of a file decoded as text (may be cut mid-line)."""
    unified = len(_SNIFF_UNIFIED.findall(head))
    legacy = len(_SNIFF_LEGACY.findall(head))
    if unified == 0 and legacy == 0:
        return None
    return UNIFIED if unified >= legacy else LEGACY
