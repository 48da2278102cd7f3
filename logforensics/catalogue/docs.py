"""The catalogue in words: one rule for the terminal (``logforensics patterns show ID``) and the whole catalogue as
markdown (``docs/patterns.md``, regenerated with ``python -m logforensics.catalogue.docs > docs/patterns.md``).

Both are pure functions of the loaded catalogue, so the output is deterministic and a test keeps the file current.
"""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from collections.abc import Iterable

from logforensics.catalogue.model import Catalogue, Cause, Sequence, Signal, Step
from logforensics.catalogue.versions import parse_range
from logforensics.match.threshold import window_label

WIDTH = 100


def _duration(delta: dt.timedelta) -> str:
    return window_label(delta) if delta.total_seconds() >= 1 else f"{int(delta.total_seconds() * 1000)} ms"


def _key(seq: Sequence, key: str) -> str:
    return " ~ ".join(seq.columns(key))


def _step(step: Step) -> str:
    text = " | ".join(step.signals)
    if step.min_count > 1:
        text += f" (at least {step.min_count})"
    if step.optional:
        text += " (optional)"
    if not step.keyed:
        text += " (joined by time only)"
    return text


def matching_lines(cause: Cause) -> list[str]:
    """How the rule matches, one statement per line."""
    th = cause.threshold
    if th is not None:
        by = ", ".join(" ~ ".join(th.columns(k)) for k in th.by) or "the whole incident"
        what = "events" if th.aggregate.value == "count" else f"the {th.field} of the events"
        lines = [
            f"threshold: {th.aggregate.value} of {what} of {' | '.join(th.signals)}, per {by}, "
            f"over a sliding {window_label(th.window)} window",
            "levels: " + ", ".join(f"{severity} at {limit:g}" for severity, limit in th.levels),
        ]
        if th.min_events > 1:
            lines.append(f"windows with fewer than {th.min_events} events are not judged")
        if th.dedupe:
            lines.append(f"events of one group within {_duration(th.dedupe)} of the last counted one count once")
        return lines
    seq = cause.sequence
    by = ", ".join(_key(seq, k) for k in seq.by) or "time only"
    lines = [f"sequence joined by {by}, within {_duration(seq.maxspan)} (clock skew {_duration(seq.clock_skew)})"]
    lines += [f"step {n}: {_step(step)}" for n, step in enumerate(seq.steps, start=1)]
    if seq.absent:
        lines.append("absent between the first and the last step: " + ", ".join(seq.absent))
    for window in seq.absent_windows:
        span = []
        if window.before:
            span.append(f"{_duration(window.before)} before")
        if window.after:
            span.append(f"{_duration(window.after)} after")
        scope = "" if window.keyed else ", any keys"
        lines.append(f"absent {' and '.join(span) or 'during'} the match: {window.signal}{scope}")
    if seq.until:
        lines.append("reset by: " + ", ".join(seq.until))
    return lines


def _remediation_lines(cause: Cause) -> list[tuple[str, dict[str, str]]]:
    out = []
    versions = cause.remediation_versions or ("",) * len(cause.remediation)
    for remedy, text in zip(cause.remediation, versions, strict=True):
        rng = parse_range(text) if text else None
        label = f" [{rng.label()}]" if rng is not None else ""
        out.append((remedy.action + label, dict(remedy.config)))
    return out


def explained_by(catalogue: Catalogue, cause_id: str) -> list[str]:
    return sorted(c.id for c in catalogue.causes.values() if cause_id in (*c.explains, *c.supersedes))


def _wrap(text: str, indent: str = "  ") -> list[str]:
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]
    lines: list[str] = []
    for paragraph in paragraphs:
        lines += textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]
    return lines


def _story_tags(cause: Cause) -> str:
    return ", ".join(t for t in cause.tags if t.startswith("S") and t[1:].isdigit())


def cause_text(catalogue: Catalogue, cause: Cause) -> str:
    """Everything about one cause, readable in a terminal."""
    out = [f"{cause.id}: {cause.title}", f"  file: {cause.path}"]
    out.append(
        f"  status {cause.status}, kind {cause.kind}, category {cause.category}, failure type {cause.failure_type}, "
        f"severity {cause.severity}, base confidence {cause.confidence:.2f}"
    )
    applies = parse_range(cause.flink_versions)
    scope = ", ".join(cause.components) or "any component"
    out.append(f"  applies to {scope}; {applies.label() if applies else cause.flink_versions}")
    if cause.tags:
        out.append(f"  tags: {', '.join(cause.tags)}")
    out += ["", "Summary", *_wrap(cause.summary), "", "Matching"]
    out += [f"  {line}" for line in matching_lines(cause)]
    links = [
        ("explains", cause.explains),
        ("supersedes", cause.supersedes),
        ("explained or superseded by", tuple(explained_by(catalogue, cause.id))),
        ("corroborated by", cause.corroborate),
    ]
    out += [f"  {label}: {', '.join(ids)}" for label, ids in links if ids]
    if cause.confirm_signal:
        out.append(f"  confirmed by {cause.confirm_signal}: {cause.confirm_with}")
    out += ["", "Diagnosis", *_wrap(cause.diagnosis)]
    if cause.false_positives:
        out += ["", "False positives", *_wrap(cause.false_positives)]
    out += ["", "Remediation"]
    for action, config in _remediation_lines(cause):
        out += textwrap.wrap(" ".join(action.split()), WIDTH, initial_indent="  - ", subsequent_indent="    ")
        out += [f"      {key}: {advice}" for key, advice in config.items()]
    if cause.references:
        out += ["", "References", *[f"  {ref}" for ref in cause.references]]
    if cause.tests:
        out += ["", "Tests"]
        for test in cause.tests:
            where = f"fixture {test.fixture}" if test.fixture else f"inline: {', '.join(test.files)}"
            out.append(f"  {test.expect:4} {test.name} ({where})")
    return "\n".join(out) + "\n"


def signal_text(catalogue: Catalogue, signal: Signal) -> str:
    """Everything about one signal, readable in a terminal."""
    out = [f"{signal.id}: {signal.title}", f"  file: {signal.path}"]
    out.append(f"  family {signal.family}, sources {', '.join(signal.sources)}" + (", benign" if signal.benign else ""))
    if signal.description:
        out += ["", "Meaning", *_wrap(signal.description)]
    out += ["", "Matching"]
    if signal.gc is not None:
        gc = signal.gc
        out.append(f"  GC events: {gc.describe()}")
    if signal.gap is not None:
        out.append(f"  a TaskManager log silent for at least {signal.gap.min_seconds:g} s")
    if signal.literals:
        out.append(f"  literal: {' | '.join(signal.literals)}")
    if signal.regex:
        out.append(f"  regex ({signal.search_in}): {signal.regex}")
    if signal.groups:
        out.append(f"  keys: {', '.join(signal.groups)}")
    if signal.levels:
        out.append(f"  levels: {', '.join(signal.levels)}")
    if signal.samples:
        out += ["", "Samples", *[f"  {s}" for s in signal.samples]]
    if signal.misses:
        out += ["", "Misses", *[f"  {s}" for s in signal.misses]]
    users = sorted(c.id for c in catalogue.causes.values() if signal.id in _signals_of(c))
    if users:
        out += ["", f"Used by: {', '.join(users)}"]
    return "\n".join(out) + "\n"


def _signals_of(cause: Cause) -> set[str]:
    seq = cause.sequence
    names = {s for step in seq.steps for s in step.signals} | set(seq.absent) | set(seq.until)
    names |= {w.signal for w in seq.absent_windows} | set(cause.corroborate)
    return names | ({cause.confirm_signal} if cause.confirm_signal else set())


def rule_text(catalogue: Catalogue, rule_id: str) -> str | None:
    if rule_id in catalogue.causes:
        return cause_text(catalogue, catalogue.causes[rule_id])
    if rule_id in catalogue.signals:
        return signal_text(catalogue, catalogue.signals[rule_id])
    return None


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_lines(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip()]


PREAMBLE = """# The pattern catalogue

Generated from `patterns/` by `python -m logforensics.catalogue.docs > docs/patterns.md`; do not edit by hand (a test
compares this file with the catalogue). `logforensics patterns show ID` prints the same for one rule.

A **signal** (`patterns/signals/<id>.toml`) says what one log line or GC event means. A **cause**
(`patterns/causes/<id>.toml`) says what a sequence of signals, or an amount of them, means:

- identity: `id` (the file stem, never reused), `title`, `status` (experimental: matched, capped at 0.5 confidence,
  tests optional; test: needs a hit and a miss test; stable: also documents its false positives; deprecated: never
  matched), `kind` (root_cause, symptom, risk), `category`, `failure_type` (user, system, platform), `tags` (the
  story it comes from: S1..S20 of the failure stories), `applies_to` (components, Flink versions);
- matching, either a `[sequence]`: `by` join keys, with aliases across sources (`tm_id ~ container_id ~ pod`),
  ordered `[[sequence.steps]]` (`signal` or a list of alternatives, `min_count`, `optional`, `keyed`), `maxspan`,
  `clock_skew`, `absent` (signals that must not occur between the first and last step, or windows
  `{ signal, before, after, keyed }` around the match) and `until` (signals that reset a partial match); or a
  `[threshold]`: `count`, `sum`, `max` or `p99` of one signal's events (their `value`) per `by` group over a sliding
  `window`, with `levels` (low, medium, high, critical), `min_events` and `dedupe`. Events without a time (saved
  traces, pasted text) match in line order within their file when nothing timed matches;
- linking: `explains` (the symptoms it accounts for), `supersedes` (the generic causes it demotes), `corroborate`
  (signals that raise confidence), `confirm_signal` / `confirm_with` (the file that would confirm it);
- text: `summary`, `diagnosis`, `false_positives`, `[[remediation]]` (`action`, `config` keys, and `flink_versions`
  where keys differ between versions: the report keeps the entries of the version the logs show), `references`;
- tests: `[[tests]]` with inline `files` or a `fixture` folder under `tests/patterns/<id>/`; `expect` hit or miss.

Ranking in the report: unexplained root causes first, the first fault first (root causes starting within a minute of
each other by severity), then risks, then symptoms; every explained finding under its cause. A root cause below 0.4
confidence does not head the report.
"""


def catalogue_markdown(catalogue: Catalogue) -> str:
    causes = sorted(catalogue.causes.values(), key=lambda c: (c.kind != "root_cause", c.kind, c.category, c.id))
    out = [PREAMBLE, "## Causes", ""]
    out += ["| id | kind | category | severity | stories | title |", "|---|---|---|---|---|---|"]
    out += [
        f"| [`{c.id}`](#{c.id}) | {c.kind} | {c.category} | {c.severity} | {_story_tags(c)} | {_cell(c.title)} |"
        for c in causes
    ]
    for c in causes:
        out += ["", f'<a id="{c.id}"></a>', f"### `{c.id}`: {_cell(c.title)}", ""]
        applies = parse_range(c.flink_versions)
        out.append(
            f"{c.kind}, {c.category}, {c.failure_type} failure, severity {c.severity}, confidence {c.confidence:.2f}, "
            f"status {c.status}; {applies.label() if applies else c.flink_versions}"
            + (f"; {', '.join(c.components)}" if c.components else "")
            + f". Source: `{c.path}`."
        )
        out += ["", _cell(c.summary), "", "**Matching**", ""]
        out += [f"- {line}" for line in matching_lines(c)]
        links = [
            ("Explains", c.explains),
            ("Supersedes", c.supersedes),
            ("Explained or superseded by", tuple(explained_by(catalogue, c.id))),
            ("Corroborated by", c.corroborate),
        ]
        out += [f"- {label}: {', '.join(f'`{i}`' for i in ids)}" for label, ids in links if ids]
        if c.confirm_signal:
            out.append(f"- Confirmed by `{c.confirm_signal}`: {_cell(c.confirm_with)}")
        out += ["", "**Diagnosis**", ""]
        out += _paragraphs(_md_lines(c.diagnosis))
        if c.false_positives:
            out += ["", "**False positives**", "", *_paragraphs(_md_lines(c.false_positives))]
        out += ["", "**Remediation**", ""]
        for action, config in _remediation_lines(c):
            out.append(f"- {_cell(action)}")
            out += [f"  - `{key}`: {_cell(advice)}" for key, advice in config.items()]
        if c.references:
            out += ["", "**References**", ""] + [f"- <{ref}>" for ref in c.references]
        out += ["", "**Tests**", ""]
        out += [f"- {t.expect}: {_cell(t.name)}" + (f" (fixture `{t.fixture}`)" if t.fixture else "") for t in c.tests]
    out += ["", "## Signals", "", "| id | family | sources | title |", "|---|---|---|---|"]
    out += [
        f"| `{s.id}` | {s.family} | {', '.join(s.sources)}{' (benign)' if s.benign else ''} | {_cell(s.title)} |"
        for s in sorted(catalogue.signals.values(), key=lambda s: s.id)
    ]
    return "\n".join(out) + "\n"


def _paragraphs(paragraphs: Iterable[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out:
            out.append("")
        out.append(paragraph)
    return out


def main() -> None:
    from logforensics.api import load_default_catalogue

    sys.stdout.write(catalogue_markdown(load_default_catalogue()))


if __name__ == "__main__":
    main()
