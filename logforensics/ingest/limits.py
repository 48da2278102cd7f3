"""The bounds of reading: how much one input, all compressed inputs together, and one archive may cost.

An incident pile comes from people who are in a hurry, and sometimes from an attacker: a 20 KB zip that inflates to
20 GB, a tarball with a million empty files, a member named ``../../.bashrc``. Nothing is ever extracted to disk, and
every byte inflated is counted, never taken from a header.
"""

from __future__ import annotations

from dataclasses import dataclass

from logforensics.errors import InputError

GIB = 1024**3

DEFAULT_MAX_BYTES = 4 * GIB
"""Bytes read from one file (after decompression) before it is cut, with a warning."""


@dataclass(frozen=True)
class Limits:
    """What ``discover`` and the readers it returns may spend. Every bound names itself in the message it causes."""

    max_bytes: int = DEFAULT_MAX_BYTES
    """Bytes read from one input after decompression: a file, an archive member, a section of a YARN dump, a pod of
    a ``kubectl logs`` file. The rest is cut with a warning (the input is still analysed). Also the largest archive
    nested in an archive that is opened: a nested archive is held in memory, never written to disk."""
    max_total_bytes: int = 16 * GIB
    """Bytes inflated from compressed inputs (archive members, ``.gz`` members, nested archives) by one ``discover``
    call and its readers, summed. An input read when the budget is spent is refused; one read across the line is cut
    with a warning; an archive is not listed beyond this many inflated bytes. (A ``.gz`` file on disk is inflated by
    the scan itself, which does not charge this budget.)"""
    max_members: int = 10_000
    """Files listed in one archive on disk, the members of the archives nested in it included. The rest is reported,
    in one line on the archive, as not read."""
    max_ratio: float = 200.0
    """Inflated bytes per compressed byte of any compressed stream, member or ``.gz`` file (with 1 MiB of slack for
    small inputs). Above it the input is refused as a decompression bomb; real logs compress 5-50 times. A ``.gz``
    file on disk is checked before it is analysed when its gzip trailer declares more (discover.py), and while the
    scan reads it."""

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_total_bytes <= 0 or self.max_members <= 0 or self.max_ratio <= 1:
            raise ValueError(f"limits must be positive (and max_ratio > 1): {self}")


DEFAULT_LIMITS = Limits()
"""4 GiB per input, 16 GiB inflated in all, 10 000 files per archive, ratio 200."""


class Budget:
    """The bytes still allowed under ``Limits.max_total_bytes``, shared by all the readers of one ``discover``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def take(self, size: int) -> None:
        self.used += size

    def refuse(self) -> InputError:
        return InputError(
            f"not read: {self.used} bytes were already inflated from compressed inputs, the total limit "
            f"(max_total_bytes = {self.limit})"
        )
