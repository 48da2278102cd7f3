"""Load the matching part of a cause: its ``[sequence]`` or its ``[threshold]``.

A ``[sequence]`` has join keys with ``~`` aliases, steps whose ``signal`` may list alternatives, ``absent`` signals or
windows and ``until``; a ``[threshold]`` counts | sums | takes the max | p99 per group over a sliding window, with
low..critical levels.
"""

from __future__ import annotations

from typing import Any

from logforensics.catalogue.model import AbsentWindow, Aggregate, Aliases, Sequence, Step, Threshold
from logforensics.catalogue.tomlfile import File, KeySpec, enum, parse_duration, strings
from logforensics.model import KEY_COLUMNS, Severity

_SEQUENCE_KEYS: KeySpec = {
    "by": (list, True),
    "steps": (list, True),
    "maxspan": (str, True),
    "clock_skew": (str, False),
    "absent": (list, False),
    "until": (list, False),
}
_ABSENT_KEYS: KeySpec = {
    "signal": (str, True),
    "before": (str, False),
    "after": (str, False),
    "keyed": (bool, False),
}
_THRESHOLD_KEYS: KeySpec = {
    "signal": ((str, list), True),
    "by": (list, True),
    "aggregate": (str, True),
    "field": (str, False),
    "window": (str, True),
    "levels": (dict, True),
    "min_events": (int, False),
    "dedupe": (str, False),
}
_STEP_KEYS: KeySpec = {
    "signal": ((str, list), True),
    "min_count": (int, False),
    "optional": (bool, False),
    "keyed": (bool, False),
}
_LEVELS = ("low", "medium", "high", "critical")


def _join_keys(file: File, key: str, raw: list[Any]) -> tuple[tuple[str, ...], Aliases] | None:
    """``by`` entries: a key column, or aliases ``tm_id ~ container_id ~ pod`` (named by the first)."""
    names: list[str] = []
    aliases: list[tuple[str, tuple[str, ...]]] = []
    ok = True
    for entry in strings(file, key, raw):
        columns = tuple(part.strip() for part in entry.split("~"))
        for column in columns:
            if column not in KEY_COLUMNS:
                file.error(key, f"'{key}' names '{column}', which is not a key column ({', '.join(KEY_COLUMNS)})")
                ok = False
        names.append(columns[0])
        if len(columns) > 1:
            aliases.append((columns[0], columns))
    return (tuple(names), tuple(aliases)) if ok else None


def _step_signals(file: File, raw: str | list[Any]) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    signals = strings(file, "signal", raw)
    if not signals:
        file.error("signal", "a step's 'signal' is a signal id or a non-empty list of ids")
    return signals


def load_sequence(file: File, data: dict[str, Any]) -> Sequence | None:
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
        until=strings(file, "until", data.get("until", [])),
        aliases=joined[1],
        absent_windows=tuple(windows),
    )


def load_threshold(file: File, data: dict[str, Any]) -> Threshold | None:
    if not file.check_table(data, _THRESHOLD_KEYS, "[threshold]"):
        return None
    ok = True
    signals = _step_signals(file, data["signal"])
    ok &= bool(signals)
    joined = _join_keys(file, "by", data["by"])
    ok &= joined is not None
    ok &= enum(file, "aggregate", data["aggregate"], [a.value for a in Aggregate])
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


def threshold_sequence(threshold: Threshold) -> Sequence:
    """The single step a threshold rule amounts to: what references, docs and relevance checks read."""
    step = Step(signal=threshold.signals[0], any_of=threshold.signals[1:])
    return Sequence(by=threshold.by, steps=(step,), maxspan=threshold.window, aliases=threshold.aliases)
