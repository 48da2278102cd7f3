"""One input as ``analyze`` reads it (:class:`Parsed`): what sniffing decided, then the scan or the GC parse.

Shared by :mod:`logforensics.api` (the pipeline), :mod:`logforensics.gcinputs` (GC logs) and
:mod:`logforensics.assembly` (the parts of the Analysis built after matching).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from logforensics.ingest.discover import Found
from logforensics.model import SourceKind
from logforensics.parsers.gc import GcParse
from logforensics.scan import ScanResult


@dataclass
class Parsed:
    found: Found
    kind: SourceKind
    layout: str | None
    warnings: tuple[str, ...] = ()
    scan: ScanResult | None = None
    gc: GcParse | None = None
    lines: pl.DataFrame | None = None
    """The lines of an input read whole (GC logs, saved traces)."""
    skipped_reason: str | None = None
    sha256: str = ""


def date_from_context(dated: list[Parsed]) -> dt.date | None:
    """The date of logs that write only the time of day: the first date the other logs of the incident show."""
    firsts = [p.scan.first_ts for p in dated if p.scan is not None and p.scan.first_ts is not None]
    return min(firsts).date() if firsts else None
