"""Archives read in place: ``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, and archives inside them, one level deep.

Nothing is extracted: each regular member becomes a ``Found`` whose reader streams that member from the archive on
disk (a nested archive is held in memory, bounded). Headers are never trusted for sizes: inflated bytes are counted
as they come. Refused with a reason, and never read: links (symbolic or hard), absolute names and names with ``..``
(the zip-slip shapes), devices, FIFOs, encrypted members, members past ``Limits.max_members``, members whose
compression ratio passes ``Limits.max_ratio``, archives nested two levels deep. A damaged archive (no central
directory, a truncated tar or gzip) is listed itself with the damage, and the members before it are still analysed:
a zip without a readable central directory is walked by its local headers.

Zip members are read with our own inflater over the member's byte range (``zipfile`` only lists them), so that a
member can be read from any offset without inflating it again from its start (zips.py); a ``.tar.gz`` is one gzip
stream with checkpoints at its members (see streams.py), so its members can be read in any order (tars.py). What
members have in common (labels, reasons) is in members.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from logforensics.errors import InputError
from logforensics.ingest.members import (
    EMPTY,
    MEMBER_SEP,
    NESTED_TOO_DEEP,
    archive_kind,
    too_many,
    unsupported_reason,
)
from logforensics.ingest.source import READ_ERRORS, Blob, Context, Found, Tree, read_content
from logforensics.ingest.tars import list_tar
from logforensics.ingest.zips import list_zip

__all__ = ["MEMBER_SEP", "archive_kind", "expand_archive", "unsupported_reason"]

Expand = Callable[[Blob, Context], Iterable[Found]]


def expand_archive(blob: Blob, ctx: Context, expand: Expand) -> Iterator[Found]:
    """The members of an archive blob as ``Found`` items, then the archive itself when something was not read."""
    if blob.depth >= 2:
        yield Found(blob.path, blob.label, blob.size, NESTED_TOO_DEEP)
        return
    kind = archive_kind(blob.label)
    nested = blob.depth == 1
    tree = blob.tree if blob.tree is not None else Tree(blob.label)
    notes: list[str] = []
    if nested:
        try:
            data, damage = _load_nested(blob, ctx)
        except InputError as exc:
            yield Found(blob.path, blob.label, blob.size, str(exc))
            return
        notes.extend(damage)  # a cut nested archive is still listed, as far as it goes
        ctx.nested(blob.label, lambda: data)
        del data

        def raw() -> BinaryIO:
            return io.BytesIO(ctx.nested(blob.label, lambda: _load_nested(blob, ctx, charge=False)[0]))

    else:
        raw = blob.open
    members = list_zip(blob, raw, ctx, tree, notes) if kind == "zip" else list_tar(blob, raw, ctx, tree, notes)
    listed = 0
    try:
        for member in members:
            listed += 1
            if isinstance(member, Found):
                yield member
                continue
            try:
                yield from expand(member, ctx)
            except READ_ERRORS as exc:
                yield Found(member.path, member.label, member.size, f"cannot read: {_describe(exc)}")
    except READ_ERRORS as exc:
        notes.append(f"archive could not be read further: {_describe(exc)}")
    if blob.tree is None and (tree.overflow or tree.stopped):
        notes.append(too_many(tree, ctx.limits.max_members))
    if not listed and not notes:
        notes.append(EMPTY)
    if notes:
        yield Found(blob.path, blob.label, blob.size, "; ".join(dict.fromkeys(notes)))


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _load_nested(blob: Blob, ctx: Context, charge: bool = True) -> tuple[bytes, list[str]]:
    """A nested archive's bytes, in memory (at most ``max_bytes``, counted in the total budget the first time), and
    the damage met reading them."""
    limit = ctx.limits.max_bytes
    if blob.expected is not None and blob.expected > limit:
        raise InputError(f"nested archive of {blob.expected} bytes is over --max-bytes ({limit}), not opened")
    try:
        read = read_content(blob.open, limit + 1, ctx, compressed=blob.compressed, charge=charge, cap=False)
    except InputError as exc:
        raise InputError(f"nested archive not opened: {exc}") from exc
    if len(read.data) > limit:
        raise InputError(f"nested archive is over --max-bytes ({limit} bytes inflated), not opened")
    return read.data, [f"nested archive damaged: {warning}" for warning in read.warnings]
