"""Fuzz target: random incident folders and archives through ``analyze`` end to end.

Each input is a folder of a few entries: Flink, GC, trace, YARN-dump and kubectl texts (mutated, cut, in odd
encodings, with hostile HTML in them and in their names), random bytes, gzip files, zip/tar/tar.gz archives (nested,
damaged, with hostile member names and links), symlinks, FIFOs, hidden and empty folders. Each is analysed with small
limits, and the reports are rendered. Checked for every input:

- no exception escapes ``api.analyze`` (an ``InputError`` for a folder with nothing in it is the only allowed one);
- every input found is in ``sources``, each with consistent counts;
- the HTML report is inert (no unescaped markup from the logs; the script elements are the template's own) and the
  JSON report is valid JSON;
- nothing is written outside the output folder;
- no input takes more than a minute (a hang fails the run).

Run it for 30 minutes (hypothesis, with a fresh random seed per round; a failure is shrunk and printed)::

    .venv/bin/python -m tests.fuzz.fuzz_analyze --minutes 30

It prints how many inputs it tried. ``tests/adversarial/test_fuzz_smoke.py`` runs a few inputs in CI.
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import io
import json
import os
import re
import signal
import sys
import tarfile
import tempfile
import time
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics import api
from logforensics.catalogue.model import Catalogue
from logforensics.errors import InputError
from logforensics.ingest.limits import Limits
from logforensics.report.html import render_html
from logforensics.report.json import render_json
from tests.adversarial.conftest import tree

CANARY = "<script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}\u2028</textarea>"
NAME_CANARY = "<script>alert(3)<img src=x onerror=alert(4)>{{ 7*7 }}\u2028"
"""Hostile markup for file names (no slash)."""
LIMITS = Limits(max_bytes=2 << 20, max_total_bytes=16 << 20, max_members=25, max_ratio=100)

TM = [
    "2020-06-01 14:05:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting "
    "TaskManager with ResourceID: 10.0.0.1:6122-aaaaaa",
    "2020-06-01 14:05:01,000 INFO  org.apache.flink.runtime.taskmanager.Task                    [] - Map (1/2)#0 "
    "(8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.",
    "java.lang.OutOfMemoryError: Java heap space",
    "\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    "2020-06-01 14:05:02,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Received task "
    f"Map {CANARY} (2/2)#0 (8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9e), deploy into slot with allocation id 1a2b3c.",
    "2020-06-01 14:05:50,000 WARN  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - The heartbeat of "
    "JobManager with id 5b4f1d0d1f0c11f2c0b5f7f2e5bd8d3b timed out.",
    "2021-07-26 17:04:57,629 INFO  [69] org.apache.flink.runtime.jobmaster.JobMaster                 - Trying to "
    "recover from a global failure.",
    '{"@timestamp":"2024-03-01T10:00:00.123Z","log.level":"INFO","message":"Completed checkpoint 7 for job '
    '1dd034557a79ca16f8b692f44cbcf5b2 (1578642 bytes).","log.logger":"org.apache.flink.runtime.checkpoint.'
    'CheckpointCoordinator"}',
    "00:43:26,132 INFO  org.apache.flink.runtime.taskmanager.Task                     - Source (1/1) "
    "(5d7c1a1b0e0f4d5a9b0c8e2f1a3b4c5d) switched from RUNNING to FAILED.",
    "2020-06-01 14:06:00,000 INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job x "
    "(f69c1ca4892ecbc08d4247ded254f467) switched from state RUNNING to RESTARTING.",
]
GC = [
    "[2023-03-14T10:12:01.123+0100][3600.123s][info][gc] GC(412) Pause Young (Normal) (G1 Evacuation Pause) "
    "1800M->1750M(2048M) 35.123ms",
    "[2023-03-14T10:12:41.123+0100][3640.123s][info][gc] GC(413) Pause Full (G1 Compaction Pause) 2047M->2030M(2048M) "
    "31234.567ms",
    "[0.012s][info][gc] Using G1",
    "2023-03-14T10:12:01.123+0100: 3600.123: [GC (Allocation Failure) [PSYoungGen: 524800K->87035K(611840K)] "
    "524800K->87043K(2010112K), 0.0512345 secs] [Times: user=0.15 sys=0.02, real=0.05 secs]",
    "3605.000: [Full GC (Ergonomics)  87043K->86512K(2010112K), 30.3012345 secs]",
]
TRACE = [
    "2024-11-19 20:21:55",
    "java.lang.IllegalStateException: boom " + CANARY,
    "\tat a.B.c(B.java:1)",
    "Caused by: java.lang.OutOfMemoryError: Metaspace",
    '{"root-exception": "java.lang.OutOfMemoryError: Java heap space\\n\\tat y", "timestamp": 1700000000000}',
]
NAMES = [
    "taskmanager.log",
    "jobmanager.log",
    "taskmanager.log.1",
    "taskmanager.out",
    "taskmanager.err",
    "gc.log",
    "gc.log.0.current",
    "trace.txt",
    "notes.md",
    "app.log",
    "README",
    "taskmanager.log.gz",
    f"{NAME_CANARY}.log",
    "日志.log",
    "a b.log",
    "-rf.log",
]


def _text(lines: list[str]) -> st.SearchStrategy[str]:
    line = st.one_of(
        st.sampled_from(lines), st.sampled_from(lines).map(lambda s: s[: len(s) // 2]), st.text(max_size=40)
    )
    return st.lists(line, min_size=1, max_size=30).map("\n".join)


ENCODINGS = ["utf-8", "utf-8", "utf-8", "gbk", "latin-1", "utf-16", "utf-16-be", "utf-32"]


@st.composite
def log_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flink"] * 3 + ["gc", "trace", "yarn", "kubectl", "binary", "empty", "big", "zeros"]))
    if kind == "binary":
        return draw(st.binary(max_size=3000))
    if kind == "empty":
        return b""
    if kind == "big":  # over the fuzz's max_bytes (2 MiB): cut with a warning
        return ("\n".join(TM[:2]) + "\n").encode() * draw(st.integers(8000, 12000))
    if kind == "zeros":  # compresses 1000:1, over max_ratio in a compressed container
        return draw(st.sampled_from([b"", TM[0].encode() + b"\n"])) + bytes(draw(st.integers(1, 6)) << 20)
    text = draw(_text({"flink": TM, "gc": GC, "trace": TRACE, "yarn": TM, "kubectl": TM}[kind]))
    if kind == "yarn":
        text = (
            "Container: container_e07_1669378398064_0904_01_000002 on worker-3_45454\n"
            f"LogType:taskmanager.log\nLogLength:{draw(st.integers(0, 3 * len(text)))}\nLogContents:\n{text}\n"
            "End of LogType:taskmanager.log\n"
        )
    elif kind == "kubectl":
        pods = ["tm-1", "tm-2", NAME_CANARY]
        text = "\n".join(
            f"[pod/{draw(st.sampled_from(pods))}/main] 2024-01-01T10:00:00.123456789Z {line}"
            for line in text.split("\n")
        )
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if encoding.startswith("utf-16") and encoding != "utf-16" and draw(st.booleans()):
        data = codecs.BOM_UTF16_BE + data
    ending = draw(st.sampled_from(["\n", "\r\n", "\r", ""]))
    if ending != "\n":
        data = data.replace(b"\n", ending.encode())
    if draw(st.booleans()):
        data += b"\n"
    return _damage(draw, data)


def _damage(draw: st.DrawFn, data: bytes) -> bytes:
    if not data or draw(st.integers(0, 3)) != 0:
        return data
    # Positions are drawn as fractions, so that what is drawn never depends on the bytes' exact length.
    out = bytearray(data[: max(1, int(len(data) * draw(st.floats(0.1, 1.0))))])
    for _ in range(draw(st.integers(0, 4))):
        out[int(draw(st.floats(0, 1)) * (len(out) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        at = int(draw(st.floats(0, 1)) * len(out))
        out[at:at] = b"\0" * draw(st.integers(1, 200))
    return bytes(out)


MEMBER_NAMES = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["../evil.log", "/abs.log", "a/../../b.log", "x/" + CANARY + ".log", "..\\win.log", "dir/"]),
    st.text(min_size=1, max_size=12).filter(lambda s: "\0" not in s),
)


@st.composite
def archive_bytes(draw: st.DrawFn, depth: int = 0) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["zip", "tar", "tar.gz"]))
    members: list[tuple[str, bytes, str]] = []
    for _ in range(draw(st.integers(0, 5))):
        special = draw(st.sampled_from(["file", "file", "file", "symlink", "hardlink", "nested"]))
        if special == "nested" and depth < 2:
            inner_name, inner = draw(archive_bytes(depth + 1))
            members.append((f"inner-{len(members)}.{inner_name}", inner, "file"))
        elif special == "nested":
            continue
        else:
            content = draw(log_bytes())
            if draw(st.integers(0, 4)) == 0:
                content = gzip.compress(content, mtime=0)
            members.append((draw(MEMBER_NAMES), content, special))
    buffer = io.BytesIO()  # every byte reproducible: fixed times, so that a failure can be replayed
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w", draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))) as zf:
            for name, content, _special in members:
                zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 6, 1, 14, 5, 0)), content, zf.compression)
    else:
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for name, content, special in members:
                info = tarfile.TarInfo(name)
                if special in ("symlink", "hardlink"):
                    info.type = tarfile.SYMTYPE if special == "symlink" else tarfile.LNKTYPE
                    info.linkname = "/etc/passwd"
                    tar.addfile(info)
                else:
                    info.size = len(content)
                    tar.addfile(info, io.BytesIO(content))
    data = gzip.compress(buffer.getvalue(), mtime=0) if kind == "tar.gz" else buffer.getvalue()
    return kind, _damage(draw, data)


@dataclass
class Entry:
    name: str
    kind: str  # file | gzip | archive | symlink | loop | fifo | socket | folder | hidden
    data: bytes = b""
    children: list[Entry] = field(default_factory=list)


@st.composite
def entries(draw: st.DrawFn, depth: int = 0) -> list[Entry]:
    found: list[Entry] = []
    for index in range(draw(st.integers(1 if depth == 0 else 0, 5))):
        kind = draw(
            st.sampled_from(
                ["file"] * 5 + ["gzip", "archive", "archive", "symlink", "loop", "fifo", "folder", "hidden"]
            )
        )
        name = f"{index}-{draw(st.sampled_from(NAMES))}"
        if kind == "file":
            found.append(Entry(name, kind, draw(log_bytes())))
        elif kind == "gzip":
            found.append(Entry(name + ".gz", kind, _damage(draw, gzip.compress(draw(log_bytes()), mtime=0))))
        elif kind == "archive":
            suffix, data = draw(archive_bytes())
            found.append(Entry(f"{index}-incident.{suffix}", kind, data))
        elif kind in ("folder", "hidden") and depth < 2:
            found.append(
                Entry(("." if kind == "hidden" else "") + f"{index}-dir", kind, children=draw(entries(depth + 1)))
            )
        elif kind in ("symlink", "loop", "fifo"):
            found.append(Entry(name, kind))
    return found


def materialise(folder: Path, items: list[Entry]) -> None:
    for item in items:
        path = folder / item.name
        if item.kind in ("folder", "hidden"):
            path.mkdir()
            materialise(path, item.children)
        elif item.kind == "symlink":
            path.symlink_to(folder.parent)
        elif item.kind == "loop":
            path.symlink_to(path)
        elif item.kind == "fifo":
            os.mkfifo(path)
        else:
            path.write_bytes(item.data)


_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL)


def check_inert(html: str) -> None:
    for raw in ("<script>alert", "<img src=x", "</textarea>"):
        assert raw not in html, f"unescaped log text in the HTML: {raw!r}"
    scripts = _SCRIPT.findall(html)
    assert len(scripts) <= 2, "a script element that is not the template's"
    for script in scripts:
        assert "\u2028" not in script and "\u2029" not in script and "</" not in script


@dataclass
class Stats:
    inputs: int = 0
    analysed: int = 0
    no_input: int = 0
    sources: int = 0
    skipped: int = 0
    warned: int = 0


SECONDS_PER_INPUT = 60
"""An input whose analysis takes longer is a hang: the fuzz fails on it."""


def _hang(signum: int, frame: object) -> None:
    raise TimeoutError(f"the analysis of one input took over {SECONDS_PER_INPUT} s")


def run_one(items: list[Entry], tz: str | None, catalogue: Catalogue, stats: Stats) -> None:
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(SECONDS_PER_INPUT)
    try:
        _run_one(items, tz, catalogue, stats)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run_one(items: list[Entry], tz: str | None, catalogue: Catalogue, stats: Stats) -> None:
    stats.inputs += 1
    with tempfile.TemporaryDirectory() as base:
        root = Path(base)
        logs = root / "logs"
        logs.mkdir()
        materialise(logs, items)
        before = tree(root)
        try:
            analysis = api.analyze([logs], tz=tz, catalogue=catalogue, limits=LIMITS)
        except InputError as exc:
            assert "no files to analyse" in str(exc), exc
            stats.no_input += 1
            return
        stats.analysed += 1
        for source in analysis.sources:
            stats.sources += 1
            stats.skipped += source.skipped_reason is not None
            stats.warned += bool(source.warnings)
            assert 0 <= source.unparsed_lines <= source.lines or source.lines == 0, source
            assert source.records >= 0
        check_inert(render_html(analysis))
        check_inert(render_html(analysis, embed_js=False))
        json.loads(render_json(analysis))
        assert tree(root) == before, "the analysis wrote something"


def round_of(examples: int, catalogue: Catalogue, stats: Stats) -> None:
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(entries(), st.sampled_from([None, "UTC", "Europe/Berlin", "Asia/Shanghai"]))
    def fuzz(items: list[Entry], tz: str | None) -> None:
        run_one(items, tz, catalogue, stats)

    fuzz()


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # zipfile, on generated duplicate members
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to fuzz (default 30)")
    parser.add_argument("--round", type=int, default=200, help="inputs per hypothesis round (a fresh seed each)")
    args = parser.parse_args(argv)
    if os.name != "posix":
        print("needs a POSIX system (FIFOs, symlinks)", file=sys.stderr)
        return 2
    catalogue = api.load_default_catalogue()
    stats = Stats()
    start = time.monotonic()
    deadline = start + args.minutes * 60
    while time.monotonic() < deadline:
        round_of(args.round, catalogue, stats)
        elapsed = time.monotonic() - start
        print(
            f"{elapsed / 60:5.1f} min: {stats.inputs} inputs tried ({stats.analysed} analysed, {stats.no_input} with "
            f"nothing to analyse), {stats.sources} sources ({stats.skipped} skipped, {stats.warned} with warnings), "
            "no failure",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
