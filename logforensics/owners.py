"""Which TaskManager each file belongs to: a TaskManager log by its ``Starting TaskManager with ResourceID`` line (or
a container id in its path); a GC log or ``.out`` file by the TaskManager logs beside it (same name stem, else same
folder), and among the logs of several TaskManager runs by the one that shares its time. Events of those files that
name no TaskManager inherit the id (see ``timeline.assemble``); the events of a GC log that holds several runs take
the run that started last before them (:func:`run_starts`)."""

from __future__ import annotations

import datetime as dt
import posixpath
from itertools import pairwise

import polars as pl
import regex

from logforensics.model import SourceKind
from logforensics.timeline import ParsedSource

_CONTAINER_IN_PATH = regex.compile(r"(container_(?:e\d+_)?\d+_\d+_\d+_\d+)")
_TM_NAME_STEM = regex.compile(r"^(.*?)(?:\.gc)?\.(?:log|out|err|txt)(?:\.\d+)?(?:\.gz)?$")


def source_tm_ids(sources: list[ParsedSource], events: pl.DataFrame) -> dict[str, str]:
    """The TaskManager each TaskManager log and GC log belongs to, where it can be told."""
    started = (
        events.filter(pl.col("kind") == "tm_started", pl.col("tm_id").is_not_null())
        .group_by("source")
        .agg(pl.col("tm_id").first())
    )
    owner: dict[str, str] = dict(zip(started["source"].to_list(), started["tm_id"].to_list(), strict=True))
    for source in sources:
        if source.kind is SourceKind.FLINK_TASKMANAGER and source.path not in owner:
            match = _CONTAINER_IN_PATH.search(source.path)
            if match:
                owner[source.path] = match.group(1)
    tm_logs = [s for s in sources if s.kind is SourceKind.FLINK_TASKMANAGER and s.path in owner]
    for source in sources:
        if source.kind not in (SourceKind.GC_LOG, SourceKind.STDOUT) or source.path in owner:
            continue
        candidates = beside(source.path, tm_logs)
        ids = {owner[s.path] for s in candidates}
        if len(ids) > 1 and _one_after_another(candidates, owner):  # the runs of one restarted TaskManager
            ids = _overlapping(source, candidates, owner) or ids  # none: still ambiguous
        if len(ids) == 1:
            owner[source.path] = ids.pop()
        else:
            match = _CONTAINER_IN_PATH.search(source.path)
            if match:
                owner[source.path] = match.group(1)
    return owner


def beside(path: str, tm_logs: list[ParsedSource]) -> list[ParsedSource]:
    """The TaskManager logs that a GC log or ``.out`` file at ``path`` goes with: those of its name stem in its folder
    (``taskmanager.gc.log`` with ``taskmanager.log``), else every one in its folder."""
    folder = posixpath.dirname(path)
    stem = _stem(path)
    same_stem = [s for s in tm_logs if _stem(s.path) == stem and posixpath.dirname(s.path) == folder]
    return same_stem or [s for s in tm_logs if posixpath.dirname(s.path) == folder]


def taskmanagers_beside(path: str, sources: list[ParsedSource], owners: dict[str, str]) -> set[str]:
    """The ids of the runs of one TaskManager whose logs are beside ``path`` (several when it restarted: a ResourceID
    per JVM start). Empty when the logs beside it are those of TaskManagers that ran at the same time: a GC log
    beside them could be any one's."""
    tm_logs = [s for s in sources if s.kind is SourceKind.FLINK_TASKMANAGER and s.path in owners]
    logs = beside(path, tm_logs)
    return {owners[s.path] for s in logs} if _one_after_another(logs, owners) else set()


RUN_OVERLAP = dt.timedelta(minutes=1)
"""How far the logs of two runs may overlap and still be one TaskManager restarting (the old JVM's last lines while the
new one starts)."""


def _one_after_another(logs: list[ParsedSource], owners: dict[str, str]) -> bool:
    """Whether the TaskManager ids of ``logs`` ran one after another (each id's time ends before the next begins),
    as the runs of one restarted TaskManager do; logs without a time cannot tell."""
    spans: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for log in logs:
        if log.span is None:
            return False
        first, last = spans.get(owners[log.path], log.span)
        spans[owners[log.path]] = (min(first, log.span[0]), max(last, log.span[1]))
    ordered = sorted(spans.values())
    return all(before[1] - RUN_OVERLAP <= after[0] for before, after in pairwise(ordered))


def _overlapping(source: ParsedSource, tm_logs: list[ParsedSource], owner: dict[str, str]) -> set[str]:
    """The TaskManager whose logs' time ``source`` shares (a GC log beside the logs of several TaskManager runs: each
    JVM start logs a new ResourceID, and a GC log is rewritten at each start). Empty when ``source`` has no time, and
    several when it shares time with several (it may hold several runs: then it has no single owner)."""
    if source.span is None:
        return set()
    first, last = source.span
    return {
        owner[log.path] for log in tm_logs if log.span is not None and max(first, log.span[0]) <= min(last, log.span[1])
    }


def _stem(path: str) -> str:
    name = posixpath.basename(path)
    match = _TM_NAME_STEM.match(name)
    return match.group(1) if match else name


def run_starts(
    sources: list[ParsedSource], owners: dict[str, str], paths: list[str]
) -> dict[str, list[tuple[dt.datetime, str]]]:
    """For each of ``paths`` (GC logs or ``.out`` files) that no single TaskManager owns but that lies beside the logs
    of several TaskManager runs: each run's (first time, id), oldest first. A GC event then belongs to the run that
    started last before it, even when the JVM was frozen past its log's last line."""
    tm_logs = [s for s in sources if s.kind is SourceKind.FLINK_TASKMANAGER and s.path in owners and s.span]
    runs: dict[str, list[tuple[dt.datetime, str]]] = {}
    for path in paths:
        if path in owners:
            continue
        logs = beside(path, tm_logs)
        starts = sorted((log.span[0], owners[log.path]) for log in logs if log.span is not None)
        if len({tm_id for _, tm_id in starts}) > 1 and _one_after_another(logs, owners):
            runs[path] = starts
    return runs
