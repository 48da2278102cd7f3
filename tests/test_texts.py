"""Event texts kept compressed beside the timeline (logforensics/texts.py), and the outputs that read them back."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from logforensics.api import analyze
from logforensics.model import EVENTS_SCHEMA, VERSION_SIGNAL
from logforensics.report.parquet import write_parquet
from logforensics.texts import EventTexts, _Block

SAMPLES = Path(__file__).resolve().parents[1] / "sample_logs"


def _texts(lines: range, word: str) -> pl.DataFrame:
    return pl.DataFrame({"line": list(lines), "text": [f"{word} {n}" for n in lines]})


def _events(rows: list[tuple[str, int, str | None]]) -> pl.DataFrame:
    schema = {"source": EVENTS_SCHEMA["source"], "line": pl.Int64(), "text": pl.String()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def test_fill_puts_back_the_text_of_each_row_by_source_and_line_keeping_rows_and_order() -> None:
    texts = EventTexts()
    texts.add("a.log", _texts(range(1, 100), "a"))
    texts.add("a.log", _texts(range(100, 200), "a"))
    texts.add("b.log", _texts(range(1, 50), "b"))
    events = _events(
        [
            ("b.log", 7, None),
            ("a.log", 150, None),
            ("a.log", 3, "kept as it is"),  # a text the frame carries wins
            ("a.log", 150, None),  # several events of one record
            ("c.log", 1, None),  # nothing stored for this source
            ("a.log", 500, None),  # nor for this line
        ]
    )
    filled = texts.fill(events)
    assert filled.schema == events.schema
    assert filled.select("source", "line").equals(events.select("source", "line"))
    assert filled["text"].to_list() == ["b 7", "a 150", "kept as it is", "a 150", None, None]


def test_blocks_added_out_of_order_are_found_and_only_those_holding_a_wanted_line_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = EventTexts()
    for start in (300, 1, 100, 200):
        texts.add("x.log", _texts(range(start, start + 100), "x"))
    read: list[int] = []
    original = _Block.read

    def counting(block: _Block) -> pl.DataFrame:
        read.append(block.first)
        return original(block)

    monkeypatch.setattr(_Block, "read", counting)
    filled = texts.fill(_events([("x.log", 250, None), ("x.log", 5, None)]))
    assert filled["text"].to_list() == ["x 250", "x 5"]
    assert sorted(read) == [1, 200]


def test_one_text_per_line_is_stored_and_repetitive_log_text_compresses() -> None:
    message = "Checkpoint {n} of job 41745019b857e8a190ae4eee31f60414 expired before completing."
    rows = [message.format(n=n) for n in range(20_000)]
    frame = pl.DataFrame({"line": [n // 2 for n in range(40_000)], "text": [r for r in rows for _ in (0, 1)]})
    texts = EventTexts()
    texts.add("jobmanager.log", frame)
    raw = sum(len(r.encode()) for r in rows)
    assert texts.stored_bytes * 5 < raw
    back = texts.fill(_events([("jobmanager.log", n, None) for n in range(20_000)]))
    assert back["text"].to_list() == rows


def test_fill_of_an_empty_store_or_frame_changes_nothing() -> None:
    events = _events([("a.log", 1, None)])
    assert EventTexts().fill(events).equals(events)
    texts = EventTexts()
    texts.add("a.log", _texts(range(1, 3), "a"))
    empty = events.clear()
    assert texts.fill(empty).equals(empty)


def test_the_timeline_of_an_incident_leaves_log_texts_to_the_store_and_every_output_reads_them(tmp_path: Path) -> None:
    analysis = analyze([SAMPLES / "metaspace-oom-1.17"])
    events = analysis.events
    from_logs = events.filter(pl.col("source_kind").cast(pl.String).str.starts_with("flink_"))
    # Null in the timeline, but for the version banner, whose text the analysis reads itself, and the silences, whose
    # text says how long they lasted (no line holds it).
    inline = from_logs.filter(pl.col("text").is_not_null())
    assert set(inline["kind"].cast(pl.String)) == {VERSION_SIGNAL, "tm_log_gap"}
    assert from_logs.height - inline.height > 500
    filled = analysis.with_text(events)
    assert filled.filter(pl.col("source_kind").cast(pl.String).str.starts_with("flink_"))["text"].null_count() == 0
    # Evidence lines carry their text.
    evidence = [e for f in analysis.findings for e in f.evidence]
    assert evidence and all(e.text for e in evidence)
    # The Parquet timeline is whole.
    write_parquet(analysis, tmp_path)
    exported = pl.read_parquet(tmp_path / "events.parquet")
    assert exported["text"].to_list() == filled["text"].to_list()
