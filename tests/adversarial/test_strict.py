"""``--strict`` and the limits on the command line: input problems are warnings by default and exit code 3 with
--strict; notes (a decoded UTF-16 file, kubectl prefixes, the user's own --kind) are not problems; every limit of
``Limits`` is an option with its default, and a bad value is a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from logforensics.cli import STRICT_EXIT, app
from logforensics.ingest.limits import Limits
from logforensics.ingest.problems import input_problems, is_note
from logforensics.model import SourceKind, SourceStats
from tests.adversarial.conftest import Analyse, oom_record, tm_log


def test_default_is_warnings_strict_is_exit_3(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log(oom_record()))
    (logs / "empty.log").write_text("")
    assert analyse(logs, strict=False).code == 0
    assert analyse(logs, strict=False, args=("--fail-on", "high")).code == 1
    strict = analyse(logs, args=("--fail-on", "high"))
    assert strict.code == STRICT_EXIT == 3  # an input problem outranks the findings' exit code
    assert "--strict: 1 input problem(s), exit code 3" in strict.stderr


def test_strict_without_problems_keeps_the_findings_exit_code(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log(oom_record()))
    assert analyse(logs).code == 0
    assert analyse(logs, args=("--fail-on", "high")).code == 1


def test_strict_counts_warnings_but_not_notes(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_bytes(tm_log().encode() + b"2020-06-01 14:05:0")  # stops mid-line
    outcome = analyse(logs)
    assert outcome.code == 3
    assert "input problem in taskmanager.log: the last line has no line end" in outcome.stderr
    (logs / "taskmanager.log").write_text(tm_log())
    assert analyse(logs, args=("--kind", "flink_taskmanager")).code == 0  # "read as ... by --kind/--layout"


def test_notes_and_problems() -> None:
    notes = [
        "decoded from UTF-16-LE (byte order mark) to UTF-8; line numbers are those of the file",
        "kubectl --prefix: '[pod/tm-1/flink] ' removed from 20 lines",
        "3 lines without a kubectl prefix were kept with the pod above them",
        "kubectl --timestamps: the RFC 3339 time at the start of 20 lines was removed; records keep their Flink "
        "timestamp, lines without one lose the kubectl time",
        "read as gc_log / gc_unified by --kind/--layout",
    ]
    assert all(map(is_note, notes))
    problem = "cut at --max-bytes (1000 bytes); the rest was not read"
    assert not is_note(problem)
    sources = [
        SourceStats("a.log", SourceKind.TEXT, "plain", warnings=(*notes, problem)),
        SourceStats("b.log", SourceKind.UNKNOWN, None, skipped_reason="empty file"),
        SourceStats("c.log", SourceKind.TEXT, "plain", warnings=tuple(notes)),
    ]
    assert input_problems(sources) == [("a.log", problem), ("b.log", "empty file")]


def test_every_limit_is_an_option_with_its_default() -> None:
    help_text = CliRunner().invoke(app, ["analyze", "--help"], terminal_width=200).stdout
    defaults = Limits()
    for option, value in (
        ("--max-bytes", defaults.max_bytes),
        ("--max-total-bytes", defaults.max_total_bytes),
        ("--max-members", defaults.max_members),
        ("--max-ratio", defaults.max_ratio),
        ("--strict", None),
    ):
        assert option in help_text, option
        if value is not None:
            assert f"[default: {value}]" in help_text.split(option, 1)[1].split("--", 1)[0], option


@pytest.mark.parametrize(
    "option", [("--max-bytes", "0"), ("--max-members", "-1"), ("--max-total-bytes", "0"), ("--max-ratio", "1")]
)
def test_bad_limits_are_usage_errors(analyse: Analyse, logs: Path, option: tuple[str, str]) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    outcome = analyse(logs, args=option)
    assert outcome.code == 2
    assert "must be positive, --max-ratio greater than 1" in outcome.stderr


def test_limits_reach_discovery(analyse: Analyse, logs: Path) -> None:
    import zipfile

    with zipfile.ZipFile(logs / "logs.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5):
            zf.writestr(f"tm-{i}/taskmanager.log", tm_log(oom_record(task=f"Map ({i}/5)#0")))
        zf.writestr("zeros.log", bytes(5 << 20))
    outcome = analyse(logs, args=("--max-members", "3", "--max-ratio", "50"))
    assert outcome.skipped()["logs.zip"].startswith("archive has more than 3 files (max_members)")
    assert len(outcome.analysed()) == 3
