"""Batch scan: many archived incidents, analysed in parallel (local processes or a Dask cluster), one fleet summary.

``scan(roots, outdir)`` finds the incidents (batch_discover.py), runs ``batch_incident.run_incident`` on each (the
same function in a local process pool, in this process with ``workers=0``, or on a Dask ``distributed`` cluster),
writes each incident's reports and done-marker as its outcome arrives, then the fleet summary
(``summary.parquet``, ``summary.ndjson``: batch_summary.py) and ``index.html`` (batch_index.py).

Incremental and restartable: an incident whose cache key (its bytes' hash, batch_content.py; the tool and catalogue
versions; the options) equals its done-marker's is not analysed again; every file is written atomically and the
marker last, so a scan killed at any point (kill -9) is resumed by running it again. Failure isolation: a bad
incident is a row with its error; a worker process that dies (out of memory, killed) breaks the local pool, which is
rebuilt and the incidents that were in flight are retried one at a time, so that only the one that kills its worker
again becomes an error row. Only one scan writes to an output folder at a time (a lock file).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from logforensics.batch_discover import IncidentRef, discover_incidents
from logforensics.batch_incident import (
    Options,
    Outcome,
    Task,
    catalogue_for,
    describe,
    error_row,
    precheck,
    run_incident,
)
from logforensics.batch_summary import (
    marker_path,
    read_marker,
    remove_stale_temporaries,
    write_marker,
    write_summary,
)
from logforensics.errors import InputError
from logforensics.ingest.limits import Limits
from logforensics.report.output import check_output, write_atomic

__all__ = ["ScanProgress", "ScanReport", "default_workers", "scan"]

LOCK_NAME = ".scan.lock"
INCIDENT_FN = Callable[[Task], Outcome]


@dataclass(frozen=True)
class ScanReport:
    """What one scan did."""

    outdir: Path
    total: int
    analysed: int
    """Incidents analysed by this run (failed ones included)."""
    unchanged: int
    """Incidents skipped because their done-marker's key was unchanged."""
    failed: int
    """Rows with an error (this run's or a previous run's, unchanged since)."""
    seconds: float
    summary: pl.DataFrame

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds > 0 else 0.0


class ScanProgress(Protocol):
    def start(self, total: int, where: str) -> None: ...

    def advance(self, outcome: Outcome) -> None: ...

    def finish(self, report: ScanReport) -> None: ...


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def scan(
    roots: Sequence[str | os.PathLike[str]],
    outdir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    incident_glob: str | None = None,
    patterns: Sequence[str | os.PathLike[str]] = (),
    limits: Limits | None = None,
    embed_js: bool = True,
    progress: ScanProgress | None = None,
    incident_fn: INCIDENT_FN = run_incident,
) -> ScanReport:
    """Scan the incidents under ``roots`` into ``outdir``. Raises InputError / CatalogueError (usage problems);
    a bad incident is a row with its error, never an exception.

    ``workers``: local processes (default: the cores; 0 runs in this process). ``scheduler``: the address of a Dask
    scheduler (``tcp://host:8786``) to run on instead. ``limits``: the ingest bounds of each incident's analysis
    (default ``Limits()``, as ``analyze``). ``incident_fn`` is for tests (a function the workers can import)."""
    started = time.perf_counter()
    if not roots:
        raise InputError("no ROOT to scan")
    if workers is not None and workers < 0:
        raise InputError(f"--workers {workers}: must be 0 (this process) or more")
    out = Path(outdir).absolute()
    check_output(out, folder=True, what="--output")
    out.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        remove_stale_temporaries(out)
        options = Options(tuple(str(Path(p).resolve()) for p in patterns), limits or Limits(), embed_js)
        catalogue_version = catalogue_for(options.patterns).version  # a catalogue error stops the scan here
        incidents = discover_incidents([os.fspath(r) for r in roots], incident_glob=incident_glob, exclude=out)
        previous = {ref.slug: read_marker(out, ref.slug) for ref in incidents}
        tasks = [_task(ref, previous.get(ref.slug), force, options) for ref in incidents]
        count = default_workers() if workers is None else workers
        if progress:
            progress.start(len(tasks), f"Dask scheduler {scheduler}" if scheduler else _workers_label(count))
        if scheduler:  # the workers hash (they may run another catalogue version than this process)
            outcomes = _run_dask(tasks, scheduler, catalogue_version, incident_fn)
        else:
            outcomes = _run_checked(tasks, count, catalogue_version, incident_fn)
        rows: dict[str, dict[str, Any]] = {}
        signatures: dict[str, list[dict[str, Any]]] = {}
        analysed = 0
        for outcome in outcomes:
            slug = outcome.task.slug
            rows[slug], signatures[slug] = _persist(out, outcome, previous.get(slug))
            analysed += not outcome.unchanged
            if progress:
                progress.advance(outcome)
        frame = write_summary(out, rows.values())
        seconds = time.perf_counter() - started
        report = ScanReport(
            outdir=out,
            total=len(tasks),
            analysed=analysed,
            unchanged=len(tasks) - analysed,
            failed=sum(1 for row in rows.values() if row.get("error")),
            seconds=seconds,
            summary=frame,
        )
        from logforensics.batch_index import render_index

        by_incident = {rows[slug]["incident"]: sigs for slug, sigs in signatures.items()}
        write_atomic(out / "index.html", render_index(frame, by_incident, dt.datetime.now(dt.UTC), report))
    if progress:
        progress.finish(report)
    return report


def _workers_label(count: int) -> str:
    return "this process" if count == 0 else f"{count} worker process{'es' if count > 1 else ''}"


def _task(ref: IncidentRef, marker: dict[str, Any] | None, force: bool, options: Options) -> Task:
    key = marker.get("key") if marker else None
    return Task(
        ref.id, ref.location, ref.slug, previous_key=key if isinstance(key, str) else None, force=force, options=options
    )


def _persist(out: Path, outcome: Outcome, marker: dict[str, Any] | None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Write an outcome's reports, then its marker (last); returns its summary row and exception signatures."""
    task = outcome.task
    if outcome.unchanged and marker is not None:
        row = dict(marker["row"])
        row.update(incident=task.incident, path=task.location)  # the root may have moved; the content did not
        return row, list(marker["signatures"])
    assert outcome.row is not None
    folder = out / "incidents" / task.slug
    marker_path(out, task.slug).unlink(missing_ok=True)  # from here until the new marker, the incident is unfinished
    for name, text in (("report.html", outcome.html), ("report.json", outcome.json)):
        if text is None:
            (folder / name).unlink(missing_ok=True)  # no stale report beside an error row
        else:
            write_atomic(folder / name, text)
    if outcome.cacheable and outcome.key is not None:
        write_marker(out, task.slug, outcome.key, outcome.row, outcome.signatures)
    return dict(outcome.row), list(outcome.signatures)


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``out`` (released by the OS even when the process is killed)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    handle = (out / LOCK_NAME).open("a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(f"{out}: another scan is writing to this folder; wait for it to finish") from None
        yield
    finally:
        handle.close()


def _crashed(task: Task, catalogue_version: str, message: str) -> Outcome:
    return Outcome(task, None, row=error_row(task, None, catalogue_version, message), cacheable=False)


def _run_checked(tasks: list[Task], workers: int, catalogue_version: str, fn: INCIDENT_FN) -> Iterator[Outcome]:
    """Local runs: unchanged incidents are recognised here (no worker is started for a fleet that did not change),
    the others go to ``workers`` processes (or run in this one when 0)."""
    todo: list[Task] = []
    for task in tasks:
        checked = precheck(task)
        if isinstance(checked, Outcome):
            yield checked
        else:
            todo.append(checked)
    if workers == 0:
        yield from (fn(task) for task in todo)
    elif todo:
        yield from _run_local(todo, workers, catalogue_version, fn)


# -- local processes -------------------------------------------------------------------------------------------------


@contextmanager
def _polars_threads(workers: int) -> Iterator[None]:
    """Worker processes share the cores: each gets ``cores // workers`` polars threads (unless the user chose with
    ``POLARS_MAX_THREADS``). Polars reads the variable when it is imported, which a spawned process does before any
    initializer runs, so it is set in this process's environment while the pool starts its processes."""
    if "POLARS_MAX_THREADS" in os.environ:
        yield
        return
    os.environ["POLARS_MAX_THREADS"] = str(max(1, default_workers() // workers))
    try:
        yield
    finally:
        os.environ.pop("POLARS_MAX_THREADS", None)


def _worker_started(patterns: tuple[str, ...]) -> None:
    """Load the catalogue when the worker starts, not with its first incident."""
    with suppress(Exception):  # reported with the first incident that needs it
        catalogue_for(patterns)


def _run_local(tasks: list[Task], workers: int, catalogue_version: str, fn: INCIDENT_FN) -> Iterator[Outcome]:
    """Run ``fn`` over ``tasks`` in ``workers`` processes, yielding outcomes as they finish.

    At most ``workers + 1`` tasks are in flight (bounded memory for results). When a worker dies the pool breaks:
    it is rebuilt, and the tasks that were in flight are retried one at a time; one that breaks the pool alone is an
    error row."""
    context = multiprocessing.get_context("spawn")  # polars runs threads: never fork a process that has them
    patterns = tasks[0].options.patterns if tasks else ()
    pending: deque[Task] = deque(tasks)
    suspects: deque[Task] = deque()
    lost_before: set[Task] = set()
    received = 0
    deaths_alone = 0
    while pending or suspects:
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_worker_started, initargs=(patterns,)
        )
        running: dict[Future[Outcome], Task] = {}
        alone: Task | None = None  # a suspect, running with nothing beside it
        lost: list[Task] = []
        try:
            while (pending or suspects or running) and not lost:
                while alone is None and (suspects or pending) and len(running) < workers + 1:
                    if suspects and running:
                        break  # a suspect runs alone: wait for the pool to be idle
                    task = suspects.popleft() if suspects else pending.popleft()
                    alone = task if task in lost_before else None
                    with _polars_threads(workers):  # the pool starts its processes in submit()
                        running[pool.submit(fn, task)] = task
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    if task is alone:
                        alone = None
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        lost.append(task)
                    except Exception as exc:  # the function could not even be called (pickling...)
                        yield _crashed(task, catalogue_version, f"worker failed: {describe(exc)}")
                    else:
                        received += 1
                        yield outcome
            lost.extend(running.values())
            if len(lost) == 1 and lost[0] in lost_before:
                deaths_alone += 1
                if not received and deaths_alone >= 2:
                    raise InputError("the worker processes die before analysing anything (see above); try --workers 0")
                message = "the worker process died while analysing this incident (out of memory, or killed)"
                yield _crashed(lost[0], catalogue_version, message)
            else:
                lost_before.update(lost)
                suspects.extend(lost)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# -- Dask ------------------------------------------------------------------------------------------------------------


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError(
            "--scheduler needs Dask distributed, which is not installed: pip install 'logforensics[distributed]'"
        ) from None
    return distributed


def _run_dask(tasks: list[Task], address: str, catalogue_version: str, fn: INCIDENT_FN) -> Iterator[Outcome]:
    """The same function on a Dask cluster: the workers read the inputs (a shared file system or fsspec URLs) and
    send the reports back; this process writes them. At most two tasks per worker thread are in flight."""
    distributed = _distributed()
    try:
        client = distributed.Client(address, timeout="20s", set_as_default=False)
    except Exception as exc:
        raise InputError(f"--scheduler {address}: cannot connect to the Dask scheduler: {describe(exc)}") from None
    try:
        pending: deque[Task] = deque(tasks)
        running: dict[Any, Task] = {}
        completed = distributed.as_completed(loop=client.loop)
        run_id = uuid.uuid4().hex[:8]

        def submit() -> None:
            limit = 2 * max(1, sum(client.nthreads().values()))  # workers come and go
            while pending and len(running) < limit:
                task = pending.popleft()
                future = client.submit(fn, task, key=f"logforensics-{task.slug}-{run_id}", pure=False)
                running[future] = task
                completed.add(future)

        submit()
        for future in completed:
            task = running.pop(future)
            try:
                outcome: Outcome = future.result()
            except Exception as exc:  # KilledWorker (the task killed its workers), a worker without logforensics
                outcome = _crashed(task, catalogue_version, f"Dask worker failed: {describe(exc)}")
            future.release()
            submit()
            yield outcome
    finally:
        client.close()
