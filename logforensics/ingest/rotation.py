"""Rotated parts of one log, oldest first: ``taskmanager.log.3``, ``.2``, ``.1``, then ``taskmanager.log``.

Each part stays a source of its own (the timeline merges them by time); only the order of the list changes, and the
parts get a common ``group`` (the label of the current file) so that a report can show them together. Recognised:
numbered parts (``.1`` .. ``.N``, the higher the older, as log4j's and flink-daemon.sh's rotation write them), dated
parts (``.2024-01-01``, ``.2024-01-01-13``, ``.2024-01-01.2``: older dates first, before the numbered ones), the JDK 8
GC log's ``.0.current`` (the newest), each possibly gzipped (``.3.gz``). GC logs number their files in the order
they are written (``gc.log.0`` first), but their writers go round in a cycle and overwrite the oldest file
(JDK 8 ``-XX:+UseGCLogFileRotation``, unified logging's ``filecount=``): for them this name order is only where
:mod:`logforensics.gcsets` starts, which orders a GC set by what its parts contain once they are parsed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from logforensics.ingest.source import Found

_ROTATED = re.compile(
    r"^(?P<base>.+?\.(?:log|out|err|txt))"
    r"(?:\.(?P<date>\d{4}-\d\d-\d\d(?:[-_T.]?\d\d){0,3})(?:\.(?P<dn>\d+))?|\.(?P<n>\d+)(?P<current>\.current)?)?"
    r"(?P<gz>\.gz)?$"
)


def rotation_key(label: str) -> tuple[str, tuple[int, str, int]]:
    """(group, rank): parts of one log share the group, the rank sorts them oldest first."""
    match = _ROTATED.match(label)
    if match is None:
        return label, (2, "", 0)
    if match.group("date"):
        return match.group("base"), (0, match.group("date"), int(match.group("dn") or 0))
    if match.group("n") is not None:
        if match.group("current"):
            return match.group("base"), (2, "", 1)
        number = int(match.group("n"))
        # GC logs (JDK 8 -XX:+UseGCLogFileRotation, JDK 9+ filecount=) number their files in the order written.
        gc = "gc" in match.group("base").rsplit("/", 1)[-1].lower()
        return match.group("base"), (1, "", number if gc else -number)
    return match.group("base"), (2, "", 0)


def rotation_index(label: str) -> tuple[int | None, bool]:
    """(the rotation number in the name, whether the name ends in JDK 8's ``.current``): ``gc.log.3.current`` is
    (3, True), ``gc.log.2.gz`` (2, False), ``gc.log`` and dated parts (None, False)."""
    match = _ROTATED.match(label)
    if match is None or match.group("n") is None:
        return None, False
    return int(match.group("n")), match.group("current") is not None


def order_rotated(found: list[Found]) -> list[Found]:
    """``found`` sorted by label, the rotated parts of a log together and oldest first, each with its group."""
    keys = {f.label: rotation_key(f.label) for f in found}
    sizes: dict[str, int] = {}
    for group, _rank in keys.values():
        sizes[group] = sizes.get(group, 0) + 1
    ordered = sorted(found, key=lambda f: (keys[f.label][0], keys[f.label][1], f.label))
    return [
        replace(f, group=keys[f.label][0]) if sizes[keys[f.label][0]] > 1 and f.group is None else f for f in ordered
    ]
