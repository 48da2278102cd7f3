"""Command line: parse options, call the API, map errors to exit codes. No analysis happens here."""

from __future__ import annotations

import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from logforensics import __version__
from logforensics.errors import ExitCode, LogforensicsError
from logforensics.ingest.limits import DEFAULT_MAX_BYTES, Limits

# The analysis stack (polars, the catalogue, ingest, the report) is imported by the commands that use it, so that
# `logforensics gc`, `--help` and `--version` do not pay for what they do not run.
if TYPE_CHECKING:
    from logforensics import api
    from logforensics.catalogue.model import Catalogue
    from logforensics.model import Analysis

app = typer.Typer(
    name="logforensics",
    help="Turn the logs of a Flink incident into a post-mortem that names the root cause.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
patterns_app = typer.Typer(help="Inspect and check the pattern catalogue.", no_args_is_help=True)
app.add_typer(patterns_app, name="patterns")


class FailOn(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


def _fail(message: str, code: ExitCode = ExitCode.USAGE) -> typer.Exit:
    typer.echo(f"logforensics: {message}", err=True)
    return typer.Exit(int(code))


def _version(value: bool) -> None:
    if value:
        typer.echo(f"logforensics {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """logforensics: post-mortems for Apache Flink incidents."""


def _progress_printer() -> api.Progress | None:
    if not sys.stderr.isatty():
        return None
    from rich.console import Console

    console = Console(stderr=True)

    def show(what: str, done: int, total: int) -> None:
        console.print(f"[dim]{what} {done}/{total}[/dim]", end="\r")

    return show


STRICT_EXIT = 3
"""Exit code of ``analyze --strict`` when an input was skipped, cut, damaged or altered (ingest/problems.py)."""
_DEFAULT_LIMITS = Limits()


def exit_code_for(analysis: Analysis, fail_on: FailOn) -> ExitCode:
    from logforensics.model import Severity

    if fail_on is FailOn.NONE:
        return ExitCode.OK
    threshold = Severity(fail_on.value).rank
    return ExitCode.FINDINGS if any(f.severity.rank >= threshold for f in analysis.findings) else ExitCode.OK


@app.command()
def analyze(
    paths: Annotated[list[Path], typer.Argument(help="Log files and folders of one incident (.gz is fine).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML post-mortem.")] = Path(
        "logforensics-report.html"
    ),
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the JSON report here.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity.")
    ] = FailOn.NONE,
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz",
            help="Time zone of naive log timestamps (IANA name, or a UTC offset such as +05:30). Default: the JVM's,"
            " else UTC.",
        ),
    ] = None,
    patterns: Annotated[
        list[Path] | None, typer.Option("--patterns", help="A folder with your own signals/ and causes/ (repeatable).")
    ] = None,
    max_bytes: Annotated[
        int,
        typer.Option(
            "--max-bytes",
            help="Read at most this many (decompressed) bytes of one input: a file, an archive member, a YARN "
            "section, a pod. The rest is cut with a warning.",
        ),
    ] = DEFAULT_MAX_BYTES,
    max_total_bytes: Annotated[
        int,
        typer.Option(
            "--max-total-bytes",
            help="Inflate at most this many bytes from compressed archive members, all archives together; a member "
            "past the limit is cut or not read, with a warning.",
        ),
    ] = _DEFAULT_LIMITS.max_total_bytes,
    max_members: Annotated[
        int,
        typer.Option(
            "--max-members",
            help="Read at most this many files of one archive (its nested archives included); the rest is listed "
            "as not read.",
        ),
    ] = _DEFAULT_LIMITS.max_members,
    max_ratio: Annotated[
        float,
        typer.Option(
            "--max-ratio",
            help="Refuse a compressed input or archive member that inflates to more than this many times its "
            "compressed size (a decompression bomb).",
        ),
    ] = _DEFAULT_LIMITS.max_ratio,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Exit 3 when any input was skipped, cut, damaged or altered (by default these are warnings in the "
            "report and do not change the exit code).",
        ),
    ] = False,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="[GLOB=]KIND: read matching inputs as this kind (flink_taskmanager, flink_jobmanager, flink_log, "
            "gc_log, stdout, text, exception_trace). Repeatable; for the rare file that is misread.",
        ),
    ] = None,
    layout: Annotated[
        list[str] | None,
        typer.Option(
            "--layout",
            help="[GLOB=]LAYOUT: read matching inputs in this layout (log4j2, log4j1, iso, logback, time_only, json, "
            "generic, gc_unified, gc_legacy, plain, text, rest_json). Repeatable.",
        ),
    ] = None,
    no_js: Annotated[bool, typer.Option("--no-js", help="Leave JavaScript out of the HTML report.")] = False,
    parquet_dir: Annotated[
        Path | None,
        typer.Option("--parquet", help="Also write the events, GC events, findings and metrics as Parquet files here."),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Analyse one incident: write the HTML post-mortem (and JSON) and print the verdict."""
    import polars as pl

    from logforensics import api
    from logforensics.ingest.problems import input_problems
    from logforensics.report.html import write_html
    from logforensics.report.json import write_json
    from logforensics.report.output import check_output

    try:
        limits = Limits(
            max_bytes=max_bytes, max_total_bytes=max_total_bytes, max_members=max_members, max_ratio=max_ratio
        )
    except ValueError:
        raise _fail(
            "--max-bytes, --max-total-bytes and --max-members must be positive, --max-ratio greater than 1"
        ) from None
    try:
        # Where the files go is checked first: not after minutes of analysis.
        check_output(output, what="-o")
        if json_path is not None:
            check_output(json_path, what="--json")
        if parquet_dir is not None:
            check_output(parquet_dir, folder=True, what="--parquet")
        analysis = api.analyze(
            paths,
            tz=tz,
            patterns=patterns or [],
            max_bytes=max_bytes,
            limits=limits,
            progress=_progress_printer(),
            command=shlex.join(["logforensics", *sys.argv[1:]]),
            kinds=kind or [],
            layouts=layout or [],
        )
        write_html(analysis, output, embed_js=not no_js)
        if json_path is not None:
            write_json(analysis, json_path)
        if parquet_dir is not None:
            from logforensics.report.parquet import write_parquet

            write_parquet(analysis, parquet_dir)
    except LogforensicsError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except (Exception, pl.exceptions.PanicException) as exc:  # a polars panic is not an Exception
        if debug:
            raise
        raise _fail(f"internal error: {exc!r} (run with --debug for the traceback)") from None
    _print_verdict(analysis, output, json_path)
    if strict and (problems := input_problems(analysis.sources)):
        listed = {(s.path, s.skipped_reason) for s in analysis.sources}  # the skipped inputs are listed above
        for path, problem in problems:
            if (path, problem) not in listed:
                typer.echo(f"  input problem in {path}: {problem}", err=True)
        typer.echo(f"--strict: {len(problems)} input problem(s), exit code {STRICT_EXIT}", err=True)
        raise typer.Exit(STRICT_EXIT)
    raise typer.Exit(int(exit_code_for(analysis, fail_on)))


def _print_verdict(analysis: Analysis, output: Path, json_path: Path | None) -> None:
    top = analysis.findings[0] if analysis.findings else None
    skipped = [s for s in analysis.sources if s.skipped_reason]
    if top is None:
        typer.echo("No finding: nothing in the catalogue matched these logs.", err=True)
    else:
        typer.echo(f"{top.severity.upper()} {top.id} ({top.confidence:.0%}): {top.title}", err=True)
    for source in skipped:
        typer.echo(f"  skipped {source.path}: {source.skipped_reason}", err=True)
    written = f"{output}" + (f" and {json_path}" if json_path else "")
    typer.echo(f"Report written to {written}", err=True)


@app.command("gc")
def gc_summary(
    paths: Annotated[
        list[Path], typer.Argument(help="GC log files and folders (.gz, archives and rotated sets are fine).")
    ],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of the table.")] = False,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Read at most this many (decompressed) bytes of one file.")
    ] = DEFAULT_MAX_BYTES,
) -> None:
    """Per GC log, a rotated set (gc.log.0..N, .current) as one: collector, pauses (count, total, max, p50..p99.9),
    full GCs, throughput, heap, allocation rate; then each set's parts in content order and what was decided
    (wrap-around, new JVM runs, clock jumps). --json: each set also with its parts' own numbers."""
    import json

    from logforensics import gcsummary

    try:
        results = gcsummary.analyse_paths(paths, max_bytes)
    except LogforensicsError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    if not results:
        raise _fail("no GC log found in the given paths", ExitCode.USAGE)
    if json_out:
        typer.echo(json.dumps(gcsummary.render_json(results), indent=2, default=str))
    else:
        typer.echo(gcsummary.render_table(results))


@app.command("scan")
def scan(
    roots: Annotated[
        list[str], typer.Argument(help="Folders or archives of incidents; local paths or fsspec URLs (s3://...).")
    ],
    outdir: Annotated[Path, typer.Option("--output", "-o", help="Output folder: reports, summary, index.html.")],
    workers: Annotated[
        int | None, typer.Option("--workers", help="Local worker processes (default: the cores; 0: this process).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on this Dask scheduler (tcp://HOST:PORT) instead.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Analyse every incident again, changed or not.")] = False,
    incident_glob: Annotated[
        str | None, typer.Option("--incident-glob", help="Each match of this glob under a ROOT is one incident.")
    ] = None,
    patterns: Annotated[
        list[Path] | None, typer.Option("--patterns", help="A folder with your own signals/ and causes/ (repeatable).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
) -> None:
    """Analyse many incidents (one archive or log folder each): reports, a fleet summary and index.html."""
    import polars as pl

    from logforensics import batch
    from logforensics.batch_progress import progress_for

    try:
        batch.scan(
            roots,
            outdir,
            workers=workers,
            scheduler=scheduler,
            force=force,
            incident_glob=incident_glob,
            patterns=patterns or [],
            progress=progress_for(sys.stderr),
        )
    except LogforensicsError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except (Exception, pl.exceptions.PanicException) as exc:
        if debug:
            raise
        raise _fail(f"internal error: {exc!r} (run with --debug for the traceback)") from None


def _catalogue(folders: list[Path] | None) -> Catalogue:
    """The built-in catalogue plus ``folders``; a broken one ends the command with every problem (file:line)."""
    from logforensics import api

    try:
        return api.load_default_catalogue(folders or [])
    except LogforensicsError as exc:
        raise _fail(f"the catalogue has problems:\n{exc}", exc.exit_code) from None


@patterns_app.command("check")
def patterns_check(
    folders: Annotated[
        list[Path] | None, typer.Argument(help="Extra catalogue folders to check with the built-in one.")
    ] = None,
) -> None:
    """Load the catalogue and list every problem (file:line)."""
    catalogue = _catalogue(folders)
    typer.echo(f"ok: {len(catalogue.signals)} signals, {len(catalogue.causes)} causes (version {catalogue.version})")


@patterns_app.command("list")
def patterns_list(
    folders: Annotated[list[Path] | None, typer.Argument(help="Extra catalogue folders.")] = None,
) -> None:
    """List the causes: id, kind, severity, title."""
    catalogue = _catalogue(folders)
    for cause in sorted(catalogue.causes.values(), key=lambda c: c.id):
        typer.echo(f"{cause.id:42} {cause.kind:10} {cause.severity:8} {cause.title}")


@patterns_app.command("test")
def patterns_test(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(help="Catalogue folders whose rules to test (loaded with the built-in one); default: all."),
    ] = None,
) -> None:
    """Run every rule's own examples: signal samples and misses, cause hit and miss incidents and fixtures."""
    from logforensics.catalogue.selftest import run_all

    catalogue = _catalogue(folders)
    outcomes = run_all(catalogue, tuple(str(f) for f in folders) if folders else None)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        typer.echo(f"FAIL {outcome.rule}: {outcome.case}: {outcome.detail}", err=True)
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(int(ExitCode.FINDINGS if failed else ExitCode.OK))


@patterns_app.command("show")
def patterns_show(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A cause or signal id (see 'patterns list').")],
    folders: Annotated[
        list[Path] | None, typer.Option("--patterns", help="A folder with your own signals/ and causes/ (repeatable).")
    ] = None,
) -> None:
    """Everything about one rule: matching, links, diagnosis, remediation per version, references, tests."""
    from logforensics.catalogue.docs import rule_text

    catalogue = _catalogue(folders)
    text = rule_text(catalogue, rule_id)
    if text is None:
        raise _fail(f"no cause or signal '{rule_id}' (see 'logforensics patterns list')")
    typer.echo(text, nl=False)


def main() -> None:
    app()
