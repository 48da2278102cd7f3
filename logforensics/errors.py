"""One exception tree, caught once in the CLI. Every message says where: ``file:line: what is wrong``."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    """Findings at or above ``--fail-on``."""
    USAGE = 2
    """Usage, input, catalogue or output error."""


class LogforensicsError(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(LogforensicsError):
    """An input path is missing, unreadable or holds nothing to analyse."""


class OutputError(LogforensicsError):
    """A report, export or output folder cannot be written where the user asked."""


class CatalogueError(LogforensicsError):
    """The pattern catalogue is invalid. ``problems`` lists every problem found, each as ``file:line: message``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
