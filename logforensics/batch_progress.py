"""Progress of a batch scan on stderr: a rich progress bar on a terminal, plain lines otherwise.

On a terminal: one bar with incidents done / total, failed, unchanged, the rate (incidents per second) and the time
left. Elsewhere (CI logs, a pipe): one line per failed incident, then the final line, so that logs stay short.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from logforensics.batch import ScanReport
from logforensics.batch_incident import Outcome


class PlainProgress:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def start(self, total: int, where: str) -> None:
        print(f"scan: {total} incidents on {where}", file=self.stream, flush=True)

    def advance(self, outcome: Outcome) -> None:
        if outcome.failed and outcome.row is not None:
            print(f"  failed {outcome.task.incident}: {outcome.row['error']}", file=self.stream, flush=True)

    def finish(self, report: ScanReport) -> None:
        print(summary_line(report), file=self.stream, flush=True)


class RichProgress:
    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(file=stream)
        self.progress = Progress(
            TextColumn("[bold]scan"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed[/red] · {task.fields[unchanged]} unchanged"),
            TextColumn("· {task.fields[rate]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.task_id = self.progress.add_task("scan", total=None, failed=0, unchanged=0, rate="")
        self.failed = 0
        self.unchanged = 0
        self.done = 0
        self.started = time.perf_counter()

    def start(self, total: int, where: str) -> None:
        self.console.print(f"[dim]scan: {total} incidents on {where}[/dim]")
        self.started = time.perf_counter()
        self.progress.update(self.task_id, total=total)
        self.progress.start()

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.failed
        self.unchanged += outcome.unchanged
        elapsed = time.perf_counter() - self.started
        rate = f"{self.done / elapsed:.1f}/s" if elapsed > 0 else ""
        self.progress.update(self.task_id, advance=1, failed=self.failed, unchanged=self.unchanged, rate=rate)
        if outcome.failed and outcome.row is not None:
            message = f"failed {outcome.task.incident}: {outcome.row['error']}"
            self.progress.console.print(message, markup=False, highlight=False, style="red")

    def finish(self, report: ScanReport) -> None:
        self.progress.stop()
        self.console.print(summary_line(report), markup=False, highlight=False)


def summary_line(report: ScanReport) -> str:
    return (
        f"scan: {report.total} incidents ({report.analysed} analysed, {report.unchanged} unchanged, "
        f"{report.failed} with an error) in {report.seconds:.1f} s, {report.rate:.2f} incidents/s; "
        f"summary and index in {report.outdir}"
    )


def progress_for(stream: TextIO = sys.stderr) -> PlainProgress | RichProgress:
    return RichProgress(stream) if stream.isatty() else PlainProgress(stream)
