"""The shortcuts that make the GC parser fast give the same answers as the plain rules they stand for.

- The parser looks at most lines only once: a literal prefilter picks the few lines any rule can use. Every rule
  that produces something needs one of those literals (checked on the rules' sample lines).
- The parsed-line count comes from GC ids (unified) and record boundaries (legacy) instead of a test per line: here
  the plain per-line rule is computed on every line and compared, on the corpus and on random mixes of its lines.
- ``logforensics gc`` lets polars split a plain file itself: the lines are those ``read_lines`` gives.

The corpus (../shared/corpus/gc beside the checkout) is read in place; tests that need it skip when it is absent.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logforensics.gcstats import compute
from logforensics.gcsummary import analyse_paths
from logforensics.parsers.gc import LEGACY_RULES, UNIFIED_RULES, parse_gc, parsed_mask, sniff_gc
from logforensics.parsers.gc.rules import EVENT_CANDIDATE, LEGACY_COLLECTOR_MARKERS, SHENANDOAH_PAUSE, USEFUL
from logforensics.parsers.lines import read_lines, read_plain_file

CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus" / "gc"


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"GC corpus not found at {CORPUS} (it lives in ../shared beside the checkout)")
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".json") and not p.name.startswith(".")
    )


def _layout(data: bytes) -> str:
    return sniff_gc(data[:65536].decode("utf-8", errors="replace")) or "gc_unified"


# --- the literal prefilters --------------------------------------------------------------------------------------

UNIFIED_EVENT_RULES = (
    "pause",
    "pause_start",
    "concurrent",
    "zgc_cycle",
    "zgc_cycle_start",
    "safepoint",
    "stopped",
    "stall",
    "to_space",
    "cancelled",
)
# Legacy rules run on the lines that start a record or hold a useful literal.
LEGACY_LINE_RULES = ("duration", "g1_heap", "heap", "used_heap", "old_gen", "concurrent", "shenandoah", "jvm_header")


@pytest.mark.parametrize("name", UNIFIED_EVENT_RULES)
def test_unified_event_rules_need_a_candidate_literal(name: str) -> None:
    sample = pl.Series([UNIFIED_RULES[name].sample])
    assert sample.str.contains(EVENT_CANDIDATE).item(), name


@pytest.mark.parametrize("name", LEGACY_LINE_RULES)
def test_legacy_rules_see_their_lines(name: str) -> None:
    sample = pl.Series([LEGACY_RULES[name].sample])
    kept = sample.str.contains(USEFUL) | sample.str.contains(LEGACY_RULES["boundary"].pattern)
    assert kept.item(), name


# --- the parsed-line count against the plain per-line rule --------------------------------------------------------


def _unified_parsed_per_line(frame: pl.DataFrame, events: pl.DataFrame) -> pl.Series:
    """Parsed: an event's own line, a GC(N) line whose N has an event, or a header / informational line."""
    line = pl.col("line")
    ids = events.get_column("gc_id").drop_nulls().unique().implode()
    own = pl.col("line_no").is_in(events.get_column("line").unique().implode())
    gc_id = line.str.extract(UNIFIED_RULES["gc_id"].pattern, 1).cast(pl.Int64, strict=False)
    info = UNIFIED_RULES["info"].pattern
    known = UNIFIED_RULES["header"].pattern + "|" + info
    parsed = (
        pl.when(line.str.contains("GC(", literal=True))
        .then(gc_id.is_in(ids).fill_null(False) | own | line.str.contains(info))
        .otherwise(own | line.str.contains(known))
    )
    return frame.select(parsed).to_series()


def _legacy_per_line(frame: pl.DataFrame) -> tuple[pl.Series, str]:
    """(parsed, collector). Parsed: a line of a GC event record or of a side record (stopped time, concurrent phase,
    Shenandoah), or an understood JVM header line; a record runs from a boundary line to the next one. Collector:
    the first whose marker is on a line of a GC event record or among the first 50 lines."""
    line = pl.col("line")
    rules = LEGACY_RULES
    boundary = line.str.contains(rules["boundary"].pattern) & ~line.str.contains(rules["inner"].pattern)
    rest = line.str.extract(rules["event"].pattern, 5)  # what follows "[GC" / "[Full GC"
    head = boundary & rest.is_not_null() & ~rest.str.starts_with(" concurrent-")
    side = (
        line.str.contains(rules["side"].pattern)
        | line.str.contains(rules["shenandoah"].pattern)
        | line.str.contains(rules["shenandoah_start"].pattern)
    )
    marked = frame.with_columns(boundary=boundary, head=head, side=side).with_columns(
        in_event=pl.when(pl.col("boundary")).then(pl.col("head")).forward_fill().fill_null(False),
        in_side=pl.when(pl.col("boundary")).then(pl.col("side")).forward_fill().fill_null(False),
    )
    parsed = marked.select(
        pl.col("in_event") | pl.col("in_side") | line.str.contains(rules["jvm_header"].pattern)
    ).to_series()
    text = pl.concat([marked.filter(pl.col("in_event")).select("line"), frame.head(50).select("line")])["line"]
    collector = next((name for name, pattern in LEGACY_COLLECTOR_MARKERS if text.str.contains(pattern).any()), None)
    if collector is None:
        shenandoah = frame.head(5000)["line"].str.contains(SHENANDOAH_PAUSE).any()
        collector = "Shenandoah" if shenandoah else "unknown"
    return parsed, collector


def _check_counts(data: bytes, name: str) -> None:
    frame = read_lines(data, name).frame
    layout = _layout(data)
    parse = parse_gc(frame, name, layout)
    if parse.format == "unified":
        expected = _unified_parsed_per_line(frame, parse.events)
    else:
        expected, collector = _legacy_per_line(frame)
        assert parse.collector == collector, name
    assert parse.parsed_lines == int(expected.sum()), name
    mask = parsed_mask(frame, layout).get_column("parsed")
    assert mask.equals(expected.alias("parsed")), name


def test_parsed_count_is_the_per_line_rule_on_the_corpus() -> None:
    for path in _corpus_files():
        _check_counts(path.read_bytes(), path.name)


def _corpus_lines(layout: str) -> list[str]:
    lines: list[str] = []
    if not CORPUS.is_dir():
        return lines
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix not in (".md", ".json"):
            data = path.read_bytes()
            if _layout(data) == layout:
                lines.extend(data.decode("utf-8", errors="replace").splitlines()[:400])
    return lines


UNIFIED_LINES = _corpus_lines("gc_unified")
LEGACY_LINES = _corpus_lines("gc_legacy")


@pytest.mark.skipif(not UNIFIED_LINES or not LEGACY_LINES, reason="GC corpus not found")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["unified", "legacy"]),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=300),
)
def test_parsed_count_is_the_per_line_rule_on_mixed_lines(layout: str, picks: list[int]) -> None:
    pool = UNIFIED_LINES if layout == "unified" else LEGACY_LINES
    text = "\n".join(pool[pick % len(pool)] for pick in picks) + "\n"
    _check_counts(text.encode(), f"mix.{layout}")


def test_collector_marker_on_a_line_no_rule_reads() -> None:
    """A CMS-looking record whose detail line names G1 (a line that holds no literal any rule needs): the earlier
    marker in the list still wins, as when every line of the record was searched."""
    text = (
        "0.100: [GC (Allocation Failure) 0.100: [ParNew: 1K->1K(2K), 0.01 secs] 1K->1K(2K), 0.01 secs]\n"
        " garbage-first heap   total 10K, used 5K\n"
    )
    parse = parse_gc(read_lines(text.encode(), "t").frame, "t", "gc_legacy")
    assert parse.collector == "G1"
    _check_counts(text.encode(), "t")


# --- logforensics gc reads plain files itself ---------------------------------------------------------------------

ODD_FILES = {
    "bom-crlf.log": b"\xef\xbb\xbf[0.017s][info][gc] Using G1\r\n[0.020s][info][gc] GC(0) Pause Young 1M->1M(2M) 1.0ms\r\n",
    "lone-cr.log": b"0.1: [GC 1K->1K(2K), 0.01 secs]\rtail\nnext\n",
    "latin1.log": b"caf\xe9 [0.1s][info][gc] x\n\xff\xfe\n",
    "nul.log": b"a\x00b\n\x00\x00\x00\n",
    "separator.log": b"a\x1fb\nc\n",
    "empty-lines.log": b"\n\n\na\n\n",
    "no-final-eol.log": b"a\nb",
    "only-eol.log": b"\n",
    "quotes.log": b'"unbalanced\n"a","b"\n',
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_plain_file_lines_are_read_lines(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(ODD_FILES[name])
    frame = read_plain_file(path)
    assert frame is not None
    assert frame.equals(read_lines(ODD_FILES[name], name).frame), name


def test_plain_file_without_a_free_separator_is_left_to_read_lines(tmp_path: Path) -> None:
    path = tmp_path / "binary.log"
    path.write_bytes(bytes(range(1, 32)) + b"\n")
    assert read_plain_file(path) is None


def test_plain_corpus_files_are_read_lines() -> None:
    for path in _corpus_files():
        frame = read_plain_file(path)
        assert frame is not None, path.name
        assert frame.equals(read_lines(path.read_bytes(), path.name).frame), path.name


def test_gc_command_numbers_are_those_of_the_parser() -> None:
    for result in analyse_paths([CORPUS / "jifa"] if CORPUS.is_dir() else []):
        assert result.stats is not None
        data = (CORPUS / result.label).read_bytes() if (CORPUS / result.label).is_file() else None
        if data is None:
            data = (CORPUS / "jifa" / result.label).read_bytes()
        parse = parse_gc(read_lines(data, result.label).frame, result.label, _layout(data))
        assert result.stats == compute(parse, result.label), result.label


def _file_cases() -> dict[str, bytes]:
    cases = dict(ODD_FILES)
    block = 1 << 20
    cases["cr-at-block-end.log"] = b"x" * (block - 1) + b"\rnext\n"  # a lone CR right before a block boundary
    cases["fffd-across-blocks.log"] = b"y" * (block - 1) + "\ufffd ok\n".encode()  # the file's own U+FFFD
    cases["invalid-and-fffd.log"] = "own \ufffd\n".encode() + b"bad \xff\n"
    return cases


@pytest.mark.parametrize("name", sorted(_file_cases()))
def test_file_lines_are_read_lines_with_the_same_warnings_and_hash(tmp_path: Path, name: str) -> None:
    import hashlib

    from logforensics.parsers.lines import read_file_lines

    data = _file_cases()[name]
    path = tmp_path / name
    path.write_bytes(data)
    got = read_file_lines(path)
    assert got is not None
    lines, sha = got
    expected = read_lines(data, name)
    assert lines.frame.equals(expected.frame), name
    assert lines.warnings == expected.warnings, name
    assert sha == hashlib.sha256(data).hexdigest()


def test_file_lines_of_corpus_files_are_read_lines() -> None:
    from logforensics.parsers.lines import read_file_lines

    for path in _corpus_files():
        got = read_file_lines(path)
        assert got is not None, path.name
        expected = read_lines(path.read_bytes(), path.name)
        assert got[0].frame.equals(expected.frame) and got[0].warnings == expected.warnings, path.name
