"""Checking one catalogue TOML file, for both loaders (``load_signals`` and ``load_causes``).

``File`` collects a file's problems as ``file:line: message`` and checks a table's keys and types; the functions
beside it check values: durations, regexes (compiled by polars, which runs them), enumerations and lists of strings.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import regex

KeySpec = dict[str, tuple[type | tuple[type, ...], bool]]
"""The keys a TOML table may hold: key -> (the Python type or types of its value, whether it is required)."""

_DURATION = regex.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


@dataclass
class File:
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

    def check_table(self, table: dict[str, Any], spec: KeySpec, where: str) -> bool:
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


def enum(file: File, key: str, value: str, allowed: Iterable[str]) -> bool:
    allowed = list(allowed)
    if value not in allowed:
        file.error(key, f"'{key}' must be one of {', '.join(allowed)}, not '{value}'")
        return False
    return True


def strings(file: File, key: str, values: list[Any]) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in values):
        file.error(key, f"'{key}' must be a list of strings")
        return ()
    return tuple(values)
