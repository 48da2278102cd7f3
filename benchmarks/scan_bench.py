#!/usr/bin/env python3
"""Throughput of ``logforensics scan``: incidents per second for N generated incidents, with 1 and 2 workers.

    python benchmarks/scan_bench.py                         # 200 incidents of 1 MiB, workers 1 and 2, 2 runs each
    python benchmarks/scan_bench.py --incidents 50 --repeat 1 --workers 1,2,4
    python benchmarks/scan_bench.py --wait-idle 600       # on a shared machine: start each run when it is idle

The incidents are generated once (``generate.py --kind incident-folder``, seeds ``--seed`` .. ``--seed + N - 1``) into
``--data-dir`` (default ``benchmarks/data/``, git-ignored) and reused while they are there. Each run is a fresh
``logforensics scan ROOT -o OUT --workers W`` in its own process (so it includes starting the worker processes), into
an empty output folder; the runs are interleaved (1, 2, 1, 2...) so that the drift of a shared machine hits both
alike, and the median is reported. Every run is checked: one summary row per incident and no error row. Wall time,
CPU time, peak RSS of the largest process and the share of the machine other processes used come from run.py's
``measure``. The table goes to stdout and to ``benchmarks/results-scan-<date>.md``.

Target (issue 7): 2 workers reach at least 1.6x the rate of 1 worker on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import run  # noqa: E402

TARGET_SPEEDUP = 1.6


@dataclass
class Series:
    workers: int
    runs: list[run.Run] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def good(self) -> list[run.Run]:
        return [r for r in self.runs if r.ok]

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.good) if self.good else None

    @property
    def best(self) -> float | None:
        """The least disturbed run: on a shared machine, the closest to what the tool alone does."""
        return min(r.wall for r in self.good) if self.good else None


def log(message: str) -> None:
    print(f"[scan_bench] {message}", file=sys.stderr, flush=True)


def machine_busy(seconds: float = 3.0) -> float | None:
    """Share of the machine's CPU in use over ``seconds`` (0..1), from /proc/stat; None where there is none."""
    before = run.cpu_busy_seconds()
    time.sleep(seconds)
    after = run.cpu_busy_seconds()
    if before is None or after is None:
        return None
    return max(0.0, min(1.0, (after - before) / (seconds * (os.cpu_count() or 1))))


def wait_idle(limit: float, threshold: float = 0.1) -> str:
    """Wait (at most ``limit`` seconds) until other processes use less than ``threshold`` of the machine."""
    deadline = time.monotonic() + limit
    busy = machine_busy()
    while busy is not None and busy >= threshold and time.monotonic() < deadline:
        busy = machine_busy(5.0)
    return "" if busy is None else f"{busy:.0%} busy before the run"


def ensure_incidents(root: Path, count: int, size: int, seed: int) -> None:
    """``root/inc-000`` .. one generated incident folder each; the generator's metadata goes to ``root.meta/``."""
    meta_dir = root.with_name(root.name + ".meta")
    meta_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    made = 0
    for index in range(count):
        out = root / f"inc-{index:03d}"
        meta = meta_dir / f"{out.name}.json"
        if out.is_dir() and meta.is_file():
            continue
        generate.generate("incident-folder", size, seed + index, out)
        generate.meta_path(out).replace(meta)  # not beside the incidents: the root holds folders only
        made += 1
    if made:
        log(f"generated {made} incidents of {generate.format_size(size)} in {time.perf_counter() - started:.0f} s")


def check(out: Path, count: int) -> list[str]:
    summary = out / "summary.ndjson"
    if not summary.is_file():
        return ["no summary.ndjson"]
    rows = [json.loads(line) for line in summary.read_text().splitlines() if line.strip()]
    problems = []
    if len(rows) != count:
        problems.append(f"{len(rows)} rows for {count} incidents")
    errors = [r for r in rows if r.get("error")]
    if errors:
        problems.append(f"{len(errors)} error rows, e.g. {errors[0]['incident']}: {errors[0]['error']}")
    return problems


def root_causes(out: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in (out / "summary.ndjson").read_text().splitlines():
        cause = json.loads(line).get("root_cause") or "(none)"
        counts[cause] = counts.get(cause, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _run_text(r: run.Run) -> str:
    others = "" if r.others is None else f" ({r.others:.0%} others)"
    return f"{r.wall:.1f}{others}"


def report(series: list[Series], args: argparse.Namespace, size: int, causes: dict[str, int], package: str) -> str:
    base = next((s.wall for s in series if s.workers == 1), None)
    lines = [
        f"# scan benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{args.incidents} generated incident folders of {generate.format_size(size)} each (taskmanager.log, "
        f"jobmanager.log, gc.log; seeds {args.seed}..{args.seed + args.incidents - 1}); "
        f"`logforensics scan ROOT -o OUT --workers W` into an empty OUT, {args.repeat} run(s) each, interleaved; "
        f"median. Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"package digest {package}.",
        "",
        "| workers | wall s (median) | incidents/s | speed-up vs 1 | CPU s | peak RSS MiB (largest process) "
        "| others' CPU share (max) | runs: wall s (others' share) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in series:
        wall = s.wall
        rate = args.incidents / wall if wall else None
        speedup = base / wall if base and wall else None
        cpu = statistics.median(r.cpu_s for r in s.good if r.cpu_s is not None) if s.good else None
        rss = max((r.rss_kb for r in s.good if r.rss_kb is not None), default=None)
        others = [r.others for r in s.good if r.others is not None]
        lines.append(
            f"| {s.workers} | {run.fmt(wall)} | {run.fmt(rate)} | {run.fmt(speedup)}x | {run.fmt(cpu, '.1f')} | "
            f"{run.fmt(rss / 1024 if rss else None, '.0f')} | {run.fmt(max(others) if others else None)} | "
            f"{', '.join(_run_text(r) for r in s.runs)} |"
        )
    two = next((s for s in series if s.workers == 2), None)
    one = next((s for s in series if s.workers == 1), None)
    if one and two and one.wall and two.wall and one.best and two.best:
        speedup = one.wall / two.wall
        verdict = "PASS" if speedup >= TARGET_SPEEDUP else "FAIL"
        lines += [
            "",
            f"Target: 2 workers >= {TARGET_SPEEDUP}x the rate of 1: {speedup:.2f}x on the medians, {verdict} "
            f"({one.best / two.best:.2f}x on the best runs). Read it with the others' CPU share: when other "
            "processes use a core, two workers have one core left between them.",
        ]
    problems = [f"- workers {s.workers}: {p}" for s in series for p in s.problems]
    lines += ["", "Checks: " + ("every run wrote one row per incident and no error row." if not problems else "")]
    lines += problems
    lines += ["", "Root causes found: " + ", ".join(f"{k} {v}" for k, v in causes.items())]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--size", type=generate.parse_size, default=generate.parse_size("1MiB"))
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0,
        help="before each run, wait up to this many seconds for the machine to be idle (a shared machine)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated incidents (default: delete them)")
    parser.add_argument("--logforensics", default=None, help="the logforensics executable (default: this venv's)")
    parser.add_argument("--no-write", action="store_true", help="print the table only, write no results file")
    args = parser.parse_args(argv)
    exe = run.find_logforensics(args.logforensics)
    workers = [int(w) for w in args.workers.split(",")]
    root = args.data_dir / f"scan-{args.incidents}x{generate.format_size(args.size)}-seed{args.seed}"
    existed = root.is_dir()
    ensure_incidents(root, args.incidents, args.size, args.seed)
    for folder in root.iterdir():  # warm the page cache: the runs compare CPU work, not the disk
        for file in folder.iterdir():
            run.warm(file)
    series = [Series(w) for w in workers]
    outs = {w: args.data_dir / f"scan-out-w{w}" for w in workers}
    package = run.package_digest()
    try:
        for repeat in range(args.repeat):
            for s in series:
                out = outs[s.workers]
                shutil.rmtree(out, ignore_errors=True)
                if args.wait_idle:
                    log(f"workers {s.workers} run {repeat + 1}: {wait_idle(args.wait_idle)}")
                argv_ = [exe, "scan", str(root), "-o", str(out), "--workers", str(s.workers)]
                result = run.measure(argv_, args.timeout, package=package)
                s.runs.append(result)
                problems = check(out, args.incidents) if result.ok else [f"exit {result.code}: {result.stderr[-500:]}"]
                s.problems += [f"run {repeat + 1}: {p}" for p in problems]
                rate = args.incidents / result.wall
                log(f"workers {s.workers} run {repeat + 1}: {result.wall:.1f} s, {rate:.2f}/s {problems or ''}")
        causes = root_causes(outs[workers[0]]) if (outs[workers[0]] / "summary.ndjson").is_file() else {}
    finally:
        for out in outs.values():
            shutil.rmtree(out, ignore_errors=True)
        if not args.keep and not existed:
            shutil.rmtree(root, ignore_errors=True)
            shutil.rmtree(root.with_name(root.name + ".meta"), ignore_errors=True)
    text = report(series, args, args.size, causes, package)
    print(text)
    if not args.no_write:
        path = HERE / f"results-scan-{dt.date.today():%Y-%m-%d}.md"
        path.write_text(text)
        log(f"written to {path}")
    return 0 if all(not s.problems for s in series) else 1


if __name__ == "__main__":
    sys.exit(main())
