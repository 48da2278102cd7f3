"""docs/patterns.md is generated from the catalogue and stays current; the patterns commands work with a user's own
folder: show, check (every problem as file:line), test (its own rules), and analyze --patterns applies it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from logforensics.api import load_default_catalogue
from logforensics.catalogue.docs import catalogue_markdown, rule_text
from logforensics.cli import app
from tests.conftest import REPO

runner = CliRunner()
DOCS = REPO / "docs" / "patterns.md"

USER_SIGNAL = """id = "ledger_rejected"
title = "The ledger service rejected a batch"
sources = ["flink"]
family = "task_failure"
literal = "LedgerRejectedException"
regex = 'LedgerRejectedException: batch (?P<job_id>[0-9a-f]{32}) rejected'
samples = ["com.example.ledger.LedgerRejectedException: batch 0123456789abcdef0123456789abcdef rejected (quota)"]
misses = ["com.example.ledger.LedgerClient - batch accepted"]
"""

USER_CAUSE = """id = "ledger_quota_exhausted"
title = "The ledger service's quota was exhausted"
status = "test"
kind = "root_cause"
category = "external"
failure_type = "system"
tags = ["in-house"]
severity = "high"
confidence = 0.8
summary = "The ledger service rejected batches of job {job_id}: its quota is exhausted."
diagnosis = "Our ledger service rejects writes above the tenant quota; the sink fails on every attempt."
false_positives = "None known."
references = ["https://wiki.example.com/ledger/quota"]
explains = ["job_restart_loop"]
supersedes = ["task_failure_loop"]

[applies_to]
components = ["taskmanager"]
flink_versions = ">=1.15"

[sequence]
by = ["job_id"]
maxspan = "5m"

[[sequence.steps]]
signal = "ledger_rejected"

[[remediation]]
action = "Ask the ledger team for more quota, or slow the sink down."
config = { "restart-strategy.exponential-delay.max-backoff" = "10 min while the quota is raised" }

[[tests]]
name = "the sink fails with a rejected batch"
expect = "hit"
[tests.files]
"taskmanager.log" = \"\"\"
2024-03-01 10:00:00,000 WARN  org.apache.flink.runtime.taskmanager.Task                    [] - Sink: ledger (1/1)#0 (d5f95564f73a98ae321dd9c13d7a2ff5_cbc357ccb763df2852fee8c4fc7d55f2_0_0) switched from RUNNING to FAILED with failure cause:
com.example.ledger.LedgerRejectedException: batch 0123456789abcdef0123456789abcdef rejected (quota)
\"\"\"

[[tests]]
name = "an accepted batch"
expect = "miss"
[tests.files]
"taskmanager.log" = \"\"\"
2024-03-01 10:00:00,000 INFO  com.example.ledger.LedgerClient                             [] - batch accepted
\"\"\"
"""


def user_folder(root: Path, cause: str = USER_CAUSE) -> Path:
    (root / "signals").mkdir(parents=True)
    (root / "causes").mkdir()
    (root / "signals" / "ledger_rejected.toml").write_text(USER_SIGNAL)
    (root / "causes" / "ledger_quota_exhausted.toml").write_text(cause)
    return root


def test_docs_patterns_md_is_current() -> None:
    expected = catalogue_markdown(load_default_catalogue())
    assert DOCS.is_file() and DOCS.read_text() == expected, (
        "docs/patterns.md is stale: python -m logforensics.catalogue.docs > docs/patterns.md"
    )


def test_every_cause_is_documented() -> None:
    text = DOCS.read_text()
    for cause_id in load_default_catalogue().causes:
        assert f'<a id="{cause_id}"></a>' in text


def test_show_prints_everything_about_a_rule() -> None:
    result = runner.invoke(app, ["patterns", "show", "yarn_container_vmem_killed"])
    assert result.exit_code == 0, result.stderr
    for part in (
        "status stable",
        "Matching",
        "yarn_vmem_exceeded",
        "Diagnosis",
        "False positives",
        "Remediation",
        "yarn.nodemanager.vmem-check-enabled",
        "References",
        "Tests",
        "explains: ",
    ):
        assert part in result.stdout, part
    signal = runner.invoke(app, ["patterns", "show", "yarn_vmem_exceeded"])
    assert signal.exit_code == 0 and "Used by: yarn_container_vmem_killed" in signal.stdout
    missing = runner.invoke(app, ["patterns", "show", "no_such_rule"])
    assert missing.exit_code == 2 and "no cause or signal 'no_such_rule'" in missing.stderr


def test_versioned_remediation_is_labelled_in_show() -> None:
    text = rule_text(load_default_catalogue(), "rpc_oversized_message") or ""
    assert "[Flink up to 1.17]" in text and "akka.framesize" in text
    assert "[Flink 1.18+]" in text and "pekko.framesize" in text


def test_a_user_folder_is_checked_shown_tested_and_applied(tmp_path: Path) -> None:
    folder = user_folder(tmp_path / "mine")
    check = runner.invoke(app, ["patterns", "check", str(folder)])
    assert check.exit_code == 0, check.stderr
    show = runner.invoke(app, ["patterns", "show", "ledger_quota_exhausted", "--patterns", str(folder)])
    assert show.exit_code == 0 and "wiki.example.com" in show.stdout
    tested = runner.invoke(app, ["patterns", "test", str(folder)])
    assert tested.exit_code == 0, tested.stderr
    assert tested.stdout.strip() == "4 passed, 0 failed"  # the folder's own rules only: 2 lines, 2 incidents
    incident = tmp_path / "incident"
    incident.mkdir()
    (incident / "taskmanager.log").write_text(
        "2024-03-01 10:00:00,000 WARN  org.apache.flink.runtime.taskmanager.Task                    [] - Sink: "
        "ledger (1/1)#0 (d5f95564f73a98ae321dd9c13d7a2ff5_cbc357ccb763df2852fee8c4fc7d55f2_0_0) switched from "
        "RUNNING to FAILED with failure cause:\n"
        "com.example.ledger.LedgerRejectedException: batch 0123456789abcdef0123456789abcdef rejected (quota)\n"
    )
    report = tmp_path / "r.json"
    run = runner.invoke(
        app,
        ["analyze", str(incident), "-o", str(tmp_path / "r.html"), "--json", str(report), "--patterns", str(folder)],
    )
    assert run.exit_code == 0, run.stderr
    assert json.loads(report.read_text())["findings"][0]["id"] == "ledger_quota_exhausted"


def test_a_broken_user_rule_fails_with_file_and_line(tmp_path: Path) -> None:
    broken = USER_CAUSE.replace('maxspan = "5m"', 'maxspan = "5m"\nwithin = "1h"').replace(
        'expect = "miss"', 'expect = "maybe"'
    )
    folder = user_folder(tmp_path / "mine", broken)
    for command in (["patterns", "check", str(folder)], ["patterns", "test", str(folder)]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert "mine/causes/ledger_quota_exhausted.toml:" in result.stderr
        assert "unknown key 'within' in [sequence]" in result.stderr
    analysed = runner.invoke(app, ["analyze", str(tmp_path), "-o", str(tmp_path / "r.html"), "--patterns", str(folder)])
    assert analysed.exit_code == 2 and "ledger_quota_exhausted.toml:" in analysed.stderr
