"""Load one ``causes/*.toml`` file into a Cause (its ``[sequence]`` or ``[threshold]`` by ``load_sequences``).

Remediation entries may carry the Flink versions their keys exist in; ``applies_to`` names the versions the rule is
written for. Tests are inline ``files`` or a ``fixture`` folder (``tests/patterns/<id>/<name>/`` beside the
repository's catalogue, ``<folder>/tests/<id>/<name>/`` in a user's); a rule with status ``test`` or ``stable`` needs
both a hit and a miss, and a ``stable`` one documents its false positives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import regex

from logforensics.catalogue.load_sequences import load_sequence, load_threshold, threshold_sequence
from logforensics.catalogue.model import Cause, CauseTest, Sequence, Status, Threshold
from logforensics.catalogue.tomlfile import File, KeySpec, enum, strings
from logforensics.catalogue.versions import parse_range
from logforensics.model import FindingKind, Remediation, Severity

CATEGORIES = (
    "memory",
    "gc",
    "checkpoint",
    "network",
    "heartbeat",
    "deployment",
    "state",
    "user_code",
    "external",
    "platform",
)
FAILURE_TYPES = ("user", "system", "platform")

_CAUSE_KEYS: KeySpec = {
    "id": (str, True),
    "title": (str, True),
    "status": (str, True),
    "kind": (str, True),
    "category": (str, True),
    "failure_type": (str, True),
    "tags": (list, False),
    "applies_to": (dict, False),
    "severity": (str, False),  # required, except for a [threshold] rule (then: its highest level)
    "confidence": ((int, float), True),
    "summary": (str, True),
    "diagnosis": (str, True),
    "false_positives": (str, False),
    "references": (list, True),
    "explains": (list, False),
    "supersedes": (list, False),
    "corroborate": (list, False),
    "confirm_with": (str, False),
    "confirm_signal": (str, False),
    "sequence": (dict, False),  # a cause has a [sequence] or a [threshold]
    "threshold": (dict, False),
    "remediation": (list, True),
    "tests": (list, False),
}
_APPLIES_KEYS: KeySpec = {
    "components": (list, False),
    "flink_versions": (str, False),
}
_REMEDIATION_KEYS: KeySpec = {
    "action": (str, True),
    "config": (dict, False),
    "flink_versions": (str, False),
}
_TEST_KEYS: KeySpec = {
    "name": (str, True),
    "expect": (str, True),
    "files": (dict, False),
    "fixture": (str, False),
}
_FIXTURE_NAME = regex.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def fixture_roots(root: Path, cause_id: str) -> list[Path]:
    """Where a cause's fixture folders may live: beside the rules (``<root>/tests/<id>/``, for a user's folder) or in
    the repository's tests (``<root>/../tests/patterns/<id>/``, for the built-in catalogue)."""
    return [root / "tests" / cause_id, root.parent / "tests" / "patterns" / cause_id]


def _check_fixture(file: File, cause_id: str, fixture: str) -> bool:
    """A fixture must exist where fixtures are kept; an installed catalogue without its tests is not checked."""
    root = file.path.parent.parent
    bases = [base for base in fixture_roots(root, cause_id) if base.parent.is_dir()]
    if bases and not any((base / fixture).is_dir() for base in bases):
        places = " or ".join(str(base / fixture) for base in bases)
        file.error("fixture", f"fixture folder '{fixture}' not found ({places})")
        return False
    return True


def _versions(file: File, key: str, text: str) -> bool:
    if parse_range(text) is None:
        file.error(key, f"'{key}' = '{text}' is not a version range like '>=1.14', '<1.17', '1.11-1.16', '1.18+'")
        return False
    return True


def load_cause(file: File, data: dict[str, Any]) -> Cause | None:
    if not file.check_table(data, _CAUSE_KEYS, "the cause"):
        return None
    ok = True
    if data["id"] != file.path.stem:
        file.error("id", f"id '{data['id']}' differs from the file name '{file.path.stem}'")
        ok = False
    ok &= enum(file, "status", data["status"], [s.value for s in Status])
    ok &= enum(file, "kind", data["kind"], [k.value for k in FindingKind])
    ok &= enum(file, "category", data["category"], CATEGORIES)
    ok &= enum(file, "failure_type", data["failure_type"], FAILURE_TYPES)
    if "severity" in data:
        ok &= enum(file, "severity", data["severity"], [s.value for s in Severity])
    elif "threshold" not in data:
        file.problems.append(f"{file.label}:1: missing required key 'severity' in the cause")
        ok = False
    if not 0.0 <= float(data["confidence"]) <= 1.0:
        file.error("confidence", "confidence must be between 0 and 1")
        ok = False
    applies = data.get("applies_to", {})
    if applies and not file.check_table(applies, _APPLIES_KEYS, "[applies_to]"):
        ok = False
    elif applies.get("flink_versions"):
        ok &= _versions(file, "flink_versions", applies["flink_versions"])
    sequence: Sequence | None = None
    threshold: Threshold | None = None
    if ("sequence" in data) == ("threshold" in data):
        file.problems.append(f"{file.label}:1: a cause needs exactly one of [sequence] and [threshold]")
        ok = False
    elif "sequence" in data:
        sequence = load_sequence(file, data["sequence"])
        ok &= sequence is not None
    else:
        threshold = load_threshold(file, data["threshold"])
        ok &= threshold is not None
        if threshold is not None:
            sequence = threshold_sequence(threshold)
    remediation: list[Remediation] = []
    remediation_versions: list[str] = []
    for raw in data["remediation"]:
        if not isinstance(raw, dict) or not file.check_table(raw, _REMEDIATION_KEYS, "[[remediation]]"):
            ok = False
            continue
        config = raw.get("config", {})
        if not all(isinstance(v, str) for v in config.values()):
            file.error("config", "remediation config values must be strings (the advice for that key)")
            ok = False
            continue
        if raw.get("flink_versions") and not _versions(file, "flink_versions", raw["flink_versions"]):
            ok = False
            continue
        remediation.append(Remediation(action=raw["action"], config=dict(config)))
        remediation_versions.append(raw.get("flink_versions", ""))
    if not remediation:
        file.error("remediation", "a cause needs at least one [[remediation]]")
        ok = False
    tests: list[CauseTest] = []
    for raw in data.get("tests", []):
        if not isinstance(raw, dict) or not file.check_table(raw, _TEST_KEYS, "[[tests]]"):
            ok = False
            continue
        if raw["expect"] not in ("hit", "miss"):
            file.error("expect", f"a test's expect must be 'hit' or 'miss', not '{raw['expect']}'")
            ok = False
            continue
        if ("files" in raw) == ("fixture" in raw):
            file.error("name", f"test '{raw['name']}' needs either 'files' (inline) or 'fixture' (a folder name)")
            ok = False
            continue
        if not all(isinstance(v, str) for v in raw.get("files", {}).values()):
            file.error("files", "a test's files map file names to their content (strings)")
            ok = False
            continue
        if "fixture" in raw and not _FIXTURE_NAME.match(raw["fixture"]):
            file.error("fixture", f"fixture '{raw['fixture']}' must be a plain folder name under tests/patterns/<id>/")
            ok = False
            continue
        if "fixture" in raw and not _check_fixture(file, data["id"], raw["fixture"]):
            ok = False
            continue
        tests.append(
            CauseTest(
                name=raw["name"], expect=raw["expect"], files=dict(raw.get("files", {})), fixture=raw.get("fixture", "")
            )
        )
    status = data["status"]
    if status in ("test", "stable") and not ({"hit", "miss"} <= {t.expect for t in tests}):
        file.error(
            "status",
            f"a cause with status '{status}' needs at least one 'hit' and one 'miss' test (inline or fixture)",
        )
        ok = False
    if status == "stable" and not str(data.get("false_positives", "")).strip():
        file.error("status", "a cause with status 'stable' documents its false positives ('false_positives')")
        ok = False
    if not ok or sequence is None:
        return None
    levels = threshold.levels if threshold is not None else ()
    severity = Severity(data["severity"]) if "severity" in data else levels[-1][0]
    return Cause(
        id=data["id"],
        title=data["title"],
        path=file.label,
        status=Status(status),
        kind=FindingKind(data["kind"]),
        category=data["category"],
        failure_type=data["failure_type"],
        severity=severity,
        confidence=float(data["confidence"]),
        sequence=sequence,
        summary=data["summary"].strip(),
        diagnosis=data["diagnosis"].strip(),
        remediation=tuple(remediation),
        references=strings(file, "references", data["references"]),
        tests=tuple(tests),
        tags=strings(file, "tags", data.get("tags", [])),
        components=strings(file, "components", applies.get("components", [])),
        flink_versions=applies.get("flink_versions", ""),
        false_positives=data.get("false_positives", "").strip(),
        explains=strings(file, "explains", data.get("explains", [])),
        supersedes=strings(file, "supersedes", data.get("supersedes", [])),
        corroborate=strings(file, "corroborate", data.get("corroborate", [])),
        confirm_with=data.get("confirm_with", ""),
        confirm_signal=data.get("confirm_signal", ""),
        threshold=threshold,
        remediation_versions=tuple(remediation_versions),
        root=str(file.path.parent.parent),
    )
