"""Exception traces saved alone: a trace copied from the web UI or a ticket, or the REST API's exceptions JSON.

Text: a trace starts at a line ``some.package.SomeException[: message]`` at the start of a line (``Caused by:``
lines do not start one), or at a date line right above such a line (the web UI's exception history shows the time
above the trace, e.g. ``2024-11-19 20:21:55``). Every other line (frames, ``Caused by:``, ``... 25 more``, a message
wrapped over several lines, blank lines) continues the trace above it; lines before the first trace are unparsed.
One record per trace: ``message`` is the exception line, ``detail`` the lines after it, ``ts_local`` the date line's
time (the web UI shows the browser's local time), level ``ERROR``, no logger. Vectorised in polars like the log
parsers.

JSON (``GET /jobs/<id>/exceptions``, Flink 1.10-2.0): ``root-exception`` (a full trace) with ``timestamp``;
``all-exceptions`` (``exception``, ``task``, ``location``, ``timestamp``; up to 1.x); ``exceptionHistory.entries``
(``exceptionName``, ``stacktrace``, ``timestamp``, ``taskName``, ``location``/``endpoint``, ``taskManagerId``,
``concurrentExceptions``; 1.13+). One record per distinct trace (the root exception is also the newest history
entry: it is kept once); ``ts_local`` is the epoch-millisecond timestamp as naive UTC (``ts`` is filled too: localize
the records of a ``rest_json`` trace with ``UTC``). A record's ``line`` is the line its trace starts on in the file;
lines before the first trace are unparsed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import polars as pl

from logforensics.model import RECORDS_SCHEMA
from logforensics.parsers.flink import FlinkParse

_DATE = r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?\s*$"
_EXCEPTION = r"^[\w$.]+\.[\w$]*(?:Exception|Error|Throwable)(?::(?: .*)?)?$"
_TRACE_KEYS = ("root-exception", "exception", "stacktrace")
_KEY_AT = re.compile(rb'(?<!\\)"(root-exception|exception|stacktrace)"\s*:')


def parse_trace(lines: pl.DataFrame, source: str, raw: bytes) -> FlinkParse:
    """Records of the traces in ``lines`` (``line_no``, ``line``); ``raw`` (the same bytes) for the JSON form."""
    if lines.height == 0:
        return FlinkParse(pl.DataFrame(schema=RECORDS_SCHEMA), 0, 0)
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        parsed = _parse_json(lines.height, source, raw)
        if parsed is not None:
            return parsed
    return _parse_text(lines, source)


def _parse_text(lines: pl.DataFrame, source: str) -> FlinkParse:
    total = lines.height
    line = pl.col("line")
    marked = (
        lines.with_columns(
            is_date=line.str.contains(_DATE),
            is_exception=line.str.contains(_EXCEPTION),
        )
        .with_columns(
            date_start=pl.col("is_date") & pl.col("is_exception").shift(-1, fill_value=False),
        )
        .with_columns(
            after_date=pl.col("date_start").shift(1, fill_value=False),
        )
        .with_columns(
            start=pl.col("date_start") | (pl.col("is_exception") & ~pl.col("after_date")),
            is_message=(pl.col("is_exception") & ~pl.col("after_date") & ~pl.col("date_start")) | pl.col("after_date"),
        )
        .with_columns(record=pl.col("start").cast(pl.Int64).cum_sum())
    )
    unparsed = int(marked.select((pl.col("record") == 0).sum()).item())
    body = marked.filter(pl.col("record") > 0)
    records = (
        body.group_by("record", maintain_order=True)
        .agg(
            line=pl.col("line_no").first(),
            n_lines=pl.len().cast(pl.Int64),
            message=line.filter(pl.col("is_message")).first(),
            date=line.filter(pl.col("date_start")).first(),
            detail=line.filter(~pl.col("is_message") & ~pl.col("date_start")),
        )
        .with_columns(
            detail=pl.when(pl.col("detail").list.len() > 0).then(pl.col("detail").list.join("\n")),
            ts_local=pl.col("date")
            .str.strip_chars()
            .str.replace("T", " ", literal=True)
            .str.replace(",", ".", literal=True)
            .str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="ms", strict=False),
            source=pl.lit(source),
            ts=pl.lit(None, dtype=RECORDS_SCHEMA["ts"]),
            level=pl.lit("ERROR"),
            logger=pl.lit(None, dtype=pl.String),
        )
        .select(list(RECORDS_SCHEMA))
        .cast(RECORDS_SCHEMA)  # type: ignore[arg-type]
    )
    return FlinkParse(records, total, unparsed)


def _parse_json(total: int, source: str, raw: bytes) -> FlinkParse | None:
    try:
        document = json.loads(raw.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    try:
        traces = list(_traces(document, None))
    except RecursionError:  # nested about as deep as json.loads allows: not the REST API's document
        return None
    if not traces:
        return None
    # Each trace's line: the keys that hold a trace occur in the text in document order.
    offsets = [m.start() for m in _KEY_AT.finditer(raw)]
    keyed = len(offsets) == len(traces)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, int | None]] = set()
    for index, (text, millis) in enumerate(traces):
        line_no = raw.count(b"\n", 0, offsets[index]) + 1 if keyed else 1
        if (text, millis) in seen or not text.strip():
            continue
        seen.add((text, millis))
        head, _, rest = text.strip("\n").partition("\n")
        naive = None
        if millis is not None:
            naive = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=millis)
        rows.append({"line": line_no, "message": head.rstrip("\r"), "detail": rest or None, "ts_local": naive})
    if not rows:
        return None
    frame = (
        pl.DataFrame(
            rows,
            schema={"line": pl.Int64(), "message": pl.String(), "detail": pl.String(), "ts_local": pl.Datetime("ms")},
            orient="row",
        )
        .with_row_index("order")
        .sort("line", "order", maintain_order=True)
        .with_columns(
            n_lines=(pl.col("line").shift(-1).fill_null(total + 1) - pl.col("line")).cast(pl.Int64),
            source=pl.lit(source),
            ts=pl.col("ts_local").dt.replace_time_zone("UTC"),
            level=pl.lit("ERROR"),
            logger=pl.lit(None, dtype=pl.String),
        )
        .select(list(RECORDS_SCHEMA))
        .cast(RECORDS_SCHEMA)  # type: ignore[arg-type]
    )
    first = int(frame["line"].min() or 1)  # type: ignore[arg-type]
    return FlinkParse(frame, total, first - 1)


def _traces(node: Any, millis: int | None) -> Iterator[tuple[str, int | None]]:
    """(trace, epoch millis) for every value under a trace key, in document order."""
    if isinstance(node, dict):
        stamp = node.get("timestamp")
        here = stamp if isinstance(stamp, int) and not isinstance(stamp, bool) else millis
        for key, value in node.items():
            if key in _TRACE_KEYS and isinstance(value, str):
                yield value, here
            elif isinstance(value, dict | list):
                yield from _traces(value, here)
    elif isinstance(node, list):
        for item in node:
            yield from _traces(item, millis)
