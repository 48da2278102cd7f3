"""Decompression bombs built in no time: a run of zeros deflates, block after block, to the same bytes once the
compressor is fully flushed, so a gigabyte of zeros is one compressed megabyte block repeated 1024 times. And a
child process whose wall time and peak memory are watched (and which is killed past its bounds), so that a bomb
that is not stopped fails a test instead of the machine."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

MIB = 1 << 20


def deflate_zeros(mib: int, prefix: bytes = b"", level: int = 9) -> bytes:
    """Raw deflate of ``prefix`` followed by ``mib`` MiB of zeros."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(bytes(MIB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return head + block * mib + compressor.flush()


def zeros_crc(mib: int, prefix: bytes = b"") -> int:
    crc = zlib.crc32(prefix)
    zeros = bytes(MIB)
    for _ in range(mib):
        crc = zlib.crc32(zeros, crc)
    return crc


def gzip_zeros(mib: int, prefix: bytes = b"", declared: int | None = None) -> bytes:
    """A gzip file of ``prefix`` + ``mib`` MiB of zeros; ``declared`` forges the size its trailer states."""
    size = len(prefix) + mib * MIB
    trailer = struct.pack("<II", zeros_crc(mib, prefix), (size if declared is None else declared) & 0xFFFFFFFF)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + deflate_zeros(mib, prefix) + trailer


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    """Stored as is when ``method`` is 0; already deflated when 8."""
    method: int = 0
    size: int | None = None
    """Declared inflated size (default: ``len(data)`` for a stored entry)."""
    crc: int = 0


def raw_zip(entries: list[Entry]) -> bytes:
    """A zip written by hand, so that a member can be deflated already and declare any size."""
    out = bytearray()
    central = bytearray()
    for entry in entries:
        name = entry.name.encode()
        size = len(entry.data) if entry.size is None else entry.size
        crc = entry.crc if entry.method else zlib.crc32(entry.data)
        offset = len(out)
        fields = (20, 0, entry.method, 0, 0x21, crc, len(entry.data), size, len(name), 0)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields) + name + entry.data
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, *fields, 0, 0, 0, 0, offset) + name
    count, start = len(entries), len(out)
    out += central
    if count > 0xFFFF:  # zip64 end of central directory, and its locator
        end64 = len(out)
        out += struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, len(central), start)
        out += struct.pack("<4sIQI", b"PK\x06\x07", 0, end64, 1)
        count = 0xFFFF
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, len(central), start, 0)
    return bytes(out)


@dataclass(frozen=True)
class Run:
    code: int
    seconds: float
    peak_kb: int
    """Peak resident memory of the child, as it measured itself (getrusage) or as the watchdog last saw it."""
    killed: bool
    stderr: str


_CHILD = """
import resource, sys
from logforensics.cli import app
try:
    app(args=sys.argv[1:], prog_name="logforensics")
finally:
    print(f"MAXRSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "VmRSS: 0 kB")
    return int(line.split()[1])


def run_bounded(args: list[str], *, seconds: float, max_rss_kb: int) -> Run:
    """``logforensics ARGS`` in a child process, killed when it outlives ``seconds`` or outgrows ``max_rss_kb``."""
    start = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    killed = False
    while child.poll() is None:
        peak = max(peak, _rss_kb(child.pid))
        if peak > max_rss_kb or time.monotonic() - start > seconds:
            child.kill()
            killed = True
            break
        time.sleep(0.05)
    _, stderr = child.communicate()
    elapsed = time.monotonic() - start
    measured = [int(line.split()[1]) for line in stderr.splitlines() if line.startswith("MAXRSS ")]
    return Run(child.returncode, elapsed, max([peak, *measured]), killed, stderr)


def environment_ok() -> bool:
    return Path("/proc/self/status").exists() and os.name == "posix"
