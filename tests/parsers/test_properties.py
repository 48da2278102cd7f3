"""Property tests: any bytes go through reading, sniffing and parsing without an exception, every line accounted."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.ingest.sniff import sniff
from logforensics.parsers.flink import parse_flink, parse_plain
from logforensics.parsers.lines import read_lines

HEADER = b"2024-01-01 10:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - "
pieces = st.sampled_from(
    [
        HEADER,
        b"\n",
        b"\r\n",
        b"\r",
        b"\x00",
        b"\xff\xfe",
        b"\tat a.B.c(B.java:1)\n",
        b"Caused by: x\n",
        b"\x1f",
        b"\xe4\xb8",
    ]
)
chunks = st.lists(st.one_of(st.binary(max_size=40), pieces), max_size=40).map(b"".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(chunks)
def test_any_bytes_parse_and_every_line_is_accounted_for(data: bytes) -> None:
    lines = read_lines(data, "fuzz").frame
    assert lines["line_no"].to_list() == list(range(1, lines.height + 1))
    sniff("fuzz.log", data[:65536])
    flink = parse_flink(lines, "fuzz")
    assert int(flink.records["n_lines"].sum() or 0) == flink.lines == lines.height
    plain = parse_plain(lines, "fuzz")
    assert int(plain.records["n_lines"].sum() or 0) + plain.unparsed_lines == plain.lines == lines.height


# What may stand between the level and " - " in real layouts: a [thread] token, a logger, an NDC; any text, including
# characters of several bytes and bytes that are not UTF-8 (read as U+FFFD).
_TOKEN_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="[]-"),
    min_size=1,
    max_size=12,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(thread=_TOKEN_TEXT, logger=_TOKEN_TEXT, ndc=_TOKEN_TEXT, bad=st.sampled_from([b"", b"\xff", b"\xe4\xb8"]))
def test_message_starts_after_the_dash_whatever_precedes_it(thread: str, logger: str, ndc: str, bad: bytes) -> None:
    """The message of a header is everything after its first " - ", and the logger the word after the level (and
    thread), however many bytes the characters before them take."""
    message = "Heartbeat of TaskManager with id tm-1 timed out."
    line = (
        b"2024-01-01 10:00:00,000 INFO  ["
        + thread.encode()
        + bad
        + b"] "
        + logger.encode()
        + b" ["
        + ndc.encode()
        + b"] - "
        + message.encode()
        + b"\n"
    )
    records = parse_flink(read_lines(line, "prop").frame, "prop").records
    row = records.row(0, named=True)
    assert row["message"] == message
    assert row["logger"] == logger
    assert row["level"] == "INFO"
