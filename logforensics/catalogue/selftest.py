"""Run the catalogue's own examples: each signal's sample and miss lines, each cause's hit and miss incidents.

A cause's test is either inline (``files``: small logs written to a temporary folder) or a fixture (a folder of real
files under ``tests/patterns/<id>/<fixture>/``, or ``<catalogue>/tests/<id>/<fixture>/`` in a user's folder), analysed
in place. Either way the whole pipeline runs, as users run it, and the test passes when the cause's finding is present
(``hit``) or absent (``miss``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from logforensics.catalogue.load_causes import fixture_roots
from logforensics.catalogue.model import Catalogue, Cause, CauseTest, Signal

NOW = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Outcome:
    rule: str
    case: str
    passed: bool
    detail: str = ""
    skipped: bool = False
    """The case could not run here (a fixture that an installed catalogue does not ship)."""


def check_gc_signal(signal: Signal) -> list[Outcome]:
    """GC signals: each sample (a GC log excerpt) must yield a selected GC event; each miss none."""
    from logforensics.parsers.gc import parse_gc, sniff_gc
    from logforensics.parsers.lines import read_lines
    from logforensics.timeline import select_gc

    assert signal.gc is not None
    outcomes: list[Outcome] = []
    for expected, label, texts in ((True, "sample", signal.samples), (False, "miss", signal.misses)):
        for index, text in enumerate(texts, start=1):
            layout = sniff_gc(text) or "gc_unified"
            events = parse_gc(read_lines(text.encode(), signal.id).frame, signal.id, layout).events
            hit = select_gc(events, signal.gc).height > 0
            detail = (
                "" if hit == expected else f"{'selected no event' if expected else 'selected an event'}: {text[:120]}"
            )
            outcomes.append(Outcome(signal.id, f"{label} {index}", hit == expected, detail))
    return outcomes


def check_signal(signal: Signal) -> list[Outcome]:
    """Samples must match the literal and the regex (run by polars, as in analysis); misses must not.
    GC signals run their samples through the GC parser and the signal's predicate."""
    if signal.gc is not None:
        return check_gc_signal(signal)
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


def fixture_dir(cause: Cause, test: CauseTest) -> Path | None:
    """The folder of a fixture test, or None when it is not there."""
    for base in fixture_roots(Path(cause.root), cause.id):
        if (base / test.fixture).is_dir():
            return base / test.fixture
    return None


def run_cause_test(catalogue: Catalogue, cause: Cause, test: CauseTest) -> Outcome:
    """Analyse the test's files as one incident and look for a finding with the cause's id."""
    if test.fixture:
        folder = fixture_dir(cause, test)
        if folder is None:
            shipped = any(base.parent.is_dir() for base in fixture_roots(Path(cause.root), cause.id))
            if not shipped:
                return Outcome(cause.id, test.name, True, "fixtures are not installed here", skipped=True)
            return Outcome(cause.id, test.name, False, f"fixture folder '{test.fixture}' not found")
        return _judge(catalogue, cause, test, folder)
    with tempfile.TemporaryDirectory(prefix="logforensics-test-") as tmp:
        root = Path(tmp)
        for name, content in test.files.items():
            path = root / name
            if path.resolve().parent != root.resolve() and root.resolve() not in path.resolve().parents:
                return Outcome(cause.id, test.name, False, f"file name {name!r} leaves the test folder")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return _judge(catalogue, cause, test, root)


def _judge(catalogue: Catalogue, cause: Cause, test: CauseTest, folder: Path) -> Outcome:
    from logforensics.api import analyze  # the full pipeline, as users run it

    analysis = analyze([folder], catalogue=catalogue, now=NOW)
    ids = [f.id for f in analysis.findings]
    hit = cause.id in ids
    passed = hit == (test.expect == "hit")
    detail = "" if passed else f"expected a {test.expect}, findings were: {', '.join(ids) or 'none'}"
    return Outcome(cause.id, test.name, passed, detail)


def run_all(catalogue: Catalogue, roots: tuple[str, ...] | None = None) -> list[Outcome]:
    """Every signal's and cause's examples; with ``roots``, only the rules loaded from those folders."""
    outcomes: list[Outcome] = []
    for signal in catalogue.signals.values():
        if roots is None or signal.root in roots:
            outcomes.extend(check_signal(signal))
    for cause in catalogue.causes.values():
        if roots is None or cause.root in roots:
            outcomes.extend(run_cause_test(catalogue, cause, test) for test in cause.tests)
    return outcomes
