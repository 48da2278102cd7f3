"""Load and validate the catalogue: ``signals/*.toml`` and ``causes/*.toml`` under one or more roots.

The loader is strict. It refuses unknown keys, wrong types, bad regexes (compiled by polars, since polars runs
them), duplicate ids, ids that differ from the file stem and references to signals or causes that do not exist. It
collects every problem before failing, each as ``file:line: message``, so that ``patterns check`` lists them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import regex

from logforensics.catalogue.model import (
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
)
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
    "severity": (str, True),
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
    "sequence": (dict, True),
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
_STEP_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "signal": (str, True),
    "min_count": (int, False),
    "optional": (bool, False),
    "keyed": (bool, False),
}
_REMEDIATION_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "action": (str, True),
    "config": (dict, False),
}
_TEST_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "name": (str, True),
    "expect": (str, True),
    "files": (dict, True),
}


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
        needle = regex.compile(rf"^\s*(?:\[+\s*(?:[\w.]+\.)?{regex.escape(key)}\s*\]+|{regex.escape(key)}\s*=)")
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
    try:
        pl.select(pl.lit("x").str.contains(pattern)).item()
    except pl.exceptions.PolarsError as exc:
        first = str(exc).strip().splitlines()
        return first[-1] if first else "invalid regex"
    return None


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
    pattern = data.get("regex")
    if "gc" in sources:
        if "gc" not in data:
            file.error("sources", "a signal with source 'gc' needs a [gc] table")
            ok = False
        elif file.check_table(data["gc"], _GC_KEYS, "[gc]"):
            gc = GcPredicate(
                min_pause_ms=float(data["gc"].get("min_pause_ms", 0.0)),
                full_only=data["gc"].get("full_only", False),
                pauses_only=data["gc"].get("pauses_only", True),
            )
        else:
            ok = False
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
            groups = tuple(regex.compile(pattern).groupindex)
            unknown = [g for g in groups if g not in KEY_COLUMNS and g != data.get("value_group")]
            if unknown:
                file.error(
                    "regex", f"named group(s) {', '.join(unknown)} are not key columns ({', '.join(KEY_COLUMNS)})"
                )
                ok = False
            for sample in data.get("samples", []):
                if literals and not any(literal in sample for literal in literals):
                    file.error("samples", f"sample holds none of the literals {list(literals)!r}: {sample[:80]!r}")
                    ok = False
    if data.get("value_group") and data["value_group"] not in groups:
        file.error("value_group", f"value_group '{data['value_group']}' is not a named group of the regex")
        ok = False
    if gc is None and gap is None and not data.get("samples"):
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
    )


def _load_sequence(file: _File, data: dict[str, Any]) -> Sequence | None:
    if not file.check_table(data, _SEQUENCE_KEYS, "[sequence]"):
        return None
    ok = True
    by = _strings(file, "by", data["by"])
    for key in by:
        if key not in KEY_COLUMNS:
            file.error("by", f"'by' names '{key}', which is not a key column ({', '.join(KEY_COLUMNS)})")
            ok = False
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
        steps.append(
            Step(
                signal=raw["signal"],
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
    if not ok or maxspan is None or skew is None:
        return None
    return Sequence(
        by=by,
        steps=tuple(steps),
        maxspan=maxspan,
        clock_skew=skew,
        absent=_strings(file, "absent", data.get("absent", [])),
        until=_strings(file, "until", data.get("until", [])),
    )


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
    ok &= _enum(file, "severity", data["severity"], [s.value for s in Severity])
    if not 0.0 <= float(data["confidence"]) <= 1.0:
        file.error("confidence", "confidence must be between 0 and 1")
        ok = False
    applies = data.get("applies_to", {})
    if applies and not file.check_table(applies, _APPLIES_KEYS, "[applies_to]"):
        ok = False
    sequence = _load_sequence(file, data["sequence"])
    ok &= sequence is not None
    remediation: list[Remediation] = []
    for raw in data["remediation"]:
        if not isinstance(raw, dict) or not file.check_table(raw, _REMEDIATION_KEYS, "[[remediation]]"):
            ok = False
            continue
        config = raw.get("config", {})
        if not all(isinstance(v, str) for v in config.values()):
            file.error("config", "remediation config values must be strings (the advice for that key)")
            ok = False
            continue
        remediation.append(Remediation(action=raw["action"], config=dict(config)))
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
        if not all(isinstance(v, str) for v in raw["files"].values()):
            file.error("files", "a test's files map file names to their content (strings)")
            ok = False
            continue
        tests.append(CauseTest(name=raw["name"], expect=raw["expect"], files=dict(raw["files"])))
    status = data["status"]
    if status in ("test", "stable") and not ({"hit", "miss"} <= {t.expect for t in tests}):
        file.error("status", f"a cause with status '{status}' needs at least one 'hit' and one 'miss' test")
        ok = False
    if not ok or sequence is None:
        return None
    return Cause(
        id=data["id"],
        title=data["title"],
        path=file.label,
        status=Status(status),
        kind=FindingKind(data["kind"]),
        category=data["category"],
        failure_type=data["failure_type"],
        severity=Severity(data["severity"]),
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
        named = [s.signal for s in cause.sequence.steps] + list(cause.sequence.absent) + list(cause.sequence.until)
        named += list(cause.corroborate) + ([cause.confirm_signal] if cause.confirm_signal else [])
        for signal in named:
            if signal not in signals:
                problems.append(f"{cause.path}:1: refers to signal '{signal}', which does not exist")
        for other in (*cause.explains, *cause.supersedes):
            if other not in causes:
                problems.append(f"{cause.path}:1: refers to cause '{other}', which does not exist")
    return problems
