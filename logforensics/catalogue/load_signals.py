"""Load one ``signals/*.toml`` file into a Signal.

A line signal has a literal prefilter, a polars regex whose named groups are key columns and real sample lines; a GC
signal selects GC events with its ``[gc]`` table (and may add a window or heap trend condition); a gap signal has a
``[gap]`` table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from logforensics.catalogue.model import Family, GapPredicate, GcPredicate, SearchIn, Signal, SignalSource
from logforensics.catalogue.tomlfile import File, KeySpec, compile_check, enum, group_names, parse_duration, strings
from logforensics.model import KEY_COLUMNS

MIN_LITERAL = 6
"""Shortest literal prefilter accepted."""

_SIGNAL_KEYS: KeySpec = {
    "id": (str, True),
    "title": (str, True),
    "description": (str, False),
    "sources": (list, True),
    "family": (str, True),
    "literal": ((str, list), False),  # one string, or a list of alternatives
    "regex": (str, False),
    "search_in": (str, False),
    "levels": (list, False),
    "value_group": (str, False),
    "benign": (bool, False),
    "gc": (dict, False),
    "gap": (dict, False),
    "samples": (list, False),
    "misses": (list, False),
}
_GC_KEYS: KeySpec = {
    "min_pause_ms": ((int, float), False),
    "full_only": (bool, False),
    "pauses_only": (bool, False),
    "type_regex": (str, False),
    "cause_regex": (str, False),
    "not_cause_regex": (str, False),
    "window": (str, False),
    "max_throughput": ((int, float), False),
    "heap_after_full_rising": (int, False),
    "min_rise_pct": ((int, float), False),
    "min_after_pct": ((int, float), False),
}
_GAP_KEYS: KeySpec = {
    "min_seconds": ((int, float), True),
}


def load_signal(file: File, data: dict[str, Any]) -> Signal | None:
    if not file.check_table(data, _SIGNAL_KEYS, "the signal"):
        return None
    ok = True
    if data["id"] != file.path.stem:
        file.error("id", f"id '{data['id']}' differs from the file name '{file.path.stem}'")
        ok = False
    sources = strings(file, "sources", data["sources"])
    if not sources or not all(enum(file, "sources", s, [x.value for x in SignalSource]) for s in sources):
        ok = False
    ok &= enum(file, "family", data["family"], [f.value for f in Family])
    search_in = data.get("search_in", "text")
    ok &= enum(file, "search_in", search_in, [s.value for s in SearchIn])
    gc: GcPredicate | None = None
    gap: GapPredicate | None = None
    groups: tuple[str, ...] = ()
    raw_literal = data.get("literal", [])
    literals: tuple[str, ...] = (raw_literal,) if isinstance(raw_literal, str) else tuple(raw_literal)
    if not all(isinstance(literal, str) and len(literal) >= MIN_LITERAL for literal in literals):
        file.error(
            "literal",
            f"each literal must be a string of at least {MIN_LITERAL} characters: a short one makes most lines "
            "candidates and slows every analysis",
        )
        ok = False
        literals = tuple(literal for literal in literals if isinstance(literal, str))
    pattern = data.get("regex")
    if "gc" in sources:
        if "gc" not in data:
            file.error("sources", "a signal with source 'gc' needs a [gc] table")
            ok = False
        else:
            gc = _load_gc(file, data["gc"])
            ok &= gc is not None
    elif "gap" in data:
        if file.check_table(data["gap"], _GAP_KEYS, "[gap]"):
            gap = GapPredicate(min_seconds=float(data["gap"]["min_seconds"]))
        else:
            ok = False
    else:
        if not pattern or "literal" not in data:
            file.error("regex", "a line signal needs both 'literal' (the prefilter) and 'regex'")
            ok = False
    if pattern:
        reason = compile_check(pattern)
        if reason:
            file.error("regex", f"regex does not compile for polars (Rust syntax, no look-around): {reason}")
            ok = False
        else:
            groups = group_names(pattern)
            unknown = [g for g in groups if g not in KEY_COLUMNS and g != data.get("value_group")]
            if unknown:
                file.error(
                    "regex", f"named group(s) {', '.join(unknown)} are not key columns ({', '.join(KEY_COLUMNS)})"
                )
                ok = False
            for sample in data.get("samples", []):
                if not isinstance(sample, str):
                    file.error("samples", "'samples' must be a list of strings")
                    ok = False
                elif literals and not any(literal in sample for literal in literals):
                    file.error("samples", f"sample holds none of the literals {list(literals)!r}: {sample[:80]!r}")
                    ok = False
    if data.get("value_group") and data["value_group"] not in groups:
        file.error("value_group", f"value_group '{data['value_group']}' is not a named group of the regex")
        ok = False
    if "gc" not in sources and "gap" not in data and not data.get("samples"):
        file.error("samples", "a line signal needs at least one real sample line in 'samples'")
        ok = False
    if not ok:
        return None
    return Signal(
        id=data["id"],
        title=data["title"],
        path=file.label,
        sources=tuple(SignalSource(s) for s in sources),
        family=Family(data["family"]),
        literals=literals,
        regex=pattern,
        groups=groups,
        search_in=SearchIn(search_in),
        levels=strings(file, "levels", data.get("levels", [])),
        value_group=data.get("value_group"),
        gc=gc,
        gap=gap,
        benign=data.get("benign", False),
        description=data.get("description", ""),
        samples=strings(file, "samples", data.get("samples", [])),
        misses=strings(file, "misses", data.get("misses", [])),
        root=str(file.path.parent.parent),
    )


def _load_gc(file: File, table: dict[str, Any]) -> GcPredicate | None:
    """The ``[gc]`` table: which GC events a signal selects, and the window or trend condition they may feed."""
    if not file.check_table(table, _GC_KEYS, "[gc]"):
        return None
    ok = True
    for key in ("type_regex", "cause_regex", "not_cause_regex"):
        reason = compile_check(table[key]) if key in table else None
        if reason:
            file.error(key, f"{key} does not compile for polars (Rust syntax): {reason}")
            ok = False
    window: dt.timedelta | None = None
    if "window" in table:
        window = parse_duration(table["window"])
        if window is None or window <= dt.timedelta(0):
            file.error("window", f"window '{table['window']}' is not a duration like '30s', '1m', '10m'")
            ok = False
    throughput = table.get("max_throughput")
    if throughput is not None and not 0.0 < float(throughput) < 1.0:
        file.error("max_throughput", f"max_throughput must be a share between 0 and 1 (0.5: half), not {throughput}")
        ok = False
    if (throughput is None) != ("window" not in table):
        key = "window" if throughput is None else "max_throughput"
        file.error(key, "'window' and 'max_throughput' go together: the share of each window the application ran")
        ok = False
    rising = table.get("heap_after_full_rising")
    if rising is not None and rising < 2:
        file.error("heap_after_full_rising", "heap_after_full_rising counts full GCs in a row: at least 2")
        ok = False
    for key in ("min_rise_pct", "min_after_pct"):
        if key not in table:
            continue
        if rising is None:
            file.error(key, f"'{key}' only qualifies 'heap_after_full_rising'")
            ok = False
        elif not 0.0 <= float(table[key]) <= 100.0:
            file.error(key, f"'{key}' is a percentage of the heap, between 0 and 100")
            ok = False
    if throughput is not None and rising is not None:
        file.error(
            "heap_after_full_rising", "a GC signal has one condition: 'max_throughput' or 'heap_after_full_rising'"
        )
        ok = False
    if (throughput is not None or rising is not None) and table.get("pauses_only") is False:
        file.error("pauses_only", "throughput and heap conditions read stop-the-world pauses: drop 'pauses_only'")
        ok = False
    if not ok:
        return None
    return GcPredicate(
        min_pause_ms=float(table.get("min_pause_ms", 0.0)),
        full_only=table.get("full_only", False),
        pauses_only=table.get("pauses_only", True),
        type_regex=table.get("type_regex"),
        cause_regex=table.get("cause_regex"),
        not_cause_regex=table.get("not_cause_regex"),
        window=window,
        max_throughput=None if throughput is None else float(throughput),
        heap_after_full_rising=rising,
        min_rise_pct=float(table.get("min_rise_pct", 0.0)),
        min_after_pct=float(table.get("min_after_pct", 0.0)),
    )
