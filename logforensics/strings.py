"""Strings copied into buffers of their own.

A polars string column that was filtered, gathered, sliced or extracted from another is a set of views into the
buffers of all the original strings, and keeps them alive. What outlives the frame it came from (the events of a
chunk, the few texts a fill keeps of a decompressed block) is copied; that costs time in proportion to what is kept.
"""

from __future__ import annotations

import polars as pl


def owned(column: str) -> pl.Expr:
    """``column`` (strings) copied into new buffers. (polars returns a one-column ``concat_str`` as it is: the empty
    string makes it build new strings.)"""
    return pl.concat_str(pl.col(column), pl.lit(""))


def compact(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every string column copied into new buffers (measured: without it, the events of a 1 GiB log's
    chunks kept ~0.8 GB of their chunks' text alive)."""
    strings = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not strings or frame.height == 0:
        return frame
    return frame.with_columns(owned(name).alias(name) for name in strings)
