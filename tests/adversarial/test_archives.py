"""Hostile and broken containers end to end: truncated gzip, corrupt zip, zip-slip names, links in archives, nested
and plain decompression bombs (stopped at the limit quickly, in bounded memory), 100k tiny members. The listing
rules themselves are unit-tested in tests/ingest/test_archive.py; here each case runs the whole analysis."""

from __future__ import annotations

import gzip
import json
import re
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from logforensics.ingest.discover import Limits, discover
from logforensics.parsers.lines import NO_FINAL_EOL
from tests.adversarial.bombs import MIB, Entry, deflate_zeros, environment_ok, gzip_zeros, raw_zip, run_bounded
from tests.adversarial.conftest import Analyse, oom_record, tm_line, tm_log
from tests.ingest.helpers import add_member, add_special, tm_lines

HEAD = tm_log(oom_record()).encode()
"""A log that the analysis finds something in (task_heap_oom)."""


def long_log(count: int) -> bytes:
    return tm_log(
        *(tm_line(f"14:{i // 60 % 60:02d}:{i % 60:02d}", f"Received task Map ({i}/9999).") for i in range(count))
    ).encode()


def test_truncated_gz_keeps_what_inflated(analyse: Analyse, logs: Path) -> None:
    whole = long_log(20000) + HEAD
    blob = gzip.compress(whole)
    (logs / "taskmanager.log.gz").write_bytes(blob[: len(blob) * 6 // 10])
    short = gzip.compress(tm_log(oom_record()).encode())
    (logs / "tm-2" / "taskmanager.log.gz").parent.mkdir()
    (logs / "tm-2" / "taskmanager.log.gz").write_bytes(short[: len(short) - 30])  # cut within the sniffed head
    outcome = analyse(logs)
    source = outcome.sources["taskmanager.log.gz"]
    assert source["kind"] == "flink_taskmanager" and 0 < source["records"] < 20001
    truncated, *rest = outcome.warnings("taskmanager.log.gz")
    kept = re.fullmatch(
        rf"gzip stream ends early \(truncated file\) after {len(blob) * 6 // 10} compressed bytes; "
        r"kept the (\d+) bytes inflated before it",
        truncated,
    )
    assert kept and 0 < int(kept.group(1)) < len(whole)
    assert rest == [NO_FINAL_EOL]
    short_source = outcome.sources["tm-2/taskmanager.log.gz"]  # not "empty": what inflated is analysed
    assert (short_source["kind"], short_source["skipped_reason"]) == ("flink_taskmanager", None)
    assert outcome.code == 3


def test_corrupt_zip_central_directory(analyse: Analyse, logs: Path) -> None:
    with zipfile.ZipFile(logs / "broken.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("tm/taskmanager.log", HEAD)
        zf.writestr("jm/jobmanager.log", b"2020-06-01 14:05:00,000 INFO  x [] - y\n")
    data = bytearray((logs / "broken.zip").read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central : central + 4] = b"XXXX"
    (logs / "broken.zip").write_bytes(bytes(data))
    outcome = analyse(logs)
    assert outcome.skipped() == {
        "broken.zip": "damaged zip archive (Bad magic number for central directory): 2 files found by their local "
        "headers; unreadable data at offset 407; nothing after it was read"  # the damaged central directory itself
    }
    assert outcome.analysed() == ["broken.zip!/jm/jobmanager.log", "broken.zip!/tm/taskmanager.log"]
    assert "task_heap_oom" in outcome.finding_ids()
    assert outcome.code == 3


def test_tar_with_dotdot_absolute_and_link_members(analyse: Analyse, tmp_path: Path, logs: Path) -> None:
    with tarfile.open(logs / "evil.tar", "w") as tar:
        add_member(tar, "tm/taskmanager.log", HEAD)
        add_member(tar, "../../escaped.log", b"pwned\n")
        add_member(tar, "tm/../../../escaped2.log", b"pwned\n")
        add_member(tar, "/tmp/absolute.log", b"pwned\n")
        add_special(tar, "tm/passwd.log", tarfile.SYMTYPE, "/etc/passwd")
        add_special(tar, "tm/hard.log", tarfile.LNKTYPE, "tm/taskmanager.log")
    with zipfile.ZipFile(logs / "evil.zip", "w") as zf:
        zf.writestr("../../escaped.log", b"pwned\n")
        zf.writestr("/abs.log", b"pwned\n")
    outcome = analyse(logs)
    assert outcome.skipped() == {
        "evil.tar!/../../escaped.log": "path with '..' in the archive, refused (zip-slip)",
        "evil.tar!/tm/../../../escaped2.log": "path with '..' in the archive, refused (zip-slip)",
        "evil.tar!//tmp/absolute.log": "absolute path in the archive, refused",
        "evil.tar!/tm/passwd.log": "symbolic link in the archive, not followed",
        "evil.tar!/tm/hard.log": "hard link in the archive, not followed",
        "evil.zip!/../../escaped.log": "path with '..' in the archive, refused (zip-slip)",
        "evil.zip!//abs.log": "absolute path in the archive, refused",
    }
    assert outcome.analysed() == ["evil.tar!/tm/taskmanager.log"]
    assert not list(tmp_path.parent.glob("escaped*")) and not Path("/tmp/absolute.log").exists()
    assert outcome.code == 3


def test_nested_zip_bomb(analyse: Analyse, logs: Path) -> None:
    """A zip in a zip whose member inflates a gigabyte of zeros behind a real log head: refused by its declared
    ratio, and, with forged sizes, by the ratio measured while reading (after about a megabyte), never inflated."""
    bomb = deflate_zeros(1024, prefix=HEAD)
    honest = raw_zip([Entry("taskmanager.log", bomb, method=8, size=len(HEAD) + 1024 * MIB)])
    forged = raw_zip([Entry("taskmanager.log", bomb, method=8, size=len(HEAD) + 1000)])
    deeper = raw_zip([Entry("level2.zip", raw_zip([Entry("level3.zip", honest)]))])
    outer = raw_zip([Entry("honest.zip", honest), Entry("forged.zip", forged), Entry("deep.zip", deeper)])
    (logs / "incident.zip").write_bytes(outer)
    (logs / "taskmanager.log").write_bytes(tm_log().encode())
    start = time.monotonic()
    outcome = analyse(logs)
    assert time.monotonic() - start < 20
    skipped = outcome.skipped()
    assert skipped["incident.zip!/honest.zip!/taskmanager.log"] == (
        f"compression ratio over 200:1 (a decompression bomb?): {len(HEAD) + 1024 * MIB} bytes declared for "
        f"{len(bomb)} compressed bytes; not read"
    )
    forged_reason = skipped["incident.zip!/forged.zip!/taskmanager.log"]
    assert forged_reason.startswith("cannot read: compression ratio over 200:1 (a decompression bomb?): ")
    inflated = int(forged_reason.split(": ")[2].split(" bytes inflated")[0])
    assert inflated < 4 * MIB
    assert skipped["incident.zip!/deep.zip!/level2.zip"] == "archive nested more than one level deep, not opened"
    assert outcome.analysed() == ["taskmanager.log"]
    assert outcome.code == 3


pytestmark = pytest.mark.skipif(not environment_ok(), reason="needs /proc to watch a child's memory")
BOMB_SECONDS = 30.0
BOMB_RSS_KB = 900_000
"""The analysis of a small folder peaks at about 300 MB (polars, the catalogue); a bomb inflated in memory would pass
a gigabyte."""


@pytest.fixture(scope="module")
def gzip_bombs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bombs")
    (folder / "zeros.log.gz").write_bytes(gzip_zeros(1024))  # 1 GiB of zeros, ~1 MB compressed
    (folder / "taskmanager.log.gz").write_bytes(gzip_zeros(1024, prefix=HEAD))  # a real log head, then zeros
    (folder / "jobmanager.log").write_bytes(tm_log().encode())
    return folder


def test_gzip_bomb_is_stopped_at_the_limit(gzip_bombs: Path, tmp_path: Path) -> None:
    js = tmp_path / "r.json"
    run = run_bounded(
        ["analyze", str(gzip_bombs), "-o", str(tmp_path / "r.html"), "--json", str(js)],
        seconds=BOMB_SECONDS,
        max_rss_kb=BOMB_RSS_KB,
    )
    assert not run.killed, run
    assert run.code == 0, run.stderr
    assert run.seconds < 20 and run.peak_kb < BOMB_RSS_KB
    sources = {s["path"]: s for s in json.loads(js.read_text())["sources"]}
    for name in ("zeros.log.gz", "taskmanager.log.gz"):
        reason = sources[name]["skipped_reason"]
        assert reason.startswith("compression ratio over 200:1 (a decompression bomb?): "), reason
        assert reason.endswith(" compressed bytes; not read")
        inflated, compressed = (int(n) for n in re.findall(r"(\d+) (?:bytes inflated|compressed bytes)", reason))
        assert inflated < 4 * MIB and inflated > 200 * compressed  # stopped at the limit, after a few MiB
    assert sources["jobmanager.log"]["skipped_reason"] is None


def test_gzip_bomb_with_a_forged_trailer_is_stopped_while_read(tmp_path: Path) -> None:
    """The trailer declares 5 KB: discovery lets it through, and the scan stops it by the ratio while reading."""
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "taskmanager.log.gz").write_bytes(gzip_zeros(1024, prefix=HEAD, declared=len(HEAD) + 5000))
    js = tmp_path / "r.json"
    run = run_bounded(
        ["analyze", str(folder), "-o", str(tmp_path / "r.html"), "--json", str(js)],
        seconds=BOMB_SECONDS,
        max_rss_kb=BOMB_RSS_KB,
    )
    assert not run.killed and run.code == 0, run
    [source] = json.loads(js.read_text())["sources"]
    reason = source["skipped_reason"] or ""
    assert reason.startswith("cannot read: compression ratio over 200:1 (a decompression bomb?): "), reason
    assert run.seconds < 20 and run.peak_kb < BOMB_RSS_KB


def _tiny_members_zip(path: Path, count: int) -> None:
    path.write_bytes(raw_zip([Entry(f"m/{i:06d}.log", f"{i}\n".encode()) for i in range(count)]))


def _tiny_members_tar(path: Path, count: int) -> None:
    with path.open("wb") as out:
        for i in range(count):
            data = f"{i}\n".encode()
            info = tarfile.TarInfo(f"m/{i:06d}.log")
            info.size = len(data)
            out.write(info.tobuf(format=tarfile.USTAR_FORMAT) + data.ljust(tarfile.BLOCKSIZE, b"\0"))
        out.write(bytes(2 * tarfile.BLOCKSIZE))


def test_100k_tiny_members_listing_is_bounded(tmp_path: Path) -> None:
    _tiny_members_zip(tmp_path / "many.zip", 100_000)
    _tiny_members_tar(tmp_path / "many.tar", 100_000)
    start = time.monotonic()
    found = {f.label: f for f in discover([tmp_path / "many.zip"], tmp_path, Limits(max_members=100))}
    assert time.monotonic() - start < 10  # zipfile reads the whole central directory; members past 100 are counted
    assert len(found) == 101
    assert found["many.zip"].skipped_reason == (
        "archive has more than 100 files (max_members): the first 100 are analysed, 99900 more were not read"
    )
    start = time.monotonic()
    found = {f.label: f for f in discover([tmp_path / "many.tar"], tmp_path, Limits(max_members=100))}
    assert time.monotonic() - start < 2  # a tar stops listing at the limit
    assert len(found) == 101
    assert found["many.tar"].skipped_reason == (
        "archive has more than 100 files (max_members): the first 100 are analysed, the rest was not read"
    )


def test_100k_tiny_members_end_to_end(analyse: Analyse, logs: Path) -> None:
    _tiny_members_zip(logs / "many.zip", 100_000)
    start = time.monotonic()
    outcome = analyse(logs, args=("--max-members", "100"))
    assert time.monotonic() - start < 30
    assert len(outcome.analysed()) == 100
    assert outcome.skipped() == {
        "many.zip": "archive has more than 100 files (max_members): the first 100 are analysed, 99900 more were not "
        "read"
    }
    assert outcome.code == 3


def test_archive_members_round_trip_untouched(tmp_path: Path) -> None:
    """Reading members leaves the archive and its folder as they were (no extraction, no temporary file)."""
    with tarfile.open(tmp_path / "a.tgz", "w:gz") as tar:
        add_member(tar, "tm/taskmanager.log", tm_lines(2000))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for f in discover([tmp_path / "a.tgz"], tmp_path):
        f.read(1 << 30)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
