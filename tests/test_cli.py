"""The command line as users run it: exit codes, help, bad input never gives a traceback."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from logforensics.cli import app

runner = CliRunner()
TM = (
    "2020-06-01 14:05:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner      [] - Starting "
    "TaskManager with ResourceID: 10.0.0.1:6122-aaaaaa\n"
    "2020-06-01 14:05:01,000 INFO  org.apache.flink.runtime.taskmanager.Task                    [] - Map (1/2)#0 "
    "(8d3c7b1e0f2a4c6e9b5d7f1a3c5e7b9d) switched from RUNNING to FAILED.\n"
    "java.lang.OutOfMemoryError: Java heap space\n"
    "\tat java.util.Arrays.copyOf(Arrays.java:3236)\n"
)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_help_lists_the_commands() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "analyze" in out and "patterns" in out
    code, out, _ = run("analyze", "--help")
    for option in ("--output", "--json", "--fail-on", "--tz", "--debug", "--patterns", "--max-bytes", "--no-js"):
        assert option in out


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "logforensics", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "analyze" in result.stdout


def test_the_allocator_purges_freed_pages_unless_told_otherwise() -> None:
    """polars reads ``_RJEM_MALLOC_CONF`` when it loads and appends it to its own jemalloc options (see
    logforensics/__init__.py): imported first, logforensics asks for freed pages to be purged at once."""
    show = "import logforensics, polars, os; print(os.environ['_RJEM_MALLOC_CONF'])"
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    ours = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True)
    assert ours.stdout.strip().split(",")[-1] == "muzzy_decay_ms:0"
    env["_RJEM_MALLOC_CONF"] = "dirty_decay_ms:2000"
    theirs = subprocess.run([sys.executable, "-c", show], env=env, capture_output=True, text=True, check=True)
    assert theirs.stdout.strip().split(",")[-1] == "dirty_decay_ms:2000"
    assert "muzzy_decay_ms:0" not in theirs.stdout


def test_analyze_writes_reports_and_exit_codes_follow_fail_on(tmp_path: Path) -> None:
    (tmp_path / "taskmanager.log").write_text(TM)
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    code, out, err = run("analyze", str(tmp_path), "-o", str(html), "--json", str(js))
    assert code == 0, err
    assert out == ""  # nothing but data on stdout; messages go to stderr
    assert "task_heap_oom" in err
    document = json.loads(js.read_text())
    assert document["findings"][0]["id"] == "task_heap_oom"
    assert html.read_text().lstrip().lower().startswith("<!doctype html>")
    assert run("analyze", str(tmp_path), "-o", str(html), "--fail-on", "high")[0] == 1
    assert run("analyze", str(tmp_path), "-o", str(html), "--fail-on", "critical")[0] == 0


def test_missing_path_is_exit_2_without_traceback(tmp_path: Path) -> None:
    code, _, err = run("analyze", str(tmp_path / "nope"), "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert "no such file or folder" in err
    assert "Traceback" not in err


def test_bad_tz_and_bad_fail_on_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "taskmanager.log").write_text(TM)
    assert run("analyze", str(tmp_path), "-o", str(tmp_path / "r.html"), "--tz", "Mars/Olympus")[0] == 2
    assert run("analyze", str(tmp_path), "--fail-on", "sometimes")[0] == 2


def test_bad_inputs_are_listed_and_the_rest_is_analysed(tmp_path: Path) -> None:
    (tmp_path / "taskmanager.log").write_text(TM)
    (tmp_path / "empty.log").write_text("")
    (tmp_path / "lib.jar").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 40)
    broken = TM.encode().replace(b"Map (1/2)", b"Map \xff\xfe\xc3(1/2)")
    (tmp_path / "tm2" / "taskmanager.log").parent.mkdir()
    (tmp_path / "tm2" / "taskmanager.log").write_bytes(broken)
    js = tmp_path / "r.json"
    code, _, err = run("analyze", str(tmp_path), "-o", str(tmp_path / "r.html"), "--json", str(js))
    assert code == 0, err
    sources = {s["path"]: s for s in json.loads(js.read_text())["sources"]}
    assert sources["empty.log"]["skipped_reason"] == "empty file"
    assert sources["lib.jar"]["skipped_reason"] == "binary content, not a text log"
    assert sources["tm2/taskmanager.log"]["records"] == 2  # invalid UTF-8 mid-line is data, not a failure
    assert sources["taskmanager.log"]["lines"] == 4
    assert "skipped empty.log: empty file" in err


def test_broken_user_catalogue_fails_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "rules" / "causes").mkdir(parents=True)
    (tmp_path / "rules" / "causes" / "x.toml").write_text('id = "x"\ntitle = "x"\nbogus = 1\n')
    (tmp_path / "taskmanager.log").write_text(TM)
    code, _, err = run("analyze", str(tmp_path / "taskmanager.log"), "--patterns", str(tmp_path / "rules"))
    assert code == 2
    assert "rules/causes/x.toml:3: unknown key 'bogus'" in err


def test_files_and_folders_both_work(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "taskmanager.log").write_text(TM)
    js = tmp_path / "r.json"
    code, _, _ = run(
        "analyze", str(tmp_path / "a" / "taskmanager.log"), "-o", str(tmp_path / "r.html"), "--json", str(js)
    )
    assert code == 0
    assert [s["path"] for s in json.loads(js.read_text())["sources"]] == ["taskmanager.log"]


def test_kind_and_layout_overrides(tmp_path: Path) -> None:
    # GC output redirected to stdout behind many user prints: sniffing calls the file stdout; --kind fixes it.
    prints = "".join(f"Generated number: {i}\n" for i in range(3000))
    gc = (
        "[2023-03-14T10:12:01.123+0100][3600.123s][info][gc] GC(412) Pause Young (Normal) (G1 Evacuation Pause) "
        "1800M->1750M(2048M) 35.123ms\n"
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "taskmanager.out").write_text(prints + gc)
    js = tmp_path / "r.json"
    html = str(tmp_path / "r.html")
    assert run("analyze", str(logs), "-o", html, "--json", str(js))[0] == 0
    assert json.loads(js.read_text())["sources"][0]["kind"] == "stdout"
    code, _, err = run("analyze", str(logs), "-o", html, "--json", str(js), "--kind", "*.out=gc_log")
    assert code == 0, err
    document = json.loads(js.read_text())
    [source] = document["sources"]
    assert (source["kind"], source["layout"]) == ("gc_log", "gc_unified")
    assert "read as gc_log / gc_unified by --kind/--layout" in source["warnings"]
    assert document["gc"][0]["stw_pauses"]["count"] == 1
    code, _, err = run("analyze", str(logs), "-o", html, "--layout", "fancy")
    assert code == 2 and "'fancy' is not one of" in err


def test_reports_are_written_with_normal_permissions(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "taskmanager.log").write_text(TM)
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    assert run("analyze", str(tmp_path / "logs"), "-o", str(html), "--json", str(js))[0] == 0
    umask = os.umask(0o022)
    os.umask(umask)
    for path in (html, js):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_an_output_that_cannot_be_written_is_refused_before_the_analysis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "taskmanager.log").write_text(TM)
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    analysed: list[object] = []
    monkeypatch.setattr("logforensics.api.analyze", lambda *a, **k: analysed.append(a))
    logs = str(tmp_path / "logs")
    cases = [
        (["-o", str(a_file / "r.html")], f"-o {a_file / 'r.html'}: cannot make the folder: {a_file} is a file"),
        (["-o", str(tmp_path)], f"-o {tmp_path}: is a folder; give a file name"),
        (["-o", "r.html", "--json", str(a_file / "x" / "r.json")], f"{a_file} is a file"),
        (["-o", "r.html", "--parquet", str(a_file)], f"--parquet {a_file}: is a file, not a folder"),
    ]
    for args, message in cases:
        code, _, err = run("analyze", logs, *args)
        assert code == 2, args
        assert message in err
        assert "internal error" not in err
    # root may write anywhere: the permission is mocked
    monkeypatch.setattr("logforensics.report.output._writable", lambda folder: False)
    code, _, err = run("analyze", logs, "-o", str(tmp_path / "r.html"))
    assert code == 2
    assert f"no permission to write in {tmp_path}" in err
    code, _, err = run("scan", logs, "-o", str(tmp_path / "out"), "--workers", "0")
    assert code == 2
    assert f"--output {tmp_path / 'out'}: no permission to write in {tmp_path}" in err
    assert not analysed


def test_a_failure_while_writing_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "taskmanager.log").write_text(TM)
    html, pq = tmp_path / "out" / "r.html", tmp_path / "pq"

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "replace", full)
    code, _, err = run("analyze", str(tmp_path / "taskmanager.log"), "-o", str(html))
    assert code == 2
    assert f"{html}: cannot write: No space left on device" in err
    monkeypatch.undo()
    monkeypatch.setattr(pl.DataFrame, "write_parquet", full)
    code, _, err = run("analyze", str(tmp_path / "taskmanager.log"), "-o", str(html), "--parquet", str(pq))
    assert code == 2
    assert f"{pq}: cannot write the Parquet files: No space left on device" in err
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]  # no temporary file left behind
