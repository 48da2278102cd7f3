"""From matches to ranked findings: one finding per cause, scored, linked to the symptoms it explains.

- Repeats are one finding: ``count`` matches (per entity for sequences, per episode for thresholds), first and last
  seen, evidence from the first match (the first fault) plus the first event of each later match.
- Confidence starts at the rule's base, rises by 0.05 per corroborating signal seen with the same keys, and drops by
  0.2 when the rule's ``confirm_signal`` could not have been seen because no input provides it (the finding then
  says which file would confirm it). An experimental rule's findings are capped at 0.5.
- A threshold finding takes the severity of the highest level its aggregate reached.
- A finding made among events without a time (a saved trace) has no first/last time and no place in the timeline.
- Remediation: when the logs show the Flink version (the startup banner), entries whose keys do not exist in that
  version are left out; when they do not, each versioned entry says which versions it is for.
- A finding explains another when its rule lists the other's id in ``explains`` or ``supersedes``, their keys do not
  contradict each other and the other did not end long before it began (an old symptom has another cause).
  Explained findings are ranked under their cause. A root cause with too little confidence (below 0.4) explains
  nothing and is ranked after the symptoms: the report then says that no root cause could be established.
- Ranking: first-fault isolation. Unexplained root causes first, the earliest first (in a restart loop the first
  abnormal event is the cause, later failures are echoes); root causes that start within a minute of each other are
  ordered by severity, then confidence (clocks of different hosts differ by seconds); root causes seen only in lines
  without a time come after the timed ones. Then risks, then symptoms.
"""

from __future__ import annotations

import datetime as dt
import string
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

import polars as pl

from logforensics.catalogue.model import Catalogue, Cause, Status
from logforensics.catalogue.versions import Version, parse_range, version_in_text
from logforensics.match.sequence import Event, KeyResolver, Match, event_text, find_matches
from logforensics.match.threshold import find_threshold_matches, window_label
from logforensics.model import VERSION_SIGNAL, Evidence, Finding, FindingKind, Remediation

MAX_EVIDENCE = 12
MIN_ROOT_CONFIDENCE = 0.4
"""Below this, a root-cause finding is a guess: it is listed, but it does not head the report."""
SIMULTANEOUS = dt.timedelta(seconds=60)
"""Root causes starting this close together are told apart by severity, not by their order."""
STALE_SYMPTOM = dt.timedelta(minutes=30)
"""A symptom that ended this long before a cause began is not explained by it."""
EXPERIMENTAL_CAP = 0.5
_KIND_TIER = {FindingKind.ROOT_CAUSE: 0, FindingKind.RISK: 1, FindingKind.SYMPTOM: 2}
_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


class _Keys(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}?>"


def _summary(template: str, keys: dict[str, str]) -> str:
    try:
        return string.Formatter().vformat(template, (), _Keys(keys))
    except (ValueError, IndexError):
        return template


def _ts(event: Event) -> dt.datetime | None:
    return None if event.get("_untimed") else event["ts"]


def _evidence(events: Iterable[Event], frame: pl.DataFrame) -> tuple[Evidence, ...]:
    """Evidence rows of matched ``events`` (matched in ``frame``), one per line, in time order; only the rows kept
    read their text (a restart loop can match thousands of times)."""
    by_line: dict[tuple[str, int], tuple[Event, str]] = {}
    for e in events:
        key = (e["source"], e["line"])
        known = by_line.get(key)
        if known is None:
            by_line[key] = (e, e["kind"])
        elif e["kind"] not in known[1].split(", "):  # one line, several meanings: one evidence row
            by_line[key] = (known[0], f"{known[1]}, {e['kind']}")
    kept = sorted(by_line.values(), key=lambda item: (_ts(item[0]) or _FAR, item[0]["source"], item[0]["line"]))
    return tuple(
        Evidence(e["source"], e["line"], _ts(e), event_text(e, frame), signal=signal)
        for e, signal in kept[:MAX_EVIDENCE]
    )


def _merged_keys(matches: list[Match]) -> dict[str, str]:
    values: dict[str, list[str]] = {}
    for match in matches:
        for k, v in match.keys.items():
            if v not in values.setdefault(k, []):
                values[k].append(v)
    return {k: ", ".join(v) for k, v in values.items()}


def _corroboration(cause: Cause, match: Match, events: pl.DataFrame) -> list[Event]:
    """For each corroborating signal, its event with keys compatible with the match's that lies closest to the match
    (the first such in a saved trace), in the rule's order."""
    if not cause.corroborate:
        return []
    rows = events.filter(
        pl.col("kind").is_in(list(cause.corroborate)),
        KeyResolver.of(cause.sequence).compatible_expr(match.keys, events.columns),
    )
    if match.untimed:  # a saved trace corroborates itself only
        rows = rows.filter(pl.col("ts").is_null(), pl.col("source") == match.events[0]["source"])
        distance = pl.col("line")
    else:
        first, last = match.first_ts, match.last_ts
        rows = rows.filter(pl.col("ts").is_between(first - cause.sequence.maxspan, last + cause.sequence.maxspan))
        ts = pl.col("ts")
        distance = (
            pl.when(ts < first)
            .then(pl.lit(first) - ts)
            .when(ts > last)
            .then(ts - pl.lit(last))
            .otherwise(pl.lit(dt.timedelta(0)))
        )
    nearest = (
        rows.with_row_index("_order")
        .sort(distance, "_order")  # the first of equally close events, as they come in the timeline
        .unique("kind", keep="first", maintain_order=True)
        .drop("_order")
    )
    by_kind = {row["kind"]: row for row in nearest.to_dicts()}
    found = [by_kind[signal] for signal in cause.corroborate if signal in by_kind]
    return [{**row, "_untimed": True} for row in found] if match.untimed else found


def _why(cause: Cause, match: Match, corroborating: list[Event], count: int) -> str:
    if cause.threshold is not None and match.value is not None:
        th = cause.threshold
        shown = f"{match.value:g}"
        text = (
            f"{th.aggregate.value} of {' | '.join(th.signals)} reached {shown} within {window_label(th.window)}"
            f" (level {match.level})"
        )
    else:
        parts = []
        for _, step_events in match.steps:
            n = len(step_events)
            kinds = sorted({e["kind"] for e in step_events})
            parts.append(f"{', '.join(kinds)}{f' x{n}' if n > 1 else ''}")
        text = "matched " + " -> ".join(parts)
    if match.keys:
        text += " for " + ", ".join(f"{k}={v}" for k, v in match.keys.items())
    if match.untimed:
        text += " in lines without a time (a saved trace or pasted text), ordered by line"
    elif cause.threshold is None:
        text += f" within {cause.sequence.maxspan}"
    if corroborating:
        text += "; corroborated by " + ", ".join(sorted({e["kind"] for e in corroborating}))
    if count > 1:
        text += f"; the sequence repeated {count} times"
    if cause.status is Status.EXPERIMENTAL:
        text += "; experimental rule"
    return text


def flink_version(events: pl.DataFrame) -> Version | None:
    """The Flink version the startup banners show (the most common one), or None."""
    texts = events.filter(pl.col("kind") == VERSION_SIGNAL)["text"].drop_nulls().to_list()
    versions = [v for v in (version_in_text(t) for t in texts) if v is not None]
    return Counter(versions).most_common(1)[0][0] if versions else None


def remediation_for(cause: Cause, version: Version | None) -> tuple[Remediation, ...]:
    """The cause's remediation for ``version``: entries whose keys exist there, or each entry labelled with the
    versions it is for when the version is unknown."""
    ranges = cause.remediation_versions or ("",) * len(cause.remediation)
    pairs = list(zip(cause.remediation, ranges, strict=True))
    if version is not None:
        kept = [r for r, text in pairs if _applies(text, version)]
        return tuple(kept) if kept else cause.remediation
    labelled = []
    for r, text in pairs:
        rng = parse_range(text) if text else None
        labelled.append(replace(r, action=f"{r.action} ({rng.label()})") if rng is not None else r)
    return tuple(labelled)


def _applies(text: str, version: Version) -> bool:
    rng = parse_range(text)
    return rng is None or version in rng


def build_findings(catalogue: Catalogue, events: pl.DataFrame, available_signals: set[str]) -> list[Finding]:
    """Match every cause, then link and rank. ``available_signals``: signals some input could have produced."""
    version = flink_version(events)
    present = set(events["kind"].unique().to_list())
    findings: list[Finding] = []
    for cause in catalogue.causes.values():
        if cause.status is Status.DEPRECATED:
            continue
        if cause.threshold is not None:
            matches = find_threshold_matches(cause, events, present)
        else:
            matches = find_matches(cause, events, present)
        if not matches:
            continue
        findings.append(_finding(cause, matches, events, available_signals, version))
    return rank(link(findings, catalogue))


def _finding(
    cause: Cause, matches: list[Match], events: pl.DataFrame, available_signals: set[str], version: Version | None
) -> Finding:
    first = matches[0]
    corroborating = _corroboration(cause, first, events)
    confidence = cause.confidence + 0.05 * len({e["kind"] for e in corroborating})
    missing: list[str] = []
    if cause.confirm_signal and cause.confirm_signal not in available_signals:
        confidence -= 0.2
        if cause.confirm_with:
            missing.append(cause.confirm_with)
    if cause.status is Status.EXPERIMENTAL:
        confidence = min(confidence, EXPERIMENTAL_CAP)
    severity = cause.severity
    levels = [m.level for m in matches if m.level is not None]
    if levels:
        severity = max(levels, key=lambda level: level.rank)
    keys = _merged_keys(matches)
    timed = [m for m in matches if not m.untimed]
    return Finding(
        id=cause.id,
        title=cause.title,
        kind=cause.kind,
        severity=severity,
        confidence=round(min(max(confidence, 0.05), 0.99), 2),
        first_ts=min(m.first_ts for m in timed) if timed else None,
        last_ts=max(m.last_ts for m in timed) if timed else None,
        keys=keys,
        evidence=_evidence([*first.events, *corroborating, *(m.events[0] for m in matches[1:])], events),
        remediation=remediation_for(cause, version),
        summary=_summary(cause.summary, first.keys | {k: v for k, v in keys.items() if k not in first.keys}),
        diagnosis=cause.diagnosis,
        references=cause.references,
        count=len(matches),
        why=_why(cause, first, corroborating, len(matches)),
        missing=tuple(missing),
    )


def _keys_agree(a: Finding, b: Finding) -> bool:
    shared = set(a.keys) & set(b.keys)
    return all(set(a.keys[key].split(", ")) & set(b.keys[key].split(", ")) for key in shared)


def _in_time(explainer: Finding, other: Finding) -> bool:
    """The other finding did not end long before the explainer began (when both have a time)."""
    if explainer.first_ts is None or other.last_ts is None:
        return True
    return other.last_ts >= explainer.first_ts - STALE_SYMPTOM


def _credible(f: Finding) -> bool:
    return f.kind is not FindingKind.ROOT_CAUSE or f.confidence >= MIN_ROOT_CONFIDENCE


def link(findings: list[Finding], catalogue: Catalogue) -> list[Finding]:
    """Fill ``explains`` / ``explained_by``: each explained finding gets the first explainer in ranking order (root
    causes first fault first, then risks and symptoms)."""
    by_id = {f.id: f for f in findings}
    explains: dict[str, list[str]] = {f.id: [] for f in findings}
    explained_by: dict[str, str] = {}
    roots = [f for f in findings if f.kind is FindingKind.ROOT_CAUSE and _credible(f)]
    others = sorted((f for f in findings if _credible(f) and f not in roots), key=_rank_key)
    explainers = _first_fault_order(roots) + others
    for explainer in explainers:
        cause = catalogue.causes[explainer.id]
        for other_id in (*cause.explains, *cause.supersedes):
            other = by_id.get(other_id)
            if other is None or other_id in explained_by or other_id == explainer.id:
                continue
            if _explains_transitively(other_id, explainer.id, explained_by):
                continue  # never a cycle
            if _keys_agree(explainer, other) and _in_time(explainer, other):
                explains[explainer.id].append(other_id)
                explained_by[other_id] = explainer.id
    return [replace(f, explains=tuple(explains[f.id]), explained_by=explained_by.get(f.id)) for f in findings]


def _explains_transitively(ancestor: str, finding: str, explained_by: dict[str, str]) -> bool:
    """``ancestor`` already explains ``finding`` (directly or through others)."""
    seen = set()
    current: str | None = finding
    while current is not None and current not in seen:
        seen.add(current)
        current = explained_by.get(current)
        if current == ancestor:
            return True
    return False


def _rank_key(f: Finding) -> tuple[int, int, dt.datetime, float]:
    tier = _KIND_TIER[f.kind] if _credible(f) else len(_KIND_TIER)
    return (tier, -f.severity.rank, f.first_ts or _FAR, -f.confidence)


def _first_fault_order(findings: list[Finding]) -> list[Finding]:
    """Root causes by time (the first fault first); those within SIMULTANEOUS of a cluster's first by severity."""
    timed = sorted((f for f in findings if f.first_ts is not None), key=lambda f: (f.first_ts, f.id))
    ordered: list[Finding] = []
    cluster: list[Finding] = []
    for f in timed:
        start = cluster[0].first_ts if cluster else None
        if start is not None and f.first_ts is not None and f.first_ts - start > SIMULTANEOUS:
            ordered += sorted(cluster, key=lambda c: (-c.severity.rank, -c.confidence, c.id))
            cluster = []
        cluster.append(f)
    ordered += sorted(cluster, key=lambda c: (-c.severity.rank, -c.confidence, c.id))
    untimed = [f for f in findings if f.first_ts is None]
    return ordered + sorted(untimed, key=lambda c: (-c.severity.rank, -c.confidence, c.id))


def rank(findings: list[Finding]) -> list[Finding]:
    """Best explanation first; every explained finding right after the chain that explains it."""
    by_id = {f.id: f for f in findings}
    ordered: list[Finding] = []

    def add(f: Finding) -> None:
        if f in ordered:
            return
        ordered.append(f)
        for child in sorted((by_id[c] for c in f.explains if c in by_id), key=_rank_key):
            add(child)

    tops = [f for f in findings if f.explained_by is None]
    roots = [f for f in tops if f.kind is FindingKind.ROOT_CAUSE and _credible(f)]
    for top in _first_fault_order(roots):
        add(top)
    for top in sorted((f for f in tops if f not in roots), key=_rank_key):
        add(top)
    for f in sorted(findings, key=_rank_key):  # anything left (should not happen): keep it visible
        add(f)
    return ordered
