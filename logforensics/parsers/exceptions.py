"""Java exception traces in log records, grouped by a masked signature; vectorised in polars.

Which records hold a trace (RECORDS_SCHEMA input, one row per record):

- the record's own message is an exception line (a bare trace: ``.err`` files, saved traces, parse_plain records);
- or a continuation line is an exception line: the trace starts at the first such line of ``detail``;
- or ``detail`` holds stack frames (``at a.B.c(``) or a ``Caused by:`` line without any exception line (frames
  pasted alone): the exception is then ``<no exception line>``.

An exception line is ``<class>`` or ``<class>: <message>`` where the class is a dotted Java name ending in
``Exception``, ``Error`` or ``Throwable`` (plus any suffix: ``ExceptionInInitializerError``); the dot is required so
prose such as ``TimeoutError: ...`` is not taken for a trace.

Parts of a trace:

- ``exception``: its first line; ``root_cause``: the last ``Caused by: <class>: <message>`` at the start of a line
  (``Caused by:`` nested in a tab-indented ``Suppressed:`` block belongs to that block and is ignored), or the
  exception itself when there is none;
- top frames: the first 3 ``at <frame>`` lines of the root cause's block, falling back to the exception's block
  when the root block has none (``... 25 more``); a frame is ``package.Class.method`` without file, line, jar;
  generated names are masked (``$$Lambda$<n>``, ``GeneratedMethodAccessor<n>``);
- signature: ``<exception class> | <root class>: <masked root message> | <frame> < <frame> < <frame>``.

Masking (see :data:`MASKS`, applied in order to the exception and root-cause lines): quoted paths/URIs, URIs,
ExecutionAttemptIDs, UUIDs, YARN container ids (with their ``(host:port)``), TaskManager resource ids
(``host:port-6hex``), paths with two or more ``/``, object hashes ``@1a2b3c``, IPs and ``host:port``, 32-hex ids,
other runs of 8+ hex digits, subtask markers ``(1/4)``, attempt ``#3``, then every remaining digit run -> ``<n>``.

Groups: one per signature, with the count, first/last ``ts``, the masked exception/root of the first occurrence and
its trace as the example (first occurrence = earliest ``ts``, then source and line), sorted by count descending
then first ``ts``. ``benign`` is true when every record of the group matches :data:`BENIGN_PATTERNS` (Flink's own
end-to-end whitelist of noise, ../shared/reference/flink-log-templates.md §12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Literal

import polars as pl

from logforensics.model import ExceptionGroup

BenignScope = Literal["any", "root", "context"]

# Noise that Flink's end-to-end tests whitelist (flink-end-to-end-tests/test-scripts/common.sh), as
# (regex, scope). Scope ``any``: searched in the exception line, the root-cause line, the top frames and the
# record's own message; ``root``: the root-cause line only; ``context``: kept for the record (a wrapper that is
# never a cause by itself), it never makes a group benign: the group is judged by what it wraps.
BENIGN_PATTERNS: tuple[tuple[str, BenignScope], ...] = (
    # Akka/Pekko ask that timed out: RPCs retried while components start, stop or fail over.
    (r"AskTimeoutException", "any"),
    # A TaskExecutor trying to register before the ResourceManager has been elected.
    (r"Cannot connect to ResourceManager right now", "any"),
    # Work handed to an executor that is already shut down (shutdown, cancel, failover).
    (r"RejectedExecutionException", "any"),
    # Futures cancelled on purpose (job cancel, failover, shutdown).
    (r"CancellationException", "any"),
    # e2e: "... due to CancelTaskException": a task cancelled by a failover of its region.
    (r"CancelTaskException", "any"),
    # e2e: "java.lang.Exception: Execution was suspended": JobMaster suspended (leadership loss, shutdown).
    (r"java\.lang\.Exception: Execution was suspended", "any"),
    # e2e: "Caused by: java.lang.Exception: JobManager is shutting down": what tasks get when the JM stops.
    (r"java\.lang\.Exception: JobManager is shutting down", "any"),
    # e2e: "org.apache.flink.runtime.JobException: Recovery is suppressed": the wrapper of a final failure;
    # context only, its cause decides.
    (r"JobException: Recovery is suppressed", "context"),
    # RPC to an endpoint that has already stopped (late messages during shutdown).
    (r"RecipientUnreachableException", "any"),
    # Netty's "An exception was thrown by an exception handler" while its event loop shuts down.
    (r"An exception was thrown by an exception handler", "any"),
    # Kafka client: connection to a broker closed; the client reconnects.
    (r"org\.apache\.kafka\.common\.errors\.DisconnectException", "any"),
    # Kafka client: group coordinator moving or not elected yet; retried.
    (r"GroupCoordinatorNotAvailableException", "any"),
    # Kafka client: an offset commit to be retried (offsets are committed again on the next checkpoint).
    (r"RetriableCommitFailedException", "any"),
    # Secondary failure of a task being cancelled: its network buffer pool was already released.
    (r"Buffer pool is destroyed", "any"),
    # InterruptedException while cancelling (the task thread is interrupted on purpose); needs "cancel" nearby.
    (r"(?is)InterruptedException.*cancel|cancel.*InterruptedException", "any"),
)

NO_EXCEPTION_LINE = "<no exception line>"

KEEP_LITERALS: tuple[str, ...] = ("Exception", "Error", "Throwable")
"""What a single-line record must hold to be a bare trace (an exception line with no frames, e.g. in .out files);
multi-line records are the other candidates."""

_CLASS = r"(?:[\w$]+\.)+[\w$]*(?:Exception|Error|Throwable)[\w$]*"
_EXC_LINE_RE = rf"^[ \t]*({_CLASS})(?::[ \t]?(.*))?$"
# The first exception line of a multi-line text (only the line is captured: capturing the rest is 30x slower).
_EXC_LINE_IN_TEXT_RE = rf"(?m)^[ \t]*({_CLASS}(?::[^\n]*)?)$"
_FRAME_RE = r"(?m)^[ \t]*at [\w$.<>/-]+\("
_FRAME_ALL_RE = r"(?m)^[ \t]*at [^\s(]+"
_CAUSED_BY = "\nCaused by: "
_DETAIL_PREFILTER = r"Exception|Error|Throwable|Caused by:|(?m)^[ \t]*at "
_LINE_CAP = 600
"""Characters of an exception/root-cause message that are masked and compared."""
_FRAME_SCAN_CAP = 4000
"""Characters of a block searched for its top frames."""
TOP_FRAMES = 3

# (regex, replacement), applied in order to the exception and root-cause lines.
MASKS: tuple[tuple[str, str], ...] = (
    (r"'[^'\n]*[/\\][^'\n]*'", "'<path>'"),  # quoted paths and URIs
    (r"\"[^\"\n]*[/\\][^\"\n]*\"", '"<path>"'),
    (r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"\])},]*", "<uri>"),  # hdfs://..., akka.tcp://flink@host:6123/user/...
    (r"(?:\b[\w.-]+)?(?:/[\w.@=+-]+){2,}/?", "<path>"),  # a/b/c, /tmp/x (ids inside go with the path)
    (r"\b[0-9a-f]{32}_[0-9a-f]{32}_\d+_\d+\b", "<attempt_id>"),  # ExecutionAttemptID (1.16+)
    (r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b", "<uuid>"),
    (r"\bcontainer_(?:e\d+_)?\d+_\d+_\d+_\d+(?:\([^)\s]*\))?", "<container>"),  # YARN, with (host:port) 1.12+
    (r"\b[\w.-]+:\d+-[0-9a-f]{6}\b", "<resource_id>"),  # TaskManager ResourceID 1.12+: 172.18.0.3:33783-3e38f6
    (r"@[0-9a-fA-F]{4,}\b", "@<hash>"),  # Object.toString(): SingleLogicalSlot@26f721c7
    (r"\b(?:\d{1,3}\.){3}\d{1,3}:\d{1,5}\b", "<host:port>"),
    (r"\b(?:\d{1,3}\.){3}\d{1,3}\b", "<ip>"),
    (r"\b[\w-]+(?:\.[\w-]+)*:\d{1,5}\b", "<host:port>"),  # hadoop164:45588, localhost:6123
    (r"\b[0-9a-f]{32}\b", "<id>"),  # JobID, AllocationID, 1.10-1.15 ExecutionAttemptID, 1.10-1.11 ResourceID
    (r"\(\d+/\d+\)", "(<subtask>)"),  # subtask (1/4)
    (r"#\d+", "#<n>"),  # attempt number (1.12+ task names)
    (r"\b\d+\b", "<n>"),  # whole numbers
    (r"\b[0-9a-fA-F]{8,}\b", "<hex>"),  # other ids: 8+ hex digits (pure digit runs are numbers by now)
    (r"(^|[^A-Za-z\d])\d+", "${1}<n>"),  # numbers glued to a unit or index (10000ms, taskmanager_0), not s3a/v2
)

_FRAME_MASKS: tuple[tuple[str, str], ...] = (
    (r"^(?:[\w.-]+(?:@[\w.-]*)?/)+", ""),  # JDK 9+ module prefix: java.base/java.lang.Thread.run
    (r"\$\$Lambda\$\d+(?:/(?:0x)?[0-9a-f]+)?", "$$$$Lambda$$<n>"),
    (r"(Generated\w*Accessor)\d+", "${1}<n>"),
)


def mask(text: pl.Expr) -> pl.Expr:
    """``text`` with ids, addresses, paths and numbers replaced by placeholders (:data:`MASKS`)."""
    for pattern, replacement in MASKS:
        text = text.str.replace_all(pattern, replacement)
    return text


def _first_line(text: pl.Expr) -> pl.Expr:
    return text.str.extract(r"^[ \t]*([^\n]*)", 1).str.strip_chars_end()


def _frames(block: pl.Expr) -> pl.Expr:
    """The first TOP_FRAMES frames of a block, as a list of ``package.Class.method``."""
    frames = block.str.head(_FRAME_SCAN_CAP).str.extract_all(_FRAME_ALL_RE).list.head(TOP_FRAMES)
    element = pl.element().str.replace(r"^[ \t]*at ", "")
    for pattern, replacement in _FRAME_MASKS:
        element = element.str.replace_all(pattern, replacement)
    return frames.list.eval(element)


def trace_parts(records: pl.DataFrame) -> pl.DataFrame:
    """One row per record that holds a trace: ``source``, ``line``, ``ts``, ``exception``, ``root_cause``,
    ``exception_class``, ``root_class``, ``frames``, ``signature``, ``benign``, ``trace`` (the full trace text).

    The same trace is logged again and again (measured on a generated 1 GiB log: 9,446 traces, 2,640 distinct), so
    each distinct (message, detail) is taken apart once and the parts joined back to its records."""
    base = records.select(
        "source",
        "line",
        "ts",
        message=pl.col("message").fill_null(""),
        detail=pl.col("detail"),
    )
    # Only a multi-line record or a message naming an exception can hold a trace: the others are not hashed.
    base = base.filter(pl.col("detail").is_not_null() | pl.col("message").str.contains_any(list(KEEP_LITERALS)))
    parts = _distinct_parts(base.select("message", "detail").unique())
    return base.join(parts, on=["message", "detail"], how="inner", nulls_equal=True).select(
        "source",
        "line",
        "ts",
        "exception",
        "root_cause",
        "exception_class",
        "root_class",
        "frames",
        "signature",
        "benign",
        "trace",
    )


def _distinct_parts(base: pl.DataFrame) -> pl.DataFrame:
    """The parts of each (message, detail) of ``base`` that holds a trace, with those two columns as keys."""
    bare = pl.col("message").str.contains("|".join(KEEP_LITERALS)) & pl.col("message").str.contains(_EXC_LINE_RE)
    candidates = base.filter(bare | pl.col("detail").str.contains(_DETAIL_PREFILTER).fill_null(False))
    exc_line_in_detail = pl.col("detail").str.extract(_EXC_LINE_IN_TEXT_RE, 1)
    # The trace runs from that line to the end of the detail.
    in_detail = pl.concat_str(
        pl.col("exc_line_in_detail"),
        pl.col("detail").str.splitn(pl.col("exc_line_in_detail"), 2).struct.field("field_1"),
    )
    frames_only = pl.col("detail").str.contains(_FRAME_RE) | pl.col("detail").str.contains(r"(?m)^[ \t]*Caused by: ")
    traced = (
        candidates.with_columns(bare=bare, exc_line_in_detail=exc_line_in_detail)
        .with_columns(in_detail=in_detail)
        .with_columns(
            trace=pl.when(pl.col("bare"))
            .then(
                pl.concat_str(
                    pl.col("message").str.strip_chars_start(), pl.col("detail"), separator="\n", ignore_nulls=True
                )
            )
            .when(pl.col("in_detail").is_not_null())
            .then(pl.col("in_detail"))
            .when(frames_only)
            .then(pl.col("detail").str.strip_chars_start("\r\n"))
        )
        .filter(pl.col("trace").is_not_null())
        .select("message", "detail", "trace")
    )
    blocks = pl.concat_str(pl.lit("\n"), pl.col("trace")).str.split(_CAUSED_BY)
    exc = _first_line(pl.col("trace")).str.head(_LINE_CAP).str.extract_groups(_EXC_LINE_RE)
    parts = traced.with_columns(
        exc_class=exc.struct.field("1"),
        exc_msg=exc.struct.field("2"),
        exc_block=blocks.list.first(),
        root_block=pl.when(blocks.list.len() > 1).then(blocks.list.last()),
    )
    root = _first_line(pl.col("root_block")).str.head(_LINE_CAP).str.extract_groups(_EXC_LINE_RE)
    parts = parts.with_columns(
        root_class=root.struct.field("1"),
        root_msg=root.struct.field("2"),
        root_line=_first_line(pl.col("root_block")),
        exc_line=_first_line(pl.col("trace")),
    ).with_columns(
        # A "Caused by:" whose text is no exception line (mangled text) names the root by its masked text alone
        # (class ""); without any "Caused by:" the root is the exception itself.
        root_class=pl.when(pl.col("root_block").is_not_null())
        .then(pl.coalesce(pl.col("root_class"), pl.lit("")))
        .otherwise(pl.col("exc_class")),
        root_msg=pl.when(pl.col("root_block").is_not_null())
        .then(pl.when(pl.col("root_class").is_null()).then(pl.col("root_line")).otherwise(pl.col("root_msg")))
        .otherwise(pl.col("exc_msg")),
    )
    root_frames = _frames(pl.col("root_block"))
    parts = parts.with_columns(
        frames=pl.when(root_frames.list.len() > 0).then(root_frames).otherwise(_frames(pl.col("exc_block")))
    )

    def described(cls: str, msg: str) -> pl.Expr:
        masked_msg = mask(pl.col(msg).str.head(_LINE_CAP))
        return (
            pl.when(pl.col(cls).is_null())
            .then(pl.lit(NO_EXCEPTION_LINE))
            .when(pl.col(cls) == "")
            .then(masked_msg.fill_null(""))
            .when(pl.col(msg).is_null())
            .then(pl.col(cls))
            .otherwise(pl.concat_str(pl.col(cls), pl.lit(": "), masked_msg))
        )

    parts = parts.with_columns(
        exception=described("exc_class", "exc_msg"),
        root_cause=described("root_class", "root_msg"),
        frame_text=pl.col("frames").list.join(" < "),
    ).with_columns(
        signature=pl.concat_str(
            pl.col("exc_class").fill_null(NO_EXCEPTION_LINE),
            pl.lit(" | "),
            pl.col("root_cause"),
            pl.lit(" | "),
            pl.col("frame_text").fill_null(""),
        ).str.strip_chars_end(),
        benign=_benign(),
    )
    return parts.select(
        "message",
        "detail",
        "exception",
        "root_cause",
        exception_class=pl.col("exc_class"),
        root_class=pl.col("root_class"),
        frames=pl.col("frames"),
        signature=pl.col("signature"),
        benign=pl.col("benign"),
        trace=pl.col("trace"),
    )


def _benign() -> pl.Expr:
    any_re = "|".join(f"(?:{pattern})" for pattern, scope in BENIGN_PATTERNS if scope == "any")
    root_re = "|".join(f"(?:{pattern})" for pattern, scope in BENIGN_PATTERNS if scope == "root")
    text = pl.concat_str(
        pl.col("exc_line").fill_null("").str.head(_LINE_CAP),
        pl.col("root_line").fill_null("").str.head(_LINE_CAP),
        pl.col("frame_text").fill_null(""),
        pl.col("message").str.head(_LINE_CAP),
        separator="\n",
    )
    benign = text.str.contains(any_re) if any_re else pl.lit(False)
    if root_re:
        benign = benign | pl.coalesce(pl.col("root_line"), pl.col("exc_line")).fill_null("").str.contains(root_re)
    return benign


def group_exceptions(records: pl.DataFrame, *, example_cap: int = 8000) -> tuple[ExceptionGroup, ...]:
    """Traces in RECORDS_SCHEMA ``records`` grouped by signature; most frequent first."""
    parts = trace_parts(records)
    if parts.height == 0:
        return ()
    grouped = (
        parts.sort(["ts", "source", "line"], nulls_last=True, maintain_order=True)
        .group_by("signature", maintain_order=True)
        .agg(
            exception=pl.col("exception").first(),
            root_cause=pl.col("root_cause").first(),
            count=pl.len(),
            first_ts=pl.col("ts").min(),
            last_ts=pl.col("ts").max(),
            example_source=pl.col("source").first(),
            example_line=pl.col("line").first(),
            example=pl.col("trace").first().str.head(max(example_cap, 0)),
            benign=pl.col("benign").all(),
        )
        .sort(["count", "first_ts", "signature"], descending=[True, False, False], nulls_last=True)
    )
    return tuple(
        ExceptionGroup(
            signature=row["signature"],
            exception=row["exception"],
            root_cause=row["root_cause"],
            count=int(row["count"]),
            first_ts=_as_datetime(row["first_ts"]),
            last_ts=_as_datetime(row["last_ts"]),
            example_source=row["example_source"] or "",
            example_line=int(row["example_line"] or 0),
            example=row["example"] or "",
            benign=bool(row["benign"]),
        )
        for row in grouped.iter_rows(named=True)
    )


def _as_datetime(value: object) -> dt.datetime | None:
    return value if isinstance(value, dt.datetime) else None


def merge_groups(parts: list[tuple[ExceptionGroup, ...]]) -> tuple[ExceptionGroup, ...]:
    """Groups found in separate chunks of the logs, merged by signature: counts add up, the earliest example stays."""
    merged: dict[str, ExceptionGroup] = {}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    for groups in parts:
        for group in groups:
            known = merged.get(group.signature)
            if known is None:
                merged[group.signature] = group
                continue
            earliest = min((known, group), key=lambda g: g.first_ts or far)
            firsts = [t for t in (known.first_ts, group.first_ts) if t is not None]
            lasts = [t for t in (known.last_ts, group.last_ts) if t is not None]
            merged[group.signature] = replace(
                earliest,
                count=known.count + group.count,
                first_ts=min(firsts) if firsts else None,
                last_ts=max(lasts) if lasts else None,
                benign=known.benign and group.benign,
            )
    return tuple(sorted(merged.values(), key=lambda g: (-g.count, g.first_ts or far, g.signature)))
