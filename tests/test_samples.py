"""The sample incidents end to end: the expected root cause comes first, its symptoms hang under it, and the whole
JSON report equals the golden file (rewrite with ``pytest tests/test_samples.py --update-golden`` and review the diff)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from logforensics.api import analyze
from logforensics.report.json import render_json
from tests.conftest import REPO, SAMPLES

GOLDEN = REPO / "tests" / "golden"
FIXED_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
INCIDENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir() and (p / "README.md").is_file())


def expected_cause(incident: str) -> str:
    text = (SAMPLES / incident / "README.md").read_text()
    match = re.search(r"Expected root cause:\s*`?([a-z0-9_]+)`?", text)
    assert match, f"{incident}/README.md must say 'Expected root cause: <id>'"
    return match.group(1)


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    return {name: render_json(analyze([SAMPLES / name], now=FIXED_NOW)) for name in INCIDENTS}


def test_there_are_at_least_four_incidents() -> None:
    assert len(INCIDENTS) >= 4


@pytest.mark.parametrize("incident", INCIDENTS)
def test_top_finding_is_the_expected_root_cause(incident: str, reports: dict[str, str]) -> None:
    findings = json.loads(reports[incident])["findings"]
    assert findings, "no finding"
    top = findings[0]
    assert top["id"] == expected_cause(incident), [f["id"] for f in findings]
    assert top["kind"] == "root_cause"
    assert top["evidence"] and top["remediation"]
    assert top["explains"], "the root cause should explain the symptoms seen"
    explained = {f["id"] for f in findings[1:]}
    assert set(top["explains"]) <= explained


@pytest.mark.parametrize("incident", INCIDENTS)
def test_every_log_is_analysed_and_parses_almost_entirely(incident: str, reports: dict[str, str]) -> None:
    for source in json.loads(reports[incident])["sources"]:
        if source["path"] == "README.md":  # the incident's description: listed as skipped, with the reason
            assert source["skipped_reason"]
            continue
        assert source["skipped_reason"] is None, source
        assert source["lines"] > 0
        # Flink logs parse entirely; GC logs may leave lines the GC parser does not model yet (concurrent phases).
        limit = source["lines"] // 20 if source["kind"] == "gc_log" else 0
        assert source["unparsed_lines"] <= limit, source


@pytest.mark.parametrize("incident", INCIDENTS)
def test_golden_json(incident: str, reports: dict[str, str], request: pytest.FixtureRequest) -> None:
    golden = GOLDEN / f"{incident}.json"
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(reports[incident])
        pytest.skip(f"rewrote {golden.relative_to(REPO)}")
    assert golden.is_file(), f"no golden file; create it with --update-golden and review it: {golden}"
    assert reports[incident] == golden.read_text()


def test_no_stale_golden_files() -> None:
    stale = {p.stem for p in GOLDEN.glob("*.json")} - set(INCIDENTS)
    assert not stale, f"golden files without a sample incident: {stale}"
