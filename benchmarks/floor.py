#!/usr/bin/env python3
"""The floor of this stack: the least a fresh Python + polars process can do on a file, timed by ``run.py`` beside
``logforensics`` and its peers, so that a ratio to lnav or grep can be read against what no analysis could beat here.

    python benchmarks/floor.py levels FILE            # every line read, record headers found, level counts per minute
    python benchmarks/floor.py literals FILE          # the same, plus one pass of the catalogue's literals
    python benchmarks/floor.py pauses FILE            # unified GC log: every line read, each pause's duration

Each mode is one lazy polars query run by the streaming engine (all cores, no Python per line), built from the
project's own header regex, level slice and literal alternation, and does strictly less than ``logforensics`` must:
no line numbers, no stack traces, no classification, no report. ``levels`` is the work lnav is timed on (index + a
level count); ``literals`` adds the one scan every record header needs before anything can be classified; ``pauses``
is ``grep -c ' Pause '`` plus reading the number each pause line ends with.

The output is checked like the peers' (``run.py``): ``levels`` and ``literals`` print ``LEVEL count`` lines as lnav
does (``literals`` then ``literal-lines N``), ``pauses`` prints the number of pauses and their total milliseconds.
"""

from __future__ import annotations

import sys

import polars as pl

_PAUSE_MS = r" Pause .* (\d+(?:\.\d+)?)ms\s*$"


def _lines(path: str) -> pl.LazyFrame:
    return pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        encoding="utf8-lossy",
        schema={"line": pl.String},
    )


def _keep_regex() -> str:
    """The alternation of the literals the scan looks for in a record header, as ``logforensics analyze`` builds
    it from the default catalogue."""
    from logforensics.catalogue.loader import load_catalogue
    from logforensics.parsers.flink import keep_regex
    from logforensics.resources import patterns_dir
    from logforensics.scan import keep_literals

    return keep_regex(keep_literals(load_catalogue([patterns_dir()])))


def levels(path: str, with_literals: bool) -> None:
    from logforensics.parsers.flink import _quick_level
    from logforensics.parsers.layouts import LAYOUTS

    layout = LAYOUTS["log4j2"]  # the generated logs' layout
    line = pl.col("line")
    headers = _lines(path).filter(line.str.contains(layout.header))
    aggs = [pl.len().alias("count")]
    if with_literals:
        aggs.append(line.str.contains(_keep_regex()).sum().alias("literal_lines"))
    per_minute = (
        headers.group_by(
            line.str.slice(0, 16).alias("minute"),
            _quick_level(layout).alias("level"),
        )
        .agg(aggs)
        .collect(engine="streaming")
    )
    for level, count in per_minute.group_by("level").agg(pl.col("count").sum()).sort("level").iter_rows():
        print(level, count)
    if with_literals:
        print("literal-lines", per_minute["literal_lines"].sum())


def pauses(path: str) -> None:
    line = pl.col("line")
    found = (
        _lines(path)
        .filter(line.str.contains(" Pause ", literal=True))
        .select(line.str.extract(_PAUSE_MS, 1).cast(pl.Float64).alias("ms"))
        .drop_nulls()
        .select(pl.len().alias("pauses"), pl.col("ms").sum().alias("total_ms"))
        .collect(engine="streaming")
    )
    count, total = found.row(0)
    print(f"pauses {count} total_ms {total:.3f}")


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("levels", "literals", "pauses"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, path = argv
    if mode == "pauses":
        pauses(path)
    else:
        levels(path, with_literals=mode == "literals")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
