"""``kubectl logs`` output: split by pod, and the prefixes kubectl adds taken off so the Flink parser sees Flink lines.

``kubectl logs --prefix`` starts every line with ``[pod/<pod>/<container>] ``; ``--timestamps`` with the RFC 3339
time the kubelet received the line (``2024-01-01T10:00:00.123456789Z ``), after the prefix when both are given.
A file where most of the first lines carry one of them is split into one input per pod, labelled ``<file>#<pod>``
(``<file>#<pod>/<container>`` when a pod shows several containers), each with the prefixes stripped; without
``--prefix`` the file stays one input with the timestamps stripped. Flink lines keep their own timestamps; what was
stripped is said in the input's warnings. Lines without a prefix (kubectl's own messages) stay with the pod above.

The work is done by polars over the lines (no Python loop per line): one anchored extract finds the prefix and the
timestamp, a slice by their length cuts them off. Discovery reads the file once for the pods and their first bytes;
the stripped lines are made again when the first pod is read, kept while pods remain to be read, then dropped.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

import polars as pl

from logforensics.ingest.source import HEAD_BYTES, READ_ERRORS, Blob, Context, Found, Read, guarded, read_content
from logforensics.parsers.lines import read_lines

_PREFIX = r"^\[pod/([^/\]\s]+)/([^\]\s]+)\] "
_PREFIX_KEY = r"^\[pod/([^/\]\s]+/[^\]\s]+)\] "
_STAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) "
_STAMP_CAPTURE = "^(" + _STAMP[1:] + ")"
_PREFIX_B = re.compile(_PREFIX.encode(), re.M)
_STAMP_B = re.compile(rb"^(?:\[pod/[^/\]\s]+/[^\]\s]+\] )?" + _STAMP[1:].encode(), re.M)
_SHARE = 0.8
"""Share of the first non-empty lines that must carry the prefix (or the timestamp) for the file to be kubectl's."""


@dataclass(frozen=True)
class Style:
    prefix: bool
    timestamps: bool


def detect(head: bytes) -> Style | None:
    """The kubectl options the file was written with, judged on its first lines; None: not ``kubectl logs``."""
    cut = head.rfind(b"\n")
    sample = head[: cut + 1] if cut >= 0 else head
    lines = sample.count(b"\n") - len(re.findall(rb"^\r?\n", sample, re.M))
    if lines <= 0:
        return None
    prefix = len(_PREFIX_B.findall(sample)) >= _SHARE * lines
    stamps = len(_STAMP_B.findall(sample)) >= _SHARE * lines
    return Style(prefix, stamps) if prefix or stamps else None


@dataclass
class _Split:
    """The pods of one file. The stripped lines are made once, when the first pod is read, kept while pods remain
    to be read, and dropped after the last one."""

    blob: Blob
    style: Style
    ctx: Context
    frame: pl.DataFrame | None = None
    """Columns ``key`` (``pod/container``) and ``line`` (stripped)."""
    remaining: set[str] = field(default_factory=set)
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    read_warnings: tuple[str, ...] = ()

    def lines(self, charge: bool = False) -> pl.DataFrame:
        if self.frame is None:
            read = read_content(
                self.blob.open, self.ctx.limits.max_bytes, self.ctx, compressed=self.blob.compressed, charge=charge
            )
            self.read_warnings = read.warnings
            self.frame = strip(read.data, self.style, self.blob.label)
        return self.frame

    def take(self, key: str, max_bytes: int) -> Read:
        part = self.lines().filter(pl.col("key") == key).select("line")
        self.remaining.discard(key)
        if not self.remaining:
            self.frame = None
        buffer = io.BytesIO()
        part.write_csv(buffer, include_header=False, quote_style="never")
        data = buffer.getvalue()
        warnings = self.read_warnings + self.notes.get(key, ())
        if len(data) > max_bytes:
            data = data[:max_bytes]
            warnings += (f"cut at --max-bytes ({max_bytes} bytes); the rest was not read",)
        return Read(data, hashlib.sha256(data).hexdigest(), warnings)


def strip(data: bytes, style: Style, name: str) -> pl.DataFrame:
    """The lines with kubectl's prefix and timestamp cut off (by length, not by a second regex pass); ``key`` is the
    line's ``pod/container`` (lines without a prefix take the one above), ``prefixed``/``stamped`` say what was cut."""
    line = pl.col("line")
    frame = read_lines(data, name).frame.select("line")
    if style.prefix:
        key = line.str.extract(_PREFIX_KEY, 1)
        frame = frame.with_columns(key=key, prefixed=key.is_not_null()).with_columns(
            line=pl.when(pl.col("prefixed")).then(line.str.slice(pl.col("key").str.len_chars() + 7)).otherwise(line),
            key=pl.col("key").forward_fill().fill_null("/"),
        )
    else:
        frame = frame.with_columns(key=pl.lit("/"), prefixed=pl.lit(False))
    if style.timestamps:
        stamp = line.str.extract(_STAMP_CAPTURE, 1)
        frame = frame.with_columns(stamp=stamp).with_columns(
            stamped=pl.col("stamp").is_not_null(),
            line=pl.when(pl.col("stamp").is_not_null())
            .then(line.str.slice(pl.col("stamp").str.len_chars()))
            .otherwise(line),
        )
    else:
        frame = frame.with_columns(stamped=pl.lit(False))
    return frame.select("key", "line", "prefixed", "stamped")


def _notes(key: str, lines: int, prefixed: int, stamped: int, style: Style) -> tuple[str, ...]:
    said: list[str] = []
    if prefixed:
        pod, _, container = key.partition("/")
        said.append(f"kubectl --prefix: '[pod/{pod}/{container}] ' removed from {prefixed} lines")
    if style.prefix and prefixed < lines:
        said.append(f"{lines - prefixed} lines without a kubectl prefix were kept with the pod above them")
    if stamped:
        said.append(
            f"kubectl --timestamps: the RFC 3339 time at the start of {stamped} lines was removed; records keep "
            "their Flink timestamp, lines without one lose the kubectl time"
        )
    return tuple(said)


def split_pods(blob: Blob, style: Style, ctx: Context) -> list[Found]:
    """One ``Found`` per pod (or one for the whole file without ``--prefix``), prefixes stripped."""
    holder = _Split(blob, style, ctx)
    try:
        frame = holder.lines(charge=True)
        summary = frame.group_by("key", maintain_order=True).agg(
            lines=pl.len(),
            prefixed=pl.col("prefixed").sum(),
            stamped=pl.col("stamped").sum(),
            size=(pl.col("line").str.len_bytes() + 1).sum(),
            head=pl.col("line").head(2000).str.join("\n"),
        )
    except READ_ERRORS as exc:
        return [Found(blob.path, blob.label, blob.size, f"kubectl logs could not be split: {exc}")]
    holder.frame = None  # made again, once, when the first pod is read
    rows = summary.rows(named=True)
    containers: dict[str, int] = {}
    for row in rows:
        pod = row["key"].partition("/")[0]
        containers[pod] = containers.get(pod, 0) + 1
    found: list[Found] = []
    for row in rows:
        key = row["key"]
        pod, _, container = key.partition("/")
        holder.remaining.add(key)
        holder.notes[key] = _notes(key, row["lines"], row["prefixed"], row["stamped"], style)
        if not style.prefix:
            label = blob.label
        elif containers[pod] > 1:
            label = f"{blob.label}#{pod}/{container}"
        else:
            label = f"{blob.label}#{pod}"
        head = (row["head"] + "\n").encode("utf-8")[:HEAD_BYTES]
        found.append(
            Found(
                blob.path,
                label,
                int(row["size"]),
                reader=guarded(lambda max_bytes, key=key: holder.take(key, max_bytes)),  # type: ignore[misc]
                header=lambda head=head: head,  # type: ignore[misc]
            )
        )
    return found
