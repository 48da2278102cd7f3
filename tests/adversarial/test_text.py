"""Any bytes in a log: empty, binary, legacy encodings, UTF-16, odd line ends, NUL bytes, a 50 MB line, a log that
stops mid-line. Each is analysed or named as skipped, with the words of the report, and never raises."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from logforensics.ingest.sniff import ONLY_NUL
from logforensics.parsers.lines import (
    INVALID_UTF8,
    LONE_CR,
    NO_FINAL_EOL,
    NUL_BYTES,
    cap_lines,
    long_line,
    read_lines,
)
from tests.adversarial.conftest import Analyse, oom_record, tm_line, tm_log

BINARY = "binary content, not a text log"
UTF16_NOTE = "decoded from UTF-16-LE (byte order mark) to UTF-8; line numbers are those of the file"


def test_empty_file_is_listed_and_the_rest_is_analysed(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log())
    (logs / "empty.log").write_bytes(b"")
    outcome = analyse(logs)
    assert outcome.code == 3  # --strict: an input was not analysed
    assert outcome.analysed() == ["taskmanager.log"]
    assert outcome.skipped() == {"empty.log": "empty file"}
    assert "skipped empty.log: empty file" in outcome.stderr
    assert "--strict: 1 input problem(s), exit code 3" in outcome.stderr
    assert analyse(logs, strict=False).code == 0  # by default, a warning in the report only


def test_only_an_empty_file_still_gives_a_report(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_bytes(b"")
    outcome = analyse(logs)
    assert (outcome.code, outcome.skipped(), outcome.document["findings"]) == (3, {"taskmanager.log": "empty file"}, [])


def test_binary_files_in_the_log_folder_are_skipped(analyse: Analyse, logs: Path) -> None:
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        zf.writestr("org/example/Job.class", os.urandom(20000))
    (logs / "flink-job.jar").write_bytes(jar.getvalue())
    (logs / "heap.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(5000))
    (logs / "random.bin").write_bytes(os.urandom(100_000))
    (logs / "random.log").write_bytes(os.urandom(100_000))  # the name does not make it a log
    (logs / "taskmanager.log").write_text(tm_log(oom_record()))
    outcome = analyse(logs)
    assert outcome.code == 3
    assert outcome.analysed() == ["taskmanager.log"]
    assert outcome.skipped() == dict.fromkeys(("flink-job.jar", "heap.png", "random.bin", "random.log"), BINARY)
    assert "task_heap_oom" in outcome.finding_ids()


def test_invalid_utf8_is_read_as_replacement_characters(analyse: Analyse, logs: Path) -> None:
    data = tm_log(oom_record(task="Map \xff\xfe\xc3 (1/2)#0")).encode("latin-1")  # bytes that are not UTF-8
    (logs / "taskmanager.log").write_bytes(data)
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["kind"], source["lines"], source["records"], source["unparsed_lines"]) == (
        "flink_taskmanager",
        4,
        2,
        0,
    )
    assert outcome.warnings("taskmanager.log") == [INVALID_UTF8]
    assert outcome.code == 3
    evidence = outcome.evidence("task_heap_oom")
    assert any("Map \ufffd\ufffd\ufffd (1/2)#0" in e["text"] for e in evidence)


def test_gbk_chinese_messages_keep_their_records(analyse: Analyse, logs: Path) -> None:
    messages = [tm_line(f"14:05:{i:02d}", "任务执行失败，连接被远程主机关闭：检查点超时") for i in range(1, 40)]
    (logs / "taskmanager.log").write_bytes(tm_log(*messages, oom_record("14:06:00")).encode("gbk"))
    (logs / "taskmanager.out").write_bytes("任务执行失败，连接被远程主机关闭\n".encode("gbk") * 50)  # all Chinese
    outcome = analyse(logs)
    log, out = outcome.sources["taskmanager.log"], outcome.sources["taskmanager.out"]
    assert (log["kind"], log["layout"], log["lines"], log["records"]) == ("flink_taskmanager", "log4j2", 43, 41)
    assert (out["kind"], out["lines"]) == ("stdout", 50)
    assert outcome.warnings("taskmanager.log") == outcome.warnings("taskmanager.out") == [INVALID_UTF8]
    assert "task_heap_oom" in outcome.finding_ids()


def test_latin1_accents(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_bytes(tm_log(tm_line("14:05:02", "Café München Straße")).encode("latin-1"))
    outcome = analyse(logs)
    assert (outcome.sources["taskmanager.log"]["records"], outcome.warnings("taskmanager.log")) == (2, [INVALID_UTF8])


def test_utf16_with_a_bom_is_decoded_and_analysed(analyse: Analyse, logs: Path) -> None:
    text = tm_log(oom_record()).replace("\n", "\r\n")  # as Windows tools write it
    (logs / "taskmanager.log").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (logs / "be" / "taskmanager.log").parent.mkdir()
    (logs / "be" / "taskmanager.log").write_bytes(b"\xfe\xff" + tm_log().encode("utf-16-be"))
    outcome = analyse(logs)
    assert outcome.code == 0  # decoding is a note, not a problem: nothing was lost
    source = outcome.sources["taskmanager.log"]
    assert (source["kind"], source["lines"], source["records"]) == ("flink_taskmanager", 4, 2)
    assert outcome.warnings("taskmanager.log") == [UTF16_NOTE]
    assert outcome.warnings("be/taskmanager.log") == [UTF16_NOTE.replace("LE", "BE")]
    assert "task_heap_oom" in outcome.finding_ids()
    evidence = outcome.evidence("task_heap_oom")
    assert {(e["source"], e["line"]) for e in evidence} >= {("taskmanager.log", 2)}


def test_utf16_in_an_archive_and_utf32(analyse: Analyse, logs: Path) -> None:
    with zipfile.ZipFile(logs / "logs.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("tm/taskmanager.log", tm_log(oom_record()).encode("utf-16"))  # BOM + native order
    (logs / "jobmanager.log").write_bytes(tm_log().encode("utf-32"))
    outcome = analyse(logs)
    assert outcome.code == 0
    assert outcome.analysed() == ["jobmanager.log", "logs.zip!/tm/taskmanager.log"]
    assert outcome.warnings("logs.zip!/tm/taskmanager.log") == [UTF16_NOTE]
    assert outcome.warnings("jobmanager.log") == [UTF16_NOTE.replace("UTF-16-LE", "UTF-32-LE")]
    assert "task_heap_oom" in outcome.finding_ids()


def test_utf16_without_a_bom_is_binary(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_bytes(tm_log().encode("utf-16-le"))
    assert analyse(logs).skipped() == {"taskmanager.log": BINARY}


def test_mixed_line_ends_only_lf_ends_a_line(analyse: Analyse, logs: Path) -> None:
    """CRLF and LF both end a line; a lone CR does not (line numbers stay those of grep -n): the record after it is
    read as part of the line before, and the source says so."""
    data = (
        tm_line("14:05:00", "Starting TaskManager with ResourceID: x")
        + "\r\n"
        + tm_line("14:05:01", "lf")
        + "\n"
        + tm_line("14:05:02", "before a lone CR")
        + "\r"
        + tm_line("14:05:03", "after a lone CR")
        + "\r\n"
        + tm_line("14:05:04", "last")
        + "\n"
    )
    (logs / "taskmanager.log").write_bytes(data.encode())
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["lines"], source["records"], source["last_ts"]) == (4, 4, "2020-06-01T14:05:04.000Z")
    assert outcome.warnings("taskmanager.log") == [LONE_CR]
    assert outcome.code == 3


def test_crlf_alone_is_not_a_problem(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_bytes(tm_log(oom_record()).replace("\n", "\r\n").encode())
    outcome = analyse(logs)
    assert (outcome.code, outcome.warnings("taskmanager.log"), outcome.sources["taskmanager.log"]["lines"]) == (
        0,
        [],
        4,
    )


def test_nul_bytes_are_data(analyse: Analyse, logs: Path) -> None:
    data = tm_log(tm_line("14:05:01", "Rec\0eived"), "\0" * 300, tm_line("14:05:03", "after the zeros")).encode()
    (logs / "taskmanager.log").write_bytes(data)
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["lines"], source["records"], source["last_ts"]) == (4, 3, "2020-06-01T14:05:03.000Z")
    assert outcome.warnings("taskmanager.log") == [NUL_BYTES]


def test_a_file_truncated_under_its_writer_starts_with_nul_bytes(analyse: Analyse, logs: Path) -> None:
    """logrotate's copytruncate: the writer goes on at its old offset, so the file starts with a hole of NUL bytes
    longer than the head that sniffing sees. The text after the hole is sniffed and analysed."""
    (logs / "taskmanager.log").write_bytes(b"\0" * 300_000 + tm_log(oom_record()).encode())
    (logs / "zeros.log").write_bytes(bytes(100_000))
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["kind"], source["lines"], source["records"], source["unparsed_lines"]) == (
        "flink_taskmanager",
        4,
        1,
        1,  # the first line is the hole glued to the first record
    )
    assert outcome.warnings("taskmanager.log") == [NUL_BYTES]
    assert "task_heap_oom" in outcome.finding_ids()
    assert outcome.skipped() == {"zeros.log": ONLY_NUL}


def test_a_50_mb_single_line(analyse: Analyse, logs: Path) -> None:
    huge = tm_line("14:05:02", "x" * (50 << 20))
    (logs / "taskmanager.log").write_text(tm_log(huge, oom_record("14:05:03")))
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["lines"], source["records"], source["last_ts"]) == (5, 3, "2020-06-01T14:05:03.000Z")
    assert (outcome.code, outcome.warnings("taskmanager.log")) == (0, [])
    assert "task_heap_oom" in outcome.finding_ids()
    assert len(outcome.html) < 5 << 20  # the line is not copied into the report


def test_a_line_longer_than_the_cap_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line past MAX_LINE_BYTES (64 MiB: a gigabyte of zeros has no line end) keeps its first bytes."""
    import logforensics.parsers.lines as lines

    assert cap_lines(b"aaaa\nbbbbbbbbbb\ncc\nddddddddddddd", 5) == (b"aaaa\nbbbbb\ncc\nddddd", 2)
    assert cap_lines(b"ab\ncd\n", 2) == (b"ab\ncd\n", 0)
    monkeypatch.setattr(lines, "MAX_LINE_BYTES", 1000)
    result = read_lines(b"short\n" + b"z" * 5000 + b"\nend\n", "t")
    assert result.frame["line"].to_list() == ["short", "z" * 1000, "end"]
    assert result.warnings == (long_line(1000),)


def test_a_log_that_stops_mid_stack_trace(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log(oom_record()) + "\tat java.util.ArrayList.gr")
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["lines"], source["records"]) == (5, 2)
    assert outcome.warnings("taskmanager.log") == [NO_FINAL_EOL]
    assert "task_heap_oom" in outcome.finding_ids()  # the partial trace still counts
    assert outcome.code == 3


def test_a_log_that_stops_mid_line(analyse: Analyse, logs: Path) -> None:
    (logs / "taskmanager.log").write_text(tm_log() + "2020-06-01 14:05:0")
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log"]
    assert (source["lines"], source["records"], source["last_ts"]) == (2, 1, "2020-06-01T14:05:00.000Z")
    assert outcome.warnings("taskmanager.log") == [NO_FINAL_EOL]
