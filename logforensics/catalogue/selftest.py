"""Run the catalogue's own examples: each signal's sample and miss lines, each cause's hit and miss incidents."""

from __future__ import annotations

import datetime as dt
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logforensics.catalogue.model import Catalogue, Cause, CauseTest, Signal


@dataclass(frozen=True)
class Outcome:
    rule: str
    case: str
    passed: bool
    detail: str = ""


def check_signal(signal: Signal) -> list[Outcome]:
    """Samples must match the literal and the regex (run by polars, as in analysis); misses must not."""
    if not signal.regex:
        return []
    outcomes: list[Outcome] = []
    lines = list(signal.samples) + list(signal.misses)
    frame = pl.DataFrame({"text": lines}, schema={"text": pl.String()}).with_columns(
        hit=pl.col("text").str.contains_any(list(signal.literals)) & pl.col("text").str.contains(signal.regex)
    )
    for index, (text, hit) in enumerate(frame.iter_rows()):
        expected = index < len(signal.samples)
        label = "sample" if expected else "miss"
        outcomes.append(
            Outcome(
                signal.id,
                f"{label} {index + 1 if expected else index + 1 - len(signal.samples)}",
                hit == expected,
                "" if hit == expected else f"{'did not match' if expected else 'matched'}: {text[:120]}",
            )
        )
    return outcomes


def run_cause_test(catalogue: Catalogue, cause: Cause, test: CauseTest) -> Outcome:
    """Analyse the test's files as one incident and look for a finding with the cause's id."""
    from logforensics.api import analyze  # the full pipeline, as users run it

    with tempfile.TemporaryDirectory(prefix="logforensics-test-") as tmp:
        root = Path(tmp)
        for name, content in test.files.items():
            path = root / name
            if path.resolve().parent != root.resolve() and root.resolve() not in path.resolve().parents:
                return Outcome(cause.id, test.name, False, f"file name {name!r} leaves the test folder")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        analysis = analyze([root], catalogue=catalogue, now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    ids = [f.id for f in analysis.findings]
    hit = cause.id in ids
    passed = hit == (test.expect == "hit")
    detail = "" if passed else f"expected a {test.expect}, findings were: {', '.join(ids) or 'none'}"
    return Outcome(cause.id, test.name, passed, detail)


def run_all(catalogue: Catalogue) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for signal in catalogue.signals.values():
        outcomes.extend(check_signal(signal))
    for cause in catalogue.causes.values():
        outcomes.extend(run_cause_test(catalogue, cause, test) for test in cause.tests)
    return outcomes
