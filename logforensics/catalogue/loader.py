"""Load and validate the catalogue: ``signals/*.toml`` and ``causes/*.toml`` under one or more roots.

The loader is strict. It refuses unknown keys, wrong types, bad regexes (compiled by polars, since polars runs
them), duplicate ids, ids that differ from the file stem and references to signals or causes that do not exist. It
collects every problem before failing, each as ``file:line: message``, so that ``patterns check`` lists them all.

A cause has a ``[sequence]`` (join keys with ``~`` aliases, steps whose ``signal`` may list alternatives, ``absent``
signals or windows, ``until``) or a ``[threshold]`` (count | sum | max | p99 per group over a sliding window, with
low..critical levels). Remediation entries may carry the Flink versions their keys exist in; ``applies_to`` names the
versions the rule is written for. Tests are inline ``files`` or a ``fixture`` folder (``tests/patterns/<id>/<name>/``
beside the repository's catalogue, ``<folder>/tests/<id>/<name>/`` in a user's); a rule with status ``test`` or
``stable`` needs both a hit and a miss, and a ``stable`` one documents its false positives.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import regex

from logforensics.catalogue.model import (
    AbsentWindow,
    Aggregate,
    Aliases,
    Catalogue,
    Cause,
    CauseTest,
    Family,
    GapPredicate,
    GcPredicate,
    SearchIn,
    Sequence,
    Signal,
    SignalSource,
    Status,
    Step,
    Threshold,
)
from logforensics.catalogue.versions import parse_range
from logforensics.errors import CatalogueError
from logforensics.model import KEY_COLUMNS, FindingKind, Remediation, Severity

CATEGORIES = (
    "memory",
    "gc",
    "checkpoint",
    "network",
    "heartbeat",
    "deployment",
    "state",
    "user_code",
    "external",
    "platform",
)
FAILURE_TYPES = ("user", "system", "platform")
MIN_LITERAL = 6
"""Shortest literal prefilter accepted."""
_DURATION = regex.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

# Allowed keys per table: key -> (python type(s), required).
_SIGNAL_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
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
_GC_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
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
_GAP_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "min_seconds": ((int, float), True),
}
_CAUSE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True),
    "title": (str, True),
    "status": (str, True),
    "kind": (str, True),
    "category": (str, True),
    "failure_type": (str, True),
    "tags": (list, False),
    "applies_to": (dict, False),
    "severity": (str, False),  # required, except for a [threshold] rule (then: its highest level)
    "confidence": ((int, float), True),
    "summary": (str, True),
    "diagnosis": (str, True),
    "false_positives": (str, False),
    "references": (list, True),
    "explains": (list, False),
    "supersedes": (list, False),
    "corroborate": (list, False),
    "confirm_with": (str, False),
    "confirm_signal": (str, False),
    "sequence": (dict, False),  # a cause has a [sequence] or a [threshold]
    "threshold": (dict, False),
    "remediation": (list, True),
    "tests": (list, False),
}
_APPLIES_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "components": (list, False),
    "flink_versions": (str, False),
}
_SEQUENCE_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "by": (list, True),
    "steps": (list, True),
    "maxspan": (str, True),
    "clock_skew": (str, False),
    "absent": (list, False),
    "until": (list, False),
}
_ABSENT_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "signal": (str, True),
    "before": (str, False),
    "after": (str, False),
    "keyed": (bool, False),
}
_THRESHOLD_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "signal": ((str, list), True),
    "by": (list, True),
    "aggregate": (str, True),
    "field": (str, False),
    "window": (str, True),
    "levels": (dict, True),
    "min_events": (int, False),
    "dedupe": (str, False),
}
_STEP_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "signal": ((str, list), True),
    "min_count": (int, False),
    "optional": (bool, False),
    "keyed": (bool, False),
}
_REMEDIATION_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "action": (str, True),
    "config": (dict, False),
    "flink_versions": (str, False),
}
_TEST_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True),
    "expect": (str, True),
    "files": (dict, False),
    "fixture": (str, False),
}
_LEVELS = ("low", "medium", "high", "critical")
_FIXTURE_NAME = regex.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass
class _File:
    """One TOML file being validated; collects its problems with line numbers."""

    path: Path
    label: str
    text: str
    problems: list[str]

    def line_of(self, key: str, after: int = 0) -> int:
        """The line where ``key`` is assigned or its table opens (best effort: tomllib gives no positions)."""
        lines = self.text.splitlines()
        needle = regex.compile(
            rf"^\s*(?:\[+\s*(?:[\w.]+\.)?{regex.escape(key)}\s*\]+|{regex.escape(key)}\s*=)"
            rf"|[{{,]\s*{regex.escape(key)}\s*="  # a key inside an inline table
        )
        for number, line in enumerate(lines[after:], start=after + 1):
            if needle.search(line):
                return number
        return 1

    def error(self, key: str, message: str) -> None:
        self.problems.append(f"{self.label}:{self.line_of(key)}: {message}")

    def check_table(
        self, table: dict[str, Any], spec: dict[str, tuple[type | tuple[type, ...], bool]], where: str
    ) -> bool:
        ok = True
        for key, value in table.items():
            if key not in spec:
                close = [k for k in spec if _similar(k, key)]
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(key, f"unknown key '{key}' in {where}{hint}")
                ok = False
                continue
            expected, _ = spec[key]
            if isinstance(value, bool) and expected in (int, (int, float)):
                self.error(key, f"'{key}' in {where} must be a number, not a boolean")
                ok = False
            elif not isinstance(value, expected):
                self.error(key, f"'{key}' in {where} must be {_type_name(expected)}, not {type(value).__name__}")
                ok = False
        for key, (_, required) in spec.items():
            if required and key not in table:
                self.problems.append(f"{self.label}:1: missing required key '{key}' in {where}")
                ok = False
        return ok


def _type_name(expected: type | tuple[type, ...]) -> str:
    names = {str: "a string", list: "a list", dict: "a table", bool: "true or false", int: "an integer"}
    if isinstance(expected, tuple):
        return "a number"
    return names.get(expected, expected.__name__)


def _similar(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 2:
        return False
    common = sum(1 for x, y in zip(sorted(a), sorted(b), strict=False) if x == y)
    return common >= max(len(a), len(b)) - 2


def parse_duration(text: str) -> dt.timedelta | None:
    match = _DURATION.match(text)
    if not match:
        return None
    return dt.timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])


def compile_check(pattern: str) -> str | None:
    """None when polars (Rust regex) accepts ``pattern``, else the reason."""
    return _compiled(pattern)[1]


def group_names(pattern: str) -> tuple[str, ...]:
    """The named groups of ``pattern`` (which compiles), in order."""
    return _compiled(pattern)[0]


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> tuple[tuple[str, ...], str | None]:
    """(named groups, None), or ((), the reason it does not compile): one polars schema resolution compiles the
    regex in the engine that will run it, and its capture struct names the groups (unnamed ones by number)."""
    try:
        schema = pl.LazyFrame().select(pl.lit("").str.extract_groups(pattern).alias("g")).collect_schema()
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()
        return (), first[-1] if first else "invalid regex"
    fields = schema["g"].fields if isinstance(schema["g"], pl.Struct) else []
    return tuple(field.name for field in fields if not field.name.isdigit()), None


def _enum(file: _File, key: str, value: str, allowed: Iterable[str]) -> bool:
    allowed = list(allowed)
    if value not in allowed:
        file.error(key, f"'{key}' must be one of {', '.join(allowed)}, not '{value}'")
        return False
    return True


def _strings(file: _File, key: str, values: list[Any]) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in values):
        file.error(key, f"'{key}' must be a list of strings")
        return ()
    return tuple(values)


def _load_signal(file: _File, data: dict[str, Any]) -> Signal | None:
    if not file.check_table(data, _SIGNAL_KEYS, "the signal"):
        return None
    ok = True
    if data["id"] != file.path.stem:
        file.error("id", f"id '{data['id']}' differs from the file name '{file.path.stem}'")
        ok = False
    sources = _strings(file, "sources", data["sources"])
    if not sources or not all(_enum(file, "sources", s, [x.value for x in SignalSource]) for s in sources):
        ok = False
    ok &= _enum(file, "family", data["family"], [f.value for f in Family])
    search_in = data.get("search_in", "text")
    ok &= _enum(file, "search_in", search_in, [s.value for s in SearchIn])
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
        levels=_strings(file, "levels", data.get("levels", [])),
        value_group=data.get("value_group"),
        gc=gc,
        gap=gap,
        benign=data.get("benign", False),
        description=data.get("description", ""),
        samples=_strings(file, "samples", data.get("samples", [])),
        misses=_strings(file, "misses", data.get("misses", [])),
        root=str(file.path.parent.parent),
    )


def _load_gc(file: _File, table: dict[str, Any]) -> GcPredicate | None:
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


def _join_keys(file: _File, key: str, raw: list[Any]) -> tuple[tuple[str, ...], Aliases] | None:
    """``by`` entries: a key column, or aliases ``tm_id ~ container_id ~ pod`` (named by the first)."""
    names: list[str] = []
    aliases: list[tuple[str, tuple[str, ...]]] = []
    ok = True
    for entry in _strings(file, key, raw):
        columns = tuple(part.strip() for part in entry.split("~"))
        for column in columns:
            if column not in KEY_COLUMNS:
                file.error(key, f"'{key}' names '{column}', which is not a key column ({', '.join(KEY_COLUMNS)})")
                ok = False
        names.append(columns[0])
        if len(columns) > 1:
            aliases.append((columns[0], columns))
    return (tuple(names), tuple(aliases)) if ok else None


def _step_signals(file: _File, raw: str | list[Any]) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    signals = _strings(file, "signal", raw)
    if not signals:
        file.error("signal", "a step's 'signal' is a signal id or a non-empty list of ids")
    return signals


def _load_sequence(file: _File, data: dict[str, Any]) -> Sequence | None:
    if not file.check_table(data, _SEQUENCE_KEYS, "[sequence]"):
        return None
    ok = True
    joined = _join_keys(file, "by", data["by"])
    ok &= joined is not None
    steps: list[Step] = []
    if not data["steps"]:
        file.error("steps", "[sequence] needs at least one step")
        ok = False
    for raw in data["steps"]:
        if not isinstance(raw, dict) or not file.check_table(raw, _STEP_KEYS, "[[sequence.steps]]"):
            ok = False
            continue
        if raw.get("min_count", 1) < 1:
            file.error("min_count", "min_count must be at least 1")
            ok = False
        signals = _step_signals(file, raw["signal"])
        if not signals:
            ok = False
            continue
        steps.append(
            Step(
                signal=signals[0],
                any_of=signals[1:],
                min_count=raw.get("min_count", 1),
                optional=raw.get("optional", False),
                keyed=raw.get("keyed", True),
            )
        )
    if steps and all(s.optional for s in steps):
        file.error("steps", "at least one step must be required")
        ok = False
    maxspan = parse_duration(data["maxspan"])
    if maxspan is None:
        file.error("maxspan", f"maxspan '{data['maxspan']}' is not a duration like '90s', '5m', '1h'")
        ok = False
    skew = parse_duration(data.get("clock_skew", "5s"))
    if skew is None:
        file.error("clock_skew", f"clock_skew '{data['clock_skew']}' is not a duration like '5s'")
        ok = False
    absent: list[str] = []
    windows: list[AbsentWindow] = []
    for raw in data.get("absent", []):
        if isinstance(raw, str):
            absent.append(raw)
            continue
        if not isinstance(raw, dict) or not file.check_table(raw, _ABSENT_KEYS, "an 'absent' window"):
            file.error("absent", "'absent' holds signal ids or windows { signal = ..., before = '30m', after = '0s' }")
            ok = False
            continue
        before, after = parse_duration(raw.get("before", "0s")), parse_duration(raw.get("after", "0s"))
        if before is None or after is None:
            file.error("absent", "an 'absent' window's before/after are durations like '30m'")
            ok = False
            continue
        windows.append(AbsentWindow(raw["signal"], before, after, raw.get("keyed", True)))
    if not ok or maxspan is None or skew is None or joined is None:
        return None
    return Sequence(
        by=joined[0],
        steps=tuple(steps),
        maxspan=maxspan,
        clock_skew=skew,
        absent=tuple(absent),
        until=_strings(file, "until", data.get("until", [])),
        aliases=joined[1],
        absent_windows=tuple(windows),
    )


def _load_threshold(file: _File, data: dict[str, Any]) -> Threshold | None:
    if not file.check_table(data, _THRESHOLD_KEYS, "[threshold]"):
        return None
    ok = True
    signals = _step_signals(file, data["signal"])
    ok &= bool(signals)
    joined = _join_keys(file, "by", data["by"])
    ok &= joined is not None
    ok &= _enum(file, "aggregate", data["aggregate"], [a.value for a in Aggregate])
    field = data.get("field", "value")
    if field != "value":
        file.error("field", "'field' can only be 'value' (the number a signal measures, its value_group)")
        ok = False
    window = parse_duration(data["window"])
    if window is None:
        file.error("window", f"window '{data['window']}' is not a duration like '10m'")
        ok = False
    dedupe = parse_duration(data.get("dedupe", "0s"))
    if dedupe is None:
        file.error("dedupe", f"dedupe '{data['dedupe']}' is not a duration like '5s'")
        ok = False
    if data.get("min_events", 1) < 1:
        file.error("min_events", "min_events must be at least 1")
        ok = False
    levels: list[tuple[Severity, float]] = []
    for name, value in data["levels"].items():
        if name not in _LEVELS:
            file.error("levels", f"threshold level '{name}' must be one of {', '.join(_LEVELS)}")
            ok = False
        elif isinstance(value, bool) or not isinstance(value, int | float):
            file.error("levels", f"threshold level '{name}' must be a number")
            ok = False
        else:
            levels.append((Severity(name), float(value)))
    if not levels:
        file.error("levels", "[threshold] needs at least one level (low, medium, high, critical)")
        ok = False
    levels.sort(key=lambda item: item[0].rank)
    if [v for _, v in levels] != sorted(v for _, v in levels):
        file.error("levels", "threshold levels must not decrease from low to critical")
        ok = False
    if not ok or window is None or dedupe is None or joined is None:
        return None
    return Threshold(
        signals=signals,
        by=joined[0],
        aliases=joined[1],
        aggregate=Aggregate(data["aggregate"]),
        window=window,
        levels=tuple(levels),
        field=field,
        min_events=data.get("min_events", 1),
        dedupe=dedupe,
    )


def _threshold_sequence(threshold: Threshold) -> Sequence:
    """The single step a threshold rule amounts to: what references, docs and relevance checks read."""
    step = Step(signal=threshold.signals[0], any_of=threshold.signals[1:])
    return Sequence(by=threshold.by, steps=(step,), maxspan=threshold.window, aliases=threshold.aliases)


def fixture_roots(root: Path, cause_id: str) -> list[Path]:
    """Where a cause's fixture folders may live: beside the rules (``<root>/tests/<id>/``, for a user's folder) or in
    the repository's tests (``<root>/../tests/patterns/<id>/``, for the built-in catalogue)."""
    return [root / "tests" / cause_id, root.parent / "tests" / "patterns" / cause_id]


def _check_fixture(file: _File, cause_id: str, fixture: str) -> bool:
    """A fixture must exist where fixtures are kept; an installed catalogue without its tests is not checked."""
    root = file.path.parent.parent
    bases = [base for base in fixture_roots(root, cause_id) if base.parent.is_dir()]
    if bases and not any((base / fixture).is_dir() for base in bases):
        places = " or ".join(str(base / fixture) for base in bases)
        file.error("fixture", f"fixture folder '{fixture}' not found ({places})")
        return False
    return True


def _versions(file: _File, key: str, text: str) -> bool:
    if parse_range(text) is None:
        file.error(key, f"'{key}' = '{text}' is not a version range like '>=1.14', '<1.17', '1.11-1.16', '1.18+'")
        return False
    return True


def _load_cause(file: _File, data: dict[str, Any]) -> Cause | None:
    if not file.check_table(data, _CAUSE_KEYS, "the cause"):
        return None
    ok = True
    if data["id"] != file.path.stem:
        file.error("id", f"id '{data['id']}' differs from the file name '{file.path.stem}'")
        ok = False
    ok &= _enum(file, "status", data["status"], [s.value for s in Status])
    ok &= _enum(file, "kind", data["kind"], [k.value for k in FindingKind])
    ok &= _enum(file, "category", data["category"], CATEGORIES)
    ok &= _enum(file, "failure_type", data["failure_type"], FAILURE_TYPES)
    if "severity" in data:
        ok &= _enum(file, "severity", data["severity"], [s.value for s in Severity])
    elif "threshold" not in data:
        file.problems.append(f"{file.label}:1: missing required key 'severity' in the cause")
        ok = False
    if not 0.0 <= float(data["confidence"]) <= 1.0:
        file.error("confidence", "confidence must be between 0 and 1")
        ok = False
    applies = data.get("applies_to", {})
    if applies and not file.check_table(applies, _APPLIES_KEYS, "[applies_to]"):
        ok = False
    elif applies.get("flink_versions"):
        ok &= _versions(file, "flink_versions", applies["flink_versions"])
    sequence: Sequence | None = None
    threshold: Threshold | None = None
    if ("sequence" in data) == ("threshold" in data):
        file.problems.append(f"{file.label}:1: a cause needs exactly one of [sequence] and [threshold]")
        ok = False
    elif "sequence" in data:
        sequence = _load_sequence(file, data["sequence"])
        ok &= sequence is not None
    else:
        threshold = _load_threshold(file, data["threshold"])
        ok &= threshold is not None
        if threshold is not None:
            sequence = _threshold_sequence(threshold)
    remediation: list[Remediation] = []
    remediation_versions: list[str] = []
    for raw in data["remediation"]:
        if not isinstance(raw, dict) or not file.check_table(raw, _REMEDIATION_KEYS, "[[remediation]]"):
            ok = False
            continue
        config = raw.get("config", {})
        if not all(isinstance(v, str) for v in config.values()):
            file.error("config", "remediation config values must be strings (the advice for that key)")
            ok = False
            continue
        if raw.get("flink_versions") and not _versions(file, "flink_versions", raw["flink_versions"]):
            ok = False
            continue
        remediation.append(Remediation(action=raw["action"], config=dict(config)))
        remediation_versions.append(raw.get("flink_versions", ""))
    if not remediation:
        file.error("remediation", "a cause needs at least one [[remediation]]")
        ok = False
    tests: list[CauseTest] = []
    for raw in data.get("tests", []):
        if not isinstance(raw, dict) or not file.check_table(raw, _TEST_KEYS, "[[tests]]"):
            ok = False
            continue
        if raw["expect"] not in ("hit", "miss"):
            file.error("expect", f"a test's expect must be 'hit' or 'miss', not '{raw['expect']}'")
            ok = False
            continue
        if ("files" in raw) == ("fixture" in raw):
            file.error("name", f"test '{raw['name']}' needs either 'files' (inline) or 'fixture' (a folder name)")
            ok = False
            continue
        if not all(isinstance(v, str) for v in raw.get("files", {}).values()):
            file.error("files", "a test's files map file names to their content (strings)")
            ok = False
            continue
        if "fixture" in raw and not _FIXTURE_NAME.match(raw["fixture"]):
            file.error("fixture", f"fixture '{raw['fixture']}' must be a plain folder name under tests/patterns/<id>/")
            ok = False
            continue
        if "fixture" in raw and not _check_fixture(file, data["id"], raw["fixture"]):
            ok = False
            continue
        tests.append(
            CauseTest(
                name=raw["name"], expect=raw["expect"], files=dict(raw.get("files", {})), fixture=raw.get("fixture", "")
            )
        )
    status = data["status"]
    if status in ("test", "stable") and not ({"hit", "miss"} <= {t.expect for t in tests}):
        file.error(
            "status",
            f"a cause with status '{status}' needs at least one 'hit' and one 'miss' test (inline or fixture)",
        )
        ok = False
    if status == "stable" and not str(data.get("false_positives", "")).strip():
        file.error("status", "a cause with status 'stable' documents its false positives ('false_positives')")
        ok = False
    if not ok or sequence is None:
        return None
    levels = threshold.levels if threshold is not None else ()
    severity = Severity(data["severity"]) if "severity" in data else levels[-1][0]
    return Cause(
        id=data["id"],
        title=data["title"],
        path=file.label,
        status=Status(status),
        kind=FindingKind(data["kind"]),
        category=data["category"],
        failure_type=data["failure_type"],
        severity=severity,
        confidence=float(data["confidence"]),
        sequence=sequence,
        summary=data["summary"].strip(),
        diagnosis=data["diagnosis"].strip(),
        remediation=tuple(remediation),
        references=_strings(file, "references", data["references"]),
        tests=tuple(tests),
        tags=_strings(file, "tags", data.get("tags", [])),
        components=_strings(file, "components", applies.get("components", [])),
        flink_versions=applies.get("flink_versions", ""),
        false_positives=data.get("false_positives", "").strip(),
        explains=_strings(file, "explains", data.get("explains", [])),
        supersedes=_strings(file, "supersedes", data.get("supersedes", [])),
        corroborate=_strings(file, "corroborate", data.get("corroborate", [])),
        confirm_with=data.get("confirm_with", ""),
        confirm_signal=data.get("confirm_signal", ""),
        threshold=threshold,
        remediation_versions=tuple(remediation_versions),
        root=str(file.path.parent.parent),
    )


def _read(path: Path, label: str, problems: list[str]) -> tuple[_File, dict[str, Any]] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{label}:1: cannot read: {exc}")
        return None
    file = _File(path, label, text, problems)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = regex.search(r"at line (\d+)", str(exc))
        problems.append(f"{label}:{line.group(1) if line else 1}: invalid TOML: {exc}")
        return None
    return file, data


def load_catalogue(roots: Iterable[Path]) -> Catalogue:
    """Load every root (the built-in catalogue first, then users' folders); raise CatalogueError with all problems."""
    problems: list[str] = []
    signals: dict[str, Signal] = {}
    causes: dict[str, Cause] = {}
    seen: dict[str, str] = {}
    digest = hashlib.sha256()
    root_list = [Path(r) for r in roots]
    for root in root_list:
        if not root.is_dir():
            problems.append(f"{root}:1: not a folder with signals/ and causes/")
            continue
        found = False
        for sub, loader, into in (("signals", _load_signal, signals), ("causes", _load_cause, causes)):
            for path in sorted((root / sub).glob("*.toml")):
                found = True
                label = _label(path)
                read = _read(path, label, problems)
                if read is None:
                    continue
                file, data = read
                digest.update(path.name.encode())
                digest.update(file.text.encode())
                item = _dispatch(loader, file, data)
                if item is None:
                    continue
                if item.id in seen:
                    problems.append(f"{label}:{file.line_of('id')}: duplicate id '{item.id}' (also in {seen[item.id]})")
                    continue
                seen[item.id] = label
                into[item.id] = item  # type: ignore[assignment]
        if not found:
            problems.append(f"{root}:1: no signals/*.toml or causes/*.toml found")
    problems.extend(_check_references(signals, causes))
    if problems:
        raise CatalogueError(problems)
    return Catalogue(
        signals=signals,
        causes=causes,
        version=digest.hexdigest()[:12],
        roots=tuple(str(r) for r in root_list),
    )


def _dispatch(
    loader: Callable[[_File, dict[str, Any]], Signal | Cause | None], file: _File, data: dict[str, Any]
) -> Signal | Cause | None:
    return loader(file, data)


def _label(path: Path) -> str:
    """``patterns/causes/x.toml`` style: the last three parts of the path."""
    parts = path.parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)


def _check_references(signals: dict[str, Signal], causes: dict[str, Cause]) -> list[str]:
    problems: list[str] = []
    for cause in causes.values():
        seq = cause.sequence
        named = [signal for step in seq.steps for signal in step.signals] + list(seq.absent) + list(seq.until)
        named += [window.signal for window in seq.absent_windows]
        named += list(cause.corroborate) + ([cause.confirm_signal] if cause.confirm_signal else [])
        for signal in named:
            if signal not in signals:
                problems.append(f"{cause.path}:1: refers to signal '{signal}', which does not exist")
        for other in (*cause.explains, *cause.supersedes):
            if other not in causes:
                problems.append(f"{cause.path}:1: refers to cause '{other}', which does not exist")
            elif other == cause.id:
                problems.append(f"{cause.path}:1: a cause cannot explain or supersede itself")
    return problems
