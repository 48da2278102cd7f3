"""Shared fixtures. The corpus in ../shared is test data only: read in place, skipped with a reason where absent."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FLINK_CORPUS = SHARED / "corpus" / "flink"
GC_CORPUS = SHARED / "corpus" / "gc"
SAMPLES = REPO / "sample_logs"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/*.json from the current output instead of comparing.",
    )


@pytest.fixture
def flink_corpus() -> Path:
    if not FLINK_CORPUS.is_dir():
        pytest.skip(f"the Flink corpus is not beside this checkout ({FLINK_CORPUS})")
    return FLINK_CORPUS


@pytest.fixture
def gc_corpus() -> Path:
    if not GC_CORPUS.is_dir():
        pytest.skip(f"the GC corpus is not beside this checkout ({GC_CORPUS})")
    return GC_CORPUS


@pytest.fixture
def write_files(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write {relative name: text or bytes} under tmp_path and return the folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return write
