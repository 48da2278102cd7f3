"""Render the self-contained HTML post-mortem: the view model printed by ``templates/report.html.j2``.

The page makes no external request and reads well with JavaScript and CSS blocked. Log text is hostile input: jinja2
autoescapes every printed value, and JSON embedded in a ``<script>`` element is serialised by :func:`script_json`.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template

from logforensics.model import Analysis
from logforensics.report.output import write_atomic
from logforensics.report.view import build_view
from logforensics.resources import templates_dir

TEMPLATE_NAME = "report.html.j2"

_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any, **_ignored: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>``, ``&``, ``'``, U+2028 and U+2029 are ``\\u`` escapes.

    So ``</script>`` or ``<!--`` in log text cannot end or confuse the element, and the JSON stays valid JavaScript.
    Keys are sorted so that the page is byte-for-byte reproducible.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "".join(_SCRIPT_UNSAFE.get(char, char) for char in text)


def environment() -> Environment:
    """The jinja2 environment of the report: autoescape on, undefined names are errors, ``tojson`` uses script_json."""
    env = Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_function"] = script_json
    env.policies["json.dumps_kwargs"] = {}
    return env


@functools.cache
def report_template() -> Template:
    """The report template, compiled once per process (a batch renders one report per incident)."""
    return environment().get_template(TEMPLATE_NAME)


def render_html(analysis: Analysis, *, embed_js: bool = True) -> str:
    """The report of ``analysis`` as one HTML document; ``embed_js=False`` leaves out every ``<script>``."""
    view = build_view(analysis, embed_js=embed_js)
    return report_template().render(view.to_context())


def write_html(analysis: Analysis, path: str | os.PathLike[str], *, embed_js: bool = True) -> Path:
    """Write the report to ``path`` atomically (a temporary file beside it, then a rename); returns the path."""
    target = Path(path)
    document = render_html(analysis, embed_js=embed_js)
    write_atomic(target, document)
    return target
