"""The catalogue loader is strict and reports every problem as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from logforensics.api import load_default_catalogue
from logforensics.catalogue.loader import load_catalogue
from logforensics.errors import CatalogueError
from logforensics.resources import patterns_dir

GOOD_SIGNAL = """id = "my_signal"
title = "Mine"
sources = ["flink"]
family = "other"
literal = "went boom"
regex = 'went boom (?P<job_id>[0-9a-f]{32})'
samples = ["x went boom 0123456789abcdef0123456789abcdef"]
misses = ["x went bang"]
"""

GOOD_CAUSE = """id = "my_cause"
title = "Mine"
status = "experimental"
kind = "root_cause"
category = "user_code"
failure_type = "user"
severity = "medium"
confidence = 0.5
summary = "Boom in {job_id}."
diagnosis = "It went boom."
references = []

[sequence]
by = ["job_id"]
maxspan = "1m"

[[sequence.steps]]
signal = "my_signal"

[[remediation]]
action = "Stop the boom."
config = { "restart-strategy.type" = "none" }
"""


def catalogue_dir(tmp_path: Path, signals: dict[str, str], causes: dict[str, str]) -> Path:
    for sub, files in (("signals", signals), ("causes", causes)):
        (tmp_path / sub).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (tmp_path / sub / name).write_text(text)
    return tmp_path


def problems(tmp_path: Path, signals: dict[str, str], causes: dict[str, str]) -> list[str]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue([catalogue_dir(tmp_path, signals, causes)])
    return info.value.problems


def test_builtin_catalogue_loads() -> None:
    catalogue = load_default_catalogue()
    assert len(catalogue.causes) >= 6
    assert patterns_dir().is_dir()


def test_user_catalogue_is_loaded_beside_the_builtin(tmp_path: Path) -> None:
    root = catalogue_dir(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": GOOD_CAUSE})
    catalogue = load_default_catalogue([root])
    assert "my_cause" in catalogue.causes
    assert "gc_pause_heartbeat_timeout" in catalogue.causes


def test_unknown_key_with_line_and_suggestion(tmp_path: Path) -> None:
    bad = GOOD_CAUSE.replace('severity = "medium"', 'severity = "medium"\ntreshold = 3')
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": bad})
    assert found == [f"{tmp_path.name}/causes/my_cause.toml:8: unknown key 'treshold' in the cause"]


def test_bad_regex_is_refused_at_load_time(tmp_path: Path) -> None:
    bad = GOOD_SIGNAL.replace("went boom (?P<job_id>[0-9a-f]{32})", "went boom (?<=x)(?P<job_id>a)")
    found = problems(tmp_path, {"my_signal.toml": bad}, {})
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path.name}/signals/my_signal.toml:6: regex does not compile for polars")


def test_every_problem_is_collected_at_once(tmp_path: Path) -> None:
    signal = GOOD_SIGNAL.replace('id = "my_signal"', 'id = "other_name"')
    cause = GOOD_CAUSE.replace('signal = "my_signal"', 'signal = "missing_signal"').replace(
        'maxspan = "1m"', 'maxspan = "soon"'
    )
    found = problems(tmp_path, {"my_signal.toml": signal}, {"my_cause.toml": cause})
    assert any("differs from the file name" in p for p in found)
    assert any("maxspan 'soon' is not a duration" in p for p in found)
    assert len(found) >= 2


def test_duplicate_ids_across_roots(tmp_path: Path) -> None:
    copy = (patterns_dir() / "causes" / "task_heap_oom.toml").read_text()
    root = catalogue_dir(tmp_path, {}, {"task_heap_oom.toml": copy})
    with pytest.raises(CatalogueError, match="duplicate id 'task_heap_oom'"):
        load_default_catalogue([root])


def test_dangling_reference(tmp_path: Path) -> None:
    cause = GOOD_CAUSE.replace("references = []", 'references = []\nexplains = ["nope"]')
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": cause})
    assert found == [f"{tmp_path.name}/causes/my_cause.toml:1: refers to cause 'nope', which does not exist"]


def test_tested_status_needs_hit_and_miss(tmp_path: Path) -> None:
    cause = GOOD_CAUSE.replace('status = "experimental"', 'status = "stable"')
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL}, {"my_cause.toml": cause})
    assert "needs at least one 'hit' and one 'miss' test" in found[0]


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    found = problems(tmp_path, {"my_signal.toml": GOOD_SIGNAL + "\n= oops\n"}, {})
    assert found[0].startswith(f"{tmp_path.name}/signals/my_signal.toml:10: invalid TOML")


def test_named_groups_must_be_key_columns(tmp_path: Path) -> None:
    bad = GOOD_SIGNAL.replace("(?P<job_id>", "(?P<jobid>")
    found = problems(tmp_path, {"my_signal.toml": bad}, {})
    assert "named group(s) jobid are not key columns" in found[0]


def test_short_literals_are_refused_and_lists_are_accepted(tmp_path: Path) -> None:
    short = GOOD_SIGNAL.replace('literal = "went boom"', 'literal = "boom"')
    found = problems(tmp_path, {"my_signal.toml": short}, {})
    assert found == [
        f"{tmp_path.name}/signals/my_signal.toml:5: each literal must be a string of at least 6 characters: "
        "a short one makes most lines candidates and slows every analysis"
    ]
    listed = GOOD_SIGNAL.replace('literal = "went boom"', 'literal = ["went boom", "went bang"]')
    root = catalogue_dir(tmp_path / "ok", {"my_signal.toml": listed}, {})
    assert load_catalogue([root]).signals["my_signal"].literals == ("went boom", "went bang")
    wrong = GOOD_SIGNAL.replace('literal = "went boom"', 'literal = ["went bang", "went pop"]')
    found = problems(tmp_path / "wrong", {"my_signal.toml": wrong}, {})
    assert "sample holds none of the literals" in found[0]
