"""Writing report files: atomically (readers never see half a file) and as readable as any file the user writes.

Where the files go is checked before any analysis (``check_output``): an analysis of a large incident takes minutes,
and should not end on an output folder that is a file or cannot be written. What fails while writing anyway (a full
disk) is said with the path, as an OutputError."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from logforensics.errors import OutputError


def file_mode() -> int:
    """The mode a file the user writes gets (0666 less the umask): mkstemp makes 0600."""
    current = os.umask(0o022)
    os.umask(current)
    return 0o666 & ~current


def check_output(path: str | os.PathLike[str], *, folder: bool = False, what: str = "") -> None:
    """Raise OutputError unless ``path`` can be written: a file (or with ``folder`` a folder) that is not a thing of
    the other sort, in a folder that exists or can be made, and that this process may write in. ``what`` names
    the option in the message (``-o``, ``--json``...)."""
    target = Path(path)
    name = f"{what} {target}" if what else str(target)
    try:
        if folder and target.exists() and not target.is_dir():
            raise OutputError(f"{name}: is a file, not a folder")
        if not folder and target.is_dir():
            raise OutputError(f"{name}: is a folder; give a file name")
        ancestor = target if folder else target.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise OutputError(f"{name}: cannot make the folder: {ancestor} is a file")
    except OSError as exc:  # a folder on the way that cannot be looked into
        raise OutputError(f"{name}: cannot look at the path: {exc.strerror or exc}") from exc
    if not _writable(ancestor):
        raise OutputError(f"{name}: no permission to write in {ancestor}")


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename it into place."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)

    return write_atomic_with(Path(path), write)


def write_atomic_with(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` for a temporary path beside ``target``, then rename it into place; an OSError becomes an
    OutputError naming ``target``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        try:
            os.fchmod(fd, file_mode())
        finally:
            os.close(fd)
        write(tmp)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise
    return target
