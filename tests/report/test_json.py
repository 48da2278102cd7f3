"""The JSON report's additions (issue 6): appended after the first version's keys, never renaming them."""

from __future__ import annotations

import dataclasses
import json

import pytest

from logforensics.report.json import render_json, to_document
from tests.report.test_html import JOB_ID, TM2, TM2_LOG, make_analysis
from tests.report.test_sections import checkpoint_events, group, skew_events

FIRST_VERSION_KEYS = [
    "schema_version",
    "tool",
    "incident",
    "sources",
    "findings",
    "timeline",
    "gc",
    "catalogue_version",
    "generated_at",
]
ADDED_KEYS = ["exceptions", "checkpoints", "metrics", "data_quality"]


def test_added_keys_come_after_the_first_versions_keys() -> None:
    document = json.loads(render_json(make_analysis()))
    assert list(document) == FIRST_VERSION_KEYS + ADDED_KEYS
    assert document["schema_version"] == 1


def test_checkpoints_exceptions_and_clock_skew_numbers() -> None:
    analysis = make_analysis(events=checkpoint_events())
    analysis = dataclasses.replace(analysis, exceptions=(group("disk full", 7),))
    document = to_document(analysis)
    (job,) = document["checkpoints"]["jobs"]
    assert job == {
        "job_id": JOB_ID,
        "triggered": 4,
        "completed": 2,
        "failed": 1,
        "no_outcome": 1,
        "duration_ms_median": 2250.0,
        "duration_ms_max": 3000.0,
        "size_bytes_last": 2 * 1_048_576,
        "size_bytes_max": 2 * 1_048_576,
        "first_failure_ts": "2023-03-14T09:04:00.000Z",
    }
    assert [(f["checkpoint_id"], f["outcome"]) for f in document["checkpoints"]["failed"]] == [(3, "expired")]
    assert document["exceptions"][0]["count"] == 7 and "example" not in document["exceptions"][0]
    skew = to_document(make_analysis(events=skew_events(-2.0)))["data_quality"]["clock_skew"]
    assert skew == [
        {
            "tm_id": TM2,
            "source": TM2_LOG,
            "pairs": 2,
            "smallest_ms": pytest.approx(-1980.0),
            "median_ms": pytest.approx(-1975.0),
        }
    ]
