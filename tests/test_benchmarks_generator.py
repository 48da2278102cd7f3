"""Smoke test of the benchmark input generator (benchmarks/generate.py): small files of every kind are the size
asked, deterministic for a seed, hold stack traces and bad bytes, and logforensics reads them completely."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from logforensics.api import analyze

ROOT = Path(__file__).resolve().parent.parent
SIZE = 2 * 1024 * 1024


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class bodies run
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """2 MiB of each kind, generated once for the module."""
    base = tmp_path_factory.mktemp("bench")
    out: dict[str, tuple[Path, dict]] = {}
    for kind in ("taskmanager", "jobmanager", "gc-unified", "gc-jdk8", "incident-folder"):
        path = base / (kind if kind == "incident-folder" else f"{kind}.log")
        out[kind] = (path, generate.generate(kind, SIZE, 7, path))
    return out


@pytest.mark.parametrize("kind", ["taskmanager", "jobmanager", "gc-unified", "gc-jdk8"])
def test_size_and_metadata(made: dict[str, tuple[Path, dict]], kind: str) -> None:
    path, meta = made[kind]
    data = path.read_bytes()
    assert abs(len(data) - SIZE) <= SIZE * 0.05
    assert meta["bytes"] == len(data)
    assert meta["lines"] == data.count(b"\n")
    assert data.endswith(b"\n")
    assert json.loads(generate.meta_path(path).read_text())["bytes"] == len(data)


def test_incident_folder_size(made: dict[str, tuple[Path, dict]]) -> None:
    folder, meta = made["incident-folder"]
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["gc.log", "jobmanager.log", "taskmanager.log"]
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert abs(total - SIZE) <= SIZE * 0.05
    assert meta["files"]["gc.log"]["incidents"].get("story") == 1


def test_deterministic_for_a_seed(tmp_path: Path, made: dict[str, tuple[Path, dict]]) -> None:
    for kind in ("taskmanager", "gc-jdk8"):
        again = tmp_path / f"{kind}.log"
        generate.generate(kind, SIZE, 7, again)
        assert again.read_bytes() == made[kind][0].read_bytes()
    other = tmp_path / "other-seed.log"
    generate.generate("taskmanager", SIZE, 8, other)
    assert other.read_bytes() != made["taskmanager"][0].read_bytes()


@pytest.mark.parametrize("kind", ["taskmanager", "jobmanager"])
def test_flink_logs_hold_traces_bad_bytes_and_incidents(made: dict[str, tuple[Path, dict]], kind: str) -> None:
    path, meta = made[kind]
    data = path.read_bytes()
    assert b"\n\tat org.apache.flink." in data
    assert b"\nCaused by: " in data
    assert b"\t... " in data
    assert meta["stack_traces"] >= 0.01 * meta["events"]
    assert meta["long_events"] >= 0.005 * meta["events"]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert b"\x00" in data
    assert b"\r\n" in data
    assert b"\r" in data.replace(b"\r\n", b"")
    assert meta["bad"]["invalid_utf8"] and meta["bad"]["nul"] and meta["bad"]["cr"]
    assert data.count(b"ERROR") == meta["error_lines"] == meta["levels"]["ERROR"]
    assert b"timed out." in data
    assert meta["incidents"]


def test_gc_logs_hold_long_pauses(made: dict[str, tuple[Path, dict]]) -> None:
    unified = made["gc-unified"][0].read_bytes()
    assert b"][info][gc,start    ] GC(" in unified
    assert b"Pause Full (G1 Compaction Pause)" in unified
    assert unified.count(b" Pause ") == made["gc-unified"][1]["gc"]["pause_lines"]
    jdk8 = made["gc-jdk8"][0].read_bytes()
    assert b"[GC pause (G1 Evacuation Pause) (young), " in jdk8
    assert b"[Full GC (Allocation Failure)" in jdk8
    for kind in ("gc-unified", "gc-jdk8"):
        assert made[kind][1]["gc"]["pauses_ge_1s"] >= 1


@pytest.mark.parametrize("kind", ["taskmanager", "jobmanager", "gc-unified", "gc-jdk8", "incident-folder"])
def test_logforensics_reads_it(made: dict[str, tuple[Path, dict]], kind: str) -> None:
    path, meta = made[kind]
    analysis = analyze([path])
    assert analysis.sources
    for source in analysis.sources:
        assert source.skipped_reason is None, source
        assert source.records > 0
    if kind in ("taskmanager", "jobmanager"):
        (source,) = analysis.sources
        assert source.kind.value == f"flink_{kind}"
        assert source.lines == meta["lines"]
        assert source.records == meta["events"]
    elif kind.startswith("gc"):
        (summary,) = analysis.gc
        assert summary.pause_count == meta["gc"]["pauses"]
        assert summary.full_gc_count == meta["gc"]["full_gcs"]
    else:
        kinds = sorted(s.kind.value for s in analysis.sources)
        assert kinds == ["flink_jobmanager", "flink_taskmanager", "gc_log"]


def _floor(mode: str, path: Path) -> str:
    """benchmarks/floor.py run as run.py runs it: a fresh process."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "floor.py"), mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


@pytest.mark.parametrize("kind", ["taskmanager", "jobmanager"])
def test_floor_counts_every_record(made: dict[str, tuple[Path, dict]], kind: str) -> None:
    """The floor run beside logforensics reads the whole file: its level counts are the generated ones, and the
    literal pass finds some headers (each file holds incidents) but not all."""
    path, meta = made[kind]
    out = _floor("literals", path).split()
    counts = dict(zip(out[::2], (int(n) for n in out[1::2]), strict=True))
    literal_lines = counts.pop("literal-lines")
    assert counts == {level: n for level, n in meta["levels"].items() if n}
    assert 0 < literal_lines < meta["events"]
    assert _floor("levels", path).split() == _floor("literals", path).split()[:-2]


def test_floor_reads_every_pause(made: dict[str, tuple[Path, dict]]) -> None:
    path, meta = made["gc-unified"]
    words = _floor("pauses", path).split()
    assert int(words[words.index("pauses") + 1]) == meta["gc"]["pauses"]
    assert float(words[words.index("total_ms") + 1]) > 0


def test_run_checks_the_floor_like_lnav(made: dict[str, tuple[Path, dict]]) -> None:
    """run.py judges a floor run by its level counts; the literal count is said beside them, not taken for a level."""
    spec = importlib.util.spec_from_file_location("benchmarks_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    run_module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = run_module
    spec.loader.exec_module(run_module)
    path, meta = made["taskmanager"]
    inp = run_module.Input(path.name, path, "taskmanager", meta)
    out = _floor("literals", path)
    ok, note = run_module.check_floor_levels(run_module.Run(1.0, None, 0, out, ""), inp)
    assert ok, note
    assert "record headers hold a catalogue literal" in note
    wrong = out.replace("INFO ", "INFO 1")
    assert not run_module.check_floor_levels(run_module.Run(1.0, None, 0, wrong, ""), inp)[0]
