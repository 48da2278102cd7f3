"""Flink version ranges as the catalogue writes them: ``>=1.14``, ``<1.17``, ``>=1.11,<1.17``, ``1.11-1.16``, ``1.18+``.

A version is compared on (major, minor) only: config keys and message wording change with minor releases, not with
patch releases. A range is a conjunction of bounds; ``a-b`` is inclusive of both minors.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

Version = tuple[int, int]

_VERSION = regex.compile(r"^(\d+)\.(\d+)(?:\.\d+)*$")
_BOUND = regex.compile(r"^(>=|<=|>|<|==)?\s*(\d+\.\d+(?:\.\d+)*)(\+)?$")
_SPAN = regex.compile(r"^(\d+\.\d+)\s*-\s*(\d+\.\d+)$")
_IN_TEXT = regex.compile(r"\b(\d+)\.(\d+)(?:\.\d+)?")
LOWEST: Version = (0, 0)
HIGHEST: Version = (99, 99)


def parse_version(text: str) -> Version | None:
    """``1.15.4`` -> (1, 15); None when the text is not a version."""
    match = _VERSION.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def version_in_text(text: str) -> Version | None:
    """The first ``major.minor`` in a banner line such as ``Starting TaskManager (Version: 1.15.4, ...``."""
    match = _IN_TEXT.search(text.split("Version:", 1)[-1])
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class VersionRange:
    """Versions ``low <= v < high`` (minor granularity)."""

    low: Version = LOWEST
    high: Version = HIGHEST
    text: str = ""

    def __contains__(self, version: Version) -> bool:
        return self.low <= version < self.high

    def intersect(self, other: VersionRange) -> VersionRange:
        return VersionRange(max(self.low, other.low), min(self.high, other.high), f"{self.text} and {other.text}")

    @property
    def empty(self) -> bool:
        return self.low >= self.high

    def label(self) -> str:
        """Readable form for reports: ``Flink 1.17+``, ``Flink 1.11-1.16``, ``Flink < 1.17``."""
        low = f"{self.low[0]}.{self.low[1]}"
        last = _previous(self.high)
        if self.high == HIGHEST:
            return "all Flink versions" if self.low == LOWEST else f"Flink {low}+"
        if self.low == LOWEST:
            return f"Flink up to {last[0]}.{last[1]}"
        return f"Flink {low}-{last[0]}.{last[1]}"


def _next(version: Version) -> Version:
    return (version[0], version[1] + 1)


def _previous(version: Version) -> Version:
    if version[1] > 0:
        return (version[0], version[1] - 1)
    # 2.0's predecessor is the last 1.x minor: 1.20 (no 1.21 was released).
    return (version[0] - 1, 20)


def parse_range(text: str) -> VersionRange | None:
    """None when ``text`` is not a range; an empty text is every version."""
    low, high = LOWEST, HIGHEST
    if not text.strip():
        return VersionRange(text=text)
    for part in text.split(","):
        part = part.strip()
        span = _SPAN.match(part)
        if span:
            first, last = parse_version(span.group(1)), parse_version(span.group(2))
            if first is None or last is None:
                return None
            low, high = max(low, first), min(high, _next(last))
            continue
        bound = _BOUND.match(part)
        if not bound:
            return None
        op, number, plus = bound.group(1) or "", parse_version(bound.group(2)), bound.group(3)
        if number is None or (plus and op):
            return None
        if plus or op == ">=":
            low = max(low, number)
        elif op == ">":
            low = max(low, _next(number))
        elif op == "<":
            high = min(high, number)
        elif op == "<=":
            high = min(high, _next(number))
        else:  # == or a bare version
            low, high = max(low, number), min(high, _next(number))
    return VersionRange(low, high, text)
