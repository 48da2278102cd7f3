"""Element ids of the HTML report: unique, stable, and the same for an event wherever the report links to it.

:class:`Anchors` hands out every id of the page; a timeline row's id is derived from its source file and line
(``ev-<source-slug>-<line>``), so chart markers, evidence lines and the other sections can link to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SLUG_JUNK = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    return _SLUG_JUNK.sub("-", text.lower()).strip("-") or "x"


class Anchors:
    """Hands out unique element ids. A timeline row owns ``ev-<source-slug>-<line>``, what chart markers link to."""

    def __init__(self, sources: Iterable[str]) -> None:
        self._slugs: dict[str, str] = {}
        self._used: set[str] = set()
        for source in sorted(set(sources)):
            self._slug_of(source)

    def _slug_of(self, source: str) -> str:
        if source not in self._slugs:
            taken = set(self._slugs.values())
            base = candidate = slug(source)
            suffix = 2
            while candidate in taken:
                candidate, suffix = f"{base}-{suffix}", suffix + 1
            self._slugs[source] = candidate
        return self._slugs[source]

    def event(self, source: str, line: int) -> str:
        """The id of the timeline row of ``source:line`` (the first one, when a line holds several events)."""
        return f"ev-{self._slug_of(source)}-{line}"

    def claim(self, wanted: str) -> str:
        """``wanted`` if no element has it yet, else ``wanted-2``, ``wanted-3``..."""
        candidate, suffix = wanted, 2
        while candidate in self._used:
            candidate, suffix = f"{wanted}-{suffix}", suffix + 1
        self._used.add(candidate)
        return candidate
