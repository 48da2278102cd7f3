"""Find the incidents of a batch scan under its roots: one archive file, or one folder of logs, per incident.

Rules (``--incident-glob`` replaces them):

- a root that is a file (an archive, or a log) is one incident;
- a folder that directly holds a log file is one incident, with everything below it (the TaskManager subfolders of
  an incident stay in it); its subfolders are not looked at for other incidents;
- otherwise each archive file in the folder (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, and the formats ingest
  names as unsupported, which then become error rows) is one incident, and the subfolders are walked the same way.

A file is a log by its name (``*.log``, ``*.out``, ``*.err``, rotated and ``.gz`` variants, ``gc*``) or, failing
that, by its first bytes (``ingest.sniff``: a Flink, GC, stdout log or an exception trace). Links are never
followed and hidden folders are not entered, as in ingest. The output folder is never walked. Roots may be local
paths or fsspec URLs (``s3://bucket/incidents``), listed with fsspec (imported only then).

Each incident gets a display id (``<root name>/<path below the root>``) and a slug, the name of its folder under
``OUTDIR/incidents/``: the id made file-system safe plus a hash of the id, so stable across runs and collision-free.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import regex

from logforensics.errors import InputError
from logforensics.ingest.inflate import GZIP_MAGIC
from logforensics.ingest.members import archive_kind, unsupported_reason
from logforensics.ingest.sniff import sniff
from logforensics.model import SourceKind

HEAD_BYTES = 65536

_LOG_NAMES = regex.compile(
    r"\.(?:log|out|err)(?:[._-][\w.-]*)?$|\.log\.|(?:^|[._-])(?:gc|taskmanager|jobmanager|taskexecutor)(?:[._-]|$)"
    r"|\.gz$",
    regex.IGNORECASE,
)
_LOG_KINDS = {
    SourceKind.FLINK_TASKMANAGER,
    SourceKind.FLINK_JOBMANAGER,
    SourceKind.FLINK_LOG,
    SourceKind.GC_LOG,
    SourceKind.STDOUT,
    SourceKind.EXCEPTION_TRACE,
}
_SLUG_UNSAFE = regex.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class IncidentRef:
    """One incident of a scan: where it is and where its reports go."""

    id: str
    """How the summary names it: ``<root name>/<path below the root>`` (the root's name when the root is one)."""
    location: str
    """An absolute local path, or an fsspec URL."""
    slug: str
    """The name of its folder under ``OUTDIR/incidents/`` (file-system safe, unique, stable)."""


def is_url(location: str) -> bool:
    return "://" in location and not location.startswith("file://")


def local_path(location: str) -> Path:
    return Path(location.removeprefix("file://"))


def slug_for(incident_id: str) -> str:
    readable = _SLUG_UNSAFE.sub("_", incident_id).strip("._-")[:60] or "incident"
    return f"{readable}-{hashlib.sha256(incident_id.encode()).hexdigest()[:10]}"


def is_archive_name(name: str) -> bool:
    return archive_kind(name) is not None or unsupported_reason(name) is not None


def is_log(name: str, head: bytes) -> bool:
    """A log file: by its name, else by what ingest's sniffer makes of its first (decompressed) bytes."""
    if is_archive_name(name):
        return False
    if _LOG_NAMES.search(name):
        return True
    return sniff(name, head).kind in _LOG_KINDS


def gunzip_head(data: bytes, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` inflated bytes of gzip data (bounded whatever the ratio), or ``data`` when not gzip."""
    if not data.startswith(GZIP_MAGIC):
        return data[:size]
    try:
        return zlib.decompressobj(wbits=31).decompress(data, size)
    except zlib.error:
        return b""


def discover_incidents(
    roots: Sequence[str], *, incident_glob: str | None = None, exclude: Path | None = None
) -> list[IncidentRef]:
    """The incidents under ``roots``, sorted by id; InputError when a root does not exist or holds ``exclude``."""
    found: list[tuple[str, str]] = []  # (id, location)
    for root in roots:
        tree: _Tree = _RemoteTree(root) if is_url(root) else _LocalTree(local_path(root), exclude)
        locations = tree.glob(incident_glob) if incident_glob else tree.incidents()
        found.extend((tree.incident_id(location), location) for location in locations)
    if exclude is not None:
        _check_outside(found, exclude)
    refs: list[IncidentRef] = []
    seen: dict[str, int] = {}
    taken: set[str] = set()
    for incident_id, location in sorted(found):
        if location in taken:
            continue  # the same incident reached from two roots
        taken.add(location)
        count = seen.get(incident_id, 0)
        seen[incident_id] = count + 1
        unique = incident_id if count == 0 else f"{incident_id} [{count + 1}]"
        refs.append(IncidentRef(unique, location, slug_for(unique)))
    return sorted(refs, key=lambda r: r.id)


def _check_outside(found: list[tuple[str, str]], exclude: Path) -> None:
    out = exclude.resolve()
    for incident_id, location in found:
        if is_url(location):
            continue
        path = Path(location)
        if path == out or path in out.parents:
            raise InputError(f"{exclude}: the output folder is inside the incident {incident_id}; choose another")


class _Tree:
    root_name: str

    def incidents(self) -> list[str]:
        raise NotImplementedError

    def glob(self, pattern: str) -> list[str]:
        raise NotImplementedError

    def relative(self, location: str) -> str:
        raise NotImplementedError

    def incident_id(self, location: str) -> str:
        rel = self.relative(location)
        return self.root_name if rel in ("", ".") else f"{self.root_name}/{rel}"


class _LocalTree(_Tree):
    def __init__(self, root: Path, exclude: Path | None) -> None:
        if not os.path.lexists(root):
            raise InputError(f"{root}: no such file or folder")
        self.root = root.resolve()
        self.root_name = self.root.name or str(self.root)
        self.exclude = exclude.resolve() if exclude is not None else None

    def relative(self, location: str) -> str:
        return Path(location).relative_to(self.root).as_posix()

    def incidents(self) -> list[str]:
        if not self.root.is_dir():
            return [str(self.root)]
        return [str(p) for p in self._walk(self.root)]

    def glob(self, pattern: str) -> list[str]:
        matches = []
        for path in sorted(self.root.glob(pattern)):
            rel = path.relative_to(self.root).parts
            if any(part.startswith(".") for part in rel) or self._excluded(path):
                continue
            matches.append(str(path))
        return matches

    def _excluded(self, path: Path) -> bool:
        return self.exclude is not None and (path == self.exclude or self.exclude in path.parents)

    def _walk(self, folder: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        files = [e for e in entries if e.is_file(follow_symlinks=False)]
        if any(self._is_log(e) for e in files):
            yield folder
            return
        for entry in files:
            if is_archive_name(entry.name):
                yield Path(entry.path)
        for entry in entries:
            path = Path(entry.path)
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".") and not self._excluded(path):
                yield from self._walk(path)

    @staticmethod
    def _is_log(entry: os.DirEntry[str]) -> bool:
        if is_archive_name(entry.name):
            return False
        if _LOG_NAMES.search(entry.name):
            return True
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            head = os.read(fd, HEAD_BYTES)
        except OSError:
            return False
        finally:
            os.close(fd)
        return is_log(entry.name, gunzip_head(head))


class _RemoteTree(_Tree):
    """A root given as an fsspec URL (``s3://bucket/prefix``): the same rules over ``fs.ls``."""

    def __init__(self, url: str) -> None:
        self.fs, self.path = fsspec_open(url)
        self.protocol = url.split("://", 1)[0]
        self.path = self.path.rstrip("/")
        if not self.fs.exists(self.path):
            raise InputError(f"{url}: no such file or folder")
        self.root_name = PurePosixPath(self.path).name or self.path

    def url(self, path: str) -> str:
        return f"{self.protocol}://{path}"

    def relative(self, location: str) -> str:
        path = location.split("://", 1)[1]
        base = self.path.lstrip("/")
        return PurePosixPath(path.lstrip("/")).relative_to(base).as_posix()

    def incidents(self) -> list[str]:
        if not self.fs.isdir(self.path):
            return [self.url(self.path)]
        return [self.url(p) for p in self._walk(self.path)]

    def glob(self, pattern: str) -> list[str]:
        return [self.url(p) for p in sorted(self.fs.glob(f"{self.path}/{pattern}"))]

    def _walk(self, folder: str) -> Iterator[str]:
        entries: list[dict[str, Any]] = sorted(self.fs.ls(folder, detail=True), key=lambda e: str(e["name"]))
        files = [e for e in entries if e.get("type") == "file"]
        for entry in files:
            name = PurePosixPath(str(entry["name"])).name
            if not is_archive_name(name) and (
                _LOG_NAMES.search(name) or is_log(name, gunzip_head(self.fs.cat_file(entry["name"], 0, HEAD_BYTES)))
            ):
                yield folder
                return
        for entry in files:
            if is_archive_name(PurePosixPath(str(entry["name"])).name):
                yield str(entry["name"])
        for entry in entries:
            name = PurePosixPath(str(entry["name"])).name
            if entry.get("type") == "directory" and not name.startswith("."):
                yield from self._walk(str(entry["name"]))


def fsspec_open(url: str) -> tuple[Any, str]:
    """``(filesystem, path)`` of an fsspec URL; InputError when fsspec or the protocol's backend is missing."""
    try:
        import fsspec  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise InputError(
            f"{url}: reading URLs needs fsspec (pip install 'logforensics[distributed]', plus the backend such as s3fs)"
        ) from exc
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise InputError(f"{url}: {exc}") from exc
    return fs, str(path)
