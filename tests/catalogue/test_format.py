"""The cause format's newer parts load strictly: thresholds, key aliases, alternative step signals, absent windows,
versioned remediation, fixtures, and the status rules (test/stable need a hit and a miss; stable documents its false
positives). Fixture folders in tests/patterns/ belong to a rule that runs them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from logforensics.api import load_default_catalogue
from logforensics.catalogue.loader import load_catalogue
from logforensics.catalogue.model import Aggregate, Status
from logforensics.catalogue.versions import parse_range
from logforensics.errors import CatalogueError
from logforensics.model import Severity
from tests.catalogue.test_loader import GOOD_CAUSE, GOOD_SIGNAL, catalogue_dir, problems
from tests.conftest import REPO

THRESHOLD_CAUSE = """id = "my_loop"
title = "Mine failed again and again"
status = "experimental"
kind = "root_cause"
category = "user_code"
failure_type = "user"
confidence = 0.5
summary = "Boom in {job_id}, again."
diagnosis = "It went boom repeatedly."
references = []

[threshold]
signal = "my_signal"
by = ["job_id"]
aggregate = "count"
window = "10m"
dedupe = "2s"
levels = { medium = 3, high = 10 }

[[remediation]]
action = "Stop the boom."
config = { "restart-strategy.type" = "none" }
"""


def load(tmp_path: Path, cause: str) -> object:
    return load_catalogue([catalogue_dir(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"x.toml": cause})])


def test_threshold_rule_loads_with_its_levels(tmp_path: Path) -> None:
    root = catalogue_dir(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_loop.toml": THRESHOLD_CAUSE})
    cause = load_catalogue([root]).causes["my_loop"]
    assert cause.threshold is not None
    assert cause.threshold.aggregate is Aggregate.COUNT
    assert cause.threshold.window == dt.timedelta(minutes=10)
    assert cause.threshold.dedupe == dt.timedelta(seconds=2)
    assert cause.threshold.levels == ((Severity.MEDIUM, 3.0), (Severity.HIGH, 10.0))
    assert cause.severity is Severity.HIGH  # no severity key: the highest level
    assert [s.signal for s in cause.sequence.steps] == ["my_signal"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('aggregate = "count"', 'aggregate = "avg"'), "'aggregate' must be one of count, sum, max, p99"),
        (("levels = { medium = 3, high = 10 }", "levels = { medium = 10, high = 3 }"), "must not decrease"),
        (("levels = { medium = 3, high = 10 }", "levels = { severe = 3 }"), "level 'severe' must be one of"),
        (('window = "10m"', 'window = "ten minutes"'), "window 'ten minutes' is not a duration"),
        (('by = ["job_id"]', 'by = ["job"]'), "'by' names 'job', which is not a key column"),
        (('signal = "my_signal"', 'signal = "nope"'), "refers to signal 'nope', which does not exist"),
    ],
)
def test_threshold_errors_name_the_problem(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    bad = THRESHOLD_CAUSE.replace(*change)
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_loop.toml": bad})
    assert any(message in p for p in found), found


def test_a_cause_has_a_sequence_or_a_threshold(tmp_path: Path) -> None:
    both = THRESHOLD_CAUSE + '\n[sequence]\nby = []\nmaxspan = "1m"\n[[sequence.steps]]\nsignal = "my_signal"\n'
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_loop.toml": both})
    assert any("exactly one of [sequence] and [threshold]" in p for p in found)


def test_aliases_alternatives_and_absent_windows_load(tmp_path: Path) -> None:
    cause = GOOD_CAUSE.replace('by = ["job_id"]', 'by = ["tm_id ~ container_id ~ pod"]').replace(
        'maxspan = "1m"',
        'maxspan = "1m"\nabsent = ["my_signal", { signal = "my_signal", before = "30m", keyed = false }]',
    )
    cause = cause.replace('signal = "my_signal"\n\n[[remediation]]', 'signal = ["my_signal"]\n\n[[remediation]]')
    root = catalogue_dir(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": cause})
    seq = load_catalogue([root]).causes["my_cause"].sequence
    assert seq.by == ("tm_id",)
    assert seq.columns("tm_id") == ("tm_id", "container_id", "pod")
    assert seq.absent == ("my_signal",)
    [window] = seq.absent_windows
    assert (window.signal, window.before, window.keyed) == ("my_signal", dt.timedelta(minutes=30), False)


def test_bad_alias_and_absent_window_are_refused(tmp_path: Path) -> None:
    cause = GOOD_CAUSE.replace('by = ["job_id"]', 'by = ["tm_id ~ container"]').replace(
        'maxspan = "1m"', 'maxspan = "1m"\nabsent = [{ signal = "my_signal", before = "soon" }]'
    )
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": cause})
    assert any("'by' names 'container'" in p for p in found)
    assert any("before/after are durations" in p for p in found)


def test_versioned_remediation_and_applies_to(tmp_path: Path) -> None:
    cause = GOOD_CAUSE.replace(
        'action = "Stop the boom."', 'action = "Stop the boom."\nflink_versions = ">=1.17"'
    ).replace("references = []", 'references = []\n[applies_to]\nflink_versions = "1.11-1.16"\n')
    root = catalogue_dir(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": cause})
    loaded = load_catalogue([root]).causes["my_cause"]
    assert loaded.remediation_versions == (">=1.17",)
    assert loaded.flink_versions == "1.11-1.16"
    bad = GOOD_CAUSE.replace('action = "Stop the boom."', 'action = "Stop the boom."\nflink_versions = "recent"')
    found = problems(tmp_path / "bad", {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": bad})
    assert any("'flink_versions' = 'recent' is not a version range" in p for p in found)


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        (">=1.14", [(1, 14), (2, 0)], [(1, 13)]),
        ("<1.18", [(1, 10), (1, 17)], [(1, 18), (2, 0)]),
        ("1.11-1.16", [(1, 11), (1, 16)], [(1, 10), (1, 17)]),
        ("1.18+", [(1, 18), (2, 1)], [(1, 17)]),
        (">=1.11,<1.17", [(1, 11)], [(1, 17)]),
        ("<2.0", [(1, 20)], [(2, 0)]),
    ],
)
def test_version_ranges(text: str, inside: list[tuple[int, int]], outside: list[tuple[int, int]]) -> None:
    rng = parse_range(text)
    assert rng is not None
    assert all(v in rng for v in inside)
    assert not any(v in rng for v in outside)


def test_fixture_tests_count_as_hit_or_miss_and_must_exist(tmp_path: Path) -> None:
    stable = GOOD_CAUSE.replace('status = "experimental"', 'status = "stable"').replace(
        "references = []", 'references = []\nfalse_positives = "None known."'
    )
    with_fixtures = (
        stable
        + '\n[[tests]]\nname = "long"\nexpect = "hit"\nfixture = "long-incident"\n'
        + '\n[[tests]]\nname = "quiet"\nexpect = "miss"\nfiles = { "a.log" = "" }\n'
    )
    root = catalogue_dir(tmp_path / "cat", {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": with_fixtures})
    (root / "tests" / "my_cause").mkdir(parents=True)
    with pytest.raises(CatalogueError, match="fixture folder 'long-incident' not found"):
        load_catalogue([root])
    (root / "tests" / "my_cause" / "long-incident").mkdir()
    cause = load_catalogue([root]).causes["my_cause"]
    assert cause.status is Status.STABLE
    assert [(t.expect, t.fixture) for t in cause.tests] == [("hit", "long-incident"), ("miss", "")]


def test_stable_rules_document_false_positives(tmp_path: Path) -> None:
    stable = GOOD_CAUSE.replace('status = "experimental"', 'status = "stable"') + (
        '\n[[tests]]\nname = "a"\nexpect = "hit"\nfiles = { "a.log" = "" }\n'
        '\n[[tests]]\nname = "b"\nexpect = "miss"\nfiles = { "a.log" = "" }\n'
    )
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": stable})
    assert any("documents its false positives" in p for p in found)


def test_every_fixture_folder_is_run_by_its_rule() -> None:
    catalogue = load_default_catalogue()
    referenced = {(c.id, t.fixture) for c in catalogue.causes.values() for t in c.tests if t.fixture}
    on_disk = {(p.parent.name, p.name) for p in (REPO / "tests" / "patterns").glob("*/*") if p.is_dir()}
    assert on_disk, "the catalogue ships longer fixtures"
    assert on_disk <= referenced, f"fixture folders no rule runs: {sorted(on_disk - referenced)}"
    assert referenced <= on_disk, f"fixtures named by rules but missing: {sorted(referenced - on_disk)}"


def test_tested_rules_have_both_kinds_of_example() -> None:
    for cause in load_default_catalogue().causes.values():
        if cause.status in (Status.TEST, Status.STABLE):
            assert {"hit", "miss"} <= {t.expect for t in cause.tests}, cause.path
