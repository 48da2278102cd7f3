"""Input problems: what ``--strict`` turns into exit code 3.

An input has a problem when it was not analysed (``skipped_reason``: empty, binary, unknown format, refused archive
member, link, FIFO, unreadable, duplicate...) or only in part or altered (a warning: cut at a limit, truncated or
damaged, invalid UTF-8, NUL bytes, a line cut...). A few warnings are notes, not problems: they say how an input was
read, and nothing of it was lost (kubectl's prefixes taken off, a UTF-16 file decoded, the user's own ``--kind``).
"""

from __future__ import annotations

from collections.abc import Iterable

from logforensics.ingest.encoding import NOTE_PREFIX as DECODED
from logforensics.model import SourceStats

NOTE_MARKERS = (
    DECODED,  # "decoded from UTF-16-LE (byte order mark) to UTF-8..." (ingest/encoding.py)
    "kubectl --prefix: ",  # ingest/kubectl.py
    "kubectl --timestamps: ",
    " lines without a kubectl prefix were kept with the pod above them",
    " by --kind/--layout",  # api.py: "read as <kind> / <layout> by --kind/--layout"
)


def is_note(warning: str) -> bool:
    """A warning that says how an input was read, not that something of it was lost."""
    return any(marker in warning for marker in NOTE_MARKERS)


def problems(source: SourceStats) -> list[str]:
    """The problems of one input: why it was skipped, and its warnings that are not notes."""
    found = [source.skipped_reason] if source.skipped_reason else []
    return found + [w for w in source.warnings if not is_note(w)]


def input_problems(sources: Iterable[SourceStats]) -> list[tuple[str, str]]:
    """``(path, problem)`` for every problem of every input, in the order of ``sources``."""
    return [(source.path, problem) for source in sources for problem in problems(source)]
