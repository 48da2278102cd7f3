"""``--kind`` and ``--layout``: the user's word on what a file is, for the rare file that sniffing misreads.

Each override is ``[GLOB=]VALUE``; the glob matches the input's label (its path relative to the analysed root, or
``archive!/member``), a bare value applies to every input. The last matching override wins. A layout implies its
kind where it can only be one (``gc_unified`` is a GC log); a kind without a layout keeps what sniffing found, or
takes the kind's usual layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from logforensics.errors import InputError
from logforensics.model import SourceKind
from logforensics.parsers.layouts import LAYOUTS

GC_LAYOUTS = ("gc_unified", "gc_legacy")
PLAIN_LAYOUTS = ("plain",)
TRACE_LAYOUTS = ("text", "rest_json")
ALL_LAYOUTS = (*LAYOUTS, *GC_LAYOUTS, *PLAIN_LAYOUTS, *TRACE_LAYOUTS)
KINDS = tuple(k.value for k in SourceKind if k is not SourceKind.UNKNOWN)


@dataclass(frozen=True)
class Override:
    glob: str
    value: str


def parse_overrides(values: list[str], option: str, allowed: tuple[str, ...]) -> tuple[Override, ...]:
    overrides = []
    for raw in values:
        glob, _, value = raw.rpartition("=")
        if value not in allowed:
            raise InputError(f"{option} {raw}: '{value}' is not one of {', '.join(allowed)}")
        overrides.append(Override(glob or "*", value))
    return tuple(overrides)


def _last(overrides: tuple[Override, ...], label: str) -> str | None:
    chosen = None
    for override in overrides:
        if fnmatchcase(label, override.glob) or fnmatchcase(label.rsplit("/", 1)[-1], override.glob):
            chosen = override.value
    return chosen


def apply(
    label: str,
    kind: SourceKind,
    layout: str | None,
    kinds: tuple[Override, ...],
    layouts: tuple[Override, ...],
) -> tuple[SourceKind, str | None, bool]:
    """The kind and layout to use for ``label``, and whether an override changed them."""
    forced_kind = _last(kinds, label)
    forced_layout = _last(layouts, label)
    if forced_kind is None and forced_layout is None:
        return kind, layout, False
    new_kind = SourceKind(forced_kind) if forced_kind else kind
    new_layout = forced_layout or layout
    if forced_layout and not forced_kind:
        if forced_layout in GC_LAYOUTS:
            new_kind = SourceKind.GC_LOG
        elif forced_layout in TRACE_LAYOUTS:
            new_kind = SourceKind.EXCEPTION_TRACE
        elif forced_layout in PLAIN_LAYOUTS and not new_kind.is_plain:
            new_kind = SourceKind.TEXT
        elif forced_layout in LAYOUTS and not new_kind.is_flink:
            new_kind = SourceKind.FLINK_LOG
    if forced_kind and not forced_layout:
        usual = {
            SourceKind.GC_LOG: "gc_unified",
            SourceKind.STDOUT: "plain",
            SourceKind.TEXT: "plain",
            SourceKind.EXCEPTION_TRACE: "text",
        }.get(new_kind, "log4j2")
        fits = {
            SourceKind.GC_LOG: GC_LAYOUTS,
            SourceKind.STDOUT: PLAIN_LAYOUTS,
            SourceKind.TEXT: PLAIN_LAYOUTS,
            SourceKind.EXCEPTION_TRACE: TRACE_LAYOUTS,
        }.get(new_kind, tuple(LAYOUTS))
        new_layout = layout if layout in fits else usual
    return new_kind, new_layout, True
