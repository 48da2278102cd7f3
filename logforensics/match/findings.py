"""From matches to ranked findings: one finding per cause, scored, linked to the symptoms it explains.

- Repeats are one finding: ``count`` matches, first and last seen, evidence from the first match (the first fault).
- Confidence starts at the rule's base, rises by 0.05 per corroborating signal seen with the same keys, and drops by
  0.2 when the rule's ``confirm_signal`` could not have been seen because no input provides it (the finding then
  says which file would confirm it).
- A finding explains another when its rule lists the other's id in ``explains`` or ``supersedes`` and their keys do
  not contradict each other; explained findings are ranked under their cause.
- Ranking: unexplained root causes first (most severe, then the earliest: in a restart loop the first fault is the
  cause, later failures are echoes), then risks, then symptoms, then explained findings.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable
from dataclasses import replace

import polars as pl

from logforensics.catalogue.model import Catalogue, Cause
from logforensics.match.sequence import Event, Match, find_matches
from logforensics.model import Evidence, Finding, FindingKind

MAX_EVIDENCE = 12
_KIND_TIER = {FindingKind.ROOT_CAUSE: 0, FindingKind.RISK: 1, FindingKind.SYMPTOM: 2}


class _Keys(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}?>"


def _summary(template: str, keys: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Keys(keys))
    except (ValueError, IndexError):
        return template


def _evidence(events: Iterable[Event]) -> tuple[Evidence, ...]:
    by_line: dict[tuple[str, int], Evidence] = {}
    for e in events:
        key = (e["source"], e["line"])
        known = by_line.get(key)
        if known is None:
            by_line[key] = Evidence(e["source"], e["line"], e["ts"], e["text"] or "", signal=e["kind"])
        elif e["kind"] not in known.signal.split(", "):  # one line, several meanings: one evidence row
            by_line[key] = replace(known, signal=f"{known.signal}, {e['kind']}")
    out = list(by_line.values())
    out.sort(key=lambda ev: (ev.ts or dt.datetime.max.replace(tzinfo=dt.UTC), ev.source, ev.line))
    return tuple(out[:MAX_EVIDENCE])


def _merged_keys(matches: list[Match]) -> dict[str, str]:
    values: dict[str, list[str]] = {}
    for match in matches:
        for k, v in match.keys.items():
            if v not in values.setdefault(k, []):
                values[k].append(v)
    return {k: ", ".join(v) for k, v in values.items()}


def _corroboration(cause: Cause, match: Match, events: pl.DataFrame) -> list[Event]:
    if not cause.corroborate:
        return []
    found: list[Event] = []
    window_start = match.first_ts - cause.sequence.maxspan
    window_end = match.last_ts + cause.sequence.maxspan
    rows = events.filter(
        pl.col("kind").is_in(list(cause.corroborate)),
        pl.col("ts").is_between(window_start, window_end),
    ).to_dicts()
    for signal in cause.corroborate:
        candidates = [
            row
            for row in rows
            if row["kind"] == signal
            and all(row.get(k) is None or k not in match.keys or row[k] == match.keys[k] for k in cause.sequence.by)
        ]
        if candidates:  # the one closest to the matched sequence
            found.append(min(candidates, key=lambda row: _distance(row["ts"], match.first_ts, match.last_ts)))
    return found


def _distance(ts: dt.datetime, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    if ts < start:
        return start - ts
    if ts > end:
        return ts - end
    return dt.timedelta(0)


def _why(cause: Cause, match: Match, corroborating: list[Event], count: int) -> str:
    parts = []
    for step, step_events in match.steps:
        n = len(step_events)
        parts.append(f"{step.signal}{f' x{n}' if n > 1 else ''}")
    text = "matched " + " -> ".join(parts)
    if match.keys:
        text += " for " + ", ".join(f"{k}={v}" for k, v in match.keys.items())
    text += f" within {cause.sequence.maxspan}"
    if corroborating:
        text += "; corroborated by " + ", ".join(sorted({e["kind"] for e in corroborating}))
    if count > 1:
        text += f"; the sequence repeated {count} times"
    return text


def build_findings(catalogue: Catalogue, events: pl.DataFrame, available_signals: set[str]) -> list[Finding]:
    """Match every cause, then link and rank. ``available_signals``: signals some input could have produced."""
    findings: list[Finding] = []
    for cause in catalogue.causes.values():
        if cause.status.value == "deprecated":
            continue
        matches = find_matches(cause, events)
        if not matches:
            continue
        first = matches[0]
        corroborating = _corroboration(cause, first, events)
        confidence = cause.confidence + 0.05 * len({e["kind"] for e in corroborating})
        missing: list[str] = []
        if cause.confirm_signal and cause.confirm_signal not in available_signals:
            confidence -= 0.2
            if cause.confirm_with:
                missing.append(cause.confirm_with)
        keys = _merged_keys(matches)
        findings.append(
            Finding(
                id=cause.id,
                title=cause.title,
                kind=cause.kind,
                severity=cause.severity,
                confidence=round(min(max(confidence, 0.05), 0.99), 2),
                first_ts=first.first_ts,
                last_ts=max(m.last_ts for m in matches),
                keys=keys,
                evidence=_evidence([*first.events, *corroborating, *(m.events[0] for m in matches[1:])]),
                remediation=cause.remediation,
                summary=_summary(cause.summary, first.keys | {k: v for k, v in keys.items() if k not in first.keys}),
                diagnosis=cause.diagnosis,
                references=cause.references,
                count=len(matches),
                why=_why(cause, first, corroborating, len(matches)),
                missing=tuple(missing),
            )
        )
    return rank(link(findings, catalogue))


def _keys_agree(a: Finding, b: Finding) -> bool:
    shared = set(a.keys) & set(b.keys)
    return all(set(a.keys[key].split(", ")) & set(b.keys[key].split(", ")) for key in shared)


def link(findings: list[Finding], catalogue: Catalogue) -> list[Finding]:
    """Fill ``explains`` / ``explained_by``: each explained finding gets the earliest, most severe explainer."""
    by_id = {f.id: f for f in findings}
    explains: dict[str, list[str]] = {f.id: [] for f in findings}
    explained_by: dict[str, str] = {}
    explainers = sorted(
        findings,
        key=lambda f: (_KIND_TIER[f.kind], -f.severity.rank, f.first_ts or dt.datetime.max.replace(tzinfo=dt.UTC)),
    )
    for explainer in explainers:
        cause = catalogue.causes[explainer.id]
        for other_id in (*cause.explains, *cause.supersedes):
            other = by_id.get(other_id)
            if other is None or other_id in explained_by or other_id == explainer.id:
                continue
            if explainer.id in explained_by and explained_by[explainer.id] == other_id:
                continue  # never a cycle
            if _keys_agree(explainer, other):
                explains[explainer.id].append(other_id)
                explained_by[other_id] = explainer.id
    return [replace(f, explains=tuple(explains[f.id]), explained_by=explained_by.get(f.id)) for f in findings]


def rank(findings: list[Finding]) -> list[Finding]:
    """Best explanation first; every explained finding right after the chain that explains it."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(f: Finding) -> tuple[int, int, dt.datetime, float]:
        return (_KIND_TIER[f.kind], -f.severity.rank, f.first_ts or far, -f.confidence)

    by_id = {f.id: f for f in findings}
    ordered: list[Finding] = []

    def add(f: Finding) -> None:
        if f in ordered:
            return
        ordered.append(f)
        for child in sorted((by_id[c] for c in f.explains if c in by_id), key=key):
            add(child)

    for top in sorted((f for f in findings if f.explained_by is None), key=key):
        add(top)
    for f in sorted(findings, key=key):  # anything left (should not happen): keep it visible
        add(f)
    return ordered
