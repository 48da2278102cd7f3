"""Load and validate the catalogue: ``signals/*.toml`` and ``causes/*.toml`` under one or more roots.

The loader is strict. It refuses unknown keys, wrong types, bad regexes (compiled by polars, since polars runs
them), duplicate ids, ids that differ from the file stem and references to signals or causes that do not exist. It
collects every problem before failing, each as ``file:line: message``, so that ``patterns check`` lists them all.

This module reads the roots, checks ids and references across files and builds the Catalogue. One file is checked
by ``load_signals`` (a signal) or ``load_causes`` (a cause, its ``[sequence]`` or ``[threshold]`` in
``load_sequences``), with the helpers of ``tomlfile`` (problems with line numbers, key tables, durations, regexes).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import regex

from logforensics.catalogue.load_causes import load_cause
from logforensics.catalogue.load_signals import load_signal
from logforensics.catalogue.model import Catalogue, Cause, Signal
from logforensics.catalogue.tomlfile import File
from logforensics.errors import CatalogueError


def _read(path: Path, label: str, problems: list[str]) -> tuple[File, dict[str, Any]] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{label}:1: cannot read: {exc}")
        return None
    file = File(path, label, text, problems)
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
        for sub, loader, into in (("signals", load_signal, signals), ("causes", load_cause, causes)):
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
    loader: Callable[[File, dict[str, Any]], Signal | Cause | None], file: File, data: dict[str, Any]
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
