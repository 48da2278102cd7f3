"""A rotated GC set's parts in the report: ``analyze`` keeps the labels of a set's files in content order
(``GcSummary.parts``), the JSON report lists them (``gc[].parts``) and the HTML report names them under the set's
name ("4 parts: gc.log.2, gc.log.0, ..."); a single file has no parts line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

from logforensics.api import analyze
from logforensics.model import GcSummary
from logforensics.report.html import render_html
from logforensics.report.json import render_json, to_document
from tests.report.test_html import GC_LOG, TM2, make_analysis, section
from tests.test_gc_summary import _part, _wrapped_set

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def _row_header(gc: str, source: str) -> str:
    """The ``<th>`` of the GC table's row of ``source`` (escaped as the page prints it)."""
    match = re.search(rf'<th scope="row" class="loc">{re.escape(source)}(?:<br>.*?)?</th>', gc)
    assert match, source
    return match.group(0)


def test_a_rotated_set_shows_its_parts_in_content_order(tmp_path: Path, gc_corpus: Path) -> None:
    (tmp_path / "tm-1").mkdir()
    _wrapped_set(tmp_path / "tm-1")  # content order: gc.log.2, gc.log.0, gc.log.1, gc.log (wrapped around)
    (tmp_path / "jdk7").mkdir()
    rotated = gc_corpus / "gctoolkit-testdata" / "rotating_directory"
    for name in ("gc.log.0", "gc.log.1.current"):
        (tmp_path / "jdk7" / name).write_bytes((rotated / name).read_bytes())
    (tmp_path / "solo.gc.log").write_text(_part(5.0, 50.0, init=True))  # a single file: a set of one
    analysis = analyze([tmp_path], now=NOW)

    expected = {
        "tm-1/gc.log": ("tm-1/gc.log.2", "tm-1/gc.log.0", "tm-1/gc.log.1", "tm-1/gc.log"),
        "jdk7/gc.log": ("jdk7/gc.log.0", "jdk7/gc.log.1.current"),
        "solo.gc.log": ("solo.gc.log",),
    }
    assert {s.source: s.parts for s in analysis.gc} == expected

    document = json.loads(render_json(analysis))
    assert {g["source"]: g["parts"] for g in document["gc"]} == {k: list(v) for k, v in expected.items()}
    for entry in document["gc"]:
        assert list(entry)[-1] == "parts"  # added after the first version's keys

    gc = section(render_html(analysis), "gc")
    assert _row_header(gc, "tm-1/gc.log").endswith(
        '<br><span class="muted">4 parts: gc.log.2, gc.log.0, gc.log.1, gc.log</span></th>'
    )
    assert _row_header(gc, "jdk7/gc.log").endswith(
        '<br><span class="muted">2 parts: gc.log.0, gc.log.1.current</span></th>'
    )
    assert _row_header(gc, "solo.gc.log") == '<th scope="row" class="loc">solo.gc.log</th>'
    assert gc.count(" parts: ") == 2


def test_a_single_file_has_no_parts_line_and_an_empty_or_lone_parts_list() -> None:
    for parts in ((), (GC_LOG,)):
        analysis = make_analysis()
        analysis = dataclasses.replace(analysis, gc=tuple(dataclasses.replace(g, parts=parts) for g in analysis.gc))
        (entry,) = to_document(analysis)["gc"]
        assert entry["parts"] == list(parts)
        gc = section(render_html(analysis), "gc")
        assert _row_header(gc, GC_LOG) == f'<th scope="row" class="loc">{GC_LOG}</th>'
        assert "part" not in gc.split("<tbody>")[1].split("</tbody>")[0]


def test_parts_are_escaped_and_named_within_the_sets_folder() -> None:
    source = "tm-2/gc<&>.log"
    summary = GcSummary(
        source, "G1", "unified", 3, 30.0, 12.0, 10.0, 12.0, 0, 99.0, tm_id=TM2, parts=(f"{source}.1", source, "x/y.log")
    )
    analysis = dataclasses.replace(make_analysis(), gc=(summary,))
    gc = section(render_html(analysis), "gc")
    name = "gc&lt;&amp;&gt;.log"
    assert _row_header(gc, f"tm-2/{name}").endswith(
        f'<br><span class="muted">3 parts: {name}.1, {name}, x/y.log</span></th>'
    )
    assert "<&>" not in gc
    assert to_document(analysis)["gc"][0]["parts"] == [f"{source}.1", source, "x/y.log"]
