#!/usr/bin/env python3
"""Speed and memory benchmarks of ``logforensics analyze``, side by side with lnav and grep.

    python benchmarks/run.py                      # 1 GiB taskmanager.log plain + .gz, 200 MiB GC logs, 3 runs each
    python benchmarks/run.py --only gc --repeat 5
    python benchmarks/run.py --big --keep         # adds the 4 GiB taskmanager.log (memory growth); keeps the inputs

Inputs are generated (``benchmarks/generate.py``, seeded) into ``--data-dir`` when missing. Each case runs every tool
``--repeat`` times, interleaved (tool A, B, C, A, B, C...) so that the drift of the machine hits all tools alike, after
one untimed read of the file (warm page cache). Wall time is measured around the subprocess, peak RSS with
``/usr/bin/time -f %M`` (or ``getrusage(RUSAGE_CHILDREN)`` in a fresh child per run when GNU time is missing). Every
run is checked against what the generator wrote (lnav's per-level counts, grep's count, logforensics' records and
pauses), so that a tool that stopped early cannot look fast. The table goes to stdout and to
``benchmarks/results-<date>.md``; see benchmarks/README.md for how to read it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

GNU_TIME = "/usr/bin/time"
LNAV_QUERY = ";SELECT log_level, count(*) FROM all_logs GROUP BY log_level"
LNAV_LEVELS = {
    "info": "INFO",
    "warning": "WARN",
    "error": "ERROR",
    "debug": "DEBUG",
    "trace": "DEBUG",
    "fatal": "ERROR",
    "critical": "ERROR",
}

# Targets from the issues (see README.md).
TARGET_RSS_1G = 1024**3
TARGET_RSS_4G = 1.5 * 1024**3
TARGET_GZ_RATIO = 1.3
TARGET_GC_VS_GREP = 5.0


# ---------------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class Input:
    name: str  # how the table names the file
    path: Path
    kind: str  # generator kind
    meta: dict[str, Any]
    gz: bool = False

    @property
    def bytes(self) -> int:
        """Uncompressed size: what MB/s is computed from."""
        return int(self.meta["bytes"])

    @property
    def disk_bytes(self) -> int:
        return int(self.meta.get("on_disk_bytes") or self.meta["bytes"])


def ensure_input(kind: str, size: int, seed: int, data_dir: Path, generated: list[Path], gz: bool = False) -> Input:
    """The generated file for (kind, size, seed), made if missing; ``.gz`` compresses the plain one."""
    base = data_dir / f"{kind}-{generate.format_size(size)}-seed{seed}.log"
    path = base.with_name(base.name + ".gz") if gz else base
    meta_file = generate.meta_path(path)
    if path.exists() and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        if meta.get("requested_bytes") == size and meta.get("seed") == seed:
            log(f"reusing {path} ({path.stat().st_size / 1e6:.0f} MB on disk)")
            return Input(path.name, path, kind, meta, gz)
    if gz:
        plain = ensure_input(kind, size, seed, data_dir, generated)
        log(f"compressing {plain.path} -> {path} (gzip -6)")
        started = time.perf_counter()
        on_disk = generate.gzip_file(plain.path, path)
        meta = dict(
            plain.meta,
            gzip=True,
            on_disk_bytes=on_disk,
            path=str(path),
            gzip_seconds=round(time.perf_counter() - started, 1),
        )
        meta_file.write_text(json.dumps(meta, indent=2) + "\n")
    else:
        log(f"generating {path} ({generate.format_size(size)}, seed {seed})")
        meta = generate.generate(kind, size, seed, path)
        log(f"  {meta['bytes'] / 1e6:.0f} MB, {meta['lines']:,} lines in {meta['generator_seconds']} s")
    generated += [path, meta_file]
    return Input(path.name, path, kind, meta, gz)


# ---------------------------------------------------------------------------------------------------------------------
# Tools and measurement
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class Tool:
    name: str  # "logforensics", "lnav", "grep"
    label: str  # shown in the table, e.g. "grep -c ERROR | cat"
    argv: list[str]
    check: Any  # callable(Run, Input) -> (ok: bool, note: str)
    env: dict[str, str] | None = None


@dataclass
class Run:
    wall: float
    rss_kb: int | None
    code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    cpu_s: float | None = None
    """User + system CPU seconds of the measured process (and its children)."""
    others: float | None = None
    """Share of the machine's CPU time used by *other* processes during the run (0..1): noise indicator."""
    package: str = ""
    """Digest of the logforensics sources when the run started (the package may change under our feet)."""

    @property
    def ok(self) -> bool:
        return self.code == 0 and not self.timed_out


@dataclass
class Result:
    case: str
    input: Input
    tool: Tool
    runs: list[Run] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def good(self) -> list[Run]:
        return [r for r in self.runs if r.ok]

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.good) if self.good else None

    @property
    def rss_bytes(self) -> float | None:
        values = [r.rss_kb for r in self.good if r.rss_kb is not None]
        return statistics.median(values) * 1024 if values else None

    @property
    def rss_max_bytes(self) -> float | None:
        values = [r.rss_kb for r in self.runs if r.rss_kb is not None]
        return max(values) * 1024 if values else None


_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(u.ru_maxrss, u.ru_utime + u.ru_stime, file=sys.stderr)\n"
    "sys.exit(code)\n"
)
_HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_busy_seconds() -> float | None:
    """Busy CPU seconds of the whole machine since boot (all CPUs), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _HZ


def measure(argv: list[str], timeout: float, env: dict[str, str] | None = None, package: str = "") -> Run:
    """Run ``argv`` once: wall time around the process, peak RSS and CPU time from GNU time (or getrusage in a fresh
    child), and how busy the rest of the machine was meanwhile."""
    full_env = dict(os.environ, **(env or {}))
    gnu = os.access(GNU_TIME, os.X_OK)
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as tf:
        time_file = tf.name
    try:
        cmd = (
            [GNU_TIME, "-f", "%e %M %U %S", "-o", time_file, *argv]
            if gnu
            else [sys.executable, "-c", _RUSAGE_WRAPPER, *argv]
        )
        busy0 = cpu_busy_seconds()
        started = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout, env=full_env)
        except subprocess.TimeoutExpired as exc:
            return Run(
                time.perf_counter() - started,
                None,
                -1,
                _text(exc.stdout),
                _text(exc.stderr),
                timed_out=True,
                package=package,
            )
        wall = time.perf_counter() - started
        busy1 = cpu_busy_seconds()
        stderr = proc.stderr
        rss: int | None = None
        cpu: float | None = None
        if gnu:
            lines = Path(time_file).read_text(errors="replace").strip().splitlines()
            if lines:
                try:
                    numbers = lines[-1].split()
                    rss, cpu = int(numbers[1]), float(numbers[2]) + float(numbers[3])
                except (IndexError, ValueError):
                    pass
                # GNU time notes how the child ended ("Command terminated by signal 9") before the numbers.
                extra = [ln for ln in lines[:-1] if ln.strip()]
                if extra:
                    stderr = stderr + "\n[/usr/bin/time] " + " / ".join(extra)
        else:
            head, _, tail = stderr.rstrip().rpartition("\n")
            try:
                rss_text, cpu_text = tail.split()
                rss, cpu = int(rss_text), float(cpu_text)
                stderr = head
            except ValueError:
                pass
        others = None
        if busy0 is not None and busy1 is not None and cpu is not None and wall >= 1.0:  # ticks are 10 ms
            others = max(0.0, min(1.0, (busy1 - busy0 - cpu) / (wall * (os.cpu_count() or 1))))
        return Run(wall, rss, proc.returncode, proc.stdout, stderr, cpu_s=cpu, others=others, package=package)
    finally:
        Path(time_file).unlink(missing_ok=True)


def package_digest() -> str:
    """A short digest of the logforensics package's .py files as they are on disk now."""
    try:
        import hashlib
        import importlib.util

        spec = importlib.util.find_spec("logforensics")
        if spec is None or spec.origin is None:
            return "?"
        files = sorted(Path(spec.origin).parent.rglob("*.py"))
        return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:12]
    except (ImportError, OSError):
        return "?"


def _text(value: str | bytes | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def warm(path: Path) -> None:
    """Read the file once so that every tool starts with the same (warm) page cache."""
    with path.open("rb") as fh:
        while fh.read(16 << 20):
            pass


# ---------------------------------------------------------------------------------------------------------------------
# Checks: did the tool really read the whole file?
# ---------------------------------------------------------------------------------------------------------------------


def check_grep(expected_key: str):  # type: ignore[no-untyped-def]
    def check(run: Run, inp: Input) -> tuple[bool, str]:
        expected = _lookup(inp.meta, expected_key)
        try:
            got = int(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return False, f"could not read grep's count from {run.stdout[-200:]!r}"
        if expected is None:
            return True, f"count {got:,}"
        return got == expected, f"count {got:,} (generated {expected:,})"

    return check


def _lookup(meta: dict[str, Any], key: str) -> int | None:
    value: Any = meta
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return int(value)


def check_lnav(run: Run, inp: Input) -> tuple[bool, str]:
    counts: dict[str, int] = {}
    for line in run.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            level = LNAV_LEVELS.get(parts[0].lower(), parts[0].upper())
            counts[level] = counts.get(level, 0) + int(parts[1])
    if not counts:
        return False, f"no level counts in lnav's output: {run.stdout[-300:]!r}"
    total = sum(counts.values())
    expected = inp.meta.get("events")
    levels = {k: v for k, v in inp.meta.get("levels", {}).items() if v}
    same = counts == levels
    note = f"{total:,} messages " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
    if expected is not None:
        note += f" (generated {expected:,} events" + ("" if same else f": {levels}") + ")"
    return same, note


def check_logforensics(json_path: Path):  # type: ignore[no-untyped-def]
    def check(run: Run, inp: Input) -> tuple[bool, str]:
        try:
            doc = json.loads(json_path.read_text())
        except (OSError, ValueError) as exc:
            return False, f"no JSON report: {exc}"
        sources = doc.get("sources", [])
        if not sources:
            return False, "JSON report has no source"
        src = sources[0]
        if src.get("skipped_reason"):
            return False, f"source skipped: {src['skipped_reason']}"
        notes = [f"kind {src.get('kind')}, {src.get('lines', 0):,} lines (generated {inp.meta['lines']:,})"]
        ok = src.get("lines") == inp.meta["lines"]
        if inp.kind in ("taskmanager", "jobmanager"):
            notes.append(f"{src.get('records', 0):,} records (generated {inp.meta['events']:,} events)")
            timeline = sum(doc.get("timeline", {}).get("counts", {}).values())
            notes.append(f"{len(doc.get('findings', []))} findings; timeline {timeline:,} events")
            ok = ok and src.get("records") == inp.meta["events"]
        else:
            gc = doc.get("gc") or [{}]
            pauses = gc[0].get("stw_pauses", {}).get("count")
            expected = inp.meta.get("gc", {}).get("pauses")
            notes.append(
                f"{pauses} STW pauses (generated {expected}), full GCs {gc[0].get('full_gc_count')} "
                f"(generated {inp.meta.get('gc', {}).get('full_gcs')})"
            )
            ok = ok and pauses == expected
        if src.get("warnings"):
            notes.append(f"warnings: {src['warnings']}")
        return ok, "; ".join(notes)

    return check


# ---------------------------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    input: Input
    tools: list[Tool]
    note: str = ""


def logforensics_tool(exe: str, inp: Input, out_dir: Path) -> Tool:
    html, js = out_dir / f"{inp.name}.html", out_dir / f"{inp.name}.json"
    argv = [exe, "analyze", str(inp.path), "-o", str(html), "--json", str(js), "--debug"]
    return Tool("logforensics", "logforensics analyze", argv, check_logforensics(js))


def gc_tool(exe: str, inp: Input) -> Tool:
    """``logforensics gc FILE``: the GC statistics table alone (no report), the command a GC log is read with."""
    return Tool("logforensics-gc", "logforensics gc", [exe, "gc", str(inp.path)], check_gc_table)


def check_gc_table(run: Run, inp: Input) -> tuple[bool, str]:
    """The pauses and unparsed lines of the table's one row against the generated pauses."""
    lines = run.stdout.strip().splitlines()
    if len(lines) < 2:
        return False, f"no table from logforensics gc: {run.stdout[-300:]!r}"
    header, row = lines[0].split(), lines[1].split()
    try:
        got = dict(zip(header, row, strict=True))
        pauses, unparsed = int(got["pauses"]), int(got["unparsed"])
    except (KeyError, ValueError):
        return False, f"could not read the table of logforensics gc: {lines[:2]!r}"
    expected = inp.meta.get("gc", {}).get("pauses")
    note = f"{pauses:,} STW pauses (generated {expected:,}), {unparsed:,} unparsed lines, collector {got['collector']}"
    return pauses == expected, note


def floor_tool(mode: str, inp: Input) -> Tool:
    """``floor.py MODE FILE``: the least this stack can do on the file (see floor.py), beside the real command."""
    labels = {
        "levels": "polars floor: read + level counts",
        "literals": "polars floor: read + level counts + literals",
        "pauses": "polars floor: read + pause durations",
    }
    check = check_floor_pauses if mode == "pauses" else check_floor_levels
    return Tool(f"floor-{mode}", labels[mode], [sys.executable, str(HERE / "floor.py"), mode, str(inp.path)], check)


def check_floor_levels(run: Run, inp: Input) -> tuple[bool, str]:
    """The level counts as lnav's are checked; ``literals`` adds a last line ``literal-lines N``, said apart."""
    lines = run.stdout.splitlines()
    literal = [line.split()[1] for line in lines if line.startswith("literal-lines ")]
    levels = "\n".join(line for line in lines if not line.startswith("literal-lines "))
    ok, note = check_lnav(replace(run, stdout=levels), inp)
    return ok, note + (f"; {int(literal[0]):,} record headers hold a catalogue literal" if literal else "")


def check_floor_pauses(run: Run, inp: Input) -> tuple[bool, str]:
    words = run.stdout.split()
    try:
        count = int(words[words.index("pauses") + 1])
    except (ValueError, IndexError):
        return False, f"no pause count from floor.py: {run.stdout[-200:]!r}"
    expected = inp.meta.get("gc", {}).get("pauses")
    return count == expected, f"{count:,} pauses (generated {expected:,})"


def grep_tool(inp: Input, pattern: str, meta_key: str) -> Tool:
    quoted = shlex.quote(pattern)
    if inp.gz:
        shell = f"gzip -dc {shlex.quote(str(inp.path))} | grep -c {quoted} | cat"
        label = f"gzip -dc | grep -c {quoted} | cat"
    else:
        shell = f"grep -c {quoted} {shlex.quote(str(inp.path))} | cat"
        label = f"grep -c {quoted} | cat"
    return Tool("grep", label, ["bash", "-c", shell], check_grep(meta_key))


def lnav_tool(inp: Input, home: Path) -> Tool:
    return Tool(
        "lnav",
        "lnav -n (index + level counts)",
        ["lnav", "-n", "-c", LNAV_QUERY, str(inp.path)],
        check_lnav,
        env={"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"), "TERM": "dumb"},
    )


def run_group(cases: list[Case], repeat: int, timeout: float) -> list[Result]:
    """Run the cases' tools ``repeat`` times, interleaved across all the cases of the group (plain and .gz side by
    side, so that the .gz/plain ratio compares runs of the same package version on the same machine state)."""
    for case in cases:
        log(
            f"== {case.name}: {case.input.path} ({case.input.bytes / 1e6:.0f} MB uncompressed, "
            f"{case.input.disk_bytes / 1e6:.0f} MB on disk)"
        )
        warm(case.input.path)
    results = [Result(case.name, case.input, tool) for case in cases for tool in case.tools]
    given_up: set[int] = set()
    for i in range(repeat):
        for k, res in enumerate(results):
            if k in given_up:
                continue
            digest = package_digest() if res.tool.name.startswith("logforensics") else ""
            run = measure(res.tool.argv, timeout, res.tool.env, digest)
            res.runs.append(run)
            rss = f"{run.rss_kb / 1024:.0f} MiB" if run.rss_kb is not None else "?"
            status = "ok" if run.ok else ("TIMEOUT" if run.timed_out else f"FAILED (exit {run.code})")
            noise = f"others {run.others:.0%}" if run.others is not None else ""
            cpu = f"cpu {run.cpu_s:6.1f} s" if run.cpu_s is not None else ""
            log(
                f"  [{i + 1}/{repeat}] {res.case:<10} {res.tool.name:<12} {run.wall:8.2f} s  {rss:>9}  {cpu}  "
                f"{noise}  {status}"
            )
            if run.ok:
                ok, note = res.tool.check(run, res.input)
                entry = ("ok: " if ok else "MISMATCH: ") + note
                if note and entry not in res.checks:
                    res.checks.append(entry)
                if not ok:
                    log(f"      check: {note}")
                continue
            detail = (run.stderr or run.stdout).strip()
            res.failures.append(
                f"run {i + 1}: exit code {run.code}{' (timeout)' if run.timed_out else ''}, "
                f"{run.wall:.1f} s, peak RSS {rss}\n{_tail(detail, 60)}"
            )
            log("      " + _tail(detail, 15).replace("\n", "\n      "))
            if i == 0:
                # A crash (out of memory, internal error) repeats: do not spend the other runs on it.
                log(f"      ({res.tool.name} failed on its first run: not repeating it)")
                given_up.add(k)
    return results


def _tail(text: str, n: int) -> str:
    lines = text.splitlines()
    return "\n".join(lines[-n:]) if len(lines) > n else text


# ---------------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------------


def fmt(value: float | None, spec: str = ".2f", none: str = "—") -> str:
    return none if value is None else format(value, spec)


def table(results: list[Result]) -> str:
    head = (
        "| file | size | tool | wall s (median) | MB/s | peak RSS MiB | ratio to lnav | ratio to grep |\n"
        "|---|---|---|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for case in _by_case(results):
        ref_lnav = next((r.wall for r in case if r.tool.name == "lnav"), None)
        ref_grep = next((r.wall for r in case if r.tool.name == "grep"), None)
        for res in case:
            inp = res.input
            size = f"{inp.bytes / 2**20:,.0f} MiB" + (f" ({inp.disk_bytes / 2**20:,.0f} MiB .gz)" if inp.gz else "")
            wall = res.wall
            if wall is None:
                rows.append(
                    f"| {inp.name} | {size} | {_cell(res.tool.label)} | FAILED | — | "
                    f"{fmt(_mib(res.rss_max_bytes), '.0f')} | — | — |"
                )
                continue
            mbs = inp.bytes / 1e6 / wall
            rss = fmt(_mib(res.rss_bytes), ".0f")
            rows.append(
                f"| {inp.name} | {size} | {_cell(res.tool.label)} | {wall:.2f} | {mbs:,.0f} | {rss} | "
                f"{fmt(wall / ref_lnav if ref_lnav else None)} | {fmt(wall / ref_grep if ref_grep else None, '.1f')} |"
            )
    return head + "\n".join(rows) + "\n"


def _cell(text: str) -> str:
    """Markdown table cell: pipes escaped, code-formatted."""
    return "`" + text.replace("|", "\\|") + "`"


def _mib(value: float | None) -> float | None:
    return None if value is None else value / 2**20


def _by_case(results: list[Result]) -> list[list[Result]]:
    cases: dict[str, list[Result]] = {}
    for res in results:
        cases.setdefault(res.case, []).append(res)
    return list(cases.values())


def targets(results: list[Result]) -> str:
    def find(case: str, tool: str) -> Result | None:
        return next((r for r in results if r.case == case and r.tool.name == tool), None)

    rows: list[tuple[str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "not run" if ok is None else ("PASS" if ok else "**FAIL**")

    def size(res: Result) -> str:
        return generate.format_size(int(res.input.meta.get("requested_bytes", res.input.bytes)))

    def rss_row(res: Result, what: str, limit: float) -> tuple[str, str, str]:
        """A peak RSS target: the median of the good runs, or the largest seen when every run failed."""
        rss = res.rss_bytes if res.wall is not None else res.rss_max_bytes
        ok = None if rss is None else (res.wall is not None and rss <= limit)
        return what, f"{fmt(_mib(rss), '.0f')} MiB", verdict(ok)

    lf, ln = find("flink", "logforensics"), find("flink", "lnav")
    if lf:
        if lf.wall is not None and ln and ln.wall:
            rows.append(
                (
                    f"analyze {size(lf)} taskmanager.log: wall <= lnav's",
                    f"{lf.wall:.2f} s vs {ln.wall:.2f} s ({lf.wall / ln.wall:.2f}x)",
                    verdict(lf.wall <= ln.wall),
                )
            )
        else:
            rows.append(
                (
                    f"analyze {size(lf)} taskmanager.log: wall <= lnav's",
                    "logforensics failed" if lf.wall is None else "lnav not measured",
                    verdict(False if lf.wall is None else None),
                )
            )
        rows.append(rss_row(lf, f"analyze {size(lf)} taskmanager.log: peak RSS <= 1 GiB", TARGET_RSS_1G))
    jm, jm_lnav = find("jm", "logforensics"), find("jm", "lnav")
    if jm:
        measured = (
            f"{jm.wall:.2f} s vs {jm_lnav.wall:.2f} s ({jm.wall / jm_lnav.wall:.2f}x)"
            if jm.wall is not None and jm_lnav and jm_lnav.wall
            else ("logforensics failed" if jm.wall is None else "lnav not measured")
        )
        ok = None if jm.wall is None or not (jm_lnav and jm_lnav.wall) else jm.wall <= jm_lnav.wall
        rows.append((f"analyze {size(jm)} jobmanager.log: wall <= lnav's", measured, verdict(ok)))
        rows.append(rss_row(jm, f"analyze {size(jm)} jobmanager.log: peak RSS <= 1 GiB", TARGET_RSS_1G))
    gz, plain = find("gz", "logforensics"), lf
    if gz:
        if gz.wall is not None and plain and plain.wall is not None:
            versions = {r.package for r in gz.runs + plain.runs if r.package}
            mixed = " (package changed during the series)" if len(versions) > 1 else ""
            rows.append(
                (
                    ".gz within 1.3x of plain",
                    f"{gz.wall:.2f} s vs {plain.wall:.2f} s ({gz.wall / plain.wall:.2f}x)" + mixed,
                    verdict(gz.wall <= TARGET_GZ_RATIO * plain.wall),
                )
            )
        else:
            rows.append(
                (
                    ".gz within 1.3x of plain",
                    "a run failed or plain was not measured",
                    verdict(False if gz.wall is None else None),
                )
            )
    for case in ("gc-unified", "gc-jdk8"):
        grep = find(case, "grep")
        for tool, command in (("logforensics", "analyze"), ("logforensics-gc", "gc")):
            res = find(case, tool)
            if not res:
                continue
            what = f"`{command}` {case} {size(res)}: wall within 5x of grep -c ' Pause '"
            if res.wall is not None and grep and grep.wall:
                cpu, grep_cpu = _median_cpu(res), _median_cpu(grep)
                cpu_note = f"; CPU {cpu:.2f} s vs {grep_cpu:.2f} s ({cpu / grep_cpu:.1f}x)" if cpu and grep_cpu else ""
                rows.append(
                    (
                        what,
                        f"{res.wall:.2f} s vs {grep.wall:.2f} s ({res.wall / grep.wall:.1f}x){cpu_note}",
                        verdict(res.wall <= TARGET_GC_VS_GREP * grep.wall),
                    )
                )
            else:
                rows.append((what, "failed", verdict(False)))
    big = find("big", "logforensics")
    if big:
        rows.append(rss_row(big, f"analyze {size(big)}: peak RSS <= 1.5 GiB (target for 4 GiB)", TARGET_RSS_4G))
    if not rows:
        return ""
    return (
        "| target | measured | verdict |\n|---|---|---|\n"
        + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
        + "\n"
    )


def floors(results: list[Result]) -> str:
    """Each floor run (benchmarks/floor.py) against the peers and logforensics of its case: how much of a ratio to
    lnav or grep a fresh Python + polars process pays before any analysis."""
    rows = []
    for case in _by_case(results):
        wall = {r.tool.name: r.wall for r in case if r.wall}
        for res in case:
            floor = res.wall
            if not res.tool.name.startswith("floor-") or not floor:
                continue
            peers = [f"{floor / wall[name]:.2f}x {name}" for name in ("lnav", "grep") if name in wall]
            mine = [
                f"`{command}` {wall[name] / floor:.1f}x it"
                for name, command in (("logforensics", "analyze"), ("logforensics-gc", "gc"))
                if name in wall
            ]
            rows.append(
                f"| {res.input.name} | {_cell(res.tool.label)} | {floor:.2f} | {', '.join(peers) or '—'} | "
                f"{', '.join(mine) or '—'} |"
            )
    if not rows:
        return ""
    return (
        "The least a fresh Python + polars process does on the file (benchmarks/floor.py: one streaming query, no line"
        " numbers, traces, classification or report), timed in the same series.\n\n"
        "| file | floor | wall s (median) | floor vs peers | logforensics vs floor |\n|---|---|---:|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def _median_cpu(res: Result) -> float | None:
    """Median user + system CPU seconds of the successful runs (comparable across a busy machine's runs)."""
    values = [r.cpu_s for r in res.good if r.cpu_s is not None]
    return statistics.median(values) if values else None


def environment(exe: str) -> str:
    def out(argv: list[str]) -> str:
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
        except (OSError, subprocess.SubprocessError, IndexError):
            return "not available"

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal"))
        mem_gib = f"{int(mem.split()[1]) / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        mem_gib = "unknown"
    try:
        import polars

        polars_version = polars.__version__
    except ImportError:
        polars_version = "not importable here"
    try:
        import hashlib

        import logforensics

        pkg = Path(logforensics.__file__).parent
        files = sorted(pkg.rglob("*.py"))
        digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:12]
        newest = max(f.stat().st_mtime for f in files)
        state = (
            f"package at {pkg} (sha256 of its .py files {digest} when the report was written, newest file "
            f"{dt.datetime.fromtimestamp(newest, dt.UTC):%Y-%m-%d %H:%M} UTC; per-run digests under Runs)"
        )
    except ImportError:
        state = "package not importable from this Python"
    return "\n".join(
        [
            f"- {state}",
            f"- machine: {cpu}, {os.cpu_count()} CPUs, {mem_gib} RAM, {platform.system()} {platform.release()}",
            f"- {out([exe, '--version'])}; Python {platform.python_version()}; polars {polars_version}",
            f"- {out(['lnav', '-V'])}; {out(['grep', '-V'])}; LANG={os.environ.get('LANG', '')}",
            f"- RSS measured with {'GNU time (%M)' if os.access(GNU_TIME, os.X_OK) else 'getrusage(RUSAGE_CHILDREN)'}",
        ]
    )


def write_report(
    results: list[Result], args: argparse.Namespace, exe: str, started: dt.datetime, notes: list[str]
) -> tuple[str, Path]:
    lines = [
        f"# logforensics benchmarks, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"`{' '.join(shlex.quote(a) for a in sys.argv)}`: median of {args.repeat} interleaved runs per tool, warm page "
        "cache, whole-process wall time; MB/s = uncompressed MB (10^6 bytes) / s; ratios are wall time divided by the "
        "reference tool's wall time on the same file (< 1 = faster than the reference).",
        "",
        environment(exe),
        "",
        "## Results",
        "",
        table(results),
    ]
    tgt = targets(results)
    if tgt:
        lines += ["## Targets", "", tgt]
    flo = floors(results)
    if flo:
        lines += ["## Floor of this stack", "", flo]
    lines += ["## Checks (did each tool read the whole file?)", ""]
    for res in results:
        for check in res.checks or (["(no successful run)"] if not res.failures else []):
            lines.append(f"- {res.input.name} / {res.tool.name}: {check}")
    lines.append("")
    lines += [
        "## Runs",
        "",
        "Each run: wall s / peak RSS MiB / CPU s (user+sys) / share of the machine's CPU used by other "
        "processes meanwhile (noise: this machine is shared) / package digest for logforensics runs.",
        "",
    ]
    for res in results:
        runs = "; ".join(
            f"{r.wall:.2f} / {fmt(None if r.rss_kb is None else r.rss_kb / 1024, '.0f')} / {fmt(r.cpu_s, '.1f')}"
            f" / {'—' if r.others is None else f'{100 * r.others:.0f}%'}"
            + (f" / {r.package}" if r.package else "")
            + ("" if r.ok else " FAILED")
            for r in res.runs
        )
        best = min((r.wall for r in res.good), default=None)
        lines.append(f"- {res.input.name} / {res.tool.name}: {runs}" + (f" (min {best:.2f} s)" if best else ""))
    lines.append("")
    mixed = [res for res in results if len({r.package for r in res.runs if r.package}) > 1]
    for res in mixed:
        notes.append(
            f"{res.input.name} / {res.tool.name}: the logforensics sources changed between runs "
            f"({', '.join(sorted({r.package for r in res.runs}))}): the median mixes versions."
        )
    noisy = [res for res in results if any(r.others is not None and r.others > 0.2 for r in res.runs)]
    if noisy:
        notes.append(
            "other processes used more than 20% of the machine's CPU during some runs ("
            + ", ".join(sorted({f"{r.input.name} / {r.tool.name}" for r in noisy}))
            + "): those wall times are inflated; compare the ratios from the same series, or rerun."
        )
    failures = [(res, f) for res in results for f in res.failures]
    if failures:
        lines += ["## Failures (verbatim)", ""]
        for res, failure in failures:
            head, _, body = failure.partition("\n")
            lines += [f"### {res.input.name} / {res.tool.label}: {head}", "", "```", body, "```", ""]
    inputs = {id(r.input): r.input for r in results}
    lines += ["## Inputs", ""]
    for inp in inputs.values():
        m = inp.meta
        desc = (
            f"- {inp.name}: {m['bytes']:,} bytes, {m['lines']:,} lines, {m.get('events', 0):,} events, "
            f"seed {m.get('seed')}, generated in {m.get('generator_seconds')} s"
        )
        if inp.kind in ("taskmanager", "jobmanager"):
            desc += (
                f"; {m['stack_traces']:,} stack traces, {m['long_events']:,} long events, ERROR lines "
                f"{m['error_lines']:,}, bad bytes {m['bad']}, incidents {m['incidents']}"
            )
        if m.get("gc"):
            desc += f"; GC {m['gc']}"
        if inp.gz:
            desc += f"; gzip {inp.disk_bytes:,} bytes on disk"
        lines.append(desc)
    lines.append("")
    if notes:
        lines += ["## Notes", "", *[f"- {n}" for n in notes], ""]
    text = "\n".join(lines)
    out = HERE / f"results-{started:%Y-%m-%d}.md"
    n = 2
    while out.exists():
        out = HERE / f"results-{started:%Y-%m-%d}-{n}.md"
        n += 1
    out.write_text(text)
    return text, out


# ---------------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def find_logforensics(explicit: str | None) -> str:
    if explicit:
        return explicit
    beside = Path(sys.executable).with_name("logforensics")
    if beside.exists():
        return str(beside)
    found = shutil.which("logforensics")
    if not found:
        sys.exit("logforensics not found: install it (pip install -e .) or pass --logforensics PATH")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size",
        type=generate.parse_size,
        default=generate.parse_size("1GiB"),
        help="size of the taskmanager.log case (default 1GiB)",
    )
    parser.add_argument(
        "--gc-size",
        type=generate.parse_size,
        default=generate.parse_size("200MiB"),
        help="size of each GC log (default 200MiB)",
    )
    parser.add_argument(
        "--big-size",
        type=generate.parse_size,
        default=generate.parse_size("4GiB"),
        help="size of the --big case (default 4GiB)",
    )
    parser.add_argument(
        "--only",
        choices=("flink", "gz", "jm", "gc", "big"),
        action="append",
        help="run only this case (repeatable); default: flink, gz, jm and gc (and big with --big)",
    )
    parser.add_argument("--big", action="store_true", help="also run the 4 GiB taskmanager.log (memory growth)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median is reported (default 3)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument(
        "--keep", action="store_true", help="keep the inputs generated by this run (default: delete them at the end)"
    )
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed (default 1800)")
    parser.add_argument("--logforensics", help="the logforensics executable (default: the one beside this Python)")
    parser.add_argument("--no-lnav", action="store_true", help="skip lnav even if installed")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the polars floor runs (benchmarks/floor.py) beside logforensics"
    )
    args = parser.parse_args(argv)

    exe = find_logforensics(args.logforensics)
    only = set(args.only or ("flink", "gz", "jm", "gc"))
    started = dt.datetime.now(dt.UTC)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    have_lnav = shutil.which("lnav") is not None and not args.no_lnav
    if not have_lnav:
        notes.append("lnav not run (not installed, or --no-lnav): `apt-get install -y lnav`")
    lnav_home = args.data_dir / ".lnav-home"
    lnav_home.mkdir(exist_ok=True)
    generated: list[Path] = []
    results: list[Result] = []
    out_dir = Path(tempfile.mkdtemp(prefix="logforensics-bench-"))
    try:
        groups: list[list[Case]] = []

        def flink_case(name: str, size: int, gz: bool = False, kind: str = "taskmanager") -> Case:
            inp = ensure_input(kind, size, args.seed, args.data_dir, generated, gz=gz)
            tools = [logforensics_tool(exe, inp, out_dir)]
            if have_lnav:
                tools.append(lnav_tool(inp, lnav_home))
            tools.append(grep_tool(inp, "ERROR", "error_lines"))
            if not args.no_floor and name in ("flink", "jm"):
                tools += [floor_tool("levels", inp), floor_tool("literals", inp)]
            return Case(name, inp, tools)

        flink = [flink_case(name, args.size, gz=name == "gz") for name in ("flink", "gz") if name in only]
        if flink:
            groups.append(flink)  # plain and .gz interleaved: their ratio is a target
        if "jm" in only:
            groups.append([flink_case("jm", args.size, kind="jobmanager")])
        if "gc" in only:
            gc_cases = []
            for kind in ("gc-unified", "gc-jdk8"):
                inp = ensure_input(kind, args.gc_size, args.seed, args.data_dir, generated)
                key = "gc.pause_lines" if kind == "gc-unified" else ""
                tools = [logforensics_tool(exe, inp, out_dir), gc_tool(exe, inp), grep_tool(inp, " Pause ", key)]
                if not args.no_floor and kind == "gc-unified":
                    tools.append(floor_tool("pauses", inp))
                gc_cases.append(Case(kind, inp, tools))
            groups.append(gc_cases)
            notes.append(
                "JDK 8 G1 logs print `GC pause (G1 Evacuation Pause) (young)`: `grep -c ' Pause '` matches "
                "nothing there but still reads the whole file, so it stays the reference for the time."
            )
        if args.big or "big" in only:
            groups.append([flink_case("big", args.big_size)])
        for group in groups:
            results += run_group(group, args.repeat, args.timeout)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
        if not args.keep:
            for path in generated:
                path.unlink(missing_ok=True)
            if generated:
                log(f"deleted the {len(generated) // 2} generated input(s) (use --keep to keep them)")
    if not results:
        return 1
    text, out = write_report(results, args, exe, started, notes)
    print(text)
    log(f"written to {out}")
    return 0 if all(r.wall is not None for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
