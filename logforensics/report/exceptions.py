"""The exceptions section: exception traces grouped by signature (parsers/exceptions.py), most telling first."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from logforensics.model import ExceptionGroup
from logforensics.report.formatting import capped, format_ts, plural

EXCEPTION_GROUPS_CAP = 40
"""Signatures shown at most: the not-benign ones first, then by count. The JSON and Parquet exports hold them all."""
EXCEPTION_TRACE_CAP = 3000
"""Characters of one example trace shown (inside a collapsed <details>)."""
EXCEPTION_MESSAGE_CAP = 400
"""Characters of an exception's class and message shown in the table."""


@dataclass(frozen=True)
class ExceptionRow:
    exception: str
    """The outermost exception class and message (ids masked)."""
    root_cause: str
    """The innermost ``Caused by:``, or empty when it is the exception itself."""
    count: str
    first_seen: str
    last_seen: str
    example_location: str
    """``source:line`` of the example trace."""
    example_href: str | None
    """Link to the same line in the timeline table, when it is shown there."""
    example: str
    example_note: str
    """Empty, or how much of a long trace is not shown."""
    benign: bool
    """Noise that Flink's own tests whitelist: shown, but marked and listed last."""


@dataclass(frozen=True)
class ExceptionsView:
    rows: tuple[ExceptionRow, ...]
    summary: str


def _order(group: ExceptionGroup) -> tuple[bool, int, float, str]:
    first = group.first_ts.timestamp() if group.first_ts is not None else math.inf
    return group.benign, -group.count, first, group.signature


def build_exceptions(groups: Iterable[ExceptionGroup], *, href_of: Callable[[str, int], str | None]) -> ExceptionsView:
    """``href_of(source, line)`` links an example to its timeline row, or gives None."""
    ranked = sorted(groups, key=_order)
    rows = []
    for group in ranked[:EXCEPTION_GROUPS_CAP]:
        example, note = capped(group.example, EXCEPTION_TRACE_CAP)
        exception, _ = capped(group.exception, EXCEPTION_MESSAGE_CAP)
        root, _ = capped(group.root_cause, EXCEPTION_MESSAGE_CAP)
        rows.append(
            ExceptionRow(
                exception=exception,
                root_cause="" if group.root_cause == group.exception else root,
                count=f"{group.count:,}",
                first_seen=format_ts(group.first_ts),
                last_seen=format_ts(group.last_ts),
                example_location=f"{group.example_source}:{group.example_line}",
                example_href=href_of(group.example_source, group.example_line),
                example=example,
                example_note=note,
                benign=group.benign,
            )
        )
    if not ranked:
        summary = "No exception trace was found in the logs."
    else:
        traces = sum(g.count for g in ranked)
        benign = sum(1 for g in ranked if g.benign)
        summary = f"{plural(len(ranked), 'signature')} ({plural(traces, 'trace')})"
        summary += f", {benign:,} of them benign (noise Flink's own tests ignore)." if benign else "."
        if len(ranked) > EXCEPTION_GROUPS_CAP:
            summary += (
                f" Showing {EXCEPTION_GROUPS_CAP}: the not-benign first, then the most frequent; "
                "the JSON and Parquet exports hold every signature."
            )
    return ExceptionsView(tuple(rows), summary)
