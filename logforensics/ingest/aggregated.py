"""YARN aggregated logs (``yarn logs -applicationId ...``): one dump file, one input per container log.

A dump is a sequence of sections; Hadoop 2 writes the ``Container:`` line once per container, Hadoop 3 before each
section (with ``LogAggregationType:``)::

    Container: container_e07_1669378398064_0904_01_000002 on worker-3.example.com_45454
    LogAggregationType: AGGREGATED
    ===============================================================================
    LogType:taskmanager.log
    LogLastModifiedTime:Tue Aug 01 18:17:56 +0000 2023        (Hadoop 2: "Log Upload Time:...")
    LogLength:123456
    LogContents:                                              (Hadoop 2: "Log Contents:")
    <LogLength bytes>
    End of LogType:taskmanager.log                            (Hadoop 3 adds ".This log file belongs to a running...")
    *******************************************************************************

Each section becomes a ``Found`` labelled ``<dump>#<container_id>/<logtype>`` (the timeline finds the TaskManager by
the container id in the label) whose bytes are read from the dump in place. ``LogLength`` is used when the bytes after
it really end the section; when it is missing or wrong (a ``-size`` cut, an edited file) the section ends at its
``End of LogType:`` line, else at the next section. The dump is detected by content, whatever its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from logforensics.ingest.source import (
    HEAD_BYTES,
    READ_ERRORS,
    Blob,
    Context,
    Found,
    Read,
    guarded,
    guarded_head,
    read_content,
)

_DETECT_TYPE = re.compile(rb"^LogType:[ \t]*\S", re.M)
_DETECT_BODY = re.compile(rb"^(?:Log ?Contents:|LogLength:)", re.M)
_ANY = re.compile(rb"^(?:Container: |LogType:)", re.M)
_CONTAINER = re.compile(rb"Container: (container_[A-Za-z0-9_]+)(?: on ([^\s]+))?[^\n]*\n")
_SECTION = re.compile(
    rb"LogType:[ \t]*(?P<type>[^\r\n]*?)[ \t]*\r?\n"
    rb"(?P<meta>(?:(?!Log ?Contents:)[^\r\n]*\r?\n){0,12}?)"
    rb"Log ?Contents:[ \t]*\r?\n"
)
_LENGTH = re.compile(rb"^LogLength:[ \t]*(\d+)", re.M)
_END = re.compile(rb"^End of LogType:", re.M)
_AFTER = re.compile(rb"\r?\n?End of LogType:|\s*(?:\*+\s*)?(?:Container: |LogType:)|\s*\Z")

_WINDOW = 1 << 20
_OVERLAP = 1 << 16
"""Longer than any section header: a header cut by the window's edge is found again in the next window."""


def looks_like_dump(head: bytes) -> bool:
    """A YARN dump: a ``LogType:`` line and a ``LogLength:`` / ``Log Contents:`` line in the first bytes."""
    return bool(_DETECT_TYPE.search(head) and _DETECT_BODY.search(head))


@dataclass(frozen=True)
class Section:
    container: str | None
    host: str | None
    log_type: str
    start: int
    end: int
    warning: str | None = None


class _Window:
    """Forward regex search over a seekable stream, a window at a time, with absolute offsets.

    The window keeps one byte before the first offset searched, so that ``^`` only matches after a real newline.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._s = stream
        self._base = 0
        self._buf = b""
        self._eof = False

    def _more(self) -> None:
        self._s.seek(self._base + len(self._buf))
        block = self._s.read(_WINDOW)
        if block:
            self._buf += block
        else:
            self._eof = True

    def search(self, pattern: re.Pattern[bytes], start: int) -> tuple[int, int] | None:
        """(start, end) of the first match at or after ``start``."""
        low = self._base + (1 if self._base else 0)
        if not low <= start <= self._base + len(self._buf):
            self._base, self._buf, self._eof = max(0, start - 1), b"", False
        while True:
            pos = start - self._base
            match = pattern.search(self._buf, pos)
            if match is not None and (match.end() + _OVERLAP <= len(self._buf) or self._eof):
                return self._base + match.start(), self._base + match.end()
            if match is None and self._eof:
                return None
            cut = (match.start() if match is not None else max(pos, len(self._buf) - _OVERLAP)) - 1
            if cut > 0:
                self._base += cut
                self._buf = self._buf[cut:]
                start = max(start, self._base + 1)
            self._more()

    def peek(self, at: int, size: int) -> bytes:
        self._s.seek(at)
        return self._s.read(size)

    def match(self, pattern: re.Pattern[bytes], at: int) -> re.Match[bytes] | None:
        """``pattern`` anchored at ``at``; the match's offsets are relative to ``at``."""
        return pattern.match(self.peek(at, _OVERLAP))

    def end(self) -> int:
        return self._s.seek(0, 2)


def scan(stream: BinaryIO) -> list[Section]:
    """The sections of a dump, by offsets into its content."""
    window = _Window(stream)
    sections: list[Section] = []
    container: str | None = None
    host: str | None = None
    pos = 0
    while True:
        hit = window.search(_ANY, pos)
        if hit is None:
            break
        at = hit[0]
        found = window.match(_CONTAINER, at)
        if found is not None:
            container = found.group(1).decode("ascii", "replace")
            host = found.group(2).decode("utf-8", "replace") if found.group(2) else None
            pos = at + found.end()
            continue
        header = window.match(_SECTION, at)
        if header is None:
            pos = hit[1]
            continue
        log_type = header.group("type").decode("utf-8", "replace").strip() or "unknown"
        start = at + header.end()
        length = _LENGTH.search(header.group("meta"))
        end, warning = _section_end(window, start, int(length.group(1)) if length else None)
        sections.append(Section(container, host, log_type, start, end, warning))
        pos = max(end, start)
    return sections


def _section_end(window: _Window, start: int, length: int | None) -> tuple[int, str | None]:
    if length is not None:
        # The byte before the stated end must exist (a LogLength past the end of the dump is wrong too).
        after = window.peek(start + length - 1, 4097) if length else b"\n" + window.peek(start, 4096)
        if after and _AFTER.match(after, 1):
            return start + length, None
    end_line = window.search(_END, start)
    following = window.search(_ANY, start)
    stated = "LogLength is missing" if length is None else f"LogLength ({length}) does not end the section"
    if end_line is not None and (following is None or end_line[0] <= following[0]):
        end = end_line[0]
        if window.peek(max(start, end - 2), 2) == b"\n\n":
            end -= 1  # Hadoop 3 writes a newline of its own before "End of LogType:"
        return end, f"{stated}; the section was cut at its 'End of LogType:' line"
    if following is not None:
        return following[0], f"{stated}; the section was cut where the next one starts"
    return window.end(), f"{stated}; the section runs to the end of the dump"


def split_dump(blob: Blob, ctx: Context) -> list[Found]:
    """One ``Found`` per (container, log type) section; empty when no section could be read."""
    try:
        with blob.open() as stream:
            sections = scan(stream)
    except READ_ERRORS as exc:
        return [Found(blob.path, blob.label, blob.size, f"YARN aggregated log could not be split: {exc}")]
    found: list[Found] = []
    seen: dict[str, int] = {}
    for section in sections:
        name = f"{section.container}/{section.log_type}" if section.container else section.log_type
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name}~{seen[name]}"
        found.append(_section_found(blob, ctx, section, f"{blob.label}#{name}"))
    return found


def _section_found(blob: Blob, ctx: Context, section: Section, label: str) -> Found:
    length = section.end - section.start
    extra = (section.warning,) if section.warning else ()

    def reader(max_bytes: int) -> Read:
        read = read_content(blob.open, max_bytes, ctx, compressed=blob.compressed, start=section.start, length=length)
        return Read(read.data, read.sha256, extra + read.warnings)

    def header() -> bytes:
        with blob.open() as stream:
            stream.seek(section.start)
            return stream.read(min(length, HEAD_BYTES))

    # A dump on disk, not compressed: each read opens the file and seeks to its own section.
    independent = blob.depth == 0 and not blob.compressed
    return Found(blob.path, label, length, reader=guarded(reader), header=guarded_head(header), independent=independent)
