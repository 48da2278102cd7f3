"""The HTML report opened as a person opens it: in headless Chromium, with and without JavaScript.

For each sample incident: no console error, no network request (only the file itself is loaded), the whole verdict in
the first 1280x800 screen, a screenshot with content. Without JavaScript (Jira, Jenkins and GitLab sandboxes) the
verdict, the findings and the timeline are still there. A report of hostile log lines stays inert and intact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from logforensics.api import analyze
from logforensics.report.html import write_html
from tests.browser.conftest import VIEWPORT
from tests.browser.png import grey_stddev
from tests.conftest import SAMPLES
from tests.report.incidents import (
    HOSTILE_FILE_NAME,
    LONG_LINE_CHARS,
    PAYLOADS,
    write_hostile_incident,
    write_metrics_incident,
)

FIXED_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
INCIDENTS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir() and (p / "README.md").is_file())
MIN_GREY_STDDEV = 10.0
"""A blank page has 0; the sample reports have 40 or more."""
SHOT_SCALE = 0.5
"""Screenshots are taken at half the device scale: the same 1280x800 layout, a quarter of the pixels to check."""


@dataclass
class Visit:
    """One page load and what the page did."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def visit(browser: Any, report: Path, *, javascript: bool = True, **context: Any) -> Iterator[Visit]:
    ctx = browser.new_context(viewport=VIEWPORT, java_script_enabled=javascript, **context)
    try:
        page = ctx.new_page()
        seen = Visit(page, report.resolve().as_uri())
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))

        def dismiss(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", dismiss)
        page.goto(seen.url, wait_until="load")
        yield seen
    finally:
        ctx.close()


def render(folder: Path, out: Path) -> Path:
    write_html(analyze([folder], now=FIXED_NOW), out)
    return out


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    return {name: render(SAMPLES / name, out / f"{name}.html") for name in INCIDENTS}


def in_first_screen(box: dict[str, float] | None) -> bool:
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= VIEWPORT["width"]
        and box["y"] + box["height"] <= VIEWPORT["height"]
    )


# --- the sample incidents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("incident", INCIDENTS)
def test_sample_report_in_a_browser(
    browser: Any, reports: dict[str, Path], incident: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with visit(browser, reports[incident], device_scale_factor=SHOT_SCALE) as seen:
        page = seen.page
        assert seen.errors == []
        assert seen.requests == [seen.url]  # the document itself, nothing else: no CDN, font, image
        assert in_first_screen(page.locator("#verdict").bounding_box()), "the whole verdict is in the first screen"
        for part in (".headline", ".confidence", ".facts", ".remedy", ".raise"):
            assert page.locator(f"#verdict {part}").first.is_visible(), part
        assert page.locator(".filter-bar").count() == 1  # the script ran, and only enhanced the events table
        shot = tmp_path_factory.mktemp("screenshots") / f"{incident}.png"
        page.screenshot(path=str(shot))
        assert grey_stddev(shot.read_bytes()) > MIN_GREY_STDDEV, f"blank screenshot: {shot}"


@pytest.mark.parametrize("incident", INCIDENTS)
def test_sample_report_without_javascript(browser: Any, reports: dict[str, Path], incident: str) -> None:
    with visit(browser, reports[incident], javascript=False) as seen:
        page = seen.page
        assert seen.requests == [seen.url]
        assert in_first_screen(page.locator("#verdict .headline").bounding_box())
        assert page.locator("#verdict .remedy").is_visible()
        findings = page.locator("#findings article.finding")
        assert findings.count() >= 1 and findings.first.is_visible()
        timeline = page.locator("#timeline svg.timeline-chart")
        assert timeline.is_visible() and timeline.bounding_box()["height"] > 50  # type: ignore[index]
        assert page.locator("#timeline svg .marker").count() > 0
        assert page.locator(".filter-bar").count() == 0  # no script ran


def test_dark_mode_and_print(browser: Any, reports: dict[str, Path], tmp_path: Path) -> None:
    report = reports["gc-heartbeat-timeout-1.15"]
    with visit(browser, report, color_scheme="dark", device_scale_factor=SHOT_SCALE) as seen:
        page = seen.page
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(part) for part in background[background.index("(") + 1 : -1].split(",")[:3])
        assert red + green + blue < 150, background
        page.screenshot(path=str(tmp_path / "dark.png"))
        assert grey_stddev((tmp_path / "dark.png").read_bytes()) > MIN_GREY_STDDEV
        page.emulate_media(media="print", color_scheme="light")
        assert page.locator("nav").is_hidden()
        assert page.locator("#verdict .headline").is_visible()
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_metrics_checkpoints_and_clock_skew(browser: Any, tmp_path: Path) -> None:
    report = render(write_metrics_incident(tmp_path / "incident"), tmp_path / "metrics.html")
    with visit(browser, report) as seen:
        page = seen.page
        assert seen.errors == [] and seen.requests == [seen.url]
        assert page.locator("#metrics svg.chart").count() == 5
        assert page.locator("#checkpoints svg.chart").count() == 1
        assert "ahead by up to 3.0 s" in page.locator("#quality").inner_text()


# --- hostile log text ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    return render(write_hostile_incident(folder / "incident"), folder / "hostile.html")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_hostile_log_lines_render_inert_and_intact(browser: Any, hostile_report: Path, javascript: bool) -> None:
    assert hostile_report.stat().st_size < 1_000_000, "the 1 MB line is capped, not printed whole"
    with visit(browser, hostile_report, javascript=javascript) as seen:
        page = seen.page
        assert seen.dialogs == []
        assert seen.requests == [seen.url]  # <img src=x> would have been fetched had it become an element
        assert page.locator("img").count() == 0
        assert page.locator("#pwned-bold").count() == 0
        assert page.locator("script").count() == 2  # ours only (the data and the filter); JS off still parses them
        if javascript:
            assert seen.errors == []
            assert page.evaluate("typeof window.__pwned") == "undefined"
        text = page.locator("body").text_content() or ""
        for payload in PAYLOADS:
            assert payload in text, payload  # shown as text, whole: escaped, not dropped
        assert HOSTILE_FILE_NAME in text
        assert "x" * 900 in text  # the 1 MB line is there, capped (EVENT_TEXT_CAP, 1000 characters)
        assert "x" * 5_000 not in text and len(text) < LONG_LINE_CHARS
        assert in_first_screen(page.locator("#verdict").bounding_box())
