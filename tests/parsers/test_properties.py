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
