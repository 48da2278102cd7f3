"""Flink log layouts: lines to records, vectorised in polars.

A header line starts with a timestamp and a level; every other line is a continuation (stack frame, ``Caused by:``,
the memory Preconfiguration block, YARN diagnostics) and belongs to the header above it (a cumulative sum of the
header flags). Lines before the first header are counted as unparsed. Only continuation lines are grouped (they are
few), and the header fields are cut with anchored expressions instead of a whole-line regex (see
../shared/reference/performance.md for the measurements behind this).

Layouts (each with a real sample line in tests/parsers/test_flink.py):
- ``log4j1`` (Flink <= 1.10): ``2020-04-01 10:00:00,123 INFO  org.apache.flink...TaskExecutor   - Received task``
- ``log4j2`` (Flink 1.11+):   ``2025-03-26 11:50:40,548 INFO  org.apache.flink...TaskManagerRunner [] - Starting``
Both tolerate a thread token after the level (``INFO  [74] org.apache...``), an unpadded logger, a ``T`` between date
and time and a dot before the milliseconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from logforensics.model import RECORDS_SCHEMA

LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL")

# A header: date, time with millis, then a level. Anchored, so polars rejects non-headers after a few bytes.
HEADER_RE = r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.]\d{3}\s+(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b"
_TS_WIDTH = 23  # len("2020-04-01 10:00:00,123")

# What follows the level: an optional [thread] token, the logger, an optional NDC/MDC token, " - ", the message.
_LOGGER_RE = r"^(?:\[[^\]]*\]\s+)?([^\s\[\]]+)"


@dataclass(frozen=True)
class FlinkParse:
    records: pl.DataFrame
    """RECORDS_SCHEMA; ``ts`` filled in by :func:`localize`."""
    lines: int
    unparsed_lines: int
    """Lines before the first record header."""


def sniff_layout(head: str) -> str | None:
    """``log4j2`` / ``log4j1`` when the head holds Flink-style header lines, else None."""
    frame = pl.DataFrame({"line": head.splitlines()[:400]}, schema={"line": pl.String()})
    headers = frame.filter(pl.col("line").str.contains(HEADER_RE))
    if headers.height == 0:
        return None
    with_ndc = headers.filter(pl.col("line").str.contains(r"\S \[[^\]]*\] - ")).height
    return "log4j2" if with_ndc * 2 >= headers.height else "log4j1"


def parse_flink(lines: pl.DataFrame, source: str) -> FlinkParse:
    """Group ``lines`` (``line_no``, ``line``) into records. Timestamps stay naive in ``ts_local``."""
    total = lines.height
    if total == 0:
        return FlinkParse(pl.DataFrame(schema=RECORDS_SCHEMA), 0, 0)
    marked = lines.with_columns(is_header=pl.col("line").str.contains(HEADER_RE)).with_columns(
        record=pl.col("is_header").cast(pl.Int64).cum_sum()
    )
    unparsed = int(marked.select((pl.col("record") == 0).sum()).item())
    details = (
        marked.filter(~pl.col("is_header") & (pl.col("record") > 0))
        .group_by("record", maintain_order=True)
        .agg(detail=pl.col("line").str.join("\n"))
    )
    headers = marked.filter(pl.col("is_header")).select("record", "line_no", "line")
    after_ts = pl.col("line").str.slice(_TS_WIDTH).str.strip_chars_start()
    level = after_ts.str.extract(r"^([A-Z]+)", 1)
    records = (
        headers.with_columns(
            ts_local=pl.col("line")
            .str.slice(0, _TS_WIDTH)
            .str.replace("T", " ", literal=True)
            .str.replace(".", ",", literal=True)
            .str.to_datetime("%Y-%m-%d %H:%M:%S,%3f", time_unit="ms", strict=False),
            level=level.str.replace("WARNING", "WARN", literal=True),
            rest=after_ts.str.slice(level.str.len_chars()).str.strip_chars_start(),
        )
        .with_columns(
            split=pl.col("rest").str.splitn(" - ", 2),
        )
        .with_columns(
            head=pl.col("split").struct.field("field_0"),
            tail=pl.col("split").struct.field("field_1"),
        )
        .with_columns(
            logger=pl.when(pl.col("tail").is_not_null()).then(pl.col("head").str.extract(_LOGGER_RE, 1)),
            message=pl.coalesce(pl.col("tail"), pl.col("rest")),
        )
        .join(details, on="record", how="left")
        .with_columns(
            n_lines=(pl.col("line_no").shift(-1).fill_null(total + 1) - pl.col("line_no")).cast(pl.Int64),
            source=pl.lit(source),
            ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
            line=pl.col("line_no"),
        )
        .select(list(RECORDS_SCHEMA))
    )
    return FlinkParse(records, total, unparsed)


def parse_plain(lines: pl.DataFrame, source: str) -> FlinkParse:
    """``.out``/``.err`` and other text without timestamps: a line that does not look like a stack-trace
    continuation starts a record. Records have no time (``ts`` null)."""
    total = lines.height
    if total == 0:
        return FlinkParse(pl.DataFrame(schema=RECORDS_SCHEMA), 0, 0)
    continuation = r"^(?:\s|at |Caused by:|Suppressed:|\.\.\. \d+ more|$)"
    marked = lines.with_columns(is_header=~pl.col("line").str.contains(continuation)).with_columns(
        record=pl.col("is_header").cast(pl.Int64).cum_sum()
    )
    unparsed = int(marked.select((pl.col("record") == 0).sum()).item())
    details = (
        marked.filter(~pl.col("is_header") & (pl.col("record") > 0))
        .group_by("record", maintain_order=True)
        .agg(detail=pl.col("line").str.join("\n"))
    )
    records = (
        marked.filter(pl.col("is_header"))
        .join(details, on="record", how="left")
        .with_columns(
            n_lines=(pl.col("line_no").shift(-1).fill_null(total + 1) - pl.col("line_no")).cast(pl.Int64),
            source=pl.lit(source),
            line=pl.col("line_no"),
            ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
            ts_local=pl.lit(None, dtype=RECORDS_SCHEMA["ts_local"]),
            level=pl.lit(None, dtype=pl.String),
            logger=pl.lit(None, dtype=pl.String),
            message=pl.col("line"),
        )
        .select(list(RECORDS_SCHEMA))
    )
    return FlinkParse(records, total, unparsed)


def localize(records: pl.DataFrame, tz: str | dt.timedelta) -> pl.DataFrame:
    """Fill ``ts`` (UTC) from the naive ``ts_local``: ``tz`` is an IANA zone name or a fixed UTC offset."""
    if isinstance(tz, dt.timedelta):
        utc = (pl.col("ts_local") - pl.lit(tz)).dt.replace_time_zone("UTC")
    else:
        utc = (
            pl.col("ts_local")
            .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
            .dt.convert_time_zone("UTC")
        )
    return records.with_columns(ts=utc.cast(RECORDS_SCHEMA["ts"]))


@dataclass(frozen=True)
class BannerFacts:
    version: str | None
    deployment: str
    """yarn | kubernetes | standalone | unknown"""


_VERSION_RE = r"^\s*Starting .*\(Version: (\d+\.\d+(?:\.\d+)?)"
_JAR_VERSION_RE = r"flink-dist[^\s:\]]*:(\d+\.\d+(?:\.\d+)?)"
_DEPLOYMENTS = (
    ("yarn", r"YARN TaskExecutor runner|Yarn\w*(?:ClusterEntrypoint|ClusterEntryPoint)|YarnResourceManager|yarn\."),
    ("kubernetes", r"Kubernetes\w*(?:Entrypoint|TaskExecutor runner)|KubernetesResourceManager|kubernetes\."),
    (
        "standalone",
        r"StandaloneSession|Standalone\w*(?:Entrypoint|EntryPoint)|Starting TaskManager \(Version|"
        r"StandaloneResourceManager",
    ),
)


def banner_facts(records: pl.DataFrame | None) -> BannerFacts:
    """The Flink version (startup banner, else the flink-dist jar named in stack frames) and the deployment."""
    if records is None or records.height == 0:
        return BannerFacts(None, "unknown")
    version = records.select(pl.col("message").str.extract(_VERSION_RE, 1).drop_nulls().first()).item()
    if version is None:
        version = records.select(pl.col("detail").str.extract(_JAR_VERSION_RE, 1).drop_nulls().first()).item()
    text = pl.col("logger").fill_null("") + " " + pl.col("message").fill_null("")
    deployment = "unknown"
    for name, pattern in _DEPLOYMENTS:
        if records.select(text.str.contains(pattern).any()).item():
            deployment = name
            break
    return BannerFacts(version, deployment)
