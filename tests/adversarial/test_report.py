"""Log text is hostile: a log whose lines (and whose file name) hold HTML, script, template syntax and the JavaScript
line terminators U+2028/U+2029 gives an inert HTML report and a valid JSON one that keeps the text verbatim."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.adversarial.conftest import Analyse, oom_record, tm_log

PAYLOAD = (
    "<script>alert(1)</script></script><script>alert(2)</script><!-- {{ 7*7 }} {% if true %}JINJA{% endif %} "
    "${7*7} #{7*7} \u2028 \u2029 javascript:alert(3) <img src=x onerror=alert(4)> \"'><svg onload=alert(5)> "
    "<style>body{display:none}</style> &amp; &lt;"
)
EVIL_NAME = "<img src=x onerror=alert(9)>.log"


def write_hostile(logs: Path) -> None:
    (logs / "taskmanager.log").write_text(
        tm_log(oom_record(task=f"Map {PAYLOAD} (1/2)#0")).replace("Java heap space", f"Java heap space {PAYLOAD}")
    )
    (logs / EVIL_NAME).write_text(f"{PAYLOAD}\n")


def test_html_report_is_inert_and_json_is_valid(analyse: Analyse, logs: Path) -> None:
    write_hostile(logs)
    outcome = analyse(logs)
    html = outcome.html
    # The only script elements are the template's own: the embedded data and the enhancement script.
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/json" id="report-data">', "<script>"]
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<style>body", "<!-- {{"):
        assert raw not in html, raw
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.DOTALL)
    assert len(scripts) == 2
    for script in scripts:  # U+2028/U+2029 are inert in HTML text, not in a script (before ES2019)
        assert "\u2028" not in script and "\u2029" not in script
    assert "alert(" not in scripts[1]  # no log text in the code itself
    assert "JINJA" not in html.replace("{% if true %}JINJA{% endif %}", "")  # template syntax printed, not run
    assert "{{ 7*7 }}" in html or "{{ 7*7 }}" in html.replace("&#34;", '"')
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    data = html.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\u2028" not in data
    json.loads(data)  # still valid JSON once the dangerous characters are \\u escapes
    # The JSON report keeps the text verbatim.
    assert "task_heap_oom" in outcome.finding_ids()
    texts = [e["text"] for f in outcome.document["findings"] for e in f["evidence"]]
    assert any(PAYLOAD in text for text in texts)
    assert outcome.sources[EVIL_NAME]["kind"] == "text"


def test_without_javascript_there_is_no_script_at_all(analyse: Analyse, logs: Path) -> None:
    write_hostile(logs)
    outcome = analyse(logs, args=("--no-js",))
    assert "<script" not in outcome.html
    assert "&lt;script&gt;alert(1)" in outcome.html
