"""The text of the timeline's log events, kept compressed beside the timeline and read back by (source, line).

An event's text (its record's message and continuation lines, EVENT_TEXT_CAP) is most of what it weighs, and is read
for few events: the evidence of the findings, the rows of the report's tables, the chart's markers. A 1 GiB
jobmanager.log yields 2.3 M events whose texts weigh 428 MiB as polars strings (two thirds of the timeline); the
same texts as zstd-compressed Arrow IPC, one block per digest batch, weigh 36 MiB (log messages repeat themselves).
So the scan moves each batch of events' texts here and leaves ``text`` null in the timeline; :meth:`EventTexts.fill`
puts them back into the rows that are shown or exported, decompressing only the blocks that hold them, one at a time.
Blocks are kept in no particular order: a block is read when a wanted line falls in its range.

The events of one record share its text, and a record is known by its source and first line: that is the key.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl

from logforensics.strings import owned

_TEXTS_SCHEMA: dict[str, pl.DataType] = {"line": pl.Int64(), "text": pl.String()}


@dataclass(frozen=True)
class _Block:
    """The texts of one batch of one source's records: lines ``first``..``last``, compressed."""

    first: int
    last: int
    data: bytes

    def read(self) -> pl.DataFrame:
        return pl.read_ipc(io.BytesIO(self.data))


@dataclass
class EventTexts:
    """Compressed event texts by source label (see the module docstring)."""

    blocks: dict[str, list[_Block]] = field(default_factory=dict)

    def add(self, source: str, texts: pl.DataFrame) -> None:
        """Keep the ``line``, ``text`` rows of ``source`` (one per line: the events of a record share its text)."""
        texts = texts.select(list(_TEXTS_SCHEMA)).drop_nulls("text").unique("line", keep="first").sort("line")
        if texts.height == 0:
            return
        buffer = io.BytesIO()
        texts.cast(_TEXTS_SCHEMA).write_ipc(buffer, compression="zstd")  # type: ignore[arg-type]
        self.blocks.setdefault(source, []).append(_Block(texts["line"][0], texts["line"][-1], buffer.getvalue()))

    def update(self, others: Iterable[EventTexts]) -> EventTexts:
        """Take in the blocks of ``others`` (the texts of other sources, or later batches of the same)."""
        for other in others:
            for source, blocks in other.blocks.items():
                self.blocks.setdefault(source, []).extend(blocks)
        return self

    @property
    def stored_bytes(self) -> int:
        return sum(len(block.data) for blocks in self.blocks.values() for block in blocks)

    def fill(self, events: pl.DataFrame) -> pl.DataFrame:
        """``events`` (with ``source``, ``line``, ``text``) with each null ``text`` read from here where stored; rows
        and their order are kept. Only the blocks holding a wanted line are decompressed, one at a time."""
        if events.height == 0 or "text" not in events.columns or not self.blocks:
            return events
        wanted = (
            events.filter(pl.col("text").is_null())
            .select(pl.col("source").cast(pl.String), pl.col("line").cast(pl.Int64))
            .drop_nulls()
            .unique()
        )
        found: list[pl.DataFrame] = []
        for (source,), lines in wanted.partition_by("source", as_dict=True).items():
            for block in self.blocks.get(str(source), []):
                if not lines["line"].is_between(block.first, block.last).any():
                    continue
                # The texts kept are copied out: as views they would hold the whole decompressed block (~30 MB).
                found.append(
                    block.read()
                    .join(lines.select("line"), on="line", how="semi")
                    .with_columns(source=pl.lit(str(source), dtype=pl.String), text=owned("text"))
                )
        if not found:
            return events
        stored = pl.concat(found).select("source", "line", pl.col("text").alias("_stored"))
        return (
            events.with_columns(_source=pl.col("source").cast(pl.String), _line=pl.col("line").cast(pl.Int64))
            .join(
                stored.rename({"source": "_source", "line": "_line"}),
                on=["_source", "_line"],
                how="left",
                maintain_order="left",
            )
            .with_columns(pl.coalesce("text", "_stored").cast(events.schema["text"]).alias("text"))
            .drop("_source", "_line", "_stored")
        )
