"""The README stays true: its test command is what CI runs, its CLI options exist, its sample incident exists."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from logforensics.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text()
COMMANDS = re.findall(r"```sh\n(.+?)\n```", README)


def test_readme_has_exactly_two_setup_commands() -> None:
    assert len(COMMANDS) == 2, COMMANDS


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    assert COMMANDS[1] in (REPO / ".ci" / "run").read_text().splitlines()


def test_the_main_command_names_a_real_sample_incident() -> None:
    folder = re.search(r"analyze (sample_logs/[\w.-]+)/", COMMANDS[0])
    assert folder and (REPO / folder.group(1)).is_dir()


def test_every_documented_option_exists() -> None:
    documented = set(re.findall(r"^\| `(?:-\w, )?(--[a-z-]+)", README, flags=re.MULTILINE))  # the options table
    help_text = CliRunner().invoke(app, ["analyze", "--help"], terminal_width=200).stdout
    assert documented, "the README documents options"
    assert {"--output", "--json", "--fail-on", "--tz", "--kind", "--layout"} <= documented
    for option in documented:
        assert option in help_text, option
