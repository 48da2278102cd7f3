"""How the report writes numbers, times, durations and long texts: one place, so every section reads the same.

The chart tooltips and the tables share these too (a time reads the same in both), as does :func:`natural_key`, the
order of names (``tm-2`` before ``tm-10``) everywhere in the report.
"""

from __future__ import annotations

import datetime as dt
import re


def format_duration(seconds: float) -> str:
    """``850 ms``, ``12.3 s``, ``4 min 05 s``, ``2 h 03 min``, ``3 d 4 h``; a negative duration gets a minus sign."""
    if seconds < 0:
        return "-" + format_duration(-seconds)
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def format_ms(value: float) -> str:
    return format_duration(value / 1000)


def format_pct(share: float) -> str:
    """A 0..1 share as a whole percentage."""
    return f"{share:.0%}"


def format_share(share: float) -> str:
    """A 0..1 share with one decimal, never rounded down to a misleading 0.0%."""
    return "<0.1%" if 0 < share < 0.001 else f"{share:.1%}"


def format_bytes(count: float) -> str:
    """``812 B``, ``4.2 KiB``, ``187 MiB``, ``1.4 GiB``: binary units, as Flink's memory options write them."""
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:,.0f} {unit}" if unit == "B" or abs(value) >= 100 else f"{value:,.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def span(first: dt.datetime | None, last: dt.datetime | None) -> str:
    """The time between two moments, or ``""`` when one is unknown or they are equal."""
    if first is None or last is None or first == last:
        return ""
    return format_duration((last - first).total_seconds())


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def capped(text: str, limit: int) -> tuple[str, str]:
    """The text cut to ``limit`` characters and a note saying how much was left out (``""`` when nothing was)."""
    if len(text) <= limit:
        return text, ""
    return text[:limit], f"… {len(text) - limit:,} more characters not shown"


def level(value: float, warn: float, bad: float, *, higher_is_worse: bool = True) -> str:
    """The CSS class of a measured value: ``bad``, ``warn`` or ``""``."""
    if higher_is_worse:
        return "bad" if value >= bad else "warn" if value >= warn else ""
    return "bad" if value < bad else "warn" if value < warn else ""


def format_ts(value: dt.datetime | None) -> str:
    """``2023-03-14 09:12:01.123 UTC``; naive datetimes are taken as UTC; ``—`` when unknown."""
    if value is None:
        return "—"
    utc = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return f"{utc:%Y-%m-%d %H:%M:%S}.{utc.microsecond // 1000:03d} UTC"


def shorten(text: str, limit: int) -> str:
    """The text cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def shorten_middle(text: str, limit: int) -> str:
    """The text cut in the middle (ids differ at both ends: ``container_e08_…_01_000002``)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``tm-2`` before ``tm-10``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part)


def short_source(source: str) -> str:
    return shorten_middle("/".join(source.split("/")[-2:]), 40)


def format_number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
