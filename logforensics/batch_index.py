"""The fleet index of a batch scan: ``index.html``, self-contained like the incident report.

A view model (computed here: every number, label, colour and SVG coordinate) printed by ``templates/index.html.j2``:
the totals, root causes by count (horizontal bars), root causes over time (stacked columns per day, month or year of
the incidents' start), the exception signatures that recur across incidents, and the table of incidents linking to
each one's report. No script, no external request; inline SVG with presentation attributes and ``<title>`` tooltips.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from markupsafe import Markup

import logforensics
from logforensics.report.formatting import shorten
from logforensics.report.html import environment
from logforensics.resources import templates_dir

if TYPE_CHECKING:
    from logforensics.batch import ScanReport

TEMPLATE_NAME = "index.html.j2"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7")
OTHER_COLOR = "#9c755f"
NONE_COLOR = "#bab0ac"
ERROR_COLOR = "#4b5563"
NO_ROOT = "(no root cause established)"
ERROR = "(could not be analysed)"
OTHER = "(other root causes)"
SIGNATURES_SHOWN = 100
EXAMPLES_SHOWN = 5


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: float
    width: float
    color: str
    title: str
    text_y: float
    count_x: float


@dataclass(frozen=True)
class CountChart:
    width: int
    height: int
    label_x: int
    bar_x: int
    bar_height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    color: str
    label: str


@dataclass(frozen=True)
class TimeChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    unit: str
    segments: tuple[Segment, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]
    undated: int


@dataclass(frozen=True)
class SignatureRow:
    exception: str
    root_cause: str
    incidents: int
    occurrences: int
    first_seen: str
    last_seen: str
    examples: tuple[tuple[str, str | None], ...]
    """(incident, link to its report or None)."""


def _fmt(ts: dt.datetime | None) -> str:
    return "" if ts is None else ts.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")


def _category(row: Mapping[str, Any]) -> str:
    if row.get("error"):
        return ERROR
    return str(row["root_cause"]) if row.get("root_cause") else NO_ROOT


def _colors(categories: Sequence[str]) -> dict[str, str]:
    """A colour per category: the most frequent root causes get the palette, the rest share one."""
    counts = Counter(categories)
    causes = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c not in (NO_ROOT, ERROR)]
    colors = {c: PALETTE[i] for i, c in enumerate(causes[: len(PALETTE)])}
    colors.update(dict.fromkeys(causes[len(PALETTE) :], OTHER_COLOR))
    colors.update({NO_ROOT: NONE_COLOR, ERROR: ERROR_COLOR})
    return colors


def count_chart(categories: Sequence[str], colors: Mapping[str, str]) -> CountChart:
    counts = sorted(Counter(categories).items(), key=lambda kv: (kv[0] in (NO_ROOT, ERROR), -kv[1], kv[0]))
    width, label_x, bar_x, bar_height, gap = 760, 290, 300, 20, 6
    span = width - bar_x - 60
    most = max((n for _, n in counts), default=1)
    total = sum(n for _, n in counts) or 1
    bars = []
    for index, (label, n) in enumerate(counts):
        y = 8 + index * (bar_height + gap)
        bar_width = max(2.0, span * n / most)
        bars.append(
            Bar(
                label=label,
                count=n,
                y=y,
                width=round(bar_width, 1),
                color=colors.get(label, OTHER_COLOR),
                title=f"{label}: {n} incident{'s' if n != 1 else ''} ({n / total:.0%})",
                text_y=y + bar_height * 0.7,
                count_x=round(bar_x + bar_width + 6, 1),
            )
        )
    return CountChart(width, 16 + len(bars) * (bar_height + gap), label_x, bar_x, bar_height, tuple(bars))


def _buckets(starts: list[dt.datetime]) -> tuple[str, list[dt.datetime]]:
    """The unit (day, month, year) and every bucket start from the first to the last incident."""
    first, last = min(starts), max(starts)
    if last - first <= dt.timedelta(days=62):
        day, buckets = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC), []
        while day <= last:
            buckets.append(day)
            day += dt.timedelta(days=1)
        return "day", buckets
    if last - first <= dt.timedelta(days=5 * 366):
        year, month, buckets = first.year, first.month, []
        while (year, month) <= (last.year, last.month):
            buckets.append(dt.datetime(year, month, 1, tzinfo=dt.UTC))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return "month", buckets
    return "year", [dt.datetime(y, 1, 1, tzinfo=dt.UTC) for y in range(first.year, last.year + 1)]


_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _bucket_label(start: dt.datetime, unit: str) -> str:
    return start.strftime(_FORMATS[unit])


def _bucket_of(ts: dt.datetime, unit: str) -> dt.datetime:
    ts = ts.astimezone(dt.UTC)
    if unit == "day":
        return dt.datetime(ts.year, ts.month, ts.day, tzinfo=dt.UTC)
    if unit == "month":
        return dt.datetime(ts.year, ts.month, 1, tzinfo=dt.UTC)
    return dt.datetime(ts.year, 1, 1, tzinfo=dt.UTC)


def time_chart(rows: Sequence[Mapping[str, Any]], colors: Mapping[str, str]) -> TimeChart | None:
    dated = [(r["start"], _category(r)) for r in rows if r.get("start") is not None]
    undated = len(rows) - len(dated)
    if not dated:
        return None
    unit, buckets = _buckets([ts for ts, _ in dated])
    index = {b: i for i, b in enumerate(buckets)}
    stacks: dict[int, Counter[str]] = defaultdict(Counter)
    for ts, category in dated:
        stacks[index[_bucket_of(ts, unit)]][category] += 1
    width, left, right, top, bottom = 760, 44, 744, 12, 200
    tallest = max(sum(c.values()) for c in stacks.values())
    slot = (right - left) / len(buckets)
    column = max(1.0, slot * 0.8)
    order = {c: i for i, c in enumerate(colors)}
    segments = []
    for i, counter in sorted(stacks.items()):
        y = float(bottom)
        for category, n in sorted(counter.items(), key=lambda kv: order.get(kv[0], len(order))):
            height = (bottom - top) * n / tallest
            y -= height
            label = _bucket_label(buckets[i], unit)
            segments.append(
                Segment(
                    x=round(left + i * slot + (slot - column) / 2, 2),
                    y=round(y, 2),
                    width=round(column, 2),
                    height=round(height, 2),
                    color=colors.get(category, OTHER_COLOR),
                    title=f"{label}: {category}: {n} incident{'s' if n != 1 else ''}",
                )
            )
    step = max(1, -(-len(buckets) // 12))
    x_ticks = tuple(
        Tick(round(left + i * slot + slot / 2, 2), _bucket_label(b, unit))
        for i, b in enumerate(buckets)
        if i % step == 0
    )
    y_values = sorted({0, tallest // 2, tallest}) if tallest > 1 else [0, tallest]
    y_ticks = tuple(Tick(round(bottom - (bottom - top) * v / tallest, 2), str(v)) for v in y_values)
    seen = {category for _, category in dated}
    legend_labels = [c for c in colors if c in seen and (colors[c] != OTHER_COLOR)]
    if any(colors.get(c) == OTHER_COLOR for c in seen):
        legend_labels.append(OTHER)
    legend = []
    for n, label in enumerate(legend_labels):
        legend.append(
            LegendItem(
                x=left + (n % 2) * 350, y=bottom + 40 + (n // 2) * 18, color=colors.get(label, OTHER_COLOR), label=label
            )
        )
    height = bottom + 48 + ((len(legend) + 1) // 2) * 18
    return TimeChart(
        width, height, left, right, top, bottom, unit, tuple(segments), x_ticks, y_ticks, tuple(legend), undated
    )


def recurring_signatures(
    signatures: Mapping[str, Sequence[Mapping[str, Any]]], links: Mapping[str, str | None]
) -> tuple[SignatureRow, ...]:
    """Exception signatures seen in at least two incidents, the most widespread first."""
    by_signature: dict[str, list[tuple[str, Mapping[str, Any]]]] = defaultdict(list)
    for incident, groups in signatures.items():
        for group in groups:
            by_signature[str(group["signature"])].append((incident, group))
    rows = []
    for seen in by_signature.values():
        incidents = sorted({incident for incident, _ in seen})
        if len(incidents) < 2:
            continue
        firsts = [g["first_ts"] for _, g in seen if g.get("first_ts") is not None]
        lasts = [g["last_ts"] for _, g in seen if g.get("last_ts") is not None]
        example = seen[0][1]
        rows.append(
            SignatureRow(
                exception=str(example["exception"]),
                root_cause=str(example["root_cause"]),
                incidents=len(incidents),
                occurrences=sum(int(g["count"]) for _, g in seen),
                first_seen=_fmt(min(firsts)) if firsts else "",
                last_seen=_fmt(max(lasts)) if lasts else "",
                examples=tuple((i, links.get(i)) for i in incidents[:EXAMPLES_SHOWN]),
            )
        )
    rows.sort(key=lambda r: (-r.incidents, -r.occurrences, r.exception))
    return tuple(rows[:SIGNATURES_SHOWN])


_COUNT_COLUMNS = ("restarts", "heartbeat_timeouts", "ooms", "checkpoint_failures", "gc_pauses")
COUNT_HEADERS = ("restarts", "heartbeat timeouts", "OOMs", "checkpoint failures", "long GC pauses")


def _incident_row(row: Mapping[str, Any]) -> dict[str, Any]:
    confidence = row.get("confidence")
    return {
        "incident": row["incident"],
        "href": row.get("report_html"),
        "start": _fmt(row.get("start")),
        "flink_version": row.get("flink_version") or "",
        "deployment": row.get("deployment") or "",
        "root_cause": row.get("root_cause") or "",
        "severity": row.get("severity") or "",
        "severity_class": f"sev-{row['severity']}" if row.get("severity") else "",
        "confidence": "" if confidence is None else f"{confidence:.0%}",
        "counts": [row.get(c) if row.get(c) is not None else "" for c in _COUNT_COLUMNS],
        "error": shorten(row.get("error") or "", 300),
        "skipped": len(row.get("skipped") or []),
    }


def _css() -> Markup:
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))  # our own stylesheet, not log text


def index_context(
    summary: pl.DataFrame,
    signatures: Mapping[str, Sequence[Mapping[str, Any]]],
    generated_at: dt.datetime,
    report: ScanReport | None = None,
) -> dict[str, Any]:
    rows = summary.to_dicts()
    categories = [_category(r) for r in rows]
    colors = _colors(categories)
    links = {str(r["incident"]): r.get("report_html") for r in rows}
    starts = [r["start"] for r in rows if r.get("start") is not None]
    ends = [r["end"] for r in rows if r.get("end") is not None]
    chart = time_chart(rows, colors)
    return {
        "css": _css(),
        "tool_version": logforensics.__version__,
        "generated_at": _fmt(generated_at),
        "totals": {
            "incidents": len(rows),
            "with_root_cause": sum(1 for r in rows if r.get("root_cause") and not r.get("error")),
            "failed": sum(1 for r in rows if r.get("error")),
            "root_causes": len({r["root_cause"] for r in rows if r.get("root_cause")}),
            "window": f"{_fmt(min(starts))} – {_fmt(max(ends or starts))}" if starts else "unknown",
            "catalogue_versions": ", ".join(sorted({str(r["catalogue_version"]) for r in rows})) or "none",
            "scan": (
                f"{report.analysed} analysed, {report.unchanged} unchanged since the last scan, "
                f"in {report.seconds:.1f} s"
                if report is not None
                else ""
            ),
        },
        "count_chart": asdict(count_chart(categories, colors)) if rows else None,
        "time_chart": asdict(chart) if chart else None,
        "signatures": [asdict(s) for s in recurring_signatures(signatures, links)],
        "count_headers": COUNT_HEADERS,
        "incidents": [_incident_row(r) for r in rows],
    }


def render_index(
    summary: pl.DataFrame,
    signatures: Mapping[str, Sequence[Mapping[str, Any]]],
    generated_at: dt.datetime,
    report: ScanReport | None = None,
) -> str:
    context = index_context(summary, signatures, generated_at, report)
    return environment().get_template(TEMPLATE_NAME).render(context)
